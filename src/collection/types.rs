//! Value types of the collection: controlled vocabularies and multilingual text.

use serde::Serialize;

use crate::i18n::Lang;

/// Declares a controlled vocabulary stored as TEXT: its variants, their stored names, and
/// the locale key prefix under which each variant's label lives (`{prefix}-{name}`).
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $prefix:literal { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, sqlx::Type)]
        #[serde(rename_all = "snake_case")]
        #[sqlx(type_name = "TEXT", rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in the order forms and facets list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and URL form.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the stored and URL form.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }

            /// Key of the translated label.
            pub fn label_key(self) -> String {
                format!("{}-{}", $prefix, self.as_str())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use vocabulary;

/// One of the object types (the `object_types` authority): its code, which web addresses and
/// open data carry, and its name in each language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectType {
    pub id: i64,
    pub code: String,
    pub name: Text3,
}

impl ObjectType {
    /// The code every installation starts with; offers that name no type get it.
    pub const OTHER: &'static str = "other";

    /// Puts types in the order forms offer them: by name in `lang`, "other" last.
    pub fn sort_for_forms<T: std::borrow::Borrow<ObjectType>>(types: &mut [T], lang: Lang) {
        types.sort_by(|a, b| {
            let (a, b) = (a.borrow(), b.borrow());
            (a.code == Self::OTHER)
                .cmp(&(b.code == Self::OTHER))
                .then_with(|| crate::i18n::collate(lang, a.name.get(lang), b.name.get(lang)))
        });
    }

    /// Whether `text` can be a type's code: 1–40 lower-case letters, digits and hyphens.
    pub fn is_code(text: &str) -> bool {
        (1..=40).contains(&text.len())
            && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }
}

vocabulary!(
    /// How the museum came to hold an object.
    AcquisitionMethod, "acquisition" {
        Gift = "gift", Purchase = "purchase", Deposit = "deposit", Transfer = "transfer", Found = "found",
    }
);

vocabulary!(
    /// Whether the public may see an object.
    PubState, "state" { Draft = "draft", Published = "published", Withdrawn = "withdrawn" }
);

vocabulary!(
    /// How certain a date is.
    DateQualifier, "date" {
        Unknown = "unknown", Exact = "exact", Circa = "circa", Before = "before", After = "after",
        Between = "between",
    }
);

vocabulary!(
    /// Who or what a maker is.
    MakerKind, "maker-kind" {
        Person = "person", Collective = "collective", Anonymous = "anonymous", Pseudonym = "pseudonym",
    }
);

vocabulary!(
    /// What kind of happening an event is.
    EventKind, "event-kind" { Protest = "protest", March = "march", Auction = "auction", Exhibition = "exhibition" }
);

vocabulary!(
    /// A link in an object's provenance chain.
    ProvenanceKind, "provenance" {
        Made = "made", Exhibited = "exhibited", Auctioned = "auctioned", Bought = "bought", Given = "given",
        Deposited = "deposited", Moved = "moved", Returned = "returned",
    }
);

vocabulary!(
    /// How a donor asked to be credited.
    CreditChoice, "credit" { Anonymous = "anonymous", Pseudonym = "pseudonym", Name = "name" }
);

vocabulary!(
    /// The part a party played in a provenance event.
    PartyRole, "party-role" {
        Maker = "maker", Seller = "seller", Buyer = "buyer", Giver = "giver", Receiver = "receiver",
        Depositor = "depositor", Organiser = "organiser", Owner = "owner",
    }
);

vocabulary!(
    /// What the editor asks of an entry in an ordered list (provenance links).
    ListAction, "list-action" { Up = "up", Down = "down", Remove = "remove" }
);

vocabulary!(
    /// How an object leaves the museum.
    ExitKind, "exit" { Return = "return", LoanOut = "loan_out", Disposal = "disposal" }
);

vocabulary!(
    /// Who owns an object: a deposit leaves ownership with the depositor.
    Owner, "owner" { Museum = "museum", Depositor = "depositor", Unknown = "unknown" }
);

/// A value in the three languages. Empty strings mean "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Text3 {
    pub be: String,
    pub en: String,
    pub ru: String,
}

impl Text3 {
    pub fn new(be: impl Into<String>, en: impl Into<String>, ru: impl Into<String>) -> Self {
        Self { be: be.into(), en: en.into(), ru: ru.into() }
    }

    /// The same text in every language (names that are not translated).
    pub fn same(text: impl Into<String>) -> Self {
        let text = text.into();
        Self { be: text.clone(), en: text.clone(), ru: text }
    }

