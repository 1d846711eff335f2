//! Setting a roster up: the roster itself, rotations (an edit ends the version in force and
//! starts another, so the past is never rewritten), overrides checked against the roster, and
//! special periods. Every refusal names its field and writes nothing.
use super::*;
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{actor::Acting, db::write_txn, epoch, error::FieldError},
    rosters::{scope::RosterManager, MemberInput, OverrideInput, RosterInput, RotationInput, SpecialInput, MAX_NAME_CHARS},
    tenancy::entity::person,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};

/// A name: trimmed, required, at most [`MAX_NAME_CHARS`].
fn name(field: &'static str, text: &str) -> ServiceResult<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ServiceError::invalid(field, Msg::ErrNameRequired));
    }
    if text.chars().count() > MAX_NAME_CHARS {
        return Err(ServiceError::invalid(field, Msg::ErrDutyNameTooLong));
    }
    Ok(text.to_string())
}

/// A roster as typed, checked field by field (every refused field reported at once).
struct RosterFields {
    name: String,
    zone: String,
    cover: String,
    phone: String,
    email: String,
}

fn roster_fields(input: &RosterInput, default_zone: &str) -> ServiceResult<RosterFields> {
    let mut refused = Vec::new();
    let mut no = |field: &'static str, msg: Msg| refused.push(FieldError::new(field, msg));
    let name_ = name("name", &input.name);
    if let Err(e) = &name_ {
        if let Some(f) = e.first_field() {
            no(f.field, f.msg);
        }
    }
    let zone = match input.time_zone.trim() {
        "" => default_zone.to_string(),
        z if crate::backend::time_fmt::is_known_zone(z) => z.to_string(),
        _ => {
            no("time_zone", Msg::ErrTimeZone);
            String::new()
        }
    };
    let cover = match input.cover.trim() {
        "" | "out_of_hours" => Hours::out_of_hours().code(),
        "always" => "always".to_string(),
        "none" => "none".to_string(),
        "custom" => match Hours::parse(&input.hours) {
            Some(h) if !h.is_always() => h.code(),
            _ => {
                no("hours", Msg::ErrDutyHours);
                String::new()
            }
        },
        _ => {
            no("cover", Msg::ErrDutyCover);
            String::new()
        }
    };
    let phone = input.phone.trim().to_string();
    if phone.chars().count() > 64 {
        no("phone", Msg::ErrDutyPhone);
    }
    let email = match input.email.trim() {
        "" => String::new(),
        e => crate::auth::rules::parse_email(e).unwrap_or_else(|msg| {
            no("email", msg);
            String::new()
        }),
    };
    match name_ {
        Ok(name) if refused.is_empty() => Ok(RosterFields { name, zone, cover, phone, email }),
        _ => Err(ServiceError::Invalid(refused)),
    }
}

/// Sets up a roster (a duty desk) of the manager's organisation.
pub async fn create_roster(db: &sea_orm::DatabaseConnection, by: &Acting<'_>, mgr: &RosterManager, input: &RosterInput) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let f = roster_fields(input, &actor.time_zone)?;
    let txn = write_txn(db).await?;
    // Two desks of one organisation under one name would be told apart by nobody.
    if mgr.rosters().filter(roster::Column::Name.eq(f.name.as_str())).one(&txn).await?.is_some() {
        return Err(ServiceError::invalid("name", Msg::ErrNameTaken));
    }
    let id = Uuid::new_v4();
    roster::ActiveModel {
        id: Set(id),
        organisation_id: Set(mgr.organisation_id()),
        name: Set(f.name.clone()),
        time_zone: Set(f.zone.clone()),
        cover: Set(f.cover.clone()),
        phone: Set(f.phone),
        email: Set(f.email),
        created_by: Set(actor.person_id),
        created_at: Set(now),
        archived_at: Set(None),
        resolved_until: Set(None),
        uncovered_since: Set(None),
    }
    .insert(&txn)
    .await?;
    AuditEntry::by(actor, meta, AuditAction::RosterCreate, format!("roster {}", f.name), format!("zone={}; cover={}", f.zone, f.cover))
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await?;
    Ok(id)
}

