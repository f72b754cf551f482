#!/usr/bin/env python3
"""Generate the circulated-copy cases in tests/copies/ and their expected.json.

    python3 tests/copies/make_cases.py        # from anywhere; rewrites the files

Every case is derived from tests/data/declaration.txt by a fixed, explicit
transformation (no randomness), so running the script again gives identical
bytes. The twelve sample cases (from the shared sample set) are not generated:
their files are kept as they are and their entries are copied into
expected.json unchanged.

expected.json maps a case name to:
  file        the copy, relative to this folder
  expect      authentic | excerpt | altered | unrelated | not-authentic | trouble
  where       phrases of the sealed text; each must lie in the `text` of a
              section the report does not mark intact (checked for altered
              and not-authentic copies; for added text, phrases of the copy,
              which is the `text` of an added section)
  where_any   (optional) at least one of these phrases must
  note        what the case is
and, optionally:
  class       a change class that must appear in the changes of some flagged
              section (number, negation, name, word, punctuation, case,
              confusable, invisible, order)
  warning     a substring that must appear in some warning
  status      the status the section holding where[0] must have
  strict      true: every section that is not intact must hold one of the
              `where` phrases (a single change flags its own section, not its
              neighbours)
  exit        the expected exit code when it is 2 (trouble: no report)
  known_failure  a known gap in vellum: the test runs the case and prints
              the result but does not fail on it

tests/copies.rs applies the rules of the shared scorer (score-copies) plus
these fields.
"""

import json
import os
import re
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
with open(os.path.join(ROOT, "tests", "data", "declaration.txt"), encoding="utf-8") as f:
    DECL = f.read()

BLOCKS = DECL.split("\n\n")
assert len(BLOCKS) == 30, len(BLOCKS)

# Indices of the sealed sections in BLOCKS.
P1, P2, P3 = 0, 1, 2


def BUL(k):
    """Index of bullet-k (1..13)."""
    assert 1 <= k <= 13
    return 2 + k


HEADING = 16


def PT(k):
    """Index of point-k (1..11)."""
    assert 1 <= k <= 11
    return 16 + k


CLOSING1, CLOSING2 = 28, 29
assert BLOCKS[BUL(1)].startswith("• 120,000")
assert BLOCKS[HEADING] == "The convention stated:"
assert BLOCKS[PT(1)].startswith("1. ") and BLOCKS[PT(11)].startswith("11. ")
assert BLOCKS[CLOSING2].startswith("Paris")

# The twelve sample cases, kept as given.
SAMPLES = {
    "benign-email-reflow": {"file": "benign-email-reflow.txt", "expect": "authentic", "where": []},
    "benign-plain-quotes-dashes": {
        "file": "benign-plain-quotes-dashes.txt",
        "expect": "authentic",
        "where": [],
    },
    "benign-tabs-and-blank-lines": {
        "file": "benign-tabs-and-blank-lines.txt",
        "expect": "authentic",
        "where": [],
    },
    "altered-number": {"file": "altered-number.txt", "expect": "altered", "where": ["87 billion euro"]},
    "altered-date": {"file": "altered-date.txt", "expect": "altered", "where": ["February 9, 1981"]},
    "altered-deleted-sentence": {
        "file": "altered-deleted-sentence.txt",
        "expect": "altered",
        "where": ["Many of these representatives"],
    },
    "altered-inserted-word": {
        "file": "altered-inserted-word.txt",
        "expect": "altered",
        "where": ["We strongly condemn"],
    },
    "altered-dropped-bullet": {
        "file": "altered-dropped-bullet.txt",
        "expect": "altered",
        "where": ["Imposition of anti-human laws"],
    },
    "excerpt-point-10": {"file": "excerpt-point-10.txt", "expect": "excerpt", "where": []},
    "excerpt-two-bullets": {"file": "excerpt-two-bullets.txt", "expect": "excerpt", "where": []},
    "unrelated-recipe": {"file": "unrelated-recipe.txt", "expect": "unrelated", "where": []},
    "benign-zero-width-space": {
        "file": "benign-zero-width-space.txt",
        "expect": "authentic",
        "where": [],
        "note": "a zero-width space inside a word: reported as a warning, not an alteration",
    },
}

# Cases vellum gets wrong: name -> the reason (what vellum does). The Rust
# test runs them, prints the result, and does not fail on them. The gaps
# found while writing this corpus were fixed; new ones go here.
KNOWN_FAILURES = {}

# --------------------------------------------------------------------------
# Helpers

CASES = {}  # name -> entry
FILES = {}  # file name -> bytes


def add(name, content, expect, where=(), note="", ext="txt", **extra):
    assert name not in CASES and name not in SAMPLES, name
    fname = f"{name}.{ext}"
    if isinstance(content, str):
        content = content.encode("utf-8")
    FILES[fname] = content
    entry = {"file": fname, "expect": expect, "where": list(where)}
    for k in ("where_any",):
        if k in extra:
            entry[k] = extra.pop(k)
    entry["note"] = note
    for k in ("class", "warning", "status", "strict", "exit"):
        if k in extra:
            entry[k] = extra.pop(k)
    assert not extra, extra
    if name in KNOWN_FAILURES:
        entry["known_failure"] = KNOWN_FAILURES[name]
    # Every `where` phrase must be a phrase of the sealed text or, for added
    # text, of the copy.
    for p in entry["where"] + entry.get("where_any", []):
        assert p in DECL or p.encode("utf-8") in content, (name, p)
    CASES[name] = entry


def join(blocks, sep="\n\n"):
    return sep.join(blocks)


def edit(i, old, new, blocks=None, nth=0):
    """The blocks with the nth occurrence of `old` in block i replaced."""
    blocks = list(BLOCKS if blocks is None else blocks)
    b = blocks[i]
    pos = -1
    for _ in range(nth + 1):
        pos = b.find(old, pos + 1)
        assert pos >= 0, (i, old)
    blocks[i] = b[:pos] + new + b[pos + len(old):]
    return blocks


