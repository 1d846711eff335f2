//! The tenancy module's reach: what each relationship sees of websites, engagements, people and the
//! platform's lists, as capabilities built from the policy's [`Grant`] that hand out pre-filtered
//! selects. "Engagement in force today" and "the agencies of a jurisdiction today" are defined
//! here, once, for every module.
use std::collections::{HashMap, HashSet};

use sea_orm::{
    sea_query::{Expr, ExprTrait, Func, LikeExpr, Query, SelectStatement},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Select,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::entity::{engagement, engagement_website, invitation, organisation, person, person_role, website};
use crate::{
    backend::{
        actor::Actor,
        policy::{grant, Access, Grant, Module as M, Reach, Relationship as Rel},
        ServiceError, ServiceResult,
    },
    domain::{EngagementStatus, OrgKind, Role},
};

/// The engagements in force on `today` (accepted, and `today` within their dates), of one provider
/// or of all, as a subquery of their ids: the one definition of "in force" every scope uses.
pub fn engagements_in_force(provider: Option<Uuid>, today: Date) -> SelectStatement {
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

/// The websites a provider serves under an engagement in force on `today`, as a subquery of ids.
pub fn websites_served(provider: Uuid, today: Date) -> SelectStatement {
    Query::select()
        .column((engagement_website::Entity, engagement_website::Column::WebsiteId))
        .from(engagement_website::Entity)
        .and_where(
            Expr::col((engagement_website::Entity, engagement_website::Column::EngagementId))
                .in_subquery(engagements_in_force(Some(provider), today)),
        )
        .to_owned()
}

/// The agencies a provider serves under an engagement in force on `today`, as a subquery of ids.
pub fn agencies_served(provider: Uuid, today: Date) -> SelectStatement {
    Query::select()
        .column((engagement::Entity, engagement::Column::AgencyId))
        .from(engagement::Entity)
        .and_where(Expr::col((engagement::Entity, engagement::Column::Id)).in_subquery(engagements_in_force(Some(provider), today)))
        .to_owned()
}

/// The agencies directly under any of these regulators today, as a subquery of organisation ids:
/// an agency moved away leaves with its history.
pub fn agencies_under(regulators: &[Uuid]) -> SelectStatement {
    Query::select()
        .column((organisation::Entity, organisation::Column::Id))
        .from(organisation::Entity)
        .and_where(Expr::col((organisation::Entity, organisation::Column::RegulatorId)).is_in(regulators.to_vec()))
        .and_where(Expr::col((organisation::Entity, organisation::Column::Kind)).eq(OrgKind::Agency.code()))
        .to_owned()
}

/// The agencies of a jurisdiction, as a condition on organisation rows.
pub fn jurisdiction_agencies(regulators: &[Uuid]) -> Condition {
    Condition::all()
        .add(organisation::Column::RegulatorId.is_in(regulators.to_vec()))
        .add(organisation::Column::Kind.eq(OrgKind::Agency.code()))
}

/// Websites (website rows) a reach sees.
fn website_condition(reach: &Reach) -> Condition {
    match reach {
        Reach::Agency(id) => Condition::all().add(website::Column::AgencyId.eq(*id)),
        Reach::Provider { organisation_id, today } => {
            Condition::all().add(website::Column::Id.in_subquery(websites_served(*organisation_id, *today)))
        }
        Reach::Regulators(ids) => Condition::all().add(website::Column::AgencyId.in_subquery(agencies_under(ids))),
    }
}

/// Engagements (engagement rows) a reach sees: its own side's, or its jurisdiction's agencies'.
fn engagement_condition(reach: &Reach) -> Condition {
    match reach {
        Reach::Agency(id) => Condition::all().add(engagement::Column::AgencyId.eq(*id)),
        Reach::Provider { organisation_id, .. } => {
            Condition::all().add(engagement::Column::ProviderId.eq(*organisation_id))
        }
        Reach::Regulators(ids) => Condition::all().add(engagement::Column::AgencyId.in_subquery(agencies_under(ids))),
    }
}

/// May create and list organisations.
#[derive(Debug)]
pub struct PlatformAdmin {
    _grant: Grant,
}

/// May place agencies and regulators in the jurisdiction tree.
#[derive(Debug)]
pub struct JurisdictionAdmin {
    _grant: Grant,
}

impl PlatformAdmin {
    /// Every organisation: the platform creates and lists them all.
    pub fn organisations(&self) -> Select<organisation::Entity> {
        organisation::Entity::find()
    }

    /// The people of every organisation (the platform's list shows who administers each).
    pub fn people(&self) -> Select<person::Entity> {
        person::Entity::find()
    }
}

impl JurisdictionAdmin {
    /// What the jurisdiction tree places: every regulator and agency.
    pub fn placeable(&self) -> Select<organisation::Entity> {
        organisation::Entity::find()
            .filter(organisation::Column::Kind.is_in([OrgKind::Regulator.code(), OrgKind::Agency.code()]))
    }
}

/// May read the mail outbox's state (dead letters).
#[derive(Debug)]
pub struct OutboxReader {
    _grant: Grant,
}

/// May manage the people of one organisation.
#[derive(Debug)]
pub struct PeopleAdmin {
    organisation_id: Uuid,
    kind: OrgKind,
}

impl PeopleAdmin {
    pub fn organisation_id(&self) -> Uuid {
        self.organisation_id
    }

    /// The kind of its organisation (which roles it may grant).
    pub fn org_kind(&self) -> OrgKind {
        self.kind
    }

    /// The people it manages: its own organisation's.
    pub fn people(&self) -> Select<person::Entity> {
        person::Entity::find().filter(person::Column::OrganisationId.eq(self.organisation_id))
    }

    /// One of its people; another organisation's person is not there.
    pub fn person(&self, id: Uuid) -> Select<person::Entity> {
        self.people().filter(person::Column::Id.eq(id))
    }

    /// The roles its people hold.
    pub fn roles(&self) -> Select<person_role::Entity> {
        person_role::Entity::find().filter(
            person_role::Column::PersonId.in_subquery(
                Query::select()
                    .column(person::Column::Id)
                    .from(person::Entity)
                    .and_where(person::Column::OrganisationId.eq(self.organisation_id))
                    .to_owned(),
            ),
        )
    }

    /// Its own organisation's row (whether it requires a second factor).
    pub fn own_organisation(&self) -> Select<organisation::Entity> {
        organisation::Entity::find_by_id(self.organisation_id)
    }

    /// Its organisation's invitations.
    pub fn invitations(&self) -> Select<invitation::Entity> {
        invitation::Entity::find().filter(invitation::Column::OrganisationId.eq(self.organisation_id))
    }

    /// Whether an email already names an account anywhere (an email signs in to one account), or
    /// an open invitation anywhere: answered as yes or no, never whose.
    pub async fn email_in_use<C: ConnectionTrait>(
        &self,
        conn: &C,
        email: &str,
        now: OffsetDateTime,
    ) -> ServiceResult<EmailUse> {
        use sea_orm::PaginatorTrait;
        if person::Entity::find().filter(person::Column::Email.eq(email)).count(conn).await? > 0 {
            return Ok(EmailUse::Account);
        }
        if invitation::Entity::find()
            .filter(invitation::Column::Email.eq(email))
            .filter(invitation::Column::AcceptedAt.is_null())
            .filter(invitation::Column::ExpiresAt.gt(now))
            .count(conn)
            .await?
            > 0
        {
            return Ok(EmailUse::Invited);
        }
        Ok(EmailUse::Free)
    }
}

/// Whether an email is free for a new account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailUse {
    Free,
    Account,
    Invited,
}

/// An invitation's link is its own capability: its token reaches its one open invitation.
pub fn open_invitation(token_hash: &str, now: OffsetDateTime) -> Select<invitation::Entity> {
    invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(token_hash))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
}

