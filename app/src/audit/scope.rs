//! The audit module's reach: an organisation's administrator reads its own trail; the platform's
//! administrator reads everything.
use uuid::Uuid;

use crate::backend::{
    actor::Actor,
    policy::{grant, Access, Module as M, Relationship as Rel},
    ServiceResult,
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
}

pub fn audit_reader(actor: &Actor) -> ServiceResult<AuditReader> {
    let g = grant(actor, M::Audit, Access::Read)?;
    let scope = match g.relationship() {
        Rel::Platform => AuditScope::Everything,
        _ => AuditScope::Organisation(g.organisation_id()),
    };
    Ok(AuditReader { scope })
}
