//! WARC web archives (ISO 28500, WARC 1.0 and 1.1), plain or gzip
//! compressed per record (or whole), read one record at a time from any
//! reader: memory is that of one record, whatever the file's size.
//!
//! Every `response` record of an HTTP 2xx answer whose payload is HTML,
//! XHTML, plain text or Markdown (by its `Content-Type`, else by sniffing),
//! and every `resource` record of those types, is a document labelled
//! `FILE#URL` with its target URL. Chunked transfer coding and gzip or
//! deflate content coding are undone. Other records (requests, metadata,
//! images, scripts) are passed over.
//!
//! Damage stays local: a record that cannot be read is one error naming
//! its number (and URL when known), and reading goes on at the next
//! record: in a plain file at the next `WARC/` line, in a gzip file at the
//! next gzip member. A record claiming more than [`MAX_WARC_RECORD`]
//! bytes is not read (in a gzip file, not even inflated: a record that
//! claims terabytes costs nothing); header blocks are bounded by
//! [`MAX_WARC_HEADER`].

use super::{charset, from_text, sniff, Document, DocumentError, Format, Kind, ReadOptions};
use crate::files::size_in_words;
use crate::limits::{MAX_WARC_HEADER, MAX_WARC_RECORD};
use std::io::{BufRead, BufReader, Read};

/// The gzip magic and deflate method: the start of a gzip member.
const GZIP_MAGIC: &[u8] = b"\x1F\x8B\x08";

/// Every document of a WARC read from `reader`, handed to `f` one at a
/// time, in the order of the records. `label` names the file; `keep` is
/// [`super::read`]'s filter.
pub fn read_warc<R: Read>(
    reader: R,
    label: &str,
    opts: &ReadOptions,
    keep: &dyn Fn(&[u8]) -> bool,
    mut f: impl FnMut(Result<Document, DocumentError>),
) {
    read_records(reader, label, |r| match r {
        Ok(rec) => {
            if let Some(d) = rec.document(opts, keep) {
                f(d)
            }
        }
        Err(e) => f(Err(e)),
    });
}

/// Every record of a WARC that may be a document, read from `reader` and
/// handed to `f` one at a time, in order, before anything is made of it:
/// [`Record::document`] makes the document (so records can be read on one
/// thread and made into documents on others).
pub fn read_records<R: Read>(
    reader: R,
    label: &str,
    mut f: impl FnMut(Result<Record, DocumentError>),
) {
    let mut raw = BufReader::with_capacity(1 << 16, reader);
    let gzip = raw.fill_buf().is_ok_and(|b| b.starts_with(b"\x1F\x8B"));
    let mut ctx = Ctx { label, number: 0 };
    if gzip {
        read_gzip(&mut raw, &mut ctx, &mut f);
    } else {
        read_plain(&mut raw, &mut ctx, &mut f);
    }
}

/// A `response` or `resource` record, read but not yet made a document.
pub struct Record {
    /// Its number in the file, from 1.
    pub number: u64,
    /// Its target URL.
    pub url: Option<String>,
    label: String,
    response: bool,
    content_type: String,
    block: Vec<u8>,
}

impl Record {
    /// The record's document, if it holds one (an HTTP 2xx response or a
    /// resource of a text-like type); `keep` as for [`super::read`].
    pub fn document(
        &self,
        opts: &ReadOptions,
        keep: &dyn Fn(&[u8]) -> bool,
    ) -> Option<Result<Document, DocumentError>> {
        let ctx = DocCtx {
            label: &self.label,
            opts,
            keep,
        };
        let url = self.url.clone();
        if self.response && self.content_type.starts_with("application/http") {
            http_document(&self.block, self.number, url, &ctx)
        } else if !self.response {
            payload_document(&self.block, &self.content_type, self.number, url, &ctx, &[])
        } else {
            None
        }
    }
}

struct Ctx<'a> {
    label: &'a str,
    /// Records seen so far.
    number: u64,
}

/// What making a document needs.
struct DocCtx<'a> {
    label: &'a str,
    opts: &'a ReadOptions,
    keep: &'a dyn Fn(&[u8]) -> bool,
}

/// What reading one record gave.
enum Step {
    /// A record, or an error about this record; the stream is at the
    /// next record.
    Done(Option<Result<Record, DocumentError>>),
    /// No more records.
    End,
    /// An error after which the stream's position is unknown: go on at
    /// the next record start found.
    Lost(DocumentError),
}

