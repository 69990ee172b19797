#!/usr/bin/env bash
# Install the Claude Code CLI (npm @anthropic-ai/claude-code, pinned below) into
# <repo>/.claude-code, for tests/claude_code.rs. Idempotent: does nothing when the pinned
# version is there. Exits non-zero with a message when it cannot install (no npm, no
# network). Safe to run by hand.
set -euo pipefail

version="2.1.337"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
prefix="$root/.claude-code"
bin="$prefix/node_modules/.bin/claude"

fail() {
    echo "tests/e2e/claude-setup.sh: $*" >&2
    exit 1
}

if command -v flock >/dev/null 2>&1; then
    mkdir -p "$root/target"
    exec 9>"$root/target/.claude-setup.lock"
    flock -w 600 9 || fail "timed out waiting for another claude-setup.sh"
fi

if [[ -x "$bin" ]] && [[ "$(cat "$prefix/.version" 2>/dev/null)" == "$version" ]]; then
    echo "$bin"
    exit 0
fi
command -v npm >/dev/null 2>&1 || fail "npm not found; install Node.js 18+ (it brings npm)"
mkdir -p "$prefix"
echo "tests/e2e/claude-setup.sh: installing @anthropic-ai/claude-code@$version into $prefix" >&2
npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "@anthropic-ai/claude-code@$version" >&2 \
    || fail "npm install @anthropic-ai/claude-code@$version failed (no network? a proxy needed?)"
[[ -x "$bin" ]] || fail "installed, but $bin is missing"
echo "$version" >"$prefix/.version"
echo "$bin"
