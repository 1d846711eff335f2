//! Emergency response's reach: an agency sees its own plans, drills, incidents and actions; a
//! provider sees them only through an engagement in force today (plans of the agencies it serves,
//! drills it took part in, incidents on the websites it serves, actions it owns); a regulator sees
//! its jurisdiction's agencies'. Writers: the agency over its own records, a provider over its own
//! emergency contacts and the incidents in its reach.
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryTrait, Select,
};
use time::Date;
use uuid::Uuid;

use super::entity::{action, agency_setting, contact, drill, drill_org, entry, incident, incident_website, milestone, plan, version};
use crate::{
    backend::{
        actor::Actor,
        policy::{grant, Access, Module as M, Reach},
        ServiceError, ServiceResult,
    },
    domain::OrgKind,
    tenancy::{
        entity::{engagement, organisation, person, website},
        scope::{agencies_served, agencies_under, engagements_in_force, websites_served},
    },
};

/// The agencies whose records a reach sees in full (an agency: itself; a regulator: its
/// jurisdiction's), as a condition on `column`; a provider's reach is narrower and per table.
fn agencies(reach: &Reach, column: impl ColumnTrait) -> Option<Condition> {
    match reach {
        Reach::Agency(id) => Some(Condition::all().add(column.eq(*id))),
        Reach::Regulators(ids) => Some(Condition::all().add(column.in_subquery(agencies_under(ids)))),
        Reach::Provider { .. } => None,
    }
}

/// May read the emergency-response records of its reach.
#[derive(Debug, Clone)]
pub struct ErReader {
    reach: Reach,
    viewer: Uuid,
    kind: OrgKind,
}

impl ErReader {
    pub fn viewer(&self) -> Uuid {
        self.viewer
    }

    pub fn viewer_kind(&self) -> OrgKind {
        self.kind
    }

    pub fn is_jurisdiction(&self) -> bool {
        matches!(self.reach, Reach::Regulators(_))
    }

    /// What names the reach, for a view kept across requests.
    pub fn reach_key(&self) -> String {
        self.reach.key()
    }

    /// The plans in reach: a provider's are those of the agencies it serves, general or for a
    /// website it serves.
    pub fn plans(&self) -> Select<plan::Entity> {
        let cond = agencies(&self.reach, plan::Column::AgencyId).unwrap_or_else(|| match &self.reach {
            Reach::Provider { organisation_id, today } => Condition::all()
                .add(plan::Column::AgencyId.in_subquery(agencies_served(*organisation_id, *today)))
                .add(
                    Condition::any()
                        .add(plan::Column::WebsiteId.is_null())
                        .add(plan::Column::WebsiteId.in_subquery(websites_served(*organisation_id, *today))),
                ),
            _ => Condition::all(),
        });
        plan::Entity::find().filter(cond)
    }

    pub fn plan(&self, id: Uuid) -> Select<plan::Entity> {
        self.plans().filter(plan::Column::Id.eq(id))
    }

    fn plan_ids(&self) -> SelectStatement {
        let mut q = self.plans().into_query();
        q.clear_selects();
        q.column((plan::Entity, plan::Column::Id));
        q
    }

    /// The versions of the plans in reach.
    pub fn versions(&self) -> Select<version::Entity> {
        version::Entity::find().filter(version::Column::PlanId.in_subquery(self.plan_ids()))
    }

    /// The engagements in force of an agency in reach whose contacts the reader sees (none for
    /// another agency's reader).
    fn contact_engagements(&self, agency_id: Uuid, today: Date) -> SelectStatement {
        let mut engagements = engagements_in_force(None, today);
        engagements.and_where(Expr::col((engagement::Entity, engagement::Column::AgencyId)).eq(agency_id));
        let agency = Expr::col((engagement::Entity, engagement::Column::AgencyId));
        match &self.reach {
            Reach::Agency(id) => engagements.and_where(agency.eq(*id)),
            Reach::Provider { organisation_id, today } => {
                engagements.and_where(agency.in_subquery(agencies_served(*organisation_id, *today)))
            }
            Reach::Regulators(ids) => engagements.and_where(agency.in_subquery(agencies_under(ids))),
        };
        engagements
    }

