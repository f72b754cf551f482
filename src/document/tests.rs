//! What each reader extracts from the documents of tests/documents/ (made
//! by tests/documents/make_documents.py) and from hostile inputs.

use super::*;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/documents")
}

/// The first document `read` gives for `bytes` named `name`.
fn first(name: &str, bytes: &[u8]) -> Result<Document, DocumentError> {
    read(Some(name), bytes, &ReadOptions::default(), &|_| true).remove(0)
}

fn read_file(name: &str) -> Vec<Result<Document, DocumentError>> {
    let bytes = std::fs::read(dir().join(name)).unwrap();
    read(Some(name), &bytes, &ReadOptions::default(), &|_| true)
}

/// `VELLUM_DUMP=file cargo test --lib document::tests::dump -- --ignored --nocapture`
#[test]
#[ignore = "a tool: prints what a document reads as"]
fn dump() {
    let name = std::env::var("VELLUM_DUMP").unwrap();
    for d in read_file(&name) {
        match d {
            Ok(d) => {
                println!(
                    "== {} {:?} url={:?} dismissed={}",
                    d.label, d.format, d.url, d.dismissed
                );
                for (i, l) in d.text.lines().enumerate() {
                    let q = d.quoted_lines.iter().any(|r| r.contains(&(i as u32 + 1)));
                    println!("{:4}{} {}", i + 1, if q { ">" } else { " " }, l);
                }
                println!("quoted: {:?}", d.quoted_lines);
                for s in &d.set_aside {
                    println!("set aside: {s:?}");
                }
                println!("notes: {:?}", d.notes);
            }
            Err(e) => println!("ERROR {e}"),
        }
    }
}

/// The declaration as its readers give it: ending in a line break.
static DECL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let raw = include_str!("../../tests/data/declaration.txt");
    format!("{}\n", raw.trim_end())
});

