//! Reminders of what is overdue on notices, once each, through the outbox: an agency that has
//! not answered two business days after the notice, a regulator that has not decided by the
//! planned start, a CSP whose post-change assessment is past its deadline. Each reminder is a
//! step of the notice (kind `reminded`, by the portal, naming whom it reminded), so it shows on
//! the timeline and is never sent twice. A notice reminded of something leaves that reminder's
//! work, so each run reads only what is newly overdue (and what is not yet due: a notice less than
//! two business days old, or an assessment not yet late, is read again until it is).
use std::collections::{HashMap, HashSet};

use sea_orm::DatabaseConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use super::*;
use crate::{
    changes::{
        entity::{notice, step},
        rules,
        scope::{agencies_of_notices, notices_unanswered_before, notices_unassessed, notices_undecided_started, regulators_of, steps_of_notices},
        DeadlineKind, StepKind,
    },
};

/// What a reminder is about (the stored body of its step).
const ANSWER: &str = "answer";
const DECISION: &str = "decision";
const ASSESSMENT: &str = "assessment";

/// Notices looked at per run of the job: a full batch runs again at once.
pub const CHANGE_REMINDER_BATCH: u64 = 200;

const ASK_ANSWER_LATE: (&str, &str) = ("本单位尚未确认此变更通知，已超过 2 个工作日。", "Your agency has not answered this notice for over 2 business days.");
const ASK_DECIDE_LATE: (&str, &str) = ("变更计划开始时间已到，尚待您的决定。", "The change's planned start has come and your decision is still awaited.");
const ASK_ASSESS_LATE: (&str, &str) = ("变更后安全评估已超过期限，请尽快提交。", "The post-change assessment is past its deadline: please attach it.");

/// Sends the reminders due at `now`; returns how many were sent.
pub async fn remind_changes(db: &DatabaseConnection, now: OffsetDateTime, link_base: &str) -> ServiceResult<usize> {
    use sea_orm::{QueryOrder, QuerySelect};
    let cal = work_calendar(db).await?;
    // An acknowledgement is late two business days after the notice; never sooner than two days.
    let unanswered = notices_unanswered_before(now - time::Duration::days(2), ANSWER).order_by_asc(notice::Column::SubmittedAt).limit(CHANGE_REMINDER_BATCH).all(db).await?;
    let undecided = notices_undecided_started(now, DECISION).order_by_asc(notice::Column::PlannedStart).limit(CHANGE_REMINDER_BATCH).all(db).await?;
    let unassessed = notices_unassessed(ASSESSMENT).order_by_asc(notice::Column::ImplementedAt).limit(CHANGE_REMINDER_BATCH).all(db).await?;
    let ids: Vec<Uuid> = unanswered.iter().chain(&undecided).chain(&unassessed).map(|n| n.id).collect::<HashSet<_>>().into_iter().collect();
    if ids.is_empty() {
        return Ok(0);
    }
    let mut steps: HashMap<Uuid, Vec<step::Model>> = HashMap::new();
    let mut audience: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for s in steps_of_notices(chunk.to_vec()).all(db).await? {
            steps.entry(s.notice_id).or_default().push(s);
        }
        for a in agencies_of_notices(chunk.to_vec()).all(db).await? {
            audience.entry(a.notice_id).or_default().push(a.agency_id);
        }
    }
    let reminded = |n: &notice::Model, whom: Uuid, what: &str| {
        steps.get(&n.id).is_some_and(|ss| ss.iter().any(|s| s.kind == StepKind::Reminded.code() && s.organisation_id == whom && s.body == what && s.revision == n.revision))
    };
    let answered = |n: &notice::Model, agency: Uuid| {
        steps.get(&n.id).is_some_and(|ss| {
            ss.iter().any(|s| s.organisation_id == agency && (s.kind == StepKind::Acknowledged.code() || s.kind == StepKind::OptedOut.code()))
        })
    };
    // (notice, whom, what, ask)
    let mut due: Vec<(&notice::Model, Uuid, &'static str, (&'static str, &'static str))> = Vec::new();
    let today = rules::day_of(now);
    for n in &unanswered {
        if today <= rules::ack_due(n.submitted_at, &cal) {
            continue;
        }
        for a in audience.get(&n.id).into_iter().flatten() {
            if !answered(n, *a) && !reminded(n, *a, ANSWER) {
                due.push((n, *a, ANSWER, ASK_ANSWER_LATE));
            }
        }
    }
    if !undecided.is_empty() {
        let agencies: Vec<Uuid> = undecided.iter().flat_map(|n| audience.get(&n.id).cloned().unwrap_or_default()).collect();
        let regulator_of: HashMap<Uuid, Uuid> = regulators_of(agencies).all(db).await?.into_iter().filter_map(|o| Some((o.id, o.regulator_id?))).collect();
        for n in &undecided {
            let deciders: HashSet<Uuid> = audience.get(&n.id).into_iter().flatten().filter_map(|a| regulator_of.get(a).copied()).collect();
            let facts: Vec<rules::StepFact> = steps
                .get(&n.id)
                .into_iter()
                .flatten()
                .filter_map(|s| Some(rules::StepFact { kind: StepKind::parse(&s.kind)?, revision: s.revision, organisation: s.organisation_id, with_text: false }))
                .collect();
            for d in deciders {
                if rules::decision_on(&facts, d, n.revision).is_none() && !reminded(n, d, DECISION) {
                    due.push((n, d, DECISION, ASK_DECIDE_LATE));
                }
            }
        }
    }
    for n in &unassessed {
        let overdue = views::notice_deadlines(n, &cal, now).iter().any(|d| d.kind == DeadlineKind::Assessment && d.state == crate::changes::DeadlineState::Overdue);
        if overdue && !reminded(n, n.csp_id, ASSESSMENT) {
            due.push((n, n.csp_id, ASSESSMENT, ASK_ASSESS_LATE));
        }
    }
    let sent = due.len();
    for (n, whom, what, ask) in due {
        // One transaction per reminder: its step and its mails together.
        let txn = write_txn(db).await?;
        let portal = notices::By { organisation: whom, person: None };
        notices::write_step(&txn, n.id, n.revision, StepKind::Reminded, &portal, what.to_string(), None, None, now).await?;
        notices::tell(&txn, vec![whom], n, StepKind::Reminded, whom, "", Some(ask), now, link_base).await?;
        txn.commit().await?;
    }
    Ok(sent)
}
