//! SLA tracking's reach: the two parties of a CSP engagement read its agreement, records, measured
//! entries, day aggregates and month reports — the agency always (its own contracts, ended ones
//! too), the CSP only while the engagement is in force today; a regulator reads its jurisdiction's
//! agencies' (as the jurisdiction is today). Writers: the agency and the CSP of an engagement in
//! force, each proposing, recording and answering as its own party.
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
    ColumnTrait, Condition, EntityTrait, QueryFilter, Select,
};
use time::Date;
use uuid::Uuid;

use super::{
    entity::{day, measure, month, reclass, record, record_site, version},
    VersionStatus,
};
use crate::{
    backend::{
        actor::Actor,
        policy::{grant, Access, Module as M, Reach},
        ServiceError, ServiceResult,
    },
    domain::{EngagementRole, OrgKind},
    tenancy::{
        entity::{engagement, engagement_website, website},
        scope::{agencies_under, engagements_in_force},
    },
};

/// The CSP engagements a reach sees, as a condition on engagement rows.
fn engagement_condition(reach: &Reach) -> Condition {
    let csp = Condition::all().add(engagement::Column::Role.eq(EngagementRole::Csp.code()));
    match reach {
        Reach::Agency(id) => csp.add(engagement::Column::AgencyId.eq(*id)),
        Reach::Provider { organisation_id, today } => csp
            .add(engagement::Column::ProviderId.eq(*organisation_id))
            .add(engagement::Column::Id.in_subquery(engagements_in_force(Some(*organisation_id), *today))),
        Reach::Regulators(ids) => csp.add(engagement::Column::AgencyId.in_subquery(agencies_under(ids))),
    }
}

/// The ids of the engagements in reach, as a subquery.
fn engagement_ids(reach: &Reach) -> SelectStatement {
    Query::select()
        .column((engagement::Entity, engagement::Column::Id))
        .from(engagement::Entity)
        .cond_where(engagement_condition(reach))
        .to_owned()
}

/// What an SLA capability reads: every select starts from the engagements in reach.
#[derive(Debug, Clone)]
pub struct SlaReader {
    reach: Reach,
    viewer: Uuid,
    kind: OrgKind,
}

impl SlaReader {
    pub fn viewer(&self) -> Uuid {
        self.viewer
    }

    pub fn viewer_kind(&self) -> OrgKind {
        self.kind
    }

    /// What names the reach, for a view kept across requests.
    pub fn reach_key(&self) -> String {
        self.reach.key()
    }

    /// Whether the reader sees a jurisdiction (a regulator).
    pub fn is_jurisdiction(&self) -> bool {
        matches!(self.reach, Reach::Regulators(_))
    }

    /// The CSP engagements in reach.
    pub fn engagements(&self) -> Select<engagement::Entity> {
        engagement::Entity::find().filter(engagement_condition(&self.reach))
    }

    pub fn versions(&self) -> Select<version::Entity> {
        version::Entity::find().filter(version::Column::EngagementId.in_subquery(engagement_ids(&self.reach)))
    }

    pub fn records(&self) -> Select<record::Entity> {
        record::Entity::find().filter(record::Column::EngagementId.in_subquery(engagement_ids(&self.reach)))
    }

    /// The ids of the records in reach, as a subquery.
    fn record_ids(&self) -> SelectStatement {
        Query::select()
            .column((record::Entity, record::Column::Id))
            .from(record::Entity)
            .and_where(Expr::col((record::Entity, record::Column::EngagementId)).in_subquery(engagement_ids(&self.reach)))
            .to_owned()
    }

    /// The websites of the records in reach.
    pub fn record_sites(&self) -> Select<record_site::Entity> {
        record_site::Entity::find().filter(record_site::Column::RecordId.in_subquery(self.record_ids()))
    }

    /// The reclassifications of the records in reach.
    pub fn reclassifications(&self) -> Select<reclass::Entity> {
        reclass::Entity::find().filter(reclass::Column::RecordId.in_subquery(self.record_ids()))
    }

