//! DOCX (Office Open XML): a zip whose `word/document.xml` holds the
//! paragraphs (`w:p`) of runs (`w:r`) of text (`w:t`). Read with the zip
//! crate and quick-xml's event reader, so memory stays that of one
//! paragraph whatever a part holds.
//!
//! * Paragraphs come in document order, one block each (table cells and
//!   text boxes too; the fallback copy of a text box, `mc:Fallback`, is
//!   skipped, as are deleted runs `w:del` and field codes).
//! * List numbering is in `word/numbering.xml` (and in list styles in
//!   `word/styles.xml`), not in the text: it is worked out and written
//!   before each item as Word shows it (`1.`, `a)`, `•`).
//! * Paragraphs in Word's `Quote` or `IntenseQuote` style are quoted lines.
//! * Comments, footnotes and endnotes are separate parts: set aside, each
//!   standing at the paragraph that refers to it; page headers and footers
//!   are set aside too.
//!
//! Bounded: the file by [`MAX_DOCX`], its entries by [`MAX_DOCX_ENTRIES`],
//! every part read by [`MAX_DOCX_PART`] of inflated bytes, whatever sizes
//! the zip claims (a zip bomb named `.docx` stops there).

use super::out::Out;
use super::{count_words, Document, DocumentError, Format};
use crate::limits::{MAX_DOCX, MAX_DOCX_ENTRIES, MAX_DOCX_PART};
use quick_xml::events::{BytesStart, Event};
use rustc_hash::FxHashMap;
use std::io::{BufRead, BufReader, Cursor, Read};

type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

fn damaged(why: impl Into<String>) -> DocumentError {
    DocumentError::Damaged {
        format: Format::Docx,
        why: why.into(),
    }
}

/// Read a DOCX file.
pub(crate) fn read(label: &str, bytes: &[u8]) -> Result<Document, DocumentError> {
    if bytes.len() as u64 > MAX_DOCX {
        return Err(DocumentError::TooLarge {
            what: "a DOCX file".into(),
            limit: MAX_DOCX,
            unit: "bytes",
        });
    }
    precheck(bytes)?;
    let r = super::quietly(|| read_zip(bytes));
    let body = r.unwrap_or_else(|()| Err(damaged("the zip reader failed on it")))?;
    if body.text.trim().is_empty() {
        return Err(DocumentError::Empty);
    }
    Ok(Document {
        label: label.to_owned(),
        url: None,
        format: Format::Docx,
        text: body.text,
        quoted_lines: body.quoted_lines,
        set_aside: body.set_aside,
        notes: body.notes,
        dismissed: false,
    })
}

/// The end of central directory record, read before the zip crate sees
/// the file: its entry count bounds what the zip crate will allocate.
fn precheck(bytes: &[u8]) -> Result<(), DocumentError> {
    let tail = &bytes[bytes.len().saturating_sub(22 + 65_535)..];
    let pos = tail
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .ok_or_else(|| damaged("not a complete zip file (no end of central directory)"))?;
    let eocd = &tail[pos..];
    if eocd.len() < 22 {
        return Err(damaged("truncated zip directory"));
    }
    let entries = u64::from(u16::from_le_bytes([eocd[10], eocd[11]]));
    if entries > MAX_DOCX_ENTRIES {
        return Err(DocumentError::TooLarge {
            what: "the DOCX's zip directory".into(),
            limit: MAX_DOCX_ENTRIES,
            unit: "entries",
        });
    }
    Ok(())
}

/// A part, inflated, at most [`MAX_DOCX_PART`] bytes whatever its header
/// claims. `None` when the part is absent.
fn part(z: &mut Zip, name: &str) -> Result<Option<Vec<u8>>, DocumentError> {
    let f = match z.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(damaged(format!("{name}: {e}"))),
    };
    let mut v = Vec::with_capacity(f.size().min(1 << 20) as usize);
    f.take(MAX_DOCX_PART + 1)
        .read_to_end(&mut v)
        .map_err(|e| damaged(format!("{name}: {e}")))?;
    if v.len() as u64 > MAX_DOCX_PART {
        return Err(DocumentError::TooLarge {
            what: format!("DOCX part {name}"),
            limit: MAX_DOCX_PART,
            unit: "bytes",
        });
    }
    Ok(Some(v))
}

