#!/usr/bin/env python3
"""Deterministic benchmark data for scripts/bench.sh (standard library only).

Everything is built from tests/data/declaration.txt with fixed random seeds,
so two runs on any machine write byte-identical files:

  bench-data/big100.txt        ~100 MB declaration-like text (A, B)
  bench-data/big10.txt         ~10 MB declaration-like text (D, E)
                               (both: the declaration's sentences mixed with
                               sentences of dictionary words, so that they
                               deflate like real prose, to 0.25-0.45)
  bench-data/big10-edited.txt  big10.txt with 1,000 scattered single-word edits
  bench-data/copies/           10,000 declaration-size copies, a realistic mix (C)
  bench-data/copies-kinds.tsv  file -> kind, for reading the results
  bench-data/copies-sample300.txt  every 33rd copy: the sample the git loop runs over
  bench-data/adversarial/NAME/ one adversarial copy, 500 times (hard links) (C, worst case)
  bench-data/adversarial/NAME.txt  the same copy once

  bench-data/web/pages/        10,000 web pages of about 50 KB of HTML each, 1 in 20
                               carrying the declaration whole or quotations from it,
                               some altered (F)
  bench-data/web/crawl.warc, crawl.warc.gz  the same pages as WARC 1.1 response
                               records (with requests, robots.txt, CSS, images,
                               redirects, metadata), plain and gzip per record
  bench-data/web/crawl-2x.warc.gz  crawl.warc.gz, then the same pages again from a
                               mirror host (own record ids): the memory bound
  bench-data/web/probe.warc.gz the crawl's first records (does vellum read WARC?)
  bench-data/web/truth.json    what every page carries (see make_web and
                               docs/benchmarks.md, measurement F)
  bench-data/web/sentences.txt the sealed sentences of 5 words or more, for rg -F -f
  bench-data/copies2/          a second mix of 10,000 copies (G)
  bench-data/copies2-kinds.tsv, copies2-sample300.txt  as for copies/
  bench-data/copies2-by-kind/KIND/  the same copies grouped by kind (hard links)
  bench-data/adversarial2/NAME/  more adversarial copies, 500 times each (H)

Usage: scripts/bench_data.py [--out DIR] [--force] [--parts core,web,mix2,adv2]
Stamp files (bench-data/.stamp for A-E, .stamp-PART for the others) hold
SHA-256 sums of this script (A-E's leaves out the F G H region), the
declaration and the dictionary; a part whose stamp matches is not
regenerated unless --force is given. Only a part's own outputs are removed
when it is regenerated.

The long texts of A-E, and F, G and H, draw words from the dictionary
/usr/share/dict/words (Debian wamerican; BENCH_DICT names another file): byte-identical data needs the same file, whose SHA-256
info.json records.
"""

import argparse
import base64
import hashlib
import json
import math
import os
import random
import re
import shutil
import sys
import time
import uuid
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DECLARATION = os.path.join(ROOT, "tests", "data", "declaration.txt")

N_COPIES = 10_000
ADV_REPEAT = 500
BIG_A = 100 * 1000 * 1000
BIG_D = 10 * 1000 * 1000
D_EDITS = 1000

# A vocabulary that has nothing to do with the declaration (gardening,
# cooking, sailing), for unrelated texts.
FOREIGN = """
garden soil compost mulch seedling tomato basil rosemary thyme lavender
trowel spade hoe rake wheelbarrow greenhouse trellis vine cucumber squash
pumpkin carrot parsnip radish lettuce spinach kale chard beetroot onion
garlic shallot leek fennel celery asparagus artichoke rhubarb strawberry
raspberry blueberry gooseberry currant apple pear plum cherry apricot peach
quince fig olive lemon orange grapefruit melon watermelon sunflower tulip
daffodil crocus snowdrop hyacinth peony dahlia marigold nasturtium pansy
bake roast simmer braise poach saute whisk knead fold sift grate chop dice
mince julienne blanch steam fry grill toast caramelize reduce deglaze season
flour sugar butter yeast dough batter crust pastry custard meringue ganache
sauce broth stock gravy vinaigrette marinade glaze syrup jam chutney pickle
oven skillet saucepan casserole colander ladle spatula tongs peeler grater
sail mast boom keel rudder tiller hull bow stern port starboard anchor
mooring buoy harbour jetty tide current breeze gust squall gale calm swell
knot bowline cleat winch halyard sheet jib mainsail spinnaker reef tack
jibe heel trim compass chart lighthouse beacon dinghy kayak canoe paddle
oar regatta crew skipper galley cabin bunk hatch porthole deck railing
gently slowly quickly carefully softly brightly warmly lightly evenly
green golden crisp tender fragrant sweet sour bitter savory fresh ripe
morning afternoon evening spring summer autumn winter weekend holiday
""".split()

LOREM = """
lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor
incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud
exercitation ullamco laboris nisi aliquip ex ea commodo consequat duis aute
irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur
excepteur sint occaecat cupidatat non proident sunt culpa qui officia deserunt
mollit anim id est laborum
""".split()

INSERT_WORDS = ["not", "never", "allegedly", "only", "also", "all", "some",
                "secretly", "partly", "no", "many", "former", "so-called"]

WORD_RE = re.compile(r"(?<= )[A-Za-z]+(?= )")
NUM_RE = re.compile(r"\d+")
SENT_RE = re.compile(r"(?<=[.;!?”])(?<!Mr\.)(?<!Mrs\.)\s+(?=[A-Z“])")


# --------------------------------------------------------------------------
# The declaration, split into blocks and sentences
# --------------------------------------------------------------------------

def parse_declaration():
    with open(DECLARATION, encoding="utf-8") as f:
        text = f.read()
    raw = [b.strip("\n") for b in re.split(r"\n\s*\n", text) if b.strip()]
    blocks = []  # (kind, text)
    n = len(raw)
    for i, b in enumerate(raw):
        if b.startswith("• "):
            kind = "bullet"
        elif re.match(r"\d+\. ", b):
            kind = "point"
        elif b.endswith(":") and len(b) < 120:
            kind = "heading"
        elif i >= n - 2 and len(b) < 80:
            kind = "closing"
        else:
            kind = "paragraph"
        blocks.append((kind, b))
    return text, blocks


def body(kind, text):
    if kind == "bullet":
        return text[2:]
    if kind == "point":
        return text.split(" ", 1)[1]
    return text


def sentences_of(text):
    return [s for s in SENT_RE.split(text) if s]


def join_blocks(blocks):
    return "\n\n".join(t for _, t in blocks) + "\n"


# --------------------------------------------------------------------------
# Declaration-like long texts (A, B, D, E)
# --------------------------------------------------------------------------

# Text made only of the declaration's ~60 sentences deflates to 0.034 of its
# size, far from prose: an archive's size and the time to deflate it say
# nothing there. Seven sentences in ten are made of dictionary words instead
# (issue 11 point 7); the generated text must deflate (zlib level 6, as
# zip -6) to 0.25-0.45 of its size, or the script stops.
DICT_FILE = os.environ.get("BENCH_DICT", "/usr/share/dict/words")  # Debian wamerican
DICT_SHARE = 0.7
DEFLATE_RANGE = (0.25, 0.45)


def dictionary():
    """The dictionary's plain words (letters only, no possessives)."""
    if not os.path.exists(DICT_FILE):
        sys.exit(f"bench_data.py: {DICT_FILE} is missing (Debian package wamerican)")
    with open(DICT_FILE, encoding="utf-8") as f:
        return [w for w in (line.strip() for line in f) if w.isalpha()]


def file_sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def deflate_ratio(text):
    data = text.encode("utf-8")
    return len(zlib.compress(data, 6)) / len(data)


class LongTextMaker:
    def __init__(self, blocks, rng, words):
        self.rng = rng
        self.words = words
        self.sentences = []
        self.bullets = []
        self.headings = []
        self.closings = []
        for kind, t in blocks:
            if kind == "bullet":
                self.bullets.append(body(kind, t))
            elif kind == "heading":
                self.headings.append(t)
            elif kind == "closing":
                self.closings.append(t)
            else:
                self.sentences.extend(sentences_of(body(kind, t)))

    def sentence(self):
        if self.rng.random() < DICT_SHARE:
            ws = [self.rng.choice(self.words) for _ in range(self.rng.randint(8, 25))]
            s = " ".join(ws)
            return s[0].upper() + s[1:] + "."
        s = self.rng.choice(self.sentences)
        # A share of sentences get fresh numbers, so the text is not only
        # a permutation of 60 sentences.
        if self.rng.random() < 0.3 and NUM_RE.search(s):
            rng = self.rng
            s = NUM_RE.sub(lambda m: str(rng.randrange(1, 10 ** len(m.group()))), s)
        return s

    def para(self, lo, hi):
        return " ".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))

    def document(self):
        rng = self.rng
        out = [self.para(2, 6) for _ in range(rng.randint(2, 4))]
        out.append(rng.choice(self.headings))
        for _ in range(rng.randint(8, 16)):
            if rng.random() < 0.7:
                out.append("• " + rng.choice(self.bullets))
            else:
                out.append("• " + self.sentence().rstrip(".") + ";")
        out.append(rng.choice(self.headings))
        for i in range(1, rng.randint(8, 14) + 1):
            out.append(f"{i}. " + self.para(2, 7))
        out.extend(self.closings)
        return "\n\n".join(out)

    def text(self, size):
        parts, n = [], 0
        while n < size:
            d = self.document()
            parts.append(d)
            n += len(d.encode("utf-8")) + 2
        return "\n\n".join(parts) + "\n"


def word_edits(text, n, rng, vocab):
    """n single-word edits (replace, insert, delete) at random places."""
    spans = [(m.start(), m.end()) for m in WORD_RE.finditer(text)]
    picks = sorted(rng.sample(range(len(spans)), n))
    out, last, log = [], 0, {"replace": 0, "insert": 0, "delete": 0}
    for i in picks:
        s, e = spans[i]
        op = rng.choice(("replace", "insert", "delete"))
        log[op] += 1
        word = text[s:e]
        if op == "replace":
            new = rng.choice(vocab)
            while new == word:
                new = rng.choice(vocab)
            out.append(text[last:s])
            out.append(new)
            last = e
        elif op == "insert":
            out.append(text[last:e])
            out.append(" " + rng.choice(vocab))
            last = e
        else:  # delete the word and the space after it
            out.append(text[last:s])
            last = e + 1
    out.append(text[last:])
    return "".join(out), log


# --------------------------------------------------------------------------
# Copies (C)
# --------------------------------------------------------------------------

def wrap(text, width):
    lines, cur, n = [], [], 0
    for w in text.split(" "):
        if cur and n + 1 + len(w) > width:
            lines.append(" ".join(cur))
            cur, n = [w], len(w)
        else:
            n = n + 1 + len(w) if cur else len(w)
            cur.append(w)
    if cur:
        lines.append(" ".join(cur))
    return "\n".join(lines)


def straight_quotes(t):
    return (t.replace("’", "'").replace("‘", "'")
             .replace("“", '"').replace("”", '"'))


