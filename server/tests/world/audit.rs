//! The audit trail: the database refuses edits, tamper detection (edit, delete, insert, a cut-off
//! tail against the anchored head), scoped listing and CSV export.
use crate::common;

use app::audit::{service::verify_chain, BreakReason};
use common::{backends, drop_guards, exec, spawn};
use sea_orm::{ConnectionTrait, Statement};

async fn head<C: ConnectionTrait>(db: &C, seq: i64) -> (i64, String) {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT seq, hash FROM audit_log WHERE seq = {seq}"),
        ))
        .await
        .expect("row")
        .expect("row");
    (row.try_get("", "seq").unwrap(), row.try_get("", "hash").unwrap())
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_audit_rows() {
    for b in backends() {
        let app = spawn(b).await;
        for sql in ["UPDATE audit_log SET summary = 'x' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 1"] {
            let res = app.db.execute_raw(Statement::from_string(app.db.get_database_backend(), sql.to_string())).await;
            assert!(res.is_err(), "{b:?}: {sql} was allowed");
            assert!(format!("{res:?}").contains("append-only"), "{res:?}");
        }
        if b == common::Backend::Postgres {
            let res = app
                .db
                .execute_raw(Statement::from_string(app.db.get_database_backend(), "TRUNCATE audit_log".to_string()))
                .await;
            assert!(res.is_err(), "TRUNCATE was allowed");
        }
        assert_eq!(verify_chain(&app.db, None).await.expect("verify").first_break, None);
    }
}

#[tokio::test]
async fn a_cut_off_tail_is_caught_by_the_anchored_head() {
    for b in backends() {
        let app = spawn(b).await;
        let dir = app.data_dir.clone();
        assert!(app::audit::anchor::record(&app.db, &dir).await.expect("anchor"));
        let last = count(&app.db).await;
        let anchored = app::audit::anchor::last(&dir).expect("anchored");
        assert_eq!(anchored.0, last);
        drop_guards(&app.db).await;
        // Cut three rows off and set the head back to match: consistent inside the database.
        exec(&app.db, &format!("DELETE FROM audit_log WHERE seq > {}", last - 3)).await;
        let (seq, hash) = head(&app.db, last - 3).await;
        exec(&app.db, &format!("UPDATE audit_head SET last_seq = {seq}, last_hash = '{hash}' WHERE id = 1")).await;
        assert!(
            !app::audit::anchor::record(&app.db, &dir).await.expect("anchor"),
            "a shorter head is never anchored over the evidence"
        );
        let r =
            verify_chain(&app.db, app::audit::anchor::last(&dir)).await.expect("verify").first_break.expect("break");
        assert_eq!((r.seq, r.reason.clone()), (last - 3, BreakReason::Truncated { head: last }), "{b:?}");
        assert!(r.to_string().contains(&format!("rows after {}", last - 3)), "{r}");
    }
}

async fn count<C: ConnectionTrait>(db: &C) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM audit_log".to_string(),
        ))
        .await
        .expect("count")
        .expect("row");
    row.try_get::<i64>("", "n").expect("n")
}

#[tokio::test]
async fn tampering_is_detected_and_named() {
    for b in backends() {
        let app = spawn(b).await;
        let n = count(&app.db).await;
        assert!(n >= 10, "demo data wrote audit rows");
        assert_eq!(verify_chain(&app.db, None).await.expect("verify").first_break, None, "{b:?}");
        drop_guards(&app.db).await;

        // Edit a row's content.
        exec(&app.db, "UPDATE audit_log SET summary = 'nothing happened' WHERE seq = 4").await;
        let r = verify_chain(&app.db, None).await.expect("verify").first_break.expect("break");
        assert_eq!((r.seq, r.reason.clone()), (4, BreakReason::Altered), "{b:?}");
        assert!(r.to_string().contains("row 4"));
        exec(&app.db, "UPDATE audit_log SET summary = 'x' WHERE seq = 4").await;

        // Delete a row in the middle.
        let app = spawn(b).await;
        drop_guards(&app.db).await;
        exec(&app.db, "DELETE FROM audit_log WHERE seq = 5").await;
        let r = verify_chain(&app.db, None).await.expect("verify").first_break.expect("break");
        assert_eq!((r.seq, r.reason), (6, BreakReason::Missing { expected: 5 }), "{b:?}");

        // Delete the newest row.
        let app = spawn(b).await;
        drop_guards(&app.db).await;
        let last = count(&app.db).await;
        exec(&app.db, &format!("DELETE FROM audit_log WHERE seq = {last}")).await;
        let r = verify_chain(&app.db, None).await.expect("verify").first_break.expect("break");
        assert_eq!(r.reason, BreakReason::Truncated { head: last }, "{b:?}");

        // Insert a row after the head, copying a real row's hash.
        let app = spawn(b).await;
        let last = count(&app.db).await;
        exec(
            &app.db,
            &format!(
                "INSERT INTO audit_log (seq, at, actor_email, action, target, summary, prev_hash, hash) \
                 SELECT {}, at, actor_email, action, target, 'forged', hash, hash FROM audit_log WHERE seq = {last}",
                last + 1
            ),
        )
        .await;
        let r = verify_chain(&app.db, None).await.expect("verify").first_break.expect("break");
        assert_eq!((r.seq, r.reason), (last + 1, BreakReason::Inserted), "{b:?}");

        // Replace a row wholesale with a self-consistent hash: the next row's link breaks.
        let app = spawn(b).await;
        drop_guards(&app.db).await;
        let rows = app
            .db
            .query_all_raw(Statement::from_string(
                app.db.get_database_backend(),
                "SELECT seq FROM audit_log WHERE seq = 3".to_string(),
            ))
            .await
            .expect("rows");
        assert_eq!(rows.len(), 1);
        exec(&app.db, "UPDATE audit_log SET hash = 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' WHERE seq = 3").await;
        let r = verify_chain(&app.db, None).await.expect("verify").first_break.expect("break");
        assert_eq!(r.seq, 3, "{b:?}");
    }
}

