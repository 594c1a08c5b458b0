//! Objects as staff make and edit them: every field read back for editing, edits written
//! with the list of what changed (for the audit log), the staff list over all states, and the
//! commands that create and save an object. Functions take a connection so callers can
//! compose them in one transaction; every change that can alter what the public sees
//! re-indexes the object for search.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{SqliteConnection, SqlitePool};

use super::command::{Actor, Command, CommandError, CommandResult, Tx};
use super::numbers::{self, EntryNumber};
use super::rights::Rights;
use super::search;
use super::types::*;
use crate::i18n::Lang;

/// Everything needed to record a new object. Sensitive fields carry their public flag.
#[derive(Debug, Clone)]
pub struct NewObject {
    /// The code of one of the object types.
    pub object_type: String,
    pub title: Text3,
    pub description: Text3,
    pub inscription: Text3,
    pub inscription_public: bool,
    pub materials: Text3,
    pub dimensions: String,
    pub parts: i64,
    pub date: FuzzyDate,
    pub acquisition_method: Option<AcquisitionMethod>,
    pub acquired_on: Option<NaiveDate>,
    pub acquisition_public: bool,
    pub owner: Owner,
    /// The object's rights statement; `None` takes the collection's.
    pub rights: Option<Rights>,
    pub donor_id: Option<String>,
    pub internal_notes: String,
}

impl NewObject {
    /// A minimal object of `object_type` titled `title`; every other field empty or private.
    pub fn new(object_type: impl Into<String>, title: Text3) -> Self {
        Self {
            object_type: object_type.into(),
            title,
            description: Text3::default(),
            inscription: Text3::default(),
            inscription_public: false,
            materials: Text3::default(),
            dimensions: String::new(),
            parts: 1,
            date: FuzzyDate::UNKNOWN,
            acquisition_method: None,
            acquired_on: None,
            acquisition_public: false,
            owner: Owner::Museum,
            rights: None,
            donor_id: None,
            internal_notes: String::new(),
        }
    }
}

/// The numbers an object was given.
#[derive(Debug, Clone)]
pub struct ObjectRef {
    pub id: i64,
    pub entry_number: EntryNumber,
}

pub(crate) fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Records a new draft object, entered by staff directly, with a fresh entry number of the
/// direct series (never one of the offers' series: see [`numbers::DIRECT_ENTRY_PATTERN`]).
pub async fn create_object(
    conn: &mut SqliteConnection,
    object: &NewObject,
    entry_year: i32,
) -> anyhow::Result<ObjectRef> {
    let entry_number = numbers::next_direct_entry_number(conn, entry_year).await?;
    create_object_numbered(conn, object, entry_number).await
}

/// Records a new draft object under an entry number given on arrival (an accepted offer's).
pub async fn create_object_numbered(
    conn: &mut SqliteConnection,
    object: &NewObject,
    entry_number: EntryNumber,
) -> anyhow::Result<ObjectRef> {
    let stamp = now();
    let query = sqlx::query(concat!(
        "INSERT INTO objects (entry_number, object_type, ",
        lang3!("title"),
        ", ",
        lang3!("description"),
        ", ",
        lang3!("inscription"),
        ", inscription_public, ",
        lang3!("materials"),
        ", dimensions, parts, date_qualifier, date_earliest, date_latest,
            acquisition_method, acquired_on, acquisition_public, owner, rights, keeper, donor_id,
            internal_notes, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'museum', ?, ?, ?, ?)
         RETURNING id"
    ))
    .bind(&entry_number);
    let row = bind_fields(query, object)
        .bind(&object.donor_id)
        .bind(&object.internal_notes)
        .bind(&stamp)
        .bind(&stamp)
        .fetch_one(&mut *conn)
        .await?;
    Ok(ObjectRef { id: sqlx::Row::get(&row, 0), entry_number })
}

