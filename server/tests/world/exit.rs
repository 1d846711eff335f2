//! Exits through the real router on both databases: an agency opens an exit (bad input refused
//! by field, nothing stored), both sides agree the plan, the CSP fills the inventory with a file
//! held in the portal and media handed over outside it; the agency verifies one and finds the
//! other mismatched; the CSP uploads the right file and both verify; deletion cannot be confirmed
//! before, then is; the named assessor signs off; completion ends the engagement, and the CSP
//! loses the exit and the agency's websites at once. Who sees and who writes is checked along
//! the way; the stored bytes are recomputed at verification, so damaged bytes never verify.
use crate::common;

use app::{
    exit::{entity::exit, rules, Verification},
    tenancy::entity::engagement,
};
use common::backends;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::reach::engagement_between;

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Posts an inventory form (multipart) as the page does, asking for JSON: status and body.
async fn inventory(
    app: &common::TestApp,
    client: &reqwest::Client,
    path: &str,
    form: reqwest::multipart::Form,
) -> (u16, Value) {
    common::json(
        client
            .post(app.url(path))
            .header("origin", &app.base)
            .header("accept", "application/json")
            .multipart(form)
            .send()
            .await
            .expect("post"),
    )
    .await
}

fn fields(pairs: &[(&str, &str)]) -> reqwest::multipart::Form {
    pairs.iter().fold(reqwest::multipart::Form::new(), |f, (k, v)| f.text(k.to_string(), v.to_string()))
}

async fn act(
    app: &common::TestApp,
    client: &reqwest::Client,
    id: &str,
    action: &str,
    input: &[(&str, &str)],
) -> (u16, Value) {
    let mut form: Vec<(String, String)> = vec![("id".into(), id.into()), ("action".into(), action.into())];
    form.extend(input.iter().map(|(k, v)| (format!("input[{k}]"), v.to_string())));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(client, "exit_act", &pairs).await
}

async fn detail(app: &common::TestApp, client: &reqwest::Client, id: &str) -> (u16, Value) {
    app.get_json(client, &format!("/api/exit?id={id}")).await
}

/// The (first) refused field of a server function's or a form's JSON answer, wherever the error's
/// shape puts it.
fn field(v: &Value) -> String {
    fn find(v: &Value) -> Option<String> {
        match v {
            Value::Object(m) => {
                m.get("field").and_then(Value::as_str).map(str::to_string).or_else(|| m.values().find_map(find))
            }
            Value::Array(a) => a.iter().find_map(find),
            _ => None,
        }
    }
    find(v).unwrap_or_else(|| format!("{v}"))
}

