//! `zbor export-site`: the public catalogue as a folder of static files that any web server,
//! CDN, object store or IPFS can serve, and that also works opened from disk; and
//! `zbor verify-site`, which tells a mirror's operator whether any byte was changed.
//!
//! Every page is rendered by the same router and templates as the live catalogue, in each
//! language (`/?lang=en` becomes `en/index.html`), from the public snapshot only; its links are
//! then rewritten into relative file paths ([`paths`]). What a mirror cannot answer — the
//! intake form, a free-text search — leads to the live site when `public_url` is set, and to
//! the mirror's front page otherwise; the search box leads to a page whose small script
//! searches a prebuilt index of public titles and names (the only script anywhere public).
//!
//! The output is deterministic: the same collection gives the same bytes, so `rsync` and IPFS
//! move only what changed, and `--incremental` writes only files whose bytes differ and removes
//! the ones no longer part of the catalogue. `zbor-manifest.txt` lists every file with its
//! BLAKE3 hash (in `b3sum`'s format); signed in minisign's format ([`minisign`]), it lets anyone
//! with the museum's public key check a mirror.

mod incremental;
pub mod minisign;
pub mod paths;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail, ensure};
use axum::body::Body;
use axum::http::{Request, StatusCode, Uri};
use serde::Serialize;
use tower::ServiceExt;

use crate::app::AppState;
use crate::catalogue::listing::{self, Filters};
use crate::catalogue::snapshot::Snapshot;
use crate::i18n::Lang;
use crate::web::{Base, LangChoice};
use paths::{Facet, Page};

/// The list of every file with its hash.
pub const MANIFEST: &str = "zbor-manifest.txt";
/// The manifest's signature, next to it.
pub const SIGNATURE: &str = "zbor-manifest.txt.minisig";

/// What `zbor export-site` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    /// The address the mirror will be served at, for IIIF and the sitemap (both need absolute
    /// URLs); without it they are left out.
    pub base_url: Option<String>,
    /// Update an earlier export in place, writing only changed files.
    pub incremental: bool,
    /// The live site (`public_url`), where links to what the mirror lacks lead.
    pub live_url: Option<String>,
}

/// What an export did.
#[derive(Debug, Default)]
pub struct Exported {
    pub files: usize,
    /// Pages rendered (the others were left as the last export wrote them, see `incremental`).
    pub rendered: usize,
    pub written: usize,
    pub removed: usize,
    pub bytes: u64,
    /// Whether the manifest changed (an earlier signature was removed and must be made again).
    pub manifest_changed: bool,
}

/// How one file of the mirror is made.
enum Source {
    Page(Lang, Page),
    /// The folder's front page, choosing a language.
    Root,
    SearchScript(Lang),
    Stylesheet,
    Copy(PathBuf),
    Bytes(Vec<u8>),
    /// The IIIF manifest of the object with this accession number.
    Manifest(String),
    /// The IIIF `info.json` of an image: its hash and pixel size.
    Info(String, (i64, i64)),
}

struct Item {
    path: String,
    source: Source,
}

/// What a rendering task needs besides the renderer.
struct Job {
    renderer: std::sync::Arc<Renderer>,
    /// The hashes of the files the last export wrote.
    earlier: std::sync::Arc<HashMap<String, String>>,
    out: PathBuf,
    /// Where the files to write go (see [`Writer`]), a batch at a time.
    writer: tokio::sync::mpsc::Sender<Batch>,
    batch: Batch,
}

/// Files to write, handed to the writer together: one wake-up of its thread for many files.
type Batch = Vec<(String, Vec<u8>)>;
const BATCH: usize = 16;

impl Job {
    /// Makes the file of `item`, and has it written unless the folder holds it already.
    async fn make(&mut self, item: Item) -> anyhow::Result<Made> {
        let (path, bytes, page_links) = self.renderer.make(item).await?;
        let hash = blake3::hash(&bytes).to_hex().to_string();
        let size = bytes.len() as u64;
        let same = self.earlier.get(&path) == Some(&hash) && self.out.join(&path).is_file();
        if !same {
            self.batch.push((path.clone(), bytes));
            if self.batch.len() == BATCH {
                self.flush().await?;
            }
        }
        Ok(Made { path, hash, size, page_links })
    }

    /// Hands the files made so far to the writer.
    async fn flush(&mut self) -> anyhow::Result<()> {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        // Refused only when the writer has stopped, on an error its own answer names.
        self.writer.send(batch).await.map_err(|_| anyhow::anyhow!("the writer stopped"))
    }
}

/// One file made by a rendering task.
struct Made {
    path: String,
    hash: String,
    size: u64,
    /// For a page, its key and links (see [`incremental`]).
    page_links: Option<(String, incremental::Links)>,
}

/// The one thread that creates the mirror's files, while the others render. Files are created
/// one after the other, as `cp` does: two threads creating files in one folder take turns on
/// the folder's lock in the kernel, and the one waiting spins on a core that could render
/// (measured: a tenth of a full export's time went to that spinning).
struct Writer {
    thread: std::thread::JoinHandle<anyhow::Result<usize>>,
}

