#!/usr/bin/env bash
# The one apt-get install the test setup scripts share (prometheus.sh, postgres.sh,
# redis.sh): sourced, not run. A script sets `have` (a function: is the tool there?) and
# calls
#
#     apt_install NAME "PACKAGES" "PROCESSES" "WHAT TO INSTALL BY HAND"
#
# which returns at once when `have` succeeds; otherwise takes the lock under target/ that
# every setup script installing packages shares (chromium.sh and shellcheck.sh too: one
# apt-get at a time, since parallel tests run these scripts together; apt-get also waits
# up to 600 s for dpkg's own lock), runs
# `apt-get update` once and `apt-get install -y --no-install-recommends PACKAGES`. The
# packages' maintainer scripts would start services: while installing, a policy-rc.d that
# denies every service start is put in place (when the machine has none; an existing one
# is left as it is) and RUNLEVEL=1 is set, and any of PROCESSES that appears anyway is
# stopped by pid (SIGINT, which is every one's clean stop), so no daemon is left running.
# Exits non-zero with a message naming NAME when it cannot install (not root, no apt-get,
# no network), or when `have` still fails afterwards.

apt_fail() {
    echo "tests/setup/$APT_NAME.sh: $*" >&2
    exit 1
}

apt_install() {
    APT_NAME=$1
    local packages=$2 processes=$3 by_hand=$4
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    have && return 0
    if command -v flock >/dev/null 2>&1; then
        mkdir -p "$root/target"
        exec 9>"$root/target/.apt-setup.lock"
        flock -w 900 9 || apt_fail "timed out waiting for another $APT_NAME.sh (lock $root/target/.apt-setup.lock)"
        have && return 0
    fi
    command -v apt-get >/dev/null 2>&1 \
        || apt_fail "$packages is not installed and there is no apt-get to install it; $by_hand"
    [[ "$(id -u)" == 0 ]] \
        || apt_fail "$packages is not installed; installing it needs root: run 'sudo apt-get install $packages' (or this script as root)"

    local policy=/usr/sbin/policy-rc.d made_policy=""
    if [[ ! -e "$policy" ]]; then
        printf '#!/bin/sh\n# routex tests/setup/%s.sh: no service starts while installing\nexit 101\n' "$APT_NAME" >"$policy"
        chmod 755 "$policy"
        made_policy=1
    fi
    local p before=""
    for p in $processes; do before="$before $(pgrep -x "$p" || true)"; done

    export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
    echo "tests/setup/$APT_NAME.sh: apt-get update" >&2
    local ok=1
    apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || ok=0
    if [[ $ok == 1 ]]; then
        echo "tests/setup/$APT_NAME.sh: apt-get install $packages" >&2
        # shellcheck disable=SC2086 # the package list is meant to split
        apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $packages >&2 || ok=0
    fi
    [[ -n "$made_policy" ]] && rm -f "$policy"
    [[ $ok == 1 ]] || apt_fail "apt-get could not install $packages (no network? see its output above)"

    # A service a package started despite the policy: stop it, by pid.
    local pid
    for p in $processes; do
        for pid in $(pgrep -x "$p" || true); do
            if ! grep -qw "$pid" <<<"$before"; then
                echo "tests/setup/$APT_NAME.sh: stopping the $p service the package started (pid $pid)" >&2
                kill -INT "$pid" 2>/dev/null || true
            fi
        done
    done
    have || apt_fail "$packages installed, but what the tests need is still missing (PATH=$PATH)"
}
