//! The zip container (rules Z1–Z6 of docs/archive-format.md): deterministic
//! writing, careful reading of archives that may be hostile (bounded
//! memory, nothing extracted to disk), and reading an entry from the middle
//! without inflating what comes before (Z6).
//!
//! Archives are read here too, strictly (Z5a), through one file handle:
//! the `zip` crate (which DOCX reading uses) accepts prefixes, gaps, junk
//! after the end and local headers that disagree with the central
//! directory, each a place for bytes no signature covers. Archives are
//! written here, because an entry is deflated in chunks that each start a
//! fresh deflate state (Z6): the stream is an ordinary deflate stream that
//! every zip reader inflates, and a reader that knows where a chunk starts
//! can inflate from there. The zip crate cannot write such an entry.

use crate::limits::{
    MAX_CENTRAL_DIRECTORY, MAX_ENTRIES, MAX_ENTRY_SIZE, MAX_SMALL_ENTRY, MAX_TINY_ENTRY,
};
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// Deflate level used for new entries (Z4). Measured with zlib-rs on 30 MB
/// of the benchmark prose in 1 MiB chunks: level 6 0.62 s and ratio
/// 0.3427, level 5 0.55 s and 0.3432, level 4 0.51 s and 0.3492. Deflate is
/// most of seal's work; 5 takes a ninth off it for 0.15% in size.
pub(crate) const DEFLATE_LEVEL: u32 = 5;
/// Entries are deflated in chunks of this many bytes, each from a fresh
/// deflate state, unless cut elsewhere (an original at its text's chunks).
pub(crate) const DEFLATE_CHUNK: usize = 1 << 20;
/// Streaming read buffer size.
pub(crate) const READ_CHUNK: usize = 256 * 1024;
/// Header id of the seek table kept in an entry's central directory
/// record (Z6): bytes `v` `l`.
pub(crate) const SEEK_TABLE_ID: u16 = 0x6c76;
/// Version of the seek table's layout.
pub(crate) const SEEK_TABLE_VERSION: u8 = 1;
/// DOS date of every entry (Z4): 1980-01-01.
pub(crate) const ENTRY_DATE: u16 = 0x0021;
/// Unix mode of every entry (Z4): a regular file, 0644.
pub(crate) const ENTRY_MODE: u32 = 0o100644;
/// "Made by": Unix, zip 2.0.
const MADE_BY: u16 = (3 << 8) | 20;
/// The largest size or offset a zip without zip64 records can hold.
const ZIP32_MAX: u64 = 0xFFFF_FFFE;

/// What is wrong with a zip or one of its entries (Z5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipProblem {
    /// Not a zip at all (why).
    NotZip(&'static str),
    /// A zip64 end record or entry.
    Zip64,
    /// More than [`MAX_ENTRIES`] entries.
    TooManyEntries(u64),
    /// A central directory larger than [`MAX_CENTRAL_DIRECTORY`].
    CentralDirectoryTooLarge(u64),
    /// Bytes that no entry, central directory or end record accounts for
    /// (Z5a): before the first entry, between entries, after the end record.
    Unaccounted(Unaccounted),
    /// A zip comment or an entry comment: bytes no signature covers (Z5a).
    Comment(Option<String>),
    /// A local header that disagrees with its central directory record
    /// (Z5a): the entry and the field.
    LocalHeader(String, &'static str),
    /// A central directory that does not parse (why).
    Unreadable(String),
    /// Duplicate entry names.
    Duplicates,
    /// An entry whose name is not UTF-8 (its index).
    NameNotUtf8(usize),
    /// An unsafe or odd name.
    BadName(String, &'static str),
    /// A symbolic link.
    Symlink(String),
    /// An encrypted entry.
    Encrypted(String),
    /// Another compression method than stored or deflate.
    Method(String),
    /// General-purpose flags vellum does not read (a data descriptor, say).
    Flags(String, u16),
    /// A declared size over [`MAX_ENTRY_SIZE`].
    EntryTooLarge(String, u64),
    /// A folder entry with content.
    FolderWithContent(String),
    /// No entry of this name.
    Missing,
    /// Larger than what is read whole as this kind of file.
    TooLargeToRead {
        /// Declared size.
        size: u64,
        /// The limit.
        limit: u64,
        /// What it should be.
        what: &'static str,
    },
    /// Content that does not inflate or whose CRC is wrong.
    Damaged(String),
    /// More bytes than declared.
    Overlong,
    /// Fewer bytes than declared.
    Short {
        /// Bytes found.
        got: u64,
        /// Bytes declared.
        declared: u64,
    },
}

/// Where bytes are that the zip's structure does not account for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unaccounted {
    /// Before the first local header (a prefix): how many.
    Prefix(u64),
    /// Between the end of one entry and the next header: at this offset.
    Gap(u64),
    /// Between the last entry and the central directory: how many.
    BeforeDirectory(u64),
    /// After the end-of-central-directory record (junk, a second zip).
    AfterEnd,
    /// Two end-of-central-directory records.
    SecondEnd,
}

impl fmt::Display for Unaccounted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unaccounted::Prefix(0) => f.write_str("bytes before the first entry"),
            Unaccounted::Prefix(n) => write!(f, "{n} bytes before the first entry"),
            Unaccounted::Gap(at) => write!(f, "bytes between two entries (at offset {at})"),
            Unaccounted::BeforeDirectory(n) => {
                write!(
                    f,
                    "{n} bytes between the last entry and the central directory"
                )
            }
            Unaccounted::AfterEnd => f.write_str("bytes after the end of central directory"),
            Unaccounted::SecondEnd => f.write_str("a second end of central directory record"),
        }
    }
}

impl fmt::Display for ZipProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZipProblem::NotZip(why) => write!(f, "not a zip archive ({why})"),
            ZipProblem::Zip64 => f.write_str("zip64 archives are not vellum archives"),
            ZipProblem::TooManyEntries(n) => {
                write!(f, "too many entries ({n}; at most {MAX_ENTRIES})")
            }
            ZipProblem::CentralDirectoryTooLarge(n) => {
                write!(f, "central directory too large ({n} bytes)")
            }
            ZipProblem::Unaccounted(u) => write!(f, "{u}, which no signature covers"),
            ZipProblem::Comment(None) => f.write_str("a zip comment, which no signature covers"),
            ZipProblem::Comment(Some(n)) => {
                write!(f, "{n}: an entry comment, which no signature covers")
            }
            ZipProblem::LocalHeader(n, field) => write!(
                f,
                "{n}: its local header and central directory disagree ({field})"
            ),
            ZipProblem::Unreadable(e) => write!(f, "not a valid zip archive: {e}"),
            ZipProblem::Duplicates => f.write_str("duplicate entry names in the zip"),
            ZipProblem::NameNotUtf8(i) => write!(f, "entry {i} has a name that is not UTF-8"),
            ZipProblem::BadName(n, why) => write!(f, "{n:?}: {why}"),
            ZipProblem::Symlink(n) => write!(f, "{n}: symbolic links are not allowed"),
            ZipProblem::Encrypted(n) => write!(f, "{n}: encrypted entries are not allowed"),
            ZipProblem::Method(n) => write!(f, "{n}: unsupported compression method"),
            ZipProblem::Flags(n, v) => write!(
                f,
                "{n}: general-purpose flags {v:#06x} (a data descriptor or another feature vellum archives never use)"
            ),
            ZipProblem::EntryTooLarge(n, s) => write!(
                f,
                "{n}: declared size {s} exceeds the limit of {MAX_ENTRY_SIZE} bytes"
            ),
            ZipProblem::FolderWithContent(n) => write!(f, "{n}: a folder entry with content"),
            ZipProblem::Missing => f.write_str("missing"),
            ZipProblem::TooLargeToRead { size, limit, what } => {
                write!(f, "{size} bytes: too large to be {what} (at most {limit})")
            }
            ZipProblem::Damaged(e) => write!(f, "damaged data ({e})"),
            ZipProblem::Overlong => f.write_str("holds more data than its declared size"),
            ZipProblem::Short { got, declared } => {
                write!(f, "holds {got} bytes, {declared} declared")
            }
        }
    }
}