/// Batches rendered and waiting for the writer, at most (a few MB).
const WRITE_QUEUE: usize = 8;

impl Writer {
    /// Starts writing into `out`: a full export (`fresh`) into a folder that was empty when it
    /// began, where every file is new; otherwise only files whose bytes differ are replaced.
    fn start(out: PathBuf, fresh: bool) -> (Self, tokio::sync::mpsc::Sender<Batch>) {
        let (sender, mut batches) = tokio::sync::mpsc::channel::<Batch>(WRITE_QUEUE);
        let thread = std::thread::spawn(move || {
            let mut written = 0;
            // The folders of a fresh export made so far: most files go into one made before.
            let mut folders = HashSet::new();
            for (path, bytes) in std::iter::from_fn(|| batches.blocking_recv()).flatten() {
                if fresh {
                    write_new(&out, &path, &bytes, &mut folders)?;
                    written += 1;
                } else {
                    written += usize::from(write_if_changed(&out, &path, &bytes)?);
                }
            }
            Ok(written)
        });
        (Self { thread }, sender)
    }

    /// How many files were written, once every sender is gone.
    fn finish(self) -> anyhow::Result<usize> {
        self.thread.join().map_err(|_| anyhow::anyhow!("the writer panicked"))?
    }
}

/// Everything a page needs to be rendered and rewritten, shared by the rendering tasks.
struct Renderer {
    state: AppState,
    router: axum::Router,
    snapshot: std::sync::Arc<Snapshot>,
    files: FastSet<String>,
    live: Option<String>,
    /// The mirror's own address (`--base-url`), which IIIF documents name.
    base: Option<String>,
    /// This export, among the exports this process makes (see [`KnownLinks`]).
    id: u64,
    /// Each object's searchable words in every language, folded: the same in the three search
    /// scripts, made once.
    search_words: std::sync::OnceLock<Vec<String>>,
}

/// Where links lead, as [`Renderer::link`] found them: most links of a page (the menus, the
/// photos, the objects on lists) are on many other pages of the same folder and language.
/// Links whose target depends on the list they are on (see [`paths::resolve`]) are not kept.
/// Kept by each rendering thread for one export at a time.
#[derive(Default)]
struct KnownLinks {
    export: u64,
    pages: HashMap<(String, Lang), [FastMap<String, KnownLink>; 2]>,
    kept: usize,
}

/// A link attribute's value in the mirror, by its value on the live page (both as written,
/// escaped), and what [`incremental::Links`] notes of the live URLs in it.
struct KnownLink {
    target: String,
    noted: incremental::Links,
}

/// The maps looked up for every link of every page, with a hash faster than the standard one
/// (their keys are the catalogue's own links and files, not an attacker's).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
type FastSet<K> = HashSet<K, foldhash::fast::RandomState>;

/// Links kept at most, across the folders, before starting over (some 30 MB a thread).
const KNOWN_LINKS: usize = 100_000;

impl KnownLinks {
    /// The links known for pages in the folder of `path` in `lang` (the targets of every other
    /// attribute, then those of forms' `action`), and the count of links kept, to add to.
    fn for_page(&mut self, export: u64, path: &str, lang: Lang) -> (&mut [FastMap<String, KnownLink>; 2], &mut usize) {
        if self.export != export || self.kept > KNOWN_LINKS {
            self.export = export;
            self.pages.clear();
            self.kept = 0;
        }
        let folder = path.rsplit_once('/').map_or("", |(folder, _)| folder).to_owned();
        (self.pages.entry((folder, lang)).or_default(), &mut self.kept)
    }
}

thread_local! {
    static LINKS: std::cell::RefCell<KnownLinks> = std::cell::RefCell::default();
}

/// Numbers the exports of this process, so that a thread's [`KnownLinks`] never outlive theirs.
static EXPORTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The line every page's head begins with; the mirror's policy goes right after it.
const CHARSET: &str = "<meta charset=\"utf-8\">";

