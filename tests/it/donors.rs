//! Keyholders on their own computers: making a protected identity, opening a bundle of sealed
//! records (also with the standard `age` tool), re-sealing after a keyholder joins.

use std::process::{Command, Stdio};

use age::secrecy::SecretString;
use zbor::donors::{bundle, recipients::Recipients, seal};

fn zbor() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zbor"));
    cmd.env_remove("ZBOR_DATA_DIR").env_remove("ZBOR_UPLOADS_DIR").env("RUST_LOG", "warn").stdin(Stdio::null());
    cmd
}

const PASSPHRASE: &str = "a long keyholder passphrase";

/// `zbor keys new`, as a keyholder would run it; returns the recipient it printed.
fn new_key(path: &std::path::Path) -> String {
    let out = zbor().args(["keys", "new", "--out"]).arg(path).env("ZBOR_KEY_PASSPHRASE", PASSPHRASE).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    stdout.lines().find(|l| l.starts_with("age1")).expect("prints the recipient").to_owned()
}

fn fields(story: &str, contact: &str) -> seal::SealedFields {
    seal::SealedFields {
        story: SecretString::from(story.to_owned()),
        contact: SecretString::from(contact.to_owned()),
        credit_name: SecretString::from(String::new()),
    }
}

#[tokio::test]
async fn a_keyholder_opens_a_bundle_and_nothing_else_can() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("olga.key");
    let recipient = new_key(&key);
    let key_text = std::fs::read_to_string(&key).unwrap();
    assert!(!key_text.contains("AGE-SECRET-KEY"), "the identity is stored encrypted");
    assert!(!new_key_again_overwrites(&key), "keys new never overwrites");

    let recipients = Recipients::parse(&recipient).unwrap();
    let records = vec![
        (
            "ref-one".to_owned(),
            seal::seal("ref-one", &fields("CANARY-STORY-1", "CANARY-CONTACT-1"), &recipients).unwrap(),
        ),
        (
            "ref-two".to_owned(),
            seal::seal("ref-two", &fields("CANARY-STORY-2", "signal: +375 00"), &recipients).unwrap(),
        ),
    ];
    let text = bundle::write(&records).unwrap();
    assert!(!text.contains("CANARY"));
    let path = dir.path().join("bundle.txt");
    std::fs::write(&path, &text).unwrap();

    let open = |identity: &std::path::Path, pass: &str| {
        zbor()
            .args(["contacts", "open"])
            .arg(&path)
            .arg("--identity")
            .arg(identity)
            .env("ZBOR_KEY_PASSPHRASE", pass)
            .output()
            .unwrap()
    };
    let out = open(&key, PASSPHRASE);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8(out.stdout).unwrap();
    for expected in ["ref-one", "CANARY-CONTACT-1", "CANARY-STORY-1", "ref-two", "signal: +375 00"] {
        assert!(printed.contains(expected), "{expected} missing from:\n{printed}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "opening writes nothing");

    // A wrong passphrase, and another keyholder's identity, open nothing.
    assert!(!open(&key, "not the passphrase at all").status.success());
    let other = dir.path().join("other.key");
    new_key(&other);
    let out = open(&other, PASSPHRASE);
    assert!(!out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("CANARY"));

    // Records swapped between offers are caught.
    let swapped = text
        .replacen("offer ref-one", "offer ref-tmp", 1)
        .replacen("offer ref-two", "offer ref-one", 1)
        .replacen("offer ref-tmp", "offer ref-two", 1);
    std::fs::write(&path, swapped).unwrap();
    let out = open(&key, PASSPHRASE);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("belongs to another offer"));
}

fn new_key_again_overwrites(path: &std::path::Path) -> bool {
    let before = std::fs::read(path).unwrap();
    let out = zbor().args(["keys", "new", "--out"]).arg(path).env("ZBOR_KEY_PASSPHRASE", PASSPHRASE).output().unwrap();
    out.status.success() || std::fs::read(path).unwrap() != before
}

