#!/usr/bin/env python3
"""TUI startup with an empty and a full saved history (issue 14).

    python3 benches/tui_startup.py [--runs N] [--bin PATH]

Writes a history file of 500 entries (~100 KB of base64 wire bytes each,
the history's 50 MB cap) under a temporary WIRESCOPE_HISTORY_DIR, then
starts the TUI in tmux (120x40) with it and with an empty one, alternately:
time from launch until the first frame is on screen (capture-pane polled
every ~2 ms), and the process's VmRSS once it is up.
"""
import argparse, base64, json, os, statistics, subprocess, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--bin", default="target/release/wirescope")
a = ap.parse_args()

def history(dir, n, size):
    blob = base64.b64encode(os.urandom(size)).decode()
    with open(os.path.join(dir, "history.jsonl"), "w") as f:
        f.write(json.dumps({"format": "wirescope-history", "version": 1}) + "\n")
        for i in range(n):
            f.write(json.dumps({
                "at": "2026-12-04T00:00:00.000Z", "at_ms": 1796342400000 + i,
                "method": "GET", "url": f"http://127.0.0.1:9/bytes/{i}",
                "protocol": "HTTP/1.1", "status": 200, "reason": "OK",
                "request_headers": [["Host", "127.0.0.1:9"]], "request_body": "",
                "response_headers": [["Content-Length", str(size)]],
                "sent": base64.b64encode(b"GET / HTTP/1.1\r\n\r\n").decode(), "received": blob,
                "sent_total": 18, "received_total": size,
                "timeline": {"reused": False, "tls": False, "dns_done": 10, "connected": 20,
                             "tls_done": None, "ready": 20, "request_sent": 30,
                             "first_byte": 40, "done": 50},
                "remote": "127.0.0.1:9", "connection_id": 1, "insecure": False,
                "warnings": [], "error": None, "redacted": True, "notes": []}) + "\n")

def start(dir):
    S = "wsstart"
    subprocess.run(["tmux", "kill-session", "-t", S], stderr=subprocess.DEVNULL)
    env = dict(os.environ, WIRESCOPE_HISTORY_DIR=dir)
    t0 = time.monotonic()
    subprocess.run(["tmux", "new-session", "-d", "-s", S, "-x", "120", "-y", "40", "-e",
                    f"WIRESCOPE_HISTORY_DIR={dir}", a.bin], check=True, env=env)
    while True:
        out = subprocess.run(["tmux", "capture-pane", "-p", "-t", S], capture_output=True, text=True).stdout
        if "Request" in out and "wirescope" in out:
            took = (time.monotonic() - t0) * 1e3
            break
        if time.monotonic() - t0 > 20:
            raise SystemExit("the TUI did not start")
        time.sleep(0.002)
    time.sleep(0.3)
    pid = subprocess.run(["tmux", "list-panes", "-t", S, "-F", "#{pane_pid}"], capture_output=True, text=True).stdout.split()[0]
    rss = 0
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
    subprocess.run(["tmux", "kill-session", "-t", S], stderr=subprocess.DEVNULL)
    return took, rss

full, empty = tempfile.mkdtemp(), tempfile.mkdtemp()
history(full, 500, 75_000)
size = os.path.getsize(os.path.join(full, "history.jsonl"))
res = {"empty": [], "full": []}
for _ in range(a.runs):
    for name, d in (("empty", empty), ("full", full)):
        res[name].append(start(d))
for name, r in res.items():
    print(f"{name} history{f' ({size/1e6:.0f} MB, 500 entries)' if name == 'full' else ''}: "
          f"first frame median {statistics.median(t for t, _ in r):.0f} ms, "
          f"VmRSS median {statistics.median(m for _, m in r):.1f} MiB (targets: < 50 ms, < 30 MB)")
