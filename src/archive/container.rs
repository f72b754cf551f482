//! The zip container: deterministic writing, and careful reading of archives
//! that may be hostile (bounded memory, nothing extracted to disk).
//!
//! Only this module touches the `zip` crate.

use crate::limits::{
    MAX_CENTRAL_DIRECTORY, MAX_ENTRIES, MAX_ENTRY_SIZE, MAX_SMALL_ENTRY, MAX_TINY_ENTRY,
};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use zip::write::{SimpleFileOptions, ZipFileBuilder};
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// Deflate level used for new entries.
pub const DEFLATE_LEVEL: i64 = 6;
/// Modification time of every entry: the DOS epoch, so output is reproducible.
pub const ENTRY_TIME: DateTime = DateTime::DEFAULT;
/// Streaming read buffer size.
pub const READ_CHUNK: usize = 256 * 1024;

/// Why an archive could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be opened or read (trouble, exit 2).
    Io(PathBuf, std::io::Error),
    /// The file is not an acceptable zip (a finding, exit 1).
    Invalid(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            ReadError::Invalid(m) => f.write_str(m),
        }
    }
}

/// One entry of an archive's central directory.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Name as stored.
    pub name: String,
    /// Declared uncompressed size.
    pub size: u64,
    /// Index in the zip.
    pub index: usize,
    /// A folder entry.
    pub is_dir: bool,
}

/// An opened archive: its entry list. Content is read on demand, each reader
/// with its own file handle, so entries can be read on several threads.
pub struct ZipIn {
    path: PathBuf,
    /// Entries in central-directory order.
    pub entries: Vec<Entry>,
    by_name: HashMap<String, usize>,
}

/// Read the end of central directory record to bound what the zip parser
/// will allocate, before handing the file to it.
fn precheck(f: &mut File, path: &Path) -> Result<(), ReadError> {
    let io = |e| ReadError::Io(path.to_owned(), e);
    let len = f.seek(SeekFrom::End(0)).map_err(io)?;
    if len < 22 {
        return Err(ReadError::Invalid("not a zip archive (too short)".into()));
    }
    let tail_len = len.min(22 + 65_535);
    f.seek(SeekFrom::Start(len - tail_len)).map_err(io)?;
    let mut tail = vec![0u8; tail_len as usize];
    f.read_exact(&mut tail).map_err(io)?;
    let pos = tail
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .ok_or_else(|| {
            ReadError::Invalid("not a zip archive (no end of central directory)".into())
        })?;
    let eocd = &tail[pos..];
    if eocd.len() < 22 {
        return Err(ReadError::Invalid("truncated zip archive".into()));
    }
    let entries = u16::from_le_bytes([eocd[10], eocd[11]]) as u64;
    let cd_size = u32::from_le_bytes([eocd[12], eocd[13], eocd[14], eocd[15]]) as u64;
    if entries == 0xFFFF || cd_size == 0xFFFF_FFFF {
        return Err(ReadError::Invalid(
            "zip64 archives are not vellum archives".into(),
        ));
    }
    if entries > MAX_ENTRIES {
        return Err(ReadError::Invalid(format!(
            "too many entries ({entries}; at most {MAX_ENTRIES})"
        )));
    }
    if cd_size > MAX_CENTRAL_DIRECTORY {
        return Err(ReadError::Invalid(format!(
            "central directory too large ({cd_size} bytes)"
        )));
    }
    f.seek(SeekFrom::Start(0)).map_err(io)?;
    Ok(())
}

fn open_zip(path: &Path) -> Result<ZipArchive<BufReader<File>>, ReadError> {
    let mut f = File::open(path).map_err(|e| ReadError::Io(path.to_owned(), e))?;
    if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(ReadError::Io(
            path.to_owned(),
            std::io::Error::other("is a folder, not an archive file"),
        ));
    }
    precheck(&mut f, path)?;
    ZipArchive::new(BufReader::new(f))
        .map_err(|e| ReadError::Invalid(format!("not a valid zip archive: {e}")))
}

