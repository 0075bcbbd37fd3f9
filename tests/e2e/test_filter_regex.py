"""The regex filter through the real binary: stdin -> regex -> stdout JSON lines, every field
of every event compared; `logagent check` refusing bad patterns at their line and column."""
import datetime
import glob
import json
import os
import random
import re
import tomllib
import unittest

from agent import AgentTestCase, SOURCE_DIR

with open(os.path.join(SOURCE_DIR, "configs", "nginx.toml"), "rb") as f:
    NGINX = tomllib.load(f)["filters"][0]
NGINX_PATTERN = NGINX["pattern"]


def pipeline(filter_options):
    return f"""
[[inputs]]
type = "stdin"

[[filters]]
type = "regex"
{filter_options}

[[outputs]]
type = "stdout"
"""


def timestamp_ns(text):
    """@timestamp ("2026-11-25T06:35:03.000000Z") as ns since the epoch."""
    when = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return int(when.timestamp()) * 1_000_000_000 + when.microsecond * 1000


NGINX_LINES = [
    # IPv4, an ordinary request.
    b'203.0.113.157 - - [25/Nov/2026:06:35:03 +0000] "GET /index.php?id=7&x=%20 HTTP/1.1" 301 169 "-" '
    b'"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile '
    b'Safari/537.36"',
    # IPv6 client, a user, a zone offset, a "-" size, a referer.
    b'2001:db8:85a3::8a2e:370:7334 - alice [25/Nov/2026:07:35:04 +0100] "HEAD /health HTTP/1.0" 304 - '
    b'"https://example.com/a?b=c" "curl/8.5.0"',
    # Escaped quotes in the user agent, both as nginx (\x22) and Apache (\") write them.
    b'::1 - - [25/Nov/2026:06:35:05 -0030] "POST /api/v1/orders HTTP/2.0" 201 512 "-" '
    b'"Bot \\"quoted\\" \\x22hex\\x22/1.0"',
    # Odd methods: WebDAV, and a request line that is not HTTP at all.
    b'fe80::1%eth0 - - [25/Nov/2026:06:35:06 +0000] "PROPFIND /dav/ HTTP/1.1" 207 0 "-" "Microsoft-WebDAV"',
    b'198.51.100.9 - - [25/Nov/2026:06:35:07 +0000] "\\x16\\x03\\x01\\x00\\xA5\\x01" 400 157 "-" "-"',
    b'198.51.100.10 - - [25/Nov/2026:06:35:08 +0000] "-" 400 0 "-" "-"',
]

NGINX_EVENTS = [
    ("2026-11-25T06:35:03.000000Z",
     {"remote": "203.0.113.157", "user": "-", "time": "25/Nov/2026:06:35:03 +0000", "method": "GET",
      "path": "/index.php?id=7&x=%20", "protocol": "HTTP/1.1", "status": 301, "size": 169, "referer": "-",
      "agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/131.0.0.0 Mobile Safari/537.36"}),
    ("2026-11-25T06:35:04.000000Z",
     {"remote": "2001:db8:85a3::8a2e:370:7334", "user": "alice", "time": "25/Nov/2026:07:35:04 +0100",
      "method": "HEAD", "path": "/health", "protocol": "HTTP/1.0", "status": 304,
      "referer": "https://example.com/a?b=c", "agent": "curl/8.5.0"}),
    ("2026-11-25T07:05:05.000000Z",
     {"remote": "::1", "user": "-", "time": "25/Nov/2026:06:35:05 -0030", "method": "POST",
      "path": "/api/v1/orders", "protocol": "HTTP/2.0", "status": 201, "size": 512, "referer": "-",
      "agent": 'Bot \\"quoted\\" \\x22hex\\x22/1.0'}),
    ("2026-11-25T06:35:06.000000Z",
     {"remote": "fe80::1%eth0", "user": "-", "time": "25/Nov/2026:06:35:06 +0000", "method": "PROPFIND",
      "path": "/dav/", "protocol": "HTTP/1.1", "status": 207, "size": 0, "referer": "-",
      "agent": "Microsoft-WebDAV"}),
    ("2026-11-25T06:35:07.000000Z",
     {"remote": "198.51.100.9", "user": "-", "time": "25/Nov/2026:06:35:07 +0000",
      "method": "\\x16\\x03\\x01\\x00\\xA5\\x01", "status": 400, "size": 157, "referer": "-", "agent": "-"}),
    ("2026-11-25T06:35:08.000000Z",
     {"remote": "198.51.100.10", "user": "-", "time": "25/Nov/2026:06:35:08 +0000", "method": "-",
      "status": 400, "size": 0, "referer": "-", "agent": "-"}),
]


