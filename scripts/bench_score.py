#!/usr/bin/env python3
"""Score vellum's findings on the web pages of measurement F against the
ground truth that scripts/bench_data.py wrote (bench-data/web/truth.json).

  scripts/bench_score.py --truth bench-data/web/truth.json --vellum F-pages.jsonl
  scripts/bench_score.py --truth ... --vellum F-warc.jsonl --warc      # match records by URL
  scripts/bench_score.py --truth ... --rg-list F-rg-l.txt              # what rg -l -F -f found

Prints precision and recall; --json-out FILE writes the same figures as JSON.
Python 3 standard library only.

What it assumes of vellum's JSON (check report schema
vellum-check-report-v2, docs/check-report.md; WARC records are not in that
document yet):

- one JSON object per line, one per document: a file of the folder, or an
  HTML or text response record of a WARC;
- `copy`: the document as named (for a file of the folder: its path; the
  file name is what is matched); for a WARC record `url` (its
  WARC-Target-URI; `target_uri` and `warc_target_uri` are accepted too),
  or else a `copy` of the form FILE#URL (how the WARC reader on branch
  documents labels a record);
- `verdict`: authentic, excerpt, altered, outdated, unrelated, or null with
  `error` when the document could not be read;
- `sections[]`: every sealed section with `id`, `status` (intact, altered,
  missing, moved, added) and `changes[]` (each with a `class`);
- `passages[]` (optional; scored when present): each with `status`
  (intact or altered), `sections` (sealed section ids, as strings or as
  objects with an `id`), `quoted` (bool), `changes[]` (each with a `class`).

A page counts as found when its verdict is authentic, excerpt, altered or
outdated. An altered page counts as reported with the right section when
the section the ground truth names is among the altered ones: the
`sections` of altered passages, else the `sections[]` whose status is
altered.
"""

import argparse
import json
import os
import sys

FOUND = {"authentic", "excerpt", "altered", "outdated"}


