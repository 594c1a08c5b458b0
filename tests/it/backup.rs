//! `zbor backup` and `zbor restore`, run as the binary against a collection that keeps
//! taking offers meanwhile: the restored museum answers every public URL with the same bytes,
//! its audit log verifies, its sealed records open with a keyholder's key; the archive and
//! the temporary folder hold no plaintext; a damaged archive, a wrong key or a missing
//! increment is refused before anything is written.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use axum::http::StatusCode;

use crate::helpers::{CANARIES, TestApp, seed};
use crate::media::{contains, files_under, plain_jpeg};

fn zbor(data: &Path, uploads: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zbor"));
    cmd.env_remove("ZBOR_DATA_DIR")
        .env_remove("ZBOR_UPLOADS_DIR")
        .env("RUST_LOG", "warn")
        .env("ZBOR_KEY_PASSPHRASE", "")
        .arg("--data-dir")
        .arg(data)
        .arg("--uploads-dir")
        .arg(uploads)
        .stdin(Stdio::null());
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run zbor")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn backup(app: &TestApp, out: &Path, since: Option<&Path>) -> Output {
    let mut cmd = zbor(&app.config.data_dir, &app.config.uploads_dir);
    cmd.arg("backup").arg("--out").arg(out);
    if let Some(previous) = since {
        cmd.arg("--since").arg(previous);
    }
    let result = run(&mut cmd);
    assert!(result.status.success(), "{}", text(&result));
    result
}

fn restore(into: &Path, archives: &[&Path], key: &Path) -> Output {
    let mut cmd = zbor(&into.join("data"), &into.join("uploads"));
    cmd.arg("restore").args(archives).arg("--identity").arg(key);
    run(&mut cmd)
}

/// Writes a keyholder's identity where a restore can read it.
fn key_file(dir: &Path, identity: &age::x25519::Identity) -> PathBuf {
    use age::secrecy::ExposeSecret;
    let path = dir.join(format!("key-{}.txt", &identity.to_public().to_string()[4..12]));
    std::fs::write(&path, format!("{}\n", identity.to_string().expose_secret())).unwrap();
    path
}

/// Every public URL reachable from the home pages, with its status and bytes.
async fn crawl(app: &TestApp) -> BTreeMap<String, (StatusCode, Vec<u8>)> {
    let mut seen = BTreeMap::new();
    let mut queue: VecDeque<String> =
        ["/", "/objects", "/makers", "/events", "/?lang=en", "/objects?lang=ru"].map(String::from).into();
    while let Some(url) = queue.pop_front() {
        if seen.contains_key(&url) || seen.len() >= 400 {
            continue;
        }
        let (status, headers, body) = app.get_bytes(&url).await;
        let html = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").starts_with("text/html");
        if html {
            let page = scraper::Html::parse_document(&String::from_utf8_lossy(&body));
            let links = scraper::Selector::parse("a[href], img[src], link[href], source[srcset]").unwrap();
            for element in page.select(&links) {
                let value = element.attr("href").or(element.attr("src")).or(element.attr("srcset")).unwrap_or("");
                for candidate in value.split(',') {
                    let link = candidate.split_whitespace().next().unwrap_or("").split('#').next().unwrap_or("");
                    if link.starts_with('/')
                        && !link.starts_with("//")
                        && !link.starts_with("/admin")
                        && !link.starts_with("/offer")
                    {
                        queue.push_back(link.to_owned());
                    }
                }
            }
        }
        seen.insert(url, (status, body));
    }
    seen
}

async fn send_offer(app: &TestApp, n: usize) {
    let contact = format!("CONTACT-CANARY-{n}");
    let title = format!("Offered ribbon {n}");
    let photo = plain_jpeg(64, 48);
    let request = crate::intake::offer_request(
        app,
        [10, 0, 0, (n % 200) as u8 + 1],
        &[("title", &title), ("contact", &contact), ("story", "STORY-CANARY kept for the museum")],
        &[("photo.jpg", &photo)],
        &[],
    )
    .await;
    let resp = app.send(request).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
}

fn is_empty_or_missing(dir: &Path) -> bool {
    std::fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(true)
}

