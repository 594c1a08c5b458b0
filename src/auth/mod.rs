//! Staff accounts: roles, Argon2id password hashes, sign-in with throttling, sessions.

pub mod sessions;
pub mod totp;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use sqlx::SqlitePool;

use crate::collection::command::{self, Actor, Command, CommandError, CommandResult, Tx};
use crate::db::Writer;

crate::collection::types::vocabulary!(
    /// What a staff member may do.
    #[derive(clap::ValueEnum)]
    Role, "role" {
        /// Accounts and settings, plus everything a curator does.
        Admin = "admin",
        /// Catalogue, publish, review offers.
        Curator = "curator",
        /// A curator who may also download sealed donor bundles.
        Keyholder = "keyholder",
        /// Catalogue drafts; cannot publish.
        Volunteer = "volunteer",
    }
);

impl Role {
    /// Everyone who reads offers must sign in with a second factor: offers hold what donors
    /// wrote, and a stolen password must not be enough to read them. Volunteers, who see no
    /// offers, may use a password alone.
    pub fn requires_totp(self) -> bool {
        self.can_review_offers()
    }

    /// Review offers from donors: accept, decline, reply.
    pub fn can_review_offers(self) -> bool {
        matches!(self, Role::Admin | Role::Curator | Role::Keyholder)
    }

    /// Publish and withdraw objects, and change what is already public.
    pub fn can_publish(self) -> bool {
        self != Role::Volunteer
    }

    /// Download sealed bundles of donors' stories and contacts.
    pub fn can_open_bundles(self) -> bool {
        self == Role::Keyholder
    }
}

/// Longest password accepted; longer ones are refused before hashing, so a huge password
/// cannot be used to burn the server's CPU.
pub const MAX_PASSWORD_LEN: usize = 256;
/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;

/// Argon2id with the OWASP-recommended parameters (19 MiB, 2 passes, 1 lane).
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// One Argon2id hash or check per core at a time, for every account and the command line:
/// each takes 19 MiB and a core for a moment, so a flood of sign-ins waits here instead of
/// exhausting memory. (Receipts have their own, in the intake form.) Public so that a test
/// can hold every slot and line guesses up behind them.
pub fn argon2_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map(std::num::NonZeroUsize::get).unwrap_or(2))
    })
}

/// Hashes a password off the async runtime.
pub async fn hash_password(password: SecretString) -> anyhow::Result<String> {
    let _slot = argon2_slots().acquire().await.context("password hashing slots")?;
    crate::cpu::run(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
    })
    .await
    .context("password hashing task")?
}

/// The name of a new account: 2–64 of letters, digits, `.`, `_`, `-`. Parsed where a name
/// comes in (the users form, `zbor init`, `zbor user add`). Names typed to sign in or to pick
/// an existing account stay text: they are only looked up, and an unknown one is not found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// The name, or the message saying what a name may be.
    pub fn parse(name: &str) -> anyhow::Result<Self> {
        let ok = (2..=64).contains(&name.chars().count())
            && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !ok {
            bail!("a username is 2–64 letters, digits, dots, dashes or underscores");
        }
        Ok(Self(name.to_owned()))
    }

    /// The name as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Username {
    type Err = anyhow::Error;

    fn from_str(name: &str) -> anyhow::Result<Self> {
        Self::parse(name)
    }
}

