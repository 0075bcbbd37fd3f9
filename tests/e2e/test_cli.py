"""The command line as a new user types it: the pipeline file as an argument or with -c,
usage errors, and counts in words that agree with their number."""
import os
import unittest

from agent import AgentTestCase, FIXTURES, SOURCE_DIR, stdin_stdout

# The stdin example: these tests are about the command line, and feed the pipeline themselves.
STDIN_CONFIG = os.path.join(SOURCE_DIR, "configs", "stdin-stdout.toml")

USAGE_ERROR = 1


class PipelineFileArgument(AgentTestCase):
    def test_check_takes_the_file_as_its_argument(self):
        rc, out, err = self.run_agent(["check", STDIN_CONFIG])
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.decode(), STDIN_CONFIG + ": OK (1 input, 0 filters, 1 output)\n")

    def test_check_takes_the_file_with_c_or_config(self):
        for flag in ("-c", "--config"):
            with self.subTest(flag=flag):
                rc, out, err = self.run_agent(["check", flag, STDIN_CONFIG])
                self.assertEqual(rc, 0, err)
                self.assertEqual(out.decode(), STDIN_CONFIG + ": OK (1 input, 0 filters, 1 output)\n")

    def test_run_takes_the_file_as_its_argument(self):
        # As the README's stdin example has it, with the file as people type it.
        rc, out, err = self.run_agent(["run", STDIN_CONFIG], stdin=b"hello\nworld\n")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.json_bodies(out), [b'"message":"hello"', b'"message":"world"'])
        self.assertIn("pipeline started: 1 input, 0 filters, 1 output", err)

    def test_run_takes_the_file_with_c(self):
        rc, out, err = self.run_agent(["run", "-c", STDIN_CONFIG], stdin=b"hello\n")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.json_bodies(out), [b'"message":"hello"'])

    def test_errors_name_the_file_given_as_argument(self):
        config = self.write_config(stdin_stdout(format="yaml"))
        rc, out, err = self.run_agent(["check", config])
        self.assertEqual(rc, 1)
        self.assertEqual(out, b"")
        self.assertIn(config + ":", err)
        self.assertTrue(err.endswith(config + ": 1 error\n"), err)

    def test_no_file_is_a_usage_error(self):
        for command in ("run", "check"):
            with self.subTest(command=command):
                rc, out, err = self.run_agent([command])
                self.assertEqual(rc, USAGE_ERROR)
                self.assertEqual(out, b"")
                self.assertEqual(err, f"{command}: a pipeline file is required: logagent {command} PIPELINE.toml\n"
                                      "Run with --help for more information.\n")

    def test_a_file_both_as_argument_and_with_c_is_a_usage_error(self):
        # Even the same file twice: which one was meant is not for the agent to guess.
        for command in ("run", "check"):
            with self.subTest(command=command):
                rc, out, err = self.run_agent([command, "-c", STDIN_CONFIG, STDIN_CONFIG], stdin=b"x\n")
                self.assertEqual(rc, USAGE_ERROR)
                self.assertEqual(out, b"")
                self.assertIn(f"{command}: give the pipeline file once, either as the argument or with -c/--config",
                              err)

    def test_two_files_as_arguments_is_a_usage_error(self):
        rc, out, err = self.run_agent(["check", STDIN_CONFIG, STDIN_CONFIG])
        self.assertEqual(rc, USAGE_ERROR)
        self.assertEqual(out, b"")
        self.assertIn("Run with --help for more information.", err)

    def test_help_shows_both_ways(self):
        rc, out, err = self.run_agent(["run", "--help"])
        self.assertEqual(rc, 0, err)
        self.assertIn("Usage: ", out.decode())
        self.assertRegex(out.decode(), r"(?m)^  PIPELINE TEXT\s+Pipeline file \(TOML\)$")
        self.assertRegex(out.decode(), r"(?m)^  -c,--config TEXT\s+Pipeline file \(TOML\), instead of the argument$")

    def test_help_lists_every_exit_status(self):
        rc, out, err = self.run_agent(["--help"])
        self.assertEqual(rc, 0, err)
        for status in ("0 success", "1 invalid usage", "2 an input failed", "3 shutdown grace period",
                       "4 events were not delivered (a permanent output error)"):
            self.assertIn(status, out.decode())


