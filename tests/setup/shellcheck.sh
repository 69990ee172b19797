#!/usr/bin/env bash
# Install shellcheck from Debian's package, for the test that lints diagnose/ (tests/diagnose.rs).
# Idempotent: exits 0 at once when shellcheck is on PATH; else `apt-get update` and
# `apt-get install -y --no-install-recommends shellcheck` (it starts no service). Exits
# non-zero with a message when it cannot install (not root, no apt-get, no network).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

fail() {
    echo "tests/setup/shellcheck.sh: $*" >&2
    exit 1
}

command -v shellcheck >/dev/null 2>&1 && exit 0
if command -v flock >/dev/null 2>&1; then
    mkdir -p "$root/target"
    exec 9>"$root/target/.apt-setup.lock"
    flock -w 900 9 || fail "timed out waiting for another shellcheck.sh"
    command -v shellcheck >/dev/null 2>&1 && exit 0
fi
command -v apt-get >/dev/null 2>&1 || fail "shellcheck is not on PATH and there is no apt-get to install it"
[[ "$(id -u)" == 0 ]] || fail "shellcheck is not on PATH; installing it needs root: sudo apt-get install shellcheck"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || fail "apt-get update failed (no network?)"
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends shellcheck >&2 || fail "apt-get install shellcheck failed"
command -v shellcheck >/dev/null 2>&1 || fail "installed, but shellcheck is not on PATH"
