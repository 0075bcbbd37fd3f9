"""stdin -> grep -> stdout through the real binary: which lines stay, exactly, and the errors of check."""
import os
import unittest

from agent import AgentTestCase, FIXTURES

LINES = [
    b"ERROR disk full",
    b"INFO started",
    b"WARN slow reply",
    b"GET /health 200",
    b"GET /api 500 ERROR",
    b"debug noise",
]
STDIN = b"".join(line + b"\n" for line in LINES)


def pipeline(grep, fields=(), format="raw"):
    """stdin, then a fixture_set_field filter per (name, value) in `fields`, then grep, then stdout."""
    sets = "".join(f'[[filters]]\ntype = "fixture_set_field"\nname = "{name}"\nvalue = "{value}"\n\n'
                   for name, value in fields)
    return (f'[[inputs]]\ntype = "stdin"\n\n{sets}[[filters]]\ntype = "grep"\n{grep}\n\n'
            f'[[outputs]]\ntype = "stdout"\nformat = "{format}"\n')


class GrepTestCase(AgentTestCase):
    def grep(self, grep, fields=(), stdin=STDIN, format="raw"):
        """Runs the pipeline; returns (output lines, stderr) after checking it exited 0."""
        plugin_path = os.path.join(FIXTURES, "set_field") if fields else None
        rc, out, err = self.run_pipeline(pipeline(grep, fields, format), stdin=stdin, plugin_path=plugin_path)
        self.assertEqual(rc, 0, err)
        self.assertTrue(out == b"" or out.endswith(b"\n"), out[-100:])
        return out.split(b"\n")[:-1], err

    def assertCounters(self, err, kept, dropped, limit_errors=0, index=0):
        self.assertIn(f'filters[{index}] (type "grep"): errors=0 kept={kept} dropped={dropped} limit_errors={limit_errors}\n',
                      err)


class RegexAndExclude(GrepTestCase):
    def test_regex_keeps_only_matching_events(self):
        out, err = self.grep('regex = { message = "ERROR|WARN" }')
        self.assertEqual(out, [b"ERROR disk full", b"WARN slow reply", b"GET /api 500 ERROR"])
        self.assertCounters(err, kept=3, dropped=3)

    def test_exclude_drops_matching_events(self):
        out, err = self.grep('exclude = { message = "^GET /health" }')
        self.assertEqual(out, [b"ERROR disk full", b"INFO started", b"WARN slow reply", b"GET /api 500 ERROR",
                               b"debug noise"])
        self.assertCounters(err, kept=5, dropped=1)

    def test_regex_and_exclude_together(self):
        # Kept: matches the regex and not the exclude.
        out, err = self.grep('regex = { message = "ERROR|WARN" }\nexclude = { message = "^GET " }')
        self.assertEqual(out, [b"ERROR disk full", b"WARN slow reply"])
        self.assertCounters(err, kept=2, dropped=4)

    def test_patterns_search_anywhere_unless_anchored(self):
        out, _ = self.grep('regex = { message = "^ERROR" }')
        self.assertEqual(out, [b"ERROR disk full"])
        out, _ = self.grep('regex = { message = "e" }')
        self.assertEqual(out, [b"INFO started", b"WARN slow reply", b"GET /health 200", b"debug noise"])

    def test_pcre2_syntax_and_inline_flags(self):
        out, _ = self.grep(r"""regex = { message = '(?i)^(?:error|warn)\b' }""")
        self.assertEqual(out, [b"ERROR disk full", b"WARN slow reply"])
        out, _ = self.grep(r"""regex = { message = '\d{3}$' }""")
        self.assertEqual(out, [b"GET /health 200"])

    def test_every_event_dropped_gives_empty_output(self):
        out, err = self.grep('regex = { message = "^nothing like this$" }')
        self.assertEqual(out, [])
        self.assertCounters(err, kept=0, dropped=6)


