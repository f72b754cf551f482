#!/usr/bin/env python3
"""Generate the documents in tests/documents/ and their expected.json.

    python3 -m venv /tmp/docenv && /tmp/docenv/bin/pip install python-docx==1.2.0 reportlab==5.1.0
    /tmp/docenv/bin/python tests/documents/make_documents.py

Every document carries the declaration (tests/data/declaration.txt), or part
of it, the way real pages, mails and files carry it: web pages with their
furniture, mails with their headers and quoting, DOCX made by python-docx,
PDF made by reportlab, legacy encodings as Windows tools write them, a WARC
as crawlers write it (gzip per record). Running the script again gives the
same bytes (fixed dates, reportlab's invariant mode, zip entries with a fixed
time, gzip with mtime 0). The generated files are committed, so the tests need
none of these tools.

The twelve shared samples (d_*) are copied from ../shared/sample-documents
unchanged, with their expected.json entries.

expected.json is in the format of the shared scorer (score-copies):
  file, expect (authentic | excerpt | altered | unrelated | not-authentic),
  where (phrases of the sealed text in sections that must not be intact;
  with strict_where, in sections marked altered), intact (phrases that must
  lie in intact sections), strict_where, max_flagged, and a note per case.
Files under trouble/ are read by the unit tests only (documents that must
give one error line); they are not scored.
"""

import base64
import gzip
import io
import json
import os
import quopri
import re
import shutil
import textwrap
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SAMPLES = os.path.join(os.path.dirname(ROOT), "shared", "sample-documents")
with open(os.path.join(ROOT, "tests", "data", "declaration.txt"), encoding="utf-8") as f:
    DECL = f.read()

BLOCKS = DECL.rstrip("\n").split("\n\n")
assert len(BLOCKS) == 30, len(BLOCKS)
P1, P2, P3 = BLOCKS[0], BLOCKS[1], BLOCKS[2]
BULLETS = BLOCKS[3:16]
STATED = BLOCKS[16]
POINTS = BLOCKS[17:28]
CLOSING = BLOCKS[28:30]
assert all(b.startswith("• ") for b in BULLETS)
assert STATED == "The convention stated:"
assert all(p.startswith(f"{i + 1}. ") for i, p in enumerate(POINTS))


def bullet(k):
    """The text of bullet k (1..13) without its marker."""
    return BULLETS[k - 1][2:]


def point(k):
    """The text of point k (1..11) without its number."""
    return POINTS[k - 1].split(". ", 1)[1]


CASES = {}
FILES = {}


def add(name, fname, content, expect, note, where=(), intact=(), strict_where=True, max_flagged=0,
        exit=None):
    assert name not in CASES, name
    if isinstance(content, str):
        content = content.encode("utf-8")
    FILES[fname] = content
    CASES[name] = {
        "file": fname,
        "expect": expect,
        "where": list(where),
        "intact": list(intact),
        "strict_where": strict_where,
        "max_flagged": max_flagged,
        "note": note,
    }
    if exit is not None:
        # A file of several documents: its first is the case, the exit
        # status is the whole run's.
        CASES[name]["exit"] = exit


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def replace_once(text, old, new):
    assert text.count(old) == 1, old
    return text.replace(old, new)


# ---------------------------------------------------------------- HTML pages

def article_html(intro_blocks=BLOCKS, between_bullets=None):
    """The declaration as a CMS renders it: paragraphs, a <ul> of bullets, an
    <ol> of points. between_bullets: (k, html) inserts html after bullet k,
    closing and reopening the list as editors do."""
    out = []
    out.append(f"<p>{esc(P1)}</p>")
    out.append(f"<p>{esc(P2)}</p>")
    out.append(f"<p>{esc(P3)}</p>")
    out.append("<ul>")
    for k in range(1, 14):
        out.append(f"  <li>{esc(bullet(k))}</li>")
        if between_bullets and between_bullets[0] == k:
            out.append("</ul>")
            out.append(between_bullets[1])
            out.append("<ul>")
    out.append("</ul>")
    out.append(f"<p>{esc(STATED)}</p>")
    out.append("<ol>")
    for k in range(1, 12):
        out.append(f"  <li>{esc(point(k))}</li>")
    out.append("</ol>")
    for c in CLOSING:
        out.append(f"<p>{esc(c)}</p>")
    return "\n".join(out)


SITE_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | Iran Freedom Network</title>
<link rel="stylesheet" href="/static/site.css">
<script async src="https://www.googletagmanager.com/gtag/js?id=G-XXXX"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}} gtag('js', new Date());</script>
</head>
<body class="post-template-default single single-post">
"""

SEMANTIC_HEADER = """<header class="site-header" role="banner">
  <a class="skip-link" href="#content">Skip to content</a>
  <div class="site-branding"><a href="/" rel="home">Iran Freedom Network</a>
  <p class="site-description">News and analysis from the Iranian diaspora</p></div>
  <nav id="site-navigation" class="main-navigation" aria-label="Primary">
    <ul id="primary-menu" class="menu">
      <li><a href="/">Home</a></li><li><a href="/news/">News</a></li>
      <li><a href="/events/">Events</a></li><li><a href="/human-rights/">Human rights</a></li>
      <li><a href="/about/">About us</a></li><li><a href="/donate/">Donate</a></li>
    </ul>
  </nav>