impl std::fmt::Display for Username {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a new password's length.
pub fn validate_password(password: &SecretString) -> anyhow::Result<()> {
    let len = password.expose_secret().chars().count();
    if len < MIN_PASSWORD_LEN {
        bail!("a password needs at least {MIN_PASSWORD_LEN} characters");
    }
    if len > MAX_PASSWORD_LEN {
        bail!("a password may have at most {MAX_PASSWORD_LEN} characters");
    }
    Ok(())
}

/// Adds a staff account (from the command line).
pub async fn create_user(
    pool: &SqlitePool,
    username: &Username,
    password: SecretString,
    role: Role,
) -> anyhow::Result<i64> {
    create_user_as(&Writer::new(pool.clone()), Actor::operator(), username, password, role).await
}

/// Checks and hashes a new account's password (slow, so before any write transaction), then
/// adds the account as `actor`.
pub async fn create_user_as(
    writer: &Writer,
    actor: Actor,
    username: &Username,
    password: SecretString,
    role: Role,
) -> anyhow::Result<i64> {
    validate_password(&password)?;
    let password_hash = hash_password(password).await?;
    let add = AddUser { username: username.clone(), password_hash, role };
    match command::execute(writer, actor, add).await {
        Ok(done) => Ok(done.output),
        Err(CommandError::Refused(_)) => bail!("there is already a user {:?}", username.as_str()),
        Err(CommandError::NotAllowed) => bail!("only admins add accounts"),
        Err(err) => Err(anyhow::Error::from(err)),
    }
}

/// Adds a staff account with a password already hashed. Admins only.
#[derive(Debug, Clone)]
pub struct AddUser {
    pub username: Username,
    pub password_hash: String,
    pub role: Role,
}

impl Command for AddUser {
    type Output = i64;

    async fn run(self, tx: &mut Tx) -> CommandResult<i64> {
        tx.require(|r| r == Role::Admin)?;
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE username = ? COLLATE NOCASE)")
            .bind(self.username.as_str())
            .fetch_one(&mut **tx)
            .await?;
        if exists {
            return Err(CommandError::Refused("users-error-exists"));
        }
        let id = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(self.username.as_str())
        .bind(&self.password_hash)
        .bind(self.role)
        .bind(chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .fetch_one(&mut **tx)
        .await?;
        tx.audit("user-add", self.username.as_str(), serde_json::json!({ "role": self.role })).await?;
        Ok(id)
    }
}

/// A hash to verify against when the username is unknown, so that an unknown user, a wrong
/// password and a right one take the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        hasher().hash_password(crate::ids::random_id().as_bytes(), &salt).map(|h| h.to_string()).unwrap_or_default()
    })
}

#[derive(sqlx::FromRow)]
struct Credentials {
    id: i64,
    password_hash: String,
}

/// Checks a username and password. Unknown users, disabled users and wrong passwords give
/// the same answer after the same work.
pub async fn authenticate(pool: &SqlitePool, username: &str, password: SecretString) -> anyhow::Result<Option<i64>> {
    if password.expose_secret().chars().count() > MAX_PASSWORD_LEN {
        return Ok(None);
    }
    let account: Option<Credentials> =
        sqlx::query_as("SELECT id, password_hash FROM users WHERE username = ? AND disabled = 0")
            .bind(username)
            .fetch_optional(pool)
            .await?;
    let stored = account.as_ref().map(|a| a.password_hash.clone()).unwrap_or_else(|| dummy_hash().to_owned());
    let _slot = argon2_slots().acquire().await.context("password check slots")?;
    let ok = crate::cpu::run(move || {
        PasswordHash::new(&stored)
            .map(|parsed| hasher().verify_password(password.expose_secret().as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    })
    .await
    .context("password check task")?;
    Ok(account.filter(|_| ok).map(|a| a.id))
}

/// Failed sign-ins per account and per client, in memory only. An account that failed too
/// often waits; other accounts are not affected. A client that failed too often is slowed
/// down, not shut out: behind a reverse proxy or an onion service every staff member is the
/// same client, and an attacker must not be able to lock them all out.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
    /// Failures per client, under a keyed hash of its address (never the address itself).
    clients: Mutex<HashMap<[u8; 16], (u32, Instant)>>,
    client_key: crate::web::peer::PeerHasher,
}

/// Failures a client may have within [`THROTTLE_WINDOW`] before its sign-ins are slowed.
pub const CLIENT_FREE_FAILURES: u32 = 10;
/// The longest a slowed client waits before each sign-in is checked.
pub const CLIENT_MAX_DELAY: Duration = Duration::from_secs(8);

/// Failures allowed within [`THROTTLE_WINDOW`] before an account must wait.
pub const MAX_FAILURES: u32 = 5;
/// How long failures count, and how long a throttled account waits.
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);

