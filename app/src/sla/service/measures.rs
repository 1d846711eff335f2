//! Measured entries (backup runs, restore tests, trainings, retention checks) entered by either
//! party of an engagement in force or through the API, withdrawn only by the party that entered
//! them; and the terms they, the faults' responses and the incidents' reports judge over a month
//! or a year, each against the agreement version governing its month.
use std::collections::HashMap;

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{
    days::secs,
    months::{agreement_of, Terms},
    other_party, writable,
};
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{actor::Acting, db::write_txn, epoch, error::Fields, ServiceError, ServiceResult},
    i18n::Msg,
    plans::entity::incident,
    sla::{
        entity::{measure, record},
        rules::{
            measured::{required_oldest, retention_kept, schedule, Delays},
            Agreement, Amount, Month,
        },
        scope::{of_engagement, SlaReader, SlaWriter},
        DelayFigure, MeasureInput, MeasureKind, MeasureView, MeasuredTerms, RecordKind, RestoreFigure, RetentionFigure, Review, ScheduleFigure, TermState,
        TrainingFigure, MAX_TEXT_CHARS,
    },
    tenancy::{
        entity::engagement,
        rules::{format_date, parse_date},
    },
};

/// The most missed backup periods a figure names (the count says the rest).
const MISSED_NAMED: usize = 31;

/// The day holding Unix second `s` on the agreement's clock.
fn day_at(s: i64, zone: &jiff::tz::TimeZone) -> Date {
    jiff::Timestamp::from_second(s).map(|t| crate::sla::rules::date_of(zone.to_datetime(t).date())).unwrap_or(Date::MIN)
}

/// The days the SLA counts whole, `[first, end)`: a day cut by an early end is left out.
fn in_force_days(t: &Terms) -> (Date, Date) {
    (day_at(t.in_force.start, &t.zone), day_at(t.in_force.end, &t.zone))
}

