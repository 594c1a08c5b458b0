//! Reading forms and queries the same way on every face: repeated fields, messages for a
//! page, page numbers, and the notice a redirect names.

use std::collections::BTreeMap;

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
            Refusal::Busy => Msg::new("upload-busy"),
            Refusal::FieldTooLong | Refusal::TooManyFields => Msg::new("offer-form-too-big"),
            Refusal::Stopped => Msg::new("offer-error-expired"),
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

/// Messages beside a form's fields, by field name; templates show them with the macros of
/// `templates/form_macros.html`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(BTreeMap<String, Msg>);

impl FieldErrors {
    /// A message for `field`, replacing any it had.
    pub fn add(&mut self, field: impl Into<String>, msg: Msg) {
        self.0.insert(field.into(), msg);
    }

    /// A message without a number for `field`.
    pub fn key(&mut self, field: impl Into<String>, key: &'static str) {
        self.add(field, Msg::new(key));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds `other`'s messages, keeping these where both name a field.
    pub fn merge(&mut self, other: FieldErrors) {
        for (field, msg) in other.0 {
            self.0.entry(field).or_insert(msg);
        }
    }

    /// Whether `field` has a message.
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }
}

impl<K: Into<String>> From<BTreeMap<K, &'static str>> for FieldErrors {
    fn from(keys: BTreeMap<K, &'static str>) -> Self {
        Self(keys.into_iter().map(|(field, key)| (field.into(), Msg::new(key))).collect())
    }
}

impl<K: Into<String>, const N: usize> From<[(K, Msg); N]> for FieldErrors {
    fn from(messages: [(K, Msg); N]) -> Self {
        Self(messages.into_iter().map(|(field, msg)| (field.into(), msg)).collect())
    }
}
