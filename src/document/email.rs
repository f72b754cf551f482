//! Mail: RFC 5322 / MIME messages (`.eml`) and mbox files, through
//! Stalwart's mail-parser, which decodes quoted-printable, base64, RFC
//! 2047 encoded words and the charset of each part.
//!
//! A message's text is its body part: text/plain is preferred to
//! text/html when both carry the text (the plain part has at least half
//! the words of the HTML one); otherwise the HTML part is read through the
//! main-content rule of [`super::html`], and a note says so. Forwarded
//! messages attached as message/rfc822 follow, their headers set aside;
//! text attachments (text/plain, text/html) follow too. Inside plain
//! parts, `>` quoting, forwarded-message blocks and signatures are read by
//! [`super::plain`]. The message's own headers are set aside.

use super::out::Out;
use super::{count_words, html, plain, Body, Document, DocumentError, Format, ReadOptions};
use mail_parser::{Message, MessageParser, MimeHeaders, PartType};

/// Every message of an mbox file, labelled `FILE#N`.
pub(crate) fn read_mbox(
    label: &str,
    bytes: &[u8],
    opts: &ReadOptions,
    keep: &dyn Fn(&[u8]) -> bool,
) -> Vec<Result<Document, DocumentError>> {
    let mut out = Vec::new();
    let messages = mail_parser::mailbox::mbox::MessageIterator::new(bytes);
    for (i, m) in messages.enumerate() {
        let n = i + 1;
        let r = match m {
            Ok(m) => read_one(
                format!("{label}#{n}"),
                Format::Mbox,
                m.contents(),
                opts,
                keep,
            ),
            Err(e) => Err(DocumentError::Damaged {
                format: Format::Mbox,
                why: e.to_string(),
            }),
        };
        out.push(r.map_err(|e| DocumentError::Within {
            place: format!("message {n}"),
            error: Box::new(e),
        }));
    }
    if out.is_empty() {
        out.push(Err(DocumentError::Damaged {
            format: Format::Mbox,
            why: "no message after a `From ` line".into(),
        }));
    }
    out
}

/// One message (`.eml`).
pub(crate) fn read_message(
    label: &str,
    bytes: &[u8],
    opts: &ReadOptions,
    keep: &dyn Fn(&[u8]) -> bool,
) -> Result<Document, DocumentError> {
    read_one(label.to_owned(), Format::Email, bytes, opts, keep)
}

fn read_one(
    label: String,
    format: Format,
    bytes: &[u8],
    _opts: &ReadOptions,
    keep: &dyn Fn(&[u8]) -> bool,
) -> Result<Document, DocumentError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DocumentError::Empty);
    }
    let parsed = super::quietly(|| MessageParser::default().parse(bytes));
    let msg = match parsed {
        Ok(Some(m)) => m,
        Ok(None) => {
            return Err(DocumentError::Damaged {
                format,
                why: "no message headers".into(),
            })
        }
        Err(()) => {
            return Err(DocumentError::Damaged {
                format,
                why: "the mail parser failed on it".into(),
            })
        }
    };
    let mut doc = Document {
        label,
        url: None,
        format,
        text: String::new(),
        quoted_lines: Vec::new(),
        set_aside: Vec::new(),
        notes: Vec::new(),
        dismissed: false,
    };
    let mut out = Out::default();
    let mut kept = None;
    write_message(&msg, &mut out, keep, &mut kept, 0);
    let body = out.finish();
    if kept == Some(false) {
        doc.dismissed = true;
        doc.set_aside = body.set_aside;
        doc.notes = body.notes;
        return Ok(doc);
    }
    if body.text.trim().is_empty() {
        return Err(DocumentError::Empty);
    }
    doc.text = body.text;
    doc.quoted_lines = body.quoted_lines;
    doc.set_aside = body.set_aside;
    doc.notes = body.notes;
    Ok(doc)
}

/// Write a message's body (and what it carries) into `out`. `kept`
/// becomes `Some(true)` when `keep` accepted some part, `Some(false)` when
/// it turned every part down. `depth` counts nested messages.
fn write_message(
    msg: &Message,
    out: &mut Out,
    keep: &dyn Fn(&[u8]) -> bool,
    kept: &mut Option<bool>,
    depth: usize,
) {
    let root = msg.root_part();
    let raw = msg.raw_message();
    let headers = raw
        .get(root.offset_header as usize..root.offset_body as usize)
        .unwrap_or_default();
    out.set_aside_words(
        if depth == 0 {
            "email headers"
        } else {
            "forwarded-message headers"
        },
        count_words(&String::from_utf8_lossy(headers)),
        true,
    );
    let (parts, use_html) = body_parts(msg, out);
    for t in &parts {
        write_part(t, use_html, out, keep, kept);
    }
    write_attachments(msg, out, keep, kept, depth);
    if msg.parts.iter().any(|p| p.is_encoding_problem) {
        out.notes
            .push("a part's transfer encoding is damaged; it was decoded as far as it goes".into());
    }
}

