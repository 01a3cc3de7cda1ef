//! All SQL of the store, for SQLite. A PostgreSQL twin (`postgres.rs`) would offer the same
//! functions; nothing outside this module writes SQL.
//!
//! Conventions: timestamps are RFC 3339 UTC with microseconds (fixed width, sortable as
//! text); enum columns hold serde names; money is decimal TEXT. Write functions take a
//! `&mut SqliteConnection` that is inside a transaction opened by [`begin_write`].

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rust_decimal::Decimal;
use sapllm_core::{ContentHash, DocumentResult, ExtractedField, FieldKey, FileKind, Finding};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection, Transaction};
use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use crate::StoreError;
use crate::keys::InvoiceKey;
use crate::model::{
    AuditAction, AuditEvent, DocumentFilter, DocumentRow, DocumentSort, DocumentStatus,
    DocumentSummary, DuplicateHit, DuplicateReason, FieldRow, FindingRow, ResultVersion,
    RoutingReason, SourceName,
};

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How long a writer waits for another writer's lock before giving up.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(15);

/// Connections of a file database: one writer at a time (SQLite), readers in parallel (WAL).
const MAX_CONNECTIONS: u32 = 4;

// ---------------------------------------------------------------------------------------------
// Connecting and migrating

/// Opens (creating if missing) a database file: WAL, foreign keys, busy timeout,
/// `synchronous=NORMAL`.
pub(crate) async fn connect_file(db_path: &Path) -> Result<SqlitePool> {
    let options = SqliteConnectOptions::new()
        .filename(db_path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT);
    let pool = SqlitePoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .connect_with(options)
        .await?;
    Ok(pool)
}

/// A private in-memory database. It lives as long as its single connection, so the pool keeps
/// exactly one, forever.
pub(crate) async fn connect_memory() -> Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str("sqlite::memory:")?
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT);
    let pool = SqlitePoolOptions::new()
        .min_connections(1)
        .max_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options)
        .await?;
    Ok(pool)
}

/// Applies the embedded migrations (`migrations/`, compiled into the binary).
pub(crate) async fn migrate(pool: &SqlitePool) -> Result<()> {
    sqlx::migrate!("./migrations").run(pool).await?;
    Ok(())
}

/// Starts a write transaction that takes the write lock at once (`BEGIN IMMEDIATE`), so a
/// transaction that reads before it writes cannot fail on a stale snapshot; a second writer
/// waits up to the busy timeout.
pub(crate) async fn begin_write(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

// ---------------------------------------------------------------------------------------------
// Codecs

pub(crate) fn fmt_ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn parse_ts(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("timestamp '{s}': {e}")))
}

/// The serde name of a unit enum variant (what the enum columns hold).
fn name_of<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        other => panic!("not a unit enum: {other:?}"),
    }
}

fn parse_name<T: DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| StoreError::Corrupt(format!("unknown {what} '{s}'")))
}

fn parse_opt_name<T: DeserializeOwned>(s: Option<String>, what: &str) -> Result<Option<T>> {
    s.map(|s| parse_name(&s, what)).transpose()
}

pub(crate) fn parse_hash(s: &str) -> Result<ContentHash> {
    ContentHash::from_hex(s).ok_or_else(|| StoreError::Corrupt(format!("content hash '{s}'")))
}

fn parse_decimal(s: Option<String>) -> Result<Option<Decimal>> {
    s.map(|s| Decimal::from_str(&s).map_err(|e| StoreError::Corrupt(format!("decimal '{s}': {e}"))))
        .transpose()
}

fn parse_date(s: Option<String>) -> Result<Option<NaiveDate>> {
    s.map(|s| {
        NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map_err(|e| StoreError::Corrupt(format!("date '{s}': {e}")))
    })
    .transpose()
}

fn parse_status(s: &str) -> Result<DocumentStatus> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("document status '{s}'")))
}

fn to_u32(v: i64, what: &str) -> Result<u32> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} {v} out of range")))
}

// ---------------------------------------------------------------------------------------------
// Documents and their names

