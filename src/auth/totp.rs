//! Time-based one-time codes (RFC 6238) for the second factor: enrolment with a QR code,
//! codes that work once, and one-time recovery codes.

use rand::RngCore;
use sqlx::SqlitePool;
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
    let existing: Option<String> = sqlx::query_scalar("SELECT secret FROM totp_pending WHERE user_id = ?")
        .bind(user_id)
        .fetch_optional(pool)
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
        .execute(pool)
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
    let secret = pending_secret(pool, user_id).await?;
    let Some(step) = totp(&secret, username)?.check(code.trim(), now()) else { return Ok(None) };
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let id = crate::donors::random_id();
            format!("{}-{}", &id[..5], &id[5..10])
        })
        .collect();
    let mut tx = pool.begin().await?;
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
    tx.commit().await?;
    Ok(Some(codes))
}

/// Whether the user has a second factor.
pub async fn enrolled(pool: &SqlitePool, user_id: i64) -> sqlx::Result<bool> {
    let secret: Option<Option<String>> =
        sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = ?").bind(user_id).fetch_optional(pool).await?;
    Ok(secret.flatten().is_some())
}

/// Checks a sign-in code: a TOTP code of a step not used before, or an unused recovery code
/// (which is then used up). Each works once.
pub async fn check_sign_in(pool: &SqlitePool, user_id: i64, username: &str, code: &str) -> anyhow::Result<bool> {
    let code = code.trim();
    if code.is_empty() || code.len() > 32 {
        return Ok(false);
    }
    let secret: Option<Option<String>> =
        sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = ?").bind(user_id).fetch_optional(pool).await?;
    let Some(secret) = secret.flatten() else { return Ok(false) };
    if let Some(step) = totp(&secret, username)?.check(code, now()) {
        // Accept a step only if it is later than the last one accepted: no replays.
        let accepted = sqlx::query("UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?")
            .bind(step as i64)
            .bind(user_id)
            .bind(step as i64)
            .execute(pool)
            .await?
            .rows_affected();
        return Ok(accepted == 1);
    }
    let used = sqlx::query("DELETE FROM recovery_codes WHERE user_id = ? AND code_hash = ?")
        .bind(user_id)
        .bind(recovery_hash(code))
        .execute(pool)
        .await?
        .rows_affected();
    Ok(used == 1)
}
