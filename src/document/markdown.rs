//! Markdown, through pulldown-cmark (CommonMark): paragraphs, headings and
//! list items become blocks (list items with their `1. ` or `• ` marker),
//! emphasis and links keep only their text, `>` block quotes are marked as
//! quoted lines, code keeps its lines, inline HTML is dropped (`<br>`
//! breaks the line), images give their alternative text.

use super::out::Out;
use super::Body;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The readable body of a Markdown text.
pub fn extract(text: &str) -> Body {
    let mut out = Out::default();
    // The line being built, lists open (`Some(next number)` for ordered
    // ones), block-quote depth.
    let mut line = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut quote = 0usize;
    let mut image = 0usize;
    let flush = |line: &mut String, out: &mut Out, quote: usize| {
        for l in line.split('\n') {
            out.line(l, quote > 0);
        }
        line.clear();
    };
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    for ev in Parser::new_ext(text, opts) {
        match ev {
            Event::Start(tag) => match tag {
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::CodeBlock(_)
                | Tag::TableRow
                | Tag::TableHead
                    if !line.trim().is_empty() && !line.ends_with(' ') =>
                {
                    flush(&mut line, &mut out, quote);
                }
                Tag::BlockQuote(_) => {
                    flush(&mut line, &mut out, quote);
                    out.gap();
                    quote += 1;
                }
                Tag::List(start) => {
                    flush(&mut line, &mut out, quote);
                    out.gap();
                    lists.push(start);
                }
                Tag::Item => {
                    flush(&mut line, &mut out, quote);
                    out.gap();
                    match lists.last_mut() {
                        Some(Some(n)) => {
                            line.push_str(&format!("{n}. "));
                            *n += 1;
                        }
                        _ => line.push_str("\u{2022} "),
                    }
                }
                Tag::Image { .. } => image += 1,
                Tag::TableCell if !line.is_empty() => line.push(' '),
                _ => {}
            },
            Event::End(end) => match end {
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::Item => {
                    flush(&mut line, &mut out, quote);
                    out.gap();
                }
                TagEnd::BlockQuote(_) => {
                    flush(&mut line, &mut out, quote);
                    out.gap();
                    quote = quote.saturating_sub(1);
                }
                TagEnd::List(_) => {
                    flush(&mut line, &mut out, quote);
                    out.gap();
                    lists.pop();
                }
                TagEnd::Image => image = image.saturating_sub(1),
                _ => {}
            },
            Event::Text(t) | Event::Code(t) => line.push_str(&t),
            Event::SoftBreak => line.push('\n'),
            Event::HardBreak => line.push('\n'),
            Event::InlineHtml(h) | Event::Html(h) => {
                let l = h.trim().to_ascii_lowercase();
                if l.starts_with("<br") {
                    line.push('\n');
                }
            }
            Event::FootnoteReference(_) | Event::TaskListMarker(_) | Event::Rule => {}
            Event::InlineMath(t) | Event::DisplayMath(t) => line.push_str(&t),
        }
    }
    let _ = image;
    flush(&mut line, &mut out, quote);
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_lists_emphasis_and_quotes() {
        let md = "# Paris meeting\n\nThe *convention* said:\n\n> 1. The **overthrow** of the\n> clerical regime.\n>\n> 2. The clerical\n\n- one\n- [two](http://x)\n\n3. three\n4. four\n";
        let b = extract(md);
        assert_eq!(
            b.text,
            "Paris meeting\n\nThe convention said:\n\n1. The overthrow of the\nclerical regime.\n\n2. The clerical\n\n\u{2022} one\n\n\u{2022} two\n\n3. three\n\n4. four\n"
        );
        assert_eq!(b.quoted_lines, vec![5..9]);
    }
}
