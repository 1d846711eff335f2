//! Giving a notice (on websites the CSP serves under engagements in force, checked against its
//! type's lead time), revising it (a new revision kept whole; the agencies it affects follow the
//! websites), and every step on it — answers, decisions, implementation, assessment, closing,
//! cancelling — checked by the state machine, with the status read again from the steps, the
//! audit entry and the mails in the same transaction.
use std::collections::{BTreeSet, HashSet};

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::*;
use crate::{
    changes::{
        entity::{notice, notice_agency, notice_website, revision, step},
        mail::ChangeMail,
        rules::{self, Audience, LeadRefusal, Party, Progress, Refusal, Situation, StepFact},
        scope::{require_csp, ChangeReader},
        Action, ChangeCategory, ChangeType, NoticeInput, NoticeStatus, StepInput, StepKind, MAX_WEBSITES,
    },
    domain::{OrgKind, Role},
    tenancy::entity::website,
};

/// A notice's fields, parsed.
struct Parsed {
    title: String,
    description: String,
    reason: String,
    planned_start: OffsetDateTime,
    planned_end: OffsetDateTime,
    impact_analysis: String,
    customer_impact: String,
    rollback_plan: String,
    verification_plan: String,
    contact: String,
    opt_out_offered: bool,
    note: String,
    sites: Vec<website::Model>,
}

fn flag(text: &str) -> bool {
    !text.trim().is_empty() && !matches!(text.trim(), "false" | "0" | "off" | "no")
}

/// Parses what a notice and a revision share; the websites are checked against the writer's.
async fn parse_notice<C: ConnectionTrait>(
    db: &C,
    f: &mut Fields,
    w: &ChangeWriter,
    input: &NoticeInput,
    t: ChangeType,
    emergency: bool,
    zone: &str,
) -> ServiceResult<Option<Parsed>> {
    let title = title(f, "title", &input.title);
    // The analysis is owed at submission, except by an emergency (supplied afterwards) and by an
    // adaptive change (a description suffices).
    let full = !emergency && rules::plans_before(t);
    let description = long(f, "description", &input.description, !emergency);
    let reason = long(f, "reason", &input.reason, false);
    let impact_analysis = long(f, "impact_analysis", &input.impact_analysis, full);
    let customer_impact = long(f, "customer_impact", &input.customer_impact, false);
    let rollback_plan = long(f, "rollback_plan", &input.rollback_plan, full);
    let verification_plan = long(f, "verification_plan", &input.verification_plan, full);
    let contact = short(f, "contact", &input.contact, 500, false);
    let note = long(f, "note", &input.note, false);
    let start = instant(f, "planned_start", &input.planned_start, zone);
    let end = instant(f, "planned_end", &input.planned_end, zone);
    if let (Some(s), Some(e)) = (start, end) {
        if e <= s {
            f.refuse("planned_end", Msg::ChErrEndBeforeStart);
        }
    }
    let mut ids: Vec<Uuid> = Vec::new();
    for s in input.website_ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        match s.parse::<Uuid>() {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => {}
            Err(_) => f.refuse("website_ids", Msg::ChErrWebsite),
        }
    }
    if ids.is_empty() {
        f.refuse("website_ids", Msg::ChErrWebsiteNone);
    } else if ids.len() > MAX_WEBSITES {
        f.refuse("website_ids", Msg::ChErrWebsiteMany);
    }
    let sites = if ids.is_empty() || ids.len() > MAX_WEBSITES {
        Vec::new()
    } else {
        let sites = w.websites().filter(website::Column::Id.is_in(ids.clone())).all(db).await?;
        if sites.len() != ids.len() {
            // A website it does not serve under an engagement in force, or none at all.
            f.refuse("website_ids", Msg::ChErrWebsite);
        }
        sites
    };
    Ok((|| {
        Some(Parsed {
            title: title?,
            description: description?,
            reason: reason?,
            planned_start: start?,
            planned_end: end?,
            impact_analysis: impact_analysis?,
            customer_impact: customer_impact?,
            rollback_plan: rollback_plan?,
            verification_plan: verification_plan?,
            contact: contact?,
            opt_out_offered: flag(&input.opt_out_offered),
            note: note?,
            sites,
        })
    })())
}

