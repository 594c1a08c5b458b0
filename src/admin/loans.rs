//! Loans in the panel: the list with a form for a new one, a loan's page with its objects and
//! its next steps. Publishing roles only (a loan carries an insurance value). The rules live
//! in [`crate::collection::loans`].

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Serialize;

use super::objects::{Choice, date_or_today, optional_date};
use super::{render_panel, require};
use crate::app::AppState;
use crate::auth::sessions::Session;
use crate::collection::authorities::{self, Entry, Kind};
use crate::collection::command::CommandError;
use crate::collection::loans::{self, AddToLoan, AdvanceLoan, CreateLoan, Direction, Loan, LoanObject, Step};
use crate::collection::whereabouts::{self, Location};
use crate::collection::{Currency, Price};
use crate::error::{AppError, AppResult};
use crate::web::Ctx;
use crate::web::forms::{Flash, Pairs};
use crate::web::staff::{Staff, StaffForm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/loans", get(list).post(create))
        .route("/admin/loans/{id}", get(show))
        .route("/admin/loans/{id}/objects", post(add_object))
        .route("/admin/loans/{id}/step", post(step))
}

#[derive(Serialize)]
struct ListPage {
    loans: Vec<Loan>,
    organisations: Vec<Entry>,
    events: Vec<Entry>,
    directions: Vec<Choice>,
    error: Option<&'static str>,
    /// The new loan's form: empty, or as typed when it was refused (not `typed`: the
    /// templates' function of that name would be hidden).
    new_loan: LoanTyped,
}

/// What the new loan's form holds.
#[derive(Serialize)]
struct LoanTyped {
    direction: String,
    organisation: String,
    event: String,
    reference: String,
    starts_on: String,
    ends_on: String,
    insurance: String,
    currency: String,
    conditions: String,
}

impl LoanTyped {
    fn of(pairs: Option<&Pairs>) -> Self {
        let get = |name: &str| pairs.map(|p| p.get(name).to_owned()).unwrap_or_default();
        let currency = pairs.map_or_else(|| "EUR".to_owned(), |p| p.get("currency").to_owned());
        Self {
            direction: get("direction"),
            organisation: get("organisation"),
            event: get("event"),
            reference: get("reference"),
            starts_on: get("starts_on"),
            ends_on: get("ends_on"),
            insurance: get("insurance"),
            currency,
            conditions: get("conditions"),
        }
    }
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    error: Option<&'static str>,
    typed: Option<&Pairs>,
) -> AppResult<Response> {
    require(session.role.can_publish())?;
    let pool = &state.db.main;
    let lang = ctx.choice.lang;
    let page = ListPage {
        loans: loans::loans(&mut *pool.acquire().await?).await?,
        organisations: authorities::list(pool, Kind::Organisations, lang).await?,
        events: authorities::list(pool, Kind::Events, lang).await?,
        directions: Direction::ALL
            .iter()
            .map(|d| Choice { value: d.as_str().to_owned(), label: state.translations.get(lang, &d.label_key(), None) })
            .collect(),
        error,
        new_loan: LoanTyped::of(typed),
    };
    let html = render_panel(state, ctx, session, "admin/loans.html", page)?;
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, html).into_response())
}

/// `GET /admin/loans`.
async fn list(State(state): State<AppState>, ctx: Ctx, Staff(session): Staff) -> AppResult<Response> {
    list_page(&state, &ctx, &session, None, None).await
}

/// Reads the new loan's form; an error is a message key.
fn parse_loan(pairs: &Pairs) -> Result<CreateLoan, &'static str> {
    let id = |name: &str| pairs.get(name).parse::<i64>().map_err(|_| "edit-error-choose");
    let insurance = match pairs.get("insurance").trim() {
        "" => None,
        amount => Some((amount.parse::<Price>()?.0, pairs.get("currency").parse::<Currency>()?)),
    };
    Ok(CreateLoan {
        direction: Direction::parse(pairs.get("direction")).ok_or("edit-error-choose")?,
        organisation: id("organisation")?,
        event: match pairs.get("event") {
            "" => None,
            _ => Some(id("event")?),
        },
        reference: pairs.get("reference").to_owned(),
        starts_on: optional_date(pairs.get("starts_on"))?.ok_or("edit-error-date")?,
        ends_on: optional_date(pairs.get("ends_on"))?.ok_or("edit-error-date")?,
        insurance,
        conditions: pairs.get("conditions").to_owned(),
    })
}

