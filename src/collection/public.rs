//! The public projection: everything the world may see, and nothing else.
//!
//! This is the one place that decides what is public. Pages, search results, media URLs and
//! (later) feeds and the static export all read from a [`PublicCollection`], which holds only
//! published objects, their public fields, public provenance events, public media, and the
//! authorities they link to. Private notes, storage locations, donor ids and drafts are never
//! loaded into it.

use std::collections::{HashMap, HashSet};

use sqlx::SqlitePool;

use super::types::*;

/// The objects the public may see: published and numbered; or, for a staff preview, the one
/// object `?1`. The only definition of "public" in this module: every query of the
/// projection selects through it.
macro_rules! in_scope {
    () => {
        "(SELECT id FROM objects WHERE (?1 IS NULL AND state = 'published' AND accession_number IS NOT NULL) OR id = ?1)"
    };
}

/// How a donor is credited in public, exactly as they chose. Never carries the donor's id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum PublicCredit {
    Anonymous,
    Named(String),
}

/// A party of a public provenance event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicParty {
    Maker(i64),
    Organisation(Text3),
    Donor(PublicCredit),
    Museum,
}

/// A public link of an object's provenance chain.
#[derive(Debug, Clone)]
pub struct PublicProvenance {
    pub kind: ProvenanceKind,
    pub date: FuzzyDate,
    pub exact_date: Option<String>,
    pub place: Option<Text3>,
    pub event_id: Option<i64>,
    pub lot: String,
    pub price: Option<(i64, String)>,
    pub note: Text3,
    pub parties: Vec<(String, PublicParty)>,
}

/// A public image of a published object.
#[derive(Debug, Clone)]
pub struct PublicMedia {
    pub hash: String,
    pub width: i64,
    pub height: i64,
    pub alt: Text3,
    pub caption: Text3,
    /// Derivative sizes that also exist as WebP.
    pub webp_sizes: Vec<u32>,
}

/// A published object with its public fields only.
#[derive(Debug, Clone)]
pub struct PublicObject {
    pub id: i64,
    pub accession: String,
    /// Id of the object's type, a key of [`PublicCollection::types`].
    pub type_id: i64,
    pub title: Text3,
    pub description: Text3,
    /// Present only when the curators made the inscription public.
    pub inscription: Option<Text3>,
    pub materials: Text3,
    pub dimensions: String,
    pub parts: i64,
    pub date: FuzzyDate,
    /// Present only when the curators made the acquisition public.
    pub acquisition: Option<(AcquisitionMethod, Option<String>)>,
    pub owner: Owner,
    /// The donor's credit; `None` when the object has no donor record.
    pub credit: Option<PublicCredit>,
    pub makers: Vec<i64>,
    pub events: Vec<i64>,
    pub provenance: Vec<PublicProvenance>,
    pub media: Vec<PublicMedia>,
    pub published_at: String,
}

/// A maker as the public sees them: display name and biography, never private notes.
#[derive(Debug, Clone)]
pub struct PublicMaker {
    pub id: i64,
    pub kind: MakerKind,
    pub name: Text3,
    pub bio: Text3,
}

/// An event as the public sees it.
#[derive(Debug, Clone)]
pub struct PublicEvent {
    pub id: i64,
    pub kind: EventKind,
    pub name: Text3,
    pub description: Text3,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub place: Option<Text3>,
}

/// The whole public collection, loaded in one go.
#[derive(Debug, Default)]
pub struct PublicCollection {
    /// Newest publication first.
    pub objects: Vec<PublicObject>,
    pub by_accession: HashMap<String, usize>,
    pub by_id: IdMap<i64, usize>,
    pub makers: HashMap<i64, PublicMaker>,
    pub events: HashMap<i64, PublicEvent>,
    /// Every object type, used or not: a type's name is public vocabulary.
    pub types: IdMap<i64, ObjectType>,
    /// Images the public may fetch, by hash, with their pixel size.
    pub media_hashes: HashMap<String, (i64, i64)>,
}

#[derive(sqlx::FromRow)]
struct ObjectRow {
    id: i64,
    accession_number: String,
    type_id: i64,
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
    credit: Option<CreditChoice>,
    credit_name: Option<String>,
    published_at: String,
}

#[derive(sqlx::FromRow)]
struct ProvenanceRow {
    id: i64,
    object_id: i64,
    kind: ProvenanceKind,
    date_qualifier: DateQualifier,
    date_earliest: Option<i64>,
    date_latest: Option<i64>,
    exact_date: Option<String>,
    place_be: Option<String>,
    place_en: Option<String>,
    place_ru: Option<String>,
    event_id: Option<i64>,
    lot: String,
    price_minor: Option<i64>,
    currency: String,
    note_be: String,
    note_en: String,
    note_ru: String,
}

