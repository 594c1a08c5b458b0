//! The two SQLite databases: `zbor.sqlite` (the collection) and `contacts.sqlite` (sealed
//! donor records only). They are separate files so the catalogue can be copied, exported or
//! inspected without ever carrying a sealed record along.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Sqlite, SqliteConnection, SqlitePool, Transaction};

/// Migrations of the collection database, embedded in the binary.
pub static MAIN_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/main");
/// Migrations of the contacts database, embedded in the binary.
pub static CONTACTS_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/contacts");

/// Opens (creating when missing) a database with the settings every connection must have.
///
/// Pragmas set on the connect options run on every new connection of the pool; this matters
/// for `secure_delete`, `foreign_keys` and `busy_timeout`, which are per connection.
pub async fn open(path: &Path, max_connections: u32) -> anyhow::Result<SqlitePool> {
    crate::private::create_file(path)?;
    let url = format!("sqlite://{}", path.display());
    let options = SqliteConnectOptions::from_str(&url)
        .with_context(|| format!("database path {}", path.display()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        // Deleted rows are overwritten with zeros, so removed data does not linger in free pages.
        .pragma("secure_delete", "on")
        // The WAL stays in place between writes (no file made or removed per offer), and is
        // cut back to this size after checkpoints.
        .pragma("journal_size_limit", "4194304")
        .pragma("temp_store", "memory")
        // No statement in the logs at any level, slow ones included (sqlx writes those as
        // warnings): a line's time next to `INSERT INTO offers` would date an offer.
        .disable_statement_logging();
    SqlitePoolOptions::new()
        .max_connections(max_connections)
        .connect_with(options)
        .await
        .with_context(|| format!("opening {}", path.display()))
}

/// The one way into a write transaction on a database: writers of this process take turns
/// (first come, first served) and each begins with `BEGIN IMMEDIATE`, so it holds SQLite's
/// write lock from its first statement. A transaction that reads before it writes (the audit
/// chain's last hash, the next entry number) can then never be overtaken between the two,
/// and a burst of writers queues instead of failing with "database is locked".
#[derive(Clone, Debug)]
pub struct Writer {
    pool: SqlitePool,
    turn: Arc<tokio::sync::Mutex<()>>,
}

impl Writer {
    /// Empties the database's WAL (see [`truncate_wal`]).
    pub async fn truncate_wal(&self) -> sqlx::Result<()> {
        truncate_wal(&self.pool).await
    }

    /// The pool, for reads before a write.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub fn new(pool: SqlitePool) -> Self {
        Self { pool, turn: Arc::new(tokio::sync::Mutex::new(())) }
    }

    /// Waits for this process's turn, then begins an immediate transaction.
    pub async fn begin(&self) -> sqlx::Result<WriteTx> {
        let turn = Arc::clone(&self.turn).lock_owned().await;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(WriteTx { tx, _turn: turn })
    }
}

/// Moves everything in the WAL into the database file and empties the WAL, so text just
/// deleted (with `secure_delete`, its pages are zeroed in the database) does not linger in
/// the journal. A reader in the middle of a long read (a backup, an export) keeps the WAL
/// busy: then the emptying is owed, and tried again in the background until it is done.
/// (A busy checkpoint has already waited the connection's busy timeout for the readers.)
pub async fn truncate_wal(pool: &SqlitePool) -> sqlx::Result<()> {
    if !checkpoint(pool).await? {
        owe_truncation(pool.clone());
    }
    Ok(())
}

/// One `wal_checkpoint(TRUNCATE)`: whether the WAL is now empty.
async fn checkpoint(pool: &SqlitePool) -> sqlx::Result<bool> {
    let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(pool).await?;
    Ok(busy == 0)
}

/// Databases whose WAL is owed an emptying, each tried by one task at a time.
static OWED: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Tries to empty `pool`'s WAL every half second until it is done (a reader kept it busy).
fn owe_truncation(pool: SqlitePool) {
    let file = pool.connect_options().get_filename().to_path_buf();
    {
        let Ok(mut owed) = OWED.lock() else { return };
        if owed.contains(&file) {
            return;
        }
        owed.push(file.clone());
    }
    tracing::warn!("the WAL could not be emptied at once (a reader kept it busy); trying again until it is");
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            match checkpoint(&pool).await {
                Ok(true) => break,
                Ok(false) => {}
                Err(e) if pool.is_closed() => {
                    tracing::error!(error = %e, "the WAL could not be emptied before the database closed");
                    break;
                }
                Err(e) => tracing::warn!(error = %e, "emptying the WAL"),
            }
        }
        if let Ok(mut owed) = OWED.lock() {
            owed.retain(|f| f != &file);
        }
        tracing::info!("the WAL owed an emptying is empty");
    });
}

