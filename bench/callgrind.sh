#!/usr/bin/env bash
# Instructions per proxied request: routex under callgrind, one event loop
# (`server.workers: 1`), request log on, in front of load.sh's nginx mock, driven by
# wrk -t1 -c4. See bench/README.md ("Instructions per request").
# Only 127.0.0.1 is used; every wait and loop is bounded; everything started is killed on exit.
#
#   cargo build --release && bash bench/callgrind.sh
#   CALLGRIND_N1=300 CALLGRIND_N2=1300 CALLGRIND_MODES="nonstream stream" bash bench/callgrind.sh
#   CALLGRIND_REDIS=1 bash bench/callgrind.sh   # team mode: routex shares its state through
#                                                # a redis-server of its own (docs/team.md)
#   CALLGRIND_POSTGRES=1 bash bench/callgrind.sh  # team mode: routex on a throwaway Postgres
#                                                # cluster (storage: postgres://…); with
#                                                # CALLGRIND_REDIS=1 too, the whole team setup
#
# Per mode, one routex is started fresh under valgrind, checked with one real request and
# warmed up; then its counters are dumped (zeroed), wrk sends N1 requests, a dump; wrk sends
# N2 requests, a dump. Instructions per request = (Ir of the N2 phase - Ir of the N1 phase)
# / (requests of N2 - requests of N1), the requests counted on the mock's side (what routex
# proxied). What each phase pays once (wrk's four connections accepted and closed, the
# batch left in the request log's queue) cancels in the difference.
set -euo pipefail

case "${1:-}" in
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    "") ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
esac

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
ROUTEX_BIN=${ROUTEX_BIN:-$ROOT/target/release/routex}
CALLGRIND_MODES=${CALLGRIND_MODES:-"nonstream stream"}
CALLGRIND_N1=${CALLGRIND_N1:-300}              # requests in the first measured phase
CALLGRIND_N2=${CALLGRIND_N2:-1300}             # requests in the second measured phase
CALLGRIND_WARMUP=${CALLGRIND_WARMUP:-200}      # requests before the first dump
CALLGRIND_CONNS=${CALLGRIND_CONNS:-4}          # wrk connections (one wrk thread)
CALLGRIND_PHASE_MAX_S=${CALLGRIND_PHASE_MAX_S:-240}  # bound on one wrk phase
HEALTH_TIMEOUT_S=${HEALTH_TIMEOUT_S:-90}       # valgrind starts slowly
BENCH_CLIENT_KEY=${BENCH_CLIENT_KEY:-sk-bench} # sent as x-api-key / Bearer, as in load.sh
# The request log writes a batch at 500 records or after 1 s: wait this long after each
# phase so its records are written (and counted) in that phase.
SETTLE_S=${SETTLE_S:-2}
# 1: start a redis-server on a free loopback port (no persistence) and give routex
# `redis:` (team mode's shared state), to measure what sharing adds per request.
CALLGRIND_REDIS=${CALLGRIND_REDIS:-0}
# 1: run routex on a throwaway PostgreSQL cluster (initdb as the postgres user, a free
# loopback port), to measure what the shared store adds per request.
CALLGRIND_POSTGRES=${CALLGRIND_POSTGRES:-0}

LOG_TAG=callgrind
# shellcheck source=bench/common.sh
source "$HERE/common.sh"

[ "$CALLGRIND_N2" -gt "$CALLGRIND_N1" ] || die "CALLGRIND_N2 ($CALLGRIND_N2) must exceed CALLGRIND_N1 ($CALLGRIND_N1)"
[ -x "$ROUTEX_BIN" ] || die "routex binary not found: $ROUTEX_BIN (run \`cargo build --release\` first, or set ROUTEX_BIN)"

