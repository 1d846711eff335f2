//! An engagement's agreement in versions: one party proposes (the agency first, as a rule, but
//! either may), the other accepts or answers with a proposal of its own; an accepted version is
//! read-only, and a later one takes over from its first day. Every step is audited in both
//! parties' trails and mailed to the other party's officers.
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, IntoActiveModel, QueryFilter};
use uuid::Uuid;

use super::{other_party, parse_agreement, tell, writable};
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{actor::Acting, db::write_txn, epoch, error::Fields, time_fmt, ServiceError, ServiceResult},
    i18n::Msg,
    sla::{
        entity::version,
        mail::SlaMailKind,
        rules::{self, Agreement, Compensation, StartError},
        scope::SlaWriter,
        AgreementInput, CompensationRule, VersionStatus,
    },
    tenancy::entity::engagement,
};

fn start_message(e: StartError) -> Msg {
    match e {
        StartError::BeforeEngagement => Msg::SlaErrBeforeEngagement,
        StartError::AfterEngagement => Msg::SlaErrAfterEngagement,
        StartError::NotAfterAccepted => Msg::SlaErrNotAfterAccepted,
        StartError::InThePast => Msg::SlaErrInThePast,
    }
}

/// The first day of the latest accepted version of an engagement, if any.
async fn latest_accepted<C: ConnectionTrait>(conn: &C, w: &SlaWriter, engagement_id: Uuid) -> ServiceResult<Option<time::Date>> {
    Ok(w.reader()
        .versions()
        .filter(version::Column::EngagementId.eq(engagement_id))
        .filter(version::Column::Status.eq(VersionStatus::Accepted.code()))
        .all(conn)
        .await?
        .into_iter()
        .map(|v| v.effective_from)
        .max())
}

/// A version row of a parsed agreement, proposed by the acting person.
fn row(a: &Agreement, e: &engagement::Model, number: i32, by: &Acting<'_>) -> version::ActiveModel {
    version_row(a, (e.id, e.agency_id, e.provider_id), number, (by.actor.person_id, by.actor.organisation_id), by.now)
}

/// A version row of a parsed agreement for engagement `(id, agency, csp)`, proposed by `(person,
/// organisation)` at `at` (the generator writes accepted ones directly).
pub fn version_row(a: &Agreement, e: (Uuid, Uuid, Uuid), number: i32, by: (Uuid, Uuid), at: time::OffsetDateTime) -> version::ActiveModel {
    let (rule, unit, multiple, bands) = match &a.compensation {
        Compensation::PerUnit { unit_minutes, multiple } => {
            (CompensationRule::PerUnit, *unit_minutes as i32, *multiple as i32, String::new())
        }
        Compensation::Bands(b) => (CompensationRule::Bands, 0, 0, rules::bands_text(b)),
    };
    let pct = |p: rules::Percent| p.millionths() as i32;
    let small = |n: u16| i16::try_from(n).unwrap_or(i16::MAX);
    version::ActiveModel {
        id: Set(Uuid::now_v7()),
        engagement_id: Set(e.0),
        agency_id: Set(e.1),
        csp_id: Set(e.2),
        number: Set(number),
        status: Set(VersionStatus::Proposed.code().into()),
        effective_from: Set(a.effective_from),
        zone: Set(a.zone.clone()),
        power_pct: Set(pct(a.power)),
        network_pct: Set(pct(a.network)),
        server_pct: Set(pct(a.server)),
        l1_pct: Set(pct(a.l1)),
        l1_hours: Set(small(a.l1_hours)),
        l2_pct: Set(pct(a.l2)),
        l2_hours: Set(small(a.l2_hours)),
        service_hours: Set(a.service.to_string()),
        response_minutes: Set(small(a.response_minutes)),
        backup_every: Set(a.backup_every.every_text()),
        backup_retention: Set(a.backup_retention.kept_text()),
        log_retention: Set(a.log_retention.kept_text()),
        emergency_minutes: Set(small(a.emergency_minutes)),
        trainings: Set(small(a.trainings)),
        maintenance: Set(a.maintenance.code().into()),
        compensation: Set(rule.code().into()),
        unit_minutes: Set(unit),
        multiple: Set(multiple),
        monthly_fee: Set(a.monthly_fee),
        bands: Set(bands),
        note: Set(a.note.clone()),
        proposed_by: Set(by.0),
        proposed_org: Set(by.1),
        proposed_at: Set(at),
        answered_by: Set(None),
        answered_at: Set(None),
    }
}

