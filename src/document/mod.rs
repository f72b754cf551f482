//! Documents that carry copies of a sealed text, reduced to the readable
//! text that `check` judges, with what `check` needs to know about them.
//!
//! [`read`] takes the bytes of one file and returns every document in it:
//! one for most files, one per message of an mbox, one per HTML or text
//! response of a WARC web archive ([`read_warc`] streams those). Each
//! [`Document`] carries its readable text (blocks separated by a blank
//! line), the lines it presents as quotations by its structure
//! (`<blockquote>`, Markdown `>`, email `>`), what was set aside as not
//! being part of it (page furniture, mail headers, signatures, DOCX
//! comments and footnotes) and one-line notes for the user (the encoding
//! it was decoded from, the MIME part used).
//!
//! What a file is comes from its content first (magic bytes, a WARC or
//! mbox header, mail headers, HTML tags) and its extension second
//! ([`sniff()`]). Bad input is a [`DocumentError`] whose message is one line
//! naming what is wrong; the caller prefixes the file name. Every reader is
//! bounded in memory and time by the limits in [`crate::limits`], and
//! crates that could panic on hostile input run under `catch_unwind`.
//!
//! Readers, one module each:
//!
//! ```text
//! charset   bytes of a copy to text: UTF-8, UTF-16 with or without BOM, legacy (chardetng)
//! plain     plain text: `>` quoting, forwarded-message headers, signatures
//! html      HTML: main content (furniture set aside), <blockquote>, <q>
//! markdown  Markdown (pulldown-cmark): block quotes, lists, emphasis
//! email     RFC 5322 / MIME messages and mbox files (mail-parser)
//! docx      DOCX (zip + quick-xml): paragraphs, numbering, comments, footnotes
//! pdf       PDF text layers (pdf-extract over lopdf), with a bomb guard
//! warc      WARC web archives, plain or gzip per record, streamed
//! ```

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

pub mod charset;
pub(crate) mod docx;
pub mod email;
pub mod html;
pub(crate) mod markdown;
mod out;
pub mod pdf;
pub(crate) mod plain;
pub(crate) mod sniff;
pub mod warc;

pub use sniff::{sniff, Kind};
pub use warc::read_warc;

/// What a document was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text.
    Text,
    /// An HTML page, reduced to its main content.
    Html,
    /// One RFC 5322 / MIME message (`.eml`).
    Email,
    /// A message of an mbox file.
    Mbox,
    /// A Word document (Office Open XML).
    Docx,
    /// A PDF's text layer.
    Pdf,
    /// Markdown.
    Markdown,
    /// A WARC record that is neither HTML nor plain text (records of HTML
    /// say [`Format::Html`], with their URL).
    Warc,
}

impl Format {
    /// The format's id in machine-readable reports (docs/check-report.md):
    /// `text`, `html`, `email`, `mbox`, `docx`, `pdf`, `markdown`, `warc`.
    pub fn id(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Email => "email",
            Format::Mbox => "mbox",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Markdown => "markdown",
            Format::Warc => "warc",
        }
    }

    /// The name users know the format by: "HTML", "DOCX", "PDF".
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "HTML",
            Format::Email => "email",
            Format::Mbox => "mbox",
            Format::Docx => "DOCX",
            Format::Pdf => "PDF",
            Format::Markdown => "Markdown",
            Format::Warc => "WARC",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How documents are read.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// Decode text in this encoding instead of detecting it
    /// (`--encoding NAME`). A byte-order mark still wins.
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

/// One document: a file, a message of an mbox, a record of a WARC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// How reports name it: the file name; `FILE#N` for the N-th message of
    /// an mbox; `FILE#URL` for a WARC record.
    pub label: String,
    /// A WARC record's target URL.
    pub url: Option<String>,
    /// What it was read as.
    pub format: Format,
    /// The readable text: blocks separated by a blank line (a plain text
    /// that needed no reading comes as it is, byte for byte). Empty when
    /// [`Document::dismissed`].
    pub text: String,
    /// Lines of `text` (1-based, `start..end` with `end` exclusive) the
    /// document presents as quotations by its structure: `<blockquote>`,
    /// Markdown `>` blocks, email `>` prefixes (stripped from `text`).
    /// `<q>` is rendered inline as “…” in `text` instead, like any
    /// quotation in running text.
    pub quoted_lines: Vec<Range<u32>>,
    /// What was removed as not being part of the document's text.
    pub set_aside: Vec<SetAside>,
    /// One-line facts for the user: the encoding, the MIME part used.
    pub notes: Vec<String>,
    /// The `keep` filter of [`read`] turned the document down before it
    /// was extracted: `text` is empty, the rest is what was known.
    pub dismissed: bool,
}