    /// Text written in one language only.
    pub fn one(lang: Lang, text: impl Into<String>) -> Self {
        let mut value = Self::default();
        *value.slot(lang) = text.into();
        value
    }

    /// The value in `lang`, for writing.
    pub fn slot(&mut self, lang: Lang) -> &mut String {
        match lang {
            Lang::Be => &mut self.be,
            Lang::En => &mut self.en,
            Lang::Ru => &mut self.ru,
        }
    }

    pub fn in_lang(&self, lang: Lang) -> &str {
        match lang {
            Lang::Be => &self.be,
            Lang::En => &self.en,
            Lang::Ru => &self.ru,
        }
    }

    /// The value in `lang`, or in the first fallback language that has one.
    pub fn get(&self, lang: Lang) -> &str {
        lang.fallbacks().into_iter().map(|l| self.in_lang(l).trim()).find(|s| !s.is_empty()).unwrap_or("")
    }

    /// Which language [`Text3::get`] answers in, so pages can mark text in another language.
    pub fn lang_of(&self, lang: Lang) -> Lang {
        lang.fallbacks().into_iter().find(|l| !self.in_lang(*l).trim().is_empty()).unwrap_or(lang)
    }

    pub fn is_empty(&self) -> bool {
        self.be.trim().is_empty() && self.en.trim().is_empty() && self.ru.trim().is_empty()
    }

    /// The value of the three form fields `{name}_be`, `{name}_en` and `{name}_ru`, each read
    /// by `get`.
    pub fn from_fields<'a>(name: &str, get: impl Fn(&str) -> &'a str) -> Self {
        Self::new(get(&format!("{name}_be")), get(&format!("{name}_en")), get(&format!("{name}_ru")))
    }

    /// The three values under the field names `names` (see `lang3!(names …)`), in that order.
    pub fn named(&self, names: [&'static str; 3]) -> [(&'static str, String); 3] {
        let [be, en, ru] = names;
        [(be, self.be.clone()), (en, self.en.clone()), (ru, self.ru.clone())]
    }

    /// All three values joined, for the search index.
    pub fn joined(&self) -> String {
        [self.be.as_str(), self.en.as_str(), self.ru.as_str()].join(" ")
    }
}

/// The three language columns of a multilingual column, spelled once for SQL. Each form is a
/// string literal, so it can sit inside `concat!` and queries stay `&'static str`:
///
/// - `lang3!("o.title")`: `o.title_be, o.title_en, o.title_ru` (an insert's column list);
/// - `lang3!(set "title")`: `title_be = ?, title_en = ?, title_ru = ?` (an update);
/// - `lang3!(text "o.title" as "title")`: the three as one column `title` that decodes into a
///   [`Text3`] (NULL when the first is NULL, as for a missing LEFT JOIN, so `Option<Text3>`);
/// - `lang3!(joined "o.title")`: the three joined by spaces (the search index);
/// - `lang3!(first "o.title")`: the first that is not empty;
/// - `lang3!(names "title")`: `["title_be", "title_en", "title_ru"]` (form and audit field names).
///
/// [`BindText3::bind3`] binds a [`Text3`] in the same order.
macro_rules! lang3 {
    ($c:literal) => {
        concat!($c, "_be, ", $c, "_en, ", $c, "_ru")
    };
    (set $c:literal) => {
        concat!($c, "_be = ?, ", $c, "_en = ?, ", $c, "_ru = ?")
    };
    (text $c:literal as $alias:literal) => {
        concat!(
            "CASE WHEN ",
            $c,
            "_be IS NULL THEN NULL ELSE json_array(",
            $crate::collection::types::lang3!($c),
            ") END AS ",
            $alias
        )
    };
    (joined $c:literal) => {
        concat!($c, "_be || ' ' || ", $c, "_en || ' ' || ", $c, "_ru")
    };
    (first $c:literal) => {
        concat!("COALESCE(NULLIF(", $c, "_be, ''), NULLIF(", $c, "_en, ''), ", $c, "_ru)")
    };
    (names $c:literal) => {
        [concat!($c, "_be"), concat!($c, "_en"), concat!($c, "_ru")]
    };
}
pub(crate) use lang3;

