//! The reports work list filtered, ordered and paged in SQL is exactly the list the rules give
//! period by period: on a generated world, every page of the top regulator's list, a state filter,
//! a name search and the obligation form's agency search, on every database; and it follows what
//! changes it (a new obligation, an ended one, the month that begins).
use crate::common;

use std::collections::HashMap;

use app::{
    backend::time_fmt::date_in_zone,
    reports::{
        entity::{obligation, period, submission},
        rules::{self, SubmissionFacts},
        service::LOOKBACK,
        Cadence, SubmissionStatus,
    },
    tenancy::entity::organisation,
};
use common::backends;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::Value;
use server::tasks::generate::{self, Plan};

/// The tally (migration 11's triggers) holds exactly the grouped count of the rows: every
/// regulator's agencies' rows by stage and period, and nothing else above zero.
async fn tally_is_the_rows(db: &DatabaseConnection, when: &str) {
    use sea_orm::{ConnectionTrait, Statement};
    let read = |sql: &'static str| async move {
        let mut rows: Vec<String> = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .expect("query")
            .into_iter()
            .map(|r| {
                let id: uuid::Uuid = r.try_get("", "regulator_id").expect("regulator");
                let stage: String = r.try_get("", "stage").expect("stage");
                let dates: Vec<time::Date> =
                    ["period_start", "end_on", "due_on"].iter().map(|c| r.try_get("", c).expect("date")).collect();
                let n: i64 = r.try_get("", "n").expect("n");
                format!("{id} {stage} {dates:?} {n}")
            })
            .collect();
        rows.sort();
        rows
    };
    let counted = read(
        "SELECT o.regulator_id, p.stage, p.period_start, p.end_on, p.due_on, count(*) AS n \
         FROM report_period p JOIN organisation o ON o.id = p.agency_id \
         WHERE o.kind = 'agency' AND o.regulator_id IS NOT NULL \
         GROUP BY o.regulator_id, p.stage, p.period_start, p.end_on, p.due_on",
    )
    .await;
    let kept = read(
        "SELECT regulator_id, stage, period_start, end_on, due_on, periods AS n FROM report_tally WHERE periods <> 0",
    )
    .await;
    assert!(!counted.is_empty(), "{when}: rows to count");
    assert_eq!(kept, counted, "{when}: the tally is the rows' count");
}

/// (obligation, period, state code, due date) of every period the rules give, in the list's order.
async fn expected(db: &DatabaseConnection, today: time::Date, zone: &str) -> Vec<(String, String, String, String)> {
    let names: HashMap<uuid::Uuid, String> =
        organisation::Entity::find().all(db).await.expect("orgs").into_iter().map(|o| (o.id, o.name)).collect();
    let facts: HashMap<(uuid::Uuid, time::Date), SubmissionFacts> = submission::Entity::find()
        .all(db)
        .await
        .expect("submissions")
        .into_iter()
        .map(|s| {
            let f = SubmissionFacts {
                status: SubmissionStatus::parse(&s.status).expect("status"),
                first_submitted_on: date_in_zone(s.first_submitted_at, zone),
                versions: s.versions,
            };
            ((s.obligation_id, s.period_start), f)
        })
        .collect();
    let mut rows = Vec::new();
    for o in obligation::Entity::find().all(db).await.expect("obligations") {
        let cadence = Cadence::parse(&o.cadence).expect("cadence");
        let first = rules::from_start(cadence, o.first_period).expect("first");
        let last = o.last_period.map(|d| rules::from_start(cadence, d).expect("last"));
        for p in rules::periods_begun(first, last, today, LOOKBACK) {
            let state = rules::period_state(p, o.due_day as u8, today, facts.get(&(o.id, rules::start(p))).copied());
            let due = rules::due_date(p, o.due_day as u8);
            rows.push((state.code().severity(), due, names[&o.agency_id].clone(), o.id, rules::start(p), p, state));
        }
    }
    // Most urgent first, then by due date (settled rows, accepted on time or late, newest first).
    let settled = |severity: u8| app::reports::StateCode::from_severity(severity).is_some_and(|s| s.is_done());
    rows.sort_by(|a, b| {
        let due = if settled(a.0) { b.1.cmp(&a.1) } else { a.1.cmp(&b.1) };
        b.0.cmp(&a.0).then(due).then(a.2.cmp(&b.2)).then(a.3.cmp(&b.3)).then(a.4.cmp(&b.4))
    });
    rows.into_iter()
        .map(|r| (r.3.to_string(), r.5.to_string(), r.6.code().code().to_string(), r.1.to_string()))
        .collect()
}