/// The websites' names, one a line, sorted (what a revision's comparison shows).
fn website_lines(sites: &[website::Model]) -> String {
    let mut names: Vec<String> = sites.iter().map(|s| format!("{} ({})", s.name, s.domain)).collect();
    names.sort();
    names.join("\n")
}

fn revision_row(notice_id: Uuid, number: i32, p: &Parsed, by: Uuid, now: OffsetDateTime) -> revision::ActiveModel {
    revision::ActiveModel {
        id: Set(Uuid::new_v4()),
        notice_id: Set(notice_id),
        number: Set(number),
        title: Set(p.title.clone()),
        description: Set(p.description.clone()),
        reason: Set(p.reason.clone()),
        planned_start: Set(p.planned_start),
        planned_end: Set(p.planned_end),
        impact_analysis: Set(p.impact_analysis.clone()),
        customer_impact: Set(p.customer_impact.clone()),
        rollback_plan: Set(p.rollback_plan.clone()),
        verification_plan: Set(p.verification_plan.clone()),
        contact: Set(p.contact.clone()),
        opt_out_offered: Set(p.opt_out_offered),
        websites: Set(website_lines(&p.sites)),
        note: Set(p.note.clone()),
        submitted_by: Set(by),
        submitted_at: Set(now),
    }
}

