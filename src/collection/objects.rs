//! Writing the collection: objects, authorities, provenance, locations, publication.
//!
//! Functions take a connection so callers can compose them in one transaction; every
//! change that can alter what the public sees re-indexes the object for search.

use chrono::NaiveDate;
use sqlx::SqliteConnection;

use super::numbers;
use super::search;
use super::types::*;

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
            donor_id: None,
            internal_notes: String::new(),
        }
    }
}

/// The numbers an object was given.
#[derive(Debug, Clone)]
pub struct ObjectRef {
    pub id: i64,
    pub entry_number: String,
}

pub(crate) fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Records a new draft object with a fresh entry number.
pub async fn create_object(
    conn: &mut SqliteConnection,
    object: &NewObject,
    entry_year: i32,
) -> anyhow::Result<ObjectRef> {
    let entry_number = numbers::next_entry_number(conn, entry_year).await?;
    create_object_numbered(conn, object, entry_number).await
}

/// Records a new draft object under an entry number given on arrival (an accepted offer's).
pub async fn create_object_numbered(
    conn: &mut SqliteConnection,
    object: &NewObject,
    entry_number: String,
) -> anyhow::Result<ObjectRef> {
    let stamp = now();
    let query = sqlx::query(
        "INSERT INTO objects (entry_number, object_type,
            title_be, title_en, title_ru, description_be, description_en, description_ru,
            inscription_be, inscription_en, inscription_ru, inscription_public,
            materials_be, materials_en, materials_ru, dimensions, parts,
            date_qualifier, date_earliest, date_latest,
            acquisition_method, acquired_on, acquisition_public, owner, keeper, donor_id,
            internal_notes, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'museum', ?, ?, ?, ?)
         RETURNING id",
    )
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

/// Binds an object's descriptive fields, from its type to its owner, in the order the insert
/// above and the editor's update (`editing::update`) both list their columns.
pub(crate) fn bind_fields<'q>(
    query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    object: &'q NewObject,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    query
        .bind(&object.object_type)
        .bind(&object.title.be)
        .bind(&object.title.en)
        .bind(&object.title.ru)
        .bind(&object.description.be)
        .bind(&object.description.en)
        .bind(&object.description.ru)
        .bind(&object.inscription.be)
        .bind(&object.inscription.en)
        .bind(&object.inscription.ru)
        .bind(object.inscription_public)
        .bind(&object.materials.be)
        .bind(&object.materials.en)
        .bind(&object.materials.ru)
        .bind(&object.dimensions)
        .bind(object.parts)
        .bind(object.date.qualifier)
        .bind(object.date.earliest)
        .bind(object.date.latest)
        .bind(object.acquisition_method)
        .bind(object.acquired_on.map(|d| d.to_string()))
        .bind(object.acquisition_public)
        .bind(object.owner)
}

/// Gives an object its permanent accession number, unless it already has one.
pub async fn accession(
    conn: &mut SqliteConnection,
    object_id: i64,
    pattern: &str,
    year: i32,
) -> anyhow::Result<String> {
    let existing: Option<Option<String>> = sqlx::query_scalar("SELECT accession_number FROM objects WHERE id = ?")
        .bind(object_id)
        .fetch_optional(&mut *conn)
        .await?;
    match existing {
        None => anyhow::bail!("no object {object_id}"),
        Some(Some(number)) => Ok(number),
        Some(None) => {
            let number = numbers::next_accession_number(conn, pattern, year).await?;
            sqlx::query("UPDATE objects SET accession_number = ?, updated_at = ? WHERE id = ?")
                .bind(&number)
                .bind(now())
                .bind(object_id)
                .execute(&mut *conn)
                .await?;
            Ok(number)
        }
    }
}

/// Moves an object between draft, published and withdrawn, and re-indexes it for search.
/// Publishing needs an accession number (the schema refuses otherwise).
pub async fn set_state(conn: &mut SqliteConnection, object_id: i64, state: PubState) -> anyhow::Result<()> {
    let stamp = now();
    let published_at = (state == PubState::Published).then(|| stamp.clone());
    let changed = sqlx::query(
        "UPDATE objects SET state = ?, published_at = COALESCE(?, published_at), updated_at = ? WHERE id = ?",
    )
    .bind(state)
    .bind(published_at)
    .bind(&stamp)
    .bind(object_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    anyhow::ensure!(changed == 1, "no object {object_id}");
    search::index_object(conn, object_id).await
}

/// A person, collective or pseudonym who made objects. The display name is public; the
/// private notes are for staff only.
#[derive(Debug, Clone)]
pub struct NewMaker {
    pub kind: MakerKind,
    pub name: Text3,
    pub bio: Text3,
    pub private_notes: String,
}

pub async fn create_maker(conn: &mut SqliteConnection, maker: &NewMaker) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO makers (kind, name_be, name_en, name_ru, bio_be, bio_en, bio_ru, private_notes, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(maker.kind)
    .bind(&maker.name.be)
    .bind(&maker.name.en)
    .bind(&maker.name.ru)
    .bind(&maker.bio.be)
    .bind(&maker.bio.en)
    .bind(&maker.bio.ru)
    .bind(&maker.private_notes)
    .bind(now())
    .fetch_one(conn)
    .await
}

pub async fn create_place(conn: &mut SqliteConnection, name: &Text3) -> sqlx::Result<i64> {
    sqlx::query_scalar("INSERT INTO places (name_be, name_en, name_ru) VALUES (?, ?, ?) RETURNING id")
        .bind(&name.be)
        .bind(&name.en)
        .bind(&name.ru)
        .fetch_one(conn)
        .await
}

pub async fn create_organisation(conn: &mut SqliteConnection, name: &Text3, private_notes: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO organisations (name_be, name_en, name_ru, private_notes) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(&name.be)
    .bind(&name.en)
    .bind(&name.ru)
    .bind(private_notes)
    .fetch_one(conn)
    .await
}

/// A protest, march, auction or exhibition. Dates are ISO dates, possibly partial ("2020-08").
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: EventKind,
    pub name: Text3,
    pub description: Text3,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub place_id: Option<i64>,
    pub organisation_id: Option<i64>,
}

