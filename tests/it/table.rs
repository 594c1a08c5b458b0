//! The collection as a CSV table: export then import is a no-op; edited cells change exactly
//! those fields, audited; a bad row changes nothing and is named by its line; a spreadsheet's
//! file (BOM, semicolons, CRLF, a few columns) works and leaves absent columns alone; the
//! command line does the same.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use zbor::auth::Role;

use crate::helpers::{Resp, TestApp, multipart_in, seed};

async fn export(app: &TestApp, cookie: &str) -> String {
    let resp = app.get_with("/admin/objects.csv", &[("cookie", cookie)]).await;
    assert_eq!(resp.status, StatusCode::OK);
    assert!(resp.header("content-type").starts_with("text/csv"));
    resp.body
}

async fn import(app: &TestApp, cookie: &str, table: &[u8], dry_run: bool) -> Resp {
    let csrf = app.token("/admin", Some(cookie)).await;
    let mut fields = vec![("csrf", csrf.as_str())];
    if dry_run {
        fields.push(("dry_run", "yes"));
    }
    let (content_type, body) = multipart_in(&fields, "table", &[("objects.csv", table)]);
    let request = Request::post("/admin/objects/import")
        .header("content-type", content_type)
        .header("cookie", cookie)
        .body(Body::from(body))
        .unwrap();
    app.send(request).await
}

async fn edits(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'object-edited' ORDER BY id")
        .fetch_all(&app.state.db.main)
        .await
        .unwrap()
}

