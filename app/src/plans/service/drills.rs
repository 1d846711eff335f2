//! Drills and follow-up actions: recording a drill (with the providers that took part and its
//! actions), the agency's grid of categories with the last drill and the next due, the restore
//! interval, adding and closing actions, the module's home page for each kind of organisation,
//! and a jurisdiction's drill overview, a page at a time.
use std::{
    collections::{BTreeMap, HashMap, HashSet},
    sync::Arc,
};

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use time::Date;
use uuid::Uuid;

use super::*;
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{actor::Acting, db::write_txn, epoch, epoch::Caches, ServiceError},
    plans::{
        entity::{action, agency_setting, drill, drill_org, plan},
        rules,
        scope::{ContactKeeper, ErReader, PlanWriter},
        ActionLine, ActionRow, ActionSource, AgencyDrills, DrillCategory, DrillDetail, DrillInput, DrillOutcome, DrillOverview,
        DrillRow, DueState, ErHome, GridCell, MAX_ACTION_LINES,
    },
    tenancy::entity::{organisation, person, website},
};

/// The rows of a list page.
pub const PAGE_SIZE: u64 = 50;

/// Follow-up actions as typed, checked against who may own them (the agency, or a provider
/// serving it today).
/// An action as checked: (finding, what will be done, owner, person responsible, due).
pub(super) type ActionFields = (String, String, Uuid, String, Date);

pub(super) fn action_lines(f: &mut Fields, lines: &[ActionLine], agency_id: Uuid, owners: &HashSet<Uuid>) -> Vec<ActionFields> {
    let lines: Vec<&ActionLine> = lines.iter().filter(|l| !l.is_blank()).collect();
    if lines.len() > MAX_ACTION_LINES {
        f.refuse("actions", Msg::ErTooManyActions);
        return Vec::new();
    }
    let mut out = Vec::new();
    for l in lines {
        let finding = long_text(f, "action_finding", &l.finding, false);
        let title = short_text(f, "action_title", &l.title, 500, true);
        let owner = match l.owner_org.trim() {
            "" => Some(agency_id),
            o => f.check(
                "action_owner",
                o.parse::<Uuid>().ok().filter(|id| *id == agency_id || owners.contains(id)).ok_or(Msg::ErOwner),
            ),
        };
        let owner_name = short_text(f, "action_owner_name", &l.owner_name, 200, false);
        let due = date_field(f, "action_due", &l.due_on);
        if let (Some(x), Some(t), Some(o), Some(n), Some(d)) = (finding, title, owner, owner_name, due) {
            out.push((x, t, o, n, d));
        }
    }
    out
}

pub(super) async fn insert_actions<C: ConnectionTrait>(
    db: &C,
    by: &Acting<'_>,
    agency_id: Uuid,
    source: ActionSource,
    source_id: Uuid,
    lines: Vec<ActionFields>,
) -> ServiceResult<()> {
    for (finding, title, owner, owner_name, due_on) in lines {
        action::ActiveModel {
            id: Set(Uuid::new_v4()),
            agency_id: Set(agency_id),
            source: Set(source.code().into()),
            source_id: Set(source_id),
            finding: Set(finding),
            title: Set(title.clone()),
            owner_org: Set(owner),
            owner_name: Set(owner_name),
            due_on: Set(due_on),
            closed_at: Set(None),
            closed_by: Set(None),
            evidence: Set(String::new()),
            created_by: Set(by.actor.person_id),
            created_at: Set(by.now),
        }
        .insert(db)
        .await?;
        AuditEntry::by(by.actor, by.meta, AuditAction::ActionAdd, format!("action {title}"), format!("due {}", day(due_on)))
            .record(db, by.now)
            .await?;
    }
    Ok(())
}

/// The providers serving the writer's agency today, as a set of ids.
async fn serving<C: ConnectionTrait>(db: &C, w: &PlanWriter, today: Date) -> ServiceResult<HashSet<Uuid>> {
    Ok(w.providers(today).select_only().column(organisation::Column::Id).into_tuple::<Uuid>().all(db).await?.into_iter().collect())
}

