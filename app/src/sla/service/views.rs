//! What the SLA lists show: every engagement in reach with this month's standing. An engagement
//! with nothing still going on is judged from its kept days (a sum, so a regulator's two
//! thousand agencies are one grouped read), one with an outage still open or maintenance still
//! ahead from its records; both through the same arithmetic ([`super::months::judge`]).
use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, QueryFilter, QuerySelect};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    days::{at, in_force, secs, zone_of},
    months::{agreement_of, figures, judge, Terms, Window},
};
use crate::{
    backend::{
        epoch::Caches,
        ServiceResult,
    },
    sla::{
        entity::{day, record, version},
        rules::{self, Availability, Fault, Month, ServiceClock, Tally},
        scope::{of_engagement, SlaReader},
        MetricCell, RecordClass, RecordKind, Review, SlaHome, Standing, StandingFilter, VersionStatus,
    },
    tenancy::entity::{engagement, engagement_website},
};

/// One engagement's sums of one availability over the month's kept days: engagement, class,
/// down, maintenance, their overlap, and the unions.
type DaySums = (Uuid, String, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>);

/// Rows of the SLA list a page.
pub const PAGE: u64 = 50;

/// The SLA list in reach for the month holding `now` on the viewer's clock.
pub async fn home<C: ConnectionTrait>(conn: &C, caches: &Caches, r: &SlaReader, filter: &StandingFilter, zone: &str, now: OffsetDateTime) -> ServiceResult<SlaHome> {
    let (m, rows, breaches) = listed(conn, caches, r, filter, zone, now).await?;
    let total = rows.len() as u64;
    let pages = total.div_ceil(PAGE).max(1);
    let page = filter.page.clamp(1, pages);
    let rows = rows.into_iter().skip(((page - 1) * PAGE) as usize).take(PAGE as usize).collect();
    let filter = StandingFilter { month: m.to_string(), ..filter.clone() };
    Ok(SlaHome { month: m.to_string(), rows, total, breaches, page, pages, filter, regulator: r.is_jurisdiction() })
}

/// The whole list the filter gives, in its order (breaches first, the most owed first, then by
/// agency and CSP): the month it is of, its rows, and how many of the month's rows are breaches
/// (before "breaches only"). The page shows a page of it; the CSV all of it.
pub async fn listed<C: ConnectionTrait>(
    conn: &C,
    caches: &Caches,
    r: &SlaReader,
    filter: &StandingFilter,
    zone: &str,
    now: OffsetDateTime,
) -> ServiceResult<(Month, Vec<Standing>, u64)> {
    let viewer_zone = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let this = Month::of(Timestamp::from_second(secs(now)).unwrap_or_default(), &viewer_zone);
    // A month asked for is read as written; a later one than this, or none, is this month.
    let m = Month::parse(&filter.month).filter(|m| *m <= this).unwrap_or(this);
    let q = filter.q.trim().chars().take(100).collect::<String>();
    // Kept per reach, month and search until the data changes, and about a minute (a month in
    // progress is judged to date): a province's list judges 2,000 engagements afresh.
    let key = format!("sla-list|{}|{m}|{q}", r.reach_key());
    let all = caches
        .kept_for(&key, now, LIST_KEPT_SECONDS, || async {
            let mut rows = standings(conn, r, m, now, &q).await?;
            rows.sort_by(|a, b| {
                b.breached.cmp(&a.breached).then(b.compensation.cmp(&a.compensation)).then_with(|| (&a.agency, &a.csp).cmp(&(&b.agency, &b.csp)))
            });
            Ok(std::sync::Arc::new(rows))
        })
        .await?;
    let breaches = all.iter().filter(|s| s.breached).count() as u64;
    let rows = all.iter().filter(|s| !filter.breached || s.breached).cloned().collect();
    Ok((m, rows, breaches))
}

/// How long a list is kept before one request computes it again, in seconds.
const LIST_KEPT_SECONDS: i64 = 60;

