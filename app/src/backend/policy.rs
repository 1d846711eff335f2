//! The access policy: the only place that grants capabilities; services require them as arguments.
//!
//! Read the table below as: a person holding *role* in an organisation whose *relationship* to
//! the data is *relationship* gets *access* to the *module*. The relationship comes from the
//! organisation's kind: an agency's own data is `Own`; a provider (CSP, supply-chain provider,
//! assessor) reaches an agency's websites through an `Engagement` in force; a regulator reaches
//! the agencies of its `Jurisdiction` subtree; the platform operator has `Platform`.
//!
//! Capabilities have private fields: nothing outside this file can make one, so a service that
//! takes one cannot be called without passing the check, and the scope a capability carries is
//! the filter every query of that service ANDs in (in SQL, at every request, never cached).
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ColumnTrait, Condition, ConnectionTrait, DbBackend, Statement,
};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use super::{actor::Actor, ServiceError, ServiceResult};
pub use crate::auth::NavPage;
use crate::{
    reports::entity::obligation,
    tenancy::{
        entity::{engagement, engagement_website, organisation, website},
        EngagementStatus, OrgKind, Role,
    },
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Module {
    Organisations,
    Jurisdictions,
    People,
    Websites,
    Engagements,
    /// Report obligations and submissions: reading them, and submitting what one owes.
    Reports,
    /// Setting report obligations and reviewing what is received.
    ReportReview,
    Audit,
    Outbox,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Relationship {
    Own,
    Engagement,
    Jurisdiction,
    Platform,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Access {
    None,
    Read,
    Write,
}

use Access::{None as N, Read as R, Write as W};
use Module as M;
use Relationship as Rel;

/// The columns of [`TABLE`], in order.
pub const ROLE_COLUMNS: [Role; 6] = [
    Role::OrgAdmin,
    Role::SecurityOfficer,
    Role::DutyOfficer,
    Role::Staff,
    Role::Viewer,
    Role::PlatformAdmin,
];

/// role × module × relationship → access. A pair that is not listed grants nothing.
#[rustfmt::skip]
pub const TABLE: &[(Module, Relationship, [Access; 6])] = &[
    //                                     admin  security duty  staff  viewer platform
    (M::Websites,      Rel::Own,          [W,     W,       R,    R,     R,     N]),
    (M::Websites,      Rel::Engagement,   [R,     R,       R,    R,     R,     N]),
    (M::Websites,      Rel::Jurisdiction, [R,     R,       R,    R,     R,     N]),
    (M::Engagements,   Rel::Own,          [W,     R,       R,    R,     R,     N]),
    (M::Engagements,   Rel::Jurisdiction, [R,     R,       R,    R,     R,     N]),
    (M::Reports,       Rel::Own,          [W,     W,       R,    W,     R,     N]),
    (M::Reports,       Rel::Jurisdiction, [R,     R,       R,    R,     R,     N]),
    (M::ReportReview,  Rel::Own,          [W,     W,       N,    N,     N,     N]),
    (M::ReportReview,  Rel::Jurisdiction, [W,     W,       N,    N,     N,     N]),
    (M::People,        Rel::Own,          [W,     N,       N,    N,     N,     N]),
    (M::Audit,         Rel::Own,          [R,     N,       N,    N,     N,     N]),
    (M::Audit,         Rel::Platform,     [N,     N,       N,    N,     N,     R]),
    (M::Organisations, Rel::Platform,     [N,     N,       N,    N,     N,     W]),
    (M::Jurisdictions, Rel::Platform,     [N,     N,       N,    N,     N,     W]),
    (M::Outbox,        Rel::Platform,     [N,     N,       N,    N,     N,     R]),
];

/// The relationship an organisation of `kind` has to a module's data.
pub fn relationship(kind: OrgKind, module: Module) -> Option<Relationship> {
    match (kind, module) {
        (_, M::People) => Some(Rel::Own),
        (OrgKind::Platform, M::Audit) => Some(Rel::Platform),
        (_, M::Audit) => Some(Rel::Own),
        (OrgKind::Platform, M::Organisations | M::Jurisdictions | M::Outbox) => Some(Rel::Platform),
        (_, M::Organisations | M::Jurisdictions | M::Outbox) => None,
        (OrgKind::Agency, M::Websites | M::Engagements) => Some(Rel::Own),
        (OrgKind::Csp | OrgKind::Supplier | OrgKind::Assessor, M::Websites) => Some(Rel::Engagement),
        (OrgKind::Csp | OrgKind::Supplier | OrgKind::Assessor, M::Engagements) => Some(Rel::Own),
        (OrgKind::Regulator, M::Websites | M::Engagements) => Some(Rel::Jurisdiction),
        (OrgKind::Platform, M::Websites | M::Engagements) => None,
        (OrgKind::Agency | OrgKind::Csp | OrgKind::Supplier | OrgKind::Assessor, M::Reports) => Some(Rel::Own),
        (OrgKind::Agency, M::ReportReview) => Some(Rel::Own),
        (OrgKind::Regulator, M::Reports | M::ReportReview) => Some(Rel::Jurisdiction),
        (OrgKind::Csp | OrgKind::Supplier | OrgKind::Assessor | OrgKind::Platform, M::ReportReview) => None,
        (OrgKind::Platform, M::Reports) => None,
    }
}

/// The table's answer for one kind and one set of roles: the best access any role gives.
pub fn access_for(kind: OrgKind, roles: &[Role], module: Module) -> Access {
    let Some(rel) = relationship(kind, module) else {
        return N;
    };
    let mut best = N;
    for (m, r, cells) in TABLE {
        if *m != module || *r != rel {
            continue;
        }
        for (i, role) in ROLE_COLUMNS.iter().enumerate() {
            if roles.contains(role) && cells[i] > best {
                best = cells[i];
            }
        }
    }
    // The platform's own people administration is the platform organisation's, like any other.
    best
}

pub fn access(actor: &Actor, module: Module) -> Access {
    access_for(actor.org_kind, &actor.roles, module)
}

fn require(actor: &Actor, module: Module, need: Access) -> ServiceResult<Relationship> {
    if access(actor, module) >= need {
        relationship(actor.org_kind, module).ok_or(ServiceError::Forbidden)
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// May create and list organisations.
#[derive(Debug)]
pub struct PlatformAdmin {
    _private: (),
}

/// May manage the people of one organisation.
#[derive(Debug)]
pub struct PeopleAdmin {
    organisation_id: Uuid,
}

impl PeopleAdmin {
    pub fn organisation_id(&self) -> Uuid {
        self.organisation_id
    }
}

/// May read audit rows of a scope.
#[derive(Debug)]
pub struct AuditReader {
    scope: AuditScope,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditScope {
    Everything,
    Organisation(Uuid),
}

impl AuditReader {
    pub fn scope(&self) -> AuditScope {
        self.scope
    }
}

/// May place agencies and regulators in the jurisdiction tree.
#[derive(Debug)]
pub struct JurisdictionAdmin {
    _private: (),
}

/// May read the mail outbox's state (dead letters).
#[derive(Debug)]
pub struct OutboxReader {
    _private: (),
}

pub fn platform_admin(actor: &Actor) -> ServiceResult<PlatformAdmin> {
    require(actor, M::Organisations, W)?;
    Ok(PlatformAdmin { _private: () })
}

pub fn jurisdiction_admin(actor: &Actor) -> ServiceResult<JurisdictionAdmin> {
    require(actor, M::Jurisdictions, W)?;
    Ok(JurisdictionAdmin { _private: () })
}

pub fn outbox_reader(actor: &Actor) -> ServiceResult<OutboxReader> {
    require(actor, M::Outbox, R)?;
    Ok(OutboxReader { _private: () })
}

pub fn people_admin(actor: &Actor) -> ServiceResult<PeopleAdmin> {
    require(actor, M::People, W)?;
    Ok(PeopleAdmin {
        organisation_id: actor.organisation_id,
    })
}

pub fn audit_reader(actor: &Actor) -> ServiceResult<AuditReader> {
    match require(actor, M::Audit, R)? {
        Rel::Platform => Ok(AuditReader {
            scope: AuditScope::Everything,
        }),
        _ => Ok(AuditReader {
            scope: AuditScope::Organisation(actor.organisation_id),
        }),
    }
}

/// Whose agencies' data a reader reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reach {
    /// An agency: its own.
    Agency(Uuid),
    /// A provider: the websites of its engagements in force on `today`.
    Provider { organisation_id: Uuid, today: Date },
    /// A regulator: the agencies under these regulators (itself and every regulator beneath it).
    Regulators(Vec<Uuid>),
}

impl Reach {
    /// Websites (website rows) in reach.
    fn website_condition(&self) -> Condition {
        match self {
            Reach::Agency(id) => Condition::all().add(website::Column::AgencyId.eq(*id)),
            Reach::Provider { organisation_id, today } => Condition::all().add(
                website::Column::Id.in_subquery(
                    Query::select()
                        .column((engagement_website::Entity, engagement_website::Column::WebsiteId))
                        .from(engagement_website::Entity)
                        .and_where(
                            Expr::col((engagement_website::Entity, engagement_website::Column::EngagementId))
                                .in_subquery(engagements_in_force(Some(*organisation_id), *today)),
                        )
                        .to_owned(),
                ),
            ),
            Reach::Regulators(ids) => Condition::all().add(
                website::Column::AgencyId.in_subquery(
                    Query::select()
                        .column((organisation::Entity, organisation::Column::Id))
                        .from(organisation::Entity)
                        .and_where(
                            Expr::col((organisation::Entity, organisation::Column::RegulatorId)).is_in(ids.clone()),
                        )
                        .to_owned(),
                ),
            ),
        }
    }

    /// Engagements (engagement rows) a reader sees: its own side's, or its jurisdiction's agencies'.
    fn engagement_condition(&self) -> Condition {
        match self {
            Reach::Agency(id) => Condition::all().add(engagement::Column::AgencyId.eq(*id)),
            Reach::Provider { organisation_id, .. } => {
                Condition::all().add(engagement::Column::ProviderId.eq(*organisation_id))
            }
            Reach::Regulators(ids) => Condition::all().add(
                engagement::Column::AgencyId.in_subquery(
                    Query::select()
                        .column((organisation::Entity, organisation::Column::Id))
                        .from(organisation::Entity)
                        .and_where(
                            Expr::col((organisation::Entity, organisation::Column::RegulatorId)).is_in(ids.clone()),
                        )
                        .to_owned(),
                ),
            ),
        }
    }
}

impl Reach {
    /// Report obligations (report_obligation rows) a reader sees: an agency's own (owed to it or by
    /// it), a provider's own submissions, or everything about its jurisdiction's agencies.
    fn obligation_condition(&self) -> Condition {
        match self {
            Reach::Agency(id) => Condition::all().add(obligation::Column::AgencyId.eq(*id)),
            // Its own obligations, and only while the engagement they sit on is in force: ended,
            // declined or not yet accepted, the provider reaches nothing of that agency.
            Reach::Provider { organisation_id, today } => Condition::all()
                .add(obligation::Column::SubmitterId.eq(*organisation_id))
                .add(
                    obligation::Column::EngagementId.in_subquery(engagements_in_force(Some(*organisation_id), *today)),
                ),
            // The agencies of its jurisdiction today: an agency moved away leaves with its history.
            Reach::Regulators(ids) => {
                Condition::all().add(obligation::Column::AgencyId.in_subquery(agencies_under(ids)))
            }
        }
    }
}

/// The engagements in force on `today` (accepted, and `today` within their dates), of one provider
/// or of all, as a subquery of their ids: the one definition of "in force" every scope uses.
pub fn engagements_in_force(provider: Option<Uuid>, today: Date) -> sea_orm::sea_query::SelectStatement {
    let mut q = Query::select();
    q.column((engagement::Entity, engagement::Column::Id))
        .from(engagement::Entity)
        .and_where(Expr::col((engagement::Entity, engagement::Column::Status)).eq(EngagementStatus::Active.code()))
        .and_where(Expr::col((engagement::Entity, engagement::Column::StartsOn)).lte(today))
        .and_where(Expr::col((engagement::Entity, engagement::Column::EndsOn)).gte(today));
    if let Some(p) = provider {
        q.and_where(Expr::col((engagement::Entity, engagement::Column::ProviderId)).eq(p));
    }
    q.to_owned()
}

/// The agencies directly under any of these regulators, as a subquery of organisation ids.
fn agencies_under(regulators: &[Uuid]) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column((organisation::Entity, organisation::Column::Id))
        .from(organisation::Entity)
        .and_where(Expr::col((organisation::Entity, organisation::Column::RegulatorId)).is_in(regulators.to_vec()))
        .and_where(Expr::col((organisation::Entity, organisation::Column::Kind)).eq(OrgKind::Agency.code()))
        .to_owned()
}

/// The regulator itself and every regulator beneath it, in one recursive query.
pub(crate) async fn regulator_subtree<C: ConnectionTrait>(db: &C, root: Uuid) -> ServiceResult<Vec<Uuid>> {
    let backend = db.get_database_backend();
    let param = if backend == DbBackend::Postgres { "$1" } else { "?" };
    let sql = format!(
        "WITH RECURSIVE sub(id) AS (SELECT id FROM organisation WHERE id = {param} AND kind = 'regulator' \
         UNION SELECT o.id FROM organisation o JOIN sub ON o.regulator_id = sub.id WHERE o.kind = 'regulator') \
         SELECT id FROM sub"
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, [root.into()]))
        .await?;
    rows.iter()
        .map(|r| r.try_get::<Uuid>("", "id").map_err(ServiceError::from))
        .collect()
}

/// A regulator's subtree: it came with the actor (read once per generation); an actor built
/// without one has it looked up.
async fn subtree_of<C: ConnectionTrait>(db: &C, actor: &Actor) -> ServiceResult<Vec<Uuid>> {
    if actor.subtree.is_empty() {
        regulator_subtree(db, actor.organisation_id).await
    } else {
        Ok(actor.subtree.to_vec())
    }
}

async fn reach<C: ConnectionTrait>(db: &C, actor: &Actor, rel: Relationship, today: Date) -> ServiceResult<Reach> {
    match rel {
        Rel::Own if actor.org_kind == OrgKind::Agency => Ok(Reach::Agency(actor.organisation_id)),
        Rel::Own | Rel::Engagement => Ok(Reach::Provider {
            organisation_id: actor.organisation_id,
            today,
        }),
        Rel::Jurisdiction => Ok(Reach::Regulators(subtree_of(db, actor).await?)),
        Rel::Platform => Err(ServiceError::Forbidden),
    }
}

/// May read the websites in its reach.
#[derive(Debug)]
pub struct WebsiteReader {
    reach: Reach,
}

impl WebsiteReader {
    pub fn condition(&self) -> Condition {
        self.reach.website_condition()
    }

    /// Which engagements on a website in reach the reader may see: a provider only its own; the
    /// agency and its regulators all.
    pub fn engagement_visibility(&self) -> Condition {
        match &self.reach {
            Reach::Provider { organisation_id, .. } => {
                Condition::all().add(engagement::Column::ProviderId.eq(*organisation_id))
            }
            Reach::Agency(_) | Reach::Regulators(_) => Condition::all(),
        }
    }
}

/// May create and change the websites of one agency (its own).
#[derive(Debug)]
pub struct WebsiteWriter {
    agency_id: Uuid,
}

impl WebsiteWriter {
    pub fn agency_id(&self) -> Uuid {
        self.agency_id
    }
}

pub async fn website_reader<C: ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<WebsiteReader> {
    let rel = require(actor, M::Websites, R)?;
    Ok(WebsiteReader {
        reach: reach(db, actor, rel, today).await?,
    })
}

pub fn website_writer(actor: &Actor) -> ServiceResult<WebsiteWriter> {
    match require(actor, M::Websites, W)? {
        Rel::Own if actor.org_kind == OrgKind::Agency => Ok(WebsiteWriter {
            agency_id: actor.organisation_id,
        }),
        _ => Err(ServiceError::Forbidden),
    }
}

/// May read engagements: its own side's, or those of its jurisdiction's agencies.
#[derive(Debug)]
pub struct EngagementReader {
    reach: Reach,
    viewer: Uuid,
}

impl EngagementReader {
    pub fn condition(&self) -> Condition {
        self.reach.engagement_condition()
    }

    /// The reading organisation.
    pub fn viewer(&self) -> Uuid {
        self.viewer
    }
}

/// Which side of engagements a writer acts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Invites providers and ends engagements for this agency.
    Agency(Uuid),
    /// Answers invitations and ends engagements for this provider.
    Provider(Uuid),
}

/// May act on engagements for one side: its own organisation.
#[derive(Debug)]
pub struct EngagementWriter {
    side: Side,
}

impl EngagementWriter {
    pub fn side(&self) -> Side {
        self.side
    }

    /// Engagements this writer may act on.
    pub fn condition(&self) -> Condition {
        match self.side {
            Side::Agency(id) => Condition::all().add(engagement::Column::AgencyId.eq(id)),
            Side::Provider(id) => Condition::all().add(engagement::Column::ProviderId.eq(id)),
        }
    }
}

pub async fn engagement_reader<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    today: Date,
) -> ServiceResult<EngagementReader> {
    let rel = require(actor, M::Engagements, R)?;
    Ok(EngagementReader {
        reach: reach(db, actor, rel, today).await?,
        viewer: actor.organisation_id,
    })
}

pub fn engagement_writer(actor: &Actor) -> ServiceResult<EngagementWriter> {
    require(actor, M::Engagements, W)?;
    match actor.org_kind {
        OrgKind::Agency => Ok(EngagementWriter {
            side: Side::Agency(actor.organisation_id),
        }),
        k if k.is_provider() => Ok(EngagementWriter {
            side: Side::Provider(actor.organisation_id),
        }),
        _ => Err(ServiceError::Forbidden),
    }
}

/// May read report obligations and submissions in its reach.
#[derive(Debug)]
pub struct ReportReader {
    reach: Reach,
    viewer: Uuid,
}

impl ReportReader {
    /// Obligations (report_obligation rows) in reach.
    pub fn condition(&self) -> Condition {
        self.reach.obligation_condition()
    }

    /// The reading organisation.
    pub fn viewer(&self) -> Uuid {
        self.viewer
    }

    /// Whether the reader sees a jurisdiction (the regulator's matrix).
    pub fn is_jurisdiction(&self) -> bool {
        matches!(self.reach, Reach::Regulators(_))
    }

    /// Names the jurisdiction (its regulators, sorted), for keying views computed over it.
    pub fn jurisdiction_key(&self) -> Option<String> {
        match &self.reach {
            Reach::Regulators(ids) => {
                let mut ids = ids.clone();
                ids.sort();
                Some(
                    ids.iter()
                        .map(|id| id.simple().to_string())
                        .collect::<Vec<_>>()
                        .join(","),
                )
            }
            _ => None,
        }
    }

    /// The agencies a regulator's matrix lists (organisation rows); `None` for other readers.
    pub fn jurisdiction_agencies(&self) -> Option<Condition> {
        match &self.reach {
            Reach::Regulators(ids) => Some(
                Condition::all()
                    .add(organisation::Column::RegulatorId.is_in(ids.clone()))
                    .add(organisation::Column::Kind.eq(OrgKind::Agency.code())),
            ),
            _ => None,
        }
    }
}

pub async fn report_reader<C: ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<ReportReader> {
    let rel = require(actor, M::Reports, R)?;
    Ok(ReportReader {
        reach: reach(db, actor, rel, today).await?,
        viewer: actor.organisation_id,
    })
}

/// May submit the reports its own organisation owes.
#[derive(Debug)]
pub struct ReportSubmitter {
    organisation_id: Uuid,
    today: Date,
}

impl ReportSubmitter {
    pub fn organisation_id(&self) -> Uuid {
        self.organisation_id
    }

    /// Obligations this submitter may submit under: its own, and a provider's only while the
    /// engagement is in force on the portal's day (an agency's reports to its regulator sit on none).
    pub fn condition(&self) -> Condition {
        Condition::all()
            .add(obligation::Column::SubmitterId.eq(self.organisation_id))
            .add(
                Condition::any().add(obligation::Column::EngagementId.is_null()).add(
                    obligation::Column::EngagementId
                        .in_subquery(engagements_in_force(Some(self.organisation_id), self.today)),
                ),
            )
    }
}

/// `today` is the portal's day (`AppState::today`), the day reach is judged by.
pub fn report_submitter(actor: &Actor, today: Date) -> ServiceResult<ReportSubmitter> {
    match require(actor, M::Reports, W)? {
        Rel::Own => Ok(ReportSubmitter {
            organisation_id: actor.organisation_id,
            today,
        }),
        _ => Err(ServiceError::Forbidden),
    }
}

/// What a reviewer may set obligations over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewerScope {
    /// An agency: reports owed to it under its own engagements.
    Agency(Uuid),
    /// A regulator: reports owed to it by the agencies of its subtree (these regulators).
    Regulator { id: Uuid, subtree: Vec<Uuid> },
}

