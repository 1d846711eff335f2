//! Exits' reach: an agency sees its own exits (completed ones too, for its record); a provider
//! sees the exits of its engagements while the engagement is in force today — so a completed exit,
//! which ends the engagement, leaves its reach at once; the assessor an agency named sees that
//! exit while it has an engagement in force with the agency; a regulator sees its jurisdiction's
//! agencies' exits (as the jurisdiction is today). Writers: the agency, the provider and the named
//! assessor, each only its own part (the rules say which).
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Select,
};
use time::Date;
use uuid::Uuid;

use super::{
    entity::{exit, item, step},
    rules::Party,
};
use crate::{
    backend::{
        actor::Actor,
        policy::{grant, Access, Module as M, Reach},
        ServiceError, ServiceResult,
    },
    domain::{EngagementRole, OrgKind},
    tenancy::{
        entity::{engagement, organisation},
        scope::{agencies_served, agencies_under, engagements_in_force},
    },
};

/// The exits a reach sees, as a condition on exit rows.
fn exit_condition(reach: &Reach) -> Condition {
    match reach {
        Reach::Agency(id) => Condition::all().add(exit::Column::AgencyId.eq(*id)),
        Reach::Provider { organisation_id, today } => Condition::any()
            .add(
                Condition::all()
                    .add(exit::Column::ProviderId.eq(*organisation_id))
                    .add(exit::Column::EngagementId.in_subquery(engagements_in_force(Some(*organisation_id), *today))),
            )
            .add(
                Condition::all()
                    .add(exit::Column::AssessorId.eq(*organisation_id))
                    .add(exit::Column::AgencyId.in_subquery(agencies_served(*organisation_id, *today))),
            ),
        Reach::Regulators(ids) => Condition::all().add(exit::Column::AgencyId.in_subquery(agencies_under(ids))),
    }
}

fn exit_ids(reach: &Reach) -> SelectStatement {
    Query::select().column((exit::Entity, exit::Column::Id)).from(exit::Entity).cond_where(exit_condition(reach)).to_owned()
}

/// May read the exits of its reach.
#[derive(Debug, Clone)]
pub struct ExitReader {
    reach: Reach,
    viewer: Uuid,
    kind: OrgKind,
}

impl ExitReader {
    pub fn viewer(&self) -> Uuid {
        self.viewer
    }

    pub fn viewer_kind(&self) -> OrgKind {
        self.kind
    }

    pub fn exits(&self) -> Select<exit::Entity> {
        exit::Entity::find().filter(exit_condition(&self.reach))
    }

    pub fn exit(&self, id: Uuid) -> Select<exit::Entity> {
        self.exits().filter(exit::Column::Id.eq(id))
    }

    pub fn steps(&self, exit_id: Uuid) -> Select<step::Entity> {
        step::Entity::find().filter(step::Column::ExitId.eq(exit_id)).filter(step::Column::ExitId.in_subquery(exit_ids(&self.reach)))
    }

    /// The steps of every exit in reach (the list's overdue flag).
    pub fn all_steps(&self) -> Select<step::Entity> {
        step::Entity::find().filter(step::Column::ExitId.in_subquery(exit_ids(&self.reach)))
    }

    pub fn items(&self, exit_id: Uuid) -> Select<item::Entity> {
        item::Entity::find().filter(item::Column::ExitId.eq(exit_id)).filter(item::Column::ExitId.in_subquery(exit_ids(&self.reach)))
    }

    /// The items of every exit in reach (the list's counts).
    pub fn all_items(&self) -> Select<item::Entity> {
        item::Entity::find().filter(item::Column::ExitId.in_subquery(exit_ids(&self.reach)))
    }

    /// One item of an exit in reach (its file's download).
    pub fn item(&self, id: Uuid) -> Select<item::Entity> {
        item::Entity::find().filter(item::Column::Id.eq(id)).filter(item::Column::ExitId.in_subquery(exit_ids(&self.reach)))
    }

    /// The viewer's part in an exit it reaches.
    pub fn party(&self, e: &exit::Model) -> Option<Party> {
        if e.agency_id == self.viewer {
            Some(Party::Agency)
        } else if e.provider_id == self.viewer {
            Some(Party::Provider)
        } else if e.assessor_id == Some(self.viewer) {
            Some(Party::Assessor)
        } else {
            None
        }
    }
}

/// The exit reader of an actor (any role the table lets read).
pub async fn exit_reader<C: ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<ExitReader> {
    let g = grant(actor, M::Exit, Access::Read)?;
    Ok(ExitReader { reach: g.reach(db, today).await?, viewer: g.organisation_id(), kind: g.org_kind() })
}

