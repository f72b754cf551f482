//! The archive: a zip ([`container`]) holding a BagIt bag ([`bag`]) whose
//! payload is an OCFL object ([`ocfl`]); each version carries a signed
//! manifest ([`manifest`]); [`layout`] says where every file lives.

pub mod bag;
pub mod container;
pub mod layout;
pub mod manifest;
pub mod ocfl;
