//! Outage, fault and maintenance records: entered by either party of an engagement in force (or
//! through the API), completed by the party that entered them, confirmed or disputed by the other,
//! reclassified by either with a reason. Each change computes the days it touched anew and is
//! audited in both parties' trails; a reclassification reaching into a closed month issues a new
//! version of that month's report.
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    days::{self, record_stretch},
    other_party, text, writable,
};
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{actor::Acting, db::write_txn, epoch, error::Fields, time_fmt, ServiceError, ServiceResult},
    i18n::Msg,
    sla::{
        entity::{reclass, record, record_site},
        rules::Stretch,
        scope::{of_engagement, SlaWriter},
        FinishInput, ReclassInput, RecordClass, RecordInput, RecordKind, Review, ReviewInput,
    },
    tenancy::entity::engagement,
};

/// Where a record came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Typed on a page.
    Entered,
    /// Sent through the machine API.
    Api,
}

impl Source {
    fn code(self) -> &'static str {
        match self {
            Source::Entered => "entered",
            Source::Api => "api",
        }
    }
}

/// A record's kind and class, each refused by name; a kind left empty is the class's own (each
/// class belongs to one kind, so a form asks for the class alone).
fn kind_and_class(f: &mut Fields, kind: &str, class: &str) -> Option<(RecordKind, RecordClass)> {
    let inferred = RecordClass::parse(class.trim()).and_then(|c| {
        [RecordKind::Outage, RecordKind::Fault, RecordKind::Maintenance].into_iter().find(|k| RecordClass::of(*k).contains(&c))
    });
    let kind = match kind.trim() {
        // An unknown class is refused below, once.
        "" => inferred,
        k => f.check("kind", RecordKind::parse(k).ok_or(Msg::ErrChoose)),
    };
    let class = f.check("class", RecordClass::parse(class.trim()).ok_or(Msg::ErrChoose));
    let (kind, class) = (kind?, class?);
    if !RecordClass::of(kind).contains(&class) {
        f.refuse("class", Msg::SlaErrClassOfKind);
        return None;
    }
    Some((kind, class))
}

/// An optional instant typed on the viewer's clock (or RFC 3339): empty is `Some(None)`.
fn optional_at(f: &mut Fields, field: &'static str, text: &str, zone: &str) -> Option<Option<OffsetDateTime>> {
    if text.trim().is_empty() {
        return Some(None);
    }
    f.check(field, time_fmt::parse_in_zone(text, zone).map(Some).ok_or(Msg::ChErrDateTime))
}

/// The times after the start: the end strictly after it, response and resolution not before it.
struct Times {
    ended: Option<OffsetDateTime>,
    responded: Option<OffsetDateTime>,
    resolved: Option<OffsetDateTime>,
}

fn times(f: &mut Fields, start: Option<OffsetDateTime>, ended: &str, responded: &str, resolved: &str, zone: &str) -> Option<Times> {
    let ended = optional_at(f, "ended_at", ended, zone);
    let responded = optional_at(f, "responded_at", responded, zone);
    let resolved = optional_at(f, "resolved_at", resolved, zone);
    if let Some(start) = start {
        if ended.flatten().is_some_and(|e| e <= start) {
            f.refuse("ended_at", Msg::SlaErrEndBeforeStart);
        }
        for (field, t) in [("responded_at", responded.flatten()), ("resolved_at", resolved.flatten())] {
            if t.is_some_and(|t| t < start) {
                f.refuse(field, Msg::SlaErrTimeBeforeStart);
            }
        }
    }
    Some(Times { ended: ended?, responded: responded?, resolved: resolved? })
}

/// The first instant after the engagement's last day, on the viewer's clock.
fn engagement_span(e: &engagement::Model, zone: &str) -> Option<(OffsetDateTime, OffsetDateTime)> {
    let start = time_fmt::parse_in_zone(&format!("{}T00:00", e.starts_on), zone)?;
    let end = time_fmt::parse_in_zone(&format!("{}T00:00", e.ends_on.next_day()?), zone)?;
    Some((start, e.ended_at.map_or(end, |x| x.min(end))))
}

