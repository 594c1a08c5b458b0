//! The collection as a table: every catalogue field of every object in three languages, to
//! edit in a spreadsheet and read back. Rows are matched by entry number (or accession number
//! when the entry column is empty or absent); only the columns present are changed, so a file
//! without the private columns leaves them alone. A file with any bad row changes nothing: the
//! report names each bad row by its line and column. Each object changed is saved through the
//! editor's own command, with its audit entry.

use std::io::Write;

use serde::Serialize;
use sqlx::SqliteConnection;

use super::command::{Command, CommandError, CommandResult, Tx};
use super::objects::{self, Change, ObjectInput};

/// The key columns, before the fields.
pub const KEYS: [&str; 2] = ["entry_number", "accession_number"];

/// The header of an exported table.
pub fn header() -> Vec<&'static str> {
    KEYS.iter().copied().chain(objects::field_names()).collect()
}

/// Writes every object as a row of CSV (comma-separated, UTF-8, a header first), in entry
/// number order. Returns how many rows.
pub async fn export(conn: &mut SqliteConnection, out: impl Write, mut tick: impl FnMut()) -> anyhow::Result<usize> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM objects ORDER BY entry_number").fetch_all(&mut *conn).await?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(header())?;
    for id in &ids {
        let Some(record) = objects::load(conn, *id).await? else { continue };
        let mut row = vec![record.entry_number.clone(), record.accession_number.clone().unwrap_or_default()];
        row.extend(objects::field_values(&record).into_iter().map(|(_, v)| v));
        writer.write_record(row.iter().map(|cell| as_text(cell)))?;
        tick();
    }
    writer.flush()?;
    Ok(ids.len())
}

/// Whether a spreadsheet would take a cell starting so for a formula.
fn formula_like(cell: &str) -> bool {
    matches!(cell.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
}

/// Whether a cell needs a leading `'` to come back as it was: a formula-like one, and one
/// that starts with `'` itself (else `'=x` would come back as `=x`).
fn needs_quote(cell: &str) -> bool {
    formula_like(cell) || cell.starts_with('\'')
}

/// A cell as written: one a spreadsheet would run as a formula (a title typed by a donor, say)
/// gets a leading `'`, which spreadsheets read as "this is text" and [`read`] takes off again.
pub fn as_text(cell: &str) -> String {
    if needs_quote(cell) { format!("'{cell}") } else { cell.to_owned() }
}

/// A cell as read: the `'` that [`as_text`] (or a spreadsheet) put before a formula-like
/// cell, or before a cell starting with `'`, taken off.
fn from_text(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_quote(rest) => rest.to_owned(),
        _ => cell.to_owned(),
    }
}

/// A row of an imported table: its line in the file and its cells by column.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<(String, String)>,
}

/// Why a file cannot be read as a table at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileError {
    /// Message key.
    pub key: &'static str,
    pub line: u64,
    /// The column it is about, if any.
    pub column: String,
}

/// Reads a table as a spreadsheet saves it: UTF-8 with or without a byte-order mark, comma,
/// semicolon or tab separated (whichever the header line uses), CRLF or LF line ends. The
/// header names the columns (any order, any subset, with an entry or accession number).
pub fn read(bytes: &[u8]) -> Result<Vec<Row>, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter =
        [b';', b'\t', b','].into_iter().max_by_key(|d| first_line.iter().filter(|b| *b == d).count()).unwrap_or(b',');
    let error = |key, line, column: &str| FileError { key, line, column: column.to_owned() };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(bytes);
    let columns: Vec<String> =
        reader.headers().map_err(|_| error("csv-error-encoding", 1, ""))?.iter().map(|h| h.trim().to_owned()).collect();
    let known = header();
    for (i, column) in columns.iter().enumerate() {
        if !known.contains(&column.as_str()) {
            return Err(error("csv-error-column", 1, column));
        }
        if columns[..i].contains(column) {
            return Err(error("csv-error-column-twice", 1, column));
        }
    }
    if !KEYS.iter().any(|k| columns.iter().any(|h| h == k)) {
        return Err(error("csv-error-no-key", 1, KEYS[0]));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            error("csv-error-encoding", line, "")
        })?;
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != columns.len() {
            return Err(error("csv-error-cells", line, ""));
        }
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        rows.push(Row { line, cells: columns.iter().cloned().zip(record.iter().map(from_text)).collect() });
    }
    Ok(rows)
}

/// What a row does, or why it cannot.
#[derive(Debug, Clone, Serialize)]
pub struct RowReport {
    pub line: u64,
    pub entry_number: String,
    pub changes: Vec<Change>,
    /// Message key of the refusal, and the column it is about.
    pub error: Option<&'static str>,
    pub column: String,
    /// The row's further refusals, each with its column: every bad cell is named at once.
    pub also: Vec<(&'static str, String)>,
}

/// Imports rows: each names an object and the fields to set. With `strict`, a refused row
/// refuses the whole table (nothing is written); without it, every row is tried and reported
/// (for a dry run, whose transaction is rolled back). Publishing roles.
#[derive(Debug, Clone)]
pub struct ImportTable {
    pub rows: Vec<Row>,
    pub strict: bool,
    /// Ticked once per row (the command line's bar; hidden in the panel).
    pub progress: indicatif::ProgressBar,
}

impl Command for ImportTable {
    type Output = Vec<RowReport>;

