//! What `export-site --incremental` may leave alone without rendering it again.
//!
//! A page's bytes follow from what it shows: the objects, makers and events it links to, and,
//! for the pages that list or count (home, lists, indexes, maker and event pages), the shape
//! of the whole collection (which objects there are, in which order, under which type, maker,
//! event and year, and every facet's name). Each export keeps, beside the data (owner-only,
//! never in the mirror), a fingerprint of each of these and the links each page had; the next
//! incremental export renders only the pages where one of them moved. Anything it cannot
//! vouch for (no state, a manifest it did not write, another build of zbor, other settings) is
//! rendered again: the result is meant to be the bytes a full export would write, and the tests
//! compare the two after changes of every kind.
//!
//! Images are content-addressed (a redacted image gets a new name), so an image file the last
//! export wrote under the same name is the same bytes.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::paths::Page;
use crate::catalogue::snapshot::Snapshot;

const VERSION: u32 = 1;

/// Fingerprints of what pages show, taken from the public snapshot.
pub struct Fingerprints {
    /// This build of zbor and the settings every page reflects.
    global: String,
    /// The collection's shape: what lists and counts show.
    shape: String,
    objects: BTreeMap<String, String>,
    makers: BTreeMap<i64, String>,
    events: BTreeMap<i64, String>,
}

fn hash(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex()[..32].to_owned()
}

/// A fingerprint of the program itself: templates, messages and code are all in it.
fn executable() -> String {
    let hashed = std::env::current_exe().and_then(|exe| {
        let mut hasher = blake3::Hasher::new();
        hasher.update_reader(std::fs::File::open(exe)?)?;
        Ok(hasher.finalize().to_hex().to_string())
    });
    // Unknown: nothing can be vouched for, every page is rendered.
    hashed.unwrap_or_else(|_| format!("unknown-{}", rand::random::<u64>()))
}

fn sorted<K: Ord + Copy, V>(map: impl IntoIterator<Item = (K, V)>) -> Vec<(K, V)> {
    let mut entries: Vec<(K, V)> = map.into_iter().collect();
    entries.sort_by_key(|(k, _)| *k);
    entries
}

impl Fingerprints {
    /// `settings`: everything besides the snapshot that pages reflect (configuration, the
    /// mirror's addresses); `files`: every file the mirror holds (a page links to an image only
    /// if its file is there, and derivatives may still be in the making).
    pub fn of<'f>(snapshot: &Snapshot, settings: &str, files: impl Iterator<Item = &'f str>) -> Self {
        let collection = &snapshot.collection;
        // Each image's files, by the image's hash (`media/HASH/…`, `iiif/image/HASH/…`).
        let mut images: HashMap<&str, Vec<&str>> = HashMap::new();
        for file in files {
            let hash = file.strip_prefix("media/").or_else(|| file.strip_prefix("iiif/image/"));
            if let Some((hash, _)) = hash.and_then(|rest| rest.split_once('/')) {
                images.entry(hash).or_default().push(file);
            }
        }
        for paths in images.values_mut() {
            paths.sort_unstable();
        }
        let maker = |id: &i64| collection.makers.get(id).map(|m| format!("{m:?}")).unwrap_or_default();
        let event = |id: &i64| collection.events.get(id).map(|e| format!("{e:?}")).unwrap_or_default();
        let mut shape = String::new();
        for (i, object) in collection.objects.iter().enumerate() {
            let years = snapshot.years.get(i);
            let _ = writeln!(
                shape,
                "{:?} {} {:?} {:?} {:?}",
                object.accession, object.type_id, object.makers, object.events, years
            );
        }
        for (_, t) in sorted(collection.types.iter()) {
            let _ = writeln!(shape, "{t:?}");
        }
        for (_, m) in sorted(collection.makers.iter()) {
            let _ = writeln!(shape, "{m:?}");
        }
        for (_, e) in sorted(collection.events.iter()) {
            let _ = writeln!(shape, "{e:?}");
        }
        let fingerprint = |o: &crate::collection::public::PublicObject| {
            // The object, its type's name, and every maker and event it names (in its
            // fields or its provenance), linked or not.
            let mut text = format!("{o:?}\n{:?}\n", collection.types.get(&o.type_id));
            for media in &o.media {
                let _ = writeln!(text, "{:?}", images.get(media.hash.as_str()));
            }
            let parties = o.provenance.iter().flat_map(|p| &p.parties).filter_map(|(_, party)| match party {
                crate::collection::public::PublicParty::Maker(id) => Some(id),
                _ => None,
            });
            for id in o.makers.iter().chain(parties) {
                text.push_str(&maker(id));
            }
            for id in o.events.iter().chain(o.provenance.iter().filter_map(|p| p.event_id.as_ref())) {
                text.push_str(&event(id));
            }
            (o.accession.clone(), hash(&text))
        };
        // Formatting every object is most of the work: shared among the cores.
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let chunk = collection.objects.len().div_ceil(cores).max(1);
        let objects = std::thread::scope(|scope| {
            let parts: Vec<_> = collection
                .objects
                .chunks(chunk)
                .map(|part| scope.spawn(move || part.iter().map(fingerprint).collect::<Vec<_>>()))
                .collect();
            parts
                .into_iter()
                .flat_map(|part| part.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                .collect()
        });
        Self {
            global: hash(&format!("{}\n{settings}", executable())),
            shape: hash(&shape),
            objects,
            makers: collection.makers.iter().map(|(id, m)| (*id, hash(&format!("{m:?}")))).collect(),
            events: collection.events.iter().map(|(id, e)| (*id, hash(&format!("{e:?}")))).collect(),
        }
    }
}