</header>
"""

SHARE = """<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3>
<ul><li><a class="share-facebook" href="https://www.facebook.com/sharer.php?u=x">Facebook</a></li>
<li><a class="share-twitter" href="https://twitter.com/share?url=x">Twitter</a></li>
<li><a class="share-email" href="mailto:?subject=Declaration">Email</a></li>
<li><a class="share-print" href="#print">Print</a></li></ul></div>
"""

RELATED_ASIDE = """<aside id="secondary" class="widget-area" role="complementary">
  <section class="widget widget_recent_entries"><h2 class="widget-title">Recent posts</h2>
  <ul><li><a href="/2014/02/rally-in-berlin/">Thousands rally in Berlin for human rights</a></li>
  <li><a href="/2014/02/camp-liberty-update/">Camp Liberty: residents still without protection</a></li>
  <li><a href="/2014/01/students-arrested/">Students arrested in Tehran after protest</a></li></ul></section>
  <section class="widget widget_text"><h2 class="widget-title">Newsletter</h2>
  <form class="newsletter-form" action="/subscribe" method="post"><label>Your email <input type="email" name="email"></label>
  <button type="submit">Subscribe</button></form></section>
</aside>
"""

COMMENTS = """<div id="comments" class="comments-area">
  <h2 class="comments-title">3 thoughts on &ldquo;Final declaration of the Paris convention&rdquo;</h2>
  <ol class="comment-list">
    <li class="comment"><article class="comment-body"><footer class="comment-meta"><b class="fn">Shirin</b> <time>February 9, 2014 at 11:02 am</time></footer>
    <div class="comment-content"><p>Thank you for publishing the full text. I shared it with my family in Toronto.</p></div></article></li>
    <li class="comment"><article class="comment-body"><footer class="comment-meta"><b class="fn">Reza K.</b> <time>February 9, 2014 at 2:40 pm</time></footer>
    <div class="comment-content"><p>Was there a vote on the final text? Our association sent two delegates and they said the debate went on until late.</p></div></article></li>
    <li class="comment"><article class="comment-body"><footer class="comment-meta"><b class="fn">Maryam</b> <time>February 10, 2014 at 9:15 am</time></footer>
    <div class="comment-content"><p>Is there a Persian translation? Please post it too.</p></div></article></li>
  </ol>
  <div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
  <form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">
  <p class="comment-notes">Your email address will not be published.</p>
  <p><label for="comment">Comment</label> <textarea id="comment" name="comment"></textarea></p>
  <p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment"></p></form></div>
</div>
"""

SEMANTIC_FOOTER = """<footer id="colophon" class="site-footer" role="contentinfo">
  <div class="site-info">&copy; 2014 Iran Freedom Network. All rights reserved. <a href="/privacy/">Privacy policy</a> | <a href="/contact/">Contact</a></div>
