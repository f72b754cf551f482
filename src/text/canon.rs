//! The canonical text, `vellum-text-v1` (specified in `docs/canonical-text.md`).
//!
//! One function of the decoded text, shared by seal, verify, check and diff:
//! NFC (never NFKC); one kind of line ending; every kind of space folded to one
//! space; lines wrapped inside a paragraph joined; typographic variants that do
//! not change the reading folded (quotes, dashes, ellipsis, ligatures,
//! full-width forms); soft hyphens, zero-width spaces, word joiners and stray
//! BOMs dropped *with a warning*; bidi controls and tag characters kept, with a
//! warning; everything else kept exactly.
//!
//! The output is a list of blocks (paragraphs, list items, lines), written as
//! blocks separated by one blank line, a list item starting with its
//! normalised marker (`- ` for bullets, `N. ` for numbered points), and a final
//! newline. Canonicalizing that output again gives the same bytes.
//!
//! The work is done line by line by [`Canonicalizer`], which keeps only one
//! piece of a line in memory, so an archive's text can be re-derived in
//! bounded memory however large it is.

use crate::limits::MAX_PIECE;
use serde::Serialize;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// The versioned id of this canonical-text specification, recorded in every
/// manifest.
pub const SPEC_ID: &str = "vellum-text-v1";

/// Is `s` certainly in NFC? ASCII, Latin-1 letters and general punctuation
/// (U+2010..U+205E) are starters that never compose with what precedes
/// them (NFC_QC=Yes, combining class 0), so text made only of them is NFC
/// without a table look-up per character; anything else asks
/// `unicode-normalization`.
fn is_nfc_cheap(s: &str) -> bool {
    nfc_class(s) != Nfc::No
}

/// How a piece of text stands with NFC.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Nfc {
    /// Only characters that never compose (see [`is_nfc_cheap`]): NFC, and
    /// so is anything made by dropping some of them or folding them to
    /// ASCII.
    Safe,
    /// NFC.
    Yes,
    /// Not known to be NFC.
    No,
}

fn nfc_class(s: &str) -> Nfc {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        i = skip_ascii(b, i);
        if i >= b.len() {
            break;
        }
        let c = s[i..].chars().next().expect("char boundary");
        let safe = matches!(c, '\u{A0}'..='\u{FF}' | '\u{2010}'..='\u{205E}' | '\u{3000}');
        if !safe {
            return if is_nfc_quick(s.chars()) == IsNormalized::Yes {
                Nfc::Yes
            } else {
                Nfc::No
            };
        }
        i += c.len_utf8();
    }
    Nfc::Safe
}

/// The index of the first non-ASCII byte at or after `i` (or `b.len()`),
/// eight bytes at a time.
#[inline]
pub(crate) fn skip_ascii(b: &[u8], mut i: usize) -> usize {
    while i + 8 <= b.len() {
        let w = u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        let high = w & 0x8080_8080_8080_8080;
        if high != 0 {
            return i + (high.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && b[i] < 0x80 {
        i += 1;
    }
    i
}

/// Bytes the mapping loop copies as they are: ASCII other than spaces and
/// dashes.
static PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 128 {
        t[i] = !matches!(i as u8, b' ' | b'\t' | 0x0B | 0x0C | b'-');
        i += 1;
    }
    t
};

/// The end of the run of plain bytes starting at `i` (which is plain): plain
/// bytes and single spaces between them (already canonical), found eight
/// bytes at a time.
fn plain_run_end(b: &[u8], start: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    // High bit of each byte of `w` equal to `c` (exact for the lowest one).
    let eq = |w: u64, c: u8| {
        let x = w ^ (LO * c as u64);
        x.wrapping_sub(LO) & !x & HI
    };
    // The same, exact for every byte.
    let eq_exact = |w: u64, c: u8| {
        let x = w ^ (LO * c as u64);
        !(((x & LOW7) + LOW7) | x | LOW7)
    };
    let mut i = start;
    // High bit of the first byte set when the byte before the word is a space.
    let mut carry = 0u64;
    let stop = loop {
        if i + 8 > b.len() {
            while i < b.len() && (PLAIN[b[i] as usize] || (b[i] == b' ' && b[i - 1] != b' ')) {
                i += 1;
            }
            break i;
        }
        let w = u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        let sp = eq_exact(w, b' ');
        // Not plain, or the second of two spaces.
        let stop = (w & HI)
            | eq(w, b'\t')
            | eq(w, 0x0B)
            | eq(w, 0x0C)
            | eq(w, b'-')
            | (sp & ((sp << 8) | carry));
        if stop != 0 {
            break i + (stop.trailing_zeros() / 8) as usize;
        }
        carry = (sp >> 56) & 0x80;
        i += 8;
    };
    // A space is plain only between plain bytes.
    if b[stop - 1] == b' ' {
        stop - 1
    } else {
        stop
    }
}

/// A list marker: structure recorded with its block, not part of its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "type", content = "value")]
pub enum Marker {
    /// A bullet: `•`, `-`, `*`, `·` and the like.
    Bullet,
    /// A numbered point: `1.`, `1)` or `(1)`.
    Number(u32),
}

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WarningKind {
    /// An invisible character (soft hyphen, zero-width space, word joiner,
    /// BOM) was dropped: harmless for the reading, possibly a watermark.
    DroppedInvisible,
    /// A bidirectional control character, kept: it can make a reader see
    /// something other than the text.
    Bidi,
    /// A Unicode tag character, kept: invisible, can smuggle text.
    Tag,
}

/// One thing the canonicalizer noticed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// What kind of character.
    pub kind: WarningKind,
    /// The character's code point, as `U+XXXX`.
    pub codepoint: String,
    /// The character's name, in words.
    pub name: &'static str,
    /// 1-based line of the input it was found on.
    pub line: u64,
    /// 0-based block of the output it belongs to.
    pub block: usize,
}

/// What to do with one input character.
#[derive(Clone, Copy)]
enum Class {
    Keep,
    Space,
    Drop(&'static str),
    Flag(WarningKind, &'static str),
    Fold(&'static str),
}

/// Characters dropped with a warning: they never change what a reader sees.
pub fn invisible_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00AD}' => "soft hyphen",
        '\u{200B}' => "zero-width space",
        '\u{2060}' => "word joiner",
        '\u{FEFF}' => "byte order mark",
        '\u{180E}' => "Mongolian vowel separator",
        _ => return None,
    })
}

/// Bidirectional controls: kept, and reported.
pub fn bidi_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202A}' => "left-to-right embedding",
        '\u{202B}' => "right-to-left embedding",
        '\u{202C}' => "pop directional formatting",
        '\u{202D}' => "left-to-right override",
        '\u{202E}' => "right-to-left override",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first strong isolate",
        '\u{2069}' => "pop directional isolate",
        '\u{200E}' => "left-to-right mark",
        '\u{200F}' => "right-to-left mark",
        '\u{061C}' => "Arabic letter mark",
        _ => return None,
    })
}

