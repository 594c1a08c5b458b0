//! The `zbor` command line: every subcommand, documented in `zbor --help`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use tokio::net::TcpListener;

use crate::app::{self, AppState};
use crate::auth::{self, Role, UserChange};
use crate::collection::command::Actor;
use crate::config::{Config, FileConfig};
use crate::donors::recipients::Recipients;

/// `println!` for the commands' reports, whose reader may go away first (`zbor backup | head
/// -1`): the job is done by then, and a closed pipe must not turn it into a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// zbor — collection management for the Museum of Free Belarus.
///
/// One binary with three faces: the donors' intake form, the curators' panel and the public
/// catalogue. Data lives in the data folder (databases, keyholders' public keys) and the
/// uploads folder (sanitised images).
#[derive(Debug, Parser)]
#[command(name = "zbor", version, propagate_version = true)]
pub struct Cli {
    /// Folder with zbor.sqlite, contacts.sqlite and recipients.txt [default: zbor.toml's
    /// data_dir, else data; for demo, a new folder in the system's temp folder]
    #[arg(long, global = true, env = "ZBOR_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Folder with the sanitised images and their derivatives [default: zbor.toml's
    /// uploads_dir, else uploads; for demo, the demo folder's uploads]
    #[arg(long, global = true, env = "ZBOR_UPLOADS_DIR", value_name = "DIR")]
    pub uploads_dir: Option<PathBuf>,
    /// Optional configuration file; flags and ZBOR_* variables override it
    #[arg(long, global = true, env = "ZBOR_CONFIG", value_name = "FILE", default_value = "zbor.toml")]
    pub config: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make a throwaway demo collection (generated images, drafts, a demo keyholder) and serve it
    ///
    /// Without --data-dir the demo lives in a new folder under the system's temp folder.
    /// With --data-dir the folder must not hold a collection yet.
    Demo {
        /// Address to listen on (port 0 picks a free port)
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// How many objects to make: a dozen written by hand, the rest generated
        #[arg(long, default_value_t = crate::demo::DEFAULT_OBJECTS)]
        objects: usize,
        /// Create the demo collection and exit without serving
        #[arg(long)]
        no_serve: bool,
    },
    /// Create the data folder, the databases, the first admin and the recipients file
    ///
    /// The admin's password is read from ZBOR_ADMIN_PASSWORD when set, else asked for.
    Init {
        /// Username of the first admin
        #[arg(long, value_name = "NAME")]
        admin_user: String,
        /// A keyholder's age public key (age1…); repeat for each keyholder and the recovery key
        #[arg(long = "recipient", value_name = "AGE1…", required = true)]
        recipients: Vec<String>,
    },
    /// Run the web app with its background workers
    ///
    /// Refuses to start without a valid recipients file. Stops gracefully on Ctrl-C or SIGTERM.
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080, or `listen` in zbor.toml]
        #[arg(long, env = "ZBOR_LISTEN")]
        listen: Option<String>,
        /// Render every public page afresh instead of keeping rendered pages in memory
        /// (for measuring the uncached path; slower)
        #[arg(long)]
        no_render_cache: bool,
    },
    /// Manage staff accounts
    #[command(subcommand)]
    User(UserCommand),
    /// Manage stored images
    #[command(subcommand)]
    Media(MediaCommand),
    /// Keyholders' keys (run on a keyholder's own computer, never on the server)
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Donors' sealed contacts
    #[command(subcommand)]
    Contacts(ContactsCommand),
    /// The audit log
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Donors' offers
    #[command(subcommand)]
    Offers(OffersCommand),
    /// Write a sealed backup: both databases (a consistent snapshot, while the server runs),
    /// the configuration and the sanitised masters, encrypted to every key in recipients.txt
    ///
    /// Only a keyholder's or the recovery identity can read it. Derivatives are left out
    /// (restore rebuilds them) unless --with-derivatives. With --since, only the images the
    /// chain ending at PREVIOUS lacks are written (the databases always are).
    Backup {
        /// The archive to write (refuses to overwrite)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// A backup made earlier of this collection: write an increment on top of it
        #[arg(long, value_name = "PREVIOUS")]
        since: Option<PathBuf>,
        /// Also carry the derivatives (400/1200/2400 px), for a restore without rebuilding
        #[arg(long)]
        with_derivatives: bool,
    },
    /// Restore backups into empty data and uploads folders: the full backup first, then its
    /// increments in order
    ///
    /// Every archive is checked through (key, every byte, every hash, the chain) before
    /// anything is written; then the databases and images are restored, the audit log is
    /// verified and its last hash printed, and the derivatives and search index are rebuilt.
    /// Run it on the new server with an identity brought for the occasion.
    Restore {
        /// The archives: a full backup, then each increment made since it, in order
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// A keyholder's or the recovery identity (passphrase from ZBOR_KEY_PASSPHRASE or asked for)
        #[arg(long, value_name = "KEY")]
        identity: PathBuf,
    },
    /// Write the public catalogue as static files: every page in Belarusian, English and
    /// Russian (be/, en/, ru/), the public images, a search page, and a manifest of every
    /// file's BLAKE3 hash (zbor-manifest.txt)
    ///
    /// The folder works from any web server, CDN, object store or IPFS, and opened from disk.
    /// Only what the public catalogue shows is written. The same collection gives the same
    /// bytes. Sign the manifest afterwards, off the server, with `zbor sign-site` (or
    /// `minisign -S -m zbor-manifest.txt`).
    ExportSite {
        /// The folder to write: new or empty, or an earlier export with --incremental
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The address the mirror will be served at (https://mirror.example.org), for the IIIF
        /// manifests and the sitemap, which need absolute links; left out without it
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Update an earlier export: write only files whose bytes changed, remove the others
        #[arg(long)]
        incremental: bool,
    },
    /// Write every object as a CSV table: every catalogue field in Belarusian, English and
    /// Russian, private ones included, one row per object with its entry and accession numbers
    ///
    /// Edit it in a spreadsheet and read it back with `zbor import-csv`.
    ExportCsv {
        /// The file to write (owner-only; refuses to overwrite); standard output without it
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Read a CSV table back into the collection: rows matched by entry number (or accession
    /// number), only the columns present changed, each object changed saved and audited
    ///
    /// Comma, semicolon or tab separated, with or without a byte-order mark, CRLF or LF. A file
    /// with any bad row changes nothing: every bad row is named with its line and column.
    ImportCsv {
        /// The CSV file
        file: PathBuf,
        /// Only check: list per row what would change and every error, write nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Sign an export's manifest with a signing key (run where the key is, not on the server)
    ///
    /// The key's passphrase is read from ZBOR_KEY_PASSPHRASE when set, else asked for.
    SignSite {
        /// The exported folder
        dir: PathBuf,
        /// The secret signing key (from `zbor keys new-signing` or `minisign -G`)
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
    },
    /// Check a mirror: the manifest's signature, then every file's hash; names every file
    /// changed, added or missing, and fails if there is one
    VerifySite {
        /// The mirror's folder
        dir: PathBuf,
        /// The museum's public signing key (a minisign .pub file, or its base64 line)
        #[arg(long, value_name = "PUB")]
        key: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OffersCommand {
    /// Remove declined offers, and the sealed records (contact, story, name, answers) of
    /// accepted ones, decided more than `offer_retention_days` ago (zbor.toml, default 180;
    /// 0 keeps them); `zbor serve` does the same once a day
    Purge,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's hash chain; names the first entry that was changed or removed, and
    /// prints the hash of the last entry to note somewhere off the server
    Verify {
        /// A last-entry hash printed by an earlier run: the log must still hold that entry,
        /// which detects entries cut from the end
        #[arg(long, value_name = "HASH")]
        head: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Make a passphrase-protected identity on a keyholder's own computer and print its public
    /// key (recipient), to be added to the server's recipients.txt
    ///
    /// The passphrase is read from ZBOR_KEY_PASSPHRASE when set, else asked for twice.
    New {
        /// Where to write the identity (refuses to overwrite)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Make a passphrase-protected Ed25519 key for signing the static mirror, in minisign's
    /// format; the public key goes to FILE.pub and is printed, for readers to check mirrors
    ///
    /// The passphrase is read from ZBOR_KEY_PASSPHRASE when set, else asked for twice.
    NewSigning {
        /// Where to write the secret key (refuses to overwrite)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ContactsCommand {
    /// Open a downloaded bundle of sealed records on a keyholder's own computer: check that each
    /// record belongs to its offer, print them; writes nothing
    Open {
        /// The bundle file downloaded from the curator panel
        bundle: PathBuf,
        /// The keyholder's identity file (passphrase from ZBOR_KEY_PASSPHRASE or asked for)
        #[arg(long, value_name = "FILE")]
        identity: PathBuf,
    },
    /// Re-seal every record to the current recipients.txt (after adding or removing a
    /// keyholder); needs one current keyholder's identity, brought for the occasion
    Reseal {
        /// An identity that can open the records now
        #[arg(long, value_name = "FILE")]
        identity: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum MediaCommand {
    /// Regenerate every derivative (400, 1200 and 2400 px) from the sanitised masters, with a
    /// progress bar
    Rebuild,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a staff account; the password is read from ZBOR_USER_PASSWORD when set, else asked for
    Add {
        /// The new account's username
        name: String,
        /// What the account may do
        #[arg(long, value_enum)]
        role: Role,
    },
    /// Disable a staff account and end all its sessions (the account and its history stay)
    Disable {
        /// The account's username
        name: String,
    },
    /// Remove an account's second factor (a lost phone); the user enrols again at next sign-in
    ResetTotp {
        /// The account's username
        name: String,
    },
    /// Allow a disabled account to sign in again
    Enable {
        /// The account's username
        name: String,
    },
    /// Change what an account may do; its sessions end
    Role {
        /// The account's username
        name: String,
        /// The new role
        #[arg(long, value_enum)]
        role: Role,
    },
}

/// Logs go to standard error; `RUST_LOG` adjusts them. No request line is logged, so no
/// visitor address or user agent can end up in a log.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("zbor=info,warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

impl Cli {
    /// Resolves the configuration: flags and environment over `zbor.toml` over defaults.
    pub fn config(&self) -> anyhow::Result<Config> {
        let file = FileConfig::load(&self.config)?;
        let data_dir = self.data_dir.clone().or(file.data_dir).unwrap_or_else(|| PathBuf::from("data"));
        let uploads_dir = self.uploads_dir.clone().or(file.uploads_dir).unwrap_or_else(|| PathBuf::from("uploads"));
        let mut config = Config::new(data_dir, uploads_dir);
        if let Some(pattern) = file.accession_pattern {
            config.accession_pattern =
                crate::collection::numbers::AccessionPattern::parse(&pattern).map_err(anyhow::Error::msg)?;
        }
        if let Some(name) = file.museum_name {
            config.museum_name = name
                .resolve()
                .ok_or_else(|| anyhow::anyhow!("museum_name in zbor.toml names the museum in no language"))?;
        }
        if let Some(listen) = file.listen {
            config.listen = Some(listen);
        }
        config.public_url = std::env::var("ZBOR_PUBLIC_URL").ok().or(file.public_url);
        let limits = &mut config.upload_limits;
        if let Some(mb) = file.max_upload_mb {
            limits.max_file_bytes = mb.clamp(1, 1000) * 1_000_000;
        }
        if let Some(files) = file.max_upload_files {
            limits.max_files = files.clamp(1, 100);
        }
        if let Some(megapixels) = file.max_megapixels {
            limits.max_pixels = megapixels.clamp(1, 1000) * 1_000_000;
        }
        if let Some(n) = file.offers_per_address_per_hour {
            config.intake_limits.offers_per_peer = n.max(1);
        }
        if let Some(n) = file.offers_per_hour {
            config.intake_limits.offers_total = n.max(1);
        }
        if let Some(days) = file.offer_retention_days {
            config.offer_retention_days = days;
        }
        if let Some(n) = file.max_connections {
            config.max_connections = n.clamp(1, crate::app::MOST_CONNECTIONS);
        }
        if let Some(uri) = &file.rights {
            config.rights = crate::collection::rights::Rights::parse(uri).with_context(|| {
                format!(
                    "rights = {uri:?} in zbor.toml is not a RightsStatements.org or Creative Commons URI; \
                     for example http://rightsstatements.org/vocab/InC/1.0/"
                )
            })?;
        }
        Ok(config)
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    // Before anything is written: every folder and file zbor makes is its owner's only.
    crate::private::restrict_umask();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        match &cli.command {
            Command::Demo { listen, objects, no_serve } => demo(&cli, listen, *objects, *no_serve).await,
            Command::Init { admin_user, recipients } => init(&cli.config()?, admin_user, recipients).await,
            Command::Serve { listen, no_render_cache } => {
                let mut config = cli.config()?;
                config.render_cache = !no_render_cache;
                let listen = listen.clone().or(config.listen.clone()).unwrap_or_else(|| "127.0.0.1:8080".to_owned());
                serve(&config, &listen).await
            }
            Command::User(UserCommand::Add { name, role }) => user_add(&cli.config()?, name, *role).await,
            Command::User(UserCommand::Disable { name }) => {
                user_change(&cli.config()?, name, UserChange::Disable).await
            }
            Command::User(UserCommand::ResetTotp { name }) => {
                user_change(&cli.config()?, name, UserChange::ResetTotp).await
            }
            Command::User(UserCommand::Enable { name }) => user_change(&cli.config()?, name, UserChange::Enable).await,
            Command::User(UserCommand::Role { name, role }) => {
                user_change(&cli.config()?, name, UserChange::Role(*role)).await
            }
            Command::Media(MediaCommand::Rebuild) => media_rebuild(&cli.config()?).await,
            Command::Keys(KeysCommand::New { out }) => keys_new(out),
            Command::Keys(KeysCommand::NewSigning { out }) => keys_new_signing(out),
            Command::Audit(AuditCommand::Verify { head }) => audit_verify(&cli.config()?, head.as_deref()).await,
            Command::Contacts(ContactsCommand::Open { bundle, identity }) => contacts_open(bundle, identity),
            Command::Contacts(ContactsCommand::Reseal { identity }) => contacts_reseal(&cli.config()?, identity).await,
            Command::Offers(OffersCommand::Purge) => offers_purge(&cli.config()?).await,
            Command::Backup { out, since, with_derivatives } => {
                let options = crate::backup::Options {
                    out: out.clone(),
                    since: since.clone(),
                    with_derivatives: *with_derivatives,
                    config_file: Some(cli.config.clone()),
                };
                backup(&cli.config()?, &options).await
            }
            Command::Restore { files, identity } => restore(&cli.config()?, files, identity).await,
            Command::ExportSite { out, base_url, incremental } => {
                let config = cli.config()?;
                let options = crate::mirror::Options {
                    out: out.clone(),
                    base_url: base_url.clone(),
                    incremental: *incremental,
                    live_url: config.public_url.clone(),
                };
                export_site(&config, &options).await
            }
            Command::ExportCsv { out } => export_csv(&cli.config()?, out.as_deref()).await,
            Command::ImportCsv { file, dry_run } => import_csv(&cli.config()?, file, *dry_run).await,
            Command::SignSite { dir, key } => sign_site(dir, key),
            Command::VerifySite { dir, key } => verify_site(dir, key),
        }
    })
}

/// A password from `var`, else asked for twice on the terminal.
fn read_password(var: &str, prompt: &str) -> anyhow::Result<SecretString> {
    if let Ok(value) = std::env::var(var) {
        return Ok(SecretString::from(value));
    }
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to ask for the password: set {var}");
    }
    let first = rpassword::prompt_password(prompt)?;
    let second = rpassword::prompt_password("Again: ")?;
    if first != second {
        bail!("the two passwords differ");
    }
    Ok(SecretString::from(first))
}

async fn init(config: &Config, admin_user: &str, recipients: &[String]) -> anyhow::Result<()> {
    let admin = auth::Username::parse(admin_user)?;
    let path = config.recipients_path();
    if path.exists() {
        bail!("{} already exists: this data folder is initialised", path.display());
    }
    // Check the keys before creating anything.
    Recipients::parse(&recipients.join("\n")).context("in the --recipient keys, counted from 1 in the order given")?;
    let password = read_password("ZBOR_ADMIN_PASSWORD", "Password for the first admin: ")?;
    auth::validate_password(&password)?;
    crate::private::create_dir_all(&config.uploads_dir)?;
    let db = crate::db::Databases::open(config).await?;
    crate::donors::contacts::Vault::open(&config.contacts_db_path()).await?.close().await;
    Recipients::write(&path, recipients)?;
    auth::create_user(&db.main, &admin, password, Role::Admin).await?;
    db.close().await;
    say!("Initialised {} with admin {admin_user:?} and {} recipient(s).", config.data_dir.display(), recipients.len());
    say!("Start the server with: zbor serve");
    Ok(())
}

async fn user_change(config: &Config, name: &str, change: auth::UserChange) -> anyhow::Result<()> {
    let db = crate::db::Databases::open_existing(config).await?;
    let result = auth::change_user(&db.main, name, change).await;
    db.close().await;
    result?;
    say!(
        "{}",
        match change {
            auth::UserChange::Disable => format!("Disabled {name:?} and ended its sessions."),
            auth::UserChange::ResetTotp =>
                format!("Removed the second factor of {name:?}; they enrol again at next sign-in."),
            auth::UserChange::Enable => format!("Enabled {name:?}."),
            auth::UserChange::Role(role) => format!("{name:?} is now {role:?}; their sessions ended."),
        }
    );
    Ok(())
}

async fn user_add(config: &Config, name: &str, role: Role) -> anyhow::Result<()> {
    let username = auth::Username::parse(name)?;
    let password = read_password("ZBOR_USER_PASSWORD", &format!("Password for {name}: "))?;
    let db = crate::db::Databases::open_existing(config).await?;
    auth::create_user(&db.main, &username, password, role).await?;
    db.close().await;
    say!("Added {name:?} as {role:?}.");
    Ok(())
}

async fn serve(config: &Config, listen: &str) -> anyhow::Result<()> {
    crate::private::check(&config.data_dir)?;
    crate::private::check(&config.uploads_dir)?;
    let recipients = Recipients::load(&config.recipients_path())
        .context("zbor serve needs the keyholders' public keys (run zbor init first)")?;
    tracing::info!(recipients = recipients.len(), "donor contacts will be sealed to the keyholders");
    let listener = TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    let mut config = config.clone();
    config.public_url.get_or_insert_with(|| format!("http://{addr}"));
    let state = AppState::open(&config).await?;
    say!("zbor is serving at http://{addr}");
    app::serve(listener, state, app::shutdown_signal()).await
}

async fn audit_verify(config: &Config, noted_head: Option<&str>) -> anyhow::Result<()> {
    let db = crate::db::Databases::open_existing(config).await?;
    let mut conn = db.main.acquire().await?;
    let verdict = crate::collection::audit::verify(&mut conn).await?;
    let head = crate::collection::audit::head(&mut conn).await?;
    let still_there = match noted_head {
        Some(noted) => crate::collection::audit::contains(&mut conn, noted.trim()).await?,
        None => true,
    };
    drop(conn);
    db.close().await;
    match verdict {
        crate::collection::audit::Verdict::Intact(_) if !still_there => {
            bail!("the audit log no longer holds the entry noted earlier: entries were cut from its end")
        }
        crate::collection::audit::Verdict::Intact(n) => {
            say!("The audit log is intact: {n} entries.");
            if let Some(head) = head {
                say!("Last entry's hash (note it off the server; check later with --head): {head}");
            }
            Ok(())
        }
        crate::collection::audit::Verdict::BrokenAt(id) => {
            bail!(
                "the audit log was altered: entry {id} does not match the chain (it or the one before it was changed or removed)"
            )
        }
    }
}

fn read_passphrase(confirm: bool) -> anyhow::Result<SecretString> {
    if let Ok(value) = std::env::var("ZBOR_KEY_PASSPHRASE") {
        return Ok(SecretString::from(value));
    }
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to ask for the passphrase: set ZBOR_KEY_PASSPHRASE");
    }
    let first = rpassword::prompt_password("Passphrase: ")?;
    if confirm && rpassword::prompt_password("Again: ")? != first {
        bail!("the two passphrases differ");
    }
    Ok(SecretString::from(first))
}

fn keys_new(out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        bail!("{} already exists; choose another file", out.display());
    }
    let (file, recipient) = crate::donors::keys::new_protected_identity(read_passphrase(true)?)?;
    crate::demo::write_private(out, &file)?;
    say!("Wrote a passphrase-protected identity to {}.", out.display());
    say!("Keep it (and the passphrase) on this computer only. Its public key, for the server's recipients.txt:");
    say!("{recipient}");
    Ok(())
}

fn keys_new_signing(out: &Path) -> anyhow::Result<()> {
    let public_path = PathBuf::from(format!("{}.pub", out.display()));
    for path in [out, public_path.as_path()] {
        if path.exists() {
            bail!("{} already exists; choose another file", path.display());
        }
    }
    let passphrase = read_passphrase(true)?;
    crate::donors::keys::check_passphrase(&passphrase)?;
    let key = crate::mirror::minisign::SecretKey::generate();
    let file = key.to_encrypted_file(&passphrase)?;
    crate::demo::write_private(out, &file)?;
    let public = key.public();
    std::fs::write(&public_path, public.to_file()).with_context(|| format!("writing {}", public_path.display()))?;
    say!(
        "Wrote a passphrase-protected signing key to {} and its public key to {}.",
        out.display(),
        public_path.display()
    );
    say!("Keep the key on this computer only. Publish the public key where readers find it:");
    say!("{}", public.base64());
    Ok(())
}

async fn export_csv(config: &Config, out: Option<&Path>) -> anyhow::Result<()> {
    let db = crate::db::Databases::open_existing(config).await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM objects").fetch_one(&db.main).await?;
    let bar = crate::demo::progress(u64::try_from(total).unwrap_or_default(), "objects");
    let mut conn = db.main.acquire().await?;
    let written = match out {
        Some(path) => {
            use std::os::unix::fs::OpenOptionsExt;
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .with_context(|| format!("writing {}", path.display()))?;
            let mut file = std::io::BufWriter::new(file);
            let done = async {
                let written = crate::collection::table::export(&mut conn, &mut file, || bar.inc(1)).await?;
                file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
                anyhow::Ok(written)
            }
            .await;
            match done {
                Ok(written) => written,
                Err(err) => {
                    // No half table (it holds internal notes) stays behind a failure.
                    let _ = std::fs::remove_file(path);
                    return Err(err.context(format!("writing {} (nothing was kept)", path.display())));
                }
            }
        }
        None => crate::collection::table::export(&mut conn, std::io::stdout().lock(), || bar.inc(1)).await?,
    };
    bar.finish_and_clear();
    drop(conn);
    db.close().await;
    eprintln!("Exported {written} object(s).");
    Ok(())
}

async fn import_csv(config: &Config, file: &Path, dry_run: bool) -> anyhow::Result<()> {
    use crate::collection::table::{self, ImportTable};
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let rows = table::read(&bytes).map_err(|e| {
        let column = if e.column.is_empty() { String::new() } else { format!(" (column {})", e.column) };
        anyhow::anyhow!("{}: line {}{column}: {}", file.display(), e.line, e.key)
    })?;
    if dry_run {
        // A dry run changes nothing, the schema's version included.
        crate::db::refuse_pending_migrations(config).await?;
    }
    let db = crate::db::Databases::open_existing(config).await?;
    let run = |strict: bool, label: &'static str| ImportTable {
        rows: rows.clone(),
        strict,
        progress: crate::demo::progress(0, label),
    };
    // A real import runs once, strictly: any bad row refuses it all and nothing is written.
    // The file is then checked again, to say what is wrong; a dry run only checks it.
    let mut written = None;
    let mut public_changed = false;
    if !dry_run {
        let import = run(true, "importing");
        let bar = import.progress.clone();
        let done = crate::collection::command::execute(&db.writer, Actor::operator(), import).await;
        bar.finish_and_clear();
        match done {
            Ok(done) => {
                public_changed = done.public_changed;
                written = Some(done.output);
            }
            Err(crate::collection::command::CommandError::Refused("csv-error-rows")) => {}
            Err(err) => {
                db.close().await;
                return Err(anyhow::anyhow!("{err}"));
            }
        }
    }
    let imported = written.is_some();
    let report = match written {
        Some(report) => report,
        None => {
            let check = run(false, "checking");
            let bar = check.progress.clone();
            let checked = crate::collection::command::dry_run(&db.writer, Actor::operator(), check).await;
            bar.finish_and_clear();
            checked.map_err(|e| anyhow::anyhow!("{e}"))?
        }
    };
    db.close().await;
    // Messages in English, as the panel says them (`{ $n }` is a number no table message has).
    let translations = crate::i18n::Translations::load()?;
    let say = |key: &str| translations.get(crate::i18n::Lang::En, key, None);
    let mut errors = 0;
    let mut changing = 0;
    for row in &report {
        if let Some(key) = row.error {
            errors += 1;
            let column = if row.column.is_empty() { String::new() } else { format!(" (column {})", row.column) };
            say!("line {}{column}: {}", row.line, say(key));
            for (key, column) in &row.also {
                say!("line {} (column {column}): {}", row.line, say(key));
            }
        } else if !row.changes.is_empty() {
            changing += 1;
            let fields: Vec<&str> = row.changes.iter().map(|c| c.field).collect();
            say!("line {}: {} changes {}", row.line, row.entry_number, fields.join(", "));
        }
    }
    if errors > 0 {
        bail!("{errors} row(s) with errors: nothing was written");
    }
    if imported {
        say!("Imported {} row(s): {changing} object(s) changed.", report.len());
        if public_changed {
            say!(
                "Published objects changed: if `zbor serve` is running, restart it so the public catalogue shows them \
                 (an import from the panel does this by itself)."
            );
        }
    } else {
        say!("Checked {} row(s): {changing} object(s) would change. Nothing was written (--dry-run).", report.len());
    }
    Ok(())
}

async fn export_site(config: &Config, options: &crate::mirror::Options) -> anyhow::Result<()> {
    let mut config = config.clone();
    // Every page is rendered once: nothing to keep.
    config.render_cache = false;
    crate::alloc::keep_freed_memory_a_while();
    let state = AppState::open_to_render(&config).await?;
    let bar = crate::demo::progress(0, "export");
    let exported = crate::mirror::export(&state, options, &bar).await;
    bar.finish_and_clear();
    state.db.close().await;
    state.vault.close().await;
    let made = exported?;
    say!(
        "Exported {} file(s) ({} bytes) to {}: {} page(s) rendered, {} written, {} unchanged, {} removed.",
        made.files,
        made.bytes,
        options.out.display(),
        made.rendered,
        made.written,
        made.files - made.written,
        made.removed
    );
    if options.base_url.is_none() {
        say!("Without --base-url the IIIF manifests and the sitemap were left out.");
    }
    if made.manifest_changed {
        say!(
            "The manifest changed: sign it where the signing key is, with `zbor sign-site {} --key FILE`.",
            options.out.display()
        );
    }
    Ok(())
}

fn sign_site(dir: &Path, key: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(key).with_context(|| format!("reading {}", key.display()))?;
    let key = crate::mirror::minisign::SecretKey::from_file(&text, || read_passphrase(false))?;
    crate::mirror::sign(dir, &key)?;
    say!("Signed {}/{} with key {}.", dir.display(), crate::mirror::MANIFEST, key.public().id_hex());
    Ok(())
}

fn verify_site(dir: &Path, key: &str) -> anyhow::Result<()> {
    let text = match std::fs::read_to_string(key) {
        Ok(text) => text,
        Err(_) => key.to_owned(),
    };
    let key = crate::mirror::minisign::PublicKey::parse(&text).context("the public key (a file or its base64 line)")?;
    let verified = crate::mirror::verify(dir, &key)?;
    say!(
        "The mirror in {} is the museum's: {} file(s), every one as signed by key {} ({}).",
        dir.display(),
        verified.files,
        key.id_hex(),
        verified.trusted_comment
    );
    Ok(())
}

fn load_identities(path: &Path) -> anyhow::Result<Vec<Box<dyn age::Identity + Send + Sync>>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    crate::donors::keys::load_identities(&bytes, || read_passphrase(false))
}

fn contacts_open(bundle: &Path, identity: &Path) -> anyhow::Result<()> {
    use secrecy::ExposeSecret;
    let text = std::fs::read_to_string(bundle).with_context(|| format!("reading {}", bundle.display()))?;
    let records = crate::donors::bundle::parse(&text)?;
    let identities = load_identities(identity)?;
    let identities: Vec<&dyn age::Identity> = identities.iter().map(|i| i.as_ref() as &dyn age::Identity).collect();
    let mut failed = 0;
    for record in &records {
        say!("== offer {}", record.offer_ref);
        match crate::donors::seal::open_age_file(&record.offer_ref, &record.age_file, &identities) {
            Ok(fields) if record.offer_ref.contains("#answer-") => {
                say!("the donor's answer:\n{}\n", fields.story.expose_secret());
            }
            Ok(fields) => {
                say!("contact: {}", fields.contact.expose_secret());
                if !fields.credit_name.expose_secret().is_empty() {
                    say!("credit name: {}", fields.credit_name.expose_secret());
                }
                say!("story:\n{}\n", fields.story.expose_secret());
            }
            Err(err) => {
                failed += 1;
                say!("NOT OPENED: {err}\n");
            }
        }
    }
    if failed > 0 {
        bail!("{failed} of {} record(s) could not be opened or are not bound to their offer", records.len());
    }
    Ok(())
}

async fn offers_purge(config: &Config) -> anyhow::Result<()> {
    let db = crate::db::Databases::open_existing(config).await?;
    let vault = crate::donors::contacts::Vault::open(&config.contacts_db_path()).await?;
    let today = chrono::Utc::now().date_naive();
    let purged =
        crate::donors::offers::purge(&db.writer, &vault, Actor::operator(), config.offer_retention_days, today).await;
    vault.close().await;
    db.close().await;
    let purged = purged?;
    say!(
        "Purged {} declined offer(s) and {} sealed record(s) of decided offers (retention: {}).",
        purged.offers,
        purged.records,
        match config.offer_retention_days {
            0 => "for ever, nothing is purged".to_owned(),
            days => format!("{days} days"),
        }
    );
    Ok(())
}

async fn contacts_reseal(config: &Config, identity: &Path) -> anyhow::Result<()> {
    // The collection must be there before anything is re-sealed: its audit log notes it.
    let db = crate::db::Databases::open_existing(config).await?;
    let recipients = Recipients::load(&config.recipients_path())?;
    let identities = load_identities(identity)?;
    let identities: Vec<&dyn age::Identity> = identities.iter().map(|i| i.as_ref() as &dyn age::Identity).collect();
    let vault = crate::donors::contacts::Vault::open(&config.contacts_db_path()).await?;
    let bar = crate::demo::progress(0, "records");
    let count = vault
        .reseal_all(&identities, &recipients, |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await;
    bar.finish_and_clear();
    vault.close().await;
    let count = count?;
    let keys = recipients.keys().map(ToString::to_string).collect();
    let noted = crate::collection::command::execute(
        &db.writer,
        Actor::operator(),
        crate::donors::offers::RecordReseal { records: count, recipients: keys },
    )
    .await;
    db.close().await;
    noted.context("the records were sealed again, but the audit log could not note it")?;
    say!("Re-sealed {count} record(s) to {} recipient(s).", recipients.len());
    Ok(())
}

async fn backup(config: &Config, options: &crate::backup::Options) -> anyhow::Result<()> {
    let recipients = Recipients::load(&config.recipients_path())
        .context("a backup is sealed to the keyholders in recipients.txt (run zbor init first)")?;
    let keys: Vec<age::x25519::Recipient> = recipients.keys().cloned().collect();
    let bar = crate::demo::progress(0, "backup");
    let made = crate::backup::backup(config, &keys, options, &bar).await;
    bar.finish_and_clear();
    let made = made?;
    say!(
        "Wrote {} ({} bytes), sealed to {} recipient(s): the databases ({} bytes), {} image file(s){}.",
        options.out.display(),
        made.bytes,
        keys.len(),
        made.database_bytes,
        made.uploads_written,
        if made.parent.is_some() {
            format!(", {} more already in the chain it builds on", made.uploads_in_chain)
        } else {
            String::new()
        }
    );
    say!("Its hash (for --since and increments): {}", made.hash);
    if let Some(head) = &made.audit_head {
        say!(
            "The last audit entry it holds (note it off the server with the archive; a restore of it prints the same): {head}"
        );
    }
    Ok(())
}

async fn restore(config: &Config, files: &[PathBuf], identity: &Path) -> anyhow::Result<()> {
    let identities = load_identities(identity)?;
    let identities: Vec<&dyn age::Identity> = identities.iter().map(|i| i.as_ref() as &dyn age::Identity).collect();
    let bar = crate::demo::progress(0, "restore");
    let restored = crate::backup::restore(config, files, &identities, &bar).await;
    bar.finish_and_clear();
    let r = restored?;
    say!(
        "Restored {} archive(s) into {} and {}: the databases ({} bytes), {} image file(s).",
        r.archives,
        config.data_dir.display(),
        config.uploads_dir.display(),
        r.database_bytes,
        r.uploads
    );
    say!(
        "  {} object(s), {} published; {} image(s); {} offer(s); {} sealed record(s).",
        r.objects,
        r.published,
        r.media,
        r.offers,
        r.sealed_records
    );
    say!("  The audit log is intact: {} entries.", r.audit_entries);
    if let Some(head) = &r.audit_head {
        say!("  Last entry's hash (compare with the one noted off the server): {head}");
    }
    if config.data_dir.join("zbor.toml.restored").exists() {
        say!(
            "  The backed-up configuration is in zbor.toml.restored in the data folder: review it and put it in place."
        );
    }
    if r.derivatives_failed > 0 {
        bail!("{} image(s) could not be rebuilt; see the log", r.derivatives_failed);
    }
    say!("Start the server with: zbor serve");
    Ok(())
}

async fn media_rebuild(config: &Config) -> anyhow::Result<()> {
    let db = crate::db::Databases::open_existing(config).await?;
    let pipeline = crate::media::Pipeline::new(crate::media::Store::new(&config.uploads_dir), config.upload_limits);
    crate::media::jobs::recover(&db.main, &pipeline.store).await?;
    let bar = crate::demo::progress(0, "derivatives");
    let failed = crate::media::jobs::rebuild(&db.main, &pipeline, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await?;
    bar.finish_and_clear();
    db.close().await;
    if failed > 0 {
        bail!("{failed} image(s) could not be rebuilt; see the log");
    }
    say!("Rebuilt the derivatives of every image.");
    Ok(())
}

async fn demo(cli: &Cli, listen: &str, objects: usize, no_serve: bool) -> anyhow::Result<()> {
    let (data_dir, uploads_dir, key_dir) = match &cli.data_dir {
        Some(dir) => {
            if dir.join("zbor.sqlite").exists() {
                bail!("{} already holds a collection; the demo needs a new folder", dir.display());
            }
            let uploads = cli.uploads_dir.clone().unwrap_or_else(|| dir.join("uploads"));
            let keys = dir.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
            (dir.clone(), uploads, keys)
        }
        None => {
            let root = std::env::temp_dir().join(format!("zbor-demo-{}", &crate::ids::random_id()[..8]));
            (root.join("data"), root.join("uploads"), root)
        }
    };
    let mut config = cli.config()?;
    config.data_dir = data_dir;
    config.uploads_dir = uploads_dir;
    let summary = crate::demo::create(&config, &key_dir, objects).await?;
    say!();
    say!("Demo collection: {} published objects, {} drafts", summary.published, summary.drafts);
    say!("  data folder:     {}", config.data_dir.display());
    say!("  uploads folder:  {}", config.uploads_dir.display());
    say!("  demo keyholder identity (DEMO ONLY, outside the data folder): {}", summary.identity_path.display());
    say!(
        "  staff login:     {} / {}  (curator; sign in at /admin/login)",
        summary.username,
        summary.password.expose_secret()
    );
    say!(
        "  second factor:   a one-time code: {}  (each works once; more: {})",
        summary.recovery_codes[0],
        summary.recovery_codes[1..].join(" ")
    );
    say!("                   or add this key to an authenticator app: {}", summary.totp_secret);
    say!("  a donor's receipt: {}  (3 offers wait at /admin/offers; try /offer/status)", summary.receipt);
    if no_serve {
        return Ok(());
    }
    let listener = TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    config.public_url.get_or_insert_with(|| format!("http://{addr}"));
    let state = AppState::open(&config).await?;
    say!("  open:            http://{addr}/");
    say!("Press Ctrl-C to stop.");
    app::serve(listener, state, app::shutdown_signal()).await
}