/// Exports the public catalogue into `options.out`.
pub async fn export(state: &AppState, options: &Options, bar: &indicatif::ProgressBar) -> anyhow::Result<Exported> {
    prepare_folder(&options.out, options.incremental)?;
    let snapshot = state.public.current();
    let base = options.base_url.as_deref().map(|b| b.trim_end_matches('/').to_owned());
    let items = plan(state, &snapshot, base.as_deref())?;
    // What the last export left, when this one updates it and it can be vouched for.
    let settings = format!("{:?}\n{base:?}\n{:?}", state.config, options.live_url);
    let fingerprints = {
        let snapshot = std::sync::Arc::clone(&snapshot);
        let files: Vec<String> = items.iter().map(|i| i.path.clone()).collect();
        move || incremental::Fingerprints::of(&snapshot, &settings, files.iter().map(String::as_str))
    };
    let state_path = incremental::state_path(&state.config.data_dir, &options.out)?;
    // A full export needs the fingerprints only for the state it leaves: made beside the pages.
    let (ready, making) = if options.incremental {
        (Some(fingerprints()), None)
    } else {
        (None, Some(tokio::task::spawn_blocking(fingerprints)))
    };
    let mut previous =
        ready.as_ref().and_then(|now| incremental::Previous::load(&state_path, &options.out.join(MANIFEST), now));
    // Until this export has ended, the folder is not the one the last state describes: an
    // export cut off halfway must leave the next one nothing to trust.
    match std::fs::remove_file(&state_path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(e).context("removing the last export's state");
        }
        _ => {}
    }
    // What the folder holds besides this export's files is found while the pages are made:
    // files it writes are all kept, whether the survey sees them or not.
    let survey = options.incremental.then(|| {
        let out = options.out.clone();
        tokio::task::spawn_blocking(move || survey(&out))
    });
    let renderer = std::sync::Arc::new(Renderer {
        state: state.clone(),
        router: crate::app::page_renderer(state.clone()),
        snapshot: std::sync::Arc::clone(&snapshot),
        files: items.iter().map(|i| i.path.clone()).collect(),
        live: options.live_url.clone(),
        base: base.clone(),
        id: EXPORTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        search_words: std::sync::OnceLock::new(),
    });
    bar.set_length(items.len() as u64);
    let mut made = Exported { files: items.len(), ..Exported::default() };
    let mut hashes: BTreeMap<String, String> = BTreeMap::new();
    let mut links: BTreeMap<String, incremental::Links> = BTreeMap::new();
    let nothing = HashMap::new();
    let earlier = previous.as_ref().map_or(&nothing, |p| &p.manifest);
    // Files the last export wrote that nothing here changed stay as they are, unread.
    let mut to_make = Vec::with_capacity(items.len());
    for item in items {
        let kept = previous.as_ref().and_then(|previous| match &item.source {
            Source::Page(_, page) => {
                previous.unchanged(page, &item.path).map(|l| Some((incremental::key(page), l.clone())))
            }
            Source::Manifest(accession) => {
                (earlier.contains_key(&item.path) && previous.object_unchanged(accession)).then_some(None)
            }
            // Images and their info.json are named by the image's hash: the same name, the
            // same bytes.
            Source::Copy(_) | Source::Info(..) => earlier.contains_key(&item.path).then_some(None),
            _ => None,
        });
        // Only a file that is still there can stay.
        let size =
            kept.as_ref().and_then(|_| std::fs::metadata(options.out.join(&item.path)).ok()).filter(|m| m.is_file());
        match (kept, size) {
            (Some(page_links), Some(size)) => {
                links.extend(page_links);
                hashes.insert(item.path.clone(), earlier[&item.path].clone());
                made.bytes += size.len();
                bar.inc(1);
            }
            _ => to_make.push(item),
        }
    }
    // Rendered and hashed on every core: one task per core takes the next file until none is
    // left (files are small: a task per file would cost more in waking than in work); written
    // by one thread beside them.
    let earlier = std::sync::Arc::new(previous.as_mut().map(|p| std::mem::take(&mut p.manifest)).unwrap_or_default());
    let (writer, sender) = Writer::start(options.out.clone(), !options.incremental);
    let queue = std::sync::Arc::new(std::sync::Mutex::new(to_make.into_iter()));
    let failed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let workers = std::thread::available_parallelism().map_or(2, usize::from);
    let workers: Vec<_> = (0..workers)
        .map(|_| {
            let job = Job {
                renderer: std::sync::Arc::clone(&renderer),
                earlier: std::sync::Arc::clone(&earlier),
                out: options.out.clone(),
                writer: sender.clone(),
                batch: Vec::with_capacity(BATCH),
            };
            let (queue, failed, bar) = (std::sync::Arc::clone(&queue), std::sync::Arc::clone(&failed), bar.clone());
            tokio::spawn(async move {
                let mut job = job;
                let mut done = Vec::new();
                while !failed.load(std::sync::atomic::Ordering::Relaxed) {
                    let Some(item) = queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).next() else {
                        break;
                    };
                    match job.make(item).await {
                        Ok(file) => done.push(file),
                        Err(e) => {
                            failed.store(true, std::sync::atomic::Ordering::Relaxed);
                            return Err(e);
                        }
                    }
                    bar.inc(1);
                }
                job.flush().await?;
                anyhow::Ok(done)
            })
        })
        .collect();
    drop(sender);
    // Every task has stopped, and the writer with them, before a failure is answered: none is
    // left writing. The writer's own error comes first: the tasks' would only say it stopped.
    let mut finished = Vec::with_capacity(workers.len());
    for worker in workers {
        finished.push(worker.await);
    }
    made.written = writer.finish()?;
    for worker in finished {
        for file in worker.context("a rendering task")?? {
            made.bytes += file.size;
            made.rendered += usize::from(file.page_links.is_some());
            links.extend(file.page_links);
            hashes.insert(file.path, file.hash);
        }
    }
    // A full export began in an empty folder: nothing else can be there.
    if let Some(survey) = survey {
        made.removed = remove_others(&options.out, survey.await.context("surveying the folder")??, &renderer.files)?;
    }
    let manifest: String = hashes.iter().map(|(path, hash)| format!("{hash}  {path}\n")).collect();
    made.manifest_changed = write_if_changed(&options.out, MANIFEST, manifest.as_bytes())?;
    if made.manifest_changed {
        // A signature of the old manifest would not match: it goes, to be made again.
        match std::fs::remove_file(options.out.join(SIGNATURE)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e).context("removing the old signature"),
            _ => {}
        }
    }
    drop(previous);
    let now = match making {
        Some(task) => task.await.context("fingerprinting the collection")?,
        None => ready.context("the fingerprints of an incremental export")?,
    };
    incremental::State::new(now, links, manifest.as_bytes()).save(&state_path)?;
    Ok(made)
}

