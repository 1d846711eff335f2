//! The jurisdiction tree: the platform places each agency under one regulator and regulators
//! under regulators; no cycles, and never two regulators above one organisation.
use crate::backend::actor::Acting;
use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use super::super::{entity::organisation, rules, JurisdictionNode, JurisdictionTree, OrgKind};
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{db::write_txn, ServiceError, ServiceResult},
    i18n::Msg,
    tenancy::scope::JurisdictionAdmin,
};

/// The whole forest of regulators with their agencies, and the agencies under none.
pub async fn tree(db: &DatabaseConnection, cap: &JurisdictionAdmin) -> ServiceResult<JurisdictionTree> {
    let orgs = cap.placeable().order_by_asc(organisation::Column::Name).all(db).await?;
    let regulators: Vec<&organisation::Model> = orgs.iter().filter(|o| o.kind == OrgKind::Regulator.code()).collect();
    let agencies: Vec<&organisation::Model> = orgs.iter().filter(|o| o.kind == OrgKind::Agency.code()).collect();
    fn node(
        r: &organisation::Model,
        regulators: &[&organisation::Model],
        agencies: &[&organisation::Model],
        depth: usize,
    ) -> JurisdictionNode {
        JurisdictionNode {
            id: r.id,
            name: r.name.clone(),
            agencies: agencies
                .iter()
                .filter(|a| a.regulator_id == Some(r.id))
                .map(|a| (a.id, a.name.clone()))
                .collect(),
            // The depth guard only matters if the data were ever corrupted into a cycle.
            children: if depth > 64 {
                Vec::new()
            } else {
                regulators
                    .iter()
                    .filter(|c| c.regulator_id == Some(r.id))
                    .map(|c| node(c, regulators, agencies, depth + 1))
                    .collect()
            },
        }
    }
    let roots =
        regulators.iter().filter(|r| r.regulator_id.is_none()).map(|r| node(r, &regulators, &agencies, 0)).collect();
    Ok(JurisdictionTree {
        roots,
        unplaced_agencies: agencies
            .iter()
            .filter(|a| a.regulator_id.is_none())
            .map(|a| (a.id, a.name.clone()))
            .collect(),
        regulators: regulators.iter().map(|r| (r.id, r.name.clone())).collect(),
        agencies: agencies.iter().map(|a| (a.id, a.name.clone())).collect(),
    })
}

/// Puts an agency or regulator under `regulator` (or under none). An organisation already under a
/// regulator is refused unless `moving` says the change is meant.
pub async fn place(db: &DatabaseConnection, by: &Acting<'_>, cap: &JurisdictionAdmin, child_id: Uuid, regulator_id: Option<Uuid>, moving: bool) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let child = cap
        .placeable()
        .filter(organisation::Column::Id.eq(child_id))
        .one(&txn)
        .await?
        .ok_or(ServiceError::invalid("organisation_id", Msg::ErrNotPlaceable))?;
    let child_kind = OrgKind::parse(&child.kind).unwrap_or(OrgKind::Platform);
    if !matches!(child_kind, OrgKind::Agency | OrgKind::Regulator) {
        return Err(ServiceError::invalid("organisation_id", Msg::ErrNotPlaceable));
    }
    let parent_name = match regulator_id {
        None => None,
        Some(pid) => {
            let parent = cap
                .placeable()
                .filter(organisation::Column::Id.eq(pid))
                .filter(organisation::Column::Kind.eq(OrgKind::Regulator.code()))
                .one(&txn)
                .await?
                .ok_or(ServiceError::invalid("regulator_id", Msg::ErrNotRegulator))?;
            if child_kind == OrgKind::Regulator {
                let all =
                    cap.placeable().filter(organisation::Column::Kind.eq(OrgKind::Regulator.code())).all(&txn).await?;
                let parent_of: HashMap<Uuid, Option<Uuid>> = all.iter().map(|r| (r.id, r.regulator_id)).collect();
                if rules::would_cycle(&parent_of, child_id, pid) {
                    return Err(ServiceError::invalid("regulator_id", Msg::ErrJurisdictionCycle));
                }
            }
            Some(parent.name)
        }
    };
    if child.regulator_id == regulator_id {
        return Ok(());
    }
    if child.regulator_id.is_some() && regulator_id.is_some() && !moving {
        return Err(ServiceError::Conflict { field: "regulator_id", msg: Msg::ErrAlreadyPlaced });
    }
    let before = match child.regulator_id {
        Some(id) => {
            cap.placeable().filter(organisation::Column::Id.eq(id)).one(&txn).await?.map(|o| o.name).unwrap_or_default()
        }
        None => "(none)".into(),
    };
    let name = child.name.clone();
    let mut am = child.into_active_model();
    am.regulator_id = Set(regulator_id);
    am.update(&txn).await?;
    // The agencies whose chain of regulators just changed take their reports owed upwards along.
    let moved_agencies = if child_kind == OrgKind::Agency {
        vec![child_id]
    } else {
        let subtree = crate::backend::policy::regulator_subtree(&txn, child_id).await?;
        cap.placeable()
            .filter(organisation::Column::Kind.eq(OrgKind::Agency.code()))
            .filter(organisation::Column::RegulatorId.is_in(subtree))
            .all(&txn)
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect()
    };
    crate::reports::service::follow_jurisdiction(&txn, by, cap, &moved_agencies).await?;
    // The tree decides which agencies the cached matrices list.
    crate::backend::epoch::bump(&txn).await?;
    // Views kept across writes (the oversight board) follow the tree at once.
    crate::backend::epoch::bump_tree(&txn).await?;
    let summary = format!("regulator: {before} → {}", parent_name.clone().unwrap_or_else(|| "(none)".into()));
    AuditEntry::mirrored(actor, meta, AuditAction::JurisdictionChange, format!("organisation {name}"), summary, child_id)
        .record(&txn, now)
        .await?;
    txn.commit().await?;
    Ok(())
}
