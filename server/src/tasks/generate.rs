//! The scale dataset: a province of regulators, thousands of agencies with their websites,
//! providers and engagements, years of report history, and a year of each agency's duty roster
//! with the duty stood, bulk-inserted for benchmarks.
use std::{path::Path, time::Instant};

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait,
    Statement,
};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::{demo, world};
use app::changes::entity as ch;
use app::exit::entity as ex;
use app::plans::entity as er;
use app::rosters::entity as duty;
use app::sla::entity as sla;
use app::{
    audit::{
        entity::audit_log,
        service::{insertable, AuditEntry, ChainHead},
        AuditAction,
    },
    auth::service::hash_password,
    backend::{db::write_txn, ServiceError, ServiceResult},
    reports::{
        entity::{file, obligation, review, submission, version},
        rules,
        service::kind_for_role,
        Cadence, Decision, ReportKind, SubmissionStatus,
    },
    tenancy::{
        entity::{engagement, engagement_website, organisation, person, person_role, website},
        service::new_person,
        DeploymentModel, EngagementRole, EngagementStatus, OrgKind, Phase, Role, ServiceModel, SupplierSubtype,
    },
};

/// What to generate.
#[derive(Clone, Debug)]
pub struct Plan {
    pub agencies: usize,
    /// Months of report history.
    pub months: u32,
    pub websites_per_agency: usize,
}

impl Default for Plan {
    fn default() -> Self {
        Plan { agencies: 2000, months: 36, websites_per_agency: 10 }
    }
}

/// Regulators in the tree: a province, four prefectures under it, fifteen counties under those.
pub const REGULATORS: usize = 20;