/// A block removed from a document before its text was taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    /// What it was: `nav`, `div.share`, `aside`, `[role=banner]`,
    /// `email headers`, `signature`, `docx comment`, `docx footnote`.
    pub what: String,
    /// Its words, counted at white space.
    pub words: usize,
    /// The line of `text` it stood before: for mail headers line 1, for a
    /// DOCX comment or footnote the paragraph that refers to it. `None`
    /// when nothing of the text follows it, and for what stands outside
    /// the flow (a DOCX's page headers and footers).
    pub before_line: Option<u32>,
}

/// Why a document could not be read. Display is one line naming what is
/// wrong; the caller prefixes the file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentError {
    /// Nothing to read: no bytes, only white space, or markup without text.
    Empty,
    /// Not a document at all: "a PNG image", "a zip archive".
    NotADocument(&'static str),
    /// A NUL byte in what should be text.
    Binary {
        /// Offset of the first NUL byte.
        offset: usize,
    },
    /// UTF-8 with a few invalid bytes among valid multi-byte sequences: a
    /// damaged UTF-8 file rather than a legacy encoding.
    DamagedUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// Invalid in the encoding it declares or was given.
    InvalidText {
        /// The encoding.
        encoding: &'static str,
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// A file of a known format that is damaged.
    Damaged {
        /// What it was read as.
        format: Format,
        /// What is wrong.
        why: String,
    },
    /// A PDF whose pages carry no text (a scan).
    PdfWithoutText {
        /// Its pages.
        pages: usize,
    },
    /// More than vellum reads: a bomb, or an absurd claim.
    TooLarge {
        /// What is too large: "DOCX part word/document.xml".
        what: String,
        /// The limit it went past, in bytes or items as `unit` says.
        limit: u64,
        /// "bytes", "objects", "pages", "entries".
        unit: &'static str,
    },
    /// HTML nested deeper than any page a browser shows.
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// A record of a WARC file that could not be read.
    WarcRecord {
        /// Its number, from 1.
        number: u64,
        /// Its target URL, when its header was read.
        url: Option<String>,
        /// What is wrong.
        why: String,
    },
    /// A message of an mbox, or a WARC record, whose document is bad.
    Within {
        /// "message 3", "record 7 (https://…)".
        place: String,
        /// The document's own error.
        error: Box<DocumentError>,
    },
}

impl fmt::Display for DocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::files::size_in_words;
        match self {
            DocumentError::Empty => f.write_str("empty: there is no text to read"),
            DocumentError::NotADocument(what) => write!(f, "{what}, not a document"),
            DocumentError::Binary { offset } => {
                write!(f, "binary data, not text: NUL byte at offset {offset}")
            }
            DocumentError::DamagedUtf8 { offset } => write!(
                f,
                "damaged UTF-8: invalid byte at offset {offset} among valid UTF-8 \
                 (if it is another encoding, say which with --encoding NAME)"
            ),
            DocumentError::InvalidText { encoding, offset } => {
                write!(f, "not valid {encoding}: bad byte at offset {offset}")
            }
            DocumentError::Damaged { format, why } => write!(f, "damaged {format} file: {why}"),
            DocumentError::PdfWithoutText { pages } => write!(
                f,
                "a PDF without a text layer ({pages} page{}, scanned images?): nothing to \
                 read; run it through OCR first",
                if *pages == 1 { "" } else { "s" }
            ),
            DocumentError::TooLarge { what, limit, unit } => {
                let limit = if *unit == "bytes" {
                    size_in_words(*limit)
                } else {
                    format!("{limit} {unit}")
                };
                write!(f, "{what} is larger than {limit}, the most vellum reads")
            }
            DocumentError::TooDeep { limit } => write!(
                f,
                "HTML nested more than {limit} elements deep; refusing to parse it (a page a \
                 browser shows is never this deep)"
            ),
            DocumentError::WarcRecord { number, url, why } => match url {
                Some(u) => write!(f, "WARC record {number} ({u}): {why}"),
                None => write!(f, "WARC record {number}: {why}"),
            },
            DocumentError::Within { place, error } => write!(f, "{place}: {error}"),
        }
    }
}