/// The organisation an open invitation is into, while it is active.
pub fn invited_into(invitation: &invitation::Model) -> Select<organisation::Entity> {
    organisation::Entity::find()
        .filter(organisation::Column::Id.eq(invitation.organisation_id))
        .filter(organisation::Column::Active.eq(true))
}

pub fn platform_admin(actor: &Actor) -> ServiceResult<PlatformAdmin> {
    Ok(PlatformAdmin { _grant: grant(actor, M::Organisations, Access::Write)? })
}

pub fn jurisdiction_admin(actor: &Actor) -> ServiceResult<JurisdictionAdmin> {
    Ok(JurisdictionAdmin { _grant: grant(actor, M::Jurisdictions, Access::Write)? })
}

pub fn outbox_reader(actor: &Actor) -> ServiceResult<OutboxReader> {
    Ok(OutboxReader { _grant: grant(actor, M::Outbox, Access::Read)? })
}

pub fn people_admin(actor: &Actor) -> ServiceResult<PeopleAdmin> {
    let g = grant(actor, M::People, Access::Write)?;
    Ok(PeopleAdmin { organisation_id: g.organisation_id(), kind: g.org_kind() })
}

/// May read the websites in its reach.
#[derive(Debug)]
pub struct WebsiteReader {
    reach: Reach,
}

