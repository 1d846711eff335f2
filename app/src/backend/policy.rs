//! The access policy: the only place that grants capabilities; services require them as arguments.
//!
//! | capability        | who holds it                                   | over                      |
//! |-------------------|------------------------------------------------|---------------------------|
//! | `PlatformAdmin`   | a platform administrator of the platform org   | organisations (create)    |
//! | `PeopleAdmin`     | an organisation administrator                  | people of its own org     |
//! | `AuditReader`     | platform administrator: every row              | audit rows                |
//! |                   | organisation administrator: its own org's rows |                           |
//!
//! Capabilities have private fields: nothing outside this file can make one, so a service that
//! takes one cannot be called without passing the check.
use uuid::Uuid;

use super::{actor::Actor, ServiceError, ServiceResult};
use crate::tenancy::{OrgKind, Role};

/// May create and list organisations.
#[derive(Debug)]
pub struct PlatformAdmin {
    _private: (),
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
}

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

fn is_platform_admin(actor: &Actor) -> bool {
    actor.org_kind == OrgKind::Platform && actor.has(Role::PlatformAdmin)
}

pub fn platform_admin(actor: &Actor) -> ServiceResult<PlatformAdmin> {
    if is_platform_admin(actor) {
        Ok(PlatformAdmin { _private: () })
    } else {
        Err(ServiceError::Forbidden)
    }
}

pub fn people_admin(actor: &Actor) -> ServiceResult<PeopleAdmin> {
    if actor.has(Role::OrgAdmin) {
        Ok(PeopleAdmin {
            organisation_id: actor.organisation_id,
        })
    } else {
        Err(ServiceError::Forbidden)
    }
}

pub fn audit_reader(actor: &Actor) -> ServiceResult<AuditReader> {
    if is_platform_admin(actor) {
        Ok(AuditReader {
            scope: AuditScope::Everything,
        })
    } else if actor.has(Role::OrgAdmin) {
        Ok(AuditReader {
            scope: AuditScope::Organisation(actor.organisation_id),
        })
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// The pages a person may open, for navigation (the services check again).
pub fn can_open(actor: &Actor, page: NavPage) -> bool {
    match page {
        NavPage::Organisations => platform_admin(actor).is_ok(),
        NavPage::People => people_admin(actor).is_ok(),
        NavPage::Audit => audit_reader(actor).is_ok(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NavPage {
    Organisations,
    People,
    Audit,
}