fn one(name: &str) -> Document {
    let mut docs = read_file(name);
    assert_eq!(docs.len(), 1, "{name}");
    docs.remove(0).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Words joined by single spaces: line breaks and rewrapping do not matter.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn whats(d: &Document) -> Vec<&str> {
    d.set_aside.iter().map(|s| s.what.as_str()).collect()
}

/// The 1-based line of `text` that starts with `start`.
fn line_of(text: &str, start: &str) -> u32 {
    text.lines()
        .position(|l| l.starts_with(start))
        .expect(start) as u32
        + 1
}

fn is_quoted(d: &Document, line: u32) -> bool {
    d.quoted_lines.iter().any(|r| r.contains(&line))
}

// ---------------------------------------------------------------- HTML

#[test]
fn semantic_page_keeps_the_text_headline_and_byline_and_sets_furniture_aside() {
    let d = one("page-semantic.html");
    assert_eq!(d.format, Format::Html);
    let head =
        "Final declaration of the Paris convention\n\nPosted on February 9, 2014 by editor\n\n";
    assert_eq!(d.text, format!("{head}{}", *DECL));
    assert_eq!(
        whats(&d),
        [
            "header",
            "div.sharedaddy",
            "footer",
            "div.comments-area",
            "aside",
            "footer",
            "[role=dialog]"
        ]
    );
    // The site header stood before the headline; the rest came after the text.
    assert_eq!(d.set_aside[0].before_line, Some(1));
    assert!(d.set_aside[1..].iter().all(|s| s.before_line.is_none()));
    assert_eq!(
        d.set_aside[3].words, 88,
        "the three comments and the reply form"
    );
    assert!(d.quoted_lines.is_empty() && d.notes.is_empty());
}

#[test]
fn div_page_furniture_is_known_by_class_names() {
    let d = one("page-divs.html");
    assert_eq!(
        d.text,
        format!(
            "Final declaration of the Paris convention\n\n9 February 2014\n\n{}",
            *DECL
        )
    );
    assert_eq!(
        whats(&d),
        [
            "div.header-wrap",
            "div.breadcrumbs",
            "div.social-share",
            "div.related-posts",
            "div.comments",
            "div.sidebar",
            "div.bottom-footer"
        ]
    );
}

#[test]
fn headline_byline_and_standfirst_are_text() {
    let d = one("headline-byline.html");
    assert!(d.text.starts_with(
        "Convention of Iranian communities adopts declaration in Paris\n\n\
         By Leila Ahmadi, Paris correspondent \u{b7} 9 February 2014\n\n\
         Representatives of more than 300"
    ));
    assert!(d.text.ends_with(DECL.as_str()));
    assert!(d.set_aside.is_empty());
}

#[test]
fn an_advertisement_between_bullets_is_set_aside_where_it_stood() {
    let d = one("ad-inside.html");
    assert_eq!(
        d.text,
        format!("Final declaration of the Paris convention\n\n{}", *DECL)
    );
    assert_eq!(d.set_aside.len(), 1);
    let ad = &d.set_aside[0];
    assert_eq!(ad.what, "div.advertisement");
    assert_eq!(ad.words, 17);
    assert_eq!(
        ad.before_line,
        Some(line_of(&d.text, "\u{2022} Being irresponsible"))
    );
}

#[test]
fn a_listing_keeps_both_items_as_text() {
    let d = one("listing-unrelated-after.html");
    let p1 = DECL.split("\n\n").next().unwrap();
    assert!(d
        .text
        .contains(&format!("February 10, 2014\n\n{p1}\n\nRead more\n\n")));
    assert!(d
        .text
        .contains("Residents of Camp Liberty in Iraq appealed"));
    assert_eq!(whats(&d), ["header", "nav", "footer", "[role=dialog]"]);
}

#[test]
fn blockquote_lines_are_quoted_and_q_gets_quotation_marks() {
    let d = one("article-faithful-quotes.html");
    let bq = line_of(&d.text, "We need to work together");
    assert_eq!(d.quoted_lines, vec![bq..bq + 1]);
    assert!(d.text.contains(
        "it says that \u{201c}Iranian society is in an explosive state and the clerical regime is \
         at a position to be overthrown.\u{201d} Few"
    ));
    assert!(d.text.contains(
        "condemns \u{201c}The suppression of women and deprivation of their fundamental rights\u{201d}."
    ));
    assert_eq!(whats(&d), ["nav", "footer"]);
}

#[test]
fn html_nested_absurdly_deep_is_refused_quickly() {
    let deep = format!(
        "<html><body>{}x{}</body></html>",
        "<div>".repeat(50_000),
        "</div>".repeat(50_000)
    );
    let r = read(
        Some("a.html"),
        deep.as_bytes(),
        &ReadOptions::default(),
        &|_| true,
    );
    assert_eq!(
        r,
        vec![Err(DocumentError::TooDeep {
            limit: crate::limits::MAX_HTML_DEPTH
        })]
    );
    let ok = format!(
        "<html><body>{}text{}</body></html>",
        "<div>".repeat(100),
        "</div>".repeat(100)
    );
    assert_eq!(
        read_copy(Some("a.html"), ok.as_bytes()).unwrap().0,
        "text\n"
    );
}

#[test]
fn a_form_holding_the_whole_page_is_not_furniture() {
    let page = format!(
        "<html><body><form id=\"aspnetForm\"><div class=\"sidebar-layout\"><p>{}</p></div>\
         <nav><a href=\"/\">Home</a></nav></form></body></html>",
        "Word ".repeat(200)
    );
    let b = html::extract(&page).unwrap();
    assert_eq!(flat(&b.text), flat(&"Word ".repeat(200)));
    assert_eq!(b.set_aside.len(), 1);
    assert_eq!(b.set_aside[0].what, "nav");
}

#[test]
fn link_lists_and_hidden_blocks_are_furniture() {
    let page = "<body><p>Text of the page that stays here.</p>\
                <ul><li><a href=a>One story</a></li><li><a href=b>Another story</a></li></ul>\
                <p hidden>Hidden words</p><p><a href=c>Read more</a></p></body>";
    let b = html::extract(page).unwrap();
    assert_eq!(b.text, "Text of the page that stays here.\n\nRead more\n");
    assert_eq!(
        b.set_aside
            .iter()
            .map(|s| s.what.as_str())
            .collect::<Vec<_>>(),
        ["ul (links)", "p (hidden)"]
    );
}

// ---------------------------------------------------------------- Markdown

#[test]
fn markdown_block_quote_is_quoted() {
    let d = one("markdown-blockquote.md");
    assert_eq!(d.format, Format::Markdown);
    let points: Vec<&str> = DECL.split("\n\n").skip(18).take(2).collect();
    let first = line_of(&d.text, "2. The clerical regime");
    let last = line_of(&d.text, "3. Rouhani");
    assert_eq!(d.quoted_lines, vec![first..last + 1]);
    assert!(d.text.contains(&points.join("\n\n")));
    assert!(d.text.contains("Posted by Babak on 10 February 2014"));
    assert!(d
        .text
        .contains("Read the whole text on the convention's site."));
    assert!(!d.text.contains('>') && !d.text.contains('*'));
}

#[test]
fn markdown_lists_and_emphasis_give_the_text() {
    let d = one("markdown-full.md");
    assert_eq!(
        d.text,
        format!(
            "Final declaration\n\nConvention of Iranian Communities for Democracy, Paris\n\n{}",
            *DECL
        )
    );
}

// ---------------------------------------------------------------- mail

#[test]
fn forwarded_mail_sets_aside_both_headers_and_the_signature() {
    let d = one("email-forward.eml");
    assert_eq!(d.format, Format::Email);
    assert!(flat(&d.text).contains(&flat(&DECL)));
    assert!(d.text.starts_with("Dear all,\n\nthe final text"));
    assert!(!d.text.contains("Forwarded message") && !d.text.contains("Subject:"));
    assert_eq!(
        whats(&d),
        ["email headers", "forwarded-message headers", "signature"]
    );
    assert_eq!(
        d.set_aside[1].before_line,
        Some(line_of(&d.text, "On the eve"))
    );
    assert!(!d.text.contains("Secretariat of the Convention"));
}

#[test]
fn reply_quoting_is_marked_and_stripped() {
    let d = one("email-reply.eml");
    let start = line_of(&d.text, "Here is the point I mentioned:");
    let point = line_of(&d.text, "8. We pay our respects");
    let end = line_of(&d.text, "Davood");
    assert_eq!(d.quoted_lines, vec![start..end + 1]);
    assert!(is_quoted(&d, point) && !is_quoted(&d, start - 1));
    let p8 = DECL.split("\n\n").nth(24).unwrap();
    assert!(p8.starts_with("8. "));
    assert!(flat(&d.text).contains(&flat(p8)));
    assert!(!d.text.lines().any(|l| l.starts_with('>')));
    assert_eq!(whats(&d), ["email headers", "quoted signature"]);
}

#[test]
fn mime_alternative_prefers_the_plain_part() {
    let d = one("mime-qp-base64.eml");
    assert_eq!(
        d.text,
        format!(
            "Dear members,\n\nplease find the final declaration below.\n\n{}",
            *DECL
        )
    );
    assert_eq!(
        d.notes,
        ["text/plain part used; its text/html alternative was not read"]
    );
    assert_eq!(whats(&d), ["email headers", "signature"]);
}

#[test]
fn html_only_mail_is_read_through_its_html_part() {
    let mail = "From: a@example.org\r\nTo: b@example.org\r\nSubject: x\r\nMIME-Version: 1.0\r\n\
                Content-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
                <html><body><nav>Menu</nav><p>Caf=E9 au lait</p></body></html>\r\n";
    let d = read(None, mail.as_bytes(), &ReadOptions::default(), &|_| true)
        .remove(0)
        .unwrap();
    assert_eq!(d.text, "Caf\u{e9} au lait\n");
    assert_eq!(d.notes, ["text/html part used: no text/plain part"]);
    assert_eq!(whats(&d), ["email headers", "nav"]);
}

#[test]
fn mbox_gives_one_document_per_message() {
    let docs: Vec<Document> = read_file("mailbox.mbox")
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let labels: Vec<&str> = docs.iter().map(|d| d.label.as_str()).collect();
    assert_eq!(
        labels,
        ["mailbox.mbox#1", "mailbox.mbox#2", "mailbox.mbox#3"]
    );
    assert!(docs.iter().all(|d| d.format == Format::Mbox));
    assert_eq!(docs[0].text, *DECL);
    assert!(docs[1]
        .text
        .contains("\nFrom the minutes of the last meeting"));
    assert!(!docs[2].quoted_lines.is_empty());
    let bad = read(
        Some("x.mbox"),
        b"no From line here\n",
        &ReadOptions::default(),
        &|_| true,
    );
    assert_eq!(bad.len(), 1);
    assert!(bad[0]
        .as_ref()
        .unwrap_err()
        .to_string()
        .starts_with("damaged mbox file"));
}

// ---------------------------------------------------------------- DOCX

#[test]
fn docx_paragraphs_numbering_and_comment() {
    let d = one("docx-faithful.docx");
    assert_eq!(d.format, Format::Docx);
    assert_eq!(d.text, format!("Final declaration\n\n{}", *DECL));
    assert_eq!(d.set_aside.len(), 1);
    let c = &d.set_aside[0];
    assert_eq!((c.what.as_str(), c.words), ("docx comment", 7));
    assert_eq!(
        c.before_line,
        Some(line_of(&d.text, "The convention stated:"))
    );
    let alt = one("docx-altered.docx");
    assert!(alt.text.contains("more than 50 executions"));
}

/// A DOCX built by hand: numbering defined in the paragraphs (decimal,
/// then letters at level 1), a footnote, an endnote, a deleted run and a
/// Quote-style paragraph.
fn handmade_docx() -> Vec<u8> {
    use std::io::Write;
    let w = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";
    let p = |num: Option<(u8, u8)>, style: Option<&str>, body: &str| {
        let mut ppr = String::new();
        if let Some(s) = style {
            ppr.push_str(&format!("<w:pStyle w:val=\"{s}\"/>"));
        }
        if let Some((id, l)) = num {
            ppr.push_str(&format!(
                "<w:numPr><w:ilvl w:val=\"{l}\"/><w:numId w:val=\"{id}\"/></w:numPr>"
            ));
        }
        format!("<w:p><w:pPr>{ppr}</w:pPr>{body}</w:p>")
    };
    let r = |t: &str| format!("<w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r>");
    let document = format!(
        "<?xml version=\"1.0\"?><w:document {w}><w:body>{}{}{}{}{}{}</w:body></w:document>",
        p(
            None,
            None,
            &format!(
                "{}<w:r><w:footnoteReference w:id=\"1\"/></w:r>",
                r("Intro &amp; more.")
            )
        ),
        p(Some((1, 0)), None, &r("First point")),
        p(Some((1, 1)), None, &r("Sub a")),
        p(
            Some((1, 1)),
            None,
            &format!(
                "{}<w:del><w:r><w:delText>gone</w:delText></w:r></w:del>",
                r("Sub b")
            )
        ),
        p(
            Some((1, 0)),
            None,
            &format!(
                "{}<w:r><w:endnoteReference w:id=\"2\"/></w:r>",
                r("Second point")
            )
        ),
        p(None, Some("Quote"), &r("A quoted paragraph.")),
    );
    let numbering = format!(
        "<w:numbering {w}><w:abstractNum w:abstractNumId=\"0\">\
         <w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/></w:lvl>\
         <w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"lowerLetter\"/><w:lvlText w:val=\"%2)\"/></w:lvl>\
         </w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>"
    );
    let styles = format!(
        "<w:styles {w}><w:style w:type=\"paragraph\" w:styleId=\"Quote\"><w:name w:val=\"Quote\"/></w:style></w:styles>"
    );
    let footnotes = format!(
        "<w:footnotes {w}><w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:t>sep</w:t></w:r></w:p></w:footnote>\
         <w:footnote w:id=\"1\"><w:p><w:r><w:t>A footnote of six words.</w:t></w:r></w:p></w:footnote></w:footnotes>"
    );
    let endnotes = format!(
        "<w:endnotes {w}><w:endnote w:id=\"2\"><w:p><w:r><w:t>Endnote.</w:t></w:r></w:p></w:endnote></w:endnotes>"
    );
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default();
    for (name, body) in [
        ("word/document.xml", document),
        ("word/numbering.xml", numbering),
        ("word/styles.xml", styles),
        ("word/footnotes.xml", footnotes),
        ("word/endnotes.xml", endnotes),
    ] {
        z.start_file(name, o).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.finish().unwrap().into_inner()
}

#[test]
fn docx_numbering_levels_notes_deletions_and_quote_style() {
    let d = first("h.docx", &handmade_docx()).unwrap();
    assert_eq!(
        d.text,
        "Intro & more.\n\n1. First point\n\na) Sub a\n\nb) Sub b\n\n2. Second point\n\nA quoted paragraph.\n"
    );
    assert_eq!(d.quoted_lines, vec![11..12]);
    let s: Vec<(&str, usize, Option<u32>)> = d
        .set_aside
        .iter()
        .map(|s| (s.what.as_str(), s.words, s.before_line))
        .collect();
    assert_eq!(
        s,
        [("docx footnote", 5, Some(1)), ("docx endnote", 1, Some(9))]
    );
}

#[test]
fn a_zip_bomb_named_docx_stops_at_the_part_limit() {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..(crate::limits::MAX_DOCX_PART >> 20) + 2 {
        z.write_all(&zeros).unwrap();
    }
    let bomb = z.finish().unwrap().into_inner();
    assert!(bomb.len() < 1 << 20, "a bomb is small: {}", bomb.len());
    let r = read(Some("bomb.docx"), &bomb, &ReadOptions::default(), &|_| true);
    assert_eq!(
        r[0].as_ref().unwrap_err().to_string(),
        "DOCX part word/document.xml is larger than 64 MiB, the most vellum reads"
    );
}

#[test]
fn damaged_docx_files_give_one_line() {
    let good = std::fs::read(dir().join("docx-faithful.docx")).unwrap();
    let cut = &good[..good.len() / 2];
    let e = first("cut.docx", cut).unwrap_err();
    assert!(e.to_string().starts_with("damaged DOCX file: "), "{e}");
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file("other.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    let other = z.finish().unwrap().into_inner();
    let e = first("x.docx", &other).unwrap_err();
    assert_eq!(
        e.to_string(),
        "damaged DOCX file: no word/document.xml: not a Word document"
    );
    assert_eq!(
        read(Some("x.zip"), &other, &ReadOptions::default(), &|_| true),
        vec![Err(DocumentError::NotADocument("a zip archive"))]
    );
}

// ---------------------------------------------------------------- PDF

#[test]
fn pdf_text_layer_in_blocks_with_page_numbers_set_aside() {
    let d = one("pdf-faithful.pdf");
    assert_eq!(d.format, Format::Pdf);
    assert!(flat(&d.text).starts_with("Final declaration On the eve"));
    assert_eq!(flat(&d.text), flat(&format!("Final declaration {}", *DECL)));
    // Blocks as the layout shows them: the title, then the 30 of the text.
    assert_eq!(d.text.split("\n\n").count(), 31);
    assert!(d.set_aside.iter().all(|s| s.what == "pdf page number"));
    assert!(!d.set_aside.is_empty());
    assert!(one("pdf-altered.pdf").text.contains("more than 5 members"));
}

#[test]
fn a_pdf_without_a_text_layer_is_one_line() {
    let bytes = std::fs::read(dir().join("trouble/pdf-no-text-layer.pdf")).unwrap();
    let e = first("scan.pdf", &bytes).unwrap_err();
    assert_eq!(e, DocumentError::PdfWithoutText { pages: 1 });
    assert_eq!(
        e.to_string(),
        "a PDF without a text layer (1 page, scanned images?): nothing to read; run it through OCR first"
    );
}

/// A PDF of the given objects (bodies of `N 0 obj … endobj`), catalog 1,
/// pages 2, with a correct cross-reference table.
fn pdf_of(objects: &[String]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(dict: &str, data: &[u8]) -> String {
    // Binary data is kept as Latin-1 characters, one per byte.
    let s: String = data.iter().map(|&b| b as char).collect();
    format!(
        "<< {dict} /Length {} >>\nstream\n{s}\nendstream",
        data.len()
    )
}

fn pdf_bytes(objects: &[String]) -> Vec<u8> {
    // Objects were built as Latin-1 strings: back to bytes.
    let v = pdf_of(objects);
    String::from_utf8(v)
        .unwrap()
        .chars()
        .map(|c| c as u32 as u8)
        .collect()
}

#[test]
fn a_form_drawing_itself_is_refused_before_it_is_followed() {
    let page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R \
                /Resources << /XObject << /X0 5 0 R >> >> >>";
    let objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        page.to_owned(),
        stream("", b"/X0 Do"),
        stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X0 5 0 R >> >>",
            b"/X0 Do",
        ),
    ];
    let e = first("loop.pdf", &pdf_bytes(&objects)).unwrap_err();
    assert!(
        e.to_string()
            .contains("forms drawing forms more than 32 deep"),
        "{e}"
    );
}

#[test]
fn a_flate_bomb_in_a_pdf_stops_at_the_inflate_limit() {
    use std::io::Write;
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..(crate::limits::MAX_PDF_INFLATED >> 20) + 1 {
        enc.write_all(&zeros).unwrap();
    }
    let bomb = enc.finish().unwrap();
    let objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>".to_owned(),
        stream("/Filter /FlateDecode", &bomb),
    ];
    let e = first("bomb.pdf", &pdf_bytes(&objects)).unwrap_err();
    assert!(
        matches!(e, DocumentError::TooLarge { unit: "bytes", .. }),
        "{e}"
    );
    assert!(e.to_string().contains("inflated"), "{e}");
}

#[test]
fn a_pdf_of_endless_objects_is_refused_before_parsing() {
    let mut pdf = b"%PDF-1.4\n".to_vec();
    for i in 1..=crate::limits::MAX_PDF_OBJECTS + 1 {
        pdf.extend_from_slice(format!("{i} 0 obj null endobj\n").as_bytes());
    }
    let e = first("many.pdf", &pdf).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the PDF's object count is larger than 500000 objects, the most vellum reads"
    );
}

