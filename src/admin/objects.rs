//! Cataloguing in the panel: the object list over every state, the editor for every field in
//! be/en/ru side by side, photos, the provenance chain, publication with a preview of exactly
//! the public page, each change audited field by field.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Datelike;
use serde::{Deserialize, Serialize};

use super::{CsrfForm, render_panel, require};
use crate::app::AppState;
use crate::auth::sessions::Session;
use crate::collection::authorities::{self, Entry, Kind};
use crate::collection::command::CommandError;
use crate::collection::objects::{self, NewObject, ObjectInput};
use crate::collection::provenance::{self, AddProvenance, ChangeProvenance, NewProvenance, PartyInput};
use crate::collection::publication::{self, Publish, Withdraw};
use crate::collection::register::{self, Condition, DisposalMethod, ValuationPurpose};
use crate::collection::rights::{self, Rights};
use crate::collection::whereabouts::{self, MoveObject, RecordExit};
use crate::collection::*;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::media::{self, IngestError, MediaRecord, PhotoChange, upload};
use crate::web::Ctx;
use crate::web::forms::{FieldErrors, Flash, Msg, Pairs, page_count, page_number};
use crate::web::staff::{Staff, StaffForm, check_form};

const PER_PAGE: i64 = 50;

pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/admin/objects", get(list))
        .route("/admin/objects/new", get(new_form).post(create))
        .route("/admin/objects/{id}", get(object).post(save))
        .route("/admin/objects/{id}/publish", post(publish))
        .route("/admin/objects/{id}/withdraw", post(withdraw))
        .route(
            "/admin/objects/{id}/media",
            post(upload_media).layer(DefaultBodyLimit::max(upload::body_limit(&state.media.limits))),
        )
        .route("/admin/objects/{id}/media/{media_id}", post(change_media))
        .route("/admin/objects/{id}/provenance", post(add_provenance))
        .route("/admin/objects/{id}/provenance/{pid}", post(change_provenance))
        .route("/admin/objects/{id}/move", post(move_object))
        .route("/admin/objects/{id}/exit", post(exit_object))
        .route("/admin/locations", get(locations).post(add_location))
}

/// Whether this session may change object `state`: volunteers work on drafts only.
fn may_edit(session: &Session, state: PubState) -> AppResult<()> {
    require(state == PubState::Draft || session.role.can_publish())
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    r#type: String,
    #[serde(default)]
    page: Option<String>,
    /// After a batch edit: how many objects it changed.
    #[serde(default)]
    changed: Option<usize>,
}

/// One option of a choice, with its label in the page's language.
#[derive(Serialize)]
pub(super) struct Choice {
    pub(super) value: String,
    pub(super) label: String,
}

/// The options of a fixed vocabulary, labelled from the locale files.
fn choices<T: Copy>(
    state: &AppState,
    lang: Lang,
    all: &[T],
    value: impl Fn(T) -> &'static str,
    key: impl Fn(T) -> String,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice { value: value(*v).to_owned(), label: state.translations.get(lang, &key(*v), None) })
        .collect()
}

/// The object types, as curators extend them, in the order forms offer them.
async fn type_choices(state: &AppState, lang: Lang) -> AppResult<Vec<Choice>> {
    let mut conn = state.db.main.acquire().await?;
    let mut types = authorities::object_types(&mut conn).await?;
    ObjectType::sort_for_forms(&mut types, lang);
    Ok(types.into_iter().map(|t| Choice { label: t.name.get(lang).to_owned(), value: t.code }).collect())
}

#[derive(Serialize)]
struct ListPage {
    rows: Vec<objects::ListRow>,
    total: i64,
    page: i64,
    pages: i64,
    q: String,
    state: String,
    object_type: String,
    states: Vec<Choice>,
    types: Vec<Choice>,
    /// Each type's name by code, for the rows.
    type_names: BTreeMap<String, String>,
    /// What a batch edit may set (publishing roles only).
    batch: Option<super::batch::BatchChoices>,
    /// After a batch edit: how many objects it changed.
    changed: Option<usize>,
}

/// `GET /admin/objects?q=&state=&type=&page=`.
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    Query(query): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let pub_state = match query.state.as_str() {
        "" => None,
        s => Some(PubState::parse(s).ok_or(AppError::BadRequest("error-bad-filter"))?),
    };
    let object_type = match query.r#type.as_str() {
        "" => None,
        t if ObjectType::is_code(t) => Some(t),
        _ => return Err(AppError::BadRequest("error-bad-filter")),
    };
    let page = page_number(query.page.as_deref())?;
    let (rows, total) = objects::list(&state.db.main, &query.q, pub_state, object_type, page, PER_PAGE).await?;
    let page = ListPage {
        rows,
        total,
        page,
        pages: page_count(total, PER_PAGE),
        q: query.q,
        state: query.state,
        object_type: query.r#type,
        states: choices(&state, ctx.choice.lang, PubState::ALL, PubState::as_str, |s| s.label_key()),
        types: type_choices(&state, ctx.choice.lang).await?,
        type_names: super::type_names(&state, ctx.choice.lang).await?,
        batch: if session.role.can_publish() {
            Some(super::batch::choices(&state, ctx.choice.lang).await?)
        } else {
            None
        },
        changed: query.changed,
    };
    render_panel(&state, &ctx, &session, "admin/objects.html", page)
}

