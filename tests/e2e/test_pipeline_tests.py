"""`logagent test`: the [[tests]] of a pipeline file run through its real filters, with no
input read and nothing sent. The report is compared line for line, differences included."""
import glob
import os
import socket
import tomllib
import unittest

from agent import AgentTestCase, SOURCE_DIR

# stdin (id "app") -> regex with types -> grep dropping health checks -> stdout (id "out").
PIPELINE = r"""
[[inputs]]
type = "stdin"
id   = "app"
tag  = "app.web"

[[filters]]
type    = "regex"
match   = "app.*"
pattern = '^(?<method>[A-Z]+) (?<path>\S+) (?<status>\d{3}) (?<seconds>\S+) (?<cached>\S+)$'
types   = { status = "int", seconds = "float", cached = "bool" }

[[filters]]
type    = "grep"
match   = "app.*"
exclude = { path = "^/health$" }

[[outputs]]
type  = "stdout"
id    = "out"
match = "app.*"
"""

PASSING = r"""
[[tests]]
name  = "a request line becomes typed fields"
input = "app"
lines = ["GET /index.html 200 0.25 true"]
[[tests.expect]]
output = "out"
count  = 1
fields = { method = "GET", path = "/index.html", status = 200, seconds = 0.25, cached = true }
exists = ["@timestamp", "message"]
absent = ["_error"]
"""


class PipelineTestCase(AgentTestCase):
    def run_tests_in(self, tests, pipeline=PIPELINE):
        """Runs `logagent test -c` on the pipeline with `tests`; returns (status, stdout text, stderr)."""
        config = self.write_config(pipeline + tests)
        rc, out, err = self.run_agent(["test", "-c", config])
        return rc, out.decode(), err, config


class Passing(PipelineTestCase):
    def test_a_passing_test_prints_passed_and_exits_0(self):
        rc, out, err, config = self.run_tests_in(PASSING)
        self.assertEqual((rc, out), (0, 'test "a request line becomes typed fields": passed\n'
                                        f"{config}: 1 test, 1 passed, 0 failed\n"), err)
        self.assertEqual(err, "")

    def test_every_event_of_several_lines_is_checked(self):
        rc, out, err, config = self.run_tests_in(r"""
[[tests]]
name  = "two lines, both typed"
input = "app"
lines = ["GET /a 200 1.5 false", "GET /b 200 0.5 false"]
[[tests.expect]]
output = "out"
count  = 2
fields = { method = "GET", status = 200, cached = false }
""")
        self.assertEqual((rc, out), (0, f'test "two lines, both typed": passed\n{config}: 1 test, 1 passed, 0 failed\n'),
                         err)

    def test_a_line_that_does_not_parse_is_marked_error(self):
        rc, out, err, config = self.run_tests_in(r"""
[[tests]]
name  = "not a request"
input = "app"
lines = ["hello world"]
[[tests.expect]]
output = "out"
fields = { message = "hello world", _error = "regex: no pattern matched" }
absent = ["status", "method"]
""")
        self.assertEqual((rc, out), (0, f'test "not a request": passed\n{config}: 1 test, 1 passed, 0 failed\n'), err)