#[test]
fn damaged_pdfs_give_one_line() {
    for bad in [&b"%PDF-1.4\n1 0 obj << /Type /Catalog"[..], b"%PDF-"] {
        let e = first("bad.pdf", bad).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("damaged PDF file: "), "{msg}");
        assert!(!msg.contains('\n'));
    }
    // A page tree whose page is its own parent, without resources.
    let objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 4 0 R /MediaBox [0 0 200 200] >>".to_owned(),
        "<< /Type /Pages /Parent 4 0 R /Kids [3 0 R] /Count 1 >>".to_owned(),
    ];
    let e = first("p.pdf", &pdf_bytes(&objects)).unwrap_err();
    assert!(e.to_string().contains("page tree loops"), "{e}");
}

// ---------------------------------------------------------------- encodings

#[test]
fn legacy_encodings_are_detected_and_named() {
    let d = one("cp1252-faithful.txt");
    assert_eq!(d.text.replace("\r\n", "\n").trim_end(), DECL.trim_end());
    assert_eq!(d.notes, ["decoded as windows-1252 (detected)"]);
    let d = one("cp1256-persian.txt");
    assert!(d.text.replace("\r\n", "\n").contains(DECL.trim_end()));
    assert!(d
        .text
        .contains("\u{628}\u{64a}\u{627}\u{646}\u{64a}\u{647}"));
    assert_eq!(d.notes, ["decoded as windows-1256 (detected)"]);
    let d = one("utf16-no-bom.txt");
    assert_eq!(d.text.replace("\r\n", "\n").trim_end(), DECL.trim_end());
    assert_eq!(
        d.notes,
        ["decoded as UTF-16LE (no byte-order mark; detected)"]
    );
    assert_eq!(
        one("d_cp1252.txt").notes,
        ["decoded as windows-1252 (detected)"]
    );
}

