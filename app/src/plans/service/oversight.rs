//! What the regulator's oversight reads of emergency response: each agency's open incidents with
//! their level and age, its incidents reported late, and its overdue drills and plan reviews.
use std::collections::HashMap;

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, QueryFilter, QuerySelect};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{
    backend::{epoch::Caches, ServiceResult},
    plans::{entity::incident, scope::ErReader, IncidentStatus, Level},
};

/// An incident counts as reported late for this long after it was opened (a closed one too).
pub const LATE_REPORT_WINDOW_DAYS: i64 = 30;

/// One agency's incidents as the oversight reads them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IncidentFacts {
    /// Open (not closed) incidents: level 1 (I) to 4 with whole days open.
    pub open: Vec<(u8, u32)>,
    /// Incidents opened in the last [`LATE_REPORT_WINDOW_DAYS`] days, or still open, whose report
    /// to the CSP or to the regulator came (or is) after its deadline.
    pub late_reports: u32,
}

fn late(due: Option<OffsetDateTime>, done: Option<OffsetDateTime>, now: OffsetDateTime) -> bool {
    match (due, done) {
        (Some(due), Some(done)) => done > due,
        (Some(due), None) => now > due,
        _ => false,
    }
}

/// Every agency's incidents in reach that the oversight weighs, by agency.
pub async fn oversight_incidents<C: ConnectionTrait>(
    db: &C,
    reader: &ErReader,
    now: OffsetDateTime,
) -> ServiceResult<HashMap<Uuid, IncidentFacts>> {
    type Narrow = (Uuid, String, String, OffsetDateTime, Option<OffsetDateTime>, Option<OffsetDateTime>, Option<OffsetDateTime>, Option<OffsetDateTime>);
    let since = now - Duration::days(LATE_REPORT_WINDOW_DAYS);
    let rows: Vec<Narrow> = reader
        .incidents()
        .filter(
            Condition::any()
                .add(incident::Column::Status.ne(IncidentStatus::Closed.code()))
                .add(incident::Column::OpenedAt.gte(since)),
        )
        .select_only()
        .column(incident::Column::AgencyId)
        .column(incident::Column::Level)
        .column(incident::Column::Status)
        .column(incident::Column::OpenedAt)
        .column(incident::Column::CspDueAt)
        .column(incident::Column::ReportedCspAt)
        .column(incident::Column::RegulatorDueAt)
        .column(incident::Column::ReportedRegulatorAt)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, IncidentFacts> = HashMap::new();
    for (agency, level, status, opened, csp_due, csp_done, reg_due, reg_done) in rows {
        let f = out.entry(agency).or_default();
        if status != IncidentStatus::Closed.code() {
            let level = Level::ALL.iter().position(|l| l.code() == level).map_or(4, |i| i as u8 + 1);
            let days = ((now - opened).whole_days()).max(0) as u32;
            f.open.push((level, days));
        }
        if late(csp_due, csp_done, now) || late(reg_due, reg_done, now) {
            f.late_reports += 1;
        }
    }
    Ok(out)
}

/// One agency's drills and plans as the oversight reads them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DrillFacts {
    /// Kinds of drill whose interval has run out.
    pub drills_overdue: u32,
    /// Plans past their review (or never approved).
    pub plans_overdue: u32,
}

/// Every agency's overdue drills and plan reviews in reach, from the drill overview (the same
/// computation and cache as the regulator's drill page).
pub async fn oversight_drills(
    db: &DatabaseConnection,
    caches: &Caches,
    reader: &ErReader,
    today: Date,
) -> ServiceResult<HashMap<Uuid, DrillFacts>> {
    let all = super::drills::overview_kept(db, caches, reader, today).await?;
    Ok(all
        .iter()
        .map(|r| {
            (r.agency.id, DrillFacts { drills_overdue: r.overdue.len() as u32, plans_overdue: r.plans_overdue })
        })
        .collect())
}

/// When each incident in reach opened since `from` (the oversight's trend counts them by month).
pub async fn oversight_incident_openings<C: ConnectionTrait>(
    db: &C,
    reader: &ErReader,
    from: OffsetDateTime,
) -> ServiceResult<Vec<OffsetDateTime>> {
    Ok(reader
        .incidents()
        .filter(incident::Column::OpenedAt.gte(from))
        .select_only()
        .column(incident::Column::OpenedAt)
        .into_tuple()
        .all(db)
        .await?)
}

/// The day of each drill in reach held since `from`.
pub async fn oversight_drill_days<C: ConnectionTrait>(db: &C, reader: &ErReader, from: Date) -> ServiceResult<Vec<Date>> {
    use crate::plans::entity::drill;
    Ok(reader
        .drills()
        .filter(drill::Column::HeldOn.gte(from))
        .select_only()
        .column(drill::Column::HeldOn)
        .into_tuple()
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_report_is_late_after_its_deadline_sent_or_not() {
        let now = datetime!(2026-12-07 12:00 UTC);
        let due = Some(datetime!(2026-12-07 10:00 UTC));
        assert!(!late(None, None, now), "no deadline: never late");
        assert!(late(due, None, now), "unsent past the deadline");
        assert!(!late(Some(datetime!(2026-12-07 13:00 UTC)), None, now), "unsent, still in time");
        assert!(late(due, Some(datetime!(2026-12-07 11:00 UTC)), now));
        assert!(!late(due, Some(datetime!(2026-12-07 09:00 UTC)), now));
    }
}
