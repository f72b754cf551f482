//! The text of a document as readers build it, line by line: counts lines
//! as it goes, so quoted ranges and set-aside blocks can say where they
//! stand.

use super::{count_words, Body, SetAside};
use std::ops::Range;

/// A text being built: lines, blank lines between blocks, quoted ranges,
/// and set-aside blocks waiting for the line they stand before.
#[derive(Default)]
pub(crate) struct Out {
    text: String,
    /// Lines written (the last line is complete: `text` ends in `\n`).
    lines: u32,
    /// A blank line is due before the next line.
    gap: bool,
    quoted: Vec<Range<u32>>,
    set_aside: Vec<SetAside>,
    /// Set-aside blocks whose `before_line` is the next line written.
    waiting: Vec<usize>,
    pub(crate) notes: Vec<String>,
}

impl Out {
    /// End the current block: a blank line comes before the next line.
    pub(crate) fn gap(&mut self) {
        self.gap = self.lines > 0;
    }

    /// Write one line (no line break inside), quoted or not. Blank lines
    /// become block breaks.
    pub(crate) fn line(&mut self, line: &str, quoted: bool) {
        let line = line.trim_end();
        if line.trim().is_empty() {
            self.gap();
            return;
        }
        if self.gap {
            self.text.push('\n');
            self.lines += 1;
            self.gap = false;
            if quoted {
                // A quotation going on past a blank line covers it.
                if let Some(q) = self.quoted.last_mut() {
                    if q.end == self.lines {
                        q.end += 1;
                    }
                }
            }
        }
        self.text.push_str(line);
        self.text.push('\n');
        self.lines += 1;
        for i in self.waiting.drain(..) {
            self.set_aside[i].before_line = Some(self.lines);
        }
        if quoted {
            match self.quoted.last_mut() {
                Some(q) if q.end == self.lines => q.end += 1,
                _ => self.quoted.push(self.lines..self.lines + 1),
            }
        }
    }

    /// Write a block of text (lines separated by `\n`), then end it.
    pub(crate) fn block(&mut self, text: &str, quoted: bool) {
        self.gap();
        for l in text.lines() {
            self.line(l, quoted);
        }
        self.gap();
    }

    /// Record text set aside here, in the flow of the text: it stands
    /// before the next line written.
    pub(crate) fn set_aside_here(&mut self, what: impl Into<String>, text: &str) {
        self.set_aside_words(what, count_words(text), true);
    }

    /// Record a set-aside block of `words` words; `in_flow`: it stood at
    /// this point of the text.
    pub(crate) fn set_aside_words(&mut self, what: impl Into<String>, words: usize, in_flow: bool) {
        self.set_aside.push(SetAside {
            what: what.into(),
            words,
            before_line: None,
        });
        if in_flow {
            self.waiting.push(self.set_aside.len() - 1);
        }
    }

    /// The finished body.
    pub(crate) fn finish(self) -> Body {
        Body {
            text: self.text,
            quoted_lines: self.quoted,
            set_aside: self.set_aside,
            notes: self.notes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_blocks_quotes_and_set_asides() {
        let mut o = Out::default();
        o.set_aside_here("header", "Site name menu");
        o.block("one\ntwo", false);
        o.line("", false);
        o.line("quoted a", true);
        o.line("", true);
        o.line("quoted b", true);
        o.set_aside_here("signature", "-- me");
        o.line("after", false);
        o.set_aside_here("footer", "end");
        let b = o.finish();
        assert_eq!(b.text, "one\ntwo\n\nquoted a\n\nquoted b\nafter\n");
        assert_eq!(b.quoted_lines, vec![4..7]);
        assert_eq!(b.set_aside[0].before_line, Some(1));
        assert_eq!(b.set_aside[1].before_line, Some(7));
        assert_eq!(b.set_aside[2].before_line, None);
        assert_eq!(b.set_aside[0].words, 3);
    }
}
