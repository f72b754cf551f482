//! Streaming a version's files (V10): each payload file through the
//! hashes, and an original with its manifest, whose head (with the index)
//! is read first: the original's chunks (C33) canonicalized on several
//! cores at once, each block handed on in text order, matched with the
//! manifest's next section as the manifest streams past, hashed into the
//! section tree (T2) and its tiles (T3), and checked against the index
//! (M6); the manifest's bytes and the canonical text go through their
//! hashes and the raw signatures on another thread. Memory stays within a
//! few batches per core, whatever the size of the text or the number of
//! its sections.

use crate::archive::container::{ReadError, ZipIn};
use crate::archive::manifest::{
    self, Chunk, FormCheck, Head, Header, Index, KindCounts, ManifestError,
};
use crate::crypto::keys::{Fingerprint, PublicKey};
use crate::crypto::merkle::{Hash, TreeBuilder};
use crate::crypto::sign::{self, StreamCheck};
use crate::digest::{FileDigests, Hasher, Tee};
use crate::text::canon::{
    self, Canonicalizer, CutFinder, LineSplitter, Marker, Mode, ModeDetector, Sink, TextWriter,
};
use crate::text::decode::DecodeError;
use crate::text::decode::{StreamDecoder, UTF16BE_BOM, UTF16LE_BOM};
use crate::text::sections::{BlockInfo, Claim, Kind, Matcher, Mismatches};
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Pieces of a chunk on their way to a worker, at most.
const PIECES_IN_FLIGHT: usize = 4;
/// Batches of events on their way from a worker, at most: about a chunk's
/// worth, so that a worker can run a chunk ahead of the one being matched.
const BATCHES_IN_FLIGHT: usize = 64;
/// A batch of events is sent when it holds this much text...
const BATCH_TEXT: usize = 64 * 1024;
/// ...or this many events.
const BATCH_EVENTS: usize = 1024;
/// Most workers canonicalizing one original.
const MAX_WORKERS: usize = 4;
/// Canonical text is handed to the hasher in pieces of about this size.
const HASH_PIECE: usize = 64 * 1024;
/// Pieces on their way to the hasher, at most.
const HASH_PIECES_IN_FLIGHT: usize = 8;

/// A version manifest read: its header, and the digests of its bytes.
pub(super) struct ManifestRead {
    pub(super) digests: FileDigests,
    pub(super) hashes: sign::FileHashes,
    pub(super) header: Result<Header, ManifestError>,
}

/// A manifest read on its own (a version without an original, or a
/// manifest whose head does not read): the header (sections only counted)
/// and every digest its signatures and the bag and OCFL manifests need.
pub(super) fn read_manifest(
    zip: &ZipIn,
    name: &str,
    progress: &AtomicU64,
) -> Result<ManifestRead, ReadError> {
    let mut sha256 = Sha256::new();
    let mut len = 0u64;
    let mut sig_hashes = sign::FileHasher::default();
    let header = zip.read_with(name, |r| {
        let mut tee = Tee::new(r, |b: &[u8]| {
            sha256.update(b);
            len += b.len() as u64;
            sig_hashes.update(b);
            progress.fetch_add(b.len() as u64, Ordering::Relaxed);
        });
        let header = Header::read(&mut tee);
        // The rest, if the header stopped short, still goes through the
        // hashes; damaged data is the finding then.
        let _ = std::io::copy(&mut tee, &mut std::io::sink());
        header
    })?;
    let hashes = sig_hashes.finish();
    // The SHA-512 the SSH signature covers is the one OCFL records.
    let digests = FileDigests {
        sha256: crate::digest::to_hex(sha256.finalize()),
        sha512: crate::digest::to_hex(hashes.sha512),
        len,
    };
    Ok(ManifestRead {
        digests,
        hashes,
        header,
    })
}

