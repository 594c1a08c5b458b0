//! `contacts.sqlite`: sealed records only, joined to offers by their random ids, behind the
//! [`Vault`]. The vault's pool is private to it: nothing outside `donors/` can query the file,
//! and the only read of chosen records is the audited release of a bundle
//! ([`super::bundle::ReleaseBundle`]).

use std::path::Path;

use anyhow::Context;
use chrono::NaiveDate;
use sqlx::SqlitePool;

use super::recipients::Recipients;
use super::seal;

/// The sealed records' database.
#[derive(Debug, Clone)]
pub struct Vault {
    pool: SqlitePool,
}

impl Vault {
    /// Opens (creating when missing) and migrates `contacts.sqlite` at `path`.
    pub async fn open(path: &Path) -> anyhow::Result<Self> {
        let pool = crate::db::open(path, 2).await?;
        crate::db::CONTACTS_MIGRATIONS.run(&pool).await.context("migrating contacts.sqlite")?;
        Ok(Self { pool })
    }

    /// Answers when the database does; used by `/healthz`.
    pub async fn ping(&self) -> sqlx::Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ())
    }

    /// Closes the pool, letting SQLite checkpoint the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Removes an offer's sealed record and the answers sealed with it; returns how many
    /// records went.
    pub(super) async fn forget(&self, offer_ref: &str) -> sqlx::Result<u64> {
        let done = sqlx::query("DELETE FROM sealed_records WHERE offer_ref = ?1 OR offer_ref LIKE ?1 || '#%'")
            .bind(offer_ref)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Removes an offer's sealed records as [`Vault::forget`] does, now if it can, else by a
    /// task that tries again every two seconds until it has (the database was busy or locked:
    /// the offer's row is already gone, so nothing would ask again), then empties the WAL.
    pub(super) async fn forget_now_or_soon(&self, offer_ref: &str) -> u64 {
        match self.forget(offer_ref).await {
            Ok(removed) => removed,
            Err(e) => {
                tracing::error!(error = %e, "removing a sealed record; trying again until it is removed");
                let (vault, offer_ref) = (self.clone(), offer_ref.to_owned());
                tokio::spawn(async move {
                    loop {
                        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                        match vault.forget(&offer_ref).await {
                            Ok(_) => break,
                            Err(_) if vault.pool.is_closed() => return,
                            Err(e) => tracing::warn!(error = %e, "removing a sealed record"),
                        }
                    }
                    if let Err(e) = vault.truncate_wal().await {
                        tracing::error!(error = %e, "emptying the contacts WAL");
                    }
                });
                0
            }
        }
    }

    /// Removes the sealed records stored before `before` whose offer is gone or whose record
    /// was purged: what a removal cut short left behind (a record is stored a moment before
    /// its offer's row, so only older ones are looked at). Returns how many went.
    pub(super) async fn sweep_orphans(&self, main: &SqlitePool, before: NaiveDate) -> sqlx::Result<u64> {
        let offers: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT CASE WHEN instr(offer_ref, '#') > 0 THEN substr(offer_ref, 1, instr(offer_ref, '#') - 1)
                ELSE offer_ref END
             FROM sealed_records WHERE created_on < ?",
        )
        .bind(before.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut removed = 0;
        for offer in offers {
            let kept: bool =
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM offers WHERE id = ? AND sealed_purged = 0)")
                    .bind(&offer)
                    .fetch_one(main)
                    .await?;
            if !kept {
                removed += self.forget(&offer).await?;
            }
        }
        Ok(removed)
    }

    /// How many answers are stored for offer `offer_ref` (named by [`super::offers::answer_ref`]).
    pub(super) async fn answers_of(&self, offer_ref: &str) -> sqlx::Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM sealed_records WHERE offer_ref LIKE ? || '#answer-%'")
            .bind(offer_ref)
            .fetch_one(&self.pool)
            .await
    }

    /// Empties the WAL after a removal (see [`crate::db::truncate_wal`]).
    pub async fn truncate_wal(&self) -> sqlx::Result<()> {
        crate::db::truncate_wal(&self.pool).await
    }

    /// How many sealed records there are.
    pub async fn count(&self) -> sqlx::Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM sealed_records").fetch_one(&self.pool).await
    }

    /// Stores a sealed record (an envelope from [`seal::seal`]) for offer `offer_ref`.
    pub(super) async fn store(&self, offer_ref: &str, envelope: &[u8], created_on: NaiveDate) -> sqlx::Result<()> {
        sqlx::query("INSERT INTO sealed_records (offer_ref, ciphertext, created_on) VALUES (?, ?, ?)")
            .bind(offer_ref)
            .bind(envelope)
            .bind(created_on.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes the record of an offer that could not be stored.
    pub(super) async fn delete(&self, offer_ref: &str) -> sqlx::Result<()> {
        sqlx::query("DELETE FROM sealed_records WHERE offer_ref = ?").bind(offer_ref).execute(&self.pool).await?;
        Ok(())
    }

    /// The stored records of the given offers with the answers sealed after them, in the
    /// order asked, skipping unknown ones. Only the audited release of a bundle reads them.
    pub(super) async fn fetch(&self, offer_refs: &[String]) -> sqlx::Result<Vec<(String, Vec<u8>)>> {
        let mut out = Vec::new();
        for offer_ref in offer_refs {
            let records: Vec<(String, Vec<u8>)> = sqlx::query_as(
                "SELECT offer_ref, ciphertext FROM sealed_records WHERE offer_ref = ?1 OR offer_ref LIKE ?1 || '#%'
                 ORDER BY length(offer_ref), offer_ref",
            )
            .bind(offer_ref)
            .fetch_all(&self.pool)
            .await?;
            out.extend(records);
        }
        Ok(out)
    }

    /// Re-seals every record to `recipients` (after a keyholder joined or left), opening each
    /// with `identities` (a keyholder's, on the server only for this command) and checking its
    /// binding. All or nothing: one failure changes nothing.
    pub async fn reseal_all(
        &self,
        identities: &[&dyn age::Identity],
        recipients: &Recipients,
        progress: impl Fn(u64, u64),
    ) -> anyhow::Result<usize> {
        let all: Vec<(String, Vec<u8>)> =
            sqlx::query_as("SELECT offer_ref, ciphertext FROM sealed_records ORDER BY offer_ref")
                .fetch_all(&self.pool)
                .await?;
        let total = all.len() as u64;
        let mut resealed = Vec::with_capacity(all.len());
        for (done, (offer_ref, envelope)) in all.into_iter().enumerate() {
            let fields = seal::open(&offer_ref, &envelope, identities)
                .map_err(|e| anyhow::anyhow!("record {offer_ref}: {e}"))?;
            let envelope =
                seal::seal(&offer_ref, &fields, recipients).map_err(|e| anyhow::anyhow!("record {offer_ref}: {e}"))?;
            resealed.push((offer_ref, envelope));
            progress(done as u64 + 1, total);
        }
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for (offer_ref, envelope) in &resealed {
            sqlx::query("UPDATE sealed_records SET ciphertext = ? WHERE offer_ref = ?")
                .bind(envelope)
                .bind(offer_ref)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        // The old ciphertexts, which the key just removed can open, must not stay in the
        // journal or in pages of the database file left behind it: move the new pages into
        // the file (its old cells overwritten) and empty the journal, even with the server
        // holding the vault open.
        crate::db::truncate_wal(&self.pool).await?;
        Ok(resealed.len())
    }
}