    /// The emergency contacts the providers in force keep for an agency in reach (every
    /// provider's, as the plan shows them).
    pub fn contacts_of(&self, agency_id: Uuid, today: Date) -> Select<contact::Entity> {
        contact::Entity::find().filter(contact::Column::EngagementId.in_subquery(self.contact_engagements(agency_id, today)))
    }

    /// Those engagements themselves (their provider is shown with the contacts).
    pub fn contact_engagements_of(&self, agency_id: Uuid, today: Date) -> Select<engagement::Entity> {
        engagement::Entity::find().filter(engagement::Column::Id.in_subquery(self.contact_engagements(agency_id, today)))
    }

    /// The drills in reach: a provider's are those it took part in, of agencies it serves.
    pub fn drills(&self) -> Select<drill::Entity> {
        let cond = agencies(&self.reach, drill::Column::AgencyId).unwrap_or_else(|| match &self.reach {
            Reach::Provider { organisation_id, today } => Condition::all()
                .add(drill::Column::AgencyId.in_subquery(agencies_served(*organisation_id, *today)))
                .add(
                    drill::Column::Id.in_subquery(
                        Query::select()
                            .column(drill_org::Column::DrillId)
                            .from(drill_org::Entity)
                            .and_where(drill_org::Column::OrganisationId.eq(*organisation_id))
                            .to_owned(),
                    ),
                ),
            _ => Condition::all(),
        });
        drill::Entity::find().filter(cond)
    }

    fn drill_ids(&self) -> SelectStatement {
        let mut q = self.drills().into_query();
        q.clear_selects();
        q.column((drill::Entity, drill::Column::Id));
        q
    }

    /// Who took part in the drills in reach.
    pub fn drill_orgs(&self) -> Select<drill_org::Entity> {
        drill_org::Entity::find().filter(drill_org::Column::DrillId.in_subquery(self.drill_ids()))
    }

    /// The restore-drill intervals of the agencies in reach.
    pub fn settings(&self) -> Select<agency_setting::Entity> {
        let cond = agencies(&self.reach, agency_setting::Column::AgencyId).unwrap_or_else(|| match &self.reach {
            Reach::Provider { organisation_id, today } => {
                Condition::all().add(agency_setting::Column::AgencyId.in_subquery(agencies_served(*organisation_id, *today)))
            }
            _ => Condition::all(),
        });
        agency_setting::Entity::find().filter(cond)
    }

    /// The incidents in reach: a provider's are those touching a website it serves.
    pub fn incidents(&self) -> Select<incident::Entity> {
        incident::Entity::find().filter(incident_condition(&self.reach))
    }

    fn incident_ids(&self) -> SelectStatement {
        Query::select()
            .column((incident::Entity, incident::Column::Id))
            .from(incident::Entity)
            .cond_where(incident_condition(&self.reach))
            .to_owned()
    }

    pub fn incident_websites(&self) -> Select<incident_website::Entity> {
        incident_website::Entity::find().filter(incident_website::Column::IncidentId.in_subquery(self.incident_ids()))
    }

    pub fn milestones(&self) -> Select<milestone::Entity> {
        milestone::Entity::find().filter(milestone::Column::IncidentId.in_subquery(self.incident_ids()))
    }

    pub fn entries(&self) -> Select<entry::Entity> {
        entry::Entity::find().filter(entry::Column::IncidentId.in_subquery(self.incident_ids()))
    }

    /// The follow-up actions in reach: a provider's are those it owns, of agencies it serves.
    pub fn actions(&self) -> Select<action::Entity> {
        action::Entity::find().filter(action_condition(&self.reach))
    }

    /// The websites in reach, for naming them.
    pub fn websites(&self) -> Select<website::Entity> {
        let cond = agencies(&self.reach, website::Column::AgencyId).unwrap_or_else(|| match &self.reach {
            Reach::Provider { organisation_id, today } => {
                Condition::all().add(website::Column::Id.in_subquery(websites_served(*organisation_id, *today)))
            }
            _ => Condition::all(),
        });
        website::Entity::find().filter(cond)
    }

    /// The agencies in reach (for a regulator's and a provider's lists).
    pub fn agencies(&self) -> Select<organisation::Entity> {
        let cond = match &self.reach {
            Reach::Agency(id) => Condition::all().add(organisation::Column::Id.eq(*id)),
            Reach::Regulators(ids) => Condition::all().add(organisation::Column::Id.in_subquery(agencies_under(ids))),
            Reach::Provider { organisation_id, today } => {
                Condition::all().add(organisation::Column::Id.in_subquery(agencies_served(*organisation_id, *today)))
            }
        };
        organisation::Entity::find().filter(cond)
    }
}