/// Another record of the same kind and class on any of these websites whose time overlaps: its
/// start, if there is one (`except`: the record itself, when it changes).
async fn overlapping<C: ConnectionTrait>(
    conn: &C,
    e: &engagement::Model,
    kind: RecordKind,
    class: RecordClass,
    span: (OffsetDateTime, Option<OffsetDateTime>),
    websites: &[Uuid],
    except: Option<Uuid>,
) -> ServiceResult<Option<OffsetDateTime>> {
    let (start, end) = span;
    let mut q = of_engagement::records(e.id).filter(record::Column::Kind.eq(kind.code())).filter(record::Column::Class.eq(class.code()));
    if let Some(end) = end {
        q = q.filter(record::Column::StartedAt.lt(end));
    }
    if let Some(id) = except {
        q = q.filter(record::Column::Id.ne(id));
    }
    let candidates: Vec<record::Model> =
        q.all(conn).await?.into_iter().filter(|r| r.ended_at.is_none_or(|x| x > start)).collect();
    if candidates.is_empty() {
        return Ok(None);
    }
    let sites = days::sites_of(conn, candidates.iter().map(|r| r.id).collect()).await?;
    Ok(candidates
        .iter()
        .filter(|r| sites.get(&r.id).is_some_and(|s| s.iter().any(|w| websites.contains(w))))
        .map(|r| r.started_at)
        .min())
}

/// The websites typed: each an id of a website the engagement covers, at least one.
async fn websites<C: ConnectionTrait>(conn: &C, f: &mut Fields, e: &engagement::Model, ids: &[String]) -> ServiceResult<Option<Vec<Uuid>>> {
    let covered: Vec<Uuid> = of_engagement::websites(e.id).all(conn).await?.into_iter().map(|w| w.website_id).collect();
    let mut out = Vec::new();
    for id in ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        match Uuid::parse_str(id) {
            Ok(id) if covered.contains(&id) => {
                if !out.contains(&id) {
                    out.push(id);
                }
            }
            _ => {
                f.refuse("website_ids", Msg::SlaErrWebsiteOutside);
                return Ok(None);
            }
        }
    }
    if out.is_empty() {
        f.refuse("website_ids", Msg::SlaErrNoWebsite);
        return Ok(None);
    }
    Ok(Some(out))
}

/// The time a record reaches: from its start to its end, or to now while it goes on.
fn touched(start: OffsetDateTime, end: Option<OffsetDateTime>, now: OffsetDateTime) -> Stretch {
    let (a, b) = (days::secs(start), days::secs(end.unwrap_or(now).max(start)));
    Stretch { start: a, end: b.max(a + 1) }
}

/// One line of the audit trail for a record: what, on which engagement, when.
fn described(r: &record::Model) -> String {
    format!("engagement {} sla record {} {}/{}", r.engagement_id, r.id, r.kind, r.class)
}

