#!/usr/bin/env bash
# Standalone checks for when `routex` itself will not start. Prints ✓/✗ with a fix.
set -u
dir="${1:-${ROUTEX_HOME:-${XDG_CONFIG_HOME:-$HOME/.config}/routex}}"
port="${2:-3000}"
bad=0
ok()   { printf '✓ %s\n' "$1"; }
fail() { printf '✗ %s\n    fix: %s\n' "$1" "$2"; bad=1; }

if [ -d "$dir" ]; then ok "data directory $dir exists"; else fail "no data directory at $dir" "run any routex command once, or set ROUTEX_HOME"; fi
if [ -d "$dir" ] && [ -w "$dir" ]; then ok "data directory is writable"; elif [ -d "$dir" ]; then fail "data directory is not writable" "chown/chmod $dir"; fi
if [ -f "$dir/master.key" ]; then
  mode=$(stat -c %a "$dir/master.key" 2>/dev/null || echo "?")
  if [ "$mode" = "600" ]; then ok "master.key is private (0600)"; else fail "master.key has mode $mode" "chmod 600 $dir/master.key"; fi
fi
if [ -f "$dir/routex.db/db" ]; then
  holder=""
  for p in /proc/[0-9]*; do
    for fd in "$p"/fd/*; do
      [ "$(readlink "$fd" 2>/dev/null)" = "$(readlink -f "$dir/routex.db/db")" ] && holder="${p#/proc/}" && break 2
    done
  done 2>/dev/null
  if [ -n "$holder" ]; then ok "store is held by pid $holder ($(tr '\0' ' ' < "/proc/$holder/cmdline" 2>/dev/null))"; else ok "store is not locked"; fi
fi
if [ -f "$dir/daemon.json" ]; then
  pid=$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$dir/daemon.json")
  url=$(sed -n 's/.*"admin_url": *"\([^"]*\)".*/\1/p' "$dir/daemon.json")
  if kill -0 "$pid" 2>/dev/null; then
    if curl -fsS -m 2 "$url/health/live" >/dev/null 2>&1; then ok "daemon pid $pid answers at $url"; else fail "daemon pid $pid does not answer at $url" "kill $pid, then routex serve"; fi
  else
    fail "daemon.json names pid $pid, which is gone" "rm $dir/daemon.json (routex also removes it by itself)"
  fi
fi
ours=""
if [ -f "$dir/daemon.json" ]; then
  ours=$(sed -n 's/.*"address": *"[^"]*:\([0-9]*\)".*/\1/p' "$dir/daemon.json")
fi
if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
  if [ "$ours" = "$port" ]; then
    ok "port $port is the daemon's"
  else
    fail "port $port is taken by another process" "stop it (ss -ltnp 'sport = :$port' names it), or routex serve --port $((port + 1))"
  fi
else
  ok "port $port is free"
fi
exit $bad