/// A new export goes into an empty or new folder; an incremental one into an earlier export.
fn prepare_folder(out: &Path, incremental: bool) -> anyhow::Result<()> {
    match std::fs::read_dir(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("reading {}", out.display())),
        Ok(mut entries) => {
            if incremental {
                ensure!(
                    out.join(MANIFEST).is_file(),
                    "{} holds no earlier export (no {MANIFEST}): --incremental updates an export, it does not take over a folder",
                    out.display()
                );
            } else {
                ensure!(
                    entries.next().is_none(),
                    "{} is not empty: export into a new folder, or pass --incremental to update an earlier export",
                    out.display()
                );
            }
        }
    }
    create_public_dir(out)
}

fn create_public_dir(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o755)
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))?;
    // The mirror is public by definition: readable by the web server's user, whatever the
    // owner-only mask zbor runs with for its data.
    std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
    Ok(())
}

/// Writes `bytes` to `out/path` unless the file already holds exactly them; `true` if written.
/// The file is replaced whole (written aside, then renamed over it), so that a web server
/// serving the folder meanwhile never sends half of it.
fn write_if_changed(out: &Path, path: &str, bytes: &[u8]) -> anyhow::Result<bool> {
    let file = out.join(path);
    if std::fs::read(&file).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    let dir = create_parents(out, &file)?;
    let name = file.file_name().context("a file name")?.to_string_lossy().into_owned();
    let temporary = dir.join(format!(".{name}.zbor-partial"));
    write_public(&temporary, bytes, false)?;
    std::fs::rename(&temporary, &file).with_context(|| format!("writing {}", file.display()))?;
    Ok(true)
}

/// Writes a file of a new export (into a folder that was empty when it began): it cannot exist
/// yet, and nobody serves the folder before the export has ended. `folders`: those known to
/// exist, to which the file's is added.
fn write_new(out: &Path, path: &str, bytes: &[u8], folders: &mut HashSet<PathBuf>) -> anyhow::Result<()> {
    let file = out.join(path);
    let folder = file.parent().context("a file in the export folder")?;
    if !folders.contains(folder) {
        create_parents(out, &file)?;
        folders.insert(folder.to_owned());
    }
    write_public(&file, bytes, true)
}

/// Creates the missing folders between `out` and `file`, readable by all; returns the file's.
fn create_parents<'a>(out: &Path, file: &'a Path) -> anyhow::Result<&'a Path> {
    let dir = file.parent().context("a file in the export folder")?;
    let mut parents = Vec::new();
    let mut missing = dir;
    while !missing.exists() && missing.starts_with(out) {
        parents.push(missing);
        missing = missing.parent().context("a folder in the export folder")?;
    }
    for parent in parents.iter().rev() {
        create_public_dir(parent)?;
    }
    Ok(dir)
}

/// Writes `bytes` to a file readable by all (the mirror is public, whatever zbor's umask);
/// `new`: refuses a file that exists.
fn write_public(file: &Path, bytes: &[u8], new: bool) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if new {
        options.create_new(true);
    } else {
        options.create(true).truncate(true);
    }
    let mut handle = options.open(file).with_context(|| format!("writing {}", file.display()))?;
    handle.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))?;
    handle.write_all(bytes).with_context(|| format!("writing {}", file.display()))?;
    Ok(())
}

/// Removes every file of `present` (a [`survey`] of `out`) that is not in `keep` (nor the
/// manifest and its signature), then the folders left empty: those it emptied, and those the
/// survey found empty. Returns how many files went.
fn remove_others(out: &Path, present: Survey, keep: &FastSet<String>) -> anyhow::Result<usize> {
    let mut removed = 0;
    let mut folders = std::collections::BTreeSet::new();
    for (path, relative) in present.files {
        if !keep.contains(&relative) && relative != MANIFEST && relative != SIGNATURE {
            match std::fs::remove_file(&path) {
                // A file written aside and renamed meanwhile (see `write_if_changed`).
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                result => result.with_context(|| format!("removing {}", path.display()))?,
            }
            removed += 1;
            folders.extend(path.parent().map(Path::to_path_buf));
        }
    }
    folders.extend(present.empty);
    // Deepest first (a folder sorts before those inside it), then up while they are empty.
    for folder in folders.iter().rev() {
        let mut folder = folder.as_path();
        while folder != out && folder.starts_with(out) && std::fs::remove_dir(folder).is_ok() {
            folder = folder.parent().unwrap_or(out);
        }
    }
    Ok(removed)
}

/// What a folder holds: every file (see [`walk`]) and the folders with nothing in them.
struct Survey {
    files: Vec<(PathBuf, String)>,
    empty: Vec<PathBuf>,
}