fn read_zip(bytes: &[u8]) -> Result<super::Body, DocumentError> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| damaged(format!("not a valid zip file: {e}")))?;
    let doc = part(&mut z, "word/document.xml")?
        .ok_or_else(|| damaged("no word/document.xml: not a Word document"))?;
    let numbering = match part(&mut z, "word/numbering.xml")? {
        Some(x) => Numbering::parse(&x)?,
        None => Numbering::default(),
    };
    let styles = match part(&mut z, "word/styles.xml")? {
        Some(x) => Styles::parse(&x)?,
        None => Styles::default(),
    };
    let comments = match part(&mut z, "word/comments.xml")? {
        Some(x) => notes_part(&x, b"comment")?,
        None => FxHashMap::default(),
    };
    let footnotes = match part(&mut z, "word/footnotes.xml")? {
        Some(x) => notes_part(&x, b"footnote")?,
        None => FxHashMap::default(),
    };
    let endnotes = match part(&mut z, "word/endnotes.xml")? {
        Some(x) => notes_part(&x, b"endnote")?,
        None => FxHashMap::default(),
    };
    let mut out = Out::default();
    let refs = Refs {
        comments: &comments,
        footnotes: &footnotes,
        endnotes: &endnotes,
    };
    body(&doc, &numbering, &styles, &refs, &mut out)?;
    // Page headers and footers: set aside, not in the flow.
    let names: Vec<String> = z
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| {
            n.starts_with("word/")
                && (n.contains("/header") || n.contains("/footer"))
                && n.ends_with(".xml")
        })
        .map(|n| n.into_owned())
        .collect();
    for n in names {
        if let Some(x) = part(&mut z, &n)? {
            let words = count_words(&all_text(&x)?);
            if words > 0 {
                let what = if n.contains("/header") {
                    "docx page header"
                } else {
                    "docx page footer"
                };
                out.set_aside_words(what, words, false);
            }
        }
    }
    Ok(out.finish())
}

/// The value of attribute `w:NAME` (any prefix).
fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let k = a.key.as_ref();
        let local = k.rsplit(|&b| b == b':').next().unwrap_or(k);
        (local == name).then(|| String::from_utf8_lossy(&a.value).into_owned())
    })
}

fn local(name: &[u8]) -> &[u8] {
    name.rsplit(|&b| b == b':').next().unwrap_or(name)
}

fn xml_err(part: &str, e: impl std::fmt::Display) -> DocumentError {
    damaged(format!("{part}: bad XML: {e}"))
}

/// Events of an XML part, one at a time, with the local name of elements.
fn events(
    xml: &[u8],
    part: &'static str,
    mut f: impl FnMut(&Event, &[u8]) -> Result<(), DocumentError>,
) -> Result<(), DocumentError> {
    events_from(BufReader::new(xml), part, &mut f)
}

fn events_from(
    r: impl BufRead,
    part: &'static str,
    f: &mut impl FnMut(&Event, &[u8]) -> Result<(), DocumentError>,
) -> Result<(), DocumentError> {
    let mut reader = quick_xml::Reader::from_reader(r);
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| xml_err(part, e))?;
        let name: Vec<u8> = match &ev {
            Event::Start(e) | Event::Empty(e) => local(e.name().as_ref()).to_vec(),
            Event::End(e) => local(e.name().as_ref()).to_vec(),
            Event::Eof => return Ok(()),
            _ => Vec::new(),
        };
        f(&ev, &name)?;
        buf.clear();
    }
}

/// All the `w:t` text of a part, paragraphs separated by new lines.
fn all_text(xml: &[u8]) -> Result<String, DocumentError> {
    let mut s = String::new();
    let mut in_t = false;
    events(xml, "part", |ev, name| {
        match ev {
            Event::Start(_) if name == b"t" => in_t = true,
            Event::End(_) if name == b"t" => in_t = false,
            Event::End(_) if name == b"p" => s.push('\n'),
            Event::Text(t) if in_t => s.push_str(&t.unescape().unwrap_or_default()),
            _ => {}
        }
        Ok(())
    })?;
    Ok(s)
}

