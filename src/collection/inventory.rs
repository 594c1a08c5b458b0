//! Inventory (SPECTRUM's stocktaking): a stocktake of one storage location lists the objects
//! the records put there when it starts; staff tick what they find and add what they find
//! there that the records put elsewhere; closing it reports what is missing and what is out of
//! place. Private, like every location. Starting and closing are for publishing roles; anyone
//! on the staff may tick, since counting shelves is a volunteer's job too.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::SqliteConnection;

use super::command::{Command, CommandError, CommandResult, Tx};
use super::register::{not_future, optional_note};
use crate::auth::Role;

/// A stocktake, open or closed, with its counts.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Stocktake {
    pub id: i64,
    pub location_id: i64,
    pub location: String,
    pub started_on: String,
    pub started_by: String,
    pub note: String,
    pub closed_on: Option<String>,
    pub closed_by: Option<String>,
    pub expected: i64,
    pub found: i64,
    /// Expected and not found.
    pub missing: i64,
    /// Found here though the records put it elsewhere.
    pub out_of_place: i64,
}

const STOCKTAKE_SELECT: &str = "SELECT s.id, s.location_id, l.name AS location, s.started_on, s.started_by, s.note,
        s.closed_on, s.closed_by,
        (SELECT COUNT(*) FROM stocktake_items i WHERE i.stocktake_id = s.id AND i.expected = 1) AS expected,
        (SELECT COUNT(*) FROM stocktake_items i WHERE i.stocktake_id = s.id AND i.found = 1) AS found,
        (SELECT COUNT(*) FROM stocktake_items i WHERE i.stocktake_id = s.id AND i.expected = 1 AND i.found = 0)
            AS missing,
        (SELECT COUNT(*) FROM stocktake_items i WHERE i.stocktake_id = s.id AND i.expected = 0 AND i.found = 1)
            AS out_of_place
     FROM stocktakes s JOIN locations l ON l.id = s.location_id";

/// Every stocktake, open ones first, newest first.
pub async fn stocktakes(conn: &mut SqliteConnection) -> sqlx::Result<Vec<Stocktake>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{STOCKTAKE_SELECT} ORDER BY s.closed_on IS NOT NULL, s.started_on DESC, s.id DESC"
    )))
    .fetch_all(conn)
    .await
}

/// One stocktake.
pub async fn stocktake(conn: &mut SqliteConnection, id: i64) -> sqlx::Result<Option<Stocktake>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{STOCKTAKE_SELECT} WHERE s.id = ?")))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// An object of a stocktake, with where the records put it now.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Item {
    pub object_id: i64,
    pub entry_number: String,
    pub accession_number: Option<String>,
    pub title: String,
    pub expected: bool,
    pub found: bool,
    /// The location the records give now (for an object out of place: where it should be).
    pub recorded_at: Option<String>,
}

impl Item {
    /// `found`, `missing`, `out-of-place`, or `not-found` (added here, then unticked).
    pub fn status(&self) -> &'static str {
        match (self.expected, self.found) {
            (true, true) => "found",
            (true, false) => "missing",
            (false, true) => "out-of-place",
            (false, false) => "not-found",
        }
    }
}

/// The id of the move that puts an object where it is now: its latest. (Its own alias, so it
/// never takes the outer query's for its own.)
macro_rules! latest_move {
    ($object:literal) => {
        concat!(
            "(SELECT latest.id FROM object_movements latest WHERE latest.object_id = ",
            $object,
            " ORDER BY latest.moved_on DESC, latest.id DESC LIMIT 1)"
        )
    };
}