/// Every file under `root`, with its path relative to it (`/`-separated), in sorted order, and
/// the empty folders.
fn survey(root: &Path) -> anyhow::Result<Survey> {
    let mut survey = Survey { files: Vec::new(), empty: Vec::new() };
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let mut entries = 0;
        for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let entry = entry?;
            entries += 1;
            if entry.file_type()?.is_dir() {
                dirs.push(entry.path());
            } else {
                let relative = entry.path().strip_prefix(root)?.to_string_lossy().replace('\\', "/");
                survey.files.push((entry.path(), relative));
            }
        }
        if entries == 0 && dir != root {
            survey.empty.push(dir);
        }
    }
    survey.files.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(survey)
}

/// Every file under `root`, with its path relative to it (`/`-separated), in sorted order.
pub fn walk(root: &Path) -> anyhow::Result<Vec<(PathBuf, String)>> {
    Ok(survey(root)?.files)
}

/// Every file the mirror holds, and how each is made.
fn plan(state: &AppState, snapshot: &Snapshot, base: Option<&str>) -> anyhow::Result<Vec<Item>> {
    let collection = &snapshot.collection;
    let mut pages = vec![Page::Home, Page::Makers, Page::Events, Page::Search];
    let mut facets: Vec<Option<Facet>> = vec![None];
    let mut types: Vec<&str> =
        snapshot.all_facets.types.keys().filter_map(|id| collection.types.get(id).map(|t| t.code.as_str())).collect();
    types.sort_unstable();
    facets.extend(types.into_iter().map(|code| Some(Facet::Type(code.to_owned()))));
    facets.extend(sorted(snapshot.all_facets.makers.keys()).map(|id| Some(Facet::Maker(id))));
    facets.extend(sorted(snapshot.all_facets.events.keys()).map(|id| Some(Facet::Event(id))));
    facets.extend(sorted(snapshot.all_facets.years.keys()).map(|year| Some(Facet::Year(year))));
    for facet in facets {
        let mut filters = Filters::default();
        if let Some((key, value)) = facet.as_ref().map(Facet::pair) {
            filters = Filters::parse(&[(key, value)]).map_err(|_| anyhow::anyhow!("a facet of the collection"))?;
        }
        let last = listing::list(snapshot, None, &filters).last_page.max(1);
        pages.extend((1..=last).map(|n| Page::List(facet.clone(), n)));
    }
    pages.extend(collection.objects.iter().map(|o| Page::Object(o.accession.clone())));
    pages.extend(sorted(collection.makers.keys()).map(Page::Maker));
    pages.extend(sorted(collection.events.keys()).map(Page::Event));

    let mut items = Vec::new();
    for lang in Lang::ALL {
        items.extend(pages.iter().map(|page| Item { path: page.path(lang), source: Source::Page(lang, page.clone()) }));
        items.push(Item { path: search_script(lang), source: Source::SearchScript(lang) });
    }
    items.push(Item { path: "index.html".to_owned(), source: Source::Root });
    items.push(Item { path: "static/zbor.css".to_owned(), source: Source::Stylesheet });
    items.push(Item {
        path: "static/favicon.ico".to_owned(),
        source: Source::Bytes(crate::catalogue::discovery::favicon_ico().to_vec()),
    });

    // The public images: every derivative the pages may show.
    let store = &state.media.store;
    let mut seen = HashSet::new();
    for media in collection.objects.iter().flat_map(|o| &o.media) {
        if !seen.insert(media.hash.as_str()) {
            continue;
        }
        for size in crate::media::DERIVATIVE_SIZES {
            if let Some(path) = store.derivative_path(&media.hash, size).filter(|p| p.is_file()) {
                items.push(Item { path: format!("media/{}/{size}.jpg", media.hash), source: Source::Copy(path) });
            }
        }
        for size in &media.webp_sizes {
            if let Some(path) = store.webp_path(&media.hash, *size).filter(|p| p.is_file()) {
                items.push(Item { path: format!("media/{}/{size}.webp", media.hash), source: Source::Copy(path) });
            }
        }
    }
    if let Some(base) = base {
        items.extend(iiif_items(state, snapshot)?);
        items.push(Item { path: "sitemap.xml".to_owned(), source: Source::Bytes(sitemap(base, &pages).into_bytes()) });
        let robots = format!("User-agent: *\nAllow: /\n\nSitemap: {base}/sitemap.xml\n");
        items.push(Item { path: "robots.txt".to_owned(), source: Source::Bytes(robots.into_bytes()) });
    }
    items.sort_by(|a, b| a.path.cmp(&b.path));
    let before = items.len();
    items.dedup_by(|a, b| a.path == b.path);
    ensure!(items.len() == before, "two files of the mirror would have the same name");
    Ok(items)
}

fn sorted<'a>(ids: impl Iterator<Item = &'a i64>) -> impl Iterator<Item = i64> {
    let mut ids: Vec<i64> = ids.copied().collect();
    ids.sort_unstable();
    ids.into_iter()
}

fn search_script(lang: Lang) -> String {
    format!("static/search-{}.js", lang.code())
}