impl ZipIn {
    /// Open an archive and list its entries. Structural problems (duplicate
    /// names, unsafe paths, symlinks, oversized entries) are errors here.
    pub fn open(path: &Path) -> Result<ZipIn, ReadError> {
        let mut z = open_zip(path)?;
        if z.has_duplicate_names() {
            return Err(ReadError::Invalid(
                "duplicate entry names in the zip".into(),
            ));
        }
        let mut entries = Vec::with_capacity(z.len());
        let mut by_name = HashMap::new();
        for i in 0..z.len() {
            let f = z
                .by_index_raw(i)
                .map_err(|e| ReadError::Invalid(format!("bad zip entry {i}: {e}")))?;
            let raw = f.name_raw().to_vec();
            let name = String::from_utf8(raw).map_err(|_| {
                ReadError::Invalid(format!("entry {i} has a name that is not UTF-8"))
            })?;
            check_name(&name)?;
            if f.is_symlink() {
                return Err(ReadError::Invalid(format!(
                    "{name}: symbolic links are not allowed"
                )));
            }
            if f.encrypted() {
                return Err(ReadError::Invalid(format!(
                    "{name}: encrypted entries are not allowed"
                )));
            }
            if !matches!(
                f.compression(),
                CompressionMethod::Stored | CompressionMethod::Deflated
            ) {
                return Err(ReadError::Invalid(format!(
                    "{name}: unsupported compression method"
                )));
            }
            if f.size() > MAX_ENTRY_SIZE {
                return Err(ReadError::Invalid(format!(
                    "{name}: declared size {} exceeds the limit of {MAX_ENTRY_SIZE} bytes",
                    f.size()
                )));
            }
            let is_dir = name.ends_with('/');
            if is_dir && f.size() != 0 {
                return Err(ReadError::Invalid(format!(
                    "{name}: a folder entry with content"
                )));
            }
            if by_name.insert(name.clone(), i).is_some() {
                return Err(ReadError::Invalid(format!("{name}: duplicate entry")));
            }
            entries.push(Entry {
                name,
                size: f.size(),
                index: i,
                is_dir,
            });
        }
        Ok(ZipIn {
            path: path.to_owned(),
            entries,
            by_name,
        })
    }

    /// The entry with this name.
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.by_name.get(name).map(|&i| &self.entries[i])
    }

    /// Read an inventory or the bag manifest whole (at most
    /// [`MAX_SMALL_ENTRY`] bytes).
    pub fn read_small(&self, name: &str) -> Result<Vec<u8>, ReadError> {
        self.read_whole(name, MAX_SMALL_ENTRY, "an inventory or bag manifest")
    }

    /// Read another metadata entry whole (at most [`MAX_TINY_ENTRY`] bytes).
    pub fn read_tiny(&self, name: &str) -> Result<Vec<u8>, ReadError> {
        self.read_whole(name, MAX_TINY_ENTRY, "a tag, sidecar or signature file")
    }

    /// Read an entry whole if it declares at most `limit` bytes; `what` it
    /// should be names it in the error.
    pub fn read_whole(&self, name: &str, limit: u64, what: &str) -> Result<Vec<u8>, ReadError> {
        let e = self
            .get(name)
            .ok_or_else(|| ReadError::Invalid("missing".to_owned()))?;
        if e.size > limit {
            return Err(ReadError::Invalid(format!(
                "{} bytes: too large to be {what} (at most {limit})",
                e.size
            )));
        }
        let mut out = Vec::with_capacity(e.size as usize);
        self.stream(name, |b| {
            out.extend_from_slice(b);
            Ok(())
        })?;
        Ok(out)
    }

    /// Read an entry through `f`, which gets a reader of its content that
    /// fails (with a message saying why) on damaged data, a wrong CRC, or
    /// more or fewer bytes than declared. What `f` leaves unread is read
    /// afterwards, so those checks always run. `f`'s error is returned as
    /// the finding.
    pub fn read_with<T>(
        &self,
        name: &str,
        f: impl FnOnce(&mut dyn Read) -> Result<T, String>,
    ) -> Result<T, ReadError> {
        let e = self
            .get(name)
            .ok_or_else(|| ReadError::Invalid("missing".to_owned()))?;
        let mut z = open_zip(&self.path)?;
        let file = z
            .by_index(e.index)
            .map_err(|err| ReadError::Invalid(err.to_string()))?;
        // Never read more than declared, whatever the stream holds.
        let mut r = Checked {
            inner: file.take(e.size + 1),
            total: 0,
            size: e.size,
        };
        let t = f(&mut r).map_err(ReadError::Invalid)?;
        std::io::copy(&mut r, &mut std::io::sink())
            .map_err(|err| ReadError::Invalid(err.to_string()))?;
        Ok(t)
    }

    /// Stream an entry's content through `f`, in chunks, checking that it is
    /// exactly as long as declared and that its CRC matches.
    pub fn stream(
        &self,
        name: &str,
        mut f: impl FnMut(&[u8]) -> Result<(), String>,
    ) -> Result<u64, ReadError> {
        self.read_with(name, |r| {
            let mut buf = vec![0u8; READ_CHUNK];
            let mut total = 0u64;
            loop {
                match r.read(&mut buf) {
                    Ok(0) => return Ok(total),
                    Ok(n) => {
                        total += n as u64;
                        f(&buf[..n])?;
                    }
                    Err(err) => return Err(err.to_string()),
                }
            }
        })
    }

    /// Copy entries verbatim (still compressed) into a writer.
    pub fn copy_raw(&self, names: &[String], out: &mut ZipOut) -> Result<(), ReadError> {
        let mut z = open_zip(&self.path)?;
        for name in names {
            let e = self
                .get(name)
                .ok_or_else(|| ReadError::Invalid(format!("{name}: missing")))?;
            let f = z
                .by_index_raw(e.index)
                .map_err(|err| ReadError::Invalid(format!("{name}: {err}")))?;
            out.w
                .raw_copy_file(f)
                .map_err(|err| ReadError::Invalid(format!("{name}: {err}")))?;
        }
        Ok(())
    }
}