    async fn run(self, tx: &mut Tx) -> CommandResult<Vec<RowReport>> {
        tx.require(crate::auth::Role::can_publish)?;
        let mut reports = Vec::with_capacity(self.rows.len());
        let mut seen = std::collections::HashSet::new();
        self.progress.set_length(self.rows.len() as u64);
        for row in self.rows {
            self.progress.inc(1);
            let cell =
                |name: &str| row.cells.iter().find(|(c, _)| c == name).map(|(_, v)| v.trim()).unwrap_or_default();
            let mut report = RowReport {
                line: row.line,
                // As the row gives it, until the object is found.
                entry_number: cell(KEYS[0]).to_owned(),
                changes: Vec::new(),
                error: None,
                column: String::new(),
                also: Vec::new(),
            };
            let (key, number) = match cell(KEYS[0]) {
                "" => (KEYS[1], cell(KEYS[1])),
                entry => (KEYS[0], entry),
            };
            // Both numbers given: they must name the same object (rows shifted in a
            // spreadsheet would otherwise write one object's cells onto another).
            let accession = cell(KEYS[1]);
            let query = format!("SELECT id FROM objects WHERE {key} = ?");
            let id: Option<i64> = if number.is_empty() {
                None
            } else {
                sqlx::query_scalar(sqlx::AssertSqlSafe(query)).bind(number).fetch_optional(&mut **tx).await?
            };
            let refused = |mut report: RowReport, key: &'static str, column: &str| {
                report.error = Some(key);
                report.column = column.to_owned();
                report
            };
            let Some(id) = id else {
                reports.push(refused(report, "csv-error-not-found", key));
                continue;
            };
            if !seen.insert(id) {
                reports.push(refused(report, "csv-error-twice", key));
                continue;
            }
            if key == KEYS[0] && !accession.is_empty() {
                let numbered: Option<String> = sqlx::query_scalar("SELECT accession_number FROM objects WHERE id = ?")
                    .bind(id)
                    .fetch_one(&mut **tx)
                    .await?;
                if numbered.as_deref() != Some(accession) {
                    reports.push(refused(report, "csv-error-numbers", KEYS[1]));
                    continue;
                }
            }
            let actor = tx.actor().clone();
            let record = match objects::editable_by(tx, &actor, id).await {
                Ok(record) => record,
                Err(CommandError::NotAllowed) => {
                    reports.push(refused(report, "batch-error-not-allowed", key));
                    continue;
                }
                Err(err) => return Err(err),
            };
            report.entry_number = record.entry_number.clone();
            let mut input = ObjectInput {
                fields: record.fields.clone(),
                makers: record.makers.clone(),
                events: record.events.clone(),
            };
            let mut bad = Vec::new();
            for (column, value) in row.cells.iter().filter(|(c, _)| !KEYS.contains(&c.as_str())) {
                if let Err(key) = objects::set_field(&mut input, column, value) {
                    bad.push((key, column.clone()));
                }
            }
            if let Some(((key, column), rest)) = bad.split_first() {
                let mut report = refused(report, key, column);
                report.also = rest.to_vec();
                reports.push(report);
                continue;
            }
            report.changes = objects::diff(&record, &input);
            if !report.changes.is_empty() {
                match objects::save(tx, &record, input).await {
                    Ok(_) => {}
                    Err(CommandError::Refused(key)) => report = refused(report, key, ""),
                    Err(CommandError::NotAllowed) => report = refused(report, "batch-error-not-allowed", ""),
                    Err(err) => return Err(err),
                }
            }
            reports.push(report);
        }
        if self.strict && reports.iter().any(|r| r.error.is_some()) {
            return Err(CommandError::Refused("csv-error-rows"));
        }
        let changed = reports.iter().filter(|r| !r.changes.is_empty()).count();
        tx.audit("table-imported", "objects", serde_json::json!({ "rows": reports.len(), "changed": changed })).await?;
        Ok(reports)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_comes_back_as_it_was_written() {
        for cell in ["plain", "=SUM(A1)", "+1", "-2", "@x", "'=not a formula", "'quoted", "''", "'", "", "x'=y"] {
            assert_eq!(from_text(&as_text(cell)), cell, "{cell:?} as written: {:?}", as_text(cell));
            assert!(!formula_like(&as_text(cell)), "{cell:?} would run in a spreadsheet");
        }
        // What a person typed into a spreadsheet, marked as text by hand.
        assert_eq!(from_text("'=A1"), "=A1");
        assert_eq!(from_text("'hello"), "'hello");
    }
}
