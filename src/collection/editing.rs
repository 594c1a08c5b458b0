//! Cataloguing as staff do it: an object's every field read back for editing, edits written
//! with the list of what changed (for the audit log), the staff list over all states, and the
//! provenance chain reordered. All SQL of the editor lives here.

use serde::Serialize;
use sqlx::{SqliteConnection, SqlitePool};

use super::objects::NewObject;
use super::search;
use super::types::*;

/// An object's fields as the editor shows them, with its numbers, state and links.
#[derive(Debug, Clone)]
pub struct ObjectRecord {
    pub id: i64,
    pub entry_number: String,
    pub accession_number: Option<String>,
    pub state: PubState,
    pub fields: NewObject,
    pub makers: Vec<i64>,
    pub events: Vec<i64>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    entry_number: String,
    accession_number: Option<String>,
    state: PubState,
    object_type: String,
    title_be: String,
    title_en: String,
    title_ru: String,
    description_be: String,
    description_en: String,
    description_ru: String,
    inscription_be: String,
    inscription_en: String,
    inscription_ru: String,
    inscription_public: bool,
    materials_be: String,
    materials_en: String,
    materials_ru: String,
    dimensions: String,
    parts: i64,
    date_qualifier: DateQualifier,
    date_earliest: Option<i64>,
    date_latest: Option<i64>,
    acquisition_method: Option<AcquisitionMethod>,
    acquired_on: Option<String>,
    acquisition_public: bool,
    owner: Owner,
    donor_id: Option<String>,
    internal_notes: String,
}

/// One object for editing, whatever its state.
pub async fn load(conn: &mut SqliteConnection, id: i64) -> sqlx::Result<Option<ObjectRecord>> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT id, entry_number, accession_number, state, object_type, title_be, title_en, title_ru,
            description_be, description_en, description_ru, inscription_be, inscription_en, inscription_ru,
            inscription_public, materials_be, materials_en, materials_ru, dimensions, parts,
            date_qualifier, date_earliest, date_latest, acquisition_method, acquired_on, acquisition_public,
            owner, donor_id, internal_notes
         FROM objects WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let makers = sqlx::query_scalar("SELECT maker_id FROM object_makers WHERE object_id = ? ORDER BY position")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    let events = sqlx::query_scalar("SELECT event_id FROM object_events WHERE object_id = ? ORDER BY event_id")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    let fields = NewObject {
        object_type: r.object_type,
        title: Text3::new(r.title_be, r.title_en, r.title_ru),
        description: Text3::new(r.description_be, r.description_en, r.description_ru),
        inscription: Text3::new(r.inscription_be, r.inscription_en, r.inscription_ru),
        inscription_public: r.inscription_public,
        materials: Text3::new(r.materials_be, r.materials_en, r.materials_ru),
        dimensions: r.dimensions,
        parts: r.parts,
        date: FuzzyDate { qualifier: r.date_qualifier, earliest: r.date_earliest, latest: r.date_latest },
        acquisition_method: r.acquisition_method,
        acquired_on: r.acquired_on.and_then(|d| d.parse().ok()),
        acquisition_public: r.acquisition_public,
        owner: r.owner,
        donor_id: r.donor_id,
        internal_notes: r.internal_notes,
    };
    Ok(Some(ObjectRecord {
        id: r.id,
        entry_number: r.entry_number,
        accession_number: r.accession_number,
        state: r.state,
        fields,
        makers,
        events,
    }))
}

/// A field that an edit changed, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub field: &'static str,
    pub old: String,
    pub new: String,
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Every editable field as text, in the order the form shows them.
fn flat(o: &NewObject, makers: &[i64], events: &[i64]) -> Vec<(&'static str, String)> {
    let list = |ids: &[i64]| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    vec![
        ("object_type", o.object_type.clone()),
        ("title_be", o.title.be.clone()),
        ("title_en", o.title.en.clone()),
        ("title_ru", o.title.ru.clone()),
        ("description_be", o.description.be.clone()),
        ("description_en", o.description.en.clone()),
        ("description_ru", o.description.ru.clone()),
        ("inscription_be", o.inscription.be.clone()),
        ("inscription_en", o.inscription.en.clone()),
        ("inscription_ru", o.inscription.ru.clone()),
        ("inscription_public", o.inscription_public.to_string()),
        ("materials_be", o.materials.be.clone()),
        ("materials_en", o.materials.en.clone()),
        ("materials_ru", o.materials.ru.clone()),
        ("dimensions", o.dimensions.clone()),
        ("parts", o.parts.to_string()),
        ("date_qualifier", o.date.qualifier.to_string()),
        ("date_earliest", opt(o.date.earliest)),
        ("date_latest", opt(o.date.latest)),
        ("acquisition_method", opt(o.acquisition_method)),
        ("acquired_on", opt(o.acquired_on)),
        ("acquisition_public", o.acquisition_public.to_string()),
        ("owner", o.owner.to_string()),
        ("makers", list(makers)),
        ("events", list(events)),
        ("internal_notes", o.internal_notes.clone()),
    ]
}