# ---------------------------------------------------------------- tools
need_tools nginx wrk curl valgrind callgrind_control:valgrind
if [ "$CALLGRIND_REDIS" = 1 ]; then need_tools redis-server; fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# ---------------------------------------------------------------- temp dir + cleanup
TMP=$(mktemp -d /tmp/routex-callgrind.XXXXXX)
chmod 755 "$TMP"
NGINX_PID=""
RX_PID=""
WRK_PID=""
REDIS_PID=""
PG_PID=""
cleanup() {
    set +e
    kill_wait "$WRK_PID" INT 20
    kill_wait "$REDIS_PID" TERM 50
    kill_wait "$PG_PID" INT 100
    kill_wait "$RX_PID" TERM 300 # routex under valgrind shuts down slowly
    stop_nginx "$NGINX_PID"
    if [ "${BENCH_KEEP_TMP:-0}" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port; MOCK_PORT=$PORT
free_port; RX_PORT=$PORT
REDIS_LINE=""
if [ "$CALLGRIND_REDIS" = 1 ]; then
    mkdir -p "$TMP/redis"
    # A port free to connect to can still be taken (a connection's own end in TIME-WAIT on
    # a busy machine): a few tries.
    for _ in 1 2 3 4 5; do
        free_port; REDIS_PORT=$PORT
        redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$TMP/redis" \
            >"$TMP/redis/redis.log" 2>&1 &
        REDIS_PID=$!
        for _ in $(seq 1 50); do
            (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null && break 2
            kill -0 "$REDIS_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill_wait "$REDIS_PID" TERM 20
        REDIS_PID=""
    done
    [ -n "$REDIS_PID" ] || die "redis-server did not start: $(cat "$TMP/redis/redis.log")"
    REDIS_LINE="redis: redis://127.0.0.1:$REDIS_PORT"
    log "redis-server on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID): routex shares its state through it"
fi
PG_LINE=""
if [ "$CALLGRIND_POSTGRES" = 1 ]; then
    PGBIN=$(bash "$ROOT/tests/setup/postgres.sh" | tail -1)
    mkdir -p "$TMP/pg"
    chown postgres "$TMP/pg"
    setpriv --reuid=postgres --regid=postgres --init-groups -- "$PGBIN/initdb" -D "$TMP/pg/data" -A trust -U routex \
        --no-sync -E UTF8 >/dev/null
    free_port; PG_PORT=$PORT
    setpriv --reuid=postgres --regid=postgres --init-groups -- "$PGBIN/postgres" -D "$TMP/pg/data" -p "$PG_PORT" \
        -c listen_addresses=127.0.0.1 -k "$TMP/pg" >"$TMP/pg/postgres.log" 2>&1 &
    PG_PID=$!
    for _ in $(seq 1 100); do
        "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
        sleep 0.2
    done
    "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || die "postgres did not start: $(tail -5 "$TMP/pg/postgres.log")"
    export ROUTEX_MASTER_KEY=routex-callgrind
    PG_LINE="storage: postgres://routex@127.0.0.1:$PG_PORT/postgres
replica: callgrind"
    log "postgres on 127.0.0.1:$PG_PORT (pid $PG_PID): routex keeps its store there"
fi

# ---------------------------------------------------------------- mock upstream (as load.sh)
mkdir -p "$TMP/www" "$TMP/logs"
write_mock_answers "$TMP/www"

# The mock server block of load.sh, with an access log: one line per request routex
# proxied, which is how requests are counted. (nginx answers POST on a static file with 405;
# `error_page 405 =200 <uri>` re-runs it as GET on the internal location: status 200.)
MOCK_LOG="$TMP/logs/mock-access.log"
cat >"$TMP/nginx.conf" <<EOF
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/logs/error.log warn;
events { worker_connections 1024; }
http {
    log_format counted '\$status \$request_uri';
    access_log off;
    types { }
    client_body_temp_path $TMP/client_body;
    proxy_temp_path $TMP/proxy_temp;
    fastcgi_temp_path $TMP/fastcgi_temp;
    uwsgi_temp_path $TMP/uwsgi_temp;
    scgi_temp_path $TMP/scgi_temp;
    keepalive_requests 1000000;
    keepalive_timeout 65s;
    server_tokens off;

$(mock_server_block "$MOCK_PORT" "$TMP/www" "access_log $MOCK_LOG counted;")
}
EOF

log "starting the nginx mock on 127.0.0.1:$MOCK_PORT"
"$NGINX" -t -q -p "$TMP" -e "$TMP/logs/error.log" -c "$TMP/nginx.conf" || die "nginx config test failed"
# daemon off: nginx stays in this script's session (see bench/README.md on autogroups).
"$NGINX" -p "$TMP" -e "$TMP/logs/error.log" -c "$TMP/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$MOCK_PORT") 2>/dev/null && break
    kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited: $(cat "$TMP/logs/error.log")"
    sleep 0.1
done

check() { # url expect-ctype expect-substring stream(true/false) [extra curl args...]
    local url=$1 want_ct=$2 want=$3 stream=$4 out
    shift 4
    out=$(curl -sS -m 30 -o "$TMP/check.body" -w '%{http_code} %{content_type}' -X POST \
        -H 'content-type: application/json' -H 'anthropic-version: 2023-06-01' "$@" \
        --data "{\"model\":\"claude-bench\",\"max_tokens\":8,\"stream\":$stream,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" \
        "$url" 2>&1) || { log "request to $url failed: $out"; return 1; }
    [ "${out%% *}" = 200 ] || { log "$url answered ${out%% *}: $(head -c 300 "$TMP/check.body")"; return 1; }
    case "${out#* }" in "$want_ct"*) ;; *) log "$url content-type '${out#* }', want '$want_ct'"; return 1 ;; esac
    grep -q "$want" "$TMP/check.body" || { log "$url body lacks $want"; return 1; }
}
check "http://127.0.0.1:$MOCK_PORT/v1/messages" application/json '"stop_reason":"end_turn"' false || die "mock check failed"
check "http://127.0.0.1:$MOCK_PORT/stream/v1/messages" text/event-stream 'event: message_stop' true || die "mock check failed"
log "nginx mock answers correctly"

