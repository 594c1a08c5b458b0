//! Languages of the interface and of the collection's values: Belarusian, English, Russian.
//!
//! Interface strings are Fluent messages in `locales/`, compiled into the binary. Plural
//! forms come from ICU4X, not from fluent's built-in rules, which get Belarusian wrong
//! (22 must be "few" and 25 "many"); messages select on `PLURAL($n)`.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use icu_collator::CollatorBorrowed;
use icu_locale_core::locale;
use icu_plurals::{PluralCategory, PluralRules};
use serde::Serialize;

/// A language of the museum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Be,
    En,
    Ru,
}

impl Lang {
    /// All languages, in the order the museum lists them.
    pub const ALL: [Lang; 3] = [Lang::Be, Lang::En, Lang::Ru];

    /// The museum's own language, used when a visitor's preference is unknown.
    pub const DEFAULT: Lang = Lang::Be;

    pub fn code(self) -> &'static str {
        match self {
            Lang::Be => "be",
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }

    /// The language's name in itself, as language switches show it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Be => "Беларуская",
            Lang::En => "English",
            Lang::Ru => "Русский",
        }
    }

    /// Parses a language code such as `be`, `ru-RU` or `EN`.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "be" => Some(Lang::Be),
            "en" => Some(Lang::En),
            "ru" => Some(Lang::Ru),
            _ => None,
        }
    }

    /// Picks the best supported language from an `Accept-Language` header value.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (index, item) in header.split(',').enumerate().take(32) {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else { continue };
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality.is_nan() || quality <= 0.0 {
                continue;
            }
            // Highest quality wins; among equals, the one listed first.
            let better = match best {
                None => true,
                Some((q, i, _)) => quality > q || (quality == q && index < i),
            };
            if better {
                best = Some((quality, index, lang));
            }
        }
        best.map(|(_, _, lang)| lang)
    }

    /// An amount in minor units (cents) with its currency code, as this language writes
    /// numbers: `4,500.00 EUR` in English, `4 500,00 EUR` in Belarusian and Russian (a no-break
    /// space between thousands, so the number never breaks over two lines).
    pub fn amount(self, minor: i64, currency: &str) -> String {
        let (group, decimal) = match self {
            Lang::En => (",", "."),
            Lang::Be | Lang::Ru => ("\u{a0}", ","),
        };
        let sign = if minor < 0 { "-" } else { "" };
        let (units, cents) = (minor.unsigned_abs() / 100, minor.unsigned_abs() % 100);
        let digits = units.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 * 2);
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push_str(group);
            }
            grouped.push(digit);
        }
        format!("{sign}{grouped}{decimal}{cents:02}\u{a0}{currency}")
    }

    /// A day (`2020-08-09`) or a month (`2020-08`) as this language writes it: `9 August 2020`,
    /// `9 жніўня 2020`, `August 2020`, `жнівень 2020`. Anything else (a year, a text that is no
    /// date) is given back as it is.
    pub fn day(self, iso: &str) -> String {
        let mut parts = iso.splitn(3, '-');
        let (Some(year), Some(month)) = (parts.next(), parts.next()) else { return iso.to_owned() };
        let day = parts.next();
        let number = |text: &str, len: usize| {
            (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
                .then(|| text.parse::<usize>().ok())
                .flatten()
        };
        let (Some(_), Some(m @ 1..=12)) = (number(year, 4), number(month, 2)) else { return iso.to_owned() };
        let names = MONTHS[Lang::ALL.iter().position(|l| *l == self).unwrap_or(0)];
        match day.map(|d| number(d, 2)) {
            None => format!("{} {year}", names.0[m - 1]),
            Some(Some(d @ 1..=31)) => format!("{d} {} {year}", names.1[m - 1]),
            Some(_) => iso.to_owned(),
        }
    }

    /// The order in which to look for a value missing in this language.
    pub fn fallbacks(self) -> [Lang; 3] {
        match self {
            Lang::Be => [Lang::Be, Lang::En, Lang::Ru],
            Lang::En => [Lang::En, Lang::Be, Lang::Ru],
            Lang::Ru => [Lang::Ru, Lang::Be, Lang::En],
        }
    }
}

