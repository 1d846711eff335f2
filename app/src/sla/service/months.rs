//! A calendar month's figures for one engagement, computed from its records by the rules (never
//! typed): each availability metric's attainment under the contract's maintenance rule, each
//! fault level's resolution rate on the service calendar, the error budget to date and
//! projected, disputed records apart, and clause 5.12's compensation. A closed month's figures
//! are frozen in a report version; a reclassification reaching into it issues the next version.
use std::collections::HashMap;

use jiff::{tz::TimeZone, Timestamp};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect};
use time::OffsetDateTime;
use uuid::Uuid;

use super::days::{in_force, record_stretch, secs, sites_of, zone_of};
use crate::{
    backend::{ServiceError, ServiceResult},
    domain::workdays::WorkCalendar,
    sla::{
        entity::{month, record, version},
        rules::{self, Agreement, Amount, Compensation, Fault, Month, Percent, ServiceClock, Stretch, WebsiteTime},
        scope::of_engagement,
        CompensationRule, MaintenanceRule, Metric, RecordClass, RecordKind, Review,
    },
    tenancy::entity::engagement,
};

pub use crate::sla::{AvailabilityFigure, MonthFigures, ResolutionFigure};

/// The terms stored in a version, as the rules read them (what the edge parsed when it was
/// proposed).
pub fn agreement_of(v: &version::Model) -> Option<Agreement> {
    let pct = |m: i32| Percent::from_millionths(u32::try_from(m).ok()?);
    let small = |n: i16| u16::try_from(n).ok();
    let compensation = match CompensationRule::parse(&v.compensation)? {
        CompensationRule::PerUnit => Compensation::PerUnit {
            unit_minutes: u32::try_from(v.unit_minutes).ok()?,
            multiple: u32::try_from(v.multiple).ok()?,
        },
        CompensationRule::Bands => Compensation::Bands(rules::parse_bands(&v.bands).ok()?),
    };
    Some(Agreement {
        effective_from: v.effective_from,
        zone: v.zone.clone(),
        power: pct(v.power_pct)?,
        network: pct(v.network_pct)?,
        server: pct(v.server_pct)?,
        l1: pct(v.l1_pct)?,
        l1_hours: small(v.l1_hours)?,
        l2: pct(v.l2_pct)?,
        l2_hours: small(v.l2_hours)?,
        service: rules::parse_service_hours(&v.service_hours)?,
        response_minutes: small(v.response_minutes)?,
        backup_every: rules::parse_every(&v.backup_every).unwrap_or(Amount { n: 1, unit: rules::Unit::Day }),
        backup_retention: rules::parse_kept(&v.backup_retention)?,
        log_retention: rules::parse_kept(&v.log_retention)?,
        emergency_minutes: small(v.emergency_minutes)?,
        trainings: small(v.trainings)?,
        maintenance: MaintenanceRule::parse(&v.maintenance)?,
        compensation,
        monthly_fee: v.monthly_fee,
        note: v.note.clone(),
    })
}

/// What judges an engagement's months: its accepted versions, the zone and the SLA's span.
pub struct Terms {
    pub versions: Vec<version::Model>,
    pub zone: TimeZone,
    pub in_force: Stretch,
}

impl Terms {
    /// The version in force on the last day of `m`, if any.
    pub fn governing(&self, m: Month) -> Option<&version::Model> {
        let last = rules::date_of(m.next().first_day()).previous_day()?;
        self.versions.iter().rev().find(|v| v.effective_from <= last)
    }

    /// The months the SLA counts, from its first to the one holding `until`.
    pub fn months_until(&self, until: i64) -> Vec<Month> {
        let (Ok(first), Ok(last)) = (Timestamp::from_second(self.in_force.start), Timestamp::from_second(until.min(self.in_force.end - 1))) else {
            return Vec::new();
        };
        let (mut m, last) = (Month::of(first, &self.zone), Month::of(last, &self.zone));
        let mut out = Vec::new();
        while m <= last && out.len() < 1200 {
            out.push(m);
            m = m.next();
        }
        out
    }
}

/// An engagement's terms, if an agreement was ever accepted.
pub async fn terms<C: ConnectionTrait>(conn: &C, e: &engagement::Model) -> ServiceResult<Option<Terms>> {
    let versions = of_engagement::accepted(e.id).all(conn).await?;
    let (Some(first), Some(latest)) = (versions.first(), versions.last()) else { return Ok(None) };
    let zone = zone_of(latest);
    let Some(span) = in_force(e, first, &zone) else { return Ok(None) };
    Ok(Some(Terms { versions, zone, in_force: span }))
}