#[test]
fn encoding_can_be_forced() {
    let bytes = std::fs::read(dir().join("cp1252-faithful.txt")).unwrap();
    let opts = ReadOptions {
        encoding: Some(encoding_rs::WINDOWS_1256),
    };
    let d = read(None, &bytes, &opts, &|_| true).remove(0).unwrap();
    assert_eq!(d.notes, ["decoded as windows-1256 (--encoding)"]);
    let e = read_copy(None, b"caf\xc3\xa9 \xe2\x80\x99 ok \xff").unwrap_err();
    assert_eq!(e, DocumentError::DamagedUtf8 { offset: 13 });
}

// ---------------------------------------------------------------- plain text

#[test]
fn plain_copies_are_returned_as_they_are() {
    for name in [
        "browser-copy.txt",
        "cut-mid-word.txt",
        "bullet-inserted.txt",
        "reworded-report.txt",
    ] {
        let d = one(name);
        let raw = std::fs::read_to_string(dir().join(name)).unwrap();
        assert_eq!(d.text, raw, "{name}");
        assert!(d.set_aside.is_empty() && d.quoted_lines.is_empty() && d.notes.is_empty());
    }
    let d = one("d_email_forward_quoted.txt");
    assert_eq!(whats(&d), ["forwarded-message headers"]);
    assert!(d.text.contains("Davood Rahimi\n\nOn the eve of the 35th"));
}

