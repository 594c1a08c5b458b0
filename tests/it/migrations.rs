//! Upgrading a collection that exists: a schema change must keep every row and every link.

use std::path::Path;

use sqlx::migrate::Migrator;
use zbor::collection::authorities::{self, NewMaker};
use zbor::collection::objects::{self, NewObject};
use zbor::collection::public::PublicCollection;
use zbor::collection::{MakerKind, PubState, Text3};
use zbor::collection::{provenance, publication};

/// Copies the migrations up to and including `last` into `dir`, as an older zbor shipped them.
fn migrations_up_to(last: u32, dir: &Path) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/main");
    for entry in std::fs::read_dir(source).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let version: u32 = name.split('_').next().unwrap().parse().unwrap();
        if version <= last {
            std::fs::copy(&path, dir.join(name)).unwrap();
        }
    }
}

/// Every table of the collection with its columns (the type authority itself is new, the
/// migrations' own table changes, and later migrations add tables and columns of their own).
async fn schema(conn: &mut sqlx::SqliteConnection) -> Vec<(String, Vec<String>)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND name NOT IN ('_sqlx_migrations', 'object_types', 'sign_in_failures') ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut all = Vec::new();
    for table in tables {
        let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
            .bind(&table)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        all.push((table, columns));
    }
    all
}

/// Every row of every table of the collection, as SQL literals, table by table.
async fn everything(conn: &mut sqlx::SqliteConnection) -> Vec<(String, Vec<String>)> {
    let tables = schema(conn).await;
    rows_of(conn, &tables).await
}

/// The rows of `tables`, with those columns only: what an upgrade must keep.
async fn rows_of(conn: &mut sqlx::SqliteConnection, tables: &[(String, Vec<String>)]) -> Vec<(String, Vec<String>)> {
    let mut all = Vec::new();
    for (table, columns) in tables {
        let table = table.clone();
        let quoted: Vec<String> = columns.iter().map(|c| format!("quote(\"{c}\")")).collect();
        let sql = format!("SELECT {} AS row FROM \"{table}\"", quoted.join(" || '|' || "));
        let mut rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *conn).await.unwrap();
        rows.sort();
        all.push((table, rows));
    }
    all
}

