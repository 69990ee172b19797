#!/usr/bin/env bash
# Where routex's memory per slow stream goes: N concurrent slow streams (bench/slow-streams'
# mock and client, as in bench/slow-streams.sh) through a routex built with the system
# allocator, run under heaptrack, killed (SIGKILL) mid-way through the streams or AFTER_S
# seconds after they ended. heaptrack then reports every allocation still live at that
# moment, with its stack: grouped here by the first frame that names an owner (hyper's
# buffers, the relay, tokio's tasks, ...), less what an idle run holds, divided by N.
# Loopback only; every wait bounded; everything started is killed on exit.
#
#   cargo build --features system-alloc             # debug is enough: set ROUTEX_BIN
#   STREAMS=0 OUT_DIR=/tmp/heap-idle bash bench/heap-profile.sh     # what idle holds
#   STREAMS=1000 IDLE_STACKS=/tmp/heap-idle/live-stacks.txt bash bench/heap-profile.sh
#   AFTER_S=3 STREAMS=1000 IDLE_STACKS=... bash bench/heap-profile.sh   # what stays after
#
# Leaves heaptrack's file and the live stacks in $OUT_DIR (default /tmp/routex-heap):
# delete it when done. Results: bench/results/slow-streams.md ("Where the memory goes").
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
STREAMS=${STREAMS:-1000}
SHAPE=${SHAPE:-anthropic}
EVERY_MS=${EVERY_MS:-200}
CHUNKS=${CHUNKS:-100}
RAMP_PER_S=${RAMP_PER_S:-500}
ROUTEX_BIN=${ROUTEX_BIN:-$ROOT/target/debug/routex}  # built with --features system-alloc
OUT_DIR=${OUT_DIR:-/tmp/routex-heap}
AFTER_S=${AFTER_S:-}
TOOL=$HERE/slow-streams/target/release/slow-streams

LOG_TAG=heap-profile
# shellcheck source=bench/common.sh
source "$HERE/common.sh"
need_tools curl heaptrack
[ -x "$ROUTEX_BIN" ] || die "no routex binary at $ROUTEX_BIN (cargo build --features system-alloc)"
if [ ! -x "$TOOL" ]; then
    timeout 900 cargo build --release --manifest-path "$HERE/slow-streams/Cargo.toml" >&2
fi

