//! The regulator's oversight board through the real router on both databases: each regulator sees
//! exactly its jurisdiction as it is today (the province its cities' agencies, a city only its own,
//! the moved agency under its new city), every column is read and scored, the filters hold
//! together, sorting and grouping by sub-regulator, bad input refused by field, the CSV carries
//! exactly the rows the filter selects, other kinds of organisation refused, and a write reaches
//! the board within its stated refresh.
use crate::common;

use app::{
    backend::actor::Acting,
    plans::{scope::incident_writer, service, IncidentInput},
};
use common::{backends, world::name_of};
use serde_json::Value;

use crate::rosters::{actor, meta};

fn names(board: &Value) -> Vec<String> {
    board["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["agency"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn row<'a>(board: &'a Value, key: &str) -> &'a Value {
    board["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["agency"] == name_of(key))
        .unwrap_or_else(|| panic!("{key} in {board}"))
}

/// A server function taking one `query` struct, called by GET with `k=v&…` as its fields.
async fn get_query(app: &common::TestApp, client: &reqwest::Client, function: &str, query: &str) -> (u16, Value) {
    let q: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("k=v");
            format!("query[{k}]={v}")
        })
        .collect();
    app.get_json(client, &format!("/api/{function}?{}", q.join("&"))).await
}

async fn board(app: &common::TestApp, client: &reqwest::Client, query: &str) -> (u16, Value) {
    get_query(app, client, "oversight_board", query).await
}

/// The CSV's agency names (its first column), without the header.
async fn csv_names(app: &common::TestApp, client: &reqwest::Client, query: &str) -> Vec<String> {
    let res = client.get(app.url(&format!("/oversight/export.csv?{query}"))).send().await.expect("csv");
    assert_eq!(res.status().as_u16(), 200);
    let text = res.text().await.expect("text");
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader.records().map(|r| r.expect("record")[0].to_string()).collect()
}

