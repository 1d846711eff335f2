//! The tenancy module's reach: what each relationship sees of websites, engagements, people and the
//! platform's lists, as capabilities built from the policy's [`Grant`] that hand out pre-filtered
//! selects. "Engagement in force today" and "the agencies of a jurisdiction today" are defined
//! here, once, for every module.
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Select,
};
use time::Date;
use uuid::Uuid;

use super::entity::{engagement, engagement_website, organisation, person, website};
use crate::{
    backend::{
        actor::Actor,
        policy::{grant, Access, Grant, Module as M, Reach, Relationship as Rel},
        ServiceError, ServiceResult,
    },
    domain::{EngagementStatus, OrgKind},
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

/// May read the mail outbox's state (dead letters).
#[derive(Debug)]
pub struct OutboxReader {
    _grant: Grant,
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

    /// The people it manages: its own organisation's.
    pub fn people(&self) -> Select<person::Entity> {
        person::Entity::find().filter(person::Column::OrganisationId.eq(self.organisation_id))
    }
}

pub fn platform_admin(actor: &Actor) -> ServiceResult<PlatformAdmin> {
    Ok(PlatformAdmin {
        _grant: grant(actor, M::Organisations, Access::Write)?,
    })
}

pub fn jurisdiction_admin(actor: &Actor) -> ServiceResult<JurisdictionAdmin> {
    Ok(JurisdictionAdmin {
        _grant: grant(actor, M::Jurisdictions, Access::Write)?,
    })
}

pub fn outbox_reader(actor: &Actor) -> ServiceResult<OutboxReader> {
    Ok(OutboxReader {
        _grant: grant(actor, M::Outbox, Access::Read)?,
    })
}

pub fn people_admin(actor: &Actor) -> ServiceResult<PeopleAdmin> {
    let g = grant(actor, M::People, Access::Write)?;
    Ok(PeopleAdmin {
        organisation_id: g.organisation_id(),
    })
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

    /// The websites it may change: its agency's.
    pub fn websites(&self) -> Select<website::Entity> {
        website::Entity::find().filter(website::Column::AgencyId.eq(self.agency_id))
    }
}

pub async fn website_reader<C: ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<WebsiteReader> {
    let g = grant(actor, M::Websites, Access::Read)?;
    Ok(WebsiteReader {
        reach: g.reach(db, today).await?,
    })
}

pub fn website_writer(actor: &Actor) -> ServiceResult<WebsiteWriter> {
    let g = grant(actor, M::Websites, Access::Write)?;
    match g.relationship() {
        Rel::Own if g.org_kind() == OrgKind::Agency => Ok(WebsiteWriter {
            agency_id: g.organisation_id(),
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
}

pub async fn engagement_reader<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    today: Date,
) -> ServiceResult<EngagementReader> {
    let g = grant(actor, M::Engagements, Access::Read)?;
    Ok(EngagementReader {
        reach: g.reach(db, today).await?,
        viewer: g.organisation_id(),
    })
}

pub fn engagement_writer(actor: &Actor) -> ServiceResult<EngagementWriter> {
    let g = grant(actor, M::Engagements, Access::Write)?;
    match g.org_kind() {
        OrgKind::Agency => Ok(EngagementWriter {
            side: Side::Agency(g.organisation_id()),
        }),
        k if k.is_provider() => Ok(EngagementWriter {
            side: Side::Provider(g.organisation_id()),
        }),
        _ => Err(ServiceError::Forbidden),
    }
}
