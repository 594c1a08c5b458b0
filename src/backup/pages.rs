//! A database as its pages: read inside one read transaction through SQLite's `sqlite_dbpage`
//! table (a consistent snapshot while `zbor serve` keeps writing, read through SQLite's own
//! pager and WAL, never a plaintext copy on disk and never the whole database in memory), and
//! written back on restore as the database file, which is checked before anything trusts it.
//!
//! An archive is sealed, not signed: anyone with the public keys could write one. So a restored
//! file must pass SQLite's integrity check, hold exactly the schema that this zbor's own
//! migrations make (up to the migration the backup had reached, each checked by its checksum:
//! no trigger, view or table of anyone else's), and every foreign key must hold.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use futures_util::TryStreamExt;
use sqlx::{Connection, SqliteConnection};

/// The first bytes of every SQLite database file.
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Pages read per row: one row per page would cost a hand-over between SQLite's thread and
/// ours for every 4 KiB.
const PAGES_PER_ROW: i64 = 32;

/// `SELECT` of [`PAGES_PER_ROW`] pages a row, row `i` holding pages `i * PAGES_PER_ROW + 1` on
/// (NULL past the last page), for `?1` rows.
static SELECT_PAGES: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let columns: Vec<String> = (1..=PAGES_PER_ROW)
        .map(|k| format!("(SELECT data FROM sqlite_dbpage('main') WHERE pgno = i * {PAGES_PER_ROW} + {k})"))
        .collect();
    format!(
        "WITH RECURSIVE n (i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1) SELECT {} FROM n",
        columns.join(", ")
    )
});

/// Streams every page of the database on `conn`, in order, to `out`, inside one read
/// transaction. Returns the number of pages, and what the query `also` (one text value, if
/// given) read from the same snapshot.
pub async fn read(
    conn: &mut SqliteConnection,
    also: Option<&'static str>,
    mut out: impl FnMut(&[u8]) -> anyhow::Result<()>,
) -> anyhow::Result<(u64, Option<String>)> {
    use sqlx::Row;
    sqlx::query("BEGIN").execute(&mut *conn).await?;
    let result: anyhow::Result<(u64, Option<String>)> = async {
        // The snapshot begins with the first read and holds until the end of the transaction.
        let _: i64 = sqlx::query_scalar("SELECT count(*) FROM sqlite_schema").fetch_one(&mut *conn).await?;
        // A value read from the very snapshot the pages are (the audit log's last hash).
        let seen = match also {
            Some(sql) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_optional(&mut *conn).await?,
            None => None,
        };
        let page_size: i64 = sqlx::query_scalar("PRAGMA page_size").fetch_one(&mut *conn).await?;
        let page_count: i64 = sqlx::query_scalar("PRAGMA page_count").fetch_one(&mut *conn).await?;
        let rows = (page_count + PAGES_PER_ROW - 1) / PAGES_PER_ROW;
        let mut stream = sqlx::query(sqlx::AssertSqlSafe(SELECT_PAGES.as_str())).bind(rows).fetch(&mut *conn);
        let mut count: i64 = 0;
        while let Some(row) = stream.try_next().await? {
            for column in 0..PAGES_PER_ROW as usize {
                let page: Option<&[u8]> = row.try_get(column)?;
                match page {
                    Some(data) if count < page_count && data.len() as i64 == page_size => out(data)?,
                    None if count >= page_count => continue,
                    _ => {
                        bail!("SQLite gave page {} otherwise than the {page_count} of {page_size} bytes due", count + 1)
                    }
                }
                count += 1;
            }
        }
        if count != page_count {
            bail!("SQLite gave {count} of the database's {page_count} pages");
        }
        Ok((count as u64, seen))
    }
    .await;
    sqlx::query("ROLLBACK").execute(&mut *conn).await?;
    let (count, seen) = result?;
    if count == 0 {
        bail!("the database has no pages");
    }
    Ok((count, seen))
}

/// Checks the first page's header before SQLite opens the file: the magic, a page size SQLite
/// allows, and a length of whole pages matching the page count the header gives.
fn check_header(path: &Path) -> anyhow::Result<()> {
    use std::io::Read;
    let mut header = [0u8; 100];
    let mut file = std::fs::File::open(path)?;
    let length = file.metadata()?.len();
    file.read_exact(&mut header).context("shorter than a database's header")?;
    if &header[..16] != MAGIC {
        bail!("not a SQLite database");
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n if n >= 512 && n.is_power_of_two() => u64::from(n),
        n => bail!("a page size of {n} bytes, which SQLite never writes"),
    };
    let pages = u64::from(u32::from_be_bytes([header[28], header[29], header[30], header[31]]));
    if length % page_size != 0 || length / page_size != pages {
        bail!("{length} bytes where the header announces {pages} page(s) of {page_size}");
    }
    Ok(())
}

