//! Websites: the scoped list (with the regulator's filters and sorting), one website's page, and
//! an agency's creation and changes of its own websites.
use crate::backend::actor::Acting;
use crate::tenancy::scope::{WebsiteReader, WebsiteWriter};
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, IntoActiveModel,
    JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use time::Date;
use uuid::Uuid;

use super::super::{
    entity::{engagement, organisation, person, website},
    rules::{self, Domain},
    DeploymentModel, EngagementRole, Phase, Role, ServiceModel, WebsiteDetail, WebsiteFilter, WebsiteFlag,
    WebsiteInput, WebsiteRow,
};
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{
        actor::Actor,
        db::write_txn,
        error::{Fields, OnConstraint},
        ServiceError, ServiceResult,
    },
    i18n::Msg,
};

#[derive(Clone, Debug, PartialEq)]
pub struct ValidWebsite {
    pub name: String,
    pub domain: Domain,
    pub level: i16,
    pub service_model: ServiceModel,
    pub deployment_model: DeploymentModel,
    pub phase: Phase,
    pub phase_since: Date,
    pub security_officer_id: Option<Uuid>,
}

impl WebsiteInput {
    /// Every field is checked, so one answer names every bad field.
    pub fn parse(&self, today: Date) -> ServiceResult<ValidWebsite> {
        let mut f = Fields::new();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
            f.refuse("name", Msg::ErrNameRequired);
        }
        let domain = f.check("domain", Domain::parse(&self.domain));
        let level = f.check("protection_level", rules::parse_level(&self.protection_level));
        let service_model = f.check("service_model", ServiceModel::parse(&self.service_model).ok_or(Msg::ErrChoose));
        let deployment_model =
            f.check("deployment_model", DeploymentModel::parse(&self.deployment_model).ok_or(Msg::ErrChoose));
        let phase = f.check("phase", Phase::parse(&self.phase).ok_or(Msg::ErrChoose));
        let phase_since = match self.phase_since.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(today),
            Some(s) => f.check("phase_since", rules::parse_date(s)),
        };
        if phase_since.is_some_and(|d| d > today) {
            f.refuse("phase_since", Msg::ErrDateInFuture);
        }
        let security_officer_id = match self.security_officer_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(None),
            Some(s) => f.check("security_officer_id", Uuid::parse_str(s).map_err(|_| Msg::ErrOfficerInvalid)).map(Some),
        };
        f.finish_with(|| {
            Some(ValidWebsite {
                name: name.to_string(),
                domain: domain?,
                level: level?,
                service_model: service_model?,
                deployment_model: deployment_model?,
                phase: phase?,
                phase_since: phase_since?,
                security_officer_id: security_officer_id?,
            })
        })
    }
}

#[derive(Debug, FromQueryResult)]
struct ListedWebsite {
    id: Uuid,
    agency_id: Uuid,
    agency_name: String,
    name: String,
    domain: String,
    protection_level: i16,
    service_model: String,
    deployment_model: String,
    phase: String,
    phase_since: Date,
    security_officer_id: Option<Uuid>,
    officer_name: Option<String>,
}

fn to_row(w: ListedWebsite, today: Date) -> WebsiteRow {
    let service_model = ServiceModel::parse(&w.service_model).unwrap_or(ServiceModel::Iaas);
    let deployment_model = DeploymentModel::parse(&w.deployment_model).unwrap_or(DeploymentModel::Public);
    let phase = Phase::parse(&w.phase).unwrap_or(Phase::Planning);
    let is_gov = Domain { unicode: w.domain.clone(), ascii: String::new() }.is_government();
    WebsiteRow {
        flags: rules::website_flags(
            is_gov,
            w.protection_level,
            deployment_model,
            phase,
            w.phase_since,
            w.security_officer_id.is_some(),
            today,
        ),
        id: w.id,
        agency_id: w.agency_id,
        agency_name: w.agency_name,
        name: w.name,
        domain: w.domain,
        protection_level: w.protection_level,
        service_model,
        deployment_model,
        phase,
        phase_since: rules::format_date(w.phase_since),
        security_officer: w.officer_name,
    }
}

