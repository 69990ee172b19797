#!/usr/bin/env bash
# Load benchmark: nginx mock upstream direct vs nginx reverse proxy vs routex
# (request log on) vs routex (request log off). See bench/README.md.
# Only 127.0.0.1 is used; every loop is bounded; everything started is killed on exit.
#
#   bash bench/load.sh            # 10 s per point, 5 rounds (~15 min on 2 cores)
#   bash bench/load.sh --quick    # 8 s per point, 3 rounds (~8 min on 2 cores)
#   ROUTEX_B_BIN=/tmp/routex-old RESULTS_DIR=/tmp/ab bash bench/load.sh
#                                 # adds routex-b (another build, log on) to every round: an A/B
set -euo pipefail

QUICK=0
for arg in "$@"; do
    case "$arg" in
        --quick) QUICK=1 ;;
        -h | --help) sed -n '2,7p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
    esac
done
if [ "$QUICK" = 1 ]; then
    : "${BENCH_SECONDS:=8}" "${BENCH_ROUNDS:=3}"
fi

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
ROUTEX_BIN=${ROUTEX_BIN:-$ROOT/target/release/routex}
# examples/hyper_floor.rs: a bare proxy on routex's HTTP stack (built here if missing).
FLOOR_BIN=${FLOOR_BIN:-$ROOT/target/release/examples/hyper_floor}
BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_ROUNDS=${BENCH_ROUNDS:-5}
BENCH_MAX_MINUTES=${BENCH_MAX_MINUTES:-40}   # hard bound on the measuring loop
BENCH_CONNS=${BENCH_CONNS:-"32 256"}
BENCH_MODES=${BENCH_MODES:-"nonstream stream"}
BENCH_CLIENT_KEY=${BENCH_CLIENT_KEY:-sk-bench}   # sent as x-api-key / Bearer to every target
NGINX_WORKERS=${NGINX_WORKERS:-auto}
NGINX_UPSTREAM_KEEPALIVE=${NGINX_UPSTREAM_KEEPALIVE:-256}  # idle upstream connections kept per nginx worker
RESULTS_DIR=${RESULTS_DIR:-$HERE/results}
HEALTH_TIMEOUT_S=${HEALTH_TIMEOUT_S:-20}

LOG_TAG=bench
# shellcheck source=bench/common.sh
source "$HERE/common.sh"

