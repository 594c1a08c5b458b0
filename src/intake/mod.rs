//! The intake form: anyone may offer an object, often from Tor Browser with JavaScript off.
//!
//! It sets no cookie (the form's CSRF token is a stateless signed value), reads no forwarding
//! header and writes nothing about its visitor. The story and contact go straight to
//! [`crate::donors`] to be sealed; photos go through the media module's sanitiser before
//! anything is stored.

pub mod guard;

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use secrecy::SecretString;
use serde::Serialize;

use crate::app::AppState;
use crate::collection::{CreditChoice, ObjectType};
use crate::donors::offers::{self, NewOffer};
use crate::donors::receipts;
use crate::donors::seal::SealedFields;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::media::IngestError;
use crate::media::sanitise::Refusal;
use crate::media::upload;
use crate::web::forms::{FieldErrors, Msg};
use crate::web::peer::Peer;
use crate::web::{Ctx, no_store, render_page};

/// Longest value of each field, in characters. The sealed record has room for the longest
/// story and contact together, in any script.
pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 4000;
pub const MAX_MAKER: usize = 200;
pub const MAX_STORY: usize = 6000;
pub const MAX_CONTACT: usize = 500;
pub const MAX_CREDIT_NAME: usize = 100;

/// Routes of the intake form.
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(
            "/offer",
            get(offer_page).post(submit).layer(DefaultBodyLimit::max(upload::body_limit(&state.media.limits))),
        )
        .route("/offer/status", get(status_page).post(status))
}

/// What the donor typed, kept to show the form again.
#[derive(Debug, Default, Serialize)]
struct Values {
    title: String,
    description: String,
    object_type: String,
    maker: String,
    story: String,
    contact: String,
    credit: String,
    credit_name: String,
    want_receipt: bool,
    consent_publish: bool,
}

#[derive(Serialize)]
struct TypeOption {
    value: String,
    label: String,
}

#[derive(Serialize)]
struct OfferPage {
    token: String,
    values: Values,
    errors: FieldErrors,
    general: Option<Msg>,
    photos_dropped: bool,
    types: Vec<TypeOption>,
    max_files: usize,
    max_mb: u64,
    limits: BTreeMap<&'static str, usize>,
}

fn offer_form(state: &AppState, lang: Lang, values: Values) -> OfferPage {
    OfferPage {
        token: state.intake.signer.issue("offer"),
        values,
        errors: FieldErrors::default(),
        general: None,
        photos_dropped: false,
        types: state
            .public
            .current()
            .collection
            .types_sorted(lang)
            .into_iter()
            .map(|t| TypeOption { value: t.code.clone(), label: t.name.get(lang).to_owned() })
            .collect(),
        max_files: state.media.limits.max_files,
        max_mb: state.media.limits.max_file_bytes / 1_000_000,
        limits: BTreeMap::from([
            ("title", MAX_TITLE),
            ("description", MAX_DESCRIPTION),
            ("maker", MAX_MAKER),
            ("story", MAX_STORY),
            ("contact", MAX_CONTACT),
            ("credit_name", MAX_CREDIT_NAME),
        ]),
    }
}

/// `GET /offer`.
async fn offer_page(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let values = Values { credit: "anonymous".to_owned(), object_type: String::new(), ..Values::default() };
    Ok(no_store(
        render_page(&state, &ctx.base(&state), "intake/offer.html", offer_form(&state, ctx.choice.lang, values))?
            .into_response(),
    ))
}

/// A checkbox's value counts as ticked when it was sent at all.
fn ticked(form: &upload::Form, name: &str) -> bool {
    form.get(name).is_some_and(|v| !v.is_empty())
}

/// Reads the known fields of the offer form; anything else a request carries is ignored.
fn values_of(form: &mut upload::Form) -> Values {
    Values {
        title: form.get("title").unwrap_or_default().trim().to_owned(),
        description: form.get("description").unwrap_or_default().trim().to_owned(),
        object_type: form.get("object_type").unwrap_or_default().to_owned(),
        maker: form.get("maker").unwrap_or_default().trim().to_owned(),
        story: form.take("story").trim().to_owned(),
        contact: form.take("contact").trim().to_owned(),
        credit: form.get("credit").unwrap_or("anonymous").to_owned(),
        credit_name: form.get("credit_name").unwrap_or_default().trim().to_owned(),
        want_receipt: ticked(form, "want_receipt"),
        consent_publish: ticked(form, "consent_publish"),
    }
}

