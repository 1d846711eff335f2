//! The `portal` command line: audit-verify's exit code, create-admin, seed-demo's refusal, config errors.
use crate::common;

use std::process::Command;

use common::{backends, drop_guards, exec, fresh_db};
use sea_orm::{ConnectionTrait, Statement};

/// A data directory of the test's own (the audit key and anchor live there).
fn data_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("portal-cli-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("data dir");
    dir
}

fn portal(url: &str, args: &[&str]) -> std::process::Output {
    let dir = std::env::temp_dir()
        .join(format!("portal-cli-{:x}", url.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64))));
    portal_in(url, &dir, args)
}

fn portal_in(url: &str, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_portal"))
        .args(args)
        .env("PORTAL_DATABASE_URL", url)
        .env("PORTAL_DATA_DIR", dir)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run portal")
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).to_string()
}

#[tokio::test]
async fn audit_verify_names_the_edited_inserted_deleted_and_cut_off_rows() {
    for b in backends() {
        // Intact, then one row edited.
        let (db, url) = fresh_db(b).await;
        let dir = data_dir();
        let out = portal_in(&url, &dir, &["seed-demo"]);
        assert!(out.status.success(), "{b:?}: {}", text(&out.stderr));
        assert!(dir.join("audit.key").exists(), "the embedded default made a key");
        assert!(text(&out.stdout).contains("audit key"), "and said so: {}", text(&out.stdout));
        let ok = portal_in(&url, &dir, &["audit-verify"]);
        assert!(ok.status.success(), "{}", text(&ok.stderr));
        assert!(text(&ok.stdout).contains("intact"));
        assert!(text(&ok.stdout).contains("anchored head: row"), "{}", text(&ok.stdout));
        drop_guards(&db).await;
        exec(&db, "UPDATE audit_log SET target = 'someone else' WHERE seq = 2").await;
        let broken = portal_in(&url, &dir, &["audit-verify"]);
        assert_eq!(broken.status.code(), Some(1), "{b:?}");
        assert!(text(&broken.stderr).contains("row 2 was altered"), "{}", text(&broken.stderr));
        // With another key the whole chain is foreign: its first row is named.
        let other_key = portal_in(&url, &data_dir(), &["audit-verify"]);
        assert_eq!(other_key.status.code(), Some(1));
        assert!(text(&other_key.stderr).contains("row 1 was altered"), "{}", text(&other_key.stderr));

        // Deleted in the middle; inserted after the head; cut off at the tail with the head set back.
        for (case, want) in [
            ("delete", "row 3 is missing"),
            ("insert", "was inserted outside the audit writer"),
            ("truncate", "were deleted"),
        ] {
            let (db, url) = fresh_db(b).await;
            let dir = data_dir();
            assert!(portal_in(&url, &dir, &["seed-demo"]).status.success());
            drop_guards(&db).await;
            let last = db
                .query_one_raw(Statement::from_string(
                    db.get_database_backend(),
                    "SELECT last_seq FROM audit_head WHERE id = 1".to_string(),
                ))
                .await
                .unwrap()
                .unwrap()
                .try_get::<i64>("", "last_seq")
                .unwrap();
            match case {
                "delete" => exec(&db, "DELETE FROM audit_log WHERE seq = 3").await,
                "insert" => {
                    exec(
                        &db,
                        &format!(
                            "INSERT INTO audit_log (seq, at, actor_email, action, target, summary, prev_hash, hash) \
                             SELECT {}, at, actor_email, action, target, 'forged', hash, hash FROM audit_log WHERE seq = {last}",
                            last + 1
                        ),
                    )
                    .await
                }
                _ => {
                    exec(&db, &format!("DELETE FROM audit_log WHERE seq > {}", last - 2)).await;
                    exec(
                        &db,
                        &format!(
                            "UPDATE audit_head SET last_seq = {0}, last_hash = (SELECT hash FROM audit_log WHERE seq = {0}) WHERE id = 1",
                            last - 2
                        ),
                    )
                    .await
                }
            }
            let broken = portal_in(&url, &dir, &["audit-verify"]);
            assert_eq!(broken.status.code(), Some(1), "{b:?} {case}");
            assert!(text(&broken.stderr).contains(want), "{case}: {}", text(&broken.stderr));
        }
    }
}

#[tokio::test]
async fn seed_demo_is_idempotent_and_refuses_real_data() {
    for b in backends() {
        let (_db, url) = fresh_db(b).await;
        assert!(portal(&url, &["seed-demo"]).status.success());
        let again = portal(&url, &["seed-demo"]);
        assert!(again.status.success());
        assert!(text(&again.stdout).contains("already loaded"), "{b:?}");

        let (_db, url) = fresh_db(b).await;
        let admin = portal(&url, &["create-admin", "--email", "Root@Portal.Example"]);
        assert!(admin.status.success(), "{}", text(&admin.stderr));
        let stdout = text(&admin.stdout);
        let password = stdout.rsplit(": ").next().expect("password").trim().to_string();
        assert_eq!(password.len(), 23, "{stdout}");
        let refused = portal(&url, &["seed-demo"]);
        assert!(!refused.status.success(), "{b:?}: seed-demo must refuse a database with real data");
        assert!(text(&refused.stderr).contains("not demo data"), "{}", text(&refused.stderr));
        let dup = portal(&url, &["create-admin", "--email", "root@portal.example"]);
        assert!(!dup.status.success());
        assert!(text(&dup.stderr).contains("already has an account"));
        let bad = portal(&url, &["create-admin", "--email", "not an email"]);
        assert!(!bad.status.success());
        assert!(text(&bad.stderr).contains("not a valid email"));
    }
}

#[test]
fn a_bad_setting_stops_start_up_naming_the_variable() {
    let out = Command::new(env!("CARGO_BIN_EXE_portal"))
        .arg("migrate")
        .env("PORTAL_BIND", "not-an-address")
        .output()
        .expect("run portal");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("PORTAL_BIND"), "{}", text(&out.stderr));
    let help = Command::new(env!("CARGO_BIN_EXE_portal")).arg("--help").output().expect("help");
    let h = text(&help.stdout);
    for word in ["serve", "migrate", "seed-demo", "create-admin", "audit-verify", "PORTAL_DATABASE_URL"] {
        assert!(h.contains(word), "--help mentions {word}");
    }
}