#[derive(sqlx::FromRow)]
struct PartyRow {
    provenance_id: i64,
    role: String,
    maker_id: Option<i64>,
    org_be: Option<String>,
    org_en: Option<String>,
    org_ru: Option<String>,
    credit: Option<CreditChoice>,
    credit_name: Option<String>,
    museum: bool,
}

#[derive(sqlx::FromRow)]
struct MediaRow {
    object_id: i64,
    hash: String,
    width: i64,
    height: i64,
    alt_be: String,
    alt_en: String,
    alt_ru: String,
    caption_be: String,
    caption_en: String,
    caption_ru: String,
    webp_sizes: String,
}

#[derive(sqlx::FromRow)]
struct MakerRow {
    id: i64,
    kind: MakerKind,
    name_be: String,
    name_en: String,
    name_ru: String,
    bio_be: String,
    bio_en: String,
    bio_ru: String,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    kind: EventKind,
    name_be: String,
    name_en: String,
    name_ru: String,
    description_be: String,
    description_en: String,
    description_ru: String,
    starts_on: Option<String>,
    ends_on: Option<String>,
    place_be: Option<String>,
    place_en: Option<String>,
    place_ru: Option<String>,
}

fn credit_of(choice: Option<CreditChoice>, name: Option<String>) -> Option<PublicCredit> {
    let name = name.unwrap_or_default();
    match choice? {
        CreditChoice::Anonymous => Some(PublicCredit::Anonymous),
        // A pseudonym or name left empty falls back to anonymous rather than to anything else.
        _ if name.trim().is_empty() => Some(PublicCredit::Anonymous),
        CreditChoice::Pseudonym | CreditChoice::Name => Some(PublicCredit::Named(name.trim().to_owned())),
    }
}

fn text3(be: Option<String>, en: Option<String>, ru: Option<String>) -> Option<Text3> {
    be.map(|be| Text3 { be, en: en.unwrap_or_default(), ru: ru.unwrap_or_default() })
}

impl PublicCollection {
    /// Loads the public projection from the collection database.
    pub async fn load(pool: &SqlitePool) -> sqlx::Result<Self> {
        Self::load_scope(pool, None).await
    }

    /// Exactly what the public would see of object `id` if it were published now, whatever its
    /// state: the same projection, limited to that one object (for the panel's preview). A
    /// draft without an accession number shows an empty one.
    pub async fn preview(pool: &SqlitePool, id: i64) -> sqlx::Result<Self> {
        Self::load_scope(pool, Some(id)).await
    }

