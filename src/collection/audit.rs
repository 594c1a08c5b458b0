//! The audit log: who did what, when, in a hash chain. Every entry's hash covers its fields
//! and the previous entry's hash; the first entry follows [`GENESIS`].

use serde_json::Value;
use sqlx::SqliteConnection;

/// The "previous hash" of the first entry.
pub const GENESIS: &str = "zbor-audit-genesis";

fn entry_hash(prev_hash: &str, at: &str, actor: &str, action: &str, target: &str, details: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    // Length-prefixed fields, so that no two different entries hash the same.
    for field in [prev_hash, at, actor, action, target, details] {
        hasher.update(&(field.len() as u64).to_le_bytes());
        hasher.update(field.as_bytes());
    }
    hasher.finalize().to_hex().to_string()
}

/// Appends an entry. Only [`super::command::Tx::audit`] calls it, inside the write
/// transaction of the change it records, so that the two land together or not at all.
pub(super) async fn append(
    conn: &mut SqliteConnection,
    actor: &str,
    action: &str,
    target: &str,
    details: &Value,
) -> sqlx::Result<()> {
    let prev: Option<String> =
        sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetch_optional(&mut *conn).await?;
    let prev = prev.unwrap_or_else(|| GENESIS.to_owned());
    let at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    let details = details.to_string();
    let hash = entry_hash(&prev, &at, actor, action, target, &details);
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&at)
    .bind(actor)
    .bind(action)
    .bind(target)
    .bind(&details)
    .bind(&prev)
    .bind(&hash)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Entry {
    id: i64,
    at: String,
    actor: String,
    action: String,
    target: String,
    details: String,
    prev_hash: String,
    hash: String,
}

/// The outcome of checking the chain.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every entry is intact; the count of entries.
    Intact(u64),
    /// The first entry whose contents or link do not match.
    BrokenAt(i64),
}

/// Recomputes the chain from the first entry.
pub async fn verify(conn: &mut SqliteConnection) -> sqlx::Result<Verdict> {
    let entries: Vec<Entry> =
        sqlx::query_as("SELECT id, at, actor, action, target, details, prev_hash, hash FROM audit_log ORDER BY id")
            .fetch_all(conn)
            .await?;
    let mut prev = GENESIS.to_owned();
    for entry in &entries {
        let expected = entry_hash(&prev, &entry.at, &entry.actor, &entry.action, &entry.target, &entry.details);
        if entry.prev_hash != prev || entry.hash != expected {
            return Ok(Verdict::BrokenAt(entry.id));
        }
        prev = entry.hash.clone();
    }
    Ok(Verdict::Intact(entries.len() as u64))
}

/// An entry as the audit view shows it.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct ListedEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub details: String,
}

/// What the audit view is asked for; empty strings match everything.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct Filter {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    /// Words in the target or the details (a field name, an entry number, a reason).
    #[serde(default)]
    pub q: String,
    /// First day, `YYYY-MM-DD`.
    #[serde(default)]
    pub from: String,
    /// Last day, `YYYY-MM-DD`.
    #[serde(default)]
    pub to: String,
}

/// Entries matching `filter`, newest first; `page` counts from 1. Returns the entries and how
/// many match.
pub async fn list(
    pool: &sqlx::SqlitePool,
    filter: &Filter,
    page: i64,
    per_page: i64,
) -> sqlx::Result<(Vec<ListedEntry>, i64)> {
    let like = |text: &str| format!("%{}%", text.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    let to = if filter.to.trim().is_empty() { String::new() } else { format!("{}T99", filter.to.trim()) };
    let (actor, action, q, from) = (filter.actor.trim(), filter.action.trim(), like(&filter.q), filter.from.trim());
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log
         WHERE (?1 = '' OR actor = ?1) AND (?2 = '' OR action = ?2)
           AND (target LIKE ?3 ESCAPE '\\' OR details LIKE ?3 ESCAPE '\\')
           AND (?4 = '' OR at >= ?4) AND (?5 = '' OR at <= ?5)",
    )
    .bind(actor)
    .bind(action)
    .bind(&q)
    .bind(from)
    .bind(&to)
    .fetch_one(pool)
    .await?;
    let entries = sqlx::query_as(
        "SELECT id, at, actor, action, target, details FROM audit_log
         WHERE (?1 = '' OR actor = ?1) AND (?2 = '' OR action = ?2)
           AND (target LIKE ?3 ESCAPE '\\' OR details LIKE ?3 ESCAPE '\\')
           AND (?4 = '' OR at >= ?4) AND (?5 = '' OR at <= ?5)
         ORDER BY id DESC LIMIT ?6 OFFSET ?7",
    )
    .bind(actor)
    .bind(action)
    .bind(&q)
    .bind(from)
    .bind(&to)
    .bind(per_page)
    .bind((page.max(1) - 1) * per_page)
    .fetch_all(pool)
    .await?;
    Ok((entries, total))
}

/// The actions that occur in the log, for the view's filter.
pub async fn actions(pool: &sqlx::SqlitePool) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action").fetch_all(pool).await
}

/// The hash of the last entry, if there is one.
pub async fn head(conn: &mut SqliteConnection) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetch_optional(conn).await
}

/// Whether the log holds an entry with this hash.
pub async fn contains(conn: &mut SqliteConnection, hash: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM audit_log WHERE hash = ?)").bind(hash).fetch_one(conn).await
}
