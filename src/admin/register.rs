//! The registrar's procedures in the panel: accessioning and deaccessioning an object,
//! condition reports with photos, valuations, the accession register and an object's history.
//! Forms post to the object and come back to its editor; the rules live in
//! [`crate::collection::register`].

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Serialize;

use super::objects::{Posted, date_or_today, refused_form};
use super::{render_panel, require};
use crate::app::AppState;
use crate::collection::command::{CommandError, CommandResult};
use crate::collection::register::{
    self, Accession, AccessionAct, Condition, Deaccession, DisposalMethod, ReportCondition, ValuationPurpose, Value,
};
use crate::collection::{AcquisitionMethod, Currency, Price, objects};
use crate::error::{AppError, AppResult};
use crate::media::{IngestError, upload};
use crate::web::Ctx;
use crate::web::forms::{Msg, Pairs};
use crate::web::staff::{Staff, StaffForm, check_form};

pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/admin/objects/{id}/accession", post(accession))
        .route("/admin/objects/{id}/deaccession", post(deaccession))
        .route(
            "/admin/objects/{id}/condition",
            post(condition).layer(DefaultBodyLimit::max(upload::body_limit(&state.media.limits))),
        )
        .route("/admin/objects/{id}/valuation", post(valuation))
        .route("/admin/objects/{id}/history", get(history))
        .route("/admin/register", get(register_page))
        .route("/admin/register.csv", get(register_csv))
}

/// After a procedure: back to the object's editor at its section, or the editor again with
/// the refusal's message.
async fn answer<T>(
    state: &AppState,
    ctx: &Ctx,
    posted: &StaffForm<Pairs>,
    id: i64,
    result: CommandResult<T>,
    done: &'static str,
) -> AppResult<Response> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/admin/objects/{id}?done={done}#register")).into_response()),
        Err(CommandError::Refused(key)) => refused_form(state, ctx, posted, id, done, key).await,
        Err(err) => Err(err.into()),
    }
}

/// `POST /admin/objects/{id}/accession`: `accessioned_on`, `method`, `authority`.
async fn accession(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    require(posted.session.role.can_publish())?;
    let pairs = &posted.form;
    let parsed = date_or_today(pairs.get("accessioned_on")).and_then(|on| {
        let method = match pairs.get("method") {
            "" => None,
            m => Some(AcquisitionMethod::parse(m).ok_or("edit-error-choose")?),
        };
        Ok(AccessionAct { on, method, authority: pairs.get("authority").to_owned() })
    });
    let command = parsed.map(|act| Accession { id, act, pattern: state.config.accession_pattern.clone() });
    let result = state.run_form(posted.actor(), command).await;
    answer(&state, &ctx, &posted, id, result, "accessioned").await
}

/// `POST /admin/objects/{id}/deaccession`: `deaccessioned_on`, `reason`, `authority`,
/// `disposal`.
async fn deaccession(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    require(posted.session.role.can_publish())?;
    let pairs = &posted.form;
    let parsed = date_or_today(pairs.get("deaccessioned_on")).and_then(|on| {
        Ok(Deaccession {
            id,
            on,
            reason: pairs.get("reason").to_owned(),
            authority: pairs.get("authority").to_owned(),
            disposal: DisposalMethod::parse(pairs.get("disposal")).ok_or("edit-error-choose")?,
        })
    });
    let result = state.run_form(posted.actor(), parsed).await;
    answer(&state, &ctx, &posted, id, result, "deaccessioned").await
}

/// `POST /admin/objects/{id}/valuation`: `valued_on`, `amount`, `currency`, `purpose`, `note`.
/// Publishing roles only.
async fn valuation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    posted: StaffForm<Pairs>,
) -> AppResult<Response> {
    require(posted.session.role.can_publish())?;
    let pairs = &posted.form;
    let parsed = date_or_today(pairs.get("valued_on")).and_then(|on| {
        Ok(Value {
            object: id,
            on,
            amount_minor: pairs.get("amount").parse::<Price>()?.0,
            currency: pairs.get("currency").parse::<Currency>()?,
            purpose: ValuationPurpose::parse(pairs.get("purpose")).ok_or("edit-error-choose")?,
            note: pairs.get("note").to_owned(),
        })
    });
    let result = state.run_form(posted.actor(), parsed).await;
    answer(&state, &ctx, &posted, id, result, "valuation").await
}

