"""Broken plugin libraries are clear errors naming the file, never a crash."""
import os
import unittest

from agent import AgentTestCase, FIXTURES

PIPELINE = """
[[inputs]]
type = "stdin"

[[outputs]]
type = "{output}"
"""

CASES = {
    "bad_major": "bad_major.so: incompatible ABI major version (plugin ABI 2.0, agent ABI 1.0)",
    "newer_minor": "newer_minor.so: plugin needs a newer agent (plugin ABI 1.1, agent ABI 1.0)",
    "no_entry": "no_entry.so: not a logagent plugin: no exported symbol logagent_plugin_entry",
    "null_entry": "null_entry.so: logagent_plugin_entry returned no descriptor",
    "short_descriptor": "short_descriptor.so: descriptor struct_size 8 is smaller than the minimum",
    "missing_callback": 'missing_callback.so: output plugin "missing_callback" lacks output_write',
    "not_a_library": "not_a_library.so: not a loadable library:",
    "bad_name": "bad_name.so: invalid plugin name",
}


class BrokenLibraries(AgentTestCase):
    def test_each_loader_failure_names_the_file_and_the_reason(self):
        for case, message in CASES.items():
            with self.subTest(case=case):
                folder = os.path.join(FIXTURES, case)
                rc, out, err = self.run_agent(["plugins"], plugin_path=folder)
                self.assertEqual(rc, 1, err)
                self.assertIn(os.path.join(folder, message), err)
                self.assertRegex(out.decode(), r"(?m)^output\s+stdout\s")  # the others still load
                # And a pipeline is refused, with the same message, exit status 1.
                rc, out, err = self.run_pipeline(PIPELINE.format(output="stdout"), plugin_path=folder)
                self.assertEqual(rc, 1, err)
                self.assertIn(os.path.join(folder, message), err)

    def test_two_plugins_with_one_name(self):
        folder = os.path.join(FIXTURES, "duplicate_name")
        rc, out, err = self.run_agent(["plugins"], plugin_path=folder)
        self.assertEqual(rc, 1)
        self.assertIn(os.path.join(folder, "dup_b.so") + ': output plugin "twin" is already provided by ' +
                      os.path.join(folder, "dup_a.so"), err)

    def test_create_that_throws_is_reported_with_the_section(self):
        folder = os.path.join(FIXTURES, "throws_in_create")
        config = self.write_config(PIPELINE.format(output="throws_in_create"))
        rc, out, err = self.run_agent(["check", "-c", config], plugin_path=folder)
        self.assertEqual(rc, 1)
        self.assertIn(config + ':5:1: outputs[0] (type "throws_in_create"): cannot start: '
                      "fixture refuses to start: missing credentials", err)

    def test_create_that_fails_silently_is_reported(self):
        folder = os.path.join(FIXTURES, "null_create_silent")
        config = self.write_config(PIPELINE.format(output="null_create_silent"))
        rc, out, err = self.run_agent(["run", "-c", config], plugin_path=folder)
        self.assertEqual(rc, 1)
        self.assertIn('outputs[0] (type "null_create_silent"): cannot start: the plugin\'s create failed without giving a reason', err)

    def test_plugin_dirs_in_the_service_section(self):
        config = self.write_config("""
            [service]
            plugin_dirs = ["%s"]

            [[inputs]]
            type = "stdin"

            [[outputs]]
            type = "fixture_ack"
            record_path = "%s"
            """ % (os.path.join(FIXTURES, "ack"), self.path("r.tsv")))
        rc, out, err = self.run_agent(["run", "-c", config], stdin=b"via plugin_dirs\n")
        self.assertEqual(rc, 0, err)
        with open(self.path("r.tsv"), "rb") as f:
            call, status, _, message = f.read().rstrip(b"\n").split(b"\t")
        self.assertEqual((call, status, message), (b"1", b"ok", b"via plugin_dirs"))


if __name__ == "__main__":
    unittest.main()