mock_count() { if [ -f "$MOCK_LOG" ]; then wc -l <"$MOCK_LOG"; else echo 0; fi; }

# ---------------------------------------------------------------- wrk scripts
# The body and headers of load.sh's scripts; the thread stops after LIMIT responses and
# sends wrk itself SIGINT (through LuaJIT's FFI), which ends the main thread's sleep of -d:
# wrk then prints its summary as usual. (A `kill` through os.execute is lost: system()
# ignores SIGINT while its child runs.)
write_lua() { # file stream(true/false) limit
    cat >"$1" <<EOF
wrk.method = "POST"
wrk.body = '{"model":"claude-bench","max_tokens":32,"stream":$2,"messages":[{"role":"user","content":"Say hello."}]}'
wrk.headers["content-type"] = "application/json"
wrk.headers["anthropic-version"] = "2023-06-01"
wrk.headers["x-api-key"] = "$BENCH_CLIENT_KEY"
wrk.headers["authorization"] = "Bearer $BENCH_CLIENT_KEY"
local ffi = require("ffi")
ffi.cdef("int kill(int pid, int sig); int getpid(void);")
local limit, seen, stopped = $3, 0, false
response = function(status, headers, body)
    seen = seen + 1
    if seen >= limit and not stopped then
        stopped = true
        wrk.thread:stop()
        ffi.C.kill(ffi.C.getpid(), 2)
    end
end
EOF
    if [ "$2" = true ]; then echo 'wrk.headers["x-bench-stream"] = "1"' >>"$1"; fi
}

