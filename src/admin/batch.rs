//! Batch editing from the object list: the objects ticked (or every result of the list's
//! search) get one change, after a preview of what it will do to each. The rules live in
//! [`crate::collection::batch`].

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use chrono::Datelike;
use serde::Serialize;

use super::objects::{Choice, date_or_today};
use super::{render_panel, require};
use crate::app::AppState;
use crate::collection::authorities::{self, Entry, Kind};
use crate::collection::batch::{BatchEdit, Change, MAX_OBJECTS, Outcome};
use crate::collection::command::{CommandError, dry_run};
use crate::collection::inventory;
use crate::collection::loans::{self, LoanStatus};
use crate::collection::objects;
use crate::collection::rights::{self, Rights};
use crate::collection::whereabouts;
use crate::collection::{ObjectType, PubState};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web::Ctx;
use crate::web::forms::Pairs;
use crate::web::staff::StaffForm;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/objects/batch", post(batch))
}

/// What the list offers to set, for publishing roles.
#[derive(Serialize)]
pub struct BatchChoices {
    events: Vec<Entry>,
    makers: Vec<Entry>,
    locations: Vec<whereabouts::Location>,
    rights: Vec<Choice>,
    /// Open stocktakes, by id, with their location's name.
    stocktakes: Vec<(i64, String)>,
    /// Loans being arranged, by id, with their organisation and reference.
    loans: Vec<(i64, String)>,
}

pub(super) async fn choices(state: &AppState, lang: Lang) -> AppResult<BatchChoices> {
    let pool = &state.db.main;
    let stocktakes = inventory::stocktakes(&mut *pool.acquire().await?)
        .await?
        .into_iter()
        .filter(|s| s.closed_on.is_none())
        .map(|s| (s.id, s.location))
        .collect();
    let loans = loans::loans(&mut *pool.acquire().await?)
        .await?
        .into_iter()
        .filter(|l| matches!(l.status, LoanStatus::Requested | LoanStatus::Agreed))
        .map(|l| (l.id, format!("{} {} · {}", l.organisation, l.reference, l.starts_on)))
        .collect();
    Ok(BatchChoices {
        events: authorities::list(pool, Kind::Events, lang).await?,
        makers: authorities::list(pool, Kind::Makers, lang).await?,
        locations: whereabouts::locations(pool).await?,
        rights: rights::VOCABULARY
            .iter()
            .map(|r| Choice { value: r.uri.to_owned(), label: r.name.to_owned() })
            .collect(),
        stocktakes,
        loans,
    })
}

/// The change the form asks for: `change` names it, `to_{change}` gives its value; `on` dates
/// a move. An error is a message key.
fn parse_change(state: &AppState, form: &Pairs) -> Result<Change, &'static str> {
    let id = |name: &str| form.get(name).parse::<i64>().map_err(|_| "edit-error-choose");
    Ok(match form.get("change") {
        "type" => {
            let code = form.get("to_type");
            if !ObjectType::is_code(code) {
                return Err("edit-error-choose");
            }
            Change::Type(code.to_owned())
        }
        "event" => Change::AddEvent(id("to_event")?),
        "maker" => Change::AddMaker(id("to_maker")?),
        "rights" => Change::Rights(Rights::choice(form.get("to_rights"))?),
        "location" => Change::Move { location: id("to_location")?, on: date_or_today(form.get("on"))? },
        "publish" => {
            Change::Publish { pattern: state.config.accession_pattern.clone(), year: chrono::Utc::now().year() }
        }
        "withdraw" => Change::Withdraw,
        "stocktake" => Change::Stocktake(id("to_stocktake")?),
        "loan" => Change::Loan(id("to_loan")?),
        _ => return Err("batch-error-change"),
    })
}

#[derive(Serialize)]
struct PreviewPage {
    outcomes: Vec<Outcome>,
    changing: usize,
    /// The form's fields, sent again with `confirm`.
    fields: Vec<(String, String)>,
    error: Option<&'static str>,
}

/// `POST /admin/objects/batch`: `ids` (each ticked object) or `all` with the list's `q`,
/// `state` and `type`; `change` and its value; without `confirm=yes` a preview, with it the
/// change. Publishing roles.
async fn batch(State(state): State<AppState>, ctx: Ctx, posted: StaffForm<Pairs>) -> AppResult<Response> {
    require(posted.session.role.can_publish())?;
    let form = &posted.form;
    let ids: Vec<i64> = if form.ticked("all") {
        let pub_state = match form.get("state") {
            "" => None,
            s => Some(PubState::parse(s).ok_or(AppError::BadRequest("error-bad-filter"))?),
        };
        let object_type = Some(form.get("type")).filter(|t| !t.is_empty());
        let limit = MAX_OBJECTS as i64 + 1;
        objects::matching_ids(&state.db.main, form.get("q"), pub_state, object_type, limit).await?
    } else {
        form.all("ids").iter().filter_map(|v| v.parse().ok()).collect()
    };
    let refused = |error: &'static str| -> AppResult<Response> {
        let page = PreviewPage { outcomes: Vec::new(), changing: 0, fields: Vec::new(), error: Some(error) };
        let html = render_panel(&state, &ctx, &posted.session, "admin/batch.html", page)?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
    };
    let change = match parse_change(&state, form) {
        Ok(change) => change,
        Err(key) => return refused(key),
    };
    let command = BatchEdit { ids: ids.clone(), change };
    if form.get("confirm") == "yes" {
        return match state.run(posted.actor(), command).await {
            Ok(outcomes) => {
                let changed = outcomes.iter().filter(|o| o.changed()).count();
                Ok(Redirect::to(&format!("/admin/objects?done=batch&changed={changed}")).into_response())
            }
            Err(CommandError::Refused(key)) => refused(key),
            Err(err) => Err(err.into()),
        };
    }
    let outcomes = match dry_run(&state.db.writer, posted.actor(), command).await {
        Ok(outcomes) => outcomes,
        Err(CommandError::Refused(key)) => return refused(key),
        Err(err) => return Err(err.into()),
    };
    // Sent again with the confirmation: the objects themselves (not the search, which may
    // find others by then) and the change.
    let mut fields: Vec<(String, String)> = outcomes.iter().map(|o| ("ids".to_owned(), o.id.to_string())).collect();
    for name in
        ["change", "to_type", "to_event", "to_maker", "to_rights", "to_location", "to_stocktake", "to_loan", "on"]
    {
        if !form.get(name).is_empty() {
            fields.push((name.to_owned(), form.get(name).to_owned()));
        }
    }
    let changing = outcomes.iter().filter(|o| o.changed()).count();
    let page = PreviewPage { outcomes, changing, fields, error: None };
    Ok(render_panel(&state, &ctx, &posted.session, "admin/batch.html", page)?.into_response())
}
