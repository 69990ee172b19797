#!/usr/bin/env bash
# Install the Codex CLI (npm @openai/codex) and the Gemini CLI (npm @google/gemini-cli),
# pinned below, into <repo>/.agents/<name>, for tests/agents.rs. Usage:
#   agents-setup.sh codex|gemini
# Prints the path of the installed binary on its last line. Idempotent: does nothing when
# the pinned version is there. Exits non-zero with a message when it cannot install (no
# npm, no network). Safe to run by hand.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

fail() {
    echo "tests/e2e/agents-setup.sh: $*" >&2
    exit 1
}

case "${1:-}" in
    codex) package="@openai/codex" version="0.171.0" bin_name="codex" ;;
    gemini) package="@google/gemini-cli" version="0.61.0" bin_name="gemini" ;;
    *) fail "usage: agents-setup.sh codex|gemini" ;;
esac
prefix="$root/.agents/$1"
bin="$prefix/node_modules/.bin/$bin_name"

if command -v flock >/dev/null 2>&1; then
    mkdir -p "$root/target"
    exec 9>"$root/target/.agents-setup-$1.lock"
    flock -w 600 9 || fail "timed out waiting for another agents-setup.sh $1"
fi

if [[ -x "$bin" ]] && [[ "$(cat "$prefix/.version" 2>/dev/null)" == "$version" ]]; then
    echo "$bin"
    exit 0
fi
command -v npm >/dev/null 2>&1 || fail "npm not found; install Node.js 20+ (it brings npm)"
mkdir -p "$prefix"
echo "tests/e2e/agents-setup.sh: installing $package@$version into $prefix" >&2
npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "$package@$version" >&2 \
    || fail "npm install $package@$version failed (no network? a proxy needed?)"
[[ -x "$bin" ]] || fail "installed, but $bin is missing"
echo "$version" >"$prefix/.version"
echo "$bin"