# ---------------------------------------------------------------- routex under callgrind
CG_DIR="$TMP/cg"
mkdir -p "$CG_DIR"
start_routex() { # mode -> sets RX_PID, RX_DIR
    local mode=$1 base="http://127.0.0.1:$MOCK_PORT" stream=false want_ct=application/json want='"stop_reason":"end_turn"'
    RX_DIR="$TMP/routex-$mode"
    if [ "$mode" = stream ]; then
        base="$base/stream" stream=true want_ct=text/event-stream want='event: message_stop'
    fi
    mkdir -p "$RX_DIR/data"
    # load.sh's routex target (default config: request log on; one anthropic channel to
    # the mock), on one event loop.
    cat >"$RX_DIR/routex.yaml" <<EOF
server:
  workers: 1
channels:
  - name: bench
    type: anthropic
    base_url: $base
    api_key: sk-bench
    models: ["*"]
$REDIS_LINE
$PG_LINE
EOF
    valgrind --tool=callgrind --log-file="$RX_DIR/valgrind.log" \
        --callgrind-out-file="$CG_DIR/callgrind.out.$mode.%p" \
        "$ROUTEX_BIN" serve --data-dir "$RX_DIR/data" --port "$RX_PORT" --config "$RX_DIR/routex.yaml" \
        >"$RX_DIR/stdout.log" 2>&1 &
    RX_PID=$!
    local deadline=$((SECONDS + HEALTH_TIMEOUT_S))
    while [ $SECONDS -lt $deadline ]; do
        kill -0 "$RX_PID" 2>/dev/null ||
            die "routex exited during startup: $(tail -c 500 "$RX_DIR/stdout.log" "$RX_DIR/valgrind.log" | tr '\n' ' ')"
        if curl -fsS -m 5 -o /dev/null "http://127.0.0.1:$RX_PORT/health/live" 2>/dev/null; then
            check "http://127.0.0.1:$RX_PORT/v1/messages" "$want_ct" "$want" "$stream" -H "x-api-key: $BENCH_CLIENT_KEY" ||
                die "routex ($mode) failed its check request"
            return 0
        fi
        sleep 0.5
    done
    die "routex did not answer GET /health/live within ${HEALTH_TIMEOUT_S}s under valgrind"
}

# Dump routex's counters (callgrind zeroes them after a dump); prints the dump's total Ir.
dump() { # label
    local before after f
    before=$(find "$CG_DIR" -name "callgrind.out.*.$RX_PID.*" | wc -l)
    timeout 60 callgrind_control --dump="$1" "$RX_PID" >>"$TMP/logs/callgrind_control.log" 2>&1 ||
        die "callgrind_control --dump failed: $(tail -3 "$TMP/logs/callgrind_control.log")"
    for _ in $(seq 1 100); do
        after=$(find "$CG_DIR" -name "callgrind.out.*.$RX_PID.*" | wc -l)
        [ "$after" -gt "$before" ] && break
        sleep 0.1
    done
    f=$(ls -t "$CG_DIR"/callgrind.out.*."$RX_PID".* 2>/dev/null | head -1)
    [ -n "$f" ] && [ "$after" -gt "$before" ] || die "no new callgrind dump after --dump=$1"
    awk '/^totals:/ { print $2; found = 1; exit } END { if (!found) exit 1 }' "$f" || die "no totals line in $f"
}

# Wait until the mock has seen no new request for 1 s (bounded), then SETTLE_S more.
settle() {
    local last now still=0
    last=$(mock_count)
    for _ in $(seq 1 100); do
        sleep 0.2
        now=$(mock_count)
        if [ "$now" = "$last" ]; then still=$((still + 1)); else still=0; last=$now; fi
        [ "$still" -ge 5 ] && break
    done
    sleep "$SETTLE_S"
}