/// Who a step is by (no person: the portal itself).
pub(super) struct By {
    pub organisation: Uuid,
    pub person: Option<Uuid>,
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn write_step<C: ConnectionTrait>(
    db: &C,
    notice_id: Uuid,
    revision: i32,
    kind: StepKind,
    by: &By,
    body: String,
    implemented: Option<(OffsetDateTime, OffsetDateTime, Option<time::Date>)>,
    file_id: Option<Uuid>,
    now: OffsetDateTime,
) -> ServiceResult<()> {
    step::ActiveModel {
        // Time-ordered, so steps recorded at one instant (a clock's second) keep their order.
        id: Set(Uuid::now_v7()),
        notice_id: Set(notice_id),
        revision: Set(revision),
        kind: Set(kind.code().into()),
        organisation_id: Set(by.organisation),
        person_id: Set(by.person),
        body: Set(body),
        actual_start: Set(implemented.map(|i| i.0)),
        actual_end: Set(implemented.map(|i| i.1)),
        verified_on: Set(implemented.and_then(|i| i.2)),
        file_id: Set(file_id),
        at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// What a notice's steps and audience add up to, read through a reader that reaches it.
pub(crate) struct Standing {
    pub facts: Vec<StepFact>,
    pub audience: Audience,
    pub progress: Progress,
    pub status: NoticeStatus,
}

pub(crate) async fn standing<C: ConnectionTrait>(db: &C, r: &ChangeReader, n: &notice::Model) -> ServiceResult<Standing> {
    let steps = r.counted_steps(n.id).order_by_asc(step::Column::At).order_by_asc(step::Column::Id).all(db).await?;
    let facts: Vec<StepFact> = steps
        .iter()
        .filter_map(|s| {
            Some(StepFact { kind: StepKind::parse(&s.kind)?, revision: s.revision, organisation: s.organisation_id, with_text: !s.body.trim().is_empty() })
        })
        .collect();
    let agencies = r.counted_agencies(n.id).filter(notice_agency::Column::Affected.eq(true)).all(db).await?;
    let deciders = if n.requires_approval { r.deciders(n.id).all(db).await?.into_iter().map(|o| o.id).collect() } else { Vec::new() };
    let audience = Audience { agencies: agencies.iter().map(|a| a.agency_id).collect(), deciders };
    let progress = rules::progress(n.requires_approval, n.revision, &audience, &facts);
    let status = rules::status(&facts, &progress);
    Ok(Standing { facts, audience, progress, status })
}

/// Writes what the steps add up to onto the notice (the columns lists filter on).
async fn settle(txn: &DatabaseTransaction, r: &ChangeReader, n: notice::Model, now: OffsetDateTime) -> ServiceResult<Standing> {
    let s = standing(txn, r, &n).await?;
    let approved = n.requires_approval && s.progress.deciders > 0 && s.progress.all_approved();
    let approved_at = match (approved, n.approved_at) {
        (true, Some(at)) => Some(at),
        (true, None) => Some(now),
        (false, _) => None,
    };
    let mut a = n.into_active_model();
    a.status = Set(s.status.code().into());
    a.affected = Set(i32::try_from(s.progress.affected).unwrap_or(i32::MAX));
    a.answered = Set(i32::try_from(s.progress.acknowledged + s.progress.opted_out).unwrap_or(i32::MAX));
    a.approved_at = Set(approved_at);
    a.updated_at = Set(now);
    let n = a.update(txn).await?;
    // A planned interruption cleared (or implemented, or withdrawn) moves its SLA windows.
    crate::sla::service::windows::sync_notice(txn, &n, now).await?;
    Ok(s)
}

/// The officers of these organisations (administrators and security officers), to write to.
async fn officers<C: ConnectionTrait>(db: &C, orgs: impl IntoIterator<Item = Uuid>) -> ServiceResult<Vec<crate::backend::mail::Recipient>> {
    let mut people = Vec::new();
    for org in orgs {
        people.extend(crate::tenancy::scope::people_holding(db, org, &[Role::OrgAdmin, Role::SecurityOfficer]).await?);
    }
    Ok(crate::tenancy::service::recipients(&people))
}

/// Tells `to` what happened on a notice.
#[allow(clippy::too_many_arguments)]
pub(super) async fn tell<C: ConnectionTrait>(
    db: &C,
    to: Vec<Uuid>,
    n: &notice::Model,
    step: StepKind,
    by_org: Uuid,
    body: &str,
    ask: Option<(&'static str, &'static str)>,
    now: OffsetDateTime,
    link_base: &str,
) -> ServiceResult<()> {
    let names = org_names(db, [n.csp_id, by_org]).await?;
    let zone = time_fmt::DEFAULT_TIME_ZONE;
    let mail = ChangeMail {
        step,
        csp: names.get(&n.csp_id).cloned().unwrap_or_default(),
        title: n.title.clone(),
        by: names.get(&by_org).cloned().unwrap_or_default(),
        body: body.chars().take(2000).collect(),
        window: format!("{} – {}", shown(n.planned_start, zone), shown(n.planned_end, zone)),
        ask,
        link: format!("{link_base}/changes/{}", n.id),
    };
    crate::backend::mail::enqueue_each(db, now, &officers(db, to).await?, &mail).await
}

const ASK_ANSWER: (&str, &str) = ("请在 2 个工作日内确认、提出问题或选择退出。", "Please acknowledge, ask a question or opt out within 2 business days.");
const ASK_DECIDE: (&str, &str) = ("此变更须经主管部门批准后方可实施，请作出决定。", "This change needs the regulator's approval before it starts: please decide.");
const ASK_REVISE: (&str, &str) = ("请提交修订作出答复。", "Please answer with a revision.");

/// The lead-time refusal named on the planned start, with the earliest start it could have.
fn lead_refusal(f: &mut Fields, r: LeadRefusal, zone: &str) {
    match r {
        LeadRefusal::TooSoon { earliest } => f.refuse_with("planned_start", Msg::ChErrLeadTooSoon, day(earliest)),
        LeadRefusal::InterruptionTooSoon { earliest } => f.refuse_with("planned_start", Msg::ChErrInterruptionTooSoon, shown(earliest, zone)),
    }
}

/// Gives a notice: checked, stored with its first revision, the affected agencies (and, where the
/// change needs approval, their regulators) told. Routine recurring changes never reach here: the
/// form's classification stops them.
pub async fn submit(db: &DatabaseConnection, by: &Acting<'_>, w: &ChangeWriter, input: &NoticeInput, link_base: &str) -> ServiceResult<Uuid> {
    require_csp(w)?;
    let Acting { actor, meta, now } = *by;
    let zone = actor.time_zone.as_str();
    let mut f = Fields::new();
    let t = f.check("change_type", ChangeType::parse(input.change_type.trim()).ok_or(Msg::ChErrType));
    let category = f.check("category", ChangeCategory::parse(input.category.trim()).ok_or(Msg::ChErrCategory));
    if let (Some(t), Some(c)) = (t, category) {
        if rules::category_is_impact_changing(c) && t != ChangeType::ImpactChanging {
            f.refuse("change_type", Msg::ChErrImpactCategory);
        }
    }
    let emergency = flag(&input.emergency);
    let txn = write_txn(db).await?;
    let parsed = parse_notice(&txn, &mut f, w, input, t.unwrap_or(ChangeType::Transformative), emergency, zone).await?;
    let mut terms = Terms::DEFAULT;
    if let (Some(t), Some(c), Some(p)) = (t, category, parsed.as_ref()) {
        let engagements = w.engagements_covering(p.sites.iter().map(|s| s.id).collect()).all(&txn).await?;
        terms = strictest_terms(&txn, w, engagements.iter().map(|e| e.id).collect()).await?;
        let cal = work_calendar(&txn).await?;
        if let Err(r) = rules::check_lead(t, c, emergency, &terms, p.planned_start, now, &cal) {
            lead_refusal(&mut f, r, zone);
        }
    }
    let (t, category, p) = f.finish_with(|| Some((t?, category?, parsed?)))?;
    let id = Uuid::new_v4();
    notice::ActiveModel {
        id: Set(id),
        csp_id: Set(w.organisation_id()),
        change_type: Set(t.code().into()),
        category: Set(category.code().into()),
        emergency: Set(emergency),
        requires_approval: Set(rules::requires_approval(t)),
        revision: Set(1),
        title: Set(p.title.clone()),
        planned_start: Set(p.planned_start),
        planned_end: Set(p.planned_end),
        opt_out_offered: Set(p.opt_out_offered),
        terms: Set(serde_json::to_string(&terms).map_err(|e| ServiceError::Internal(e.to_string()))?),
        status: Set(NoticeStatus::InReview.code().into()),
        affected: Set(0),
        answered: Set(0),
        submitted_by: Set(actor.person_id),
        submitted_at: Set(now),
        revised_at: Set(now),
        approved_at: Set(None),
        implemented_at: Set(None),
        actual_start: Set(None),
        actual_end: Set(None),
        verified_on: Set(None),
        assessed_at: Set(None),
        closed_at: Set(None),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    revision_row(id, 1, &p, actor.person_id, now).insert(&txn).await?;
    let agencies: BTreeSet<Uuid> = p.sites.iter().map(|s| s.agency_id).collect();
    for a in &agencies {
        notice_agency::ActiveModel { notice_id: Set(id), agency_id: Set(*a), affected: Set(true) }.insert(&txn).await?;
    }
    for s in &p.sites {
        notice_website::ActiveModel { notice_id: Set(id), website_id: Set(s.id), agency_id: Set(s.agency_id) }.insert(&txn).await?;
    }
    let me = By { organisation: w.organisation_id(), person: Some(actor.person_id) };
    write_step(&txn, id, 1, StepKind::Submitted, &me, String::new(), None, None, now).await?;
    let n = w.reader().notice(id).one(&txn).await?.ok_or(ServiceError::NotFound)?;
    let s = settle(&txn, w.reader(), n.clone(), now).await?;
    AuditEntry::by(
        actor,
        meta,
        AuditAction::ChangeSubmit,
        format!("change {}", p.title),
        format!("type={}; category={}; emergency={emergency}; agencies={}; websites={}", t.code(), category.code(), agencies.len(), p.sites.len()),
    )
    .record(&txn, now)
    .await?;
    tell(&txn, s.audience.agencies.clone(), &n, StepKind::Submitted, me.organisation, &p.reason, Some(ASK_ANSWER), now, link_base).await?;
    if n.requires_approval {
        tell(&txn, s.audience.deciders.clone(), &n, StepKind::Submitted, me.organisation, &p.reason, Some(ASK_DECIDE), now, link_base).await?;
    }
    epoch::commit_change(txn).await?;
    Ok(id)
}

/// The party the writer is on a notice, read from the notice's steps and audience.
async fn party_of<C: ConnectionTrait>(db: &C, w: &ChangeWriter, n: &notice::Model, s: &Standing) -> ServiceResult<Party> {
    let me = w.organisation_id();
    Ok(match w.kind() {
        OrgKind::Csp if n.csp_id == me => Party::Csp,
        OrgKind::Agency => {
            let row = w.reader().agencies(n.id).filter(notice_agency::Column::AgencyId.eq(me)).one(db).await?;
            Party::Agency { affected: row.is_some_and(|r| r.affected), answered: rules::has_answered(&s.facts, me) }
        }
        OrgKind::Regulator => Party::Regulator {
            decider: s.audience.deciders.contains(&me),
            decided: rules::decision_on(&s.facts, me, n.revision).is_some(),
        },
        _ => return Err(ServiceError::Forbidden),
    })
}

fn situation(n: &notice::Model, s: &Standing) -> Situation {
    Situation {
        status: s.status,
        requires_approval: n.requires_approval,
        emergency: n.emergency,
        opt_out_offered: n.opt_out_offered,
        all_approved: s.progress.all_approved(),
    }
}

/// A refusal as the person is told it: the field is the action itself.
fn refused(r: Refusal) -> ServiceError {
    let msg = match r {
        Refusal::WrongParty => return ServiceError::Forbidden,
        Refusal::Final => Msg::ChErrFinal,
        Refusal::AfterImplementation => Msg::ChErrAfterImplementation,
        Refusal::NotAffected => Msg::ChErrNotAffected,
        Refusal::AlreadyAnswered => return ServiceError::Conflict { field: "action", msg: Msg::ChErrAlreadyAnswered },
        Refusal::OptOutNotOffered => Msg::ChErrOptOutNotOffered,
        Refusal::NoApprovalNeeded => Msg::ChErrNoApprovalNeeded,
        Refusal::NotDecider => Msg::ChErrNotDecider,
        Refusal::AlreadyDecided => return ServiceError::Conflict { field: "action", msg: Msg::ChErrAlreadyDecided },
        Refusal::NeedsApproval => Msg::ChErrNeedsApproval,
        Refusal::AlreadyImplemented => return ServiceError::Conflict { field: "action", msg: Msg::ChErrAlreadyImplemented },
        Refusal::NotImplemented => Msg::ChErrNotImplemented,
        Refusal::NoAssessment => Msg::ChErrNoAssessment,
    };
    ServiceError::invalid("action", msg)
}

/// A new revision of a notice: kept whole beside the earlier ones; the websites (and so the
/// agencies) follow it; the decisions are asked again; the agencies and deciders told.
pub async fn revise(db: &DatabaseConnection, by: &Acting<'_>, w: &ChangeWriter, id: Uuid, input: &NoticeInput, link_base: &str) -> ServiceResult<i32> {
    require_csp(w)?;
    let Acting { actor, meta, now } = *by;
    let zone = actor.time_zone.as_str();
    let txn = write_txn(db).await?;
    let n = w.notice_for_update(id, txn.get_database_backend()).one(&txn).await?.ok_or(ServiceError::NotFound)?;
    let s = standing(&txn, w.reader(), &n).await?;
    let party = party_of(&txn, w, &n, &s).await?;
    rules::check(Action::Revise, party, &situation(&n, &s)).map_err(refused)?;
    let t = ChangeType::parse(&n.change_type).unwrap_or(ChangeType::Transformative);
    let mut f = Fields::new();
    if !input.change_type.trim().is_empty() && input.change_type.trim() != n.change_type {
        f.refuse("change_type", Msg::ChErrTypeFixed);
    }
    if !input.category.trim().is_empty() && input.category.trim() != n.category {
        f.refuse("category", Msg::ChErrTypeFixed);
    }
    let parsed = parse_notice(&txn, &mut f, w, input, t, n.emergency, zone).await?;
    if input.note.trim().is_empty() {
        f.refuse("note", Msg::ChErrNoteRequired);
    }
    let p = f.finish_with(|| parsed)?;
    let number = n.revision + 1;
    revision_row(id, number, &p, actor.person_id, now).insert(&txn).await?;
    // The audience follows the websites: new agencies join, dropped ones stay as not affected.
    let now_affected: BTreeSet<Uuid> = p.sites.iter().map(|s| s.agency_id).collect();
    let known = w.agencies_of(id).all(&txn).await?;
    for a in &known {
        let affected = now_affected.contains(&a.agency_id);
        if a.affected != affected {
            let mut m = a.clone().into_active_model();
            m.affected = Set(affected);
            m.update(&txn).await?;
        }
    }
    let known_ids: HashSet<Uuid> = known.iter().map(|a| a.agency_id).collect();
    for a in now_affected.iter().filter(|a| !known_ids.contains(a)) {
        notice_agency::ActiveModel { notice_id: Set(id), agency_id: Set(*a), affected: Set(true) }.insert(&txn).await?;
    }
    // (The notice was found through the writer above: its website rows are the writer's to replace.)
    notice_website::Entity::delete_many().filter(notice_website::Column::NoticeId.eq(n.id)).exec(&txn).await?;
    for s in &p.sites {
        notice_website::ActiveModel { notice_id: Set(id), website_id: Set(s.id), agency_id: Set(s.agency_id) }.insert(&txn).await?;
    }
    let me = By { organisation: w.organisation_id(), person: Some(actor.person_id) };
    write_step(&txn, id, number, StepKind::Revised, &me, p.note.clone(), None, None, now).await?;
    let mut a = n.into_active_model();
    a.revision = Set(number);
    a.title = Set(p.title.clone());
    a.planned_start = Set(p.planned_start);
    a.planned_end = Set(p.planned_end);
    a.opt_out_offered = Set(p.opt_out_offered);
    a.revised_at = Set(now);
    a.approved_at = Set(None);
    let n = a.update(&txn).await?;
    let s = settle(&txn, w.reader(), n.clone(), now).await?;
    AuditEntry::by(actor, meta, AuditAction::ChangeRevise, format!("change {}", p.title), format!("revision={number}; websites={}", p.sites.len()))
        .record(&txn, now)
        .await?;
    tell(&txn, s.audience.agencies.clone(), &n, StepKind::Revised, me.organisation, &p.note, None, now, link_base).await?;
    if n.requires_approval {
        tell(&txn, s.audience.deciders.clone(), &n, StepKind::Revised, me.organisation, &p.note, Some(ASK_DECIDE), now, link_base).await?;
    }
    epoch::commit_change(txn).await?;
    Ok(number)
}

/// Takes the step named `action` on a notice in the writer's reach: the notice is looked up first
/// (outside the reach: "not found", whatever the action), then the action read.
pub async fn act_named(db: &DatabaseConnection, by: &Acting<'_>, w: &ChangeWriter, id: Uuid, action: &str, input: &StepInput, link_base: &str) -> ServiceResult<NoticeStatus> {
    w.reader().notice(id).one(db).await?.ok_or(ServiceError::NotFound)?;
    let action = Action::parse(action.trim()).filter(|a| *a != Action::Revise).ok_or_else(|| ServiceError::invalid("action", Msg::ChErrAction))?;
    act(db, by, w, id, action, input, link_base).await
}

/// The websites a CSP may name in a notice, for its form.
pub async fn notice_form(db: &DatabaseConnection, w: &ChangeWriter) -> ServiceResult<crate::changes::NoticeForm> {
    require_csp(w)?;
    let sites = w.websites().order_by_asc(website::Column::Name).all(db).await?;
    Ok(crate::changes::NoticeForm { websites: sites.into_iter().map(|s| crate::changes::Named { id: s.id, name: format!("{} ({})", s.name, s.domain) }).collect() })
}

/// Takes one step on a notice — an answer, a decision, the implementation, the assessment,
/// closing or cancelling — if the state machine allows it to this party now.
pub async fn act(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    w: &ChangeWriter,
    id: Uuid,
    action: Action,
    input: &StepInput,
    link_base: &str,
) -> ServiceResult<NoticeStatus> {
    if action == Action::Revise {
        return Err(ServiceError::invalid("action", Msg::ChErrAction));
    }
    let Acting { actor, meta, now } = *by;
    let zone = actor.time_zone.as_str();
    let txn = write_txn(db).await?;
    let n = w.notice_for_update(id, txn.get_database_backend()).one(&txn).await?.ok_or(ServiceError::NotFound)?;
    let s = standing(&txn, w.reader(), &n).await?;
    let party = party_of(&txn, w, &n, &s).await?;
    rules::check(action, party, &situation(&n, &s)).map_err(refused)?;
    let mut f = Fields::new();
    let body = long(&mut f, "body", &input.body, rules::text_required(action) || action == Action::Assess);
    let mut implemented = None;
    if action == Action::Implement {
        let start = instant(&mut f, "actual_start", &input.actual_start, zone);
        let end = instant(&mut f, "actual_end", &input.actual_end, zone);
        let verified = match input.verified_on.trim() {
            "" => Some(None),
            t => f.check("verified_on", parse_date(t).map(Some).ok_or(Msg::ChErrDate)),
        };
        if let (Some(s), Some(e)) = (start, end) {
            if e <= s {
                f.refuse("actual_end", Msg::ChErrEndBeforeStart);
            } else if e > now {
                f.refuse("actual_end", Msg::ChErrActualFuture);
            }
            if let Some(Some(v)) = verified {
                if v < rules::day_of(e) {
                    f.refuse("verified_on", Msg::ChErrVerifiedBeforeEnd);
                }
            }
        }
        implemented = (|| Some((start?, end?, verified?)))();
    }
    // The assessment names its report, which the CSP attached first (a file is no form field).
    let report = if action == Action::Assess { assessment_file(&txn, w.reader(), id).await? } else { None };
    if action == Action::Assess && report.is_none() {
        f.refuse("files", Msg::ChErrNeedAssessmentFile);
    }
    let body = f.finish_with(|| body)?;
    let kind = rules::step_of(action);
    let me = By { organisation: w.organisation_id(), person: Some(actor.person_id) };
    write_step(&txn, id, n.revision, kind, &me, body.clone(), implemented, report, now).await?;
    let mut a = n.clone().into_active_model();
    match action {
        Action::Implement => {
            if let Some((start, end, verified)) = implemented {
                a.implemented_at = Set(Some(now));
                a.actual_start = Set(Some(start));
                a.actual_end = Set(Some(end));
                a.verified_on = Set(verified);
            }
        }
        Action::Assess => a.assessed_at = Set(Some(now)),
        Action::Close | Action::Cancel => a.closed_at = Set(Some(now)),
        _ => {}
    }
    let n = a.update(&txn).await?;
    let s = settle(&txn, w.reader(), n.clone(), now).await?;
    AuditEntry::by(actor, meta, AuditAction::ChangeStep, format!("change {}", n.title), format!("step={}; revision={}", kind.code(), n.revision))
        .record(&txn, now)
        .await?;
    // Who acts next hears of it: the CSP of an answer or decision; the agencies of the change's
    // progress (and the deciders of its cancellation).
    match action {
        Action::Acknowledge | Action::OptOut | Action::Approve => {
            tell(&txn, vec![n.csp_id], &n, kind, me.organisation, &body, None, now, link_base).await?
        }
        Action::Ask | Action::Reject | Action::RequestInfo => {
            tell(&txn, vec![n.csp_id], &n, kind, me.organisation, &body, Some(ASK_REVISE), now, link_base).await?
        }
        Action::Implement | Action::Assess | Action::Close => {
            tell(&txn, s.audience.agencies.clone(), &n, kind, me.organisation, &body, None, now, link_base).await?
        }
        Action::Cancel => {
            let mut to = s.audience.agencies.clone();
            to.extend(s.audience.deciders.iter().copied());
            tell(&txn, to, &n, kind, me.organisation, &body, None, now, link_base).await?
        }
        Action::Revise => {}
    }
    epoch::commit_change(txn).await?;
    Ok(s.status)
}
