//! Engagements: an agency invites a provider over some of its websites; the provider accepts or
//! declines; either side ends it. Each step is audited on both sides and mailed to the other.
use crate::backend::actor::Acting;
use crate::tenancy::scope::{EngagementReader, EngagementWriter, Side};
use std::collections::HashMap;

use sea_orm::{
    sea_query::{Alias, Expr},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, IntoActiveModel, JoinType,
    QueryFilter, QueryOrder, QuerySelect, Select,
};
use time::Date;
use uuid::Uuid;

use super::super::{
    entity::{engagement, engagement_website, organisation, website},
    rules, EngagementRole, EngagementRow, EngagementStatus, InviteInput, OrgKind, ProviderChoice, SupplierSubtype,
};
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{db::write_txn, ServiceError, ServiceResult},
    i18n::Msg,
    tenancy::mail::TenancyMail,
};

struct ValidInvite {
    provider_id: Uuid,
    role: Option<EngagementRole>,
    website_ids: Vec<Uuid>,
    starts_on: Date,
    ends_on: Date,
    nda: Option<(Date, String)>,
    change_notice_days: i32,
}

impl InviteInput {
    fn parse(&self) -> ServiceResult<ValidInvite> {
        let provider_id = Uuid::parse_str(self.provider_id.trim())
            .map_err(|_| ServiceError::invalid("provider_id", Msg::ErrProviderUnknown))?;
        let role = match self.role.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(code) => Some(EngagementRole::parse(code).ok_or(ServiceError::invalid("role", Msg::ErrChoose))?),
        };
        let mut website_ids = Vec::new();
        for id in self.website_ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            let id = Uuid::parse_str(id).map_err(|_| ServiceError::invalid("website_ids", Msg::ErrWebsitesRequired))?;
            if !website_ids.contains(&id) {
                website_ids.push(id);
            }
        }
        if website_ids.is_empty() {
            return Err(ServiceError::invalid("website_ids", Msg::ErrWebsitesRequired));
        }
        let starts_on = rules::parse_date(&self.starts_on).map_err(|m| ServiceError::invalid("starts_on", m))?;
        let ends_on = rules::parse_date(&self.ends_on).map_err(|m| ServiceError::invalid("ends_on", m))?;
        rules::check_engagement_dates(starts_on, ends_on).map_err(|m| ServiceError::invalid("ends_on", m))?;
        let signed_on = self.nda_signed_on.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let signed_by = self.nda_signed_by.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let nda = match (signed_on, signed_by) {
            (None, None) => None,
            (Some(on), Some(by)) if by.chars().count() <= 200 && !by.chars().any(char::is_control) => {
                Some((rules::parse_date(on).map_err(|m| ServiceError::invalid("nda_signed_on", m))?, by.to_string()))
            }
            (None, _) => return Err(ServiceError::invalid("nda_signed_on", Msg::ErrNdaIncomplete)),
            _ => return Err(ServiceError::invalid("nda_signed_by", Msg::ErrNdaIncomplete)),
        };
        let change_notice_days = match self.change_notice_days.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => 0,
            Some(s) => match s.parse::<i32>() {
                Ok(d) if (0..=365).contains(&d) => d,
                _ => return Err(ServiceError::invalid("change_notice_days", Msg::ErrNoticeDays)),
            },
        };
        Ok(ValidInvite { provider_id, role, website_ids, starts_on, ends_on, nda, change_notice_days })
    }
}

#[derive(Debug, FromQueryResult)]
struct ListedEngagement {
    id: Uuid,
    agency_id: Uuid,
    provider_id: Uuid,
    role: String,
    status: String,
    starts_on: Date,
    ends_on: Date,
    nda_signed_on: Option<Date>,
    nda_signed_by: Option<String>,
    change_notice_days: i32,
    agency_name: String,
    provider_name: String,
    answered_at: Option<time::OffsetDateTime>,
    ended_at: Option<time::OffsetDateTime>,
    ended_by_org: Option<Uuid>,
    closing_reason: Option<String>,
}

