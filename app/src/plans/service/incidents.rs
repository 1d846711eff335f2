//! Incidents: opening one on websites in reach (the other side and the regulator see it at once;
//! level I and II mail the regulator and the CSP), milestones with their first and last values
//! kept, the timeline of notes, status reports and the portal's own entries, level changes, the
//! state machine (resolving needs root cause and lessons; closing opens the review's actions),
//! and the lists, paged and filtered, with time-to-report computed against each level's deadline.
use std::collections::{BTreeMap, HashMap};

use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::*;
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{actor::Acting, db::write_txn, epoch, epoch::Caches, ServiceError},
    plans::{
        entity::{action, entry, incident, incident_website, milestone},
        mail::IncidentMail,
        rules::{self, MilestoneError, ReportTiming},
        scope::{alerted_organisations, on_duty_people, ErReader, IncidentWriter, PlanWriter},
        ActionLine, ActionSource, Category, EntryKind, EntryView, IncidentDetail, IncidentFilter, IncidentInput, IncidentList,
        IncidentRow, IncidentStatus, Level, Milestone, MilestoneView, ReportTimingView, SystemEvent, Transition,
    },
    tenancy::entity::website,
};

/// Incidents per list page.
pub const INCIDENT_PAGE: u64 = 50;

fn status_of(i: &incident::Model) -> IncidentStatus {
    IncidentStatus::parse(&i.status).unwrap_or(IncidentStatus::Open)
}

fn level_of(i: &incident::Model) -> Level {
    Level::parse(&i.level).unwrap_or(Level::IV)
}

fn timing_view(t: ReportTiming, deadline: time::Duration, zone: &str) -> ReportTimingView {
    let (state, minutes, due) = match t {
        ReportTiming::NotDetected => ("not_detected", None, None),
        ReportTiming::Pending { due, overdue } => (if overdue { "overdue" } else { "pending" }, None, Some(shown(due, zone))),
        ReportTiming::Reported { minutes, late } => (if late { "late" } else { "on_time" }, Some(minutes), None),
    };
    ReportTimingView { state: state.into(), minutes, due, deadline_minutes: deadline.whole_minutes() }
}

/// A milestone's time typed into a form, on the viewer's clock (or RFC 3339 from the API).
fn instant(f: &mut Fields, field: &'static str, text: &str, zone: &str) -> Option<OffsetDateTime> {
    f.check(field, time_fmt::parse_in_zone(text, zone).ok_or(Msg::ErDateTime))
}

fn milestone_refusal(f: &mut Fields, (m, why): (Milestone, MilestoneError)) {
    let msg = match why {
        MilestoneError::InFuture => Msg::ErMilestoneFuture,
        MilestoneError::Before(_) => Msg::ErMilestoneOrder,
    };
    f.refuse(m.code(), msg);
}

/// Writes a timeline entry.
/// Who writes an entry: an organisation, and its person (none: the portal itself).
type Writer = (Uuid, Option<Uuid>);

