//! Provenance: an object's ordered chain of events (made, exhibited, auctioned, bought, given,
//! deposited…), each with its parties, and the commands that add, reorder and remove links.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{SqliteConnection, SqlitePool};

use super::command::{Command, CommandError, CommandResult, Tx};
use super::types::*;

/// Who took part in a provenance event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartyRef {
    Maker(i64),
    /// A donor by pseudonymous id; shown publicly only as the donor chose to be credited.
    Donor(String),
    Organisation(i64),
    Museum,
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
    let id: i64 = sqlx::query_scalar(concat!(
        "INSERT INTO provenance_events (object_id, position, kind, date_qualifier, date_earliest, date_latest,
            exact_date, place_id, event_id, lot, price_minor, currency, ",
        lang3!("note"),
        ", is_public)
         VALUES (?1, (SELECT COALESCE(MAX(position) + 1, 0) FROM provenance_events WHERE object_id = ?1),
            ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         RETURNING id"
    ))
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
    .bind3(&event.note)
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
    sqlx::query_as(concat!(
        "SELECT p.id, p.position, p.kind, p.date_qualifier, p.date_earliest, p.date_latest, p.exact_date, ",
        lang3!(first "pl.name"),
        " AS place, ",
        lang3!(first "e.name"),
        " AS event, p.lot, p.price_minor, p.currency, TRIM(",
        lang3!(joined "p.note"),
        ") AS note, p.is_public
         FROM provenance_events p
         LEFT JOIN places pl ON pl.id = p.place_id LEFT JOIN events e ON e.id = p.event_id
         WHERE p.object_id = ? ORDER BY p.position"
    ))
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
/// A link of object `object_id`'s chain as the audit log keeps it when it is added or removed:
/// every field and party, its note only by length (a private note may one day have to be
/// erased, and the log never can be).
pub async fn audited(conn: &mut SqliteConnection, object_id: i64, id: i64) -> sqlx::Result<serde_json::Value> {
    let text: Option<String> = sqlx::query_scalar(
        "SELECT json_object('position', position, 'kind', kind, 'date_qualifier', date_qualifier,
            'date_earliest', date_earliest, 'date_latest', date_latest, 'exact_date', exact_date,
            'place', place_id, 'event', event_id, 'lot', lot, 'price_minor', price_minor, 'currency', currency,
            'note_characters', json_object('be', length(note_be), 'en', length(note_en), 'ru', length(note_ru)),
            'public', is_public = 1,
            'parties', json((SELECT json_group_array(json_object('role', role, 'maker', maker_id, 'donor', donor_id,
                                'organisation', organisation_id, 'museum', museum = 1))
                             FROM provenance_parties WHERE provenance_id = e.id)))
         FROM provenance_events e WHERE id = ? AND object_id = ?",
    )
    .bind(id)
    .bind(object_id)
    .fetch_optional(conn)
    .await?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(serde_json::Value::Null))
}

pub async fn delete_provenance(conn: &mut SqliteConnection, object_id: i64, id: i64) -> anyhow::Result<bool> {
    let gone = sqlx::query("DELETE FROM provenance_events WHERE id = ? AND object_id = ?")
        .bind(id)
        .bind(object_id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(gone == 1)
}

/// Who took part, as the editor names them: the object's own donor is resolved by the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartyInput {
    Maker(i64),
    Organisation(i64),
    Museum,
    /// The donor the object came from (an error when it has none).
    TheDonor,
}

impl PartyInput {
    /// Reads the editor's `party` value: `maker:ID`, `org:ID`, `museum` or `donor`; empty is
    /// no party, anything else an error.
    pub fn parse(text: &str) -> Result<Option<Self>, &'static str> {
        let id = |t: &str| t.parse::<i64>().map_err(|_| "edit-error-party");
        Ok(Some(match text {
            "" => return Ok(None),
            "museum" => Self::Museum,
            "donor" => Self::TheDonor,
            _ => match (text.strip_prefix("maker:"), text.strip_prefix("org:")) {
                (Some(m), _) => Self::Maker(id(m)?),
                (_, Some(o)) => Self::Organisation(id(o)?),
                _ => return Err("edit-error-party"),
            },
        }))
    }
}

/// Appends a link to object `object`'s provenance chain, with at most one party.
#[derive(Debug, Clone)]
pub struct AddProvenance {
    pub object: i64,
    pub event: NewProvenance,
    pub party: Option<(PartyRole, PartyInput)>,
}

impl Command for AddProvenance {
    type Output = i64;

    async fn run(self, tx: &mut Tx) -> CommandResult<i64> {
        let record = super::objects::editable(tx, self.object).await?;
        let mut event = self.event;
        if let Some((role, party)) = self.party {
            let party = match party {
                PartyInput::Maker(id) => PartyRef::Maker(id),
                PartyInput::Organisation(id) => PartyRef::Organisation(id),
                PartyInput::Museum => PartyRef::Museum,
                PartyInput::TheDonor => {
                    PartyRef::Donor(record.fields.donor_id.clone().ok_or(CommandError::Refused("edit-error-party"))?)
                }
            };
            event.parties.push((role, party));
        }
        let id = add_provenance(tx, self.object, &event).await?;
        let link = audited(tx, self.object, id).await?;
        let details = serde_json::json!({
            "id": self.object, "provenance": id, "kind": event.kind, "public": event.is_public, "link": link,
        });
        tx.audit("provenance-added", &record.entry_number, details).await?;
        if record.state != PubState::Draft {
            tx.public_changed();
        }
        Ok(id)
    }
}

/// Moves a link of the chain one place earlier or later, or removes it.
#[derive(Debug, Clone, Copy)]
pub struct ChangeProvenance {
    pub object: i64,
    pub provenance: i64,
    pub action: ListAction,
}

impl Command for ChangeProvenance {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        let record = super::objects::editable(tx, self.object).await?;
        let (object, id) = (self.object, self.provenance);
        // What a removed link said, kept in the log: it is nowhere else afterwards.
        let removed = match self.action {
            ListAction::Remove => Some(audited(tx, object, id).await?),
            _ => None,
        };
        let changed = match self.action {
            ListAction::Up | ListAction::Down => move_provenance(tx, object, id, self.action == ListAction::Up)
                .await
                .map_err(|_| CommandError::NotFound)?,
            ListAction::Remove => delete_provenance(tx, object, id).await?,
        };
        if changed {
            let mut details = serde_json::json!({ "id": object, "provenance": id, "action": self.action });
            if let Some(removed) = removed {
                details["removed"] = removed;
            }
            tx.audit("provenance-changed", &record.entry_number, details).await?;
            if record.state != PubState::Draft {
                tx.public_changed();
            }
        }
        Ok(())
    }
}