#[tokio::test]
async fn an_exit_goes_from_plan_to_verified_handover_deletion_sign_off_and_ends_the_engagement() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let today = app.now().date();
        let e = engagement_between(&app, "agency", "csp", "active").await;
        let agency = app.signed_in("admin@agency.example").await;
        let csp = app.signed_in("admin@csp.example").await;
        let assessor = app.signed_in("admin@assessor.example").await;
        let regulator = app.signed_in("admin@east-regulator.example").await;
        let neighbour = app.signed_in("admin@neighbour-regulator.example").await;
        let csp2 = app.signed_in("admin@csp2.example").await;
        let staff = app.signed_in("staff@agency.example").await;
        let target = (today + time::Duration::days(60)).to_string();
        let eid = e.id.to_string();

        // Bad input: each refusal names its field, and nothing is stored.
        let open = |engagement: String, target: String| {
            vec![
                ("input[engagement_id]".to_string(), engagement),
                ("input[reason]".to_string(), "provider_change".to_string()),
                ("input[target_date]".to_string(), target),
                ("input[new_provider]".to_string(), "新云服务有限公司".to_string()),
            ]
        };
        let call_open = |client: reqwest::Client, form: Vec<(String, String)>| {
            let app = &app;
            async move {
                let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                app.call(&client, "open_exit", &pairs).await
            }
        };
        let past = (today - time::Duration::days(1)).to_string();
        let (status, v) = call_open(agency.clone(), open(eid.clone(), past)).await;
        assert_eq!((status, field(&v).as_str()), (422, "target_date"), "{v}");
        let ended = engagement_between(&app, "transport", "csp2", "ended").await;
        let transport = app.signed_in("admin@transport.example").await;
        let (status, v) = call_open(transport.clone(), open(ended.id.to_string(), target.clone())).await;
        assert_eq!((status, field(&v).as_str()), (422, "engagement_id"), "an ended engagement has no exit: {v}");
        let (status, v) = call_open(agency.clone(), open(ended.id.to_string(), target.clone())).await;
        assert_eq!((status, field(&v).as_str()), (422, "engagement_id"), "another agency's engagement: {v}");
        let (status, _) = call_open(csp.clone(), open(eid.clone(), target.clone())).await;
        assert_eq!(status, 403, "a provider does not open exits");
        let (status, _) = call_open(staff.clone(), open(eid.clone(), target.clone())).await;
        assert_eq!(status, 403, "staff read exits and do not open them");
        assert_eq!(exit::Entity::find().count(&app.db).await.expect("count"), 0);

        // The agency opens it; a second exit on the same engagement is refused.
        let (status, v) = call_open(agency.clone(), open(eid.clone(), target.clone())).await;
        assert_eq!(status, 200, "{v}");
        let id = v.as_str().expect("id").to_string();
        let (status, v) = call_open(agency.clone(), open(eid.clone(), target.clone())).await;
        assert_eq!((status, field(&v).as_str()), (409, "engagement_id"), "{v}");

        // Who sees it: both parties and the agency's regulators; not another CSP nor another tree.
        for (who, client, expected) in [
            ("csp", &csp, 200),
            ("regulator", &regulator, 200),
            ("neighbour", &neighbour, 404),
            ("csp2", &csp2, 404),
            ("assessor", &assessor, 404),
        ] {
            let (status, _) = detail(&app, client, &id).await;
            assert_eq!(status, expected, "{who} reading the exit");
        }
        let (status, v) =
            act(&app, &regulator, &id, "add_step", &[("text", "x"), ("owner", "agency"), ("day", &target)]).await;
        assert_eq!(status, 403, "a regulator reads and never writes: {v}");

        // The plan: a step each, agreed by both; a change after one side agreed asks both again.
        let due = (today + time::Duration::days(30)).to_string();
        let (status, v) = act(&app, &agency, &id, "agree_plan", &[]).await;
        assert_eq!((status, field(&v).as_str()), (409, "action"), "no steps yet: {v}");
        let (status, v) =
            act(&app, &agency, &id, "add_step", &[("text", "数据导出"), ("owner", "provider"), ("day", &due)]).await;
        assert_eq!(status, 200, "{v}");
        let late = (today + time::Duration::days(90)).to_string();
        let (status, v) =
            act(&app, &csp, &id, "add_step", &[("text", "迁移"), ("owner", "agency"), ("day", &late)]).await;
        assert_eq!((status, field(&v).as_str()), (422, "day"), "after the target date: {v}");
        let (status, v) = act(&app, &agency, &id, "agree_plan", &[]).await;
        assert_eq!(status, 200, "{v}");
        let (status, v) =
            act(&app, &csp, &id, "add_step", &[("text", "新平台验收"), ("owner", "agency"), ("day", &due)]).await;
        assert_eq!(status, 200, "{v}");
        let (_, d) = detail(&app, &agency, &id).await;
        assert!(d["plan_agreed_agency"].is_null(), "a changed plan is agreed afresh: {d}");
        for client in [&agency, &csp] {
            let (status, v) = act(&app, client, &id, "agree_plan", &[]).await;
            assert_eq!(status, 200, "{v}");
        }
        let (_, d) = detail(&app, &agency, &id).await;
        assert_eq!(d["status"], "handover", "{d}");

        // The inventory: a file held in the portal (declared with the wrong checksum by mistake)
        // and a database copy handed over on a disk.
        let dump = b"-- the agency's database, exported\nINSERT INTO t VALUES (1);\n".to_vec();
        let wrong = "0".repeat(64);
        let items = format!("/exits/{id}/items");
        let (status, v) = inventory(
            &app,
            &csp,
            &items,
            fields(&[
                ("kind", "data"),
                ("name", "盘"),
                ("sensitivity", "important"),
                ("size_bytes", "10"),
                ("medium", "硬盘"),
            ]),
        )
        .await;
        assert_eq!((status, field(&v).as_str()), (422, "sha256"), "an item without a checksum: {v}");
        let (status, v) = inventory(
            &app,
            &agency,
            &items,
            fields(&[
                ("kind", "data"),
                ("name", "x"),
                ("sensitivity", "general"),
                ("medium", "u"),
                ("sha256", &wrong),
                ("size_bytes", "1"),
            ]),
        )
        .await;
        assert_eq!(status, 409, "the agency does not fill the inventory: {v}");
        let with_file =
            fields(&[("kind", "data"), ("name", "业务数据库导出"), ("sensitivity", "important"), ("sha256", &wrong)])
                .part("files", reqwest::multipart::Part::bytes(dump.clone()).file_name("export.sql"));
        let (status, v) = inventory(&app, &csp, &items, with_file).await;
        assert_eq!(status, 200, "{v}");
        let disk_sha = sha(b"the disk image");
        let (status, v) = inventory(
            &app,
            &csp,
            &items,
            fields(&[
                ("kind", "code"),
                ("name", "源代码"),
                ("sensitivity", "general"),
                ("sha256", &disk_sha),
                ("size_bytes", "1048576"),
                ("medium", "移动硬盘，2026-12-10 交接给信息科"),
            ]),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        let (_, d) = detail(&app, &csp, &id).await;
        let list = d["items"].as_array().expect("items").clone();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0]["file_differs"], true, "the CSP sees its mistake before the agency: {d}");
        let (file_item, disk_item) =
            (list[0]["id"].as_str().expect("id").to_string(), list[1]["id"].as_str().expect("id").to_string());

        // Deletion cannot be confirmed before every item is verified.
        let (status, v) =
            act(&app, &csp, &id, "deletion_plan", &[("text", "交接完成后 7 日内删除生产数据及全部备份")]).await;
        assert_eq!(status, 200, "{v}");
        let (status, v) = act(
            &app,
            &csp,
            &id,
            "confirm_deletion",
            &[("day", &today.to_string()), ("backups_day", &today.to_string())],
        )
        .await;
        assert_eq!((status, field(&v).as_str()), (409, "action"), "{v}");

        // The agency verifies: the disk's checksum it computed matches; the stored file's does not.
        let verify = |item: &str| format!("/exits/{id}/items/{item}/verify");
        let (status, v) = inventory(&app, &csp, &verify(&disk_item), fields(&[("sha256", &disk_sha)])).await;
        assert_eq!(status, 409, "only the agency verifies: {v}");
        let (status, v) = inventory(&app, &agency, &verify(&disk_item), fields(&[("sha256", "not a checksum")])).await;
        assert_eq!((status, field(&v).as_str()), (422, "sha256"), "{v}");
        let (status, v) =
            inventory(&app, &agency, &verify(&disk_item), fields(&[("sha256", &disk_sha.to_uppercase())])).await;
        assert_eq!(status, 200, "{v}");
        let (status, v) = inventory(&app, &agency, &verify(&file_item), fields(&[("check", "stored")])).await;
        assert_eq!(status, 200, "{v}");
        let (_, d) = detail(&app, &agency, &id).await;
        assert_eq!(d["items"][0]["verification"], "mismatch", "{d}");
        assert_eq!(d["items"][0]["checked_how"], "stored", "{d}");
        assert_eq!(d["items"][1]["verification"], "verified", "{d}");
        assert!(d["blockers"].to_string().contains("ExErrMismatched"), "a mismatch blocks completion: {d}");
        let (status, _) =
            inventory(&app, &csp, &format!("/exits/{id}/items/{disk_item}"), fields(&[("sha256", &wrong)])).await;
        assert_eq!(status, 409, "a verified item is kept as it is");

        // The CSP uploads the right file (declared by its own hash); the agency verifies it.
        let right = fields(&[("note", "the right file")])
            .part("files", reqwest::multipart::Part::bytes(dump.clone()).file_name("export-fixed.sql"));
        let (status, v) = inventory(&app, &csp, &format!("/exits/{id}/items/{file_item}"), right).await;
        assert_eq!(status, 200, "{v}");
        let (status, v) = inventory(&app, &agency, &verify(&file_item), fields(&[("check", "stored")])).await;
        assert_eq!(status, 200, "{v}");
        let (_, d) = detail(&app, &agency, &id).await;
        assert_eq!(d["items"][0]["verification"], "verified", "{d}");
        assert_eq!(d["items"][0]["sha256"], sha(&dump), "{d}");
        assert_eq!(d["status"], "deletion", "{d}");

        // The file downloads for both parties, not for another CSP.
        let file = format!("/exits/files/{file_item}");
        let res = csp.get(app.url(&file)).send().await.expect("get");
        assert_eq!(res.status(), 200);
        assert_eq!(res.bytes().await.expect("bytes").to_vec(), dump);
        assert_eq!(csp2.get(app.url(&file)).send().await.expect("get").status(), 404);

        // The agency names its assessor; a provider it has no assessor engagement with is refused.
        let csp2_id =
            common::id_where(&app.db, "organisation", "name", common::world::name_of("csp2")).await.to_string();
        let (status, v) = act(&app, &agency, &id, "set_assessor", &[("target", &csp2_id)]).await;
        assert_eq!((status, field(&v).as_str()), (422, "target"), "{v}");
        let assessor_id =
            common::id_where(&app.db, "organisation", "name", common::world::name_of("assessor")).await.to_string();
        let (status, v) = act(&app, &agency, &id, "set_assessor", &[("target", &assessor_id)]).await;
        assert_eq!(status, 200, "{v}");
        let (status, _) = detail(&app, &assessor, &id).await;
        assert_eq!(status, 200, "the named assessor now reads the exit");
        let (status, v) = act(&app, &assessor, &id, "sign_off", &[]).await;
        assert_eq!((status, field(&v).as_str()), (409, "action"), "nothing deleted yet: {v}");

        // The deletion: dates neither in the future nor before the exit.
        let tomorrow = (today + time::Duration::days(1)).to_string();
        let (status, v) =
            act(&app, &csp, &id, "confirm_deletion", &[("day", &tomorrow), ("backups_day", &today.to_string())]).await;
        assert_eq!((status, field(&v).as_str()), (422, "day"), "{v}");
        let (status, v) = act(
            &app,
            &csp,
            &id,
            "confirm_deletion",
            &[("day", &today.to_string()), ("backups_day", &today.to_string())],
        )
        .await;
        assert_eq!(status, 200, "{v}");
        let (status, _) = inventory(
            &app,
            &csp,
            &items,
            fields(&[
                ("kind", "data"),
                ("name", "x"),
                ("sensitivity", "general"),
                ("medium", "u"),
                ("sha256", &wrong),
                ("size_bytes", "1"),
            ]),
        )
        .await;
        assert_eq!(status, 409, "nothing is added once deleted");
        let (status, v) = act(&app, &agency, &id, "complete", &[]).await;
        assert_eq!((status, field(&v).as_str()), (409, "action"), "the sign-off is owed: {v}");
        let (status, v) = act(&app, &assessor, &id, "sign_off", &[("text", "抽查删除记录，符合要求")]).await;
        assert_eq!(status, 200, "{v}");
        let (status, v) = act(&app, &agency, &id, "complete", &[]).await;
        assert_eq!((status, field(&v).as_str()), (409, "action"), "the plan's steps are still open: {v}");
        let (_, d) = detail(&app, &agency, &id).await;
        for s in d["steps"].as_array().expect("steps") {
            let client = if s["owner"] == "agency" { &agency } else { &csp };
            let (status, v) = act(&app, client, &id, "step_done", &[("target", s["id"].as_str().expect("id"))]).await;
            assert_eq!(status, 200, "{v}");
        }

        // Completion ends the engagement, and with it the CSP's reach: the exit, the websites.
        let (status, v) = act(&app, &agency, &id, "complete", &[]).await;
        assert_eq!((status, v.as_str()), (200, Some("completed")), "{v}");
        let ended = engagement::Entity::find_by_id(e.id).one(&app.db).await.expect("query").expect("engagement");
        assert_eq!(ended.status, "ended");
        let (status, _) = detail(&app, &csp, &id).await;
        assert_eq!(status, 404, "the CSP loses the exit with the engagement");
        let (status, _) = detail(&app, &agency, &id).await;
        assert_eq!(status, 200, "the agency keeps its record");
        let website = common::id_where(&app.db, "website", "domain", "zwfw.demo.gov.cn").await;
        let (status, _) = app.get_json(&csp, &format!("/api/website?id={website}")).await;
        assert_eq!(status, 404, "nor does the CSP reach the agency's websites");
        let row = exit::Entity::find()
            .filter(exit::Column::Id.eq(uuid::Uuid::parse_str(&id).expect("uuid")))
            .one(&app.db)
            .await
            .expect("q")
            .expect("exit");
        assert_eq!((row.status.as_str(), row.open_engagement_id), ("completed", None));

        // Both trails hold it; mails went to the CSP's and the agency's officers.
        use app::backend::entity::outbox;
        let exit_mails = outbox::Entity::find()
            .filter(
                sea_orm::Condition::any()
                    .add(outbox::Column::Subject.contains("服务退出"))
                    .add(outbox::Column::Subject.contains("[Exit]")),
            )
            .count(&app.db)
            .await
            .expect("count");
        assert!(exit_mails >= 8, "{exit_mails} mails");
        let audit = app::audit::entity::audit_log::Entity::find()
            .filter(app::audit::entity::audit_log::Column::Action.is_in([
                "exit_open",
                "exit_step",
                "exit_inventory",
                "exit_verify",
            ]))
            .count(&app.db)
            .await
            .expect("count");
        assert!(audit >= 2 * 15, "each act in both trails: {audit}");
    }
}

