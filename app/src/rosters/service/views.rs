//! Reading rosters: a roster's timeline over a window with its gaps and coverage, and who is on
//! duty now at every desk in reach with the next change.
use super::*;
use crate::rosters::{scope::RosterReader, GapView, OnDutyRow, SegmentView, Timeline};
use crate::tenancy::scope::org_names;

/// The longest window a timeline shows, in days.
pub const MAX_TIMELINE_DAYS: i64 = 62;

/// One roster in reach over `window`, in the viewer's `zone`: who is on duty stretch by stretch,
/// the gaps in the required cover, and the covered share.
pub async fn timeline<C: ConnectionTrait>(
    db: &C,
    reader: &RosterReader,
    roster_id: Uuid,
    window: Span,
    viewer_zone: &str,
) -> ServiceResult<Timeline> {
    if window.seconds() > MAX_TIMELINE_DAYS * 86_400 {
        return Err(ServiceError::invalid("to", Msg::ErrDutyWindowTooLong));
    }
    let r = reader.roster(roster_id).one(db).await?.ok_or(ServiceError::NotFound)?;
    let loaded = load(db, r, window).await?;
    let (segments, required, gaps) = loaded.resolve(window);
    let quality = rules::quality(&segments, &required);
    // Collected before the await: an iterator of borrowing closures held across it trips the
    // compiler's proof that the future is `Send`.
    let named: Vec<Uuid> = segments.iter().flat_map(|s| s.primary.iter().chain(s.backup.iter()).copied()).collect();
    let names = people_refs(db, named).await?;
    let zone = zone_of(viewer_zone);
    Ok(Timeline {
        roster_id: loaded.roster.id,
        name: loaded.roster.name.clone(),
        time_zone: loaded.roster.time_zone.clone(),
        from: local(window.start, &zone),
        to: local(window.end, &zone),
        segments: segments
            .iter()
            .map(|s| SegmentView {
                start: local(s.span.start, &zone),
                end: local(s.span.end, &zone),
                primary: refs(&s.primary, &names),
                backup: refs(&s.backup, &names),
                gap: gaps.iter().any(|g| g.span.overlaps(s.span)),
            })
            .collect(),
        gaps: gaps
            .iter()
            .map(|g| GapView {
                start: local(g.span.start, &zone),
                end: local(g.span.end, &zone),
                hours: (g.span.seconds() as f64 / 360.0).round() / 10.0,
                backup: refs(&g.backup, &names),
            })
            .collect(),
        coverage_permille: quality.coverage_permille(),
    })
}

/// How far ahead "the next change" looks.
const NEXT_CHANGE_DAYS: i64 = 7;

/// Every desk in reach (archived ones left out) with who is on duty at `now` and when that next
/// changes, ordered by organisation and roster name.
pub async fn on_duty_now<C: ConnectionTrait>(
    db: &C,
    reader: &RosterReader,
    now: OffsetDateTime,
    viewer_zone: &str,
) -> ServiceResult<Vec<OnDutyRow>> {
    let rosters = reader.rosters().filter(roster::Column::ArchivedAt.is_null()).all(db).await?;
    let at = to_rules(now);
    let window = Span {
        start: at,
        end: at.checked_add(jiff::SignedDuration::from_hours(24 * NEXT_CHANGE_DAYS)).unwrap_or(Timestamp::MAX),
    };
    let orgs = org_names(db, rosters.iter().map(|r| r.organisation_id)).await?;
    let zone = zone_of(viewer_zone);
    let mut rows = Vec::with_capacity(rosters.len());
    let mut people = BTreeSet::new();
    let mut resolved = Vec::with_capacity(rosters.len());
    for r in rosters {
        let loaded = load(db, r, window).await?;
        let segments = loaded.rules.resolve(window);
        if let Some(first) = segments.first() {
            people.extend(first.primary.iter().chain(first.backup.iter()).copied());
        }
        resolved.push((loaded.roster, segments));
    }
    let names = people_refs(db, people).await?;
    for (r, segments) in resolved {
        let first = segments.first();
        let empty = BTreeSet::new();
        rows.push(OnDutyRow {
            roster_id: r.id,
            roster: r.name.clone(),
            organisation_id: r.organisation_id,
            organisation: orgs.get(&r.organisation_id).cloned().unwrap_or_default(),
            phone: r.phone.clone(),
            email: r.email.clone(),
            primary: refs(first.map_or(&empty, |s| &s.primary), &names),
            backup: refs(first.map_or(&empty, |s| &s.backup), &names),
            next_change: segments.get(1).map(|s| local(s.span.start, &zone)),
        });
    }
    rows.sort_by(|a, b| a.organisation.cmp(&b.organisation).then(a.roster.cmp(&b.roster)));
    Ok(rows)
}