/// Why an archive could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be opened or read (trouble, exit 2).
    Io(PathBuf, std::io::Error),
    /// The file is not an acceptable zip, or an entry is damaged (a
    /// finding, exit 1).
    Invalid(ZipProblem),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            ReadError::Invalid(m) => m.fmt(f),
        }
    }
}

impl std::error::Error for ReadError {}

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

/// Where an entry's data is and how it is stored, from its two headers
/// (which agree, Z5a).
#[derive(Debug, Clone)]
struct Stored {
    method: CompressionMethod,
    crc: u32,
    csize: u64,
    data_start: u64,
    seek_table: Option<SeekTable>,
}

/// How an entry's data is compressed (Z4): stored or deflated only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CompressionMethod {
    Stored,
    Deflated,
}

/// An opened archive: its entry list, and the one file handle every read
/// goes through for as long as it is open (so that a file renamed over
/// the path in the middle of a run is never mixed with the one opened).
/// Reads are positioned (`pread`), so entries can be read on several
/// threads at once through the same handle.
pub struct ZipIn {
    path: PathBuf,
    file: File,
    /// Entries in central-directory order, which is their order in the file.
    pub entries: Vec<Entry>,
    stored: Vec<Stored>,
    by_name: HashMap<String, usize>,
}

/// Signature of a local file header.
const LOCAL_SIG: &[u8; 4] = b"PK\x03\x04";
/// Signature of a central directory record.
const CENTRAL_SIG: &[u8; 4] = b"PK\x01\x02";
/// Signature of the end-of-central-directory record.
const END_SIG: &[u8; 4] = b"PK\x05\x06";
/// Signature of the zip64 end-of-central-directory locator.
const ZIP64_LOCATOR_SIG: &[u8; 4] = b"PK\x06\x07";
/// Length of the end record without its comment.
const END_LEN: usize = 22;
/// Length of a local header without name and extra field.
const LOCAL_LEN: usize = 30;
/// Length of a central record without name, extra field and comment.
const CENTRAL_LEN: usize = 46;
/// Header id of the zip64 extended information extra field.
const ZIP64_EXTRA_ID: u16 = 0x0001;
/// General-purpose flags a vellum archive's entries may carry: bits 1–2
/// (deflate options some writers set) and 11 (UTF-8 name). Encryption
/// (0, 6, 13) and data descriptors (3) are refused.
const ALLOWED_FLAGS: u16 = 0b0000_1000_0000_0110;
/// Flags that mean encryption.
const ENCRYPTION_FLAGS: u16 = (1 << 0) | (1 << 6) | (1 << 13);

