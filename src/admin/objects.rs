//! Cataloguing in the panel: the object list over every state, the editor for every field in
//! be/en/ru side by side, photos, the provenance chain, publication with a preview of exactly
//! the public page, each change audited field by field.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Datelike;
use serde::{Deserialize, Serialize};

use super::{CsrfForm, Flash, Pairs, Staff, check_form, page_number, record_with, render_panel, require};
use crate::app::AppState;
use crate::auth::sessions::Session;
use crate::catalogue::snapshot::Snapshot;
use crate::collection::authorities::{self, Entry, Kind};
use crate::collection::editing;
use crate::collection::objects::{self, NewObject, NewProvenance, PartyRef, PartyRole};
use crate::collection::public::PublicCollection;
use crate::collection::*;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::intake::Msg;
use crate::media::{self, IngestError, MediaRecord, NewMedia, upload};
use crate::web::{Ctx, no_store, render_page};

const PER_PAGE: i64 = 50;

pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/admin/objects", get(list))
        .route("/admin/objects/new", get(new_form).post(create))
        .route("/admin/objects/{id}", get(object).post(save))
        .route("/admin/objects/{id}/preview", get(preview))
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
}

/// One option of a choice, with its label in the page's language.
#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
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
    rows: Vec<editing::ListRow>,
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
    let (rows, total) = editing::list(&state.db.main, &query.q, pub_state, object_type, page, PER_PAGE).await?;
    let page = ListPage {
        rows,
        total,
        page,
        pages: ((total + PER_PAGE - 1) / PER_PAGE).max(1),
        q: query.q,
        state: query.state,
        object_type: query.r#type,
        states: choices(&state, ctx.choice.lang, PubState::ALL, PubState::as_str, |s| s.label_key()),
        types: type_choices(&state, ctx.choice.lang).await?,
        type_names: super::type_names(&state, ctx.choice.lang).await?,
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
fn parse_object(form: &FormValues, donor_id: Option<String>) -> Result<NewObject, BTreeMap<String, &'static str>> {
    let mut errors = BTreeMap::new();
    let mut bad = |field: &str, key: &'static str| {
        errors.insert(field.to_owned(), key);
    };
    let text3 = |name: &str| {
        Text3::new(form.get(&format!("{name}_be")), form.get(&format!("{name}_en")), form.get(&format!("{name}_ru")))
    };
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
        match form.get(name) {
            "" => None,
            text => match text.parse::<i64>() {
                Ok(y) if (1000..=2200).contains(&y) => Some(y),
                _ => {
                    bad(name, "edit-error-year");
                    None
                }
            },
        }
    };
    let earliest = year("date_earliest", &mut bad);
    let latest = year("date_latest", &mut bad);
    let qualifier = DateQualifier::parse(form.get("date_qualifier")).unwrap_or(DateQualifier::Unknown);
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
        d => d.parse::<chrono::NaiveDate>().ok().or_else(|| {
            bad("acquired_on", "edit-error-date");
            None
        }),
    };
    let owner = Owner::parse(form.get("owner")).unwrap_or(Owner::Museum);
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
            donor_id,
            internal_notes: form.get("internal_notes").to_owned(),
        }),
        _ => Err(errors),
    }
}

/// Reads the editor's fields and checks its links against the authorities that exist.
async fn parse_form(
    state: &AppState,
    form: &FormValues,
    donor_id: Option<String>,
) -> AppResult<Result<NewObject, BTreeMap<String, &'static str>>> {
    let mut result = parse_object(form, donor_id);
    let makers: Vec<i64> = authorities::ids(&state.db.main, Kind::Makers).await?;
    let events: Vec<i64> = authorities::ids(&state.db.main, Kind::Events).await?;
    let mut unknown = BTreeMap::new();
    let mut conn = state.db.main.acquire().await?;
    if !authorities::type_exists(&mut conn, form.get("object_type")).await? {
        unknown.insert("object_type".to_owned(), "edit-error-choose");
    }
    if form.makers.iter().any(|m| !makers.contains(m)) {
        unknown.insert("maker".to_owned(), "edit-error-choose");
    }
    if form.events.iter().any(|e| !events.contains(e)) {
        unknown.insert("event".to_owned(), "edit-error-choose");
    }
    if !unknown.is_empty() {
        result = match result {
            Ok(_) => Err(unknown),
            Err(mut errors) => {
                errors.extend(unknown);
                Err(errors)
            }
        };
    }
    Ok(result)
}

