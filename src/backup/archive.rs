//! The backup archive: an ordinary tar stream inside age encryption to every recipient, so
//! that in an emergency `age -d -i KEY FILE | tar x` opens it without zbor. Entries carry no
//! time, owner or permissions of the server's files; a manifest, last, lists every entry with
//! its size and BLAKE3 hash.

use std::io::{BufReader, Read, Write};
use std::path::Path;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

/// The first entry of every archive: what it is and which archive it builds on.
pub const HEADER: &str = "zbor-backup.json";
/// The last entry: every other entry with its hash.
pub const MANIFEST: &str = "manifest.json";
pub const FORMAT: &str = "zbor-backup";
/// Format 2 carries each database as its pages; format 1 (older archives, still restored) as
/// a logical dump.
pub const VERSION: u32 = 2;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    /// The BLAKE3 hash of the archive file this one builds on (an increment), if any.
    pub parent: Option<String>,
}

impl Header {
    pub fn new(parent: Option<String>) -> Self {
        Self { format: FORMAT.to_owned(), version: VERSION, parent }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub size: u64,
    pub blake3: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// Every entry before the manifest, in order.
    pub files: Vec<Entry>,
    /// Every upload the collection had when the backup was made, whether this archive or an
    /// earlier one of its chain carries it: what a restore of the chain must find.
    pub uploads: Vec<String>,
}

/// Counts and hashes the bytes written through it: the archive's own hash, which names it in
/// the ledger and in its increments' headers.
pub struct Hashing<W> {
    inner: W,
    hasher: blake3::Hasher,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Hashes what is read through it.
struct HashRead<'h, R> {
    inner: R,
    hasher: &'h mut blake3::Hasher,
    size: u64,
}

impl<R: Read> Read for HashRead<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
}

/// An archive being written: entries go through tar here, then age and the output on a
/// thread of their own (see [`Sealing`]).
pub struct Writer<W: Write + Send + 'static> {
    tar: tar::Builder<Sealing<W>>,
    files: Vec<Entry>,
}

/// Bytes of the tar stream handed to the sealing thread at a time, and how many such buffers
/// may wait for it: memory stays bounded while tar and age run side by side on two cores, as
/// they do in `tar | age`.
const HANDOFF_BYTES: usize = 1 << 20;
const HANDOFF_WAITING: usize = 4;

/// What the sealing thread ends with: the archive's hash and the output.
type Sealed<W> = std::io::Result<(String, W)>;

/// The writing end of the sealing thread, which encrypts what it receives with age to the
/// recipients, hashes the sealed bytes (the archive's name) and writes them to the output.
struct Sealing<W> {
    buffer: Vec<u8>,
    to_thread: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    /// Buffers the thread is done with, to be filled again (fresh memory costs page faults).
    emptied: std::sync::mpsc::Receiver<Vec<u8>>,
    thread: Option<std::thread::JoinHandle<Sealed<W>>>,
}

impl<W: Write + Send + 'static> Sealing<W> {
    fn start(out: W, recipients: &[age::x25519::Recipient]) -> anyhow::Result<Self> {
        let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| anyhow::anyhow!("no recipient to seal the backup to: {e}"))?;
        let mut sealed = encryptor.wrap_output(Hashing { inner: out, hasher: blake3::Hasher::new() })?;
        let (to_thread, from_writer) = std::sync::mpsc::sync_channel::<Vec<u8>>(HANDOFF_WAITING);
        let (back, emptied) = std::sync::mpsc::sync_channel::<Vec<u8>>(HANDOFF_WAITING + 2);
        let thread = std::thread::Builder::new().name("zbor-seal".to_owned()).spawn(move || {
            for mut buffer in from_writer {
                sealed.write_all(&buffer)?;
                buffer.clear();
                let _ = back.try_send(buffer);
            }
            let hashing = sealed.finish()?;
            Ok((hashing.hasher.finalize().to_hex().to_string(), hashing.inner))
        })?;
        Ok(Self {
            buffer: Vec::with_capacity(HANDOFF_BYTES),
            to_thread: Some(to_thread),
            emptied,
            thread: Some(thread),
        })
    }

    /// Hands the buffer to the thread; when the thread has stopped (a write failed), its
    /// error.
    fn hand_off(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let next = self.emptied.try_recv().unwrap_or_else(|_| Vec::with_capacity(HANDOFF_BYTES));
        let buffer = std::mem::replace(&mut self.buffer, next);
        let sent = self.to_thread.as_ref().map(|t| t.send(buffer).is_ok()).unwrap_or(false);
        if sent { Ok(()) } else { Err(self.join().err().unwrap_or_else(|| std::io::ErrorKind::BrokenPipe.into())) }
    }

    /// Ends the stream: the thread seals the last chunk and gives back the hash and output.
    fn join(&mut self) -> Sealed<W> {
        self.to_thread = None;
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(std::io::Error::other("the sealing thread panicked")),
            None => Err(std::io::Error::other("the archive was already ended")),
        }
    }

    fn finish(mut self) -> Sealed<W> {
        self.hand_off()?;
        self.join()
    }
}