/// Checks every field; returns the offer, or a message per field that is wrong.
fn validate(state: &AppState, values: &Values) -> Result<(String, CreditChoice), FieldErrors> {
    let mut errors = FieldErrors::default();
    let too_long = |value: &str, max: usize| value.chars().count() > max;
    if values.title.is_empty() {
        errors.add("title", Msg::new("offer-error-title-missing"));
    }
    for (name, value, max) in [
        ("title", &values.title, MAX_TITLE),
        ("description", &values.description, MAX_DESCRIPTION),
        ("maker", &values.maker, MAX_MAKER),
        ("story", &values.story, MAX_STORY),
        ("contact", &values.contact, MAX_CONTACT),
        ("credit_name", &values.credit_name, MAX_CREDIT_NAME),
    ] {
        if too_long(value, max) {
            errors.add(name, Msg::with("offer-error-too-long", max));
        }
    }
    let object_type = match values.object_type.as_str() {
        "" => Some(ObjectType::OTHER.to_owned()),
        code => state.public.current().collection.type_by_code(code).map(|t| t.code.clone()),
    };
    if object_type.is_none() {
        errors.add("object_type", Msg::new("offer-error-choose"));
    }
    let credit = CreditChoice::parse(&values.credit);
    match credit {
        None => {
            errors.add("credit", Msg::new("offer-error-choose"));
        }
        Some(CreditChoice::Pseudonym | CreditChoice::Name) if values.credit_name.is_empty() => {
            errors.add("credit_name", Msg::new("offer-error-credit-name"));
        }
        Some(_) => {}
    }
    match (object_type, credit) {
        (Some(object_type), Some(credit)) if errors.is_empty() => Ok((object_type, credit)),
        _ => Err(errors),
    }
}

/// The form again, with what was typed and why it was not accepted.
fn again(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    values: Values,
    errors: FieldErrors,
    general: Option<Msg>,
    had_photos: bool,
) -> AppResult<Response> {
    let mut page = offer_form(state, ctx.choice.lang, values);
    page.errors = errors;
    page.general = general;
    page.photos_dropped = had_photos;
    let html = render_page(state, &ctx.base(state), "intake/offer.html", page)?;
    Ok(no_store((status, html).into_response()))
}

#[derive(Serialize)]
struct ThanksPage {
    entry_number: crate::collection::numbers::EntryNumber,
    receipt: Option<String>,
}