fn classify(c: char, fold: bool) -> Class {
    if c.is_ascii() {
        return match c {
            ' ' | '\t' | '\x0B' | '\x0C' => Class::Space,
            _ => Class::Keep,
        };
    }
    if let Some(n) = invisible_name(c) {
        return Class::Drop(n);
    }
    if let Some(n) = bidi_name(c) {
        return Class::Flag(WarningKind::Bidi, n);
    }
    if ('\u{E0000}'..='\u{E007F}').contains(&c) {
        return Class::Flag(WarningKind::Tag, "tag character");
    }
    match c {
        '\u{00A0}'
        | '\u{1680}'
        | '\u{2000}'..='\u{200A}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}' => return Class::Space,
        _ => {}
    }
    if !fold {
        return Class::Keep;
    }
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{FF07}' => Class::Fold("'"),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{FF02}' => Class::Fold("\""),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => Class::Fold("-"),
        '\u{2026}' => Class::Fold("..."),
        '\u{FB00}' => Class::Fold("ff"),
        '\u{FB01}' => Class::Fold("fi"),
        '\u{FB02}' => Class::Fold("fl"),
        '\u{FB03}' => Class::Fold("ffi"),
        '\u{FB04}' => Class::Fold("ffl"),
        '\u{FB05}' | '\u{FB06}' => Class::Fold("st"),
        '\u{FF01}'..='\u{FF5E}' => Class::Fold(FULLWIDTH[(c as usize) - 0xFF01]),
        _ => Class::Keep,
    }
}

/// ASCII equivalents of the full-width forms U+FF01..U+FF5E.
static FULLWIDTH: [&str; 94] = [
    "!", "\"", "#", "$", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/", "0", "1", "2", "3",
    "4", "5", "6", "7", "8", "9", ":", ";", "<", "=", ">", "?", "@", "A", "B", "C", "D", "E", "F",
    "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y",
    "Z", "[", "\\", "]", "^", "_", "`", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l",
    "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "{", "|", "}", "~",
];

/// Glyphs accepted as bullets at the start of a line (before folding).
const BULLETS: &[char] = &[
    '•', '◦', '▪', '▫', '‣', '⁃', '·', '*', '-', '–', '—', '●', '○', '■', '□', '►', '➢', '✓', '∙',
];

/// Parse a list marker at the start of a trimmed line. Returns the marker and
/// the byte length to skip (marker and the spaces after it). A marker must be
/// followed by a space and some text.
pub fn parse_marker(line: &str) -> Option<(Marker, usize)> {
    let mut chars = line.char_indices();
    let (_, first) = chars.next()?;
    if BULLETS.contains(&first) {
        let after = first.len_utf8();
        // A run of dashes is folded text ("--"), still a bullet if spaced.
        let rest = &line[after..];
        let trimmed = rest.trim_start_matches(' ');
        if rest.starts_with(' ') && !trimmed.is_empty() {
            return Some((Marker::Bullet, line.len() - trimmed.len()));
        }
        return None;
    }
    let bytes = line.as_bytes();
    let (open, start) = if bytes[0] == b'(' {
        (true, 1)
    } else {
        (false, 0)
    };
    let mut i = start;
    while i < bytes.len() && i - start < 3 && bytes[i].is_ascii_digit() {
        i += 1;
    }
    if i == start || (i < bytes.len() && bytes[i].is_ascii_digit()) {
        return None;
    }
    let n: u32 = line[start..i].parse().ok()?;
    let close = *bytes.get(i)?;
    let ok = if open {
        close == b')'
    } else {
        close == b'.' || close == b')'
    };
    if !ok {
        return None;
    }
    let rest = &line[i + 1..];
    let trimmed = rest.trim_start_matches(' ');
    if rest.starts_with(' ') && !trimmed.is_empty() {
        Some((Marker::Number(n), line.len() - trimmed.len()))
    } else {
        None
    }
}

/// Length of a marker written in its original (display) form.
fn display_marker_len(line: &str, m: Marker) -> usize {
    let mut it = line.char_indices().peekable();
    let mut end = 0;
    match m {
        Marker::Bullet => {
            while let Some(&(i, c)) = it.peek() {
                if BULLETS.contains(&c) || matches!(classify(c, true), Class::Fold("-")) {
                    end = i + c.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
        }
        Marker::Number(_) => {
            let mut seen_digit = false;
            while let Some(&(i, c)) = it.peek() {
                let d = match classify(c, true) {
                    Class::Fold(s) => s.chars().next().unwrap_or(c),
                    _ => c,
                };
                if d.is_ascii_digit() || (d == '(' && !seen_digit) {
                    seen_digit |= d.is_ascii_digit();
                    end = i + c.len_utf8();
                    it.next();
                } else if (d == '.' || d == ')') && seen_digit {
                    end = i + c.len_utf8();
                    break;
                } else {
                    break;
                }
            }
        }
    }
    end + line[end..].len() - line[end..].trim_start_matches(' ').len()
}

/// A piece of text with the typographic folds of the canonical text applied
/// (quotes, dashes, ellipsis, ligatures, full-width forms) and invisible
/// characters dropped; nothing else changes (no line or space handling).
pub fn fold_typography(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match classify(c, true) {
            Class::Fold(f) => o.push_str(f),
            Class::Drop(_) => {}
            _ => o.push(c),
        }
    }
    std::borrow::Cow::Owned(o)
}

/// A list marker with nothing after it ("•", "-", "3.", "(3)").
pub(crate) fn bare_marker(line: &str) -> Option<Marker> {
    let probe = format!("{line} x");
    match parse_marker(&probe) {
        Some((m, n)) if n == line.len() + 1 => Some(m),
        _ => None,
    }
}

/// Write a marker in its canonical form (without the trailing space).
pub fn marker_text(m: Marker) -> String {
    match m {
        Marker::Bullet => "-".to_owned(),
        Marker::Number(n) => format!("{n}."),
    }
}

/// How lines become blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Blank lines separate paragraphs; single line breaks are wrapping.
    Paragraphs,
    /// No blank line anywhere: every line is a block.
    Lines,
}

/// Receives the canonical output as it is made.
pub trait Sink {
    /// A new block starts (with its marker, if a list item) on `line`
    /// (1-based) of the input.
    fn block(&mut self, marker: Option<Marker>, line: u64);
    /// Text of the current block, in canonical form.
    fn text(&mut self, s: &str);
    /// Display form of the same text (typography kept), from a
    /// canonicalizer made [`Canonicalizer::with_display`]; follows each
    /// [`Sink::text`] call.
    fn display(&mut self, _s: &str) {}
    /// Something worth telling the user.
    fn warning(&mut self, w: Warning);
}

/// Streaming canonicalizer: feed it lines (or pieces of long lines).
pub struct Canonicalizer<S: Sink> {
    sink: S,
    /// Also write the display form (see `with_display`).
    dual: bool,
    mode: Mode,
    blocks: usize,
    block_open: bool,
    line_no: u64,
    line_emitted: bool,
    hyphen_end: bool,
    /// A marker alone on its line, waiting for its text on the next one
    /// (canonical and display forms).
    pending: Option<(Marker, String, String)>,
    line_has_content: bool,
    pending_space: bool,
    last_dash: bool,
    buf: String,
    /// The display form of `buf` (when `dual`).
    dbuf: String,
    nfc: String,
}