/// A [`Text3`] read from a column made by `lang3!(text …)`: a JSON array of the three values
/// (SQLite's `json_array`), so row structs hold `Text3` fields and keep `derive(FromRow)`.
impl sqlx::Type<sqlx::Sqlite> for Text3 {
    fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
        <String as sqlx::Type<sqlx::Sqlite>>::type_info()
    }

    fn compatible(ty: &sqlx::sqlite::SqliteTypeInfo) -> bool {
        <String as sqlx::Type<sqlx::Sqlite>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Sqlite> for Text3 {
    fn decode(value: sqlx::sqlite::SqliteValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let json = <&str as sqlx::Decode<sqlx::Sqlite>>::decode(value)?;
        // A LEFT JOIN's later columns may be NULL where the first is not: read them as empty.
        let (be, en, ru): (String, Option<String>, Option<String>) = serde_json::from_str(json)?;
        Ok(Self::new(be, en.unwrap_or_default(), ru.unwrap_or_default()))
    }
}

/// Binds a [`Text3`] as three parameters, in the order `lang3!` lists its columns.
pub trait BindText3 {
    /// Binds `text.be`, `text.en` and `text.ru`, in that order.
    fn bind3(self, text: &Text3) -> Self;
}

type SqliteArgs = sqlx::sqlite::SqliteArguments;

impl<'q> BindText3 for sqlx::query::Query<'q, sqlx::Sqlite, SqliteArgs> {
    fn bind3(self, text: &Text3) -> Self {
        self.bind(text.be.clone()).bind(text.en.clone()).bind(text.ru.clone())
    }
}

impl<'q, O> BindText3 for sqlx::query::QueryScalar<'q, sqlx::Sqlite, O, SqliteArgs> {
    fn bind3(self, text: &Text3) -> Self {
        self.bind(text.be.clone()).bind(text.en.clone()).bind(text.ru.clone())
    }
}

/// A date known only roughly: "c. 2021", "2020–2022", "before 2023".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FuzzyDate {
    pub qualifier: DateQualifier,
    pub earliest: Option<i64>,
    pub latest: Option<i64>,
}

impl FuzzyDate {
    pub const UNKNOWN: FuzzyDate = FuzzyDate { qualifier: DateQualifier::Unknown, earliest: None, latest: None };

    pub fn year(year: i64) -> Self {
        Self { qualifier: DateQualifier::Exact, earliest: Some(year), latest: Some(year) }
    }

    pub fn circa(year: i64) -> Self {
        Self { qualifier: DateQualifier::Circa, earliest: Some(year - 1), latest: Some(year + 1) }
    }

    pub fn between(earliest: i64, latest: i64) -> Self {
        Self { qualifier: DateQualifier::Between, earliest: Some(earliest), latest: Some(latest) }
    }

    /// Years this date may fall in, capped so a vague date does not flood the year facet.
    pub fn years(&self) -> Vec<i64> {
        match (self.earliest, self.latest) {
            (Some(a), Some(b)) if b >= a && b - a <= 10 => (a..=b).collect(),
            (Some(a), _) => vec![a],
            (None, Some(b)) => vec![b],
            (None, None) => Vec::new(),
        }
    }

    /// A short human form; the words for "c." and "before" come from the locale.
    pub fn display(&self, words: &dyn Fn(&str) -> String) -> String {
        let (a, b) = (self.earliest, self.latest);
        match (self.qualifier, a, b) {
            (DateQualifier::Unknown, ..) | (_, None, None) => words("date-unknown"),
            (DateQualifier::Exact, Some(y), _) => y.to_string(),
            (DateQualifier::Circa, Some(a), Some(b)) => format!("{} {}", words("date-circa"), (a + b) / 2),
            (DateQualifier::Before, _, Some(y)) => format!("{} {y}", words("date-before")),
            (DateQualifier::After, Some(y), _) => format!("{} {y}", words("date-after")),
            (_, Some(a), Some(b)) if a == b => a.to_string(),
            (_, Some(a), Some(b)) => format!("{a}–{b}"),
            (_, Some(y), None) | (_, None, Some(y)) => y.to_string(),
        }
    }
}

/// A hasher for small integer keys that come from our own database (ids, years), never from
/// visitors: much faster than the default SipHash, which guards against hostile keys that
/// cannot occur here.
#[derive(Debug, Default, Clone, Copy)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }

    fn write_isize(&mut self, n: isize) {
        self.write_u64(n as u64);
    }
}

/// A map keyed by ids, years or vocabulary values (see [`IdHasher`]).
pub type IdMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<IdHasher>>;

/// Reads an optional form value: empty (after trimming) is `None`, anything else must parse.
pub fn optional<T: std::str::FromStr>(text: &str) -> Result<Option<T>, T::Err> {
    match text.trim() {
        "" => Ok(None),
        text => text.parse().map(Some),
    }
}

/// A year of an object's or an event's dates, 1000 to 2200.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Year(pub i64);

