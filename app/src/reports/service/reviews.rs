//! Reviewing a version: accept it, or return it with comments; both told to the submitter.
use super::*;

/// The receiving organisation accepts the waiting version or returns it with a comment.
pub async fn review(db: &DatabaseConnection, by: &Acting<'_>, reviewer: &ReportReviewer, submission_id: Uuid, decision: Decision, comment: &str) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let comment = comment.trim();
    if decision == Decision::Return && comment.is_empty() {
        return Err(invalid("comment", Msg::ErrCommentRequired));
    }
    if comment.chars().count() > rules::MAX_TEXT {
        return Err(invalid("comment", Msg::ErrTextTooLong));
    }
    let txn = write_txn(db).await?;
    let reached = reviewer.submission(&txn, submission_id).await?;
    let (s, o) = (reached.submission(), reached.obligation());
    let from = SubmissionStatus::parse(&s.status);
    let to = rules::transition(from, rules::Step::Review(decision))
        .map_err(|r| ServiceError::Conflict { field: "decision", msg: r.msg() })?;
    review::ActiveModel {
        id: Set(Uuid::new_v4()),
        submission_id: Set(s.id),
        version_number: Set(s.versions),
        decision: Set(decision.code().into()),
        comment: Set(comment.to_string()),
        reviewer_id: Set(actor.person_id),
        reviewed_at: Set(now),
    }
    .insert(&txn)
    .await
    .on_constraints(&[(review::UQ_REVIEW_VERSION, "decision", Msg::ErrAlreadyReviewed)])?;
    let mut m: submission::ActiveModel = s.clone().into();
    m.status = Set(to.code().into());
    m.decided_at = Set(Some(now));
    let written = m.update(&txn).await?;
    period_follows(&txn, &written, Moved::Reviewed(decision)).await?;
    epoch::bump(&txn).await?;
    let kind = ReportKind::parse(&o.kind).unwrap_or(ReportKind::CspMonthly);
    let period = typed(o)
        .and_then(|(_, c, _, _)| rules::from_start(c, s.period_start))
        .map(|p| p.to_string())
        .unwrap_or_default();
    let (action, summary) = match decision {
        Decision::Accept => {
            (AuditAction::ReportAccept, format!("{} {period} version {} accepted", kind.code(), s.versions))
        }
        Decision::Return => {
            (AuditAction::ReportReturn, format!("{} {period} version {} returned: {comment}", kind.code(), s.versions))
        }
    };
    let target = format!("submission {}", s.id);
    AuditEntry::mirrored(actor, meta, action, target, summary, o.submitter_id).record(&txn, now).await?;
    if decision == Decision::Return {
        let mut people = report_people(&txn, o.submitter_id).await?;
        // The person who sent the version hears of it too, whatever its role.
        if let Some(p) = reached.latest_sender(&txn).await? {
            people.insert(0, p);
        }
        mail_people(
            &txn,
            now,
            &people,
            &ReportMail::ReportReturned {
                receiver: actor.organisation_name.clone(),
                kind,
                period,
                comment: comment.to_string(),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}