    /// `preview` `None`: every published object; `Some(id)`: that object only.
    async fn load_scope(pool: &SqlitePool, preview: Option<i64>) -> sqlx::Result<Self> {
        // One read transaction, so every query sees the same state of the collection.
        let mut tx = pool.begin().await?;
        let rows: Vec<ObjectRow> = sqlx::query_as(concat!(
            "SELECT o.id, COALESCE(o.accession_number, '') AS accession_number, t.id AS type_id, o.title_be, o.title_en, o.title_ru,
                o.description_be, o.description_en, o.description_ru,
                o.inscription_be, o.inscription_en, o.inscription_ru, o.inscription_public,
                o.materials_be, o.materials_en, o.materials_ru, o.dimensions, o.parts,
                o.date_qualifier, o.date_earliest, o.date_latest,
                o.acquisition_method, o.acquired_on, o.acquisition_public, o.owner,
                d.credit, d.credit_name, o.published_at
             FROM objects o JOIN object_types t ON t.code = o.object_type LEFT JOIN donors d ON d.id = o.donor_id
             WHERE o.id IN ", in_scope!(), "
             ORDER BY o.published_at DESC, o.id DESC"),
        )
        .bind(preview)
        .fetch_all(&mut *tx)
        .await?;

        let mut collection = PublicCollection::default();
        for t in super::authorities::object_types(&mut tx).await? {
            collection.types.insert(t.id, t);
        }
        for row in rows {
            let object = PublicObject {
                id: row.id,
                accession: row.accession_number,
                type_id: row.type_id,
                title: Text3::new(row.title_be, row.title_en, row.title_ru),
                description: Text3::new(row.description_be, row.description_en, row.description_ru),
                inscription: row
                    .inscription_public
                    .then(|| Text3::new(row.inscription_be, row.inscription_en, row.inscription_ru))
                    .filter(|t| !t.is_empty()),
                materials: Text3::new(row.materials_be, row.materials_en, row.materials_ru),
                dimensions: row.dimensions,
                parts: row.parts,
                date: FuzzyDate { qualifier: row.date_qualifier, earliest: row.date_earliest, latest: row.date_latest },
                acquisition: match (row.acquisition_public, row.acquisition_method) {
                    (true, Some(method)) => Some((method, row.acquired_on)),
                    _ => None,
                },
                // Ownership says whether a deposit's owner is still out there: it is part of the
                // acquisition, public only with it.
                owner: if row.acquisition_public { row.owner } else { Owner::Unknown },
                credit: credit_of(row.credit, row.credit_name),
                makers: Vec::new(),
                events: Vec::new(),
                provenance: Vec::new(),
                media: Vec::new(),
                published_at: row.published_at,
            };
            collection.by_id.insert(object.id, collection.objects.len());
            collection.by_accession.insert(object.accession.clone(), collection.objects.len());
            collection.objects.push(object);
        }

        let mut maker_ids = HashSet::new();
        let mut event_ids = HashSet::new();

        let links: Vec<(i64, i64)> = sqlx::query_as(concat!(
            "SELECT object_id, maker_id FROM object_makers
             WHERE object_id IN ",
            in_scope!(),
            " ORDER BY object_id, position"
        ))
        .bind(preview)
        .fetch_all(&mut *tx)
        .await?;
        for (object_id, maker_id) in links {
            if let Some(o) = collection.object_mut(object_id) {
                o.makers.push(maker_id);
                maker_ids.insert(maker_id);
            }
        }
        let links: Vec<(i64, i64)> = sqlx::query_as(concat!(
            "SELECT object_id, event_id FROM object_events
             WHERE object_id IN ",
            in_scope!(),
            " ORDER BY event_id"
        ))
        .bind(preview)
        .fetch_all(&mut *tx)
        .await?;
        for (object_id, event_id) in links {
            if let Some(o) = collection.object_mut(object_id) {
                o.events.push(event_id);
                event_ids.insert(event_id);
            }
        }

        let provenance: Vec<ProvenanceRow> = sqlx::query_as(concat!(
            "SELECT p.id, p.object_id, p.kind, p.date_qualifier, p.date_earliest, p.date_latest, p.exact_date,
                pl.name_be AS place_be, pl.name_en AS place_en, pl.name_ru AS place_ru,
                p.event_id, p.lot, p.price_minor, p.currency, p.note_be, p.note_en, p.note_ru
             FROM provenance_events p LEFT JOIN places pl ON pl.id = p.place_id
             WHERE p.is_public = 1 AND p.object_id IN ",
            in_scope!(),
            "
             ORDER BY p.object_id, p.position"
        ))
        .bind(preview)
        .fetch_all(&mut *tx)
        .await?;
        let parties: Vec<PartyRow> = sqlx::query_as(concat!(
            "SELECT pp.provenance_id, pp.role, pp.maker_id,
                org.name_be AS org_be, org.name_en AS org_en, org.name_ru AS org_ru,
                d.credit, d.credit_name, pp.museum
             FROM provenance_parties pp
             JOIN provenance_events p ON p.id = pp.provenance_id
             LEFT JOIN organisations org ON org.id = pp.organisation_id
             LEFT JOIN donors d ON d.id = pp.donor_id
             WHERE p.is_public = 1 AND p.object_id IN ",
            in_scope!(),
            "
             ORDER BY pp.rowid"
        ))
        .bind(preview)
        .fetch_all(&mut *tx)
        .await?;
        let mut parties_of: HashMap<i64, Vec<(String, PublicParty)>> = HashMap::new();
        for p in parties {
            let party = if let Some(maker) = p.maker_id {
                maker_ids.insert(maker);
                PublicParty::Maker(maker)
            } else if let Some(org) = text3(p.org_be, p.org_en, p.org_ru) {
                PublicParty::Organisation(org)
            } else if p.museum {
                PublicParty::Museum
            } else {
                PublicParty::Donor(credit_of(p.credit, p.credit_name).unwrap_or(PublicCredit::Anonymous))
            };
            parties_of.entry(p.provenance_id).or_default().push((p.role, party));
        }
        for row in provenance {
            if let Some(event) = row.event_id {
                event_ids.insert(event);
            }
            let link = PublicProvenance {
                kind: row.kind,
                date: FuzzyDate { qualifier: row.date_qualifier, earliest: row.date_earliest, latest: row.date_latest },
                exact_date: row.exact_date,
                place: text3(row.place_be, row.place_en, row.place_ru),
                event_id: row.event_id,
                lot: row.lot,
                price: row.price_minor.map(|p| (p, row.currency)),
                note: Text3::new(row.note_be, row.note_en, row.note_ru),
                parties: parties_of.remove(&row.id).unwrap_or_default(),
            };
            if let Some(o) = collection.object_mut(row.object_id) {
                o.provenance.push(link);
            }
        }

        let media: Vec<MediaRow> = sqlx::query_as(concat!(
            "SELECT object_id, hash, width, height, alt_be, alt_en, alt_ru, caption_be, caption_en, caption_ru,
                webp_sizes
             FROM media
             WHERE is_public = 1 AND state = 'ready'
               AND object_id IN ",
            in_scope!(),
            "
             ORDER BY object_id, position, id"
        ))
        .bind(preview)
        .fetch_all(&mut *tx)
        .await?;
        for m in media {
            collection.media_hashes.insert(m.hash.clone(), (m.width, m.height));
            if let Some(o) = collection.object_mut(m.object_id) {
                o.media.push(PublicMedia {
                    hash: m.hash,
                    width: m.width,
                    height: m.height,
                    alt: Text3::new(m.alt_be, m.alt_en, m.alt_ru),
                    caption: Text3::new(m.caption_be, m.caption_en, m.caption_ru),
                    webp_sizes: m.webp_sizes.split(',').filter_map(|s| s.parse().ok()).collect(),
                });
            }
        }

        let makers: Vec<MakerRow> =
            sqlx::query_as("SELECT id, kind, name_be, name_en, name_ru, bio_be, bio_en, bio_ru FROM makers")
                .fetch_all(&mut *tx)
                .await?;
        for m in makers.into_iter().filter(|m| maker_ids.contains(&m.id)) {
            // An anonymous maker is anonymous in public whatever the curators wrote down.
            let anonymous = m.kind == MakerKind::Anonymous;
            let (name, bio) = if anonymous {
                (Text3::default(), Text3::default())
            } else {
                (Text3::new(m.name_be, m.name_en, m.name_ru), Text3::new(m.bio_be, m.bio_en, m.bio_ru))
            };
            collection.makers.insert(m.id, PublicMaker { id: m.id, kind: m.kind, name, bio });
        }
        let events: Vec<EventRow> = sqlx::query_as(
            "SELECT e.id, e.kind, e.name_be, e.name_en, e.name_ru, e.description_be, e.description_en,
                e.description_ru, e.starts_on, e.ends_on,
                p.name_be AS place_be, p.name_en AS place_en, p.name_ru AS place_ru
             FROM events e LEFT JOIN places p ON p.id = e.place_id",
        )
        .fetch_all(&mut *tx)
        .await?;
        for e in events.into_iter().filter(|e| event_ids.contains(&e.id)) {
            collection.events.insert(
                e.id,
                PublicEvent {
                    id: e.id,
                    kind: e.kind,
                    name: Text3::new(e.name_be, e.name_en, e.name_ru),
                    description: Text3::new(e.description_be, e.description_en, e.description_ru),
                    starts_on: e.starts_on,
                    ends_on: e.ends_on,
                    place: text3(e.place_be, e.place_en, e.place_ru),
                },
            );
        }
        tx.commit().await?;
        Ok(collection)
    }

    fn object_mut(&mut self, id: i64) -> Option<&mut PublicObject> {
        let index = *self.by_id.get(&id)?;
        self.objects.get_mut(index)
    }

    /// A published object by accession number.
    pub fn object(&self, accession: &str) -> Option<&PublicObject> {
        self.by_accession.get(accession).and_then(|i| self.objects.get(*i))
    }

    /// Every object type, in the order forms offer them.
    pub fn types_sorted(&self, lang: crate::i18n::Lang) -> Vec<&ObjectType> {
        let mut types: Vec<&ObjectType> = self.types.values().collect();
        ObjectType::sort_for_forms(&mut types, lang);
        types
    }

    /// An object type by its code.
    pub fn type_by_code(&self, code: &str) -> Option<&ObjectType> {
        self.types.values().find(|t| t.code == code)
    }

    /// A published object by internal id (used to map search hits).
    pub fn object_by_id(&self, id: i64) -> Option<&PublicObject> {
        self.by_id.get(&id).and_then(|i| self.objects.get(*i))
    }
}
