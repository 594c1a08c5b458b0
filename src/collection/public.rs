//! The public projection: everything the world may see, and nothing else.
//!
//! This is the one place that decides what is public. Pages, search results, media URLs and
//! (later) feeds and the static export all read from a [`PublicCollection`], which holds only
//! published objects, their public fields, public provenance events, public media, and the
//! authorities they link to. Private notes, storage locations, donor ids and drafts are never
//! loaded into it.

use std::collections::{HashMap, HashSet};

use sqlx::SqlitePool;

use super::rights::Rights;
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
    /// The image's rights statement, its own or its object's; `None` is the collection's.
    pub rights: Option<Rights>,
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
    /// The object's rights statement; `None` is the collection's.
    pub rights: Option<Rights>,
    pub published_at: String,
    /// When the object last changed (RFC 3339): open data's datestamp.
    pub updated_at: String,
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
    /// Objects once published and no longer: harvesters are told they were deleted.
    pub withdrawn: Vec<WithdrawnRecord>,
}

/// What open data still says of an object that was published and is no longer: its number,
/// its type and when it was withdrawn. Nothing else of it is public.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WithdrawnRecord {
    pub accession: String,
    pub type_code: String,
    pub updated_at: String,
}

#[derive(sqlx::FromRow)]
struct ObjectRow {
    id: i64,
    accession_number: String,
    type_id: i64,
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
    credit: Option<CreditChoice>,
    credit_name: Option<String>,
    rights: Option<String>,
    published_at: String,
    updated_at: String,
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
    place: Option<Text3>,
    event_id: Option<i64>,
    lot: String,
    price_minor: Option<i64>,
    currency: String,
    note: Text3,
}

#[derive(sqlx::FromRow)]
struct PartyRow {
    provenance_id: i64,
    role: String,
    maker_id: Option<i64>,
    org: Option<Text3>,
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
    alt: Text3,
    caption: Text3,
    webp_sizes: String,
    rights: Option<String>,
}

#[derive(sqlx::FromRow)]
struct MakerRow {
    id: i64,
    kind: MakerKind,
    name: Text3,
    bio: Text3,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    kind: EventKind,
    name: Text3,
    description: Text3,
    starts_on: Option<String>,
    ends_on: Option<String>,
    place: Option<Text3>,
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
            "SELECT o.id, COALESCE(o.accession_number, '') AS accession_number, t.id AS type_id, ",
            lang3!(text "o.title" as "title"),
            ", ",
            lang3!(text "o.description" as "description"),
            ", ",
            lang3!(text "o.inscription" as "inscription"),
            ", o.inscription_public, ",
            lang3!(text "o.materials" as "materials"),
            ", o.dimensions, o.parts,
                o.date_qualifier, o.date_earliest, o.date_latest,
                o.acquisition_method, o.acquired_on, o.acquisition_public, o.owner,
                d.credit, d.credit_name, o.rights, o.published_at, o.updated_at
             FROM objects o JOIN object_types t ON t.code = o.object_type LEFT JOIN donors d ON d.id = o.donor_id
             WHERE o.id IN ",
            in_scope!(),
            "
             ORDER BY o.published_at DESC, o.id DESC"
        ))
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
                title: row.title,
                description: row.description,
                inscription: row.inscription_public.then_some(row.inscription).filter(|t| !t.is_empty()),
                materials: row.materials,
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
                rights: Rights::stored(row.rights.as_deref()),
                published_at: row.published_at,
                updated_at: row.updated_at,
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
            "SELECT p.id, p.object_id, p.kind, p.date_qualifier, p.date_earliest, p.date_latest, p.exact_date, ",
            lang3!(text "pl.name" as "place"),
            ", p.event_id, p.lot, p.price_minor, p.currency, ",
            lang3!(text "p.note" as "note"),
            "
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
            "SELECT pp.provenance_id, pp.role, pp.maker_id, ",
            lang3!(text "org.name" as "org"),
            ", d.credit, d.credit_name, pp.museum
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
            } else if let Some(org) = p.org {
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
                place: row.place,
                event_id: row.event_id,
                lot: row.lot,
                price: row.price_minor.map(|p| (p, row.currency)),
                note: row.note,
                parties: parties_of.remove(&row.id).unwrap_or_default(),
            };
            if let Some(o) = collection.object_mut(row.object_id) {
                o.provenance.push(link);
            }
        }

        let media: Vec<MediaRow> = sqlx::query_as(concat!(
            // The public knows an image by the name of its derivatives, redacted when it has
            // regions; the master's hash stays private.
            "SELECT object_id, derivatives AS hash, width, height, ",
            lang3!(text "alt" as "alt"),
            ", ",
            lang3!(text "caption" as "caption"),
            ", webp_sizes, rights
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
                    alt: m.alt,
                    caption: m.caption,
                    webp_sizes: m.webp_sizes.split(',').filter_map(|s| s.parse().ok()).collect(),
                    rights: Rights::stored(m.rights.as_deref()).or(o.rights),
                });
            }
        }

        let makers: Vec<MakerRow> = sqlx::query_as(concat!(
            "SELECT id, kind, ",
            lang3!(text "name" as "name"),
            ", ",
            lang3!(text "bio" as "bio"),
            " FROM makers"
        ))
        .fetch_all(&mut *tx)
        .await?;
        for m in makers.into_iter().filter(|m| maker_ids.contains(&m.id)) {
            // An anonymous maker is anonymous in public whatever the curators wrote down.
            let anonymous = m.kind == MakerKind::Anonymous;
            let (name, bio) = if anonymous { (Text3::default(), Text3::default()) } else { (m.name, m.bio) };
            collection.makers.insert(m.id, PublicMaker { id: m.id, kind: m.kind, name, bio });
        }
        let events: Vec<EventRow> = sqlx::query_as(concat!(
            "SELECT e.id, e.kind, ",
            lang3!(text "e.name" as "name"),
            ", ",
            lang3!(text "e.description" as "description"),
            ", e.starts_on, e.ends_on, ",
            lang3!(text "p.name" as "place"),
            " FROM events e LEFT JOIN places p ON p.id = e.place_id"
        ))
        .fetch_all(&mut *tx)
        .await?;
        for e in events.into_iter().filter(|e| event_ids.contains(&e.id)) {
            collection.events.insert(
                e.id,
                PublicEvent {
                    id: e.id,
                    kind: e.kind,
                    name: e.name,
                    description: e.description,
                    starts_on: e.starts_on,
                    ends_on: e.ends_on,
                    place: e.place,
                },
            );
        }
        if preview.is_none() {
            collection.withdrawn = sqlx::query_as(
                "SELECT accession_number AS accession, object_type AS type_code, updated_at FROM objects
                 WHERE accession_number IS NOT NULL AND published_at IS NOT NULL AND state <> 'published'
                 ORDER BY updated_at, accession_number",
            )
            .fetch_all(&mut *tx)
            .await?;
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
