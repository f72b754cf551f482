#!/usr/bin/env bash
# Regenerate the reviewed example screenshots docs/report-check.png and
# docs/report-diff.png: the browser tests (tests/reports_browser.rs) build
# the reports from fixed inputs and, with VELLUM_SCREENSHOT_DIR set, save
# headless-Chromium screenshots of them. Look at the new images before
# committing them; they change with every run (fresh keys, fresh hashes).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VELLUM_SCREENSHOT_DIR="$ROOT/docs" cargo test --locked --test reports_browser -- \
  check_report_marks_alterations_and_shows_invisibles \
  diff_report_marks_changes_between_versions
ls -l docs/report-check.png docs/report-diff.png