/// What a page links to, by kind.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Links {
    #[serde(default, rename = "o", skip_serializing_if = "BTreeSet::is_empty")]
    objects: BTreeSet<String>,
    #[serde(default, rename = "m", skip_serializing_if = "BTreeSet::is_empty")]
    makers: BTreeSet<i64>,
    #[serde(default, rename = "e", skip_serializing_if = "BTreeSet::is_empty")]
    events: BTreeSet<i64>,
}

impl Links {
    /// Notes a link of the page as rendered by the live router (`/objects/…`, `/makers/7`,
    /// `/objects?maker=7`, …).
    pub fn note(&mut self, url: &str) {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let path = path.split('#').next().unwrap_or_default();
        let number = |s: &str| s.trim_end_matches(".jsonld").parse::<i64>().ok();
        if let Some(rest) = path.strip_prefix("/objects/").filter(|r| !r.is_empty()) {
            let accession = rest.trim_end_matches(".jsonld");
            let decoded = percent_encoding::percent_decode_str(accession).decode_utf8_lossy();
            self.objects.insert(decoded.into_owned());
        } else if let Some(id) = path.strip_prefix("/makers/").and_then(number) {
            self.makers.insert(id);
        } else if let Some(id) = path.strip_prefix("/events/").and_then(number) {
            self.events.insert(id);
        }
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("maker", id)) => self.makers.extend(id.parse::<i64>().ok()),
                Some(("event", id)) => self.events.extend(id.parse::<i64>().ok()),
                _ => {}
            }
        }
    }
}

impl Links {
    /// Adds what `other` notes.
    pub fn add(&mut self, other: &Links) {
        self.objects.extend(other.objects.iter().cloned());
        self.makers.extend(&other.makers);
        self.events.extend(&other.events);
    }
}

/// Pages that list or count, whose bytes follow the collection's shape.
fn shows_the_shape(page: &Page) -> bool {
    !matches!(page, Page::Object(_) | Page::Search)
}

/// A page's key in the state: its path without the language (the three have the same links).
pub fn key(page: &Page) -> String {
    let path = page.path(crate::i18n::Lang::DEFAULT);
    path.split_once('/').map_or(path.clone(), |(_, rest)| rest.to_owned())
}

/// What the last export left: its fingerprints and each page's links.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct State {
    version: u32,
    /// The BLAKE3 hash of the manifest written with this state: a folder whose manifest is
    /// not that one was changed since, and is rendered again in full.
    manifest: String,
    global: String,
    shape: String,
    objects: BTreeMap<String, String>,
    makers: BTreeMap<i64, String>,
    events: BTreeMap<i64, String>,
    pub pages: BTreeMap<String, Links>,
}

/// Where the state of the export at `out` is kept: under the data folder, owner-only.
pub fn state_path(data_dir: &Path, out: &Path) -> anyhow::Result<PathBuf> {
    let out = std::fs::canonicalize(out)?;
    let name = blake3::hash(out.as_os_str().as_encoded_bytes()).to_hex()[..32].to_owned();
    Ok(data_dir.join("mirrors").join(format!("{name}.json")))
}

