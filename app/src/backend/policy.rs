//! The access policy: the table and the one way through it; module scopes build capabilities from its grants.
//!
//! Read the table below as: a person holding *role* in an organisation whose *relationship* to
//! the data is *relationship* gets *access* to the *module*. The relationship comes from the
//! organisation's kind: an agency's own data is `Own`; a provider (CSP, supply-chain provider,
//! assessor) reaches an agency's websites through an `Engagement` in force; a regulator reaches
//! the agencies of its `Jurisdiction` subtree; the platform operator has `Platform`.
//!
//! This file is the table and the one way through it, [`grant`]. Each module's `scope.rs` turns a
//! [`Grant`] into its capabilities — types with private fields, so a service that takes one cannot
//! be called without passing the check — and the capability hands out pre-filtered selects: the
//! reach is ANDed in SQL at every request, never by filtering rows in Rust.
use std::sync::Arc;

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use super::{actor::Actor, ServiceError, ServiceResult};
use crate::domain::{OrgKind, Role};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Module {
    Organisations,
    Jurisdictions,
    People,
    Websites,
    Engagements,
    /// Report obligations and submissions: reading them, and submitting what one owes.
    Reports,
    /// Setting report obligations and reviewing what is received.
    ReportReview,
    Audit,
    Outbox,
    /// Duty rosters: reading who is on duty and the cover; writing rotations, overrides and
    /// special periods (an organisation's own).
    Rosters,
    /// Standing duty: writing handovers and status reports, offering and taking shifts.
    Duty,
    /// Emergency response plans, drills and follow-up actions: an agency writes its own; a
    /// provider reads those of the agencies it serves and keeps its own emergency contacts.
    Emergency,
    /// Incidents: either side of an engagement in force opens them and writes their timeline.
    Incidents,
    /// Significant-change notices: a CSP gives them on the websites it serves; each affected
    /// agency answers and sets its engagements' notice terms; the regulators decide.
    Changes,
    /// The working calendar lead times are counted in: the platform operator keeps it.
    Calendar,
    /// SLA tracking: the agency and the CSP of an engagement propose and accept its agreement and
    /// record outages, faults and maintenance against it (a duty officer too, at any hour); a
    /// regulator reads its jurisdiction's.
    Sla,
    /// Exit: the agency leaving an engagement and its provider each act on their part (plan,
    /// inventory and verification, deletion), an assessor the agency named signs it off; a
    /// regulator reads its jurisdiction's.
    Exit,
    /// Portability: the agency's whole archive (everything it owns, with its files and audit
    /// segment) is its administrator's to download.
    Portability,
    /// The regulator's oversight: one row per agency of its jurisdiction joining every module's
    /// status, the agency's detail over time and the monthly status report.
    Oversight,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Relationship {
    Own,
    Engagement,
    Jurisdiction,
    Platform,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Access {
    None,
    Read,
    Write,
}

use Access::{None as N, Read as R, Write as W};
use Module as M;
use Relationship as Rel;

/// The columns of [`TABLE`], in order.
pub const ROLE_COLUMNS: [Role; 6] =
    [Role::OrgAdmin, Role::SecurityOfficer, Role::DutyOfficer, Role::Staff, Role::Viewer, Role::PlatformAdmin];

/// role × module × relationship → access. A pair that is not listed grants nothing.
#[rustfmt::skip]
pub const TABLE: &[(Module, Relationship, [Access; 6])] = &[
    //                                     admin  security duty  staff  viewer platform
    (M::Websites,      Rel::Own,          [W,     W,       R,    R,     R,     N]),
    (M::Websites,      Rel::Engagement,   [R,     R,       R,    R,     R,     N]),
    (M::Websites,      Rel::Jurisdiction, [R,     R,       R,    R,     R,     N]),
    (M::Engagements,   Rel::Own,          [W,     R,       R,    R,     R,     N]),
    (M::Engagements,   Rel::Jurisdiction, [R,     R,       R,    R,     R,     N]),
    (M::Reports,       Rel::Own,          [W,     W,       R,    W,     R,     N]),
    (M::Reports,       Rel::Jurisdiction, [R,     R,       R,    R,     R,     N]),
    (M::ReportReview,  Rel::Own,          [W,     W,       N,    N,     N,     N]),
    (M::ReportReview,  Rel::Jurisdiction, [W,     W,       N,    N,     N,     N]),
    (M::People,        Rel::Own,          [W,     N,       N,    N,     N,     N]),
    (M::Audit,         Rel::Own,          [R,     N,       N,    N,     N,     N]),
    (M::Audit,         Rel::Platform,     [N,     N,       N,    N,     N,     R]),
    (M::Organisations, Rel::Platform,     [N,     N,       N,    N,     N,     W]),
    (M::Jurisdictions, Rel::Platform,     [N,     N,       N,    N,     N,     W]),
    (M::Outbox,        Rel::Platform,     [N,     N,       N,    N,     N,     R]),
    (M::Rosters,       Rel::Own,          [W,     W,       R,    R,     R,     N]),
    (M::Rosters,       Rel::Jurisdiction, [R,     R,       R,    R,     R,     N]),
    (M::Duty,          Rel::Own,          [W,     W,       W,    W,     N,     N]),
    (M::Emergency,     Rel::Own,          [W,     W,       R,    R,     R,     N]),
    (M::Emergency,     Rel::Engagement,   [W,     W,       R,    R,     R,     N]),
    (M::Emergency,     Rel::Jurisdiction, [R,     R,       R,    R,     R,     N]),
    (M::Incidents,     Rel::Own,          [W,     W,       W,    W,     R,     N]),
    (M::Incidents,     Rel::Engagement,   [W,     W,       W,    W,     R,     N]),
    (M::Incidents,     Rel::Jurisdiction, [R,     R,       R,    R,     R,     N]),
    (M::Changes,       Rel::Own,          [W,     W,       R,    R,     R,     N]),
    (M::Changes,       Rel::Jurisdiction, [W,     W,       R,    R,     R,     N]),
    (M::Calendar,      Rel::Platform,     [N,     N,       N,    N,     N,     W]),
    (M::Sla,           Rel::Own,          [W,     W,       W,    R,     R,     N]),
    (M::Sla,           Rel::Jurisdiction, [R,     R,       R,    R,     R,     N]),
    (M::Exit,          Rel::Own,          [W,     W,       R,    R,     R,     N]),
    (M::Exit,          Rel::Engagement,   [W,     W,       R,    R,     R,     N]),
    (M::Exit,          Rel::Jurisdiction, [R,     R,       R,    R,     R,     N]),
    (M::Portability,   Rel::Own,          [W,     N,       N,    N,     N,     N]),
    (M::Oversight,     Rel::Jurisdiction, [R,     R,       R,    R,     R,     N]),
];

/// The relationship an organisation of `kind` has to a module's data.
pub fn relationship(kind: OrgKind, module: Module) -> Option<Relationship> {
    match (kind, module) {
        (_, M::People) => Some(Rel::Own),
        (OrgKind::Platform, M::Audit) => Some(Rel::Platform),
        (_, M::Audit) => Some(Rel::Own),
        (OrgKind::Platform, M::Organisations | M::Jurisdictions | M::Outbox) => Some(Rel::Platform),
        (_, M::Organisations | M::Jurisdictions | M::Outbox) => None,
        (OrgKind::Agency, M::Websites | M::Engagements) => Some(Rel::Own),
        (OrgKind::Csp | OrgKind::Supplier | OrgKind::Assessor, M::Websites) => Some(Rel::Engagement),
        (OrgKind::Csp | OrgKind::Supplier | OrgKind::Assessor, M::Engagements) => Some(Rel::Own),
        (OrgKind::Regulator, M::Websites | M::Engagements) => Some(Rel::Jurisdiction),
        (OrgKind::Platform, M::Websites | M::Engagements) => None,
        (OrgKind::Agency | OrgKind::Csp | OrgKind::Supplier | OrgKind::Assessor, M::Reports) => Some(Rel::Own),
        (OrgKind::Agency, M::ReportReview) => Some(Rel::Own),
        (OrgKind::Regulator, M::Reports | M::ReportReview) => Some(Rel::Jurisdiction),
        (OrgKind::Csp | OrgKind::Supplier | OrgKind::Assessor | OrgKind::Platform, M::ReportReview) => None,
        (OrgKind::Platform, M::Reports) => None,
        // Every organisation that keeps a duty desk manages its own; a regulator reads its
        // jurisdiction's (and keeps none of its own in the portal).
        (OrgKind::Agency | OrgKind::Csp | OrgKind::Supplier | OrgKind::Assessor, M::Rosters | M::Duty) => {
            Some(Rel::Own)
        }
        (OrgKind::Regulator, M::Rosters) => Some(Rel::Jurisdiction),
        (OrgKind::Regulator | OrgKind::Platform, M::Duty) | (OrgKind::Platform, M::Rosters) => None,
        (OrgKind::Agency, M::Emergency | M::Incidents) => Some(Rel::Own),
        (OrgKind::Csp | OrgKind::Supplier | OrgKind::Assessor, M::Emergency | M::Incidents) => Some(Rel::Engagement),
        (OrgKind::Regulator, M::Emergency | M::Incidents) => Some(Rel::Jurisdiction),
        (OrgKind::Platform, M::Emergency | M::Incidents) => None,
        // A CSP's notices are its own; an agency's are those affecting it; a regulator decides
        // for its jurisdiction. Other providers give no notices.
        (OrgKind::Agency | OrgKind::Csp, M::Changes) => Some(Rel::Own),
        (OrgKind::Regulator, M::Changes) => Some(Rel::Jurisdiction),
        (OrgKind::Supplier | OrgKind::Assessor | OrgKind::Platform, M::Changes) => None,
        (OrgKind::Platform, M::Calendar) => Some(Rel::Platform),
        (_, M::Calendar) => None,
        // The agreement is between an agency and its CSP; other providers have none.
        (OrgKind::Agency | OrgKind::Csp, M::Sla) => Some(Rel::Own),
        (OrgKind::Regulator, M::Sla) => Some(Rel::Jurisdiction),
        (OrgKind::Supplier | OrgKind::Assessor | OrgKind::Platform, M::Sla) => None,
        (OrgKind::Agency, M::Exit) => Some(Rel::Own),
        (OrgKind::Csp | OrgKind::Supplier | OrgKind::Assessor, M::Exit) => Some(Rel::Engagement),
        (OrgKind::Regulator, M::Exit) => Some(Rel::Jurisdiction),
        (OrgKind::Platform, M::Exit) => None,
        // Only an agency's archive is carried away whole; a provider's records are its agencies'.
        (OrgKind::Agency, M::Portability) => Some(Rel::Own),
        (_, M::Portability) => None,
        // Only a jurisdiction has agencies to compare.
        (OrgKind::Regulator, M::Oversight) => Some(Rel::Jurisdiction),
        (_, M::Oversight) => None,
    }
}

/// The table's answer for one kind and one set of roles: the best access any role gives.
pub fn access_for(kind: OrgKind, roles: &[Role], module: Module) -> Access {
    let Some(rel) = relationship(kind, module) else {
        return N;
    };
    let mut best = N;
    for (m, r, cells) in TABLE {
        if *m != module || *r != rel {
            continue;
        }
        for (i, role) in ROLE_COLUMNS.iter().enumerate() {
            if roles.contains(role) && cells[i] > best {
                best = cells[i];
            }
        }
    }
    // The platform's own people administration is the platform organisation's, like any other.
    best
}

pub fn access(actor: &Actor, module: Module) -> Access {
    access_for(actor.org_kind, &actor.roles, module)
}

/// The table's yes: `need` on `module`, through `relationship`, for one organisation. Only
/// [`grant`] makes one, so a capability built from it has passed the table.
#[derive(Debug, Clone)]
pub struct Grant {
    relationship: Relationship,
    organisation_id: Uuid,
    org_kind: OrgKind,
    /// A regulator's subtree as the actor carried it (empty: looked up when needed).
    subtree: Arc<[Uuid]>,
}

/// Asks the table for `need` on `module`.
pub fn grant(actor: &Actor, module: Module, need: Access) -> ServiceResult<Grant> {
    if access(actor, module) < need {
        return Err(ServiceError::Forbidden);
    }
    let relationship = relationship(actor.org_kind, module).ok_or(ServiceError::Forbidden)?;
    Ok(Grant {
        relationship,
        organisation_id: actor.organisation_id,
        org_kind: actor.org_kind,
        subtree: actor.subtree.clone(),
    })
}

impl Grant {
    pub fn relationship(&self) -> Relationship {
        self.relationship
    }

    /// The acting organisation.
    pub fn organisation_id(&self) -> Uuid {
        self.organisation_id
    }

    pub fn org_kind(&self) -> OrgKind {
        self.org_kind
    }

    /// Whose data the grant reaches on `today`, the portal's day.
    pub async fn reach<C: ConnectionTrait>(&self, db: &C, today: Date) -> ServiceResult<Reach> {
        match self.relationship {
            Relationship::Own if self.org_kind == OrgKind::Agency => Ok(Reach::Agency(self.organisation_id)),
            Relationship::Own | Relationship::Engagement => {
                Ok(Reach::Provider { organisation_id: self.organisation_id, today })
            }
            Relationship::Jurisdiction => Ok(Reach::Regulators(self.subtree(db).await?)),
            Relationship::Platform => Err(ServiceError::Forbidden),
        }
    }

    /// A regulator's subtree: it came with the actor (read once per generation); a grant made for
    /// an actor built without one looks it up.
    pub async fn subtree<C: ConnectionTrait>(&self, db: &C) -> ServiceResult<Vec<Uuid>> {
        if self.subtree.is_empty() {
            regulator_subtree(db, self.organisation_id).await
        } else {
            Ok(self.subtree.to_vec())
        }
    }
}

/// Whose agencies' data a grant reaches: the relationship made concrete for one day. Each module's
/// scope says what it means for its tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// An agency: its own.
    Agency(Uuid),
    /// A provider: the websites of its engagements in force on `today`.
    Provider { organisation_id: Uuid, today: Date },
    /// A regulator: the agencies under these regulators (itself and every regulator beneath it).
    Regulators(Vec<Uuid>),
}

impl Reach {
    /// What names the reach, for a view kept across requests (every reach a key of its own).
    pub fn key(&self) -> String {
        match self {
            Reach::Regulators(ids) => {
                let mut ids = ids.clone();
                ids.sort();
                format!("regulators:{}", ids.iter().map(|id| id.simple().to_string()).collect::<Vec<_>>().join(","))
            }
            Reach::Agency(id) => format!("agency:{}", id.simple()),
            Reach::Provider { organisation_id, today } => format!("provider:{}:{today}", organisation_id.simple()),
        }
    }
}

/// The regulator itself and every regulator beneath it, in one recursive query.
pub async fn regulator_subtree<C: ConnectionTrait>(db: &C, root: Uuid) -> ServiceResult<Vec<Uuid>> {
    let backend = db.get_database_backend();
    let param = if backend == DbBackend::Postgres { "$1" } else { "?" };
    let sql = format!(
        "WITH RECURSIVE sub(id) AS (SELECT id FROM organisation WHERE id = {param} AND kind = 'regulator' \
         UNION SELECT o.id FROM organisation o JOIN sub ON o.regulator_id = sub.id WHERE o.kind = 'regulator') \
         SELECT id FROM sub"
    );
    let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql, [root.into()])).await?;
    rows.iter().map(|r| r.try_get::<Uuid>("", "id").map_err(ServiceError::from)).collect()
}