/// Vocabularies and authorities for the editor's choices.
#[derive(Serialize)]
struct Lists {
    types: Vec<Choice>,
    qualifiers: Vec<Choice>,
    methods: Vec<Choice>,
    owners: Vec<Choice>,
    provenance_kinds: Vec<Choice>,
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
        provenance_kinds: choices(state, lang, ProvenanceKind::ALL, ProvenanceKind::as_str, |k| k.label_key()),
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
    errors: BTreeMap<String, &'static str>,
    lists: Lists,
    media: Vec<MediaRecord>,
    provenance: Vec<editing::ProvenanceLine>,
    whereabouts: editing::Whereabouts,
    locations: Vec<editing::Location>,
    consent_withheld: bool,
    today: String,
    done: Option<String>,
    error: Option<Msg>,
    can_publish: bool,
    may_edit: bool,
}

#[derive(Serialize)]
struct Summary {
    id: i64,
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
    errors: BTreeMap<String, &'static str>,
    done: Option<String>,
    error: Option<Msg>,
}

async fn editor(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    id: Option<i64>,
    shown: Shown,
) -> AppResult<Html<String>> {
    let Shown { form, errors, done, error } = shown;
    let mut page = EditorPage {
        object: None,
        form: form.unwrap_or_else(|| FormValues::of(&NewObject::new(ObjectType::OTHER, Text3::default()), &[], &[])),
        errors,
        lists: lists(state, ctx.choice.lang).await?,
        media: Vec::new(),
        provenance: Vec::new(),
        whereabouts: editing::Whereabouts::default(),
        locations: Vec::new(),
        consent_withheld: false,
        today: chrono::Utc::now().date_naive().to_string(),
        done,
        error,
        can_publish: session.role.can_publish(),
        may_edit: true,
    };
    if let Some(id) = id {
        let mut conn = state.db.main.acquire().await?;
        let record = editing::load(&mut conn, id).await?.ok_or(AppError::NotFound)?;
        let staff = objects::staff_view(&mut conn, id).await?.ok_or(AppError::NotFound)?;
        page.consent_withheld = crate::donors::consent_withheld(&mut conn, id).await?;
        page.media = media::list(&mut conn, id).await?;
        drop(conn);
        page.provenance = editing::provenance(&state.db.main, id).await?;
        page.whereabouts = editing::whereabouts(&state.db.main, id).await?;
        page.locations = editing::locations(&state.db.main).await?;
        page.may_edit = may_edit(session, record.state).is_ok();
        if page.errors.is_empty() {
            page.form = FormValues::of(&record.fields, &record.makers, &record.events);
        }
        page.object = Some(Summary {
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
fn flash(done: Option<String>) -> Option<String> {
    done.filter(|d| {
        matches!(
            d.as_str(),
            "accepted"
                | "created"
                | "saved"
                | "published"
                | "withdrawn"
                | "uploaded"
                | "photo"
                | "provenance"
                | "moved"
                | "exit"
        )
    })
}

/// `GET /admin/objects/new`.
async fn new_form(State(state): State<AppState>, ctx: Ctx, Staff(session): Staff) -> AppResult<Html<String>> {
    editor(&state, &ctx, &session, None, Shown::default()).await
}

/// `POST /admin/objects/new`: a draft with a fresh entry number.
async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    headers: HeaderMap,
    pairs: Pairs,
) -> AppResult<Response> {
    check_form(&session, &headers, pairs.get("csrf"))?;
    let form = FormValues::from_pairs(&pairs);
    let object = match parse_form(&state, &form, None).await? {
        Ok(object) => object,
        Err(errors) => {
            let page =
                editor(&state, &ctx, &session, None, Shown { form: Some(form), errors, ..Shown::default() }).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let mut tx = state.db.main.begin().await?;
    let created = objects::create_object(&mut tx, &object, chrono::Utc::now().year()).await?;
    editing::set_links(&mut tx, created.id, &form.makers, &form.events).await?;
    let changes = editing::as_changes(&object, &form.makers, &form.events);
    let details = serde_json::json!({ "id": created.id, "changes": changes });
    crate::collection::audit::record(&mut tx, &session.username, "object-created", &created.entry_number, &details)
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/objects/{}?done=created", created.id)).into_response())
}

/// `GET /admin/objects/{id}`: the object's record and editor.
async fn object(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    Path(id): Path<i64>,
    Query(flash_query): Query<Flash>,
) -> AppResult<Html<String>> {
    editor(&state, &ctx, &session, Some(id), Shown { done: flash(flash_query.done), ..Shown::default() }).await
}

/// Loads an object for a change by this session; volunteers may change drafts only.
async fn editable(state: &AppState, session: &Session, id: i64) -> AppResult<editing::ObjectRecord> {
    let mut conn = state.db.main.acquire().await?;
    let record = editing::load(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    may_edit(session, record.state)?;
    Ok(record)
}

/// After a change that the public may see: reload the public projection now.
async fn republish(state: &AppState, record_state: PubState) -> AppResult<()> {
    if record_state != PubState::Draft {
        state.public.refresh(&state.db.main).await?;
    }
    Ok(())
}

/// `POST /admin/objects/{id}`: saves the editor; the audit log gets each changed field.
async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    headers: HeaderMap,
    Path(id): Path<i64>,
    pairs: Pairs,
) -> AppResult<Response> {
    check_form(&session, &headers, pairs.get("csrf"))?;
    let record = editable(&state, &session, id).await?;
    let form = FormValues::from_pairs(&pairs);
    let object = match parse_form(&state, &form, record.fields.donor_id.clone()).await? {
        Ok(object) => object,
        Err(errors) => {
            let page = editor(&state, &ctx, &session, Some(id), Shown { form: Some(form), errors, ..Shown::default() })
                .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let mut tx = state.db.main.begin().await?;
    let changes = editing::update(&mut tx, id, &object, &form.makers, &form.events).await?;
    if !changes.is_empty() {
        let details = serde_json::json!({ "id": id, "changes": changes });
        crate::collection::audit::record(&mut tx, &session.username, "object-edited", &record.entry_number, &details)
            .await?;
    }
    tx.commit().await?;
    republish(&state, record.state).await?;
    Ok(Redirect::to(&format!("/admin/objects/{id}?done=saved")).into_response())
}

/// `GET /admin/objects/{id}/preview`: the public page exactly as it would be, from the same
/// projection and template as the public catalogue.
async fn preview(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(_session): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let collection = PublicCollection::preview(&state.db.main, id).await?;
    let snapshot = Snapshot::build(collection);
    let object = snapshot.collection.object_by_id(id).ok_or(AppError::NotFound)?;
    let page = crate::catalogue::view(&state, &snapshot, &ctx).object_page(object).into_preview();
    let html = render_page(&state, &ctx.base(&state), "catalogue/object.html", page)?;
    Ok(no_store(html.into_response()))
}

/// `POST /admin/objects/{id}/publish`: gives the object its accession number if it has none
/// and publishes it. Curators, keyholders and admins only.
async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    headers: HeaderMap,
    Path(id): Path<i64>,
    pairs: Pairs,
) -> AppResult<Response> {
    check_form(&session, &headers, pairs.get("csrf"))?;
    require(session.role.can_publish())?;
    let record = editable(&state, &session, id).await?;
    let mut tx = state.db.main.begin().await?;
    // A donor who did not agree to publication: only a curator's confirmation, audited, opens it.
    let withheld = crate::donors::consent_withheld(&mut tx, id).await?;
    let confirmed = !pairs.get("consent_confirmed").is_empty();
    if withheld && !confirmed {
        drop(tx);
        let error = Some(Msg::new("edit-error-consent"));
        let page = editor(&state, &ctx, &session, Some(id), Shown { error, ..Shown::default() }).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let accession = objects::accession(&mut tx, id, &state.config.accession_pattern, chrono::Utc::now().year()).await?;
    objects::set_state(&mut tx, id, PubState::Published).await?;
    let details = serde_json::json!({
        "id": id, "accession": accession, "from": record.state, "consent_confirmed_by_curator": withheld,
    });
    crate::collection::audit::record(&mut tx, &session.username, "object-published", &record.entry_number, &details)
        .await?;
    tx.commit().await?;
    state.public.refresh(&state.db.main).await?;
    Ok(Redirect::to(&format!("/admin/objects/{id}?done=published")).into_response())
}

/// `POST /admin/objects/{id}/withdraw`: off the public catalogue, keeping its numbers.
async fn withdraw(
    State(state): State<AppState>,
    Staff(session): Staff,
    headers: HeaderMap,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<CsrfForm>,
) -> AppResult<Response> {
    check_form(&session, &headers, &form.csrf)?;
    require(session.role.can_publish())?;
    let record = editable(&state, &session, id).await?;
    if record.state != PubState::Published {
        return Err(AppError::BadRequest("edit-error-not-published"));
    }
    let mut tx = state.db.main.begin().await?;
    objects::set_state(&mut tx, id, PubState::Withdrawn).await?;
    let details = serde_json::json!({ "id": id });
    crate::collection::audit::record(&mut tx, &session.username, "object-withdrawn", &record.entry_number, &details)
        .await?;
    tx.commit().await?;
    state.public.refresh(&state.db.main).await?;
    Ok(Redirect::to(&format!("/admin/objects/{id}?done=withdrawn")).into_response())
}

/// `POST /admin/objects/{id}/media` (multipart `photos`, several): each through the media
/// pipeline; derivatives follow in the background.
async fn upload_media(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    headers: HeaderMap,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> AppResult<Response> {
    // The CSRF check needs the form's field, so the body is read first, within its limits.
    let (form, read) = upload::read_form_keeping(multipart, "photos", &state.media.limits).await;
    check_form(&session, &headers, form.get("csrf").unwrap_or_default())?;
    let record = editable(&state, &session, id).await?;
    let mut added = 0;
    let refusal = match read {
        Err(refusal) => Some(refusal),
        Ok(()) => {
            let mut refusal = None;
            for upload in form.photos.into_bytes() {
                let upload = upload.map_err(anyhow::Error::from)?;
                let described = NewMedia { alt: Text3::default(), caption: Text3::default(), is_public: false };
                match state.media.ingest(&state.db.main, id, upload, &described).await {
                    Ok(_) => added += 1,
                    Err(IngestError::Refused(r)) => {
                        refusal = Some(r);
                        break;
                    }
                    Err(IngestError::Internal(err)) => return Err(err.into()),
                }
            }
            refusal
        }
    };
    if added > 0 {
        let details = serde_json::json!({ "id": id, "photos": added });
        record_with(&state, &session.username, "media-added", &record.entry_number, &details).await?;
    }
    if let Some(refusal) = refusal {
        let message = Some(Msg::of_refusal(&refusal));
        let page = editor(&state, &ctx, &session, Some(id), Shown { error: message, ..Shown::default() }).await?;
        return Ok((refusal.status(), page).into_response());
    }
    Ok(Redirect::to(&format!("/admin/objects/{id}?done=uploaded")).into_response())
}

/// `POST /admin/objects/{id}/media/{media_id}`: `action` = save (alt text, caption, public),
/// up, down, primary or remove.
async fn change_media(
    State(state): State<AppState>,
    Staff(session): Staff,
    headers: HeaderMap,
    Path((id, media_id)): Path<(i64, i64)>,
    pairs: Pairs,
) -> AppResult<Response> {
    check_form(&session, &headers, pairs.get("csrf"))?;
    let record = editable(&state, &session, id).await?;
    let mut conn = state.db.main.acquire().await?;
    let all = media::list(&mut conn, id).await?;
    let Some(at) = all.iter().position(|m| m.id == media_id) else { return Err(AppError::NotFound) };
    let action = pairs.get("action");
    match action {
        "save" => {
            let text3 = |name: &str| {
                Text3::new(
                    pairs.get(&format!("{name}_be")).trim(),
                    pairs.get(&format!("{name}_en")).trim(),
                    pairs.get(&format!("{name}_ru")).trim(),
                )
            };
            media::set_text(&mut conn, media_id, &text3("alt"), &text3("caption")).await?;
            media::set_public(&mut conn, media_id, !pairs.get("is_public").is_empty()).await?;
        }
        "up" | "down" => {
            let mut order: Vec<i64> = all.iter().map(|m| m.id).collect();
            let other = if action == "up" { at.checked_sub(1) } else { Some(at + 1).filter(|i| *i < order.len()) };
            if let Some(other) = other {
                order.swap(at, other);
                media::reorder(&mut conn, id, &order).await?;
            }
        }
        "primary" => media::make_primary(&mut conn, media_id).await?,
        "remove" => {
            drop(conn);
            media::remove(&state.db.main, &state.media.store, media_id).await?;
        }
        _ => return Err(AppError::BadRequest("error-bad-query")),
    }
    let details = serde_json::json!({ "id": id, "media": media_id, "action": action });
    record_with(&state, &session.username, "media-changed", &record.entry_number, &details).await?;
    republish(&state, record.state).await?;
    Ok(Redirect::to(&format!("/admin/objects/{id}?done=photo#media-{media_id}")).into_response())
}

/// `POST /admin/objects/{id}/provenance`: adds a link at the end of the chain.
async fn add_provenance(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    headers: HeaderMap,
    Path(id): Path<i64>,
    pairs: Pairs,
) -> AppResult<Response> {
    check_form(&session, &headers, pairs.get("csrf"))?;
    let record = editable(&state, &session, id).await?;
    let event = match parse_provenance(&pairs, record.fields.donor_id.as_deref()) {
        Ok(event) => event,
        Err(key) => {
            let page =
                editor(&state, &ctx, &session, Some(id), Shown { error: Some(Msg::new(key)), ..Shown::default() });
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page.await?).into_response());
        }
    };
    let mut tx = state.db.main.begin().await?;
    let pid = objects::add_provenance(&mut tx, id, &event).await?;
    let details = serde_json::json!({ "id": id, "provenance": pid, "kind": event.kind, "public": event.is_public });
    crate::collection::audit::record(&mut tx, &session.username, "provenance-added", &record.entry_number, &details)
        .await?;
    tx.commit().await?;
    republish(&state, record.state).await?;
    Ok(Redirect::to(&format!("/admin/objects/{id}?done=provenance#provenance")).into_response())
}

/// Reads a provenance link from the editor's form; an error is a message key.
fn parse_provenance(pairs: &Pairs, donor: Option<&str>) -> Result<NewProvenance, &'static str> {
    let kind = ProvenanceKind::parse(pairs.get("kind")).ok_or("edit-error-provenance-kind")?;
    let year = |name: &str| -> Result<Option<i64>, &'static str> {
        match pairs.get(name).trim() {
            "" => Ok(None),
            y => y.parse::<i64>().ok().filter(|y| (1000..=2200).contains(y)).map(Some).ok_or("edit-error-year"),
        }
    };
    let (earliest, latest) = (year("p_earliest")?, year("p_latest")?);
    if matches!((earliest, latest), (Some(a), Some(b)) if a > b) {
        return Err("edit-error-year-order");
    }
    let qualifier = DateQualifier::parse(pairs.get("p_qualifier")).unwrap_or(DateQualifier::Unknown);
    let mut event = NewProvenance::new(kind, FuzzyDate { qualifier, earliest, latest });
    event.exact_date = match pairs.get("exact_date").trim() {
        "" => None,
        d => Some(d.parse().map_err(|_| "edit-error-date")?),
    };
    let id = |name: &str| pairs.get(name).parse::<i64>().ok();
    event.place_id = id("place");
    event.event_id = id("event");
    event.lot = pairs.get("lot").trim().chars().take(100).collect();
    event.price_minor = match pairs.get("price").trim() {
        "" => None,
        p => Some(
            p.replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|p| p.is_finite() && *p >= 0.0 && *p < 1e12)
                .map(|p| (p * 100.0).round() as i64)
                .ok_or("edit-error-price")?,
        ),
    };
    let currency = pairs.get("currency").trim().to_uppercase();
    if !(currency.is_empty() || (currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase()))) {
        return Err("edit-error-currency");
    }
    event.currency = currency;
    event.note = Text3::new(pairs.get("note_be").trim(), pairs.get("note_en").trim(), pairs.get("note_ru").trim());
    event.is_public = !pairs.get("p_public").is_empty();
    let role = match pairs.get("party_role") {
        "maker" => Some(PartyRole::Maker),
        "seller" => Some(PartyRole::Seller),
        "buyer" => Some(PartyRole::Buyer),
        "giver" => Some(PartyRole::Giver),
        "receiver" => Some(PartyRole::Receiver),
        "depositor" => Some(PartyRole::Depositor),
        "organiser" => Some(PartyRole::Organiser),
        "owner" => Some(PartyRole::Owner),
        _ => None,
    };
    let party = pairs.get("party");
    let party = if let Some(maker) = party.strip_prefix("maker:") {
        Some(PartyRef::Maker(maker.parse().map_err(|_| "edit-error-party")?))
    } else if let Some(org) = party.strip_prefix("org:") {
        Some(PartyRef::Organisation(org.parse().map_err(|_| "edit-error-party")?))
    } else if party == "museum" {
        Some(PartyRef::Museum)
    } else if party == "donor" {
        Some(PartyRef::Donor(donor.ok_or("edit-error-party")?.to_owned()))
    } else {
        None
    };
    if let (Some(role), Some(party)) = (role, party) {
        event.parties.push((role, party));
    }
    Ok(event)
}

/// `POST /admin/objects/{id}/provenance/{pid}`: `action` = up, down or remove.
async fn change_provenance(
    State(state): State<AppState>,
    Staff(session): Staff,
    headers: HeaderMap,
    Path((id, pid)): Path<(i64, i64)>,
    pairs: Pairs,
) -> AppResult<Response> {
    check_form(&session, &headers, pairs.get("csrf"))?;
    let record = editable(&state, &session, id).await?;
    let action = pairs.get("action");
    let mut tx = state.db.main.begin().await?;
    let changed = match action {
        "up" | "down" => {
            editing::move_provenance(&mut tx, id, pid, action == "up").await.map_err(|_| AppError::NotFound)?
        }
        "remove" => editing::delete_provenance(&mut tx, id, pid).await?,
        _ => return Err(AppError::BadRequest("error-bad-query")),
    };
    if changed {
        let details = serde_json::json!({ "id": id, "provenance": pid, "action": action });
        crate::collection::audit::record(
            &mut tx,
            &session.username,
            "provenance-changed",
            &record.entry_number,
            &details,
        )
        .await?;
    }
    tx.commit().await?;
    republish(&state, record.state).await?;
    Ok(Redirect::to(&format!("/admin/objects/{id}?done=provenance#provenance")).into_response())
}

fn date_or_today(text: &str) -> Result<chrono::NaiveDate, &'static str> {
    match text.trim() {
        "" => Ok(chrono::Utc::now().date_naive()),
        d => d.parse().map_err(|_| "edit-error-date"),
    }
}

/// `POST /admin/objects/{id}/move`: `location`, `moved_on`, `is_normal`, `reason`.
async fn move_object(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    headers: HeaderMap,
    Path(id): Path<i64>,
    pairs: Pairs,
) -> AppResult<Response> {
    check_form(&session, &headers, pairs.get("csrf"))?;
    let record = editable(&state, &session, id).await?;
    let locations = editing::locations(&state.db.main).await?;
    let location = pairs.get("location").parse::<i64>().ok().filter(|l| locations.iter().any(|x| x.id == *l));
    let moved_on = date_or_today(pairs.get("moved_on"));
    let (location, moved_on) = match (location, moved_on) {
        (Some(location), Ok(moved_on)) => (location, moved_on),
        (None, _) | (_, Err(_)) => {
            let key = if location.is_none() { "edit-error-choose" } else { "edit-error-date" };
            let page =
                editor(&state, &ctx, &session, Some(id), Shown { error: Some(Msg::new(key)), ..Shown::default() });
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page.await?).into_response());
        }
    };
    let reason: String = pairs.get("reason").trim().chars().take(500).collect();
    let is_normal = !pairs.get("is_normal").is_empty();
    let mut tx = state.db.main.begin().await?;
    objects::move_object(&mut tx, id, location, moved_on, is_normal, &reason).await?;
    let details =
        serde_json::json!({ "id": id, "location": location, "on": moved_on, "normal": is_normal, "reason": reason });
    crate::collection::audit::record(&mut tx, &session.username, "object-moved", &record.entry_number, &details)
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/objects/{id}?done=moved#location")).into_response())
}