impl<S: Sink> Canonicalizer<S> {
    /// A canonicalizer writing canonical text to `sink`.
    pub fn new(sink: S, mode: Mode) -> Self {
        Canonicalizer {
            sink,
            dual: false,
            mode,
            blocks: 0,
            block_open: false,
            line_no: 1,
            line_emitted: false,
            hyphen_end: false,
            pending: None,
            line_has_content: false,
            pending_space: false,
            last_dash: false,
            buf: String::new(),
            dbuf: String::new(),
            nfc: String::new(),
        }
    }

    /// A canonicalizer that also hands the sink the display form of each
    /// piece of text ([`Sink::display`]): one pass for both, with the
    /// structure decided once.
    pub(crate) fn with_display(sink: S, mode: Mode) -> Self {
        let mut c = Canonicalizer::new(sink, mode);
        c.dual = true;
        c
    }

    /// Feed a piece of the current line; `end` says the line ends after it.
    /// The first piece of a line must hold at least its first few characters
    /// (anything up to [`MAX_PIECE`] does).
    pub fn push(&mut self, piece: &str, end: bool) {
        self.buf.clear();
        self.dbuf.clear();
        let class = if piece.is_ascii() {
            Nfc::Safe
        } else {
            nfc_class(piece)
        };
        let fast = class != Nfc::No;
        let mut nfc = std::mem::take(&mut self.nfc);
        let src: &str = if fast {
            piece
        } else {
            nfc.clear();
            nfc.extend(piece.nfc());
            &nfc
        };
        self.map_into_buf(src);
        self.nfc = nfc;
        // Dropping or folding characters can leave a sequence that NFC
        // composes differently (e + soft hyphen + acute accent); normalize
        // again so canonicalizing twice changes nothing.
        // Mapping only drops characters or folds them to ASCII: a piece of
        // safe characters stays NFC; others are checked again.
        let safe = class == Nfc::Safe;
        if !safe && !is_nfc_cheap(&self.buf) {
            let composed: String = self.buf.nfc().collect();
            self.buf = composed;
        }
        if self.dual && !safe && !is_nfc_cheap(&self.dbuf) {
            let composed: String = self.dbuf.nfc().collect();
            self.dbuf = composed;
        }
        // Structure: the first text of a line opens a block or continues one.
        if !self.buf.is_empty() {
            let mut skip = 0;
            let mut dskip = 0;
            let mut emit = true;
            if !self.line_emitted {
                self.line_emitted = true;
                // Structure is decided on the canonical form.
                let marker = parse_marker(&self.buf);
                // A marker alone on its line ("•", "3.") takes the next
                // line as its text, as the canonical form will write it.
                let bare_m = if end && self.mode == Mode::Paragraphs && self.buf.len() <= 24 {
                    bare_marker(&self.buf)
                } else {
                    None
                };
                let bare = bare_m.is_some();
                let mut opened = false;
                if let Some((pm, ptext, pdisp)) = self.pending.take() {
                    if marker.is_none() && !bare {
                        self.open_block(Some(pm));
                        opened = true;
                    } else {
                        self.flush_pending(ptext, pdisp);
                    }
                }
                if opened {
                } else if bare && (!self.block_open || marker.is_some() || self.mode == Mode::Lines)
                {
                    let m = bare_m.expect("bare");
                    self.pending = Some((m, self.buf.clone(), self.dbuf.clone()));
                    self.block_open = false;
                    emit = false;
                } else if self.mode == Mode::Lines || !self.block_open || marker.is_some() {
                    let m = marker.map(|(m, n)| {
                        skip = n;
                        m
                    });
                    if let (Some(m), true) = (m, self.dual) {
                        dskip = display_marker_len(&self.dbuf, m);
                    }
                    self.open_block(m);
                } else if !(self.hyphen_end
                    && self.buf.chars().next().is_some_and(char::is_alphanumeric))
                {
                    // A wrapped line joins with a space, except a word
                    // broken after its own hyphen ("Sharia-" + "bound").
                    self.sink.text(" ");
                    if self.dual {
                        self.sink.display(" ");
                    }
                }
            }
            if emit {
                self.sink.text(&self.buf[skip..]);
                if self.dual {
                    self.sink.display(&self.dbuf[dskip.min(self.dbuf.len())..]);
                }
                let mut tail = self.buf.chars().rev();
                let (last, before) = (tail.next(), tail.next());
                self.hyphen_end = last == Some('-') && before.is_some_and(char::is_alphanumeric);
            }
        }
        if end && !self.line_emitted {
            // A blank line: a marker waiting for its text stays plain text.
            if let Some((_, ptext, pdisp)) = self.pending.take() {
                self.flush_pending(ptext, pdisp);
            }
        }
        if end {
            if !self.line_emitted || self.mode == Mode::Lines {
                self.block_open = false;
            }
            self.line_no += 1;
            self.line_emitted = false;
            self.line_has_content = false;
            self.pending_space = false;
            self.last_dash = false;
        }
    }

    fn map_into_buf(&mut self, src: &str) {
        let bytes = src.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // Fast path: a run of ASCII that is neither space nor dash is
            // copied as it is.
            if PLAIN[bytes[i] as usize] {
                let start = i;
                i = plain_run_end(bytes, i);
                let run = &src[start..i];
                self.emit2(run, run);
                self.last_dash = false;
                continue;
            }
            let c = src[i..].chars().next().expect("in bounds");
            i += c.len_utf8();
            match classify(c, true) {
                Class::Space => {
                    if self.line_has_content {
                        self.pending_space = true;
                    }
                    self.last_dash = false;
                }
                Class::Drop(name) => {
                    let w = self.warn(WarningKind::DroppedInvisible, c, name);
                    self.sink.warning(w);
                }
                Class::Flag(kind, name) => {
                    let w = self.warn(kind, c, name);
                    self.sink.warning(w);
                    self.emit_char(c);
                    self.last_dash = false;
                }
                Class::Keep => {
                    if c == '-' && self.last_dash && !self.pending_space {
                        // Folded into the dash before; the display keeps it.
                        if self.dual {
                            self.dbuf.push(c);
                        }
                        continue;
                    }
                    self.emit_char(c);
                    self.last_dash = c == '-';
                }
                Class::Fold(s) => {
                    let mut d = [0u8; 4];
                    let d: &str = c.encode_utf8(&mut d);
                    if s == "-" {
                        if self.last_dash && !self.pending_space {
                            if self.dual {
                                self.dbuf.push(c);
                            }
                            continue;
                        }
                        self.emit2(s, d);
                        self.last_dash = true;
                    } else {
                        self.emit2(s, d);
                        self.last_dash = false;
                    }
                }
            }
        }
    }

    fn warn(&self, kind: WarningKind, c: char, name: &'static str) -> Warning {
        Warning {
            kind,
            codepoint: format!("U+{:04X}", c as u32),
            name,
            line: self.line_no,
            // The block the character lands in (the next one at a line start).
            block: if self.block_open && (self.line_has_content || self.mode == Mode::Paragraphs) {
                self.blocks.saturating_sub(1)
            } else {
                self.blocks
            },
        }
    }

    #[inline]
    fn emit_char(&mut self, c: char) {
        let mut b = [0u8; 4];
        let s: &str = c.encode_utf8(&mut b);
        self.emit2(s, s);
    }

    /// Write `canon` to the canonical form and `display` to the display
    /// form (when kept), after the pending space if any.
    #[inline]
    fn emit2(&mut self, canon: &str, display: &str) {
        if self.pending_space {
            self.buf.push(' ');
            if self.dual {
                self.dbuf.push(' ');
            }
            self.pending_space = false;
        }
        self.buf.push_str(canon);
        if self.dual {
            self.dbuf.push_str(display);
        }
        self.line_has_content = true;
    }

    fn open_block(&mut self, m: Option<Marker>) {
        self.blocks += 1;
        self.block_open = true;
        self.hyphen_end = false;
        self.sink.block(m, self.line_no);
    }

    /// A marker that never got its text is a block of plain text.
    fn flush_pending(&mut self, text: String, display: String) {
        self.open_block(None);
        self.sink.text(&text);
        if self.dual {
            self.sink.display(&display);
        }
        // A lone marker stays a block of its own: what follows it (another
        // lone marker, say) does not join it.
        self.block_open = false;
    }

    /// The sink, to take what it has collected so far.
    pub fn sink_mut(&mut self) -> &mut S {
        &mut self.sink
    }

    /// Number of blocks written so far.
    pub fn blocks(&self) -> usize {
        self.blocks
    }

    /// Number of lines ended so far.
    pub fn lines(&self) -> u64 {
        self.line_no - 1
    }

    /// Finish and hand back the sink.
    pub fn finish(mut self) -> S {
        if let Some((_, text, display)) = self.pending.take() {
            self.flush_pending(text, display);
        }
        self.sink
    }
}