def changed(i, old, new, nth=0):
    """The whole declaration with one edit in block i."""
    return join(edit(i, old, new, nth=nth))


def body(i):
    """A block's text without its list marker."""
    return re.sub(r"^(• |\d+\. )", "", BLOCKS[i])


def marker(i):
    m = re.match(r"^(• |\d+\. )", BLOCKS[i])
    return m.group(1) if m else ""


MARKER_AT_LINE_START = re.compile(r"^(\(?\d{1,3}[.)]|[•◦▪▫‣⁃·*\-–—●○■□►➢✓∙]) ")


def rewrap(width, blocks=None, indent="", sep="\n\n", eol="\n", hyphens=False):
    """Wrap every block at `width`, list items with a hanging indent."""
    out = []
    for b in BLOCKS if blocks is None else blocks:
        m = re.match(r"^(• |\d+\. )", b)
        hang = " " * len(m.group(1)) if m else ""
        lines = textwrap.wrap(
            b,
            width,
            initial_indent=indent,
            subsequent_indent=indent + hang,
            break_long_words=False,
            break_on_hyphens=hyphens,
        )
        for ln in lines[1:]:
            # A wrapped line that starts like a list marker would be a real
            # structure change, not a benign rewrap: never generate one.
            assert not MARKER_AT_LINE_START.match(ln.strip()), ln
        out.append(eol.join(lines))
    return (eol + eol).join(out) if sep == "\n\n" else sep.join(out)


def renumber(blocks, style="{n}. "):
    """Number the points of `blocks` 1, 2, 3, ... in the given style."""
    out, n = [], 0
    for b in blocks:
        m = re.match(r"^\d+\. ", b)
        if m:
            n += 1
            b = style.format(n=n) + b[m.end():]
        out.append(b)
    return out


def restyle_numbers(style, blocks=None):
    out = []
    for b in BLOCKS if blocks is None else blocks:
        m = re.match(r"^(\d+)\. ", b)
        if m:
            b = style.format(n=int(m.group(1))) + b[m.end():]
        out.append(b)
    return out


def rebullet(glyph, blocks=None):
    return [("%s " % glyph) + b[2:] if b.startswith("• ") else b for b in (BLOCKS if blocks is None else blocks)]


def every_other_space(text, ch):
    """Replace every second space of each line by `ch`."""
    out = []
    for line in text.split("\n"):
        parts = line.split(" ")
        s = parts[0]
        for k, p in enumerate(parts[1:]):
            s += (ch if k % 2 == 0 else " ") + p
        out.append(s)
    return "\n".join(out)


def straight_quotes(t):
    return t.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def utf16(text, le=True):
    return (b"\xff\xfe" + text.encode("utf-16-le")) if le else (b"\xfe\xff" + text.encode("utf-16-be"))


def html_text(s, numeric=False):
    """Escape a block's text for HTML, typography as entities."""
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if numeric:
        return s.replace("’", "&#8217;").replace("“", "&#8220;").replace("”", "&#x201D;").replace("–", "&#8211;")
    return s.replace("’", "&rsquo;").replace("“", "&ldquo;").replace("”", "&rdquo;").replace("–", "&ndash;")


def html_wrap(s, indent):
    return "\n".join(textwrap.wrap(s, 78, initial_indent=indent, subsequent_indent=indent,
                                   break_long_words=False, break_on_hyphens=False))


HTML_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Declaration &amp; resolutions of the convention</title>
<style>
  body { font-family: Georgia, serif; max-width: 40em; }
  li + li { margin-top: .5em; }
