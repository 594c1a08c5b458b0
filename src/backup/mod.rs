//! Sealed backups and their restore.
//!
//! `zbor backup` writes one archive: both databases page by page (each read inside one read
//! transaction while the server keeps writing), the configuration and the sanitised
//! masters (the derivatives only when asked: they are rebuilt on restore), streamed through
//! tar and age to every key in `recipients.txt`. Nothing is written on the way but the sealed
//! output, so no plaintext copy of anything lands in a temporary file. An increment
//! (`--since PREVIOUS`) carries the databases again and only the uploads PREVIOUS's chain
//! lacks; masters are content-addressed and never change, so that is all it needs.
//!
//! `zbor restore` reads every archive twice: once to check everything (the identity, every
//! byte's authentication, every entry's hash against the manifest, the chain's links, every
//! upload present), writing nothing; then to write. A flipped byte, a wrong key or a missing
//! increment is refused before the first byte lands.

mod archive;
mod dump;
mod pages;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use indicatif::ProgressBar;
use sqlx::SqlitePool;

use crate::collection::command::{Actor, Command, CommandResult, Tx};
use crate::config::Config;

/// A database's pages are cut into entries of this size, so memory stays bounded whatever the
/// databases hold.
const CHUNK_BYTES: usize = 4 << 20;

/// What to back up and where.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Where to write the archive (refuses to overwrite).
    pub out: PathBuf,
    /// The archive this one builds on: only what its chain lacks is written.
    pub since: Option<PathBuf>,
    /// Also carry the derivatives (otherwise rebuilt on restore).
    pub with_derivatives: bool,
    /// The configuration file, carried along when it exists.
    pub config_file: Option<PathBuf>,
}

/// What a backup wrote.
#[derive(Debug)]
pub struct Made {
    /// The archive's BLAKE3 hash (its name for `--since` and for increments).
    pub hash: String,
    /// The hash of the last audit entry the archive holds (the backup's own entry comes
    /// after it): what a restore of the archive prints, to be compared with this.
    pub audit_head: Option<String>,
    pub parent: Option<String>,
    /// Uploads written into this archive.
    pub uploads_written: usize,
    /// Uploads left out because the chain already holds them.
    pub uploads_in_chain: usize,
    /// Bytes of the two databases.
    pub database_bytes: u64,
    pub bytes: u64,
}

/// The archive file, synced to the disk as it is written: every [`EARLY_SYNC_BYTES`] a thread
/// of its own asks the kernel to write what it has so far, while the backup goes on, so that
/// the last `fsync` before the backup is noted in the ledger has little left to wait for.
struct SyncingFile {
    file: std::fs::File,
    unsynced: usize,
    syncer: Option<(std::sync::mpsc::SyncSender<()>, std::thread::JoinHandle<std::io::Result<()>>)>,
}

const EARLY_SYNC_BYTES: usize = 8 << 20;

impl SyncingFile {
    fn new(file: std::fs::File) -> Self {
        let syncer = file.try_clone().ok().and_then(|clone| {
            let (ask, asked) = std::sync::mpsc::sync_channel::<()>(1);
            let thread = std::thread::Builder::new()
                .name("zbor-sync".to_owned())
                .spawn(move || {
                    // The first error is kept: Linux reports a failed write-back once per open
                    // file, so the final sync on the same file could not see it again.
                    for () in asked {
                        clone.sync_data()?;
                    }
                    Ok(())
                })
                .ok()?;
            Some((ask, thread))
        });
        Self { file, unsynced: 0, syncer }
    }

    /// Waits for the syncing thread (and fails with its error, if it had one), then syncs
    /// everything, metadata included.
    fn sync_all(mut self) -> std::io::Result<()> {
        if let Some((ask, thread)) = self.syncer.take() {
            drop(ask);
            thread.join().map_err(|_| std::io::Error::other("the syncing thread panicked"))??;
        }
        self.file.sync_all()
    }
}

