//! What a file is: by its content first, its extension second.
//!
//! In order: magic bytes (PDF, zip: DOCX or not, gzip: a WARC or not,
//! images and other binary formats, which are not documents); a WARC
//! version line; an mbox `From ` line; a block of mail headers; a page
//! that begins as HTML (`<!doctype html`, `<html`); then the extension
//! (`.html`, `.md`, `.eml`, `.mbox`, `.docx`, `.pdf`, `.warc`,
//! `.warc.gz`); then HTML tags in the first kilobyte; then Markdown
//! marks (two kinds of them among headings, emphasis, links, fenced code
//! and underlined headings); else plain text.
//!
//! UTF-16 text is sniffed through its low bytes, so a UTF-16 HTML page
//! is HTML.

use super::html;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Plain text.
    Text,
    /// HTML.
    Html,
    /// Markdown.
    Markdown,
    /// One mail message.
    Email,
    /// An mbox of messages.
    Mbox,
    /// DOCX.
    Docx,
    /// PDF.
    Pdf,
    /// A WARC web archive, plain or gzip.
    Warc,
    /// Something else, named: "a PNG image".
    NotADocument(&'static str),
}

/// Mail headers that mark the start of a message.
const MAIL_HEADERS: &[&str] = &[
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "received",
    "return-path",
    "reply-to",
    "delivered-to",
    "x-mailer",
    "user-agent",
    "in-reply-to",
    "references",
    "sender",
];

/// Binary formats that are not documents, by their first bytes.
const MAGIC: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xFF\xD8\xFF", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\0", "a TIFF image"),
    (b"MM\0*", "a TIFF image"),
    (b"BM", "a BMP image"),
    (
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        "a Word 97-2003 (.doc) or other OLE file (save it as DOCX, PDF or text)",
    ),
    (b"{\\rtf", "an RTF file (save it as DOCX, PDF or text)"),
    (b"\x7FELF", "an executable program"),
    (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
    (b"Rar!\x1A\x07", "a RAR archive"),
    (b"\x28\xB5\x2F\xFD", "Zstandard-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xFD7zXZ\0", "xz-compressed data"),
    (b"ID3", "an MP3 file"),
    (b"OggS", "an Ogg media file"),
    (b"fLaC", "a FLAC audio file"),
    (b"\0\0\0\x18ftyp", "an MP4 video"),
    (b"\0\0\0\x20ftyp", "an MP4 video"),
    (b"\0\0\0\x1Cftyp", "an MP4 video"),
    (b"\x1A\x45\xDF\xA3", "a Matroska/WebM video"),
    (b"\0asm", "a WebAssembly module"),
    (b"SQLite format 3\0", "an SQLite database"),
];

/// What `bytes` (named `name`) hold.
pub fn sniff(name: Option<&str>, bytes: &[u8]) -> Kind {
    let lower = name.map(str::to_ascii_lowercase).unwrap_or_default();
    if let Some(k) = by_magic(&lower, bytes) {
        return k;
    }
    let head = ascii_view(bytes);
    if head.starts_with(b"WARC/") {
        return Kind::Warc;
    }
    if is_mbox(&head) {
        return Kind::Mbox;
    }
    if is_mail(&head) {
        return Kind::Email;
    }
    if html::starts_as_html(&head) {
        return Kind::Html;
    }
    let ext = |e: &[&str]| e.iter().any(|x| lower.ends_with(x));
    if ext(&[".html", ".htm", ".xhtml", ".shtml"]) {
        return Kind::Html;
    }
    if ext(&[".md", ".markdown", ".mdown", ".mkd"]) {
        return Kind::Markdown;
    }
    if ext(&[".eml", ".msg822"]) {
        return Kind::Email;
    }
    if ext(&[".mbox", ".mbx"]) {
        return Kind::Mbox;
    }
    if ext(&[".warc", ".warc.gz"]) {
        return Kind::Warc;
    }
    if ext(&[".docx"]) {
        return Kind::Docx;
    }
    if ext(&[".pdf"]) {
        return Kind::Pdf;
    }
    if html::looks_like_html(&head) {
        return Kind::Html;
    }
    if looks_like_markdown(&head) {
        return Kind::Markdown;
    }
    Kind::Text
}

