//! What each reader extracts from the documents of tests/documents/ (made
//! by tests/documents/make_documents.py) and from hostile inputs.

use super::*;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/documents")
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
