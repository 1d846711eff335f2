//! The oversight's reach: a regulator's jurisdiction as it is today, through the policy's
//! `Oversight` row, and each module's own reader for the regulator (so every column is read
//! through the same scope as that module's own pages: an agency moved out of the jurisdiction
//! leaves every column at once).
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Select};
use time::Date;

use crate::{
    backend::{
        actor::Actor,
        policy::{grant, Access, Module as M, Reach},
        ServiceError, ServiceResult,
    },
    changes::scope::{change_reader, ChangeReader},
    exit::scope::{exit_reader, ExitReader},
    plans::scope::{er_reader, incident_reader, ErReader},
    reports::scope::{report_reader, ReportReader},
    rosters::scope::{roster_reader, RosterReader},
    sla::scope::{sla_reader, SlaReader},
    tenancy::{
        entity::organisation,
        scope::{jurisdiction_agencies, website_reader, WebsiteReader},
    },
};

/// May read the oversight of a jurisdiction: its agencies and regulators, and every module's
/// reader for it.
pub struct OversightReader {
    regulators: Vec<uuid::Uuid>,
    viewer: uuid::Uuid,
    pub websites: WebsiteReader,
    pub reports: ReportReader,
    pub incidents: ErReader,
    pub emergency: ErReader,
    pub rosters: RosterReader,
    pub sla: SlaReader,
    pub changes: ChangeReader,
    pub exits: ExitReader,
}

impl OversightReader {
    /// The regulator reading.
    pub fn viewer(&self) -> uuid::Uuid {
        self.viewer
    }

    /// Names the jurisdiction, for views kept across requests.
    pub fn reach_key(&self) -> String {
        Reach::Regulators(self.regulators.clone()).key()
    }

    /// The agencies of the jurisdiction.
    pub fn agencies(&self) -> Select<organisation::Entity> {
        organisation::Entity::find().filter(jurisdiction_agencies(&self.regulators))
    }

    /// The regulators of the jurisdiction: the viewer and every one below it.
    pub fn regulators(&self) -> Select<organisation::Entity> {
        organisation::Entity::find().filter(organisation::Column::Id.is_in(self.regulators.clone()))
    }
}

/// The oversight reader of an actor: a regulator's, with every module's reader (a module that
/// refused would refuse the whole view, never leave a column silently empty).
pub async fn oversight_reader<C: ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<OversightReader> {
    let g = grant(actor, M::Oversight, Access::Read)?;
    let Reach::Regulators(regulators) = g.reach(db, today).await? else {
        return Err(ServiceError::Forbidden);
    };
    Ok(OversightReader {
        regulators,
        viewer: g.organisation_id(),
        websites: website_reader(db, actor, today).await?,
        reports: report_reader(db, actor, today).await?,
        incidents: incident_reader(db, actor, today).await?,
        emergency: er_reader(db, actor, today).await?,
        rosters: roster_reader(db, actor, today).await?,
        sla: sla_reader(db, actor, today).await?,
        changes: change_reader(db, actor, today).await?,
        exits: exit_reader(db, actor, today).await?,
    })
}

/// The frozen versions of a report of `month` (oldest first). Called with the viewer's own id for
/// its jurisdiction's, or with an agency the caller has found in the jurisdiction today.
pub fn status_reports(
    kind: super::ReportScope,
    scope_id: uuid::Uuid,
    month: &str,
) -> Select<super::entity::status_report::Entity> {
    use super::entity::status_report as sr;
    sr::Entity::find()
        .filter(sr::Column::ScopeId.eq(scope_id))
        .filter(sr::Column::ScopeKind.eq(kind.code()))
        .filter(sr::Column::Month.eq(month))
        .order_by_asc(sr::Column::Version)
}
