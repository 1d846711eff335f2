//! Standing duty: one's shifts now, next and in the week ahead; offering a shift and a colleague
//! taking it (or a manager reassigning it); the handover log written at a shift's end and
//! acknowledged by the next person; special periods' status reports; and what the organisation's
//! managers are flagged (special periods without cover soon, missing handovers and reports).
use sea_orm::{sea_query::Expr, ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, IntoActiveModel, QuerySelect};

use super::*;
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{actor::Acting, db::write_txn, epoch, error::FieldError},
    rosters::{
        entity::{handover, status_report},
        scope::{DutyStander, RosterManager},
        DutyFlags, HandoverInput, HandoverRow, MyDuty, OfferInput, OfferRow, ReassignInput, ShiftRow, StatusDue,
        StatusReportInput, UncoveredSpecial, MAX_ENTRY_CHARS,
    },
};

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

fn plus(t: Timestamp, seconds: i64) -> Timestamp {
    t.checked_add(jiff::SignedDuration::from_secs(seconds)).unwrap_or(if seconds < 0 { Timestamp::MIN } else { Timestamp::MAX })
}

/// How far back a person is asked for the handovers of their shifts, and managers are flagged.
const LOOK_BACK_DAYS: i64 = 7;
/// How long after a shift's end its handover counts as missing, and after its due moment a status
/// report.
const HANDOVER_GRACE: i64 = 2 * HOUR;
const REPORT_GRACE: i64 = HOUR;
/// How soon before its start a special period without cover is flagged.
pub const FLAG_DAYS_BEFORE: i64 = 14;

/// An instant as a form or the API sends it: RFC 3339, or `YYYY-MM-DDTHH:MM` on `zone`'s clock.
pub fn parse_instant(text: &str, zone: &TimeZone) -> Option<Timestamp> {
    let text = text.trim();
    text.parse::<Timestamp>().ok().or_else(|| parse_local(text, zone))
}

fn hours_of(seconds: i64) -> f64 {
    (seconds as f64 / 360.0).round() / 10.0
}

fn shift_row(r: &roster::Model, s: &rules::Shift, zone: &TimeZone, at: Timestamp, offered: Option<Uuid>) -> ShiftRow {
    ShiftRow {
        roster_id: r.id,
        roster: r.name.clone(),
        layer: layer_code(s.layer).into(),
        start: local(s.span.start, zone),
        end: local(s.span.end, zone),
        starts_at: s.span.start.to_string(),
        ends_at: s.span.end.to_string(),
        hours: hours_of(s.span.seconds()),
        now: s.span.contains(at),
        offered,
    }
}

/// Whom a handover of `shift` is for: the primaries who came on at its end, or — when nobody new
/// came on (an added person leaving beside the rotation's) — the primaries on duty then.
fn handed_to(segments: &[rules::Segment], shift: &rules::Shift) -> BTreeSet<Uuid> {
    let next = rules::next_on_duty(segments, shift);
    if !next.is_empty() {
        return next;
    }
    segments.iter().find(|s| s.span.contains(shift.span.end)).map(|s| s.primary.clone()).unwrap_or_default()
}

fn offer_row(o: &offer::Model, roster: &str, names: &HashMap<Uuid, String>, zone: &TimeZone) -> OfferRow {
    let person = |id: Uuid| PersonRef { id, name: names.get(&id).cloned().unwrap_or_default() };
    OfferRow {
        id: o.id,
        roster_id: o.roster_id,
        roster: roster.to_string(),
        layer: o.layer.clone(),
        person: person(o.person_id),
        start: local(to_rules(o.starts_at), zone),
        end: local(to_rules(o.ends_at), zone),
        note: o.note.clone(),
        state: o.state.clone(),
        taken_by: o.taken_by.map(person),
        assigned: o.assigned_by.is_some(),
    }
}

pub fn handover_row(h: &handover::Model, roster: &str, names: &HashMap<Uuid, String>, zone: &TimeZone) -> HandoverRow {
    let person = |id: Uuid| PersonRef { id, name: names.get(&id).cloned().unwrap_or_default() };
    HandoverRow {
        id: h.id,
        roster_id: h.roster_id,
        roster: roster.to_string(),
        person: person(h.person_id),
        shift_start: local(to_rules(h.shift_start), zone),
        shift_end: local(to_rules(h.shift_end), zone),
        body: h.body.clone(),
        nothing_to_report: h.nothing_to_report,
        written_at: local(to_rules(h.written_at), zone),
        acknowledged_by: h.acknowledged_by.map(person),
        acknowledged_at: h.acknowledged_at.map(|t| local(to_rules(t), zone)),
    }
}