pub async fn create_event(conn: &mut SqliteConnection, event: &NewEvent) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO events (kind, name_be, name_en, name_ru, description_be, description_en, description_ru,
            starts_on, ends_on, place_id, organisation_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(event.kind)
    .bind(&event.name.be)
    .bind(&event.name.en)
    .bind(&event.name.ru)
    .bind(&event.description.be)
    .bind(&event.description.en)
    .bind(&event.description.ru)
    .bind(&event.starts_on)
    .bind(&event.ends_on)
    .bind(event.place_id)
    .bind(event.organisation_id)
    .fetch_one(conn)
    .await
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

/// Who took part in a provenance event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartyRef {
    Maker(i64),
    /// A donor by pseudonymous id; shown publicly only as the donor chose to be credited.
    Donor(String),
    Organisation(i64),
    Museum,
}

/// The part a party played.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartyRole {
    Maker,
    Seller,
    Buyer,
    Giver,
    Receiver,
    Depositor,
    Organiser,
    Owner,
}

impl PartyRole {
    pub fn as_str(self) -> &'static str {
        match self {
            PartyRole::Maker => "maker",
            PartyRole::Seller => "seller",
            PartyRole::Buyer => "buyer",
            PartyRole::Giver => "giver",
            PartyRole::Receiver => "receiver",
            PartyRole::Depositor => "depositor",
            PartyRole::Organiser => "organiser",
            PartyRole::Owner => "owner",
        }
    }
}

/// One link of a provenance chain. Private unless `is_public`.
#[derive(Debug, Clone)]
pub struct NewProvenance {
    pub kind: ProvenanceKind,
    pub date: FuzzyDate,
    pub exact_date: Option<NaiveDate>,
    pub place_id: Option<i64>,
    pub event_id: Option<i64>,
    pub lot: String,
    pub price_minor: Option<i64>,
    pub currency: String,
    pub note: Text3,
    pub is_public: bool,
    pub parties: Vec<(PartyRole, PartyRef)>,
}

impl NewProvenance {
    pub fn new(kind: ProvenanceKind, date: FuzzyDate) -> Self {
        Self {
            kind,
            date,
            exact_date: None,
            place_id: None,
            event_id: None,
            lot: String::new(),
            price_minor: None,
            currency: String::new(),
            note: Text3::default(),
            is_public: false,
            parties: Vec::new(),
        }
    }
}

/// Appends an event to the object's provenance chain.
pub async fn add_provenance(conn: &mut SqliteConnection, object_id: i64, event: &NewProvenance) -> anyhow::Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO provenance_events (object_id, position, kind, date_qualifier, date_earliest, date_latest,
            exact_date, place_id, event_id, lot, price_minor, currency, note_be, note_en, note_ru, is_public)
         VALUES (?1, (SELECT COALESCE(MAX(position) + 1, 0) FROM provenance_events WHERE object_id = ?1),
            ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         RETURNING id",
    )
    .bind(object_id)
    .bind(event.kind)
    .bind(event.date.qualifier)
    .bind(event.date.earliest)
    .bind(event.date.latest)
    .bind(event.exact_date.map(|d| d.to_string()))
    .bind(event.place_id)
    .bind(event.event_id)
    .bind(&event.lot)
    .bind(event.price_minor)
    .bind(&event.currency)
    .bind(&event.note.be)
    .bind(&event.note.en)
    .bind(&event.note.ru)
    .bind(event.is_public)
    .fetch_one(&mut *conn)
    .await?;
    for (role, party) in &event.parties {
        let (maker, donor, organisation, museum) = match party {
            PartyRef::Maker(id) => (Some(*id), None, None, false),
            PartyRef::Donor(id) => (None, Some(id.as_str()), None, false),
            PartyRef::Organisation(id) => (None, None, Some(*id), false),
            PartyRef::Museum => (None, None, None, true),
        };
        sqlx::query(
            "INSERT INTO provenance_parties (provenance_id, role, maker_id, donor_id, organisation_id, museum)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(role.as_str())
        .bind(maker)
        .bind(donor)
        .bind(organisation)
        .bind(museum)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

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

/// An object as staff see it: every field, public or not, with its donor's credit choice.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct StaffObject {
    pub id: i64,
    pub entry_number: String,
    pub accession_number: Option<String>,
    pub object_type: String,
    pub state: String,
    pub title_be: String,
    pub title_en: String,
    pub title_ru: String,
    pub description_be: String,
    pub description_en: String,
    pub description_ru: String,
    pub internal_notes: String,
    pub donor_id: Option<String>,
    pub donor_credit: Option<String>,
    pub donor_credit_name: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// One object for the panel, whatever its state.
pub async fn staff_view(conn: &mut SqliteConnection, object_id: i64) -> sqlx::Result<Option<StaffObject>> {
    sqlx::query_as(
        "SELECT o.id, o.entry_number, o.accession_number, o.object_type, o.state, o.title_be, o.title_en,
            o.title_ru, o.description_be, o.description_en, o.description_ru, o.internal_notes, o.donor_id,
            d.credit AS donor_credit, d.credit_name AS donor_credit_name, o.created_at, o.updated_at
         FROM objects o LEFT JOIN donors d ON d.id = o.donor_id WHERE o.id = ?",
    )
    .bind(object_id)
    .fetch_optional(conn)
    .await
}