/// Fields whose values the audit log does not keep, only that they changed: the log can never
/// be edited, and private notes may hold what must one day be erased.
const PRIVATE_FIELDS: &[&str] =
    &["internal_notes", "inscription_be", "inscription_en", "inscription_ru", "private_notes"];

/// A change as the audit log keeps it: private values only by their length.
pub fn change(field: &'static str, old: String, new: String) -> Change {
    if PRIVATE_FIELDS.contains(&field) {
        let hide =
            |v: &str| if v.is_empty() { String::new() } else { format!("[private: {} characters]", v.chars().count()) };
        Change { field, old: hide(&old), new: hide(&new) }
    } else {
        Change { field, old, new }
    }
}

/// The fields of a new object, as changes from nothing (for the audit log of a creation).
pub fn as_changes(o: &NewObject, makers: &[i64], events: &[i64]) -> Vec<Change> {
    flat(o, makers, events)
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(field, new)| change(field, String::new(), new))
        .collect()
}

/// Writes an object's editable fields and links (its donor stays as it was) and re-indexes it.
/// Returns what changed; nothing is written when nothing changed.
pub async fn update(
    conn: &mut SqliteConnection,
    id: i64,
    new: &NewObject,
    makers: &[i64],
    events: &[i64],
) -> anyhow::Result<Vec<Change>> {
    let old = load(conn, id).await?.ok_or_else(|| anyhow::anyhow!("no object {id}"))?;
    let before = flat(&old.fields, &old.makers, &old.events);
    let after = flat(new, makers, events);
    let changes: Vec<Change> = before
        .into_iter()
        .zip(after)
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, old), (_, new))| change(field, old, new))
        .collect();
    if changes.is_empty() {
        return Ok(changes);
    }
    let query = sqlx::query(
        "UPDATE objects SET object_type = ?, title_be = ?, title_en = ?, title_ru = ?,
            description_be = ?, description_en = ?, description_ru = ?,
            inscription_be = ?, inscription_en = ?, inscription_ru = ?, inscription_public = ?,
            materials_be = ?, materials_en = ?, materials_ru = ?, dimensions = ?, parts = ?,
            date_qualifier = ?, date_earliest = ?, date_latest = ?,
            acquisition_method = ?, acquired_on = ?, acquisition_public = ?, owner = ?, internal_notes = ?,
            updated_at = ?
         WHERE id = ?",
    );
    super::objects::bind_fields(query, new)
        .bind(&new.internal_notes)
        .bind(super::objects::now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    set_links(conn, id, makers, events).await?;
    search::index_object(conn, id).await?;
    Ok(changes)
}

/// Replaces an object's makers (in order) and events.
pub async fn set_links(conn: &mut SqliteConnection, id: i64, makers: &[i64], events: &[i64]) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM object_makers WHERE object_id = ?").bind(id).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM object_events WHERE object_id = ?").bind(id).execute(&mut *conn).await?;
    for maker in makers {
        super::objects::link_maker(conn, id, *maker).await?;
    }
    for event in events {
        super::objects::link_event(conn, id, *event).await?;
    }
    Ok(())
}

/// A row of the staff object list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ListRow {
    pub id: i64,
    pub entry_number: String,
    pub accession_number: Option<String>,
    pub state: String,
    pub object_type: String,
    pub title: String,
    pub updated_at: String,
    pub first_image: Option<String>,
}

