//! The one error type for requests. It never shows SQL, paths or stack traces to a visitor:
//! a response carries only a status and a message key, and [`crate::web::render_errors`]
//! turns that into a page in the visitor's language.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What went wrong with a request, as much as the visitor may know.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Missing, unpublished or not allowed: the three look the same on purpose.
    #[error("not found")]
    NotFound,
    /// A cross-site request or a missing/wrong CSRF token.
    #[error("forbidden")]
    Forbidden,
    /// The acting account's role may not do this (to this record, as it is now).
    #[error("not allowed")]
    NotAllowed,
    /// Input that cannot be understood; the key names a translated message.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// A part of zbor that cannot work right now; the key names a translated message.
    #[error("unavailable: {0}")]
    Unavailable(&'static str),
    /// Anything else. Logged once, shown as a generic apology.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        Self::Internal(err.into())
    }
}

impl From<minijinja::Error> for AppError {
    fn from(err: minijinja::Error) -> Self {
        Self::Internal(err.into())
    }
}

impl From<crate::collection::command::CommandError> for AppError {
    fn from(err: crate::collection::command::CommandError) -> Self {
        use crate::collection::command::CommandError;
        match err {
            CommandError::NotFound => Self::NotFound,
            CommandError::NotAllowed => Self::NotAllowed,
            CommandError::Refused(key) => Self::BadRequest(key),
            CommandError::Internal(err) => Self::Internal(err),
        }
    }
}

/// Placed in a response's extensions so the error-page layer can render it.
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage {
    pub status: StatusCode,
    /// Key of the message in the locale files.
    pub message: &'static str,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let page = match &self {
            Self::NotFound => ErrorPage { status: StatusCode::NOT_FOUND, message: "error-not-found" },
            Self::BadRequest(key) => ErrorPage { status: StatusCode::BAD_REQUEST, message: key },
            Self::Forbidden => ErrorPage { status: StatusCode::FORBIDDEN, message: "error-forbidden" },
            Self::NotAllowed => ErrorPage { status: StatusCode::FORBIDDEN, message: "error-not-allowed" },
            Self::Unavailable(key) => ErrorPage { status: StatusCode::SERVICE_UNAVAILABLE, message: key },
            Self::Internal(err) => {
                // Logged here, once; the chain may name files or SQL, so it stays in the log.
                tracing::error!(error = format!("{err:#}"), "request failed");
                ErrorPage { status: StatusCode::INTERNAL_SERVER_ERROR, message: "error-internal" }
            }
        };
        let mut response = page.status.into_response();
        response.extensions_mut().insert(page);
        response
    }
}

/// Result type of handlers.
pub type AppResult<T> = Result<T, AppError>;