/// What the editor's form holds: raw values as typed, so a refused form comes back as it was.
#[derive(Debug, Default, Serialize)]
struct FormValues {
    values: BTreeMap<String, String>,
    makers: Vec<i64>,
    events: Vec<i64>,
}

impl FormValues {
    fn of(o: &NewObject, makers: &[i64], events: &[i64]) -> Self {
        let mut values = BTreeMap::new();
        let mut put = |k: &str, v: String| {
            values.insert(k.to_owned(), v);
        };
        put("object_type", o.object_type.clone());
        for (name, text) in [
            ("title", &o.title),
            ("description", &o.description),
            ("inscription", &o.inscription),
            ("materials", &o.materials),
        ] {
            put(&format!("{name}_be"), text.be.clone());
            put(&format!("{name}_en"), text.en.clone());
            put(&format!("{name}_ru"), text.ru.clone());
        }
        put("inscription_public", if o.inscription_public { "on" } else { "" }.to_owned());
        put("dimensions", o.dimensions.clone());
        put("parts", o.parts.to_string());
        put("date_qualifier", o.date.qualifier.to_string());
        put("date_earliest", o.date.earliest.map(|y| y.to_string()).unwrap_or_default());
        put("date_latest", o.date.latest.map(|y| y.to_string()).unwrap_or_default());
        put("acquisition_method", o.acquisition_method.map(|m| m.to_string()).unwrap_or_default());
        put("acquired_on", o.acquired_on.map(|d| d.to_string()).unwrap_or_default());
        put("acquisition_public", if o.acquisition_public { "on" } else { "" }.to_owned());
        put("owner", o.owner.to_string());
        put("rights", o.rights.map(|r| r.uri.to_owned()).unwrap_or_default());
        put("internal_notes", o.internal_notes.clone());
        Self { values, makers: makers.to_vec(), events: events.to_vec() }
    }

    fn from_pairs(pairs: &Pairs) -> Self {
        // Every field present, empty unless sent: an unticked box sends nothing.
        let mut values: BTreeMap<String, String> =
            Self::of(&NewObject::new(ObjectType::OTHER, Text3::default()), &[], &[])
                .values
                .into_keys()
                .map(|k| (k, String::new()))
                .collect();
        for (k, v) in &pairs.0 {
            if values.contains_key(k) && !matches!(k.as_str(), "maker" | "event" | "csrf") {
                values.insert(k.clone(), v.clone());
            }
        }
        let ids = |name: &str| {
            let mut ids: Vec<i64> = Vec::new();
            for id in pairs.all(name).iter().filter_map(|v| v.parse().ok()) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            ids
        };
        Self { values, makers: ids("maker"), events: ids("event") }
    }

    fn get(&self, name: &str) -> &str {
        self.values.get(name).map(|v| v.trim()).unwrap_or_default()
    }
}

/// Longest free text of a field, in characters.
const MAX_TEXT: usize = 20_000;

