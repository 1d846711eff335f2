//! What the regulator's oversight reads of duty rosters: each agency's uncovered hours in special
//! periods under way or coming within a fortnight (as the duty job last found them), and who is
//! on duty at its desks now.
use sea_orm::QuerySelect;
use time::Duration;

use super::*;
use crate::rosters::{
    entity::{roster, special, stood},
    scope::RosterReader,
};

/// One agency's desks as the oversight reads them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CoverFacts {
    /// Desks (rosters not archived).
    pub desks: u32,
    /// Desks with a primary on duty now.
    pub staffed: u32,
    /// Whole hours (rounded up) nobody covers in special periods under way or starting within
    /// [`FLAG_DAYS_BEFORE`] days.
    pub uncovered_hours: u32,
    /// The primaries on duty now, by name.
    pub on_duty: Vec<String>,
}

/// Every agency's desks in reach, by organisation.
pub async fn oversight_cover<C: ConnectionTrait>(
    db: &C,
    reader: &RosterReader,
    now: OffsetDateTime,
) -> ServiceResult<HashMap<Uuid, CoverFacts>> {
    let rosters: Vec<(Uuid, Uuid)> = reader
        .rosters()
        .filter(roster::Column::ArchivedAt.is_null())
        .select_only()
        .column(roster::Column::Id)
        .column(roster::Column::OrganisationId)
        .into_tuple()
        .all(db)
        .await?;
    let owner: HashMap<Uuid, Uuid> = rosters.iter().copied().collect();
    let mut out: HashMap<Uuid, CoverFacts> = HashMap::new();
    for (_, org) in &rosters {
        out.entry(*org).or_default().desks += 1;
    }
    let gaps: Vec<(Uuid, Option<i64>)> = reader
        .specials()
        .filter(special::Column::GapSeconds.gt(0))
        .filter(special::Column::EndsAt.gt(now))
        .filter(special::Column::StartsAt.lt(now + Duration::days(FLAG_DAYS_BEFORE)))
        .select_only()
        .column(special::Column::RosterId)
        .column(special::Column::GapSeconds)
        .into_tuple()
        .all(db)
        .await?;
    let mut seconds: HashMap<Uuid, i64> = HashMap::new();
    for (roster_id, gap) in gaps {
        if let Some(org) = owner.get(&roster_id) {
            *seconds.entry(*org).or_default() += Ord::max(gap.unwrap_or(0), 0);
        }
    }
    for (org, s) in seconds {
        out.entry(org).or_default().uncovered_hours = u32::try_from((s + 3_599) / 3_600).unwrap_or(u32::MAX);
    }
    // Who stands primary now, per desk: the open rows the duty job keeps (read in one query over
    // the reach, not per desk).
    let open: Vec<(Uuid, Uuid)> = reader
        .duty_under_way_everywhere()
        .filter(stood::Column::Layer.eq("primary"))
        .select_only()
        .column(stood::Column::RosterId)
        .column(stood::Column::PersonId)
        .into_tuple()
        .all(db)
        .await?;
    let names = people_refs(db, open.iter().map(|(_, p)| *p)).await?;
    let mut staffed: HashMap<Uuid, BTreeSet<Uuid>> = HashMap::new();
    for (roster_id, person) in open {
        let Some(org) = owner.get(&roster_id) else { continue };
        staffed.entry(*org).or_default().insert(roster_id);
        let f = out.entry(*org).or_default();
        if let Some(name) = names.get(&person).filter(|n| !f.on_duty.contains(n)) {
            f.on_duty.push(name.clone());
        }
    }
    for (org, desks) in staffed {
        out.entry(org).or_default().staffed = desks.len() as u32;
    }
    for f in out.values_mut() {
        f.on_duty.sort();
    }
    Ok(out)
}