impl<W: Write + Send + 'static> Write for Sealing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = HANDOFF_BYTES - self.buffer.len();
        let n = buf.len().min(room);
        self.buffer.extend_from_slice(&buf[..n]);
        if self.buffer.len() >= HANDOFF_BYTES {
            self.hand_off()?;
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn header(size: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o600);
    header.set_mtime(0);
    header.set_uid(0);
    header.set_gid(0);
    header.set_entry_type(tar::EntryType::Regular);
    header
}

impl<W: Write + Send + 'static> Writer<W> {
    pub fn new(out: W, recipients: &[age::x25519::Recipient]) -> anyhow::Result<Self> {
        let mut tar = tar::Builder::new(Sealing::start(out, recipients)?);
        tar.mode(tar::HeaderMode::Deterministic);
        Ok(Self { tar, files: Vec::new() })
    }

    /// Adds an entry from memory.
    pub fn add_bytes(&mut self, path: &str, bytes: &[u8]) -> anyhow::Result<()> {
        self.tar.append_data(&mut header(bytes.len() as u64), path, bytes)?;
        self.files.push(Entry {
            path: path.to_owned(),
            size: bytes.len() as u64,
            blake3: blake3::hash(bytes).to_hex().to_string(),
        });
        Ok(())
    }

    /// Adds a file, streamed; refuses one that changes size while it is read.
    pub fn add_file(&mut self, path: &str, file: &Path) -> anyhow::Result<u64> {
        let opened = std::fs::File::open(file).with_context(|| format!("reading {}", file.display()))?;
        let size = opened.metadata()?.len();
        let mut hasher = blake3::Hasher::new();
        let mut reader = HashRead { inner: opened.take(size), hasher: &mut hasher, size: 0 };
        self.tar.append_data(&mut header(size), path, &mut reader)?;
        if reader.size != size {
            bail!("{} changed while it was read", file.display());
        }
        self.files.push(Entry { path: path.to_owned(), size, blake3: hasher.finalize().to_hex().to_string() });
        Ok(size)
    }

    /// Writes the manifest and ends the archive; returns the archive's hash and its output.
    pub fn finish(mut self, uploads: Vec<String>) -> anyhow::Result<(String, W)> {
        let manifest = serde_json::to_vec_pretty(&Manifest { files: std::mem::take(&mut self.files), uploads })?;
        self.tar.append_data(&mut header(manifest.len() as u64), MANIFEST, manifest.as_slice())?;
        let sealing = self.tar.into_inner()?;
        Ok(sealing.finish()?)
    }
}

/// The BLAKE3 hash of a file's bytes (an archive's name in the ledger and in its increments).
pub fn file_hash(path: &Path) -> anyhow::Result<String> {
    let mut hasher = blake3::Hasher::new();
    let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    hasher.update_reader(file).with_context(|| format!("reading {}", path.display()))?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// An archive opened for reading.
pub type Reader = tar::Archive<age::stream::StreamReader<BufReader<std::fs::File>>>;

/// Opens an archive with the keyholder's identities.
pub fn open(path: &Path, identities: &[&dyn age::Identity]) -> anyhow::Result<Reader> {
    let name = path.display();
    let file = std::fs::File::open(path).with_context(|| format!("reading {name}"))?;
    let decryptor = age::Decryptor::new_buffered(BufReader::with_capacity(1 << 16, file))
        .map_err(|e| anyhow::anyhow!("{name} is not a zbor backup (not an age file: {e})"))?;
    let reader = decryptor.decrypt(identities.iter().copied()).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => anyhow::anyhow!(
            "the identity given cannot open {name}: it was sealed to other keys (use a keyholder's or the recovery identity)"
        ),
        other => anyhow::anyhow!("{name} cannot be opened: {other}"),
    })?;
    Ok(tar::Archive::new(reader))
}