/// Splits a text, given in pieces of any size, into lines the way the
/// canonical text does: CRLF, CR, LF, NEL and LINE SEPARATOR end a line;
/// PARAGRAPH SEPARATOR ends a line and adds a blank one. Lines longer than
/// [`MAX_PIECE`] are handed out in pieces, cut the same way whatever the
/// input's chunking.
#[derive(Default)]
pub struct LineSplitter {
    carry: String,
    pending_cr: bool,
}

impl LineSplitter {
    /// Feed text; `f(piece, end_of_line)` receives the lines.
    pub fn push(&mut self, text: &str, f: &mut impl FnMut(&str, bool)) {
        if text.is_empty() {
            return;
        }
        let bytes = text.as_bytes();
        let mut start = 0;
        let mut i = 0;
        if self.pending_cr {
            self.pending_cr = false;
            if bytes.first() == Some(&b'\n') {
                start = 1;
                i = 1;
            }
        }
        // Next candidate positions; 0 means "search again" once passed.
        let (mut next_a, mut next_b) = (0usize, 0usize);
        while i < bytes.len() {
            // Jump to the next byte that can start a line end: CR, LF, or the
            // lead byte of NEL (C2 85) or LS/PS (E2 80 A8/A9).
            // (Each search result is kept until passed, so the scan stays
            // linear however many lines there are.)
            if next_a < i {
                next_a =
                    memchr::memchr3(b'\n', b'\r', 0xC2, &bytes[i..]).map_or(usize::MAX, |o| i + o);
            }
            if next_b < i {
                next_b = memchr::memchr(0xE2, &bytes[i..]).map_or(usize::MAX, |o| i + o);
            }
            let next = next_a.min(next_b);
            if next == usize::MAX {
                break;
            }
            i = next;
            let b = bytes[i];
            let (term, extra_blank) = match b {
                b'\n' => (1, false),
                b'\r' => {
                    if i + 1 == bytes.len() {
                        self.pending_cr = true;
                        (1, false)
                    } else if bytes[i + 1] == b'\n' {
                        (2, false)
                    } else {
                        (1, false)
                    }
                }
                0xC2 if bytes.get(i + 1) == Some(&0x85) => (2, false),
                0xE2 if bytes.get(i + 1) == Some(&0x80)
                    && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) =>
                {
                    (3, bytes[i + 2] == 0xA9)
                }
                _ => {
                    i += 1;
                    continue;
                }
            };
            if self.carry.is_empty() {
                emit_line(&text[start..i], f);
            } else {
                self.carry.push_str(&text[start..i]);
                let line = std::mem::take(&mut self.carry);
                emit_line(&line, f);
            }
            if extra_blank {
                f("", true);
            }
            i += term;
            start = i;
        }
        if start < bytes.len() {
            self.carry.push_str(&text[start..]);
            while self.carry.len() > MAX_PIECE {
                let cut = piece_cut(&self.carry);
                f(&self.carry[..cut], false);
                self.carry.drain(..cut);
            }
        }
    }

    /// End of text: hand out the last line.
    pub fn finish(&mut self, f: &mut impl FnMut(&str, bool)) {
        if !self.carry.is_empty() {
            let line = std::mem::take(&mut self.carry);
            emit_line(&line, f);
        }
    }
}

/// Split a whole text into lines (see [`LineSplitter`]).
pub(crate) fn for_each_line(text: &str, mut f: impl FnMut(&str, bool)) {
    let mut s = LineSplitter::default();
    s.push(text, &mut f);
    s.finish(&mut f);
}

fn emit_line(mut line: &str, f: &mut impl FnMut(&str, bool)) {
    while line.len() > MAX_PIECE {
        let cut = piece_cut(line);
        f(&line[..cut], false);
        line = &line[cut..];
    }
    f(line, true);
}

/// Where to cut an over-long line: after the last space below MAX_PIECE, else
/// before the last ASCII byte, else at a char boundary. Deterministic, so seal
/// and verify cut the same way.
pub(crate) fn piece_cut(line: &str) -> usize {
    let b = line.as_bytes();
    let lim = MAX_PIECE.min(b.len());
    if let Some(p) = b[..lim].iter().rposition(|&c| c == b' ') {
        if p > 0 {
            return p + 1;
        }
    }
    if let Some(p) = b[..lim].iter().rposition(|&c| c.is_ascii()) {
        if p > 0 {
            return p;
        }
    }
    let mut p = lim;
    while !line.is_char_boundary(p) {
        p -= 1;
    }
    p.max(1)
}

/// Find the mode of a text: paragraphs if a blank line stands between two
/// non-blank lines, else lines. `lines` yields (piece, end) as
/// [`for_each_line`] does.
#[derive(Default)]
pub struct ModeDetector {
    seen_content: bool,
    blank_after_content: bool,
    line_has_content: bool,
    found: bool,
}

impl ModeDetector {
    /// Look at one piece.
    pub fn push(&mut self, piece: &str, end: bool) {
        if self.found {
            return;
        }
        if !self.line_has_content
            && piece
                .chars()
                .any(|c| !matches!(classify(c, false), Class::Space | Class::Drop(_)))
        {
            self.line_has_content = true;
            if self.blank_after_content {
                self.found = true;
            }
            self.seen_content = true;
        }
        if end {
            if !self.line_has_content && self.seen_content {
                self.blank_after_content = true;
            }
            self.line_has_content = false;
        }
    }
    /// True once the answer is known to be paragraphs.
    pub fn decided(&self) -> bool {
        self.found
    }
    /// The mode.
    pub fn mode(&self) -> Mode {
        if self.found {
            Mode::Paragraphs
        } else {
            Mode::Lines
        }
    }
}