/// `POST /offer` (multipart).
async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Peer(peer): Peer,
    headers: HeaderMap,
    request: Request,
) -> AppResult<Response> {
    if !crate::web::staff::same_site(&headers) {
        return Err(AppError::Forbidden);
    }
    let Some(recipients) = state.recipients() else {
        return Err(AppError::Unavailable("error-intake-closed"));
    };
    // The token is checked, and the offer counted, before any photo is read: a post without a
    // valid unused token is not read further and counts toward no limit.
    let mut admission = Admission::Junk;
    let admit = |form: &upload::Form| {
        admission = state.intake.admit_offer(peer, form.get("csrf").unwrap_or_default());
        admission == Admission::Admitted
    };
    let (mut form, read) = upload::read_form_keeping(request, "photos", &state.media.limits, admit).await;
    let values = values_of(&mut form);
    let had_photos = !form.photos.is_empty();
    if admission == Admission::TooMany {
        // Nothing is stored; what was typed comes back (the photos come last in the form and
        // are not read), with when to send it again.
        let general = Some(Msg::new("error-too-many"));
        let page = again(&state, &ctx, StatusCode::TOO_MANY_REQUESTS, values, FieldErrors::default(), general, true)?;
        return Ok(too_many(page, state.intake.offers.retry_after()));
    }
    if matches!(admission, Admission::Junk | Admission::Repeated) {
        state.intake.count_junk();
    }
    match read {
        Err(Refusal::Stopped) => {
            let key = if admission == Admission::Repeated { "offer-error-sent" } else { "offer-error-expired" };
            let general = Some(Msg::new(key));
            return again(&state, &ctx, StatusCode::BAD_REQUEST, values, FieldErrors::default(), general, had_photos);
        }
        Err(refusal) => {
            let errors = FieldErrors::from([("photos", Msg::of_refusal(&refusal))]);
            return again(&state, &ctx, refusal.status(), values, errors, None, true);
        }
        Ok(()) => {}
    }
    let (object_type, credit) = match validate(&state, &values) {
        Ok(valid) => valid,
        Err(errors) => return again(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, values, errors, None, had_photos),
    };
    let photos = match state.media.hold_all(std::mem::take(&mut form.photos)).await {
        Ok(photos) => photos,
        Err(IngestError::Refused(refusal)) => {
            let errors = FieldErrors::from([("photos", Msg::of_refusal(&refusal))]);
            return again(&state, &ctx, refusal.status(), values, errors, None, true);
        }
        Err(IngestError::Internal(err)) => return Err(err.into()),
    };
    let Values { title, description, maker, story, contact, credit_name, want_receipt, consent_publish, .. } = values;
    let sealed = SealedFields {
        story: SecretString::from(story),
        contact: SecretString::from(contact),
        credit_name: SecretString::from(credit_name.clone()),
    };
    let offer = NewOffer {
        lang: ctx.choice.lang,
        title,
        description,
        object_type,
        maker,
        credit,
        credit_name,
        consent_publish,
    };
    let stored = async {
        let (receipt, derived) = if want_receipt {
            let code = receipts::generate();
            let normalised = receipts::normalise(receipts::show(&code));
            (Some(code), Some(derive(&state, normalised.as_deref().map(String::as_str)).await?))
        } else {
            (None, None)
        };
        let today = chrono::Utc::now().date_naive();
        let to = offers::Destination { writer: &state.db.writer, vault: &state.vault, recipients: &recipients };
        let submitted = offers::submit(to, &offer, &sealed, &photos, derived.as_ref(), today).await?;
        Ok::<_, AppError>((submitted, receipt))
    }
    .await;
    // No log line here: its timestamp would say when the offer arrived.
    let (submitted, receipt) = match stored {
        Ok(stored) => stored,
        Err(err) => {
            // No photo of an offer that was not stored may stay behind.
            for photo in &photos {
                if let Err(e) =
                    crate::media::remove_files_if_unused(&state.db.main, &state.media.store, &photo.hash).await
                {
                    tracing::error!(error = %e, "removing the photos of an offer that could not be stored");
                }
            }
            return Err(err);
        }
    };
    let page = ThanksPage {
        entry_number: submitted.entry_number,
        receipt: receipt.as_ref().map(|code| receipts::show(code).to_owned()),
    };
    Ok(no_store(render_page(&state, &ctx.base(&state), "intake/thanks.html", page)?.into_response()))
}

/// Runs the receipt's key derivation off the async runtime. `None` (a code that cannot be
/// one) derives from a fixed dummy, so every look-up costs the same.
async fn derive(state: &AppState, normalised: Option<&str>) -> AppResult<receipts::Derived> {
    let salt = offers::receipt_salt(&state.db.main).await?;
    let code = zeroize::Zeroizing::new(normalised.unwrap_or("0000000000000000").to_owned());
    // Each derivation takes 19 MiB for a moment: a burst of look-ups waits here instead of
    // exhausting memory.
    let _permit = state.intake.derivations.acquire().await.map_err(anyhow::Error::from)?;
    let derived = crate::cpu::run(move || receipts::derive(&code, &salt)).await.map_err(anyhow::Error::from)??;
    Ok(derived)
}

#[derive(Serialize)]
struct StatusPage {
    token: String,
    /// Why the form was not answered, for the whole form (an expired token).
    general: Option<Msg>,
    /// Why the form was not answered, beside the field at fault.
    errors: FieldErrors,
    /// What was typed, given back when the form is refused (only to the browser that sent
    /// it, on a page no one stores).
    typed_receipt: String,
    typed_answer: String,
    result: Option<offers::Status>,
    /// Whether an answer to the museum was sealed and sent (said alike for every receipt).
    answered: bool,
    max_answer: usize,
}

