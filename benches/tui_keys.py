#!/usr/bin/env python3
"""Key-to-screen latency in the TUI while a large body downloads (issue 14).

    python3 benches/tui_keys.py [--size BYTES] [--runs N] [--bin PATH]

Starts the demo server and the TUI (release) in tmux at 120x40, then for
each run: F5 sends GET /bytes/SIZE; 100 ms later a pane key (alternately
2 = Wire and 4 = Waterfall) is sent and the screen polled (every ~2 ms,
capture-pane) until that pane shows focused; then the screen is polled
until the header says DONE, and that moment is set against the engine's
own total ("DONE 200 OK in N ms"). Prints median and max of each.
"""
import argparse, re, socket, statistics, subprocess, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("--size", type=int, default=1 << 30)
ap.add_argument("--runs", type=int, default=10)
ap.add_argument("--bin", default="target/release/wirescope")
a = ap.parse_args()

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

port = free_port()
demo = subprocess.Popen([a.bin, "demo-server", "--addr", f"127.0.0.1:{port}"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(0.5)
S = "wsbench"
subprocess.run(["tmux", "kill-session", "-t", S], stderr=subprocess.DEVNULL)
subprocess.run(["tmux", "new-session", "-d", "-s", S, "-x", "120", "-y", "40",
                f"{a.bin} --no-history http://127.0.0.1:{port}/bytes/{a.size}"], check=True)

def screen():
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", S],
                          capture_output=True, text=True).stdout

def wait_for(pred, timeout=60):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        s = screen()
        if pred(s):
            return time.monotonic(), s
        time.sleep(0.002)
    raise SystemExit("timed out waiting for the screen")

time.sleep(1.0)
keys, done_lag = [], []
try:
    for run in range(1, a.runs + 1):
        key = "2" if run % 2 else "4"
        sent = time.monotonic()
        subprocess.run(["tmux", "send-keys", "-t", S, "F5"])
        time.sleep(0.1)
        pressed = time.monotonic()
        subprocess.run(["tmux", "send-keys", "-t", S, key])
        seen, s = wait_for(lambda s: f"┏▶{key}" in s)
        in_flight = f"#{run} IN FLIGHT" in s
        keys.append((seen - pressed) * 1e3)
        shown, s = wait_for(lambda s: re.search(rf"#{run} DONE .* in ([0-9.]+) (ms|s)", s))
        m = re.search(rf"#{run} DONE .* in ([0-9.]+) (ms|s)", s)
        engine = float(m.group(1)) * (1000 if m.group(2) == "s" else 1)
        done_lag.append((shown - sent) * 1e3 - engine)
        print(f"run {run}: key {keys[-1]:.0f} ms ({'while in flight' if in_flight else 'after DONE'}); "
              f"DONE on screen {done_lag[-1]:+.0f} ms after the engine's {engine:.0f} ms", flush=True)
finally:
    subprocess.run(["tmux", "kill-session", "-t", S], stderr=subprocess.DEVNULL)
    demo.kill()
print(f"key to screen: median {statistics.median(keys):.0f} ms, max {max(keys):.0f} ms (target <= 50)")
print(f"DONE on screen after the engine: median {statistics.median(done_lag):.0f} ms, "
      f"max {max(done_lag):.0f} ms (target <= 50; includes tmux and polling)")
