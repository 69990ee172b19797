#!/usr/bin/env bash
# Create <repo>/.venv and install tests/e2e/requirements.txt into it.
#
# Idempotent: does nothing when the venv exists and the stamp file inside it
# records the same requirements.txt (sha256). Called by tests/sdk_e2e.rs once per
# test process; safe to run by hand. Exits non-zero with a message when it
# cannot create the venv or install (e.g. no network).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/.venv"
req="$here/requirements.txt"
stamp="$venv/.routex-e2e-requirements.sha256"
python="${PYTHON:-python3}"

fail() {
    echo "tests/e2e/setup.sh: $*" >&2
    exit 1
}

# One setup at a time (parallel `cargo test` processes share the venv).
if command -v flock >/dev/null 2>&1; then
    mkdir -p "$root/target"
    exec 9>"$root/target/.e2e-setup.lock"
    flock -w 600 9 || fail "timed out waiting for another setup.sh (lock $root/target/.e2e-setup.lock)"
fi

want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    exit 0
fi

command -v "$python" >/dev/null 2>&1 || fail "$python not found; install Python 3.9+ or set PYTHON=/path/to/python3"
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' \
    || fail "$("$python" --version 2>&1) is too old; the SDKs need Python 3.9+ (set PYTHON=...)"

if [[ ! -x "$venv/bin/python" ]]; then
    echo "tests/e2e/setup.sh: creating $venv" >&2
    "$python" -m venv "$venv" || fail "could not create $venv (is the python venv module installed? e.g. apt-get install python3-venv)"
fi

echo "tests/e2e/setup.sh: installing $(grep -v '^#' "$req" | tr '\n' ' ')into $venv" >&2
rm -f "$stamp"
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet --timeout 30 --retries 2 -r "$req" >&2 \
    || fail "pip install -r $req failed (no network? a proxy needed? see pip's output above)"
"$venv/bin/python" -c 'import anthropic, openai; from google import genai' \
    || fail "the SDKs were installed but do not import; delete $venv and run again"
echo "$want" >"$stamp"
echo "tests/e2e/setup.sh: ready ($("$venv/bin/python" -c 'import anthropic, openai; from google import genai; print("anthropic", anthropic.__version__, "openai", openai.__version__, "google-genai", genai.__version__)'))" >&2
