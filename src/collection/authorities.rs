//! Authorities as staff edit them: makers, organisations, places, events and object types, each a row of
//! fields described once here (the SQL is built from these fixed column names only; every
//! value is bound).

use std::collections::BTreeMap;

use sqlx::{AssertSqlSafe, Row, SqliteConnection, SqlitePool};

use super::command::{Command, CommandError, CommandResult, Tx};
use super::objects::{Change, now};
use super::types::{BindText3, EventKind, MakerKind, ObjectType, Text3, lang3};
use crate::i18n::Lang;

/// What the audit log keeps of a new authority: every value, private ones by length only.
pub fn as_changes(values: &Values) -> Vec<Change> {
    values
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| super::objects::change(k, String::new(), v.clone()))
        .collect()
}

/// Which authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Makers,
    Organisations,
    Places,
    Events,
    Types,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Makers, Kind::Organisations, Kind::Places, Kind::Events, Kind::Types];

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Makers => "makers",
            Kind::Organisations => "organisations",
            Kind::Places => "places",
            Kind::Events => "events",
            Kind::Types => "types",
        }
    }

    /// The table that holds this authority.
    fn table(self) -> &'static str {
        match self {
            Kind::Types => "object_types",
            other => other.as_str(),
        }
    }

    /// The fields of this authority, in the order its form shows them.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::Makers => MAKER,
            Kind::Organisations => ORGANISATION,
            Kind::Places => PLACE,
            Kind::Events => EVENT,
            Kind::Types => TYPE,
        }
    }
}

/// How a field is typed and stored.
#[derive(Debug, Clone, Copy, serde::Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Input {
    /// Free text; `required` for names (in at least one language, checked per group).
    Text,
    /// Long free text.
    Long,
    /// One of fixed values, labelled `{prefix}-{value}` in the locale files.
    Vocab { values: &'static [&'static str], prefix: &'static str },
    /// A date written `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; empty is none.
    PartialDate,
    /// `1` or `0` (empty is `0`), labelled `{prefix}-1` and `{prefix}-0`.
    YesNo { prefix: &'static str },
    /// Another authority by id; empty is none.
    Ref { kind: Kind },
    /// A short unique code for web addresses: lower-case letters, digits and hyphens. Set when
    /// the authority is made and never changed, so that addresses stay valid.
    Code,
}

/// One column of an authority.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Field {
    pub column: &'static str,
    /// Locale key of the label.
    pub label: &'static str,
    pub input: Input,
    /// Never shown publicly.
    pub private: bool,
}

const fn field(column: &'static str, label: &'static str, input: Input) -> Field {
    Field { column, label, input, private: false }
}

const NAME: [Field; 3] = [
    field("name_be", "authority-name-be", Input::Text),
    field("name_en", "authority-name-en", Input::Text),
    field("name_ru", "authority-name-ru", Input::Text),
];

const MAKER: &[Field] = &[
    field(
        "kind",
        "authority-kind",
        Input::Vocab { values: &["person", "collective", "anonymous", "pseudonym"], prefix: "maker-kind" },
    ),
    NAME[0],
    NAME[1],
    NAME[2],
    field("bio_be", "authority-bio-be", Input::Long),
    field("bio_en", "authority-bio-en", Input::Long),
    field("bio_ru", "authority-bio-ru", Input::Long),
    Field { column: "private_notes", label: "authority-private-notes", input: Input::Long, private: true },
];

const ORGANISATION: &[Field] = &[
    NAME[0],
    NAME[1],
    NAME[2],
    Field { column: "private_notes", label: "authority-private-notes", input: Input::Long, private: true },
];

const PLACE: &[Field] = &[NAME[0], NAME[1], NAME[2]];

const EVENT: &[Field] = &[
    field(
        "kind",
        "authority-kind",
        Input::Vocab { values: &["protest", "march", "auction", "exhibition"], prefix: "event-kind" },
    ),
    NAME[0],
    NAME[1],
    NAME[2],
    field("description_be", "authority-description-be", Input::Long),
    field("description_en", "authority-description-en", Input::Long),
    field("description_ru", "authority-description-ru", Input::Long),
    field("starts_on", "authority-starts-on", Input::PartialDate),
    field("ends_on", "authority-ends-on", Input::PartialDate),
    field("place_id", "authority-place", Input::Ref { kind: Kind::Places }),
    field("organisation_id", "authority-organisation", Input::Ref { kind: Kind::Organisations }),
];

