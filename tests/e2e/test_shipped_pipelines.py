"""The shipped pipelines that parse, whole: configs/nginx.toml, configs/apache.toml,
configs/app-json.toml and configs/syslog.toml run as they are, but for their tail paths and state_dir, which point at
files this test writes (everything else of the file byte for byte). The lines are what real
servers write: IPv6 clients, sizes of "-", escaped quotes in user agents, WebDAV and other
methods, a request line of "-", TLS bytes sent to a plain port. Every field of every record on
stdout is compared, with its type and the timestamp printed.

The regex filter's own tests (test_filter_regex.py) test the nginx pattern alone; here the
tail input, the filter's options as shipped and the stdout output go together."""
import datetime
import difflib
import json
import os
import re
import time
import tomllib
import unittest

import socket
import subprocess

from agent import AgentTestCase, SOURCE_DIR
from syslog_support import RunningAgent
from tail_support import Agent, TailTestCase

CONFIGS = os.path.join(SOURCE_DIR, "configs")
NO_MATCH = "regex: no pattern matched"

# nginx, "combined". nginx writes a quote in a variable as \x22, other bytes as \xHH; an empty
# request line as "-". The agent of the fourth line came through a proxy that wrote \".
NGINX_ACCESS = [
    rb'203.0.113.7 - - [25/Nov/2026:06:35:03 +0000] "GET /index.html?utm_source=mail&x=%20 HTTP/1.1" 200 5120 '
    rb'"https://www.example.com/" "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"',
    rb'2001:db8:85a3::8a2e:370:7334 - bob [25/Nov/2026:07:35:04 +0100] "POST /api/v1/cart?id=7 HTTP/2.0" 201 64 '
    rb'"-" "ShopApp/3.4.1 (iOS 18.1)"',
    rb'::1 - - [25/Nov/2026:06:35:05 -0530] "HEAD /health HTTP/1.0" 304 - "-" "curl/8.11.0"',
    rb'198.51.100.23 - - [25/Nov/2026:06:35:06 +0000] "GET /search?q=%22lamp%22 HTTP/1.1" 200 812 "-" '
    rb'"Mozilla/5.0 \x22compatible\x22; Bot/2.1 \"quoted\""',
    rb'192.0.2.44 - alice [25/Nov/2026:06:35:07 +0000] "PROPFIND /dav/docs/ HTTP/1.1" 207 1893 "-" '
    rb'"Microsoft-WebDAV-MiniRedir/10.0.19045"',
    rb'198.51.100.9 - - [25/Nov/2026:06:35:08 +0000] "-" 400 0 "-" "-"',
    rb'198.51.100.10 - - [25/Nov/2026:06:35:09 +0000] "\x16\x03\x01\x00\xF4\x01\x00\x00\xF0\x03\x03" 400 157 '
    rb'"-" "-"',
]
NGINX_ACCESS_RECORDS = [
    {"@timestamp": "2026-11-25T06:35:03.000000Z", "remote": "203.0.113.7", "user": "-",
     "time": "25/Nov/2026:06:35:03 +0000", "method": "GET", "path": "/index.html?utm_source=mail&x=%20",
     "protocol": "HTTP/1.1", "status": 200, "size": 5120, "referer": "https://www.example.com/",
     "agent": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"},
    {"@timestamp": "2026-11-25T06:35:04.000000Z", "remote": "2001:db8:85a3::8a2e:370:7334", "user": "bob",
     "time": "25/Nov/2026:07:35:04 +0100", "method": "POST", "path": "/api/v1/cart?id=7", "protocol": "HTTP/2.0",
     "status": 201, "size": 64, "referer": "-", "agent": "ShopApp/3.4.1 (iOS 18.1)"},
    {"@timestamp": "2026-11-25T12:05:05.000000Z", "remote": "::1", "user": "-", "time": "25/Nov/2026:06:35:05 -0530",
     "method": "HEAD", "path": "/health", "protocol": "HTTP/1.0", "status": 304, "referer": "-",
     "agent": "curl/8.11.0"},
    {"@timestamp": "2026-11-25T06:35:06.000000Z", "remote": "198.51.100.23", "user": "-",
     "time": "25/Nov/2026:06:35:06 +0000", "method": "GET", "path": "/search?q=%22lamp%22", "protocol": "HTTP/1.1",
     "status": 200, "size": 812, "referer": "-", "agent": r'Mozilla/5.0 \x22compatible\x22; Bot/2.1 \"quoted\"'},
    {"@timestamp": "2026-11-25T06:35:07.000000Z", "remote": "192.0.2.44", "user": "alice",
     "time": "25/Nov/2026:06:35:07 +0000", "method": "PROPFIND", "path": "/dav/docs/", "protocol": "HTTP/1.1",
     "status": 207, "size": 1893, "referer": "-", "agent": "Microsoft-WebDAV-MiniRedir/10.0.19045"},
    {"@timestamp": "2026-11-25T06:35:08.000000Z", "remote": "198.51.100.9", "user": "-",
     "time": "25/Nov/2026:06:35:08 +0000", "method": "-", "status": 400, "size": 0, "referer": "-", "agent": "-"},
    {"@timestamp": "2026-11-25T06:35:09.000000Z", "remote": "198.51.100.10", "user": "-",
     "time": "25/Nov/2026:06:35:09 +0000", "method": r"\x16\x03\x01\x00\xF4\x01\x00\x00\xF0\x03\x03", "status": 400,
     "size": 157, "referer": "-", "agent": "-"},
]
# The second path of nginx.toml is a glob (one file per virtual host). Its last line is not an
# access log line at all: raw TLS bytes where a line was expected. It goes on whole, marked,
# at the time it was read; its bytes that are not UTF-8 print as U+FFFD.
NGINX_SHOP = [
    rb'192.0.2.196 - - [25/Nov/2026:06:36:00 +0000] "GET /admin/config.php HTTP/1.1" 404 153 "-" "-"',
    rb'2001:db8::7 - - [25/Nov/2026:06:36:01 +0000] "MKCOL /dav/new/ HTTP/1.1" 201 0 "-" "davfs2/1.7.0 neon/0.32.5"',
    b'\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03 not a log line',
]
NGINX_SHOP_RECORDS = [
    {"@timestamp": "2026-11-25T06:36:00.000000Z", "remote": "192.0.2.196", "user": "-",
     "time": "25/Nov/2026:06:36:00 +0000", "method": "GET", "path": "/admin/config.php", "protocol": "HTTP/1.1",
     "status": 404, "size": 153, "referer": "-", "agent": "-"},
    {"@timestamp": "2026-11-25T06:36:01.000000Z", "remote": "2001:db8::7", "user": "-",
     "time": "25/Nov/2026:06:36:01 +0000", "method": "MKCOL", "path": "/dav/new/", "protocol": "HTTP/1.1",
     "status": 201, "size": 0, "referer": "-", "agent": "davfs2/1.7.0 neon/0.32.5"},
    {"@timestamp": None, "message": "\x16\x03\x01\x00\ufffd\x01\x00\x00\ufffd\x03\x03 not a log line",
     "_error": NO_MATCH},
]

# Apache, "combined" (access.log). Apache writes a quote in %r or a header as \", a backslash
# as \\, other bytes as \xhh; a connection that sent nothing as "-" with 408. The sixth line
# is "common" with %b (no referer, no agent; a size of "-"); the last is not an access line.
APACHE_ACCESS = [
    rb'192.0.2.10 - - [25/Nov/2026:06:40:00 +0000] "GET / HTTP/1.1" 200 3380 "-" "Mozilla/5.0 (Windows NT 10.0; '
    rb'Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"',
    rb'2001:db8::42 - carol [25/Nov/2026:08:40:01 +0200] "GET /private/report.pdf HTTP/1.1" 200 48213 '
    rb'"https://intranet.example.com/?q=\"annual\"" "Agent \"quoted\" \\ backslash/1.0"',
    rb'::1 - - [25/Nov/2026:06:40:02 +0000] "OPTIONS * HTTP/1.0" 200 126 "-" '
    rb'"Apache/2.4.62 (Debian) (internal dummy connection)"',
    rb'203.0.113.9 - - [25/Nov/2026:06:40:03 +0000] "-" 408 0 "-" "-"',
    rb'203.0.113.10 - - [25/Nov/2026:06:40:04 +0000] "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" 400 483 "-" "-"',
    rb'192.0.2.11 - - [25/Nov/2026:06:40:05 +0000] "GET /favicon.ico HTTP/1.1" 404 -',
    rb'198.51.100.3 - - [25/Nov/2026:06:40:06 +0000] "GE\"T / HTTP/1.1" 400 226 "-" "-"',
    rb'[Wed Nov 25 06:40:07.123456 2026] [core:error] [pid 1234] AH00126: Invalid URI in request',
]
APACHE_ACCESS_RECORDS = [
    {"@timestamp": "2026-11-25T06:40:00.000000Z", "remote": "192.0.2.10", "user": "-",
     "time": "25/Nov/2026:06:40:00 +0000", "method": "GET", "path": "/", "protocol": "HTTP/1.1", "status": 200,
     "size": 3380, "referer": "-",
     "agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36"},
    {"@timestamp": "2026-11-25T06:40:01.000000Z", "remote": "2001:db8::42", "user": "carol",
     "time": "25/Nov/2026:08:40:01 +0200", "method": "GET", "path": "/private/report.pdf", "protocol": "HTTP/1.1",
     "status": 200, "size": 48213, "referer": r'https://intranet.example.com/?q=\"annual\"',
     "agent": r'Agent \"quoted\" \\ backslash/1.0'},
    {"@timestamp": "2026-11-25T06:40:02.000000Z", "remote": "::1", "user": "-", "time": "25/Nov/2026:06:40:02 +0000",
     "method": "OPTIONS", "path": "*", "protocol": "HTTP/1.0", "status": 200, "size": 126, "referer": "-",
     "agent": "Apache/2.4.62 (Debian) (internal dummy connection)"},
    {"@timestamp": "2026-11-25T06:40:03.000000Z", "remote": "203.0.113.9", "user": "-",
     "time": "25/Nov/2026:06:40:03 +0000", "method": "-", "status": 408, "size": 0, "referer": "-", "agent": "-"},
    {"@timestamp": "2026-11-25T06:40:04.000000Z", "remote": "203.0.113.10", "user": "-",
     "time": "25/Nov/2026:06:40:04 +0000", "method": r"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
     "status": 400, "size": 483, "referer": "-", "agent": "-"},
    {"@timestamp": "2026-11-25T06:40:05.000000Z", "remote": "192.0.2.11", "user": "-",
     "time": "25/Nov/2026:06:40:05 +0000", "method": "GET", "path": "/favicon.ico", "protocol": "HTTP/1.1",
     "status": 404},
    {"@timestamp": "2026-11-25T06:40:06.000000Z", "remote": "198.51.100.3", "user": "-",
     "time": "25/Nov/2026:06:40:06 +0000", "method": r'GE\"T', "path": "/", "protocol": "HTTP/1.1", "status": 400,
     "size": 226, "referer": "-", "agent": "-"},
    {"@timestamp": None,
     "message": "[Wed Nov 25 06:40:07.123456 2026] [core:error] [pid 1234] AH00126: Invalid URI in request",
     "_error": NO_MATCH},
]

# Apache, "vhost_combined" (other_vhosts_access.log): the virtual host and port first.
APACHE_VHOSTS = [
    rb'www.example.com:443 203.0.113.20 - - [25/Nov/2026:06:41:00 +0000] "GET /products/cedar-stool HTTP/2.0" 200 '
    rb'14096 "https://www.example.com/" "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 '
    rb'(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"',
    rb'shop.example.com:80 2001:db8:cb8::b655 - - [25/Nov/2026:06:41:01 +0000] "PROPFIND /webdav/ HTTP/1.1" 405 512 '
    rb'"-" "WebDAVFS/3.0.0 (03008000) Darwin/24.1.0 (x86_64)"',
    rb'localhost:80 ::1 - - [25/Nov/2026:06:41:02 -0700] "-" 408 0 "-" "-"',
    rb'[2001:db8::1]:8080 198.51.100.77 - dave [25/Nov/2026:06:41:03 +0000] "\x05\x01\x00" 400 0 "-" '
    rb'"Scanner \"x\"/0.1"',
]
APACHE_VHOSTS_RECORDS = [
    {"@timestamp": "2026-11-25T06:41:00.000000Z", "vhost": "www.example.com", "port": 443, "remote": "203.0.113.20",
     "user": "-", "time": "25/Nov/2026:06:41:00 +0000", "method": "GET", "path": "/products/cedar-stool",
     "protocol": "HTTP/2.0", "status": 200, "size": 14096, "referer": "https://www.example.com/",
     "agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
              "Version/18.1 Mobile/15E148 Safari/604.1"},
    {"@timestamp": "2026-11-25T06:41:01.000000Z", "vhost": "shop.example.com", "port": 80,
     "remote": "2001:db8:cb8::b655", "user": "-", "time": "25/Nov/2026:06:41:01 +0000", "method": "PROPFIND",
     "path": "/webdav/", "protocol": "HTTP/1.1", "status": 405, "size": 512, "referer": "-",
     "agent": "WebDAVFS/3.0.0 (03008000) Darwin/24.1.0 (x86_64)"},
    {"@timestamp": "2026-11-25T13:41:02.000000Z", "vhost": "localhost", "port": 80, "remote": "::1", "user": "-",
     "time": "25/Nov/2026:06:41:02 -0700", "method": "-", "status": 408, "size": 0, "referer": "-", "agent": "-"},
    {"@timestamp": "2026-11-25T06:41:03.000000Z", "vhost": "[2001:db8::1]", "port": 8080, "remote": "198.51.100.77",
     "user": "dave", "time": "25/Nov/2026:06:41:03 +0000", "method": r"\x05\x01\x00", "status": 400, "size": 0,
     "referer": "-", "agent": r'Scanner \"x\"/0.1'},
]


def timestamp_ns(text):
    """@timestamp ("2026-11-25T06:35:03.000000Z") as ns since the epoch."""
    when = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return int(when.timestamp()) * 1_000_000_000 + when.microsecond * 1000


def typed(record):
    """A record as (name, type, value) in its order: 1 and 1.0 and True differ, so do orders."""
    return [(k, type(v).__name__, v) for k, v in record.items()]


def in_output_order(record):
    """`record` with its fields in the order the pipeline writes them: @timestamp, then the
    captures in the order of their names (docs/plugins/regex.md); an unparsed line as it came,
    message then the mark."""
    if "message" in record:
        return record
    return {"@timestamp": record["@timestamp"], **{k: record[k] for k in sorted(record) if k != "@timestamp"}}


def shipped_filter(name):
    with open(os.path.join(CONFIGS, name), "rb") as f:
        return tomllib.load(f)["filters"][0]


def python_patterns(name):
    """The shipped filter's patterns for Python's re: (?<name> is (?P<name> there."""
    f = shipped_filter(name)
    return [re.compile(p.replace("(?<", "(?P<").encode()) for p in f.get("patterns", [f.get("pattern")])]


def shipped_text(test, name, key, value):
    """configs/<name> with its one-line option `key` set to `value` and its state_dir to the
    test's folder, all else byte for byte."""
    with open(os.path.join(CONFIGS, name)) as f:
        text = f.read()
    ours, n = re.subn(r"(?m)^%s( *)= .*$" % key, lambda m: f"{key}{m.group(1)}= {json.dumps(value)}", text)
    test.assertEqual(n, 1, name)
    ours, n = re.subn(r'(?m)^state_dir = "[^"]*"', f"state_dir = {json.dumps(test.path('state'))}", ours)
    test.assertEqual(n, 1, name)
    changed = [line for line in difflib.unified_diff(text.splitlines(), ours.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    test.assertEqual([line[:1] + line[1:].split(" ")[0] for line in changed],
                     ["-state_dir", "+state_dir", "-" + key, "+" + key], changed)
    return ours


class ShippedPipelineCase(TailTestCase):
    def shipped(self, name, paths):
        """configs/<name> with its tail paths and state_dir replaced, all else byte for byte;
        written into the test's folder, whose path is returned."""
        return self.write_config(shipped_text(self, name, "paths", paths), name=name)

    def run_shipped(self, config, files, expected=None):
        """Runs the pipeline on `files` (name -> lines) and returns (stdout records, the time
        before the first line was written, ns). The files exist, empty, when the agent starts,
        so the tail input (read_from "end" as shipped) reads every line appended after its
        first scan; the agent is stopped with SIGTERM once `expected` records (default: one
        per line) came out. With filters that drop, the last line must be one that is kept."""
        for name in files:
            open(self.path(name), "wb").close()
        agent = Agent(self, config)
        self.wait_for_checkpoint(agent)  # the first scan is done: what is appended now is read
        before = time.time_ns()
        for name, lines in files.items():
            with open(self.path(name), "ab") as f:
                f.write(b"".join(line + b"\n" for line in lines))
        total = sum(len(lines) for lines in files.values()) if expected is None else expected
        self.assertEqual(agent.wait_lines(total), total, agent.stderr())
        rc, out, err = agent.stop()
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out), total, err)
        self.json_bodies(b"".join(line + b"\n" for line in out))  # each a JSON object, @timestamp first
        return [json.loads(line) for line in out], before, err

    def assert_records(self, records, before, expected_by_file):
        """Each file's records in its order, every field with its type, in the order written;
        an unparsed line at the time it was read (`@timestamp` None in `expected_by_file`)."""
        after = time.time_ns()
        rest = list(records)
        for name, expected in expected_by_file.items():
            wanted = [in_output_order(e) for e in expected]
            keys = {json.dumps({k: v for k, v in e.items() if k != "@timestamp"}, sort_keys=True) for e in wanted}
            got = [r for r in rest
                   if json.dumps({k: v for k, v in r.items() if k != "@timestamp"}, sort_keys=True) in keys]
            rest = [r for r in rest if r not in got]
            self.assertEqual(len(got), len(wanted), f"{name}: records unlike any expected: {rest}")
            for g, w in zip(got, wanted):
                if w["@timestamp"] is None:  # kept at the time it was read
                    self.assertGreaterEqual(timestamp_ns(g["@timestamp"]), before // 1000 * 1000, g)
                    self.assertLessEqual(timestamp_ns(g["@timestamp"]), after, g)
                    w = dict(w, **{"@timestamp": g["@timestamp"]})
                self.assertEqual(typed(g), typed(w), name)
        self.assertEqual(rest, [])


class Nginx(ShippedPipelineCase):
    def test_check_accepts_the_shipped_file(self):
        config = os.path.join(CONFIGS, "nginx.toml")
        rc, out, err = self.run_agent(["check", config])
        self.assertEqual((rc, out.decode()), (0, config + ": OK (1 input, 1 filter, 1 output)\n"), err)

    def test_access_logs_come_out_as_typed_records(self):
        # As shipped: the access log, and a glob of one log per virtual host.
        config = self.shipped("nginx.toml", [self.path("access.log"), self.path("*.access.log")])
        records, before, err = self.run_shipped(config, {"access.log": NGINX_ACCESS, "shop.access.log": NGINX_SHOP})
        self.assert_records(records, before, {"access.log": NGINX_ACCESS_RECORDS, "shop.access.log": NGINX_SHOP_RECORDS})
        self.assertIn('filters[0] (type "regex"): errors=0 matched=9 mismatched=1 dropped=0 limit_hits=0 '
                      'conversion_errors=0 time_errors=0', err)


# An application's slog-style JSON lines for configs/app-json.toml, and what comes out: the
# objects merged into the event (message removed), the time member the event's time, DEBUG
# lines and /healthz requests dropped, the panic line kept whole and marked.
APP_JSON = [
    rb'{"time":"2026-12-01T10:00:00.250+01:00","level":"INFO","msg":"started","version":"2.4.1","workers":8}',
    rb'{"time":"2026-12-01T09:00:00.300Z","level":"DEBUG","msg":"cache warm","entries":1200}',
    rb'{"time":"2026-12-01T09:00:01.000Z","level":"INFO","msg":"request","method":"GET","path":"/healthz",'
    rb'"status":200}',
    rb'{"time":"2026-12-01T09:00:02.125Z","level":"WARN","msg":"slow request","method":"POST",'
    rb'"path":"/v1/orders","status":201,"ms":812.5,"user":{"id":17,"roles":["buyer"]},"retry":false,"trace":null}',
    rb"panic: runtime error: invalid memory address or nil pointer dereference",
    rb'{"time":"2026-12-01T09:00:03.000Z","level":"ERROR","msg":"payment refused","err":"card declined: \u00e9"}',
]
APP_JSON_RECORDS = [
    {"@timestamp": "2026-12-01T09:00:00.250000Z", "time": "2026-12-01T10:00:00.250+01:00", "level": "INFO",
     "msg": "started", "version": "2.4.1", "workers": 8},
    {"@timestamp": "2026-12-01T09:00:02.125000Z", "time": "2026-12-01T09:00:02.125Z", "level": "WARN",
     "msg": "slow request", "method": "POST", "path": "/v1/orders", "status": 201, "ms": 812.5,
     "user": {"id": 17, "roles": ["buyer"]}, "retry": False, "trace": None},
    {"@timestamp": None, "message": "panic: runtime error: invalid memory address or nil pointer dereference",
     "_error": "json: malformed JSON"},
    {"@timestamp": "2026-12-01T09:00:03.000000Z", "time": "2026-12-01T09:00:03.000Z", "level": "ERROR",
     "msg": "payment refused", "err": "card declined: \u00e9"},
]


class AppJson(ShippedPipelineCase):
    def test_check_accepts_the_shipped_file(self):
        config = os.path.join(CONFIGS, "app-json.toml")
        rc, out, err = self.run_agent(["check", config])
        self.assertEqual((rc, out.decode()), (0, config + ": OK (1 input, 2 filters, 1 output)\n"), err)

    def test_objects_become_fields_and_debug_and_health_checks_are_dropped(self):
        config = self.shipped("app-json.toml", [self.path("*.json")])
        records, before, err = self.run_shipped(config, {"api.json": APP_JSON}, expected=len(APP_JSON_RECORDS))
        after = time.time_ns()
        self.assertEqual(len(records), len(APP_JSON_RECORDS), err)
        for got, want in zip(records, APP_JSON_RECORDS):
            if want["@timestamp"] is None:  # a line that did not parse keeps the time it was read
                self.assertGreaterEqual(timestamp_ns(got["@timestamp"]), before // 1000 * 1000, got)
                self.assertLessEqual(timestamp_ns(got["@timestamp"]), after, got)
                want = dict(want, **{"@timestamp": got["@timestamp"]})
            self.assertEqual(list(got), list(want))  # the object's order, @timestamp first
            self.assertEqual(typed(got), typed(want))
        self.assertIn('filters[0] (type "json"): errors=0 parsed=5 failed=1 time_errors=0', err)
        self.assertIn('filters[1] (type "grep"): errors=0 kept=4 dropped=2 limit_errors=0', err)


class Syslog(AgentTestCase):
    """configs/syslog.toml as shipped, but for its listen addresses (ports the system picks, a
    socket in the test's folder) and state_dir; `logger` sends over each of its transports."""

    def shipped(self):
        listen = ["udp://127.0.0.1:0", "tcp://127.0.0.1:0", "unix://" + self.path("syslog.sock")]
        return shipped_text(self, "syslog.toml", "listen", listen)

    def test_every_transport_arrives_parsed_and_debug_is_dropped(self):
        agent = RunningAgent(self, self.shipped(), 3)
        self.addCleanup(agent.kill)
        udp = agent.host_port("udp")
        tcp = agent.host_port("tcp")
        sends = [
            (["-n", udp[0], "-P", str(udp[1]), "-d"], "user.debug", "udp debug"),
            (["-n", udp[0], "-P", str(udp[1]), "-d"], "user.info", "udp info"),
            (["-n", tcp[0], "-P", str(tcp[1]), "-T"], "auth.debug", "tcp debug"),
            (["-n", tcp[0], "-P", str(tcp[1]), "-T"], "auth.warning", "tcp warning"),
            (["--socket", self.path("syslog.sock"), "-d"], "daemon.debug", "unix debug"),
            (["--socket", self.path("syslog.sock"), "-d"], "daemon.err", "unix err"),
        ]
        for transport, priority, text in sends:
            subprocess.run(["logger"] + transport + ["--rfc5424=notq", "--id=4242", "-p", priority, "-t", "app", text],
                           check=True, timeout=30)
        events = agent.wait_for(3)
        rc, events, err = agent.stop()
        self.assertEqual(rc, 0, err)
        host = socket.gethostname()
        got = sorted((e["message"], e["facility"], e["severity"], e["hostname"], e["app_name"], e["procid"])
                     for e in events)
        self.assertEqual(got, [("tcp warning", "auth", "warning", host, "app", "4242"),
                               ("udp info", "user", "info", host, "app", "4242"),
                               ("unix err", "daemon", "err", host, "app", "4242")])
        for e in events:
            self.assertIn("peer", e)  # source_field, as shipped
        self.assertIn('filters[0] (type "grep"): errors=0 kept=3 dropped=3 limit_errors=0', err)


class Apache(ShippedPipelineCase):
    def test_check_accepts_the_shipped_file(self):
        config = os.path.join(CONFIGS, "apache.toml")
        rc, out, err = self.run_agent(["check", config])
        self.assertEqual((rc, out.decode()), (0, config + ": OK (1 input, 1 filter, 1 output)\n"), err)

    def test_combined_and_vhost_combined_come_out_as_typed_records(self):
        config = self.shipped("apache.toml", [self.path("access.log"), self.path("other_vhosts_access.log")])
        records, before, err = self.run_shipped(config, {"access.log": APACHE_ACCESS,
                                                         "other_vhosts_access.log": APACHE_VHOSTS})
        self.assert_records(records, before, {"access.log": APACHE_ACCESS_RECORDS,
                                              "other_vhosts_access.log": APACHE_VHOSTS_RECORDS})
        self.assertIn('filters[0] (type "regex"): errors=0 matched=11 mismatched=1 dropped=0 limit_hits=0 '
                      'conversion_errors=0 time_errors=0', err)

    def test_the_shipped_paths_are_debians_two_logs(self):
        with open(os.path.join(CONFIGS, "apache.toml"), "rb") as f:
            paths = tomllib.load(f)["inputs"][0]["paths"]
        self.assertEqual(paths, ["/var/log/apache2/access.log", "/var/log/apache2/other_vhosts_access.log"])


class ExpectationsAgreeWithPythonsRe(unittest.TestCase):
    """The records written out above are what Python's re, given the shipped patterns (tried
    in order), captures: the hand-written values and the patterns check each other."""

    def check(self, name, lines, records):
        patterns = python_patterns(name)
        types = shipped_filter(name)["types"]
        for line, record in zip(lines, records):
            m = next((m for m in (p.search(line) for p in patterns) if m), None)
            if "_error" in record:
                self.assertIsNone(m, line)
                continue
            self.assertIsNotNone(m, line)
            fields = {k: int(v) if types.get(k) == "int" else v.decode()
                      for k, v in m.groupdict().items() if v is not None}
            self.assertEqual(fields, {k: v for k, v in record.items() if k != "@timestamp"}, line)
            when = datetime.datetime.strptime(fields["time"], "%d/%b/%Y:%H:%M:%S %z")
            self.assertEqual(when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                             record["@timestamp"])

    def test_nginx(self):
        self.check("nginx.toml", NGINX_ACCESS + NGINX_SHOP, NGINX_ACCESS_RECORDS + NGINX_SHOP_RECORDS)

    def test_apache(self):
        self.check("apache.toml", APACHE_ACCESS + APACHE_VHOSTS, APACHE_ACCESS_RECORDS + APACHE_VHOSTS_RECORDS)


if __name__ == "__main__":
    unittest.main()