async fn write_entry<C: ConnectionTrait>(
    db: &C,
    incident_id: Uuid,
    kind: EntryKind,
    at: OffsetDateTime,
    (organisation_id, person_id): Writer,
    body: String,
    now: OffsetDateTime,
) -> ServiceResult<Uuid> {
    let id = Uuid::new_v4();
    entry::ActiveModel {
        id: Set(id),
        incident_id: Set(incident_id),
        kind: Set(kind.code().into()),
        at: Set(at),
        organisation_id: Set(organisation_id),
        person_id: Set(person_id),
        body: Set(body),
        pinned: Set(false),
        written_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// A system entry's stored code read back (`opened level=II category=…`, `status a→b`,
/// `level a→b`, `milestone m=<RFC 3339>`, `reminder due=<RFC 3339>`), with times shown in `zone`.
fn system_event(body: &str, zone: &str) -> Option<SystemEvent> {
    let (what, rest) = body.split_once(' ')?;
    let pair = |r: &str| r.split_once('→').map(|(a, b)| (a.to_string(), b.to_string()));
    match what {
        "opened" => {
            let mut level = None;
            let mut category = None;
            for part in rest.split(' ') {
                match part.split_once('=') {
                    Some(("level", l)) => level = Level::parse(l),
                    Some(("category", c)) => category = Category::parse(c),
                    _ => {}
                }
            }
            Some(SystemEvent::Opened { level: level?, category: category? })
        }
        "status" => {
            let (a, b) = pair(rest)?;
            Some(SystemEvent::Status { from: IncidentStatus::parse(&a)?, to: IncidentStatus::parse(&b)? })
        }
        "level" => {
            let (a, b) = pair(rest)?;
            Some(SystemEvent::Level { from: Level::parse(&a)?, to: Level::parse(&b)? })
        }
        "milestone" => {
            let (m, at) = rest.split_once('=')?;
            let at = OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()?;
            Some(SystemEvent::Milestone { milestone: Milestone::parse(m)?, at: shown(at, zone) })
        }
        "reminder" => {
            let due = rest.strip_prefix("due=")?;
            let due = OffsetDateTime::parse(due, &time::format_description::well_known::Rfc3339).ok()?;
            Some(SystemEvent::Reminder { due: shown(due, zone) })
        }
        _ => None,
    }
}

/// Records a milestone's value: the first is kept, the latest beside it.
async fn put_milestone<C: ConnectionTrait>(
    db: &C,
    existing: Option<&milestone::Model>,
    incident_id: Uuid,
    m: Milestone,
    at: OffsetDateTime,
    by: Uuid,
    now: OffsetDateTime,
) -> ServiceResult<()> {
    match existing {
        Some(row) => {
            let mut a = row.clone().into_active_model();
            a.last_at = Set(at);
            a.last_by = Set(by);
            a.recorded_at = Set(now);
            a.update(db).await?;
        }
        None => {
            milestone::ActiveModel {
                incident_id: Set(incident_id),
                milestone: Set(m.code().into()),
                first_at: Set(at),
                first_by: Set(by),
                last_at: Set(at),
                last_by: Set(by),
                recorded_at: Set(now),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// The incident's columns that lists filter on, from its milestones' current values.
fn denormalise(i: &mut incident::ActiveModel, at: &BTreeMap<Milestone, OffsetDateTime>, level: Level) {
    let detected = at.get(&Milestone::Detected).copied();
    i.detected_at = Set(detected);
    i.csp_due_at = Set(detected.map(|d| d + rules::csp_deadline(level, None)));
    i.regulator_due_at = Set(detected.map(|d| d + rules::report_deadline(level)));
    i.reported_csp_at = Set(at.get(&Milestone::ReportedCsp).copied());
    i.reported_regulator_at = Set(at.get(&Milestone::ReportedRegulator).copied());
    i.contained_at = Set(at.get(&Milestone::Contained).copied());
    i.closed_at = Set(at.get(&Milestone::Closed).copied());
}

/// Opens an incident on websites in the writer's reach (all of one agency). Opening it in the
/// portal reports it: the CSP and the regulator see it from that moment, so both reports are
/// recorded at the opening unless an earlier time is recorded later.
pub async fn open_incident(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    w: &IncidentWriter,
    input: &IncidentInput,
    link_base: &str,
) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let zone = actor.time_zone.as_str();
    let mut f = Fields::new();
    let title = title(&mut f, "title", &input.title);
    let category = f.check("category", Category::parse(input.category.trim()).ok_or(Msg::ErCategory));
    let level = f.check("level", Level::parse(input.level.trim()).ok_or(Msg::ErLevel));
    let summary = long_text(&mut f, "summary", &input.summary, false);
    let detected = match input.detected_at.trim() {
        "" => Some(now),
        t => instant(&mut f, "detected_at", t, zone),
    };
    let occurred = match input.occurred_at.trim() {
        "" => Some(None),
        t => instant(&mut f, "occurred_at", t, zone).map(Some),
    };
    let mut site_ids = Vec::new();
    for s in input.website_ids.iter().filter(|s| !s.trim().is_empty()) {
        match s.trim().parse::<Uuid>() {
            Ok(id) if !site_ids.contains(&id) => site_ids.push(id),
            Ok(_) => {}
            Err(_) => f.refuse("website_ids", Msg::ErIncidentWebsite),
        }
    }
    if site_ids.is_empty() {
        f.refuse("website_ids", Msg::ErIncidentWebsite);
    }
    let txn = write_txn(db).await?;
    let sites = w.websites().filter(website::Column::Id.is_in(site_ids.clone())).all(&txn).await?;
    // A website outside the reach is refused as unknown; two agencies' websites, as one incident, too.
    let agencies: std::collections::HashSet<Uuid> = sites.iter().map(|s| s.agency_id).collect();
    if !site_ids.is_empty() && (sites.len() != site_ids.len() || agencies.len() != 1) {
        f.refuse("website_ids", Msg::ErIncidentWebsite);
    }
    if let Some(d) = detected {
        let mut at: BTreeMap<Milestone, OffsetDateTime> = [(Milestone::Detected, d)].into_iter().collect();
        if let Some(Some(o)) = occurred {
            at.insert(Milestone::Occurred, o);
        }
        if let Err((m, why)) = rules::check_milestones(&at, now) {
            let field = if m == Milestone::Detected { "detected_at" } else { "occurred_at" };
            f.refuse(field, if why == MilestoneError::InFuture { Msg::ErMilestoneFuture } else { Msg::ErMilestoneOrder });
        }
    }
    let (title, category, level, summary, detected, occurred) =
        f.finish_with(|| Some((title?, category?, level?, summary?, detected?, occurred?)))?;
    let agency_id = sites.first().map(|s| s.agency_id).ok_or(ServiceError::NotFound)?;
    let id = Uuid::new_v4();
    let mut at: BTreeMap<Milestone, OffsetDateTime> = BTreeMap::new();
    at.insert(Milestone::Detected, detected);
    if let Some(o) = occurred {
        at.insert(Milestone::Occurred, o);
    }
    at.insert(Milestone::ReportedCsp, now);
    at.insert(Milestone::ReportedRegulator, now);
    let mut row = incident::ActiveModel {
        id: Set(id),
        agency_id: Set(agency_id),
        title: Set(title.clone()),
        category: Set(category.code().into()),
        level: Set(level.code().into()),
        status: Set(IncidentStatus::Open.code().into()),
        suspected_crime: Set(!input.suspected_crime.trim().is_empty()),
        summary: Set(summary),
        root_cause: Set(String::new()),
        lessons: Set(String::new()),
        opened_by: Set(actor.person_id),
        opened_by_org: Set(w.organisation_id()),
        opened_at: Set(now),
        detected_at: Set(None),
        csp_due_at: Set(None),
        reported_csp_at: Set(None),
        regulator_due_at: Set(None),
        reported_regulator_at: Set(None),
        contained_at: Set(None),
        closed_at: Set(None),
        updated_at: Set(now),
    };
    denormalise(&mut row, &at, level);
    row.insert(&txn).await?;
    for s in &sites {
        incident_website::ActiveModel { incident_id: Set(id), website_id: Set(s.id) }.insert(&txn).await?;
    }
    for (m, t) in &at {
        put_milestone(&txn, None, id, *m, *t, actor.person_id, now).await?;
    }
    write_entry(&txn, id, EntryKind::System, now, (w.organisation_id(), Some(actor.person_id)), format!("opened level={} category={}", level.code(), category.code()), now).await?;
    AuditEntry::by(actor, meta, AuditAction::IncidentOpen, format!("incident {title}"), format!("level={}; category={}", level.code(), category.code()))
        .record(&txn, now)
        .await?;
    alert(&txn, id, agency_id, &title, level, category, w.organisation_id(), detected, now, link_base).await?;
    epoch::commit_change(txn).await?;
    Ok(id)
}

/// Who acts on an agency's incident now: whoever stands duty at the agency's and its CSP's desks
/// and, `with_officers`, the administrators, security and duty officers of the agency, its CSP and
/// (`with_regulator`) its regulator.
async fn responders<C: ConnectionTrait>(
    db: &C,
    agency_id: Uuid,
    now: OffsetDateTime,
    with_officers: bool,
    with_regulator: bool,
) -> ServiceResult<Vec<crate::tenancy::entity::person::Model>> {
    use crate::domain::{OrgKind, Role};
    let today = time_fmt::date_in_zone(now, time_fmt::DEFAULT_TIME_ZONE);
    let orgs = alerted_organisations(agency_id, today).all(db).await?;
    let csps: Vec<Uuid> = orgs.iter().filter(|o| o.kind == OrgKind::Csp.code()).map(|o| o.id).collect();
    let mut people = Vec::new();
    if with_officers {
        let roles = [Role::OrgAdmin, Role::SecurityOfficer, Role::DutyOfficer];
        let told = orgs.iter().filter(|o| with_regulator || o.kind == OrgKind::Csp.code()).map(|o| o.id);
        for org in told.chain(std::iter::once(agency_id)) {
            people.extend(crate::tenancy::scope::people_holding(db, org, &roles).await?);
        }
    }
    let mut desks = csps;
    desks.push(agency_id);
    people.extend(on_duty_people(desks).all(db).await?);
    Ok(people)
}

/// Reminders sent per run of the job: a full batch runs again at once.
pub const REMINDER_BATCH: usize = 100;

/// Reminds the agency and its CSP of each incident not yet contained whose status report is due
/// and not written (at the level's cadence): a mail to their responders and a system entry on the
/// timeline, which also marks the reminder sent. Each missed report is reminded once; the work is
/// proportional to the incidents still open. Returns how many incidents were reminded.
pub async fn remind_status_reports(db: &DatabaseConnection, now: OffsetDateTime, link_base: &str) -> ServiceResult<usize> {
    let open = crate::plans::scope::incidents_awaiting_status().all(db).await?;
    let ids: Vec<Uuid> = open.iter().map(|i| i.id).collect();
    // The latest status report and reminder of each, a thousand incidents per statement.
    let mut latest: HashMap<(Uuid, bool), OffsetDateTime> = HashMap::new();
    for chunk in ids.chunks(1000) {
        let rows: Vec<(Uuid, String, Option<OffsetDateTime>)> = crate::plans::scope::status_entries_of(chunk.to_vec())
            .select_only()
            .column(entry::Column::IncidentId)
            .column(entry::Column::Kind)
            .column_as(entry::Column::At.max(), "last")
            .group_by(entry::Column::IncidentId)
            .group_by(entry::Column::Kind)
            .into_tuple()
            .all(db)
            .await?;
        for (id, kind, last) in rows {
            if let Some(last) = last {
                latest.insert((id, kind == EntryKind::Status.code()), last);
            }
        }
    }
    let mut sent = 0;
    for i in open {
        if sent >= REMINDER_BATCH {
            break;
        }
        let level = level_of(&i);
        let cadence = rules::status_cadence(level);
        let since = i.detected_at.unwrap_or(i.opened_at);
        let report = latest.get(&(i.id, true)).copied();
        if rules::status_reminder_due(since, report, latest.get(&(i.id, false)).copied(), cadence) > now {
            continue;
        }
        let due = std::cmp::max(since, report.unwrap_or(since)) + cadence;
        let stamp = due.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
        let txn = write_txn(db).await?;
        write_entry(&txn, i.id, EntryKind::System, now, (i.agency_id, None), format!("reminder due={stamp}"), now).await?;
        let people = responders(&txn, i.agency_id, now, true, false).await?;
        if !people.is_empty() {
            let names = Names::read(&txn, vec![i.agency_id], Vec::new()).await?;
            let hours = cadence.whole_hours();
            let mail = IncidentMail::StatusDue {
                agency: names.org(i.agency_id).name,
                title: i.title.clone(),
                level: level.code().to_string(),
                due: shown(due, time_fmt::DEFAULT_TIME_ZONE),
                cadence_zh: format!("{hours} 小时"),
                cadence_en: if hours == 1 { "hour".into() } else { format!("{hours} hours") },
                link: format!("{}/incidents/{}", link_base.trim_end_matches('/'), i.id),
            };
            crate::backend::mail::enqueue_each(&txn, now, &crate::tenancy::service::recipients(&people), &mail).await?;
        }
        epoch::commit_change(txn).await?;
        sent += 1;
    }
    Ok(sent)
}

/// Mails an incident's opening: level I and II to the agency's regulator and CSP (their
/// administrators, security and duty officers) and the agency's own; every level to whoever
/// stands duty now at the agency's and its CSP's desks.
#[allow(clippy::too_many_arguments)]
async fn alert<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    agency_id: Uuid,
    title: &str,
    level: Level,
    category: Category,
    opened_by_org: Uuid,
    detected: OffsetDateTime,
    now: OffsetDateTime,
    link_base: &str,
) -> ServiceResult<()> {
    let people = responders(db, agency_id, now, rules::alerts_at_once(level), true).await?;
    if people.is_empty() {
        return Ok(());
    }
    let names = Names::read(db, vec![agency_id, opened_by_org], Vec::new()).await?;
    let mail = IncidentMail::Opened {
        agency: names.org(agency_id).name,
        title: title.to_string(),
        level: level.code().to_string(),
        category_zh: category.label().text(crate::i18n::Locale::Zh).to_string(),
        category_en: category.label().text(crate::i18n::Locale::En).to_string(),
        by: names.org(opened_by_org).name,
        detected: shown(detected, time_fmt::DEFAULT_TIME_ZONE),
        link: format!("{}/incidents/{id}", link_base.trim_end_matches('/')),
    };
    crate::backend::mail::enqueue_each(db, now, &crate::tenancy::service::recipients(&people), &mail).await
}

/// The milestones an incident holds now (their latest values).
async fn current_milestones<C: ConnectionTrait>(
    db: &C,
    w: &IncidentWriter,
    id: Uuid,
) -> ServiceResult<(Vec<milestone::Model>, BTreeMap<Milestone, OffsetDateTime>)> {
    let rows = w.milestones(id).all(db).await?;
    let at = rows.iter().filter_map(|r| Milestone::parse(&r.milestone).map(|m| (m, r.last_at))).collect();
    Ok((rows, at))
}

/// An incident the writer may change, refused when it is closed (closed is final).
async fn open_for_change<C: ConnectionTrait>(db: &C, w: &IncidentWriter, id: Uuid) -> ServiceResult<incident::Model> {
    let i = w.incident(id).one(db).await?.ok_or(ServiceError::NotFound)?;
    if status_of(&i) == IncidentStatus::Closed {
        return Err(ServiceError::invalid("status", Msg::ErIncidentClosed));
    }
    Ok(i)
}

/// Records a reporting or discovery milestone (`occurred`, `detected`, `reported_*`): the first
/// value stays, the latest is shown beside it; the order is checked against the rest.
pub async fn record_milestone(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    w: &IncidentWriter,
    id: Uuid,
    milestone: &str,
    at: &str,
) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let mut f = Fields::new();
    let m = f.check(
        "milestone",
        Milestone::parse(milestone.trim())
            .filter(|m| !matches!(m, Milestone::Contained | Milestone::Resolved | Milestone::Closed))
            .ok_or(Msg::ErMilestoneKind),
    );
    let t = instant(&mut f, "at", at, &actor.time_zone);
    let (m, t) = f.finish_with(|| Some((m?, t?)))?;
    let txn = write_txn(db).await?;
    let i = open_for_change(&txn, w, id).await?;
    let (rows, mut current) = current_milestones(&txn, w, id).await?;
    current.insert(m, t);
    if let Err(e) = rules::check_milestones(&current, now) {
        let mut f = Fields::new();
        milestone_refusal(&mut f, e);
        f.finish()?;
    }
    put_milestone(&txn, rows.iter().find(|r| r.milestone == m.code()), id, m, t, actor.person_id, now).await?;
    let level = level_of(&i);
    let mut a = i.clone().into_active_model();
    denormalise(&mut a, &current, level);
    a.updated_at = Set(now);
    a.update(&txn).await?;
    write_entry(&txn, id, EntryKind::System, now, (w.organisation_id(), Some(actor.person_id)), format!("milestone {}={}", m.code(), t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()), now).await?;
    AuditEntry::by(actor, meta, AuditAction::IncidentMilestone, format!("incident {}", i.title), format!("{}={}", m.code(), shown(t, "UTC")))
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await?;
    Ok(())
}

/// Writes a note or a status report on the timeline (at a time no later than now).
pub async fn add_entry(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    w: &IncidentWriter,
    id: Uuid,
    kind: &str,
    body: &str,
    at: &str,
) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let mut f = Fields::new();
    let kind = f.check(
        "kind",
        match kind.trim() {
            "" => Some(EntryKind::Note),
            k => EntryKind::parse(k).filter(|k| *k != EntryKind::System),
        }
        .ok_or(Msg::ErEntryKind),
    );
    let body = long_text(&mut f, "body", body, true);
    let at = match at.trim() {
        "" => Some(now),
        t => instant(&mut f, "at", t, &actor.time_zone),
    };
    if at.is_some_and(|t| t > now) {
        f.refuse("at", Msg::ErMilestoneFuture);
    }
    let (kind, body, at) = f.finish_with(|| Some((kind?, body?, at?)))?;
    let txn = write_txn(db).await?;
    let i = open_for_change(&txn, w, id).await?;
    let entry = write_entry(&txn, id, kind, at, (w.organisation_id(), Some(actor.person_id)), body, now).await?;
    AuditEntry::by(actor, meta, AuditAction::IncidentEntry, format!("incident {}", i.title), kind.code())
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await?;
    Ok(entry)
}

/// Pins an entry to the incident's summary, or unpins it.
pub async fn pin_entry(db: &DatabaseConnection, by: &Acting<'_>, w: &IncidentWriter, id: Uuid, entry_id: Uuid, pinned: bool) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let i = open_for_change(&txn, w, id).await?;
    let e = w.entries(id).filter(entry::Column::Id.eq(entry_id)).one(&txn).await?.ok_or(ServiceError::NotFound)?;
    let mut a = e.into_active_model();
    a.pinned = Set(pinned);
    a.update(&txn).await?;
    AuditEntry::by(actor, meta, AuditAction::IncidentEntry, format!("incident {}", i.title), if pinned { "pinned" } else { "unpinned" })
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await?;
    Ok(())
}

/// Changes the level (a system entry says from what to what; raising it to I or II alerts).
pub async fn change_level(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    w: &IncidentWriter,
    id: Uuid,
    level: &str,
    link_base: &str,
) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let level = Level::parse(level.trim()).ok_or_else(|| ServiceError::invalid("level", Msg::ErLevel))?;
    let txn = write_txn(db).await?;
    let i = open_for_change(&txn, w, id).await?;
    let before = level_of(&i);
    if before == level {
        return Err(ServiceError::invalid("level", Msg::ErLevelSame));
    }
    let (_, current) = current_milestones(&txn, w, id).await?;
    let mut a = i.clone().into_active_model();
    a.level = Set(level.code().into());
    denormalise(&mut a, &current, level);
    a.updated_at = Set(now);
    a.update(&txn).await?;
    write_entry(&txn, id, EntryKind::System, now, (w.organisation_id(), Some(actor.person_id)), format!("level {}→{}", before.code(), level.code()), now).await?;
    AuditEntry::by(actor, meta, AuditAction::IncidentLevel, format!("incident {}", i.title), format!("{}→{}", before.code(), level.code()))
        .record(&txn, now)
        .await?;
    if rules::alerts_at_once(level) && !rules::alerts_at_once(before) {
        let category = Category::parse(&i.category).unwrap_or(Category::Other);
        alert(&txn, id, i.agency_id, &i.title, level, category, w.organisation_id(), i.detected_at.unwrap_or(i.opened_at), now, link_base).await?;
    }
    epoch::commit_change(txn).await?;
    Ok(())
}

/// Moves an incident along its state machine. Resolving needs the root cause and the lessons;
/// each step records its milestone (at `at`, or now) and a system entry.
#[allow(clippy::too_many_arguments)]
pub async fn transition(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    w: &IncidentWriter,
    id: Uuid,
    t: &str,
    at: &str,
    root_cause: &str,
    lessons: &str,
) -> ServiceResult<IncidentStatus> {
    let Acting { actor, meta, now } = *by;
    let mut f = Fields::new();
    let t = f.check("transition", Transition::parse(t.trim()).ok_or(Msg::ErTransition));
    let when = match at.trim() {
        "" => Some(now),
        s => instant(&mut f, "at", s, &actor.time_zone),
    };
    let resolving = t == Some(Transition::Resolve);
    let root_cause = long_text(&mut f, "root_cause", root_cause, resolving);
    let lessons = long_text(&mut f, "lessons", lessons, resolving);
    let (t, when, root_cause, lessons) = f.finish_with(|| Some((t?, when?, root_cause?, lessons?)))?;
    let txn = write_txn(db).await?;
    let i = open_for_change(&txn, w, id).await?;
    let from = status_of(&i);
    let to = rules::next_status(from, t).ok_or_else(|| ServiceError::invalid("transition", Msg::ErTransition))?;
    let (rows, mut current) = current_milestones(&txn, w, id).await?;
    let mut recorded = Vec::new();
    if let Some(m) = rules::milestone_of(t) {
        // Resolving what was never marked contained contains it at the same moment.
        if m == Milestone::Resolved && !current.contains_key(&Milestone::Contained) {
            current.insert(Milestone::Contained, when);
            recorded.push(Milestone::Contained);
        }
        current.insert(m, when);
        recorded.push(m);
        if let Err(e) = rules::check_milestones(&current, now) {
            let mut f = Fields::new();
            milestone_refusal(&mut f, e);
            let mut fields = match f.finish() {
                Err(ServiceError::Invalid(v)) => v,
                _ => Vec::new(),
            };
            // The refusal is of the time typed, whichever milestone it names.
            for x in &mut fields {
                x.field = "at";
            }
            return Err(ServiceError::Invalid(fields));
        }
    }
    for m in &recorded {
        put_milestone(&txn, rows.iter().find(|r| r.milestone == m.code()), id, *m, when, actor.person_id, now).await?;
    }
    // Conditional on the status read, so two transitions at once do not both apply.
    let level = level_of(&i);
    let mut a = i.clone().into_active_model();
    a.status = Set(to.code().into());
    if resolving {
        a.root_cause = Set(root_cause);
        a.lessons = Set(lessons);
    }
    denormalise(&mut a, &current, level);
    a.updated_at = Set(now);
    let done = incident::Entity::update_many()
        .set(a)
        .filter(incident::Column::Id.eq(id))
        .filter(incident::Column::Status.eq(from.code()))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(ServiceError::invalid("transition", Msg::ErTransition));
    }
    write_entry(&txn, id, EntryKind::System, now, (w.organisation_id(), Some(actor.person_id)), format!("status {}→{}", from.code(), to.code()), now).await?;
    AuditEntry::by(actor, meta, AuditAction::IncidentStatus, format!("incident {}", i.title), format!("{}→{}", from.code(), to.code()))
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await?;
    Ok(to)
}

