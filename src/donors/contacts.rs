//! `contacts.sqlite`: sealed records only, joined to offers by their random ids.

use chrono::NaiveDate;
use sqlx::SqlitePool;

use super::recipients::Recipients;
use super::seal;

/// Stores a sealed record (an envelope from [`seal::seal`]) for offer `offer_ref`.
pub async fn store(pool: &SqlitePool, offer_ref: &str, envelope: &[u8], created_on: NaiveDate) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO sealed_records (offer_ref, ciphertext, created_on) VALUES (?, ?, ?)")
        .bind(offer_ref)
        .bind(envelope)
        .bind(created_on.to_string())
        .execute(pool)
        .await?;
    Ok(())
}

/// Removes the record of an offer that could not be stored.
pub async fn delete(pool: &SqlitePool, offer_ref: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sealed_records WHERE offer_ref = ?").bind(offer_ref).execute(pool).await?;
    Ok(())
}

/// The stored records of the given offers, in the order asked, skipping unknown ones.
pub async fn fetch(pool: &SqlitePool, offer_refs: &[String]) -> sqlx::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for offer_ref in offer_refs {
        let envelope: Option<Vec<u8>> = sqlx::query_scalar("SELECT ciphertext FROM sealed_records WHERE offer_ref = ?")
            .bind(offer_ref)
            .fetch_optional(pool)
            .await?;
        if let Some(envelope) = envelope {
            out.push((offer_ref.clone(), envelope));
        }
    }
    Ok(out)
}

/// Re-seals every record to `recipients` (after a keyholder joined or left), opening each
/// with `identities` and checking its binding. All or nothing: one failure changes nothing.
pub async fn reseal_all(
    pool: &SqlitePool,
    identities: &[&dyn age::Identity],
    recipients: &Recipients,
    progress: impl Fn(u64, u64),
) -> anyhow::Result<usize> {
    let all: Vec<(String, Vec<u8>)> =
        sqlx::query_as("SELECT offer_ref, ciphertext FROM sealed_records ORDER BY offer_ref").fetch_all(pool).await?;
    let total = all.len() as u64;
    let mut resealed = Vec::with_capacity(all.len());
    for (done, (offer_ref, envelope)) in all.into_iter().enumerate() {
        let fields =
            seal::open(&offer_ref, &envelope, identities).map_err(|e| anyhow::anyhow!("record {offer_ref}: {e}"))?;
        let envelope =
            seal::seal(&offer_ref, &fields, recipients).map_err(|e| anyhow::anyhow!("record {offer_ref}: {e}"))?;
        resealed.push((offer_ref, envelope));
        progress(done as u64 + 1, total);
    }
    let mut tx = pool.begin().await?;
    for (offer_ref, envelope) in &resealed {
        sqlx::query("UPDATE sealed_records SET ciphertext = ? WHERE offer_ref = ?")
            .bind(envelope)
            .bind(offer_ref)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(resealed.len())
}
