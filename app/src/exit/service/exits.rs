//! Opening an exit and every action on it but the inventory's: the plan's steps and their
//! agreement, the deletion plan and its confirmation, the assessor and its sign-off, completion
//! (which ends the engagement) and cancellation. Each checks the rules, writes its audit entry and
//! its mail in the change's transaction, and settles the status.
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, IntoActiveModel,
    QueryFilter,
};
use uuid::Uuid;

use super::*;
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{
        actor::Acting,
        db::write_txn,
        epoch,
        error::OnConstraint,
        ServiceError,
    },
    exit::{
        entity::{exit, step},
        rules::Party,
        scope::ExitWriter,
        ActInput, ExitAction, ExitReason, OpenInput, Side, MAX_NAME_CHARS,
    },
    tenancy::entity::engagement,
};

/// A new exit of `engagement` (its id, its agency's, its provider's), opened by `by` at `at`: in planning, nothing agreed, handed over
/// or deleted yet, due today (the caller sets its reason, target and new provider). The scale
/// generator starts its exits from the same row.
pub fn new_exit(id: Uuid, engagement: (Uuid, Uuid, Uuid), by: Uuid, at: time::OffsetDateTime) -> exit::ActiveModel {
    let (engagement_id, agency_id, provider_id) = engagement;
    exit::ActiveModel {
        id: Set(id),
        engagement_id: Set(engagement_id),
        open_engagement_id: Set(Some(engagement_id)),
        agency_id: Set(agency_id),
        provider_id: Set(provider_id),
        assessor_id: Set(None),
        reason: Set(crate::exit::ExitReason::ContractEnd.code().into()),
        reason_text: Set(String::new()),
        target_date: Set(at.date()),
        new_provider: Set(String::new()),
        status: Set(ExitStatus::Planning.code().into()),
        opened_by: Set(by),
        opened_at: Set(at),
        plan_agreed_agency_at: Set(None),
        plan_agreed_provider_at: Set(None),
        deletion_plan: Set(String::new()),
        deletion_plan_at: Set(None),
        data_deleted_on: Set(None),
        backups_deleted_on: Set(None),
        deletion_note: Set(String::new()),
        deletion_confirmed_at: Set(None),
        deletion_confirmed_by: Set(None),
        signed_off_at: Set(None),
        signed_off_by: Set(None),
        sign_off_note: Set(String::new()),
        completed_at: Set(None),
        cancelled_at: Set(None),
        closing_reason: Set(String::new()),
        updated_at: Set(at),
    }
}

/// The agency opens an exit on one of its engagements in force. Returns the exit's id.
pub async fn open(db: &DatabaseConnection, by: &Acting<'_>, w: &ExitWriter, input: &OpenInput, link_base: &str) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    if w.reader().viewer_kind() != crate::domain::OrgKind::Agency {
        return Err(ServiceError::Forbidden);
    }
    let mut f = Fields::new();
    let engagement_id = f.check("engagement_id", input.engagement_id.trim().parse::<Uuid>().map_err(|_| Msg::ErrChoose));
    let reason = f.check("reason", ExitReason::parse(input.reason.trim()).ok_or(Msg::ErrChoose));
    let reason_text = long_text(&mut f, "reason_text", &input.reason_text, false);
    let target = f.check(
        "target_date",
        match parse_day(&input.target_date) {
            None => Err(Msg::ExErrDate),
            Some(d) if d < w.today() => Err(Msg::ExErrTargetPast),
            Some(d) => Ok(d),
        },
    );
    let new_provider = text(&mut f, "new_provider", &input.new_provider, MAX_NAME_CHARS, false);
    let (engagement_id, reason, reason_text, target, new_provider) =
        f.finish_with(|| Some((engagement_id?, reason?, reason_text?, target?, new_provider?)))?;
    let txn = write_txn(db).await?;
    // An engagement ended, declined, of an assessor or of another agency is not one to leave.
    let e = w
        .openable()
        .filter(engagement::Column::Id.eq(engagement_id))
        .one(&txn)
        .await?
        .ok_or_else(|| ServiceError::invalid("engagement_id", Msg::ExErrNotInForce))?;
    let id = Uuid::now_v7();
    let mut row = new_exit(id, (e.id, e.agency_id, e.provider_id), actor.person_id, now);
    row.reason = Set(reason.code().into());
    row.reason_text = Set(reason_text.clone());
    row.target_date = Set(target);
    row.new_provider = Set(new_provider);
    row
    .insert(&txn)
    .await
    .on_unique("engagement_id", Msg::ExErrAlreadyOpen)?;
    let row = w.reader().exit(id).one(&txn).await?.ok_or(ServiceError::NotFound)?;
    AuditEntry::mirrored(
        actor,
        meta,
        AuditAction::ExitOpen,
        format!("exit {id}"),
        format!("engagement {}; {}; target {target}", e.id, reason.code()),
        e.provider_id,
    )
    .record(&txn, now)
    .await?;
    tell(&txn, &row, e.provider_id, ExitMailKind::Opened, format!("{target}"), now, link_base).await?;
    epoch::commit_change(txn).await?;
    Ok(id)
}

