//! The duty actually stood: the duty job records who comes on and goes off at each roster as it
//! happens (never recomputed later from the rules of the day), keeps each roster's next change,
//! whether it is uncovered now and its special periods' gaps still to come — so a jurisdiction's
//! overview reads rows, not thousands of resolved rosters. Managers correct the record with a
//! reason (a new row naming the one it corrects); the hours per person and month come from it.
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, IntoActiveModel, PaginatorTrait, QuerySelect, QueryTrait};

use super::*;
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{actor::Acting, csv_export::CsvExport, db::write_txn, epoch, error::FieldError},
    rosters::{
        entity::stood,
        scope::{rows_of, RosterManager, RosterReader},
        CorrectionInput, DutyOverview, OnDutyRow, OverviewFilter, OverviewRow, StoodRow, UncoveredSpecial,
    },
    tenancy::{entity::organisation, scope::org_names},
};

const DAY: i64 = 86_400;

fn plus(t: Timestamp, seconds: i64) -> Timestamp {
    t.checked_add(jiff::SignedDuration::from_secs(seconds)).unwrap_or(if seconds < 0 { Timestamp::MIN } else { Timestamp::MAX })
}

/// How far ahead the job resolves a roster (its next change is looked for within it).
const RESOLVE_DAYS: i64 = 8;
/// Special periods starting within this many days get their gaps kept current.
const SPECIAL_HORIZON_DAYS: i64 = 31;

/// Records the duty of up to `batch` rosters that are due (their next change has come, or they
/// were edited): returns how many were recorded.
pub async fn record_duty(db: &DatabaseConnection, now: OffsetDateTime, batch: u64) -> ServiceResult<usize> {
    let due = crate::rosters::scope::rosters_to_resolve(now).limit(batch).all(db).await?;
    for r in &due {
        record_roster(db, r.id, now).await?;
    }
    Ok(due.len())
}