#[tokio::test]
async fn audit_rows_are_scoped_to_the_viewers_organisation() {
    for b in backends() {
        let app = spawn(b).await;
        // Produce rows in two organisations.
        app.signed_in("admin@csp.example").await;
        let agency = app.signed_in("admin@agency.example").await;
        let csv = agency.get(app.url("/audit/export.csv")).send().await.expect("csv");
        assert_eq!(csv.status(), 200, "{b:?}");
        assert!(csv.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").starts_with("text/csv"));
        let text = csv.text().await.expect("text");
        assert!(text.contains("admin@agency.example"), "own rows present");
        assert!(!text.contains("admin@csp.example"), "{b:?}: another organisation's rows leak into the export");
        // Filtered by action.
        let only = app.get_text(&agency, "/audit/export.csv?action=sign_in").await;
        let mut reader = csv::Reader::from_reader(only.trim_start_matches('\u{feff}').as_bytes());
        // The reader's words in the columns people read, the stable code in its own for machines.
        let headers = reader.headers().expect("headers").clone();
        assert_eq!(&headers[5], "操作", "{headers:?}");
        let code = headers.iter().position(|h| h == "action_code").expect("a code column");
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
        assert!(!records.is_empty() && records.iter().all(|r| &r[code] == "sign_in"), "{records:?}");
        assert!(records.iter().all(|r| &r[5] == "登录成功"), "{records:?}");
        // A bad date is a refused field, answered as every refused field is (422), not a 500.
        let bad = agency.get(app.url("/audit/export.csv?from=yesterday")).send().await.expect("csv");
        assert_eq!(bad.status(), 422);
        // A query string that is not one at all is a malformed request.
        let malformed = agency.get(app.url("/audit/export.csv?person=not-a-uuid")).send().await.expect("csv");
        assert_eq!(malformed.status(), 400);
        // The platform administrator sees everything.
        let platform = app.signed_in("platform@portal.example").await;
        let all = app.get_text(&platform, "/audit/export.csv").await;
        assert!(all.contains("admin@csp.example") && all.contains("admin@agency.example"));
        // A person without an audit role is refused.
        let duty = app.signed_in("duty@agency.example").await;
        assert_eq!(duty.get(app.url("/audit/export.csv")).send().await.expect("csv").status(), 403);
        // The server function refuses too.
        let res = duty.get(app.url("/api/audit")).header("origin", &app.base).send().await.expect("get");
        assert_eq!(res.status(), 403);
    }
}

#[tokio::test]
async fn the_trail_reads_in_the_readers_words_and_the_platform_sees_a_shared_step_once() {
    use app::tenancy::entity::{engagement, organisation};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    for b in backends() {
        let app = spawn(b).await;
        let org = |key: &'static str| {
            let db = app.db.clone();
            async move {
                organisation::Entity::find()
                    .filter(organisation::Column::Name.eq(common::world::name_of(key)))
                    .one(&db)
                    .await
                    .expect("query")
                    .expect("org")
                    .id
            }
        };
        let e = engagement::Entity::find()
            .filter(engagement::Column::AgencyId.eq(org("agency").await))
            .filter(engagement::Column::ProviderId.eq(org("developer").await))
            .one(&app.db)
            .await
            .expect("query")
            .expect("engagement");
        let agency = app.signed_in("admin@agency.example").await;
        let (status, body) =
            app.call(&agency, "end_engagement", &[("id", &e.id.to_string()), ("reason", "项目验收完成")]).await;
        assert_eq!(status, 200, "{body}");
        // The agency's trail names the engagement by its parties, not by its id, in Chinese.
        let (status, page) = app.get_json(&agency, "/api/audit?filter[action]=engagement_end").await;
        assert_eq!(status, 200, "{page}");
        let row = &page["rows"][0];
        let target = row["target"].as_str().expect("target");
        assert!(target.starts_with("合作："), "{target}");
        assert!(
            target.contains(common::world::name_of("developer")) && !target.contains(&e.id.to_string()),
            "{target}"
        );
        assert_eq!(
            (row["action"].as_str(), row["action_label"].as_str()),
            (Some("engagement_end"), Some("终止合作")),
            "{row}"
        );
        // Both parties' trails hold the step; the platform, which reads both, sees it once.
        let developer = app.signed_in("admin@developer.example").await;
        let (_, theirs) = app.get_json(&developer, "/api/audit?filter[action]=engagement_end").await;
        assert_eq!(theirs["total"], 1, "{theirs}");
        let platform = app.signed_in("platform@portal.example").await;
        let (_, all) = app.get_json(&platform, "/api/audit?filter[action]=engagement_end").await;
        assert_eq!(all["total"], 1, "{b:?}: {all}");
        let csv = app.get_text(&platform, "/audit/export.csv?action=engagement_end").await;
        assert_eq!(csv.trim().lines().count(), 2, "{csv}");
    }
}