/// May set obligations owed to its organisation and review what arrives under them.
#[derive(Debug)]
pub struct ReportReviewer {
    scope: ReviewerScope,
}

impl ReportReviewer {
    pub fn organisation_id(&self) -> Uuid {
        match &self.scope {
            ReviewerScope::Agency(id) => *id,
            ReviewerScope::Regulator { id, .. } => *id,
        }
    }

    pub fn scope(&self) -> &ReviewerScope {
        &self.scope
    }

    /// Obligations this reviewer decides on: those owed to its organisation (a regulator's only
    /// while the agency is in its jurisdiction).
    pub fn condition(&self) -> Condition {
        let own = Condition::all().add(obligation::Column::ReceiverId.eq(self.organisation_id()));
        match &self.scope {
            ReviewerScope::Agency(id) => own.add(obligation::Column::AgencyId.eq(*id)),
            ReviewerScope::Regulator { subtree, .. } => {
                own.add(obligation::Column::AgencyId.in_subquery(agencies_under(subtree)))
            }
        }
    }

    /// Engagements it may set provider reports over (an agency's own).
    pub fn engagement_condition(&self) -> Option<Condition> {
        match &self.scope {
            ReviewerScope::Agency(id) => Some(Condition::all().add(engagement::Column::AgencyId.eq(*id))),
            ReviewerScope::Regulator { .. } => None,
        }
    }