/// IIIF manifests of objects with images, and a level-0 image service per image: `info.json`
/// and the listed sizes, all with the mirror's own address.
fn iiif_items(state: &AppState, snapshot: &Snapshot) -> anyhow::Result<Vec<Item>> {
    let mut items = Vec::new();
    let store = &state.media.store;
    let mut seen = HashSet::new();
    // Objects without public images have no manifest (see `iiif::manifest`).
    for object in snapshot.collection.objects.iter().filter(|o| !o.media.is_empty()) {
        items.push(Item {
            path: format!("iiif/{}/manifest.json", paths::file_name(&object.accession)),
            source: Source::Manifest(object.accession.clone()),
        });
        for media in &object.media {
            if !seen.insert(media.hash.as_str()) {
                continue;
            }
            items.push(Item {
                path: format!("iiif/image/{}/info.json", media.hash),
                source: Source::Info(media.hash.clone(), (media.width, media.height)),
            });
            for (name, size) in crate::catalogue::iiif::size_names((media.width, media.height)) {
                let file = store.derivative_path(&media.hash, size).context("an image's derivative")?;
                items.push(Item {
                    path: format!("iiif/image/{}/full/{name}/0/default.jpg", media.hash),
                    source: Source::Copy(file),
                });
            }
        }
    }
    Ok(items)
}

/// A sitemap of every page, each with its other languages as alternates.
fn sitemap(base: &str, pages: &[Page]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for page in pages.iter().filter(|p| **p != Page::Search) {
        for lang in Lang::ALL {
            xml.push_str(&format!(
                "<url><loc>{base}/{}</loc>",
                crate::catalogue::discovery::xml_escape(&page.path(lang))
            ));
            for other in Lang::ALL {
                xml.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{base}/{}\"/>",
                    other.code(),
                    crate::catalogue::discovery::xml_escape(&page.path(other))
                ));
            }
            xml.push_str("</url>\n");
        }
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The Content-Security-Policy of every mirror page: nothing but the mirror's own images and
/// stylesheet, and on the search page its one script.
fn csp(script: bool) -> String {
    let script = if script { "'self'" } else { "'none'" };
    format!(
        "default-src 'none'; img-src 'self'; style-src 'self'; script-src {script}; form-action 'self'; base-uri 'none'"
    )
}

#[derive(Serialize)]
struct SearchPage {
    script: String,
}

#[derive(Serialize)]
struct RootPage {
    languages: Vec<RootLanguage>,
}

#[derive(Serialize)]
struct RootLanguage {
    code: &'static str,
    name: &'static str,
    href: String,
    choose: String,
}

impl Renderer {
    /// The file's bytes, and for a page its key and links (see [`incremental`]).
    async fn make(&self, item: Item) -> anyhow::Result<(String, Vec<u8>, Option<(String, incremental::Links)>)> {
        let mut page_links = None;
        let bytes = match item.source {
            Source::Page(lang, page) => {
                let (bytes, links) = self.page(lang, &page, &item.path).await?;
                page_links = Some((incremental::key(&page), links));
                bytes
            }
            Source::Root => self.root()?,
            Source::SearchScript(lang) => self.search_script(lang).into_bytes(),
            Source::Stylesheet => self.get("/static/zbor.css").await?,
            Source::Copy(file) => std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?,
            Source::Bytes(bytes) => bytes,
            Source::Manifest(accession) => self.manifest(&accession)?,
            Source::Info(hash, size) => {
                crate::catalogue::iiif::info(self.base()?, &hash, size).to_string().into_bytes()
            }
        };
        Ok((item.path, bytes, page_links))
    }

    fn base(&self) -> anyhow::Result<&str> {
        self.base.as_deref().context("IIIF documents are made only with a base URL")
    }

    /// An object's IIIF manifest, with the mirror's addresses.
    fn manifest(&self, accession: &str) -> anyhow::Result<Vec<u8>> {
        let base = self.base()?;
        let publisher = crate::catalogue::iiif::Publisher {
            base,
            linked_art: false,
            ..crate::catalogue::iiif::Publisher::of(&self.state, &self.snapshot)
        };
        let collection = &self.snapshot.collection;
        let object =
            collection.by_accession.get(accession).map(|i| &collection.objects[*i]).context("a published object")?;
        let homepage = format!("{base}/{}", Page::Object(object.accession.clone()).path(Lang::DEFAULT));
        let manifest =
            crate::catalogue::iiif::manifest(&publisher, object, &homepage).context("an object with images")?;
        Ok(manifest.to_string().into_bytes())
    }

    async fn get(&self, uri: &str) -> anyhow::Result<Vec<u8>> {
        let request = Request::get(uri).body(Body::empty())?;
        let response = self.router.clone().oneshot(request).await?;
        ensure!(response.status() == StatusCode::OK, "{uri} answered {}", response.status());
        Ok(axum::body::to_bytes(response.into_body(), usize::MAX).await?.to_vec())
    }

