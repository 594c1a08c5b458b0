//! Reading forms and queries the same way on every face: repeated fields, messages for a
//! page, page numbers, and the notice a redirect names.

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::media::sanitise::Refusal;

/// A URL-encoded form read as its pairs, in order, so repeated fields (checkboxes, multiple
/// selects) keep every value. Unknown fields are simply never asked for.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    /// The first value of `name`, or an empty string.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_default()
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// Whether a checkbox `name` was ticked (sent with any value).
    pub fn ticked(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }
}

/// A message for a page: a locale key and its number, if any.
#[derive(Debug, Clone, Serialize)]
pub struct Msg {
    pub key: &'static str,
    pub n: String,
}

impl Msg {
    pub fn new(key: &'static str) -> Self {
        Self { key, n: String::new() }
    }

    pub fn with(key: &'static str, n: impl ToString) -> Self {
        Self { key, n: n.to_string() }
    }

    /// An upload's refusal, in the reader's language.
    pub fn of_refusal(refusal: &Refusal) -> Self {
        match refusal {
            Refusal::Empty => Msg::new("upload-empty"),
            Refusal::Unsupported(kind) => Msg::with("upload-unsupported", kind),
            Refusal::NotAnImage => Msg::new("upload-not-image"),
            Refusal::Corrupt => Msg::new("upload-corrupt"),
            Refusal::TooLarge(size, _) => Msg::with("upload-too-large", size),
            Refusal::FileTooBig(mb) => Msg::with("upload-file-too-big", mb),
            Refusal::TooManyFiles(n) => Msg::with("upload-too-many", n),
            Refusal::TooSlow => Msg::new("upload-too-slow"),
            Refusal::FieldTooLong | Refusal::TooManyFields => Msg::new("offer-form-too-big"),
        }
    }
}

/// A `?page=` value: none or empty is the first page; anything but 1 to 1 000 000 is a bad
/// request (so page arithmetic cannot overflow).
pub fn page_number(text: Option<&str>) -> Result<i64, AppError> {
    match text {
        None | Some("") => Ok(1),
        Some(p) => {
            p.parse::<i64>().ok().filter(|p| (1..=1_000_000).contains(p)).ok_or(AppError::BadRequest("error-bad-page"))
        }
    }
}

/// How many pages `total` items fill at `per_page` a page (at least one, even when empty).
pub fn page_count(total: i64, per_page: i64) -> i64 {
    ((total + per_page - 1) / per_page).max(1)
}

/// The notice a redirect names in its query (`?done=saved`); each page keeps only those it knows.
#[derive(Debug, Default, Deserialize)]
pub struct Flash {
    #[serde(default)]
    pub done: Option<String>,
}

impl Flash {
    /// The notice, if it is one of `known`.
    pub fn known(self, known: &[&str]) -> Option<String> {
        self.done.filter(|d| known.contains(&d.as_str()))
    }
}