/// `POST /admin/objects/{id}/exit`: `kind` (return, loan_out, disposal), `exit_on`,
/// `expected_back`, `note`. Publishing roles only.
async fn exit_object(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    headers: HeaderMap,
    Path(id): Path<i64>,
    pairs: Pairs,
) -> AppResult<Response> {
    check_form(&session, &headers, pairs.get("csrf"))?;
    require(session.role.can_publish())?;
    let record = editable(&state, &session, id).await?;
    let kind = pairs.get("kind");
    let exit_on = date_or_today(pairs.get("exit_on"));
    let expected_back = match pairs.get("expected_back").trim() {
        "" => Ok(None),
        d => d.parse().map(Some).map_err(|_| "edit-error-date"),
    };
    let (exit_on, expected_back) = match (matches!(kind, "return" | "loan_out" | "disposal"), exit_on, expected_back) {
        (true, Ok(on), Ok(back)) => (on, back),
        (false, _, _) => return Err(AppError::BadRequest("error-bad-query")),
        (true, _, _) => {
            let page = editor(
                &state,
                &ctx,
                &session,
                Some(id),
                Shown { error: Some(Msg::new("edit-error-date")), ..Shown::default() },
            );
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page.await?).into_response());
        }
    };
    let note: String = pairs.get("note").trim().chars().take(2000).collect();
    let mut tx = state.db.main.begin().await?;
    editing::record_exit(&mut tx, id, kind, exit_on, expected_back, &note).await?;
    let details =
        serde_json::json!({ "id": id, "kind": kind, "on": exit_on, "expected_back": expected_back, "note": note });
    crate::collection::audit::record(&mut tx, &session.username, "object-exit", &record.entry_number, &details).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/objects/{id}?done=exit#location")).into_response())
}

