//! Publication: the permanent accession number, and an object's way between draft,
//! published and withdrawn.

use sqlx::SqliteConnection;

use super::command::{Command, CommandError, CommandResult, Tx};
use super::numbers::{AccessionNumber, AccessionPattern};
use super::objects::now;
use super::register::{self, AccessionAct};
use super::search;
use super::types::*;

/// Gives an object its permanent accession number of `year`, unless it already has one,
/// entering it in the register as accessioned today (for imports, the demo and publication).
pub async fn accession(
    conn: &mut SqliteConnection,
    object_id: i64,
    pattern: &AccessionPattern,
    year: i32,
) -> anyhow::Result<AccessionNumber> {
    let existing: Option<(Option<AccessionNumber>, Option<AcquisitionMethod>)> =
        sqlx::query_as("SELECT accession_number, acquisition_method FROM objects WHERE id = ?")
            .bind(object_id)
            .fetch_optional(&mut *conn)
            .await?;
    match existing {
        None => anyhow::bail!("no object {object_id}"),
        Some((Some(number), _)) => Ok(number),
        Some((None, method)) => {
            let act = AccessionAct { on: chrono::Utc::now().date_naive(), method, authority: String::new() };
            register::enter(conn, object_id, pattern, year, &act).await
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

/// Whether an object's donor withheld consent to publication (`false` when there is no donor).
pub async fn consent_withheld(conn: &mut SqliteConnection, object_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM objects o JOIN donors d ON d.id = o.donor_id
                        WHERE o.id = ? AND d.consent_publish = 0)",
    )
    .bind(object_id)
    .fetch_one(conn)
    .await
}

/// Publishes object `id`. Publishing needs an accessioned object: one that is not yet is
/// accessioned by the same act (today, under the publishing curator's authority, audited as an
/// accession of its own), so the interface's one `publish` still works; a deaccessioned object
/// is never published. A donor who did not agree to publication: only a curator's confirmation that
/// consent was obtained since, audited, opens it. Returns the accession number.
#[derive(Debug, Clone)]
pub struct Publish {
    pub id: i64,
    pub consent_confirmed: bool,
    /// A curator checked the photos for faces and names (asked for objects that show people
    /// and for photos with suggested faces not yet reviewed).
    pub photos_checked: bool,
    pub pattern: AccessionPattern,
    pub year: i32,
}

impl Command for Publish {
    type Output = AccessionNumber;

    async fn run(self, tx: &mut Tx) -> CommandResult<AccessionNumber> {
        tx.require(crate::auth::Role::can_publish)?;
        let record = super::objects::editable(tx, self.id).await?;
        // A second publication (a double click, a stale tab) would date the object anew and
        // announce it again in the feed.
        if record.state == PubState::Published {
            return Err(CommandError::Refused("edit-error-already-published"));
        }
        let withheld = consent_withheld(tx, self.id).await?;
        if withheld && !self.consent_confirmed {
            return Err(CommandError::Refused("edit-error-consent"));
        }
        let check = crate::media::regions::check_needed(tx, self.id).await?;
        if check && !self.photos_checked {
            return Err(CommandError::Refused("edit-error-photos-check"));
        }
        if register::deaccessioned(tx, self.id).await? {
            return Err(CommandError::Refused("register-error-deaccessioned"));
        }
        let reviewed = crate::media::regions::review_all(tx, self.id).await?;
        let accession = match record.accession_number.clone() {
            Some(_) => {
                sqlx::query_scalar("SELECT accession_number FROM objects WHERE id = ?")
                    .bind(self.id)
                    .fetch_one(&mut **tx)
                    .await?
            }
            None => {
                let act = AccessionAct {
                    on: chrono::Utc::now().date_naive(),
                    method: record.fields.acquisition_method,
                    authority: tx.actor().name.clone(),
                };
                let number = register::enter(tx, self.id, &self.pattern, self.year, &act).await?;
                let details = serde_json::json!({
                    "id": self.id, "accession": number, "on": act.on, "method": act.method,
                    "authority": act.authority, "on_publication": true,
                });
                tx.audit("object-accessioned", &record.entry_number, details).await?;
                number
            }
        };
        set_state(tx, self.id, PubState::Published).await?;
        let details = serde_json::json!({
            "id": self.id, "accession": accession, "from": record.state, "consent_confirmed_by_curator": withheld,
            "photos_checked_by_curator": check, "suggestions_reviewed": reviewed,
        });
        tx.audit("object-published", &record.entry_number, details).await?;
        tx.public_changed();
        Ok(accession)
    }
}

/// Takes a published object off the public catalogue; it keeps its numbers.
#[derive(Debug, Clone, Copy)]
pub struct Withdraw {
    pub id: i64,
}

impl Command for Withdraw {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        tx.require(crate::auth::Role::can_publish)?;
        let record = super::objects::editable(tx, self.id).await?;
        if record.state != PubState::Published {
            return Err(CommandError::Refused("edit-error-not-published"));
        }
        set_state(tx, self.id, PubState::Withdrawn).await?;
        tx.audit("object-withdrawn", &record.entry_number, serde_json::json!({ "id": self.id })).await?;
        tx.public_changed();
        Ok(())
    }
}