#[test]
#[ignore = "needs the standard age tool (Debian package age, installed by .ci/run)"]
fn the_standard_age_tool_opens_a_record_from_a_bundle() {
    let Ok(status) = Command::new("age").arg("--version").output() else {
        panic!("the `age` tool is not installed (Debian package age; .ci/run installs it)");
    };
    assert!(status.status.success());
    let dir = tempfile::tempdir().unwrap();
    let identity = age::x25519::Identity::generate();
    let key = dir.path().join("plain.key");
    {
        use age::secrecy::ExposeSecret;
        std::fs::write(&key, format!("{}\n", identity.to_string().expose_secret())).unwrap();
    }
    let recipients = Recipients::parse(&identity.to_public().to_string()).unwrap();
    let envelope = seal::seal("ref-x", &fields("story", "CANARY-FOR-AGE"), &recipients).unwrap();
    let text = bundle::write(&[("ref-x".to_owned(), envelope)]).unwrap();
    let start = text.find("-----BEGIN AGE ENCRYPTED FILE-----").unwrap();
    let block = dir.path().join("record.age");
    std::fs::write(&block, &text[start..]).unwrap();
    let out = Command::new("age").arg("-d").arg("-i").arg(&key).arg(&block).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("CANARY-FOR-AGE"));
}

#[tokio::test]
async fn reseal_lets_a_new_keyholder_open_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let config = zbor::config::Config::new(dir.path().join("data"), dir.path().join("uploads"));
    let old_key = dir.path().join("old.key");
    let new_keyfile = dir.path().join("new.key");
    let old = new_key(&old_key);
    let new = new_key(&new_keyfile);
    // The vault makes the file; its records are written here as the intake form would.
    std::fs::create_dir_all(&config.data_dir).unwrap();
    zbor::db::Databases::open(&config).await.unwrap().close().await;
    zbor::donors::contacts::Vault::open(&config.contacts_db_path()).await.unwrap().close().await;
    let contacts = zbor::db::open(&config.contacts_db_path(), 1).await.unwrap();
    Recipients::write(&config.recipients_path(), std::slice::from_ref(&old)).unwrap();
    let recipients = Recipients::load(&config.recipients_path()).unwrap();
    for i in 0..3 {
        let r = format!("ref-{i}");
        sqlx::query("INSERT INTO sealed_records (offer_ref, ciphertext, created_on) VALUES (?, ?, '2026-11-28')")
            .bind(&r)
            .bind(seal::seal(&r, &fields("s", &format!("contact {i}")), &recipients).unwrap())
            .execute(&contacts)
            .await
            .unwrap();
    }
    contacts.close().await;

    // A new keyholder joins: the operator edits recipients.txt, then re-seals with an old key.
    Recipients::write(&config.recipients_path(), &[old, new]).unwrap();
    let out = zbor()
        .arg("--data-dir")
        .arg(&config.data_dir)
        .args(["contacts", "reseal", "--identity"])
        .arg(&old_key)
        .env("ZBOR_KEY_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The operator's action is in the audit log, with the keys that can open the records now.
    let main = zbor::db::open(&config.main_db_path(), 1).await.unwrap();
    let (actor, details): (String, String) =
        sqlx::query_as("SELECT actor, details FROM audit_log WHERE action = 'contacts-resealed'")
            .fetch_one(&main)
            .await
            .unwrap();
    main.close().await;
    let details: serde_json::Value = serde_json::from_str(&details).unwrap();
    assert_eq!(details["records"], 3, "{actor}: {details}");
    assert_eq!(details["recipients"].as_array().unwrap().len(), 2);

    let contacts = zbor::db::open(&config.contacts_db_path(), 1).await.unwrap();
    let stored: Vec<(String, Vec<u8>)> =
        sqlx::query_as("SELECT offer_ref, ciphertext FROM sealed_records ORDER BY offer_ref")
            .fetch_all(&contacts)
            .await
            .unwrap();
    assert_eq!(stored.len(), 3);
    let identities = zbor::donors::keys::load_identities(&std::fs::read(&new_keyfile).unwrap(), || {
        Ok(SecretString::from(PASSPHRASE.to_owned()))
    })
    .unwrap();
    let identities: Vec<&dyn age::Identity> = identities.iter().map(|i| i.as_ref() as &dyn age::Identity).collect();
    for (i, (r, envelope)) in stored.iter().enumerate() {
        let opened = seal::open(r, envelope, &identities).expect("the new keyholder opens it");
        use age::secrecy::ExposeSecret;
        assert_eq!(opened.contact.expose_secret(), &format!("contact {i}"));
    }
}

