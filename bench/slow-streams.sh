#!/usr/bin/env bash
# Many slow streams at once: N concurrent streaming requests, each a chunk every 200 ms
# for ~20 s, straight to a slow-stream mock, through nginx proxy_pass and through routex,
# in Anthropic and OpenAI shapes; then 10 000 sessions in routex's affinity table.
# Loopback only; every loop and wait is bounded; everything started is killed on exit.
#
#   bash bench/slow-streams.sh                 # N=1000, both shapes, three targets
#   STREAMS="1000 9000" bash bench/slow-streams.sh
#
# Reports (bench/results/slow-streams.md and .tsv): errors, time to first content
# p50/p99 and its overhead over direct, CPU per streamed chunk, RSS idle/peak/after (3 s
# and LATER_S after the last stream ended, with the open fds then), memory per stream
# ((peak - idle) / N) and the machine's load average. The client and the mock run in their own
# processes (bench/slow-streams: raw HTTP/1.1 on tokio), so each has the whole fd limit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
STREAMS=${STREAMS:-1000}
SHAPES=${SHAPES:-"anthropic openai"}
TARGETS=${TARGETS:-"direct nginx routex"}
EVERY_MS=${EVERY_MS:-200}
CHUNKS=${CHUNKS:-100}
RAMP_PER_S=${RAMP_PER_S:-1000}
SESSIONS=${SESSIONS:-10000}
LATER_S=${LATER_S:-30}
SETTLE_S=${SETTLE_S:-15}
RESULTS_DIR=${RESULTS_DIR:-$HERE/results}
if [ -z "${ROUTEX_BIN:-}" ]; then
    ROUTEX_BIN=$ROOT/target/release/routex
    [ -x "$ROUTEX_BIN" ] || ROUTEX_BIN=$ROOT/target/profiling/routex
fi
TOOL=$HERE/slow-streams/target/release/slow-streams

LOG_TAG=slow-streams
# shellcheck source=bench/common.sh
source "$HERE/common.sh"
need_tools nginx curl
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$ROUTEX_BIN" ] || die "no routex binary: cargo build --release (or --profile profiling), or set ROUTEX_BIN"
if [ ! -x "$TOOL" ]; then
    log "building bench/slow-streams"
    timeout 900 cargo build --release --manifest-path "$HERE/slow-streams/Cargo.toml" >&2
fi

ulimit -n 20000 2>/dev/null || true
TMP=$(mktemp -d /tmp/routex-slow.XXXXXX)
chmod 755 "$TMP"
MOCK_PID="" NGINX_PID="" RX_PID=""
cleanup() {
    set +e
    kill_wait "$RX_PID" TERM 150
    stop_nginx "$NGINX_PID"
    kill_wait "$MOCK_PID" TERM 20
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port; MOCK_PORT=$PORT
free_port; NGINX_PORT=$PORT
free_port; RX_PORT=$PORT

"$TOOL" mock "$MOCK_PORT" "$EVERY_MS" "$CHUNKS" &
MOCK_PID=$!

mkdir -p "$TMP/logs"
cat >"$TMP/nginx.conf" <<EOF
worker_processes 2;
worker_rlimit_nofile 20000;
pid $TMP/nginx.pid;
error_log $TMP/logs/error.log warn;
events { worker_connections 20000; }
http {
    access_log off;
    client_body_temp_path $TMP/client_body;
    proxy_temp_path $TMP/proxy_temp;
    upstream slow_mock { server 127.0.0.1:$MOCK_PORT; keepalive 1024; }
    server {
        listen 127.0.0.1:$NGINX_PORT backlog=4096;
        location / {
            proxy_pass http://slow_mock;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
            proxy_read_timeout 120s;
        }
    }
}
EOF
"$NGINX" -p "$TMP" -e "$TMP/logs/error.log" -c "$TMP/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!

export ROUTEX_HOME=$TMP/home
"$ROUTEX_BIN" channel add --name slow-anthropic --type anthropic --models 'claude-*' \
    --base-url "http://127.0.0.1:$MOCK_PORT" --api-key sk-bench-0000000000 >/dev/null
"$ROUTEX_BIN" channel add --name slow-openai --type openai --models 'gpt-*' \
    --base-url "http://127.0.0.1:$MOCK_PORT/v1" --api-key sk-bench-0000000000 >/dev/null
start_routex() {
    "$ROUTEX_BIN" serve --port "$RX_PORT" >"$TMP/logs/routex.log" 2>&1 &
    RX_PID=$!
    local i
    for i in $(seq 1 100); do
        curl -fsS -m 1 -o /dev/null "http://127.0.0.1:$RX_PORT/health/live" 2>/dev/null && return 0
        sleep 0.2
    done
    die "routex did not start: $(tail -5 "$TMP/logs/routex.log")"
}
start_routex
# Idle is measured once the start has settled: the cache warmer builds the tokenizer at
# start (~25 MB of temporaries, freed), and each event loop has mimalloc return freed
# pages after its first sweep, 10 s in. Measured sooner, "idle" would include pages the
# streams then reuse, and (peak - idle) / N would read low.
sleep "$SETTLE_S"

pids_of() { # target -> the pids whose memory and CPU count
    case $1 in
        direct) echo "$MOCK_PID" ;;
        nginx) echo "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')" ;;
        routex) echo "$RX_PID" ;;
    esac
}
rss_kb() { # pids -> summed VmRSS in KiB
    local p t=0 v
    for p in $1; do
        v=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
        t=$((t + ${v:-0}))
    done
    echo "$t"
}
cpu_ticks() { # pids -> summed utime+stime
    local p t=0 v
    for p in $1; do
        v=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
        t=$((t + ${v:-0}))
    done
    echo "$t"
}
url_of() {
    case $1 in
        direct) echo "http://127.0.0.1:$MOCK_PORT" ;;
        nginx) echo "http://127.0.0.1:$NGINX_PORT" ;;
        routex) echo "http://127.0.0.1:$RX_PORT" ;;
    esac
}
HZ=$(getconf CLK_TCK)
DEADLINE=$(((CHUNKS * EVERY_MS) / 1000 + 60))

