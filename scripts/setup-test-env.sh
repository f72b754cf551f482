#!/usr/bin/env bash
# Set up what vellum's tests need on a fresh Debian machine, as root.
# Idempotent: run it as often as you like; it only installs what is missing.
#
#   Debian packages: minisign, openssl, openssh-client (ssh-keygen -Y verify),
#                    unzip, zip, time (/usr/bin/time -v for the memory test),
#                    python3-venv, chromium (the HTML report test),
#                    golang-go and golang-golang-x-mod-dev (Go's sumdb/note and
#                    sumdb/tlog check proofs and checkpoints: tests/go/proofcheck.go)
#   Python (.venv at the repo root): bagit (bagit.py), ocfl-py (ocfl-validate.py)
#
# The tests find the Python tools through VELLUM_PYTHON_BIN (a folder), else
# .venv/bin at the repo root, else PATH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BAGIT_VERSION=1.9.0
OCFL_PY_VERSION=2.1.0

# --- Debian packages -------------------------------------------------------
# command to check -> package that provides it
declare -A NEED=(
  [minisign]=minisign
  [openssl]=openssl
  [ssh-keygen]=openssh-client
  [unzip]=unzip
  [zip]=zip
  [/usr/bin/time]=time
  [chromium]=chromium
  [go]=golang-go
  [/usr/share/gocode/src/golang.org/x/mod/sumdb/note/note.go]=golang-golang-x-mod-dev
)
missing=()
for cmd in "${!NEED[@]}"; do
  if [[ $cmd == /usr/share/* ]]; then
    [[ -f $cmd ]] || missing+=("${NEED[$cmd]}")
  else
    command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEED[$cmd]}")
  fi
done
# python3 -m venv needs ensurepip (Debian's python3-venv) unless the python3
# on PATH brings its own.
if ! command -v python3 >/dev/null 2>&1; then
  missing+=(python3 python3-venv)
elif ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup-test-env: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
  echo "setup-test-env: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Python tools in .venv -------------------------------------------------
if [[ ! -x .venv/bin/python ]]; then
  echo "setup-test-env: creating .venv"
  python3 -m venv .venv
fi
want_py() {
  .venv/bin/python - "$BAGIT_VERSION" "$OCFL_PY_VERSION" <<'PY'
import sys
from importlib.metadata import version, PackageNotFoundError
try:
    ok = version("bagit") == sys.argv[1] and version("ocfl-py") == sys.argv[2]
except PackageNotFoundError:
    ok = False
sys.exit(0 if ok else 1)
PY
}
if ! want_py || [[ ! -x .venv/bin/bagit.py || ! -x .venv/bin/ocfl-validate.py ]]; then
  echo "setup-test-env: installing bagit==$BAGIT_VERSION ocfl-py==$OCFL_PY_VERSION into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check \
    "bagit==$BAGIT_VERSION" "ocfl-py==$OCFL_PY_VERSION"
fi

# --- Check ------------------------------------------------------------------
for t in minisign openssl ssh-keygen unzip zip /usr/bin/time chromium go .venv/bin/bagit.py .venv/bin/ocfl-validate.py; do
  command -v "$t" >/dev/null 2>&1 || { echo "setup-test-env: $t is still missing" >&2; exit 1; }
done
[[ -f /usr/share/gocode/src/golang.org/x/mod/sumdb/tlog/tlog.go ]] || { echo "setup-test-env: golang-golang-x-mod-dev is still missing" >&2; exit 1; }
echo "setup-test-env: ready (bagit $BAGIT_VERSION, ocfl-py $OCFL_PY_VERSION, $(minisign -v 2>&1 | head -1), $(openssl version | cut -d' ' -f1-2), $(go version | cut -d' ' -f3))"
