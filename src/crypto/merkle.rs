//! RFC 9162 (Certificate Transparency 2.0, section 2.1) Merkle trees: the
//! tree a version's sections are the leaves of.
//!
//! Written here rather than taken from a crate: the tree is about sixty
//! lines, vellum needs a streaming root in O(log n) memory (which the
//! in-memory crates do not offer), and two crates often suggested get the
//! tree wrong (rs_merkle has no 0x00/0x01 prefixes, merkle_light duplicates
//! odd nodes). The known-answer tests below pin it to the transparency-dev
//! reference vectors.
//!
//! - leaf hash: SHA-256(0x00 || leaf bytes) ([`LEAF_PREFIX`])
//! - node hash: SHA-256(0x01 || left || right) ([`NODE_PREFIX`])
//! - n > 1 leaves split at k, the largest power of two below n; odd nodes
//!   are never duplicated, so the shape depends on n alone (CVE-2012-2459);
//!   the prefixes keep a 64-byte leaf from passing as a node
//!   (CVE-2017-12842).

use sha2::{Digest, Sha256};

/// A tree hash.
pub type Hash = [u8; 32];

/// Prefix of a leaf's bytes in its hash.
pub(crate) const LEAF_PREFIX: u8 = 0x00;
/// Prefix of two child hashes in their parent's hash.
pub(crate) const NODE_PREFIX: u8 = 0x01;
/// Most hashes an inclusion path can have: a tree of at most 2^63 leaves.
pub const MAX_PATH: usize = 63;

/// The hash of a leaf.
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([LEAF_PREFIX]);
    h.update(leaf);
    h.finalize().into()
}

/// The hash of an interior node.
pub(crate) fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([NODE_PREFIX]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: SHA-256 of nothing.
pub(crate) fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The largest power of two strictly below `n` (n > 1).
fn split_point(n: u64) -> u64 {
    debug_assert!(n > 1);
    1 << (63 - (n - 1).leading_zeros())
}

/// The root over leaf hashes (RFC 9162 MTH), computed in place of the
/// recursion by a [`TreeBuilder`].
pub fn root(leaves: &[Hash]) -> Hash {
    let mut b = TreeBuilder::default();
    for l in leaves {
        b.push(*l);
    }
    b.root()
}

/// The inclusion path of leaf `index` among `leaves` (RFC 9162 PATH), from
/// the leaf up; `None` if the index is outside the tree.
pub fn inclusion_path(index: u64, leaves: &[Hash]) -> Option<Vec<Hash>> {
    if index >= leaves.len() as u64 {
        return None;
    }
    let mut path = Vec::new();
    collect_path(index, leaves, &mut path);
    Some(path)
}

fn collect_path(m: u64, d: &[Hash], path: &mut Vec<Hash>) {
    let n = d.len() as u64;
    if n <= 1 {
        return;
    }
    let k = split_point(n);
    if m < k {
        collect_path(m, &d[..k as usize], path);
        path.push(root(&d[k as usize..]));
    } else {
        collect_path(m - k, &d[k as usize..], path);
        path.push(root(&d[..k as usize]));
    }
}

/// Why an inclusion path does not prove its leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathError {
    /// The index is not below the tree size.
    IndexOutOfRange,
    /// The path is longer than a tree of this size needs.
    TooLong,
    /// The path is shorter than a tree of this size needs.
    TooShort,
    /// The hashes lead to another root.
    RootMismatch,
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PathError::IndexOutOfRange => "the index is not below the tree size",
            PathError::TooLong => "the path has more hashes than a tree of this size needs",
            PathError::TooShort => "the path has fewer hashes than a tree of this size needs",
            PathError::RootMismatch => "the path does not lead to the signed root",
        })
    }
}