/// A row of `sqlite_schema`: type, name, table and statement.
type SchemaRow = (String, String, String, Option<String>);

/// Every schema object of a database, as SQLite keeps them (nothing left out: a row that looks
/// like SQLite's own could hold a trigger).
async fn schema(conn: &mut SqliteConnection) -> sqlx::Result<BTreeSet<SchemaRow>> {
    let rows: Vec<SchemaRow> =
        sqlx::query_as("SELECT type, name, tbl_name, sql FROM sqlite_schema").fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().collect())
}

/// The schema `migrator` makes up to `version` (all of it when `None`), in a database in memory.
async fn schema_made(migrator: &sqlx::migrate::Migrator, version: Option<i64>) -> anyhow::Result<BTreeSet<SchemaRow>> {
    let mut fresh = SqliteConnection::connect("sqlite::memory:").await?;
    match version {
        Some(version) => migrator.run_to(version, &mut fresh).await?,
        None => migrator.run(&mut fresh).await?,
    }
    let made = schema(&mut fresh).await?;
    fresh.close().await?;
    Ok(made)
}

/// Checks a restored database file at `path` before it is used: a whole, intact SQLite file
/// whose migrations are a prefix of `migrator`'s (same versions, same checksums) and whose
/// schema is exactly what those migrations make; every foreign key holds. Nothing of the
/// file's schema runs before it passed.
pub async fn check(path: &Path, migrator: &sqlx::migrate::Migrator) -> anyhow::Result<()> {
    use sqlx::sqlite::SqliteConnectOptions;
    check_header(path)?;
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .foreign_keys(false)
        // Functions with side effects may not run from a view or a trigger of this file.
        .pragma("trusted_schema", "off");
    let mut conn = SqliteConnection::connect_with(&options).await.context("SQLite cannot open it")?;
    let result = async {
        // The schema first, read as stored (nothing of it is run): only then is anything of
        // the file read through it, so a view or a constraint of someone else's is never
        // evaluated, not even by the integrity check.
        let found = schema(&mut conn).await?;
        let record = schema_made(migrator, None).await?.into_iter().find(|(_, name, _, _)| name == "_sqlx_migrations");
        if record.is_none_or(|row| !found.contains(&row)) {
            bail!("it has no record of zbor's migrations");
        }
        let applied: Vec<(i64, Vec<u8>, bool)> =
            sqlx::query_as("SELECT version, checksum, success FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&mut conn)
                .await?;
        let ours: Vec<&sqlx::migrate::Migration> =
            migrator.iter().filter(|m| m.migration_type.is_up_migration()).collect();
        if applied.is_empty() || applied.len() > ours.len() {
            bail!("it was made by another version of zbor: restore with the zbor version that made the backup");
        }
        for ((version, checksum, success), migration) in applied.iter().zip(&ours) {
            if *version != migration.version || checksum.as_slice() != &*migration.checksum || !success {
                bail!("its migration {version} is not this zbor's: restore with the zbor version that made the backup");
            }
        }
        let last = applied.last().map(|(version, _, _)| *version).unwrap_or_default();
        let expected = schema_made(migrator, Some(last)).await?;
        if let Some((kind, name, _, _)) = found.symmetric_difference(&expected).next() {
            bail!("its schema is not the one zbor's migrations make (the {kind} {name} differs)");
        }
        let verdict: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&mut conn).await?;
        if verdict != ["ok"] {
            bail!("SQLite finds it damaged: {}", verdict.join("; "));
        }
        let broken: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check").fetch_all(&mut conn).await?;
        if let Some((table,)) = broken.first() {
            bail!("{} row(s) of {table} and others refer to rows that are missing", broken.len());
        }
        Ok(())
    }
    .await;
    conn.close().await?;
    result
}

/// Writes a database file from its pages, as they come, into a new owner-only file.
pub struct FileWriter {
    file: std::io::BufWriter<std::fs::File>,
}

