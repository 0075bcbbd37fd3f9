"""Runs the agent with a syslog input on ports the system picks, for the syslog tests."""
import json
import os
import re
import signal
import subprocess
import threading
import time

from agent import BIN, AgentTestCase

LISTENING = re.compile(r"listening on (\S+)")


class RunningAgent:
    """An agent started with `config`, its listen URLs read from its log; stop() ends it."""

    def __init__(self, test, config_text, listeners, plugin_path=None):
        self.test = test
        config = test.write_config(config_text)
        self.stdout_path = test.path("stdout.jsonl")
        self._stdout = open(self.stdout_path, "wb")
        self.proc = subprocess.Popen([BIN, "run", "-c", config], stdout=self._stdout, stderr=subprocess.PIPE,
                                     env=test.env(plugin_path))
        self.urls = []
        self._stderr_lines = []
        deadline = time.monotonic() + 30
        while len(self.urls) < listeners:
            line = self.proc.stderr.readline().decode("utf-8", "replace")
            if not line:
                self.proc.wait(timeout=30)
                raise AssertionError("the agent ended before listening: " + "".join(self._stderr_lines) + line)
            self._stderr_lines.append(line)
            found = LISTENING.search(line)
            if found:
                self.urls.append(found.group(1))
            if time.monotonic() > deadline:
                raise AssertionError("the agent did not listen within 30 s")
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()

    def _read_stderr(self):
        for line in self.proc.stderr:
            self._stderr_lines.append(line.decode("utf-8", "replace"))

    def url(self, scheme):
        """The first listen URL of `scheme` ("udp", "tcp", "unix", "unix-stream")."""
        return next(u for u in self.urls if u.startswith(scheme + "://"))

    def host_port(self, scheme):
        """(host, port) of the first listener of `scheme`."""
        rest = self.url(scheme)[len(scheme) + 3:]
        host, port = rest.rsplit(":", 1)
        return host.strip("[]"), int(port)

    def events(self):
        """The JSON events written so far."""
        with open(self.stdout_path, "rb") as f:
            return [json.loads(line) for line in f.read().splitlines()]

    def wait_for(self, count, timeout=30):
        """Waits until at least `count` events were written; returns them."""
        deadline = time.monotonic() + timeout
        while True:
            events = self.events()
            if len(events) >= count or time.monotonic() > deadline:
                return events
            time.sleep(0.02)

    def stop(self, timeout=60):
        """SIGTERM; returns (exit status, events, stderr text)."""
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=10)
        self._stdout.close()
        return rc, self.events(), "".join(self._stderr_lines)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._stdout.close()


def counters(stderr, section="inputs[0]"):
    """The counters of `section`'s line in the shutdown report, as ints."""
    for line in stderr.splitlines():
        if f"{section} (type " in line and "emitted_events=" in line:
            return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
    raise AssertionError("no report line for " + section + " in:\n" + stderr)


class SyslogTestCase(AgentTestCase):
    def start(self, listen, options="", output='type = "stdout"', service="", plugin_path=None):
        """Starts an agent whose syslog input listens on `listen` (URLs, port 0 for any)."""
        urls = ", ".join(f'"{u}"' for u in listen)
        agent = RunningAgent(self, f"""
            [service]
            state_dir = "{self.path('state')}"
            {service}

            [[inputs]]
            type = "syslog"
            tag = "syslog"
            listen = [{urls}]
            {options}

            [[outputs]]
            match = "*"
            {output}
            """, len(listen), plugin_path=plugin_path)
        self.addCleanup(agent.kill)
        return agent