class Failing(PipelineTestCase):
    def test_each_difference_is_shown_field_by_field(self):
        rc, out, err, config = self.run_tests_in(PASSING + r"""
[[tests]]
name  = "wrong on purpose"
input = "app"
lines = ["POST /cart 201 0.5 false", "GET /x 404 1.0 true"]
[[tests.expect]]
output = "out"
count  = 3
fields = { method = "POST", status = "201", seconds = 0.5, user = "bob" }
exists = ["referer"]
absent = ["message"]
""")
        self.assertEqual(rc, 1, err)
        self.assertEqual(out, 'test "a request line becomes typed fields": passed\n'
                              'test "wrong on purpose": FAILED\n'
                              '  expect[0] (output "out"): count: expected 3, got 2\n'
                              '  expect[0] (output "out"), lines[0]: field "status": expected "201", got 201\n'
                              '  expect[0] (output "out"), lines[0]: field "user": expected "bob", got no such field\n'
                              '  expect[0] (output "out"), lines[0]: field "referer": expected to exist, got no such field\n'
                              '  expect[0] (output "out"), lines[0]: field "message": expected no such field, '
                              'got "POST /cart 201 0.5 false"\n'
                              '  expect[0] (output "out"), lines[1]: field "method": expected "POST", got "GET"\n'
                              '  expect[0] (output "out"), lines[1]: field "status": expected "201", got 404\n'
                              '  expect[0] (output "out"), lines[1]: field "seconds": expected 0.5, got 1.0\n'
                              '  expect[0] (output "out"), lines[1]: field "user": expected "bob", got no such field\n'
                              '  expect[0] (output "out"), lines[1]: field "referer": expected to exist, got no such field\n'
                              '  expect[0] (output "out"), lines[1]: field "message": expected no such field, '
                              'got "GET /x 404 1.0 true"\n'
                              f"{config}: 2 tests, 1 passed, 1 failed\n")
        self.assertEqual(err, "")

    def test_the_regex_types_are_what_is_compared(self):
        # status is an int after the filter: the string "200" is not it, nor the float 200.0.
        rc, out, err, config = self.run_tests_in(r"""
[[tests]]
name  = "types"
input = "app"
lines = ["GET / 200 2 yes"]
[[tests.expect]]
output = "out"
fields = { status = 200.0, seconds = 2.0 }
[[tests.expect]]
output = "out"
fields = { status = 200, _error = 'regex: capture "cached" is not a bool' }
""")
        self.assertEqual((rc, out), (1, 'test "types": FAILED\n'
                                        '  expect[0] (output "out"), lines[0]: field "status": expected 200.0, got 200\n'
                                        f"{config}: 1 test, 0 passed, 1 failed\n"), err)

    def test_count_0_for_an_event_the_grep_filter_drops(self):
        rc, out, err, config = self.run_tests_in(r"""
[[tests]]
name  = "health checks are dropped"
input = "app"
lines = ["GET /health 200 0.001 false", "GET /index.html 200 0.25 true"]
[[tests.expect]]
output = "out"
count  = 1
fields = { path = "/index.html" }

[[tests]]
name  = "expected to be kept"
input = "app"
lines = ["GET /health 200 0.001 false"]
[[tests.expect]]
output = "out"
""")
        self.assertEqual((rc, out), (1, 'test "health checks are dropped": passed\n'
                                        'test "expected to be kept": FAILED\n'
                                        '  expect[0] (output "out"): count: expected at least 1, got 0\n'
                                        f"{config}: 2 tests, 1 passed, 1 failed\n"), err)

    def test_an_output_that_does_not_match_the_tag_gets_nothing(self):
        pipeline = PIPELINE + '\n[[inputs]]\ntype = "stdin"\nid = "other"\ntag = "other"\n\n' \
                              '[[outputs]]\ntype = "stdout"\nid = "rest"\nmatch = "other"\n'
        rc, out, err, config = self.run_tests_in(r"""
[[tests]]
name  = "routing"
input = "other"
lines = ["GET / 200 1 true"]
[[tests.expect]]
output = "out"
count  = 0
[[tests.expect]]
output = "rest"
count  = 1
fields = { message = "GET / 200 1 true" }
absent = ["status"]
""", pipeline)
        self.assertEqual((rc, out), (0, f'test "routing": passed\n{config}: 1 test, 1 passed, 0 failed\n'), err)


class Errors(PipelineTestCase):
    def test_an_error_in_tests_names_its_line_and_column(self):
        rc, out, err, config = self.run_tests_in("""
[[tests]]
nmae  = "typo"
input = "app"
lines = "GET / 200 1 true"
[[tests.expect]]
output = "out"
count  = "1"
fields = { when = 1979-05-27 }
""")
        self.assertEqual((rc, out), (1, ""), err)
        self.assertEqual(err.splitlines(), [
            f'{config}:23:1: tests[0]: missing key "name": expected a string saying what the test checks',
            f'{config}:24:9: tests[0]: unknown key "nmae"; did you mean "name"? (expected name, input, lines, events, '
            'expect)',
            f'{config}:26:9: tests[0]: key "lines": expected an array of strings, got a string',
            f'{config}:29:10: tests[0].expect[0]: key "count": expected an integer of 0 or more, got a string',
            f'{config}:30:19: tests[0].expect[0]: key "fields.when": expected a string, integer, float, boolean, '
            'table or array, got a date/time',
            f"{config}: 5 errors"])

    def test_an_unknown_output_id_is_an_error_with_the_ids_there_are(self):
        rc, out, err, config = self.run_tests_in("""
[[tests]]
name  = "where"
input = "app"
lines = ["GET / 200 1 true"]
[[tests.expect]]
output = "stdout"
""")
        self.assertEqual((rc, out), (1, ""), err)
        self.assertEqual(err, f'{config}:28:10: tests[0].expect[0]: key "output": no output has the id "stdout" '
                              '(output ids: "out")\n'
                              f"{config}: 1 error\n")

    def test_an_unknown_input_id_suggests_the_closest(self):
        rc, out, err, config = self.run_tests_in("""
[[tests]]
name  = "where"
input = "ap"
lines = ["GET / 200 1 true"]
[[tests.expect]]
output = "out"
""")
        self.assertEqual((rc, out), (1, ""), err)
        self.assertEqual(err, f'{config}:25:9: tests[0]: key "input": no input has the id "ap"; did you mean "app"? '
                              '(input ids: "app")\n'
                              f"{config}: 1 error\n")

    def test_an_unset_variable_in_a_test_is_an_error_at_it(self):
        config = self.write_config(PIPELINE + """
[[tests]]
name  = "from the environment"
input = "app"
lines = ["GET /${LOGAGENT_TEST_PATH} 200 1 true", "GET /${LOGAGENT_TEST_SET} 200 1 true"]
[[tests.expect]]
output = "out"
fields = { path = "/${LOGAGENT_TEST_PATH:-a}" }
""")
        rc, out, err = self.run_agent(["test", "-c", config], variables={"LOGAGENT_TEST_PATH": None,
                                                                       "LOGAGENT_TEST_SET": "a"})
        self.assertEqual((rc, out.decode()), (1, ""), err)
        self.assertEqual(err, f'{config}:26:10: tests[0]: key "lines[0]": environment variable "LOGAGENT_TEST_PATH" '
                              'is not set (write ${LOGAGENT_TEST_PATH:-fallback} for a default)\n'
                              f"{config}: 1 error\n")
        rc, out, err = self.run_agent(["test", "-c", config], variables={"LOGAGENT_TEST_PATH": "a",
                                                                       "LOGAGENT_TEST_SET": "a"})
        self.assertEqual((rc, out.decode()), (0, f'test "from the environment": passed\n'
                                                 f"{config}: 1 test, 1 passed, 0 failed\n"), err)

    def test_a_file_without_tests(self):
        rc, out, err, config = self.run_tests_in("")
        self.assertEqual((rc, out, err), (1, "", f"{config}: no [[tests]] to run\n"))


