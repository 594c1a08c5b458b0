//! Whereabouts: storage locations (always private), an object's moves between them and its
//! exits from the museum. Staff only, never public.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{SqliteConnection, SqlitePool};

use super::command::{Command, CommandError, CommandResult, Tx};
use super::types::ExitKind;

/// Most characters in a move's reason.
pub const MAX_REASON: usize = 500;

/// Creates a storage location (always private).
pub async fn create_location(conn: &mut SqliteConnection, name: &str, notes: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("INSERT INTO locations (name, notes) VALUES (?, ?) RETURNING id")
        .bind(name)
        .bind(notes)
        .fetch_one(conn)
        .await
}

/// Records that an object was moved to a location on a date.
pub async fn move_object(
    conn: &mut SqliteConnection,
    object_id: i64,
    location_id: i64,
    moved_on: NaiveDate,
    is_normal: bool,
    reason: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO object_movements (object_id, location_id, moved_on, is_normal, reason) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(object_id)
    .bind(location_id)
    .bind(moved_on.to_string())
    .bind(is_normal)
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(())
}

/// A storage location with how many objects are there now.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Location {
    pub id: i64,
    pub name: String,
    pub notes: String,
    pub objects_here: i64,
}

/// Every storage location, by name.
pub async fn locations(pool: &SqlitePool) -> sqlx::Result<Vec<Location>> {
    sqlx::query_as(
        "SELECT l.id, l.name, l.notes,
            (SELECT COUNT(*) FROM object_movements m WHERE m.location_id = l.id AND m.id =
                (SELECT m2.id FROM object_movements m2 WHERE m2.object_id = m.object_id
                 ORDER BY m2.moved_on DESC, m2.id DESC LIMIT 1)) AS objects_here
         FROM locations l ORDER BY l.name",
    )
    .fetch_all(pool)
    .await
}

/// A move of an object, as its history lists it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Movement {
    pub moved_on: String,
    pub location: String,
    pub is_normal: bool,
    pub reason: String,
}

/// An object leaving the museum.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Exit {
    pub kind: String,
    pub exit_on: String,
    pub expected_back: Option<String>,
    pub note: String,
}

/// Where an object is and has been, and when it left: staff only, never public.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Whereabouts {
    pub current: Option<String>,
    pub normal: Option<String>,
    pub history: Vec<Movement>,
    pub exits: Vec<Exit>,
}

/// An object's whereabouts, newest move first.
pub async fn whereabouts(pool: &SqlitePool, object_id: i64) -> sqlx::Result<Whereabouts> {
    let history: Vec<Movement> = sqlx::query_as(
        "SELECT m.moved_on, l.name AS location, m.is_normal, m.reason
         FROM object_movements m JOIN locations l ON l.id = m.location_id
         WHERE m.object_id = ? ORDER BY m.moved_on DESC, m.id DESC",
    )
    .bind(object_id)
    .fetch_all(pool)
    .await?;
    let exits = sqlx::query_as(
        "SELECT kind, exit_on, expected_back, note FROM object_exits WHERE object_id = ? ORDER BY exit_on DESC, id DESC",
    )
    .bind(object_id)
    .fetch_all(pool)
    .await?;
    Ok(Whereabouts {
        current: history.first().map(|m| m.location.clone()),
        normal: history.iter().find(|m| m.is_normal).map(|m| m.location.clone()),
        history,
        exits,
    })
}

/// Records an object leaving the museum (`return`, `loan_out` or `disposal`).
pub async fn record_exit(
    conn: &mut SqliteConnection,
    object_id: i64,
    kind: ExitKind,
    exit_on: NaiveDate,
    expected_back: Option<NaiveDate>,
    note: &str,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO object_exits (object_id, kind, exit_on, expected_back, note) VALUES (?, ?, ?, ?, ?)")
        .bind(object_id)
        .bind(kind)
        .bind(exit_on.to_string())
        .bind(expected_back.map(|d| d.to_string()))
        .bind(note)
        .execute(conn)
        .await?;
    Ok(())
}

/// Longest name of a location, in characters.
pub const MAX_LOCATION_NAME: usize = 200;

/// Creates a storage location with a name no other location has.
#[derive(Debug, Clone)]
pub struct CreateLocation {
    pub name: String,
    pub notes: String,
}

impl Command for CreateLocation {
    type Output = i64;

    async fn run(self, tx: &mut Tx) -> CommandResult<i64> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_LOCATION_NAME {
            return Err(CommandError::Refused("location-error-name"));
        }
        let taken: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM locations WHERE name = ?)")
            .bind(name)
            .fetch_one(&mut **tx)
            .await?;
        if taken {
            return Err(CommandError::Refused("location-error-exists"));
        }
        let id = create_location(tx, name, self.notes.trim()).await?;
        tx.audit("location-created", name, serde_json::json!({ "id": id })).await?;
        Ok(id)
    }
}

/// Records that object `object` was moved to `location` on `on`.
#[derive(Debug, Clone)]
pub struct MoveObject {
    pub object: i64,
    pub location: i64,
    pub on: NaiveDate,
    /// Whether the location becomes the object's normal place.
    pub normal: bool,
    pub reason: String,
}

impl Command for MoveObject {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        let record = super::objects::editable(tx, self.object).await?;
        super::register::not_future(self.on)?;
        if self.reason.chars().count() > MAX_REASON {
            return Err(CommandError::Refused("edit-error-too-long"));
        }
        let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM locations WHERE id = ?)")
            .bind(self.location)
            .fetch_one(&mut **tx)
            .await?;
        if !known {
            return Err(CommandError::Refused("edit-error-choose"));
        }
        move_object(tx, self.object, self.location, self.on, self.normal, &self.reason).await?;
        let details = serde_json::json!({
            "id": self.object, "location": self.location, "on": self.on, "normal": self.normal, "reason": self.reason,
        });
        tx.audit("object-moved", &record.entry_number, details).await?;
        Ok(())
    }
}

/// Records object `object` leaving the museum. Publishing roles only.
#[derive(Debug, Clone)]
pub struct RecordExit {
    pub object: i64,
    pub kind: ExitKind,
    pub on: NaiveDate,
    pub expected_back: Option<NaiveDate>,
    pub note: String,
}

impl Command for RecordExit {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        tx.require(crate::auth::Role::can_publish)?;
        let record = super::objects::editable(tx, self.object).await?;
        super::register::not_future(self.on)?;
        let note = super::register::optional_note(&self.note)?;
        let (on, back) = (self.on, self.expected_back);
        record_exit(tx, self.object, self.kind, on, back, &note).await?;
        let details =
            serde_json::json!({ "id": self.object, "kind": self.kind, "on": on, "expected_back": back, "note": note });
        tx.audit("object-exit", &record.entry_number, details).await?;
        Ok(())
    }
}