#[tokio::test]
async fn a_restore_drill_brings_back_every_public_byte_every_sealed_record_and_the_audit_chain() {
    let (app, identity) = TestApp::with_keyholder().await;
    let fixture = seed(&app).await;
    app.refresh().await;
    for n in 0..2 {
        send_offer(&app, n).await;
    }
    // A curator accepts one: audited, and its photo becomes a master.
    let cookie = app.staff_cookie("curator", zbor::auth::Role::Curator).await;
    let id: String =
        sqlx::query_scalar("SELECT id FROM offers ORDER BY id LIMIT 1").fetch_one(&app.state.db.main).await.unwrap();
    let token = app.token(&format!("/admin/offers/{id}"), Some(&cookie)).await;
    let accepted = app.post_form(&format!("/admin/offers/{id}/accept"), &cookie, &[("csrf", &token)]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let work = tempfile::tempdir().unwrap();
    let tmp = work.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let archive = work.path().join("museum.age");

    // The backup runs while donors keep sending offers.
    let mut child = zbor(&app.config.data_dir, &app.config.uploads_dir)
        .env("TMPDIR", &tmp)
        .arg("backup")
        .arg("--out")
        .arg(&archive)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut during = 0;
    while child.try_wait().unwrap().is_none() || during == 0 {
        send_offer(&app, 10 + during).await;
        during += 1;
    }
    let out_backup = child.wait_with_output().unwrap();
    let out = &out_backup;
    assert!(out.status.success(), "{}", text(out));
    assert!(text(out).contains("sealed to 1 recipient"), "{}", text(out));

    // No plaintext in the archive, and nothing left in the temporary folder.
    let sealed = std::fs::read(&archive).unwrap();
    assert!(sealed.starts_with(b"age-encryption.org/v1\n"));
    let master = files_under(&app.config.uploads_dir)
        .into_iter()
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with("master."))
        .expect("a master");
    let master_bytes = std::fs::read(&master).unwrap();
    let mut canaries: Vec<&[u8]> = CANARIES.iter().map(|c| c.as_bytes()).collect();
    canaries.extend([b"CONTACT-CANARY".as_slice(), b"STORY-CANARY", b"Offered ribbon", &master_bytes[200..264]]);
    for canary in &canaries {
        assert!(!contains(&sealed, canary), "plaintext in the archive: {}", String::from_utf8_lossy(canary));
    }
    assert!(is_empty_or_missing(&tmp), "the backup left files in TMPDIR: {:?}", files_under(&tmp));
    // Sanity: the canaries are in the live database, so their absence above means something.
    let notes: String = sqlx::query_scalar("SELECT internal_notes FROM objects WHERE internal_notes LIKE '%CANARY%'")
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert!(notes.contains("CANARY-NOTES"));

    // Restore on "new hardware" with the keyholder's key.
    let key = key_file(work.path(), &identity);
    let new = work.path().join("new");
    let out = restore(&new, &[&archive], &key);
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("The audit log is intact"), "{said}");
    assert!(said.contains("Last entry's hash"), "{said}");
    let verify = run(zbor(&new.join("data"), &new.join("uploads")).args(["audit", "verify"]));
    assert!(verify.status.success(), "{}", text(&verify));
    // The audit entry the backup told us to note is the one the restore ends at: the routine
    // in the README (note it, compare after the drill) holds.
    let noted = String::from_utf8_lossy(&out_backup.stdout)
        .lines()
        .find_map(|l| {
            l.strip_prefix("The last audit entry it holds").and_then(|l| l.rsplit(' ').next()).map(str::to_owned)
        })
        .expect("the backup names its last audit entry");
    assert!(said.contains(&noted), "{said}");
    let checked = run(zbor(&new.join("data"), &new.join("uploads")).args(["audit", "verify", "--head"]).arg(&noted));
    assert!(checked.status.success(), "{}", text(&checked));
    for path in files_under(&new) {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{} is open to others ({mode:o})", path.display());
    }

    // Every public URL answers the same bytes.
    let restored = TestApp::at(&new.join("data"), &new.join("uploads")).await;
    let before = crawl(&app).await;
    let after = crawl(&restored).await;
    assert!(before.len() > 30, "the crawl found too little: {:?}", before.keys().collect::<Vec<_>>());
    assert!(before.keys().any(|u| u.contains(&fixture.public_hash)), "an image was crawled: {:?}", before.keys());
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
    for (url, (status, body)) in &before {
        assert_eq!(*status, StatusCode::OK, "{url}");
        assert!(after[url] == (*status, body.clone()), "{url} differs after the restore");
    }
    let draft = format!("/objects/{}", fixture.draft_entry);
    assert_eq!(restored.get(&draft).await.status, StatusCode::NOT_FOUND, "unpublished stays unpublished");

    // Every offer in the restored collection has its sealed record, unchanged, and a
    // keyholder opens them with the ordinary tool.
    let offers: Vec<String> =
        sqlx::query_scalar("SELECT id FROM offers ORDER BY id").fetch_all(&restored.state.db.main).await.unwrap();
    // The two sent before the backup are in it; of those sent during it, the ones its read
    // transaction saw (how many is a matter of timing), each whole.
    assert!(offers.len() >= 2, "offers before the backup: {}", offers.len());
    let live: BTreeSet<String> =
        sqlx::query_scalar("SELECT id FROM offers").fetch_all(&app.state.db.main).await.unwrap().into_iter().collect();
    assert!(offers.iter().all(|o| live.contains(o)), "a restored offer the original never had");
    let original: BTreeMap<String, Vec<u8>> = crate::intake::sealed_records(&app).await.into_iter().collect();
    let records = crate::intake::sealed_records(&restored).await;
    let refs: BTreeSet<&str> = records.iter().map(|(r, _)| r.as_str()).collect();
    for offer in &offers {
        assert!(refs.contains(offer.as_str()), "offer {offer} lost its sealed record");
    }
    for (offer_ref, bytes) in &records {
        assert_eq!(Some(bytes), original.get(offer_ref), "{offer_ref} changed");
    }
    let bundle = work.path().join("bundle.txt");
    std::fs::write(&bundle, zbor::donors::bundle::write(&records).unwrap()).unwrap();
    let mut open = Command::new(env!("CARGO_BIN_EXE_zbor"));
    let opened =
        run(open.args(["contacts", "open"]).arg(&bundle).arg("--identity").arg(&key).env("ZBOR_KEY_PASSPHRASE", ""));
    assert!(opened.status.success(), "{}", text(&opened));
    assert!(text(&opened).contains("CONTACT-CANARY-0"), "{}", text(&opened));
}

