//! Self-contained HTML reports for people who will never run a command:
//! one file, inline CSS, no script, no network. Semantic and accessible
//! (`<del>`/`<ins>` with words and symbols as well as colour, landmarks,
//! headings); right-to-left text displays correctly (`dir="auto"` on every
//! passage); invisible and bidi control characters are shown as visible
//! badges instead of acting on the page.

use crate::compare::changes::Change;
use crate::compare::check::{CheckReport, Status, Verdict};
use crate::compare::diff::{DiffReport, DiffStatus};
use crate::report::{split_marker, word_pieces, Against, PieceTag};

/// Escape text for HTML, and make invisible characters visible.
pub fn text(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => {
                let name = crate::text::canon::bidi_name(c)
                    .or_else(|| crate::text::canon::invisible_name(c))
                    // ZWNJ and ZWJ are ordinary in Persian and Arabic
                    // spelling: shown as they are, not as badges.
                    .or(match c {
                        '\u{E0000}'..='\u{E007F}' => Some("tag character"),
                        _ => None,
                    });
                match name {
                    Some(n) => o.push_str(&format!(
                        "<span class=\"invisible\" title=\"{n}\">U+{:04X}<span class=\"sr\" dir=\"ltr\"> ({n})</span></span>",
                        c as u32
                    )),
                    None => o.push(c),
                }
            }
        }
    }
    o
}

