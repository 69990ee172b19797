#!/usr/bin/env bash
# Install Debian's Chromium and its WebDriver (`chromium`, `chromium-driver`), for
# tests/dashboard.rs (the dashboard driven in a real headless browser).
#
# Idempotent: exits 0 at once when `chromium` and `chromedriver` are already on PATH.
# Otherwise runs `apt-get update` once and `apt-get install -y --no-install-recommends
# chromium chromium-driver`. One install at a time (a lock under target/). Called by
# tests/dashboard.rs through support::setup_script (time-bounded); safe to run by hand.
# Exits non-zero with a message when it cannot install (not root, no apt-get, no network).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

fail() {
    echo "tests/setup/chromium.sh: $*" >&2
    exit 1
}

have() {
    command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1
}

have && exit 0

if command -v flock >/dev/null 2>&1; then
    mkdir -p "$root/target"
    exec 9>"$root/target/.apt-setup.lock"
    flock -w 900 9 || fail "timed out waiting for another chromium.sh (lock $root/target/.apt-setup.lock)"
    have && exit 0
fi

command -v apt-get >/dev/null 2>&1 \
    || fail "chromium and chromedriver are not on PATH and there is no apt-get to install them; install Chromium and its chromedriver by hand"
[[ "$(id -u)" == 0 ]] \
    || fail "chromium and chromedriver are not on PATH; installing them needs root: run 'sudo apt-get install chromium chromium-driver' (or this script as root)"

export DEBIAN_FRONTEND=noninteractive
echo "tests/setup/chromium.sh: apt-get update" >&2
apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || fail "apt-get update failed (no network? see its output above)"
echo "tests/setup/chromium.sh: apt-get install chromium chromium-driver" >&2
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium chromium-driver >&2 \
    || fail "apt-get install chromium chromium-driver failed (see its output above)"

have || fail "the chromium packages installed but chromium or chromedriver is not on PATH (PATH=$PATH)"
echo "tests/setup/chromium.sh: ready ($(chromium --version 2>&1 | head -1); $(chromedriver --version 2>&1 | head -1))" >&2
