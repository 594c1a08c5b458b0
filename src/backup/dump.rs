//! The logical dump that archives of format 1 carry (zbor's backups before they carried pages,
//! see `pages`): the schema, then every table's rows in rowid order, then indexes and
//! triggers, as JSON lines. Restores still read it, so an older archive can always come back;
//! loading binds every value as a parameter, so no text is ever parsed as SQL, and runs only
//! the schema statements this zbor's migrations make.
//!
//! Full-text tables were dumped by their definition only: their contents are derived from the
//! collection and rebuilt after a restore.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use sqlx::{AssertSqlSafe, SqliteConnection};

/// What a dump says first, so a loader knows it reads one.
const FORMAT: &str = "zbor-sqlite-dump";
const VERSION: u32 = 1;

/// One line of a dump.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Line {
    /// The first line.
    Header { format: String, version: u32 },
    /// A `CREATE` statement, run as it comes.
    Schema { sql: String },
    /// The rows that follow belong to this table, with these columns (`rowid` first when the
    /// table has one, so rowids survive even where no column names them).
    Table { name: String, columns: Vec<String> },
    /// A row of the current table.
    Row { values: Vec<Option<Value>> },
    /// The last line: how many rows came, so a cut dump is never loaded.
    End { rows: u64 },
}

/// A SQLite value, tagged with its storage class so that it comes back as it went.
#[derive(Debug, Serialize, Deserialize)]
enum Value {
    #[serde(rename = "i")]
    Integer(i64),
    /// The bits of the double, so that every value (infinities included) is exact.
    #[serde(rename = "r")]
    Real(u64),
    #[serde(rename = "t")]
    Text(String),
    /// Lowercase hex.
    #[serde(rename = "b")]
    Blob(String),
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// The schema statements that `migrator` makes, from a database in memory.
pub async fn schema_of(migrator: &sqlx::migrate::Migrator) -> anyhow::Result<BTreeSet<String>> {
    use sqlx::Connection;
    let mut conn = SqliteConnection::connect("sqlite::memory:").await?;
    migrator.run(&mut conn).await?;
    let sql: Vec<String> =
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL").fetch_all(&mut conn).await?;
    Ok(sql.into_iter().collect())
}

/// Loads a dump into an empty database, line by line, inside one transaction: nothing is
/// committed unless the whole dump, up to its last line, was read and every row went in.
pub struct Loader<C> {
    conn: C,
    allowed: BTreeSet<String>,
    insert: Option<(String, usize)>,
    rows: u64,
    started: bool,
    ended: bool,
}

impl<C: std::ops::DerefMut<Target = SqliteConnection>> Loader<C> {
    /// Begins the load; foreign keys are checked once at the end, not row by row (rows come
    /// in table order, not in the order their references need).
    /// `allowed`: the schema statements the loader may run (see [`schema_of`]).
    pub async fn begin(mut conn: C, allowed: BTreeSet<String>) -> anyhow::Result<Self> {
        sqlx::query("PRAGMA foreign_keys = OFF").execute(&mut *conn).await?;
        sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
        Ok(Self { conn, allowed, insert: None, rows: 0, started: false, ended: false })
    }

    /// Feeds whole lines (a chunk of the dump).
    pub async fn feed(&mut self, chunk: &[u8]) -> anyhow::Result<()> {
        for line in chunk.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            self.line(line).await?;
        }
        Ok(())
    }