fn has_content(s: &str) -> bool {
    s.chars().any(|c| {
        !matches!(classify(c, false), Class::Space | Class::Drop(_)) && !matches!(c, '\n' | '\r')
    })
}

/// The mode of a whole text.
pub fn detect_mode(text: &str) -> Mode {
    detect_mode_with(text, has_other_breaks(text))
}

/// [`detect_mode`], told whether the text has NEL, LS or PS line ends.
fn detect_mode_with(text: &str, other_breaks: bool) -> Mode {
    // Quick path: the first empty line (LF LF, CR CR or LF CR, which covers
    // CRLF CRLF) with content on both sides settles it, as the full detector
    // below would.
    let b = text.as_bytes();
    // NEL, LS and PS are line ends the quick path does not know: leave
    // such texts to the full detector, which seal and verify share.
    if other_breaks {
        return detect_mode_slow(text);
    }
    if let Some(p) = b
        .windows(2)
        .position(|w| matches!(w, b"\n\n" | b"\r\r" | b"\n\r"))
    {
        if has_content(&text[..p]) && has_content(&text[p..]) {
            return Mode::Paragraphs;
        }
    }
    detect_mode_slow(text)
}

fn detect_mode_slow(text: &str) -> Mode {
    let mut d = ModeDetector::default();
    for_each_line(text, |p, e| d.push(p, e));
    d.mode()
}

/// One block of canonical text.
#[derive(Debug, Clone)]
pub struct Block {
    /// List marker, if any.
    pub marker: Option<Marker>,
    /// Canonical text of the block, without its marker.
    pub text: String,
    /// The block as published (typography kept), without its marker, when
    /// it is not `text` itself: most blocks of most texts are published in
    /// their canonical form, and a long text would hold it twice (see
    /// [`Block::display`]).
    pub published: Option<String>,
    /// The line of the input its text starts on (1-based).
    pub line: u64,
}

impl Block {
    /// The block as published (typography kept), without its marker.
    pub fn display(&self) -> &str {
        self.published.as_deref().unwrap_or(&self.text)
    }
}

impl PartialEq for Block {
    fn eq(&self, other: &Block) -> bool {
        (self.marker, &self.text, self.display(), self.line)
            == (other.marker, &other.text, other.display(), other.line)
    }
}

impl Eq for Block {}

/// A text in canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonical {
    /// The blocks, in order.
    pub blocks: Vec<Block>,
    /// Warnings from canonicalization.
    pub warnings: Vec<Warning>,
}

/// Collects blocks as they are made.
#[derive(Default)]
struct BlockSink {
    /// Marker, canonical text, display text (`None` while it is the
    /// canonical text) and first line of each block.
    blocks: Vec<(Option<Marker>, String, Option<String>, u64)>,
    warnings: Vec<Warning>,
    /// Shrink each block once it is complete ([`BlockSink::seal_last`]).
    compact: bool,
    /// Where the last block's latest piece of canonical text starts: the
    /// display piece that follows it is compared with it.
    piece_at: usize,
}

impl BlockSink {
    /// The last block is complete: when `compact`, it keeps no spare
    /// capacity (a long text's blocks would otherwise hold a third more
    /// than their text; the reallocation costs check and diff 5 % of their
    /// instructions, so only seal asks for it).
    fn seal_last(&mut self) {
        if !self.compact {
            return;
        }
        if let Some(b) = self.blocks.last_mut() {
            b.1.shrink_to_fit();
            if let Some(d) = &mut b.2 {
                d.shrink_to_fit();
            }
        }
    }
}

impl Sink for BlockSink {
    fn block(&mut self, marker: Option<Marker>, line: u64) {
        self.seal_last();
        self.blocks.push((marker, String::new(), None, line));
        self.piece_at = 0;
    }
    fn text(&mut self, s: &str) {
        if let Some(b) = self.blocks.last_mut() {
            self.piece_at = b.1.len();
            b.1.push_str(s);
        }
    }
    fn display(&mut self, s: &str) {
        if let Some(b) = self.blocks.last_mut() {
            match &mut b.2 {
                Some(d) => d.push_str(s),
                // The same as the canonical piece it follows: still the
                // canonical text, kept once.
                None if b.1[self.piece_at..] == *s => {}
                None => {
                    let mut d = String::with_capacity(b.1.len() + s.len());
                    d.push_str(&b.1[..self.piece_at]);
                    d.push_str(s);
                    b.2 = Some(d);
                }
            }
        }
    }
    fn warning(&mut self, w: Warning) {
        self.warnings.push(w);
    }
}

/// Texts at least this long are canonicalized in parts, one per core.
pub(crate) const PARALLEL_MIN_BYTES: usize = 1 << 20;

/// Where to cut a text into `parts` parts that canonicalize independently:
/// at an empty line (paragraph mode) or a line end (line mode), where the
/// canonicalizer's state is back to a fresh start but for its counts.
/// Returns the end of each part.
fn part_ends(text: &str, mode: Mode, parts: usize) -> Vec<usize> {
    let b = text.as_bytes();
    let mut ends = Vec::with_capacity(parts);
    let mut from = 0;
    for k in 1..parts {
        let target = (b.len() / parts * k).max(from);
        match next_clean_cut(b, target, mode) {
            Some(c) => {
                ends.push(c);
                from = c;
            }
            None => break,
        }
    }
    ends.push(b.len());
    ends
}

/// Whether a text may be cut at `c` into parts that canonicalize on their
/// own (C33): just after an LF that is followed by an empty line (LF or
/// CR LF), or, in line mode, by anything but the end. Both parts see the
/// canonicalizer in its fresh state but for its counts.
pub fn is_clean_cut(b: &[u8], c: usize, mode: Mode) -> bool {
    c > 0
        && c < b.len()
        && b[c - 1] == b'\n'
        && match mode {
            Mode::Lines => true,
            Mode::Paragraphs => b[c..].starts_with(b"\n") || b[c..].starts_with(b"\r\n"),
        }
}

/// The first clean cut at or after `from` (C33).
pub(crate) fn next_clean_cut(b: &[u8], from: usize, mode: Mode) -> Option<usize> {
    let from = from.max(1);
    if from >= b.len() {
        return None;
    }
    memchr::memchr_iter(b'\n', &b[from - 1..])
        .map(|p| from + p)
        .find(|&c| is_clean_cut(b, c, mode))
}

/// Least bytes a chunk of an original holds (C33): chunks are the unit in
/// which verify canonicalizes a text on several cores and `prove` reads one
/// section without canonicalizing the whole text.
pub const CHUNK_BYTES: usize = 1 << 20;

/// Where an original text is cut into chunks (C33): each chunk starts at
/// the first clean cut at least [`CHUNK_BYTES`] after the previous chunk's
/// start. `bytes` are the original's bytes (a UTF-8 BOM included); texts
/// that also break lines with NEL, LS or PS, and texts that are not UTF-8,
/// are one chunk. Returns the start of every chunk after the first.
pub fn chunk_cuts(bytes: &[u8], mode: Mode, utf8: bool) -> Vec<usize> {
    let mut f = CutFinder::new(mode);
    f.push(bytes);
    f.finish(utf8).into_iter().map(|c| c as usize).collect()
}