/// Engagements of `base` (a capability's select) with both parties' names.
fn listed(base: Select<engagement::Entity>) -> Select<engagement::Entity> {
    let (agency, provider) = (Alias::new("agency"), Alias::new("provider"));
    base.select_only()
        .columns([
            engagement::Column::Id,
            engagement::Column::AgencyId,
            engagement::Column::ProviderId,
            engagement::Column::Role,
            engagement::Column::Status,
            engagement::Column::StartsOn,
            engagement::Column::EndsOn,
            engagement::Column::NdaSignedOn,
            engagement::Column::NdaSignedBy,
            engagement::Column::ChangeNoticeDays,
            engagement::Column::AnsweredAt,
            engagement::Column::EndedAt,
            engagement::Column::EndedByOrg,
            engagement::Column::ClosingReason,
        ])
        .column_as(Expr::col((agency.clone(), organisation::Column::Name)), "agency_name")
        .column_as(Expr::col((provider.clone(), organisation::Column::Name)), "provider_name")
        .join_as(
            JoinType::InnerJoin,
            engagement::Entity::belongs_to(organisation::Entity)
                .from(engagement::Column::AgencyId)
                .to(organisation::Column::Id)
                .into(),
            agency,
        )
        .join_as(
            JoinType::InnerJoin,
            engagement::Entity::belongs_to(organisation::Entity)
                .from(engagement::Column::ProviderId)
                .to(organisation::Column::Id)
                .into(),
            provider,
        )
}

/// The websites of these engagements, in one query.
async fn websites_of<C: ConnectionTrait>(
    conn: &C,
    reader: &EngagementReader,
    engagement_ids: &[Uuid],
) -> ServiceResult<HashMap<Uuid, Vec<(Uuid, String, String)>>> {
    let mut map: HashMap<Uuid, Vec<(Uuid, String, String)>> = HashMap::new();
    if engagement_ids.is_empty() {
        return Ok(map);
    }
    let rows: Vec<(Uuid, Uuid, String, String)> = reader
        .covered_websites()
        .select_only()
        .column(engagement_website::Column::EngagementId)
        .column(engagement_website::Column::WebsiteId)
        .column_as(Expr::col((website::Entity, website::Column::Name)), "name")
        .column_as(Expr::col((website::Entity, website::Column::Domain)), "domain")
        .join(
            JoinType::InnerJoin,
            engagement_website::Entity::belongs_to(website::Entity)
                .from(engagement_website::Column::WebsiteId)
                .to(website::Column::Id)
                .into(),
        )
        .filter(engagement_website::Column::EngagementId.is_in(engagement_ids.to_vec()))
        .order_by_asc(Expr::col((website::Entity, website::Column::Name)))
        .into_tuple()
        .all(conn)
        .await?;
    for (e, w, name, domain) in rows {
        map.entry(e).or_default().push((w, name, domain));
    }
    Ok(map)
}

fn to_rows(
    listed: Vec<ListedEngagement>,
    mut websites: HashMap<Uuid, Vec<(Uuid, String, String)>>,
    viewer: Uuid,
    writer: Option<Side>,
    today: Date,
) -> Vec<EngagementRow> {
    listed
        .into_iter()
        .map(|e| {
            let status = EngagementStatus::parse(&e.status).unwrap_or(EngagementStatus::Ended);
            let in_force = rules::in_force(status, e.starts_on, e.ends_on, today);
            let covered = websites.remove(&e.id).unwrap_or_default();
            // A provider sees which websites only while invited or in force.
            let provider_view = viewer == e.provider_id;
            let show = !provider_view || status == EngagementStatus::Invited || in_force;
            let can_answer = writer == Some(Side::Provider(e.provider_id)) && status == EngagementStatus::Invited;
            let as_agency = matches!(writer, Some(Side::Agency(a)) if a == e.agency_id);
            let can_end = as_agency || matches!(writer, Some(Side::Provider(p)) if p == e.provider_id);
            let closing = closing_of(&e, status);
            EngagementRow {
                id: e.id,
                agency_id: e.agency_id,
                agency_name: e.agency_name,
                provider_id: e.provider_id,
                provider_name: e.provider_name,
                role: EngagementRole::parse(&e.role).unwrap_or(EngagementRole::Csp),
                status,
                in_force,
                starts_later: status == EngagementStatus::Active && e.starts_on > today,
                starts_on: rules::format_date(e.starts_on),
                ends_on: rules::format_date(e.ends_on),
                nda_signed_on: e.nda_signed_on.map(rules::format_date),
                nda_signed_by: e.nda_signed_by,
                change_notice_days: e.change_notice_days,
                website_count: covered.len(),
                websites: show.then_some(covered),
                can_answer,
                can_end: can_end && rules::end(status, as_agency).is_ok(),
                closing,
            }
        })
        .collect()
}