/// Adds the post-incident review's follow-up actions (the agency's, once the incident is
/// resolved or closed).
pub async fn add_review_actions(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    w: &PlanWriter,
    reader: &ErReader,
    id: Uuid,
    lines: &[ActionLine],
    today: Date,
) -> ServiceResult<usize> {
    let txn = write_txn(db).await?;
    let i = reader.incidents().filter(incident::Column::Id.eq(id)).one(&txn).await?.ok_or(ServiceError::NotFound)?;
    if i.agency_id != w.agency_id() {
        return Err(ServiceError::NotFound);
    }
    if !matches!(status_of(&i), IncidentStatus::Resolved | IncidentStatus::Closed) {
        return Err(ServiceError::invalid("action_title", Msg::ErReviewNotYet));
    }
    super::drills::add_actions(txn, by, w, (ActionSource::Review, id), lines, today, false).await
}

/// The condition of a breach of either report's deadline, as of `now`.
fn breach_condition(now: OffsetDateTime) -> Condition {
    let late = |reported: incident::Column, due: incident::Column| {
        Condition::any()
            .add(Condition::all().add(reported.is_null()).add(due.lt(now)))
            .add(Expr::col(reported).gt(Expr::col(due)))
    };
    Condition::any()
        .add(late(incident::Column::ReportedCspAt, incident::Column::CspDueAt))
        .add(late(incident::Column::ReportedRegulatorAt, incident::Column::RegulatorDueAt))
}

