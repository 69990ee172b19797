# Shared by bench/load.sh and bench/callgrind.sh: logging, tool installation, process
# clean-up, free ports on 127.0.0.1 and the mock upstream's canned answers. Sourced, not run.
# The sourcing script sets LOG_TAG first (the prefix of its log lines).

log() { printf '[%s] %s\n' "${LOG_TAG:-bench}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Install what is missing with apt-get (as root), idempotently. Arguments: commands, each
# `command[:package]` (the package defaults to the command's name).
need_tools() {
    local want=() spec cmd pkg
    for spec in "$@"; do
        cmd=${spec%%:*}
        pkg=${spec#*:}
        command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || want+=("$pkg")
    done
    [ ${#want[@]} -gt 0 ] || return 0
    [ "$(id -u)" -eq 0 ] || die "missing ${want[*]} and not root: install them"
    log "installing ${want[*]} with apt-get"
    # Keep the nginx package from starting its system service on :80 (and leave a
    # policy-rc.d the machine already has alone).
    local made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${want[@]}" >/dev/null
    if [ "$made_policy" -eq 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
}

kill_wait() { # pid signal tenths: signal, wait up to tenths/10 s, then SIGKILL
    local pid=$1 i
    [ -n "$pid" ] || return 0
    kill "-$2" "$pid" 2>/dev/null || return 0
    for i in $(seq 1 "$3"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 0
}

# Stop an nginx master and its workers.
stop_nginx() {
    local pid=$1 workers w
    [ -n "$pid" ] || return 0
    workers=$(pgrep -P "$pid" 2>/dev/null)
    kill_wait "$pid" QUIT 50
    for w in $workers; do kill -KILL "$w" 2>/dev/null; done
}

# A free port on 127.0.0.1 (bounded tries; nothing must answer a connect). Sets PORT.
USED_PORTS=" "
free_port() {
    local p i
    for i in $(seq 1 200); do
        # Below the kernel's ephemeral range (32768-60999 by default): a port picked there
        # can be the source port of an outgoing connection, which a connect test does not
        # see but which makes the bind fail (seen with 9 000 streams and other builds on
        # the machine).
        p=$((20000 + RANDOM % 12000))
        case "$USED_PORTS" in *" $p "*) continue ;; esac
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            USED_PORTS="$USED_PORTS$p "
            PORT=$p
            return 0
        fi
    done
    die "no free port found"
}

# The mock upstream's canned answers (bench/mock/: a non-stream message and an SSE stream)
# into DIR.
write_mock_answers() {
    mkdir -p "$1"
    cp "$(dirname "${BASH_SOURCE[0]}")/mock/message.json" "$(dirname "${BASH_SOURCE[0]}")/mock/stream.sse" "$1/"
}

# The mock upstream's nginx `server` block: canned Anthropic answers (written by
# write_mock_answers into WWW) on 127.0.0.1:PORT. A third argument is one more directive
# inside the block (callgrind.sh counts requests with an access_log).
mock_server_block() { # port www [directive]
    cat <<EOF
    server {
        listen 127.0.0.1:$1 reuseport backlog=4096;
        root $2;${3:+
        $3}
        location = /v1/messages {
            if (\$http_x_bench_stream = "1") { rewrite ^ /_sse last; }
            rewrite ^ /_json last;
        }
        location = /stream/v1/messages { rewrite ^ /_sse last; }
        location = /_json {
            internal;
            default_type application/json;
            alias $2/message.json;
            error_page 405 =200 /_json;
            add_header request-id req_bench_mock always;
            add_header anthropic-ratelimit-requests-remaining 99 always;
        }
        location = /_sse {
            internal;
            default_type text/event-stream;
            alias $2/stream.sse;
            error_page 405 =200 /_sse;
            add_header request-id req_bench_mock always;
            add_header anthropic-ratelimit-requests-remaining 99 always;
            add_header cache-control no-cache always;
            add_header x-accel-buffering no always;
        }
        location / {
            default_type application/json;
            return 404 '{"error":{"type":"not_found_error","message":"not found"}}';
        }
    }
EOF
}
