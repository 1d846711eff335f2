//! An agency's detail for its regulator: its board row today, twelve months per module (reports
//! on time, incidents, drills, special-period cover, SLA attainment, change notices) and links to
//! the records the regulator may open — each read through that module's reader, so an agency
//! outside the jurisdiction is "not found" in every part.
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ColumnTrait, Condition, DatabaseConnection, QueryFilter, QueryOrder, QuerySelect,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{
    scope::OversightReader,
    service::{kept_snapshot_at, month_code, month_start},
    AgencyDetail, RecordLink, Strip, StripCell, StripKind, Tone,
};
use crate::{
    backend::{
        time_fmt::{date_in_zone, format_in_zone, start_of_day_in_zone},
        ServiceError, ServiceResult,
    },
    changes::entity::{notice, notice_agency},
    exit::entity::exit,
    i18n::{Locale, Msg},
    plans::entity::{drill, incident},
    reports::{entity::period, service::Stage},
    rosters::entity::{roster, special},
    sla::entity::month,
    tenancy::{entity::website, Phase},
};

/// Counts per month code, and the cells of a strip from them.
struct Months {
    codes: Vec<String>,
}

impl Months {
    fn index(&self, code: &str) -> Option<usize> {
        self.codes.iter().position(|c| c == code)
    }

    fn strip(&self, kind: StripKind, mut cell: impl FnMut(usize) -> StripCell) -> Strip {
        Strip { kind, cells: (0..self.codes.len()).map(&mut cell).collect() }
    }
}

fn n_of(n: u32, of: u32) -> String {
    format!("{n}/{of}")
}

/// The agency's detail as of `now`.
pub async fn agency_detail(
    db: &DatabaseConnection,
    caches: &crate::backend::epoch::Caches,
    r: &OversightReader,
    agency_id: Uuid,
    now: OffsetDateTime,
    zone: &str,
    locale: Locale,
) -> ServiceResult<AgencyDetail> {
    agency_detail_at(db, caches, r, agency_id, now, now, zone, locale).await
}