/// Incidents as rows: websites named (those in the reader's reach), reports timed, missed status
/// reports counted.
async fn incident_rows<C: ConnectionTrait>(
    db: &C,
    reader: &ErReader,
    incidents: Vec<incident::Model>,
    now: OffsetDateTime,
    zone: &str,
) -> ServiceResult<Vec<IncidentRow>> {
    let ids: Vec<Uuid> = incidents.iter().map(|i| i.id).collect();
    let links = if ids.is_empty() { Vec::new() } else { reader.incident_websites().filter(incident_website::Column::IncidentId.is_in(ids.clone())).all(db).await? };
    let site_ids: Vec<Uuid> = links.iter().map(|l| l.website_id).collect();
    let sites: HashMap<Uuid, String> = if site_ids.is_empty() {
        HashMap::new()
    } else {
        reader.websites().filter(website::Column::Id.is_in(site_ids)).all(db).await?.into_iter().map(|w| (w.id, w.name)).collect()
    };
    let reports: Vec<(Uuid, OffsetDateTime)> = if ids.is_empty() {
        Vec::new()
    } else {
        reader
            .entries()
            .filter(entry::Column::IncidentId.is_in(ids))
            .filter(entry::Column::Kind.eq(EntryKind::Status.code()))
            .select_only()
            .column(entry::Column::IncidentId)
            .column(entry::Column::At)
            .into_tuple()
            .all(db)
            .await?
    };
    let names = Names::read(db, incidents.iter().flat_map(|i| [i.agency_id, i.opened_by_org]).collect(), Vec::new()).await?;
    Ok(incidents
        .into_iter()
        .map(|i| {
            let level = level_of(&i);
            let status = status_of(&i);
            let csp_deadline = rules::csp_deadline(level, None);
            let reg_deadline = rules::report_deadline(level);
            let to_csp = timing_view(rules::report_timing(i.detected_at, i.reported_csp_at, csp_deadline, now), csp_deadline, zone);
            let to_regulator = timing_view(rules::report_timing(i.detected_at, i.reported_regulator_at, reg_deadline, now), reg_deadline, zone);
            let mine: Vec<OffsetDateTime> = reports.iter().filter(|(x, _)| *x == i.id).map(|(_, t)| *t).collect();
            let since = i.detected_at.unwrap_or(i.opened_at);
            let until = std::cmp::min(i.contained_at.unwrap_or(now), now);
            let (missed, _) = rules::missed_status_reports(since, until, rules::status_cadence(level), &mine, 0);
            let mut websites: Vec<String> = links.iter().filter(|l| l.incident_id == i.id).filter_map(|l| sites.get(&l.website_id).cloned()).collect();
            websites.sort();
            IncidentRow {
                id: i.id,
                agency: names.org(i.agency_id).name,
                agency_id: i.agency_id,
                title: i.title.clone(),
                category: Category::parse(&i.category).unwrap_or(Category::Other),
                level,
                status,
                websites,
                opened_at: shown(i.opened_at, zone),
                opened_by_org: names.org(i.opened_by_org).name,
                detected_at: i.detected_at.map(|t| shown(t, zone)),
                to_csp,
                to_regulator,
                missed_reports: missed,
            }
        })
        .collect())
}

