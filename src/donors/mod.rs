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
use sqlx::SqliteConnection;

use crate::collection::CreditChoice;
use crate::ids::random_id;

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