const TYPE: &[Field] = &[
    field("code", "authority-code", Input::Code),
    NAME[0],
    NAME[1],
    NAME[2],
    // Whether its objects show people: publishing one asks for its photos to be checked for
    // faces and names (see `media::regions::check_needed`).
    field("shows_people", "authority-shows-people", Input::YesNo { prefix: "authority-shows-people" }),
];

/// The values of a form or a row, by column, as text ("" for none).
pub type Values = BTreeMap<&'static str, String>;

fn is_partial_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && (1..=12).contains(&m.parse::<u32>().unwrap_or(0)),
        [_, _, _] => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
        _ => false,
    }
}

/// Longest value of any field, in characters.
const MAX_LEN: usize = 20_000;

/// Checks a form's values for `kind`; returns the values to store or a message key per column.
pub fn validate(
    kind: Kind,
    form: &dyn Fn(&str) -> String,
    known: &dyn Fn(Kind, i64) -> bool,
) -> Result<Values, BTreeMap<String, &'static str>> {
    let mut values = Values::new();
    let mut errors = BTreeMap::new();
    for f in kind.fields() {
        let mut value = form(f.column).trim().to_owned();
        if matches!(f.input, Input::YesNo { .. }) && value.is_empty() {
            value = "0".to_owned();
        }
        if value.chars().count() > MAX_LEN {
            errors.insert(f.column.to_owned(), "edit-error-too-long");
        }
        match f.input {
            Input::Vocab { values: allowed, .. } if !allowed.contains(&value.as_str()) => {
                errors.insert(f.column.to_owned(), "edit-error-choose");
            }
            Input::YesNo { .. } if value != "0" && value != "1" => {
                errors.insert(f.column.to_owned(), "edit-error-choose");
            }
            Input::PartialDate if !value.is_empty() && !is_partial_date(&value) => {
                errors.insert(f.column.to_owned(), "authority-error-date");
            }
            Input::Ref { kind: other } if !value.is_empty() && !value.parse().is_ok_and(|id| known(other, id)) => {
                errors.insert(f.column.to_owned(), "edit-error-choose");
            }
            Input::Code if !ObjectType::is_code(&value) => {
                errors.insert(f.column.to_owned(), "authority-error-code");
            }
            _ => {}
        }
        values.insert(f.column, value);
    }
    let names = ["name_be", "name_en", "name_ru"];
    if kind == Kind::Types {
        // Types label objects on every page in every language: no name may fall back.
        for column in names.iter().filter(|c| values.get(**c).is_none_or(|v| v.is_empty())) {
            errors.insert((*column).to_owned(), "authority-error-name-each");
        }
    } else if names.iter().all(|c| values.get(c).is_none_or(|v| v.is_empty())) {
        errors.insert("name_be".to_owned(), "authority-error-name");
    }
    // An event ends on or after the day it starts, as precisely as each date is known.
    if let (Some(starts), Some(ends)) = (values.get("starts_on"), values.get("ends_on"))
        && is_partial_date(starts)
        && is_partial_date(ends)
        && padded(ends, "12", "31") < padded(starts, "01", "01")
    {
        errors.insert("ends_on".to_owned(), "authority-error-ends-before");
    }
    if errors.is_empty() { Ok(values) } else { Err(errors) }
}

/// A partial date (`2020`, `2020-08`, `2020-08-16`) as a whole day: its first or last, by the
/// month and day given for what it leaves out.
fn padded(date: &str, month: &str, day: &str) -> String {
    match date.len() {
        4 => format!("{date}-{month}-{day}"),
        7 => format!("{date}-{day}"),
        _ => date.to_owned(),
    }
}

fn columns(kind: Kind) -> Vec<&'static str> {
    kind.fields().iter().map(|f| f.column).collect()
}

/// One authority's stored values.
pub async fn load(conn: &mut SqliteConnection, kind: Kind, id: i64) -> sqlx::Result<Option<Values>> {
    let select: Vec<String> = columns(kind).iter().map(|c| format!("COALESCE(CAST({c} AS TEXT), '')")).collect();
    let sql = format!("SELECT {} FROM {} WHERE id = ?", select.join(", "), kind.table());
    let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?;
    Ok(row.map(|row| columns(kind).into_iter().enumerate().map(|(i, c)| (c, row.get::<String, _>(i))).collect()))
}

