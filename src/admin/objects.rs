//! Objects in the panel. For now one object's record as staff see it (every field, its donor's
//! credit choice, its images in every state); the cataloguing editor builds on this page.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::{Deserialize, Serialize};

use super::{Staff, render_panel};
use crate::app::AppState;
use crate::collection::objects::{self, StaffObject};
use crate::error::{AppError, AppResult};
use crate::media::{self, MediaRecord};
use crate::web::Ctx;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/objects/{id}", get(object))
}

#[derive(Deserialize)]
struct Flash {
    #[serde(default)]
    done: Option<String>,
}

#[derive(Serialize)]
struct ObjectPage {
    object: StaffObject,
    media: Vec<MediaRecord>,
    done: Option<String>,
}

/// `GET /admin/objects/{id}`.
async fn object(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(session): Staff,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> AppResult<Html<String>> {
    let mut conn = state.db.main.acquire().await?;
    let object = objects::staff_view(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let media = media::list(&mut conn, id).await?;
    let done = flash.done.filter(|d| d == "accepted");
    render_panel(&state, &ctx, &session, "admin/object.html", ObjectPage { object, media, done })
}