/// Who closed an engagement, when and why: the provider declines; either side ends.
fn closing_of(e: &ListedEngagement, status: EngagementStatus) -> Option<crate::tenancy::Closing> {
    let (on, by) = match status {
        EngagementStatus::Declined => (e.answered_at?, e.provider_name.clone()),
        EngagementStatus::Ended => {
            let by = if e.ended_by_org == Some(e.provider_id) { &e.provider_name } else { &e.agency_name };
            (e.ended_at?, by.clone())
        }
        _ => return None,
    };
    Some(crate::tenancy::Closing { on: rules::format_date(on.date()), by, reason: e.closing_reason.clone() })
}

/// The engagements the reader sees: open ones first, then by agency and provider.
pub async fn list_engagements(
    db: &DatabaseConnection,
    reader: &EngagementReader,
    writer: Option<&EngagementWriter>,
    today: Date,
) -> ServiceResult<Vec<EngagementRow>> {
    let rows = listed(reader.engagements())
        .order_by_asc(engagement::Column::Status)
        .order_by_asc(Expr::col((Alias::new("agency"), organisation::Column::Name)))
        .order_by_asc(Expr::col((Alias::new("provider"), organisation::Column::Name)))
        .order_by_asc(engagement::Column::Id)
        .into_model::<ListedEngagement>()
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let websites = websites_of(db, reader, &ids).await?;
    let mut out = to_rows(rows, websites, reader.viewer(), writer.map(EngagementWriter::side), today);
    // Invitations first (they want an answer), then those in force, then the closed.
    out.sort_by_key(|r| match (r.status, r.in_force) {
        (EngagementStatus::Invited, _) => 0,
        (_, true) => 1,
        (EngagementStatus::Active, false) => 2,
        _ => 3,
    });
    Ok(out)
}

/// One engagement in the reader's view; anything else is "not found".
pub async fn get_engagement(
    db: &DatabaseConnection,
    reader: &EngagementReader,
    writer: Option<&EngagementWriter>,
    today: Date,
    id: Uuid,
) -> ServiceResult<EngagementRow> {
    let row =
        listed(reader.engagement(id)).into_model::<ListedEngagement>().one(db).await?.ok_or(ServiceError::NotFound)?;
    let websites = websites_of(db, reader, &[id]).await?;
    to_rows(vec![row], websites, reader.viewer(), writer.map(EngagementWriter::side), today)
        .pop()
        .ok_or(ServiceError::NotFound)
}

/// Active provider organisations an agency may invite (names and kinds only).
pub async fn provider_choices(
    db: &DatabaseConnection,
    writer: &EngagementWriter,
) -> ServiceResult<Vec<ProviderChoice>> {
    if !matches!(writer.side(), Side::Agency(_)) {
        return Err(ServiceError::Forbidden);
    }
    let orgs = writer
        .invitable_providers()
        .order_by_asc(organisation::Column::Kind)
        .order_by_asc(organisation::Column::Name)
        .all(db)
        .await?;
    Ok(orgs
        .into_iter()
        .filter_map(|o| {
            Some(ProviderChoice {
                id: o.id,
                kind: OrgKind::parse(&o.kind)?,
                subtype: o.supplier_subtype.as_deref().and_then(SupplierSubtype::parse),
                name: o.name,
            })
        })
        .collect())
}

