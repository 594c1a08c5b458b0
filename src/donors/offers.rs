//! Offers from the intake form, from arrival to a curator's decision. All SQL about offers is
//! here. The donor's story and contact never touch these tables: they are sealed before this
//! module writes anything, and go to `contacts.sqlite` under the offer's random id.

use anyhow::{Context, bail};
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{SqliteConnection, SqlitePool};

use super::contacts::Vault;
use super::create_donor;
use super::receipts::{self, Derived};
use super::recipients::Recipients;
use super::seal::{self, SealedFields};
use crate::auth::Role;
use crate::collection::command::{Command, CommandError, CommandResult, Tx};
use crate::collection::objects::{self, NewObject};
use crate::collection::{CreditChoice, Text3, numbers};
use crate::db::Writer;
use crate::i18n::Lang;
use crate::ids::random_id;
use crate::media::{self, NewMedia, Stored};

/// What a donor wrote that anyone on the staff may read.
#[derive(Debug, Clone)]
pub struct NewOffer {
    /// The language of the form, which is most likely the language of the text.
    pub lang: Lang,
    pub title: String,
    pub description: String,
    /// The code of an object type, or "" when the donor was not sure.
    pub object_type: String,
    pub maker: String,
    pub credit: CreditChoice,
    pub credit_name: String,
    pub consent_publish: bool,
}

/// Where an offer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "TEXT", rename_all = "snake_case")]
pub enum OfferState {
    Waiting,
    Accepted,
    Declined,
}

/// An offer as it was stored.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub id: String,
    pub entry_number: String,
}

/// Where an offer goes: the sealed record to the vault, sealed to the recipients; the rest to
/// the collection database.
#[derive(Debug, Clone, Copy)]
pub struct Destination<'a> {
    pub writer: &'a Writer,
    pub vault: &'a Vault,
    pub recipients: &'a Recipients,
}

/// Stores an offer: seals the story and contact to the keyholders, writes the sealed record,
/// then the offer and its photos (already sanitised and stored by the media module). With a
/// receipt, only what [`receipts::derive`] made of it is kept.
pub async fn submit(
    to: Destination<'_>,
    offer: &NewOffer,
    sealed: &SealedFields,
    photos: &[Stored],
    receipt: Option<&Derived>,
    today: NaiveDate,
) -> anyhow::Result<Submitted> {
    let id = random_id();
    // Sealed in memory first: nothing about the story or contact is written unencrypted.
    let envelope = seal::seal(&id, sealed, to.recipients).map_err(|e| anyhow::anyhow!("sealing: {e}"))?;
    to.vault.store(&id, &envelope, today).await.context("storing the sealed record")?;
    match insert(to.writer, &id, offer, photos, receipt, today).await {
        Ok(entry_number) => Ok(Submitted { id, entry_number }),
        Err(err) => {
            // Leave no sealed record without its offer.
            if let Err(e) = to.vault.delete(&id).await {
                tracing::error!(error = %e, "removing the sealed record of a failed offer");
            }
            Err(err)
        }
    }
}

async fn insert(
    writer: &Writer,
    id: &str,
    offer: &NewOffer,
    photos: &[Stored],
    receipt: Option<&Derived>,
    today: NaiveDate,
) -> anyhow::Result<String> {
    use chrono::Datelike;
    let mut tx = writer.begin().await?;
    let entry_number = numbers::next_entry_number(&mut tx, today.year()).await?;
    let credit_name = if offer.credit == CreditChoice::Anonymous { "" } else { offer.credit_name.trim() };
    sqlx::query(
        "INSERT INTO offers (id, entry_number, received_on, lang, title, description, object_type, maker,
            credit, credit_name, consent_publish, receipt_lookup, receipt_recipient)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(&entry_number)
    .bind(today.to_string())
    .bind(offer.lang.code())
    .bind(offer.title.trim())
    .bind(offer.description.trim())
    .bind(&offer.object_type)
    .bind(offer.maker.trim())
    .bind(offer.credit)
    .bind(credit_name)
    .bind(offer.consent_publish)
    .bind(receipt.map(|r| r.lookup.to_vec()))
    .bind(receipt.map(Derived::recipient))
    .execute(&mut *tx)
    .await?;
    for (position, photo) in photos.iter().enumerate() {
        sqlx::query(
            "INSERT INTO offer_photos (offer_id, position, hash, width, height, master_format, webp_sizes)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(&photo.hash)
        .bind(photo.width)
        .bind(photo.height)
        .bind(photo.format.as_str())
        .bind(media::webp_list(&photo.webp_sizes))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(entry_number)
}

/// The installation's receipt salt (made by the migration).
pub async fn receipt_salt(pool: &SqlitePool) -> sqlx::Result<String> {
    sqlx::query_scalar("SELECT value FROM settings WHERE name = 'receipt_salt'").fetch_one(pool).await
}

/// An offer in the inbox.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OfferSummary {
    pub id: String,
    pub entry_number: String,
    pub received_on: String,
    pub title: String,
    pub object_type: String,
    pub state: OfferState,
    pub photos: i64,
    pub first_photo: Option<String>,
}

/// Offers in `state`, newest first.
pub async fn list(pool: &SqlitePool, state: OfferState) -> sqlx::Result<Vec<OfferSummary>> {
    sqlx::query_as(
        "SELECT o.id, o.entry_number, o.received_on, o.title, o.object_type, o.state,
            (SELECT COUNT(*) FROM offer_photos p WHERE p.offer_id = o.id) AS photos,
            (SELECT hash FROM offer_photos p WHERE p.offer_id = o.id ORDER BY position LIMIT 1) AS first_photo
         FROM offers o WHERE o.state = ? ORDER BY o.received_on DESC, o.entry_number DESC",
    )
    .bind(state)
    .fetch_all(pool)
    .await
}

/// How many offers wait for a decision.
pub async fn waiting(pool: &SqlitePool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM offers WHERE state = 'waiting'").fetch_one(pool).await
}

/// One offer with everything staff may read (not the sealed record).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Offer {
    pub id: String,
    pub entry_number: String,
    pub received_on: String,
    pub lang: String,
    pub title: String,
    pub description: String,
    pub object_type: String,
    pub maker: String,
    pub credit: CreditChoice,
    pub credit_name: String,
    pub consent_publish: bool,
    pub state: OfferState,
    pub decided_on: Option<String>,
    pub object_id: Option<i64>,
    pub has_receipt: bool,
    pub replies: i64,
}