impl Throttle {
    fn key(username: &str) -> String {
        username.trim().to_lowercase()
    }

    /// Counts a guess at `username` as a failure before it is checked, in one step under the
    /// lock: `false` (and nothing to check) when the account has had [`MAX_FAILURES`] within
    /// [`THROTTLE_WINDOW`]. Guesses sent in parallel are so counted like guesses sent one
    /// after another; a right one clears the count with [`Throttle::succeeded`]. Names that
    /// are no account are counted the same way, so they answer alike.
    pub fn reserve(&self, username: &str) -> bool {
        let Ok(mut failures) = self.failures.lock() else { return false };
        let entry = failures.entry(Self::key(username)).or_insert((0, Instant::now()));
        if entry.1.elapsed() > THROTTLE_WINDOW {
            *entry = (0, Instant::now());
        }
        if entry.0 >= MAX_FAILURES {
            return false;
        }
        entry.0 += 1;
        // Bound the memory a flood of made-up usernames can take.
        if failures.len() > 10_000 {
            failures.retain(|_, (_, since)| since.elapsed() <= THROTTLE_WINDOW);
        }
        true
    }

    /// Whether `username` has spent its guesses for now (counted, not yet checked, included).
    pub fn spent(&self, username: &str) -> bool {
        let Ok(failures) = self.failures.lock() else { return true };
        failures
            .get(&Self::key(username))
            .is_some_and(|(count, since)| *count >= MAX_FAILURES && since.elapsed() <= THROTTLE_WINDOW)
    }

    /// A guess was right: the account's count starts again.
    pub fn succeeded(&self, username: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(&Self::key(username));
        }
    }

    /// How long a sign-in from `peer` waits before it is checked: nothing at first, then
    /// doubling from a quarter second with each failure, up to [`CLIENT_MAX_DELAY`].
    pub fn client_delay(&self, peer: Option<std::net::IpAddr>) -> Duration {
        let Ok(clients) = self.clients.lock() else { return CLIENT_MAX_DELAY };
        match clients.get(&self.client_key.key(peer)) {
            Some((count, since)) if *count > CLIENT_FREE_FAILURES && since.elapsed() <= THROTTLE_WINDOW => {
                let doublings = (count - CLIENT_FREE_FAILURES - 1).min(5);
                (Duration::from_millis(250) * 2u32.pow(doublings)).min(CLIENT_MAX_DELAY)
            }
            _ => Duration::ZERO,
        }
    }

    /// Counts a failed sign-in from `peer`.
    pub fn client_failed(&self, peer: Option<std::net::IpAddr>) {
        let key = self.client_key.key(peer);
        if let Ok(mut clients) = self.clients.lock() {
            let entry = clients.entry(key).or_insert((0, Instant::now()));
            if entry.1.elapsed() > THROTTLE_WINDOW {
                *entry = (0, Instant::now());
            }
            entry.0 += 1;
            if clients.len() > 10_000 {
                clients.retain(|_, (_, since)| since.elapsed() <= THROTTLE_WINDOW);
            }
        }
    }
}

/// An administrative change to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserChange {
    /// No more sign-ins; every session ends.
    Disable,
    /// The second factor and recovery codes are removed; every session ends.
    ResetTotp,
    /// Sign-ins are allowed again.
    Enable,
    /// A new role; every session ends, so the next sign-in carries it.
    Role(Role),
}

