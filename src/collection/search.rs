//! Full-text search over the public projection, in all three languages (SQLite FTS5).
//!
//! Only public fields of published objects are indexed, so a search can never reveal an
//! object by what it keeps private. FTS5's `unicode61` tokenizer folds Cyrillic case but
//! not ё/е, and splits words at apostrophes (Belarusian `сям'я`), so both the indexed text
//! and the query go through [`normalise`].

use super::types::lang3;
use sqlx::{SqliteConnection, SqlitePool};

/// Folds ё to е and drops apostrophes inside words; case is folded by the tokenizer.
pub fn normalise(text: &str) -> String {
    text.chars().filter(|c| !is_apostrophe(*c)).flat_map(char::to_lowercase).map(fold).collect()
}

/// Folds the letters people type without their marks: ё and ў (missing from Russian
/// keyboards) and the Latin letters of Belarusian Łacinka and neighbouring languages. Done
/// here, for the index and the query alike, so FTS5 and the in-memory ranking agree.
fn fold(c: char) -> char {
    match c {
        'ё' => 'е',
        'ў' => 'у',
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'ď' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ł' => 'l',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ő' | 'ø' => 'o',
        'ř' => 'r',
        'ś' | 'š' => 's',
        'ť' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ů' | 'ű' | 'ŭ' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        other => other,
    }
}

/// The words of a text as the ranking sees them: normalised, lower-cased, split at anything
/// that is not a letter or digit (as FTS5's `unicode61` tokenizer splits).
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric() && !is_apostrophe(c)).map(normalise).filter(|w| !w.is_empty())
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '`' | 'ʻ')
}

/// Most words of a query that count.
const MAX_TERMS: usize = 12;

/// The terms of what a visitor typed: each must match, as a prefix.
pub fn query_terms(input: &str) -> Vec<String> {
    words(input).take(MAX_TERMS).collect()
}

/// Every distinct word of the public collection, sorted, so that all the words starting
/// with a prefix form one range of ids.
#[derive(Debug, Default)]
pub struct Vocabulary {
    words: Vec<Box<str>>,
}

impl Vocabulary {
    /// The vocabulary of documents given as (title, body), and each document with its words
    /// by their ids. Each word is numbered as first met (one hash lookup an occurrence), then
    /// only the distinct words are sorted and renumbered: sorting every occurrence, as this
    /// once did, took seconds for 100 000 objects.
    fn index<T: AsRef<str>>(texts: &[(T, T)]) -> (Self, Vec<SearchDoc>) {
        let mut met: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        let mut number = |text: &str| -> Vec<u32> {
            words(text)
                .map(|word| {
                    let next = met.len() as u32;
                    *met.entry(word).or_insert(next)
                })
                .collect()
        };
        let numbered: Vec<(Vec<u32>, Vec<u32>)> =
            texts.iter().map(|(title, body)| (number(title.as_ref()), number(body.as_ref()))).collect();
        let mut words: Vec<(String, u32)> = met.into_iter().collect();
        words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut id_of = vec![0u32; words.len()];
        for (id, (_, met_as)) in words.iter().enumerate() {
            id_of[*met_as as usize] = id as u32;
        }
        let renumbered = |ids: Vec<u32>| ids.into_iter().map(|id| id_of[id as usize]).collect();
        let docs =
            numbered.into_iter().map(|(title, body)| SearchDoc::of(renumbered(title), renumbered(body))).collect();
        (Self { words: words.into_iter().map(|(word, _)| word.into_boxed_str()).collect() }, docs)
    }

    /// How many distinct words there are.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The ids of the words starting with `prefix`.
    pub fn prefix_range(&self, prefix: &str) -> std::ops::Range<u32> {
        let start = self.words.partition_point(|w| &**w < prefix);
        let end = self.words.partition_point(|w| &**w < prefix || w.starts_with(prefix));
        start as u32..end as u32
    }

