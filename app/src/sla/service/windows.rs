//! Planned maintenance windows from change notices: a CSP's planned-interruption notice, once
//! every affected agency has answered it and every approval is in (cleared, or implemented), is a
//! maintenance record on each engagement with an agreement whose websites it names — confirmed,
//! since the agency answered the notice. The implementation's actual times replace the planned
//! ones; a revision that reopens the notice, or its cancellation, withdraws the window (unless a
//! person reclassified it since: then it is theirs, and stays).
use std::collections::{HashMap, HashSet};

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, ModelTrait, QueryFilter};
use time::OffsetDateTime;
use uuid::Uuid;

use super::days::{self, secs};
use crate::{
    backend::ServiceResult,
    changes::{entity::notice, ChangeCategory, NoticeStatus},
    sla::{
        entity::{record, record_site},
        rules::Stretch,
        scope::of_engagement,
        RecordClass, RecordKind, Review,
    },
    tenancy::entity::engagement,
};

/// Where a window came from, in a record's `source`.
pub const SOURCE: &str = "notice";

/// Whether a notice of this category and status gives a window, and its time: the actual one once
/// implemented, the planned one before.
pub fn window_of(n: &notice::Model) -> Option<(OffsetDateTime, OffsetDateTime)> {
    let status = NoticeStatus::parse(&n.status)?;
    let holds = ChangeCategory::parse(&n.category) == Some(ChangeCategory::PlannedInterruption)
        && matches!(status, NoticeStatus::Cleared | NoticeStatus::Implemented | NoticeStatus::Assessed | NoticeStatus::Closed);
    if !holds {
        return None;
    }
    match (n.actual_start, n.actual_end) {
        (Some(a), Some(b)) if b > a => Some((a, b)),
        _ => (n.planned_end > n.planned_start).then_some((n.planned_start, n.planned_end)),
    }
}