/// The agency's detail as of `at` (a month's close, for its report); its row kept by the clock's
/// `now`.
#[allow(clippy::too_many_arguments)]
pub async fn agency_detail_at(
    db: &DatabaseConnection,
    caches: &crate::backend::epoch::Caches,
    r: &OversightReader,
    agency_id: Uuid,
    at: OffsetDateTime,
    clock: OffsetDateTime,
    zone: &str,
    locale: Locale,
) -> ServiceResult<AgencyDetail> {
    let now = at;
    let (snap, as_of) = kept_snapshot_at(db, caches, r, at, clock, zone).await?;
    // The snapshot follows the tree at once (it is keyed by it), so an agency outside the
    // jurisdiction today has no row.
    let row = snap.row(agency_id).cloned().ok_or(ServiceError::NotFound)?;
    let today = date_in_zone(now, zone);
    let first = month_start(today, 11);
    let from = start_of_day_in_zone(first, zone);
    let m = Months { codes: (0..12).rev().map(|back| month_code(month_start(today, back))).collect() };
    let text = |msg: Msg| msg.text(locale).to_string();

    // Reports: periods due each month — on time, late, missed.
    type P = (Uuid, Date, String, bool, Option<Uuid>);
    let periods: Vec<P> = r
        .reports
        .periods_where(None::<fn(&mut sea_orm::sea_query::SelectStatement)>)
        .filter(period::Column::AgencyId.eq(agency_id))
        .filter(period::Column::DueOn.gte(first))
        .filter(period::Column::DueOn.lt(today))
        .order_by_desc(period::Column::DueOn)
        .select_only()
        .column(period::Column::ObligationId)
        .column(period::Column::DueOn)
        .column(period::Column::Stage)
        .column(period::Column::Late)
        .column(period::Column::SubmissionId)
        .into_tuple()
        .all(db)
        .await?;
    let mut due = [(0u32, 0u32, 0u32); 12];
    for (_, due_on, stage, late, _) in &periods {
        if let Some(i) = m.index(&month_code(*due_on)) {
            due[i].0 += 1;
            if stage == Stage::Open.code() {
                due[i].2 += 1;
            } else if *late {
                due[i].1 += 1;
            }
        }
    }
    let reports = m.strip(StripKind::Reports, |i| {
        let (all, late, missed) = due[i];
        let on_time = all - late - missed;
        StripCell {
            value: on_time,
            text: if all == 0 { String::new() } else { n_of(on_time, all) },
            detail: format!("{}: {on_time} · {}: {late} · {}: {missed}", text(Msg::OvOnTime), text(Msg::OvLate), text(Msg::OvMissed)),
            tone: if all == 0 { Tone::Quiet } else if missed > 0 { Tone::Bad } else if late > 0 { Tone::Warn } else { Tone::Good },
        }
    });
    let report_links: Vec<RecordLink> = periods
        .iter()
        .filter(|p| p.2 == Stage::Open.code() || p.3)
        .take(20)
        .map(|(_, due_on, stage, _, submission)| {
            let missed = stage == Stage::Open.code();
            RecordLink {
                href: submission.map(|s| format!("/reports/submissions/{s}")).unwrap_or_else(|| "/reports?state=overdue".into()),
                text: format!("{} {due_on}", text(Msg::OvDue)),
                note: text(if missed { Msg::OvMissed } else { Msg::OvLate }),
                tone: if missed { Tone::Bad } else { Tone::Warn },
            }
        })
        .collect();

    // Incidents: opened each month, by the gravest level; the open ones and the year's.
    type I = (Uuid, String, String, String, OffsetDateTime);
    let incidents: Vec<I> = r
        .incidents
        .incidents()
        .filter(incident::Column::AgencyId.eq(agency_id))
        .filter(Condition::any().add(incident::Column::OpenedAt.gte(from)).add(incident::Column::Status.ne("closed")))
        .order_by_desc(incident::Column::OpenedAt)
        .select_only()
        .column(incident::Column::Id)
        .column(incident::Column::Title)
        .column(incident::Column::Level)
        .column(incident::Column::Status)
        .column(incident::Column::OpenedAt)
        .into_tuple()
        .all(db)
        .await?;
    let mut opened: Vec<(u32, Option<String>)> = vec![(0, None); 12];
    for (_, _, level, _, at) in &incidents {
        if let Some(i) = m.index(&month_code(date_in_zone(*at, zone))) {
            opened[i].0 += 1;
            if opened[i].1.as_ref().is_none_or(|l| level_rank(level) < level_rank(l)) {
                opened[i].1 = Some(level.clone());
            }
        }
    }
    let incident_strip = m.strip(StripKind::Incidents, |i| {
        let (n, worst) = &opened[i];
        StripCell {
            value: *n,
            text: if *n == 0 { String::new() } else { format!("{n} · {}", worst.clone().unwrap_or_default()) },
            detail: format!("{}: {n}", text(Msg::OvTrendIncidents)),
            tone: match worst.as_deref() {
                None => Tone::Quiet,
                Some("I" | "II") => Tone::Bad,
                Some("III") => Tone::Warn,
                Some(_) => Tone::Good,
            },
        }
    });
    let incident_links: Vec<RecordLink> = incidents
        .iter()
        .take(30)
        .map(|(id, title, level, status, at)| RecordLink {
            href: format!("/incidents/{id}"),
            text: title.clone(),
            note: format!(
                "{level} · {} · {}",
                crate::plans::IncidentStatus::parse(status).map(|s| text(s.label())).unwrap_or_else(|| status.clone()),
                format_in_zone(*at, zone)
            ),
            tone: if status == "closed" { Tone::Quiet } else if level_rank(level) <= 2 { Tone::Bad } else { Tone::Warn },
        })
        .collect();

    // Drills held each month.
    let drills: Vec<(Uuid, Date, String)> = r
        .emergency
        .drills()
        .filter(drill::Column::AgencyId.eq(agency_id))
        .filter(drill::Column::HeldOn.gte(first))
        .order_by_desc(drill::Column::HeldOn)
        .select_only()
        .column(drill::Column::Id)
        .column(drill::Column::HeldOn)
        .column(drill::Column::Category)
        .into_tuple()
        .all(db)
        .await?;
    let mut held = [0u32; 12];
    for (_, day, _) in &drills {
        if let Some(i) = m.index(&month_code(*day)) {
            held[i] += 1;
        }
    }
    let drill_strip = m.strip(StripKind::Drills, |i| StripCell {
        value: held[i],
        text: if held[i] == 0 { String::new() } else { held[i].to_string() },
        detail: format!("{}: {}", text(Msg::OvTrendDrills), held[i]),
        tone: if held[i] == 0 { Tone::Quiet } else { Tone::Good },
    });
    let drill_links: Vec<RecordLink> = drills
        .iter()
        .take(20)
        .map(|(id, day, category)| RecordLink {
            href: format!("/emergency/drills/{id}"),
            text: day.to_string(),
            note: crate::plans::DrillCategory::parse(category).map(|c| text(c.label())).unwrap_or_else(|| category.clone()),
            tone: Tone::Good,
        })
        .collect();

    // Special periods of the agency's desks starting each month, with their hours uncovered.
    let desks: Vec<Uuid> = r
        .rosters
        .rosters()
        .filter(roster::Column::OrganisationId.eq(agency_id))
        .select_only()
        .column(roster::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let specials: Vec<(Uuid, String, OffsetDateTime, Option<i64>)> = r
        .rosters
        .specials()
        .filter(special::Column::RosterId.is_in(desks))
        .filter(special::Column::StartsAt.gte(from))
        .order_by_desc(special::Column::StartsAt)
        .select_only()
        .column(special::Column::RosterId)
        .column(special::Column::Name)
        .column(special::Column::StartsAt)
        .column(special::Column::GapSeconds)
        .into_tuple()
        .all(db)
        .await?;
    let mut cover = [(0u32, 0i64); 12];
    for (_, _, at, gap) in &specials {
        if let Some(i) = m.index(&month_code(date_in_zone(*at, zone))) {
            cover[i].0 += 1;
            cover[i].1 += Ord::max(gap.unwrap_or(0), 0);
        }
    }
    let cover_strip = m.strip(StripKind::Cover, |i| {
        let (n, gap) = cover[i];
        let hours = (gap + 3_599) / 3_600;
        StripCell {
            value: u32::try_from(hours).unwrap_or(u32::MAX),
            text: if n == 0 { String::new() } else if hours == 0 { "✓".into() } else { format!("{hours} h") },
            detail: format!("{}: {n} · {}: {hours} h", text(Msg::OvSpecials), text(Msg::OvColCover)),
            tone: if n == 0 { Tone::Quiet } else if hours > 0 { Tone::Bad } else { Tone::Good },
        }
    });
    let cover_links: Vec<RecordLink> = specials
        .iter()
        .take(20)
        .map(|(roster_id, name, at, gap)| {
            let hours = (Ord::max(gap.unwrap_or(0), 0) + 3_599) / 3_600;
            RecordLink {
                href: format!("/rosters/{roster_id}"),
                text: name.clone(),
                note: format!("{} · {hours} h", format_in_zone(*at, zone)),
                tone: if hours > 0 { Tone::Bad } else { Tone::Good },
            }
        })
        .collect();

    // SLA: each engagement-month's latest issued report, met or breached.
    let latest = crate::sla::service::oversight::latest_verdicts(
        db,
        r.sla.months().filter(month::Column::AgencyId.eq(agency_id)).filter(month::Column::Month.gte(month_code(first))),
    )
    .await?;
    let mut sla = [(0u32, 0u32); 12];
    for ((_, mo), b) in &latest {
        if let Some(i) = m.index(mo) {
            sla[i].0 += 1;
            sla[i].1 += u32::from(*b);
        }
    }
    let sla_strip = m.strip(StripKind::Sla, |i| {
        let (all, breached) = sla[i];
        StripCell {
            value: all - breached,
            text: if all == 0 { String::new() } else { n_of(all - breached, all) },
            detail: format!("{}: {} · {}: {breached}", text(Msg::OvMet), all - breached, text(Msg::OvBreached)),
            tone: if all == 0 { Tone::Quiet } else if breached > 0 { Tone::Bad } else { Tone::Good },
        }
    });
    let mut engagements: Vec<Uuid> = latest.keys().map(|(e, _)| *e).collect();
    engagements.sort();
    engagements.dedup();
    let sla_links: Vec<RecordLink> = engagements
        .into_iter()
        .map(|e| {
            let breaches = latest.iter().filter(|((x, _), b)| *x == e && **b).count();
            RecordLink {
                href: format!("/sla/{e}"),
                text: text(Msg::OvSlaEngagement),
                note: format!("{}: {breaches}", text(Msg::OvBreached)),
                tone: if breaches > 0 { Tone::Bad } else { Tone::Good },
            }
        })
        .collect();

    // Change notices sent to the agency each month.
    let sent_to = Query::select()
        .column(notice_agency::Column::NoticeId)
        .from(notice_agency::Entity)
        .and_where(Expr::col(notice_agency::Column::AgencyId).eq(agency_id))
        .to_owned();
    let notices: Vec<(Uuid, String, String, OffsetDateTime)> = r
        .changes
        .notices()
        .filter(notice::Column::Id.in_subquery(sent_to))
        .filter(notice::Column::SubmittedAt.gte(from))
        .order_by_desc(notice::Column::SubmittedAt)
        .select_only()
        .column(notice::Column::Id)
        .column(notice::Column::Title)
        .column(notice::Column::Status)
        .column(notice::Column::SubmittedAt)
        .into_tuple()
        .all(db)
        .await?;
    let mut sent = [0u32; 12];
    for (_, _, _, at) in &notices {
        if let Some(i) = m.index(&month_code(date_in_zone(*at, zone))) {
            sent[i] += 1;
        }
    }
    let change_strip = m.strip(StripKind::Changes, |i| StripCell {
        value: sent[i],
        text: if sent[i] == 0 { String::new() } else { sent[i].to_string() },
        detail: format!("{}: {}", text(Msg::OvStripChanges), sent[i]),
        tone: Tone::Quiet,
    });
    let change_links: Vec<RecordLink> = notices
        .iter()
        .take(20)
        .map(|(id, title, status, at)| RecordLink {
            href: format!("/changes/{id}"),
            text: title.clone(),
            note: format!(
                "{} · {}",
                crate::changes::NoticeStatus::parse(status).map(|s| text(s.label())).unwrap_or_else(|| status.clone()),
                format_in_zone(*at, zone)
            ),
            tone: if status == "in_review" { Tone::Warn } else { Tone::Quiet },
        })
        .collect();

    // The agency's websites and exits, for links.
    let websites: Vec<(Uuid, String, String, i16, String)> = r
        .websites
        .websites()
        .filter(website::Column::AgencyId.eq(agency_id))
        .order_by_asc(website::Column::Name)
        .select_only()
        .column(website::Column::Id)
        .column(website::Column::Name)
        .column(website::Column::Domain)
        .column(website::Column::ProtectionLevel)
        .column(website::Column::Phase)
        .into_tuple()
        .all(db)
        .await?;
    let websites = websites
        .into_iter()
        .map(|(id, name, domain, level, phase)| RecordLink {
            href: format!("/websites/{id}"),
            text: name,
            note: format!("{domain} · L{level} · {}", Phase::parse(&phase).map(|p| text(p.label())).unwrap_or(phase)),
            tone: Tone::Quiet,
        })
        .collect();
    let exits: Vec<(Uuid, String, Date)> = r
        .exits
        .exits()
        .filter(exit::Column::AgencyId.eq(agency_id))
        .order_by_desc(exit::Column::OpenedAt)
        .select_only()
        .column(exit::Column::Id)
        .column(exit::Column::Status)
        .column(exit::Column::TargetDate)
        .into_tuple()
        .all(db)
        .await?;
    let exits = exits
        .into_iter()
        .map(|(id, status, target)| {
            let st = crate::exit::ExitStatus::parse(&status);
            RecordLink {
                href: format!("/exits/{id}"),
                text: st.map(|s| text(s.label())).unwrap_or(status),
                note: format!("{} {target}", text(Msg::ExTargetDate)),
                tone: if st.is_some_and(|s| !s.is_final()) && target < today { Tone::Bad } else { Tone::Quiet },
            }
        })
        .collect();
    Ok(AgencyDetail {
        row,
        months: m.codes.clone(),
        strips: vec![reports, incident_strip, drill_strip, cover_strip, sla_strip, change_strip],
        records: vec![
            (StripKind::Reports, report_links),
            (StripKind::Incidents, incident_links),
            (StripKind::Drills, drill_links),
            (StripKind::Cover, cover_links),
            (StripKind::Sla, sla_links),
            (StripKind::Changes, change_links),
        ],
        websites,
        exits,
        as_of: format_in_zone(as_of, zone),
    })
}

/// I is the gravest (1), IV the least (4).
fn level_rank(level: &str) -> u8 {
    match level {
        "I" => 1,
        "II" => 2,
        "III" => 3,
        _ => 4,
    }
}