impl std::error::Error for DocumentError {}

/// Every document in `bytes`: one for most files, one per response record
/// of a WARC, one per message of an mbox.
///
/// `name` is the file name (its extension is the second clue to the
/// format, after the content). `keep` is called with the payload of each
/// text-like document (HTML source, plain text, Markdown, a mail part
/// after transfer decoding), as UTF-8 (decoded first when it was in
/// another encoding), before it is parsed: when it returns false the
/// document is not extracted but returned with empty text and
/// [`Document::dismissed`] set, so reports can still list it. DOCX and PDF
/// files are always extracted.
pub fn read(
    name: Option<&str>,
    bytes: &[u8],
    opts: &ReadOptions,
    keep: &dyn Fn(&[u8]) -> bool,
) -> Vec<Result<Document, DocumentError>> {
    let label = name.unwrap_or("-").to_owned();
    match sniff(name, bytes) {
        Kind::Warc => {
            let mut out = Vec::new();
            read_warc(bytes, &label, opts, keep, |r| out.push(r));
            out
        }
        Kind::Mbox => email::read_mbox(&label, bytes, opts, keep),
        Kind::Email => vec![email::read_message(&label, bytes, opts, keep)],
        Kind::Docx => vec![docx::read(&label, bytes)],
        Kind::Pdf => vec![pdf::read(&label, bytes)],
        Kind::NotADocument(what) => vec![Err(DocumentError::NotADocument(what))],
        k @ (Kind::Html | Kind::Markdown | Kind::Text) => vec![read_text_like(
            label,
            text_format(k).expect("a text-like kind"),
            Cow::Borrowed(bytes),
            opts,
            keep,
        )],
    }
}

/// The format of a kind of file read as text ([`read_text_like`]).
fn text_format(kind: Kind) -> Option<Format> {
    match kind {
        Kind::Html => Some(Format::Html),
        Kind::Markdown => Some(Format::Markdown),
        Kind::Text => Some(Format::Text),
        _ => None,
    }
}

/// Every document of the file at `path`, handed to `f` one at a time: a
/// WARC is streamed record by record (memory stays that of one record,
/// whatever the file's size); any other file is read whole, within
/// [`crate::limits::MAX_TEXT`], and given to [`read`]. `Err` when the file
/// cannot be opened or read (the documents' own errors go to `f`).
pub fn read_path(
    path: &std::path::Path,
    opts: &ReadOptions,
    keep: &dyn Fn(&[u8]) -> bool,
    mut f: impl FnMut(Result<Document, DocumentError>),
) -> Result<(), crate::files::FileError> {
    use crate::files::FileError;
    use std::io::Read;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let io = |e| FileError::Io(path.to_owned(), e);
    let file = crate::files::open_without_waiting(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(FileError::IsFolder(path.to_owned()));
    }
    if !meta.is_file() {
        return Err(FileError::NotAFile(
            path.to_owned(),
            crate::files::kind_of(&meta),
        ));
    }
    let mut head = Vec::with_capacity(8192);
    (&file).take(8192).read_to_end(&mut head).map_err(io)?;
    if sniff(name.as_deref(), &head) == Kind::Warc {
        let label = name.unwrap_or_else(|| path.display().to_string());
        let rest = std::io::Cursor::new(head).chain(file);
        read_warc(rest, &label, opts, keep, f);
        return Ok(());
    }
    drop(file);
    let bytes = crate::files::read_bounded(path, crate::limits::MAX_TEXT)?;
    for d in read(name.as_deref(), &bytes, opts, keep) {
        f(d);
    }
    Ok(())
}

/// Every record of the web archive (WARC) at `path` that may be a
/// document, streamed record by record to `f` before anything is made of
/// it ([`warc::Record::document`] makes the document), so that records are
/// read on one thread and made documents on others. Memory stays that of
/// the records on their way.
pub fn read_warc_path(
    path: &std::path::Path,
    f: impl FnMut(Result<warc::Record, DocumentError>),
) -> Result<(), crate::files::FileError> {
    use crate::files::FileError;
    let io = |e| FileError::Io(path.to_owned(), e);
    let file = crate::files::open_without_waiting(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(FileError::NotAFile(
            path.to_owned(),
            crate::files::kind_of(&meta),
        ));
    }
    let label = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    warc::read_records(file, &label, f);
    Ok(())
}