/// A keyholder who leaves can open nothing in the data folder once the records are re-sealed,
/// even while the server keeps the vault open: the new ciphertexts reach the database file
/// and the journal that held them is emptied, so the file alone holds no old record.
#[tokio::test]
async fn after_a_reseal_beside_a_running_server_the_file_holds_no_record_for_a_removed_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = zbor::config::Config::new(dir.path().join("data"), dir.path().join("uploads"));
    let (leaving_key, staying_key) = (dir.path().join("leaving.key"), dir.path().join("staying.key"));
    let (leaving, staying) = (new_key(&leaving_key), new_key(&staying_key));
    std::fs::create_dir_all(&config.data_dir).unwrap();
    zbor::db::Databases::open(&config).await.unwrap().close().await;
    // The server's vault, open through the whole reseal.
    let server = zbor::donors::contacts::Vault::open(&config.contacts_db_path()).await.unwrap();
    let contacts = zbor::db::open(&config.contacts_db_path(), 1).await.unwrap();
    Recipients::write(&config.recipients_path(), &[leaving, staying.clone()]).unwrap();
    let recipients = Recipients::load(&config.recipients_path()).unwrap();
    let mut old = Vec::new();
    for i in 0..20 {
        let r = format!("ref-{i}");
        let envelope = seal::seal(&r, &fields("s", &format!("CONTACT-{i}")), &recipients).unwrap();
        sqlx::query("INSERT INTO sealed_records (offer_ref, ciphertext, created_on) VALUES (?, ?, '2026-11-28')")
            .bind(&r)
            .bind(&envelope)
            .execute(&contacts)
            .await
            .unwrap();
        old.push(envelope);
    }
    contacts.close().await;

    Recipients::write(&config.recipients_path(), std::slice::from_ref(&staying)).unwrap();
    let out = zbor()
        .arg("--data-dir")
        .arg(&config.data_dir)
        .args(["contacts", "reseal", "--identity"])
        .arg(&staying_key)
        .env("ZBOR_KEY_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let wal = std::fs::metadata(config.contacts_db_path().with_extension("sqlite-wal")).map(|m| m.len()).unwrap_or(0);
    assert_eq!(wal, 0, "the journal is emptied while the server still has the vault open");

    // What a seizure of the database file alone gives to the key that left: nothing.
    let seized = dir.path().join("seized.sqlite");
    std::fs::copy(config.contacts_db_path(), &seized).unwrap();
    let copy = zbor::db::open(&seized, 1).await.unwrap();
    let stored: Vec<(String, Vec<u8>)> =
        sqlx::query_as("SELECT offer_ref, ciphertext FROM sealed_records").fetch_all(&copy).await.unwrap();
    copy.close().await;
    assert_eq!(stored.len(), 20);
    let load = |path: &std::path::Path| {
        zbor::donors::keys::load_identities(&std::fs::read(path).unwrap(), || {
            Ok(SecretString::from(PASSPHRASE.to_owned()))
        })
        .unwrap()
    };
    let (left, stays) = (load(&leaving_key), load(&staying_key));
    let left: Vec<&dyn age::Identity> = left.iter().map(|i| i.as_ref() as &dyn age::Identity).collect();
    let stays: Vec<&dyn age::Identity> = stays.iter().map(|i| i.as_ref() as &dyn age::Identity).collect();
    for (r, envelope) in &stored {
        assert!(seal::open(r, envelope, &left).is_err(), "{r}: the removed key opens nothing");
        assert!(seal::open(r, envelope, &stays).is_ok(), "{r}: the remaining keyholder opens it");
    }
    // The old ciphertexts are nowhere in the file's bytes either: the last bytes of each age
    // payload (random), before the envelope's zero padding.
    let payload_tail = |envelope: &[u8]| {
        let end = envelope.iter().rposition(|b| *b != 0).unwrap() + 1;
        envelope[end - 48..end].to_vec()
    };
    let bytes = std::fs::read(config.contacts_db_path()).unwrap();
    for envelope in &old {
        let tail = payload_tail(envelope);
        assert!(!bytes.windows(tail.len()).any(|w| w == tail), "an old ciphertext stayed in the file");
    }
    let tail = payload_tail(&stored[0].1);
    assert!(bytes.windows(tail.len()).any(|w| w == tail), "the search finds a ciphertext that is there");
    server.close().await;
}