/// The month's figures for engagement `e` at `now` (a month in progress counts to `now`); `None`
/// when no accepted agreement governs it.
pub async fn figures<C: ConnectionTrait>(conn: &C, e: &engagement::Model, terms: &Terms, m: Month, now: OffsetDateTime, calendar: &WorkCalendar) -> ServiceResult<Option<MonthFigures>> {
    let Some(v) = terms.governing(m) else { return Ok(None) };
    let Some(a) = agreement_of(v) else { return Err(ServiceError::Internal(format!("sla version {} unreadable", v.id))) };
    let window = m.window(&terms.zone);
    let now_s = secs(now);
    let Some(counted) = rules::counted(window, terms.in_force, now_s) else { return Ok(None) };
    let full = rules::counted(window, terms.in_force, i64::MAX).unwrap_or(counted);
    let websites: Vec<Uuid> = of_engagement::websites(e.id).all(conn).await?.into_iter().map(|w| w.website_id).collect();
    let records: Vec<record::Model> = of_engagement::records(e.id)
        .filter(record::Column::StartedAt.lt(super::days::at(window.end)?))
        .order_by_asc(record::Column::StartedAt)
        .all(conn)
        .await?
        .into_iter()
        .filter(|r| secs(r.started_at) >= window.start || record_stretch(r).is_none_or(|s| s.end > window.start))
        .collect();
    let sites = sites_of(conn, records.iter().map(|r| r.id).collect()).await?;
    // An outage still going on counts to now.
    let stretch = |r: &record::Model| record_stretch(r).or_else(|| Stretch::new(secs(r.started_at), now_s));
    let kind = |r: &record::Model| RecordKind::parse(&r.kind);
    let class = |r: &record::Model| RecordClass::parse(&r.class);
    let counted_records: Vec<&record::Model> = records.iter().filter(|r| r.review != Review::Disputed.code()).collect();
    let site_time = |a: rules::Availability| -> Vec<WebsiteTime> {
        websites
            .iter()
            .map(|w| {
                let on: Vec<&&record::Model> = counted_records.iter().filter(|r| sites.get(&r.id).is_some_and(|s| s.contains(w))).collect();
                WebsiteTime {
                    outages: on
                        .iter()
                        .filter(|r| matches!((kind(r), class(r)), (Some(k), Some(c)) if a.counts(k, c)))
                        .filter_map(|r| stretch(r))
                        .collect(),
                    maintenance: on.iter().filter(|r| kind(r) == Some(RecordKind::Maintenance)).filter_map(|r| stretch(r)).collect(),
                }
            })
            .collect()
    };
    let tallies = |x: rules::Availability| {
        let times = site_time(x);
        (rules::tally(Some(counted), &times), rules::tally(Some(full), &times))
    };
    let faults = |level: RecordClass| -> Vec<Fault> {
        counted_records
            .iter()
            .filter(|r| kind(r) == Some(RecordKind::Fault) && class(r) == Some(level))
            .map(|r| Fault { start: secs(r.started_at), resolved: r.resolved_at.map(secs) })
            .collect()
    };
    let clock = ServiceClock { hours: a.service, zone: &terms.zone, calendar };
    let j = judge(&a, Window { month: window, counted, full, now: now_s }, tallies, faults, clock);
    let disputed: Vec<&record::Model> = records.iter().filter(|r| r.review == Review::Disputed.code()).collect();
    let disputed_secs = rules::total(&rules::merge(disputed.iter().filter_map(|r| stretch(r)?.clip(counted)).collect()));
    Ok(Some(MonthFigures {
        month: m.to_string(),
        zone: v.zone.clone(),
        version: v.number,
        in_progress: now_s < window.end,
        counted_from: counted.start,
        counted_until: counted.end,
        websites: websites.len() as u32,
        maintenance: a.maintenance,
        compensation_rule: j.rule,
        compensation: j.owed.amount,
        units: j.owed.units,
        capped: j.owed.capped,
        fee_cap: prorate_fee(a.monthly_fee, full.secs(), window.secs()),
        breached: j.breached,
        availability: j.availability,
        resolution: j.resolution,
        interrupted: j.interrupted,
        records: (records.len() - disputed.len()) as u32,
        disputed: disputed.len() as u32,
        disputed_secs,
    }))
}

/// The month's windows: the whole month, the part counted to date, the part the SLA covers, and
/// now (Unix seconds).
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub month: Stretch,
    pub counted: Stretch,
    pub full: Stretch,
    pub now: i64,
}

