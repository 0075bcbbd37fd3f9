"""The ABI policy end to end: plugins built against the frozen ABI 1.0 header
(tests/support/abi/1.0: the fixture filter abi_1_0 and input abi_1_0_count) load and run in
today's agent with exact results; a plugin built for a newer minor or another major is
refused, naming both versions."""
import json
import os
import re
import textwrap
import unittest

from agent import AgentTestCase, FIXTURES

ABI_1_0 = os.path.join(FIXTURES, "abi_1_0")

PIPELINE = """
[[inputs]]
type = "stdin"
{input_options}

{filters}

[[outputs]]
type = "stdout"
format = "json"
"""

META = b'"meta":{"tag":"stdin","instance":"abi_1_0._","label":"abi-1.0"}'


def pipeline(filters, input_options=""):
    return PIPELINE.format(filters=textwrap.dedent(filters), input_options=input_options)


class Abi1_0Filter(AgentTestCase):
    def run_abi_1_0(self, filters, stdin, input_options=""):
        rc, out, err = self.run_pipeline(pipeline(filters, input_options), stdin=stdin, plugin_path=ABI_1_0)
        self.assertEqual(rc, 0, err)
        return self.json_bodies(out), err

    def test_a_filter_built_against_the_1_0_header_gives_exact_output(self):
        # Read by interned key, set by key and by name, borrowed and copied strings, an array,
        # a map with children by key and by name, a dropped event, an error mark.
        bodies, err = self.run_abi_1_0('[[filters]]\ntype = "abi_1_0"\ndrop = ["skip me"]\n',
                                       b"hello abi world\na line longer than sixteen\nskip me\n\nlast\n")
        self.assertEqual(bodies, [
            b'"message":"hello abi world","length":15,"upper":"HELLO ABI WORLD","words":["hello","abi","world"],' +
            META + b',"fields":6',
            b'"message":"a line longer than sixteen","length":26,"upper":"A LINE LONGER THAN SIXTEEN",'
            b'"words":["a","line","longer","than","sixteen"],' + META +
            b',"_error":"abi_1_0: 26 bytes, more than max_length 16","fields":7',
            b'"message":"","length":0,"upper":"","words":[],' + META + b',"fields":6',
            b'"message":"last","length":4,"upper":"LAST","words":["last"],' + META + b',"fields":6',
        ])
        # It logged through the host table it was given, and its counter was reported.
        self.assertRegex(err, r'filters\[0\] \(type "abi_1_0"\): built for ABI 1\.0, running in agent ABI 1\.\d+ '
                              r'\(host table of \d+ bytes\)\n')
        self.assertIn('filters[0] (type "abi_1_0"): errors=0 marked=1\n', err)

    def test_two_instances_remove_a_field_replace_fields_and_append_to_an_error(self):
        filters = """
            [[filters]]
            type = "abi_1_0"
            id = "first"
            keep_source = false

            [[filters]]
            type = "abi_1_0"
            id = "second"
            source = "upper"
            label = "again"
            max_length = 4
            """
        bodies, err = self.run_abi_1_0(filters, b"tiny\nfive5\nsomething longer than 16\n", input_options='tag = "app"')
        meta = b'"meta":{"tag":"app","instance":"second","label":"again"}'
        self.assertEqual(bodies, [
            b'"length":4,"upper":"TINY","words":["TINY"],' + meta + b',"fields":5',
            b'"length":5,"upper":"FIVE5","words":["FIVE5"],' + meta +
            b',"fields":6,"_error":"abi_1_0: 5 bytes, more than max_length 4"',
            b'"length":24,"upper":"SOMETHING LONGER THAN 16","words":["SOMETHING","LONGER","THAN","16"],' + meta +
            b',"_error":"abi_1_0: 24 bytes, more than max_length 16; abi_1_0: 24 bytes, more than max_length 4"'
            b',"fields":6',
        ])
        self.assertIn('filters[0] (type "abi_1_0"): errors=0 marked=1\n', err)
        self.assertIn('filters[1] (type "abi_1_0"): errors=0 marked=2\n', err)

    def test_plugins_shows_its_1_0_options_with_their_defaults(self):
        rc, out, err = self.run_agent(["plugins", "abi_1_0"], plugin_path=ABI_1_0)
        self.assertEqual(rc, 0, err)
        text = out.decode()
        self.assertTrue(text.startswith("filter abi_1_0 1.0.0 (ABI 1.0)\n"
                                        "  Fixture: a filter built against the frozen ABI 1.0 header\n"), text)
        self.assertRegex(text, r"(?m)^  source +string +default: message\n +one of: message, upper\n"
                               r" +Field whose text is examined\n +e\.g\. source = \"message\"\n")
        self.assertRegex(text, r"(?m)^  label +string +default: abi-1\.0\n")
        self.assertRegex(text, r"(?m)^  max_length +integer +default: 16\n +from 1 to 4096\n")
        self.assertRegex(text, r"(?m)^  keep_source +bool +default: true\n")
        self.assertRegex(text, r"(?m)^  drop +list of strings +optional\n")
        self.assertRegex(text, r"(?m)^  token +string +has a default \(not shown\)\n +secret: its value is never "
                               r"printed\n")
        self.assertNotIn("fixture-secret", text)

    def test_its_schema_validates_the_configuration(self):
        config = self.write_config(pipeline('[[filters]]\ntype = "abi_1_0"\nmax_length = 0\nsource = "msg"\n'))
        rc, out, err = self.run_agent(["check", "-c", config], plugin_path=ABI_1_0)
        self.assertEqual(rc, 1, err)
        self.assertIn(config + ':8:14: filters[0] (type "abi_1_0"): option "max_length": must be at least 1', err)
        self.assertIn(config + ':9:10: filters[0] (type "abi_1_0"): option "source": expected one of "message", '
                      '"upper", got "msg"', err)

    def test_an_option_error_from_its_create_points_at_the_option(self):
        config = self.write_config(pipeline('[[filters]]\ntype = "abi_1_0"\nlabel = ""\n'))
        rc, out, err = self.run_agent(["check", "-c", config], plugin_path=ABI_1_0)
        self.assertEqual(rc, 1, err)
        self.assertIn(config + ':8:9: filters[0] (type "abi_1_0"): cannot start: option "label": must not be empty\n',
                      err)


