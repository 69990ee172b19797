#!/usr/bin/env bash
# Install Debian's PostgreSQL server (package `postgresql`) for tests/team_postgres.rs and
# bench/team-load.sh, and print the directory holding its initdb/postgres/pg_ctl on stdout.
# Idempotent: when they are in /usr/lib/postgresql/*/bin it only prints; otherwise it
# installs the package with no server left running (tests/setup/apt.sh: the package would
# create and start a cluster on port 5432). The tests run their own throwaway clusters
# (initdb in a temporary directory, as the `postgres` user the package creates, on a free
# loopback port). Safe to run by hand.
set -euo pipefail
# shellcheck source=tests/setup/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

bindir() {
    local d
    for d in $(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V -r); do
        if [[ -x "$d/initdb" && -x "$d/postgres" ]] && id postgres >/dev/null 2>&1; then
            echo "$d"
            return 0
        fi
    done
    return 1
}

have() {
    bindir >/dev/null
}

apt_install postgres postgresql postgres "install PostgreSQL 13 or later by hand"
bindir