#[tokio::test]
async fn a_regulator_sees_its_jurisdiction_scored_filtered_and_exported_as_shown() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let province = app.signed_in("admin@regulator.example").await;
        let east = app.signed_in("admin@east-regulator.example").await;
        let west = app.signed_in("admin@west-regulator.example").await;
        let neighbour = app.signed_in("admin@neighbour-regulator.example").await;

        // Each regulator sees its jurisdiction as it is today, and only it.
        let (status, all) = board(&app, &province, "sort=agency").await;
        assert_eq!(status, 200, "{all}");
        let mut expected: Vec<String> = ["agency", "health", "education", "transport", "water", "province"]
            .iter()
            .map(|k| name_of(k).to_string())
            .collect();
        expected.sort();
        assert_eq!(names(&all), expected, "{backend:?}: the province's agencies by name");
        assert_eq!(all["all"]["agencies"], 6);
        let (_, e) = board(&app, &east, "").await;
        let mut east_names = names(&e);
        east_names.sort();
        let mut want = vec![name_of("agency").to_string(), name_of("health").to_string()];
        want.sort();
        assert_eq!(east_names, want, "{backend:?}: the moved agency left its first city");
        let (_, w) = board(&app, &west, "").await;
        assert!(names(&w).contains(&name_of("education").to_string()), "{backend:?}: and is under its new one");
        let (_, n) = board(&app, &neighbour, "").await;
        assert!(names(&n).iter().all(|x| x == name_of("market") || x == name_of("culture")), "{n}");

        // The websites' flags are read and scored, with their reasons.
        let health = row(&all, "health");
        assert_eq!((health["websites"].as_u64(), health["top_level"].as_i64()), (Some(2), Some(4)));
        assert_eq!(health["level4_public_cloud"], 1);
        assert!(
            health["score"]["reasons"]
                .as_array()
                .expect("reasons")
                .iter()
                .any(|r| r["concern"] == "level4_public_cloud"),
            "{health}"
        );
        assert_eq!(row(&all, "education")["domain_outside"], 1);
        assert_eq!(row(&all, "transport")["trial_overdue"], 1);
        assert_eq!(row(&all, "province")["phases"], serde_json::json!([0, 0, 0, 3, 1]));
        let (_, flagged) = board(&app, &province, "has=level4_public_cloud").await;
        assert_eq!(names(&flagged), [name_of("health")]);

        // An open level-II incident at the demonstration agency: after the board's refresh it
        // shows, weighs and is counted, and the filters hold together.
        let admin = actor(&app, "admin@agency.example").await;
        let now = app.now();
        let m = meta();
        let by = Acting { actor: &admin, meta: &m, now };
        let w = incident_writer(&app.db, &admin, now.date()).await.expect("writer");
        let site = common::id_where(&app.db, "website", "domain", "www.demo.gov.cn").await;
        let input = IncidentInput {
            title: "首页被篡改".into(),
            category: "information_destruction".into(),
            level: "II".into(),
            website_ids: vec![site.to_string()],
            ..IncidentInput::default()
        };
        service::open_incident(&app.db, &by, &w, &input, "https://portal.example").await.expect("opened");
        // Written past the router: tell the caches, as the epoch-follow job would within a second.
        app.changed();
        // Within the refresh interval the board may still show the figures from before.
        app.advance(time::Duration::seconds(1));
        let (_, soon) = board(&app, &province, "has=incident_open").await;
        assert_eq!(names(&soon), Vec::<String>::new(), "{backend:?}: kept across the write for its interval");
        app.advance(time::Duration::seconds(app::oversight::service::REFRESH_SECONDS));
        let (_, after) = board(&app, &province, "has=incident_open").await;
        assert_eq!(names(&after), [name_of("agency")], "{backend:?}: {after}");
        let r = row(&after, "agency");
        assert_eq!(r["incidents"], serde_json::json!([0, 1, 0, 0]));
        let reason = r["score"]["reasons"][0].clone();
        assert_eq!((reason["concern"].as_str(), reason["level"].as_u64()), (Some("incident_open"), Some(2)), "{r}");
        assert_eq!(after["totals"]["incidents"], serde_json::json!([0, 1, 0, 0]));
        let (_, both) = board(&app, &province, "has=incident_open,level4_public_cloud").await;
        assert_eq!(names(&both), Vec::<String>::new(), "every filter must hold");
        let (_, graver) = board(&app, &province, "sort=incidents").await;
        assert_eq!(names(&graver)[0], name_of("agency"), "the open incident sorts first");

        // The CSV is exactly the rows the filter selects, in the page's order.
        for q in ["", "has=incident_open", "sort=agency&dir=desc", "has=attention&sort=score", "q=%E4%B8%9C%E5%B7%9E"] {
            let (_, b) = board(&app, &province, q).await;
            assert_eq!(csv_names(&app, &province, q).await, names(&b), "{backend:?}: {q}");
        }

        // Grouped by sub-regulator: each city with its own totals; narrowed to one.
        let (_, grouped) = board(&app, &province, "group=1").await;
        let groups = grouped["groups"].as_array().expect("groups");
        let count = |name: &str| {
            groups
                .iter()
                .find(|g| g["regulator"]["name"] == name)
                .map(|g| g["totals"]["agencies"].as_u64().unwrap_or(0))
        };
        assert_eq!(count(name_of("east-regulator")), Some(2));
        assert_eq!(count(name_of("west-regulator")), Some(3));
        assert!(groups.iter().any(|g| g["regulator"].is_null() && g["totals"]["agencies"] == 1), "the province's own");
        let east_id = common::id_where(&app.db, "organisation", "name", name_of("east-regulator")).await;
        let (_, under) = board(&app, &province, &format!("under={east_id}")).await;
        assert_eq!(under["total"], 2);

        // Bad input: refused by field, as the page shows it.
        for (q, field) in [
            ("has=everything", "has"),
            ("level=9", "level"),
            ("sort=colour", "sort"),
            ("dir=sideways", "dir"),
            ("page=0", "page"),
            ("under=not-an-id", "under"),
        ] {
            let (status, v) = board(&app, &province, q).await;
            assert_eq!(status, 422, "{q}: {v}");
            assert!(v.to_string().contains(field), "{q}: {v}");
        }
        let (status, v) = board(
            &app,
            &east,
            &format!("under={}", common::id_where(&app.db, "organisation", "name", name_of("west-regulator")).await),
        )
        .await;
        assert_eq!(status, 422, "a sub-regulator outside the jurisdiction: {v}");
        let res = province.get(app.url("/oversight/export.csv?level=x")).send().await.expect("csv");
        assert_eq!(res.status().as_u16(), 422);

        // An agency's detail: its row, twelve months of each module, and its records; outside
        // the jurisdiction it is not there.
        let agency_id = common::id_where(&app.db, "organisation", "name", name_of("agency")).await;
        let (status, d) = app.get_json(&province, &format!("/api/oversight_agency?id={agency_id}")).await;
        assert_eq!(status, 200, "{d}");
        assert_eq!(d["row"]["agency"], name_of("agency"));
        let strips = d["strips"].as_array().expect("strips");
        assert_eq!(strips.len(), 6);
        assert!(strips.iter().all(|s| s["cells"].as_array().map(Vec::len) == Some(12)), "{d}");
        let incidents =
            d["records"].as_array().expect("records").iter().find(|g| g[0] == "incidents").expect("incidents")[1]
                .clone();
        assert!(incidents.to_string().contains("首页被篡改"), "{incidents}");
        let month = strips.iter().find(|s| s["kind"] == "incidents").expect("incident strip")["cells"][11].clone();
        assert_eq!(month["text"], "1 · II", "this month's incident: {month}");
        let (status, _) = app.get_json(&neighbour, &format!("/api/oversight_agency?id={agency_id}")).await;
        assert_eq!(status, 404, "another province's agency");
        let (status, _) = app.get_json(&province, &format!("/api/oversight_agency?id={}", uuid::Uuid::new_v4())).await;
        assert_eq!(status, 404);

        // A move leaves the board and the detail at once, not after the refresh.
        let (_, before) = board(&app, &east, "").await;
        assert!(names(&before).contains(&name_of("health").to_string()));
        let health_id = common::id_where(&app.db, "organisation", "name", name_of("health")).await;
        let west_id = common::id_where(&app.db, "organisation", "name", name_of("west-regulator")).await;
        let platform = app.signed_in(common::world::PLATFORM_ADMIN).await;
        let (status, body) = app
            .call(
                &platform,
                "place_in_jurisdiction",
                &[
                    ("organisation_id", &health_id.to_string()),
                    ("regulator_id", &west_id.to_string()),
                    ("moving", "true"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (_, after_move) = board(&app, &east, "").await;
        assert!(!names(&after_move).contains(&name_of("health").to_string()), "{backend:?}: {after_move}");
        let (status, _) = app.get_json(&east, &format!("/api/oversight_agency?id={health_id}")).await;
        assert_eq!(status, 404, "the moved agency's detail");
        let east_csv = csv_names(&app, &east, "").await;
        assert!(!east_csv.contains(&name_of("health").to_string()));
        let (_, west_now) = board(&app, &west, "").await;
        assert!(names(&west_now).contains(&name_of("health").to_string()), "under its new city");

        // Nobody else has a board: agencies, providers, the platform.
        for email in ["admin@agency.example", "admin@csp.example", "admin@assessor.example", "platform@portal.example"]
        {
            let client = app.signed_in(email).await;
            let (status, _) = board(&app, &client, "").await;
            assert_eq!(status, 403, "{email}");
            let res = client.get(app.url("/oversight/export.csv")).send().await.expect("csv");
            assert_eq!(res.status().as_u16(), 403, "{email}");
        }
    }
}

async fn report(app: &common::TestApp, client: &reqwest::Client, query: &str) -> (u16, Value) {
    get_query(app, client, "oversight_report", query).await
}

/// The monthly status report: the month in progress is provisional and stored nowhere; the first
/// reading of a closed month freezes version 1 and every later reading gives it back unchanged;
/// a late correction of that month (a drill recorded afterwards) makes version 2, which keeps the
/// standing at the close, corrects the months and says so, while version 1 stays readable; bad
/// months and versions are refused by field; an agency outside the jurisdiction is not found.
#[tokio::test]
async fn a_monthly_report_is_frozen_when_its_month_closes_and_corrected_as_a_new_version() {
    use app::plans::{scope::plan_writer, DrillInput};
    for backend in backends() {
        let app = common::spawn(backend).await;
        let province = app.signed_in("admin@regulator.example").await;
        let east = app.signed_in("admin@east-regulator.example").await;

        // 2026-11-25: November is under way.
        let (status, nov) = report(&app, &province, "month=2026-11").await;
        assert_eq!(status, 200, "{nov}");
        assert_eq!((nov["provisional"].as_bool(), nov["version"].as_u64()), (Some(true), Some(0)), "{backend:?}");
        assert_eq!(nov["months"].as_array().map(Vec::len), Some(12));
        assert_eq!(nov["months"][11], "2026-11");
        let stored = || async { common::count(&app.db, "status_report").await };
        assert_eq!(stored().await, 0, "{backend:?}: nothing frozen while the month runs");

        // October has closed: its first reading freezes version 1, the default month is it.
        let (status, oct) = report(&app, &province, "").await;
        assert_eq!(status, 200, "{oct}");
        assert_eq!(
            (oct["month"].as_str(), oct["provisional"].as_bool(), oct["version"].as_u64()),
            (Some("2026-10"), Some(false), Some(1))
        );
        assert_eq!(oct["months"][11], "2026-10");
        assert_eq!(oct["totals"]["agencies"], 6, "{backend:?}: the province's agencies");
        assert!(oct["groups"].as_array().is_some_and(|g| !g.is_empty()), "grouped by sub-regulator");
        let (_, again) = report(&app, &province, "month=2026-10").await;
        assert_eq!(again, oct, "{backend:?}: the frozen version comes back unchanged");
        assert_eq!(stored().await, 1);

        // An agency's report of October, in both languages.
        let agency = common::id_where(&app.db, "organisation", "name", name_of("agency")).await;
        let (status, one) = report(&app, &province, &format!("agency={agency}&month=2026-10")).await;
        assert_eq!(status, 200, "{one}");
        assert_eq!((one["scope"].as_str(), one["version"].as_u64()), (Some("agency"), Some(1)));
        assert_eq!(one["strips_zh"].as_array().map(Vec::len), Some(6));
        assert_eq!(one["strips_en"].as_array().map(Vec::len), Some(6));
        let drills_before = one["strips_zh"][2]["cells"][11]["value"].as_u64().expect("drills");

        // A drill held in October, recorded late: the month's figures change.
        let admin = actor(&app, "admin@agency.example").await;
        let m = meta();
        let now = app.now();
        let by = Acting { actor: &admin, meta: &m, now };
        let w = plan_writer(&admin).expect("writer");
        let input = DrillInput {
            held_on: "2026-10-20".into(),
            category: "network_attack".into(),
            scenario: "补录".into(),
            ..Default::default()
        };
        service::record_drill(&app.db, &by, &w, &input, now.date()).await.expect("drill");
        app.changed();
        app.advance(time::Duration::seconds(app::oversight::service::MAX_AGE_SECONDS + 1));
        let (_, v2) = report(&app, &province, "month=2026-10").await;
        assert_eq!(v2["version"], 2, "{backend:?}: a correction makes a new version: {v2}");
        assert_eq!(v2["versions"].as_array().map(Vec::len), Some(2));
        assert_eq!(v2["trend"]["drills_held"][11].as_u64(), oct["trend"]["drills_held"][11].as_u64().map(|n| n + 1));
        assert_eq!(v2["totals"], oct["totals"], "{backend:?}: the standing at the close stays as frozen");
        let (_, v1) = report(&app, &province, "month=2026-10&version=1").await;
        assert_eq!(v1["trend"], oct["trend"], "{backend:?}: version 1 stays as it was");
        assert_eq!(v1["version"], 1);
        let (_, a2) = report(&app, &province, &format!("agency={agency}&month=2026-10")).await;
        assert_eq!(a2["version"], 2, "{a2}");
        assert_eq!(a2["strips_zh"][2]["cells"][11]["value"].as_u64(), Some(drills_before + 1));
        let (_, still) = report(&app, &province, "month=2026-10").await;
        assert_eq!(still["version"], 2, "{backend:?}: no change, no new version");

        // Bad input, by field; versions that do not exist; other jurisdictions.
        for (q, field) in [
            ("month=2026-13", "month"),
            ("month=2026-12", "month"),
            ("month=1999-12", "month"),
            ("month=2026-10&version=0", "version"),
        ] {
            let (status, body) = report(&app, &province, q).await;
            assert_eq!(status, 422, "{q}: {body}");
            assert!(body.to_string().contains(field), "{q}: {body}");
        }
        let (status, _) = report(&app, &province, "month=2026-10&version=9").await;
        assert_eq!(status, 404);
        let (status, _) = report(&app, &province, "month=2026-11&version=1").await;
        assert_eq!(status, 404, "a month under way has no versions");
        let market = common::id_where(&app.db, "organisation", "name", name_of("market")).await;
        let (status, _) = report(&app, &province, &format!("agency={market}&month=2026-10")).await;
        assert_eq!(status, 404, "{backend:?}: another province's agency");
        let education = common::id_where(&app.db, "organisation", "name", name_of("education")).await;
        let (status, _) = report(&app, &east, &format!("agency={education}&month=2026-10")).await;
        assert_eq!(status, 404, "{backend:?}: the moved agency left the east's reports");
        let (_, east_oct) = report(&app, &east, "month=2026-10").await;
        assert_eq!(east_oct["totals"]["agencies"], 2, "{backend:?}: the east's own jurisdiction");
        let agency_client = app.signed_in("admin@agency.example").await;
        let (status, _) = report(&app, &agency_client, "month=2026-10").await;
        assert_eq!(status, 403, "{backend:?}: only regulators have reports");
    }
}
