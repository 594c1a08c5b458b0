//! The redacted regions of objects' images, as stored, and the curator's changes to them.
//!
//! Only publishing roles redact: marking a region means looking at the master, which
//! volunteers never see once it has regions (they see its redacted derivatives).

use serde::Serialize;
use sqlx::SqliteConnection;

use super::redact::{Region, derivatives_key};
use crate::collection::command::{Command, CommandError, CommandResult, Tx};

/// Most regions one photo may have: every one costs a pass over its pixels at each rebuild.
pub const MAX_REGIONS: i64 = 200;

/// A stored region with its id and whether it is a detector's suggestion not yet reviewed.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StoredRegion {
    pub id: i64,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub region: Region,
    pub suggested: bool,
}

/// The columns of a [`StoredRegion`].
macro_rules! columns {
    () => {
        "id, shape, kind, method, x, y, w, h, suggested"
    };
}

/// The regions of image `media_id`, with their ids, in the order they were marked.
pub async fn list(conn: &mut SqliteConnection, media_id: i64) -> sqlx::Result<Vec<StoredRegion>> {
    sqlx::query_as(concat!("SELECT ", columns!(), " FROM redactions WHERE media_id = ? ORDER BY id"))
        .bind(media_id)
        .fetch_all(conn)
        .await
}

/// The regions of image `media_id`, as its derivatives are made from them.
pub async fn of_media(conn: &mut SqliteConnection, media_id: i64) -> sqlx::Result<Vec<Region>> {
    Ok(list(conn, media_id).await?.into_iter().map(|r| r.region).collect())
}

/// Adds region `region` to image `media_id` (the caller has checked it against the image).
pub async fn insert(conn: &mut SqliteConnection, media_id: i64, region: &Region, suggested: bool) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO redactions (media_id, shape, kind, method, x, y, w, h, suggested)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(media_id)
    .bind(region.shape)
    .bind(region.kind)
    .bind(region.method)
    .bind(region.x)
    .bind(region.y)
    .bind(region.w)
    .bind(region.h)
    .bind(suggested)
    .fetch_one(conn)
    .await
}

/// Gives image `media_id` the derivatives its regions call for: when their name changes, the
/// image waits for new derivatives (its old public addresses answer 404 from the next
/// snapshot on) and a job is queued. Returns the old name when it changed.
pub async fn rederive(conn: &mut SqliteConnection, media_id: i64) -> sqlx::Result<Option<String>> {
    let (hash, old): (String, String) =
        sqlx::query_as("SELECT hash, derivatives FROM media WHERE id = ?").bind(media_id).fetch_one(&mut *conn).await?;
    let key = derivatives_key(&hash, &of_media(conn, media_id).await?);
    if key == old {
        return Ok(None);
    }
    sqlx::query("UPDATE media SET derivatives = ?, state = 'pending', webp_sizes = '' WHERE id = ?")
        .bind(&key)
        .bind(media_id)
        .execute(&mut *conn)
        .await?;
    super::jobs::enqueue(conn, media_id).await?;
    Ok(Some(old))
}

/// What a curator does to the regions of one image.
#[derive(Debug, Clone)]
pub enum RegionChange {
    /// Marks a new region (already parsed; checked against the image here).
    Add(Region),
    /// Removes a region (a wrong one, or a suggestion that is no face).
    Remove(i64),
    /// Accepts a suggested region as it is.
    Accept(i64),
}

impl RegionChange {
    fn name(&self) -> &'static str {
        match self {
            Self::Add(_) => "add",
            Self::Remove(_) => "remove",
            Self::Accept(_) => "accept",
        }
    }
}

/// Changes the regions of image `media` of object `object`. Returns the name of derivatives
/// no longer the image's, whose files go once the change is committed (see [`super::free`]).
#[derive(Debug, Clone)]
pub struct ChangeRegions {
    pub object: i64,
    pub media: i64,
    pub change: RegionChange,
}

impl Command for ChangeRegions {
    type Output = Option<String>;

    async fn run(self, tx: &mut Tx) -> CommandResult<Option<String>> {
        tx.require(crate::auth::Role::can_publish)?;
        let record = crate::collection::objects::editable(tx, self.object).await?;
        let size: Option<(u32, u32)> = sqlx::query_as("SELECT width, height FROM media WHERE id = ? AND object_id = ?")
            .bind(self.media)
            .bind(self.object)
            .fetch_optional(&mut **tx)
            .await?;
        let size = size.ok_or(CommandError::NotFound)?;
        let action = self.change.name();
        let region = match self.change {
            RegionChange::Add(region) => {
                region.check(size).map_err(|invalid| CommandError::Refused(invalid.key()))?;
                let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM redactions WHERE media_id = ?")
                    .bind(self.media)
                    .fetch_one(&mut **tx)
                    .await?;
                if count >= MAX_REGIONS {
                    return Err(CommandError::Refused("redact-error-too-many"));
                }
                insert(tx, self.media, &region, false).await?;
                region
            }
            RegionChange::Remove(id) => {
                let removed: Option<StoredRegion> = sqlx::query_as(concat!(
                    "DELETE FROM redactions WHERE id = ? AND media_id = ? RETURNING ",
                    columns!()
                ))
                .bind(id)
                .bind(self.media)
                .fetch_optional(&mut **tx)
                .await?;
                removed.ok_or(CommandError::NotFound)?.region
            }
            RegionChange::Accept(id) => {
                let accepted: Option<StoredRegion> = sqlx::query_as(concat!(
                    "UPDATE redactions SET suggested = 0 WHERE id = ? AND media_id = ? RETURNING ",
                    columns!()
                ))
                .bind(id)
                .bind(self.media)
                .fetch_optional(&mut **tx)
                .await?;
                accepted.ok_or(CommandError::NotFound)?.region
            }
        };
        let old = rederive(tx, self.media).await?;
        let details = serde_json::json!({
            "id": self.object, "media": self.media, "action": action, "region": region,
        });
        tx.audit("media-redacted", &record.entry_number, details).await?;
        if old.is_some() && record.state != crate::collection::PubState::Draft {
            tx.public_changed();
        }
        Ok(old)
    }
}

/// Whether any image of object `object_id` has a suggested region nobody reviewed yet.
pub async fn unreviewed(conn: &mut SqliteConnection, object_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM redactions r JOIN media m ON m.id = r.media_id
                        WHERE m.object_id = ? AND r.suggested = 1)",
    )
    .bind(object_id)
    .fetch_one(conn)
    .await
}

/// Marks every suggestion on object `object_id`'s images reviewed (a curator confirmed its
/// photos were checked). Returns how many there were.
pub async fn review_all(conn: &mut SqliteConnection, object_id: i64) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE redactions SET suggested = 0
         WHERE suggested = 1 AND media_id IN (SELECT id FROM media WHERE object_id = ?)",
    )
    .bind(object_id)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Whether object `object_id`'s type shows people, so its photos must be checked before it
/// is published.
pub async fn shows_people(conn: &mut SqliteConnection, object_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM objects o JOIN object_types t ON t.code = o.object_type
                        WHERE o.id = ? AND t.shows_people = 1)",
    )
    .bind(object_id)
    .fetch_one(conn)
    .await
}

/// Whether publishing object `object_id` (or making one of its photos public) needs a
/// curator's confirmation that its photos were checked for faces and names.
pub async fn check_needed(conn: &mut SqliteConnection, object_id: i64) -> sqlx::Result<bool> {
    Ok(shows_people(conn, object_id).await? || unreviewed(conn, object_id).await?)
}