/// A rotation as typed, with its members checked against the organisation's active people.
struct RotationFields {
    name: String,
    layer: Layer,
    pattern: String,
    every_days: Option<i16>,
    weekdays: i16,
    handoff: Clock,
    anchor: civil::Date,
    hours: Hours,
    members: Vec<rules::Member>,
}

async fn rotation_fields<C: ConnectionTrait>(db: &C, mgr: &RosterManager, input: &RotationInput) -> ServiceResult<RotationFields> {
    let mut refused = Vec::new();
    let mut no = |field: &'static str, msg: Msg| refused.push(FieldError::new(field, msg));
    let name_ = name("name", &input.name).map_err(|_| ()).ok();
    if name_.is_none() {
        no("name", if input.name.trim().is_empty() { Msg::ErrNameRequired } else { Msg::ErrDutyNameTooLong });
    }
    let layer = parse_layer(&input.layer);
    if layer.is_none() {
        no("layer", Msg::ErrDutyLayer);
    }
    let every_days = match input.pattern.as_str() {
        "every_days" => match input.every_days.trim().parse::<u16>() {
            Ok(n) if (1..=rules::MAX_EVERY_DAYS).contains(&n) => Some(n as i16),
            _ => {
                no("every_days", Msg::ErrDutyEveryDays);
                None
            }
        },
        _ => None,
    };
    let weekdays = match Days::parse(&input.weekdays) {
        Some(d) if input.pattern == "weekdays" && d.is_empty() => {
            no("weekdays", Msg::ErrDutyNoDays);
            0
        }
        Some(d) => i16::from(d.bits()),
        None => {
            no("weekdays", Msg::ErrDutyNoDays);
            0
        }
    };
    if !["daily", "weekly", "every_days", "weekdays"].contains(&input.pattern.as_str()) {
        no("pattern", Msg::ErrDutyPattern);
    }
    let handoff = Clock::parse(&input.handoff);
    if handoff.is_none() {
        no("handoff", Msg::ErrDutyClock);
    }
    let anchor = parse_day(&input.anchor);
    if anchor.is_none() {
        no("anchor", Msg::ErrDutyDate);
    }
    let hours = Hours::parse(&input.hours);
    if hours.is_none() {
        no("hours", Msg::ErrDutyHours);
    }
    let mut members = Vec::new();
    let mut wanted = Vec::new();
    for m in &input.members {
        let (Ok(person), joins, leaves) = (m.person_id.trim().parse::<Uuid>(), day_or_none(&m.joins), day_or_none(&m.leaves)) else {
            no("members", Msg::ErrDutyNotColleague);
            continue;
        };
        match (joins, leaves) {
            (Ok(joins), Ok(leaves)) if joins.zip(leaves).is_none_or(|(j, l)| j < l) => {
                wanted.push(person);
                members.push(rules::Member { person, joins, leaves });
            }
            _ => no("members", Msg::ErrDutyMemberDates),
        }
    }
    if input.members.is_empty() {
        no("members", Msg::ErrDutyNoPeople);
    }
    check_colleagues(db, mgr, &wanted, "members", &mut refused).await?;
    if !refused.is_empty() {
        refused.dedup_by_key(|f| f.field);
        return Err(ServiceError::Invalid(refused));
    }
    match (name_, layer, handoff, anchor, hours) {
        (Some(name), Some(layer), Some(handoff), Some(anchor), Some(hours)) => Ok(RotationFields {
            name,
            layer,
            pattern: input.pattern.clone(),
            every_days,
            weekdays,
            handoff,
            anchor,
            hours,
            members,
        }),
        _ => Err(ServiceError::invalid("name", Msg::ErrNameRequired)),
    }
}

/// An optional `YYYY-MM-DD`: empty is none, anything else must be a day.
fn day_or_none(text: &str) -> Result<Option<civil::Date>, ()> {
    match text.trim() {
        "" => Ok(None),
        t => parse_day(t).map(Some).ok_or(()),
    }
}