fn bind_values<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    kind: Kind,
    values: &Values,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    for f in kind.fields() {
        let value = values.get(f.column).cloned().unwrap_or_default();
        query = match f.input {
            Input::Ref { .. } => query.bind(value.parse::<i64>().ok()),
            Input::PartialDate => query.bind((!value.is_empty()).then_some(value)),
            _ => query.bind(value),
        };
    }
    query
}

/// Records a new authority; returns its id.
pub async fn create(conn: &mut SqliteConnection, kind: Kind, values: &Values) -> sqlx::Result<i64> {
    let mut cols = columns(kind);
    let mut marks = vec!["?"; cols.len()];
    if kind == Kind::Makers {
        cols.push("created_at");
        marks.push("strftime('%Y-%m-%dT%H:%M:%SZ', 'now')");
    }
    let sql = format!("INSERT INTO {} ({}) VALUES ({}) RETURNING id", kind.table(), cols.join(", "), marks.join(", "));
    let query = bind_values(sqlx::query(AssertSqlSafe(sql)), kind, values);
    let row = query.fetch_one(conn).await?;
    Ok(row.get::<i64, _>(0))
}

/// Writes an authority's values; returns what changed (nothing is written when nothing did),
/// or `None` when there is no such authority. A code keeps the value it was made with,
/// whatever the form says.
pub async fn update(
    conn: &mut SqliteConnection,
    kind: Kind,
    id: i64,
    values: &Values,
) -> sqlx::Result<Option<Vec<Change>>> {
    let Some(old) = load(conn, kind, id).await? else { return Ok(None) };
    let mut values = values.clone();
    for f in kind.fields().iter().filter(|f| matches!(f.input, Input::Code)) {
        values.insert(f.column, old.get(f.column).cloned().unwrap_or_default());
    }
    let changes: Vec<Change> = kind
        .fields()
        .iter()
        .filter_map(|f| {
            let (before, after) =
                (old.get(f.column).cloned().unwrap_or_default(), values.get(f.column).cloned().unwrap_or_default());
            (before != after).then(|| super::objects::change(f.column, before, after))
        })
        .collect();
    if changes.is_empty() {
        return Ok(Some(changes));
    }
    let sets: Vec<String> = columns(kind).iter().map(|c| format!("{c} = ?")).collect();
    let sql = format!("UPDATE {} SET {} WHERE id = ?", kind.table(), sets.join(", "));
    bind_values(sqlx::query(AssertSqlSafe(sql)), kind, &values).bind(id).execute(conn).await?;
    Ok(Some(changes))
}

/// An authority in its list.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub name: String,
    pub uses: i64,
}

/// Every authority of `kind`, in alphabetical order of its name in `lang` (or the next language that has one), with
/// how many objects or provenance links use it.
pub async fn list(pool: &SqlitePool, kind: Kind, lang: Lang) -> sqlx::Result<Vec<Entry>> {
    let uses = match kind {
        Kind::Makers => "(SELECT COUNT(*) FROM object_makers u WHERE u.maker_id = a.id)",
        Kind::Organisations => "(SELECT COUNT(*) FROM provenance_parties u WHERE u.organisation_id = a.id)",
        Kind::Places => "(SELECT COUNT(*) FROM provenance_events u WHERE u.place_id = a.id)",
        Kind::Events => "(SELECT COUNT(*) FROM object_events u WHERE u.event_id = a.id)",
        Kind::Types => "(SELECT COUNT(*) FROM objects u WHERE u.object_type = a.code)",
    };
    let [first, second, third] = lang.fallbacks().map(Lang::code);
    let sql = format!(
        "SELECT a.id, COALESCE(NULLIF(a.name_{first}, ''), NULLIF(a.name_{second}, ''), a.name_{third}) AS name,
            {uses} AS uses
         FROM {} a",
        kind.table()
    );
    let mut entries: Vec<Entry> = sqlx::query_as(AssertSqlSafe(sql)).fetch_all(pool).await?;
    // In the alphabet of the language: SQLite's byte order puts Belarusian І before А.
    entries.sort_by(|a, b| crate::i18n::collate(lang, &a.name, &b.name));
    Ok(entries)
}

