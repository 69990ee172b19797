#!/usr/bin/env bash
# Soak: a mixed load through routex for SOAK_SECONDS (default 1800 = 30 min; not in CI):
# Anthropic and OpenAI clients, streams and non-streams, two channels of which the
# preferred one goes down for 10 s every minute (routex fails over to the other). Samples
# routex's RSS, open fds and req/s every SAMPLE_S; at the end compares requests sent with
# records stored (failures included) and fits the RSS slope after the first tenth.
# Loopback only; every wait bounded; everything started is killed on exit.
#
#   bash bench/soak.sh                         # 30 minutes
#   SOAK_SECONDS=120 bash bench/soak.sh        # a 2-minute check that it works
#
# Writes bench/results/soak.tsv (the samples), soak.md (the verdict) and soak.png (RSS and
# req/s over time; matplotlib is installed with pip when missing).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SOAK_SECONDS=${SOAK_SECONDS:-1800}
SAMPLE_S=${SAMPLE_S:-5}
CONCURRENCY=${CONCURRENCY:-16}
RESULTS_DIR=${RESULTS_DIR:-$HERE/results}
if [ -z "${ROUTEX_BIN:-}" ]; then
    ROUTEX_BIN=$ROOT/target/release/routex
    [ -x "$ROUTEX_BIN" ] || ROUTEX_BIN=$ROOT/target/profiling/routex
fi
TOOL=$HERE/slow-streams/target/release/slow-streams

LOG_TAG=soak
# shellcheck source=bench/common.sh
source "$HERE/common.sh"
need_tools curl
[ -x "$ROUTEX_BIN" ] || die "no routex binary: cargo build --release (or --profile profiling), or set ROUTEX_BIN"
if [ ! -x "$TOOL" ]; then
    timeout 900 cargo build --release --manifest-path "$HERE/slow-streams/Cargo.toml" >&2
fi
if ! python3 -c 'import matplotlib' 2>/dev/null; then
    log "installing matplotlib (for the plot)"
    timeout 300 python3 -m pip install --quiet matplotlib >&2 ||
        timeout 300 python3 -m pip install --quiet --break-system-packages matplotlib >&2 || log "no matplotlib: no plot"
fi

