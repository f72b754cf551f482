//! `vellum show`: a sealed version's text as published, whole or some of
//! its sections.

use crate::args::ShowArgs;
use crate::output::{out, trouble, Outcome, EXIT_OK};

pub fn run(a: ShowArgs) -> Outcome {
    let (archive, version) = super::archive_spec(&a.archive)?;
    let trusted = super::trusted_keys(&a.trust)?;
    let loaded = super::load_version(&archive, &trusted, version)?;
    let canon = vellum::text::canon::Canonical::new(&loaded.text);
    if a.ids.is_empty() {
        return if a.canonical {
            out(&canon.to_text())
        } else {
            // As published: the text exactly as it was sealed.
            out(&loaded.text)
        };
    }
    let sections = vellum::text::sections::split(&canon);
    let mut s = String::new();
    for id in &a.ids {
        let Some(sec) = sections.iter().find(|x| &x.id == id) else {
            let known: Vec<&str> = sections.iter().map(|x| x.id.as_str()).collect();
            return Err(trouble(format!(
                "{}: v{} has no section {id:?}; its sections are {} (vellum sections lists them)",
                archive.display(),
                loaded.against.version,
                summarize(&known)
            )));
        };
        let marker = match (sec.kind, sec.number) {
            (vellum::text::sections::Kind::Point, Some(n)) => format!("{n}. "),
            (vellum::text::sections::Kind::Bullet, _) => "\u{2022} ".to_owned(),
            _ => String::new(),
        };
        let body = if a.canonical {
            &sec.text
        } else {
            sec.display()
        };
        s.push_str(&format!("{marker}{body}\n"));
        if a.ids.len() > 1 {
            s.push('\n');
        }
    }
    out(s.trim_end_matches('\n'))?;
    out("\n")?;
    Ok(EXIT_OK)
}

/// "paragraph-1, paragraph-2, ... closing-2" for a long list.
fn summarize(ids: &[&str]) -> String {
    if ids.len() <= 6 {
        ids.join(", ")
    } else {
        format!(
            "{}, ... {}",
            ids[..3].join(", "),
            ids[ids.len() - 2..].join(", ")
        )
    }
}
