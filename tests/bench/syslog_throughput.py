#!/usr/bin/env python3
"""Throughput and peak memory of the syslog input over TCP, and of rsyslog's imptcp on the same stream.

The sender (logagent-bench-syslog-sender, tests/bench/syslog_sender.cpp) builds in memory,
before it connects, one octet-counted stream ("LEN SP MSG", RFC 6587) per connection: RFC 5424
messages of exactly --size bytes (200 by default), --messages in all (2,000,000 by default)
split evenly over --connections (4), each message part starting with "c=<connection>
s=<sequence> " and padded with letters. Once the streams are built it says so on stderr and
the clock starts; it then opens every connection, writes each stream from its own thread with
large blocking write() calls, shuts each socket down for writing and closes it.

Each round runs, in turn, once each; there are --runs rounds (5 by default), and the median is
reported with the min and max:

  syslog -> null        logagent with a syslog input (listen = ["tcp://127.0.0.1:0"], the port
                        read from its "listening on tcp://127.0.0.1:PORT" line on stderr) and the
                        null output. When the sender has exited, the agent gets SIGTERM; it
                        reads its open connections to their end, delivers and exits. Its
                        shutdown report must say the syslog input emitted every message, with
                        no parse_errors, and the output delivered them all and failed none.
  syslog -> stdout raw  the same with the stdout output, format = "raw" (the message field, one a
                        line), standard output redirected to a file in --dir. The file must have
                        one line per message, the message parts' bytes exactly, and every
                        connection's sequence numbers in increasing order with none missing.
  rsyslog imptcp        Debian's rsyslogd (-n -f CONFIG -i PIDFILE, its own work directory, no
                        input module but imptcp: no /dev/log, nothing of the system service),
                        imptcp on 127.0.0.1 with octet-counted framing, each message written
                        alone ("%msg%\\n", which has no leading space for RFC 5424: the lines are
                        the same as logagent's raw ones) by omfile to a file in --dir. Its time
                        ends when the output file has every byte (its size polled every 5 ms);
                        then it gets SIGTERM and the file is checked: every line, none missing.
                        Whether it kept each connection's order is reported, not required.

Both receivers are started and listening before the sender starts; wall time is from the
sender's "ready" (its streams built) to the agent's exit, or to rsyslog's last byte, so it
includes the connections, the agent's drain and its shutdown. Peak RSS is the receiver's own
high-water mark (VmHWM, sampled every 5 ms while it runs). CPU is its user + system time, all
threads, start-up included (from wait4 for logagent, from /proc/PID/stat at the last byte for
rsyslog); messages per CPU second vary less than messages/s when other work shares the
machine. The ratios to rsyslog are taken three ways: of the medians; per round (each
logagent run against the rsyslog run of its round, the median of those); and of messages per
CPU second, per round. A run that does not account for every message stops the program with
an error, as does an agent that has not exited 30 s after SIGTERM. Not a test: the figures go
to docs/benchmarks.md.

The configurations are written into --dir: syslog-null.toml, syslog-stdout.toml and
rsyslog-imptcp.conf (with the port of the run).

  python3 tests/bench/syslog_throughput.py [--binary build-rel/logagent]
      [--sender build-rel/logagent-bench-syslog-sender] [--messages 2000000] [--connections 4]
      [--size 200] [--runs 5] [--dir /tmp/logagent-bench-syslog] [--rsyslogd /usr/sbin/rsyslogd]
      [--skip-rsyslog | --skip-logagent] [--timeout 300]
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

from proc_stats import high_water_kib, read_text, sample_until_exit, terminate, wait_for_file_size

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

LISTENING = re.compile(r"listening on tcp://127\.0\.0\.1:(\d+)")
INPUT_REPORT = re.compile(r'inputs\[\d+\] \(type "syslog"\): emitted_events=(\d+)(.*)')
OUTPUT_REPORT = re.compile(r'outputs\[\d+\] \(type "(?:null|stdout)"\): (.*)')
LINE_HEAD = re.compile(rb"^c=(\d+) s=(\d+) ", re.M)


def counters(text):
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", text)}


def check_lines(path, per_connection, part_bytes):
    """Reads a receiver's output, one message part a line. Returns (lines, bytes, out_of_order,
    problems): out_of_order counts the lines that came after a later one of their connection;
    problems lists what is missing, doubled or foreign (empty when every message is there once)."""
    with open(path, "rb") as f:
        data = f.read()
    lines = data.count(b"\n")
    seen = [bytearray(n) for n in per_connection]
    highest = [-1] * len(per_connection)
    out_of_order = doubled = foreign = heads = 0
    for m in LINE_HEAD.finditer(data):
        heads += 1
        c, s = int(m.group(1)), int(m.group(2))
        if c >= len(seen) or s >= len(seen[c]):
            foreign += 1
            continue
        if seen[c][s]:
            doubled += 1
        seen[c][s] = 1
        if s < highest[c]:
            out_of_order += 1
        else:
            highest[c] = s
    problems = []
    for c, flags in enumerate(seen):
        missing = len(flags) - sum(flags)
        if missing:
            problems.append(f"connection {c}: {missing} of {len(flags)} messages missing")
    if doubled:
        problems.append(f"{doubled} messages twice")
    if foreign or heads != lines:
        problems.append(f"{foreign + lines - heads} lines not from the sender")
    if lines != sum(per_connection) or len(data) != part_bytes + lines:
        problems.append(f"{lines:,} lines and {len(data):,} bytes, not {sum(per_connection):,} and "
                        f"{part_bytes + sum(per_connection):,}")
    return lines, len(data), out_of_order, problems


def start_sender(sender, port, args):
    """Starts the sender and waits until its streams are built; (process, its ready line)."""
    proc = subprocess.Popen([sender, "--host", "127.0.0.1", "--port", str(port), "--connections",
                             str(args.connections), "--messages", str(args.messages), "--size", str(args.size)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = proc.stderr.readline()
    try:
        ready = json.loads(line)
    except ValueError:
        proc.wait()
        sys.exit(f"{sender}: {line.decode(errors='replace')}{proc.stderr.read().decode(errors='replace')}")
    return proc, ready


def finish_sender(proc):
    """The sender's result line, once it has exited; stops the benchmark if it failed."""
    out, err = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"the sender failed (exit status {proc.returncode}): {err.decode(errors='replace')}")
    return json.loads(out)


