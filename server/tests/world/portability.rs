//! An agency's archive: exported from the demo on one database, imported into an empty database
//! of the other kind, exported again with the same content; then every refusal — the same archive
//! again (collisions), a changed byte, a cut-off file, a newer schema, a stray ZIP — names what is
//! wrong and changes nothing. Every table of the schema is either carried or left out with a
//! reason.
use std::{
    io::{Read, Write},
    path::{Path, PathBuf},
};

use crate::common::{self, Backend};
use app::{
    backend::storage::FileStore,
    portability::{
        archive::{self, Manifest},
        scope::{Exporter, Importer},
        service::{self, PortError},
        tables,
    },
    tenancy::entity::{organisation, person},
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

fn tmp_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("portal-archive-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

async fn import(
    db: &DatabaseConnection,
    files: &FileStore,
    path: &Path,
    now: time::OffsetDateTime,
) -> Result<service::Imported, PortError> {
    service::import_agency(db, files, &Importer::operator(), path, now).await
}

/// Every entry but the manifest, by path: what two exports are compared on.
fn content(m: &Manifest) -> Vec<(String, String)> {
    let mut v: Vec<_> = m.entries.iter().map(|e| (e.path.clone(), e.sha256.clone())).collect();
    v.sort();
    v
}

async fn rows(db: &DatabaseConnection) -> Vec<u64> {
    vec![
        organisation::Entity::find().count(db).await.expect("count"),
        person::Entity::find().count(db).await.expect("count"),
        app::reports::entity::obligation::Entity::find().count(db).await.expect("count"),
        app::audit::entity::audit_archive::Entity::find().count(db).await.expect("count"),
    ]
}

/// A copy of the archive at `from` with `edit` applied to its manifest (checksums left alone).
fn with_manifest(from: &Path, to: &Path, edit: impl Fn(&mut serde_json::Value)) {
    let mut src = zip::ZipArchive::new(std::fs::File::open(from).expect("open")).expect("zip");
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).expect("create"));
    for i in 0..src.len() {
        let mut f = src.by_index(i).expect("entry");
        let name = f.name().expect("name").to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).expect("read");
        if name == archive::MANIFEST {
            let mut m: serde_json::Value = serde_json::from_slice(&bytes).expect("manifest");
            edit(&mut m);
            bytes = serde_json::to_vec(&m).expect("json");
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).expect("start");
        out.write_all(&bytes).expect("write");
    }
    out.finish().expect("finish");
}

