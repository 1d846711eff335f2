//! The reports module's reach: which obligations (and so submissions, versions and files) each
//! relationship sees, submits under or reviews — capabilities built from the policy's [`Grant`]
//! that hand out pre-filtered selects.
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Select};
use time::Date;
use uuid::Uuid;

use super::entity::obligation;
use crate::{
    backend::{
        actor::Actor,
        policy::{grant, may, Access, Module as M, Reach, Relationship as Rel},
        ServiceError, ServiceResult,
    },
    domain::OrgKind,
    tenancy::{
        entity::{engagement, organisation},
        scope::{agencies_under, engagements_in_force, jurisdiction_agencies},
    },
};

/// Report obligations (report_obligation rows) a reach sees: an agency's own (owed to it or by
/// it), a provider's own submissions, or everything about its jurisdiction's agencies.
fn obligation_condition(reach: &Reach) -> Condition {
    match reach {
        Reach::Agency(id) => Condition::all().add(obligation::Column::AgencyId.eq(*id)),
        // Its own obligations, and only while the engagement they sit on is in force: ended,
        // declined or not yet accepted, the provider reaches nothing of that agency.
        Reach::Provider { organisation_id, today } => Condition::all()
            .add(obligation::Column::SubmitterId.eq(*organisation_id))
            .add(obligation::Column::EngagementId.in_subquery(engagements_in_force(Some(*organisation_id), *today))),
        // The agencies of its jurisdiction today: an agency moved away leaves with its history.
        Reach::Regulators(ids) => Condition::all().add(obligation::Column::AgencyId.in_subquery(agencies_under(ids))),
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
        obligation_condition(&self.reach)
    }

    /// The obligations in reach.
    pub fn obligations(&self) -> Select<obligation::Entity> {
        obligation::Entity::find().filter(self.condition())
    }

    /// One obligation, if in reach.
    pub fn obligation(&self, id: Uuid) -> Select<obligation::Entity> {
        self.obligations().filter(obligation::Column::Id.eq(id))
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
            Reach::Regulators(ids) => Some(jurisdiction_agencies(ids)),
            _ => None,
        }
    }
}

pub async fn report_reader<C: ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<ReportReader> {
    let g = grant(actor, M::Reports, Access::Read)?;
    Ok(ReportReader {
        reach: g.reach(db, today).await?,
        viewer: g.organisation_id(),
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

    /// The obligations it submits under.
    pub fn obligations(&self) -> Select<obligation::Entity> {
        obligation::Entity::find().filter(self.condition())
    }

    /// One obligation, if in reach.
    pub fn obligation(&self, id: Uuid) -> Select<obligation::Entity> {
        self.obligations().filter(obligation::Column::Id.eq(id))
    }
}

/// `today` is the portal's day (`AppState::today`), the day reach is judged by.
pub fn report_submitter(actor: &Actor, today: Date) -> ServiceResult<ReportSubmitter> {
    let g = grant(actor, M::Reports, Access::Write)?;
    match g.relationship() {
        Rel::Own => Ok(ReportSubmitter {
            organisation_id: g.organisation_id(),
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

    /// The obligations it decides on.
    pub fn obligations(&self) -> Select<obligation::Entity> {
        obligation::Entity::find().filter(self.condition())
    }

    /// One obligation, if in reach.
    pub fn obligation(&self, id: Uuid) -> Select<obligation::Entity> {
        self.obligations().filter(obligation::Column::Id.eq(id))
    }

    /// Engagements it may set provider reports over (an agency's own).
    fn engagement_condition(&self) -> Option<Condition> {
        match &self.scope {
            ReviewerScope::Agency(id) => Some(Condition::all().add(engagement::Column::AgencyId.eq(*id))),
            ReviewerScope::Regulator { .. } => None,
        }
    }

    /// Agencies it may ask reports of (a regulator's jurisdiction).
    fn agency_condition(&self) -> Option<Condition> {
        match &self.scope {
            ReviewerScope::Agency(_) => None,
            ReviewerScope::Regulator { subtree, .. } => Some(jurisdiction_agencies(subtree)),
        }
    }

    /// The agencies it may ask reports of (none for an agency).
    pub fn agencies(&self) -> Option<Select<organisation::Entity>> {
        self.agency_condition().map(|c| organisation::Entity::find().filter(c))
    }

    /// The engagements it may set provider reports over (none for a regulator).
    pub fn engagements(&self) -> Option<Select<engagement::Entity>> {
        self.engagement_condition()
            .map(|c| engagement::Entity::find().filter(c))
    }
}

pub async fn report_reviewer<C: ConnectionTrait>(db: &C, actor: &Actor) -> ServiceResult<ReportReviewer> {
    let g = grant(actor, M::ReportReview, Access::Write)?;
    match g.relationship() {
        Rel::Own if g.org_kind() == OrgKind::Agency => Ok(ReportReviewer {
            scope: ReviewerScope::Agency(g.organisation_id()),
        }),
        Rel::Jurisdiction => Ok(ReportReviewer {
            scope: ReviewerScope::Regulator {
                id: g.organisation_id(),
                subtree: g.subtree(db).await?,
            },
        }),
        _ => Err(ServiceError::Forbidden),
    }
}

/// Whether the actor may review reports at all (for showing the controls; services check again).
pub fn may_review(actor: &Actor) -> bool {
    may(actor, M::ReportReview, Access::Write)
}

/// Whether the actor may submit reports its organisation owes.
pub fn may_submit(actor: &Actor) -> bool {
    may(actor, M::Reports, Access::Write)
        && crate::backend::policy::relationship(actor.org_kind, M::Reports) == Some(Rel::Own)
}
