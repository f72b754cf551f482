//! Plain text, as pasted from a browser or a mail program: lines quoted
//! with `>` are marked as quotations and their prefixes stripped;
//! forwarded-message markers with the header lines after them, and mail
//! signatures (from a `-- ` line), are set aside. A text with none of
//! these is returned unchanged, byte for byte.

use super::out::Out;
use super::{count_words, Body};

/// Most lines a signature (after its `-- ` line) may have: a longer block
/// is text, not a signature.
const MAX_SIGNATURE_LINES: usize = 10;

/// Header names that appear in forwarded and quoted messages.
const QUOTED_HEADERS: &[&str] = &[
    "from", "to", "cc", "bcc", "date", "sent", "subject", "reply-to",
];

/// The readable body of a plain text.
pub fn extract(text: &str) -> Body {
    extract_owned(text.to_owned())
}

/// [`extract`], taking the text over: an ordinary text comes back as it
/// is, without a copy.
pub fn extract_owned(text: String) -> Body {
    if !needs_reading(&text) {
        return Body {
            text,
            ..Body::default()
        };
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<Line> = text.lines().map(Line::new).collect();
    let mut out = Out::default();
    write_lines(&lines, &mut out);
    out.finish()
}

/// Whether a text has quoted lines, forwarded-message markers, signatures
/// or quoted mail headers (in LF, CRLF or CR lines).
fn needs_reading(text: &str) -> bool {
    // Each of these needs a mark most texts do not have: a `>` for quoted
    // lines, `--` for a signature or a forward marker, `message:` for
    // Apple Mail's "Begin forwarded message:", `rom:` or `ROM:` for a
    // quoted "From:" header. A text with none is ordinary, without a look
    // at its lines.
    let b = text.as_bytes();
    let find = |m: &[u8]| memchr::memmem::find(b, m).is_some();
    if memchr::memchr(b'>', b).is_none()
        && !find(b"--")
        && !find(b"message:")
        && !find(b"MESSAGE:")
        && !find(b"rom:")
        && !find(b"ROM:")
    {
        return false;
    }
    let sep = if text.contains('\n') { '\n' } else { '\r' };
    let lines: Vec<Line> = text
        .split(sep)
        .map(|l| Line::new(l.strip_suffix('\r').unwrap_or(l)))
        .collect();
    (0..lines.len()).any(|i| {
        let l = &lines[i];
        l.depth > 0 || l.special() || header_run(&lines, i).is_some()
    })
}

/// One line: its `>` depth and the text after the prefix.
struct Line<'a> {
    depth: usize,
    text: &'a str,
}