class Abi1_0Input(AgentTestCase):
    def count_pipeline(self, count, extra="", service=""):
        return f"""
            {service}
            [[inputs]]
            type = "abi_1_0_count"
            count = {count}
            {extra}

            [[outputs]]
            type = "stdout"
            format = "json"
            """

    def test_an_input_built_against_the_1_0_header_emits_exact_events_and_times(self):
        rc, out, err = self.run_pipeline(self.count_pipeline(5, 'time_step = "250ms"'), plugin_path=ABI_1_0)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.decode().splitlines(), [
            '{"@timestamp":"2026-01-01T00:00:00.%06dZ","message":"event %d","n":%d}' % (250000 * n, n, n)
            for n in range(4)] + ['{"@timestamp":"2026-01-01T00:00:01.000000Z","message":"event 4","n":4}'])
        # per_batch = 2 by default: batches of 2, 2 and 1, the empty last one discarded.
        self.assertIn("delivered_events=5 delivered_batches=3 ", err)

    def test_its_checkpoint_survives_a_restart(self):
        service = '[service]\nstate_dir = "%s"\nstate_flush_interval = "10ms"\n' % self.path("state")
        rc, out, err = self.run_pipeline(self.count_pipeline(3, "resume = true", service), plugin_path=ABI_1_0)
        self.assertEqual(rc, 0, err)
        self.assertEqual([b["n"] for b in map(json.loads, out.splitlines())], [0, 1, 2])
        # Acknowledged up to event 3: the second run starts there.
        rc, out, err = self.run_pipeline(self.count_pipeline(6, "resume = true", service), plugin_path=ABI_1_0)
        self.assertEqual(rc, 0, err)
        self.assertEqual([b["n"] for b in map(json.loads, out.splitlines())], [3, 4, 5])

    def test_the_1_0_input_and_filter_together(self):
        config = self.count_pipeline(2, 'per_batch = 1').replace(
            "[[outputs]]", '[[filters]]\ntype = "abi_1_0"\nlabel = "both"\n\n[[outputs]]')
        rc, out, err = self.run_pipeline(config, plugin_path=ABI_1_0)
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.json_bodies(out), [
            b'"message":"event %d","n":%d,"length":7,"upper":"EVENT %d","words":["event","%d"],'
            b'"meta":{"tag":"abi_1_0_count","instance":"abi_1_0._","label":"both"},"fields":7' % (n, n, n, n)
            for n in range(2)])

    def test_plugins_shows_its_required_option_and_its_duration(self):
        rc, out, err = self.run_agent(["plugins", "abi_1_0_count"], plugin_path=ABI_1_0)
        self.assertEqual(rc, 0, err)
        text = out.decode()
        self.assertTrue(text.startswith("input abi_1_0_count 1.0.0 (ABI 1.0)\n"), text)
        self.assertRegex(text, r"(?m)^  count +integer +required\n +at least 0\n")
        self.assertRegex(text, r"(?m)^  time_step +duration +default: 1s\n +at least 0s\n")
        self.assertRegex(text, r"(?m)^  resume +bool +default: false\n")


class VersionPolicy(AgentTestCase):
    def test_oldest_minor_loads_newer_minor_and_other_major_are_refused_naming_both_versions(self):
        folders = [os.path.join(FIXTURES, case) for case in ("abi_1_0", "newer_minor", "bad_major")]
        rc, out, err = self.run_agent(["plugins"], plugin_path=":".join(folders))
        self.assertEqual(rc, 1, err)
        text = out.decode()
        self.assertRegex(text, r"(?m)^filter +abi_1_0 +1\.0\.0 +Fixture: a filter built against the frozen ABI 1\.0 "
                               r"header$")
        agent = re.search(r"agent ABI (\d+)\.(\d+)\)", text)
        self.assertIsNotNone(agent, text)
        self.assertIn(os.path.join(folders[1], "newer_minor.so") + ": plugin needs a newer agent (plugin ABI %s.%d, "
                      "agent ABI %s.%s)\n" % (agent[1], int(agent[2]) + 1, agent[1], agent[2]), text)
        self.assertIn(os.path.join(folders[2], "bad_major.so") + ": incompatible ABI major version (plugin ABI %d.%s, "
                      "agent ABI %s.%s)\n" % (int(agent[1]) + 1, agent[2], agent[1], agent[2]), text)
        self.assertIn('2 problems in the plugin folders (listed under "Not usable")', err)


if __name__ == "__main__":
    unittest.main()