/// Who acts on exits: an agency, a provider or an assessor with write access in the table; a
/// regulator reads and never writes.
#[derive(Debug, Clone)]
pub struct ExitWriter {
    reader: ExitReader,
    today: Date,
}

impl ExitWriter {
    pub fn reader(&self) -> &ExitReader {
        &self.reader
    }

    pub fn organisation_id(&self) -> Uuid {
        self.reader.viewer
    }

    pub fn today(&self) -> Date {
        self.today
    }

    /// The agency's engagements an exit may be opened on: in force today, with a provider that
    /// holds its data (a CSP or a supply-chain provider; an assessor signs exits off instead).
    pub fn openable(&self) -> Select<engagement::Entity> {
        let agency = if self.reader.kind == OrgKind::Agency { self.reader.viewer } else { Uuid::nil() };
        engagement::Entity::find()
            .filter(engagement::Column::AgencyId.eq(agency))
            .filter(engagement::Column::Role.ne(EngagementRole::Assessor.code()))
            .filter(engagement::Column::Id.in_subquery(engagements_in_force(None, self.today)))
    }

    /// The assessors the agency may name: those it has an assessor engagement in force with.
    pub fn assessors(&self, agency_id: Uuid) -> Select<organisation::Entity> {
        let engaged = Query::select()
            .column((engagement::Entity, engagement::Column::ProviderId))
            .from(engagement::Entity)
            .and_where(Expr::col((engagement::Entity, engagement::Column::AgencyId)).eq(agency_id))
            .and_where(Expr::col((engagement::Entity, engagement::Column::Role)).eq(EngagementRole::Assessor.code()))
            .and_where(Expr::col((engagement::Entity, engagement::Column::Id)).in_subquery(engagements_in_force(None, self.today)))
            .to_owned();
        organisation::Entity::find().filter(organisation::Column::Id.in_subquery(engaged))
    }

    /// One exit in reach, for a change, locked on PostgreSQL so two changes to one exit queue.
    pub fn exit_for_update(&self, id: Uuid, backend: sea_orm::DbBackend) -> Select<exit::Entity> {
        use sea_orm::QuerySelect;
        let q = self.reader.exit(id);
        if backend == sea_orm::DbBackend::Postgres {
            q.lock_exclusive()
        } else {
            q
        }
    }

    /// The engagement of an exit in reach (its completion ends it).
    pub fn engagement_of(&self, e: &exit::Model) -> Select<engagement::Entity> {
        engagement::Entity::find().filter(engagement::Column::Id.eq(e.engagement_id))
    }
}

/// The exit writer of an actor.
pub async fn exit_writer<C: ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<ExitWriter> {
    let g = grant(actor, M::Exit, Access::Write)?;
    if !matches!(g.org_kind(), OrgKind::Agency | OrgKind::Csp | OrgKind::Supplier | OrgKind::Assessor) {
        return Err(ServiceError::Forbidden);
    }
    let reader = ExitReader { reach: g.reach(db, today).await?, viewer: g.organisation_id(), kind: g.org_kind() };
    Ok(ExitWriter { reader, today })
}

/// The reader, and the writer when the actor may write: the reach is worked out once (a
/// regulator's subtree is a query), not once for each.
pub async fn exit_reader_and_writer<C: ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<(ExitReader, Option<ExitWriter>)> {
    match exit_writer(db, actor, today).await {
        Ok(w) => Ok((w.reader.clone(), Some(w))),
        Err(ServiceError::Forbidden) => Ok((exit_reader(db, actor, today).await?, None)),
        Err(e) => Err(e),
    }
}

/// Whether any exit's item names these bytes (the file sweep keeps them).
pub async fn bytes_referenced<C: ConnectionTrait>(db: &C, sha256: &str) -> Result<bool, sea_orm::DbErr> {
    use sea_orm::PaginatorTrait;
    Ok(item::Entity::find().filter(item::Column::FileSha256.eq(sha256)).count(db).await? > 0)
}

/// What the reminder job reads: every exit not final, and its steps (a job acts for nobody).
pub(in crate::exit) mod for_job {
    use super::*;

    pub fn open_exits() -> Select<exit::Entity> {
        exit::Entity::find().filter(exit::Column::OpenEngagementId.is_not_null())
    }

    pub fn steps_of(ids: Vec<Uuid>) -> Select<step::Entity> {
        step::Entity::find().filter(step::Column::ExitId.is_in(ids))
    }
}