/// Whether the table gives the actor `need` on `module` (for showing controls; services check again).
pub fn may(actor: &Actor, module: Module, need: Access) -> bool {
    access(actor, module) >= need
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads_as_intended() {
        use OrgKind::*;
        assert_eq!(access_for(Agency, &[Role::OrgAdmin], M::Websites), W);
        assert_eq!(access_for(Agency, &[Role::SecurityOfficer], M::Websites), W);
        assert_eq!(access_for(Agency, &[Role::Viewer], M::Websites), R);
        assert_eq!(access_for(Agency, &[Role::Viewer, Role::OrgAdmin], M::Websites), W);
        assert_eq!(access_for(Csp, &[Role::OrgAdmin], M::Websites), R, "providers never write websites");
        assert_eq!(access_for(Regulator, &[Role::OrgAdmin], M::Websites), R);
        assert_eq!(access_for(Regulator, &[Role::OrgAdmin], M::Engagements), R);
        assert_eq!(access_for(Platform, &[Role::PlatformAdmin, Role::OrgAdmin], M::Websites), N);
        assert_eq!(access_for(Agency, &[Role::OrgAdmin], M::Organisations), N);
        assert_eq!(access_for(Agency, &[Role::OrgAdmin], M::Jurisdictions), N);
        assert_eq!(access_for(Platform, &[Role::PlatformAdmin], M::Jurisdictions), W);
        assert_eq!(access_for(Supplier, &[Role::Staff], M::Engagements), R);
        assert_eq!(access_for(Supplier, &[Role::OrgAdmin], M::Engagements), W);
        assert_eq!(access_for(Agency, &[], M::Websites), N);
        assert_eq!(access_for(Csp, &[Role::DutyOfficer], M::Sla), W, "a duty officer records an outage at any hour");
        assert_eq!(access_for(Agency, &[Role::Staff], M::Sla), R);
        assert_eq!(access_for(Supplier, &[Role::OrgAdmin], M::Sla), N, "the agreement is the CSP's alone");
        assert_eq!(access_for(Regulator, &[Role::OrgAdmin], M::Sla), R, "regulators read and never write");
    }

    #[test]
    fn every_kind_has_a_relationship_or_none_for_every_module() {
        // The match is exhaustive by construction; this pins the cross-tenant-sensitive answers.
        for kind in OrgKind::ALL {
            assert_eq!(relationship(*kind, M::People), Some(Rel::Own));
        }
        assert_eq!(relationship(OrgKind::Csp, M::Websites), Some(Rel::Engagement));
        assert_eq!(relationship(OrgKind::Assessor, M::Websites), Some(Rel::Engagement));
        assert_eq!(relationship(OrgKind::Regulator, M::Websites), Some(Rel::Jurisdiction));
    }
}
