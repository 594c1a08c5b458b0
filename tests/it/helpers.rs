//! A fresh app per test: its own temp data dir, real databases, requests through the router.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use tempfile::TempDir;
use tower::ServiceExt;

use zbor::app::{AppState, Site};
use zbor::collection::authorities::{self, NewEvent, NewMaker};
use zbor::collection::objects::{self, NewObject};
use zbor::collection::provenance::{self, NewProvenance, PartyRef};
use zbor::collection::{
    AcquisitionMethod, CreditChoice, EventKind, FuzzyDate, MakerKind, ProvenanceKind, PubState, Text3,
};
use zbor::collection::{PartyRole, publication, whereabouts};
use zbor::config::Config;
use zbor::media::{self, NewMedia};

pub struct TestApp {
    pub state: AppState,
    pub router: Site,
    pub config: Config,
    /// Kept so the folder lives as long as the app.
    _dir: TempDir,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn doc(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    /// Texts of the elements matching `selector`, whitespace-normalised.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = scraper::Selector::parse(selector).expect("selector");
        self.doc()
            .select(&selector)
            .map(|e| e.text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    /// Values of `attr` on the elements matching `selector`.
    pub fn attrs(&self, selector: &str, attr: &str) -> Vec<String> {
        let selector = scraper::Selector::parse(selector).expect("selector");
        self.doc().select(&selector).filter_map(|e| e.value().attr(attr).map(str::to_owned)).collect()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

impl TestApp {
    pub async fn new() -> Self {
        Self::open(tempfile::tempdir().expect("temp dir"), |_| {}).await
    }

    /// An app with its configuration adjusted.
    pub async fn with(adjust: impl FnOnce(&mut Config)) -> Self {
        Self::open(tempfile::tempdir().expect("temp dir"), adjust).await
    }

    async fn open(dir: TempDir, adjust: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config::new(dir.path().join("data"), dir.path().join("uploads"));
        adjust(&mut config);
        let state = AppState::open(&config).await.expect("open app");
        let router = Site::new(state.clone());
        Self { state, router, config, _dir: dir }
    }

    /// An app whose recipients file holds one keyholder's key (returned, as only a keyholder's
    /// own computer would hold it), so the intake form is open.
    pub async fn with_keyholder() -> (Self, age::x25519::Identity) {
        Self::with_keyholder_and(|_| {}).await
    }

    pub async fn with_keyholder_and(adjust: impl FnOnce(&mut Config)) -> (Self, age::x25519::Identity) {
        let identity = age::x25519::Identity::generate();
        (Self::with_recipients_and(&identity.to_public().to_string(), adjust).await, identity)
    }

    /// An app whose recipients file holds `recipient`.
    pub async fn with_recipients(recipient: &str) -> Self {
        Self::with_recipients_and(recipient, |_| {}).await
    }

    async fn with_recipients_and(recipient: &str, adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("data")).expect("data dir");
        std::fs::write(dir.path().join("data").join("recipients.txt"), format!("{recipient}\n")).expect("recipients");
        Self::open(dir, adjust).await
    }

    /// Sends a request through the router and reads the whole answer.
    pub async fn send(&self, request: Request<Body>) -> Resp {
        let response = self.router.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        Resp { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// A signed-in staff member's cookie. Roles that need a second factor are enrolled first
    /// and sign in with one of their recovery codes.
    pub async fn staff_cookie(&self, username: &str, role: zbor::auth::Role) -> String {
        let pool = &self.state.db.main;
        let password = "a long enough password";
        let id = zbor::auth::create_user(pool, &username.parse().unwrap(), password.to_owned().into(), role)
            .await
            .expect("user");
        let mut totp = String::new();
        if role.requires_totp() {
            let secret = zbor::auth::totp::pending_secret(pool, id).await.expect("secret");
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
            let code = zbor::auth::totp::totp(&secret, username).expect("totp").generate(now).to_string();
            let codes = zbor::auth::totp::confirm(pool, id, username, &code).await.expect("confirm").expect("enrolled");
            totp = codes[0].clone();
        }
        let body = format!(
            "username={}&password={}&totp={}",
            zbor::web::encode(username),
            zbor::web::encode(password),
            zbor::web::encode(&totp)
        );
        let request = Request::post("/admin/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        let resp = self.send(request).await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "{username} signs in");
        resp.header("set-cookie").split(';').next().expect("cookie").to_owned()
    }

    /// The CSRF token of the first form on the page at `uri`.
    pub async fn token(&self, uri: &str, cookie: Option<&str>) -> String {
        let headers: Vec<(&str, &str)> = cookie.map(|c| vec![("cookie", c)]).unwrap_or_default();
        let page = self.get_with(uri, &headers).await;
        page.attrs("input[name=csrf]", "value").into_iter().next().expect("a form with a token")
    }

    /// Posts a URL-encoded form as a signed-in staff member.
    pub async fn post_form(&self, uri: &str, cookie: &str, pairs: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(pairs).expect("form");
        let request = Request::post(uri)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookie)
            .body(Body::from(body))
            .expect("request");
        self.send(request).await
    }

    pub async fn get(&self, uri: &str) -> Resp {
        self.get_with(uri, &[]).await
    }

    pub async fn get_with(&self, uri: &str, headers: &[(&str, &str)]) -> Resp {
        let mut request = Request::builder().uri(uri);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response =
            self.router.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        Resp { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn get_bytes(&self, uri: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        self.get_bytes_with(uri, &[]).await
    }

    pub async fn get_bytes_with(&self, uri: &str, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut request = Request::builder().uri(uri);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response =
            self.router.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        (status, headers, bytes.to_vec())
    }

    /// An app on existing data and uploads folders (a restored collection).
    pub async fn at(data: &std::path::Path, uploads: &std::path::Path) -> Self {
        Self::open(tempfile::tempdir().expect("temp dir"), |config| {
            config.data_dir = data.to_path_buf();
            config.uploads_dir = uploads.to_path_buf();
        })
        .await
    }

    pub async fn refresh(&self) {
        self.state.public.refresh(&self.state.db.main).await.expect("refresh");
    }
}

/// Strings that must never appear on a public page.
pub const CANARIES: &[&str] = &[
    "CANARY-INSCRIPTION",
    "CANARY-NOTES",
    "CANARY-PROVENANCE",
    "CANARY-LOCATION",
    "CANARY-MAKER-NOTES",
    "CANARY-ORG-NOTES",
    "CANARY-DRAFT",
    "CANARY-WITHDRAWN",
    "CANARY-PSEUDONYM-OF-ANONYMOUS",
    "CANARY-VALUATION",
    "CANARY-CONDITION",
    "CANARY-AUTHORITY",
    "CANARY-DEACCESSIONED",
];

/// What [`seed`] made, for tests to refer to.
pub struct Fixture {
    pub flag: String,
    pub badge: String,
    pub draft_id: i64,
    pub draft_entry: String,
    pub withdrawn: String,
    pub private_hash: String,
    pub public_hash: String,
    pub draft_hash: String,
    pub maker_ivan: i64,
    pub event_march: i64,
    pub generic_count: usize,
}

/// Enrols `username` with a second factor; returns its one-time recovery codes.
pub async fn enrol(app: &TestApp, username: &str) -> Vec<String> {
    let pool = &app.state.db.main;
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE username = ?").bind(username).fetch_one(pool).await.unwrap();
    let secret = zbor::auth::totp::pending_secret(pool, id).await.expect("secret");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    let code = zbor::auth::totp::totp(&secret, username).expect("totp").generate(now).to_string();
    zbor::auth::totp::confirm(pool, id, username, &code).await.expect("confirm").expect("enrolled")
}

pub fn t(be: &str, en: &str, ru: &str) -> Text3 {
    Text3::new(be, en, ru)
}

fn small_image(seed: u8) -> image::RgbImage {
    image::RgbImage::from_fn(320, 240, |x, y| image::Rgb([seed, (x % 256) as u8, (y % 256) as u8]))
}

/// A small collection with one object of each interesting kind, private canaries in every
/// private place, drafts, a withdrawn object, and enough generic objects for two list pages.
pub async fn seed(app: &TestApp) -> Fixture {
    let pattern = "MFB-{year}-{seq:04}";
    let pool = &app.state.db.main;
    let mut tx = pool.begin().await.expect("tx");
    let conn = &mut *tx;

    let maker = |name: &str, kind| NewMaker {
        kind,
        name: Text3::same(name),
        bio: Text3::default(),
        private_notes: "CANARY-MAKER-NOTES".to_owned(),
    };
    let ivan = authorities::create_maker(conn, &maker("Іван", MakerKind::Person)).await.unwrap();
    let mut collation_makers = Vec::new();
    for name in ["Юрась", "Аляксей", "Ўладзь", "Зоя", "Уладзь", "Янка", "Кастусь"]
    {
        collation_makers.push(authorities::create_maker(conn, &maker(name, MakerKind::Person)).await.unwrap());
    }
    let org = authorities::create_organisation(conn, &Text3::same("Рада"), "CANARY-ORG-NOTES").await.unwrap();
    let place = authorities::create_place(conn, &t("Мінск", "Minsk", "Минск")).await.unwrap();
    let march = authorities::create_event(
        conn,
        &NewEvent {
            kind: EventKind::March,
            name: t("Марш міру", "March for Peace", "Марш мира"),
            description: Text3::default(),
            starts_on: Some("2020-08-16".into()),
            ends_on: None,
            place_id: Some(place),
            organisation_id: Some(org),
        },
    )
    .await
    .unwrap();
    let location = whereabouts::create_location(conn, "CANARY-LOCATION shelf", "").await.unwrap();
    let store = media::Store::new(&app.config.uploads_dir);

    // The flag: public text, private inscription, notes, provenance and image.
    let anonymous =
        zbor::donors::create_donor(conn, CreditChoice::Anonymous, "CANARY-PSEUDONYM-OF-ANONYMOUS", date(2022, 1, 1))
            .await
            .unwrap();
    let mut flag = NewObject::new("flag", t("Бел-чырвона-белы сцяг", "White-red-white flag", "Бело-красно-белый флаг"));
    flag.description = t("Сцяг з маршу.", "A flag from the march.", "Флаг с марша.");
    flag.inscription = Text3::same("CANARY-INSCRIPTION");
    flag.internal_notes = "CANARY-NOTES".into();
    flag.date = FuzzyDate::year(2020);
    flag.donor_id = Some(anonymous.clone());
    flag.acquisition_method = Some(AcquisitionMethod::Gift);
    let flag_id = objects::create_object(conn, &flag, 2022).await.unwrap().id;
    objects::link_maker(conn, flag_id, ivan).await.unwrap();
    objects::link_event(conn, flag_id, march).await.unwrap();
    let mut made = NewProvenance::new(ProvenanceKind::Made, FuzzyDate::year(2020));
    made.is_public = true;
    made.parties.push((PartyRole::Maker, PartyRef::Maker(ivan)));
    provenance::add_provenance(conn, flag_id, &made).await.unwrap();
    let mut given = NewProvenance::new(ProvenanceKind::Given, FuzzyDate::year(2022));
    given.note = Text3::same("CANARY-PROVENANCE");
    given.parties.push((PartyRole::Giver, PartyRef::Donor(anonymous.clone())));
    provenance::add_provenance(conn, flag_id, &given).await.unwrap();
    whereabouts::move_object(conn, flag_id, location, date(2022, 1, 2), true, "CANARY-LOCATION move").await.unwrap();
    let public = store.store(&small_image(1)).unwrap();
    let private = store.store(&small_image(2)).unwrap();
    let public_media =
        NewMedia { alt: t("Сцяг", "The flag", "Флаг"), caption: Text3::default(), is_public: true };
    media::add_media(conn, flag_id, &public, &public_media).await.unwrap();
    media::add_media(conn, flag_id, &private, &NewMedia { is_public: false, ..public_media.clone() }).await.unwrap();
    let flag_acc = publish(conn, flag_id, pattern, 2022).await;

    // The badge: a named donor, public acquisition.
    let named = zbor::donors::create_donor(conn, CreditChoice::Name, "Ivan", date(2023, 1, 1)).await.unwrap();
    let mut badge =
        NewObject::new("badge", t("Значок «Жыве Беларусь!»", "Badge “Long live Belarus!”", "Значок «Жыве Беларусь!»"));
    badge.date = FuzzyDate::year(2021);
    badge.donor_id = Some(named);
    badge.acquisition_method = Some(AcquisitionMethod::Gift);
    badge.acquisition_public = true;
    badge.acquired_on = Some(date(2023, 1, 1));
    let badge_id = objects::create_object(conn, &badge, 2023).await.unwrap().id;
    objects::link_maker(conn, badge_id, collation_makers[1]).await.unwrap();
    let badge_acc = publish(conn, badge_id, pattern, 2023).await;

    let mut poster = NewObject::new(
        "poster",
        t(
            "Плакат «Верым, можам, пераможам»",
            "Poster “We believe, we can, we will win”",
            "Плакат «Верим, можем, победим»",
        ),
    );
    poster.date = FuzzyDate::year(2020);
    let poster_id = objects::create_object(conn, &poster, 2022).await.unwrap().id;
    objects::link_event(conn, poster_id, march).await.unwrap();
    publish(conn, poster_id, pattern, 2022).await;

    let mut letter =
        NewObject::new("letter", t("Ліст палітвязню", "Letter to a political prisoner", "Письмо политзаключённому"));
    letter.date = FuzzyDate::year(2021);
    let letter_id = objects::create_object(conn, &letter, 2022).await.unwrap().id;
    publish(conn, letter_id, pattern, 2022).await;

    // Makers for the collation test each need a published object.
    for (i, maker_id) in collation_makers.iter().enumerate().skip(2) {
        let o = NewObject::new("other", Text3::same(format!("Прадмет {i}")));
        let id = objects::create_object(conn, &o, 2022).await.unwrap().id;
        objects::link_maker(conn, id, *maker_id).await.unwrap();
        publish(conn, id, pattern, 2022).await;
    }
    objects::link_maker(conn, poster_id, collation_makers[0]).await.unwrap();

    // A draft and a withdrawn object, each with a public image.
    let mut draft = NewObject::new("ribbon", Text3::same("CANARY-DRAFT ribbon"));
    draft.date = FuzzyDate::year(2020);
    let draft_ref = objects::create_object(conn, &draft, 2024).await.unwrap();
    objects::link_maker(conn, draft_ref.id, ivan).await.unwrap();
    let draft_image = store.store(&small_image(3)).unwrap();
    media::add_media(conn, draft_ref.id, &draft_image, &public_media).await.unwrap();
    publication::accession(conn, draft_ref.id, &accession_pattern(pattern), 2024).await.unwrap();

    let withdrawn = NewObject::new("ribbon", Text3::same("CANARY-WITHDRAWN ribbon"));
    let withdrawn_id = objects::create_object(conn, &withdrawn, 2024).await.unwrap().id;
    let withdrawn_acc = publish(conn, withdrawn_id, pattern, 2024).await;
    publication::set_state(conn, withdrawn_id, PubState::Withdrawn).await.unwrap();

    // The registrar's private records: the flag's accession authority, a value and a condition
    // report; and an object published once, then deaccessioned.
    sqlx::query("UPDATE accessions SET authority = 'CANARY-AUTHORITY' WHERE object_id = ?")
        .bind(flag_id)
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO valuations (object_id, valued_on, amount_minor, currency, purpose, note, recorded_by)
         VALUES (?, '2025-01-01', 4242424200, 'EUR', 'insurance', 'CANARY-VALUATION', 'registrar')",
    )
    .bind(flag_id)
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO condition_reports (object_id, checked_on, condition, notes, checked_by)
         VALUES (?, '2025-01-01', 'fair', 'CANARY-CONDITION', 'registrar')",
    )
    .bind(flag_id)
    .execute(&mut *conn)
    .await
    .unwrap();
    let gone =
        objects::create_object(conn, &NewObject::new("ribbon", Text3::same("CANARY-DEACCESSIONED ribbon")), 2024)
            .await
            .unwrap()
            .id;
    publish(conn, gone, pattern, 2024).await;
    publication::set_state(conn, gone, PubState::Withdrawn).await.unwrap();
    sqlx::query(
        "UPDATE accessions SET deaccessioned_on = accessioned_on, deaccession_reason = 'lost',
            deaccession_authority = 'director', disposal_method = 'loss' WHERE object_id = ?",
    )
    .bind(gone)
    .execute(&mut *conn)
    .await
    .unwrap();

    // Generic objects so the list has more than one page.
    let generic_count = 30;
    for i in 0..generic_count {
        let mut o =
            NewObject::new("photograph", t(&format!("Здымак {i}"), &format!("Photograph {i}"), &format!("Снимок {i}")));
        o.date = FuzzyDate::year(2022);
        let id = objects::create_object(conn, &o, 2022).await.unwrap().id;
        publish(conn, id, pattern, 2022).await;
    }
    tx.commit().await.unwrap();
    app.refresh().await;
    let draft_entry = draft_ref.entry_number.to_string();
    Fixture {
        flag: flag_acc,
        badge: badge_acc,
        draft_id: draft_ref.id,
        draft_entry,
        withdrawn: withdrawn_acc,
        private_hash: private.hash,
        public_hash: public.hash,
        draft_hash: draft_image.hash,
        maker_ivan: ivan,
        event_march: march,
        generic_count,
    }
}

pub fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// An accession pattern as `zbor.toml` would give it.
pub fn accession_pattern(pattern: &str) -> zbor::collection::numbers::AccessionPattern {
    zbor::collection::numbers::AccessionPattern::parse(pattern).unwrap()
}

pub async fn publish(conn: &mut sqlx::SqliteConnection, id: i64, pattern: &str, year: i32) -> String {
    let number = publication::accession(conn, id, &accession_pattern(pattern), year).await.unwrap();
    publication::set_state(conn, id, PubState::Published).await.unwrap();
    number.to_string()
}

/// A multipart body with text `fields` and `files` in the `photos` field, and its content type.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    multipart_in(fields, "photos", files)
}

/// A multipart body with text `fields` and `files` in the file field `file_field`.
pub fn multipart_in(fields: &[(&str, &str)], file_field: &str, files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "zbor-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The app served over a real socket on a loopback port, in the test's own process; dropping it
/// asks the server to stop.
pub struct Served {
    pub addr: std::net::SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Served {
    /// `http://ADDR`, for a client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server gracefully and waits until it has.
    pub async fn stop(self) {
        self.stop.send(()).unwrap();
        self.task.await.unwrap().unwrap();
    }
}

impl TestApp {
    /// Serves the app as `zbor serve` would, on a free loopback port.
    pub async fn serve(&self) -> Served {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(zbor::app::serve(listener, self.state.clone(), async {
            let _ = stopped.await;
        }));
        Served { addr, stop, task }
    }
}

/// A child process killed (SIGKILL) and reaped when the test ends, however it ends.
pub struct Running(pub std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A real `zbor serve` process on a loopback port, killed (SIGKILL) when dropped.
pub struct Server {
    pub process: Running,
    /// Where it serves, as it printed it: `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Server {
    /// `zbor serve` on its own data and uploads folders, on a free loopback port; callers
    /// add environment variables before [`Server::spawn`].
    pub fn command(data: &std::path::Path, uploads: &std::path::Path) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_zbor"));
        command
            .arg("--data-dir")
            .arg(data)
            .arg("--uploads-dir")
            .arg(uploads)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdin(std::process::Stdio::null());
        command
    }

    /// Starts `command` with its output in the files `stdout` and `stderr` and waits until it
    /// says where it serves.
    pub fn spawn(command: &mut std::process::Command, stdout: &std::path::Path, stderr: &std::path::Path) -> Self {
        use std::time::{Duration, Instant};
        let child = command
            .stdout(std::fs::File::create(stdout).unwrap())
            .stderr(std::fs::File::create(stderr).unwrap())
            .spawn()
            .unwrap();
        let process = Running(child);
        let started = Instant::now();
        let url = loop {
            let text = std::fs::read_to_string(stdout).unwrap_or_default();
            if let Some(url) = text.lines().find_map(|l| l.strip_prefix("zbor is serving at ")) {
                break url.trim().to_owned();
            }
            assert!(started.elapsed() < Duration::from_secs(60), "zbor serve did not start");
            std::thread::sleep(Duration::from_millis(50));
        };
        Self { process, url }
    }

    /// Kills the server as a power cut would (SIGKILL, no chance to clean up) and reaps it.
    pub fn kill_9(&mut self) {
        let _ = self.process.0.kill();
        let _ = self.process.0.wait();
    }

    /// The process id, to signal the server or look at it in `/proc`.
    pub fn id(&self) -> u32 {
        self.process.0.id()
    }
}
