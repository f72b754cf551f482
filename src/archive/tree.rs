//! The tree of a version's sections (rules T1–T4 of docs/archive-format.md):
//! each section is one leaf of an RFC 9162 Merkle tree
//! ([`crate::crypto::merkle`]), in text order, and a leaf's bytes bind
//! everything the manifest says about the section.
//!
//! A leaf is one line of ASCII (T1), so that anyone can read it out of a
//! proof and compare its hash field with `sha256sum` of the section text:
//!
//! ```text
//! vellum-section-v1 <index> <id> <kind> <number or -> <start> <len> <sha256 hex>\n
//! ```

use crate::crypto::merkle::{self, Hash};
use crate::text::sections::Kind;
use std::fmt;

/// Format id of a section leaf, its first field (T1).
pub const LEAF_FORMAT: &str = "vellum-section-v1";
/// Height of a tile: the manifest keeps the root of every aligned subtree
/// of 2^height leaves (T3), at least this high...
pub(crate) const MIN_TILE_HEIGHT: u32 = 8;
/// ...and high enough that there are at most this many tiles, so that a
/// manifest's tile list stays small whatever the number of sections.
pub const MAX_TILES: u64 = 1 << 14;
/// Longest leaf read: the fields are short (an id is at most a kind, a
/// dash and 20 digits).
pub(crate) const MAX_LEAF_BYTES: usize = 256;

/// One section as its leaf states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    /// Position among the version's sections, from 0.
    pub index: u64,
    /// Section id, `point-7`.
    pub id: String,
    /// Kind.
    pub kind: Kind,
    /// Printed number of a point.
    pub number: Option<u32>,
    /// Byte offset of the section text in the canonical text.
    pub start: u64,
    /// Byte length of the section text.
    pub len: u64,
    /// SHA-256 of the section text, lowercase hex.
    pub sha256: String,
}

/// Why bytes are not a section leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafError {
    /// Longer than [`MAX_LEAF_BYTES`].
    TooLong,
    /// Not a line of the T1 form.
    Malformed,
}

impl fmt::Display for LeafError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LeafError::TooLong => "the leaf is longer than any section leaf",
            LeafError::Malformed => "the leaf is not a vellum section leaf (vellum-section-v1)",
        })
    }
}