fn listed(page: &Value) -> Vec<(String, String, String, String)> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["obligation_id"].as_str().expect("id").to_string(),
                i["period"].as_str().expect("period").to_string(),
                i["state"]["state"].as_str().expect("state").to_string(),
                i["due_on"].as_str().expect("due").to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_work_list_paged_in_sql_is_the_list_the_rules_give_period_by_period() {
    let now = time::macros::datetime!(2026-11-25 02:00 UTC);
    let zone = app::backend::time_fmt::DEFAULT_TIME_ZONE;
    let today = date_in_zone(now, zone);
    for backend in backends() {
        let (db, url) = common::fresh_db(backend).await;
        let files = std::env::temp_dir().join(format!("portal-work-{}", uuid::Uuid::new_v4().simple()));
        let plan = Plan { agencies: 30, months: 14, websites_per_agency: 1 };
        generate::generate(&db, &files, now, &plan).await.expect("generate");
        let want = expected(&db, today, zone).await;
        tally_is_the_rows(&db, &format!("{backend:?}, generated")).await;
        assert!(want.len() > 300, "{backend:?}: several pages ({})", want.len());
        let app = common::TestApp::over(backend, db.clone(), url).await;
        let regulator = app
            .signed_in_with(&generate::account("security", generate::TOP_REGULATOR), server::tasks::demo::DEMO_PASSWORD)
            .await;

        // Every page, in order, is the rules' list.
        let mut got = Vec::new();
        let mut page = 1;
        loop {
            let (status, body) = app.get_json(&regulator, &format!("/api/report_work?filter[page]={page}")).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["total"], want.len(), "{backend:?}");
            assert_eq!(body["page"], page);
            let items = listed(&body);
            assert!(items.len() <= 100);
            got.extend(items);
            if page >= body["pages"].as_u64().expect("pages") {
                break;
            }
            page += 1;
        }
        assert_eq!(got.len(), want.len(), "{backend:?}");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g, w, "{backend:?}: row {i} of the list");
        }
        // A page past the end shows the last.
        let (_, past) = app.get_json(&regulator, "/api/report_work?filter[page]=999").await;
        assert_eq!(past["page"], page);
        assert_eq!(listed(&past), got[(page as usize - 1) * 100..].to_vec());

        // A state filter keeps exactly that state's rows, in the same order.
        for state in ["overdue", "accepted_late", "returned", "submitted", "not_yet_due"] {
            let (_, body) = app.get_json(&regulator, &format!("/api/report_work?filter[state]={state}")).await;
            let of_state: Vec<_> = want.iter().filter(|w| w.2 == state).cloned().collect();
            assert_eq!(body["total"], of_state.len(), "{backend:?}: {state}");
            assert_eq!(listed(&body), of_state.into_iter().take(100).collect::<Vec<_>>(), "{backend:?}: {state}");
        }

        // A name search narrows to the obligations naming a matching organisation.
        let agency = organisation::Entity::find()
            .filter(organisation::Column::Kind.eq("agency"))
            .one(&db)
            .await
            .expect("query")
            .expect("an agency");
        let needle: String = agency.name.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        let matching: Vec<uuid::Uuid> = organisation::Entity::find()
            .all(&db)
            .await
            .expect("orgs")
            .into_iter()
            .filter(|o| o.name.to_lowercase().contains(&needle.to_lowercase()))
            .map(|o| o.id)
            .collect();
        let named: std::collections::HashSet<String> = obligation::Entity::find()
            .all(&db)
            .await
            .expect("obligations")
            .into_iter()
            .filter(|o| [o.submitter_id, o.receiver_id, o.agency_id].iter().any(|id| matching.contains(id)))
            .map(|o| o.id.to_string())
            .collect();
        let query = app::ui::encode_query(&needle);
        let (_, body) = app.get_json(&regulator, &format!("/api/report_work?filter[q]={query}")).await;
        let found: Vec<_> = want.iter().filter(|w| named.contains(&w.0)).cloned().collect();
        assert!(!found.is_empty());
        assert_eq!(body["total"], found.len(), "{backend:?}: search {needle}");
        assert_eq!(listed(&body), found.into_iter().take(100).collect::<Vec<_>>());
        // A search for what no name holds (a LIKE wildcard among it) finds nothing.
        let (_, none) = app.get_json(&regulator, "/api/report_work?filter[q]=%25_%25").await;
        assert_eq!(none["total"], 0, "{none}");

        // The obligation form lists 30 agencies and searches the rest.
        let (_, body) = app.get_json(&regulator, "/api/report_work?filter[q]=").await;
        assert_eq!(body["choices"]["agencies_total"], 30);
        let (status, found) = app.get_json(&regulator, &format!("/api/find_obligation_agencies?q={query}")).await;
        assert_eq!(status, 200, "{found}");
        let ids: Vec<&str> = found.as_array().expect("agencies").iter().filter_map(|a| a["id"].as_str()).collect();
        assert!(ids.contains(&agency.id.to_string().as_str()), "{found}");
        std::fs::remove_dir_all(&files).ok();
    }
}