/// A write transaction holding the writers' turn; rolled back when dropped uncommitted.
#[derive(Debug)]
pub struct WriteTx {
    tx: Transaction<'static, Sqlite>,
    _turn: tokio::sync::OwnedMutexGuard<()>,
}

impl WriteTx {
    pub async fn commit(self) -> sqlx::Result<()> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> sqlx::Result<()> {
        self.tx.rollback().await
    }
}

impl Deref for WriteTx {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

/// Both databases, opened and migrated.
#[derive(Clone, Debug)]
pub struct Databases {
    /// The collection: objects, authorities, media records, users, audit. Read from the pool;
    /// write through [`Databases::writer`].
    pub main: SqlitePool,
    /// Write transactions on `main`.
    pub writer: Writer,
}

/// Refuses a collection whose database this zbor would migrate (for a command that promises
/// to change nothing, such as a dry run).
pub async fn refuse_pending_migrations(config: &crate::config::Config) -> anyhow::Result<()> {
    let path = config.main_db_path();
    if !path.is_file() {
        return Ok(()); // the command's own opening says there is no collection
    }
    let pool = open(&path, 1).await?;
    let applied: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
        .fetch_optional(&pool)
        .await
        .ok()
        .flatten();
    pool.close().await;
    let latest = MAIN_MIGRATIONS.iter().map(|m| m.version).max().unwrap_or(0);
    if applied.unwrap_or(0) < latest {
        anyhow::bail!(
            "{} was made by an older zbor (schema {} of {latest}): a dry run changes nothing, not even that; \
             upgrade it first (`zbor serve` or any other command does), then check the table",
            path.display(),
            applied.unwrap_or(0)
        );
    }
    Ok(())
}

/// The file a restore leaves in the data folder until everything it wrote is checked: an
/// interrupted restore (a signal, a full disk, a power cut) leaves a folder no command uses,
/// which the next `zbor restore` empties and starts over.
pub const RESTORING: &str = ".restoring";

impl Databases {
    /// Opens the collection database under `data_dir` and applies pending migrations. The
    /// contacts database is opened by `donors::contacts::Vault`, which keeps it to itself.
    ///
    /// A data folder holding a restore that did not finish is refused: its databases may be
    /// whole, empty or unchecked (see [`RESTORING`]).
    pub async fn open(config: &crate::config::Config) -> anyhow::Result<Self> {
        if config.data_dir.join(RESTORING).exists() {
            anyhow::bail!(
                "{} holds a restore that did not finish: run the same `zbor restore` again (it starts over) before using it",
                config.data_dir.display()
            );
        }
        Self::open_restoring(config).await
    }

    /// [`Databases::open`] for the restore itself, which checks what it wrote before its
    /// marker goes.
    pub(crate) async fn open_restoring(config: &crate::config::Config) -> anyhow::Result<Self> {
        crate::private::create_dir_all(&config.data_dir)?;
        let main = open(&config.main_db_path(), 8).await?;
        MAIN_MIGRATIONS.run(&main).await.context("migrating zbor.sqlite")?;
        Ok(Self { writer: Writer::new(main.clone()), main })
    }

    /// [`Databases::open`] for a command that works on a collection made before: refuses a
    /// data folder without one (a mistyped `--data-dir`, the wrong working folder) instead of
    /// making a new, empty collection there and reporting on it.
    pub async fn open_existing(config: &crate::config::Config) -> anyhow::Result<Self> {
        let path = config.main_db_path();
        if !path.is_file() {
            anyhow::bail!(
                "there is no collection in {} (no {}): check --data-dir, ZBOR_DATA_DIR or zbor.toml, or run `zbor init` first",
                config.data_dir.display(),
                path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
            );
        }
        Self::open(config).await
    }

    /// Answers when the database does; used by `/healthz`.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.main).await?;
        Ok(())
    }

    /// Closes the pool, letting SQLite checkpoint the WAL.
    pub async fn close(&self) {
        self.main.close().await;
    }
}