fn by_magic(lower: &str, bytes: &[u8]) -> Option<Kind> {
    let head = &bytes[..bytes.len().min(1024)];
    if memchr::memmem::find(head, b"%PDF-").is_some() {
        return Some(Kind::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        if memchr::memmem::find(bytes, b"word/document.xml").is_some() || lower.ends_with(".docx") {
            return Some(Kind::Docx);
        }
        if memchr::memmem::find(head, b"application/vnd.oasis.opendocument").is_some() {
            return Some(Kind::NotADocument(
                "an OpenDocument file (save it as DOCX, PDF or text)",
            ));
        }
        if memchr::memmem::find(head, b"application/epub+zip").is_some() {
            return Some(Kind::NotADocument("an EPUB book"));
        }
        return Some(Kind::NotADocument("a zip archive"));
    }
    if bytes.starts_with(b"\x1F\x8B") {
        let mut first = [0u8; 8];
        let mut d = flate2::read::GzDecoder::new(bytes);
        let n = read_up_to(&mut d, &mut first);
        if first[..n].starts_with(b"WARC/") {
            return Some(Kind::Warc);
        }
        return Some(Kind::NotADocument("gzip-compressed data"));
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Some(Kind::NotADocument("a WebP image"));
    }
    MAGIC
        .iter()
        .find(|(m, _)| bytes.starts_with(m))
        .map(|(_, what)| Kind::NotADocument(what))
}

fn read_up_to(r: &mut impl std::io::Read, buf: &mut [u8]) -> usize {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    n
}

/// The first 4 KB as ASCII-compatible bytes: UTF-16 (with or without a
/// BOM) through its low bytes, a UTF-8 BOM dropped.
fn ascii_view(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let head = &bytes[..bytes.len().min(8192)];
    let (le, skip) = if head.starts_with(b"\xFF\xFE") {
        (Some(true), 2)
    } else if head.starts_with(b"\xFE\xFF") {
        (Some(false), 2)
    } else if memchr::memchr(0, head).is_none() {
        // UTF-16 without a BOM has NUL bytes in ASCII text; none here.
        (None, 0)
    } else {
        let even = head.iter().step_by(2).filter(|&&b| b == 0).count();
        let odd = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
        if odd * 50 >= head.len() / 2 && even == 0 && odd > 0 {
            (Some(true), 0)
        } else if even * 50 >= head.len() / 2 && odd == 0 && even > 0 {
            (Some(false), 0)
        } else {
            (None, 0)
        }
    };
    match le {
        Some(le) => {
            let body = &head[skip..];
            let pick = usize::from(!le);
            std::borrow::Cow::Owned(
                body.chunks_exact(2)
                    .map(|c| if c[1 - pick] == 0 { c[pick] } else { b'?' })
                    .collect(),
            )
        }
        None => std::borrow::Cow::Borrowed(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head)),
    }
}

/// `From ` then an address or date on the first line, and a mail header
/// on the second: an mbox.
fn is_mbox(head: &[u8]) -> bool {
    let mut lines = head.split(|&b| b == b'\n');
    let first = lines.next().unwrap_or_default();
    first.starts_with(b"From ")
        && first.len() > 6
        && lines.next().and_then(header_name).is_some_and(known_header)
}

/// The file starts with a block of header lines, two of them known mail
/// headers: a message.
fn is_mail(head: &[u8]) -> bool {
    let mut known = 0;
    for (i, line) in head.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            if i == 0 {
                return false;
            }
            continue; // a folded header
        }
        match header_name(line) {
            Some(n) => known += usize::from(known_header(n)),
            None => return false,
        }
        if i > 200 {
            break;
        }
    }
    known >= 2
}