/// Reads an entry through, hashing it, into `sink`; a damaged archive fails here.
/// An error writing to the sink (a full disk) is said to be one: the archive is not damaged.
pub fn copy_entry(entry: &mut impl Read, sink: &mut impl Write, archive: &Path) -> anyhow::Result<Entry> {
    let mut hasher = blake3::Hasher::new();
    let mut reader = HashRead { inner: entry, hasher: &mut hasher, size: 0 };
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(damaged(archive, e)),
        };
        sink.write_all(&buffer[..read]).map_err(|e| {
            anyhow::anyhow!("writing what {} holds failed: {e}; the archive itself is not at fault", archive.display())
        })?;
    }
    let size = reader.size;
    Ok(Entry { path: String::new(), size, blake3: hasher.finalize().to_hex().to_string() })
}

/// The message for an archive whose bytes do not decrypt or do not parse.
pub fn damaged(archive: &Path, err: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!(
        "{} is damaged: its bytes were changed or cut ({err}); nothing was restored from it",
        archive.display()
    )
}

/// An entry's path as text, refusing anything that could leave the folder it goes to.
pub fn entry_path<R: Read>(entry: &tar::Entry<'_, R>, archive: &Path) -> anyhow::Result<String> {
    if entry.header().entry_type() != tar::EntryType::Regular {
        return Err(damaged(archive, "an entry that is not a file"));
    }
    let path = entry.path().map_err(|e| damaged(archive, e))?;
    let text = path.to_str().ok_or_else(|| damaged(archive, "a path that is not text"))?.to_owned();
    let safe = !text.is_empty()
        && !text.starts_with('/')
        && text.split('/').all(|part| !part.is_empty() && part != "." && part != ".." && !part.starts_with('.'));
    if !safe {
        return Err(damaged(archive, format!("an unsafe path {text:?}")));
    }
    Ok(text)
}

/// Drains what follows the tar's end, so that the age stream is read (and authenticated) to
/// its last chunk: a cut archive fails here.
pub fn drain(reader: Reader, archive: &Path) -> anyhow::Result<()> {
    let mut inner = reader.into_inner();
    std::io::copy(&mut inner, &mut std::io::sink()).map_err(|e| damaged(archive, e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An output that takes `room` bytes, then fails as a full disk does.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "no space left"));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_output_fails_the_archive_instead_of_ending_it_quietly() {
        let identity = age::x25519::Identity::generate();
        let entry = vec![7u8; 3 * HANDOFF_BYTES];
        // Fails while entries are still being added, or at the latest when the archive ends.
        let mut writer = Writer::new(Full { room: HANDOFF_BYTES }, &[identity.to_public()]).unwrap();
        let failed = (0..8).any(|i| writer.add_bytes(&format!("e{i}"), &entry).is_err());
        let err = if failed { None } else { Some(writer.finish(Vec::new()).map(|_| ()).unwrap_err()) };
        if let Some(err) = err {
            assert!(format!("{err:#}").contains("no space left"), "{err:#}");
        }
        // With room enough, the same archive ends and opens with the key again.
        let mut writer = Writer::new(Vec::new(), &[identity.to_public()]).unwrap();
        writer.add_bytes("e", &entry).unwrap();
        let (hash, sealed) = writer.finish(Vec::new()).unwrap();
        assert_eq!(hash, blake3::hash(&sealed).to_hex().to_string());
        let decryptor = age::Decryptor::new(sealed.as_slice()).unwrap();
        let mut reader = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).unwrap();
        let mut tar = Vec::new();
        reader.read_to_end(&mut tar).unwrap();
        let mut archive = tar::Archive::new(tar.as_slice());
        let mut entries = archive.entries().unwrap();
        let mut first = entries.next().unwrap().unwrap();
        let mut bytes = Vec::new();
        first.read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes, entry);
    }

    #[test]
    fn a_full_disk_is_not_called_a_damaged_archive() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::from(std::io::ErrorKind::StorageFull))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let err = copy_entry(&mut &b"the entry's bytes"[..], &mut Full, Path::new("full.age")).unwrap_err().to_string();
        assert!(err.contains("not at fault") && !err.contains("damaged"), "{err}");
        let mut sink = Vec::new();
        let entry = copy_entry(&mut &b"the entry's bytes"[..], &mut sink, Path::new("full.age")).unwrap();
        assert_eq!((sink.as_slice(), entry.size), (&b"the entry's bytes"[..], 17));
    }
}