/// Reads the editor's fields; every field that is wrong gets a message key.
fn parse_object(form: &FormValues) -> Result<NewObject, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut bad = |field: &str, key: &'static str| errors.key(field, key);
    let text3 = |name: &str| Text3::from_fields(name, |field| form.get(field));
    let object_type = ObjectType::is_code(form.get("object_type")).then(|| form.get("object_type").to_owned());
    if object_type.is_none() {
        bad("object_type", "edit-error-choose");
    }
    let title = text3("title");
    if title.is_empty() {
        bad("title_be", "edit-error-title");
    }
    for (name, value) in &form.values {
        if value.chars().count() > MAX_TEXT {
            bad(name, "edit-error-too-long");
        }
    }
    let year = |name: &str, bad: &mut dyn FnMut(&str, &'static str)| -> Option<i64> {
        optional::<Year>(form.get(name))
            .unwrap_or_else(|key| {
                bad(name, key);
                None
            })
            .map(|y| y.0)
    };
    let earliest = year("date_earliest", &mut bad);
    let latest = year("date_latest", &mut bad);
    let qualifier = qualifier_of(form.get("date_qualifier")).unwrap_or_else(|key| {
        bad("date_qualifier", key);
        DateQualifier::Unknown
    });
    if let (Some(a), Some(b)) = (earliest, latest)
        && a > b
    {
        bad("date_latest", "edit-error-year-order");
    }
    if qualifier != DateQualifier::Unknown && earliest.is_none() && latest.is_none() {
        bad("date_earliest", "edit-error-year-missing");
    }
    let parts = match form.get("parts") {
        "" => 1,
        text => text.parse::<i64>().ok().filter(|p| (1..=100_000).contains(p)).unwrap_or_else(|| {
            bad("parts", "edit-error-parts");
            1
        }),
    };
    let acquisition_method = match form.get("acquisition_method") {
        "" => None,
        m => AcquisitionMethod::parse(m).or_else(|| {
            bad("acquisition_method", "edit-error-choose");
            None
        }),
    };
    let acquired_on = match form.get("acquired_on") {
        "" => None,
        d => match d.parse::<chrono::NaiveDate>() {
            Ok(on) if on > chrono::Utc::now().date_naive() => {
                bad("acquired_on", "register-error-future");
                None
            }
            Ok(on) => Some(on),
            Err(_) => {
                bad("acquired_on", "edit-error-date");
                None
            }
        },
    };
    let owner = Owner::parse(form.get("owner")).unwrap_or(Owner::Museum);
    let rights = Rights::choice(form.get("rights")).unwrap_or_else(|key| {
        bad("rights", key);
        None
    });
    let ticked = |name: &str| !form.get(name).is_empty();
    match object_type {
        Some(object_type) if errors.is_empty() => Ok(NewObject {
            object_type,
            title,
            description: text3("description"),
            inscription: text3("inscription"),
            inscription_public: ticked("inscription_public"),
            materials: text3("materials"),
            dimensions: form.get("dimensions").to_owned(),
            parts,
            date: FuzzyDate { qualifier, earliest, latest },
            acquisition_method,
            acquired_on,
            acquisition_public: ticked("acquisition_public"),
            owner,
            rights,
            // The command keeps the object's own donor.
            donor_id: None,
            internal_notes: form.get("internal_notes").to_owned(),
        }),
        _ => Err(errors),
    }
}

/// Reads the editor's fields and checks its links against the authorities that exist.
async fn parse_form(state: &AppState, form: &FormValues) -> AppResult<Result<ObjectInput, FieldErrors>> {
    let mut result = parse_object(form);
    let makers: Vec<i64> = authorities::ids(&state.db.main, Kind::Makers).await?;
    let events: Vec<i64> = authorities::ids(&state.db.main, Kind::Events).await?;
    let mut unknown = FieldErrors::default();
    let mut conn = state.db.main.acquire().await?;
    if !authorities::type_exists(&mut conn, form.get("object_type")).await? {
        unknown.key("object_type", "edit-error-choose");
    }
    if form.makers.iter().any(|m| !makers.contains(m)) {
        unknown.key("maker", "edit-error-choose");
    }
    if form.events.iter().any(|e| !events.contains(e)) {
        unknown.key("event", "edit-error-choose");
    }
    if !unknown.is_empty() {
        result = match result {
            Ok(_) => Err(unknown),
            Err(mut errors) => {
                errors.merge(unknown);
                Err(errors)
            }
        };
    }
    Ok(result.map(|fields| ObjectInput { fields, makers: form.makers.clone(), events: form.events.clone() }))
}

/// Vocabularies and authorities for the editor's choices.
#[derive(Serialize)]
struct Lists {
    types: Vec<Choice>,
    qualifiers: Vec<Choice>,
    methods: Vec<Choice>,
    owners: Vec<Choice>,
    /// Rights statements by URI; the first line of the select is the collection's own.
    rights: Vec<Choice>,
    collection_rights: &'static str,
    provenance_kinds: Vec<Choice>,
    disposals: Vec<Choice>,
    conditions: Vec<Choice>,
    valuation_purposes: Vec<Choice>,
    makers: Vec<Entry>,
    events: Vec<Entry>,
    places: Vec<Entry>,
    organisations: Vec<Entry>,
}

async fn lists(state: &AppState, lang: Lang) -> AppResult<Lists> {
    let pool = &state.db.main;
    Ok(Lists {
        types: type_choices(state, lang).await?,
        qualifiers: choices(state, lang, DateQualifier::ALL, DateQualifier::as_str, |q| q.label_key()),
        methods: choices(state, lang, AcquisitionMethod::ALL, AcquisitionMethod::as_str, |m| m.label_key()),
        owners: choices(state, lang, Owner::ALL, Owner::as_str, |o| o.label_key()),
        rights: rights::VOCABULARY
            .iter()
            .map(|r| Choice { value: r.uri.to_owned(), label: r.name.to_owned() })
            .collect(),
        collection_rights: state.config.rights.name,
        provenance_kinds: choices(state, lang, ProvenanceKind::ALL, ProvenanceKind::as_str, |k| k.label_key()),
        disposals: choices(state, lang, DisposalMethod::ALL, DisposalMethod::as_str, |d| d.label_key()),
        conditions: choices(state, lang, Condition::ALL, Condition::as_str, |c| c.label_key()),
        valuation_purposes: choices(state, lang, ValuationPurpose::ALL, ValuationPurpose::as_str, |p| p.label_key()),
        makers: authorities::list(pool, Kind::Makers, lang).await?,
        events: authorities::list(pool, Kind::Events, lang).await?,
        places: authorities::list(pool, Kind::Places, lang).await?,
        organisations: authorities::list(pool, Kind::Organisations, lang).await?,
    })
}