fn read_plain<R: BufRead>(
    r: &mut R,
    ctx: &mut Ctx,
    f: &mut impl FnMut(Result<Record, DocumentError>),
) {
    let mut first: Option<Vec<u8>> = None;
    loop {
        match read_record(r, first.take(), ctx, false) {
            Step::Done(Some(d)) => f(d),
            Step::Done(None) => {}
            Step::End => return,
            Step::Lost(e) => {
                f(Err(e));
                // On to the next line that starts a record.
                loop {
                    match read_line(r) {
                        Ok(Some(l)) if l.starts_with(b"WARC/1.") => {
                            first = Some(l);
                            break;
                        }
                        Ok(Some(_)) => {}
                        Ok(None) | Err(_) => return,
                    }
                }
            }
        }
    }
}

fn read_gzip<R: BufRead>(
    raw: &mut R,
    ctx: &mut Ctx,
    f: &mut impl FnMut(Result<Record, DocumentError>),
) {
    loop {
        match raw.fill_buf() {
            Ok([]) | Err(_) => return,
            Ok(b) if b.starts_with(GZIP_MAGIC) => {}
            Ok(_) => {
                ctx.number += 1;
                f(Err(record_error(
                    ctx.number,
                    None,
                    "damaged: not a gzip member where one should start".into(),
                )));
                if !skip_to_member(raw) {
                    return;
                }
                continue;
            }
        }
        let mut member = BufReader::new(flate2::bufread::GzDecoder::new(&mut *raw));
        let lost = loop {
            match read_record(&mut member, None, ctx, true) {
                Step::Done(Some(d)) => f(d),
                Step::Done(None) => {}
                Step::End => break false,
                Step::Lost(e) => {
                    f(Err(e));
                    break true;
                }
            }
        };
        drop(member);
        if lost && !skip_to_member(raw) {
            return;
        }
    }
}

/// Move `raw` to the next gzip member start (past at least one byte).
/// False at the end of the input.
fn skip_to_member<R: BufRead>(raw: &mut R) -> bool {
    raw.consume(1);
    loop {
        let (found, n) = match raw.fill_buf() {
            Ok([]) | Err(_) => return false,
            Ok(b) => match memchr::memmem::find(b, GZIP_MAGIC) {
                Some(p) => (true, p),
                // Keep the last bytes: the magic may straddle two reads.
                None => (false, b.len().saturating_sub(GZIP_MAGIC.len() - 1).max(1)),
            },
        };
        raw.consume(n);
        if found {
            return true;
        }
    }
}

fn record_error(number: u64, url: Option<String>, why: String) -> DocumentError {
    DocumentError::WarcRecord { number, url, why }
}

/// One line, at most [`MAX_WARC_HEADER`] bytes; `None` at the end.
fn read_line<R: BufRead>(r: &mut R) -> std::io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let n = r
        .by_ref()
        .take(MAX_WARC_HEADER as u64)
        .read_until(b'\n', &mut line)?;
    Ok((n > 0).then_some(line))
}

