//! Exit services, one file per concern: opening and acting on an exit (`exits`), its inventory's
//! items and their verification (`items`), reading (`views`), the overdue reminders
//! (`reminders`). This file holds what they share: an exit's facts and the one place its status
//! is written, the edge's parsing, and the mail to a party's officers.
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, IntoActiveModel};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{
    entity::{exit, item, step},
    mail::{ExitMail, ExitMailKind},
    rules::{self, Facts},
    ExitStatus, Verification, MAX_TEXT_CHARS,
};
use crate::{
    backend::{error::Fields, ServiceResult},
    domain::Role,
    i18n::Msg,
};

mod exits;
mod items;
mod reminders;
mod views;
pub use exits::*;
pub use items::*;
pub use reminders::*;
pub use views::*;

/// The facts of an exit from its own row and its steps and items (read by the caller through
/// its capability).
pub(crate) fn facts_of(e: &exit::Model, steps: &[step::Model], items: &[item::Model]) -> Facts {
    let count = |v: Verification| items.iter().filter(|i| i.verification == v.code()).count();
    Facts {
        agency_agreed: e.plan_agreed_agency_at.is_some(),
        provider_agreed: e.plan_agreed_provider_at.is_some(),
        steps: steps.len(),
        steps_open: steps.iter().filter(|s| s.done_at.is_none()).count(),
        items: items.len(),
        verified: count(Verification::Verified),
        mismatched: count(Verification::Mismatch),
        deletion_plan: !e.deletion_plan.trim().is_empty(),
        deletion_confirmed: e.deletion_confirmed_at.is_some(),
        assessor: e.assessor_id.is_some(),
        signed_off: e.signed_off_at.is_some(),
        completed: e.completed_at.is_some(),
        cancelled: e.cancelled_at.is_some(),
    }
}

/// Writes the status the facts give, and frees the engagement for another exit once final: the
/// one place an exit's status is written, inside the change's transaction.
pub(crate) async fn settle<C: ConnectionTrait>(conn: &C, e: exit::Model, f: &Facts, now: OffsetDateTime) -> ServiceResult<ExitStatus> {
    let status = rules::status(f);
    let mut am = e.into_active_model();
    am.status = Set(status.code().into());
    if status.is_final() {
        am.open_engagement_id = Set(None);
    }
    am.updated_at = Set(now);
    am.update(conn).await?;
    Ok(status)
}

/// A day typed `YYYY-MM-DD`.
pub(crate) fn parse_day(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), &format).ok()
}

/// Text of at most `max` characters; `required` refuses it empty.
pub(crate) fn text(f: &mut Fields, field: &'static str, text: &str, max: usize, required: bool) -> Option<String> {
    let t = text.trim();
    if required && t.is_empty() {
        f.refuse(field, Msg::ErrRequired);
        return None;
    }
    if t.chars().count() > max {
        f.refuse(field, Msg::ExErrTextLong);
        return None;
    }
    Some(t.to_string())
}

/// Free text of the module's length.
pub(crate) fn long_text(f: &mut Fields, field: &'static str, t: &str, required: bool) -> Option<String> {
    text(f, field, t, MAX_TEXT_CHARS, required)
}

/// Tells an organisation's administrators and security officers what happened on an exit.
pub(crate) async fn tell<C: ConnectionTrait>(
    conn: &C,
    e: &exit::Model,
    to: Uuid,
    kind: ExitMailKind,
    detail: String,
    now: OffsetDateTime,
    link_base: &str,
) -> ServiceResult<()> {
    let names = crate::tenancy::scope::org_names(conn, [e.agency_id, e.provider_id]).await?;
    let mail = ExitMail {
        kind,
        agency: names.get(&e.agency_id).cloned().unwrap_or_default(),
        provider: names.get(&e.provider_id).cloned().unwrap_or_default(),
        detail,
        link: format!("{link_base}/exits/{}", e.id),
    };
    let people = crate::tenancy::scope::people_holding(conn, to, &[Role::OrgAdmin, Role::SecurityOfficer]).await?;
    crate::backend::mail::enqueue_each(conn, now, &crate::tenancy::service::recipients(&people), &mail).await
}

/// An exit's steps and items, read through the reader that found the exit.
pub(crate) async fn parts<C: ConnectionTrait>(
    conn: &C,
    r: &super::scope::ExitReader,
    id: Uuid,
) -> ServiceResult<(Vec<step::Model>, Vec<item::Model>)> {
    use sea_orm::QueryOrder;
    let steps = r.steps(id).order_by_asc(step::Column::Position).all(conn).await?;
    let items = r.items(id).order_by_asc(item::Column::Position).all(conn).await?;
    Ok((steps, items))
}