/// The Monday (`YYYY-MM-DD`) of the week holding `t` on `zone`'s calendar.
pub fn week_of(t: Timestamp, zone: &TimeZone) -> String {
    monday_of(zone.to_datetime(t).date()).to_string()
}

/// The Monday of the week holding `day`.
fn monday_of(day: civil::Date) -> civil::Date {
    let back = i64::from(day.weekday().to_monday_zero_offset());
    day.checked_sub(jiff::Span::new().days(back)).unwrap_or(day)
}

/// One roster in reach: its desk, the week from `week` (a `YYYY-MM-DD`; the current week when
/// empty or unreadable) with its gaps, the rotations in force, the overrides and special periods
/// still to come, and — for its manager — the people who may stand its duty.
pub async fn detail<C: ConnectionTrait>(
    db: &C,
    reader: &RosterReader,
    manager: Option<&crate::rosters::scope::RosterManager>,
    id: Uuid,
    week: &str,
    now: OffsetDateTime,
    viewer_zone: &str,
) -> ServiceResult<crate::rosters::RosterDetail> {
    use crate::rosters::{OverrideRow, RosterDetail, RotationRow, SpecialRow};
    let r = reader.roster(id).one(db).await?.ok_or(ServiceError::NotFound)?;
    let zone = zone_of(&r.time_zone);
    let viewer = zone_of(viewer_zone);
    let at = to_rules(now);
    let monday = monday_of(parse_day(week).unwrap_or_else(|| zone.to_datetime(at).date()));
    let next = monday.checked_add(jiff::Span::new().days(7)).unwrap_or(monday);
    let previous = monday.checked_sub(jiff::Span::new().days(7)).unwrap_or(monday);
    let window = Span::new(Clock::MIDNIGHT.on(monday, &zone), Clock::MIDNIGHT.on(next, &zone))
        .ok_or(ServiceError::invalid("from", Msg::ErrDutyDate))?;
    let timeline = timeline(db, reader, id, window, viewer_zone).await?;
    let orgs = org_names(db, [r.organisation_id]).await?;
    let rows = crate::rosters::scope::rows_of(&r);

    let versions = rows.rotations()
        .filter(rotation::Column::ValidUntil.is_null().or(rotation::Column::ValidUntil.gt(now)))
        .order_by_asc(rotation::Column::Layer)
        .order_by_asc(rotation::Column::Name)
        .all(db)
        .await?;
    let members = rows.members(versions.iter().map(|v| v.id))
        .order_by_asc(member::Column::Position)
        .all(db)
        .await?;
    let overrides = rows.overrides()
        .filter(override_::Column::WithdrawnAt.is_null())
        .filter(override_::Column::EndsAt.gt(now))
        .order_by_asc(override_::Column::StartsAt)
        .all(db)
        .await?;
    let specials = rows.specials()
        .filter(special::Column::EndsAt.gt(now))
        .order_by_asc(special::Column::StartsAt)
        .all(db)
        .await?;
    let people_ids: Vec<Uuid> = members
        .iter()
        .map(|m| m.person_id)
        .chain(overrides.iter().flat_map(|o| std::iter::once(o.person_id).chain(o.replaces_id)))
        .collect();
    let names = people_refs(db, people_ids).await?;
    let person = |id: Uuid| PersonRef { id, name: names.get(&id).cloned().unwrap_or_default() };

    let fixed = rows.fixed_shifts(specials.iter().map(|p| p.id)).order_by_asc(crate::rosters::entity::fixed_shift::Column::StartsAt).all(db).await?;
    let fixed_names = people_refs(db, fixed.iter().map(|f| f.person_id).collect::<Vec<_>>()).await?;
    let mut special_rows = Vec::with_capacity(specials.len());
    for p in &specials {
        let Some(span) = Span::new(to_rules(p.starts_at), to_rules(p.ends_at)) else { continue };
        let loaded = load(db, r.clone(), span).await?;
        let (_, _, gaps) = loaded.resolve(span);
        special_rows.push(SpecialRow {
            id: p.id,
            name: p.name.clone(),
            starts_at: local(span.start, &viewer),
            ends_at: local(span.end, &viewer),
            round_the_clock: p.round_the_clock,
            report_every_hours: p.report_every_hours,
            gap_hours: (gaps.iter().map(|g| g.span.seconds()).sum::<i64>() as f64 / 360.0).round() / 10.0,
            first_gap: gaps.first().map(|g| week_of(g.span.start, &zone)),
            published: p.published_at.is_some(),
            gaps_accepted: p.gaps_accepted_reason.clone(),
            fixed: fixed
                .iter()
                .filter(|f| f.special_id == p.id)
                .map(|f| crate::rosters::FixedShiftRow {
                    person: PersonRef { id: f.person_id, name: fixed_names.get(&f.person_id).cloned().unwrap_or_default() },
                    layer: f.layer.clone(),
                    start: local(to_rules(f.starts_at), &viewer),
                    end: local(to_rules(f.ends_at), &viewer),
                })
                .collect(),
        });
    }
    let people = match manager {
        Some(m) if m.organisation_id() == r.organisation_id => m
            .people()
            .order_by_asc(crate::tenancy::entity::person::Column::DisplayName)
            .all(db)
            .await?
            .into_iter()
            .map(|p| PersonRef { id: p.id, name: p.display_name })
            .collect(),
        _ => Vec::new(),
    };
    let offers = super::roster_offers(db, &r, now, viewer_zone).await?;
    let handovers = super::recent_handovers(db, &r, now, viewer_zone).await?;
    let week_back = Span { start: at.checked_sub(jiff::SignedDuration::from_hours(24 * 7)).unwrap_or(at), end: at };
    let stood = super::stood_history(db, &r, week_back, viewer_zone).await?;
    Ok(RosterDetail {
        month: zone.to_datetime(at).strftime("%Y-%m").to_string(),
        offers,
        handovers,
        stood,
        id: r.id,
        name: r.name.clone(),
        organisation: orgs.get(&r.organisation_id).cloned().unwrap_or_default(),
        time_zone: r.time_zone.clone(),
        cover: r.cover.clone(),
        phone: r.phone.clone(),
        email: r.email.clone(),
        timeline,
        week: monday.to_string(),
        previous_week: previous.to_string(),
        next_week: next.to_string(),
        rotations: versions
            .iter()
            .map(|v| RotationRow {
                id: v.id,
                name: v.name.clone(),
                layer: v.layer.clone(),
                pattern: v.pattern.clone(),
                every_days: v.every_days,
                weekdays: Days::from_bits(u8::try_from(v.weekdays).unwrap_or(0)).code(),
                handoff: v.handoff.clone(),
                anchor: v.anchor.to_string(),
                hours: v.hours.clone(),
                members: members.iter().filter(|m| m.rotation_id == v.id).map(|m| person(m.person_id)).collect(),
                since: local(to_rules(v.valid_from), &viewer),
            })
            .collect(),
        overrides: overrides
            .iter()
            .map(|o| OverrideRow {
                id: o.id,
                layer: o.layer.clone(),
                kind: o.kind.clone(),
                person: person(o.person_id),
                replaces: o.replaces_id.map(person),
                starts_at: local(to_rules(o.starts_at), &viewer),
                ends_at: local(to_rules(o.ends_at), &viewer),
                reason: o.reason.clone(),
            })
            .collect(),
        specials: special_rows,
        can_manage: manager.is_some_and(|m| m.organisation_id() == r.organisation_id),
        people,
    })
}

