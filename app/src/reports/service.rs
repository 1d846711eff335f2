//! Reports: setting obligations, submitting versions with files, reviewing, the lists of work with
//! computed states, the regulator's matrix, and the reminders. Every query ANDs in the capability's scope.
use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::{
    sea_query::{Expr, IntoIden, IntoValueTuple, JoinType, Query, SelectStatement, TableRef},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{
    entity::{file, obligation, reminder, review, submission, version},
    rules::{self, SubmissionFacts},
    Cadence, Decision, FileView, ItemFilter, Matrix, MatrixCell, MatrixFilter, MatrixRow, ObligationChoices,
    ObligationInput, ObligationRow, OrgRef, Period, PeriodItem, ReportKind, ReportPanelData, ReportWork, ReviewView,
    StateCode, SubmissionFilter, SubmissionPage, SubmissionRow, SubmissionStatus, SubmissionView, SubmitForm, Summary,
    VersionView,
};
use crate::{
    audit::{
        service::{append, AuditEntry},
        AuditAction,
    },
    backend::{
        actor::Actor,
        db::write_txn,
        epoch::{self, Caches},
        mail,
        policy::{self, ReportReader, ReportReviewer, ReportSubmitter, ReviewerScope},
        request::RequestMeta,
        storage::{FileStore, Received},
        time_fmt::{date_in_zone, format_in_zone, start_of_day_in_zone},
        ServiceError, ServiceResult,
    },
    i18n::Msg,
    tenancy::{
        entity::{engagement, organisation, person},
        EngagementRole, EngagementStatus, OrgKind, Role,
    },
};

/// Periods a work list looks back over, per obligation.
pub const LOOKBACK: usize = 12;
/// Agencies on one page of the matrix.
pub const MATRIX_PAGE: u64 = 50;
/// Rows a work list shows; the CSV has all.
pub const LIST_ROWS: usize = 100;

/// The rows, the page shown (a page past the end shows the last) and the pages of a list of `len`.
fn page_of(len: usize, asked: u32) -> (usize, usize, usize) {
    let pages = len.div_ceil(LIST_ROWS).max(1);
    (len, (asked.max(1) as usize).min(pages), pages)
}

fn invalid(field: &'static str, msg: Msg) -> ServiceError {
    ServiceError::invalid(field, msg)
}

/// The report kind an engagement's provider owes its agency.
pub fn kind_for_role(role: EngagementRole) -> ReportKind {
    match role {
        EngagementRole::Csp => ReportKind::CspMonthly,
        EngagementRole::Assessor => ReportKind::Assessment,
        EngagementRole::Developer | EngagementRole::Integrator | EngagementRole::SecurityService => {
            ReportKind::SupplierService
        }
    }
}

struct ValidObligation {
    kind: ReportKind,
    cadence: Cadence,
    due_day: u8,
    first: Period,
    last: Option<Period>,
    engagement_id: Option<Uuid>,
    agency_id: Option<Uuid>,
}

fn parse_period(field: &'static str, text: &str, cadence: Cadence) -> ServiceResult<Period> {
    let p = Period::parse(text).ok_or(invalid(field, Msg::ErrPeriodFormat))?;
    if p.cadence() != cadence {
        return Err(invalid(field, Msg::ErrPeriodCadence));
    }
    Ok(p)
}

impl ObligationInput {
    fn parse(&self) -> ServiceResult<ValidObligation> {
        let kind = ReportKind::parse(self.kind.trim()).ok_or(invalid("kind", Msg::ErrChoose))?;
        let cadence = Cadence::parse(self.cadence.trim()).ok_or(invalid("cadence", Msg::ErrChoose))?;
        let due_day: u8 = self
            .due_day
            .trim()
            .parse()
            .ok()
            .filter(|d| (1..=31).contains(d))
            .ok_or(invalid("due_day", Msg::ErrDueDay))?;
        let first = parse_period("first_period", &self.first_period, cadence)?;
        let last = match self.last_period.trim() {
            "" => None,
            text => {
                let last = parse_period("last_period", text, cadence)?;
                if last.ordinal() < first.ordinal() {
                    return Err(invalid("last_period", Msg::ErrPeriodOrder));
                }
                Some(last)
            }
        };
        let id = |field: &'static str, text: &str| -> ServiceResult<Option<Uuid>> {
            match text.trim() {
                "" => Ok(None),
                t => Uuid::parse_str(t).map(Some).map_err(|_| invalid(field, Msg::ErrChoose)),
            }
        };
        Ok(ValidObligation {
            kind,
            cadence,
            due_day,
            first,
            last,
            engagement_id: id("engagement_id", &self.engagement_id)?,
            agency_id: id("agency_id", &self.agency_id)?,
        })
    }
}