#[tokio::test]
async fn increments_chain_and_a_damaged_archive_a_wrong_key_or_a_missing_increment_is_refused() {
    let (app, identity) = TestApp::with_keyholder().await;
    seed(&app).await;
    let work = tempfile::tempdir().unwrap();
    let store = zbor::media::Store::new(&app.config.uploads_dir);
    let full = work.path().join("full.age");
    let said = text(&backup(&app, &full, None));
    let masters = |dir: &Path| -> BTreeSet<String> {
        files_under(dir)
            .into_iter()
            .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("master."))
            .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
            .collect()
    };
    let first = masters(&app.config.uploads_dir);
    assert!(said.contains(&format!("{} image file(s)", first.len())), "{said}");
    // Written under a name of its own until whole: none is left beside it.
    assert!(!work.path().join("full.age.partial").exists());
    // What a backup cut off left is named, not mistaken for a backup, nor written over.
    let cut_short = work.path().join("cut.age");
    std::fs::write(work.path().join("cut.age.partial"), "half").unwrap();
    let out = run(zbor(&app.config.data_dir, &app.config.uploads_dir).arg("backup").arg("--out").arg(&cut_short));
    assert!(!out.status.success() && text(&out).contains("cut off"), "{}", text(&out));
    assert!(!cut_short.exists());

    // With the derivatives, the archive carries every size as well.
    let fat = work.path().join("with-derivatives.age");
    let out = run(zbor(&app.config.data_dir, &app.config.uploads_dir)
        .arg("backup")
        .arg("--with-derivatives")
        .arg("--out")
        .arg(&fat));
    assert!(out.status.success(), "{}", text(&out));
    let files = files_under(&app.config.uploads_dir).len();
    assert!(text(&out).contains(&format!("{files} image file(s)")), "{} for {files} files", text(&out));
    assert!(std::fs::metadata(&fat).unwrap().len() > std::fs::metadata(&full).unwrap().len());

    // Two increments, each after a new image.
    let image = |seed: u8| image::RgbImage::from_fn(96, 64, |x, y| image::Rgb([seed, x as u8, y as u8]));
    store.store(&image(201)).unwrap();
    let inc1 = work.path().join("inc1.age");
    let said = text(&backup(&app, &inc1, Some(&full)));
    assert!(said.contains(" 1 image file(s)"), "only the new master: {said}");
    store.store(&image(202)).unwrap();
    let inc2 = work.path().join("inc2.age");
    let said = text(&backup(&app, &inc2, Some(&inc1)));
    assert!(said.contains(" 1 image file(s)"), "{said}");
    let all = masters(&app.config.uploads_dir);
    assert_eq!(all.len(), first.len() + 2);
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'backup.made'")
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(audited, 4, "every backup is in the audit log");

    let key = key_file(work.path(), &identity);
    let refused = |name: &str, archives: &[&Path], key: &Path, why: &str| {
        let into = work.path().join(name);
        let out = restore(&into, archives, key);
        assert!(!out.status.success(), "{name} was not refused");
        assert!(text(&out).contains(why), "{name}: {}", text(&out));
        assert!(is_empty_or_missing(&into.join("data")), "{name} wrote into the data folder");
        assert!(is_empty_or_missing(&into.join("uploads")), "{name} wrote into the uploads folder");
    };

    // A flipped byte in the middle, or the archive cut short.
    let mut bytes = std::fs::read(&full).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    let flipped = work.path().join("flipped.age");
    std::fs::write(&flipped, &bytes).unwrap();
    refused("flipped", &[&flipped], &key, "is damaged");
    let cut = work.path().join("cut.age");
    std::fs::write(&cut, &std::fs::read(&full).unwrap()[..middle]).unwrap();
    refused("cut", &[&cut], &key, "is damaged");
    // Someone else's key.
    let stranger = key_file(work.path(), &age::x25519::Identity::generate());
    refused("stranger", &[&full], &stranger, "cannot open");
    // A chain with a gap, an increment alone, a chain out of order.
    refused("gap", &[&full, &inc2], &key, "an increment is missing");
    refused("alone", &[&inc1], &key, "is an increment");
    refused("order", &[&full, &inc2, &inc1], &key, "an increment is missing");
    // Into a folder that holds something.
    let busy = work.path().join("busy");
    std::fs::create_dir_all(busy.join("data")).unwrap();
    std::fs::write(busy.join("data").join("keep.txt"), "mine").unwrap();
    let out = restore(&busy, &[&full], &key);
    assert!(!out.status.success() && text(&out).contains("not empty"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(busy.join("data").join("keep.txt")).unwrap(), "mine");
    // An increment on top of a file that is no backup of this collection.
    let out = run(zbor(&app.config.data_dir, &app.config.uploads_dir)
        .arg("backup")
        .arg("--out")
        .arg(work.path().join("x.age"))
        .arg("--since")
        .arg(&flipped));
    assert!(!out.status.success() && text(&out).contains("not a backup made of this collection"), "{}", text(&out));
    assert!(!work.path().join("x.age").exists());

    // A restore cut off halfway (a signal, a power cut) leaves its marker: no command uses
    // the folder, and the same restore run again starts over and finishes.
    let cut_off = work.path().join("cut-off");
    std::fs::create_dir_all(cut_off.join("data")).unwrap();
    std::fs::create_dir_all(cut_off.join("uploads/ab")).unwrap();
    std::fs::write(cut_off.join("data").join(".restoring"), "").unwrap();
    std::fs::write(cut_off.join("data").join("zbor.sqlite"), "").unwrap();
    std::fs::write(cut_off.join("uploads/ab/master.jpg"), "half").unwrap();
    let verify = run(zbor(&cut_off.join("data"), &cut_off.join("uploads")).args(["audit", "verify"]));
    assert!(!verify.status.success() && text(&verify).contains("a restore that did not finish"), "{}", text(&verify));
    assert_eq!(std::fs::metadata(cut_off.join("data").join("zbor.sqlite")).unwrap().len(), 0, "left as it was");
    let out = restore(&cut_off, &[&full], &key);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!cut_off.join("data").join(".restoring").exists());
    assert!(!cut_off.join("uploads/ab/master.jpg").exists(), "the half restore's files went");
    assert_eq!(masters(&cut_off.join("uploads")), first);
    let verify = run(zbor(&cut_off.join("data"), &cut_off.join("uploads")).args(["audit", "verify"]));
    assert!(verify.status.success(), "{}", text(&verify));

    // The whole chain restores every image; the full backup alone, the images it had.
    let chain = work.path().join("chain");
    let out = restore(&chain, &[&full, &inc1, &inc2], &key);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(masters(&chain.join("uploads")), all);
    let only_full = work.path().join("only-full");
    let out = restore(&only_full, &[&full], &key);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(masters(&only_full.join("uploads")), first);
}