    /// Agencies it may ask reports of (a regulator's jurisdiction).
    pub fn agency_condition(&self) -> Option<Condition> {
        match &self.scope {
            ReviewerScope::Agency(_) => None,
            ReviewerScope::Regulator { subtree, .. } => Some(
                Condition::all()
                    .add(organisation::Column::RegulatorId.is_in(subtree.clone()))
                    .add(organisation::Column::Kind.eq(OrgKind::Agency.code())),
            ),
        }
    }
}

pub async fn report_reviewer<C: ConnectionTrait>(db: &C, actor: &Actor) -> ServiceResult<ReportReviewer> {
    match require(actor, M::ReportReview, W)? {
        Rel::Own if actor.org_kind == OrgKind::Agency => Ok(ReportReviewer {
            scope: ReviewerScope::Agency(actor.organisation_id),
        }),
        Rel::Jurisdiction => Ok(ReportReviewer {
            scope: ReviewerScope::Regulator {
                id: actor.organisation_id,
                subtree: subtree_of(db, actor).await?,
            },
        }),
        _ => Err(ServiceError::Forbidden),
    }
}

/// Whether the actor may review reports at all (for showing the controls; services check again).
pub fn may_review(actor: &Actor) -> bool {
    access(actor, M::ReportReview) >= W
}