</footer>
<div id="cookie-notice" class="cookie-banner" role="dialog"><p>We use cookies to improve your experience on our site. <a href="/privacy/">Learn more</a> <button>Accept</button></p></div>
<script src="/static/site.js"></script>
</body>
</html>
"""

TITLE = "Final declaration of the Paris convention"

page_semantic = (
    SITE_HEAD.format(title=TITLE)
    + SEMANTIC_HEADER
    + '<div id="content" class="site-content">\n<main id="main" class="site-main">\n'
    + '<article id="post-1187" class="post-1187 post type-post status-publish">\n'
    + f'<header class="entry-header"><h1 class="entry-title">{TITLE}</h1>\n'
    + '<div class="entry-meta"><span class="posted-on">Posted on <time datetime="2014-02-09T10:00:00+01:00">February 9, 2014</time></span> '
    + '<span class="byline">by <a href="/author/editor/">editor</a></span></div></header>\n'
    + '<div class="entry-content">\n'
    + article_html()
    + "\n</div>\n"
    + SHARE
    + '<footer class="entry-footer"><span class="cat-links">Posted in <a href="/category/news/">News</a></span> '
    + '<span class="tags-links">Tagged <a href="/tag/paris/">Paris</a>, <a href="/tag/convention/">convention</a></span></footer>\n'
    + "</article>\n"
    + COMMENTS
    + "</main>\n"
    + RELATED_ASIDE
    + "</div>\n"
    + SEMANTIC_FOOTER
)
add("page-semantic", "page-semantic.html", page_semantic, "authentic",
    "a WordPress-style page: header, nav, share block, entry footer, three reader comments, "
    "a sidebar with recent posts and a newsletter form, a site footer and a cookie banner, all "
    "in semantic tags and ARIA roles around the full text; the headline and byline stay as surrounding text")

page_divs = (
    "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"><title>Declaration</title></head><body>\n"
    '<div id="top" class="header-wrap"><div class="logo"><a href="/">Diaspora Voice</a></div>\n'
    '<div class="topmenu"><a href="/">Home</a> | <a href="/news">News</a> | <a href="/video">Video</a> | <a href="/contact">Contact</a></div></div>\n'
    '<div class="breadcrumbs"><a href="/">Home</a> &raquo; <a href="/news">News</a> &raquo; Declaration</div>\n'
    '<div class="container"><div class="left-col">\n'
    f'<div class="post-title"><h2>{TITLE}</h2></div>\n'
    '<div class="post-date">9 February 2014</div>\n'
    '<div class="post-body">\n'
    + article_html()
    + "\n</div>\n"
    '<div class="social-share"><a href="#">Like</a> <a href="#">Tweet</a> <a href="#">Share</a> <a href="#">Email</a></div>\n'
    '<div class="related-posts"><div class="heading">Related posts</div>\n'
    '<div><a href="/a">Convention opens in Paris</a></div><div><a href="/b">Delegates arrive from 40 countries</a></div><div><a href="/c">Photos of the convention</a></div></div>\n'
    '<div class="comments"><div class="heading">Comments (2)</div>\n'
    '<div class="comment-item"><div class="author">Dariush</div><div class="text">Important text, we will translate it for our members in Sweden.</div></div>\n'
    '<div class="comment-item"><div class="author">Nasrin</div><div class="text">Where can I find the video of the speeches?</div></div></div>\n'
    '</div><div class="right-col sidebar"><div class="box"><div class="heading">Most read</div>\n'
    '<div><a href="/x">Executions rise again</a></div><div><a href="/y">Interview with a former prisoner</a></div></div>\n'
    '<div class="ads"><a href="/ad"><img src="/banner.gif" alt="Advertise here"></a> Advertise with us</div></div></div>\n'
    '<div class="bottom-footer">Copyright 2014 Diaspora Voice | <a href="/imprint">Imprint</a></div>\n'
    "</body></html>\n"
)
add("page-divs", "page-divs.html", page_divs, "authentic",
    "the same kind of page built of plain divs: furniture known only by class names "
    "(header-wrap, topmenu, breadcrumbs, social-share, related-posts, comments, sidebar, ads, footer)")

browser_copy = (
    "Skip to content\nIran Freedom Network\nNews and analysis from the Iranian diaspora\n\n"
    "Home\nNews\nEvents\nHuman rights\nAbout us\nDonate\n\n"
    f"{TITLE}\n\nPosted on February 9, 2014 by editor\n\n"
    + DECL.rstrip("\n")
    + "\n\nShare this:\n\nFacebook\nTwitter\nEmail\nPrint\n\nPosted in News Tagged Paris, convention\n\n"
    "3 thoughts on “Final declaration of the Paris convention”\n\n"
    "Shirin\nFebruary 9, 2014 at 11:02 am\n\nThank you for publishing the full text. I shared it with my family in Toronto.\n\n"
    "Reza K.\nFebruary 9, 2014 at 2:40 pm\n\nWas there a vote on the final text?\n\n"
    "Leave a Reply\n\nYour email address will not be published.\n\nComment\n\n"
    "Recent posts\n\nThousands rally in Berlin for human rights\nCamp Liberty: residents still without protection\n\n"
    "© 2014 Iran Freedom Network. All rights reserved.\n"
)
add("browser-copy", "browser-copy.txt", browser_copy, "authentic",
    "select-all and copy from a browser, pasted as plain text: the menu, headline, byline, share "
    "links, comments and sidebar are all there as surrounding lines")

headline_page = (
    SITE_HEAD.format(title="Convention of Iranian communities adopts declaration")
    + "<main>\n<article>\n<header>\n<h1>Convention of Iranian communities adopts declaration in Paris</h1>\n"
    + '<p class="byline">By <span class="author">Leila Ahmadi</span>, Paris correspondent &middot; <time datetime="2014-02-09">9 February 2014</time></p>\n'
    + '<p class="standfirst">Representatives of more than 300 associations met on Saturday. This is the full text they adopted.</p>\n'
    + "</header>\n"
    + article_html()
    + "\n</article>\n</main>\n</body></html>\n"
)
add("headline-byline", "headline-byline.html", headline_page, "authentic",
    "an article whose header holds the headline, the byline with date and a standfirst above the full text: "
    "surrounding text, reported, never an alteration")

listing = (
    SITE_HEAD.format(title="News")
    + SEMANTIC_HEADER
    + '<main class="archive">\n<h1 class="page-title">News</h1>\n'
    + '<article class="post type-post"><h2 class="entry-title"><a href="/2014/02/paris-declaration/">Paris meeting issues declaration</a></h2>\n'
    + '<div class="entry-meta">February 10, 2014</div>\n'
    + f'<div class="entry-summary"><p>{esc(P1)}</p></div>\n'
    + '<a class="more-link" href="/2014/02/paris-declaration/">Read more</a></article>\n'
    + '<article class="post type-post"><h2 class="entry-title"><a href="/2014/02/camp-liberty/">Camp Liberty residents appeal to the UN</a></h2>\n'
    + '<div class="entry-meta">February 8, 2014</div>\n'
    + "<div class=\"entry-summary\"><p>Residents of Camp Liberty in Iraq appealed on Friday to the United Nations and the U.S. government "
    + "for protection after a new missile attack. More than 3,000 residents remain in the camp; 7 were injured. "
    + "A spokesman in Geneva said that 52 residents had been killed in Ashraf in September and that the promised "
    + "blue-helmet unit has still not been deployed.</p></div>\n"
    + '<a class="more-link" href="/2014/02/camp-liberty/">Read more</a></article>\n'
    + '<nav class="pagination"><a href="/news/page/2/">Older posts</a></nav>\n</main>\n'
    + SEMANTIC_FOOTER
)
add("listing-unrelated-after", "listing-unrelated-after.html", listing, "excerpt",
    "a news listing: the first item quotes paragraph-1 word for word, the next item is an unrelated "
    "text about Camp Liberty with numbers and names that must not be read as changes to the declaration",
    intact=["On the eve of the 35th anniversary"])

quotes_article = (
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>What the convention said</title></head><body>\n"
    '<nav class="menu"><a href="/">Home</a> <a href="/world">World</a> <a href="/opinion">Opinion</a></nav>\n'
    "<article>\n<h1>What the Paris convention said</h1>\n<p class=\"byline\">By Kaveh Nouri</p>\n"
    "<p>Delegates from associations in some forty countries met in Paris on Saturday. Their declaration opens with a list of "
    "grievances and ends with eleven points.</p>\n"
    f"<p>On the country's rulers it is blunt: it says that <q>{esc(point(2).split('. ')[1])}</q> "
    "Few observers in Paris agreed.</p>\n"
    "<p>On the diaspora's role, the text is equally direct:</p>\n"
    f"<blockquote><p>{esc(point(11).split('. ')[1])}</p></blockquote>\n"
    f"<p>It also describes the regime as one that, <q>contrary to official propaganda that attempt to portray it as powerful, is extremely vulnerable</q>, and "
    f"condemns <q>{esc(bullet(2).rstrip(';'))}</q>.</p>\n"
    "<p>The organisers said a Persian translation would follow.</p>\n</article>\n"
    '<footer>&copy; The Weekly Review</footer>\n</body></html>\n'
)
add("article-faithful-quotes", "article-faithful-quotes.html", quotes_article, "excerpt",
    "an article quoting four passages faithfully: two in <q>, one in a <blockquote>, one part of a sentence "
    "that starts in lower case; every quoted section intact, nothing flagged",
    intact=["Iranian society is in an explosive state", "We need to work together to rebuild",
            "The suppression of women and deprivation of their fundamental rights"])

misquote_article = (
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Diaspora convention</title></head><body>\n"
    "<article>\n<h1>Diaspora convention calls for defiance</h1>\n"
    "<p>At the close of Saturday's convention in Paris, the organisers read out a declaration of eleven points.</p>\n"
    f"<p>The tenth point urges resolve: <q>We call on Iranians to remain strong. Do not be intimidated by the Regime’s tactics.</q> "
    "Several speakers repeated the call.</p>\n"
    f"<p>The text also says that <q>{esc(point(2).split('. ')[1])}</q></p>\n"
    "<p>The convention will meet again next year.</p>\n</article>\n</body></html>\n"
)
add("article-misquote", "article-misquote.html", misquote_article, "altered",
    "an article that misquotes point-10 (the word strong-arm dropped from 'the Regime’s strong-arm tactics') "
    "and quotes a sentence of point-2 faithfully",
    where=["Do not be intimidated by the Regime"], intact=["Iranian society is in an explosive state"],
    max_flagged=1)

# A block quotation with its attribution inside it (<cite>, as many sites
# and CSS frameworks write it) that inserts "not" at its very end: the
# attribution is not part of what is quoted, so the quotation is judged
# whole and the inserted word found, not left outside the passage.
cited_fragment = "women’s rights activists, entrepreneurs, experts of many professions, and"
cited_article = (
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Convention in Paris</title></head>\n"
    "<body>\n<article>\n<h1>Diaspora groups meet in Paris</h1>\n"
    "<p>Delegates came from many countries. The final statement described them as</p>\n"
    f"<blockquote><p>{esc(cited_fragment.replace(', and', ', not and'))}</p>"
    "<cite>Declaration of the convention, Paris</cite></blockquote>\n"
    "<p>The statement also said:</p>\n"
    f"<blockquote><p>{esc(point(7))}</p><cite>the final statement</cite></blockquote>\n"
    "<p>The convention will meet again next year.</p>\n</article>\n</body></html>\n"
)
add("blockquote-cite-misquote", "blockquote-cite-misquote.html", cited_article, "altered",
    "a block quotation of part of paragraph-1 with its <cite> inside the <blockquote>, "
    "a 'not' inserted before its last word; point-7 quoted faithfully the same way",
    where=["experts of many professions"], intact=[point(7)[:40]],
    max_flagged=1)

paraphrase = (
    "Statement of the Association of Iranian Students, 12 February 2014\n\n"
    "We welcome the declaration adopted in Paris. As its second point puts it, "
    "“the clerical regime is extremely vulnerable and regime change is at hand.” "
    "We will join the next rally in front of the embassy.\n"
)
add("quoted-paraphrase", "quoted-paraphrase.txt", paraphrase, "altered",
    "a statement that puts its own paraphrase of point-2 in quotation marks: the quotation mostly matches "
    "and differs, so point-2 is quoted altered",
    where=["is extremely vulnerable and a change of the regime is at hand"], max_flagged=1)

p2 = point(2)
lowered = p2[0].lower() + p2[1:-1] + ","
news_quote = (
    "Paris, February 9 (News Agency) - Delegates at a gathering of exile groups said on Sunday that "
    f"\"{lowered}\" adding that the country was restless.\n\n"
    "Officials in Tehran did not respond to a request for comment.\n"
)
add("news-lowered-quote", "news-lowered-quote.txt", news_quote, "excerpt",
    "a news item running point-2 into its own sentence: the quotation starts in lower case and ends with a "
    "comma before the closing mark, as news style wants; point-2 is quoted intact",
    intact=["is extremely vulnerable and a change of the regime is at hand"])
add("news-lowered-misquote", "news-lowered-misquote.txt",
    news_quote.replace("is extremely vulnerable", "is not vulnerable"), "altered",
    "the same news item with 'extremely' made 'not' inside the lower-cased quotation",
    where=["is extremely vulnerable and a change of the regime is at hand"], max_flagged=1)

p1 = point(1)
p2_omit = "that attempt to portray it as powerful, "
assert p2_omit in p2 and ", as is the establishment of a democratic republic" in p1
ellipses = (
    "Exiles call for a secular Iran\n\n"
    "The convention said that \"" + lowered.replace(p2_omit, "[...] ").rstrip(",") + "\" and that its delegates "
    "would go on working for that change.\n\n"
    "In another statement, they wrote: \u201c"
    + p1.split(" The only way")[0].replace(", as is the establishment of a democratic republic", " \u2026")
    + "\u201d\n\nThe convention meets again next year.\n"
)
add("quotes-with-ellipses", "quotes-with-ellipses.txt", ellipses, "excerpt",
    "an article quoting point-2 with '[...]' and point-1 with '\u2026' where it leaves words out: editing "
    "conventions, not alterations; each omission is a note naming what was left out",
    intact=["is extremely vulnerable and a change of the regime is at hand",
            "based on the separation of mosque and state"])
CASES["quotes-with-ellipses"]["report_note"] = "an ellipsis leaves out"

press = (
    "PRESS RELEASE\nFor immediate release\n\n"
    "Paris, 8 February 2014 - The first universal convention of Iranians abroad today adopted a final declaration. "
    "In its first point the convention calls for “the establishment of a democratic republic based on the separation "
    "of the mosque and the state that would respect all individual and political freedoms.”\n\n"
    "Over 300 associations took part. The full text is available from the secretariat.\n\n"
    "Press contact: secretariat@example.org\n"
)
add("press-release-misquote", "press-release-misquote.txt", press, "altered",
    "the press release of issue 10: point-1 quoted with 'the' added twice ('the separation of the mosque and "
    "the state'): an altered quotation, however short",
    where=["separation of mosque and state"], max_flagged=1)

md_quote = (
    "# The Paris declaration, two points worth reading\n\n"
    "*Posted by* **Babak** on 10 February 2014\n\n"
    "The declaration adopted in Paris is long, but two of its points stand out:\n\n"
    f"> {POINTS[1]}\n>\n> {POINTS[2]}\n\n"
    "Read the [whole text](https://example.org/declaration) on the convention's site.\n"
)
add("markdown-blockquote", "markdown-blockquote.md", md_quote, "excerpt",
    "a Markdown post with points 2 and 3 in a > block quote, emphasis and a link around them",
    intact=["The clerical regime, contrary to official propaganda",
            "Rouhani, the new President, is a continuation"])

md_full_lines = ["# Final declaration", "", "_Convention of Iranian Communities for Democracy, Paris_", ""]
md_full_lines += [P1, "", P2, "", P3.replace("Velayat-e faqih’s", "*Velayat-e faqih’s*"), ""]
md_full_lines += [f"- {bullet(k)}" for k in range(1, 14)]
md_full_lines += ["", f"**{STATED}**", ""]
md_full_lines += POINTS
md_full_lines += ["", CLOSING[0], "", CLOSING[1], ""]
add("markdown-full", "markdown-full.md", "\n".join(md_full_lines), "authentic",
    "the whole text as a Markdown file: a heading above, - bullets, a numbered list, emphasis inside a paragraph")


# ---------------------------------------------------------------- mail

def qp(text):
    return quopri.encodestring(text.encode("utf-8")).decode("ascii")


def b64(text):
    return "\n".join(textwrap.wrap(base64.b64encode(text.encode("utf-8")).decode("ascii"), 76))


def wrap_blocks(text, width=72, prefix=""):
    out = []
    for b in text.rstrip("\n").split("\n\n"):
        out.extend(prefix + l for l in textwrap.wrap(b, width, break_on_hyphens=False))
        out.append(prefix.rstrip())
    return "\n".join(out[:-1]) + "\n"


forward = (
    "Return-Path: <d.rahimi@example.net>\n"
    "Received: from mail.example.net (mail.example.net [192.0.2.10])\n\tby mx.example.com with ESMTPS id 4F2A1\n\tfor <list@example.com>; Sun, 9 Feb 2014 12:31:07 +0100\n"
    "From: Davood Rahimi <d.rahimi@example.net>\n"
    "To: Members <list@example.com>\n"
    "Subject: Fwd: Declaration of the Paris convention\n"
    "Date: Sun, 9 Feb 2014 12:31:02 +0100\n"
    "Message-ID: <CAF4x1@mail.example.net>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=\"UTF-8\"\n"
    "Content-Transfer-Encoding: quoted-printable\n\n"
    + qp(
        "Dear all,\n\nthe final text, as the secretariat sent it this morning.\n\nDavood\n\n"
        "---------- Forwarded message ---------\n"
        "From: Secretariat <secretariat@example.org>\n"
        "Date: Sun, Feb 9, 2014 at 10:12 AM\n"
        "Subject: Declaration of the Paris convention\n"
        "To: <d.rahimi@example.net>\n\n"
        + wrap_blocks(DECL)
        + "\n-- \nSecretariat of the Convention\nhttps://example.org\n"
    )
)
add("email-forward", "email-forward.eml", forward, "authentic",
    "a forwarded message: mail headers, a note, Gmail's forwarded-message block with its own headers, the "
    "text rewrapped at 72 columns in quoted-printable, a signature")

reply_body = (
    "Hi Davood,\n\nI agree, point 8 is the one the press should pick up. Can we put it on the front page?\n\n"
    "Sara\n\n"
    "On Sun, Feb 9, 2014 at 12:31 PM, Davood Rahimi <d.rahimi@example.net> wrote:\n"
    "> Here is the point I mentioned:\n>\n"
    + wrap_blocks(POINTS[7], prefix="> ")
    + ">\n> Davood\n> --\n> Davood Rahimi\n> example.net\n"
)
reply = (
    "From: Sara Mohammadi <sara@example.com>\n"
    "To: Davood Rahimi <d.rahimi@example.net>\n"
    "Subject: Re: Fwd: Declaration of the Paris convention\n"
    "Date: Sun, 9 Feb 2014 14:05:44 +0100\n"
    "In-Reply-To: <CAF4x1@mail.example.net>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8; format=flowed\n"
    "Content-Transfer-Encoding: 8bit\n\n"
    + reply_body
)
add("email-reply", "email-reply.eml", reply, "excerpt",
    "a reply quoting point-8 with '> ' on every line (rewrapped), an attribution line above and the "
    "quoted signature below; point-8 is a quotation, intact",
    intact=["We pay our respects to the 51 PMOI member"])

html_part = (
    "<html><body><div dir=\"ltr\"><p>Dear members,</p><p>please find the final declaration below.</p>"
    + article_html()
    + "<p>-- <br>Secretariat</p></div></body></html>"
)
mime = (
    "From: Secretariat <secretariat@example.org>\n"
    "To: Members <list@example.com>\n"
    "Subject: =?UTF-8?Q?Final_declaration_=E2=80=93_Paris?=\n"
    "Date: Sun, 9 Feb 2014 10:12:00 +0100\n"
    "Message-ID: <decl-20140209@example.org>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/alternative; boundary=\"000000000000b1a2c3\"\n\n"
    "--000000000000b1a2c3\n"
    "Content-Type: text/plain; charset=\"UTF-8\"\n"
    "Content-Transfer-Encoding: quoted-printable\n\n"
    + qp("Dear members,\n\nplease find the final declaration below.\n\n" + DECL + "\n-- \nSecretariat\n")
    + "\n--000000000000b1a2c3\n"
    "Content-Type: text/html; charset=\"UTF-8\"\n"
    "Content-Transfer-Encoding: base64\n\n"
    + b64(html_part)
    + "\n--000000000000b1a2c3--\n"
)
add("mime-qp-base64", "mime-qp-base64.eml", mime, "authentic",
    "multipart/alternative: a quoted-printable text/plain part and a base64 text/html part carrying the "
    "same text (the plain part is read), an RFC 2047 subject")

mbox = (
    "From secretariat@example.org Sun Feb  9 10:12:00 2014\n"
    "From: Secretariat <secretariat@example.org>\nTo: Members <list@example.com>\n"
    "Subject: Final declaration\nDate: Sun, 9 Feb 2014 10:12:00 +0100\nMIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
    + DECL
    + "\nFrom d.rahimi@example.net Sun Feb  9 12:31:02 2014\n"
    "From: Davood Rahimi <d.rahimi@example.net>\nTo: Members <list@example.com>\n"
    "Subject: Meeting on Thursday\nDate: Sun, 9 Feb 2014 12:31:02 +0100\n\n"
    "Dear all,\n\nour next meeting is on Thursday at 7 pm in the community hall.\n\n"
    ">From the minutes of the last meeting: the treasurer asked for receipts.\n\nDavood\n"
    "\nFrom sara@example.com Sun Feb  9 14:05:44 2014\n"
    "From: Sara Mohammadi <sara@example.com>\nSubject: Re: Final declaration\nDate: Sun, 9 Feb 2014 14:05:44 +0100\n\n"
    + reply_body
)
add("mailbox", "mailbox.mbox", mbox, "authentic",
    "an mbox of three messages: the declaration (the first document, the one scored), an unrelated "
    "message with a >From line, and the reply quoting point-8; exit 1 for the unrelated one", exit=1)


# ---------------------------------------------------------------- encodings

def crlf(t):
    return t.replace("\n", "\r\n")


add("cp1252-faithful", "cp1252-faithful.txt", crlf(DECL).encode("cp1252"), "authentic",
    "the text saved as 'ANSI' by Notepad: Windows-1252 with CRLF, curly quotes at 0x92, bullets at 0x95, "
    "the en dash at 0x96")
alt1252 = replace_once(DECL, "should side with the Iranian people", "should not side with the Iranian people")
add("cp1252-altered", "cp1252-altered.txt", crlf(alt1252).encode("cp1252"), "altered",
    "Windows-1252 with a 'not' inserted in point-6",
    where=["The international community should side with the Iranian people"], max_flagged=1)

PERSIAN = (
    "بيانيه پاياني همايش جهاني انجمنهاي ايرانيان خارج از كشور\n\n"
    "متن انگليسي بيانيه همايش پاريس در زير آمده است. اين همايش با شركت نمايندگان بيش از سيصد انجمن "
    "ايراني از سراسر جهان در پاريس برگزار شد و بيانيه پاياني آن به اتفاق آرا تصويب شد.\n\n"
)
PERSIAN_END = "\n\nاين متن از سوي دبيرخانه همايش منتشر شده است. براي ترجمه فارسي كامل با دبيرخانه تماس بگيريد.\n"
add("cp1256-persian", "cp1256-persian.txt", crlf(PERSIAN + DECL.rstrip("\n") + PERSIAN_END).encode("cp1256"), "authentic",
    "a Persian page saved in Windows-1256 (Arabic yeh and kaf, as that code page has no Persian ones): a "
    "Persian introduction and closing note around the English text")
add("utf16-no-bom", "utf16-no-bom.txt", crlf(DECL).encode("utf-16-le"), "authentic",
    "UTF-16LE with CRLF and no byte-order mark, as some Windows tools export")


# ---------------------------------------------------------------- plain text cases

cut = DECL[: DECL.index("to the detriment of the peace") + len("to the de")]
add("cut-mid-word", "cut-mid-word.txt", "Circulated on a forum, 10 February 2014:\n\n" + cut, "excerpt",
    "a copy that stops inside a word of bullet-11 ('to the de'): an excerpt cut off there, not an alteration",
    intact=["On the eve of the 35th anniversary", "The inevitable retreat of the regime"])

ad = (
    '<div class="advertisement ad-slot" data-ad-slot="inline-1"><span class="ad-label">Advertisement</span>'
    '<a href="https://ads.example.com/click?id=42"><img src="https://ads.example.com/flights.jpg" alt="">'
    "<p>Cheap flights to Paris from 49 euro. Book now and save up to 30% on hotels.</p></a></div>"
)
ad_page = (
    SITE_HEAD.format(title=TITLE)
    + f"<article><h1>{TITLE}</h1>\n"
    + article_html(between_bullets=(6, ad))
    + "\n</article>\n</body></html>\n"
)
add("ad-inside", "ad-inside.html", ad_page, "authentic",
    "an advertisement block (with a number and a price) set between bullet-6 and bullet-7: furniture inside "
    "the text, set aside; the text stays authentic")

inserted = replace_once(DECL, "• The inevitable retreat", "• The arrest of hundreds of students and workers in the past year;\n\n• The inevitable retreat")
add("bullet-inserted", "bullet-inserted.txt", inserted, "altered",
    "a bullet inserted in the flow of the text between bullet-9 and bullet-10: an insertion, not surroundings",
    where=["The arrest of hundreds of students and workers"], strict_where=False, max_flagged=1)

reworded = (
    "Report on the Paris gathering of Iranian associations\n\n"
    "About three hundred Iranian groups from around the world sent delegates to Paris on 8 February 2014, "
    "on the eve of the anniversary of the 1979 revolution. Activists, students, entrepreneurs and people from "
    "minorities spoke. The delegates listed the regime's human rights record: executions of political "
    "prisoners, discrimination against women and minorities, a wave of executions under President Rouhani, "
    "corruption, and spending on the nuclear programme instead of on the people.\n\n"
    "In their conclusions the delegates argued that the regime is weaker than it looks, that Rouhani is no "
    "moderate, and that the West should tighten sanctions rather than make concessions in the nuclear talks. "
    "They backed the National Council of Resistance as an alternative and asked the United Nations and the "
    "United States to protect the residents of Camp Liberty in Iraq.\n\n"
    "The gathering ended with a call on Iranians abroad to stand together and help rebuild the country.\n"
)
add("reworded-report", "reworded-report.txt", reworded, "unrelated",
    "a report that retells the declaration in its own words: much shared vocabulary, no passage quoted")


# ---------------------------------------------------------------- DOCX (python-docx)

def fixed_zip(data):
    """Rewrite a zip with a fixed time on every entry, for identical bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2014, 2, 9, 10, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def make_docx(text):
    import datetime
    import docx

    d = docx.Document()
    cp = d.core_properties
    cp.author = "Secretariat"
    cp.created = cp.modified = datetime.datetime(2014, 2, 9, 10, 0, 0)
    cp.last_modified_by = "Secretariat"
    cp.revision = 1
    blocks = text.rstrip("\n").split("\n\n")
    d.add_heading("Final declaration", level=1)
    commented = None
    for b in blocks:
        if b.startswith("• "):
            d.add_paragraph(b[2:], style="List Bullet")
        elif re.match(r"\d+\. ", b):
            d.add_paragraph(b.split(". ", 1)[1], style="List Number")
        else:
            p = d.add_paragraph(b)
            if b.startswith("The convention stated"):
                commented = p
    d.add_comment(commented.runs, text="Check with the drafting committee before printing.", author="Davood", initials="DR")
    out = io.BytesIO()
    d.save(out)
    return fixed_zip(out.getvalue())


