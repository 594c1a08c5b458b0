//! Donors: pseudonymous records in the collection database, and the keyholders' recipients
//! to which their contacts are sealed. This is the only module that touches keys; it can
//! seal but never open on the server, since no private key is ever kept here.

pub mod bundle;
pub mod contacts;
pub mod keys;
pub mod offers;
pub mod receipts;
pub mod recipients;
pub mod seal;

use chrono::NaiveDate;
use rand::RngCore;
use sqlx::SqliteConnection;

use crate::collection::CreditChoice;

/// A random opaque id: 128 bits from the OS generator, hex-encoded. It says nothing about
/// the donor or the time of the offer.
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Records a pseudonymous donor with their credit choice. There is no contact here, by design.
pub async fn create_donor(
    conn: &mut SqliteConnection,
    credit: CreditChoice,
    credit_name: &str,
    created_on: NaiveDate,
) -> sqlx::Result<String> {
    let id = random_id();
    // A name is kept only when the donor asked to be credited by it.
    let credit_name = if credit == CreditChoice::Anonymous { "" } else { credit_name.trim() };
    sqlx::query("INSERT INTO donors (id, credit, credit_name, created_on) VALUES (?, ?, ?, ?)")
        .bind(&id)
        .bind(credit)
        .bind(credit_name)
        .bind(created_on.to_string())
        .execute(conn)
        .await?;
    Ok(id)
}

/// Records whether a donor agreed that the museum may show the object publicly.
pub async fn set_consent(conn: &mut SqliteConnection, donor_id: &str, consent: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE donors SET consent_publish = ? WHERE id = ?")
        .bind(consent)
        .bind(donor_id)
        .execute(conn)
        .await?;
    Ok(())
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