/// Records a drill the agency held, with who took part and its follow-up actions.
pub async fn record_drill(db: &DatabaseConnection, by: &Acting<'_>, w: &PlanWriter, input: &DrillInput, today: Date) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let owners = serving(&txn, w, today).await?;
    let mut f = Fields::new();
    let held_on = date_field(&mut f, "held_on", &input.held_on);
    if held_on.is_some_and(|d| d > today) {
        f.refuse("held_on", Msg::ErDrillInFuture);
    }
    let category = f.check("category", DrillCategory::parse(input.category.trim()).ok_or(Msg::ErCategory));
    let scenario = long_text(&mut f, "scenario", &input.scenario, true);
    let outcome = match input.outcome.trim() {
        "" => Some(DrillOutcome::Effective),
        o => f.check("outcome", DrillOutcome::parse(o).ok_or(Msg::ErDrillOutcome)),
    };
    let findings = long_text(&mut f, "findings", &input.findings, false);
    let plan_id = optional_id(&mut f, "plan_id", &input.plan_id, Msg::ErDrillPlan);
    if let Some(Some(p)) = plan_id {
        if w.plan(p).one(&txn).await?.is_none() {
            f.refuse("plan_id", Msg::ErDrillPlan);
        }
    }
    let mut participants = Vec::new();
    for p in input.participants.iter().filter(|p| !p.trim().is_empty()) {
        match p.trim().parse::<Uuid>().ok().filter(|id| owners.contains(id)) {
            Some(id) if !participants.contains(&id) => participants.push(id),
            Some(_) => {}
            None => f.refuse("participants", Msg::ErDrillParticipant),
        }
    }
    let actions = action_lines(&mut f, &input.actions, w.agency_id(), &owners);
    let (held_on, category, scenario, outcome, findings, plan_id) =
        f.finish_with(|| Some((held_on?, category?, scenario?, outcome?, findings?, plan_id?)))?;
    let id = Uuid::new_v4();
    drill::ActiveModel {
        id: Set(id),
        agency_id: Set(w.agency_id()),
        held_on: Set(held_on),
        category: Set(category.code().into()),
        scenario: Set(scenario),
        plan_id: Set(plan_id),
        outcome: Set(outcome.code().into()),
        findings: Set(findings),
        recorded_by: Set(actor.person_id),
        recorded_at: Set(now),
    }
    .insert(&txn)
    .await?;
    for org in &participants {
        drill_org::ActiveModel { drill_id: Set(id), organisation_id: Set(*org) }.insert(&txn).await?;
    }
    AuditEntry::by(
        actor,
        meta,
        AuditAction::DrillRecord,
        format!("drill {} {}", category.code(), day(held_on)),
        format!("outcome={}; participants={}; actions={}", outcome.code(), participants.len(), actions.len()),
    )
    .record(&txn, now)
    .await?;
    insert_actions(&txn, by, w.agency_id(), ActionSource::Drill, id, actions).await?;
    epoch::commit_change(txn).await?;
    Ok(id)
}

/// Adds follow-up actions to a drill of the agency.
pub async fn add_drill_actions(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    w: &PlanWriter,
    drill_id: Uuid,
    lines: &[ActionLine],
    today: Date,
) -> ServiceResult<usize> {
    let txn = write_txn(db).await?;
    w.drills().filter(drill::Column::Id.eq(drill_id)).one(&txn).await?.ok_or(ServiceError::NotFound)?;
    add_actions(txn, by, w, (ActionSource::Drill, drill_id), lines, today, false).await
}

/// Adds follow-up lines to `source` inside `txn` and commits it: owned by the agency or a provider
/// serving it today; at least one line, and with `findings`, each with its finding.
pub(super) async fn add_actions(
    txn: sea_orm::DatabaseTransaction,
    by: &Acting<'_>,
    w: &PlanWriter,
    (source, source_id): (ActionSource, Uuid),
    lines: &[ActionLine],
    today: Date,
    findings: bool,
) -> ServiceResult<usize> {
    let owners = serving(&txn, w, today).await?;
    let mut f = Fields::new();
    let actions = action_lines(&mut f, lines, w.agency_id(), &owners);
    if actions.is_empty() {
        f.refuse("action_title", Msg::ErTextRequired);
    }
    if findings && actions.iter().any(|(finding, ..)| finding.is_empty()) {
        f.refuse("action_finding", Msg::ErTextRequired);
    }
    f.finish()?;
    let count = actions.len();
    insert_actions(&txn, by, w.agency_id(), source, source_id, actions).await?;
    epoch::commit_change(txn).await?;
    Ok(count)
}