/// [`read`] of a buffer the caller gives up: a text-like file's bytes
/// become its text without a copy where they can (see
/// [`charset::decode_cow`]); the same documents as [`read`] otherwise.
pub fn read_owned(
    name: Option<&str>,
    bytes: Vec<u8>,
    opts: &ReadOptions,
    keep: &dyn Fn(&[u8]) -> bool,
) -> Vec<Result<Document, DocumentError>> {
    let Some(format) = text_format(sniff(name, &bytes)) else {
        return read(name, &bytes, opts, keep);
    };
    let label = name.unwrap_or("-").to_owned();
    vec![read_text_like(label, format, Cow::Owned(bytes), opts, keep)]
}

/// Read a text-like payload (plain text, HTML, Markdown): decode it, ask
/// `keep`, then extract.
pub(crate) fn read_text_like(
    label: String,
    format: Format,
    bytes: Cow<'_, [u8]>,
    opts: &ReadOptions,
    keep: &dyn Fn(&[u8]) -> bool,
) -> Result<Document, DocumentError> {
    let declared = match format {
        Format::Html => html::declared_charset(&bytes),
        _ => None,
    };
    // Dismissed on its raw bytes when it carries nothing (see
    // `warc::payload_document`).
    // Asked once: a payload kept on its raw bytes is not asked again.
    let raw = memchr::memchr(0, &bytes[..bytes.len().min(4096)]).is_none();
    if raw && !keep(&bytes) {
        return Ok(dismissed(label, None, format));
    }
    let decoded = charset::decode_cow(bytes, opts.encoding, declared)?;
    let mut notes = Vec::new();
    notes.extend(decoded.note.clone());
    let text = decoded.text;
    let keep: &dyn Fn(&[u8]) -> bool = if raw { &|_| true } else { keep };
    from_text(label, None, format, text, notes, keep)
}

/// A document dismissed unread: its `keep` said it carries nothing.
pub(crate) fn dismissed(label: String, url: Option<String>, format: Format) -> Document {
    Document {
        label,
        url,
        format,
        text: String::new(),
        quoted_lines: Vec::new(),
        set_aside: Vec::new(),
        notes: Vec::new(),
        dismissed: true,
    }
}

/// Extract a document of `format` from decoded text.
pub(crate) fn from_text(
    label: String,
    url: Option<String>,
    format: Format,
    text: String,
    notes: Vec<String>,
    keep: &dyn Fn(&[u8]) -> bool,
) -> Result<Document, DocumentError> {
    if text.trim().is_empty() {
        return Err(DocumentError::Empty);
    }
    let mut doc = Document {
        notes,
        dismissed: false,
        ..dismissed(label, url, format)
    };
    if !keep(text.as_bytes()) {
        doc.dismissed = true;
        return Ok(doc);
    }
    let body = match format {
        Format::Html => html::extract(&text)?,
        Format::Markdown => markdown::extract(&text),
        _ => plain::extract_owned(text),
    };
    if body.text.trim().is_empty() {
        return Err(DocumentError::Empty);
    }
    doc.text = body.text;
    doc.quoted_lines = body.quoted_lines;
    doc.set_aside = body.set_aside;
    doc.notes.extend(body.notes);
    Ok(doc)
}

/// The readable part of a document as a reader produces it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Body {
    /// The text, blocks separated by a blank line.
    pub text: String,
    /// Quoted line ranges (see [`Document::quoted_lines`]).
    pub quoted_lines: Vec<Range<u32>>,
    /// What was set aside.
    pub set_aside: Vec<SetAside>,
    /// Notes.
    pub notes: Vec<String>,
}

/// Run `f`, turning a panic into `Err(())` without the panic message
/// (the library never prints). Crates that read hostile input run under
/// it. The first call installs a panic hook that stays silent while such
/// a call runs on the current thread and hands every other panic to the
/// hook that was there before.
pub(crate) fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, ()> {
    use std::cell::Cell;
    thread_local!(static QUIET: Cell<bool> = const { Cell::new(false) });
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    r.map_err(|_| ())
}

