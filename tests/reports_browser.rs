//! The HTML reports, rendered in a real browser (headless Chromium).
//!
//! Each test makes a report with the `vellum` binary, copies it, injects a
//! probe `<script>` into the COPY only (the report itself must hold no
//! script), renders the copy with `chromium --headless=new --dump-dom`, and
//! reads back what the probe measured on the laid-out page: for every
//! `<del>`/`<ins>`, its box, visibility, colour and contrast, its non-colour
//! cues (strike/underline, the `[−`/`[+` symbols) and whether it is the
//! element actually painted at its centre; for every invisible-character
//! badge the same; for every text passage its computed direction and where
//! its first letter sits. The Rust side asserts on those measurements.
//!
//! Chromium is found through VELLUM_CHROMIUM, else `chromium`, else
//! `chromium-browser` on PATH; scripts/setup-test-env.sh installs Debian's
//! chromium. Without it these tests FAIL, naming chromium: they never pass
//! silently.
//!
//! With VELLUM_SCREENSHOT_DIR set, the check and diff tests also save
//! screenshots of the untouched reports there as report-check.png and
//! report-diff.png (scripts/report-screenshots.sh regenerates docs/).

mod common;

use common::*;
use serde::Deserialize;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// Finding and running Chromium

const CHROMIUM_ENV: &str = "VELLUM_CHROMIUM";
/// Longest a single Chromium run may take (two cores, tests in parallel).
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(180);

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// The Chromium binary, or a failure that says how to get one.
fn chromium() -> PathBuf {
    if let Some(v) = std::env::var_os(CHROMIUM_ENV) {
        let p = PathBuf::from(&v);
        if p.is_file() {
            return p;
        }
        if let Some(p) = on_path(&v.to_string_lossy()) {
            return p;
        }
        panic!(
            "{CHROMIUM_ENV}={} is neither a file nor a command on PATH; \
             point it at a chromium (or Chrome) binary",
            p.display()
        );
    }
    for name in ["chromium", "chromium-browser"] {
        if let Some(p) = on_path(name) {
            return p;
        }
    }
    panic!(
        "chromium not found: the browser tests of the HTML reports need it. \
         Install Debian's chromium (scripts/setup-test-env.sh as root does, \
         or apt-get install chromium), or set {CHROMIUM_ENV} to a chromium binary"
    );
}

/// Run headless Chromium with `args` (plus the quiet, offline flags) in its
/// own process group and a fresh profile inside `env`; returns stdout.
/// Fails on a non-zero exit or after CHROMIUM_TIMEOUT.
fn run_chromium(env: &TestEnv, tag: &str, args: &[&OsStr]) -> String {
    use std::os::unix::process::CommandExt;
    let bin = chromium();
    let profile = env.path(format!("chromium-profile-{tag}"));
    std::fs::create_dir_all(&profile).expect("mkdir chromium profile");
    let out_path = env.path(format!("chromium-{tag}.stdout"));
    let err_path = env.path(format!("chromium-{tag}.stderr"));
    let mut user_data = std::ffi::OsString::from("--user-data-dir=");
    user_data.push(profile.as_os_str());
    let mut cmd = Command::new(&bin);
    cmd.args([
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--mute-audio",
    ])
    .arg(&user_data)
    .args(args)
    .current_dir(env.root())
    .stdin(Stdio::null())
    .stdout(std::fs::File::create(&out_path).expect("create stdout file"))
    .stderr(std::fs::File::create(&err_path).expect("create stderr file"))
    .process_group(0);
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run chromium ({}): {e}", bin.display()));
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for chromium") {
            break s;
        }
        if start.elapsed() > CHROMIUM_TIMEOUT {
            // The whole process group we started: chromium and its helpers.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium ({}) took more than {:?} ({tag}); stderr:\n{}",
                bin.display(),
                CHROMIUM_TIMEOUT,
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = std::fs::read_to_string(&out_path).expect("read chromium stdout");
    assert!(
        status.success(),
        "chromium ({}) failed ({tag}): {status}\nstderr:\n{}",
        bin.display(),
        std::fs::read_to_string(&err_path).unwrap_or_default()
    );
    stdout
}