#[tokio::test]
async fn an_agency_round_trips_between_databases_and_bad_archives_change_nothing() {
    let backends = common::backends();
    // Export from one kind, import into the other (SQLite into SQLite when there is only one).
    let pairs: Vec<(Backend, Backend)> = if backends.len() > 1 {
        vec![(Backend::Sqlite, Backend::Postgres), (Backend::Postgres, Backend::Sqlite)]
    } else {
        vec![(Backend::Sqlite, Backend::Sqlite)]
    };
    for (from, into) in pairs {
        let dir = tmp_dir();
        let now = time::OffsetDateTime::now_utc();
        let (src, _) = common::fresh_db(from).await;
        let src_files = FileStore::new(dir.join("src-files"));
        server::tasks::demo::seed(&src, &src_files, now, "http://localhost").await.expect("demo");
        let agency = organisation::Entity::find()
            .filter(organisation::Column::Name.eq("示范市政务服务数据管理局"))
            .one(&src)
            .await
            .expect("query")
            .expect("the demo's agency");
        let schema = service::schema_of(&src).await.expect("schema");
        let first = dir.join("first.zip");
        let exported = service::export_agency(&src, &src_files, &schema, &Exporter::operator(agency.id), now, &first)
            .await
            .expect("export");
        let m = &exported.manifest;
        let count = |t: &str| m.tables.iter().find(|(n, _)| n == t).map(|(_, c)| *c).unwrap_or(0);
        for t in [
            "person",
            "website",
            "engagement",
            "report_obligation",
            "report_version",
            "roster",
            "er_plan",
            "er_incident",
            "ch_notice",
            "ch_agency",
            "sla_version",
            "sla_record",
        ] {
            assert!(count(t) > 0, "{from:?}: the demo agency's archive carries {t}: {:?}", m.tables);
        }
        assert!(m.entries.iter().any(|e| e.path.starts_with("files/")), "stored files travel with their records");
        assert!(m.missing_files.is_empty(), "{:?}", m.missing_files);
        // No password leaves, and no other agency's answer to a shared notice.
        let mut checked = archive::open(&first).expect("open");
        let people: Vec<serde_json::Value> =
            serde_json::from_slice(&checked.read("data/person.json").unwrap()).unwrap();
        assert!(people.iter().all(|p| p["password_hash"] == ""), "passwords stay behind");
        let steps: Vec<serde_json::Value> =
            serde_json::from_slice(&checked.read("data/ch_step.json").unwrap()).unwrap();
        let notices: Vec<serde_json::Value> =
            serde_json::from_slice(&checked.read("data/ch_notice.json").unwrap()).unwrap();
        let csps: Vec<&serde_json::Value> = notices.iter().map(|n| &n["csp_id"]).collect();
        assert!(
            steps
                .iter()
                .all(|s| s["organisation_id"] == agency.id.to_string() || csps.contains(&&s["organisation_id"])),
            "only the CSP's and this agency's steps"
        );
        drop(checked);

        // Into an empty database of the other kind, then out again: the same content.
        let (dst, _) = common::fresh_db(into).await;
        let dst_files = FileStore::new(dir.join("dst-files"));
        let imported = import(&dst, &dst_files, &first, now).await.expect("import");
        assert_eq!(imported.agency_id, agency.id);
        assert!(imported.files_stored > 0);
        assert!(!imported.passwords.is_empty(), "the agency's administrators get one-time passwords");
        assert!(!imported.new_organisations.is_empty(), "its providers and regulator arrive as name cards");
        let (email, password) = &imported.passwords[0];
        let admin =
            person::Entity::find().filter(person::Column::Email.eq(email.as_str())).one(&dst).await.unwrap().unwrap();
        assert!(app::auth::service::verify_password(password, &admin.password_hash));
        assert!(admin.must_change_password);
        let second = dir.join("second.zip");
        let again = service::export_agency(&dst, &dst_files, &schema, &Exporter::operator(agency.id), now, &second)
            .await
            .expect("export again");
        assert_eq!(
            content(&again.manifest),
            content(m),
            "{from:?} → {into:?}: the round trip keeps every record and file"
        );
        assert_eq!(again.manifest.tables, m.tables);

        // The same archive again: every colliding record refused, nothing written.
        let before = rows(&dst).await;
        let err = import(&dst, &dst_files, &first, now).await.expect_err("collides");
        assert!(matches!(err, PortError::Collision { .. }), "{err}");
        assert!(err.to_string().contains("organisation"), "{err}");
        assert_eq!(rows(&dst).await, before, "nothing changed");

        // Damaged, cut off, newer, foreign: refused before the database is touched.
        let (empty, _) = common::fresh_db(into).await;
        let empty_files = FileStore::new(dir.join("empty-files"));
        let bytes = std::fs::read(&first).unwrap();
        let cut = dir.join("cut.zip");
        std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
        let err = import(&empty, &empty_files, &cut, now).await.expect_err("truncated");
        assert!(err.to_string().contains("damaged or truncated"), "{err}");
        let changed = dir.join("changed.zip");
        with_manifest(&first, &changed, |m| {
            m["entries"][0]["sha256"] = serde_json::Value::from("0".repeat(64));
        });
        let err = import(&empty, &empty_files, &changed, now).await.expect_err("checksum");
        assert!(err.to_string().contains("SHA-256"), "{err}");
        let newer = dir.join("newer.zip");
        with_manifest(&first, &newer, |m| m["schema"] = "m20991231_000999_future".into());
        let err = import(&empty, &empty_files, &newer, now).await.expect_err("newer");
        assert!(matches!(err, PortError::NewerSchema { .. }), "{err}");
        let older = dir.join("older.zip");
        with_manifest(&first, &older, |m| m["schema"] = "m20261125_000001_people_sessions_audit".into());
        let err = import(&empty, &empty_files, &older, now).await.expect_err("older");
        assert!(matches!(err, PortError::OlderSchema { .. }), "{err}");
        let miscounted = dir.join("miscounted.zip");
        with_manifest(&first, &miscounted, |m| m["tables"][1][1] = 999.into());
        let err = import(&empty, &empty_files, &miscounted, now).await.expect_err("counts");
        assert!(err.to_string().contains("where the manifest counts 999"), "{err}");
        let foreign = dir.join("foreign.zip");
        with_manifest(&first, &foreign, |m| m["format"] = "something-else".into());
        let err = import(&empty, &empty_files, &foreign, now).await.expect_err("foreign");
        assert!(err.to_string().contains("not an agency archive"), "{err}");
        let err = service::export_agency(
            &src,
            &src_files,
            &schema,
            &Exporter::operator(uuid::Uuid::new_v4()),
            now,
            &dir.join("x.zip"),
        )
        .await
        .expect_err("no such agency");
        assert!(matches!(err, PortError::NotAnAgency(_)), "{err}");
        assert_eq!(rows(&empty).await, vec![0, 0, 0, 0], "nothing was written by a refused archive");
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[tokio::test]
async fn every_table_is_carried_or_left_out_with_a_reason() {
    for backend in common::backends() {
        let (db, _) = common::fresh_db(backend).await;
        let carried: Vec<&str> = tables::tables().iter().map(|t| t.rows.table()).collect();
        for t in service::schema_tables(&db).await.expect("tables") {
            let left_out = tables::LEFT_OUT.iter().any(|(n, _)| *n == t);
            assert!(
                carried.contains(&t.as_str()) != left_out,
                "{t}: each table is either carried by an agency's archive or left out with a reason, not both"
            );
        }
    }
}