impl Write for SyncingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.unsynced += n;
        if self.unsynced >= EARLY_SYNC_BYTES {
            self.unsynced = 0;
            if let Some((ask, _)) = &self.syncer {
                // A sync already asked for and not yet begun covers these bytes too.
                let _ = ask.try_send(());
            }
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// An upload's path inside the uploads folder (`ab/abc…/master.jpg`) and on disk.
struct Upload {
    name: String,
    path: PathBuf,
}

/// The uploads to carry: masters always, derivatives when asked; sorted, temporary files of
/// interrupted writes left out.
fn uploads(root: &Path, with_derivatives: bool) -> anyhow::Result<Vec<Upload>> {
    let mut found = Vec::new();
    let Ok(shards) = std::fs::read_dir(root) else { return Ok(found) };
    for shard in shards {
        let shard = shard?.path();
        if !shard.is_dir() {
            continue;
        }
        for media in std::fs::read_dir(&shard)? {
            let media = media?.path();
            if !media.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&media)? {
                let path = file?.path();
                let Ok(relative) = path.strip_prefix(root) else { continue };
                let Some(name) = relative.to_str() else { continue };
                let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                if file_name.starts_with('.') || file_name.contains(".zbor-tmp") || !path.is_file() {
                    continue;
                }
                if with_derivatives || file_name.starts_with("master.") {
                    found.push(Upload { name: name.to_owned(), path });
                }
            }
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

/// Opens an existing database for reading its snapshot (never creates one).
async fn open_existing(path: &Path) -> anyhow::Result<SqlitePool> {
    if !path.is_file() {
        bail!("{} does not exist: is this the data folder of an initialised zbor?", path.display());
    }
    crate::db::open(path, 1).await
}

/// Streams the pages of `pool`'s database into the archive as `db/NAME/000000.pages`, … (their
/// concatenation is the database file). Returns the database's size in bytes.
async fn pages_into<W: Write + Send + 'static>(
    writer: &mut archive::Writer<W>,
    pool: &SqlitePool,
    name: &str,
    also: Option<&'static str>,
) -> anyhow::Result<(u64, Option<String>)> {
    let mut conn = pool.acquire().await?;
    // Pages read through a memory map rather than a system call each (this connection only).
    // Mapped pages are the page cache's, but they count in the process's resident memory, so
    // the map is capped: beyond it, pages are read the ordinary way.
    sqlx::query("PRAGMA mmap_size = 134217728").execute(&mut *conn).await?;
    let mut chunk = Vec::with_capacity(CHUNK_BYTES);
    let mut part = 0;
    let mut bytes = 0;
    let mut put = |chunk: &mut Vec<u8>, writer: &mut archive::Writer<W>| -> anyhow::Result<()> {
        writer.add_bytes(&format!("db/{name}/{part:06}.pages"), chunk)?;
        part += 1;
        chunk.clear();
        Ok(())
    };
    let (_, seen) = pages::read(&mut conn, also, |page| {
        chunk.extend_from_slice(page);
        bytes += page.len() as u64;
        if chunk.len() >= CHUNK_BYTES {
            put(&mut chunk, writer)?;
        }
        Ok(())
    })
    .await?;
    if !chunk.is_empty() {
        put(&mut chunk, writer)?;
    }
    Ok((bytes, seen))
}

/// The uploads the chain ending at the archive `hash` already holds.
async fn chain_uploads(pool: &SqlitePool, hash: &str) -> sqlx::Result<BTreeSet<String>> {
    let paths: Vec<String> = sqlx::query_scalar(
        "WITH RECURSIVE chain (hash) AS (
             SELECT hash FROM backups WHERE hash = ?1
             UNION SELECT b.parent FROM backups b JOIN chain c ON b.hash = c.hash WHERE b.parent IS NOT NULL
         )
         SELECT path FROM backup_files WHERE backup IN (SELECT hash FROM chain)",
    )
    .bind(hash)
    .fetch_all(pool)
    .await?;
    Ok(paths.into_iter().collect())
}

/// Notes a backup in the ledger, audited in the same transaction.
struct RecordBackup {
    hash: String,
    parent: Option<String>,
    uploads: Vec<String>,
    database_bytes: u64,
}

impl Command for RecordBackup {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        sqlx::query("INSERT INTO backups (hash, parent) VALUES (?, ?)")
            .bind(&self.hash)
            .bind(&self.parent)
            .execute(&mut **tx)
            .await?;
        for path in &self.uploads {
            sqlx::query("INSERT INTO backup_files (backup, path) VALUES (?, ?)")
                .bind(&self.hash)
                .bind(path)
                .execute(&mut **tx)
                .await?;
        }
        let details = serde_json::json!({
            "parent": self.parent,
            "uploads": self.uploads.len(),
            "database_bytes": self.database_bytes,
        });
        tx.audit("backup.made", &self.hash, details).await?;
        Ok(())
    }
}

