//! Reading rosters: a roster's timeline over a window with its gaps and coverage, and who is on
//! duty now at every desk in reach with the next change.
use super::*;
use crate::rosters::{scope::RosterReader, GapView, OnDutyRow, SegmentView, Timeline};
use crate::tenancy::scope::org_names;

/// The longest window a timeline shows, in days.
pub const MAX_TIMELINE_DAYS: i64 = 62;

/// One roster in reach over `window`, in the viewer's `zone`: who is on duty stretch by stretch,
/// the gaps in the required cover, and the covered share.
pub async fn timeline<C: ConnectionTrait>(
    db: &C,
    reader: &RosterReader,
    roster_id: Uuid,
    window: Span,
    viewer_zone: &str,
) -> ServiceResult<Timeline> {
    if window.seconds() > MAX_TIMELINE_DAYS * 86_400 {
        return Err(ServiceError::invalid("to", Msg::ErrDutyWindowTooLong));
    }
    let r = reader.roster(roster_id).one(db).await?.ok_or(ServiceError::NotFound)?;
    let loaded = load(db, r, window).await?;
    let (segments, required, gaps) = loaded.resolve(window);
    let quality = rules::quality(&segments, &required);
    let names = people_refs(db, segments.iter().flat_map(|s| s.primary.iter().chain(s.backup.iter()).copied())).await?;
    let zone = zone_of(viewer_zone);
    Ok(Timeline {
        roster_id: loaded.roster.id,
        name: loaded.roster.name.clone(),
        time_zone: loaded.roster.time_zone.clone(),
        from: local(window.start, &zone),
        to: local(window.end, &zone),
        segments: segments
            .iter()
            .map(|s| SegmentView {
                start: local(s.span.start, &zone),
                end: local(s.span.end, &zone),
                primary: refs(&s.primary, &names),
                backup: refs(&s.backup, &names),
            })
            .collect(),
        gaps: gaps
            .iter()
            .map(|g| GapView {
                start: local(g.span.start, &zone),
                end: local(g.span.end, &zone),
                hours: (g.span.seconds() as f64 / 360.0).round() / 10.0,
                backup: refs(&g.backup, &names),
            })
            .collect(),
        coverage_permille: quality.coverage_permille(),
    })
}

/// How far ahead "the next change" looks.
const NEXT_CHANGE_DAYS: i64 = 7;

/// Every desk in reach (archived ones left out) with who is on duty at `now` and when that next
/// changes, ordered by organisation and roster name.
pub async fn on_duty_now<C: ConnectionTrait>(
    db: &C,
    reader: &RosterReader,
    now: OffsetDateTime,
    viewer_zone: &str,
) -> ServiceResult<Vec<OnDutyRow>> {
    let rosters = reader.rosters().filter(roster::Column::ArchivedAt.is_null()).all(db).await?;
    let at = to_rules(now);
    let window = Span {
        start: at,
        end: at.checked_add(jiff::SignedDuration::from_hours(24 * NEXT_CHANGE_DAYS)).unwrap_or(Timestamp::MAX),
    };
    let orgs = org_names(db, rosters.iter().map(|r| r.organisation_id)).await?;
    let zone = zone_of(viewer_zone);
    let mut rows = Vec::with_capacity(rosters.len());
    let mut people = BTreeSet::new();
    let mut resolved = Vec::with_capacity(rosters.len());
    for r in rosters {
        let loaded = load(db, r, window).await?;
        let segments = loaded.rules.resolve(window);
        if let Some(first) = segments.first() {
            people.extend(first.primary.iter().chain(first.backup.iter()).copied());
        }
        resolved.push((loaded.roster, segments));
    }
    let names = people_refs(db, people).await?;
    for (r, segments) in resolved {
        let first = segments.first();
        let empty = BTreeSet::new();
        rows.push(OnDutyRow {
            roster_id: r.id,
            roster: r.name.clone(),
            organisation_id: r.organisation_id,
            organisation: orgs.get(&r.organisation_id).cloned().unwrap_or_default(),
            phone: r.phone.clone(),
            email: r.email.clone(),
            primary: refs(first.map_or(&empty, |s| &s.primary), &names),
            backup: refs(first.map_or(&empty, |s| &s.backup), &names),
            next_change: segments.get(1).map(|s| local(s.span.start, &zone)),
        });
    }
    rows.sort_by(|a, b| a.organisation.cmp(&b.organisation).then(a.roster.cmp(&b.roster)));
    Ok(rows)
}