/// A payload file through the hashes.
pub(super) fn stream_plain(
    zip: &ZipIn,
    name: &str,
    progress: &AtomicU64,
) -> Result<FileDigests, ReadError> {
    let mut h = Hasher::default();
    zip.stream(name, |b| {
        h.update(b);
        progress.fetch_add(b.len() as u64, Ordering::Relaxed);
        ControlFlow::Continue(())
    })?;
    Ok(h.finish())
}

/// What a chunk worker hands on, in text order.
enum Event {
    /// A block starts, with its marker.
    Open(Option<Marker>),
    /// Canonical text of the current block.
    Text(String),
    /// The block ended: its shape and hash (`start` is filled in later).
    Close(BlockInfo),
    /// The chunk does not decode (why, offsets counted from the file's
    /// start).
    Failed(DecodeError),
    /// The chunk ended.
    ChunkEnd,
}

/// The canonicalizer's sink in a worker: each block's shape and hash, and
/// its text, batched for the merger.
struct EventSink {
    tx: SyncSender<Vec<Event>>,
    batch: Vec<Event>,
    text: usize,
    block: Option<(Option<Marker>, Sha256, u64, usize, String)>,
    open: bool,
}

impl EventSink {
    /// An event other than text ([`EventSink::push_text`] counts and joins
    /// those).
    fn push(&mut self, e: Event) {
        debug_assert!(!matches!(e, Event::Text(_)), "text goes through push_text");
        self.batch.push(e);
        self.flushed_when_full();
    }

    /// A piece of the current block's text: added to the text event the
    /// batch ends with, if any, so that a block's pieces make one string
    /// without a string made and dropped for each piece first.
    fn push_text(&mut self, s: &str) {
        self.text += s.len();
        match self.batch.last_mut() {
            Some(Event::Text(last)) => last.push_str(s),
            _ => self.batch.push(Event::Text(s.to_owned())),
        }
        self.flushed_when_full();
    }

