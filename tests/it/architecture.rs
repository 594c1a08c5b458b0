//! The boundaries of the code, read from `src/`: faces do not import each other, only the
//! faces that must (and the command line) reach into `donors/`, and the domain knows nothing
//! of the faces or of HTTP.

use std::path::{Path, PathBuf};

/// The three faces: each stands on the domain and `web/`, never on another face.
const FACES: [&str; 3] = ["admin", "intake", "catalogue"];

/// Who may import `donors/`, the only code that touches sealed records: the intake form (it
/// seals), the panel (it reviews offers and releases bundles), the command line (`demo` is
/// one of its commands), and `app.rs`, which only assembles the state the faces share.
const DONORS_MAY_BE_IMPORTED_BY: [&str; 6] = ["intake", "admin", "cli", "main", "demo", "app"];

/// `src/` files with the top-level module each belongs to (`admin/offers.rs` → `admin`).
fn sources() -> Vec<(String, PathBuf)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&src).unwrap();
            let first = relative.components().next().unwrap().as_os_str().to_str().unwrap();
            (first.trim_end_matches(".rs").to_owned(), path)
        })
        .collect()
}

/// The top-level modules a file names through `crate::` paths (in `use` lines or inline).
fn imports(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut found = Vec::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() && !found.contains(&name) {
                found.push(name);
            }
            rest = after;
        }
    }
    found
}

#[test]
fn faces_stand_apart_donors_stay_behind_their_door_and_the_domain_knows_no_face() {
    let mut broken = Vec::new();
    for (module, path) in sources() {
        let shown = path.display().to_string();
        for imported in imports(&path) {
            if imported == module {
                continue;
            }
            if FACES.contains(&module.as_str()) && FACES.contains(&imported.as_str()) {
                broken.push(format!("{shown}: the face {module} imports the face {imported}"));
            }
            if imported == "donors" && !DONORS_MAY_BE_IMPORTED_BY.contains(&module.as_str()) {
                broken.push(format!("{shown}: {module} imports donors"));
            }
            if module == "collection" && (FACES.contains(&imported.as_str()) || imported == "web") {
                broken.push(format!("{shown}: the domain imports {imported}"));
            }
        }
    }
    assert!(broken.is_empty(), "boundaries crossed:\n{}", broken.join("\n"));
}

#[test]
fn the_architecture_check_sees_a_crossing() {
    // The reader finds inline paths as well as `use` lines; a file of the test's own makes sure.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("handler.rs");
    std::fs::write(&file, "use crate::web::Ctx;\nfn f() { crate::intake::guard::check(); }\n// crate::admin\n")
        .unwrap();
    assert_eq!(imports(&file), ["web", "intake"]);
}

#[test]
fn the_audit_log_is_written_only_through_a_command() {
    // `audit::append` is private to `collection/`; only the command's transaction calls it.
    for (_, path) in sources() {
        let text = std::fs::read_to_string(&path).unwrap();
        let calls = text.matches("audit::append(").count();
        let allowed = path.ends_with("collection/command.rs");
        assert!(calls == 0 || allowed, "{} appends to the audit log", path.display());
        assert!(!text.contains("audit::record("), "{} records outside a command", path.display());
    }
}
