//! Writing audit rows into the hash chain (inside the caller's transaction), listing, export, verification.
use crate::audit::scope::AuditReader;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};
use sha2::{Digest, Sha256};
use std::future::Future;
use time::{Date, OffsetDateTime, Time};
use uuid::Uuid;

use super::{
    entity::{audit_head, audit_log},
    render, AuditAction, AuditFilter, AuditPage, AuditRow, BreakReason, ChainBreak, VerifyReport,
};
use crate::{
    backend::{actor::Actor, request::RequestMeta, time_fmt::format_in_zone, ServiceError, ServiceResult},
    i18n::{Locale, Msg},
    tenancy::entity::person,
};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Rows shown on one audit page; the CSV export has no such limit.
pub const PAGE_ROWS: u64 = 200;

/// One thing that happened, before it is numbered and chained.
#[derive(Clone, Debug)]
pub struct AuditEntry {
    pub actor_person_id: Option<Uuid>,
    pub actor_email: Option<String>,
    pub organisation_id: Option<Uuid>,
    pub action: AuditAction,
    pub target: String,
    pub summary: String,
    pub source_addr: Option<String>,
    pub user_agent: Option<String>,
}

impl AuditEntry {
    /// An entry by `actor` about its own organisation's `target`.
    pub fn by(
        actor: &Actor,
        meta: &RequestMeta,
        action: AuditAction,
        target: impl Into<String>,
        summary: impl Into<String>,
    ) -> Self {
        AuditEntry {
            actor_person_id: Some(actor.person_id),
            actor_email: Some(actor.email.clone()),
            organisation_id: Some(actor.organisation_id),
            action,
            target: target.into(),
            summary: summary.into(),
            source_addr: meta.source_addr.clone(),
            user_agent: meta.user_agent.clone(),
        }
    }

    /// An entry of the platform itself (a command at the console, the chain's own upkeep): no
    /// person, no organisation's trail.
    pub fn platform(action: AuditAction, target: impl Into<String>, summary: impl Into<String>) -> Self {
        AuditEntry {
            actor_person_id: None,
            actor_email: None,
            organisation_id: None,
            action,
            target: target.into(),
            summary: summary.into(),
            source_addr: None,
            user_agent: None,
        }
    }

    pub fn in_organisation(mut self, organisation_id: Option<Uuid>) -> Self {
        self.organisation_id = organisation_id;
        self
    }

    /// The entry in the actor's own trail and the same one mirrored into `other`'s: both parties
    /// of a relationship (an engagement, an obligation, a submission) see what one did to it.
    pub fn mirrored(
        actor: &Actor,
        meta: &RequestMeta,
        action: AuditAction,
        target: impl Into<String>,
        summary: impl Into<String>,
        other: Uuid,
    ) -> [AuditEntry; 2] {
        let own = AuditEntry::by(actor, meta, action, target, summary);
        let theirs = own.clone().in_organisation(Some(other));
        [own, theirs]
    }
}

/// Appends to the trail inside the caller's transaction: `entry.record(&txn, now)` for one entry,
/// or for both parties' of [`AuditEntry::mirrored`].
pub trait Record: Sized + Send {
    fn entries(self) -> Vec<AuditEntry>;

    fn record<C: ConnectionTrait>(
        self,
        conn: &C,
        at: OffsetDateTime,
    ) -> impl Future<Output = ServiceResult<()>> + Send {
        async move { append_all(conn, at, self.entries()).await }
    }
}

impl Record for AuditEntry {
    fn entries(self) -> Vec<AuditEntry> {
        vec![self]
    }
}

impl Record for [AuditEntry; 2] {
    fn entries(self) -> Vec<AuditEntry> {
        self.into()
    }
}

fn truncate(s: Option<String>, max: usize) -> Option<String> {
    s.map(|s| s.chars().take(max).collect())
}

/// The chain's secret (`PORTAL_AUDIT_KEY`, or the key the embedded default keeps in its data
/// directory), installed once at start-up: whoever can write the database but not read the
/// configuration cannot compute a row's hash, so cannot edit, insert or forge rows unseen.
static KEY: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();

/// Installs the chain's key; the first installed key stays (one process, one chain secret).
pub fn install_key(key: &[u8]) {
    if KEY.set(key.to_vec()).is_err() && KEY.get().is_some_and(|k| k.as_slice() != key) {
        tracing::warn!("a second, different audit key was offered and ignored");
    }
}