async fn org_names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> ServiceResult<HashMap<Uuid, String>> {
    let ids: HashSet<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

fn org_ref(names: &HashMap<Uuid, String>, id: Uuid) -> OrgRef {
    OrgRef {
        id,
        name: names.get(&id).cloned().unwrap_or_default(),
    }
}

/// An obligation row's typed fields (rows whose codes no longer parse are skipped, never guessed).
fn typed(o: &obligation::Model) -> Option<(ReportKind, Cadence, Period, Option<Period>)> {
    let kind = ReportKind::parse(&o.kind)?;
    let cadence = Cadence::parse(&o.cadence)?;
    let first = rules::from_start(cadence, o.first_period)?;
    let last = match o.last_period {
        Some(d) => Some(rules::from_start(cadence, d)?),
        None => None,
    };
    Some((kind, cadence, first, last))
}

fn obligation_row(o: &obligation::Model, names: &HashMap<Uuid, String>) -> Option<ObligationRow> {
    let (kind, cadence, first, last) = typed(o)?;
    Some(ObligationRow {
        id: o.id,
        kind,
        submitter: org_ref(names, o.submitter_id),
        receiver: org_ref(names, o.receiver_id),
        agency: org_ref(names, o.agency_id),
        engagement_id: o.engagement_id,
        cadence,
        due_day: o.due_day,
        first_period: first,
        // An obligation ended before its first period owes nothing: no last period to show.
        last_period: last.filter(|l| l.ordinal() >= first.ordinal()),
        ended_on: o.ended_on.map(|d| d.to_string()),
        end_reason: o.end_reason.clone(),
    })
}

/// What the obligation form offers a reviewer.
pub async fn obligation_choices(
    db: &DatabaseConnection,
    reviewer: &ReportReviewer,
    today: Date,
) -> ServiceResult<ObligationChoices> {
    let mut out = ObligationChoices {
        engagements: Vec::new(),
        agencies: Vec::new(),
    };
    if let Some(cond) = reviewer.engagement_condition() {
        let rows = engagement::Entity::find()
            .filter(cond)
            .filter(engagement::Column::Status.eq(EngagementStatus::Active.code()))
            .filter(engagement::Column::EndsOn.gte(today))
            .order_by_asc(engagement::Column::StartsOn)
            .all(db)
            .await?;
        let names = org_names(db, rows.iter().map(|e| e.provider_id)).await?;
        for e in rows {
            let Some(role) = EngagementRole::parse(&e.role) else {
                continue;
            };
            let label = format!(
                "{} · {} – {}",
                names.get(&e.provider_id).cloned().unwrap_or_default(),
                e.starts_on,
                e.ends_on
            );
            out.engagements.push((e.id, label, kind_for_role(role)));
        }
    }
    if let Some(cond) = reviewer.agency_condition() {
        out.agencies = organisation::Entity::find()
            .filter(cond)
            .filter(organisation::Column::Active.eq(true))
            .order_by_asc(organisation::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .map(|o| OrgRef { id: o.id, name: o.name })
            .collect();
    }
    Ok(out)
}

/// Sets an obligation owed to the reviewer's organisation. A provider's obligation sits on an
/// engagement it has accepted that has not ended (`today`: the portal's day), and its last period
/// is at the latest the one in which the engagement ends.
#[allow(clippy::too_many_arguments)]
pub async fn create_obligation(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    today: Date,
    reviewer: &ReportReviewer,
    actor: &Actor,
    meta: &RequestMeta,
    input: &ObligationInput,
) -> ServiceResult<Uuid> {
    let mut v = input.parse()?;
    let txn = write_txn(db).await?;
    let (submitter_id, agency_id, engagement_id) = match reviewer.scope() {
        ReviewerScope::Agency(_) => {
            if !v.kind.is_engagement_report() {
                return Err(invalid("kind", Msg::ErrKindNotForYou));
            }
            let Some(id) = v.engagement_id else {
                return Err(invalid("engagement_id", Msg::ErrChoose));
            };
            let cond = reviewer.engagement_condition().ok_or(ServiceError::Forbidden)?;
            let e = engagement::Entity::find_by_id(id)
                .filter(cond)
                .one(&txn)
                .await?
                .ok_or(invalid("engagement_id", Msg::ErrEngagementUnknown))?;
            // Decided: only on an accepted engagement that has not ended (an invitation may still
            // be declined, and an obligation that waits on an answer would owe nothing meanwhile).
            let status = EngagementStatus::parse(&e.status);
            if status != Some(EngagementStatus::Active) || e.ends_on < today {
                return Err(invalid("engagement_id", Msg::ErrEngagementNotAccepted));
            }
            let role = EngagementRole::parse(&e.role).ok_or(invalid("engagement_id", Msg::ErrEngagementUnknown))?;
            if kind_for_role(role) != v.kind {
                return Err(invalid("kind", Msg::ErrKindNotForEngagement));
            }
            // The obligation ends with the engagement: its last period is the one the end falls in.
            let end = rules::containing(v.cadence, e.ends_on);
            if v.first.ordinal() > end.ordinal() {
                return Err(invalid("first_period", Msg::ErrFirstAfterEngagement));
            }
            if v.last.is_none_or(|l| l.ordinal() > end.ordinal()) {
                v.last = Some(end);
            }
            (e.provider_id, e.agency_id, Some(e.id))
        }
        ReviewerScope::Regulator { .. } => {
            if v.kind.is_engagement_report() {
                return Err(invalid("kind", Msg::ErrKindNotForYou));
            }
            let Some(id) = v.agency_id else {
                return Err(invalid("agency_id", Msg::ErrChoose));
            };
            let cond = reviewer.agency_condition().ok_or(ServiceError::Forbidden)?;
            let a = organisation::Entity::find_by_id(id)
                .filter(cond)
                .one(&txn)
                .await?
                .ok_or(invalid("agency_id", Msg::ErrAgencyUnknown))?;
            (a.id, a.id, None)
        }
    };
    let id = Uuid::new_v4();
    obligation::ActiveModel {
        id: Set(id),
        kind: Set(v.kind.code().into()),
        submitter_id: Set(submitter_id),
        receiver_id: Set(reviewer.organisation_id()),
        agency_id: Set(agency_id),
        engagement_id: Set(engagement_id),
        cadence: Set(v.cadence.code().into()),
        due_day: Set(i16::from(v.due_day)),
        first_period: Set(rules::start(v.first)),
        last_period: Set(v.last.map(rules::start)),
        created_by: Set(actor.person_id),
        created_at: Set(now),
        ended_on: Set(None),
        end_reason: Set(None),
        ended_by: Set(None),
    }
    .insert(&txn)
    .await?;
    // The regulators' cached matrices show obligations.
    epoch::bump(&txn).await?;
    let summary = format!(
        "{} {} from {}{}, due day {}",
        v.cadence.code(),
        v.kind.code(),
        v.first,
        v.last.map(|l| format!(" to {l}")).unwrap_or_default(),
        v.due_day
    );
    let target = format!("obligation {id}");
    append(
        &txn,
        now,
        AuditEntry::by(
            actor,
            meta,
            AuditAction::ObligationCreate,
            target.clone(),
            summary.clone(),
        ),
    )
    .await?;
    append(
        &txn,
        now,
        AuditEntry::by(actor, meta, AuditAction::ObligationCreate, target, summary).in_organisation(Some(submitter_id)),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// The receiving side ends an obligation it set, with a reason: the periods already over are
/// still owed (and one already submitted for stays), later ones are not; everything received is
/// kept. `today` is the portal's day.
#[allow(clippy::too_many_arguments)]
pub async fn end_obligation(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    today: Date,
    reviewer: &ReportReviewer,
    actor: &Actor,
    meta: &RequestMeta,
    id: Uuid,
    reason: &str,
) -> ServiceResult<()> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(invalid("reason", Msg::ErrEndReasonRequired));
    }
    if reason.chars().count() > 2000 {
        return Err(invalid("reason", Msg::ErrTextTooLong));
    }
    let txn = write_txn(db).await?;
    let o = obligation::Entity::find_by_id(id)
        .filter(reviewer.condition())
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if o.ended_on.is_some() {
        return Err(ServiceError::Conflict {
            field: "id",
            msg: Msg::ErrObligationAlreadyEnded,
        });
    }
    let Some((_, cadence, first, last)) = typed(&o) else {
        return Err(ServiceError::NotFound);
    };
    // The running period is not owed unless something was already sent for it.
    let running = rules::containing(cadence, today);
    let sent_for_running = submission::Entity::find()
        .filter(submission::Column::ObligationId.eq(o.id))
        .filter(submission::Column::PeriodStart.gte(rules::start(running)))
        .count(&txn)
        .await?
        > 0;
    let owed_to = if sent_for_running { running } else { running.prev() };
    let new_last = end_at(first, last, owed_to);
    let target = format!("obligation {id}");
    let summary = format!(
        "ended: last period owed {}; reason: {reason}",
        describe_last(first, new_last)
    );
    let submitter = o.submitter_id;
    let mut am: obligation::ActiveModel = o.into();
    am.last_period = Set(Some(rules::start(new_last)));
    am.ended_on = Set(Some(today));
    am.end_reason = Set(Some(reason.to_string()));
    am.ended_by = Set(Some(actor.person_id));
    am.update(&txn).await?;
    epoch::bump(&txn).await?;
    for org in [None, Some(submitter)] {
        let mut entry = AuditEntry::by(actor, meta, AuditAction::ObligationEnd, target.clone(), summary.clone());
        if org.is_some() {
            entry = entry.in_organisation(org);
        }
        append(&txn, now, entry).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The earlier of an obligation's last period and `owed_to`: what it owes once ended (a period
/// before `first` when nothing is owed at all).
fn end_at(first: Period, last: Option<Period>, owed_to: Period) -> Period {
    let end = match last {
        Some(l) if l.ordinal() < owed_to.ordinal() => l,
        _ => owed_to,
    };
    if end.ordinal() < first.ordinal() {
        first.prev()
    } else {
        end
    }
}

fn describe_last(first: Period, last: Period) -> String {
    if last.ordinal() < first.ordinal() {
        "none".into()
    } else {
        last.to_string()
    }
}

/// Ends the obligations that sit on an engagement as the engagement ends on `ended_on` (the
/// portal's day): the period the end falls in is the last one owed. Called inside the
/// engagement's own transaction.
pub async fn end_with_engagement<C: ConnectionTrait>(
    txn: &C,
    engagement_id: Uuid,
    ended_on: Date,
) -> ServiceResult<()> {
    let rows = obligation::Entity::find()
        .filter(obligation::Column::EngagementId.eq(engagement_id))
        .filter(obligation::Column::EndedOn.is_null())
        .all(txn)
        .await?;
    for o in rows {
        let Some((_, cadence, first, last)) = typed(&o) else {
            continue;
        };
        let new_last = end_at(first, last, rules::containing(cadence, ended_on));
        let mut am: obligation::ActiveModel = o.into();
        am.last_period = Set(Some(rules::start(new_last)));
        am.ended_on = Set(Some(ended_on));
        // No reason and nobody: it ended with its engagement (the page says so in the reader's language).
        am.end_reason = Set(None);
        am.update(txn).await?;
    }
    epoch::bump(txn).await?;
    Ok(())
}

/// After the jurisdiction tree changed: an agency's reports owed to a regulator that no longer
/// has it in its jurisdiction move to the agency's regulator now, with their history (which the
/// old one no longer reaches). Called inside the tree change's transaction; audited for the
/// agency and for the regulator that receives them.
pub async fn follow_jurisdiction<C: ConnectionTrait>(
    txn: &C,
    now: OffsetDateTime,
    actor: &Actor,
    meta: &RequestMeta,
    agencies: &[Uuid],
) -> ServiceResult<u32> {
    if agencies.is_empty() {
        return Ok(0);
    }
    // Every organisation's parent, to walk each agency's chain of regulators.
    let parents: HashMap<Uuid, Option<Uuid>> = organisation::Entity::find()
        .filter(organisation::Column::Kind.is_in([OrgKind::Regulator.code(), OrgKind::Agency.code()]))
        .all(txn)
        .await?
        .into_iter()
        .map(|o| (o.id, o.regulator_id))
        .collect();
    let mut moved = 0;
    for chunk in agencies.chunks(500) {
        let rows = obligation::Entity::find()
            .filter(obligation::Column::AgencyId.is_in(chunk.to_vec()))
            .filter(obligation::Column::EngagementId.is_null())
            .all(txn)
            .await?;
        for o in rows {
            let Some(direct) = parents.get(&o.agency_id).copied().flatten() else {
                // Under no regulator now: nobody reaches it until it is placed again.
                continue;
            };
            let mut chain = Vec::new();
            let mut at = Some(direct);
            while let Some(r) = at {
                if chain.contains(&r) || chain.len() > 64 {
                    break;
                }
                chain.push(r);
                at = parents.get(&r).copied().flatten();
            }
            if chain.contains(&o.receiver_id) {
                continue;
            }
            let (id, from, agency) = (o.id, o.receiver_id, o.agency_id);
            let mut am: obligation::ActiveModel = o.into();
            am.receiver_id = Set(direct);
            am.update(txn).await?;
            let target = format!("obligation {id}");
            let summary = format!("receiver: {from} → {direct} (the agency moved)");
            for org in [agency, direct] {
                let entry = AuditEntry::by(
                    actor,
                    meta,
                    AuditAction::ObligationMove,
                    target.clone(),
                    summary.clone(),
                )
                .in_organisation(Some(org));
                append(txn, now, entry).await?;
            }
            moved += 1;
        }
    }
    Ok(moved)
}

/// Facts about submissions, keyed by (obligation, period start), with dates in `zone`.
async fn submission_facts<C: ConnectionTrait>(
    conn: &C,
    obligation_ids: &[Uuid],
    since: Option<Date>,
    zone: &str,
) -> ServiceResult<HashMap<(Uuid, Date), (Uuid, SubmissionFacts)>> {
    let mut out = HashMap::new();
    for chunk in obligation_ids.chunks(500) {
        let mut q = submission::Entity::find().filter(submission::Column::ObligationId.is_in(chunk.to_vec()));
        if let Some(since) = since {
            q = q.filter(submission::Column::PeriodStart.gte(since));
        }
        for s in q.all(conn).await? {
            let Some(status) = SubmissionStatus::parse(&s.status) else {
                continue;
            };
            out.insert(
                (s.obligation_id, s.period_start),
                (
                    s.id,
                    SubmissionFacts {
                        status,
                        first_submitted_on: date_in_zone(s.first_submitted_at, zone),
                        versions: s.versions,
                    },
                ),
            );
        }
    }
    Ok(out)
}

/// The viewer's work: every period of the obligations in reach over the last [`LOOKBACK`] periods, with states.
pub async fn report_work(
    db: &DatabaseConnection,
    reader: &ReportReader,
    actor: &Actor,
    now: OffsetDateTime,
    filter: &ItemFilter,
) -> ServiceResult<(Vec<PeriodItem>, Vec<ObligationRow>)> {
    let today = date_in_zone(now, &actor.time_zone);
    let mut q = obligation::Entity::find().filter(reader.condition());
    match filter.side.as_str() {
        "submit" => q = q.filter(obligation::Column::SubmitterId.eq(reader.viewer())),
        "review" => q = q.filter(obligation::Column::ReceiverId.eq(reader.viewer())),
        _ => {}
    }
    if let Some(kind) = ReportKind::parse(filter.kind.trim()) {
        q = q.filter(obligation::Column::Kind.eq(kind.code()));
    }
    let obligations = q.order_by_asc(obligation::Column::CreatedAt).all(db).await?;
    let names = org_names(
        db,
        obligations
            .iter()
            .flat_map(|o| [o.submitter_id, o.receiver_id, o.agency_id]),
    )
    .await?;
    let ids: Vec<Uuid> = obligations.iter().map(|o| o.id).collect();
    let facts = submission_facts(db, &ids, None, &actor.time_zone).await?;
    let needle = filter.q.trim().to_lowercase();
    let state = StateCode::parse(filter.state.trim());
    let mut items = Vec::new();
    let mut rows = Vec::new();
    for o in &obligations {
        let Some(row) = obligation_row(o, &names) else { continue };
        if !needle.is_empty()
            && ![&row.submitter.name, &row.receiver.name, &row.agency.name]
                .iter()
                .any(|n| n.to_lowercase().contains(&needle))
        {
            continue;
        }
        for p in rules::periods_begun(row.first_period, row.last_period, today, LOOKBACK) {
            let fact = facts.get(&(o.id, rules::start(p)));
            let st = rules::period_state(p, o.due_day as u8, today, fact.map(|f| f.1));
            if state.is_some_and(|s| s != st.code()) {
                continue;
            }
            items.push(PeriodItem {
                obligation_id: o.id,
                kind: row.kind,
                period: p,
                due_on: rules::due_date(p, o.due_day as u8).to_string(),
                state: st,
                submitter: row.submitter.clone(),
                receiver: row.receiver.clone(),
                agency: row.agency.clone(),
                submission_id: fact.map(|f| f.0),
            });
        }
        rows.push(row);
    }
    // Most urgent first, then by due date.
    items.sort_by(|a, b| {
        b.state
            .code()
            .severity()
            .cmp(&a.state.code().severity())
            .then_with(|| a.due_on.cmp(&b.due_on))
            .then_with(|| a.agency.name.cmp(&b.agency.name))
    });
    Ok((items, rows))
}

/// Submissions in reach, newest first, filtered and paged in SQL.
pub async fn list_submissions(
    db: &DatabaseConnection,
    reader: &ReportReader,
    actor: &Actor,
    now: OffsetDateTime,
    filter: &SubmissionFilter,
) -> ServiceResult<SubmissionPage> {
    use sea_orm::{sea_query::Query, QuerySelect};
    let mut in_reach = Query::select();
    in_reach
        .column(obligation::Column::Id)
        .from(obligation::Entity)
        .cond_where(reader.condition());
    if let Some(kind) = filter.kind {
        in_reach.and_where(obligation::Column::Kind.eq(kind.code()));
    }
    let mut q = submission::Entity::find().filter(submission::Column::ObligationId.in_subquery(in_reach.to_owned()));
    if let Some(id) = filter.obligation_id {
        q = q.filter(submission::Column::ObligationId.eq(id));
    }
    if let Some(status) = filter.status {
        q = q.filter(submission::Column::Status.eq(status.code()));
    }
    if let Some(p) = filter.period {
        q = q.filter(submission::Column::PeriodStart.eq(rules::start(p)));
    }
    let per_page = filter.per_page.clamp(1, 100);
    let page = filter.page.max(1);
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(submission::Column::LastSubmittedAt)
        .order_by_asc(submission::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    let obligations: HashMap<Uuid, obligation::Model> = obligation::Entity::find()
        .filter(obligation::Column::Id.is_in(rows.iter().map(|s| s.obligation_id).collect::<HashSet<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let names = org_names(db, obligations.values().flat_map(|o| [o.submitter_id, o.receiver_id])).await?;
    let today = date_in_zone(now, &actor.time_zone);
    let rfc3339 = |t: OffsetDateTime| {
        t.to_offset(time::UtcOffset::UTC)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let mut items = Vec::new();
    for s in rows {
        let Some(o) = obligations.get(&s.obligation_id) else {
            continue;
        };
        let Some((kind, cadence, _, _)) = typed(o) else {
            continue;
        };
        let (Some(period), Some(status)) = (
            rules::from_start(cadence, s.period_start),
            SubmissionStatus::parse(&s.status),
        ) else {
            continue;
        };
        let facts = SubmissionFacts {
            status,
            first_submitted_on: date_in_zone(s.first_submitted_at, &actor.time_zone),
            versions: s.versions,
        };
        items.push(SubmissionRow {
            id: s.id,
            obligation_id: o.id,
            kind,
            period,
            status,
            state: rules::period_state(period, o.due_day as u8, today, Some(facts)),
            versions: s.versions,
            first_submitted_at: rfc3339(s.first_submitted_at),
            last_submitted_at: rfc3339(s.last_submitted_at),
            submitter: org_ref(&names, o.submitter_id),
            receiver: org_ref(&names, o.receiver_id),
        });
    }
    Ok(SubmissionPage {
        items,
        page,
        per_page,
        total,
    })
}

/// The submission's obligation and period, for a new version of it (the API's resubmission).
pub async fn submission_target(
    db: &DatabaseConnection,
    submitter: &ReportSubmitter,
    id: Uuid,
) -> ServiceResult<(Uuid, Period)> {
    let (s, o) = submission_in(db, id, submitter.condition()).await?;
    let (_, cadence, _, _) = typed(&o).ok_or(ServiceError::NotFound)?;
    Ok((
        o.id,
        rules::from_start(cadence, s.period_start).ok_or(ServiceError::NotFound)?,
    ))
}

/// The reports page's data.
pub async fn work_page(
    db: &DatabaseConnection,
    reader: &ReportReader,
    reviewer: Option<&ReportReviewer>,
    actor: &Actor,
    now: OffsetDateTime,
    filter: &ItemFilter,
) -> ServiceResult<ReportWork> {
    let (items, mut obligations) = report_work(db, reader, actor, now, filter).await?;
    let obligations_total = obligations.len() as u32;
    // A jurisdiction has thousands (6,500 at 2,000 agencies: a 5 MB page); the filter narrows them.
    obligations.truncate(LIST_ROWS);
    let (total, page, pages) = page_of(items.len(), filter.page);
    let items = items.into_iter().skip((page - 1) * LIST_ROWS).take(LIST_ROWS).collect();
    let choices = match reviewer {
        Some(r) => Some(obligation_choices(db, r, date_in_zone(now, &actor.time_zone)).await?),
        None => None,
    };
    Ok(ReportWork {
        items,
        total: total as u32,
        page: page as u32,
        pages: pages as u32,
        per_page: LIST_ROWS as u32,
        obligations,
        obligations_total,
        choices,
        viewer: reader.viewer(),
        may_submit: policy::may_submit(actor),
    })
}

/// Rows a dashboard panel shows of each side.
pub const PANEL_ROWS: usize = 10;

/// The dashboard panel: only the obligations the viewer's organisation submits or receives
/// (never the whole reach of a regulator), each side counted in full.
pub async fn panel(
    db: &DatabaseConnection,
    reader: &ReportReader,
    actor: &Actor,
    now: OffsetDateTime,
) -> ServiceResult<ReportPanelData> {
    let side = |s: &str| ItemFilter {
        side: s.into(),
        ..ItemFilter::default()
    };
    let (submit, _) = report_work(db, reader, actor, now, &side("submit")).await?;
    let (review, _) = report_work(db, reader, actor, now, &side("review")).await?;
    let to_submit: Vec<PeriodItem> = submit.into_iter().filter(|i| i.state.needs_submission()).collect();
    let to_review: Vec<PeriodItem> = review
        .into_iter()
        .filter(|i| matches!(i.state, super::PeriodState::Submitted { .. }))
        .collect();
    Ok(ReportPanelData {
        viewer: reader.viewer(),
        may_submit: policy::may_submit(actor),
        to_submit: to_submit.len() as u32,
        to_review: to_review.len() as u32,
        to_submit_first: to_submit.into_iter().take(PANEL_ROWS).collect(),
        to_review_first: to_review.into_iter().take(PANEL_ROWS).collect(),
    })
}

/// The kind of an obligation the submitter owes (to read a form's summary fields).
pub async fn obligation_kind(
    db: &DatabaseConnection,
    submitter: &ReportSubmitter,
    obligation_id: Uuid,
) -> ServiceResult<ReportKind> {
    let o = obligation::Entity::find_by_id(obligation_id)
        .filter(submitter.condition())
        .one(db)
        .await?
        .ok_or(invalid("obligation_id", Msg::ErrObligationUnknown))?;
    ReportKind::parse(&o.kind).ok_or(invalid("obligation_id", Msg::ErrObligationUnknown))
}

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
async fn replay<C: ConnectionTrait>(conn: &C, person: Uuid, key: &str, fp: &str) -> ServiceResult<Option<Uuid>> {
    let Some(earlier) = version::Entity::find()
        .filter(version::Column::SubmittedBy.eq(person))
        .filter(version::Column::IdempotencyKey.eq(key))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    if earlier.fingerprint != fp {
        return Err(ServiceError::Conflict {
            field: "idempotency_key",
            msg: Msg::ErrIdempotencyReused,
        });
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

/// People of an organisation who handle reports (administrators and security officers).
async fn report_people<C: ConnectionTrait>(conn: &C, organisation_id: Uuid) -> ServiceResult<Vec<person::Model>> {
    use crate::tenancy::entity::person_role;
    Ok(person::Entity::find()
        .filter(person::Column::OrganisationId.eq(organisation_id))
        .filter(person::Column::Active.eq(true))
        .filter(
            person::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(person_role::Column::PersonId)
                    .from(person_role::Entity)
                    .and_where(person_role::Column::Role.is_in([Role::OrgAdmin.code(), Role::SecurityOfficer.code()]))
                    .to_owned(),
            ),
        )
        .all(conn)
        .await?)
}

async fn mail_people<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    people: &[person::Model],
    template: &mail::Template,
) -> ServiceResult<()> {
    let mut seen = HashSet::new();
    for p in people {
        if seen.insert(p.id) {
            let locale = p
                .locale
                .as_deref()
                .and_then(crate::i18n::Locale::parse)
                .unwrap_or_default();
            mail::enqueue(conn, now, &p.email, locale, template).await?;
        }
    }
    Ok(())
}

/// Submits a version. Files are placed under their hash before the transaction commits; if it
/// does not commit, what it placed stays unreferenced until the sweeper removes it after its grace.
pub async fn submit(
    db: &DatabaseConnection,
    store: &FileStore,
    now: OffsetDateTime,
    submitter: &ReportSubmitter,
    actor: &Actor,
    meta: &RequestMeta,
    new: NewVersion,
) -> ServiceResult<SubmitOutcome> {
    let fp = fingerprint(&new);
    if let Some(key) = &new.idempotency_key {
        if let Some(id) = replay(db, actor.person_id, key, &fp).await? {
            return Ok(SubmitOutcome::Replayed(id));
        }
    }
    if new.files.len() + new.keep_files.len() > rules::MAX_FILES {
        return Err(invalid("files", Msg::ErrTooManyFiles));
    }
    rules::validate_summary(&new.summary).map_err(|(f, m)| invalid(f, m))?;
    // A failed transaction leaves what it placed to the sweeper: removing it here could take bytes
    // another upload of the same file is about to reference.
    submit_in_txn(db, store, now, submitter, actor, meta, new, &fp).await
}

/// Whether any stored file row refers to these bytes (for the sweeper).
pub async fn file_referenced<C: ConnectionTrait>(conn: &C, sha256: &str) -> ServiceResult<bool> {
    Ok(file::Entity::find()
        .filter(file::Column::Sha256.eq(sha256))
        .count(conn)
        .await?
        > 0)
}

#[allow(clippy::too_many_arguments)]
async fn submit_in_txn(
    db: &DatabaseConnection,
    store: &FileStore,
    now: OffsetDateTime,
    submitter: &ReportSubmitter,
    actor: &Actor,
    meta: &RequestMeta,
    new: NewVersion,
    fp: &str,
) -> ServiceResult<SubmitOutcome> {
    let today = date_in_zone(now, &actor.time_zone);
    let txn = write_txn(db).await?;
    let o = obligation::Entity::find_by_id(new.obligation_id)
        .filter(submitter.condition())
        .one(&txn)
        .await?
        .ok_or(invalid("obligation_id", Msg::ErrObligationUnknown))?;
    let (kind, _, first, last) = typed(&o).ok_or(invalid("obligation_id", Msg::ErrObligationUnknown))?;
    rules::period_open(new.period, first, last, today).map_err(|m| invalid("period", m))?;
    if new.summary.kind() != kind {
        return Err(invalid("summary.kind", Msg::ErrSummaryKind));
    }
    let period_start = rules::start(new.period);
    let existing = submission::Entity::find()
        .filter(submission::Column::ObligationId.eq(o.id))
        .filter(submission::Column::PeriodStart.eq(period_start))
        .one(&txn)
        .await?;
    let from = existing.as_ref().and_then(|s| SubmissionStatus::parse(&s.status));
    rules::transition(from, rules::Step::Submit).map_err(|r| ServiceError::Conflict {
        field: "period",
        msg: r.msg(),
    })?;
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
            if let Err(e) = inserted {
                return Err(conflict_or_replay(db, txn, e, actor, new.idempotency_key.as_deref(), fp).await);
            }
            (id, 1)
        }
        Some(s) => {
            let number = s.versions + 1;
            let mut m: submission::ActiveModel = s.clone().into();
            m.status = Set(SubmissionStatus::Submitted.code().into());
            m.versions = Set(number);
            m.last_submitted_at = Set(now);
            m.decided_at = Set(None);
            m.update(&txn).await?;
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
        return Err(conflict_or_replay(db, txn, e, actor, new.idempotency_key.as_deref(), fp).await);
    }
    let mut names = Vec::new();
    for f in new.files {
        let size = f.received.size as i64;
        let p = store
            .place(f.received)
            .await
            .map_err(|e| ServiceError::Internal(format!("storing a file: {e}")))?;
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
        if names.is_empty() {
            String::new()
        } else {
            format!("; files: {}", names.join(", "))
        },
        if kept_names.is_empty() {
            String::new()
        } else {
            format!("; kept from version {}: {}", number - 1, kept_names.join(", "))
        }
    );
    let target = format!("submission {submission_id}");
    append(
        &txn,
        now,
        AuditEntry::by(actor, meta, AuditAction::ReportSubmit, target.clone(), summary.clone()),
    )
    .await?;
    append(
        &txn,
        now,
        AuditEntry::by(actor, meta, AuditAction::ReportSubmit, target, summary).in_organisation(Some(o.receiver_id)),
    )
    .await?;
    let reviewers = report_people(&txn, o.receiver_id).await?;
    mail_people(
        &txn,
        now,
        &reviewers,
        &mail::Template::ReportSubmitted {
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

fn file_view(f: file::Model) -> FileView {
    FileView {
        id: f.id,
        name: f.name,
        media_type: f.media_type,
        size: f.size,
        sha256: f.sha256,
    }
}

/// The files of the submission's latest version named by `ids`, in the order asked; any id that is
/// not one of them (another version's, another submission's, unknown) refuses the whole request.
async fn kept_files<C: ConnectionTrait>(
    conn: &C,
    s: &submission::Model,
    ids: &[Uuid],
) -> ServiceResult<Vec<file::Model>> {
    let Some(latest) = version::Entity::find()
        .filter(version::Column::SubmissionId.eq(s.id))
        .filter(version::Column::Number.eq(s.versions))
        .one(conn)
        .await?
    else {
        return Err(invalid("keep_files", Msg::ErrKeptFileUnknown));
    };
    let files: HashMap<Uuid, file::Model> = file::Entity::find()
        .filter(file::Column::VersionId.eq(latest.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect();
    let mut seen = HashSet::new();
    ids.iter()
        .filter(|id| seen.insert(**id))
        .map(|id| {
            files
                .get(id)
                .cloned()
                .ok_or(invalid("keep_files", Msg::ErrKeptFileUnknown))
        })
        .collect()
}

/// A unique violation while submitting: either the same request raced itself (a replay) or a
/// second open submission for the period.
async fn conflict_or_replay(
    db: &DatabaseConnection,
    txn: DatabaseTransaction,
    e: sea_orm::DbErr,
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
        match replay(db, actor.person_id, key, fp).await {
            Ok(Some(_)) => {
                return ServiceError::Conflict {
                    field: "idempotency_key",
                    msg: Msg::ErrIdempotencyInFlight,
                }
            }
            Err(e) => return e,
            Ok(None) => {}
        }
    }
    ServiceError::Conflict {
        field: "period",
        msg: Msg::ErrSubmissionOpen,
    }
}

/// Loads a submission and its obligation inside a scope.
async fn submission_in<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
    scope: Condition,
) -> ServiceResult<(submission::Model, obligation::Model)> {
    let s = submission::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let o = obligation::Entity::find_by_id(s.obligation_id)
        .filter(scope)
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((s, o))
}

/// The receiving organisation accepts the waiting version or returns it with a comment.
#[allow(clippy::too_many_arguments)]
pub async fn review(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    reviewer: &ReportReviewer,
    actor: &Actor,
    meta: &RequestMeta,
    submission_id: Uuid,
    decision: Decision,
    comment: &str,
) -> ServiceResult<()> {
    let comment = comment.trim();
    if decision == Decision::Return && comment.is_empty() {
        return Err(invalid("comment", Msg::ErrCommentRequired));
    }
    if comment.chars().count() > rules::MAX_TEXT {
        return Err(invalid("comment", Msg::ErrTextTooLong));
    }
    let txn = write_txn(db).await?;
    let (s, o) = submission_in(&txn, submission_id, reviewer.condition()).await?;
    let from = SubmissionStatus::parse(&s.status);
    let to = rules::transition(from, rules::Step::Review(decision)).map_err(|r| ServiceError::Conflict {
        field: "decision",
        msg: r.msg(),
    })?;
    review::ActiveModel {
        id: Set(Uuid::new_v4()),
        submission_id: Set(s.id),
        version_number: Set(s.versions),
        decision: Set(decision.code().into()),
        comment: Set(comment.to_string()),
        reviewer_id: Set(actor.person_id),
        reviewed_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ServiceError::Conflict {
            field: "decision",
            msg: Msg::ErrAlreadyReviewed,
        },
        _ => ServiceError::Db(e),
    })?;
    let mut m: submission::ActiveModel = s.clone().into();
    m.status = Set(to.code().into());
    m.decided_at = Set(Some(now));
    m.update(&txn).await?;
    epoch::bump(&txn).await?;
    let kind = ReportKind::parse(&o.kind).unwrap_or(ReportKind::CspMonthly);
    let period = typed(&o)
        .and_then(|(_, c, _, _)| rules::from_start(c, s.period_start))
        .map(|p| p.to_string())
        .unwrap_or_default();
    let (action, summary) = match decision {
        Decision::Accept => (
            AuditAction::ReportAccept,
            format!("{} {period} version {} accepted", kind.code(), s.versions),
        ),
        Decision::Return => (
            AuditAction::ReportReturn,
            format!("{} {period} version {} returned: {comment}", kind.code(), s.versions),
        ),
    };
    let target = format!("submission {}", s.id);
    append(
        &txn,
        now,
        AuditEntry::by(actor, meta, action, target.clone(), summary.clone()),
    )
    .await?;
    append(
        &txn,
        now,
        AuditEntry::by(actor, meta, action, target, summary).in_organisation(Some(o.submitter_id)),
    )
    .await?;
    if decision == Decision::Return {
        let mut people = report_people(&txn, o.submitter_id).await?;
        // The person who sent the version hears of it too, whatever its role.
        if let Some(v) = version::Entity::find()
            .filter(version::Column::SubmissionId.eq(s.id))
            .filter(version::Column::Number.eq(s.versions))
            .one(&txn)
            .await?
        {
            if let Some(p) = person::Entity::find_by_id(v.submitted_by)
                .filter(person::Column::Active.eq(true))
                .one(&txn)
                .await?
            {
                people.insert(0, p);
            }
        }
        mail_people(
            &txn,
            now,
            &people,
            &mail::Template::ReportReturned {
                receiver: actor.organisation_name.clone(),
                kind,
                period,
                comment: comment.to_string(),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

fn parse_summary(json: &str) -> Option<Summary> {
    serde_json::from_str(json).ok()
}

/// One submission with every version, file and review, as the reader may see it.
pub async fn submission_view(
    db: &DatabaseConnection,
    reader: &ReportReader,
    actor: &Actor,
    now: OffsetDateTime,
    id: Uuid,
) -> ServiceResult<SubmissionView> {
    let (s, o) = submission_in(db, id, reader.condition()).await?;
    let names = org_names(db, [o.submitter_id, o.receiver_id, o.agency_id]).await?;
    let row = obligation_row(&o, &names).ok_or(ServiceError::NotFound)?;
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
    let versions = version::Entity::find()
        .filter(version::Column::SubmissionId.eq(s.id))
        .order_by_asc(version::Column::Number)
        .all(db)
        .await?;
    let version_ids: Vec<Uuid> = versions.iter().map(|v| v.id).collect();
    let files = file::Entity::find()
        .filter(file::Column::VersionId.is_in(version_ids))
        .order_by_asc(file::Column::Name)
        .all(db)
        .await?;
    let reviews = review::Entity::find()
        .filter(review::Column::SubmissionId.eq(s.id))
        .all(db)
        .await?;
    let people: HashMap<Uuid, String> = person::Entity::find()
        .filter(
            person::Column::Id.is_in(
                versions
                    .iter()
                    .map(|v| v.submitted_by)
                    .chain(reviews.iter().map(|r| r.reviewer_id))
                    .collect::<HashSet<_>>(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.display_name))
        .collect();
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
            files: files
                .iter()
                .filter(|f| f.version_id == v.id)
                .cloned()
                .map(file_view)
                .collect(),
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
            && policy::may_review(actor),
        can_resubmit: status == SubmissionStatus::Returned
            && o.submitter_id == reader.viewer()
            && policy::may_submit(actor),
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
    let f = file::Entity::find_by_id(file_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let v = version::Entity::find_by_id(f.version_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    submission_in(db, v.submission_id, reader.condition()).await?;
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
    let o = obligation::Entity::find_by_id(obligation_id)
        .filter(submitter.condition())
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let names = org_names(db, [o.submitter_id, o.receiver_id, o.agency_id]).await?;
    let row = obligation_row(&o, &names).ok_or(ServiceError::NotFound)?;
    let today = date_in_zone(now, &actor.time_zone);
    let facts = submission_facts(db, &[o.id], None, &actor.time_zone).await?;
    let mut previous_files = Vec::new();
    let resubmission = match resubmit {
        None => None,
        Some(id) => {
            let (s, _) = submission_in(db, id, submitter.condition()).await?;
            if s.obligation_id != o.id || SubmissionStatus::parse(&s.status) != Some(SubmissionStatus::Returned) {
                return Err(ServiceError::NotFound);
            }
            let last = version::Entity::find()
                .filter(version::Column::SubmissionId.eq(s.id))
                .filter(version::Column::Number.eq(s.versions))
                .one(db)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let summary = parse_summary(&last.summary).ok_or(ServiceError::NotFound)?;
            let period = rules::from_start(row.cadence, s.period_start).ok_or(ServiceError::NotFound)?;
            previous_files = file::Entity::find()
                .filter(file::Column::VersionId.eq(last.id))
                .order_by_asc(file::Column::Name)
                .all(db)
                .await?
                .into_iter()
                .map(file_view)
                .collect();
            Some((s.id, period, summary))
        }
    };
    let periods = rules::periods_begun(row.first_period, row.last_period, today, LOOKBACK * 2)
        .into_iter()
        .filter_map(|p| {
            let fact = facts.get(&(o.id, rules::start(p))).map(|f| f.1);
            // Only periods with nothing submitted take a first version here.
            fact.is_none()
                .then(|| (p, rules::period_state(p, o.due_day as u8, today, None)))
        })
        .collect();
    Ok(SubmitForm {
        obligation: row,
        periods,
        resubmission,
        previous_files,
        idempotency_key: Uuid::new_v4().to_string(),
        draft: HashMap::new(),
    })
}

/// The regulator's matrix: agencies of its jurisdiction × the last 12 ended periods of one kind
/// and cadence, filtered, totalled and paged (or whole, for the CSV) from the cached grid.
pub async fn matrix(
    db: &DatabaseConnection,
    caches: &Caches,
    reader: &ReportReader,
    actor: &Actor,
    now: OffsetDateTime,
    filter: &MatrixFilter,
    paged: bool,
) -> ServiceResult<Matrix> {
    let scope = reader.jurisdiction_key().ok_or(ServiceError::Forbidden)?;
    let kind = ReportKind::parse(filter.kind.trim()).unwrap_or(ReportKind::CspMonthly);
    let cadence = Cadence::parse(filter.cadence.trim()).unwrap_or(kind.usual_cadence());
    let today = date_in_zone(now, &actor.time_zone);
    // The grid depends on the jurisdiction, the kind, the day and the zone; filters and paging
    // are applied to it here, so every page and the CSV share one computation per generation.
    let key = format!("{scope}|{}|{}|{today}|{}", kind.code(), cadence.code(), actor.time_zone);
    let grid = caches
        .views
        .get_or_compute(&key, caches.generation.current(), || {
            matrix_grid(db, reader, &actor.time_zone, today, kind, cadence)
        })
        .await?;
    let needle = filter.q.trim().to_lowercase();
    let wanted = StateCode::parse(filter.state.trim());
    let listed: Vec<&MatrixRow> = grid
        .rows
        .iter()
        .filter(|r| needle.is_empty() || r.agency.name.to_lowercase().contains(&needle))
        .filter(|r| wanted.is_none_or(|w| r.cells.iter().any(|c| c.state == Some(w))))
        .collect();
    let mut totals: Vec<BTreeMap<StateCode, u32>> = vec![BTreeMap::new(); grid.periods.len()];
    for r in &listed {
        for (i, c) in r.cells.iter().enumerate() {
            if let Some(s) = c.state {
                *totals[i].entry(s).or_default() += 1;
            }
        }
    }
    let count = listed.len() as u64;
    let per_page = if paged { MATRIX_PAGE } else { count.max(1) };
    let pages = count.div_ceil(per_page).max(1);
    let page = filter.page.trim().parse::<u64>().unwrap_or(1).clamp(1, pages);
    let rows = listed
        .into_iter()
        .skip(((page - 1) * per_page) as usize)
        .take(per_page as usize)
        .cloned()
        .collect();
    Ok(Matrix {
        kind,
        cadence,
        periods: grid.periods.clone(),
        rows,
        totals: totals.into_iter().map(|m| m.into_iter().collect()).collect(),
        agencies: count,
        page,
        pages,
    })
}

/// Every agency of a jurisdiction × the last 12 ended periods of one kind and cadence, with
/// each cell's worst state: what the matrix pages, filters and exports.
pub struct MatrixGrid {
    periods: Vec<Period>,
    /// By agency name.
    rows: Vec<MatrixRow>,
}

/// The grid in one query: obligations × periods × submissions aggregated per agency and period
/// in the database; agencies without obligations of the kind come with empty rows.
async fn matrix_grid(
    db: &DatabaseConnection,
    reader: &ReportReader,
    zone: &str,
    today: Date,
    kind: ReportKind,
    cadence: Cadence,
) -> ServiceResult<MatrixGrid> {
    let agencies_cond = reader.jurisdiction_agencies().ok_or(ServiceError::Forbidden)?;
    let periods = rules::last_ended(cadence, today, 12);
    let backend = db.get_database_backend();
    // The due days in use for this kind: the slots table needs one row per period and due day.
    let due_days: Vec<i16> = obligation::Entity::find()
        .select_only()
        .column(obligation::Column::DueDay)
        .distinct()
        .filter(obligation::Column::Kind.eq(kind.code()))
        .filter(obligation::Column::Cadence.eq(cadence.code()))
        .into_tuple()
        .all(db)
        .await?;
    let agency_ids = Query::select()
        .column((organisation::Entity, organisation::Column::Id))
        .from(organisation::Entity)
        .cond_where(agencies_cond.clone())
        .to_owned();
    // Two queries merged here rather than one outer join: SQLite would rescan the grouped cells
    // once per agency (no index on a materialised subquery), seconds at 2,000 agencies.
    let agencies: Vec<(Uuid, String)> = organisation::Entity::find()
        .select_only()
        .column(organisation::Column::Id)
        .column(organisation::Column::Name)
        .filter(agencies_cond)
        .order_by_asc(organisation::Column::Name)
        .order_by_asc(organisation::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let empty = vec![
        MatrixCell {
            state: None,
            count: 0,
            submission_id: None
        };
        periods.len()
    ];
    let mut cells: HashMap<Uuid, Vec<MatrixCell>> = HashMap::new();
    if !due_days.is_empty() {
        let sql = MatrixSql {
            backend,
            slots: matrix_slots(&periods, &due_days, today, zone),
            kind,
            cadence,
        };
        for r in db.query_all(&sql.grouped(agency_ids)).await? {
            let id: Uuid = r.try_get("", "agency_id")?;
            let idx: i32 = r.try_get("", "idx")?;
            let sev: i32 = r.try_get("", "sev")?;
            let n: i64 = r.try_get("", "n")?;
            // PostgreSQL has no MIN over uuid: the id comes as text there.
            let submission = match backend {
                DbBackend::Postgres => r
                    .try_get::<Option<String>>("", "submission_id")?
                    .and_then(|s| Uuid::parse_str(&s).ok()),
                _ => r.try_get::<Option<Uuid>>("", "submission_id")?,
            };
            let row = cells.entry(id).or_insert_with(|| empty.clone());
            if let (Some(cell), Some(state)) = (row.get_mut(idx as usize), StateCode::from_severity(sev as u8)) {
                *cell = MatrixCell {
                    state: Some(state),
                    count: n as u32,
                    submission_id: if n == 1 { submission } else { None },
                };
            }
        }
    }
    let rows = agencies
        .into_iter()
        .map(|(id, name)| MatrixRow {
            cells: cells.remove(&id).unwrap_or_else(|| empty.clone()),
            agency: OrgRef { id, name },
        })
        .collect();
    Ok(MatrixGrid { periods, rows })
}

/// One slot per (period, due day in use): the period's index in the matrix, its first day, the
/// due day, the severity of the cell when nothing was sent (due or overdue, as of `today`), and
/// the instant from which a first version counts as late (the start of the day after the due
/// date, in the viewer's zone).
type Slot = (i32, Date, i16, i32, OffsetDateTime);

fn matrix_slots(periods: &[Period], due_days: &[i16], today: Date, zone: &str) -> Vec<Slot> {
    let mut out = Vec::with_capacity(periods.len() * due_days.len());
    for (i, p) in periods.iter().enumerate() {
        for &d in due_days {
            let day = d.clamp(1, 31) as u8;
            let unsent = rules::period_state(*p, day, today, None).code().severity();
            let due = rules::due_date(*p, day);
            let late_from = start_of_day_in_zone(due.next_day().unwrap_or(due), zone);
            out.push((i as i32, rules::start(*p), d, i32::from(unsent), late_from));
        }
    }
    out
}

/// The matrix's join: the obligations of one kind and cadence about the jurisdiction's agencies
/// (the policy's own condition, so nothing outside the reader's reach) × the slots × their
/// submissions, each row with its severity.
struct MatrixSql {
    backend: DbBackend,
    slots: Vec<Slot>,
    kind: ReportKind,
    cadence: Cadence,
}

impl MatrixSql {
    /// Severity of one obligation's period: the slot's when nothing was sent, else from the
    /// submission's status (accepted splits on whether the first version came late).
    fn severity(&self) -> Expr {
        use sea_orm::sea_query::ExprTrait;
        let status = || Expr::col((submission::Entity, submission::Column::Status));
        let first = Expr::col((submission::Entity, submission::Column::FirstSubmittedAt));
        let late_from = Expr::col(("s", "column5"));
        // SQLite keeps instants as RFC 3339 text, whose fractions do not sort as text does;
        // sea-query's SQLite placeholders in custom expressions are unnumbered.
        let late = match self.backend {
            DbBackend::Sqlite => Expr::cust_with_exprs("julianday(?) >= julianday(?)", [first, late_from]),
            _ => first.gte(late_from),
        };
        Expr::case(
            Expr::col((submission::Entity, submission::Column::Id)).is_null(),
            Expr::col(("s", "column4")),
        )
        .case(
            status().eq(SubmissionStatus::Submitted.code()),
            i32::from(StateCode::Submitted.severity()),
        )
        .case(
            status().eq(SubmissionStatus::Returned.code()),
            i32::from(StateCode::Returned.severity()),
        )
        .case(late, i32::from(StateCode::AcceptedLate.severity()))
        .finally(i32::from(StateCode::Accepted.severity()))
        .into()
    }

    /// One row per obligation and period of the agencies `agency_ids` selects: agency_id, idx,
    /// sev, submission_id.
    fn rows(&self, agency_ids: SelectStatement) -> SelectStatement {
        use sea_orm::sea_query::ExprTrait;
        let ob = |c: obligation::Column| Expr::col((obligation::Entity, c));
        let slot = |c: &'static str| Expr::col(("s", c));
        Query::select()
            .expr_as(ob(obligation::Column::AgencyId), "agency_id")
            .expr_as(slot("column1"), "idx")
            .expr_as(self.severity(), "sev")
            .expr_as(Expr::col((submission::Entity, submission::Column::Id)), "submission_id")
            .from(obligation::Entity)
            .join(
                JoinType::InnerJoin,
                TableRef::ValuesList(
                    self.slots.iter().map(|s| (*s).into_value_tuple()).collect(),
                    "s".into_iden(),
                ),
                Condition::all()
                    .add(slot("column3").eq(ob(obligation::Column::DueDay)))
                    .add(slot("column2").gte(ob(obligation::Column::FirstPeriod)))
                    .add(
                        Condition::any()
                            .add(ob(obligation::Column::LastPeriod).is_null())
                            .add(slot("column2").lte(ob(obligation::Column::LastPeriod))),
                    ),
            )
            .left_join(
                submission::Entity,
                Condition::all()
                    .add(
                        Expr::col((submission::Entity, submission::Column::ObligationId))
                            .equals((obligation::Entity, obligation::Column::Id)),
                    )
                    .add(Expr::col((submission::Entity, submission::Column::PeriodStart)).equals(("s", "column2"))),
            )
            .and_where(ob(obligation::Column::Kind).eq(self.kind.code()))
            .and_where(ob(obligation::Column::Cadence).eq(self.cadence.code()))
            .and_where(ob(obligation::Column::AgencyId).in_subquery(agency_ids))
            .to_owned()
    }

    /// One row per agency and period: agency_id, idx, the worst severity (sev), how many
    /// obligations (n), and a submission id (the only one when n is 1).
    fn grouped(&self, agency_ids: SelectStatement) -> SelectStatement {
        use sea_orm::sea_query::ExprTrait;
        let submission = match self.backend {
            DbBackend::Postgres => Expr::cust("MIN(CAST(\"r\".\"submission_id\" AS TEXT))"),
            _ => Expr::col(("r", "submission_id")).min(),
        };
        Query::select()
            .column(("r", "agency_id"))
            .column(("r", "idx"))
            .expr_as(Expr::col(("r", "sev")).max(), "sev")
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .expr_as(submission, "submission_id")
            .from_subquery(self.rows(agency_ids), "r")
            .group_by_col(("r", "agency_id"))
            .group_by_col(("r", "idx"))
            .to_owned()
    }
}

/// The two reminders: three days before the due date, and on the first day overdue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reminder {
    DueSoon,
    Overdue,
}

impl Reminder {
    fn code(self) -> &'static str {
        match self {
            Reminder::DueSoon => "due_soon",
            Reminder::Overdue => "overdue",
        }
    }
}

/// Which reminder a period wants today (in the portal's time zone), if any. A reminder missed by
/// a server that was down still goes out within the following days, never for old periods.
pub fn reminder_due(p: Period, due_day: u8, today: Date, submitted: bool) -> Option<Reminder> {
    if submitted {
        return None;
    }
    let due = rules::due_date(p, due_day);
    let days_to_due = (due - today).whole_days();
    match days_to_due {
        0..=3 if today > rules::end(p) => Some(Reminder::DueSoon),
        -7..=-1 => Some(Reminder::Overdue),
        _ => None,
    }
}

/// Sends the reminders due today; each goes out once, even with several servers (the reminder
/// row's key decides who sends). Returns how many were queued.
pub async fn send_reminders(db: &DatabaseConnection, now: OffsetDateTime, zone: &str) -> ServiceResult<u32> {
    let today = date_in_zone(now, zone);
    // A provider whose engagement is no longer in force is reminded of nothing.
    let obligations = obligation::Entity::find()
        .filter(
            Condition::any()
                .add(obligation::Column::EngagementId.is_null())
                .add(obligation::Column::EngagementId.in_subquery(policy::engagements_in_force(None, today))),
        )
        .all(db)
        .await?;
    let ids: Vec<Uuid> = obligations.iter().map(|o| o.id).collect();
    let facts = submission_facts(db, &ids, Some(today - time::Duration::days(400)), zone).await?;
    let names = org_names(db, obligations.iter().map(|o| o.receiver_id)).await?;
    let mut sent = 0;
    for o in &obligations {
        let Some((kind, _, first, last)) = typed(o) else {
            continue;
        };
        // Only the two most recent ended periods can be within a reminder's window.
        for p in rules::periods_begun(first, last, today, 3) {
            let submitted = facts.contains_key(&(o.id, rules::start(p)));
            let Some(which) = reminder_due(p, o.due_day as u8, today, submitted) else {
                continue;
            };
            let txn = db.begin().await?;
            let claimed = reminder::Entity::insert(reminder::ActiveModel {
                obligation_id: Set(o.id),
                period_start: Set(rules::start(p)),
                kind: Set(which.code().into()),
                sent_at: Set(now),
            })
            .on_conflict_do_nothing()
            .exec(&txn)
            .await?;
            if matches!(claimed, sea_orm::TryInsertResult::Inserted(_)) {
                let template = mail::Template::ReportReminder {
                    receiver: names.get(&o.receiver_id).cloned().unwrap_or_default(),
                    kind,
                    period: p.to_string(),
                    due: rules::due_date(p, o.due_day as u8).to_string(),
                    overdue: which == Reminder::Overdue,
                };
                let people = report_people(&txn, o.submitter_id).await?;
                mail_people(&txn, now, &people, &template).await?;
                sent += 1;
            }
            txn.commit().await?;
        }
    }
    Ok(sent)
}

/// Kinds a viewer of `kind` meets, for the filters (its own side's).
pub fn kinds_for(kind: OrgKind) -> Vec<ReportKind> {
    match kind {
        OrgKind::Csp => vec![ReportKind::CspMonthly],
        OrgKind::Supplier => vec![ReportKind::SupplierService],
        OrgKind::Assessor => vec![ReportKind::Assessment],
        _ => ReportKind::ALL.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_work_list_pages_by_a_hundred_and_a_page_past_the_end_shows_the_last() {
        assert_eq!(page_of(0, 0), (0, 1, 1), "an empty list is one empty page");
        assert_eq!(page_of(100, 1), (100, 1, 1));
        assert_eq!(page_of(101, 2), (101, 2, 2));
        assert_eq!(page_of(3512, 0), (3512, 1, 36), "page 0 or none is the first");
        assert_eq!(page_of(3512, 99), (3512, 36, 36));
    }

    #[test]
    fn reminders_go_three_days_before_and_on_the_first_day_overdue() {
        let oct = Period::parse("2026-10").unwrap();
        for (today, submitted, want) in [
            (date!(2026 - 11 - 06), false, None),
            (date!(2026 - 11 - 07), false, Some(Reminder::DueSoon)),
            (date!(2026 - 11 - 10), false, Some(Reminder::DueSoon)),
            (date!(2026 - 11 - 11), false, Some(Reminder::Overdue)),
            (date!(2026 - 11 - 17), false, Some(Reminder::Overdue)),
            (date!(2026 - 11 - 18), false, None),
            (date!(2026 - 11 - 11), true, None),
            (date!(2026 - 11 - 08), true, None),
        ] {
            assert_eq!(reminder_due(oct, 10, today, submitted), want, "{today} {submitted}");
        }
        // A due day of 1: three days before falls inside the period itself, which is not yet over.
        assert_eq!(reminder_due(oct, 1, date!(2026 - 10 - 30), false), None);
        assert_eq!(
            reminder_due(oct, 1, date!(2026 - 11 - 01), false),
            Some(Reminder::DueSoon)
        );
    }
}
