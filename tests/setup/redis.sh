#!/usr/bin/env bash
# Install Debian's `redis-server` package, for tests/team_redis.rs (team mode's shared
# runtime state).
#
# Idempotent: exits 0 at once when `redis-server` is already on PATH. Otherwise runs
# `apt-get update` once and `apt-get install -y --no-install-recommends redis-server`. The
# package's maintainer scripts would start a redis service: while installing, a
# policy-rc.d that denies every service start is put in place (when the machine has none;
# an existing one is left as it is) and RUNLEVEL=1 is set, and any redis-server process
# that appears anyway is stopped by pid, so no daemon is left running. The tests start
# their own `redis-server` on a free loopback port and stop it by pid. Called by
# tests/team_redis.rs once per test process; safe to run by hand. Exits non-zero with a
# message when it cannot install (not root, no apt-get, no network).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

fail() {
    echo "tests/setup/redis.sh: $*" >&2
    exit 1
}

have() {
    command -v redis-server >/dev/null 2>&1
}

have && exit 0

# One install at a time (parallel `cargo test` processes run this script together).
if command -v flock >/dev/null 2>&1; then
    mkdir -p "$root/target"
    exec 9>"$root/target/.redis-setup.lock"
    flock -w 900 9 || fail "timed out waiting for another redis.sh (lock $root/target/.redis-setup.lock)"
    have && exit 0
fi

command -v apt-get >/dev/null 2>&1 \
    || fail "redis-server is not on PATH and there is no apt-get to install it; install Redis (6 or later) by hand"
[[ "$(id -u)" == 0 ]] \
    || fail "redis-server is not on PATH; installing it needs root: run 'sudo apt-get install redis-server' (or this script as root)"

policy=/usr/sbin/policy-rc.d
made_policy=""
restore() {
    if [[ -n "$made_policy" ]]; then
        rm -f "$policy"
    fi
}
trap restore EXIT
if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\n# routex tests/setup/redis.sh: no service starts while installing\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    made_policy=1
fi

before="$(pgrep -x redis-server || true)"

export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
echo "tests/setup/redis.sh: apt-get update" >&2
apt-get update -qq >&2 || fail "apt-get update failed (no network? see its output above)"
echo "tests/setup/redis.sh: apt-get install redis-server" >&2
apt-get install -y -qq --no-install-recommends redis-server >&2 \
    || fail "apt-get install redis-server failed (see its output above)"

# A redis-server the package started despite the policy: stop it, by pid.
for pid in $(pgrep -x redis-server || true); do
    if ! grep -qx "$pid" <<<"$before"; then
        echo "tests/setup/redis.sh: stopping the redis service the package started (pid $pid)" >&2
        kill "$pid" 2>/dev/null || true
    fi
done

have || fail "the redis-server package installed but redis-server is not on PATH (PATH=$PATH)"
echo "tests/setup/redis.sh: ready ($(redis-server --version 2>&1 | head -1))" >&2
