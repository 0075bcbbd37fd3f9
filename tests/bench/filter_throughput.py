#!/usr/bin/env python3
"""Throughput and peak memory of the parsing filters: stdin -> regex -> null and
stdin -> json -> null, each against its parsing library alone on the same lines.

  - regex: nginx "combined" lines (the bundled sample's kinds of traffic, 8,192 distinct ones
    repeated) through configs/nginx.toml's regex filter as shipped: 10 captures, 2 typed
    (status, size), the time read with time_format, the line removed (keep_source = false).
    Reference: PCRE2 with JIT matching the same pattern on every line and reading every
    group (logagent-bench-filter-reference, tests/bench/filter_reference.cpp).
  - json: JSON lines of about 265 bytes, 10 members, one of them a nested object of 3, one
    non-ASCII string, through the json filter (keep_source = false); again with time_key.
    Reference: simdjson On Demand visiting every key and value of every line.
  - stdin -> null on each file: what reading and batching cost without a filter.

Each round runs everything once, in turn, so that the ratio agent / reference is taken on
the machine as it was in that round; the median ratio is the figure to compare across
machines. stdin is the file itself: the agent's limit, without a pipe's. Every run is
checked: the agent must deliver every line and its filter must have parsed every one.
Peak RSS is the agent's own VmHWM. Not a test: figures go to docs/benchmarks.md.

  python3 tests/bench/filter_throughput.py [--build build-release] [--lines 2000000] [--runs 5]
"""
import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import tomllib

from proc_stats import sample_until_exit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
import make_sample_logs  # noqa: E402  (the sample's generators)

DISTINCT = 8192


def repeat_to(path, distinct, lines):
    block = b"".join(distinct)
    with open(path, "wb") as f:
        full, rest = divmod(lines, len(distinct))
        for _ in range(full):
            f.write(block)
        f.write(b"".join(distinct[:rest]))


def nginx_lines(rng):
    makers = [make_sample_logs.shop, make_sample_logs.api, make_sample_logs.static]
    out = []
    for i in range(DISTINCT):
        method, target, status, size, ref, ua = rng.choice(makers)(rng)
        stamp = "%02d/Nov/2026:%02d:%02d:%02d +0000" % (1 + i % 28, rng.randrange(24), rng.randrange(60), rng.randrange(60))
        out.append(f'{make_sample_logs.client(rng)} - - [{stamp}] "{method} {target} HTTP/1.1" {status} {size} '
                   f'"{ref}" "{ua}"\n'.encode())
    return out