/// A website's agency, for joins.
fn agency_of_website() -> sea_orm::RelationDef {
    website::Entity::belongs_to(organisation::Entity)
        .from(website::Column::AgencyId)
        .to(organisation::Column::Id)
        .into()
}

fn officer_alias() -> Alias {
    Alias::new("officer")
}

/// Websites of `base` (a capability's select) with their agency's and officer's names, in one query.
fn listed(base: Select<website::Entity>) -> Select<website::Entity> {
    base.select_only()
        .columns([
            website::Column::Id,
            website::Column::AgencyId,
            website::Column::Name,
            website::Column::Domain,
            website::Column::ProtectionLevel,
            website::Column::ServiceModel,
            website::Column::DeploymentModel,
            website::Column::Phase,
            website::Column::PhaseSince,
            website::Column::SecurityOfficerId,
        ])
        .column_as(Expr::col((organisation::Entity, organisation::Column::Name)), "agency_name")
        .column_as(Expr::col((officer_alias(), person::Column::DisplayName)), "officer_name")
        .join(JoinType::InnerJoin, agency_of_website())
        .join_as(
            JoinType::LeftJoin,
            website::Entity::belongs_to(person::Entity)
                .from(website::Column::SecurityOfficerId)
                .to(person::Column::Id)
                .into(),
            officer_alias(),
        )
}

/// The latest trial start that is overdue on `today` (its three months ended before today).
fn last_overdue_start(today: Date) -> Date {
    let mut d = today;
    // add_months never decreases, so at most ~92 steps back.
    while rules::add_months(d, 3) >= today {
        match d.previous_day() {
            Some(p) => d = p,
            None => break,
        }
    }
    d
}

/// The SQL condition for one flag, so filtering by flag happens in the query.
fn flag_condition(flag: WebsiteFlag, today: Date) -> Condition {
    match flag {
        WebsiteFlag::DomainOutsideGov => Condition::all()
            .add(website::Column::DomainAscii.not_like("%.gov.cn"))
            .add(website::Column::DomainAscii.not_like("%.xn--zfr164b.cn"))
            .add(website::Column::DomainAscii.not_like("%.xn--zfr164b")),
        WebsiteFlag::HighLevelOnPublicCloud => Condition::all()
            .add(website::Column::ProtectionLevel.gte(4))
            .add(website::Column::DeploymentModel.eq(DeploymentModel::Public.code())),
        WebsiteFlag::TrialOverdue => Condition::all()
            .add(website::Column::Phase.eq(Phase::Trial.code()))
            .add(website::Column::PhaseSince.lte(last_overdue_start(today))),
        WebsiteFlag::NoSecurityOfficer => Condition::all()
            .add(website::Column::SecurityOfficerId.is_null())
            .add(website::Column::Phase.ne(Phase::Exit.code())),
    }
}

/// Websites on one page of a list.
pub const WEBSITE_PAGE: u64 = 50;

/// The websites in the reader's reach that match the filter, in its order (all of them: the CSV).
pub async fn list_websites(
    db: &DatabaseConnection,
    reader: &WebsiteReader,
    today: Date,
    filter: &WebsiteFilter,
) -> ServiceResult<Vec<WebsiteRow>> {
    let rows = filtered(reader, today, filter)?.into_model::<ListedWebsite>().all(db).await?;
    Ok(rows.into_iter().map(|w| to_row(w, today)).collect())
}