/// Finds the chunk cuts of an original (C33) as its bytes stream past, in
/// pieces of any size, with the same result as [`chunk_cuts`].
pub struct CutFinder {
    mode: Mode,
    /// Least bytes of a chunk: [`CHUNK_BYTES`] (smaller in tests).
    chunk: u64,
    cuts: Vec<u64>,
    /// Bytes seen.
    pos: u64,
    /// Where the chunk being read started.
    from: u64,
    /// The last two bytes seen (to look behind and ahead across pieces).
    tail: [u8; 2],
    /// A candidate cut (just after an LF) waiting for the bytes after it.
    pending: Option<u64>,
    other_breaks: bool,
}

impl CutFinder {
    /// A finder for a text in this mode.
    pub fn new(mode: Mode) -> CutFinder {
        CutFinder::with_chunk(mode, CHUNK_BYTES as u64)
    }

    fn with_chunk(mode: Mode, chunk: u64) -> CutFinder {
        CutFinder {
            mode,
            chunk,
            cuts: Vec::new(),
            pos: 0,
            from: 0,
            tail: [0, 0],
            pending: None,
            other_breaks: false,
        }
    }

    /// The byte at absolute offset `at`, in this piece or the tail before it.
    fn byte(&self, piece: &[u8], at: u64) -> Option<u8> {
        if at >= self.pos {
            piece.get((at - self.pos) as usize).copied()
        } else if at + 2 >= self.pos {
            Some(self.tail[(at + 2 - self.pos) as usize])
        } else {
            None
        }
    }

    /// Decide a candidate cut `c` if the bytes after it are known: `Some`
    /// with whether it is a cut, `None` to wait for more.
    fn decide(&self, piece: &[u8], c: u64, end: u64) -> Option<bool> {
        if c >= end {
            return None;
        }
        Some(match self.mode {
            Mode::Lines => true,
            Mode::Paragraphs => match self.byte(piece, c)? {
                b'\n' => true,
                b'\r' => {
                    if c + 1 >= end {
                        return None;
                    }
                    self.byte(piece, c + 1)? == b'\n'
                }
                _ => false,
            },
        })
    }

    /// The next piece of the text.
    pub fn push(&mut self, piece: &[u8]) {
        let end = self.pos + piece.len() as u64;
        // NEL (C2 85), LS and PS (E2 80 A8/A9), also across pieces: a
        // sequence that crosses has at most two bytes on either side.
        if !self.other_breaks {
            let mut look = self.tail.to_vec();
            look.extend_from_slice(&piece[..piece.len().min(2)]);
            self.other_breaks = [piece, &look[..]].iter().any(|h| {
                ["\u{85}", "\u{2028}", "\u{2029}"]
                    .iter()
                    .any(|b| memchr::memmem::find(h, b.as_bytes()).is_some())
            });
        }
        let mut at = self.pos;
        loop {
            if let Some(c) = self.pending {
                match self.decide(piece, c, end) {
                    None => break,
                    Some(true) => {
                        self.cuts.push(c);
                        self.from = c;
                        self.pending = None;
                    }
                    Some(false) => self.pending = None,
                }
                at = at.max(c);
                continue;
            }
            let min = (self.from + self.chunk).max(1);
            // An LF at min - 1 or later makes a candidate at min or later.
            let look_from = at.max(min - 1);
            if look_from >= end {
                break;
            }
            let off = (look_from - self.pos) as usize;
            match memchr::memchr(b'\n', &piece[off..]) {
                Some(i) => {
                    let lf = self.pos + (off + i) as u64;
                    self.pending = Some(lf + 1);
                    at = lf + 1;
                }
                None => break,
            }
        }
        // Keep the last two bytes for the next piece.
        match piece.len() {
            0 => {}
            1 => self.tail = [self.tail[1], piece[0]],
            n => self.tail = [piece[n - 2], piece[n - 1]],
        }
        self.pos = end;
    }

    /// The text ended: its cuts (none if it is not UTF-8 or also breaks
    /// lines with NEL, LS or PS).
    pub fn finish(self, utf8: bool) -> Vec<u64> {
        if !utf8 || self.other_breaks {
            return Vec::new();
        }
        self.cuts
    }
}

/// Canonicalize a decoded text cut at clean cuts (`cuts`, byte offsets in
/// `text`, increasing), each part on its own, on all cores (C33). Returns
/// the canonical text and the number of blocks each part holds.
pub fn canonicalize_in_parts(text: &str, mode: Mode, cuts: &[usize]) -> (Canonical, Vec<usize>) {
    let ends: Vec<usize> = cuts.iter().copied().chain([text.len()]).collect();
    // Sealing holds every block until the archive is written: no spare
    // capacity kept (a third of the text, issue 12 point 6).
    let c = run_with_ends(text, mode, false, true, &ends);
    (c.0, c.1)
}

fn run_part(text: &str, mode: Mode, display: bool, compact: bool) -> (BlockSink, u64) {
    let sink = BlockSink {
        compact,
        ..BlockSink::default()
    };
    let mut c = if display {
        Canonicalizer::with_display(sink, mode)
    } else {
        Canonicalizer::new(sink, mode)
    };
    for_each_line(text, |p, e| c.push(p, e));
    let lines = c.lines();
    let mut sink = c.finish();
    sink.seal_last();
    (sink, lines)
}

fn run(text: &str, display: bool) -> Canonical {
    let parts = if text.len() >= PARALLEL_MIN_BYTES {
        rayon::current_num_threads().max(1)
    } else {
        1
    };
    run_in_parts(text, display, parts)
}

fn run_in_parts(text: &str, display: bool, parts: usize) -> Canonical {
    let other_breaks = has_other_breaks(text);
    let mode = detect_mode_with(text, other_breaks);
    // NEL, LS and PS end lines too; such rare texts take one pass.
    let parts = if other_breaks { 1 } else { parts };
    let ends = part_ends(text, mode, parts);
    run_with_ends(text, mode, display, false, &ends).0
}

/// Canonicalize the parts of `text` that end at `ends` (the last at the
/// text's end), on all cores; also the number of blocks of each part.
fn run_with_ends(
    text: &str,
    mode: Mode,
    display: bool,
    compact: bool,
    ends: &[usize],
) -> (Canonical, Vec<usize>) {
    use rayon::prelude::*;
    let starts = std::iter::once(0).chain(ends.iter().copied());
    let ranges: Vec<(usize, usize)> = starts.zip(ends.iter().copied()).collect();
    let done: Vec<(BlockSink, u64)> = ranges
        .par_iter()
        .map(|&(a, b)| run_part(&text[a..b], mode, display, compact))
        .collect();
    let mut blocks = Vec::with_capacity(done.iter().map(|d| d.0.blocks.len()).sum());
    let mut warnings = Vec::new();
    let per_part: Vec<usize> = done.iter().map(|d| d.0.blocks.len()).collect();
    let (mut blocks_before, mut lines_before) = (0, 0);
    for (sink, lines) in done {
        for mut w in sink.warnings {
            w.block += blocks_before;
            w.line += lines_before;
            warnings.push(w);
        }
        blocks_before += sink.blocks.len();
        let lines_before_part = lines_before;
        lines_before += lines;
        blocks.extend(
            sink.blocks
                .into_iter()
                .map(|(marker, text, published, line)| Block {
                    marker,
                    text,
                    published,
                    line: line + lines_before_part,
                }),
        );
    }
    (Canonical { blocks, warnings }, per_part)
}

