//! The rosters module's reach: whose duty desks each relationship sees (its own; an agency also
//! its providers' through an engagement in force today; a regulator its jurisdiction's agencies')
//! and which it manages (only its own) — capabilities built from the policy's grants.
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Select,
};
use time::Date;
use uuid::Uuid;

use super::entity::{
    calendar_event, calendar_feed, fixed_shift, handover, member, offer, override_, roster, rotation, special, status_report, stood,
};
use crate::{
    backend::{
        actor::Actor,
        policy::{grant, Access, Module as M, Reach, Relationship as Rel},
        ServiceError, ServiceResult,
    },
    tenancy::{
        entity::{engagement, organisation, person},
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

    /// The organisations with a desk (not archived) in reach: a jurisdiction's desks are paged by
    /// organisation.
    pub fn desk_organisations(&self) -> Select<organisation::Entity> {
        organisation::Entity::find().filter(organisation::Column::Id.in_subquery(
            Query::select()
                .column((roster::Entity, roster::Column::OrganisationId))
                .from(roster::Entity)
                .cond_where(desks(&self.reach, self.today))
                .and_where(roster::Column::ArchivedAt.is_null())
                .to_owned(),
        ))
    }

    /// The organisations with a desk in reach whose required cover has no primary now (as the
    /// duty job last recorded it).
    pub fn desk_organisations_uncovered(&self) -> Select<organisation::Entity> {
        organisation::Entity::find().filter(organisation::Column::Id.in_subquery(
            Query::select()
                .column((roster::Entity, roster::Column::OrganisationId))
                .from(roster::Entity)
                .cond_where(desks(&self.reach, self.today))
                .and_where(roster::Column::ArchivedAt.is_null())
                .and_where(roster::Column::UncoveredSince.is_not_null())
                .to_owned(),
        ))
    }

    /// The duty recorded as under way (open, uncorrected rows) at these rosters in reach.
    pub fn duty_under_way(&self, rosters: impl IntoIterator<Item = Uuid>) -> Select<stood::Entity> {
        stood::Entity::find()
            .filter(stood::Column::RosterId.is_in(rosters))
            .filter(stood::Column::RosterId.in_subquery(self.roster_ids()))
            .filter(stood::Column::EndsAt.is_null())
            .filter(uncorrected())
    }

    /// The duty recorded as under way at every roster in reach (a jurisdiction's "on duty now":
    /// the reach as a subquery, never a list of thousands of ids).
    pub fn duty_under_way_everywhere(&self) -> Select<stood::Entity> {
        stood::Entity::find()
            .filter(stood::Column::RosterId.in_subquery(self.roster_ids()))
            .filter(stood::Column::EndsAt.is_null())
            .filter(uncorrected())
    }

    /// The special periods of the rosters in reach.
    pub fn specials(&self) -> Select<special::Entity> {
        special::Entity::find().filter(special::Column::RosterId.in_subquery(self.roster_ids()))
    }

    /// What names the reach, for a view kept across requests (every reach a key of its own; an
    /// agency's desks include its providers' in force on the reader's day).
    pub fn reach_key(&self) -> String {
        match &self.reach {
            Reach::Agency(_) => format!("{}:{}", self.reach.key(), self.today),
            r => r.key(),
        }
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
            .filter(rotation::Column::RosterId.in_subquery(rosters_of_org(self.organisation_id)))
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// The organisation's active people, who may stand its duty.
    pub fn people(&self) -> Select<person::Entity> {
        people_of(self.organisation_id)
    }

    /// A special period of one of its rosters, or "not found".
    pub async fn special<C: ConnectionTrait>(&self, db: &C, id: Uuid) -> ServiceResult<special::Model> {
        special::Entity::find()
            .filter(special::Column::Id.eq(id))
            .filter(special::Column::RosterId.in_subquery(rosters_of_org(self.organisation_id)))
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// A stood row of one of its rosters, or "not found".
    pub async fn stood<C: ConnectionTrait>(&self, db: &C, id: Uuid) -> ServiceResult<stood::Model> {
        stood::Entity::find()
            .filter(stood::Column::Id.eq(id))
            .filter(stood::Column::RosterId.in_subquery(rosters_of_org(self.organisation_id)))
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound)
    }
}

/// The ids of an organisation's rosters, as a subquery.
fn rosters_of_org(organisation_id: Uuid) -> SelectStatement {
    Query::select()
        .column(roster::Column::Id)
        .from(roster::Entity)
        .and_where(roster::Column::OrganisationId.eq(organisation_id))
        .to_owned()
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

    pub fn organisation_id(&self) -> Uuid {
        self.organisation_id
    }

    /// The ids of its organisation's rosters.
    fn roster_ids(&self) -> SelectStatement {
        rosters_of_org(self.organisation_id)
    }

    /// One of its organisation's rosters, or "not found".
    pub async fn roster<C: ConnectionTrait>(&self, db: &C, id: Uuid) -> ServiceResult<roster::Model> {
        self.rosters().filter(roster::Column::Id.eq(id)).one(db).await?.ok_or(ServiceError::NotFound)
    }

    /// Its own calendar feeds.
    pub fn feeds(&self) -> Select<calendar_feed::Entity> {
        calendar_feed::Entity::find().filter(calendar_feed::Column::PersonId.eq(self.person_id))
    }

    /// The calendar feeds of its organisation's people.
    pub fn colleagues_feeds(&self) -> Select<calendar_feed::Entity> {
        calendar_feed::Entity::find().filter(calendar_feed::Column::PersonId.in_subquery(
            Query::select()
                .column(person::Column::Id)
                .from(person::Entity)
                .and_where(person::Column::OrganisationId.eq(self.organisation_id))
                .to_owned(),
        ))
    }

    /// The offers made at its organisation's rosters.
    pub fn offers(&self) -> Select<offer::Entity> {
        offer::Entity::find().filter(offer::Column::RosterId.in_subquery(self.roster_ids()))
    }

    /// The handovers written at its organisation's rosters.
    pub fn handovers(&self) -> Select<handover::Entity> {
        handover::Entity::find().filter(handover::Column::RosterId.in_subquery(self.roster_ids()))
    }

    /// The special periods of its organisation's rosters.
    pub fn specials(&self) -> Select<special::Entity> {
        special::Entity::find().filter(special::Column::RosterId.in_subquery(self.roster_ids()))
    }

    /// The status reports of these special periods (of its organisation's rosters).
    pub fn status_reports(&self, specials: impl IntoIterator<Item = Uuid>) -> Select<status_report::Entity> {
        status_report::Entity::find().filter(status_report::Column::SpecialId.is_in(specials)).filter(
            status_report::Column::SpecialId.in_subquery(
                Query::select()
                    .column(special::Column::Id)
                    .from(special::Entity)
                    .and_where(special::Column::RosterId.in_subquery(self.roster_ids()))
                    .to_owned(),
            ),
        )
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

/// Who stands primary duty now at the desks of these organisations, as the duty record holds it:
/// another module's record that names the organisations (an incident) tells them.
pub fn on_duty_at(organisations: Vec<Uuid>) -> Select<stood::Entity> {
    stood::Entity::find()
        .filter(
            stood::Column::RosterId.in_subquery(
                Query::select()
                    .column(roster::Column::Id)
                    .from(roster::Entity)
                    .and_where(roster::Column::OrganisationId.is_in(organisations))
                    .and_where(roster::Column::ArchivedAt.is_null())
                    .to_owned(),
            ),
        )
        .filter(stood::Column::EndsAt.is_null())
        .filter(stood::Column::Layer.eq("primary"))
        .filter(uncorrected())
}

/// A stood row no later row corrects.
fn uncorrected() -> Condition {
    use sea_orm::sea_query::Alias;
    let later = Alias::new("later");
    Condition::all().add(
        Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from_as(stood::Entity, later.clone())
                .and_where(Expr::col((later, stood::Column::Corrects)).equals((stood::Entity, stood::Column::Id)))
                .to_owned(),
        )
        .not(),
    )
}

impl RosterRows {
    pub fn handovers(&self) -> Select<handover::Entity> {
        handover::Entity::find().filter(handover::Column::RosterId.eq(self.id))
    }

    /// The duty stood at this roster as it stands (corrected rows left out).
    pub fn stood(&self) -> Select<stood::Entity> {
        stood::Entity::find().filter(stood::Column::RosterId.eq(self.id)).filter(uncorrected())
    }

    /// Every stood row of this roster, corrected ones too (the history's own history).
    pub fn stood_all(&self) -> Select<stood::Entity> {
        stood::Entity::find().filter(stood::Column::RosterId.eq(self.id))
    }
}

/// The duty job's work: rosters (not archived) whose recorded duty is due to change, or was never
/// resolved, or was edited since — the earliest due first.
pub fn rosters_to_resolve(now: time::OffsetDateTime) -> Select<roster::Entity> {
    use sea_orm::QueryOrder;
    roster::Entity::find()
        .filter(roster::Column::ArchivedAt.is_null())
        .filter(roster::Column::ResolvedUntil.is_null().or(roster::Column::ResolvedUntil.lte(now)))
        .order_by_asc(roster::Column::ResolvedUntil)
}

/// One roster for the duty job, its row locked (on PostgreSQL) until the job's transaction ends:
/// an edit's mark to record it again waits rather than being overwritten.
pub async fn roster_for_update<C: ConnectionTrait>(db: &C, id: Uuid) -> ServiceResult<Option<roster::Model>> {
    use sea_orm::{DbBackend, QuerySelect};
    let mut q = roster::Entity::find().filter(roster::Column::Id.eq(id));
    if db.get_database_backend() == DbBackend::Postgres {
        q = q.lock_exclusive();
    }
    Ok(q.one(db).await?)
}

/// The warning job's work: special periods of rosters in use with gaps (as last recorded)
/// starting before `soon` and not yet warned of, or before `again` and not warned twice — unless
/// published with the gaps accepted.
pub fn specials_to_warn(now: time::OffsetDateTime, soon: time::OffsetDateTime, again: time::OffsetDateTime) -> Select<special::Entity> {
    special::Entity::find()
        .filter(special::Column::GapSeconds.gt(0))
        .filter(special::Column::EndsAt.gt(now))
        .filter(special::Column::GapsAcceptedReason.is_null())
        .filter(special::Column::RosterId.in_subquery(
            Query::select().column(roster::Column::Id).from(roster::Entity).and_where(roster::Column::ArchivedAt.is_null()).to_owned(),
        ))
        .filter(
            Condition::any()
                .add(Condition::all().add(special::Column::WarnedAt.is_null()).add(special::Column::StartsAt.lt(soon)))
                .add(Condition::all().add(special::Column::WarnedAgainAt.is_null()).add(special::Column::StartsAt.lt(again))),
        )
}

/// The rosters of special periods the warning job found.
pub fn rosters_of(specials: &[special::Model]) -> Select<roster::Entity> {
    roster::Entity::find().filter(roster::Column::Id.is_in(specials.iter().map(|p| p.roster_id)))
}

/// A calendar feed read by its secret: the person it belongs to (still active) sees its own
/// organisation's rosters, or the one roster the feed is of — the feed has the person's reach in
/// rosters, never more.
pub struct FeedOwner {
    feed: calendar_feed::Model,
    organisation_id: Uuid,
}

impl FeedOwner {
    /// The live feed with this secret's hash, if its person is active.
    pub async fn by_token<C: ConnectionTrait>(db: &C, token_hash: &str) -> ServiceResult<Option<FeedOwner>> {
        let Some(feed) = calendar_feed::Entity::find()
            .filter(calendar_feed::Column::TokenHash.eq(token_hash))
            .filter(calendar_feed::Column::RevokedAt.is_null())
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        let person = person::Entity::find_by_id(feed.person_id).filter(person::Column::Active.eq(true)).one(db).await?;
        Ok(person.map(|p| FeedOwner { feed, organisation_id: p.organisation_id }))
    }

    pub fn feed(&self) -> &calendar_feed::Model {
        &self.feed
    }

    /// The rosters the feed covers.
    pub fn rosters(&self) -> Select<roster::Entity> {
        let q = roster::Entity::find().filter(roster::Column::OrganisationId.eq(self.organisation_id));
        match self.feed.roster_id {
            Some(id) => q.filter(roster::Column::Id.eq(id)),
            None => q,
        }
    }

    /// What the feed has sent.
    pub fn events(&self) -> Select<calendar_event::Entity> {
        calendar_event::Entity::find().filter(calendar_event::Column::FeedId.eq(self.feed.id))
    }
}