#[tokio::test]
async fn the_work_list_follows_a_new_obligation_an_ended_one_and_the_month_that_begins() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let agency = app.signed_in("admin@agency.example").await;
        let engagement = common::csp_engagement(&app, &agency).await;
        let (status, id) = app.call(&agency, "create_obligation", &common::csp_obligation_form(&engagement)).await;
        assert_eq!(status, 200, "{id}");
        let id = id.as_str().expect("id").to_string();
        // The obligation's periods over every page of the agency's list (signed in afresh: the
        // clock moves by weeks, past any session's life).
        let periods = |who: &'static str| {
            let (app, id) = (&app, id.clone());
            async move {
                let client = app.signed_in(who).await;
                let mut out = Vec::new();
                for page in 1.. {
                    let (status, body) = app
                        .get_json(&client, &format!("/api/report_work?filter[side]=review&filter[page]={page}"))
                        .await;
                    assert_eq!(status, 200, "{body}");
                    out.extend(listed(&body).into_iter().filter(|r| r.0 == id).map(|r| r.1));
                    if page >= body["pages"].as_u64().expect("pages") {
                        break;
                    }
                }
                out.sort();
                out
            }
        };
        // Set on 25 November 2026 from 2026-01: eleven periods, November not yet due.
        let mine = periods("admin@agency.example").await;
        assert_eq!(mine.len(), 11, "{backend:?}: {mine:?}");
        assert_eq!((mine[0].as_str(), mine[10].as_str()), ("2026-01", "2026-11"));
        // December begins: its period is listed, and the window keeps twelve.
        app.advance(time::Duration::days(7));
        app.changed();
        let mine = periods("admin@agency.example").await;
        assert_eq!(mine.len(), 12, "{backend:?}: {mine:?}");
        assert_eq!(mine.last().map(String::as_str), Some("2026-12"));
        // January begins: still twelve, the oldest gone.
        app.advance(time::Duration::days(31));
        app.changed();
        let mine = periods("admin@agency.example").await;
        assert_eq!(mine.len(), 12, "{backend:?}: {mine:?}");
        assert_eq!((mine[0].as_str(), mine[11].as_str()), ("2026-02", "2027-01"));
        // Ended: the running month (nothing sent for it) is no longer owed, nor listed.
        let agency = app.signed_in("admin@agency.example").await;
        let (status, body) = app.call(&agency, "end_obligation", &[("id", &id), ("reason", "contract moved")]).await;
        assert_eq!(status, 200, "{body}");
        let mine = periods("admin@agency.example").await;
        assert!(!mine.contains(&"2027-01".to_string()), "{backend:?}: {mine:?}");
        assert!(mine.contains(&"2026-12".to_string()));
    }
}