/// The ids of every authority of `kind`, to check links against.
pub async fn ids(pool: &SqlitePool, kind: Kind) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(AssertSqlSafe(format!("SELECT id FROM {}", kind.table()))).fetch_all(pool).await
}

/// Whether an authority of `kind` already has `value` in a unique column.
pub async fn taken(conn: &mut SqliteConnection, kind: Kind, column: &'static str, value: &str) -> sqlx::Result<bool> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {} WHERE {column} = ?)", kind.table());
    sqlx::query_scalar(AssertSqlSafe(sql)).bind(value).fetch_one(conn).await
}

/// Every object type, in no particular order.
pub async fn object_types(conn: &mut SqliteConnection) -> sqlx::Result<Vec<ObjectType>> {
    let rows: Vec<(i64, String, Text3)> =
        sqlx::query_as(concat!("SELECT id, code, ", lang3!(text "name" as "name"), " FROM object_types"))
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(id, code, name)| ObjectType { id, code, name }).collect())
}

/// Whether `code` names an object type.
pub async fn type_exists(conn: &mut SqliteConnection, code: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM object_types WHERE code = ?)").bind(code).fetch_one(conn).await
}

/// `code` when it names an object type, else "other" (which every installation has, codes
/// never change and types are never deleted): an offer's type must always make an object.
pub async fn type_or_other(conn: &mut SqliteConnection, code: &str) -> sqlx::Result<String> {
    Ok(if type_exists(conn, code).await? { code.to_owned() } else { ObjectType::OTHER.to_owned() })
}

/// A person, collective or pseudonym who made objects. The display name is public; the
/// private notes are for staff only.
#[derive(Debug, Clone)]
pub struct NewMaker {
    pub kind: MakerKind,
    pub name: Text3,
    pub bio: Text3,
    pub private_notes: String,
}

pub async fn create_maker(conn: &mut SqliteConnection, maker: &NewMaker) -> sqlx::Result<i64> {
    sqlx::query_scalar(concat!(
        "INSERT INTO makers (kind, ",
        lang3!("name"),
        ", ",
        lang3!("bio"),
        ", private_notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
    ))
    .bind(maker.kind)
    .bind3(&maker.name)
    .bind3(&maker.bio)
    .bind(&maker.private_notes)
    .bind(now())
    .fetch_one(conn)
    .await
}

pub async fn create_place(conn: &mut SqliteConnection, name: &Text3) -> sqlx::Result<i64> {
    sqlx::query_scalar(concat!("INSERT INTO places (", lang3!("name"), ") VALUES (?, ?, ?) RETURNING id"))
        .bind3(name)
        .fetch_one(conn)
        .await
}

pub async fn create_organisation(conn: &mut SqliteConnection, name: &Text3, private_notes: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(concat!(
        "INSERT INTO organisations (",
        lang3!("name"),
        ", private_notes) VALUES (?, ?, ?, ?) RETURNING id"
    ))
    .bind3(name)
    .bind(private_notes)
    .fetch_one(conn)
    .await
}

/// A protest, march, auction or exhibition. Dates are ISO dates, possibly partial ("2020-08").
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: EventKind,
    pub name: Text3,
    pub description: Text3,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub place_id: Option<i64>,
    pub organisation_id: Option<i64>,
}

pub async fn create_event(conn: &mut SqliteConnection, event: &NewEvent) -> sqlx::Result<i64> {
    sqlx::query_scalar(concat!(
        "INSERT INTO events (kind, ",
        lang3!("name"),
        ", ",
        lang3!("description"),
        ", starts_on, ends_on, place_id, organisation_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
    ))
    .bind(event.kind)
    .bind3(&event.name)
    .bind3(&event.description)
    .bind(&event.starts_on)
    .bind(&event.ends_on)
    .bind(event.place_id)
    .bind(event.organisation_id)
    .fetch_one(conn)
    .await
}

/// Creates an authority from checked values. Created inline from an object's page
/// (`link_to`), it is linked to that object at once: a maker or event is added, a type set.
/// A new type is offered at once by the public intake form, so adding one needs a publishing
/// role. Returns the new authority's id.
#[derive(Debug, Clone)]
pub struct CreateAuthority {
    pub kind: Kind,
    pub values: Values,
    pub link_to: Option<i64>,
}