/// Binds an object's descriptive fields, from its type to its rights, in the order the insert
/// above and the editor's update (`editing::update`) both list their columns.
pub(crate) fn bind_fields<'q>(
    query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    object: &'q NewObject,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    query
        .bind(&object.object_type)
        .bind3(&object.title)
        .bind3(&object.description)
        .bind3(&object.inscription)
        .bind(object.inscription_public)
        .bind3(&object.materials)
        .bind(&object.dimensions)
        .bind(object.parts)
        .bind(object.date.qualifier)
        .bind(object.date.earliest)
        .bind(object.date.latest)
        .bind(object.acquisition_method)
        .bind(object.acquired_on.map(|d| d.to_string()))
        .bind(object.acquisition_public)
        .bind(object.owner)
        .bind(object.rights.map(|r| r.uri))
}

/// Credits `maker_id` as a maker of the object, after any makers already credited.
pub async fn link_maker(conn: &mut SqliteConnection, object_id: i64, maker_id: i64) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO object_makers (object_id, maker_id, role, position)
         VALUES (?1, ?2, 'maker', (SELECT COALESCE(MAX(position) + 1, 0) FROM object_makers WHERE object_id = ?1))",
    )
    .bind(object_id)
    .bind(maker_id)
    .execute(&mut *conn)
    .await?;
    search::index_object(conn, object_id).await
}

/// Connects the object to an event (carried at a march, shown at an exhibition).
pub async fn link_event(conn: &mut SqliteConnection, object_id: i64, event_id: i64) -> anyhow::Result<()> {
    sqlx::query("INSERT OR IGNORE INTO object_events (object_id, event_id) VALUES (?, ?)")
        .bind(object_id)
        .bind(event_id)
        .execute(&mut *conn)
        .await?;
    search::index_object(conn, object_id).await
}

/// An object as staff see it: every field, public or not, with its donor's credit choice.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct StaffObject {
    pub id: i64,
    pub entry_number: String,
    pub accession_number: Option<String>,
    pub object_type: String,
    pub state: String,
    pub title: Text3,
    pub description: Text3,
    pub internal_notes: String,
    pub donor_id: Option<String>,
    pub donor_credit: Option<String>,
    pub donor_credit_name: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// One object for the panel, whatever its state.
pub async fn staff_view(conn: &mut SqliteConnection, object_id: i64) -> sqlx::Result<Option<StaffObject>> {
    sqlx::query_as(concat!(
        "SELECT o.id, o.entry_number, o.accession_number, o.object_type, o.state, ",
        lang3!(text "o.title" as "title"),
        ", ",
        lang3!(text "o.description" as "description"),
        ", o.internal_notes, o.donor_id,
            d.credit AS donor_credit, d.credit_name AS donor_credit_name, o.created_at, o.updated_at
         FROM objects o LEFT JOIN donors d ON d.id = o.donor_id WHERE o.id = ?"
    ))
    .bind(object_id)
    .fetch_optional(conn)
    .await
}

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
    title: Text3,
    description: Text3,
    inscription: Text3,
    inscription_public: bool,
    materials: Text3,
    dimensions: String,
    parts: i64,
    date_qualifier: DateQualifier,
    date_earliest: Option<i64>,
    date_latest: Option<i64>,
    acquisition_method: Option<AcquisitionMethod>,
    acquired_on: Option<String>,
    acquisition_public: bool,
    owner: Owner,
    rights: Option<String>,
    donor_id: Option<String>,
    internal_notes: String,
}