class SeveralRulesAndLogic(GrepTestCase):
    FIELDS = [("level", "error"), ("host", "web-1")]

    def test_and_every_regex_must_match(self):
        out, err = self.grep('regex = { message = "ERROR", level = "^error$" }', self.FIELDS)
        self.assertEqual(out, [b"ERROR disk full", b"GET /api 500 ERROR"])
        self.assertCounters(err, kept=2, dropped=4, index=2)
        out, _ = self.grep('regex = { message = "ERROR", level = "^warn$" }', self.FIELDS)
        self.assertEqual(out, [])
        out, _ = self.grep('logic = "and"\nregex = { message = "ERROR", level = "^error$", host = "^web-" }',
                           self.FIELDS)
        self.assertEqual(out, [b"ERROR disk full", b"GET /api 500 ERROR"])

    def test_or_one_regex_is_enough(self):
        out, err = self.grep('logic = "or"\nregex = { message = "ERROR", level = "^warn$" }', self.FIELDS)
        self.assertEqual(out, [b"ERROR disk full", b"GET /api 500 ERROR"])
        self.assertCounters(err, kept=2, dropped=4, index=2)
        out, _ = self.grep('logic = "or"\nregex = { message = "^INFO", level = "^error$" }', self.FIELDS)
        self.assertEqual(out, LINES)

    def test_and_exclude_drops_only_when_every_pattern_matches(self):
        out, err = self.grep('exclude = { message = "^GET", level = "^error$" }', self.FIELDS)
        self.assertEqual(out, [b"ERROR disk full", b"INFO started", b"WARN slow reply", b"debug noise"])
        self.assertCounters(err, kept=4, dropped=2, index=2)
        out, _ = self.grep('exclude = { message = "^GET", level = "^info$" }', self.FIELDS)
        self.assertEqual(out, LINES)

    def test_or_exclude_drops_when_one_pattern_matches(self):
        out, err = self.grep('logic = "or"\nexclude = { message = "^GET", level = "^info$" }', self.FIELDS)
        self.assertEqual(out, [b"ERROR disk full", b"INFO started", b"WARN slow reply", b"debug noise"])
        self.assertCounters(err, kept=4, dropped=2, index=2)
        out, _ = self.grep('logic = "or"\nexclude = { message = "^GET", level = "^error$" }', self.FIELDS)
        self.assertEqual(out, [])

    def test_logic_applies_to_each_table_and_both_must_pass(self):
        grep = 'logic = "or"\nregex = { message = "ERROR|WARN", level = "^nope$" }\nexclude = { message = "disk", host = "^db-" }'
        out, err = self.grep(grep, self.FIELDS)
        self.assertEqual(out, [b"WARN slow reply", b"GET /api 500 ERROR"])
        self.assertCounters(err, kept=2, dropped=4, index=2)

    def test_one_field_in_both_tables(self):
        out, _ = self.grep('regex = { message = "ERROR" }\nexclude = { message = "^GET" }', self.FIELDS)
        self.assertEqual(out, [b"ERROR disk full"])

    def test_other_fields_pass_through_unchanged(self):
        out, _ = self.grep('regex = { level = "^error$" }', self.FIELDS, stdin=b"one\n", format="json")
        [line] = out
        self.assertRegex(line, rb'^\{"@timestamp":"[^"]+","message":"one","level":"error","host":"web-1"\}$')


class MissingFields(GrepTestCase):
    def test_regex_on_a_missing_field_does_not_match(self):
        out, err = self.grep('regex = { level = "" }')  # "" matches any text, but there is none
        self.assertEqual(out, [])
        self.assertCounters(err, kept=0, dropped=6)

    def test_exclude_on_a_missing_field_does_not_drop(self):
        out, err = self.grep('exclude = { level = "" }')
        self.assertEqual(out, LINES)
        self.assertCounters(err, kept=6, dropped=0)

    def test_missing_field_with_or(self):
        out, _ = self.grep('logic = "or"\nregex = { message = "^WARN", level = "" }')
        self.assertEqual(out, [b"WARN slow reply"])
        out, _ = self.grep('logic = "or"\nexclude = { message = "^GET", level = "" }')
        self.assertEqual(out, [b"ERROR disk full", b"INFO started", b"WARN slow reply", b"debug noise"])

    def test_missing_field_with_and(self):
        out, _ = self.grep('regex = { message = "^WARN", level = "" }')
        self.assertEqual(out, [])
        out, _ = self.grep('exclude = { message = "^GET", level = "" }')
        self.assertEqual(out, LINES)


