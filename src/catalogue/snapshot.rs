//! The public collection held in memory, and a cache of rendered public pages.
//!
//! Public pages are read far more often than the collection changes, so zbor keeps the
//! public projection ([`PublicCollection`]) in memory with the indexes the pages need, and
//! caches rendered pages. Both are replaced together whenever anything public changes
//! ([`PublicState::refresh`]): a page is never served from a projection older than the
//! last refresh.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use sqlx::SqlitePool;

use crate::collection::public::{PublicCollection, PublicObject};
use crate::collection::search::{Hit, SearchIndex, order_best};
use crate::i18n::{self, Lang};
use crate::web::LangChoice;
use crate::web::http::Representations;

use super::listing::FacetCounts;

/// The public collection with the orderings and counts its pages need.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub collection: PublicCollection,
    /// Maker ids in alphabetical order of each language (be, en, ru).
    pub makers_sorted: [Vec<i64>; 3],
    /// Event ids, most recent first.
    pub events_sorted: Vec<i64>,
    /// Published objects per maker and per event.
    pub maker_counts: HashMap<i64, usize>,
    pub event_counts: HashMap<i64, usize>,
    /// The years each object may date from, parallel to `collection.objects`.
    pub years: Vec<Vec<i64>>,
    /// Indexes of objects (in display order) by type, maker, event and year, so a filtered
    /// list starts from the smallest set instead of scanning the collection.
    pub by_type: HashMap<i64, Vec<usize>>,
    pub by_maker: HashMap<i64, Vec<usize>>,
    pub by_event: HashMap<i64, Vec<usize>>,
    pub by_year: HashMap<i64, Vec<usize>>,
    /// Facet counts of the whole collection (the unfiltered list and the home page).
    pub all_facets: Arc<FacetCounts>,
    /// Facet counts of the lists filtered by one facet, computed when first asked for (a
    /// bounded set: one per type, maker, event and year of the collection).
    one_facet: std::sync::Mutex<HashMap<(u8, i64), Arc<FacetCounts>>>,
    /// The public words of every object, for searches, with the answers of the broad terms:
    /// built with the snapshot, except for a snapshot that is only exported (see
    /// [`PublicState::unsearched`]), where only a search builds it.
    search: std::sync::OnceLock<Searcher>,
    /// Every facet value (type, maker, event, year) numbered densely, and each object's
    /// values by those numbers: a list counts its facets into an array, not a hash map.
    facet_values: Vec<FacetValue>,
    facet_numbers: HashMap<FacetValue, u32>,
    /// Object `i`'s values are `object_facets[facet_starts[i]..facet_starts[i + 1]]`: one
    /// array for the whole collection, read in order.
    facet_starts: Vec<u32>,
    object_facets: Vec<u32>,
}

/// The search index, and what a search for each of its broad terms answers.
#[derive(Debug, Default)]
struct Searcher {
    index: SearchIndex,
    /// By the term's vocabulary range (see [`SearchIndex::term_range`]): every range with at
    /// least [`BROAD_POSTINGS`] postings, whatever anyone searched for.
    broad: HashMap<(u32, u32), Broad>,
}

/// A term whose search visits at least this many postings is answered from [`Broad`]: the
/// postings of the others cost less than a page's rendering.
const BROAD_POSTINGS: usize = 2048;

/// How many pages of a broad term's results are kept, best first; a later page is searched.
pub const BROAD_PAGES: usize = 3;

/// What a search for one broad term without filters answers: every page of it up to
/// [`BROAD_PAGES`] is cut from here. Kept for every broad term of the collection when the
/// snapshot is built, so that what is kept says nothing about what visitors searched for.
#[derive(Debug)]
pub struct Broad {
    /// Objects matching.
    pub total: usize,
    pub facets: Arc<FacetCounts>,
    /// The best hits (indexes into the collection), best first.
    pub best: Vec<usize>,
}

/// A value a list can be narrowed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FacetValue {
    Type(i64),
    Maker(i64),
    Event(i64),
    Year(i64),
}

impl Snapshot {
    /// The snapshot of `collection`, with its search index.
    pub fn build(collection: PublicCollection) -> Self {
        let snapshot = Self::build_unsearched(collection);
        snapshot.searcher();
        snapshot
    }

