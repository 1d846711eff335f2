//! Emergency response through the services and the router on both databases: a plan drafted,
//! refused approval with an empty section, approved, never edited after, superseded by a new
//! version with its diff; providers' contacts kept by the providers and shown live in the plan;
//! drills that clear the grid's overdue flags, their participants and follow-up actions closed by
//! their owner; the restore interval; a jurisdiction's overview and its CSV; and every reach
//! (an ended engagement, another city's regulator, a provider that did not take part).
use crate::common;

use app::{
    backend::{actor::Acting, ServiceError},
    i18n::Msg,
    plans::{
        scope::{contact_keeper, er_reader, plan_writer},
        service::{self, Closer},
        ActionLine, ContactLine, DraftInput, DrillCategory, DrillInput, DueState, PlanInput, PlanState, Sections,
    },
};
use common::backends;
use time::Duration;

use crate::rosters::{actor, meta, ZONE};

fn refused<T: std::fmt::Debug>(r: Result<T, ServiceError>) -> Vec<(&'static str, Msg)> {
    match r {
        Err(ServiceError::Invalid(f)) => f.into_iter().map(|f| (f.field, f.msg)).collect(),
        other => panic!("expected refused fields, got {other:?}"),
    }
}

fn full_sections(tag: &str) -> Sections {
    Sections {
        general: format!("适用范围：全部网站。\n{tag}"),
        roles: "应急领导小组组长：李伟".into(),
        prevention: "7×24 监测".into(),
        grading: "四级".into(),
        procedure: "发现、报告、处置、恢复".into(),
        safeguards: "备用服务器".into(),
    }
}

