#!/usr/bin/env python3
"""Throughput and peak memory of the kafka output, next to librdkafka's own producer.

Writes --lines log-like lines of 200 bytes (199 + newline; every line different, fixed
seed) to a file, starts the build's logagent-broker (one broker, --partitions 3, topics
`ref` and `agent`) and, against that one broker, alternates --runs times:

  reference           logagent-bench-producer (tests/bench/kafka_reference_producer.cpp):
                      librdkafka's C API producing each line as one message to topic `ref`,
                      waiting for every delivery report; zero-copy (messages point into
                      the mapped file, as the agent's point into its batches) unless
                      --payload copy (RD_KAFKA_MSG_F_COPY). Its rate is from its own clock,
                      rd_kafka_new to the end of rd_kafka_destroy (the file is mapped and
                      split before).
  tail -> kafka       logagent run: a tail input (read_from = "beginning", exit_on_eof =
                      true, a fresh state_dir every run) to the kafka output, topic `agent`.
  stdin -> kafka      the same with the stdin input, the file itself as standard input.

Both sides send with acks = 1 and lz4, no key, the partitioner the agent's output uses, and
librdkafka's defaults for everything else; the reference is given with -X every other
property the agent's output sets (REFERENCE_PROPERTIES), so both run the same configuration.

--format raw (default): the agent sends the `message` field's bytes, the same bytes as the
reference. --format json: the agent sends each event as a JSON value; the reference then
sends the same JSON lines, written once by the agent itself (the same input to the stdout
output, format json) before the runs.

The agent's time is the wall time of its process, start to exit. A run counts only if it
exits 0, its shutdown report says every event was delivered and none failed, and the
topic's high watermarks (kcat -Q; the mock keeps only the newest messages of a partition,
but watermarks still count them) grew by exactly --lines; the reference must report
every message delivered and the same watermark growth. Peak RSS is the agent's own
VmHWM, sampled every 5 ms. CPU is user + system time of the process (all threads, from
wait4); the broker's CPU during each run is read from /proc.

Ratios: agent/reference of the median rates; the median of the per-round ratios (each
agent run against the reference run just before it), which varies less when the machine's
speed does; and the per-round ratio of messages per CPU second (the reference's CPU from
getrusage over its timed span), which varies least when other work shares the machine.
Not a test: figures go to docs/benchmarks.md.

  python3 tests/bench/kafka_throughput.py [--build build-rel] [--lines 2000000] [--runs 3]
      [--inputs tail stdin] [--format raw|json] [--payload copy|zero-copy] [--dir DIR]
"""
import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from proc_stats import sample_until_exit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

GENERATOR_VERSION = 1  # change when generate() writes other bytes for the same parameters
SEED = 909
PARTITIONS = 3
# librdkafka properties the agent's kafka output sets beyond acks and compression, given to
# the reference with -X so that both sides run the same configuration.
REFERENCE_PROPERTIES = {
    "partitioner": "murmur2_random",
}

LEVELS = ["INFO"] * 14 + ["DEBUG"] * 4 + ["WARN"] * 2 + ["ERROR"]
SERVICES = ["checkout", "cart", "search", "auth", "payments", "inventory", "gateway", "recs"]
VERBS = ["GET", "GET", "GET", "POST", "POST", "PUT", "DELETE"]
ROUTES = ["/api/v1/orders/%d", "/api/v1/users/%d/profile", "/api/v2/search?q=item%d", "/api/v1/cart/%d/items",
          "/healthz?probe=%d", "/api/v1/payments/%d/capture", "/static/app.%d.js"]
WORDS = ["request", "completed", "upstream", "cache", "miss", "hit", "retry", "timeout", "session", "token",
         "refreshed", "user", "order", "queued", "slow", "query", "pool", "connection", "reused", "opened"]


def generate(path, lines):
    """Application-log lines: time, level, service, client, request, status, latency, trace
    id, then words from a random offset of a long random text, to exactly 199 bytes and a
    newline."""
    rng = random.Random(SEED)
    filler = " ".join(rng.choice(WORDS) for _ in range(20000))
    t = 1796083200.0  # 2026-12-01 00:00:00 UTC
    second, stamp = None, ""
    out = []
    with open(path, "w", encoding="ascii", newline="\n") as f:
        for _ in range(lines):
            t += rng.expovariate(500.0)
            if int(t) != second:
                second = int(t)
                stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
            line = "%s.%06dZ %-5s %s[%d] %d.%d.%d.%d %s %s %d %dms trace=%016x " % (
                stamp, int((t - second) * 1e6), rng.choice(LEVELS), rng.choice(SERVICES), rng.randrange(1, 40000),
                rng.randrange(1, 224), rng.randrange(256), rng.randrange(256), rng.randrange(1, 255),
                rng.choice(VERBS), rng.choice(ROUTES) % rng.randrange(10**7),
                rng.choice([200, 200, 200, 201, 204, 304, 404, 500]), int(rng.lognormvariate(3, 1)),
                rng.getrandbits(64))
            start = rng.randrange(len(filler) - 200)
            out.append((line + filler[start:start + 199 - len(line)])[:199] + "\n")
            if len(out) == 8192:
                f.write("".join(out))
                out.clear()
        f.write("".join(out))