/// Everyone in `ids` must be an active person of the manager's organisation.
pub(super) async fn check_colleagues<C: ConnectionTrait>(
    db: &C,
    mgr: &RosterManager,
    ids: &[Uuid],
    field: &'static str,
    refused: &mut Vec<FieldError>,
) -> ServiceResult<()> {
    let wanted: BTreeSet<Uuid> = ids.iter().copied().collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let found: BTreeSet<Uuid> =
        mgr.people().filter(person::Column::Id.is_in(wanted.iter().copied())).all(db).await?.into_iter().map(|p| p.id).collect();
    if found != wanted {
        refused.push(FieldError::new(field, Msg::ErrDutyNotColleague));
    }
    Ok(())
}

/// Writes a rotation version and its members.
async fn insert_version<C: ConnectionTrait>(
    db: &C,
    roster_id: Uuid,
    series_id: Uuid,
    f: &RotationFields,
    by: Uuid,
    from: OffsetDateTime,
    now: OffsetDateTime,
) -> ServiceResult<Uuid> {
    let id = Uuid::new_v4();
    rotation::ActiveModel {
        id: Set(id),
        roster_id: Set(roster_id),
        series_id: Set(series_id),
        name: Set(f.name.clone()),
        layer: Set(layer_code(f.layer).into()),
        pattern: Set(f.pattern.clone()),
        every_days: Set(f.every_days),
        weekdays: Set(f.weekdays),
        handoff: Set(f.handoff.to_string()),
        anchor: Set(db_date(f.anchor).ok_or(ServiceError::invalid("anchor", Msg::ErrDutyDate))?),
        hours: Set(f.hours.code()),
        valid_from: Set(from),
        valid_until: Set(None),
        created_by: Set(by),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    for (i, m) in f.members.iter().enumerate() {
        member::ActiveModel {
            rotation_id: Set(id),
            position: Set(i as i16),
            person_id: Set(m.person),
            joins: Set(m.joins.and_then(db_date)),
            leaves: Set(m.leaves.and_then(db_date)),
        }
        .insert(db)
        .await?;
    }
    Ok(id)
}

/// The most members a rotation may have.
pub const MAX_MEMBERS: usize = 100;

/// Adds a rotation to one of the manager's rosters, in force from now.
pub async fn add_rotation(
    db: &sea_orm::DatabaseConnection,
    by: &Acting<'_>,
    mgr: &RosterManager,
    roster_id: Uuid,
    input: &RotationInput,
) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let r = mgr.roster(db, roster_id).await?;
    if input.members.len() > MAX_MEMBERS {
        return Err(ServiceError::invalid("members", Msg::ErrDutyTooManyMembers));
    }
    let f = rotation_fields(db, mgr, input).await?;
    let txn = write_txn(db).await?;
    let id = insert_version(&txn, r.id, Uuid::new_v4(), &f, actor.person_id, now, now).await?;
    super::duty::touched(&txn, &r).await?;
    AuditEntry::by(actor, meta, AuditAction::RotationSave, format!("roster {}", r.name), describe(&f))
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await?;
    Ok(id)
}

/// Changes a rotation: the version in force ends now and a new one starts, so the duty already
/// stood (and the past the rules give) is never rewritten. An ended version cannot be edited.
pub async fn edit_rotation(
    db: &sea_orm::DatabaseConnection,
    by: &Acting<'_>,
    mgr: &RosterManager,
    rotation_id: Uuid,
    input: &RotationInput,
) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let old = mgr.rotation(db, rotation_id).await?;
    if old.valid_until.is_some() {
        return Err(ServiceError::Conflict { field: "rotation", msg: Msg::ErrDutyRotationEnded });
    }
    if input.members.len() > MAX_MEMBERS {
        return Err(ServiceError::invalid("members", Msg::ErrDutyTooManyMembers));
    }
    let f = rotation_fields(db, mgr, input).await?;
    let r = mgr.roster(db, old.roster_id).await?;
    let txn = write_txn(db).await?;
    // A version not yet begun is simply replaced; one in force ends now.
    let mut ended = old.clone().into_active_model();
    ended.valid_until = Set(Some(std::cmp::max(now, old.valid_from)));
    ended.update(&txn).await?;
    let id = insert_version(&txn, r.id, old.series_id, &f, actor.person_id, std::cmp::max(now, old.valid_from), now).await?;
    super::duty::touched(&txn, &r).await?;
    AuditEntry::by(actor, meta, AuditAction::RotationSave, format!("roster {}", r.name), describe(&f))
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await?;
    Ok(id)
}

