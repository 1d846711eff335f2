//! The daily digest's service: a person's settings; what its digest says today, each kind read
//! through its module's own reader as the person's dashboard reads it; and the job's sending, once
//! per person and day.
use std::collections::{HashMap, HashSet};

use sea_orm::{
    sea_query::OnConflict, ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, TransactionTrait,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    entity::{preference, sent},
    rules, scope, Digest, DigestInput, DigestKind, DigestLine, DigestSection, DigestSettings,
};
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{
        actor::{Actor, Acting},
        db::write_txn,
        epoch::Caches,
        policy::{self, Access},
        time_fmt::{date_in_zone, local_in_zone},
        ServiceError, ServiceResult,
    },
    i18n::{Locale, Msg},
};

/// The lines a section shows at most (the rest are counted, with a link to them all).
pub const SECTION_LINES: usize = 5;

/// People handled per run of the job (about twenty organisations' people, whose shared sections are
/// read once): a full batch runs again at once.
pub const SEND_BATCH: usize = 100;

/// The person's settings.
pub async fn settings(db: &DatabaseConnection, actor: &Actor) -> ServiceResult<DigestSettings> {
    let pref = scope::own_preference(actor).one(db).await?;
    let last = scope::own_last_sent(actor).one(db).await?;
    Ok(DigestSettings {
        send_at: rules::send_at_text(pref.as_ref().map_or_else(rules::default_send_at, |p| p.send_at)),
        kinds: rules::kinds_for(actor.org_kind),
        opted_out: pref.map(|p| rules::parse_kinds(&p.opted_out)).unwrap_or_default(),
        time_zone: actor.time_zone.clone(),
        last_sent: last.map(|s| s.day.to_string()),
    })
}