def reformat(blocks, rng):
    """Render blocks the way copies travel: rewrapped, CRLF, tabs, straight
    quotes, extra blank lines (each with some probability)."""
    do_wrap = rng.random() < 0.5
    width = rng.randint(40, 100)
    do_tabs = rng.random() < 0.3
    do_quotes = rng.random() < 0.4
    do_blank = rng.random() < 0.3
    do_crlf = rng.random() < 0.3
    do_trailing = rng.random() < 0.2
    parts = []
    for _, t in blocks:
        if do_wrap:
            t = wrap(t, width)
        if do_tabs:
            lines = t.split("\n")
            lines = ["\t" + l if rng.random() < 0.5 else l.replace(" ", "\t", 1)
                     for l in lines]
            t = "\n".join(lines)
        if do_trailing:
            t = t.replace("\n", "  \n") + "  "
        parts.append(t)
    sep = "\n\n"
    out = []
    for i, p in enumerate(parts):
        if i:
            out.append("\n\n\n" if do_blank and rng.random() < 0.5 else sep)
        out.append(p)
    t = "".join(out) + "\n"
    if do_blank:
        t = "\n" + t + "\n\n"
    if do_quotes:
        t = straight_quotes(t)
    if do_crlf:
        t = t.replace("\n", "\r\n")
    return t


def alter(blocks, rng, vocab):
    """One alteration; returns (blocks, name)."""
    blocks = list(blocks)
    kinds = ["number", "insert", "sentence", "bullet", "swap"]
    what = rng.choice(kinds)
    if what == "number":
        cands = [i for i, (k, t) in enumerate(blocks) if NUM_RE.search(body(k, t))]
        i = rng.choice(cands)
        k, t = blocks[i]
        prefix = t[: len(t) - len(body(k, t))]
        b = body(k, t)
        ms = list(NUM_RE.finditer(b))
        m = rng.choice(ms)
        old = m.group()
        new = old
        while new == old:
            new = str(int(old) + rng.choice([-10, -2, -1, 1, 2, 5, 10, 100]))
            if new.startswith("-"):
                new = str(int(old) + 1)
        blocks[i] = (k, prefix + b[: m.start()] + new + b[m.end():])
    elif what == "insert":
        cands = [i for i, (k, _) in enumerate(blocks) if k in ("paragraph", "point", "bullet")]
        i = rng.choice(cands)
        k, t = blocks[i]
        ws = t.split(" ")
        j = rng.randint(2, len(ws) - 1)
        ws.insert(j, rng.choice(INSERT_WORDS))
        blocks[i] = (k, " ".join(ws))
    elif what == "sentence":
        cands = [i for i, (k, t) in enumerate(blocks)
                 if k in ("paragraph", "point") and len(sentences_of(body(k, t))) >= 2]
        i = rng.choice(cands)
        k, t = blocks[i]
        prefix = t[: len(t) - len(body(k, t))]
        ss = sentences_of(body(k, t))
        del ss[rng.randrange(len(ss))]
        blocks[i] = (k, prefix + " ".join(ss))
    elif what == "bullet":
        cands = [i for i, (k, _) in enumerate(blocks) if k == "bullet"]
        del blocks[rng.choice(cands)]
    else:  # two points swapped (whole blocks, numbers travel with them)
        cands = [i for i, (k, _) in enumerate(blocks) if k == "point"]
        a, b = rng.sample(cands, 2)
        blocks[a], blocks[b] = blocks[b], blocks[a]
    return blocks, what


def mojibake_latin1(t):
    return t.encode("utf-8").decode("latin-1")


def mojibake_cp1252(t):
    # Bytes cp1252 leaves undefined fall back to latin-1, as Windows does.
    out = []
    for byte in t.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


def foreign_text(rng, size, vocab):
    paras, n = [], 0
    while n < size:
        words = [rng.choice(vocab) for _ in range(rng.randint(20, 90))]
        s = []
        i = 0
        while i < len(words):
            k = rng.randint(6, 18)
            sent = " ".join(words[i:i + k])
            s.append(sent[:1].upper() + sent[1:] + ".")
            i += k
        p = " ".join(s)
        paras.append(p)
        n += len(p) + 2
    return "\n\n".join(paras) + "\n"


def make_copy(rng, blocks, decl_text, vocab):
    r = rng.random()
    if r < 0.80:
        bl = blocks
        kind = "full"
        if rng.random() < 0.4:
            names = []
            for _ in range(rng.choice([1, 1, 1, 2])):
                bl, what = alter(bl, rng, vocab)
                names.append(what)
            kind = "full-altered-" + "+".join(names)
        if rng.random() < 0.1:
            return kind + "-verbatim", join_blocks(bl)
        return kind + "-reformatted", reformat(bl, rng)
    if r < 0.90:
        n = rng.choice([1, 1, 2, 3, 4])
        s = rng.randrange(len(blocks) - n + 1)
        bl = blocks[s:s + n]
        if rng.random() < 0.5:
            return f"excerpt-{n}", join_blocks(bl)
        return f"excerpt-{n}-reformatted", reformat(bl, rng)
    r = rng.random()
    if r < 0.45:
        return "unrelated-foreign", foreign_text(rng, rng.randint(1000, 10000), FOREIGN)
    if r < 0.60:
        return "unrelated-lorem", foreign_text(rng, rng.randint(1000, 10000), LOREM)
    src = decl_text if rng.random() < 0.5 else reformat(blocks, rng)
    if r < 0.85:
        return "mojibake-latin1", mojibake_latin1(src)
    return "mojibake-cp1252", mojibake_cp1252(src)


# --------------------------------------------------------------------------
# Adversarial single copies (C, worst case)
# --------------------------------------------------------------------------

