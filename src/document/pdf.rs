//! PDF text layers, through pdf-extract (fonts, encodings, ToUnicode maps)
//! over lopdf, with vellum's own layout of the characters it places:
//!
//! * characters on one baseline make a line; a word gap makes a space;
//! * a gap between lines clearly wider than the page's usual line pitch,
//!   or a line starting with a bullet or a number, starts a new block;
//!   otherwise lines stay lines of one block (the canonical text rewraps
//!   them: lines broken by the layout are not changes);
//! * page breaks are line breaks, so a paragraph running over a page
//!   stays one; lines holding only a page number are set aside.
//!
//! A PDF whose pages place no character has no text layer (a scan): that
//! is [`DocumentError::PdfWithoutText`], one line.
//!
//! Neither crate bounds what it inflates or how deep it follows a form
//! drawing a form, and pdf-extract follows those by recursion (a form
//! drawing itself would overflow the stack, which no `catch_unwind`
//! survives). So before either sees the file, `guard` checks, on the raw
//! bytes and then on lopdf's objects: the file size ([`MAX_PDF`]), the
//! objects ([`MAX_PDF_OBJECTS`]), every Flate stream inflated into a
//! counting sink (each and all together within [`MAX_PDF_INFLATED`]),
//! the pages ([`MAX_PDF_PAGES`]), parent links without loops, and every
//! page's content with the forms it draws, expanded as pdf-extract will
//! expand them, within [`MAX_PDF_INFLATED`] and [`MAX_PDF_FORM_DEPTH`].

use super::out::Out;
use super::{quietly, Document, DocumentError, Format};
use crate::limits::{
    MAX_PDF, MAX_PDF_FORM_DEPTH, MAX_PDF_INFLATED, MAX_PDF_OBJECTS, MAX_PDF_PAGES,
};
use lopdf::{Dictionary, Object, ObjectId};
use std::io::Read;

fn damaged(why: impl Into<String>) -> DocumentError {
    DocumentError::Damaged {
        format: Format::Pdf,
        why: why.into(),
    }
}

fn too_large(what: &str, limit: u64, unit: &'static str) -> DocumentError {
    DocumentError::TooLarge {
        what: what.into(),
        limit,
        unit,
    }
}

/// Read a PDF's text layer.
pub(crate) fn read(label: &str, bytes: &[u8]) -> Result<Document, DocumentError> {
    prescan(bytes)?;
    let mut doc = match quietly(|| lopdf::Document::load_mem(bytes)) {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => return Err(damaged(format!("lopdf cannot read it: {e}"))),
        Err(()) => return Err(damaged("the PDF parser failed on it")),
    };
    let mut notes = Vec::new();
    if doc.is_encrypted() {
        if doc.decrypt("").is_err() {
            return Err(damaged("encrypted with a password"));
        }
        notes.push("encrypted without a password: decrypted".to_owned());
    }
    let pages = guard(&doc)?;
    let mut dev = Layout::default();
    match quietly(|| pdf_extract::output_doc(&doc, &mut dev)) {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            if dev.chars == 0 {
                return Err(damaged(format!("its text cannot be read: {e}")));
            }
            notes.push(format!("text read up to a damaged page: {e}"));
        }
        Err(()) => {
            if dev.chars == 0 {
                return Err(damaged("the text extractor failed on it"));
            }
            notes.push("the text extractor failed part way: the text is cut short".into());
        }
    }
    if dev.chars == 0 || dev.lines.iter().all(|l| l.text.trim().is_empty()) {
        return Err(DocumentError::PdfWithoutText { pages });
    }
    let mut body = dev.finish();
    if body.text.trim().is_empty() {
        return Err(DocumentError::PdfWithoutText { pages });
    }
    notes.append(&mut body.notes);
    Ok(Document {
        label: label.to_owned(),
        url: None,
        format: Format::Pdf,
        text: body.text,
        quoted_lines: body.quoted_lines,
        set_aside: body.set_aside,
        notes,
        dismissed: false,
    })
}

