//! What the regulator's oversight reads of SLAs: each agency's engagements in breach this month
//! (the viewer's month, judged to date), from the same standings as the SLA list.
use std::collections::HashMap;

use sea_orm::{ConnectionTrait, QuerySelect};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    backend::{epoch::Caches, ServiceResult},
    sla::{scope::SlaReader, StandingFilter},
    tenancy::entity::engagement,
};

/// How many of each agency's engagements in reach are in breach this month.
pub async fn oversight_breaches<C: ConnectionTrait>(
    conn: &C,
    caches: &Caches,
    r: &SlaReader,
    zone: &str,
    now: OffsetDateTime,
) -> ServiceResult<HashMap<Uuid, u32>> {
    let (_, rows, _) = super::views::listed(conn, caches, r, &StandingFilter::default(), zone, now).await?;
    let agency_of: HashMap<Uuid, Uuid> = r
        .engagements()
        .select_only()
        .column(engagement::Column::Id)
        .column(engagement::Column::AgencyId)
        .into_tuple::<(Uuid, Uuid)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let mut out: HashMap<Uuid, u32> = HashMap::new();
    for s in rows.iter().filter(|s| s.breached) {
        if let Some(agency) = agency_of.get(&s.engagement_id) {
            *out.entry(*agency).or_default() += 1;
        }
    }
    Ok(out)
}

/// Each engagement-month's verdict in its latest issued report (a later version, a correction,
/// replaces the earlier one's): `(engagement, month) → breached`, for the months `months` selects.
pub async fn latest_verdicts<C: ConnectionTrait>(
    conn: &C,
    months: sea_orm::Select<crate::sla::entity::month::Entity>,
) -> ServiceResult<HashMap<(Uuid, String), bool>> {
    use crate::sla::entity::month;
    let rows: Vec<(Uuid, String, i32, bool)> = months
        .select_only()
        .column(month::Column::EngagementId)
        .column(month::Column::Month)
        .column(month::Column::Version)
        .column(month::Column::Breached)
        .into_tuple()
        .all(conn)
        .await?;
    let mut latest: HashMap<(Uuid, String), (i32, bool)> = HashMap::new();
    for (e, m, v, b) in rows {
        let slot = latest.entry((e, m)).or_insert((v, b));
        if v >= slot.0 {
            *slot = (v, b);
        }
    }
    Ok(latest.into_iter().map(|(k, (_, b))| (k, b)).collect())
}

/// The months (`YYYY-MM`, from `from` on) of every engagement in reach whose latest issued
/// report is a breach, one entry per engagement and month.
pub async fn oversight_breached_months<C: ConnectionTrait>(conn: &C, r: &SlaReader, from: &str) -> ServiceResult<Vec<String>> {
    use sea_orm::{ColumnTrait, QueryFilter};

    use crate::sla::entity::month;
    let verdicts = latest_verdicts(conn, r.months().filter(month::Column::Month.gte(from))).await?;
    Ok(verdicts.into_iter().filter(|(_, b)| *b).map(|((_, m), _)| m).collect())
}
