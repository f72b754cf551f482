//! Pairing whole blocks before words.
//!
//! Most copies keep most paragraphs whole: once canonical, a block of the
//! copy is often exactly a sealed section. Those pairs are found by aligning
//! the sequences of block keys (the same engine as for words), and a pair
//! whose neighbours are pairs too (one before, two after) is set aside as
//! intact. What is left, the blocks that differ plus paired blocks around
//! them as context, is judged word by word, region by region, and the two
//! results are merged back.
//! Work then grows with the differences, not with the text.
//!
//! Used for sealed texts of [`super::PLAN_MIN_BYTES`] and more. A single
//! difference gets exactly the whole-text report (unit tests hold them
//! equal). With several, a region's alignment can choose differently: a
//! word unique in a region need not be unique in the whole text, so two
//! paragraphs swapped a few apart may come out as the paragraphs between
//! them moved. The verdict is the same (property test).

use super::{CheckReport, Sealed, SectionReport, Status, Verdict};
use crate::compare::align::{self, Tag};
use crate::text::canon::Canonical;

/// Which blocks are judged word by word, and which are set aside.
pub(super) struct Plan {
    /// Sealed sections judged word by word, in order.
    pub keep_sealed: Vec<usize>,
    /// Copy blocks judged word by word, in order.
    pub keep_copy: Vec<usize>,
    /// Set-aside pairs (sealed section, copy block): identical, in order,
    /// between identical neighbours.
    pub hidden: Vec<(usize, usize)>,
    /// The stretches between set-aside pairs, as ranges of the kept sealed
    /// sections and kept copy blocks (indices into `keep_sealed` and
    /// `keep_copy`); they tile both, in order, and each is aligned only
    /// with itself.
    pub regions: Vec<Region>,
}

/// Kept sealed sections and kept copy blocks that correspond.
pub(super) type Region = (std::ops::Range<usize>, std::ops::Range<usize>);

/// No pair is set aside.
const NONE: usize = usize::MAX;

/// Plan a check, or `None` when no block can be set aside.
pub(super) fn plan(sealed: &Sealed, canon: &Canonical) -> Option<Plan> {
    use rayon::prelude::*;
    let (n, m) = (sealed.sections.len(), canon.blocks.len());
    if n < 3 || m < 3 {
        return None;
    }
    let copy_keys: Vec<u64> = canon
        .blocks
        .par_iter()
        .with_min_len(1024)
        .map(|b| crate::text::words::key(&b.text))
        .collect();
    let mut pair = vec![NONE; n];
    for op in align::align_keys(&sealed.keys, &copy_keys) {
        if op.tag == Tag::Equal {
            for (i, j) in op.a.zip(op.b) {
                // Keys can collide: the texts decide. A block without words
                // pairs with nothing (a region must start with a word both
                // sides share).
                let text = &sealed.sections[i].text;
                if !text.is_empty() && *text == canon.blocks[j].text {
                    pair[i] = j;
                }
            }
        }
    }
    // A pair is set aside between pairs: one before it, two after it, so
    // every difference keeps two paired blocks of context before it (room
    // for an edit to slide to the block boundary the whole text would give
    // it) and one after it.
    let mut hide = vec![false; n];
    let mut hidden = Vec::new();
    for i in 1..n.saturating_sub(2) {
        let j = pair[i];
        if j != NONE
            && j > 0
            && j + 2 < m
            && pair[i - 1] == j - 1
            && pair[i + 1] == j + 1
            && pair[i + 2] == j + 2
        {
            hide[i] = true;
            hidden.push((i, j));
        }
    }
    if hidden.is_empty() {
        return None;
    }
    let mut copy_hidden = vec![false; m];
    for &(_, j) in &hidden {
        copy_hidden[j] = true;
    }
    let mut regions = Vec::new();
    let (mut rs, mut rc) = (0, 0);
    let ends = hidden.iter().copied().chain(std::iter::once((n, m)));
    let mut prev: Option<(usize, usize)> = None;
    for (i, j) in ends {
        let (gs, gc) = match prev {
            None => (i, j),
            Some((pi, pj)) => (i - pi - 1, j - pj - 1),
        };
        if gs + gc > 0 {
            regions.push((rs..rs + gs, rc..rc + gc));
        }
        rs += gs;
        rc += gc;
        prev = Some((i, j));
    }
    Some(Plan {
        regions,
        keep_sealed: (0..n).filter(|&i| !hide[i]).collect(),
        keep_copy: (0..m).filter(|&j| !copy_hidden[j]).collect(),
        hidden,
    })
}

/// Merge the report on the kept blocks (`block_section`: the kept sealed
/// section of each kept copy block) with the set-aside pairs.
pub(super) fn merge(
    sealed: &Sealed,
    canon: &Canonical,
    plan: &Plan,
    r: CheckReport,
    block_section: Vec<Option<usize>>,
) -> (CheckReport, Vec<Option<usize>>) {
    let mut full = vec![None; canon.blocks.len()];
    for (k, &j) in plan.keep_copy.iter().enumerate() {
        full[j] = block_section[k].map(|s| plan.keep_sealed[s]);
    }
    for &(i, j) in &plan.hidden {
        full[j] = Some(i);
    }
    let unrelated = r.verdict == Verdict::Unrelated;
    let mut sections = Vec::with_capacity(sealed.sections.len() + r.summary.added);
    let mut judged = r.sections.into_iter().peekable();
    let take_added =
        |sections: &mut Vec<SectionReport>,
         judged: &mut std::iter::Peekable<std::vec::IntoIter<SectionReport>>| {
            while let Some(x) = judged.next_if(|x| x.status == Status::Added) {
                sections.push(x);
            }
        };
    take_added(&mut sections, &mut judged);
    let mut kept = plan.keep_sealed.iter().peekable();
    for i in 0..sealed.sections.len() {
        if kept.next_if(|&&k| k == i).is_some() {
            sections.extend(judged.next());
            take_added(&mut sections, &mut judged);
        } else {
            let status = if unrelated {
                Status::Missing
            } else {
                Status::Intact
            };
            sections.push(sealed.unchanged(i, status));
        }
    }
    let mut summary = r.summary;
    summary.sections = sealed.sections.len();
    if unrelated {
        summary.missing += plan.hidden.len();
    } else {
        summary.intact += plan.hidden.len();
    }
    let mut report = CheckReport::new(r.verdict, summary, sections);
    report.warnings = r.warnings;
    (report, full)
}
