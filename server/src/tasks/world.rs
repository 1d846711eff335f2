//! A declared world and the builder that writes it: organisations with one person per role,
//! websites, engagements in every state (active, ended, invited, declined), organisations moved
//! to another regulator, and optionally a year of report history. The demo (`demo.rs`) and the
//! integration tests (`server/tests/world/common/world.rs`) each declare their own.
use std::collections::HashMap;

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use app::{
    audit::{
        service::{append, AuditEntry},
        AuditAction,
    },
    backend::{actor::Acting, request::RequestMeta, time_fmt, ServiceError, ServiceResult},
    reports::{
        rules as report_rules, AssessmentSummary, Cadence, Conclusion, CspMonthlySummary, Decision, ReportKind,
        SecurityCheckSummary, SelfCheckSummary, ServiceSummary, Severities, SubmissionStatus, Summary,
    },
    tenancy::{
        entity::{engagement, engagement_website, organisation, website},
        service::insert_person,
        DeploymentModel, EngagementRole, EngagementStatus, OrgKind, Phase, Role, ServiceModel, SupplierSubtype,
    },
};

/// An organisation of the world.
pub struct OrgSpec {
    /// Short key: the people's mail domain is `<key>.example`.
    pub key: &'static str,
    pub name: &'static str,
    pub kind: OrgKind,
    pub subtype: Option<SupplierSubtype>,
    /// The key of the regulator above it when the world is written (before any move).
    pub regulator: Option<&'static str>,
}

pub const fn org(
    key: &'static str,
    name: &'static str,
    kind: OrgKind,
    subtype: Option<SupplierSubtype>,
    regulator: Option<&'static str>,
) -> OrgSpec {
    OrgSpec { key, name, kind, subtype, regulator }
}

/// A website of an agency of the world.
pub struct SiteSpec {
    pub agency: &'static str,
    pub name: &'static str,
    pub domain: &'static str,
    pub level: i16,
    pub service: ServiceModel,
    pub deployment: DeploymentModel,
    pub phase: Phase,
    /// Days before the world's day that the phase began.
    pub since_days: i64,
}

#[allow(clippy::too_many_arguments)]
pub const fn site(
    agency: &'static str,
    name: &'static str,
    domain: &'static str,
    level: i16,
    service: ServiceModel,
    deployment: DeploymentModel,
    phase: Phase,
    since_days: i64,
) -> SiteSpec {
    SiteSpec { agency, name, domain, level, service, deployment, phase, since_days }
}

/// An engagement of the world: (agency, provider, role, websites by domain, status). Dates are
/// around the world's day: active ones run from 300 days before to 700 after, the ended one ended
/// 100 days before; an invitation is waiting, a declined one was answered.
pub type EngagementSpec = (&'static str, &'static str, EngagementRole, &'static [&'static str], EngagementStatus);

/// One person of the world.
pub struct Account {
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub must_change: bool,
}

/// The roles every organisation of a world has a person for, with the address's local part.
pub const ROLES: &[(&str, Role)] = &[
    ("admin", Role::OrgAdmin),
    ("security", Role::SecurityOfficer),
    ("duty", Role::DutyOfficer),
    ("staff", Role::Staff),
    ("viewer", Role::Viewer),
];

const SURNAMES: &[&str] = &[
    "李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
    "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "强", "静", "洋", "磊", "丽", "敏", "军", "婷", "杰", "娟", "涛", "霞", "斌", "艳", "超", "琳", "鹏",
    "雪", "浩", "颖", "宇", "倩", "晨",
];

/// A whole world, declared.
pub struct World {
    /// The platform operator's organisation, its administrator and its read-only person
    /// (email, name each).
    pub platform: (&'static str, (&'static str, &'static str), (&'static str, &'static str)),
    /// Regulators before the organisations under them.
    pub orgs: &'static [OrgSpec],
    pub sites: &'static [SiteSpec],
    pub engagements: &'static [EngagementSpec],
    /// Organisations moved under another regulator once everything else is written, through the
    /// platform's own service (their reports owed upwards go along): (organisation, regulator).
    pub moves: &'static [(&'static str, &'static str)],
    /// People named by hand: (organisation key, local part, name); the rest get generated names.
    pub names: &'static [(&'static str, &'static str, &'static str)],
    /// (organisation key, local part) of the accounts that must change their password first.
    pub must_change: &'static [(&'static str, &'static str)],
    /// A year of reports on every engagement that owes them and from every regulated agency.
    pub report_history: bool,
    /// Agencies (by key) that also report a yearly security check to their regulator.
    pub security_checks: &'static [&'static str],
    /// Who the audit trail names as having written the world.
    pub written_by: &'static str,
}

