//! Exporting an agency into an archive and importing one. Export reads one consistent snapshot of
//! every table the agency owns ([`super::tables`]), the organisations and people its records
//! point at (as name cards, never their accounts), its audit segment and its stored files.
//! Import checks the whole archive first, then writes everything in one transaction or nothing.
use std::{
    collections::{BTreeMap, BTreeSet, HashSet},
    path::Path,
};

use sea_orm::{
    sea_query::{Expr, SimpleExpr},
    AccessMode, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    IsolationLevel, QueryFilter, Statement, TransactionTrait, Value,
};
use serde_json::{json, Value as J};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    scope::{Exporter, Importer},
    archive::{self, ArchiveError, Manifest, FORMAT, FORMAT_VERSION},
    rows::{instant_text, Row, RowError},
    tables::{tables, Table},
};
use crate::{
    audit::{
        entity::{audit_archive, audit_log},
        service::{append, AuditEntry},
        AuditAction,
    },
    backend::{db::write_txn, epoch, storage::FileStore},
    domain::OrgKind,
    tenancy::entity::{organisation, person},
};

/// Why an export or an import did not happen; each says what is wrong. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum PortError {
    #[error("no agency has the id {0}")]
    NotAnAgency(Uuid),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("the archive was written by a newer portal (schema {archive}); this portal's schema is {ours}: update this portal first")]
    NewerSchema { archive: String, ours: String },
    #[error("the archive was written by an older portal (schema {archive}); this portal's schema is {ours}: export it again from a portal at {ours}")]
    OlderSchema { archive: String, ours: String },
    #[error("the archive's {table} cannot be imported: {problem}")]
    Invalid { table: String, problem: String },
    #[error("the archive collides with records already in this portal ({count} in all): {examples}")]
    Collision { count: usize, examples: String },
    #[error("cannot write the archive: {0}")]
    Write(String),
    #[error("cannot store a file: {0}")]
    Store(String),
    #[error("database: {0}")]
    Db(String),
}

impl From<sea_orm::DbErr> for PortError {
    fn from(e: sea_orm::DbErr) -> Self {
        PortError::Db(e.to_string())
    }
}

impl From<crate::backend::ServiceError> for PortError {
    fn from(e: crate::backend::ServiceError) -> Self {
        PortError::Db(e.to_string())
    }
}

fn row_error(e: RowError) -> PortError {
    match e {
        RowError::Db(e) => PortError::Db(e.to_string()),
        RowError::Value { table, column, problem } => {
            PortError::Invalid { table: table.to_string(), problem: format!("column {column}: {problem}") }
        }
    }
}

/// Columns naming a stored file by its SHA-256: `(table, column)`.
const FILE_COLUMNS: &[(&str, &str)] = &[("report_file", "sha256"), ("ch_file", "sha256"), ("exit_item", "file_sha256")];
/// What a referenced organisation's name card keeps.
const ORG_CARD: &[&str] = &["id", "name", "kind", "supplier_subtype", "created_at"];
/// What a referenced person's name card keeps.
const PERSON_CARD: &[&str] = &["id", "organisation_id", "email", "display_name", "created_at"];

/// `sql` with its `$1`, `$2`… bound to `values`, written as `backend` numbers its parameters
/// (SQLite's builder takes `?` in order, PostgreSQL's `$n`), each use of a value bound anew.
pub(super) fn bind(backend: DbBackend, sql: &str, values: &[Value]) -> SimpleExpr {
    let mut out = String::with_capacity(sql.len());
    let mut bound = Vec::new();
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let digits: String = rest[at + 1..].chars().take_while(char::is_ascii_digit).collect();
        match digits.parse::<usize>().ok().and_then(|n| values.get(n.wrapping_sub(1))) {
            Some(v) => {
                bound.push(v.clone());
                if backend == DbBackend::Postgres {
                    out.push_str(&format!("${}", bound.len()));
                } else {
                    out.push('?');
                }
                rest = &rest[at + 1 + digits.len()..];
            }
            None => {
                out.push('$');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    Expr::cust_with_values(out, bound)
}

fn filter(backend: DbBackend, sql: &str, agency: Uuid) -> SimpleExpr {
    bind(backend, sql, &[Value::Uuid(Some(agency))])
}

/// The foreign keys of `table`: `(column, referenced table)`.
pub async fn foreign_keys<C: ConnectionTrait>(db: &C, table: &str) -> Result<Vec<(String, String)>, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let stmt = match backend {
        DbBackend::Postgres => Statement::from_sql_and_values(
            backend,
            "SELECT a.attname AS col, r.relname AS target FROM pg_constraint c \
             JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid \
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
             WHERE c.contype = 'f' AND t.relname = $1 AND t.relnamespace = current_schema()::regnamespace \
             ORDER BY 1",
            [table.into()],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            "SELECT \"from\" AS col, \"table\" AS target FROM pragma_foreign_key_list(?) ORDER BY 1",
            [table.into()],
        ),
    };
    let mut out = Vec::new();
    for r in db.query_all_raw(stmt).await? {
        out.push((r.try_get::<String>("", "col")?, r.try_get::<String>("", "target")?));
    }
    Ok(out)
}

/// Every table of the schema.
pub async fn schema_tables<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
    };
    let mut out = Vec::new();
    for r in db.query_all_raw(Statement::from_string(backend, sql)).await? {
        out.push(r.try_get::<String>("", "name")?);
    }
    Ok(out)
}