/// One page of the same list, with the count of all that match: (rows, total, page, pages).
pub async fn page_websites(
    db: &DatabaseConnection,
    reader: &WebsiteReader,
    today: Date,
    filter: &WebsiteFilter,
) -> ServiceResult<(Vec<WebsiteRow>, u64, u64, u64)> {
    let query = filtered(reader, today, filter)?;
    let total = count_matching(db, reader, matching(today, filter)?).await?;
    let pages = Ord::max(total.div_ceil(WEBSITE_PAGE), 1);
    let page = filter.page.as_deref().and_then(|p| p.trim().parse::<u64>().ok()).unwrap_or(1).clamp(1, pages);
    let rows =
        query.offset((page - 1) * WEBSITE_PAGE).limit(WEBSITE_PAGE).into_model::<ListedWebsite>().all(db).await?;
    Ok((rows.into_iter().map(|w| to_row(w, today)).collect(), total, page, pages))
}

/// The filters of a list, as one condition over website and its agency (the reach is the
/// reader's select).
fn matching(today: Date, filter: &WebsiteFilter) -> ServiceResult<Condition> {
    let mut cond = Condition::all();
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", q.replace(['%', '_'], ""));
        cond = cond.add(
            Condition::any()
                .add(Expr::col((organisation::Entity, organisation::Column::Name)).like(&pattern))
                .add(website::Column::Name.like(&pattern))
                .add(website::Column::Domain.like(&pattern)),
        );
    }
    if let Some(level) = filter.level.as_deref().filter(|l| !l.is_empty()) {
        let level = rules::parse_level(level).map_err(|m| ServiceError::invalid("level", m))?;
        cond = cond.add(website::Column::ProtectionLevel.eq(level));
    }
    if let Some(phase) = filter.phase.as_deref().filter(|p| !p.is_empty()) {
        let phase = Phase::parse(phase).ok_or(ServiceError::invalid("phase", Msg::ErrChoose))?;
        cond = cond.add(website::Column::Phase.eq(phase.code()));
    }
    if let Some(flag) = filter.flag.as_deref().filter(|f| !f.is_empty()) {
        let flag = WebsiteFlag::parse(flag).ok_or(ServiceError::invalid("flag", Msg::ErrChoose))?;
        cond = cond.add(flag_condition(flag, today));
    }
    Ok(cond)
}

/// How many websites match: the reach and filters over website and its agency only, without the
/// officer's join or any order (which the count does not need).
async fn count_matching(db: &DatabaseConnection, reader: &WebsiteReader, cond: Condition) -> ServiceResult<u64> {
    Ok(reader.websites().join(JoinType::InnerJoin, agency_of_website()).filter(cond).count(db).await?)
}

/// The query of the list: reach, filters and order.
fn filtered(reader: &WebsiteReader, today: Date, filter: &WebsiteFilter) -> ServiceResult<Select<website::Entity>> {
    let mut query = listed(reader.websites()).filter(matching(today, filter)?);
    let sort = filter.sort.as_deref().unwrap_or("agency");
    let (desc, key) = match sort.strip_prefix('-') {
        Some(k) => (true, k),
        None => (false, sort),
    };
    let order = if desc { sea_orm::Order::Desc } else { sea_orm::Order::Asc };
    query = match key {
        "agency" | "" => query.order_by(Expr::col((organisation::Entity, organisation::Column::Name)), order),
        "name" => query.order_by(website::Column::Name, order),
        "domain" => query.order_by(website::Column::Domain, order),
        "level" => query.order_by(website::Column::ProtectionLevel, order),
        "phase" => query.order_by(website::Column::Phase, order),
        _ => return Err(ServiceError::invalid("sort", Msg::ErrChoose)),
    };
    Ok(query.order_by_asc(website::Column::Name).order_by_asc(website::Column::Id))
}

/// The writer's people who may be named its websites' responsible security officer.
pub async fn officer_choices<C: ConnectionTrait>(
    conn: &C,
    writer: &WebsiteWriter,
) -> ServiceResult<Vec<(Uuid, String)>> {
    people_with_officer_role(conn, writer.agency_id()).await
}

