//! Staff sessions: a random 256-bit token in an HttpOnly cookie, stored only as its hash, with
//! idle and absolute timeouts and a CSRF token of its own.

use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::{SqliteConnection, SqlitePool};

use super::Role;

/// A session ends after this long without a request.
pub const IDLE_SECONDS: i64 = 30 * 60;
/// And after this long whatever happens.
pub const ABSOLUTE_SECONDS: i64 = 12 * 60 * 60;
/// The cookie's name.
pub const COOKIE: &str = "zbor_session";

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn token() -> String {
    format!("{}{}", crate::ids::random_id(), crate::ids::random_id())
}

fn hash(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

/// A signed-in staff member.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// Every state-changing form of this session carries it.
    pub csrf: String,
    /// Whether the user has a second factor.
    pub totp_enrolled: bool,
}

/// Starts a session; returns the cookie's value. A fresh value at every login, so a session
/// id planted before login is worthless.
pub async fn create(conn: &mut SqliteConnection, user_id: i64) -> sqlx::Result<String> {
    let token = token();
    let at = now();
    sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)")
        .bind(hash(&token))
        .bind(user_id)
        .bind(crate::ids::random_id())
        .bind(at)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(token)
}

/// The live session of a cookie value, if any; extends its idle timeout.
pub async fn lookup(pool: &SqlitePool, token: &str) -> sqlx::Result<Option<Session>> {
    let at = now();
    let id = hash(token);
    let session: Option<Session> = sqlx::query_as(
        "SELECT s.user_id, u.username, u.role, s.csrf, u.totp_secret IS NOT NULL AS totp_enrolled
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id_hash = ? AND u.disabled = 0 AND s.last_seen_at > ? AND s.created_at > ?",
    )
    .bind(&id)
    .bind(at - IDLE_SECONDS)
    .bind(at - ABSOLUTE_SECONDS)
    .fetch_optional(pool)
    .await?;
    if session.is_some() {
        sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?").bind(at).bind(&id).execute(pool).await?;
    } else {
        sqlx::query("DELETE FROM sessions WHERE id_hash = ?").bind(&id).execute(pool).await?;
    }
    Ok(session)
}

/// Ends one session.
pub async fn end(conn: &mut SqliteConnection, token: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = ?").bind(hash(token)).execute(conn).await?;
    Ok(())
}

/// Ends every session of a user (logout everywhere, password change, account disabled).
pub async fn end_all(pool: &SqlitePool, user_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = ?").bind(user_id).execute(pool).await?;
    Ok(())
}