    /// The websites one engagement in reach covers (none when it is out of reach).
    pub fn websites_of(&self, engagement_id: Uuid) -> Select<website::Entity> {
        let covered = Query::select()
            .column(engagement_website::Column::WebsiteId)
            .from(engagement_website::Entity)
            .and_where(Expr::col(engagement_website::Column::EngagementId).eq(engagement_id))
            .and_where(Expr::col(engagement_website::Column::EngagementId).in_subquery(engagement_ids(&self.reach)))
            .to_owned();
        website::Entity::find().filter(website::Column::Id.in_subquery(covered))
    }

    /// The websites the engagements in reach cover.
    pub fn engagement_websites(&self) -> Select<engagement_website::Entity> {
        engagement_website::Entity::find().filter(engagement_website::Column::EngagementId.in_subquery(engagement_ids(&self.reach)))
    }

    pub fn measures(&self) -> Select<measure::Entity> {
        measure::Entity::find().filter(measure::Column::EngagementId.in_subquery(engagement_ids(&self.reach)))
    }

    pub fn days(&self) -> Select<day::Entity> {
        day::Entity::find().filter(day::Column::EngagementId.in_subquery(engagement_ids(&self.reach)))
    }

    pub fn months(&self) -> Select<month::Entity> {
        month::Entity::find().filter(month::Column::EngagementId.in_subquery(engagement_ids(&self.reach)))
    }
}

/// The SLA reader of an actor (any role the table lets read).
pub async fn sla_reader<C: sea_orm::ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<SlaReader> {
    let g = grant(actor, M::Sla, Access::Read)?;
    Ok(SlaReader { reach: g.reach(db, today).await?, viewer: g.organisation_id(), kind: g.org_kind() })
}

/// Who writes an engagement's SLA: its agency or its CSP, over engagements in force today only
/// (an ended contract's record is closed); a regulator reads and never writes.
#[derive(Debug, Clone)]
pub struct SlaWriter {
    reader: SlaReader,
    today: Date,
}

impl SlaWriter {
    pub fn reader(&self) -> &SlaReader {
        &self.reader
    }

    pub fn organisation_id(&self) -> Uuid {
        self.reader.viewer
    }

    pub fn kind(&self) -> OrgKind {
        self.reader.kind
    }

    /// The engagements it may write on: in reach and in force today.
    pub fn engagements(&self) -> Select<engagement::Entity> {
        self.reader.engagements().filter(engagement::Column::Id.in_subquery(engagements_in_force(None, self.today)))
    }
}

/// The SLA writer of an actor: an agency's or a CSP's, with write access in the table.
pub async fn sla_writer<C: sea_orm::ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<SlaWriter> {
    let g = grant(actor, M::Sla, Access::Write)?;
    if !matches!(g.org_kind(), OrgKind::Agency | OrgKind::Csp) {
        return Err(ServiceError::Forbidden);
    }
    let reader = SlaReader { reach: g.reach(db, today).await?, viewer: g.organisation_id(), kind: g.org_kind() };
    Ok(SlaWriter { reader, today })
}

/// One engagement's SLA rows, for the module's own computations (the day aggregates, a month's
/// figures, the month-close job) once the engagement was found through a capability, or by the
/// job, which closes every engagement's months: visible inside the module only.
pub(in crate::sla) mod of_engagement {
    use super::*;

    /// Its accepted versions, the first in force first.
    pub fn accepted(id: Uuid) -> Select<version::Entity> {
        use sea_orm::QueryOrder;
        version::Entity::find()
            .filter(version::Column::EngagementId.eq(id))
            .filter(version::Column::Status.eq(VersionStatus::Accepted.code()))
            .order_by_asc(version::Column::EffectiveFrom)
    }

    pub fn records(id: Uuid) -> Select<record::Entity> {
        record::Entity::find().filter(record::Column::EngagementId.eq(id))
    }