#[tokio::test]
async fn a_period_s_row_follows_its_submission_through_return_resubmission_and_acceptance() {
    use crate::reports::{csp_fields, form};
    for backend in backends() {
        let app = common::spawn(backend).await;
        let agency = app.signed_in("admin@agency.example").await;
        let csp = app.signed_in("security@csp.example").await;
        let engagement = common::csp_engagement(&app, &agency).await;
        let (status, id) = app.call(&agency, "create_obligation", &common::csp_obligation_form(&engagement)).await;
        assert_eq!(status, 200, "{id}");
        let id = id.as_str().expect("id").to_string();
        // The obligation's items over every page of the agency's list, in the list's order.
        let mine = || {
            let (app, agency, id) = (&app, &agency, id.clone());
            async move {
                let mut out = Vec::new();
                for page in 1.. {
                    let (status, body) = app
                        .get_json(agency, &format!("/api/report_work?filter[side]=review&filter[page]={page}"))
                        .await;
                    assert_eq!(status, 200, "{body}");
                    out.extend(
                        body["items"]
                            .as_array()
                            .expect("items")
                            .iter()
                            .filter(|i| i["obligation_id"] == id.as_str())
                            .cloned(),
                    );
                    if page >= body["pages"].as_u64().expect("pages") {
                        break;
                    }
                }
                out
            }
        };
        let row = |period: &'static str| {
            let mine = mine();
            async move { mine.await.into_iter().find(|i| i["period"] == period).expect("listed")["state"].clone() }
        };
        // Every one of its rows, in order, is what the rules give.
        let as_the_rules_give = || async {
            let zone = "Asia/Shanghai";
            let want: Vec<_> = expected(&app.db, date_in_zone(app.now(), zone), zone)
                .await
                .into_iter()
                .filter(|w| w.0 == id)
                .collect();
            let got = listed(&serde_json::json!({ "items": mine().await }));
            assert_eq!(got, want, "{backend:?}");
        };
        assert_eq!(row("2026-10").await["state"], "overdue");
        assert_eq!(row("2026-11").await["state"], "not_yet_due");

        // October, sent late: submitted (late); returned; sent again; accepted late.
        let fields = csp_fields("99.9");
        let (status, sent) = app.submit(&csp, form(&id, "2026-10", "k-oct-1", &fields, vec![])).await;
        assert_eq!(status, 200, "{sent}");
        let sid = sent["submission_id"].as_str().expect("id").to_string();
        let oct = row("2026-10").await;
        assert_eq!(
            (oct["state"].as_str(), oct["late"].as_bool(), oct["version"].as_i64()),
            (Some("submitted"), Some(true), Some(1)),
            "{backend:?}: {oct}"
        );
        as_the_rules_give().await;
        let (status, body) = app
            .call(
                &agency,
                "review_submission",
                &[("id", &sid), ("decision", "return"), ("comment", "figures missing\nsee the annex")],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(row("2026-10").await["state"], "returned", "{backend:?}");
        let oct = mine().await.into_iter().find(|i| i["period"] == "2026-10").expect("listed");
        assert_eq!(oct["returned_because"], "figures missing", "{backend:?}: the row says why");
        let (status, sent) = app.submit(&csp, form(&id, "2026-10", "k-oct-2", &fields, vec![])).await;
        assert_eq!(status, 200, "{sent}");
        let oct = row("2026-10").await;
        assert_eq!(
            (oct["state"].as_str(), oct["late"].as_bool(), oct["version"].as_i64()),
            (Some("submitted"), Some(true), Some(2)),
            "{backend:?}: {oct}"
        );
        let (status, body) =
            app.call(&agency, "review_submission", &[("id", &sid), ("decision", "accept"), ("comment", "")]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(row("2026-10").await["state"], "accepted_late", "{backend:?}");
        as_the_rules_give().await;

        // November, sent before its due day: submitted on time, then accepted.
        let (status, sent) = app.submit(&csp, form(&id, "2026-11", "k-nov-1", &fields, vec![])).await;
        assert_eq!(status, 200, "{sent}");
        let sid = sent["submission_id"].as_str().expect("id").to_string();
        assert_eq!(row("2026-11").await["late"], false, "{backend:?}");
        let (status, body) =
            app.call(&agency, "review_submission", &[("id", &sid), ("decision", "accept"), ("comment", "")]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(row("2026-11").await["state"], "accepted", "{backend:?}");
        as_the_rules_give().await;

        // The rows made afresh from the submissions (as a migrated database's first read makes
        // them) read the same: this obligation's alone, so its sync reads only its own periods.
        period::Entity::delete_many()
            .filter(period::Column::ObligationId.eq(id.parse::<uuid::Uuid>().expect("uuid")))
            .exec(&app.db)
            .await
            .expect("delete");
        let zone = app::backend::time_fmt::DEFAULT_TIME_ZONE;
        app::reports::service::open_periods(&app.db, date_in_zone(app.now(), zone), zone).await.expect("open");
        app.changed();
        assert_eq!(row("2026-10").await["state"], "accepted_late", "{backend:?}");
        assert_eq!(row("2026-11").await["state"], "accepted", "{backend:?}");
        as_the_rules_give().await;

        // Renamed by the platform: the rows carry the new name, which orders the list.
        let platform = app.signed_in(common::world::PLATFORM_ADMIN).await;
        let agency_id = common::id_where(&app.db, "organisation", "name", common::world::name_of("agency")).await;
        let (status, body) = app
            .call(
                &platform,
                "update_organisation",
                &[("id", &agency_id.to_string()), ("name", "示范市大数据局"), ("active", "on")],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let names: std::collections::HashSet<String> = period::Entity::find()
            .filter(period::Column::AgencyId.eq(agency_id))
            .all(&app.db)
            .await
            .expect("rows")
            .into_iter()
            .map(|r| r.agency_name)
            .collect();
        assert_eq!(names, ["示范市大数据局".to_string()].into(), "{backend:?}");
        tally_is_the_rows(&app.db, &format!("{backend:?}, after the reviews and the rebuild")).await;

        // Moved to another regulator and back: its rows' counts move with it, both ways.
        let (regulator_id,): (Option<uuid::Uuid>,) = organisation::Entity::find_by_id(agency_id)
            .one(&app.db)
            .await
            .expect("agency")
            .map(|a| (a.regulator_id,))
            .expect("agency");
        let elsewhere =
            common::id_where(&app.db, "organisation", "name", common::world::name_of("west-regulator")).await;
        assert_ne!(Some(elsewhere), regulator_id, "{backend:?}: a move to another regulator");
        for to in [Some(elsewhere), regulator_id] {
            let to = to.map(|t| t.to_string()).unwrap_or_default();
            let (status, body) = app
                .call(
                    &platform,
                    "place_in_jurisdiction",
                    &[("organisation_id", &agency_id.to_string()), ("regulator_id", &to), ("moving", "on")],
                )
                .await;
            assert_eq!(status, 200, "{body}");
            tally_is_the_rows(&app.db, &format!("{backend:?}, moved to {to}")).await;
        }
    }
}
