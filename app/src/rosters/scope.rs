//! The rosters module's reach: whose duty desks each relationship sees (its own; an agency also
//! its providers' through an engagement in force today; a regulator its jurisdiction's agencies')
//! and which it manages (only its own) — capabilities built from the policy's grants.
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Select,
};
use time::Date;
use uuid::Uuid;

use super::entity::{fixed_shift, member, offer, override_, roster, rotation, special};
use crate::{
    backend::{
        actor::Actor,
        policy::{grant, Access, Module as M, Reach, Relationship as Rel},
        ServiceError, ServiceResult,
    },
    tenancy::{
        entity::{engagement, person},
        scope::{agencies_under, engagements_in_force},
    },
};

/// The organisations whose rosters a reach sees, as a subquery of organisation ids.
fn desks(reach: &Reach, today: Date) -> Condition {
    match reach {
        // Its own, and the desks of the providers serving it under an engagement in force today.
        Reach::Agency(id) => {
            let providers = Query::select()
                .column((engagement::Entity, engagement::Column::ProviderId))
                .from(engagement::Entity)
                .and_where(Expr::col((engagement::Entity, engagement::Column::AgencyId)).eq(*id))
                .and_where(Expr::col((engagement::Entity, engagement::Column::Id)).in_subquery(engagements_in_force(None, today)))
                .to_owned();
            Condition::any().add(roster::Column::OrganisationId.eq(*id)).add(roster::Column::OrganisationId.in_subquery(providers))
        }
        Reach::Provider { organisation_id, .. } => Condition::all().add(roster::Column::OrganisationId.eq(*organisation_id)),
        Reach::Regulators(ids) => Condition::all().add(roster::Column::OrganisationId.in_subquery(agencies_under(ids))),
    }
}

/// May read the rosters of its reach: who is on duty, the cover, the gaps.
#[derive(Debug, Clone)]
pub struct RosterReader {
    reach: Reach,
    viewer: Uuid,
    today: Date,
}

impl RosterReader {
    /// The rosters in reach, archived ones included (their history stays readable).
    pub fn rosters(&self) -> Select<roster::Entity> {
        roster::Entity::find().filter(desks(&self.reach, self.today))
    }

    /// One roster in reach ("not found" outside it).
    pub fn roster(&self, id: Uuid) -> Select<roster::Entity> {
        self.rosters().filter(roster::Column::Id.eq(id))
    }

    /// The ids of the rosters in reach, for the module's other tables.
    pub fn roster_ids(&self) -> SelectStatement {
        Query::select()
            .column((roster::Entity, roster::Column::Id))
            .from(roster::Entity)
            .cond_where(desks(&self.reach, self.today))
            .to_owned()
    }

    pub fn viewer(&self) -> Uuid {
        self.viewer
    }

    /// Whether the reader sees a jurisdiction's agencies (the regulator's view).
    pub fn is_jurisdiction(&self) -> bool {
        matches!(self.reach, Reach::Regulators(_))
    }
}

pub async fn roster_reader<C: ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<RosterReader> {
    let g = grant(actor, M::Rosters, Access::Read)?;
    Ok(RosterReader { reach: g.reach(db, today).await?, viewer: g.organisation_id(), today })
}

/// May set up and change its own organisation's rosters.
#[derive(Debug, Clone)]
pub struct RosterManager {
    organisation_id: Uuid,
}

impl RosterManager {
    pub fn organisation_id(&self) -> Uuid {
        self.organisation_id
    }

    /// Its organisation's rosters.
    pub fn rosters(&self) -> Select<roster::Entity> {
        roster::Entity::find().filter(roster::Column::OrganisationId.eq(self.organisation_id))
    }

    /// One of its rosters, or "not found".
    pub async fn roster<C: ConnectionTrait>(&self, db: &C, id: Uuid) -> ServiceResult<roster::Model> {
        self.rosters().filter(roster::Column::Id.eq(id)).one(db).await?.ok_or(ServiceError::NotFound)
    }