/// Who closes an action: the agency's writers, or the provider that owns it.
pub enum Closer<'a> {
    Agency(&'a PlanWriter),
    Owner(&'a ContactKeeper),
}

/// Closes an open action with the evidence of what was done; a closed one stays closed.
pub async fn close_action(db: &DatabaseConnection, by: &Acting<'_>, closer: Closer<'_>, id: Uuid, evidence: &str, today: Date) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let mut f = Fields::new();
    let evidence = long_text(&mut f, "evidence", evidence, true);
    let evidence = f.finish_with(|| evidence)?;
    let txn = write_txn(db).await?;
    let select = match closer {
        Closer::Agency(w) => w.actions(),
        Closer::Owner(k) => k.actions(today),
    };
    let a = select.filter(action::Column::Id.eq(id)).one(&txn).await?.ok_or(ServiceError::NotFound)?;
    let done = action::Entity::update_many()
        .col_expr(action::Column::ClosedAt, sea_orm::sea_query::Expr::value(now))
        .col_expr(action::Column::ClosedBy, sea_orm::sea_query::Expr::value(actor.person_id))
        .col_expr(action::Column::Evidence, sea_orm::sea_query::Expr::value(evidence.clone()))
        .filter(action::Column::Id.eq(a.id))
        .filter(action::Column::ClosedAt.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(ServiceError::invalid("evidence", Msg::ErActionClosed));
    }
    AuditEntry::by(actor, meta, AuditAction::ActionClose, format!("action {}", a.title), evidence.chars().take(200).collect::<String>())
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await?;
    Ok(())
}

/// Sets the agency's restore-drill interval, in months.
pub async fn set_restore_interval(db: &DatabaseConnection, by: &Acting<'_>, w: &PlanWriter, months: &str) -> ServiceResult<u32> {
    let Acting { actor, meta, now } = *by;
    let mut f = Fields::new();
    let months = months_field(&mut f, "restore_every_months", months, rules::DEFAULT_RESTORE_EVERY_MONTHS);
    let months = f.finish_with(|| months)?;
    let txn = write_txn(db).await?;
    let row = agency_setting::ActiveModel {
        agency_id: Set(w.agency_id()),
        restore_every_months: Set(months as i16),
        updated_by: Set(actor.person_id),
        updated_at: Set(now),
    };
    match w.setting().one(&txn).await? {
        Some(_) => {
            row.update(&txn).await?;
        }
        None => {
            row.insert(&txn).await?;
        }
    }
    AuditEntry::by(actor, meta, AuditAction::RestoreIntervalSet, "restore drills", format!("every {months} months"))
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await?;
    Ok(months)
}

/// Drills as rows, with their plan and participants named.
async fn drill_rows<C: ConnectionTrait>(db: &C, reader: &ErReader, drills: Vec<drill::Model>) -> ServiceResult<Vec<DrillRow>> {
    let ids: Vec<Uuid> = drills.iter().map(|d| d.id).collect();
    let orgs = if ids.is_empty() { Vec::new() } else { reader.drill_orgs().filter(drill_org::Column::DrillId.is_in(ids)).all(db).await? };
    let plan_ids: Vec<Uuid> = drills.iter().filter_map(|d| d.plan_id).collect();
    let plans: HashMap<Uuid, String> = if plan_ids.is_empty() {
        HashMap::new()
    } else {
        reader.plans().filter(plan::Column::Id.is_in(plan_ids)).all(db).await?.into_iter().map(|p| (p.id, p.title)).collect()
    };
    let names = Names::read(db, drills.iter().map(|d| d.agency_id).chain(orgs.iter().map(|o| o.organisation_id)).collect(), Vec::new()).await?;
    Ok(drills
        .into_iter()
        .map(|d| DrillRow {
            id: d.id,
            agency: names.org(d.agency_id),
            held_on: day(d.held_on),
            category: DrillCategory::parse(&d.category).unwrap_or(DrillCategory::Other),
            scenario: d.scenario,
            // A plan the reader cannot see (a website's plan, for a provider) is not named.
            plan: d.plan_id.and_then(|p| plans.get(&p).map(|t| crate::plans::Named { id: p, name: t.clone() })),
            outcome: DrillOutcome::parse(&d.outcome).unwrap_or(DrillOutcome::Effective),
            findings: d.findings,
            participants: {
                let mut p: Vec<String> = orgs.iter().filter(|o| o.drill_id == d.id).map(|o| names.org(o.organisation_id).name).collect();
                p.sort();
                p
            },
        })
        .collect())
}

