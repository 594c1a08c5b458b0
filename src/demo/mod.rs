//! `zbor demo`: a throwaway collection that shows every face of zbor with real data —
//! makers, events, provenance, deposits and gifts, generated photographs, drafts, a staff
//! login and a demo keyholder identity kept outside the data folder.

pub mod content;
pub mod images;

use std::path::{Path, PathBuf};

use age::secrecy::ExposeSecret;
use anyhow::Context;
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use rand::Rng;
use secrecy::SecretString;

use crate::auth::{self, Role};
use crate::collection::command::Actor;
use crate::collection::publication;
use crate::collection::{PubState, Text3};
use crate::config::Config;
use crate::db::Databases;
use crate::donors::contacts::Vault;
use crate::donors::recipients::Recipients;
use crate::media::{self, NewMedia};

/// Objects `zbor demo` makes unless told otherwise.
pub const DEFAULT_OBJECTS: usize = 48;

/// What the demo made.
#[derive(Debug)]
pub struct Summary {
    pub published: usize,
    pub drafts: usize,
    pub username: String,
    pub password: SecretString,
    /// The curator's second factor, for an authenticator app.
    pub totp_secret: String,
    /// One-time codes that stand in for the app's code, each once.
    pub recovery_codes: Vec<String>,
    pub identity_path: PathBuf,
    /// The receipt code of the demo offer that has a reply.
    pub receipt: String,
}

/// Size of the generated photographs.
#[derive(Debug, Clone, Copy)]
pub struct ImageSize {
    pub width: u32,
    pub height: u32,
}

impl ImageSize {
    pub const DEMO: ImageSize = ImageSize { width: 1600, height: 1200 };
}

/// Makes the demo collection in `config`'s folders, with `objects` objects in all; the demo
/// keyholder identity goes to `key_dir`, which must be outside the data folder.
pub async fn create(config: &Config, key_dir: &Path, objects: usize) -> anyhow::Result<Summary> {
    create_with(config, key_dir, objects, ImageSize::DEMO).await
}

/// [`create`] with a chosen image size (tests use small images).
pub async fn create_with(config: &Config, key_dir: &Path, count: usize, size: ImageSize) -> anyhow::Result<Summary> {
    crate::private::create_dir_all(&config.uploads_dir)?;
    crate::private::create_dir_all(key_dir)?;
    let db = Databases::open(config).await?;

    // A demo keyholder: the identity stays outside the data folder, the server keeps only
    // the public key, exactly as with real keyholders.
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let identity_path = key_dir.join("DEMO-ONLY-keyholder-identity.txt");
    write_private(
        &identity_path,
        &format!(
            "# DEMO ONLY: a keyholder identity made by `zbor demo`. Never use it for real donors.\n\
             # public key: {recipient}\n{}\n",
            identity.to_string().expose_secret()
        ),
    )?;
    let recipients = Recipients::write(&config.recipients_path(), &[recipient])?;

    let username = auth::Username::parse("curator")?;
    let password = SecretString::from(random_password());
    // A curator, enrolled with a second factor as every role that reads offers must be: a
    // newcomer signs in with one of the one-time codes printed, or adds the key to an app.
    let user_id = auth::create_user(&db.main, &username, password.clone(), Role::Curator).await?;
    let totp_secret = auth::totp::pending_secret(&db.main, user_id).await?;
    // Enrolled with the previous step's code (accepted, as a clock a step behind is): enrolling
    // with the current one would use it up, and the newcomer's first code from an app would
    // be refused for up to thirty seconds.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    let code = auth::totp::totp(&totp_secret, username.as_str())?.generate(now - 30).to_string();
    let recovery_codes = auth::totp::confirm(&db.main, user_id, username.as_str(), &code)
        .await?
        .context("enrolling the demo curator")?;

    let store = media::Store::new(&config.uploads_dir);
    let (published, drafts) = content::seed(&db, &store, &config.accession_pattern, count, size).await?;
    crate::collection::search::reindex_all(&db.main).await?;
    let vault = Vault::open(&config.contacts_db_path()).await?;
    let receipt = offers(&db, &vault, &recipients).await?;
    vault.close().await;
    db.close().await;
    Ok(Summary {
        published,
        drafts,
        username: username.to_string(),
        password,
        totp_secret,
        recovery_codes,
        identity_path,
        receipt,
    })
}