    /// The snapshot of `collection`; its search index is built by the first search.
    pub fn build_unsearched(collection: PublicCollection) -> Self {
        let years: Vec<Vec<i64>> = collection.objects.iter().map(|o| o.date.years()).collect();
        let mut by_type: HashMap<i64, Vec<usize>> = HashMap::new();
        let mut by_maker: HashMap<i64, Vec<usize>> = HashMap::new();
        let mut by_event: HashMap<i64, Vec<usize>> = HashMap::new();
        let mut by_year: HashMap<i64, Vec<usize>> = HashMap::new();
        let mut all_facets = FacetCounts::default();
        for (index, object) in collection.objects.iter().enumerate() {
            by_type.entry(object.type_id).or_default().push(index);
            for m in &object.makers {
                by_maker.entry(*m).or_default().push(index);
            }
            for e in &object.events {
                by_event.entry(*e).or_default().push(index);
            }
            for y in &years[index] {
                by_year.entry(*y).or_default().push(index);
            }
            all_facets.add(object, &years[index]);
        }
        let mut facet_numbers: HashMap<FacetValue, u32> = HashMap::new();
        let mut facet_values = Vec::new();
        let mut facet_starts = vec![0u32];
        let mut object_facets = Vec::new();
        for (object, years) in collection.objects.iter().zip(&years) {
            let values = std::iter::once(FacetValue::Type(object.type_id))
                .chain(object.makers.iter().map(|m| FacetValue::Maker(*m)))
                .chain(object.events.iter().map(|e| FacetValue::Event(*e)))
                .chain(years.iter().map(|y| FacetValue::Year(*y)));
            for value in values {
                object_facets.push(*facet_numbers.entry(value).or_insert_with(|| {
                    facet_values.push(value);
                    facet_values.len() as u32 - 1
                }));
            }
            facet_starts.push(object_facets.len() as u32);
        }
        let maker_counts = by_maker.iter().map(|(k, v)| (*k, v.len())).collect();
        let event_counts = by_event.iter().map(|(k, v)| (*k, v.len())).collect();
        let makers_sorted = Lang::ALL.map(|lang| {
            let mut ids: Vec<i64> = collection.makers.keys().copied().collect();
            ids.sort_by(|a, b| {
                let (a, b) = (&collection.makers[a], &collection.makers[b]);
                i18n::collate(lang, a.name.get(lang), b.name.get(lang)).then(a.id.cmp(&b.id))
            });
            ids
        });
        let mut events_sorted: Vec<i64> = collection.events.keys().copied().collect();
        events_sorted.sort_by(|a, b| {
            let (a, b) = (&collection.events[a], &collection.events[b]);
            b.starts_on.cmp(&a.starts_on).then(a.id.cmp(&b.id))
        });
        Self {
            collection,
            makers_sorted,
            events_sorted,
            maker_counts,
            event_counts,
            years,
            by_type,
            by_maker,
            by_event,
            by_year,
            all_facets: Arc::new(all_facets),
            one_facet: std::sync::Mutex::default(),
            search: std::sync::OnceLock::new(),
            facet_values,
            facet_numbers,
            facet_starts,
            object_facets,
        }
    }

    /// The objects (indexes) whose public text holds every term as a prefix of a word, with
    /// their scores, unordered (see [`SearchIndex::search`]). Nothing but the snapshot is read.
    pub fn search(&self, terms: &[String]) -> Vec<Hit> {
        self.searcher().index.search(terms)
    }

    /// What a search for `term` alone answers, when it is a broad term (see [`Broad`]).
    pub fn broad(&self, term: &str) -> Option<&Broad> {
        let searcher = self.searcher();
        let range = searcher.index.term_range(term);
        searcher.broad.get(&(range.start, range.end))
    }

    fn searcher(&self) -> &Searcher {
        self.search.get_or_init(|| self.searcher_keeping(BROAD_POSTINGS))
    }

    /// The search index, with the answers of the terms with at least `min` postings.
    fn searcher_keeping(&self, min: usize) -> Searcher {
        let collection = &self.collection;
        let texts: Vec<(String, String)> = collection.objects.iter().map(|o| search_text(collection, o)).collect();
        let index = SearchIndex::new(&texts);
        let broad = self.broad_answers(&index, min);
        Searcher { index, broad }
    }