</style>
<script>var note = "this script is not part of the text";</script>
</head>
<body>
<!-- a comment that is not part of the text -->
<article>
"""
HTML_TAIL = """</article>
</body>
</html>
"""


def html_page(blocks=None, numeric=False, li_p=False, signature_br=True):
    """A full HTML page: <p> paragraphs, <ul><li> bullets, <ol><li> points
    (numbered by the list, not in the text), entities for typography."""
    blocks = BLOCKS if blocks is None else blocks
    out = [HTML_HEAD]
    open_list = None
    closing = []
    for i, b in enumerate(blocks):
        kind = "ul" if b.startswith("• ") else "ol" if re.match(r"^\d+\. ", b) else None
        if open_list and kind != open_list:
            out.append(f"</{open_list}>\n")
            open_list = None
        if kind and not open_list:
            out.append(f"<{kind}>\n")
            open_list = kind
        if kind:
            t = html_text(re.sub(r"^(• |\d+\. )", "", b), numeric)
            if li_p:
                out.append("  <li>\n    <p>\n" + html_wrap(t, "      ") + "\n    </p>\n  </li>\n")
            else:
                out.append("  <li>" + t + "</li>\n")
        elif i >= CLOSING1 and signature_br:
            closing.append(html_text(b, numeric))
        else:
            out.append("<p>\n" + html_wrap(html_text(b, numeric), "  ") + "\n</p>\n")
    if open_list:
        out.append(f"</{open_list}>\n")
    if closing:
        out.append('<p class="signature">' + "<br>\n".join(closing) + "</p>\n")
    out.append(HTML_TAIL)
    return "".join(out)


# --------------------------------------------------------------------------
# Benign: never a false alarm.

add("benign-crlf", DECL.replace("\n", "\r\n") + "\r\n", "authentic", note="CRLF line endings")
add("benign-cr", DECL.replace("\n", "\r") + "\r", "authentic", note="old Mac CR line endings")
add("benign-bom-utf8", "\ufeff" + DECL + "\n", "authentic", note="UTF-8 with a byte order mark")
add("benign-utf16le", utf16(DECL.replace("\n", "\r\n") + "\r\n", le=True), "authentic",
    note="UTF-16 little-endian with BOM and CRLF (Windows Notepad)")
add("benign-utf16be", utf16(DECL + "\n", le=False), "authentic", note="UTF-16 big-endian with BOM")
add("benign-rewrap-40", rewrap(40) + "\n", "authentic", note="every block rewrapped at 40 columns, hanging indents")
add("benign-rewrap-100-crlf", rewrap(100, eol="\r\n") + "\r\n", "authentic",
    note="rewrapped at 100 columns, CRLF")
add("benign-rewrap-at-hyphens", rewrap(47, hyphens=True) + "\n", "authentic",
    note="rewrapped at 47 columns breaking after hyphens ('anti-' / 'monarchial'), as textwrap and mail clients do")
add("benign-one-line", join(BLOCKS, " ") + "\n", "authentic",
    note="the whole text on one line, bullets and numbers inline")
add("benign-one-line-no-newline", join(rebullet("-"), " "), "authentic",
    note="the whole text on one line with '-' bullets, no final newline")
add("benign-no-blank-lines", join(BLOCKS, "\n") + "\n", "authentic",
    note="no blank lines: one block per line")
add("benign-many-blank-lines", "\n\n" + join(BLOCKS, "\n\n\n \n\t\n") + "\n\n\n", "authentic",
    note="blank lines tripled, some holding spaces or a tab; leading and trailing blank lines")
add("benign-indented", "\n".join(("    " + ln) if ln else ln for ln in rewrap(70).split("\n")) + "\n",
    "authentic", note="every line indented four spaces (rewrapped at 70)")
add("benign-trailing-spaces", "\n".join(ln + ("   " if k % 2 else " \t ") for k, ln in enumerate(rewrap(64).split("\n"))),
    "authentic", note="trailing spaces and tabs on every line, blank lines included")
add("benign-tabs", "\t" + every_other_space(join(BLOCKS), "\t").replace("\n\n", "\n\n\t") + "\n", "authentic",
    note="every second space a tab, each block starting with a tab")
add("benign-double-spaces", join(BLOCKS).replace(". ", ".  ").replace(", ", ",   ") + "\n", "authentic",
    note="two spaces after a full stop, three after a comma")
add("benign-nbsp-everywhere", join(BLOCKS).replace(" ", "\u00a0") + "\n", "authentic",
    note="every space a no-break space U+00A0, markers included")
add("benign-en-space", every_other_space(join(BLOCKS), "\u2002") + "\n", "authentic",
    note="every second space an en space U+2002")
add("benign-narrow-nbsp", every_other_space(join(BLOCKS), "\u202f") + "\n", "authentic",
    note="every second space a narrow no-break space U+202F")
add("benign-ideographic-space", every_other_space(join(BLOCKS), "\u3000") + "\n", "authentic",
    note="every second space an ideographic space U+3000")
add("benign-mixed-spaces", join(BLOCKS).replace(" the ", "\u00a0the\u2009").replace(" of ", "\u2002of\u202f")
    .replace(" and ", "\u3000and\u2003") + "\n", "authentic",
    note="no-break, thin, en, em, narrow and ideographic spaces around common words")
add("benign-straight-quotes", straight_quotes(DECL) + "\n", "authentic",
    note="straight quotes and apostrophes for typographic ones")
add("benign-low-quotes", DECL.replace("“", "„").replace("”", "“").replace("’", "‘") + "\n",
    "authentic", note="German-style low-high quotes; apostrophes as U+2018")
add("benign-dash-hyphen", DECL.replace("–", "-") + "\n", "authentic", note="the en dash a hyphen")
add("benign-dash-em", DECL.replace("–", "—") + "\n", "authentic", note="the en dash an em dash")
add("benign-dash-double-hyphen", DECL.replace(" – ", " -- ") + "\n", "authentic",
    note="the en dash written as two hyphens")
add("benign-hyphen-variants", DECL.replace("anti-", "anti\u2011").replace("President-elect", "President\u2010elect")
    .replace("strong-arm", "strong–arm") + "\n", "authentic",
    note="non-breaking hyphen U+2011, hyphen U+2010 and an en dash inside compound words")
add("benign-bullet-hyphen", join(rebullet("-")) + "\n", "authentic", note="bullets written '- '")
add("benign-bullet-asterisk", join(rebullet("*")) + "\n", "authentic", note="bullets written '* '")
add("benign-bullet-middot", join(rebullet("·")) + "\n", "authentic", note="bullets written '· '")
add("benign-bullet-indented-circle", join(["   ◦  " + b[2:] if b.startswith("• ") else b for b in BLOCKS]) + "\n",
    "authentic", note="bullets written '◦' indented, two spaces after the glyph")
add("benign-numbering-paren", join(restyle_numbers("{n}) ")) + "\n", "authentic", note="points numbered '1)'")
add("benign-numbering-parens", join(restyle_numbers("({n}) ")) + "\n", "authentic", note="points numbered '(1)'")
add("benign-numbering-indented", join(restyle_numbers("  {n}.  ")) + "\n", "authentic",
    note="points numbered '  1.  ' (indented, two spaces after)")
add("benign-markers-on-own-line", join([re.sub(r"^(• |\d+\. )", lambda m: m.group(1).strip() + "\n", b) for b in BLOCKS])
    + "\n", "authentic", note="every bullet glyph and point number alone on its line, the text on the next "
    "(as pasted from some web pages)")
add("benign-html-page", html_page(), "authentic", ext="html",
    note="full HTML page: <p>, <ul><li>, <ol><li> (numbers from the list), &rsquo; &ldquo; &ndash;, "
         "&amp; in the title, script, style, comment; signature lines joined by <br>")
add("benign-html-numeric-entities", html_page(numeric=True, li_p=True, signature_br=False), "authentic", ext="htm",
    note="HTML page (.htm) with numeric entities and <li><p> items")
html_inline = html_page().replace("Mrs Maryam Rajavi", '<a href="https://example.org/?who=1&amp;lang=en">Mrs&nbsp;Maryam '
                                  "<strong>Rajavi</strong></a>").replace("<p>\n  We must", "<p>\n  <em>We</em> must")
add("benign-html-inline-markup", html_inline, "authentic", ext="html",
    note="HTML with a link (&amp; in its href), &nbsp;, <strong> and <em> inside the text")
html_p_markers = ("<!DOCTYPE html>\n<html><body>\n"
                  + "".join("<p>" + html_text(b).replace("• ", "&bull; ", 1) + "</p>\n" for b in BLOCKS)
                  + "</body></html>\n")
add("benign-html-markers-in-text", html_p_markers, "authentic", note="HTML (sniffed from a .txt name) with every "
    "block a <p>, bullets as &bull; and numbers in the text")
add("benign-soft-hyphens", changed(P1, "anti-monarchial", "anti-mon\u00adar\u00adchial").replace(
    "international community, particularly", "inter\u00adnational community, particularly").replace(
    "Intelligence on February 3", "Intel\u00adli\u00adgence on February 3") + "\n", "authentic",
    warning="soft hyphen",
    note="soft hyphens inside words in three sections: authentic, with a warning")
add("benign-zero-width-spaces", changed(BUL(7), "plundering", "plun\u200bdering").replace(
    "Khamenei", "Khame\u200bnei").replace("Iranians to remain", "Irani\u200bans to remain") + "\n", "authentic",
    warning="zero-width space", note="zero-width spaces inside words in three sections: authentic, with a warning")
add("benign-word-joiner", changed(PT(10), "freedom-loving Iranian.", "free\u2060dom-loving Iranian."), "authentic",
    warning="word joiner", note="a word joiner U+2060 inside a word: authentic, with a warning")
sink = rewrap(66, blocks=restyle_numbers("({n}) ", rebullet("*", [straight_quotes(b) for b in BLOCKS])))
sink = sink.replace("Paris – February", "Paris -- February").replace("Mrs Maryam", "Mrs\u00a0Maryam")
sink = "\n".join(ln + "  " for ln in sink.split("\n"))
add("benign-kitchen-sink", b"\xef\xbb\xbf" + sink.replace("\n", "\r\n").encode("utf-8"), "authentic",
    note="BOM, CRLF, rewrapped at 66, straight quotes, '*' bullets, '(1)' numbers, '--', a no-break space, "
         "trailing spaces")

# --------------------------------------------------------------------------
# Altered: always found, and located in the right section.

# Numbers and dates.
add("altered-number-bullet-1", changed(BUL(1), "120,000", "12,000"), "altered", ["120,000 political prisoners"],
    note="120,000 -> 12,000 in bullet-1", **{"class": "number", "status": "altered", "strict": True})
add("altered-number-bullet-5", changed(BUL(5), "500 executions", "50 executions"), "altered",
    ["more than 500 executions"], note="500 -> 50 in bullet-5",
    **{"class": "number", "status": "altered", "strict": True})
add("altered-number-paragraph-1", changed(P1, "Over 300", "Over 3000"), "altered",
    ["Over 300 Iranian associations"], note="300 -> 3000 in paragraph-1",
    **{"class": "number", "status": "altered", "strict": True})
add("altered-number-point-8", changed(PT(8), "the 51 PMOI", "the 15 PMOI"), "altered", ["51 PMOI member killed"],
    note="51 -> 15 in point-8", **{"class": "number", "status": "altered", "strict": True})
add("altered-number-point-11", changed(PT(11), "after 35 disastrous", "after 25 disastrous"), "altered",
    ["35 disastrous years"], note="35 -> 25 in point-11 (the same number stays in paragraph-1 and paragraph-3)",
    **{"class": "number", "status": "altered", "strict": True})
add("altered-number-point-7", changed(PT(7), "10-point platform", "12-point platform"), "altered",
    ["10-point platform"], note="10-point -> 12-point in point-7",
    **{"class": "number", "status": "altered", "strict": True})
add("altered-date-point-3", changed(PT(3), "on February 3,", "on February 13,"), "altered",
    ["Ministry of Intelligence on February 3"], note="February 3 -> February 13 in point-3",
    **{"class": "number", "status": "altered", "strict": True})
add("altered-date-bullet-12", changed(BUL(12), "September 1, 2013", "September 1, 2012"), "altered",
    ["in Ashraf on September 1, 2013"], note="2013 -> 2012 in bullet-12 (point-8 keeps the same date)",
    **{"class": "number", "status": "altered", "strict": True})
add("altered-date-point-9", changed(PT(9), "since April 2013", "since April 2003"), "altered",
    ["since April 2013"], note="April 2013 -> April 2003 in point-9",
    **{"class": "number", "status": "altered", "strict": True})
add("altered-date-closing", changed(CLOSING2, "February 8, 2014", "February 18, 2014"), "altered",
    ["Paris – February 8, 2014"], note="the date of the closing line changed (paragraph-1 keeps the same date)",
    **{"class": "number", "status": "altered", "strict": True})

# Negations, added and dropped.
add("altered-not-inserted-point-1", changed(PT(1), "is necessary", "is not necessary"), "altered",
    ["The overthrow of the clerical regime is necessary"], note="'not' inserted in point-1",
    **{"class": "negation", "status": "altered", "strict": True})
add("altered-not-inserted-point-7", changed(PT(7), "is the most enduring", "is not the most enduring"), "altered",
    ["The NCRI is the most enduring political coalition"], note="'not' inserted in point-7",
    **{"class": "negation", "status": "altered", "strict": True})
add("altered-not-inserted-point-2", changed(PT(2), "is extremely vulnerable", "is not extremely vulnerable"),
    "altered", ["is extremely vulnerable"], note="'not' inserted in point-2",
    **{"class": "negation", "status": "altered", "strict": True})
add("altered-not-dropped-point-10", changed(PT(10), "Do not be intimidated", "Do be intimidated"), "altered",
    ["Do not be intimidated"], note="'not' dropped in point-10",
    **{"class": "negation", "status": "altered", "strict": True})
add("altered-not-dropped-point-6", changed(PT(6), "is not just about the nuclear issue", "is just about the nuclear issue"),
    "altered", ["is not just about the nuclear issue"], note="'not' dropped in point-6",
    **{"class": "negation", "status": "altered", "strict": True})
add("altered-never-inserted-point-9", changed(PT(9), "has failed to slow", "has never failed to slow"), "altered",
    ["has failed to slow the resistance"], note="'never' inserted in point-9",
    **{"class": "negation", "status": "altered", "strict": True})

# Words added, dropped, replaced.
add("altered-word-dropped-bullet-7", changed(BUL(7), "Iran’s vast wealth", "Iran’s wealth"), "altered",
    ["Iran’s vast wealth"], note="'vast' dropped in bullet-7", **{"class": "word", "status": "altered", "strict": True})
add("altered-word-added-point-4", changed(PT(4), "only a firm policy", "only a very firm policy"), "altered",
    ["only a firm policy"], note="'very' added in point-4", **{"class": "word", "status": "altered", "strict": True})
add("altered-word-replaced-point-2", changed(PT(2), "extremely vulnerable", "extremely powerful"), "altered",
    ["extremely vulnerable"], note="'vulnerable' -> 'powerful' in point-2",
    **{"class": "word", "status": "altered", "strict": True})
add("altered-word-added-paragraph-3", changed(P3, "draw attention", "draw urgent attention"), "altered",
    ["We must draw attention"], note="'urgent' added in paragraph-3 (just before the bullets)",
    **{"class": "word", "status": "altered", "strict": True})

# Names and places.
add("altered-name-paris", changed(P1, "Paris, France", "Lyon, France"), "altered", ["held in Paris, France"],
    note="Paris -> Lyon in paragraph-1", **{"class": "name", "status": "altered", "strict": True})
add("altered-name-turkey", changed(BUL(8), "to Turkey", "to Dubai"), "altered", ["transfer of currency to Turkey"],
    note="Turkey -> Dubai in bullet-8", **{"class": "name", "status": "altered", "strict": True})
add("altered-name-geneva", changed(PT(4), "Geneva accord", "Vienna accord"), "altered", ["accepted the Geneva accord"],
    note="Geneva -> Vienna in point-4", **{"class": "name", "status": "altered", "strict": True})
add("altered-name-person", changed(PT(9), "Mr. Massoud Rajavi", "Mr. Mahmoud Rajavi"), "altered",
    ["Mr. Massoud Rajavi"], note="Massoud -> Mahmoud in point-9", **{"class": "name", "status": "altered", "strict": True})
add("altered-name-iraq", changed(BUL(11), "Syria and Iraq", "Syria and Lebanon"), "altered",
    ["meddling in Syria and Iraq"], note="Iraq -> Lebanon in bullet-11 (Lebanon is named elsewhere)",
    **{"class": "name", "status": "altered", "strict": True})

# Two adjacent words swapped.
add("altered-swap-paragraph-1", changed(P1, "the first universal convention", "the universal first convention"),
    "altered", ["the first universal convention"], note="'first universal' -> 'universal first' in paragraph-1",
    **{"status": "altered", "strict": True})
add("altered-swap-bullet-1", changed(BUL(1), "prisoners executed", "executed prisoners"), "altered",
    ["political prisoners executed"], note="'prisoners executed' -> 'executed prisoners' in bullet-1",
    **{"status": "altered", "strict": True})
add("altered-swap-point-5", changed(PT(5), "Iraq, Lebanon, Yemen", "Iraq, Yemen, Lebanon"), "altered",
    ["Iraq, Lebanon, Yemen"], note="'Lebanon, Yemen' -> 'Yemen, Lebanon' in point-5",
    **{"status": "altered", "strict": True})

# Bullets and points deleted.
add("altered-dropped-bullet-1", join(BLOCKS[:BUL(1)] + BLOCKS[BUL(2):]), "altered", ["120,000 political prisoners"],
    note="the first bullet deleted", **{"status": "missing", "strict": True})
add("altered-dropped-bullet-13", join(BLOCKS[:BUL(13)] + BLOCKS[BUL(13) + 1:]), "altered",
    ["The extensive political conspiracies"], note="the last bullet deleted", **{"status": "missing", "strict": True})
add("altered-dropped-point-5", join(BLOCKS[:PT(5)] + BLOCKS[PT(5) + 1:]), "altered",
    ["We strongly condemn the active support"], note="point 5 deleted, later points keep their numbers",
    **{"status": "missing", "strict": True})
add("altered-dropped-point-5-renumbered", join(renumber(BLOCKS[:PT(5)] + BLOCKS[PT(5) + 1:])), "altered",
    ["We strongly condemn the active support"], note="point 5 deleted and 6-11 renumbered 5-10: one warning, "
    "not an alteration of every later point", warning="renumbered", **{"status": "missing", "strict": True})
add("altered-dropped-point-1-renumbered", join(renumber(BLOCKS[:PT(1)] + BLOCKS[PT(1) + 1:])), "altered",
    ["The overthrow of the clerical regime is necessary"], note="point 1 deleted and the rest renumbered 1-10",
    warning="renumbered", **{"status": "missing", "strict": True})
add("altered-dropped-point-3-renumbered-parens",
    join(renumber(BLOCKS[:PT(3)] + BLOCKS[PT(3) + 1:], "({n}) ")), "altered",
    ["Rouhani, the new President"], note="point 3 deleted, the rest renumbered in the '(1)' style",
    warning="renumbered", **{"status": "missing", "strict": True})
add("altered-dropped-bullet-rewrapped", rewrap(72, BLOCKS[:BUL(6)] + BLOCKS[BUL(6) + 1:]), "altered",
    ["Motivating the flight of intellectuals"], note="bullet-6 deleted in a copy rewrapped at 72",
    **{"status": "missing", "strict": True})

# Sentences deleted.
add("altered-deleted-sentence-point-6",
    changed(PT(6), " Turning a blind eye to the violation of human rights and exportation of terrorism is to welcome "
            "catastrophe and is hence unacceptable.", ""), "altered", ["Turning a blind eye"],
    note="one sentence of point-6 deleted", **{"status": "altered", "strict": True})
add("altered-deleted-last-sentence-point-8",
    changed(PT(8), " and to sell the property in Ashraf through the residents’ lawful representative", ""), "altered",
    ["to sell the property in Ashraf"], note="the last clause of point-8 deleted", **{"status": "altered", "strict": True})

# Points and bullets swapped.
b = list(BLOCKS)
b[PT(3)], b[PT(4)] = b[PT(4)], b[PT(3)]
add("altered-swapped-points-3-4", join(b), "altered", [], where_any=["Rouhani, the new President", "The mullahs, engulfed by"],
    note="points 3 and 4 swapped, each keeping its number: a move (class order)",
    **{"class": "order", "strict": True})
b = list(BLOCKS)
b[PT(3)], b[PT(4)] = b[PT(4)], b[PT(3)]
add("altered-swapped-points-3-4-renumbered", join(renumber(b)), "altered",
    [], where_any=["Rouhani, the new President", "The mullahs, engulfed by"],
    note="points 3 and 4 swapped and renumbered so the numbers still run 1, 2, 3, ...: a move (class order)",
    **{"class": "order", "strict": True})
b = list(BLOCKS)
b[BUL(2)], b[BUL(3)] = b[BUL(3)], b[BUL(2)]
add("altered-swapped-bullets-2-3", join(b), "altered",
    [], where_any=["The suppression of women", "Suppression and discrimination against"],
    note="bullets 2 and 3 swapped: a move (class order)", **{"class": "order", "strict": True})

# Added text.
add("altered-added-sentence-point-6",
    changed(PT(6), "is hence unacceptable.", "is hence unacceptable. The convention also demands an immediate "
            "embargo on all trade with the regime."), "altered", ["Turning a blind eye to the violation"],
    note="a sentence added inside point-6", **{"status": "altered", "strict": True})
add("altered-added-sentence-paragraph-2",
    changed(P2, "of the Iranian Resistance.", "of the Iranian Resistance. A minute of silence was observed."),
    "altered", ["the President-elect of the Iranian Resistance"], note="a sentence added at the end of paragraph-2",
    **{"status": "altered", "strict": True})
b = list(BLOCKS)
b.insert(BUL(6), "• The closure of independent newspapers and the arrest of journalists;")
add("altered-added-bullet", join(b), "altered", ["The closure of independent newspapers"],
    note="a bullet added between bullet-5 and bullet-6", **{"status": "added", "strict": True})
b = list(BLOCKS)
b.insert(CLOSING1, "12. We call on the United Nations to appoint a special rapporteur on executions in Iran.")
add("altered-added-point-12", join(b), "altered", ["to appoint a special rapporteur"],
    note="a point 12 added after point 11", **{"status": "added", "strict": True})
b = list(BLOCKS)
b.insert(PT(6), "6. We demand the immediate release of all political prisoners held by the regime.")
add("altered-added-point-renumbered", join(renumber(b)), "altered", ["immediate release of all political prisoners"],
    note="a point added as 6 and the later points renumbered 7-12: only the new point is flagged",
    warning="renumbered", **{"status": "added", "strict": True})

# Case and punctuation (minor, still altered).
add("altered-case-paragraph-2", changed(P2, "of the Iranian Resistance", "of the iranian Resistance"), "altered",
    ["the President-elect of the Iranian Resistance"], note="Iranian -> iranian in paragraph-2",
    **{"class": "case", "status": "altered", "strict": True})
add("altered-case-point-5", changed(PT(5), "This Regime has", "This regime has"), "altered",
    ["This Regime has also meddled"], note="Regime -> regime in point-5",
    **{"class": "case", "status": "altered", "strict": True})
add("altered-case-bullet-3", changed(BUL(3), "religious minorities", "RELIGIOUS minorities"), "altered",
    ["Suppression and discrimination against ethnic and religious minorities"],
    note="religious -> RELIGIOUS in bullet-3", **{"class": "case", "status": "altered", "strict": True})
add("altered-punct-point-5", changed(PT(5), "Lebanon, Yemen", "Lebanon Yemen"), "altered", ["Iraq, Lebanon, Yemen"],
    note="a comma dropped in point-5", **{"class": "punctuation", "status": "altered", "strict": True})
add("altered-punct-point-2", changed(PT(2), "is at hand.", "is at hand!"), "altered",
    ["a change of the regime is at hand"], note="'.' -> '!' in point-2",
    **{"class": "punctuation", "status": "altered", "strict": True})
add("altered-punct-bullet-3", changed(BUL(3), "religious minorities;", "religious minorities."), "altered",
    ["Suppression and discrimination against ethnic"], note="';' -> '.' at the end of bullet-3",
    **{"class": "punctuation", "status": "altered", "strict": True})

# Look-alike letters and invisible controls.
add("altered-confusable-cyrillic-a", changed(P1, "Paris, France", "P\u0430ris, France"), "altered",
    ["held in Paris, France"], note="Cyrillic а (U+0430) in 'Paris' in paragraph-1",
    **{"class": "confusable", "status": "altered", "strict": True})
add("altered-confusable-greek-alpha", changed(P2, "Ashraf and Moussa", "\u0391shraf and Moussa"), "altered",
    ["Ashraf and Moussa"], note="Greek capital Alpha (U+0391) in 'Ashraf' in paragraph-2",
    **{"class": "confusable", "status": "altered", "strict": True})
add("altered-confusable-cyrillic-o", changed(PT(3), "Rouhani, the new President", "R\u043euhani, the new President"),
    "altered", ["Rouhani, the new President"], note="Cyrillic о (U+043E) in 'Rouhani' in point-3",
    **{"class": "confusable", "status": "altered", "strict": True})
add("altered-confusable-greek-omicron", changed(BUL(8), "euro scandal", "eur\u03bf scandal"), "altered",
    ["87 billion euro scandal"], note="Greek omicron (U+03BF) in 'euro' in bullet-8",
    **{"class": "confusable", "status": "altered", "strict": True})
add("altered-bidi-override-in-word", changed(PT(3), "neither sensible", "neither sen\u202esible"), "altered",
    ["neither sensible nor Sharia-bound"], note="U+202E RIGHT-TO-LEFT OVERRIDE inside a word in point-3",
    **{"class": "invisible", "status": "altered", "strict": True})
add("altered-bidi-override-number", changed(BUL(8), "87 billion", "\u202e78\u202c billion"), "altered",
    ["87 billion euro scandal"], note="'87' stored as RLO '78' PDF: it displays as 87 but reads 78 (bullet-8)",
    **{"class": "invisible", "status": "altered", "strict": True})
add("altered-bidi-override-between-words", changed(PT(7), "We consider the National", "We consider \u202e the National"),
    "altered", ["We consider the National Council"], note="a lone U+202E between two words of point-7",
    **{"class": "invisible", "status": "altered", "strict": True})

# Alterations inside reformatted copies.
add("altered-number-in-html", html_page(edit(BUL(8), "87 billion", "86 billion")), "altered", ["87 billion euro"],
    ext="html", note="87 -> 86 in bullet-8 of the HTML page", **{"class": "number", "status": "altered", "strict": True})
add("altered-not-in-rewrapped-crlf", rewrap(60, edit(PT(8), "are doing their outmost", "are not doing their outmost"),
                                             eol="\r\n"), "altered",
    ["the mullahs are doing their outmost"], note="'not' inserted in point-8 of a copy rewrapped at 60 with CRLF",
    **{"class": "negation", "status": "altered", "strict": True})
add("altered-name-in-utf16", utf16(changed(PT(5), "bloodthirsty dictator in Syria", "bloodthirsty dictator in Egypt"),
                                   le=True), "altered", ["bloodthirsty dictator in Syria"],
    note="Syria -> Egypt in point-5 of a UTF-16 LE copy", **{"class": "name", "status": "altered", "strict": True})
add("altered-first-word-point-2", changed(PT(2), "2. The clerical regime, contrary", "2. A clerical regime, contrary"),
    "altered", ["The clerical regime, contrary to official propaganda"],
    note="the first word of point-2 changed: only point-2 is flagged, not point-1 before it",
    **{"status": "altered", "strict": True})
add("altered-last-word-bullet-6", changed(BUL(6), "middle class;", "upper class;"), "altered",
    ["destruction of Iran’s middle class"],
    note="the last word of bullet-6 changed: only bullet-6 is flagged, not bullet-7 after it",
    **{"status": "altered", "strict": True})

add("altered-first-word-deleted", DECL[len("On "):], "altered",
    ["On the eve of the 35th anniversary"], note="the first word of the text ('On') deleted",
    **{"status": "altered", "strict": True})
add("altered-last-word-deleted", DECL[:-len(" 2014")], "altered", ["Paris – February 8, 2014"],
    note="the last word of the text (the year of the closing date) deleted",
    **{"status": "altered", "strict": True})

# Truncated copies: never authentic.
add("truncated-no-closing", join(BLOCKS[:CLOSING1]), "not-authentic",
    ["Convention of Iranian Communities for Democracy"], note="the signature and date lines cut off",
    **{"status": "missing"})
add("truncated-after-point-9", join(BLOCKS[:PT(10)]) + "\n", "not-authentic",
    ["We call on Iranians to remain strong"], note="the copy stops after point 9", **{"status": "missing"})
add("truncated-after-point-7", join(BLOCKS[:PT(8)]) + "\n", "not-authentic",
    ["We pay our respects to the 51 PMOI"], note="the copy stops after point 7 (about 70% of the words)",
    **{"status": "missing"})
add("truncated-mid-sentence", join(BLOCKS[:PT(4)]) + "\n\n4. The mullahs, engulfed by internal and economic crises, "
    "the international sanctions, and fearful of a popular", "not-authentic",
    ["retreated one step from their nuclear projects", "We strongly condemn the active support"],
    note="the copy stops in the middle of a sentence of point 4 (about half the words): the cut point-4 is "
         "not intact and the points after it are missing")
add("truncated-mid-point-9", join(BLOCKS[:PT(9)]) + "\n\n9. Despite the tortures and executions inside Iran and the "
    "carrying out of bloodbaths in Ashraf and Camp Liberty, the mullahs’ regime has failed to slow the resistance of "
    "Iran. Hence, since April 2013, the Regime has employed known and unknown agents,\n", "not-authentic",
    ["to demonize the PMOI and NCRI has upset", "We call on Iranians to remain strong"],
    note="the copy stops in the middle of a sentence of point 9 (about 85% of the words): the cut point-9 is "
         "not intact and the points after it are missing")

# --------------------------------------------------------------------------
# Excerpts: a contiguous part, whole sections or whole sentences.

add("excerpt-paragraph-2", BLOCKS[P2] + "\n", "excerpt", note="paragraph-2 alone")
add("excerpt-points-3-5", join(BLOCKS[PT(3):PT(6)]) + "\n", "excerpt", note="points 3 to 5 with their numbers")
add("excerpt-points-3-5-renumbered", join(renumber(BLOCKS[PT(3):PT(6)])) + "\n", "excerpt",
    note="points 3 to 5 renumbered 1 to 3")
add("excerpt-intro-and-bullets", join(BLOCKS[P3:HEADING]) + "\n", "excerpt",
    note="paragraph-3 and all thirteen bullets")
add("excerpt-heading-points-1-2", join(BLOCKS[HEADING:PT(3)]) + "\n", "excerpt",
    note="'The convention stated:' and points 1-2")
add("excerpt-last-point-and-closing", join(BLOCKS[PT(11):]) + "\n", "excerpt", note="point 11 and the closing lines")
add("excerpt-sentences-point-6", "We further emphasize that the problem of the Iranian people with this regime is not "
    "just about the nuclear issue. Turning a blind eye to the violation of human rights and exportation of terrorism "
    "is to welcome catastrophe and is hence unacceptable.\n", "excerpt",
    note="two whole sentences from inside point-6")
add("excerpt-one-sentence", "We call on Iranians to remain strong.\n", "excerpt",
    note="the first sentence of point-10")
add("excerpt-point-8-reformatted", straight_quotes(rewrap(50, BLOCKS[PT(8):PT(9)])).replace("\n", "\r\n"), "excerpt",
    note="point-8 rewrapped at 50, CRLF, straight quotes")
add("excerpt-html-points-7-8", "<html><body>\n<p>" + html_text(body(PT(7))) + "</p>\n<p>" + html_text(body(PT(8)))
    + "</p>\n</body></html>\n", "excerpt", ext="html", note="points 7-8 as HTML paragraphs without numbers")
add("excerpt-bullets-utf16be", utf16(join(rebullet("-", BLOCKS[BUL(9):BUL(12)])) + "\n", le=False), "excerpt",
    note="bullets 9-11 in UTF-16 BE with '-' bullets")

# --------------------------------------------------------------------------
# Unrelated: no meaningful overlap.

add("unrelated-lorem", "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut "
    "labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut "
    "aliquip ex ea commodo consequat.\n", "unrelated", note="lorem ipsum")
add("unrelated-weather", "The weather in Paris will stay mild for the rest of the week, with light rain on "
    "Thursday and sunny spells over the weekend. Temperatures should reach 14 degrees in the afternoon, and the "
    "wind will drop by Saturday evening.\n", "unrelated",
    note="an English weather report that shares common words (the, of, in, and, Paris)")
add("unrelated-other-statement", "The association of engineers held its annual meeting in Berlin on March 3, 2019. "
    "Members discussed the budget of the new library, the renovation of the main hall and the election of a "
    "treasurer. The meeting ended with a vote of thanks to the volunteers who organised the summer school.\n",
    "unrelated", note="another short statement about a meeting: similar vocabulary, no shared sentences")
add("unrelated-french", "Le conseil municipal s'est réuni hier soir pour examiner le projet de rénovation de la "
    "place du marché. Les habitants ont demandé davantage d'arbres et des bancs.\n", "unrelated", note="French prose")
add("unrelated-common-words", "We are at the end of the road, and the rest is up to the people of the world.\n",
    "unrelated", note="one ordinary English sentence that is not in the declaration (only common words in common)")
add("unrelated-meeting-notes", "Thank you all for coming to the meeting tonight. The minutes of the last session are on "
    "the table, and the treasurer will report on the budget after the break.\n", "unrelated",
    note="two ordinary English sentences about a meeting, not in the declaration")
add("unrelated-code", "fn main() {\n    let xs: Vec<u32> = (1..=10).collect();\n    println!(\"{}\", xs.iter().sum::<u32>());\n}\n",
    "unrelated", note="a Rust program")

# --------------------------------------------------------------------------
# Trouble: no report, exit 2.

add("trouble-png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f"
    b"\xf3\xffa\x00\x00\x00\x00IEND\xaeB`\x82", "trouble", ext="png", note="a PNG-like binary file", exit=2)
add("trouble-invalid-utf8", DECL.encode("utf-8").replace("women’s".encode("utf-8"), b"women\xe2\x80s", 1), "trouble",
    note="the declaration with an invalid UTF-8 sequence (a cut-off apostrophe)", exit=2)
add("trouble-latin1", straight_quotes(DECL).replace("–", "-").encode("utf-8").replace(b"Paris", b"Par\xeds", 1),
    "trouble", note="a Latin-1 byte (í) in otherwise ASCII text: not UTF-8", exit=2)
add("trouble-empty", b"", "trouble", note="an empty file", exit=2)
add("trouble-bom-only", b"\xef\xbb\xbf", "trouble", note="a UTF-8 byte order mark and nothing else", exit=2)
add("trouble-utf16-odd-length", utf16(DECL, le=True) + b"\x41", "trouble",
    note="UTF-16 LE with an odd trailing byte", exit=2)


# --------------------------------------------------------------------------
# Write.

def main():
    for fname, data in FILES.items():
        with open(os.path.join(HERE, fname), "wb") as f:
            f.write(data)
    for name, entry in SAMPLES.items():
        assert os.path.exists(os.path.join(HERE, entry["file"])), entry["file"]
    expected = {n: dict(e) for n, e in SAMPLES.items()}
    for name, entry in expected.items():
        if name in KNOWN_FAILURES:
            entry["known_failure"] = KNOWN_FAILURES[name]
    expected.update(CASES)
    for name in KNOWN_FAILURES:
        assert name in expected, name
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(CASES)} generated cases, {len(expected)} in all")


if __name__ == "__main__":
    main()