/// The name of a header line `Name: value`, if it is one.
fn header_name(line: &[u8]) -> Option<&[u8]> {
    let colon = line.iter().position(|&b| b == b':')?;
    let name = &line[..colon];
    (!name.is_empty()
        && name.len() <= 76
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    .then_some(name)
}

fn known_header(name: &[u8]) -> bool {
    let n = String::from_utf8_lossy(name).to_ascii_lowercase();
    MAIL_HEADERS.contains(&n.as_str()) || n.starts_with("x-")
}

/// Two kinds of Markdown marks in the first 8 KB: `# ` headings, `**`
/// or `__` emphasis, `[text](url)` links, fenced code, `===` or `---`
/// under a line of text.
fn looks_like_markdown(head: &[u8]) -> bool {
    use memchr::memmem::find;
    // Most texts have none of Markdown's marks at all: one scan of the head
    // for each, before any line is looked at.
    // Prose has none of the rarer marks (`#`, `*`, `_`, `]`, `` ` ``, `~`):
    // without them at most one sign (a setext underline) is possible.
    if memchr::memchr3(b'#', b'*', b'_', head).is_none()
        && memchr::memchr3(b']', b'`', b'~', head).is_none()
    {
        return false;
    }
    let has = |m: &[u8]| find(head, m).is_some();
    let maybe_heading = head.first() == Some(&b'#') || has(b"\n#");
    let maybe_strong = has(b"**") || has(b"__");
    let maybe_link = has(b"](");
    let maybe_fence = has(b"```") || has(b"~~~");
    let maybe_setext = has(b"\n===") || has(b"\n---");
    let candidates = [
        maybe_heading,
        maybe_strong,
        maybe_link,
        maybe_fence,
        maybe_setext,
    ];
    if candidates.iter().filter(|&&b| b).count() < 2 {
        return false;
    }
    let (mut heading, mut strong, mut link, mut fence, mut setext) =
        (false, false, false, false, false);
    let mut prev_text = false;
    for line in head.split(|&b| b == b'\n') {
        let mut t = line;
        while let Some((&last, rest)) = t.split_last() {
            if last.is_ascii_whitespace() {
                t = rest;
            } else {
                break;
            }
        }
        let hashes = t.iter().take_while(|&&b| b == b'#').count();
        if (1..=6).contains(&hashes) && t[hashes..].starts_with(b" ") {
            heading = true;
        }
        if t.starts_with(b"```") || t.starts_with(b"~~~") {
            fence = true;
        }
        if prev_text
            && t.len() >= 3
            && (t.iter().all(|&b| b == b'=') || t.iter().all(|&b| b == b'-'))
        {
            setext = true;
        }
        if maybe_strong {
            for m in [&b"**"[..], &b"__"[..]] {
                if let Some(a) = find(t, m) {
                    if find(&t[a + 2..], m).is_some() {
                        strong = true;
                    }
                }
            }
        }
        if maybe_link {
            if let Some(a) = find(t, b"](") {
                if t[..a].contains(&b'[') && t[a..].contains(&b')') {
                    link = true;
                }
            }
        }
        prev_text = !t.is_empty();
    }
    [heading, strong, link, fence, setext]
        .iter()
        .filter(|&&b| b)
        .count()
        >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_first_then_extension() {
        assert_eq!(sniff(Some("a.txt"), b"%PDF-1.4\n"), Kind::Pdf);
        assert_eq!(sniff(Some("a.html"), b"WARC/1.1\r\n"), Kind::Warc);
        assert_eq!(
            sniff(Some("x.txt"), b"\x89PNG\r\n\x1a\n\0\0"),
            Kind::NotADocument("a PNG image")
        );
        assert_eq!(
            sniff(None, b"From: a@b\r\nSubject: s\r\n\r\nbody"),
            Kind::Email
        );
        assert_eq!(
            sniff(None, b"From a@b Sat Feb  8 10:00:00 2014\nFrom: a@b\n\nx"),
            Kind::Mbox
        );
        assert_eq!(sniff(Some("a.md"), b"just text <br> here"), Kind::Markdown);
        assert_eq!(sniff(Some("a.txt"), b"just text <br> here"), Kind::Html);
        assert_eq!(sniff(Some("a.md"), b"<!DOCTYPE html><p>x"), Kind::Html);
        assert_eq!(
            sniff(None, b"# Title\n\nSome **bold** text.\n"),
            Kind::Markdown
        );
        assert_eq!(sniff(None, b"# Title\n\nplain text.\n"), Kind::Text);
        assert_eq!(sniff(None, b"Hi all,\n\nFrom: me\n"), Kind::Text);
        assert_eq!(
            sniff(Some("a.zip"), b"PK\x03\x04rest"),
            Kind::NotADocument("a zip archive")
        );
        assert_eq!(sniff(Some("a.docx"), b"PK\x03\x04rest"), Kind::Docx);
    }

    #[test]
    fn utf16_html_is_html() {
        let page = "<!DOCTYPE html><html><body><p>x</p></body></html>";
        let le: Vec<u8> = page.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(sniff(None, &le), Kind::Html);
        let bom: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(page.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(sniff(None, &bom), Kind::Html);
    }
}
