#!/usr/bin/env python3
"""Throughput and peak memory of the file tail input, and of rsyslog's imfile on the same file.

Generates an nginx access log in the combined format (2,000,000 lines by default, about
206 bytes a line with the newline; fixed seed, so the same bytes every time), in
--dir/data/access.log, and keeps it there for the next runs (--dir is reused; a file of
other parameters is generated again). The file is read from the page cache: the generator
has just written it, or the previous run read it.

Runs, each --runs times; the median is reported, with the min and max:

  tail -> null          logagent reads the file from its beginning and exits at its end
                        (read_from = "beginning", exit_on_eof = true), events to the null
                        output; a fresh state_dir every run.
  tail -> stdout json   the same, to the stdout output as JSON lines, standard output
                        redirected to a file in --dir; the file must have one line per
                        input line, or the program stops with an error.
  rsyslog imfile        Debian's rsyslogd (-n -f CONFIG -i PIDFILE, its own work directory,
                        no input module but imfile: no /dev/log, nothing of the system
                        service) reads the file (readMode 0, freshStartTail off) and writes
                        each message alone ("%msg%\\n") with omfile. Its time is from the
                        start to the moment the output file has every byte, polled every
                        5 ms (then its line count is checked and rsyslogd gets SIGTERM).
                        Both imfile modes, inotify and polling, are measured; the ratios use
                        the faster.

Wall time is from the start of the process to its exit (logagent) or to the last byte of
the output (rsyslog), start-up included. logagent's shutdown report must say every line
was delivered and none failed. Peak RSS is the process's own high-water mark (VmHWM in
/proc/PID/status), sampled every 5 ms: wait4's ru_maxrss would include the memory of the
Python process that forked it. CPU is the process's user + system time (all threads; from
wait4 for logagent, from /proc/PID/stat at the last byte for rsyslog): lines per CPU second
varies less than lines/s when other work shares the machine. Not a test: figures go to
docs/benchmarks.md.

The configurations are written into --dir: tail-null.toml, tail-stdout.toml and
rsyslog-<mode>.conf.

  python3 tests/bench/tail_throughput.py --binary build-rel/logagent [--lines 2000000] [--runs 5]
      [--dir /tmp/logagent-bench-tail] [--rsyslogd /usr/sbin/rsyslogd] [--rsyslog-modes inotify polling]
"""
import argparse
import bisect
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from proc_stats import high_water_kib, read_text, terminate, wait_for_file_size

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