/// Every engagement in reach (its agency's or CSP's name containing `q`, when given) with month
/// `m`'s standing at `now`, unsorted.
pub async fn standings<C: ConnectionTrait>(conn: &C, r: &SlaReader, m: Month, now: OffsetDateTime, q: &str) -> ServiceResult<Vec<Standing>> {
    let mut engagements = r.engagements();
    if !q.is_empty() {
        let named = crate::tenancy::scope::orgs_named_like(q);
        engagements = engagements.filter(
            Condition::any().add(engagement::Column::AgencyId.in_subquery(named.clone())).add(engagement::Column::ProviderId.in_subquery(named)),
        );
    }
    let engagements = engagements.all(conn).await?;
    if engagements.is_empty() {
        return Ok(Vec::new());
    }
    let names = crate::tenancy::scope::org_names(conn, engagements.iter().flat_map(|e| [e.agency_id, e.provider_id]).collect::<HashSet<_>>()).await?;
    let wanted: HashSet<Uuid> = engagements.iter().map(|e| e.id).collect();
    let mut versions: HashMap<Uuid, Vec<version::Model>> = HashMap::new();
    for v in r.versions().all(conn).await?.into_iter().filter(|v| wanted.contains(&v.engagement_id)) {
        versions.entry(v.engagement_id).or_default().push(v);
    }
    // The month's widest span over every zone (a day either side), then each engagement's own.
    let first = rules::date_of(m.first_day());
    let last = rules::date_of(m.next().first_day()).previous_day().unwrap_or(first);
    let (wide_from, wide_to) = (at(rules::midnight(m.first_day(), &jiff::tz::TimeZone::UTC) - 86_400)?, at(rules::midnight(m.next().first_day(), &jiff::tz::TimeZone::UTC) + 86_400)?);
    // Records still open, found by their end (few), then kept to the reach: through the
    // engagement's index this read every record the reach ever had.
    let mut live: HashSet<Uuid> = HashSet::new();
    for (id, started) in of_engagement::open_records(now).into_tuple::<(Uuid, OffsetDateTime)>().all(conn).await? {
        if started < wide_to && wanted.contains(&id) {
            live.insert(id);
        }
    }
    let sums: Vec<DaySums> = r
        .days()
        .filter(day::Column::Day.gte(first))
        .filter(day::Column::Day.lte(last))
        .select_only()
        .column(day::Column::EngagementId)
        .column(day::Column::Class)
        .column_as(summed(day::Column::Down), "down")
        .column_as(summed(day::Column::Maint), "maint")
        .column_as(summed(day::Column::Overlap), "overlap")
        .column_as(summed(day::Column::AnyDown), "any_down")
        .column_as(summed(day::Column::AnyAll), "any_all")
        .group_by(day::Column::EngagementId)
        .group_by(day::Column::Class)
        .into_tuple()
        .all(conn)
        .await?;
    let mut tallies: HashMap<(Uuid, Availability), Tally> = HashMap::new();
    for (e, class, down, maint, overlap, any_down, any_all) in sums {
        let Some(a) = Availability::parse(&class) else { continue };
        let n = |x: Option<i64>| x.unwrap_or(0);
        tallies.insert((e, a), Tally { scheduled: 0, down: n(down), maint: n(maint), overlap: n(overlap), any_down: n(any_down), any_all: n(any_all) });
    }
    let websites: HashMap<Uuid, i64> = r
        .engagement_websites()
        .select_only()
        .column(engagement_website::Column::EngagementId)
        .column_as(engagement_website::Column::WebsiteId.count(), "n")
        .group_by(engagement_website::Column::EngagementId)
        .into_tuple::<(Uuid, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let month_records = r
        .records()
        .filter(record::Column::StartedAt.gte(wide_from))
        .filter(record::Column::StartedAt.lt(wide_to))
        .filter(Condition::any().add(record::Column::Kind.eq(RecordKind::Fault.code())).add(record::Column::Review.eq(Review::Disputed.code())))
        .all(conn)
        .await?;
    let mut faults: HashMap<(Uuid, RecordClass), Vec<Fault>> = HashMap::new();
    let mut disputed: HashMap<Uuid, Vec<i64>> = HashMap::new();
    for rec in &month_records {
        if rec.review == Review::Disputed.code() {
            disputed.entry(rec.engagement_id).or_default().push(secs(rec.started_at));
        } else if let Some(level) = RecordClass::parse(&rec.class) {
            faults.entry((rec.engagement_id, level)).or_default().push(Fault { start: secs(rec.started_at), resolved: rec.resolved_at.map(secs) });
        }
    }
    let calendar = crate::changes::service::work_calendar(conn).await?;
    let mut out = Vec::with_capacity(engagements.len());
    for e in &engagements {
        let vs = versions.remove(&e.id).unwrap_or_default();
        let pending = vs.iter().any(|v| v.status == VersionStatus::Proposed.code());
        let mut accepted: Vec<version::Model> = vs.into_iter().filter(|v| v.status == VersionStatus::Accepted.code()).collect();
        accepted.sort_by_key(|v| v.effective_from);
        let mut row = Standing {
            engagement_id: e.id,
            agency: names.get(&e.agency_id).cloned().unwrap_or_default(),
            csp: names.get(&e.provider_id).cloned().unwrap_or_default(),
            version: None,
            pending,
            metrics: Vec::new(),
            breached: false,
            compensation: 0,
            disputed: 0,
        };
        let terms = match (accepted.first(), accepted.last()) {
            (Some(f), Some(l)) => {
                let zone = zone_of(l);
                in_force(e, f, &zone).map(|span| Terms { versions: accepted.clone(), zone, in_force: span })
            }
            _ => None,
        };
        let Some(terms) = terms else {
            out.push(row);
            continue;
        };
        if live.contains(&e.id) {
            if let Some(f) = figures(conn, e, &terms, m, now, &calendar).await? {
                row.version = Some(f.version);
                row.metrics = cells(&f.availability, &f.resolution);
                row.breached = f.breached;
                row.compensation = f.compensation;
                row.disputed = f.disputed;
            }
            out.push(row);
            continue;
        }
        let window = m.window(&terms.zone);
        let (Some(v), Some(counted)) = (terms.governing(m), rules::counted(window, terms.in_force, secs(now))) else {
            out.push(row);
            continue;
        };
        let Some(a) = agreement_of(v) else {
            out.push(row);
            continue;
        };
        let full = rules::counted(window, terms.in_force, i64::MAX).unwrap_or(counted);
        let sites = websites.get(&e.id).copied().unwrap_or(0);
        let tally = |x: Availability| {
            let t = tallies.get(&(e.id, x)).copied().unwrap_or_default();
            (Tally { scheduled: sites * counted.secs(), ..t }, Tally { scheduled: sites * full.secs(), ..t })
        };
        let fault_list = |level: RecordClass| faults.get(&(e.id, level)).cloned().unwrap_or_default();
        let clock = ServiceClock { hours: a.service, zone: &terms.zone, calendar: &calendar };
        let j = judge(&a, Window { month: window, counted, full, now: secs(now) }, tally, fault_list, clock);
        row.version = Some(v.number);
        row.metrics = cells(&j.availability, &j.resolution);
        row.breached = j.breached;
        row.compensation = j.owed.amount;
        row.disputed = disputed.get(&e.id).map_or(0, |d| d.iter().filter(|s| **s >= window.start && **s < window.end).count() as u32);
        out.push(row);
    }
    Ok(out)
}

/// A column's sum as a 64-bit integer on both databases (PostgreSQL sums `bigint` to `numeric`).
fn summed(c: day::Column) -> sea_orm::sea_query::Expr {
    use sea_orm::sea_query::{Alias, Expr, Func};
    Func::cast_as(Func::sum(Expr::col(c)), Alias::new("BIGINT")).into()
}

/// The list's cells of a month's figures.
fn cells(a: &[super::months::AvailabilityFigure], r: &[super::months::ResolutionFigure]) -> Vec<MetricCell> {
    a.iter()
        .map(|f| MetricCell { metric: f.metric, attained: f.attained, target: f.target, met: f.met })
        .chain(r.iter().map(|f| MetricCell { metric: f.metric, attained: f.rate, target: f.target, met: f.met }))
        .collect()
}


/// A version's terms as the form types them (what [`super::parse_agreement`] reads back).
pub fn input_of(v: &version::Model) -> crate::sla::AgreementInput {
    let pct = |m: i32| u32::try_from(m).ok().and_then(rules::Percent::from_millionths).map(|p| p.to_string()).unwrap_or_default();
    let multiple = if v.multiple % 100 == 0 { (v.multiple / 100).to_string() } else { format!("{}.{:02}", v.multiple / 100, v.multiple % 100).trim_end_matches('0').to_string() };
    let per_unit = v.compensation == crate::sla::CompensationRule::PerUnit.code();
    crate::sla::AgreementInput {
        effective_from: v.effective_from.to_string(),
        zone: v.zone.clone(),
        power_pct: pct(v.power_pct),
        network_pct: pct(v.network_pct),
        server_pct: pct(v.server_pct),
        l1_pct: pct(v.l1_pct),
        l1_hours: v.l1_hours.to_string(),
        l2_pct: pct(v.l2_pct),
        l2_hours: v.l2_hours.to_string(),
        service_hours: v.service_hours.clone(),
        response_minutes: v.response_minutes.to_string(),
        backup_every: v.backup_every.clone(),
        backup_retention: v.backup_retention.clone(),
        log_retention: v.log_retention.clone(),
        emergency_minutes: v.emergency_minutes.to_string(),
        trainings: v.trainings.to_string(),
        maintenance: v.maintenance.clone(),
        compensation: v.compensation.clone(),
        unit_minutes: if per_unit { v.unit_minutes.to_string() } else { String::new() },
        multiple: if per_unit { multiple } else { String::new() },
        monthly_fee: rules::money_text(v.monthly_fee),
        bands: v.bands.clone(),
        note: v.note.clone(),
    }
}

/// One engagement's SLA page for a reader (`writer`: the viewer's, when it may write).
pub async fn engagement_view<C: ConnectionTrait>(
    conn: &C,
    r: &SlaReader,
    writer: Option<&crate::sla::scope::SlaWriter>,
    id: Uuid,
    zone: &str,
    now: OffsetDateTime,
) -> ServiceResult<crate::sla::SlaEngagement> {
    use sea_orm::QueryOrder;

    use crate::{
        backend::{time_fmt::format_in_zone, ServiceError},
        sla::{Named, VersionView},
    };
    let e = r.engagements().filter(engagement::Column::Id.eq(id)).one(conn).await?.ok_or(ServiceError::NotFound)?;
    let writes = match writer {
        Some(w) => w.engagements().filter(engagement::Column::Id.eq(id)).one(conn).await?.is_some(),
        None => false,
    };
    let me = r.viewer();
    let names = crate::tenancy::scope::org_names(conn, [e.agency_id, e.provider_id]).await?;
    let name = |o: Uuid| names.get(&o).cloned().unwrap_or_default();
    let versions = r.versions().filter(version::Column::EngagementId.eq(id)).order_by_desc(version::Column::Number).all(conn).await?;
    let proposal = versions.first().map(input_of).unwrap_or_else(|| crate::sla::AgreementInput::typical(&e.starts_on.to_string()));
    let version_views = versions
        .iter()
        .map(|v| {
            let pending = v.status == VersionStatus::Proposed.code();
            VersionView {
                id: v.id,
                number: v.number,
                status: VersionStatus::parse(&v.status).unwrap_or(VersionStatus::Withdrawn),
                terms: input_of(v),
                proposed_by: name(v.proposed_org),
                proposed_at: format_in_zone(v.proposed_at, zone),
                can_accept: writes && pending && v.proposed_org != me,
                can_withdraw: writes && pending && v.proposed_org == me,
            }
        })
        .collect();
    let mut websites: Vec<Named> = r.websites_of(id).all(conn).await?.into_iter().map(|w| Named { id: w.id, name: w.name }).collect();
    websites.sort_by(|a, b| a.name.cmp(&b.name));
    let site_name: HashMap<Uuid, String> = websites.iter().map(|w| (w.id, w.name.clone())).collect();
    // The records of the last twelve months, latest first.
    let since = now - time::Duration::days(400);
    let records = r
        .records()
        .filter(record::Column::EngagementId.eq(id))
        .filter(Condition::any().add(record::Column::StartedAt.gte(since)).add(record::Column::EndedAt.is_null()))
        .order_by_desc(record::Column::StartedAt)
        .limit(500)
        .all(conn)
        .await?;
    let record_views = record_views(conn, r, &records, &Viewing { names: &names, site_name: &site_name, zone, now, writes })
        .await?;
    let months = month_rows(conn, r, &e, now).await?;
    let measures = match super::months::terms(conn, &e).await? {
        Some(t) => super::measures::views(&super::measures::latest(conn, r, id, 40).await?, &t, &names, writes.then_some(me)),
        None => Vec::new(),
    };
    Ok(crate::sla::SlaEngagement {
        engagement_id: e.id,
        agency: name(e.agency_id),
        csp: name(e.provider_id),
        starts_on: e.starts_on.to_string(),
        ends_on: e.ends_on.to_string(),
        zone: zone.to_string(),
        writes,
        versions: version_views,
        proposal,
        websites,
        records: record_views,
        measures,
        months,
    })
}

/// What turning records into rows needs of the page: the parties' and websites' names, the
/// viewer's clock, and whether the viewer writes.
pub struct Viewing<'a> {
    pub names: &'a HashMap<Uuid, String>,
    pub site_name: &'a HashMap<Uuid, String>,
    pub zone: &'a str,
    pub now: OffsetDateTime,
    pub writes: bool,
}

