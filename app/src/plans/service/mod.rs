//! Emergency response's services, one file per concern: plans and their versions with the
//! providers' contacts, drills with their grid and follow-up actions; this file holds what they
//! share — the edge's parsing of texts, dates and choices into types.
use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{Named, MAX_TEXT_CHARS, MAX_TITLE_CHARS};
use crate::{
    backend::{error::Fields, time_fmt, ServiceResult},
    i18n::Msg,
    tenancy::scope::{org_names, person_names},
};

mod digest;
mod drills;
mod improvement;
mod incidents;
mod oversight;
mod plans;
pub use digest::*;
pub use drills::*;
pub use improvement::*;
pub use incidents::*;
pub use oversight::*;
pub use plans::*;

/// A required title: trimmed, at most [`MAX_TITLE_CHARS`].
pub(crate) fn title(fields: &mut Fields, field: &'static str, text: &str) -> Option<String> {
    let text = text.trim();
    let parsed = if text.is_empty() {
        Err(Msg::ErrNameRequired)
    } else if text.chars().count() > MAX_TITLE_CHARS {
        Err(Msg::ErTitleTooLong)
    } else {
        Ok(text.to_string())
    };
    fields.check(field, parsed)
}

/// A free text: trimmed, at most [`MAX_TEXT_CHARS`]; required when asked.
pub(crate) fn long_text(fields: &mut Fields, field: &'static str, text: &str, required: bool) -> Option<String> {
    let text = text.trim();
    let parsed = if required && text.is_empty() {
        Err(Msg::ErTextRequired)
    } else if text.chars().count() > MAX_TEXT_CHARS {
        Err(Msg::ErTextTooLong)
    } else {
        Ok(text.to_string())
    };
    fields.check(field, parsed)
}

/// A short text of at most `max` characters (a name, a phone).
pub(crate) fn short_text(fields: &mut Fields, field: &'static str, text: &str, max: usize, required: bool) -> Option<String> {
    let text = text.trim();
    let parsed = if required && text.is_empty() {
        Err(Msg::ErTextRequired)
    } else if text.chars().count() > max {
        Err(Msg::ErTextTooLong)
    } else {
        Ok(text.to_string())
    };
    fields.check(field, parsed)
}

/// `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), &format).ok()
}

/// A date typed into a form, or the field refused.
pub(crate) fn date_field(fields: &mut Fields, field: &'static str, text: &str) -> Option<Date> {
    fields.check(field, parse_date(text).ok_or(Msg::ErDate))
}

/// An id typed into a form (empty: none), or the field refused with `msg`.
pub(crate) fn optional_id(fields: &mut Fields, field: &'static str, text: &str, msg: Msg) -> Option<Option<Uuid>> {
    match text.trim() {
        "" => Some(None),
        t => fields.check(field, t.parse::<Uuid>().map(Some).map_err(|_| msg)),
    }
}

/// A whole number of months from 1 to the longest interval (empty: `default`).
pub(crate) fn months_field(fields: &mut Fields, field: &'static str, text: &str, default: u32) -> Option<u32> {
    let parsed = match text.trim() {
        "" => Ok(default),
        t => t.parse::<u32>().ok().filter(|m| (1..=super::rules::MAX_INTERVAL_MONTHS).contains(m)).ok_or(Msg::ErMonths),
    };
    fields.check(field, parsed)
}

/// An instant as the viewer reads it.
pub fn shown(at: OffsetDateTime, zone: &str) -> String {
    time_fmt::format_in_zone(at, zone)
}

/// A day as everyone reads it.
pub fn day(d: Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    d.format(&format).unwrap_or_default()
}

/// Names of organisations and people for rows in reach, read in two queries.
pub(crate) struct Names {
    pub orgs: HashMap<Uuid, String>,
    pub people: HashMap<Uuid, String>,
}

impl Names {
    /// (Ids collected before the call: an iterator borrowing rows would be held across the await.)
    pub async fn read<C: ConnectionTrait>(db: &C, orgs: Vec<Uuid>, people: Vec<Uuid>) -> ServiceResult<Names> {
        Ok(Names { orgs: org_names(db, orgs).await?, people: person_names(db, people).await? })
    }

    pub fn org(&self, id: Uuid) -> Named {
        Named { id, name: self.orgs.get(&id).cloned().unwrap_or_default() }
    }

    pub fn person(&self, id: Uuid) -> String {
        self.people.get(&id).cloned().unwrap_or_default()
    }
}