/// A stocktake's objects: expected ones first, by number.
pub async fn items(conn: &mut SqliteConnection, stocktake: i64) -> sqlx::Result<Vec<Item>> {
    sqlx::query_as(concat!(
        "SELECT o.id AS object_id, o.entry_number, o.accession_number,
            COALESCE(NULLIF(o.title_be, ''), NULLIF(o.title_en, ''), o.title_ru) AS title,
            i.expected, i.found,
            (SELECT l.name FROM object_movements m JOIN locations l ON l.id = m.location_id
             WHERE m.id = ",
        latest_move!("o.id"),
        ") AS recorded_at
         FROM stocktake_items i JOIN objects o ON o.id = i.object_id
         WHERE i.stocktake_id = ?
         ORDER BY i.expected DESC, COALESCE(o.accession_number, o.entry_number), o.entry_number"
    ))
    .bind(stocktake)
    .fetch_all(conn)
    .await
}

/// Starts a stocktake of `location`, listing the objects the records put there: their latest
/// move is to it, and they have neither left the museum since nor been deaccessioned.
/// Publishing roles; one open stocktake per location.
#[derive(Debug, Clone)]
pub struct StartStocktake {
    pub location: i64,
    pub on: NaiveDate,
    pub note: String,
}

impl Command for StartStocktake {
    type Output = i64;

    async fn run(self, tx: &mut Tx) -> CommandResult<i64> {
        tx.require(Role::can_publish)?;
        not_future(self.on)?;
        let note = optional_note(&self.note)?;
        let location: Option<String> = sqlx::query_scalar("SELECT name FROM locations WHERE id = ?")
            .bind(self.location)
            .fetch_optional(&mut **tx)
            .await?;
        let location = location.ok_or(CommandError::Refused("edit-error-choose"))?;
        let open: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM stocktakes WHERE location_id = ? AND closed_on IS NULL)")
                .bind(self.location)
                .fetch_one(&mut **tx)
                .await?;
        if open {
            return Err(CommandError::Refused("stocktake-error-open"));
        }
        let by = tx.actor().name.clone();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO stocktakes (location_id, started_on, started_by, note) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(self.location)
        .bind(self.on.to_string())
        .bind(&by)
        .bind(&note)
        .fetch_one(&mut **tx)
        .await?;
        let listed = sqlx::query(concat!(
            "INSERT INTO stocktake_items (stocktake_id, object_id, expected)
             SELECT ?1, m.object_id, 1 FROM object_movements m
             WHERE m.location_id = ?2 AND m.id = ",
            latest_move!("m.object_id"),
            "
               AND NOT EXISTS (SELECT 1 FROM object_exits e WHERE e.object_id = m.object_id AND e.exit_on >= m.moved_on)
               AND NOT EXISTS (SELECT 1 FROM accessions a WHERE a.object_id = m.object_id
                               AND a.deaccessioned_on IS NOT NULL)"
        ))
        .bind(id)
        .bind(self.location)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        let details = serde_json::json!({ "stocktake": id, "location": self.location, "on": self.on, "expected": listed, "note": note });
        tx.audit("stocktake-started", &location, details).await?;
        Ok(id)
    }
}

/// Records what was found: of the objects `shown` on someone's list, those in `found` were
/// found and the others not (objects not on their page, ticked meanwhile by someone else, are
/// left as they are); `number` is an entry or accession number typed or scanned for an object
/// found there, added out of place when the records put it elsewhere. Anyone on the staff.
#[derive(Debug, Clone)]
pub struct TickFound {
    pub stocktake: i64,
    pub shown: BTreeSet<i64>,
    pub found: BTreeSet<i64>,
    pub number: String,
}

