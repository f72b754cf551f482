#!/usr/bin/env bash
# Run every fuzz target (cargo-fuzz, nightly toolchain) for a while each.
#
#   scripts/fuzz.sh                  # FUZZ_SECONDS each (default 60)
#   FUZZ_SECONDS=1200 scripts/fuzz.sh canonicalize check   # chosen targets
#
# Seeds come from fuzz/seeds/TARGET (committed, small); what the fuzzer
# finds on the way goes to fuzz/corpus/TARGET (not committed). A crash
# stops the run with its input saved under fuzz/artifacts/TARGET/ and exit 1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_EACH="${FUZZ_SECONDS:-60}"
TARGETS=("$@")
if ((${#TARGETS[@]} == 0)); then
  mapfile -t TARGETS < <(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^vellum-fuzz$')
fi
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked --version 0.13.2
cargo +nightly fuzz build -O
for t in "${TARGETS[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  echo "--- fuzz $t for ${SECONDS_EACH}s"
  # -rss_limit_mb: the bounded-memory promise, made a crash when broken.
  cargo +nightly fuzz run -O "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 2>&1 \
    | grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|Done )" || true
  test "${PIPESTATUS[0]}" -eq 0 || { echo "fuzz: $t failed (see fuzz/artifacts/$t)" >&2; exit 1; }
done
echo "fuzz: ${#TARGETS[@]} targets, ${SECONDS_EACH}s each, no crash"