/// Read exactly `buf.len()` bytes at `offset` through a shared handle.
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        let (mut buf, mut offset) = (buf, offset);
        while !buf.is_empty() {
            match std::os::windows::fs::FileExt::seek_read(file, buf, offset) {
                Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                Ok(n) => {
                    buf = &mut buf[n..];
                    offset += n as u64;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// A byte range of the archive file, read through the shared handle.
struct Range<'a> {
    file: &'a File,
    pos: u64,
    end: u64,
}

impl Read for Range<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (self.end.saturating_sub(self.pos)).min(buf.len() as u64) as usize;
        if n == 0 {
            return Ok(0);
        }
        read_at(self.file, &mut buf[..n], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// The end record's fields that matter (Z5).
struct End {
    /// Where the record starts.
    at: u64,
    entries: u64,
    cd_size: u64,
    cd_offset: u64,
}

/// Find the end-of-central-directory record (Z5a). vellum never writes a
/// comment, so the record is the last 22 bytes of the file; anything else
/// is named for what it is. Only the last 65,557 bytes are looked at, and
/// a record that a comment holds (the old trick of a fake record that a
/// backwards search meets first) is refused with the comment.
fn find_end(file: &File, len: u64) -> Result<End, ZipProblem> {
    if len < END_LEN as u64 {
        return Err(ZipProblem::NotZip("too short"));
    }
    let tail_len = len.min((END_LEN + 0xFFFF) as u64);
    let mut tail = vec![0u8; tail_len as usize];
    read_at(file, &mut tail, len - tail_len)
        .map_err(|_| ZipProblem::NotZip("cannot read its end"))?;
    let at = tail.len() - END_LEN;
    let e = &tail[at..];
    if &e[..4] != END_SIG || u16_at(e, 20) != 0 {
        // Where a record is in the tail says what the bytes after it are.
        return Err(
            match tail
                .windows(4)
                .enumerate()
                .filter(|(_, w)| w == END_SIG)
                .map(|(i, _)| i)
                .find(|&i| i + END_LEN <= tail.len())
            {
                None => ZipProblem::NotZip("no end of central directory"),
                Some(i) if i + END_LEN + u16_at(&tail, i + 20) as usize == tail.len() => {
                    ZipProblem::Comment(None)
                }
                Some(_) => ZipProblem::Unaccounted(Unaccounted::AfterEnd),
            },
        );
    }
    if tail[..at].windows(4).any(|w| w == END_SIG) && tail[..at].len() >= END_LEN {
        // Another record within reach: a second zip appended, or one
        // hidden in the data. Either way two readers could disagree.
        let before = &tail[..at];
        if before.windows(4).enumerate().any(|(i, w)| {
            w == END_SIG && i + END_LEN <= before.len() && is_plausible_end(&before[i..])
        }) {
            return Err(ZipProblem::Unaccounted(Unaccounted::SecondEnd));
        }
    }
    let (disk, cd_disk) = (u16_at(e, 4), u16_at(e, 6));
    let (on_disk, entries) = (u16_at(e, 8) as u64, u16_at(e, 10) as u64);
    let (cd_size, cd_offset) = (u32_at(e, 12) as u64, u32_at(e, 16) as u64);
    if entries == 0xFFFF || cd_size == 0xFFFF_FFFF || cd_offset == 0xFFFF_FFFF {
        return Err(ZipProblem::Zip64);
    }
    if at >= 20 && &tail[at - 20..at - 16] == ZIP64_LOCATOR_SIG {
        return Err(ZipProblem::Zip64);
    }
    if disk != 0 || cd_disk != 0 || on_disk != entries {
        return Err(ZipProblem::NotZip("a multi-part zip"));
    }
    if entries > MAX_ENTRIES {
        return Err(ZipProblem::TooManyEntries(entries));
    }
    if cd_size > MAX_CENTRAL_DIRECTORY {
        return Err(ZipProblem::CentralDirectoryTooLarge(cd_size));
    }
    Ok(End {
        at: len - END_LEN as u64,
        entries,
        cd_size,
        cd_offset,
    })
}

/// Whether bytes starting with an end record's signature look like a
/// record (single disk, entry counts that agree), not a chance match in
/// compressed data.
fn is_plausible_end(b: &[u8]) -> bool {
    u16_at(b, 4) == 0 && u16_at(b, 6) == 0 && u16_at(b, 8) == u16_at(b, 10)
}

/// One central directory record, parsed.
struct Central {
    name: Vec<u8>,
    made_by: u16,
    flags: u16,
    method: u16,
    crc: u32,
    csize: u64,
    size: u64,
    mode: u32,
    offset: u64,
    extra: Vec<u8>,
}

/// The sizes a zip64 extra field gives for fields set to `0xFFFFFFFF`.
fn zip64_sizes(mut extra: &[u8], size: &mut u64, csize: &mut u64) {
    while extra.len() >= 4 {
        let (id, len) = (u16_at(extra, 0), u16_at(extra, 2) as usize);
        let Some(data) = extra.get(4..4 + len) else {
            return;
        };
        if id == ZIP64_EXTRA_ID {
            let mut d = data;
            for v in [size, csize] {
                if *v == 0xFFFF_FFFF && d.len() >= 8 {
                    *v = u64::from_le_bytes(d[..8].try_into().expect("8"));
                    d = &d[8..];
                }
            }
            return;
        }
        extra = &extra[4 + len..];
    }
}

/// Parse the central directory: exactly `entries` records filling it.
fn parse_central(cd: &[u8], entries: u64) -> Result<Vec<Central>, ZipProblem> {
    let bad = |why: &str| ZipProblem::Unreadable(why.to_owned());
    let mut out = Vec::with_capacity(entries as usize);
    let mut at = 0usize;
    for i in 0..entries {
        let h = cd
            .get(at..at + CENTRAL_LEN)
            .ok_or_else(|| bad(&format!("central directory ends within record {i}")))?;
        if &h[..4] != CENTRAL_SIG {
            return Err(bad(&format!(
                "record {i} of the central directory is not one"
            )));
        }
        let (n, m, k) = (
            u16_at(h, 28) as usize,
            u16_at(h, 30) as usize,
            u16_at(h, 32) as usize,
        );
        let body = cd
            .get(at + CENTRAL_LEN..at + CENTRAL_LEN + n + m + k)
            .ok_or_else(|| bad(&format!("central directory ends within record {i}")))?;
        let name = body[..n].to_vec();
        if k != 0 {
            let shown = String::from_utf8_lossy(&name).into_owned();
            return Err(ZipProblem::Comment(Some(shown)));
        }
        if u16_at(h, 34) != 0 {
            return Err(ZipProblem::NotZip("a multi-part zip"));
        }
        let mut c = Central {
            made_by: u16_at(h, 4),
            flags: u16_at(h, 8),
            method: u16_at(h, 10),
            crc: u32_at(h, 16),
            csize: u32_at(h, 20) as u64,
            size: u32_at(h, 24) as u64,
            mode: u32_at(h, 38) >> 16,
            offset: u32_at(h, 42) as u64,
            extra: body[n..n + m].to_vec(),
            name,
        };
        zip64_sizes(&c.extra, &mut c.size, &mut c.csize);
        out.push(c);
        at += CENTRAL_LEN + n + m + k;
    }
    if at != cd.len() {
        return Err(bad("the central directory holds more than its records"));
    }
    Ok(out)
}

impl ZipIn {
    /// Open an archive and list its entries, reading it strictly (Z5,
    /// Z5a): every byte of the file is a local header, entry data, the
    /// central directory or its end record, in that order without gaps;
    /// each local header agrees with its central record; no comments;
    /// structural problems (duplicate names, unsafe paths, symlinks,
    /// oversized entries) are errors here.
    pub fn open(path: &Path) -> Result<ZipIn, ReadError> {
        let file = crate::files::open_without_waiting(path)
            .map_err(|e| ReadError::Io(path.to_owned(), e))?;
        let meta = file
            .metadata()
            .map_err(|e| ReadError::Io(path.to_owned(), e))?;
        if meta.is_dir() {
            return Err(ReadError::Io(
                path.to_owned(),
                std::io::Error::other("is a folder, not an archive file"),
            ));
        }
        if !meta.is_file() {
            return Err(ReadError::Io(
                path.to_owned(),
                std::io::Error::other(format!(
                    "is {}, not an archive file",
                    crate::files::kind_of(&meta)
                )),
            ));
        }
        let (entries, stored, by_name) =
            read_structure(&file, meta.len()).map_err(|p| match p {
                Structure::Io(e) => ReadError::Io(path.to_owned(), e),
                Structure::Invalid(p) => ReadError::Invalid(p),
            })?;
        Ok(ZipIn {
            path: path.to_owned(),
            file,
            entries,
            stored,
            by_name,
        })
    }

    /// Whether the file at `path` is still the file this archive was
    /// opened from (same file, same size and time of change): seal checks
    /// this just before it renames a new archive over the old.
    pub fn is_still_at(&self, path: &Path) -> std::io::Result<bool> {
        let (now, then) = (std::fs::metadata(path)?, self.file.metadata()?);
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if (now.dev(), now.ino(), now.ctime(), now.ctime_nsec())
                != (then.dev(), then.ino(), then.ctime(), then.ctime_nsec())
            {
                return Ok(false);
            }
        }
        Ok(now.len() == then.len() && now.modified().ok() == then.modified().ok())
    }
}

/// Why [`read_structure`] failed.
enum Structure {
    Io(std::io::Error),
    Invalid(ZipProblem),
}

impl From<ZipProblem> for Structure {
    fn from(p: ZipProblem) -> Self {
        Structure::Invalid(p)
    }
}

type Listing = (Vec<Entry>, Vec<Stored>, HashMap<String, usize>);

/// Z5, Z5a: the end record, the central directory, and each local header
/// against its central record, accounting for every byte of the file.
fn read_structure(file: &File, len: u64) -> Result<Listing, Structure> {
    let end = find_end(file, len)?;
    let mut start = [0u8; 4];
    if end.entries > 0 && (read_at(file, &mut start, 0).is_err() || &start != LOCAL_SIG) {
        // The offsets of a zip with a prefix are either moved (then its
        // first entry is not at 0) or not (then they are short by it).
        let shift = end.at.saturating_sub(end.cd_offset + end.cd_size);
        if shift > 0 {
            return Err(ZipProblem::Unaccounted(Unaccounted::Prefix(shift)).into());
        }
    }
    if end.cd_offset + end.cd_size != end.at {
        return Err(if end.cd_offset + end.cd_size < end.at {
            ZipProblem::Unaccounted(Unaccounted::BeforeDirectory(
                end.at - end.cd_offset - end.cd_size,
            ))
        } else {
            ZipProblem::NotZip("its central directory is not where its end record says")
        }
        .into());
    }
    let mut cd = vec![0u8; end.cd_size as usize];
    read_at(file, &mut cd, end.cd_offset).map_err(Structure::Io)?;
    let records = parse_central(&cd, end.entries)?;
    drop(cd);
    let invalid = |p| Structure::Invalid(p);
    let mut entries = Vec::with_capacity(records.len());
    let mut stored = Vec::with_capacity(records.len());
    let mut by_name = HashMap::with_capacity(records.len());
    let mut next = 0u64; // where the next local header must start
    for (i, c) in records.into_iter().enumerate() {
        let name =
            String::from_utf8(c.name.clone()).map_err(|_| invalid(ZipProblem::NameNotUtf8(i)))?;
        check_name(&name).map_err(|why| invalid(ZipProblem::BadName(name.clone(), why)))?;
        if c.flags & ENCRYPTION_FLAGS != 0 {
            return Err(invalid(ZipProblem::Encrypted(name)));
        }
        // A symbolic link: a Unix-made entry of file type 0o120000.
        if c.made_by >> 8 == 3 && c.mode & 0o170000 == 0o120000 {
            return Err(invalid(ZipProblem::Symlink(name)));
        }
        let method = match c.method {
            0 => CompressionMethod::Stored,
            8 => CompressionMethod::Deflated,
            _ => return Err(invalid(ZipProblem::Method(name))),
        };
        if c.size > MAX_ENTRY_SIZE {
            return Err(invalid(ZipProblem::EntryTooLarge(name, c.size)));
        }
        if c.size >= 0xFFFF_FFFF || c.csize >= 0xFFFF_FFFF || c.offset == 0xFFFF_FFFF {
            return Err(invalid(ZipProblem::Zip64));
        }
        if c.flags & !ALLOWED_FLAGS != 0 {
            return Err(invalid(ZipProblem::Flags(name, c.flags)));
        }
        let is_dir = name.ends_with('/');
        if is_dir && c.size != 0 {
            return Err(invalid(ZipProblem::FolderWithContent(name)));
        }
        if method == CompressionMethod::Stored && c.csize != c.size {
            return Err(invalid(ZipProblem::LocalHeader(
                name,
                "stored sizes differ",
            )));
        }
        if by_name.insert(name.clone(), i).is_some() {
            return Err(invalid(ZipProblem::Duplicates));
        }
        // The local header: right where the previous entry ended.
        if c.offset != next {
            return Err(invalid(ZipProblem::Unaccounted(
                if i == 0 && c.offset > 0 {
                    Unaccounted::Prefix(c.offset)
                } else if c.offset > next {
                    Unaccounted::Gap(next)
                } else {
                    return Err(invalid(ZipProblem::NotZip("entries that overlap")));
                },
            )));
        }
        if c.offset + (LOCAL_LEN + c.name.len()) as u64 > end.cd_offset {
            return Err(invalid(ZipProblem::NotZip(
                "an entry runs into the central directory",
            )));
        }
        let mut h = vec![0u8; LOCAL_LEN + c.name.len()];
        read_at(file, &mut h, c.offset).map_err(Structure::Io)?;
        let disagree = |field| Err(invalid(ZipProblem::LocalHeader(name.clone(), field)));
        if &h[..4] != LOCAL_SIG {
            return disagree("no local header where the central directory says");
        }
        if h[LOCAL_LEN..] != c.name[..] || u16_at(&h, 26) as usize != c.name.len() {
            return disagree("name");
        }
        if u16_at(&h, 6) != c.flags {
            return disagree("flags");
        }
        if u16_at(&h, 8) != c.method {
            return disagree("method");
        }
        if u32_at(&h, 14) != c.crc {
            return disagree("CRC");
        }
        if u32_at(&h, 18) as u64 != c.csize || u32_at(&h, 22) as u64 != c.size {
            return disagree("sizes");
        }
        let data_start = c.offset + (LOCAL_LEN + c.name.len()) as u64 + u16_at(&h, 28) as u64;
        next = data_start + c.csize;
        if next > end.cd_offset {
            return Err(invalid(ZipProblem::NotZip(
                "an entry runs into the central directory",
            )));
        }
        entries.push(Entry {
            name,
            size: c.size,
            index: i,
            is_dir,
        });
        stored.push(Stored {
            method,
            crc: c.crc,
            csize: c.csize,
            data_start,
            seek_table: SeekTable::from_extra(&c.extra),
        });
    }
    if next != end.cd_offset {
        return Err(invalid(ZipProblem::Unaccounted(if entries.is_empty() {
            Unaccounted::Prefix(end.cd_offset)
        } else {
            Unaccounted::BeforeDirectory(end.cd_offset - next)
        })));
    }
    Ok((entries, stored, by_name))
}

/// Where each deflate chunk of an entry starts (Z6): pairs of
/// (uncompressed offset, offset in the compressed data), the first (0, 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeekTable(pub Vec<(u64, u64)>);

impl SeekTable {
    /// The table as an extra field's data.
    fn to_extra(&self) -> Vec<u8> {
        let mut d = vec![SEEK_TABLE_VERSION];
        d.extend_from_slice(&(self.0.len() as u32).to_le_bytes());
        for &(u, c) in &self.0 {
            d.extend_from_slice(&(u as u32).to_le_bytes());
            d.extend_from_slice(&(c as u32).to_le_bytes());
        }
        let mut field = SEEK_TABLE_ID.to_le_bytes().to_vec();
        field.extend_from_slice(&(d.len() as u16).to_le_bytes());
        field.extend_from_slice(&d);
        field
    }

    /// The table in an entry's central extra fields, if there is one that
    /// reads (anything else is ignored: the table only saves time).
    fn from_extra(mut extra: &[u8]) -> Option<SeekTable> {
        while extra.len() >= 4 {
            let id = u16::from_le_bytes([extra[0], extra[1]]);
            let len = u16::from_le_bytes([extra[2], extra[3]]) as usize;
            let data = extra.get(4..4 + len)?;
            extra = &extra[4 + len..];
            if id != SEEK_TABLE_ID || data.first() != Some(&SEEK_TABLE_VERSION) || len < 5 {
                continue;
            }
            let n = u32::from_le_bytes(data[1..5].try_into().ok()?) as usize;
            let pairs = data.get(5..5 + n * 8)?;
            let t: Vec<(u64, u64)> = pairs
                .chunks(8)
                .map(|p| {
                    (
                        u32::from_le_bytes(p[..4].try_into().expect("4")) as u64,
                        u32::from_le_bytes(p[4..].try_into().expect("4")) as u64,
                    )
                })
                .collect();
            let increasing = t.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1);
            return (t.first() == Some(&(0, 0)) && increasing).then_some(SeekTable(t));
        }
        None
    }
}

impl ZipIn {
    /// The entry with this name.
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.by_name.get(name).map(|&i| &self.entries[i])
    }

    fn entry(&self, name: &str) -> Result<&Entry, ReadError> {
        self.get(name)
            .ok_or(ReadError::Invalid(ZipProblem::Missing))
    }

    fn stored(&self, e: &Entry) -> &Stored {
        &self.stored[e.index]
    }

    /// An entry's compressed data, read through the archive's handle.
    fn raw(&self, s: &Stored) -> Range<'_> {
        Range {
            file: &self.file,
            pos: s.data_start,
            end: s.data_start + s.csize,
        }
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
    pub fn read_whole(
        &self,
        name: &str,
        limit: u64,
        what: &'static str,
    ) -> Result<Vec<u8>, ReadError> {
        let e = self.entry(name)?;
        if e.size > limit {
            return Err(ReadError::Invalid(ZipProblem::TooLargeToRead {
                size: e.size,
                limit,
                what,
            }));
        }
        let mut out = Vec::with_capacity(e.size as usize);
        self.stream(name, |b| {
            out.extend_from_slice(b);
            ControlFlow::Continue(())
        })?;
        Ok(out)
    }

    /// Read an entry whole as [`ZipIn::read_whole`] does, inflating its
    /// chunks (Z6) on all cores when it has a seek table; the length and
    /// the CRC are checked over the whole. A table that does not fit the
    /// data is no error: the entry is then read from the start, which finds
    /// what is wrong, if anything.
    pub fn read_whole_chunked(
        &self,
        name: &str,
        limit: u64,
        what: &'static str,
    ) -> Result<Vec<u8>, ReadError> {
        let e = self.entry(name)?;
        if e.size <= limit {
            if let Some(out) = self.inflate_chunks(e) {
                return Ok(out);
            }
        }
        self.read_whole(name, limit, what)
    }

    /// An entry's chunks inflated in parallel, if its seek table fits it.
    fn inflate_chunks(&self, e: &Entry) -> Option<Vec<u8>> {
        use rayon::prelude::*;
        let s = self.stored(e);
        let table = s.seek_table.as_ref()?;
        if table.0.len() < 2 {
            return None;
        }
        let csize = s.csize;
        // Deflate never makes text much larger: a compressed size past
        // this is not read into memory.
        if s.method != CompressionMethod::Deflated || csize > e.size + e.size / 8 + (1 << 20) {
            return None;
        }
        let mut input = vec![0u8; csize as usize];
        read_at(&self.file, &mut input, s.data_start).ok()?;
        let mut out = vec![0u8; e.size as usize];
        let mut ends: Vec<(u64, u64)> = table.0[1..].to_vec();
        ends.push((e.size, csize));
        let mut jobs = Vec::with_capacity(ends.len());
        let (mut rest, mut at) = (&mut out[..], (0u64, 0u64));
        for (k, &(u, c)) in ends.iter().enumerate() {
            if u < at.0 || c < at.1 || u > e.size || c > csize {
                return None;
            }
            let (mine, more) = rest.split_at_mut((u - at.0) as usize);
            jobs.push((&input[at.1 as usize..c as usize], mine, k + 1 == ends.len()));
            rest = more;
            at = (u, c);
        }
        let ok = jobs
            .into_par_iter()
            .all(|(i, o, last)| inflate_exactly(i, o, last));
        (ok && crc32fast::hash(&out) == s.crc).then_some(out)
    }

    /// Read an entry through `f`, which gets a reader of its content that
    /// fails (with a [`ZipProblem`] as its message) on damaged data, a wrong
    /// CRC, or more or fewer bytes than declared. What `f` leaves unread is
    /// read afterwards, so those checks always run.
    pub fn read_with<T>(
        &self,
        name: &str,
        f: impl FnOnce(&mut dyn Read) -> T,
    ) -> Result<T, ReadError> {
        self.checked(name, |r| {
            let t = f(r);
            if r.problem.is_none() {
                let _ = std::io::copy(r, &mut std::io::sink());
            }
            t
        })
    }

    /// Run `f` on a checked reader of an entry's content: it never reads
    /// more than declared, whatever the stream holds, and keeps the first
    /// problem, which is the error then.
    fn checked<T>(
        &self,
        name: &str,
        f: impl FnOnce(&mut Checked<'_>) -> T,
    ) -> Result<T, ReadError> {
        let e = self.entry(name)?;
        let s = self.stored(e);
        let raw = BufReader::with_capacity(READ_CHUNK.min(s.csize as usize + 1), self.raw(s));
        let inner = match s.method {
            CompressionMethod::Stored => Content::Stored(raw),
            CompressionMethod::Deflated => {
                Content::Deflated(flate2::bufread::DeflateDecoder::new(raw))
            }
        };
        let mut r = Checked {
            inner,
            total: 0,
            size: e.size,
            csize: s.csize,
            crc: crc32fast::Hasher::new(),
            want_crc: s.crc,
            problem: None,
        };
        let t = f(&mut r);
        match r.problem {
            Some(p) => Err(ReadError::Invalid(p)),
            None => Ok(t),
        }
    }

    /// Read the start of an entry through `f`, which may stop reading
    /// where it likes: nothing past that is inflated, so the length and CRC
    /// are not checked (callers check what they read by its hashes).
    pub fn read_start<T>(
        &self,
        name: &str,
        f: impl FnOnce(&mut dyn Read) -> T,
    ) -> Result<T, ReadError> {
        self.checked(name, |r| f(r))
    }

    /// Stream an entry's content through `f`, in chunks, checking that it is
    /// exactly as long as declared and that its CRC matches; `f` may stop
    /// the reading early (the checks are then not made).
    pub fn stream(
        &self,
        name: &str,
        mut f: impl FnMut(&[u8]) -> ControlFlow<()>,
    ) -> Result<u64, ReadError> {
        self.checked(name, |r| {
            let mut buf = vec![0u8; READ_CHUNK];
            loop {
                match r.read(&mut buf) {
                    Ok(0) => return r.total,
                    Ok(n) => {
                        if f(&buf[..n]).is_break() {
                            return r.total;
                        }
                    }
                    // The problem is kept in the reader.
                    Err(_) => return r.total,
                }
            }
        })
    }

    /// The seek table of an entry (Z6), if it has one.
    pub fn seek_table(&self, name: &str) -> Option<SeekTable> {
        let e = self.get(name)?;
        self.stored(e).seek_table.clone()
    }

    /// Hand `f` an entry's content from byte `from` on, inflating from the
    /// last chunk that starts at or before it (Z6) rather than from the
    /// start when the entry has a seek table. Nothing here checks the CRC
    /// (it covers the whole entry): callers check what they read by its
    /// hashes.
    pub fn read_from(
        &self,
        name: &str,
        from: u64,
        mut f: impl FnMut(&[u8]) -> ControlFlow<()>,
    ) -> Result<(), ReadError> {
        let e = self.entry(name)?;
        let s = self.stored(e);
        let (skip_to, start_at) = s
            .seek_table
            .as_ref()
            .and_then(|t| t.0.iter().rev().find(|(u, _)| *u <= from).copied())
            .filter(|&(_, c)| c <= s.csize)
            .unwrap_or((0, 0));
        let io = |err| ReadError::Io(self.path.clone(), err);
        let mut input = self.raw(s);
        input.pos += start_at;
        let mut pos = skip_to;
        let mut give = |b: &[u8], pos: &mut u64| -> ControlFlow<()> {
            let end = *pos + b.len() as u64;
            let r = if end > from {
                let cut = from.saturating_sub(*pos) as usize;
                f(&b[cut..])
            } else {
                ControlFlow::Continue(())
            };
            *pos = end;
            r
        };
        let mut inbuf = vec![0u8; READ_CHUNK];
        if s.method == CompressionMethod::Stored {
            loop {
                let n = input.read(&mut inbuf).map_err(io)?;
                if n == 0 || give(&inbuf[..n], &mut pos).is_break() {
                    return Ok(());
                }
            }
        }
        let mut d = Decompress::new(false);
        let mut out = vec![0u8; READ_CHUNK];
        loop {
            let n = input.read(&mut inbuf).map_err(io)?;
            let mut chunk = &inbuf[..n];
            loop {
                let (before_in, before_out) = (d.total_in(), d.total_out());
                let status = d
                    .decompress(chunk, &mut out, FlushDecompress::None)
                    .map_err(|err| ReadError::Invalid(ZipProblem::Damaged(err.to_string())))?;
                let used = (d.total_in() - before_in) as usize;
                let made = (d.total_out() - before_out) as usize;
                chunk = &chunk[used..];
                if made > 0 && give(&out[..made], &mut pos).is_break() {
                    return Ok(());
                }
                if status == Status::StreamEnd {
                    return Ok(());
                }
                if n == 0 && made == 0 {
                    return Err(ReadError::Invalid(ZipProblem::Damaged(
                        "the deflate stream ends early".into(),
                    )));
                }
                if chunk.is_empty() && made < out.len() {
                    break;
                }
            }
        }
    }
}

/// An entry's content stream, before it is checked.
enum Content<'a> {
    Stored(BufReader<Range<'a>>),
    Deflated(flate2::bufread::DeflateDecoder<BufReader<Range<'a>>>),
}

/// An entry's content, checked as it is read: at most its declared size,
/// exactly that size at the end, its CRC, and (deflated) a stream that
/// ends exactly where its compressed data does. The first problem is kept.
struct Checked<'a> {
    inner: Content<'a>,
    total: u64,
    size: u64,
    csize: u64,
    crc: crc32fast::Hasher,
    want_crc: u32,
    problem: Option<ZipProblem>,
}

impl Checked<'_> {
    fn fail(&mut self, p: ZipProblem) -> std::io::Error {
        let e = std::io::Error::other(p.to_string());
        self.problem.get_or_insert(p);
        e
    }

    /// At the end of the content: the CRC, and every compressed byte used.
    fn at_end(&mut self) -> std::io::Result<()> {
        if self.crc.clone().finalize() != self.want_crc {
            return Err(self.fail(ZipProblem::Damaged("CRC mismatch".into())));
        }
        if let Content::Deflated(d) = &self.inner {
            if d.total_in() != self.csize {
                return Err(self.fail(ZipProblem::Damaged(
                    "compressed data past the end of its deflate stream".into(),
                )));
            }
        }
        Ok(())
    }
}