/// Records as the page and the report show them, each with its reclassifications.
pub async fn record_views<C: ConnectionTrait>(conn: &C, r: &SlaReader, records: &[record::Model], v: &Viewing<'_>) -> ServiceResult<Vec<crate::sla::RecordView>> {
    use sea_orm::QueryOrder;

    use crate::{
        backend::time_fmt::format_in_zone,
        sla::{entity::reclass, RecordView},
    };
    let Viewing { names, site_name, zone, now, writes } = *v;
    let me = r.viewer();
    let name = |o: Uuid| names.get(&o).cloned().unwrap_or_default();
    let ids: Vec<Uuid> = records.iter().map(|x| x.id).collect();
    let sites = super::days::sites_of(conn, ids.clone()).await?;
    let mut history: HashMap<Uuid, Vec<String>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for h in r.reclassifications().filter(reclass::Column::RecordId.is_in(chunk.to_vec())).order_by_asc(reclass::Column::At).all(conn).await? {
            history.entry(h.record_id).or_default().push(format!(
                "{} · {}/{} → {}/{} · {} · {}",
                format_in_zone(h.at, zone),
                h.from_kind,
                h.from_class,
                h.to_kind,
                h.to_class,
                name(h.organisation_id),
                h.reason
            ));
        }
    }
    Ok(records
        .iter()
        .map(|x| {
            let end = super::days::record_stretch(x).map(|s| s.end).unwrap_or(secs(now));
            let mut on: Vec<String> = sites.get(&x.id).into_iter().flatten().filter_map(|w| site_name.get(w).cloned()).collect();
            on.sort();
            let mine = x.recorded_org == me;
            RecordView {
                id: x.id,
                kind: RecordKind::parse(&x.kind).unwrap_or(RecordKind::Outage),
                class: RecordClass::parse(&x.class).unwrap_or(RecordClass::Server),
                websites: on,
                started_at: format_in_zone(x.started_at, zone),
                ended_at: x.ended_at.map(|t| format_in_zone(t, zone)),
                responded_at: x.responded_at.map(|t| format_in_zone(t, zone)),
                resolved_at: x.resolved_at.map(|t| format_in_zone(t, zone)),
                minutes: (end - secs(x.started_at)).max(0) / 60,
                cause: x.cause.clone(),
                recorded_by: name(x.recorded_org),
                source: x.source.clone(),
                review: Review::parse(&x.review).unwrap_or(Review::Pending),
                review_comment: x.review_comment.clone(),
                reclassified: history.remove(&x.id).unwrap_or_default(),
                can_review: writes && !mine && x.review == Review::Pending.code(),
                can_finish: writes && mine && (x.ended_at.is_none() || (x.kind == RecordKind::Fault.code() && x.resolved_at.is_none())),
                can_reclassify: writes,
            }
        })
        .collect())
}