#[derive(Serialize)]
struct EditorPage {
    /// `None` for a new object.
    object: Option<Summary>,
    form: FormValues,
    errors: FieldErrors,
    lists: Lists,
    media: Vec<MediaRecord>,
    provenance: Vec<provenance::ProvenanceLine>,
    whereabouts: whereabouts::Whereabouts,
    locations: Vec<whereabouts::Location>,
    /// The object's line in the accession register, if it was accessioned.
    register: Option<register::RegisterLine>,
    conditions: Vec<register::ConditionReport>,
    /// Only for publishing roles; `None` for the others.
    valuations: Option<Vec<register::Valuation>>,
    consent_withheld: bool,
    /// Publishing (or making a photo public once published) asks a curator to confirm the
    /// photos were checked for faces and names.
    photos_check: bool,
    today: String,
    done: Option<String>,
    error: Option<Msg>,
    /// A form of the page's sections that was refused, with what was typed into it.
    posted: Option<Posted>,
    can_publish: bool,
    may_edit: bool,
    /// The form holds what was typed into a refused save (shown read-only when the account
    /// may no longer edit the object, to be handed on). Not `typed`: the templates' function
    /// of that name would be hidden.
    typed_back: bool,
}

#[derive(Serialize)]
struct Summary {
    id: i64,
    /// What the editor's form was filled in from (see [`objects::version`]).
    version: String,
    entry_number: String,
    accession_number: Option<String>,
    state: PubState,
    donor: Option<(String, String)>,
}

/// What the editor shows besides the object: a refused form with its messages, a flash
/// message, or an error about photos or provenance.
#[derive(Default)]
struct Shown {
    form: Option<FormValues>,
    errors: FieldErrors,
    done: Option<String>,
    error: Option<Msg>,
    posted: Option<Posted>,
}

/// One of the editor's smaller forms (a move, an exit, a provenance link, a register
/// procedure) refused: its message goes beside it, and what was typed comes back in it (the
/// template's `typed(section, field, default)`), so that a long note is not typed twice.
#[derive(Debug, Serialize)]
pub(super) struct Posted {
    pub section: &'static str,
    pub values: BTreeMap<String, String>,
    pub error: Msg,
}

impl Posted {
    pub fn new(section: &'static str, pairs: impl IntoIterator<Item = (String, String)>, error: Msg) -> Self {
        let values = pairs.into_iter().filter(|(k, _)| k != "csrf").collect();
        Self { section, values, error }
    }
}

async fn editor(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    id: Option<i64>,
    shown: Shown,
) -> AppResult<Html<String>> {
    let Shown { form, errors, done, error, posted } = shown;
    let typed = form.is_some();
    let mut page = EditorPage {
        object: None,
        form: form.unwrap_or_else(|| FormValues::of(&NewObject::new(ObjectType::OTHER, Text3::default()), &[], &[])),
        errors,
        lists: lists(state, ctx.choice.lang).await?,
        media: Vec::new(),
        provenance: Vec::new(),
        whereabouts: whereabouts::Whereabouts::default(),
        locations: Vec::new(),
        register: None,
        conditions: Vec::new(),
        valuations: None,
        consent_withheld: false,
        photos_check: false,
        today: chrono::Utc::now().date_naive().to_string(),
        done,
        error,
        posted,
        can_publish: session.role.can_publish(),
        may_edit: true,
        typed_back: typed,
    };
    if let Some(id) = id {
        let mut conn = state.db.main.acquire().await?;
        let record = objects::load(&mut conn, id).await?.ok_or(AppError::NotFound)?;
        let staff = objects::staff_view(&mut conn, id).await?.ok_or(AppError::NotFound)?;
        page.consent_withheld = publication::consent_withheld(&mut conn, id).await?;
        page.photos_check = media::regions::check_needed(&mut conn, id).await?;
        page.media = media::list(&mut conn, id).await?;
        page.register = register::line(&mut conn, id).await?;
        page.conditions = register::condition_reports(&mut conn, id).await?;
        if session.role.can_publish() {
            page.valuations = Some(register::valuations(&mut conn, id).await?);
        }
        drop(conn);
        page.provenance = provenance::provenance(&state.db.main, id).await?;
        page.whereabouts = whereabouts::whereabouts(&state.db.main, id).await?;
        page.locations = whereabouts::locations(&state.db.main).await?;
        page.may_edit = may_edit(session, record.state).is_ok();
        if !typed {
            page.form = FormValues::of(&record.fields, &record.makers, &record.events);
        }
        page.object = Some(Summary {
            version: objects::version(&record),
            id,
            entry_number: record.entry_number,
            accession_number: record.accession_number,
            state: record.state,
            donor: staff.donor_credit.map(|c| (c, staff.donor_credit_name.unwrap_or_default())),
        });
    }
    render_panel(state, ctx, session, "admin/object.html", page)
}