/// Saves the person's choice: its time, and every kind it can receive that the form left unticked.
pub async fn save(db: &DatabaseConnection, by: &Acting<'_>, input: &DigestInput) -> ServiceResult<()> {
    let send_at = rules::parse_send_at(&input.send_at).map_err(|m| ServiceError::invalid("send_at", m))?;
    let opted_out: Vec<DigestKind> =
        rules::kinds_for(by.actor.org_kind).into_iter().filter(|k| !input.wants(*k)).collect();
    let txn = write_txn(db).await?;
    preference::Entity::insert(preference::ActiveModel {
        person_id: Set(by.actor.person_id),
        send_at: Set(send_at),
        opted_out: Set(rules::kinds_text(&opted_out)),
        updated_at: Set(by.now),
    })
    .on_conflict(
        OnConflict::column(preference::Column::PersonId)
            .update_columns([preference::Column::SendAt, preference::Column::OptedOut, preference::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let summary = format!("digest at {}, left out: {}", rules::send_at_text(send_at), rules::kinds_text(&opted_out));
    AuditEntry::by(by.actor, by.meta, AuditAction::PreferencesChange, by.actor.email.clone(), summary).record(&txn, by.now).await?;
    txn.commit().await?;
    Ok(())
}

/// What a digest is composed with: the portal's state as a job sees it.
pub struct Composing<'a> {
    pub db: &'a DatabaseConnection,
    pub caches: &'a Caches,
    pub now: OffsetDateTime,
    /// The portal's own zone (readers judge "in force today" by it, as requests do).
    pub portal_zone: &'a str,
    pub link_base: &'a str,
}

impl Composing<'_> {
    fn link(&self, path: &str) -> String {
        format!("{}{path}", self.link_base.trim_end_matches('/'))
    }
}

/// A forbidden module (the person's role does not read it) has nothing to say, not an error.
fn absent<T>(r: ServiceResult<T>) -> ServiceResult<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(ServiceError::Forbidden | ServiceError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

fn line(text: String, link: String, overdue: bool) -> DigestLine {
    DigestLine { text, link, overdue }
}

/// Sections already composed in one run, by organisation, kind, the person's access to the kind's
/// modules, language and zone: at 08:00 a whole nation is due at once, and colleagues read the
/// same organisation's reach (only duty is a person's own, and never kept here).
pub type Memo = HashMap<(Uuid, DigestKind, Vec<Access>, Locale, String), Option<DigestSection>>;

/// The person's digest as of `c.now`: every kind it has not left out, each as its dashboard reads
/// it, the kinds with nothing to say left out.
pub async fn compose(c: &Composing<'_>, actor: &Actor, opted_out: &[DigestKind]) -> ServiceResult<Digest> {
    compose_with(c, actor, opted_out, &mut Memo::new()).await
}

/// [`compose`], reusing the sections a colleague with the same access already read in this run.
pub async fn compose_with(c: &Composing<'_>, actor: &Actor, opted_out: &[DigestKind], memo: &mut Memo) -> ServiceResult<Digest> {
    let locale = actor.locale.unwrap_or_default();
    let mut sections = Vec::new();
    for kind in rules::kinds_for(actor.org_kind) {
        if opted_out.contains(&kind) {
            continue;
        }
        let key = (
            actor.organisation_id,
            kind,
            rules::modules_of(kind).iter().map(|m| policy::access(actor, *m)).collect::<Vec<_>>(),
            locale,
            actor.time_zone.clone(),
        );
        if !rules::personal(kind) {
            if let Some(kept) = memo.get(&key) {
                if let Some(s) = kept.clone().filter(|s| s.total > 0) {
                    sections.push(s);
                }
                continue;
            }
        }
        let section = match kind {
            DigestKind::Reports => reports(c, actor, locale).await?,
            DigestKind::Duty => duty(c, actor, locale).await?,
            DigestKind::Incidents => incidents(c, actor, locale).await?,
            DigestKind::Emergency => emergency(c, actor, locale).await?,
            DigestKind::Changes => changes(c, actor, locale).await?,
            DigestKind::Sla => sla(c, actor, locale).await?,
            DigestKind::Exits => exits(c, actor, locale).await?,
            DigestKind::Oversight => oversight(c, actor, locale).await?,
        };
        if !rules::personal(kind) {
            memo.insert(key, section.clone());
        }
        if let Some(s) = section.filter(|s| s.total > 0) {
            sections.push(s);
        }
    }
    Ok(Digest { day: date_in_zone(c.now, &actor.time_zone).to_string(), sections })
}

fn section(kind: DigestKind, lines: Vec<DigestLine>, total: u64, link: String) -> Option<DigestSection> {
    let mut lines = rules::overdue_first(lines);
    lines.truncate(SECTION_LINES);
    Some(DigestSection { kind, lines, total, link })
}

/// Reports the person's organisation must submit (overdue, returned, due) or review.
async fn reports(c: &Composing<'_>, actor: &Actor, locale: Locale) -> ServiceResult<Option<DigestSection>> {
    use crate::reports::{scope, service, PeriodItem, PeriodState};
    let today = date_in_zone(c.now, c.portal_zone);
    let Some(reader) = absent(scope::report_reader(c.db, actor, today).await)? else { return Ok(None) };
    let v = service::Viewing { db: c.db, caches: c.caches, reader: &reader, actor, now: c.now };
    let p = service::panel(&v).await?;
    let text = |i: &PeriodItem, what: Msg| {
        format!(
            "{}: {} {} — {} ({} {})",
            what.text(locale),
            i.kind.label().text(locale),
            i.period,
            i.agency.name,
            Msg::DgDueOn.text(locale),
            i.due_on
        )
    };
    let mut lines = Vec::new();
    for i in &p.to_submit_first {
        let (what, overdue) = match i.state {
            PeriodState::Overdue { .. } => (Msg::DgOverdue, true),
            PeriodState::Returned { .. } => (Msg::DgReturned, false),
            _ => (Msg::DgToSubmit, false),
        };
        let link = match i.submission_id {
            Some(s) => c.link(&format!("/reports/submissions/{s}")),
            None => c.link("/reports?side=submit"),
        };
        lines.push(line(text(i, what), link, overdue));
    }
    for i in &p.to_review_first {
        let link = i.submission_id.map_or_else(|| c.link("/reports?side=review"), |s| c.link(&format!("/reports/submissions/{s}")));
        lines.push(line(text(i, Msg::DgToReview), link, false));
    }
    let total = u64::from(p.to_submit) + u64::from(p.to_review);
    Ok(section(DigestKind::Reports, lines, total, c.link("/reports")))
}

/// The person's own duty: a shift today, handovers to write or acknowledge, colleagues' offers,
/// status reports due in special periods.
async fn duty(c: &Composing<'_>, actor: &Actor, locale: Locale) -> ServiceResult<Option<DigestSection>> {
    use crate::rosters::{scope, service};
    let today = date_in_zone(c.now, c.portal_zone);
    if absent(scope::roster_reader(c.db, actor, today).await)?.is_none() {
        return Ok(None);
    }
    let Ok(stander) = scope::duty_stander(actor) else { return Ok(None) };
    let manager = scope::roster_manager(actor).ok();
    let d = service::my_duty(c.db, &stander, manager.as_ref(), c.now, &actor.time_zone).await?;
    let mine = date_in_zone(c.now, &actor.time_zone).to_string();
    let mut lines = Vec::new();
    for s in d.to_hand_over.iter() {
        lines.push(line(format!("{}: {} {}–{}", Msg::DgHandOver.text(locale), s.roster, s.start, s.end), c.link("/duty"), true));
    }
    for h in &d.to_acknowledge {
        let text = format!("{}: {} — {} ({}–{})", Msg::DgAcknowledge.text(locale), h.roster, h.person.name, h.shift_start, h.shift_end);
        lines.push(line(text, c.link("/duty"), false));
    }
    for r in &d.reports_due {
        let text = format!("{}: {} — {} ({} {})", Msg::DgStatusDue.text(locale), r.special, r.roster, Msg::DgDueOn.text(locale), r.due);
        lines.push(line(text, c.link("/duty"), r.overdue));
    }
    for o in &d.offers {
        let text = format!("{}: {} — {} {}–{}", Msg::DgOffer.text(locale), o.person.name, o.roster, o.start, o.end);
        lines.push(line(text, c.link("/duty"), false));
    }
    // Today's shifts are what the day holds, not something awaiting: told, but only beside the rest.
    let today_shifts: Vec<_> = d.shifts.iter().filter(|s| s.starts_at.starts_with(&mine) || s.now).collect();
    let waiting = lines.len() as u64;
    if waiting > 0 {
        for s in today_shifts {
            lines.push(line(format!("{}: {} {}–{}", Msg::DgOnDuty.text(locale), s.roster, s.start, s.end), c.link("/duty"), false));
        }
    }
    Ok(section(DigestKind::Duty, lines, waiting, c.link("/duty")))
}

/// Incidents whose report to the CSP or the regulator is late or due (the time-to-report rule).
async fn incidents(c: &Composing<'_>, actor: &Actor, locale: Locale) -> ServiceResult<Option<DigestSection>> {
    use crate::plans::{scope, service, IncidentFilter};
    let today = date_in_zone(c.now, c.portal_zone);
    let Some(reader) = absent(scope::incident_reader(c.db, actor, today).await)? else { return Ok(None) };
    let writer = scope::incident_writer(c.db, actor, today).await.ok();
    let filter = IncidentFilter { breach: "on".into(), ..IncidentFilter::default() };
    let l = service::incident_list(c.db, c.caches, &reader, writer.as_ref(), &filter, c.now, &actor.time_zone).await?;
    let lines = l
        .rows
        .iter()
        .map(|r| {
            let text = format!(
                "{}: {} {} — {} ({})",
                Msg::DgReportLate.text(locale),
                r.level.code(),
                r.title,
                r.agency,
                r.opened_at
            );
            line(text, c.link(&format!("/incidents/{}", r.id)), true)
        })
        .collect();
    Ok(section(DigestKind::Incidents, lines, l.total, c.link("/incidents?breach=on")))
}

/// An agency's or provider's follow-up actions overdue or due within three days; for an agency,
/// drill categories overdue and plans past their review.
async fn emergency(c: &Composing<'_>, actor: &Actor, locale: Locale) -> ServiceResult<Option<DigestSection>> {
    use crate::plans::scope;
    let today = date_in_zone(c.now, c.portal_zone);
    let Some(reader) = absent(scope::er_reader(c.db, actor, today).await)? else { return Ok(None) };
    if reader.is_jurisdiction() {
        // A regulator sees drills and plans across its agencies on the board (oversight).
        return Ok(None);
    }
    let writer = scope::plan_writer(actor).ok();
    let keeper = scope::contact_keeper(actor).ok();
    let h = crate::plans::service::home(c.db, &reader, writer.as_ref(), keeper.as_ref(), today, &actor.time_zone).await?;
    let soon = (date_in_zone(c.now, &actor.time_zone) + time::Duration::days(3)).to_string();
    let mut lines = Vec::new();
    for g in h.grid.iter().filter(|g| g.state.is_overdue()) {
        lines.push(line(format!("{}: {}", Msg::DgDrillOverdue.text(locale), g.category.label().text(locale)), c.link("/emergency"), true));
    }
    for p in h.plans.iter().filter(|p| p.review.is_overdue()) {
        lines.push(line(format!("{}: {}", Msg::DgPlanReview.text(locale), p.title), c.link(&format!("/emergency/plans/{}", p.id)), true));
    }
    for a in h.actions.iter().filter(|a| a.closed_at.is_none() && (a.overdue || a.due_on <= soon)) {
        let what = if a.overdue { Msg::DgOverdue } else { Msg::DgAction };
        let text = format!("{}: {} — {} ({} {})", what.text(locale), a.title, a.owner.name, Msg::DgDueOn.text(locale), a.due_on);
        lines.push(line(text, c.link("/emergency"), a.overdue));
    }
    let total = lines.len() as u64;
    Ok(section(DigestKind::Emergency, lines, total, c.link("/emergency")))
}

/// Change notices awaiting the person's organisation: an agency's answer, a regulator's decision.
async fn changes(c: &Composing<'_>, actor: &Actor, locale: Locale) -> ServiceResult<Option<DigestSection>> {
    use crate::changes::{scope, service, NoticeFilter};
    let today = date_in_zone(c.now, c.portal_zone);
    let Some(reader) = absent(scope::change_reader(c.db, actor, today).await)? else { return Ok(None) };
    let l = service::notice_list(c.db, &reader, &NoticeFilter::default(), &actor.time_zone, c.now).await?;
    let lines = l
        .awaiting
        .iter()
        .map(|n| {
            let text = format!(
                "{}: {} — {} ({} {})",
                Msg::DgAwaitingYou.text(locale),
                n.title,
                n.csp.name,
                Msg::DgPlannedStart.text(locale),
                n.planned_start
            );
            line(text, c.link(&format!("/changes/{}", n.id)), n.flagged > 0)
        })
        .collect();
    Ok(section(DigestKind::Changes, lines, l.awaiting_total, c.link("/changes")))
}

/// This month's SLA breaches in the person's reach, and agreements awaiting an answer.
async fn sla(c: &Composing<'_>, actor: &Actor, locale: Locale) -> ServiceResult<Option<DigestSection>> {
    use crate::sla::{scope, service::views, StandingFilter};
    let today = date_in_zone(c.now, c.portal_zone);
    let Some(reader) = absent(scope::sla_reader(c.db, actor, today).await)? else { return Ok(None) };
    let filter = StandingFilter { breached: true, page: 1, ..StandingFilter::default() };
    let h = views::home(c.db, c.caches, &reader, &filter, &actor.time_zone, c.now).await?;
    let lines = h
        .rows
        .iter()
        .map(|s| {
            let text = format!("{} ({}): {} — {}", Msg::DgSlaBreached.text(locale), h.month, s.agency, s.csp);
            line(text, c.link(&format!("/sla/{}", s.engagement_id)), true)
        })
        .collect();
    Ok(section(DigestKind::Sla, lines, h.total, c.link("/sla?breached=on")))
}

/// Exits in the person's reach with a step or the target date overdue.
async fn exits(c: &Composing<'_>, actor: &Actor, locale: Locale) -> ServiceResult<Option<DigestSection>> {
    use crate::exit::{scope, service, ExitFilter};
    let today = date_in_zone(c.now, c.portal_zone);
    let Some((reader, _)) = absent(scope::exit_reader_and_writer(c.db, actor, today).await)? else { return Ok(None) };
    let filter = ExitFilter { status: Some("open".into()), overdue: true, page: None };
    let (rows, total, _) = service::list(c.db, &reader, &filter, &actor.time_zone, today, false).await?;
    let lines = rows
        .iter()
        .map(|e| {
            let text = format!(
                "{}: {} — {} ({} {})",
                Msg::DgExitOverdue.text(locale),
                e.agency.name,
                e.provider.name,
                Msg::DgTarget.text(locale),
                e.target_date
            );
            line(text, c.link(&format!("/exits/{}", e.id)), true)
        })
        .collect();
    Ok(section(DigestKind::Exits, lines, total, c.link("/exits?status=open&overdue=1")))
}

/// A regulator's agencies needing attention, highest score first, with their reasons.
async fn oversight(c: &Composing<'_>, actor: &Actor, locale: Locale) -> ServiceResult<Option<DigestSection>> {
    use crate::oversight::{reason_text, scope, service, BoardQuery};
    let today = date_in_zone(c.now, c.portal_zone);
    let Some(reader) = absent(scope::oversight_reader(c.db, actor, today).await)? else { return Ok(None) };
    let query = BoardQuery { has: "attention".into(), ..BoardQuery::default() };
    let b = service::board(c.db, c.caches, &reader, c.now, &actor.time_zone, &query).await?;
    let lines = b
        .rows
        .iter()
        .map(|r| {
            let reasons = r.score.reasons.iter().map(|x| reason_text(x, locale)).collect::<Vec<_>>().join(", ");
            let text = format!("{} ({} {}): {reasons}", r.agency, Msg::DgScore.text(locale), r.score.total);
            line(text, c.link(&format!("/oversight/agencies/{}", r.agency_id)), false)
        })
        .collect();
    Ok(section(DigestKind::Oversight, lines, b.total, c.link("/oversight?has=attention")))
}

/// Sends the digests due now (at most [`SEND_BATCH`]): each person whose chosen time has come on
/// its own clock and whose day has not been handled. The day is marked in the same transaction as
/// the mail, keyed by person and day, so a second sender's attempt collides and sends nothing.
/// Returns how many people were due in this batch (handled here, or by another sender first), so a
/// full batch means more may be waiting.
pub async fn send_due(c: &Composing<'_>) -> ServiceResult<usize> {
    let people = scope::digest_people(c.db).await?;
    let mut due = Vec::new();
    let earliest = c.now.date() - time::Duration::days(1);
    let handled: HashSet<(Uuid, time::Date)> = scope::handled_since(c.db, earliest).await?.into_iter().collect();
    for p in people {
        let zone = p.time_zone.clone().unwrap_or_else(|| c.portal_zone.to_string());
        let local = local_in_zone(c.now, &zone);
        let send_at = p.send_at.unwrap_or_else(rules::default_send_at);
        if let Some(day) = rules::due_day(local, send_at, None).filter(|d| !handled.contains(&(p.person_id, *d))) {
            due.push((p, day));
            if due.len() == SEND_BATCH {
                break;
            }
        }
    }
    let n = due.len();
    let mut memo = Memo::new();
    for (p, day) in due {
        let Some(actor) = crate::auth::actor::load_actor(c.db, p.person_id, c.portal_zone).await? else { continue };
        let opted_out = rules::parse_kinds(p.opted_out.as_deref().unwrap_or(""));
        let digest = compose_with(c, &actor, &opted_out, &mut memo).await?;
        let txn = write_txn(c.db).await?;
        let inserted = sent::Entity::insert(sent::ActiveModel {
            person_id: Set(p.person_id),
            day: Set(day),
            sent_at: Set(c.now),
            items: Set(i32::try_from(digest.items()).unwrap_or(i32::MAX)),
        })
        .on_conflict(OnConflict::columns([sent::Column::PersonId, sent::Column::Day]).do_nothing().to_owned())
        .exec_without_returning(&txn)
        .await?;
        if inserted == 0 {
            // Another sender handled this person's day first.
            txn.rollback().await?;
            continue;
        }
        if !digest.is_empty() {
            let mail = super::mail::DigestMail { digest, settings_link: c.link("/account/password#digest") };
            crate::backend::mail::enqueue(&txn, c.now, &actor.email, actor.locale.unwrap_or_default(), &mail).await?;
        }
        txn.commit().await?;
    }
    Ok(n)
}

/// Deletes the marks of days long past (they only keep a day from being sent twice).
pub async fn forget_before<C: ConnectionTrait + TransactionTrait>(db: &C, before: time::Date) -> ServiceResult<u64> {
    Ok(scope::forget_handled_before(before).exec(db).await?.rows_affected)
}