#[tokio::test]
async fn plans_are_drafted_approved_and_never_edited_and_show_live_contacts() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let meta = meta();
        let today = app.now().date();
        let admin = actor(&app, "admin@agency.example").await;
        let by = Acting { actor: &admin, meta: &meta, now: app.now() };
        let w = plan_writer(&admin).expect("the agency's administrator writes plans");
        assert!(matches!(plan_writer(&actor(&app, "viewer@agency.example").await), Err(ServiceError::Forbidden)));
        assert!(matches!(plan_writer(&actor(&app, "admin@csp.example").await), Err(ServiceError::Forbidden)));

        // Bad input names every field and writes nothing.
        let bad = PlanInput {
            title: "  ".into(),
            website_id: uuid::Uuid::new_v4().to_string(),
            category: "earthquake".into(),
            owner_id: "nobody".into(),
            review_months: "0".into(),
        };
        let fields: Vec<&str> =
            refused(service::create_plan(&app.db, &by, &w, &bad).await).into_iter().map(|f| f.0).collect();
        assert_eq!(fields, vec!["title", "category", "owner_id", "review_months", "website_id"], "{backend:?}");
        let reader = er_reader(&app.db, &admin, today).await.expect("reader");
        assert!(
            service::plans_in_reach(&app.db, &reader, 10).await.expect("plans").is_empty(),
            "{backend:?}: nothing stored"
        );

        let plan = service::create_plan(
            &app.db,
            &by,
            &w,
            &PlanInput { title: "网站安全事件应急预案".into(), ..PlanInput::default() },
        )
        .await
        .expect("plan");
        assert_eq!(
            refused(
                service::create_plan(
                    &app.db,
                    &by,
                    &w,
                    &PlanInput { title: "网站安全事件应急预案".into(), ..PlanInput::default() }
                )
                .await
            ),
            vec![("title", Msg::ErrNameTaken)]
        );
        // The first draft has empty sections: approval names each.
        let refusals = refused(service::approve(&app.db, &by, &w, plan, 1).await);
        assert_eq!(refusals.len(), 6, "{backend:?}: {refusals:?}");
        assert!(refusals.iter().all(|(_, m)| *m == Msg::ErPlanSectionEmpty));
        let mut partial = full_sections("v1");
        partial.safeguards.clear();
        service::save_draft(
            &app.db,
            &by,
            &w,
            plan,
            Some(1),
            &DraftInput { sections: partial, change_note: String::new() },
        )
        .await
        .expect("draft");
        assert_eq!(
            refused(service::approve(&app.db, &by, &w, plan, 1).await),
            vec![("safeguards", Msg::ErPlanSectionEmpty)]
        );
        service::save_draft(
            &app.db,
            &by,
            &w,
            plan,
            Some(1),
            &DraftInput { sections: full_sections("v1"), change_note: "首版".into() },
        )
        .await
        .expect("draft");
        service::approve(&app.db, &by, &w, plan, 1).await.expect("approved");

        // An approved version is never edited; a new draft follows it, once.
        assert_eq!(
            refused(
                service::save_draft(
                    &app.db,
                    &by,
                    &w,
                    plan,
                    Some(1),
                    &DraftInput { sections: full_sections("x"), change_note: String::new() }
                )
                .await
            ),
            vec![("number", Msg::ErPlanReadOnly)]
        );
        assert_eq!(refused(service::approve(&app.db, &by, &w, plan, 1).await), vec![("number", Msg::ErPlanReadOnly)]);
        let v2 = service::save_draft(
            &app.db,
            &by,
            &w,
            plan,
            None,
            &DraftInput { sections: full_sections("v2 增加备用机房"), change_note: "年度修订".into() },
        )
        .await
        .expect("new draft");
        assert_eq!(v2, 2);
        assert_eq!(
            refused(service::save_draft(&app.db, &by, &w, plan, None, &DraftInput::default()).await),
            vec![("number", Msg::ErPlanDraftExists)]
        );
        let long = DraftInput {
            sections: Sections { general: "长".repeat(20_001), ..full_sections("") },
            change_note: String::new(),
        };
        assert_eq!(
            refused(service::save_draft(&app.db, &by, &w, plan, Some(2), &long).await),
            vec![("general", Msg::ErTextTooLong)]
        );
        // Before approval the reader sees v1 in force, and the draft to edit.
        let d = service::plan_detail(&app.db, &reader, true, plan, None, today, ZONE).await.expect("detail");
        assert_eq!(d.shown.as_ref().map(|s| (s.0, s.1)), Some((1, PlanState::Approved)), "{backend:?}");
        assert_eq!(d.draft.as_ref().map(|x| x.0), Some(2));
        assert_eq!(d.approver.as_ref().map(|a| a.0.as_str()), Some("李伟"));
        service::approve(&app.db, &by, &w, plan, 2).await.expect("v2 approved");
        let d = service::plan_detail(&app.db, &reader, true, plan, None, today, ZONE).await.expect("detail");
        assert_eq!(d.shown.as_ref().map(|s| (s.0, s.1)), Some((2, PlanState::Approved)));
        assert_eq!(
            d.versions.iter().map(|v| (v.number, v.state)).collect::<Vec<_>>(),
            vec![(2, PlanState::Approved), (1, PlanState::Superseded)]
        );
        let general = d.diff.iter().find(|s| s.changed).expect("a changed section");
        assert_eq!(general.section, app::plans::Section::General);
        assert!(
            general.lines.iter().any(|(k, l)| *k == app::plans::LineChange::Added && l == "v2 增加备用机房"),
            "{:?}",
            general.lines
        );
        assert_eq!(d.plan.review, DueState::Current);
        // Version 1 stays readable as it was.
        let v1 = service::plan_detail(&app.db, &reader, false, plan, Some(1), today, ZONE).await.expect("v1");
        assert_eq!(v1.shown.map(|s| s.2.general), Some("适用范围：全部网站。\nv1".to_string()));

        // The CSP keeps its own contacts through its engagement; the plan shows them at once.
        let csp = actor(&app, "admin@csp.example").await;
        let keeper = contact_keeper(&csp).expect("a provider keeps contacts");
        let agency_keeper = contact_keeper(&admin).expect("an agency's writer may ask");
        assert!(!agency_keeper.is_provider());
        assert!(
            service::my_contacts(&app.db, &agency_keeper, today, ZONE).await.expect("none").is_empty(),
            "{backend:?}: an agency keeps none"
        );
        let by_csp = Acting { actor: &csp, meta: &meta, now: app.now() };
        let mine = service::my_contacts(&app.db, &keeper, today, ZONE).await.expect("contacts");
        let with_agency = mine
            .iter()
            .find(|e| e.agency.name == crate::common::world::name_of("agency"))
            .expect("the agency's engagement");
        let line = ContactLine {
            name: "赵云".into(),
            duty: "值班经理".into(),
            phone: "13800000000".into(),
            email: "oncall@csp.example".into(),
            hours: "7×24".into(),
        };
        let bad_line = ContactLine { phone: String::new(), email: "not-an-email".into(), ..line.clone() };
        assert_eq!(
            refused(
                service::save_contacts(&app.db, &by_csp, &keeper, with_agency.engagement_id, &[bad_line], today).await
            )
            .into_iter()
            .map(|f| f.0)
            .collect::<Vec<_>>(),
            vec!["phone", "email"]
        );
        // Another provider's engagement is not its own to keep.
        let other = contact_keeper(&actor(&app, "admin@csp3.example").await).expect("keeper");
        assert!(matches!(
            service::save_contacts(
                &app.db,
                &by_csp,
                &other,
                with_agency.engagement_id,
                std::slice::from_ref(&line),
                today
            )
            .await,
            Err(ServiceError::NotFound)
        ));
        service::save_contacts(
            &app.db,
            &by_csp,
            &keeper,
            with_agency.engagement_id,
            &[line.clone(), ContactLine::default()],
            today,
        )
        .await
        .expect("saved");
        let csp_reader = er_reader(&app.db, &csp, today).await.expect("csp reader");
        let seen = service::plan_detail(&app.db, &csp_reader, false, plan, None, today, ZONE)
            .await
            .expect("the CSP reads the plan");
        assert_eq!(
            seen.contacts.iter().map(|c| (c.provider.name.as_str(), c.name.as_str())).collect::<Vec<_>>(),
            vec![(crate::common::world::name_of("csp"), "赵云")]
        );
        assert!(seen.draft.is_none());

        // Reach: not a provider without an engagement, not another city's regulator; yes the city's.
        for (email, visible) in [
            ("admin@csp2.example", false),
            ("admin@developer.example", true),
            ("viewer@east-regulator.example", true),
            ("admin@regulator.example", true),
            ("admin@west-regulator.example", false),
            ("admin@health.example", false),
        ] {
            let r = er_reader(&app.db, &actor(&app, email).await, today).await.expect("reader");
            let got = service::plan_detail(&app.db, &r, false, plan, None, today, ZONE).await;
            assert_eq!(got.is_ok(), visible, "{backend:?}: {email}");
            if !visible {
                assert!(matches!(got, Err(ServiceError::NotFound)), "{backend:?}: {email} gets not found");
            }
        }
    }
}