/// Brings notice `n`'s windows in line with its state, inside the caller's transaction: each
/// engagement's days are computed anew and a closed month it reaches gets its next report.
pub async fn sync_notice<C: ConnectionTrait>(conn: &C, n: &notice::Model, now: OffsetDateTime) -> ServiceResult<()> {
    // Engagement → the websites the window covers there.
    let mut wanted: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    let mut engagements: HashMap<Uuid, engagement::Model> = HashMap::new();
    let window = window_of(n);
    if let Some((start, end)) = window {
        let sites = of_engagement::notice_websites(n.id).all(conn).await?;
        let agencies: Vec<Uuid> = sites.iter().map(|s| s.agency_id).collect::<HashSet<_>>().into_iter().collect();
        let with_sla: HashSet<Uuid> = of_engagement::all_accepted().all(conn).await?.into_iter().map(|v| v.engagement_id).collect();
        for e in of_engagement::engagements_of(n.csp_id, agencies).all(conn).await? {
            // In force at some point of the window, with an agreement to count it.
            let Some((from, until)) = in_force_span(&e) else { continue };
            if !with_sla.contains(&e.id) || until <= secs(start) || from >= secs(end) {
                continue;
            }
            let covered: HashSet<Uuid> = of_engagement::websites(e.id).all(conn).await?.into_iter().map(|w| w.website_id).collect();
            let mut on: Vec<Uuid> = sites.iter().filter(|s| s.agency_id == e.agency_id && covered.contains(&s.website_id)).map(|s| s.website_id).collect();
            on.sort();
            on.dedup();
            if !on.is_empty() {
                wanted.insert(e.id, on);
                engagements.insert(e.id, e);
            }
        }
    }
    let existing = of_engagement::notice_records(n.id).all(conn).await?;
    let mut touched: HashMap<Uuid, Vec<Stretch>> = HashMap::new();
    let kept_by_people: HashSet<Uuid> =
        of_engagement::reclassified(existing.iter().map(|r| r.id).collect()).all(conn).await?.into_iter().map(|c| c.record_id).collect();
    for r in existing {
        if kept_by_people.contains(&r.id) {
            wanted.remove(&r.engagement_id);
            continue;
        }
        let old = days::record_stretch(&r);
        match (wanted.remove(&r.engagement_id), window) {
            (Some(sites), Some((start, end))) => {
                let same_sites = {
                    let mut now_on: Vec<Uuid> = of_engagement::record_sites(vec![r.id]).all(conn).await?.into_iter().map(|s| s.website_id).collect();
                    now_on.sort();
                    now_on == sites
                };
                if r.started_at == start && r.ended_at == Some(end) && same_sites {
                    continue;
                }
                let eid = r.engagement_id;
                let mut am = r.into_active_model();
                am.started_at = Set(start);
                am.ended_at = Set(Some(end));
                am.updated_at = Set(now);
                let after = am.update(conn).await?;
                record_site::Entity::delete_many().filter(record_site::Column::RecordId.eq(after.id)).exec(conn).await?;
                link(conn, after.id, &sites).await?;
                touched.entry(eid).or_default().extend(old.into_iter().chain(days::record_stretch(&after)));
            }
            _ => {
                let eid = r.engagement_id;
                if let std::collections::hash_map::Entry::Vacant(slot) = engagements.entry(eid) {
                    if let Some(e) = of_engagement::engagements(vec![eid]).one(conn).await? {
                        slot.insert(e);
                    }
                }
                record_site::Entity::delete_many().filter(record_site::Column::RecordId.eq(r.id)).exec(conn).await?;
                r.delete(conn).await?;
                touched.entry(eid).or_default().extend(old);
            }
        }
    }
    if let Some((start, end)) = window {
        for (eid, sites) in wanted {
            let Some(e) = engagements.get(&eid) else { continue };
            let row = record::ActiveModel {
                id: Set(Uuid::now_v7()),
                engagement_id: Set(e.id),
                agency_id: Set(e.agency_id),
                csp_id: Set(e.provider_id),
                kind: Set(RecordKind::Maintenance.code().into()),
                class: Set(RecordClass::Planned.code().into()),
                started_at: Set(start),
                ended_at: Set(Some(end)),
                responded_at: Set(None),
                resolved_at: Set(None),
                cause: Set(n.title.clone()),
                source: Set(SOURCE.into()),
                notice_id: Set(Some(n.id)),
                recorded_by: Set(n.submitted_by),
                recorded_org: Set(n.csp_id),
                recorded_at: Set(now),
                // The agency answered the notice: the window is agreed.
                review: Set(Review::Confirmed.code().into()),
                reviewed_by: Set(None),
                reviewed_at: Set(Some(now)),
                review_comment: Set(String::new()),
                updated_at: Set(now),
            }
            .insert(conn)
            .await?;
            link(conn, row.id, &sites).await?;
            touched.entry(eid).or_default().extend(days::record_stretch(&row));
        }
    }
    for (eid, spans) in touched {
        let Some(e) = engagements.get(&eid) else { continue };
        days::refresh(conn, e, &spans).await?;
        super::months::reissue(conn, e, &spans, "notice", now).await?;
    }
    Ok(())
}

async fn link<C: ConnectionTrait>(conn: &C, record_id: Uuid, sites: &[Uuid]) -> ServiceResult<()> {
    let links: Vec<record_site::ActiveModel> = sites.iter().map(|w| record_site::ActiveModel { record_id: Set(record_id), website_id: Set(*w) }).collect();
    if !links.is_empty() {
        record_site::Entity::insert_many(links).exec(conn).await?;
    }
    Ok(())
}

/// The engagement's span as Unix seconds, UTC days (close enough to decide whether a window falls
/// in it; the SLA's own zone governs the months).
fn in_force_span(e: &engagement::Model) -> Option<(i64, i64)> {
    let from = e.starts_on.midnight().assume_utc().unix_timestamp() - 86_400;
    let until = e.ends_on.next_day()?.midnight().assume_utc().unix_timestamp() + 86_400;
    let until = e.ended_at.map_or(until, |x| until.min(secs(x)));
    Some((from, until))
}