/// Whether the text ends lines with NEL, LS or PS as well.
pub(crate) fn has_other_breaks(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memmem::find(b, "\u{85}".as_bytes()).is_some()
        || memchr::memmem::find(b, "\u{2028}".as_bytes()).is_some()
        || memchr::memmem::find(b, "\u{2029}".as_bytes()).is_some()
}

impl Canonical {
    /// Canonicalize a decoded text, keeping the display form of each block.
    pub fn new(text: &str) -> Canonical {
        run(text, true)
    }

    /// Canonicalize without keeping a display form (faster; for copies).
    pub fn fast(text: &str) -> Canonical {
        run(text, false)
    }

    /// SHA-256 (lowercase hex) and length of the canonical text, without
    /// writing it out.
    pub fn digest(&self) -> (String, u64) {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        let mut len = 0u64;
        let mut w = TextWriter::default();
        let mut put = |s: &str| {
            h.update(s.as_bytes());
            len += s.len() as u64;
        };
        for b in &self.blocks {
            w.block(b.marker, &mut put);
            put(&b.text);
        }
        w.finish(&mut put);
        (crate::digest::to_hex(h.finalize()), len)
    }

    /// The canonical text as bytes to hash and store.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(self.blocks.iter().map(|b| b.text.len() + 6).sum());
        let mut w = TextWriter::default();
        for b in &self.blocks {
            w.block(b.marker, &mut |s| out.push_str(s));
            out.push_str(&b.text);
        }
        w.finish(&mut |s| out.push_str(s));
        out
    }
}

/// Writes the structure of canonical text (block separators, markers, final
/// newline); block text goes straight to the output between calls. Shared by
/// the in-memory and the streaming paths, so both give the same bytes.
#[derive(Default)]
pub struct TextWriter {
    started: bool,
}

impl TextWriter {
    /// Start a block.
    pub fn block(&mut self, marker: Option<Marker>, out: &mut impl FnMut(&str)) {
        if self.started {
            out("\n\n");
        }
        self.started = true;
        if let Some(m) = marker {
            out(&marker_text(m));
            out(" ");
        }
    }
    /// End the text.
    pub fn finish(&mut self, out: &mut impl FnMut(&str)) {
        if self.started {
            out("\n");
        }
    }
}