/// Whether the actor may submit reports its organisation owes.
pub fn may_submit(actor: &Actor) -> bool {
    access(actor, M::Reports) >= W && relationship(actor.org_kind, M::Reports) == Some(Rel::Own)
}

/// The module behind each navigation page.
fn nav_module(page: NavPage) -> Module {
    match page {
        NavPage::Websites => M::Websites,
        NavPage::Engagements => M::Engagements,
        NavPage::Reports | NavPage::ReportMatrix => M::Reports,
        NavPage::Organisations => M::Organisations,
        NavPage::Jurisdictions => M::Jurisdictions,
        NavPage::People => M::People,
        NavPage::Audit => M::Audit,
    }
}

const NAV_ALL: [NavPage; 8] = [
    NavPage::Websites,
    NavPage::Engagements,
    NavPage::Reports,
    NavPage::ReportMatrix,
    NavPage::Organisations,
    NavPage::Jurisdictions,
    NavPage::People,
    NavPage::Audit,
];

/// The pages a person may open, for navigation (the services check again).
pub fn nav_pages(actor: &Actor) -> Vec<NavPage> {
    NAV_ALL
        .into_iter()
        .filter(|p| access(actor, nav_module(*p)) >= R)
        // The matrix compares agencies: only a jurisdiction has several to compare.
        .filter(|p| *p != NavPage::ReportMatrix || relationship(actor.org_kind, M::Reports) == Some(Rel::Jurisdiction))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads_as_intended() {
        use OrgKind::*;
        assert_eq!(access_for(Agency, &[Role::OrgAdmin], M::Websites), W);
        assert_eq!(access_for(Agency, &[Role::SecurityOfficer], M::Websites), W);
        assert_eq!(access_for(Agency, &[Role::Viewer], M::Websites), R);
        assert_eq!(access_for(Agency, &[Role::Viewer, Role::OrgAdmin], M::Websites), W);
        assert_eq!(
            access_for(Csp, &[Role::OrgAdmin], M::Websites),
            R,
            "providers never write websites"
        );
        assert_eq!(access_for(Regulator, &[Role::OrgAdmin], M::Websites), R);
        assert_eq!(access_for(Regulator, &[Role::OrgAdmin], M::Engagements), R);
        assert_eq!(
            access_for(Platform, &[Role::PlatformAdmin, Role::OrgAdmin], M::Websites),
            N
        );
        assert_eq!(access_for(Agency, &[Role::OrgAdmin], M::Organisations), N);
        assert_eq!(access_for(Agency, &[Role::OrgAdmin], M::Jurisdictions), N);
        assert_eq!(access_for(Platform, &[Role::PlatformAdmin], M::Jurisdictions), W);
        assert_eq!(access_for(Supplier, &[Role::Staff], M::Engagements), R);
        assert_eq!(access_for(Supplier, &[Role::OrgAdmin], M::Engagements), W);
        assert_eq!(access_for(Agency, &[], M::Websites), N);
    }

    #[test]
    fn every_kind_has_a_relationship_or_none_for_every_module() {
        // The match is exhaustive by construction; this pins the cross-tenant-sensitive answers.
        for kind in OrgKind::ALL {
            assert_eq!(relationship(*kind, M::People), Some(Rel::Own));
        }
        assert_eq!(relationship(OrgKind::Csp, M::Websites), Some(Rel::Engagement));
        assert_eq!(relationship(OrgKind::Assessor, M::Websites), Some(Rel::Engagement));
        assert_eq!(relationship(OrgKind::Regulator, M::Websites), Some(Rel::Jurisdiction));
    }
}