/// Flash messages the editor knows.
const FLASHES: &[&str] = &[
    "accepted",
    "created",
    "saved",
    "published",
    "withdrawn",
    "uploaded",
    "photo",
    "provenance",
    "moved",
    "exit",
    "accessioned",
    "deaccessioned",
    "condition",
    "valuation",
];

/// `GET /admin/objects/new`.
async fn new_form(State(state): State<AppState>, ctx: Ctx, Staff(session): Staff) -> AppResult<Html<String>> {
    editor(&state, &ctx, &session, None, Shown::default()).await
}

/// The editor again with a refusal, answered 422.
async fn refused(state: &AppState, ctx: &Ctx, session: &Session, id: Option<i64>, shown: Shown) -> AppResult<Response> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, editor(state, ctx, session, id, shown).await?).into_response())
}

/// The editor of object `id` with an error message (the caller sets the status).
pub(super) async fn editor_with(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    id: i64,
    error: Msg,
) -> AppResult<Html<String>> {
    editor(state, ctx, session, Some(id), Shown { error: Some(error), ..Shown::default() }).await
}

/// The editor again with one of its smaller forms refused: see [`Posted`]. Answered 422.
pub(super) async fn refused_in(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    id: i64,
    posted: Posted,
) -> AppResult<Response> {
    let shown = Shown { posted: Some(posted), ..Shown::default() };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, editor(state, ctx, session, Some(id), shown).await?).into_response())
}

/// [`refused_in`] for the form `posted` to `section`, refused with the message `key`.
pub(super) async fn refused_form(
    state: &AppState,
    ctx: &Ctx,
    posted: &StaffForm<Pairs>,
    id: i64,
    section: &'static str,
    key: &'static str,
) -> AppResult<Response> {
    refused_in(state, ctx, &posted.session, id, Posted::new(section, posted.form.0.iter().cloned(), Msg::new(key)))
        .await
}

/// The editor again with one message, answered 422.
pub(super) async fn refused_with(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    id: i64,
    key: &'static str,
) -> AppResult<Response> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, editor_with(state, ctx, session, id, Msg::new(key)).await?).into_response())
}

/// `POST /admin/objects/new`: a draft with a fresh entry number.
async fn create(State(state): State<AppState>, ctx: Ctx, posted: StaffForm<Pairs>) -> AppResult<Response> {
    let form = FormValues::from_pairs(&posted.form);
    let input = match parse_form(&state, &form).await? {
        Ok(input) => input,
        Err(errors) => {
            let shown = Shown { form: Some(form), errors, ..Shown::default() };
            return refused(&state, &ctx, &posted.session, None, shown).await;
        }
    };
    let create = objects::CreateObject { input, entry_year: chrono::Utc::now().year() };
    let created = state.run(posted.actor(), create).await?;
    Ok(Redirect::to(&format!("/admin/objects/{}?done=created", created.id)).into_response())
}

