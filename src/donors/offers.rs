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
use crate::collection::command::{self, Actor, Command, CommandError, CommandResult, Tx};
use crate::collection::numbers::EntryNumber;
use crate::collection::objects::{self, NewObject};
use crate::collection::{CreditChoice, Text3, numbers};
use crate::db::Writer;
use crate::i18n::Lang;
use crate::ids::random_id;
use crate::media::{self, HeldPhoto, NewMedia, Stored};

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
    pub entry_number: EntryNumber,
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
    photos: &[HeldPhoto],
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
    photos: &[HeldPhoto],
    receipt: Option<&Derived>,
    today: NaiveDate,
) -> anyhow::Result<EntryNumber> {
    use chrono::Datelike;
    let mut tx = writer.begin().await?;
    let entry_number = numbers::next_entry_number(&mut tx, today.year()).await?;
    let credit_name = readable_credit_name(offer);
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
            "INSERT INTO offer_photos (offer_id, position, hash, width, height, master_format, master, preview)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(&photo.hash)
        .bind(photo.width)
        .bind(photo.height)
        .bind(photo.format.as_str())
        .bind(&photo.master)
        .bind(&photo.preview)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(entry_number)
}

/// The credit name as the catalogue's database may hold it: only when the donor asked to be
/// credited by it and agreed that the object be shown, since it will then be printed anyway.
/// Otherwise it is kept only in the sealed record, which the server cannot open.
fn readable_credit_name(offer: &NewOffer) -> &str {
    if offer.credit == CreditChoice::Anonymous || !offer.consent_publish { "" } else { offer.credit_name.trim() }
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
    pub entry_number: EntryNumber,
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
    /// Answers the donor sent back (sealed in the vault).
    pub answers: i64,
}

/// A photo of an offer.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OfferPhoto {
    /// Its place among the offer's photos (with the offer's id, its key).
    pub position: i64,
    pub hash: String,
    pub width: u32,
    pub height: u32,
    pub master_format: String,
    pub webp_sizes: String,
    /// Whether its master waits in the database (always, since offers no longer write files;
    /// `false` for photos of older installations, which have files).
    pub held: bool,
}

impl OfferPhoto {
    fn stored(&self) -> anyhow::Result<Stored> {
        let format = master_format(&self.master_format);
        let webp_sizes = self.webp_sizes.split(',').filter_map(|s| s.parse().ok()).collect();
        Ok(Stored {
            hash: self.hash.clone(),
            width: self.width,
            height: self.height,
            format,
            webp_sizes,
            faces: Vec::new(),
        })
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
            (SELECT COUNT(*) FROM offer_replies r WHERE r.offer_id = offers.id) AS replies, answers
         FROM offers WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The masters of an offer's photos that wait in the database, to be written as files when
/// the offer is accepted.
pub async fn held_masters(pool: &SqlitePool, id: &str) -> sqlx::Result<Vec<HeldPhoto>> {
    let rows: Vec<(String, Vec<u8>, String, u32, u32)> = sqlx::query_as(
        "SELECT hash, master, master_format, width, height FROM offer_photos
         WHERE offer_id = ? AND master IS NOT NULL ORDER BY position",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(hash, master, format, width, height)| HeldPhoto {
            hash,
            master,
            format: master_format(&format),
            width,
            height,
            preview: Vec::new(),
        })
        .collect())
}

/// The preview of a photo that waits in the database with its offer, for reviewers: with the
/// regions they marked destroyed (made from the master when asked; never stored).
pub async fn held_preview(pool: &SqlitePool, hash: &str) -> anyhow::Result<Option<Vec<u8>>> {
    let row: Option<(String, i64, Vec<u8>)> = sqlx::query_as(
        "SELECT offer_id, position, preview FROM offer_photos WHERE hash = ? AND preview IS NOT NULL LIMIT 1",
    )
    .bind(hash)
    .fetch_optional(pool)
    .await?;
    let Some((offer, position, preview)) = row else { return Ok(None) };
    let regions = photo_regions(&mut *pool.acquire().await?, &offer, position).await?;
    if regions.is_empty() {
        return Ok(Some(preview));
    }
    let master = held_master(pool, &offer, position).await?.ok_or_else(|| anyhow::anyhow!("no master"))?;
    let preview = crate::cpu::run(move || {
        let pixels = image::load_from_memory(&master)?;
        let mut pixels = media::derive::to_rgb(pixels);
        media::redact::apply(&mut pixels, &regions.iter().map(|r| r.region).collect::<Vec<_>>());
        let (w, h) = media::fit(pixels.width(), pixels.height(), media::PREVIEW_SIZE);
        let small = image::imageops::resize(&pixels, w, h, image::imageops::FilterType::Triangle);
        media::derive::encode_jpeg(&image::DynamicImage::ImageRgb8(small), 85)
    })
    .await??;
    Ok(Some(preview))
}

