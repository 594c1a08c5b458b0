//! Owner-only files. A seized or shared server must not let other accounts on it read what
//! zbor keeps: the databases hold password hashes, TOTP secrets and the audit log's values,
//! and the uploads hold unpublished images. zbor creates its folders 0700 and files 0600
//! (through the process umask, set before anything is written) and refuses to serve from a
//! data folder that others can read.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use anyhow::bail;

/// Makes every file and folder this process creates from now on owner-only.
pub fn restrict_umask() {
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// Bits of a mode that let the group or others in.
const OTHERS: u32 = 0o077;

/// Refuses `dir` (and every file and folder directly in it) when anyone but its owner may
/// read, write or enter it; says how to fix it. A missing folder passes: it will be created
/// owner-only.
pub fn check(dir: &Path) -> anyhow::Result<()> {
    let Ok(meta) = std::fs::metadata(dir) else { return Ok(()) };
    let mut loose = Vec::new();
    if meta.permissions().mode() & OTHERS != 0 {
        loose.push((dir.to_path_buf(), meta.permissions().mode()));
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let mode = entry.metadata()?.permissions().mode();
        if mode & OTHERS != 0 {
            loose.push((entry.path(), mode));
        }
    }
    if let Some((path, mode)) = loose.first() {
        bail!(
            "{} is open to other users of this server (mode {:o}{}); zbor keeps password hashes and \
             unpublished data there. Make it owner-only with: chmod -R go= {}",
            path.display(),
            mode & 0o7777,
            if loose.len() > 1 { format!(", and {} more", loose.len() - 1) } else { String::new() },
            dir.display()
        );
    }
    Ok(())
}

/// Creates `dir` and its missing parents, owner-only, whatever the umask.
pub fn create_dir_all(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| anyhow::Error::from(e).context(format!("creating {}", dir.display())))
}

/// Creates the file at `path` owner-only if it does not exist yet, so that what is then
/// written there (a database: SQLite gives its WAL and shared-memory files the database's
/// own mode) is never readable by others, whatever the umask.
pub fn create_file(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    // Never open a database file that exists: closing any descriptor of a file drops this
    // process's POSIX locks on it, which SQLite's own connections may be holding.
    if path.exists() {
        return Ok(());
    }
    match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(anyhow::Error::from(e).context(format!("creating {}", path.display()))),
    }
}