ulimit -n 20000 2>/dev/null || true
TMP=$(mktemp -d /tmp/routex-heapprof.XXXXXX)
mkdir -p "$OUT_DIR"
MOCK_PID="" RX_PID=""
cleanup() {
    set +e
    kill_wait "$RX_PID" TERM 600
    kill_wait "$MOCK_PID" TERM 20
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port; MOCK_PORT=$PORT
free_port; RX_PORT=$PORT
"$TOOL" mock "$MOCK_PORT" "$EVERY_MS" "$CHUNKS" &
MOCK_PID=$!

export ROUTEX_HOME=$TMP/home
"$ROUTEX_BIN" channel add --name slow-anthropic --type anthropic --models 'claude-*' \
    --base-url "http://127.0.0.1:$MOCK_PORT" --api-key sk-bench-0000000000 >/dev/null
"$ROUTEX_BIN" channel add --name slow-openai --type openai --models 'gpt-*' \
    --base-url "http://127.0.0.1:$MOCK_PORT/v1" --api-key sk-bench-0000000000 >/dev/null
rm -f "$OUT_DIR"/heaptrack.* "$OUT_DIR"/live-stacks.txt
heaptrack -o "$OUT_DIR/heaptrack.routex" "$ROUTEX_BIN" serve --port "$RX_PORT" >"$TMP/routex.log" 2>&1 &
RX_PID=$!
for _ in $(seq 1 150); do
    curl -fsS -m 1 -o /dev/null "http://127.0.0.1:$RX_PORT/health/live" 2>/dev/null && break
    sleep 0.2
done
curl -fsS -m 1 -o /dev/null "http://127.0.0.1:$RX_PORT/health/live" || die "routex did not start: $(tail -5 "$TMP/routex.log")"
# heaptrack runs routex as its child: the pid whose RSS counts.
RX_REAL=$(pgrep -n -P "$RX_PID" || echo "$RX_PID")
sleep 2
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$RX_REAL/status" 2>/dev/null || echo 0; }
idle=$(rss)
path=/v1/messages
[ "$SHAPE" = openai ] && path=/v1/chat/completions
log "N=$STREAMS $SHAPE streams through routex (pid $RX_REAL, idle RSS $idle KiB) under heaptrack"
# What is live at a moment: routex is killed (SIGKILL) there, and heaptrack reports what
# was never freed. Once at idle (SNAP_IDLE_S after start, no request yet), once mid-way
# through the streams (all N open): the difference is what the streams hold.
cpid=""
if [ "$STREAMS" -gt 0 ]; then
    "$TOOL" client "http://127.0.0.1:$RX_PORT" "$path" "$STREAMS" "$RAMP_PER_S" $(((CHUNKS * EVERY_MS) / 1000 + 120)) >"$TMP/out.json" &
    cpid=$!
fi
mid=$((STREAMS / RAMP_PER_S + (CHUNKS * EVERY_MS) / 2000))
peak=$idle
for _ in $(seq 1 $((mid * 4))); do
    r=$(rss)
    [ "$r" -gt "$peak" ] && peak=$r
    sleep 0.25
done
when="mid-stream after ${mid} s"
if [ -n "$AFTER_S" ] && [ -n "$cpid" ]; then
    # Or AFTER_S seconds after the last stream ended: what the daemon keeps.
    wait "$cpid" 2>/dev/null || true
    cpid=""
    sleep "$AFTER_S"
    when="$AFTER_S s after the streams ended"
fi
open=$(find "/proc/$RX_REAL/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
log "$when: RSS $(rss) KiB (peak $peak KiB; under heaptrack, system allocator), $open fds open; killing routex there"
kill -KILL "$RX_REAL" 2>/dev/null || true
wait "$RX_PID" 2>/dev/null || true
RX_PID=""
[ -z "$cpid" ] || wait "$cpid" 2>/dev/null || true
data=$(ls "$OUT_DIR"/heaptrack.routex.* | head -1)
heaptrack_print -f "$data" -p 0 -a 0 -T 0 -l 0 --flamegraph-cost-type leaked -F "$OUT_DIR/live-stacks.txt" \
    >"$OUT_DIR/print.txt" 2>&1 || true
grep -E '^(peak heap memory consumption|total memory leaked|calls to allocation)' "$OUT_DIR/print.txt" >&2 || true
python3 - "$OUT_DIR/live-stacks.txt" "$STREAMS" "${IDLE_STACKS:-}" <<'PY'
import collections, re, sys
stacks, n, idle = sys.argv[1], int(sys.argv[2]), sys.argv[3]
# Allocation frame first; the first frame naming an owner decides the group.
groups = [
    ("hyper HTTP/1 read/write buffers", ["hyper::proto::h1::io"]),
    ("hyper HTTP/1 connection state", ["hyper::proto::h1", "hyper::client::conn", "hyper::server::conn"]),
    ("hyper-util server (auto, graceful)", ["hyper_util::server"]),
    ("upstream client (lease, boxed connection)", ["routex::engine::proxy::client"]),
    ("relay (scan, parser, converter, ending)", ["routex::engine::proxy::relay", "routex::protocol::sse"]),
    ("request path (context, attempt, records)", ["routex::engine::proxy", "routex::daemon::proxy", "routex::engine::records"]),
    ("tokio tasks (spawned futures)", ["tokio::runtime::task"]),
    ("tokio timers", ["tokio::runtime::time", "tokio::time"]),
    ("tokio I/O registrations", ["tokio::runtime::io", "tokio::io", "tokio::net"]),
    ("daemon connection + service", ["routex::daemon"]),
    ("startup: tokenizer, sled, config", ["tiktoken", "sled::", "routex::engine::rules", "routex::store"]),
]
def side(frames):
    if any("routex::engine::proxy::client" in f or "hyper::client" in f for f in frames):
        return "upstream connection"
    if any("hyper_util::server" in f or "routex::daemon::serve_loop" in f or "hyper::server" in f for f in frames):
        return "client connection"
    return "?"
def load(path):
    g, sites = collections.Counter(), collections.Counter()
    for line in open(path):
        stack, _, cost = line.rstrip("\n").rpartition(" ")
        try:
            cost = int(cost)
        except ValueError:
            continue
        frames = stack.split(";")[::-1]
        name = "other"
        for f in frames:
            hit = next((name for name, keys in groups if any(k in f for k in keys)), None)
            if hit:
                name = hit
                break
        if name.startswith("hyper") or name.startswith("tokio tasks"):
            name += " / " + side(frames)
        g[name] += cost
        short = [re.sub(r"::h[0-9a-f]{16}( \(.*\))?$", "", f) for f in frames
                 if re.search(r"(routex|hyper|tokio|bytes|h2::|warp)", f)]
        sites[" < ".join(short[:3])] += cost
    return g, sites
g, sites = load(stacks)
base, base_sites = load(idle) if idle else (collections.Counter(), collections.Counter())
total = sum(g.values()) - sum(base.values())
print(f"live heap {sum(g.values()) / 2**20:.1f} MiB" + (f", idle {sum(base.values()) / 2**20:.1f} MiB" if idle else "")
      + f"; held by the streams {total / 2**20:.1f} MiB = {total / max(1, n) / 1024:.2f} KiB per stream (N={n})")
for name in sorted(set(g) | set(base), key=lambda k: -(g[k] - base[k])):
    d = g[name] - base[name]
    if abs(d) >= 1024:
        print(f"  {d / max(1, n) / 1024:7.2f} KiB/stream  {100 * d / max(1, total):5.1f} %  {name}")
print("largest allocation sites (live bytes over idle, per stream):")
diff = collections.Counter({k: sites[k] - base_sites[k] for k in sites})
for k, v in diff.most_common(15):
    print(f"  {v / max(1, n) / 1024:7.2f} KiB  {k[:260]}")
PY