/// The master of photo `position` of offer `offer`, while it waits in the database.
pub async fn held_master(pool: &SqlitePool, offer: &str, position: i64) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar("SELECT master FROM offer_photos WHERE offer_id = ? AND position = ? AND master IS NOT NULL")
        .bind(offer)
        .bind(position)
        .fetch_optional(pool)
        .await
}

/// The regions reviewers marked on photo `position` of offer `offer`.
pub async fn photo_regions(
    conn: &mut SqliteConnection,
    offer: &str,
    position: i64,
) -> sqlx::Result<Vec<media::regions::StoredRegion>> {
    sqlx::query_as(
        "SELECT id, shape, kind, method, x, y, w, h, suggested FROM redactions
         WHERE offer_id = ? AND offer_position = ? ORDER BY id",
    )
    .bind(offer)
    .bind(position)
    .fetch_all(conn)
    .await
}

/// Changes the regions of photo `position` of an offer still waiting for a decision (by those
/// who review offers): they carry over to the object's image when the offer is accepted, and
/// reviewers' previews show the photo with them destroyed.
#[derive(Debug, Clone)]
pub struct ChangePhotoRegions {
    pub offer: String,
    pub position: i64,
    pub change: media::regions::RegionChange,
}

impl Command for ChangePhotoRegions {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        use media::regions::RegionChange;
        let offer = undecided(tx, &self.offer).await?;
        let size: Option<(u32, u32)> = sqlx::query_as(
            "SELECT width, height FROM offer_photos WHERE offer_id = ? AND position = ? AND master IS NOT NULL",
        )
        .bind(&self.offer)
        .bind(self.position)
        .fetch_optional(&mut **tx)
        .await?;
        let size = size.ok_or(CommandError::NotFound)?;
        let (action, changed) = match &self.change {
            RegionChange::Add(region) => {
                region.check(size).map_err(|invalid| CommandError::Refused(invalid.key()))?;
                let count: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM redactions WHERE offer_id = ? AND offer_position = ?")
                        .bind(&self.offer)
                        .bind(self.position)
                        .fetch_one(&mut **tx)
                        .await?;
                if count >= media::regions::MAX_REGIONS {
                    return Err(CommandError::Refused("redact-error-too-many"));
                }
                sqlx::query(
                    "INSERT INTO redactions (offer_id, offer_position, shape, kind, method, x, y, w, h)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(&self.offer)
                .bind(self.position)
                .bind(region.shape)
                .bind(region.kind)
                .bind(region.method)
                .bind(region.x)
                .bind(region.y)
                .bind(region.w)
                .bind(region.h)
                .execute(&mut **tx)
                .await?;
                ("add", 1)
            }
            RegionChange::Remove(region) => {
                let removed =
                    sqlx::query("DELETE FROM redactions WHERE id = ? AND offer_id = ? AND offer_position = ?")
                        .bind(region)
                        .bind(&self.offer)
                        .bind(self.position)
                        .execute(&mut **tx)
                        .await?;
                ("remove", removed.rows_affected())
            }
            RegionChange::Accept(region) => {
                let accepted = sqlx::query(
                    "UPDATE redactions SET suggested = 0 WHERE id = ? AND offer_id = ? AND offer_position = ?",
                )
                .bind(region)
                .bind(&self.offer)
                .bind(self.position)
                .execute(&mut **tx)
                .await?;
                ("accept", accepted.rows_affected())
            }
        };
        if changed == 0 {
            return Err(CommandError::NotFound);
        }
        let region = match self.change {
            RegionChange::Add(region) => serde_json::to_value(region).unwrap_or_default(),
            RegionChange::Remove(id) | RegionChange::Accept(id) => serde_json::json!({ "id": id }),
        };
        let details = serde_json::json!({ "photo": self.position, "action": action, "region": region });
        tx.audit("offer-photo-redacted", &offer.entry_number, details).await?;
        Ok(())
    }
}

fn master_format(text: &str) -> media::sanitise::MasterFormat {
    match text {
        "png" => media::sanitise::MasterFormat::Png,
        _ => media::sanitise::MasterFormat::Jpeg,
    }
}