def json_lines(rng):
    out = []
    for _ in range(DISTINCT):
        record = {
            "time": "2026-12-01T%02d:%02d:%02d.%03dZ" % (rng.randrange(24), rng.randrange(60), rng.randrange(60),
                                                         rng.randrange(1000)),
            "level": rng.choice(["info", "warn", "error", "debug"]),
            "service": rng.choice(["checkout", "cart", "search", "auth"]),
            "trace_id": "%024x" % rng.getrandbits(96),
            "msg": rng.choice(["order placed", "payment declined – retry", "cache miss", "user signed in"]),
            "duration_ms": round(rng.random() * 500, 3),
            "status": rng.choice([200, 201, 400, 404, 500]),
            "bytes": rng.randrange(10**6),
            "cached": rng.random() < 0.5,
            "http": {"method": rng.choice(["GET", "POST"]), "path": "/api/v1/items/%d" % rng.randrange(10**6),
                     "ua": "ShopApp/3.4.1"},
        }
        out.append((json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode())
    return out


def shipped_regex_filter():
    """configs/nginx.toml's [[filters]] table as written there, without its `match`."""
    with open(os.path.join(ROOT, "configs", "nginx.toml")) as f:
        text = f.read()
    table = text[text.index("[[filters]]"):text.index("[[outputs]]")]
    return "\n".join(line for line in table.splitlines() if not line.startswith("match")) + "\n"


def pipelines(tmp):
    stdin, null = '[[inputs]]\ntype = "stdin"\n\n', '\n[[outputs]]\ntype = "null"\n'
    json_filter = '[[filters]]\ntype = "json"\nkeep_source = false\n'
    configs = {
        "regex": shipped_regex_filter(),
        "json": json_filter,
        "json + time_key": json_filter + 'time_key = "time"\ntime_format = "%Y-%m-%dT%H:%M:%S.%fZ"\n',
        "none": "",
    }
    paths = {}
    for name, body in configs.items():
        path = os.path.join(tmp, re.sub(r"\W+", "-", name) + ".toml")
        with open(path, "w") as f:
            f.write(stdin + body + null)
        paths[name] = path
    return paths


def run_agent(binary, config, data_path, lines, parsed_counter):
    with open(os.devnull, "wb") as devnull, open(data_path, "rb") as data, tempfile.TemporaryFile() as log:
        # stderr into a file: the report is short, but a pipe nobody reads could fill.
        agent = subprocess.Popen([binary, "run", "-c", config], stdin=data, stdout=devnull, stderr=log)
        elapsed, peak_kib, _, _ = sample_until_exit(agent)
        log.seek(0)
        err = log.read().decode()
    if agent.returncode != 0:
        sys.exit(f"{config}: exit status {agent.returncode}\n{err}")
    if f"delivered_events={lines} " not in err or "failed_events=0 " not in err:
        sys.exit(f"{config}: not every line was delivered:\n{err}")
    if parsed_counter and not re.search(rf"\b{parsed_counter}={lines}\b", err):
        sys.exit(f"{config}: not every line was parsed ({parsed_counter}):\n{err}")
    if re.search(r"\b(mismatched|failed|time_errors|conversion_errors)=[1-9]", err):
        sys.exit(f"{config}: some lines were marked:\n{err}")
    return elapsed, peak_kib


def run_reference(binary, args, lines):
    out = subprocess.run([binary] + args, check=True, stdout=subprocess.PIPE).stdout.decode()
    m = re.search(r"lines=(\d+) seconds=([0-9.]+)", out)
    if int(m.group(1)) != lines:
        sys.exit(f"reference read {m.group(1)} lines, not {lines}")
    return float(m.group(2))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="a Release build folder")
    ap.add_argument("--lines", type=int, default=2_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dir", help="where to write the data (default: a temporary folder)")
    args = ap.parse_args()
    agent = os.path.join(args.build, "logagent")
    reference = os.path.join(args.build, "logagent-bench-filter-reference")
    pattern = tomllib.loads(shipped_regex_filter())["filters"][0]["pattern"]

    with tempfile.TemporaryDirectory(prefix="logagent-bench-filter-", dir=args.dir) as tmp:
        rng = random.Random(42)
        nginx, records = os.path.join(tmp, "nginx.log"), os.path.join(tmp, "records.jsonl")
        repeat_to(nginx, nginx_lines(rng), args.lines)
        repeat_to(records, json_lines(rng), args.lines)
        configs = pipelines(tmp)
        for name, path in (("nginx", nginx), ("json", records)):
            size = os.path.getsize(path)
            print(f"{name}: {args.lines:,} lines, {size / args.lines:.0f} bytes a line on average ({size / 2**20:.0f} MiB)")

        # (row, data, how to run it, the reference row it is compared with)
        rows = [
            ("PCRE2-JIT alone", nginx, lambda: (run_reference(reference, ["regex", pattern, nginx], args.lines), 0), None),
            ("stdin -> regex -> null", nginx,
             lambda: run_agent(agent, configs["regex"], nginx, args.lines, "matched"), "PCRE2-JIT alone"),
            ("stdin -> null (nginx)", nginx, lambda: run_agent(agent, configs["none"], nginx, args.lines, None), None),
            ("simdjson On Demand alone", records,
             lambda: (run_reference(reference, ["json", records], args.lines), 0), None),
            ("stdin -> json -> null", records,
             lambda: run_agent(agent, configs["json"], records, args.lines, "parsed"), "simdjson On Demand alone"),
            ("stdin -> json + time_key -> null", records,
             lambda: run_agent(agent, configs["json + time_key"], records, args.lines, "parsed"),
             "simdjson On Demand alone"),
            ("stdin -> null (json)", records, lambda: run_agent(agent, configs["none"], records, args.lines, None), None),
        ]
        seconds = {row[0]: [] for row in rows}
        rss = {row[0]: 0 for row in rows}
        for round_number in range(args.runs):
            for name, _, run, _ in rows:
                elapsed, peak = run()
                seconds[name].append(elapsed)
                rss[name] = max(rss[name], peak)
            print(f"round {round_number + 1}: " + ", ".join(f"{n} {args.lines / s[-1] / 1e6:.2f} M/s"
                                                       for n, s in seconds.items()), flush=True)

        print(f"\n{'run':<34} {'lines/s (median)':>17} {'MiB/s':>7} {'vs reference':>13} {'peak RSS':>9}")
        for name, data, _, ref in rows:
            median = statistics.median(seconds[name])
            size = os.path.getsize(data)
            ratio = ""
            if ref:
                ratio = f"{statistics.median(r / a for a, r in zip(seconds[name], seconds[ref])):.2f}x"
            memory = f"{rss[name] / 1024:.1f} MiB" if rss[name] else ""
            print(f"{name:<34} {args.lines / median:>17,.0f} {size / 2**20 / median:>7,.0f} {ratio:>13} {memory:>9}")


if __name__ == "__main__":
    main()