// ---------------------------------------------------------------- WARC

#[test]
fn warc_responses_are_documents_with_their_urls() {
    let docs: Vec<Document> = read_file("warc-pages.warc.gz")
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let urls: Vec<&str> = docs.iter().map(|d| d.url.as_deref().unwrap()).collect();
    assert_eq!(
        urls,
        [
            "https://iranfreedom.example.org/2014/02/final-declaration/",
            "https://news.example.com/2014/02/listing/",
            "https://weekly.example.net/what-the-convention-said",
            "https://blog.example.org/convention",
        ]
    );
    assert!(docs.iter().all(|d| d.format == Format::Html));
    assert_eq!(docs[0].label, format!("warc-pages.warc.gz#{}", urls[0]));
    assert_eq!(docs[0].text, one("page-semantic.html").text);
    assert_eq!(
        docs[2].quoted_lines,
        one("article-faithful-quotes.html").quoted_lines
    );
}

/// The fixture's records, uncompressed, one per element.
fn warc_records() -> Vec<Vec<u8>> {
    use std::io::Read;
    let gz = std::fs::read(dir().join("warc-pages.warc.gz")).unwrap();
    let mut all = Vec::new();
    flate2::read::MultiGzDecoder::new(&gz[..])
        .read_to_end(&mut all)
        .unwrap();
    let mut recs = Vec::new();
    let mut rest = &all[..];
    while !rest.is_empty() {
        let next = memchr::memmem::find(&rest[1..], b"WARC/1.1\r\n").map_or(rest.len(), |p| p + 1);
        recs.push(rest[..next].to_vec());
        rest = &rest[next..];
    }
    recs
}