/// What a written world's keys became.
pub struct Built {
    pub platform_id: Uuid,
    pub platform_admin_id: Uuid,
    pub orgs: HashMap<&'static str, Uuid>,
    pub sites: HashMap<&'static str, Uuid>,
    /// In the order declared.
    pub engagements: Vec<Uuid>,
    pub obligations: usize,
}

impl World {
    /// The organisation declared under `key`.
    pub fn org(&self, key: &str) -> Option<&'static OrgSpec> {
        self.orgs.iter().find(|o| o.key == key)
    }

    /// Where each organisation sits once the world's moves are made: key → its regulator's key.
    pub fn regulator_of(&self) -> HashMap<&'static str, Option<&'static str>> {
        let mut at: HashMap<_, _> = self.orgs.iter().map(|o| (o.key, o.regulator)).collect();
        for (moved, to) in self.moves {
            at.insert(moved, Some(to));
        }
        at
    }

    /// One person per role in the `index`th organisation; names are stable for the same world.
    pub fn people(&self, index: usize, org: &OrgSpec) -> Vec<Account> {
        ROLES
            .iter()
            .enumerate()
            .map(|(j, (local, role))| {
                let n = index * ROLES.len() + j;
                let name = match self.names.iter().find(|(k, l, _)| *k == org.key && l == local) {
                    Some((_, _, name)) => name.to_string(),
                    None => format!("{}{}", SURNAMES[(n * 7) % SURNAMES.len()], GIVEN[(n * 11 + 3) % GIVEN.len()]),
                };
                Account {
                    email: format!("{local}@{}.example", org.key),
                    name,
                    roles: vec![*role],
                    must_change: self.must_change.iter().any(|(k, l)| *k == org.key && l == local),
                }
            })
            .collect()
    }

    /// Writes the world in `txn`: organisations, people (every password hashed as `hash`),
    /// websites, engagements and the report history. [`World::settle`] does the rest once it is
    /// committed.
    pub async fn write<C: ConnectionTrait>(&self, txn: &C, now: OffsetDateTime, hash: String) -> ServiceResult<Built> {
        let today = now.date();
        let system = |action, organisation_id, target: String, summary: String| AuditEntry {
            actor_person_id: None,
            actor_email: Some(self.written_by.into()),
            organisation_id,
            action,
            target,
            summary,
            source_addr: None,
            user_agent: None,
        };
        let mut ids: HashMap<&'static str, Uuid> = HashMap::new();
        let mut officers: HashMap<&str, Uuid> = HashMap::new();
        let platform_id = Uuid::new_v4();
        let (platform_org, (admin_email, admin_name), (viewer_email, viewer_name)) = self.platform;
        insert_org(txn, now, platform_id, platform_org, OrgKind::Platform, None, None).await?;
        let platform_admin_id = insert_person(
            txn,
            now,
            platform_id,
            admin_email,
            admin_name,
            &[Role::PlatformAdmin, Role::OrgAdmin],
            hash.clone(),
            false,
        )
        .await?;
        insert_person(txn, now, platform_id, viewer_email, viewer_name, &[Role::Viewer], hash.clone(), false).await?;
        for (i, o) in self.orgs.iter().enumerate() {
            let id = Uuid::new_v4();
            let regulator = o.regulator.and_then(|k| ids.get(k).copied());
            insert_org(txn, now, id, o.name, o.kind, o.subtype, regulator).await?;
            ids.insert(o.key, id);
            let tag = self.written_by;
            append(
                txn,
                now,
                system(
                    AuditAction::OrganisationCreate,
                    Some(id),
                    format!("organisation {}", o.name),
                    format!("kind={} (written by {tag})", o.kind.code()),
                ),
            )
            .await?;
            for p in self.people(i, o) {
                let pid = insert_person(txn, now, id, &p.email, &p.name, &p.roles, hash.clone(), p.must_change).await?;
                if p.roles.contains(&Role::SecurityOfficer) {
                    officers.insert(o.key, pid);
                }
            }
            append(
                txn,
                now,
                system(
                    AuditAction::PersonCreate,
                    Some(id),
                    format!("{} people", ROLES.len()),
                    format!("one person per role (written by {tag})"),
                ),
            )
            .await?;
        }
        let mut sites: HashMap<&'static str, Uuid> = HashMap::new();
        for (n, s) in self.sites.iter().enumerate() {
            let domain = app::tenancy::rules::Domain::parse(s.domain)
                .map_err(|m| ServiceError::Internal(format!("world domain {}: {m:?}", s.domain)))?;
            let id = Uuid::new_v4();
            website::ActiveModel {
                id: Set(id),
                agency_id: Set(ids[s.agency]),
                name: Set(s.name.into()),
                domain: Set(domain.unicode),
                domain_ascii: Set(domain.ascii),
                protection_level: Set(s.level),
                service_model: Set(s.service.code().into()),
                deployment_model: Set(s.deployment.code().into()),
                phase: Set(s.phase.code().into()),
                phase_since: Set(today - Duration::days(s.since_days)),
                // Every third website still lacks a named security officer.
                security_officer_id: Set(if n % 3 == 2 { None } else { officers.get(s.agency).copied() }),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
            sites.insert(s.domain, id);
        }
        let mut engaged = Vec::new();
        let mut engagements = Vec::new();
        for (agency, provider, role, domains, status) in self.engagements {
            let id = Uuid::new_v4();
            let ended = *status == EngagementStatus::Ended;
            let answered = !matches!(status, EngagementStatus::Invited);
            let agreed = matches!(status, EngagementStatus::Active | EngagementStatus::Ended);
            let (starts, ends) = if ended {
                (today - Duration::days(800), today - Duration::days(100))
            } else {
                (today - Duration::days(300), today + Duration::days(700))
            };
            // The ended one keeps the reports it owed until it ended (its provider reaches none now).
            if agreed {
                engaged.push(Engaged {
                    id,
                    agency: ids[agency],
                    provider: ids[provider],
                    role: *role,
                    agency_officer: officers.get(agency).copied(),
                    provider_officer: officers.get(provider).copied(),
                    ended_on: ended.then_some(ends),
                });
            }
            engagement::ActiveModel {
                id: Set(id),
                agency_id: Set(ids[agency]),
                provider_id: Set(ids[provider]),
                role: Set(role.code().into()),
                status: Set(status.code().into()),
                starts_on: Set(starts),
                ends_on: Set(ends),
                nda_signed_on: Set(agreed.then_some(starts - Duration::days(10))),
                nda_signed_by: Set(agreed.then(|| "双方法定代表人".to_string())),
                change_notice_days: Set(if *role == EngagementRole::Csp { 30 } else { 0 }),
                invited_by: Set(platform_admin_id),
                invited_at: Set(now - Duration::days(if ended { 810 } else { 310 })),
                answered_at: Set(answered.then_some(now - Duration::days(305))),
                ended_at: Set(ended.then_some(now - Duration::days(100))),
                ended_by_org: Set(ended.then(|| ids[agency])),
                closing_reason: Set(match status {
                    EngagementStatus::Ended => Some("合同期满，服务迁移至新的云服务商".to_string()),
                    EngagementStatus::Declined => Some("本季度已无承接新项目的能力".to_string()),
                    _ => None,
                }),
            }
            .insert(txn)
            .await?;
            for d in *domains {
                engagement_website::ActiveModel { engagement_id: Set(id), website_id: Set(sites[d]) }
                    .insert(txn)
                    .await?;
            }
            engagements.push(id);
        }
        let obligations = if self.report_history {
            let regulated: Vec<Regulated> = self
                .orgs
                .iter()
                .filter(|o| o.kind == OrgKind::Agency)
                .filter_map(|o| {
                    let regulator = o.regulator?;
                    Some(Regulated {
                        agency: ids[o.key],
                        regulator: ids[regulator],
                        agency_officer: officers.get(o.key).copied(),
                        regulator_officer: officers.get(regulator).copied(),
                        security_check: self.security_checks.contains(&o.key),
                    })
                })
                .collect();
            report_history(txn, now, &engaged, &regulated).await?
        } else {
            0
        };
        Ok(Built { platform_id, platform_admin_id, orgs: ids, sites, engagements, obligations })
    }

    /// What follows the written world once committed: the moves (through the platform's service,
    /// so each is audited and the reports owed upwards move along) and the work list's rows.
    pub async fn settle(&self, db: &DatabaseConnection, now: OffsetDateTime, built: &Built) -> ServiceResult<()> {
        let zone = time_fmt::DEFAULT_TIME_ZONE;
        if !self.moves.is_empty() {
            let actor = app::auth::actor::load_actor(db, built.platform_admin_id, zone)
                .await?
                .ok_or_else(|| ServiceError::Internal("the world's platform administrator".into()))?;
            let cap = app::tenancy::scope::jurisdiction_admin(&actor)?;
            let meta = RequestMeta::default();
            let by = Acting { actor: &actor, meta: &meta, now };
            for (moved, to) in self.moves {
                app::tenancy::service::jurisdictions::place(
                    db,
                    &by,
                    &cap,
                    built.orgs[moved],
                    Some(built.orgs[to]),
                    true,
                )
                .await?;
            }
        }
        app::reports::service::open_periods(db, time_fmt::date_in_zone(now, zone), zone).await?;
        Ok(())
    }
}

