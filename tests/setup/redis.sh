#!/usr/bin/env bash
# Install Debian's `redis-server` package, for tests/team_redis.rs (team mode's shared
# runtime state) and bench/team-load.sh. Idempotent: exits 0 at once when `redis-server`
# is on PATH; otherwise installs it with no service left running (tests/setup/apt.sh). The
# tests start their own `redis-server` on a free loopback port and stop it by pid. Safe to
# run by hand.
set -euo pipefail
# shellcheck source=tests/setup/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

have() {
    command -v redis-server >/dev/null 2>&1
}

apt_install redis redis-server redis-server "install Redis (6 or later) by hand"