/// The migrations applied to this database, oldest first: its schema is the last.
pub async fn schemas<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let stmt = Statement::from_string(backend, "SELECT version FROM seaql_migrations ORDER BY version");
    let mut out = Vec::new();
    for r in db.query_all_raw(stmt).await? {
        out.push(r.try_get::<String>("", "version")?);
    }
    Ok(out)
}

/// This database's schema: the last migration applied.
pub async fn schema_of<C: ConnectionTrait>(db: &C) -> Result<String, sea_orm::DbErr> {
    Ok(schemas(db).await?.pop().unwrap_or_default())
}

/// What an export wrote.
#[derive(Debug)]
pub struct Exported {
    pub manifest: Manifest,
    pub bytes: u64,
}

fn text_of(row: &Row, col: &str) -> Option<String> {
    row.get(col).and_then(|v| v.as_str()).map(str::to_string)
}

fn card(row: &Row, keep: &[&str]) -> Row {
    keep.iter().filter_map(|k| row.get(*k).map(|v| (k.to_string(), v.clone()))).collect()
}

async fn snapshot(db: &DatabaseConnection) -> Result<DatabaseTransaction, sea_orm::DbErr> {
    match db.get_database_backend() {
        // One snapshot for every table, so the archive is consistent under concurrent writes.
        DbBackend::Postgres => {
            db.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly)).await
        }
        // SQLite's deferred transaction reads one snapshot from its first read (WAL).
        _ => db.begin().await,
    }
}

