#!/usr/bin/env bash
# Install Prometheus and promtool from Debian's `prometheus` package, for tests/metrics.rs.
# Idempotent: exits 0 at once when `prometheus` and `promtool` are on PATH; otherwise
# installs the package with no service left running (tests/setup/apt.sh). Called by
# tests/metrics.rs once per test process; safe to run by hand.
set -euo pipefail
# shellcheck source=tests/setup/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

have() {
    command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1
}

apt_install prometheus prometheus prometheus "install Prometheus (2.x) by hand"
echo "tests/setup/prometheus.sh: ready ($(prometheus --version 2>&1 | head -1))" >&2