/// The bytes of a leaf (T1) from its fields: `vellum-leaf-v1 INDEX ID KIND
/// NUMBER START LEN SHA256\n`, NUMBER `-` when the section has none. Written
/// without formatting machinery: a text's tree hashes one a section.
pub fn leaf_bytes(
    index: u64,
    id: &str,
    kind: Kind,
    number: Option<u32>,
    start: u64,
    len: u64,
    sha256: &str,
) -> Vec<u8> {
    fn decimal(v: &mut Vec<u8>, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut k = digits.len();
        loop {
            k -= 1;
            digits[k] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        v.extend_from_slice(&digits[k..]);
    }
    let mut v = Vec::with_capacity(LEAF_FORMAT.len() + id.len() + sha256.len() + 64);
    v.extend_from_slice(LEAF_FORMAT.as_bytes());
    v.push(b' ');
    decimal(&mut v, index);
    v.push(b' ');
    v.extend_from_slice(id.as_bytes());
    v.push(b' ');
    v.extend_from_slice(kind.as_str().as_bytes());
    v.push(b' ');
    match number {
        Some(n) => decimal(&mut v, n.into()),
        None => v.push(b'-'),
    }
    v.push(b' ');
    decimal(&mut v, start);
    v.push(b' ');
    decimal(&mut v, len);
    v.push(b' ');
    v.extend_from_slice(sha256.as_bytes());
    v.push(b'\n');
    v
}

impl Leaf {
    /// The leaf's bytes (T1).
    pub fn bytes(&self) -> Vec<u8> {
        leaf_bytes(
            self.index,
            &self.id,
            self.kind,
            self.number,
            self.start,
            self.len,
            &self.sha256,
        )
    }

    /// The leaf's tree hash.
    pub fn hash(&self) -> Hash {
        merkle::leaf_hash(&self.bytes())
    }

    /// Read leaf bytes: exactly the T1 form, so that they are the bytes
    /// [`Leaf::bytes`] gives back.
    pub fn parse(bytes: &[u8]) -> Result<Leaf, LeafError> {
        if bytes.len() > MAX_LEAF_BYTES {
            return Err(LeafError::TooLong);
        }
        let bad = LeafError::Malformed;
        let line = std::str::from_utf8(bytes)
            .ok()
            .and_then(|s| s.strip_suffix('\n'))
            .ok_or(bad)?;
        let f: Vec<&str> = line.split(' ').collect();
        let [tag, index, id, kind, number, start, len, sha] = f[..] else {
            return Err(bad);
        };
        let kind = Kind::parse(kind).ok_or(bad)?;
        let leaf = Leaf {
            index: index.parse().map_err(|_| bad)?,
            id: id.to_owned(),
            kind,
            number: match number {
                "-" => None,
                n => Some(n.parse().map_err(|_| bad)?),
            },
            start: start.parse().map_err(|_| bad)?,
            len: len.parse().map_err(|_| bad)?,
            sha256: sha.to_owned(),
        };
        let ordinal = id
            .strip_prefix(kind.as_str())
            .and_then(|r| r.strip_prefix('-'))
            .filter(|n| {
                !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0')
            });
        let hex = sha.len() == 64
            && sha
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if tag != LEAF_FORMAT
            || ordinal.is_none()
            || !hex
            || (kind == Kind::Point) != leaf.number.is_some()
            || leaf.bytes() != bytes
        {
            return Err(bad);
        }
        Ok(leaf)
    }
}

/// The tile height for a tree of `size` leaves (T3): [`MIN_TILE_HEIGHT`],
/// or more when that would make more than [`MAX_TILES`] tiles.
pub fn tile_height(size: u64) -> u32 {
    let mut h = MIN_TILE_HEIGHT;
    while size.div_ceil(1 << h) > MAX_TILES {
        h += 1;
    }
    h
}

/// The inclusion path of leaf `index` (T4), from the hashes of the leaves
/// of its tile and the roots of all tiles: the path inside the tile, then
/// the tile's path in the tree of tiles. `None` if the index is not in the
/// tile given.
pub fn path_from_tiles(
    index: u64,
    height: u32,
    tile_leaves: &[Hash],
    tiles: &[Hash],
) -> Option<Vec<Hash>> {
    let t = index >> height;
    let mut path = merkle::inclusion_path(index - (t << height), tile_leaves)?;
    path.extend(merkle::inclusion_path(t, tiles)?);
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(i: u64) -> Leaf {
        Leaf {
            index: i,
            id: format!("point-{}", i + 1),
            kind: Kind::Point,
            number: Some(i as u32 + 1),
            start: 10 * i,
            len: 7,
            sha256: format!("{:064x}", i),
        }
    }

    #[test]
    fn leaves_read_back_and_nothing_else_reads() {
        let l = leaf(6);
        let b = l.bytes();
        assert_eq!(
            String::from_utf8(b.clone()).unwrap(),
            format!("vellum-section-v1 6 point-7 point 7 60 7 {:064x}\n", 6)
        );
        assert_eq!(Leaf::parse(&b), Ok(l.clone()));
        let p = Leaf {
            kind: Kind::Paragraph,
            id: "paragraph-3".into(),
            number: None,
            ..l.clone()
        };
        assert_eq!(Leaf::parse(&p.bytes()), Ok(p));
        let text = String::from_utf8(b).unwrap();
        for bad in [
            text.replace("point 7", "point -"),
            text.replace("point-7", "paragraph-7"),
            text.replace("point-7", "point-07"),
            text.replace(" 60 ", " 060 "),
            text.replace(" 60 ", "  60 "),
            text.replace("vellum-section-v1", "vellum-section-v2"),
            text.trim_end().to_owned(),
            text.replace('\n', "\r\n"),
            format!("{text}x"),
            text.replace("0006", "000G"),
            text.to_uppercase(),
        ] {
            assert_eq!(
                Leaf::parse(bad.as_bytes()),
                Err(LeafError::Malformed),
                "{bad:?}"
            );
        }
        // Two child hashes (an interior node's preimage) are not a leaf.
        assert_eq!(Leaf::parse(&[7u8; 64]), Err(LeafError::Malformed));
        assert_eq!(Leaf::parse(&[b'a'; 300]), Err(LeafError::TooLong));
    }

    #[test]
    fn tile_heights_bound_the_tiles() {
        assert_eq!(tile_height(0), 8);
        assert_eq!(tile_height(234_013), 8);
        assert_eq!(tile_height(MAX_TILES << 8), 8);
        assert_eq!(tile_height((MAX_TILES << 8) + 1), 9);
        assert!(u64::MAX.div_ceil(1 << tile_height(u64::MAX)) <= MAX_TILES);
    }

    #[test]
    fn paths_from_tiles_are_the_tree_paths() {
        for n in [1u64, 5, 16, 17, 40] {
            let leaves: Vec<Hash> = (0..n).map(|i| leaf(i).hash()).collect();
            let h = 2;
            let mut b = merkle::TreeBuilder::with_tiles(h);
            leaves.iter().for_each(|l| b.push(*l));
            let tiles = b.tiles();
            for i in 0..n {
                let t = (i >> h) as usize;
                let tile = &leaves[t << h..((t + 1) << h).min(n as usize)];
                assert_eq!(
                    path_from_tiles(i, h, tile, &tiles),
                    merkle::inclusion_path(i, &leaves),
                    "{i} of {n}"
                );
            }
        }
    }
}