    /// A rotation version of one of its rosters, or "not found".
    pub async fn rotation<C: ConnectionTrait>(&self, db: &C, id: Uuid) -> ServiceResult<rotation::Model> {
        rotation::Entity::find()
            .filter(rotation::Column::Id.eq(id))
            .filter(rotation::Column::RosterId.in_subquery(
                Query::select()
                    .column(roster::Column::Id)
                    .from(roster::Entity)
                    .and_where(roster::Column::OrganisationId.eq(self.organisation_id))
                    .to_owned(),
            ))
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// The organisation's active people, who may stand its duty.
    pub fn people(&self) -> Select<person::Entity> {
        people_of(self.organisation_id)
    }
}

/// The active people of an organisation.
fn people_of(organisation_id: Uuid) -> Select<person::Entity> {
    person::Entity::find().filter(person::Column::OrganisationId.eq(organisation_id)).filter(person::Column::Active.eq(true))
}

pub fn roster_manager(actor: &Actor) -> ServiceResult<RosterManager> {
    let g = grant(actor, M::Rosters, Access::Write)?;
    if g.relationship() != Rel::Own {
        return Err(ServiceError::Forbidden);
    }
    Ok(RosterManager { organisation_id: g.organisation_id() })
}

/// May stand its own organisation's duty: write handovers and status reports, offer and take shifts.
#[derive(Debug, Clone)]
pub struct DutyStander {
    person_id: Uuid,
    organisation_id: Uuid,
}

impl DutyStander {
    pub fn person_id(&self) -> Uuid {
        self.person_id
    }

    /// Its organisation's rosters.
    pub fn rosters(&self) -> Select<roster::Entity> {
        roster::Entity::find().filter(roster::Column::OrganisationId.eq(self.organisation_id))
    }

    /// Its colleagues who may take a shift.
    pub fn colleagues(&self) -> Select<person::Entity> {
        people_of(self.organisation_id)
    }
}

pub fn duty_stander(actor: &Actor) -> ServiceResult<DutyStander> {
    let g = grant(actor, M::Duty, Access::Write)?;
    Ok(DutyStander { person_id: actor.person_id, organisation_id: g.organisation_id() })
}

/// The managers of an organisation's rosters (its administrators and security officers), who
/// are told of its gaps: the shared "people of X holding roles R" query.
pub async fn managers_of<C: ConnectionTrait>(db: &C, organisation_id: Uuid) -> ServiceResult<Vec<person::Model>> {
    use crate::domain::Role;
    crate::tenancy::scope::people_holding(db, organisation_id, &[Role::OrgAdmin, Role::SecurityOfficer]).await
}

/// The rows that belong to one roster a capability handed out (its rotations, members,
/// overrides, taken offers, special periods and their fixed shifts): every select starts here.
pub struct RosterRows {
    id: Uuid,
}

/// The rows of `roster`, a row read through [`RosterReader`] or [`RosterManager`].
pub fn rows_of(roster: &roster::Model) -> RosterRows {
    RosterRows { id: roster.id }
}

impl RosterRows {
    pub fn rotations(&self) -> Select<rotation::Entity> {
        rotation::Entity::find().filter(rotation::Column::RosterId.eq(self.id))
    }

    /// The members of these rotation versions (of this roster).
    pub fn members(&self, versions: impl IntoIterator<Item = Uuid>) -> Select<member::Entity> {
        member::Entity::find()
            .filter(member::Column::RotationId.is_in(versions))
            .filter(member::Column::RotationId.in_subquery(
                Query::select()
                    .column(rotation::Column::Id)
                    .from(rotation::Entity)
                    .and_where(rotation::Column::RosterId.eq(self.id))
                    .to_owned(),
            ))
    }

    pub fn overrides(&self) -> Select<override_::Entity> {
        override_::Entity::find().filter(override_::Column::RosterId.eq(self.id))
    }

    pub fn offers(&self) -> Select<offer::Entity> {
        offer::Entity::find().filter(offer::Column::RosterId.eq(self.id))
    }

    pub fn specials(&self) -> Select<special::Entity> {
        special::Entity::find().filter(special::Column::RosterId.eq(self.id))
    }

    /// The fixed shifts of these special periods (of this roster).
    pub fn fixed_shifts(&self, specials: impl IntoIterator<Item = Uuid>) -> Select<fixed_shift::Entity> {
        fixed_shift::Entity::find().filter(fixed_shift::Column::SpecialId.is_in(specials)).filter(
            fixed_shift::Column::SpecialId.in_subquery(
                Query::select()
                    .column(special::Column::Id)
                    .from(special::Entity)
                    .and_where(special::Column::RosterId.eq(self.id))
                    .to_owned(),
            ),
        )
    }
}
