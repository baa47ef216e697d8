#!/usr/bin/env python3
"""TUI memory over a session of large downloads (issue 14).

    python3 benches/tui_session.py [--size BYTES] [--sends N] [--bin PATH] [-- TUI FLAGS]

Starts the demo server and the TUI (release, tmux 120x40, --no-history),
sends GET /bytes/SIZE N times (F5, then waits for DONE), and prints the
TUI's VmRSS after 1, 3 and 5 sends (and VmHWM at the end).
"""
import argparse, re, socket, subprocess, time

ap = argparse.ArgumentParser()
ap.add_argument("--size", type=int, default=1 << 30)
ap.add_argument("--sends", type=int, default=5)
ap.add_argument("--bin", default="target/release/wirescope")
ap.add_argument("flags", nargs="*")
a = ap.parse_args()
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
demo = subprocess.Popen([a.bin, "demo-server", "--addr", f"127.0.0.1:{port}"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(0.5)
S = "wssession"
subprocess.run(["tmux", "kill-session", "-t", S], stderr=subprocess.DEVNULL)
cmd = " ".join([a.bin, "--no-history", *a.flags, f"http://127.0.0.1:{port}/bytes/{a.size}"])
subprocess.run(["tmux", "new-session", "-d", "-s", S, "-x", "120", "-y", "40", cmd], check=True)
time.sleep(1.0)
pid = subprocess.run(["tmux", "list-panes", "-t", S, "-F", "#{pane_pid}"],
                     capture_output=True, text=True).stdout.split()[0]
def status(key):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024
try:
    for n in range(1, a.sends + 1):
        subprocess.run(["tmux", "send-keys", "-t", S, "F5"])
        t0 = time.monotonic()
        while True:
            out = subprocess.run(["tmux", "capture-pane", "-p", "-t", S], capture_output=True, text=True).stdout
            if re.search(rf"#{n} (DONE|ERROR)", out):
                break
            if time.monotonic() - t0 > 120:
                raise SystemExit(f"send {n} did not finish")
            time.sleep(0.05)
        time.sleep(0.5)
        if n in (1, 3, 5) or n == a.sends:
            print(f"after {n} x {a.size >> 20} MiB: VmRSS {status('VmRSS:'):.0f} MiB (anon {status('RssAnon:'):.0f}, file {status('RssFile:'):.0f})", flush=True)
    print(f"peak (VmHWM) {status('VmHWM:'):.0f} MiB")
finally:
    subprocess.run(["tmux", "kill-session", "-t", S], stderr=subprocess.DEVNULL)
    demo.kill()
