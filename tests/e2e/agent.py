"""Runs the real logagent binary for end-to-end tests."""
import os
import re
import subprocess
import tempfile
import textwrap
import unittest

BIN = os.environ.get("LOGAGENT_BIN", "logagent")
FIXTURES = os.environ.get("LOGAGENT_FIXTURE_DIR", "")
SOURCE_DIR = os.environ.get("LOGAGENT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))

TIMESTAMP = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z"
JSON_LINE = re.compile(rb'^\{"@timestamp":"' + TIMESTAMP.encode() + rb'",(.*)\}$')


class AgentTestCase(unittest.TestCase):
    """A temporary folder per test, and helpers to write pipelines and run the agent."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="logagent-e2e-")
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def write_config(self, text, name="pipeline.toml"):
        p = self.path(name)
        with open(p, "w") as f:
            f.write(textwrap.dedent(text))
        return p

    def bin(self):
        return BIN

    def env(self, plugin_path=None, variables=None):
        """The test's environment for the agent; `variables` are set (a value None unsets one)."""
        e = dict(os.environ)
        e.pop("LOGAGENT_PLUGIN_PATH", None)
        if plugin_path:
            e["LOGAGENT_PLUGIN_PATH"] = plugin_path
        for name, value in (variables or {}).items():
            if value is None:
                e.pop(name, None)
            else:
                e[name] = value
        return e

    def run_agent(self, args, stdin=b"", plugin_path=None, timeout=300, variables=None, cwd=None):
        """Runs logagent to completion; returns (exit status, stdout bytes, stderr text)."""
        proc = subprocess.run([BIN] + args, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=self.env(plugin_path, variables), timeout=timeout, cwd=cwd)
        return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")

    def run_pipeline(self, config_text, stdin=b"", plugin_path=None, timeout=300):
        config = self.write_config(config_text)
        return self.run_agent(["run", "-c", config], stdin=stdin, plugin_path=plugin_path, timeout=timeout)

    def start_agent(self, args, plugin_path=None, stdin=subprocess.PIPE, stdout=subprocess.PIPE):
        return subprocess.Popen([BIN] + args, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                                env=self.env(plugin_path))

    def json_bodies(self, out):
        """The part of each JSON line after @timestamp; fails if a line is not of that shape."""
        bodies = []
        for line in out.split(b"\n")[:-1]:
            m = JSON_LINE.match(line)
            self.assertIsNotNone(m, line[:200])
            bodies.append(m.group(1))
        self.assertTrue(out.endswith(b"\n") or out == b"")
        return bodies


STDIN_TO_STDOUT = """
[[inputs]]
type = "stdin"
{input_options}

[[outputs]]
type = "stdout"
format = "{format}"
"""


def stdin_stdout(format="json", input_options=""):
    return STDIN_TO_STDOUT.format(format=format, input_options=input_options)