/// The agency invites a provider over some of its websites.
pub async fn invite(db: &DatabaseConnection, by: &Acting<'_>, writer: &EngagementWriter, input: &InviteInput) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let Side::Agency(agency_id) = writer.side() else {
        return Err(ServiceError::Forbidden);
    };
    let v = input.parse()?;
    let txn = write_txn(db).await?;
    let provider = writer
        .invitee(v.provider_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::invalid("provider_id", Msg::ErrProviderUnknown))?;
    let kind = OrgKind::parse(&provider.kind).unwrap_or(OrgKind::Platform);
    let subtype = provider.supplier_subtype.as_deref().and_then(SupplierSubtype::parse);
    if !kind.is_provider() {
        return Err(ServiceError::invalid("provider_id", Msg::ErrProviderKind));
    }
    let role = match v.role {
        Some(role) if !role.fits(kind, subtype) => return Err(ServiceError::invalid("role", Msg::ErrProviderKind)),
        Some(role) => role,
        None => EngagementRole::for_provider(kind, subtype)
            .ok_or(ServiceError::invalid("provider_id", Msg::ErrProviderKind))?,
    };
    let own = writer.own_websites().filter(website::Column::Id.is_in(v.website_ids.clone())).all(&txn).await?;
    if own.len() != v.website_ids.len() {
        return Err(ServiceError::invalid("website_ids", Msg::ErrWebsitesRequired));
    }
    let id = Uuid::new_v4();
    let model = engagement::ActiveModel {
        id: Set(id),
        agency_id: Set(agency_id),
        provider_id: Set(provider.id),
        role: Set(role.code().into()),
        status: Set(EngagementStatus::Invited.code().into()),
        starts_on: Set(v.starts_on),
        ends_on: Set(v.ends_on),
        nda_signed_on: Set(v.nda.as_ref().map(|(d, _)| *d)),
        nda_signed_by: Set(v.nda.as_ref().map(|(_, b)| b.clone())),
        change_notice_days: Set(v.change_notice_days),
        invited_by: Set(actor.person_id),
        invited_at: Set(now),
        answered_at: Set(None),
        ended_at: Set(None),
        ended_by_org: Set(None),
        closing_reason: Set(None),
    }
    .insert(&txn)
    .await?;
    for w in &own {
        engagement_website::ActiveModel { engagement_id: Set(id), website_id: Set(w.id) }.insert(&txn).await?;
    }
    let names: Vec<&str> = own.iter().map(|w| w.domain.as_str()).collect();
    let summary = format!(
        "{} invited as {} for {} to {}; websites: {}",
        provider.name,
        role.code(),
        rules::format_date(v.starts_on),
        rules::format_date(v.ends_on),
        names.join(", ")
    );
    AuditEntry::mirrored(
        actor,
        meta,
        AuditAction::EngagementInvite,
        format!("engagement {}", model.id),
        summary,
        provider.id,
    )
    .record(&txn, now)
    .await?;
    super::notify_admins(
        &txn,
        now,
        provider.id,
        &TenancyMail::EngagementInvited { agency: actor.organisation_name.clone(), role },
    )
    .await?;
    crate::backend::epoch::commit_change(txn).await?;
    Ok(id)
}

async fn writable<C: ConnectionTrait>(
    conn: &C,
    writer: &EngagementWriter,
    id: Uuid,
) -> ServiceResult<engagement::Model> {
    writer.engagement(id).one(conn).await?.ok_or(ServiceError::NotFound)
}

async fn org_name<C: ConnectionTrait>(conn: &C, id: Uuid) -> ServiceResult<String> {
    Ok(crate::tenancy::scope::org_names(conn, [id]).await?.remove(&id).unwrap_or_default())
}

/// The provider accepts or declines an invitation.
pub async fn answer(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    writer: &EngagementWriter,
    id: Uuid,
    accept: bool,
    reason: Option<&str>,
) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let Side::Provider(_) = writer.side() else {
        return Err(ServiceError::NotFound);
    };
    let txn = write_txn(db).await?;
    let e = writable(&txn, writer, id).await?;
    let status = EngagementStatus::parse(&e.status).unwrap_or(EngagementStatus::Ended);
    let next = rules::answer(status, accept).map_err(|m| ServiceError::Conflict { field: "status", msg: m })?;
    // A declining provider says why (the agency reads it); an acceptance needs no reason.
    let reason = if accept { None } else { Some(rules::closing_reason(reason).map_err(|m| ServiceError::invalid("reason", m))?) };
    let agency_id = e.agency_id;
    let mut am = e.clone().into_active_model();
    am.status = Set(next.code().into());
    am.answered_at = Set(Some(now));
    am.closing_reason = Set(reason.clone());
    am.update(&txn).await?;
    let action = if accept { AuditAction::EngagementAccept } else { AuditAction::EngagementDecline };
    let summary = match &reason {
        Some(r) => format!("{} → {}: {r}", status.code(), next.code()),
        None => format!("{} → {}", status.code(), next.code()),
    };
    AuditEntry::mirrored(actor, meta, action, format!("engagement {}", e.id), summary, agency_id)
        .record(&txn, now)
        .await?;
    super::notify_admins(
        &txn,
        now,
        agency_id,
        &TenancyMail::EngagementAnswered { provider: actor.organisation_name.clone(), accepted: accept },
    )
    .await?;
    crate::backend::epoch::commit_change(txn).await?;
    Ok(())
}

/// Either side ends an engagement (an agency may also withdraw an invitation). `today` is the
/// portal's day.
pub async fn end(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    today: Date,
    writer: &EngagementWriter,
    id: Uuid,
    reason: Option<&str>,
) -> ServiceResult<()> {
    let txn = write_txn(db).await?;
    let e = writable(&txn, writer, id).await?;
    let by_agency = matches!(writer.side(), Side::Agency(_));
    end_in(&txn, by, today, writer, e, by_agency, reason).await?;
    crate::backend::epoch::commit_change(txn).await?;
    Ok(())
}