/// Which of eight ASCII bytes (the first the lowest) are white space (tab
/// to carriage return, and space), one bit each.
#[inline]
fn ascii_spaces(x: u64) -> u32 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    // A byte's high bit, set when it is not zero (exactly, byte by byte).
    let nonzero = |v: u64| (((v & LOW7) + LOW7) | v) & HIGH;
    let space = !nonzero(x ^ (ONES * u64::from(b' '))) & HIGH;
    // Bytes below 0x80: adding 0x80 - k sets the high bit when >= k, and
    // carries into no other byte.
    let from_tab = x + ONES * (0x80 - 0x09);
    let past_cr = x + ONES * (0x80 - 0x0E);
    let control = from_tab & !past_cr & HIGH;
    // The eight high bits gathered into one byte.
    (((space | control) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
}

/// Words of `s`, counted at white space.
pub(crate) fn count_words(s: &str) -> usize {
    let b = s.as_bytes();
    let ascii_space = |c: &u8| matches!(c, b'\t'..=b'\r' | b' ');
    if b.is_ascii() {
        // Most text (every page's text nodes are counted, html.rs): eight
        // bytes at a time, a word starting at each byte that is no space
        // and starts the text or follows a space.
        let (mut words, mut after_space) = (0usize, 1u32);
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            let m = ascii_spaces(u64::from_le_bytes(c.try_into().expect("8 bytes")));
            words += (!m & ((m << 1) | after_space) & 0xFF).count_ones() as usize;
            after_space = m >> 7;
        }
        for c in chunks.remainder() {
            let space = ascii_space(c);
            words += usize::from(after_space == 1 && !space);
            after_space = u32::from(space);
        }
        return words;
    }
    // As `s.split_whitespace().count()`, a byte at a time: a character
    // outside ASCII is decoded only to ask whether it is white space.
    let (mut words, mut in_word, mut i) = (0, false, 0);
    while i < b.len() {
        let (space, len) = if b[i] < 0x80 {
            (ascii_space(&b[i]), 1)
        } else {
            let c = s[i..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        };
        if !space && !in_word {
            words += 1;
        }
        in_word = !space;
        i += len;
    }
    words
}

/// Decide whether bytes are HTML or text (the two formats `read_copy`
/// returns): by content first, extension second.
pub fn sniff_format(name: Option<&str>, bytes: &[u8]) -> Format {
    match sniff(name, bytes) {
        Kind::Html => Format::Html,
        Kind::Markdown => Format::Markdown,
        Kind::Email => Format::Email,
        Kind::Mbox => Format::Mbox,
        Kind::Docx => Format::Docx,
        Kind::Pdf => Format::Pdf,
        Kind::Warc => Format::Warc,
        Kind::Text | Kind::NotADocument(_) => Format::Text,
    }
}

/// Read a circulated copy as one text: the first document of [`read`]
/// (the others of an mbox or a WARC are dropped), with default options.
/// What `check` and `diff` call until they read documents themselves.
pub fn read_copy(name: Option<&str>, bytes: &[u8]) -> Result<(String, Format), DocumentError> {
    read_copy_with(name, bytes, &ReadOptions::default())
}

/// [`read_copy`] with options (`--encoding`).
pub fn read_copy_with(
    name: Option<&str>,
    bytes: &[u8],
    opts: &ReadOptions,
) -> Result<(String, Format), DocumentError> {
    let first = read(name, bytes, opts, &|_| true).into_iter().next();
    match first {
        Some(Ok(d)) => Ok((d.text, d.format)),
        Some(Err(e)) => Err(e),
        None => Err(DocumentError::Empty),
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod count_words_tests {
    use proptest::prelude::*;

    proptest! {
        /// Counted a byte at a time, words are those `split_whitespace`
        /// finds, Unicode white space (NBSP, ideographic space, NEL)
        /// included.
        #[test]
        fn words_are_counted_as_split_whitespace_finds_them(
            s in "[ a\t\n\u{0B}\u{0C}\r\u{1C}\u{85}\u{a0}\u{2009}\u{3000}\u{e9}\u{1F600}]{0,40}"
        ) {
            prop_assert_eq!(super::count_words(&s), s.split_whitespace().count());
        }

        /// The same, on text of ASCII only (counted eight bytes at a time).
        #[test]
        fn ascii_words_are_counted_as_split_whitespace_finds_them(
            s in "[ ab\t\n\u{08}\u{0B}\u{0C}\r\u{0E}\u{1C}\u{1F}!\u{7F}.]{0,80}"
        ) {
            prop_assert_eq!(super::count_words(&s), s.split_whitespace().count());
        }
    }
}