/// English names a month the same alone and after a day.
const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The months of each language (in [`Lang::ALL`]'s order): as a month is named alone, and
/// as it is named after a day (the genitive in Belarusian and Russian).
const MONTHS: [([&str; 12], [&str; 12]); 3] = [
    (
        [
            "студзень",
            "люты",
            "сакавік",
            "красавік",
            "травень",
            "чэрвень",
            "ліпень",
            "жнівень",
            "верасень",
            "кастрычнік",
            "лістапад",
            "снежань",
        ],
        [
            "студзеня",
            "лютага",
            "сакавіка",
            "красавіка",
            "траўня",
            "чэрвеня",
            "ліпеня",
            "жніўня",
            "верасня",
            "кастрычніка",
            "лістапада",
            "снежня",
        ],
    ),
    (EN_MONTHS, EN_MONTHS),
    (
        [
            "январь",
            "февраль",
            "март",
            "апрель",
            "май",
            "июнь",
            "июль",
            "август",
            "сентябрь",
            "октябрь",
            "ноябрь",
            "декабрь",
        ],
        [
            "января",
            "февраля",
            "марта",
            "апреля",
            "мая",
            "июня",
            "июля",
            "августа",
            "сентября",
            "октября",
            "ноября",
            "декабря",
        ],
    ),
];

/// Plural category of `n` in `lang`, by CLDR rules (ICU4X compiled data).
pub fn plural_category(lang: Lang, n: u64) -> PluralCategory {
    // The rules are not `Sync`, so each thread keeps its own (they are small and static).
    thread_local! {
        static RULES: [PluralRules; 3] = {
            let make = |prefs| PluralRules::try_new(prefs, Default::default()).expect("compiled plural data");
            [make(locale!("be").into()), make(locale!("en").into()), make(locale!("ru").into())]
        };
    }
    let index = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    RULES.with(|rules| rules[index].category_for(n))
}

fn category_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

/// Compares two names in the order of `lang`'s alphabet (in Belarusian і and ў sit in place,
/// not after я as in byte order).
pub fn collate(lang: Lang, a: &str, b: &str) -> Ordering {
    static COLLATORS: OnceLock<[CollatorBorrowed<'static>; 3]> = OnceLock::new();
    let collators = COLLATORS.get_or_init(|| {
        let make = |prefs| icu_collator::Collator::try_new(prefs, Default::default()).expect("compiled collation data");
        [make(locale!("be").into()), make(locale!("en").into()), make(locale!("ru").into())]
    });
    let index = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    collators[index].compare(a, b)
}

const SOURCES: [(Lang, &str); 3] = [
    (Lang::Be, include_str!("../locales/be.ftl")),
    (Lang::En, include_str!("../locales/en.ftl")),
    (Lang::Ru, include_str!("../locales/ru.ftl")),
];

/// The interface strings of all three languages.
pub struct Translations {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
    /// The messages that take no arguments, formatted once, by language: most of a page's
    /// strings, looked up rather than formatted on every page.
    plain: Vec<(Lang, HashMap<String, Arc<str>>)>,
}

impl std::fmt::Debug for Translations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Translations").finish_non_exhaustive()
    }
}

impl Translations {
    /// Parses the embedded locale files. A broken file is a bug, found by the tests.
    pub fn load() -> anyhow::Result<Self> {
        let mut bundles = Vec::new();
        for (lang, source) in SOURCES {
            let resource = FluentResource::try_new(source.to_owned())
                .map_err(|(_, errors)| anyhow::anyhow!("locale {}: {errors:?}", lang.code()))?;
            let langid: unic_langid::LanguageIdentifier = lang.code().parse()?;
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // Isolation marks would end up inside attributes and page titles.
            bundle.set_use_isolating(false);
            bundle.add_resource(resource).map_err(|errors| anyhow::anyhow!("locale {}: {errors:?}", lang.code()))?;
            bundle
                .add_function("PLURAL", move |args, _named| plural_function(lang, args))
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            bundles.push((lang, bundle));
        }
        let mut translations = Self { bundles, plain: Vec::new() };
        for lang in Lang::ALL {
            let plain = translations
                .message_ids(lang)
                .into_iter()
                .filter_map(|id| {
                    let (_, bundle) = translations.bundles.iter().find(|(l, _)| *l == lang)?;
                    let pattern = bundle.get_message(&id)?.value()?;
                    let mut errors = Vec::new();
                    // A message that needs an argument fails to format without one.
                    let text: Arc<str> = bundle.format_pattern(pattern, None, &mut errors).into();
                    errors.is_empty().then_some((id, text))
                })
                .collect();
            translations.plain.push((lang, plain));
        }
        Ok(translations)
    }

    /// Message `id` of `lang` when it takes no arguments and `lang` has it.
    pub fn plain(&self, lang: Lang, id: &str) -> Option<&Arc<str>> {
        self.plain.iter().find(|(l, _)| *l == lang)?.1.get(id)
    }