/// Actions as rows; `closable` says which the viewer may close.
pub(super) async fn action_rows<C: ConnectionTrait>(
    db: &C,
    actions: Vec<action::Model>,
    today: Date,
    zone: &str,
    closable: impl Fn(&action::Model) -> bool,
) -> ServiceResult<Vec<ActionRow>> {
    let names = Names::read(db, actions.iter().flat_map(|a| [a.agency_id, a.owner_org]).collect(), Vec::new()).await?;
    Ok(actions
        .into_iter()
        .map(|a| ActionRow {
            id: a.id,
            agency: names.org(a.agency_id),
            source: ActionSource::parse(&a.source).unwrap_or(ActionSource::Drill),
            source_id: a.source_id,
            finding: a.finding.clone(),
            title: a.title.clone(),
            owner: names.org(a.owner_org),
            owner_name: a.owner_name.clone(),
            due_on: day(a.due_on),
            closed_at: a.closed_at.map(|t| shown(t, zone)),
            evidence: a.evidence.clone(),
            overdue: rules::action_overdue(a.due_on, a.closed_at.is_some(), today),
            can_close: a.closed_at.is_none() && closable(&a),
        })
        .collect())
}

/// Who may close what: the agency's writers its own; a provider's writers what it owns.
pub(super) fn may_close(writer: Option<&PlanWriter>, keeper: Option<&ContactKeeper>) -> impl Fn(&action::Model) -> bool {
    let agency = writer.map(|w| w.agency_id());
    let provider = keeper.map(|k| k.provider_id());
    move |a: &action::Model| Some(a.agency_id) == agency || Some(a.owner_org) == provider
}

/// One drill in reach with its actions.
pub async fn drill_detail(
    db: &DatabaseConnection,
    reader: &ErReader,
    writer: Option<&PlanWriter>,
    keeper: Option<&ContactKeeper>,
    id: Uuid,
    today: Date,
    zone: &str,
) -> ServiceResult<DrillDetail> {
    let d = reader.drills().filter(drill::Column::Id.eq(id)).one(db).await?.ok_or(ServiceError::NotFound)?;
    let can_write = writer.is_some_and(|w| w.agency_id() == d.agency_id);
    let actions = reader
        .actions()
        .filter(action::Column::SourceId.eq(id))
        .order_by_asc(action::Column::DueOn)
        .all(db)
        .await?;
    let actions = action_rows(db, actions, today, zone, may_close(writer, keeper)).await?;
    let owners = match writer.filter(|_| can_write) {
        Some(w) => owner_choices(db, w, today).await?,
        None => Vec::new(),
    };
    let drill = drill_rows(db, reader, vec![d]).await?.pop().ok_or(ServiceError::NotFound)?;
    Ok(DrillDetail { drill, actions, can_write, owners })
}

/// The agency itself and the providers serving it: who may own an action.
pub(super) async fn owner_choices<C: ConnectionTrait>(db: &C, w: &PlanWriter, today: Date) -> ServiceResult<Vec<crate::plans::Named>> {
    let providers = w.providers(today).order_by_asc(organisation::Column::Name).all(db).await?;
    let own = Names::read(db, vec![w.agency_id()], Vec::new()).await?.org(w.agency_id());
    Ok(std::iter::once(own).chain(providers.into_iter().map(|o| crate::plans::Named { id: o.id, name: o.name })).collect())
}

