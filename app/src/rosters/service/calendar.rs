//! Calendar feeds: a person's shifts (or a whole roster's) a year ahead as iCalendar at a secret,
//! revocable address, with stable event ids across refreshes, the rotation's name in each event,
//! events marked transparent (a duty does not block the day), and any event that vanished since
//! an earlier fetch sent again as cancelled so subscribed calendars drop it.
use icalendar::{Calendar, Component, Event, EventStatus, Property};
use rand::RngCore;
use sea_orm::{sea_query::OnConflict, ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, IntoActiveModel};
use sha2::{Digest, Sha256};

use super::*;
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{actor::Acting, db::write_txn, epoch},
    rosters::{
        entity::{calendar_event, calendar_feed},
        scope::{DutyStander, FeedOwner},
        FeedRow,
    },
};

const DAY: i64 = 86_400;

fn plus(t: Timestamp, seconds: i64) -> Timestamp {
    t.checked_add(jiff::SignedDuration::from_secs(seconds)).unwrap_or(if seconds < 0 { Timestamp::MIN } else { Timestamp::MAX })
}

/// Every feed's address starts with this, so a leaked one is easy to recognise.
pub const FEED_PREFIX: &str = "cal_";
/// How far ahead a feed looks, and how far back it keeps what it sent.
const AHEAD_DAYS: i64 = 366;
const BEHIND_DAYS: i64 = 31;
/// How often a feed's last access is written.
const TOUCH_EVERY: time::Duration = time::Duration::minutes(1);

pub fn feed_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn mint() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{FEED_PREFIX}{}", hex::encode(bytes))
}

/// Makes a feed of the person's own shifts (`roster` none) or of one of its organisation's rosters;
/// returns the secret, shown once.
pub async fn create_feed(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    stander: &DutyStander,
    roster: Option<Uuid>,
) -> ServiceResult<String> {
    let Acting { actor, meta, now } = *by;
    let r = match roster {
        Some(id) => Some(stander.roster(db, id).await?),
        None => None,
    };
    let token = mint();
    let txn = write_txn(db).await?;
    calendar_feed::ActiveModel {
        id: Set(Uuid::new_v4()),
        person_id: Set(stander.person_id()),
        roster_id: Set(r.as_ref().map(|r| r.id)),
        token_hash: Set(feed_hash(&token)),
        created_at: Set(now),
        last_access_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    AuditEntry::by(
        actor,
        meta,
        AuditAction::CalendarFeedCreate,
        r.as_ref().map(|r| format!("roster {}", r.name)).unwrap_or_else(|| "my shifts".to_string()),
        format!("{}…", &token[..FEED_PREFIX.len() + 6]),
    )
    .record(&txn, now)
    .await?;
    epoch::commit_change(txn).await?;
    Ok(token)
}

/// The person's feeds, newest first.
pub async fn my_feeds<C: ConnectionTrait>(db: &C, stander: &DutyStander, viewer_zone: &str) -> ServiceResult<Vec<FeedRow>> {
    let feeds = stander.feeds().order_by_desc(calendar_feed::Column::CreatedAt).all(db).await?;
    let rosters = stander.rosters().all(db).await?;
    let zone = zone_of(viewer_zone);
    Ok(feeds
        .iter()
        .map(|f| FeedRow {
            id: f.id,
            roster: f.roster_id.map(|id| rosters.iter().find(|r| r.id == id).map(|r| r.name.clone()).unwrap_or_default()),
            created_at: local(to_rules(f.created_at), &zone),
            last_access_at: f.last_access_at.map(|t| local(to_rules(t), &zone)),
            revoked: f.revoked_at.is_some(),
        })
        .collect())
}

/// Revokes a feed: its address answers "not found" from then on. One's own, or — for the
/// organisation's managers, when a secret leaks — a colleague's.
pub async fn revoke_feed(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    stander: &DutyStander,
    manager: bool,
    id: Uuid,
) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let f = stander.colleagues_feeds().filter(calendar_feed::Column::Id.eq(id)).one(db).await?.ok_or(ServiceError::NotFound)?;
    if f.person_id != stander.person_id() && !manager {
        return Err(ServiceError::invalid("id", Msg::ErrDutyNotYourFeed));
    }
    if f.revoked_at.is_some() {
        return Ok(());
    }
    let txn = write_txn(db).await?;
    let mut a = f.into_active_model();
    a.revoked_at = Set(Some(now));
    a.update(&txn).await?;
    AuditEntry::by(actor, meta, AuditAction::CalendarFeedRevoke, "calendar feed".to_string(), id.to_string()).record(&txn, now).await?;
    epoch::commit_change(txn).await
}

