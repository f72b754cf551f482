#!/usr/bin/env bash
# Benchmark vellum side by side with what a user would otherwise do by hand
# (zip, openssl, minisign, unzip, git diff), on this machine, in one run.
#
#   scripts/bench.sh                 # build, generate data, measure, print the table
#
# Data: scripts/bench_data.py writes bench-data/ (deterministic, fixed seeds;
# regenerated only when the generator or the declaration changes).
# Results: bench-data/results/ (hyperfine JSON, /usr/bin/time -v output,
# facts.tsv, load.tsv) and bench-data/results/summary.md (the table).
#
# Needs: cargo, python3, hyperfine, /usr/bin/time, zip, unzip, openssl,
# minisign, git, rg (Debian ripgrep) and /usr/share/dict/words (Debian
# wamerican); as root, the missing Debian packages are installed.
#
# Environment:
#   BENCH_RUNS=3 BENCH_WARMUP=1   hyperfine runs / warmup runs per timing
#   BENCH_QUIET=0.3               wait before each timing until other processes
#                                 use fewer than this many cores (2 s sample)...
#   BENCH_WAIT=180                ...but at most this many seconds
#   BENCH_SUBJECT=head            measure the committed HEAD (clean export, own
#                                 target folder); =worktree: the working tree
#   BENCH_COMMIT=REV              with BENCH_SUBJECT=head: measure REV instead of HEAD
#   BENCH_SKIP_BUILD=1            use the last build as it is
#   BENCH_ONLY="A B C D E F G H"  run only these measurements (table from what exists)
#
# Measurements and targets:
#   A  seal 100 MB text: vellum seal <= 0.5 x (zip -6 + openssl dgst -sha256 + minisign -S);
#      archive size / text size <= 0.7
#   B  verify that archive: vellum verify <= 1.5 x (unzip -p | openssl dgst -sha256);
#      peak RSS <= 64 MiB; vellum prove of one section of it (the middle one, and
#      the last) <= 50 ms, vellum verify of that proof <= 5 ms, the proof <= 2 KB
#      besides the section's text
#   C  check 10,000 copies in one process: >= 20,000 copies/s and >= 30 x the rate
#      of a git diff --no-index --word-diff loop (timed over 300 copies);
#      worst adversarial copy (each 500 times in one process) <= 1 ms per copy
#   D  check a 10 MB copy with 1,000 word edits: vellum check <= git diff --word-diff
#      (vellum verify of that archive alone is reported as its share)
#   E  vellum diff of the same pair <= git diff --no-index --word-diff
#   F  10,000 web pages (~50 KB of HTML each, 1 in 20 carrying the declaration or
#      quotations from it, some altered), as a folder and as a WARC (gzip per
#      record, and plain): vellum check >= 100 MB/s of HTML, and >= 1/4 of the speed
#      of rg -F -f (the sealed sentences as fixed strings); vellum's findings
#      against the ground truth (scripts/bench_score.py): every carrying page
#      found, the altered ones altered in the right section, no false alarm;
#      peak RSS of the WARC run bounded (the 2x WARC within 1.2x + 8 MiB of the 1x)
#   G  a second mix of 10,000 copies (excerpts, curly-quoted sentences, HTML,
#      UTF-16, short unrelated paragraphs, reformatted full copies): >= 20,000
#      copies/s and >= 30 x a git diff --no-index --word-diff loop over 300 of them
#   H  more adversarial copies (a curly-quoted sentence, a misquoted one, a short
#      unrelated paragraph, a page of HTML furniture with one quotation, a 5 KB
#      reworded report), each 500 times in one process: <= 1 ms per copy
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RUNS="${BENCH_RUNS:-3}"
WARMUP="${BENCH_WARMUP:-1}"
QUIET="${BENCH_QUIET:-0.3}"
WAIT="${BENCH_WAIT:-180}"
# Rounds of the paired timings (scripts/interleave.py) behind the ratio rows
# of D, E and F: each round runs vellum and the other tool back to back.
PAIRED="${BENCH_PAIRED:-15}"
ALL="A B C D E F G H"
ONLY="${BENCH_ONLY:-$ALL}"

DATA="$ROOT/bench-data"
W="$DATA/work"
V="$W/vellum"
R="$DATA/results"
DECL="$ROOT/tests/data/declaration.txt"
T0="2026-01-01T00:00:00Z"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }
want() { [[ " $ONLY " == *" $1 "* ]]; }

# Debian packages the measurements use (command or file -> package); as root
# the missing ones are installed, otherwise the script names them and stops.
declare -A NEED=([hyperfine]=hyperfine [zip]=zip [unzip]=unzip [openssl]=openssl
  [minisign]=minisign [git]=git [/usr/bin/time]=time [rg]=ripgrep
  [/usr/share/dict/words]=wamerican)
