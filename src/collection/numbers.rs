//! Entry and accession numbers. Both registers are allocated inside the transaction that
//! uses the number, from a counter that only goes up: a number is never reused, even when
//! the object that had it is deleted.

use sqlx::SqliteConnection;

/// Pattern of entry numbers: every arrival gets one, whether or not it is accessioned.
pub const ENTRY_PATTERN: &str = "E-{year}-{seq:04}";

/// Checks an accession pattern: it must contain `{seq}` or `{seq:0N}` and only known fields.
pub fn validate_pattern(pattern: &str) -> Result<(), String> {
    format_number(pattern, 2000, 1)?;
    if !pattern.contains("{seq") {
        return Err(format!("accession pattern {pattern:?} has no {{seq}}, so numbers would repeat"));
    }
    Ok(())
}

/// Fills `{year}`, `{seq}` and `{seq:0N}` in `pattern`.
pub fn format_number(pattern: &str, year: i32, seq: i64) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').ok_or_else(|| format!("unclosed {{ in pattern {pattern:?}"))?;
        let field = &rest[start + 1..start + end];
        match field {
            "year" => out.push_str(&year.to_string()),
            "seq" => out.push_str(&seq.to_string()),
            _ => {
                let width = field
                    .strip_prefix("seq:0")
                    .and_then(|w| w.parse::<usize>().ok())
                    .filter(|w| (1..=12).contains(w))
                    .ok_or_else(|| format!("unknown field {{{field}}} in pattern {pattern:?}"))?;
                out.push_str(&format!("{seq:0width$}"));
            }
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Takes the next number of `register` in `scope` (a year, or `all` for a pattern that does
/// not restart every year), inside the caller's transaction.
async fn next_seq(conn: &mut SqliteConnection, register: &str, scope: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO number_counters (register, scope, last_seq) VALUES (?, ?, 1)
         ON CONFLICT (register, scope) DO UPDATE SET last_seq = last_seq + 1
         RETURNING last_seq",
    )
    .bind(register)
    .bind(scope)
    .fetch_one(conn)
    .await
}

/// Allocates the next entry number for `year`.
pub async fn next_entry_number(conn: &mut SqliteConnection, year: i32) -> anyhow::Result<String> {
    let seq = next_seq(conn, "entry", &year.to_string()).await?;
    format_number(ENTRY_PATTERN, year, seq).map_err(anyhow::Error::msg)
}

/// Allocates the next accession number for `year` following `pattern`.
pub async fn next_accession_number(conn: &mut SqliteConnection, pattern: &str, year: i32) -> anyhow::Result<String> {
    // Without {year} in the pattern the sequence must not restart each January, or numbers
    // would repeat.
    let scope = if pattern.contains("{year}") { year.to_string() } else { "all".to_owned() };
    let seq = next_seq(conn, "accession", &scope).await?;
    format_number(pattern, year, seq).map_err(anyhow::Error::msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_fill_year_and_padded_sequence() {
        assert_eq!(format_number("MFB-{year}-{seq:04}", 2023, 7).unwrap(), "MFB-2023-0007");
        assert_eq!(format_number("{seq}", 2023, 12345).unwrap(), "12345");
        assert!(format_number("MFB-{yaer}", 2023, 1).is_err());
        assert!(validate_pattern("MFB-{year}").is_err());
        assert!(validate_pattern("MFB-{year}-{seq:05}").is_ok());
    }

    #[tokio::test]
    async fn numbers_never_repeat_even_without_a_year_in_the_pattern() {
        use sqlx::Connection;
        let mut conn = SqliteConnection::connect("sqlite::memory:").await.unwrap();
        crate::db::MAIN_MIGRATIONS.run(&mut conn).await.unwrap();
        let a = next_accession_number(&mut conn, "MFB-{seq:05}", 2024).await.unwrap();
        let b = next_accession_number(&mut conn, "MFB-{seq:05}", 2025).await.unwrap();
        assert_eq!((a.as_str(), b.as_str()), ("MFB-00001", "MFB-00002"));
        let c = next_accession_number(&mut conn, "MFB-{year}-{seq:04}", 2025).await.unwrap();
        let d = next_accession_number(&mut conn, "MFB-{year}-{seq:04}", 2026).await.unwrap();
        assert_eq!((c.as_str(), d.as_str()), ("MFB-2025-0001", "MFB-2026-0001"));
    }
}