/// Enters a measured entry on an engagement in force.
pub async fn record(db: &DatabaseConnection, by: &Acting<'_>, w: &SlaWriter, engagement_id: Uuid, input: &MeasureInput) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let e = writable(&txn, w, engagement_id).await?;
    let t = super::months::terms(&txn, &e).await?.ok_or(ServiceError::Conflict { field: "kind", msg: Msg::SlaErrMeasureNoAgreement })?;
    let mut f = Fields::new();
    let kind = f.check("kind", MeasureKind::parse(input.kind.trim()).ok_or(Msg::ErrChoose));
    let day = f.check("on_day", parse_date(&input.on_day));
    let today = day_at(secs(now), &t.zone);
    let (first, end) = in_force_days(&t);
    if let Some(d) = day {
        if d > today {
            f.refuse("on_day", Msg::SlaErrMeasureFuture);
        } else if d < first || d >= end {
            f.refuse("on_day", Msg::SlaErrMeasureOutside);
        }
    }
    let outcome = match (kind, input.outcome.trim()) {
        (Some(k), "passed") if k.has_outcome() => Some(true),
        (Some(k), "failed") if k.has_outcome() => Some(false),
        (Some(k), _) if k.has_outcome() => {
            f.refuse("outcome", Msg::ErrChoose);
            None
        }
        // A training happened; a check's finding is its oldest day: no outcome to read.
        (Some(_), _) => Some(true),
        (None, _) => None,
    };
    let oldest = match (kind, input.oldest.trim()) {
        (Some(k), "") if k.is_check() => {
            f.refuse("oldest", Msg::SlaErrOldestNeeded);
            None
        }
        (Some(k), text) if k.is_check() => match parse_date(text) {
            Ok(o) if day.is_some_and(|d| o > d) => {
                f.refuse("oldest", Msg::SlaErrOldestAfter);
                None
            }
            Ok(o) => Some(Some(o)),
            Err(m) => {
                f.refuse("oldest", m);
                None
            }
        },
        (Some(_), "") => Some(None),
        (Some(_), _) => {
            f.refuse("oldest", Msg::SlaErrOldestNotAsked);
            None
        }
        (None, _) => None,
    };
    let note = input.note.trim();
    if note.chars().count() > MAX_TEXT_CHARS {
        f.refuse("note", Msg::SlaErrTextLong);
    }
    let (kind, day, passed, oldest) = f.finish_with(|| Some((kind?, day?, outcome?, oldest?)))?;
    let row = measure::ActiveModel {
        id: Set(Uuid::now_v7()),
        engagement_id: Set(e.id),
        kind: Set(kind.code().into()),
        on_day: Set(day),
        passed: Set(passed),
        oldest: Set(oldest),
        note: Set(note.to_string()),
        recorded_by: Set(actor.person_id),
        recorded_org: Set(actor.organisation_id),
        recorded_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let other = other_party(&e, actor.organisation_id);
    let summary = format!("{} {}{}", kind.code(), format_date(day), if passed { "" } else { " failed" });
    AuditEntry::mirrored(actor, meta, AuditAction::SlaMeasured, described(&row), summary, other).record(&txn, now).await?;
    epoch::commit_change(txn).await?;
    Ok(row.id)
}

fn described(m: &measure::Model) -> String {
    format!("engagement {} sla measure {} {}", m.engagement_id, m.id, m.kind)
}

/// Withdraws an entry its own party made (a mistaken entry; the trail keeps both facts).
pub async fn withdraw(db: &DatabaseConnection, by: &Acting<'_>, w: &SlaWriter, engagement_id: Uuid, measure_id: Uuid) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let e = writable(&txn, w, engagement_id).await?;
    let m = w
        .reader()
        .measures()
        .filter(measure::Column::Id.eq(measure_id))
        .filter(measure::Column::EngagementId.eq(e.id))
        .one(&txn)
        .await?
        // The engagement is the writer's: an entry not on it was withdrawn already (or never was).
        .ok_or(ServiceError::Conflict { field: "measure", msg: Msg::SlaErrMeasureGone })?;
    if m.recorded_org != actor.organisation_id {
        return Err(ServiceError::invalid("measure", Msg::SlaErrMeasureNotYours));
    }
    measure::Entity::delete_by_id(m.id).exec(&txn).await?;
    let other = other_party(&e, actor.organisation_id);
    let summary = format!("{} {}", m.kind, format_date(m.on_day));
    AuditEntry::mirrored(actor, meta, AuditAction::SlaMeasureWithdrawn, described(&m), summary, other).record(&txn, now).await?;
    epoch::commit_change(txn).await
}

/// Entries as the pages show them: a check with the oldest day its month's agreement requires.
pub(super) fn views(rows: &[measure::Model], t: &Terms, names: &HashMap<Uuid, String>, writer: Option<Uuid>) -> Vec<MeasureView> {
    rows.iter()
        .filter_map(|m| {
            let kind = MeasureKind::parse(&m.kind)?;
            let kept = |d: Date| {
                let month = Month::new(d.year() as i16, u8::from(d.month()) as i8)?;
                let a = agreement_of(t.governing(month)?)?;
                Some(if kind == MeasureKind::LogCheck { a.log_retention } else { a.backup_retention })
            };
            let required = if kind.is_check() { kept(m.on_day).map(|k| required_oldest(m.on_day, k)) } else { None };
            Some(MeasureView {
                id: m.id,
                kind,
                on_day: format_date(m.on_day),
                passed: if kind.has_outcome() {
                    Some(m.passed)
                } else if kind.is_check() {
                    Some(matches!((m.oldest, required), (Some(o), Some(r)) if o <= r))
                } else {
                    None
                },
                oldest: m.oldest.map(format_date),
                required: required.map(format_date),
                note: m.note.clone(),
                recorded_by: names.get(&m.recorded_org).cloned().unwrap_or_default(),
                can_withdraw: writer == Some(m.recorded_org),
            })
        })
        .collect()
}

/// The latest entries of an engagement in reach, newest first.
pub(super) async fn latest<C: ConnectionTrait>(conn: &C, r: &SlaReader, id: Uuid, limit: u64) -> ServiceResult<Vec<measure::Model>> {
    Ok(r.measures()
        .filter(measure::Column::EngagementId.eq(id))
        .order_by_desc(measure::Column::OnDay)
        .order_by_desc(measure::Column::RecordedAt)
        .limit(limit)
        .all(conn)
        .await?)
}

fn state(judged: bool, met: bool, open: bool) -> TermState {
    match (judged, met) {
        (true, false) => TermState::Missed,
        (true, true) => TermState::Met,
        (false, _) if open => TermState::Open,
        (false, _) => TermState::Unmeasured,
    }
}

fn delay_figure(d: &Delays, limit: u16) -> DelayFigure {
    DelayFigure {
        limit_minutes: limit,
        on_time: d.on_time,
        late: d.late,
        awaiting: d.awaiting,
        overdue: d.overdue,
        worst_minutes: d.worst.map(|s| (s + 59) / 60),
        state: if d.total() == 0 {
            TermState::Unmeasured
        } else if !d.met() {
            TermState::Missed
        } else if d.awaiting > 0 {
            TermState::Open
        } else {
            TermState::Met
        },
    }
}

fn period_text(p: (Date, Date)) -> String {
    let last = p.1.previous_day().unwrap_or(p.0);
    if last == p.0 {
        format_date(p.0)
    } else {
        format!("{} – {}", format_date(p.0), format_date(last))
    }
}

/// The terms records and measured entries judge over `months` (in order, each within the SLA),
/// each month under the version governing it. `writer`: the organisation that may withdraw.
pub async fn terms_over<C: ConnectionTrait>(
    conn: &C,
    e: &engagement::Model,
    t: &Terms,
    months: &[Month],
    names: &HashMap<Uuid, String>,
    writer: Option<Uuid>,
    now: OffsetDateTime,
) -> ServiceResult<MeasuredTerms> {
    let (Some(first), Some(last)) = (months.first().copied(), months.last().copied()) else { return Err(ServiceError::NotFound) };
    let governing = |m: Month| -> ServiceResult<Agreement> {
        let v = t.governing(m).or_else(|| t.versions.first()).ok_or(ServiceError::NotFound)?;
        agreement_of(v).ok_or_else(|| ServiceError::Internal(format!("sla version {} unreadable", v.id)))
    };
    let latest = governing(last)?;
    let now_s = secs(now);
    let today = day_at(now_s, &t.zone);
    let (span_start, span_end) = (first.window(&t.zone).start, last.window(&t.zone).end);
    let (from, until) = (day_at(span_start, &t.zone), day_at(span_end, &t.zone));
    let at = super::days::at;

    // Faults started in the span: from their start to the CSP's response.
    let faults = of_engagement::records(e.id)
        .filter(record::Column::Kind.eq(RecordKind::Fault.code()))
        .filter(record::Column::Review.ne(Review::Disputed.code()))
        .filter(record::Column::StartedAt.gte(at(span_start)?))
        .filter(record::Column::StartedAt.lt(at(span_end)?))
        .all(conn)
        .await?;
    // Incidents of the agency on the engagement's websites detected in the span.
    let sites: Vec<Uuid> = of_engagement::websites(e.id).all(conn).await?.into_iter().map(|w| w.website_id).collect();
    let incidents = of_engagement::incidents_on(e.agency_id, sites)
        .filter(incident::Column::DetectedAt.gte(at(span_start)?))
        .filter(incident::Column::DetectedAt.lt(at(span_end)?))
        .all(conn)
        .await?;
    let (mut response, mut emergency) = (Delays::default(), Delays::default());
    let mut limits = (latest.response_minutes, latest.emergency_minutes);
    for m in months {
        let a = governing(*m)?;
        let w = m.window(&t.zone);
        for f in faults.iter().filter(|f| (w.start..w.end).contains(&secs(f.started_at))) {
            response.add(secs(f.started_at), f.responded_at.map(secs), i64::from(a.response_minutes) * 60, now_s);
        }
        for i in &incidents {
            let Some(detected) = i.detected_at.map(secs).filter(|d| (w.start..w.end).contains(d)) else { continue };
            emergency.add(detected, i.reported_csp_at.map(secs), i64::from(a.emergency_minutes) * 60, now_s);
        }
        limits = (a.response_minutes, a.emergency_minutes);
    }

    // Measured entries: the span, the week or month before it (a period ending in the span
    // starts before it), and the whole calendar year for trainings.
    let year_start = Date::from_calendar_date(until.previous_day().unwrap_or(until).year(), time::Month::January, 1).unwrap_or(from);
    let fetch_from = year_start.min(from - time::Duration::days(31));
    let rows = of_engagement::measures(e.id)
        .filter(measure::Column::OnDay.gte(fetch_from))
        .filter(measure::Column::OnDay.lt(until))
        .order_by_desc(measure::Column::OnDay)
        .order_by_desc(measure::Column::RecordedAt)
        .all(conn)
        .await?;
    let of_kind = |k: MeasureKind| rows.iter().filter(move |m| m.kind == k.code());
    let in_span = |m: &&measure::Model| m.on_day >= from && m.on_day < until;

    // The backup schedule, month by month (each month's agreed frequency).
    let runs: Vec<(Date, bool)> = of_kind(MeasureKind::Backup).map(|m| (m.on_day, m.passed)).collect();
    let mut sched = crate::sla::rules::measured::Schedule::default();
    let mut every = latest.backup_every;
    for m in months {
        let a = governing(*m)?;
        let span = (day_at(m.window(&t.zone).start, &t.zone), day_at(m.window(&t.zone).end, &t.zone));
        let s = schedule(a.backup_every, &runs, span, in_force_days(t), today);
        sched.periods += s.periods;
        sched.met += s.met;
        sched.missed.extend(s.missed);
        sched.runs += s.runs;
        sched.failed += s.failed;
        every = a.backup_every;
    }
    let month_open = until > today;
    let backups = ScheduleFigure {
        every: every.every_text(),
        periods: sched.periods,
        met: sched.met,
        missed: sched.missed.iter().take(MISSED_NAMED).map(|p| period_text(*p)).collect(),
        runs: sched.runs,
        failed: sched.failed,
        state: state(sched.periods > 0, sched.met == sched.periods, month_open),
    };

    // Retention: each check against the version governing its month.
    let retention = |k: MeasureKind, kept_of: fn(&Agreement) -> Amount| -> ServiceResult<RetentionFigure> {
        let checks: Vec<&measure::Model> = of_kind(k).filter(in_span).collect();
        let mut short = 0;
        for c in &checks {
            let m = Month::new(c.on_day.year() as i16, u8::from(c.on_day.month()) as i8).ok_or(ServiceError::NotFound)?;
            let kept = kept_of(&governing(m)?);
            if !c.oldest.is_some_and(|o| retention_kept(c.on_day, o, kept)) {
                short += 1;
            }
        }
        let latest_check = checks.first().map(|c| views(&[(*c).clone()], t, names, writer)).and_then(|mut v| v.pop());
        Ok(RetentionFigure {
            kept: kept_of(&latest).kept_text(),
            checks: checks.len() as u32,
            short,
            latest: latest_check,
            state: state(!checks.is_empty(), short == 0, month_open),
        })
    };
    let backup_retention = retention(MeasureKind::BackupCheck, |a| a.backup_retention)?;
    let log_retention = retention(MeasureKind::LogCheck, |a| a.log_retention)?;

    let restores_in: Vec<&measure::Model> = of_kind(MeasureKind::RestoreTest).filter(in_span).collect();
    let last_passed = of_engagement::measures(e.id)
        .filter(measure::Column::Kind.eq(MeasureKind::RestoreTest.code()))
        .filter(measure::Column::Passed.eq(true))
        .filter(measure::Column::OnDay.lt(until))
        .order_by_desc(measure::Column::OnDay)
        .one(conn)
        .await?;
    let restores = RestoreFigure {
        tests: restores_in.len() as u32,
        passed: restores_in.iter().filter(|m| m.passed).count() as u32,
        last_passed: last_passed.map(|m| format_date(m.on_day)),
    };

    // Trainings: the calendar year the span ends in, up to its end.
    let held = of_kind(MeasureKind::Training).filter(|m| m.on_day >= year_start).count() as u32;
    let year_over = Date::from_calendar_date(year_start.year() + 1, time::Month::January, 1).is_ok_and(|next| next <= today);
    let trainings = TrainingFigure {
        year: year_start.year(),
        held,
        target: latest.trainings,
        state: if held >= u32::from(latest.trainings) {
            TermState::Met
        } else if year_over {
            TermState::Missed
        } else {
            TermState::Open
        },
    };
    let entries: Vec<measure::Model> = rows.iter().filter(in_span).cloned().collect();
    Ok(MeasuredTerms {
        response: delay_figure(&response, limits.0),
        emergency: delay_figure(&emergency, limits.1),
        backups,
        backup_retention,
        log_retention,
        restores,
        trainings,
        entries: views(&entries, t, names, writer),
    })
}