class TailAndStdin(GrepTestCase):
    """A tail input gives events an int field (offset) and a field stdin events lack (path);
    both inputs run through one grep instance, on their own threads."""

    def run_both(self, grep, file_lines, stdin_lines, service=""):
        # A state folder per run: a checkpoint of the last run would skip the file.
        self.runs = getattr(self, "runs", 0) + 1
        log = self.path("app.log")
        with open(log, "wb") as f:
            f.write(b"".join(line + b"\n" for line in file_lines))
        config = f"""
            [service]
            state_dir = "{self.path(f'state-{self.runs}')}"
            {service}

            [[inputs]]
            type = "stdin"

            [[inputs]]
            type = "tail"
            paths = ["{log}"]
            read_from = "beginning"
            exit_on_eof = true
            path_field = "path"
            offset_field = "offset"

            [[filters]]
            type = "grep"
            {grep}

            [[outputs]]
            type = "stdout"
            format = "raw"
            """
        rc, out, err = self.run_pipeline(config, stdin=b"".join(line + b"\n" for line in stdin_lines))
        self.assertEqual(rc, 0, err)
        return sorted(out.split(b"\n")[:-1]), err

    def test_an_int_field_is_matched_against_its_text(self):
        file_lines = [b"ERROR one", b"INFO two", b"ERROR three"]  # offsets 0, 10, 19
        out, err = self.run_both('regex = { offset = "^(0|19)$" }', file_lines, [b"from stdin"])
        self.assertEqual(out, [b"ERROR one", b"ERROR three"])
        self.assertCounters(err, kept=2, dropped=2)
        out, _ = self.run_both('exclude = { offset = "^1" }', file_lines, [b"from stdin"])
        self.assertEqual(out, [b"ERROR one", b"from stdin"])

    def test_a_field_only_some_events_have(self):
        out, err = self.run_both('regex = { path = "app[.]log$" }', [b"file a", b"file b"], [b"stdin a", b"stdin b"])
        self.assertEqual(out, [b"file a", b"file b"])
        self.assertCounters(err, kept=2, dropped=2)
        out, _ = self.run_both('exclude = { path = "" }', [b"file a", b"file b"], [b"stdin a", b"stdin b"])
        self.assertEqual(out, [b"stdin a", b"stdin b"])
        out, _ = self.run_both('logic = "or"\nregex = { path = "nope", message = " a$" }', [b"file a", b"file b"],
                               [b"stdin a", b"stdin b"])
        self.assertEqual(out, [b"file a", b"stdin a"])

    def test_two_inputs_through_one_instance_in_many_batches(self):
        count = 20000
        file_lines = [b"file %d %s" % (i, b"ERROR" if i % 3 == 0 else b"INFO") for i in range(count)]
        stdin_lines = [b"stdin %d %s" % (i, b"ERROR" if i % 4 == 0 else b"INFO") for i in range(count)]
        out, err = self.run_both('regex = { message = "ERROR$" }\nexclude = { message = "5 ERROR$" }', file_lines,
                                 stdin_lines, service="batch_max_events = 64")
        expected = sorted(line for line in file_lines + stdin_lines
                          if line.endswith(b"ERROR") and not line.endswith(b"5 ERROR"))
        self.assertEqual(out, expected)
        self.assertCounters(err, kept=len(expected), dropped=2 * count - len(expected))