def ensure_data(directory, lines):
    """The data file for these parameters; one --dir already has is reused."""
    path = os.path.join(directory, "lines.txt")
    meta_path = path + ".json"
    want = {"generator": GENERATOR_VERSION, "seed": SEED, "lines": lines, "bytes": lines * 200}
    try:
        with open(meta_path) as f:
            if json.load(f) == want and os.path.getsize(path) == want["bytes"]:
                return path, False
    except (OSError, ValueError):
        pass
    if os.path.exists(meta_path):
        os.remove(meta_path)
    generate(path, lines)
    with open(meta_path, "w") as f:
        json.dump(want, f)
    return path, True


def cpu_seconds(pid):
    """User and system time of every thread of a running process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


class Broker:
    """logagent-broker in its own process for the whole benchmark."""

    def __init__(self, binary, directory):
        bootstrap_file = os.path.join(directory, "bootstrap")
        if os.path.exists(bootstrap_file):
            os.remove(bootstrap_file)
        self.log = open(os.path.join(directory, "broker.stderr"), "wb")
        self.proc = subprocess.Popen([binary, "--partitions", str(PARTITIONS), "--topic", "ref", "--topic", "agent",
                                      "--bootstrap-file", bootstrap_file], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 10
        while not os.path.exists(bootstrap_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"{binary} did not start (see {self.log.name})")
            time.sleep(0.02)
        with open(bootstrap_file) as f:
            self.bootstrap = f.read().strip()

    def cpu(self):
        return cpu_seconds(self.proc.pid)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()


def high_watermarks(kcat, bootstrap, topic):
    """Sum of the topic's high watermarks: every message the broker ever appended to it."""
    args = [kcat, "-Q", "-b", bootstrap]
    for p in range(PARTITIONS):
        args += ["-t", f"{topic}:{p}:-1"]
    out = subprocess.run(args, capture_output=True, text=True, timeout=60)
    found = re.findall(rf"^{re.escape(topic)} \[(\d+)\] offset (-?\d+)$", out.stdout, re.M)
    if out.returncode != 0 or len(found) != PARTITIONS:
        sys.exit(f"kcat -Q on {topic}: exit status {out.returncode}\n{out.stdout}{out.stderr}")
    return sum(int(offset) for _, offset in found)


def run_reference(producer, ctx, data, payload):
    before = high_watermarks(ctx.kcat, ctx.broker.bootstrap, "ref")
    broker_cpu = ctx.broker.cpu()
    args = [producer, "--brokers", ctx.broker.bootstrap, "--topic", "ref", "--file", data, "--acks", "1",
            "--compression", "lz4", "--payload", payload]
    for name, value in REFERENCE_PROPERTIES.items():
        args += ["-X", f"{name}={value}"]
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall, _, _, code = sample_until_exit(proc)
    broker_cpu = ctx.broker.cpu() - broker_cpu
    out, err = proc.stdout.read().decode(), proc.stderr.read().decode()
    if code != 0:
        sys.exit(f"reference producer: exit status {code}\n{out}{err}")
    result = json.loads(out.splitlines()[-1])
    if result["messages"] != ctx.lines or result["failed"] != 0 or result["delivered"] != ctx.lines:
        sys.exit(f"reference producer: not every line was delivered: {out}")
    grown = high_watermarks(ctx.kcat, ctx.broker.bootstrap, "ref") - before
    if grown != ctx.lines:
        sys.exit(f"reference producer: topic ref grew by {grown} messages, not {ctx.lines}")
    return {"seconds": result["seconds"], "wall": wall, "rss": 0, "cpu": result["cpu_seconds"], "broker_cpu": broker_cpu,
            "queue_full_waits": result["queue_full_waits"]}


def write_agent_config(directory, data, source, output, bootstrap, fmt):
    path = os.path.join(directory, f"{source}-{output}-{fmt}.toml")
    if source == "tail":
        inp = f'type        = "tail"\npaths       = ["{data}"]\nread_from   = "beginning"\nexit_on_eof = true'
    else:
        inp = 'type = "stdin"'
    if output == "kafka":
        out = (f'type        = "kafka"\nbrokers     = "{bootstrap}"\ntopic       = "agent"\nformat      = "{fmt}"\n'
               f'acks        = "1"\ncompression = "lz4"')
    else:
        out = 'type   = "stdout"\nformat = "json"'
    with open(path, "w") as f:
        f.write(f"""# Written by tests/bench/kafka_throughput.py: the file from its beginning to its end, then exit.
[service]
state_dir = "{os.path.join(directory, 'state')}"   # removed before every run

[[inputs]]
{inp}

[[outputs]]
{out}
""")
    return path