missing=()
for c in "${!NEED[@]}"; do
  if [[ "$c" == /* ]]; then [[ -e "$c" ]] || missing+=("${NEED[$c]}")
  else command -v "$c" >/dev/null || missing+=("${NEED[$c]}"); fi
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    die "missing Debian packages: ${missing[*]} (apt-get install ${missing[*]})"
  fi
fi
for c in cargo python3; do
  command -v "$c" >/dev/null || die "$c is not installed"
done

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

# Cores busy over a 2 s sample (all processes; we run nothing meanwhile).
cpu_busy() {
  local a b
  read -r -a a < <(grep '^cpu ' /proc/stat)
  sleep 2
  read -r -a b < <(grep '^cpu ' /proc/stat)
  local ta=0 tb=0 i
  for i in 1 2 3 4 5 6 7 8; do ta=$((ta + a[i])); tb=$((tb + b[i])); done
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=$((tb - ta))
  awk -v i="$idle" -v t="$total" -v n="$(nproc)" 'BEGIN { printf "%.2f", (t > 0 ? (t - i) / t * n : 0) }'
}

# Wait until other processes are quiet (or BENCH_WAIT passed); log the load.
wait_quiet() {
  local label="$1" start busy
  start=$(date +%s)
  while :; do
    busy=$(cpu_busy)
    if awk -v b="$busy" -v q="$QUIET" 'BEGIN { exit !(b < q) }'; then break; fi
    if (( $(date +%s) - start >= WAIT )); then
      log "still busy ($busy cores) after ${WAIT}s; measuring $label anyway"
      break
    fi
    log "busy ($busy cores in use by others); waiting before $label"
    sleep 8
  done
  printf '%s\t%s\t%s\t%s\n' "$label" "$busy" "$(cut -d' ' -f1-3 /proc/loadavg)" \
    "$(( $(date +%s) - start ))" >> "$R/load.tsv"
}

# hf LABEL [hyperfine options and commands]: one hyperfine run, JSON to results.
hf() {
  local label="$1"; shift
  wait_quiet "$label"
  log "timing $label"
  hyperfine --style basic --warmup "${HF_WARMUP:-$WARMUP}" --runs "${HF_RUNS:-$RUNS}" \
    --export-json "$R/$label.json" "$@" >&2
}

# paired LABEL ROUNDS NAME=CMD NAME=CMD: vellum and the tool beside it taken
# in turn, round after round (scripts/interleave.py, one warm-up round), so
# that this machine's drift (its speed moves by half within minutes) slows
# both alike; the ratio is the median over rounds of vellum's time over the
# other's in the same round. hyperfine's separate runs are kept beside it.
paired() {
  local label="$1" rounds="$2"; shift 2
  wait_quiet "$label"
  log "timing $label (paired, $rounds rounds)"
  python3 "$ROOT/scripts/interleave.py" --warmup 1 --json "$R/$label.json" "$rounds" "$@" >&2
}

fact() { printf '%s\t%s\n' "$1" "$2" >> "$R/facts.tsv"; }

# rss LABEL CMD...: peak RSS (kB) of one run under /usr/bin/time -v.
rss() {
  local label="$1"; shift
  # memory does not depend on the load: no waiting here
  /usr/bin/time -v "$@" > /dev/null 2> "$R/$label.time" || true
  local kb
  kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$R/$label.time")
  [[ -n "$kb" ]] || die "no RSS for $label (see $R/$label.time)"
  fact "rss_kb_$label" "$kb"
}

# expect "0 1" CMD...: run once, and insist the exit code is one of those
# given (so that hyperfine -i never times a command that failed for real).
expect() {
  local ok="$1"; shift
  local rc=0
  "$@" > /dev/null 2> "$W/expect.err" || rc=$?
  [[ " $ok " == *" $rc "* ]] || { cat "$W/expect.err" >&2; die "exit $rc (want $ok): $*"; }
}

size() { stat -c %s "$1"; }

# ---------------------------------------------------------------------------
# Build, data, keys
# ---------------------------------------------------------------------------

mkdir -p "$W" "$R"
# What is measured: by default the committed HEAD, built from a clean export
# (git archive) into bench-data/head-src with its own target folder, so that
# edits in progress in the working tree, or a build running there, change
# nothing. BENCH_SUBJECT=worktree builds and measures the working tree
# (cargo build --release, target/release/vellum) instead. Either way the
# binary is copied to bench-data/work/vellum and that copy is timed.
SUBJECT="${BENCH_SUBJECT:-head}"
COMMIT="$(git rev-parse "${BENCH_COMMIT:-HEAD}^{commit}")"
case "$SUBJECT" in
  head)
    SRC="$DATA/head-src"
    if [[ "$(cat "$SRC/.commit" 2>/dev/null)" != "$COMMIT" ]]; then
      rm -rf "$SRC"; mkdir -p "$SRC"
      git archive "$COMMIT" | tar -x -C "$SRC"
      echo "$COMMIT" > "$SRC/.commit"
    fi
    BIN="$DATA/head-target/release/vellum"
    if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
      log "cargo build --release of commit ${COMMIT:0:7} (clean export in $SRC)"
      (cd "$SRC" && CARGO_TARGET_DIR="$DATA/head-target" cargo build --release --locked >&2)
    fi
    DIRTY=0 ;;
  worktree)
    BIN="$ROOT/target/release/vellum"
    if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
      log "cargo build --release (working tree)"
      cargo build --release >&2
    fi
    DIRTY="$(git status --porcelain -- src Cargo.toml Cargo.lock | wc -l)" ;;
  *) die "BENCH_SUBJECT must be head or worktree" ;;
esac
[[ -x "$BIN" ]] || die "$BIN missing (build it, or unset BENCH_SKIP_BUILD)"
cp "$BIN" "$V.tmp" && mv "$V.tmp" "$V"

# A-E's data is always made (C and D's archives come from it); F, G and H's
# only when they run. Each part is regenerated only when the generator (or
# the declaration, or the dictionary) changes.
PARTS=core
want F && PARTS+=,web
want G && PARTS+=,mix2
want H && PARTS+=,adv2
log "generating bench data (scripts/bench_data.py --parts $PARTS)"
python3 scripts/bench_data.py --parts "$PARTS" >&2

# A full run starts the results afresh; a partial run forgets only what its
# own measurements recorded before (files, facts and load lines of those
# letters), so the table mixes nothing stale into them.
if [[ "$ONLY" == "$ALL" ]]; then
  rm -f "$R"/*
else
  for L in $ONLY; do
    rm -f "$R/$L"-*
    for f in facts.tsv load.tsv; do
      [[ -f "$R/$f" ]] && sed -i -E "/^(${L}[-_]|rss_kb_${L}-|adv${L}_)/d" "$R/$f"
    done
  done
fi

fact date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
fact subject "$SUBJECT"
fact commit "${COMMIT:0:12}"
fact src_files_changed_vs_commit "$DIRTY"
fact vellum_sha256 "$(sha256sum "$V" | cut -c1-16)"
fact vellum_version "$("$V" --version)"
fact nproc "$(nproc)"
fact cpu "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
fact mem "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
fact kernel "$(uname -r)"
fact tools "hyperfine $(hyperfine --version | cut -d' ' -f2), $(zip -v | sed -n 2p | awk '{print $3, $4}'), $(unzip -v | head -1 | awk '{print $1, $2}'), $(openssl version | awk '{print $1, $2}'), minisign $(minisign -v 2>&1 | awk '{print $2}'), $(git --version), $(rg --version | sed -n 1p)"
fact runs "$RUNS"
fact warmup "$WARMUP"

BIG="$DATA/big100.txt"
ORIG="$DATA/big10.txt"
EDIT="$DATA/big10-edited.txt"
COPIES="$DATA/copies"
ADV="$DATA/adversarial"
N_COPIES=$(find "$COPIES" -type f | wc -l)
N_SAMPLE=$(wc -l < "$DATA/copies-sample300.txt")
fact big_bytes "$(size "$BIG")"
# How the long texts deflate (zlib level 6, as zip -6) and the dictionary
# they draw on, as bench_data.py measured and recorded them.
fact text_deflate "$(python3 -c 'import json,sys; i=json.load(open(sys.argv[1])); print(", ".join(f"{k} {v}" for k, v in sorted(i["deflate_ratio"].items())), "; dictionary", i["dictionary"]["file"], i["dictionary"]["sha256"][:16], i["dictionary"]["words"], "words, share of sentences", i["dictionary"]["share_of_sentences"])' "$DATA/info.json")"
fact n_copies "$N_COPIES"
fact copies_bytes "$(find "$COPIES" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')"
fact n_sample "$N_SAMPLE"

# Keys: a vellum key pair and an unencrypted minisign key pair, made once and
# kept, so that a partial run (BENCH_ONLY=B) verifies the archive A made.
if [[ ! -f "$W/vk.key" || ! -f "$W/vk.pub" ]]; then
  rm -f "$W"/vk.*
  "$V" keygen --out "$W/vk" --no-passphrase > /dev/null 2>&1
fi
if [[ ! -f "$W/mini.sec" || ! -f "$W/mini.pub" ]]; then
  rm -f "$W"/mini.*
  minisign -G -W -p "$W/mini.pub" -s "$W/mini.sec" > /dev/null
fi
PUB="$W/vk.pub"
KEY="$W/vk.key"

# The archives C and D check against (sealed once, not timed).
rm -f "$W/decl.zip" "$W/D.zip"
"$V" seal "$DECL" --key "$KEY" --archive "$W/decl.zip" -m bench --time "$T0" > /dev/null
"$V" seal "$ORIG" --key "$KEY" --archive "$W/D.zip" -m bench --time "$T0" > /dev/null

# ---------------------------------------------------------------------------
# A. Seal a 100 MB text
# ---------------------------------------------------------------------------
if want A; then
  SEAL="'$V' seal '$BIG' --key '$KEY' --archive '$W/A.zip' -m bench --time $T0"
  ZIP="zip -6 -q -j '$W/ref.zip' '$BIG'"
  DGST="openssl dgst -sha256 '$BIG'"
  MSIG="minisign -S -s '$W/mini.sec' -m '$BIG' -x '$W/big100.minisig'"
  rm -f "$W/A.zip"; expect 0 sh -c "$SEAL"
  rm -f "$W/ref.zip"; expect 0 sh -c "$ZIP"
  expect 0 sh -c "$DGST"
  expect 0 sh -c "$MSIG"
  hf A-seal -n "vellum seal" --prepare "rm -f '$W/A.zip'" "$SEAL"
  hf A-zip -n "zip -6" --prepare "rm -f '$W/ref.zip'" "$ZIP"
  hf A-dgst -n "openssl dgst -sha256" "$DGST"
  hf A-minisign -n "minisign -S" "$MSIG"
  rm -f "$W/A.zip"
  rss seal "$V" seal "$BIG" --key "$KEY" --archive "$W/A.zip" -m bench --time "$T0"
  fact A_zip_bytes "$(size "$W/A.zip")"
  fact ref_zip_bytes "$(size "$W/ref.zip")"
  # Seal's peak memory on a 300 MB text (the 100 MB one three times):
  # at most 4 times the text (issue 12 point 6).
  BIG300="$W/big300.txt"
  cat "$BIG" "$BIG" "$BIG" > "$BIG300"
  fact big300_bytes "$(size "$BIG300")"
  rm -f "$W/A300.zip"
  rss seal300 "$V" seal "$BIG300" --key "$KEY" --archive "$W/A300.zip" -m bench --time "$T0"
  rm -f "$W/A300.zip" "$BIG300"
fi

# ---------------------------------------------------------------------------
# B. Verify that archive
# ---------------------------------------------------------------------------
if want B; then
  [[ -f "$W/A.zip" ]] || die "B needs the archive A makes (run A first)"
  # An archive that does not verify is a FAIL, not a reason to stop: record
  # the exit code and the first problem, and time it all the same.
  rc=0; "$V" verify "$W/A.zip" --trust "$PUB" > "$R/B-verify.out" 2>&1 || rc=$?
  fact B_verify_rc "$rc"
  if (( rc != 0 )); then
    fact B_verify_msg "$(sed -n 2p "$R/B-verify.out" | sed 's/^ *//')"
    log "vellum verify A.zip exits $rc: $(cat "$R/B-verify.out")"
  fi
  hf B-verify -i -n "vellum verify" \
    "'$V' verify '$W/A.zip' --trust '$PUB'" \
    -n "unzip -p | openssl dgst -sha256" \
    "unzip -p '$W/A.zip' | openssl dgst -sha256"
  rss verify "$V" verify "$W/A.zip" --trust "$PUB"
  rss unzip-dgst sh -c "unzip -p '$W/A.zip' | openssl dgst -sha256"
  # The same on the 10 MB archive of D (for scale; no target).
  expect 0 "$V" verify "$W/D.zip" --trust "$PUB"
  hf B10-verify -n "vellum verify (10 MB)" \
    "'$V' verify '$W/D.zip' --trust '$PUB'" \
    -n "unzip -p | openssl dgst -sha256 (10 MB)" \
    "unzip -p '$W/D.zip' | openssl dgst -sha256"
  rss verify10 "$V" verify "$W/D.zip" --trust "$PUB"

  # Proofs of one section of the 100 MB archive: the middle section and the
  # last (whose tile is the tree's ragged edge). Milliseconds: hyperfine
  # without a shell (-N) and more runs.
  read -r MID LAST < <(python3 -c '
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
n = [x for x in z.namelist() if x.endswith("/v1/content/manifest.json")][0]
s = json.load(z.open(n))["sections"]
print(s[len(s) // 2]["id"], s[-1]["id"])' "$W/A.zip")
  fact B_proof_sections "$MID $LAST"
  for which in mid last; do
    id=$MID; [[ $which == last ]] && id=$LAST
    P="$W/B-$which.proof"
    expect 0 "$V" prove "$W/A.zip" "$id" -o "$P" --trust "$PUB"
    expect 0 "$V" verify "$P" --trust "$PUB"
    HF_RUNS=$((RUNS * 10)) HF_WARMUP=3 hf "B-prove-$which" -N -n "vellum prove ($which section)" \
      "'$V' prove '$W/A.zip' '$id' -o '$P' --trust '$PUB'"
    HF_RUNS=$((RUNS * 10)) HF_WARMUP=3 hf "B-verify-proof-$which" -N -n "vellum verify PROOF ($which section)" \
      "'$V' verify '$P' --trust '$PUB'"
    # The proof's size besides the section's text (its "text " line).
    fact "B_proof_bytes_$which" "$(size "$P")"
    fact "B_proof_text_bytes_$which" "$(python3 -c 'import sys; print(next(len(l) - 6 for l in open(sys.argv[1], "rb") if l.startswith(b"text ")))' "$P")"
  done
  rss prove "$V" prove "$W/A.zip" "$MID" -o "$W/B-mid.proof" --trust "$PUB"
fi

# ---------------------------------------------------------------------------
# C. Check 10,000 copies; the git loop; adversarial copies
# ---------------------------------------------------------------------------
if want C; then
  CHECK="'$V' check '$W/decl.zip' '$COPIES' --trust '$PUB' --json > /dev/null"
  GITLOOP="while read -r f; do git diff --no-index --word-diff '$DECL' \"\$f\" > /dev/null || true; done < '$DATA/copies-sample300.txt'"
  expect "0 1" sh -c "$CHECK"
  expect 0 sh -c "$GITLOOP"
  hf C-check -i -n "vellum check ($N_COPIES copies)" "$CHECK"
  hf C-gitloop -n "git diff --word-diff loop ($N_SAMPLE copies)" "$GITLOOP"
  rss check "$V" check "$W/decl.zip" "$COPIES" --trust "$PUB" --json

  # Fixed cost of one check process (verify the sealed declaration, read one copy).
  expect 0 "$V" check "$W/decl.zip" "$DECL" --trust "$PUB" --json
  hf C-one -n "vellum check (1 copy)" "'$V' check '$W/decl.zip' '$DECL' --trust '$PUB' --json"

  # Adversarial copies: each NAME folder holds one copy 500 times.
  for d in "$ADV"/*/; do
    name=$(basename "$d")
    n=$(find "$d" -type f | wc -l)
    cmd="'$V' check '$W/decl.zip' '$d' --trust '$PUB' --json"
    s=$(date +%s%N); expect "0 1" sh -c "$cmd"; e=$(date +%s%N)
    probe_ms=$(( (e - s) / 1000000 ))
    fact "adv_n_$name" "$n"
    if (( probe_ms > 30000 )); then
      # Too slow for several runs: keep the single probe as the figure.
      log "adversarial $name: ${probe_ms} ms for $n copies (probe only)"
      fact "adv_probe_ms_$name" "$probe_ms"
    else
      HF_WARMUP=0 hf "C-adv-$name" -i -n "$name" "$cmd"
    fi
  done
fi

# ---------------------------------------------------------------------------
# D. Check a 10 MB copy with 1,000 word edits; E. diff the same pair
# ---------------------------------------------------------------------------
GITWD="git diff --no-index --word-diff '$ORIG' '$EDIT'"
if want D; then
  expect 1 "$V" check "$W/D.zip" "$EDIT" --trust "$PUB"
  expect 1 sh -c "$GITWD"
  expect 0 "$V" verify "$W/D.zip" --trust "$PUB"
  hf D-check -i -n "vellum check" "'$V' check '$W/D.zip' '$EDIT' --trust '$PUB'" \
    -n "git diff --no-index --word-diff" "$GITWD" \
    -n "vellum verify (its share)" "'$V' verify '$W/D.zip' --trust '$PUB'"
  paired D-paired "$PAIRED" "vellum='$V' check '$W/D.zip' '$EDIT' --trust '$PUB'" "git=$GITWD"
  rss check10 "$V" check "$W/D.zip" "$EDIT" --trust "$PUB"
fi
if want E; then
  expect 1 "$V" diff "$ORIG" "$EDIT"
  hf E-diff -i -n "vellum diff" "'$V' diff '$ORIG' '$EDIT'" \
    -n "git diff --no-index --word-diff" "$GITWD"
  paired E-paired "$PAIRED" "vellum='$V' diff '$ORIG' '$EDIT'" "git=$GITWD"
  rss diff10 "$V" diff "$ORIG" "$EDIT"
fi

# ---------------------------------------------------------------------------
# F. 10,000 web pages: a folder of .html files and the same pages as a WARC
# ---------------------------------------------------------------------------
if want F; then
  WEB="$DATA/web"
  PAGES="$WEB/pages"
  SENT="$WEB/sentences.txt"
  fact F_pages "$(find "$PAGES" -type f | wc -l)"
  fact F_pages_bytes "$(find "$PAGES" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')"
  fact F_warc_bytes "$(size "$WEB/crawl.warc")"
  fact F_warcgz_bytes "$(size "$WEB/crawl.warc.gz")"
  fact F_warc2x_bytes "$(size "$WEB/crawl-2x.warc.gz")"
  fact F_sentences "$(wc -l < "$SENT")"

  # vellum on the folder. First one --json run for the scorer (exit 2 means
  # some page could not be read: recorded, and the rest is still judged),
  # then the timing of the command as a user types it (the human report).
  rc=0
  "$V" check "$W/decl.zip" "$PAGES" --trust "$PUB" --json > "$R/F-pages.jsonl" 2> "$R/F-pages.err" || rc=$?
  fact F_pages_rc "$rc"
  (( rc <= 2 )) || die "vellum check of the pages exits $rc: $(head -3 "$R/F-pages.err")"
  fact F_pages_errors "$(grep -c '"verdict":null' "$R/F-pages.jsonl" || true)"
  hf F-pages -i -n "vellum check pages/" \
    "'$V' check '$W/decl.zip' '$PAGES' --trust '$PUB' > '$W/F-pages.out' 2>&1"
  rss F-pages "$V" check "$W/decl.zip" "$PAGES" --trust "$PUB" --json

  # What a user reaches for instead: rg with the sealed sentences as fixed
  # strings (its output to a file: ripgrep, like grep, may stop at the first
  # match when its output is /dev/null). rg -l lists the pages for the score.
  RG="rg -F -f '$SENT' '$PAGES' > '$W/F-rg.out'"
  expect "0 1" sh -c "$RG"
  rg -l -F -f "$SENT" "$PAGES" > "$R/F-rg-l.txt" || true
  hf F-rg -i -n "rg -F -f SENTENCES pages/" "$RG"
  paired F-paired "$(( (PAIRED + 1) / 2 ))" \
    "vellum='$V' check '$W/decl.zip' '$PAGES' --trust '$PUB' > '$W/F-pages.out' 2>&1" "rg=$RG"
  # On the WARC, -a: its image records hold NUL bytes, and without -a rg
  # stops at the first one in a decompressed stream ("binary file matches").
  hf F-rg-warc -i -n "rg -a -F -f SENTENCES crawl.warc" \
    "rg -a -F -f '$SENT' '$WEB/crawl.warc' > '$W/F-rg-warc.out'" \
    -n "rg -a -z -F -f SENTENCES crawl.warc.gz" \
    "rg -a -z -F -f '$SENT' '$WEB/crawl.warc.gz' > '$W/F-rg-warcgz.out'"

  python3 scripts/bench_score.py --truth "$WEB/truth.json" --vellum "$R/F-pages.jsonl" \
    --rg-list "$R/F-rg-l.txt" --json-out "$R/F-pages.scores" | tee "$R/F-pages.scores.txt" >&2

  # WARC input: time it only if this build reads WARC. The probe is the
  # crawl's first records; reading them means one JSON line per HTML or text
  # response, with its URL (a `url` field, or a `copy` labelled FILE#URL).
  rc=0
  "$V" check "$W/decl.zip" "$WEB/probe.warc.gz" --trust "$PUB" --json > "$R/F-probe.jsonl" 2>&1 || rc=$?
  if python3 - "$R/F-probe.jsonl" <<'PY'
import json, sys
ok = 0
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    try:
        o = json.loads(line)
    except ValueError:
        continue
    c = o.get("copy") or ""
    ok += bool((o.get("url") or "#http" in c) and o.get("verdict"))
sys.exit(0 if ok >= 2 else 1)
PY
  then
    rc=0
    "$V" check "$W/decl.zip" "$WEB/crawl.warc.gz" --trust "$PUB" --json > "$R/F-warc.jsonl" 2> "$R/F-warc.err" || rc=$?
    fact F_warc_rc "$rc"
    (( rc <= 2 )) || die "vellum check of crawl.warc.gz exits $rc: $(head -3 "$R/F-warc.err")"
    hf F-warc -i -n "vellum check crawl.warc.gz --json" \
      "'$V' check '$W/decl.zip' '$WEB/crawl.warc.gz' --trust '$PUB' --json > '$W/F-warc.jsonl'" \
      -n "vellum check crawl.warc --json" \
      "'$V' check '$W/decl.zip' '$WEB/crawl.warc' --trust '$PUB' --json > '$W/F-warc-plain.jsonl'"
    rss F-warc "$V" check "$W/decl.zip" "$WEB/crawl.warc.gz" --trust "$PUB" --json
    rss F-warc2x "$V" check "$W/decl.zip" "$WEB/crawl-2x.warc.gz" --trust "$PUB" --json
    python3 scripts/bench_score.py --truth "$WEB/truth.json" --vellum "$R/F-warc.jsonl" --warc \
      --json-out "$R/F-warc.scores" | tee "$R/F-warc.scores.txt" >&2
  else
    why="$(head -c 300 "$R/F-probe.jsonl" | tr '\n' ' ')"
    fact F_warc_skip "this build does not read WARC (probe exit $rc: $why)"
    log "SKIP F WARC timings and memory: this build does not read WARC (probe exit $rc): $why"
  fi
fi

# ---------------------------------------------------------------------------
# G. A second mix of 10,000 copies; H. more adversarial copies
# ---------------------------------------------------------------------------
if want G; then
  COPIES2="$DATA/copies2"
  fact G_n_copies "$(find "$COPIES2" -type f | wc -l)"
  fact G_copies_bytes "$(find "$COPIES2" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')"
  fact G_n_sample "$(wc -l < "$DATA/copies2-sample300.txt")"
  CHECK2="'$V' check '$W/decl.zip' '$COPIES2' --trust '$PUB' --json > '$W/G-check.jsonl'"
  GITLOOP2="while read -r f; do git diff --no-index --word-diff '$DECL' \"\$f\" > /dev/null || true; done < '$DATA/copies2-sample300.txt'"
  rc=0; sh -c "$CHECK2" 2> "$R/G-check.err" || rc=$?
  fact G_check_rc "$rc"
  (( rc <= 2 )) || die "vellum check of copies2 exits $rc: $(head -3 "$R/G-check.err")"
  fact G_check_errors "$(grep -c '"verdict":null' "$W/G-check.jsonl" || true)"
  expect 0 sh -c "$GITLOOP2"
  # Timed as C is, its reports to /dev/null like the git loop's it is set
  # against (the run above kept them, to count the errors): writing 133 MB
  # of JSON to a file is not what either side is measured on.
  hf G-check -i -n "vellum check (second mix)" \
    "'$V' check '$W/decl.zip' '$COPIES2' --trust '$PUB' --json > /dev/null"
  hf G-gitloop -n "git diff --word-diff loop (second mix sample)" "$GITLOOP2"
  rss G-check "$V" check "$W/decl.zip" "$COPIES2" --trust "$PUB" --json
  # Where the time goes: each kind of copy on its own (hard links, one
  # process per kind; info).
  for d in "$DATA/copies2-by-kind"/*/; do
    name=$(basename "$d")
    fact "G_kind_n_$name" "$(find "$d" -type f | wc -l)"
    HF_WARMUP=0 hf "G-kind-$name" -i -n "$name" "'$V' check '$W/decl.zip' '$d' --trust '$PUB' --json > /dev/null"
  done
fi

if want H; then
  # The fixed cost of one check process, for the net figures (as in C).
  expect 0 "$V" check "$W/decl.zip" "$DECL" --trust "$PUB" --json
  hf H-one -n "vellum check (1 copy)" "'$V' check '$W/decl.zip' '$DECL' --trust '$PUB' --json"
  for d in "$DATA/adversarial2"/*/; do
    name=$(basename "$d")
    n=$(find "$d" -type f | wc -l)
    cmd="'$V' check '$W/decl.zip' '$d' --trust '$PUB' --json"
    s=$(date +%s%N); expect "0 1" sh -c "$cmd"; e=$(date +%s%N)
    probe_ms=$(( (e - s) / 1000000 ))
    fact "advH_n_$name" "$n"
    if (( probe_ms > 30000 )); then
      log "adversarial $name: ${probe_ms} ms for $n copies (probe only)"
      fact "advH_probe_ms_$name" "$probe_ms"
    else
      HF_WARMUP=0 hf "H-adv-$name" -i -n "$name" "$cmd"
    fi
  done
fi

# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------
python3 - "$R" <<'PY'
import json, os, statistics, sys, glob
R = sys.argv[1]
facts = {}
for line in open(os.path.join(R, "facts.tsv"), encoding="utf-8"):
    k, _, v = line.rstrip("\n").partition("\t")
    facts[k] = v

def res(label, i=0):
    p = os.path.join(R, label + ".json")
    if not os.path.exists(p):
        return None
    return json.load(open(p))["results"][i]

def med(label, i=0):
    r = res(label, i)
    return None if r is None else r["median"]

def paired(label, invert=False):
    """Per-round ratios of a paired timing (the first command's wall time
    over the second's in the same round, or the second's over the first's
    when `invert`): their median, how many rounds, the lowest and the
    highest."""
    a, b = res(label, 0), res(label, 1)
    if a is None or b is None:
        return None
    q = sorted(y / x if invert else x / y for x, y in zip(a["wall"], b["wall"]))
    return statistics.median(q), len(q), q[0], q[-1]

def paired_note(p):
    return f"paired {p[0]:.3f} over {p[1]} rounds (range {p[2]:.2f}-{p[3]:.2f})"

rows = []   # measurement, vellum, reference, ratio, target, verdict
details = []

def s(x):
    return "n/a" if x is None else f"{x:.3f} s"

def row(name, v, ref, ratio, target, ok):
    verdict = "n/a" if ok is None else ok if isinstance(ok, str) else ("PASS" if ok else "FAIL")
    rows.append((name, v, ref, ratio, target, verdict))


def adversarial(prefix, fprefix, one, title):
    """Rows of an adversarial set (hyperfine JSON PREFIX-NAME.json, facts
    FPREFIX_n_NAME and FPREFIX_probe_ms_NAME); returns the worst or None."""
    adv = []
    for p in sorted(glob.glob(os.path.join(R, prefix + "*.json"))):
        name = os.path.basename(p)[len(prefix):-5]
        r = json.load(open(p))["results"][0]
        nn = int(facts[f"{fprefix}_n_{name}"])
        adv.append((r["median"] / nn * 1000, name, r["median"], nn, (r["user"] + r["system"]) / nn * 1000))
    for k, val in facts.items():
        if k.startswith(f"{fprefix}_probe_ms_"):
            name = k[len(f"{fprefix}_probe_ms_"):]
            nn = int(facts[f"{fprefix}_n_{name}"])
            adv.append((int(val) / nn, name, int(val) / 1000, nn, float("nan")))
    if not adv:
        return None
    adv.sort(reverse=True)
    details.append(title + " (each NAME x N in one `vellum check` process; wall and CPU per copy; "
                   + (f"one-copy process: {one * 1000:.1f} ms" if one else "") + "):\n")
    details.append("| copy | N | wall (s) | wall per copy (ms) | wall per copy net of the one-copy process (ms) | CPU per copy (ms) |")
    details.append("|---|---:|---:|---:|---:|---:|")
    for per, name, wall, nn, cpu in adv:
        net = f"{(wall - one) / nn * 1000:.3f}" if one else "n/a"
        details.append(f"| {name} | {nn} | {wall:.3f} | {per:.3f} | {net} | {cpu:.3f} |")
    details.append("")
    return adv[0]

# A
seal, z, d, m = med("A-seal"), med("A-zip"), med("A-dgst"), med("A-minisign")
if None not in (seal, z, d, m):
    ref = z + d + m
    row("A seal 100 MB (time)", s(seal), f"{ref:.3f} s (zip {z:.3f} + dgst {d:.3f} + minisign {m:.3f})",
        f"{seal / ref:.3f}", "<= 0.5", seal <= 0.5 * ref)
    tb = int(facts["big_bytes"])
    az, rz = int(facts["A_zip_bytes"]), int(facts["ref_zip_bytes"])
    row("A archive size / text size", f"{az / tb:.3f} ({az:,} B)", f"{rz / tb:.3f} (zip -6, {rz:,} B)",
        "", "<= 0.7", az / tb <= 0.7)
    row("A seal peak RSS (info)", f"{int(facts['rss_kb_seal']) / 1024:.0f} MiB", "", "", "", None)
    if "rss_kb_seal300" in facts:
        kb, tb3 = int(facts["rss_kb_seal300"]), int(facts["big300_bytes"])
        row("A seal 300 MB peak RSS / text size", f"{kb * 1024 / tb3:.2f} ({kb / 1024:.0f} MiB)", "", "",
            "<= 4", kb * 1024 <= 4 * tb3)
# B
v, u = med("B-verify", 0), med("B-verify", 1)
if None not in (v, u):
    rc = int(facts.get("B_verify_rc", "0"))
    bad = "" if rc == 0 else f" [verify exits {rc}: {facts.get('B_verify_msg', '')}]"
    row("B verify 100 MB archive (time)", s(v) + bad, s(u) + " (unzip -p | openssl dgst)", f"{v / u:.3f}", "<= 1.5",
        rc == 0 and v <= 1.5 * u)
    kb = int(facts["rss_kb_verify"])
    row("B verify peak RSS", f"{kb / 1024:.1f} MiB" + (" [verify failed]" if rc else ""),
        f"{int(facts['rss_kb_unzip-dgst']) / 1024:.1f} MiB (unzip|openssl, max of both)",
        "", "<= 64 MiB", rc == 0 and kb <= 64 * 1024)
for which in ("mid", "last"):
    p, pv = med(f"B-prove-{which}"), med(f"B-verify-proof-{which}")
    if None in (p, pv):
        continue
    sec = facts.get("B_proof_sections", "  ").split(" ")[0 if which == "mid" else 1]
    row(f"B prove one section ({which}: {sec})", f"{p * 1000:.1f} ms", "", "", "<= 50 ms", p <= 0.050)
    row(f"B verify that proof ({which})", f"{pv * 1000:.2f} ms", "", "", "<= 5 ms", pv <= 0.005)
    # Everything in the file but the text's bytes is what a proof costs.
    fb, tb = int(facts[f"B_proof_bytes_{which}"]), int(facts[f"B_proof_text_bytes_{which}"])
    row(f"B proof size besides the text ({which})", f"{fb - tb:,} B (file {fb:,} B, text {tb:,})", "", "",
        "<= 2 KB", fb - tb <= 2000)
if "rss_kb_prove" in facts:
    row("B prove peak RSS (info)", f"{int(facts['rss_kb_prove']) / 1024:.1f} MiB", "", "", "", None)
v, u = med("B10-verify", 0), med("B10-verify", 1)
if None not in (v, u):
    row("B verify 10 MB archive (info)", s(v), s(u) + " (unzip -p | openssl dgst)", f"{v / u:.3f}", "", None)
    row("B verify 10 MB peak RSS (info)", f"{int(facts['rss_kb_verify10']) / 1024:.1f} MiB", "", "", "", None)
# C
c, g = med("C-check"), med("C-gitloop")
if None not in (c, g):
    n, ns = int(facts["n_copies"]), int(facts["n_sample"])
    rate, grate = n / c, ns / g
    row(f"C check {n:,} copies (rate)", f"{rate:,.0f} copies/s ({c:.3f} s)", "", "", ">= 20,000/s", rate >= 20000)
    row("C check rate vs git diff loop", f"{rate:,.0f} copies/s", f"{grate:,.0f} copies/s ({ns} copies in {g:.3f} s)",
        f"{rate / grate:.1f}x", ">= 30x", rate >= 30 * grate)
    row("C check peak RSS (info)", f"{int(facts['rss_kb_check']) / 1024:.0f} MiB", "", "", "", None)
    w = adversarial("C-adv-", "adv", med("C-one"), "Adversarial copies")
    if w:
        row("C worst adversarial copy (per copy)", f"{w[0]:.3f} ms ({w[1]})", "", "", "<= 1 ms", w[0] <= 1.0)
# D
dc, dg, dv = med("D-check", 0), med("D-check", 1), med("D-check", 2)
if None not in (dc, dg, dv):
    # The verdict is the paired ratio when it was measured: the separate
    # hyperfine runs, seconds apart, follow this machine's drift.
    pd = paired("D-paired")
    ratio = f"{dc / dg:.3f}" + (f"; {paired_note(pd)}" if pd else "")
    row("D check 10 MB copy, 1,000 edits", s(dc), s(dg) + " (git diff --word-diff)", ratio, "<= 1.0",
        pd[0] <= 1.0 if pd else dc <= dg)
    row("D   of which vellum verify (info)", f"{dv:.3f} s ({dv / dc * 100:.0f}% of check)", "", "", "", None)
    row("D check peak RSS (info)", f"{int(facts['rss_kb_check10']) / 1024:.0f} MiB", "", "", "", None)
# E
ed, eg = med("E-diff", 0), med("E-diff", 1)
if None not in (ed, eg):
    pe = paired("E-paired")
    ratio = f"{ed / eg:.3f}" + (f"; {paired_note(pe)}" if pe else "")
    row("E diff 10 MB pair", s(ed), s(eg) + " (git diff --word-diff)", ratio, "<= 1.0",
        pe[0] <= 1.0 if pe else ed <= eg)
    row("E diff peak RSS (info)", f"{int(facts['rss_kb_diff10']) / 1024:.0f} MiB", "", "", "", None)

# F
def mib(label):
    kb = facts.get(f"rss_kb_{label}")
    return None if kb is None else int(kb) / 1024

def score(name):
    p = os.path.join(R, name)
    return json.load(open(p)) if os.path.exists(p) else None

def findings(sc):
    v = sc["vellum"]
    return (f"recall {v['recall']:.3f} ({v['carrying_found']}/{v['carrying']}), {v['false_alarms']} false alarms, "
            f"altered {v['altered_reported_altered']}/{v['altered']} ({v['altered_right_section']} right section)"
            + ("" if v["passages_in_json"] else "; no passages in JSON"))

fpages, frg = med("F-pages"), med("F-rg")
if fpages is not None:
    npg, mb = int(facts["F_pages"]), int(facts["F_pages_bytes"]) / 1e6
    errs = int(facts.get("F_pages_errors", "0"))
    note = f"; {errs} pages unreadable (exit {facts.get('F_pages_rc')})" if errs else ""
    row(f"F check {npg:,} pages/ ({mb:.0f} MB of HTML)", f"{mb / fpages:.0f} MB/s ({fpages:.3f} s){note}", "", "",
        ">= 100 MB/s", mb / fpages >= 100)
    if frg is not None:
        # Paired: rg's time over vellum's in each round (vellum's speed
        # as a share of rg's), the verdict when it was measured.
        pf = paired("F-paired", invert=True)
        ratio = f"{frg / fpages:.3f}" + (f"; {paired_note(pf)}" if pf else "")
        row("F check pages/ vs rg -F -f SENTENCES pages/", f"{mb / fpages:.0f} MB/s",
            f"{mb / frg:.0f} MB/s ({frg:.3f} s, {facts['F_sentences']} sentences)", ratio,
            ">= 0.25", pf[0] >= 0.25 if pf else frg / fpages >= 0.25)
    if mib("F-pages") is not None:
        row("F check pages/ peak RSS (info)", f"{mib('F-pages'):.0f} MiB", "", "", "", None)
    sc = score("F-pages.scores")
    if sc:
        g = sc.get("rg")
        ref = (f"rg -l: recall {g['recall']:.3f} ({g['carrying_found']}/{g['carrying']}), {g['false_alarms']} false alarms, "
               f"altered 0/{g['altered']}") if g else ""
        row("F findings vs ground truth (pages/)", findings(sc), ref, "", "all found, altered right, 0 false alarms",
            sc["vellum"]["all_right"])
fw, fwp = med("F-warc", 0), med("F-warc", 1)
mbw = int(facts["F_pages_bytes"]) / 1e6 if "F_pages_bytes" in facts else None
if fw is not None and mbw:
    gz, pl = int(facts["F_warcgz_bytes"]) / 1e6, int(facts["F_warc_bytes"]) / 1e6
    row(f"F check crawl.warc.gz --json ({gz:.0f} MB; {mbw:.0f} MB of HTML)", f"{mbw / fw:.0f} MB/s of HTML ({fw:.3f} s)",
        "", "", ">= 100 MB/s", mbw / fw >= 100)
    row(f"F check crawl.warc --json ({pl:.0f} MB, info)", f"{mbw / fwp:.0f} MB/s of HTML ({fwp:.3f} s)", "", "", "", None)
    a, b = mib("F-warc"), mib("F-warc2x")
    if a is not None and b is not None:
        row("F WARC peak RSS: crawl.warc.gz vs the 2x one", f"{a:.1f} MiB vs {b:.1f} MiB", "", f"{b / a:.2f}",
            "2x <= 1.2 x 1x + 8 MiB", b <= 1.2 * a + 8)
    sc = score("F-warc.scores")
    if sc:
        row("F findings vs ground truth (crawl.warc.gz)", findings(sc), "", "",
            "all found, altered right, 0 false alarms", sc["vellum"]["all_right"])
elif "F_warc_skip" in facts:
    row("F check crawl.warc.gz --json", "not timed: " + facts["F_warc_skip"][:120], "", "", ">= 100 MB/s", "SKIP")
    row("F WARC peak RSS: crawl.warc.gz vs the 2x one", "not measured (no WARC input)", "", "",
        "2x <= 1.2 x 1x + 8 MiB", "SKIP")
rw, rwz = med("F-rg-warc", 0), med("F-rg-warc", 1)
if rw is not None and mbw:
    row("F rg -a -F -f on crawl.warc / rg -a -z on crawl.warc.gz (info)", "",
        f"{rw:.3f} s / {rwz:.3f} s ({mbw / rw:.0f} / {mbw / rwz:.0f} MB/s of HTML)", "", "", None)
# G
c2, g2 = med("G-check"), med("G-gitloop")
if None not in (c2, g2):
    n, ns = int(facts["G_n_copies"]), int(facts["G_n_sample"])
    rate, grate = n / c2, ns / g2
    errs = int(facts.get("G_check_errors", "0"))
    note = f"; {errs} copies unreadable" if errs else ""
    row(f"G check {n:,} copies, second mix (rate)", f"{rate:,.0f} copies/s ({c2:.3f} s){note}", "", "", ">= 20,000/s",
        rate >= 20000)
    row("G check rate vs git diff loop", f"{rate:,.0f} copies/s", f"{grate:,.0f} copies/s ({ns} copies in {g2:.3f} s)",
        f"{rate / grate:.1f}x", ">= 30x", rate >= 30 * grate)
    if mib("G-check") is not None:
        row("G check peak RSS (info)", f"{mib('G-check'):.0f} MiB", "", "", "", None)
    kinds = []
    for p in sorted(glob.glob(os.path.join(R, "G-kind-*.json"))):
        name = os.path.basename(p)[len("G-kind-"):-5]
        r = json.load(open(p))["results"][0]
        nn = int(facts[f"G_kind_n_{name}"])
        kinds.append((name, nn, r["median"], (r["user"] + r["system"]) / nn * 1000))
    if kinds:
        one = med("H-one") or med("C-one")
        details.append("The second mix (G) by kind, each kind in one `vellum check` process"
                       + (f" (one-copy process: {one * 1000:.1f} ms)" if one else "") + ":\n")
        details.append("| kind | copies | wall (s) | wall per copy net of the one-copy process (ms) | CPU per copy (ms) |")
        details.append("|---|---:|---:|---:|---:|")
        for name, nn, wall, cpu in kinds:
            net = f"{(wall - one) / nn * 1000:.3f}" if one else "n/a"
            details.append(f"| {name} | {nn} | {wall:.3f} | {net} | {cpu:.3f} |")
        details.append("")
# H
w = adversarial("H-adv-", "advH", med("H-one"), "More adversarial copies (H)")
if w:
    row("H worst new adversarial copy (per copy)", f"{w[0]:.3f} ms ({w[1]})", "", "", "<= 1 ms", w[0] <= 1.0)

if "text_deflate" in facts:
    details.append(f"The long texts deflate to: {facts['text_deflate']}.\n")
# Every hyperfine figure, for the record.
allt = ["All timings (hyperfine, seconds; the table uses the median):\n",
        "| label | command | median | mean | stddev | min | max | user | system |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
for p in sorted(glob.glob(os.path.join(R, "*.json"))):
    for r in json.load(open(p))["results"]:
        allt.append("| {} | {} | {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.4f} |".format(
            os.path.basename(p)[:-5], r["command"].replace("|", "\\|"), r["median"], r["mean"], r.get("stddev") or 0.0,
            r["min"], r["max"], r["user"], r["system"]))
allt.append("")
loads = ["Others' CPU use just before each timing (cores busy in a 2 s sample; load averages 1/5/15 min; seconds waited):\n",
         "| timing | cores busy | load avg | waited (s) |", "|---|---:|---|---:|"]
lp = os.path.join(R, "load.tsv")
if os.path.exists(lp):
    for line in open(lp):
        a = line.rstrip("\n").split("\t")
        loads.append(f"| {a[0]} | {a[1]} | {a[2]} | {a[3]} |")
loads.append("")

hdr = ("measurement", "vellum", "reference tool", "ratio", "target", "result")
w = [max(len(str(r[i])) for r in rows + [hdr]) for i in range(6)]
print()
print("  ".join(h.ljust(w[i]) for i, h in enumerate(hdr)))
print("  ".join("-" * w[i] for i in range(6)))
for r in rows:
    print("  ".join(str(x).ljust(w[i]) for i, x in enumerate(r)))
print()

with open(os.path.join(R, "summary.md"), "w", encoding="utf-8") as f:
    f.write("| " + " | ".join(hdr) + " |\n|" + "---|" * 6 + "\n")
    for r in rows:
        f.write("| " + " | ".join(str(x).replace("|", "\\|") for x in r) + " |\n")
    f.write("\n" + "\n".join(details) + "\n" + "\n".join(allt) + "\n" + "\n".join(loads) + "\n")
    f.write("Facts:\n\n" + "\n".join(f"- {k}: {v}" for k, v in facts.items()) + "\n")
print(f"details: {os.path.join(R, 'summary.md')}", file=sys.stderr)
PY