/// Makes a sealed backup of the collection at `config` to `recipients`.
pub async fn backup(
    config: &Config,
    recipients: &[age::x25519::Recipient],
    options: &Options,
    bar: &ProgressBar,
) -> anyhow::Result<Made> {
    if options.out.exists() {
        bail!("{} already exists; choose a new file for each backup", options.out.display());
    }
    let main = open_existing(&config.main_db_path()).await?;
    crate::db::MAIN_MIGRATIONS.run(&main).await.context("migrating zbor.sqlite")?;
    let contacts = open_existing(&config.contacts_db_path()).await?;
    let parent = match &options.since {
        Some(previous) => {
            let hash = archive::file_hash(previous)?;
            let known: Option<String> =
                sqlx::query_scalar("SELECT hash FROM backups WHERE hash = ?").bind(&hash).fetch_optional(&main).await?;
            if known.is_none() {
                bail!(
                    "{} is not a backup made of this collection (or it was changed since): make a full backup instead",
                    previous.display()
                );
            }
            Some(hash)
        }
        None => None,
    };
    let in_chain = match &parent {
        Some(hash) => chain_uploads(&main, hash).await?,
        None => BTreeSet::new(),
    };
    let all = uploads(&config.uploads_dir, options.with_derivatives)?;
    let to_write: Vec<&Upload> = all.iter().filter(|u| !in_chain.contains(&u.name)).collect();
    bar.set_length(to_write.len() as u64 + 2);

    // Written under a name that says it is not whole until it is: a backup cut off (a signal,
    // a full disk, a power cut) leaves no file that looks like a backup to copy off site.
    let partial = PathBuf::from(format!("{}.partial", options.out.display()));
    if partial.exists() {
        bail!("{} is left from a backup that was cut off: remove it, then back up again", partial.display());
    }
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&partial)
        .with_context(|| format!("creating {}", partial.display()))?;
    let result: anyhow::Result<(String, u64, Vec<String>, Option<String>)> = async {
        let out = std::io::BufWriter::with_capacity(1 << 20, SyncingFile::new(file));
        let mut writer = archive::Writer::new(out, recipients)?;
        writer.add_bytes(archive::HEADER, &serde_json::to_vec_pretty(&archive::Header::new(parent.clone()))?)?;
        writer.add_file("config/recipients.txt", &config.recipients_path())?;
        if let Some(file) = options.config_file.as_deref().filter(|f| f.is_file()) {
            writer.add_file("config/zbor.toml", file)?;
        }
        // The collection first, then the contacts: an offer's sealed record is stored before
        // its row, so every offer in the first snapshot has its record in the second.
        bar.set_message("zbor.sqlite");
        // The audit log's last entry as the archive holds it: what a restore of it will print.
        let head = Some("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1");
        let (mut database_bytes, audit_head) = pages_into(&mut writer, &main, "zbor", head).await?;
        bar.inc(1);
        bar.set_message("contacts");
        database_bytes += pages_into(&mut writer, &contacts, "contacts", None).await?.0;
        bar.inc(1);
        bar.set_message("uploads");
        let mut written = Vec::with_capacity(to_write.len());
        for upload in &to_write {
            writer.add_file(&format!("uploads/{}", upload.name), &upload.path)?;
            written.push(upload.name.clone());
            bar.inc(1);
        }
        let (hash, out) = writer.finish(all.iter().map(|u| u.name.clone()).collect())?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok((hash, database_bytes, written, audit_head))
    }
    .await;
    let (hash, database_bytes, written, audit_head) = match result {
        Ok(done) => done,
        Err(err) => {
            let _ = std::fs::remove_file(&partial);
            main.close().await;
            contacts.close().await;
            return Err(err);
        }
    };
    let bytes = std::fs::metadata(&partial)?.len();
    let writer = crate::db::Writer::new(main.clone());
    let record = RecordBackup { hash: hash.clone(), parent: parent.clone(), uploads: written.clone(), database_bytes };
    let recorded = crate::collection::command::execute(&writer, Actor::operator(), record).await;
    main.close().await;
    contacts.close().await;
    if let Err(e) = recorded {
        let _ = std::fs::remove_file(&partial);
        bail!("the backup could not be noted in the ledger, and was removed: {e:?}");
    }
    std::fs::rename(&partial, &options.out).with_context(|| format!("naming the backup {}", options.out.display()))?;
    if let Some(dir) = options.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir).and_then(|d| d.sync_all()).with_context(|| format!("syncing {}", dir.display()))?;
    }
    Ok(Made {
        hash,
        audit_head,
        parent,
        uploads_written: written.len(),
        uploads_in_chain: all.len() - written.len(),
        database_bytes,
        bytes,
    })
}

/// What a restore brought back.
#[derive(Debug)]
pub struct Restored {
    pub archives: usize,
    /// Bytes of the two databases restored.
    pub database_bytes: u64,
    pub uploads: usize,
    pub objects: i64,
    pub published: i64,
    pub media: i64,
    pub offers: i64,
    pub sealed_records: i64,
    pub audit_entries: usize,
    pub audit_head: Option<String>,
    pub derivatives_failed: usize,
}