/// Proposes a version of an engagement's agreement. A pending proposal of the other party is
/// answered by it; the proposer's own pending one is withdrawn in its favour.
pub async fn propose(db: &DatabaseConnection, by: &Acting<'_>, w: &SlaWriter, engagement_id: Uuid, input: &AgreementInput, link_base: &str) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let e = writable(&txn, w, engagement_id).await?;
    let mut f = Fields::new();
    let parsed = parse_agreement(&mut f, input, &actor.time_zone);
    if let Some(a) = &parsed {
        let today = time_fmt::date_in_zone(now, &a.zone);
        let latest = latest_accepted(&txn, w, e.id).await?;
        if let Some(refused) = rules::start_refused(a.effective_from, (e.starts_on, e.ends_on), latest, today) {
            f.refuse(
                "effective_from",
                start_message(refused),
            );
        }
    }
    let a = f.finish_with(|| parsed)?;
    let versions = w.reader().versions().filter(version::Column::EngagementId.eq(e.id)).all(&txn).await?;
    let number = versions.iter().map(|v| v.number).max().unwrap_or(0) + 1;
    for pending in versions.into_iter().filter(|v| v.status == VersionStatus::Proposed.code()) {
        let status = if pending.proposed_org == actor.organisation_id { VersionStatus::Withdrawn } else { VersionStatus::Answered };
        let mut am = pending.into_active_model();
        am.status = Set(status.code().into());
        am.answered_by = Set(Some(actor.person_id));
        am.answered_at = Set(Some(now));
        am.update(&txn).await?;
    }
    let id = row(&a, &e, number, by).insert(&txn).await?.id;
    let other = other_party(&e, actor.organisation_id);
    AuditEntry::mirrored(
        actor,
        meta,
        AuditAction::SlaProposed,
        format!("engagement {} sla version {number}", e.id),
        format!("from {} zone {} maintenance {}", a.effective_from, a.zone, a.maintenance.code()),
        other,
    )
    .record(&txn, now)
    .await?;
    tell(&txn, &e, other, (SlaMailKind::Proposed, number, String::new()), now, link_base).await?;
    epoch::commit_change(txn).await?;
    Ok(id)
}

/// A version of an engagement the writer may answer: pending, and proposed by the other party.
async fn pending_of_other<C: ConnectionTrait>(conn: &C, w: &SlaWriter, version_id: Uuid, own: bool) -> ServiceResult<(version::Model, engagement::Model)> {
    let v = w.reader().versions().filter(version::Column::Id.eq(version_id)).one(conn).await?.ok_or(ServiceError::NotFound)?;
    let e = writable(conn, w, v.engagement_id).await?;
    if v.status != VersionStatus::Proposed.code() {
        return Err(ServiceError::invalid("version", Msg::SlaErrNotPending));
    }
    if (v.proposed_org == w.organisation_id()) != own {
        let msg = if own { Msg::SlaErrNotYours } else { Msg::SlaErrOwnProposal };
        return Err(ServiceError::invalid("version", msg));
    }
    Ok((v, e))
}

/// Accepts the other party's proposal: it becomes read-only and governs from its first day.
pub async fn accept(db: &DatabaseConnection, by: &Acting<'_>, w: &SlaWriter, version_id: Uuid, link_base: &str) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let (v, e) = pending_of_other(&txn, w, version_id, false).await?;
    // Another version may have been accepted since it was proposed: its first day is checked again.
    let today = time_fmt::date_in_zone(now, &v.zone);
    let latest = latest_accepted(&txn, w, e.id).await?;
    if let Some(refused) = rules::start_refused(v.effective_from, (e.starts_on, e.ends_on), latest, today) {
        return Err(ServiceError::invalid("effective_from", start_message(refused)));
    }
    let (number, proposer) = (v.number, v.proposed_org);
    let mut am = v.into_active_model();
    am.status = Set(VersionStatus::Accepted.code().into());
    am.answered_by = Set(Some(actor.person_id));
    am.answered_at = Set(Some(now));
    am.update(&txn).await?;
    // Records entered before (or under another zone) count from this version on: every day of
    // the SLA's span is computed anew.
    super::days::refresh(&txn, &e, &[rules::Stretch { start: 0, end: super::days::FAR }]).await?;
    AuditEntry::mirrored(actor, meta, AuditAction::SlaAccepted, format!("engagement {} sla version {number}", e.id), String::new(), proposer)
        .record(&txn, now)
        .await?;
    tell(&txn, &e, proposer, (SlaMailKind::Accepted, number, String::new()), now, link_base).await?;
    epoch::commit_change(txn).await
}

/// Withdraws one's own pending proposal.
pub async fn withdraw(db: &DatabaseConnection, by: &Acting<'_>, w: &SlaWriter, version_id: Uuid) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let (v, e) = pending_of_other(&txn, w, version_id, true).await?;
    let number = v.number;
    let mut am = v.into_active_model();
    am.status = Set(VersionStatus::Withdrawn.code().into());
    am.answered_by = Set(Some(actor.person_id));
    am.answered_at = Set(Some(now));
    am.update(&txn).await?;
    let other = other_party(&e, actor.organisation_id);
    AuditEntry::mirrored(actor, meta, AuditAction::SlaWithdrawn, format!("engagement {} sla version {number}", e.id), String::new(), other)
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await
}

/// Accepts (`accept`) or withdraws (`withdraw`) a pending version of engagement `engagement_id`:
/// the engagement is looked up first, so a version of another engagement is "not found".
pub async fn answer(db: &DatabaseConnection, by: &Acting<'_>, w: &SlaWriter, engagement_id: Uuid, version_id: Uuid, action: &str, link_base: &str) -> ServiceResult<()> {
    let e = writable(db, w, engagement_id).await?;
    let accepting = match action {
        "accept" => true,
        "withdraw" => false,
        _ => return Err(ServiceError::invalid("action", Msg::ErrChoose)),
    };
    w.reader()
        .versions()
        .filter(version::Column::Id.eq(version_id))
        .filter(version::Column::EngagementId.eq(e.id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if accepting {
        accept(db, by, w, version_id, link_base).await
    } else {
        withdraw(db, by, w, version_id).await
    }
}