/// An engagement that owes reports (active, or ended on `ended_on`).
struct Engaged {
    id: Uuid,
    agency: Uuid,
    provider: Uuid,
    role: EngagementRole,
    agency_officer: Option<Uuid>,
    provider_officer: Option<Uuid>,
    ended_on: Option<time::Date>,
}

/// An agency that owes its regulator a yearly self-check.
struct Regulated {
    agency: Uuid,
    regulator: Uuid,
    agency_officer: Option<Uuid>,
    regulator_officer: Option<Uuid>,
    /// Whether it also reports a yearly security check.
    security_check: bool,
}

/// What happened to one period: mostly accepted on time, with every other state present.
fn outcome(obligation: usize, back: usize) -> Option<(SubmissionStatus, i64)> {
    // (status, days after the due date the first version came; negative is early)
    match (obligation % 4, back) {
        (0, 0) => None,                                    // the latest period: overdue
        (1, 0) => Some((SubmissionStatus::Submitted, -3)), // waiting for review
        (2, 0) => Some((SubmissionStatus::Returned, -2)),  // returned with comments
        (3, 1) => None,                                    // an older gap: overdue by weeks
        (_, 2) => Some((SubmissionStatus::Accepted, 4)),   // accepted late
        _ => Some((SubmissionStatus::Accepted, -5)),
    }
}