/// The viewer's duty across its organisation's rosters: shifts under way and in the next
/// fortnight, the week's hours, the handovers to write and to acknowledge, colleagues' offers to
/// take and its own, status reports due — and, for a manager, the organisation's flags.
pub async fn my_duty<C: ConnectionTrait>(
    db: &C,
    stander: &DutyStander,
    manager: Option<&RosterManager>,
    now: OffsetDateTime,
    viewer_zone: &str,
) -> ServiceResult<MyDuty> {
    let me = stander.person_id();
    let at = to_rules(now);
    let zone = zone_of(viewer_zone);
    let rosters = stander
        .rosters()
        .filter(roster::Column::ArchivedAt.is_null())
        .order_by_asc(roster::Column::Name)
        .all(db)
        .await?;
    let window = Span { start: plus(at, -(LOOK_BACK_DAYS + 1) * DAY), end: plus(at, 15 * DAY) };
    let open_offers = stander
        .offers()
        .filter(offer::Column::State.eq("open"))
        .filter(offer::Column::EndsAt.gt(now))
        .order_by_asc(offer::Column::StartsAt)
        .all(db)
        .await?;
    let handovers = stander
        .handovers()
        .filter(handover::Column::ShiftEnd.gt(to_db(window.start)))
        .order_by_asc(handover::Column::ShiftStart)
        .all(db)
        .await?;
    // The names of the special periods the window touches, read once for every roster.
    let special_names: HashMap<Uuid, String> = stander
        .specials()
        .filter(special::Column::EndsAt.gt(to_db(window.start)))
        .filter(special::Column::StartsAt.lt(to_db(window.end)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let mut out = MyDuty { has_rosters: !rosters.is_empty(), ..MyDuty::default() };
    let mut week = 0i64;
    let mut acknowledge = Vec::new();
    let mut due = Vec::new();
    let mut flags = manager.filter(|m| m.organisation_id() == stander.organisation_id()).map(|_| DutyFlags::default());
    let mut reports_asked: Vec<(Uuid, String, String, Timestamp, bool)> = Vec::new();
    let mut missing_handovers = Vec::new();
    for r in &rosters {
        let loaded = load(db, r.clone(), window).await?;
        let (segments, _, _) = loaded.resolve(window);
        let shifts = rules::shifts(&segments);
        let written = |s: &rules::Shift| {
            handovers.iter().any(|h| h.roster_id == r.id && h.person_id == s.person && to_rules(h.shift_start) == s.span.start)
        };
        for s in &shifts {
            // A shift cut by the window's start is not known whole: not asked about.
            let whole_start = s.span.start > window.start;
            if s.person == me {
                if s.span.end > at && s.span.start < plus(at, 14 * DAY) {
                    let offered = open_offers
                        .iter()
                        .find(|o| o.person_id == me && o.roster_id == r.id && o.layer == layer_code(s.layer))
                        .filter(|o| to_rules(o.starts_at) < s.span.end && to_rules(o.ends_at) > s.span.start)
                        .map(|o| o.id);
                    out.shifts.push(shift_row(r, s, &zone, at, offered));
                }
                if s.layer == Layer::Primary {
                    if let Some(part) = s.span.clip(Span { start: at, end: plus(at, 7 * DAY) }) {
                        week += part.seconds();
                    }
                    if whole_start && s.span.start <= at && s.span.end > plus(at, -LOOK_BACK_DAYS * DAY) && !written(s) {
                        out.to_hand_over.push(shift_row(r, s, &zone, at, None));
                    }
                }
            }
            if flags.is_some()
                && s.layer == Layer::Primary
                && whole_start
                && s.span.end > plus(at, -LOOK_BACK_DAYS * DAY)
                && s.span.end <= plus(at, -HANDOVER_GRACE)
                && !written(s)
            {
                missing_handovers.push((r.clone(), *s));
            }
        }
        for h in handovers.iter().filter(|h| h.roster_id == r.id && h.acknowledged_at.is_none() && h.person_id != me) {
            let Some(span) = Span::new(to_rules(h.shift_start), to_rules(h.shift_end)) else { continue };
            let shift = rules::Shift { person: h.person_id, layer: Layer::Primary, span };
            if handed_to(&segments, &shift).contains(&me) {
                acknowledge.push((r.name.clone(), h.clone()));
            }
        }
        for p in &loaded.rules.specials {
            let Some(every) = p.report_every_hours.filter(|h| *h > 0) else { continue };
            let name = special_names.get(&p.id).cloned().unwrap_or_default();
            for t in rules::report_times(p) {
                // Asked of the people on duty at the moment, from one interval before it.
                let mine = segments.iter().find(|s| s.span.contains(t)).is_some_and(|s| s.primary.contains(&me) || s.backup.contains(&me));
                let soon = t <= plus(at, i64::from(every) * HOUR) && t > plus(at, -LOOK_BACK_DAYS * DAY);
                let missing = flags.is_some() && t <= plus(at, -REPORT_GRACE) && t > plus(at, -LOOK_BACK_DAYS * DAY);
                if (mine && soon) || missing {
                    reports_asked.push((p.id, name.clone(), r.name.clone(), t, mine && soon));
                }
            }
        }
    }
    out.week_hours = hours_of(week);
    // One list in time order, whichever desk each shift is at.
    out.shifts.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.roster.cmp(&b.roster)));
    out.to_hand_over.sort_by(|a, b| a.starts_at.cmp(&b.starts_at));
    // Which of the asked status reports are written.
    let specials: BTreeSet<Uuid> = reports_asked.iter().map(|x| x.0).collect();
    let reports = stander.status_reports(specials).all(db).await?;
    for (special_id, special, roster_name, t, mine) in reports_asked {
        if reports.iter().any(|x| x.special_id == special_id && to_rules(x.due_at) == t) {
            continue;
        }
        let row = StatusDue {
            special_id,
            special,
            roster: roster_name,
            due: local(t, &zone),
            due_at: t.to_string(),
            overdue: t <= plus(at, -REPORT_GRACE),
        };
        if mine {
            due.push(row.clone());
        }
        if let Some(f) = flags.as_mut() {
            if row.overdue {
                f.missing_reports.push(row);
            }
        }
    }
    out.reports_due = due;
    let named: Vec<Uuid> = open_offers
        .iter()
        .map(|o| o.person_id)
        .chain(acknowledge.iter().map(|(_, h)| h.person_id))
        .chain(missing_handovers.iter().map(|(_, s)| s.person))
        .collect();
    let names = people_refs(db, named).await?;
    let roster_name = |id: Uuid| rosters.iter().find(|r| r.id == id).map(|r| r.name.clone()).unwrap_or_default();
    for o in &open_offers {
        let row = offer_row(o, &roster_name(o.roster_id), &names, &zone);
        if o.person_id == me {
            out.my_offers.push(row);
        } else {
            out.offers.push(row);
        }
    }
    out.to_acknowledge = acknowledge.iter().map(|(name, h)| handover_row(h, name, &names, &zone)).collect();
    if let Some(mut f) = flags {
        f.missing_handovers = missing_handovers
            .iter()
            .map(|(r, s)| {
                let mut row = shift_row(r, s, &zone, at, None);
                // The person who owes it, where the viewer's own row would say "layer".
                row.layer = names.get(&s.person).cloned().unwrap_or_default();
                row
            })
            .collect();
        f.uncovered = uncovered_soon(db, stander, &rosters, now, viewer_zone).await?;
        out.flags = Some(f);
    }
    Ok(out)
}