fn file_url(p: &Path) -> String {
    let p = p.canonicalize().expect("canonical path");
    let mut u = String::from("file://");
    for b in p.to_str().expect("UTF-8 temp path").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                u.push(b as char)
            }
            _ => u.push_str(&format!("%{b:02X}")),
        }
    }
    u
}

// ---------------------------------------------------------------------------
// The probe

/// Injected before `</body>` of the test copy. On load (fonts ready) it
/// measures the page and appends `<pre id="result">JSON</pre>`, the JSON
/// escaped to plain ASCII (no `&`, `<`, `>`), so that the DOM dump carries
/// it verbatim.
const PROBE: &str = r#"<script>
window.addEventListener('load', function () {
  document.fonts.ready.then(function () {
    function sansSr(el) {
      var c = el.cloneNode(true);
      c.querySelectorAll('.sr').forEach(function (s) { s.remove(); });
      return c.textContent;
    }
    function srText(el) {
      var s = el.querySelector(':scope > .sr');
      return s ? s.textContent : '';
    }
    function rgba(s) {
      var m = (s || '').match(/[\d.]+/g) || [];
      return { r: +m[0] || 0, g: +m[1] || 0, b: +m[2] || 0, a: m.length > 3 ? +m[3] : 1 };
    }
    function lum(c) {
      function ch(v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
      return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
    }
    function background(el) {
      for (var e = el; e; e = e.parentElement) {
        var c = rgba(getComputedStyle(e).backgroundColor);
        if (c.a > 0) return c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    }
    function opacity(el) {
      var o = 1;
      for (var e = el; e; e = e.parentElement) o *= +getComputedStyle(e).opacity;
      return o;
    }
    function shown(el) {
      var cs = getComputedStyle(el);
      var fg = rgba(cs.color), bg = background(el);
      var l1 = lum(fg), l2 = lum(bg);
      var r = el.getBoundingClientRect();
      el.scrollIntoView({ block: 'center', inline: 'nearest' });
      var hit = false, rects = el.getClientRects();
      for (var i = 0; i < rects.length; i++) {
        var q = rects[i];
        if (q.width > 0 && q.height > 0) {
          var h = document.elementFromPoint(q.left + q.width / 2, q.top + q.height / 2);
          hit = !!h && (h === el || el.contains(h));
          break;
        }
      }
      return {
        width: r.width, height: r.height,
        visibility: cs.visibility, display: cs.display,
        opacity: opacity(el),
        color: cs.color, colorAlpha: fg.a,
        background: 'rgb(' + bg.r + ', ' + bg.g + ', ' + bg.b + ')',
        contrast: (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05),
        fontSize: parseFloat(cs.fontSize),
        hit: hit
      };
    }
    function section(el) {
      var a = el.closest('article');
      return a ? a.id : null;
    }
    function merge(a, b) { for (var k in b) a[k] = b[k]; return a; }
    var out = {
      dark: matchMedia('(prefers-color-scheme: dark)').matches,
      resources: performance.getEntriesByType('resource').length,
      scripts: document.scripts.length,
      title: document.title,
      verdict: (document.querySelector('.verdict') || { textContent: '' }).textContent,
      rawBidi: /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/.test(document.body.innerText),
      marks: [], badges: [], passages: []
    };
    document.querySelectorAll('del, ins').forEach(function (el) {
      var cs = getComputedStyle(el);
      out.marks.push(merge({
        tag: el.localName, section: section(el), label: srText(el), text: sansSr(el),
        decoration: cs.textDecorationLine,
        before: getComputedStyle(el, '::before').content,
        after: getComputedStyle(el, '::after').content
      }, shown(el)));
    });
    document.querySelectorAll('.invisible').forEach(function (el) {
      var m = el.closest('del, ins');
      out.badges.push(merge({
        section: section(el), inMark: m ? m.localName : null, inPassage: !!el.closest('p.txt'),
        label: sansSr(el), title: el.title
      }, shown(el)));
    });
    document.querySelectorAll('article p.txt').forEach(function (p) {
      var cs = getComputedStyle(p), pr = p.getBoundingClientRect();
      var w = document.createTreeWalker(p, NodeFilter.SHOW_TEXT), n, first = null;
      while (!first && (n = w.nextNode())) {
        if (n.parentElement.closest('.sr, .invisible')) continue;
        var i = n.data.search(/\p{L}/u);
        if (i < 0) continue;
        var rg = document.createRange();
        rg.setStart(n, i);
        rg.setEnd(n, i + 1);
        var b = rg.getBoundingClientRect();
        first = { letter: n.data[i], left: b.left, right: b.right };
      }
      out.passages.push({
        section: section(p), direction: cs.direction, dirAttr: p.getAttribute('dir'),
        unicodeBidi: cs.unicodeBidi, left: pr.left, right: pr.right,
        paddingRight: parseFloat(cs.paddingRight), first: first,
        text: sansSr(p).slice(0, 60)
      });
    });
    var json = JSON.stringify(out).replace(/[\u007f-\uffff&<>]/g, function (c) {
      return '\\u' + ('0000' + c.charCodeAt(0).toString(16)).slice(-4);
    });
    var pre = document.createElement('pre');
    pre.id = 'result';
    pre.textContent = json;
    document.body.appendChild(pre);
  });
});
</script>
"#;

#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
struct Shown {
    width: f64,
    height: f64,
    visibility: String,
    display: String,
    opacity: f64,
    color: String,
    color_alpha: f64,
    background: String,
    contrast: f64,
    font_size: f64,
    hit: bool,
}

impl Shown {
    /// Why this element would not be seen, if it would not.
    fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if !(self.width > 0.0 && self.height > 0.0) {
            p.push(format!("empty box {}x{}", self.width, self.height));
        }
        if self.visibility != "visible" {
            p.push(format!("visibility {}", self.visibility));
        }
        if self.display == "none" {
            p.push("display none".into());
        }
        if self.opacity < 0.99 {
            p.push(format!("opacity {}", self.opacity));
        }
        if self.color_alpha <= 0.0 {
            p.push(format!("transparent colour {}", self.color));
        }
        // WCAG AA for normal text.
        if self.contrast < 4.5 {
            p.push(format!(
                "contrast {:.2} < 4.5 ({} on {})",
                self.contrast, self.color, self.background
            ));
        }
        if self.font_size < 9.0 {
            p.push(format!("font size {}px", self.font_size));
        }
        if !self.hit {
            p.push("covered: not the element painted at its centre".into());
        }
        p
    }
}

#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
struct Mark {
    tag: String,
    section: Option<String>,
    /// The visually hidden "deleted: " / "inserted: " label.
    label: String,
    /// The marked text, without the hidden label.
    text: String,
    decoration: String,
    before: String,
    after: String,
    #[serde(flatten)]
    shown: Shown,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
struct Badge {
    section: Option<String>,
    in_mark: Option<String>,
    in_passage: bool,
    label: String,
    title: String,
    #[serde(flatten)]
    shown: Shown,
}

#[derive(Deserialize, Debug, Clone)]
struct FirstLetter {
    letter: String,
    left: f64,
    right: f64,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
struct Passage {
    section: Option<String>,
    direction: String,
    dir_attr: Option<String>,
    unicode_bidi: String,
    left: f64,
    right: f64,
    padding_right: f64,
    first: Option<FirstLetter>,
    text: String,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct Rendered {
    dark: bool,
    resources: u32,
    scripts: u32,
    title: String,
    verdict: String,
    raw_bidi: bool,
    marks: Vec<Mark>,
    badges: Vec<Badge>,
    passages: Vec<Passage>,
}

/// The report must load nothing and run nothing of its own.
fn assert_self_contained(html: &str, what: &str) {
    let lower = html.to_ascii_lowercase();
    for bad in [
        "<script", "http://", "https://", "<link", "<img", "<iframe", "<object", "<embed",
        "@import", "url(", " src=", "//cdn",
    ] {
        assert!(
            !lower.contains(bad),
            "{what}: the report is not self-contained: it contains {bad:?}"
        );
    }
    assert_eq!(
        lower.matches("</body>").count(),
        1,
        "{what}: expected exactly one </body>"
    );
}

/// Copy the report, inject the probe into the copy, render it headless and
/// return the probe's measurements.
fn render(env: &TestEnv, report: &Path, tag: &str, dark: bool) -> Rendered {
    let html = std::fs::read_to_string(report)
        .unwrap_or_else(|e| panic!("read {}: {e}", report.display()));
    assert_self_contained(&html, tag);
    let at = html.rfind("</body>").expect("</body>");
    let probed = format!("{}{PROBE}{}", &html[..at], &html[at..]);
    let copy = env.write(format!("probe-{tag}.html"), probed);
    let url = file_url(&copy);
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("--window-size=1200,1600"),
        OsStr::new("--virtual-time-budget=5000"),
    ];
    if dark {
        args.push(OsStr::new("--force-dark-mode"));
    }
    args.extend([OsStr::new("--dump-dom"), OsStr::new(&url)]);
    let dom = run_chromium(env, tag, &args);
    let start = dom.find("<pre id=\"result\">").unwrap_or_else(|| {
        panic!(
            "{tag}: the probe left no result in the rendered page; DOM dump ({} bytes) ends:\n{}",
            dom.len(),
            &dom[dom.len().saturating_sub(2000)..]
        )
    }) + "<pre id=\"result\">".len();
    let end = start + dom[start..].find("</pre>").expect("</pre>");
    let r: Rendered = serde_json::from_str(&dom[start..end])
        .unwrap_or_else(|e| panic!("{tag}: probe JSON: {e}\n{}", &dom[start..end]));
    assert_eq!(r.dark, dark, "{tag}: colour scheme of the rendering");
    assert_eq!(
        r.resources, 0,
        "{tag}: the rendered report loaded {} resource(s)",
        r.resources
    );
    assert_eq!(r.scripts, 1, "{tag}: only the test probe may be a script");
    assert!(
        !r.raw_bidi,
        "{tag}: a raw bidi control character reached the rendered text"
    );
    r
}

/// Take a screenshot of the untouched report when VELLUM_SCREENSHOT_DIR is set.
fn maybe_screenshot(env: &TestEnv, report: &Path, name: &str, size: &str) {
    let Some(dir) = std::env::var_os("VELLUM_SCREENSHOT_DIR") else {
        return;
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("mkdir screenshot dir");
    let dest = dir.join(name);
    let mut shot = std::ffi::OsString::from("--screenshot=");
    shot.push(dest.as_os_str());
    let window = format!("--window-size={size}");
    let url = file_url(report);
    run_chromium(
        env,
        &format!("shot-{name}"),
        &[
            OsStr::new(&shot),
            OsStr::new(&window),
            OsStr::new("--hide-scrollbars"),
            OsStr::new("--virtual-time-budget=5000"),
            OsStr::new(&url),
        ],
    );
    let png = std::fs::read(&dest).expect("read screenshot");
    assert!(
        png.starts_with(b"\x89PNG"),
        "{} is not a PNG",
        dest.display()
    );
    eprintln!("screenshot: {} ({} bytes)", dest.display(), png.len());
}

// ---------------------------------------------------------------------------
// Assertions on the rendering

/// Every mark and badge on the page is displayed; marks carry their
/// non-colour cues (strike or underline, the bracketed symbols, the hidden
/// words for screen readers).
fn assert_all_marks_shown(r: &Rendered, what: &str) {
    let mut bad = Vec::new();
    for m in &r.marks {
        let mut p = m.shown.problems();
        let (deco, sym, labels): (&str, &str, &[&str]) = match m.tag.as_str() {
            "del" => (
                "line-through",
                "[\u{2212}",
                &["deleted: ", "missing: ", "removed: "],
            ),
            _ => ("underline", "[+", &["inserted: ", "added: "]),
        };
        if !m.decoration.contains(deco) {
            p.push(format!("text-decoration {:?}, not {deco}", m.decoration));
        }
        if !m.before.contains(sym) || !m.after.contains(']') {
            p.push(format!("symbols {:?} … {:?}", m.before, m.after));
        }
        if !labels.contains(&m.label.as_str()) {
            p.push(format!("hidden label {:?}", m.label));
        }
        if !p.is_empty() {
            bad.push(format!(
                "<{}> {:?} in {:?}: {}",
                m.tag,
                m.text,
                m.section,
                p.join("; ")
            ));
        }
    }
    for b in &r.badges {
        let p = b.shown.problems();
        if !p.is_empty() {
            bad.push(format!(
                "badge {:?} in {:?}: {}",
                b.label,
                b.section,
                p.join("; ")
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{what} (dark: {}): marks not displayed as they should be:\n  {}",
        r.dark,
        bad.join("\n  ")
    );
}

/// A `tag` mark in `section` whose visible text contains `word`.
fn expect_mark<'a>(r: &'a Rendered, section: &str, tag: &str, word: &str, what: &str) -> &'a Mark {
    r.marks
        .iter()
        .find(|m| m.section.as_deref() == Some(section) && m.tag == tag && m.text.contains(word))
        .unwrap_or_else(|| {
            panic!(
                "{what}: no <{tag}> containing {word:?} in {section}; marks there: {:?}",
                r.marks
                    .iter()
                    .filter(|m| m.section.as_deref() == Some(section))
                    .map(|m| format!("<{}>{}", m.tag, m.text))
                    .collect::<Vec<_>>()
            )
        })
}

/// Marks appear in exactly these sections (besides the legend).
fn assert_marked_sections(r: &Rendered, expected: &[&str], what: &str) {
    let mut got: Vec<&str> = r
        .marks
        .iter()
        .filter_map(|m| m.section.as_deref())
        .collect();
    got.sort_unstable();
    got.dedup();
    let mut want = expected.to_vec();
    want.sort_unstable();
    assert_eq!(got, want, "{what}: sections holding marks");
}

/// The passage reads right to left: computed direction rtl, and its first
/// letter sits at the right-hand edge (the start of an rtl line).
fn rtl_problems(p: &Passage) -> Vec<String> {
    let mut bad = Vec::new();
    if p.direction != "rtl" {
        bad.push(format!(
            "computed direction {} (dir={:?}, unicode-bidi {})",
            p.direction, p.dir_attr, p.unicode_bidi
        ));
    }
    match &p.first {
        None => bad.push("no letter found".into()),
        Some(f) => {
            let edge = p.right - p.padding_right;
            // Room for a leading "[−" or "[+" symbol before the first word.
            if f.right < edge - 48.0 || f.left < (p.left + p.right) / 2.0 {
                bad.push(format!(
                    "first letter {:?} at x {:.0}..{:.0}, not at the right edge {:.0}",
                    f.letter, f.left, f.right, edge
                ));
            }
        }
    }
    bad
}

fn assert_rtl(r: &Rendered, what: &str) {
    assert!(!r.passages.is_empty(), "{what}: no passages");
    let bad: Vec<String> = r
        .passages
        .iter()
        .filter_map(|p| {
            let b = rtl_problems(p);
            (!b.is_empty()).then(|| format!("{:?} {:?}: {}", p.section, p.text, b.join("; ")))
        })
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: Persian passages not displayed right to left:\n  {}",
        bad.join("\n  ")
    );
}

fn assert_ltr(r: &Rendered, what: &str) {
    for p in &r.passages {
        assert_eq!(
            p.direction, "ltr",
            "{what}: English passage {:?} {:?} is not left to right",
            p.section, p.text
        );
        if let Some(f) = &p.first {
            assert!(
                f.left < (p.left + p.right) / 2.0,
                "{what}: English passage {:?} does not start on the left ({f:?})",
                p.section
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Fixtures

/// Version 2: "87 billion" made "78 billion" (bullet-8), "not" inserted in
/// paragraph-3, and bullet-2 deleted.
fn declaration_v2_altered() -> String {
    let t = std::fs::read_to_string(declaration()).expect("read declaration");
    let bullet2 = "• The suppression of women and deprivation of their fundamental rights;\n\n";
    for needle in ["87 billion", "We must draw attention", bullet2] {
        assert_eq!(
            t.matches(needle).count(),
            1,
            "declaration has {needle:?} once"
        );
    }
    t.replace("87 billion", "78 billion")
        .replace("We must draw attention", "We must not draw attention")
        .replace(bullet2, "")
}

/// A circulated copy of v1: "87" made "78" (bullet-8); "35 years" stored as
/// RLO "53" PDF, which a plain viewer displays as "35" (paragraph-3); and a
/// Cyrillic а (U+0430) in "Paris" (paragraph-1).
fn declaration_copy_altered() -> String {
    let t = std::fs::read_to_string(declaration()).expect("read declaration");
    for needle in [
        "87 billion",
        "attention to 35 years",
        "held in Paris, France",
    ] {
        assert_eq!(
            t.matches(needle).count(),
            1,
            "declaration has {needle:?} once"
        );
    }
    t.replace("87 billion", "78 billion")
        .replace(
            "attention to 35 years",
            "attention to \u{202E}53\u{202C} years",
        )
        .replace("held in Paris, France", "held in P\u{0430}ris, France")
}

/// Seal v1 (the declaration) and v2 (declaration_v2_altered) in
/// paris-2014-02-08.zip inside `env`; returns the key.
fn two_versions(env: &TestEnv) -> Key {
    let key = env.keygen("publisher");
    env.seal_v1(&key, ARCHIVE);
    let v2 = env.write("v2.txt", declaration_v2_altered());
    let o = env.seal(&v2, &key, ARCHIVE, T2, "second version", &[]);
    assert_code(&o, 0, "seal v2");
    key
}

/// A Persian translation of the declaration's first paragraph, in three
/// paragraphs, with the zero-width non-joiners Persian spelling uses.
const PERSIAN: &str = "در آستانهٔ سی\u{200C}وپنجمین سالگرد انقلاب ضدسلطنتی، نخستین همایش سراسری ایرانیان خارج از کشور در ۸ فوریهٔ ۲۰۱۴ در پاریس، فرانسه، برگزار شد. بیش از ۳۰۰ انجمن ایرانی از سراسر جهان در آن شرکت کردند.

این انجمن\u{200C}ها را طیف گسترده\u{200C}ای از روشنفکران، فعالان سیاسی و حقوق بشر، فعالان حقوق زنان، کارآفرینان، متخصصان رشته\u{200C}های گوناگون و دانشجویان نمایندگی می\u{200C}کردند.

بسیاری از این نمایندگان از اقلیت\u{200C}های قومی و مذهبی بودند.
";

/// Seal the Persian text in fa.zip; returns the key.
fn persian_sealed(env: &TestEnv) -> Key {
    let key = env.keygen("publisher");
    let src = env.write("fa.txt", PERSIAN);
    let o = env.seal(&src, &key, "fa.zip", T1, "Persian translation", &[]);
    assert_code(&o, 0, "seal the Persian text");
    key
}

fn check_html(env: &TestEnv, key: &Key, archive: &str, copy: &str, extra: &[&str], html: &str) {
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("check"),
        OsStr::new(archive),
        OsStr::new(copy),
        OsStr::new("--trust"),
        key.public.as_os_str(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    args.extend([OsStr::new("--html"), OsStr::new(html)]);
    let o = env.vellum(args);
    assert_code(&o, 1, "check of an altered copy");
    assert_says(&o, "ALTERED", "check of an altered copy");
}

// ---------------------------------------------------------------------------
// The tests

#[test]
fn check_report_marks_alterations_and_shows_invisibles() {
    let env = TestEnv::new();
    let key = two_versions(&env);
    env.write("circulated-copy.txt", declaration_copy_altered());
    check_html(
        &env,
        &key,
        ARCHIVE,
        "circulated-copy.txt",
        &["--version", "1"],
        "check.html",
    );
    let report = env.path("check.html");
    for dark in [false, true] {
        let what = if dark {
            "check report, dark"
        } else {
            "check report"
        };
        let r = render(
            &env,
            &report,
            if dark { "check-dark" } else { "check" },
            dark,
        );
        assert!(
            r.title.starts_with("vellum check: altered"),
            "{what}: title {:?}",
            r.title
        );
        assert!(
            r.verdict.starts_with("Altered"),
            "{what}: verdict {:?}",
            r.verdict
        );
        assert_all_marks_shown(&r, what);
        assert_marked_sections(&r, &["bullet-8", "paragraph-1", "paragraph-3"], what);

        // 87 -> 78 in bullet 8.
        let d = expect_mark(&r, "bullet-8", "del", "87", what);
        assert_eq!(d.text.trim(), "87", "{what}: deleted words in bullet-8");
        assert_eq!(d.label, "deleted: ");
        let i = expect_mark(&r, "bullet-8", "ins", "78", what);
        assert_eq!(i.text.trim(), "78", "{what}: inserted words in bullet-8");
        assert_eq!(i.label, "inserted: ");

        // The Cyrillic look-alike in "Paris".
        expect_mark(&r, "paragraph-1", "del", "Paris", what);
        // The odd letter is highlighted with its code point, so the two
        // spellings, identical to the eye, are told apart.
        let i = expect_mark(&r, "paragraph-1", "ins", "P\u{0430}", what);
        assert!(
            i.text.contains('\u{0430}') && i.text.contains("U+0430") && i.text.ends_with("ris"),
            "{what}: the Cyrillic а is in the mark, with its code point: {:?}",
            i.text
        );

        // RLO "53" PDF for "35": marked, and the override shown as a badge.
        expect_mark(&r, "paragraph-3", "del", "35", what);
        let i = expect_mark(&r, "paragraph-3", "ins", "53", what);
        assert!(
            i.text.contains("U+202E"),
            "{what}: the inserted words show the override: {:?}",
            i.text
        );
        let rlo: Vec<&Badge> = r
            .badges
            .iter()
            .filter(|b| b.label.trim() == "U+202E")
            .collect();
        assert!(
            rlo.iter()
                .any(|b| b.section.as_deref() == Some("paragraph-3")
                    && b.in_passage
                    && b.in_mark.as_deref() == Some("ins")),
            "{what}: no visible U+202E badge inside the inserted words of paragraph-3: {:?}",
            r.badges
        );
        for b in &rlo {
            assert_eq!(b.title, "right-to-left override", "{what}: badge title");
        }
        assert!(
            r.badges
                .iter()
                .any(|b| b.label.trim() == "U+202C" && b.section.as_deref() == Some("paragraph-3")),
            "{what}: no U+202C badge in paragraph-3: {:?}",
            r.badges
        );
        // Neutralised: every English passage still reads left to right.
        assert_ltr(&r, what);
    }
    maybe_screenshot(&env, &report, "report-check.png", "1200,2000");
}

#[test]
fn diff_report_marks_changes_between_versions() {
    let env = TestEnv::new();
    let key = two_versions(&env);
    let o = env.vellum([
        OsStr::new("diff"),
        OsStr::new(&format!("{ARCHIVE}@v1")),
        OsStr::new(&format!("{ARCHIVE}@v2")),
        OsStr::new("--trust"),
        key.public.as_os_str(),
        OsStr::new("--html"),
        OsStr::new("diff.html"),
    ]);
    assert_code(&o, 1, "diff v1 v2");
    let report = env.path("diff.html");
    for dark in [false, true] {
        let what = if dark {
            "diff report, dark"
        } else {
            "diff report"
        };
        let r = render(&env, &report, if dark { "diff-dark" } else { "diff" }, dark);
        assert!(
            r.title.starts_with("vellum diff:"),
            "{what}: title {:?}",
            r.title
        );
        assert!(
            r.verdict.starts_with("Different"),
            "{what}: verdict {:?}",
            r.verdict
        );
        assert_all_marks_shown(&r, what);
        assert_marked_sections(&r, &["bullet-2", "bullet-8", "paragraph-3"], what);

        let d = expect_mark(&r, "bullet-8", "del", "87", what);
        assert_eq!(d.text.trim(), "87", "{what}: deleted words in bullet-8");
        let i = expect_mark(&r, "bullet-8", "ins", "78", what);
        assert_eq!(i.text.trim(), "78", "{what}: inserted words in bullet-8");

        let i = expect_mark(&r, "paragraph-3", "ins", "not", what);
        assert_eq!(
            i.text.trim(),
            "not",
            "{what}: inserted words in paragraph-3"
        );
        assert!(
            !r.marks
                .iter()
                .any(|m| m.section.as_deref() == Some("paragraph-3") && m.tag == "del"),
            "{what}: nothing was deleted from paragraph-3"
        );

        let d = expect_mark(&r, "bullet-2", "del", "The suppression of women", what);
        assert!(
            d.text.contains("fundamental rights"),
            "{what}: the whole bullet"
        );
        assert_eq!(d.label, "removed: ", "{what}: label of the removed bullet");
        assert!(r.badges.is_empty(), "{what}: no invisible characters here");
        assert_ltr(&r, what);
    }
    maybe_screenshot(&env, &report, "report-diff.png", "1200,2100");
}

#[test]
fn persian_check_report_displays_right_to_left() {
    let env = TestEnv::new();
    let key = persian_sealed(&env);
    // ۳۰۰ -> ۲۰۰ inside paragraph 1; "بودند" (were) -> "نبودند" (were not)
    // at the end of paragraph 3; paragraph 2 intact.
    let copy = PERSIAN
        .replace("بیش از ۳۰۰ انجمن", "بیش از ۲۰۰ انجمن")
        .replace("مذهبی بودند.", "مذهبی نبودند.");
    assert_ne!(copy, PERSIAN);
    env.write("fa-copy.txt", &copy);
    check_html(&env, &key, "fa.zip", "fa-copy.txt", &[], "fa-check.html");
    let r = render(&env, &env.path("fa-check.html"), "fa-check", false);
    let what = "Persian check report";
    assert_all_marks_shown(&r, what);
    assert_marked_sections(&r, &["paragraph-1", "paragraph-3"], what);
    expect_mark(&r, "paragraph-1", "del", "۳۰۰", what);
    expect_mark(&r, "paragraph-1", "ins", "۲۰۰", what);
    expect_mark(&r, "paragraph-3", "ins", "نبودند", what);
    assert_eq!(r.passages.len(), 3, "{what}: three passages");
    assert_rtl(&r, what);

    // The same two texts compared as plain files.
    let o = env.vellum(["diff", "fa.txt", "fa-copy.txt", "--html", "fa-diff.html"]);
    assert_code(&o, 1, "diff of two Persian texts");
    let r = render(&env, &env.path("fa-diff.html"), "fa-diff", false);
    let what = "Persian diff report";
    assert_all_marks_shown(&r, what);
    assert_marked_sections(&r, &["paragraph-1", "paragraph-3"], what);
    expect_mark(&r, "paragraph-1", "del", "۳۰۰", what);
    expect_mark(&r, "paragraph-1", "ins", "۲۰۰", what);
    expect_mark(&r, "paragraph-3", "ins", "نبودند", what);
    assert_rtl(&r, what);
}

/// A Persian passage whose FIRST word changed: `dir="auto"` takes the
/// direction from the first strong letter in the DOM, which is the
/// visually hidden English label "deleted: " inside the leading `<del>`, so
/// the passage's computed direction is ltr (the text still looks right to
/// left thanks to `unicode-bidi: plaintext`, but assistive technology,
/// `:dir()` and copy-paste see ltr). Fixed when src/html.rs keeps the hidden
/// labels out of the direction (e.g. `<span class="sr" dir="ltr">`, which
/// dir=auto skips) or sets the passage direction itself.
#[test]

fn persian_passage_starting_with_a_change_is_right_to_left() {
    let env = TestEnv::new();
    let key = persian_sealed(&env);
    // "این" (these) -> "آن" (those), "بسیاری" (many) -> "برخی" (some).
    let copy = PERSIAN
        .replace("این انجمن", "آن انجمن")
        .replace("بسیاری از این", "برخی از این");
    env.write("fa-copy.txt", &copy);
    check_html(&env, &key, "fa.zip", "fa-copy.txt", &[], "fa-check.html");
    let r = render(&env, &env.path("fa-check.html"), "fa-first-word", false);
    let what = "Persian check report, first words changed";
    assert_all_marks_shown(&r, what);
    expect_mark(&r, "paragraph-2", "ins", "آن", what);
    expect_mark(&r, "paragraph-3", "ins", "برخی", what);
    assert_rtl(&r, what);
}
