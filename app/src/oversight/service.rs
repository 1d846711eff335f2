//! The board: every module's facts per agency gathered once per jurisdiction (each through that
//! module's own reader), scored, kept across writes, then filtered, sorted, grouped and paged for
//! each request; and its CSV.
use std::{
    cmp::Ordering,
    collections::{BTreeMap, HashMap},
    sync::Arc,
};

use sea_orm::{DatabaseConnection, QueryOrder, QuerySelect};
use time::{Date, Month as CalMonth, OffsetDateTime};
use uuid::Uuid;

use super::{
    rules::{self, Facts, OpenIncident, WEIGHTS},
    scope::OversightReader,
    phases_text, reason_text, Board, BoardGroup, BoardQuery, BoardRow, Has, Named, SortKey, Totals, Trend, PAGE_ROWS,
};
use crate::{
    backend::{
        csv_export::CsvExport,
        epoch::Caches,
        time_fmt::{date_in_zone, format_in_zone, start_of_day_in_zone},
        ServiceError, ServiceResult,
    },
    i18n::{Locale, Msg},
    tenancy::entity::organisation,
};

/// A board is recomputed at most this often while writes come in (the page says so).
pub const REFRESH_SECONDS: i64 = 5;
/// And at least this often without writes: overdue-ness and days open move with the clock.
pub const MAX_AGE_SECONDS: i64 = 60;

/// Every agency of a jurisdiction with its facts and score, by name, and the tree to group them.
pub struct Snapshot {
    rows: Vec<BoardRow>,
    /// The jurisdiction's regulators: name and parent.
    regulators: HashMap<Uuid, (String, Option<Uuid>)>,
    /// Each agency's own regulator.
    regulator_of: HashMap<Uuid, Uuid>,
    trend: Trend,
}

/// The first day of the month `back` months before `day`'s.
pub(super) fn month_start(day: Date, back: u32) -> Date {
    let total = day.year() * 12 + i32::from(u8::from(day.month())) - 1 - back as i32;
    let month = CalMonth::try_from((total.rem_euclid(12) + 1) as u8).unwrap_or(CalMonth::January);
    Date::from_calendar_date(total.div_euclid(12), month, 1).unwrap_or(day)
}

pub(super) fn month_code(day: Date) -> String {
    format!("{:04}-{:02}", day.year(), u8::from(day.month()))
}