/// One archive, checked.
struct Checked {
    path: PathBuf,
    /// The archive's format (see [`archive::VERSION`]).
    version: u32,
    entries: BTreeMap<String, archive::Entry>,
    uploads: Vec<String>,
}

fn empty_or_missing(dir: &Path) -> anyhow::Result<()> {
    if let Ok(mut entries) = std::fs::read_dir(dir)
        && entries.next().is_some()
    {
        bail!("{} is not empty: restore only into new, empty folders (nothing was written)", dir.display());
    }
    Ok(())
}

/// Reads every archive through without writing anything: the identity opens each, every
/// byte authenticates, every entry matches the manifest, each archive builds on the one
/// before it, and the chain holds every upload the last one names.
fn check(archives: &[PathBuf], identities: &[&dyn age::Identity], bar: &ProgressBar) -> anyhow::Result<Vec<Checked>> {
    let mut checked: Vec<Checked> = Vec::new();
    let mut previous: Option<String> = None;
    for path in archives {
        let hash = archive::file_hash(path)?;
        let mut reader = archive::open(path, identities)?;
        let mut entries = BTreeMap::new();
        let mut order = Vec::new();
        let mut header: Option<archive::Header> = None;
        let mut manifest: Option<archive::Manifest> = None;
        for entry in reader.entries().map_err(|e| archive::damaged(path, e))? {
            let mut entry = entry.map_err(|e| archive::damaged(path, e))?;
            let name = archive::entry_path(&entry, path)?;
            if manifest.is_some() {
                return Err(archive::damaged(path, "entries after the manifest"));
            }
            if name == archive::HEADER || name == archive::MANIFEST {
                // Read whole to be parsed, so bounded: a forged archive's "header" of hundreds
                // of megabytes is refused, not held in memory.
                let limit = if name == archive::HEADER { MAX_HEADER_BYTES } else { MAX_MANIFEST_BYTES };
                if entry.size() > limit {
                    return Err(archive::damaged(path, format!("{name} is larger than any backup writes")));
                }
                let mut bytes = Vec::new();
                let read = archive::copy_entry(&mut entry, &mut bytes, path)?;
                if name == archive::HEADER {
                    if !order.is_empty() {
                        return Err(archive::damaged(path, "the header is not first"));
                    }
                    header = Some(serde_json::from_slice(&bytes).map_err(|e| archive::damaged(path, e))?);
                    entries.insert(name.clone(), archive::Entry { path: name.clone(), ..read });
                    order.push(name);
                } else {
                    manifest = Some(serde_json::from_slice(&bytes).map_err(|e| archive::damaged(path, e))?);
                }
            } else {
                if header.is_none() {
                    return Err(archive::damaged(path, "no header first"));
                }
                let read = archive::copy_entry(&mut entry, &mut std::io::sink(), path)?;
                entries.insert(name.clone(), archive::Entry { path: name.clone(), ..read });
                order.push(name);
            }
            bar.inc(1);
        }
        archive::drain(reader, path)?;
        let (Some(header), Some(manifest)) = (header, manifest) else {
            return Err(archive::damaged(path, "it ends before its manifest"));
        };
        let listed: Vec<&archive::Entry> = manifest.files.iter().collect();
        let found: Vec<&archive::Entry> = order.iter().map(|n| &entries[n]).collect();
        if listed != found {
            return Err(archive::damaged(path, "its entries do not match its manifest"));
        }
        if !(1..=archive::VERSION).contains(&header.version) || header.format != archive::FORMAT {
            bail!("{} is a backup this zbor cannot read ({} {})", path.display(), header.format, header.version);
        }
        match (&previous, &header.parent) {
            (None, Some(_)) => bail!(
                "{} is an increment: give the full backup it builds on first, then every increment in order (nothing was written)",
                path.display()
            ),
            (Some(_), None) => bail!(
                "{} is a full backup, not an increment of the one before it: restore it alone (nothing was written)",
                path.display()
            ),
            (Some(expected), Some(parent)) if expected != parent => bail!(
                "{} does not build on the archive given before it: an increment is missing or out of order (nothing was written)",
                path.display()
            ),
            _ => {}
        }
        previous = Some(hash);
        checked.push(Checked { path: path.clone(), version: header.version, entries, uploads: manifest.uploads });
    }
    let Some(last) = checked.last() else { bail!("no backup given") };
    let held: BTreeSet<&str> =
        checked.iter().flat_map(|c| c.entries.keys().filter_map(|k| k.strip_prefix("uploads/"))).collect();
    let missing = last.uploads.iter().filter(|u| !held.contains(u.as_str())).count();
    if missing > 0 {
        bail!(
            "the archives given lack {missing} image file(s) the collection had: an increment (or the full backup) is missing (nothing was written)"
        );
    }
    if !last.entries.contains_key("config/recipients.txt") || !last.entries.keys().any(|k| k.starts_with("db/zbor/")) {
        bail!("{} holds no databases: not a zbor backup (nothing was written)", last.path.display());
    }
    Ok(checked)
}

