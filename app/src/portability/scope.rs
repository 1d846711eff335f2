//! Who may carry an agency's archive out, or bring one in, and the selects that go with it: an
//! agency's administrator its own agency's (through the policy table), the portal's operator any
//! agency's from the command line (it holds the database itself); importing is the operator's
//! alone. The rows of each table are chosen by `tables.rs`'s conditions on the agency's id.
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

use crate::{
    audit::entity::{audit_archive, audit_log},
    backend::{
        policy::{grant, Access, Module},
        actor::Actor,
        ServiceResult,
    },
    domain::{OrgKind, Role},
    tenancy::entity::{organisation, person, person_role},
};

/// May read everything one agency owns, to write its archive.
#[derive(Debug)]
pub struct Exporter {
    agency: Uuid,
}

impl Exporter {
    /// The agency's administrator, for its own agency.
    pub fn for_actor(actor: &Actor) -> ServiceResult<Exporter> {
        let g = grant(actor, Module::Portability, Access::Write)?;
        Ok(Exporter { agency: g.organisation_id() })
    }

    /// The portal's operator at the command line (`portal export-agency`), for any agency.
    pub fn operator(agency: Uuid) -> Exporter {
        Exporter { agency }
    }

    pub fn agency_id(&self) -> Uuid {
        self.agency
    }

    /// The agency itself (none if the id is not an agency's).
    pub fn agency(&self) -> Select<organisation::Entity> {
        organisation::Entity::find_by_id(self.agency).filter(organisation::Column::Kind.eq(OrgKind::Agency.code()))
    }

    /// The agency's entries in this portal's audit chain.
    pub fn audit_log(&self) -> Select<audit_log::Entity> {
        audit_log::Entity::find().filter(audit_log::Column::OrganisationId.eq(self.agency))
    }

    /// The audit segments the agency brought from another portal.
    pub fn audit_archive(&self) -> Select<audit_archive::Entity> {
        audit_archive::Entity::find().filter(audit_archive::Column::OrganisationId.eq(self.agency))
    }
}

/// May write an archive's records into this portal: the operator's, at the command line.
#[derive(Debug)]
pub struct Importer(());

impl Importer {
    pub fn operator() -> Importer {
        Importer(())
    }

    /// The organisation with this id, whatever its kind (a collision, or a link).
    pub fn organisation(&self, id: Uuid) -> Select<organisation::Entity> {
        organisation::Entity::find_by_id(id)
    }

    /// The people here holding any of these emails.
    pub fn people_by_email(&self, emails: Vec<String>) -> Select<person::Entity> {
        person::Entity::find().filter(person::Column::Email.is_in(emails))
    }

    pub fn person(&self, id: Uuid) -> Select<person::Entity> {
        person::Entity::find_by_id(id)
    }

    /// The active administrators of the imported agency.
    pub fn administrators(&self, backend: sea_orm::DbBackend, agency: Uuid) -> Select<person_role::Entity> {
        use sea_orm::sea_query::Value;
        person_role::Entity::find().filter(person_role::Column::Role.eq(Role::OrgAdmin.code())).filter(super::service::bind(
            backend,
            "person_id IN (SELECT id FROM person WHERE organisation_id = $1 AND active = $2)",
            &[Value::Uuid(Some(agency)), Value::Bool(Some(true))],
        ))
    }
}