/// What was generated, and how long it took.
#[derive(Debug, Default)]
pub struct Generated {
    pub rows: Vec<(&'static str, u64)>,
    pub files: u64,
    pub file_bytes: u64,
    pub seconds: f64,
}

/// The mail domain of a generated organisation: `<role>@<key>.gen.example`.
pub fn account(role: &str, key: &str) -> String {
    format!("{role}@{key}.gen.example")
}

/// Keys of the generated organisations that the benchmarks sign in as.
pub const TOP_REGULATOR: &str = "reg-00";
pub fn agency_key(i: usize) -> String {
    format!("agency-{i:04}")
}

/// A cheap, stable pseudo-random number from two indexes (the same world every run).
fn mix(a: u64, b: u64) -> u64 {
    let mut x = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_add(0xD1B5_4A32_D192_ED03);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

/// Rows waiting to be inserted, flushed table by table in foreign-key order.
#[derive(Default)]
struct Pending {
    organisations: Vec<organisation::ActiveModel>,
    people: Vec<person::ActiveModel>,
    roles: Vec<person_role::ActiveModel>,
    websites: Vec<website::ActiveModel>,
    engagements: Vec<engagement::ActiveModel>,
    engagement_websites: Vec<engagement_website::ActiveModel>,
    obligations: Vec<obligation::ActiveModel>,
    submissions: Vec<submission::ActiveModel>,
    versions: Vec<version::ActiveModel>,
    files: Vec<file::ActiveModel>,
    reviews: Vec<review::ActiveModel>,
    audit: Vec<audit_log::ActiveModel>,
    rosters: Vec<duty::roster::ActiveModel>,
    rotations: Vec<duty::rotation::ActiveModel>,
    members: Vec<duty::member::ActiveModel>,
    specials: Vec<duty::special::ActiveModel>,
    stood: Vec<duty::stood::ActiveModel>,
    er_plans: Vec<er::plan::ActiveModel>,
    er_versions: Vec<er::version::ActiveModel>,
    er_drills: Vec<er::drill::ActiveModel>,
    er_drill_orgs: Vec<er::drill_org::ActiveModel>,
    er_actions: Vec<er::action::ActiveModel>,
    er_incidents: Vec<er::incident::ActiveModel>,
    er_incident_websites: Vec<er::incident_website::ActiveModel>,
    er_milestones: Vec<er::milestone::ActiveModel>,
    er_entries: Vec<er::entry::ActiveModel>,
    ch_notices: Vec<ch::notice::ActiveModel>,
    ch_revisions: Vec<ch::revision::ActiveModel>,
    ch_agencies: Vec<ch::notice_agency::ActiveModel>,
    ch_websites: Vec<ch::notice_website::ActiveModel>,
    ch_steps: Vec<ch::step::ActiveModel>,
    sla_versions: Vec<sla::version::ActiveModel>,
    sla_records: Vec<sla::record::ActiveModel>,
    sla_record_sites: Vec<sla::record_site::ActiveModel>,
    sla_measures: Vec<sla::measure::ActiveModel>,
    exits: Vec<ex::exit::ActiveModel>,
    exit_steps: Vec<ex::step::ActiveModel>,
    exit_items: Vec<ex::item::ActiveModel>,
}

/// Inserts `rows` in statements of at most ~20,000 bound values (under both databases' limits).
async fn insert_all<C, A>(
    conn: &C,
    rows: &mut Vec<A>,
    columns: usize,
    counts: &mut Vec<(&'static str, u64)>,
    name: &'static str,
) -> ServiceResult<()>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + Send,
{
    let per = (20_000 / columns).max(1);
    let n = rows.len() as u64;
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(per));
        let chunk = std::mem::replace(rows, rest);
        <A::Entity as EntityTrait>::insert_many(chunk).exec_without_returning(conn).await?;
    }
    match counts.iter_mut().find(|(k, _)| *k == name) {
        Some((_, c)) => *c += n,
        None => counts.push((name, n)),
    }
    Ok(())
}

impl Pending {
    async fn flush<C: ConnectionTrait>(
        &mut self,
        conn: &C,
        counts: &mut Vec<(&'static str, u64)>,
    ) -> ServiceResult<()> {
        insert_all(conn, &mut self.organisations, 7, counts, "organisation").await?;
        insert_all(conn, &mut self.people, 15, counts, "person").await?;
        insert_all(conn, &mut self.roles, 2, counts, "person_role").await?;
        insert_all(conn, &mut self.websites, 13, counts, "website").await?;
        insert_all(conn, &mut self.engagements, 15, counts, "engagement").await?;
        insert_all(conn, &mut self.engagement_websites, 2, counts, "engagement_website").await?;
        insert_all(conn, &mut self.obligations, 12, counts, "report_obligation").await?;
        insert_all(conn, &mut self.submissions, 8, counts, "report_submission").await?;
        insert_all(conn, &mut self.versions, 8, counts, "report_version").await?;
        insert_all(conn, &mut self.files, 6, counts, "report_file").await?;
        insert_all(conn, &mut self.reviews, 7, counts, "report_review").await?;
        insert_all(conn, &mut self.audit, 12, counts, "audit_log").await?;
        insert_all(conn, &mut self.rosters, 13, counts, "roster").await?;
        insert_all(conn, &mut self.rotations, 15, counts, "roster_rotation").await?;
        insert_all(conn, &mut self.members, 5, counts, "roster_member").await?;
        insert_all(conn, &mut self.specials, 18, counts, "roster_special").await?;
        insert_all(conn, &mut self.stood, 10, counts, "duty_stood").await?;
        insert_all(conn, &mut self.er_plans, 9, counts, "er_plan").await?;
        insert_all(conn, &mut self.er_versions, 16, counts, "er_plan_version").await?;
        insert_all(conn, &mut self.er_drills, 10, counts, "er_drill").await?;
        insert_all(conn, &mut self.er_drill_orgs, 2, counts, "er_drill_org").await?;
        insert_all(conn, &mut self.er_actions, 13, counts, "er_action").await?;
        insert_all(conn, &mut self.er_incidents, 21, counts, "er_incident").await?;
        insert_all(conn, &mut self.er_incident_websites, 2, counts, "er_incident_website").await?;
        insert_all(conn, &mut self.er_milestones, 7, counts, "er_milestone").await?;
        insert_all(conn, &mut self.er_entries, 9, counts, "er_entry").await?;
        insert_all(conn, &mut self.ch_notices, 26, counts, "ch_notice").await?;
        insert_all(conn, &mut self.ch_revisions, 18, counts, "ch_revision").await?;
        insert_all(conn, &mut self.ch_agencies, 3, counts, "ch_agency").await?;
        insert_all(conn, &mut self.ch_websites, 3, counts, "ch_website").await?;
        insert_all(conn, &mut self.ch_steps, 12, counts, "ch_step").await?;
        insert_all(conn, &mut self.sla_versions, 35, counts, "sla_version").await?;
        insert_all(conn, &mut self.sla_records, 21, counts, "sla_record").await?;
        insert_all(conn, &mut self.sla_record_sites, 2, counts, "sla_record_site").await?;
        insert_all(conn, &mut self.sla_measures, 10, counts, "sla_measure").await?;
        insert_all(conn, &mut self.exits, 30, counts, "exit").await?;
        insert_all(conn, &mut self.exit_steps, 10, counts, "exit_step").await?;
        insert_all(conn, &mut self.exit_items, 23, counts, "exit_item").await?;
        Ok(())
    }
}

/// The audit chain as it grows, written through the services' own chain writer.
struct Chain {
    head: ChainHead,
}

impl Chain {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        out: &mut Vec<audit_log::ActiveModel>,
        at: OffsetDateTime,
        actor: Option<Uuid>,
        organisation_id: Option<Uuid>,
        action: AuditAction,
        target: String,
        summary: String,
    ) -> ServiceResult<()> {
        let row = self.head.next(
            at,
            AuditEntry {
                actor_person_id: actor,
                actor_email: actor.is_none().then(|| "generate".to_string()),
                organisation_id,
                action,
                target,
                summary,
                source_addr: None,
                user_agent: None,
            },
        )?;
        out.push(insertable(row));
        Ok(())
    }
}

/// An organisation with its five people (one per demo role); returns the organisation's id, its
/// administrator's and its security officer's.
#[allow(clippy::too_many_arguments)]
fn org_with_people(
    p: &mut Pending,
    now: OffsetDateTime,
    hash: &str,
    key: &str,
    name: String,
    kind: OrgKind,
    subtype: Option<SupplierSubtype>,
    regulator_id: Option<Uuid>,
) -> (Uuid, Uuid, Uuid) {
    let id = Uuid::new_v4();
    p.organisations.push(organisation::ActiveModel {
        id: Set(id),
        name: Set(name),
        kind: Set(kind.code().into()),
        supplier_subtype: Set(subtype.map(|s| s.code().into())),
        active: Set(true),
        regulator_id: Set(regulator_id),
        created_at: Set(now),
        second_factor_required: Set(false),
    });
    let (mut admin, mut officer) = (id, id);
    for (local, role) in world::ROLES {
        let pid = Uuid::new_v4();
        match role {
            Role::OrgAdmin => admin = pid,
            Role::SecurityOfficer => officer = pid,
            _ => {}
        }
        p.people.push(new_person(
            pid,
            id,
            &account(local, key),
            &format!("{local} {key}"),
            hash.to_string(),
            false,
            now,
        ));
        p.roles.push(person_role::ActiveModel { person_id: Set(pid), role: Set(role.code().into()) });
    }
    (id, admin, officer)
}

/// Fills an empty database with the scale world; small report files go under `files_root`.
/// Every demo account's password works for the generated people too.
pub async fn generate(
    db: &DatabaseConnection,
    files_root: &Path,
    now: OffsetDateTime,
    plan: &Plan,
) -> ServiceResult<Generated> {
    let started = Instant::now();
    if plan.agencies == 0 || plan.months == 0 {
        return Err(ServiceError::Internal("generate needs at least one agency and one month".into()));
    }
    let txn = write_txn(db).await?;
    if organisation::Entity::find().count(&txn).await? > 0 || person::Entity::find().count(&txn).await? > 0 {
        return Err(ServiceError::Internal(
            "generate only fills an empty database (this one already has organisations or people)".into(),
        ));
    }
    let hash = hash_password(demo::DEMO_PASSWORD)?;
    let mut chain = Chain { head: ChainHead::read(&txn).await? };
    let mut counts = Vec::new();
    let mut p = Pending::default();
    let today = now.date();
    let began = now - Duration::days(i64::from(plan.months) * 31 + 60);

    // The platform operator.
    let (platform, platform_admin, _) =
        org_with_people(&mut p, began, &hash, "platform", demo::PLATFORM_ORG.into(), OrgKind::Platform, None, None);
    p.roles.push(person_role::ActiveModel {
        person_id: Set(platform_admin),
        role: Set(Role::PlatformAdmin.code().into()),
    });
    // Regulators: 0 is the province, 1–4 prefectures under it, the rest counties under those.
    let mut regulators: Vec<(Uuid, Uuid, Uuid)> = Vec::with_capacity(REGULATORS);
    for r in 0..REGULATORS {
        let parent = match r {
            0 => None,
            1..=4 => Some(regulators[0].0),
            _ => Some(regulators[1 + (r - 5) % 4].0),
        };
        let name = match r {
            0 => "生成省网信办".to_string(),
            1..=4 => format!("生成省第{r}市网信办"),
            _ => format!("生成省第{}市第{}县网信办", 1 + (r - 5) % 4, r),
        };
        regulators.push(org_with_people(
            &mut p,
            began,
            &hash,
            &format!("reg-{r:02}"),
            name,
            OrgKind::Regulator,
            None,
            parent,
        ));
    }
    // Providers, in proportion to the agencies.
    let n_csp = (plan.agencies / 50).max(3);
    let n_sup = (plan.agencies / 25).max(3);
    let n_ass = (plan.agencies / 200).max(2);
    let csps: Vec<(Uuid, Uuid, Uuid)> = (0..n_csp)
        .map(|i| {
            org_with_people(
                &mut p,
                began,
                &hash,
                &format!("csp-{i:03}"),
                format!("生成云服务第{i}有限公司"),
                OrgKind::Csp,
                None,
                None,
            )
        })
        .collect();
    let subtypes = [
        (SupplierSubtype::Developer, EngagementRole::Developer),
        (SupplierSubtype::Integrator, EngagementRole::Integrator),
        (SupplierSubtype::SecurityService, EngagementRole::SecurityService),
    ];
    let suppliers: Vec<(Uuid, Uuid, EngagementRole)> = (0..n_sup)
        .map(|i| {
            let (subtype, role) = subtypes[i % subtypes.len()];
            let (id, _, officer) = org_with_people(
                &mut p,
                began,
                &hash,
                &format!("sup-{i:03}"),
                format!("生成信息技术第{i}有限公司"),
                OrgKind::Supplier,
                Some(subtype),
                None,
            );
            (id, officer, role)
        })
        .collect();
    let assessors: Vec<(Uuid, Uuid, Uuid)> = (0..n_ass)
        .map(|i| {
            org_with_people(
                &mut p,
                began,
                &hash,
                &format!("ass-{i:03}"),
                format!("生成测评第{i}中心"),
                OrgKind::Assessor,
                None,
                None,
            )
        })
        .collect();
    chain.push(
        &mut p.audit,
        began,
        None,
        Some(platform),
        AuditAction::OrganisationCreate,
        "generated world".into(),
        format!(
            "{} regulators, {} agencies, {} CSPs, {} suppliers, {} assessors (generated)",
            REGULATORS, plan.agencies, n_csp, n_sup, n_ass
        ),
    )?;
    p.flush(&txn, &mut counts).await?;

    let mut files = 0u64;
    let mut file_bytes = 0u64;
    let mut obligation_no = 0u64;
    // Each CSP's agencies, for its change notices: (agency, a website, the agency's regulator).
    let mut served: Vec<Vec<(Uuid, Uuid, Uuid)>> = vec![Vec::new(); n_csp];
    for a in 0..plan.agencies {
        let key = agency_key(a);
        let (regulator, _, regulator_officer) = regulators[a % REGULATORS];
        let (agency, agency_admin, agency_officer) = org_with_people(
            &mut p,
            began,
            &hash,
            &key,
            format!("生成市第{a:04}号政府部门"),
            OrgKind::Agency,
            None,
            Some(regulator),
        );
        let mut sites = Vec::with_capacity(plan.websites_per_agency);
        for w in 0..plan.websites_per_agency {
            let id = Uuid::new_v4();
            let h = mix(a as u64, w as u64);
            let domain = format!("w{w}.a{a:04}.gen.gov.cn");
            p.websites.push(website::ActiveModel {
                id: Set(id),
                agency_id: Set(agency),
                name: Set(format!("生成第{a:04}号部门网站{w}")),
                domain: Set(domain.clone()),
                domain_ascii: Set(domain),
                protection_level: Set(if h.is_multiple_of(4) { 3 } else { 2 }),
                service_model: Set([ServiceModel::Iaas, ServiceModel::Paas, ServiceModel::Saas][(h % 3) as usize]
                    .code()
                    .into()),
                deployment_model: Set([
                    DeploymentModel::Government,
                    DeploymentModel::Private,
                    DeploymentModel::Community,
                ][(h / 3 % 3) as usize]
                    .code()
                    .into()),
                phase: Set(if h.is_multiple_of(17) { Phase::Trial } else { Phase::Operation }.code().into()),
                phase_since: Set(today - Duration::days(30 + (h % 900) as i64)),
                security_officer_id: Set(Some(agency_officer)),
                created_at: Set(began),
                updated_at: Set(began),
            });
            sites.push(id);
        }
        // A CSP for every website, a supplier for two, an assessor for every fourth agency.
        let mut engaged: Vec<(Uuid, Uuid, EngagementRole, &[Uuid])> = vec![
            (csps[a % n_csp].0, csps[a % n_csp].2, EngagementRole::Csp, &sites[..]),
            (suppliers[a % n_sup].0, suppliers[a % n_sup].1, suppliers[a % n_sup].2, &sites[..sites.len().min(2)]),
        ];
        if a % 4 == 0 {
            engaged.push((
                assessors[a % n_ass].0,
                assessors[a % n_ass].2,
                EngagementRole::Assessor,
                &sites[..sites.len().min(3)],
            ));
        }
        let mut owed = Vec::new();
        let mut supplier_engagement = None;
        for (provider, provider_officer, role, covered) in engaged {
            let id = Uuid::new_v4();
            if !matches!(role, EngagementRole::Csp | EngagementRole::Assessor) {
                supplier_engagement = Some(id);
            }
            if role == EngagementRole::Csp {
                sla_years(&mut p, a, (id, agency, provider), (agency_officer, provider_officer), covered, began, now)?;
            }
            p.engagements.push(engagement::ActiveModel {
                id: Set(id),
                agency_id: Set(agency),
                provider_id: Set(provider),
                role: Set(role.code().into()),
                status: Set(EngagementStatus::Active.code().into()),
                starts_on: Set(began.date()),
                ends_on: Set(today + Duration::days(700)),
                nda_signed_on: Set(Some(began.date())),
                nda_signed_by: Set(Some("双方法定代表人".into())),
                change_notice_days: Set(if role == EngagementRole::Csp { 30 } else { 0 }),
                invited_by: Set(agency_officer),
                invited_at: Set(began),
                answered_at: Set(Some(began)),
                ended_at: Set(None),
                ended_by_org: Set(None),
                closing_reason: Set(None),
            });
            for w in covered {
                p.engagement_websites
                    .push(engagement_website::ActiveModel { engagement_id: Set(id), website_id: Set(*w) });
            }
            owed.push((kind_for_role(role), provider, provider_officer, agency, agency_officer, Some(id)));
        }
        exit_history(
            &mut p,
            a,
            ExitOf { agency, officer: agency_officer, sites: &sites, began },
            (suppliers[(a + 1) % n_sup].0, suppliers[(a + 1) % n_sup].1, suppliers[(a + 1) % n_sup].2),
            supplier_engagement.map(|e| (e, suppliers[a % n_sup].0, suppliers[a % n_sup].1)),
            now,
        );
        owed.push((ReportKind::SelfCheck, agency, agency_officer, regulator, regulator_officer, None));
        for (kind, submitter, submitted_by, receiver, reviewer, engagement_id) in owed {
            obligation_no += 1;
            let (f, b) = history(
                &mut p,
                &mut chain,
                files_root,
                now,
                plan.months,
                obligation_no,
                HistoryOf { kind, submitter, submitted_by, receiver, reviewer, agency, engagement_id },
            )
            .await?;
            files += f;
            file_bytes += b;
        }
        duty_year(&mut p, a, agency, agency_admin, agency_officer, now)?;
        served[a % n_csp].push((agency, sites[0], regulator));
        emergency_years(
            &mut p,
            a,
            Served { agency, admin: agency_admin, officer: agency_officer, csp: csps[a % n_csp].0, site: sites[0] },
            now,
        );
        // Flush every 50 agencies: bounded memory, big statements.
        if a % 50 == 49 {
            p.flush(&txn, &mut counts).await?;
        }
    }
    for (i, (csp, csp_admin, _)) in csps.iter().enumerate() {
        change_years(&mut p, i, (*csp, *csp_admin), &served[i], now);
        if i % 10 == 9 {
            p.flush(&txn, &mut counts).await?;
        }
    }
    p.flush(&txn, &mut counts).await?;
    chain.head.store(&txn).await?;
    // What changed is read by cached views: they read again (here and on other instances).
    app::backend::epoch::bump(&txn).await?;
    txn.commit().await?;
    let zone = app::backend::time_fmt::DEFAULT_TIME_ZONE;
    app::reports::service::open_periods(db, app::backend::time_fmt::date_in_zone(now, zone), zone).await?;
    let issued = sla_reports(db, now).await?;
    counts.push(("sla_month", issued));
    // Fresh statistics, so the planner knows the tables' real sizes from the first query.
    db.execute_unprepared("ANALYZE").await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await?;
    }
    Ok(Generated { rows: counts, files, file_bytes, seconds: started.elapsed().as_secs_f64() })
}

