#!/usr/bin/env python3
"""Throughput and peak memory of `stdin -> null` and `stdin -> stdout json`.

Feeds generated 200-byte lines (199 bytes + newline) to the real binary through a pipe
from `cat`, output to /dev/null, and reports lines/s, MiB/s and the agent's peak RSS.
Not a test: figures go to docs/benchmarks.md.

Peak RSS is the agent's own high-water mark (VmHWM in /proc/PID/status), sampled every
5 ms: wait4's ru_maxrss would include the memory of the Python process that forked it.

  python3 tests/bench/stdin_throughput.py --binary build/logagent [--lines 5000000] [--runs 3] [--feed pipe file]
"""
import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

from proc_stats import high_water_kib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

PIPELINES = {
    "stdin -> null": "configs/stdin-null.toml",
    "stdin -> stdout json": "configs/stdin-stdout.toml",
}


def generate(path, lines):
    """Access-log-like lines, 199 bytes + '\\n', from 4096 distinct ones repeated."""
    rng = random.Random(42)
    methods = ["GET", "POST", "PUT", "DELETE"]
    distinct = []
    for i in range(4096):
        line = '%d.%d.%d.%d - - [25/Nov/2026:06:%02d:%02d +0000] "%s /api/v1/items/%d?q=%s HTTP/1.1" %d %d "-" "bench/1.0"' % (
            rng.randrange(256), rng.randrange(256), rng.randrange(256), rng.randrange(256), rng.randrange(60),
            rng.randrange(60), rng.choice(methods), rng.randrange(10**6),
            "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(12)), rng.choice([200, 201, 404, 500]),
            rng.randrange(10**5))
        line = (line + " " + "x" * 199)[:199]
        distinct.append(line.encode() + b"\n")
    block = b"".join(distinct)
    with open(path, "wb") as f:
        full, rest = divmod(lines, len(distinct))
        for _ in range(full):
            f.write(block)
        f.write(b"".join(distinct[:rest]))


def run_once(binary, config, data_path, lines, feed):
    """feed "pipe": stdin is a pipe from `cat` (how logs usually arrive on stdin);
    "file": stdin is the file itself, which shows the agent's own limit without the pipe."""
    with open(os.devnull, "wb") as devnull, open(data_path, "rb") as data:
        start = time.perf_counter()
        feeder = subprocess.Popen(["cat", data_path], stdout=subprocess.PIPE) if feed == "pipe" else None
        agent = subprocess.Popen([binary, "run", "-c", config], stdin=feeder.stdout if feeder else data,
                                 stdout=devnull, stderr=subprocess.PIPE)
        if feeder:
            feeder.stdout.close()
        peak_kib = 0
        while agent.poll() is None:
            peak_kib = max(peak_kib, high_water_kib(agent.pid))
            time.sleep(0.005)
        elapsed = time.perf_counter() - start
        if feeder:
            feeder.wait()
        err = agent.stderr.read().decode()
    if agent.returncode != 0:
        sys.exit(f"{config}: exit status {agent.returncode}\n{err}")
    # The agent's own shutdown report must account for every line, or the figure means nothing.
    if f"delivered_events={lines} " not in err or "failed_events=0 " not in err:
        sys.exit(f"{config}: not every line was delivered:\n{err}")
    return elapsed, peak_kib


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "logagent"))
    ap.add_argument("--lines", type=int, default=5_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--feed", nargs="+", choices=["pipe", "file"], default=["pipe", "file"],
                    help="how stdin is fed: a pipe from cat, the file itself, or both (default)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="logagent-bench-") as tmp:
        data = os.path.join(tmp, "lines.txt")
        generate(data, args.lines)
        size = os.path.getsize(data)
        print(f"{args.lines} lines of 200 bytes ({size / 2**20:.0f} MiB), {args.runs} runs each, median shown")
        print(f"{'pipeline':<24} {'stdin':<6} {'lines/s':>12} {'MiB/s':>8} {'peak RSS':>10}")
        for feed in args.feed:
            for name, config in PIPELINES.items():
                results = [run_once(args.binary, os.path.join(ROOT, config), data, args.lines, feed) for _ in range(args.runs)]
                elapsed = statistics.median(r[0] for r in results)
                rss = max(r[1] for r in results)
                print(f"{name:<24} {feed:<6} {args.lines / elapsed:>12,.0f} {size / 2**20 / elapsed:>8,.0f} "
                      f"{rss / 1024:>7.1f} MiB")


if __name__ == "__main__":
    main()