/// `YYYY-Qn` and its first day; none when unreadable.
fn parse_quarter(text: &str) -> Option<civil::Date> {
    let (year, q) = text.trim().split_once("-Q")?;
    let (year, q) = (year.parse::<i16>().ok()?, q.parse::<i8>().ok()?);
    if !(1..=4).contains(&q) {
        return None;
    }
    civil::Date::new(year, (q - 1) * 3 + 1, 1).ok()
}

fn quarter_name(first: civil::Date) -> String {
    format!("{}-Q{}", first.year(), (first.month() - 1) / 3 + 1)
}

/// A roster in reach over a quarter (`YYYY-Qn`; the current one when empty): coverage of the
/// required hours and each person's primary hours, most loaded first.
pub async fn quality<C: ConnectionTrait>(
    db: &C,
    reader: &RosterReader,
    roster_id: Uuid,
    quarter: &str,
    now: OffsetDateTime,
) -> ServiceResult<crate::rosters::QualityView> {
    use crate::rosters::{LoadRow, QualityView};
    let r = reader.roster(roster_id).one(db).await?.ok_or(ServiceError::NotFound)?;
    let zone = zone_of(&r.time_zone);
    let first = match quarter.trim() {
        "" => {
            let today = zone.to_datetime(to_rules(now)).date();
            civil::Date::new(today.year(), (today.month() - 1) / 3 * 3 + 1, 1).unwrap_or(today)
        }
        q => parse_quarter(q).ok_or(ServiceError::invalid("quarter", Msg::ErrDutyQuarter))?,
    };
    let step = jiff::Span::new().months(3);
    let next = first.checked_add(step).map_err(|_| ServiceError::invalid("quarter", Msg::ErrDutyQuarter))?;
    let previous = first.checked_sub(step).map_err(|_| ServiceError::invalid("quarter", Msg::ErrDutyQuarter))?;
    let window = Span::new(Clock::MIDNIGHT.on(first, &zone), Clock::MIDNIGHT.on(next, &zone))
        .ok_or(ServiceError::invalid("quarter", Msg::ErrDutyQuarter))?;
    let loaded = load(db, r, window).await?;
    let (segments, required, gaps) = loaded.resolve(window);
    let q = rules::quality(&segments, &required);
    let uncovered: i64 = gaps.iter().map(|g| g.span.seconds()).sum();
    let required_seconds: i64 = required.iter().map(|s| s.seconds()).sum();
    let names = people_refs(db, q.by_person.iter().map(|(p, _)| *p).collect::<Vec<_>>()).await?;
    let total: i64 = q.by_person.iter().map(|(_, s)| s).sum();
    let hours = |s: i64| (s as f64 / 360.0).round() / 10.0;
    Ok(QualityView {
        quarter: quarter_name(first),
        previous: quarter_name(previous),
        next: quarter_name(next),
        required_hours: hours(required_seconds),
        covered_hours: hours(required_seconds - uncovered),
        coverage_permille: if required_seconds == 0 { 1000 } else { (required_seconds - uncovered) * 1000 / required_seconds },
        people: q
            .by_person
            .iter()
            .map(|(p, s)| LoadRow {
                person: PersonRef { id: *p, name: names.get(p).cloned().unwrap_or_default() },
                hours: hours(*s),
                share_permille: if total == 0 { 0 } else { s * 1000 / total },
            })
            .collect(),
    })
}