# A syslog input's place: its events come with the fields it parsed, so a test gives them
# as tables. The grep filter drops debug severity; the regex filter parses sshd's message.
SYSLOG_PIPELINE = r"""
[[inputs]]
type   = "syslog"
id     = "syslog"
tag    = "syslog"
listen = ["udp://127.0.0.1:0"]

[[filters]]
type    = "grep"
exclude = { severity = "^debug$" }

[[filters]]
type     = "regex"
match    = "syslog"
source   = "message"
pattern  = '^Failed password for (?<user>\S+) from (?<ip>\S+) port (?<port>\d+)'
types    = { port = "int" }
on_mismatch = "keep"

[[outputs]]
type  = "stdout"
id    = "out"
match = "syslog"
"""


class Events(PipelineTestCase):
    def test_events_give_fields_of_every_type_and_a_time(self):
        rc, out, err, config = self.run_tests_in(r"""
[[tests]]
name   = "an sshd failure, as the syslog input parsed it"
input  = "syslog"
events = [
  { "@timestamp" = 2026-12-01T10:00:00.250+01:00, message = "Failed password for root from 192.0.2.7 port 52814 ssh2", facility = "auth", facility_code = 4, severity = "warning", hostname = "web-1", app_name = "sshd", procid = "4242", structured_data = { "origin@1" = { ip = "192.0.2.1" } }, tags = ["a", 1, 0.5, true] },
]
[[tests.expect]]
output = "out"
count  = 1
fields = { "@timestamp" = "2026-12-01T09:00:00.250000Z", user = "root", ip = "192.0.2.7", port = 52814, facility = "auth", facility_code = 4, hostname = "web-1", structured_data = { "origin@1" = { ip = "192.0.2.1" } }, tags = ["a", 1, 0.5, true] }
absent = ["_error"]

[[tests]]
name   = "debug messages are dropped, others kept"
input  = "syslog"
events = [{ message = "cache warm", severity = "debug" }, { message = "disk full", severity = "crit" }]
[[tests.expect]]
output = "out"
count  = 1
fields = { message = "disk full", severity = "crit" }
""", pipeline=SYSLOG_PIPELINE)
        self.assertEqual((rc, out), (0, 'test "an sshd failure, as the syslog input parsed it": passed\n'
                                        'test "debug messages are dropped, others kept": passed\n'
                                        f"{config}: 2 tests, 2 passed, 0 failed\n"), err)

    def test_a_difference_names_the_event(self):
        rc, out, err, config = self.run_tests_in(r"""
[[tests]]
name   = "wrong on purpose"
input  = "syslog"
events = [{ message = "Failed password for admin from 192.0.2.9 port 22 ssh2", severity = "err" }]
[[tests.expect]]
output = "out"
fields = { user = "root", port = "22" }
""", pipeline=SYSLOG_PIPELINE)
        self.assertEqual((rc, out), (1, 'test "wrong on purpose": FAILED\n'
                                        '  expect[0] (output "out"), events[0]: field "user": expected "root", '
                                        'got "admin"\n'
                                        '  expect[0] (output "out"), events[0]: field "port": expected "22", got 22\n'
                                        f"{config}: 1 test, 0 passed, 1 failed\n"), err)

    def test_errors_in_events(self):
        rc, out, err, config = self.run_tests_in("""
[[tests]]
name   = "both"
input  = "syslog"
lines  = ["x"]
events = [{ message = "x" }]
[[tests.expect]]
output = "out"

[[tests]]
name   = "bad events"
input  = "syslog"
events = [{ "@timestamp" = "2026-12-01T10:00:00Z" }, { "@timestamp" = 2026-12-01T10:00:00, when = 10:00:00 }]
[[tests.expect]]
output = "out"

[[tests]]
name   = "not tables"
input  = "syslog"
events = ["x"]
[[tests.expect]]
output = "out"
""", pipeline=SYSLOG_PIPELINE)
        self.assertEqual((rc, out), (1, ""), err)
        self.assertEqual(err.splitlines(), [
            f'{config}:29:10: tests[0]: key "events": a test gives lines or events, not both (lines are on line 28)',
            f'{config}:36:28: tests[1]: key "events[0].@timestamp": expected a date/time with its offset, unquoted, '
            'e.g. 2026-12-01T10:00:00Z, got a string',
            f'{config}:36:71: tests[1]: key "events[1].@timestamp": expected a date/time with its offset, unquoted, '
            'e.g. 2026-12-01T10:00:00Z, got a date/time without an offset',
            f'{config}:36:99: tests[1]: key "events[1].when": expected a string, integer, float, boolean, table or '
            'array, got a date/time',
            f'{config}:43:10: tests[2]: key "events": expected an array of tables of fields, at least one, e.g. '
            'events = [{ message = "hi" }], got an array',
            f"{config}: 5 errors"])


