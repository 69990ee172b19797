#!/usr/bin/env bash
# Install Prometheus and promtool from Debian's `prometheus` package, for tests/metrics.rs.
#
# Idempotent: exits 0 at once when `prometheus` and `promtool` are already on PATH.
# Otherwise runs `apt-get update` once and `apt-get install -y --no-install-recommends
# prometheus`. The package's maintainer scripts would start a prometheus service: while
# installing, a policy-rc.d that denies every service start is put in place (when the
# machine has none; an existing one is left as it is) and RUNLEVEL=1 is set, and any
# prometheus process that appears anyway is stopped, so no daemon is left running.
# Called by tests/metrics.rs once per test process; safe to run by hand. Exits non-zero
# with a message when it cannot install (not root, no apt-get, no network).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

fail() {
    echo "tests/setup/prometheus.sh: $*" >&2
    exit 1
}

have() {
    command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1
}

have && exit 0

# One install at a time (parallel `cargo test` processes run this script together).
if command -v flock >/dev/null 2>&1; then
    mkdir -p "$root/target"
    exec 9>"$root/target/.prometheus-setup.lock"
    flock -w 900 9 || fail "timed out waiting for another prometheus.sh (lock $root/target/.prometheus-setup.lock)"
    have && exit 0
fi

command -v apt-get >/dev/null 2>&1 \
    || fail "prometheus and promtool are not on PATH and there is no apt-get to install them; install Prometheus (2.x) by hand"
[[ "$(id -u)" == 0 ]] \
    || fail "prometheus and promtool are not on PATH; installing them needs root: run 'sudo apt-get install prometheus' (or this script as root)"

policy=/usr/sbin/policy-rc.d
made_policy=""
restore() {
    if [[ -n "$made_policy" ]]; then
        rm -f "$policy"
    fi
}
trap restore EXIT
if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\n# routex tests/setup/prometheus.sh: no service starts while installing\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    made_policy=1
fi

before="$(pgrep -x prometheus || true)"

export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
echo "tests/setup/prometheus.sh: apt-get update" >&2
apt-get update -qq >&2 || fail "apt-get update failed (no network? see its output above)"
echo "tests/setup/prometheus.sh: apt-get install prometheus" >&2
apt-get install -y -qq --no-install-recommends prometheus >&2 \
    || fail "apt-get install prometheus failed (see its output above)"

# A prometheus the package started despite the policy: stop it, by pid.
for pid in $(pgrep -x prometheus || true); do
    if ! grep -qx "$pid" <<<"$before"; then
        echo "tests/setup/prometheus.sh: stopping the prometheus service the package started (pid $pid)" >&2
        kill "$pid" 2>/dev/null || true
    fi
done

have || fail "the prometheus package installed but prometheus or promtool is not on PATH (PATH=$PATH)"
echo "tests/setup/prometheus.sh: ready ($(prometheus --version 2>&1 | head -1))" >&2