class RegexFilterCase(AgentTestCase):
    def events(self, options, lines):
        """Runs the pipeline on `lines`; returns [(@timestamp, other fields)] in order."""
        rc, out, err = self.run_pipeline(pipeline(options), stdin=b"".join(line + b"\n" for line in lines))
        self.assertEqual(rc, 0, err)
        self.json_bodies(out)  # every line is a JSON object starting with @timestamp
        result = []
        for line in out.split(b"\n")[:-1]:
            event = json.loads(line)
            result.append((event.pop("@timestamp"), event))
        return result, err


class NginxCombined(RegexFilterCase):
    OPTIONS = f"""
pattern = '{NGINX_PATTERN}'
types = {{ status = "int", size = "int" }}
time_key = "time"
time_format = "%d/%b/%Y:%H:%M:%S %z"
keep_source = false
"""

    def test_the_shipped_pattern_parses_real_looking_lines(self):
        events, err = self.events(self.OPTIONS, NGINX_LINES)
        self.assertEqual(len(events), len(NGINX_EVENTS))
        for got, expected in zip(events, NGINX_EVENTS):
            self.assertEqual(got, expected)
        self.assertIn("matched=6 mismatched=0 dropped=0 limit_hits=0 conversion_errors=0 time_errors=0", err)

    def test_keep_source_true_keeps_the_line(self):
        events, _ = self.events(self.OPTIONS.replace("keep_source = false", ""), NGINX_LINES[:1])
        self.assertEqual(events, [(NGINX_EVENTS[0][0], {"message": NGINX_LINES[0].decode(), **NGINX_EVENTS[0][1]})])

    def test_the_shipped_pipeline_passes_check(self):
        rc, out, err = self.run_agent(["check", "-c", os.path.join(SOURCE_DIR, "configs", "nginx.toml")])
        self.assertEqual(rc, 0, err)


class Types(RegexFilterCase):
    def test_each_type_and_a_capture_that_does_not_convert(self):
        options = r"""
pattern = '^(?<n>\S+) (?<f>\S+) (?<b>\S+) (?<s>\S+)$'
types = { n = "int", f = "float", b = "bool", s = "string" }
"""
        events, err = self.events(options, [b"-12 2.5 true 42", b"- 1e3 FALSE x", b"1 x maybe 0"])
        self.assertEqual([e for _, e in events], [
            {"message": "-12 2.5 true 42", "n": -12, "f": 2.5, "b": True, "s": "42"},
            {"message": "- 1e3 FALSE x", "n": "-", "f": 1000.0, "b": False, "s": "x",
             "_error": 'regex: capture "n" is not an int'},
            {"message": "1 x maybe 0", "n": 1, "f": "x", "b": "maybe", "s": "0",
             "_error": 'regex: capture "b" is not a bool; regex: capture "f" is not a float'},
        ])
        self.assertIn("conversion_errors=3", err)

    def test_an_unset_optional_group_sets_no_field(self):
        options = r"""
pattern = '^(?<a>\w+)(?: (?P<b>\w+))?$'
types = { b = "int" }
"""
        events, _ = self.events(options, [b"x 5", b"y"])
        self.assertEqual([e for _, e in events], [{"message": "x 5", "a": "x", "b": 5}, {"message": "y", "a": "y"}])


