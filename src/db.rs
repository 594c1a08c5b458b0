//! The two SQLite databases: `zbor.sqlite` (the collection) and `contacts.sqlite` (sealed
//! donor records only). They are separate files so the catalogue can be copied, exported or
//! inspected without ever carrying a sealed record along.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// Migrations of the collection database, embedded in the binary.
pub static MAIN_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/main");
/// Migrations of the contacts database, embedded in the binary.
pub static CONTACTS_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/contacts");

/// Opens (creating when missing) a database with the settings every connection must have.
///
/// Pragmas set on the connect options run on every new connection of the pool; this matters
/// for `secure_delete`, `foreign_keys` and `busy_timeout`, which are per connection.
pub async fn open(path: &Path, max_connections: u32) -> anyhow::Result<SqlitePool> {
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
        .pragma("temp_store", "memory");
    SqlitePoolOptions::new()
        .max_connections(max_connections)
        .connect_with(options)
        .await
        .with_context(|| format!("opening {}", path.display()))
}

/// Both databases, opened and migrated.
#[derive(Clone, Debug)]
pub struct Databases {
    /// The collection: objects, authorities, media records, users, audit.
    pub main: SqlitePool,
    /// Sealed donor records and nothing else.
    pub contacts: SqlitePool,
}

impl Databases {
    /// Opens both databases under `data_dir` and applies pending migrations.
    pub async fn open(config: &crate::config::Config) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&config.data_dir).with_context(|| format!("creating {}", config.data_dir.display()))?;
        let main = open(&config.main_db_path(), 8).await?;
        MAIN_MIGRATIONS.run(&main).await.context("migrating zbor.sqlite")?;
        let contacts = open(&config.contacts_db_path(), 2).await?;
        CONTACTS_MIGRATIONS.run(&contacts).await.context("migrating contacts.sqlite")?;
        Ok(Self { main, contacts })
    }

    /// Answers when both databases do; used by `/healthz`.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.main).await?;
        sqlx::query("SELECT 1").execute(&self.contacts).await?;
        Ok(())
    }

    /// Closes both pools, letting SQLite checkpoint the WAL.
    pub async fn close(&self) {
        self.main.close().await;
        self.contacts.close().await;
    }
}