#[tokio::test]
async fn drills_clear_overdue_flags_and_actions_close_with_evidence() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let meta = meta();
        let today = app.now().date();
        let admin = actor(&app, "admin@agency.example").await;
        let by = Acting { actor: &admin, meta: &meta, now: app.now() };
        let w = plan_writer(&admin).expect("writer");
        let reader = er_reader(&app.db, &admin, today).await.expect("reader");
        let (grid, every) = service::grid(&app.db, &reader, w.agency_id(), today).await.expect("grid");
        assert_eq!(every, 3);
        assert!(grid.iter().all(|g| g.state == DueState::Never), "{backend:?}: nothing drilled yet");
        let csp_id = common::id_where(&app.db, "organisation", "name", crate::common::world::name_of("csp")).await;
        let csp2_id = common::id_where(&app.db, "organisation", "name", crate::common::world::name_of("csp2")).await;

        let day = |d: time::Date| app::plans::service::day(d);
        let input = DrillInput {
            held_on: day(today - Duration::days(30)),
            category: "network_attack".into(),
            scenario: "DDoS 攻击门户网站".into(),
            outcome: "partly".into(),
            findings: "切换耗时过长".into(),
            participants: vec![csp_id.to_string()],
            actions: vec![ActionLine {
                finding: String::new(),
                title: "优化流量清洗切换流程".into(),
                owner_org: csp_id.to_string(),
                owner_name: "赵云".into(),
                due_on: day(today - Duration::days(1)),
            }],
            ..DrillInput::default()
        };
        // Bad input: a future date, an unknown category, a provider not serving the agency.
        let bad = DrillInput {
            held_on: day(today + Duration::days(1)),
            category: "fire".into(),
            participants: vec![csp2_id.to_string()],
            actions: vec![ActionLine {
                finding: String::new(),
                title: "x".into(),
                owner_org: csp2_id.to_string(),
                owner_name: String::new(),
                due_on: "tomorrow".into(),
            }],
            ..input.clone()
        };
        let fields: Vec<&str> =
            refused(service::record_drill(&app.db, &by, &w, &bad, today).await).into_iter().map(|f| f.0).collect();
        assert_eq!(fields, vec!["held_on", "category", "participants", "action_owner", "action_due"], "{backend:?}");
        assert!(
            service::home(&app.db, &reader, Some(&w), None, today, ZONE).await.expect("home").drills.is_empty(),
            "nothing stored"
        );

        let drill = service::record_drill(&app.db, &by, &w, &input, today).await.expect("drill");
        let (grid, _) = service::grid(&app.db, &reader, w.agency_id(), today).await.expect("grid");
        let attack = grid.iter().find(|g| g.category == DrillCategory::NetworkAttack).expect("cell");
        assert_eq!(
            (attack.state, attack.last.clone()),
            (DueState::Current, Some(day(today - Duration::days(30)))),
            "{backend:?}"
        );
        assert_eq!(grid.iter().filter(|g| g.state.is_overdue()).count(), 7);

        // The CSP took part and owns the action; the developer (engaged, absent) sees neither.
        let csp = actor(&app, "admin@csp.example").await;
        let csp_reader = er_reader(&app.db, &csp, today).await.expect("reader");
        let keeper = contact_keeper(&csp).expect("keeper");
        let seen = service::drill_detail(&app.db, &csp_reader, None, Some(&keeper), drill, today, ZONE)
            .await
            .expect("the CSP sees it");
        assert_eq!(seen.actions.len(), 1);
        assert!(seen.actions[0].overdue && seen.actions[0].can_close, "{backend:?}: {:?}", seen.actions[0]);
        let dev = actor(&app, "admin@developer.example").await;
        let dev_reader = er_reader(&app.db, &dev, today).await.expect("reader");
        assert!(matches!(
            service::drill_detail(&app.db, &dev_reader, None, None, drill, today, ZONE).await,
            Err(ServiceError::NotFound)
        ));
        assert!(service::home(&app.db, &dev_reader, None, None, today, ZONE).await.expect("home").actions.is_empty());

        // The owner closes its action with evidence, once.
        let action = seen.actions[0].id;
        let by_csp = Acting { actor: &csp, meta: &meta, now: app.now() };
        assert_eq!(
            refused(service::close_action(&app.db, &by_csp, Closer::Owner(&keeper), action, "  ", today).await),
            vec![("evidence", Msg::ErTextRequired)]
        );
        let dev_keeper = contact_keeper(&dev).expect("keeper");
        assert!(matches!(
            service::close_action(&app.db, &by_csp, Closer::Owner(&dev_keeper), action, "done", today).await,
            Err(ServiceError::NotFound)
        ));
        service::close_action(
            &app.db,
            &by_csp,
            Closer::Owner(&keeper),
            action,
            "已上线自动切换，演练验证 3 分钟内完成",
            today,
        )
        .await
        .expect("closed");
        assert_eq!(
            refused(service::close_action(&app.db, &by, Closer::Agency(&w), action, "again", today).await),
            vec![("evidence", Msg::ErActionClosed)]
        );
        let after = service::drill_detail(&app.db, &reader, Some(&w), None, drill, today, ZONE).await.expect("detail");
        assert!(after.actions[0].closed_at.is_some() && !after.actions[0].overdue);

        // Restore drills follow the agency's interval.
        let restore = DrillInput {
            held_on: day(today - Duration::days(120)),
            category: "backup_restore".into(),
            scenario: "数据库全量恢复".into(),
            ..DrillInput::default()
        };
        service::record_drill(&app.db, &by, &w, &restore, today).await.expect("restore drill");
        let state = |g: Vec<app::plans::GridCell>| {
            g.into_iter().find(|c| c.category == DrillCategory::BackupRestore).map(|c| c.state)
        };
        assert_eq!(
            state(service::grid(&app.db, &reader, w.agency_id(), today).await.expect("grid").0),
            Some(DueState::Overdue)
        );
        assert_eq!(
            refused(service::set_restore_interval(&app.db, &by, &w, "61").await),
            vec![("restore_every_months", Msg::ErMonths)]
        );
        service::set_restore_interval(&app.db, &by, &w, "6").await.expect("set");
        assert_eq!(
            state(service::grid(&app.db, &reader, w.agency_id(), today).await.expect("grid").0),
            Some(DueState::Current),
            "{backend:?}"
        );

        // The city's regulator sees the agency's overdue categories; another city's does not.
        // The overview is kept across requests: a change the caches have followed shows at once.
        let caches = app::backend::epoch::Caches::default();
        caches.follow(&app.db).await.expect("epoch");
        let east = er_reader(&app.db, &actor(&app, "admin@east-regulator.example").await, today).await.expect("reader");
        let o = service::drill_overview(&app.db, &caches, &east, "", false, 1, today).await.expect("overview");
        let row = o.rows.iter().find(|r| r.agency.id == w.agency_id()).expect("the agency's row");
        assert_eq!(row.overdue.len(), 6, "{backend:?}: {:?}", row.overdue);
        let only =
            service::drill_overview(&app.db, &caches, &east, "数据管理", true, 1, today).await.expect("filtered");
        assert_eq!(only.rows.iter().map(|r| r.agency.id).collect::<Vec<_>>(), vec![w.agency_id()]);
        assert!(service::drill_overview(&app.db, &caches, &east, "no such agency", false, 1, today)
            .await
            .expect("none")
            .rows
            .is_empty());
        let flood = DrillInput {
            held_on: day(today - Duration::days(3)),
            category: "disaster".into(),
            scenario: "机房进水".into(),
            ..DrillInput::default()
        };
        service::record_drill(&app.db, &by, &w, &flood, today).await.expect("drill");
        assert!(caches.follow(&app.db).await.expect("epoch"), "recording a drill moved the epoch");
        let o = service::drill_overview(&app.db, &caches, &east, "", false, 1, today).await.expect("overview");
        let row = o.rows.iter().find(|r| r.agency.id == w.agency_id()).expect("the agency's row");
        assert_eq!(row.overdue.len(), 5, "{backend:?}: {:?}", row.overdue);
        assert!(!row.overdue.contains(&DrillCategory::Disaster));
        let csv = service::drill_overview_rows(&app.db, &caches, &east, "数据管理", false, today).await.expect("rows");
        assert_eq!(csv.len(), 1);
        let west = er_reader(&app.db, &actor(&app, "admin@west-regulator.example").await, today).await.expect("reader");
        let o = service::drill_overview(&app.db, &caches, &west, "", false, 1, today).await.expect("overview");
        assert!(o.rows.iter().all(|r| r.agency.id != w.agency_id()), "{backend:?}");
        assert!(
            o.rows.iter().any(|r| r.agency.name == crate::common::world::name_of("education")),
            "the moved agency is the west's now"
        );
    }
}