#[derive(Serialize)]
struct LocationsPage {
    locations: Vec<editing::Location>,
    error: Option<&'static str>,
    done: bool,
}

/// `GET /admin/locations`: storage places (private), with how many objects are in each.
async fn locations(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    Query(flash): Query<Flash>,
) -> AppResult<Html<String>> {
    let page = LocationsPage {
        locations: editing::locations(&state.db.main).await?,
        error: None,
        done: flash.done.as_deref() == Some("added"),
    };
    render_panel(&state, &ctx, &session, "admin/locations.html", page)
}

/// `POST /admin/locations`: `name`, `notes`.
async fn add_location(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    headers: HeaderMap,
    pairs: Pairs,
) -> AppResult<Response> {
    check_form(&session, &headers, pairs.get("csrf"))?;
    let name = pairs.get("name").trim();
    let existing = editing::locations(&state.db.main).await?;
    let error = if name.is_empty() || name.chars().count() > 200 {
        Some("location-error-name")
    } else if existing.iter().any(|l| l.name == name) {
        Some("location-error-exists")
    } else {
        None
    };
    if error.is_some() {
        let page = LocationsPage { locations: existing, error, done: false };
        let html = render_panel(&state, &ctx, &session, "admin/locations.html", page)?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    }
    let mut tx = state.db.main.begin().await?;
    let id = objects::create_location(&mut tx, name, pairs.get("notes").trim()).await?;
    let details = serde_json::json!({ "id": id });
    crate::collection::audit::record(&mut tx, &session.username, "location-created", name, &details).await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/locations?done=added").into_response())
}
