//! Inventory in the panel: the stocktakes, one stocktake's list to tick, and its report. The
//! rules live in [`crate::collection::inventory`].

use std::collections::BTreeSet;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Serialize;

use super::objects::date_or_today;
use super::{render_panel, require};
use crate::app::AppState;
use crate::auth::sessions::Session;
use crate::collection::command::CommandError;
use crate::collection::inventory::{self, CloseStocktake, Item, StartStocktake, Stocktake, TickFound};
use crate::collection::whereabouts::{self, Location};
use crate::error::{AppError, AppResult};
use crate::web::Ctx;
use crate::web::forms::{Flash, Pairs};
use crate::web::staff::{Staff, StaffForm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/stocktakes", get(list).post(start))
        .route("/admin/stocktakes/{id}", get(show).post(tick))
        .route("/admin/stocktakes/{id}/close", post(close))
        .route("/admin/stocktakes/{id}/report.csv", get(report_csv))
}

#[derive(Serialize)]
struct ListPage {
    stocktakes: Vec<Stocktake>,
    locations: Vec<Location>,
    can_start: bool,
    error: Option<&'static str>,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    error: Option<&'static str>,
) -> AppResult<Html<String>> {
    let stocktakes = inventory::stocktakes(&mut *state.db.main.acquire().await?).await?;
    let locations = whereabouts::locations(&state.db.main).await?;
    let can_start = session.role.can_publish();
    let page = ListPage { stocktakes, locations, can_start, error };
    render_panel(state, ctx, session, "admin/stocktakes.html", page)
}

/// `GET /admin/stocktakes`.
async fn list(State(state): State<AppState>, ctx: Ctx, Staff(session): Staff) -> AppResult<Html<String>> {
    list_page(&state, &ctx, &session, None).await
}

/// A refused form: its page again with the message, answered 422.
fn refused(html: Html<String>) -> Response {
    (axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
}

/// `POST /admin/stocktakes`: `location`, `started_on`, `note`. Publishing roles.
async fn start(State(state): State<AppState>, ctx: Ctx, posted: StaffForm<Pairs>) -> AppResult<Response> {
    require(posted.session.role.can_publish())?;
    let pairs = &posted.form;
    let command = date_or_today(pairs.get("started_on")).map(|on| StartStocktake {
        location: pairs.get("location").parse().unwrap_or(0),
        on,
        note: pairs.get("note").to_owned(),
    });
    let result = state.run_form(posted.actor(), command).await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/admin/stocktakes/{id}?done=started")).into_response()),
        Err(CommandError::Refused(key)) => Ok(refused(list_page(&state, &ctx, &posted.session, Some(key)).await?)),
        Err(err) => Err(err.into()),
    }
}

#[derive(Serialize)]
struct StocktakePage {
    stocktake: Stocktake,
    items: Vec<ItemView>,
    can_close: bool,
    error: Option<&'static str>,
    done: Option<String>,
}

#[derive(Serialize)]
struct ItemView {
    #[serde(flatten)]
    item: Item,
    status: &'static str,
}

async fn stocktake_page(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    id: i64,
    error: Option<&'static str>,
    done: Option<String>,
) -> AppResult<Html<String>> {
    let mut conn = state.db.main.acquire().await?;
    let stocktake = inventory::stocktake(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let items = inventory::items(&mut conn, id).await?;
    drop(conn);
    let items = items.into_iter().map(|item| ItemView { status: item.status(), item }).collect();
    let can_close = session.role.can_publish();
    let page = StocktakePage { stocktake, items, can_close, error, done };
    render_panel(state, ctx, session, "admin/stocktake.html", page)
}

/// `GET /admin/stocktakes/{id}`.
async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> AppResult<Html<String>> {
    stocktake_page(&state, &ctx, &session, id, None, flash.known(&["started", "ticked", "closed"])).await
}

/// After a stocktake's form: back to it, or its page again with the refusal.
async fn answer(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    id: i64,
    result: Result<(), CommandError>,
    done: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/stocktakes/{id}?done={done}")).into_response()),
        Err(CommandError::Refused(key)) => Ok(refused(stocktake_page(state, ctx, session, id, Some(key), None).await?)),
        Err(err) => Err(err.into()),
    }
}

/// `POST /admin/stocktakes/{id}`: `shown` (every object on the page), `found` (those ticked)
/// and `number` (an entry or accession number found there). The ticks are saved even when the
/// number is refused. Anyone on the staff.
async fn tick(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    let ids = |name: &str| -> BTreeSet<i64> { posted.form.all(name).iter().filter_map(|v| v.parse().ok()).collect() };
    let ticks = TickFound { stocktake: id, shown: ids("shown"), found: ids("found"), number: String::new() };
    let mut result = state.run(posted.actor(), ticks).await;
    let number = posted.form.get("number").trim();
    if result.is_ok() && !number.is_empty() {
        let found =
            TickFound { stocktake: id, shown: BTreeSet::new(), found: BTreeSet::new(), number: number.to_owned() };
        result = state.run(posted.actor(), found).await;
    }
    answer(&state, &ctx, &posted.session, id, result, "ticked").await
}

/// `POST /admin/stocktakes/{id}/close`: `closed_on`. Publishing roles.
async fn close(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    require(posted.session.role.can_publish())?;
    let close = date_or_today(posted.form.get("closed_on")).map(|on| CloseStocktake { stocktake: id, on });
    let result = state.run_form(posted.actor(), close).await;
    answer(&state, &ctx, &posted.session, id, result, "closed").await
}

/// `GET /admin/stocktakes/{id}/report.csv`: every object of the stocktake with what was found.
async fn report_csv(State(state): State<AppState>, Staff(_session): Staff, Path(id): Path<i64>) -> AppResult<Response> {
    let mut conn = state.db.main.acquire().await?;
    let stocktake = inventory::stocktake(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let items = inventory::items(&mut conn, id).await?;
    drop(conn);
    let header = ["location", "accession_number", "entry_number", "title", "status", "recorded_location"];
    let rows = items.iter().map(|i| {
        vec![
            stocktake.location.as_str(),
            i.accession_number.as_deref().unwrap_or_default(),
            &i.entry_number,
            &i.title,
            i.status(),
            i.recorded_at.as_deref().unwrap_or_default(),
        ]
    });
    super::csv_download("stocktake.csv", &header, rows)
}