#[tokio::test]
#[ignore = "needs the standard age tool (Debian package age, installed by .ci/run)"]
async fn in_an_emergency_the_standard_age_and_tar_tools_open_a_backup() {
    let (app, identity) = TestApp::with_keyholder().await;
    seed(&app).await;
    let work = tempfile::tempdir().unwrap();
    let archive = work.path().join("museum.age");
    backup(&app, &archive, None);
    let key = key_file(work.path(), &identity);
    let out = work.path().join("opened");
    std::fs::create_dir(&out).unwrap();
    let script = format!(
        "age -d -i '{}' '{}' | tar x -C '{}' && cd '{}' && cat db/zbor/*.pages > zbor.sqlite",
        key.display(),
        archive.display(),
        out.display(),
        out.display()
    );
    let opened = Command::new("bash").arg("-c").arg(&script).output().expect("bash");
    assert!(opened.status.success(), "{}", String::from_utf8_lossy(&opened.stderr));
    assert!(out.join("config/recipients.txt").is_file());
    // The pages put together are the collection's database, readable by any SQLite.
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(out.join("zbor.sqlite")).read_only(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&pool).await.unwrap();
    assert_eq!(check, "ok");
    let notes: String = sqlx::query_scalar("SELECT internal_notes FROM objects WHERE internal_notes LIKE '%CANARY%'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(notes.contains("CANARY-NOTES"), "{notes}");
    pool.close().await;
}