/// A plausible summary of `kind`, varied by `seed`.
pub fn summary_of(kind: ReportKind, seed: usize) -> Summary {
    let n = seed as i64;
    let sev = |a: i64| Severities { critical: a % 2, high: 1 + a % 3, medium: 3 + a % 5, low: 6 + a % 7 };
    match kind {
        ReportKind::CspMonthly => Summary::CspMonthly(CspMonthlySummary {
            availability_pct: 99.9 + (n % 9) as f64 / 100.0,
            vulnerabilities_found: sev(n),
            vulnerabilities_fixed: sev(n + 1),
            incidents: n % 3,
            patches_applied: 12 + n % 10,
            backups_succeeded: 30,
            backups_failed: n % 2,
            restore_test_done: n % 3 == 0,
            attacks_blocked: 1200 + 37 * n,
            notes: "本月运行平稳（演示数据）。".into(),
        }),
        ReportKind::SupplierService => Summary::SupplierService(ServiceSummary {
            changes_delivered: 3 + n % 4,
            incidents: n % 2,
            vulnerabilities_found: sev(n),
            vulnerabilities_fixed: sev(n),
            notes: "按计划交付（演示数据）。".into(),
        }),
        ReportKind::Assessment => Summary::Assessment(AssessmentSummary {
            conclusion: Conclusion::BasicallyConforming,
            score: 82.5,
            findings: sev(n),
            notes: "等级保护测评（演示数据）。".into(),
        }),
        ReportKind::SelfCheck => Summary::SelfCheck(SelfCheckSummary {
            websites_checked: 3,
            issues_found: 4 + n % 3,
            issues_fixed: 4,
            notes: "年度自查（演示数据）。".into(),
        }),
        ReportKind::SecurityCheck => Summary::SecurityCheck(SecurityCheckSummary {
            findings: sev(n),
            findings_fixed: sev(n),
            improvement_plan: "一季度内完成全部中高危问题整改（演示数据）。".into(),
            notes: String::new(),
        }),
    }
}

