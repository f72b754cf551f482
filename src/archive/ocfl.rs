//! OCFL 1.1 object: the versioned store inside the bag's `data/` folder.
//!
//! Content is addressed by SHA-512 (the digest OCFL prefers); a later version
//! stores only files whose content is new and refers to earlier content by
//! digest.

use crate::limits::{MAX_INVENTORY_STRINGS, MAX_SMALL_ENTRY};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The object declaration file's name.
pub const NAMASTE_NAME: &str = "0=ocfl_object_1.1";
/// The object declaration file's content.
pub const NAMASTE_TEXT: &str = "ocfl_object_1.1\n";
/// Inventory `type`.
pub(crate) const INVENTORY_TYPE: &str = "https://ocfl.io/1.1/spec/#inventory";
/// Inventory file name.
pub const INVENTORY_NAME: &str = "inventory.json";
/// Inventory sidecar file name.
pub const SIDECAR_NAME: &str = "inventory.json.sha512";
/// Digest algorithm of the inventory.
pub(crate) const DIGEST_ALGORITHM: &str = "sha512";
/// Content folder inside a version folder.
pub const CONTENT_DIR: &str = "content";

/// Who made a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// A name.
    pub name: String,
    /// A URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// One version block of an inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    /// RFC 3339 time.
    pub created: String,
    /// Version message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Digest -> logical paths.
    pub state: BTreeMap<String, Vec<String>>,
    /// Who.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
}

/// An OCFL inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    /// Object id.
    pub id: String,
    /// Always [`INVENTORY_TYPE`].
    #[serde(rename = "type")]
    pub kind: String,
    /// Always [`DIGEST_ALGORITHM`].
    #[serde(rename = "digestAlgorithm")]
    pub digest_algorithm: String,
    /// Newest version, `vN`.
    pub head: String,
    /// Digest -> content paths.
    pub manifest: BTreeMap<String, Vec<String>>,
    /// Version name -> version.
    pub versions: BTreeMap<String, Version>,
}

/// Why bytes are not an inventory vellum reads (O2, Z5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InventoryError {
    /// More than [`MAX_SMALL_ENTRY`] bytes.
    TooLarge(usize),
    /// More than [`MAX_INVENTORY_STRINGS`] strings.
    TooManyStrings(usize),
    /// Not JSON of an inventory's shape (serde's reason).
    Json(String),
    /// Another `type`.
    Type(String),
    /// Another digest algorithm.
    DigestAlgorithm(String),
    /// Versions are not v1..vN (the first one missing).
    MissingVersion(u32, u32),
    /// `head` is not the newest version.
    Head(String, u32),
}

impl std::fmt::Display for InventoryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InventoryError::TooLarge(n) => write!(
                f,
                "is {n} bytes, more than an inventory may ({MAX_SMALL_ENTRY})"
            ),
            InventoryError::TooManyStrings(n) => write!(
                f,
                "holds {n} strings, more than an inventory may ({MAX_INVENTORY_STRINGS})"
            ),
            InventoryError::Json(e) => write!(f, "not an OCFL inventory: {e}"),
            InventoryError::Type(t) => write!(f, "inventory type {t:?} is not OCFL 1.1"),
            InventoryError::DigestAlgorithm(a) => {
                write!(f, "digest algorithm {a:?} is not sha512")
            }
            InventoryError::MissingVersion(n, i) => {
                write!(f, "versions are not v1..v{n}: v{i} is missing")
            }
            InventoryError::Head(h, n) => write!(f, "head {h:?} is not the newest version v{n}"),
        }
    }
}

/// An inventory is at most [`MAX_SMALL_ENTRY`] bytes
/// (what verify reads) and holds at most [`MAX_INVENTORY_STRINGS`] strings,
/// counted by their quotes before parsing (escaped quotes count too, which
/// errs on the safe side). Verify checks this before parsing one, seal
/// before writing one.
pub fn check_limits(bytes: &[u8]) -> Result<(), InventoryError> {
    if bytes.len() as u64 > MAX_SMALL_ENTRY {
        return Err(InventoryError::TooLarge(bytes.len()));
    }
    let strings = memchr::memchr_iter(b'"', bytes).count() / 2;
    if strings > MAX_INVENTORY_STRINGS {
        return Err(InventoryError::TooManyStrings(strings));
    }
    Ok(())
}

/// Version folder name.
pub fn version_name(n: u32) -> String {
    format!("v{n}")
}