#[tokio::test]
async fn the_pages_and_the_csv_answer_each_role() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let agency = app.signed_in("admin@agency.example").await;
        let (status, home) = app.get_json(&agency, "/api/emergency").await;
        assert_eq!(status, 200, "{backend:?}: {home}");
        assert_eq!(home["grid"].as_array().map(|g| g.len()), Some(DrillCategory::ALL.len()));
        let (status, id) = app
            .call(&agency, "create_plan", &[("input[title]", "门户网站应急预案"), ("input[review_months]", "12")])
            .await;
        assert_eq!(status, 200, "{backend:?}: {id}");
        let (status, refused) =
            app.call(&agency, "create_plan", &[("input[title]", ""), ("input[review_months]", "x")]).await;
        assert_eq!(status, 422, "{backend:?}: {refused}");
        let page = app.get_text(&agency, "/emergency").await;
        assert!(page.contains("门户网站应急预案"), "{backend:?}");
        let regulator = app.signed_in("admin@east-regulator.example").await;
        let (status, csv) = app.get_json(&regulator, "/emergency/drills.csv").await;
        assert_eq!(status, 200, "{backend:?}");
        assert!(
            csv.as_str().unwrap_or_default().contains(crate::common::world::name_of("agency")),
            "{backend:?}: {csv}"
        );
        // Only a jurisdiction has the overview: anyone else is told there is none.
        assert_eq!(app.get_json(&agency, "/emergency/drills.csv").await.0, 403);
        let anonymous = app.client();
        assert_ne!(app.get_json(&anonymous, "/emergency/drills.csv").await.0, 200);
        // An incident the agency opens is in its CSV and its regulator's, not in another agency's.
        let site = common::id_where(&app.db, "website", "domain", "www.demo.gov.cn").await.to_string();
        let (status, opened) = app
            .call(
                &agency,
                "open_incident",
                &[
                    ("input[title]", "首页篡改 CSV"),
                    ("input[category]", "information_destruction"),
                    ("input[level]", "III"),
                    ("input[website_ids][0]", site.as_str()),
                ],
            )
            .await;
        assert_eq!(status, 200, "{backend:?}: {opened}");
        for (client, sees) in
            [(&agency, true), (&regulator, true), (&app.signed_in("admin@health.example").await, false)]
        {
            let (status, csv) = app.get_json(client, "/incidents/export.csv?status=all").await;
            assert_eq!(status, 200, "{backend:?}");
            assert_eq!(csv.as_str().unwrap_or_default().contains("首页篡改 CSV"), sees, "{backend:?}: {csv}");
        }
        // A plan of another agency's is not found, as a page too.
        let (_, plans) = app.get_json(&agency, "/api/emergency").await;
        let plan = plans["plans"][0]["id"].as_str().unwrap_or_default().to_string();
        let health = app.signed_in("admin@health.example").await;
        assert_eq!(app.get_json(&health, &format!("/api/plan?id={plan}")).await.0, 404, "{backend:?}");
        assert_eq!(app.get_json(&agency, &format!("/api/plan?id={plan}")).await.0, 200, "{backend:?}");
    }
}

