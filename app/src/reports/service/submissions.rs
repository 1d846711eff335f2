//! Submitting a version with its files (once, however often the request is repeated), and reading
//! a submission, its files and the submission form.
use super::*;

/// One file received at the edge, its type already checked.
#[derive(Debug)]
pub struct IncomingFile {
    pub name: String,
    pub media_type: String,
    pub received: Received,
}

/// A version to submit: the first of a period, or the next after a return.
#[derive(Debug)]
pub struct NewVersion {
    pub obligation_id: Uuid,
    pub period: Period,
    pub summary: Summary,
    pub idempotency_key: Option<String>,
    pub files: Vec<IncomingFile>,
    /// Files of the returned version carried into this one (same bytes, no upload).
    pub keep_files: Vec<Uuid>,
}

/// What a submission request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitOutcome {
    Created(Uuid),
    /// The same request was made before under this idempotency key: nothing new was stored.
    Replayed(Uuid),
}

impl SubmitOutcome {
    pub fn submission_id(self) -> Uuid {
        match self {
            SubmitOutcome::Created(id) | SubmitOutcome::Replayed(id) => id,
        }
    }
}

fn fingerprint(v: &NewVersion) -> String {
    let mut h = Sha256::new();
    h.update(v.obligation_id.as_bytes());
    h.update(v.period.to_string().as_bytes());
    h.update(serde_json::to_vec(&v.summary).unwrap_or_default());
    for f in &v.files {
        h.update(f.name.as_bytes());
        h.update([0]);
        h.update(f.received.sha256.as_bytes());
    }
    for id in &v.keep_files {
        h.update(b"keep");
        h.update(id.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Finds an earlier request under the same key: its submission if it was the same request.
async fn replay<C: ConnectionTrait>(
    conn: &C,
    submitter: &ReportSubmitter,
    actor: &Actor,
    key: &str,
    fp: &str,
) -> ServiceResult<Option<Uuid>> {
    let Some(earlier) =
        submitter.versions_sent_by(actor).filter(version::Column::IdempotencyKey.eq(key)).one(conn).await?
    else {
        return Ok(None);
    };
    if earlier.fingerprint != fp {
        return Err(ServiceError::Conflict { field: "idempotency_key", msg: Msg::ErrIdempotencyReused });
    }
    Ok(Some(earlier.submission_id))
}

/// Checks a key: printable ASCII, 1–100 characters.
pub fn parse_idempotency_key(raw: &str) -> ServiceResult<Option<String>> {
    let key = raw.trim();
    if key.is_empty() {
        return Ok(None);
    }
    if key.len() > 100 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid("idempotency_key", Msg::ErrIdempotencyKey));
    }
    Ok(Some(key.to_string()))
}

/// Submits a version. Files are placed under their hash before the transaction commits; if it
/// does not commit, what it placed stays unreferenced until the sweeper removes it after its grace.
pub async fn submit(db: &DatabaseConnection, store: &FileStore, by: &Acting<'_>, submitter: &ReportSubmitter, new: NewVersion) -> ServiceResult<SubmitOutcome> {
    let Acting { actor, meta, now } = *by;
    let fp = fingerprint(&new);
    if let Some(key) = &new.idempotency_key {
        if let Some(id) = replay(db, submitter, actor, key, &fp).await? {
            return Ok(SubmitOutcome::Replayed(id));
        }
    }
    if new.files.len() + new.keep_files.len() > rules::MAX_FILES {
        return Err(invalid("files", Msg::ErrTooManyFiles));
    }
    rules::validate_summary(&new.summary).map_err(|(f, m)| invalid(f, m))?;
    // A failed transaction leaves what it placed to the sweeper: removing it here could take bytes
    // another upload of the same file is about to reference.
    let fp = fp.as_str();
    let today = date_in_zone(now, &actor.time_zone);
    let txn = write_txn(db).await?;
    let o = submitter
        .obligation(new.obligation_id)
        .one(&txn)
        .await?
        .ok_or(invalid("obligation_id", Msg::ErrObligationUnknown))?;
    let (kind, _, first, last) = typed(&o).ok_or(invalid("obligation_id", Msg::ErrObligationUnknown))?;
    rules::period_open(new.period, first, last, today).map_err(|m| invalid("period", m))?;
    if new.summary.kind() != kind {
        return Err(invalid("summary.kind", Msg::ErrSummaryKind));
    }
    let period_start = rules::start(new.period);
    let existing = submitter.period_submission(&txn, o.id, period_start).await?;
    let from = existing.as_ref().and_then(|s| SubmissionStatus::parse(&s.submission().status));
    rules::transition(from, rules::Step::Submit)
        .map_err(|r| ServiceError::Conflict { field: "period", msg: r.msg() })?;
    // Kept files must be the returned version's own: nothing else can be reached by id here.
    let kept = match (&existing, new.keep_files.is_empty()) {
        (_, true) => Vec::new(),
        (None, false) => return Err(invalid("keep_files", Msg::ErrKeptFileUnknown)),
        (Some(s), false) => kept_files(&txn, s, &new.keep_files).await?,
    };
    let (submission_id, number) = match existing {
        None => {
            let id = Uuid::new_v4();
            let inserted = submission::ActiveModel {
                id: Set(id),
                obligation_id: Set(o.id),
                period_start: Set(period_start),
                status: Set(SubmissionStatus::Submitted.code().into()),
                versions: Set(1),
                first_submitted_at: Set(now),
                last_submitted_at: Set(now),
                decided_at: Set(None),
            }
            .insert(&txn)
            .await;
            match inserted {
                Ok(s) => period_follows(&txn, &s, Moved::Version).await?,
                Err(e) => {
                    return Err(conflict_or_replay(db, txn, e, submitter, actor, new.idempotency_key.as_deref(), fp).await)
                }
            }
            (id, 1)
        }
        Some(s) => {
            let s = s.submission();
            let number = s.versions + 1;
            let mut m: submission::ActiveModel = s.clone().into();
            m.status = Set(SubmissionStatus::Submitted.code().into());
            m.versions = Set(number);
            m.last_submitted_at = Set(now);
            m.decided_at = Set(None);
            let s = m.update(&txn).await?;
            period_follows(&txn, &s, Moved::Version).await?;
            (s.id, number)
        }
    };
    epoch::bump(&txn).await?;
    let version_id = Uuid::new_v4();
    let summary_json = serde_json::to_string(&new.summary).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let inserted = version::ActiveModel {
        id: Set(version_id),
        submission_id: Set(submission_id),
        number: Set(number),
        summary: Set(summary_json),
        submitted_by: Set(actor.person_id),
        submitted_at: Set(now),
        idempotency_key: Set(new.idempotency_key.clone()),
        fingerprint: Set(fp.to_string()),
    }
    .insert(&txn)
    .await;
    if let Err(e) = inserted {
        return Err(conflict_or_replay(db, txn, e, submitter, actor, new.idempotency_key.as_deref(), fp).await);
    }
    let mut names = Vec::new();
    for f in new.files {
        let size = f.received.size as i64;
        let p = store.place(f.received).await.map_err(|e| ServiceError::Internal(format!("storing a file: {e}")))?;
        file::ActiveModel {
            id: Set(Uuid::new_v4()),
            version_id: Set(version_id),
            name: Set(f.name.clone()),
            media_type: Set(f.media_type),
            size: Set(size),
            sha256: Set(p.sha256),
        }
        .insert(&txn)
        .await?;
        names.push(f.name);
    }
    let mut kept_names = Vec::new();
    for f in kept {
        file::ActiveModel {
            id: Set(Uuid::new_v4()),
            version_id: Set(version_id),
            name: Set(f.name.clone()),
            media_type: Set(f.media_type),
            size: Set(f.size),
            sha256: Set(f.sha256),
        }
        .insert(&txn)
        .await?;
        kept_names.push(f.name);
    }
    let summary = format!(
        "{} {} version {}{}{}",
        kind.code(),
        new.period,
        number,
        if names.is_empty() { String::new() } else { format!("; files: {}", names.join(", ")) },
        if kept_names.is_empty() {
            String::new()
        } else {
            format!("; kept from version {}: {}", number - 1, kept_names.join(", "))
        }
    );
    let target = format!("submission {submission_id}");
    AuditEntry::mirrored(actor, meta, AuditAction::ReportSubmit, target, summary, o.receiver_id)
        .record(&txn, now)
        .await?;
    let reviewers = report_people(&txn, o.receiver_id).await?;
    mail_people(
        &txn,
        now,
        &reviewers,
        &ReportMail::ReportSubmitted {
            submitter: actor.organisation_name.clone(),
            kind,
            period: new.period.to_string(),
            version: number,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(SubmitOutcome::Created(submission_id))
}

/// The files of the submission's latest version named by `ids`, in the order asked; any id that is
/// not one of them (another version's, another submission's, unknown) refuses the whole request.
async fn kept_files<C: ConnectionTrait>(conn: &C, s: &SubmissionIn, ids: &[Uuid]) -> ServiceResult<Vec<file::Model>> {
    let Some(latest) = s.latest_version().one(conn).await? else {
        return Err(invalid("keep_files", Msg::ErrKeptFileUnknown));
    };
    let files: HashMap<Uuid, file::Model> = s
        .files()
        .filter(file::Column::VersionId.eq(latest.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect();
    let mut seen = HashSet::new();
    ids.iter()
        .filter(|id| seen.insert(**id))
        .map(|id| files.get(id).cloned().ok_or(invalid("keep_files", Msg::ErrKeptFileUnknown)))
        .collect()
}

/// A unique violation while submitting: either the same request raced itself (a replay) or a
/// second open submission for the period.
async fn conflict_or_replay(
    db: &DatabaseConnection,
    txn: DatabaseTransaction,
    e: sea_orm::DbErr,
    submitter: &ReportSubmitter,
    actor: &Actor,
    key: Option<&str>,
    fp: &str,
) -> ServiceError {
    let unique = matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)));
    let _ = txn.rollback().await;
    if !unique {
        return ServiceError::Db(e);
    }
    if let Some(key) = key {
        match replay(db, submitter, actor, key, fp).await {
            Ok(Some(_)) => {
                return ServiceError::Conflict { field: "idempotency_key", msg: Msg::ErrIdempotencyInFlight }
            }
            Err(e) => return e,
            Ok(None) => {}
        }
    }
    ServiceError::Conflict { field: "period", msg: Msg::ErrSubmissionOpen }
}

/// One submission with every version, file and review, as the reader may see it.
pub async fn submission_view(
    db: &DatabaseConnection,
    reader: &ReportReader,
    actor: &Actor,
    now: OffsetDateTime,
    id: Uuid,
) -> ServiceResult<SubmissionView> {
    let reached = reader.submission(db, id).await?;
    let (s, o) = (reached.submission(), reached.obligation());
    let names = org_names(db, [o.submitter_id, o.receiver_id, o.agency_id]).await?;
    let row = obligation_row(o, &names).ok_or(ServiceError::NotFound)?;
    let period = rules::from_start(row.cadence, s.period_start).ok_or(ServiceError::NotFound)?;
    let status = SubmissionStatus::parse(&s.status).ok_or(ServiceError::NotFound)?;
    let zone = actor.time_zone.as_str();
    let today = date_in_zone(now, zone);
    let state = rules::period_state(
        period,
        o.due_day as u8,
        today,
        Some(SubmissionFacts {
            status,
            first_submitted_on: date_in_zone(s.first_submitted_at, zone),
            versions: s.versions,
        }),
    );
    let versions = reached.versions().order_by_asc(version::Column::Number).all(db).await?;
    let files = reached.files().order_by_asc(file::Column::Name).all(db).await?;
    let reviews = reached.reviews().all(db).await?;
    let people =
        person_names(db, versions.iter().map(|v| v.submitted_by).chain(reviews.iter().map(|r| r.reviewer_id))).await?;
    let mut out = Vec::new();
    for v in versions {
        let Some(summary) = parse_summary(&v.summary) else {
            continue;
        };
        out.push(VersionView {
            number: v.number,
            submitted_by: people.get(&v.submitted_by).cloned().unwrap_or_default(),
            submitted_at: format_in_zone(v.submitted_at, zone),
            summary,
            files: files.iter().filter(|f| f.version_id == v.id).cloned().map(file_view).collect(),
            review: reviews.iter().find(|r| r.version_number == v.number).and_then(|r| {
                Some(ReviewView {
                    decision: Decision::parse(&r.decision)?,
                    comment: r.comment.clone(),
                    reviewer: people.get(&r.reviewer_id).cloned().unwrap_or_default(),
                    reviewed_at: format_in_zone(r.reviewed_at, zone),
                })
            }),
        });
    }
    Ok(SubmissionView {
        id: s.id,
        due_on: rules::due_date(period, o.due_day as u8).to_string(),
        can_review: status == SubmissionStatus::Submitted
            && o.receiver_id == reader.viewer()
            && crate::reports::scope::may_review(actor),
        can_resubmit: status == SubmissionStatus::Returned
            && o.submitter_id == reader.viewer()
            && crate::reports::scope::may_submit(actor),
        obligation: row,
        period,
        status,
        state,
        versions: out,
    })
}

/// A file the reader may download: its record (the bytes are in the store under its hash).
pub async fn file_for_download(
    db: &DatabaseConnection,
    reader: &ReportReader,
    file_id: Uuid,
) -> ServiceResult<FileView> {
    let (f, _) = reader.file(db, file_id).await?;
    Ok(file_view(f))
}

/// The submission form: the obligation, its periods open for a first version, or the returned
/// submission to resubmit, and a fresh one-time key against double submission.
pub async fn submit_form(
    db: &DatabaseConnection,
    submitter: &ReportSubmitter,
    actor: &Actor,
    now: OffsetDateTime,
    obligation_id: Uuid,
    resubmit: Option<Uuid>,
) -> ServiceResult<SubmitForm> {
    let reached = submitter.obligations_where(db, |q| q.filter(obligation::Column::Id.eq(obligation_id))).await?;
    let o = reached.rows().first().ok_or(ServiceError::NotFound)?;
    let names = org_names(db, [o.submitter_id, o.receiver_id, o.agency_id]).await?;
    let row = obligation_row(o, &names).ok_or(ServiceError::NotFound)?;
    let today = date_in_zone(now, &actor.time_zone);
    let facts = submission_facts(db, &reached, None, &actor.time_zone).await?;
    let mut previous_files = Vec::new();
    let mut returned_by = None;
    let resubmission = match resubmit {
        None => None,
        Some(id) => {
            let earlier = submitter.submission(db, id).await?;
            let s = earlier.submission();
            if s.obligation_id != o.id || SubmissionStatus::parse(&s.status) != Some(SubmissionStatus::Returned) {
                return Err(ServiceError::NotFound);
            }
            let last = earlier.latest_version().one(db).await?.ok_or(ServiceError::NotFound)?;
            let summary = parse_summary(&last.summary).ok_or(ServiceError::NotFound)?;
            let period = rules::from_start(row.cadence, s.period_start).ok_or(ServiceError::NotFound)?;
            previous_files = earlier
                .files()
                .filter(file::Column::VersionId.eq(last.id))
                .order_by_asc(file::Column::Name)
                .all(db)
                .await?
                .into_iter()
                .map(file_view)
                .collect();
            let review = earlier.reviews().order_by_desc(review::Column::VersionNumber).one(db).await?;
            if let Some(r) = review {
                let people = person_names(db, [r.reviewer_id]).await?;
                returned_by = Decision::parse(&r.decision).map(|decision| ReviewView {
                    decision,
                    comment: r.comment.clone(),
                    reviewer: people.get(&r.reviewer_id).cloned().unwrap_or_default(),
                    reviewed_at: format_in_zone(r.reviewed_at, &actor.time_zone),
                });
            }
            Some((s.id, period, summary))
        }
    };
    let periods = rules::periods_begun(row.first_period, row.last_period, today, LOOKBACK * 2)
        .into_iter()
        .filter_map(|p| {
            let fact = facts.get(&(o.id, rules::start(p))).map(|f| f.1);
            // Only periods with nothing submitted take a first version here.
            fact.is_none().then(|| (p, rules::period_state(p, o.due_day as u8, today, None)))
        })
        .collect();
    Ok(SubmitForm {
        obligation: row,
        periods,
        resubmission,
        previous_files,
        idempotency_key: Uuid::new_v4().to_string(),
        draft: HashMap::new(),
        returned_by,
    })
}
