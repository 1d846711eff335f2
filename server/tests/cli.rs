//! The `portal` command line: audit-verify's exit code, create-admin, seed-demo's refusal, config errors.
mod common;

use std::process::Command;

use common::{backends, fresh_db};
use sea_orm::{ConnectionTrait, Statement};

fn portal(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_portal"))
        .args(args)
        .env("PORTAL_DATABASE_URL", url)
        .env("PORTAL_DATA_DIR", std::env::temp_dir())
        .env("RUST_LOG", "warn")
        .output()
        .expect("run portal")
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).to_string()
}

#[tokio::test]
async fn audit_verify_exits_non_zero_and_names_the_altered_row() {
    for b in backends() {
        let (db, url) = fresh_db(b).await;
        let out = portal(&url, &["seed-demo"]);
        assert!(out.status.success(), "{b:?}: {}", text(&out.stderr));
        let ok = portal(&url, &["audit-verify"]);
        assert!(ok.status.success(), "{}", text(&ok.stderr));
        assert!(text(&ok.stdout).contains("intact"));
        db.execute_raw(Statement::from_string(
            db.get_database_backend(),
            "UPDATE audit_log SET target = 'someone else' WHERE seq = 2".to_string(),
        ))
        .await
        .expect("tamper");
        let broken = portal(&url, &["audit-verify"]);
        assert_eq!(broken.status.code(), Some(1), "{b:?}");
        assert!(
            text(&broken.stderr).contains("row 2 was altered"),
            "{}",
            text(&broken.stderr)
        );
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
        assert!(
            !refused.status.success(),
            "{b:?}: seed-demo must refuse a database with real data"
        );
        assert!(
            text(&refused.stderr).contains("not demo data"),
            "{}",
            text(&refused.stderr)
        );
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
    let help = Command::new(env!("CARGO_BIN_EXE_portal"))
        .arg("--help")
        .output()
        .expect("help");
    let h = text(&help.stdout);
    for word in [
        "serve",
        "migrate",
        "seed-demo",
        "create-admin",
        "audit-verify",
        "PORTAL_DATABASE_URL",
    ] {
        assert!(h.contains(word), "--help mentions {word}");
    }
}