    /// The websites of the given records.
    pub fn record_sites(ids: Vec<Uuid>) -> Select<record_site::Entity> {
        record_site::Entity::find().filter(record_site::Column::RecordId.is_in(ids))
    }

    /// The websites the engagement covers.
    pub fn websites(id: Uuid) -> Select<engagement_website::Entity> {
        engagement_website::Entity::find().filter(engagement_website::Column::EngagementId.eq(id))
    }

    pub fn months(id: Uuid) -> Select<month::Entity> {
        month::Entity::find().filter(month::Column::EngagementId.eq(id))
    }

    pub fn measures(id: Uuid) -> Select<measure::Entity> {
        measure::Entity::find().filter(measure::Column::EngagementId.eq(id))
    }

    pub fn engagements(ids: Vec<Uuid>) -> Select<engagement::Entity> {
        engagement::Entity::find().filter(engagement::Column::Id.is_in(ids))
    }

    /// Every accepted version of every engagement: the month-close job's round.
    pub fn all_accepted() -> Select<version::Entity> {
        version::Entity::find().filter(version::Column::Status.eq(VersionStatus::Accepted.code()))
    }

    /// Each engagement's latest issued month: select `(engagement_id, max(month))`.
    pub fn latest_issued() -> Select<month::Entity> {
        use sea_orm::QuerySelect;
        month::Entity::find()
            .select_only()
            .column(month::Column::EngagementId)
            .column_as(month::Column::Month.max(), "month")
            .group_by(month::Column::EngagementId)
    }

    /// The maintenance windows a change notice gave.
    pub fn notice_records(notice_id: Uuid) -> Select<record::Entity> {
        record::Entity::find().filter(record::Column::NoticeId.eq(notice_id))
    }

    /// The websites a notice's current revision affects, with their agencies.
    pub fn notice_websites(notice_id: Uuid) -> Select<crate::changes::entity::notice_website::Entity> {
        use crate::changes::entity::notice_website;
        notice_website::Entity::find().filter(notice_website::Column::NoticeId.eq(notice_id))
    }

    /// The engagements between a CSP and these agencies (in force or not: the caller reads dates).
    pub fn engagements_of(csp: Uuid, agencies: Vec<Uuid>) -> Select<engagement::Entity> {
        engagement::Entity::find().filter(engagement::Column::ProviderId.eq(csp)).filter(engagement::Column::AgencyId.is_in(agencies))
    }

    /// Every engagement's records still open at `now` (no end, or an end still ahead): their
    /// engagement and start only, found by the end's index; the caller keeps those in its reach.
    pub fn open_records(now: time::OffsetDateTime) -> Select<record::Entity> {
        use sea_orm::QuerySelect;
        record::Entity::find()
            .select_only()
            .column(record::Column::EngagementId)
            .column(record::Column::StartedAt)
            .filter(Condition::any().add(record::Column::EndedAt.is_null()).add(record::Column::EndedAt.gt(now)))
    }

    /// The agency's incidents touching any of these websites (the emergency-report term).
    pub fn incidents_on(agency: Uuid, sites: Vec<Uuid>) -> Select<crate::plans::entity::incident::Entity> {
        use crate::plans::entity::{incident, incident_website};
        use sea_orm::{QuerySelect, QueryTrait};
        let touched = incident_website::Entity::find()
            .select_only()
            .column(incident_website::Column::IncidentId)
            .filter(incident_website::Column::WebsiteId.is_in(sites));
        incident::Entity::find()
            .filter(incident::Column::AgencyId.eq(agency))
            .filter(incident::Column::Id.in_subquery(touched.into_query()))
    }

    /// Reclassifications of these records (a window a person reclassified is theirs to keep).
    pub fn reclassified(ids: Vec<Uuid>) -> Select<reclass::Entity> {
        reclass::Entity::find().filter(reclass::Column::RecordId.is_in(ids))
    }
}