/// One object for editing, whatever its state.
pub async fn load(conn: &mut SqliteConnection, id: i64) -> sqlx::Result<Option<ObjectRecord>> {
    let row: Option<Row> = sqlx::query_as(concat!(
        "SELECT id, entry_number, accession_number, state, object_type, ",
        lang3!(text "title" as "title"),
        ", ",
        lang3!(text "description" as "description"),
        ", ",
        lang3!(text "inscription" as "inscription"),
        ", inscription_public, ",
        lang3!(text "materials" as "materials"),
        ", dimensions, parts, date_qualifier, date_earliest, date_latest, acquisition_method, acquired_on, acquisition_public,
            owner, rights, donor_id, internal_notes
         FROM objects WHERE id = ?"
    ))
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
        title: r.title,
        description: r.description,
        inscription: r.inscription,
        inscription_public: r.inscription_public,
        materials: r.materials,
        dimensions: r.dimensions,
        parts: r.parts,
        date: FuzzyDate { qualifier: r.date_qualifier, earliest: r.date_earliest, latest: r.date_latest },
        acquisition_method: r.acquisition_method,
        acquired_on: r.acquired_on.and_then(|d| d.parse().ok()),
        acquisition_public: r.acquisition_public,
        owner: r.owner,
        rights: Rights::stored(r.rights.as_deref()),
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
    let mut fields = vec![("object_type", o.object_type.clone())];
    fields.extend(o.title.named(lang3!(names "title")));
    fields.extend(o.description.named(lang3!(names "description")));
    fields.extend(o.inscription.named(lang3!(names "inscription")));
    fields.push(("inscription_public", o.inscription_public.to_string()));
    fields.extend(o.materials.named(lang3!(names "materials")));
    fields.extend([
        ("dimensions", o.dimensions.clone()),
        ("parts", o.parts.to_string()),
        ("date_qualifier", o.date.qualifier.to_string()),
        ("date_earliest", opt(o.date.earliest)),
        ("date_latest", opt(o.date.latest)),
        ("acquisition_method", opt(o.acquisition_method)),
        ("acquired_on", opt(o.acquired_on)),
        ("acquisition_public", o.acquisition_public.to_string()),
        ("owner", o.owner.to_string()),
        ("rights", o.rights.map(|r| r.uri.to_owned()).unwrap_or_default()),
        ("makers", list(makers)),
        ("events", list(events)),
        ("internal_notes", o.internal_notes.clone()),
    ]);
    fields
}

/// The names of every editable field, in the order the form and a table's columns have them.
pub fn field_names() -> Vec<&'static str> {
    flat(&NewObject::new(ObjectType::OTHER, Text3::default()), &[], &[]).into_iter().map(|(name, _)| name).collect()
}

/// Every editable field of an object as text, by name (a table's row).
pub fn field_values(record: &ObjectRecord) -> Vec<(&'static str, String)> {
    flat(&record.fields, &record.makers, &record.events)
}

/// A fingerprint of every field the editor saves of `record`: given to the editor's form and
/// sent back with it, so a save made from a page opened before someone else's save is told so
/// instead of undoing the other's change.
pub fn version(record: &ObjectRecord) -> String {
    let mut hasher = blake3::Hasher::new();
    for (name, value) in field_values(record) {
        hasher.update(name.as_bytes());
        hasher.update(&[0]);
        hasher.update(value.as_bytes());
        hasher.update(&[0]);
    }
    hasher.finalize().to_hex()[..16].to_owned()
}

/// Longest free text of a field, in characters.
pub const MAX_TEXT: usize = 20_000;

/// Sets field `name` of `input` from its text, as [`field_values`] writes it (the inverse); an
/// error is a message key. Links are checked to exist when the input is saved.
pub fn set_field(input: &mut ObjectInput, name: &str, value: &str) -> Result<(), &'static str> {
    let value = value.trim();
    if value.chars().count() > MAX_TEXT {
        return Err("edit-error-too-long");
    }
    let o = &mut input.fields;
    let flag = |v: &str| match v.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "" => Ok(false),
        _ => Err("edit-error-choose"),
    };
    let year = |v: &str| if v.is_empty() { Ok(None) } else { v.parse::<Year>().map(|y| Some(y.0)) };
    let ids = |v: &str| -> Result<Vec<i64>, &'static str> {
        let mut ids = Vec::new();
        for id in v.split([',', ' ']).filter(|s| !s.is_empty()) {
            let id = id.parse::<i64>().map_err(|_| "edit-error-choose")?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    };
    match name {
        "object_type" => o.object_type = value.to_owned(),
        "inscription_public" => o.inscription_public = flag(value)?,
        "acquisition_public" => o.acquisition_public = flag(value)?,
        "dimensions" => o.dimensions = value.to_owned(),
        "parts" => {
            o.parts = value.parse::<i64>().ok().filter(|p| (1..=100_000).contains(p)).ok_or("edit-error-parts")?;
        }
        "date_qualifier" => o.date.qualifier = DateQualifier::parse(value).ok_or("edit-error-choose")?,
        "date_earliest" => o.date.earliest = year(value)?,
        "date_latest" => o.date.latest = year(value)?,
        "acquisition_method" => {
            o.acquisition_method =
                if value.is_empty() { None } else { Some(AcquisitionMethod::parse(value).ok_or("edit-error-choose")?) }
        }
        "acquired_on" => {
            o.acquired_on = if value.is_empty() { None } else { Some(value.parse().map_err(|_| "edit-error-date")?) }
        }
        "owner" => o.owner = Owner::parse(value).ok_or("edit-error-choose")?,
        "rights" => o.rights = Rights::choice(value)?,
        "makers" => input.makers = ids(value)?,
        "events" => input.events = ids(value)?,
        "internal_notes" => o.internal_notes = value.to_owned(),
        field => match field.rsplit_once('_').and_then(|(base, code)| Some((base, Lang::parse(code)?))) {
            Some(("title", l)) => *o.title.slot(l) = value.to_owned(),
            Some(("description", l)) => *o.description.slot(l) = value.to_owned(),
            Some(("inscription", l)) => *o.inscription.slot(l) = value.to_owned(),
            Some(("materials", l)) => *o.materials.slot(l) = value.to_owned(),
            _ => return Err("csv-error-column"),
        },
    }
    Ok(())
}