/// The organisation's special periods starting within [`FLAG_DAYS_BEFORE`] days (or under way)
/// whose required cover still has gaps, resolved now (an override that fills a gap clears the
/// flag at once).
async fn uncovered_soon<C: ConnectionTrait>(
    db: &C,
    stander: &DutyStander,
    rosters: &[roster::Model],
    now: OffsetDateTime,
    viewer_zone: &str,
) -> ServiceResult<Vec<UncoveredSpecial>> {
    let at = to_rules(now);
    let specials = stander
        .specials()
        .filter(special::Column::EndsAt.gt(now))
        .filter(special::Column::StartsAt.lt(to_db(plus(at, FLAG_DAYS_BEFORE * DAY))))
        .order_by_asc(special::Column::StartsAt)
        .all(db)
        .await?;
    let orgs = crate::tenancy::scope::org_names(db, [stander.organisation_id()]).await?;
    let viewer = zone_of(viewer_zone);
    let mut out = Vec::new();
    for p in specials {
        let Some(r) = rosters.iter().find(|r| r.id == p.roster_id) else { continue };
        let Some(span) = Span::new(std::cmp::max(to_rules(p.starts_at), at), to_rules(p.ends_at)) else { continue };
        let loaded = load(db, r.clone(), span).await?;
        let (_, _, gaps) = loaded.resolve(span);
        let seconds: i64 = gaps.iter().map(|g| g.span.seconds()).sum();
        if seconds > 0 {
            out.push(UncoveredSpecial {
                special_id: p.id,
                roster_id: r.id,
                roster: r.name.clone(),
                organisation: orgs.get(&r.organisation_id).cloned().unwrap_or_default(),
                name: p.name.clone(),
                starts_at: local(to_rules(p.starts_at), &viewer),
                gap_hours: hours_of(seconds),
                first_gap: gaps.first().map(|g| super::views::week_of(g.span.start, &loaded.zone)),
            });
        }
    }
    Ok(out)
}

/// An id typed into a form: unreadable is "not found", as an unknown one is.
fn id_of(text: &str) -> ServiceResult<Uuid> {
    text.trim().parse::<Uuid>().map_err(|_| ServiceError::NotFound)
}

/// A span sent as two instants; each unreadable end named.
fn instants(starts: &str, ends: &str, zone: &TimeZone, refused: &mut Vec<FieldError>) -> Option<(Timestamp, Timestamp)> {
    let s = parse_instant(starts, zone);
    let e = parse_instant(ends, zone);
    if s.is_none() {
        refused.push(FieldError::new("starts_at", Msg::ErrDutyDateTime));
    }
    if e.is_none() {
        refused.push(FieldError::new("ends_at", Msg::ErrDutyDateTime));
    }
    Some((s?, e?))
}

/// A roster changed in what decides its duty: the duty job records it afresh at its next run.
pub(super) async fn touched<C: ConnectionTrait>(db: &C, r: &roster::Model) -> ServiceResult<()> {
    let mut a = r.clone().into_active_model();
    a.resolved_until = Set(None);
    a.update(db).await?;
    Ok(())
}