def run_agent(binary, config, ctx, source, data, stdout_path=None):
    """One run of the agent; the file is the tail input's path or the standard input."""
    shutil.rmtree(os.path.join(ctx.directory, "state"), ignore_errors=True)
    before = high_watermarks(ctx.kcat, ctx.broker.bootstrap, "agent") if stdout_path is None else 0
    broker_cpu = ctx.broker.cpu()
    with open(data if source == "stdin" else os.devnull, "rb") as stdin, \
            open(stdout_path or os.devnull, "wb") as stdout:
        proc = subprocess.Popen([binary, "run", "-c", config], stdin=stdin, stdout=stdout, stderr=subprocess.PIPE)
        wall, peak_kib, cpu, code = sample_until_exit(proc)
    broker_cpu = ctx.broker.cpu() - broker_cpu
    err = proc.stderr.read().decode()
    if code != 0:
        sys.exit(f"{config}: exit status {code}\n{err}")
    # The agent's own shutdown report must account for every line, or the figure means nothing.
    if f"delivered_events={ctx.lines} " not in err or "failed_events=0 " not in err:
        sys.exit(f"{config}: not every line was delivered:\n{err}")
    if stdout_path is None:
        grown = high_watermarks(ctx.kcat, ctx.broker.bootstrap, "agent") - before
        if grown != ctx.lines:
            sys.exit(f"{config}: topic agent grew by {grown} messages, not {ctx.lines}\n{err}")
    report = re.findall(r"^.*delivered_events=.*$", err, re.M)
    return {"seconds": wall, "wall": wall, "rss": peak_kib, "cpu": cpu, "broker_cpu": broker_cpu,
            "report": report[-1] if report else ""}


def json_lines_of(binary, ctx, source, data):
    """The JSON values the agent sends with format = "json": its stdout output's lines."""
    path = os.path.join(ctx.directory, f"{source}-events.json")
    config = write_agent_config(ctx.directory, data, source, "stdout", ctx.broker.bootstrap, "json")
    run_agent(binary, config, ctx, source, data, stdout_path=path)
    return path


def summary(name, runs, lines, size):
    seconds = [r["seconds"] for r in runs]
    median = statistics.median(seconds)
    return {"name": name, "rate": lines / median, "rate_min": lines / max(seconds), "rate_max": lines / min(seconds),
            "mib_s": size / 2**20 / median, "wall": statistics.median(r["wall"] for r in runs),
            "rss": max(r["rss"] for r in runs), "cpu": statistics.median(r["cpu"] for r in runs),
            "per_cpu": lines / statistics.median(r["cpu"] for r in runs),
            "broker_cpu": statistics.median(r["broker_cpu"] for r in runs)}