class HostileInput(GrepTestCase):
    HOSTILE = b"a" * 30000 + b"b"

    def hostile_run(self, grep):
        stdin = b"aaa\n" + self.HOSTILE + b"\nb\n"
        return self.grep(grep, stdin=stdin, format="json")

    def bodies(self, out):
        return self.json_bodies(b"".join(line + b"\n" for line in out))

    def test_a_regex_stopped_by_the_engine_limit_keeps_and_marks_the_event(self):
        out, err = self.hostile_run('regex = { message = "^(a+)+$" }')
        self.assertEqual(self.bodies(out), [
            b'"message":"aaa"',
            b'"message":"' + self.HOSTILE + b'","_error":"grep: regex.message: matching stopped at the regex '
            b'engine\'s limit (match, depth or stack); event kept"',
        ])
        self.assertCounters(err, kept=2, dropped=1, limit_errors=1)

    def test_an_exclude_stopped_by_the_engine_limit_keeps_and_marks_the_event(self):
        out, err = self.hostile_run('exclude = { message = "^(a+)+$" }')
        self.assertEqual(self.bodies(out), [
            b'"message":"' + self.HOSTILE + b'","_error":"grep: exclude.message: matching stopped at the regex '
            b'engine\'s limit (match, depth or stack); event kept"',
            b'"message":"b"',
        ])
        self.assertCounters(err, kept=2, dropped=1, limit_errors=1)

    def test_a_rule_that_decides_anyway_is_not_an_error(self):
        # A definite outcome of another rule decides: with "and", a rule that does not match
        # (here on a missing field) drops; a matching exclude drops. Neither is a limit error.
        out, err = self.hostile_run('regex = { message = "^(a+)+$", other = "x" }')
        self.assertEqual(self.bodies(out), [])
        self.assertCounters(err, kept=0, dropped=3)
        out, err = self.hostile_run('regex = { message = "^(a+)+$" }\nexclude = { message = "b$" }')
        self.assertEqual(self.bodies(out), [b'"message":"aaa"'])
        self.assertCounters(err, kept=1, dropped=2)


class CheckErrors(GrepTestCase):
    def check(self, grep):
        config = self.write_config(pipeline(grep))
        rc, out, err = self.run_agent(["check", "-c", config])
        return config, rc, out, err

    def assertRefused(self, grep, line, column, message):
        config, rc, out, err = self.check(grep)
        self.assertEqual((rc, out), (1, b""), err)
        self.assertEqual(err, f'{config}:{line}:{column}: filters[0] (type "grep"): cannot start: {message}\n'
                              f"{config}: 1 error\n")

    def test_a_regex_that_does_not_compile_points_at_its_table_item(self):
        grep = 'regex = { message = "ok", level = "(error" }'
        self.assertRefused(grep, 6, grep.index('"(error"') + 1,
                           'option "regex.level": not a valid PCRE2 pattern: missing closing parenthesis at offset 6')

    def test_an_exclude_that_does_not_compile_points_at_its_table_item(self):
        grep = 'logic = "or"\nexclude = { path = "^/health", status = "[5" }'
        self.assertRefused(grep, 7, len('exclude = { path = "^/health", status = ') + 1,
                           'option "exclude.status": not a valid PCRE2 pattern: missing terminating ] for '
                           'character class at offset 2')

    def test_a_table_of_its_own_and_a_quoted_key_with_dots(self):
        grep = '[filters.regex]\nmessage = "a"\n"dotted.name" = "x{2,1}"'
        self.assertRefused(grep, 8, len('"dotted.name" = ') + 1,
                           'option "regex.dotted.name": not a valid PCRE2 pattern: numbers out of order in {} '
                           'quantifier at offset 5')

    def test_no_rule_at_all(self):
        for grep in ("", "regex = {}", 'logic = "or"\nexclude = {}'):
            with self.subTest(grep=grep):
                self.assertRefused(grep, 4, 1, "grep needs at least one rule: a regex or an exclude table with a "
                                               "field in it")

    def test_an_empty_field_name(self):
        grep = 'regex = { "" = "x" }'
        self.assertRefused(grep, 6, grep.index('"x"') + 1, 'option "regex.": the field name of a rule cannot be '
                                                          'empty')

    def test_an_unknown_logic(self):
        config, rc, out, err = self.check('logic = "xor"\nregex = { message = "a" }')
        self.assertEqual((rc, out), (1, b""), err)
        self.assertEqual(err, f'{config}:6:9: filters[0] (type "grep"): option "logic": expected one of "and", "or", '
                              f'got "xor"; did you mean "or"?\n{config}: 1 error\n')

    def test_plugins_lists_the_options(self):
        rc, out, err = self.run_agent(["plugins", "grep"])
        self.assertEqual(rc, 0, err)
        text = out.decode()
        self.assertTrue(text.startswith("filter grep 1.0.0"), text)
        for option in ("regex", "exclude", "logic"):
            self.assertRegex(text, rf"(?m)^  {option}\s")

    def test_valid_patterns_pass_check(self):
        config, rc, out, err = self.check('regex = { message = "ERROR|WARN", level = "^(error|warn)$" }\n'
                                          'exclude = { path = "^/health" }')
        self.assertEqual(rc, 0, err)


if __name__ == "__main__":
    unittest.main()