/// Applies `change` to account `username` as the command-line operator.
pub async fn change_user(pool: &SqlitePool, username: &str, change: UserChange) -> anyhow::Result<()> {
    let change = ChangeUser { username: username.to_owned(), change };
    match command::execute(&Writer::new(pool.clone()), Actor::operator(), change).await {
        Ok(_) => Ok(()),
        Err(CommandError::NotFound) => bail!("there is no user {username:?}"),
        Err(err) => Err(anyhow::Error::from(err)),
    }
}

/// Applies `change` to account `username`, ending its sessions. Admins only; an admin cannot
/// disable themselves or take away their own role.
#[derive(Debug, Clone)]
pub struct ChangeUser {
    pub username: String,
    pub change: UserChange,
}

impl Command for ChangeUser {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        tx.require(|r| r == Role::Admin)?;
        let username = self.username.as_str();
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = ?")
            .bind(username)
            .fetch_optional(&mut **tx)
            .await?;
        let id = id.ok_or(CommandError::NotFound)?;
        if username.eq_ignore_ascii_case(&tx.actor().name)
            && matches!(self.change, UserChange::Disable | UserChange::Role(_))
        {
            return Err(CommandError::Refused("users-error-self"));
        }
        let mut details = serde_json::json!({});
        let action = match self.change {
            UserChange::Disable => {
                sqlx::query("UPDATE users SET disabled = 1 WHERE id = ?").bind(id).execute(&mut **tx).await?;
                "user-disable"
            }
            UserChange::ResetTotp => {
                sqlx::query("UPDATE users SET totp_secret = NULL, totp_last_step = 0 WHERE id = ?")
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = ?").bind(id).execute(&mut **tx).await?;
                sqlx::query("DELETE FROM totp_pending WHERE user_id = ?").bind(id).execute(&mut **tx).await?;
                "user-reset-totp"
            }
            UserChange::Enable => {
                sqlx::query("UPDATE users SET disabled = 0 WHERE id = ?").bind(id).execute(&mut **tx).await?;
                "user-enable"
            }
            UserChange::Role(role) => {
                let old: Role =
                    sqlx::query_scalar("SELECT role FROM users WHERE id = ?").bind(id).fetch_one(&mut **tx).await?;
                sqlx::query("UPDATE users SET role = ? WHERE id = ?").bind(role).bind(id).execute(&mut **tx).await?;
                details = serde_json::json!({ "changes": [{ "field": "role", "old": old, "new": role }] });
                "user-role"
            }
        };
        sqlx::query("DELETE FROM sessions WHERE user_id = ?").bind(id).execute(&mut **tx).await?;
        tx.audit(action, username, details).await?;
        Ok(())
    }
}

/// Why a password could not be changed.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the current password is not right")]
    WrongCurrent,
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Changes a user's own password after checking the current one; every session of the user
/// ends (the one in use too), and the change is audited. The slow hashing happens before the
/// write transaction.
pub async fn change_password(
    pool: &SqlitePool,
    writer: &Writer,
    actor: Actor,
    user_id: i64,
    current: SecretString,
    new: SecretString,
) -> Result<(), PasswordError> {
    if authenticate(pool, &actor.name, current).await? != Some(user_id) {
        return Err(PasswordError::WrongCurrent);
    }
    validate_password(&new).map_err(|e| PasswordError::Invalid(e.to_string()))?;
    let password_hash = hash_password(new).await?;
    command::execute(writer, actor, SetPassword { user_id, password_hash }).await.map_err(anyhow::Error::from)?;
    Ok(())
}

/// Sets the acting account's password (already hashed) and ends all its sessions.
#[derive(Debug, Clone)]
pub struct SetPassword {
    pub user_id: i64,
    pub password_hash: String,
}

impl Command for SetPassword {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
            .bind(&self.password_hash)
            .bind(self.user_id)
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = ?").bind(self.user_id).execute(&mut **tx).await?;
        let username = tx.actor().name.clone();
        tx.audit("password-changed", &username, serde_json::json!({})).await?;
        Ok(())
    }
}