/// Checks on the raw bytes: size, object count, and every Flate stream
/// inflated into a counting sink.
fn prescan(bytes: &[u8]) -> Result<(), DocumentError> {
    if bytes.len() as u64 > MAX_PDF {
        return Err(too_large("a PDF file", MAX_PDF, "bytes"));
    }
    let objects = memchr::memmem::find_iter(bytes, b" obj").count() as u64;
    if objects > MAX_PDF_OBJECTS {
        return Err(too_large(
            "the PDF's object count",
            MAX_PDF_OBJECTS,
            "objects",
        ));
    }
    let mut total = 0u64;
    let mut from = 0;
    let finder = memchr::memmem::Finder::new(b"stream");
    let end_finder = memchr::memmem::Finder::new(b"endstream");
    while let Some(p) = finder.find(&bytes[from..]) {
        let mut start = from + p + 6;
        // `endstream` itself contains `stream`: skip it.
        if from + p >= 3 && &bytes[from + p - 3..from + p] == b"end" {
            from = start;
            continue;
        }
        if bytes.get(start) == Some(&b'\r') {
            start += 1;
        }
        if bytes.get(start) == Some(&b'\n') {
            start += 1;
        }
        let end = end_finder
            .find(&bytes[start..])
            .map_or(bytes.len(), |e| start + e);
        let data = &bytes[start..end];
        from = end.max(start);
        if data.len() < 2
            || data[0] & 0x0F != 8
            || (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 != 0
        {
            continue; // not a zlib stream
        }
        let limit = MAX_PDF_INFLATED - total;
        let (n, nested) = inflated_len(flate2::read::ZlibDecoder::new(data), limit);
        total += n;
        if nested {
            let inner = flate2::read::ZlibDecoder::new(flate2::read::ZlibDecoder::new(data));
            total += inflated_len(inner, MAX_PDF_INFLATED - total).0;
        }
        if total >= MAX_PDF_INFLATED {
            return Err(too_large(
                "the PDF's compressed streams, inflated,",
                MAX_PDF_INFLATED,
                "bytes",
            ));
        }
    }
    Ok(())
}

/// Bytes a decoder gives, up to `limit` (reading stops there), and
/// whether they begin with a zlib header (a doubly compressed stream).
fn inflated_len(mut r: impl Read, limit: u64) -> (u64, bool) {
    let mut buf = [0u8; 16 * 1024];
    let mut n = 0u64;
    let mut head = [0u8; 2];
    while n < limit {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(k) => {
                if n == 0 && k >= 2 {
                    head = [buf[0], buf[1]];
                }
                n += k as u64;
            }
        }
    }
    let nested = head[0] == 0x78 && (u16::from(head[0]) << 8 | u16::from(head[1])) % 31 == 0;
    (n.min(limit), nested)
}

/// Checks on lopdf's objects before pdf-extract walks them: pages, parent
/// links, and the content of every page with the forms it draws. The
/// number of pages.
fn guard(doc: &lopdf::Document) -> Result<usize, DocumentError> {
    let mut pages = 0usize;
    let mut budget = MAX_PDF_INFLATED;
    for page in doc.page_iter() {
        pages += 1;
        if pages as u64 > MAX_PDF_PAGES {
            return Err(too_large("the PDF's page count", MAX_PDF_PAGES, "pages"));
        }
        let dict = doc
            .get_dictionary(page)
            .map_err(|e| damaged(format!("page {pages}: {e}")))?;
        let resources = inherited_resources(doc, dict)?;
        let content = doc.get_page_content(page).unwrap_or_default();
        draw_cost(doc, &content, resources, 0, &mut budget)?;
    }
    Ok(pages)
}

/// A page's resources, looked up through its parents as pdf-extract does,
/// refusing a loop of parents.
fn inherited_resources<'a>(
    doc: &'a lopdf::Document,
    mut dict: &'a Dictionary,
) -> Result<Option<&'a Dictionary>, DocumentError> {
    let mut seen: Vec<ObjectId> = Vec::new();
    loop {
        if let Ok(r) = dict.get(b"Resources") {
            return Ok(deref(doc, r).and_then(|o| o.as_dict().ok()));
        }
        let Ok(parent) = dict.get(b"Parent").and_then(Object::as_reference) else {
            return Ok(None);
        };
        if seen.contains(&parent) || seen.len() > 64 {
            return Err(damaged("its page tree loops back on itself"));
        }
        seen.push(parent);
        match doc.get_dictionary(parent) {
            Ok(d) => dict = d,
            Err(_) => return Ok(None),
        }
    }
}

fn deref<'a>(doc: &'a lopdf::Document, o: &'a Object) -> Option<&'a Object> {
    doc.dereference(o).ok().map(|(_, o)| o)
}

/// Charge `content` and every form it draws (`Do`) to `budget`, as
/// pdf-extract will process them.
fn draw_cost(
    doc: &lopdf::Document,
    content: &[u8],
    resources: Option<&Dictionary>,
    depth: usize,
    budget: &mut u64,
) -> Result<(), DocumentError> {
    if depth > MAX_PDF_FORM_DEPTH {
        return Err(damaged(format!(
            "forms drawing forms more than {MAX_PDF_FORM_DEPTH} deep (a form that draws itself?)"
        )));
    }
    let cost = content.len() as u64;
    if cost > *budget {
        return Err(too_large(
            "the PDF's page content, with the forms it draws,",
            MAX_PDF_INFLATED,
            "bytes",
        ));
    }
    *budget -= cost;
    if memchr::memmem::find(content, b"Do").is_none() {
        return Ok(());
    }
    let Ok(ops) = lopdf::content::Content::decode(content) else {
        return Ok(());
    };
    let xobjects = resources
        .and_then(|r| r.get(b"XObject").ok())
        .and_then(|x| deref(doc, x))
        .and_then(|x| x.as_dict().ok());
    for op in ops.operations.iter().filter(|o| o.operator == "Do") {
        let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) else {
            continue;
        };
        let Some(form) = xobjects
            .and_then(|x| x.get(name).ok())
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_stream().ok())
        else {
            continue;
        };
        let is_form = form
            .dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|s| s == b"Form");
        if !is_form {
            continue;
        }
        let inner = form
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok())
            .or(resources);
        let data = form
            .decompressed_content()
            .unwrap_or_else(|_| form.content.clone());
        draw_cost(doc, &data, inner, depth + 1, budget)?;
    }
    Ok(())
}