fn key() -> ServiceResult<&'static [u8]> {
    KEY.get().map(|k| k.as_slice()).ok_or_else(|| ServiceError::Internal("the audit key is not installed".into()))
}

/// Where the setting that says from which row on the chain is keyed is kept.
const KEYED_FROM: &str = "audit_keyed_from";

/// A row's fields in hashing order, each length-prefixed so no two rows can hash alike.
fn hashed_fields(row: &audit_log::Model) -> [String; 11] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "\u{0}".into());
    let uuid = |v: &Option<Uuid>| v.map(|u| u.to_string()).unwrap_or_else(|| "\u{0}".into());
    [
        row.seq.to_string(),
        row.at.unix_timestamp_nanos().to_string(),
        uuid(&row.actor_person_id),
        opt(&row.actor_email),
        uuid(&row.organisation_id),
        row.action.clone(),
        row.target.clone(),
        row.summary.clone(),
        opt(&row.source_addr),
        opt(&row.user_agent),
        row.prev_hash.clone(),
    ]
}

/// A row's hash: HMAC-SHA-256 under the chain's key over every field and the previous row's hash.
pub fn row_hash(row: &audit_log::Model) -> ServiceResult<String> {
    use hmac::{KeyInit, Mac};
    let mut mac =
        hmac::Hmac::<Sha256>::new_from_slice(key()?).map_err(|e| ServiceError::Internal(format!("audit key: {e}")))?;
    for f in hashed_fields(row) {
        mac.update(&(f.len() as u64).to_be_bytes());
        mac.update(f.as_bytes());
    }
    Ok(hex::encode(mac.finalize().into_bytes()))
}