impl NewObject {
    /// The rules every saved object keeps, whichever face sent it: a title, years in order,
    /// a qualified date with a year. An error is a message key.
    pub fn check(&self) -> Result<(), &'static str> {
        if self.title.is_empty() {
            return Err("edit-error-title");
        }
        if let (Some(a), Some(b)) = (self.date.earliest, self.date.latest)
            && a > b
        {
            return Err("edit-error-year-order");
        }
        if self.date.qualifier != DateQualifier::Unknown && self.date.earliest.is_none() && self.date.latest.is_none() {
            return Err("edit-error-year-missing");
        }
        Ok(())
    }
}

/// What saving `new` over `old` would change, field by field, as the audit log keeps it.
pub fn diff(old: &ObjectRecord, new: &ObjectInput) -> Vec<Change> {
    flat(&old.fields, &old.makers, &old.events)
        .into_iter()
        .zip(flat(&new.fields, &new.makers, &new.events))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, old), (_, new))| change(field, old, new))
        .collect()
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
    let input = ObjectInput { fields: new.clone(), makers: makers.to_vec(), events: events.to_vec() };
    update_from(conn, &old, &input).await
}

/// [`update`] of an object already loaded as `old` in this transaction: only the links that
/// changed are rewritten, and the object is re-indexed once.
pub async fn update_from(
    conn: &mut SqliteConnection,
    old: &ObjectRecord,
    input: &ObjectInput,
) -> anyhow::Result<Vec<Change>> {
    let (id, new) = (old.id, &input.fields);
    let changes = diff(old, input);
    if changes.is_empty() {
        return Ok(changes);
    }
    let query = sqlx::query(concat!(
        "UPDATE objects SET object_type = ?, ",
        lang3!(set "title"),
        ", ",
        lang3!(set "description"),
        ", ",
        lang3!(set "inscription"),
        ", inscription_public = ?, ",
        lang3!(set "materials"),
        ", dimensions = ?, parts = ?,
            date_qualifier = ?, date_earliest = ?, date_latest = ?,
            acquisition_method = ?, acquired_on = ?, acquisition_public = ?, owner = ?, rights = ?,
            internal_notes = ?,
            updated_at = ?
         WHERE id = ?"
    ));
    super::objects::bind_fields(query, new)
        .bind(&new.internal_notes)
        .bind(super::objects::now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if (&old.makers, &old.events) != (&input.makers, &input.events) {
        write_links(conn, id, &input.makers, &input.events).await?;
    }
    search::index_object(conn, id).await?;
    Ok(changes)
}

/// Replaces an object's makers (in order) and events, and re-indexes it.
pub async fn set_links(conn: &mut SqliteConnection, id: i64, makers: &[i64], events: &[i64]) -> anyhow::Result<()> {
    write_links(conn, id, makers, events).await?;
    search::index_object(conn, id).await
}

/// Replaces an object's makers (in order) and events; the caller re-indexes it.
async fn write_links(conn: &mut SqliteConnection, id: i64, makers: &[i64], events: &[i64]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM object_makers WHERE object_id = ?").bind(id).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM object_events WHERE object_id = ?").bind(id).execute(&mut *conn).await?;
    for (position, maker) in makers.iter().enumerate() {
        sqlx::query("INSERT INTO object_makers (object_id, maker_id, role, position) VALUES (?, ?, 'maker', ?)")
            .bind(id)
            .bind(maker)
            .bind(position as i64)
            .execute(&mut *conn)
            .await?;
    }
    for event in events {
        sqlx::query("INSERT OR IGNORE INTO object_events (object_id, event_id) VALUES (?, ?)")
            .bind(id)
            .bind(event)
            .execute(&mut *conn)
            .await?;
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

// The staff list's filter: words (?1, see `like_pattern`) in a title or number, state (?2),
// type (?3).
macro_rules! filter {
    () => {
        "WHERE (?1 = '%%' OR o.title_be LIKE ?1 ESCAPE '\\' OR o.title_en LIKE ?1 ESCAPE '\\'
            OR o.title_ru LIKE ?1 ESCAPE '\\' OR o.entry_number LIKE ?1 ESCAPE '\\'
            OR o.accession_number LIKE ?1 ESCAPE '\\')
       AND (?2 IS NULL OR o.state = ?2) AND (?3 IS NULL OR o.object_type = ?3)"
    };
}

/// Words typed in the list's search box, as a `LIKE` pattern that takes them literally.
fn like_pattern(q: &str) -> String {
    format!("%{}%", q.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}

/// The ids of every object the staff list shows for these filters (all its pages), in its
/// order, at most `limit`: a batch edit of "all results".
pub async fn matching_ids(
    pool: &SqlitePool,
    q: &str,
    state: Option<PubState>,
    object_type: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(concat!(
        "SELECT o.id FROM objects o ",
        filter!(),
        " ORDER BY o.updated_at DESC, o.id DESC LIMIT ?4"
    ))
    .bind(like_pattern(q))
    .bind(state)
    .bind(object_type)
    .bind(limit)
    .fetch_all(pool)
    .await
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
    let pattern = like_pattern(q);
    let total: i64 = sqlx::query_scalar(concat!("SELECT COUNT(*) FROM objects o ", filter!()))
        .bind(&pattern)
        .bind(state)
        .bind(object_type)
        .fetch_one(pool)
        .await?;
    let rows = sqlx::query_as(concat!(
        "SELECT o.id, o.entry_number, o.accession_number, o.state, o.object_type,
            ",
        lang3!(first "o.title"),
        " AS title, o.updated_at,
            (SELECT derivatives FROM media m WHERE m.object_id = o.id AND m.state = 'ready' AND m.condition_report IS NULL
             ORDER BY position LIMIT 1)
                AS first_image
         FROM objects o ",
        filter!(),
        " ORDER BY o.updated_at DESC, o.id DESC LIMIT ?4 OFFSET ?5"
    ))
    .bind(&pattern)
    .bind(state)
    .bind(object_type)
    .bind(per_page)
    .bind((page.max(1) - 1) * per_page)
    .fetch_all(pool)
    .await?;
    Ok((rows, total))
}

/// The object with this accession or entry number (as typed or scanned from a label): its id
/// and entry number.
pub async fn by_number(conn: &mut SqliteConnection, number: &str) -> sqlx::Result<Option<(i64, String)>> {
    sqlx::query_as(
        "SELECT id, entry_number FROM objects WHERE accession_number = ?1 OR entry_number = ?1
         ORDER BY accession_number = ?1 DESC LIMIT 1",
    )
    .bind(number.trim())
    .fetch_optional(conn)
    .await
}

/// Loads an object for a change by the acting account: volunteers may change drafts only.
pub async fn editable(tx: &mut Tx, id: i64) -> CommandResult<ObjectRecord> {
    let actor = tx.actor().clone();
    editable_by(tx, &actor, id).await
}

/// Loads an object that `actor` may change. Commands check it in their transaction; a face
/// may ask beforehand too, to refuse before slow work (sanitising uploads).
pub async fn editable_by(conn: &mut SqliteConnection, actor: &Actor, id: i64) -> CommandResult<ObjectRecord> {
    let record = load(conn, id).await?.ok_or(CommandError::NotFound)?;
    if record.state != PubState::Draft && !actor.may(crate::auth::Role::can_publish) {
        return Err(CommandError::NotAllowed);
    }
    Ok(record)
}

/// An object's editable fields and links, as the editor sends them.
#[derive(Debug, Clone)]
pub struct ObjectInput {
    pub fields: NewObject,
    /// Makers in the order they are credited.
    pub makers: Vec<i64>,
    pub events: Vec<i64>,
}

/// Creates a draft object with a fresh entry number of `entry_year`.
#[derive(Debug, Clone)]
pub struct CreateObject {
    pub input: ObjectInput,
    pub entry_year: i32,
}

impl Command for CreateObject {
    type Output = ObjectRef;

    async fn run(self, tx: &mut Tx) -> CommandResult<ObjectRef> {
        self.input.check_links(tx, None).await?;
        let ObjectInput { fields, makers, events } = self.input;
        let created = create_object(tx, &fields, self.entry_year).await?;
        set_links(tx, created.id, &makers, &events).await?;
        let changes = as_changes(&fields, &makers, &events);
        tx.audit("object-created", &created.entry_number, serde_json::json!({ "id": created.id, "changes": changes }))
            .await?;
        Ok(created)
    }
}

impl ObjectInput {
    /// Refuses a type, maker or event that does not exist (the forms offer only those that
    /// do; a batch or a stale form may name others). Those the object has already (`had`)
    /// were checked when it got them.
    async fn check_links(&self, conn: &mut SqliteConnection, had: Option<&ObjectRecord>) -> CommandResult<()> {
        let mut known = match had {
            Some(had) if had.fields.object_type == self.fields.object_type => true,
            _ => super::authorities::type_exists(conn, &self.fields.object_type).await?,
        };
        let (old_makers, old_events) = had.map_or((&[][..], &[][..]), |h| (&h.makers[..], &h.events[..]));
        for (table, ids, old) in [("makers", &self.makers, old_makers), ("events", &self.events, old_events)] {
            for id in ids.iter().filter(|id| !old.contains(id)) {
                known &= sqlx::query_scalar::<_, bool>(sqlx::AssertSqlSafe(format!(
                    "SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?)"
                )))
                .bind(id)
                .fetch_one(&mut *conn)
                .await?;
            }
        }
        if known { Ok(()) } else { Err(CommandError::Refused("edit-error-choose")) }
    }
}

/// Saves the editor's fields of object `id` (its donor stays as it was); the audit log gets
/// each changed field. Returns whether anything changed. With `seen`, the [`version`] of the
/// object the form was filled in from: refused when the object changed since.
#[derive(Debug, Clone)]
pub struct SaveObject {
    pub id: i64,
    pub input: ObjectInput,
    pub seen: Option<String>,
}

impl Command for SaveObject {
    type Output = bool;

    async fn run(self, tx: &mut Tx) -> CommandResult<bool> {
        let record = editable(tx, self.id).await?;
        if self.seen.is_some_and(|seen| seen != version(&record)) {
            return Err(CommandError::Refused("edit-error-stale"));
        }
        save(tx, &record, self.input).await
    }
}

/// [`SaveObject`] of an object the acting account may change, already loaded in this
/// transaction (a table's import loads each once).
pub async fn save(tx: &mut Tx, record: &ObjectRecord, input: ObjectInput) -> CommandResult<bool> {
    input.fields.check().map_err(CommandError::Refused)?;
    input.check_links(tx, Some(record)).await?;
    let ObjectInput { mut fields, makers, events } = input;
    fields.donor_id = record.fields.donor_id.clone();
    let changes = update_from(tx, record, &ObjectInput { fields, makers, events }).await?;
    if changes.is_empty() {
        return Ok(false);
    }
    tx.audit("object-edited", &record.entry_number, serde_json::json!({ "id": record.id, "changes": changes })).await?;
    if record.state != PubState::Draft {
        tx.public_changed();
    }
    Ok(true)
}