/// Gathers the jurisdiction's board as of `now` (the modules' reads run together).
pub async fn snapshot(
    db: &DatabaseConnection,
    caches: &Caches,
    r: &OversightReader,
    now: OffsetDateTime,
    zone: &str,
) -> ServiceResult<Snapshot> {
    use crate::{changes, exit, plans, reports, rosters, sla, tenancy};
    let today = date_in_zone(now, zone);
    let first_month = month_start(today, 11);
    // Id, name and parent regulator of the organisations a select gives, by name.
    let orgs = |select: sea_orm::Select<organisation::Entity>| async move {
        let rows: Vec<(Uuid, String, Option<Uuid>)> = select
            .select_only()
            .column(organisation::Column::Id)
            .column(organisation::Column::Name)
            .column(organisation::Column::RegulatorId)
            .order_by_asc(organisation::Column::Name)
            .order_by_asc(organisation::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        ServiceResult::Ok(rows)
    };
    let (agencies, regulators, websites, reports, incidents, drills, cover, sla, changes, exits) = tokio::try_join!(
        orgs(r.agencies()),
        orgs(r.regulators()),
        tenancy::service::websites::oversight_facts(db, &r.websites, today),
        reports::service::oversight_overdue(db, &r.reports, today),
        plans::service::oversight_incidents(db, &r.incidents, now),
        plans::service::oversight_drills(db, caches, &r.emergency, today),
        rosters::service::oversight_cover(db, &r.rosters, now),
        sla::service::oversight::oversight_breaches(db, caches, &r.sla, zone, now),
        changes::service::oversight_awaiting(db, &r.changes),
        exit::service::oversight_exits(db, &r.exits, today),
    )?;
    let from_instant = start_of_day_in_zone(first_month, zone);
    let first_code = month_code(first_month);
    let (openings, late_days, breached, drill_days) = tokio::try_join!(
        plans::service::oversight_incident_openings(db, &r.incidents, from_instant),
        reports::service::oversight_late_due_days(db, &r.reports, first_month, today),
        sla::service::oversight::oversight_breached_months(db, &r.sla, &first_code),
        plans::service::oversight_drill_days(db, &r.emergency, first_month),
    )?;
    let regulators: HashMap<Uuid, (String, Option<Uuid>)> =
        regulators.into_iter().map(|(id, name, parent)| (id, (name, parent))).collect();
    let regulator_of: HashMap<Uuid, Uuid> = agencies.iter().filter_map(|(id, _, reg)| reg.map(|g| (*id, g))).collect();
    let rows = agencies
        .into_iter()
        .map(|(id, name, regulator)| {
            let w = websites.get(&id).cloned().unwrap_or_default();
            let inc = incidents.get(&id).cloned().unwrap_or_default();
            let d = drills.get(&id).copied().unwrap_or_default();
            let c = cover.get(&id).cloned().unwrap_or_default();
            let (exits_open, exits_overdue) = exits.get(&id).copied().unwrap_or_default();
            let mut by_level = [0u32; 4];
            for (level, _) in &inc.open {
                by_level[usize::from(level.clamp(&1, &4) - 1)] += 1;
            }
            let facts = Facts {
                open_incidents: inc.open.iter().map(|(level, days_open)| OpenIncident { level: *level, days_open: *days_open }).collect(),
                late_incident_reports: inc.late_reports,
                overdue_reports: reports.get(&id).copied().unwrap_or(0),
                sla_breaches: sla.get(&id).copied().unwrap_or(0),
                overdue_exits: exits_overdue,
                uncovered_hours: c.uncovered_hours,
                overdue_drills: d.drills_overdue,
                overdue_plan_reviews: d.plans_overdue,
                changes_awaiting: changes.get(&id).copied().unwrap_or(0),
                level4_public_cloud: w.level4_public_cloud,
                trial_too_long: w.trial_overdue,
                domain_outside: w.domain_outside,
            };
            BoardRow {
                agency_id: id,
                agency: name,
                regulator: regulator.and_then(|g| regulators.get(&g)).map(|(n, _)| n.clone()).unwrap_or_default(),
                websites: w.websites,
                top_level: w.top_level,
                phases: w.phases,
                level4_public_cloud: w.level4_public_cloud,
                domain_outside: w.domain_outside,
                trial_overdue: w.trial_overdue,
                reports_overdue: facts.overdue_reports,
                incidents: by_level,
                grave_days: inc.open.iter().filter(|(l, _)| *l <= 2).map(|(_, d)| *d).max(),
                late_reports: inc.late_reports,
                drills_overdue: d.drills_overdue,
                plans_overdue: d.plans_overdue,
                desks: c.desks,
                staffed: c.staffed,
                uncovered_hours: c.uncovered_hours,
                on_duty: c.on_duty,
                sla_breaches: facts.sla_breaches,
                changes_awaiting: facts.changes_awaiting,
                exits_open,
                exits_overdue,
                score: rules::score(&facts, &WEIGHTS),
            }
        })
        .collect();
    let months: Vec<Date> = (0..12).rev().map(|back| month_start(today, back)).collect();
    let codes: Vec<String> = months.iter().map(|m| month_code(*m)).collect();
    let bucket = |codes_seen: Vec<String>| -> Vec<u32> {
        let mut counts: BTreeMap<String, u32> = BTreeMap::new();
        for c in codes_seen {
            *counts.entry(c).or_default() += 1;
        }
        codes.iter().map(|c| counts.get(c).copied().unwrap_or(0)).collect()
    };
    let trend = Trend {
        incidents_opened: bucket(openings.into_iter().map(|t| month_code(date_in_zone(t, zone))).collect()),
        reports_late: bucket(late_days.into_iter().map(month_code).collect()),
        sla_breaches: bucket(breached),
        drills_held: bucket(drill_days.into_iter().map(month_code).collect()),
        months: codes.clone(),
    };
    Ok(Snapshot { rows, regulators, regulator_of, trend })
}

/// The jurisdiction's snapshot, kept across writes (at most [`REFRESH_SECONDS`] plus one
/// computation behind them) and at most [`MAX_AGE_SECONDS`] old: with when it was read.
pub async fn kept_snapshot(
    db: &DatabaseConnection,
    caches: &Caches,
    r: &OversightReader,
    now: OffsetDateTime,
    zone: &str,
) -> ServiceResult<(Arc<Snapshot>, OffsetDateTime)> {
    kept_snapshot_at(db, caches, r, now, now, zone).await
}

/// The snapshot as of `at` (a month's close, for its report), kept like today's: how old a kept
/// one is counts by the clock (`now`), not by `at`.
pub async fn kept_snapshot_at(
    db: &DatabaseConnection,
    caches: &Caches,
    r: &OversightReader,
    at: OffsetDateTime,
    now: OffsetDateTime,
    zone: &str,
) -> ServiceResult<(Arc<Snapshot>, OffsetDateTime)> {
    // The tree's marker is read afresh: an agency moved out leaves the board at once, while other
    // writes are followed within the refresh.
    let tree = crate::backend::epoch::tree(db).await?;
    let key = format!("oversight|{}|{}|{zone}|{tree}", r.reach_key(), date_in_zone(at, zone));
    let (snap, read) =
        caches.kept_revalidated(&key, now, REFRESH_SECONDS, MAX_AGE_SECONDS, || snapshot(db, caches, r, at, zone)).await?;
    Ok((snap, if at < now { at } else { read }))
}

/// A board query parsed: every value checked, a bad one refused with its field.
struct Parsed {
    needle: String,
    has: Vec<Has>,
    level: Option<i16>,
    under: Option<Uuid>,
    sort: SortKey,
    descending: bool,
    group: bool,
    page: u64,
}

fn parse(q: &BoardQuery, snap: &Snapshot, viewer: Uuid) -> ServiceResult<Parsed> {
    let mut has = Vec::new();
    for code in q.has_codes() {
        has.push(Has::parse(code).ok_or_else(|| ServiceError::invalid("has", Msg::OvErrUnknownFilter))?);
    }
    let level = match q.level.trim() {
        "" => None,
        raw => Some(raw.parse::<i16>().ok().filter(|l| (1..=5).contains(l)).ok_or_else(|| ServiceError::invalid("level", Msg::ErrLevelRange))?),
    };
    let under = match q.under.trim() {
        "" => None,
        raw => Some(
            Uuid::parse_str(raw)
                .ok()
                .filter(|id| *id != viewer && snap.regulators.contains_key(id))
                .ok_or_else(|| ServiceError::invalid("under", Msg::ErrNotSubRegulator))?,
        ),
    };
    let sort = match q.sort.trim() {
        "" => SortKey::Score,
        raw => SortKey::parse(raw).ok_or_else(|| ServiceError::invalid("sort", Msg::OvErrUnknownSort))?,
    };
    let descending = match q.dir.trim() {
        "" => sort != SortKey::Agency,
        "desc" => true,
        "asc" => false,
        _ => return Err(ServiceError::invalid("dir", Msg::OvErrUnknownSort)),
    };
    let page = match q.page.trim() {
        "" => 1,
        raw => raw.parse::<u64>().ok().filter(|p| *p >= 1).ok_or_else(|| ServiceError::invalid("page", Msg::OvErrPage))?,
    };
    let needle = q.q.trim().chars().take(100).collect::<String>().to_lowercase();
    Ok(Parsed { needle, has, level, under, sort, descending, group: !q.group.trim().is_empty(), page })
}

impl Snapshot {
    /// One agency's row (none outside the jurisdiction).
    pub fn row(&self, agency: Uuid) -> Option<&BoardRow> {
        self.rows.iter().find(|r| r.agency_id == agency)
    }

    /// The regulators from the agency's own up to (not including) the viewer, nearest first.
    fn chain(&self, agency: Uuid, viewer: Uuid) -> Vec<Uuid> {
        let mut out = Vec::new();
        let mut at = self.regulator_of.get(&agency).copied();
        while let Some(id) = at.filter(|id| *id != viewer && !out.contains(id)) {
            out.push(id);
            at = self.regulators.get(&id).and_then(|(_, parent)| *parent);
        }
        out
    }

    fn named(&self, id: Uuid) -> Named {
        Named { id, name: self.regulators.get(&id).map(|(n, _)| n.clone()).unwrap_or_default() }
    }
}

/// The value a sort key reads, highest-first being the natural order of every count.
fn sort_value(r: &BoardRow, key: SortKey) -> u64 {
    let v = match key {
        SortKey::Score | SortKey::Agency => r.score.total,
        SortKey::Websites => r.websites,
        SortKey::Level => r.top_level.max(0) as u32,
        SortKey::Reports => r.reports_overdue,
        // Graver first: level I counts most.
        SortKey::Incidents => return r.incidents.iter().fold(0u64, |acc, n| acc * 1_000 + u64::from(*n)),
        SortKey::LateReports => r.late_reports,
        SortKey::Drills => r.drills_overdue + r.plans_overdue,
        SortKey::Cover => r.uncovered_hours,
        SortKey::Sla => r.sla_breaches,
        SortKey::Changes => r.changes_awaiting,
        SortKey::Exits => r.exits_overdue * 1_000 + r.exits_open,
    };
    u64::from(v)
}

fn ordered(a: &BoardRow, b: &BoardRow, key: SortKey, descending: bool) -> Ordering {
    let by_name = || a.agency.cmp(&b.agency).then(a.agency_id.cmp(&b.agency_id));
    let primary = match key {
        SortKey::Agency => by_name(),
        k => sort_value(a, k).cmp(&sort_value(b, k)),
    };
    let primary = if descending { primary.reverse() } else { primary };
    // Ties: the heavier score first, then by name.
    primary.then(b.score.total.cmp(&a.score.total)).then_with(by_name)
}

/// The rows the query selects, in its order: all of them (the CSV) with the parsed query.
fn select<'a>(snap: &'a Snapshot, p: &Parsed, viewer: Uuid) -> (Vec<&'a BoardRow>, Vec<&'a BoardRow>) {
    let matching: Vec<&BoardRow> = snap
        .rows
        .iter()
        .filter(|r| p.needle.is_empty() || r.agency.to_lowercase().contains(&p.needle))
        .filter(|r| p.has.iter().all(|h| r.has(*h)))
        .filter(|r| p.level.is_none_or(|l| r.top_level >= l))
        .collect();
    let mut listed: Vec<&BoardRow> =
        matching.iter().copied().filter(|r| p.under.is_none_or(|u| snap.chain(r.agency_id, viewer).contains(&u))).collect();
    listed.sort_by(|a, b| ordered(a, b, p.sort, p.descending));
    (matching, listed)
}