impl Command for CreateAuthority {
    type Output = i64;

    async fn run(self, tx: &mut Tx) -> CommandResult<i64> {
        if self.kind == Kind::Types {
            tx.require(crate::auth::Role::can_publish)?;
        }
        let id = match create(tx, self.kind, &self.values).await {
            Ok(id) => id,
            // Another curator took the same code a moment ago.
            Err(err) if err.as_database_error().is_some_and(|e| e.is_unique_violation()) => {
                return Err(CommandError::Refused("authority-error-code-taken"));
            }
            Err(err) => return Err(err.into()),
        };
        let target = format!("{}/{id}", self.kind.as_str());
        let details = serde_json::json!({ "kind": self.kind, "id": id, "changes": as_changes(&self.values) });
        tx.audit("authority-created", &target, details).await?;
        if self.kind == Kind::Types {
            // The intake form and the catalogue's facets read the types from the snapshot.
            tx.public_changed();
        }
        if let Some(object) = self.link_to {
            let record = super::objects::editable(tx, object).await?;
            let (mut fields, mut makers, mut events) = (record.fields, record.makers, record.events);
            match self.kind {
                Kind::Makers => makers.push(id),
                Kind::Events => events.push(id),
                Kind::Types => fields.object_type = self.values.get("code").cloned().unwrap_or_default(),
                Kind::Places | Kind::Organisations => return Err(CommandError::Refused("error-bad-query")),
            }
            let changes = super::objects::update(tx, object, &fields, &makers, &events).await?;
            tx.audit("object-edited", &record.entry_number, serde_json::json!({ "id": object, "changes": changes }))
                .await?;
            if record.state != super::PubState::Draft {
                tx.public_changed();
            }
        }
        Ok(id)
    }
}

/// A fingerprint of an authority's stored values, given to its form and sent back with it
/// (see [`SaveAuthority::seen`]).
pub fn version(values: &Values) -> String {
    let mut hasher = blake3::Hasher::new();
    for (column, value) in values {
        hasher.update(column.as_bytes());
        hasher.update(&[0]);
        hasher.update(value.as_bytes());
        hasher.update(&[0]);
    }
    hasher.finalize().to_hex()[..16].to_owned()
}

/// Saves an authority's checked values; the audit log gets each change. Names and
/// descriptions of authorities appear on published pages. Publishing roles only.
#[derive(Debug, Clone)]
pub struct SaveAuthority {
    pub kind: Kind,
    pub id: i64,
    pub values: Values,
    /// The [`version`] the form was filled in from: refused when the authority changed since,
    /// instead of undoing someone else's save.
    pub seen: Option<String>,
}

impl Command for SaveAuthority {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        tx.require(crate::auth::Role::can_publish)?;
        if let Some(seen) = &self.seen {
            let now = load(tx, self.kind, self.id).await?.ok_or(CommandError::NotFound)?;
            if version(&now) != *seen {
                return Err(CommandError::Refused("authority-error-stale"));
            }
        }
        let changes = update(tx, self.kind, self.id, &self.values).await?.ok_or(CommandError::NotFound)?;
        if !changes.is_empty() {
            let target = format!("{}/{}", self.kind.as_str(), self.id);
            tx.audit("authority-edited", &target, serde_json::json!({ "changes": changes })).await?;
            tx.public_changed();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_ends_on_or_after_its_start_as_precisely_as_known() {
        let check = |starts: &str, ends: &str| {
            let form = |column: &str| match column {
                "name_en" => "March".to_owned(),
                "kind" => "march".to_owned(),
                "starts_on" => starts.to_owned(),
                "ends_on" => ends.to_owned(),
                _ => String::new(),
            };
            validate(Kind::Events, &form, &|_, _| true).err().is_none_or(|e| !e.contains_key("ends_on"))
        };
        assert!(!check("2021", "2020"));
        assert!(!check("2020-08-16", "2020-08-15"));
        assert!(!check("2020-09", "2020-08-31"));
        for (starts, ends) in
            [("2020", "2020"), ("2020-08-16", "2020"), ("2020", "2020-03"), ("2020-08", "2020-08-01"), ("", "2020")]
        {
            assert!(check(starts, ends), "{starts} – {ends}");
        }
    }
}
