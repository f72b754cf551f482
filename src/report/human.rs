//! Human-readable reports: what a person reads in a terminal.

use super::{inline_diff, strip_marker, Against, DiffSide, Style};
use crate::compare::check::{CheckReport, PassageStatus, SectionReport, Status, Verdict};
use crate::compare::diff::{DiffReport, DiffStatus};

/// Sections named as ranges of consecutive ids: "paragraph-1 to bullet-4,
/// point-7".
pub(crate) fn section_ranges(r: &CheckReport, pick: impl Fn(&SectionReport) -> bool) -> String {
    let secs: Vec<&SectionReport> = r
        .sections
        .iter()
        .filter(|s| s.status != Status::Added)
        .collect();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < secs.len() {
        if !pick(secs[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i + 1 < secs.len() && pick(secs[i + 1]) {
            i += 1;
        }
        parts.push(if i == start {
            secs[start].id.clone()
        } else {
            format!("{} to {}", secs[start].id, secs[i].id)
        });
        i += 1;
    }
    parts.join(", ")
}

/// Words in a few: at most eight, then an ellipsis.
fn few(t: &str) -> String {
    let w: Vec<&str> = t.split_whitespace().collect();
    if w.len() <= 8 {
        w.join(" ")
    } else {
        format!("{} \u{2026}", w[..8].join(" "))
    }
}

/// Whether a missing section was deleted from inside a passage (rather
/// than left out of an excerpt).
fn deleted_inside(r: &CheckReport, sec: &SectionReport) -> bool {
    sec.status == Status::Missing
        && r.verdict != Verdict::Excerpt
        && r.passages.iter().any(|p| p.sections.contains(&sec.id))
}

/// The changes of a report in a few words: "bullet-5, number 500 → 5,000";
/// `since` an earlier version (outdated), from its words to the newest's.
fn changes_in_brief(r: &CheckReport, since: bool) -> String {
    let mut parts = Vec::new();
    for sec in &r.sections {
        match sec.status {
            Status::Altered => {
                let shown: Vec<String> = sec
                    .changes
                    .iter()
                    .filter(|c| !c.sealed.is_empty() || !c.found.is_empty())
                    .take(2)
                    .map(|c| {
                        // Since an earlier version: from the document's words
                        // (that version's) to the newest's.
                        let (from, to) = if since {
                            (&c.found, &c.sealed)
                        } else {
                            (&c.sealed, &c.found)
                        };
                        match (from.is_empty(), to.is_empty()) {
                            (true, _) => format!("\u{201C}{}\u{201D} added", few(to)),
                            (_, true) => format!("\u{201C}{}\u{201D} left out", few(from)),
                            _ => format!("{} \u{2192} {}", few(from), few(to)),
                        }
                    })
                    .collect();
                let mut classes: Vec<&str> = sec.changes.iter().map(|c| c.class.name()).collect();
                classes.dedup();
                let more = sec.changes.len().saturating_sub(shown.len());
                parts.push(format!(
                    "{}, {} {}{}",
                    sec.id,
                    classes.join("/"),
                    shown.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                ));
            }
            Status::Missing if deleted_inside(r, sec) => parts.push(format!(
                "{} {}",
                sec.id,
                if since { "added" } else { "missing" }
            )),
            Status::Moved => parts.push(format!("{} moved", sec.id)),
            Status::Added if since => parts.push(format!("{} (text left out)", sec.id)),
            Status::Added => parts.push(format!("{} (text added)", sec.id)),
            _ => {}
        }
    }
    let n = parts.len();
    if n > 3 {
        parts.truncate(3);
        parts.push(format!("and {} more", n - 3));
    }
    parts.join("; ")
}

/// The one line after the verdict.
pub fn check_summary(r: &CheckReport) -> String {
    let sur = &r.surrounding;
    let around = if sur.words_before + sur.words_after + sur.words_between > 0 {
        format!(
            " ({} words of other material before it, {} after{})",
            sur.words_before,
            sur.words_after,
            if sur.words_between > 0 {
                format!(", {} between passages", sur.words_between)
            } else {
                String::new()
            }
        )
    } else {
        String::new()
    };
    let np = r.passages.len();
    let passages = |n: usize| {
        if n == 1 {
            "1 passage".to_owned()
        } else {
            format!("{n} passages")
        }
    };
    match r.verdict {
        Verdict::Authentic if r.identical => {
            "identical to the sealed text, character for character".to_owned()
        }
        Verdict::Authentic if around.is_empty() => {
            "every sealed section present and intact; only formatting differs".to_owned()
        }
        Verdict::Authentic => format!("the whole sealed text, intact{around}"),
        Verdict::Excerpt => {
            let covers =
                section_ranges(r, |s| matches!(s.status, Status::Intact | Status::Partial));
            format!(
                "{} from the sealed text, {}: {covers}",
                passages(np),
                if np == 1 { "intact" } else { "all intact" }
            )
        }
        Verdict::Altered => {
            let altered = r
                .passages
                .iter()
                .filter(|p| p.status == PassageStatus::Altered)
                .count();
            let head = if np == 0 {
                // Compared whole (a long text): sections, not passages.
                let count = |st: Status| r.sections.iter().filter(|s| s.status == st).count();
                let mut parts = vec![format!("{} altered", count(Status::Altered))];
                for (st, what) in [
                    (Status::Missing, "missing"),
                    (Status::Added, "added"),
                    (Status::Moved, "moved"),
                ] {
                    if count(st) > 0 {
                        parts.push(format!("{} {what}", count(st)));
                    }
                }
                format!("sections: {}", parts.join(", "))
            } else if np == 1 {
                format!("{}, altered", passages(np))
            } else {
                format!(
                    "{} from the sealed text: {} intact, {altered} altered",
                    passages(np),
                    np - altered
                )
            };
            format!("{head}: {}", changes_in_brief(r, false))
        }
        Verdict::Outdated => format!(
            "the text of version {}, not of the newest version; since then: {}",
            r.matches_version.unwrap_or(0),
            changes_in_brief(r, true)
        ),
        Verdict::Unrelated if r.summary.copy_words == 0 => {
            "no passage of the sealed text (dismissed unread)".to_owned()
        }
        Verdict::Unrelated => format!("no passage of the sealed text ({} words)", sur.words_before),
    }
}

/// Human-readable check result: the verdict and a one-line summary first;
/// then each passage or section that is not intact, with the sealed and
/// the document's words side by side; then the intact passages by section
/// and first words; missing sections of an excerpt as ranges; warnings.
pub fn check(copy: &str, against: &Against, r: &CheckReport, st: Style) -> String {
    let mut s = String::new();
    let verdict = r.verdict.as_str().to_uppercase();
    s.push_str(&format!(
        "{copy}: {}  {}\n",
        st.bold(&verdict),
        check_summary(r)
    ));
    s.push_str(&format!(
        "  against {} v{}, sealed {} by the signer's clock, in {}\n",
        against.archive, against.version, against.created, against.archive_path,
    ));
    s.push_str(&who_signed(against));
    s.push_str(&format!(
        "  verified: {}\n",
        against.verification.describe()
    ));
    for n in &r.notes {
        s.push_str(&format!("  note: {n}\n"));
    }
    if r.verdict != Verdict::Unrelated {
        // What is not intact, section by section: each rendered on its own
        // (word diffs take the time), on all cores, then joined in order.
        use rayon::prelude::*;
        let parts: Vec<String> = r
            .sections
            .par_iter()
            .with_min_len(64)
            .map(|sec| {
                let mut s = String::new();
                match sec.status {
                    Status::Intact | Status::Partial => {}
                    Status::Missing if !deleted_inside(r, sec) => {}
                    Status::Missing => {
                        s.push_str(&format!(
                            "\n  {} MISSING\n    sealed: {}\n",
                            sec.id, sec.text
                        ));
                    }
                    Status::Moved => {
                        s.push_str(&format!(
                            "\n  {} MOVED (order)\n    sealed: {}\n",
                            sec.id, sec.text
                        ));
                    }
                    Status::Added => {
                        s.push_str(&format!(
                            "\n  {} ADDED (not in the sealed text)\n    copy:   {}\n",
                            sec.id,
                            st.ins(&sec.text)
                        ));
                    }
                    Status::Altered => altered_section(&mut s, sec, st),
                }
                s
            })
            .collect();
        for p in parts {
            s.push_str(&p);
        }
        // The passages.
        if r.passages.len() > 1 || r.verdict == Verdict::Excerpt {
            s.push('\n');
            for p in &r.passages {
                s.push_str(&format!(
                    "  {} {} line {}{}: {}  \u{201C}{}\u{201D}\n",
                    p.id,
                    if p.status == PassageStatus::Altered {
                        st.bold("ALTERED")
                    } else {
                        "intact".to_owned()
                    },
                    p.start.line,
                    if p.quoted { ", quoted" } else { "" },
                    span_of(&p.sections),
                    p.text
                ));
                for c in &p.cut {
                    s.push_str(&format!("    cut off: {c}\n"));
                }
                for n in &p.notes {
                    s.push_str(&format!("    note: {n}\n"));
                }
            }
        }
        if r.passages.len() > 1 || r.verdict == Verdict::Excerpt {
            let missing =
                section_ranges(r, |s| s.status == Status::Missing && !deleted_inside(r, s));
            if !missing.is_empty() {
                s.push_str(&format!("  not in the document: {missing}\n"));
            }
        }
        let aside: Vec<String> = r
            .surrounding
            .set_aside
            .iter()
            .map(|a| {
                format!(
                    "{} ({} words{})",
                    a.what,
                    a.words,
                    if a.inside { ", inside the text" } else { "" }
                )
            })
            .collect();
        if !aside.is_empty() {
            s.push_str(&format!(
                "  set aside before comparing: {}\n",
                aside.join(", ")
            ));
        }
    }
    for w in &r.warnings {
        s.push_str(&format!("  warning: {w}\n"));
    }
    if r.verdict == Verdict::Altered {
        s.push_str(&legend(
            "in the sealed text, not in the copy",
            "in the copy",
        ));
    }
    s
}

/// What the terms of a report mean, said once under it (issue 14 point 3):
/// section ids, the word-diff marks, and key ids against fingerprints.
fn legend(deleted: &str, inserted: &str) -> String {
    format!(
        "\n  how to read this: paragraph-2, bullet-8 and the like name the sealed text's sections \
         (vellum sections ARCHIVE lists them); [-words-] are {deleted}, {{+words+}} {inserted}; \
         a key is known by its SHA256 fingerprint, while its minisign id is a label anyone can copy\n"
    )
}

/// "paragraph-1 to bullet-4", or the one section.
fn span_of(ids: &[String]) -> String {
    match ids {
        [] => String::new(),
        [one] => one.clone(),
        [first, .., last] => format!("{first} to {last}"),
    }
}

fn altered_section(s: &mut String, sec: &SectionReport, st: Style) {
    let classes: Vec<String> = {
        let mut c: Vec<String> = sec
            .changes
            .iter()
            .map(|c| {
                let n = c.class.name().to_owned();
                if c.minor {
                    format!("{n} (minor)")
                } else {
                    n
                }
            })
            .collect();
        c.dedup();
        c
    };
    s.push_str(&format!("\n  {} ALTERED: {}\n", sec.id, classes.join(", ")));
    let sealed_words = sec
        .covered
        .as_deref()
        .unwrap_or_else(|| strip_marker(&sec.text));
    let found = sec.found.clone().unwrap_or_default();
    s.push_str(&format!("    {}\n", inline_diff(sealed_words, &found, st)));
    for c in &sec.changes {
        let cls = c.class.name().to_owned();
        s.push_str(&format!(
            "    {cls:<12} sealed: {:<24} copy: {}\n",
            if c.sealed.is_empty() {
                "(nothing)".to_owned()
            } else {
                format!("{:?}", c.sealed)
            },
            if c.found.is_empty() {
                "(nothing)".to_owned()
            } else {
                format!("{:?}", c.found)
            }
        ));
    }
}

fn describe(s: &DiffSide) -> String {
    match &s.meta {
        Some(m) => format!(
            "{}  (sealed {}, key {} {})",
            s.label, m.created, m.signer_key_id, m.signer_fingerprint
        ),
        None => s.label.clone(),
    }
}

fn first_words(t: &str, n: usize) -> String {
    let w: Vec<&str> = t.split_whitespace().collect();
    if w.len() <= n {
        w.join(" ")
    } else {
        format!("{} \u{2026}", w[..n].join(" "))
    }
}

/// Human diff: a unified view of changed sections, one line of context.
pub fn diff(old: &DiffSide, new: &DiffSide, r: &DiffReport, st: Style) -> String {
    // Who stands behind each sealed side, in words, before the unified
    // header (patch(1) skips lines before "---").
    let mut s = String::new();
    for side in [old, new] {
        if let Some(m) = &side.meta {
            s.push_str(&format!(
                "{}: v{} of {}\n",
                side.label, m.version, m.archive
            ));
            s.push_str(&who_signed(m));
        }
    }
    s.push_str(&format!("--- {}\n+++ {}\n", describe(old), describe(new)));
    if r.same {
        s.push_str("same canonical text: no differences\n");
        return s;
    }
    use rayon::prelude::*;
    let secs = &r.sections;
    // Each changed section is rendered on its own (word diffs take the
    // time), on all cores, then joined in order.
    let parts: Vec<String> = secs
        .par_iter()
        .enumerate()
        .with_min_len(64)
        .filter(|(_, sec)| sec.status != DiffStatus::Unchanged)
        .map(|(i, sec)| {
            let mut s = String::new();
            let classes: Vec<String> = {
                let mut c: Vec<String> = sec
                    .changes
                    .iter()
                    .map(|c| c.class.name().to_owned())
                    .collect();
                c.sort();
                c.dedup();
                c
            };
            s.push_str(&format!(
                "@@ {} {}{} @@\n",
                sec.id,
                sec.status.as_str(),
                if classes.is_empty() {
                    String::new()
                } else {
                    format!(": {}", classes.join(", "))
                }
            ));
            if let Some(prev) = i
                .checked_sub(1)
                .map(|j| &secs[j])
                .filter(|p| p.status == DiffStatus::Unchanged)
            {
                s.push_str(&format!("  {}\n", first_words(&prev.text, 12)));
            }
            match sec.status {
                DiffStatus::Changed => {
                    let old_words = strip_marker(&sec.text);
                    let new_words = sec.new_text.clone().unwrap_or_default();
                    s.push_str(&format!("~ {}\n", inline_diff(old_words, &new_words, st)));
                }
                DiffStatus::Removed => s.push_str(&format!("- {}\n", st.del(&sec.text))),
                DiffStatus::Added => s.push_str(&format!("+ {}\n", st.ins(&sec.text))),
                DiffStatus::Moved => s.push_str(&format!("> {} (moved)\n", sec.text)),
                DiffStatus::Unchanged => {}
            }
            if let Some(next) = secs
                .get(i + 1)
                .filter(|n| n.status == DiffStatus::Unchanged)
            {
                s.push_str(&format!("  {}\n", first_words(&next.text, 12)));
            }
            s
        })
        .collect();
    for p in parts {
        s.push_str(&p);
    }
    let sm = &r.summary;
    s.push_str(&format!(
        "{} changed, {} added, {} removed, {} moved, {} unchanged\n",
        sm.changed, sm.added, sm.removed, sm.moved, sm.unchanged
    ));
    for n in &r.notes {
        s.push_str(&format!("note: {n}\n"));
    }
    s.push_str(&legend(
        "only in the first (---)",
        "only in the second (+++)",
    ));
    s
}

/// "  signature valid: signed by HOLDER (key SHA256:..., from FILE,
/// minisign id ID), co-signed by ...: N distinct trusted key(s)": who
/// stands behind the version, in words (issue 14 point 3, N2).
fn who_signed(a: &crate::verify::Against) -> String {
    let whence = format!(
        "from {}, minisign id {}",
        a.signer_key_file, a.signer_key_id
    );
    // "HOLDER (key SHA256:...)" takes the file inside its parentheses.
    let name = match a.signer_name.strip_suffix(')') {
        Some(n) => format!("{n}, {whence})"),
        None => format!("{} ({whence})", a.signer_name),
    };
    let mut s = format!("  signature valid: signed by {name}");
    if !a.cosigners.is_empty() {
        let names: Vec<String> = a.cosigners.iter().map(|c| c.describe()).collect();
        s.push_str(&format!(", co-signed by {}", names.join(" and ")));
    }
    s.push_str(&format!(
        ": {} distinct trusted key(s)\n",
        a.distinct_signers
    ));
    if let Some(k) = &a.key_change {
        s.push_str(&format!("  {}\n", k.describe()));
    }
    s
}

/// The signers of a version, as outputs name them (K7): fingerprint and
/// the trusted .pub file.
fn signers(v: &crate::verify::VersionReport) -> String {
    let names = |l: &[crate::verify::SignerReport]| {
        l.iter()
            .map(|s| s.describe())
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let mut s = names(&v.signers);
    if !v.cosigners.is_empty() {
        s.push_str(&format!(", co-signed by {}", names(&v.cosigners)));
    }
    s
}

/// "2 distinct trusted keys (threshold 2)", when more than one key signed
/// or more than one is needed.
fn counted(v: &crate::verify::VersionReport) -> String {
    if v.signers.len() + v.cosigners.len() < 2 && v.threshold < 2 {
        return String::new();
    }
    format!(
        "  [{} distinct trusted key(s), threshold {}]",
        v.distinct_signers, v.threshold
    )
}

/// The key-change line of a version, if its sealer changed (K12).
fn key_change_line(v: &crate::verify::VersionReport) -> String {
    v.key_change
        .as_ref()
        .map(|k| format!("      {}\n", k.describe()))
        .unwrap_or_default()
}

/// What a verified archive does not show (docs/threat-model.md, "Rollback
/// and freeze"): that it is the newest. Said after every verified archive
/// until vellum keeps state of what it has seen.
pub(crate) const ROLLBACK_NOTE: &str = "  note: an older copy of this archive would also verify where this archive was not verified before (F1-F4 remember what was); that this copy holds the newest version is not something a signature shows\n";

/// Human verify result: verified with each version, or every problem.
pub fn verify(r: &crate::verify::Report) -> String {
    let mut s = String::new();
    if r.valid {
        s.push_str(&format!(
            "{}: verified, {} version(s), archive id {}\n",
            r.archive,
            r.versions.len(),
            r.archive_id.as_deref().unwrap_or("?")
        ));
        for v in &r.versions {
            s.push_str(&format!(
                "  v{}  {}  signature valid: signed by {}{}  {} sections  {}\n",
                v.version,
                v.created,
                signers(v),
                counted(v),
                v.sections,
                v.message
            ));
            s.push_str(&key_change_line(v));
            s.push_str(&timestamp_lines(v, "      "));
        }
        s.push_str(ROLLBACK_NOTE);
    } else {
        s.push_str(&format!(
            "{}: FAILED, {} problem(s)\n",
            r.archive,
            r.problems.len()
        ));
        for p in &r.problems {
            s.push_str(&format!(
                "  {}{}: {}\n",
                p.version.map(|v| format!("v{v} ")).unwrap_or_default(),
                p.place,
                p.problem
            ));
        }
    }
    s
}

/// Human log: each version, newest last.
pub fn log(r: &crate::verify::Report) -> String {
    let mut s = String::new();
    for v in &r.versions {
        // K7: with no trusted key among its signers a version is listed,
        // and said to be unverified (issue 14 point 6).
        let standing = if v.signers.iter().chain(&v.cosigners).any(|s| s.trusted) {
            counted(v)
        } else {
            "  not verified: no trusted key".to_owned()
        };
        s.push_str(&format!(
            "v{}  {}  signed by {}{}  manifest {}  root {}\n{}    {}\n",
            v.version,
            v.created,
            signers(v),
            standing,
            &v.manifest_sha256[..16.min(v.manifest_sha256.len())],
            v.root,
            key_change_line(v).replace("      ", "    "),
            if v.message.is_empty() {
                "(no message)"
            } else {
                &v.message
            }
        ));
        s.push_str(&timestamp_lines(v, "    "));
    }
    if !r.valid {
        s.push_str(&format!(
            "warning: the archive does not verify ({} problems); run vellum verify\n",
            r.problems.len()
        ));
    }
    s
}

/// Human result of sealing.
pub fn seal(text: &str, o: &crate::seal::SealOutcome) -> String {
    let mut s = format!(
        "sealed {text} as version {} of {} ({} sections, key {} {})\nmanifest SHA-256 {}\ncheckpoint SHA-256 {}, tree root {}\n",
        o.version,
        o.archive.display(),
        o.sections,
        o.signer_key_id,
        o.signer,
        o.manifest_sha256,
        o.checkpoint_sha256,
        o.root
    );
    for w in &o.warnings {
        s.push_str(&format!("warning: {w}\n"));
    }
    for p in &o.removed_stale {
        s.push_str(&format!(
            "removed {}, left by an earlier seal that was killed\n",
            p.display()
        ));
    }
    s
}

/// Human result of co-signing.
pub fn cosign(o: &crate::seal::cosign::CosignOutcome) -> String {
    format!(
        "co-signed version {} of {} ({}) by {}; {} key(s) sign it now\n",
        o.version,
        o.archive.display(),
        o.archive_id,
        o.signer_name,
        o.signers
    )
}

/// Human result of `vellum timestamp --request`.
pub fn timestamp_query(o: &crate::seal::timestamp::QueryOutcome, file: &std::path::Path) -> String {
    format!(
        "wrote the RFC 3161 query over version {} of {} (checkpoint SHA-256 {}) to {}\nsend it to the time-stamping authority, then: vellum timestamp {}@v{} --tsa-reply REPLY.tsr\n",
        o.version,
        o.archive.display(),
        o.checkpoint_sha256,
        file.display(),
        o.archive.display(),
        o.version
    )
}

/// Human result of keeping a timestamp.
pub fn timestamp(o: &crate::seal::timestamp::TimestampOutcome) -> String {
    let trust = match &o.trusted_by {
        Some(p) => format!(" (trusted: {})", p.display()),
        None => String::new(),
    };
    format!(
        "timestamped version {} of {}: existed by {} (TSA: {}{trust}); signer claims {}\nkept as {}\n",
        o.version,
        o.archive.display(),
        o.attested.gen_time,
        o.attested.tsa,
        o.created,
        o.file
    )
}

/// The lines of a version's timestamps (T5): what each attests, apart
/// from the signer's claimed time.
fn timestamp_lines(v: &crate::verify::VersionReport, indent: &str) -> String {
    use crate::verify::TimestampStanding;
    let mut s = String::new();
    for t in &v.timestamps {
        let tsa = t.tsa.as_deref().unwrap_or("unnamed TSA");
        let at = t.gen_time.as_deref().unwrap_or("?");
        match t.standing {
            TimestampStanding::Verified => s.push_str(&format!(
                "{indent}existed by {at} (TSA: {tsa}); signer claims {}\n",
                v.created
            )),
            TimestampStanding::Unchecked => s.push_str(&format!(
                "{indent}timestamp by {tsa} ({at}) not checked: no trusted TSA certificate (--tsa-cert)\n"
            )),
            TimestampStanding::Invalid => s.push_str(&format!(
                "{indent}timestamp {} INVALID: {}\n",
                t.file,
                t.problem.as_deref().unwrap_or("?")
            )),
        }
    }
    s
}

/// Human result of checking proof files: one line per proof.
pub fn proofs(file: &str, r: &crate::verify::proof::ProofFile) -> String {
    use crate::verify::proof::ProofFile;
    match r {
        ProofFile::Malformed(e) => format!("{file}: REJECTED: {e}\n"),
        ProofFile::Proofs(ps) => {
            let mut s = String::new();
            for p in ps {
                match p {
                    Ok(p) => s.push_str(&format!(
                        "{file}: PROVEN {}\n  {}\n",
                        p.describe(),
                        crate::report::visible(&p.text)
                    )),
                    Err(e) => s.push_str(&format!("{file}: REJECTED: {e}\n")),
                }
            }
            s
        }
    }
}

/// Human listing of a text's sections: one line each, then the canonical
/// text's hash and any warnings.
pub fn sections(
    secs: &[crate::text::sections::Section],
    canonical_sha256: &str,
    warnings: &[crate::text::canon::Warning],
) -> String {
    let mut s = format!(
        "{:<14} {:<9} {:>4}  {:<16}  {}\n",
        "ID", "KIND", "NO.", "SHA-256", "FIRST WORDS"
    );
    for sec in secs {
        let words: Vec<&str> = sec.display().split(' ').take(6).collect();
        let mut first = words.join(" ");
        if sec.display().split(' ').count() > 6 {
            first.push_str(" \u{2026}");
        }
        s.push_str(&format!(
            "{:<14} {:<9} {:>4}  {}  {}\n",
            sec.id,
            sec.kind.as_str(),
            sec.number
                .map(|n| n.to_string())
                .unwrap_or_else(|| "-".into()),
            &sec.sha256[..16],
            first
        ));
    }
    s.push_str(&format!(
        "{} sections; canonical text ({}) SHA-256 {}\n",
        secs.len(),
        crate::text::canon::SPEC_ID,
        canonical_sha256
    ));
    for w in warnings {
        s.push_str(&format!(
            "warning: line {}: {} {}\n",
            w.line, w.codepoint, w.name
        ));
    }
    s
}
