#!/usr/bin/env bash
# The cost of tees under load (issue 16): the load bench's routex (no tee) against the
# same binary with two webhook tees that lose every copy: one to a loopback endpoint
# that answers after 5 s, one to a port that refuses connections. Both variants run in
# the same rounds (bench/load.sh's routex-b); nginx is left out (FLOOR_BIN=/bin/false).
# Loopback only; the slow endpoint is killed on exit.
#
#   bash bench/tee-load.sh      # BENCH_SECONDS / BENCH_ROUNDS / BENCH_CONNS as for load.sh
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BIN=${ROUTEX_BIN:-$ROOT/target/release/routex}
[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 2; }

port_free() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
SLOW_PORT=$(port_free)
DEAD_PORT=$(port_free)
python3 - "$SLOW_PORT" <<'PY' &
import http.server, socketserver, sys, time
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        time.sleep(5)
        self.send_response(200); self.send_header("content-length", "0"); self.end_headers()
    def log_message(self, *a): pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer): daemon_threads = True
S(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
SLOW_PID=$!
trap 'kill $SLOW_PID 2>/dev/null || true' EXIT

export ROUTEX_BIN=$BIN ROUTEX_B_BIN=$BIN FLOOR_BIN=${FLOOR_BIN:-/bin/false}
export ROUTEX_B_CONFIG="tees:
  - name: slow
    type: webhook
    url: http://127.0.0.1:$SLOW_PORT/hook
    timeout: 10
    retries: 0
  - name: dead
    type: webhook
    url: http://127.0.0.1:$DEAD_PORT/hook
    retries: 3"
bash "$HERE/load.sh" "$@"