    /// Every range [`prefix_range`](Self::prefix_range) gives for some prefix whose words
    /// weigh at least `min` by `weight` (a word's postings), each once. The words sharing a
    /// prefix of `n + 1` characters split the range of those sharing its first `n`, so only
    /// the heavy ranges are split further: the work follows the heavy prefixes, not the
    /// vocabulary's size times its longest word.
    fn heavy_ranges(&self, min: usize, weight: impl Fn(usize) -> usize) -> Vec<std::ops::Range<u32>> {
        let mut sums = Vec::with_capacity(self.words.len() + 1);
        sums.push(0);
        for id in 0..self.words.len() {
            sums.push(sums[id] + weight(id));
        }
        let mut heavy = Vec::new();
        // Ranges whose words share their first `chars` characters (the root: none).
        let mut split = vec![(0..self.words.len(), 0usize)];
        while let Some((range, chars)) = split.pop() {
            let mut start = range.start;
            while start < range.end {
                let word = &self.words[start];
                // A word of exactly `chars` characters is the prefix itself: in no longer range.
                let Some((at, c)) = word.char_indices().nth(chars) else {
                    start += 1;
                    continue;
                };
                let prefix = &word[..at + c.len_utf8()];
                let end = start + self.words[start..range.end].partition_point(|w| w.starts_with(prefix));
                if sums[end] - sums[start] >= min {
                    if (start..end) != range || chars == 0 {
                        heavy.push(start as u32..end as u32);
                    }
                    split.push((start..end, chars + 1));
                }
                start = end;
            }
        }
        heavy
    }
}

/// The indexed words of one object, for ranking: each field's word ids, sorted, with counts.
#[derive(Debug, Default, Clone)]
pub struct SearchDoc {
    title: Vec<(u32, u32)>,
    body: Vec<(u32, u32)>,
    len: u32,
}

/// A field's word ids, sorted and counted, and how many words it has.
fn counted(mut ids: Vec<u32>) -> (Vec<(u32, u32)>, u32) {
    let len = ids.len() as u32;
    ids.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for id in ids {
        match out.last_mut() {
            Some((last, n)) if *last == id => *n += 1,
            _ => out.push((id, 1)),
        }
    }
    (out, len)
}

/// Occurrences of the words with ids in `range` in a sorted, counted list.
fn range_count(words: &[(u32, u32)], range: &std::ops::Range<u32>) -> u32 {
    let start = words.partition_point(|(id, _)| *id < range.start);
    words[start..].iter().take_while(|(id, _)| *id < range.end).map(|(_, n)| n).sum()
}

/// Weights of the title and the body, as in the FTS5 ranking this replaces: a term's
/// frequency in a document is `5 × (in the title) + (in the body)`, a whole number.
const TITLE_WEIGHT: u32 = 5;
const BODY_WEIGHT: u32 = 1;
/// BM25 parameters (FTS5's values).
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// One term's share of a document's BM25 score, from its weighted frequency `f` and the
/// document's length normalisation (see [`SearchDoc::norm`]).
fn saturated(f: u32, norm: f64) -> f64 {
    let f = f64::from(f);
    f * (K1 + 1.0) / (f + K1 * norm)
}

impl SearchDoc {
    /// The document whose title and body have these words (ids, in the text's order).
    fn of(title: Vec<u32>, body: Vec<u32>) -> Self {
        let (title, title_len) = counted(title);
        let (body, body_len) = counted(body);
        Self { title, body, len: title_len + body_len }
    }

    /// The weighted frequency of the words with ids in `range` (one query term).
    fn frequency(&self, range: &std::ops::Range<u32>) -> u32 {
        TITLE_WEIGHT * range_count(&self.title, range) + BODY_WEIGHT * range_count(&self.body, range)
    }

    /// BM25's length normalisation (b) of this document, given the average length of all.
    fn norm(&self, average_len: f64) -> f64 {
        1.0 - B + B * f64::from(self.len) / average_len.max(1.0)
    }

