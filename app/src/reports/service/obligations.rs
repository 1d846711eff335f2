//! Obligations: the choices a reviewer has, setting one, ending one (by hand, with its engagement,
//! or when an agency moves to another regulator).
use super::*;
use crate::tenancy::scope::{EngagementWriter, JurisdictionAdmin};

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

/// What the obligation form offers a reviewer.
pub async fn obligation_choices(
    db: &DatabaseConnection,
    reviewer: &ReportReviewer,
    today: Date,
) -> ServiceResult<ObligationChoices> {
    let mut out = ObligationChoices { engagements: Vec::new(), agencies: Vec::new(), agencies_total: 0 };
    if let Some(engagements) = reviewer.engagements() {
        let rows = engagements
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
            let label =
                format!("{} · {} – {}", names.get(&e.provider_id).cloned().unwrap_or_default(), e.starts_on, e.ends_on);
            out.engagements.push((e.id, label, kind_for_role(role)));
        }
    }
    if let Some(agencies) = reviewer.agencies() {
        let active = agencies.filter(organisation::Column::Active.eq(true));
        out.agencies_total = active.clone().count(db).await? as u32;
        out.agencies = agency_rows(db, active, AGENCY_CHOICES).await?;
    }
    Ok(out)
}

/// Agencies the obligation form lists before a search: a jurisdiction of 2,000 is searched, not
/// scrolled (and would make the page some 200 KB heavier).
pub const AGENCY_CHOICES: u64 = 30;

async fn agency_rows(
    db: &DatabaseConnection,
    q: sea_orm::Select<organisation::Entity>,
    limit: u64,
) -> ServiceResult<Vec<OrgRef>> {
    Ok(q.order_by_asc(organisation::Column::Name)
        .order_by_asc(organisation::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|o| OrgRef { id: o.id, name: o.name })
        .collect())
}

/// The active agencies in the regulator's reach whose name contains `needle`, the first
/// [`AGENCY_CHOICES`] by name: the obligation form's agency search.
pub async fn find_agencies(db: &DatabaseConnection, reviewer: &ReportReviewer, needle: &str) -> ServiceResult<Vec<OrgRef>> {
    let Some(agencies) = reviewer.agencies() else {
        return Ok(Vec::new());
    };
    let mut q = agencies.filter(organisation::Column::Active.eq(true));
    if !needle.trim().is_empty() {
        q = q.filter(organisation::Column::Id.in_subquery(orgs_named_like(needle.trim())));
    }
    agency_rows(db, q, AGENCY_CHOICES).await
}

/// The one row a form's field chose from a capability's select (`None`: the capability has no such
/// choices at all), or that field's error.
async fn chosen<E: EntityTrait, C: ConnectionTrait>(
    conn: &C,
    choices: Option<sea_orm::Select<E>>,
    field: &'static str,
    unknown: Msg,
) -> ServiceResult<E::Model> {
    choices.ok_or(ServiceError::Forbidden)?.one(conn).await?.ok_or(invalid(field, unknown))
}

