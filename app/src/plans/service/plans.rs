//! Plans: creating one, saving its draft, approving it (which supersedes the version in force and
//! never edits an approved one), reading a plan with its history, its diff to the version before
//! and the contacts its providers keep current themselves, and keeping those contacts.
use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::*;
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{actor::Acting, db::write_txn, epoch, ServiceError},
    plans::{
        entity::{contact, plan, version},
        rules,
        scope::{ContactKeeper, ErReader, PlanWriter},
        Category, ContactLine, ContactRow, DraftInput, EngagementContacts, PlanDetail, PlanInput, PlanRow, PlanState,
        Section, Sections, VersionRow, MAX_CONTACTS,
    },
    tenancy::entity::engagement,
};

fn sections_of(v: &version::Model) -> Sections {
    Sections {
        general: v.general.clone(),
        roles: v.roles.clone(),
        prevention: v.prevention.clone(),
        grading: v.grading.clone(),
        procedure: v.procedure.clone(),
        safeguards: v.safeguards.clone(),
    }
}

fn state_of(v: &version::Model) -> PlanState {
    PlanState::parse(&v.state).unwrap_or(PlanState::Draft)
}

/// Plans as rows: each with its version in force, whether a draft waits, and its review.
pub async fn plan_rows<C: ConnectionTrait>(
    db: &C,
    reader: &ErReader,
    plans: Vec<plan::Model>,
    today: Date,
    zone: &str,
) -> ServiceResult<Vec<PlanRow>> {
    let ids: Vec<Uuid> = plans.iter().map(|p| p.id).collect();
    let versions = if ids.is_empty() {
        Vec::new()
    } else {
        reader.versions().filter(version::Column::PlanId.is_in(ids.clone())).order_by_asc(version::Column::Number).all(db).await?
    };
    let mut by_plan: HashMap<Uuid, Vec<version::Model>> = HashMap::new();
    for v in versions {
        by_plan.entry(v.plan_id).or_default().push(v);
    }
    let website_ids: Vec<Uuid> = plans.iter().filter_map(|p| p.website_id).collect();
    let websites: HashMap<Uuid, String> = if website_ids.is_empty() {
        HashMap::new()
    } else {
        use crate::tenancy::entity::website;
        reader
            .websites()
            .filter(website::Column::Id.is_in(website_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|w| (w.id, w.name))
            .collect()
    };
    let names = Names::read(db, plans.iter().map(|p| p.agency_id).collect(), plans.iter().map(|p| p.owner_id).collect()).await?;
    Ok(plans
        .into_iter()
        .map(|p| {
            let versions = by_plan.remove(&p.id).unwrap_or_default();
            let approved = versions.iter().rev().find(|v| state_of(v) == PlanState::Approved);
            let approved_on = approved.and_then(|v| v.approved_at).map(|t| time_fmt::date_in_zone(t, zone));
            let (next, review) = rules::review_due(approved_on, p.review_months.max(1) as u32, today);
            PlanRow {
                id: p.id,
                title: p.title.clone(),
                agency: names.org(p.agency_id),
                website: p.website_id.map(|w| websites.get(&w).cloned().unwrap_or_default()),
                category: p.category.as_deref().and_then(Category::parse),
                owner: names.person(p.owner_id),
                approved: approved.zip(approved_on).map(|(v, d)| (v.number, day(d))),
                has_draft: versions.iter().any(|v| state_of(v) == PlanState::Draft),
                next_review: next.map(day),
                review,
            }
        })
        .collect())
}

/// Creates a plan with an empty first draft.
pub async fn create_plan(db: &DatabaseConnection, by: &Acting<'_>, w: &PlanWriter, input: &PlanInput) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let mut f = Fields::new();
    let title = title(&mut f, "title", &input.title);
    let website = optional_id(&mut f, "website_id", &input.website_id, Msg::ErUnknownWebsite);
    let category = match input.category.trim() {
        "" => Some(None),
        c => f.check("category", Category::parse(c).map(Some).ok_or(Msg::ErCategory)),
    };
    let owner = match input.owner_id.trim() {
        "" => Some(actor.person_id),
        o => f.check("owner_id", o.parse::<Uuid>().map_err(|_| Msg::ErOwner)),
    };
    let months = months_field(&mut f, "review_months", &input.review_months, rules::DEFAULT_REVIEW_MONTHS);
    let txn = write_txn(db).await?;
    // Choices outside the agency's own are refused as unknown, never looked up elsewhere.
    if let Some(Some(site)) = website {
        if w.websites().filter(crate::tenancy::entity::website::Column::Id.eq(site)).one(&txn).await?.is_none() {
            f.refuse("website_id", Msg::ErUnknownWebsite);
        }
    }
    if let Some(o) = owner {
        if w.people().filter(crate::tenancy::entity::person::Column::Id.eq(o)).one(&txn).await?.is_none() {
            f.refuse("owner_id", Msg::ErOwner);
        }
    }
    let (title, website, category, owner, months) =
        f.finish_with(|| Some((title?, website?, category?, owner?, months?)))?;
    if w.plans().filter(plan::Column::Title.eq(title.as_str())).one(&txn).await?.is_some() {
        return Err(ServiceError::invalid("title", Msg::ErrNameTaken));
    }
    let id = Uuid::new_v4();
    plan::ActiveModel {
        id: Set(id),
        agency_id: Set(w.agency_id()),
        title: Set(title.clone()),
        website_id: Set(website),
        category: Set(category.map(|c| c.code().to_string())),
        owner_id: Set(owner),
        review_months: Set(months as i16),
        created_by: Set(actor.person_id),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    insert_version(&txn, id, 1, &Sections::default(), "", actor.person_id, now).await?;
    AuditEntry::by(actor, meta, AuditAction::PlanCreate, format!("plan {title}"), format!("review every {months} months"))
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await?;
    Ok(id)
}

async fn insert_version<C: ConnectionTrait>(
    db: &C,
    plan_id: Uuid,
    number: i32,
    s: &Sections,
    note: &str,
    by: Uuid,
    now: OffsetDateTime,
) -> ServiceResult<()> {
    version::ActiveModel {
        id: Set(Uuid::new_v4()),
        plan_id: Set(plan_id),
        number: Set(number),
        state: Set(PlanState::Draft.code().into()),
        general: Set(s.general.clone()),
        roles: Set(s.roles.clone()),
        prevention: Set(s.prevention.clone()),
        grading: Set(s.grading.clone()),
        procedure: Set(s.procedure.clone()),
        safeguards: Set(s.safeguards.clone()),
        change_note: Set(note.to_string()),
        drafted_by: Set(by),
        drafted_at: Set(now),
        approved_by: Set(None),
        approved_at: Set(None),
        superseded_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

fn draft_fields(input: &DraftInput) -> ServiceResult<(Sections, String)> {
    let mut f = Fields::new();
    let mut out = Sections::default();
    for s in Section::ALL {
        if let Some(text) = long_text(&mut f, s.code(), input.sections.get(*s), false) {
            *out.get_mut(*s) = text;
        }
    }
    let note = short_text(&mut f, "change_note", &input.change_note, 1000, false);
    f.finish_with(|| Some((out, note?)))
}

/// Saves the plan's draft: the version `number` when it is the draft, or a new draft after the
/// version in force when `number` is none. An approved version is never edited.
pub async fn save_draft(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    w: &PlanWriter,
    plan_id: Uuid,
    number: Option<i32>,
    input: &DraftInput,
) -> ServiceResult<i32> {
    let Acting { actor, meta, now } = *by;
    let (sections, note) = draft_fields(input)?;
    let txn = write_txn(db).await?;
    let plan = w.plan(plan_id).one(&txn).await?.ok_or(ServiceError::NotFound)?;
    let versions = w.versions(plan_id).order_by_asc(version::Column::Number).all(&txn).await?;
    let draft = versions.iter().find(|v| state_of(v) == PlanState::Draft);
    let saved = match (number, draft) {
        (Some(n), Some(d)) if d.number == n => {
            let mut m = d.clone().into_active_model();
            m.general = Set(sections.general.clone());
            m.roles = Set(sections.roles.clone());
            m.prevention = Set(sections.prevention.clone());
            m.grading = Set(sections.grading.clone());
            m.procedure = Set(sections.procedure.clone());
            m.safeguards = Set(sections.safeguards.clone());
            m.change_note = Set(note.clone());
            m.drafted_by = Set(actor.person_id);
            m.drafted_at = Set(now);
            m.update(&txn).await?;
            n
        }
        (Some(n), _) if versions.iter().any(|v| v.number == n) => {
            return Err(ServiceError::invalid("number", Msg::ErPlanReadOnly));
        }
        (Some(_), _) => return Err(ServiceError::NotFound),
        (None, Some(_)) => return Err(ServiceError::invalid("number", Msg::ErPlanDraftExists)),
        (None, None) => {
            let n = versions.last().map(|v| v.number + 1).unwrap_or(1);
            insert_version(&txn, plan_id, n, &sections, &note, actor.person_id, now).await?;
            n
        }
    };
    AuditEntry::by(actor, meta, AuditAction::PlanDraftSave, format!("plan {}", plan.title), format!("version {saved}"))
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await?;
    Ok(saved)
}

/// Approves the draft `number`: every section must be written; the version in force becomes
/// superseded, in the same transaction.
pub async fn approve(db: &DatabaseConnection, by: &Acting<'_>, w: &PlanWriter, plan_id: Uuid, number: i32) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let plan = w.plan(plan_id).one(&txn).await?.ok_or(ServiceError::NotFound)?;
    let versions = w.versions(plan_id).all(&txn).await?;
    let draft = versions.iter().find(|v| v.number == number).ok_or(ServiceError::NotFound)?;
    if state_of(draft) != PlanState::Draft {
        return Err(ServiceError::invalid("number", Msg::ErPlanReadOnly));
    }
    let sections = sections_of(draft);
    let mut f = Fields::new();
    for s in Section::ALL {
        if sections.get(*s).trim().is_empty() {
            f.refuse(s.code(), Msg::ErPlanSectionEmpty);
        }
    }
    f.finish()?;
    for v in versions.iter().filter(|v| state_of(v) == PlanState::Approved) {
        let mut m = v.clone().into_active_model();
        m.state = Set(PlanState::Superseded.code().into());
        m.superseded_at = Set(Some(now));
        m.update(&txn).await?;
    }
    // Conditional on still being a draft, so two approvals at once approve it once.
    let done = version::Entity::update_many()
        .col_expr(version::Column::State, sea_orm::sea_query::Expr::value(PlanState::Approved.code()))
        .col_expr(version::Column::ApprovedBy, sea_orm::sea_query::Expr::value(actor.person_id))
        .col_expr(version::Column::ApprovedAt, sea_orm::sea_query::Expr::value(now))
        .filter(version::Column::Id.eq(draft.id))
        .filter(version::Column::State.eq(PlanState::Draft.code()))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(ServiceError::invalid("number", Msg::ErPlanReadOnly));
    }
    AuditEntry::by(actor, meta, AuditAction::PlanApprove, format!("plan {}", plan.title), format!("version {number}"))
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await?;
    Ok(())
}

/// One plan in reach: the version asked for (else the one in force, else the draft), the diff to
/// the version before it, the history, and the providers' contacts as they stand today.
pub async fn plan_detail(
    db: &DatabaseConnection,
    reader: &ErReader,
    can_write: bool,
    id: Uuid,
    asked: Option<i32>,
    today: Date,
    zone: &str,
) -> ServiceResult<PlanDetail> {
    let p = reader.plan(id).one(db).await?.ok_or(ServiceError::NotFound)?;
    let (agency_id, review_months) = (p.agency_id, p.review_months);
    let row = plan_rows(db, reader, vec![p], today, zone).await?.pop().ok_or(ServiceError::NotFound)?;
    let versions = reader.versions().filter(version::Column::PlanId.eq(id)).order_by_asc(version::Column::Number).all(db).await?;
    let mut people = Vec::new();
    for v in &versions {
        people.push(v.drafted_by);
        people.extend(v.approved_by);
    }
    let names = Names::read(db, Vec::new(), people).await?;
    let shown = match asked {
        Some(n) => Some(versions.iter().find(|v| v.number == n).ok_or(ServiceError::NotFound)?),
        None => versions
            .iter()
            .rev()
            .find(|v| state_of(v) == PlanState::Approved)
            .or_else(|| versions.iter().rev().find(|v| state_of(v) == PlanState::Draft)),
    };
    let diff = match shown {
        Some(v) => versions
            .iter()
            .rev()
            .find(|b| b.number < v.number)
            .map(|b| rules::diff_sections(&sections_of(b), &sections_of(v)))
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let contacts = contact_rows(db, reader, agency_id, today, zone).await?;
    let draft = if can_write {
        versions.iter().find(|v| state_of(v) == PlanState::Draft).map(|v| (v.number, sections_of(v), v.change_note.clone()))
    } else {
        None
    };
    Ok(PlanDetail {
        plan: row,
        review_months,
        shown: shown.map(|v| (v.number, state_of(v), sections_of(v))),
        approver: shown.and_then(|v| v.approved_by.zip(v.approved_at)).map(|(who, at)| (names.person(who), shown_at(at, zone))),
        diff,
        versions: versions
            .iter()
            .rev()
            .map(|v| VersionRow {
                number: v.number,
                state: state_of(v),
                drafted_by: names.person(v.drafted_by),
                drafted_at: shown_at(v.drafted_at, zone),
                approved_by: v.approved_by.map(|p| names.person(p)),
                approved_at: v.approved_at.map(|t| shown_at(t, zone)),
                change_note: v.change_note.clone(),
            })
            .collect(),
        contacts,
        draft,
        can_write,
    })
}

fn shown_at(at: OffsetDateTime, zone: &str) -> String {
    shown(at, zone)
}

/// The contacts every provider in force keeps for an agency, provider by provider.
pub async fn contact_rows<C: ConnectionTrait>(
    db: &C,
    reader: &ErReader,
    agency_id: Uuid,
    today: Date,
    zone: &str,
) -> ServiceResult<Vec<ContactRow>> {
    let contacts =
        reader.contacts_of(agency_id, today).order_by_asc(contact::Column::EngagementId).order_by_asc(contact::Column::Position).all(db).await?;
    let providers: HashMap<Uuid, Uuid> = if contacts.is_empty() {
        HashMap::new()
    } else {
        reader.contact_engagements_of(agency_id, today).all(db).await?.into_iter().map(|e| (e.id, e.provider_id)).collect()
    };
    let names = Names::read(db, providers.values().copied().collect(), Vec::new()).await?;
    let mut rows: Vec<ContactRow> = contacts
        .into_iter()
        .map(|c| ContactRow {
            provider: names.org(providers.get(&c.engagement_id).copied().unwrap_or_default()),
            name: c.name,
            duty: c.duty,
            phone: c.phone,
            email: c.email,
            hours: c.hours,
            updated_at: shown(c.updated_at, zone),
        })
        .collect();
    rows.sort_by(|a, b| a.provider.name.cmp(&b.provider.name));
    Ok(rows)
}

/// A provider's contacts for each engagement in force, for its form.
pub async fn my_contacts<C: ConnectionTrait>(db: &C, keeper: &ContactKeeper, today: Date, zone: &str) -> ServiceResult<Vec<EngagementContacts>> {
    let engagements = keeper.engagements(today).order_by_asc(engagement::Column::StartsOn).all(db).await?;
    let contacts = keeper.contacts(today).order_by_asc(contact::Column::Position).all(db).await?;
    let names = Names::read(db, engagements.iter().map(|e| e.agency_id).collect(), Vec::new()).await?;
    Ok(engagements
        .into_iter()
        .map(|e| {
            let mine: Vec<&contact::Model> = contacts.iter().filter(|c| c.engagement_id == e.id).collect();
            EngagementContacts {
                engagement_id: e.id,
                agency: names.org(e.agency_id),
                updated_at: mine.iter().map(|c| c.updated_at).max().map(|t| shown(t, zone)),
                contacts: mine
                    .into_iter()
                    .map(|c| ContactLine {
                        name: c.name.clone(),
                        duty: c.duty.clone(),
                        phone: c.phone.clone(),
                        email: c.email.clone(),
                        hours: c.hours.clone(),
                    })
                    .collect(),
            }
        })
        .collect())
}

/// Replaces a provider's contacts for one of its engagements in force (blank lines dropped);
/// every plan of the agency shows them from now on.
pub async fn save_contacts(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    keeper: &ContactKeeper,
    engagement_id: Uuid,
    lines: &[ContactLine],
    today: Date,
) -> ServiceResult<usize> {
    let Acting { actor, meta, now } = *by;
    // Whose engagement it is decides first: another's is "not found" whatever the lines say.
    let txn = write_txn(db).await?;
    let e = keeper.engagements(today).filter(engagement::Column::Id.eq(engagement_id)).one(&txn).await?.ok_or(ServiceError::NotFound)?;
    let lines: Vec<&ContactLine> = lines.iter().filter(|l| !l.is_blank()).collect();
    let mut f = Fields::new();
    if lines.len() > MAX_CONTACTS {
        f.refuse("contacts", Msg::ErTooManyContacts);
    }
    let mut parsed = Vec::new();
    for l in &lines {
        let name = short_text(&mut f, "name", &l.name, 200, true);
        let duty = short_text(&mut f, "duty", &l.duty, 200, false);
        let phone = short_text(&mut f, "phone", &l.phone, 64, true);
        let hours = short_text(&mut f, "hours", &l.hours, 200, false);
        let email = match l.email.trim() {
            "" => Some(String::new()),
            e => f.check("email", crate::auth::rules::parse_email(e)),
        };
        parsed.push((name, duty, phone, email, hours));
    }
    f.finish()?;
    contact::Entity::delete_many().filter(contact::Column::EngagementId.eq(e.id)).exec(&txn).await?;
    for (i, (name, duty, phone, email, hours)) in parsed.into_iter().enumerate() {
        contact::ActiveModel {
            id: Set(Uuid::new_v4()),
            engagement_id: Set(e.id),
            name: Set(name.unwrap_or_default()),
            duty: Set(duty.unwrap_or_default()),
            phone: Set(phone.unwrap_or_default()),
            email: Set(email.unwrap_or_default()),
            hours: Set(hours.unwrap_or_default()),
            position: Set(i as i16),
            updated_by: Set(actor.person_id),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    let count = lines.len();
    AuditEntry::by(actor, meta, AuditAction::ContactsSave, format!("engagement {}", e.id), format!("{count} contacts"))
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await?;
    Ok(count)
}

/// The ids of the plans in reach, by title, a page at a time (for lists).
pub async fn plans_in_reach<C: ConnectionTrait>(db: &C, reader: &ErReader, limit: u64) -> ServiceResult<Vec<plan::Model>> {
    Ok(reader.plans().order_by_asc(plan::Column::Title).limit(limit).all(db).await?)
}