async fn people_with_officer_role<C: ConnectionTrait>(conn: &C, agency_id: Uuid) -> ServiceResult<Vec<(Uuid, String)>> {
    let people = crate::tenancy::scope::people_holding(conn, agency_id, &[Role::SecurityOfficer]).await?;
    Ok(people.into_iter().map(|p| (p.id, p.display_name)).collect())
}

/// One website in the reader's reach; anything else is "not found".
pub async fn get_website(
    db: &DatabaseConnection,
    reader: &WebsiteReader,
    actor: &Actor,
    today: Date,
    id: Uuid,
) -> ServiceResult<WebsiteDetail> {
    let w = listed(reader.websites())
        .filter(website::Column::Id.eq(id))
        .into_model::<ListedWebsite>()
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let security_officer_id = w.security_officer_id;
    let agency_id = w.agency_id;
    // Who serves it now: engagements in force that cover it (a provider sees only its own).
    let serving = reader
        .serving(id, today)
        .select_only()
        .column(engagement::Column::Role)
        .column_as(Expr::col((organisation::Entity, organisation::Column::Name)), "provider_name")
        .join(
            JoinType::InnerJoin,
            engagement::Entity::belongs_to(organisation::Entity)
                .from(engagement::Column::ProviderId)
                .to(organisation::Column::Id)
                .into(),
        )
        .order_by_asc(Expr::col((organisation::Entity, organisation::Column::Name)))
        .into_tuple::<(String, String)>()
        .all(db)
        .await?;
    let can_edit = crate::tenancy::scope::website_writer(actor).is_ok_and(|wr| wr.agency_id() == agency_id);
    let officer_choices = if can_edit { people_with_officer_role(db, agency_id).await? } else { Vec::new() };
    Ok(WebsiteDetail {
        website: to_row(w, today),
        security_officer_id,
        providers: serving
            .into_iter()
            .filter_map(|(role, name)| EngagementRole::parse(&role).map(|r| (name, r)))
            .collect(),
        can_edit,
        officer_choices,
    })
}

async fn check_officer<C: ConnectionTrait>(conn: &C, agency_id: Uuid, officer: Option<Uuid>) -> ServiceResult<()> {
    if let Some(id) = officer {
        if !people_with_officer_role(conn, agency_id).await?.iter().any(|(p, _)| *p == id) {
            return Err(ServiceError::invalid("security_officer_id", Msg::ErrOfficerInvalid));
        }
    }
    Ok(())
}

fn describe(v: &ValidWebsite) -> String {
    format!(
        "domain={}; level={}; service={}; deployment={}; phase={} since {}",
        v.domain.unicode,
        v.level,
        v.service_model.code(),
        v.deployment_model.code(),
        v.phase.code(),
        rules::format_date(v.phase_since)
    )
}

