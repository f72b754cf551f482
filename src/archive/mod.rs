//! The archive: a zip ([`container`]) holding a BagIt bag ([`bag`]) whose
//! payload is an OCFL object ([`ocfl`]); [`layout`] says where every file
//! lives. Each version carries a signed manifest ([`manifest`]), the tree of
//! its sections ([`tree`]) and a signed checkpoint of that tree
//! ([`checkpoint`]); [`proof`] is the file that proves one section.

pub mod bag;
pub mod checkpoint;
pub mod container;
pub(crate) mod layout;
pub mod manifest;
pub mod ocfl;
pub mod proof;
pub mod tree;