/// What an agency's exits are written with.
struct ExitOf<'a> {
    agency: Uuid,
    officer: Uuid,
    sites: &'a [Uuid],
    began: OffsetDateTime,
}

/// Exits at scale: every tenth agency left a former supplier about a year ago (an ended
/// engagement, a completed exit with its agreed plan, a verified inventory and the deletion
/// confirmed); every twenty-fifth is leaving its current supplier now, mid-handover, with one step
/// past its date and one item mismatched — what the exit list, a regulator's overdue count and the
/// reminders read.
fn exit_history(
    p: &mut Pending,
    a: usize,
    of: ExitOf<'_>,
    former: (Uuid, Uuid, EngagementRole),
    current: Option<(Uuid, Uuid, Uuid)>,
    now: OffsetDateTime,
) {
    use app::exit::{CheckedHow, ExitReason, ExitStatus, ItemKind, Sensitivity, Side, Verification};
    let today = now.date();
    let sha = |n: u64| hex::encode(Sha256::digest(format!("exit item {a} {n}").as_bytes()));
    // Mid-handover: the plan agreed by both sides a few days after opening.
    let exit_row = |id: Uuid, engagement: Uuid, provider: Uuid, opened: OffsetDateTime| {
        let mut e = app::exit::service::new_exit(id, (engagement, of.agency, provider), of.officer, opened);
        e.open_engagement_id = Set(None);
        e.status = Set(ExitStatus::Handover.code().into());
        e.plan_agreed_agency_at = Set(Some(opened + Duration::days(5)));
        e.plan_agreed_provider_at = Set(Some(opened + Duration::days(6)));
        e.updated_at = Set(opened + Duration::days(6));
        e
    };
    let step = |exit: Uuid,
                position: i32,
                title: &str,
                owner: Side,
                due: time::Date,
                done: Option<(OffsetDateTime, Uuid)>,
                opened: OffsetDateTime| {
        ex::step::ActiveModel {
            id: Set(Uuid::new_v4()),
            exit_id: Set(exit),
            position: Set(position),
            title: Set(title.into()),
            owner: Set(owner.code().into()),
            due_on: Set(due),
            done_at: Set(done.map(|d| d.0)),
            done_by: Set(done.map(|d| d.1)),
            added_by: Set(of.officer),
            added_at: Set(opened),
        }
    };
    let item = |exit: Uuid,
                position: i32,
                kind: ItemKind,
                name: &str,
                verification: Verification,
                checked: Option<(String, OffsetDateTime)>,
                by: Uuid,
                at: OffsetDateTime| {
        let declared = sha(u64::from(position as u32) + (exit.as_u128() as u64 & 0xffff));
        ex::item::ActiveModel {
            id: Set(Uuid::new_v4()),
            exit_id: Set(exit),
            position: Set(position),
            kind: Set(kind.code().into()),
            name: Set(name.into()),
            description: Set(format!("{name}（生成数据）")),
            format: Set(match kind {
                ItemKind::Data => "PostgreSQL dump",
                ItemKind::Code => "tar.gz",
                _ => "PDF",
            }
            .into()),
            size_bytes: Set(1_048_576 * i64::from(position + 1)),
            sha256: Set(declared.clone()),
            sensitivity: Set(if kind == ItemKind::Data { Sensitivity::Important } else { Sensitivity::General }
                .code()
                .into()),
            medium: Set(format!("加密移动硬盘交接（编号 G-{a:04}-{position}）")),
            file_sha256: Set(None),
            file_name: Set(None),
            file_type: Set(None),
            file_size: Set(0),
            verification: Set(verification.code().into()),
            checked_how: Set(checked.as_ref().map(|_| CheckedHow::Typed.code().into())),
            checked_sha256: Set(checked.as_ref().map(|(c, _)| if c.is_empty() { declared.clone() } else { c.clone() })),
            checked_at: Set(checked.as_ref().map(|(_, t)| *t)),
            checked_by: Set(checked.as_ref().map(|_| of.officer)),
            added_by: Set(by),
            added_at: Set(at),
            updated_at: Set(at),
        }
    };
    if a.is_multiple_of(10) {
        // A completed exit from a former supplier: its engagement ended with the exit.
        let (provider, provider_officer, role) = former;
        let ended = now - Duration::days(330);
        let opened = ended - Duration::days(90);
        let engagement = Uuid::new_v4();
        p.engagements.push(engagement::ActiveModel {
            id: Set(engagement),
            agency_id: Set(of.agency),
            provider_id: Set(provider),
            role: Set(role.code().into()),
            status: Set(EngagementStatus::Ended.code().into()),
            starts_on: Set(of.began.date()),
            ends_on: Set(ended.date()),
            nda_signed_on: Set(Some(of.began.date())),
            nda_signed_by: Set(Some("双方法定代表人".into())),
            change_notice_days: Set(0),
            invited_by: Set(of.officer),
            invited_at: Set(of.began),
            answered_at: Set(Some(of.began)),
            ended_at: Set(Some(ended)),
            ended_by_org: Set(Some(of.agency)),
            closing_reason: Set(Some("服务退出完成".into())),
        });
        for w in of.sites.iter().take(1) {
            p.engagement_websites
                .push(engagement_website::ActiveModel { engagement_id: Set(engagement), website_id: Set(*w) });
        }
        let id = Uuid::new_v4();
        let mut e = exit_row(id, engagement, provider, opened);
        e.target_date = Set(ended.date());
        e.status = Set(ExitStatus::Completed.code().into());
        e.deletion_plan = Set("交接核验完毕后删除全部生产数据与备份副本，出具删除证明。".into());
        e.deletion_plan_at = Set(Some(opened + Duration::days(60)));
        e.data_deleted_on = Set(Some((ended - Duration::days(5)).date()));
        e.backups_deleted_on = Set(Some((ended - Duration::days(3)).date()));
        e.deletion_confirmed_at = Set(Some(ended - Duration::days(2)));
        e.deletion_confirmed_by = Set(Some(provider_officer));
        e.completed_at = Set(Some(ended));
        e.closing_reason = Set("服务退出完成".into());
        e.updated_at = Set(ended);
        p.exits.push(e);
        for (i, (title, owner)) in
            [("导出业务数据", Side::Provider), ("移交源代码与文档", Side::Provider), ("核验移交清单", Side::Agency)]
                .into_iter()
                .enumerate()
        {
            let due = (opened + Duration::days(20 * (i as i64 + 1))).date();
            let by = if owner == Side::Provider { provider_officer } else { of.officer };
            p.exit_steps.push(step(
                id,
                i as i32,
                title,
                owner,
                due,
                Some((opened + Duration::days(18 * (i as i64 + 1)), by)),
                opened,
            ));
        }
        for (i, (kind, name)) in
            [(ItemKind::Data, "业务数据库"), (ItemKind::Code, "网站源代码"), (ItemKind::Document, "运维文档")]
                .into_iter()
                .enumerate()
        {
            let at = opened + Duration::days(30);
            p.exit_items.push(item(
                id,
                i as i32,
                kind,
                name,
                Verification::Verified,
                Some((String::new(), at + Duration::days(5))),
                provider_officer,
                at,
            ));
        }
    }
    if let Some((engagement, provider, provider_officer)) = current.filter(|_| a % 25 == 3) {
        // Leaving the current supplier now: mid-handover, one step late, one item mismatched.
        let opened = now - Duration::days(40);
        let id = Uuid::new_v4();
        let mut e = exit_row(id, engagement, provider, opened);
        e.open_engagement_id = Set(Some(engagement));
        e.reason = Set(ExitReason::ProviderChange.code().into());
        e.new_provider = Set("新选定的服务商".into());
        e.target_date = Set(today + Duration::days(20));
        p.exits.push(e);
        for (i, (title, owner, due)) in [
            ("导出业务数据", Side::Provider, today - Duration::days(10)),
            ("移交源代码与文档", Side::Provider, today + Duration::days(5)),
            ("核验移交清单", Side::Agency, today + Duration::days(15)),
        ]
        .into_iter()
        .enumerate()
        {
            p.exit_steps.push(step(id, i as i32, title, owner, due, None, opened));
        }
        let at = opened + Duration::days(10);
        let checked = |c: &str| Some((c.to_string(), at + Duration::days(2)));
        for (i, (kind, name, v, c)) in [
            (ItemKind::Data, "业务数据库", Verification::Verified, checked("")),
            (ItemKind::Code, "网站源代码", Verification::Verified, checked("")),
            (ItemKind::Document, "运维文档", Verification::Mismatch, checked(&"0".repeat(64))),
            (ItemKind::Data, "日志归档", Verification::Pending, None),
        ]
        .into_iter()
        .enumerate()
        {
            p.exit_items.push(item(id, i as i32, kind, name, v, c, provider_officer, at));
        }
    }
}