/// The board one page shows: the query applied to the kept snapshot.
pub async fn board(
    db: &DatabaseConnection,
    caches: &Caches,
    r: &OversightReader,
    now: OffsetDateTime,
    zone: &str,
    query: &BoardQuery,
) -> ServiceResult<Board> {
    board_at(db, caches, r, now, now, zone, query).await
}

/// The board as of `at` (a month's close), kept by the clock's `now`.
pub async fn board_at(
    db: &DatabaseConnection,
    caches: &Caches,
    r: &OversightReader,
    at: OffsetDateTime,
    now: OffsetDateTime,
    zone: &str,
    query: &BoardQuery,
) -> ServiceResult<Board> {
    let (snap, as_of) = kept_snapshot_at(db, caches, r, at, now, zone).await?;
    let viewer = r.viewer();
    let p = parse(query, &snap, viewer)?;
    let (matching, listed) = select(&snap, &p, viewer);
    let mut totals = Totals::default();
    for row in &listed {
        totals.add(row);
    }
    let mut all = Totals::default();
    for row in &snap.rows {
        all.add(row);
    }
    let groups = if p.group {
        let mut by: BTreeMap<Option<Uuid>, Totals> = BTreeMap::new();
        for row in &matching {
            by.entry(snap.chain(row.agency_id, viewer).last().copied()).or_default().add(row);
        }
        let mut out: Vec<BoardGroup> =
            by.into_iter().map(|(id, totals)| BoardGroup { regulator: id.map(|id| snap.named(id)), totals }).collect();
        // Sub-regulators by name, the agencies directly under the viewer last.
        out.sort_by(|a, b| match (&a.regulator, &b.regulator) {
            (Some(x), Some(y)) => x.name.cmp(&y.name),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        });
        out
    } else {
        Vec::new()
    };
    let mut sub_regulators: Vec<Named> = snap.regulators.keys().filter(|id| **id != viewer).map(|id| snap.named(*id)).collect();
    sub_regulators.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let total = listed.len() as u64;
    let pages = total.div_ceil(PAGE_ROWS).max(1);
    let page = p.page.min(pages);
    let rows = listed.into_iter().skip(((page - 1) * PAGE_ROWS) as usize).take(PAGE_ROWS as usize).cloned().collect();
    Ok(Board {
        rows,
        total,
        page,
        pages,
        totals,
        all,
        groups,
        sub_regulators,
        under: p.under.map(|id| snap.named(id)),
        query: query.clone(),
        sort: p.sort,
        descending: p.descending,
        weights: WEIGHTS,
        as_of: format_in_zone(as_of, zone),
        refresh_seconds: REFRESH_SECONDS,
        trend: snap.trend.clone(),
    })
}

