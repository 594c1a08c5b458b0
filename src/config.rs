//! Configuration: command-line flags and `ZBOR_*` environment variables (through clap),
//! over an optional `zbor.toml`. Secrets never come from flags, so they never show in `ps`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use crate::collection::numbers::AccessionPattern;

/// Default accession number pattern: `{year}` is the year of accession, `{seq:04}` the
/// running number within that year, zero-padded to four digits.
pub const DEFAULT_ACCESSION_PATTERN: &str = "MFB-{year}-{seq:04}";

/// Settings that may be written in `zbor.toml`. Every field is optional there.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    pub uploads_dir: Option<PathBuf>,
    pub listen: Option<String>,
    pub accession_pattern: Option<String>,
    /// One name for every language (`museum_name = "…"`), or one per language
    /// (`museum_name = { be = "…", en = "…", ru = "…" }`; a language left out takes another's).
    pub museum_name: Option<MuseumName>,
    pub public_url: Option<String>,
    /// Largest photo accepted, in megabytes.
    pub max_upload_mb: Option<u64>,
    /// Most photos in one form.
    pub max_upload_files: Option<usize>,
    /// Most megapixels in one photo.
    pub max_megapixels: Option<u64>,
    /// Offers accepted per hour from one address. Behind an onion service every visitor has
    /// the same address: set it equal to `offers_per_hour` there.
    pub offers_per_address_per_hour: Option<u32>,
    /// Offers accepted per hour from everyone.
    pub offers_per_hour: Option<u32>,
    /// Days after its decision that a declined offer, and the sealed record of any decided
    /// offer, are purged; 0 keeps them for ever. Default 180.
    pub offer_retention_days: Option<u32>,
    /// Most connections served at once; beyond them a client gets the "busy" page.
    pub max_connections: Option<usize>,
    /// The rights statement of the collection's images and data, by URI (RightsStatements.org
    /// or Creative Commons); default In Copyright.
    pub rights: Option<String>,
}

impl FileConfig {
    /// Reads `path` when it exists; a missing file is an empty configuration, a broken one an error.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).with_context(|| format!("reading {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }
}

/// How long decided offers are kept, in days (see `offer_retention_days` in `zbor.toml`).
pub const DEFAULT_OFFER_RETENTION_DAYS: u32 = 180;

/// The museum's name as `zbor.toml` gives it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum MuseumName {
    One(String),
    Each(MuseumNames),
}

/// The museum's name language by language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MuseumNames {
    be: Option<String>,
    en: Option<String>,
    ru: Option<String>,
}

impl MuseumName {
    /// The name in each language; `None` if it names the museum in no language.
    pub fn resolve(self) -> Option<crate::collection::Text3> {
        let name = match self {
            MuseumName::One(name) => crate::collection::Text3::same(name.trim()),
            MuseumName::Each(MuseumNames { be, en, ru }) => {
                let text = |t: Option<String>| t.unwrap_or_default().trim().to_owned();
                crate::collection::Text3::new(text(be), text(en), text(ru))
            }
        };
        (!crate::i18n::Lang::ALL.iter().all(|lang| name.in_lang(*lang).is_empty())).then_some(name)
    }
}

/// The resolved configuration the app runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// Holds `zbor.sqlite`, `contacts.sqlite` and `recipients.txt`.
    pub data_dir: PathBuf,
    /// Holds sanitised images and their derivatives, content-addressed.
    pub uploads_dir: PathBuf,
    /// Pattern for new accession numbers, see [`DEFAULT_ACCESSION_PATTERN`].
    pub accession_pattern: AccessionPattern,
    /// The museum's name as pages show it, in each language.
    pub museum_name: crate::collection::Text3,
    /// Listening address from `zbor.toml`, when set there.
    pub listen: Option<String>,
    /// Whether rendered public pages are kept in memory (on unless measuring).
    pub render_cache: bool,
    /// The address the public reaches zbor at (e.g. `https://collection.example.org`), for
    /// absolute links in open data; defaults to the listening address.
    pub public_url: Option<String>,
    /// Bounds on uploaded photos.
    pub upload_limits: crate::media::sanitise::Limits,
    /// Rate limits of the intake form.
    pub intake_limits: IntakeLimits,
    /// Days after its decision that a declined offer and decided offers' sealed records are
    /// purged; 0 = never.
    pub offer_retention_days: u32,
    /// Most connections served at once (see [`crate::app::DEFAULT_MAX_CONNECTIONS`]).
    pub max_connections: usize,
    /// The collection's rights statement, shown on pages and carried into open data.
    pub rights: crate::collection::rights::Rights,
}

/// How often the intake form may be used, per hour. Counters live in memory only.
#[derive(Debug, Clone, Copy)]
pub struct IntakeLimits {
    pub offers_per_peer: u32,
    pub offers_total: u32,
    pub lookups_per_peer: u32,
    pub lookups_total: u32,
}

impl Default for IntakeLimits {
    fn default() -> Self {
        Self { offers_per_peer: 20, offers_total: 200, lookups_per_peer: 30, lookups_total: 600 }
    }
}

impl Config {
    /// A configuration with defaults for everything but the two folders.
    pub fn new(data_dir: PathBuf, uploads_dir: PathBuf) -> Self {
        Self {
            data_dir,
            uploads_dir,
            accession_pattern: AccessionPattern::parse(DEFAULT_ACCESSION_PATTERN).expect("the default pattern numbers"),
            museum_name: crate::app::default_museum_name(),
            listen: None,
            render_cache: true,
            public_url: None,
            upload_limits: crate::media::sanitise::Limits::default(),
            intake_limits: IntakeLimits::default(),
            offer_retention_days: DEFAULT_OFFER_RETENTION_DAYS,
            max_connections: crate::app::DEFAULT_MAX_CONNECTIONS,
            rights: crate::collection::rights::DEFAULT,
        }
    }

    pub fn main_db_path(&self) -> PathBuf {
        self.data_dir.join("zbor.sqlite")
    }

    pub fn contacts_db_path(&self) -> PathBuf {
        self.data_dir.join("contacts.sqlite")
    }

    pub fn recipients_path(&self) -> PathBuf {
        self.data_dir.join("recipients.txt")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn name_of(toml_text: &str) -> Option<crate::collection::Text3> {
        toml::from_str::<FileConfig>(toml_text).unwrap().museum_name.and_then(MuseumName::resolve)
    }

    #[test]
    fn the_museum_is_named_once_for_all_languages_or_in_each() {
        let one = name_of("museum_name = \"Muzeum\"\n").unwrap();
        assert!(Lang::ALL.iter().all(|lang| one.get(*lang) == "Muzeum"));
        let each = name_of("museum_name = { be = \"Музей\", en = \"Museum\" }\n").unwrap();
        assert_eq!((each.get(Lang::Be), each.get(Lang::En)), ("Музей", "Museum"));
        assert_eq!(each.get(Lang::Ru), "Музей", "a language left out takes another's");
        assert!(name_of("museum_name = \"  \"\n").is_none(), "a name that names nothing is refused");
        assert!(name_of("museum_name = {}\n").is_none());
        assert!(toml::from_str::<FileConfig>("museum_name = { de = \"Museum\" }\n").is_err(), "an unknown language");
    }
}