/// An object as the schema of migration 7 held it (today's code writes columns it lacks).
async fn old_object(conn: &mut sqlx::SqliteConnection, entry: &str, object_type: &str, title: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO objects (entry_number, object_type, title_be, title_en, title_ru, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?3, ?3, '2026-05-01T09:00:00Z', '2026-05-01T09:00:00Z') RETURNING id",
    )
    .bind(entry)
    .bind(object_type)
    .bind(title)
    .fetch_one(conn)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_collection_keeps_every_object_and_link_when_object_types_become_an_authority() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("migrations");
    std::fs::create_dir(&old).unwrap();
    migrations_up_to(7, &old);
    // One connection, so the checks below run on the very connection that migrated.
    let pool = zbor::db::open(&dir.path().join("zbor.sqlite"), 1).await.unwrap();
    Migrator::new(old.as_path()).await.unwrap().run(&pool).await.unwrap();

    // A collection as the previous schema held it: a published flag with its maker, a draft.
    let mut conn = pool.acquire().await.unwrap();
    let maker = NewMaker {
        kind: MakerKind::Person,
        name: Text3::same("Ales"),
        bio: Text3::default(),
        private_notes: String::new(),
    };
    let maker = authorities::create_maker(&mut conn, &maker).await.unwrap();
    let flag = old_object(&mut conn, "E-2026-0001", "flag", "Flag").await;
    objects::link_maker(&mut conn, flag, maker).await.unwrap();
    // Numbered as the older zbor did, on first publication (the register came later).
    sqlx::query("INSERT INTO number_counters (register, scope, last_seq) VALUES ('accession', '2026', 1)")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("UPDATE objects SET accession_number = 'MFB-2026-0001' WHERE id = ?")
        .bind(flag)
        .execute(&mut *conn)
        .await
        .unwrap();
    publication::set_state(&mut conn, flag, PubState::Published).await.unwrap();
    sqlx::query("UPDATE objects SET published_at = '2026-05-04T10:00:00Z' WHERE id = ?")
        .bind(flag)
        .execute(&mut *conn)
        .await
        .unwrap();
    let draft = old_object(&mut conn, "E-2026-0002", "letter", "Letter").await;
    sqlx::query("INSERT INTO number_counters (register, scope, last_seq) VALUES ('entry', '2026', 2)")
        .execute(&mut *conn)
        .await
        .unwrap();
    let mut made =
        provenance::NewProvenance::new(zbor::collection::ProvenanceKind::Made, zbor::collection::FuzzyDate::UNKNOWN);
    made.note = Text3::same("CANARY-PROVENANCE");
    provenance::add_provenance(&mut conn, flag, &made).await.unwrap();
    let before_schema = schema(&mut conn).await;
    let before = rows_of(&mut conn, &before_schema).await;
    assert!(before.iter().any(|(t, rows)| t == "public_search" && !rows.is_empty()), "the flag is indexed");
    assert!(before.iter().any(|(t, rows)| t == "provenance_events" && rows.len() == 1));
    drop(conn);

    // The migration that made types an authority; then a crash after its commit but before
    // sqlx noted it runs it again: harmless.
    let eighth = dir.path().join("up-to-8");
    std::fs::create_dir(&eighth).unwrap();
    migrations_up_to(8, &eighth);
    Migrator::new(eighth.as_path()).await.unwrap().run(&pool).await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let migrated = everything(&mut conn).await;
    sqlx::raw_sql(include_str!("../../migrations/main/0008_object_types.sql")).execute(&mut *conn).await.unwrap();
    assert_eq!(everything(&mut conn).await, migrated, "running it twice changes nothing");
    drop(conn);

    zbor::db::MAIN_MIGRATIONS.run(&pool).await.unwrap();

    let mut conn = pool.acquire().await.unwrap();
    // Later migrations may add tables (empty) and columns; every table that was there keeps
    // every row, with every value it had.
    assert_eq!(rows_of(&mut conn, &before_schema).await, before, "every row of every table kept");
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'objects' ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert!(
        indexes.contains(&"objects_state".to_owned()) && indexes.contains(&"objects_type".to_owned()),
        "{indexes:?}"
    );
    let broken: Vec<(String, i64, String, i64)> =
        sqlx::query_as("PRAGMA foreign_key_check").fetch_all(&mut *conn).await.unwrap();
    assert!(broken.is_empty(), "{broken:?}");
    let enforced: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(enforced, 1, "the migration turns foreign keys back on");
    // Objects numbered before the register keep their numbers, entered as accessioned on the
    // day they were first published.
    let line = zbor::collection::register::line(&mut conn, flag).await.unwrap().expect("in the register");
    assert_eq!((line.accession_number.as_str(), line.accessioned_on.as_str()), ("MFB-2026-0001", "2026-05-04"));
    assert!(zbor::collection::register::line(&mut conn, draft).await.unwrap().is_none());
    // The fixed list is gone; the authority decides which types exist.
    let unknown = objects::create_object(&mut conn, &NewObject::new("spaceship", Text3::same("?")), 2026).await;
    assert!(unknown.is_err(), "a type that is not in the authority is refused");
    sqlx::query("INSERT INTO object_types (code, name_en) VALUES ('zine', 'Zine')").execute(&mut *conn).await.unwrap();
    objects::create_object(&mut conn, &NewObject::new("zine", Text3::same("Zine")), 2026).await.unwrap();
    // The links survived the rebuild.
    let links: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM object_makers WHERE object_id = ?")
        .bind(flag)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(links, 1);
    drop(conn);

    let public = PublicCollection::load(&pool).await.unwrap();
    assert_eq!(public.objects.len(), 1);
    let object = &public.objects[0];
    assert_eq!((object.id, object.makers.as_slice()), (flag, [maker].as_slice()));
    assert_eq!(public.types[&object.type_id].name.en, "Flag");
    assert!(public.object_by_id(draft).is_none());

    let mut conn = pool.acquire().await.unwrap();
    sqlx::query("DELETE FROM objects WHERE id = ?").bind(flag).execute(&mut *conn).await.unwrap();
    let links: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM object_makers").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(links, 0, "object_makers still refers to objects, so its rows go with the object");
}
