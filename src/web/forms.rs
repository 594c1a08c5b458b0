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

/// `text` with every line break written as one `\n`. Browsers send a textarea's line breaks
/// as CRLF but count each as one character against its `maxlength`: read this way, a text
/// the browser let through is never refused as too long, and is stored the same whatever
/// sent it.
pub fn one_line_break(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// A URL-encoded body with its line breaks (`%0D%0A`, a lone `%0D`) made `%0A`, as
/// [`one_line_break`] does for text, before it is read.
pub fn one_line_break_encoded(body: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let is_cr =
        |rest: &[u8]| rest.len() >= 3 && rest[0] == b'%' && rest[1] == b'0' && rest[2].eq_ignore_ascii_case(&b'd');
    let is_lf =
        |rest: &[u8]| rest.len() >= 3 && rest[0] == b'%' && rest[1] == b'0' && rest[2].eq_ignore_ascii_case(&b'a');
    if !(0..body.len()).any(|i| is_cr(&body[i..])) {
        return std::borrow::Cow::Borrowed(body);
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if is_cr(&body[i..]) {
            out.extend_from_slice(b"%0A");
            i += if is_lf(&body[i + 3..]) { 6 } else { 3 };
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    std::borrow::Cow::Owned(out)
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
            Refusal::Unsupported("HEIC") => Msg::new("upload-unsupported-heic"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_become_one_in_text_and_in_encoded_bodies() {
        assert_eq!(one_line_break("a\r\nb\rc\nd"), "a\nb\nc\nd");
        assert_eq!(one_line_break("plain"), "plain");
        let body = b"a=1%0D%0A2%0d3%0A&b=%0D";
        assert_eq!(&*one_line_break_encoded(body), b"a=1%0A2%0A3%0A&b=%0A");
        assert!(matches!(one_line_break_encoded(b"a=%0A%25"), std::borrow::Cow::Borrowed(_)));
        // A percent sign before a break is its own escape: %250D is "%0D" typed, not a break.
        assert_eq!(&*one_line_break_encoded(b"a=%250D"), b"a=%250D");
    }
}