    async fn line(&mut self, line: &[u8]) -> anyhow::Result<()> {
        let line: Line = serde_json::from_slice(line).map_err(|e| anyhow::anyhow!("not a line of a dump: {e}"))?;
        if self.ended {
            anyhow::bail!("the dump goes on after its end");
        }
        match line {
            Line::Header { format, version } => {
                if format != FORMAT || version != VERSION || self.started {
                    anyhow::bail!("not a dump this zbor can read ({format} {version})");
                }
                self.started = true;
            }
            _ if !self.started => anyhow::bail!("the dump has no header"),
            Line::Schema { sql } => {
                // Only the statements this zbor's own migrations make: an archive is sealed,
                // not signed, so anyone with the public keys could write one.
                if !self.allowed.contains(&sql) {
                    anyhow::bail!(
                        "the dump's schema is not this version's ({}…): restore with the zbor version that made the backup",
                        sql.chars().take(60).collect::<String>()
                    );
                }
                sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut *self.conn).await?;
            }
            Line::Table { name, columns } => {
                let exists: Option<String> =
                    sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?")
                        .bind(&name)
                        .fetch_optional(&mut *self.conn)
                        .await?;
                if exists.is_none() || columns.is_empty() {
                    anyhow::bail!("rows for a table the schema did not make: {name}");
                }
                if name == "sqlite_sequence" {
                    sqlx::query("DELETE FROM sqlite_sequence").execute(&mut *self.conn).await?;
                }
                let list = columns.iter().map(|c| if c == "rowid" { c.clone() } else { quoted(c) }).collect::<Vec<_>>();
                let marks = vec!["?"; columns.len()].join(", ");
                let sql = format!("INSERT INTO {} ({}) VALUES ({marks})", quoted(&name), list.join(", "));
                self.insert = Some((sql, columns.len()));
            }
            Line::Row { values } => {
                let Some((sql, width)) = &self.insert else { anyhow::bail!("a row before its table") };
                if values.len() != *width {
                    anyhow::bail!("a row with {} values for {width} columns", values.len());
                }
                let mut query = sqlx::query(AssertSqlSafe(sql.as_str()));
                for value in values {
                    query = match value {
                        None => query.bind(None::<i64>),
                        Some(Value::Integer(i)) => query.bind(i),
                        Some(Value::Real(bits)) => query.bind(f64::from_bits(bits)),
                        Some(Value::Text(t)) => query.bind(t),
                        Some(Value::Blob(h)) => query.bind(unhex(&h).ok_or_else(|| anyhow::anyhow!("a damaged blob"))?),
                    };
                }
                query.execute(&mut *self.conn).await?;
                self.rows += 1;
            }
            Line::End { rows } => {
                if rows != self.rows {
                    anyhow::bail!("the dump announced {rows} rows and held {}", self.rows);
                }
                self.ended = true;
            }
        }
        Ok(())
    }

    /// Commits when the dump was whole and every reference holds; rolls back otherwise.
    pub async fn finish(mut self) -> anyhow::Result<u64> {
        let result = if !self.ended {
            Err(anyhow::anyhow!("the dump stops before its end"))
        } else {
            let broken: Vec<(String,)> =
                sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check").fetch_all(&mut *self.conn).await?;
            match broken.first() {
                Some((table,)) => {
                    Err(anyhow::anyhow!("{} row(s) of {table} and others refer to rows that are missing", broken.len()))
                }
                None => Ok(self.rows),
            }
        };
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        sqlx::query(end).execute(&mut *self.conn).await?;
        sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *self.conn).await?;
        result
    }
}

/// The writing side, which only the tests still need.
#[cfg(test)]
mod write {
    use super::*;
    use futures_util::TryStreamExt;
    use sqlx::{Column, Row, TypeInfo, ValueRef};

    /// The schema objects of a database in creation order, split into what must exist before
    /// the rows (tables) and what is best made after them (indexes, triggers, views).
    struct Schema {
        tables: Vec<(String, String)>,
        virtual_tables: Vec<String>,
        after: Vec<String>,
        has_sequence: bool,
    }

    async fn schema(conn: &mut SqliteConnection) -> sqlx::Result<Schema> {
        let objects: Vec<(String, String, Option<String>)> =
            sqlx::query_as("SELECT type, name, sql FROM sqlite_master ORDER BY rowid").fetch_all(&mut *conn).await?;
        let mut schema =
            Schema { tables: Vec::new(), virtual_tables: Vec::new(), after: Vec::new(), has_sequence: false };
        for (kind, name, sql) in objects {
            if name == "sqlite_sequence" {
                schema.has_sequence = true;
                continue;
            }
            // Internal tables (statistics) and automatic indexes (no SQL) are SQLite's own.
            let Some(sql) = sql else { continue };
            if name.starts_with("sqlite_") {
                continue;
            }
            // A virtual table's shadow tables are made by its own CREATE statement.
            if schema.virtual_tables.iter().any(|v| name.starts_with(&format!("{v}_"))) {
                continue;
            }
            match kind.as_str() {
                "table" if sql.trim_start().to_ascii_uppercase().starts_with("CREATE VIRTUAL") => {
                    schema.virtual_tables.push(name);
                    schema.tables.push((String::new(), sql));
                }
                "table" => schema.tables.push((name, sql)),
                _ => schema.after.push(sql),
            }
        }
        Ok(schema)
    }