/// The largest header an archive may have (a few hundred bytes are written).
const MAX_HEADER_BYTES: u64 = 1 << 20;

/// The largest manifest an archive may have: about 150 bytes an entry, so room for some
/// 800 000 images.
const MAX_MANIFEST_BYTES: u64 = 128 << 20;

/// Creates a new file, owner-only.
fn new_file(path: &Path) -> anyhow::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))
}

/// Creates a file owner-only and writes `bytes` there.
fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    new_file(path)?.write_all(bytes)?;
    Ok(())
}

/// Restores the chain `archives` (a full backup, then its increments in order) into the
/// empty data and uploads folders of `config`.
pub async fn restore(
    config: &Config,
    archives: &[PathBuf],
    identities: &[&dyn age::Identity],
    bar: &ProgressBar,
) -> anyhow::Result<Restored> {
    let marker = config.data_dir.join(crate::db::RESTORING);
    // What an interrupted restore left (its marker still there) is started over; anything
    // else in the folders is refused.
    let interrupted = marker.is_file();
    if !interrupted {
        empty_or_missing(&config.data_dir)?;
        empty_or_missing(&config.uploads_dir)?;
    }
    bar.set_message("checking");
    let checked = check(archives, identities, bar)?;
    if interrupted {
        empty(config);
    }
    crate::private::create_dir_all(&config.data_dir)?;
    write_new(&marker, b"a zbor restore is writing here; if it was cut off, run it again\n")?;
    bar.set_message("restoring");
    bar.set_position(0);
    let restored = match write_all(config, &checked, identities, bar).await {
        Ok(uploads) => finish(config, checked.len(), uploads, bar).await,
        Err(err) => Err(err),
    };
    match restored {
        Ok(restored) => {
            std::fs::remove_file(&marker).context("removing the restore's marker")?;
            Ok(restored)
        }
        Err(err) => {
            // The folders were empty: leave them so, not half restored or restored unchecked.
            empty(config);
            Err(err)
        }
    }
}

/// Removes everything in the data and uploads folders (a restore's own writing).
fn empty(config: &Config) {
    for dir in [&config.data_dir, &config.uploads_dir] {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
            }
        }
    }
}

/// The two databases, in the order archives name them (`db/zbor/…`, `db/contacts/…`).
const DATABASES: [&str; 2] = ["zbor", "contacts"];

/// Where the last archive's databases go as its entries are read.
enum Incoming {
    /// Format 2: the pages, written as the database files and checked once whole.
    Pages(Vec<pages::FileWriter>),
    /// Format 1 (older archives): a logical dump, loaded row by row.
    Dump { pools: Vec<SqlitePool>, loaders: Vec<dump::Loader<sqlx::pool::PoolConnection<sqlx::Sqlite>>> },
}

impl Incoming {
    fn paths(config: &Config) -> [PathBuf; 2] {
        [config.main_db_path(), config.contacts_db_path()]
    }

    async fn begin(config: &Config, version: u32) -> anyhow::Result<Self> {
        if version >= 2 {
            let writers =
                Self::paths(config).iter().map(|p| pages::FileWriter::create(p)).collect::<anyhow::Result<_>>()?;
            return Ok(Self::Pages(writers));
        }
        let mut pools = Vec::new();
        let mut loaders = Vec::new();
        for (path, migrator) in
            Self::paths(config).iter().zip([&crate::db::MAIN_MIGRATIONS, &crate::db::CONTACTS_MIGRATIONS])
        {
            let pool = crate::db::open(path, 1).await?;
            let conn = pool.acquire().await?;
            loaders.push(dump::Loader::begin(conn, dump::schema_of(migrator).await?).await?);
            pools.push(pool);
        }
        Ok(Self::Dump { pools, loaders })
    }