/// The agencies' latest drill per category (held by `today`), from one grouped query.
async fn latest_drills<C: ConnectionTrait>(
    db: &C,
    drills: sea_orm::Select<drill::Entity>,
    today: Date,
) -> ServiceResult<HashMap<Uuid, Vec<(Date, DrillCategory)>>> {
    let rows: Vec<(Uuid, String, Option<Date>)> = drills
        .filter(drill::Column::HeldOn.lte(today))
        .select_only()
        .column(drill::Column::AgencyId)
        .column(drill::Column::Category)
        .column_as(drill::Column::HeldOn.max(), "last")
        .group_by(drill::Column::AgencyId)
        .group_by(drill::Column::Category)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, Vec<(Date, DrillCategory)>> = HashMap::new();
    for (agency, category, last) in rows {
        if let (Some(c), Some(d)) = (DrillCategory::parse(&category), last) {
            out.entry(agency).or_default().push((d, c));
        }
    }
    Ok(out)
}

/// The restore intervals of the agencies in reach.
async fn restore_intervals<C: ConnectionTrait>(db: &C, reader: &ErReader) -> ServiceResult<HashMap<Uuid, u32>> {
    Ok(reader.settings().all(db).await?.into_iter().map(|s| (s.agency_id, s.restore_every_months.max(1) as u32)).collect())
}

/// An agency's grid: every drill category with its last drill and next due date.
pub async fn grid<C: ConnectionTrait>(db: &C, reader: &ErReader, agency_id: Uuid, today: Date) -> ServiceResult<(Vec<GridCell>, u32)> {
    let latest = latest_drills(db, reader.drills().filter(drill::Column::AgencyId.eq(agency_id)), today).await?;
    let every = restore_intervals(db, reader).await?.get(&agency_id).copied().unwrap_or(rules::DEFAULT_RESTORE_EVERY_MONTHS);
    let held = latest.get(&agency_id).cloned().unwrap_or_default();
    let cells = rules::drill_grid(&held, every, today)
        .into_iter()
        .map(|d| GridCell { category: d.category, last: d.last.map(day), next_due: d.next_due.map(day), state: d.state })
        .collect();
    Ok((cells, every))
}