const CSS: &str = r#"
:root{--fg:#1b1b1b;--muted:#5a5a5a;--bg:#fff;--del:#b00020;--del-bg:#fde7ea;--ins:#0a6b2d;--ins-bg:#e3f5e8;--warn:#8a5a00;--line:#ddd}
*{box-sizing:border-box}
body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",Tahoma,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:60rem;padding:1.5rem}
h1{font-size:1.5rem;margin:.2rem 0}
h2{font-size:1.2rem;border-bottom:1px solid var(--line);padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1rem;margin:0 0 .3rem 0}
.verdict{font-size:1.25rem;font-weight:700;padding:.6rem .9rem;border-radius:.4rem;border:2px solid}
.verdict.ok{color:var(--ins);background:var(--ins-bg)}
.verdict.bad{color:var(--del);background:var(--del-bg)}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;font-size:.9rem}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0;font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
article.sec{border-left:4px solid var(--line);padding:.3rem .8rem;margin:.6rem 0}
article.sec.intact{color:var(--muted)}
article.sec.altered,article.sec.changed{border-left-color:var(--del)}
article.sec.missing,article.sec.removed{border-left-color:var(--del);background:var(--del-bg)}
article.sec.added{border-left-color:var(--ins);background:var(--ins-bg)}
article.sec.moved{border-left-color:var(--warn)}
.sid{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
.status{font-size:.85rem;font-weight:600;text-transform:uppercase;letter-spacing:.03em}
p.txt{margin:.2rem 0;unicode-bidi:plaintext}
del{color:var(--del);background:var(--del-bg);text-decoration:line-through;text-decoration-thickness:2px}
ins{color:var(--ins);background:var(--ins-bg);text-decoration:underline;text-decoration-thickness:2px}
del::before{content:"[\2212";font-weight:700;display:inline-block}
del::after{content:"]";font-weight:700;display:inline-block}
ins::before{content:"[+";font-weight:700;display:inline-block}
ins::after{content:"]";font-weight:700;display:inline-block}
mark.odd{background:#ffe08a;color:#000;border-bottom:2px solid #8a5a00}
.cp{font:700 .7rem ui-monospace,monospace;vertical-align:super;margin-left:.1rem}
.invisible{font:700 .75rem ui-monospace,monospace;color:#fff;background:#6a1b9a;border-radius:.2rem;padding:0 .2rem;margin:0 .1rem}
ul.changes{font-size:.9rem;margin:.3rem 0;padding-left:1.2rem}
ul.what{margin:.3rem 0;padding-left:1.2rem}
ul.what a{color:inherit}
p.signed{font-size:.95rem;margin:.5rem 0}
details.same{margin:.4rem 0;border-left:4px solid var(--line);padding:.2rem .8rem}
details.same>summary{cursor:pointer;color:var(--muted)}
div.side{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
div.side h4{margin:.2rem 0;font-size:.85rem;color:var(--muted)}
p.label,p.note{font-size:.85rem;color:var(--muted);margin:.1rem 0}
@media (max-width:40rem){div.side{grid-template-columns:1fr}}
.class{font-weight:700}
.warnings li{color:var(--warn)}
pre{background:#f5f5f5;padding:.7rem;overflow-x:auto;font-size:.85rem}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
footer{margin-top:2rem;color:var(--muted);font-size:.85rem}
@media (prefers-color-scheme:dark){:root{--fg:#eee;--muted:#aaa;--bg:#121212;--del:#ff8a9a;--del-bg:#3a1218;--ins:#7be39a;--ins-bg:#0f2e1a;--line:#333}pre{background:#1e1e1e}}
"#;

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"vellum {}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n<footer><p>Made by vellum {}. This page is self-contained: it loads nothing and runs no script.</p></footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        text(title),
        env!("CARGO_PKG_VERSION")
    )
}

fn meta(a: &Against) -> String {
    format!(
        "<dl class=\"meta\"><dt>Archive</dt><dd>{}</dd><dt>Archive id</dt><dd>{}</dd><dt>Version</dt><dd>v{}</dd><dt>Sealed on (the signer&#39;s clock)</dt><dd>{}</dd><dt>Signed by (key fingerprint)</dt><dd>{} (key id {}, from {})</dd><dt>Sealed text&#39;s fingerprint (manifest SHA-256)</dt><dd>{}</dd><dt>Signed checkpoint (SHA-256)</dt><dd>{}</dd><dt>How the text is compared (canonical text)</dt><dd>{}</dd><dt>Verified</dt><dd>{}</dd></dl>",
        text(&a.archive_path),
        text(&a.archive),
        a.version,
        text(&a.created),
        text(&a.signer_fingerprint),
        text(&a.signer_key_id),
        text(&a.signer_key_file),
        text(&a.manifest_sha256),
        text(&a.checkpoint_sha256),
        text(&a.canonical_text),
        text(a.verification.describe())
    )
}

/// The line near the top that says what was verified and by whom: in
/// plain words, who sealed the version and how many co-signed it (N2).
fn signed_line(a: &Against) -> String {
    let named = !a.signer_name.starts_with("key ");
    if a.cosigners.is_empty() && !named {
        return format!(
            "<p class=\"signed\">Signature valid: version {} of <span class=\"sid\">{}</span> was signed by the key <span class=\"sid\">{}</span> ({}), one you trust.</p>",
            a.version,
            text(&a.archive),
            text(&a.signer_fingerprint),
            text(&a.signer_key_file)
        );
    }
    let mut s = format!(
        "<p class=\"signed\">Signature valid: version {} of <span class=\"sid\">{}</span> was signed by {}, one you trust.",
        a.version,
        text(&a.archive),
        text(&a.signer_name)
    );
    let counted: Vec<&crate::verify::SignerReport> =
        a.cosigners.iter().filter(|c| c.counts).collect();
    if !counted.is_empty() {
        let names: Vec<String> = counted.iter().map(|c| text(&c.name)).collect();
        s.push_str(&format!(
            " {} more {} you trust co-signed it: {}.",
            counted.len(),
            if counted.len() == 1 { "key" } else { "keys" },
            names.join("; ")
        ));
    }
    let others = a.cosigners.len() - counted.len();
    if others > 0 {
        s.push_str(&format!(
            " {others} co-signature(s) by keys you do not trust (or no longer count) were not counted."
        ));
    }
    s.push_str(&format!(
        " In all, {} distinct trusted {} stand behind this version.</p>",
        a.distinct_signers,
        if a.distinct_signers == 1 {
            "key"
        } else {
            "keys"
        }
    ));
    s
}

/// One section of a report, for check and diff alike.
fn section_article(id: &str, class: &str, label: &str, body: &str, changes: &str) -> String {
    format!(
        "<article class=\"sec {class}\" id=\"{}\"><h3><span class=\"sid\">{}</span> <span class=\"status\">{label}</span></h3>{body}{changes}</article>\n",
        text(id),
        text(id)
    )
}

/// Sections in order, each run of unchanged ones folded into one
/// `<details>` (no script needed), so that the changes come first to the
/// eye: `(id, unchanged, html)`.
fn folded_sections(items: &[(String, bool, String)]) -> String {
    let mut o = String::new();
    let mut i = 0;
    while i < items.len() {
        if !items[i].1 {
            o.push_str(&items[i].2);
            i += 1;
            continue;
        }
        let start = i;
        while i < items.len() && items[i].1 {
            i += 1;
        }
        let span = if i - start == 1 {
            items[start].0.clone()
        } else {
            format!("{} to {}", items[start].0, items[i - 1].0)
        };
        o.push_str(&format!(
            "<details class=\"same\"><summary>{} unchanged section{}: {}</summary>\n",
            i - start,
            if i - start == 1 { "" } else { "s" },
            text(&span)
        ));
        for it in &items[start..i] {
            o.push_str(&it.2);
        }
        o.push_str("</details>\n");
    }
    o
}

/// The short list of what changed, each with a link to its section.
fn change_list(items: &[(String, String)]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let mut o = String::from(
        "<section aria-labelledby=\"what\"><h2 id=\"what\">What changed</h2><ul class=\"what\">",
    );
    for (id, what) in items {
        o.push_str(&format!(
            "<li><a href=\"#{}\"><span class=\"sid\">{}</span></a>: {}</li>",
            text(id),
            text(id),
            text(what)
        ));
    }
    o.push_str("</ul></section>\n");
    o
}

/// A change in a few words: "number: 87 → 97".
fn change_words(c: &Change) -> String {
    let show = |s: &str| {
        if s.is_empty() {
            "(nothing)".to_owned()
        } else {
            format!("\u{201C}{s}\u{201D}")
        }
    };
    format!(
        "{}: {} \u{2192} {}",
        c.class.name(),
        show(&c.sealed),
        show(&c.found)
    )
}

/// Letters from another script inside a word of mostly ASCII letters (a
/// Cyrillic а in "Pаris"): highlighted, with their code point.
fn mark_odd(t: &str) -> String {
    let mut o = String::new();
    for (k, word) in t.split(' ').enumerate() {
        if k > 0 {
            o.push(' ');
        }
        let mixed = word.chars().any(|c| c.is_ascii_alphabetic())
            && word.chars().any(|c| c.is_alphabetic() && !c.is_ascii());
        if !mixed {
            o.push_str(&text(word));
            continue;
        }
        for c in word.chars() {
            if c.is_alphabetic() && !c.is_ascii() {
                o.push_str(&format!(
                    "<mark class=\"odd\" title=\"U+{cp:04X}: a letter from another script\">{}<span class=\"cp\">U+{cp:04X}</span></mark>",
                    text(&c.to_string()),
                    cp = c as u32
                ));
            } else {
                o.push_str(&text(&c.to_string()));
            }
        }
    }
    o
}

/// Inline marked-up comparison of two wordings: `old` as published (its
/// typography kept), `new` as found.
fn marked(old: &str, new: &str) -> String {
    let mut o = String::new();
    for p in word_pieces(old, new) {
        match p.tag {
            PieceTag::Same => o.push_str(&text(&p.text)),
            PieceTag::Del => o.push_str(&format!(
                "<del><span class=\"sr\" dir=\"ltr\">deleted: </span>{}</del>",
                mark_odd(&p.text)
            )),
            PieceTag::Ins => o.push_str(&format!(
                "<ins><span class=\"sr\" dir=\"ltr\">inserted: </span>{}</ins>",
                mark_odd(&p.text)
            )),
        }
    }
    o
}

fn changes_list(ch: &[Change], (from, to): (&str, &str)) -> String {
    if ch.is_empty() {
        return String::new();
    }
    let mut o = String::from("<ul class=\"changes\">");
    for c in ch {
        let class = c.class.name().to_owned();
        let show = |s: &str| {
            if s.is_empty() {
                "(nothing)".to_owned()
            } else {
                format!("\u{201C}{}\u{201D}", mark_odd(s))
            }
        };
        o.push_str(&format!(
            "<li><span class=\"class\">{}{}</span>: {from} {} &rarr; {to} {}</li>",
            text(&class),
            if c.minor { " (minor)" } else { "" },
            show(&c.sealed),
            show(&c.found)
        ));
    }
    o.push_str("</ul>");
    o
}

fn verify_commands(a: &Against) -> String {
    let id = &a.archive;
    let v = a.version;
    // The signer's files are named by its fingerprint (rule O4).
    let tag = crate::crypto::keys::Fingerprint::parse(&a.signer_fingerprint)
        .map(|f| f.file_tag())
        .unwrap_or_else(|| "TAG".into());
    format!(
        "<h2 id=\"verify\">Verify the archive yourself</h2>\n<p>With vellum, against the publisher&#39;s public key obtained from a source you trust (never from inside the archive):</p>\n<pre><code>vellum verify {path} --trust PUBLISHER.pub</code></pre>\n<p>Or with standard tools only:</p>\n<pre><code>unzip {path} -d unpacked\nbagit.py --validate unpacked/{id}\nocfl-validate.py unpacked/{id}/data\nminisign -V -p PUBLISHER.pub -m unpacked/{id}/data/v{v}/content/manifest.json -x unpacked/{id}/data/v{v}/content/manifest.json.{tag}.minisig</code></pre>\n<p>The signed manifest lists the SHA-256 of the original text and of every section; its own SHA-256 is <code>{m}</code>. The signer&#39;s key fingerprint is <code>{fp}</code>: compare it with the one the publisher announces. One section can be proven to anyone with <code>vellum prove {path} SECTION</code>.</p>",
        path = text(&a.archive_path),
        id = text(id),
        m = text(&a.manifest_sha256),
        fp = text(&a.signer_fingerprint),
    )
}

/// The HTML report of a check: the verdict, who signed, what changed (with
/// links); then the passages of a document of several; then the sealed
/// text section by section, unchanged sections folded.
pub fn check_page(copy: &str, a: &Against, r: &CheckReport) -> String {
    let ok = r.verdict.is_ok();
    // The verdict and the one-line summary the terminal shows.
    let word = r.verdict.as_str();
    let verdict = format!(
        "{}{}: {}.",
        word[..1].to_uppercase(),
        &word[1..],
        crate::report::human::check_summary(r)
    );
    let mut b = String::new();
    b.push_str(&format!(
        "<header>\n<h1>Check of <span class=\"sid\">{}</span></h1>\n<p class=\"verdict {}\" role=\"status\">{}</p>\n{}\n",
        text(copy),
        if ok { "ok" } else { "bad" },
        text(&verdict),
        signed_line(a)
    ));
    // What changed, first.
    let excerpt = r.verdict == Verdict::Excerpt;
    let in_passage = |id: &str| {
        r.passages
            .iter()
            .any(|p| p.sections.iter().any(|x| x == id))
    };
    let mut what: Vec<(String, String)> = Vec::new();
    for s in &r.sections {
        match s.status {
            Status::Altered => {
                let cs: Vec<String> = s.changes.iter().take(3).map(change_words).collect();
                what.push((s.id.clone(), format!("altered, {}", cs.join("; "))));
            }
            Status::Missing if !excerpt && in_passage(&s.id) => {
                what.push((s.id.clone(), "missing from the document".into()))
            }
            Status::Moved => what.push((s.id.clone(), "moved".into())),
            Status::Added => what.push((s.id.clone(), "added: not in the sealed text".into())),
            _ => {}
        }
    }
    b.push_str("</header>\n<main>\n");
    b.push_str(&change_list(&what));
    if !r.warnings.is_empty() || !r.notes.is_empty() {
        b.push_str("<section aria-labelledby=\"warn\"><h2 id=\"warn\">Warnings and notes</h2><ul class=\"warnings\">");
        for w in r.warnings.iter().chain(&r.notes) {
            b.push_str(&format!("<li>{}</li>", text(w)));
        }
        b.push_str("</ul></section>\n");
    }
    // The passages, side by side with the sealed text they come from, for
    // a document of several (a page quoting the text here and there).
    if r.passages.len() > 1 || (excerpt && !r.passages.is_empty()) {
        b.push_str("<section aria-labelledby=\"pass\"><h2 id=\"pass\">The passages of this document that come from the sealed text</h2>\n");
        for p in &r.passages {
            let altered = p.status == crate::compare::check::PassageStatus::Altered;
            let head = format!(
                "line {}, column {}{}: {}",
                p.start.line,
                p.start.column,
                if p.quoted { ", quoted" } else { "" },
                match p.sections.as_slice() {
                    [one] => one.clone(),
                    [first, .., last] => format!("{first} to {last}"),
                    [] => String::new(),
                }
            );
            let body = format!(
                "<p class=\"label\">{}</p><div class=\"side\"><div><h4>Sealed text</h4><p class=\"txt\" dir=\"auto\">{}</p></div><div><h4>This document</h4><p class=\"txt\" dir=\"auto\">{}</p></div></div>",
                text(&head),
                text(&p.sealed_text),
                if altered {
                    marked(&p.sealed_text, &p.document_text)
                } else {
                    text(&p.document_text)
                }
            );
            let mut notes = String::new();
            for n in p.cut.iter().chain(&p.notes) {
                notes.push_str(&format!("<p class=\"note\">{}</p>", text(n)));
            }
            b.push_str(&section_article(
                &p.id,
                if altered { "altered" } else { "intact" },
                if altered { "altered" } else { "intact" },
                &(body + &notes),
                "",
            ));
        }
        b.push_str("</section>\n");
    }
    b.push_str("<section aria-labelledby=\"secs\"><h2 id=\"secs\">The sealed text, section by section</h2>\n");
    b.push_str("<p>Deleted words are <del><span class=\"sr\">deleted: </span>struck through</del>, inserted words <ins><span class=\"sr\">inserted: </span>underlined</ins>. Sections without a change are folded: open them to read them.</p>\n");
    let mut items = Vec::new();
    for s in &r.sections {
        let not_quoted = s.status == Status::Missing && (excerpt || !in_passage(&s.id));
        let (cls, label) = match s.status {
            Status::Intact => ("intact", "intact"),
            Status::Altered => ("altered", "altered"),
            Status::Missing if not_quoted => ("intact", "not in the document"),
            Status::Missing => ("missing", "missing from the document"),
            Status::Partial => ("intact", "in part: cut off inside a sentence"),
            Status::Moved => ("moved", "moved"),
            Status::Added => ("added", "added: not in the sealed text"),
        };
        let body = match s.status {
            Status::Altered => {
                let (marker, words) = split_marker(&s.text);
                let sealed = s.covered.as_deref().unwrap_or(words);
                format!(
                    "<p class=\"txt\" dir=\"auto\">{}{}</p>",
                    if s.covered.is_some() { "" } else { marker },
                    marked(sealed, s.found.as_deref().unwrap_or(""))
                )
            }
            Status::Missing if !not_quoted => format!("<p class=\"txt\" dir=\"auto\"><del><span class=\"sr\" dir=\"ltr\">missing: </span>{}</del></p>", text(&s.text)),
            Status::Added => format!("<p class=\"txt\" dir=\"auto\"><ins><span class=\"sr\" dir=\"ltr\">added: </span>{}</ins></p>", text(&s.text)),
            _ => format!("<p class=\"txt\" dir=\"auto\">{}</p>", text(&s.text)),
        };
        let unchanged = matches!(s.status, Status::Intact | Status::Partial) || not_quoted;
        items.push((
            s.id.clone(),
            unchanged,
            section_article(
                &s.id,
                cls,
                label,
                &body,
                &changes_list(&s.changes, ("sealed", "found")),
            ),
        ));
    }
    b.push_str(&folded_sections(&items));
    b.push_str("</section>\n");
    b.push_str(&format!(
        "<section aria-labelledby=\"about\"><h2 id=\"about\">The sealed version</h2>{}</section>\n",
        meta(a)
    ));
    b.push_str(&verify_commands(a));
    b.push_str("\n</main>");
    page(
        &format!("vellum check: {} \u{2014} {}", r.verdict.as_str(), copy),
        &b,
    )
}

/// The HTML report of a diff.
pub fn diff_page(
    old: &str,
    old_meta: Option<&Against>,
    new: &str,
    new_meta: Option<&Against>,
    r: &DiffReport,
) -> String {
    let sm = &r.summary;
    let summary = if r.same {
        "Same text: the canonical texts are identical.".to_owned()
    } else {
        format!(
            "Different: {} section(s) changed, {} added, {} removed, {} moved, {} unchanged.",
            sm.changed, sm.added, sm.removed, sm.moved, sm.unchanged
        )
    };
    let mut b = format!(
        "<header>\n<h1>Differences between <span class=\"sid\">{}</span> and <span class=\"sid\">{}</span></h1>\n<p class=\"verdict {}\" role=\"status\">{}</p>\n",
        text(old),
        text(new),
        if r.same { "ok" } else { "bad" },
        text(&summary)
    );
    for m in [old_meta, new_meta].into_iter().flatten() {
        b.push_str(&signed_line(m));
    }
    b.push_str("</header>\n<main>\n");
    if !r.notes.is_empty() {
        b.push_str(
            "<section aria-labelledby=\"notes\"><h2 id=\"notes\">Notes</h2><ul class=\"warnings\">",
        );
        for n in &r.notes {
            b.push_str(&format!("<li>{}</li>", text(n)));
        }
        b.push_str("</ul></section>\n");
    }
    let mut what: Vec<(String, String)> = Vec::new();
    for s in &r.sections {
        match s.status {
            DiffStatus::Changed => {
                let cs: Vec<String> = s.changes.iter().take(3).map(change_words).collect();
                what.push((s.id.clone(), format!("changed, {}", cs.join("; "))));
            }
            DiffStatus::Unchanged => {}
            other => what.push((s.id.clone(), other.as_str().to_owned())),
        }
    }
    b.push_str(&change_list(&what));
    b.push_str("<section aria-labelledby=\"secs\"><h2 id=\"secs\">Section by section</h2>\n<p>Deleted words are <del><span class=\"sr\">deleted: </span>struck through</del>, inserted words <ins><span class=\"sr\">inserted: </span>underlined</ins>. Sections without a change are folded: open them to read them.</p>\n");
    let mut items = Vec::new();
    for s in &r.sections {
        let (cls, label) = match s.status {
            DiffStatus::Unchanged => ("intact", "unchanged"),
            DiffStatus::Changed => ("changed", "changed"),
            DiffStatus::Added => ("added", "added"),
            DiffStatus::Removed => ("removed", "removed"),
            DiffStatus::Moved => ("moved", "moved"),
        };
        let body = match s.status {
            DiffStatus::Changed => {
                let (marker, words) = split_marker(&s.text);
                format!(
                    "<p class=\"txt\" dir=\"auto\">{}{}</p>",
                    text(marker),
                    marked(words, s.new_text.as_deref().unwrap_or(""))
                )
            }
            DiffStatus::Removed => format!("<p class=\"txt\" dir=\"auto\"><del><span class=\"sr\" dir=\"ltr\">removed: </span>{}</del></p>", text(&s.text)),
            DiffStatus::Added => format!("<p class=\"txt\" dir=\"auto\"><ins><span class=\"sr\" dir=\"ltr\">added: </span>{}</ins></p>", text(&s.text)),
            _ => format!("<p class=\"txt\" dir=\"auto\">{}</p>", text(&s.text)),
        };
        items.push((
            s.id.clone(),
            s.status == DiffStatus::Unchanged,
            section_article(
                &s.id,
                cls,
                label,
                &body,
                &changes_list(&s.changes, ("old", "new")),
            ),
        ));
    }
    b.push_str(&folded_sections(&items));
    b.push_str("</section>\n");
    for (label, m) in [("Old", old_meta), ("New", new_meta)] {
        if let Some(m) = m {
            b.push_str(&format!(
                "<h2>{label}: {}</h2>{}",
                text(&format!("{} v{}", m.archive, m.version)),
                meta(m)
            ));
        }
    }
    if let Some(m) = new_meta.or(old_meta) {
        b.push_str(&verify_commands(m));
    }
    b.push_str("\n</main>");
    page(&format!("vellum diff: {old} \u{2192} {new}"), &b)
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_and_shows_invisibles() {
        let t = super::text("<b>&\u{202E}x");
        assert!(t.starts_with("&lt;b&gt;&amp;"));
        assert!(t.contains("U+202E"));
        assert!(!t.contains('\u{202E}'));
    }
}