impl<'a> Line<'a> {
    fn new(raw: &'a str) -> Line<'a> {
        let (depth, text) = strip_quote(raw);
        Line { depth, text }
    }

    fn is_signature_start(&self) -> bool {
        matches!(self.text, "-- " | "--")
    }

    fn is_forward_marker(&self) -> bool {
        is_forward_marker(self.text)
    }

    fn header_name(&self) -> Option<String> {
        let (name, value) = self.text.split_once(':')?;
        let name = name.trim().to_ascii_lowercase();
        (QUOTED_HEADERS.contains(&name.as_str()) && !value.trim().is_empty()).then_some(name)
    }

    fn special(&self) -> bool {
        self.is_signature_start() || self.is_forward_marker()
    }
}

/// `> > text` → (2, "text"): the quote depth and the text after the
/// prefix (and after one space following it).
fn strip_quote(raw: &str) -> (usize, &str) {
    let mut depth = 0;
    let mut rest = raw;
    loop {
        let t = rest.trim_start_matches([' ', '\t']);
        // At most three spaces of indentation before a `>`.
        if rest.len() - t.len() > 3 && depth == 0 {
            break;
        }
        match t.strip_prefix('>') {
            Some(r) => {
                depth += 1;
                rest = r;
            }
            None => break,
        }
    }
    if depth > 0 {
        rest = rest.strip_prefix(' ').unwrap_or(rest);
    }
    (depth, rest)
}

/// `---------- Forwarded message ---------`, `-----Original Message-----`,
/// `-------- Forwarded Message --------`, `Begin forwarded message:`.
pub(crate) fn is_forward_marker(line: &str) -> bool {
    let t = line.trim();
    let l = t.to_ascii_lowercase();
    if l == "begin forwarded message:" {
        return true;
    }
    let inner = l.trim_matches(|c: char| c == '-' || c == ' ');
    t.starts_with("--")
        && t.ends_with("--")
        && matches!(
            inner,
            "forwarded message"
                | "original message"
                | "message transféré"
                | "weitergeleitete nachricht"
        )
}

fn write_lines(lines: &[Line], out: &mut Out) {
    let mut i = 0;
    while i < lines.len() {
        let l = &lines[i];
        if l.is_forward_marker() {
            // The marker and the header lines right after it.
            let mut j = i + 1;
            let mut words = count_words(l.text);
            while j < lines.len() && lines[j].depth == l.depth {
                if lines[j].header_name().is_some() {
                    words += count_words(lines[j].text);
                    j += 1;
                } else if lines[j].text.trim().is_empty() && j == i + 1 {
                    j += 1;
                } else {
                    break;
                }
            }
            out.set_aside_words(
                if l.depth > 0 {
                    "quoted forwarded-message headers"
                } else {
                    "forwarded-message headers"
                },
                words,
                true,
            );
            out.gap();
            i = j;
            continue;
        }
        if let Some(n) = header_run(lines, i) {
            let words = lines[i..i + n].iter().map(|l| count_words(l.text)).sum();
            out.set_aside_words(
                if l.depth > 0 {
                    "quoted mail headers"
                } else {
                    "mail headers"
                },
                words,
                true,
            );
            out.gap();
            i += n;
            continue;
        }
        if l.is_signature_start() {
            if let Some(n) = signature_len(lines, i) {
                let words = lines[i + 1..i + n]
                    .iter()
                    .map(|l| count_words(l.text))
                    .sum();
                out.set_aside_words(
                    if l.depth > 0 {
                        "quoted signature"
                    } else {
                        "signature"
                    },
                    words,
                    true,
                );
                out.gap();
                i += n;
                continue;
            }
        }
        out.line(l.text, l.depth > 0);
        i += 1;
    }
}

/// At least two header lines in a row (From:, Sent:, To:, Subject:, …)
/// after a blank line or the start: a quoted message's headers. Their
/// number.
fn header_run(lines: &[Line], i: usize) -> Option<usize> {
    if i > 0 && !lines[i - 1].text.trim().is_empty() {
        return None;
    }
    let d = lines[i].depth;
    let n = lines[i..]
        .iter()
        .take_while(|l| l.depth == d && l.header_name().is_some())
        .count();
    let has_from = lines[i..i + n]
        .iter()
        .any(|l| l.header_name().as_deref() == Some("from"));
    (n >= 2 && has_from).then_some(n)
}

/// A signature from line `i` (`-- `): the lines after it at the same
/// depth, up to the end or a change of depth, if there are at most
/// [`MAX_SIGNATURE_LINES`] of them. Its length, its `-- ` line included.
fn signature_len(lines: &[Line], i: usize) -> Option<usize> {
    let d = lines[i].depth;
    let n = lines[i + 1..].iter().take_while(|l| l.depth == d).count();
    let body = &lines[i + 1..i + 1 + n];
    let nonblank = body.iter().filter(|l| !l.text.trim().is_empty()).count();
    (nonblank <= MAX_SIGNATURE_LINES).then_some(n + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_is_unchanged() {
        let t = "Line one  \n\n\n\u{200b}two\n";
        assert_eq!(extract(t).text, t);
        assert_eq!(extract(t).quoted_lines, vec![]);
    }

    #[test]
    fn quoted_reply_lines_are_marked_and_stripped() {
        let t = "Agreed, see below.\n\nOn Sun, 9 Feb 2014, A wrote:\n> 1. The overthrow\n> of the regime.\n>\n> 2. The clerical\n\nThanks\n";
        let b = extract(t);
        assert_eq!(
            b.text,
            "Agreed, see below.\n\nOn Sun, 9 Feb 2014, A wrote:\n1. The overthrow\nof the regime.\n\n2. The clerical\n\nThanks\n"
        );
        assert_eq!(b.quoted_lines, vec![4..8]);
    }

    #[test]
    fn nested_quotes_count_as_quoted() {
        assert_eq!(strip_quote("> > x"), (2, "x"));
        assert_eq!(strip_quote(">>x"), (2, "x"));
        assert_eq!(strip_quote("    > code"), (0, "    > code"));
    }

    #[test]
    fn forwarded_headers_and_signature_are_set_aside() {
        let t = "Hi,\n\n---------- Forwarded message ---------\nFrom: Secretariat <s@example.org>\nDate: Sun, 9 Feb 2014\nSubject: Declaration\n\nThe text.\n\n-- \nDavood Rahimi\nexample.net\n";
        let b = extract(t);
        assert_eq!(b.text, "Hi,\n\nThe text.\n");
        assert_eq!(b.set_aside.len(), 2);
        assert_eq!(b.set_aside[0].what, "forwarded-message headers");
        assert_eq!(b.set_aside[0].before_line, Some(3));
        assert_eq!(b.set_aside[1].what, "signature");
        assert_eq!(b.set_aside[1].words, 3);
        assert_eq!(b.set_aside[1].before_line, None);
    }

    #[test]
    fn outlook_quoted_headers_in_crlf_text_are_set_aside() {
        let t = "Please see below.\r\n\r\nFrom: Secretariat\r\nSent: Sunday, February 9, 2014\r\nTo: Members\r\nSubject: Declaration\r\n\r\nThe text.\r\n";
        let b = extract(t);
        assert_eq!(b.text, "Please see below.\n\nThe text.\n");
        assert_eq!(b.set_aside[0].what, "mail headers");
        assert_eq!(b.set_aside[0].before_line, Some(3));
        // CR-only lines are lines too.
        assert_eq!(extract("a\r> b\r").quoted_lines, vec![2..3]);
    }

    #[test]
    fn a_long_block_after_dashes_is_not_a_signature() {
        let t = format!("a\n--\n{}", "line\n".repeat(20));
        assert!(extract(&t).text.contains("--\nline"));
    }
}