/// One roster: closes the stood rows of whoever went off, opens rows for whoever came on, and
/// notes when to look again. The roster's row is locked first, so an edit made meanwhile waits,
/// then marks the roster to be recorded again.
async fn record_roster(db: &DatabaseConnection, id: Uuid, now: OffsetDateTime) -> ServiceResult<()> {
    let txn = write_txn(db).await?;
    let Some(r) = crate::rosters::scope::roster_for_update(&txn, id).await? else {
        txn.commit().await?;
        return Ok(());
    };
    let at = to_rules(now);
    let window = Span { start: at, end: plus(at, RESOLVE_DAYS * DAY) };
    let loaded = load(&txn, r, window).await?;
    let (segments, required, gaps) = loaded.resolve(window);
    let on: BTreeSet<(Uuid, &'static str)> = segments
        .first()
        .map(|s| {
            s.primary
                .iter()
                .map(|p| (*p, "primary"))
                .chain(s.backup.iter().map(|p| (*p, "backup")))
                .collect()
        })
        .unwrap_or_default();
    let rows = rows_of(&loaded.roster);
    let open = rows.stood().filter(stood::Column::EndsAt.is_null()).all(&txn).await?;
    // When the change happened: the recorded next change, once it has come (the job runs within a
    // minute of it); after an edit, now.
    let changed = loaded.roster.resolved_until.filter(|t| *t <= now).unwrap_or(now);
    for row in &open {
        if !on.contains(&(row.person_id, row.layer.as_str())) {
            let ends = std::cmp::max(changed, row.starts_at);
            let mut a = row.clone().into_active_model();
            a.ends_at = Set(Some(ends));
            a.update(&txn).await?;
        }
    }
    for (person, layer) in &on {
        if !open.iter().any(|o| o.person_id == *person && o.layer == *layer) {
            stood::ActiveModel {
                id: Set(Uuid::new_v4()),
                roster_id: Set(loaded.roster.id),
                person_id: Set(*person),
                layer: Set((*layer).into()),
                starts_at: Set(changed),
                ends_at: Set(None),
                recorded_at: Set(now),
                corrects: Set(None),
                reason: Set(None),
                recorded_by: Set(None),
            }
            .insert(&txn)
            .await?;
        }
    }
    // Look again at the next change of who is on duty or of the cover required.
    let next = segments
        .get(1)
        .map(|s| s.span.start)
        .into_iter()
        .chain(required.iter().flat_map(|s| [s.start, s.end]).filter(|t| *t > at))
        .min()
        .unwrap_or(window.end);
    let uncovered_now = gaps.first().is_some_and(|g| g.span.contains(at));
    let since = uncovered_now.then(|| loaded.roster.uncovered_since.unwrap_or(changed));
    // Special periods to come: their gaps still to come.
    let specials = rows
        .specials()
        .filter(special::Column::EndsAt.gt(now))
        .filter(special::Column::StartsAt.lt(to_db(plus(at, SPECIAL_HORIZON_DAYS * DAY))))
        .all(&txn)
        .await?;
    for p in specials {
        let Some(span) = Span::new(std::cmp::max(to_rules(p.starts_at), at), to_rules(p.ends_at)) else { continue };
        let whole = load(&txn, loaded.roster.clone(), span).await?;
        let (_, _, gaps) = whole.resolve(span);
        let seconds: i64 = gaps.iter().map(|g| g.span.seconds()).sum();
        let first = gaps.first().map(|g| to_db(g.span.start));
        if p.gap_seconds != Some(seconds) || p.first_gap_at != first {
            let mut a = p.into_active_model();
            a.gap_seconds = Set(Some(seconds));
            a.first_gap_at = Set(first);
            a.update(&txn).await?;
        }
    }
    let mut a = loaded.roster.into_active_model();
    a.resolved_until = Set(Some(to_db(next)));
    a.uncovered_since = Set(since);
    a.update(&txn).await?;
    // No data epoch: nothing cached reads these rows, and a minute's tick must not empty caches.
    txn.commit().await?;
    Ok(())
}

/// Desks per page of a jurisdiction's overview, counted in organisations.
pub const OVERVIEW_PAGE: u64 = 50;

/// A jurisdiction's duty desks (or any reader's), one page of organisations by name, with the
/// duty recorded as under way and the special periods that still lack cover.
pub async fn overview<C: ConnectionTrait>(
    db: &C,
    reader: &RosterReader,
    filter: &OverviewFilter,
    now: OffsetDateTime,
    viewer_zone: &str,
) -> ServiceResult<DutyOverview> {
    let orgs = overview_orgs(reader, filter);
    let organisations = orgs.clone().count(db).await?;
    let pages = std::cmp::max(organisations.div_ceil(OVERVIEW_PAGE), 1);
    let page = std::cmp::min(filter.page, pages - 1);
    let page_orgs = org_page(db, orgs, page * OVERVIEW_PAGE, OVERVIEW_PAGE).await?;
    let rows = desk_rows(db, reader, filter, &page_orgs, viewer_zone).await?;
    let mut uncovered = reader.rosters().filter(roster::Column::ArchivedAt.is_null()).filter(roster::Column::UncoveredSince.is_not_null());
    if !filter.q.trim().is_empty() {
        uncovered = uncovered.filter(roster::Column::OrganisationId.in_subquery(name_like(reader, filter.q.trim())));
    }
    let uncovered_now = uncovered.count(db).await?;
    let (uncovered_specials, uncovered_specials_total) = uncovered_specials(db, reader, now, viewer_zone).await?;
    Ok(DutyOverview { rows, organisations, page, pages, uncovered_now, uncovered_specials, uncovered_specials_total })
}

/// How long an overview is kept for the same reach, filter and zone. The record it reads is
/// brought up to date once a minute, so a quarter of that adds little; under load a jurisdiction's
/// overview is then computed a few times a minute instead of on every request.
pub const OVERVIEW_KEPT_SECONDS: i64 = 15;

/// A view of the overview kept for [`OVERVIEW_KEPT_SECONDS`] (and until the data changes) per
/// reach, filter, viewer's zone and `what` (the view and anything else it depends on).
#[allow(clippy::too_many_arguments)]
async fn kept<V, F, Fut>(
    caches: &crate::backend::epoch::Caches,
    what: &str,
    reader: &RosterReader,
    filter: &OverviewFilter,
    now: OffsetDateTime,
    viewer_zone: &str,
    compute: F,
) -> ServiceResult<V>
where
    V: Clone + Send + Sync + 'static,
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ServiceResult<V>>,
{
    let slice = crate::backend::epoch::slice(now, OVERVIEW_KEPT_SECONDS);
    let key = format!("{what}|{}|{viewer_zone}|{filter:?}|{slice}", reader.reach_key());
    caches.kept(&key, compute).await
}

/// [`overview`], kept (see [`kept`]).
pub async fn overview_kept(
    db: &DatabaseConnection,
    caches: &crate::backend::epoch::Caches,
    reader: &RosterReader,
    filter: &OverviewFilter,
    now: OffsetDateTime,
    viewer_zone: &str,
) -> ServiceResult<DutyOverview> {
    kept(caches, "duty-overview", reader, filter, now, viewer_zone, || overview(db, reader, filter, now, viewer_zone)).await
}

/// The ids of organisations with desks in reach whose name holds `q`.
fn name_like(reader: &RosterReader, q: &str) -> sea_orm::sea_query::SelectStatement {
    reader
        .desk_organisations()
        .select_only()
        .column(organisation::Column::Id)
        .filter(organisation::Column::Name.contains(q))
        .into_query()
}

/// Organisations by name, `limit` of them from `offset`.
async fn org_page<C: ConnectionTrait>(
    db: &C,
    orgs: sea_orm::Select<organisation::Entity>,
    offset: u64,
    limit: u64,
) -> ServiceResult<Vec<organisation::Model>> {
    Ok(orgs
        .order_by_asc(organisation::Column::Name)
        .order_by_asc(organisation::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

fn overview_orgs(reader: &RosterReader, filter: &OverviewFilter) -> sea_orm::Select<organisation::Entity> {
    let mut orgs = if filter.uncovered { reader.desk_organisations_uncovered() } else { reader.desk_organisations() };
    let q = filter.q.trim();
    if !q.is_empty() {
        orgs = orgs.filter(organisation::Column::Name.contains(q));
    }
    orgs
}

/// The desks of these organisations with the duty recorded as under way.
async fn desk_rows<C: ConnectionTrait>(
    db: &C,
    reader: &RosterReader,
    filter: &OverviewFilter,
    orgs: &[organisation::Model],
    viewer_zone: &str,
) -> ServiceResult<Vec<OverviewRow>> {
    let mut rosters = reader
        .rosters()
        .filter(roster::Column::ArchivedAt.is_null())
        .filter(roster::Column::OrganisationId.is_in(orgs.iter().map(|o| o.id)))
        .order_by_asc(roster::Column::Name)
        .all(db)
        .await?;
    if filter.uncovered {
        rosters.retain(|r| r.uncovered_since.is_some());
    }
    let open = reader.duty_under_way(rosters.iter().map(|r| r.id)).all(db).await?;
    let names = people_refs(db, open.iter().map(|s| s.person_id)).await?;
    let zone = zone_of(viewer_zone);
    let mut out = Vec::with_capacity(rosters.len());
    for o in orgs {
        for r in rosters.iter().filter(|r| r.organisation_id == o.id) {
            let on = |layer: &str| -> BTreeSet<Uuid> {
                open.iter().filter(|s| s.roster_id == r.id && s.layer == layer).map(|s| s.person_id).collect()
            };
            out.push(OverviewRow {
                desk: OnDutyRow {
                    roster_id: r.id,
                    roster: r.name.clone(),
                    organisation_id: o.id,
                    organisation: o.name.clone(),
                    phone: r.phone.clone(),
                    email: r.email.clone(),
                    primary: refs(&on("primary"), &names),
                    backup: refs(&on("backup"), &names),
                    next_change: r.resolved_until.map(|t| local(to_rules(t), &zone)),
                },
                uncovered_since: r.uncovered_since.map(|t| local(to_rules(t), &zone)),
            });
        }
    }
    Ok(out)
}

/// Special periods of the desks in reach, under way or starting within a fortnight, whose cover
/// still has gaps (as the duty job last found them): the first hundred, and how many in all.
async fn uncovered_specials<C: ConnectionTrait>(
    db: &C,
    reader: &RosterReader,
    now: OffsetDateTime,
    viewer_zone: &str,
) -> ServiceResult<(Vec<UncoveredSpecial>, u64)> {
    let at = to_rules(now);
    let q = reader
        .specials()
        .filter(special::Column::GapSeconds.gt(0))
        .filter(special::Column::EndsAt.gt(now))
        .filter(special::Column::StartsAt.lt(to_db(plus(at, super::FLAG_DAYS_BEFORE * DAY))));
    let total = q.clone().count(db).await?;
    let specials = q.order_by_asc(special::Column::StartsAt).limit(100).all(db).await?;
    let rosters = reader.rosters().filter(roster::Column::Id.is_in(specials.iter().map(|p| p.roster_id))).all(db).await?;
    let orgs = org_names(db, rosters.iter().map(|r| r.organisation_id)).await?;
    let zone = zone_of(viewer_zone);
    let out = specials
        .iter()
        .filter_map(|p| {
            let r = rosters.iter().find(|r| r.id == p.roster_id)?;
            Some(UncoveredSpecial {
                special_id: p.id,
                roster_id: r.id,
                roster: r.name.clone(),
                organisation: orgs.get(&r.organisation_id).cloned().unwrap_or_default(),
                name: p.name.clone(),
                starts_at: local(to_rules(p.starts_at), &zone),
                gap_hours: (p.gap_seconds.unwrap_or(0) as f64 / 360.0).round() / 10.0,
                first_gap: p.first_gap_at.map(|t| super::week_of(to_rules(t), &zone_of(&r.time_zone))),
            })
        })
        .collect();
    Ok((out, total))
}

/// [`overview_csv`], kept (see [`kept`]) per header language too.
pub async fn overview_csv_kept(
    db: &DatabaseConnection,
    caches: &crate::backend::epoch::Caches,
    reader: &RosterReader,
    filter: &OverviewFilter,
    now: OffsetDateTime,
    viewer_zone: &str,
    header: [&str; 9],
) -> ServiceResult<Vec<u8>> {
    let what = format!("duty-overview-csv|{}", header.join(","));
    kept(caches, &what, reader, filter, now, viewer_zone, || overview_csv(db, reader, filter, viewer_zone, header)).await
}

/// The overview as CSV: every desk matching the filter (all pages), one row per desk.
pub async fn overview_csv<C: ConnectionTrait>(
    db: &C,
    reader: &RosterReader,
    filter: &OverviewFilter,
    viewer_zone: &str,
    header: [&str; 9],
) -> ServiceResult<Vec<u8>> {
    let mut csv = CsvExport::new();
    csv.row(header)?;
    let orgs = overview_orgs(reader, filter);
    let mut page = 0;
    loop {
        let batch = org_page(db, orgs.clone(), page * 500, 500).await?;
        if batch.is_empty() {
            break;
        }
        for row in desk_rows(db, reader, filter, &batch, viewer_zone).await? {
            let d = &row.desk;
            let names = |p: &[crate::rosters::PersonRef]| p.iter().map(|x| x.name.as_str()).collect::<Vec<_>>().join("; ");
            csv.row([
                d.organisation.clone(),
                d.roster.clone(),
                names(&d.primary),
                names(&d.backup),
                d.phone.clone(),
                d.email.clone(),
                d.next_change.clone().unwrap_or_default(),
                row.uncovered_since.clone().unwrap_or_default(),
                d.roster_id.to_string(),
            ])?;
        }
        page += 1;
    }
    csv.finish()
}

/// The duty stood at a roster in reach over `window`, as it stands (corrected rows replaced by
/// their corrections), earliest first.
pub async fn stood_history<C: ConnectionTrait>(
    db: &C,
    r: &roster::Model,
    window: Span,
    viewer_zone: &str,
) -> ServiceResult<Vec<StoodRow>> {
    let rows = rows_of(r)
        .stood()
        .filter(stood::Column::StartsAt.lt(to_db(window.end)))
        .filter(stood::Column::EndsAt.is_null().or(stood::Column::EndsAt.gt(to_db(window.start))))
        .order_by_asc(stood::Column::StartsAt)
        .limit(1000)
        .all(db)
        .await?;
    let names = people_refs(db, rows.iter().map(|s| s.person_id)).await?;
    let zone = zone_of(viewer_zone);
    Ok(rows
        .iter()
        .map(|s| StoodRow {
            id: s.id,
            person: PersonRef { id: s.person_id, name: names.get(&s.person_id).cloned().unwrap_or_default() },
            layer: s.layer.clone(),
            start: local(to_rules(s.starts_at), &zone),
            end: s.ends_at.map(|t| local(to_rules(t), &zone)),
            correction: s.corrects.map(|_| s.reason.clone().unwrap_or_default()),
        })
        .collect())
}

/// Corrects a stood row of one of the manager's rosters: a new row names who really stood it and
/// when, with the reason; the old row stays, marked corrected. Only ended duty is corrected (duty
/// under way is changed with an override).
pub async fn correct_stood(db: &DatabaseConnection, by: &Acting<'_>, mgr: &RosterManager, input: &CorrectionInput) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let id = input.stood_id.trim().parse::<Uuid>().map_err(|_| ServiceError::NotFound)?;
    let old = mgr.stood(db, id).await?;
    let r = mgr.roster(db, old.roster_id).await?;
    let zone = zone_of(&r.time_zone);
    let Some(old_end) = old.ends_at else {
        return Err(ServiceError::Conflict { field: "stood_id", msg: Msg::ErrDutyStoodOpen });
    };
    let mut refused_fields = Vec::new();
    let person = person_field("person_id", &input.person_id, &mut refused_fields);
    let start = super::parse_instant(&input.starts_at, &zone);
    let end = super::parse_instant(&input.ends_at, &zone);
    if start.is_none() {
        refused_fields.push(FieldError::new("starts_at", Msg::ErrDutyDateTime));
    }
    if end.is_none() {
        refused_fields.push(FieldError::new("ends_at", Msg::ErrDutyDateTime));
    }
    let reason = input.reason.trim().to_string();
    if reason.is_empty() {
        refused_fields.push(FieldError::new("reason", Msg::ErrReasonRequired));
    } else if reason.chars().count() > crate::tenancy::MAX_REASON_CHARS {
        refused_fields.push(FieldError::new("reason", Msg::ErrReasonTooLong));
    }
    super::check_colleagues(db, mgr, &person.into_iter().collect::<Vec<_>>(), "person_id", &mut refused_fields).await?;
    let (Some(person), Some(start), Some(end), true) = (person, start, end, refused_fields.is_empty()) else {
        return Err(ServiceError::Invalid(refused_fields));
    };
    let Some(span) = Span::new(start, end) else {
        return Err(ServiceError::invalid("ends_at", Msg::ErrDutyEndsBeforeStart));
    };
    if span.end > to_rules(now) {
        return Err(ServiceError::invalid("ends_at", Msg::ErrDutyNotYetStood));
    }
    if person == old.person_id && to_db(span.start) == old.starts_at && to_db(span.end) == old_end {
        return Err(ServiceError::invalid("person_id", Msg::ErrDutyCorrectionNothing));
    }
    let txn = write_txn(db).await?;
    // Corrected once: a second correction corrects the correction.
    if rows_of(&r).stood_all().filter(stood::Column::Corrects.eq(old.id)).one(&txn).await?.is_some() {
        return Err(ServiceError::Conflict { field: "stood_id", msg: Msg::ErrDutyStoodCorrected });
    }
    let new_id = Uuid::new_v4();
    stood::ActiveModel {
        id: Set(new_id),
        roster_id: Set(r.id),
        person_id: Set(person),
        layer: Set(old.layer.clone()),
        starts_at: Set(to_db(span.start)),
        ends_at: Set(Some(to_db(span.end))),
        recorded_at: Set(now),
        corrects: Set(Some(old.id)),
        reason: Set(Some(reason.clone())),
        recorded_by: Set(Some(actor.person_id)),
    }
    .insert(&txn)
    .await?;
    let names = people_refs(&txn, [old.person_id, person]).await?;
    let name = |p: Uuid| names.get(&p).cloned().unwrap_or_default();
    AuditEntry::by(
        actor,
        meta,
        AuditAction::StoodCorrect,
        format!("roster {}", r.name),
        format!(
            "{} {} – {} → {} {} – {}; reason: {reason}",
            name(old.person_id),
            local(to_rules(old.starts_at), &zone),
            local(to_rules(old_end), &zone),
            name(person),
            local(span.start, &zone),
            local(span.end, &zone)
        ),
    )
    .record(&txn, now)
    .await?;
    epoch::commit_change(txn).await?;
    Ok(new_id)
}

/// Hours stood per person in a month (`YYYY-MM` on the roster's calendar) at a roster in reach,
/// primary and backup apart, from the record as corrected: for duty pay.
pub async fn hours_csv<C: ConnectionTrait>(
    db: &C,
    reader: &RosterReader,
    roster_id: Uuid,
    month: &str,
    now: OffsetDateTime,
    header: [&str; 5],
) -> ServiceResult<(String, Vec<u8>)> {
    let r = reader.roster(roster_id).one(db).await?.ok_or(ServiceError::NotFound)?;
    let zone = zone_of(&r.time_zone);
    let first = parse_day(&format!("{}-01", month.trim())).ok_or(ServiceError::invalid("month", Msg::ErrDutyMonth))?;
    let next = first.checked_add(jiff::Span::new().months(1)).map_err(|_| ServiceError::invalid("month", Msg::ErrDutyMonth))?;
    let window = Span::new(Clock::MIDNIGHT.on(first, &zone), Clock::MIDNIGHT.on(next, &zone))
        .ok_or(ServiceError::invalid("month", Msg::ErrDutyMonth))?;
    let rows = rows_of(&r)
        .stood()
        .filter(stood::Column::StartsAt.lt(to_db(window.end)))
        .filter(stood::Column::EndsAt.is_null().or(stood::Column::EndsAt.gt(to_db(window.start))))
        .all(db)
        .await?;
    let at = to_rules(now);
    let mut seconds: std::collections::BTreeMap<Uuid, (i64, i64)> = Default::default();
    for s in &rows {
        // Duty under way counts up to now.
        let end = s.ends_at.map(to_rules).unwrap_or(at);
        let Some(part) = Span::new(to_rules(s.starts_at), end).and_then(|x| x.clip(window)) else { continue };
        let e = seconds.entry(s.person_id).or_default();
        if s.layer == "backup" {
            e.1 += part.seconds();
        } else {
            e.0 += part.seconds();
        }
    }
    let names = people_refs(db, seconds.keys().copied()).await?;
    let mut people: Vec<(String, Uuid, i64, i64)> =
        seconds.into_iter().map(|(id, (p, b))| (names.get(&id).cloned().unwrap_or_default(), id, p, b)).collect();
    people.sort();
    let mut csv = CsvExport::new();
    csv.row(header)?;
    let hours = |s: i64| format!("{:.2}", s as f64 / 3600.0);
    for (name, id, p, b) in people {
        csv.row([month.trim().to_string(), name, hours(p), hours(b), id.to_string()])?;
    }
    Ok((format!("duty-hours-{}", month.trim()), csv.finish()?))
}
