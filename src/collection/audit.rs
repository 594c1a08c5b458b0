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

/// Appends an entry. Run it in the transaction of the change it records, so that the two
/// land together or not at all.
pub async fn record(
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