impl Inventory {
    /// An empty inventory for a new object.
    pub fn new(id: &str) -> Inventory {
        Inventory {
            id: id.to_owned(),
            kind: INVENTORY_TYPE.to_owned(),
            digest_algorithm: DIGEST_ALGORITHM.to_owned(),
            head: String::new(),
            manifest: BTreeMap::new(),
            versions: BTreeMap::new(),
        }
    }

    /// Serialized inventory bytes (pretty, deterministic).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("serializable");
        v.push(b'\n');
        v
    }

    /// Parse and check the fixed fields.
    pub fn parse(bytes: &[u8]) -> Result<Inventory, InventoryError> {
        check_limits(bytes)?;
        let inv: Inventory =
            serde_json::from_slice(bytes).map_err(|e| InventoryError::Json(e.to_string()))?;
        if inv.kind != INVENTORY_TYPE {
            return Err(InventoryError::Type(inv.kind));
        }
        if inv.digest_algorithm != DIGEST_ALGORITHM {
            return Err(InventoryError::DigestAlgorithm(inv.digest_algorithm));
        }
        Ok(inv)
    }

    /// Number of versions, checking they are v1..vN with head vN.
    pub fn version_count(&self) -> Result<u32, InventoryError> {
        let n = self.versions.len() as u32;
        for i in 1..=n {
            if !self.versions.contains_key(&version_name(i)) {
                return Err(InventoryError::MissingVersion(n, i));
            }
        }
        if n == 0 || self.head != version_name(n) {
            return Err(InventoryError::Head(self.head.clone(), n));
        }
        Ok(n)
    }

    /// Add a version whose files are `logical path -> (sha512, content bytes)`.
    /// Returns the content paths (relative to the object root) that must be
    /// written: only content not already stored.
    pub fn add_version(
        &mut self,
        n: u32,
        files: &BTreeMap<String, String>,
        created: &str,
        message: &str,
        user: User,
    ) -> Vec<(String, String)> {
        let vname = version_name(n);
        let mut state: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut new_content = Vec::new();
        for (logical, digest) in files {
            state
                .entry(digest.clone())
                .or_default()
                .push(logical.clone());
            if !self.manifest.contains_key(digest) {
                let path = format!("{vname}/{CONTENT_DIR}/{logical}");
                self.manifest.insert(digest.clone(), vec![path.clone()]);
                new_content.push((logical.clone(), path));
            }
        }
        self.versions.insert(
            vname.clone(),
            Version {
                created: created.to_owned(),
                message: Some(message.to_owned()),
                state,
                user: Some(user),
            },
        );
        self.head = vname;
        new_content
    }

    /// Content path holding a version's logical file.
    pub fn content_path(&self, version: u32, logical: &str) -> Option<&str> {
        let v = self.versions.get(&version_name(version))?;
        let digest = v
            .state
            .iter()
            .find(|(_, paths)| paths.iter().any(|p| p == logical))?
            .0;
        self.manifest.get(digest)?.first().map(String::as_str)
    }
}

/// The sidecar text for inventory bytes.
pub fn sidecar(inventory: &[u8]) -> String {
    format!("{} {INVENTORY_NAME}\n", crate::digest::sha512(inventory))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(n: usize) -> Vec<u8> {
        let items: Vec<String> = (0..n).map(|i| format!("\"{i}\"")).collect();
        format!("[{}]", items.join(",")).into_bytes()
    }

    #[test]
    fn inventories_are_parsed_only_with_few_enough_strings() {
        assert!(check_limits(&strings(MAX_INVENTORY_STRINGS)).is_ok());
        let e = check_limits(&strings(MAX_INVENTORY_STRINGS + 1)).unwrap_err();
        assert_eq!(e, InventoryError::TooManyStrings(50_001));
        assert_eq!(
            e.to_string(),
            "holds 50001 strings, more than an inventory may (50000)"
        );
        // Counted before parsing: refused without being read as JSON.
        let e = Inventory::parse(&strings(MAX_INVENTORY_STRINGS + 1)).unwrap_err();
        assert_eq!(e, InventoryError::TooManyStrings(50_001));
        // A real inventory of a version is far from the limit.
        let mut inv = Inventory::new("urn:vellum:x");
        let digests: BTreeMap<String, String> = ["a.txt", "b.txt"]
            .iter()
            .map(|n| (n.to_string(), crate::digest::sha512(n.as_bytes())))
            .collect();
        inv.add_version(
            1,
            &digests,
            "2014-02-08T18:00:00Z",
            "m",
            User {
                name: "n".into(),
                address: None,
            },
        );
        let bytes = inv.to_bytes();
        assert!(check_limits(&bytes).is_ok());
        assert_eq!(Inventory::parse(&bytes).unwrap().version_count(), Ok(1));
    }
}
