//! Authorities in the panel: makers, organisations, places, events and object types, each with its list and
//! a form to create or edit one. Anyone on the staff may add one; changing one that exists
//! can change published pages, so it needs the publishing roles.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Serialize;

use super::{render_panel, require};
use crate::app::AppState;
use crate::auth::sessions::Session;
use crate::collection::authorities::{self, Entry, Field, Input, Kind, Values};
use crate::collection::command::CommandError;
use crate::error::{AppError, AppResult};
use crate::web::Ctx;
use crate::web::forms::{FieldErrors, Flash, Msg, Pairs};
use crate::web::staff::{Staff, StaffForm, actor};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/authorities", get(|| async { Redirect::to("/admin/authorities/makers") }))
        .route("/admin/authorities/{kind}", get(list).post(create))
        .route("/admin/authorities/{kind}/{id}", get(edit).post(save))
}

fn kind_of(text: &str) -> AppResult<Kind> {
    Kind::parse(text).ok_or(AppError::NotFound)
}

#[derive(Serialize)]
struct Page {
    kind: Kind,
    kinds: [Kind; 5],
    entries: Vec<Entry>,
    fields: &'static [Field],
    /// The authority being edited, if any.
    editing: Option<i64>,
    values: BTreeMap<String, String>,
    errors: FieldErrors,
    places: Vec<Entry>,
    organisations: Vec<Entry>,
    done: Option<String>,
    can_change: bool,
    /// The object whose page the form came from, kept when the form comes back refused.
    object: Option<i64>,
    /// What the edited authority's form was filled in from (see [`authorities::version`]).
    version: Option<String>,
    /// Why the whole form was refused.
    error: Option<Msg>,
}

#[derive(Default)]
struct Shown {
    editing: Option<i64>,
    values: BTreeMap<String, String>,
    errors: FieldErrors,
    done: Option<String>,
    object: Option<i64>,
    version: Option<String>,
    error: Option<Msg>,
}

async fn page(state: &AppState, ctx: &Ctx, session: &Session, kind: Kind, shown: Shown) -> AppResult<Html<String>> {
    let pool = &state.db.main;
    let page = Page {
        kind,
        kinds: Kind::ALL,
        entries: authorities::list(pool, kind, ctx.choice.lang).await?,
        fields: kind.fields(),
        editing: shown.editing,
        values: shown.values,
        errors: shown.errors,
        places: authorities::list(pool, Kind::Places, ctx.choice.lang).await?,
        organisations: authorities::list(pool, Kind::Organisations, ctx.choice.lang).await?,
        done: shown.done.filter(|d| matches!(d.as_str(), "created" | "saved")),
        can_change: session.role.can_publish(),
        object: shown.object,
        version: shown.version,
        error: shown.error,
    };
    render_panel(state, ctx, session, "admin/authorities.html", page)
}

/// The form again, as typed, with a message beside each field it refuses.
async fn refused(state: &AppState, ctx: &Ctx, session: &Session, kind: Kind, shown: Shown) -> AppResult<Response> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page(state, ctx, session, kind, shown).await?).into_response())
}

fn text_values(values: Values) -> BTreeMap<String, String> {
    values.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn empty(kind: Kind) -> BTreeMap<String, String> {
    kind.fields().iter().map(|f| (f.column.to_owned(), String::new())).collect()
}

/// `GET /admin/authorities/{kind}`: the list and a form for a new one.
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    Path(kind): Path<String>,
    Query(flash): Query<Flash>,
) -> AppResult<Html<String>> {
    let kind = kind_of(&kind)?;
    let shown = Shown { values: empty(kind), done: flash.done, ..Shown::default() };
    page(&state, &ctx, &session, kind, shown).await
}

/// `GET /admin/authorities/{kind}/{id}`.
async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    Path((kind, id)): Path<(String, i64)>,
    Query(flash): Query<Flash>,
) -> AppResult<Html<String>> {
    let kind = kind_of(&kind)?;
    let mut conn = state.db.main.acquire().await?;
    let values = authorities::load(&mut conn, kind, id).await?.ok_or(AppError::NotFound)?;
    drop(conn);
    let version = Some(authorities::version(&values));
    let shown = Shown { editing: Some(id), values: text_values(values), done: flash.done, version, ..Shown::default() };
    page(&state, &ctx, &session, kind, shown).await
}