/// Adds a website to the writer's agency.
pub async fn create_website(db: &DatabaseConnection, by: &Acting<'_>, today: Date, writer: &WebsiteWriter, input: &WebsiteInput) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let v = input.parse(today)?;
    let txn = write_txn(db).await?;
    check_officer(&txn, writer.agency_id(), v.security_officer_id).await?;
    let id = Uuid::new_v4();
    website::ActiveModel {
        id: Set(id),
        agency_id: Set(writer.agency_id()),
        name: Set(v.name.clone()),
        domain: Set(v.domain.unicode.clone()),
        domain_ascii: Set(v.domain.ascii.clone()),
        protection_level: Set(v.level),
        service_model: Set(v.service_model.code().into()),
        deployment_model: Set(v.deployment_model.code().into()),
        phase: Set(v.phase.code().into()),
        phase_since: Set(v.phase_since),
        security_officer_id: Set(v.security_officer_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .on_unique("domain", Msg::ErrDomainTaken)?;
    AuditEntry::by(actor, meta, AuditAction::WebsiteCreate, format!("website {}", v.name), describe(&v))
        .record(&txn, now)
        .await?;
    crate::backend::epoch::commit_change(txn).await?;
    Ok(id)
}

/// Changes one of the writer's agency's websites; another agency's is "not found".
pub async fn update_website(db: &DatabaseConnection, by: &Acting<'_>, today: Date, writer: &WebsiteWriter, id: Uuid, input: &WebsiteInput) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let v = input.parse(today)?;
    let txn = write_txn(db).await?;
    let w = writer.websites().filter(website::Column::Id.eq(id)).one(&txn).await?.ok_or(ServiceError::NotFound)?;
    check_officer(&txn, writer.agency_id(), v.security_officer_id).await?;
    let before = format!(
        "domain={}; level={}; service={}; deployment={}; phase={} since {}",
        w.domain,
        w.protection_level,
        w.service_model,
        w.deployment_model,
        w.phase,
        rules::format_date(w.phase_since)
    );
    let officer_changed = w.security_officer_id != v.security_officer_id;
    let mut am = w.into_active_model();
    am.name = Set(v.name.clone());
    am.domain = Set(v.domain.unicode.clone());
    am.domain_ascii = Set(v.domain.ascii.clone());
    am.protection_level = Set(v.level);
    am.service_model = Set(v.service_model.code().into());
    am.deployment_model = Set(v.deployment_model.code().into());
    am.phase = Set(v.phase.code().into());
    am.phase_since = Set(v.phase_since);
    am.security_officer_id = Set(v.security_officer_id);
    am.updated_at = Set(now);
    am.update(&txn).await.on_unique("domain", Msg::ErrDomainTaken)?;
    let after = describe(&v);
    let mut summary = if before == after { String::new() } else { format!("{before} → {after}") };
    if officer_changed {
        if !summary.is_empty() {
            summary.push_str("; ");
        }
        summary.push_str(&format!(
            "security officer → {}",
            v.security_officer_id.map(|u| u.to_string()).unwrap_or_else(|| "none".into())
        ));
    }
    if !summary.is_empty() {
        AuditEntry::by(actor, meta, AuditAction::WebsiteUpdate, format!("website {}", v.name), summary)
            .record(&txn, now)
            .await?;
    }
    crate::backend::epoch::commit_change(txn).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn input() -> WebsiteInput {
        WebsiteInput {
            name: "门户网站".into(),
            domain: "www.demo.gov.cn".into(),
            protection_level: "3".into(),
            service_model: "iaas".into(),
            deployment_model: "government".into(),
            phase: "operation".into(),
            phase_since: Some("2025-01-01".into()),
            security_officer_id: None,
        }
    }

    fn field(r: ServiceResult<ValidWebsite>) -> &'static str {
        match r {
            Err(e @ ServiceError::Invalid(_)) => e.first_field().expect("a field").field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let bad = WebsiteInput {
            name: "".into(),
            domain: "not a domain".into(),
            phase: "later".into(),
            phase_since: Some("2099-01-01".into()),
            ..input()
        };
        match bad.parse(date!(2026 - 11 - 25)) {
            Err(ServiceError::Invalid(fields)) => {
                let names: Vec<_> = fields.iter().map(|f| f.field).collect();
                assert_eq!(names, ["name", "domain", "phase", "phase_since"]);
            }
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn website_input_is_parsed_field_by_field() {
        let today = date!(2026 - 11 - 25);
        assert!(input().parse(today).is_ok());
        assert_eq!(field(WebsiteInput { name: " ".into(), ..input() }.parse(today)), "name");
        assert_eq!(field(WebsiteInput { domain: "not a domain".into(), ..input() }.parse(today)), "domain");
        assert_eq!(field(WebsiteInput { protection_level: "6".into(), ..input() }.parse(today)), "protection_level");
        assert_eq!(field(WebsiteInput { service_model: "xaas".into(), ..input() }.parse(today)), "service_model");
        assert_eq!(field(WebsiteInput { phase: "done".into(), ..input() }.parse(today)), "phase");
        assert_eq!(
            field(WebsiteInput { phase_since: Some("2027-01-01".into()), ..input() }.parse(today)),
            "phase_since"
        );
        assert_eq!(
            field(WebsiteInput { security_officer_id: Some("nobody".into()), ..input() }.parse(today)),
            "security_officer_id"
        );
        assert_eq!(WebsiteInput { phase_since: None, ..input() }.parse(today).map(|v| v.phase_since).ok(), Some(today));
    }

    #[test]
    fn the_trial_overdue_condition_matches_the_rule() {
        // The SQL boundary must agree with rules::website_flags: started 2026-08-24 is overdue on 11-25.
        assert_eq!(last_overdue_start(date!(2026 - 11 - 25)), date!(2026 - 08 - 24));
        // Month ends: a trial from Nov 30 runs to Feb 28, so it is overdue from Mar 1.
        assert_eq!(last_overdue_start(date!(2027 - 03 - 01)), date!(2026 - 11 - 30));
        for start in [date!(2026 - 08 - 24), date!(2026 - 11 - 30), date!(2028 - 02 - 29)] {
            for offset in 80..100 {
                let today = start + time::Duration::days(offset);
                let by_rule = rules::add_months(start, 3) < today;
                assert_eq!(start <= last_overdue_start(today), by_rule, "{start} on {today}");
            }
        }
    }
}

/// One agency's websites as the regulator's oversight reads them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WebsiteFacts {
    pub websites: u32,
    /// The highest protection level (0: no website).
    pub top_level: i16,
    /// How many websites are in each phase, in [`Phase::ALL`]'s order.
    pub phases: [u32; 5],
    pub level4_public_cloud: u32,
    pub domain_outside: u32,
    pub trial_overdue: u32,
}

/// Every agency's websites in reach, by agency, with the flags of `today`: one narrow read of the
/// website table (some 20,000 rows for a national regulator), judged by the same rules as the
/// lists.
pub async fn oversight_facts<C: ConnectionTrait>(
    db: &C,
    reader: &WebsiteReader,
    today: Date,
) -> ServiceResult<std::collections::HashMap<Uuid, WebsiteFacts>> {
    type Narrow = (Uuid, i16, String, String, Date, String);
    let rows: Vec<Narrow> = reader
        .websites()
        .select_only()
        .column(website::Column::AgencyId)
        .column(website::Column::ProtectionLevel)
        .column(website::Column::DeploymentModel)
        .column(website::Column::Phase)
        .column(website::Column::PhaseSince)
        .column(website::Column::Domain)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: std::collections::HashMap<Uuid, WebsiteFacts> = std::collections::HashMap::new();
    for (agency, level, deployment, phase, since, domain) in rows {
        let phase = Phase::parse(&phase).unwrap_or(Phase::Planning);
        let deployment = DeploymentModel::parse(&deployment).unwrap_or(DeploymentModel::Public);
        let is_gov = Domain { unicode: domain, ascii: String::new() }.is_government();
        let f = out.entry(agency).or_default();
        f.websites += 1;
        f.top_level = Ord::max(f.top_level, level);
        if let Some(i) = Phase::ALL.iter().position(|p| *p == phase) {
            f.phases[i] += 1;
        }
        // The officer is not read: a website without one is the agency's to fix, not a flag the
        // regulator's score weighs.
        for flag in rules::website_flags(is_gov, level, deployment, phase, since, true, today) {
            match flag {
                WebsiteFlag::HighLevelOnPublicCloud => f.level4_public_cloud += 1,
                WebsiteFlag::DomainOutsideGov => f.domain_outside += 1,
                WebsiteFlag::TrialOverdue => f.trial_overdue += 1,
                WebsiteFlag::NoSecurityOfficer => {}
            }
        }
    }
    Ok(out)
}