/// The photos of an offer, in the order they were sent.
pub async fn photos(conn: &mut SqliteConnection, id: &str) -> sqlx::Result<Vec<OfferPhoto>> {
    sqlx::query_as(
        "SELECT position, hash, width, height, master_format, webp_sizes, master IS NOT NULL AS held
         FROM offer_photos WHERE offer_id = ? ORDER BY position",
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
    /// Faces found in the photos, by master hash: suggested regions of the object's images.
    pub faces: std::collections::HashMap<String, Vec<media::redact::Region>>,
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
            if photo.held {
                // Its master was written just before (see `held_masters`); the worker makes the
                // derivatives, with the regions reviewers marked on the offer's photo.
                let media_id = media::add_pending(tx, created.id, &photo.stored()?, &media).await?;
                sqlx::query(
                    "UPDATE redactions SET media_id = ?, offer_id = NULL, offer_position = NULL
                     WHERE offer_id = ? AND offer_position = ?",
                )
                .bind(media_id)
                .bind(id)
                .bind(photo.position)
                .execute(&mut **tx)
                .await?;
                for face in self.faces.get(&photo.hash).into_iter().flatten() {
                    media::regions::insert(tx, media_id, face, true).await?;
                }
                if media::regions::rederive(tx, media_id).await?.is_none() {
                    media::jobs::enqueue(tx, media_id).await?;
                }
            } else {
                media::add_media(tx, created.id, &photo.stored()?, &media).await?;
            }
        }
        // The photos are the object's images now; their bytes leave the offer.
        sqlx::query("UPDATE offer_photos SET master = NULL, preview = NULL WHERE offer_id = ?")
            .bind(id)
            .execute(&mut **tx)
            .await?;
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

/// Deletes an offer outright (spam, a mistake): its row, photos and replies here, then its
/// sealed record and answers in the vault, and the journals are emptied. The audit log keeps
/// only its entry number. An accepted offer stays: it is the register of its object's entry.
#[derive(Debug, Clone)]
pub struct DeleteOffer {
    pub offer: String,
}

impl Command for DeleteOffer {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        tx.require(Role::can_review_offers)?;
        let offer = get_in(tx, &self.offer).await?.ok_or(CommandError::NotFound)?;
        if offer.state == OfferState::Accepted {
            return Err(CommandError::Refused("admin-offer-accepted-kept"));
        }
        sqlx::query("DELETE FROM offers WHERE id = ?").bind(&self.offer).execute(&mut **tx).await?;
        tx.audit("offer-deleted", &offer.entry_number, serde_json::json!({})).await?;
        Ok(())
    }
}

/// Runs [`DeleteOffer`], then forgets the sealed record (soon, if `contacts.sqlite` is busy)
/// and empties both journals.
pub async fn delete(writer: &Writer, vault: &Vault, actor: Actor, id: &str) -> CommandResult<()> {
    command::execute(writer, actor, DeleteOffer { offer: id.to_owned() }).await?;
    vault.forget_now_or_soon(id).await;
    forget_journals(writer, vault).await?;
    Ok(())
}

/// Empties both databases' journals after donor text was removed.
pub async fn forget_journals(writer: &Writer, vault: &Vault) -> sqlx::Result<()> {
    writer.truncate_wal().await?;
    vault.truncate_wal().await
}

/// What a purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Declined offers removed whole.
    pub offers: usize,
    /// Sealed records removed (of those and of accepted offers).
    pub records: usize,
}

/// Removes declined offers decided before `cutoff`, and marks the sealed records of every
/// offer decided before it for removal. Returns the offers' ids whose sealed records go.
#[derive(Debug, Clone, Copy)]
struct Purge {
    cutoff: NaiveDate,
}

impl Command for Purge {
    type Output = (usize, Vec<String>);