fn gz(b: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn warc_read(bytes: &[u8]) -> Vec<Result<Document, DocumentError>> {
    let mut out = Vec::new();
    read_warc(bytes, "w.warc", &ReadOptions::default(), &|_| true, |r| {
        out.push(r)
    });
    out
}

#[test]
fn a_truncated_warc_keeps_the_records_before_the_cut() {
    let recs = warc_records();
    assert_eq!(recs.len(), 13);
    let mut plain: Vec<u8> = recs[..6].concat();
    plain.extend_from_slice(&recs[6][..recs[6].len() / 2]);
    let r = warc_read(&plain);
    assert_eq!(r.len(), 2);
    assert!(r[0].is_ok());
    let e = r[1].as_ref().unwrap_err().to_string();
    assert!(
        e.starts_with(
            "WARC record 7 (https://news.example.com/2014/02/listing/): truncated: claims "
        ),
        "{e}"
    );
    // The same, gzip per record: the cut member is one error too.
    let mut z: Vec<u8> = recs[..6].iter().flat_map(|r| gz(r)).collect();
    let last = gz(&recs[6]);
    z.extend_from_slice(&last[..last.len() / 2]);
    let r = warc_read(&z);
    assert_eq!(r.len(), 2);
    assert!(r[1]
        .as_ref()
        .unwrap_err()
        .to_string()
        .starts_with("WARC record 7"));
}

#[test]
fn a_record_claiming_terabytes_is_passed_over() {
    let recs = warc_records();
    let liar = b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://x.example/huge\r\n\
                 Content-Type: application/http; msgtype=response\r\nContent-Length: 5000000000000\r\n\r\n\
                 HTTP/1.1 200 OK\r\n\r\n<p>short</p>";
    // gzip: the lying member is not inflated; the next member is read.
    let mut z = gz(liar);
    z.extend(gz(&recs[2]));
    let r = warc_read(&z);
    assert_eq!(r.len(), 2);
    assert_eq!(
        r[0].as_ref().unwrap_err().to_string(),
        "WARC record 1 (https://x.example/huge): claims 5000000000000 bytes, more than the 64 MiB \
         vellum reads from one record; skipped"
    );
    assert!(r[1].as_ref().unwrap().text.contains("On the eve"));
    // Plain: the claim runs to the end of the file, which is one error.
    let r = warc_read(liar);
    assert_eq!(r.len(), 1);
    assert!(r[0]
        .as_ref()
        .unwrap_err()
        .to_string()
        .contains("truncated: claims 5000000000000 bytes"));
}

#[test]
fn damage_between_records_is_one_error_and_reading_goes_on() {
    let recs = warc_records();
    let mut plain = recs[2].clone();
    plain.extend_from_slice(b"garbage that is not a record\r\nmore garbage\r\n");
    plain.extend_from_slice(&recs[6]);
    let r = warc_read(&plain);
    assert_eq!(r.len(), 3);
    assert!(r[0].is_ok() && r[2].is_ok());
    assert_eq!(
        r[1].as_ref().unwrap_err().to_string(),
        "WARC record 2: damaged: no WARC version line where a record should start"
    );
    let mut z = gz(&recs[2]);
    z.extend_from_slice(b"not gzip at all");
    z.extend(gz(&recs[6]));
    let r = warc_read(&z);
    assert_eq!(r.len(), 3);
    assert!(r[0].is_ok() && r[2].is_ok());
}

// ---------------------------------------------------------------- keep

#[test]
fn keep_dismisses_documents_before_they_are_parsed() {
    let bytes = std::fs::read(dir().join("page-semantic.html")).unwrap();
    let d = read(Some("p.html"), &bytes, &ReadOptions::default(), &|_| false)
        .remove(0)
        .unwrap();
    assert!(d.dismissed && d.text.is_empty());
    let bytes = std::fs::read(dir().join("warc-pages.warc.gz")).unwrap();
    let seen = std::cell::Cell::new(0);
    let keep = |b: &[u8]| {
        seen.set(seen.get() + 1);
        memchr::memmem::find(b, b"Camp Liberty residents appeal").is_some()
    };
    let docs: Vec<Document> = read(None, &bytes, &ReadOptions::default(), &keep)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(seen.get(), 4);
    let kept: Vec<bool> = docs.iter().map(|d| !d.dismissed).collect();
    assert_eq!(kept, [false, true, false, false]);
    assert!(docs[0].url.is_some());
}

// ---------------------------------------------------------------- the rest

#[test]
fn the_shared_samples_read() {
    let want = [
        ("d_article_misquote.txt", Format::Text),
        ("d_article_quotes_faithful.txt", Format::Text),
        ("d_browser_copy.txt", Format::Text),
        ("d_cp1252.txt", Format::Text),
        ("d_curly_quoted_sentence.txt", Format::Text),
        ("d_cut_mid_section.txt", Format::Text),
        ("d_docx.docx", Format::Docx),
        ("d_email_forward_quoted.txt", Format::Text),
        ("d_eml_altered.eml", Format::Email),
        ("d_listing_one_paragraph.txt", Format::Text),
        ("d_page_full_divs.html", Format::Html),
        ("d_pdf_altered.pdf", Format::Pdf),
    ];
    for (name, format) in want {
        let d = one(name);
        assert_eq!(d.format, format, "{name}");
        assert!(!d.text.trim().is_empty(), "{name}");
    }
    assert!(one("d_eml_altered.eml")
        .text
        .contains("12,000 political prisoners"));
    assert!(one("d_pdf_altered.pdf").text.contains("euro"));
}

#[test]
fn bad_input_is_one_line() {
    let opts = ReadOptions::default();
    let cases: [(&str, &[u8], &str); 5] = [
        ("a.txt", b"", "empty: there is no text to read"),
        ("a.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a PNG image, not a document"),
        ("a.doc", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", "a Word 97-2003 (.doc) or other OLE file (save it as DOCX, PDF or text), not a document"),
        ("a.txt", b"ab\0cd", "binary data, not text: NUL byte at offset 2"),
        ("a.html", b"<html><body><nav>only a menu</nav></body></html>", "empty: there is no text to read"),
    ];
    for (name, bytes, msg) in cases {
        let r = read(Some(name), bytes, &opts, &|_| true);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].as_ref().unwrap_err().to_string(), msg, "{name}");
    }
}