fn describe(f: &RotationFields) -> String {
    format!(
        "rotation {}; layer={}; pattern={}; handoff={}; anchor={}; hours={}; members={}",
        f.name,
        layer_code(f.layer),
        f.pattern,
        f.handoff,
        f.anchor,
        if f.hours.is_always() { "always".to_string() } else { f.hours.code() },
        f.members.len()
    )
}

/// A span typed on the roster's wall clock, both ends checked.
fn span_fields(starts: &str, ends: &str, zone: &TimeZone, refused: &mut Vec<FieldError>) -> Option<Span> {
    let start = parse_local(starts, zone);
    let end = parse_local(ends, zone);
    if start.is_none() {
        refused.push(FieldError::new("starts_at", Msg::ErrDutyDateTime));
    }
    if end.is_none() {
        refused.push(FieldError::new("ends_at", Msg::ErrDutyDateTime));
    }
    let (start, end) = (start?, end?);
    let span = Span::new(start, end);
    if span.is_none() {
        refused.push(FieldError::new("ends_at", Msg::ErrDutyEndsBeforeStart));
    }
    span
}

/// The longest an override may last, in days.
pub const MAX_OVERRIDE_DAYS: i64 = 366;

/// Adds an override to one of the manager's rosters: refused when it conflicts with another
/// (overlapping, same layer, a person in common) or changes nothing.
pub async fn add_override(
    db: &sea_orm::DatabaseConnection,
    by: &Acting<'_>,
    mgr: &RosterManager,
    roster_id: Uuid,
    input: &OverrideInput,
) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let r = mgr.roster(db, roster_id).await?;
    let zone = zone_of(&r.time_zone);
    let mut refused = Vec::new();
    let layer = layer_field(&input.layer, &mut refused);
    let person = person_field("person_id", &input.person_id, &mut refused);
    let replaces = match input.kind.as_str() {
        "replace" => person_field("replaces_id", &input.replaces_id, &mut refused),
        "add" | "remove" => None,
        _ => {
            refused.push(FieldError::new("kind", Msg::ErrDutyOverrideKind));
            None
        }
    };
    let span = span_fields(&input.starts_at, &input.ends_at, &zone, &mut refused);
    // Checking an override resolves the roster over its span: a long leave fits, a century does not.
    if span.is_some_and(|s| s.seconds() > MAX_OVERRIDE_DAYS * 86_400) {
        refused.push(FieldError::new("ends_at", Msg::ErrDutyOverrideTooLong));
    }
    let reason = input.reason.trim().to_string();
    if reason.chars().count() > crate::tenancy::MAX_REASON_CHARS {
        refused.push(FieldError::new("reason", Msg::ErrReasonTooLong));
    }
    let people: Vec<Uuid> = person.into_iter().chain(replaces).collect();
    check_colleagues(db, mgr, &people, "person_id", &mut refused).await?;
    if !refused.is_empty() {
        return Err(ServiceError::Invalid(refused));
    }
    let (Some(layer), Some(person), Some(span)) = (layer, person, span) else {
        return Err(ServiceError::invalid("person_id", Msg::ErrDutyNotColleague));
    };
    let change = match (input.kind.as_str(), replaces) {
        ("add", _) => Change::Add(person),
        ("remove", _) => Change::Remove(person),
        (_, Some(from)) => Change::Replace { from, to: person },
        _ => return Err(ServiceError::invalid("kind", Msg::ErrDutyOverrideKind)),
    };
    let id = Uuid::new_v4();
    let new = rules::Override { id, layer, span, change };
    let txn = write_txn(db).await?;
    // Checked inside the write transaction, so two conflicting overrides cannot both pass.
    let loaded = load(&txn, r, span).await?;
    rules::check_override(&loaded.rules, &new).map_err(refused_field)?;
    override_::ActiveModel {
        id: Set(id),
        roster_id: Set(loaded.roster.id),
        layer: Set(layer_code(layer).into()),
        kind: Set(input.kind.clone()),
        person_id: Set(person),
        replaces_id: Set(replaces),
        starts_at: Set(to_db(span.start)),
        ends_at: Set(to_db(span.end)),
        reason: Set(reason.clone()),
        created_by: Set(actor.person_id),
        created_at: Set(now),
        withdrawn_at: Set(None),
        withdrawn_by: Set(None),
    }
    .insert(&txn)
    .await?;
    super::duty::touched(&txn, &loaded.roster).await?;
    AuditEntry::by(
        actor,
        meta,
        AuditAction::OverrideAdd,
        format!("roster {}", loaded.roster.name),
        format!(
            "{} {}; {} – {}; reason: {}",
            input.kind,
            layer_code(layer),
            local(span.start, &zone),
            local(span.end, &zone),
            reason
        ),
    )
    .record(&txn, now)
    .await?;
    epoch::commit_change(txn).await?;
    Ok(id)
}