/// Offers (part of) one's own shift to colleagues: it must be one's duty throughout, not over,
/// and not overlap another open offer of one's own.
pub async fn offer_shift(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    stander: &DutyStander,
    input: &OfferInput,
) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let r = stander.roster(db, id_of(&input.roster_id)?).await?;
    let zone = zone_of(&r.time_zone);
    let mut bad = Vec::new();
    let layer = layer_field(&input.layer, &mut bad);
    let times = instants(&input.starts_at, &input.ends_at, &zone, &mut bad);
    let note = input.note.trim().to_string();
    if note.chars().count() > crate::tenancy::MAX_REASON_CHARS {
        bad.push(FieldError::new("note", Msg::ErrReasonTooLong));
    }
    let (Some(layer), Some((start, end)), true) = (layer, times, bad.is_empty()) else {
        return Err(ServiceError::Invalid(bad));
    };
    let Some(span) = Span::new(start, end) else {
        return Err(ServiceError::invalid("ends_at", Msg::ErrDutyEndsBeforeStart));
    };
    // Checked by resolving the roster over the span: a shift or a leave, not a century.
    if span.seconds() > super::MAX_TIMELINE_DAYS * 86_400 {
        return Err(ServiceError::invalid("ends_at", Msg::ErrDutySpanTooLong));
    }
    let me = stander.person_id();
    let txn = write_txn(db).await?;
    let loaded = load(&txn, r, span).await?;
    let segments = loaded.rules.resolve(span);
    rules::check_offer(&segments, me, layer, span, to_rules(now)).map_err(|e| match e {
        rules::Refusal::NotOnDuty => refused("starts_at", e),
        _ => refused("ends_at", e),
    })?;
    let rows = crate::rosters::scope::rows_of(&loaded.roster);
    let overlapping = rows
        .offers()
        .filter(offer::Column::PersonId.eq(me))
        .filter(offer::Column::State.eq("open"))
        .filter(offer::Column::Layer.eq(layer_code(layer)))
        .filter(offer::Column::StartsAt.lt(to_db(span.end)))
        .filter(offer::Column::EndsAt.gt(to_db(span.start)))
        .one(&txn)
        .await?;
    if overlapping.is_some() {
        return Err(ServiceError::Conflict { field: "starts_at", msg: Msg::ErrDutyOfferOverlaps });
    }
    let id = Uuid::new_v4();
    offer::ActiveModel {
        id: Set(id),
        roster_id: Set(loaded.roster.id),
        layer: Set(layer_code(layer).into()),
        person_id: Set(me),
        starts_at: Set(to_db(span.start)),
        ends_at: Set(to_db(span.end)),
        note: Set(note.clone()),
        state: Set("open".into()),
        taken_by: Set(None),
        taken_at: Set(None),
        assigned_by: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    AuditEntry::by(
        actor,
        meta,
        AuditAction::OfferMake,
        format!("roster {}", loaded.roster.name),
        format!("{} {} – {}; note: {note}", layer_code(layer), local(span.start, &zone), local(span.end, &zone)),
    )
    .record(&txn, now)
    .await?;
    epoch::commit_change(txn).await?;
    Ok(id)
}

/// Takes a colleague's open offer: from now (or its start) to its end the taker stands it. Refused
/// for one's own offer, one already taken or withdrawn, one whose offerer no longer holds the
/// shift, or a taker already on duty on that layer during it.
pub async fn take_offer(db: &DatabaseConnection, by: &Acting<'_>, stander: &DutyStander, offer_id: Uuid) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let o = stander.offers().filter(offer::Column::Id.eq(offer_id)).one(db).await?.ok_or(ServiceError::NotFound)?;
    let me = stander.person_id();
    if o.person_id == me {
        return Err(ServiceError::invalid("offer", Msg::ErrDutyOwnOffer));
    }
    if o.state != "open" {
        return Err(ServiceError::Conflict { field: "offer", msg: Msg::ErrDutyOfferClosed });
    }
    if o.ends_at <= now {
        return Err(ServiceError::invalid("offer", Msg::ErrDutyInThePast));
    }
    let layer = parse_layer(&o.layer).ok_or(ServiceError::invalid("offer", Msg::ErrDutyLayer))?;
    // What has already passed stays the offerer's.
    let start = std::cmp::max(to_rules(o.starts_at), to_rules(now));
    let span = Span::new(start, to_rules(o.ends_at)).ok_or(ServiceError::invalid("offer", Msg::ErrDutyInThePast))?;
    let r = stander.roster(db, o.roster_id).await?;
    let zone = zone_of(&r.time_zone);
    let txn = write_txn(db).await?;
    let loaded = load(&txn, r, span).await?;
    let segments = loaded.rules.resolve(span);
    if !rules::on_duty_throughout(&segments, o.person_id, layer, span) {
        return Err(ServiceError::Conflict { field: "offer", msg: Msg::ErrDutyOfferStale });
    }
    rules::check_take(&segments, o.person_id, me, layer, span).map_err(|e| refused("offer", e))?;
    // Taken only if still open: of two colleagues taking it at once, one wins.
    let taken = offer::Entity::update_many()
        .col_expr(offer::Column::State, Expr::value("taken"))
        .col_expr(offer::Column::TakenBy, Expr::value(Some(me)))
        .col_expr(offer::Column::TakenAt, Expr::value(Some(now)))
        .col_expr(offer::Column::StartsAt, Expr::value(to_db(span.start)))
        .filter(offer::Column::Id.eq(o.id))
        .filter(offer::Column::State.eq("open"))
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        return Err(ServiceError::Conflict { field: "offer", msg: Msg::ErrDutyOfferClosed });
    }
    touched(&txn, &loaded.roster).await?;
    let names = people_refs(&txn, [o.person_id]).await?;
    AuditEntry::by(
        actor,
        meta,
        AuditAction::OfferTake,
        format!("roster {}", loaded.roster.name),
        format!(
            "{} {} – {}; from {}",
            o.layer,
            local(span.start, &zone),
            local(span.end, &zone),
            names.get(&o.person_id).cloned().unwrap_or_default()
        ),
    )
    .record(&txn, now)
    .await?;
    epoch::commit_change(txn).await
}