/// `GET /admin/objects/{id}`: the object's record and editor.
async fn object(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> AppResult<Html<String>> {
    editor(&state, &ctx, &session, Some(id), Shown { done: flash.known(FLASHES), ..Shown::default() }).await
}

/// `POST /admin/objects/{id}`: saves the editor; the audit log gets each changed field.
async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    let form = FormValues::from_pairs(&posted.form);
    let input = match parse_form(&state, &form).await? {
        Ok(input) => input,
        Err(errors) => {
            let shown = Shown { form: Some(form), errors, ..Shown::default() };
            return refused(&state, &ctx, &posted.session, Some(id), shown).await;
        }
    };
    let seen = Some(posted.form.get("version").to_owned()).filter(|v| !v.is_empty());
    match state.run(posted.actor(), objects::SaveObject { id, input, seen }).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/objects/{id}?done=saved")).into_response()),
        // Saved by someone else since this page was opened: what was typed comes back, unsaved,
        // with the new version, so that saving again is a choice made knowingly.
        Err(CommandError::Refused(key)) => {
            let shown = Shown { form: Some(form), error: Some(Msg::new(key)), ..Shown::default() };
            refused(&state, &ctx, &posted.session, Some(id), shown).await
        }
        // Published meanwhile, say, and no longer the volunteer's to change: what was typed
        // is shown, to be handed to a curator, not lost.
        Err(CommandError::NotAllowed) => {
            let shown = Shown { form: Some(form), error: Some(Msg::new("error-not-allowed")), ..Shown::default() };
            let page = editor(&state, &ctx, &posted.session, Some(id), shown).await?;
            Ok((StatusCode::FORBIDDEN, page).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

/// `POST /admin/objects/{id}/publish`: gives the object its accession number if it has none
/// and publishes it; `consent_confirmed` when the donor withheld consent and gave it since.
async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    let publish = Publish {
        id,
        consent_confirmed: posted.form.ticked("consent_confirmed"),
        photos_checked: posted.form.ticked("photos_checked"),
        pattern: state.config.accession_pattern.clone(),
        year: chrono::Utc::now().year(),
    };
    match state.run(posted.actor(), publish).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/objects/{id}?done=published")).into_response()),
        Err(CommandError::Refused(key)) => refused_with(&state, &ctx, &posted.session, id, key).await,
        Err(err) => Err(err.into()),
    }
}

/// `POST /admin/objects/{id}/withdraw`: off the public catalogue, keeping its numbers.
async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    posted: StaffForm<CsrfForm>,
) -> AppResult<Response> {
    match state.run(posted.actor(), Withdraw { id }).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/objects/{id}?done=withdrawn")).into_response()),
        Err(CommandError::Refused(key)) => refused_with(&state, &ctx, &posted.session, id, key).await,
        Err(err) => Err(err.into()),
    }
}

/// `POST /admin/objects/{id}/media` (multipart `photos`, several): each through the media
/// pipeline; derivatives follow in the background.
async fn upload_media(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    headers: HeaderMap,
    Path(id): Path<i64>,
    request: Request,
) -> AppResult<Response> {
    // The CSRF check needs the form's field, so the body is read first, within its limits,
    // and no further than the first photo when the token is not right.
    let token_ok = |form: &upload::Form| check_form(&staff.0, &headers, form.get("csrf").unwrap_or_default()).is_ok();
    let (form, read) = upload::read_form_keeping(request, "photos", &state.media.limits, token_ok).await;
    check_form(&staff.0, &headers, form.get("csrf").unwrap_or_default())?;
    // Refused before any photo is sanitised and stored; the command checks again.
    objects::editable_by(&mut *state.db.main.acquire().await?, &staff.actor(), id).await?;
    let mut prepared = Vec::new();
    let mut refusal = read.err();
    if refusal.is_none() {
        for upload in form.photos.into_bytes() {
            let upload = upload.map_err(anyhow::Error::from)?;
            match state.media.prepare(upload).await {
                Ok(one) => prepared.push(one),
                Err(IngestError::Refused(r)) => {
                    refusal = Some(r);
                    break;
                }
                Err(IngestError::Internal(err)) => return Err(err.into()),
            }
        }
    }
    // The photos accepted before a refused one are kept, as a curator would expect.
    let (photos, pixels): (Vec<_>, Vec<_>) = prepared.into_iter().unzip();
    let hashes: Vec<String> = photos.iter().map(|p: &media::Stored| p.hash.clone()).collect();
    let ids = match state.run(staff.actor(), media::AddPhotos { object: id, photos }).await {
        Ok(ids) => ids,
        Err(err) => {
            // The masters were written before the command: none may stay without its record.
            for hash in &hashes {
                if let Err(e) = media::remove_files_if_unused(&state.db.main, &state.media.store, hash).await {
                    tracing::error!(error = %e, "removing the photos of an upload that was not recorded");
                }
            }
            return Err(err.into());
        }
    };
    for ((media_id, hash), pixels) in ids.into_iter().zip(hashes).zip(pixels) {
        state.media.hand_off(media_id, &hash, pixels);
    }
    if let Some(refusal) = refusal {
        let shown = Shown { error: Some(Msg::of_refusal(&refusal)), ..Shown::default() };
        let page = editor(&state, &ctx, &staff.0, Some(id), shown).await?;
        return Ok((refusal.status(), page).into_response());
    }
    Ok(Redirect::to(&format!("/admin/objects/{id}?done=uploaded")).into_response())
}

