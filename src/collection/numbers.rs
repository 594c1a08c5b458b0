//! Entry and accession numbers. Both registers are allocated inside the transaction that
//! uses the number, from a counter that only goes up: a number is never reused, even when
//! the object that had it is deleted.

use sqlx::SqliteConnection;

/// Pattern of entry numbers of offers: every offer that arrives gets one, whether or not it is
/// accessioned.
pub const ENTRY_PATTERN: &str = "E-{year}-{seq:04}";

/// Pattern of entry numbers of objects recorded by staff directly (handed over in person, or
/// catalogued before zbor): a series of their own. Such an entry is timestamped (its row and
/// its audit entry), and an offer's number between two of one series would date the offer to
/// within minutes; offers' entries keep only their day.
pub const DIRECT_ENTRY_PATTERN: &str = "E-{year}-D{seq:04}";

/// Declares a number of a register: text that only this module makes (or the database gives
/// back, having stored what this module made). Read as `&str` anywhere.
macro_rules! register_number {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, sqlx::Type)]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(String);

        impl $name {
            /// The number as stored and shown.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

register_number!(
    /// An entry number: an offer's (`E-2024-0007`), given on arrival by [`next_entry_number`],
    /// or an object's recorded by staff directly (`E-2024-D0003`), by
    /// [`next_direct_entry_number`].
    EntryNumber
);

register_number!(
    /// A permanent accession number, given on publication by [`next_accession_number`]. Never
    /// parsed from what a visitor types: older numbers follow older patterns, so a page address
    /// is only looked up (and is not found when it names none).
    AccessionNumber
);

/// An accession pattern that makes numbers which never repeat: only known fields, and a
/// `{seq}`. Parsed once, where the pattern comes in (`zbor.toml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessionPattern(String);

impl AccessionPattern {
    /// The pattern, or why it cannot number objects.
    pub fn parse(pattern: &str) -> Result<Self, String> {
        validate_pattern(pattern)?;
        Ok(Self(pattern.to_owned()))
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

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

/// Allocates the next entry number of an offer arriving in `year`.
pub async fn next_entry_number(conn: &mut SqliteConnection, year: i32) -> anyhow::Result<EntryNumber> {
    let seq = next_seq(conn, "entry", &year.to_string()).await?;
    Ok(EntryNumber(format_number(ENTRY_PATTERN, year, seq).map_err(anyhow::Error::msg)?))
}

/// Allocates the next entry number of an object recorded by staff directly in `year` (see
/// [`DIRECT_ENTRY_PATTERN`]).
pub async fn next_direct_entry_number(conn: &mut SqliteConnection, year: i32) -> anyhow::Result<EntryNumber> {
    let seq = next_seq(conn, "entry", &format!("direct-{year}")).await?;
    Ok(EntryNumber(format_number(DIRECT_ENTRY_PATTERN, year, seq).map_err(anyhow::Error::msg)?))
}

/// Allocates the next accession number for `year` following `pattern`.
pub async fn next_accession_number(
    conn: &mut SqliteConnection,
    pattern: &AccessionPattern,
    year: i32,
) -> anyhow::Result<AccessionNumber> {
    let pattern = pattern.as_str();
    // Without {year} in the pattern the sequence must not restart each January, or numbers
    // would repeat.
    let scope = if pattern.contains("{year}") { year.to_string() } else { "all".to_owned() };
    let seq = next_seq(conn, "accession", &scope).await?;
    Ok(AccessionNumber(format_number(pattern, year, seq).map_err(anyhow::Error::msg)?))
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
        let (no_year, yearly) =
            (AccessionPattern::parse("MFB-{seq:05}").unwrap(), AccessionPattern::parse("MFB-{year}-{seq:04}").unwrap());
        let a = next_accession_number(&mut conn, &no_year, 2024).await.unwrap();
        let b = next_accession_number(&mut conn, &no_year, 2025).await.unwrap();
        assert_eq!((a.as_str(), b.as_str()), ("MFB-00001", "MFB-00002"));
        let c = next_accession_number(&mut conn, &yearly, 2025).await.unwrap();
        let d = next_accession_number(&mut conn, &yearly, 2026).await.unwrap();
        assert_eq!((c.as_str(), d.as_str()), ("MFB-2025-0001", "MFB-2026-0001"));
    }
}
