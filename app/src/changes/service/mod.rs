//! Change notices' services, one file per concern: giving, revising and answering notices
//! (`notices`), reading them (`views`); this file holds what they share — the working calendar
//! with the operator's corrections, each engagement's notice terms, and the edge's parsing.
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{
    entity::{terms, work_day},
    TermsInput, TermsRow, WorkDayRow,
    rules::{Terms, TermsError},
    scope::{calendar_days, CalendarKeeper, ChangeWriter},
    MAX_TEXT_CHARS, MAX_TITLE_CHARS,
};
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{actor::Acting, db::write_txn, epoch, error::Fields, time_fmt, ServiceError, ServiceResult},
    domain::workdays::WorkCalendar,
    i18n::Msg,
    tenancy::scope::org_names,
};

mod files;
mod notices;
mod oversight;
mod reminders;
mod views;
pub use files::*;
pub use notices::*;
pub use oversight::*;
pub use reminders::*;
pub use views::*;

/// The working calendar: the seeded years with the platform operator's corrections.
pub async fn work_calendar<C: ConnectionTrait>(db: &C) -> ServiceResult<WorkCalendar> {
    let days = calendar_days().all(db).await?;
    let seeded = crate::domain::workdays::seed_2026().into_iter().chain(crate::domain::workdays::seed_2027_provisional());
    Ok(WorkCalendar::from_marked(seeded.chain(days.iter().map(|d| (d.day, d.holiday)))))
}

/// The corrections, newest day first.
pub async fn work_days(db: &DatabaseConnection, k: &CalendarKeeper) -> ServiceResult<Vec<WorkDayRow>> {
    Ok(k.days()
        .order_by_desc(work_day::Column::Day)
        .all(db)
        .await?
        .into_iter()
        .map(|d| WorkDayRow { day: day(d.day), holiday: d.holiday, note: d.note })
        .collect())
}

/// Marks a day a holiday (`holiday`), a working day (`workday`), or as seeded again (`seeded`).
pub async fn set_work_day(db: &DatabaseConnection, by: &Acting<'_>, k: &CalendarKeeper, day_text: &str, mark: &str, note: &str) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let mut f = Fields::new();
    let d = f.check("day", parse_date(day_text).ok_or(Msg::ChErrDate));
    let holiday = f.check(
        "mark",
        match mark.trim() {
            "holiday" => Ok(Some(true)),
            "workday" => Ok(Some(false)),
            "seeded" => Ok(None),
            _ => Err(Msg::ChErrMark),
        },
    );
    let note = short(&mut f, "note", note, 200, false);
    let (d, holiday, note) = f.finish_with(|| Some((d?, holiday?, note?)))?;
    let txn = write_txn(db).await?;
    let existing = k.days().filter(work_day::Column::Day.eq(d)).one(&txn).await?;
    match (existing, holiday) {
        (Some(row), None) => {
            work_day::Entity::delete(row.into_active_model()).exec(&txn).await?;
        }
        (None, None) => {}
        (Some(row), Some(h)) => {
            let mut a = row.into_active_model();
            a.holiday = Set(h);
            a.note = Set(note.clone());
            a.updated_by = Set(actor.person_id);
            a.updated_at = Set(now);
            a.update(&txn).await?;
        }
        (None, Some(h)) => {
            work_day::ActiveModel { day: Set(d), holiday: Set(h), note: Set(note.clone()), updated_by: Set(actor.person_id), updated_at: Set(now) }
                .insert(&txn)
                .await?;
        }
    }
    let what = match holiday {
        Some(true) => "holiday",
        Some(false) => "workday",
        None => "seeded",
    };
    AuditEntry::by(actor, meta, AuditAction::WorkDaySet, format!("day {}", day(d)), format!("{what}; {note}")).record(&txn, now).await?;
    epoch::commit_change(txn).await?;
    Ok(())
}

fn terms_of(t: &terms::Model) -> Terms {
    let n = |v: i16| u16::try_from(v).unwrap_or(0);
    Terms {
        initial_bd: n(t.initial_bd),
        final_bd: n(t.final_bd),
        interruption_hours: n(t.interruption_hours),
        after_bd: n(t.after_bd),
        assessment_bd: n(t.assessment_bd),
        adaptive_bd: n(t.adaptive_bd),
    }
}

/// The strictest terms of these engagements (the defaults where none set stricter ones).
pub(crate) async fn strictest_terms<C: ConnectionTrait>(db: &C, w: &ChangeWriter, engagements: Vec<Uuid>) -> ServiceResult<Terms> {
    let rows = w.terms().filter(terms::Column::EngagementId.is_in(engagements)).all(db).await?;
    Ok(rows.iter().map(terms_of).fold(Terms::DEFAULT, Terms::stricter))
}

/// An agency's engagements with CSPs in force, each with its terms.
pub async fn terms_list(db: &DatabaseConnection, w: &ChangeWriter, today: Date) -> ServiceResult<Vec<TermsRow>> {
    require_agency(w)?;
    let engagements = w.csp_engagements(today).all(db).await?;
    let set = w.terms().filter(terms::Column::EngagementId.is_in(engagements.iter().map(|e| e.id))).all(db).await?;
    let names = org_names(db, engagements.iter().map(|e| e.provider_id).collect::<Vec<_>>()).await?;
    let mut rows: Vec<TermsRow> = engagements
        .iter()
        .map(|e| {
            let t = set.iter().find(|t| t.engagement_id == e.id).map(terms_of);
            TermsRow { engagement_id: e.id, csp: names.get(&e.provider_id).cloned().unwrap_or_default(), terms: t.unwrap_or_default(), own: t.is_some_and(|t| t != Terms::DEFAULT) }
        })
        .collect();
    rows.sort_by(|a, b| a.csp.cmp(&b.csp));
    Ok(rows)
}