fn incident_condition(reach: &Reach) -> Condition {
    agencies(reach, incident::Column::AgencyId).unwrap_or_else(|| match reach {
        Reach::Provider { organisation_id, today } => Condition::all().add(
            incident::Column::Id.in_subquery(
                Query::select()
                    .column(incident_website::Column::IncidentId)
                    .from(incident_website::Entity)
                    .and_where(incident_website::Column::WebsiteId.in_subquery(websites_served(*organisation_id, *today)))
                    .to_owned(),
            ),
        ),
        _ => Condition::all(),
    })
}

fn action_condition(reach: &Reach) -> Condition {
    agencies(reach, action::Column::AgencyId).unwrap_or_else(|| match reach {
        Reach::Provider { organisation_id, today } => Condition::all()
            .add(action::Column::OwnerOrg.eq(*organisation_id))
            .add(action::Column::AgencyId.in_subquery(agencies_served(*organisation_id, *today))),
        _ => Condition::all(),
    })
}

pub async fn er_reader<C: ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<ErReader> {
    let g = grant(actor, M::Emergency, Access::Read)?;
    Ok(ErReader { reach: g.reach(db, today).await?, viewer: g.organisation_id(), kind: g.org_kind() })
}

/// May write an agency's own plans, drills, actions and settings.
#[derive(Debug, Clone)]
pub struct PlanWriter {
    agency_id: Uuid,
}

impl PlanWriter {
    pub fn agency_id(&self) -> Uuid {
        self.agency_id
    }

    pub fn plans(&self) -> Select<plan::Entity> {
        plan::Entity::find().filter(plan::Column::AgencyId.eq(self.agency_id))
    }

    pub fn plan(&self, id: Uuid) -> Select<plan::Entity> {
        self.plans().filter(plan::Column::Id.eq(id))
    }

    /// The versions of one of its plans.
    pub fn versions(&self, plan_id: Uuid) -> Select<version::Entity> {
        version::Entity::find().filter(version::Column::PlanId.eq(plan_id)).filter(
            version::Column::PlanId.in_subquery(
                Query::select()
                    .column(plan::Column::Id)
                    .from(plan::Entity)
                    .and_where(plan::Column::AgencyId.eq(self.agency_id))
                    .to_owned(),
            ),
        )
    }

    pub fn drills(&self) -> Select<drill::Entity> {
        drill::Entity::find().filter(drill::Column::AgencyId.eq(self.agency_id))
    }

    pub fn setting(&self) -> Select<agency_setting::Entity> {
        agency_setting::Entity::find().filter(agency_setting::Column::AgencyId.eq(self.agency_id))
    }

    pub fn actions(&self) -> Select<action::Entity> {
        action::Entity::find().filter(action::Column::AgencyId.eq(self.agency_id))
    }

    /// Its active people (plan owners).
    pub fn people(&self) -> Select<person::Entity> {
        person::Entity::find().filter(person::Column::OrganisationId.eq(self.agency_id)).filter(person::Column::Active.eq(true))
    }

    /// Its websites.
    pub fn websites(&self) -> Select<website::Entity> {
        website::Entity::find().filter(website::Column::AgencyId.eq(self.agency_id))
    }

    /// The providers serving it under an engagement in force today (who may take part in drills
    /// and own actions).
    pub fn providers(&self, today: Date) -> Select<organisation::Entity> {
        let mut serving = engagements_in_force(None, today);
        serving.and_where(Expr::col((engagement::Entity, engagement::Column::AgencyId)).eq(self.agency_id));
        organisation::Entity::find().filter(
            organisation::Column::Id.in_subquery(
                Query::select()
                    .column((engagement::Entity, engagement::Column::ProviderId))
                    .from(engagement::Entity)
                    .and_where(Expr::col((engagement::Entity, engagement::Column::Id)).in_subquery(serving))
                    .to_owned(),
            ),
        )
    }
}

pub fn plan_writer(actor: &Actor) -> ServiceResult<PlanWriter> {
    let g = grant(actor, M::Emergency, Access::Write)?;
    if g.org_kind() != OrgKind::Agency {
        return Err(ServiceError::Forbidden);
    }
    Ok(PlanWriter { agency_id: g.organisation_id() })
}

