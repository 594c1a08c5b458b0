//! The collection as a table in the panel: download it as CSV, edit it in a spreadsheet, and
//! send it back, checked first (a dry run) or for real. Publishing roles. The rules live in
//! [`crate::collection::table`].

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use super::{render_panel, require};
use crate::app::AppState;
use crate::collection::command::{CommandError, dry_run};
use crate::collection::table::{self, FileError, ImportTable, RowReport};
use crate::error::{AppError, AppResult};
use crate::media::upload;
use crate::web::Ctx;
use crate::web::forms::Msg;
use crate::web::staff::{Staff, check_form};

pub fn router(state: &AppState) -> Router<AppState> {
    Router::new().route("/admin/objects.csv", get(export)).route(
        "/admin/objects/import",
        get(form).post(import).layer(DefaultBodyLimit::max(upload::body_limit(&state.media.limits))),
    )
}

/// `GET /admin/objects.csv`: every object, every field.
async fn export(State(state): State<AppState>, Staff(session): Staff) -> AppResult<Response> {
    require(session.role.can_publish())?;
    let mut body = Vec::new();
    table::export(&mut *state.db.main.acquire().await?, &mut body, || {}).await?;
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"objects.csv\""));
    Ok(crate::web::no_store(response))
}

#[derive(Serialize, Default)]
struct ImportPage {
    /// Whether a file was read: the report below is about it.
    checked: bool,
    dry_run: bool,
    /// Written (a real import without errors).
    imported: bool,
    rows: Vec<RowReport>,
    changing: usize,
    errors: usize,
    file_error: Option<FileError>,
    error: Option<Msg>,
}

fn page(
    state: &AppState,
    ctx: &Ctx,
    session: &crate::auth::sessions::Session,
    page: ImportPage,
) -> AppResult<Response> {
    let status = if page.file_error.is_some() || page.error.is_some() || page.errors > 0 {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render_panel(state, ctx, session, "admin/import.html", page)?).into_response())
}

/// `GET /admin/objects/import`.
async fn form(State(state): State<AppState>, ctx: Ctx, Staff(session): Staff) -> AppResult<Response> {
    require(session.role.can_publish())?;
    page(&state, &ctx, &session, ImportPage { dry_run: true, ..ImportPage::default() })
}

/// `POST /admin/objects/import` (multipart): `table` (the CSV file), `dry_run`.
async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    headers: HeaderMap,
    request: Request,
) -> AppResult<Response> {
    require(staff.0.role.can_publish())?;
    let form = upload::read_form(request, "table", &state.media.limits).await;
    let form = match form {
        Ok(form) => form,
        Err(refusal) => {
            return page(
                &state,
                &ctx,
                &staff.0,
                ImportPage { error: Some(Msg::of_refusal(&refusal)), ..ImportPage::default() },
            );
        }
    };
    check_form(&staff.0, &headers, form.get("csrf").unwrap_or_default())?;
    let dry = form.get("dry_run").is_some_and(|v| !v.is_empty());
    let Some(bytes) = form.photos.into_bytes().next() else {
        return page(
            &state,
            &ctx,
            &staff.0,
            ImportPage { error: Some(Msg::new("csv-error-no-file")), ..ImportPage::default() },
        );
    };
    let rows = match table::read(&bytes.map_err(anyhow::Error::from)?) {
        Ok(rows) => rows,
        Err(file_error) => {
            let report =
                ImportPage { checked: true, dry_run: dry, file_error: Some(file_error), ..ImportPage::default() };
            return page(&state, &ctx, &staff.0, report);
        }
    };
    // Always checked first: a file with a bad row changes nothing, and says which.
    let rows_report = match dry_run(
        &state.db.writer,
        staff.actor(),
        ImportTable { rows: rows.clone(), strict: false, progress: indicatif::ProgressBar::hidden() },
    )
    .await
    {
        Ok(report) => report,
        Err(CommandError::Refused(key)) => {
            return page(&state, &ctx, &staff.0, ImportPage { error: Some(Msg::new(key)), ..ImportPage::default() });
        }
        Err(err) => return Err(AppError::from(err)),
    };
    let errors = rows_report.iter().filter(|r| r.error.is_some()).count();
    let changing = rows_report.iter().filter(|r| !r.changes.is_empty() && r.error.is_none()).count();
    let mut report =
        ImportPage { checked: true, dry_run: dry, rows: rows_report, changing, errors, ..ImportPage::default() };
    if !dry && errors == 0 {
        match state
            .run(staff.actor(), ImportTable { rows, strict: true, progress: indicatif::ProgressBar::hidden() })
            .await
        {
            Ok(_) => report.imported = true,
            Err(CommandError::Refused(key)) => report.error = Some(Msg::new(key)),
            Err(err) => return Err(err.into()),
        }
    }
    page(&state, &ctx, &staff.0, report)
}