/// `POST /admin/objects/{id}/media/{media_id}`: `action` = save (alt text, caption, public),
/// up, down, primary or remove.
async fn change_media(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, media_id)): Path<(i64, i64)>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    let pairs = &posted.form;
    let text3 = |name: &str| Text3::from_fields(name, |field| pairs.get(field).trim());
    let change = match pairs.get("action") {
        "save" => PhotoChange::Describe {
            alt: text3("alt"),
            caption: text3("caption"),
            is_public: pairs.ticked("is_public"),
            photos_checked: pairs.ticked("photos_checked"),
            rights: match Rights::choice(pairs.get("rights")) {
                Ok(rights) => rights,
                Err(key) => return refused_with(&state, &ctx, &posted.session, id, key).await,
            },
        },
        "up" => PhotoChange::Up,
        "down" => PhotoChange::Down,
        "primary" => PhotoChange::Primary,
        "remove" => PhotoChange::Remove,
        _ => return Err(AppError::BadRequest("error-bad-form")),
    };
    let removed = match state.run(posted.actor(), media::ChangePhoto { object: id, media: media_id, change }).await {
        Ok(removed) => removed,
        Err(CommandError::Refused(key)) => return refused_with(&state, &ctx, &posted.session, id, key).await,
        Err(err) => return Err(err.into()),
    };
    media::free(&state.db.main, &state.media.store, &removed).await?;
    Ok(Redirect::to(&format!("/admin/objects/{id}?done=photo#media-{media_id}")).into_response())
}

/// `POST /admin/objects/{id}/provenance`: adds a link at the end of the chain.
async fn add_provenance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    let add = match parse_provenance(id, &posted.form) {
        Ok(add) => add,
        Err(key) => return refused_form(&state, &ctx, &posted, id, "provenance", key).await,
    };
    match state.run(posted.actor(), add).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/objects/{id}?done=provenance#provenance")).into_response()),
        Err(CommandError::Refused(key)) => refused_form(&state, &ctx, &posted, id, "provenance", key).await,
        Err(err) => Err(err.into()),
    }
}

/// Reads a provenance link from the editor's form; an error is a message key.
fn parse_provenance(object: i64, pairs: &Pairs) -> Result<AddProvenance, &'static str> {
    let kind = ProvenanceKind::parse(pairs.get("kind")).ok_or("edit-error-provenance-kind")?;
    let year = |name: &str| optional::<Year>(pairs.get(name)).map(|y| y.map(|y| y.0));
    let (earliest, latest) = (year("p_earliest")?, year("p_latest")?);
    if matches!((earliest, latest), (Some(a), Some(b)) if a > b) {
        return Err("edit-error-year-order");
    }
    let qualifier = qualifier_of(pairs.get("p_qualifier"))?;
    let mut event = NewProvenance::new(kind, FuzzyDate { qualifier, earliest, latest });
    event.exact_date = optional_date(pairs.get("exact_date"))?;
    // A day and years that disagree: the page would show one and the open data the other.
    if let Some(day) = event.exact_date {
        let year = i64::from(chrono::Datelike::year(&day));
        if earliest.is_some_and(|y| year < y) || latest.is_some_and(|y| year > y) {
            return Err("edit-error-day-outside-years");
        }
    }
    // What happened to the object has happened: no date after today.
    let this_year = i64::from(chrono::Datelike::year(&chrono::Utc::now().date_naive()));
    if earliest.is_some_and(|y| y > this_year)
        || latest.is_some_and(|y| y > this_year)
        || event.exact_date.is_some_and(|d| d > chrono::Utc::now().date_naive())
    {
        return Err("register-error-future");
    }
    let id = |name: &str| match pairs.get(name).trim() {
        "" => Ok(None),
        text => text.parse::<i64>().map(Some).map_err(|_| "edit-error-choose"),
    };
    event.place_id = id("place")?;
    event.event_id = id("event")?;
    event.lot = pairs.get("lot").trim().chars().take(100).collect();
    event.price_minor = optional::<Price>(pairs.get("price"))?.map(|p| p.0);
    event.currency = optional::<Currency>(pairs.get("currency"))?.map(|c| c.as_str().to_owned()).unwrap_or_default();
    event.note = Text3::from_fields("note", |field| pairs.get(field).trim());
    event.is_public = pairs.ticked("p_public");
    // A party is named with the part it played; a role without a party names nobody.
    let party = match (PartyInput::parse(pairs.get("party"))?, pairs.get("party_role")) {
        (None, _) => None,
        (Some(party), role) => Some((PartyRole::parse(role).ok_or("edit-error-party-role")?, party)),
    };
    Ok(AddProvenance { object, event, party })
}

/// `POST /admin/objects/{id}/provenance/{pid}`: `action` = up, down or remove.
async fn change_provenance(
    State(state): State<AppState>,
    Path((id, pid)): Path<(i64, i64)>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    let action = ListAction::parse(posted.form.get("action")).ok_or(AppError::BadRequest("error-bad-form"))?;
    state.run(posted.actor(), ChangeProvenance { object: id, provenance: pid, action }).await?;
    Ok(Redirect::to(&format!("/admin/objects/{id}?done=provenance#provenance")).into_response())
}