def adversarial(rng, blocks, decl_text, vocab):
    words = decl_text.split()
    idx = {k: [i for i, (kk, _) in enumerate(blocks) if kk == k]
           for k in ("paragraph", "bullet", "point")}
    adv = {}
    adv["excerpt-paragraph"] = blocks[idx["paragraph"][0]][1] + "\n"
    adv["excerpt-longest-point"] = max((t for k, t in blocks if k == "point"), key=len) + "\n"
    p6 = body(*blocks[idx["point"][5]])
    adv["excerpt-one-sentence"] = sentences_of(p6)[2] + "\n"
    adv["excerpt-bullets"] = join_blocks([blocks[i] for i in idx["bullet"][2:6]])
    adv["excerpt-first-half"] = join_blocks(blocks[: len(blocks) // 2])
    adv["unrelated-foreign"] = foreign_text(rng, len(decl_text), FOREIGN)
    adv["unrelated-declaration-words"] = foreign_text(rng, len(decl_text), vocab)
    adv["mojibake-latin1"] = mojibake_latin1(decl_text)
    adv["mojibake-cp1252"] = mojibake_cp1252(decl_text)
    adv["mojibake-latin1-twice"] = mojibake_latin1(mojibake_latin1(decl_text))
    # every word shuffled, the block layout kept
    sh = words[:]
    rng.shuffle(sh)
    out, i = [], 0
    for _, t in blocks:
        n = len(t.split())
        out.append(" ".join(sh[i:i + n]))
        i += n
    adv["shuffled-words"] = "\n\n".join(out) + "\n"
    out = []
    for k, t in blocks:
        ss = []
        for s in sentences_of(t):
            w = s.split()
            rng.shuffle(w)
            ss.append(" ".join(w))
        out.append(" ".join(ss))
    adv["shuffled-words-within-sentences"] = "\n\n".join(out) + "\n"
    adv["reversed-characters"] = decl_text[::-1]
    adv["reversed-words"] = " ".join(reversed(words)) + "\n"
    adv["reversed-blocks"] = join_blocks(list(reversed(blocks)))
    ss = [s for _, t in blocks for s in sentences_of(t)]
    rng.shuffle(ss)
    adv["shuffled-sentences"] = "\n\n".join(ss) + "\n"
    adv["doubled"] = decl_text.rstrip("\n") + "\n\n" + decl_text
    adv["one-line"] = " ".join(words) + "\n"
    adv["every-other-word-dropped"] = "\n\n".join(
        " ".join(t.split()[::2]) for _, t in blocks) + "\n"
    def typo(w):
        if len(w) < 4:
            return w
        j = rng.randrange(1, len(w) - 2)
        return w[:j] + w[j + 1] + w[j] + w[j + 2:]
    adv["typos-everywhere"] = "\n\n".join(
        " ".join(typo(w) for w in t.split()) for _, t in blocks) + "\n"
    adv["uppercase"] = decl_text.upper()
    alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;:!?'\"()-– éüñøß жщ ا ب ی 中文 ✓•…\n"
    adv["random-characters"] = "".join(rng.choice(alphabet) for _ in range(len(decl_text)))
    adv["one-word-repeated"] = ("regime " * (len(decl_text) // 7)).rstrip() + "\n"
    return adv


# >>> F G H: web pages and WARC (F), a second copy mix (G), more adversarial copies (H)
# The stamp of the A-E data leaves this region out, so editing it does not
# regenerate A-E (see stamps()).

WORDS_FILE = DICT_FILE  # one dictionary for every part
N_PAGES = 10_000
CARRY_EVERY = 20          # 1 page in 20 carries the declaration or quotations from it
RELATED_EVERY = 20        # and 1 in 20 is about the same subject without quoting it
N_SITES = 40
PAGE_BYTES = 46_000       # median size a page aims at (pages average about 50 KB)
CRAWL_T0 = 1767225600     # 2026-01-01T00:00:00Z, the crawl's first WARC-Date
N_COPIES2 = 10_000

MONTHS = ("January February March April May June July August September "
          "October November December").split()

# Skeletons of ordinary news prose: {w} a common word (Zipf over the
# dictionary), {W} the same capitalized, {N} a proper name, {D} a number,
# {Y} a year, {M} a month, {d} a day.
SKELETONS = [
    "The {w} {w} of {N} has {w} the {w} for {D} {w}.",
    "In {Y}, {N} {N} {w} a {w} {w} that {w} the {w} of the {w}.",
    "According to {N} {N}, the {w} {w} will {w} {w} by the end of {M}.",
    "{N} said the {w} was {w} and that the {w} would {w} {w} {w}.",
    "Many {w} {w} that the {w} {w} is {w} than it was {D} years ago.",
    "It is not {w} {w}, but a {w} {w} of {w} and {w}.",
    "The {w} {w} and the {w} {w} were {w} in {N} on {M} {d}.",
    "However, {w} {w} have {w} the {w} {w}, which {w} {D} percent of the {w}.",
    "\u201c{W} {w} {w} {w} {w},\u201d said {N} {N}, a {w} at the {N} {w}.",
    "Officials in {N} {w} the {w} after a {w} {w} {w} the {w} {w}.",
    "{W} {w}, {w} {w} and {w} {w} are among the {w} the {w} {w}.",
    "The report, which {w} {D} {w} {w}, {w} that {w} {w} {w} {w}.",
    "What {w} the {w} is not the {w} but the {w} {w} of {w}.",
    "For {w} {w}, the {w} {w} {w} {w} {w} than {w}.",
    "She {w} {w} {w} at the {N} {w} before {w} to {N}.",
    "{N} {N}, who {w} the {w} {w} in {Y}, {w} the {w} {w}.",
    "There are {D} {w} {w} in the {w}, and most of them {w} {w}.",
    "As a {w}, the {w} {w} {w} {w} {w} {w}.",
    "The {w} {w} {w} by {D} percent in {M}, the {w} {w}.",
    "We {w} {w} {w} {w} the {w}, he {w}.",
    "{W} {w} {w} {w}; {w} {w} {w} {w} {w}.",
    "Why does the {w} {w} so {w} {w}?",
    "The {N} {w} {w} its first {w} in {Y} and has {w} {D} {w} since.",
    "If the {w} {w} {w}, the {w} will {w} {w} {w} {w}.",
    "Last {M}, {D} {w} {w} {w} the {w} near {N}.",
]

# Sentences a real page might carry, on nothing the declaration speaks of.
REAL_SENTENCES = """
The city council voted on Tuesday to extend the opening hours of the public library.
Heavy rain is expected across the region this weekend, with local flooding possible near rivers.
The new bridge will take about three years to build and is due to open in the spring of 2029.
Tickets for the summer festival go on sale on Friday morning at nine o'clock.
Researchers said the results were encouraging but warned that a larger study was needed.
The company reported a small rise in profits for the third quarter, helped by strong sales abroad.
Parents have until the end of the month to apply for a place at a secondary school.
The match was delayed by forty minutes after a power failure at the stadium.
Local businesses say the roadworks have cut the number of shoppers by almost half.
The museum's new wing will house a collection of maps donated by a retired sea captain.
Volunteers planted more than two thousand trees along the old railway line on Sunday.
The recipe works just as well with pears instead of apples, and the crumble can be made a day ahead.
Our reviewer found the battery lasted a little over eleven hours of mixed use.
The train operator apologised for the delays and promised refunds to season ticket holders.
Scientists have found traces of water ice in a crater near the moon's south pole.
The school play was a great success, and the cast received a standing ovation.
Prices at the pump fell for the fourth week in a row, according to the motoring association.
The hospital trust said it would recruit sixty more nurses over the next twelve months.
A spokesperson for the airport said flights were operating normally again by the afternoon.
The band's new album is their first in six years and was recorded in a converted barn.
Residents were asked to keep windows closed while firefighters dealt with the blaze.
The university has opened a new centre for the study of coastal erosion.
Sign up for our newsletter to get the best stories of the week in your inbox.
The author will be signing copies of her book at the town hall on Saturday.
Police are appealing for witnesses after a car was damaged on the high street overnight.
The committee will publish its recommendations before the end of the year.
Temperatures are forecast to reach the low thirties by the middle of next week.
The club has signed a young goalkeeper on a three-year contract.
The exhibition runs until the end of March and entry is free for children under twelve.
Engineers are still working out why the software update caused the outage.
The farmers' market moves indoors for the winter, starting on the first Saturday of November.
A new cycle lane along the seafront is expected to be finished by the summer.
The theatre has cancelled tonight's performance because the lead actor is unwell.
Shares in the mining group rose sharply after it announced a new copper find.
The charity run raised more than eight thousand pounds for the children's ward.
Opening times over the holidays are listed on the council's website.
The planning application for the housing estate will be decided next month.
Our critic called the film slow in places but beautifully shot.
The bakery on Mill Lane has won a regional award for its sourdough.
Water supplies have been restored to all homes affected by the burst main.
The minister is expected to announce the budget for roads on Wednesday.
Local anglers reported the best salmon run on the river in a decade.
The bus company will introduce contactless payment on all routes from April.
Snow closed several mountain passes, and drivers were told to carry chains.
The orchestra's new conductor began her career as a violinist in Vienna.
A rare orchid has been found growing on the edge of a golf course.
The startup raised twelve million dollars to expand its delivery service.
Students can borrow laptops from the library for up to two weeks.
The old cinema will reopen as a community arts centre next year.
Fans queued overnight for tickets to the final of the cup.
""".strip().splitlines()

# Prose on the declaration's subject, in other words: no run of five words is
# the declaration's (checked when the data is made). For pages about the
# subject that quote nothing, and for the prose around quotations.
RELATED_SENTENCES = """
Hundreds of exile groups sent delegates to the gathering near the French capital.
Speakers at the meeting accused the authorities in Tehran of jailing and killing opponents.
The organisers said the event drew representatives from dozens of countries.
Delegates described arrests of students, journalists and labour organisers back home.
Women who attended spoke about laws that limit what they may wear, study and do.
Several speakers called the government in Tehran a theocracy that answers to no one.
The meeting ended with a written statement that the organisers circulated to the press.
Critics of the gathering said it did not speak for every Iranian living abroad.
Rights monitors have counted a sharp rise in hangings since the new president took office.
The statement urged Western capitals to press Tehran harder on its treatment of prisoners.
Members of ethnic and religious groups described years of harassment and prison terms.
A lawyer who left the country in the eighties said little had changed for dissidents.
The opposition coalition says it wants free elections and a secular, democratic republic.
Observers noted that the gathering coincided with the anniversary of the 1979 uprising.
Exiles in Europe have organised similar meetings in Berlin, London and Stockholm.
The text, adopted by acclamation, listed grievances and set out a number of demands.
Government officials in Tehran dismissed the event as the work of a discredited group.
Some attendees travelled from North America and Australia to take part.
The declaration's authors argued that reform from within the system had failed.
Economists at the meeting blamed graft and sanctions for the collapse of the currency.
The atomic programme, one speaker said, had cost the nation dearly in lost income.
Relatives of camp residents in Iraq asked the United Nations to guarantee their safety.
Advocates said that persecution of Baha'is, Kurds and Baluchis had grown worse.
The closing session heard messages of support from European lawmakers.
Analysts said the statement was unlikely to change policy in Western capitals.
A former political prisoner told the audience about the months she spent in solitary confinement.
The meeting's organisers plan to hold a larger event in the summer.
Speakers contrasted the country's oil revenue with rising poverty among ordinary families.
Some of those present were critical of negotiations between Tehran and world powers.
Supporters waved flags and carried portraits of relatives who had been put to death.
The organisers claimed that thousands had attended, a figure that could not be verified.
A scholar in the audience said the country's universities had been purged several times.
Doctors and engineers who live abroad offered to help rebuild the health system one day.
A representative of a Kurdish party spoke about villages raided by the security forces.
The gathering took place under heavy security in a conference hall outside the city.
Several European members of parliament signed a letter backing the meeting's goals.
Many of the delegates had left Iran as children and had never been able to return.
The text accuses the ruling clergy of spending the oil wealth on weapons and proxies abroad.
Campaigners said executions were often carried out in public to frighten the population.
An economist estimated that capital flight had reached billions of dollars a year.
The final document calls on all Iranians to unite behind a democratic alternative.
Tehran's foreign ministry summoned the French ambassador to protest about the event.
Some speakers focused on the plight of political detainees held without trial.
Journalists were allowed into the hall for the opening speeches only.
The convention was the first of its kind to bring together so many diaspora organisations.
Speakers warned that the new administration's smile hid the same repression as before.
A youth delegation read out the names of students who had disappeared in custody.
Organisers said the statement would be sent to governments and to the United Nations.
The meeting paid tribute to those who died in the prison massacres of the late eighties.
An observer from a human rights group said the event was well organised but one-sided.
Participants demanded the release of labour activists and teachers held in Evin prison.
The delegates agreed to meet again in a year to review progress.
Critics in Tehran called the participants traitors who had sold out to foreign powers.
Iranian state television did not mention the gathering in its evening bulletin.
The exiles' statement drew comparisons with earlier appeals made in Berlin and Washington.
""".strip().splitlines()

COMMENT_SENTENCES = """
Great article, thanks for sharing.
I don't agree with the last paragraph at all.
Does anyone know where I can find the full report?
This is exactly what I have been saying for years.
Thank you for covering this, nobody else does.
Interesting read, but the headline is misleading.
Well written and well researched.
I shared this with my family.
Can you post a link to the original source?
Sad to read this.
""".strip().splitlines()

NEWS_NOUNS = ("Times Post Courier Herald Review Chronicle Gazette Observer Tribune "
              "Journal Monitor Dispatch Ledger Weekly Voice Report Bulletin Standard "
              "Examiner Sentinel").split()

ENTITY_NAMED = {0x2019: "&rsquo;", 0x2018: "&lsquo;", 0x201C: "&ldquo;", 0x201D: "&rdquo;",
                0x2013: "&ndash;", 0x2014: "&mdash;", 0x2026: "&hellip;", 0x2022: "&bull;",
                0xA0: "&nbsp;"}
ENTITY_NUMERIC = {k: f"&#{k};" for k in ENTITY_NAMED}
ASCII_QUOTES = {0x2019: "'", 0x2018: "'", 0x201C: '"', 0x201D: '"'}
ESCAPE = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}

SENT_MIN_WORDS = 5        # shorter sealed lines are not given to rg (they match anything)
TOKEN_RE = re.compile(r"[a-z0-9]+")
DIGITS_RE = re.compile(r"\d[\d,]*\d|\d")


def tokens(s):
    return TOKEN_RE.findall(s.lower().replace("\u2019", "").replace("'", ""))


def ngrams(ws, n=5):
    return {tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)}


def load_words():
    """The dictionary (Debian wamerican): common words, proper names."""
    if not os.path.exists(WORDS_FILE):
        sys.exit(f"bench_data.py: {WORDS_FILE} is missing (Debian package wamerican)")
    with open(WORDS_FILE, encoding="utf-8") as f:
        words = [w.strip() for w in f]
    lower = sorted({w for w in words if w.isalpha() and w.islower() and w.isascii() and len(w) > 1}
                   | {"a"})
    proper = sorted({w for w in words if w.isalpha() and w.isascii() and w[0].isupper()
                     and w[1:].islower() and len(w) > 2})
    return lower, proper


def words_sha256():
    with open(WORDS_FILE, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def vellum_sections(decl_text):
    """The declaration's blocks with vellum's section ids (src/text/sections.rs:
    a bullet or number marker makes a bullet or point; a block of at most 12
    words that does not end a sentence is a heading, or a closing line after
    the last body block; anything else a paragraph)."""
    raw = [b.strip("\n") for b in re.split(r"\n\s*\n", decl_text) if b.strip()]
    info = []
    for b in raw:
        if b.startswith("• "):
            kind, bd = "bullet", b[2:]
        elif re.match(r"\d+\. ", b):
            kind, bd = "point", b.split(" ", 1)[1]
        else:
            short = len(b.split()) <= 12 and not b.rstrip("\"')").endswith((".", "!", "?", ";"))
            kind, bd = ("short" if short else "paragraph"), b
        info.append([kind, b, bd])
    last_body = max(i for i, (k, _, _) in enumerate(info) if k != "short")
    counts, out = {}, []
    for i, (kind, b, bd) in enumerate(info):
        if kind == "short":
            kind = "closing" if i > last_body else "heading"
        counts[kind] = counts.get(kind, 0) + 1
        out.append({"id": f"{kind}-{counts[kind]}", "kind": kind, "text": b, "body": bd,
                    "sentences": sentences_of(bd)})
    return out


class Prose:
    """Sentence pools for pages: ordinary prose over a 60,000-word dictionary
    with Zipf frequencies, and prose on the declaration's subject. Pools keep
    generation fast; no sentence of any pool shares a run of five words with
    the declaration."""

    def __init__(self, rng, lower, proper, decl_grams, n_generic=120_000, n_related=6_000):
        self.rng = rng
        self.decl_grams = decl_grams
        order = lower[:]
        random.Random(2001).shuffle(order)
        for w in ("the", "of", "and", "to", "in", "that", "is", "for", "it", "was"):
            order.remove(w)
        self.common = order
        cw, t = [], 0.0
        for r in range(len(order)):
            t += 1.0 / (r + 8) ** 1.05
            cw.append(t)
        self.cw = cw
        self.proper = proper
        self.buf, self.bi = [], 0
        self.skel = [re.split(r"(\{[wWNDYMd]\})", s) for s in SKELETONS]
        self.generic = self._pool(n_generic, self._skeleton_sentence, REAL_SENTENCES, 0.12)
        self.related = self._pool(n_related, self._related_sentence, RELATED_SENTENCES, 0.6)
        self.comment = Pool([x for x in self.generic.made if len(x) < 90][:5000], COMMENT_SENTENCES, 0.4)

    def word(self):
        if self.bi >= len(self.buf):
            self.buf = self.rng.choices(self.common, cum_weights=self.cw, k=200_000)
            self.bi = 0
        self.bi += 1
        return self.buf[self.bi - 1]

    def number(self):
        r = self.rng.random()
        if r < 0.6:
            return str(self.rng.randint(2, 99))
        if r < 0.85:
            return str(self.rng.randint(100, 999))
        if r < 0.95:
            return f"{self.rng.randint(1, 99)},{self.rng.randint(0, 999):03d}"
        return f"{self.rng.randint(1, 9)}.{self.rng.randint(1, 9)}"

    def fill(self, parts, word):
        rng = self.rng
        out = []
        for p in parts:
            if p == "{w}":
                out.append(word())
            elif p == "{W}":
                out.append(word().capitalize())
            elif p == "{N}":
                out.append(rng.choice(self.proper))
            elif p == "{D}":
                out.append(self.number())
            elif p == "{Y}":
                out.append(str(rng.randint(1950, 2026)))
            elif p == "{M}":
                out.append(rng.choice(MONTHS))
            elif p == "{d}":
                out.append(str(rng.randint(1, 28)))
            else:
                out.append(p)
        s = "".join(out)
        return s[0].upper() + s[1:]

    def _skeleton_sentence(self):
        return self.fill(self.rng.choice(self.skel), self.word)

    def _related_sentence(self):
        # The subject's own words in the ordinary skeletons.
        return self.fill(self.rng.choice(self.skel), lambda: self.rng.choice(RELATED_WORDS))

    def _pool(self, n, make, real, share):
        for x in real:
            bad = ngrams(tokens(x)) & self.decl_grams
            assert not bad, f"bench_data.py: sentence shares {bad} with the declaration: {x}"
        made = []
        while len(made) < n:
            x = make()
            if not (ngrams(tokens(x)) & self.decl_grams):
                made.append(x)
        return Pool(made, real, share)

    def sentences(self, pool, k):
        """k sentences: each a written one with the pool's share, else a made
        one; no written sentence twice in one call."""
        rng = self.rng
        nreal = min(len(pool.real), sum(1 for _ in range(k) if rng.random() < pool.share))
        out = rng.sample(pool.real, nreal) + rng.choices(pool.made, k=k - nreal)
        if nreal and k > 1:
            rng.shuffle(out)
        return out

    def paragraph(self, pool, lo=2, hi=7):
        return " ".join(self.sentences(pool, self.rng.randint(lo, hi)))

    def title(self):
        ws = [self.word() for _ in range(self.rng.randint(4, 9))]
        return " ".join(w.capitalize() if i == 0 or len(w) > 3 else w for i, w in enumerate(ws))


class Pool:
    """Sentences made from skeletons, and written ones drawn with a share."""

    def __init__(self, made, real, share):
        self.made, self.real, self.share = made, real, share


RELATED_WORDS = """
regime clerics mullahs prisoners executions rights women minorities exiles Paris convention
opposition resistance democracy freedom elections torture crackdown corruption sanctions
nuclear economy poverty students activists journalists lawyers delegates speakers statement
government president leaders authorities courts prison dissidents protests families refugees
camp camps members associations communities country homeland republic secular religion state
""".split()


# Words put in place of a sealed word by a "word" change.
SWAP_WORDS = """especially only largely partly recent serious limited growing certain several
occasional minor major public private ordinary foreign national local general peaceful
moderate alleged former""".split()


def alter_text(rng, text, how, vocab):
    """One change in `text` of the given kind: number, negation or word.
    Returns (new text, sealed words, found words) or None when the text has
    no place for that kind."""
    if how == "number":
        ms = list(DIGITS_RE.finditer(text))
        if not ms:
            return None
        m = rng.choice(ms)
        old = m.group()
        v = int(old.replace(",", ""))
        for _ in range(20):
            new_v = rng.choice([v * 10, v // 10, v + rng.choice([-10, -5, -2, -1, 1, 2, 5, 10])])
            if new_v > 0 and new_v != v:
                break
        else:
            new_v = v + 1
        new = f"{new_v:,}" if "," in old else str(new_v)
        return text[:m.start()] + new + text[m.end():], old, new
    ws = text.split(" ")
    if how == "negation":
        aux = [i for i, w in enumerate(ws[:-1]) if w in ("is", "are", "was", "were", "will", "must",
                                                         "should", "can", "has", "have", "be")]
        if aux:
            i = rng.choice(aux) + 1
        else:
            if len(ws) < 4:
                return None
            i = rng.randint(2, len(ws) - 1)
        ws.insert(i, "not")
        return " ".join(ws), "", "not"
    # a common word changed (not a name, a number or a short word)
    cands = [i for i, w in enumerate(ws) if w.isalpha() and w.islower() and len(w) >= 5 and i > 0]
    if not cands:
        return None
    i = rng.choice(cands)
    old = ws[i]
    new = rng.choice(SWAP_WORDS)
    while new == old:
        new = rng.choice(SWAP_WORDS)
    ws[i] = new
    return " ".join(ws), old, new


class Site:
    """One web site's template: its markup style and furniture."""

    def __init__(self, rng, k, prose):
        self.rng = rng
        self.prose = prose
        name = rng.choice(prose.proper)
        noun = NEWS_NOUNS[k % len(NEWS_NOUNS)]
        self.name = f"The {name} {noun}"
        self.domain = f"www.{name.lower()}{noun.lower()}.example"
        self.semantic = rng.random() < 0.6
        r = rng.random()
        self.entities = "raw" if r < 0.55 else "named" if r < 0.8 else "numeric" if r < 0.9 else "ascii"
        self.wrap = rng.randint(78, 120) if rng.random() < 0.2 else 0
        self.widow = rng.random() < 0.15
        self.indent = rng.choice(["", "  ", "    ", "\t"])
        self.windows1252 = k % 20 == 19          # 2 sites of 40 serve Windows-1252
        self.charset = "windows-1252" if self.windows1252 else "utf-8"
        self.sections = [prose.word().capitalize() for _ in range(rng.randint(7, 13))]
        self.cls = [prose.word() for _ in range(60)]
        self.css = self._css()
        self.head_scripts = self._head_scripts()
        self.header = self._header()
        self.footer = self._footer()
        self.tail_scripts = self._tail_scripts()
        tr = dict(ESCAPE)
        if self.entities == "named":
            tr.update(ENTITY_NAMED)
        elif self.entities == "numeric":
            tr.update(ENTITY_NUMERIC)
        elif self.entities == "ascii":
            tr.update(ASCII_QUOTES)
        self.tr = tr

    def esc(self, text):
        return text.translate(self.tr)

    def para(self, text, cls=None):
        t = self.esc(text)
        if self.widow:
            i = t.rfind(" ")
            if i > 0:
                t = t[:i] + "&nbsp;" + t[i + 1:]
        if self.wrap:
            t = wrap(t, self.wrap)
        c = f' class="{cls}"' if cls else ""
        return f"{self.indent}<p{c}>{t}</p>\n"

    def _css(self):
        rng, out = self.rng, []
        props = ["margin:0 auto", "padding:12px 16px", "color:#333", "display:flex",
                 "font-size:1.125rem", "line-height:1.6", "border-bottom:1px solid #e5e5e5",
                 "background:#fafafa", "max-width:1200px", "text-decoration:none",
                 "font-family:Georgia,serif", "gap:24px", "position:relative", "z-index:10"]
        for _ in range(rng.randint(60, 160)):
            sel = "." + "-".join(rng.sample(self.cls, 2))
            if rng.random() < 0.3:
                sel += " " + rng.choice(["a", "li", "p", "h2", "img", "span"])
            out.append(sel + "{" + ";".join(rng.sample(props, rng.randint(2, 5))) + "}")
        if rng.random() < 0.5:
            out.append("@media (max-width:768px){." + self.cls[0] + "{display:none}}")
        return "\n".join(out)

    def _head_scripts(self):
        rng = self.rng
        uid = rng.randint(10 ** 8, 10 ** 9)
        consent = json.dumps({"cmp": {"version": rng.randint(2, 9), "vendors": [
            {"id": rng.randint(1, 999), "name": self.prose.word().capitalize() + " Media",
             "purposes": rng.sample(range(1, 11), 4)} for _ in range(rng.randint(8, 25))]}})
        return (
            '<script async src="https://analytics.example/gtag/js?id=UA-%d-1"></script>\n'
            "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
            "gtag('js',new Date());gtag('config','UA-%d-1',{'anonymize_ip':true,'page_path':location.pathname});"
            "</script>\n<script>var __cmpConfig=%s;(function(){var s=document.createElement('script');"
            "s.src='/static/js/consent.min.js?v=%d';s.async=true;document.head.appendChild(s);})();</script>\n"
            % (uid, uid, consent, rng.randint(100, 999)))

    def _menu(self):
        rng, out = self.rng, []
        for s in self.sections:
            out.append(f'<li class="menu-item"><a href="/{s.lower()}/">{s}</a>')
            if rng.random() < 0.4:
                out.append('<ul class="sub-menu">' + "".join(
                    f'<li><a href="/{s.lower()}/{w}/">{w.capitalize()}</a></li>'
                    for w in (self.prose.word() for _ in range(rng.randint(3, 8)))) + "</ul>")
            out.append("</li>")
        return "".join(out)

    def _header(self):
        menu = self._menu()
        if self.semantic:
            return (f'<header class="site-header" role="banner"><div class="wrap"><a class="logo" href="/">'
                    f'<img src="/static/img/logo.svg" alt="{self.name}" width="180" height="40"></a>'
                    f'<nav class="main-nav" aria-label="Main"><ul class="menu">{menu}</ul></nav>'
                    '<form class="search" role="search" action="/search"><input type="search" name="q" '
                    'placeholder="Search"><button type="submit">Search</button></form></div></header>\n')
        return (f'<div id="top" class="site-header"><div class="logo"><a href="/">{self.name}</a></div>'
                f'<div class="menu"><ul>{menu}</ul></div><div class="search-box"><form action="/search">'
                '<input type="text" name="q" value=""><input type="submit" value="Go"></form></div></div>\n')

    def _footer(self):
        rng = self.rng
        cols = []
        for _ in range(rng.randint(3, 4)):
            links = "".join(f'<li><a href="/{w}/">{w.capitalize()}</a></li>'
                            for w in (self.prose.word() for _ in range(rng.randint(5, 8))))
            cols.append(f'<div class="footer-col"><h4>{self.prose.word().capitalize()}</h4><ul>{links}</ul></div>')
        social = "".join(f'<a class="social-{n}" href="https://{n}.example/{self.domain}">{n.capitalize()}</a> '
                         for n in ("facebook", "twitter", "instagram", "youtube", "rss"))
        tag = "footer" if self.semantic else "div"
        return (f'<{tag} class="site-footer" id="footer"><div class="footer-cols">{"".join(cols)}</div>'
                f'<div class="social">{social}</div><p class="copyright">&copy; 2026 {self.name}. '
                'All rights reserved. <a href="/privacy/">Privacy</a> | <a href="/terms/">Terms</a> | '
                f'<a href="/cookies/">Cookie settings</a></p></{tag}>\n')

    def _tail_scripts(self):
        return ('<script src="/static/js/vendor.min.js" defer></script>\n'
                "<script>document.querySelectorAll('.share a').forEach(function(a){a.addEventListener("
                "'click',function(e){e.preventDefault();window.open(a.href,'share','width=600,height=400');});});"
                "if('serviceWorker' in navigator){navigator.serviceWorker.register('/sw.js');}</script>\n")


class PageMaker:
    def __init__(self, rng, sections, prose, sites):
        self.rng = rng
        self.secs = sections
        self.prose = prose
        self.sites = sites
        self.vocab = sorted({w for s in sections for w in re.findall(r"[A-Za-z]+", s["body"])
                             if w.islower() and len(w) >= 5})
        self.units = []     # (section index, sentence index)
        for si, s in enumerate(sections):
            if s["kind"] in ("paragraph", "bullet", "point"):
                for j in range(len(s["sentences"])):
                    self.units.append((si, j))

    # -- the page around an article body --------------------------------
    def page(self, site, i, title, body_html, comments_n):
        rng, p = self.rng, self.prose
        path = f"/{site.sections[i % len(site.sections)].lower()}/2026/{1 + i % 12:02d}/{'-'.join(title.lower().split()[:6])}-{i:05d}.html"
        url = f"https://{site.domain}{path}"
        author = f"{rng.choice(p.proper)} {rng.choice(p.proper)}"
        day = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}"
        desc = site.esc(p.sentences(p.generic, 1)[0])
        ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                         "datePublished": day + "T08:00:00Z", "author": {"@type": "Person", "name": author},
                         "publisher": {"@type": "Organization", "name": site.name,
                                       "logo": {"@type": "ImageObject", "url": f"https://{site.domain}/static/img/logo.png"}},
                         "mainEntityOfPage": url}, ensure_ascii=False)
        head = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="{site.charset}">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f"<title>{site.esc(title)} | {site.name}</title>\n"
                f'<meta name="description" content="{desc}">\n'
                f'<meta property="og:title" content="{site.esc(title)}">\n<meta property="og:type" content="article">\n'
                f'<meta property="og:url" content="{url}">\n<meta property="og:image" content="https://{site.domain}/media/{i:05d}.jpg">\n'
                '<meta name="twitter:card" content="summary_large_image">\n'
                f'<link rel="canonical" href="{url}">\n<link rel="stylesheet" href="/static/css/main.{site.cls[1]}.css">\n'
                '<link rel="icon" href="/favicon.ico">\n<link rel="preload" href="/static/fonts/serif.woff2" as="font" crossorigin>\n'
                f'<script type="application/ld+json">{ld}</script>\n{site.head_scripts}<style>\n{site.css}\n</style>\n</head>\n')
        crumbs = (f'<div class="breadcrumbs"><a href="/">Home</a> &raquo; <a href="/{site.sections[i % len(site.sections)].lower()}/">'
                  f"{site.sections[i % len(site.sections)]}</a> &raquo; <span>{site.esc(title)}</span></div>\n")
        fig = (f'<figure class="lead-image"><img src="/media/{i:05d}.jpg" alt="{site.esc(p.title())}" width="1200" height="675" loading="lazy">'
               f"<figcaption>{site.esc(p.sentences(p.generic, 1)[0])} Photo: {author}</figcaption></figure>\n")
        share = ('<div class="share"><span>Share this:</span> '
                 + " ".join(f'<a class="share-{n}" href="https://{n}.example/share?u={url}">{n.capitalize()}</a>'
                            for n in ("facebook", "twitter", "whatsapp", "email")) + "</div>\n")
        tags = '<div class="tags">Tags: ' + ", ".join(f'<a href="/tag/{w}/">{w}</a>' for w in (p.word() for _ in range(rng.randint(3, 7)))) + "</div>\n"
        art_tag, main_open, main_close = ("article", '<main id="main" class="site-main">\n', "</main>\n") if site.semantic \
            else ("div", '<div id="content" class="content">\n', "</div>\n")
        article = (f'<{art_tag} class="post post-{i}">\n<h1 class="entry-title">{site.esc(title)}</h1>\n'
                   f'<div class="byline">By <a href="/author/{author.lower().replace(" ", "-")}/">{author}</a> '
                   f'<time datetime="{day}T08:00:00Z">{day}</time> &middot; {rng.randint(2, 14)} min read</div>\n'
                   f'{fig}<div class="entry-content">\n{body_html}</div>\n{share}{tags}</{art_tag}>\n')
        comments = self.comments(site, comments_n)
        side = self.sidebar(site)
        body = (f'<body class="single post-template {site.cls[2]}">\n<a class="skip-link" href="#main">Skip to content</a>\n'
                f"{site.header}{crumbs}{main_open}{article}{comments}{main_close}{side}{site.footer}{site.tail_scripts}</body>\n</html>\n")
        return url, head + body

    def comments(self, site, n):
        if n == 0:
            return ""
        rng, p = self.rng, self.prose
        items = []
        for k in range(n):
            who = rng.choice(p.proper) + (str(rng.randint(1, 99)) if rng.random() < 0.3 else "")
            text = " ".join(p.sentences(p.comment, rng.randint(1, 4)))
            items.append(f'<li class="comment" id="comment-{k}"><div class="comment-author"><img src="/avatar/{k}.png" alt=""> '
                         f'<b>{who}</b> <span class="says">says:</span></div><div class="comment-meta"><a href="#comment-{k}">'
                         f'{rng.randint(1, 28)} {rng.choice(MONTHS)} 2026 at {rng.randint(0, 23)}:{rng.randint(0, 59):02d}</a></div>'
                         f'<div class="comment-body">{site.para(text)}</div><a class="reply" href="#respond">Reply</a></li>\n')
        tag = "section" if site.semantic else "div"
        return (f'<{tag} id="comments" class="comments-area"><h2 class="comments-title">{n} comments</h2>\n<ol class="comment-list">\n'
                + "".join(items) + '</ol>\n<div id="respond"><form action="/comment" method="post"><textarea name="comment"></textarea>'
                '<input name="author" placeholder="Name"><button>Post comment</button></form></div>\n' + f"</{tag}>\n")

    def sidebar(self, site):
        rng, p = self.rng, self.prose
        pop = "".join(f'<li><a href="/{p.word()}/{k}.html">{site.esc(p.title())}</a></li>' for k in range(rng.randint(5, 10)))
        tag = "aside" if site.semantic else "div"
        ad = (f'<div class="ad-slot" id="ad-side-{rng.randint(1, 9)}"><span class="ad-label">Advertisement</span>'
              f"<script>(adsq=window.adsq||[]).push({{slot:'side',sizes:[[300,250],[300,600]],site:'{site.domain}'}});</script></div>")
        news = ('<div class="newsletter"><h3>Newsletter</h3><p>Sign up for our newsletter to get the best stories of the week in your inbox.</p>'
                '<form action="/subscribe"><input type="email" name="email" placeholder="Email address"><button>Subscribe</button></form></div>')
        return (f'<{tag} class="sidebar widget-area" role="complementary"><div class="widget popular"><h3>Most read</h3><ol>{pop}</ol></div>'
                f"{ad}{news}</{tag}>\n")

    # -- article bodies ---------------------------------------------------
    def prose_html(self, site, pool, nbytes):
        rng, p = self.rng, self.prose
        out, n = [], 0
        while n < nbytes:
            r = rng.random()
            if r < 0.08:
                h = f"{site.indent}<h2>{site.esc(p.title())}</h2>\n"
            elif r < 0.12:
                h = f"{site.indent}<ul>" + "".join(f"<li>{site.esc(s)}</li>" for s in p.sentences(pool, rng.randint(3, 6))) + "</ul>\n"
            elif r < 0.15:
                # quoted speech that is not the declaration's
                s = p.sentences(pool, 2)
                h = f'{site.indent}<blockquote><p>{site.esc(" ".join(s))}</p></blockquote>\n'
            elif r < 0.17:
                h = (f'{site.indent}<p class="read-more"><strong>Read more:</strong> <a href="/{p.word()}/{rng.randint(1, 9999)}.html">'
                     f"{site.esc(p.title())}</a></p>\n")
            else:
                h = site.para(p.paragraph(pool, 2, 8))
            out.append(h)
            n += len(h)
        return out

    def declaration_html(self, site, change_at, change_new, ad_at):
        """The whole declaration in the article body, one element a block;
        the changed section (if any) carries its new body."""
        rng = self.rng
        list_style = rng.choice(["ul", "p-bullets"])
        point_style = rng.choice(["ol", "p-numbers"])
        out, open_list = [], None
        for k, s in enumerate(self.secs):
            body = change_new if k == change_at else s["body"]
            want = None
            if s["kind"] == "bullet" and list_style == "ul":
                want = "ul"
            elif s["kind"] == "point" and point_style == "ol":
                want = "ol"
            if open_list and open_list != want:
                out.append(f"{site.indent}</{open_list}>\n")
                open_list = None
            if want and not open_list:
                out.append(f"{site.indent}<{want}>\n")
                open_list = want
            if want:
                out.append(f"{site.indent}<li>{site.esc(body)}</li>\n")
            elif s["kind"] == "bullet":
                out.append(site.para("• " + body))
            elif s["kind"] == "point":
                out.append(site.para(s["text"].split(" ", 1)[0] + " " + body))
            elif s["kind"] == "heading":
                out.append(f"{site.indent}<h3>{site.esc(body)}</h3>\n")
            elif s["kind"] == "closing":
                out.append(site.para(body, "signature"))
            else:
                out.append(site.para(body))
            if k == ad_at:
                ad = ('<div class="ad-slot ad-inline" id="ad-mid-1"><span class="ad-label">Advertisement</span>'
                      f'<a href="https://ads.example/c/{rng.randint(1, 99999)}"><img src="https://ads.example/i/{rng.randint(1, 99999)}.jpg" '
                      f'alt="Sponsored"></a><p class="sponsored">Sponsored: {site.esc(self.prose.sentences(self.prose.generic, 1)[0])}</p></div>\n')
                if open_list:
                    ad = f"<li class=\"ad-item\">{ad}</li>\n"
                out.append(site.indent + ad)
        if open_list:
            out.append(f"{site.indent}</{open_list}>\n")
        return "".join(out)

    def quote_unit(self):
        """Sealed words to quote: a sentence, two sentences, a whole section,
        or a fragment of at least 8 words. Returns (section index, text, is fragment)."""
        rng = self.rng
        si, j = rng.choice(self.units)
        s = self.secs[si]
        ss = s["sentences"]
        r = rng.random()
        if r < 0.6:
            return si, ss[j], False
        if r < 0.75 and j + 1 < len(ss):
            return si, ss[j] + " " + ss[j + 1], False
        if r < 0.85:
            return si, s["body"], False
        ws = ss[j].split(" ")
        if len(ws) < 12:
            return si, ss[j], False
        n = rng.randint(8, min(20, len(ws) - 1))
        a = rng.randint(1, len(ws) - n)
        return si, " ".join(ws[a:a + n]).rstrip(",;:"), True

    def quotation_html(self, site, form, found, fragment):
        """The HTML of one quotation in prose; returns (html, whether its
        first letter was put in lower case, as an editor may)."""
        rng, p = self.rng, self.prose
        lead = p.sentences(p.related, 1)[0]
        if form == "blockquote":
            cite = rng.choice(["", "<cite>Declaration of the convention, Paris</cite>", "<footer>&mdash; the final statement</footer>"])
            return (site.para(lead + " " + rng.choice(["The statement reads:", "It says:", "From the text:", "In its words:"]))
                    + f"{site.indent}<blockquote><p>{site.esc(found)}</p>{cite}</blockquote>\n"), False
        intro = rng.choice(["The declaration says that", "In its text, the convention wrote that",
                            "The final statement declared that", "The document adopted in Paris reads that",
                            "As the statement put it,"])
        lowered = not fragment and rng.random() < 0.3
        inner = found[0].lower() + found[1:] if lowered else found
        after = rng.choice(["", " " + p.sentences(p.related, 1)[0]])
        if form == "q":
            t = site.esc(f"{lead} {intro} ") + "<q>" + site.esc(inner) + "</q>" + site.esc(after if after else ".")
        else:
            t = site.esc(f"{lead} {intro} \u201c{inner}\u201d" + (after if after else "."))
        if site.wrap:
            t = wrap(t, site.wrap)
        return f"{site.indent}<p>{t}</p>\n", lowered

    # -- one page --------------------------------------------------------
    def make(self, i, carries, topic):
        rng, p = self.rng, self.prose
        site = self.sites[rng.randrange(len(self.sites))]
        target = min(150_000, max(20_000, int(rng.lognormvariate(math.log(PAGE_BYTES), 0.35))))
        ncom = 0 if rng.random() < 0.3 else rng.randint(1, 25)
        truth = {"carries": carries, "site": site.domain, "charset": site.charset, "semantic_html": site.semantic,
                 "entities": site.entities, "source_wrapped": bool(site.wrap), "altered": False, "passages": []}
        if carries == "nothing":
            truth["topic"] = topic
        pool = p.related if topic == "related" or carries != "nothing" else p.generic
        title = p.title()
        fixed = 9000 + 200 * ncom + len(site.css) + len(site.header) + len(site.footer)
        budget = max(3000, target - fixed)
        if carries == "whole":
            change_at, change_new, change = None, None, None
            if rng.random() < 1 / 3:
                how = rng.choice(["number", "negation", "word"])
                cands = [k for k, s in enumerate(self.secs) if s["kind"] in ("paragraph", "bullet", "point")
                         and (how != "number" or DIGITS_RE.search(s["body"]))]
                change_at = rng.choice(cands)
                change_new, old, new = alter_text(rng, self.secs[change_at]["body"], how, self.vocab)
                change = {"class": how, "section": self.secs[change_at]["id"], "sealed": old, "found": new}
                truth["altered"] = True
            ad_at = None
            if rng.random() < 0.3:
                ad_at = rng.choice([k for k, s in enumerate(self.secs[:-3]) if s["kind"] in ("bullet", "point", "paragraph")])
            truth["ad_inside"] = ad_at is not None
            if ad_at is not None:
                truth["ad_after"] = self.secs[ad_at]["id"]
            truth["passages"].append({"form": "body", "sections": [s["id"] for s in self.secs], "change": change})
            intro = [site.para(p.paragraph(p.related, 2, 4)) for _ in range(rng.randint(1, 3))]
            intro.append(site.para(rng.choice(["The full text of the declaration follows.", "Below is the text of the statement.",
                                               "We publish the final declaration in full:"])))
            decl = self.declaration_html(site, change_at, change_new, ad_at)
            rest = budget - sum(map(len, intro)) - len(decl)
            after = self.prose_html(site, p.related, rest) if rest > 0 else []
            body = "".join(intro) + decl + "".join(after)
        elif carries == "quotations":
            parts = self.prose_html(site, pool, budget)
            nq = rng.choice([1, 1, 2, 2, 3, 4])
            altered_one = rng.randrange(nq) if rng.random() < 0.3 else None
            spots = sorted(rng.sample(range(1, len(parts) + 1), min(nq, len(parts))))
            used = set()
            for q, at in enumerate(spots):
                for _ in range(20):
                    si, sealed, fragment = self.quote_unit()
                    if (si, sealed) not in used:
                        break
                used.add((si, sealed))
                found, change = sealed, None
                if q == altered_one:
                    for how in rng.sample(["number", "negation", "word"], 3):
                        r = alter_text(rng, sealed, how, self.vocab)
                        if r:
                            found, old, new = r
                            change = {"class": how, "section": self.secs[si]["id"], "sealed": old, "found": new}
                            truth["altered"] = True
                            break
                form = rng.choice(["curly", "curly", "blockquote", "q"])
                html, lowered = self.quotation_html(site, form, found, fragment)
                truth["passages"].append({"form": form, "sections": [self.secs[si]["id"]], "fragment": fragment,
                                          "lower_case_start": lowered, "sealed": sealed, "found": found,
                                          "change": change})
                parts.insert(at + q, html)
            body = "".join(parts)
        else:
            body = "".join(self.prose_html(site, pool, budget))
        url, html = self.page(site, i, title, body, ncom)
        return site, url, html, truth


# ---------------------------------------------------------------- WARC 1.1

def b32sha1(b):
    return "sha1:" + base64.b32encode(hashlib.sha1(b).digest()).decode()


class WarcWriter:
    """WARC 1.1 records, each written plain to one file and as its own gzip
    member to another."""

    def __init__(self, rng, plain, gz, name):
        self.rng = rng
        self.plain = open(plain, "wb") if plain else None
        self.gz = open(gz, "wb")
        self.probe = None   # a second file that also gets the gzip members, while set
        self.n = 0
        self.info_id = self.rid()
        fields = ("software: vellum scripts/bench_data.py\r\nformat: WARC File Format 1.1\r\n"
                  "conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
                  "isPartOf: vellum-bench\r\ndescription: synthetic crawl for vellum's benchmark F\r\nrobots: obey\r\n").encode()
        self.record([("WARC-Type", "warcinfo"), ("WARC-Record-ID", self.info_id), ("WARC-Date", self.date(0)),
                     ("WARC-Filename", name), ("Content-Type", "application/warc-fields")], fields)

    def rid(self):
        return f"<urn:uuid:{uuid.UUID(int=self.rng.getrandbits(128), version=4)}>"

    @staticmethod
    def date(t):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(CRAWL_T0 + t))

    def record(self, headers, block):
        h = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
        h += f"WARC-Block-Digest: {b32sha1(block)}\r\nContent-Length: {len(block)}\r\n\r\n"
        rec = h.encode() + block + b"\r\n\r\n"
        if self.plain:
            self.plain.write(rec)
        c = zlib.compressobj(6, zlib.DEFLATED, 31)
        member = c.compress(rec) + c.flush()
        self.gz.write(member)
        if self.probe:
            self.probe.write(member)
        self.n += 1
        return len(rec)

    def exchange(self, t, url, status, ctype, body, transfer="identity", extra=()):
        """A request record and its response record. transfer: identity;
        cc (stored decoded, the original encoding named in X-Crawler-*
        headers, as Common Crawl does); gzip (Content-Encoding: gzip as sent);
        chunked (Transfer-Encoding: chunked as sent)."""
        host = url.split("/")[2]
        path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
        req = (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: vellum-bench-crawler/1.0\r\n"
               "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n").encode()
        qid, sid = self.rid(), self.rid()
        ip = f"192.0.2.{1 + sum(map(ord, host)) % 250}"
        self.record([("WARC-Type", "request"), ("WARC-Record-ID", qid), ("WARC-Date", self.date(t)),
                     ("WARC-Target-URI", url), ("WARC-Warcinfo-ID", self.info_id), ("WARC-IP-Address", ip),
                     ("WARC-Concurrent-To", sid), ("Content-Type", "application/http; msgtype=request")], req)
        hs = [f"HTTP/1.1 {status}", f"Date: {time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime(CRAWL_T0 + t))}",
              "Server: nginx", f"Content-Type: {ctype}"] + list(extra)
        payload = body
        if transfer == "gzip":
            c = zlib.compressobj(6, zlib.DEFLATED, 31)
            payload = c.compress(body) + c.flush()
            hs += ["Content-Encoding: gzip", f"Content-Length: {len(payload)}", "Vary: Accept-Encoding"]
            entity = payload
        elif transfer == "chunked":
            chunks = [body[k:k + 8192] for k in range(0, len(body), 8192)]
            payload = b"".join(b"%x\r\n" % len(ch) + ch + b"\r\n" for ch in chunks) + b"0\r\n\r\n"
            hs += ["Transfer-Encoding: chunked"]
            entity = payload  # the payload digest covers the bytes as sent (as Heritrix and warcio do)
        elif transfer == "cc":
            hs += ["X-Crawler-Content-Encoding: gzip", f"Content-Length: {len(body)}", "Vary: Accept-Encoding"]
            entity = body
        else:
            hs += [f"Content-Length: {len(body)}"]
            entity = body
        hs += ["Cache-Control: max-age=600", "Connection: close"]
        block = ("\r\n".join(hs) + "\r\n\r\n").encode() + payload
        self.record([("WARC-Type", "response"), ("WARC-Record-ID", sid), ("WARC-Date", self.date(t)),
                     ("WARC-Target-URI", url), ("WARC-Warcinfo-ID", self.info_id), ("WARC-IP-Address", ip),
                     ("WARC-Concurrent-To", qid), ("Content-Type", "application/http; msgtype=response"),
                     ("WARC-Payload-Digest", b32sha1(entity)),
                     ("WARC-Identified-Payload-Type", ctype.split(";")[0])], block)

    def metadata(self, t, url, fields):
        self.record([("WARC-Type", "metadata"), ("WARC-Record-ID", self.rid()), ("WARC-Date", self.date(t)),
                     ("WARC-Target-URI", url), ("WARC-Warcinfo-ID", self.info_id),
                     ("Content-Type", "application/warc-fields")], fields)

    def close(self):
        if self.plain:
            self.plain.close()
        self.gz.close()


