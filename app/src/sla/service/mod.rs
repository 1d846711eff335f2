//! SLA services: agreements proposed by one party and accepted or answered by the other
//! ([`agreements`]); what is typed is parsed here into the rules' types, every bad field named.
pub mod agreements;
pub mod days;
pub mod measures;
pub mod months;
pub mod oversight;
pub mod records;
pub mod report;
pub mod views;
pub mod windows;

use std::ops::RangeInclusive;

use super::{
    rules::{self, Agreement, Band, BandError, Compensation, Percent, PercentError},
    AgreementInput, CompensationRule, MaintenanceRule, MAX_TEXT_CHARS,
};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter};
use uuid::Uuid;

use time::OffsetDateTime;

use super::{
    mail::{SlaMail, SlaMailKind},
    scope::SlaWriter,
};
use crate::{
    backend::{error::Fields, ServiceError, ServiceResult},
    domain::Role,
    i18n::Msg,
    tenancy::entity::engagement,
};

/// The engagement `id`, if the writer may write on it (in reach and in force): else "not found".
pub(super) async fn writable<C: ConnectionTrait>(conn: &C, w: &SlaWriter, id: Uuid) -> ServiceResult<engagement::Model> {
    w.engagements().filter(engagement::Column::Id.eq(id)).one(conn).await?.ok_or(ServiceError::NotFound)
}

/// The party on the other side of the engagement from `me`.
pub(super) fn other_party(e: &engagement::Model, me: Uuid) -> Uuid {
    if e.agency_id == me {
        e.provider_id
    } else {
        e.agency_id
    }
}

/// Tells a party's officers what happened to the agreement or its month.
pub(super) async fn tell<C: ConnectionTrait>(conn: &C, e: &engagement::Model, to: Uuid, what: (SlaMailKind, i32, String), now: OffsetDateTime, link_base: &str) -> ServiceResult<()> {
    let names = crate::tenancy::scope::org_names(conn, [e.agency_id, e.provider_id]).await?;
    let (kind, number, detail) = what;
    let mail = SlaMail {
        kind,
        agency: names.get(&e.agency_id).cloned().unwrap_or_default(),
        csp: names.get(&e.provider_id).cloned().unwrap_or_default(),
        number,
        detail,
        link: format!("{link_base}/sla/{}", e.id),
    };
    let people = crate::tenancy::scope::people_holding(conn, to, &[Role::OrgAdmin, Role::SecurityOfficer]).await?;
    crate::backend::mail::enqueue_each(conn, now, &crate::tenancy::service::recipients(&people), &mail).await
}

fn percent(f: &mut Fields, field: &'static str, text: &str) -> Option<Percent> {
    f.check(
        field,
        Percent::parse(text).map_err(|e| match e {
            PercentError::NotANumber => Msg::SlaErrPercent,
            PercentError::OutOfRange => Msg::SlaErrPercentRange,
            PercentError::TooPrecise => Msg::SlaErrPercentPrecise,
        }),
    )
}

/// A whole number within `range`, or the field refused with the range it takes.
fn whole(f: &mut Fields, field: &'static str, text: &str, range: RangeInclusive<u16>) -> Option<u16> {
    match text.trim().parse::<u16>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            f.refuse_with(field, Msg::SlaErrWhole, format!("{}–{}", range.start(), range.end()));
            None
        }
    }
}

/// Text of at most [`MAX_TEXT_CHARS`] characters (every free-text field of the module).
pub(super) fn text(f: &mut Fields, field: &'static str, text: &str) -> Option<String> {
    let t = text.trim();
    if t.chars().count() > MAX_TEXT_CHARS {
        f.refuse(field, Msg::SlaErrTextLong);
        return None;
    }
    Some(t.to_string())
}

/// Clause 5.12 as typed: per unit (its unit and multiple) or a band table.
fn compensation(f: &mut Fields, input: &AgreementInput) -> Option<Compensation> {
    match CompensationRule::parse(input.compensation.trim()) {
        Some(CompensationRule::PerUnit) => {
            let unit = match input.unit_minutes.trim().parse::<u32>() {
                Ok(n) if (1..=44_640).contains(&n) => Some(n),
                _ => {
                    f.refuse_with("unit_minutes", Msg::SlaErrWhole, "1–44640".into());
                    None
                }
            };
            let multiple = f.check("multiple", rules::parse_multiple(&input.multiple).ok_or(Msg::SlaErrMultiple));
            Some(Compensation::PerUnit { unit_minutes: unit?, multiple: multiple? })
        }
        Some(CompensationRule::Bands) => {
            let bands: Vec<Band> = match rules::parse_bands(&input.bands) {
                Ok(b) if !b.is_empty() => b,
                Ok(_) => {
                    f.refuse("bands", Msg::SlaErrBandsEmpty);
                    return None;
                }
                Err(line) => {
                    f.refuse_with("bands", Msg::SlaErrBandLine, line.to_string());
                    return None;
                }
            };
            match rules::check_bands(&bands) {
                Ok(sorted) => Some(Compensation::Bands(sorted)),
                Err(BandError::Empty(i)) => {
                    f.refuse_with("bands", Msg::SlaErrBandEmpty, (i + 1).to_string());
                    None
                }
                Err(BandError::Overlap(i, j)) => {
                    f.refuse_with("bands", Msg::SlaErrBandOverlap, format!("{}, {}", i + 1, j + 1));
                    None
                }
            }
        }
        None => {
            f.refuse("compensation", Msg::ErrChoose);
            None
        }
    }
}