/// An engagement's SLA from its first day: accepted terms (the typical annex), and each month's
/// outages, faults and a maintenance window — most confirmed, a few disputed, this month's still
/// awaiting review — so the months, the years and a regulator's breaches have something to sum.
fn sla_years(
    p: &mut Pending,
    a: usize,
    (engagement_id, agency, csp): (Uuid, Uuid, Uuid),
    (agency_officer, csp_officer): (Uuid, Uuid),
    sites: &[Uuid],
    began: OffsetDateTime,
    now: OffsetDateTime,
) -> ServiceResult<()> {
    use app::sla::{service::agreements::version_row, RecordClass, RecordKind, Review, VersionStatus};
    let mut f = app::backend::error::Fields::new();
    let terms = app::sla::AgreementInput::typical(&began.date().to_string());
    let parsed = app::sla::service::parse_agreement(&mut f, &terms, "Asia/Shanghai")
        .ok_or_else(|| ServiceError::Internal("the typical SLA terms do not parse".into()))?;
    let mut v = version_row(&parsed, (engagement_id, agency, csp), 1, (agency_officer, agency), began);
    v.status = Set(VersionStatus::Accepted.code().into());
    v.answered_by = Set(Some(csp_officer));
    v.answered_at = Set(Some(began));
    p.sla_versions.push(v);
    if sites.is_empty() {
        return Ok(());
    }
    let push = |p: &mut Pending,
                kind: RecordKind,
                class: RecordClass,
                start: OffsetDateTime,
                minutes: i64,
                site: Uuid,
                h: u64| {
        let end = start + Duration::minutes(minutes);
        if end > now {
            return;
        }
        let id = Uuid::new_v4();
        let fault = kind == RecordKind::Fault;
        let recent = now - start < Duration::days(20);
        let review = if recent {
            Review::Pending
        } else if h.is_multiple_of(23) {
            Review::Disputed
        } else {
            Review::Confirmed
        };
        let by = if fault || !h.is_multiple_of(3) { (csp_officer, csp) } else { (agency_officer, agency) };
        p.sla_records.push(sla::record::ActiveModel {
            id: Set(id),
            engagement_id: Set(engagement_id),
            agency_id: Set(agency),
            csp_id: Set(csp),
            kind: Set(kind.code().into()),
            class: Set(class.code().into()),
            started_at: Set(start),
            ended_at: Set(Some(end)),
            responded_at: Set(fault.then(|| start + Duration::minutes(10 + (h % 20) as i64))),
            resolved_at: Set(fault.then_some(end)),
            cause: Set(match kind {
                RecordKind::Maintenance => "例行维护窗口".into(),
                RecordKind::Fault => "应用服务故障".into(),
                RecordKind::Outage => "资源池设备故障".into(),
            }),
            source: Set(if h.is_multiple_of(2) { "api" } else { "entered" }.into()),
            notice_id: Set(None),
            recorded_by: Set(by.0),
            recorded_org: Set(by.1),
            recorded_at: Set(end),
            review: Set(review.code().into()),
            reviewed_by: Set((review != Review::Pending).then_some(if by.1 == csp {
                agency_officer
            } else {
                csp_officer
            })),
            reviewed_at: Set((review != Review::Pending).then_some(end + Duration::days(1))),
            review_comment: Set(if review == Review::Disputed {
                "监控数据与记录不符".into()
            } else {
                String::new()
            }),
            updated_at: Set(end),
        });
        p.sla_record_sites.push(sla::record_site::ActiveModel { record_id: Set(id), website_id: Set(site) });
    };
    // Measured entries: every month a restore test and both retention checks, two trainings a
    // year, and the daily backup runs of the last 60 days (three years of them for every
    // engagement would be two million rows that no view reads at once).
    let measure =
        |p: &mut Pending, kind: app::sla::MeasureKind, day: time::Date, passed: bool, oldest: Option<time::Date>| {
            p.sla_measures.push(sla::measure::ActiveModel {
                id: Set(Uuid::new_v4()),
                engagement_id: Set(engagement_id),
                kind: Set(kind.code().into()),
                on_day: Set(day),
                passed: Set(passed),
                oldest: Set(oldest),
                note: Set(String::new()),
                recorded_by: Set(csp_officer),
                recorded_org: Set(csp),
                recorded_at: Set(now),
            });
        };
    let (first_day, today) = (began.date(), now.date());
    {
        use app::sla::MeasureKind as K;
        let mut day = first_day.max(today - Duration::days(60));
        while day < today {
            measure(p, K::Backup, day, !mix(a as u64 ^ 0xBAC, day.to_julian_day() as u64).is_multiple_of(97), None);
            day = day.next_day().unwrap_or(today);
        }
        for k in 0.. {
            let day = first_day + Duration::days(30 * k + 20);
            if day >= today {
                break;
            }
            let g = mix(a as u64 ^ 0xC4E, k as u64);
            measure(p, K::RestoreTest, day, !g.is_multiple_of(13), None);
            measure(p, K::BackupCheck, day, true, Some(day - Duration::days(28 + (g % 10) as i64)));
            measure(p, K::LogCheck, day, true, Some(day - Duration::days(170 + ((g >> 8) % 30) as i64)));
            if k % 6 == 2 {
                measure(p, K::Training, day, true, None);
            }
        }
    }
    let blocks = (now - began).whole_days() / 30;
    for k in 0..blocks {
        let h = mix(a as u64 ^ 0x51A, k as u64);
        let block = began + Duration::days(30 * k);
        // 0–3 outages of 5 minutes to 4 hours, each on one website and one class.
        for o in 0..(h % 4) {
            let g = mix(h, o);
            let class = [RecordClass::Power, RecordClass::Network, RecordClass::Server][(g % 3) as usize];
            let start = block + Duration::days((g >> 8) as i64 % 28) + Duration::minutes((g >> 16) as i64 % 1440);
            push(
                p,
                RecordKind::Outage,
                class,
                start,
                5 + (g >> 24) as i64 % 240,
                sites[(g >> 32) as usize % sites.len()],
                g,
            );
        }
        // A fault every third month, resolved in one to eight hours (a level-1 target is four).
        if k % 3 == (a as i64) % 3 {
            let g = mix(h, 99);
            let class = if g.is_multiple_of(2) { RecordClass::Level1 } else { RecordClass::Level2 };
            let start = block + Duration::days(3 + (g >> 8) as i64 % 20) + Duration::hours(9);
            push(p, RecordKind::Fault, class, start, 60 + (g >> 16) as i64 % 420, sites[0], g);
        }
        // The monthly maintenance window, two hours on the 15th at 02:00 Beijing.
        push(
            p,
            RecordKind::Maintenance,
            RecordClass::Planned,
            block + Duration::days(14) + Duration::hours(18),
            120,
            sites[0],
            h | 1,
        );
    }
    Ok(())
}