class CountsInTheOkLine(AgentTestCase):
    def check(self, config_text):
        config = self.write_config(config_text)
        plugins = os.path.join(FIXTURES, "set_field") + ":" + os.path.join(FIXTURES, "lines")
        rc, out, err = self.run_agent(["check", config], plugin_path=plugins)
        self.assertEqual(rc, 0, err)
        prefix = config + ": OK ("
        self.assertTrue(out.decode().startswith(prefix), out)
        return out.decode()[len(prefix):].rstrip("\n")

    def test_one_of_each_is_singular(self):
        self.assertEqual(self.check("""
            [[inputs]]
            type = "stdin"

            [[filters]]
            type = "fixture_set_field"
            name = "level"
            value = "info"

            [[outputs]]
            type = "null"
            """), "1 input, 1 filter, 1 output)")

    def test_two_of_each_are_plural(self):
        self.assertEqual(self.check("""
            [[inputs]]
            type = "stdin"
            tag = "a"

            [[inputs]]
            type = "fixture_lines"
            tag = "b"
            count = 1

            [[filters]]
            type = "fixture_set_field"
            name = "level"
            value = "info"

            [[filters]]
            type = "fixture_set_field"
            name = "host"
            value = "here"

            [[outputs]]
            type = "null"

            [[outputs]]
            type = "stdout"
            """), "2 inputs, 2 filters, 2 outputs)")

    def test_none_is_plural(self):
        self.assertEqual(self.check("""
            [[inputs]]
            type = "stdin"

            [[outputs]]
            type = "null"
            """), "1 input, 0 filters, 1 output)")

    def test_run_logs_the_same_counts(self):
        rc, out, err = self.run_pipeline("""
            [[inputs]]
            type = "stdin"

            [[outputs]]
            type = "null"

            [[outputs]]
            type = "stdout"
            """, stdin=b"x\n")
        self.assertEqual(rc, 0, err)
        self.assertIn("pipeline started: 1 input, 0 filters, 2 outputs", err)

    def test_one_error_is_singular(self):
        config = self.write_config(stdin_stdout(format="yaml"))
        rc, out, err = self.run_agent(["check", config])
        self.assertEqual(rc, 1)
        self.assertTrue(err.endswith(config + ": 1 error\n"), err)

    def test_two_errors_are_plural(self):
        config = self.write_config(stdin_stdout(format="yaml", input_options="max_line_byte = 1"))
        rc, out, err = self.run_agent(["check", config])
        self.assertEqual(rc, 1)
        self.assertTrue(err.endswith(config + ": 2 errors\n"), err)


class EnvironmentVariables(AgentTestCase):
    """${NAME} and ${NAME:-fallback} in a pipeline file, from the agent's own environment."""

    PIPELINE = """
        [[inputs]]
        type = "stdin"

        [[filters]]
        type = "fixture_set_field"
        name = "level"
        value = "${LOGAGENT_E2E_LEVEL}"

        [[outputs]]
        type = "stdout"
        format = "${LOGAGENT_E2E_FORMAT:-json}"
        """

    def agent(self, args, variables, stdin=b""):
        return self.run_agent(args, stdin=stdin, plugin_path=os.path.join(FIXTURES, "set_field"), variables=variables)

    def test_run_and_check_with_the_variables_set(self):
        config = self.write_config(self.PIPELINE)
        variables = {"LOGAGENT_E2E_LEVEL": "warn", "LOGAGENT_E2E_FORMAT": None}
        rc, out, err = self.agent(["check", config], variables)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.decode(), config + ": OK (1 input, 1 filter, 1 output)\n")
        rc, out, err = self.agent(["run", config], variables, stdin=b"hello\n")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.json_bodies(out), [b'"message":"hello","level":"warn"'])
        # The fallback gives way to a value.
        rc, out, err = self.agent(["run", config], dict(variables, LOGAGENT_E2E_FORMAT="raw"), stdin=b"hello\n")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, b"hello\n")

    def test_check_with_a_variable_unset(self):
        config = self.write_config(self.PIPELINE)
        rc, out, err = self.agent(["check", config], {"LOGAGENT_E2E_LEVEL": None})
        self.assertEqual(rc, 1)
        self.assertEqual(out, b"")
        self.assertEqual(err, config + ':8:9: filters[0] (type "fixture_set_field"): option "value": environment '
                              'variable "LOGAGENT_E2E_LEVEL" is not set (write ${LOGAGENT_E2E_LEVEL:-fallback} for a '
                              'default)\n' + config + ": 1 error\n")


if __name__ == "__main__":
    unittest.main()
