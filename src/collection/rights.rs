//! Rights statements: what others may do with an object's images and data. Only statements
//! from the two vocabularies aggregators and IIIF viewers understand are accepted, by their
//! URI: RightsStatements.org and the Creative Commons licences and tools.

use serde::Serialize;

/// One statement of the fixed vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rights {
    /// The canonical URI (as Europeana and IIIF expect it: `http`, trailing slash).
    pub uri: &'static str,
    /// The statement's own name, as its publisher gives it.
    pub name: &'static str,
}

/// Every statement zbor accepts.
pub const VOCABULARY: &[Rights] = &[
    Rights { uri: "http://rightsstatements.org/vocab/InC/1.0/", name: "In Copyright" },
    Rights { uri: "http://rightsstatements.org/vocab/InC-OW-EU/1.0/", name: "In Copyright – EU Orphan Work" },
    Rights {
        uri: "http://rightsstatements.org/vocab/InC-EDU/1.0/", name: "In Copyright – Educational Use Permitted"
    },
    Rights {
        uri: "http://rightsstatements.org/vocab/InC-NC/1.0/",
        name: "In Copyright – Non-Commercial Use Permitted",
    },
    Rights {
        uri: "http://rightsstatements.org/vocab/InC-RUU/1.0/",
        name: "In Copyright – Rights-holder(s) Unlocatable or Unidentifiable",
    },
    Rights { uri: "http://rightsstatements.org/vocab/NoC-CR/1.0/", name: "No Copyright – Contractual Restrictions" },
    Rights { uri: "http://rightsstatements.org/vocab/NoC-NC/1.0/", name: "No Copyright – Non-Commercial Use Only" },
    Rights {
        uri: "http://rightsstatements.org/vocab/NoC-OKLR/1.0/",
        name: "No Copyright – Other Known Legal Restrictions",
    },
    Rights { uri: "http://rightsstatements.org/vocab/NoC-US/1.0/", name: "No Copyright – United States" },
    Rights { uri: "http://rightsstatements.org/vocab/CNE/1.0/", name: "Copyright Not Evaluated" },
    Rights { uri: "http://rightsstatements.org/vocab/UND/1.0/", name: "Copyright Undetermined" },
    Rights { uri: "http://rightsstatements.org/vocab/NKC/1.0/", name: "No Known Copyright" },
    Rights { uri: "http://creativecommons.org/publicdomain/zero/1.0/", name: "CC0 1.0 Universal" },
    Rights { uri: "http://creativecommons.org/publicdomain/mark/1.0/", name: "Public Domain Mark 1.0" },
    Rights { uri: "http://creativecommons.org/licenses/by/4.0/", name: "CC BY 4.0" },
    Rights { uri: "http://creativecommons.org/licenses/by-sa/4.0/", name: "CC BY-SA 4.0" },
    Rights { uri: "http://creativecommons.org/licenses/by-nd/4.0/", name: "CC BY-ND 4.0" },
    Rights { uri: "http://creativecommons.org/licenses/by-nc/4.0/", name: "CC BY-NC 4.0" },
    Rights { uri: "http://creativecommons.org/licenses/by-nc-sa/4.0/", name: "CC BY-NC-SA 4.0" },
    Rights { uri: "http://creativecommons.org/licenses/by-nc-nd/4.0/", name: "CC BY-NC-ND 4.0" },
];

/// The statement a collection carries unless `zbor.toml` sets another: the objects are
/// recent works by living makers.
pub const DEFAULT: Rights = VOCABULARY[0];

impl Rights {
    /// The statement with this URI; `https` and a missing trailing slash are accepted too.
    pub fn parse(uri: &str) -> Option<Self> {
        let uri = uri.trim();
        let uri = uri.strip_prefix("https://").map(|rest| format!("http://{rest}")).unwrap_or_else(|| uri.to_owned());
        let uri = if uri.ends_with('/') { uri } else { format!("{uri}/") };
        VOCABULARY.iter().copied().find(|r| r.uri == uri)
    }

    /// A form's choice: empty inherits (`None`), anything else must be a statement of the
    /// vocabulary; an error is a message key.
    pub fn choice(value: &str) -> Result<Option<Self>, &'static str> {
        match value.trim() {
            "" => Ok(None),
            uri => Self::parse(uri).map(Some).ok_or("edit-error-choose"),
        }
    }

    /// A statement stored in the database (always one of the vocabulary's URIs).
    pub fn stored(uri: Option<&str>) -> Option<Self> {
        uri.and_then(Self::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_found_by_uri_and_nothing_else_is() {
        assert_eq!(Rights::parse("https://creativecommons.org/licenses/by-sa/4.0").unwrap().name, "CC BY-SA 4.0");
        assert_eq!(Rights::parse("http://rightsstatements.org/vocab/InC/1.0/"), Some(DEFAULT));
        assert_eq!(Rights::parse("http://example.org/my-licence/"), None);
        assert_eq!(Rights::parse("In Copyright"), None);
        for r in VOCABULARY {
            assert_eq!(Rights::parse(r.uri), Some(*r));
        }
    }
}