/// Objects in every state, newest change first, filtered by words in a title or number, by
/// state and by type; `page` counts from 1. Returns the rows and the number of matches.
pub async fn list(
    pool: &SqlitePool,
    q: &str,
    state: Option<PubState>,
    object_type: Option<&str>,
    page: i64,
    per_page: i64,
) -> sqlx::Result<(Vec<ListRow>, i64)> {
    let pattern = format!("%{}%", q.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM objects o
         WHERE (?1 = '%%' OR o.title_be LIKE ?1 ESCAPE '\\' OR o.title_en LIKE ?1 ESCAPE '\\'
                OR o.title_ru LIKE ?1 ESCAPE '\\' OR o.entry_number LIKE ?1 ESCAPE '\\'
                OR o.accession_number LIKE ?1 ESCAPE '\\')
           AND (?2 IS NULL OR o.state = ?2) AND (?3 IS NULL OR o.object_type = ?3)",
    )
    .bind(&pattern)
    .bind(state)
    .bind(object_type)
    .fetch_one(pool)
    .await?;
    let rows = sqlx::query_as(
        "SELECT o.id, o.entry_number, o.accession_number, o.state, o.object_type,
            COALESCE(NULLIF(o.title_be, ''), NULLIF(o.title_en, ''), o.title_ru) AS title, o.updated_at,
            (SELECT hash FROM media m WHERE m.object_id = o.id AND m.state = 'ready' ORDER BY position LIMIT 1)
                AS first_image
         FROM objects o
         WHERE (?1 = '%%' OR o.title_be LIKE ?1 ESCAPE '\\' OR o.title_en LIKE ?1 ESCAPE '\\'
                OR o.title_ru LIKE ?1 ESCAPE '\\' OR o.entry_number LIKE ?1 ESCAPE '\\'
                OR o.accession_number LIKE ?1 ESCAPE '\\')
           AND (?2 IS NULL OR o.state = ?2) AND (?3 IS NULL OR o.object_type = ?3)
         ORDER BY o.updated_at DESC, o.id DESC LIMIT ?4 OFFSET ?5",
    )
    .bind(&pattern)
    .bind(state)
    .bind(object_type)
    .bind(per_page)
    .bind((page.max(1) - 1) * per_page)
    .fetch_all(pool)
    .await?;
    Ok((rows, total))
}

/// A link of an object's provenance chain as staff see it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ProvenanceLine {
    pub id: i64,
    pub position: i64,
    pub kind: String,
    pub date_qualifier: String,
    pub date_earliest: Option<i64>,
    pub date_latest: Option<i64>,
    pub exact_date: Option<String>,
    pub place: Option<String>,
    pub event: Option<String>,
    pub lot: String,
    pub price_minor: Option<i64>,
    pub currency: String,
    pub note: String,
    pub is_public: bool,
}

/// An object's provenance chain in order.
pub async fn provenance(pool: &SqlitePool, object_id: i64) -> sqlx::Result<Vec<ProvenanceLine>> {
    sqlx::query_as(
        "SELECT p.id, p.position, p.kind, p.date_qualifier, p.date_earliest, p.date_latest, p.exact_date,
            COALESCE(NULLIF(pl.name_be, ''), NULLIF(pl.name_en, ''), pl.name_ru) AS place,
            COALESCE(NULLIF(e.name_be, ''), NULLIF(e.name_en, ''), e.name_ru) AS event,
            p.lot, p.price_minor, p.currency,
            TRIM(p.note_be || ' ' || p.note_en || ' ' || p.note_ru) AS note, p.is_public
         FROM provenance_events p
         LEFT JOIN places pl ON pl.id = p.place_id LEFT JOIN events e ON e.id = p.event_id
         WHERE p.object_id = ? ORDER BY p.position",
    )
    .bind(object_id)
    .fetch_all(pool)
    .await
}

/// Moves a provenance link one place earlier (`up`) or later in its chain. Returns whether
/// it moved (the first cannot go up, the last cannot go down).
pub async fn move_provenance(conn: &mut SqliteConnection, object_id: i64, id: i64, up: bool) -> anyhow::Result<bool> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM provenance_events WHERE object_id = ? ORDER BY position")
        .bind(object_id)
        .fetch_all(&mut *conn)
        .await?;
    let Some(at) = ids.iter().position(|x| *x == id) else { anyhow::bail!("no such provenance event") };
    let other = if up { at.checked_sub(1) } else { Some(at + 1).filter(|i| *i < ids.len()) };
    let Some(other) = other else { return Ok(false) };
    let mut order = ids.clone();
    order.swap(at, other);
    // Positions are unique: park every link out of the way, then number them afresh.
    sqlx::query("UPDATE provenance_events SET position = -1 - position WHERE object_id = ?")
        .bind(object_id)
        .execute(&mut *conn)
        .await?;
    for (position, id) in order.iter().enumerate() {
        sqlx::query("UPDATE provenance_events SET position = ? WHERE id = ?")
            .bind(position as i64)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}

/// Removes a provenance link of an object.
pub async fn delete_provenance(conn: &mut SqliteConnection, object_id: i64, id: i64) -> anyhow::Result<bool> {
    let gone = sqlx::query("DELETE FROM provenance_events WHERE id = ? AND object_id = ?")
        .bind(id)
        .bind(object_id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(gone == 1)
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
    kind: &str,
    exit_on: chrono::NaiveDate,
    expected_back: Option<chrono::NaiveDate>,
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