/// The incidents in reach matching `filter`, as a select (newest first).
fn filtered(reader: &ErReader, filter: &IncidentFilter, now: OffsetDateTime) -> ServiceResult<sea_orm::Select<incident::Entity>> {
    let mut q = reader.incidents();
    match filter.status.trim() {
        "" | "open" => q = q.filter(incident::Column::Status.ne(IncidentStatus::Closed.code())),
        "all" => {}
        s => {
            let s = IncidentStatus::parse(s).ok_or_else(|| ServiceError::invalid("status", Msg::ErStatusFilter))?;
            q = q.filter(incident::Column::Status.eq(s.code()));
        }
    }
    if !filter.level.trim().is_empty() {
        let l = Level::parse(filter.level.trim()).ok_or_else(|| ServiceError::invalid("level", Msg::ErLevel))?;
        q = q.filter(incident::Column::Level.eq(l.code()));
    }
    if !filter.breach.trim().is_empty() {
        q = q.filter(breach_condition(now));
    }
    let search = filter.search.trim().chars().take(100).collect::<String>();
    if !search.is_empty() {
        let needle = format!("%{}%", search.replace(['%', '_', '\\'], ""));
        q = q.filter(
            Condition::any()
                .add(incident::Column::Title.like(needle))
                .add(incident::Column::AgencyId.in_subquery(crate::tenancy::scope::orgs_named_like(&search))),
        );
    }
    Ok(q.order_by_desc(incident::Column::OpenedAt).order_by_asc(incident::Column::Id))
}

