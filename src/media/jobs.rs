//! The durable job queue that makes derivatives, in the `jobs` table.
//!
//! A job is claimed with one `UPDATE … RETURNING`, so two workers never take the same job; it
//! is retried with backoff when it fails; jobs left `running` by a crash are queued again at
//! start. Jobs are idempotent: making a derivative again writes the same file.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use sqlx::{SqliteConnection, SqlitePool};

use super::Store;
use super::sanitise::MasterFormat;

/// Attempts before a job is marked failed.
pub const MAX_ATTEMPTS: i64 = 5;

fn timestamp(offset: Duration) -> String {
    let at = chrono::Utc::now() + chrono::Duration::from_std(offset).unwrap_or_default();
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Queues the derivatives of media `media_id`.
pub async fn enqueue(conn: &mut SqliteConnection, media_id: i64) -> sqlx::Result<i64> {
    let now = timestamp(Duration::ZERO);
    sqlx::query_scalar(
        "INSERT INTO jobs (kind, media_id, run_after, created_at) VALUES ('derivatives', ?, ?, ?) RETURNING id",
    )
    .bind(media_id)
    .bind(&now)
    .bind(&now)
    .fetch_one(conn)
    .await
}

/// A claimed job: the derivatives named `derivatives` of the master `hash` with `regions`.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub media_id: i64,
    pub attempts: i64,
    pub hash: String,
    pub master_format: String,
    pub derivatives: String,
    pub regions: Vec<super::redact::Region>,
}

/// Puts jobs that were running when the process stopped back in the queue and removes
/// half-written files. Run at start, before any worker.
pub async fn recover(pool: &SqlitePool, store: &Store) -> anyhow::Result<()> {
    // A job that was running at every one of its attempts may be what brought the process
    // down (an image that exhausts memory, say): give up on it rather than crash forever.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query(
        "UPDATE media SET state = 'failed'
         WHERE id IN (SELECT media_id FROM jobs WHERE state = 'running' AND attempts >= ?)",
    )
    .bind(MAX_ATTEMPTS)
    .execute(&mut *tx)
    .await?;
    let abandoned = sqlx::query(
        "UPDATE jobs SET state = 'failed', locked_at = NULL, last_error = 'interrupted at every attempt'
         WHERE state = 'running' AND attempts >= ?",
    )
    .bind(MAX_ATTEMPTS)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let requeued = sqlx::query("UPDATE jobs SET state = 'queued', locked_at = NULL WHERE state = 'running'")
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    if abandoned > 0 {
        tracing::warn!(abandoned, "media jobs interrupted at every attempt were marked failed");
    }
    let swept = store.sweep_temp_files()?;
    super::sweep_stale(pool, store).await?;
    if requeued > 0 || swept > 0 {
        tracing::info!(requeued, swept, "recovered interrupted media jobs");
    }
    Ok(())
}

/// Takes the oldest job that is due, marking it running.
pub async fn claim(pool: &SqlitePool) -> sqlx::Result<Option<Job>> {
    let now = timestamp(Duration::ZERO);
    let claimed: Option<(i64, i64, i64)> = sqlx::query_as(
        "UPDATE jobs SET state = 'running', locked_at = ?1, attempts = attempts + 1
         WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_after <= ?1 ORDER BY id LIMIT 1)
         RETURNING id, media_id, attempts",
    )
    .bind(&now)
    .fetch_optional(pool)
    .await?;
    let Some((id, media_id, attempts)) = claimed else { return Ok(None) };
    // The image's name and its regions from one read, so the pixels made match the name.
    let mut read = pool.begin().await?;
    let media: Option<(String, String, String)> =
        sqlx::query_as("SELECT hash, master_format, derivatives FROM media WHERE id = ?")
            .bind(media_id)
            .fetch_optional(&mut *read)
            .await?;
    let regions = match &media {
        Some(_) => super::regions::of_media(&mut read, media_id).await?,
        None => Vec::new(),
    };
    read.commit().await?;
    match media {
        Some((hash, master_format, derivatives)) => {
            Ok(Some(Job { id, media_id, attempts, hash, master_format, derivatives, regions }))
        }
        None => {
            // The image was deleted meanwhile: nothing to do.
            sqlx::query("UPDATE jobs SET state = 'done' WHERE id = ?").bind(id).execute(pool).await?;
            Ok(None)
        }
    }
}

