//! The audit module's reach: an organisation's administrator reads its own trail; the platform's
//! administrator reads everything.
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use uuid::Uuid;

use super::entity::audit_log;
use crate::{
    backend::{
        actor::Actor,
        policy::{grant, Access, Module as M, Relationship as Rel},
        ServiceResult,
    },
    tenancy::entity::person,
};

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

    /// The audit rows it reads.
    pub fn rows(&self) -> Select<audit_log::Entity> {
        match self.scope {
            AuditScope::Everything => audit_log::Entity::find(),
            AuditScope::Organisation(org) => {
                audit_log::Entity::find().filter(audit_log::Column::OrganisationId.eq(org))
            }
        }
    }

    /// The people whose actions it may filter by.
    pub fn people(&self) -> Select<person::Entity> {
        match self.scope {
            AuditScope::Everything => person::Entity::find(),
            AuditScope::Organisation(org) => person::Entity::find().filter(person::Column::OrganisationId.eq(org)),
        }
    }
}

/// The next rows of the whole chain after `after`, for verifying it: the operator's check reads
/// every row and reports only counts and where the chain breaks, never what a row says.
pub fn chain_after(after: i64, rows: u64) -> Select<audit_log::Entity> {
    audit_log::Entity::find().filter(audit_log::Column::Seq.gt(after)).order_by_asc(audit_log::Column::Seq).limit(rows)
}

pub fn audit_reader(actor: &Actor) -> ServiceResult<AuditReader> {
    let g = grant(actor, M::Audit, Access::Read)?;
    let scope = match g.relationship() {
        Rel::Platform => AuditScope::Everything,
        _ => AuditScope::Organisation(g.organisation_id()),
    };
    Ok(AuditReader { scope })
}