# ---------------------------------------------------------------- tools
need_tools nginx wrk curl
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# ---------------------------------------------------------------- temp dir + cleanup
TMP=$(mktemp -d /tmp/routex-bench.XXXXXX)
chmod 755 "$TMP"
NGINX_PID=""
FLOOR_PID=""
SAMPLER_PID=""
declare -A RX_PID=()   # routex variant -> pid
RX_VARIANTS="routex routex-nolog"
# ROUTEX_B_BIN: a second build measured in the same rounds (log on), for before/after A/Bs;
# with ROUTEX_B_CONFIG (YAML added to its config) the same build with a setting on.
if [ -n "${ROUTEX_B_BIN:-}" ]; then RX_VARIANTS="$RX_VARIANTS routex-b"; fi
cleanup() {
    set +e
    kill_wait "$SAMPLER_PID" TERM 10
    for v in "${!RX_PID[@]}"; do kill_wait "${RX_PID[$v]}" TERM 50; done
    kill_wait "$FLOOR_PID" TERM 20
    stop_nginx "$NGINX_PID"
    if [ "${BENCH_KEEP_TMP:-0}" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ulimit -n 65536 2>/dev/null || ulimit -n 8192 2>/dev/null || true

free_port; MOCK_PORT=$PORT
free_port; PROXY_PORT=$PORT
free_port; FLOOR_PORT=$PORT
declare -A RX_PORT=()
for v in $RX_VARIANTS; do free_port; RX_PORT[$v]=$PORT; done
# ---------------------------------------------------------------- canned responses
mkdir -p "$TMP/www" "$TMP/logs"
write_mock_answers "$TMP/www"

# ---------------------------------------------------------------- nginx config
# nginx answers POST on a static file with 405; `error_page 405 =200 <uri>`
# re-runs the request as GET on the same internal location, which serves the
# file with status 200 (the request body is discarded, keep-alive survives).
cat >"$TMP/nginx.conf" <<EOF
worker_processes $NGINX_WORKERS;
pid $TMP/nginx.pid;
error_log $TMP/logs/error.log warn;
events { worker_connections 8192; }
http {
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

    # --- MOCK upstream: canned Anthropic responses
$(mock_server_block "$MOCK_PORT" "$TMP/www")

    # --- nginx reverse proxy to the mock: the baseline for routex
    upstream bench_mock {
        server 127.0.0.1:$MOCK_PORT;
        keepalive $NGINX_UPSTREAM_KEEPALIVE;
        keepalive_requests 1000000;
        keepalive_timeout 65s;
    }
    server {
        listen 127.0.0.1:$PROXY_PORT reuseport backlog=4096;
        location / {
            proxy_pass http://bench_mock;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
        location /stream/ {
            proxy_pass http://bench_mock;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
        }
    }
}
EOF

log "starting nginx: mock 127.0.0.1:$MOCK_PORT, proxy 127.0.0.1:$PROXY_PORT"
"$NGINX" -t -q -p "$TMP" -e "$TMP/logs/error.log" -c "$TMP/nginx.conf" || die "nginx config test failed"
"$NGINX" -p "$TMP" -e "$TMP/logs/error.log" -c "$TMP/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!

wait_http() { # url timeout_s -> 0 when it answers 2xx
    local url=$1 deadline=$((SECONDS + $2))
    while [ $SECONDS -lt $deadline ]; do
        curl -fsS -m 1 -o /dev/null "$url" 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}

# Sanity: POST works on both paths, both modes, direct and through the proxy.
check() { # url extra-header expect-ctype expect-substring
    local out ctype
    out=$(curl -sS -m 3 -o "$TMP/check.body" -w '%{http_code} %{content_type}' -X POST \
        -H 'content-type: application/json' ${2:+-H "$2"} \
        --data '{"model":"claude-bench","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}' "$1") ||
        die "request to $1 failed"
    ctype=${out#* }
    [ "${out%% *}" = 200 ] || die "$1 answered ${out%% *}: $(head -c 300 "$TMP/check.body")"
    [ "$ctype" = "$3" ] || die "$1 content-type '$ctype', want '$3'"
    grep -q "$4" "$TMP/check.body" || die "$1 body lacks $4"
}
for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PROXY_PORT") 2>/dev/null && break
    kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited: $(cat "$TMP/logs/error.log")"
    sleep 0.1
done
for base in "http://127.0.0.1:$MOCK_PORT" "http://127.0.0.1:$PROXY_PORT"; do
    check "$base/v1/messages" "" application/json '"stop_reason":"end_turn"'
    check "$base/v1/messages" "x-bench-stream: 1" text/event-stream 'event: message_stop'
    check "$base/stream/v1/messages" "" text/event-stream 'event: message_stop'
done
log "nginx mock and proxy answer correctly"

# ---------------------------------------------------------------- hyper floor
# The same HTTP stack as routex with nothing else: what any proxy built on it pays.
FLOOR_NOTE=""
if [ ! -x "$FLOOR_BIN" ] && command -v cargo >/dev/null 2>&1; then
    log "building examples/hyper_floor"
    (cd "$ROOT" && cargo build -q --release --example hyper_floor) || true
fi
if [ -x "$FLOOR_BIN" ]; then
    "$FLOOR_BIN" "$FLOOR_PORT" "http://127.0.0.1:$MOCK_PORT" >"$TMP/logs/hyper-floor.log" 2>&1 &
    FLOOR_PID=$!
    for _ in $(seq 1 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$FLOOR_PORT") 2>/dev/null && break
        sleep 0.1
    done
    # A floor that does not answer right is left out of the report, not fatal to the run
    # (the subshell drops the parent's traps so its die() cannot run cleanup()).
    if (
        trap - EXIT INT TERM
        check "http://127.0.0.1:$FLOOR_PORT/v1/messages" "" application/json '"stop_reason":"end_turn"'
        check "http://127.0.0.1:$FLOOR_PORT/stream/v1/messages" "" text/event-stream 'event: message_stop'
    ); then
        log "hyper floor answers correctly"
    else
        kill_wait "$FLOOR_PID" TERM 20
        FLOOR_PID=""
        FLOOR_NOTE="unavailable: its check request failed"
        log "hyper floor $FLOOR_NOTE"
    fi
else
    FLOOR_NOTE="unavailable: $FLOOR_BIN not built (cargo build --release --example hyper_floor)"
    log "hyper floor $FLOOR_NOTE"
fi

# ---------------------------------------------------------------- wrk scripts
write_lua() { # file stream(true/false)
    cat >"$1" <<EOF
wrk.method = "POST"
wrk.body = '{"model":"claude-bench","max_tokens":32,"stream":$2,"messages":[{"role":"user","content":"Say hello."}]}'
wrk.headers["content-type"] = "application/json"
wrk.headers["anthropic-version"] = "2023-06-01"
wrk.headers["x-api-key"] = "$BENCH_CLIENT_KEY"
wrk.headers["authorization"] = "Bearer $BENCH_CLIENT_KEY"
EOF
    if [ "$2" = true ]; then echo 'wrk.headers["x-bench-stream"] = "1"' >>"$1"; fi
}
write_lua "$TMP/nonstream.lua" false
write_lua "$TMP/stream.lua" true

# ---------------------------------------------------------------- routex
# Two variants, started fresh for each mode (so VmHWM is per mode):
#   routex        default config (request log on, SPEC §2 defaults)
#   routex-nolog  the same with `logging: { requests: false }`
# One anthropic channel to the mock; in stream mode its base_url ends in /stream, where
# the mock always answers SSE (routex appends /v1/messages and does not forward the
# x-bench-stream header; the request body says "stream": true).
declare -A RX_NOTE=()     # "mode variant" -> note
start_routex() { # mode variant -> sets RX_PID[variant]; returns 1 with RX_STATUS when unavailable
    local mode=$1 v=$2 base="http://127.0.0.1:$MOCK_PORT" dir="$TMP/$2-$1" port=${RX_PORT[$2]} logging=""
    [ "$mode" = stream ] && base="$base/stream"
    local bin=$ROUTEX_BIN
    [ "$v" = routex-b ] && bin=$ROUTEX_B_BIN
    [ "$v" = routex-nolog ] && logging=$'logging:\n  requests: false'
    # ROUTEX_B_CONFIG: YAML added to routex-b's config (e.g. tees), to measure a setting's cost.
    [ "$v" = routex-b ] && [ -n "${ROUTEX_B_CONFIG:-}" ] && logging=$ROUTEX_B_CONFIG
    RX_PID[$v]=""
    if [ ! -x "$bin" ]; then
        RX_STATUS="binary not found or not executable: $bin"
        return 1
    fi
    rm -rf "$dir"
    mkdir -p "$dir/data"
    cat >"$dir/routex.yaml" <<EOF
$logging
channels:
  - name: bench
    type: anthropic
    base_url: $base
    api_key: sk-bench
    models: ["*"]
EOF
    "$bin" serve --data-dir "$dir/data" --port "$port" --config "$dir/routex.yaml" \
        >"$dir/stdout.log" 2>&1 &
    RX_PID[$v]=$!
    local deadline=$((SECONDS + HEALTH_TIMEOUT_S)) pid=${RX_PID[$v]}
    while [ $SECONDS -lt $deadline ]; do
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid" 2>/dev/null || true
            RX_PID[$v]=""
            RX_STATUS="exited during startup; log tail: $(tail -c 300 "$dir/stdout.log" | tr '\n' ' ')"
            return 1
        fi
        if curl -fsS -m 1 -o /dev/null "http://127.0.0.1:$port/health/live" 2>/dev/null; then
            # A real request in this mode must work before anything is measured.
            local body='{"model":"claude-bench","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}'
            local want_ct=application/json want='"stop_reason":"end_turn"' out
            if [ "$mode" = stream ]; then
                body='{"model":"claude-bench","max_tokens":8,"stream":true,"messages":[{"role":"user","content":"hi"}]}'
                want_ct=text/event-stream want='event: message_stop'
            fi
            out=$(curl -sS -m 5 -D "$dir/check.headers" -o "$dir/check.body" -w '%{http_code} %{content_type}' -X POST \
                -H 'content-type: application/json' -H 'anthropic-version: 2023-06-01' -H "x-api-key: $BENCH_CLIENT_KEY" \
                --data "$body" "http://127.0.0.1:$port/v1/messages" 2>&1) || true
            local ok=1
            [ "${out%% *}" = 200 ] || ok=0
            case "${out#* }" in "$want_ct"*) ;; *) ok=0 ;; esac
            grep -q "$want" "$dir/check.body" 2>/dev/null || ok=0
            if [ "$ok" = 0 ]; then
                RX_STATUS="check request failed ($out): $(head -c 300 "$dir/check.body" 2>/dev/null | tr '\n' ' ')"
                stop_routex "$v"
                return 1
            fi
            return 0
        fi
        sleep 0.2
    done
    RX_STATUS="GET /health/live not ready after ${HEALTH_TIMEOUT_S}s"
    stop_routex "$v"
    return 1
}
stop_routex() { # variant
    kill_wait "${RX_PID[$1]:-}" TERM 50
    RX_PID[$1]=""
}
rss_kb() { # pid field -> kB
    awk -v f="$2:" '$1 == f { print $2; found = 1 } END { if (!found) print 0 }' "/proc/$1/status" 2>/dev/null || echo 0
}

# ---------------------------------------------------------------- runs
to_ms() { # wrk duration (123.45us | 1.23ms | 1.02s | 2.00m) -> ms
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
        printf "%.3f", n }'
}
RAW="$TMP/raw.tsv"
# mode conc target round rps p50_ms p99_ms errors hwm_kb rss_peak_kb non2xx socket_errors(c/r/w/t) requests
: >"$RAW"
run_wrk() { # mode conc target url round
    local mode=$1 conc=$2 target=$3 url=$4 round=$5 out rps p50 p99 non2xx sockerr sockdet reqs
    local pid="" hwm=0 peak=0
    case "$target" in routex*) pid=${RX_PID[$target]:-} ;; esac
    if [ -n "$pid" ]; then
        # Sample routex's VmRSS every 0.25 s while wrk runs (bounded), keep the peak.
        (
            trap - EXIT INT TERM # the parent's traps would run cleanup() in here
            m=0
            for _ in $(seq 1 $(((BENCH_SECONDS + 2) * 4))); do
                r=$(rss_kb "$pid" VmRSS)
                [ "${r:-0}" -gt "$m" ] && m=$r
                echo "$m" >"$TMP/rss.peak"
                sleep 0.25
            done
        ) &
        SAMPLER_PID=$!
    fi
    out=$(timeout $((BENCH_SECONDS + 30)) wrk -t"$BENCH_THREADS" -c"$conc" -d"${BENCH_SECONDS}s" \
        --timeout 10s --latency -s "$TMP/$mode.lua" "$url" 2>&1) || true
    if [ -n "$pid" ]; then
        kill_wait "$SAMPLER_PID" TERM 10
        SAMPLER_PID=""
        peak=$(cat "$TMP/rss.peak" 2>/dev/null || echo 0)
        rm -f "$TMP/rss.peak"
        hwm=$(rss_kb "$pid" VmHWM)
        kill -0 "$pid" 2>/dev/null || log "WARNING: $target died during $mode c=$conc round $round"
    fi
    printf '=== %s c=%s %s round %s\n%s\n' "$mode" "$conc" "$target" "$round" "$out" >>"$TMP/logs/wrk.log"
    rps=$(echo "$out" | awk '/^Requests\/sec:/ { print $2 }')
    p50=$(echo "$out" | awk '$1 == "50%" { print $2 }')
    p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
    reqs=$(echo "$out" | awk '/requests in/ { print $1 }')
    non2xx=$(echo "$out" | awk '/Non-2xx or 3xx responses:/ { print $NF }')
    sockerr=$(echo "$out" | awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }')
    sockdet=$(echo "$out" | awk '/Socket errors:/ { gsub(/,/, ""); print $4 "/" $6 "/" $8 "/" $10 }')
    [ -n "$rps" ] || { log "wrk failed for $target $mode c=$conc: $(echo "$out" | tail -3 | tr '\n' ' ')"; rps=0; }
    p50=$(to_ms "${p50:-0ms}")
    p99=$(to_ms "${p99:-0ms}")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$conc" "$target" "$round" "$rps" "$p50" "$p99" \
        "$((${non2xx:-0} + ${sockerr:-0}))" "$hwm" "$peak" "${non2xx:-0}" "${sockdet:-0/0/0/0}" "${reqs:-0}" >>"$RAW"
    log "$mode c=$conc round $round $target: ${rps} req/s p50 ${p50}ms p99 ${p99}ms errors $((${non2xx:-0} + ${sockerr:-0}))" \
        "$([ -n "$pid" ] && echo "rss peak $((peak / 1024)) MiB")"
}

declare -A RX_LOGNOTE=()   # "mode variant" -> warn/error line count of routex's own log
START_S=$SECONDS
DEADLINE=$((SECONDS + BENCH_MAX_MINUTES * 60))
TRUNCATED=""
for mode in $BENCH_MODES; do
    path=/v1/messages
    [ "$mode" = stream ] && path=/stream/v1/messages # mock + nginx: the unbuffered SSE location
    for v in $RX_VARIANTS; do
        if start_routex "$mode" "$v"; then
            RX_NOTE["$mode $v"]="pid ${RX_PID[$v]}"
            # Warm-up so lazy connection pools exist before measuring.
            timeout 10 wrk -t1 -c8 -d1s -s "$TMP/$mode.lua" "http://127.0.0.1:${RX_PORT[$v]}/v1/messages" >/dev/null 2>&1 || true
        else
            RX_NOTE["$mode $v"]="unavailable: $RX_STATUS"
            log "$v unavailable ($mode): $RX_STATUS"
        fi
    done
    for round in $(seq 1 "$BENCH_ROUNDS"); do
        # Alternate the order of the two routex variants so neither always runs first.
        order=$RX_VARIANTS
        [ $((round % 2)) -eq 0 ] && order=$(echo "$RX_VARIANTS" | awk '{ for (i = NF; i > 0; i--) printf "%s ", $i }')
        for conc in $BENCH_CONNS; do
            if [ $SECONDS -ge $DEADLINE ]; then
                TRUNCATED="stopped at $mode round $round: BENCH_MAX_MINUTES=$BENCH_MAX_MINUTES reached"
                log "$TRUNCATED"
                break 2
            fi
            run_wrk "$mode" "$conc" mock "http://127.0.0.1:$MOCK_PORT$path" "$round"
            run_wrk "$mode" "$conc" nginx "http://127.0.0.1:$PROXY_PORT$path" "$round"
            [ -n "$FLOOR_PID" ] && run_wrk "$mode" "$conc" hyper-floor "http://127.0.0.1:$FLOOR_PORT$path" "$round"
            for v in $order; do
                if [ -n "${RX_PID[$v]}" ]; then
                    run_wrk "$mode" "$conc" "$v" "http://127.0.0.1:${RX_PORT[$v]}/v1/messages" "$round"
                fi
            done
        done
    done
    for v in $RX_VARIANTS; do
        stop_routex "$v"
        d="$TMP/$v-$mode"
        if [ -d "$d" ]; then
            grep -Ei '\b(warn|warning|error)\b' "$d/stdout.log" >"$d/problems.log" || true
            RX_LOGNOTE["$mode $v"]="$(wc -l <"$d/problems.log") warn/error lines in its log"
            mkdir -p "$TMP/logs/$v-$mode" && cp -r "$d"/*.log "$d/data/logs" "$TMP/logs/$v-$mode/" 2>/dev/null || true
        fi
    done
    [ -n "$TRUNCATED" ] && break
done
ELAPSED_S=$((SECONDS - START_S))

# ---------------------------------------------------------------- report
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
vals() { # mode conc target column -> one value per round
    awk -F'\t' -v m="$1" -v c="$2" -v t="$3" -v k="$4" '$1 == m && $2 == c && $3 == t { print $k }' "$RAW"
}
col() { vals "$@" | median; }
colmax() { vals "$@" | sort -g | tail -1; }
colmin() { vals "$@" | sort -g | head -1; }
colsum() { vals "$@" | awk '{ s += $1 } END { print s + 0 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }
verdict() { # value op limit -> met / NOT met
    awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN { if (a == "n/a" || a == "") { print ""; exit }
        ok = (op == ">=") ? (a >= b) : (a <= b); print ok ? "met" : "**NOT met**" }'
}
mib() { awk -v k="$1" 'BEGIN { if (k == "") print "n/a"; else printf "%.1f", k / 1024 }'; }

REPORT="$TMP/report.md"
ALL_TARGETS="mock nginx hyper-floor $RX_VARIANTS"
RX_NOTE["nonstream hyper-floor"]=$FLOOR_NOTE
RX_NOTE["stream hyper-floor"]=$FLOOR_NOTE
{
    echo "# Routex load benchmark"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC') · $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)) ·" \
        "wrk -t$BENCH_THREADS -d${BENCH_SECONDS}s --latency · $BENCH_ROUNDS rounds, median shown ·" \
        "nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') workers=$NGINX_WORKERS upstream keepalive=$NGINX_UPSTREAM_KEEPALIVE ·" \
        "routex $("$ROUTEX_BIN" --version 2>/dev/null | awk '{ print $NF }') · $((ELAPSED_S / 60)) min $((ELAPSED_S % 60)) s"
    [ -n "$TRUNCATED" ] && { echo; echo "**Truncated:** $TRUNCATED"; }
    echo
    echo "Targets: **mock** = nginx canned Anthropic response, direct; **nginx** = nginx \`proxy_pass\` (HTTP/1.1 upstream keepalive) to the mock;" \
        "**routex** = \`routex serve\` with the default config and one anthropic channel to the mock (request log on);" \
        "**routex-nolog** = the same with \`logging: { requests: false }\`;" \
        "**hyper-floor** = \`examples/hyper_floor.rs\`, a bare proxy on routex's HTTP stack (hyper-util server and routex's own" \
        "upstream client, connections pooled per event loop) with no routing, parsing or records: what any proxy built on that stack pays." \
        "wrk, nginx and routex share the machine."
    [ -n "${ROUTEX_B_BIN:-}" ] && echo && echo "**routex-b** = \`$ROUTEX_B_BIN\` ($("$ROUTEX_B_BIN" --version 2>/dev/null | awk '{ print $NF }')), configured as **routex**, measured in the same rounds."
    echo
    echo "## Medians"
    echo
    echo "| mode | conns | target | req/s | req/s min–max | p50 ms | p99 ms | p99 min–max | errors (sum) | req/s ÷ nginx | p99 ÷ nginx |"
    echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for mode in $BENCH_MODES; do
        for conc in $BENCH_CONNS; do
            n_rps=$(col "$mode" "$conc" nginx 5)
            n_p99=$(col "$mode" "$conc" nginx 7)
            for t in $ALL_TARGETS; do
                rps=$(col "$mode" "$conc" "$t" 5)
                if [ -z "$rps" ]; then
                    echo "| $mode | $conc | $t | — | — | — | — | — | ${RX_NOTE["$mode $t"]:-no data} | | |"
                    continue
                fi
                printf '| %s | %s | %s | %.0f | %.0f–%.0f | %.2f | %.2f | %.1f–%.1f | %s | %s | %s |\n' "$mode" "$conc" "$t" "$rps" \
                    "$(colmin "$mode" "$conc" "$t" 5)" "$(colmax "$mode" "$conc" "$t" 5)" \
                    "$(col "$mode" "$conc" "$t" 6)" "$(col "$mode" "$conc" "$t" 7)" \
                    "$(colmin "$mode" "$conc" "$t" 7)" "$(colmax "$mode" "$conc" "$t" 7)" \
                    "$(colsum "$mode" "$conc" "$t" 8)" "$(ratio "$rps" "$n_rps")" "$(ratio "$(col "$mode" "$conc" "$t" 7)" "$n_p99")"
            done
        done
    done
    echo
    echo "## Targets"
    echo
    echo "Issue targets: routex ≥ 0.90× nginx req/s and p99 ≤ 1.20× nginx p99 at 32 and 256 connections, stream and non-stream;" \
        "RSS ≤ 50 MB under 256 connections; request log on costs ≤ 5 % req/s against off (on ÷ off ≥ 0.95)."
    echo
    echo "| mode | conns | variant | req/s ÷ nginx (≥ 0.90) | p99 ÷ nginx (≤ 1.20) | log on ÷ off req/s (≥ 0.95) |"
    echo "|---|---:|---|---|---|---|"
    for mode in $BENCH_MODES; do
        for conc in $BENCH_CONNS; do
            n_rps=$(col "$mode" "$conc" nginx 5)
            n_p99=$(col "$mode" "$conc" nginx 7)
            onoff=$(ratio "$(col "$mode" "$conc" routex 5)" "$(col "$mode" "$conc" routex-nolog 5)")
            for v in $RX_VARIANTS; do
                r=$(ratio "$(col "$mode" "$conc" "$v" 5)" "$n_rps")
                p=$(ratio "$(col "$mode" "$conc" "$v" 7)" "$n_p99")
                lo=""
                [ "$v" = routex ] && lo="$onoff $(verdict "$onoff" '>=' 0.95)"
                echo "| $mode | $conc | $v | $r $(verdict "$r" '>=' 0.90) | $p $(verdict "$p" '<=' 1.20) | $lo |"
            done
        done
    done
    echo
    echo "## What routex adds over its HTTP stack"
    echo
    echo "| mode | conns | hyper-floor ÷ nginx req/s | routex ÷ hyper-floor req/s | routex-nolog ÷ hyper-floor req/s | hyper-floor ÷ nginx p99 |"
    echo "|---|---:|---:|---:|---:|---:|"
    for mode in $BENCH_MODES; do
        for conc in $BENCH_CONNS; do
            f_rps=$(col "$mode" "$conc" hyper-floor 5)
            echo "| $mode | $conc | $(ratio "$f_rps" "$(col "$mode" "$conc" nginx 5)") |" \
                "$(ratio "$(col "$mode" "$conc" routex 5)" "$f_rps") | $(ratio "$(col "$mode" "$conc" routex-nolog 5)" "$f_rps") |" \
                "$(ratio "$(col "$mode" "$conc" hyper-floor 7)" "$(col "$mode" "$conc" nginx 7)") |"
        done
    done
    if [ -n "${ROUTEX_B_BIN:-}" ]; then
        echo
        echo "## A/B: routex-b against routex"
        echo
        echo "| mode | conns | routex-b ÷ routex req/s | routex-b ÷ routex p99 | req/s per round, routex | req/s per round, routex-b |"
        echo "|---|---:|---:|---:|---|---|"
        for mode in $BENCH_MODES; do
            for conc in $BENCH_CONNS; do
                echo "| $mode | $conc | $(ratio "$(col "$mode" "$conc" routex-b 5)" "$(col "$mode" "$conc" routex 5)") |" \
                    "$(ratio "$(col "$mode" "$conc" routex-b 7)" "$(col "$mode" "$conc" routex 7)") |" \
                    "$(vals "$mode" "$conc" routex 5 | tr '\n' ' ') | $(vals "$mode" "$conc" routex-b 5 | tr '\n' ' ') |"
            done
        done
    fi
    echo
    echo "## Memory (routex, fresh process per mode)"
    echo
    echo "| mode | variant | VmHWM after all c=256 runs, MiB | peak VmRSS sampled during c=256 runs, MiB | ≤ 50 MB | own log |"
    echo "|---|---|---:|---:|---|---|"
    for mode in $BENCH_MODES; do
        for v in $RX_VARIANTS; do
            hwm=$(colmax "$mode" 256 "$v" 9)
            peak=$(colmax "$mode" 256 "$v" 10)
            ok=$(awk -v k="$hwm" 'BEGIN { if (k == "") print "n/a"; else print (k * 1024 <= 50e6) ? "met" : "**NOT met**" }')
            echo "| $mode | $v | $(mib "$hwm") | $(mib "$peak") | $ok | ${RX_LOGNOTE["$mode $v"]:-${RX_NOTE["$mode $v"]:-}} |"
        done
    done
    if awk -F'\t' '$8 > 0 { f = 1 } END { exit !f }' "$RAW"; then
        echo
        echo "## Errors"
        echo
        echo "Runs with non-2xx responses or socket errors (connect/read/write/timeout); their figures are not comparable:"
        echo
        awk -F'\t' '$8 > 0 { printf "- %s c=%s %s round %s: %s non-2xx, socket %s of %s requests\n", $1, $2, $3, $4, $11, $12, $13 }' "$RAW"
    fi
    echo
    echo "Raw per-run figures: \`latest-raw.tsv\` (mode, conns, target, round, req/s, p50 ms, p99 ms, errors," \
        "VmHWM kB, peak VmRSS kB, non-2xx, socket errors c/r/w/t, requests)."
} >"$REPORT"

mkdir -p "$RESULTS_DIR"
cp "$REPORT" "$RESULTS_DIR/latest.md"
cp "$RAW" "$RESULTS_DIR/latest-raw.tsv"
cat "$REPORT"
log "written $RESULTS_DIR/latest.md"