alt_docx = replace_once(DECL, "more than 500 executions", "more than 50 executions")
try:
    add("docx-faithful", "docx-faithful.docx", make_docx(DECL), "authentic",
        "made by python-docx: a heading above, bullets in the List Bullet style and points in List Number "
        "(numbering from numbering.xml, not in the text), a reviewer's comment on 'The convention stated:'")
    add("docx-altered", "docx-altered.docx", make_docx(alt_docx), "altered",
        "the same DOCX with bullet-5's 500 executions lowered to 50",
        where=["more than 500 executions in just six months"], max_flagged=1)
except ImportError:
    raise SystemExit("python-docx is needed: see the usage at the top")


# ---------------------------------------------------------------- PDF (reportlab)

def make_pdf(text, scanned=False):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab import rl_config

    rl_config.invariant = 1
    out = io.BytesIO()
    if scanned:
        from reportlab.pdfgen import canvas
        c = canvas.Canvas(out, pagesize=A4, invariant=1)
        for i in range(40):  # grey bars where lines of text would be, as a scan shows them
            c.setFillGray(0.3)
            c.rect(2 * cm, 27 * cm - i * 0.6 * cm, 16 * cm - (i % 3) * cm, 0.35 * cm, stroke=0, fill=1)
        c.showPage()
        c.save()
        return out.getvalue()
    pdfmetrics.registerFont(TTFont("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("body", fontName="DejaVuSans", fontSize=10.5, leading=14)
    item = body.clone("item", leftIndent=14, bulletIndent=2)
    title = styles["Title"].clone("title", fontName="DejaVuSans")
    doc = SimpleDocTemplate(out, pagesize=A4, title="Final declaration", author="Secretariat",
                            leftMargin=2.5 * cm, rightMargin=2.5 * cm, invariant=1)
    story = [Paragraph("Final declaration", title), Spacer(1, 6)]

    def page_number(canvas, doc):
        canvas.setFont("DejaVuSans", 9)
        canvas.drawCentredString(A4[0] / 2, 1.5 * cm, str(doc.page))

    for b in text.rstrip("\n").split("\n\n"):
        if b.startswith("• "):
            story.append(Paragraph(esc(b[2:]), item, bulletText="•"))
        else:
            story.append(Paragraph(esc(b), body))
    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return out.getvalue()


alt_pdf = replace_once(DECL, "more than 50 members of the People", "more than 5 members of the People")
try:
    add("pdf-faithful", "pdf-faithful.pdf", make_pdf(DECL), "authentic",
        "made by reportlab: justified paragraphs broken into lines by the layout, bullets, two pages with page "
        "numbers at the foot")
    add("pdf-altered", "pdf-altered.pdf", make_pdf(alt_pdf), "altered",
        "the same PDF with bullet-12's 'more than 50 members' lowered to 5",
        where=["The mass execution of more than 50 members"], max_flagged=1)
    TROUBLE = {"pdf-no-text-layer.pdf": make_pdf("", scanned=True)}
except ImportError:
    raise SystemExit("reportlab is needed: see the usage at the top")


# ---------------------------------------------------------------- WARC

def warc_record(fields, block):
    head = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields) + f"Content-Length: {len(block)}\r\n\r\n"
    return head.encode("utf-8") + block + b"\r\n\r\n"


def http_response(html, ctype="text/html; charset=UTF-8", status="200 OK"):
    body = html.encode("utf-8") if isinstance(html, str) else html
    head = (f"HTTP/1.1 {status}\r\nDate: Mon, 10 Feb 2014 08:00:00 GMT\r\nServer: nginx\r\n"
            f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode("ascii") + body


def warc_file(pages):
    recs = []
    info = b"software: make_documents.py\r\nformat: WARC File Format 1.1\r\n"
    recs.append(warc_record([("WARC-Type", "warcinfo"), ("WARC-Record-ID", "<urn:uuid:00000000-0000-0000-0000-000000000000>"),
                             ("WARC-Date", "2014-02-10T08:00:00Z"), ("Content-Type", "application/warc-fields")], info))
    for i, (url, resp) in enumerate(pages, 1):
        req = f"GET {url.split('/', 3)[-1] and '/' + url.split('/', 3)[-1]} HTTP/1.1\r\nHost: {url.split('/')[2]}\r\n\r\n".encode()
        recs.append(warc_record([("WARC-Type", "request"), ("WARC-Target-URI", url),
                                 ("WARC-Record-ID", f"<urn:uuid:00000000-0000-0000-0000-{2 * i:012d}>"),
                                 ("WARC-Date", "2014-02-10T08:00:00Z"), ("Content-Type", "application/http; msgtype=request")], req))
        recs.append(warc_record([("WARC-Type", "response"), ("WARC-Target-URI", url),
                                 ("WARC-Record-ID", f"<urn:uuid:00000000-0000-0000-0000-{2 * i + 1:012d}>"),
                                 ("WARC-Date", "2014-02-10T08:00:00Z"), ("Content-Type", "application/http; msgtype=response")], resp))
    return b"".join(gzip.compress(r, mtime=0) for r in recs)


warc = warc_file([
    ("https://iranfreedom.example.org/2014/02/final-declaration/", http_response(page_semantic)),
    ("https://iranfreedom.example.org/static/logo.png", http_response(b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")),
    ("https://news.example.com/2014/02/listing/", http_response(listing)),
    ("https://weekly.example.net/what-the-convention-said", http_response(quotes_article)),
    ("https://blog.example.org/convention", http_response(misquote_article)),
    ("https://iranfreedom.example.org/old-url", http_response("<html><body>Moved</body></html>", status="301 Moved Permanently")),
])
add("warc-pages", "warc-pages.warc.gz", warc, "authentic",
    "a crawl as a WARC, gzip per record: warcinfo, a request before each response, five pages and a PNG. "
    "The first document (scored) is the page with the full text; then a listing (excerpt), the faithful "
    "quotations (excerpt) and the misquote (altered: exit 1); the PNG and a 301 redirect are not documents",
    exit=1)


# ---------------------------------------------------------------- write

def main():
    for name in list(os.listdir(HERE)):
        p = os.path.join(HERE, name)
        if name not in ("make_documents.py",) and os.path.isfile(p):
            os.remove(p)
    for fname, content in FILES.items():
        with open(os.path.join(HERE, fname), "wb") as f:
            f.write(content)
    os.makedirs(os.path.join(HERE, "trouble"), exist_ok=True)
    for fname, content in TROUBLE.items():
        with open(os.path.join(HERE, "trouble", fname), "wb") as f:
            f.write(content)
    expected = dict(CASES)
    with open(os.path.join(SAMPLES, "expected.json"), encoding="utf-8") as f:
        samples = json.load(f)
    for name, entry in samples.items():
        shutil.copyfile(os.path.join(SAMPLES, entry["file"]), os.path.join(HERE, entry["file"]))
        expected[name] = entry
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(CASES)} documents and {len(samples)} shared samples written to {HERE}")


main()