impl Read for Checked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.problem.is_some() {
            return Err(std::io::Error::other("already failed"));
        }
        // Never more than one byte past the declared size is asked for.
        let room = (self.size + 1 - self.total).min(buf.len() as u64) as usize;
        let got = match &mut self.inner {
            Content::Stored(r) => r.read(&mut buf[..room]),
            Content::Deflated(r) => r.read(&mut buf[..room]),
        };
        let n = match got {
            Ok(n) => n,
            Err(err) => return Err(self.fail(ZipProblem::Damaged(err.to_string()))),
        };
        self.total += n as u64;
        if self.total > self.size {
            return Err(self.fail(ZipProblem::Overlong));
        }
        self.crc.update(&buf[..n]);
        if n == 0 && !buf.is_empty() {
            if self.total != self.size {
                let (got, declared) = (self.total, self.size);
                return Err(self.fail(ZipProblem::Short { got, declared }));
            }
            self.at_end()?;
        }
        Ok(n)
    }
}

/// Entry names must be relative, `/`-separated, without `.` or `..` parts.
fn check_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("empty entry name");
    }
    if name.starts_with('/') || name.contains('\\') || name.contains(':') {
        return Err("absolute or non-portable path");
    }
    if name.chars().any(|c| c.is_control()) {
        return Err("control character in the name");
    }
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    if trimmed
        .split('/')
        .any(|p| p.is_empty() || p == "." || p == "..")
    {
        return Err("path traversal or empty path part");
    }
    Ok(())
}