/// May keep a provider's emergency contacts for its engagements in force, and close the
/// follow-up actions it owns.
#[derive(Debug, Clone)]
pub struct ContactKeeper {
    provider_id: Uuid,
    provider: bool,
}

impl ContactKeeper {
    pub fn provider_id(&self) -> Uuid {
        self.provider_id
    }

    /// Whether it is a provider's (an agency's keeper keeps nothing).
    pub fn is_provider(&self) -> bool {
        self.provider
    }

    /// Its engagements in force today.
    pub fn engagements(&self, today: Date) -> Select<engagement::Entity> {
        engagement::Entity::find().filter(engagement::Column::Id.in_subquery(engagements_in_force(Some(self.provider_id), today)))
    }

    /// Its contacts for its engagements in force.
    pub fn contacts(&self, today: Date) -> Select<contact::Entity> {
        contact::Entity::find().filter(contact::Column::EngagementId.in_subquery(engagements_in_force(Some(self.provider_id), today)))
    }

    /// The actions it owns, of agencies it serves today.
    pub fn actions(&self, today: Date) -> Select<action::Entity> {
        action::Entity::find()
            .filter(action::Column::OwnerOrg.eq(self.provider_id))
            .filter(action::Column::AgencyId.in_subquery(agencies_served(self.provider_id, today)))
    }
}

/// Any writer of the module may ask; only a provider is the provider of an engagement, so an
/// agency's keeper finds nothing to keep ("not found"), as it finds nothing to answer.
pub fn contact_keeper(actor: &Actor) -> ServiceResult<ContactKeeper> {
    let g = grant(actor, M::Emergency, Access::Write)?;
    Ok(ContactKeeper { provider_id: g.organisation_id(), provider: g.org_kind().is_provider() })
}

/// May read incidents in its reach (the same reach as the module's other records).
pub async fn incident_reader<C: ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<ErReader> {
    let g = grant(actor, M::Incidents, Access::Read)?;
    Ok(ErReader { reach: g.reach(db, today).await?, viewer: g.organisation_id(), kind: g.org_kind() })
}

/// May open incidents and write their timeline: an agency on its own websites, a provider on the
/// websites it serves under an engagement in force today.
#[derive(Debug, Clone)]
pub struct IncidentWriter {
    reach: Reach,
    organisation_id: Uuid,
    kind: OrgKind,
}

impl IncidentWriter {
    pub fn organisation_id(&self) -> Uuid {
        self.organisation_id
    }

    pub fn kind(&self) -> OrgKind {
        self.kind
    }

    /// The incidents it may write to.
    pub fn incidents(&self) -> Select<incident::Entity> {
        incident::Entity::find().filter(incident_condition(&self.reach))
    }

    pub fn incident(&self, id: Uuid) -> Select<incident::Entity> {
        self.incidents().filter(incident::Column::Id.eq(id))
    }

    /// The websites it may open an incident on.
    pub fn websites(&self) -> Select<website::Entity> {
        let cond = match &self.reach {
            Reach::Agency(id) => Condition::all().add(website::Column::AgencyId.eq(*id)),
            Reach::Provider { organisation_id, today } => {
                Condition::all().add(website::Column::Id.in_subquery(websites_served(*organisation_id, *today)))
            }
            Reach::Regulators(_) => Condition::all().add(website::Column::Id.is_null()),
        };
        website::Entity::find().filter(cond)
    }

    /// The milestones of one incident it may write to.
    pub fn milestones(&self, incident_id: Uuid) -> Select<milestone::Entity> {
        milestone::Entity::find().filter(milestone::Column::IncidentId.eq(incident_id)).filter(
            milestone::Column::IncidentId.in_subquery(
                Query::select()
                    .column((incident::Entity, incident::Column::Id))
                    .from(incident::Entity)
                    .cond_where(incident_condition(&self.reach))
                    .to_owned(),
            ),
        )
    }

    /// The entries of one incident it may write to.
    pub fn entries(&self, incident_id: Uuid) -> Select<entry::Entity> {
        entry::Entity::find().filter(entry::Column::IncidentId.eq(incident_id)).filter(
            entry::Column::IncidentId.in_subquery(
                Query::select()
                    .column((incident::Entity, incident::Column::Id))
                    .from(incident::Entity)
                    .cond_where(incident_condition(&self.reach))
                    .to_owned(),
            ),
        )
    }
}