/// An entry's content, checked as it is read: at most its declared size,
/// and exactly that size at the end. Every error it returns is a finished
/// message.
struct Checked<R> {
    inner: R,
    total: u64,
    size: u64,
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self
            .inner
            .read(buf)
            .map_err(|err| std::io::Error::other(format!("damaged data ({err})")))?;
        self.total += n as u64;
        if self.total > self.size {
            return Err(std::io::Error::other(
                "holds more data than its declared size",
            ));
        }
        if n == 0 && !buf.is_empty() && self.total != self.size {
            return Err(std::io::Error::other(format!(
                "holds {} bytes, {} declared",
                self.total, self.size
            )));
        }
        Ok(n)
    }
}

/// Entry names must be relative, `/`-separated, without `.` or `..` parts.
fn check_name(name: &str) -> Result<(), ReadError> {
    let bad = |why: &str| Err(ReadError::Invalid(format!("{name:?}: {why}")));
    if name.is_empty() {
        return bad("empty entry name");
    }
    if name.starts_with('/') || name.contains('\\') || name.contains(':') {
        return bad("absolute or non-portable path");
    }
    if name.chars().any(|c| c.is_control()) {
        return bad("control character in the name");
    }
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    if trimmed
        .split('/')
        .any(|p| p.is_empty() || p == "." || p == "..")
    {
        return bad("path traversal or empty path part");
    }
    Ok(())
}

/// Writes a new archive: entries are added in the order given (callers sort).
pub struct ZipOut {
    w: ZipWriter<File>,
}

fn options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(DEFLATE_LEVEL))
        .last_modified_time(ENTRY_TIME)
        .unix_permissions(0o644)
}

/// Compress one entry in memory (callers run this on several threads).
pub fn prepare(name: &str, data: &[u8]) -> std::io::Result<zip::write::PreparedZipFile> {
    let mut b = ZipFileBuilder::new(
        name,
        options().large_file(data.len() as u64 >= zip::ZIP64_BYTES_THR),
    )
    .map_err(std::io::Error::other)?;
    for chunk in data.chunks(1 << 20) {
        b.write_all(chunk)?;
    }
    b.finish().map_err(std::io::Error::other)
}

impl ZipOut {
    /// Start writing to an open file.
    pub fn new(f: File) -> ZipOut {
        ZipOut {
            w: ZipWriter::new(f),
        }
    }
    /// Add an entry compressed beforehand with [`prepare`].
    pub fn add_prepared(&mut self, p: zip::write::PreparedZipFile) -> std::io::Result<()> {
        self.w.add_prepared_file(p).map_err(std::io::Error::other)
    }
    /// Finish the archive and return the file (not yet synced).
    pub fn finish(self) -> std::io::Result<File> {
        self.w.finish().map_err(std::io::Error::other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        for bad in [
            "/etc/passwd",
            "a/../b",
            "../x",
            "a//b",
            "a\\b",
            "C:/x",
            "./a",
            "",
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        for good in ["bag/data/v1/content/original.txt", "bag/", "bag/bagit.txt"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
    }
}