def write_logagent_config(directory, output):
    path = os.path.join(directory, f"syslog-{output}.toml")
    out = 'type = "null"' if output == "null" else 'type   = "stdout"\nformat = "raw"'
    with open(path, "w") as f:
        f.write(f"""# Written by tests/bench/syslog_throughput.py: TCP syslog until SIGTERM.
[service]
state_dir = "{os.path.join(directory, 'state')}"   # removed before every run

[[inputs]]
type   = "syslog"
tag    = "bench"
listen = ["tcp://127.0.0.1:0"]

[[outputs]]
{out}
""")
    return path


def run_logagent(binary, sender, config, directory, output, args):
    """One run; the agent's stdout to /dev/null (null output) or to a file checked afterwards (raw)."""
    shutil.rmtree(os.path.join(directory, "state"), ignore_errors=True)
    out_path = os.path.join(directory, "syslog-stdout.log") if output == "stdout" else os.devnull
    err_path = os.path.join(directory, f"syslog-{output}.stderr")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        agent = subprocess.Popen([binary, "run", "-c", config], stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    # The port from the agent's own line: a probe connection would count as one of its connections.
    port = None
    deadline = time.perf_counter() + 30
    while port is None:
        if m := LISTENING.search(read_text(err_path)):
            port = int(m.group(1))
        elif agent.poll() is not None:
            sys.exit(f"{config}: the agent exited with status {agent.returncode} before listening:\n"
                     f"{read_text(err_path)}")
        elif time.perf_counter() > deadline:
            agent.kill()
            sys.exit(f"{config}: no \"listening on tcp://127.0.0.1:PORT\" line in 30 s:\n{read_text(err_path)}")
        else:
            time.sleep(0.005)
    proc = None
    try:
        proc, ready = start_sender(sender, port, args)
        start = time.perf_counter()
        peak_kib = 0
        while proc.poll() is None:
            peak_kib = max(peak_kib, high_water_kib(agent.pid))
            time.sleep(0.005)
            if agent.poll() is not None:
                sys.exit(f"{config}: the agent exited with status {agent.returncode} while the sender sent:\n"
                         f"{read_text(err_path)}")
            if time.perf_counter() - start > args.timeout:
                sys.exit(f"{config}: the sender has not finished in {args.timeout} s:\n{read_text(err_path)}")
        sent = finish_sender(proc)
        agent.send_signal(signal.SIGTERM)
        # The input reads its connections to their end (1 s at most), then the agent drains.
        watchdog = threading.Timer(30, agent.kill)
        watchdog.start()
        _, last_kib, cpu, code = sample_until_exit(agent)
        elapsed = time.perf_counter() - start
        watchdog.cancel()
        peak_kib = max(peak_kib, last_kib)
    finally:
        for p in (proc, agent):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait()
    with open(err_path, errors="replace") as f:
        err = f.read()
    if code == -signal.SIGKILL:
        sys.exit(f"{config}: the agent did not exit within 30 s of SIGTERM (killed)\n{err[-4000:]}")
    if code != 0:
        sys.exit(f"{config}: exit status {code} after SIGTERM\n{err[-4000:]}")
    # The agent's own shutdown report must account for every message, or the figure means nothing.
    report = INPUT_REPORT.search(err)
    if not report:
        sys.exit(f"{config}: no report of the syslog input on stderr:\n{err[-4000:]}")
    emitted, input_counters = int(report.group(1)), counters(report.group(2))
    out_report = OUTPUT_REPORT.search(err)
    out_counters = counters(out_report.group(1)) if out_report else {}
    if (emitted != args.messages or input_counters.get("parse_errors", 0) != 0
            or out_counters.get("delivered_events") != args.messages or out_counters.get("failed_events") != 0):
        sys.exit(f"{config}: not every message was received, parsed and delivered "
                 f"(sent {args.messages:,}):\n{report.group(0)}\n{out_report.group(0) if out_report else ''}")
    if output == "stdout":
        lines, size, out_of_order, problems = check_lines(out_path, ready["per_connection"],
                                                          ready["message_part_bytes"])
        if out_of_order:
            problems.append(f"{out_of_order:,} lines out of their connection's order")
        if problems:
            sys.exit(f"{config}: the raw output {out_path}: " + "; ".join(problems))
        os.remove(out_path)
    return {"elapsed": elapsed, "rss": peak_kib, "cpu": cpu, "bytes": sent["bytes"], "sender": sent["seconds"],
            "out_of_order": 0, "counters": input_counters}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    """Whether something listens on 127.0.0.1:port, from /proc/net/tcp (no probe connection)."""
    local = f"0100007F:{port:04X}"
    with open("/proc/net/tcp") as f:
        next(f)
        return any(fields[1] == local and fields[3] == "0A" for fields in (line.split() for line in f))


def write_rsyslog_config(directory, port):
    """imptcp alone: no imuxsock, no imklog, so nothing of the system's logging is touched."""
    path = os.path.join(directory, "rsyslog-imptcp.conf")
    work = os.path.join(directory, "rsyslog-work")
    out = os.path.join(directory, "rsyslog-out.log")
    internal = os.path.join(directory, "rsyslog-internal.log")
    with open(path, "w") as f:
        f.write(f"""# Written by tests/bench/syslog_throughput.py; run as rsyslogd -n -f {path} -i <pid file>.
# No input module but imptcp: no /dev/log (imuxsock), no kernel log (imklog).
global(workDirectory="{work}")
module(load="imptcp")

# The message part alone, as logagent's stdout output writes it with format = "raw"
# (for RFC 5424, %msg% starts after the space that follows the structured data).
template(name="msg_only" type="string" string="%msg%\\n")

ruleset(name="bench") {{
  action(type="omfile" file="{out}" template="msg_only")
}}

input(type="imptcp" address="127.0.0.1" port="{port}" SupportOctetCountedFraming="on" ruleset="bench")

# rsyslogd's own messages, if any (they go to the default ruleset), apart from the measured output.
action(type="omfile" file="{internal}")
""")
    return path, work, out, internal


def run_rsyslog(rsyslogd, sender, directory, args):
    """One run: time from the sender's start until the output has every byte; then SIGTERM."""
    port = free_port()
    config, work, out_path, internal = write_rsyslog_config(directory, port)
    for p in (out_path, internal):
        if os.path.exists(p):
            os.remove(p)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    pid_file = os.path.join(directory, "rsyslogd.pid")
    console = os.path.join(directory, "rsyslogd.stderr")
    with open(console, "wb") as log:
        proc = subprocess.Popen([rsyslogd, "-n", "-f", config, "-i", pid_file], stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT)
    sender_proc = None
    try:
        deadline = time.perf_counter() + 30
        while not listening(port):
            if proc.poll() is not None or time.perf_counter() > deadline:
                sys.exit(f"rsyslogd is not listening on 127.0.0.1:{port}:\n{read_text(console)}{read_text(internal)}")
            time.sleep(0.005)
        sender_proc, ready = start_sender(sender, port, args)
        size = ready["message_part_bytes"] + args.messages

        def sender_ok():
            if sender_proc.poll() not in (None, 0):
                finish_sender(sender_proc)

        elapsed, peak_kib, cpu = wait_for_file_size(proc, out_path, size, time.perf_counter(), (console, internal),
                                                    sender_ok)
        sent = finish_sender(sender_proc)
    finally:
        if sender_proc is not None and sender_proc.poll() is None:
            sender_proc.kill()
            sender_proc.wait()
        terminate(proc)
    lines, _, out_of_order, problems = check_lines(out_path, ready["per_connection"], ready["message_part_bytes"])
    if problems:
        sys.exit(f"{config}: rsyslog's output {out_path}: " + "; ".join(problems) + "\n" + read_text(internal))
    os.remove(out_path)
    return {"elapsed": elapsed, "rss": peak_kib, "cpu": cpu, "bytes": sent["bytes"], "sender": sent["seconds"],
            "out_of_order": out_of_order}


def summary(name, results, messages):
    times = [r["elapsed"] for r in results]
    cpus = [r["cpu"] for r in results]
    late = [r["out_of_order"] for r in results if r["out_of_order"]]
    order = "kept in every run" if not late else (f"not kept in {len(late)} of {len(results)} runs: "
                                                  f"{min(late):,}–{max(late):,} lines after a later one")
    return {"name": name, "elapsed": statistics.median(times), "msgs_s": messages / statistics.median(times),
            "msgs_s_min": messages / max(times), "msgs_s_max": messages / min(times),
            "mib_s": results[0]["bytes"] / 2**20 / statistics.median(times), "rss": max(r["rss"] for r in results),
            "cpu": statistics.median(cpus), "msgs_cpu_s": messages / statistics.median(cpus),
            "order": order,
            "runs": results}


def print_run(name, r, messages):
    order = f"{r['out_of_order']:,} lines after a later one" if r["out_of_order"] else "order kept"
    print(f"  {name:<26} {messages / r['elapsed']:>12,.0f} msgs/s  {r['elapsed']:>7.3f} s  {r['rss'] / 1024:>6.1f} MiB  "
          f"CPU {r['cpu']:>6.2f} s  sender {r['sender']:.3f} s  {order}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, "build-rel", "logagent"))
    ap.add_argument("--sender", default=os.path.join(ROOT, "build-rel", "logagent-bench-syslog-sender"),
                    help="the sender built with the agent (default %(default)s)")
    ap.add_argument("--messages", type=int, default=2_000_000, help="in all, split over the connections")
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--size", type=int, default=200, help="bytes of each RFC 5424 message, without its frame header")
    ap.add_argument("--runs", type=int, default=5, help="rounds; each runs every row once")
    ap.add_argument("--dir", default="/tmp/logagent-bench-syslog",
                    help="where the configurations and outputs go (default %(default)s)")
    ap.add_argument("--rsyslogd", default="/usr/sbin/rsyslogd")
    ap.add_argument("--skip-rsyslog", action="store_true", help="measure logagent only")
    ap.add_argument("--skip-logagent", action="store_true", help="measure rsyslog only")
    ap.add_argument("--timeout", type=float, default=300, help="seconds the sender may take before a run fails")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    sender = os.path.abspath(args.sender)
    directory = os.path.abspath(args.dir)
    os.makedirs(directory, exist_ok=True)
    if not os.access(sender, os.X_OK):
        sys.exit(f"{sender}: not built (the target logagent-bench-syslog-sender)")
    with_rsyslog = not args.skip_rsyslog
    if with_rsyslog and not os.access(args.rsyslogd, os.X_OK):
        print(f"rsyslog skipped: {args.rsyslogd} not found; install it with `apt-get install rsyslog` "
              f"(the system service need not run: the benchmark starts its own rsyslogd).")
        with_rsyslog = False

    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs)")
    print(f"{args.messages:,} messages of {args.size} bytes over {args.connections} connections; {args.runs} rounds")
    rows = []
    if not args.skip_logagent:
        rows += [("null", "logagent syslog -> null", write_logagent_config(directory, "null")),
                 ("stdout", "logagent syslog -> stdout raw", write_logagent_config(directory, "stdout"))]
    results = {name: [] for _, name, _ in rows}
    rsyslog_name = "rsyslog imptcp -> omfile"
    if with_rsyslog:
        results[rsyslog_name] = []
    for round_no in range(1, args.runs + 1):
        print(f"round {round_no}", flush=True)
        for output, name, config in rows:
            results[name].append(run_logagent(binary, sender, config, directory, output, args))
            print_run(name, results[name][-1], args.messages)
        if with_rsyslog:
            results[rsyslog_name].append(run_rsyslog(args.rsyslogd, sender, directory, args))
            print_run(rsyslog_name, results[rsyslog_name][-1], args.messages)

    summaries = [summary(name, runs, args.messages) for name, runs in results.items() if runs]
    reference = next((s for s in summaries if s["name"] == rsyslog_name), None)
    print()
    print(f"Median of {args.runs} rounds; {args.messages:,} messages of {args.size} bytes, {args.connections} connections.")
    print()
    print("| run | msgs/s (median) | min – max | MiB/s | peak RSS | CPU s | msgs per CPU s "
          "| vs rsyslog: medians | rounds | CPU | order per connection |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for s in summaries:
        ratios = ["", "", ""]
        if reference and s is not reference:
            per_round = [ref["elapsed"] / r["elapsed"] for r, ref in zip(s["runs"], reference["runs"])]
            cpu_round = [ref["cpu"] / r["cpu"] for r, ref in zip(s["runs"], reference["runs"]) if r["cpu"]]
            ratios = [f"{s['msgs_s'] / reference['msgs_s']:.2f}x", f"{statistics.median(per_round):.2f}x",
                      f"{statistics.median(cpu_round):.2f}x" if cpu_round else ""]
        print(f"| {s['name']} | {s['msgs_s']:,.0f} | {s['msgs_s_min']:,.0f} – {s['msgs_s_max']:,.0f} | "
              f"{s['mib_s']:,.0f} | {s['rss'] / 1024:.1f} MiB | {s['cpu']:.2f} | {s['msgs_cpu_s']:,.0f} | "
              f"{' | '.join(ratios)} | {s['order']} |")
    for s in summaries:
        if s["name"] != rsyslog_name:
            c = s["runs"][-1]["counters"]
            print(f"\n{s['name']}, the syslog input's counters in the last run: "
                  + " ".join(f"{k}={v}" for k, v in c.items()))
    load = os.getloadavg()
    print(f"\nload average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