#[tokio::test]
async fn stored_bytes_damaged_in_the_store_never_verify_and_a_corrupted_upload_changes_nothing() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let today = app.now().date();
        let e = engagement_between(&app, "agency", "developer", "active").await;
        let agency = app.signed_in("admin@agency.example").await;
        let developer = app.signed_in("admin@developer.example").await;
        let target = (today + time::Duration::days(20)).to_string();
        let (status, v) = app
            .call(
                &agency,
                "open_exit",
                &[
                    ("input[engagement_id]", &e.id.to_string()),
                    ("input[reason]", "contract_end"),
                    ("input[target_date]", &target),
                ],
            )
            .await;
        assert_eq!(status, 200, "{v}");
        let id = v.as_str().expect("id").to_string();
        let code = b"fn main() {}\n".to_vec();
        let part = fields(&[("kind", "code"), ("name", "网站源码"), ("sensitivity", "general")])
            .part("files", reqwest::multipart::Part::bytes(code.clone()).file_name("site.tar.gz"));
        let (status, v) = inventory(&app, &developer, &format!("/exits/{id}/items"), part).await;
        assert_eq!(status, 200, "a supply-chain provider hands over its code: {v}");
        // An upload cut off mid-file is refused whole: no item, no bytes kept.
        let cut = "--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ncode\r\n--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"x.bin\"\r\n\r\npartial";
        let res = developer
            .post(app.url(&format!("/exits/{id}/items")))
            .header("origin", &app.base)
            .header("accept", "application/json")
            .header("content-type", "multipart/form-data; boundary=b")
            .body(cut)
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 400);
        let (_, d) = detail(&app, &agency, &id).await;
        assert_eq!(d["items"].as_array().map(Vec::len), Some(1), "{d}");
        assert!(app.state_files_tmp_empty(), "the cut-off upload's partial file is gone");
        // The bytes under the item's name are damaged on the disk.
        let hash = sha(&code);
        let path = app.data_dir.join("files").join(&hash[0..2]).join(&hash[2..4]).join(&hash);
        std::fs::write(&path, b"damaged").expect("damage");
        let (_, d) = detail(&app, &agency, &id).await;
        let item = d["items"][0]["id"].as_str().expect("id").to_string();
        let (status, v) =
            inventory(&app, &agency, &format!("/exits/{id}/items/{item}/verify"), fields(&[("check", "stored")])).await;
        assert_eq!(status, 200, "{v}");
        let (_, d) = detail(&app, &agency, &id).await;
        assert_eq!(d["items"][0]["verification"], Verification::Mismatch.code(), "{d}");
        assert_eq!(d["items"][0]["checked_sha256"], sha(b"damaged"), "{d}");
        assert_eq!(rules::compare(&hash, &sha(b"damaged")), Verification::Mismatch);
    }
}