/// Who owes one obligation: submitter, receiver, agency; the engagement and its end, if any; who
/// sends and who reviews its reports.
struct Owed {
    parties: (Uuid, Uuid, Uuid),
    engagement: (Option<Uuid>, Option<time::Date>),
    sender: Option<Uuid>,
    reviewer: Option<Uuid>,
}

/// One obligation with a year of history.
async fn obligation_with_history<C: ConnectionTrait>(
    txn: &C,
    now: OffsetDateTime,
    index: usize,
    kind: ReportKind,
    owed: Owed,
) -> ServiceResult<()> {
    use app::reports::entity::{obligation, review, submission, version};
    let Owed { parties: (submitter, receiver, agency), engagement: (engagement_id, ended_on), sender, reviewer } = owed;
    let cadence = kind.usual_cadence();
    let today = now.date();
    let current = report_rules::containing(cadence, today);
    // An obligation that ended with its engagement owes up to the period the end fell in.
    let last = ended_on.map(|d| report_rules::containing(cadence, d));
    let history = match cadence {
        Cadence::Monthly => 12,
        Cadence::Quarterly => 6,
        Cadence::HalfYearly => 4,
        Cadence::Yearly => 3,
    };
    let mut first = current;
    for _ in 0..history {
        first = first.prev();
    }
    let id = Uuid::new_v4();
    let due_day = 10u8;
    obligation::ActiveModel {
        id: Set(id),
        kind: Set(kind.code().into()),
        submitter_id: Set(submitter),
        receiver_id: Set(receiver),
        agency_id: Set(agency),
        engagement_id: Set(engagement_id),
        cadence: Set(cadence.code().into()),
        due_day: Set(i16::from(due_day)),
        first_period: Set(report_rules::start(first)),
        last_period: Set(last.map(report_rules::start)),
        created_by: Set(sender.or(reviewer).unwrap_or_default()),
        created_at: Set(now - Duration::days(400)),
        ended_on: Set(ended_on),
        end_reason: Set(None),
        ended_by: Set(None),
    }
    .insert(txn)
    .await?;
    let (Some(by), Some(reviewer)) = (sender, reviewer) else {
        return Ok(());
    };
    // Periods that have ended and are past their due date (or nearly), newest first.
    let mut p = match last {
        Some(l) if l.ordinal() < current.ordinal() => l,
        _ => current.prev(),
    };
    let mut back = 0;
    while p.ordinal() >= first.ordinal() {
        let due = report_rules::due_date(p, due_day);
        let due_at = due.midnight().assume_utc() + Duration::hours(2);
        if let Some((status, offset)) = outcome(index, back) {
            let first_at = due_at + Duration::days(offset);
            if first_at < now {
                let sid = Uuid::new_v4();
                let returned_first =
                    status == SubmissionStatus::Returned || (status == SubmissionStatus::Accepted && back == 3);
                let versions = if returned_first && status == SubmissionStatus::Accepted { 2 } else { 1 };
                let last_at = first_at + Duration::days(if versions == 2 { 2 } else { 0 });
                submission::ActiveModel {
                    id: Set(sid),
                    obligation_id: Set(id),
                    period_start: Set(report_rules::start(p)),
                    status: Set(status.code().into()),
                    versions: Set(versions),
                    first_submitted_at: Set(first_at),
                    last_submitted_at: Set(last_at),
                    decided_at: Set((status != SubmissionStatus::Submitted).then_some(last_at + Duration::days(1))),
                }
                .insert(txn)
                .await?;
                for number in 1..=versions {
                    let at = if number == 1 { first_at } else { last_at };
                    version::ActiveModel {
                        id: Set(Uuid::new_v4()),
                        submission_id: Set(sid),
                        number: Set(number),
                        summary: Set(serde_json::to_string(&summary_of(kind, index * 31 + back + number as usize))
                            .map_err(|e| ServiceError::Internal(e.to_string()))?),
                        submitted_by: Set(by),
                        submitted_at: Set(at),
                        idempotency_key: Set(None),
                        fingerprint: Set(format!("{:064x}", index * 1000 + back * 10 + number as usize)),
                    }
                    .insert(txn)
                    .await?;
                    let decision = match (status, number == versions) {
                        (SubmissionStatus::Submitted, true) => None,
                        (SubmissionStatus::Returned, true) => {
                            Some((Decision::Return, "请补充本月漏洞修复明细及备份恢复测试记录（演示数据）。"))
                        }
                        (SubmissionStatus::Accepted, true) => Some((Decision::Accept, "")),
                        (_, false) => {
                            Some((Decision::Return, "可用性统计口径与合同不一致，请按合同口径重新计算（演示数据）。"))
                        }
                    };
                    if let Some((decision, comment)) = decision {
                        review::ActiveModel {
                            id: Set(Uuid::new_v4()),
                            submission_id: Set(sid),
                            version_number: Set(number),
                            decision: Set(decision.code().into()),
                            comment: Set(comment.into()),
                            reviewer_id: Set(reviewer),
                            reviewed_at: Set(at + Duration::days(1)),
                        }
                        .insert(txn)
                        .await?;
                    }
                }
            }
        }
        p = p.prev();
        back += 1;
    }
    Ok(())
}