class Sources(RegexFilterCase):
    def test_another_source_field_and_a_capture_replacing_it(self):
        # The first pattern fills "rest"; the second parses "rest" and writes "message" itself.
        config = f"""
[[inputs]]
type = "stdin"

[[filters]]
type = "regex"
pattern = '^(?<level>[A-Z]+) (?<rest>.*)$'
keep_source = false

[[filters]]
type = "regex"
source = "rest"
pattern = '^\\[(?<thread>[^\\]]+)\\] (?<message>.*)$'
keep_source = false

[[outputs]]
type = "stdout"
"""
        rc, out, err = self.run_pipeline(config, stdin=b"WARN [main] disk 91% full\nnot a record\n")
        self.assertEqual(rc, 0, err)
        events = [json.loads(line) for line in out.split(b"\n")[:-1]]
        for e in events:
            del e["@timestamp"]
        self.assertEqual(events, [
            {"level": "WARN", "thread": "main", "message": "disk 91% full"},
            {"message": "not a record", "_error": 'regex: no pattern matched; regex: no pattern matched'},
        ])


class OnMismatch(RegexFilterCase):
    LINES = [b"GET /a", b"garbage", b"PUT /b"]

    def run_mode(self, mode):
        setting = f'on_mismatch = "{mode}"' if mode else ""
        return self.events(f"pattern = '^(?<verb>[A-Z]+) (?<path>\\S+)$'\n{setting}\n", self.LINES)

    def test_default_is_tag_kept_and_marked(self):
        events, err = self.run_mode(None)
        self.assertEqual([e for _, e in events], [
            {"message": "GET /a", "verb": "GET", "path": "/a"},
            {"message": "garbage", "_error": "regex: no pattern matched"},
            {"message": "PUT /b", "verb": "PUT", "path": "/b"},
        ])
        self.assertIn("matched=2 mismatched=1 dropped=0", err)

    def test_tag(self):
        self.assertEqual([e for _, e in self.run_mode("tag")[0]], [e for _, e in self.run_mode(None)[0]])

    def test_keep_leaves_the_event_unchanged(self):
        events, err = self.run_mode("keep")
        self.assertEqual([e for _, e in events], [
            {"message": "GET /a", "verb": "GET", "path": "/a"},
            {"message": "garbage"},
            {"message": "PUT /b", "verb": "PUT", "path": "/b"},
        ])
        self.assertIn("matched=2 mismatched=1 dropped=0", err)

    def test_drop_removes_and_counts(self):
        events, err = self.run_mode("drop")
        self.assertEqual([e for _, e in events], [
            {"message": "GET /a", "verb": "GET", "path": "/a"},
            {"message": "PUT /b", "verb": "PUT", "path": "/b"},
        ])
        self.assertIn("matched=2 mismatched=1 dropped=1", err)

    def test_patterns_are_tried_in_order(self):
        options = r"""
patterns = ['^(?<level>[A-Z]+): (?<msg>.*)$', '^(?<msg>.+)$']
"""
        events, _ = self.events(options, [b"ERROR: disk full", b"plain text", b""])
        self.assertEqual([e for _, e in events], [
            {"message": "ERROR: disk full", "level": "ERROR", "msg": "disk full"},
            {"message": "plain text", "msg": "plain text"},
            {"message": "", "_error": "regex: no pattern matched"},
        ])


class HostileInput(RegexFilterCase):
    def test_catastrophic_backtracking_is_kept_and_marked(self):
        # No bound on time is asserted: the point is that it finishes with the line kept.
        hostile = b"a" * 30000 + b"b"
        for mode in ("tag", "keep", "drop"):
            with self.subTest(on_mismatch=mode):
                events, err = self.events(f"pattern = '^(?<x>a+)+$'\non_mismatch = \"{mode}\"\n",
                                          [hostile, b"aaa"])
                self.assertEqual([e for _, e in events], [
                    {"message": hostile.decode(),
                     "_error": "regex: the pattern hit the PCRE2 match limit; line left unparsed"},
                    {"message": "aaa", "x": "aaa"},
                ])
                self.assertIn("limit_hits=1", err)

    def test_the_next_pattern_still_gets_its_chance(self):
        hostile = b"a" * 30000 + b"b"
        events, _ = self.events(r"patterns = ['^(a+)+$', '^(?<all>a+b)$']", [hostile])
        self.assertEqual([e for _, e in events], [{"message": hostile.decode(), "all": hostile.decode()}])


