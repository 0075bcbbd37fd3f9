#!/usr/bin/env python3
"""A long Kafka outage: every broker down for --outage seconds (default 11 minutes, past
librdkafka's default message.timeout.ms of 5 minutes) while a file keeps growing.

A writer appends --rate lines a second to a log file that the agent tails into the kafka
output (acks = "all", librdkafka's defaults otherwise) of a local logagent-broker. After
--before seconds every broker goes down (SIGUSR1); after --outage seconds they come back
(SIGUSR2); the writer stops --after seconds later. Then the agent gets SIGTERM once the sum
of the topic's high watermarks reaches the number of lines written (or after --settle
seconds). Printed every 10 s: the agent's RSS, the lines written, the messages in Kafka.

What it shows, and what docs/benchmarks.md records: the agent's memory stays bounded for the
whole outage (the tail input stops reading when service.queue_max_bytes of events wait for
delivery), the messages whose message.timeout.ms expired are retried rather than lost, and
at the end every line written is in Kafka (duplicates counted: high watermarks minus lines).
Not a test (it runs for minutes).

  python3 tests/bench/kafka_outage.py --build build-rel [--outage 660] [--rate 2000]
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from proc_stats import high_water_kib  # noqa: E402


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def watermarks(bootstrap, topic, partitions):
    total = 0
    for p in range(partitions):
        out = subprocess.run(["kcat", "-Q", "-b", bootstrap, "-t", f"{topic}:{p}:-1"], capture_output=True,
                             text=True, timeout=30)
        m = re.search(r"offset (-?\d+)", out.stdout)
        if m is None:
            return None  # brokers down: no answer
        total += int(m.group(1))
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build-rel")
    ap.add_argument("--outage", type=float, default=660)
    ap.add_argument("--before", type=float, default=20)
    ap.add_argument("--after", type=float, default=20)
    ap.add_argument("--settle", type=float, default=600)
    ap.add_argument("--rate", type=int, default=2000)
    ap.add_argument("--partitions", type=int, default=6)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="logagent-outage-")
    log = os.path.join(work, "app.log")
    open(log, "w").close()
    broker = subprocess.Popen([os.path.join(args.build, "logagent-broker"), "--partitions", str(args.partitions),
                               "--topic", "outage"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    bootstrap = broker.stdout.readline().strip()
    config = os.path.join(work, "outage.toml")
    with open(config, "w") as f:
        f.write(f"""[service]
state_dir = "{work}/state"
[[inputs]]
type = "tail"
tag = "app"
paths = ["{log}"]
read_from = "beginning"
[[outputs]]
type = "kafka"
brokers = "{bootstrap}"
topic = "outage"
rdkafka = {{ "reconnect.backoff.max.ms" = "1000" }}
""")
    agent = subprocess.Popen([os.path.join(args.build, "logagent"), "run", config], stderr=open(
        os.path.join(work, "agent.err"), "w"))

    written = [0]
    stop_writing = threading.Event()

    def writer():
        with open(log, "a") as f:
            start = time.monotonic()
            while not stop_writing.is_set():
                due = int((time.monotonic() - start) * args.rate)
                while written[0] < due:
                    f.write(f"{written[0]:09d} 2026-12-01T10:00:00Z host app[42]: request handled in 12 ms "
                            f"status=200 path=/api/items/{written[0] % 977}\n")
                    written[0] += 1
                f.flush()
                time.sleep(0.01)

    thread = threading.Thread(target=writer)
    thread.start()
    start = time.monotonic()
    phase = "before"
    peak_rss = 0
    last_report = 0.0
    in_kafka = 0
    while True:
        now = time.monotonic() - start
        if agent.poll() is not None:
            stop_writing.set()
            thread.join()
            print(f"the agent exited early with status {agent.returncode}; see {work}/agent.err")
            return 1
        if phase == "before" and now >= args.before:
            broker.send_signal(signal.SIGUSR1)
            phase = "outage"
        elif phase == "outage" and now >= args.before + args.outage:
            broker.send_signal(signal.SIGUSR2)
            phase = "after"
        elif phase == "after" and now >= args.before + args.outage + args.after:
            stop_writing.set()
            thread.join()
            phase = "settle"
            settle_start = now
        rss = rss_kib(agent.pid)
        peak_rss = max(peak_rss, rss)
        if now - last_report >= 10:
            last_report = now
            if phase != "outage":
                in_kafka = watermarks(bootstrap, "outage", args.partitions) or in_kafka
            print(f"{now:7.0f} s  {phase:7}  rss {rss / 1024:6.1f} MiB  written {written[0]:9d}  "
                  f"in kafka {in_kafka:9d}", flush=True)
        if phase == "settle":
            in_kafka = watermarks(bootstrap, "outage", args.partitions) or in_kafka
            if in_kafka >= written[0] or now - settle_start > args.settle:
                break
            time.sleep(1)
        else:
            time.sleep(0.5)
    agent.send_signal(signal.SIGTERM)
    agent.wait()
    hwm = high_water_kib(agent.pid)
    broker.send_signal(signal.SIGTERM)
    broker.wait()
    with open(os.path.join(work, "agent.err")) as f:
        report = [line.strip() for line in f if "outputs[0]" in line and "delivered_events" in line]
    print(f"lines written {written[0]}, messages in kafka {in_kafka} (duplicates {in_kafka - written[0]}), "
          f"agent peak RSS {peak_rss / 1024:.1f} MiB (sampled), exit {agent.returncode}{' ' + str(hwm) if hwm else ''}")
    print(report[-1] if report else "no output report")
    print(f"work folder: {work}")
    return 0 if in_kafka >= written[0] and agent.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