    /// The answer of every term of `index` with at least `min` postings.
    fn broad_answers(&self, index: &SearchIndex, min: usize) -> HashMap<(u32, u32), Broad> {
        let kept = BROAD_PAGES * super::listing::PAGE_SIZE;
        index
            .broad_ranges(min)
            .into_iter()
            .map(|range| {
                let mut hits = index.search_ranges(std::slice::from_ref(&range));
                let facets = Arc::new(self.count_facets(hits.iter().map(|(_, i)| *i)));
                let total = hits.len();
                order_best(&mut hits, kept);
                let best = hits.into_iter().take(kept).map(|(_, i)| i).collect();
                ((range.start, range.end), Broad { total, facets, best })
            })
            .collect()
    }

    /// The facet values of object `index`, by their numbers.
    fn facets_of_object(&self, index: usize) -> &[u32] {
        match (self.facet_starts.get(index), self.facet_starts.get(index + 1)) {
            (Some(start), Some(end)) => &self.object_facets[*start as usize..*end as usize],
            _ => &[],
        }
    }

    /// The number of a facet value; `None` when no public object has it.
    pub fn facet_number(&self, value: FacetValue) -> Option<u32> {
        self.facet_numbers.get(&value).copied()
    }

    /// Whether object `index` has every facet value numbered in `wanted`.
    pub fn has_facets(&self, index: usize, wanted: &[u32]) -> bool {
        let values = self.facets_of_object(index);
        wanted.iter().all(|w| values.contains(w))
    }

    /// The facet counts of the objects `indexes`.
    pub fn count_facets(&self, indexes: impl Iterator<Item = usize>) -> FacetCounts {
        let mut counts = vec![0usize; self.facet_values.len()];
        for index in indexes {
            for value in self.facets_of_object(index) {
                counts[*value as usize] += 1;
            }
        }
        let mut facets = FacetCounts::default();
        for (value, count) in self.facet_values.iter().zip(counts).filter(|(_, n)| *n > 0) {
            let (map, id) = match *value {
                FacetValue::Type(id) => (&mut facets.types, id),
                FacetValue::Maker(id) => (&mut facets.makers, id),
                FacetValue::Event(id) => (&mut facets.events, id),
                FacetValue::Year(id) => (&mut facets.years, id),
            };
            map.insert(id, count);
        }
        facets
    }

    /// The facet counts of `index`, the objects of the one facet `filters` choose.
    pub fn facets_of(&self, filters: &super::listing::Filters, index: &[usize]) -> Arc<FacetCounts> {
        let count = || Arc::new(self.count_facets(index.iter().copied()));
        let type_id = filters.object_type.as_deref().and_then(|code| self.collection.type_by_code(code)).map(|t| t.id);
        let key = match (type_id, filters.maker, filters.event, filters.year) {
            (Some(t), ..) => (0, t),
            (_, Some(m), ..) => (1, m),
            (_, _, Some(e), _) => (2, e),
            (_, _, _, Some(y)) => (3, y),
            // Nothing that names a facet of this collection: counted, not kept.
            _ => return count(),
        };
        if index.is_empty() {
            return count();
        }
        if let Some(kept) = self.one_facet.lock().ok().and_then(|kept| kept.get(&key).cloned()) {
            return kept;
        }
        let facets = count();
        if let Ok(mut kept) = self.one_facet.lock() {
            kept.insert(key, Arc::clone(&facets));
        }
        facets
    }

    pub fn makers_in_order(&self, lang: Lang) -> &[i64] {
        &self.makers_sorted[Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0)]
    }
}

/// The public words of an object: the same fields [`crate::collection::search::index_object`]
/// puts in the FTS5 index.
fn search_text(collection: &PublicCollection, object: &PublicObject) -> (String, String) {
    let mut body = vec![object.description.joined(), object.materials.joined()];
    if let Some(inscription) = &object.inscription {
        body.push(inscription.joined());
    }
    body.extend(object.makers.iter().filter_map(|m| collection.makers.get(m)).map(|m| m.name.joined()));
    body.extend(object.events.iter().filter_map(|e| collection.events.get(e)).map(|e| e.name.joined()));
    (object.title.joined(), body.join(" "))
}