/// Offers waiting for review, as donors would send them through the form: sealed to the demo
/// keyholder, with photos. One asked for a receipt and has a curator's reply; its code is
/// returned so a newcomer can try `/offer/status`.
async fn offers(db: &Databases, vault: &Vault, recipients: &Recipients) -> anyhow::Result<String> {
    use crate::collection::CreditChoice;
    use crate::donors::offers::{self, NewOffer};
    use crate::donors::{receipts, seal::SealedFields};
    use crate::i18n::Lang;
    let today = chrono::Utc::now().date_naive();
    let demo = [
        (Lang::Be, "Стужка з маршу", images::Motif::Ribbon, CreditChoice::Anonymous, "", false),
        (Lang::En, "Hand-painted protest poster", images::Motif::Poster, CreditChoice::Pseudonym, "Zubr", true),
        (Lang::Ru, "Письмо из колонии", images::Motif::Letter, CreditChoice::Name, "Алеся", false),
    ];
    let mut code = String::new();
    for (i, (lang, title, motif, credit, credit_name, with_receipt)) in demo.into_iter().enumerate() {
        let photo = media::HeldPhoto::of_pixels(&images::paint(motif, 9000 + i as u64, 900, 675))?;
        let offer = NewOffer {
            lang,
            title: title.to_owned(),
            description: String::new(),
            object_type: motif.code().to_owned(),
            maker: String::new(),
            credit,
            credit_name: credit_name.to_owned(),
            consent_publish: i != 2,
        };
        let sealed = SealedFields {
            story: SecretString::from(format!("(demo) How object {} came to its donor.", i + 1)),
            contact: SecretString::from(format!("(demo) donor{}@example.invalid", i + 1)),
            credit_name: SecretString::from(credit_name.to_owned()),
        };
        let derived = if with_receipt {
            let fresh = receipts::generate();
            code = receipts::show(&fresh).to_owned();
            let salt = offers::receipt_salt(&db.main).await?;
            let normalised = receipts::normalise(&code).context("a fresh code")?;
            Some(tokio::task::spawn_blocking(move || receipts::derive(&normalised, &salt)).await??)
        } else {
            None
        };
        let to = offers::Destination { writer: &db.writer, vault, recipients };
        let submitted = offers::submit(to, &offer, &sealed, &[photo], derived.as_ref(), today).await?;
        if with_receipt {
            let text = "Thank you! Could you tell us the size of the poster?".to_owned();
            let reply = offers::Reply { offer: submitted.id, text };
            crate::collection::command::execute(&db.writer, Actor::staff("demo", Role::Curator), reply).await?;
        }
    }
    Ok(code)
}

fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..16).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// Writes a file only its owner can read.
pub(crate) fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

/// A progress bar on standard error (hidden when it is not a terminal).
pub(crate) fn progress(len: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} ({eta})") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message);
    bar
}

/// Attaches a stored picture to an object as a public image described by its title.
pub(crate) async fn attach_image(
    conn: &mut sqlx::SqliteConnection,
    object_id: i64,
    stored: &media::Stored,
    title: &Text3,
) -> anyhow::Result<()> {
    media::add_media(
        conn,
        object_id,
        stored,
        &NewMedia { alt: title.clone(), caption: Text3::default(), is_public: true },
    )
    .await?;
    Ok(())
}

/// Accessions and publishes an object.
pub(crate) async fn publish(
    conn: &mut sqlx::SqliteConnection,
    object_id: i64,
    pattern: &crate::collection::numbers::AccessionPattern,
    year: i32,
) -> anyhow::Result<crate::collection::numbers::AccessionNumber> {
    let number = publication::accession(conn, object_id, pattern, year).await?;
    publication::set_state(conn, object_id, PubState::Published).await?;
    Ok(number)
}

/// A date in the demo's past.
pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}