/// The CSV of a board: every row the query selects (all its pages), in the page's order and
/// columns, the reasons written out.
pub async fn board_csv(
    db: &DatabaseConnection,
    caches: &Caches,
    r: &OversightReader,
    now: OffsetDateTime,
    zone: &str,
    query: &BoardQuery,
    locale: Locale,
) -> ServiceResult<Vec<u8>> {
    let (snap, _) = kept_snapshot(db, caches, r, now, zone).await?;
    let p = parse(query, &snap, r.viewer())?;
    let (_, listed) = select(&snap, &p, r.viewer());
    let mut w = CsvExport::new();
    let head = [
        Msg::OvColAgency,
        Msg::OvColRegulator,
        Msg::OvColScore,
        Msg::OvColReasons,
        Msg::OvColWebsites,
        Msg::OvColLevel,
        Msg::OvColPhases,
        Msg::OvHasLevel4,
        Msg::OvHasDomainOutside,
        Msg::OvHasTrialOverdue,
        Msg::OvColReports,
        Msg::OvColIncidentsI,
        Msg::OvColIncidentsII,
        Msg::OvColIncidentsIII,
        Msg::OvColIncidentsIV,
        Msg::OvColLateReports,
        Msg::OvColDrills,
        Msg::OvColPlans,
        Msg::OvColCover,
        Msg::OvColOnDuty,
        Msg::OvColSla,
        Msg::OvColChanges,
        Msg::OvColExitsOpen,
        Msg::OvColExitsOverdue,
    ];
    w.row(head.iter().map(|m| m.text(locale)))?;
    for row in listed {
        let n = |v: u32| v.to_string();
        w.row([
            row.agency.clone(),
            row.regulator.clone(),
            n(row.score.total),
            row.score.reasons.iter().map(|x| reason_text(x, locale)).collect::<Vec<_>>().join("; "),
            n(row.websites),
            if row.top_level > 0 { row.top_level.to_string() } else { String::new() },
            phases_text(&row.phases, locale),
            n(row.level4_public_cloud),
            n(row.domain_outside),
            n(row.trial_overdue),
            n(row.reports_overdue),
            n(row.incidents[0]),
            n(row.incidents[1]),
            n(row.incidents[2]),
            n(row.incidents[3]),
            n(row.late_reports),
            n(row.drills_overdue),
            n(row.plans_overdue),
            n(row.uncovered_hours),
            row.on_duty.join(", "),
            n(row.sla_breaches),
            n(row.changes_awaiting),
            n(row.exits_open),
            n(row.exits_overdue),
        ])?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn row(name: &str, score: u32) -> BoardRow {
        BoardRow {
            agency_id: Uuid::new_v4(),
            agency: name.into(),
            score: rules::Score { total: score, reasons: Vec::new() },
            ..BoardRow::default()
        }
    }

    fn snap(rows: Vec<BoardRow>) -> Snapshot {
        Snapshot { rows, regulators: HashMap::new(), regulator_of: HashMap::new(), trend: Trend::default() }
    }

    fn names(rows: &[&BoardRow]) -> Vec<String> {
        rows.iter().map(|r| r.agency.clone()).collect()
    }

    #[test]
    fn months_count_back_across_years() {
        assert_eq!(month_start(date!(2026 - 03 - 15), 0), date!(2026 - 03 - 01));
        assert_eq!(month_start(date!(2026 - 03 - 15), 11), date!(2025 - 04 - 01));
        assert_eq!(month_start(date!(2026 - 01 - 31), 1), date!(2025 - 12 - 01));
        assert_eq!(month_code(date!(2026 - 01 - 31)), "2026-01");
    }

    #[test]
    fn filters_hold_together_and_sorting_breaks_ties_by_score_then_name() {
        let mut a = row("Alpha", 9);
        a.reports_overdue = 2;
        a.incidents = [0, 1, 0, 0];
        let mut b = row("Beta", 3);
        b.reports_overdue = 1;
        let mut c = row("Gamma", 9);
        c.incidents = [0, 0, 2, 0];
        let d = row("Delta", 0);
        let s = snap(vec![a, b, c, d]);
        let viewer = Uuid::new_v4();
        let q = |text: &str| {
            let mut query = BoardQuery::default();
            for pair in text.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair.split_once('=').unwrap();
                match k {
                    "q" => query.q = v.into(),
                    "has" => query.has = v.into(),
                    "sort" => query.sort = v.into(),
                    "dir" => query.dir = v.into(),
                    "level" => query.level = v.into(),
                    "page" => query.page = v.into(),
                    _ => unreachable!(),
                }
            }
            parse(&query, &s, viewer)
        };
        let listed = |text: &str| names(&select(&s, &q(text).unwrap(), viewer).1);
        assert_eq!(listed(""), ["Alpha", "Gamma", "Beta", "Delta"], "by score, ties by name");
        assert_eq!(listed("has=reports_overdue"), ["Alpha", "Beta"]);
        assert_eq!(listed("has=reports_overdue,incident_open"), ["Alpha"], "every filter holds");
        assert_eq!(listed("has=grave_incident"), ["Alpha"]);
        assert_eq!(listed("has=attention&sort=agency"), ["Alpha", "Beta", "Gamma"]);
        assert_eq!(listed("sort=agency&dir=desc"), ["Gamma", "Delta", "Beta", "Alpha"]);
        assert_eq!(listed("sort=incidents"), ["Alpha", "Gamma", "Beta", "Delta"], "a level-II incident before two level-III");
        assert_eq!(listed("sort=reports&dir=asc"), ["Gamma", "Delta", "Beta", "Alpha"], "ties: heavier score first");
        assert_eq!(listed("q=MM"), ["Gamma"], "search ignores case");
        assert_eq!(listed("level=1"), Vec::<String>::new(), "no website: no level");
        for bad in ["has=nonsense", "level=6", "level=x", "sort=colour", "dir=up", "page=0", "page=x"] {
            let field = match q(bad) {
                Err(ServiceError::Invalid(f)) => f[0].field,
                other => panic!("{bad}: {:?}", other.map(|_| ())),
            };
            assert_eq!(field, bad.split('=').next().unwrap(), "{bad}");
        }
    }
}