impl StatusPage {
    fn new(state: &AppState) -> Self {
        let token = state.intake.signer.issue("status");
        Self {
            token,
            general: None,
            errors: FieldErrors::default(),
            typed_receipt: String::new(),
            typed_answer: String::new(),
            result: None,
            answered: false,
            max_answer: offers::MAX_ANSWER,
        }
    }

    /// The form refused: what was typed comes back with it.
    fn refused(&mut self, receipt: &str, answer: &str) {
        self.typed_receipt = receipt.to_owned();
        self.typed_answer = answer.to_owned();
    }
}

/// Status answers are padded to a multiple of this many bytes, so their size does not say
/// whether a receipt exists or has replies (within the same number of blocks).
const STATUS_BLOCK: usize = 16 * 1024;

/// Pads a page with a comment to the next multiple of [`STATUS_BLOCK`] bytes.
fn padded(mut html: String) -> String {
    const OPEN: &str = "\n<!-- ";
    const CLOSE: &str = " -->\n";
    let bare = html.len() + OPEN.len() + CLOSE.len();
    let target = bare.div_ceil(STATUS_BLOCK) * STATUS_BLOCK;
    html.push_str(OPEN);
    html.push_str(&" ".repeat(target - bare));
    html.push_str(CLOSE);
    html
}

/// `GET /offer/status`.
async fn status_page(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let page = StatusPage::new(&state);
    Ok(no_store(render_page(&state, &ctx.base(&state), "intake/status.html", page)?.into_response()))
}

#[derive(serde::Deserialize)]
struct StatusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    receipt: String,
    /// An answer to the museum, sealed to the keyholders.
    #[serde(default)]
    answer: String,
}

/// `POST /offer/status`: the state and replies of the offer a receipt belongs to. Known and
/// unknown receipts get the same page; a malformed code is told so.
async fn status(
    State(state): State<AppState>,
    ctx: Ctx,
    Peer(peer): Peer,
    headers: HeaderMap,
    axum::Form(form): axum::Form<StatusForm>,
) -> AppResult<Response> {
    if !crate::web::staff::same_site(&headers) {
        return Err(AppError::Forbidden);
    }
    let mut page = StatusPage::new(&state);
    let typed = zeroize::Zeroizing::new(form.receipt);
    let answer = zeroize::Zeroizing::new(crate::web::forms::one_line_break(&form.answer));
    drop(zeroize::Zeroizing::new(form.answer));
    // Only a look-up with a valid unused token is counted, and costs a derivation: junk can
    // neither close the door nor keep the hashing busy. Its answer may come sooner, which
    // says only what its sender knows already: that its token was not one.
    match state.intake.admit_lookup(peer, &form.csrf) {
        Admission::TooMany => {
            page.general = Some(Msg::new("error-too-many"));
            page.refused(&typed, &answer);
            let html = render_page(&state, &ctx.base(&state), "intake/status.html", page)?;
            let page = no_store((StatusCode::TOO_MANY_REQUESTS, html).into_response());
            return Ok(too_many(page, state.intake.lookups.retry_after()));
        }
        Admission::Junk | Admission::Repeated => {
            state.intake.count_junk();
            page.general = Some(Msg::new("offer-error-expired"));
            page.refused(&typed, &answer);
            let html = render_page(&state, &ctx.base(&state), "intake/status.html", page)?;
            return Ok(no_store((StatusCode::UNPROCESSABLE_ENTITY, html).into_response()));
        }
        Admission::Admitted => {}
    }
    let code = receipts::normalise(&typed);
    if code.is_none() {
        page.errors.key("receipt", "status-error-format");
    }
    if answer.chars().count() > offers::MAX_ANSWER {
        page.errors.add("answer", Msg::with("offer-error-too-long", offers::MAX_ANSWER));
    }
    let derived = derive(&state, code.as_deref().map(String::as_str)).await?;
    let status = if page.errors.is_empty() {
        let answer = answer.trim();
        if !answer.is_empty() {
            let recipients = state.recipients().ok_or(AppError::Unavailable("error-intake-closed"))?;
            let to = offers::Destination { writer: &state.db.writer, vault: &state.vault, recipients: &recipients };
            offers::answer(to, &derived, answer).await?;
            page.answered = true;
        }
        page.result = Some(offers::status(&state.db.main, &derived).await?);
        StatusCode::OK
    } else {
        page.refused(&typed, &answer);
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let html = render_page(&state, &ctx.base(&state), "intake/status.html", page)?;
    Ok(no_store((status, Html(padded(html.0))).into_response()))
}

/// A 429 answer saying when the hourly window it hit starts again.
fn too_many(mut response: Response, wait: std::time::Duration) -> Response {
    let seconds = wait.as_secs().max(1);
    if let Ok(value) = axum::http::HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
    }
    response
}

