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

Usage: scripts/bench_data.py [--out DIR] [--force]
A stamp file (bench-data/.stamp) holds the SHA-256 of this script, of the
declaration and of the dictionary; when it matches, nothing is regenerated
unless --force is given.

The long texts draw words from /usr/share/dict/words (Debian wamerican;
BENCH_DICT names another file): byte-identical data needs the same file,
whose SHA-256 info.json records.
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import sys
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


# --------------------------------------------------------------------------

def write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "bench-data"))
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()

    with open(os.path.abspath(__file__), "rb") as f:
        me = hashlib.sha256(f.read()).hexdigest()
    with open(DECLARATION, "rb") as f:
        me += " " + hashlib.sha256(f.read()).hexdigest()
    words = dictionary()
    dict_sha = file_sha256(DICT_FILE)
    me += " " + dict_sha
    stamp = os.path.join(a.out, ".stamp")
    if not a.force and os.path.exists(stamp) and open(stamp).read().strip() == me:
        print(f"bench data up to date in {a.out}")
        return
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    os.makedirs(a.out)

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