/// Rendered pages of one language choice by URL, each with the generation it was rendered in.
type PagesByUrl = HashMap<String, (u64, Arc<Representations>)>;

/// Rendered public pages keyed by language choice and URL, valid for one generation.
#[derive(Debug, Default)]
struct RenderCache {
    /// By language choice, then URL: looking a page up needs no allocation. The second field
    /// counts the bytes kept.
    pages: RwLock<(HashMap<LangChoice, PagesByUrl>, usize)>,
}

/// Most bytes of pages kept; past this the cache starts afresh, so a crawler of random query
/// strings cannot make it grow without bound.
const CACHE_BYTES: usize = 128 * 1024 * 1024;

/// The public state shared by all requests.
#[derive(Debug, Default)]
pub struct PublicState {
    snapshot: RwLock<Arc<Snapshot>>,
    generation: AtomicU64,
    cache: RenderCache,
    refreshing: tokio::sync::Mutex<()>,
    /// Refreshes asked for, and the count of them the current snapshot covers: requests that
    /// arrive while a reload runs are served together by the next one.
    requested: AtomicU64,
    covered: AtomicU64,
    /// Snapshots are built without their search index (see [`Snapshot::build_unsearched`]).
    unsearched: bool,
}

impl PublicState {
    /// For a process that renders every page once and searches nothing (the static mirror's
    /// export): snapshots without a search index until a search asks for one.
    pub fn unsearched() -> Self {
        Self { unsearched: true, ..Self::default() }
    }

    /// The current snapshot.
    pub fn current(&self) -> Arc<Snapshot> {
        self.snapshot.read().map(|s| Arc::clone(&s)).unwrap_or_else(|e| Arc::clone(&e.into_inner()))
    }

    /// The generation pages rendered now belong to.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Reloads the public projection and drops every cached page. Call after any change
    /// that may alter what the public sees; when it returns, the snapshot was loaded after the
    /// call began.
    ///
    /// Reloads are coalesced: calls that arrive while one runs wait for it, and the first of
    /// them then loads once for all (it reads the database after every one of them was made,
    /// so each sees its change). A storm of publications costs one reload at a time, not one
    /// per publication.
    pub async fn refresh(&self, pool: &SqlitePool) -> anyhow::Result<()> {
        let ticket = self.requested.fetch_add(1, Ordering::AcqRel) + 1;
        let _one_at_a_time = self.refreshing.lock().await;
        if self.covered.load(Ordering::Acquire) >= ticket {
            return Ok(());
        }
        // Every call up to here was made before this reload reads anything.
        let covers = self.requested.load(Ordering::Acquire);
        let collection = PublicCollection::load(pool).await?;
        // Building the indexes takes a while for a large collection: off the async workers,
        // and after the readers (a storm of publications reloads back to back; the pages
        // being read meanwhile come first, the staff waiting for their change a little later).
        let build = if self.unsearched { Snapshot::build_unsearched } else { Snapshot::build };
        let snapshot = Arc::new(crate::cpu::run(move || build(collection)).await?);
        let previous = match self.snapshot.write() {
            Ok(mut guard) => std::mem::replace(&mut *guard, snapshot),
            Err(poisoned) => std::mem::replace(&mut *poisoned.into_inner(), snapshot),
        };
        self.generation.fetch_add(1, Ordering::AcqRel);
        let pages = self.cache.pages.write().map(|mut pages| std::mem::take(&mut *pages)).ok();
        self.covered.store(covers, Ordering::Release);
        // The previous snapshot and pages are freed after both locks are released, on a heavy
        // thread: for a large collection that takes a while, and readers must not wait for it.
        // (A request still holding the previous snapshot frees it when it is done.) What the
        // build and the old snapshot freed goes back to the system now, not when the server
        // next allocates.
        let _ = crate::cpu::run(move || {
            drop((previous, pages));
            crate::alloc::give_back_freed_memory();
        })
        .await;
        Ok(())
    }