/// Reads and checks the form for `kind` (`id` is the authority being edited, if any).
async fn read(state: &AppState, kind: Kind, id: Option<i64>, pairs: &Pairs) -> AppResult<Result<Values, FieldErrors>> {
    let places: Vec<i64> = authorities::ids(&state.db.main, Kind::Places).await?;
    let orgs: Vec<i64> = authorities::ids(&state.db.main, Kind::Organisations).await?;
    let known = |k: Kind, id: i64| match k {
        Kind::Places => places.contains(&id),
        Kind::Organisations => orgs.contains(&id),
        _ => false,
    };
    let mut result = authorities::validate(kind, &|c| pairs.get(c).to_owned(), &known).map_err(FieldErrors::from);
    // A new code must name one authority only (an existing one keeps its code).
    let mut conn = state.db.main.acquire().await?;
    for f in kind.fields().iter().filter(|f| id.is_none() && matches!(f.input, Input::Code)) {
        let value = pairs.get(f.column).trim();
        if authorities::taken(&mut conn, kind, f.column, value).await? {
            let mut taken = FieldErrors::default();
            taken.key(f.column, "authority-error-code-taken");
            result = match result {
                Ok(_) => Err(taken),
                Err(errors) => {
                    taken.merge(errors);
                    Err(taken)
                }
            };
        }
    }
    Ok(result)
}

fn typed(kind: Kind, pairs: &Pairs) -> BTreeMap<String, String> {
    kind.fields().iter().map(|f| (f.column.to_owned(), pairs.get(f.column).to_owned())).collect()
}

/// `POST /admin/authorities/{kind}`: a new authority; from an object's page (`object`), linked
/// to that object at once.
async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(kind): Path<String>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    let StaffForm { session, form: pairs } = posted;
    let kind = kind_of(&kind)?;
    // A new type is offered at once by the public intake form: adding one publishes its name.
    require(kind != Kind::Types || session.role.can_publish())?;
    let object = pairs.get("object").parse::<i64>().ok();
    let as_typed = |errors| Shown { values: typed(kind, &pairs), errors, object, ..Shown::default() };
    let values = match read(&state, kind, None, &pairs).await? {
        Ok(values) => values,
        Err(errors) => return refused(&state, &ctx, &session, kind, as_typed(errors)).await,
    };
    let create = authorities::CreateAuthority { kind, values, link_to: object };
    let id = match state.run(actor(&session), create).await {
        Ok(id) => id,
        // Another curator took the same code a moment ago.
        Err(CommandError::Refused(key @ "authority-error-code-taken")) => {
            let errors = FieldErrors::from([("code", Msg::new(key))]);
            return refused(&state, &ctx, &session, kind, as_typed(errors)).await;
        }
        Err(err) => return Err(err.into()),
    };
    if let Some(object) = object {
        return Ok(Redirect::to(&format!("/admin/objects/{object}?done=saved")).into_response());
    }
    Ok(Redirect::to(&format!("/admin/authorities/{}/{id}?done=created", kind.as_str())).into_response())
}

/// `POST /admin/authorities/{kind}/{id}`: saves an authority; the audit log gets each change.
async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((kind, id)): Path<(String, i64)>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    let StaffForm { session, form: pairs } = posted;
    require(session.role.can_publish())?;
    let kind = kind_of(&kind)?;
    let values = match read(&state, kind, Some(id), &pairs).await? {
        Ok(values) => values,
        Err(errors) => {
            let shown = Shown { editing: Some(id), values: typed(kind, &pairs), errors, ..Shown::default() };
            return refused(&state, &ctx, &session, kind, shown).await;
        }
    };
    let seen = Some(pairs.get("version").to_owned()).filter(|v| !v.is_empty());
    match state.run(actor(&session), authorities::SaveAuthority { kind, id, values, seen }).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/authorities/{}/{id}?done=saved", kind.as_str())).into_response()),
        // Saved by someone else since the form was opened: what was typed comes back unsaved,
        // with the new version, so that saving again is a knowing choice.
        Err(CommandError::Refused(key)) => {
            let mut conn = state.db.main.acquire().await?;
            let now = authorities::load(&mut conn, kind, id).await?.ok_or(AppError::NotFound)?;
            drop(conn);
            let shown = Shown {
                editing: Some(id),
                values: typed(kind, &pairs),
                version: Some(authorities::version(&now)),
                error: Some(Msg::new(key)),
                ..Shown::default()
            };
            refused(&state, &ctx, &session, kind, shown).await
        }
        Err(err) => Err(err.into()),
    }
}