# One wrk run of `limit` responses; sets PHASE_MOCK (requests the mock saw), PHASE_WRK
# (responses wrk completed), PHASE_SECS. Fails on non-2xx or socket errors.
run_phase() { # mode limit label
    local mode=$1 limit=$2 label=$3 before out non2xx sockerr t0
    write_lua "$TMP/$mode-$label.lua" "$([ "$mode" = stream ] && echo true || echo false)" "$limit"
    before=$(mock_count)
    t0=$SECONDS
    timeout $((CALLGRIND_PHASE_MAX_S + 30)) wrk -t1 -c"$CALLGRIND_CONNS" -d"${CALLGRIND_PHASE_MAX_S}s" --timeout 30s \
        -s "$TMP/$mode-$label.lua" "http://127.0.0.1:$RX_PORT/v1/messages" >"$TMP/logs/wrk-$mode-$label.log" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || true
    WRK_PID=""
    PHASE_SECS=$((SECONDS - t0))
    out=$(cat "$TMP/logs/wrk-$mode-$label.log")
    settle
    kill -0 "$RX_PID" 2>/dev/null || die "routex died during $mode $label"
    PHASE_MOCK=$(($(mock_count) - before))
    PHASE_WRK=$(echo "$out" | awk '/requests in/ { print $1 }')
    non2xx=$(echo "$out" | awk '/Non-2xx or 3xx responses:/ { print $NF }')
    sockerr=$(echo "$out" | awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }')
    [ -n "$PHASE_WRK" ] || die "wrk failed ($mode $label): $(echo "$out" | tail -3 | tr '\n' ' ')"
    [ "${non2xx:-0}" = 0 ] && [ "${sockerr:-0}" = 0 ] ||
        die "wrk saw errors ($mode $label): non-2xx ${non2xx:-0}, socket ${sockerr:-0}"
    [ "$PHASE_WRK" -ge "$limit" ] || die "wrk stopped after $PHASE_WRK of $limit responses ($mode $label; bound ${CALLGRIND_PHASE_MAX_S}s)"
    log "$mode $label: wrk $PHASE_WRK responses, mock $PHASE_MOCK requests, ${PHASE_SECS}s"
}

RESULTS="$TMP/results.tsv"
: >"$RESULTS"
for mode in $CALLGRIND_MODES; do
    case "$mode" in nonstream | stream) ;; *) die "unknown mode $mode" ;; esac
    start_routex "$mode"
    log "$mode: routex pid $RX_PID under callgrind, warming up ($CALLGRIND_WARMUP requests)"
    run_phase "$mode" "$CALLGRIND_WARMUP" warmup
    dump "$mode-warmup" >/dev/null
    run_phase "$mode" "$CALLGRIND_N1" n1
    ir1=$(dump "$mode-n1") n1=$PHASE_MOCK w1=$PHASE_WRK
    run_phase "$mode" "$CALLGRIND_N2" n2
    ir2=$(dump "$mode-n2") n2=$PHASE_MOCK w2=$PHASE_WRK
    [ "$n2" -gt "$n1" ] || die "$mode: the second phase saw no more requests than the first ($n2 <= $n1)"
    grep -Ei '\b(warn|warning|error)\b' "$RX_DIR/stdout.log" >"$RX_DIR/problems.log" || true
    problems=$(wc -l <"$RX_DIR/problems.log")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$n1" "$w1" "$ir1" "$n2" "$w2" "$ir2" "$problems" >>"$RESULTS"
    log "$mode: N1 phase $ir1 Ir / $n1 requests, N2 phase $ir2 Ir / $n2 requests, $problems warn/error lines in routex's log"
    kill_wait "$RX_PID" TERM 300
    RX_PID=""
done

# ---------------------------------------------------------------- report
echo
echo "routex $("$ROUTEX_BIN" --version 2>/dev/null | awk '{ print $NF }') ($ROUTEX_BIN) · $(valgrind --version) · one event loop, request log on ·" \
    "$([ "$CALLGRIND_REDIS" = 1 ] && echo "team mode (redis) ·")" \
    "$([ "$CALLGRIND_POSTGRES" = 1 ] && echo "team mode (postgres) ·")" \
    "wrk -t1 -c$CALLGRIND_CONNS · $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "| mode | instructions per request (k) | N1 phase: requests (wrk), Ir | N2 phase: requests (wrk), Ir | Ir ÷ requests, N2 phase alone (k) | routex warn/error lines |"
echo "|---|---:|---|---|---:|---:|"
awk -F'\t' '{
    printf "| %s | %.1f | %d (%d), %d | %d (%d), %d | %.1f | %d |\n", $1, ($7 - $4) / ($5 - $2) / 1000,
        $2, $3, $4, $5, $6, $7, $7 / $5 / 1000, $8 }' "$RESULTS"
echo
echo "Instructions per request = (Ir of the N2 phase − Ir of the N1 phase) ÷ (requests of N2 − requests of N1);" \
    "requests as the mock counted them (wrk's own count in brackets)."