/// Enters a record on an engagement in force. An outage or fault starts no later than now; a
/// maintenance window may be planned ahead. The other party is asked to confirm it.
pub async fn record(db: &DatabaseConnection, by: &Acting<'_>, w: &SlaWriter, engagement_id: Uuid, input: &RecordInput, source: Source, link_base: &str) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let zone = actor.time_zone.as_str();
    let txn = write_txn(db).await?;
    let e = writable(&txn, w, engagement_id).await?;
    let mut f = Fields::new();
    let kc = kind_and_class(&mut f, &input.kind, &input.class);
    let sites = websites(&txn, &mut f, &e, &input.website_ids).await?;
    let start = f.check("started_at", time_fmt::parse_in_zone(&input.started_at, zone).ok_or(Msg::ChErrDateTime));
    let t = times(&mut f, start, &input.ended_at, &input.responded_at, &input.resolved_at, zone);
    let cause = text(&mut f, "cause", &input.cause);
    if let (Some(start), Some((kind, _))) = (start, kc) {
        if kind != RecordKind::Maintenance && start > now {
            f.refuse("started_at", Msg::SlaErrFuture);
        }
        if engagement_span(&e, zone).is_none_or(|(from, until)| start < from || start >= until) {
            f.refuse("started_at", Msg::SlaErrOutsideEngagement);
        }
    }
    if let (Some(start), Some((kind, class)), Some(sites), Some(t)) = (start, kc, &sites, &t) {
        let end = t.ended.or(if kind == RecordKind::Fault { t.resolved } else { None });
        if let Some(other) = overlapping(&txn, &e, kind, class, (start, end), sites, None).await? {
            f.refuse_with("started_at", Msg::SlaErrOverlap, time_fmt::format_in_zone(other, zone));
        }
    }
    let ((kind, class), sites, start, t, cause) = f.finish_with(|| Some((kc?, sites?, start?, t?, cause?)))?;
    // The months it reaches, as they stood: a metric it pushes below target is told at once.
    let watch = super::months::Watch::before(&txn, &e, &[touched(start, t.ended, now)], now).await?;
    let row = record::ActiveModel {
        id: Set(Uuid::now_v7()),
        engagement_id: Set(e.id),
        agency_id: Set(e.agency_id),
        csp_id: Set(e.provider_id),
        kind: Set(kind.code().into()),
        class: Set(class.code().into()),
        started_at: Set(start),
        ended_at: Set(t.ended),
        responded_at: Set(t.responded),
        resolved_at: Set(t.resolved),
        cause: Set(cause),
        source: Set(source.code().into()),
        notice_id: Set(None),
        recorded_by: Set(actor.person_id),
        recorded_org: Set(actor.organisation_id),
        recorded_at: Set(now),
        review: Set(Review::Pending.code().into()),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        review_comment: Set(String::new()),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let links: Vec<record_site::ActiveModel> =
        sites.iter().map(|w| record_site::ActiveModel { record_id: Set(row.id), website_id: Set(*w) }).collect();
    record_site::Entity::insert_many(links).exec(&txn).await?;
    if let Some(s) = record_stretch(&row) {
        days::refresh(&txn, &e, &[s]).await?;
        // A record entered late for a closed month: that month's report gets its next version.
        super::months::reissue(&txn, &e, &[s], "recorded", now).await?;
    }
    watch.tell_new_misses(&txn, &e, now, link_base).await?;
    let other = other_party(&e, actor.organisation_id);
    AuditEntry::mirrored(actor, meta, AuditAction::SlaRecorded, described(&row), format!("{} websites", sites.len()), other)
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await?;
    Ok(row.id)
}

/// A record of engagement `e` (already found writable), if it is one of its records.
async fn record_in<C: ConnectionTrait>(conn: &C, w: &SlaWriter, e: &engagement::Model, id: Uuid) -> ServiceResult<record::Model> {
    w.reader()
        .records()
        .filter(record::Column::Id.eq(id))
        .filter(record::Column::EngagementId.eq(e.id))
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Completes a record its own party entered: its end once the outage is over, and a fault's
/// response and resolution times. A time already set stays (a correction is a reclassification
/// or a dispute, never a silent edit).
pub async fn finish(db: &DatabaseConnection, by: &Acting<'_>, w: &SlaWriter, engagement_id: Uuid, record_id: Uuid, input: &FinishInput, link_base: &str) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let zone = actor.time_zone.as_str();
    let txn = write_txn(db).await?;
    let e = writable(&txn, w, engagement_id).await?;
    if [&input.ended_at, &input.responded_at, &input.resolved_at].iter().all(|t| t.trim().is_empty()) {
        return Err(ServiceError::invalid("ended_at", Msg::SlaErrNothingToAdd));
    }
    let r = record_in(&txn, w, &e, record_id).await?;
    if r.recorded_org != actor.organisation_id {
        return Err(ServiceError::invalid("record", Msg::SlaErrNotOpen));
    }
    let mut f = Fields::new();
    let t = times(&mut f, Some(r.started_at), &input.ended_at, &input.responded_at, &input.resolved_at, zone);
    if let Some(t) = &t {
        for (field, old, new) in [("ended_at", r.ended_at, t.ended), ("responded_at", r.responded_at, t.responded), ("resolved_at", r.resolved_at, t.resolved)] {
            if old.is_some() && new.is_some() {
                f.refuse(field, Msg::SlaErrEndSet);
            }
        }
        if t.ended.is_some_and(|x| x > now) && r.kind != RecordKind::Maintenance.code() {
            f.refuse("ended_at", Msg::SlaErrFuture);
        }
    }
    let t = f.finish_with(|| t)?;
    let before = record_stretch(&r);
    let mut am = r.clone().into_active_model();
    if let Some(x) = t.ended {
        am.ended_at = Set(Some(x));
    }
    if let Some(x) = t.responded {
        am.responded_at = Set(Some(x));
    }
    if let Some(x) = t.resolved {
        am.resolved_at = Set(Some(x));
    }
    am.updated_at = Set(now);
    let watch = super::months::Watch::before(&txn, &e, &[touched(r.started_at, t.ended.or(r.ended_at), now)], now).await?;
    let after = am.update(&txn).await?;
    let spans: Vec<Stretch> = [before, record_stretch(&after)].into_iter().flatten().collect();
    days::refresh(&txn, &e, &spans).await?;
    super::months::reissue(&txn, &e, &spans, "completed", now).await?;
    watch.tell_new_misses(&txn, &e, now, link_base).await?;
    let other = other_party(&e, actor.organisation_id);
    AuditEntry::mirrored(actor, meta, AuditAction::SlaCompleted, described(&after), String::new(), other).record(&txn, now).await?;
    epoch::commit_change(txn).await
}

/// The other party confirms or disputes a record (a dispute says why). A disputed record is shown
/// and counted apart: it leaves the month's figures until the parties settle it by a
/// reclassification.
pub async fn review(db: &DatabaseConnection, by: &Acting<'_>, w: &SlaWriter, engagement_id: Uuid, record_id: Uuid, input: &ReviewInput) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let e = writable(&txn, w, engagement_id).await?;
    let mut f = Fields::new();
    let verdict = match Review::parse(input.review.trim()) {
        Some(v @ (Review::Confirmed | Review::Disputed)) => Some(v),
        _ => {
            f.refuse("review", Msg::SlaErrReviewChoice);
            None
        }
    };
    let comment = text(&mut f, "comment", &input.comment);
    if verdict == Some(Review::Disputed) && comment.as_deref().is_some_and(str::is_empty) {
        f.refuse("comment", Msg::SlaErrDisputeComment);
    }
    let (verdict, comment) = f.finish_with(|| Some((verdict?, comment?)))?;
    let r = record_in(&txn, w, &e, record_id).await?;
    if r.recorded_org == actor.organisation_id {
        return Err(ServiceError::invalid("review", Msg::SlaErrReviewOwn));
    }
    if r.review != Review::Pending.code() {
        return Err(ServiceError::invalid("review", Msg::SlaErrReviewed));
    }
    let span = record_stretch(&r);
    let mut am = r.into_active_model();
    am.review = Set(verdict.code().into());
    am.reviewed_by = Set(Some(actor.person_id));
    am.reviewed_at = Set(Some(now));
    am.review_comment = Set(comment);
    am.updated_at = Set(now);
    let after = am.update(&txn).await?;
    if verdict == Review::Disputed {
        let spans: Vec<Stretch> = span.into_iter().collect();
        days::refresh(&txn, &e, &spans).await?;
        super::months::reissue(&txn, &e, &spans, "disputed", now).await?;
    }
    AuditEntry::mirrored(actor, meta, AuditAction::SlaReviewed, described(&after), verdict.code().to_string(), after.recorded_org)
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await
}

/// Reclassifies a record (for example an outage as maintenance), with its reason: a fact kept
/// beside the record. Either party may; a disputed record goes back to the other party's review
/// (and counts again meanwhile): the dispute was about the record as it was.
pub async fn reclassify(db: &DatabaseConnection, by: &Acting<'_>, w: &SlaWriter, engagement_id: Uuid, record_id: Uuid, input: &ReclassInput, link_base: &str) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let e = writable(&txn, w, engagement_id).await?;
    let mut f = Fields::new();
    let kc = kind_and_class(&mut f, &input.kind, &input.class);
    let reason = text(&mut f, "reason", &input.reason);
    if reason.as_deref().is_some_and(str::is_empty) {
        f.refuse("reason", Msg::SlaErrReason);
    }
    if kc.is_none() || reason.as_deref().is_none_or(str::is_empty) {
        return Err(f.finish().err().unwrap_or(ServiceError::invalid("class", Msg::ErrChoose)));
    }
    let r = record_in(&txn, w, &e, record_id).await?;
    if kc.is_some_and(|(k, c)| k.code() == r.kind && c.code() == r.class) {
        f.refuse("class", Msg::SlaErrSameClass);
    }
    if let Some((kind, class)) = kc {
        let sites = days::sites_of(&txn, vec![r.id]).await?.remove(&r.id).unwrap_or_default();
        let end = r.ended_at.or(if kind == RecordKind::Fault { r.resolved_at } else { None });
        if let Some(other) = overlapping(&txn, &e, kind, class, (r.started_at, end), &sites, Some(r.id)).await? {
            f.refuse_with("class", Msg::SlaErrOverlap, time_fmt::format_in_zone(other, &actor.time_zone));
        }
    }
    let ((kind, class), reason) = f.finish_with(|| Some((kc?, reason?)))?;
    reclass::ActiveModel {
        id: Set(Uuid::now_v7()),
        record_id: Set(r.id),
        from_kind: Set(r.kind.clone()),
        from_class: Set(r.class.clone()),
        to_kind: Set(kind.code().into()),
        to_class: Set(class.code().into()),
        reason: Set(reason.clone()),
        person_id: Set(actor.person_id),
        organisation_id: Set(actor.organisation_id),
        at: Set(now),
    }
    .insert(&txn)
    .await?;
    let before = record_stretch(&r);
    let watch = super::months::Watch::before(&txn, &e, &[touched(r.started_at, r.ended_at, now)], now).await?;
    let was_disputed = r.review == Review::Disputed.code();
    let mut am = r.into_active_model();
    am.kind = Set(kind.code().into());
    am.class = Set(class.code().into());
    if was_disputed {
        am.review = Set(Review::Pending.code().into());
    }
    am.updated_at = Set(now);
    let after = am.update(&txn).await?;
    let spans: Vec<Stretch> = [before, record_stretch(&after)].into_iter().flatten().collect();
    days::refresh(&txn, &e, &spans).await?;
    super::months::reissue(&txn, &e, &spans, &reason, now).await?;
    watch.tell_new_misses(&txn, &e, now, link_base).await?;
    let other = other_party(&e, actor.organisation_id);
    AuditEntry::mirrored(actor, meta, AuditAction::SlaReclassified, described(&after), reason, other).record(&txn, now).await?;
    epoch::commit_change(txn).await
}