/// Withdraws one's own open offer (a colleague's is refused, a closed one conflicts).
pub async fn withdraw_offer(db: &DatabaseConnection, by: &Acting<'_>, stander: &DutyStander, offer_id: Uuid) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let o = stander.offers().filter(offer::Column::Id.eq(offer_id)).one(db).await?.ok_or(ServiceError::NotFound)?;
    if o.person_id != stander.person_id() {
        return Err(ServiceError::invalid("offer", Msg::ErrDutyNotYourOffer));
    }
    let txn = write_txn(db).await?;
    let done = offer::Entity::update_many()
        .col_expr(offer::Column::State, Expr::value("withdrawn"))
        .filter(offer::Column::Id.eq(o.id))
        .filter(offer::Column::State.eq("open"))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(ServiceError::Conflict { field: "offer", msg: Msg::ErrDutyOfferClosed });
    }
    let zone = zone_of(&actor.time_zone);
    AuditEntry::by(
        actor,
        meta,
        AuditAction::OfferWithdraw,
        "duty offer".to_string(),
        format!("{} {} – {}", o.layer, local(to_rules(o.starts_at), &zone), local(to_rules(o.ends_at), &zone)),
    )
    .record(&txn, now)
    .await?;
    epoch::commit_change(txn).await
}

/// A manager hands (part of) someone's duty to a colleague: kept as a swap, so it keeps its slot
/// whatever later edits do to the rotation.
pub async fn reassign_shift(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    mgr: &RosterManager,
    roster_id: Uuid,
    input: &ReassignInput,
) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let r = mgr.roster(db, roster_id).await?;
    let zone = zone_of(&r.time_zone);
    let mut refused_fields = Vec::new();
    let layer = layer_field(&input.layer, &mut refused_fields);
    let from = person_field("from_id", &input.from_id, &mut refused_fields);
    let to = person_field("to_id", &input.to_id, &mut refused_fields);
    let times = instants(&input.starts_at, &input.ends_at, &zone, &mut refused_fields);
    let reason = input.reason.trim().to_string();
    if reason.chars().count() > crate::tenancy::MAX_REASON_CHARS {
        refused_fields.push(FieldError::new("reason", Msg::ErrReasonTooLong));
    }
    let people: Vec<Uuid> = from.into_iter().chain(to).collect();
    check_colleagues(db, mgr, &people, "to_id", &mut refused_fields).await?;
    let (Some(layer), Some(from), Some(to), Some((start, end)), true) = (layer, from, to, times, refused_fields.is_empty())
    else {
        return Err(ServiceError::Invalid(refused_fields));
    };
    let Some(span) = Span::new(start, end) else {
        return Err(ServiceError::invalid("ends_at", Msg::ErrDutyEndsBeforeStart));
    };
    // Checked by resolving the roster over the span: a shift or a leave, not a century.
    if span.seconds() > super::MAX_TIMELINE_DAYS * 86_400 {
        return Err(ServiceError::invalid("ends_at", Msg::ErrDutySpanTooLong));
    }
    let txn = write_txn(db).await?;
    let loaded = load(&txn, r, span).await?;
    let segments = loaded.rules.resolve(span);
    rules::check_offer(&segments, from, layer, span, to_rules(now)).map_err(|e| match e {
        rules::Refusal::NotOnDuty => refused("from_id", e),
        _ => refused("ends_at", e),
    })?;
    rules::check_take(&segments, from, to, layer, span).map_err(|e| match e {
        rules::Refusal::OwnOffer => ServiceError::invalid("to_id", Msg::ErrDutySamePerson),
        _ => refused("to_id", e),
    })?;
    let start = std::cmp::max(span.start, to_rules(now));
    let id = Uuid::new_v4();
    offer::ActiveModel {
        id: Set(id),
        roster_id: Set(loaded.roster.id),
        layer: Set(layer_code(layer).into()),
        person_id: Set(from),
        starts_at: Set(to_db(start)),
        ends_at: Set(to_db(span.end)),
        note: Set(reason.clone()),
        state: Set("taken".into()),
        taken_by: Set(Some(to)),
        taken_at: Set(Some(now)),
        assigned_by: Set(Some(actor.person_id)),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    touched(&txn, &loaded.roster).await?;
    let names = people_refs(&txn, [from, to]).await?;
    let name = |p: Uuid| names.get(&p).cloned().unwrap_or_default();
    AuditEntry::by(
        actor,
        meta,
        AuditAction::ShiftReassign,
        format!("roster {}", loaded.roster.name),
        format!(
            "{} {} – {}; {} → {}; reason: {reason}",
            layer_code(layer),
            local(start, &zone),
            local(span.end, &zone),
            name(from),
            name(to)
        ),
    )
    .record(&txn, now)
    .await?;
    epoch::commit_change(txn).await?;
    Ok(id)
}

