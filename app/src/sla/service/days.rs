//! The per-day aggregates a month or a year sums: after any record changes, the days it touched
//! (before and after the change) are computed anew from the engagement's ended, undisputed
//! records, in the zone of its latest accepted agreement.
use std::collections::HashMap;

use jiff::{civil, tz::TimeZone, ToSpan};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    backend::{ServiceError, ServiceResult},
    sla::{
        entity::{day, record, version},
        rules::{self, civil_of, date_of, day_tallies, midnight, Counted, Stretch},
        scope::of_engagement,
        RecordClass, RecordKind, Review,
    },
    tenancy::entity::engagement,
};

/// An instant beyond any engagement (9999-12-31): "to the end of the SLA's span".
pub const FAR: i64 = 253_402_300_799;

/// The zone an agreement's months are read in (a bad name, which the edge never stores, as UTC).
pub fn zone_of(v: &version::Model) -> TimeZone {
    TimeZone::get(&v.zone).unwrap_or(TimeZone::UTC)
}

/// Unix seconds of a database instant.
pub fn secs(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

/// The span an engagement's SLA counts: from its first accepted version's first day to the
/// engagement's last day (or the moment it was ended early), on the zone's wall clock.
pub fn in_force(e: &engagement::Model, first: &version::Model, zone: &TimeZone) -> Option<Stretch> {
    let start = midnight(civil_of(first.effective_from), zone);
    let last = civil_of(e.ends_on).checked_add(1.day()).ok()?;
    let mut end = midnight(last, zone);
    if let Some(ended) = e.ended_at {
        end = end.min(secs(ended));
    }
    Stretch::new(start, end)
}

/// The span a record counts over, if it has ended (a fault resolved without an end typed ends
/// when it was resolved).
pub fn record_stretch(r: &record::Model) -> Option<Stretch> {
    let end = r.ended_at.or(if r.kind == RecordKind::Fault.code() { r.resolved_at } else { None })?;
    Stretch::new(secs(r.started_at), secs(end))
}

/// A record as the rules read it, with its websites.
fn counted(r: &record::Model, sites: &HashMap<Uuid, Vec<Uuid>>) -> Option<Counted<Uuid>> {
    Some(Counted {
        kind: RecordKind::parse(&r.kind)?,
        class: RecordClass::parse(&r.class)?,
        stretch: record_stretch(r)?,
        websites: sites.get(&r.id).cloned().unwrap_or_default(),
    })
}

/// The websites of each record.
pub async fn sites_of<C: ConnectionTrait>(conn: &C, ids: Vec<Uuid>) -> ServiceResult<HashMap<Uuid, Vec<Uuid>>> {
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for s in of_engagement::record_sites(chunk.to_vec()).all(conn).await? {
            out.entry(s.record_id).or_default().push(s.website_id);
        }
    }
    Ok(out)
}

/// The days `spans` touch, computed anew for engagement `e` (found through a capability or by
/// the month's job). Nothing is kept before an agreement is accepted; accepting one computes its
/// span's days.
pub async fn refresh<C: ConnectionTrait>(conn: &C, e: &engagement::Model, spans: &[Stretch]) -> ServiceResult<()> {
    let versions = of_engagement::accepted(e.id).all(conn).await?;
    let (Some(first), Some(latest)) = (versions.first(), versions.last()) else { return Ok(()) };
    let zone = zone_of(latest);
    let Some(in_force) = in_force(e, first, &zone) else { return Ok(()) };
    for span in spans {
        let Some(span) = span.clip(in_force) else { continue };
        let (first_day, last_day) = (day_at(span.start, &zone), day_at(span.end - 1, &zone));
        let after_last = last_day.checked_add(1.day()).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let window = Stretch { start: midnight(first_day, &zone), end: midnight(after_last, &zone) };
        day::Entity::delete_many()
            .filter(day::Column::EngagementId.eq(e.id))
            .filter(day::Column::Day.gte(date_of(first_day)))
            .filter(day::Column::Day.lte(date_of(last_day)))
            .exec(conn)
            .await?;
        let records: Vec<record::Model> = of_engagement::records(e.id)
            .filter(record::Column::StartedAt.lt(at(window.end)?))
            .filter(record::Column::Review.ne(Review::Disputed.code()))
            .all(conn)
            .await?
            .into_iter()
            .filter(|r| record_stretch(r).is_some_and(|s| s.end > window.start))
            .collect();
        if records.is_empty() {
            continue;
        }
        let sites = sites_of(conn, records.iter().map(|r| r.id).collect()).await?;
        let counted: Vec<Counted<Uuid>> = records.iter().filter_map(|r| counted(r, &sites)).collect();
        let websites: Vec<Uuid> = of_engagement::websites(e.id).all(conn).await?.into_iter().map(|w| w.website_id).collect();
        let rows: Vec<day::ActiveModel> = day_tallies(&websites, &counted, in_force, &rules::days(window, &zone))
            .into_iter()
            .map(|(d, a, t)| day::ActiveModel {
                engagement_id: Set(e.id),
                day: Set(date_of(d)),
                class: Set(a.code().into()),
                scheduled: Set(t.scheduled),
                down: Set(t.down),
                maint: Set(t.maint),
                overlap: Set(t.overlap),
                any_down: Set(t.any_down),
                any_all: Set(t.any_all),
            })
            .collect();
        for chunk in rows.chunks(200) {
            day::Entity::insert_many(chunk.to_vec()).exec(conn).await?;
        }
    }
    Ok(())
}

/// The day holding an instant on the zone's wall clock.
fn day_at(t: i64, zone: &TimeZone) -> civil::Date {
    jiff::Timestamp::from_second(t).map(|t| zone.to_datetime(t).date()).unwrap_or_default()
}

/// An instant for the database.
pub fn at(t: i64) -> ServiceResult<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(t).map_err(|e| ServiceError::Internal(e.to_string()))
}
