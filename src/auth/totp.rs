//! Time-based one-time codes (RFC 6238) for the second factor: enrolment with a QR code,
//! codes that work once, and one-time recovery codes.

use rand::RngCore;
use sqlx::{SqliteConnection, SqlitePool};

use crate::collection::command::{Command, CommandResult, Tx};
use totp_rs::{Algorithm, Secret, Totp};

/// How many recovery codes a user gets at enrolment.
pub const RECOVERY_CODES: usize = 8;

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// The TOTP of a base32 secret: SHA-1, 6 digits, 30 s steps, one step of clock skew either way
/// (what authenticator apps expect).
pub fn totp(secret_base32: &str, username: &str) -> anyhow::Result<Totp> {
    let secret = Secret::try_from_base32(secret_base32).map_err(|e| anyhow::anyhow!("TOTP secret: {e:?}"))?;
    totp_rs::Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_account_name(username.replace(':', "_"))
        .with_issuer(Some("zbor"))
        .build()
        .map_err(|e| anyhow::anyhow!("TOTP: {e:?}"))
}

/// The secret being enrolled for `user_id`, if one was made (reading only).
pub async fn existing_pending(pool: &SqlitePool, user_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT secret FROM totp_pending WHERE user_id = ?").bind(user_id).fetch_optional(pool).await
}

/// The secret being enrolled for `user_id`, made now if there is none. Call it only while
/// handling a state-changing request (a sign-in, a form).
pub async fn pending_secret(pool: &SqlitePool, user_id: i64) -> sqlx::Result<String> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let secret = pending_secret_in(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(secret)
}

/// [`pending_secret`] in a write transaction.
pub async fn pending_secret_in(conn: &mut SqliteConnection, user_id: i64) -> sqlx::Result<String> {
    let existing: Option<String> = sqlx::query_scalar("SELECT secret FROM totp_pending WHERE user_id = ?")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(secret) = existing {
        return Ok(secret);
    }
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    let secret = Secret::from(bytes.to_vec()).to_base32();
    sqlx::query("INSERT INTO totp_pending (user_id, secret, created_at) VALUES (?, ?, ?)")
        .bind(user_id)
        .bind(&secret)
        .bind(now() as i64)
        .execute(conn)
        .await?;
    Ok(secret)
}

fn recovery_hash(code: &str) -> String {
    let normal: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    blake3::hash(normal.as_bytes()).to_hex().to_string()
}

/// Confirms enrolment with a code from the app; returns the recovery codes, shown only once.
pub async fn confirm(
    pool: &SqlitePool,
    user_id: i64,
    username: &str,
    code: &str,
) -> anyhow::Result<Option<Vec<String>>> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let codes = confirm_in(&mut tx, user_id, username, code).await?;
    tx.commit().await?;
    Ok(codes)
}

async fn confirm_in(
    conn: &mut SqliteConnection,
    user_id: i64,
    username: &str,
    code: &str,
) -> anyhow::Result<Option<Vec<String>>> {
    let secret = pending_secret_in(conn, user_id).await?;
    let Some(step) = totp(&secret, username)?.check(code.trim(), now()) else { return Ok(None) };
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let id = crate::ids::random_id();
            format!("{}-{}", &id[..5], &id[5..10])
        })
        .collect();
    let tx = conn;
    sqlx::query("UPDATE users SET totp_secret = ?, totp_last_step = ? WHERE id = ?")
        .bind(&secret)
        .bind(step as i64)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM totp_pending WHERE user_id = ?").bind(user_id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = ?").bind(user_id).execute(&mut *tx).await?;
    for code in &codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)")
            .bind(user_id)
            .bind(recovery_hash(code))
            .execute(&mut *tx)
            .await?;
    }
    Ok(Some(codes))
}

/// Whether the user has a second factor.
pub async fn enrolled(conn: &mut SqliteConnection, user_id: i64) -> sqlx::Result<bool> {
    let secret: Option<Option<String>> =
        sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = ?").bind(user_id).fetch_optional(conn).await?;
    Ok(secret.flatten().is_some())
}

/// Checks a sign-in code: a TOTP code of a step not used before, or an unused recovery code
/// (which is then used up). Each works once.
pub async fn check_sign_in(
    conn: &mut SqliteConnection,
    user_id: i64,
    username: &str,
    code: &str,
) -> anyhow::Result<bool> {
    let code = code.trim();
    if code.is_empty() || code.len() > 32 {
        return Ok(false);
    }
    let secret: Option<Option<String>> = sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = ?")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(secret) = secret.flatten() else { return Ok(false) };
    if let Some(step) = totp(&secret, username)?.check(code, now()) {
        // Accept a step only if it is later than the last one accepted: no replays.
        let accepted = sqlx::query("UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?")
            .bind(step as i64)
            .bind(user_id)
            .bind(step as i64)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        return Ok(accepted == 1);
    }
    let used = sqlx::query("DELETE FROM recovery_codes WHERE user_id = ? AND code_hash = ?")
        .bind(user_id)
        .bind(recovery_hash(code))
        .execute(conn)
        .await?
        .rows_affected();
    Ok(used == 1)
}

/// Makes the secret to enrol for the acting account, unless it has a second factor already.
#[derive(Debug, Clone, Copy)]
pub struct StartEnrolment {
    pub user_id: i64,
}

impl Command for StartEnrolment {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        if !enrolled(tx, self.user_id).await? {
            pending_secret_in(tx, self.user_id).await?;
        }
        Ok(())
    }
}

/// Confirms the acting account's enrolment with a code from the app. Returns the recovery
/// codes (shown only once), or `None` for a wrong code, which changes nothing.
#[derive(Debug, Clone)]
pub struct Enrol {
    pub user_id: i64,
    pub code: String,
}

impl Command for Enrol {
    type Output = Option<Vec<String>>;

    async fn run(self, tx: &mut Tx) -> CommandResult<Option<Vec<String>>> {
        let username = tx.actor().name.clone();
        let codes = confirm_in(tx, self.user_id, &username, &self.code).await?;
        if codes.is_some() {
            tx.audit("totp-enrolled", "", serde_json::json!({})).await?;
        }
        Ok(codes)
    }
}