/// A month judged: what the report and the lists show.
pub struct Judged {
    pub availability: Vec<AvailabilityFigure>,
    pub resolution: Vec<ResolutionFigure>,
    pub interrupted: i64,
    pub rule: CompensationRule,
    pub owed: rules::Owed,
    pub breached: bool,
}

/// Judges a month from each availability's tally (to date, and over the whole counted month) and
/// each fault level's faults: the one arithmetic behind a report (tallies from the records) and
/// the lists (tallies summed from the kept days).
pub fn judge(
    a: &Agreement,
    w: Window,
    tallies: impl Fn(rules::Availability) -> (rules::Tally, rules::Tally),
    faults: impl Fn(RecordClass) -> Vec<Fault>,
    clock: ServiceClock<'_>,
) -> Judged {
    let mut availability = Vec::new();
    let mut lowest: Option<Percent> = None;
    for (metric, class, target) in [
        (Metric::Power, rules::Availability::Power, a.power),
        (Metric::Network, rules::Availability::Network, a.network),
        (Metric::Server, rules::Availability::Server, a.server),
    ] {
        let (to_date, whole) = tallies(class);
        let to_date = to_date.attainment(a.maintenance, target);
        let whole = whole.attainment(a.maintenance, target);
        if let Some(p) = to_date.attained {
            lowest = Some(lowest.map_or(p, |l: Percent| l.min(p)));
        }
        availability.push(AvailabilityFigure {
            metric,
            target: target.millionths(),
            scheduled: to_date.scheduled,
            downtime: to_date.downtime,
            maintenance: to_date.maintenance,
            attained: to_date.attained.map(Percent::millionths),
            met: to_date.met,
            budget_to_date: to_date.budget_left,
            budget_projected: whole.budget_left,
        });
    }
    let interrupted = tallies(rules::Availability::Any).0.interrupted(a.maintenance);
    let mut resolution = Vec::new();
    for (metric, level, target, hours) in [(Metric::Level1, RecordClass::Level1, a.l1, a.l1_hours), (Metric::Level2, RecordClass::Level2, a.l2, a.l2_hours)] {
        let window = Stretch { start: w.counted.start.max(w.month.start), end: w.counted.end };
        let r = rules::resolution(&faults(level), window, w.now, u32::from(hours), clock, target);
        resolution.push(ResolutionFigure {
            metric,
            target: target.millionths(),
            hours,
            faults: r.faults,
            on_time: r.on_time,
            late: r.late,
            pending: r.pending,
            rate: r.rate.map(Percent::millionths),
            met: r.met,
        });
    }
    let owed = rules::compensation(&a.compensation, interrupted, a.monthly_fee, w.month.secs(), w.full.secs(), lowest);
    let breached = availability.iter().any(|f| !f.met) || resolution.iter().any(|f| !f.met);
    let rule = match a.compensation {
        Compensation::PerUnit { .. } => CompensationRule::PerUnit,
        Compensation::Bands(_) => CompensationRule::Bands,
    };
    Judged { availability, resolution, interrupted, rule, owed, breached }
}

/// The month's fee for the part of it the SLA was in force, rounded half up.
fn prorate_fee(fee: i64, part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    let (num, den) = (i128::from(fee) * i128::from(part.clamp(0, whole)), i128::from(whole));
    ((num * 2 + den) / (den * 2)) as i64
}

/// The months the stretches touch, in the terms' zone.
fn months_of(terms: &Terms, spans: &[Stretch]) -> Vec<Month> {
    let mut out: Vec<Month> = Vec::new();
    for s in spans {
        let (Ok(a), Ok(b)) = (Timestamp::from_second(s.start), Timestamp::from_second(s.end - 1)) else { continue };
        let (mut m, last) = (Month::of(a, &terms.zone), Month::of(b, &terms.zone));
        while m <= last && out.len() < 1200 {
            if !out.contains(&m) {
                out.push(m);
            }
            m = m.next();
        }
    }
    out.sort();
    out
}

/// The latest issued version of each closed month of an engagement.
async fn issued<C: ConnectionTrait>(conn: &C, e: Uuid) -> ServiceResult<HashMap<String, i32>> {
    let rows: Vec<(String, Option<i32>)> = of_engagement::months(e)
        .select_only()
        .column(month::Column::Month)
        .column_as(month::Column::Version.max(), "version")
        .group_by(month::Column::Month)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().filter_map(|(m, v)| Some((m, v?))).collect())
}