/// The text of a handover or a status report: required unless there is nothing to report, at
/// most [`MAX_ENTRY_CHARS`].
fn entry_body(text: &str, nothing: bool) -> ServiceResult<String> {
    let body = text.trim();
    if body.is_empty() && !nothing {
        return Err(ServiceError::invalid("body", Msg::ErrDutyEntryRequired));
    }
    if body.chars().count() > MAX_ENTRY_CHARS {
        return Err(ServiceError::invalid("body", Msg::ErrDutyEntryTooLong));
    }
    Ok(body.to_string())
}

/// Writes the handover of one of one's own primary shifts (begun, ended or under way): once per
/// shift.
pub async fn write_handover(db: &DatabaseConnection, by: &Acting<'_>, stander: &DutyStander, input: &HandoverInput) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let r = stander.roster(db, id_of(&input.roster_id)?).await?;
    let zone = zone_of(&r.time_zone);
    let start = parse_instant(&input.shift_start, &zone).ok_or(ServiceError::invalid("shift_start", Msg::ErrDutyDateTime))?;
    let body = entry_body(&input.body, input.nothing_to_report)?;
    let me = stander.person_id();
    let at = to_rules(now);
    if start > at {
        return Err(ServiceError::invalid("shift_start", Msg::ErrDutyShiftNotStarted));
    }
    // Wide enough that a shift starting at `start` is seen whole (up to a week long).
    let window = Span { start: plus(start, -DAY), end: plus(start, 8 * DAY) };
    let txn = write_txn(db).await?;
    let loaded = load(&txn, r, window).await?;
    let segments = loaded.rules.resolve(window);
    let shift = rules::shifts(&segments)
        .into_iter()
        .find(|s| s.person == me && s.layer == Layer::Primary && s.span.start == start)
        .ok_or(ServiceError::invalid("shift_start", Msg::ErrDutyNotYourShift))?;
    let rows = crate::rosters::scope::rows_of(&loaded.roster);
    let already = rows
        .handovers()
        .filter(handover::Column::PersonId.eq(me))
        .filter(handover::Column::ShiftStart.eq(to_db(start)))
        .one(&txn)
        .await?;
    if already.is_some() {
        return Err(ServiceError::Conflict { field: "shift_start", msg: Msg::ErrDutyHandoverWritten });
    }
    let id = Uuid::new_v4();
    handover::ActiveModel {
        id: Set(id),
        roster_id: Set(loaded.roster.id),
        person_id: Set(me),
        shift_start: Set(to_db(shift.span.start)),
        shift_end: Set(to_db(shift.span.end)),
        body: Set(body),
        nothing_to_report: Set(input.nothing_to_report),
        written_at: Set(now),
        acknowledged_by: Set(None),
        acknowledged_at: Set(None),
    }
    .insert(&txn)
    .await?;
    AuditEntry::by(
        actor,
        meta,
        AuditAction::HandoverWrite,
        format!("roster {}", loaded.roster.name),
        format!(
            "shift {} – {}{}",
            local(shift.span.start, &zone),
            local(shift.span.end, &zone),
            if input.nothing_to_report { "; nothing to report" } else { "" }
        ),
    )
    .record(&txn, now)
    .await?;
    epoch::commit_change(txn).await?;
    Ok(id)
}

/// Acknowledges a handover: only the person it is for (who came on duty at its shift's end).
pub async fn acknowledge_handover(db: &DatabaseConnection, by: &Acting<'_>, stander: &DutyStander, id: Uuid) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let h = stander.handovers().filter(handover::Column::Id.eq(id)).one(db).await?.ok_or(ServiceError::NotFound)?;
    if h.acknowledged_at.is_some() {
        return Err(ServiceError::Conflict { field: "handover", msg: Msg::ErrDutyAlreadyAcknowledged });
    }
    let me = stander.person_id();
    let span = Span::new(to_rules(h.shift_start), to_rules(h.shift_end)).ok_or(ServiceError::NotFound)?;
    let r = stander.roster(db, h.roster_id).await?;
    let window = Span { start: plus(span.end, -DAY), end: plus(span.end, DAY) };
    let loaded = load(db, r, window).await?;
    let segments = loaded.rules.resolve(window);
    let shift = rules::Shift { person: h.person_id, layer: Layer::Primary, span };
    if h.person_id == me || !handed_to(&segments, &shift).contains(&me) {
        return Err(ServiceError::invalid("handover", Msg::ErrDutyNotNextPerson));
    }
    let txn = write_txn(db).await?;
    let done = handover::Entity::update_many()
        .col_expr(handover::Column::AcknowledgedBy, Expr::value(Some(me)))
        .col_expr(handover::Column::AcknowledgedAt, Expr::value(Some(now)))
        .filter(handover::Column::Id.eq(h.id))
        .filter(handover::Column::AcknowledgedAt.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(ServiceError::Conflict { field: "handover", msg: Msg::ErrDutyAlreadyAcknowledged });
    }
    let zone = zone_of(&loaded.roster.time_zone);
    AuditEntry::by(
        actor,
        meta,
        AuditAction::HandoverAcknowledge,
        format!("roster {}", loaded.roster.name),
        format!("shift {} – {}", local(span.start, &zone), local(span.end, &zone)),
    )
    .record(&txn, now)
    .await?;
    epoch::commit_change(txn).await
}