const DOCUMENT_COLUMNS: &str = "hash, file_name, file_kind, size_bytes, received_at, status, \
     status_changed_at, latest_version, route, doc_type, failure_code, failure_message";

fn document_from_row(row: &SqliteRow) -> Result<DocumentRow> {
    Ok(DocumentRow {
        hash: parse_hash(row.try_get("hash")?)?,
        file_name: row.try_get("file_name")?,
        file_kind: parse_name(row.try_get("file_kind")?, "file kind")?,
        size_bytes: u64::try_from(row.try_get::<i64, _>("size_bytes")?)
            .map_err(|_| StoreError::Corrupt("negative size".into()))?,
        received_at: parse_ts(row.try_get("received_at")?)?,
        status: parse_status(row.try_get("status")?)?,
        status_changed_at: parse_ts(row.try_get("status_changed_at")?)?,
        latest_version: row
            .try_get::<Option<i64>, _>("latest_version")?
            .map(|v| to_u32(v, "version"))
            .transpose()?,
        route: parse_opt_name(row.try_get("route")?, "route")?,
        doc_type: parse_opt_name(row.try_get("doc_type")?, "document type")?,
        failure_code: row.try_get("failure_code")?,
        failure_message: row.try_get("failure_message")?,
    })
}

pub(crate) async fn document(
    conn: &mut SqliteConnection,
    hash: &ContentHash,
) -> Result<Option<DocumentRow>> {
    let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE hash = ?");
    let row = sqlx::query(&sql)
        .bind(hash.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(document_from_row).transpose()
}

pub(crate) async fn document_in_pool(
    pool: &SqlitePool,
    hash: &ContentHash,
) -> Result<Option<DocumentRow>> {
    let mut conn = pool.acquire().await?;
    document(&mut conn, hash).await
}

/// A new document row, status `received`.
pub(crate) async fn insert_document(
    conn: &mut SqliteConnection,
    hash: &ContentHash,
    file_name: &str,
    kind: FileKind,
    size_bytes: u64,
    at: DateTime<Utc>,
) -> Result<()> {
    let at = fmt_ts(at);
    sqlx::query(
        "INSERT INTO documents (hash, file_name, file_kind, size_bytes, received_at, status, \
         status_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(hash.as_str())
    .bind(file_name)
    .bind(name_of(&kind))
    .bind(i64::try_from(size_bytes).unwrap_or(i64::MAX))
    .bind(&at)
    .bind(DocumentStatus::Received.as_str())
    .bind(&at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records a name the document arrived under. Returns whether the name is new for it.
pub(crate) async fn upsert_source(
    conn: &mut SqliteConnection,
    hash: &ContentHash,
    file_name: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let at = fmt_ts(at);
    let updated = sqlx::query(
        "UPDATE document_sources SET last_seen_at = ?, times_seen = times_seen + 1 \
         WHERE document_hash = ? AND file_name = ?",
    )
    .bind(&at)
    .bind(hash.as_str())
    .bind(file_name)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if updated > 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO document_sources (document_hash, file_name, first_seen_at, last_seen_at, \
         times_seen) VALUES (?, ?, ?, ?, 1)",
    )
    .bind(hash.as_str())
    .bind(file_name)
    .bind(&at)
    .bind(&at)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

pub(crate) async fn file_names(pool: &SqlitePool, hash: &ContentHash) -> Result<Vec<SourceName>> {
    let rows = sqlx::query(
        "SELECT file_name, first_seen_at, last_seen_at, times_seen FROM document_sources \
         WHERE document_hash = ? ORDER BY first_seen_at, file_name",
    )
    .bind(hash.as_str())
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(SourceName {
                file_name: r.try_get("file_name")?,
                first_seen_at: parse_ts(r.try_get("first_seen_at")?)?,
                last_seen_at: parse_ts(r.try_get("last_seen_at")?)?,
                times_seen: to_u32(r.try_get("times_seen")?, "times seen")?,
            })
        })
        .collect()
}

/// Recomputes the lower-cased search text (hash, every file name, seller, invoice number).
/// Lower-casing happens here in Rust, so it is Unicode-aware whatever the database does.
pub(crate) async fn refresh_search_text(
    conn: &mut SqliteConnection,
    hash: &ContentHash,
) -> Result<()> {
    let row = sqlx::query("SELECT seller_name, invoice_number FROM documents WHERE hash = ?")
        .bind(hash.as_str())
        .fetch_one(&mut *conn)
        .await?;
    let seller: Option<String> = row.try_get("seller_name")?;
    let number: Option<String> = row.try_get("invoice_number")?;
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT file_name FROM document_sources WHERE document_hash = ? ORDER BY first_seen_at",
    )
    .bind(hash.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let mut parts: Vec<&str> = vec![hash.as_str()];
    parts.extend(names.iter().map(String::as_str));
    parts.extend(seller.as_deref());
    parts.extend(number.as_deref());
    let text = parts.join("\n").to_lowercase();
    sqlx::query("UPDATE documents SET search_text = ? WHERE hash = ?")
        .bind(text)
        .bind(hash.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn set_status(
    conn: &mut SqliteConnection,
    hash: &ContentHash,
    status: DocumentStatus,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE documents SET status = ?, status_changed_at = ? WHERE hash = ?")
        .bind(status.as_str())
        .bind(fmt_ts(at))
        .bind(hash.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn set_failure(
    conn: &mut SqliteConnection,
    hash: &ContentHash,
    code: &str,
    message: &str,
) -> Result<()> {
    sqlx::query("UPDATE documents SET failure_code = ?, failure_message = ? WHERE hash = ?")
        .bind(code)
        .bind(message)
        .bind(hash.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Hashes starting with `prefix` (lower-case hex, validated by the caller), at most `limit`.
pub(crate) async fn hashes_with_prefix(
    pool: &SqlitePool,
    prefix: &str,
    limit: u32,
) -> Result<Vec<ContentHash>> {
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT hash FROM documents WHERE hash LIKE ? ORDER BY hash LIMIT ?")
            .bind(format!("{prefix}%"))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
    rows.iter().map(|h| parse_hash(h)).collect()
}

// ---------------------------------------------------------------------------------------------
// Results

pub(crate) async fn next_version(conn: &mut SqliteConnection, hash: &ContentHash) -> Result<u32> {
    let max: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM results WHERE document_hash = ?")
            .bind(hash.as_str())
            .fetch_one(&mut *conn)
            .await?;
    to_u32(max.unwrap_or(0) + 1, "version")
}

/// Inserts a result version with its field and finding rows.
pub(crate) async fn insert_result(
    conn: &mut SqliteConnection,
    hash: &ContentHash,
    version: u32,
    at: DateTime<Utc>,
    result: &DocumentResult,
    result_json: &str,
    versions_json: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO results (document_hash, version, created_at, route, doc_type, result_json, \
         versions_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(hash.as_str())
    .bind(i64::from(version))
    .bind(fmt_ts(at))
    .bind(name_of(&result.route))
    .bind(name_of(&result.doc_type.value))
    .bind(result_json)
    .bind(versions_json)
    .execute(&mut *conn)
    .await?;
    for (key, field) in &result.fields {
        insert_field(conn, hash, version, *key, field).await?;
    }
    for (seq, finding) in result.findings.iter().enumerate() {
        insert_finding(conn, hash, version, seq, finding).await?;
    }
    Ok(())
}

async fn insert_field(
    conn: &mut SqliteConnection,
    hash: &ContentHash,
    version: u32,
    key: FieldKey,
    field: &ExtractedField,
) -> Result<()> {
    let p = &field.provenance;
    let bbox_json = p.bbox.as_ref().map(serde_json::to_string).transpose()?;
    sqlx::query(
        "INSERT INTO fields (document_hash, version, key, value, value_type, confidence, \
         source_kind, page, bbox_json, producer, producer_version) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(hash.as_str())
    .bind(i64::from(version))
    .bind(name_of(&key))
    .bind(field.value.to_plain())
    .bind(name_of(&field.value.kind()))
    .bind(f64::from(field.confidence))
    .bind(name_of(&p.source))
    .bind(p.page.map(i64::from))
    .bind(bbox_json)
    .bind(&p.producer.name)
    .bind(&p.producer.version)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn insert_finding(
    conn: &mut SqliteConnection,
    hash: &ContentHash,
    version: u32,
    seq: usize,
    finding: &Finding,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO findings (document_hash, version, seq, stage, code, severity, message, \
         fields_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(hash.as_str())
    .bind(i64::from(version))
    .bind(i64::try_from(seq).unwrap_or(i64::MAX))
    .bind(name_of(&finding.stage))
    .bind(&finding.code)
    .bind(name_of(&finding.severity))
    .bind(&finding.message)
    .bind(serde_json::to_string(&finding.fields)?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The queue columns of the document row, from its latest result.
#[derive(Debug)]
pub(crate) struct Latest<'a> {
    pub version: u32,
    pub result: &'a DocumentResult,
    pub reasons: &'a [RoutingReason],
}

/// Copies the latest result's queue columns onto the document row and clears a failure.
pub(crate) async fn update_latest(
    conn: &mut SqliteConnection,
    hash: &ContentHash,
    latest: &Latest<'_>,
) -> Result<()> {
    let r = latest.result;
    sqlx::query(
        "UPDATE documents SET latest_version = ?, route = ?, doc_type = ?, seller_name = ?, \
         invoice_number = ?, gross_total = ?, currency = ?, reasons_json = ?, \
         failure_code = NULL, failure_message = NULL WHERE hash = ?",
    )
    .bind(i64::from(latest.version))
    .bind(name_of(&r.route))
    .bind(name_of(&r.doc_type.value))
    .bind(r.text(FieldKey::SellerName))
    .bind(r.text(FieldKey::InvoiceNumber))
    .bind(r.amount(FieldKey::GrossTotal).map(|d| d.to_string()))
    .bind(r.text(FieldKey::Currency))
    .bind(serde_json::to_string(latest.reasons)?)
    .bind(hash.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Replaces the document's row in the duplicate index (deletes it when `key` is `None`).
pub(crate) async fn replace_invoice_key(
    conn: &mut SqliteConnection,
    hash: &ContentHash,
    version: u32,
    key: Option<&InvoiceKey>,
) -> Result<()> {
    sqlx::query("DELETE FROM invoice_keys WHERE document_hash = ?")
        .bind(hash.as_str())
        .execute(&mut *conn)
        .await?;
    if let Some(k) = key {
        sqlx::query(
            "INSERT INTO invoice_keys (document_hash, version, seller_key, doc_type, \
             invoice_number, invoice_number_norm, gross, issue_date) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(hash.as_str())
        .bind(i64::from(version))
        .bind(&k.seller_key)
        .bind(&k.doc_type)
        .bind(&k.invoice_number)
        .bind(&k.invoice_number_norm)
        .bind(&k.gross)
        .bind(&k.issue_date)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The JSON of a result: the given version, or the latest when `version` is `None`.
pub(crate) async fn result_json(
    pool: &SqlitePool,
    hash: &ContentHash,
    version: Option<u32>,
) -> Result<Option<(u32, String)>> {
    let row =
        match version {
            Some(v) => sqlx::query(
                "SELECT version, result_json FROM results WHERE document_hash = ? AND version = ?",
            )
            .bind(hash.as_str())
            .bind(i64::from(v))
            .fetch_optional(pool)
            .await?,
            None => {
                sqlx::query(
                    "SELECT version, result_json FROM results WHERE document_hash = ? \
                 ORDER BY version DESC LIMIT 1",
                )
                .bind(hash.as_str())
                .fetch_optional(pool)
                .await?
            }
        };
    row.map(|r| {
        Ok((
            to_u32(r.try_get("version")?, "version")?,
            r.try_get("result_json")?,
        ))
    })
    .transpose()
}

pub(crate) async fn result_versions(
    pool: &SqlitePool,
    hash: &ContentHash,
) -> Result<Vec<ResultVersion>> {
    let rows = sqlx::query(
        "SELECT version, created_at, route, doc_type FROM results WHERE document_hash = ? \
         ORDER BY version",
    )
    .bind(hash.as_str())
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ResultVersion {
                version: to_u32(r.try_get("version")?, "version")?,
                created_at: parse_ts(r.try_get("created_at")?)?,
                route: parse_name(r.try_get("route")?, "route")?,
                doc_type: parse_name(r.try_get("doc_type")?, "document type")?,
            })
        })
        .collect()
}

pub(crate) async fn field_rows(
    pool: &SqlitePool,
    hash: &ContentHash,
    version: u32,
) -> Result<Vec<FieldRow>> {
    let rows = sqlx::query(
        "SELECT key, value, value_type, confidence, source_kind, page, bbox_json, producer, \
         producer_version FROM fields WHERE document_hash = ? AND version = ? ORDER BY key",
    )
    .bind(hash.as_str())
    .bind(i64::from(version))
    .fetch_all(pool)
    .await?;
    let mut out = rows
        .iter()
        .map(|r| {
            Ok(FieldRow {
                key: parse_name(r.try_get("key")?, "field key")?,
                value: r.try_get("value")?,
                value_type: parse_name(r.try_get("value_type")?, "value type")?,
                confidence: r.try_get::<f64, _>("confidence")? as f32,
                source_kind: parse_name(r.try_get("source_kind")?, "source kind")?,
                page: r
                    .try_get::<Option<i64>, _>("page")?
                    .map(|p| to_u32(p, "page"))
                    .transpose()?,
                bbox: r
                    .try_get::<Option<String>, _>("bbox_json")?
                    .map(|b| serde_json::from_str(&b))
                    .transpose()?,
                producer: r.try_get("producer")?,
                producer_version: r.try_get("producer_version")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    // In the order of the field keys (the result's order), not alphabetically.
    out.sort_by_key(|f| f.key);
    Ok(out)
}

pub(crate) async fn finding_rows(
    pool: &SqlitePool,
    hash: &ContentHash,
    version: u32,
) -> Result<Vec<FindingRow>> {
    let rows = sqlx::query(
        "SELECT seq, stage, code, severity, message, fields_json FROM findings \
         WHERE document_hash = ? AND version = ? ORDER BY seq",
    )
    .bind(hash.as_str())
    .bind(i64::from(version))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(FindingRow {
                seq: to_u32(r.try_get("seq")?, "finding seq")?,
                stage: parse_name(r.try_get("stage")?, "stage")?,
                code: r.try_get("code")?,
                severity: parse_name(r.try_get("severity")?, "severity")?,
                message: r.try_get("message")?,
                fields: serde_json::from_str(r.try_get("fields_json")?)?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Audit log

pub(crate) async fn insert_audit(
    conn: &mut SqliteConnection,
    hash: Option<&ContentHash>,
    at: DateTime<Utc>,
    actor: &str,
    action: AuditAction,
    detail: &serde_json::Value,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO audit_events (document_hash, at, actor, action, detail_json) \
         VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(hash.map(ContentHash::as_str))
    .bind(fmt_ts(at))
    .bind(actor)
    .bind(action.as_str())
    .bind(serde_json::to_string(detail)?)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub(crate) async fn audit_trail(pool: &SqlitePool, hash: &ContentHash) -> Result<Vec<AuditEvent>> {
    let rows = sqlx::query(
        "SELECT id, document_hash, at, actor, action, detail_json FROM audit_events \
         WHERE document_hash = ? ORDER BY id",
    )
    .bind(hash.as_str())
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            let action: &str = r.try_get("action")?;
            Ok(AuditEvent {
                id: r.try_get("id")?,
                document_hash: r
                    .try_get::<Option<&str>, _>("document_hash")?
                    .map(parse_hash)
                    .transpose()?,
                at: parse_ts(r.try_get("at")?)?,
                actor: r.try_get("actor")?,
                action: action
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("audit action '{action}'")))?,
                detail: serde_json::from_str(r.try_get("detail_json")?)?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Queue

/// `text` as a LIKE pattern over the lower-cased search text (`\` escapes `%`, `_`, `\`).
fn like_pattern(text: &str) -> String {
    let mut p = String::from("%");
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

pub(crate) async fn list_documents(
    pool: &SqlitePool,
    filter: &DocumentFilter,
) -> Result<Vec<DocumentSummary>> {
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT hash, file_name, status, doc_type, seller_name, invoice_number, gross_total, \
         currency, received_at, latest_version, route, reasons_json, failure_code \
         FROM documents WHERE 1 = 1",
    );
    if !filter.statuses.is_empty() {
        qb.push(" AND status IN (");
        let mut list = qb.separated(", ");
        for s in &filter.statuses {
            list.push_bind(s.as_str());
        }
        qb.push(")");
    }
    if let Some(text) = filter.text.as_deref().filter(|t| !t.trim().is_empty()) {
        qb.push(" AND search_text LIKE ");
        qb.push_bind(like_pattern(text));
        qb.push(" ESCAPE '\\'");
    }
    let by_amount = matches!(
        filter.sort,
        DocumentSort::AmountAsc | DocumentSort::AmountDesc
    );
    match filter.sort {
        DocumentSort::ReceivedAsc => qb.push(" ORDER BY received_at ASC, hash"),
        _ => qb.push(" ORDER BY received_at DESC, hash"),
    };
    // Amounts are decimal TEXT: sorting by them happens below, in Decimal, never in REAL.
    if let (Some(limit), false) = (filter.limit, by_amount) {
        qb.push(" LIMIT ");
        qb.push_bind(i64::from(limit));
    }
    let rows = qb.build().fetch_all(pool).await?;
    let mut out = rows
        .iter()
        .map(|r| {
            Ok(DocumentSummary {
                hash: parse_hash(r.try_get("hash")?)?,
                file_name: r.try_get("file_name")?,
                status: parse_status(r.try_get("status")?)?,
                doc_type: parse_opt_name(r.try_get("doc_type")?, "document type")?,
                seller_name: r.try_get("seller_name")?,
                invoice_number: r.try_get("invoice_number")?,
                gross_total: parse_decimal(r.try_get("gross_total")?)?,
                currency: r.try_get("currency")?,
                received_at: parse_ts(r.try_get("received_at")?)?,
                latest_version: r
                    .try_get::<Option<i64>, _>("latest_version")?
                    .map(|v| to_u32(v, "version"))
                    .transpose()?,
                route: parse_opt_name(r.try_get("route")?, "route")?,
                reasons: serde_json::from_str(r.try_get("reasons_json")?)?,
                failure_code: r.try_get("failure_code")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    if by_amount {
        let desc = filter.sort == DocumentSort::AmountDesc;
        // Stable: equal amounts keep the newest-first order; no amount goes last.
        out.sort_by(|a, b| match (a.gross_total, b.gross_total) {
            (Some(x), Some(y)) if desc => y.cmp(&x),
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        if let Some(limit) = filter.limit {
            out.truncate(limit as usize);
        }
    }
    Ok(out)
}

/// Number of documents per status (only statuses that occur).
pub(crate) async fn counts_by_status(pool: &SqlitePool) -> Result<BTreeMap<DocumentStatus, u64>> {
    let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM documents GROUP BY status")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            let n: i64 = r.try_get("n")?;
            Ok((
                parse_status(r.try_get("status")?)?,
                u64::try_from(n).unwrap_or(0),
            ))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Duplicates

/// Documents of the same seller with the same normalised number, or with the same gross (two
/// places) and issue date (ISO), except `exclude`; oldest first.
pub(crate) async fn find_duplicates(
    pool: &SqlitePool,
    seller_key: &str,
    number_norm: Option<&str>,
    gross_and_date: Option<(&str, &str)>,
    exclude: &ContentHash,
) -> Result<Vec<DuplicateHit>> {
    if number_norm.is_none() && gross_and_date.is_none() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT k.document_hash, k.doc_type, k.invoice_number, k.invoice_number_norm, k.gross, \
         k.issue_date, d.status, d.file_name, d.received_at \
         FROM invoice_keys k JOIN documents d ON d.hash = k.document_hash \
         WHERE k.seller_key = ",
    );
    qb.push_bind(seller_key);
    qb.push(" AND k.document_hash <> ");
    qb.push_bind(exclude.as_str());
    qb.push(" AND (");
    let mut any = false;
    if let Some(n) = number_norm {
        qb.push("k.invoice_number_norm = ");
        qb.push_bind(n);
        any = true;
    }
    if let Some((gross, date)) = gross_and_date {
        if any {
            qb.push(" OR ");
        }
        qb.push("(k.gross = ");
        qb.push_bind(gross);
        qb.push(" AND k.issue_date = ");
        qb.push_bind(date);
        qb.push(")");
    }
    qb.push(") ORDER BY d.received_at, k.document_hash");
    let rows = qb.build().fetch_all(pool).await?;
    rows.iter()
        .map(|r| {
            let norm: Option<String> = r.try_get("invoice_number_norm")?;
            let same_number = number_norm.is_some() && norm.as_deref() == number_norm;
            Ok(DuplicateHit {
                hash: parse_hash(r.try_get("document_hash")?)?,
                reason: if same_number {
                    DuplicateReason::SameNumber
                } else {
                    DuplicateReason::SameAmountAndDate
                },
                doc_type: parse_name(r.try_get("doc_type")?, "document type")?,
                invoice_number: r.try_get("invoice_number")?,
                gross: parse_decimal(r.try_get("gross")?)?,
                issue_date: parse_date(r.try_get("issue_date")?)?,
                status: parse_status(r.try_get("status")?)?,
                file_name: r.try_get("file_name")?,
                received_at: parse_ts(r.try_get("received_at")?)?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Diagnostics

/// (journal mode, foreign keys on, busy timeout ms, highest applied migration, documents).
pub(crate) async fn diagnostics(
    pool: &SqlitePool,
) -> Result<(String, bool, i64, Option<i64>, u64)> {
    let mut conn = pool.acquire().await?;
    let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await?;
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut *conn)
        .await?;
    let busy_timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(&mut *conn)
        .await?;
    let schema: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(&mut *conn)
            .await?;
    let documents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM documents")
        .fetch_one(&mut *conn)
        .await?;
    Ok((
        journal_mode.to_lowercase(),
        foreign_keys == 1,
        busy_timeout,
        schema,
        u64::try_from(documents).unwrap_or(0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use sapllm_core::{Route, Severity, SourceKind, Stage};

    #[test]
    fn timestamps_are_fixed_width_and_round_trip() {
        let t = Utc.with_ymd_and_hms(2024, 3, 5, 8, 9, 10).unwrap();
        let s = fmt_ts(t);
        assert_eq!(s, "2024-03-05T08:09:10.000000Z");
        assert_eq!(parse_ts(&s).unwrap(), t);
        assert!(parse_ts("yesterday").is_err());
    }

    #[test]
    fn enum_columns_hold_serde_names() {
        assert_eq!(name_of(&Route::AutoApprove), "auto_approve");
        assert_eq!(name_of(&Severity::Review), "review");
        assert_eq!(name_of(&Stage::QualityCheck), "quality_check");
        assert_eq!(name_of(&SourceKind::EInvoiceXml), "e-invoice-xml");
        assert_eq!(name_of(&FileKind::Xml), "xml");
        assert_eq!(
            parse_name::<Route>("review", "route").unwrap(),
            Route::Review
        );
        assert!(matches!(
            parse_name::<Route>("maybe", "route"),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn like_patterns_escape_wildcards_and_fold_case() {
        assert_eq!(like_pattern(" Müller "), "%müller%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