/// Read one record. `first` is its version line when already read.
fn read_record<R: BufRead>(r: &mut R, first: Option<Vec<u8>>, ctx: &mut Ctx, gzip: bool) -> Step {
    // The version line, after the blank lines that end the last record.
    let version = match first {
        Some(l) => l,
        None => loop {
            match read_line(r) {
                Ok(None) => return Step::End,
                Ok(Some(l)) if l.iter().all(u8::is_ascii_whitespace) => {}
                Ok(Some(l)) => break l,
                Err(e) => {
                    ctx.number += 1;
                    return Step::Lost(record_error(ctx.number, None, format!("damaged: {e}")));
                }
            }
        },
    };
    ctx.number += 1;
    let n = ctx.number;
    if !version.starts_with(b"WARC/") {
        return Step::Lost(record_error(
            n,
            None,
            "damaged: no WARC version line where a record should start".into(),
        ));
    }
    let fields = match read_fields(r, version.len()) {
        Ok(f) => f,
        Err(why) => return Step::Lost(record_error(n, None, why.to_string())),
    };
    let field = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let url = field("warc-target-uri").map(|u| u.trim_matches(['<', '>']).to_owned());
    let kind = field("warc-type").unwrap_or("").to_ascii_lowercase();
    let Some(len) = field("content-length").and_then(|v| v.parse::<u64>().ok()) else {
        return Step::Lost(record_error(n, url, "no valid Content-Length".into()));
    };
    let wanted = matches!(kind.as_str(), "response" | "resource");
    if len > MAX_WARC_RECORD as u64 {
        let why = format!(
            "claims {len} bytes, more than the {} vellum reads from one record; skipped",
            size_in_words(MAX_WARC_RECORD as u64)
        );
        if gzip {
            // Not even inflated: on to the next gzip member.
            return Step::Lost(record_error(n, url, why));
        }
        return match std::io::copy(&mut r.by_ref().take(len), &mut std::io::sink()) {
            Ok(got) if got == len => Step::Done(wanted.then(|| Err(record_error(n, url, why)))),
            Ok(got) => Step::Done(Some(Err(record_error(
                n,
                url,
                format!("truncated: claims {len} bytes, {got} are there"),
            )))),
            Err(e) => Step::Lost(record_error(n, url, format!("damaged: {e}"))),
        };
    }
    let mut block = Vec::with_capacity(len.min(1 << 20) as usize);
    if let Err(e) = r.by_ref().take(len).read_to_end(&mut block) {
        return Step::Lost(record_error(n, url, format!("damaged: {e}")));
    }
    if (block.len() as u64) < len {
        return Step::Done(Some(Err(record_error(
            n,
            url,
            format!("truncated: claims {len} bytes, {} are there", block.len()),
        ))));
    }
    if !wanted {
        return Step::Done(None);
    }
    let content_type = field("content-type").unwrap_or("").to_ascii_lowercase();
    Step::Done(Some(Ok(Record {
        number: n,
        url,
        label: ctx.label.to_owned(),
        response: kind == "response",
        content_type,
        block,
    })))
}

/// Why a record's header fields could not be read.
#[derive(Debug)]
enum HeaderError {
    /// The file ends inside the header.
    Truncated,
    /// Reading failed.
    Damaged(std::io::Error),
    /// The header is over [`MAX_WARC_HEADER`] bytes.
    TooLarge,
}

impl std::fmt::Display for HeaderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeaderError::Truncated => f.write_str("truncated inside its header"),
            HeaderError::Damaged(e) => write!(f, "damaged: {e}"),
            HeaderError::TooLarge => write!(
                f,
                "a header larger than {}, the most vellum reads",
                size_in_words(MAX_WARC_HEADER as u64)
            ),
        }
    }
}

/// The header fields of a record after its version line (`used`: bytes
/// of the header read so far), names in lower case.
fn read_fields<R: BufRead>(r: &mut R, used: usize) -> Result<Vec<(String, String)>, HeaderError> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut size = used;
    loop {
        let line = match read_line(r) {
            Ok(Some(l)) => l,
            Ok(None) => return Err(HeaderError::Truncated),
            Err(e) => return Err(HeaderError::Damaged(e)),
        };
        size += line.len();
        if size > MAX_WARC_HEADER {
            return Err(HeaderError::TooLarge);
        }
        let l = String::from_utf8_lossy(&line);
        let l = l.trim_end();
        if l.is_empty() {
            return Ok(fields);
        }
        if let Some((k, v)) = l.split_once(':') {
            fields.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
}

/// The document of an HTTP response block, if it carries one.
fn http_document(
    block: &[u8],
    n: u64,
    url: Option<String>,
    ctx: &DocCtx,
) -> Option<Result<Document, DocumentError>> {
    let end = memchr::memmem::find(block, b"\r\n\r\n")
        .map(|p| (p, p + 4))
        .or_else(|| memchr::memmem::find(block, b"\n\n").map(|p| (p, p + 2)));
    let Some((head_end, body_start)) = end else {
        return Some(Err(record_error(
            n,
            url,
            "an HTTP response without headers".into(),
        )));
    };
    let head = String::from_utf8_lossy(&block[..head_end]);
    let mut lines = head.lines();
    let status = lines.next().unwrap_or("");
    let code: u16 = status
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    if !(200..300).contains(&code) {
        return None;
    }
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase()))
        .collect();
    let header = |k: &str| {
        headers
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    };
    let content_type = header("content-type").unwrap_or("").to_owned();
    let mut body = block[body_start..].to_vec();
    if header("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        match dechunk(&body) {
            Some(b) => body = b,
            None => {
                return Some(Err(record_error(
                    n,
                    url,
                    "damaged chunked transfer coding".into(),
                )))
            }
        }
    }
    let mut notes = Vec::new();
    match header("content-encoding").unwrap_or("identity") {
        "identity" | "" => {}
        c @ ("gzip" | "x-gzip" | "deflate") => {
            let mut out = Vec::new();
            let limit = MAX_WARC_RECORD as u64 + 1;
            let r = if c == "deflate" {
                flate2::read::ZlibDecoder::new(&body[..])
                    .take(limit)
                    .read_to_end(&mut out)
            } else {
                flate2::read::MultiGzDecoder::new(&body[..])
                    .take(limit)
                    .read_to_end(&mut out)
            };
            if let Err(e) = r {
                return Some(Err(record_error(
                    n,
                    url,
                    format!("damaged {c} content: {e}"),
                )));
            }
            if out.len() as u64 >= limit {
                return Some(Err(record_error(
                    n,
                    url,
                    format!(
                        "its {c} content inflates past {}, the most vellum reads",
                        size_in_words(MAX_WARC_RECORD as u64)
                    ),
                )));
            }
            notes.push(format!("{c} content coding undone"));
            body = out;
        }
        other => {
            return Some(Err(record_error(
                n,
                url,
                format!("content coding {other:?} is not supported"),
            )))
        }
    }
    payload_document(&body, &content_type, n, url, ctx, &notes)
}