/// The last export, as far as it can be vouched for, beside the fingerprints taken now.
pub struct Previous<'n> {
    state: State,
    /// The last manifest: every file with its BLAKE3 hash.
    pub manifest: HashMap<String, String>,
    now: &'n Fingerprints,
}

impl<'n> Previous<'n> {
    /// The last export's state when it matches the folder's manifest and was made by this
    /// build with these settings; `None` otherwise (everything is then rendered).
    pub fn load(state_path: &Path, manifest_path: &Path, now: &'n Fingerprints) -> Option<Self> {
        let manifest_bytes = std::fs::read(manifest_path).ok()?;
        let state = std::fs::read(state_path).ok().and_then(|b| serde_json::from_slice::<State>(&b).ok())?;
        if state.version != VERSION
            || state.global != now.global
            || state.manifest != blake3::hash(&manifest_bytes).to_hex().as_str()
        {
            return None;
        }
        let manifest = String::from_utf8_lossy(&manifest_bytes)
            .lines()
            .filter_map(|line| line.split_once("  ").map(|(hash, path)| (path.to_owned(), hash.to_owned())))
            .collect();
        Some(Self { state, manifest, now })
    }

    /// Whether the object's fingerprint is what it was (its IIIF manifest may stay).
    pub fn object_unchanged(&self, accession: &str) -> bool {
        let old = self.state.objects.get(accession);
        old.is_some() && old == self.now.objects.get(accession)
    }

    /// The page's links when it may stay as the last export wrote it: nothing it links to
    /// moved, nor the collection's shape if it lists or counts.
    pub fn unchanged(&self, page: &Page, path: &str) -> Option<&Links> {
        self.manifest.get(path)?;
        let links = self.state.pages.get(&key(page))?;
        if shows_the_shape(page) && self.state.shape != self.now.shape {
            return None;
        }
        let same = |old: Option<&String>, now: Option<&String>| old.is_some() && old == now;
        let objects = links.objects.iter().all(|a| same(self.state.objects.get(a), self.now.objects.get(a)));
        let makers = links.makers.iter().all(|m| same(self.state.makers.get(m), self.now.makers.get(m)));
        let events = links.events.iter().all(|e| same(self.state.events.get(e), self.now.events.get(e)));
        let own = match page {
            Page::Object(accession) => same(self.state.objects.get(accession), self.now.objects.get(accession)),
            Page::Maker(id) => same(self.state.makers.get(id), self.now.makers.get(id)),
            Page::Event(id) => same(self.state.events.get(id), self.now.events.get(id)),
            _ => true,
        };
        (objects && makers && events && own).then_some(links)
    }
}

impl State {
    /// The state to keep after an export with `now`'s fingerprints, its pages' links and the
    /// manifest it wrote.
    pub fn new(now: Fingerprints, pages: BTreeMap<String, Links>, manifest: &[u8]) -> Self {
        Self {
            version: VERSION,
            manifest: blake3::hash(manifest).to_hex().to_string(),
            global: now.global,
            shape: now.shape,
            objects: now.objects,
            makers: now.makers,
            events: now.events,
            pages,
        }
    }

    /// Writes the state, owner-only, replacing the last one.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let dir = path.parent().ok_or_else(|| anyhow::anyhow!("a state file in a folder"))?;
        crate::private::create_dir_all(dir)?;
        let temporary = path.with_extension("json.partial");
        let mut file =
            std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&temporary)?;
        file.write_all(&serde_json::to_vec(self)?)?;
        std::fs::rename(&temporary, path)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_the_objects_makers_and_events_a_page_shows() {
        let mut links = Links::default();
        for url in [
            "/objects/MFB-2022-0001",
            "/objects/MFB%2F1.jsonld",
            "/objects?maker=7&page=2",
            "/objects?type=poster&event=3",
            "/makers/9",
            "/events/4#top",
            "/objects",
            "/static/zbor.css",
            "/media/abc/400.jpg",
        ] {
            links.note(url);
        }
        assert_eq!(links.objects, BTreeSet::from(["MFB-2022-0001".to_owned(), "MFB/1".to_owned()]));
        assert_eq!(links.makers, BTreeSet::from([7, 9]));
        assert_eq!(links.events, BTreeSet::from([3, 4]));
    }
}
