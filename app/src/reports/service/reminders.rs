//! Reminders: three days before a period's due date and on the first day overdue, each sent once.
use super::*;

/// The two reminders: three days before the due date, and on the first day overdue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reminder {
    DueSoon,
    Overdue,
}

impl Reminder {
    fn code(self) -> &'static str {
        match self {
            Reminder::DueSoon => "due_soon",
            Reminder::Overdue => "overdue",
        }
    }
}

/// Which reminder a period wants today (in the portal's time zone), if any. A reminder missed by
/// a server that was down still goes out within the following days, never for old periods.
pub fn reminder_due(p: Period, due_day: u8, today: Date, submitted: bool) -> Option<Reminder> {
    if submitted {
        return None;
    }
    let due = rules::due_date(p, due_day);
    let days_to_due = (due - today).whole_days();
    match days_to_due {
        0..=3 if today > rules::end(p) => Some(Reminder::DueSoon),
        -7..=-1 => Some(Reminder::Overdue),
        _ => None,
    }
}

/// The due days for which an obligation of `cadence` can want a reminder today: those of the
/// periods that ended lately (a reminder's window is three days before the due date to seven after,
/// and a due date falls in the month after its period). The reminder job reads only those
/// obligations, not the whole table.
pub fn due_days_reminded(cadence: Cadence, today: Date) -> Vec<i16> {
    let recent = rules::last_ended(cadence, today, 3);
    (1u8..=31).filter(|day| recent.iter().any(|p| reminder_due(*p, *day, today, false).is_some())).map(i16::from).collect()
}

/// Sends the reminders due today; each goes out once, even with several servers (the reminder
/// row's key decides who sends). Returns how many were queued.
pub async fn send_reminders(db: &DatabaseConnection, now: OffsetDateTime, zone: &str) -> ServiceResult<u32> {
    let today = date_in_zone(now, zone);
    let due: Vec<(Cadence, Vec<i16>)> = Cadence::ALL.iter().map(|c| (*c, due_days_reminded(*c, today))).collect();
    let reached = crate::reports::scope::reminder_obligations(db, today, &due).await?;
    let obligations = reached.rows();
    let facts = submission_facts(db, &reached, Some(today - time::Duration::days(400)), zone).await?;
    let names = org_names(db, obligations.iter().map(|o| o.receiver_id)).await?;
    let mut sent = 0;
    for o in obligations {
        let Some((kind, _, first, last)) = typed(o) else {
            continue;
        };
        // Only the two most recent ended periods can be within a reminder's window.
        for p in rules::periods_begun(first, last, today, 3) {
            let submitted = facts.contains_key(&(o.id, rules::start(p)));
            let Some(which) = reminder_due(p, o.due_day as u8, today, submitted) else {
                continue;
            };
            let txn = db.begin().await?;
            let claimed = reminder::Entity::insert(reminder::ActiveModel {
                obligation_id: Set(o.id),
                period_start: Set(rules::start(p)),
                kind: Set(which.code().into()),
                sent_at: Set(now),
            })
            .on_conflict_do_nothing()
            .exec(&txn)
            .await?;
            if matches!(claimed, sea_orm::TryInsertResult::Inserted(_)) {
                let template = ReportMail::ReportReminder {
                    receiver: names.get(&o.receiver_id).cloned().unwrap_or_default(),
                    kind,
                    period: p.to_string(),
                    due: rules::due_date(p, o.due_day as u8).to_string(),
                    overdue: which == Reminder::Overdue,
                };
                let people = report_people(&txn, o.submitter_id).await?;
                mail_people(&txn, now, &people, &template).await?;
                sent += 1;
            }
            txn.commit().await?;
        }
    }
    Ok(sent)
}

/// A regulator reminds the submitter of an overdue report (`period` of obligation `id` in its
/// jurisdiction) through the outbox, at most once a day for each overdue report, audited in both
/// trails.
pub async fn remind_overdue(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    reader: &ReportReader,
    id: Uuid,
    period: Period,
) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    // Only a jurisdiction's person who acts on reports reminds: the parties have their own
    // reminders and their own channel.
    if !reader.is_jurisdiction() || !crate::reports::scope::may_remind(actor) {
        return Err(ServiceError::Forbidden);
    }
    let today = date_in_zone(now, &actor.time_zone);
    let txn = write_txn(db).await?;
    let reached = reader.obligations_where(&txn, |q| q.filter(obligation::Column::Id.eq(id))).await?;
    let o = reached.rows().first().ok_or(ServiceError::NotFound)?.clone();
    let Some((kind, cadence, first, last)) = typed(&o) else {
        return Err(ServiceError::NotFound);
    };
    if period.cadence() != cadence || rules::period_open(period, first, last, today).is_err() {
        return Err(invalid("period", Msg::ErrPeriodOutside));
    }
    let sent = reached.submissions().into_iter().next().map(|q| {
        q.filter(submission::Column::PeriodStart.eq(rules::start(period)))
    });
    let sent = match sent {
        Some(q) => q.count(&txn).await? > 0,
        None => false,
    };
    let due = rules::due_date(period, o.due_day as u8);
    if sent || today <= due {
        return Err(ServiceError::Conflict { field: "period", msg: Msg::ErrNotOverdue });
    }
    // The reminder row's key makes "once a day" hold with several servers and double clicks.
    let claimed = reminder::Entity::insert(reminder::ActiveModel {
        obligation_id: Set(o.id),
        period_start: Set(rules::start(period)),
        kind: Set(format!("nudge:{today}")),
        sent_at: Set(now),
    })
    .on_conflict_do_nothing()
    .exec(&txn)
    .await?;
    if !matches!(claimed, sea_orm::TryInsertResult::Inserted(_)) {
        return Err(ServiceError::Conflict { field: "period", msg: Msg::ErrRemindedToday });
    }
    let template = ReportMail::ReportNudge {
        regulator: actor.organisation_name.clone(),
        kind,
        period: period.to_string(),
        due: due.to_string(),
    };
    let people = report_people(&txn, o.submitter_id).await?;
    mail_people(&txn, now, &people, &template).await?;
    let target = format!("obligation {}", o.id);
    let summary = format!("reminded of {} {period}, overdue since {due}", kind.code());
    AuditEntry::mirrored(actor, meta, AuditAction::ReportRemind, target, summary, o.submitter_id).record(&txn, now).await?;
    txn.commit().await?;
    Ok(())
}