#[tokio::test]
async fn a_security_checks_improvement_plan_is_added_by_the_agency_and_followed_by_its_regulator() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let agency_id = common::id_where(&app.db, "organisation", "name", crate::common::world::name_of("agency"))
            .await
            .to_string();
        // The city's regulator asks the agency for a yearly security check; the agency reports 2025.
        let regulator = app.signed_in("admin@east-regulator.example").await;
        let (status, obligation) = app
            .call(
                &regulator,
                "create_obligation",
                &[
                    ("kind", "security_check"),
                    ("agency_id", agency_id.as_str()),
                    ("cadence", "yearly"),
                    ("due_day", "15"),
                    ("first_period", "2025"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{backend:?}: {obligation}");
        let obligation = obligation.as_str().unwrap_or_default().to_string();
        let agency = app.signed_in("admin@agency.example").await;
        let mut form = reqwest::multipart::Form::new()
            .text("obligation_id", obligation)
            .text("period", "2025")
            .text("improvement_plan", "见整改计划条目")
            .text("notes", "");
        for p in ["findings", "findings_fixed"] {
            for sev in ["critical", "high", "medium", "low"] {
                form = form.text(format!("{p}.{sev}"), "1");
            }
        }
        let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec();
        form = form.part("files", reqwest::multipart::Part::bytes(pdf).file_name("check.pdf"));
        let (status, submitted) = app.submit(&agency, form).await;
        assert_eq!(status, 200, "{backend:?}: {submitted}");
        let submission = submitted["submission_id"].as_str().unwrap_or_default().to_string();
        assert!(!submission.is_empty(), "{backend:?}: {submitted}");

        // Items need a finding and a measure; an item of a report that is no check is refused.
        let (status, refused) = app
            .call(
                &agency,
                "add_improvement_items",
                &[
                    ("submission_id", submission.as_str()),
                    ("items[0][title]", "收敛端口"),
                    ("items[0][due_on]", "2026-12-31"),
                ],
            )
            .await;
        assert_eq!(status, 422, "{backend:?}: {refused}");
        let (status, added) = app
            .call(
                &agency,
                "add_improvement_items",
                &[
                    ("submission_id", submission.as_str()),
                    ("items[0][finding]", "安全组开放不必要端口"),
                    ("items[0][title]", "收敛安全组规则"),
                    ("items[0][due_on]", "2026-11-01"),
                    ("items[1][finding]", "日志留存不足"),
                    ("items[1][title]", "接入集中审计"),
                    ("items[1][due_on]", "2027-03-01"),
                ],
            )
            .await;
        assert_eq!((status, added.as_u64()), (200, Some(2)), "{backend:?}: {added}");

        // The regulator reads the plan with the overdue item flagged, and cannot add to it.
        let (status, plan) =
            app.get_json(&regulator, &format!("/api/improvement_plan?submission_id={submission}")).await;
        assert_eq!(status, 200, "{backend:?}: {plan}");
        assert_eq!(plan["applies"], true);
        assert_eq!(plan["can_add"], false);
        let items = plan["items"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 2);
        let overdue: Vec<&str> =
            items.iter().filter(|i| i["overdue"] == true).filter_map(|i| i["finding"].as_str()).collect();
        assert_eq!(overdue, vec!["安全组开放不必要端口"], "{backend:?}: the test clock stands at 25 November 2026");
        // Another city's regulator and another agency do not find the report at all.
        for email in ["admin@west-regulator.example", "admin@health.example"] {
            let other = app.signed_in(email).await;
            assert_eq!(
                app.get_json(&other, &format!("/api/improvement_plan?submission_id={submission}")).await.0,
                404,
                "{backend:?}: {email}"
            );
        }
        let (_, drills) = app.get_json(&regulator, "/api/drill_overview").await;
        let agency_row =
            drills["rows"].as_array().and_then(|r| r.iter().find(|x| x["agency"]["id"] == agency_id.as_str()).cloned());
        assert_eq!(
            agency_row.map(|r| r["actions_overdue"].clone()),
            Some(serde_json::json!(1)),
            "{backend:?}: the overdue item counts"
        );
    }
}

/// Status reports due on an incident not yet contained are reminded once each, by mail to the
/// agency's and its CSP's responders and on the timeline; a report written moves the next
/// reminder a cadence away; a contained incident is reminded no more.
#[tokio::test]
async fn status_reports_due_are_reminded_once_each() {
    use app::plans::{scope::incident_writer, IncidentInput, SystemEvent};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    for backend in backends() {
        let app = common::spawn(backend).await;
        let now = app.now();
        let today = time::macros::date!(2026 - 11 - 25);
        let admin = actor(&app, "admin@agency.example").await;
        let meta = meta();
        let by = Acting { actor: &admin, meta: &meta, now };
        let w = incident_writer(&app.db, &admin, today).await.expect("writer");
        let site = common::id_where(&app.db, "website", "domain", "www.demo.gov.cn").await;
        let input = IncidentInput {
            title: "首页被篡改".into(),
            category: "information_destruction".into(),
            level: "II".into(),
            website_ids: vec![site.to_string()],
            ..IncidentInput::default()
        };
        let id = service::open_incident(&app.db, &by, &w, &input, "https://portal.example").await.expect("opened");
        let mails = |subject: &'static str| {
            let db = app.db.clone();
            async move {
                app::backend::entity::outbox::Entity::find()
                    .filter(app::backend::entity::outbox::Column::Subject.contains(subject))
                    .count(&db)
                    .await
                    .expect("count")
            }
        };
        let reminders = |app: &common::TestApp| {
            let db = app.db.clone();
            let admin = admin.clone();
            async move {
                let reader = er_reader(&db, &admin, today).await.expect("reader");
                let d = service::incident_detail(&db, &reader, (None, None), id, now + Duration::days(1), today, ZONE)
                    .await
                    .expect("detail");
                d.entries
                    .into_iter()
                    .filter_map(|e| match e.event {
                        Some(SystemEvent::Reminder { due }) => Some(due),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
            }
        };
        // Level II reports every two hours: nothing is due before then.
        assert_eq!(
            service::remind_status_reports(&app.db, now + Duration::minutes(119), "https://portal.example")
                .await
                .expect("run"),
            0
        );
        assert_eq!(mails("事件进展待报").await + mails("Status report due").await, 0, "{backend:?}");
        let late = now + Duration::minutes(121);
        assert_eq!(
            service::remind_status_reports(&app.db, late, "https://portal.example").await.expect("run"),
            1,
            "{backend:?}"
        );
        let sent = mails("事件进展待报").await + mails("Status report due").await;
        assert!(sent >= 2, "{backend:?}: the agency's and the CSP's officers are told ({sent})");
        // The timeline says so, with the report's due time on the reader's clock (10:00 + 2 h).
        assert_eq!(reminders(&app).await, vec!["2026-11-25 12:00".to_string()], "{backend:?}");
        // Once: the same moment, and a little later, remind no more.
        assert_eq!(service::remind_status_reports(&app.db, late + Duration::minutes(30), "x").await.expect("run"), 0);
        // A report written moves the next reminder two hours past it.
        let report_at = now + Duration::minutes(150);
        let by_later = Acting { actor: &admin, meta: &meta, now: report_at };
        service::add_entry(&app.db, &by_later, &w, id, "status", "已隔离受影响服务器", "").await.expect("report");
        assert_eq!(
            service::remind_status_reports(&app.db, report_at + Duration::minutes(119), "x").await.expect("run"),
            0
        );
        assert_eq!(
            service::remind_status_reports(&app.db, report_at + Duration::minutes(121), "x").await.expect("run"),
            1
        );
        assert_eq!(reminders(&app).await.len(), 2, "{backend:?}");
        assert_eq!(mails("事件进展待报").await + mails("Status report due").await, sent * 2, "{backend:?}");
        // Contained: no report is due any more.
        let contained_at = report_at + Duration::minutes(130);
        let by_then = Acting { actor: &admin, meta: &meta, now: contained_at };
        let at = app::backend::time_fmt::input_in_zone(contained_at - Duration::minutes(1), ZONE);
        service::transition(&app.db, &by_then, &w, id, "contain", &at, "", "").await.expect("contained");
        assert_eq!(
            service::remind_status_reports(&app.db, contained_at + Duration::hours(10), "x").await.expect("run"),
            0,
            "{backend:?}"
        );
    }
}

/// Each agency hears its weekly digest once a week, from Monday 08:00 on the portal's clock: what
/// is overdue (here the demo agency's drills never held), in the recipient's language, to its
/// administrators and security officers; a second run the same week sends nothing.
#[tokio::test]
async fn each_agency_hears_its_weekly_digest_once_a_week() {
    use app::backend::entity::outbox;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    for backend in backends() {
        let app = common::spawn(backend).await;
        let digests = || {
            let db = app.db.clone();
            async move {
                outbox::Entity::find()
                    .filter(
                        sea_orm::Condition::any()
                            .add(outbox::Column::Subject.contains("应急工作周报"))
                            .add(outbox::Column::Subject.contains("Emergency response this week")),
                    )
                    .all(&db)
                    .await
                    .expect("outbox")
            }
        };
        let run = |at: time::OffsetDateTime| {
            let db = app.db.clone();
            async move {
                let mut handled = 0;
                loop {
                    let n = service::send_digests(&db, at, ZONE, "https://portal.example").await.expect("digests");
                    handled += n;
                    if (n as u64) < service::DIGEST_BATCH {
                        return handled;
                    }
                }
            }
        };
        // Wednesday 2026-11-25 10:00 in Shanghai: this week's digest (Monday the 23rd) is due.
        let now = app.now();
        assert!(run(now).await > 0, "{backend:?}");
        let first = digests().await;
        let to_agency: Vec<_> = first.iter().filter(|m| m.to_addr == "admin@agency.example").collect();
        assert_eq!(to_agency.len(), 1, "{backend:?}: one digest to the agency's administrator");
        assert!(
            to_agency[0].body.contains("逾期未演练") || to_agency[0].body.contains("Drills overdue"),
            "{}",
            to_agency[0].body
        );
        assert!(
            first.iter().all(|m| !m.to_addr.contains("csp.example")),
            "{backend:?}: providers get no agency's digest"
        );
        // Once a week: the same day again, and the next Monday before eight, send nothing.
        assert_eq!(run(now + Duration::hours(5)).await, 0, "{backend:?}");
        let monday_early = time::macros::datetime!(2026-11-29 23:59 UTC); // Monday 07:59 in Shanghai
        assert_eq!(run(monday_early).await, 0, "{backend:?}");
        assert_eq!(digests().await.len(), first.len(), "{backend:?}");
        // From Monday 08:00 the next week's goes out.
        let monday = time::macros::datetime!(2026-11-30 00:00 UTC);
        assert!(run(monday).await > 0, "{backend:?}");
        assert_eq!(digests().await.len(), first.len() * 2, "{backend:?}: the same agencies, nothing new closed");
    }
}