    async fn page(&self, lang: Lang, page: &Page, path: &str) -> anyhow::Result<(Vec<u8>, incremental::Links)> {
        let html = if *page == Page::Search {
            let uri: Uri = format!("/search?lang={}", lang.code()).parse()?;
            let base = Base::new(
                LangChoice { lang, explicit: true },
                &uri,
                self.state.config.museum_name.get(lang),
                &self.state.config.public_url,
            );
            let page = SearchPage { script: format!("/{}", search_script(lang)) };
            crate::web::render_page(&self.state, &base, "catalogue/mirror_search.html", page)
                .map_err(|e| anyhow::anyhow!("rendering the search page: {e:?}"))?
                .0
        } else {
            String::from_utf8(self.get(&page.live_url(lang)).await?)?
        };
        let current = match page {
            Page::List(facet, _) => facet.clone(),
            _ => None,
        };
        let own = match page {
            Page::Object(accession) => Some(accession.as_str()),
            _ => None,
        };
        let mut links = incremental::Links::default();
        let site = self.state.config.public_url.trim_end_matches('/');
        // The mirror's pages carry their content security policy themselves, after the charset.
        let (head, body) = html.split_once(CHARSET).context("a page without its charset line")?;
        let mut out = String::with_capacity(html.len() + 256);
        LINKS.with_borrow_mut(|known| {
            let (known, kept) = known.for_page(self.id, path, lang);
            let mut map = |attribute: &str, value: &str, out: &mut String| {
                let action = usize::from(attribute == "action");
                if let Some(link) = known[action].get(value) {
                    links.add(&link.noted);
                    out.push_str(&link.target);
                    return;
                }
                let (mut noted, mut by_current) = (incremental::Links::default(), false);
                let target = paths::rewrite_value(attribute, value, |attribute, url| {
                    noted.note(url.strip_prefix(site).filter(|rest| rest.starts_with('/')).unwrap_or(url));
                    let (target, by) = self.link(path, lang, current.as_ref(), attribute, url);
                    by_current |= by;
                    target
                });
                links.add(&noted);
                out.push_str(&target);
                // A link to the object the page shows is on none of the others.
                if !by_current && !own.is_some_and(|accession| value.contains(accession)) {
                    known[action].insert(value.to_owned(), KnownLink { target, noted });
                    *kept += 1;
                }
            };
            paths::rewrite_link_values(&mut out, head, &mut map);
            out.push_str(CHARSET);
            out.push_str("\n<meta http-equiv=\"Content-Security-Policy\" content=\"");
            out.push_str(&csp(*page == Page::Search));
            out.push_str("\">");
            paths::rewrite_link_values(&mut out, body, &mut map);
        });
        Ok((out.into_bytes(), links))
    }

    /// Where a link of the page at `from` leads in the mirror, and whether `current` decided it.
    fn link(&self, from: &str, lang: Lang, current: Option<&Facet>, attribute: &str, url: &str) -> (String, bool) {
        // The addresses pages name for crawlers (canonical, other languages) are absolute on
        // the live site: in the mirror they are the mirror's own pages.
        let site = self.state.config.public_url.trim_end_matches('/');
        let url = match url.strip_prefix(site) {
            Some("") => "/",
            Some(path) if path.starts_with('/') || path.starts_with('?') => path,
            _ => url,
        };
        let url = if url.starts_with('?') { &format!("/{url}") } else { url };
        if !url.starts_with('/') || url.starts_with("//") {
            return (url.to_owned(), false);
        }
        let target = if attribute == "action" && (url == "/objects" || url.starts_with("/objects?")) {
            Some((Page::Search.path(lang), "", false))
        } else {
            paths::resolve(url, lang, current)
        };
        match target {
            Some((file, fragment, by_current)) if self.files.contains(&file) => {
                let relative = paths::relative(from, &file);
                (if fragment.is_empty() { relative } else { format!("{relative}#{fragment}") }, by_current)
            }
            Some((.., by_current)) => (self.elsewhere(from, url), by_current),
            None => (self.elsewhere(from, url), false),
        }
    }

    /// Where a link to what the mirror has no copy of leads: the live site, or the mirror's
    /// front page.
    fn elsewhere(&self, from: &str, url: &str) -> String {
        match &self.live {
            Some(live) => format!("{}{url}", live.trim_end_matches('/')),
            None => paths::relative(from, "index.html"),
        }
    }

    fn root(&self) -> anyhow::Result<Vec<u8>> {
        let languages = Lang::ALL
            .iter()
            .map(|lang| RootLanguage {
                code: lang.code(),
                name: lang.name(),
                href: Page::Home.path(*lang),
                choose: self.state.translations.get(*lang, "mirror-choose-language", None),
            })
            .collect();
        let context = minijinja::context! {
            museum_name => self.state.config.museum_name.get(Lang::En),
            csp => csp(false),
            ..minijinja::Value::from(minijinja::value::Serde(&RootPage { languages }))
        };
        let html = self.state.templates.render("mirror_root.html", context).map_err(|e| anyhow::anyhow!("{e:#}"))?;
        Ok(html.into_bytes())
    }