/// The parts that carry a message's text, and whether they are HTML:
/// text/plain unless only HTML carries the text (noted in `out`).
fn body_parts<'m>(msg: &'m Message, out: &mut Out) -> (Vec<&'m str>, bool) {
    let part_text = |id: &u32| -> Option<(&str, bool)> {
        match &msg.part(*id)?.body {
            PartType::Text(t) => Some((t.as_ref(), false)),
            PartType::Html(t) => Some((t.as_ref(), true)),
            _ => None,
        }
    };
    let plain: Vec<&str> = msg
        .text_body
        .iter()
        .filter_map(part_text)
        .filter(|(_, h)| !h)
        .map(|(t, _)| t)
        .collect();
    let htmls: Vec<&str> = msg
        .html_body
        .iter()
        .filter_map(part_text)
        .filter(|(_, h)| *h)
        .map(|(t, _)| t)
        .collect();
    let use_html = if plain.is_empty() {
        if !htmls.is_empty() {
            out.notes
                .push("text/html part used: no text/plain part".into());
        }
        true
    } else if htmls.is_empty() {
        false
    } else {
        let plain_words: usize = plain.iter().map(|t| count_words(t)).sum();
        let html_words: usize = htmls
            .iter()
            .map(|t| html::extract(t).map_or(0, |b| count_words(&b.text)))
            .sum();
        if plain_words * 2 >= html_words {
            out.notes
                .push("text/plain part used; its text/html alternative was not read".into());
            false
        } else {
            out.notes.push(format!(
                "text/html part used: the text/plain part has {plain_words} words, the HTML \
                 {html_words}"
            ));
            true
        }
    };
    if use_html {
        (htmls, true)
    } else {
        (plain, false)
    }
}

/// Forwarded messages and text attachments, after the body.
fn write_attachments(
    msg: &Message,
    out: &mut Out,
    keep: &dyn Fn(&[u8]) -> bool,
    kept: &mut Option<bool>,
    depth: usize,
) {
    for (i, id) in msg.attachments.iter().enumerate() {
        let Some(part) = msg.part(*id) else { continue };
        let name = part
            .attachment_name()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("attachment {}", i + 1));
        match &part.body {
            PartType::Message(inner) if depth < 8 => {
                out.notes.push(format!("forwarded message ({name}) read"));
                write_message(inner, out, keep, kept, depth + 1);
            }
            PartType::Text(t) => {
                out.notes.push(format!("text attachment {name} read"));
                write_part(t, false, out, keep, kept);
            }
            PartType::Html(t) => {
                out.notes.push(format!("HTML attachment {name} read"));
                write_part(t, true, out, keep, kept);
            }
            _ => {
                let ct = part
                    .content_type()
                    .map(|c| match &c.c_subtype {
                        Some(s) => format!("{}/{}", c.c_type, s),
                        None => c.c_type.to_string(),
                    })
                    .unwrap_or_else(|| "binary".into());
                out.notes.push(format!("attachment {name} ({ct}) not read"));
            }
        }
    }
}

/// Write one text part (after `keep` agreed).
fn write_part(
    text: &str,
    is_html: bool,
    out: &mut Out,
    keep: &dyn Fn(&[u8]) -> bool,
    kept: &mut Option<bool>,
) {
    if !keep(text.as_bytes()) {
        kept.get_or_insert(false);
        return;
    }
    *kept = Some(true);
    let body = if is_html {
        match html::extract(text) {
            Ok(b) => b,
            Err(e) => {
                out.notes.push(format!("an HTML part was not read: {e}"));
                return;
            }
        }
    } else {
        plain::extract(text)
    };
    append(out, body);
}

/// Append a part's body to `out`, keeping its quoted lines and set-aside
/// blocks in place.
pub(crate) fn append(out: &mut Out, body: Body) {
    out.gap();
    let mut pending: Vec<_> = body.set_aside.into_iter().collect();
    let quoted = |k: u32| body.quoted_lines.iter().any(|r| r.contains(&k));
    for (i, line) in body.text.lines().enumerate() {
        let k = i as u32 + 1;
        pending.retain(|s| {
            if s.before_line == Some(k) {
                out.set_aside_words(s.what.clone(), s.words, true);
                false
            } else {
                true
            }
        });
        out.line(line, quoted(k));
    }
    for s in pending {
        out.set_aside_words(s.what, s.words, true);
    }
    out.notes.extend(body.notes);
    out.gap();
}