/// An entry's content compressed and ready to be written (see
/// [`prepare`]), under any name.
pub struct Prepared {
    method: u16,
    crc: u32,
    size: u64,
    /// The compressed chunks, in order: kept apart, not joined, so that a
    /// large text's compressed form is held once, not twice, while it is
    /// made (seal's peak memory, issue 12 point 6).
    data: Vec<Vec<u8>>,
    central_extra: Vec<u8>,
}

impl Prepared {
    /// Bytes it takes in the archive.
    pub(crate) fn compressed_len(&self) -> usize {
        self.data.iter().map(Vec::len).sum()
    }
}

/// Deflate an entry's content (Z4, Z6): in chunks that each start from a
/// fresh deflate state, cut at `cuts` (increasing offsets) when given,
/// else every [`DEFLATE_CHUNK`] bytes, compressed on all cores. With
/// `cuts`, the chunks' places go into a seek table.
pub fn prepare(data: &[u8], cuts: Option<&[usize]>) -> Prepared {
    prepare_counting(data, cuts, &|_| {})
}

/// [`prepare`], telling `done` the bytes of each chunk once it is
/// compressed (from any thread): a progress bar's measure.
pub fn prepare_counting(
    data: &[u8],
    cuts: Option<&[usize]>,
    done: &(dyn Fn(u64) + Sync),
) -> Prepared {
    use rayon::prelude::*;
    let ends: Vec<usize> = match cuts {
        Some(c) => c
            .iter()
            .copied()
            .filter(|&c| c > 0 && c < data.len())
            .collect(),
        None => (1..data.len().div_ceil(DEFLATE_CHUNK))
            .map(|k| k * DEFLATE_CHUNK)
            .collect(),
    };
    let starts: Vec<usize> = std::iter::once(0).chain(ends.iter().copied()).collect();
    let bounds: Vec<(usize, usize)> = starts
        .iter()
        .copied()
        .zip(ends.iter().copied().chain([data.len()]))
        .collect();
    let last = bounds.len() - 1;
    let (parts, crc): (Vec<Vec<u8>>, u32) = rayon::join(
        || {
            bounds
                .par_iter()
                .enumerate()
                .map(|(i, &(a, b))| {
                    let part = deflate_chunk(&data[a..b], i == last);
                    done((b - a) as u64);
                    part
                })
                .collect()
        },
        || {
            let mut crc = crc32fast::Hasher::new();
            crc.update(data);
            crc.finalize()
        },
    );
    let mut table = Vec::with_capacity(parts.len());
    let mut at = 0u64;
    for ((a, _), p) in bounds.iter().zip(&parts) {
        table.push((*a as u64, at));
        at += p.len() as u64;
    }
    Prepared {
        method: 8,
        crc,
        size: data.len() as u64,
        data: parts,
        central_extra: match cuts {
            Some(_) if table.len() > 1 => SeekTable(table).to_extra(),
            _ => Vec::new(),
        },
    }
}