def load_truth(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_reports(path):
    out, bad = [], 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                bad += 1
    return out, bad


def report_url(o):
    for k in ("url", "target_uri", "warc_target_uri"):
        if isinstance(o.get(k), str):
            return o[k]
    # the document readers on branch documents label a record FILE#URL
    c = o.get("copy")
    if isinstance(c, str):
        i = c.find("#http")
        if i >= 0:
            return c[i + 1:]
    return None


def ids_of(xs):
    out = set()
    for x in xs or []:
        if isinstance(x, str):
            out.add(x)
        elif isinstance(x, dict) and isinstance(x.get("id"), str):
            out.add(x["id"])
    return out


def altered_sections(o):
    ps = o.get("passages")
    if isinstance(ps, list) and ps:
        s = set()
        for p in ps:
            if isinstance(p, dict) and p.get("status") == "altered":
                s |= ids_of(p.get("sections"))
        if s:
            return s
    return {s.get("id") for s in o.get("sections") or [] if isinstance(s, dict) and s.get("status") == "altered"}


def change_classes(o):
    cs = set()
    for group in (o.get("passages") or [], o.get("sections") or []):
        for x in group:
            if isinstance(x, dict):
                for c in x.get("changes") or []:
                    if isinstance(c, dict) and isinstance(c.get("class"), str):
                        cs.add(c["class"])
    return cs


def expected_verdict(page):
    if page["carries"] == "nothing":
        return "unrelated"
    if page["altered"]:
        return "altered"
    return "authentic" if page["carries"] == "whole" else "excerpt"


def ratio(a, b):
    return None if b == 0 else a / b


def fmt(x):
    return "n/a" if x is None else f"{x:.3f}"


def score_vellum(truth, reports, warc):
    pages = truth["pages"]
    by_key = {}
    unmatched = 0
    for o in reports:
        if warc:
            k = report_url(o)
        else:
            c = o.get("copy")
            k = os.path.basename(c) if isinstance(c, str) else None
        if k is None:
            unmatched += 1
            continue
        by_key[k] = o
    key = (lambda p: p["url"]) if warc else (lambda p: os.path.basename(p["file"]))
    s = {"reports": len(reports), "reports_not_matched": 0, "pages": len(pages)}
    tp = fn = fp = tn = err_pos = err_neg = missing = 0
    alt_tp = alt_fn = alt_fp = 0
    section_right = class_right = exact = 0
    fp_related = 0
    fp_list, fn_list, wrong_section, wrong_alt = [], [], [], []
    wrong_alt_classes = {}
    traits = {}
    has_passages = any(isinstance(o.get("passages"), list) for o in reports)
    pas_truth = pas_found = quoted_truth = quoted_right = 0
    matched_keys = set()

    def trait(name, value, ok, right):
        t = traits.setdefault(f"{name}={value}", [0, 0, 0])
        t[0] += ok
        t[1] += right
        t[2] += 1

    for p in pages:
        k = key(p)
        o = by_key.get(k)
        if o is not None:
            matched_keys.add(k)
        pos = p["carries"] != "nothing"
        v = o.get("verdict") if o else None
        if o is None:
            missing += 1
        if pos:
            found = v in FOUND
            if found:
                tp += 1
            else:
                fn += 1
                fn_list.append(k)
                if o is not None and v is None:
                    err_pos += 1
            right = found and v == expected_verdict(p)
            for name in ("carries", "charset", "entities", "source_wrapped", "http", "ad_inside"):
                if name in p and (warc or name != "http"):
                    trait(name, p[name], found, right)
            if p["carries"] == "quotations":
                trait("a_quotation_in_lower_case", any(q.get("lower_case_start") for q in p["passages"]), found, right)
                for form in sorted({q["form"] for q in p["passages"]}):
                    trait("a_quotation_in", form, found, right)
            if found and v == expected_verdict(p):
                exact += 1
            if p["altered"]:
                if v == "altered":
                    alt_tp += 1
                    want = {ps["change"]["section"] for ps in p["passages"] if ps.get("change")}
                    got = altered_sections(o)
                    if want <= got:
                        section_right += 1
                    else:
                        wrong_section.append((k, sorted(want), sorted(got)))
                    want_c = {ps["change"]["class"] for ps in p["passages"] if ps.get("change")}
                    if want_c <= change_classes(o):
                        class_right += 1
                else:
                    alt_fn += 1
            elif v == "altered":
                alt_fp += 1
                got = sorted(change_classes(o))
                for c in got:
                    wrong_alt_classes[c] = wrong_alt_classes.get(c, 0) + 1
                wrong_alt.append((k, p["carries"], got))
            if has_passages and o is not None and p["carries"] == "quotations":
                ps = [x for x in o.get("passages") or [] if isinstance(x, dict)]
                for tpas in p["passages"]:
                    pas_truth += 1
                    hit = [x for x in ps if set(tpas["sections"]) & ids_of(x.get("sections"))]
                    if hit:
                        pas_found += 1
                    if tpas["form"] in ("curly", "blockquote", "q"):
                        quoted_truth += 1
                        if any(x.get("quoted") is True for x in hit):
                            quoted_right += 1
        else:
            if v in FOUND:
                fp += 1
                fp_list.append((k, v))
                if p.get("topic") == "related":
                    fp_related += 1
                if v == "altered":
                    alt_fp += 1
            else:
                tn += 1
                if o is not None and v is None:
                    err_neg += 1
    # Other records of a WARC (robots.txt, CSS, images, redirects): any
    # finding on them is a false alarm; no report at all is fine.
    other_fp = 0
    if warc:
        for r in truth.get("other_records", []):
            o = by_key.get(r["url"])
            if o is not None:
                matched_keys.add(r["url"])
                if o.get("verdict") in FOUND:
                    other_fp += 1
                    fp_list.append((r["url"], o.get("verdict")))
    s["reports_not_matched"] = unmatched + len(set(by_key) - matched_keys)
    n_pos = tp + fn
    n_alt = alt_tp + alt_fn
    s.update({
        "carrying": n_pos, "carrying_found": tp, "missed": fn, "missed_as_error": err_pos,
        "not_carrying": fp + tn, "false_alarms": fp + other_fp, "false_alarms_related_topic": fp_related,
        "false_alarms_other_records": other_fp, "errors_on_not_carrying": err_neg,
        "pages_without_report": missing,
        "recall": ratio(tp, n_pos), "precision": ratio(tp, tp + fp + other_fp),
        "altered": n_alt, "altered_reported_altered": alt_tp,
        "altered_recall": ratio(alt_tp, n_alt), "altered_precision": ratio(alt_tp, alt_tp + alt_fp),
        "altered_right_section": section_right, "altered_right_class": class_right,
        "verdict_exactly_right": exact,
        "passages_in_json": has_passages,
        "quoted_passages": pas_truth, "quoted_passages_found": pas_found if has_passages else None,
        "quotation_forms": quoted_truth, "quoted_flag_right": quoted_right if has_passages else None,
        "by_trait": {k: {"found": a, "verdict_right": b, "pages": n} for k, (a, b, n) in sorted(traits.items())},
        "examples_missed": fn_list[:5], "examples_false_alarm": fp_list[:5],
        "examples_wrong_section": wrong_section[:5],
        "unaltered_reported_altered": len(wrong_alt),
        "unaltered_reported_altered_by_class": dict(sorted(wrong_alt_classes.items(), key=lambda x: -x[1])),
        "examples_unaltered_reported_altered": wrong_alt[:5],
    })
    s["all_right"] = (fn == 0 and fp + other_fp == 0 and section_right == n_alt and missing == 0)
    return s


def score_rg(truth, listed):
    names = {os.path.basename(x.strip()) for x in listed if x.strip()}
    pages = truth["pages"]
    pos = [p for p in pages if p["carries"] != "nothing"]
    found = [p for p in pos if os.path.basename(p["file"]) in names]
    fp = [p for p in pages if p["carries"] == "nothing" and os.path.basename(p["file"]) in names]
    alt = [p for p in pos if p["altered"]]
    # a page rg lists could only be told altered if an altered passage were
    # its only one: rg says nothing about changes either way
    return {"carrying": len(pos), "carrying_found": len(found), "recall": ratio(len(found), len(pos)),
            "false_alarms": len(fp), "precision": ratio(len(found), len(found) + len(fp)),
            "altered": len(alt), "altered_found_as_altered": 0,
            "pages_listed": len(names),
            "carrying_with_a_verbatim_sentence": sum(1 for p in pos if p.get("verbatim_sentences", 0) > 0)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--truth", required=True)
    ap.add_argument("--vellum", help="vellum check --json output (JSON lines)")
    ap.add_argument("--warc", action="store_true", help="match reports to pages by URL")
    ap.add_argument("--rg-list", help="output of rg -l -F -f SENTENCES pages/")
    ap.add_argument("--json-out")
    a = ap.parse_args()
    truth = load_truth(a.truth)
    out = {}
    if a.vellum:
        reports, bad = read_reports(a.vellum)
        s = score_vellum(truth, reports, a.warc)
        s["lines_not_json"] = bad
        out["vellum"] = s
        print(f"vellum ({'WARC records by URL' if a.warc else 'files by name'}): {s['reports']} reports, "
              f"{s['reports_not_matched']} not matched to a page, {s['pages_without_report']} pages without a report")
        print(f"  pages carrying the text: {s['carrying']}; found {s['carrying_found']} "
              f"(recall {fmt(s['recall'])}, precision {fmt(s['precision'])}); missed {s['missed']} "
              f"({s['missed_as_error']} as read errors)")
        print(f"  false alarms: {s['false_alarms']} (of which {s['false_alarms_related_topic']} on pages about the "
              f"same subject, {s['false_alarms_other_records']} on other WARC records); "
              f"read errors on pages that carry nothing: {s['errors_on_not_carrying']}")
        print(f"  altered pages: {s['altered']}; reported altered {s['altered_reported_altered']} "
              f"(recall {fmt(s['altered_recall'])}, precision {fmt(s['altered_precision'])}); "
              f"with the right section {s['altered_right_section']}, the right class {s['altered_right_class']}")
        if s["unaltered_reported_altered"]:
            print(f"  unaltered carrying pages reported altered: {s['unaltered_reported_altered']}, by the classes of "
                  "change reported: " + ", ".join(f"{k} {v}" for k, v in s["unaltered_reported_altered_by_class"].items())
                  + "; e.g. " + ", ".join(f"{k} ({c})" for k, c, _ in s["examples_unaltered_reported_altered"][:3]))
        print(f"  verdict exactly right (authentic / excerpt / altered): {s['verdict_exactly_right']} of {s['carrying']}")
        if s["passages_in_json"]:
            print(f"  quoted passages found: {s['quoted_passages_found']} of {s['quoted_passages']}; "
                  f"marked quoted: {s['quoted_flag_right']} of {s['quotation_forms']}")
        else:
            print("  no `passages` in vellum's JSON: passage-level figures skipped")
        print("  by trait (found / verdict right / pages): "
              + ", ".join(f"{k} {v['found']}/{v['verdict_right']}/{v['pages']}" for k, v in s["by_trait"].items()))
        if s["examples_missed"]:
            print("  missed, e.g.: " + ", ".join(s["examples_missed"][:3]))
        if s["examples_false_alarm"]:
            print("  false alarms, e.g.: " + ", ".join(f"{k} ({v})" for k, v in s["examples_false_alarm"][:3]))
        if s["examples_wrong_section"]:
            print("  wrong section, e.g.: " + "; ".join(f"{k}: want {w}, got {g[:4]}" for k, w, g in s["examples_wrong_section"][:3]))
        print(f"  all right: {'yes' if s['all_right'] else 'no'}")
    if a.rg_list:
        with open(a.rg_list, encoding="utf-8", errors="replace") as f:
            r = score_rg(truth, f.readlines())
        out["rg"] = r
        print(f"rg -l -F -f SENTENCES: lists {r['pages_listed']} pages; carrying found {r['carrying_found']} of "
              f"{r['carrying']} (recall {fmt(r['recall'])}), false alarms {r['false_alarms']}; "
              f"tells none of the {r['altered']} altered pages from the others")
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