/// Every field of an agreement, each refusal recorded in `f`; `None` when any was refused.
pub fn parse_agreement(f: &mut Fields, input: &AgreementInput, default_zone: &str) -> Option<Agreement> {
    let effective_from = f.check("effective_from", crate::tenancy::rules::parse_date(&input.effective_from));
    let zone = match input.zone.trim() {
        "" => Some(default_zone.to_string()),
        z if crate::backend::time_fmt::is_known_zone(z) => Some(z.to_string()),
        _ => {
            f.refuse("zone", Msg::ErrTimeZone);
            None
        }
    };
    let power = percent(f, "power_pct", &input.power_pct);
    let network = percent(f, "network_pct", &input.network_pct);
    let server = percent(f, "server_pct", &input.server_pct);
    let l1 = percent(f, "l1_pct", &input.l1_pct);
    let l1_hours = whole(f, "l1_hours", &input.l1_hours, 1..=720);
    let l2 = percent(f, "l2_pct", &input.l2_pct);
    let l2_hours = whole(f, "l2_hours", &input.l2_hours, 1..=720);
    let service = f.check("service_hours", rules::parse_service_hours(&input.service_hours).ok_or(Msg::SlaErrServiceHours));
    let response_minutes = whole(f, "response_minutes", &input.response_minutes, 1..=1440);
    let backup_every = f.check("backup_every", rules::parse_every(&input.backup_every).ok_or(Msg::SlaErrEvery));
    let backup_retention = f.check("backup_retention", rules::parse_kept(&input.backup_retention).ok_or(Msg::SlaErrKept));
    let log_retention = f.check("log_retention", rules::parse_kept(&input.log_retention).ok_or(Msg::SlaErrKept));
    let emergency_minutes = whole(f, "emergency_minutes", &input.emergency_minutes, 1..=1440);
    let trainings = whole(f, "trainings", &input.trainings, 0..=365);
    let maintenance = f.check("maintenance", MaintenanceRule::parse(input.maintenance.trim()).ok_or(Msg::ErrChoose));
    let compensation = compensation(f, input);
    let monthly_fee = f.check("monthly_fee", rules::parse_money(&input.monthly_fee).ok_or(Msg::SlaErrMoney));
    let note = text(f, "note", &input.note);
    Some(Agreement {
        effective_from: effective_from?,
        zone: zone?,
        power: power?,
        network: network?,
        server: server?,
        l1: l1?,
        l1_hours: l1_hours?,
        l2: l2?,
        l2_hours: l2_hours?,
        service: service?,
        response_minutes: response_minutes?,
        backup_every: backup_every?,
        backup_retention: backup_retention?,
        log_retention: log_retention?,
        emergency_minutes: emergency_minutes?,
        trainings: trainings?,
        maintenance: maintenance?,
        compensation: compensation?,
        monthly_fee: monthly_fee?,
        note: note?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typical() -> AgreementInput {
        AgreementInput { zone: String::new(), ..AgreementInput::typical("2026-12-01") }
    }

    #[test]
    fn a_typical_agreement_parses_and_every_bad_field_is_named_at_once() {
        let mut f = Fields::new();
        let a = parse_agreement(&mut f, &typical(), "Asia/Shanghai").expect("a typical agreement");
        assert!(f.finish().is_ok());
        assert_eq!(a.zone, "Asia/Shanghai");
        assert_eq!(a.compensation, Compensation::PerUnit { unit_minutes: 60, multiple: 200 });
        assert_eq!(a.monthly_fee, 7_200_000);

        let bad = AgreementInput {
            effective_from: "2026-13-01".into(),
            zone: "Mars/Olympus".into(),
            power_pct: "100.5".into(),
            network_pct: "99.99999".into(),
            l1_hours: "0".into(),
            service_hours: "18:00-09:00".into(),
            backup_every: "1/year".into(),
            maintenance: "sometimes".into(),
            multiple: "0".into(),
            monthly_fee: "-1".into(),
            ..typical()
        };
        let mut f = Fields::new();
        assert_eq!(parse_agreement(&mut f, &bad, "Asia/Shanghai"), None);
        let Err(crate::backend::ServiceError::Invalid(fields)) = f.finish() else { panic!("refused") };
        let names: Vec<&str> = fields.iter().map(|e| e.field).collect();
        assert_eq!(
            names,
            [
                "effective_from",
                "zone",
                "power_pct",
                "network_pct",
                "l1_hours",
                "service_hours",
                "backup_every",
                "maintenance",
                "multiple",
                "monthly_fee"
            ]
        );
        assert_eq!(fields[2].msg, Msg::SlaErrPercentRange);
        assert_eq!(fields[3].msg, Msg::SlaErrPercentPrecise);

        let bands = AgreementInput { compensation: "bands".into(), bands: "99 99.9 10\n99.5 - 5".into(), ..typical() };
        let mut f = Fields::new();
        assert_eq!(parse_agreement(&mut f, &bands, "Asia/Shanghai"), None);
        let Err(crate::backend::ServiceError::Invalid(fields)) = f.finish() else { panic!("refused") };
        assert_eq!((fields[0].field, fields[0].msg, fields[0].detail.as_deref()), ("bands", Msg::SlaErrBandOverlap, Some("1, 2")));
    }
}