class Context:
    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build-rel"),
                    help="build tree with logagent, logagent-broker and logagent-bench-producer (default %(default)s)")
    ap.add_argument("--binary", help="the agent (default BUILD/logagent)")
    ap.add_argument("--lines", type=int, default=2_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--inputs", nargs="*", choices=["tail", "stdin"], default=["tail", "stdin"],
                    help="the agent's inputs to measure (none: the reference alone)")
    ap.add_argument("--format", choices=["raw", "json"], default="raw",
                    help="the kafka output's format; json: the reference sends the same JSON lines")
    ap.add_argument("--payload", choices=["copy", "zero-copy"], default="zero-copy",
                    help="the reference's messages: pointing into the mapped file (default; the agent's output "
                         "too points librdkafka into its batches) or copied by librdkafka (RD_KAFKA_MSG_F_COPY)")
    ap.add_argument("--kcat", default="kcat")
    ap.add_argument("--dir", help="where the data, configurations and logs go; kept, and its data reused by "
                                   "the next run (default: a temporary directory, removed at the end)")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    binary = os.path.abspath(args.binary or os.path.join(build, "logagent"))
    broker_bin = os.path.join(build, "logagent-broker")
    producer = os.path.join(build, "logagent-bench-producer")
    for path in (binary, broker_bin, producer):
        if not os.access(path, os.X_OK):
            sys.exit(f"{path}: not found; build it (cmake --build {args.build})")
    if shutil.which(args.kcat) is None:
        sys.exit(f"{args.kcat}: not found; install kcat (apt-get install kcat)")

    directory = os.path.abspath(args.dir) if args.dir else tempfile.mkdtemp(prefix="logagent-bench-kafka-")
    os.makedirs(directory, exist_ok=True)
    ctx = Context()
    ctx.directory, ctx.lines, ctx.kcat = directory, args.lines, args.kcat
    ctx.broker = None
    try:
        load = os.getloadavg()
        print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs)")
        started = time.perf_counter()
        data, generated = ensure_data(directory, args.lines)
        size = os.path.getsize(data)
        how = f"generated in {time.perf_counter() - started:.0f} s" if generated else "reused"
        print(f"{data}: {args.lines:,} lines, {size:,} bytes ({size / 2**20:.0f} MiB), {how}")
        ctx.broker = Broker(broker_bin, directory)
        print(f"broker {ctx.broker.bootstrap}: {PARTITIONS} partitions, topics ref and agent")

        # What each side sends: the reference the same bytes the agent's output produces.
        agent_configs = {s: write_agent_config(directory, data, s, "kafka", ctx.broker.bootstrap, args.format)
                         for s in args.inputs}
        reference_data = data
        if args.format == "json" and args.inputs:
            reference_data = json_lines_of(binary, ctx, args.inputs[0], data)
            print(f"reference data: {reference_data}, the agent's JSON values of {args.inputs[0]} "
                  f"({os.path.getsize(reference_data) / args.lines:.0f} bytes a line)")
        sent_size = os.path.getsize(reference_data)
        print(f"format {args.format}, reference payload {args.payload}, reference properties "
              + " ".join(f"{k}={v}" for k, v in REFERENCE_PROPERTIES.items()))
        print(f"{args.runs} rounds, each: " + ", ".join(["reference"] + [f"{s} -> kafka" for s in args.inputs]), flush=True)

        runs = {"reference": []}
        runs.update({s: [] for s in args.inputs})
        for round_no in range(args.runs):
            ref = run_reference(producer, ctx, reference_data, args.payload)
            runs["reference"].append(ref)
            line = f"round {round_no + 1}: reference {args.lines / ref['seconds']:,.0f} msgs/s"
            for s in args.inputs:
                r = run_agent(binary, agent_configs[s], ctx, s, data)
                r["ratio"] = ref["seconds"] / r["seconds"]
                r["cpu_ratio"] = ref["cpu"] / r["cpu"]
                runs[s].append(r)
                line += (f", {s} {args.lines / r['seconds']:,.0f} msgs/s ({r['ratio']:.2f}x; CPU {r['cpu_ratio']:.2f}x) "
                         f"{r['rss'] / 1024:.1f} MiB")
            print(line, flush=True)
        for s in args.inputs:
            print(f"{s} -> kafka report: {runs[s][-1]['report'].strip()}")

        ref = summary("librdkafka producer (reference)", runs["reference"], args.lines, sent_size)
        rows = [summary(f"logagent {s} -> kafka", runs[s], args.lines, sent_size) for s in args.inputs]
        print()
        print(f"{'run':<32} {'msgs/s (median)':>15} {'range':^21} {'MiB/s':>6} {'peak RSS':>9} {'wall':>7} "
              f"{'CPU':>6} {'broker':>6} {'msgs/CPU-s':>10} {'vs ref':>6} {'rounds':>6} {'CPU vs ref':>10}")
        for s, row in zip([None] + args.inputs, [ref] + rows):
            rss = f"{row['rss'] / 1024:.1f} MiB" if s else "-"
            ratio = f"{row['rate'] / ref['rate']:.2f}x" if s else "-"
            per_round = f"{statistics.median(r['ratio'] for r in runs[s]):.2f}x" if s else "-"
            per_cpu = f"{statistics.median(r['cpu_ratio'] for r in runs[s]):.2f}x" if s else "-"
            print(f"{row['name']:<32} {row['rate']:>15,.0f} {row['rate_min']:>10,.0f}-{row['rate_max']:<10,.0f} "
                  f"{row['mib_s']:>6,.0f} {rss:>9} {row['wall']:>5.2f} s {row['cpu']:>4.2f} s {row['broker_cpu']:>4.2f} s "
                  f"{row['per_cpu']:>10,.0f} {ratio:>6} {per_round:>6} {per_cpu:>10}")
        print("vs ref: ratio of the median rates; rounds: median of each round's ratio; CPU vs ref: median of each "
              "round's ratio of messages per CPU second.\nReference rate and CPU from its own clock and getrusage, "
              "rd_kafka_new to rd_kafka_destroy; agent rate from its wall time, start to exit, and CPU of the whole "
              "process; broker: the broker's CPU during the run; MiB/s of message bytes sent.")
        load = os.getloadavg()
        print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    finally:
        if ctx.broker is not None:
            ctx.broker.stop()
        if not args.dir:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