/// Every incident the list's filter matches (what its CSV holds), at most 20,000.
pub async fn incident_rows_all(
    db: &DatabaseConnection,
    reader: &ErReader,
    filter: &IncidentFilter,
    now: OffsetDateTime,
    zone: &str,
) -> ServiceResult<Vec<IncidentRow>> {
    let rows = filtered(reader, filter, now)?.limit(20_000).all(db).await?;
    let mut out = Vec::with_capacity(rows.len());
    // Named and timed a thousand at a time, so no statement binds too many ids.
    for chunk in rows.chunks(1000) {
        out.extend(incident_rows(db, reader, chunk.to_vec(), now, zone).await?);
    }
    Ok(out)
}

/// How long a page of the incident list is kept: its rows' time to report moves with the clock.
/// A change (an incident opened, a milestone recorded) shows at once, as it moves the data epoch.
const LIST_KEPT_SECONDS: i64 = 15;

/// One page of the incidents matching the filter with their counts (what every reader of the
/// same reach, filter and zone sees alike).
#[derive(Clone)]
struct ListPage {
    rows: Vec<IncidentRow>,
    total: u64,
    page: u64,
    pages: u64,
    open_by_level: Vec<(Level, u64)>,
}

async fn list_page<C: ConnectionTrait>(db: &C, reader: &ErReader, filter: &IncidentFilter, now: OffsetDateTime, zone: &str) -> ServiceResult<ListPage> {
    let q = filtered(reader, filter, now)?;
    let total = q.clone().count(db).await?;
    let pages = std::cmp::max(total.div_ceil(INCIDENT_PAGE), 1);
    let page = filter.page.trim().parse::<u64>().unwrap_or(1).clamp(1, pages);
    let rows = q.offset((page - 1) * INCIDENT_PAGE).limit(INCIDENT_PAGE).all(db).await?;
    let rows = incident_rows(db, reader, rows, now, zone).await?;
    let by_level: Vec<(String, i64)> = reader
        .incidents()
        .filter(incident::Column::Status.ne(IncidentStatus::Closed.code()))
        .select_only()
        .column(incident::Column::Level)
        .column_as(incident::Column::Id.count(), "n")
        .group_by(incident::Column::Level)
        .into_tuple()
        .all(db)
        .await?;
    let open_by_level = Level::ALL
        .iter()
        .map(|l| (*l, by_level.iter().find(|(c, _)| c == l.code()).map(|(_, n)| *n as u64).unwrap_or(0)))
        .collect();
    Ok(ListPage { rows, total, page, pages, open_by_level })
}