/// Compressed chunks read as one stream.
struct Chunks<'a> {
    parts: &'a [Vec<u8>],
    at: usize,
}

impl Read for Chunks<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while let Some((first, rest)) = self.parts.split_first() {
            if self.at < first.len() {
                let n = buf.len().min(first.len() - self.at);
                buf[..n].copy_from_slice(&first[self.at..self.at + n]);
                self.at += n;
                return Ok(n);
            }
            self.parts = rest;
            self.at = 0;
        }
        Ok(0)
    }
}

/// One chunk of raw deflate from a fresh state, ending byte-aligned (a full
/// flush) unless it is the last, which ends the stream.
fn deflate_chunk(data: &[u8], last: bool) -> Vec<u8> {
    let mut c = Compress::new(Compression::new(DEFLATE_LEVEL), false);
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Full
    };
    let mut input = data;
    loop {
        if out.capacity() - out.len() < 64 {
            out.reserve(out.capacity().max(1 << 16));
        }
        let before = c.total_in();
        let status = c
            .compress_vec(input, &mut out, flush)
            .expect("deflating memory cannot fail");
        input = &input[(c.total_in() - before) as usize..];
        let done = match flush {
            FlushCompress::Finish => status == Status::StreamEnd,
            _ => input.is_empty() && out.len() < out.capacity(),
        };
        if done {
            // Held until the archive is written: no spare capacity.
            out.shrink_to_fit();
            return out;
        }
    }
}

/// Why an archive could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// Writing failed.
    Io(std::io::Error),
    /// An old entry could not be read back.
    Read(ReadError),
    /// The archive would need zip64 records (an offset or size over 4 GiB,
    /// or more than 65,534 entries), which vellum does not write.
    TooLarge,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Io(e) => e.fmt(f),
            WriteError::Read(e) => e.fmt(f),
            WriteError::TooLarge => {
                f.write_str("the archive would grow past 4 GiB, the most a zip without zip64 holds")
            }
        }
    }
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Io(e)
    }
}