/// The last twelve months of an engagement, latest first: an issued month as its latest report
/// says, the open month to date.
pub async fn month_rows<C: ConnectionTrait>(conn: &C, r: &SlaReader, e: &engagement::Model, now: OffsetDateTime) -> ServiceResult<Vec<crate::sla::MonthRow>> {
    let Some(terms) = super::months::terms(conn, e).await? else { return Ok(Vec::new()) };
    let months: Vec<Month> = terms.months_until(secs(now)).into_iter().rev().take(12).collect();
    rows_of(conn, r, e, &terms, months, now).await
}

/// Months of an engagement in the order given: an issued month as its latest report says, the
/// open month to date (a month outside the SLA's span gives no row).
pub async fn rows_of<C: ConnectionTrait>(conn: &C, r: &SlaReader, e: &engagement::Model, terms: &Terms, months: Vec<Month>, now: OffsetDateTime) -> ServiceResult<Vec<crate::sla::MonthRow>> {
    use crate::sla::{entity::month, MonthFigures, MonthRow};
    let keys: Vec<String> = months.iter().map(|m| m.to_string()).collect();
    let mut issued: HashMap<String, month::Model> = HashMap::new();
    for row in r.months().filter(month::Column::EngagementId.eq(e.id)).filter(month::Column::Month.is_in(keys)).all(conn).await? {
        if issued.get(&row.month).is_none_or(|x| x.version < row.version) {
            issued.insert(row.month.clone(), row);
        }
    }
    let calendar = crate::changes::service::work_calendar(conn).await?;
    let mut out = Vec::new();
    for m in months {
        match issued.remove(&m.to_string()) {
            Some(row) => {
                if let Ok(f) = serde_json::from_str::<MonthFigures>(&row.figures) {
                    out.push(MonthRow { figures: f, report_version: Some(row.version) });
                }
            }
            None => {
                if let Some(f) = figures(conn, e, terms, m, now, &calendar).await? {
                    out.push(MonthRow { figures: f, report_version: None });
                }
            }
        }
    }
    Ok(out)
}
