#!/usr/bin/env python3
"""How fast a shared event reaches another replica (docs/team.md, "Shared runtime state").

Two routex replicas (A and B, own data directories, one config file) share a
redis-server of this script's own; a mock upstream answers 429 with `retry-after` for one
key of each channel and 200 for the other. Each round: a request to A for the round's
model gets the 429 (A cools that key and publishes it), then B's `/metrics` is read in a
loop until it shows the key cooling on that channel. The time from A's answer to B's
first reading that shows it is an upper bound of the propagation (it includes one
`/metrics` scrape, ~1 ms). Prints the median, p90 and max over the rounds.

    cargo build --release && python3 bench/team-propagation.py [ROUNDS]

Only 127.0.0.1 is used; every wait is bounded; everything started is killed by pid on
exit. Needs redis-server (tests/setup/redis.sh installs it).
"""
import http.server
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("ROUTEX_BIN", os.path.join(ROOT, "target", "release", "routex"))
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 30
COLD = "sk-ant-cold-key-000000000000"
WARM = "sk-ant-warm-key-000000000000"
ANSWER = json.dumps({
    "id": "msg_1", "type": "message", "role": "assistant", "model": "m",
    "content": [{"type": "text", "text": "hi"}], "stop_reason": "end_turn",
    "usage": {"input_tokens": 1, "output_tokens": 1},
}).encode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mock(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        if self.headers.get("x-api-key", "").startswith("sk-ant-cold"):
            status, body, extra = 429, b'{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}', [("retry-after", "600")]
        else:
            status, body, extra = 200, ANSWER, []
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def wait_for(check, limit, what):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.05)
    raise SystemExit(f"team-propagation: {what} within {limit} s")


def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read().decode()


def post(url, model):
    body = json.dumps({"model": model, "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]}).encode()
    req = urllib.request.Request(url + "/v1/messages", data=body, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def main():
    if not shutil.which("redis-server"):
        raise SystemExit("team-propagation: redis-server is not on PATH (bash tests/setup/redis.sh installs it)")
    if not os.access(BIN, os.X_OK):
        raise SystemExit(f"team-propagation: no routex binary at {BIN} (cargo build --release, or set ROUTEX_BIN)")
    tmp = tempfile.mkdtemp(prefix="routex-team-")
    procs = []
    mock = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Mock)
    threading.Thread(target=mock.serve_forever, daemon=True).start()
    try:
        rport = free_port()
        procs.append(subprocess.Popen(
            ["redis-server", "--port", str(rport), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", tmp], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        conf = os.path.join(tmp, "routex.yaml")
        with open(conf, "w") as f:
            f.write(f"redis: redis://127.0.0.1:{rport}\nchannels:\n")
            for i in range(ROUNDS):
                f.write(f"  - {{ name: c{i}, type: anthropic, base_url: 'http://127.0.0.1:{mock.server_port}', "
                        f"models: [m{i}], api_keys: ['{COLD}{i:04d}', '{WARM}{i:04d}'] }}\n")
        urls = []
        for name in ("a", "b"):
            port = free_port()
            data = os.path.join(tmp, name)
            log = open(os.path.join(tmp, f"{name}.log"), "w")
            procs.append(subprocess.Popen([BIN, "serve", "--data-dir", data, "--port", str(port), "--config", conf],
                                          stdout=log, stderr=log))
            url = f"http://127.0.0.1:{port}"
            wait_for(lambda: json.loads(get(url + "/health/detailed"))["data"]["shared"]["up"], 30,
                     f"replica {name} did not reach redis")
            urls.append(url)
        a, b = urls
        took = []
        for i in range(ROUNDS):
            line = f'routex_channel_keys_cooling{{channel="c{i}"}} 1'
            status = post(a, f"m{i}")
            t0 = time.monotonic()
            if status != 429:
                raise SystemExit(f"team-propagation: A answered {status}, want the mock's 429")
            deadline = t0 + 5
            while line not in get(b + "/metrics"):
                if time.monotonic() > deadline:
                    raise SystemExit(f"team-propagation: B never showed c{i}'s key cooling")
            took.append((time.monotonic() - t0) * 1000)
        took.sort()
        p90 = took[min(len(took) - 1, int(len(took) * 0.9))]
        print(f"cooldown seen by A, shown by B: median {statistics.median(took):.1f} ms, p90 {p90:.1f} ms, "
              f"max {took[-1]:.1f} ms over {len(took)} rounds (upper bounds: each includes one /metrics scrape)")
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        mock.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