/// Report obligations for every engagement that owes them and every regulated agency, with
/// history; returns how many.
async fn report_history<C: ConnectionTrait>(
    txn: &C,
    now: OffsetDateTime,
    engaged: &[Engaged],
    regulated: &[Regulated],
) -> ServiceResult<usize> {
    let mut n = 0;
    for e in engaged {
        let kind = app::reports::service::kind_for_role(e.role);
        let owed = Owed {
            parties: (e.provider, e.agency, e.agency),
            engagement: (Some(e.id), e.ended_on),
            sender: e.provider_officer,
            reviewer: e.agency_officer,
        };
        obligation_with_history(txn, now, n, kind, owed).await?;
        n += 1;
    }
    for r in regulated {
        let owed = Owed {
            parties: (r.agency, r.regulator, r.agency),
            engagement: (None, None),
            sender: r.agency_officer,
            reviewer: r.regulator_officer,
        };
        obligation_with_history(txn, now, n, ReportKind::SelfCheck, owed).await?;
        n += 1;
        if r.security_check {
            let owed = Owed {
                parties: (r.agency, r.regulator, r.agency),
                engagement: (None, None),
                sender: r.agency_officer,
                reviewer: r.regulator_officer,
            };
            obligation_with_history(txn, now, n, ReportKind::SecurityCheck, owed).await?;
            n += 1;
        }
    }
    Ok(n)
}

async fn insert_org<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    id: Uuid,
    name: &str,
    kind: OrgKind,
    subtype: Option<SupplierSubtype>,
    regulator_id: Option<Uuid>,
) -> ServiceResult<()> {
    organisation::ActiveModel {
        id: Set(id),
        name: Set(name.into()),
        kind: Set(kind.code().into()),
        supplier_subtype: Set(subtype.map(|s| s.code().into())),
        active: Set(true),
        regulator_id: Set(regulator_id),
        created_at: Set(now),
        second_factor_required: Set(false),
    }
    .insert(conn)
    .await?;
    Ok(())
}