impl FileWriter {
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        Ok(Self { file: std::io::BufWriter::with_capacity(1 << 20, super::new_file(path)?) })
    }

    pub fn feed(&mut self, pages: &[u8]) -> anyhow::Result<()> {
        self.file.write_all(pages)?;
        Ok(())
    }

    pub fn finish(self) -> anyhow::Result<()> {
        let file = self.file.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok(())
    }
}

/// Every page of the database at `path`, in memory (for tests: backups stream them).
#[cfg(test)]
pub async fn of_file(path: &Path) -> Vec<u8> {
    let pool = crate::db::open(path, 1).await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let mut bytes = Vec::new();
    let (pages, _) = read(&mut conn, None, |page| {
        bytes.extend_from_slice(page);
        Ok(())
    })
    .await
    .unwrap();
    assert_eq!(bytes.len() as u64 % pages, 0);
    drop(conn);
    pool.close().await;
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/contacts");

    async fn made(dir: &Path) -> (std::path::PathBuf, Vec<u8>) {
        let source = dir.join("source.sqlite");
        let pool = crate::db::open(&source, 1).await.unwrap();
        MIGRATIONS.run(&pool).await.unwrap();
        pool.close().await;
        let bytes = of_file(&source).await;
        (source, bytes)
    }

    fn write(path: &Path, bytes: &[u8]) {
        let mut writer = FileWriter::create(path).unwrap();
        writer.feed(bytes).unwrap();
        writer.finish().unwrap();
    }

    #[tokio::test]
    async fn pages_come_back_as_a_database_that_passes_its_checks() {
        let dir = tempfile::tempdir().unwrap();
        let (_, bytes) = made(dir.path()).await;
        let restored = dir.path().join("restored.sqlite");
        write(&restored, &bytes);
        check(&restored, &MIGRATIONS).await.unwrap();
        let pool = crate::db::open(&restored, 1).await.unwrap();
        let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations").fetch_one(&pool).await.unwrap();
        assert_eq!(applied, MIGRATIONS.iter().count() as i64);
        pool.close().await;
    }

    #[tokio::test]
    async fn a_cut_damaged_or_foreign_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (source, bytes) = made(dir.path()).await;
        let refused = |name: &str, bytes: Vec<u8>| {
            let path = dir.path().join(name);
            write(&path, &bytes);
            async move { format!("{:#}", check(&path, &MIGRATIONS).await.unwrap_err()) }
        };
        let page = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
        let cut = refused("cut", bytes[..bytes.len() - page].to_vec()).await;
        assert!(cut.contains("announces"), "{cut}");
        // The schema's own b-tree page, overwritten after the file header.
        let mut damaged = bytes.clone();
        damaged[100..160].fill(0xa5);
        let damaged = refused("damaged", damaged).await;
        assert!(damaged.contains("damaged") || damaged.contains("malformed"), "{damaged}");

        // Someone else's trigger, added to a database that is otherwise zbor's.
        let pool = crate::db::open(&source, 1).await.unwrap();
        sqlx::raw_sql("CREATE TABLE spy (x); CREATE TRIGGER copy AFTER INSERT ON spy BEGIN SELECT 1; END;")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        let forged = of_file(&source).await;
        let foreign = refused("foreign", forged).await;
        assert!(foreign.contains("schema is not the one"), "{foreign}");

        // The same, hiding behind a name SQLite uses for its own statistics.
        let pool = crate::db::open(&source, 1).await.unwrap();
        // (SQLite refuses such a name to CREATE, but a forged file is written byte by byte.)
        sqlx::raw_sql(
            "DROP TRIGGER copy; DROP TABLE spy; PRAGMA writable_schema = ON;
             INSERT INTO sqlite_schema (type, name, tbl_name, rootpage, sql) VALUES ('trigger', 'sqlite_stat1',
               'sealed_records', 0, 'CREATE TRIGGER sqlite_stat1 AFTER INSERT ON sealed_records BEGIN SELECT 1; END');
             PRAGMA writable_schema = OFF;",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
        let disguised = of_file(&source).await;
        let disguised = refused("disguised", disguised).await;
        assert!(disguised.contains("schema is not the one"), "{disguised}");
        let other = {
            let path = dir.path().join("other");
            write(&path, &bytes);
            format!("{:#}", check(&path, &crate::db::MAIN_MIGRATIONS).await.unwrap_err())
        };
        assert!(other.contains("not this zbor's"), "{other}");
        let text = refused("text", b"not a database at all, just some words".repeat(200)).await;
        assert!(text.contains("not a SQLite database"), "{text}");
    }
}
