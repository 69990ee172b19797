#!/usr/bin/env bash
# Team mode's cost under load (issue 24): the load bench's routex on its embedded store
# (routex) against the same binary as a replica on a shared PostgreSQL and Redis
# (routex-b), in the same rounds (bench/load.sh's A/B); nginx is left out
# (FLOOR_BIN=/bin/false). A throwaway PostgreSQL cluster (initdb as the postgres user) and
# a redis-server run on free loopback ports and are stopped by PID on exit.
#
#   bash bench/team-load.sh --quick     # BENCH_SECONDS / BENCH_ROUNDS / BENCH_CONNS as for load.sh
#   TEAM_REDIS=0 bash bench/team-load.sh  # Postgres only
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BIN=${ROUTEX_BIN:-$ROOT/target/release/routex}
[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 2; }
PGBIN=$(bash "$ROOT/tests/setup/postgres.sh" | tail -1)
TEAM_REDIS=${TEAM_REDIS:-1}
if [ "$TEAM_REDIS" = 1 ]; then bash "$ROOT/tests/setup/redis.sh" >&2; fi

port_free() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PG_PORT=$(port_free)
REDIS_PORT=$(port_free)
TEAM_TMP=$(mktemp -d /tmp/routex-team-bench.XXXXXX)
chown postgres "$TEAM_TMP"
PG_PID="" REDIS_PID=""
cleanup() {
    set +e
    [ -n "$PG_PID" ] && kill -INT "$PG_PID" 2>/dev/null && for _ in $(seq 100); do kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.1; done
    [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null
    rm -rf "$TEAM_TMP"
}
trap cleanup EXIT
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }
as_pg "$PGBIN/initdb" -D "$TEAM_TMP/data" -A trust -U routex --no-sync -E UTF8 >/dev/null
# Durable commits (fsync on) as a real deployment has them.
as_pg "$PGBIN/postgres" -D "$TEAM_TMP/data" -p "$PG_PORT" -c listen_addresses=127.0.0.1 -k "$TEAM_TMP" \
    >"$TEAM_TMP/postgres.log" 2>&1 &
PG_PID=$!
for _ in $(seq 100); do
    "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
    sleep 0.2
done
"$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || { echo "postgres did not start: $(tail -5 "$TEAM_TMP/postgres.log")" >&2; exit 1; }
config="storage: postgres://routex@127.0.0.1:$PG_PORT/postgres
replica: bench-b"
if [ "$TEAM_REDIS" = 1 ]; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$TEAM_TMP" >"$TEAM_TMP/redis.log" 2>&1 &
    REDIS_PID=$!
    config="$config
redis: redis://127.0.0.1:$REDIS_PORT"
fi

export ROUTEX_BIN=$BIN ROUTEX_B_BIN=$BIN FLOOR_BIN=${FLOOR_BIN:-/bin/false}
export ROUTEX_MASTER_KEY=${ROUTEX_MASTER_KEY:-routex-team-bench}
export ROUTEX_B_CONFIG=$config
OUT=$TEAM_TMP/results
RESULTS_DIR=$OUT bash "$HERE/load.sh" "$@"
{
    echo "# Team mode under load: a replica on Postgres$([ "$TEAM_REDIS" = 1 ] && echo " + Redis") (routex-b) against the embedded store (routex)"
    echo
    echo "Made by \`bash bench/team-load.sh $*\` on $(date -u +%Y-%m-%d); routex-b's config adds:"
    echo
    echo '```yaml'
    echo "$config"
    echo '```'
    echo
    cat "$OUT/latest.md"
} >"$HERE/results/team-load.md"
echo "bench/team-load.sh: wrote bench/results/team-load.md" >&2