/// Writes everything agency `agency` owns into a new archive at `out`.
pub async fn export_agency(
    db: &DatabaseConnection,
    files: &FileStore,
    schema: &str,
    cap: &Exporter,
    now: OffsetDateTime,
    out: &Path,
) -> Result<Exported, PortError> {
    let agency = cap.agency_id();
    let txn = snapshot(db).await?;
    let org = cap.agency().one(&txn).await?.ok_or(PortError::NotAnAgency(agency))?;

    let mut documents: Vec<(String, Vec<u8>)> = Vec::new();
    let mut counts = Vec::new();
    let mut owned: BTreeMap<&'static str, HashSet<String>> = BTreeMap::new();
    let mut refs: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let mut stored = BTreeSet::new();
    for t in tables() {
        let name = t.rows.table();
        let mut rows = t.rows.select(&txn, filter(db.get_database_backend(), t.filter, agency)).await.map_err(row_error)?;
        if name == "person" {
            // People leave without their passwords, so each must set one on arrival (the import
            // gives the administrators one-time passwords; they reset their colleagues').
            for r in &mut rows {
                r.insert("password_hash".into(), J::String(String::new()));
                r.insert("must_change_password".into(), J::Bool(true));
            }
        }
        let fks = foreign_keys(&txn, name).await?;
        for r in &rows {
            if name == "organisation" || name == "person" {
                if let Some(id) = text_of(r, "id") {
                    owned.entry(name).or_default().insert(id);
                }
            }
            for (col, target) in &fks {
                if let ("organisation" | "person", Some(v)) = (target.as_str(), text_of(r, col)) {
                    let target = if target == "person" { "person" } else { "organisation" };
                    refs.entry(target).or_default().insert(v);
                }
            }
            for (table, col) in FILE_COLUMNS {
                if *table == name {
                    if let Some(sha) = text_of(r, col) {
                        stored.insert(sha);
                    }
                }
            }
        }
        counts.push((name.to_string(), rows.len()));
        documents.push((format!("data/{name}.json"), serde_json::to_vec(&rows).map_err(|e| PortError::Write(e.to_string()))?));
    }

    // Name cards of the people and organisations the records point at but the agency does not own.
    let not_owned = |kind: &'static str, owned: &BTreeMap<&'static str, HashSet<String>>, refs: &BTreeMap<&'static str, BTreeSet<String>>| {
        refs.get(kind)
            .map(|s| s.iter().filter(|id| !owned.get(kind).is_some_and(|o| o.contains(*id))).cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let people_ids: Vec<Uuid> = not_owned("person", &owned, &refs).iter().filter_map(|s| s.parse().ok()).collect();
    let people = super::rows::of::<person::Entity>()
        .select(&txn, person::Column::Id.is_in(people_ids))
        .await
        .map_err(row_error)?;
    for p in &people {
        if let Some(o) = text_of(p, "organisation_id") {
            refs.entry("organisation").or_default().insert(o);
        }
    }
    let org_ids: Vec<Uuid> = not_owned("organisation", &owned, &refs).iter().filter_map(|s| s.parse().ok()).collect();
    let orgs = super::rows::of::<organisation::Entity>()
        .select(&txn, organisation::Column::Id.is_in(org_ids))
        .await
        .map_err(row_error)?;
    let orgs: Vec<Row> = orgs.iter().map(|r| card(r, ORG_CARD)).collect();
    let people: Vec<Row> = people.iter().map(|r| card(r, PERSON_CARD)).collect();
    documents.push(("referenced/organisations.json".into(), serde_json::to_vec(&orgs).map_err(|e| PortError::Write(e.to_string()))?));
    documents.push(("referenced/people.json".into(), serde_json::to_vec(&people).map_err(|e| PortError::Write(e.to_string()))?));

    // The audit segment: this portal's entries for the agency and any it brought from elsewhere.
    let audit = audit_segment(&txn, cap).await?;
    documents.push(("audit.json".into(), serde_json::to_vec(&audit).map_err(|e| PortError::Write(e.to_string()))?));
    txn.commit().await?;

    let mut present = Vec::new();
    let mut missing = Vec::new();
    for sha in stored {
        match files.path_of(&sha).filter(|p| p.exists()) {
            Some(p) => present.push((sha, p)),
            None => missing.push(sha),
        }
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        schema: schema.to_string(),
        agency_id: agency,
        agency_name: org.name.clone(),
        exported_at: instant_text(now),
        tables: counts,
        missing_files: missing,
        entries: Vec::new(),
    };
    let out = out.to_path_buf();
    tokio::task::spawn_blocking(move || -> Result<Exported, PortError> {
        let partial = out.with_extension("part");
        let write = || -> std::io::Result<Manifest> {
            let mut w = archive::Writer::create(&partial)?;
            for (path, bytes) in &documents {
                w.json(path, bytes)?;
            }
            for (sha, p) in &present {
                w.file(&format!("files/{sha}"), p)?;
            }
            w.finish(manifest)
        };
        let manifest = write().map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            PortError::Write(format!("{}: {e}", out.display()))
        })?;
        // Only a complete archive takes the name asked for.
        std::fs::rename(&partial, &out).map_err(|e| PortError::Write(format!("{}: {e}", out.display())))?;
        let bytes = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        Ok(Exported { manifest, bytes })
    })
    .await
    .map_err(|e| PortError::Write(e.to_string()))?
}