#[tokio::test]
async fn the_agency_cancels_with_a_reason_and_the_engagement_may_have_another_exit() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let today = app.now().date();
        let e = engagement_between(&app, "agency", "developer", "active").await;
        let agency = app.signed_in("admin@agency.example").await;
        let developer = app.signed_in("admin@developer.example").await;
        let target = (today + time::Duration::days(20)).to_string();
        let form = [
            ("input[engagement_id]", e.id.to_string()),
            ("input[reason]", "security".to_string()),
            ("input[target_date]", target),
        ];
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, v) = app.call(&agency, "open_exit", &pairs).await;
        assert_eq!(status, 200, "{v}");
        let id = v.as_str().expect("id").to_string();
        let (status, v) = act(&app, &developer, &id, "cancel", &[("text", "x")]).await;
        assert_eq!((status, field(&v).as_str()), (409, "action"), "only the agency cancels: {v}");
        let (status, v) = act(&app, &agency, &id, "cancel", &[]).await;
        assert_eq!((status, field(&v).as_str()), (422, "text"), "a cancellation keeps its reason: {v}");
        let (status, v) = act(&app, &agency, &id, "cancel", &[("text", "风险已消除，继续合作")]).await;
        assert_eq!((status, v.as_str()), (200, Some("cancelled")), "{v}");
        let (status, v) =
            act(&app, &agency, &id, "add_step", &[("text", "x"), ("owner", "agency"), ("day", &today.to_string())])
                .await;
        assert_eq!((status, field(&v).as_str()), (409, "action"), "nothing more happens to it: {v}");
        let (status, _) = detail(&app, &developer, &id).await;
        assert_eq!(status, 200, "a cancelled exit leaves the engagement, and the provider's reach, as they were");
        let still = engagement::Entity::find_by_id(e.id).one(&app.db).await.expect("query").expect("engagement");
        assert_eq!(still.status, "active");
        let (status, v) = app.call(&agency, "open_exit", &pairs).await;
        assert_eq!(status, 200, "the engagement may have a new exit: {v}");
    }
}