class OtherCommands(PipelineTestCase):
    def test_run_ignores_the_tests_and_check_validates_them(self):
        config = self.write_config(PIPELINE + PASSING)
        rc, out, err = self.run_agent(["run", "-c", config], stdin=b"GET /a 200 1.5 false\n")
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out.split(b"\n")), 2, out)
        self.assertIn(b'"status":200', out)
        rc, out, err = self.run_agent(["check", "-c", config])
        self.assertEqual((rc, out.decode()), (0, f"{config}: OK (1 input, 2 filters, 1 output)\n"), err)

        bad = self.write_config(PIPELINE + PASSING.replace('output = "out"', 'output = "nowhere"'), "bad.toml")
        rc, out, err = self.run_agent(["check", "-c", bad])
        self.assertEqual(rc, 1)
        self.assertIn('tests[0].expect[0]: key "output": no output has the id "nowhere"', err)
        rc, out, err = self.run_agent(["run", "-c", bad], stdin=b"GET /a 200 1.5 false\n")
        self.assertEqual(rc, 0, err)

    def test_no_input_or_output_is_created(self):
        # A syslog input on a port another socket holds: run cannot bind it; test never
        # creates or runs the input, so the port is no obstacle.
        taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(taken.close)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        pipeline = PIPELINE.replace('type = "stdin"', 'type = "syslog"\nlisten = ["tcp://127.0.0.1:%d"]' % port)
        rc, out, err, config = self.run_tests_in(PASSING, pipeline)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, f'test "a request line becomes typed fields": passed\n{config}: 1 test, 1 passed, 0 failed\n')
        rc, _, err = self.run_agent(["run", "-c", config], timeout=60)
        self.assertEqual(rc, 2, err)
        self.assertIn(f"cannot listen on tcp://127.0.0.1:{port}: bind: Address already in use", err)


class ShippedPipelines(AgentTestCase):
    def test_every_shipped_pipeline_has_tests_and_passes_them(self):
        paths = sorted(glob.glob(os.path.join(SOURCE_DIR, "configs", "*.toml")))
        self.assertGreaterEqual(len(paths), 9)
        for path in paths:
            with self.subTest(config=os.path.basename(path)):
                with open(path, "rb") as f:
                    tests = tomllib.load(f).get("tests", [])
                self.assertNotEqual(tests, [], path + " has no [[tests]]")
                # kafka.toml takes its password from the environment; nothing is sent.
                rc, out, err = self.run_agent(["test", "-c", path], variables={"KAFKA_PASSWORD": "unused"})
                self.assertEqual(rc, 0, path + ":\n" + out.decode() + err)
                self.assertTrue(out.decode().endswith("%s: %d test%s, %d passed, 0 failed\n" % (
                    path, len(tests), "" if len(tests) == 1 else "s", len(tests))), out.decode())

if __name__ == "__main__":
    unittest.main()