/// Writes a new archive (Z3, Z4): entries in the order given (callers sort),
/// local header and data, then the central directory.
pub struct ZipOut {
    w: std::io::BufWriter<File>,
    offset: u64,
    central: Vec<u8>,
    count: u64,
}

/// Everything but the data of one entry, as both headers need it.
struct Header<'a> {
    name: &'a [u8],
    method: u16,
    crc: u32,
    csize: u64,
    size: u64,
}

impl ZipOut {
    /// Start writing to an open file.
    pub fn new(f: File) -> ZipOut {
        ZipOut {
            w: std::io::BufWriter::with_capacity(1 << 20, f),
            offset: 0,
            central: Vec::new(),
            count: 0,
        }
    }

    fn entry(&mut self, h: Header, data: &mut dyn Read, extra: &[u8]) -> Result<(), WriteError> {
        if h.size > ZIP32_MAX
            || h.csize > ZIP32_MAX
            || self.offset > ZIP32_MAX
            || self.count >= 0xFFFE
        {
            return Err(WriteError::TooLarge);
        }
        let flags: u16 = if h.name.is_ascii() { 0 } else { 1 << 11 };
        let needed: u16 = if h.method == 8 { 20 } else { 10 };
        let mut local = Vec::with_capacity(30 + h.name.len());
        local.extend_from_slice(b"PK\x03\x04");
        for v in [needed, flags, h.method, 0, ENTRY_DATE] {
            local.extend_from_slice(&v.to_le_bytes());
        }
        for v in [h.crc, h.csize as u32, h.size as u32] {
            local.extend_from_slice(&v.to_le_bytes());
        }
        local.extend_from_slice(&(h.name.len() as u16).to_le_bytes());
        local.extend_from_slice(&0u16.to_le_bytes());
        local.extend_from_slice(h.name);
        self.w.write_all(&local)?;
        let copied = std::io::copy(&mut data.take(h.csize), &mut self.w)?;
        if copied != h.csize {
            return Err(WriteError::Io(std::io::Error::other(
                "entry data ended early",
            )));
        }
        let c = &mut self.central;
        c.extend_from_slice(b"PK\x01\x02");
        for v in [MADE_BY, needed, flags, h.method, 0, ENTRY_DATE] {
            c.extend_from_slice(&v.to_le_bytes());
        }
        for v in [h.crc, h.csize as u32, h.size as u32] {
            c.extend_from_slice(&v.to_le_bytes());
        }
        for v in [h.name.len() as u16, extra.len() as u16, 0, 0, 0] {
            c.extend_from_slice(&v.to_le_bytes());
        }
        c.extend_from_slice(&(ENTRY_MODE << 16).to_le_bytes());
        c.extend_from_slice(&(self.offset as u32).to_le_bytes());
        c.extend_from_slice(h.name);
        c.extend_from_slice(extra);
        self.offset += local.len() as u64 + h.csize;
        self.count += 1;
        Ok(())
    }

    /// Add an entry compressed beforehand with [`prepare`].
    pub fn add(&mut self, name: &str, p: &Prepared) -> Result<(), WriteError> {
        let h = Header {
            name: name.as_bytes(),
            method: p.method,
            crc: p.crc,
            csize: p.compressed_len() as u64,
            size: p.size,
        };
        let mut chunks = Chunks {
            parts: &p.data,
            at: 0,
        };
        self.entry(h, &mut chunks, &p.central_extra)
    }

    /// Copy an entry of an old archive as it is: its compressed bytes, CRC,
    /// sizes and seek table (Z4).
    pub fn copy_from(&mut self, old: &ZipIn, name: &str) -> Result<(), WriteError> {
        let e = old.entry(name).map_err(WriteError::Read)?;
        let s = old.stored(e);
        let method = match s.method {
            CompressionMethod::Stored => 0,
            CompressionMethod::Deflated => 8,
        };
        let extra = s
            .seek_table
            .as_ref()
            .map(|t| t.to_extra())
            .unwrap_or_default();
        let h = Header {
            name: name.as_bytes(),
            method,
            crc: s.crc,
            csize: s.csize,
            size: e.size,
        };
        self.entry(h, &mut BufReader::new(old.raw(s)), &extra)
    }

    /// Finish the archive (the central directory and its end record) and
    /// return the file (not yet synced).
    pub fn finish(mut self) -> Result<File, WriteError> {
        let cd_offset = self.offset;
        let cd_size = self.central.len() as u64;
        if cd_offset > ZIP32_MAX || cd_size > ZIP32_MAX {
            return Err(WriteError::TooLarge);
        }
        self.w.write_all(&self.central)?;
        let mut end = b"PK\x05\x06".to_vec();
        for v in [0u16, 0, self.count as u16, self.count as u16] {
            end.extend_from_slice(&v.to_le_bytes());
        }
        end.extend_from_slice(&(cd_size as u32).to_le_bytes());
        end.extend_from_slice(&(cd_offset as u32).to_le_bytes());
        end.extend_from_slice(&0u16.to_le_bytes());
        self.w.write_all(&end)?;
        self.w
            .into_inner()
            .map_err(|e| WriteError::Io(e.into_error()))
    }
}

/// The end of a full flush: an empty stored block, byte-aligned.
const FLUSH_END: [u8; 4] = [0, 0, 0xff, 0xff];