mkdir -p "$RESULTS_DIR"
TSV=$RESULTS_DIR/slow-streams.tsv
printf 'n\tshape\ttarget\tok\terrors\tttfc_p50_ms\tttfc_p99_ms\tevents\tcpu_s\tcpu_us_per_chunk\trss_idle_kb\trss_peak_kb\trss_after_kb\tkb_per_stream\trss_later_kb\tfds_later\tload_1_5_15\n' >"$TSV"
for n in $STREAMS; do
    for shape in $SHAPES; do
        path=/v1/messages
        [ "$shape" = openai ] && path=/v1/chat/completions
        for target in $TARGETS; do
            pids=$(pids_of "$target")
            idle=$(rss_kb "$pids")
            cpu0=$(cpu_ticks "$pids")
            log "N=$n $shape via $target: idle RSS ${idle} KiB"
            "$TOOL" client "$(url_of "$target")" "$path" "$n" "$RAMP_PER_S" "$DEADLINE" >"$TMP/out.json" &
            cpid=$!
            peak=$idle
            while kill -0 "$cpid" 2>/dev/null; do
                r=$(rss_kb "$pids")
                [ "$r" -gt "$peak" ] && peak=$r
                sleep 0.25
            done
            wait "$cpid" || true
            cpu1=$(cpu_ticks "$pids")
            sleep 3
            after=$(rss_kb "$pids")
            # Again LATER_S after the end: routex's idle upstream connections past the 16
            # most recent close after 10 s unused, and each loop sweeps every 10 s.
            sleep $((LATER_S - 3))
            later=$(rss_kb "$pids")
            fds=$(for p in $pids; do find "/proc/$p/fd" -mindepth 1 -maxdepth 1 2>/dev/null; done | wc -l)
            out=$(cat "$TMP/out.json")
            log "  $out"
            python3 - "$n" "$shape" "$target" "$idle" "$peak" "$after" "$((cpu1 - cpu0))" "$HZ" "$out" "$later" "$fds" "$(uptime | sed 's/.*load average: //')" >>"$TSV" <<'PY'
import json, sys
n, shape, target, idle, peak, after, ticks, hz, out, later, fds, load = sys.argv[1:]
o = json.loads(out)
n, idle, peak, after, ticks, hz = int(n), int(idle), int(peak), int(after), int(ticks), int(hz)
cpu = ticks / hz
ev = o["events"] or 1
errs = ",".join(f"{k}:{v}" for k, v in o["errors"].items()) or "0"
print("\t".join(map(str, [n, shape, target, o["ok"], errs, o["ttfc_ms"]["p50"], o["ttfc_ms"]["p99"], o["events"],
    f"{cpu:.2f}", f"{cpu / ev * 1e6:.1f}", idle, peak, after, f"{(peak - idle) / n:.1f}", later, fds, load])))
PY
        done
    done
done

# Affinity table: a fresh daemon; 10 000 requests with one session, then 10 000 with
# distinct sessions. The growth of the second over the first is what the table holds.
kill_wait "$RX_PID" TERM 150
start_routex
sleep "$SETTLE_S"
aff_idle=$(rss_kb "$RX_PID")
"$TOOL" sessions "http://127.0.0.1:$RX_PORT" "$SESSIONS" 32 0 >"$TMP/s1.json"
sleep 2
aff_same=$(rss_kb "$RX_PID")
"$TOOL" sessions "http://127.0.0.1:$RX_PORT" "$SESSIONS" 32 1 >"$TMP/s2.json"
sleep 2
aff_distinct=$(rss_kb "$RX_PID")
log "affinity: idle $aff_idle KiB, after $SESSIONS one-session requests $aff_same KiB, after $SESSIONS distinct sessions $aff_distinct KiB ($(cat "$TMP/s1.json") $(cat "$TMP/s2.json"))"
printf 'affinity\t%s\tidle_kb=%s\tsame_session_kb=%s\tdistinct_sessions_kb=%s\t%s\t%s\n' "$SESSIONS" "$aff_idle" "$aff_same" \
    "$aff_distinct" "$(cat "$TMP/s1.json")" "$(cat "$TMP/s2.json")" >>"$TSV"
log "wrote $TSV"
