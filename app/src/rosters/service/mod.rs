//! Rosters' services, one file per concern: setting rosters up (rosters, rotations, overrides,
//! special periods) and reading them (timelines, gaps, who is on duty now); this file holds what
//! they share — the edge's parsing and the roster's rules built from its rows.
use std::collections::{BTreeSet, HashMap};

use jiff::{civil, tz::TimeZone, Timestamp};
use sea_orm::{sea_query::ExprTrait, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    entity::{member, offer, override_, roster, rotation, special},
    rules::{self, Change, Clock, Days, Hours, Layer, Pattern, Span},
    PersonRef,
};
use crate::{
    backend::{ServiceError, ServiceResult},
    i18n::Msg,
    tenancy::scope::person_names,
};

mod calendar;
mod duty;
mod oversight;
mod setup;
mod stood;
mod views;
pub use calendar::*;
pub use duty::*;
pub use oversight::*;
pub use setup::*;
pub use stood::*;
pub use views::*;

/// An instant of the database as the rules read it.
pub fn to_rules(t: OffsetDateTime) -> Timestamp {
    Timestamp::from_nanosecond(t.unix_timestamp_nanos()).unwrap_or(Timestamp::MIN)
}

/// An instant of the rules as the database keeps it.
pub fn to_db(t: Timestamp) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(t.as_nanosecond()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn civil_date(d: time::Date) -> civil::Date {
    civil::Date::new(d.year() as i16, u8::from(d.month()) as i8, d.day() as i8).unwrap_or(civil::Date::MIN)
}

fn db_date(d: civil::Date) -> Option<time::Date> {
    let month = time::Month::try_from(d.month() as u8).ok()?;
    time::Date::from_calendar_date(i32::from(d.year()), month, d.day() as u8).ok()
}

/// The zone a roster keeps (the portal's when the stored name is unknown).
pub fn zone_of(name: &str) -> TimeZone {
    TimeZone::get(name)
        .or_else(|_| TimeZone::get(crate::backend::time_fmt::DEFAULT_TIME_ZONE))
        .unwrap_or(TimeZone::UTC)
}

/// Reads `YYYY-MM-DDTHH:MM` (a browser's `datetime-local`, or with a space) on the wall clock of
/// `zone`.
pub fn parse_local(text: &str, zone: &TimeZone) -> Option<Timestamp> {
    let text = text.trim().replacen(' ', "T", 1);
    let dt: civil::DateTime = text.parse().ok()?;
    zone.to_ambiguous_timestamp(dt).compatible().ok()
}

/// Reads `YYYY-MM-DD`.
pub fn parse_day(text: &str) -> Option<civil::Date> {
    let text = text.trim();
    (text.len() == 10).then(|| text.parse().ok()).flatten()
}

/// Writes an instant on the wall clock of `zone`, to the minute (`YYYY-MM-DD HH:MM`).
pub fn local(t: Timestamp, zone: &TimeZone) -> String {
    zone.to_datetime(t).strftime("%Y-%m-%d %H:%M").to_string()
}

/// The `datetime-local` form of an instant in `zone` (`YYYY-MM-DDTHH:MM`).
pub fn local_input(t: Timestamp, zone: &TimeZone) -> String {
    zone.to_datetime(t).strftime("%Y-%m-%dT%H:%M").to_string()
}

pub fn layer_code(l: Layer) -> &'static str {
    match l {
        Layer::Primary => "primary",
        Layer::Backup => "backup",
    }
}

pub fn parse_layer(code: &str) -> Option<Layer> {
    match code.trim() {
        "" | "primary" => Some(Layer::Primary),
        "backup" => Some(Layer::Backup),
        _ => None,
    }
}

/// A layer typed into a form, or the field refused.
fn layer_field(text: &str, refused: &mut Vec<crate::backend::error::FieldError>) -> Option<Layer> {
    let layer = parse_layer(text);
    if layer.is_none() {
        refused.push(crate::backend::error::FieldError::new("layer", Msg::ErrDutyLayer));
    }
    layer
}