async fn audit_segment(txn: &DatabaseTransaction, cap: &Exporter) -> Result<Vec<J>, PortError> {
    // Entries brought from elsewhere read as they were in their source chain.
    let mut rows: Vec<audit_log::Model> = cap
        .audit_archive()
        .all(txn)
        .await?
        .into_iter()
        .map(|a| audit_log::Model {
            seq: a.source_seq,
            at: a.at,
            actor_person_id: a.actor_person_id,
            actor_email: a.actor_email,
            organisation_id: Some(a.organisation_id),
            action: a.action,
            target: a.target,
            summary: a.summary,
            source_addr: a.source_addr,
            user_agent: a.user_agent,
            prev_hash: a.prev_hash,
            hash: a.hash,
        })
        .collect();
    rows.extend(cap.audit_log().all(txn).await?);
    rows.sort_by_key(|a| (a.at, a.seq));
    Ok(rows
        .into_iter()
        .map(|a| {
            json!({"seq": a.seq, "at": instant_text(a.at), "actor_person_id": a.actor_person_id,
                   "actor_email": a.actor_email, "action": a.action, "target": a.target, "summary": a.summary,
                   "source_addr": a.source_addr, "user_agent": a.user_agent, "prev_hash": a.prev_hash, "hash": a.hash})
        })
        .collect())
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Imported {
    pub agency_id: Uuid,
    pub agency_name: String,
    /// Per table: rows written, and rows already there (shared records only).
    pub tables: Vec<(String, u64, u64)>,
    pub files_stored: usize,
    /// Organisations and people created as name cards (no sign-in) because this portal lacked them.
    pub new_organisations: Vec<String>,
    pub new_people: usize,
    pub audit_entries: usize,
    /// The agency's administrators' one-time passwords (the archive carries no password).
    pub passwords: Vec<(String, String)>,
}

/// Imports the archive at `path`.
pub async fn import_agency(
    db: &DatabaseConnection,
    files: &FileStore,
    cap: &Importer,
    path: &Path,
    now: OffsetDateTime,
) -> Result<Imported, PortError> {
    let path = path.to_path_buf();
    // Read and check the whole archive before anything is written.
    let (manifest, docs, blobs) = tokio::task::spawn_blocking(move || -> Result<_, PortError> {
        let mut a = archive::open(&path)?;
        let manifest = a.manifest.clone();
        let mut docs = BTreeMap::new();
        let mut blobs = Vec::new();
        for e in &manifest.entries {
            if e.path.starts_with("files/") {
                let bytes = a.read(&e.path)?;
                blobs.push((e.path["files/".len()..].to_string(), bytes));
            } else {
                let bytes = a.read(&e.path)?;
                let v: J = serde_json::from_slice(&bytes).map_err(|err| PortError::Invalid {
                    table: e.path.clone(),
                    problem: format!("not JSON: {err}"),
                })?;
                docs.insert(e.path.clone(), v);
            }
        }
        Ok((manifest, docs, blobs))
    })
    .await
    .map_err(|e| PortError::Write(e.to_string()))??;

    let schemas = schemas(db).await?;
    let ours = schemas.last().cloned().unwrap_or_default();
    if manifest.schema != ours {
        return Err(if schemas.contains(&manifest.schema) {
            PortError::OlderSchema { archive: manifest.schema.clone(), ours }
        } else {
            PortError::NewerSchema { archive: manifest.schema.clone(), ours }
        });
    }
    let rows_of = |path: &str| -> Result<Vec<Row>, PortError> {
        match docs.get(path) {
            None => Ok(Vec::new()),
            Some(J::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_object().cloned().ok_or_else(|| PortError::Invalid {
                        table: path.to_string(),
                        problem: "a row that is not an object".into(),
                    })
                })
                .collect(),
            Some(_) => Err(PortError::Invalid { table: path.to_string(), problem: "not a list of rows".into() }),
        }
    };
    let all = tables();
    for (name, _) in &manifest.tables {
        if !all.iter().any(|t| t.rows.table() == name) {
            return Err(PortError::Invalid { table: name.clone(), problem: "this portal has no such table".into() });
        }
    }
    let mut data: Vec<(&Table, Vec<Row>)> = Vec::new();
    for t in &all {
        let rows = rows_of(&format!("data/{}.json", t.rows.table()))?;
        let counted = manifest.tables.iter().find(|(n, _)| n == t.rows.table()).map_or(0, |(_, c)| *c);
        if rows.len() != counted {
            return Err(PortError::Invalid {
                table: t.rows.table().to_string(),
                problem: format!("it holds {} rows where the manifest counts {counted}", rows.len()),
            });
        }
        for r in &rows {
            t.rows.check(r).map_err(row_error)?;
        }
        data.push((t, rows));
    }
    let agency_rows = &data[0].1;
    let agency_ok = agency_rows.len() == 1
        && text_of(&agency_rows[0], "id") == Some(manifest.agency_id.to_string())
        && text_of(&agency_rows[0], "kind").as_deref() == Some(OrgKind::Agency.code());
    if !agency_ok {
        return Err(PortError::Invalid { table: "organisation".into(), problem: "it does not hold exactly the agency the manifest names".into() });
    }
    let orgs = rows_of("referenced/organisations.json")?;
    let people = rows_of("referenced/people.json")?;
    let audit = rows_of("audit.json")?;
    // Every stored file the records name is in the archive, unless the source had lost it too.
    let carried: HashSet<&str> = blobs.iter().map(|(s, _)| s.as_str()).collect();
    for (t, rows) in &data {
        for (table, col) in FILE_COLUMNS {
            if t.rows.table() != *table {
                continue;
            }
            for r in rows {
                if let Some(sha) = text_of(r, col) {
                    if !carried.contains(sha.as_str()) && !manifest.missing_files.contains(&sha) {
                        return Err(PortError::Invalid { table: table.to_string(), problem: format!("the file {sha} is not in the archive") });
                    }
                }
            }
        }
    }

    let txn = write_txn(db).await?;
    let mut report = Imported { agency_id: manifest.agency_id, agency_name: manifest.agency_name.clone(), ..Default::default() };

    // Collisions first, all of them, before a row is written.
    let mut collisions: Vec<String> = Vec::new();
    for (t, rows) in &data {
        if t.shared || rows.is_empty() {
            continue;
        }
        for key in t.rows.existing(&txn, rows).await.map_err(row_error)? {
            collisions.push(format!("{} {key}", t.rows.table()));
        }
    }
    let mut emails: Vec<(String, String)> = Vec::new();
    for r in data[1].1.iter().chain(people.iter()) {
        if let (Some(id), Some(email)) = (text_of(r, "id"), text_of(r, "email")) {
            emails.push((id, email));
        }
    }
    for chunk in emails.chunks(500) {
        let by_email: Vec<String> = chunk.iter().map(|(_, e)| e.clone()).collect();
        for p in cap.people_by_email(by_email).all(&txn).await? {
            if !chunk.iter().any(|(id, _)| *id == p.id.to_string()) {
                collisions.push(format!("person email {} (held by another account here)", p.email));
            }
        }
    }
    let org_rows = super::rows::of::<organisation::Entity>();
    for o in &orgs {
        let Some(id) = text_of(o, "id").and_then(|s| s.parse::<Uuid>().ok()) else {
            return Err(PortError::Invalid { table: "referenced/organisations.json".into(), problem: "an organisation without an id".into() });
        };
        if let Some(here) = cap.organisation(id).one(&txn).await? {
            if Some(here.kind.as_str()) != o.get("kind").and_then(|k| k.as_str()) {
                collisions.push(format!("organisation {id} is a {} here", here.kind));
            }
        }
    }
    if !collisions.is_empty() {
        let count = collisions.len();
        collisions.truncate(10);
        return Err(PortError::Collision { count, examples: collisions.join("; ") });
    }

    // Name cards for the organisations and people the records point at, where missing here.
    for o in &orgs {
        let mut row = o.clone();
        row.insert("active".into(), J::Bool(false));
        row.insert("regulator_id".into(), J::Null);
        row.insert("second_factor_required".into(), J::Bool(false));
        row.entry("supplier_subtype").or_insert(J::Null);
        let written = org_rows.insert(&txn, std::slice::from_ref(&row), true).await.map_err(row_error)?;
        if written > 0 {
            report.new_organisations.push(text_of(o, "name").unwrap_or_default());
        }
    }
    let person_rows = super::rows::of::<person::Entity>();
    for p in &people {
        let mut row = p.clone();
        for (k, v) in [
            ("password_hash", J::String(String::new())),
            ("must_change_password", J::Bool(true)),
            ("active", J::Bool(false)),
            ("locale", J::Null),
            ("time_zone", J::Null),
            ("failed_attempts", J::from(0)),
            ("lockout_count", J::from(0)),
            ("locked_until", J::Null),
            ("last_login_at", J::Null),
            ("previous_login_at", J::Null),
            ("session_generation", J::from(0)),
        ] {
            row.insert(k.into(), v);
        }
        report.new_people += person_rows.insert(&txn, std::slice::from_ref(&row), true).await.map_err(row_error)? as usize;
    }

    for (t, rows) in &data {
        let name = t.rows.table();
        let rows = self_ordered(&txn, name, rows.clone()).await?;
        let written = t.rows.insert(&txn, &rows, t.shared).await.map_err(|e| match e {
            RowError::Db(err) => PortError::Collision { count: 1, examples: format!("{name}: {err}") },
            other => row_error(other),
        })?;
        report.tables.push((name.to_string(), written, rows.len() as u64 - written));
    }

    // The audit segment, kept as it was in its source chain.
    let mut kept = Vec::with_capacity(audit.len());
    for a in &audit {
        let mut row = card(a, &["at", "actor_person_id", "actor_email", "action", "target", "summary", "source_addr", "user_agent", "prev_hash", "hash"]);
        row.insert("organisation_id".into(), J::String(manifest.agency_id.to_string()));
        row.insert("source_seq".into(), a.get("seq").cloned().unwrap_or(J::Null));
        row.insert("imported_at".into(), J::String(instant_text(now)));
        kept.push(row);
    }
    let archive_rows = super::rows::of::<audit_archive::Entity>();
    for r in &kept {
        archive_rows.check(r).map_err(row_error)?;
    }
    report.audit_entries = archive_rows.insert(&txn, &kept, true).await.map_err(row_error)? as usize;

    // The agency's administrators get one-time passwords; everyone else is reset by them.
    let admins: Vec<Uuid> = cap
        .administrators(db.get_database_backend(), manifest.agency_id)
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| r.person_id)
        .collect();
    for id in admins {
        let Some(p) = cap.person(id).one(&txn).await? else { continue };
        let password = crate::tenancy::service::one_time_password();
        let hash = crate::auth::service::hash_password(&password)?;
        person::Entity::update_many()
            .col_expr(person::Column::PasswordHash, Expr::value(hash))
            .col_expr(person::Column::MustChangePassword, Expr::value(true))
            .filter(person::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        report.passwords.push((p.email, password));
    }

    // The import is the platform's act, so it stands in the platform's trail, not the agency's
    // (whose next export then reads exactly as the archive did).
    append(
        &txn,
        now,
        AuditEntry::platform(
            AuditAction::AgencyImport,
            format!("organisation:{}", manifest.agency_id),
            format!("imported {} from an archive exported at {}", manifest.agency_name, manifest.exported_at),
        ),
    )
    .await?;

    // The files go in before the commit: if the commit fails they are unreferenced, and swept.
    for (sha, bytes) in blobs {
        let received = files.receive(&bytes).await.map_err(|e| PortError::Store(format!("{e:?}")))?;
        if received.sha256 != sha {
            return Err(PortError::Invalid { table: format!("files/{sha}"), problem: "its bytes hash differently".into() });
        }
        files.place(received).await.map_err(|e| PortError::Store(e.to_string()))?;
        report.files_stored += 1;
    }
    epoch::bump(&txn).await?;
    txn.commit().await?;
    Ok(report)
}