    /// A BM25 score of this document for query terms given as vocabulary ranges (one per
    /// prefix), with the average length of all documents: term frequency saturation (k1) and
    /// length normalisation (b) as in BM25, titles weighted 5:1. Every document scored matches
    /// every term; the terms' inverse document frequencies are left out, so in a query of
    /// several words a rare word and a common one weigh the same.
    pub fn score(&self, terms: &[std::ops::Range<u32>], average_len: f64) -> f64 {
        let norm = self.norm(average_len);
        terms.iter().map(|range| saturated(self.frequency(range), norm)).sum()
    }

    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// One object holding one word, with the word's weighted frequency in it.
#[derive(Debug, Clone, Copy)]
struct Posting {
    doc: u32,
    frequency: u32,
}

/// The in-memory search index of the public collection: every object's words, and for each
/// word of the vocabulary the objects holding it. Built with the public snapshot.
#[derive(Debug, Default)]
pub struct SearchIndex {
    vocabulary: Vocabulary,
    docs: Vec<SearchDoc>,
    /// Each document's length normalisation, parallel to `docs`.
    norms: Vec<f64>,
    /// For each word id, the documents (ascending) holding it.
    postings: Vec<Vec<Posting>>,
}

/// A search hit: an object's index in the collection and its score.
pub type Hit = (f64, usize);

/// Best first, and among equal scores the collection's order (newest first).
pub fn best_first(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// Puts the best `n` of `hits` first, in order ([`best_first`]); the rest stay unordered.
pub fn order_best(hits: &mut [Hit], n: usize) {
    let n = n.min(hits.len());
    if n > 0 && n < hits.len() {
        hits.select_nth_unstable_by(n - 1, best_first);
    }
    hits[..n].sort_unstable_by(best_first);
}

impl SearchIndex {
    /// Indexes documents given as (title, body), in the collection's order.
    pub fn new(texts: &[(String, String)]) -> Self {
        let (vocabulary, docs) = Vocabulary::index(texts);
        let average_len = docs.iter().map(|d| f64::from(d.len())).sum::<f64>() / docs.len().max(1) as f64;
        let norms = docs.iter().map(|d| d.norm(average_len)).collect();
        let mut postings: Vec<Vec<Posting>> = vec![Vec::new(); vocabulary.len()];
        for (index, doc) in docs.iter().enumerate() {
            for (word, n) in &doc.title {
                postings[*word as usize].push(Posting { doc: index as u32, frequency: TITLE_WEIGHT * n });
            }
            for (word, n) in &doc.body {
                let list = &mut postings[*word as usize];
                match list.last_mut() {
                    Some(last) if last.doc == index as u32 => last.frequency += BODY_WEIGHT * n,
                    _ => list.push(Posting { doc: index as u32, frequency: BODY_WEIGHT * n }),
                }
            }
        }
        Self { vocabulary, docs, norms, postings }
    }

    /// How many postings the words in `range` have together.
    fn postings_in(&self, range: &std::ops::Range<u32>) -> usize {
        self.postings[range.start as usize..range.end as usize].iter().map(Vec::len).sum()
    }

    fn each_posting(&self, range: &std::ops::Range<u32>) -> impl Iterator<Item = &Posting> {
        self.postings[range.start as usize..range.end as usize].iter().flatten()
    }

    /// The objects (indexes into the collection) whose public text holds every term as a
    /// prefix of a word, each with its score ([`SearchDoc::score`]), in no particular order;
    /// sort with [`best_first`].
    ///
    /// The candidates are the objects holding the term with the fewest postings; every other
    /// term is then counted from its own postings when they are few compared with the
    /// candidates (up to 16 a candidate: walking a posting costs about a twentieth of looking
    /// a term up in a candidate's words), or looked up in each candidate's words when they are
    /// many. Either way the
    /// work grows with the rarest term's matches, never with the collection.
    pub fn search(&self, terms: &[String]) -> Vec<Hit> {
        let ranges: Vec<_> = terms.iter().map(|t| self.vocabulary.prefix_range(t)).collect();
        self.search_ranges(&ranges)
    }

    /// The vocabulary's range of the words a term matches as a prefix.
    pub fn term_range(&self, term: &str) -> std::ops::Range<u32> {
        self.vocabulary.prefix_range(term)
    }

    /// Every range a one-term search can give ([`term_range`](Self::term_range)) that holds
    /// at least `min` postings: the broad terms, whose searches visit that many.
    pub fn broad_ranges(&self, min: usize) -> Vec<std::ops::Range<u32>> {
        self.vocabulary.heavy_ranges(min, |id| self.postings[id].len())
    }

    /// [`search`](Self::search) for terms given as vocabulary ranges.
    pub fn search_ranges(&self, ranges: &[std::ops::Range<u32>]) -> Vec<Hit> {
        let sizes: Vec<usize> = ranges.iter().map(|r| self.postings_in(r)).collect();
        let Some(rarest) = (0..ranges.len()).min_by_key(|&t| sizes[t]) else { return Vec::new() };
        let width = ranges.len();
        // Per candidate, its weighted frequency of each term, row by row.
        // At most one row per posting of the rarest term: room for all, so nothing is moved.
        let mut docs: Vec<u32> = Vec::with_capacity(sizes[rarest]);
        let mut frequencies: Vec<u32> = Vec::with_capacity(sizes[rarest] * width);
        // The row of each document in `docs`, plus one (0: not a candidate). A zeroed array as
        // long as the collection, kept by the thread between searches (a fresh one would be
        // fresh pages for every search), handed back zeroed again; a search that panics takes
        // it with it and the next one starts a new one.
        thread_local! {
            static ROWS: std::cell::Cell<Vec<u32>> = const { std::cell::Cell::new(Vec::new()) };
        }
        let mut row_of = ROWS.take();
        row_of.resize(self.docs.len(), 0);
        for posting in self.each_posting(&ranges[rarest]) {
            let row = &mut row_of[posting.doc as usize];
            if *row == 0 {
                docs.push(posting.doc);
                frequencies.resize(frequencies.len() + width, 0);
                *row = docs.len() as u32;
            }
            frequencies[(*row as usize - 1) * width + rarest] += posting.frequency;
        }
        for (term, range) in ranges.iter().enumerate().filter(|(t, _)| *t != rarest) {
            if sizes[term] <= 16 * docs.len() {
                for posting in self.each_posting(range) {
                    if let Some(row) = row_of[posting.doc as usize].checked_sub(1) {
                        frequencies[row as usize * width + term] += posting.frequency;
                    }
                }
            } else {
                for (row, doc) in docs.iter().enumerate() {
                    frequencies[row * width + term] = self.docs[*doc as usize].frequency(range);
                }
            }
        }
        for doc in &docs {
            row_of[*doc as usize] = 0;
        }
        ROWS.set(row_of);
        docs.iter()
            .zip(frequencies.chunks_exact(width))
            .filter(|(_, f)| f.iter().all(|f| *f > 0))
            .map(|(doc, f)| {
                let norm = self.norms[*doc as usize];
                // Summed in the query's order, as SearchDoc::score sums.
                (f.iter().map(|f| saturated(*f, norm)).sum(), *doc as usize)
            })
            .collect()
    }
}

#[derive(sqlx::FromRow)]
struct IndexRow {
    state: String,
    title: String,
    body: String,
}

/// Brings the index entry of one object up to date with its public projection: indexed
/// when published, removed otherwise.
pub async fn index_object(conn: &mut SqliteConnection, object_id: i64) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM public_search WHERE rowid = ?").bind(object_id).execute(&mut *conn).await?;
    // The public text of an object: the same fields the public object page shows.
    let row: Option<IndexRow> = sqlx::query_as(concat!(
        "SELECT o.state, ",
        lang3!(joined "o.title"),
        " AS title, ",
        lang3!(joined "o.description"),
        " || ' ' || ",
        lang3!(joined "o.materials"),
        " || ' ' || CASE WHEN o.inscription_public = 1 THEN ",
        lang3!(joined "o.inscription"),
        " ELSE '' END || ' ' ||
            COALESCE((SELECT group_concat(",
        lang3!(joined "m.name"),
        ", ' ')
                      FROM object_makers om JOIN makers m ON m.id = om.maker_id
                      WHERE om.object_id = o.id AND m.kind != 'anonymous'), '') || ' ' ||
            COALESCE((SELECT group_concat(",
        lang3!(joined "e.name"),
        ", ' ')
                      FROM object_events oe JOIN events e ON e.id = oe.event_id WHERE oe.object_id = o.id), '')
            AS body
         FROM objects o WHERE o.id = ?"
    ))
    .bind(object_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = row.filter(|r| r.state == "published") {
        sqlx::query("INSERT INTO public_search (rowid, title, body) VALUES (?, ?, ?)")
            .bind(object_id)
            .bind(normalise(&row.title))
            .bind(normalise(&row.body))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Rebuilds the whole index, e.g. after a maker was renamed.
pub async fn reindex_all(pool: &SqlitePool) -> anyhow::Result<()> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM objects").fetch_all(&mut *tx).await?;
    for id in ids {
        index_object(&mut tx, id).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_normalised_into_terms() {
        assert_eq!(query_terms("Ёлка сям'я"), ["елка", "сямя"]);
        assert_eq!(query_terms("a\" OR 1=1 -- NEAR("), ["a", "or", "1", "1", "near"]);
        assert!(query_terms("  ** \"\" ").is_empty());
        assert_eq!(query_terms("Łacinka Ўладзь"), ["lacinka", "уладзь"]);
        assert_eq!(query_terms(&"слова ".repeat(40)).len(), MAX_TERMS);
    }

    #[test]
    fn words_are_numbered_in_sorted_order_and_counted_per_field() {
        let texts = [
            ("Стужка № 81", "Стужка з таго ж сцяга. Сям'я, ёлка; ЁЛКА!"),
            ("Badge “We are together”", "A badge with a slogan: we, we, WE."),
            ("", ""),
            ("Ёлка 81", "стужка"),
        ];
        let (vocabulary, docs) = Vocabulary::index(&texts);
        // The vocabulary: every distinct word, sorted.
        let mut all: Vec<String> = texts.iter().flat_map(|(t, b)| words(t).chain(words(b))).collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(vocabulary.words.iter().map(|w| w.to_string()).collect::<Vec<_>>(), all);
        // Each field: its words' ids in that order, each with its count; the length counts all.
        let id = |word: &str| vocabulary.words.iter().position(|w| &**w == word).unwrap() as u32;
        let field = |text: &str| {
            let mut counts = std::collections::BTreeMap::new();
            for word in words(text) {
                *counts.entry(id(&word)).or_insert(0) += 1;
            }
            counts.into_iter().collect::<Vec<(u32, u32)>>()
        };
        for ((title, body), doc) in texts.iter().zip(&docs) {
            assert_eq!(doc.title, field(title), "{title}");
            assert_eq!(doc.body, field(body), "{body}");
            assert_eq!(doc.len as usize, words(title).count() + words(body).count());
        }
        assert_eq!(docs[0].title, [(id("81"), 1), (id("стужка"), 1)]);
        assert_eq!(docs[0].body.iter().find(|(w, _)| *w == id("елка")), Some(&(id("елка"), 2)));
    }

    #[test]
    fn heavy_ranges_are_the_ranges_of_heavy_prefixes_each_once() {
        let text = "марш марша маршрут мара мы маршы м a ab abc abd b ba bb 1 10 100 101 11 2 20 ёж";
        let (vocabulary, _) = Vocabulary::index(&[(text, "")]);
        // A word's weight: its length in characters, so that short and long prefixes differ.
        let weight = |id: usize| vocabulary.words[id].chars().count();
        for min in [1, 3, 5, 8, 12, 100] {
            let mut heavy = vocabulary.heavy_ranges(min, weight);
            heavy.sort_by_key(|r| (r.start, r.end));
            // Every prefix of every word, as a one-term search would look it up.
            let mut expected: Vec<_> = vocabulary
                .words
                .iter()
                .flat_map(|w| w.char_indices().map(|(at, c)| w[..at + c.len_utf8()].to_owned()).collect::<Vec<_>>())
                .map(|prefix| vocabulary.prefix_range(&prefix))
                .filter(|r| (r.start..r.end).map(|id| weight(id as usize)).sum::<usize>() >= min)
                .collect();
            expected.sort_by_key(|r| (r.start, r.end));
            expected.dedup();
            assert_eq!(heavy, expected, "min {min}");
        }
    }

    #[test]
    fn ranking_prefers_title_matches_and_short_documents() {
        let texts = [
            ("Бел-чырвона-белы сцяг", "Пашыты з прасцін."),
            ("Стужка", "Стужка з таго ж сцяга, што неслі на маршы."),
            ("Сцяг", "слова ".repeat(200).leak() as &str),
            ("Ёлка", ""),
        ];
        let (vocabulary, docs) = Vocabulary::index(&texts);
        let terms: Vec<_> = query_terms("СЦЯГ").iter().map(|t| vocabulary.prefix_range(t)).collect();
        let average = 10.0;
        let score = |i: usize| docs[i].score(&terms, average);
        assert!(score(0) > score(1), "a title match outranks a body match");
        assert!(score(0) > score(2), "a short document outranks a long one");
        assert_eq!(score(3), 0.0);
        let yo: Vec<_> = query_terms("елк").iter().map(|t| vocabulary.prefix_range(t)).collect();
        assert!(docs[3].score(&yo, average) > 0.0, "ё is folded to е");
    }
}