/// Throughput of HTML extraction and of the `keep` path, on pages of about
/// 50 KB built from the semantic page (its text, more comments, a longer
/// sidebar, scripts). Measures, asserts nothing:
/// `cargo test --release --lib document::tests::throughput -- --ignored --nocapture`
#[test]
#[ignore = "a measurement, run by hand in release mode"]
fn throughput() {
    let base = std::fs::read_to_string(dir().join("page-semantic.html")).unwrap();
    let comment = "<li class=\"comment\"><article class=\"comment-body\"><footer class=\"comment-meta\">\
                   <b class=\"fn\">Reader</b> <time>February 9, 2014</time></footer><div class=\"comment-content\">\
                   <p>A reader's comment of a few sentences about the convention, the speeches and the \
                   travel to Paris, with a <a href=\"/x\">link</a> and some more words to read.</p></div></article></li>\n";
    let script = "<script>(function(){var a=[];for(var i=0;i<10;i++){a.push(i*2);}window.x=a;})();</script>\n";
    let pages: Vec<String> = (0..64)
        .map(|i| {
            let mut p = base.replace(
                "<ol class=\"comment-list\">",
                &format!("<ol class=\"comment-list\">{}", comment.repeat(80 + i % 8)),
            );
            p = p.replace("</head>", &format!("{}</head>", script.repeat(60)));
            p.replace("Final declaration", &format!("Final declaration {i}"))
        })
        .collect();
    let bytes: usize = pages.iter().map(String::len).sum();
    println!(
        "{} pages, {:.1} KB on average",
        pages.len(),
        bytes as f64 / pages.len() as f64 / 1024.0
    );
    let opts = ReadOptions::default();
    let rounds = 20;
    let t = std::time::Instant::now();
    let mut words = 0usize;
    for _ in 0..rounds {
        for p in &pages {
            let d = read(Some("p.html"), p.as_bytes(), &opts, &|_| true)
                .remove(0)
                .unwrap();
            words += d.text.len();
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "extraction: {:.1} MB/s ({words} bytes of text)",
        (bytes * rounds) as f64 / s / 1e6
    );
    let t = std::time::Instant::now();
    for _ in 0..rounds {
        for p in &pages {
            words += html::html_to_text(p).len();
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "the whole page's text, no main-content rule: {:.1} MB/s",
        (bytes * rounds) as f64 / s / 1e6
    );
    let t = std::time::Instant::now();
    for _ in 0..rounds {
        for p in &pages {
            words += scraper::Html::parse_document(p).tree.values().count();
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "html5ever parsing alone: {:.1} MB/s ({words} bytes and nodes in all)",
        (bytes * rounds) as f64 / s / 1e6
    );
    let needle = memchr::memmem::Finder::new("separation of mosque and state that would");
    let t = std::time::Instant::now();
    let mut dismissed = 0usize;
    for _ in 0..rounds * 5 {
        for p in &pages {
            // A page carrying nothing of the text: the needle is not there.
            let p = p.replace("mosque", "m0sque");
            let d = read(Some("p.html"), p.as_bytes(), &opts, &|b| {
                needle.find(b).is_some()
            })
            .remove(0)
            .unwrap();
            dismissed += usize::from(d.dismissed);
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "keep path (dismissed {dismissed}): {:.1} MB/s, including a copy per page to make it",
        (bytes * rounds * 5) as f64 / s / 1e6
    );
}

#[test]
fn pages_and_mail_parts_say_their_charset() {
    let page = b"<html><head><meta charset=\"windows-1252\"></head><body><p>The women\x92s rights \x96 caf\xe9</p></body></html>";
    let d = first("p.html", page).unwrap();
    assert_eq!(d.text, "The women\u{2019}s rights \u{2013} caf\u{e9}\n");
    assert_eq!(d.notes, ["decoded as windows-1252 (declared)"]);
    // UTF-16LE without a byte-order mark: sniffed through its low bytes.
    let page16: Vec<u8> = "<!DOCTYPE html><p>Over 300 associations</p>"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let d = first("p", &page16).unwrap();
    assert_eq!(
        (d.format, d.text.as_str()),
        (Format::Html, "Over 300 associations\n")
    );
    // A mail part in Windows-1256, base64.
    let persian = "\u{628}\u{64a}\u{627}\u{646}\u{64a}\u{647} \u{67e}\u{627}\u{631}\u{64a}\u{633}";
    let cp1256 = encoding_rs::WINDOWS_1256.encode(persian).0.into_owned();
    use base64::Engine;
    let mail = format!(
        "From: a@example.org\nSubject: x\nMIME-Version: 1.0\nContent-Type: text/plain; charset=windows-1256\n\
         Content-Transfer-Encoding: base64\n\n{}\n",
        base64::engine::general_purpose::STANDARD.encode(cp1256)
    );
    assert_eq!(
        first("m.eml", mail.as_bytes()).unwrap().text,
        format!("{persian}\n")
    );
}

#[test]
fn deep_markdown_and_mime_nesting_stay_bounded() {
    let quotes = format!("# t\n\n**x** and [l](u)\n\n{}deep\n", "> ".repeat(20_000));
    let d = first("deep.md", quotes.as_bytes()).unwrap();
    assert!(d.text.contains("deep") && !d.quoted_lines.is_empty());
    let lists = format!("{}item\n", "- ".repeat(20_000));
    assert!(first("lists.md", lists.as_bytes())
        .unwrap()
        .text
        .contains("item"));
    let mut mail = String::from("From: a@example.org\nSubject: s\nMIME-Version: 1.0\n");
    for i in 0..2_000 {
        mail.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{i}\"\n\n--b{i}\n"
        ));
    }
    mail.push_str("Content-Type: text/plain\n\ninnermost text\n");
    // Whatever the parser makes of it, one document or one error line.
    let r = read(
        Some("deep.eml"),
        mail.as_bytes(),
        &ReadOptions::default(),
        &|_| true,
    );
    assert_eq!(r.len(), 1);
    if let Err(e) = &r[0] {
        assert!(!e.to_string().contains('\n'));
    }
}

#[test]
fn read_path_streams_a_warc_and_reads_other_files_whole() {
    let mut urls = Vec::new();
    read_path(
        &dir().join("warc-pages.warc.gz"),
        &ReadOptions::default(),
        &|_| true,
        |d| urls.push(d.unwrap().url.unwrap()),
    )
    .unwrap();
    assert_eq!(urls.len(), 4);
    let mut docs = Vec::new();
    read_path(
        &dir().join("mailbox.mbox"),
        &ReadOptions::default(),
        &|_| true,
        |d| docs.push(d.unwrap().label),
    )
    .unwrap();
    assert_eq!(docs, ["mailbox.mbox#1", "mailbox.mbox#2", "mailbox.mbox#3"]);
    let e = read_path(&dir(), &ReadOptions::default(), &|_| true, |_| {}).unwrap_err();
    assert!(matches!(e, crate::files::FileError::IsFolder(_)));
}

/// A buffer given up to `read_owned` gives the same documents as `read`
/// of it, for every document of tests/documents/ and for the cases the
/// owned path must hand back to the borrowed one (a byte-order mark,
/// NUL bytes, invalid UTF-8, nothing at all, a forced encoding).
#[test]
fn read_owned_reads_as_read_does() {
    let mut cases: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    assert!(cases.len() > 20, "the documents folder is there");
    for (name, bytes) in [
        (
            "bom.txt",
            b"\xEF\xBB\xBFOn the eve of the anniversary".to_vec(),
        ),
        ("nul.txt", b"On the\0 eve".to_vec()),
        (
            "utf16.txt",
            "On the eve of the anniversary"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect(),
        ),
        ("bad.txt", b"On the \xE9ve of the anniversary".to_vec()),
        ("empty.txt", Vec::new()),
        (
            "page.html",
            b"<html><body><p>On the eve</p></body></html>".to_vec(),
        ),
    ] {
        cases.push((name.to_owned(), bytes));
    }
    let forced = ReadOptions {
        encoding: Some(encoding_rs::WINDOWS_1252),
    };
    for (name, bytes) in &cases {
        for opts in [&ReadOptions::default(), &forced] {
            let borrowed = read(Some(name), bytes, opts, &|_| true);
            let owned = read_owned(Some(name), bytes.clone(), opts, &|_| true);
            assert_eq!(owned, borrowed, "{name}");
        }
    }
}