/// Sets an engagement's notice terms (the agency's side of the contract): each at least as strict
/// as the default.
pub async fn set_terms(db: &DatabaseConnection, by: &Acting<'_>, w: &ChangeWriter, engagement_id: Uuid, input: &TermsInput) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let today = time_fmt::date_in_zone(now, time_fmt::DEFAULT_TIME_ZONE);
    require_agency(w)?;
    let mut f = Fields::new();
    let mut num = |field: &'static str, text: &str, default: u16| -> Option<u16> {
        let parsed = match text.trim() {
            "" => Ok(default),
            t => t.parse::<u16>().map_err(|_| Msg::ChErrWholeNumber),
        };
        f.check(field, parsed)
    };
    let d = Terms::DEFAULT;
    let t = (|| {
        Some(Terms {
            initial_bd: num("initial_bd", &input.initial_bd, d.initial_bd)?,
            final_bd: num("final_bd", &input.final_bd, d.final_bd)?,
            interruption_hours: num("interruption_hours", &input.interruption_hours, d.interruption_hours)?,
            after_bd: num("after_bd", &input.after_bd, d.after_bd)?,
            assessment_bd: num("assessment_bd", &input.assessment_bd, d.assessment_bd)?,
            adaptive_bd: num("adaptive_bd", &input.adaptive_bd, d.adaptive_bd)?,
        })
    })();
    if let Some(t) = t {
        match t.check() {
            Ok(()) => {}
            Err(TermsError::Shorter(field)) => f.refuse(field, Msg::ChErrTermsShorter),
            Err(TermsError::Longer(field)) => f.refuse(field, Msg::ChErrTermsLonger),
            Err(TermsError::OutOfRange(field)) => f.refuse(field, Msg::ChErrTermsRange),
        }
    }
    let t = f.finish_with(|| t)?;
    let txn = write_txn(db).await?;
    // Only an engagement with a CSP in force, the agency's own: any other is "not found".
    let engagement = w
        .csp_engagements(today)
        .filter(crate::tenancy::entity::engagement::Column::Id.eq(engagement_id))
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let existing = w.terms().filter(terms::Column::EngagementId.eq(engagement.id)).one(&txn).await?;
    let v = |n: u16| i16::try_from(n).unwrap_or(i16::MAX);
    let is_new = existing.is_none();
    let mut a = match existing {
        Some(row) => row.into_active_model(),
        None => terms::ActiveModel { engagement_id: Set(engagement.id), ..Default::default() },
    };
    a.initial_bd = Set(v(t.initial_bd));
    a.final_bd = Set(v(t.final_bd));
    a.interruption_hours = Set(v(t.interruption_hours));
    a.after_bd = Set(v(t.after_bd));
    a.assessment_bd = Set(v(t.assessment_bd));
    a.adaptive_bd = Set(v(t.adaptive_bd));
    a.updated_by = Set(actor.person_id);
    a.updated_at = Set(now);
    // The key is the engagement's, always set: `save` would take a new row for an update.
    if is_new {
        a.insert(&txn).await?;
    } else {
        a.update(&txn).await?;
    }
    AuditEntry::by(
        actor,
        meta,
        AuditAction::ChangeTermsSet,
        format!("engagement {}", engagement.id),
        format!(
            "initial={} final={} interruption_h={} after={} assessment={} adaptive={}",
            t.initial_bd, t.final_bd, t.interruption_hours, t.after_bd, t.assessment_bd, t.adaptive_bd
        ),
    )
    .record(&txn, now)
    .await?;
    epoch::commit_change(txn).await?;
    Ok(())
}

/// Refuses anyone but an agency: the notice terms are the customer's side of the contract.
fn require_agency(w: &ChangeWriter) -> ServiceResult<()> {
    if w.kind() == crate::domain::OrgKind::Agency {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// A required or optional text of at most `max` characters.
pub(crate) fn short(f: &mut Fields, field: &'static str, text: &str, max: usize, required: bool) -> Option<String> {
    let text = text.trim();
    let parsed = if required && text.is_empty() {
        Err(Msg::ChErrRequired)
    } else if text.chars().count() > max {
        Err(Msg::ChErrTooLong)
    } else {
        Ok(text.to_string())
    };
    f.check(field, parsed)
}

pub(crate) fn title(f: &mut Fields, field: &'static str, text: &str) -> Option<String> {
    short(f, field, text, MAX_TITLE_CHARS, true)
}

pub(crate) fn long(f: &mut Fields, field: &'static str, text: &str, required: bool) -> Option<String> {
    short(f, field, text, MAX_TEXT_CHARS, required)
}

/// `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), &format).ok()
}

/// An instant typed on the viewer's clock (or RFC 3339 from the API).
pub(crate) fn instant(f: &mut Fields, field: &'static str, text: &str, zone: &str) -> Option<OffsetDateTime> {
    f.check(field, time_fmt::parse_in_zone(text, zone).ok_or(Msg::ChErrDateTime))
}

/// A day as everyone reads it.
pub fn day(d: Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    d.format(&format).unwrap_or_default()
}

/// An instant as the viewer reads it.
pub fn shown(at: OffsetDateTime, zone: &str) -> String {
    time_fmt::format_in_zone(at, zone)
}
