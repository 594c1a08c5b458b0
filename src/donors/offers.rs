//! Offers from the intake form, from arrival to a curator's decision. All SQL about offers is
//! here. The donor's story and contact never touch these tables: they are sealed before this
//! module writes anything, and go to `contacts.sqlite` under the offer's random id.

use anyhow::{Context, bail};
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{SqliteConnection, SqlitePool};

use super::receipts::{self, Derived};
use super::recipients::Recipients;
use super::seal::{self, SealedFields};
use super::{contacts, create_donor, random_id};
use crate::collection::objects::{self, NewObject};
use crate::collection::{CreditChoice, Text3, audit, numbers};
use crate::db::Databases;
use crate::i18n::Lang;
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

/// Stores an offer: seals the story and contact to the keyholders, writes the sealed record,
/// then the offer and its photos (already sanitised and stored by the media module). With a
/// receipt, only what [`receipts::derive`] made of it is kept.
pub async fn submit(
    db: &Databases,
    recipients: &Recipients,
    offer: &NewOffer,
    sealed: &SealedFields,
    photos: &[Stored],
    receipt: Option<&Derived>,
    today: NaiveDate,
) -> anyhow::Result<Submitted> {
    let id = random_id();
    // Sealed in memory first: nothing about the story or contact is written unencrypted.
    let envelope = seal::seal(&id, sealed, recipients).map_err(|e| anyhow::anyhow!("sealing: {e}"))?;
    contacts::store(&db.contacts, &id, &envelope, today).await.context("storing the sealed record")?;
    match insert(&db.main, &id, offer, photos, receipt, today).await {
        Ok(entry_number) => Ok(Submitted { id, entry_number }),
        Err(err) => {
            // Leave no sealed record without its offer.
            if let Err(e) = contacts::delete(&db.contacts, &id).await {
                tracing::error!(error = %e, "removing the sealed record of a failed offer");
            }
            Err(err)
        }
    }
}

async fn insert(
    pool: &SqlitePool,
    id: &str,
    offer: &NewOffer,
    photos: &[Stored],
    receipt: Option<&Derived>,
    today: NaiveDate,
) -> anyhow::Result<String> {
    use chrono::Datelike;
    let mut tx = pool.begin().await?;
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
    sqlx::query_as(
        "SELECT id, entry_number, received_on, lang, title, description, object_type, maker, credit, credit_name,
            consent_publish, state, decided_on, object_id, receipt_lookup IS NOT NULL AS has_receipt,
            (SELECT COUNT(*) FROM offer_replies r WHERE r.offer_id = offers.id) AS replies
         FROM offers WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(pool)
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

/// Accepts an offer: a draft object under the offer's entry number, with a pseudonymous donor
/// carrying the credit choice, and the photos as private images; audited as done by `actor`
/// in the same transaction. Returns the object's id.
pub async fn accept(pool: &SqlitePool, id: &str, actor: &str) -> anyhow::Result<i64> {
    let offer = get(pool, id).await?.context("no such offer")?;
    let mut tx = pool.begin().await?;
    let today = chrono::Utc::now().date_naive();
    let donor = create_donor(&mut tx, offer.credit, &offer.credit_name, today).await?;
    super::set_consent(&mut tx, &donor, offer.consent_publish).await?;
    let lang = Lang::parse(&offer.lang).unwrap_or(Lang::DEFAULT);
    let object_type = crate::collection::authorities::type_or_other(&mut tx, &offer.object_type).await?;
    let mut object = NewObject::new(object_type, Text3::one(lang, &offer.title));
    object.description = Text3::one(lang, &offer.description);
    object.donor_id = Some(donor);
    object.internal_notes = format!(
        "From offer {} of {}.{}{}",
        offer.entry_number,
        offer.received_on,
        if offer.maker.is_empty() { String::new() } else { format!(" Maker according to the donor: {}.", offer.maker) },
        if offer.consent_publish {
            " The donor agreed to publication."
        } else {
            " The donor did NOT agree to publication: ask before publishing."
        },
    );
    let created = objects::create_object_numbered(&mut tx, &object, offer.entry_number.clone()).await?;
    for photo in photos(&mut tx, id).await? {
        let media = NewMedia { alt: Text3::default(), caption: Text3::default(), is_public: false };
        media::add_media(&mut tx, created.id, &photo.stored()?, &media).await?;
    }
    decide(&mut tx, id, OfferState::Accepted, Some(created.id)).await?;
    let details = serde_json::json!({ "object_id": created.id });
    audit::record(&mut tx, actor, "offer-accepted", &offer.entry_number, &details).await?;
    tx.commit().await?;
    Ok(created.id)
}

/// Declines an offer. Its photos are deleted (files too, unless an object uses them): a
/// declined donor's pictures are not the museum's to keep; so are the name the donor asked to
/// be credited by, the maker and the description. The sealed record stays, so keyholders can
/// still tell the donor.
pub async fn decline(pool: &SqlitePool, store: &media::Store, id: &str, actor: &str) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    decide(&mut tx, id, OfferState::Declined, None).await?;
    let entry: String =
        sqlx::query_scalar("SELECT entry_number FROM offers WHERE id = ?").bind(id).fetch_one(&mut *tx).await?;
    audit::record(&mut tx, actor, "offer-declined", &entry, &serde_json::json!({})).await?;
    // What could name the donor or the maker goes with the decision; the title stays in the
    // register of entries.
    sqlx::query("UPDATE offers SET credit_name = '', maker = '', description = '' WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let hashes: Vec<String> = sqlx::query_scalar("DELETE FROM offer_photos WHERE offer_id = ? RETURNING hash")
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    for hash in hashes {
        media::remove_files_if_unused(pool, store, &hash).await?;
    }
    Ok(())
}

/// Why a reply could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error("the donor did not ask for a receipt, so a reply cannot reach them here")]
    NoReceipt,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Seals a curator's reply to the offer's receipt and stores it, audited as sent by `actor`
/// (that a reply was sent, never its text, which only the donor may read).
pub async fn reply(pool: &SqlitePool, id: &str, text: &str, actor: &str) -> Result<(), ReplyError> {
    let found: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT entry_number, receipt_recipient FROM offers WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(anyhow::Error::from)?;
    let (entry, recipient) = found.context("no such offer")?;
    let recipient = recipient.ok_or(ReplyError::NoReceipt)?;
    let sealed = receipts::seal_reply(&recipient, text)?;
    let write = async {
        let mut tx = pool.begin().await?;
        sqlx::query("INSERT INTO offer_replies (offer_id, sealed, created_on) VALUES (?, ?, ?)")
            .bind(id)
            .bind(sealed)
            .bind(chrono::Utc::now().date_naive().to_string())
            .execute(&mut *tx)
            .await?;
        audit::record(&mut tx, actor, "offer-reply", &entry, &serde_json::json!({})).await?;
        tx.commit().await
    };
    write.await.map_err(anyhow::Error::from)?;
    Ok(())
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

/// Entry numbers of the given offers, for the audit log of a bundle download.
pub async fn entry_numbers(pool: &SqlitePool, ids: &[String]) -> sqlx::Result<Vec<(String, String)>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let number: Option<String> =
            sqlx::query_scalar("SELECT entry_number FROM offers WHERE id = ?").bind(id).fetch_optional(pool).await?;
        if let Some(number) = number {
            out.push((id.clone(), number));
        }
    }
    Ok(out)
}