/// Inflate one chunk (Z6) into exactly `out`: all of its input used, no
/// byte more or less, a chunk but the last ending with its full flush, the
/// last with the stream's end.
fn inflate_exactly(input: &[u8], out: &mut [u8], last: bool) -> bool {
    if !last && !input.ends_with(&FLUSH_END) {
        return false;
    }
    let mut d = Decompress::new(false);
    let Ok(mut status) = d.decompress(input, out, FlushDecompress::None) else {
        return false;
    };
    if d.total_out() != out.len() as u64 {
        return false;
    }
    // What is left is the chunk's end (an empty block, or the final one's
    // end): it must make no output.
    let mut spare = [0u8; 1];
    while (d.total_in() as usize) < input.len() && status != Status::StreamEnd {
        let before = d.total_in();
        match d.decompress(&input[before as usize..], &mut spare, FlushDecompress::None) {
            Ok(s) if d.total_out() == out.len() as u64 && d.total_in() > before => status = s,
            _ => return false,
        }
    }
    d.total_in() == input.len() as u64 && (status == Status::StreamEnd) == last
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

    fn text(n: usize) -> Vec<u8> {
        (0..n)
            .map(|i| b"abcdefghij klmnop\n\nqrstuvwxyz"[(i * 7 + i / 13) % 29])
            .collect()
    }

    /// Written entries read back with the zip crate (every byte, CRC
    /// checked), from any offset through the seek table, and copied raw
    /// into a second archive with their seek table.
    #[test]
    fn written_entries_read_back_whole_and_from_the_middle() {
        let dir = tempfile::tempdir().unwrap();
        let big = text(3 * DEFLATE_CHUNK + 12345);
        let cuts = [DEFLATE_CHUNK + 17, 2 * DEFLATE_CHUNK + 3];
        let small = b"small".to_vec();
        let p = dir.path().join("a.zip");
        let mut out = ZipOut::new(File::create(&p).unwrap());
        out.add("b/big.txt", &prepare(&big, Some(&cuts))).unwrap();
        out.add("b/plain.txt", &prepare(&big, None)).unwrap();
        out.add("b/small.txt", &prepare(&small, None)).unwrap();
        out.finish().unwrap();
        let z = ZipIn::open(&p).unwrap();
        assert_eq!(z.entries.len(), 3);
        assert_eq!(z.read_whole("b/big.txt", 1 << 30, "t").unwrap(), big);
        assert_eq!(z.read_whole("b/plain.txt", 1 << 30, "t").unwrap(), big);
        assert_eq!(z.read_tiny("b/small.txt").unwrap(), small);
        let table = z.seek_table("b/big.txt").unwrap();
        assert_eq!(table.0.len(), 3);
        assert_eq!(table.0[1].0, cuts[0] as u64);
        assert_eq!(z.seek_table("b/plain.txt"), None);
        for name in ["b/big.txt", "b/plain.txt"] {
            for from in [
                0u64,
                5,
                cuts[0] as u64 - 1,
                cuts[0] as u64,
                cuts[1] as u64 + 99,
                big.len() as u64 - 3,
            ] {
                let mut got = Vec::new();
                z.read_from(name, from, |b| {
                    got.extend_from_slice(b);
                    if got.len() >= 5000 {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                })
                .unwrap();
                let want = &big[from as usize..(from as usize + 5000).min(big.len())];
                assert_eq!(&got[..want.len()], want, "{name} from {from}");
            }
        }
        let q = dir.path().join("b.zip");
        let mut out = ZipOut::new(File::create(&q).unwrap());
        out.copy_from(&z, "b/big.txt").unwrap();
        out.add("b/new.txt", &prepare(b"new", None)).unwrap();
        out.finish().unwrap();
        let z2 = ZipIn::open(&q).unwrap();
        assert_eq!(z2.read_whole("b/big.txt", 1 << 30, "t").unwrap(), big);
        assert_eq!(z2.seek_table("b/big.txt"), Some(table));
        // Copied raw: the very same bytes.
        let raw = |path: &Path| {
            let mut z = zip::ZipArchive::new(File::open(path).unwrap()).unwrap();
            let mut f = z.by_name_raw(b"b/big.txt").unwrap();
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            v
        };
        assert_eq!(raw(&p), raw(&q));
        // Deterministic.
        let r = dir.path().join("c.zip");
        let mut out = ZipOut::new(File::create(&r).unwrap());
        out.add("b/big.txt", &prepare(&big, Some(&cuts))).unwrap();
        out.add("b/plain.txt", &prepare(&big, None)).unwrap();
        out.add("b/small.txt", &prepare(&small, None)).unwrap();
        out.finish().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), std::fs::read(&r).unwrap());
    }

    /// A chunked entry inflates on all cores to what reading it from the
    /// start gives; chunk by chunk, each exactly into its place; damaged
    /// data is still found (by the reading from the start).
    #[test]
    fn chunks_inflate_in_parallel_each_into_its_place() {
        let dir = tempfile::tempdir().unwrap();
        let big = text(3 * DEFLATE_CHUNK + 12345);
        let cuts = [DEFLATE_CHUNK + 17, 2 * DEFLATE_CHUNK + 3];
        let p = dir.path().join("a.zip");
        let mut out = ZipOut::new(File::create(&p).unwrap());
        out.add("b/big.txt", &prepare(&big, Some(&cuts))).unwrap();
        out.add("b/plain.txt", &prepare(&big, None)).unwrap();
        out.finish().unwrap();
        let z = ZipIn::open(&p).unwrap();
        assert_eq!(
            z.inflate_chunks(z.get("b/big.txt").unwrap()).as_ref(),
            Some(&big)
        );
        assert_eq!(z.inflate_chunks(z.get("b/plain.txt").unwrap()), None);
        for name in ["b/big.txt", "b/plain.txt"] {
            assert_eq!(z.read_whole_chunked(name, 1 << 30, "t").unwrap(), big);
        }
        assert!(z.read_whole_chunked("b/big.txt", 1000, "t").is_err());

        let table = z.seek_table("b/big.txt").unwrap().0;
        let raw = {
            let mut a = zip::ZipArchive::new(File::open(&p).unwrap()).unwrap();
            let mut f = a.by_name_raw(b"b/big.txt").unwrap();
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            v
        };
        let (u0, c0) = (table[1].0 as usize, table[1].1 as usize);
        let (u1, c1) = (table[2].0 as usize, table[2].1 as usize);
        let mut o = vec![0u8; u1 - u0];
        assert!(inflate_exactly(&raw[c0..c1], &mut o, false));
        assert_eq!(o, big[u0..u1]);
        // One byte of input more or less, of output more or less, the
        // stream's end where it is not: refused.
        assert!(!inflate_exactly(&raw[c0..c1 + 1], &mut o, false));
        assert!(!inflate_exactly(&raw[c0..c1 - 1], &mut o, false));
        assert!(!inflate_exactly(&raw[c0 + 1..c1], &mut o, false));
        assert!(!inflate_exactly(&raw[c0..c1], &mut o[1..], false));
        assert!(!inflate_exactly(
            &raw[c0..c1],
            &mut vec![0u8; u1 - u0 + 1],
            false
        ));
        assert!(!inflate_exactly(&raw[c0..c1], &mut o, true));
        let mut last = vec![0u8; big.len() - u1];
        assert!(inflate_exactly(&raw[c1..], &mut last, true));
        assert!(!inflate_exactly(&raw[c1..], &mut last, false));

        // A flipped byte in the second chunk: the CRC (or the inflater)
        // refuses the chunked reading, and the reading from the start says
        // what is wrong.
        let mut bytes = std::fs::read(&p).unwrap();
        let at = bytes.windows(raw.len()).position(|w| w == raw).unwrap() + c0 + 100;
        bytes[at] ^= 0x10;
        let q = dir.path().join("bad.zip");
        std::fs::write(&q, &bytes).unwrap();
        let z = ZipIn::open(&q).unwrap();
        assert!(z.inflate_chunks(z.get("b/big.txt").unwrap()).is_none());
        assert!(z.read_whole_chunked("b/big.txt", 1 << 30, "t").is_err());
    }

    /// W3: an archive opened is known from a file renamed over its path,
    /// and every read goes through the file opened, not the path.
    #[test]
    fn is_still_at() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, body: &[u8]| {
            let p = dir.path().join(name);
            let mut out = ZipOut::new(File::create(&p).unwrap());
            out.add("b/t.txt", &prepare(body, None)).unwrap();
            out.finish().unwrap();
            p
        };
        let a = write("a.zip", b"first");
        let z = ZipIn::open(&a).unwrap();
        assert!(z.is_still_at(&a).unwrap());
        let b = write("b.zip", b"second");
        std::fs::rename(&b, &a).unwrap();
        assert!(!z.is_still_at(&a).unwrap());
        assert_eq!(z.read_tiny("b/t.txt").unwrap(), b"first");
    }

    #[test]
    fn seek_tables_that_do_not_read_are_ignored() {
        let t = SeekTable(vec![(0, 0), (10, 4), (20, 9)]);
        let x = t.to_extra();
        assert_eq!(SeekTable::from_extra(&x), Some(t));
        let mut other = vec![0x55, 0x54, 1, 0, 0];
        other.extend_from_slice(&x);
        assert!(SeekTable::from_extra(&other).is_some());
        assert_eq!(SeekTable::from_extra(&x[..x.len() - 1]), None);
        let bad = SeekTable(vec![(0, 0), (10, 4), (5, 9)]).to_extra();
        assert_eq!(SeekTable::from_extra(&bad), None);
        assert_eq!(SeekTable::from_extra(&[]), None);
    }
}