/// What the intake form makes of a post's token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// A valid token, now used, and within the rate limits: counted.
    Admitted,
    /// A valid unused token over a rate limit: not counted, the token stays usable.
    TooMany,
    /// No token, a forged or expired one: counted apart, toward no limit.
    Junk,
    /// A valid token used already: the same form sent twice (a double click, a browser
    /// sending again on a slow connection). Counted as junk, and told apart in the answer.
    Repeated,
}

/// Everything the intake form keeps in memory: the token signer and the rate limits.
#[derive(Debug)]
pub struct Intake {
    pub signer: guard::Signer,
    /// Tokens already used, so each admits one post.
    pub used: guard::UsedTokens,
    /// Posts refused as junk since the start: counted apart from the limits, never stored.
    junk: std::sync::atomic::AtomicU64,
    /// Offers sent.
    pub offers: guard::RateLimit,
    /// Receipt look-ups.
    pub lookups: guard::RateLimit,
    /// Bounds how many receipt derivations (Argon2id) run at once.
    pub derivations: tokio::sync::Semaphore,
}

impl Intake {
    pub fn new(limits: &crate::config::IntakeLimits) -> Self {
        // The rate limits bound how many tokens are ever used within a token's lifetime.
        let hours = guard::TOKEN_LIFETIME_SECS.div_ceil(3600) as usize + 1;
        let admitted = (limits.offers_total as usize).saturating_add(limits.lookups_total as usize);
        Self {
            signer: guard::Signer::default(),
            used: guard::UsedTokens::with_capacity(admitted.saturating_mul(hours).saturating_add(1024)),
            junk: std::sync::atomic::AtomicU64::new(0),
            offers: guard::RateLimit::per_hour(limits.offers_per_peer, limits.offers_total),
            lookups: guard::RateLimit::per_hour(limits.lookups_per_peer, limits.lookups_total),
            derivations: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map(std::num::NonZeroUsize::get).unwrap_or(2),
            ),
        }
    }
}

impl Intake {
    /// Checks an offer's token and counts the offer: see [`Admission`].
    pub fn admit_offer(&self, peer: Option<std::net::IpAddr>, token: &str) -> Admission {
        self.admit("offer", &self.offers, peer, token)
    }

    /// Checks a receipt look-up's token and counts the look-up: see [`Admission`].
    pub fn admit_lookup(&self, peer: Option<std::net::IpAddr>, token: &str) -> Admission {
        self.admit("status", &self.lookups, peer, token)
    }

    fn admit(&self, purpose: &str, limit: &guard::RateLimit, peer: Option<std::net::IpAddr>, token: &str) -> Admission {
        if !self.signer.check(purpose, token) {
            return Admission::Junk;
        }
        if !self.used.take(token) {
            return if self.used.was_used(token) { Admission::Repeated } else { Admission::Junk };
        }
        if !limit.allow(peer) {
            self.used.give_back(token);
            return Admission::TooMany;
        }
        Admission::Admitted
    }

    /// Counts a post refused as junk.
    pub fn count_junk(&self) {
        self.junk.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Posts refused as junk since the start.
    pub fn junk(&self) -> u64 {
        self.junk.load(std::sync::atomic::Ordering::Relaxed)
    }
}