/// The unkeyed SHA-256 of rows written before the chain was keyed (verified as they were made).
fn legacy_row_hash(row: &audit_log::Model) -> String {
    let mut hasher = Sha256::new();
    for f in hashed_fields(row) {
        hasher.update((f.len() as u64).to_be_bytes());
        hasher.update(f.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The chain's end as its writer holds it: the last row's number and hash.
#[derive(Clone, Debug)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

impl ChainHead {
    /// Reads the head (locked on PostgreSQL, so writers take turns; SQLite's are serial anyway).
    pub async fn read<C: ConnectionTrait>(conn: &C) -> ServiceResult<ChainHead> {
        let mut q = audit_head::Entity::find_by_id(1);
        if conn.get_database_backend() == DbBackend::Postgres {
            q = q.lock_exclusive();
        }
        let head = q.one(conn).await?.ok_or_else(|| ServiceError::Internal("audit head row missing".into()))?;
        Ok(ChainHead { seq: head.last_seq, hash: head.last_hash })
    }

    /// The one chain writer: the row after this head — numbered, linked to it and keyed — and
    /// the head moves on to it. The services (through [`append`]) and the bulk generator both
    /// write every row through here.
    pub fn next(&mut self, at: OffsetDateTime, entry: AuditEntry) -> ServiceResult<audit_log::Model> {
        // Millisecond precision survives both databases' timestamp storage, so the hash stays verifiable.
        let at = at.replace_nanosecond(at.nanosecond() / 1_000_000 * 1_000_000).unwrap_or(at);
        let mut row = audit_log::Model {
            seq: self.seq + 1,
            at,
            actor_person_id: entry.actor_person_id,
            actor_email: truncate(entry.actor_email, 254),
            organisation_id: entry.organisation_id,
            action: entry.action.code().to_string(),
            target: entry.target.chars().take(300).collect(),
            summary: entry.summary,
            source_addr: truncate(entry.source_addr, 64),
            user_agent: truncate(entry.user_agent, 400),
            prev_hash: self.hash.clone(),
            hash: String::new(),
        };
        row.hash = row_hash(&row)?;
        self.seq = row.seq;
        self.hash = row.hash.clone();
        Ok(row)
    }

    /// Stores the head (after its rows are inserted, in the same transaction).
    pub async fn store<C: ConnectionTrait>(&self, conn: &C) -> ServiceResult<()> {
        audit_head::Entity::update_many()
            .col_expr(audit_head::Column::LastSeq, self.seq.into())
            .col_expr(audit_head::Column::LastHash, self.hash.clone().into())
            .filter(audit_head::Column::Id.eq(1))
            .exec(conn)
            .await?;
        Ok(())
    }
}

/// A row as an insertable model.
pub fn insertable(row: audit_log::Model) -> audit_log::ActiveModel {
    audit_log::ActiveModel {
        seq: Set(row.seq),
        at: Set(row.at),
        actor_person_id: Set(row.actor_person_id),
        actor_email: Set(row.actor_email),
        organisation_id: Set(row.organisation_id),
        action: Set(row.action),
        target: Set(row.target),
        summary: Set(row.summary),
        source_addr: Set(row.source_addr),
        user_agent: Set(row.user_agent),
        prev_hash: Set(row.prev_hash),
        hash: Set(row.hash),
    }
}

/// Appends one row to the chain. Call inside the transaction that makes the change it records.
/// Appends several entries in order (both sides of a [`AuditEntry::mirrored`] pair).
pub async fn append_all<C: ConnectionTrait>(
    conn: &C,
    at: OffsetDateTime,
    entries: impl IntoIterator<Item = AuditEntry>,
) -> ServiceResult<()> {
    for entry in entries {
        append(conn, at, entry).await?;
    }
    Ok(())
}

pub async fn append<C: ConnectionTrait>(conn: &C, at: OffsetDateTime, entry: AuditEntry) -> ServiceResult<()> {
    let mut head = ChainHead::read(conn).await?;
    let row = head.next(at, entry)?;
    audit_log::Entity::insert(insertable(row)).exec_without_returning(conn).await?;
    head.store(conn).await
}

/// Makes sure the chain is keyed from some row on (run at start-up, after the key is installed).
/// A new database is keyed from its first row; a chain written before keys existed is sealed: a
/// keyed row is appended over its unkeyed head, and rows from that one on are keyed.
pub async fn ensure_keyed(db: &DatabaseConnection, now: OffsetDateTime) -> ServiceResult<()> {
    use sea_orm::TransactionTrait;
    key()?;
    if keyed_from(db).await?.is_some() {
        return Ok(());
    }
    let txn = db.begin().await?;
    let head = ChainHead::read(&txn).await?;
    let from = head.seq + 1;
    set_keyed_from(&txn, from).await?;
    if head.seq > 0 {
        append(
            &txn,
            now,
            AuditEntry::platform(
                AuditAction::AuditSealed,
                "audit chain",
                format!("rows 1–{} (unkeyed) sealed; head {}; rows from {from} on are keyed", head.seq, head.hash),
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

async fn keyed_from<C: ConnectionTrait>(conn: &C) -> ServiceResult<Option<i64>> {
    Ok(crate::backend::entity::setting::Entity::find_by_id(KEYED_FROM.to_string())
        .one(conn)
        .await?
        .and_then(|s| s.value.parse().ok()))
}

async fn set_keyed_from<C: ConnectionTrait>(conn: &C, from: i64) -> ServiceResult<()> {
    crate::backend::entity::setting::Entity::insert(crate::backend::entity::setting::ActiveModel {
        key: Set(KEYED_FROM.into()),
        value: Set(from.to_string()),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Walks the whole chain in order and reports the first broken link: a row edited (its keyed hash
/// no longer matches), inserted (beyond the head, or a number skipped), deleted (a number
/// missing), or the tail cut off (the chain ends before the head anchored outside the database,
/// `anchor`, which a database writer cannot move back).
pub async fn verify_chain(db: &DatabaseConnection, anchor: Option<(i64, String)>) -> ServiceResult<VerifyReport> {
    let head = audit_head::Entity::find_by_id(1).one(db).await?;
    // Missing, the whole chain is checked as keyed (rows before a seal would then fail, as they should).
    let keyed_from = keyed_from(db).await?.unwrap_or(1);
    let mut expected_seq = 1i64;
    let mut prev_hash = GENESIS.to_string();
    let mut checked = 0u64;
    let mut after = 0i64;
    loop {
        let batch = super::scope::chain_after(after, 1000).all(db).await?;
        if batch.is_empty() {
            break;
        }
        for row in batch {
            after = row.seq;
            checked += 1;
            let broken = |reason| {
                Ok(VerifyReport { rows_checked: checked, first_break: Some(ChainBreak { seq: row.seq, reason }) })
            };
            if let Some(h) = &head {
                if row.seq > h.last_seq {
                    return broken(BreakReason::Inserted);
                }
            }
            if row.seq != expected_seq {
                return broken(BreakReason::Missing { expected: expected_seq });
            }
            let expected_hash = if row.seq < keyed_from { legacy_row_hash(&row) } else { row_hash(&row)? };
            if expected_hash != row.hash {
                return broken(BreakReason::Altered);
            }
            if anchor.as_ref().is_some_and(|(seq, hash)| *seq == row.seq && *hash != row.hash) {
                return broken(BreakReason::Altered);
            }
            if row.prev_hash != prev_hash {
                return broken(BreakReason::BrokenLink);
            }
            prev_hash = row.hash.clone();
            expected_seq += 1;
        }
    }
    let last = expected_seq - 1;
    if let Some((anchored, _)) = &anchor {
        if *anchored > last {
            return Ok(VerifyReport {
                rows_checked: checked,
                first_break: Some(ChainBreak { seq: last, reason: BreakReason::Truncated { head: *anchored } }),
            });
        }
    }
    if let Some(h) = head {
        if h.last_seq != expected_seq - 1 || (h.last_seq > 0 && h.last_hash != prev_hash) {
            return Ok(VerifyReport {
                rows_checked: checked,
                first_break: Some(ChainBreak {
                    seq: expected_seq - 1,
                    reason: BreakReason::Truncated { head: h.last_seq },
                }),
            });
        }
    }
    Ok(VerifyReport { rows_checked: checked, first_break: None })
}

/// A filter parsed into SQL bounds; dates are days in `zone`.
struct ParsedFilter {
    person: Option<Uuid>,
    action: Option<AuditAction>,
    from: Option<OffsetDateTime>,
    to_exclusive: Option<OffsetDateTime>,
}

fn day_start_utc(date: Date, zone: &str) -> OffsetDateTime {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let civil = jiff::civil::date(date.year() as i16, date.month() as i8, date.day() as i8).at(0, 0, 0, 0);
    match civil.to_zoned_datetime(tz) {
        Ok(z) => OffsetDateTime::from_unix_timestamp(z.timestamp().as_second()).unwrap_or(OffsetDateTime::UNIX_EPOCH),
        Err(_) => date.with_time(Time::MIDNIGHT).assume_utc(),
    }
}

fn parse_date(field: &'static str, v: &Option<String>) -> ServiceResult<Option<Date>> {
    match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Date::parse(v, time::macros::format_description!("[year]-[month]-[day]"))
            .map(Some)
            .map_err(|_| ServiceError::invalid(field, Msg::ErrInvalidDate)),
    }
}

fn parse_filter(filter: &AuditFilter, zone: &str) -> ServiceResult<ParsedFilter> {
    let action = match filter.action.as_deref().filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => Some(AuditAction::parse(a).ok_or(ServiceError::NotFound)?),
    };
    let from = parse_date("from", &filter.from)?.map(|d| day_start_utc(d, zone));
    let to_exclusive = parse_date("to", &filter.to)?.and_then(|d| d.next_day()).map(|d| day_start_utc(d, zone));
    Ok(ParsedFilter { person: filter.person, action, from, to_exclusive })
}

/// The scope and the filter, applied in SQL. The platform's view holds both parties' trails: an
/// entry mirrored into the other party's trail (the next row, the same in all but organisation)
/// is shown once there.
fn scoped_query(reader: &AuditReader, f: &ParsedFilter) -> Select<audit_log::Entity> {
    let mut q = reader.rows();
    if reader.scope() == crate::audit::scope::AuditScope::Everything {
        q = q.filter(sea_orm::sea_query::Expr::cust(
            "NOT EXISTS (SELECT 1 FROM audit_log AS mirror_of WHERE mirror_of.seq = audit_log.seq - 1 \
             AND mirror_of.at = audit_log.at AND mirror_of.action = audit_log.action \
             AND mirror_of.target = audit_log.target AND mirror_of.summary = audit_log.summary \
             AND mirror_of.actor_person_id = audit_log.actor_person_id)",
        ));
    }
    if let Some(p) = f.person {
        q = q.filter(audit_log::Column::ActorPersonId.eq(p));
    }
    if let Some(a) = f.action {
        q = q.filter(audit_log::Column::Action.eq(a.code()));
    }
    if let Some(from) = f.from {
        q = q.filter(audit_log::Column::At.gte(from));
    }
    if let Some(to) = f.to_exclusive {
        q = q.filter(audit_log::Column::At.lt(to));
    }
    q
}

/// The rows in the reader's language and zone, with names for the records their targets name.
async fn rendered(
    db: &DatabaseConnection,
    reader: &AuditReader,
    rows: Vec<audit_log::Model>,
    zone: &str,
    locale: Locale,
) -> ServiceResult<Vec<AuditRow>> {
    let w = render::wanted(rows.iter().map(|m| m.target.as_str()));
    let names = reader.target_names(db, w.engagements, w.obligations, w.submissions, w.people).await?;
    Ok(rows
        .into_iter()
        .map(|m| AuditRow {
            seq: m.seq,
            at: format_in_zone(m.at, zone),
            actor_email: m.actor_email,
            action_label: render::action(&m.action, locale),
            target: render::target(&m.target, &names, locale),
            summary: render::summary(&m.summary, locale),
            action: m.action,
            source_addr: m.source_addr,
        })
        .collect())
}

pub async fn list(
    db: &DatabaseConnection,
    reader: &AuditReader,
    viewer: &Actor,
    filter: &AuditFilter,
    locale: Locale,
) -> ServiceResult<AuditPage> {
    let f = parse_filter(filter, &viewer.time_zone)?;
    let q = scoped_query(reader, &f);
    let total = q.clone().count(db).await?;
    let rows = q.order_by_desc(audit_log::Column::Seq).limit(PAGE_ROWS).all(db).await?;
    let people = reader
        .people()
        .order_by_asc(person::Column::Email)
        .limit(2000)
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.email))
        .collect();
    Ok(AuditPage {
        rows: rendered(db, reader, rows, &viewer.time_zone, locale).await?,
        total,
        people,
        time_zone: viewer.time_zone.clone(),
    })
}

/// The filtered rows as CSV (every row, oldest first), written with the csv crate so quoting is
/// right: headers, actions, targets and summaries in the reader's language, with the action's
/// stable code and the stored target beside them for machines.
pub async fn export_csv(
    db: &DatabaseConnection,
    reader: &AuditReader,
    viewer: &Actor,
    filter: &AuditFilter,
    locale: Locale,
) -> ServiceResult<Vec<u8>> {
    let f = parse_filter(filter, &viewer.time_zone)?;
    let mut out = crate::backend::csv_export::CsvExport::new();
    let h = |m: Msg| m.text(locale).to_string();
    out.row([
        h(Msg::CsvSeq),
        h(Msg::When),
        h(Msg::CsvTimeZone),
        h(Msg::Who),
        h(Msg::CsvOrganisation),
        h(Msg::Action),
        h(Msg::Target),
        h(Msg::Details),
        h(Msg::SourceAddress),
        h(Msg::CsvUserAgent),
        "action_code".to_string(),
        "target_code".to_string(),
        "hash".to_string(),
    ])?;
    let mut after = 0i64;
    loop {
        let batch = scoped_query(reader, &f)
            .filter(audit_log::Column::Seq.gt(after))
            .order_by_asc(audit_log::Column::Seq)
            .limit(1000)
            .all(db)
            .await?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        let extra: Vec<(Option<Uuid>, Option<String>, String, String)> =
            batch.iter().map(|m| (m.organisation_id, m.user_agent.clone(), m.hash.clone(), m.target.clone())).collect();
        let rows = rendered(db, reader, batch, &viewer.time_zone, locale).await?;
        for (r, (org, agent, hash, stored_target)) in rows.into_iter().zip(extra) {
            out.row([
                r.seq.to_string(),
                r.at,
                viewer.time_zone.clone(),
                r.actor_email.unwrap_or_default(),
                org.map(|o| o.to_string()).unwrap_or_default(),
                r.action_label,
                r.target,
                r.summary,
                r.source_addr.unwrap_or_default(),
                agent.unwrap_or_default(),
                r.action,
                stored_target,
                hash,
            ])?;
        }
    }
    out.finish()
}
