#!/usr/bin/env bash
# The test command: set up the tools the tests use (idempotent), then run
# every test. Extra arguments go to cargo test, e.g. scripts/test.sh --test hostile
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup-test-env.sh
# The dev profile optimises dependencies (Cargo.toml), so scrypt, hashing
# and deflate run at real speed while our own code compiles quickly.
cargo test --locked "$@"