/// The table with `column` of the row for `entry` set to `value`.
fn with_cell(table: &str, entry: &str, column: &str, value: &str) -> String {
    let mut reader = csv::Reader::from_reader(table.as_bytes());
    let header = reader.headers().unwrap().clone();
    let at = header.iter().position(|h| h == column).unwrap();
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&header).unwrap();
    for record in reader.records() {
        let mut record: Vec<String> = record.unwrap().iter().map(str::to_owned).collect();
        if record[0] == entry {
            record[at] = value.to_owned();
        }
        out.write_record(&record).unwrap();
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

#[tokio::test]
async fn a_table_round_trips_and_edited_cells_change_exactly_those_fields() {
    let app = TestApp::new().await;
    seed(&app).await;
    let curator = app.staff_cookie("registrar", Role::Curator).await;
    let volunteer = app.staff_cookie("helper", Role::Volunteer).await;
    assert_eq!(app.get_with("/admin/objects.csv", &[("cookie", &volunteer)]).await.status, StatusCode::FORBIDDEN);
    let table = export(&app, &curator).await;
    let rows = table.lines().count() - 1;
    let objects: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM objects").fetch_one(&app.state.db.main).await.unwrap();
    assert_eq!(rows as i64, objects);
    assert!(table.starts_with("entry_number,accession_number,object_type,title_be,title_en,title_ru,"));

    // Export → import unchanged: nothing changes.
    let before = edits(&app).await;
    let same = import(&app, &curator, table.as_bytes(), false).await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.body);
    assert!(same.texts(".import-row").is_empty());
    assert_eq!(edits(&app).await, before);
    assert_eq!(export(&app, &curator).await, table);

    // Two cells edited: a dry run lists exactly them and writes nothing; then they are written.
    let mut reader = csv::Reader::from_reader(table.as_bytes());
    let entries: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
    let edited = with_cell(&table, &entries[0], "title_en", "A new English title");
    let edited = with_cell(&edited, &entries[1], "rights", "http://creativecommons.org/publicdomain/zero/1.0/");
    let dry = import(&app, &curator, edited.as_bytes(), true).await;
    assert_eq!(dry.status, StatusCode::OK);
    assert_eq!(dry.texts(".import-row.changes dt"), ["title_en", "rights"]);
    assert_eq!(export(&app, &curator).await, table, "a dry run writes nothing");
    let done = import(&app, &curator, edited.as_bytes(), false).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(export(&app, &curator).await, edited);
    let after = edits(&app).await;
    assert_eq!(after.len(), before.len() + 2, "one audit entry per object changed");
    let first: serde_json::Value = serde_json::from_str(&after[before.len()]).unwrap();
    let fields: Vec<&str> = first["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["title_en"]);

    // A bad row anywhere: nothing written, each bad row named by its line.
    let bad = with_cell(&edited, &entries[2], "parts", "many");
    let bad = with_cell(&bad, &entries[2], "date_earliest", "someday");
    let bad = with_cell(&bad, &entries[2], "acquired_on", "yesterday");
    let bad = with_cell(&bad, &entries[3], "title_en", "Changed too");
    let bad = with_cell(&bad, &entries[4], "object_type", "spaceship");
    let refused = import(&app, &curator, bad.as_bytes(), false).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let lines: Vec<String> = refused.texts(".import-row.refused td:first-child");
    assert_eq!(lines, ["4", "6"], "the header is line 1");
    // Every bad cell of a row is named, not only the first, and the row keeps its number.
    let first = &refused.texts(".import-row.refused")[0];
    for column in ["parts", "date_earliest", "acquired_on"] {
        assert!(first.contains(column), "{column} in {first}");
    }
    assert!(first.contains(entries[2].as_str()), "{first}");
    assert_eq!(export(&app, &curator).await, edited, "nothing of the good row was written either");
    assert_eq!(edits(&app).await, after);
}

#[tokio::test]
async fn a_spreadsheets_file_works_and_absent_columns_are_left_alone() {
    let app = TestApp::new().await;
    seed(&app).await;
    let curator = app.staff_cookie("registrar", Role::Curator).await;
    let (entry, notes): (String, String) =
        sqlx::query_as("SELECT entry_number, internal_notes FROM objects WHERE internal_notes <> '' LIMIT 1")
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    // As a spreadsheet saves it: a byte-order mark, semicolons, CRLF, a few columns.
    let file =
        format!("\u{feff}entry_number;title_en;description_ru\r\n{entry};\"Flag; white-red-white\";Описание\r\n");
    let done = import(&app, &curator, file.as_bytes(), false).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let (title, description, kept): (String, String, String) =
        sqlx::query_as("SELECT title_en, description_ru, internal_notes FROM objects WHERE entry_number = ?")
            .bind(&entry)
            .fetch_one(&app.state.db.main)
            .await
            .unwrap();
    assert_eq!((title.as_str(), description.as_str()), ("Flag; white-red-white", "Описание"));
    assert_eq!(kept, notes, "a private column not in the file is left alone");

    // A title a spreadsheet would run as a formula is written with a leading ' and read back
    // without it; a row whose two numbers name different objects is refused.
    let file = format!("entry_number,title_en\n{entry},'=HYPERLINK(\"http://evil.example/\")\n");
    assert_eq!(import(&app, &curator, file.as_bytes(), false).await.status, StatusCode::OK);
    let title: String = sqlx::query_scalar("SELECT title_en FROM objects WHERE entry_number = ?")
        .bind(&entry)
        .fetch_one(&app.state.db.main)
        .await
        .unwrap();
    assert_eq!(title, "=HYPERLINK(\"http://evil.example/\")");
    let table = export(&app, &curator).await;
    assert!(table.contains("\"'=HYPERLINK(\"\"http://evil.example/\"\")\""), "{}", &table[..300]);
    assert!(import(&app, &curator, table.as_bytes(), false).await.texts(".import-row").is_empty(), "still a no-op");
    let other: String = sqlx::query_scalar(
        "SELECT accession_number FROM objects WHERE accession_number IS NOT NULL AND entry_number <> ? LIMIT 1",
    )
    .bind(&entry)
    .fetch_one(&app.state.db.main)
    .await
    .unwrap();
    let shifted = format!("entry_number,accession_number,title_en\n{entry},{other},Shifted\n");
    let refused = import(&app, &curator, shifted.as_bytes(), false).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.texts(".import-row.refused td:first-child"), ["2"]);

    // Files that are not a table of ours: named, nothing written.
    let before = edits(&app).await;
    for (file, line) in [
        ("entry_number,colour\nE-1,red\n".to_owned(), "1"),
        ("title_en\nFlag\n".to_owned(), "1"),
        (format!("entry_number,title_en\n{entry},A,extra\n"), "2"),
        ("entry_number,title_en,title_en\nE-1,A,B\n".to_owned(), "1"),
    ] {
        let refused = import(&app, &curator, file.as_bytes(), false).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{file}");
        let message = refused.texts(".form-error").join(" ");
        assert!(message.contains(line), "{file}: {message}");
    }
    let not_utf8 = b"entry_number,title_en\nE-1,\xff\xfe\n";
    assert_eq!(import(&app, &curator, not_utf8, false).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(edits(&app).await, before);
}