/// The agency's completed exit ends its engagement, in the exit's transaction: the exit's
/// capability found the engagement, and its completion is the agency's act.
pub async fn end_for_exit(
    txn: &sea_orm::DatabaseTransaction,
    by: &Acting<'_>,
    today: Date,
    e: engagement::Model,
    reason: &str,
) -> ServiceResult<()> {
    let writer = crate::tenancy::scope::agency_side(e.agency_id);
    end_in(txn, by, today, &writer, e, true, Some(reason)).await
}

/// Ends one engagement the writer reached: its state, its report obligations, the audit entry in
/// both trails and the other side's mail.
async fn end_in(
    txn: &sea_orm::DatabaseTransaction,
    by: &Acting<'_>,
    today: Date,
    writer: &EngagementWriter,
    e: engagement::Model,
    by_agency: bool,
    reason: Option<&str>,
) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let status = EngagementStatus::parse(&e.status).unwrap_or(EngagementStatus::Ended);
    let next = rules::end(status, by_agency).map_err(|m| ServiceError::Conflict { field: "status", msg: m })?;
    // Asked after the state: a closed engagement says it is closed, not that a reason is missing.
    let reason = rules::closing_reason(reason).map_err(|m| ServiceError::invalid("reason", m))?;
    let other = if e.agency_id == actor.organisation_id { e.provider_id } else { e.agency_id };
    let mut am = e.clone().into_active_model();
    am.status = Set(next.code().into());
    am.ended_at = Set(Some(now));
    am.ended_by_org = Set(Some(actor.organisation_id));
    am.closing_reason = Set(Some(reason.clone()));
    am.update(txn).await?;
    // Its report obligations end with it: the period it ends in is the last one owed.
    crate::reports::service::end_with_engagement(txn, writer, e.id, today).await?;
    let summary = format!("{} → {} by {}: {reason}", status.code(), next.code(), actor.organisation_name);
    AuditEntry::mirrored(actor, meta, AuditAction::EngagementEnd, format!("engagement {}", e.id), summary, other)
        .record(txn, now)
        .await?;
    let other_name = org_name(txn, other).await?;
    super::notify_admins(
        txn,
        now,
        other,
        &TenancyMail::EngagementEnded { by: actor.organisation_name.clone(), other: other_name },
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> InviteInput {
        InviteInput {
            provider_id: Uuid::new_v4().to_string(),
            role: Some("csp".into()),
            website_ids: vec![Uuid::new_v4().to_string()],
            starts_on: "2026-01-01".into(),
            ends_on: "2027-12-31".into(),
            nda_signed_on: Some("2025-12-20".into()),
            nda_signed_by: Some("李伟".into()),
            change_notice_days: Some("30".into()),
        }
    }

    fn field(i: InviteInput) -> &'static str {
        match i.parse() {
            Err(e @ ServiceError::Invalid(_)) => e.first_field().expect("a field").field,
            Err(e) => panic!("expected a field error, got {e:?}"),
            Ok(_) => panic!("expected a field error, got Ok"),
        }
    }

    #[test]
    fn invitations_are_parsed_field_by_field() {
        assert!(input().parse().is_ok());
        assert_eq!(field(InviteInput { provider_id: "x".into(), ..input() }), "provider_id");
        assert_eq!(field(InviteInput { role: Some("friend".into()), ..input() }), "role");
        // Without a role the provider's kind decides (in the service, which knows the provider).
        assert!(InviteInput { role: None, ..input() }.parse().is_ok_and(|v| v.role.is_none()));
        assert_eq!(field(InviteInput { website_ids: vec![], ..input() }), "website_ids");
        assert_eq!(field(InviteInput { website_ids: vec!["x".into()], ..input() }), "website_ids");
        assert_eq!(field(InviteInput { starts_on: "2026-13-01".into(), ..input() }), "starts_on");
        assert_eq!(field(InviteInput { ends_on: "2025-12-31".into(), ..input() }), "ends_on");
        assert_eq!(field(InviteInput { nda_signed_by: None, ..input() }), "nda_signed_by");
        assert_eq!(field(InviteInput { nda_signed_on: None, ..input() }), "nda_signed_on");
        assert_eq!(field(InviteInput { change_notice_days: Some("-1".into()), ..input() }), "change_notice_days");
        assert_eq!(field(InviteInput { change_notice_days: Some("400".into()), ..input() }), "change_notice_days");
        let ok = InviteInput { nda_signed_on: None, nda_signed_by: None, change_notice_days: None, ..input() };
        assert!(ok.parse().is_ok());
    }
}
