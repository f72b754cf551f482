//! vellum keeps a text honest after it leaves its authors.
//!
//! It seals a text into a signed, versioned archive (a BagIt bag holding an
//! OCFL object, zipped), verifies such archives against trusted keys, checks
//! circulated copies against them (authentic, excerpt, altered: where and
//! how, or unrelated) and diffs versions section by section.
//!
//! Layers, from the ground up; each uses only those below it:
//!
//! ```text
//! report/     human, JSON and HTML renderings of every result
//! compare/    align, changes, check (copies), diff (versions)
//! seal        writing the next version of an archive
//! verify/     reading and checking an archive
//! archive/    layout, container (zip), bag, ocfl, manifest
//! crypto/     keys, sign
//! document/   documents that carry copies: text, HTML, Markdown, mail, DOCX, PDF, WARC
//! text/       decode, canon, sections, words
//! digest      hashes
//! ```
//!
//! The library never prints; the `vellum` binary (`src/bin/vellum/`) turns
//! results into output and exit codes.
#![deny(missing_docs)]

pub mod archive;
pub mod compare;
pub mod crypto;
pub mod digest;
pub mod document;
pub mod files;
pub mod limits;
pub mod report;
pub mod seal;
pub mod text;
pub mod verify;
