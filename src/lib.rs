//! vellum keeps a text honest after it leaves its authors.
//!
//! It seals a text into a signed, versioned archive (a BagIt bag holding an
//! OCFL object, zipped), verifies such archives against trusted keys, checks
//! circulated copies against them (authentic, excerpt, altered: where and
//! how, or unrelated) and diffs versions section by section.
//!
//! Modules and the way their dependencies point (each only uses those
//! above it):
//!
//! ```text
//! digest, input, htmltext        hashes; bytes -> text; HTML -> text
//! canon                          the canonical text (vellum-text-v1)
//! sections                       blocks -> sections with ids and hashes
//! words                          canonical text -> word tokens
//! keys, sign                     key files; signature formats
//! manifest, bag, ocfl            the signed version manifest; BagIt; OCFL
//! container                      the zip file (only user of `zip`)
//! verify, seal                   the archive as a whole
//! align                          word alignment shared by check and diff
//! check, diff                    judging copies; comparing versions
//! report                         human, JSON and HTML renderings
//! ```
//!
//! The library never prints; the `vellum` binary turns results into output
//! and exit codes.
#![deny(missing_docs)]

pub mod align;
pub mod archive;
pub mod bag;
pub mod canon;
pub mod changes;
pub mod check;
pub mod container;
pub mod diff;
pub mod digest;
pub mod html;
pub mod htmltext;
pub mod input;
pub mod keys;
pub mod manifest;
pub mod ocfl;
pub mod report;
pub mod seal;
pub mod sections;
pub mod sign;
pub mod verify;
pub mod words;