/// Each generated SLA's kept days computed from its records, and every ended month's report
/// issued, as the month-close job would (without its mail: nobody reads a generated outbox).
async fn sla_reports(db: &DatabaseConnection, now: OffsetDateTime) -> ServiceResult<u64> {
    use app::sla::{
        rules::Stretch,
        service::{days, months},
    };
    use sea_orm::{ColumnTrait, QueryFilter};
    let ids: Vec<Uuid> = sla::version::Entity::find().all(db).await?.into_iter().map(|v| v.engagement_id).collect();
    let calendar = app::changes::service::work_calendar(db).await?;
    let mut issued = 0u64;
    for chunk in ids.chunks(100) {
        let txn = write_txn(db).await?;
        for e in engagement::Entity::find().filter(engagement::Column::Id.is_in(chunk.to_vec())).all(&txn).await? {
            days::refresh(&txn, &e, &[Stretch { start: 0, end: days::FAR }]).await?;
            issued += months::close_ended(&txn, &e, now, &calendar).await?.len() as u64;
        }
        txn.commit().await?;
    }
    Ok(issued)
}

/// A generated step: what, by whom, when, its text, and an implementation's actual window.
type GenStep = (app::changes::StepKind, Uuid, OffsetDateTime, String, Option<(OffsetDateTime, OffsetDateTime)>);

/// Two years of one CSP's change notices, two a month, each to a few of the agencies it serves:
/// the old ones gone the whole way (answered, approved where needed, implemented, assessed,
/// closed), the recent ones still open — some agencies yet to answer, regulators yet to decide,
/// an assessment owed — with the status read from the steps by the module's own rules.
fn change_years(
    p: &mut Pending,
    c: usize,
    (csp, admin): (Uuid, Uuid),
    served: &[(Uuid, Uuid, Uuid)],
    now: OffsetDateTime,
) {
    use app::changes::{
        rules::{self, Audience, StepFact, Terms},
        ChangeType, NoticeStatus, StepKind,
    };
    if served.is_empty() {
        return;
    }
    let terms = serde_json::to_string(&Terms::DEFAULT).unwrap_or_default();
    for i in 0..48usize {
        let h = |k: u64| mix((c * 1000 + i) as u64, k);
        let submitted = now - Duration::days(730 - (i as i64) * 15) + Duration::hours((h(1) % 8) as i64);
        let kind = match h(2) % 10 {
            0 | 1 => ChangeType::Adaptive,
            2 => ChangeType::ImpactChanging,
            _ => ChangeType::Transformative,
        };
        let category = match kind {
            ChangeType::Adaptive => ["capacity", "planned_interruption", "technical"][(h(3) % 3) as usize],
            ChangeType::ImpactChanging => "deployment_model",
            ChangeType::Transformative => ["technical", "organisational", "capacity"][(h(3) % 3) as usize],
        };
        let (start, end) = match kind {
            // Adaptive: notified a few days after it was done.
            ChangeType::Adaptive => (submitted - Duration::days(5), submitted - Duration::days(5) + Duration::hours(3)),
            _ => (submitted + Duration::days(50), submitted + Duration::days(50) + Duration::hours(4)),
        };
        let n = (1 + h(4) % 8) as usize;
        let mut chosen: Vec<(Uuid, Uuid, Uuid)> = Vec::new();
        for j in 0..n.min(served.len()) {
            let s = served[(i * 7 + j * 3) % served.len()];
            if !chosen.iter().any(|x| x.0 == s.0) {
                chosen.push(s);
            }
        }
        let id = Uuid::new_v4();
        let title = format!("生成变更第{c:03}-{i:02}号");
        let requires = rules::requires_approval(kind);
        let mut steps: Vec<GenStep> = vec![(StepKind::Submitted, csp, submitted, String::new(), None)];
        // How far it went: by its age, and a few stragglers.
        let done = end + Duration::days(20) < now;
        let straggler = h(5) % 10 == 0;
        for (k, (agency, _, _)) in chosen.iter().enumerate() {
            if done || k % 2 == 0 || now - submitted > Duration::days(10) && !straggler {
                steps.push((
                    StepKind::Acknowledged,
                    *agency,
                    submitted + Duration::days(1 + k as i64 % 2),
                    String::new(),
                    None,
                ));
            }
        }
        let deciders: Vec<Uuid> = {
            let mut d: Vec<Uuid> = chosen.iter().map(|x| x.2).collect();
            d.sort();
            d.dedup();
            d
        };
        if requires && (done || start < now) && !straggler {
            for d in &deciders {
                steps.push((StepKind::Approved, *d, submitted + Duration::days(5), String::new(), None));
            }
        }
        let implemented =
            (done || (end < now && (!requires || !straggler))).then_some((end + Duration::days(1), start, end));
        if let Some((at, a, b)) = implemented {
            steps.push((StepKind::Implemented, csp, at, String::new(), Some((a, b))));
            if done {
                steps.push((StepKind::Assessed, csp, at + Duration::days(3), "变更后安全评估通过。".into(), None));
                steps.push((StepKind::Closed, csp, at + Duration::days(4), String::new(), None));
            }
        }
        let facts: Vec<StepFact> = steps
            .iter()
            .map(|(k, org, _, body, _)| StepFact {
                kind: *k,
                revision: 1,
                organisation: *org,
                with_text: !body.is_empty(),
            })
            .collect();
        let audience = Audience {
            agencies: chosen.iter().map(|x| x.0).collect(),
            deciders: if requires { deciders.clone() } else { Vec::new() },
        };
        let progress = rules::progress(requires, 1, &audience, &facts);
        let status = rules::status(&facts, &progress);
        let at_of = |k: StepKind| steps.iter().find(|s| s.0 == k).map(|s| s.2);
        p.ch_notices.push(ch::notice::ActiveModel {
            id: Set(id),
            csp_id: Set(csp),
            change_type: Set(kind.code().into()),
            category: Set(category.into()),
            emergency: Set(false),
            requires_approval: Set(requires),
            revision: Set(1),
            title: Set(title.clone()),
            planned_start: Set(start),
            planned_end: Set(end),
            opt_out_offered: Set(false),
            terms: Set(terms.clone()),
            status: Set(status.code().into()),
            affected: Set(progress.affected as i32),
            answered: Set((progress.acknowledged + progress.opted_out) as i32),
            submitted_by: Set(admin),
            submitted_at: Set(submitted),
            revised_at: Set(submitted),
            approved_at: Set(
                (requires && progress.all_approved() && progress.deciders > 0).then(|| submitted + Duration::days(5))
            ),
            implemented_at: Set(implemented.map(|x| x.0)),
            actual_start: Set(implemented.map(|x| x.1)),
            actual_end: Set(implemented.map(|x| x.2)),
            verified_on: Set(None),
            assessed_at: Set(at_of(StepKind::Assessed)),
            closed_at: Set(if status == NoticeStatus::Closed { at_of(StepKind::Closed) } else { None }),
            updated_at: Set(steps.iter().map(|s| s.2).max().unwrap_or(submitted)),
        });
        p.ch_revisions.push(ch::revision::ActiveModel {
            id: Set(Uuid::new_v4()),
            notice_id: Set(id),
            number: Set(1),
            title: Set(title),
            description: Set("生成的变更说明。".into()),
            reason: Set(String::new()),
            planned_start: Set(start),
            planned_end: Set(end),
            impact_analysis: Set("影响可控。".into()),
            customer_impact: Set(String::new()),
            rollback_plan: Set("可回切。".into()),
            verification_plan: Set("拨测。".into()),
            contact: Set(String::new()),
            opt_out_offered: Set(false),
            websites: Set(String::new()),
            note: Set(String::new()),
            submitted_by: Set(admin),
            submitted_at: Set(submitted),
        });
        for (agency, site, _) in &chosen {
            p.ch_agencies.push(ch::notice_agency::ActiveModel {
                notice_id: Set(id),
                agency_id: Set(*agency),
                affected: Set(true),
            });
            p.ch_websites.push(ch::notice_website::ActiveModel {
                notice_id: Set(id),
                website_id: Set(*site),
                agency_id: Set(*agency),
            });
        }
        for (kind, org, at, body, actual) in steps {
            p.ch_steps.push(ch::step::ActiveModel {
                id: Set(Uuid::now_v7()),
                notice_id: Set(id),
                revision: Set(1),
                kind: Set(kind.code().into()),
                organisation_id: Set(org),
                person_id: Set(if org == csp { Some(admin) } else { None }),
                body: Set(body),
                actual_start: Set(actual.map(|x| x.0)),
                actual_end: Set(actual.map(|x| x.1)),
                verified_on: Set(None),
                file_id: Set(None),
                at: Set(at),
            });
        }
    }
}