/// Words of each comment, footnote or endnote by id (separators skipped).
fn notes_part(xml: &[u8], item: &[u8]) -> Result<FxHashMap<String, usize>, DocumentError> {
    let mut map = FxHashMap::default();
    let mut cur: Option<(String, usize)> = None;
    let mut in_t = false;
    events(xml, "notes", |ev, name| {
        match ev {
            Event::Start(e) if name == item => {
                let sep = attr(e, b"type").is_some_and(|t| t.contains("eparator"));
                cur = (!sep).then(|| (attr(e, b"id").unwrap_or_default(), 0));
            }
            Event::End(_) if name == item => {
                if let Some((id, w)) = cur.take() {
                    map.insert(id, w);
                }
            }
            Event::Start(_) if name == b"t" => in_t = true,
            Event::End(_) if name == b"t" => in_t = false,
            Event::Text(t) if in_t => {
                if let Some((_, w)) = &mut cur {
                    *w += count_words(&t.unescape().unwrap_or_default());
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(map)
}

/// One level of a list definition.
#[derive(Debug, Clone, Default)]
struct Level {
    start: i64,
    fmt: String,
    text: String,
}

/// `word/numbering.xml`: abstract definitions and the numbering instances.
#[derive(Debug, Default)]
struct Numbering {
    abstracts: FxHashMap<String, FxHashMap<u8, Level>>,
    /// numId → (abstractNumId, start overrides by level).
    nums: FxHashMap<String, (String, FxHashMap<u8, i64>)>,
}

impl Numbering {
    fn parse(xml: &[u8]) -> Result<Numbering, DocumentError> {
        let mut n = Numbering::default();
        let mut abs: Option<String> = None;
        let mut lvl: Option<u8> = None;
        let mut num: Option<String> = None;
        let mut over: Option<u8> = None;
        events(xml, "word/numbering.xml", |ev, name| {
            match ev {
                Event::Start(e) | Event::Empty(e) => match name {
                    b"abstractNum" => abs = attr(e, b"abstractNumId"),
                    b"lvl" if abs.is_some() => {
                        lvl = attr(e, b"ilvl").and_then(|v| v.parse().ok());
                    }
                    b"start" | b"numFmt" | b"lvlText" => {
                        let v = attr(e, b"val").unwrap_or_default();
                        if let (Some(a), Some(l)) = (&abs, lvl) {
                            let level = n
                                .abstracts
                                .entry(a.clone())
                                .or_default()
                                .entry(l)
                                .or_insert_with(|| Level {
                                    start: 1,
                                    ..Level::default()
                                });
                            match name {
                                b"start" => level.start = v.parse().unwrap_or(1),
                                b"numFmt" => level.fmt = v,
                                _ => level.text = v,
                            }
                        }
                    }
                    b"num" => num = attr(e, b"numId"),
                    b"abstractNumId" => {
                        if let Some(id) = &num {
                            n.nums.entry(id.clone()).or_default().0 =
                                attr(e, b"val").unwrap_or_default();
                        }
                    }
                    b"lvlOverride" => over = attr(e, b"ilvl").and_then(|v| v.parse().ok()),
                    b"startOverride" => {
                        if let (Some(id), Some(l)) = (&num, over) {
                            let v = attr(e, b"val").and_then(|v| v.parse().ok()).unwrap_or(1);
                            n.nums.entry(id.clone()).or_default().1.insert(l, v);
                        }
                    }
                    _ => {}
                },
                Event::End(_) => match name {
                    b"abstractNum" => abs = None,
                    b"lvl" => lvl = None,
                    b"num" => num = None,
                    b"lvlOverride" => over = None,
                    _ => {}
                },
                _ => {}
            }
            Ok(())
        })?;
        Ok(n)
    }

    fn level(&self, num_id: &str, ilvl: u8) -> Option<Level> {
        let (abs, overrides) = self.nums.get(num_id)?;
        let mut l = self.abstracts.get(abs)?.get(&ilvl)?.clone();
        if let Some(s) = overrides.get(&ilvl) {
            l.start = *s;
        }
        Some(l)
    }
}

/// A paragraph style: its list numbering, its parent, whether it is a
/// quotation style.
#[derive(Debug, Default, Clone)]
struct Style {
    num: Option<(String, u8)>,
    based_on: Option<String>,
    quote: bool,
}

#[derive(Debug, Default)]
struct Styles(FxHashMap<String, Style>);

impl Styles {
    fn parse(xml: &[u8]) -> Result<Styles, DocumentError> {
        let mut map = FxHashMap::default();
        let mut cur: Option<(String, Style)> = None;
        events(xml, "word/styles.xml", |ev, name| {
            match ev {
                Event::Start(e) | Event::Empty(e) => match name {
                    b"style" => {
                        let id = attr(e, b"styleId").unwrap_or_default();
                        let quote = matches!(id.as_str(), "Quote" | "IntenseQuote");
                        cur = Some((
                            id,
                            Style {
                                quote,
                                ..Style::default()
                            },
                        ));
                    }
                    b"basedOn" => {
                        if let Some((_, s)) = &mut cur {
                            s.based_on = attr(e, b"val");
                        }
                    }
                    b"numId" => {
                        if let Some((_, s)) = &mut cur {
                            let id = attr(e, b"val").unwrap_or_default();
                            s.num = Some((id, s.num.as_ref().map_or(0, |n| n.1)));
                        }
                    }
                    b"ilvl" => {
                        if let Some((_, s)) = &mut cur {
                            let l = attr(e, b"val").and_then(|v| v.parse().ok()).unwrap_or(0);
                            let id = s.num.take().map(|n| n.0).unwrap_or_default();
                            s.num = Some((id, l));
                        }
                    }
                    _ => {}
                },
                Event::End(_) if name == b"style" => {
                    if let Some((id, s)) = cur.take() {
                        map.insert(id, s);
                    }
                }
                _ => {}
            }
            Ok(())
        })?;
        Ok(Styles(map))
    }

    /// The numbering and quotation flag of a style, through its parents.
    fn resolve(&self, id: &str) -> (Option<(String, u8)>, bool) {
        let (mut num, mut quote) = (None, false);
        let mut cur = Some(id.to_owned());
        for _ in 0..16 {
            let Some(s) = cur.as_ref().and_then(|c| self.0.get(c)) else {
                break;
            };
            if num.is_none() {
                num.clone_from(&s.num);
            }
            quote |= s.quote;
            cur.clone_from(&s.based_on);
        }
        (num.filter(|n| !n.0.is_empty()), quote)
    }
}

struct Refs<'a> {
    comments: &'a FxHashMap<String, usize>,
    footnotes: &'a FxHashMap<String, usize>,
    endnotes: &'a FxHashMap<String, usize>,
}

/// The paragraph being read.
#[derive(Default)]
struct Para {
    text: String,
    style: Option<String>,
    num_id: Option<String>,
    ilvl: Option<u8>,
    /// Set-aside blocks anchored in it: (what, words).
    anchored: Vec<(&'static str, usize)>,
}

/// Read `word/document.xml` into `out`.
fn body(
    xml: &[u8],
    numbering: &Numbering,
    styles: &Styles,
    refs: &Refs,
    out: &mut Out,
) -> Result<(), DocumentError> {
    let mut stack: Vec<Para> = Vec::new();
    // Depth inside elements whose text is not shown (deleted runs, field
    // codes, fallbacks, comments anchored in the body).
    let mut hidden = 0usize;
    let mut in_t = false;
    let mut counters: FxHashMap<String, [Option<i64>; 9]> = FxHashMap::default();
    events(xml, "word/document.xml", |ev, name| {
        let hides = matches!(name, b"del" | b"instrText" | b"Fallback" | b"delText");
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                if hides && !empty {
                    hidden += 1;
                }
                if hidden > 0 {
                    return Ok(());
                }
                let p = stack.last_mut();
                match (name, p) {
                    (b"p", _) if !empty => stack.push(Para::default()),
                    (b"t", _) if !empty => in_t = true,
                    (b"tab", Some(p)) => p.text.push('\t'),
                    (b"br" | b"cr", Some(p)) => p.text.push('\n'),
                    (b"noBreakHyphen", Some(p)) => p.text.push('-'),
                    (b"pStyle", Some(p)) => p.style = attr(e, b"val"),
                    (b"numId", Some(p)) => p.num_id = attr(e, b"val"),
                    (b"ilvl", Some(p)) => p.ilvl = attr(e, b"val").and_then(|v| v.parse().ok()),
                    (b"commentReference", Some(p)) => {
                        let id = attr(e, b"id").unwrap_or_default();
                        p.anchored
                            .push(("docx comment", refs.comments.get(&id).copied().unwrap_or(0)));
                    }
                    (b"footnoteReference", Some(p)) => {
                        let id = attr(e, b"id").unwrap_or_default();
                        p.anchored.push((
                            "docx footnote",
                            refs.footnotes.get(&id).copied().unwrap_or(0),
                        ));
                    }
                    (b"endnoteReference", Some(p)) => {
                        let id = attr(e, b"id").unwrap_or_default();
                        p.anchored
                            .push(("docx endnote", refs.endnotes.get(&id).copied().unwrap_or(0)));
                    }
                    _ => {}
                }
            }
            Event::End(_) => {
                if hides {
                    hidden = hidden.saturating_sub(1);
                    return Ok(());
                }
                if hidden > 0 {
                    return Ok(());
                }
                match name {
                    b"t" => in_t = false,
                    b"p" => {
                        if let Some(p) = stack.pop() {
                            write_para(p, numbering, styles, &mut counters, out);
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_t && hidden == 0 => {
                if let Some(p) = stack.last_mut() {
                    let s = t.unescape().map_err(|e| xml_err("word/document.xml", e))?;
                    p.text.push_str(&s);
                }
            }
            _ => {}
        }
        Ok(())
    })
}

fn write_para(
    p: Para,
    numbering: &Numbering,
    styles: &Styles,
    counters: &mut FxHashMap<String, [Option<i64>; 9]>,
    out: &mut Out,
) {
    let (style_num, quote) = p
        .style
        .as_deref()
        .map(|s| styles.resolve(s))
        .unwrap_or((None, false));
    let num = match (&p.num_id, style_num) {
        (Some(id), s) => Some((id.clone(), p.ilvl.or(s.map(|s| s.1)).unwrap_or(0))),
        (None, Some((id, l))) => Some((id, p.ilvl.unwrap_or(l))),
        (None, None) => None,
    };
    for (what, words) in &p.anchored {
        out.set_aside_words(*what, *words, true);
    }
    if p.text.trim().is_empty() {
        return;
    }
    let mut text = p.text;
    if let Some((id, ilvl)) = num.filter(|(id, _)| id != "0") {
        if let Some(label) = list_label(numbering, counters, &id, ilvl.min(8)) {
            text = format!("{label} {text}");
        }
    }
    out.block(&text, quote);
}

/// The label of the next item at `ilvl` of list `id`, counting it.
fn list_label(
    numbering: &Numbering,
    counters: &mut FxHashMap<String, [Option<i64>; 9]>,
    id: &str,
    ilvl: u8,
) -> Option<String> {
    let level = numbering.level(id, ilvl)?;
    let c = counters.entry(id.to_owned()).or_default();
    let l = ilvl as usize;
    c[l] = Some(c[l].map_or(level.start, |n| n.saturating_add(1)));
    for deeper in c.iter_mut().skip(l + 1) {
        *deeper = None;
    }
    if level.fmt == "bullet" {
        return Some("\u{2022}".into());
    }
    if level.fmt == "none" || level.text.is_empty() {
        return None;
    }
    let mut label = level.text.clone();
    for k in (0..=l).rev() {
        let placeholder = format!("%{}", k + 1);
        if label.contains(&placeholder) {
            let fmt = numbering
                .level(id, k as u8)
                .map(|l| l.fmt)
                .unwrap_or_default();
            let n = c[k].unwrap_or(1);
            label = label.replace(&placeholder, &format_number(n, &fmt));
        }
    }
    Some(label)
}

/// A list number in a Word number format.
fn format_number(n: i64, fmt: &str) -> String {
    match fmt {
        "lowerLetter" | "upperLetter" => {
            let mut s = String::new();
            let k = n.max(1) as u64;
            // Word repeats the letter: a..z, aa..zz.
            let letter = (b'a' + ((k - 1) % 26) as u8) as char;
            for _ in 0..((k - 1) / 26 + 1).min(100) {
                s.push(letter);
            }
            if fmt == "upperLetter" {
                s.make_ascii_uppercase();
            }
            s
        }
        "lowerRoman" => roman(n).to_ascii_lowercase(),
        "upperRoman" => roman(n),
        _ => n.to_string(),
    }
}

fn roman(n: i64) -> String {
    if !(1..4000).contains(&n) {
        return n.to_string();
    }
    let mut n = n;
    let mut s = String::new();
    for (v, r) in [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ] {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(format_number(3, "decimal"), "3");
        assert_eq!(format_number(2, "lowerLetter"), "b");
        assert_eq!(format_number(28, "upperLetter"), "BB");
        assert_eq!(format_number(14, "lowerRoman"), "xiv");
    }
}
