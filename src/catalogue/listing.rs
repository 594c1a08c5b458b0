//! The object list: parsing its query, filtering the public collection, facet counts and
//! pages, all from the in-memory snapshot.

use crate::collection::public::PublicObject;
use crate::collection::search::{Hit, order_best};
use crate::collection::{IdMap, ObjectType};
use crate::error::AppError;

use super::snapshot::{FacetValue, Snapshot};

/// Objects per list page.
pub const PAGE_SIZE: usize = 24;

/// What a visitor asked the list for, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub q: String,
    /// The code of an object type.
    pub object_type: Option<String>,
    pub maker: Option<i64>,
    pub event: Option<i64>,
    pub year: Option<i64>,
    /// The page asked for; `None` means the first.
    pub page: Option<u64>,
}

/// Requested page numbers above this are treated as "the last page".
const PAGE_CEILING: u64 = u64::MAX / 2;

impl Filters {
    /// Parses the query pairs of `/objects`. Unknown parameters are ignored; known ones with
    /// values that cannot mean anything are refused with a message.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, AppError> {
        let mut filters = Filters::default();
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key.as_str() {
                "q" => filters.q = value.chars().take(200).collect(),
                "type" if ObjectType::is_code(value) => filters.object_type = Some(value.to_owned()),
                "type" => return Err(AppError::BadRequest("error-bad-filter")),
                "maker" => filters.maker = Some(parse_id(value)?),
                "event" => filters.event = Some(parse_id(value)?),
                "year" => {
                    let year: i64 = value.parse().map_err(|_| AppError::BadRequest("error-bad-filter"))?;
                    if !(1000..=9999).contains(&year) {
                        return Err(AppError::BadRequest("error-bad-filter"));
                    }
                    filters.year = Some(year);
                }
                "page" => filters.page = Some(parse_page(value)?),
                _ => {}
            }
        }
        Ok(filters)
    }

    /// The query pairs that reproduce these filters (without the page).
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        if !self.q.is_empty() {
            pairs.push(("q".to_owned(), self.q.clone()));
        }
        if let Some(t) = &self.object_type {
            pairs.push(("type".to_owned(), t.clone()));
        }
        if let Some(m) = self.maker {
            pairs.push(("maker".to_owned(), m.to_string()));
        }
        if let Some(e) = self.event {
            pairs.push(("event".to_owned(), e.to_string()));
        }
        if let Some(y) = self.year {
            pairs.push(("year".to_owned(), y.to_string()));
        }
        pairs
    }

    pub fn is_empty(&self) -> bool {
        self.pairs().is_empty()
    }

    /// Whether any facet (type, maker, event, year) is chosen.
    fn has_facet(&self) -> bool {
        self.facet_count() > 0
    }

    /// How many facets are chosen.
    pub fn facet_count(&self) -> usize {
        [self.object_type.is_some(), self.maker.is_some(), self.event.is_some(), self.year.is_some()]
            .into_iter()
            .filter(|chosen| *chosen)
            .count()
    }
}

fn parse_id(value: &str) -> Result<i64, AppError> {
    value.parse::<i64>().ok().filter(|id| *id > 0).ok_or(AppError::BadRequest("error-bad-filter"))
}

/// A page number: digits only, at least 1. Absurdly large numbers mean the last page.
fn parse_page(value: &str) -> Result<u64, AppError> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::BadRequest("error-bad-page"));
    }
    match value.parse::<u64>() {
        Ok(0) => Err(AppError::BadRequest("error-bad-page")),
        Ok(page) => Ok(page.min(PAGE_CEILING)),
        Err(_) => Ok(PAGE_CEILING),
    }
}

/// Counts of each facet value among the matching objects.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FacetCounts {
    pub types: IdMap<i64, usize>,
    pub makers: IdMap<i64, usize>,
    pub events: IdMap<i64, usize>,
    pub years: IdMap<i64, usize>,
}

impl FacetCounts {
    /// Counts one object.
    pub fn add(&mut self, object: &PublicObject, years: &[i64]) {
        *self.types.entry(object.type_id).or_insert(0) += 1;
        for m in &object.makers {
            *self.makers.entry(*m).or_insert(0) += 1;
        }
        for e in &object.events {
            *self.events.entry(*e).or_insert(0) += 1;
        }
        for y in years {
            *self.years.entry(*y).or_insert(0) += 1;
        }
    }
}

/// One page of results.
#[derive(Debug)]
pub struct Listing {
    /// Indexes into the snapshot's objects, for this page only.
    pub items: Vec<usize>,
    pub total: usize,
    pub page: u64,
    pub last_page: u64,
    pub facets: std::sync::Arc<FacetCounts>,
}