/// The document of a payload of `content_type`, if it is text-like.
fn payload_document(
    body: &[u8],
    content_type: &str,
    n: u64,
    url: Option<String>,
    ctx: &DocCtx,
    notes: &[String],
) -> Option<Result<Document, DocumentError>> {
    let mime = content_type.split(';').next().unwrap_or("").trim();
    let format = match mime {
        "text/html" | "application/xhtml+xml" => Format::Html,
        "text/plain" => Format::Text,
        "text/markdown" | "text/x-markdown" => Format::Markdown,
        "" => match sniff(None, body) {
            Kind::Html => Format::Html,
            Kind::Text => Format::Text,
            Kind::Markdown => Format::Markdown,
            _ => return None,
        },
        _ => return None,
    };
    let label = match &url {
        Some(u) => format!("{}#{u}", ctx.label),
        None => format!("{}#{n}", ctx.label),
    };
    let place = |url: &Option<String>| match url {
        Some(u) => format!("WARC record {n} ({u})"),
        None => format!("WARC record {n}"),
    };
    let declared = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("charset="))
        .find_map(|c| charset::for_label(c.trim_matches('"')))
        .or_else(|| {
            (format == Format::Html)
                .then(|| super::html::declared_charset(body))
                .flatten()
        });
    // A payload that carries nothing is dismissed on its raw bytes, before
    // it is decoded (the filter reads ASCII words, the same in UTF-8 and in
    // any single-byte encoding; UTF-16, with its NUL bytes, is decoded
    // first).
    let raw = memchr::memchr(0, &body[..body.len().min(4096)]).is_none();
    if raw && !(ctx.keep)(body) {
        return Some(Ok(super::dismissed(label, url, format)));
    }
    let keep: &dyn Fn(&[u8]) -> bool = if raw { &|_| true } else { ctx.keep };
    let decoded = match charset::decode(body, ctx.opts.encoding, declared) {
        Ok(d) => d,
        Err(e) => {
            return Some(Err(DocumentError::Within {
                place: place(&url),
                error: Box::new(e),
            }))
        }
    };
    let mut all_notes: Vec<String> = notes.to_vec();
    all_notes.extend(decoded.note);
    Some(
        from_text(label, url.clone(), format, decoded.text, all_notes, keep).map_err(|e| {
            DocumentError::Within {
                place: place(&url),
                error: Box::new(e),
            }
        }),
    )
}

/// Undo HTTP chunked transfer coding; `None` when damaged.
fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    loop {
        let nl = memchr::memchr(b'\n', b)?;
        let size_line = std::str::from_utf8(&b[..nl]).ok()?;
        let size_hex = size_line.split(';').next()?.trim();
        let size = usize::from_str_radix(size_hex, 16).ok()?;
        b = &b[nl + 1..];
        if size == 0 {
            return Some(out);
        }
        if size > b.len() {
            return None;
        }
        out.extend_from_slice(&b[..size]);
        b = &b[size..];
        b = b
            .strip_prefix(b"\r\n")
            .or(b.strip_prefix(b"\n"))
            .unwrap_or(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_coding() {
        assert_eq!(
            dechunk(b"4\r\nWiki\r\n5;x=1\r\npedia\r\n0\r\n\r\n").as_deref(),
            Some(&b"Wikipedia"[..])
        );
        assert_eq!(dechunk(b"ff\r\nshort"), None);
    }
}