    /// The search page's script: a compact index of every public object (its page, its title
    /// in `lang`, and its searchable words in every language) and the code that searches it.
    fn search_script(&self, lang: Lang) -> String {
        let collection = &self.snapshot.collection;
        let words = self.search_words.get_or_init(|| {
            collection
                .objects
                .iter()
                .map(|object| {
                    let mut words = vec![object.title.joined(), object.accession.clone()];
                    let makers = object.makers.iter().filter_map(|m| collection.makers.get(m));
                    words.extend(makers.map(|m| m.name.joined()));
                    words
                        .extend(object.events.iter().filter_map(|e| collection.events.get(e)).map(|e| e.name.joined()));
                    words.extend(object.date.years().iter().map(i64::to_string));
                    fold(&words.join(" "))
                })
                .collect()
        });
        let entries: Vec<(String, &str, &str)> = collection
            .objects
            .iter()
            .zip(words)
            .map(|(object, words)| {
                let page =
                    paths::relative(&Page::Search.path(lang), &Page::Object(object.accession.clone()).path(lang));
                (page, object.title.get(lang), words.as_str())
            })
            .collect();
        let index = serde_json::to_string(&entries).unwrap_or_else(|_| "[]".to_owned());
        format!("{}\nvar ZBOR_INDEX = {index};\n{SEARCH_CODE}", SEARCH_HEADER.trim_end())
    }
}

/// Lower case, `ё` as `е`, and every run of other characters than letters and digits as one
/// space: the same folding the script gives the words typed.
fn fold(text: &str) -> String {
    let lower = text.to_lowercase().replace('ё', "е");
    lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

const SEARCH_HEADER: &str =
    "// zbor: the mirror's search. Public titles and names only; runs in the reader's browser.\n\"use strict\";";

/// The search code (also in `static/mirror-search.js` for reading): finds the objects whose
/// words start with every word typed, and lists them as links.
const SEARCH_CODE: &str = include_str!("../../static/mirror-search.js");

/// Checks a mirror against its signed manifest: every file listed has its hash, and no file is
/// missing or added.
pub fn verify(dir: &Path, key: &minisign::PublicKey) -> anyhow::Result<Verified> {
    let manifest =
        std::fs::read(dir.join(MANIFEST)).with_context(|| format!("reading {MANIFEST} in {}", dir.display()))?;
    let signature = std::fs::read_to_string(dir.join(SIGNATURE))
        .with_context(|| format!("reading {SIGNATURE} in {} (the mirror is not signed)", dir.display()))?;
    let trusted = key.verify(&manifest, &signature).context("the manifest's signature")?;
    let manifest = String::from_utf8(manifest).context("the manifest is not text")?;
    let mut listed: BTreeMap<&str, &str> = BTreeMap::new();
    for line in manifest.lines() {
        let (hash, path) = line.split_once("  ").context("a manifest line is not `hash  path`")?;
        listed.insert(path, hash);
    }
    let mut problems = Vec::new();
    let mut present = HashSet::new();
    for (file, relative) in walk(dir)? {
        if relative == MANIFEST || relative == SIGNATURE {
            continue;
        }
        match listed.get(relative.as_str()) {
            None => problems.push(format!("added: {}", shown(&relative))),
            // Only a plain file is read, and hashed as it streams: a link to /dev/zero or a
            // pipe put in a file's place would make the check read for ever.
            Some(_) if !std::fs::symlink_metadata(&file)?.is_file() => {
                problems.push(format!("not a plain file: {}", shown(&relative)));
            }
            Some(hash) => {
                let mut hasher = blake3::Hasher::new();
                hasher.update_reader(
                    std::fs::File::open(&file).with_context(|| format!("reading {}", file.display()))?,
                )?;
                if hasher.finalize().to_hex().as_str() != *hash {
                    problems.push(format!("changed: {}", shown(&relative)));
                }
            }
        }
        present.insert(relative);
    }
    problems.extend(listed.keys().filter(|p| !present.contains(**p)).map(|p| format!("missing: {}", shown(p))));
    if !problems.is_empty() {
        bail!("the mirror differs from its signed manifest:\n  {}", problems.join("\n  "));
    }
    Ok(Verified { files: listed.len(), trusted_comment: trusted })
}

/// A file's name as it may be printed on a terminal: a mirror's host chooses names, and one
/// holding control characters could rewrite the lines before it (and show a forged "as
/// signed"), or reorder what follows (bidirectional overrides). Each of those is written as
/// an escape.
fn shown(name: &str) -> String {
    let hidden = |c: char| {
        c.is_control() || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    name.chars().map(|c| if hidden(c) { c.escape_unicode().to_string() } else { c.to_string() }).collect()
}

/// A mirror that matched its manifest.
#[derive(Debug)]
pub struct Verified {
    pub files: usize,
    pub trusted_comment: String,
}

/// Signs the manifest of the export in `dir` with `key`, next to it.
pub fn sign(dir: &Path, key: &minisign::SecretKey) -> anyhow::Result<()> {
    let manifest =
        std::fs::read(dir.join(MANIFEST)).with_context(|| format!("reading {MANIFEST} in {}", dir.display()))?;
    let comment = format!("zbor mirror manifest, blake3 {}", blake3::hash(&manifest).to_hex());
    let signature = key.sign(&manifest, &comment);
    write_if_changed(dir, SIGNATURE, signature.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_matches_what_the_script_does() {
        assert_eq!(fold("Кот «Ёжык», 2020!"), "кот ежык 2020");
        assert_eq!(fold("  White-red-white  "), "white red white");
    }
}