/// The field a refused override names.
fn refused_field(e: rules::Refusal) -> ServiceError {
    use rules::Refusal as R;
    match e {
        R::EndsBeforeStart | R::InThePast => refused("ends_at", e),
        R::SamePerson => refused("replaces_id", e),
        R::Conflicts(_) | R::ChangesNothing => refused("starts_at", e),
        _ => refused("person_id", e),
    }
}

/// The longest a special period may last.
pub const MAX_SPECIAL_DAYS: i64 = 62;

/// Declares a special period on one of the manager's rosters: it must end after it starts and
/// after now, and last at most [`MAX_SPECIAL_DAYS`].
pub async fn create_special(
    db: &sea_orm::DatabaseConnection,
    by: &Acting<'_>,
    mgr: &RosterManager,
    roster_id: Uuid,
    input: &SpecialInput,
) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let r = mgr.roster(db, roster_id).await?;
    let zone = zone_of(&r.time_zone);
    let mut refused = Vec::new();
    let name_ = name("name", &input.name);
    if let Err(e) = &name_ {
        refused.extend(e.first_field());
    }
    let report_every = match input.report_every_hours.trim() {
        "" => None,
        t => match t.parse::<i16>() {
            Ok(h) if (1..=24).contains(&h) => Some(h),
            _ => {
                refused.push(FieldError::new("report_every_hours", Msg::ErrDutyReportEvery));
                None
            }
        },
    };
    let span = span_fields(&input.starts_at, &input.ends_at, &zone, &mut refused);
    if let Some(span) = span {
        if let Err(e) = rules::check_special(span.start, span.end, to_rules(now)) {
            refused.push(FieldError::new("ends_at", refusal_msg(e)));
        } else if span.seconds() > MAX_SPECIAL_DAYS * 86_400 {
            refused.push(FieldError::new("ends_at", Msg::ErrDutySpecialTooLong));
        }
    }
    if !refused.is_empty() {
        return Err(ServiceError::Invalid(refused));
    }
    let (Ok(name), Some(span)) = (name_, span) else {
        return Err(ServiceError::invalid("name", Msg::ErrNameRequired));
    };
    let txn = write_txn(db).await?;
    let id = Uuid::new_v4();
    special::ActiveModel {
        id: Set(id),
        roster_id: Set(r.id),
        name: Set(name.clone()),
        starts_at: Set(to_db(span.start)),
        ends_at: Set(to_db(span.end)),
        round_the_clock: Set(input.round_the_clock),
        report_every_hours: Set(report_every),
        published_at: Set(None),
        gaps_accepted_reason: Set(None),
        gaps_accepted_by: Set(None),
        warned_at: Set(None),
        warned_again_at: Set(None),
        gap_seconds: Set(None),
        first_gap_at: Set(None),
        created_by: Set(actor.person_id),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    super::duty::touched(&txn, &r).await?;
    AuditEntry::by(
        actor,
        meta,
        AuditAction::SpecialCreate,
        format!("roster {}", r.name),
        format!(
            "special period {name}; {} – {}; round the clock: {}",
            local(span.start, &zone),
            local(span.end, &zone),
            input.round_the_clock
        ),
    )
    .record(&txn, now)
    .await?;
    epoch::commit_change(txn).await?;
    Ok(id)
}

