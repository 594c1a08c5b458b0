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
    /// Builds the vocabulary of `texts`.
    pub fn new<'a>(texts: impl Iterator<Item = &'a str>) -> Self {
        let mut words: Vec<Box<str>> = texts.flat_map(words).map(String::into_boxed_str).collect();
        words.sort_unstable();
        words.dedup();
        Self { words }
    }

    fn id(&self, word: &str) -> Option<u32> {
        self.words.binary_search_by(|w| (**w).cmp(word)).ok().map(|i| i as u32)
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
}

/// The indexed words of one object, for ranking: each field's word ids, sorted, with counts.
#[derive(Debug, Default, Clone)]
pub struct SearchDoc {
    title: Vec<(u32, u32)>,
    body: Vec<(u32, u32)>,
    len: u32,
}

fn counted(vocabulary: &Vocabulary, text: &str) -> (Vec<(u32, u32)>, u32) {
    let mut ids: Vec<u32> = words(text).filter_map(|w| vocabulary.id(&w)).collect();
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

/// Weights of the title and the body, as in the FTS5 ranking this replaces.
const TITLE_WEIGHT: f64 = 5.0;
const BODY_WEIGHT: f64 = 1.0;
/// BM25 parameters (FTS5's values).
const K1: f64 = 1.2;
const B: f64 = 0.75;

impl SearchDoc {
    /// Builds the document from the same public text the FTS5 index holds.
    pub fn new(vocabulary: &Vocabulary, title: &str, body: &str) -> Self {
        let (title, title_len) = counted(vocabulary, title);
        let (body, body_len) = counted(vocabulary, body);
        Self { title, body, len: title_len + body_len }
    }

    /// Every word id of the document, title and body (an id may come twice).
    pub fn word_ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.title.iter().chain(&self.body).map(|(id, _)| *id)
    }

    /// Whether every term (a vocabulary range) occurs in this document's public text.
    pub fn matches_all(&self, terms: &[std::ops::Range<u32>]) -> bool {
        terms.iter().all(|range| range_count(&self.title, range) + range_count(&self.body, range) > 0)
    }

    /// A BM25 score of this document for query terms given as vocabulary ranges (one per
    /// prefix), with the average length of all documents: term frequency saturation (k1) and
    /// length normalisation (b) as in BM25, titles weighted 5:1. Every document scored matches
    /// every term; the terms' inverse document frequencies are left out, so in a query of
    /// several words a rare word and a common one weigh the same.
    pub fn score(&self, terms: &[std::ops::Range<u32>], average_len: f64) -> f64 {
        let norm = 1.0 - B + B * f64::from(self.len) / average_len.max(1.0);
        terms
            .iter()
            .map(|range| {
                let f = TITLE_WEIGHT * f64::from(range_count(&self.title, range))
                    + BODY_WEIGHT * f64::from(range_count(&self.body, range));
                f * (K1 + 1.0) / (f + K1 * norm)
            })
            .sum()
    }

    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
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
    fn ranking_prefers_title_matches_and_short_documents() {
        let texts = [
            ("Бел-чырвона-белы сцяг", "Пашыты з прасцін."),
            ("Стужка", "Стужка з таго ж сцяга, што неслі на маршы."),
            ("Сцяг", "слова ".repeat(200).leak() as &str),
            ("Ёлка", ""),
        ];
        let vocabulary = Vocabulary::new(texts.iter().flat_map(|(t, b)| [*t, *b]));
        let docs: Vec<SearchDoc> = texts.iter().map(|(t, b)| SearchDoc::new(&vocabulary, t, b)).collect();
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