/// `POST /admin/loans`: `direction`, `organisation`, `event`, `reference`, `starts_on`,
/// `ends_on`, `insurance`, `currency`, `conditions`.
async fn create(State(state): State<AppState>, ctx: Ctx, posted: StaffForm<Pairs>) -> AppResult<Response> {
    require(posted.session.role.can_publish())?;
    let result = state.run_form(posted.actor(), parse_loan(&posted.form)).await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/admin/loans/{id}?done=created")).into_response()),
        Err(CommandError::Refused(key)) => {
            list_page(&state, &ctx, &posted.session, Some(key), Some(&posted.form)).await
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(Serialize)]
struct LoanPage {
    loan: Loan,
    objects: Vec<LoanObject>,
    locations: Vec<Location>,
    error: Option<&'static str>,
    done: Option<String>,
}

async fn loan_page(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    id: i64,
    error: Option<&'static str>,
    done: Option<String>,
) -> AppResult<Response> {
    require(session.role.can_publish())?;
    let mut conn = state.db.main.acquire().await?;
    let loan = loans::loan(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let objects = loans::objects(&mut conn, id).await?;
    drop(conn);
    let locations = whereabouts::locations(&state.db.main).await?;
    let page = LoanPage { loan, objects, locations, error, done };
    let html = render_panel(state, ctx, session, "admin/loan.html", page)?;
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, html).into_response())
}

/// `GET /admin/loans/{id}`.
async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    let done = flash.known(&["created", "added", "agreed", "sent", "returned", "cancelled"]);
    loan_page(&state, &ctx, &session, id, None, done).await
}

async fn answer<T>(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    id: i64,
    result: Result<T, CommandError>,
    done: &str,
) -> AppResult<Response> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/admin/loans/{id}?done={done}")).into_response()),
        Err(CommandError::Refused(key)) => loan_page(state, ctx, session, id, Some(key), None).await,
        Err(err) => Err(err.into()),
    }
}

/// `POST /admin/loans/{id}/objects`: `number`, an object's accession or entry number.
async fn add_object(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    require(posted.session.role.can_publish())?;
    let object =
        crate::collection::objects::by_number(&mut *state.db.main.acquire().await?, posted.form.get("number")).await?;
    let result = match object {
        Some((object, _)) => state.run(posted.actor(), AddToLoan { loan: id, object }).await,
        None => Err(CommandError::Refused("stocktake-error-unknown")),
    };
    answer(&state, &ctx, &posted.session, id, result, "added").await
}

/// `POST /admin/loans/{id}/step`: `step` = agree, send, return or cancel; `on` and
/// `location` for sending and returning.
async fn step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    require(posted.session.role.can_publish())?;
    let pairs = &posted.form;
    let location = pairs.get("location").parse::<i64>().ok();
    let parsed = match pairs.get("step") {
        "agree" => Ok((Step::Agree, "agreed")),
        "send" => date_or_today(pairs.get("on")).map(|on| (Step::Send { on, location }, "sent")),
        "return" => date_or_today(pairs.get("on")).map(|on| (Step::Return { on, location }, "returned")),
        "cancel" => Ok((Step::Cancel, "cancelled")),
        _ => Err("loan-error-step"),
    };
    let done = parsed.as_ref().map_or("", |(_, done)| *done);
    let result = state.run_form(posted.actor(), parsed.map(|(step, _)| AdvanceLoan { loan: id, step })).await;
    answer(&state, &ctx, &posted.session, id, result, done).await
}