/// One line of placed characters.
#[derive(Debug, Default)]
struct Line {
    text: String,
    /// Baseline (from the top of the page) and font size of its first
    /// character; the page it is on.
    y: f64,
    size: f64,
    page: u32,
}

/// An output device that lays characters out in lines.
#[derive(Default)]
struct Layout {
    lines: Vec<Line>,
    page: u32,
    page_height: f64,
    last_end: f64,
    chars: usize,
    new_word: bool,
}

impl pdf_extract::OutputDev for Layout {
    fn begin_page(
        &mut self,
        page_num: u32,
        media_box: &pdf_extract::MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), pdf_extract::OutputError> {
        self.page = page_num;
        self.page_height = media_box.ury - media_box.lly;
        self.last_end = f64::MAX;
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &pdf_extract::Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        ch: &str,
    ) -> Result<(), pdf_extract::OutputError> {
        // The font size in page space (as pdf-extract's own text output
        // computes it): the side of a square of the transformed area.
        let vx = font_size * (trm.m11 + trm.m21);
        let vy = font_size * (trm.m12 + trm.m22);
        let size = (vx * vy).abs().sqrt().max(0.1);
        let (x, y) = (trm.m31, self.page_height - trm.m32);
        self.chars += 1;
        let same_line = self
            .lines
            .last()
            .is_some_and(|l| l.page == self.page && (l.y - y).abs() < size * 0.5);
        if !same_line {
            self.lines.push(Line {
                text: String::new(),
                y,
                size,
                page: self.page,
            });
        } else if x > self.last_end + size * 0.1 || (self.new_word && x > self.last_end) {
            let l = self.lines.last_mut().expect("a line");
            if !l.text.ends_with(' ') {
                l.text.push(' ');
            }
        }
        self.new_word = false;
        let l = self.lines.last_mut().expect("a line");
        l.text.push_str(ch);
        self.last_end = x + width * size;
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        self.new_word = true;
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
}

impl Layout {
    /// Lines into blocks: see the module documentation.
    fn finish(self) -> super::Body {
        let mut lines: Vec<Line> = self
            .lines
            .into_iter()
            .map(|mut l| {
                l.text = l.text.split_whitespace().collect::<Vec<_>>().join(" ");
                l
            })
            .filter(|l| !l.text.is_empty())
            .collect();
        lines.sort_by(|a, b| a.page.cmp(&b.page).then(a.y.total_cmp(&b.y)));
        // The usual pitch: the median gap between lines on a page.
        let mut gaps: Vec<f64> = lines
            .windows(2)
            .filter(|w| w[0].page == w[1].page)
            .map(|w| w[1].y - w[0].y)
            .filter(|g| *g > 0.0)
            .collect();
        gaps.sort_by(f64::total_cmp);
        let pitch = gaps.get(gaps.len() / 2).copied().unwrap_or(0.0);
        let mut out = Out::default();
        let mut prev: Option<&Line> = None;
        for l in &lines {
            if is_page_number(&l.text) {
                out.set_aside_here("pdf page number", &l.text);
                continue;
            }
            let new_block = match prev {
                None => true,
                Some(p) if p.page == l.page => {
                    let gap = l.y - p.y;
                    gap > pitch * 1.25 + 0.5 || gap > l.size.max(p.size) * 2.2
                }
                Some(_) => false,
            } || starts_item(&l.text);
            if new_block {
                out.gap();
            }
            out.line(&l.text, false);
            prev = Some(l);
        }
        out.finish()
    }
}

/// "12", "- 12 -", "Page 3", "Page 3 of 9".
fn is_page_number(s: &str) -> bool {
    let t = s.trim_matches(|c: char| c == '-' || c == '–' || c.is_whitespace());
    let t = t
        .strip_prefix("Page ")
        .or_else(|| t.strip_prefix("page "))
        .unwrap_or(t);
    let mut parts = t.split(" of ");
    let a = parts.next().unwrap_or("");
    let b = parts.next();
    !a.is_empty()
        && a.len() <= 3
        && a.bytes().all(|c| c.is_ascii_digit())
        && b.map_or(true, |b| {
            !b.is_empty() && b.len() <= 4 && b.bytes().all(|c| c.is_ascii_digit())
        })
}

/// A line that begins a list item: a bullet or `12.`.
fn starts_item(s: &str) -> bool {
    if s.starts_with(['•', '◦', '▪', '■', '●', '–']) {
        return true;
    }
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&digits) && s[digits..].starts_with(". ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_and_items() {
        assert!(is_page_number("12"));
        assert!(is_page_number("- 3 -"));
        assert!(is_page_number("Page 3 of 9"));
        assert!(!is_page_number("12,000 political prisoners"));
        assert!(!is_page_number("2014"));
        assert!(starts_item("• The suppression"));
        assert!(starts_item("11. Iranian societies"));
        assert!(!starts_item("2014. Over 300"));
    }
}