    /// A cached page, if one was rendered in the current generation.
    pub fn cached(&self, choice: LangChoice, url: &str) -> Option<Arc<Representations>> {
        let generation = self.generation();
        let pages = self.cache.pages.read().ok()?;
        let (stored_generation, body) = pages.0.get(&choice)?.get(url)?;
        (*stored_generation == generation).then(|| Arc::clone(body))
    }

    /// Keeps a page rendered in `generation`.
    pub fn store(&self, choice: LangChoice, url: String, generation: u64, body: Arc<Representations>) {
        if let Ok(mut guard) = self.cache.pages.write() {
            let (pages, bytes) = &mut *guard;
            if *bytes + body.len() + url.len() > CACHE_BYTES {
                pages.clear();
                *bytes = 0;
            }
            *bytes += body.len() + url.len();
            if let Some((_, old)) = pages.entry(choice).or_default().insert(url, (generation, body)) {
                *bytes = bytes.saturating_sub(old.len());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::listing::{self, Filters, Listing, PAGE_SIZE};

    fn same(kept: &Listing, searched: &Listing) -> bool {
        (&kept.items, kept.total, kept.page, kept.last_page, &*kept.facets)
            == (&searched.items, searched.total, searched.page, searched.last_page, &*searched.facets)
    }

    /// Every page kept for a broad term is the listing its search gives (items, total, page,
    /// facet counts: all a list page is rendered from); later pages, several terms and
    /// filtered lists are searched.
    #[tokio::test]
    async fn a_broad_terms_kept_pages_are_the_pages_its_search_gives() {
        let dir = tempfile::tempdir().unwrap();
        let config = crate::config::Config::new(dir.path().join("data"), dir.path().join("uploads"));
        let size = crate::demo::ImageSize { width: 48, height: 36 };
        crate::demo::create_with(&config, &dir.path().join("keys"), 150, size).await.unwrap();
        let db = crate::db::Databases::open(&config).await.unwrap();
        let snapshot = Snapshot::build_unsearched(PublicCollection::load(&db.main).await.unwrap());
        // Broad from 30 postings: most prefixes of the demo's common words.
        const MIN: usize = 30;
        assert!(snapshot.search.set(snapshot.searcher_keeping(MIN)).is_ok());
        // Every prefix of every public word, as a visitor could type it.
        let mut prefixes: Vec<String> = snapshot
            .collection
            .objects
            .iter()
            .flat_map(|o| {
                let (title, body) = search_text(&snapshot.collection, o);
                crate::collection::search::words(&format!("{title} {body}")).collect::<Vec<_>>()
            })
            .flat_map(|word| {
                word.char_indices().map(|(at, c)| word[..at + c.len_utf8()].to_owned()).collect::<Vec<_>>()
            })
            .collect();
        prefixes.sort_unstable();
        prefixes.dedup();
        let (mut kept_terms, mut later_pages) = (0, 0);
        for prefix in &prefixes {
            let terms = vec![prefix.clone()];
            let hits = snapshot.search(&terms).len();
            for page in 1..=BROAD_PAGES as u64 + 2 {
                let filters = Filters { q: prefix.clone(), page: Some(page), ..Filters::default() };
                let searched = listing::list(&snapshot, Some(snapshot.search(&terms)), &filters);
                match listing::kept(&snapshot, &terms, &filters) {
                    Some(kept) => {
                        assert!(same(&kept, &searched), "{prefix:?}, page {page}: {kept:?} against {searched:?}");
                        kept_terms += usize::from(page == 1);
                    }
                    // A term with this many hits has at least as many postings: it is broad.
                    None if hits >= MIN && page == 1 => panic!("{prefix:?} ({hits} hits) is not kept"),
                    None => later_pages += usize::from(hits > BROAD_PAGES * PAGE_SIZE && page > BROAD_PAGES as u64),
                }
            }
            // With a filter, or with a second term, the list is searched.
            let filtered = Filters { q: prefix.clone(), year: Some(2021), ..Filters::default() };
            assert!(listing::kept(&snapshot, &terms, &filtered).is_none());
            assert!(listing::kept(&snapshot, &[prefix.clone(), "2021".to_owned()], &Filters::default()).is_none());
        }
        assert!(kept_terms >= 20, "only {kept_terms} broad terms among {} prefixes", prefixes.len());
        assert!(later_pages > 0, "no broad term had pages past the kept ones");
    }
}