/// Sets an obligation owed to the reviewer's organisation. A provider's obligation sits on an
/// engagement it has accepted that has not ended (`today`: the portal's day), and its last period
/// is at the latest the one in which the engagement ends.
pub async fn create_obligation(db: &DatabaseConnection, by: &Acting<'_>, today: Date, reviewer: &ReportReviewer, input: &ObligationInput) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let mut v = input.parse()?;
    let txn = write_txn(db).await?;
    // An agency asks reports of its providers (on an engagement), a regulator of its agencies.
    if v.kind.is_engagement_report() != matches!(reviewer.scope(), ReviewerScope::Agency(_)) {
        return Err(invalid("kind", Msg::ErrKindNotForYou));
    }
    let (submitter_id, agency_id, engagement_id) = match reviewer.scope() {
        ReviewerScope::Agency(_) => {
            let id = v.engagement_id.ok_or(invalid("engagement_id", Msg::ErrChoose))?;
            let q = reviewer.engagements().map(|q| q.filter(engagement::Column::Id.eq(id)));
            let e = chosen(&txn, q, "engagement_id", Msg::ErrEngagementUnknown).await?;
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
            let id = v.agency_id.ok_or(invalid("agency_id", Msg::ErrChoose))?;
            let q = reviewer.agencies().map(|q| q.filter(organisation::Column::Id.eq(id)));
            let a = chosen(&txn, q, "agency_id", Msg::ErrAgencyUnknown).await?;
            (a.id, a.id, None)
        }
    };
    let id = Uuid::new_v4();
    let created = obligation::ActiveModel {
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
    sync_periods(&txn, &created, date_in_zone(now, &actor.time_zone), &actor.time_zone).await?;
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
    AuditEntry::mirrored(actor, meta, AuditAction::ObligationCreate, target, summary, submitter_id)
        .record(&txn, now)
        .await?;
    txn.commit().await?;
    Ok(id)
}

/// The receiving side ends an obligation it set, with a reason: the periods already over are
/// still owed (and one already submitted for stays), later ones are not; everything received is
/// kept. `today` is the portal's day.
pub async fn end_obligation(db: &DatabaseConnection, by: &Acting<'_>, today: Date, reviewer: &ReportReviewer, id: Uuid, reason: &str) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(invalid("reason", Msg::ErrEndReasonRequired));
    }
    if reason.chars().count() > 2000 {
        return Err(invalid("reason", Msg::ErrTextTooLong));
    }
    let txn = write_txn(db).await?;
    let o = reviewer.obligation(id).one(&txn).await?.ok_or(ServiceError::NotFound)?;
    if o.ended_on.is_some() {
        return Err(ServiceError::Conflict { field: "id", msg: Msg::ErrObligationAlreadyEnded });
    }
    let Some((_, cadence, first, last)) = typed(&o) else {
        return Err(ServiceError::NotFound);
    };
    // The running period is not owed unless something was already sent for it.
    let running = rules::containing(cadence, today);
    let sent_for_running = reviewer
        .submissions()
        .filter(submission::Column::ObligationId.eq(o.id))
        .filter(submission::Column::PeriodStart.gte(rules::start(running)))
        .count(&txn)
        .await?
        > 0;
    let owed_to = if sent_for_running { running } else { running.prev() };
    let new_last = end_at(first, last, owed_to);
    let target = format!("obligation {id}");
    let summary = format!("ended: last period owed {}; reason: {reason}", describe_last(first, new_last));
    let submitter = o.submitter_id;
    let mut am: obligation::ActiveModel = o.into();
    am.last_period = Set(Some(rules::start(new_last)));
    am.ended_on = Set(Some(today));
    am.end_reason = Set(Some(reason.to_string()));
    am.ended_by = Set(Some(actor.person_id));
    let ended = am.update(&txn).await?;
    sync_periods(&txn, &ended, today, &actor.time_zone).await?;
    epoch::bump(&txn).await?;
    AuditEntry::mirrored(actor, meta, AuditAction::ObligationEnd, target, summary, submitter).record(&txn, now).await?;
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
    writer: &EngagementWriter,
    engagement_id: Uuid,
    ended_on: Date,
) -> ServiceResult<()> {
    let rows = crate::reports::scope::obligations_ending_with(writer, engagement_id).all(txn).await?;
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
        let ended = am.update(txn).await?;
        // Only fewer periods are owed: no row is made, so the zone for lateness is not read.
        sync_periods(txn, &ended, ended_on, crate::backend::time_fmt::DEFAULT_TIME_ZONE).await?;
    }
    epoch::bump(txn).await?;
    Ok(())
}

/// After the jurisdiction tree changed: an agency's reports owed to a regulator that no longer
/// has it in its jurisdiction move to the agency's regulator now, with their history (which the
/// old one no longer reaches). Called inside the tree change's transaction; audited for the
/// agency and for the regulator that receives them.
pub async fn follow_jurisdiction<C: ConnectionTrait>(txn: &C, by: &Acting<'_>, cap: &JurisdictionAdmin, agencies: &[Uuid]) -> ServiceResult<u32> {
    let Acting { actor, meta, now } = *by;
    if agencies.is_empty() {
        return Ok(0);
    }
    // Every organisation's parent, to walk each agency's chain of regulators.
    let parents: HashMap<Uuid, Option<Uuid>> =
        cap.placeable().all(txn).await?.into_iter().map(|o| (o.id, o.regulator_id)).collect();
    let mut moved = 0;
    for chunk in agencies.chunks(500) {
        let rows = crate::reports::scope::obligations_owed_upwards(cap, chunk).all(txn).await?;
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
                let entry = AuditEntry::by(actor, meta, AuditAction::ObligationMove, target.clone(), summary.clone())
                    .in_organisation(Some(org));
                append(txn, now, entry).await?;
            }
            moved += 1;
        }
    }
    Ok(moved)
}

/// The kind of an obligation the submitter owes (to read a form's summary fields).
pub async fn obligation_kind(
    db: &DatabaseConnection,
    submitter: &ReportSubmitter,
    obligation_id: Uuid,
) -> ServiceResult<ReportKind> {
    let o = submitter
        .obligation(obligation_id)
        .one(db)
        .await?
        .ok_or(invalid("obligation_id", Msg::ErrObligationUnknown))?;
    ReportKind::parse(&o.kind).ok_or(invalid("obligation_id", Msg::ErrObligationUnknown))
}