    fn flushed_when_full(&mut self) {
        if self.text >= BATCH_TEXT || self.batch.len() >= BATCH_EVENTS {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.open && !self.batch.is_empty() {
            let b = std::mem::take(&mut self.batch);
            self.open = self.tx.send(b).is_ok();
        }
        self.batch.clear();
        self.text = 0;
    }

    fn close_block(&mut self) {
        if let Some((marker, h, len, words, tail)) = self.block.take() {
            let info = BlockInfo {
                marker,
                words,
                ends_sentence: crate::text::sections::ends_sentence(&tail),
                start: 0,
                len,
                sha256: crate::digest::to_hex(h.finalize()),
            };
            self.push(Event::Close(info));
        }
    }
}

impl Sink for EventSink {
    fn block(&mut self, marker: Option<Marker>, _line: u64) {
        self.close_block();
        self.push(Event::Open(marker));
        self.block = Some((marker, Sha256::new(), 0, 1, String::new()));
    }
    fn text(&mut self, s: &str) {
        if let Some((_, h, len, words, tail)) = &mut self.block {
            h.update(s.as_bytes());
            *len += s.len() as u64;
            *words += memchr::memchr_iter(b' ', s.as_bytes()).count();
            crate::text::sections::keep_tail(tail, s);
        }
        self.push_text(s);
    }
    fn warning(&mut self, _: canon::Warning) {}
}

/// What the producer hands a worker.
enum Piece {
    /// Bytes of the current chunk, and where in the file they start.
    Bytes(Vec<u8>, u64),
    /// The chunk ended.
    End,
}

/// A worker: canonicalizes the chunks it is given, one after the other,
/// each from a fresh state (C33).
fn worker(rx: Receiver<Piece>, tx: SyncSender<Vec<Event>>, mode: Mode) {
    let mut sink = Some(EventSink {
        tx,
        batch: Vec::new(),
        text: 0,
        block: None,
        open: true,
    });
    loop {
        let mut dec = StreamDecoder::default();
        let mut split = LineSplitter::default();
        let mut canon = Canonicalizer::new(sink.take().expect("a sink"), mode);
        let mut failed: Option<DecodeError> = None;
        let mut at = 0u64;
        let mut any = false;
        loop {
            match rx.recv() {
                Ok(Piece::Bytes(b, from)) => {
                    if !any {
                        at = from;
                        any = true;
                    }
                    if failed.is_none() {
                        if let Err(e) =
                            dec.push(&b, &mut |t| split.push(t, &mut |p, e| canon.push(p, e)))
                        {
                            failed = Some(shifted(&e, at));
                        }
                    }
                }
                Ok(Piece::End) => break,
                Err(_) => {
                    // No more chunks.
                    return;
                }
            }
        }
        if failed.is_none() {
            if let Err(e) = dec.finish(&mut |t| split.push(t, &mut |p, e| canon.push(p, e))) {
                // A chunk after the first is never empty; the first may
                // be only a BOM, which the whole file's check reports.
                if !(at > 0 && matches!(e, DecodeError::Empty)) {
                    failed = Some(shifted(&e, at));
                }
            }
            split.finish(&mut |p, e| canon.push(p, e));
        }
        let mut s = canon.finish();
        s.close_block();
        if let Some(f) = failed {
            s.push(Event::Failed(f));
        }
        s.push(Event::ChunkEnd);
        s.flush();
        sink = Some(s);
    }
}

/// A decoding error with its offset counted from the file's start.
fn shifted(e: &DecodeError, by: u64) -> DecodeError {
    let by = by as usize;
    match e {
        DecodeError::Invalid { encoding, offset } => DecodeError::Invalid {
            encoding,
            offset: offset + by,
        },
        DecodeError::Binary { offset } => DecodeError::Binary {
            offset: offset + by,
        },
        other => other.clone(),
    }
}

/// What the hasher thread is handed, in order: the manifest's bytes and
/// the canonical text's, two streams interleaved.
enum ToHash {
    Manifest(Vec<u8>),
    Canonical(String),
}

/// The hashes of a manifest and of the canonical text, taken on a thread of
/// their own so that the thread reading the manifest only parses it.
struct Hashing {
    manifest_sha256: Sha256,
    manifest_len: u64,
    manifest: sign::FileHasher,
    raws: Vec<StreamCheck>,
    canonical: Sha256,
}

impl Hashing {
    fn run(mut self, rx: Receiver<ToHash>) -> Hashing {
        for m in rx {
            match m {
                ToHash::Manifest(b) => {
                    self.manifest_sha256.update(&b);
                    self.manifest_len += b.len() as u64;
                    self.manifest.update(&b);
                    for c in self.raws.iter_mut() {
                        c.update(&b);
                    }
                }
                ToHash::Canonical(t) => self.canonical.update(t.as_bytes()),
            }
        }
        self
    }
}

/// The blocks of the text, in order, from the workers' chunks: each block's
/// place in the canonical text is filled in, the whole canonical text goes
/// to the hasher, and where each chunk starts is noted.
struct Blocks {
    rxs: Vec<Receiver<Vec<Event>>>,
    /// The chunk being read.
    chunk: usize,
    /// Whether the current chunk has been entered.
    entered: bool,
    pending: VecDeque<Event>,
    writer: TextWriter,
    /// Canonical text not yet handed to the hasher.
    unhashed: String,
    /// Dropped once all of the text is handed on.
    hasher: Option<SyncSender<ToHash>>,
    pos: u64,
    block_start: u64,
    blocks: u64,
    /// (sections before, canonical bytes before) at each chunk's start.
    chunk_starts: Vec<(u64, u64)>,
    failed: Option<DecodeError>,
    done: bool,
}

impl Blocks {
    fn put(&mut self, s: &str) {
        self.unhashed.push_str(s);
        self.pos += s.len() as u64;
        if self.unhashed.len() >= HASH_PIECE {
            self.hand_on();
        }
    }