/// Issues a month's report version: its figures frozen with the reason for this version.
async fn issue<C: ConnectionTrait>(conn: &C, e: &engagement::Model, terms: &Terms, f: &MonthFigures, number: i32, reason: &str, now: OffsetDateTime) -> ServiceResult<()> {
    let Some(m) = Month::parse(&f.month) else { return Ok(()) };
    let Some(v) = terms.governing(m) else { return Ok(()) };
    month::ActiveModel {
        engagement_id: Set(e.id),
        month: Set(f.month.clone()),
        version: Set(number),
        agency_id: Set(e.agency_id),
        csp_id: Set(e.provider_id),
        sla_version_id: Set(v.id),
        breached: Set(f.breached),
        compensation: Set(f.compensation),
        figures: Set(serde_json::to_string(f).map_err(|x| ServiceError::Internal(x.to_string()))?),
        reason: Set(reason.to_string()),
        issued_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// After a reclassification: each closed month the record's time (before and after) touches gets
/// its next report version, recomputed, with the reclassification's reason.
pub async fn reissue<C: ConnectionTrait>(conn: &C, e: &engagement::Model, spans: &[Stretch], reason: &str, now: OffsetDateTime) -> ServiceResult<()> {
    let Some(terms) = terms(conn, e).await? else { return Ok(()) };
    let closed = issued(conn, e.id).await?;
    let calendar = crate::changes::service::work_calendar(conn).await?;
    for m in months_of(&terms, spans) {
        let Some(latest) = closed.get(&m.to_string()) else { continue };
        if let Some(f) = figures(conn, e, &terms, m, now, &calendar).await? {
            issue(conn, e, &terms, &f, latest + 1, reason, now).await?;
        }
    }
    Ok(())
}

/// What each month a change reaches missed before it; after the change, a metric newly missed is
/// told to both parties at once, not only when the month closes.
pub struct Watch {
    months: Vec<(Month, Vec<Metric>)>,
}

/// The metrics a month missed.
fn missed(f: &MonthFigures) -> Vec<Metric> {
    f.availability.iter().filter(|a| !a.met).map(|a| a.metric).chain(f.resolution.iter().filter(|r| !r.met).map(|r| r.metric)).collect()
}

impl Watch {
    /// The months `spans` reach (those an agreement counts, up to now) as they stand.
    pub async fn before<C: ConnectionTrait>(conn: &C, e: &engagement::Model, spans: &[Stretch], now: OffsetDateTime) -> ServiceResult<Watch> {
        let Some(terms) = terms(conn, e).await? else { return Ok(Watch { months: Vec::new() }) };
        let calendar = crate::changes::service::work_calendar(conn).await?;
        let mut months = Vec::new();
        for m in months_of(&terms, spans) {
            if let Some(f) = figures(conn, e, &terms, m, now, &calendar).await? {
                months.push((m, missed(&f)));
            }
        }
        Ok(Watch { months })
    }

    /// After the change: each watched month that now misses a metric it met before is mailed to
    /// both parties' officers.
    pub async fn tell_new_misses<C: ConnectionTrait>(self, conn: &C, e: &engagement::Model, now: OffsetDateTime, link_base: &str) -> ServiceResult<()> {
        if self.months.is_empty() {
            return Ok(());
        }
        let Some(terms) = terms(conn, e).await? else { return Ok(()) };
        let calendar = crate::changes::service::work_calendar(conn).await?;
        for (m, was) in self.months {
            let Some(f) = figures(conn, e, &terms, m, now, &calendar).await? else { continue };
            if missed(&f).iter().any(|x| !was.contains(x)) {
                let detail = breach_detail(&f);
                for party in [e.agency_id, e.provider_id] {
                    super::tell(conn, e, party, (crate::sla::mail::SlaMailKind::BelowTarget, f.version, detail.clone()), now, link_base).await?;
                }
            }
        }
        Ok(())
    }
}

/// A month closed by the job: its figures, and whether it breached (for the mail to both parties).
pub struct Closed {
    pub engagement: engagement::Model,
    pub figures: MonthFigures,
}

/// Closes every month that has ended and has no report yet, for engagement `e`: the job's step
/// for one engagement (idempotent: an issued month is never issued again).
pub async fn close_ended<C: ConnectionTrait>(conn: &C, e: &engagement::Model, now: OffsetDateTime, calendar: &WorkCalendar) -> ServiceResult<Vec<Closed>> {
    let Some(terms) = terms(conn, e).await? else { return Ok(Vec::new()) };
    let closed = issued(conn, e.id).await?;
    let mut out = Vec::new();
    for m in terms.months_until(secs(now)) {
        if m.window(&terms.zone).end > secs(now) || closed.contains_key(&m.to_string()) {
            continue;
        }
        if let Some(f) = figures(conn, e, &terms, m, now, calendar).await? {
            issue(conn, e, &terms, &f, 1, "closed", now).await?;
            out.push(Closed { engagement: e.clone(), figures: f });
        }
    }
    Ok(out)
}

/// How many engagements the close job works through in a run (a full batch: it runs again at once).
pub const CLOSE_BATCH: usize = 100;

/// The month-close job: every engagement whose last ended month (in its agreement's zone, and
/// within its span) has no report yet gets its reports issued, and a month that missed a target
/// is mailed to both parties' officers. Returns how many engagements it worked on.
pub async fn close_months(db: &sea_orm::DatabaseConnection, now: OffsetDateTime, link_base: &str) -> ServiceResult<usize> {
    let versions = of_engagement::all_accepted().all(db).await?;
    let mut first: HashMap<Uuid, &version::Model> = HashMap::new();
    let mut latest: HashMap<Uuid, &version::Model> = HashMap::new();
    for v in &versions {
        first.entry(v.engagement_id).and_modify(|f| if v.effective_from < f.effective_from { *f = v }).or_insert(v);
        latest.entry(v.engagement_id).and_modify(|l| if v.effective_from > l.effective_from { *l = v }).or_insert(v);
    }
    let issued: HashMap<Uuid, String> = of_engagement::latest_issued().into_tuple::<(Uuid, Option<String>)>().all(db).await?.into_iter().filter_map(|(e, m)| Some((e, m?))).collect();
    let Ok(at) = Timestamp::from_second(secs(now)) else { return Ok(0) };
    let mut due: Vec<Uuid> = Vec::new();
    for (id, v) in &latest {
        let zone = zone_of(v);
        let ended = Month::of(at, &zone).previous();
        let Some(f) = first.get(id) else { continue };
        let starts = Month { year: f.effective_from.year() as i16, month: u8::from(f.effective_from.month()) as i8 };
        if starts > ended {
            continue;
        }
        if issued.get(id).is_none_or(|m| m.as_str() < ended.to_string().as_str()) {
            due.push(*id);
        }
    }
    due.sort();
    let engagements = of_engagement::engagements(due.iter().take(CLOSE_BATCH * 2).copied().collect()).all(db).await?;
    let calendar = crate::changes::service::work_calendar(db).await?;
    let mut worked = 0;
    for e in engagements {
        // An ended engagement's last month is the one holding its end.
        let zone = latest.get(&e.id).map(|v| zone_of(v)).unwrap_or(TimeZone::UTC);
        let end_month = Month { year: e.ends_on.year() as i16, month: u8::from(e.ends_on.month()) as i8 };
        if issued.get(&e.id).is_some_and(|m| *m >= end_month.min(Month::of(at, &zone).previous()).to_string()) {
            continue;
        }
        if worked >= CLOSE_BATCH {
            break;
        }
        worked += 1;
        let txn = crate::backend::db::write_txn(db).await?;
        for c in close_ended(&txn, &e, now, &calendar).await? {
            if c.figures.breached {
                let detail = breach_detail(&c.figures);
                for party in [e.agency_id, e.provider_id] {
                    super::tell(&txn, &e, party, (crate::sla::mail::SlaMailKind::Breach, c.figures.version, detail.clone()), now, link_base).await?;
                }
            }
        }
        crate::backend::epoch::commit_change(txn).await?;
    }
    Ok(worked)
}

/// What a breach mail says of the month: the metrics that missed and the compensation, in both
/// languages' figures (numbers and codes read the same in either).
fn breach_detail(f: &MonthFigures) -> String {
    let mut missed: Vec<String> = Vec::new();
    for a in f.availability.iter().filter(|a| !a.met) {
        missed.push(format!("{}: {} < {}", a.metric.code(), pct_text(a.attained), pct_text(Some(a.target))));
    }
    for r in f.resolution.iter().filter(|r| !r.met) {
        missed.push(format!("{}: {} < {}", r.metric.code(), pct_text(r.rate), pct_text(Some(r.target))));
    }
    format!("{} — {} — {} {}", f.month, missed.join("; "), rules::money_text(f.compensation), "CNY")
}

/// A share in millionths as a percent (`99.95 %`), or a dash.
pub fn pct_text(m: Option<u32>) -> String {
    m.and_then(Percent::from_millionths).map_or("—".into(), |p| format!("{p} %"))
}