TMP=$(mktemp -d /tmp/routex-soak.XXXXXX)
GOOD_PID="" RX_PID="" LOAD_PID="" FLAP_PID=""
cleanup() {
    set +e
    kill_wait "$LOAD_PID" TERM 20
    kill_wait "$FLAP_PID" TERM 20
    kill_wait "$RX_PID" TERM 150
    kill_wait "$GOOD_PID" TERM 20
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port; GOOD_PORT=$PORT
free_port; FLAKY_PORT=$PORT
free_port; RX_PORT=$PORT
# Streams of 10 content events 50 ms apart (~0.5 s each).
"$TOOL" mock "$GOOD_PORT" 50 10 & GOOD_PID=$!

export ROUTEX_HOME=$TMP/home
for kind in anthropic openai; do
    models='claude-*'; suffix=""
    [ "$kind" = openai ] && models='gpt-*' && suffix=/v1
    "$ROUTEX_BIN" channel add --name "flaky-$kind" --type "$kind" --models "$models" --priority 10 \
        --base-url "http://127.0.0.1:$FLAKY_PORT$suffix" --api-key sk-soak-0000000000 >/dev/null
    "$ROUTEX_BIN" channel add --name "good-$kind" --type "$kind" --models "$models" --priority 1 \
        --base-url "http://127.0.0.1:$GOOD_PORT$suffix" --api-key sk-soak-0000000000 >/dev/null
done
cat >"$TMP/config.yaml" <<EOF
circuit_breaker: { failure_threshold: 3, open_s: 5 }
EOF
start_routex() {
    "$ROUTEX_BIN" serve --port "$RX_PORT" --config "$TMP/config.yaml" >>"$TMP/routex.log" 2>&1 &
    RX_PID=$!
    local i
    for i in $(seq 1 100); do
        curl -fsS -m 1 -o /dev/null "http://127.0.0.1:$RX_PORT/health/live" 2>/dev/null && return 0
        sleep 0.2
    done
    die "routex did not start: $(tail -5 "$TMP/routex.log")"
}
start_routex

# The flaky upstream: up 50 s, down 10 s, for the whole run (this subshell owns it).
(
    pid=""
    trap 'kill $pid 2>/dev/null' EXIT
    end=$((SECONDS + SOAK_SECONDS + 5))
    while [ $SECONDS -lt $end ]; do
        "$TOOL" mock "$FLAKY_PORT" 50 10 &
        pid=$!
        sleep 50
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
        pid=""
        sleep 10
    done
) &
FLAP_PID=$!

log "soak for $SOAK_SECONDS s at concurrency $CONCURRENCY against routex pid $RX_PID"
"$TOOL" mixed "http://127.0.0.1:$RX_PORT" "$SOAK_SECONDS" "$CONCURRENCY" >"$TMP/load.tsv" &
LOAD_PID=$!
mkdir -p "$RESULTS_DIR"
TSV=$RESULTS_DIR/soak.tsv
printf 'seconds\trss_kb\tfds\tsent\tok\tfailed\n' >"$TSV"
start=$SECONDS
while kill -0 "$LOAD_PID" 2>/dev/null && [ $((SECONDS - start)) -lt $((SOAK_SECONDS + 60)) ]; do
    sleep "$SAMPLE_S"
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$RX_PID/status")
    fds=$(find "/proc/$RX_PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    last=$(grep -P '^\d+\t' "$TMP/load.tsv" | tail -1 || true)
    read -r _ sent ok failed <<<"${last:-0 0 0 0}"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$((SECONDS - start))" "$rss" "$fds" "$sent" "$ok" "$failed" >>"$TSV"
done
wait "$LOAD_PID" || true
LOAD_PID=""
summary=$(tail -1 "$TMP/load.tsv")
log "load: $summary"

# Stop cleanly (the log is flushed), start again and count every stored record.
kill_wait "$RX_PID" TERM 300
start_routex
stored=$(python3 - "http://127.0.0.1:$RX_PORT" <<'PY'
import json, sys, urllib.request
base, cursor, n = sys.argv[1], "0", 0
for _ in range(100000):
    with urllib.request.urlopen(f"{base}/api/requests/tail?cursor={cursor}&limit=1000", timeout=30) as r:
        d = json.load(r)["data"]
    n += len(d["records"])
    if not d["records"]:
        break
    cursor = d["cursor"]
print(n)
PY
)
python3 - "$TSV" "$summary" "$stored" "$RESULTS_DIR" "$SOAK_SECONDS" <<'PY'
import json, sys
tsv, summary, stored, out, secs = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
rows = [l.rstrip("\n").split("\t") for l in open(tsv)][1:]
t = [int(r[0]) for r in rows]; rss = [int(r[1]) / 1024 for r in rows]; fds = [int(r[2]) for r in rows]
sent = [int(r[3]) for r in rows]
rate = [0] + [(sent[i] - sent[i - 1]) / max(1, t[i] - t[i - 1]) for i in range(1, len(t))]
k = max(1, len(t) // 10)
xs, ys = t[k:], rss[k:]
n = len(xs)
mx, my = sum(xs) / n, sum(ys) / n
slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / max(1e-9, sum((x - mx) ** 2 for x in xs))
lines = [
    f"# Soak: {secs} s, mixed load (both protocols, stream and not, a channel down 10 s a minute)",
    "",
    "- requests sent %d, answered ok %d, failed %d; records stored %d (%s)" % (summary["sent"], summary["ok"],
        summary["failed"], stored, "0 lost" if stored == summary["sent"] else "%d missing" % (summary["sent"] - stored)),
    f"- RSS {rss[0]:.1f} MB at the first sample, {max(rss):.1f} MB peak, {rss[-1]:.1f} MB at the end;"
    f" slope after the first tenth {slope * 60:.3f} MB/min",
    f"- open fds {min(fds)}..{max(fds)} (first {fds[0]}, last {fds[-1]})",
    f"- req/s mean {summary['sent'] / max(1, summary['seconds']):.0f}",
]
open(f"{out}/soak.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, a = plt.subplots(figsize=(9, 4))
    a.plot(t, rss, color="tab:blue"); a.set_xlabel("seconds"); a.set_ylabel("RSS (MB)", color="tab:blue")
    b = a.twinx(); b.plot(t, rate, color="tab:orange", alpha=0.6); b.set_ylabel("req/s", color="tab:orange")
    a.set_title(f"routex soak: RSS slope {slope * 60:.3f} MB/min, {stored}/{summary['sent']} records")
    fig.tight_layout(); fig.savefig(f"{out}/soak.png", dpi=90)
except ImportError:
    pass
PY