impl WebsiteReader {
    pub fn condition(&self) -> Condition {
        website_condition(&self.reach)
    }

    /// The websites in reach.
    pub fn websites(&self) -> Select<website::Entity> {
        website::Entity::find().filter(self.condition())
    }

    /// Who serves a website in reach on `today`: the engagements in force that cover it, of which a
    /// provider sees only its own (the agency and its regulators see all).
    pub fn serving(&self, website_id: Uuid, today: Date) -> Select<engagement::Entity> {
        let visible = match &self.reach {
            Reach::Provider { organisation_id, .. } => {
                Condition::all().add(engagement::Column::ProviderId.eq(*organisation_id))
            }
            Reach::Agency(_) | Reach::Regulators(_) => Condition::all(),
        };
        engagement::Entity::find()
            .filter(engagement::Column::Id.in_subquery(engagements_in_force(None, today)))
            .filter(visible)
            .filter(
                engagement::Column::Id.in_subquery(
                    Query::select()
                        .column(engagement_website::Column::EngagementId)
                        .from(engagement_website::Entity)
                        .and_where(engagement_website::Column::WebsiteId.eq(website_id))
                        .and_where(
                            engagement_website::Column::WebsiteId.in_subquery(
                                Query::select()
                                    .column(website::Column::Id)
                                    .from(website::Entity)
                                    .cond_where(self.condition())
                                    .to_owned(),
                            ),
                        )
                        .to_owned(),
                ),
            )
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

    /// The websites it may change: its agency's.
    pub fn websites(&self) -> Select<website::Entity> {
        website::Entity::find().filter(website::Column::AgencyId.eq(self.agency_id))
    }
}

pub async fn website_reader<C: ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<WebsiteReader> {
    let g = grant(actor, M::Websites, Access::Read)?;
    Ok(WebsiteReader { reach: g.reach(db, today).await? })
}

pub fn website_writer(actor: &Actor) -> ServiceResult<WebsiteWriter> {
    let g = grant(actor, M::Websites, Access::Write)?;
    match g.relationship() {
        Rel::Own if g.org_kind() == OrgKind::Agency => Ok(WebsiteWriter { agency_id: g.organisation_id() }),
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
        engagement_condition(&self.reach)
    }

    /// The engagements in reach.
    pub fn engagements(&self) -> Select<engagement::Entity> {
        engagement::Entity::find().filter(self.condition())
    }

    /// One engagement, if in reach.
    pub fn engagement(&self, id: Uuid) -> Select<engagement::Entity> {
        self.engagements().filter(engagement::Column::Id.eq(id))
    }

    /// The reading organisation.
    pub fn viewer(&self) -> Uuid {
        self.viewer
    }

    /// The ids of the engagements in reach, as a subquery.
    pub fn engagement_ids(&self) -> SelectStatement {
        Query::select().column(engagement::Column::Id).from(engagement::Entity).cond_where(self.condition()).to_owned()
    }

    /// Which websites the engagements in reach cover.
    pub fn covered_websites(&self) -> Select<engagement_website::Entity> {
        engagement_website::Entity::find()
            .filter(engagement_website::Column::EngagementId.in_subquery(self.engagement_ids()))
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

    /// The engagements it may act on.
    pub fn engagements(&self) -> Select<engagement::Entity> {
        engagement::Entity::find().filter(self.condition())
    }

    /// One engagement, if in reach.
    pub fn engagement(&self, id: Uuid) -> Select<engagement::Entity> {
        self.engagements().filter(engagement::Column::Id.eq(id))
    }

    /// The provider organisations an agency may invite (active CSPs, suppliers and assessors):
    /// none for a provider.
    pub fn invitable_providers(&self) -> Select<organisation::Entity> {
        let q = organisation::Entity::find().filter(organisation::Column::Active.eq(true)).filter(
            organisation::Column::Kind.is_in([OrgKind::Csp.code(), OrgKind::Supplier.code(), OrgKind::Assessor.code()]),
        );
        match self.side {
            Side::Agency(_) => q,
            Side::Provider(_) => q.filter(Expr::value(false)),
        }
    }

    /// The active organisation an agency names in an invitation, whatever its kind, so the answer
    /// can say why it does not fit (none for a provider).
    pub fn invitee(&self, id: Uuid) -> Select<organisation::Entity> {
        let q = organisation::Entity::find()
            .filter(organisation::Column::Id.eq(id))
            .filter(organisation::Column::Active.eq(true));
        match self.side {
            Side::Agency(_) => q,
            Side::Provider(_) => q.filter(Expr::value(false)),
        }
    }

    /// The websites an agency may put under an engagement: its own (none for a provider).
    pub fn own_websites(&self) -> Select<website::Entity> {
        match self.side {
            Side::Agency(id) => website::Entity::find().filter(website::Column::AgencyId.eq(id)),
            Side::Provider(_) => website::Entity::find().filter(Expr::value(false)),
        }
    }

    /// The ids of the engagements it may act on, as a subquery (for what hangs on them).
    pub fn engagement_ids(&self) -> SelectStatement {
        Query::select().column(engagement::Column::Id).from(engagement::Entity).cond_where(self.condition()).to_owned()
    }
}

pub async fn engagement_reader<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    today: Date,
) -> ServiceResult<EngagementReader> {
    let g = grant(actor, M::Engagements, Access::Read)?;
    Ok(EngagementReader { reach: g.reach(db, today).await?, viewer: g.organisation_id() })
}

pub fn engagement_writer(actor: &Actor) -> ServiceResult<EngagementWriter> {
    let g = grant(actor, M::Engagements, Access::Write)?;
    match g.org_kind() {
        OrgKind::Agency => Ok(EngagementWriter { side: Side::Agency(g.organisation_id()) }),
        k if k.is_provider() => Ok(EngagementWriter { side: Side::Provider(g.organisation_id()) }),
        _ => Err(ServiceError::Forbidden),
    }
}

/// The agency's side of its engagements, for another module's service that already holds the
/// right to end one through its own capability (an exit's completion, the agency's act).
pub(crate) fn agency_side(agency_id: Uuid) -> EngagementWriter {
    EngagementWriter { side: Side::Agency(agency_id) }
}

/// The names of these rows (`id` → `name`), two columns only.
async fn names<E: EntityTrait, C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = Uuid>,
    id: E::Column,
    name: E::Column,
) -> ServiceResult<HashMap<Uuid, String>> {
    use sea_orm::QuerySelect;
    let ids: HashSet<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(E::find()
        .select_only()
        .column(id)
        .column(name)
        .filter(id.is_in(ids))
        .into_tuple::<(Uuid, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

/// The names of these organisations: a name is shown wherever a row in reach names its
/// organisation (a submitter, a receiver, a provider), so it is no one's secret.
pub async fn org_names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> ServiceResult<HashMap<Uuid, String>> {
    names::<organisation::Entity, C>(conn, ids, organisation::Column::Id, organisation::Column::Name).await
}

/// The organisations whose name contains `needle` (any case), as a subquery of ids: a search box
/// narrows rows already in reach by the names they show.
pub fn orgs_named_like(needle: &str) -> SelectStatement {
    let escaped: String = needle
        .to_lowercase()
        .chars()
        .flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] })
        .collect();
    Query::select()
        .column((organisation::Entity, organisation::Column::Id))
        .from(organisation::Entity)
        .and_where(
            Expr::expr(Func::lower(Expr::col((organisation::Entity, organisation::Column::Name))))
                .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
        )
        .to_owned()
}

/// The display names of these people, for rows in reach that name who acted (who sent a version,
/// who reviewed it): the name only, never the account.
pub async fn person_names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> ServiceResult<HashMap<Uuid, String>> {
    names::<person::Entity, C>(conn, ids, person::Column::Id, person::Column::DisplayName).await
}

/// The active people of an organisation holding any of `roles`: the one query for "who at X
/// handles this" (administrators for engagements, report handlers for reports, duty officers…),
/// whom a service writes to about a row in its reach, or offers as a choice to that
/// organisation's own administrator.
pub async fn people_holding<C: ConnectionTrait>(
    conn: &C,
    organisation_id: Uuid,
    roles: &[Role],
) -> ServiceResult<Vec<person::Model>> {
    Ok(person::Entity::find()
        .filter(person::Column::OrganisationId.eq(organisation_id))
        .filter(person::Column::Active.eq(true))
        .filter(
            person::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(person_role::Column::PersonId)
                    .from(person_role::Entity)
                    .and_where(person_role::Column::Role.is_in(roles.iter().map(|r| r.code())))
                    .to_owned(),
            ),
        )
        .order_by_asc(person::Column::DisplayName)
        .order_by_asc(person::Column::Email)
        .all(conn)
        .await?)
}