/// An agency as its emergency records name it.
struct Served {
    agency: Uuid,
    admin: Uuid,
    officer: Uuid,
    csp: Uuid,
    site: Uuid,
}

/// Three years of an agency's emergency response: its plan (approved once, revised since — one in
/// five past its review), drills of a few categories a year with its CSP taking part and the
/// restore drills of half the agencies quarterly, their follow-up actions (some overdue), and about
/// three incidents, most closed, one in twenty still open, every tenth reported late.
fn emergency_years(p: &mut Pending, a: usize, s: Served, now: OffsetDateTime) {
    use app::plans::{DrillCategory, IncidentStatus, Milestone, PlanState};
    let h = |k: u64| mix(a as u64, k);
    let plan = Uuid::new_v4();
    let created = now - Duration::days(1000);
    p.er_plans.push(er::plan::ActiveModel {
        id: Set(plan),
        agency_id: Set(s.agency),
        title: Set(format!("生成第{a:04}号部门网站安全事件应急预案")),
        website_id: Set(None),
        category: Set(None),
        owner_id: Set(s.officer),
        review_months: Set(12),
        created_by: Set(s.admin),
        created_at: Set(created),
    });
    // v1 approved at creation; v2 approved 100–500 days ago (past its review when over a year).
    let revised = now - Duration::days(100 + (h(1) % 400) as i64);
    for (n, state, at, superseded) in
        [(1, PlanState::Superseded, created, Some(revised)), (2, PlanState::Approved, revised, None)]
    {
        let text = |section: &str| format!("{section}（第{n}版）：生成的预案内容，供规模测试使用。");
        p.er_versions.push(er::version::ActiveModel {
            id: Set(Uuid::new_v4()),
            plan_id: Set(plan),
            number: Set(n),
            state: Set(state.code().into()),
            general: Set(text("总则")),
            roles: Set(text("组织机构与职责")),
            prevention: Set(text("预防与预警")),
            grading: Set(text("响应分级")),
            procedure: Set(text("处置流程")),
            safeguards: Set(text("保障措施")),
            change_note: Set(if n == 1 { "首版".into() } else { "年度修订".into() }),
            drafted_by: Set(s.officer),
            drafted_at: Set(at - Duration::days(3)),
            approved_by: Set(Some(s.admin)),
            approved_at: Set(Some(at)),
            superseded_at: Set(superseded),
        });
    }
    // Drills: each category drilled with a chance each year; half the agencies restore quarterly.
    let mut drill = |held: time::Date, category: DrillCategory, k: u64| {
        let id = Uuid::new_v4();
        let partly = h(k).is_multiple_of(5);
        p.er_drills.push(er::drill::ActiveModel {
            id: Set(id),
            agency_id: Set(s.agency),
            held_on: Set(held),
            category: Set(category.code().into()),
            scenario: Set(format!("{}场景演练", category.code())),
            plan_id: Set(Some(plan)),
            outcome: Set(if partly { "partly" } else { "effective" }.into()),
            findings: Set(if partly { "联络耗时偏长".into() } else { String::new() }),
            recorded_by: Set(s.officer),
            recorded_at: Set(held.midnight().assume_utc() + Duration::hours(10)),
        });
        p.er_drill_orgs.push(er::drill_org::ActiveModel { drill_id: Set(id), organisation_id: Set(s.csp) });
        if partly {
            let due = held + Duration::days(45);
            let closed = h(k + 1) % 3 != 0 || due > now.date() + Duration::days(10);
            p.er_actions.push(er::action::ActiveModel {
                id: Set(Uuid::new_v4()),
                agency_id: Set(s.agency),
                source: Set("drill".into()),
                source_id: Set(id),
                finding: Set(String::new()),
                title: Set("缩短跨单位联络时间".into()),
                owner_org: Set(s.csp),
                owner_name: Set(String::new()),
                due_on: Set(due),
                closed_at: Set(closed.then(|| due.midnight().assume_utc())),
                closed_by: Set(closed.then_some(s.admin)),
                evidence: Set(if closed { "已完成".into() } else { String::new() }),
                created_by: Set(s.officer),
                created_at: Set(held.midnight().assume_utc() + Duration::hours(11)),
            });
        }
    };
    let today = now.date();
    for year in 0..3u64 {
        for (c, category) in DrillCategory::ALL.iter().enumerate().filter(|(_, c)| **c != DrillCategory::BackupRestore)
        {
            if h(10 + year * 16 + c as u64) % 3 == 0 {
                let held = today - Duration::days((year * 365 + h(40 + year * 16 + c as u64) % 360) as i64 + 1);
                drill(held, *category, 100 + year * 16 + c as u64);
            }
        }
    }
    if a.is_multiple_of(2) {
        for q in 0..12u64 {
            drill(today - Duration::days((q * 91 + h(200 + q) % 20) as i64 + 1), DrillCategory::BackupRestore, 300 + q);
        }
    }
    // Incidents: about three in three years; levels mostly IV and III.
    for i in 0..(2 + h(500) % 3) {
        let k = 600 + i * 10;
        let detected = now - Duration::minutes((h(k) % (3 * 365 * 24 * 60)) as i64 + 30);
        let level = match h(k + 1) % 20 {
            0 => "I",
            1 | 2 => "II",
            3..=8 => "III",
            _ => "IV",
        };
        let late = h(k + 2).is_multiple_of(10);
        let reported = detected + Duration::minutes(if late { 95 } else { 20 });
        let open = h(k + 3).is_multiple_of(20) && reported < now;
        let status = if open { IncidentStatus::Open } else { IncidentStatus::Closed };
        let deadline =
            app::plans::rules::report_deadline(app::plans::Level::parse(level).unwrap_or(app::plans::Level::IV));
        let contained = (!open).then(|| reported + Duration::hours(2));
        let closed = (!open).then(|| reported + Duration::hours(30));
        let id = Uuid::new_v4();
        p.er_incidents.push(er::incident::ActiveModel {
            id: Set(id),
            agency_id: Set(s.agency),
            title: Set(format!("生成事件 {a:04}-{i}")),
            category: Set(["network_attack", "harmful_program", "information_destruction", "equipment_fault"]
                [(h(k + 4) % 4) as usize]
                .into()),
            level: Set(level.into()),
            status: Set(status.code().into()),
            suspected_crime: Set(false),
            summary: Set("生成的事件记录，供规模测试使用。".into()),
            root_cause: Set(if open { String::new() } else { "配置错误".into() }),
            lessons: Set(if open { String::new() } else { "加强变更审核".into() }),
            opened_by: Set(s.officer),
            opened_by_org: Set(s.agency),
            opened_at: Set(reported),
            detected_at: Set(Some(detected)),
            csp_due_at: Set(Some(detected + deadline)),
            reported_csp_at: Set(Some(reported)),
            regulator_due_at: Set(Some(detected + deadline)),
            reported_regulator_at: Set(Some(reported)),
            contained_at: Set(contained),
            closed_at: Set(closed),
            updated_at: Set(closed.unwrap_or(reported)),
        });
        p.er_incident_websites
            .push(er::incident_website::ActiveModel { incident_id: Set(id), website_id: Set(s.site) });
        let mut milestones = vec![
            (Milestone::Detected, detected),
            (Milestone::ReportedCsp, reported),
            (Milestone::ReportedRegulator, reported),
        ];
        if let (Some(c), Some(x)) = (contained, closed) {
            milestones.extend([(Milestone::Contained, c), (Milestone::Resolved, c), (Milestone::Closed, x)]);
        }
        for (m, at) in milestones {
            p.er_milestones.push(er::milestone::ActiveModel {
                incident_id: Set(id),
                milestone: Set(m.code().into()),
                first_at: Set(at),
                first_by: Set(s.officer),
                last_at: Set(at),
                last_by: Set(s.officer),
                recorded_at: Set(at),
            });
        }
        let entries = [
            ("system", format!("opened level={level} category=network_attack")),
            ("status", "已隔离受影响主机".to_string()),
        ];
        for (j, (kind, body)) in entries.into_iter().enumerate() {
            p.er_entries.push(er::entry::ActiveModel {
                id: Set(Uuid::new_v4()),
                incident_id: Set(id),
                kind: Set(kind.into()),
                at: Set(reported + Duration::minutes(j as i64 * 50)),
                organisation_id: Set(s.agency),
                person_id: Set(Some(s.officer)),
                body: Set(body),
                pinned: Set(false),
                written_at: Set(reported + Duration::minutes(j as i64 * 50)),
            });
        }
    }
}