/// Canonicalize a text to its canonical string.
pub fn canonicalize(text: &str) -> String {
    Canonical::fast(text).to_text()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Streamed in pieces of any size, the cut finder finds the cuts
        /// that the rule (C33) gives on the whole text: the first clean cut
        /// at least a chunk after the previous one, none in texts that also
        /// break lines with NEL, LS or PS.
        #[test]
        fn cuts_streamed_are_cuts_whole(
            parts in proptest::collection::vec(0u8..9, 0..400),
            chunk in 1u64..40,
            pieces in proptest::collection::vec(1usize..9, 1..30),
            lines in proptest::bool::ANY,
        ) {
            let mode = if lines { Mode::Lines } else { Mode::Paragraphs };
            let text: String = parts.iter().map(|p| match p {
                0 => "\n", 1 => "\r\n", 2 => "\n\n", 3 => "a", 4 => "word ",
                5 => "\r", 6 => "\u{2028}", 7 => "\u{85}", _ => "\u{e9}",
            }).collect();
            let b = text.as_bytes();
            let mut want = Vec::new();
            let mut at = 0u64;
            if !has_other_breaks(&text) {
                while let Some(c) = next_clean_cut(b, (at + chunk) as usize, mode) {
                    want.push(c as u64);
                    at = c as u64;
                }
            }
            let mut f = CutFinder::with_chunk(mode, chunk);
            let mut rest = b;
            let mut sizes = pieces.iter().cycle();
            while !rest.is_empty() {
                let n = (*sizes.next().unwrap()).min(rest.len());
                f.push(&rest[..n]);
                rest = &rest[n..];
            }
            proptest::prop_assert_eq!(f.finish(true), want);
        }
    }

    fn c(s: &str) -> String {
        canonicalize(s)
    }

    /// The word-at-a-time scan ends plain runs where a byte-at-a-time scan
    /// does.
    #[test]
    fn plain_runs_end_where_bytes_say() {
        fn slow(b: &[u8], mut i: usize) -> usize {
            loop {
                while i < b.len() && PLAIN[b[i] as usize] {
                    i += 1;
                }
                if i + 1 < b.len() && b[i] == b' ' && PLAIN[b[i + 1] as usize] {
                    i += 2;
                    continue;
                }
                return i;
            }
        }
        let alphabet = [
            b'a', b'Z', b'7', b' ', b'-', b'\t', 0x0B, 0x0C, 0xC3, 0xA9, b'.', b'\n',
        ];
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..100_000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let len = (rng % 40) as usize;
            let b: Vec<u8> = (0..len)
                .map(|k| alphabet[((rng >> (k % 50)) as usize + k * 7) % alphabet.len()])
                .collect();
            for i in 0..b.len() {
                if PLAIN[b[i] as usize] {
                    assert_eq!(plain_run_end(&b, i), slow(&b, i), "{b:?} at {i}");
                }
            }
        }
    }

    /// Long texts are canonicalized in parts, on all cores: the parts must
    /// give exactly what one pass over the whole text gives, blocks,
    /// display forms and warnings (block and line numbers) alike.
    #[test]
    fn parts_agree_with_one_pass() {
        let pieces = [
            "word",
            "Word",
            " ",
            "  ",
            "\t",
            "\u{00A0}",
            "\n",
            "\r\n",
            "\n\n",
            "\r\n\r\n",
            "\n\n\n",
            "\u{2022} ",
            "3. ",
            "(2) ",
            "12) ",
            "-",
            "--",
            "\u{2014}",
            "\u{2019}",
            "\u{201C}",
            "\u{00AD}",
            "\u{200B}",
            "\u{202E}",
            "\u{00E9}",
            "e\u{0301}",
            "Sharia-",
            "\u{2022}\n",
            "4.\n",
            ". ",
            "\u{FB01}",
            "\u{FF21}",
        ];
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        for lines in [false, true] {
            let mut t = String::new();
            while t.len() < 20_000 {
                let p = pieces[(next() % pieces.len() as u64) as usize];
                if lines && p.contains('\n') {
                    // Line mode: line ends, never an empty line.
                    t.push_str("\nx");
                    continue;
                }
                t.push_str(p);
            }
            let mode = detect_mode(&t);
            assert_eq!(mode == Mode::Lines, lines);
            for display in [false, true] {
                let whole = run_in_parts(&t, display, 1);
                assert!(!whole.warnings.is_empty());
                for parts in [2, 3, 7, 64] {
                    assert!(part_ends(&t, mode, parts).len() > 1);
                    assert_eq!(run_in_parts(&t, display, parts), whole, "{parts} parts");
                }
            }
        }
    }

    /// A dash rule longer than the 24 characters a separate display run
    /// used to look at: structure is decided once, so both forms have the
    /// same blocks (this input aborted a debug build before).
    #[test]
    fn long_dash_rule_gives_the_same_blocks_in_both_forms() {
        let t = format!("a\n{} b\n\nc\n", "-".repeat(30));
        let c = Canonical::new(&t);
        let f = Canonical::fast(&t);
        assert_eq!(c.blocks.len(), f.blocks.len());
        for (b, g) in c.blocks.iter().zip(&f.blocks) {
            assert_eq!((b.marker, &b.text), (g.marker, &g.text));
            let mut folded = fold_typography(b.display()).into_owned();
            while folded.contains("--") {
                folded = folded.replace("--", "-");
            }
            assert_eq!(folded, b.text, "display {:?}", b.display());
        }
    }

    /// The display form made alongside the canonical form in one pass is
    /// the text as published: typography, dashes and ligatures kept,
    /// markers, invisibles and line wrapping gone.
    #[test]
    fn one_pass_display_is_the_unfolded_text() {
        let cases: [(&str, &[&str]); 3] = [
            (
                "It\u{2019}s \u{201C}fine\u{201D} \u{2014} isn\u{2019}t it\u{2026}\n\n\u{2022} one \u{2013} two\n3. three\n",
                &[
                    "It\u{2019}s \u{201C}fine\u{201D} \u{2014} isn\u{2019}t it\u{2026}",
                    "one \u{2013} two",
                    "three",
                ],
            ),
            (
                "\u{2022}\nalone marker\n\n(2)\n\u{FB01}ne \u{FF21}\u{FF22}\n\na\u{00AD}b\u{200B}c -- d\n",
                &["alone marker", "\u{FB01}ne \u{FF21}\u{FF22}", "abc -- d"],
            ),
            (
                "word-\nwrapped and \u{2010}dash\u{2011}ed\r\nline\r\n\r\n12) point\n",
                &["word-wrapped and \u{2010}dash\u{2011}ed line", "point"],
            ),
        ];
        for (t, want) in cases {
            let got: Vec<String> = Canonical::new(t)
                .blocks
                .into_iter()
                .map(|b| b.display().to_owned())
                .collect();
            assert_eq!(got, want, "{t:?}");
        }
    }

    #[test]
    fn spaces_lines_and_wrapping() {
        assert_eq!(c("a  b\t c\u{00A0}d\u{3000}e\n"), "a b c d e\n");
        assert_eq!(c("one\r\ntwo\r\n\r\nthree"), "one two\n\nthree\n");
        assert_eq!(c("one\rtwo\r\rthree"), "one two\n\nthree\n");
        assert_eq!(c("  lead\n\n\n\n  trail  \n"), "lead\n\ntrail\n");
        // No blank line anywhere: every line is a block.
        assert_eq!(c("a\nb\nc"), "a\n\nb\n\nc\n");
    }

    #[test]
    fn word_broken_after_hyphen_rejoins() {
        assert_eq!(
            c("Sharia-\nbound and x -\ny\n\nz"),
            "Sharia-bound and x - y\n\nz\n"
        );
        assert_eq!(c("Sharia\u{2013}\nbound\n\nz"), "Sharia-bound\n\nz\n");
        let k = Canonical::new("Sharia\u{2013}\nbound\n\nz");
        assert_eq!(k.blocks[0].display(), "Sharia\u{2013}bound");
    }

    #[test]
    fn second_pass_changes_nothing_after_drops() {
        for t in [
            "e\u{00AD}\u{0301}",
            "\u{FF21}\u{0301}",
            "a\n-- b\n\nc\n",
            "-\u{202E}-",
            "x\r",
            "\u{2022}\n\u{2022}\ntext\n\nz",
            "\u{2022}\n\na",
        ] {
            let once = c(t);
            assert_eq!(c(&once), once, "{t:?}");
            let _ = Canonical::new(t);
        }
        assert_eq!(c("e\u{00AD}\u{0301}"), "\u{e9}\n");
    }

    #[test]
    fn crlf_split_across_pushes() {
        let mut out = Vec::new();
        let mut sp = LineSplitter::default();
        for piece in ["a\r", "", "\nb\r", "\n", "c"] {
            sp.push(piece, &mut |p, e| out.push((p.to_owned(), e)));
        }
        sp.finish(&mut |p, e| out.push((p.to_owned(), e)));
        let lines: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(lines, vec!["a", "b", "c"]);
    }

    #[test]
    fn quick_mode_detection_agrees() {
        for t in [
            "a\n\nb",
            "a\r\n\r\nb",
            "a\rb",
            "a\n \u{00A0}\nb",
            "\n\na\nb",
            "a\nb\n\n",
            "a\n\u{200B}\nb",
            "a\r\rb",
            "a\u{2029}b",
            "\u{2028}\n\nb\nc",
            "\u{85}\n\nb",
        ] {
            assert_eq!(detect_mode(t), detect_mode_slow(t), "{t:?}");
        }
    }

    #[test]
    fn typography_folds() {
        assert_eq!(
            c("\u{201C}it\u{2019}s\u{201D} \u{2014} ok\u{2026} \u{FB01}ne -- x"),
            "\"it's\" - ok... fine - x\n"
        );
        assert_eq!(c("\u{FF21}\u{FF11}"), "A1\n");
    }

    #[test]
    fn nfc_not_nfkc() {
        assert_eq!(c("e\u{0301}"), "\u{e9}\n");
        assert_eq!(c("x\u{00B2} 1\u{00BD}"), "x\u{00B2} 1\u{00BD}\n");
    }

    #[test]
    fn markers() {
        assert_eq!(
            c("Intro:\n\n\u{2022} one\n* two\n1) three\n(2) four\n\n3. five"),
            "Intro:\n\n- one\n\n- two\n\n1. three\n\n2. four\n\n3. five\n"
        );
        assert_eq!(parse_marker("2014. The"), None);
        assert_eq!(parse_marker("-5 degrees"), None);
        assert_eq!(parse_marker("12) x"), Some((Marker::Number(12), 4)));
    }

    #[test]
    fn invisibles_dropped_with_warning_bidi_kept() {
        let k = Canonical::new("wo\u{200B}rd so\u{00AD}ft");
        assert_eq!(k.to_text(), "word soft\n");
        assert_eq!(k.warnings.len(), 2);
        assert_eq!(k.warnings[0].kind, WarningKind::DroppedInvisible);
        let k = Canonical::new("a\u{202E}b");
        assert_eq!(k.to_text(), "a\u{202E}b\n");
        assert_eq!(k.warnings[0].kind, WarningKind::Bidi);
    }

    #[test]
    fn display_keeps_typography() {
        let k = Canonical::new("\u{2022} it\u{2019}s\n\nnext");
        assert_eq!(k.blocks[0].display(), "it\u{2019}s");
        assert_eq!(k.blocks[0].text, "it's");
        assert_eq!(k.blocks[0].marker, Some(Marker::Bullet));
    }

    #[test]
    fn long_lines_are_cut_consistently() {
        let long = "word ".repeat(MAX_PIECE / 2);
        let out = c(&long);
        assert_eq!(out.len(), long.len());
        assert_eq!(c(&out), out);
    }

    #[test]
    fn idempotent_on_declaration() {
        let t = include_str!("../../tests/data/declaration.txt");
        let once = c(t);
        assert_eq!(c(&once), once);
        assert_eq!(Canonical::new(t).blocks.len(), 30);
    }
}