/// The incidents in reach, filtered and paged, newest first; open ones counted by level.
pub async fn incident_list(
    db: &DatabaseConnection,
    caches: &Caches,
    reader: &ErReader,
    writer: Option<&IncidentWriter>,
    filter: &IncidentFilter,
    now: OffsetDateTime,
    zone: &str,
) -> ServiceResult<IncidentList> {
    let search = filter.search.trim().chars().take(100).collect::<String>();
    // Kept for [`LIST_KEPT_SECONDS`] per reach, filter and zone: a regulator's list would
    // otherwise count its jurisdiction's incidents twice on every request.
    let slice = epoch::slice(now, LIST_KEPT_SECONDS);
    let key = format!("incident-list|{}|{zone}|{filter:?}|{slice}", reader.reach_key());
    let ListPage { rows, total, page, pages, open_by_level } = caches.kept(&key, || list_page(db, reader, filter, now, zone)).await?;
    let websites = match writer {
        Some(w) => w
            .websites()
            .order_by_asc(website::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .map(|s| crate::plans::Named { id: s.id, name: s.name })
            .collect(),
        None => Vec::new(),
    };
    Ok(IncidentList {
        rows,
        total,
        page,
        pages,
        filter: IncidentFilter { page: page.to_string(), search, ..filter.clone() },
        can_open: writer.is_some(),
        websites,
        jurisdiction: reader.is_jurisdiction(),
        open_by_level,
    })
}

/// One incident in reach with everything its page shows.
pub async fn incident_detail(
    db: &DatabaseConnection,
    reader: &ErReader,
    (writer, plan_writer): (Option<&IncidentWriter>, Option<&PlanWriter>),
    id: Uuid,
    now: OffsetDateTime,
    today: Date,
    zone: &str,
) -> ServiceResult<IncidentDetail> {
    let i = reader.incidents().filter(incident::Column::Id.eq(id)).one(db).await?.ok_or(ServiceError::NotFound)?;
    let milestones = reader.milestones().filter(milestone::Column::IncidentId.eq(id)).all(db).await?;
    let entries = reader.entries().filter(entry::Column::IncidentId.eq(id)).order_by_asc(entry::Column::At).order_by_asc(entry::Column::WrittenAt).all(db).await?;
    let actions = reader.actions().filter(action::Column::SourceId.eq(id)).order_by_asc(action::Column::DueOn).all(db).await?;
    let names = Names::read(
        db,
        entries.iter().map(|e| e.organisation_id).collect(),
        entries.iter().filter_map(|e| e.person_id).chain(milestones.iter().flat_map(|m| [m.first_by, m.last_by])).collect(),
    )
    .await?;
    let level = level_of(&i);
    let status = status_of(&i);
    // Whether this writer reaches this incident (a provider only on the websites it serves).
    let can_write = match writer {
        Some(w) => w.incident(id).count(db).await? == 1,
        None => false,
    };
    let on_duty = {
        let mut desks: Vec<Uuid> = alerted_organisations(i.agency_id, today)
            .all(db)
            .await?
            .into_iter()
            .filter(|o| o.kind == crate::domain::OrgKind::Csp.code())
            .map(|o| o.id)
            .collect();
        desks.push(i.agency_id);
        let people = on_duty_people(desks).all(db).await?;
        let orgs = Names::read(db, people.iter().map(|p| p.organisation_id).collect(), Vec::new()).await?;
        let mut out: Vec<String> = people.iter().map(|p| format!("{} ({})", p.display_name, orgs.org(p.organisation_id).name)).collect();
        out.sort();
        out.dedup();
        out
    };
    let status_reports: Vec<OffsetDateTime> = entries.iter().filter(|e| e.kind == EntryKind::Status.code()).map(|e| e.at).collect();
    let next_report_due = (status == IncidentStatus::Open).then(|| {
        let since = i.detected_at.unwrap_or(i.opened_at);
        let cadence = rules::status_cadence(level);
        let last = status_reports.iter().copied().filter(|t| *t >= since).max().unwrap_or(since);
        shown(std::cmp::max(last, since) + cadence, zone)
    });
    let mut milestone_views: Vec<MilestoneView> = milestones
        .iter()
        .filter_map(|m| {
            let kind = Milestone::parse(&m.milestone)?;
            let changed = m.last_at != m.first_at;
            Some(MilestoneView {
                milestone: kind,
                first: shown(m.first_at, zone),
                first_by: names.person(m.first_by),
                last: changed.then(|| shown(m.last_at, zone)),
                last_by: changed.then(|| names.person(m.last_by)),
            })
        })
        .collect();
    milestone_views.sort_by_key(|m| Milestone::ALL.iter().position(|x| *x == m.milestone));
    let transitions = if can_write { Transition::ALL.iter().copied().filter(|t| rules::next_status(status, *t).is_some()).collect() } else { Vec::new() };
    let owners = match plan_writer.filter(|w| w.agency_id() == i.agency_id) {
        Some(w) => {
            let providers = w.providers(today).order_by_asc(crate::tenancy::entity::organisation::Column::Name).all(db).await?;
            std::iter::once(crate::plans::Named { id: Uuid::nil(), name: String::new() })
                .chain(providers.into_iter().map(|o| crate::plans::Named { id: o.id, name: o.name }))
                .collect()
        }
        None => Vec::new(),
    };
    let action_rows = super::drills::action_rows(db, actions, today, zone, |a| plan_writer.is_some_and(|w| w.agency_id() == a.agency_id)).await?;
    let row = incident_rows(db, reader, vec![i.clone()], now, zone).await?.pop().ok_or(ServiceError::NotFound)?;
    Ok(IncidentDetail {
        row,
        summary: i.summary.clone(),
        root_cause: i.root_cause.clone(),
        lessons: i.lessons.clone(),
        suspected_crime: i.suspected_crime,
        police_required: rules::police_required(level, i.suspected_crime),
        milestones: milestone_views,
        entries: entries
            .into_iter()
            .map(|e| EntryView {
                id: e.id,
                kind: EntryKind::parse(&e.kind).unwrap_or(EntryKind::Note),
                event: (e.kind == EntryKind::System.code()).then(|| system_event(&e.body, zone)).flatten(),
                at: shown(e.at, zone),
                organisation: names.org(e.organisation_id).name,
                person: e.person_id.map(|p| names.person(p)),
                body: e.body,
                pinned: e.pinned,
            })
            .collect(),
        actions: action_rows,
        on_duty,
        can_write,
        transitions,
        owners,
        next_report_due,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_entries_read_back_as_events_in_the_readers_zone() {
        assert_eq!(
            system_event("opened level=II category=network_attack", "Asia/Shanghai"),
            Some(SystemEvent::Opened { level: Level::II, category: Category::NetworkAttack })
        );
        assert_eq!(
            system_event("status open→contained", "UTC"),
            Some(SystemEvent::Status { from: IncidentStatus::Open, to: IncidentStatus::Contained })
        );
        assert_eq!(system_event("level III→I", "UTC"), Some(SystemEvent::Level { from: Level::III, to: Level::I }));
        assert_eq!(
            system_event("milestone detected=2026-12-06T01:30:00Z", "Asia/Shanghai"),
            Some(SystemEvent::Milestone { milestone: Milestone::Detected, at: "2026-12-06 09:30".into() })
        );
        assert_eq!(
            system_event("reminder due=2026-12-06T01:30:00Z", "Asia/Shanghai"),
            Some(SystemEvent::Reminder { due: "2026-12-06 09:30".into() })
        );
        assert_eq!(system_event("reminder 2026-12-06T01:30:00Z", "Asia/Shanghai"), None);
        assert_eq!(system_event("something else", "UTC"), None);
        assert_eq!(system_event("status open→nowhere", "UTC"), None);
    }
}