    fn hex(bytes: &[u8]) -> String {
        use std::fmt::Write;
        let mut out = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            let _ = write!(out, "{b:02x}");
        }
        out
    }

    fn value(row: &sqlx::sqlite::SqliteRow, i: usize) -> anyhow::Result<Option<Value>> {
        let raw = row.try_get_raw(i)?;
        if raw.is_null() {
            return Ok(None);
        }
        let kind = raw.type_info().name().to_owned();
        Ok(Some(match kind.as_str() {
            "INTEGER" => Value::Integer(row.try_get_unchecked(i)?),
            "REAL" => Value::Real(row.try_get_unchecked::<f64, _>(i)?.to_bits()),
            "TEXT" => Value::Text(row.try_get_unchecked(i)?),
            "BLOB" => Value::Blob(hex(&row.try_get_unchecked::<Vec<u8>, _>(i)?)),
            other => anyhow::bail!("a value of unknown type {other} in column {}", row.columns()[i].name()),
        }))
    }

    /// Writes a dump of the database on `conn` to `out`, one JSON line at a time, inside one
    /// read transaction. `out` gets whole lines only. (Backups no longer write dumps: this makes
    /// the format-1 archives the tests restore.)
    pub async fn dump(
        conn: &mut SqliteConnection,
        mut out: impl FnMut(&[u8]) -> anyhow::Result<()>,
    ) -> anyhow::Result<u64> {
        let mut emit = |line: &Line| -> anyhow::Result<()> {
            let mut bytes = serde_json::to_vec(line)?;
            bytes.push(b'\n');
            out(&bytes)
        };
        sqlx::query("BEGIN").execute(&mut *conn).await?;
        let result: anyhow::Result<u64> = async {
            let schema = schema(conn).await?;
            emit(&Line::Header { format: FORMAT.to_owned(), version: VERSION })?;
            for (_, sql) in &schema.tables {
                emit(&Line::Schema { sql: sql.clone() })?;
            }
            let mut rows = 0;
            let mut tables: Vec<(String, bool)> = schema
                .tables
                .iter()
                .filter(|(name, _)| !name.is_empty())
                .map(|(name, sql)| (name.clone(), !without_rowid(sql)))
                .collect();
            if schema.has_sequence {
                // Last, so the counters end as they were whatever the inserts before did to them.
                tables.push(("sqlite_sequence".to_owned(), true));
            }
            for (name, has_rowid) in tables {
                let select = if has_rowid {
                    format!("SELECT rowid AS zbor_rowid, * FROM {} ORDER BY rowid", quoted(&name))
                } else {
                    format!("SELECT * FROM {}", quoted(&name))
                };
                let mut stream = sqlx::query(AssertSqlSafe(select)).fetch(&mut *conn);
                let mut announced = false;
                while let Some(row) = stream.try_next().await? {
                    if !announced {
                        let mut columns: Vec<String> = row.columns().iter().map(|c| c.name().to_owned()).collect();
                        if has_rowid {
                            columns[0] = "rowid".to_owned();
                        }
                        emit(&Line::Table { name: name.clone(), columns })?;
                        announced = true;
                    }
                    let values = (0..row.len()).map(|i| value(&row, i)).collect::<anyhow::Result<Vec<_>>>()?;
                    emit(&Line::Row { values })?;
                    rows += 1;
                }
            }
            for sql in &schema.after {
                emit(&Line::Schema { sql: sql.clone() })?;
            }
            emit(&Line::End { rows })?;
            Ok(rows)
        }
        .await;
        sqlx::query("ROLLBACK").execute(&mut *conn).await?;
        result
    }

    fn without_rowid(sql: &str) -> bool {
        sql.to_ascii_uppercase().split_whitespace().collect::<Vec<_>>().join(" ").contains("WITHOUT ROWID")
    }
}

