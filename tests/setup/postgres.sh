#!/usr/bin/env bash
# Install Debian's PostgreSQL server (package `postgresql`) for tests/team_postgres.rs.
#
# Idempotent: exits 0 at once when initdb and postgres are in /usr/lib/postgresql/*/bin.
# Otherwise runs `apt-get update` once and `apt-get install -y --no-install-recommends
# postgresql`. The package would create and start a cluster on port 5432: while installing,
# a policy-rc.d that denies every service start is put in place (when the machine has none)
# and RUNLEVEL=1 is set, and a postgres process that appears anyway is stopped, so no
# server is left running. The tests run their own throwaway clusters (initdb in a temporary
# directory, as the `postgres` user the package creates, on a free loopback port).
# Prints the directory holding initdb/postgres/pg_ctl on stdout. Exits non-zero with a
# message when it cannot install (not root, no apt-get, no network).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

fail() {
    echo "tests/setup/postgres.sh: $*" >&2
    exit 1
}

bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$d/initdb" && -x "$d/postgres" ]] && id postgres >/dev/null 2>&1; then
            echo "$d"
            return 0
        fi
    done
    return 1
}

bindir && exit 0

# One install at a time (parallel `cargo test` processes run this script together).
if command -v flock >/dev/null 2>&1; then
    mkdir -p "$root/target"
    exec 9>"$root/target/.postgres-setup.lock"
    flock -w 900 9 || fail "timed out waiting for another postgres.sh (lock $root/target/.postgres-setup.lock)"
    bindir && exit 0
fi

command -v apt-get >/dev/null 2>&1 \
    || fail "PostgreSQL's server is not installed and there is no apt-get to install it; install PostgreSQL 13+ by hand"
[[ "$(id -u)" == 0 ]] \
    || fail "PostgreSQL's server is not installed; installing it needs root: run 'sudo apt-get install postgresql' (or this script as root)"

policy=/usr/sbin/policy-rc.d
made_policy=""
restore() {
    if [[ -n "$made_policy" ]]; then
        rm -f "$policy"
    fi
}
trap restore EXIT
if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\n# routex tests/setup/postgres.sh: no service starts while installing\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    made_policy=1
fi

before="$(pgrep -x postgres || true)"

export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
echo "tests/setup/postgres.sh: apt-get update" >&2
apt-get update -qq >&2 || fail "apt-get update failed (no network? see its output above)"
echo "tests/setup/postgres.sh: apt-get install postgresql" >&2
apt-get install -y -qq --no-install-recommends postgresql >&2 \
    || fail "apt-get install postgresql failed (see its output above)"

# A server the package started despite the policy: stop it, by pid.
for pid in $(pgrep -x postgres || true); do
    if ! grep -qx "$pid" <<<"$before"; then
        echo "tests/setup/postgres.sh: stopping the postgres service the package started (pid $pid)" >&2
        kill -INT "$pid" 2>/dev/null || true
    fi
done

bindir || fail "the postgresql package installed but no initdb/postgres in /usr/lib/postgresql/*/bin"