impl std::str::FromStr for Year {
    /// The message key of the refusal.
    type Err = &'static str;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.trim().parse::<i64>().ok().filter(|y| (1000..=2200).contains(y)).map(Year).ok_or("edit-error-year")
    }
}

/// A price as typed (`1200`, `1200.50`, `1200,50`, `4 500,00`), in minor units (cents,
/// kopecks). Spaces may group the thousands; a comma or a point before one or two digits
/// marks the cents. Anything else is refused rather than guessed: `12,000` may mean twelve
/// or twelve thousand, and `7.999` has no cents to round to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Price(pub i64);

impl std::str::FromStr for Price {
    type Err = &'static str;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let digits: String = text.trim().chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}')).collect();
        let (whole, cents) = match digits.rfind(['.', ',']) {
            Some(at) => (&digits[..at], &digits[at + 1..]),
            None => (digits.as_str(), ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let valid = (1..=12).contains(&whole.len())
            && all_digits(whole)
            && all_digits(cents)
            && (digits.len() == whole.len() || (1..=2).contains(&cents.len()));
        if !valid {
            return Err("edit-error-price");
        }
        let whole: i64 = whole.parse().map_err(|_| "edit-error-price")?;
        let cents: i64 = match cents.len() {
            0 => 0,
            1 => cents.parse::<i64>().map_err(|_| "edit-error-price")? * 10,
            _ => cents.parse().map_err(|_| "edit-error-price")?,
        };
        Ok(Price(whole * 100 + cents))
    }
}

/// An ISO 4217 currency code, upper case (`EUR`, `BYN`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Currency(String);

impl Currency {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Currency {
    type Err = &'static str;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let code = text.trim().to_uppercase();
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Currency(code))
        } else {
            Err("edit-error-currency")
        }
    }
}

#[cfg(test)]
mod typed_input {
    use super::*;

    #[test]
    fn form_values_parse_into_their_types_or_name_the_message() {
        assert_eq!(optional::<Year>(" 2020 "), Ok(Some(Year(2020))));
        assert_eq!(optional::<Year>(""), Ok(None));
        for bad in ["999", "2201", "20x0", "-2020"] {
            assert_eq!(optional::<Year>(bad), Err("edit-error-year"), "{bad}");
        }
        for (typed, cents) in [
            ("1200,50", 120_050),
            ("1200.5", 120_050),
            ("1200", 120_000),
            ("4 500,00", 450_000),
            ("4\u{a0}500", 450_000),
        ] {
            assert_eq!(typed.parse::<Price>(), Ok(Price(cents)), "{typed}");
        }
        // Refused rather than guessed: 12 or 12 000? cents of a cent? an exponent?
        for bad in
            ["-1", "NaN", "inf", "1e12", "1e3", "twelve", "12,000", "1,250,000", "7.999", "0.005", ",5", "1.", ""]
        {
            assert_eq!(bad.parse::<Price>(), Err("edit-error-price"), "{bad}");
        }
        assert_eq!("byn".parse::<Currency>().map(|c| c.as_str().to_owned()), Ok("BYN".to_owned()));
        for bad in ["EU", "EURO", "E1R", "€"] {
            assert!(bad.parse::<Currency>().is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod three_languages {
    use sqlx::Connection;

    use super::*;

    #[tokio::test]
    async fn text3_goes_in_as_three_columns_and_comes_back_whole_or_as_none() {
        let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:").await.unwrap();
        sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, name_be TEXT NOT NULL, name_en TEXT NOT NULL, name_ru TEXT NOT NULL)")
            .execute(&mut conn)
            .await
            .unwrap();
        let text = Text3::new("Сцяг \"бчб\"", "Flag \\ with [brackets], \u{1f}", "");
        sqlx::query(concat!("INSERT INTO t (id, ", lang3!("name"), ") VALUES (1, ?, ?, ?)"))
            .bind3(&text)
            .execute(&mut conn)
            .await
            .unwrap();
        let read: Vec<(i64, Option<Text3>)> = sqlx::query_as(concat!(
            "SELECT n.id, ",
            lang3!(text "t.name" as "name"),
            " FROM (SELECT 1 AS id UNION SELECT 2) n LEFT JOIN t ON t.id = n.id ORDER BY n.id"
        ))
        .fetch_all(&mut conn)
        .await
        .unwrap();
        assert_eq!(read, vec![(1, Some(text)), (2, None)]);
        assert_eq!(lang3!(names "title"), ["title_be", "title_en", "title_ru"]);
    }
}