def make_web(out, decl_text):
    """F: 10,000 pages as files and as WARC records; the ground truth."""
    wdir = os.path.join(out, "web")
    pdir = os.path.join(wdir, "pages")
    os.makedirs(pdir)
    secs = vellum_sections(decl_text)
    decl_grams = ngrams(tokens(decl_text))
    lower, proper = load_words()
    prose = Prose(random.Random(2002), lower, proper, decl_grams)
    srng = random.Random(2003)
    sites = [Site(srng, k, prose) for k in range(N_SITES)]
    rng = random.Random(2004)
    carriers = set(rng.sample(range(N_PAGES), N_PAGES // CARRY_EVERY))
    others = [k for k in range(N_PAGES) if k not in carriers]
    related = set(rng.sample(others, N_PAGES // RELATED_EVERY))
    # a third of the carrying pages carry the whole text, the rest quotations
    whole = set(rng.sample(sorted(carriers), len(carriers) // 3))
    maker = PageMaker(rng, secs, prose, sites)

    # The sealed sentences as fixed strings, for rg -F -f.
    sentences = [x for s in secs for x in s["sentences"] if len(x.split()) >= SENT_MIN_WORDS]
    with open(os.path.join(wdir, "sentences.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(sentences) + "\n")
    sent_b = [s.encode("utf-8") for s in sentences]

    wrng = random.Random(2005)
    warc = WarcWriter(wrng, os.path.join(wdir, "crawl.warc"), os.path.join(wdir, "crawl.warc.gz"), "crawl.warc.gz")
    mirror_path = os.path.join(wdir, "mirror.tmp.gz")
    mirror = WarcWriter(wrng, None, mirror_path, "crawl-2x.warc.gz")
    # probe.warc.gz: the crawl's first records (bench.sh asks vellum whether it reads WARC)
    warc.probe = open(os.path.join(wdir, "probe.warc.gz"), "wb")
    warc.gz.flush()
    with open(os.path.join(wdir, "crawl.warc.gz"), "rb") as f:
        warc.probe.write(f.read())  # the warcinfo record, written already
    pages, records, seen_sites, total = [], [], set(), 0
    for i in range(N_PAGES):
        carries = "whole" if i in whole else "quotations" if i in carriers else "nothing"
        topic = "related" if i in related else "generic"
        site, url, html, truth = maker.make(i, carries, topic)
        data = html.encode("cp1252" if site.windows1252 else "utf-8", errors="xmlcharrefreplace")
        name = f"page-{i:05d}.html"
        with open(os.path.join(pdir, name), "wb") as f:
            f.write(data)
        total += len(data)
        r = wrng.random()
        transfer = "gzip" if r < 0.01 else "chunked" if r < 0.02 else "cc" if r < 0.5 else "identity"
        truth.update({"file": "pages/" + name, "url": url, "bytes": len(data), "http": transfer,
                      "verbatim_sentences": sum(1 for s in sent_b if s in data) if carries != "nothing" else 0})
        pages.append(truth)
        t = i * 3
        for w, u in ((warc, url), (mirror, url.replace("https://", "https://mirror.", 1))):
            host = u.split("/")[2]
            if site.domain not in seen_sites:
                robots = f"User-agent: *\nDisallow: /search\nDisallow: /comment\nSitemap: https://{host}/sitemap.xml\n".encode()
                w.exchange(t, f"https://{host}/robots.txt", "200 OK", "text/plain", robots)
                if w is warc:
                    records.append({"url": f"https://{host}/robots.txt", "content_type": "text/plain", "carries": "nothing"})
            w.exchange(t + 1, u, "200 OK", f"text/html; charset={site.charset}", data, transfer)
            if i % 25 == 3:
                img_url = u.rsplit("/", 1)[0] + f"/media/{i:05d}.jpg"
                css_url = f"https://{host}/static/css/main.{site.cls[1]}.css"
                w.exchange(t + 2, img_url, "200 OK", "image/jpeg", wrng.randbytes(2048))
                w.exchange(t + 2, css_url, "200 OK", "text/css", site.css.encode())
                if w is warc:
                    records.append({"url": img_url, "content_type": "image/jpeg", "carries": "nothing"})
                    records.append({"url": css_url, "content_type": "text/css", "carries": "nothing"})
            if i % 200 == 11:
                old_url = u[:-len(".html")] + "/"
                moved = (f'<html><head><title>301 Moved Permanently</title></head><body><h1>Moved Permanently</h1>'
                         f'<a href="{u}">here</a></body></html>').encode()
                w.exchange(t + 2, old_url, "301 Moved Permanently", "text/html", moved, extra=[f"Location: {u}"])
                if w is warc:
                    records.append({"url": old_url, "content_type": "text/html", "status": 301, "carries": "nothing"})
            if i % 50 == 7:
                w.metadata(t + 2, u, f"via: https://{host}/\r\nhopsFromSeed: L\r\noutlink: https://{host}/about/ L a/@href\r\n".encode())
        seen_sites.add(site.domain)
        if i == 29:
            warc.probe.close()
            warc.probe = None
    warc.close()
    mirror.close()
    # The 2x crawl: every record of crawl.warc.gz, then the same pages again
    # from a mirror host (own record ids), for the memory bound.
    with open(os.path.join(wdir, "crawl-2x.warc.gz"), "wb") as o:
        for pth in (os.path.join(wdir, "crawl.warc.gz"), mirror_path):
            with open(pth, "rb") as f:
                shutil.copyfileobj(f, o, 1 << 20)
    os.remove(mirror_path)
    truth = {
        "schema": "vellum-bench-web-truth-v1",
        "about": "what each page of bench-data/web carries (scripts/bench_data.py, make_web); "
                 "see docs/benchmarks.md, measurement F",
        "sealed_sections": [s["id"] for s in secs],
        "pages": pages,
        "other_records": records,
    }
    with open(os.path.join(wdir, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=0)
    counts = {}
    for pg in pages:
        k = pg["carries"] + ("-altered" if pg["altered"] else "")
        counts[k] = counts.get(k, 0) + 1
    return {"pages": N_PAGES, "pages_bytes": total, "pages_by_carries": counts,
            "warc_records": warc.n, "crawl.warc": os.path.getsize(os.path.join(wdir, "crawl.warc")),
            "crawl.warc.gz": os.path.getsize(os.path.join(wdir, "crawl.warc.gz")),
            "crawl-2x.warc.gz": os.path.getsize(os.path.join(wdir, "crawl-2x.warc.gz")),
            "sentences_for_rg": len(sentences)}


# ------------------------------------------------ G: a second copy mix, H: more adversarial copies

ATTRIBUTIONS = ["As the Paris declaration puts it:", "From the convention's final statement:",
                "The declaration of 8 February 2014 says:", "Quoted in the statement:"]


def html_copy(rng, blocks, title="Final declaration of the convention"):
    """A declaration-size HTML copy: a small page around the text."""
    ent = rng.random() < 0.3
    tr = dict(ESCAPE)
    if ent:
        tr.update(ENTITY_NAMED)
    out = ['<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
           f"<title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n"]
    open_list = None
    for kind, t in blocks:
        want = "ul" if kind == "bullet" else "ol" if kind == "point" else None
        if open_list and open_list != want:
            out.append(f"</{open_list}>\n")
            open_list = None
        if want and not open_list:
            out.append(f"<{want}>\n")
            open_list = want
        if want:
            out.append(f"<li>{body(kind, t).translate(tr)}</li>\n")
        else:
            out.append(f"<p>{t.translate(tr)}</p>\n")
    if open_list:
        out.append(f"</{open_list}>\n")
    out.append('<p class="footer"><a href="/">Home</a> | <a href="/contact">Contact</a></p>\n</body></html>\n')
    return "".join(out)


def make_copy2(rng, blocks, sentences, vocab, prose):
    """One copy of the second mix: about one in ten each an excerpt, a
    quotation (one sentence in curly quotes), HTML, UTF-16; a few short
    unrelated paragraphs; the rest full copies reformatted, some altered.
    Returns (kind, extension, bytes)."""
    r = rng.random()
    if r < 0.10:
        n = rng.choice([1, 1, 2, 3, 4])
        s = rng.randrange(len(blocks) - n + 1)
        bl = blocks[s:s + n]
        if rng.random() < 0.5:
            return f"excerpt-{n}", "txt", join_blocks(bl).encode()
        return f"excerpt-{n}-reformatted", "txt", reformat(bl, rng).encode()
    if r < 0.20:
        sealed = rng.choice(sentences)
        found, kind = sealed, "quotation"
        if rng.random() < 0.15:
            for how in rng.sample(["number", "negation", "word"], 3):
                a = alter_text(rng, sealed, how, vocab)
                if a:
                    found, kind = a[0], f"quotation-altered-{how}"
                    break
        q = f"\u201c{found}\u201d"
        if rng.random() < 0.4:
            q = rng.choice(ATTRIBUTIONS) + "\n\n" + q
        return kind, "txt", (q + "\n").encode()
    if r < 0.30:
        bl, kind = blocks, "html"
        if rng.random() < 0.3:
            bl, what = alter(bl, rng, vocab)
            kind = f"html-altered-{what}"
        return kind, "html", html_copy(rng, bl).encode()
    if r < 0.40:
        bl, kind = blocks, "utf16"
        if rng.random() < 0.3:
            bl, what = alter(bl, rng, vocab)
            kind = f"utf16-altered-{what}"
        t = reformat(bl, rng) if rng.random() < 0.7 else join_blocks(bl)
        if rng.random() < 0.7:
            return kind + "-le", "txt", "\ufeff".encode("utf-16-le") + t.encode("utf-16-le")
        return kind + "-be", "txt", "\ufeff".encode("utf-16-be") + t.encode("utf-16-be")
    if r < 0.43:
        if rng.random() < 0.5:
            return "unrelated-short", "txt", (" ".join(rng.sample(REAL_SENTENCES, rng.randint(2, 5))) + "\n").encode()
        return "unrelated-short", "txt", (prose.paragraph(prose.generic, 2, 5) + "\n").encode()
    bl, kind = blocks, "full"
    if rng.random() < 0.35:
        bl, what = alter(bl, rng, vocab)
        kind = f"full-altered-{what}"
    return kind + "-reformatted", "txt", reformat(bl, rng).encode()


def make_mix2(out, decl_text, blocks):
    secs = vellum_sections(decl_text)
    decl_grams = ngrams(tokens(decl_text))
    lower, proper = load_words()
    prose = Prose(random.Random(3001), lower, proper, decl_grams, n_generic=20_000, n_related=2_000)
    vocab = sorted({w for w in re.findall(r"[A-Za-z]+", decl_text) if len(w) > 2})
    sentences = [x for s in secs if s["kind"] in ("paragraph", "bullet", "point") for x in s["sentences"]]
    cdir = os.path.join(out, "copies2")
    os.makedirs(cdir)
    rng = random.Random(3002)
    kinds, counts, total = [], {}, 0
    for i in range(N_COPIES2):
        kind, ext, data = make_copy2(rng, blocks, sentences, vocab, prose)
        name = f"copy-{i:05d}.{ext}"
        with open(os.path.join(cdir, name), "wb") as f:
            f.write(data)
        total += len(data)
        kinds.append((name, kind))
        top = kind.split("-")[0]
        counts[top] = counts.get(top, 0) + 1
    with open(os.path.join(out, "copies2-kinds.tsv"), "w") as f:
        for name, kind in kinds:
            f.write(f"{name}\t{kind}\n")
    with open(os.path.join(out, "copies2-sample300.txt"), "w") as f:
        for name, _ in kinds[::33][:300]:
            f.write(os.path.join(cdir, name) + "\n")
    # the same copies grouped by kind (hard links), to time each kind alone
    for name, kind in kinds:
        d = os.path.join(out, "copies2-by-kind", kind.split("-")[0])
        os.makedirs(d, exist_ok=True)
        os.link(os.path.join(cdir, name), os.path.join(d, name))
    return {"copies2": N_COPIES2, "copies2_bytes": total, "copies2_by_kind": counts}


def make_adv2(out, decl_text):
    """H: more adversarial declaration-size copies, each ADV_REPEAT times."""
    secs = vellum_sections(decl_text)
    decl_grams = ngrams(tokens(decl_text))
    lower, proper = load_words()
    prose = Prose(random.Random(4001), lower, proper, decl_grams, n_generic=5_000, n_related=2_000)
    rng = random.Random(4002)
    by_id = {s["id"]: s for s in secs}
    vocab = sorted({w for s in secs for w in re.findall(r"[A-Za-z]+", s["body"]) if w.islower() and len(w) >= 5})
    adv = {}
    # Curly-quoted sentences: with today's build a sentence near either end
    # of the text costs about twice one from the middle (callgrind, every
    # sentence; docs/benchmarks.md), so the first and the last are here,
    # and one from the middle beside them.
    adv["quotation-curly-sentence.txt"] = f"\u201c{by_id['paragraph-1']['sentences'][0]}\u201d\n"
    adv["quotation-curly-sentence-middle.txt"] = f"\u201c{by_id['point-6']['sentences'][0]}\u201d\n"
    mis = alter_text(random.Random(4003), by_id["point-11"]["sentences"][1], "word", vocab)[0]
    adv["misquotation-curly-sentence.txt"] = f"\u201c{mis}\u201d\n"
    para = " ".join(rng.sample(REAL_SENTENCES, 4))
    while not 40 <= len(para.split()) <= 90:
        para = " ".join(rng.sample(REAL_SENTENCES, 4))
    adv["unrelated-short-paragraph.txt"] = para + "\n"
    # A page of furniture with one quoted sentence in it, about declaration size.
    site = Site(random.Random(4004), 3, prose)
    site.css = ".wrap{max-width:1100px;margin:0 auto}\n.menu{display:flex;gap:16px}"
    maker = PageMaker(rng, secs, prose, [site])
    body = (site.para(prose.paragraph(prose.related, 2, 3))
            + maker.quotation_html(site, "curly", by_id["bullet-5"]["body"].rstrip(";"), False)[0]
            + site.para(prose.paragraph(prose.related, 2, 3)))
    adv["html-furniture-one-quotation.html"] = maker.page(site, 7, "Exiles meet in Paris", body, 3)[1]
    # A reworded report: 5 KB on the declaration's subject in other words.
    paras, n = ["Report on the convention of Iranian associations abroad"], 0
    written = RELATED_SENTENCES[:]
    rng.shuffle(written)
    while n < 5000:
        k = rng.randint(3, 6)
        p = " ".join(written[:k]) if len(written) >= k else prose.paragraph(prose.related, k, k)
        del written[:k]
        paras.append(p)
        n += len(p) + 2
    rep = "\n\n".join(paras) + "\n"
    assert not ngrams(tokens(rep)) & decl_grams
    adv["reworded-report-5k.txt"] = rep
    adir = os.path.join(out, "adversarial2")
    os.makedirs(adir)
    for fname, text in adv.items():
        one = os.path.join(adir, fname)
        write(one, text)
        stem, ext = fname.rsplit(".", 1)
        d = os.path.join(adir, stem)
        os.makedirs(d)
        for j in range(ADV_REPEAT):
            os.link(one, os.path.join(d, f"{j:03d}.{ext}"))
    return {"adversarial2": {k: len(v.encode("utf-8")) for k, v in adv.items()}}
# <<< F G H


# --------------------------------------------------------------------------

def write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


# What each part writes under bench-data/ (and removes before writing again;
# bench-data/ also holds the build, keys and results, which stay).
CORE_OUTPUTS = ["big100.txt", "big10.txt", "big10-edited.txt", "copies", "copies-kinds.tsv",
                "copies-sample300.txt", "adversarial", "info.json", ".stamp"]
NEW_PARTS = {  # part: (outputs, maker, measurement)
    "web": (["web", "info-web.json"], lambda out, t, b: make_web(out, t), "F"),
    "mix2": (["copies2", "copies2-kinds.tsv", "copies2-sample300.txt", "copies2-by-kind", "info-mix2.json"],
             lambda out, t, b: make_mix2(out, t, b), "G"),
    "adv2": (["adversarial2", "info-adv2.json"], lambda out, t, b: make_adv2(out, t), "H"),
}


def remove_outputs(out, names):
    for n in names:
        p = os.path.join(out, n)
        if os.path.isdir(p):
            shutil.rmtree(p)
        elif os.path.exists(p):
            os.remove(p)


def source_keys():
    """Stamps: A-E's data depends on this script without the F G H region;
    F, G and H's on all of it and on the dictionary."""
    with open(os.path.abspath(__file__), encoding="utf-8") as f:
        lines = f.read().split("\n")
    core, skip = [], False
    for line in lines:
        if line.startswith("# >>> F G H"):
            skip = True
        if not skip:
            core.append(line)
        if line.startswith("# <<< F G H"):
            skip = False
    with open(DECLARATION, "rb") as f:
        decl = hashlib.sha256(f.read()).hexdigest()
    whole = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    core_key = hashlib.sha256("\n".join(core).encode()).hexdigest() + " " + decl
    new_key = whole + " " + decl + " " + (words_sha256() if os.path.exists(WORDS_FILE) else "no-words")
    return core_key, new_key


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "bench-data"))
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--parts", default="core,web,mix2,adv2",
                    help="comma-separated: core (A-E), web (F), mix2 (G), adv2 (H)")
    a = ap.parse_args()
    parts = a.parts.split(",")
    os.makedirs(a.out, exist_ok=True)
    core_key, new_key = source_keys()

    for part, (outputs, maker, letter) in NEW_PARTS.items():
        if part not in parts:
            continue
        stamp = os.path.join(a.out, f".stamp-{part}")
        if not a.force and os.path.exists(stamp) and open(stamp).read().strip() == new_key:
            print(f"bench data for {letter} ({part}) up to date in {a.out}", file=sys.stderr)
            continue
        remove_outputs(a.out, outputs + [f".stamp-{part}"])
        print(f"{part} ({letter}) ...", file=sys.stderr)
        t0 = time.time()
        decl_text, blocks = parse_declaration()
        info = maker(a.out, decl_text, blocks)
        info["seconds_to_make"] = round(time.time() - t0, 1)
        with open(os.path.join(a.out, f"info-{part}.json"), "w") as f:
            json.dump(info, f, indent=1, sort_keys=True)
        with open(stamp, "w") as f:
            f.write(new_key + "\n")
        print(json.dumps(info, sort_keys=True))
    if "core" not in parts:
        return

    me = core_key
    words = dictionary()
    dict_sha = file_sha256(DICT_FILE)
    me += " " + dict_sha
    stamp = os.path.join(a.out, ".stamp")
    if not a.force and os.path.exists(stamp) and open(stamp).read().strip() == me:
        print(f"bench data up to date in {a.out}")
        return
    remove_outputs(a.out, CORE_OUTPUTS)

    decl_text, blocks = parse_declaration()
    vocab = sorted({w for w in re.findall(r"[A-Za-z]+", decl_text) if len(w) > 2})

    # A/B: ~100 MB
    print("big100.txt ...", file=sys.stderr)
    big = LongTextMaker(blocks, random.Random(1001), words).text(BIG_A)
    write(os.path.join(a.out, "big100.txt"), big)
    ratios = {"big100.txt": deflate_ratio(big)}
    del big

    # D/E: ~10 MB and a copy with 1,000 word edits
    print("big10.txt, big10-edited.txt ...", file=sys.stderr)
    small = LongTextMaker(blocks, random.Random(1002), words).text(BIG_D)
    write(os.path.join(a.out, "big10.txt"), small)
    ratios["big10.txt"] = deflate_ratio(small)
    for name, r in ratios.items():
        if not DEFLATE_RANGE[0] <= r <= DEFLATE_RANGE[1]:
            sys.exit(f"bench_data.py: {name} deflates to {r:.3f} of its size, "
                     f"outside {DEFLATE_RANGE} (not like prose)")
    edited, log = word_edits(small, D_EDITS, random.Random(1003), vocab)
    write(os.path.join(a.out, "big10-edited.txt"), edited)

    # C: 10,000 copies
    print("copies/ ...", file=sys.stderr)
    cdir = os.path.join(a.out, "copies")
    os.makedirs(cdir)
    rng = random.Random(1004)
    kinds = []
    counts = {}
    for i in range(N_COPIES):
        kind, text = make_copy(rng, blocks, decl_text, vocab)
        name = f"copy-{i:05d}.txt"
        with open(os.path.join(cdir, name), "wb") as f:
            f.write(text.encode("utf-8"))
        kinds.append((name, kind))
        top = kind.split("-")[0]
        counts[top] = counts.get(top, 0) + 1
    with open(os.path.join(a.out, "copies-kinds.tsv"), "w") as f:
        for name, kind in kinds:
            f.write(f"{name}\t{kind}\n")
    with open(os.path.join(a.out, "copies-sample300.txt"), "w") as f:
        for name, _ in kinds[::33][:300]:
            f.write(os.path.join(cdir, name) + "\n")

    # C worst case: adversarial copies, each ADV_REPEAT times (hard links)
    print("adversarial/ ...", file=sys.stderr)
    adir = os.path.join(a.out, "adversarial")
    os.makedirs(adir)
    adv = adversarial(random.Random(1005), blocks, decl_text, vocab)
    for name, text in adv.items():
        one = os.path.join(adir, name + ".txt")
        write(one, text)
        d = os.path.join(adir, name)
        os.makedirs(d)
        for j in range(ADV_REPEAT):
            os.link(one, os.path.join(d, f"{j:03d}.txt"))

    info = {
        "big100.txt": os.path.getsize(os.path.join(a.out, "big100.txt")),
        "big10.txt": os.path.getsize(os.path.join(a.out, "big10.txt")),
        "big10-edited.txt": os.path.getsize(os.path.join(a.out, "big10-edited.txt")),
        "big10_edits": log,
        "deflate_ratio": {k: round(v, 4) for k, v in ratios.items()},
        "dictionary": {"file": DICT_FILE, "sha256": dict_sha, "words": len(words),
                       "share_of_sentences": DICT_SHARE},
        "copies": N_COPIES,
        "copies_by_kind": counts,
        "copies_bytes": sum(os.path.getsize(os.path.join(cdir, n)) for n, _ in kinds),
        "adversarial": {k: len(v.encode("utf-8")) for k, v in adv.items()},
        "adversarial_repeat": ADV_REPEAT,
    }
    with open(os.path.join(a.out, "info.json"), "w") as f:
        json.dump(info, f, indent=1, sort_keys=True)
    with open(stamp, "w") as f:
        f.write(me + "\n")
    print(json.dumps(info, sort_keys=True))


if __name__ == "__main__":
    main()