/// Adds a shift to a special period's fixed roster (which wins over everything else in the
/// period's window): a colleague, within the window, not ended, not overlapping that person's
/// other fixed shift on the layer.
pub async fn add_fixed_shift(
    db: &sea_orm::DatabaseConnection,
    by: &Acting<'_>,
    mgr: &RosterManager,
    special_id: Uuid,
    input: &crate::rosters::FixedShiftInput,
) -> ServiceResult<Uuid> {
    use crate::rosters::entity::fixed_shift;
    let Acting { actor, meta, now } = *by;
    let p = mgr.special(db, special_id).await?;
    let r = mgr.roster(db, p.roster_id).await?;
    let zone = zone_of(&r.time_zone);
    let mut refused = Vec::new();
    let layer = layer_field(&input.layer, &mut refused);
    let person = person_field("person_id", &input.person_id, &mut refused);
    check_colleagues(db, mgr, &person.into_iter().collect::<Vec<_>>(), "person_id", &mut refused).await?;
    let span = span_fields(&input.starts_at, &input.ends_at, &zone, &mut refused);
    let window = Span::new(to_rules(p.starts_at), to_rules(p.ends_at));
    if let (Some(span), Some(window)) = (span, window) {
        if span.clip(window) != Some(span) {
            refused.push(FieldError::new("ends_at", Msg::ErrDutyOutsideSpecial));
        } else if span.end <= to_rules(now) {
            refused.push(FieldError::new("ends_at", Msg::ErrDutyInThePast));
        }
    }
    let (Some(layer), Some(person), Some(span), true) = (layer, person, span, refused.is_empty()) else {
        return Err(ServiceError::Invalid(refused));
    };
    let txn = write_txn(db).await?;
    let rows = crate::rosters::scope::rows_of(&r);
    let overlapping = rows
        .fixed_shifts([p.id])
        .filter(fixed_shift::Column::PersonId.eq(person))
        .filter(fixed_shift::Column::Layer.eq(layer_code(layer)))
        .filter(fixed_shift::Column::StartsAt.lt(to_db(span.end)))
        .filter(fixed_shift::Column::EndsAt.gt(to_db(span.start)))
        .one(&txn)
        .await?;
    if overlapping.is_some() {
        return Err(ServiceError::invalid("starts_at", Msg::ErrDutyFixedOverlap));
    }
    let id = Uuid::new_v4();
    fixed_shift::ActiveModel {
        id: Set(id),
        special_id: Set(p.id),
        person_id: Set(person),
        layer: Set(layer_code(layer).into()),
        starts_at: Set(to_db(span.start)),
        ends_at: Set(to_db(span.end)),
    }
    .insert(&txn)
    .await?;
    super::duty::touched(&txn, &r).await?;
    let names = people_refs(&txn, [person]).await?;
    AuditEntry::by(
        actor,
        meta,
        AuditAction::FixedShiftAdd,
        format!("roster {}", r.name),
        format!(
            "special period {}; {} {} {} – {}",
            p.name,
            names.get(&person).cloned().unwrap_or_default(),
            layer_code(layer),
            local(span.start, &zone),
            local(span.end, &zone)
        ),
    )
    .record(&txn, now)
    .await?;
    epoch::commit_change(txn).await?;
    Ok(id)
}

fn refusal_msg(e: rules::Refusal) -> Msg {
    match refused("x", e).first_field() {
        Some(f) => f.msg,
        None => Msg::ErrDutyDateTime,
    }
}

/// A member typed by id only (the demo and the generator).
pub fn member(person: Uuid) -> MemberInput {
    MemberInput { person_id: person.to_string(), joins: String::new(), leaves: String::new() }
}
