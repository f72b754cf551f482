//! Every limit vellum enforces on what it reads, in one place, each with
//! what it protects against. The README states the same numbers.
//!
//! Inputs come from anyone: an archive, a copy, a key file may be made to
//! exhaust memory or time. Each limit is checked before the work it bounds,
//! and going past one is a one-line error naming the file, never a crash.

/// Largest text vellum reads whole: a text to seal, a copy to check, a side
/// of a diff, a stored text read back. Protects memory (a text is held a
/// few times over while it is canonicalized and aligned) and refuses
/// devices and endless files early.
pub const MAX_TEXT: u64 = 512 << 20;

/// Largest zip central directory read (bytes): the zip library holds it
/// whole, so a fake directory size cannot make it allocate gigabytes.
pub const MAX_CENTRAL_DIRECTORY: u64 = 8 << 20;

/// Most entries an archive may have: each costs memory in the entry list,
/// and a real archive has about ten per version.
pub const MAX_ENTRIES: u64 = 20_000;

/// Largest entry (uncompressed) accepted: a zip bomb declaring terabytes is
/// refused before a byte is inflated; real entries are texts of at most
/// [`MAX_TEXT`] and their manifests.
pub const MAX_ENTRY_SIZE: u64 = 4 << 30;

/// Largest inventory or bag manifest read into memory whole. An inventory
/// grows by about 2.4 KB a version and the bag manifest by about 0.9 KB, so
/// this is room for about 850 versions. Parsed, an inventory made to
/// maximize its cost (with [`MAX_INVENTORY_STRINGS`]) takes about ten times
/// its size, and verify parses two at a time: this keeps it within its
/// memory bound. (Version manifests, about 300 bytes a section, are
/// streamed, never read whole.)
pub const MAX_SMALL_ENTRY: u64 = 2 << 20;

/// Largest other metadata entry read whole: `bagit.txt`, `bag-info.txt`,
/// the tag manifest, the OCFL declaration, sidecars and signature files,
/// each well under 1 KB.
pub const MAX_TINY_ENTRY: u64 = 64 << 10;

/// Most JSON strings an inventory may hold. A version adds about 40
/// (digests, paths, its metadata), so this is room for about 1,250
/// versions; parsed, each string costs a map entry, so the count, not only
/// the byte size, bounds the memory a hostile inventory can take (16 MiB
/// of tiny entries parsed to about 300 MB).
pub const MAX_INVENTORY_STRINGS: usize = 50_000;

/// Most warnings a manifest lists one by one; seal sums up the rest in one
/// more line, and a manifest listing more than that is rejected, so that a
/// hostile one cannot make a reader hold millions of strings.
pub const MAX_WARNINGS: usize = 100;

/// Longest JSON string or number a stored manifest may hold. Ids, hashes,
/// signatures, times and messages are far shorter; serde_json collects a
/// string or a long number whole before handing it on, so without a limit
/// a manifest of one huge string (a few KB deflated) would take as much
/// memory as it is long.
pub const MAX_TOKEN_BYTES: usize = 1 << 20;

/// Problems of one kind listed one by one (sections that do not match,
/// say); the rest are counted in one line, so a hostile archive of
/// millions of bad sections gives a short report in bounded memory.
pub const MAX_LISTED_PROBLEMS: usize = 100;

/// Most problems one verification report lists in all, whatever their
/// kinds (each kind that can repeat sums itself up after
/// [`MAX_LISTED_PROBLEMS`]); the rest are counted in one more line, so a
/// hostile archive of thousands of bad entries gives a short report.
pub const MAX_REPORTED_PROBLEMS: usize = 10 * MAX_LISTED_PROBLEMS;

/// Largest key file read (public or secret): real ones are under 1 KB.
pub const MAX_KEY_FILE: u64 = 64 * 1024;

/// Highest scrypt cost (log2 N) accepted when reading a secret key file:
/// a hostile file could otherwise ask for terabytes of memory.
pub const SCRYPT_MAX_LOG_N: u8 = 20;

/// Deepest element nesting accepted in an HTML copy. Browsers stop nesting
/// at 512; html5ever has no limit and slows down quadratically past it.
pub const MAX_HTML_DEPTH: usize = 1024;

/// Longest piece of a line the canonicalizer handles at once when
/// streaming (bytes): a text of one endless line stays in bounded memory.
/// Longer lines are cut at a space (or any ASCII character) below this.
pub const MAX_PIECE: usize = 1 << 20;

/// Largest DOCX file read: the zip crate holds its central directory
/// whole, and a Word document of text is a few hundred KB.
pub const MAX_DOCX: u64 = 64 << 20;

/// Most zip entries a DOCX may list (real ones have 10 to 40): bounds
/// the zip crate's entry list, checked in the end record before it is
/// parsed.
pub const MAX_DOCX_ENTRIES: u64 = 10_000;

/// Most bytes inflated from one DOCX part (`word/document.xml` and the
/// others read), whatever size the zip entry claims: a zip bomb named
/// `.docx` stops here.
pub const MAX_DOCX_PART: u64 = 64 << 20;

/// Largest PDF file read: lopdf holds the whole file and its objects.
pub const MAX_PDF: u64 = 128 << 20;

/// Most objects (` obj` keywords) a PDF may have: lopdf keeps every
/// object in memory, and a PDF of text has a few thousand.
pub const MAX_PDF_OBJECTS: u64 = 500_000;

/// Most bytes a PDF's compressed streams may inflate to, all together,
/// and most bytes of page content, with the forms it draws, its text
/// extraction may walk: bounds memory and time against Flate bombs and
/// forms that draw forms exponentially.
pub const MAX_PDF_INFLATED: u64 = 256 << 20;

/// Most pages of a PDF read.
pub const MAX_PDF_PAGES: u64 = 10_000;

/// Deepest nesting of forms drawing forms in a PDF: pdf-extract follows
/// them by recursion, so a form drawing itself would overflow the stack.
pub const MAX_PDF_FORM_DEPTH: usize = 32;

/// Largest WARC record read (its block): web pages are about 50 KB and
/// crawlers cut responses at 1 MiB; a record claiming more is passed over
/// without being read (or, gzip-compressed, inflated).
pub const MAX_WARC_RECORD: usize = 64 << 20;

/// Largest WARC record header (and longest line of one) read: real ones
/// are under 2 KB.
pub const MAX_WARC_HEADER: usize = 64 << 10;