/// Records a finished job and marks its image ready, with the sizes that got a WebP, unless
/// its regions changed while the job ran. Returns whether the derivatives made are still the
/// image's (if not, they are for [`super::free`], and the newer job makes the right ones).
pub async fn complete(pool: &SqlitePool, job: &Job, webp_sizes: &[u32]) -> sqlx::Result<bool> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query("UPDATE jobs SET state = 'done', locked_at = NULL, last_error = '' WHERE id = ?")
        .bind(job.id)
        .execute(&mut *tx)
        .await?;
    let current = sqlx::query("UPDATE media SET state = 'ready', webp_sizes = ? WHERE id = ? AND derivatives = ?")
        .bind(super::webp_list(webp_sizes))
        .bind(job.media_id)
        .bind(&job.derivatives)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        == 1;
    tx.commit().await?;
    Ok(current)
}

/// Records a failed attempt: retried later with exponential backoff, or failed for good.
pub async fn fail(pool: &SqlitePool, job: &Job, error: &str) -> sqlx::Result<()> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    if job.attempts >= MAX_ATTEMPTS {
        sqlx::query("UPDATE jobs SET state = 'failed', locked_at = NULL, last_error = ? WHERE id = ?")
            .bind(error)
            .bind(job.id)
            .execute(&mut *tx)
            .await?;
        // Only while the image still wants what this job made: a stale job fails alone.
        sqlx::query("UPDATE media SET state = 'failed' WHERE id = ? AND derivatives = ?")
            .bind(job.media_id)
            .bind(&job.derivatives)
            .execute(&mut *tx)
            .await?;
    } else {
        let backoff = Duration::from_secs(2u64.pow(job.attempts.clamp(0, 10) as u32));
        sqlx::query("UPDATE jobs SET state = 'queued', locked_at = NULL, last_error = ?, run_after = ? WHERE id = ?")
            .bind(error)
            .bind(timestamp(backoff))
            .bind(job.id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

fn master_format(text: &str) -> MasterFormat {
    if text == "png" { MasterFormat::Png } else { MasterFormat::Jpeg }
}

/// Runs one claimed job to its end.
async fn run_job(pool: &SqlitePool, pipeline: &super::Pipeline, job: Job) -> anyhow::Result<()> {
    let result = {
        let _permit = pipeline.gate.acquire().await?;
        let store = pipeline.store.clone();
        let (hash, format) = (job.hash.clone(), master_format(&job.master_format));
        let (key, regions) = (job.derivatives.clone(), job.regions.clone());
        // Fresh from ingest, the pixels are already decoded.
        let pixels = pipeline.take_pixels(job.media_id, &job.hash);
        // The name says which regions its pixels have lost: never write other pixels under it.
        let consistent = super::redact::derivatives_key(&hash, &regions) == key;
        let task = crate::cpu::run(move || {
            anyhow::ensure!(consistent, "the regions changed while the job was claimed");
            store.make_redacted(&hash, format, &regions, &key, pixels)
        });
        // A panic in an image library is a failed attempt like any other, never a stuck job.
        task.await.unwrap_or_else(|failed| Err(anyhow::anyhow!("the image task failed: {failed}")))
    };
    match result {
        Ok(webp_sizes) => {
            if !complete(pool, &job, &webp_sizes).await? {
                super::free(pool, &pipeline.store, std::slice::from_ref(&job.derivatives)).await?;
            }
        }
        Err(err) => {
            tracing::warn!(job = job.id, attempt = job.attempts, error = format!("{err:#}"), "derivative job failed");
            fail(pool, &job, &format!("{err:#}")).await?;
        }
    }
    Ok(())
}

/// Runs every job that is due now, one after another, and returns how many ran: the worker's
/// work without its waiting (for commands and tests that need derivatives before going on).
pub async fn drain(pool: &SqlitePool, pipeline: &super::Pipeline) -> anyhow::Result<usize> {
    let mut ran = 0;
    while let Some(job) = claim(pool).await? {
        run_job(pool, pipeline, job).await?;
        ran += 1;
    }
    Ok(ran)
}

/// Makes derivatives until `shutdown` completes. `on_ready` is called after each finished
/// job (the app refreshes its public snapshot there).
pub async fn work(
    pool: SqlitePool,
    pipeline: super::Pipeline,
    on_ready: Arc<dyn Fn() + Send + Sync>,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let next = tokio::select! {
            () = &mut shutdown => return,
            next = claim(&pool) => next,
        };
        match next {
            Ok(Some(job)) => {
                // A job in progress finishes even when shutdown is asked for meanwhile.
                match run_job(&pool, &pipeline, job).await {
                    Ok(()) => on_ready(),
                    Err(err) => tracing::error!(error = format!("{err:#}"), "media worker"),
                }
            }
            Ok(None) => {
                tokio::select! {
                    () = &mut shutdown => return,
                    () = pipeline.wake.notified() => {},
                    () = tokio::time::sleep(Duration::from_secs(1)) => {},
                }
            }
            Err(err) => {
                tracing::error!(error = %err, "claiming a media job");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Regenerates the derivatives of every image, with its regions redacted, calling `progress`
/// after each.
pub async fn rebuild(
    pool: &SqlitePool,
    pipeline: &super::Pipeline,
    progress: impl Fn(u64, u64),
) -> anyhow::Result<usize> {
    // Objects' images (once per name: images that share a master and regions share their
    // derivatives), and offers' photos that have files (of older installations; offers'
    // photos now wait in the database without derivatives).
    let all: Vec<(String, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT hash, master_format, derivatives, MIN(id) FROM media GROUP BY derivatives
         UNION SELECT hash, master_format, hash, NULL FROM offer_photos
               WHERE master IS NULL AND hash NOT IN (SELECT hash FROM media)
         ORDER BY 3",
    )
    .fetch_all(pool)
    .await?;
    let total = all.len() as u64;
    let mut failed = 0;
    for (done, (hash, format, key, media_id)) in all.into_iter().enumerate() {
        let regions = match media_id {
            Some(id) => super::regions::of_media(&mut *pool.acquire().await?, id).await?,
            None => Vec::new(),
        };
        if super::redact::derivatives_key(&hash, &regions) != key {
            // Its regions changed since the list was read: the job queued then makes it.
            progress(done as u64 + 1, total);
            continue;
        }
        let store = pipeline.store.clone();
        let (hash_for_job, key_for_job) = (hash.clone(), key.clone());
        let result = crate::cpu::run(move || {
            store.make_redacted(&hash_for_job, master_format(&format), &regions, &key_for_job, None)
        })
        .await?;
        let (state, webp_sizes) = match result {
            Ok(webp_sizes) => ("ready", webp_sizes),
            Err(err) => {
                failed += 1;
                tracing::warn!(hash, error = format!("{err:#}"), "rebuilding derivatives");
                ("failed", Vec::new())
            }
        };
        sqlx::query("UPDATE media SET state = ?, webp_sizes = ? WHERE derivatives = ?")
            .bind(state)
            .bind(super::webp_list(&webp_sizes))
            .bind(&key)
            .execute(pool)
            .await?;
        sqlx::query("UPDATE offer_photos SET webp_sizes = ? WHERE hash = ? AND master IS NULL")
            .bind(super::webp_list(&webp_sizes))
            .bind(&key)
            .execute(pool)
            .await?;
        sqlx::query(
            "UPDATE jobs SET state = 'done' WHERE state IN ('queued', 'running')
             AND media_id IN (SELECT id FROM media WHERE derivatives = ?)",
        )
        .bind(&key)
        .execute(pool)
        .await?;
        progress(done as u64 + 1, total);
    }
    // Derivatives no image shows any more (a crash between a redaction and the deletion of the
    // old sizes, or files an older backup brought back) go.
    super::sweep_stale(pool, &pipeline.store).await?;
    Ok(failed)
}
