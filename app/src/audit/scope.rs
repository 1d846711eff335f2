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

/// What the records an audit page's targets point at are called: each engagement's two parties,
/// each obligation's kind and parties, each submission's kind, period and submitter, and each
/// person's address. Only records named by rows the reader already reads are asked for, and a
/// trail holds only its own organisation's relationships, so the names are the reader's to see.
#[derive(Debug, Default)]
pub struct TargetNames {
    pub engagements: std::collections::HashMap<Uuid, (String, String)>,
    /// (report kind code, submitter, receiver)
    pub obligations: std::collections::HashMap<Uuid, (String, String, String)>,
    /// (report kind code, cadence code, first day of the period, submitter)
    pub submissions: std::collections::HashMap<Uuid, (String, String, time::Date, String)>,
    pub people: std::collections::HashMap<Uuid, String>,
}

impl AuditReader {
    /// The names behind these ids (see [`TargetNames`]).
    pub async fn target_names<C: sea_orm::ConnectionTrait>(
        &self,
        conn: &C,
        engagements: Vec<Uuid>,
        obligations: Vec<Uuid>,
        submissions: Vec<Uuid>,
        people: Vec<Uuid>,
    ) -> ServiceResult<TargetNames> {
        use crate::{
            reports::entity::{obligation, submission},
            tenancy::entity::{engagement, organisation},
        };
        let mut out = TargetNames::default();
        let engaged = if engagements.is_empty() {
            Vec::new()
        } else {
            engagement::Entity::find().filter(engagement::Column::Id.is_in(engagements)).all(conn).await?
        };
        let sent = if submissions.is_empty() {
            Vec::new()
        } else {
            submission::Entity::find().filter(submission::Column::Id.is_in(submissions)).all(conn).await?
        };
        let wanted: Vec<Uuid> = obligations.into_iter().chain(sent.iter().map(|s| s.obligation_id)).collect();
        let owed = if wanted.is_empty() {
            Vec::new()
        } else {
            obligation::Entity::find().filter(obligation::Column::Id.is_in(wanted)).all(conn).await?
        };
        let orgs: Vec<Uuid> = engaged
            .iter()
            .flat_map(|e| [e.agency_id, e.provider_id])
            .chain(owed.iter().flat_map(|o| [o.submitter_id, o.receiver_id]))
            .collect();
        let names: std::collections::HashMap<Uuid, String> = if orgs.is_empty() {
            Default::default()
        } else {
            organisation::Entity::find()
                .filter(organisation::Column::Id.is_in(orgs))
                .all(conn)
                .await?
                .into_iter()
                .map(|o| (o.id, o.name))
                .collect()
        };
        let name = |id: Uuid| names.get(&id).cloned().unwrap_or_default();
        for e in engaged {
            out.engagements.insert(e.id, (name(e.agency_id), name(e.provider_id)));
        }
        let by_id: std::collections::HashMap<Uuid, &obligation::Model> = owed.iter().map(|o| (o.id, o)).collect();
        for s in sent {
            if let Some(o) = by_id.get(&s.obligation_id) {
                out.submissions.insert(s.id, (o.kind.clone(), o.cadence.clone(), s.period_start, name(o.submitter_id)));
            }
        }
        for o in &owed {
            out.obligations.insert(o.id, (o.kind.clone(), name(o.submitter_id), name(o.receiver_id)));
        }
        if !people.is_empty() {
            for p in person::Entity::find().filter(person::Column::Id.is_in(people)).all(conn).await? {
                out.people.insert(p.id, p.email);
            }
        }
        Ok(out)
    }
}