class Time(RegexFilterCase):
    def test_a_time_that_does_not_parse_keeps_the_events_time_and_marks_it(self):
        options = r"""
pattern = '^(?<ts>\S+) (?<msg>.*)$'
time_key = "ts"
time_format = "%Y-%m-%dT%H:%M:%S.%f%z"
"""
        before = datetime.datetime.now(datetime.timezone.utc).timestamp() * 1e9
        events, err = self.events(options, [b"2026-12-01T15:31:45.123456789+02:00 ok", b"2026-13-01T00:00:00.0Z bad"])
        self.assertEqual(events[0], ("2026-12-01T13:31:45.123456Z",
                                     {"message": "2026-12-01T15:31:45.123456789+02:00 ok",
                                      "ts": "2026-12-01T15:31:45.123456789+02:00", "msg": "ok"}))
        self.assertEqual(events[1][1], {
            "message": "2026-13-01T00:00:00.0Z bad", "ts": "2026-13-01T00:00:00.0Z", "msg": "bad",
            "_error": 'regex: capture "ts" does not match time_format "%Y-%m-%dT%H:%M:%S.%f%z"'})
        self.assertGreaterEqual(timestamp_ns(events[1][0]), int(before) - 1_000_000_000)  # the time it was read
        self.assertIn("time_errors=1", err)


class Differential(RegexFilterCase):
    """Lines mutated at random from real-looking ones, through the shipped nginx pattern and,
    as bytes, through Python's re with the same pattern: what re matches comes out with
    exactly re's captures, the rest unchanged and marked; no event is lost."""

    # Quotes, backslashes, spaces, brackets, digits; NUL and other control bytes; high bytes
    # that are not UTF-8 by themselves (the output writes each as U+FFFD, as Python's
    # decoder does) and the two halves of a two-byte character.
    ALPHABET = b'""\\\\  []-:/.0123456789HTP\t\x00\x01\x7f\xc3\xa9\x80\xbf\xfe\xff'
    OPTIONS = f"""
pattern = '{NGINX_PATTERN}'
types = {{ status = "int", size = "int" }}
keep_source = false
"""

    def mutate(self, rng, line):
        b = bytearray(line)
        for _ in range(rng.randint(1, 4)):
            op = rng.randrange(5)
            pos = rng.randrange(len(b) + 1)
            if op == 4:  # a run of digits: a size beyond int64 where it lands in one
                b[pos:pos] = bytes(rng.choice(b"0123456789") for _ in range(rng.randint(1, 24)))
            elif op == 0 or not b:
                b[pos:pos] = bytes(rng.choice(self.ALPHABET) for _ in range(rng.randint(1, 3)))
            elif op == 1:
                del b[min(pos, len(b) - 1):min(pos, len(b) - 1) + rng.randint(1, 3)]
            elif op == 2:
                b[min(pos, len(b) - 1)] = rng.choice(self.ALPHABET)
            else:  # a piece of the line again, elsewhere: quotes and brackets in new places
                start = rng.randrange(len(b))
                piece = b[start:start + rng.randint(1, 12)]
                b[pos:pos] = piece
        return bytes(b).replace(b"\n", b"").replace(b"\r", b"")

    def expected(self, m):
        """The fields Python's re says the filter sets, in name order (types as the filter
        converts them). A size beyond int64 stays text and marks the event: the mark is a field
        set then, so it comes right after that capture."""
        fields = {}
        for name in sorted(k for k, v in m.groupdict().items() if v is not None):
            fields[name] = m[name].decode("utf-8", "replace")
            if name in ("status", "size"):
                if -2**63 <= int(m[name]) < 2**63:
                    fields[name] = int(m[name])
                else:
                    mark = f'regex: capture "{name}" is not an int'
                    fields["_error"] = fields["_error"] + "; " + mark if "_error" in fields else mark
        return fields

    def test_mutated_nginx_lines_match_as_pythons_re_says(self):
        rng = random.Random(20261201)
        seeds = list(NGINX_LINES)
        for path in sorted(glob.glob(os.path.join(SOURCE_DIR, "configs", "sample", "*.access.log"))):
            with open(path, "rb") as f:
                seeds += f.read().split(b"\n")[:20]
        seeds = [s for s in seeds if s]
        lines = [self.mutate(rng, rng.choice(seeds)) for _ in range(20000)]
        python = re.compile(NGINX_PATTERN.replace("(?<", "(?P<").encode())

        stdin = b"".join(line + b"\n" for line in lines)
        rc, out, err = self.run_pipeline(pipeline(self.OPTIONS), stdin=stdin)
        self.assertEqual(rc, 0, err)
        bodies = self.json_bodies(out)
        self.assertEqual(len(bodies), len(lines))  # none lost, none added
        rc, plain_out, plain_err = self.run_pipeline(PASSTHROUGH, stdin=stdin)
        self.assertEqual(rc, 0, plain_err)
        plain = self.json_bodies(plain_out)
        self.assertEqual(len(plain), len(lines))

        matched = too_large = 0
        for line, body, unchanged in zip(lines, bodies, plain):
            event = json.loads(b"{" + body + b"}")
            m = python.search(line)
            if m is None:
                # Kept byte for byte as it leaves without the filter, then the mark.
                self.assertEqual(body, unchanged + b',"_error":"regex: no pattern matched"', line)
                continue
            matched += 1
            expected = self.expected(m)
            too_large += "_error" in expected
            got = [(k, type(v).__name__, v) for k, v in event.items()]
            self.assertEqual(got, [(k, type(v).__name__, v) for k, v in expected.items()], line)
        self.assertGreater(matched, 2000)
        self.assertGreater(too_large, 10)
        self.assertGreater(len(lines) - matched, 2000)
        self.assertIn(f"matched={matched} mismatched={len(lines) - matched} dropped=0 limit_hits=0", err)