/// `POST /admin/objects/{id}/condition` (multipart): `checked_on`, `condition`, `notes`,
/// `photos` (several, optional). A refused photo refuses the report: nothing is recorded.
async fn condition(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    headers: HeaderMap,
    Path(id): Path<i64>,
    request: Request,
) -> AppResult<Response> {
    let token_ok = |form: &upload::Form| check_form(&staff.0, &headers, form.get("csrf").unwrap_or_default()).is_ok();
    let (form, read) = upload::read_form_keeping(request, "photos", &state.media.limits, token_ok).await;
    check_form(&staff.0, &headers, form.get("csrf").unwrap_or_default())?;
    objects::editable_by(&mut *state.db.main.acquire().await?, &staff.actor(), id).await?;
    let field = |name: &str| form.get(name).unwrap_or_default().to_owned();
    let notes = field("notes");
    // A refused report comes back as it was typed (its photos to be chosen again).
    let typed = form.fields.clone();
    let refuse = |msg: Msg, status: StatusCode| {
        let posted = Posted::new("condition", typed.clone(), msg);
        let (state, ctx, session) = (&state, &ctx, &staff.0);
        async move {
            let mut page = super::objects::refused_in(state, ctx, session, id, posted).await?;
            *page.status_mut() = status;
            Ok::<_, AppError>(page)
        }
    };
    let parsed = date_or_today(&field("checked_on"))
        .and_then(|on| Ok((on, Condition::parse(&field("condition")).ok_or("edit-error-choose")?)));
    let (on, grade) = match parsed {
        Ok(parsed) => parsed,
        Err(key) => return refuse(Msg::new(key), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    if let Err(refusal) = read {
        return refuse(Msg::of_refusal(&refusal), refusal.status()).await;
    }
    let mut prepared = Vec::new();
    let mut refusal = None;
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
    let (photos, pixels): (Vec<_>, Vec<_>) = prepared.into_iter().unzip();
    let hashes: Vec<String> = photos.iter().map(|p: &crate::media::Stored| p.hash.clone()).collect();
    let result = match refusal {
        Some(refusal) => Err(refusal),
        None => {
            let report = ReportCondition { object: id, on, condition: grade, notes, photos };
            Ok(state.run(staff.actor(), report).await)
        }
    };
    match result {
        Ok(Ok((_, media_ids))) => {
            for ((media_id, hash), pixels) in media_ids.into_iter().zip(&hashes).zip(pixels) {
                state.media.hand_off(media_id, hash, pixels);
            }
            Ok(Redirect::to(&format!("/admin/objects/{id}?done=condition#condition")).into_response())
        }
        other => {
            // Nothing recorded: the photos stored for it go.
            for hash in &hashes {
                crate::media::remove_files_if_unused(&state.db.main, &state.media.store, hash).await?;
            }
            match other {
                Err(refusal) => refuse(Msg::of_refusal(&refusal), refusal.status()).await,
                Ok(Err(CommandError::Refused(key))) => refuse(Msg::new(key), StatusCode::UNPROCESSABLE_ENTITY).await,
                Ok(Err(err)) => Err(err.into()),
                Ok(Ok(_)) => unreachable!("handled above"),
            }
        }
    }
}

/// One audit entry of an object's history, with its changes as lines.
#[derive(Serialize)]
struct HistoryPage {
    id: i64,
    entry_number: String,
    title: String,
    rows: Vec<super::accounts::AuditRow>,
}

/// `GET /admin/objects/{id}/history`: every audited change of the object, in order, with old
/// and new values. Valuations only for publishing roles.
async fn history(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let mut conn = state.db.main.acquire().await?;
    let object = objects::staff_view(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let entries = register::history(&mut conn, &object.entry_number, session.role.can_publish()).await?;
    drop(conn);
    let page = HistoryPage {
        id,
        title: object.title.get(ctx.choice.lang).to_owned(),
        entry_number: object.entry_number,
        rows: entries.into_iter().map(super::accounts::AuditRow::of).collect(),
    };
    render_panel(&state, &ctx, &session, "admin/history.html", page)
}

#[derive(Serialize)]
struct RegisterPage {
    lines: Vec<register::RegisterLine>,
}

/// `GET /admin/register`: the accession register, deaccessioned numbers marked.
async fn register_page(State(state): State<AppState>, ctx: Ctx, Staff(session): Staff) -> AppResult<Html<String>> {
    let lines = register::register(&mut *state.db.main.acquire().await?).await?;
    render_panel(&state, &ctx, &session, "admin/register.html", RegisterPage { lines })
}

/// `GET /admin/register.csv`: the register as a spreadsheet opens it.
async fn register_csv(State(state): State<AppState>, Staff(_session): Staff) -> AppResult<Response> {
    let lines = register::register(&mut *state.db.main.acquire().await?).await?;
    let header = [
        "accession_number",
        "entry_number",
        "title",
        "accessioned_on",
        "method",
        "authority",
        "deaccessioned_on",
        "deaccession_reason",
        "deaccession_authority",
        "disposal_method",
    ];
    let rows = lines.iter().map(|l| {
        vec![
            l.accession_number.as_str(),
            &l.entry_number,
            &l.title,
            &l.accessioned_on,
            l.method.as_deref().unwrap_or_default(),
            &l.authority,
            l.deaccessioned_on.as_deref().unwrap_or_default(),
            &l.deaccession_reason,
            &l.deaccession_authority,
            l.disposal_method.as_deref().unwrap_or_default(),
        ]
    });
    super::csv_download("register.csv", &header, rows)
}