/// The module's page for an agency or a provider: plans, the agency's grid, recent drills, open
/// actions, and (for a provider) its contacts; a jurisdiction gets its overview instead.
pub async fn home(
    db: &DatabaseConnection,
    reader: &ErReader,
    writer: Option<&PlanWriter>,
    keeper: Option<&ContactKeeper>,
    today: Date,
    zone: &str,
) -> ServiceResult<ErHome> {
    let mut out = ErHome {
        plans: Vec::new(),
        grid: Vec::new(),
        restore_every_months: rules::DEFAULT_RESTORE_EVERY_MONTHS,
        drills: Vec::new(),
        actions: Vec::new(),
        can_write: writer.is_some(),
        contacts: Vec::new(),
        can_keep_contacts: keeper.is_some_and(|k| k.is_provider()),
        people: Vec::new(),
        websites: Vec::new(),
        providers: Vec::new(),
        jurisdiction: reader.is_jurisdiction(),
        agency: None,
    };
    if reader.is_jurisdiction() {
        return Ok(out);
    }
    let plans = plans_in_reach(db, reader, 200).await?;
    out.plans = plan_rows(db, reader, plans, today, zone).await?;
    if reader.viewer_kind() == crate::domain::OrgKind::Agency {
        (out.grid, out.restore_every_months) = grid(db, reader, reader.viewer(), today).await?;
    }
    let drills = reader.drills().order_by_desc(drill::Column::HeldOn).limit(30).all(db).await?;
    out.drills = drill_rows(db, reader, drills).await?;
    let actions = reader
        .actions()
        .filter(action::Column::ClosedAt.is_null())
        .order_by_asc(action::Column::DueOn)
        .limit(100)
        .all(db)
        .await?;
    out.actions = action_rows(db, actions, today, zone, may_close(writer, keeper)).await?;
    if let Some(k) = keeper.filter(|k| k.is_provider()) {
        out.contacts = my_contacts(db, k, today, zone).await?;
    }
    if let Some(w) = writer {
        out.people = w
            .people()
            .order_by_asc(person::Column::DisplayName)
            .all(db)
            .await?
            .into_iter()
            .map(|p| crate::plans::Named { id: p.id, name: p.display_name })
            .collect();
        out.websites = w
            .websites()
            .order_by_asc(website::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .map(|s| crate::plans::Named { id: s.id, name: s.name })
            .collect();
        out.providers = owner_choices(db, w, today).await?.into_iter().skip(1).collect();
    }
    Ok(out)
}

/// One agency's emergency response as its jurisdiction sees it from the overview (or the agency
/// itself): plans, the drill grid, recent drills and open actions, read only. A provider's reach
/// holds only the drills it took part in, so a grid from it would mislead: not found.
pub async fn agency_home(db: &DatabaseConnection, reader: &ErReader, agency_id: Uuid, today: Date, zone: &str) -> ServiceResult<ErHome> {
    let whole = reader.is_jurisdiction() || (reader.viewer_kind() == crate::domain::OrgKind::Agency && reader.viewer() == agency_id);
    if !whole {
        return Err(ServiceError::NotFound);
    }
    let agency = reader.agencies().filter(organisation::Column::Id.eq(agency_id)).one(db).await?.ok_or(ServiceError::NotFound)?;
    let plans = reader.plans().filter(plan::Column::AgencyId.eq(agency_id)).order_by_asc(plan::Column::Title).limit(200).all(db).await?;
    let drills = reader
        .drills()
        .filter(drill::Column::AgencyId.eq(agency_id))
        .order_by_desc(drill::Column::HeldOn)
        .limit(30)
        .all(db)
        .await?;
    let actions = reader
        .actions()
        .filter(action::Column::AgencyId.eq(agency_id))
        .filter(action::Column::ClosedAt.is_null())
        .order_by_asc(action::Column::DueOn)
        .limit(100)
        .all(db)
        .await?;
    let (grid, restore_every_months) = grid(db, reader, agency_id, today).await?;
    Ok(ErHome {
        plans: plan_rows(db, reader, plans, today, zone).await?,
        grid,
        restore_every_months,
        drills: drill_rows(db, reader, drills).await?,
        actions: action_rows(db, actions, today, zone, |_| false).await?,
        can_write: false,
        contacts: Vec::new(),
        can_keep_contacts: false,
        people: Vec::new(),
        websites: Vec::new(),
        providers: Vec::new(),
        jurisdiction: false,
        agency: Some(crate::plans::Named { id: agency.id, name: agency.name }),
    })
}

/// A jurisdiction's agencies with their overdue and soon-due drill categories, overdue plan
/// reviews and overdue actions; filtered by name and to the overdue, a page at a time.
#[allow(clippy::too_many_arguments)]
pub async fn drill_overview(
    db: &DatabaseConnection,
    caches: &Caches,
    reader: &ErReader,
    search: &str,
    only_overdue: bool,
    page: u64,
    today: Date,
) -> ServiceResult<DrillOverview> {
    let search = search.trim().chars().take(100).collect::<String>();
    let all = overview_kept(db, caches, reader, today).await?;
    let total = matching(&all, &search, only_overdue).count() as u64;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    let rows = matching(&all, &search, only_overdue).skip(((page - 1) * PAGE_SIZE) as usize).take(PAGE_SIZE as usize).cloned().collect();
    Ok(DrillOverview { rows, total, page, pages, only_overdue, search })
}

/// Every row of the overview that matches (what its CSV holds).
pub async fn drill_overview_rows(
    db: &DatabaseConnection,
    caches: &Caches,
    reader: &ErReader,
    search: &str,
    only_overdue: bool,
    today: Date,
) -> ServiceResult<Vec<AgencyDrills>> {
    let search = search.trim().chars().take(100).collect::<String>();
    let all = overview_kept(db, caches, reader, today).await?;
    Ok(matching(&all, &search, only_overdue).cloned().collect())
}

/// The rows whose agency's name holds `search` (any case) and, if asked, with anything overdue.
fn matching<'a>(all: &'a [AgencyDrills], search: &str, only_overdue: bool) -> impl Iterator<Item = &'a AgencyDrills> {
    let needle = search.to_lowercase();
    all.iter()
        .filter(move |r| needle.is_empty() || r.agency.name.to_lowercase().contains(&needle))
        .filter(move |r| !only_overdue || !r.overdue.is_empty() || r.plans_overdue > 0 || r.actions_overdue > 0)
}

/// Every agency in reach with its drill summary, kept until the data or the day changes: the
/// overview of a national regulator computes 2,000 grids, and every page, filter and CSV of the
/// overview reads this one list.
pub(super) async fn overview_kept(
    db: &DatabaseConnection,
    caches: &Caches,
    reader: &ErReader,
    today: Date,
) -> ServiceResult<Arc<Vec<AgencyDrills>>> {
    let key = format!("drill-overview|{}|{today}", reader.reach_key());
    caches.kept(&key, || async { overview_all(db, reader, today).await.map(Arc::new) }).await
}