/// A date qualifier field: empty is "unknown", anything not offered is an error.
fn qualifier_of(text: &str) -> Result<DateQualifier, &'static str> {
    match text.trim() {
        "" => Ok(DateQualifier::Unknown),
        text => DateQualifier::parse(text).ok_or("edit-error-choose"),
    }
}

/// A date field: empty is none.
pub(super) fn optional_date(text: &str) -> Result<Option<chrono::NaiveDate>, &'static str> {
    match text.trim() {
        "" => Ok(None),
        // Four-digit years only: dates are stored and compared as text.
        d => d
            .parse::<chrono::NaiveDate>()
            .ok()
            .filter(|date| (1000..=9999).contains(&chrono::Datelike::year(date)))
            .map(Some)
            .ok_or("edit-error-date"),
    }
}

/// A date field: empty is today.
pub(super) fn date_or_today(text: &str) -> Result<chrono::NaiveDate, &'static str> {
    Ok(optional_date(text)?.unwrap_or_else(|| chrono::Utc::now().date_naive()))
}

/// `POST /admin/objects/{id}/move`: `location`, `moved_on`, `is_normal`, `reason`.
async fn move_object(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    let pairs = &posted.form;
    let parsed = pairs.get("location").parse::<i64>().map_err(|_| "edit-error-choose").and_then(|location| {
        Ok(MoveObject {
            object: id,
            location,
            on: date_or_today(pairs.get("moved_on"))?,
            normal: pairs.ticked("is_normal"),
            reason: pairs.get("reason").trim().to_owned(),
        })
    });
    let result = state.run_form(posted.actor(), parsed).await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/objects/{id}?done=moved#whereabouts")).into_response()),
        Err(CommandError::Refused(key)) => refused_form(&state, &ctx, &posted, id, "move", key).await,
        Err(err) => Err(err.into()),
    }
}

/// `POST /admin/objects/{id}/exit`: `kind` (return, loan_out, disposal), `exit_on`,
/// `expected_back`, `note`. Publishing roles only.
async fn exit_object(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    // Refused for the role before the form is read; the command checks again.
    require(posted.session.role.can_publish())?;
    let pairs = &posted.form;
    let kind = ExitKind::parse(pairs.get("kind")).ok_or(AppError::BadRequest("error-bad-form"))?;
    // Expected back before it left is a slip of the hand here; a loan sent after its agreed
    // end (which the loan's own steps record) is not refused.
    let dates = date_or_today(pairs.get("exit_on")).and_then(|on| match optional_date(pairs.get("expected_back"))? {
        Some(back) if back < on => Err("edit-error-back-before-exit"),
        back => Ok((on, back)),
    });
    let (on, expected_back) = match dates {
        Ok(dates) => dates,
        Err(key) => return refused_form(&state, &ctx, &posted, id, "exit", key).await,
    };
    let note = pairs.get("note").to_owned();
    match state.run(posted.actor(), RecordExit { object: id, kind, on, expected_back, note }).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/objects/{id}?done=exit#whereabouts")).into_response()),
        Err(CommandError::Refused(key)) => refused_form(&state, &ctx, &posted, id, "exit", key).await,
        Err(err) => Err(err.into()),
    }
}

#[derive(Serialize)]
struct LocationsPage {
    locations: Vec<whereabouts::Location>,
    error: Option<&'static str>,
    done: bool,
    /// What was typed into a refused new location.
    name: String,
    notes: String,
}

/// `GET /admin/locations`: storage places (private), with how many objects are in each.
async fn locations(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    Query(flash): Query<Flash>,
) -> AppResult<Html<String>> {
    let page = LocationsPage {
        locations: whereabouts::locations(&state.db.main).await?,
        error: None,
        done: flash.done.as_deref() == Some("added"),
        name: String::new(),
        notes: String::new(),
    };
    render_panel(&state, &ctx, &session, "admin/locations.html", page)
}

#[derive(Deserialize)]
struct LocationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    notes: String,
}

/// `POST /admin/locations`: `name`, `notes`.
async fn add_location(State(state): State<AppState>, ctx: Ctx, posted: StaffForm<LocationForm>) -> AppResult<Response> {
    let StaffForm { session, form } = posted;
    let create = whereabouts::CreateLocation { name: form.name.clone(), notes: form.notes.clone() };
    match state.run(crate::web::staff::actor(&session), create).await {
        Ok(_) => Ok(Redirect::to("/admin/locations?done=added").into_response()),
        Err(CommandError::Refused(key)) => {
            let page = LocationsPage {
                locations: whereabouts::locations(&state.db.main).await?,
                error: Some(key),
                done: false,
                name: form.name,
                notes: form.notes,
            };
            let html = render_panel(&state, &ctx, &session, "admin/locations.html", page)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(err) => Err(err.into()),
    }
}