    /// Takes the entry `name` (`db/zbor/000000.pages`, …) of the archive at `path`.
    async fn feed(&mut self, name: &str, bytes: &[u8], path: &Path) -> anyhow::Result<()> {
        let (database, part) = name.strip_prefix("db/").and_then(|rest| rest.split_once('/')).unwrap_or_default();
        let Some(i) = DATABASES.iter().position(|d| *d == database) else {
            return Err(archive::damaged(path, format!("an entry {name} for no database of zbor's")));
        };
        let file = || format!("restoring {database}.sqlite from {}", path.display());
        match self {
            Self::Pages(writers) if part.ends_with(".pages") => writers[i].feed(bytes).with_context(file),
            Self::Dump { loaders, .. } if part.ends_with(".jsonl") => loaders[i].feed(bytes).await.with_context(file),
            _ => Err(archive::damaged(path, format!("an entry {name} its format does not have"))),
        }
    }

    /// Ends both databases: the files are checked before anything opens them (format 2), the
    /// loads committed only when whole (format 1).
    async fn finish(self, config: &Config) -> anyhow::Result<()> {
        match self {
            Self::Pages(writers) => {
                for writer in writers {
                    writer.finish()?;
                }
                let migrators = [&crate::db::MAIN_MIGRATIONS, &crate::db::CONTACTS_MIGRATIONS];
                for ((path, migrator), name) in Self::paths(config).iter().zip(migrators).zip(DATABASES) {
                    pages::check(path, migrator).await.with_context(|| {
                        format!("the backup's {name}.sqlite cannot be trusted, so nothing was restored")
                    })?;
                }
            }
            Self::Dump { pools, loaders } => {
                for (loader, name) in loaders.into_iter().zip(DATABASES) {
                    loader.finish().await.with_context(|| format!("restoring {name}.sqlite"))?;
                }
                for pool in pools {
                    pool.close().await;
                }
            }
        }
        Ok(())
    }
}

/// The second reading: writes uploads from every archive, and the databases and
/// configuration from the last one, checking each entry's hash again as it is written.
async fn write_all(
    config: &Config,
    checked: &[Checked],
    identities: &[&dyn age::Identity],
    bar: &ProgressBar,
) -> anyhow::Result<usize> {
    crate::private::create_dir_all(&config.data_dir)?;
    crate::private::create_dir_all(&config.uploads_dir)?;
    let Some(last) = checked.last() else { bail!("no backup given") };
    let mut databases = Incoming::begin(config, last.version).await?;
    let mut uploads = 0;
    for (i, archive) in checked.iter().enumerate() {
        let last = i + 1 == checked.len();
        let path = &archive.path;
        let mut reader = archive::open(path, identities)?;
        for entry in reader.entries().map_err(|e| archive::damaged(path, e))? {
            let mut entry = entry.map_err(|e| archive::damaged(path, e))?;
            let name = archive::entry_path(&entry, path)?;
            bar.inc(1);
            if name == archive::MANIFEST || name == archive::HEADER {
                continue;
            }
            let expected =
                archive.entries.get(&name).ok_or_else(|| archive::damaged(path, "it changed since it was checked"))?;
            let changed = || archive::damaged(path, format!("{name} changed since it was checked"));
            if let Some(upload) = name.strip_prefix("uploads/") {
                let target = config.uploads_dir.join(upload);
                if let Some(dir) = target.parent() {
                    crate::private::create_dir_all(dir)?;
                }
                if target.exists() {
                    continue;
                }
                let mut file = new_file(&target)?;
                let read = archive::copy_entry(&mut entry, &mut file, path)?;
                if read.blake3 != expected.blake3 {
                    return Err(changed());
                }
                uploads += 1;
                continue;
            }
            if !last {
                continue;
            }
            // Entries are read whole: none may be larger than a backup writes them (format 1's
            // dump could hold one large row, an offer's held photo).
            let most = if archive.version >= 2 { CHUNK_BYTES } else { 64 * CHUNK_BYTES } as u64;
            if expected.size > most {
                return Err(archive::damaged(path, format!("{name} is larger than any entry a backup writes")));
            }
            let mut bytes = Vec::new();
            let read = archive::copy_entry(&mut entry, &mut bytes, path)?;
            if read.blake3 != expected.blake3 {
                return Err(changed());
            }
            if name.starts_with("db/") {
                databases.feed(&name, &bytes, path).await?;
            } else if name == "config/recipients.txt" {
                write_new(&config.recipients_path(), &bytes)?;
            } else if name == "config/zbor.toml" {
                write_new(&config.data_dir.join("zbor.toml.restored"), &bytes)?;
            }
        }
        archive::drain(reader, path)?;
    }
    databases.finish(config).await?;
    Ok(uploads)
}