impl Command for TickFound {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        let taking = open(tx, self.stocktake).await?;
        let number = self.number.trim();
        let mut found = self.found;
        let mut shown = self.shown;
        let mut added = None;
        if !number.is_empty() {
            let (object, entry) =
                super::objects::by_number(tx, number).await?.ok_or(CommandError::Refused("stocktake-error-unknown"))?;
            sqlx::query("INSERT OR IGNORE INTO stocktake_items (stocktake_id, object_id, expected) VALUES (?, ?, 0)")
                .bind(self.stocktake)
                .bind(object)
                .execute(&mut **tx)
                .await?;
            found.insert(object);
            shown.insert(object);
            added = Some(entry);
        }
        let before: Vec<(i64, String, bool)> = sqlx::query_as(
            "SELECT i.object_id, o.entry_number, i.found FROM stocktake_items i JOIN objects o ON o.id = i.object_id
             WHERE i.stocktake_id = ?",
        )
        .bind(self.stocktake)
        .fetch_all(&mut **tx)
        .await?;
        let mut ticked = Vec::new();
        let mut unticked = Vec::new();
        for (object, entry, was) in before.into_iter().filter(|(object, _, _)| shown.contains(object)) {
            let now = found.contains(&object);
            if now == was {
                continue;
            }
            sqlx::query("UPDATE stocktake_items SET found = ? WHERE stocktake_id = ? AND object_id = ?")
                .bind(now)
                .bind(self.stocktake)
                .bind(object)
                .execute(&mut **tx)
                .await?;
            if now { ticked.push(entry) } else { unticked.push(entry) }
        }
        if ticked.is_empty() && unticked.is_empty() {
            return Ok(());
        }
        let details = serde_json::json!({
            "stocktake": self.stocktake, "found": ticked, "not_found": unticked, "added": added,
        });
        tx.audit("stocktake-ticked", &taking.location, details).await?;
        Ok(())
    }
}

/// Closes a stocktake; what it found is final. Publishing roles.
#[derive(Debug, Clone)]
pub struct CloseStocktake {
    pub stocktake: i64,
    pub on: NaiveDate,
}

impl Command for CloseStocktake {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        tx.require(Role::can_publish)?;
        let taking = open(tx, self.stocktake).await?;
        not_future(self.on)?;
        if self.on.to_string() < taking.started_on {
            return Err(CommandError::Refused("stocktake-error-before-start"));
        }
        let by = tx.actor().name.clone();
        sqlx::query("UPDATE stocktakes SET closed_on = ?, closed_by = ? WHERE id = ?")
            .bind(self.on.to_string())
            .bind(&by)
            .bind(self.stocktake)
            .execute(&mut **tx)
            .await?;
        let listed = items(tx, self.stocktake).await?;
        let with = |status: &str| -> Vec<&str> {
            listed.iter().filter(|i| i.status() == status).map(|i| i.entry_number.as_str()).collect()
        };
        let details = serde_json::json!({
            "stocktake": self.stocktake, "on": self.on, "found": with("found").len(),
            "missing": with("missing"), "out_of_place": with("out-of-place"),
        });
        tx.audit("stocktake-closed", &taking.location, details).await?;
        Ok(())
    }
}

/// Lists object `object` in the open stocktake `stocktake`, to be looked for there (a batch
/// edit's "add to a stocktake"). Publishing roles; whether it was not listed already.
#[derive(Debug, Clone)]
pub struct ListInStocktake {
    pub stocktake: i64,
    pub object: i64,
}

impl Command for ListInStocktake {
    type Output = bool;

    async fn run(self, tx: &mut Tx) -> CommandResult<bool> {
        tx.require(Role::can_publish)?;
        let taking = open(tx, self.stocktake).await?;
        let record = super::objects::load(tx, self.object).await?.ok_or(CommandError::NotFound)?;
        let listed =
            sqlx::query("INSERT OR IGNORE INTO stocktake_items (stocktake_id, object_id, expected) VALUES (?, ?, 1)")
                .bind(self.stocktake)
                .bind(self.object)
                .execute(&mut **tx)
                .await?
                .rows_affected();
        if listed == 0 {
            return Ok(false);
        }
        let details = serde_json::json!({ "stocktake": self.stocktake, "listed": record.entry_number });
        tx.audit("stocktake-listed", &taking.location, details).await?;
        Ok(true)
    }
}

/// The stocktake `id` if it is still open; refused once closed.
async fn open(tx: &mut Tx, id: i64) -> CommandResult<Stocktake> {
    let taking = stocktake(tx, id).await?.ok_or(CommandError::NotFound)?;
    if taking.closed_on.is_some() {
        return Err(CommandError::Refused("stocktake-error-closed"));
    }
    Ok(taking)
}