/// A person's id typed into a form, or the field refused (whether a colleague is checked after).
fn person_field(field: &'static str, text: &str, refused: &mut Vec<crate::backend::error::FieldError>) -> Option<Uuid> {
    let person = text.trim().parse::<Uuid>().ok();
    if person.is_none() {
        refused.push(crate::backend::error::FieldError::new(field, Msg::ErrDutyNotColleague));
    }
    person
}

/// A roster's required cover as stored: `none`, `always`, or hours.
pub fn cover_hours(code: &str) -> Option<Hours> {
    match code {
        "none" => None,
        "always" => Some(Hours::always()),
        hours => Hours::parse(hours),
    }
}

/// A rotation version's rules.
fn rotation_rules(r: &rotation::Model, members: &[member::Model], zone: &TimeZone) -> Option<rules::Rotation> {
    let pattern = match r.pattern.as_str() {
        "daily" => Pattern::Daily,
        "weekly" => Pattern::Weekly,
        "every_days" => Pattern::EveryDays(u16::try_from(r.every_days?).ok()?),
        "weekdays" => Pattern::OnWeekdays(Days::from_bits(u8::try_from(r.weekdays).ok()?)),
        _ => return None,
    };
    let mut members: Vec<&member::Model> = members.iter().filter(|m| m.rotation_id == r.id).collect();
    members.sort_by_key(|m| m.position);
    Some(rules::Rotation {
        id: r.id,
        layer: parse_layer(&r.layer)?,
        zone: zone.clone(),
        anchor: civil_date(r.anchor),
        handoff: Clock::parse(&r.handoff)?,
        pattern,
        members: members
            .into_iter()
            .map(|m| rules::Member {
                person: m.person_id,
                joins: m.joins.map(civil_date),
                leaves: m.leaves.map(civil_date),
            })
            .collect(),
        hours: Hours::parse(&r.hours)?,
        from: to_rules(r.valid_from),
        until: r.valid_until.map(to_rules),
    })
}

/// An override's rules.
fn override_rules(o: &override_::Model) -> Option<rules::Override> {
    let change = match (o.kind.as_str(), o.replaces_id) {
        ("add", _) => Change::Add(o.person_id),
        ("remove", _) => Change::Remove(o.person_id),
        ("replace", Some(from)) => Change::Replace { from, to: o.person_id },
        _ => return None,
    };
    Some(rules::Override {
        id: o.id,
        layer: parse_layer(&o.layer)?,
        span: Span::new(to_rules(o.starts_at), to_rules(o.ends_at))?,
        change,
    })
}

/// A roster row with everything that decides who is on its duty over a window.
pub struct Loaded {
    pub roster: roster::Model,
    pub zone: TimeZone,
    pub rules: rules::Roster,
    /// The cover required on ordinary days (none: only special periods ask for any).
    pub cover: Option<Hours>,
    /// The rotation versions' names, by version id (a calendar names the rotation of a shift).
    pub rotation_names: HashMap<Uuid, String>,
}

impl Loaded {
    /// The roster over `window`: stretches, required cover and gaps.
    /// Nothing is required of a roster before it was set up: a desk has no gaps in a past it
    /// did not exist in.
    pub fn resolve(&self, window: Span) -> (Vec<rules::Segment>, Vec<Span>, Vec<rules::Gap>) {
        let segments = self.rules.resolve(window);
        let since = Span { start: to_rules(self.roster.created_at), end: Timestamp::MAX };
        let required: Vec<Span> = rules::required(self.cover.as_ref(), &self.zone, &self.rules.specials, window)
            .into_iter()
            .filter_map(|s| s.clip(since))
            .collect();
        // Shorter than the minute the pages show (a desk set up a moment before its first
        // rotation): not a gap anyone could act on.
        let gaps = rules::gaps(&segments, &required).into_iter().filter(|g| g.span.seconds() >= 60).collect();
        (segments, required, gaps)
    }
}

