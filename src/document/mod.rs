//! Documents that carry copies of a sealed text: plain text files and HTML
//! pages today, reduced to the readable text that `check` judges.

use crate::limits::MAX_HTML_DEPTH;
use crate::text::decode::{decode, decode_vec, DecodeError};

pub mod html;

/// How a file's content should be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text.
    Text,
    /// An HTML document, reduced to its readable text.
    Html,
}

/// A quick scan of tags (no parsing): `Some(limit)` when opening tags nest
/// deeper than [`MAX_HTML_DEPTH`]. Void elements and self-closing tags do
/// not nest.
fn too_deep(html: &str) -> Option<usize> {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "p", "li", "dt", "dd", "option", "tr", "td", "th",
    ];
    let b = html.as_bytes();
    let mut depth: usize = 0;
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        i += off + 1;
        let close = b.get(i) == Some(&b'/');
        let start = if close { i + 1 } else { i };
        let end = start
            + b[start..]
                .iter()
                .take(16)
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
        if end == start {
            continue;
        }
        let name = html[start..end].to_ascii_lowercase();
        let tag_end = b[end..].iter().position(|&c| c == b'>').map(|p| end + p);
        let self_closing = tag_end.is_some_and(|e| e > 0 && b[e - 1] == b'/');
        if VOID.contains(&name.as_str()) || self_closing {
            continue;
        }
        if close {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            if depth > MAX_HTML_DEPTH {
                return Some(MAX_HTML_DEPTH);
            }
        }
    }
    None
}

/// Decide whether bytes are HTML: by extension first, then by content.
pub fn sniff_format(name: Option<&str>, bytes: &[u8]) -> Format {
    if let Some(n) = name {
        let lower = n.to_ascii_lowercase();
        if lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".xhtml") {
            return Format::Html;
        }
    }
    if html::looks_like_html(bytes) {
        Format::Html
    } else {
        Format::Text
    }
}

/// Read a circulated copy: decode, and reduce HTML to text.
pub fn read_copy(name: Option<&str>, bytes: &[u8]) -> Result<(String, Format), DecodeError> {
    let format = sniff_format(name, bytes);
    let (text, _) = decode(bytes)?;
    copy_text(text, format)
}

/// [`read_copy`], taking the buffer over.
pub fn read_copy_vec(name: Option<&str>, bytes: Vec<u8>) -> Result<(String, Format), DecodeError> {
    let format = sniff_format(name, &bytes);
    let (text, _) = decode_vec(bytes)?;
    copy_text(text, format)
}

fn copy_text(text: String, format: Format) -> Result<(String, Format), DecodeError> {
    match format {
        Format::Text => Ok((text, format)),
        Format::Html => {
            if let Some(depth) = too_deep(&text) {
                return Err(DecodeError::Unreadable(format!(
                    "HTML nested more than {depth} elements deep; refusing to parse it (a page a browser shows is never this deep)"
                )));
            }
            let t = html::html_to_text(&text);
            if t.trim().is_empty() {
                return Err(DecodeError::Empty);
            }
            Ok((t, format))
        }
    }
}

#[cfg(test)]
mod html_guard_tests {
    use super::*;

    #[test]
    fn absurd_nesting_is_refused_quickly() {
        let deep = format!(
            "<html><body>{}x{}</body></html>",
            "<div>".repeat(50_000),
            "</div>".repeat(50_000)
        );
        assert!(matches!(
            read_copy(Some("a.html"), deep.as_bytes()),
            Err(DecodeError::Unreadable(_))
        ));
        let ok = format!(
            "<html><body>{}text{}</body></html>",
            "<div>".repeat(100),
            "</div>".repeat(100)
        );
        assert_eq!(
            read_copy(Some("a.html"), ok.as_bytes()).unwrap().0.trim(),
            "text"
        );
    }
}