/// Writes a special period's status report for one due moment: by someone on duty then (either
/// layer), once per moment, from one interval before it.
pub async fn write_status_report(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    stander: &DutyStander,
    input: &StatusReportInput,
) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let p = stander
        .specials()
        .filter(special::Column::Id.eq(id_of(&input.special_id)?))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let r = stander.roster(db, p.roster_id).await?;
    let zone = zone_of(&r.time_zone);
    let due = parse_instant(&input.due_at, &zone).ok_or(ServiceError::invalid("due_at", Msg::ErrDutyDateTime))?;
    let body = entry_body(&input.body, false)?;
    let span = Span::new(to_rules(p.starts_at), to_rules(p.ends_at)).ok_or(ServiceError::NotFound)?;
    let every = p.report_every_hours.and_then(|h| u16::try_from(h).ok()).filter(|h| *h > 0);
    let period = rules::SpecialPeriod { id: p.id, span, round_the_clock: p.round_the_clock, report_every_hours: every, shifts: vec![] };
    let at = to_rules(now);
    let early = plus(due, -i64::from(every.unwrap_or(0)) * HOUR);
    if !rules::report_times(&period).contains(&due) || early > at {
        return Err(ServiceError::invalid("due_at", Msg::ErrDutyNotDue));
    }
    let me = stander.person_id();
    let window = Span { start: due, end: plus(due, 1) };
    let loaded = load(db, r, window).await?;
    let on = loaded.rules.resolve(window).first().is_some_and(|s| s.primary.contains(&me) || s.backup.contains(&me));
    if !on {
        return Err(ServiceError::invalid("due_at", Msg::ErrDutyNotYourShift));
    }
    let txn = write_txn(db).await?;
    if stander.status_reports([p.id]).filter(status_report::Column::DueAt.eq(to_db(due))).one(&txn).await?.is_some() {
        return Err(ServiceError::Conflict { field: "due_at", msg: Msg::ErrDutyReportWritten });
    }
    let id = Uuid::new_v4();
    status_report::ActiveModel {
        id: Set(id),
        special_id: Set(p.id),
        due_at: Set(to_db(due)),
        person_id: Set(me),
        body: Set(body),
        written_at: Set(now),
    }
    .insert(&txn)
    .await?;
    AuditEntry::by(
        actor,
        meta,
        AuditAction::StatusReportWrite,
        format!("roster {}", loaded.roster.name),
        format!("special period {}; due {}", p.name, local(due, &zone)),
    )
    .record(&txn, now)
    .await?;
    epoch::commit_change(txn).await?;
    Ok(id)
}

/// Recent handovers of a roster (the last fortnight), newest first, for its page.
pub async fn recent_handovers<C: ConnectionTrait>(
    db: &C,
    r: &roster::Model,
    now: OffsetDateTime,
    viewer_zone: &str,
) -> ServiceResult<Vec<HandoverRow>> {
    let rows = crate::rosters::scope::rows_of(r)
        .handovers()
        .filter(handover::Column::ShiftEnd.gt(to_db(plus(to_rules(now), -14 * DAY))))
        .order_by_desc(handover::Column::ShiftStart)
        .limit(50)
        .all(db)
        .await?;
    let named: Vec<Uuid> = rows.iter().flat_map(|h| std::iter::once(h.person_id).chain(h.acknowledged_by)).collect();
    let names = people_refs(db, named).await?;
    let zone = zone_of(viewer_zone);
    Ok(rows.iter().map(|h| handover_row(h, &r.name, &names, &zone)).collect())
}

/// The offers of a roster still to come (open, or taken as swaps), for its page.
pub async fn roster_offers<C: ConnectionTrait>(
    db: &C,
    r: &roster::Model,
    now: OffsetDateTime,
    viewer_zone: &str,
) -> ServiceResult<Vec<OfferRow>> {
    let rows = crate::rosters::scope::rows_of(r)
        .offers()
        .filter(offer::Column::State.ne("withdrawn"))
        .filter(offer::Column::EndsAt.gt(now))
        .order_by_asc(offer::Column::StartsAt)
        .limit(100)
        .all(db)
        .await?;
    let named: Vec<Uuid> = rows.iter().flat_map(|o| std::iter::once(o.person_id).chain(o.taken_by)).collect();
    let names = people_refs(db, named).await?;
    let zone = zone_of(viewer_zone);
    Ok(rows.iter().map(|o| offer_row(o, &r.name, &names, &zone)).collect())
}