pub async fn incident_writer<C: ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<IncidentWriter> {
    let g = grant(actor, M::Incidents, Access::Write)?;
    let reach = g.reach(db, today).await?;
    if matches!(reach, Reach::Regulators(_)) {
        return Err(ServiceError::Forbidden);
    }
    Ok(IncidentWriter { reach, organisation_id: g.organisation_id(), kind: g.org_kind() })
}

/// Whom an incident at `agency_id` alerts, as the system sees it (not a reader's reach): the
/// agency's regulator, and the CSPs serving its websites under an engagement in force.
pub fn alerted_organisations(agency_id: Uuid, today: Date) -> Select<organisation::Entity> {
    let mut csps = engagements_in_force(None, today);
    csps.and_where(Expr::col((engagement::Entity, engagement::Column::AgencyId)).eq(agency_id))
        .and_where(Expr::col((engagement::Entity, engagement::Column::Role)).eq(crate::domain::EngagementRole::Csp.code()));
    let providers = Query::select()
        .column((engagement::Entity, engagement::Column::ProviderId))
        .from(engagement::Entity)
        .and_where(Expr::col((engagement::Entity, engagement::Column::Id)).in_subquery(csps))
        .to_owned();
    let regulator = Query::select()
        .column((organisation::Entity, organisation::Column::RegulatorId))
        .from(organisation::Entity)
        .and_where(Expr::col((organisation::Entity, organisation::Column::Id)).eq(agency_id))
        .to_owned();
    organisation::Entity::find().filter(
        Condition::any().add(organisation::Column::Id.in_subquery(providers)).add(organisation::Column::Id.in_subquery(regulator)),
    )
}

/// For the status-report reminders, a job across tenants: the incidents open (not contained, or
/// reopened), whose status reports are due — a small set however many incidents the portal holds.
pub(in crate::plans) fn incidents_awaiting_status() -> Select<incident::Entity> {
    incident::Entity::find().filter(incident::Column::Status.eq(crate::plans::IncidentStatus::Open.code()))
}

/// For the reminders: these incidents' status reports and the portal's reminders.
pub(in crate::plans) fn status_entries_of(incidents: Vec<Uuid>) -> Select<entry::Entity> {
    use crate::plans::EntryKind;
    entry::Entity::find().filter(entry::Column::IncidentId.is_in(incidents)).filter(
        Condition::any().add(entry::Column::Kind.eq(EntryKind::Status.code())).add(
            Condition::all().add(entry::Column::Kind.eq(EntryKind::System.code())).add(entry::Column::Body.starts_with("reminder ")),
        ),
    )
}

/// For the weekly digest, a job across tenants: agencies not yet sent the digest of the week
/// beginning `monday`, a batch at a time.
pub(in crate::plans) fn agencies_due_digest(monday: Date) -> Select<organisation::Entity> {
    use super::entity::digest;
    let sent = Query::select()
        .column((digest::Entity, digest::Column::AgencyId))
        .from(digest::Entity)
        .and_where(Expr::col((digest::Entity, digest::Column::WeekOf)).gte(monday))
        .to_owned();
    organisation::Entity::find()
        .filter(organisation::Column::Kind.eq(OrgKind::Agency.code()))
        .filter(organisation::Column::Id.not_in_subquery(sent))
}

impl ErReader {
    /// The portal itself reading one agency's records, for the digest it sends the agency: the
    /// agency's own reach, never more. Not minted from a person's grant, so only this module's
    /// jobs may hold it: no route can reach it.
    pub(in crate::plans) fn for_agency_digest(agency_id: Uuid) -> ErReader {
        ErReader { reach: Reach::Agency(agency_id), viewer: agency_id, kind: OrgKind::Agency }
    }
}

/// The people standing primary duty now at these organisations' desks (the rosters' record):
/// an incident names them and tells them.
pub fn on_duty_people(organisations: Vec<Uuid>) -> Select<person::Entity> {
    let mut standing = crate::rosters::scope::on_duty_at(organisations).into_query();
    standing.clear_selects();
    standing.column((crate::rosters::entity::stood::Entity, crate::rosters::entity::stood::Column::PersonId));
    person::Entity::find().filter(person::Column::Id.in_subquery(standing)).filter(person::Column::Active.eq(true))
}