/// Every agency in reach by name, with its drill summary as of `today`.
async fn overview_all<C: ConnectionTrait>(db: &C, reader: &ErReader, today: Date) -> ServiceResult<Vec<AgencyDrills>> {
    let agencies: Vec<(Uuid, String)> = reader
        .agencies()
        .order_by_asc(organisation::Column::Name)
        .select_only()
        .column(organisation::Column::Id)
        .column(organisation::Column::Name)
        .into_tuple()
        .all(db)
        .await?;
    let latest = latest_drills(db, reader.drills(), today).await?;
    let intervals = restore_intervals(db, reader).await?;
    let overdue_actions: HashMap<Uuid, u32> = {
        let rows: Vec<(Uuid, i64)> = reader
            .actions()
            .filter(action::Column::ClosedAt.is_null())
            .filter(action::Column::DueOn.lt(today))
            .select_only()
            .column(action::Column::AgencyId)
            .column_as(action::Column::Id.count(), "n")
            .group_by(action::Column::AgencyId)
            .into_tuple()
            .all(db)
            .await?;
        rows.into_iter().map(|(a, n)| (a, n as u32)).collect()
    };
    let plans_overdue = plans_overdue_by_agency(db, reader, today).await?;
    Ok(agencies
        .into_iter()
        .map(|(id, name)| {
            let held = latest.get(&id).cloned().unwrap_or_default();
            let every = intervals.get(&id).copied().unwrap_or(rules::DEFAULT_RESTORE_EVERY_MONTHS);
            let grid = rules::drill_grid(&held, every, today);
            AgencyDrills {
                agency: crate::plans::Named { id, name },
                overdue: grid.iter().filter(|g| g.state.is_overdue()).map(|g| g.category).collect(),
                due_soon: grid.iter().filter(|g| g.state == DueState::DueSoon).map(|g| g.category).collect(),
                plans_overdue: plans_overdue.get(&id).copied().unwrap_or(0),
                actions_overdue: overdue_actions.get(&id).copied().unwrap_or(0),
            }
        })
        .collect())
}

/// How many of each agency's plans are past their review (or were never approved).
async fn plans_overdue_by_agency<C: ConnectionTrait>(db: &C, reader: &ErReader, today: Date) -> ServiceResult<HashMap<Uuid, u32>> {
    use crate::plans::{entity::version, PlanState};
    let plans: Vec<(Uuid, Uuid, i16)> = reader
        .plans()
        .select_only()
        .column(plan::Column::Id)
        .column(plan::Column::AgencyId)
        .column(plan::Column::ReviewMonths)
        .into_tuple()
        .all(db)
        .await?;
    let approved: Vec<(Uuid, Option<time::OffsetDateTime>)> = reader
        .versions()
        .filter(version::Column::State.eq(PlanState::Approved.code()))
        .select_only()
        .column(version::Column::PlanId)
        .column(version::Column::ApprovedAt)
        .into_tuple()
        .all(db)
        .await?;
    let approved: BTreeMap<Uuid, Date> = approved.into_iter().filter_map(|(p, at)| Some((p, at?.date()))).collect();
    let mut out: HashMap<Uuid, u32> = HashMap::new();
    for (id, agency, months) in plans {
        let (_, state) = rules::review_due(approved.get(&id).copied(), months.max(1) as u32, today);
        if state.is_overdue() {
            *out.entry(agency).or_default() += 1;
        }
    }
    Ok(out)
}

/// One follow-up action in reach.
pub async fn action_detail(
    db: &DatabaseConnection,
    reader: &ErReader,
    writer: Option<&PlanWriter>,
    keeper: Option<&ContactKeeper>,
    id: Uuid,
    today: Date,
    zone: &str,
) -> ServiceResult<ActionRow> {
    let a = reader.actions().filter(action::Column::Id.eq(id)).one(db).await?.ok_or(ServiceError::NotFound)?;
    action_rows(db, vec![a], today, zone, may_close(writer, keeper)).await?.pop().ok_or(ServiceError::NotFound)
}