#[cfg(test)]
pub use write::dump;

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;

    async fn memory() -> SqliteConnection {
        SqliteConnection::connect("sqlite::memory:").await.unwrap()
    }

    async fn schema_set(conn: &mut SqliteConnection) -> BTreeSet<String> {
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
            .fetch_all(conn)
            .await
            .unwrap()
            .into_iter()
            .collect()
    }

    #[tokio::test]
    async fn a_database_comes_back_value_for_value() {
        let mut from = memory().await;
        sqlx::raw_sql(
            "CREATE TABLE parent (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);
             CREATE TABLE child (parent INTEGER NOT NULL REFERENCES parent(id), anything);
             CREATE TABLE pairs (a TEXT, b TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;
             CREATE INDEX child_parent ON child (parent);
             CREATE TRIGGER no_update BEFORE UPDATE ON parent BEGIN SELECT RAISE(ABORT, 'no'); END;
             CREATE VIRTUAL TABLE words USING fts5 (body);
             INSERT INTO parent (name) VALUES ('a \"quoted\" ''name'''), ('Ёлка');
             INSERT INTO parent (name) VALUES ('gone'); DELETE FROM parent WHERE name = 'gone';
             INSERT INTO child (rowid, parent, anything) VALUES (7, 1, 1.5), (9, 2, x'00ff10'), (11, 2, NULL), (12, 1, 9e999), (13, 1, 'text');
             INSERT INTO pairs VALUES ('x', 'y');
             INSERT INTO words (body) VALUES ('derived, rebuilt after a restore');",
        )
        .execute(&mut from)
        .await
        .unwrap();
        let mut bytes = Vec::new();
        let rows = dump(&mut from, |line| {
            bytes.extend_from_slice(line);
            Ok(())
        })
        .await
        .unwrap();
        assert_eq!(rows, 2 + 5 + 1 + 1, "parent, child, pairs and the sequence; no full-text rows");

        let mut to = memory().await;
        let mut loader = Loader::begin(&mut to, schema_set(&mut from).await).await.unwrap();
        loader.feed(&bytes).await.unwrap();
        assert_eq!(loader.finish().await.unwrap(), rows);
        let children: Vec<(i64, i64, String)> =
            sqlx::query_as("SELECT rowid, parent, quote(anything) FROM child ORDER BY rowid")
                .fetch_all(&mut to)
                .await
                .unwrap();
        assert_eq!(
            children,
            [
                (7, 1, "1.5".into()),
                (9, 2, "X'00FF10'".into()),
                (11, 2, "NULL".into()),
                (12, 1, "9.0e+999".into()),
                (13, 1, "'text'".into())
            ]
        );
        let names: Vec<String> =
            sqlx::query_scalar("SELECT name FROM parent ORDER BY id").fetch_all(&mut to).await.unwrap();
        assert_eq!(names, ["a \"quoted\" 'name'", "Ёлка"]);
        let next: i64 = sqlx::query_scalar("INSERT INTO parent (name) VALUES ('new') RETURNING id")
            .fetch_one(&mut to)
            .await
            .unwrap();
        assert_eq!(next, 4, "the AUTOINCREMENT counter came back: ids are never reused");
        assert!(sqlx::query("UPDATE parent SET name = 'x'").execute(&mut to).await.is_err(), "triggers came back");
        let indexes: i64 = sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE name = 'child_parent'")
            .fetch_one(&mut to)
            .await
            .unwrap();
        assert_eq!(indexes, 1);
        let words: i64 = sqlx::query_scalar("SELECT count(*) FROM words").fetch_one(&mut to).await.unwrap();
        assert_eq!(words, 0, "the full-text table exists, empty, to be rebuilt");

        // A schema statement this version does not make is refused (an archive is not signed).
        let forged = String::from_utf8(bytes).unwrap().replacen(
            "{\"schema\":{\"sql\":\"CREATE TABLE parent",
            "{\"schema\":{\"sql\":\"ATTACH DATABASE '/tmp/x' AS x; CREATE TABLE parent",
            1,
        );
        let mut to = memory().await;
        let mut loader = Loader::begin(&mut to, schema_set(&mut from).await).await.unwrap();
        let err = loader.feed(forged.as_bytes()).await.unwrap_err().to_string();
        assert!(err.contains("not this version's"), "{err}");
    }

    #[tokio::test]
    async fn a_cut_or_inconsistent_dump_loads_nothing() {
        let mut from = memory().await;
        sqlx::raw_sql(
            "CREATE TABLE parent (id INTEGER PRIMARY KEY);
             CREATE TABLE child (parent INTEGER NOT NULL REFERENCES parent(id));
             INSERT INTO parent VALUES (5); INSERT INTO child VALUES (5);",
        )
        .execute(&mut from)
        .await
        .unwrap();
        let mut lines = Vec::new();
        dump(&mut from, |line| {
            lines.push(line.to_vec());
            Ok(())
        })
        .await
        .unwrap();

        let cut = lines[..lines.len() - 1].concat();
        let mut to = memory().await;
        let mut loader = Loader::begin(&mut to, schema_set(&mut from).await).await.unwrap();
        loader.feed(&cut).await.unwrap();
        assert!(loader.finish().await.unwrap_err().to_string().contains("before its end"));
        let tables: i64 = sqlx::query_scalar("SELECT count(*) FROM sqlite_master").fetch_one(&mut to).await.unwrap();
        assert_eq!(tables, 0, "nothing committed");

        // Without the parent's row, the child's reference is broken.
        let parent_row = b"{\"row\":{\"values\":[{\"i\":5},{\"i\":5}]}}\n".to_vec();
        assert!(lines.contains(&parent_row), "{lines:?}");
        let tampered = String::from_utf8(lines.iter().filter(|l| **l != parent_row).flatten().copied().collect())
            .unwrap()
            .replace("{\"end\":{\"rows\":2}}", "{\"end\":{\"rows\":1}}");
        let mut to = memory().await;
        let mut loader = Loader::begin(&mut to, schema_set(&mut from).await).await.unwrap();
        loader.feed(tampered.as_bytes()).await.unwrap();
        let err = loader.finish().await.unwrap_err().to_string();
        assert!(err.contains("refer to rows that are missing"), "{err}");
    }
}