/// One event as the feed sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct FeedEvent {
    uid: String,
    start: Timestamp,
    end: Timestamp,
    summary: String,
}

/// The rotation that put `s`'s person on duty at its start (none: an override, a swap or a
/// special period's fixed roster).
fn rotation_of(loaded: &Loaded, s: &rules::Shift) -> Option<String> {
    let first = Span { start: s.span.start, end: plus(s.span.start, 1) };
    loaded
        .rules
        .rotations
        .iter()
        .find(|r| r.layer == s.layer && r.duties(first).iter().any(|d| d.person == s.person))
        .and_then(|r| loaded.rotation_names.get(&r.id).cloned())
}

/// The feed behind `token` as iCalendar text: "not found" for an unknown or revoked token, or a
/// person no longer active. Records what it sent and when it was read.
pub async fn feed_ics(db: &DatabaseConnection, token: &str, now: OffsetDateTime) -> ServiceResult<String> {
    let token = token.trim().trim_end_matches(".ics");
    if !token.starts_with(FEED_PREFIX) {
        return Err(ServiceError::NotFound);
    }
    let owner = FeedOwner::by_token(db, &feed_hash(token)).await?.ok_or(ServiceError::NotFound)?;
    let feed = owner.feed().clone();
    let at = to_rules(now);
    let window = Span { start: plus(at, -BEHIND_DAYS * DAY), end: plus(at, AHEAD_DAYS * DAY) };
    let rosters = owner.rosters().filter(roster::Column::ArchivedAt.is_null()).all(db).await?;
    let mut current: Vec<FeedEvent> = Vec::new();
    let mut named = BTreeSet::new();
    let mut found: Vec<(rules::Shift, String, Option<String>, Uuid)> = Vec::new();
    for r in rosters {
        let loaded = load(db, r, window).await?;
        let segments = loaded.rules.resolve(window);
        for s in rules::shifts(&segments) {
            if feed.roster_id.is_none() && s.person != feed.person_id {
                continue;
            }
            named.insert(s.person);
            found.push((s, loaded.roster.name.clone(), rotation_of(&loaded, &s), loaded.roster.id));
        }
    }
    let names = people_refs(db, named).await?;
    for (s, roster, rotation, roster_id) in found {
        let layer = layer_code(s.layer);
        let what = rotation.unwrap_or_else(|| roster.clone());
        let summary = if feed.roster_id.is_some() {
            format!("{}: {roster} · {what} ({layer})", names.get(&s.person).cloned().unwrap_or_default())
        } else {
            format!("{roster} · {what} ({layer})")
        };
        current.push(FeedEvent {
            uid: format!("{roster_id}-{layer}-{}-{}@duty", s.person, s.span.start.as_second()),
            start: s.span.start,
            end: s.span.end,
            summary: summary.chars().take(400).collect(),
        });
    }
    let txn = write_txn(db).await?;
    let sent = owner.events().all(&txn).await?;
    for e in &current {
        calendar_event::Entity::insert(calendar_event::ActiveModel {
            feed_id: Set(feed.id),
            uid: Set(e.uid.clone()),
            starts_at: Set(to_db(e.start)),
            ends_at: Set(to_db(e.end)),
            summary: Set(e.summary.clone()),
            cancelled_at: Set(None),
        })
        .on_conflict(
            OnConflict::columns([calendar_event::Column::FeedId, calendar_event::Column::Uid])
                .update_columns([
                    calendar_event::Column::StartsAt,
                    calendar_event::Column::EndsAt,
                    calendar_event::Column::Summary,
                    calendar_event::Column::CancelledAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    let mut cancelled = Vec::new();
    for e in sent {
        if current.iter().any(|c| c.uid == e.uid) {
            continue;
        }
        if to_rules(e.ends_at) < window.start {
            // Long past: no calendar shows it any more.
            e.into_active_model().delete(&txn).await?;
            continue;
        }
        if e.cancelled_at.is_none() {
            let mut a = e.clone().into_active_model();
            a.cancelled_at = Set(Some(now));
            a.update(&txn).await?;
        }
        cancelled.push(FeedEvent { uid: e.uid, start: to_rules(e.starts_at), end: to_rules(e.ends_at), summary: e.summary });
    }
    if feed.last_access_at.is_none_or(|t| now - t >= TOUCH_EVERY) {
        let mut a = feed.clone().into_active_model();
        a.last_access_at = Set(Some(now));
        a.update(&txn).await?;
    }
    txn.commit().await?;
    Ok(render(&current, &cancelled, at))
}

/// `20261001T010000Z`.
fn ical_time(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn render(current: &[FeedEvent], cancelled: &[FeedEvent], at: Timestamp) -> String {
    let mut cal = Calendar::new();
    cal.name("Duty");
    let stamp = ical_time(at);
    for (e, gone) in current.iter().map(|e| (e, false)).chain(cancelled.iter().map(|e| (e, true))) {
        let mut ev = Event::new();
        ev.uid(&e.uid)
            .summary(&e.summary)
            .append_property(Property::new("DTSTART", ical_time(e.start)))
            .append_property(Property::new("DTEND", ical_time(e.end)))
            .append_property(Property::new("DTSTAMP", stamp.clone()))
            // A duty shift does not make its person busy for the whole day.
            .append_property(Property::new("TRANSP", "TRANSPARENT"));
        ev.status(if gone { EventStatus::Cancelled } else { EventStatus::Confirmed });
        cal.push(ev.done());
    }
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_parses_back_with_its_ids_times_and_cancellations() {
        let t = |s: &str| s.parse::<Timestamp>().expect("instant");
        let current = vec![FeedEvent {
            uid: "r-primary-p-1@duty".into(),
            start: t("2026-10-01T01:00:00Z"),
            end: t("2026-10-02T01:00:00Z"),
            summary: "值班 · Weeknights (primary)".into(),
        }];
        let gone = vec![FeedEvent {
            uid: "r-primary-p-0@duty".into(),
            start: t("2026-09-30T01:00:00Z"),
            end: t("2026-10-01T01:00:00Z"),
            summary: "old".into(),
        }];
        let text = render(&current, &gone, t("2026-09-01T00:00:00Z"));
        let parsed: Calendar = text.parse().expect("the feed parses as iCalendar");
        let events: Vec<&Event> = parsed.components.iter().filter_map(|c| c.as_event()).collect();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].get_uid(), Some("r-primary-p-1@duty"));
        assert_eq!(events[0].get_summary(), Some("值班 · Weeknights (primary)"));
        assert_eq!(events[0].property_value("DTSTART"), Some("20261001T010000Z"));
        assert_eq!(events[0].property_value("TRANSP"), Some("TRANSPARENT"));
        assert_eq!(events[0].get_status(), Some(EventStatus::Confirmed));
        assert_eq!(events[1].get_uid(), Some("r-primary-p-0@duty"));
        assert_eq!(events[1].get_status(), Some(EventStatus::Cancelled));
    }
}