/// Reads what decides `roster`'s duty over `window` (the versions, overrides, taken shifts and
/// special periods that touch it). The roster row came through a capability.
pub async fn load<C: ConnectionTrait>(db: &C, roster: roster::Model, window: Span) -> ServiceResult<Loaded> {
    let zone = zone_of(&roster.time_zone);
    let rows = crate::rosters::scope::rows_of(&roster);
    let (start, end) = (to_db(window.start), to_db(window.end));
    let versions = rows.rotations()
        .filter(rotation::Column::ValidFrom.lt(end))
        .filter(rotation::Column::ValidUntil.is_null().or(rotation::Column::ValidUntil.gt(start)))
        .order_by_asc(rotation::Column::CreatedAt)
        .all(db)
        .await?;
    let members = rows.members(versions.iter().map(|v| v.id))
        .all(db)
        .await?;
    let overrides = rows.overrides()
        .filter(override_::Column::WithdrawnAt.is_null())
        .filter(override_::Column::StartsAt.lt(end))
        .filter(override_::Column::EndsAt.gt(start))
        .all(db)
        .await?;
    let taken = rows.offers()
        .filter(offer::Column::State.eq("taken"))
        .filter(offer::Column::StartsAt.lt(end))
        .filter(offer::Column::EndsAt.gt(start))
        .all(db)
        .await?;
    let specials = rows.specials()
        .filter(special::Column::StartsAt.lt(end))
        .filter(special::Column::EndsAt.gt(start))
        .all(db)
        .await?;
    let shifts = rows.fixed_shifts(specials.iter().map(|s| s.id))
        .all(db)
        .await?;
    let rules = rules::Roster {
        rotations: versions.iter().filter_map(|v| rotation_rules(v, &members, &zone)).collect(),
        swaps: taken
            .iter()
            .filter_map(|o| {
                Some(rules::Swap {
                    id: o.id,
                    layer: parse_layer(&o.layer)?,
                    span: Span::new(to_rules(o.starts_at), to_rules(o.ends_at))?,
                    from: o.person_id,
                    to: o.taken_by?,
                })
            })
            .collect(),
        overrides: overrides.iter().filter_map(override_rules).collect(),
        specials: specials
            .iter()
            .filter_map(|p| {
                Some(rules::SpecialPeriod {
                    id: p.id,
                    span: Span::new(to_rules(p.starts_at), to_rules(p.ends_at))?,
                    round_the_clock: p.round_the_clock,
                    report_every_hours: p.report_every_hours.and_then(|h| u16::try_from(h).ok()),
                    shifts: shifts
                        .iter()
                        .filter(|s| s.special_id == p.id)
                        .filter_map(|s| {
                            Some(rules::FixedShift {
                                person: s.person_id,
                                layer: parse_layer(&s.layer)?,
                                span: Span::new(to_rules(s.starts_at), to_rules(s.ends_at))?,
                            })
                        })
                        .collect(),
                })
            })
            .collect(),
    };
    let cover = cover_hours(&roster.cover);
    let rotation_names = versions.iter().map(|v| (v.id, v.name.clone())).collect();
    Ok(Loaded { roster, zone, rules, cover, rotation_names })
}

/// The people named in `sets`, by id, as a page shows them.
async fn people_refs<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> ServiceResult<HashMap<Uuid, String>> {
    let ids: BTreeSet<Uuid> = ids.into_iter().collect();
    person_names(db, ids).await
}

fn refs(set: &BTreeSet<Uuid>, names: &HashMap<Uuid, String>) -> Vec<PersonRef> {
    let mut out: Vec<PersonRef> =
        set.iter().map(|id| PersonRef { id: *id, name: names.get(id).cloned().unwrap_or_default() }).collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// A refused rule as a refused field.
fn refused(field: &'static str, r: rules::Refusal) -> ServiceError {
    use rules::Refusal as R;
    let msg = match r {
        R::EndsBeforeStart => Msg::ErrDutyEndsBeforeStart,
        R::SamePerson => Msg::ErrDutySamePerson,
        R::Conflicts(_) => Msg::ErrDutyOverrideConflict,
        R::ChangesNothing => Msg::ErrDutyChangesNothing,
        R::NoPeople => Msg::ErrDutyNoPeople,
        R::BadStep => Msg::ErrDutyEveryDays,
        R::NoDays => Msg::ErrDutyNoDays,
        R::InThePast => Msg::ErrDutyInThePast,
        R::OwnOffer => Msg::ErrDutyOwnOffer,
        R::NotOnDuty => Msg::ErrDutyNotOnDuty,
        R::AlreadyOnDuty => Msg::ErrDutyAlreadyOnDuty,
    };
    ServiceError::invalid(field, msg)
}