/// Filters the collection, counts facets and cuts out the requested page. `hits` is the
/// search's hits (indexes into the snapshot with their scores, in any order) when there is a
/// text query; the page then holds the best of them. A page past the end gives the last page.
pub fn list(snapshot: &Snapshot, hits: Option<Vec<Hit>>, filters: &Filters) -> Listing {
    let objects = &snapshot.collection.objects;
    // A type code that names no type matches nothing (the handler refuses it before this).
    let type_id = filters.object_type.as_deref().map(|code| snapshot.collection.type_by_code(code).map(|t| t.id));
    // The chosen facet values by their numbers; one that no public object has matches nothing.
    let wanted: Option<Vec<u32>> = [
        type_id.map(|t| t.map(FacetValue::Type)),
        filters.maker.map(|m| Some(FacetValue::Maker(m))),
        filters.event.map(|e| Some(FacetValue::Event(e))),
        filters.year.map(|y| Some(FacetValue::Year(y))),
    ]
    .into_iter()
    .flatten()
    .map(|value| value.and_then(|v| snapshot.facet_number(v)))
    .collect();
    let chosen = |index: usize| wanted.as_deref().is_some_and(|wanted| snapshot.has_facets(index, wanted));
    let (matching, facets): (std::borrow::Cow<[usize]>, std::sync::Arc<FacetCounts>) = match hits {
        // The whole collection: nothing to scan, the counts are kept in the snapshot.
        None if !filters.has_facet() => {
            let total = objects.len();
            let (page, last_page, start) = page_of(filters, total);
            let items = (start..total.min(start + PAGE_SIZE)).collect();
            return Listing { items, total, page, last_page, facets: std::sync::Arc::clone(&snapshot.all_facets) };
        }
        // One facet: its index is the list, and its counts are kept once computed.
        None if filters.facet_count() == 1 => {
            let index = smallest_index(snapshot, type_id, filters);
            (std::borrow::Cow::Borrowed(index), snapshot.facets_of(filters, index))
        }
        None => {
            let matching: Vec<usize> =
                smallest_index(snapshot, type_id, filters).iter().copied().filter(|i| chosen(*i)).collect();
            let facets = snapshot.count_facets(matching.iter().copied());
            (std::borrow::Cow::Owned(matching), std::sync::Arc::new(facets))
        }
        Some(hits) => {
            let mut matching = hits;
            if filters.has_facet() {
                matching.retain(|(_, i)| chosen(*i));
            }
            let facets = std::sync::Arc::new(snapshot.count_facets(matching.iter().map(|(_, i)| *i)));
            let total = matching.len();
            let (page, last_page, start) = page_of(filters, total);
            // Only the hits up to this page's end are put in order.
            let end = total.min(start + PAGE_SIZE);
            order_best(&mut matching, end);
            let items = matching[start.min(end)..end].iter().map(|(_, i)| *i).collect();
            return Listing { items, total, page, last_page, facets };
        }
    };
    let total = matching.len();
    let (page, last_page, start) = page_of(filters, total);
    let items = matching.iter().skip(start).take(PAGE_SIZE).copied().collect();
    Listing { items, total, page, last_page, facets }
}

/// The page of a search for one broad term without facets, from what the snapshot keeps
/// (see [`Snapshot::broad`]): the same listing [`list`] gives, when the page is among the
/// kept ones; `None` otherwise.
pub fn kept(snapshot: &Snapshot, terms: &[String], filters: &Filters) -> Option<Listing> {
    let [term] = terms else { return None };
    if filters.has_facet() {
        return None;
    }
    let broad = snapshot.broad(term)?;
    let (page, last_page, start) = page_of(filters, broad.total);
    let items = broad.best.get(start..broad.total.min(start + PAGE_SIZE))?.to_vec();
    Some(Listing { items, total: broad.total, page, last_page, facets: std::sync::Arc::clone(&broad.facets) })
}

/// The page `filters` ask for among `total` objects (past the end: the last one), the last
/// page, and the index of the page's first object.
fn page_of(filters: &Filters, total: usize) -> (u64, u64, usize) {
    let last_page = total.div_ceil(PAGE_SIZE).max(1) as u64;
    let page = filters.page.unwrap_or(1).clamp(1, last_page);
    (page, last_page, (page as usize - 1) * PAGE_SIZE)
}

/// The smallest of the snapshot's indexes that the chosen facets select from.
fn smallest_index<'a>(snapshot: &'a Snapshot, type_id: Option<Option<i64>>, filters: &Filters) -> &'a [usize] {
    const NONE: &[usize] = &[];
    let mut sets: Vec<&[usize]> = Vec::new();
    if let Some(t) = type_id {
        sets.push(t.and_then(|t| snapshot.by_type.get(&t)).map_or(NONE, Vec::as_slice));
    }
    if let Some(m) = filters.maker {
        sets.push(snapshot.by_maker.get(&m).map_or(NONE, Vec::as_slice));
    }
    if let Some(e) = filters.event {
        sets.push(snapshot.by_event.get(&e).map_or(NONE, Vec::as_slice));
    }
    if let Some(y) = filters.year {
        sets.push(snapshot.by_year.get(&y).map_or(NONE, Vec::as_slice));
    }
    sets.into_iter().min_by_key(|s| s.len()).unwrap_or(NONE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn page_numbers_are_digits_and_huge_means_last() {
        let page = |v: &str| Filters::parse(&pairs(&[("page", v)])).map(|f| f.page);
        assert!(matches!(page("abc"), Err(AppError::BadRequest(_))));
        assert!(matches!(page("-1"), Err(AppError::BadRequest(_))));
        assert!(matches!(page("0"), Err(AppError::BadRequest(_))));
        assert_eq!(page("3").unwrap(), Some(3));
        assert_eq!(page("99999999999999999999999999").unwrap(), Some(PAGE_CEILING));
    }

    #[test]
    fn unknown_filter_values_are_refused() {
        // A code that could name a type passes here; the handler refuses one that names none.
        assert!(Filters::parse(&pairs(&[("type", "Tank!")])).is_err());
        assert_eq!(Filters::parse(&pairs(&[("type", "tank")])).unwrap().object_type.as_deref(), Some("tank"));
        assert!(Filters::parse(&pairs(&[("maker", "x")])).is_err());
        assert!(Filters::parse(&pairs(&[("year", "20200")])).is_err());
        assert!(Filters::parse(&pairs(&[("utm_source", "x")])).unwrap().is_empty());
    }
}