/// An agency's duty desk for the year gone: out-of-hours cover, a nightly rotation of its
/// administrator and security officer begun a year ago, the duty stood every night since (the last
/// shift under way), and for every tenth agency a round-the-clock special period in ten days whose
/// office hours nobody covers (what the regulator's overview lists).
fn duty_year(
    p: &mut Pending,
    a: usize,
    agency: Uuid,
    admin: Uuid,
    officer: Uuid,
    now: OffsetDateTime,
) -> ServiceResult<()> {
    use app::rosters::{
        rules::{self, Span},
        service::{to_db, to_rules, zone_of},
        OUT_OF_HOURS_CODE,
    };
    let zone_name = app::backend::time_fmt::DEFAULT_TIME_ZONE;
    let zone = zone_of(zone_name);
    let since = now - Duration::days(366);
    let (roster, rotation) = (Uuid::new_v4(), Uuid::new_v4());
    p.rosters.push(duty::roster::ActiveModel {
        id: Set(roster),
        organisation_id: Set(agency),
        name: Set(format!("生成第{a:04}号部门网络安全值班")),
        time_zone: Set(zone_name.into()),
        cover: Set(OUT_OF_HOURS_CODE.into()),
        phone: Set(format!("0571-9{a:04}-0000")),
        email: Set(account("duty", &agency_key(a))),
        created_by: Set(admin),
        created_at: Set(since),
        archived_at: Set(None),
        resolved_until: Set(None),
        uncovered_since: Set(None),
    });
    let anchor = since.date();
    p.rotations.push(duty::rotation::ActiveModel {
        id: Set(rotation),
        roster_id: Set(roster),
        series_id: Set(Uuid::new_v4()),
        name: Set("夜间与周末轮值".into()),
        layer: Set("primary".into()),
        pattern: Set("daily".into()),
        every_days: Set(None),
        weekdays: Set(0),
        handoff: Set("18:00".into()),
        anchor: Set(anchor),
        hours: Set(OUT_OF_HOURS_CODE.into()),
        valid_from: Set(since),
        valid_until: Set(None),
        created_by: Set(admin),
        created_at: Set(since),
    });
    for (i, person) in [admin, officer].into_iter().enumerate() {
        p.members.push(duty::member::ActiveModel {
            rotation_id: Set(rotation),
            position: Set(i as i16),
            person_id: Set(person),
            joins: Set(None),
            leaves: Set(None),
        });
    }
    // The year's duty from the same rules the portal resolves, as the duty job would have recorded it.
    let bad = || ServiceError::Internal("generated rotation".into());
    let rules_rotation = rules::Rotation {
        id: rotation,
        layer: rules::Layer::Primary,
        zone: zone.clone(),
        anchor: jiff::civil::Date::new(anchor.year() as i16, u8::from(anchor.month()) as i8, anchor.day() as i8)
            .map_err(|_| bad())?,
        handoff: rules::Clock::parse("18:00").ok_or_else(bad)?,
        pattern: rules::Pattern::Daily,
        members: vec![rules::Member::always(admin), rules::Member::always(officer)],
        hours: rules::Hours::parse(OUT_OF_HOURS_CODE).ok_or_else(bad)?,
        from: to_rules(since),
        until: None,
    };
    let at = to_rules(now);
    let window = Span::new(to_rules(since), at.checked_add(jiff::SignedDuration::from_secs(1)).map_err(|_| bad())?)
        .ok_or_else(bad)?;
    let roster_rules = rules::Roster { rotations: vec![rules_rotation], ..rules::Roster::default() };
    for s in rules::shifts(&roster_rules.resolve(window)) {
        let under_way = s.span.contains(at);
        p.stood.push(duty::stood::ActiveModel {
            id: Set(Uuid::new_v4()),
            roster_id: Set(roster),
            person_id: Set(s.person),
            layer: Set("primary".into()),
            starts_at: Set(to_db(s.span.start)),
            ends_at: Set((!under_way).then(|| to_db(s.span.end))),
            recorded_at: Set(to_db(s.span.start)),
            corrects: Set(None),
            reason: Set(None),
            recorded_by: Set(None),
        });
    }
    if a.is_multiple_of(10) {
        let starts = now + Duration::days(10);
        p.specials.push(duty::special::ActiveModel {
            id: Set(Uuid::new_v4()),
            roster_id: Set(roster),
            name: Set("重要活动保障".into()),
            starts_at: Set(starts),
            ends_at: Set(starts + Duration::days(3)),
            round_the_clock: Set(true),
            report_every_hours: Set(Some(4)),
            published_at: Set(None),
            gaps_accepted_reason: Set(None),
            gaps_accepted_by: Set(None),
            warned_at: Set(Some(now)),
            warned_again_at: Set(None),
            // Three days' office hours, as the duty job will find them again.
            gap_seconds: Set(Some(3 * 34_200)),
            first_gap_at: Set(Some(starts)),
            created_by: Set(admin),
            created_at: Set(now),
        });
    }
    Ok(())
}