PASSTHROUGH = """
[[inputs]]
type = "stdin"

[[outputs]]
type = "stdout"
"""


class CheckErrors(AgentTestCase):
    def check(self, filter_options):
        config = self.write_config(pipeline(filter_options))
        rc, out, err = self.run_agent(["check", "-c", config])
        self.assertEqual(rc, 1, err)
        self.assertEqual(out, b"")
        return config, err

    def test_a_pattern_that_does_not_compile_points_at_pattern(self):
        config, err = self.check("pattern = '^(?<a>x'\n")
        self.assertEqual(err, f'{config}:7:11: filters[0] (type "regex"): cannot start: option "pattern": pattern is '
                              f'not a valid PCRE2 pattern: missing closing parenthesis at offset 7\n'
                              f'{config}: 1 error\n')

    def test_a_bad_item_of_patterns_points_at_the_list(self):
        config, err = self.check("patterns = ['^ok$', 'a{2,1}']\n")
        self.assertEqual(err, f'{config}:7:12: filters[0] (type "regex"): cannot start: option "patterns": '
                              f'patterns[1] is not a valid PCRE2 pattern: numbers out of order in {{}} quantifier '
                              f'at offset 5\n'
                              f'{config}: 1 error\n')

    def test_a_type_that_is_not_one(self):
        config, err = self.check("pattern = '(?<size>\\d+)'\ntypes = { size = \"integer\" }\n")
        self.assertIn(f'{config}:8:18: filters[0] (type "regex"): cannot start: option "types.size": expected "int", '
                      f'"float", "bool" or "string", got "integer"\n', err)

    def test_a_type_for_no_capture(self):
        config, err = self.check("pattern = '(?<size>\\d+)'\ntypes = { bytes = \"int\" }\n")
        self.assertIn(f'{config}:8:19: filters[0] (type "regex"): cannot start: option "types.bytes": no pattern has '
                      f'a capture named "bytes"\n', err)

    def test_pattern_and_patterns_exactly_one(self):
        config, err = self.check("pattern = 'a'\npatterns = ['b']\n")
        self.assertIn('option "patterns": give pattern or patterns, not both', err)
        config, err = self.check("source = 'message'\n")
        self.assertIn("the regex filter needs pattern or patterns", err)

    def test_a_bad_time_format(self):
        config, err = self.check("pattern = '(?<t>\\S+)'\ntime_key = 't'\ntime_format = '%Y %q'\n")
        self.assertIn(f'{config}:9:15: filters[0] (type "regex"): cannot start: option "time_format": time_format: '
                      f'unsupported directive %q at offset 3\n', err)


if __name__ == "__main__":
    unittest.main()