GENERATOR_VERSION = 1  # change when generate() writes other bytes for the same parameters
SEED = 2026

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# (weight, user agent); {} fields are filled per line from small ranges of versions.
USER_AGENTS = [
    (30, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{chrome}.0.0.0 Safari/537.36"),
    (8, "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{ff}.0) Gecko/20100101 Firefox/{ff}.0"),
    (11, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{minor} Safari/605.1.15"),
    (14, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{minor} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{minor} Mobile/15E148 Safari/604.1"),
    (10, "Mozilla/5.0 (Linux; Android 14; Pixel {pixel}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{chrome}.0.0.0 Mobile Safari/537.36"),
    (4, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{chrome}.0.0.0 Safari/537.36"),
    (5, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
    (2, "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"),
    (2, "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)"),
    (6, "curl/8.{curl}.0"),
    (5, "python-requests/2.{requests}.0"),
    (5, "Go-http-client/1.1"),
    (3, "Prometheus/2.{prom}.0"),
    (4, "kube-probe/1.{kube}"),
    (1, "-"),
]

WORDS = ["shoes", "red", "laptop", "bag", "winter", "jacket", "usb-c", "cable", "coffee", "mug", "desk",
         "lamp", "phone", "case", "running", "kids", "garden", "chair", "gift", "sale", "wool", "socks"]
SLUGS = ["leather-boots", "espresso-machine", "wireless-mouse", "standing-desk", "rain-jacket", "travel-mug",
         "mechanical-keyboard", "yoga-mat", "desk-lamp", "backpack-30l", "noise-cancelling-headphones",
         "cast-iron-pan", "office-chair", "smart-watch", "hiking-socks", "water-bottle"]
SITES = ["https://www.google.com/", "https://www.bing.com/", "https://duckduckgo.com/", "https://t.co/",
         "https://www.facebook.com/", "https://news.ycombinator.com/", "https://www.reddit.com/r/deals/"]
HOST = "https://shop.example.com"
# Built assets: a few bundles, each under a content hash, as a real deployment serves them.
_assets = random.Random(SEED + 1)
ASSETS = ["/static/%s/%s.%08x.%s" % (kind, name, _assets.getrandbits(32), ext)
          for kind, name, ext in [("js", "app", "js"), ("js", "vendor", "js"), ("css", "main", "css"),
                                  ("js", "app", "js.map"), ("fonts", "inter-var", "woff2")]
          + [("js", "chunk-%d" % i, "js") for i in range(30)]]


def make_path(rng):
    """A request target: pages, built assets, images, API calls, probes and scanners.
    Returns (target, kind): kind "api" for API calls, "page" for pages (a referer can be one)."""
    k = rng.random()
    if k < 0.20:
        return rng.choice(ASSETS), "asset"
    if k < 0.32:
        return "/images/p/%d/%s_%d.%s" % (rng.randrange(100000), rng.choice(["main", "thumb", "alt1", "alt2"]),
                                          rng.choice([160, 480, 1200]), rng.choice(["jpg", "webp", "png"])), "asset"
    if k < 0.52:
        return "/api/v1/" + rng.choice([
            "users/%d" % rng.randrange(10**7),
            "orders/%d/items?limit=%d" % (rng.randrange(10**8), rng.choice([10, 20, 50])),
            "cart?s=%012x" % rng.getrandbits(48),
            "products?cat=%s&page=%d" % (rng.choice(WORDS), rng.randrange(1, 30)),
            "recs?user=%d&n=%d" % (rng.randrange(10**7), rng.choice([4, 8, 12])),
            "auth/refresh",
            "events",
        ]), "api"
    if k < 0.70:
        return "/p/%s-%d" % (rng.choice(SLUGS), rng.randrange(10000)) + rng.choice(["", "", "?ref=home", "/reviews?page=%d" % rng.randrange(1, 9)]), "page"
    if k < 0.80:
        return "/search?q=%s&page=%d" % ("+".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 4))), rng.randrange(1, 6)), "page"
    if k < 0.86:
        return rng.choice(["/", "/", "/cart", "/checkout", "/account", "/login", "/about", "/contact", "/blog/"]), "page"
    if k < 0.96:
        return rng.choice(["/favicon.ico", "/robots.txt", "/sitemap.xml", "/healthz", "/metrics", "/manifest.json"]), "probe"
    return rng.choice(["/wp-login.php", "/.env", "/.git/config", "/phpmyadmin/index.php", "/xmlrpc.php",
                       "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/cgi-bin/luci/;stok=/locale"]), "scan"


def cumulative(weights):
    total, out = 0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def generate(path, lines):
    """nginx `combined` lines: $remote_addr - $remote_user [$time_local] "$request" $status
    $body_bytes_sent "$http_referer" "$http_user_agent". Clients, paths, statuses, sizes,
    referers and agents are drawn per line from skewed distributions; time advances by a
    random gap per line (40 ms on average, so 2,000,000 lines span about a day)."""
    rng = random.Random(SEED)
    # Clients: 60,000 addresses, 8% IPv6; half the requests come from 300 busy ones.
    clients = []
    for _ in range(60000):
        if rng.random() < 0.08:
            addr = "2001:db8:%x:%x::%x" % (rng.randrange(1 << 16), rng.randrange(1 << 16), rng.randrange(1 << 16))
        else:
            addr = "%d.%d.%d.%d" % (rng.choice([10, 31, 45, 66, 81, 93, 103, 141, 172, 185, 192, 203, 212]),
                                    rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))
        clients.append(addr)
    users = ["alice", "bob", "carol", "svc-backup", "monitor"]
    ua_texts = [t for _, t in USER_AGENTS]
    ua_cum = cumulative(w for w, _ in USER_AGENTS)
    api_methods, api_cum = ["GET", "POST", "PUT", "DELETE", "OPTIONS"], cumulative([60, 28, 6, 3, 3])
    page_methods, page_cum = ["GET", "POST", "HEAD"], cumulative([94, 3, 3])
    statuses = [200, 304, 301, 302, 404, 206, 400, 401, 403, 499, 500, 502, 503]
    status_cum = cumulative([720, 90, 20, 25, 70, 5, 10, 12, 8, 10, 12, 5, 3])
    t = 1796083200.0  # 2026-12-01 00:00:00 UTC
    second = None
    stamp = ""
    out = []
    with open(path, "w", encoding="ascii", newline="\n") as f:
        for _ in range(lines):
            t += rng.expovariate(25.0)
            s = int(t)
            if s != second:
                second = s
                tm = time.gmtime(s)
                stamp = "%02d/%s/%d:%02d:%02d:%02d +0000" % (tm.tm_mday, MONTHS[tm.tm_mon - 1], tm.tm_year, tm.tm_hour,
                                                             tm.tm_min, tm.tm_sec)
            client = clients[rng.randrange(300) if rng.random() < 0.5 else rng.randrange(len(clients))]
            user = rng.choice(users) if rng.random() < 0.03 else "-"
            target, kind = make_path(rng)
            if kind == "api":
                method = rng.choices(api_methods, cum_weights=api_cum)[0]
            else:
                method = rng.choices(page_methods, cum_weights=page_cum)[0] if kind == "page" else "GET"
            if kind == "scan":
                status = rng.choice([404, 404, 404, 403, 400])
            else:
                status = rng.choices(statuses, cum_weights=status_cum)[0]
            if status == 304 or method == "HEAD" or status == 499:
                size = 0
            elif status >= 400:
                size = rng.randrange(150, 600)
            else:
                size = int(rng.lognormvariate(8.0, 1.5))
            r = rng.random()
            if r < 0.5 or kind in ("probe", "scan"):
                referer = "-"
            elif r < 0.88:
                page, page_kind = make_path(rng)
                referer = HOST + (page if page_kind == "page" else "/")
            else:
                referer = rng.choice(SITES)
            ua = ua_texts[bisect.bisect_right(ua_cum, rng.random() * ua_cum[-1])]
            if "{" in ua:
                ua = ua.format(chrome=rng.randrange(118, 132), ff=rng.randrange(115, 134), minor=rng.randrange(7),
                               pixel=rng.choice(["7", "7a", "8", "8 Pro", "9"]), curl=rng.randrange(12),
                               requests=rng.randrange(28, 33), prom=rng.randrange(45, 55), kube=rng.randrange(27, 32))
            proto = "HTTP/2.0" if rng.random() < 0.4 else "HTTP/1.1"
            out.append('%s - %s [%s] "%s %s %s" %d %d "%s" "%s"\n' % (client, user, stamp, method, target, proto, status,
                                                                     size, referer, ua))
            if len(out) == 8192:
                f.write("".join(out))
                out.clear()
        f.write("".join(out))


def ensure_data(directory, lines):
    """The log file for these parameters, generated unless --dir already has it."""
    data_dir = os.path.join(directory, "data")
    path = os.path.join(data_dir, "access.log")
    meta_path = os.path.join(data_dir, "access.log.json")
    want = {"generator": GENERATOR_VERSION, "seed": SEED, "lines": lines}
    try:
        with open(meta_path) as f:
            meta = json.load(f)
        if {k: meta.get(k) for k in want} == want and os.path.getsize(path) == meta["bytes"]:
            return path, meta["bytes"], False
    except (OSError, ValueError, KeyError):
        pass
    os.makedirs(data_dir, exist_ok=True)
    if os.path.exists(meta_path):
        os.remove(meta_path)
    generate(path, lines)
    want["bytes"] = os.path.getsize(path)
    with open(meta_path, "w") as f:
        json.dump(want, f)
    return path, want["bytes"], True


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            n += chunk.count(b"\n")
    return n


def write_logagent_config(directory, data_path, output):
    path = os.path.join(directory, f"tail-{output}.toml")
    out = 'type = "null"' if output == "null" else 'type   = "stdout"\nformat = "json"'
    with open(path, "w") as f:
        f.write(f"""# Written by tests/bench/tail_throughput.py: the file from its beginning to its end, then exit.
[service]
state_dir = "{os.path.join(directory, 'state')}"   # removed before every run

[[inputs]]
type        = "tail"
paths       = ["{data_path}"]
read_from   = "beginning"
exit_on_eof = true

[[outputs]]
{out}
""")
    return path


def run_logagent(binary, config, directory, lines, output):
    """One run; stdout to /dev/null (null output) or to a file checked afterwards (json)."""
    shutil.rmtree(os.path.join(directory, "state"), ignore_errors=True)
    out_path = os.path.join(directory, "tail-stdout.json") if output == "stdout" else os.devnull
    with open(out_path, "wb") as out:
        start = time.perf_counter()
        agent = subprocess.Popen([binary, "run", "-c", config], stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=subprocess.PIPE)
        peak_kib = 0
        while True:
            pid, status, usage = os.wait4(agent.pid, os.WNOHANG)
            if pid != 0:
                break
            peak_kib = max(peak_kib, high_water_kib(agent.pid))
            time.sleep(0.005)
        elapsed = time.perf_counter() - start
        agent.returncode = os.waitstatus_to_exitcode(status)
        err = agent.stderr.read().decode()
    if agent.returncode != 0:
        sys.exit(f"{config}: exit status {agent.returncode}\n{err}")
    # The agent's own shutdown report must account for every line, or the figure means nothing.
    if f"delivered_events={lines} " not in err or "failed_events=0 " not in err:
        sys.exit(f"{config}: not every line was delivered:\n{err}")
    if output == "stdout":
        written = count_lines(out_path)
        os.remove(out_path)
        if written != lines:
            sys.exit(f"{config}: the JSON output has {written} lines, not {lines}")
    return elapsed, peak_kib, usage.ru_utime + usage.ru_stime


def write_rsyslog_config(directory, data_path, mode):
    """imfile alone: no imuxsock, no imklog, so nothing of the system's logging is touched."""
    path = os.path.join(directory, f"rsyslog-{mode}.conf")
    work = os.path.join(directory, "rsyslog-work")
    out = os.path.join(directory, "rsyslog-out.log")
    internal = os.path.join(directory, "rsyslog-internal.log")
    with open(path, "w") as f:
        f.write(f"""# Written by tests/bench/tail_throughput.py; run as rsyslogd -n -f {path} -i <pid file>.
# No input module but imfile: no /dev/log (imuxsock), no kernel log (imklog).
global(workDirectory="{work}")
module(load="imfile" mode="{mode}")

template(name="msg_only" type="string" string="%msg%\\n")

ruleset(name="bench") {{
  action(type="omfile" file="{out}" template="msg_only")
}}

input(type="imfile" file="{data_path}" tag="nginx:" ruleset="bench"
      readMode="0" freshStartTail="off")

# rsyslogd's own messages, if any (they go to the default ruleset), apart from the measured output.
action(type="omfile" file="{internal}")
""")
    return path, work, out, internal


def run_rsyslog(rsyslogd, config, work, out_path, internal, directory, lines, size):
    """One run: time from the start until out_path has every byte; then SIGTERM."""
    for p in (out_path, internal):
        if os.path.exists(p):
            os.remove(p)
    shutil.rmtree(work, ignore_errors=True)  # imfile's state file: read from the start again
    os.makedirs(work)
    pid_file = os.path.join(directory, "rsyslogd.pid")
    console = os.path.join(directory, "rsyslogd.stderr")
    with open(console, "wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen([rsyslogd, "-n", "-f", config, "-i", pid_file], stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT)
    try:
        elapsed, peak_kib, cpu = wait_for_file_size(proc, out_path, size, start, (console, internal))
    finally:
        terminate(proc)
    written = count_lines(out_path)
    if written != lines or os.path.getsize(out_path) != size:
        sys.exit(f"{config}: rsyslog's output has {written} lines and {os.path.getsize(out_path)} bytes, "
                 f"not {lines} and {size}\n{read_text(internal)}")
    os.remove(out_path)
    return elapsed, peak_kib, cpu


def summary(name, results, lines, size):
    times = [r[0] for r in results]
    return {"name": name, "elapsed": statistics.median(times), "min": min(times), "max": max(times),
            "rss": max(r[1] for r in results), "lines_s": lines / statistics.median(times),
            "lines_s_min": lines / max(times), "lines_s_max": lines / min(times),
            "mib_s": size / 2**20 / statistics.median(times), "cpu": statistics.median(r[2] for r in results)}


def print_row(s):
    print(f"{s['name']:<26} {s['lines_s']:>12,.0f} {s['lines_s_min']:>11,.0f}-{s['lines_s_max']:<11,.0f} "
          f"{s['mib_s']:>8,.0f} {s['rss'] / 1024:>7.1f} MiB {s['elapsed']:>8.3f} s {s['cpu']:>8.2f} s", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "logagent"))
    ap.add_argument("--lines", type=int, default=2_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "logagent-bench-tail"),
                    help="where the log, the configurations and the outputs go; kept and reused (default %(default)s)")
    ap.add_argument("--rsyslogd", default="/usr/sbin/rsyslogd")
    ap.add_argument("--rsyslog-modes", nargs="*", choices=["inotify", "polling"], default=["inotify", "polling"],
                    help="imfile modes to measure (none: skip rsyslog)")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    directory = os.path.abspath(args.dir)
    os.makedirs(directory, exist_ok=True)

    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs)")
    started = time.perf_counter()
    data, size, generated = ensure_data(directory, args.lines)
    how = f"generated in {time.perf_counter() - started:.0f} s" if generated else "reused"
    print(f"{data}: {args.lines:,} lines, {size:,} bytes ({size / 2**20:.0f} MiB, {size / args.lines:.1f} bytes a line), {how}")
    print(f"{args.runs} runs each; median lines/s, then min-max")
    print(f"{'run':<26} {'lines/s':>12} {'range':^23} {'MiB/s':>8} {'peak RSS':>11} {'wall':>10} {'CPU':>10}", flush=True)

    rows = []
    for output, name in (("null", "logagent tail -> null"), ("stdout", "logagent tail -> stdout json")):
        config = write_logagent_config(directory, data, output)
        rows.append(summary(name, [run_logagent(binary, config, directory, args.lines, output)
                                   for _ in range(args.runs)], args.lines, size))
        print_row(rows[-1])

    rsyslog = []
    if args.rsyslog_modes and not os.access(args.rsyslogd, os.X_OK):
        print(f"\nrsyslog skipped: {args.rsyslogd} not found; install it with `apt-get install rsyslog` "
              f"(the system service need not run: the benchmark starts its own rsyslogd).")
    else:
        for mode in args.rsyslog_modes:
            config, work, out, internal = write_rsyslog_config(directory, data, mode)
            rsyslog.append(summary(f"rsyslog imfile ({mode})",
                                   [run_rsyslog(args.rsyslogd, config, work, out, internal, directory, args.lines, size)
                                    for _ in range(args.runs)], args.lines, size))
            print_row(rsyslog[-1])

    print()
    print(f"{'run':<30} {'lines/s (median)':>17} {'MiB/s':>8} {'peak RSS':>11} {'wall':>9} {'vs rsyslog':>11} "
          f"{'lines/CPU-s':>12}")
    best = max(rsyslog, key=lambda s: s["lines_s"]) if rsyslog else None
    lines = args.lines
    for s in rows + rsyslog:
        ratio = f"{s['lines_s'] / best['lines_s']:.1f}x" if best else "-"
        print(f"{s['name']:<30} {s['lines_s']:>17,.0f} {s['mib_s']:>8,.0f} {s['rss'] / 1024:>7.1f} MiB "
              f"{s['elapsed']:>7.3f} s {ratio:>11} {lines / s['cpu'] if s['cpu'] else 0:>12,.0f}")
    if best:
        print(f"(ratios to {best['name']}, the faster rsyslog mode)")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