/// Who owes one obligation to whom.
struct HistoryOf {
    kind: ReportKind,
    submitter: Uuid,
    submitted_by: Uuid,
    receiver: Uuid,
    reviewer: Uuid,
    agency: Uuid,
    engagement_id: Option<Uuid>,
}

/// One obligation over `months` of periods, with submissions, versions, files, reviews and audit
/// rows: mostly accepted on time, some late, some returned and resubmitted, some missing, and the
/// latest periods still open. Returns the files written and their bytes.
async fn history(
    p: &mut Pending,
    chain: &mut Chain,
    files_root: &Path,
    now: OffsetDateTime,
    months: u32,
    n: u64,
    of: HistoryOf,
) -> ServiceResult<(u64, u64)> {
    let cadence = of.kind.usual_cadence();
    let today = now.date();
    let current = rules::containing(cadence, today);
    let per_year = match cadence {
        Cadence::Monthly => 12,
        Cadence::Quarterly => 4,
        Cadence::HalfYearly => 2,
        Cadence::Yearly => 1,
    };
    let history = (months as usize * per_year).div_ceil(12).max(1);
    let mut first = current;
    for _ in 0..history {
        first = first.prev();
    }
    let id = Uuid::new_v4();
    let due_day = [10u8, 10, 10, 15, 5][(n % 5) as usize];
    let created = rules::start(first).midnight().assume_utc() - Duration::days(20);
    p.obligations.push(obligation::ActiveModel {
        id: Set(id),
        kind: Set(of.kind.code().into()),
        submitter_id: Set(of.submitter),
        receiver_id: Set(of.receiver),
        agency_id: Set(of.agency),
        engagement_id: Set(of.engagement_id),
        cadence: Set(cadence.code().into()),
        due_day: Set(i16::from(due_day)),
        first_period: Set(rules::start(first)),
        last_period: Set(None),
        created_by: Set(of.reviewer),
        created_at: Set(created),
        ended_on: Set(None),
        end_reason: Set(None),
        ended_by: Set(None),
    });
    chain.push(
        &mut p.audit,
        created,
        Some(of.reviewer),
        Some(of.receiver),
        AuditAction::ObligationCreate,
        format!("obligation {id}"),
        format!("{} {} due day {due_day} (generated)", of.kind.code(), cadence.code()),
    )?;
    let (mut files, mut bytes) = (0, 0);
    let mut period = first;
    let mut back = history;
    while period.ordinal() < current.ordinal() {
        let due = rules::due_date(period, due_day);
        let due_at = due.midnight().assume_utc() + Duration::hours(2);
        let roll = mix(n, back as u64) % 100;
        // (status, days after the due date the first version came, versions)
        let outcome = match (back, roll) {
            (1, 0..=29) => None,
            (1, 30..=74) => Some((SubmissionStatus::Submitted, -1 - (roll % 5) as i64, 1)),
            (1, 75..=89) => Some((SubmissionStatus::Returned, -2, 1)),
            (1, _) => Some((SubmissionStatus::Accepted, -4, 1)),
            (_, 0..=3) => None,
            (_, 4..=10) => Some((SubmissionStatus::Accepted, 1 + (roll % 9) as i64, 1)),
            (_, 11..=15) => Some((SubmissionStatus::Accepted, -3, 2)),
            (2, 16..=18) => Some((SubmissionStatus::Returned, -1, 1)),
            _ => Some((SubmissionStatus::Accepted, -1 - (roll % 8) as i64, 1)),
        };
        if let Some((status, offset, versions)) = outcome {
            let first_at = due_at + Duration::days(offset);
            if first_at < now {
                let sid = Uuid::new_v4();
                let last_at = first_at + Duration::days(if versions == 2 { 3 } else { 0 });
                // A decision that would lie in the future has not been taken yet.
                let (status, versions) = if last_at + Duration::days(1) >= now {
                    (SubmissionStatus::Submitted, 1)
                } else {
                    (status, versions)
                };
                let last_at = if versions == 1 { first_at } else { last_at };
                let decided = (status != SubmissionStatus::Submitted).then_some(last_at + Duration::days(1));
                p.submissions.push(submission::ActiveModel {
                    id: Set(sid),
                    obligation_id: Set(id),
                    period_start: Set(rules::start(period)),
                    status: Set(status.code().into()),
                    versions: Set(versions),
                    first_submitted_at: Set(first_at),
                    last_submitted_at: Set(last_at),
                    decided_at: Set(decided),
                });
                for number in 1..=versions {
                    let at = if number == 1 { first_at } else { last_at };
                    let vid = Uuid::new_v4();
                    let summary = serde_json::to_string(&world::summary_of(of.kind, (n as usize) * 31 + back))
                        .map_err(|e| ServiceError::Internal(e.to_string()))?;
                    p.versions.push(version::ActiveModel {
                        id: Set(vid),
                        submission_id: Set(sid),
                        number: Set(number),
                        summary: Set(summary),
                        submitted_by: Set(of.submitted_by),
                        submitted_at: Set(at),
                        idempotency_key: Set(None),
                        fingerprint: Set(hex::encode(Sha256::digest(vid.as_bytes()))),
                    });
                    let body = format!(
                        "%PDF-1.4\n% generated report {sid} version {number}, period {period}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
                    );
                    let sha = hex::encode(Sha256::digest(body.as_bytes()));
                    let path = files_root.join(&sha[0..2]).join(&sha[2..4]).join(&sha);
                    if let Some(dir) = path.parent() {
                        tokio::fs::create_dir_all(dir).await.map_err(|e| ServiceError::Internal(e.to_string()))?;
                    }
                    tokio::fs::write(&path, body.as_bytes())
                        .await
                        .map_err(|e| ServiceError::Internal(format!("{}: {e}", path.display())))?;
                    files += 1;
                    bytes += body.len() as u64;
                    p.files.push(file::ActiveModel {
                        id: Set(Uuid::new_v4()),
                        version_id: Set(vid),
                        name: Set(format!("{}-{period}-v{number}.pdf", of.kind.code())),
                        media_type: Set("application/pdf".into()),
                        size: Set(body.len() as i64),
                        sha256: Set(sha),
                    });
                    chain.push(
                        &mut p.audit,
                        at,
                        Some(of.submitted_by),
                        Some(of.submitter),
                        AuditAction::ReportSubmit,
                        format!("submission {sid}"),
                        format!("{} {period} version {number} (generated)", of.kind.code()),
                    )?;
                    let decision = match (status, number == versions) {
                        (SubmissionStatus::Submitted, true) => None,
                        (SubmissionStatus::Returned, true) | (_, false) => Some(Decision::Return),
                        (SubmissionStatus::Accepted, true) => Some(Decision::Accept),
                    };
                    let reviewed_at = at + Duration::days(1);
                    if let Some(decision) = decision {
                        let comment = if decision == Decision::Return {
                            "请补充漏洞修复明细（生成数据）。"
                        } else {
                            ""
                        };
                        p.reviews.push(review::ActiveModel {
                            id: Set(Uuid::new_v4()),
                            submission_id: Set(sid),
                            version_number: Set(number),
                            decision: Set(decision.code().into()),
                            comment: Set(comment.into()),
                            reviewer_id: Set(of.reviewer),
                            reviewed_at: Set(reviewed_at),
                        });
                        chain.push(
                            &mut p.audit,
                            reviewed_at,
                            Some(of.reviewer),
                            Some(of.receiver),
                            if decision == Decision::Accept {
                                AuditAction::ReportAccept
                            } else {
                                AuditAction::ReportReturn
                            },
                            format!("submission {sid}"),
                            format!("{} {period} version {number} (generated)", of.kind.code()),
                        )?;
                    }
                }
            }
        }
        period = period.next();
        back -= 1;
    }
    Ok((files, bytes))
}

/// The database's size on disk, in bytes (SQLite: pages in use; PostgreSQL: the database).
pub async fn database_bytes(db: &DatabaseConnection) -> ServiceResult<u64> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "SELECT pg_database_size(current_database())::bigint AS n",
        _ => "SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()",
    };
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| ServiceError::Internal("no size".into()))?;
    Ok(row.try_get::<i64>("", "n")? as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_is_stable_and_spread() {
        assert_eq!(mix(1, 2), mix(1, 2));
        assert_ne!(mix(1, 2), mix(2, 1));
        let mut buckets = [0u32; 10];
        for a in 0..1000 {
            buckets[(mix(a, 7) % 10) as usize] += 1;
        }
        assert!(buckets.iter().all(|&b| (60..=140).contains(&b)), "{buckets:?}");
    }
}
