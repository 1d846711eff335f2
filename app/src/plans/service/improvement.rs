//! Security check reports' improvement plans (§8.6c–f; FedRAMP's POA&M): each finding with its
//! measure, owner and due date, added by the agency that reports, read by the regulator that
//! reviews the report, and tracked to closure like every follow-up action.
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder};
use time::Date;
use uuid::Uuid;

use super::*;
use crate::{
    backend::{actor::Acting, db::write_txn, ServiceError},
    plans::{
        entity::action,
        scope::{ContactKeeper, ErReader, PlanWriter},
        ActionLine, ActionSource, ImprovementPlan,
    },
    reports::{
        scope::{ObligationScope, ReportReader},
        ReportKind,
    },
};

/// A report in reach and whether it is a security check (the kind that carries a plan).
async fn security_check(db: &DatabaseConnection, reports: &ReportReader, submission_id: Uuid) -> ServiceResult<(bool, Uuid)> {
    let s = reports.submission(db, submission_id).await?;
    Ok((s.obligation().kind == ReportKind::SecurityCheck.code(), s.obligation().agency_id))
}

/// A report's improvement plan, as the reader sees it (an empty one for other kinds of report).
pub async fn improvement_plan(
    db: &DatabaseConnection,
    reader: &ErReader,
    reports: &ReportReader,
    (writer, keeper): (Option<&PlanWriter>, Option<&ContactKeeper>),
    submission_id: Uuid,
    today: Date,
    zone: &str,
) -> ServiceResult<ImprovementPlan> {
    let (applies, agency) = security_check(db, reports, submission_id).await?;
    if !applies {
        return Ok(ImprovementPlan { applies, items: Vec::new(), can_add: false, owners: Vec::new() });
    }
    let items = reader
        .actions()
        .filter(action::Column::Source.eq(ActionSource::Check.code()))
        .filter(action::Column::SourceId.eq(submission_id))
        .order_by_asc(action::Column::DueOn)
        .all(db)
        .await?;
    let items = super::drills::action_rows(db, items, today, zone, super::drills::may_close(writer, keeper)).await?;
    let own = writer.filter(|w| w.agency_id() == agency);
    let owners = match own {
        Some(w) => super::drills::owner_choices(db, w, today).await?,
        None => Vec::new(),
    };
    Ok(ImprovementPlan { applies, items, can_add: own.is_some(), owners })
}

/// Adds items to the improvement plan of a security check report the agency made.
pub async fn add_improvement_items(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    w: &PlanWriter,
    reports: &ReportReader,
    submission_id: Uuid,
    lines: &[ActionLine],
    today: Date,
) -> ServiceResult<usize> {
    let (applies, agency) = security_check(db, reports, submission_id).await?;
    if agency != w.agency_id() {
        return Err(ServiceError::NotFound);
    }
    if !applies {
        return Err(ServiceError::invalid("submission_id", Msg::ErNotSecurityCheck));
    }
    let txn = write_txn(db).await?;
    super::drills::add_actions(txn, by, w, (ActionSource::Check, submission_id), lines, today, true).await
}