/// One action on an exit (every one but the inventory's, which come with files). Returns the
/// status it leaves the exit in.
pub async fn act(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    w: &ExitWriter,
    id: Uuid,
    action: &str,
    input: &ActInput,
    link_base: &str,
) -> ServiceResult<ExitStatus> {
    let Acting { actor, meta, now } = *by;
    let action = ExitAction::parse(action.trim()).ok_or_else(|| ServiceError::invalid("action", Msg::ErrChoose))?;
    if matches!(action, ExitAction::AddItem | ExitAction::CorrectItem | ExitAction::Verify) {
        // These come with a file or a checksum, through the inventory's own forms.
        return Err(ServiceError::invalid("action", Msg::ErrChoose));
    }
    let txn = write_txn(db).await?;
    let e = w.exit_for_update(id, txn.get_database_backend()).one(&txn).await?.ok_or(ServiceError::NotFound)?;
    let party = w.reader().party(&e).ok_or(ServiceError::Forbidden)?;
    let (steps, items) = parts(&txn, w.reader(), id).await?;
    let facts = facts_of(&e, &steps, &items);
    rules::check(&facts, party, action).map_err(|m| ServiceError::Conflict { field: "action", msg: m })?;
    let other = if party == Party::Agency { e.provider_id } else { e.agency_id };
    let mut am = e.clone().into_active_model();
    let mut mail: Option<(Uuid, ExitMailKind, String)> = None;
    let summary: String;
    let mut f = Fields::new();
    match action {
        ExitAction::AddStep => {
            let title = text(&mut f, "text", &input.text, MAX_NAME_CHARS, true);
            let owner = f.check("owner", Side::parse(input.owner.trim()).ok_or(Msg::ErrChoose));
            let due = f.check("day", parse_day(&input.day).ok_or(Msg::ExErrDate));
            let (title, owner, due) = f.finish_with(|| Some((title?, owner?, due?)))?;
            if due > e.target_date {
                return Err(ServiceError::invalid("day", Msg::ExErrAfterTarget));
            }
            if due < w.today() {
                return Err(ServiceError::invalid("day", Msg::ExErrStepPast));
            }
            step::ActiveModel {
                id: Set(Uuid::now_v7()),
                exit_id: Set(id),
                position: Set(steps.len() as i32 + 1),
                title: Set(title.clone()),
                owner: Set(owner.code().into()),
                due_on: Set(due),
                done_at: Set(None),
                done_by: Set(None),
                added_by: Set(actor.person_id),
                added_at: Set(now),
            }
            .insert(&txn)
            .await?;
            // A plan that changes is agreed afresh by both sides.
            am.plan_agreed_agency_at = Set(None);
            am.plan_agreed_provider_at = Set(None);
            summary = format!("step \"{title}\" ({}, due {due})", owner.code());
        }
        ExitAction::AgreePlan => {
            if party == Party::Agency {
                am.plan_agreed_agency_at = Set(Some(now));
            } else {
                am.plan_agreed_provider_at = Set(Some(now));
            }
            let both = match party {
                Party::Agency => e.plan_agreed_provider_at.is_some(),
                _ => e.plan_agreed_agency_at.is_some(),
            };
            if both {
                mail = Some((other, ExitMailKind::PlanAgreed, String::new()));
            }
            summary = format!("plan of {} steps agreed by {party:?}", steps.len());
        }
        ExitAction::StepDone => {
            let target = input.target.trim().parse::<Uuid>().ok();
            let s = steps.iter().find(|s| Some(s.id) == target).ok_or_else(|| ServiceError::invalid("target", Msg::ErrChoose))?;
            if rules::side_of(party).map(|p| p.code()) != Some(s.owner.as_str()) {
                return Err(ServiceError::Conflict { field: "target", msg: Msg::ExErrNotYours });
            }
            if s.done_at.is_some() {
                return Err(ServiceError::Conflict { field: "target", msg: Msg::ExErrStepDone });
            }
            let mut sm = s.clone().into_active_model();
            sm.done_at = Set(Some(now));
            sm.done_by = Set(Some(actor.person_id));
            sm.update(&txn).await?;
            summary = format!("step \"{}\" done", s.title);
        }
        ExitAction::DeletionPlan => {
            let plan = long_text(&mut f, "text", &input.text, true);
            let plan = f.finish_with(|| plan)?;
            am.deletion_plan = Set(plan);
            am.deletion_plan_at = Set(Some(now));
            mail = Some((other, ExitMailKind::DeletionPlanned, String::new()));
            summary = "deletion plan recorded".into();
        }
        ExitAction::ConfirmDeletion => {
            let today = w.today();
            let day = |field: &'static str, t: &str, f: &mut Fields| {
                f.check(
                    field,
                    match parse_day(t) {
                        None => Err(Msg::ExErrDate),
                        Some(d) if d > today => Err(Msg::ExErrFuture),
                        Some(d) if d < crate::backend::time_fmt::date_in_zone(e.opened_at, &actor.time_zone) => {
                            Err(Msg::ExErrBeforeOpened)
                        }
                        Some(d) => Ok(d),
                    },
                )
            };
            let data = day("day", &input.day, &mut f);
            let backups = day("backups_day", &input.backups_day, &mut f);
            let note = long_text(&mut f, "text", &input.text, false);
            let (data, backups, note) = f.finish_with(|| Some((data?, backups?, note?)))?;
            am.data_deleted_on = Set(Some(data));
            am.backups_deleted_on = Set(Some(backups));
            am.deletion_note = Set(note);
            am.deletion_confirmed_at = Set(Some(now));
            am.deletion_confirmed_by = Set(Some(actor.person_id));
            mail = Some((other, ExitMailKind::DeletionConfirmed, format!("{data} / {backups}")));
            summary = format!("deletion confirmed: data {data}, backups {backups}");
        }
        ExitAction::SetAssessor => {
            let chosen = match input.target.trim() {
                "" => None,
                t => Some(t.parse::<Uuid>().map_err(|_| ServiceError::invalid("target", Msg::ErrChoose))?),
            };
            if let Some(a) = chosen {
                w.assessors(e.agency_id)
                    .filter(crate::tenancy::entity::organisation::Column::Id.eq(a))
                    .one(&txn)
                    .await?
                    .ok_or_else(|| ServiceError::invalid("target", Msg::ExErrNoAssessor))?;
            }
            am.assessor_id = Set(chosen);
            if let Some(a) = chosen {
                mail = Some((a, ExitMailKind::AssessorNamed, String::new()));
            }
            summary = match chosen {
                Some(a) => format!("assessor {a}"),
                None => "no assessor".into(),
            };
        }
        ExitAction::SignOff => {
            let note = long_text(&mut f, "text", &input.text, false);
            let note = f.finish_with(|| note)?;
            am.signed_off_at = Set(Some(now));
            am.signed_off_by = Set(Some(actor.person_id));
            am.sign_off_note = Set(note);
            mail = Some((e.agency_id, ExitMailKind::SignedOff, String::new()));
            summary = "signed off".into();
        }
        ExitAction::Complete => {
            am.completed_at = Set(Some(now));
            am.closing_reason = Set(format!("exit {id} completed"));
            // The engagement ends with the exit: the provider's reach ends today.
            let eng = w.engagement_of(&e).one(&txn).await?.ok_or(ServiceError::NotFound)?;
            crate::tenancy::service::engagements::end_for_exit(&txn, by, w.today(), eng, &format!("exit {id}")).await?;
            mail = Some((other, ExitMailKind::Completed, String::new()));
            summary = "completed; engagement ended".into();
        }
        ExitAction::Cancel => {
            let reason = long_text(&mut f, "text", &input.text, true);
            let reason = f.finish_with(|| reason)?;
            am.cancelled_at = Set(Some(now));
            am.closing_reason = Set(reason.clone());
            mail = Some((other, ExitMailKind::Cancelled, reason.clone()));
            summary = format!("cancelled: {reason}");
        }
        ExitAction::AddItem | ExitAction::CorrectItem | ExitAction::Verify => {
            return Err(ServiceError::invalid("action", Msg::ErrChoose));
        }
    }
    let e = am.update(&txn).await?;
    let (steps, items) = parts(&txn, w.reader(), id).await?;
    let status = settle(&txn, e.clone(), &facts_of(&e, &steps, &items), now).await?;
    AuditEntry::mirrored(actor, meta, AuditAction::ExitStep, format!("exit {id}"), format!("{}: {summary}", action.code()), other)
        .record(&txn, now)
        .await?;
    if let Some((to, kind, detail)) = mail {
        tell(&txn, &e, to, kind, detail, now, link_base).await?;
    }
    epoch::commit_change(txn).await?;
    Ok(status)
}
