//! Full-text search over the public projection, in all three languages (SQLite FTS5).
//!
//! Only public fields of published objects are indexed, so a search can never reveal an
//! object by what it keeps private. FTS5's `unicode61` tokenizer folds Cyrillic case but
//! not ё/е, and splits words at apostrophes (Belarusian `сям'я`), so both the indexed text
//! and the query go through [`normalise`].

use sqlx::{SqliteConnection, SqlitePool};

/// Folds ё to е and drops apostrophes inside words; case is folded by the tokenizer.
pub fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\'' | '’' | 'ʼ' | '`' | 'ʻ'))
        .map(|c| match c {
            'ё' => 'е',
            'Ё' => 'Е',
            other => other,
        })
        .collect()
}

/// Turns what a visitor typed into an FTS5 query: every word must match, each as a prefix.
/// Words are reduced to letters and digits and quoted, so no FTS5 syntax can get through.
/// Returns `None` when nothing searchable is left.
pub fn to_match_query(input: &str) -> Option<String> {
    let normalised = normalise(input);
    let terms: Vec<String> = normalised
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Most results a search returns; the listing pages through them.
const MAX_RESULTS: i64 = 5000;

/// Ids of published objects matching `input`, best match first (bm25, titles weigh more).
pub async fn search_ids(pool: &SqlitePool, input: &str) -> sqlx::Result<Vec<i64>> {
    let Some(query) = to_match_query(input) else { return Ok(Vec::new()) };
    sqlx::query_scalar(
        "SELECT rowid FROM public_search WHERE public_search MATCH ? ORDER BY bm25(public_search, 5.0, 1.0) LIMIT ?",
    )
    .bind(query)
    .bind(MAX_RESULTS)
    .fetch_all(pool)
    .await
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
    let row: Option<IndexRow> = sqlx::query_as(
        "SELECT o.state,
            o.title_be || ' ' || o.title_en || ' ' || o.title_ru AS title,
            o.description_be || ' ' || o.description_en || ' ' || o.description_ru || ' ' ||
            o.materials_be || ' ' || o.materials_en || ' ' || o.materials_ru || ' ' ||
            CASE WHEN o.inscription_public = 1
                 THEN o.inscription_be || ' ' || o.inscription_en || ' ' || o.inscription_ru ELSE '' END || ' ' ||
            COALESCE((SELECT group_concat(m.name_be || ' ' || m.name_en || ' ' || m.name_ru, ' ')
                      FROM object_makers om JOIN makers m ON m.id = om.maker_id WHERE om.object_id = o.id), '') || ' ' ||
            COALESCE((SELECT group_concat(e.name_be || ' ' || e.name_en || ' ' || e.name_ru, ' ')
                      FROM object_events oe JOIN events e ON e.id = oe.event_id WHERE oe.object_id = o.id), '')
            AS body
         FROM objects o WHERE o.id = ?",
    )
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
    let mut tx = pool.begin().await?;
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
    fn queries_are_normalised_and_quoted() {
        assert_eq!(to_match_query("Ёлка сям'я").as_deref(), Some("\"Елка\"* \"сямя\"*"));
        assert_eq!(to_match_query("a\" OR 1=1 -- NEAR(").as_deref(), Some("\"a\"* \"OR\"* \"1\"* \"1\"* \"NEAR\"*"));
        assert_eq!(to_match_query("  ** \"\" "), None);
    }
}