/// Completes a sign-in whose password was right: checks the second factor when one is
/// enrolled (a wrong code is refused like a wrong password and changes nothing), makes the
/// secret to enrol for one who has none, and starts a session. Returns the cookie's value.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub user_id: i64,
    pub code: String,
}

impl Command for SignIn {
    type Output = String;

    async fn run(self, tx: &mut Tx) -> CommandResult<String> {
        let username = tx.actor().name.clone();
        if totp::enrolled(tx, self.user_id).await? {
            if !totp::check_sign_in(tx, self.user_id, &username, &self.code).await? {
                return Err(CommandError::Refused("login-error"));
            }
        } else {
            totp::pending_secret_in(tx, self.user_id).await?;
        }
        let token = sessions::create(tx, self.user_id).await?;
        tx.audit("login", "", serde_json::json!({})).await?;
        Ok(token)
    }
}

/// Counts a failed sign-in. The audit log gets an entry at the 1st, 2nd, 4th, 8th… failure of
/// an account within an hour, with the count, so a flood of guesses writes a bounded number
/// of entries; names that are no account are counted together and never stored, so an
/// attacker cannot fill the log with names of their choosing.
#[derive(Debug, Clone)]
pub struct SignInFailed {
    pub username: String,
}

/// The account under which failures for names that are no account are counted.
pub const UNKNOWN_ACCOUNT: &str = "(unknown account)";

impl Command for SignInFailed {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        let known: Option<String> = sqlx::query_scalar("SELECT username FROM users WHERE username = ?")
            .bind(self.username.trim())
            .fetch_optional(&mut **tx)
            .await?;
        let account = known.unwrap_or_else(|| UNKNOWN_ACCOUNT.to_owned());
        let now = chrono::Utc::now();
        let hour = now.format("%Y-%m-%dT%H").to_string();
        let day_ago = (now - chrono::Duration::hours(24)).format("%Y-%m-%dT%H").to_string();
        sqlx::query("DELETE FROM sign_in_failures WHERE hour < ?").bind(&day_ago).execute(&mut **tx).await?;
        let count: i64 = sqlx::query_scalar(
            "INSERT INTO sign_in_failures (account, hour, count) VALUES (?, ?, 1)
             ON CONFLICT (account, hour) DO UPDATE SET count = count + 1 RETURNING count",
        )
        .bind(&account)
        .bind(&hour)
        .fetch_one(&mut **tx)
        .await?;
        if count > 0 && (count as u64).is_power_of_two() {
            tx.audit_by(&account, "login-failed", "", serde_json::json!({ "count": count, "hour": hour })).await?;
        }
        Ok(())
    }
}

/// Ends the session of a cookie value.
#[derive(Debug, Clone)]
pub struct SignOut {
    pub token: Option<String>,
}

impl Command for SignOut {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        if let Some(token) = &self.token {
            sessions::end(tx, token).await?;
        }
        tx.audit("logout", "", serde_json::json!({})).await?;
        Ok(())
    }
}

/// A staff account as admins see it.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct Account {
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    pub totp_enrolled: bool,
    pub created_at: String,
}

/// Every staff account, by name.
pub async fn accounts(pool: &SqlitePool) -> sqlx::Result<Vec<Account>> {
    sqlx::query_as(
        "SELECT username, role, disabled, totp_secret IS NOT NULL AS totp_enrolled, created_at
         FROM users ORDER BY username COLLATE NOCASE",
    )
    .fetch_all(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_guesses_reserve_no_more_than_the_limit() {
        let throttle = std::sync::Arc::new(Throttle::default());
        let granted: u32 = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..30).map(|_| scope.spawn(|| u32::from(throttle.reserve("Olga ")))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(granted, MAX_FAILURES);
        assert!(!throttle.reserve("olga"), "the same account, however written");
        assert!(throttle.reserve("vera"), "other accounts are not affected");
        throttle.succeeded("vera");
        assert!(throttle.reserve("vera"));
    }
}