/// `rows` ordered so a row another row of the same table points at comes first.
async fn self_ordered(txn: &DatabaseTransaction, table: &str, rows: Vec<Row>) -> Result<Vec<Row>, PortError> {
    let cols: Vec<String> = foreign_keys(txn, table).await?.into_iter().filter(|(_, t)| t == table).map(|(c, _)| c).collect();
    if cols.is_empty() || rows.len() < 2 {
        return Ok(rows);
    }
    let ids: HashSet<String> = rows.iter().filter_map(|r| text_of(r, "id")).collect();
    let mut placed: HashSet<String> = HashSet::new();
    let mut left = rows;
    let mut out = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let before = left.len();
        let (ready, rest): (Vec<Row>, Vec<Row>) = left.into_iter().partition(|r| {
            cols.iter().all(|c| match text_of(r, c) {
                Some(v) => !ids.contains(&v) || placed.contains(&v),
                None => true,
            })
        });
        for r in &ready {
            if let Some(id) = text_of(r, "id") {
                placed.insert(id);
            }
        }
        out.extend(ready);
        left = rest;
        if left.len() == before {
            return Err(PortError::Invalid { table: table.into(), problem: "rows that point at each other in a circle".into() });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_numbered_as_each_database_reads_them() {
        let id = Uuid::nil();
        let expr = |b| {
            let q = sea_orm::sea_query::Query::select().expr(bind(b, "a = $1 OR (b = $1 AND c = $2) AND d = '$x'", &[Value::Uuid(Some(id)), Value::Bool(Some(true))])).to_owned();
            match b {
                DbBackend::Postgres => q.build(sea_orm::sea_query::PostgresQueryBuilder),
                _ => q.build(sea_orm::sea_query::SqliteQueryBuilder),
            }
        };
        let (pg, values) = expr(DbBackend::Postgres);
        assert_eq!(pg, "SELECT a = $1 OR (b = $2 AND c = $3) AND d = '$x'");
        assert_eq!(values.0.len(), 3);
        let (lite, values) = expr(DbBackend::Sqlite);
        assert_eq!(lite, "SELECT a = ? OR (b = ? AND c = ?) AND d = '$x'");
        assert_eq!(values.0.len(), 3);
    }
}