/// The root a path leads to from a leaf hash (RFC 9162 2.1.3.2), checking
/// its length against the tree size.
pub(crate) fn root_from_path(
    index: u64,
    size: u64,
    leaf: &Hash,
    path: &[Hash],
) -> Result<Hash, PathError> {
    if index >= size {
        return Err(PathError::IndexOutOfRange);
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf;
    for p in path {
        if sn == 0 {
            return Err(PathError::TooLong);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(PathError::TooShort);
    }
    Ok(r)
}

/// Check that `path` proves leaf `index` of a tree of `size` leaves with
/// this root.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    path: &[Hash],
    root: &Hash,
) -> Result<(), PathError> {
    if root_from_path(index, size, leaf, path)? == *root {
        Ok(())
    } else {
        Err(PathError::RootMismatch)
    }
}

/// Builds the root as leaves arrive, holding one hash per level: the
/// roots of the complete subtrees seen so far (a "compact range"), so
/// memory stays O(log n) whatever the number of leaves.
///
/// It can also hand out, in order, the root of every aligned subtree of
/// 2^height leaves (and of the partial last one), the tiles a proof is
/// built from ([`TreeBuilder::with_tiles`]).
#[derive(Debug, Default, Clone)]
pub struct TreeBuilder {
    /// (subtree size, root) of each complete subtree, largest first.
    stack: Vec<(u64, Hash)>,
    size: u64,
    tile_height: Option<u32>,
    tiles: Vec<Hash>,
}

impl TreeBuilder {
    /// A builder that also collects tile roots of 2^height leaves.
    pub fn with_tiles(height: u32) -> TreeBuilder {
        TreeBuilder {
            tile_height: Some(height),
            ..TreeBuilder::default()
        }
    }

    /// Add the next leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        self.size += 1;
        let tile = self.tile_height.map(|t| 1u64 << t);
        let mut node = (1u64, leaf);
        if tile == Some(1) {
            self.tiles.push(leaf);
        }
        while let Some(&(s, h)) = self.stack.last() {
            if s != node.0 {
                break;
            }
            self.stack.pop();
            node = (s * 2, node_hash(&h, &node.1));
            if tile == Some(node.0) {
                self.tiles.push(node.1);
            }
        }
        self.stack.push(node);
    }

    /// Leaves so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The root of the tree of the leaves so far.
    pub fn root(&self) -> Hash {
        let mut it = self.stack.iter().rev();
        match it.next() {
            None => empty_root(),
            Some(&(_, last)) => it.fold(last, |acc, (_, h)| node_hash(h, &acc)),
        }
    }

    /// The tile roots: every complete tile, then the partial last one, if
    /// any (the root of its leaves, a node of the tree too).
    pub fn tiles(&self) -> Vec<Hash> {
        let mut t = self.tiles.clone();
        if let Some(h) = self.tile_height {
            let partial: Vec<&(u64, Hash)> =
                self.stack.iter().filter(|(s, _)| *s < 1 << h).collect();
            if let Some((&&(_, last), rest)) = partial.split_last() {
                t.push(
                    rest.iter()
                        .rev()
                        .fold(last, |acc, (_, h)| node_hash(h, &acc)),
                );
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    //! Known answers from transparency-dev/merkle (`testonly/constants.go`:
    //! the leaf inputs and the roots of the trees of their first n leaves;
    //! `testdata/inclusion/*/happy-path.json`: inclusion proofs), and the
    //! kinds of damage its `testdata/inclusion` probes apply, which must all
    //! be rejected.
    use super::*;

    fn h(s: &str) -> Hash {
        hex::decode(s).unwrap().try_into().unwrap()
    }

    const LEAF_INPUTS: [&str; 8] = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ];

    const ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    /// (leaf index, tree size, root, leaf hash, path) of the happy paths.
    const PROOFS: [(u64, u64, &str, &str, &[&str]); 5] = [
        (
            0,
            1,
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            &[],
        ),
        (
            0,
            8,
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            8,
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
            "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            3,
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
            &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
        ),
        (
            1,
            5,
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            &[
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];

    fn leaves() -> Vec<Hash> {
        LEAF_INPUTS
            .iter()
            .map(|l| leaf_hash(&hex::decode(l).unwrap()))
            .collect()
    }

    #[test]
    fn roots_match_the_reference_vectors() {
        let l = leaves();
        for (n, want) in ROOTS.iter().enumerate() {
            assert_eq!(root(&l[..n]), h(want), "size {n}");
        }
        assert_eq!(empty_root(), h(ROOTS[0]));
    }

    #[test]
    fn paths_match_the_reference_vectors_and_verify() {
        let l = leaves();
        for (index, size, r, leaf, path) in PROOFS {
            let want: Vec<Hash> = path.iter().map(|p| h(p)).collect();
            assert_eq!(l[index as usize], h(leaf));
            assert_eq!(
                inclusion_path(index, &l[..size as usize]).unwrap(),
                want,
                "{index} of {size}"
            );
            assert_eq!(
                verify_inclusion(index, size, &h(leaf), &want, &h(r)),
                Ok(())
            );
        }
        // Every leaf of every tree up to 8 leaves, both ways.
        for size in 1..=8u64 {
            let root_n = root(&l[..size as usize]);
            for index in 0..size {
                let p = inclusion_path(index, &l[..size as usize]).unwrap();
                assert_eq!(
                    verify_inclusion(index, size, &l[index as usize], &p, &root_n),
                    Ok(())
                );
            }
            assert_eq!(inclusion_path(size, &l[..size as usize]), None);
        }
    }

    /// The damage transparency-dev's probes apply to each happy path
    /// (index or size changed, bits flipped, a hash added, removed, put
    /// before or after, a wrong leaf or root): every one is rejected.
    #[test]
    fn damaged_proofs_are_rejected() {
        let garbage = h("00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff");
        for (index, size, r, leaf, path) in PROOFS {
            let (r, leaf) = (h(r), h(leaf));
            let path: Vec<Hash> = path.iter().map(|p| h(p)).collect();
            let bad = |i: u64, s: u64, l: &Hash, p: &[Hash], r: &Hash| {
                assert!(
                    verify_inclusion(i, s, l, p, r).is_err(),
                    "accepted {i} of {s} ({} hashes)",
                    p.len()
                )
            };
            bad(index ^ 2, size, &leaf, &path, &r);
            bad(index + 1, size, &leaf, &path, &r);
            if index > 0 {
                bad(index - 1, size, &leaf, &path, &r);
            }
            bad(index, size * 2, &leaf, &path, &r);
            bad(index, size / 2, &leaf, &path, &r);
            bad(index, size, &garbage, &path, &r);
            bad(index, size, &leaf, &path, &garbage);
            bad(index, size, &leaf, &path, &empty_root());
            for at in 0..path.len() {
                let mut p = path.clone();
                p[at][3] ^= 0x08;
                bad(index, size, &leaf, &p, &r);
                let mut p = path.clone();
                p.remove(at);
                bad(index, size, &leaf, &p, &r);
                let mut p = path.clone();
                p.insert(at, garbage);
                bad(index, size, &leaf, &p, &r);
            }
            for extra in [garbage, r, leaf] {
                let mut p = path.clone();
                p.push(extra);
                bad(index, size, &leaf, &p, &r);
                let mut p = vec![extra];
                p.extend(path.iter().copied());
                bad(index, size, &leaf, &p, &r);
            }
        }
    }

    /// Bitcoin's tree pairs an odd last node with itself: the root of
    /// (a, b, c) equals that of (a, b, c, c). Here a proof that leans on a
    /// duplicated node is one hash too long, or has its index at the size.
    #[test]
    fn an_odd_tree_is_not_passed_off_by_a_duplicated_node() {
        let l = leaves();
        let three = root(&l[..3]);
        let mut four = l[..3].to_vec();
        four.push(l[2]);
        assert_ne!(root(&four), three, "no duplication: another root");
        // The bitcoin-style path of leaf 2 in (a, b, c, c): [c, H(a, b)].
        let dup = vec![l[2], node_hash(&l[0], &l[1])];
        assert_eq!(
            verify_inclusion(2, 3, &l[2], &dup, &three),
            Err(PathError::TooLong)
        );
        assert_eq!(
            verify_inclusion(3, 3, &l[2], &[l[2]], &three),
            Err(PathError::IndexOutOfRange)
        );
    }

    /// An interior node's two children, offered as a leaf, hash to another
    /// value than the node, so a shortened path does not lead to the root.
    #[test]
    fn a_leaf_is_never_an_interior_node() {
        let l = leaves();
        let r = root(&l[..4]);
        let parent = node_hash(&l[0], &l[1]);
        let mut children = l[0].to_vec();
        children.extend_from_slice(&l[1]);
        assert_ne!(leaf_hash(&children), parent);
        let upper = vec![node_hash(&l[2], &l[3])];
        // The honest node verifies as the left child of the root ...
        assert_eq!(
            node_hash(&parent, &upper[0]),
            r,
            "the node is the root's left child"
        );
        // ... but not as a leaf of a tree of two.
        assert_eq!(
            verify_inclusion(0, 2, &leaf_hash(&children), &upper, &r),
            Err(PathError::RootMismatch)
        );
    }

    proptest::proptest! {
        /// The streaming builder gives the recursive root and the tiles
        /// that a tree over the tile roots needs to give that root, for any
        /// size and tile height.
        #[test]
        fn streaming_root_and_tiles(n in 0usize..700, height in 0u32..5) {
            let l: Vec<Hash> = (0..n as u32).map(|i| leaf_hash(&i.to_be_bytes())).collect();
            let mut b = TreeBuilder::with_tiles(height);
            for x in &l {
                b.push(*x);
            }
            let want = recursive(&l);
            proptest::prop_assert_eq!(b.root(), want);
            let tiles = b.tiles();
            let t = 1usize << height;
            proptest::prop_assert_eq!(tiles.len(), n.div_ceil(t));
            for (i, tile) in tiles.iter().enumerate() {
                let end = (i * t + t).min(n);
                proptest::prop_assert_eq!(*tile, recursive(&l[i * t..end]));
            }
            if n > 0 {
                // The tree over the tile roots is the tree over the leaves.
                proptest::prop_assert_eq!(recursive(&tiles), want);
            }
        }
    }

    /// MTH exactly as RFC 9162 writes it.
    fn recursive(d: &[Hash]) -> Hash {
        match d.len() {
            0 => empty_root(),
            1 => d[0],
            n => {
                let k = split_point(n as u64) as usize;
                node_hash(&recursive(&d[..k]), &recursive(&d[k..]))
            }
        }
    }
}