/// After the databases and files are in place: the audit chain is verified, the search
/// index and the derivatives are rebuilt, and what came back is counted.
async fn finish(config: &Config, archives: usize, uploads: usize, bar: &ProgressBar) -> anyhow::Result<Restored> {
    use crate::collection::audit;
    let db = crate::db::Databases::open_restoring(config).await?;
    let mut conn = db.main.acquire().await?;
    let audit_entries = match audit::verify(&mut conn).await? {
        audit::Verdict::Intact(n) => n,
        audit::Verdict::BrokenAt(id) => {
            bail!("the restored audit log is broken at entry {id}: the backup was made of an altered log")
        }
    };
    let audit_head = audit::head(&mut conn).await?;
    drop(conn);
    crate::collection::search::reindex_all(&db.main).await?;
    bar.set_message("derivatives");
    bar.set_position(0);
    let pipeline = crate::media::Pipeline::new(crate::media::Store::new(&config.uploads_dir), config.upload_limits);
    let derivatives_failed = crate::media::jobs::rebuild(&db.main, &pipeline, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await?;
    let count = |sql: &'static str| {
        let pool = db.main.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await }
    };
    let objects = count("SELECT count(*) FROM objects").await?;
    let published = count("SELECT count(*) FROM objects WHERE state = 'published'").await?;
    let media = count("SELECT count(*) FROM media").await?;
    let offers = count("SELECT count(*) FROM offers").await?;
    db.close().await;
    let contacts = crate::db::open(&config.contacts_db_path(), 1).await?;
    crate::db::CONTACTS_MIGRATIONS.run(&contacts).await.context("migrating contacts.sqlite")?;
    let sealed_records: i64 = sqlx::query_scalar("SELECT count(*) FROM sealed_records").fetch_one(&contacts).await?;
    contacts.close().await;
    let database_bytes =
        Incoming::paths(config).iter().map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or_default()).sum();
    Ok(Restored {
        archives,
        database_bytes,
        uploads,
        objects,
        published,
        media,
        offers,
        sealed_records,
        audit_entries: audit_entries as usize,
        audit_head,
        derivatives_failed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A collection with one known setting, its two databases migrated, and a keyholder.
    async fn collection(dir: &Path) -> (Config, age::x25519::Identity) {
        let config = Config::new(dir.join("data"), dir.join("uploads"));
        let db = crate::db::Databases::open(&config).await.unwrap();
        sqlx::query("INSERT INTO settings (name, value) VALUES ('drill', 'KNOWN-VALUE')")
            .execute(&db.main)
            .await
            .unwrap();
        db.close().await;
        let contacts = crate::db::open(&config.contacts_db_path(), 1).await.unwrap();
        crate::db::CONTACTS_MIGRATIONS.run(&contacts).await.unwrap();
        contacts.close().await;
        let identity = age::x25519::Identity::generate();
        std::fs::write(config.recipients_path(), format!("{}\n", identity.to_public())).unwrap();
        (config, identity)
    }

    /// Writes an archive by hand: `version`'s header, the recipients, then each database's
    /// entries as `databases` gives them.
    fn archive_of(path: &Path, identity: &age::x25519::Identity, version: u32, databases: &[(&str, Vec<u8>)]) {
        let file = std::fs::File::create(path).unwrap();
        let mut writer = archive::Writer::new(file, &[identity.to_public()]).unwrap();
        let header = archive::Header { format: archive::FORMAT.to_owned(), version, parent: None };
        writer.add_bytes(archive::HEADER, &serde_json::to_vec(&header).unwrap()).unwrap();
        writer.add_bytes("config/recipients.txt", format!("{}\n", identity.to_public()).as_bytes()).unwrap();
        for (name, bytes) in databases {
            writer.add_bytes(name, bytes).unwrap();
        }
        writer.finish(Vec::new()).unwrap();
    }

    async fn restore_into(dir: &Path, archive: &Path, identity: &age::x25519::Identity) -> anyhow::Result<Config> {
        let config = Config::new(dir.join("data"), dir.join("uploads"));
        let identities: [&dyn age::Identity; 1] = [identity];
        restore(&config, &[archive.to_path_buf()], &identities, &ProgressBar::hidden()).await?;
        Ok(config)
    }

    #[tokio::test]
    async fn a_forged_oversized_header_is_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let identity = age::x25519::Identity::generate();
        let path = dir.path().join("forged.age");
        let file = std::fs::File::create(&path).unwrap();
        let mut writer = archive::Writer::new(file, &[identity.to_public()]).unwrap();
        // A valid header, padded to beyond what any backup writes.
        let header = archive::Header { format: archive::FORMAT.to_owned(), version: 2, parent: None };
        let mut bytes = serde_json::to_vec(&header).unwrap();
        bytes.resize(MAX_HEADER_BYTES as usize + 1, b' ');
        writer.add_bytes(archive::HEADER, &bytes).unwrap();
        writer.finish(Vec::new()).unwrap();
        let err = restore_into(&dir.path().join("into"), &path, &identity).await.unwrap_err().to_string();
        assert!(err.contains("larger than any backup writes"), "{err}");
        assert!(!dir.path().join("into").join("data").exists(), "nothing was written");
    }

    async fn setting(config: &Config) -> String {
        let pool = crate::db::open(&config.main_db_path(), 1).await.unwrap();
        let value =
            sqlx::query_scalar("SELECT value FROM settings WHERE name = 'drill'").fetch_one(&pool).await.unwrap();
        pool.close().await;
        value
    }

    #[tokio::test]
    async fn an_archive_of_the_older_format_still_restores() {
        let dir = tempfile::tempdir().unwrap();
        let (config, identity) = collection(&dir.path().join("old")).await;
        let mut databases = Vec::new();
        for (name, path) in [("zbor", config.main_db_path()), ("contacts", config.contacts_db_path())] {
            let pool = crate::db::open(&path, 1).await.unwrap();
            let mut conn = pool.acquire().await.unwrap();
            let mut bytes = Vec::new();
            dump::dump(&mut conn, |line| {
                bytes.extend_from_slice(line);
                Ok(())
            })
            .await
            .unwrap();
            databases.push((format!("db/{name}/000000.jsonl"), bytes));
        }
        let databases: Vec<(&str, Vec<u8>)> = databases.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
        let archive = dir.path().join("old.age");
        archive_of(&archive, &identity, 1, &databases);
        let restored = restore_into(&dir.path().join("new"), &archive, &identity).await.unwrap();
        assert_eq!(setting(&restored).await, "KNOWN-VALUE");

        // Entries of the other format in an archive of this one are refused.
        let mixed = dir.path().join("mixed.age");
        let renamed: Vec<(&str, Vec<u8>)> = databases
            .iter()
            .map(|(n, b)| (if n.starts_with("db/zbor") { "db/zbor/000000.pages" } else { n }, b.clone()))
            .collect();
        archive_of(&mixed, &identity, 1, &renamed);
        let err = format!("{:#}", restore_into(&dir.path().join("mixed"), &mixed, &identity).await.unwrap_err());
        assert!(err.contains("its format does not have"), "{err}");
    }

    #[tokio::test]
    async fn an_archive_whose_database_holds_someone_elses_schema_restores_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (config, identity) = collection(&dir.path().join("old")).await;
        let contacts = pages::of_file(&config.contacts_db_path()).await;
        let honest = pages::of_file(&config.main_db_path()).await;
        let archive = dir.path().join("honest.age");
        archive_of(
            &archive,
            &identity,
            2,
            &[("db/zbor/000000.pages", honest), ("db/contacts/000000.pages", contacts.clone())],
        );
        let restored = restore_into(&dir.path().join("honest"), &archive, &identity).await.unwrap();
        assert_eq!(setting(&restored).await, "KNOWN-VALUE");

        // Anyone with the public key can seal an archive: one whose database carries a trigger
        // of its own is refused, and nothing is left in the folders.
        let pool = crate::db::open(&config.main_db_path(), 1).await.unwrap();
        sqlx::raw_sql("CREATE TRIGGER leak AFTER INSERT ON settings BEGIN DELETE FROM settings; END;")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        let forged = pages::of_file(&config.main_db_path()).await;
        let archive = dir.path().join("forged.age");
        archive_of(&archive, &identity, 2, &[("db/zbor/000000.pages", forged), ("db/contacts/000000.pages", contacts)]);
        let into = dir.path().join("forged");
        let err = format!("{:#}", restore_into(&into, &archive, &identity).await.unwrap_err());
        assert!(err.contains("cannot be trusted") && err.contains("schema"), "{err}");
        for folder in ["data", "uploads"] {
            let left: Vec<_> = std::fs::read_dir(into.join(folder)).map(|d| d.flatten().collect()).unwrap_or_default();
            assert!(left.is_empty(), "{folder} kept {left:?}");
        }

        // An entry larger than any a backup writes is refused before it is read into memory.
        let archive = dir.path().join("large.age");
        archive_of(&archive, &identity, 2, &[("db/zbor/000000.pages", vec![0; CHUNK_BYTES + 4096])]);
        let err = format!("{:#}", restore_into(&dir.path().join("large"), &archive, &identity).await.unwrap_err());
        assert!(err.contains("larger than any entry"), "{err}");
    }
}