    /// Every message id of a language, for the completeness test.
    pub fn message_ids(&self, lang: Lang) -> Vec<String> {
        let source = SOURCES.iter().find(|(l, _)| *l == lang).map(|(_, s)| *s).unwrap_or("");
        source
            .lines()
            .filter_map(|line| line.split_once(" =").map(|(id, _)| id.trim()))
            .filter(|id| !id.is_empty() && !id.starts_with(['#', ' ', '.', '*', '[']))
            .map(str::to_owned)
            .collect()
    }

    /// Formats message `id` in `lang`; a missing message falls back to English, then to the id.
    pub fn get(&self, lang: Lang, id: &str, args: Option<&FluentArgs>) -> String {
        if args.is_none_or(|args| args.iter().next().is_none())
            && let Some(text) = self.plain(lang, id)
        {
            return text.to_string();
        }
        for candidate in [lang, Lang::En] {
            let Some((_, bundle)) = self.bundles.iter().find(|(l, _)| *l == candidate) else { continue };
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, args, &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(id, ?errors, "message formatting");
                }
                return text.into_owned();
            }
        }
        tracing::warn!(id, "missing message");
        id.to_owned()
    }
}

fn plural_function<'a>(lang: Lang, args: &[FluentValue<'a>]) -> FluentValue<'a> {
    let n = match args.first() {
        Some(FluentValue::Number(number)) => number.value,
        Some(FluentValue::String(s)) => s.parse().unwrap_or(f64::NAN),
        _ => f64::NAN,
    };
    if !n.is_finite() || n < 0.0 || n.fract() != 0.0 {
        return FluentValue::from("other");
    }
    FluentValue::from(category_name(plural_category(lang, n as u64)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_days_are_written_as_each_language_writes_them() {
        assert_eq!(Lang::En.amount(45_000, "EUR"), "450.00\u{a0}EUR");
        assert_eq!(Lang::En.amount(123_456_789, "USD"), "1,234,567.89\u{a0}USD");
        assert_eq!(Lang::Be.amount(123_456_789, "EUR"), "1\u{a0}234\u{a0}567,89\u{a0}EUR");
        assert_eq!(Lang::Ru.amount(5, "BYN"), "0,05\u{a0}BYN");
        assert_eq!(Lang::Ru.amount(100_000, "EUR"), "1\u{a0}000,00\u{a0}EUR");
        assert_eq!(Lang::En.amount(-250, "EUR"), "-2.50\u{a0}EUR");
        assert_eq!(Lang::Be.day("2020-08-09"), "9 жніўня 2020");
        assert_eq!(Lang::Ru.day("2020-12-24"), "24 декабря 2020");
        assert_eq!(Lang::En.day("2021-03-25"), "25 March 2021");
        assert_eq!(Lang::Be.day("2020-05"), "травень 2020");
        for kept in
            ["2020", "", "2020-13-01", "2020-00", "2020-02-32", "20-08-09", "2020-8-9", "late 2020", "2020-08-09x"]
        {
            assert_eq!(Lang::En.day(kept), kept, "{kept:?}");
        }
    }

    #[test]
    fn messages_kept_formatted_are_exactly_what_fluent_formats_and_only_those_without_arguments() {
        let translations = Translations::load().unwrap();
        let mut kept = 0;
        for lang in Lang::ALL {
            let (_, bundle) = translations.bundles.iter().find(|(l, _)| *l == lang).unwrap();
            for id in translations.message_ids(lang) {
                let Some(text) = translations.plain(lang, &id) else { continue };
                kept += 1;
                let pattern = bundle.get_message(&id).and_then(|m| m.value()).unwrap();
                let mut errors = Vec::new();
                assert_eq!(&**text, bundle.format_pattern(pattern, Some(&FluentArgs::new()), &mut errors), "{id}");
                assert!(errors.is_empty(), "{id}");
            }
        }
        assert!(kept > 100, "most messages take no arguments ({kept} kept)");
        // One that takes a number is formatted with it, every time.
        assert!(translations.plain(Lang::En, "objects-count").is_none());
        let mut args = FluentArgs::new();
        args.set("count", 1);
        let one = translations.get(Lang::En, "objects-count", Some(&args));
        args.set("count", 5);
        assert_ne!(one, translations.get(Lang::En, "objects-count", Some(&args)));
        assert_eq!(
            translations.get(Lang::Be, "list-title", None),
            &**translations.plain(Lang::Be, "list-title").unwrap()
        );
    }
}