/// A stored photo of an offer.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OfferPhoto {
    pub hash: String,
    pub width: u32,
    pub height: u32,
    pub master_format: String,
    pub webp_sizes: String,
}

impl OfferPhoto {
    fn stored(&self) -> anyhow::Result<Stored> {
        let format = match self.master_format.as_str() {
            "png" => media::sanitise::MasterFormat::Png,
            _ => media::sanitise::MasterFormat::Jpeg,
        };
        let webp_sizes = self.webp_sizes.split(',').filter_map(|s| s.parse().ok()).collect();
        Ok(Stored { hash: self.hash.clone(), width: self.width, height: self.height, format, webp_sizes })
    }
}

/// An offer by id, if there is one.
pub async fn get(pool: &SqlitePool, id: &str) -> sqlx::Result<Option<Offer>> {
    get_in(&mut *pool.acquire().await?, id).await
}

async fn get_in(conn: &mut SqliteConnection, id: &str) -> sqlx::Result<Option<Offer>> {
    sqlx::query_as(
        "SELECT id, entry_number, received_on, lang, title, description, object_type, maker, credit, credit_name,
            consent_publish, state, decided_on, object_id, receipt_lookup IS NOT NULL AS has_receipt,
            (SELECT COUNT(*) FROM offer_replies r WHERE r.offer_id = offers.id) AS replies
         FROM offers WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The photos of an offer, in the order they were sent.
pub async fn photos(conn: &mut SqliteConnection, id: &str) -> sqlx::Result<Vec<OfferPhoto>> {
    sqlx::query_as(
        "SELECT hash, width, height, master_format, webp_sizes FROM offer_photos WHERE offer_id = ? ORDER BY position",
    )
    .bind(id)
    .fetch_all(conn)
    .await
}

async fn decide(
    conn: &mut SqliteConnection,
    id: &str,
    state: OfferState,
    object_id: Option<i64>,
) -> anyhow::Result<()> {
    let changed =
        sqlx::query("UPDATE offers SET state = ?, decided_on = ?, object_id = ? WHERE id = ? AND state = 'waiting'")
            .bind(state)
            .bind(chrono::Utc::now().date_naive().to_string())
            .bind(object_id)
            .bind(id)
            .execute(conn)
            .await?
            .rows_affected();
    if changed != 1 {
        bail!("the offer is not waiting for a decision");
    }
    Ok(())
}

/// An offer still waiting for a decision, for a command that decides it.
async fn undecided(tx: &mut Tx, id: &str) -> CommandResult<Offer> {
    tx.require(Role::can_review_offers)?;
    let offer = get_in(tx, id).await?.ok_or(CommandError::NotFound)?;
    if offer.state != OfferState::Waiting {
        return Err(CommandError::Refused("admin-offer-decided"));
    }
    Ok(offer)
}

/// Accepts an offer: a draft object under the offer's entry number, with a pseudonymous donor
/// carrying the credit choice, and the photos as private images. Returns the object's id.
#[derive(Debug, Clone)]
pub struct Accept {
    pub offer: String,
}

impl Command for Accept {
    type Output = i64;

    async fn run(self, tx: &mut Tx) -> CommandResult<i64> {
        let id = self.offer.as_str();
        let offer = undecided(tx, id).await?;
        let today = chrono::Utc::now().date_naive();
        let donor = create_donor(tx, offer.credit, &offer.credit_name, today).await?;
        super::set_consent(tx, &donor, offer.consent_publish).await?;
        let lang = Lang::parse(&offer.lang).unwrap_or(Lang::DEFAULT);
        let object_type = crate::collection::authorities::type_or_other(tx, &offer.object_type).await?;
        let mut object = NewObject::new(object_type, Text3::one(lang, &offer.title));
        object.description = Text3::one(lang, &offer.description);
        object.donor_id = Some(donor);
        object.internal_notes = format!(
            "From offer {} of {}.{}{}",
            offer.entry_number,
            offer.received_on,
            if offer.maker.is_empty() {
                String::new()
            } else {
                format!(" Maker according to the donor: {}.", offer.maker)
            },
            if offer.consent_publish {
                " The donor agreed to publication."
            } else {
                " The donor did NOT agree to publication: ask before publishing."
            },
        );
        let created = objects::create_object_numbered(tx, &object, offer.entry_number.clone()).await?;
        for photo in photos(tx, id).await? {
            let media = NewMedia { alt: Text3::default(), caption: Text3::default(), is_public: false };
            media::add_media(tx, created.id, &photo.stored()?, &media).await?;
        }
        decide(tx, id, OfferState::Accepted, Some(created.id)).await?;
        tx.audit("offer-accepted", &offer.entry_number, serde_json::json!({ "object_id": created.id })).await?;
        Ok(created.id)
    }
}

/// Declines an offer. Its photos are deleted (files too, unless an object uses them: the
/// hashes returned are for [`media::remove_files_if_unused`] after commit): a declined donor's
/// pictures are not the museum's to keep; so are the name the donor asked to be credited by,
/// the maker and the description. The sealed record stays, so keyholders can still tell the
/// donor.
#[derive(Debug, Clone)]
pub struct Decline {
    pub offer: String,
}

impl Command for Decline {
    type Output = Vec<String>;

    async fn run(self, tx: &mut Tx) -> CommandResult<Vec<String>> {
        let id = self.offer.as_str();
        let offer = undecided(tx, id).await?;
        decide(tx, id, OfferState::Declined, None).await?;
        tx.audit("offer-declined", &offer.entry_number, serde_json::json!({})).await?;
        // What could name the donor or the maker goes with the decision; the title stays in the
        // register of entries.
        sqlx::query("UPDATE offers SET credit_name = '', maker = '', description = '' WHERE id = ?")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        let hashes = sqlx::query_scalar("DELETE FROM offer_photos WHERE offer_id = ? RETURNING hash")
            .bind(id)
            .fetch_all(&mut **tx)
            .await?;
        Ok(hashes)
    }
}

/// Longest reply, in characters (and at most [`receipts::MAX_REPLY_BYTES`] bytes).
pub const MAX_REPLY: usize = 4000;

/// Seals a curator's reply to the offer's receipt and stores it; the audit log records that
/// a reply was sent, never its text, which only the donor may read.
#[derive(Debug, Clone)]
pub struct Reply {
    pub offer: String,
    pub text: String,
}

impl Command for Reply {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        tx.require(Role::can_review_offers)?;
        let text = self.text.trim();
        if text.is_empty() {
            return Err(CommandError::Refused("admin-reply-empty"));
        }
        if text.chars().count() > MAX_REPLY || text.len() > receipts::MAX_REPLY_BYTES {
            return Err(CommandError::Refused("admin-reply-too-long"));
        }
        let found: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT entry_number, receipt_recipient FROM offers WHERE id = ?")
                .bind(&self.offer)
                .fetch_optional(&mut **tx)
                .await?;
        let (entry, recipient) = found.ok_or(CommandError::NotFound)?;
        let recipient = recipient.ok_or(CommandError::Refused("admin-reply-no-receipt"))?;
        let sealed = receipts::seal_reply(&recipient, text)?;
        sqlx::query("INSERT INTO offer_replies (offer_id, sealed, created_on) VALUES (?, ?, ?)")
            .bind(&self.offer)
            .bind(sealed)
            .bind(chrono::Utc::now().date_naive().to_string())
            .execute(&mut **tx)
            .await?;
        tx.audit("offer-reply", &entry, serde_json::json!({})).await?;
        Ok(())
    }
}

/// What a donor's receipt shows.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub state: OfferState,
    /// Replies, oldest first: (date, text).
    pub replies: Vec<(String, String)>,
}

/// The state and replies of the offer a receipt belongs to. An unknown receipt reads as an
/// offer still waiting with no replies: the answer has the same shape either way.
pub async fn status(pool: &SqlitePool, derived: &Derived) -> anyhow::Result<Status> {
    let found: Option<(String, OfferState)> = sqlx::query_as("SELECT id, state FROM offers WHERE receipt_lookup = ?")
        .bind(derived.lookup.to_vec())
        .fetch_optional(pool)
        .await?;
    let Some((id, state)) = found else {
        return Ok(Status { state: OfferState::Waiting, replies: Vec::new() });
    };
    let sealed: Vec<(String, Vec<u8>)> =
        sqlx::query_as("SELECT created_on, sealed FROM offer_replies WHERE offer_id = ? ORDER BY id")
            .bind(&id)
            .fetch_all(pool)
            .await?;
    let mut replies = Vec::with_capacity(sealed.len());
    for (date, bytes) in sealed {
        replies.push((date, receipts::open_reply(&derived.identity, &bytes)?));
    }
    Ok(Status { state, replies })
}