/// How soon before its start a special period still without cover is mailed about again.
pub const WARN_AGAIN_DAYS: i64 = 3;

/// Mails the managers of each organisation whose special period starts within
/// [`FLAG_DAYS_BEFORE`] days with gaps (as the duty job found them, checked again now): once, and
/// again at [`WARN_AGAIN_DAYS`] if still uncovered; never for a period published with its gaps
/// accepted. Returns how many mails were queued.
pub async fn warn_uncovered(db: &DatabaseConnection, now: OffsetDateTime, fallback_zone: &str) -> ServiceResult<usize> {
    use crate::rosters::mail::DutyMail;
    let at = to_rules(now);
    let due = crate::rosters::scope::specials_to_warn(now, to_db(plus(at, FLAG_DAYS_BEFORE * DAY)), to_db(plus(at, WARN_AGAIN_DAYS * DAY)))
        .all(db)
        .await?;
    let rosters = crate::rosters::scope::rosters_of(&due).all(db).await?;
    let mut sent = 0;
    for p in due {
        let Some(r) = rosters.iter().find(|r| r.id == p.roster_id).cloned() else { continue };
        let again = p.warned_at.is_some();
        let Some(span) = Span::new(std::cmp::max(to_rules(p.starts_at), at), to_rules(p.ends_at)) else { continue };
        let txn = write_txn(db).await?;
        let loaded = load(&txn, r, span).await?;
        let (_, _, gaps) = loaded.resolve(span);
        let seconds: i64 = gaps.iter().map(|g| g.span.seconds()).sum();
        let mut a = p.clone().into_active_model();
        a.gap_seconds = Set(Some(seconds));
        a.first_gap_at = Set(gaps.first().map(|g| to_db(g.span.start)));
        if seconds > 0 {
            let zone = if loaded.roster.time_zone.is_empty() { zone_of(fallback_zone) } else { loaded.zone.clone() };
            let mail = DutyMail::SpecialUncovered {
                roster: loaded.roster.name.clone(),
                special: p.name.clone(),
                starts: local(to_rules(p.starts_at), &zone),
                gap_hours: hours_of(seconds),
                first_gap: gaps.first().map(|g| local(g.span.start, &zone)).unwrap_or_default(),
                again,
            };
            let managers = crate::rosters::scope::managers_of(&txn, loaded.roster.organisation_id).await?;
            crate::backend::mail::enqueue_each(&txn, now, &crate::tenancy::service::recipients(&managers), &mail).await?;
            sent += managers.len();
            if again {
                a.warned_again_at = Set(Some(now));
            } else {
                a.warned_at = Set(Some(now));
                // Within three days already: the first mail is the last.
                if to_rules(p.starts_at) <= plus(at, WARN_AGAIN_DAYS * DAY) {
                    a.warned_again_at = Set(Some(now));
                }
            }
        }
        a.update(&txn).await?;
        txn.commit().await?;
    }
    Ok(sent)
}

/// Publishes a special period to its roster's people: with gaps still in its cover, only with the
/// manager's reason for accepting them (kept, audited, and no more warnings sent).
pub async fn publish_special(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    mgr: &RosterManager,
    special_id: Uuid,
    reason: &str,
) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let p = mgr.special(db, special_id).await?;
    if p.published_at.is_some() {
        return Err(ServiceError::Conflict { field: "special", msg: Msg::ErrDutyAlreadyPublished });
    }
    let r = mgr.roster(db, p.roster_id).await?;
    let reason = reason.trim().to_string();
    if reason.chars().count() > crate::tenancy::MAX_REASON_CHARS {
        return Err(ServiceError::invalid("reason", Msg::ErrReasonTooLong));
    }
    let at = to_rules(now);
    let span = Span::new(std::cmp::max(to_rules(p.starts_at), at), to_rules(p.ends_at))
        .ok_or(ServiceError::invalid("special", Msg::ErrDutyInThePast))?;
    let txn = write_txn(db).await?;
    let loaded = load(&txn, r, span).await?;
    let (_, _, gaps) = loaded.resolve(span);
    let seconds: i64 = gaps.iter().map(|g| g.span.seconds()).sum();
    if seconds > 0 && reason.is_empty() {
        return Err(ServiceError::invalid("reason", Msg::ErrDutyGapsNeedReason));
    }
    let mut a = p.clone().into_active_model();
    a.published_at = Set(Some(now));
    if seconds > 0 {
        a.gaps_accepted_reason = Set(Some(reason.clone()));
        a.gaps_accepted_by = Set(Some(actor.person_id));
    }
    a.gap_seconds = Set(Some(seconds));
    a.update(&txn).await?;
    AuditEntry::by(
        actor,
        meta,
        AuditAction::SpecialPublish,
        format!("roster {}", loaded.roster.name),
        if seconds > 0 {
            format!("special period {}; gaps accepted: {} h; reason: {reason}", p.name, hours_of(seconds))
        } else {
            format!("special period {}; fully covered", p.name)
        },
    )
    .record(&txn, now)
    .await?;
    epoch::commit_change(txn).await
}