    async fn run(self, tx: &mut Tx) -> CommandResult<(usize, Vec<String>)> {
        let cutoff = self.cutoff.to_string();
        let declined: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, entry_number FROM offers WHERE state = 'declined' AND decided_on < ? ORDER BY entry_number",
        )
        .bind(&cutoff)
        .fetch_all(&mut **tx)
        .await?;
        let sealed: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, entry_number FROM offers
             WHERE state = 'accepted' AND sealed_purged = 0 AND decided_on < ? ORDER BY entry_number",
        )
        .bind(&cutoff)
        .fetch_all(&mut **tx)
        .await?;
        if declined.is_empty() && sealed.is_empty() {
            return Ok((0, Vec::new()));
        }
        for (id, _) in &declined {
            sqlx::query("DELETE FROM offers WHERE id = ?").bind(id).execute(&mut **tx).await?;
        }
        for (id, _) in &sealed {
            sqlx::query("UPDATE offers SET sealed_purged = 1 WHERE id = ?").bind(id).execute(&mut **tx).await?;
        }
        let entries = |list: &[(String, String)]| list.iter().map(|(_, e)| e.clone()).collect::<Vec<_>>();
        let details = serde_json::json!({
            "before": cutoff, "declined_removed": entries(&declined), "sealed_records_removed": entries(&sealed),
        });
        tx.audit("offers-purged", "", details).await?;
        let ids = declined.iter().chain(&sealed).map(|(id, _)| id.clone()).collect();
        Ok((declined.len(), ids))
    }
}

/// Purges what is older than `retention_days` (0 keeps everything): declined offers whole,
/// and the sealed records of accepted ones; sweeps the sealed records of offers that are gone;
/// then empties both journals.
pub async fn purge(
    writer: &Writer,
    vault: &Vault,
    actor: Actor,
    retention_days: u32,
    today: NaiveDate,
) -> CommandResult<Purged> {
    let (offers, ids) = if retention_days == 0 {
        (0, Vec::new())
    } else {
        let cutoff = today - chrono::Days::new(u64::from(retention_days));
        command::execute(writer, actor, Purge { cutoff }).await?.output
    };
    let mut records = 0;
    for id in &ids {
        records += vault.forget_now_or_soon(id).await as usize;
    }
    // And whatever a removal cut short left behind (a deletion while contacts.sqlite was
    // locked, a crash between an offer's removal and its record's).
    let stray = vault.sweep_orphans(writer.pool(), today - chrono::Days::new(1)).await? as usize;
    if !ids.is_empty() || stray > 0 {
        forget_journals(writer, vault).await?;
    }
    Ok(Purged { offers, records: records + stray })
}

/// Notes in the audit log that every sealed record was sealed again, to `recipients` public
/// keys (`zbor contacts reseal`, run by an operator with a keyholder's identity). The records
/// are in `contacts.sqlite`, the log in `zbor.sqlite`: the entry follows the re-sealing's own
/// commit, and names the keys so a later reader knows who could open the records from then on.
#[derive(Debug, Clone)]
pub struct RecordReseal {
    pub records: usize,
    pub recipients: Vec<String>,
}

impl Command for RecordReseal {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        let details = serde_json::json!({ "records": self.records, "recipients": self.recipients });
        tx.audit("contacts-resealed", "", details).await?;
        Ok(())
    }
}

/// Longest answer a donor may write back, in characters.
pub const MAX_ANSWER: usize = 4000;

/// The vault's name of a donor's `n`th answer to offer `id`: bound into its ciphertext, so an
/// answer cannot pass for another offer's or for the offer's own record.
pub fn answer_ref(id: &str, n: i64) -> String {
    format!("{id}#answer-{n}")
}

/// A donor's answer to the curators, written with the receipt: sealed to the keyholders like
/// the story (the same fixed size), stored in the vault, counted on the offer so curators see
/// that one arrived. An unknown receipt gets the same work and stores nothing.
pub async fn answer(to: Destination<'_>, derived: &Derived, text: &str) -> anyhow::Result<()> {
    let found: Option<(String, i64)> = sqlx::query_as("SELECT id, answers FROM offers WHERE receipt_lookup = ?")
        .bind(derived.lookup.to_vec())
        .fetch_optional(to.writer.pool())
        .await?;
    let (id, counted) = match &found {
        Some((id, answers)) => (id.clone(), *answers),
        None => (random_id(), 0),
    };
    // The vault's own count too: an answer stored whose count was not (a failed write) must
    // not make every later answer collide with its name.
    let n = counted.max(to.vault.answers_of(&id).await?) + 1;
    let reference = answer_ref(&id, n);
    let fields = SealedFields {
        story: text.to_owned().into(),
        contact: String::new().into(),
        credit_name: String::new().into(),
    };
    let envelope = seal::seal(&reference, &fields, to.recipients).map_err(|e| anyhow::anyhow!("sealing: {e}"))?;
    if found.is_none() {
        return Ok(());
    }
    let today = chrono::Utc::now().date_naive();
    to.vault.store(&reference, &envelope, today).await.context("storing the sealed answer")?;
    let mut tx = to.writer.begin().await?;
    sqlx::query("UPDATE offers SET answers = ? WHERE id = ?").bind(n).bind(&id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}