    fn hand_on(&mut self) {
        let t = std::mem::take(&mut self.unhashed);
        if let Some(h) = &self.hasher {
            // A hasher gone means the whole check is ending.
            let _ = h.send(ToHash::Canonical(t));
        }
    }

    /// The next event of the text, moving from chunk to chunk; `None` at
    /// the end of the last.
    fn event(&mut self) -> Option<Event> {
        loop {
            if let Some(e) = self.pending.pop_front() {
                if matches!(e, Event::ChunkEnd) {
                    self.chunk += 1;
                    self.entered = false;
                    continue;
                }
                return Some(e);
            }
            if self.done {
                return None;
            }
            let w = self.chunk % self.rxs.len();
            match self.rxs[w].recv() {
                Ok(batch) => {
                    if !self.entered {
                        self.entered = true;
                        self.chunk_starts.push((self.blocks, self.pos));
                    }
                    self.pending.extend(batch);
                }
                Err(_) => {
                    self.done = true;
                    return None;
                }
            }
        }
    }

    /// The text's canonical length, once every chunk is read and all of it
    /// is handed to the hasher; also counts the blocks not yet handed out.
    fn finish(&mut self) -> (u64, u64) {
        let mut rest = 0;
        while self.next().is_some() {
            rest += 1;
        }
        let mut w = std::mem::take(&mut self.writer);
        let mut tail = String::new();
        w.finish(&mut |s| tail.push_str(s));
        self.put(&tail);
        self.hand_on();
        self.hasher = None;
        (self.pos, rest)
    }
}

impl Iterator for Blocks {
    type Item = BlockInfo;
    fn next(&mut self) -> Option<BlockInfo> {
        loop {
            match self.event()? {
                Event::Open(m) => {
                    let mut w = std::mem::take(&mut self.writer);
                    let mut sep = String::new();
                    w.block(m, &mut |s| sep.push_str(s));
                    self.writer = w;
                    self.put(&sep);
                    self.block_start = self.pos;
                }
                Event::Text(s) => self.put(&s),
                Event::Close(mut b) => {
                    b.start = self.block_start;
                    self.blocks += 1;
                    if self.failed.is_none() {
                        return Some(b);
                    }
                }
                Event::Failed(e) => {
                    self.failed.get_or_insert(e);
                }
                Event::ChunkEnd => {}
            }
        }
    }
}

/// What reading a manifest's sections again found, against the text
/// re-derived from the version's original.
pub(super) struct TextChecked {
    /// The canonical text's SHA-256 and length, or why the original does
    /// not decode (`None`: it could not be read).
    pub(super) canon: Option<Result<(String, u64), DecodeError>>,
    /// Why the sections could not be read, if they could not.
    pub(super) unreadable: Option<String>,
    /// The manifest is in canonical form.
    pub(super) canonical_form: bool,
    /// Whether each raw `.sig` given verifies, by signer.
    pub(super) raw_signatures: Vec<(Fingerprint, bool)>,
    /// Sections that do not match the text.
    pub(super) mismatches: Mismatches,
    /// Sections the manifest lists.
    pub(super) claims: u64,
    /// Sections of the text (counted when the manifest could be read).
    pub(super) text_sections: u64,
    /// The root of the tree over the manifest's sections, and its tiles.
    pub(super) root: Hash,
    /// The tiles of that tree, at the manifest's tile height.
    pub(super) tiles: Vec<Hash>,
    /// What is wrong with the index (M6).
    pub(super) index: Vec<String>,
}

/// The manifest and the parts of a version that the text is checked
/// against.
pub(super) struct Against<'a> {
    /// The manifest's zip path.
    pub(super) manifest: &'a str,
    /// What it says before its sections (read first, [`manifest::read_head`]).
    pub(super) head: &'a Head,
    /// Raw signatures of the manifest to check as it streams past: the
    /// signer, its trusted key, the `.sig` file's bytes.
    pub(super) raw_signatures: Vec<(Fingerprint, &'a PublicKey, Vec<u8>)>,
}

/// What streaming an original with its manifest gives: the original's
/// digests, the manifest as read, and what was checked.
pub(super) struct Checked {
    pub(super) original: Result<FileDigests, ReadError>,
    pub(super) manifest: Result<ManifestRead, ReadError>,
    pub(super) text: TextChecked,
}

/// One reading of a manifest, whose head is known, with the text of its
/// version: the manifest's bytes go through its digests and raw
/// signatures, its sections are matched, one by one, with the blocks of
/// the text re-derived from the original (chunks on several cores, at the
/// same time), and hashed into the tree; its tail completes its header.
pub(super) fn check_text(zip: &ZipIn, original: &str, a: Against, progress: &AtomicU64) -> Checked {
    let index = &a.head.index;
    let size = zip.get(original).map(|e| e.size).unwrap_or(0);
    // Split at the recorded cuts that can be cuts at all (increasing, inside
    // the file); whether they are the rule's is checked at the end.
    let mut splits: Vec<u64> = Vec::new();
    for c in index.chunks.iter().skip(1) {
        if c.source > *splits.last().unwrap_or(&0) && c.source < size {
            splits.push(c.source);
        }
    }
    let workers = (splits.len() + 1).min(
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(MAX_WORKERS),
    );
    let mode = index.mode;
    std::thread::scope(|s| {
        let mut inputs = Vec::new();
        let mut outputs = Vec::new();
        for _ in 0..workers {
            let (itx, irx) = sync_channel::<Piece>(PIECES_IN_FLIGHT);
            let (otx, orx) = sync_channel::<Vec<Event>>(BATCHES_IN_FLIGHT);
            s.spawn(move || worker(irx, otx, mode));
            inputs.push(itx);
            outputs.push(orx);
        }
        let splits = &splits;
        let producer = s.spawn(move || produce(zip, original, splits, inputs, mode, progress));
        let (htx, hrx) = sync_channel::<ToHash>(HASH_PIECES_IN_FLIGHT);
        let hashing = Hashing {
            manifest_sha256: Sha256::new(),
            manifest_len: 0,
            manifest: sign::FileHasher::default(),
            raws: a
                .raw_signatures
                .iter()
                .map(|(_, k, sig)| StreamCheck::new(k, sig))
                .collect(),
            canonical: Sha256::new(),
        };
        let hasher = s.spawn(move || hashing.run(hrx));
        let mut blocks = Blocks {
            rxs: outputs,
            chunk: 0,
            entered: false,
            pending: VecDeque::new(),
            writer: TextWriter::default(),
            unhashed: String::new(),
            hasher: Some(htx.clone()),
            pos: 0,
            block_start: 0,
            blocks: 0,
            chunk_starts: Vec::new(),
            failed: None,
            done: false,
        };
        let mut matcher = Matcher::default();
        let mut form = FormCheck::new(a.head);
        let mut tree = TreeBuilder::with_tiles(index.tile_height.min(63));
        let mut counts = KindCounts::default();
        let mut counts_at: Vec<KindCounts> = Vec::new();
        let mut last_body: Option<u64> = None;
        let mut claims = 0u64;
        let mut text_sections = 0u64;
        let read_again = zip.read_with(a.manifest, |r| {
            let mut tee = Tee::new(r, |b: &[u8]| {
                progress.fetch_add(b.len() as u64, Ordering::Relaxed);
                let _ = htx.send(ToHash::Manifest(b.to_vec()));
            });
            let res = manifest::read_body(&mut tee, |e| {
                form.section(&e);
                if let Some(b) = blocks.next() {
                    text_sections += 1;
                    matcher.push(
                        &b,
                        &Claim {
                            id: &e.id,
                            kind: e.kind,
                            number: e.number,
                            start: e.start,
                            len: e.len,
                            sha256: &e.sha256,
                        },
                    );
                }
                while counts_at.len() < blocks.chunk_starts.len() {
                    counts_at.push(counts);
                }
                tree.push(e.leaf(claims).hash());
                if !matches!(e.kind, Kind::Heading | Kind::Closing) {
                    last_body = Some(claims);
                }
                counts.add(e.kind);
                claims += 1;
            });
            let _ = std::io::copy(&mut tee, &mut std::io::sink());
            res
        });
        drop(htx);
        let (canonical_len, rest) = blocks.finish();
        let hashed = hasher.join().expect("the hasher does not panic");
        let hashes = hashed.manifest.finish();
        // The SHA-512 the SSH signature covers is the one OCFL records.
        let mdigests = FileDigests {
            sha256: crate::digest::to_hex(hashed.manifest_sha256.finalize()),
            sha512: crate::digest::to_hex(hashes.sha512),
            len: hashed.manifest_len,
        };
        let canonical_sha256 = crate::digest::to_hex(hashed.canonical.finalize());
        let (unreadable, tail) = match &read_again {
            Ok(Ok(t)) => (None, Some(t)),
            Ok(Err(e)) => (Some(e.to_string()), None),
            Err(e) => (Some(e.to_string()), None),
        };
        let canonical_form = tail.is_some_and(|t| form.matches(t, &mdigests.sha256, mdigests.len));
        let mread = match read_again {
            Ok(body) => Ok(ManifestRead {
                header: body.and_then(|t| a.head.clone().into_header(claims, t)),
                digests: mdigests,
                hashes,
            }),
            Err(e) => Err(e),
        };
        if unreadable.is_none() {
            // The text's blocks past the manifest's last section.
            text_sections += rest;
        }
        while counts_at.len() < blocks.chunk_starts.len() {
            counts_at.push(counts);
        }
        let produced = producer.join().unwrap_or_else(|_| {
            Err(ReadError::Invalid(
                crate::archive::container::ZipProblem::Damaged("the reader failed".into()),
            ))
        });
        let (digests, canon, found) = match produced {
            Ok(p) => (
                Ok(p.digests),
                Some(match &blocks.failed {
                    Some(e) => Err(e.clone()),
                    None => Ok((canonical_sha256, canonical_len)),
                }),
                Some((p.cuts, p.mode)),
            ),
            Err(e) => (Err(e), None, None),
        };
        let mut problems = Vec::new();
        if let (Some((cuts, detected)), None, None) = (&found, &unreadable, &blocks.failed) {
            let observed: Vec<Chunk> = blocks
                .chunk_starts
                .iter()
                .zip(&counts_at)
                .zip(std::iter::once(0).chain(splits.iter().copied()))
                .map(|(((section, canonical), counts), source)| Chunk {
                    canonical: *canonical,
                    counts: *counts,
                    section: *section,
                    source,
                })
                .collect();
            problems = index_problems(index, cuts, *detected, &observed, last_body, claims);
        }
        let root = tree.root();
        let tiles = tree.tiles();
        let c = TextChecked {
            canon,
            unreadable,
            canonical_form,
            raw_signatures: a
                .raw_signatures
                .iter()
                .zip(hashed.raws)
                .map(|((fp, _, _), c)| (*fp, c.verifies()))
                .collect(),
            mismatches: matcher.finish(),
            claims,
            text_sections,
            root,
            tiles,
            index: problems,
        };
        Checked {
            original: digests,
            manifest: mread,
            text: c,
        }
    })
}

/// What the producer found in the original.
struct Produced {
    digests: FileDigests,
    /// The chunk cuts the rule gives (C33).
    cuts: Vec<u64>,
    /// The line mode (C9).
    mode: Mode,
}

/// Stream the original once: through the hashes, the cut finder and the
/// mode detector, and in chunks to the workers, in turn.
fn produce(
    zip: &ZipIn,
    name: &str,
    splits: &[u64],
    inputs: Vec<SyncSender<Piece>>,
    mode: Mode,
    progress: &AtomicU64,
) -> Result<Produced, ReadError> {
    let mut hasher = Hasher::default();
    let mut cuts = CutFinder::new(mode);
    let mut det = ModeDetector::default();
    let mut dec = StreamDecoder::default();
    let mut split = LineSplitter::default();
    let mut utf8 = true;
    let mut pos = 0u64;
    let mut chunk = 0usize;
    let mut open = true;
    let r = zip.stream(name, |piece| {
        hasher.update(piece);
        progress.fetch_add(piece.len() as u64, Ordering::Relaxed);
        if pos == 0 && (piece.starts_with(UTF16LE_BOM) || piece.starts_with(UTF16BE_BOM)) {
            utf8 = false;
        }
        cuts.push(piece);
        if !det.decided() {
            let _ = dec.push(piece, &mut |t| split.push(t, &mut |p, e| det.push(p, e)));
        }
        let mut rest = piece;
        let mut at = pos;
        while open && !rest.is_empty() {
            let w = chunk % inputs.len();
            let take = match splits.get(chunk) {
                Some(&c) if c - at <= rest.len() as u64 => (c - at) as usize,
                _ => rest.len(),
            };
            if take > 0 {
                open = inputs[w]
                    .send(Piece::Bytes(rest[..take].to_vec(), at))
                    .is_ok();
            }
            rest = &rest[take..];
            at += take as u64;
            if splits.get(chunk) == Some(&at) {
                open = open && inputs[w].send(Piece::End).is_ok();
                chunk += 1;
            }
        }
        pos += piece.len() as u64;
        ControlFlow::Continue(())
    });
    if open {
        let _ = inputs[chunk % inputs.len()].send(Piece::End);
    }
    drop(inputs);
    r?;
    if !det.decided() {
        let _ = dec.finish(&mut |t| split.push(t, &mut |p, e| det.push(p, e)));
        split.finish(&mut |p, e| det.push(p, e));
    }
    Ok(Produced {
        digests: hasher.finish(),
        cuts: cuts.finish(utf8),
        mode: det.mode(),
    })
}

/// M6: the index must say what the text and the manifest's sections say:
/// the text's mode, the chunk cuts of the rule (C33), and at each chunk the
/// sections, kinds and canonical bytes before it; the last body section.
fn index_problems(
    index: &Index,
    cuts: &[u64],
    mode: Mode,
    observed: &[Chunk],
    last_body: Option<u64>,
    claims: u64,
) -> Vec<String> {
    let mut p = Vec::new();
    if index.mode != mode {
        p.push(format!(
            "says the text is in {} mode; it is in {} mode",
            mode_name(index.mode),
            mode_name(mode)
        ));
        return p;
    }
    let recorded: Vec<u64> = index.chunks.iter().skip(1).map(|c| c.source).collect();
    if index.chunks.first().map(|c| c.source) != Some(0) || recorded != cuts {
        p.push(format!(
            "chunks start at {}; the text's chunks start at {}",
            starts(index.chunks.iter().map(|c| c.source)),
            starts(std::iter::once(0).chain(cuts.iter().copied()))
        ));
        return p;
    }
    for (k, (want, got)) in index.chunks.iter().zip(observed).enumerate() {
        if want != got {
            p.push(format!(
                "chunk {k} does not say what comes before it (sections, kinds, canonical bytes)"
            ));
            break;
        }
    }
    if index.last_body != last_body {
        p.push("names another last body section than the sections do".into());
    }
    if index.tile_height != crate::archive::tree::tile_height(claims) {
        p.push(format!(
            "tile height {} is not the one for {claims} sections",
            index.tile_height
        ));
    }
    p
}

fn mode_name(m: Mode) -> &'static str {
    match m {
        Mode::Paragraphs => "paragraphs",
        Mode::Lines => "lines",
    }
}

fn starts(it: impl Iterator<Item = u64>) -> String {
    let v: Vec<String> = it.take(6).map(|x| x.to_string()).collect();
    v.join(", ")
}
