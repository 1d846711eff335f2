//! The daily digest on both databases: each person hears once a day at the time it chose on its
//! own clock (08:00 unless it chose another), in its language, of what awaits it in every module it
//! reads — only its own reach — with nothing sent on a day with nothing to say; two senders at once
//! still send each day once; a kind left out is left out; a bad time is refused by field and
//! changes nothing.
use std::collections::HashMap;

use app::{
    backend::{entity::outbox, epoch::Caches},
    digest::{entity::sent, service, DigestKind},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use time::{macros::datetime, OffsetDateTime};

use crate::{
    common::{self, backends, world::name_of},
    rosters::ZONE,
};

fn is_digest(subject: &str) -> bool {
    subject.starts_with("【每日摘要】") || subject.starts_with("[Daily digest]")
}

async fn digests(app: &common::TestApp) -> Vec<outbox::Model> {
    outbox::Entity::find().all(&app.db).await.expect("outbox").into_iter().filter(|m| is_digest(&m.subject)).collect()
}

/// Runs the sender until it has nothing more to do at `at`; returns how many people it handled.
async fn run(db: sea_orm::DatabaseConnection, at: OffsetDateTime) -> usize {
    let caches = Caches::default();
    let c = service::Composing {
        db: &db,
        caches: &caches,
        now: at,
        portal_zone: ZONE,
        link_base: "https://portal.example",
    };
    let mut handled = 0;
    loop {
        let n = service::send_due(&c).await.expect("send");
        handled += n;
        if n < service::SEND_BATCH {
            return handled;
        }
    }
}

#[tokio::test]
async fn each_person_hears_once_a_day_at_its_time_of_its_own_reach() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        // 2026-11-25 02:00 UTC is 10:00 in Shanghai: today's digests are due. Two senders at once.
        let now = app.now();
        let (a, b) = tokio::join!(run(app.db.clone(), now), run(app.db.clone(), now));
        assert!(a > 0 && b > 0, "{backend:?}: both senders worked");
        let marks = sent::Entity::find().all(&app.db).await.expect("marks");
        let people = common::number(
            &app.db,
            "SELECT COUNT(*) FROM person p JOIN organisation o ON o.id = p.organisation_id \
             WHERE p.active AND o.active AND o.kind <> 'platform'",
        )
        .await;
        assert_eq!(marks.len() as i64, people, "{backend:?}: each person's day handled once between the two");
        assert!(marks.iter().all(|m| m.day == time::macros::date!(2026 - 11 - 25)), "{backend:?}");
        let first = digests(&app).await;
        let mut per_person: HashMap<String, usize> = HashMap::new();
        for m in &first {
            *per_person.entry(m.to_addr.clone()).or_default() += 1;
        }
        assert!(per_person.values().all(|n| *n == 1), "{backend:?}: one mail per person: {per_person:?}");
        // Nothing is sent on a day with nothing to say; the rest told of what they hold.
        let told = marks.iter().filter(|m| m.items > 0).count();
        assert_eq!(told, first.len(), "{backend:?}: a mail for each person with something to say");
        assert!(told < marks.len(), "{backend:?}: someone had nothing to say today");
        // The platform operator supervises no tenant's work.
        assert!(first.iter().all(|m| !m.to_addr.ends_with("@portal.example")), "{backend:?}");

        // The province hears of its agencies needing attention; a city only of its own.
        let to: Vec<&str> = first.iter().map(|m| m.to_addr.as_str()).collect();
        let province = first
            .iter()
            .find(|m| m.to_addr == "admin@regulator.example")
            .unwrap_or_else(|| panic!("{backend:?}: the province's digest among {to:?}"));
        assert!(province.body.contains("/oversight/agencies/"), "{}", province.body);
        let east = first
            .iter()
            .find(|m| m.to_addr == "admin@east-regulator.example")
            .unwrap_or_else(|| panic!("{backend:?}: the east's digest among {to:?}"));
        assert!(east.body.contains("/oversight/agencies/"), "{}", east.body);
        for outside in ["market", "culture", "transport", "water"] {
            assert!(
                !east.body.contains(name_of(outside)),
                "{backend:?}: {outside} in the east's digest: {}",
                east.body
            );
        }
        // An agency hears of its own reports, never another agency's.
        let agency = first
            .iter()
            .find(|m| m.to_addr == "admin@agency.example")
            .unwrap_or_else(|| panic!("{backend:?}: the agency's digest among {to:?}"));
        for other in ["health", "education", "transport", "water", "province", "market", "culture"] {
            assert!(
                !agency.body.contains(name_of(other)),
                "{backend:?}: {other} in the agency's digest: {}",
                agency.body
            );
        }
        assert!(agency.body.contains("https://portal.example/"), "{}", agency.body);

        // Once a day: later today, and tomorrow before eight, nothing more.
        assert_eq!(run(app.db.clone(), now + time::Duration::hours(6)).await, 0, "{backend:?}");
        assert_eq!(run(app.db.clone(), datetime!(2026-11-25 23:59 UTC)).await, 0, "{backend:?}: 07:59 tomorrow");
        assert_eq!(digests(&app).await.len(), first.len(), "{backend:?}");

        // A person moves its digest to 21:30 and leaves reports out.
        let client = app.signed_in("admin@agency.example").await;
        let (status, body) =
            app.call(&client, "save_digest", &[("input[send_at]", "25:00"), ("input[sla]", "on")]).await;
        assert_eq!(status, 422, "{backend:?}: {body}");
        assert!(body.to_string().contains("send_at"), "{body}");
        let (_, settings) = app.get_json(&client, "/api/digest_settings").await;
        assert_eq!(settings["send_at"], "08:00", "{backend:?}: a refused time changes nothing");
        let keys: Vec<String> = DigestKind::ALL
            .iter()
            .filter(|k| !matches!(k, DigestKind::Reports | DigestKind::Oversight))
            .map(|k| format!("input[{}]", k.code()))
            .collect();
        let mut form = vec![("input[send_at]", "21:30")];
        form.extend(keys.iter().map(|k| (k.as_str(), "on")));
        let (status, body) = app.call(&client, "save_digest", &form).await;
        assert_eq!(status, 200, "{backend:?}: {body}");
        let (_, settings) = app.get_json(&client, "/api/digest_settings").await;
        assert_eq!(settings["send_at"], "21:30");
        assert_eq!(settings["opted_out"], serde_json::json!(["reports"]), "{settings}");
        assert_eq!(settings["last_sent"], "2026-11-25");
        let (_, preview) = app.get_json(&client, "/api/digest_preview").await;
        let kinds: Vec<&str> =
            preview["sections"].as_array().expect("sections").iter().filter_map(|s| s["kind"].as_str()).collect();
        assert!(!kinds.contains(&"reports"), "{backend:?}: reports left out: {preview}");

        // Tomorrow at 08:00 the others hear; this person only at 21:30, and without its reports.
        let morning = datetime!(2026-11-26 00:00 UTC);
        assert!(run(app.db.clone(), morning).await > 0, "{backend:?}");
        let to_agency = |all: &[outbox::Model]| all.iter().filter(|m| m.to_addr == "admin@agency.example").count();
        assert_eq!(to_agency(&digests(&app).await), 1, "{backend:?}: not yet at 08:00");
        let evening = datetime!(2026-11-26 13:30 UTC);
        assert!(run(app.db.clone(), evening).await >= 1, "{backend:?}");
        let all = digests(&app).await;
        // Its drills are still overdue, so it has something to say without its reports.
        assert_eq!(to_agency(&all), 2, "{backend:?}: its second day at 21:30");
        let second = all
            .iter()
            .find(|m| m.to_addr == "admin@agency.example" && m.subject.contains("2026-11-26"))
            .unwrap_or_else(|| panic!("{backend:?}: the 26th's digest"));
        assert!(!second.body.contains("/reports"), "{backend:?}: reports left out: {}", second.body);
        assert!(second.body.contains("/emergency"), "{backend:?}: {}", second.body);
        let agency_marks = sent::Entity::find()
            .filter(
                sent::Column::PersonId
                    .eq(common::person_id(&app.db, "admin@agency.example").await.parse::<uuid::Uuid>().expect("id")),
            )
            .all(&app.db)
            .await
            .expect("marks");
        assert_eq!(agency_marks.len(), 2, "{backend:?}: handled at 21:30 the next day");

        // Each mail is in its reader's language.
        let locales = person_locales(&app).await;
        for m in &all {
            let zh = locales.get(&m.to_addr).is_none_or(|l| l.as_deref() != Some("en"));
            assert_eq!(m.subject.starts_with("【每日摘要】"), zh, "{}: {}", m.to_addr, m.subject);
        }
    }
}

async fn person_locales(app: &common::TestApp) -> HashMap<String, Option<String>> {
    use app::tenancy::entity::person;
    person::Entity::find().all(&app.db).await.expect("people").into_iter().map(|p| (p.email, p.locale)).collect()
}
