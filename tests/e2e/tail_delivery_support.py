"""Helpers for the tail input's delivery and multiline tests: a pipeline from options, an
agent whose stdout and stderr go to files (so nothing blocks on a pipe nobody reads), and
waiting on what it wrote."""
import json
import os
import signal
import subprocess
import time

from agent import AgentTestCase, BIN

DEADLINE_S = 20


def toml_value(v):
    return json.dumps(v) if not isinstance(v, bool) else ("true" if v else "false")


def json_string(data):
    """The JSON string the SDK's writer makes of `data` (bytes): invalid UTF-8 replaced by
    U+FFFD per maximal subpart (what Python's errors="replace" does), `"` `\\` escaped, the
    short escapes for \\b \\f \\n \\r \\t, \\u00xx (lowercase) for other bytes below 0x20 and
    DEL, everything else as it is (see docs/plugins/stdout.md)."""
    short = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    out = []
    for ch in data.decode("utf-8", "replace"):
        if ch in short:
            out.append(short[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


class TailCase(AgentTestCase):
    def pipeline(self, paths, fmt="raw", name="pipeline.toml", service=None, output=None, **options):
        """A tail input with `options` into stdout (format `fmt`), or into the output section
        given as a dict; `service` adds [service] options to the state folder's."""
        svc = {"state_dir": self.path("state"), "state_flush_interval": "10ms"}
        svc.update(service or {})
        out = output or {"type": "stdout", "format": fmt}
        lines = ["[service]"] + [f"{k} = {toml_value(v)}" for k, v in svc.items()]
        lines += ["", "[[inputs]]", 'type = "tail"', f"paths = {json.dumps(paths)}"]
        lines += [f"{k} = {toml_value(v)}" for k, v in options.items()]
        lines += ["", "[[outputs]]"] + [f"{k} = {toml_value(v)}" for k, v in out.items()]
        p = self.path(name)
        with open(p, "w") as f:
            f.write("\n".join(lines) + "\n")
        return p

    def write_bytes(self, name, data, mode="ab"):
        with open(self.path(name), mode) as f:
            f.write(data)

    def write(self, name, lines, mode="a"):
        self.write_bytes(name, "".join(line + "\n" for line in lines).encode(), mode + "b")

    def launch(self, config, out_name="out.txt", err_name="err.txt", prefix=(), plugin_path=None):
        """Starts the agent with stdout opened on `out_name` in append mode (O_APPEND, so
        several runs add to one file) and stderr appended to `err_name`."""
        out_fd = os.open(self.path(out_name), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        err_fd = os.open(self.path(err_name), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            agent = subprocess.Popen(list(prefix) + [BIN, "run", "-c", config], stdin=subprocess.DEVNULL,
                                     stdout=out_fd, stderr=err_fd, env=self.env(plugin_path))
        finally:
            os.close(out_fd)
            os.close(err_fd)
        self.addCleanup(self.reap, agent)  # a failed test leaves no agent behind
        return agent

    @staticmethod
    def reap(agent):
        if agent.poll() is None:
            agent.kill()
        agent.wait()

    def read(self, name):
        with open(self.path(name), "rb") as f:
            return f.read()

    def err_text(self, name="err.txt"):
        return self.read(name).decode("utf-8", "replace") if os.path.exists(self.path(name)) else ""

    def wait_until(self, condition, what, deadline_s=DEADLINE_S, agent=None):
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            if condition():
                return
            if agent is not None and agent.poll() is not None:
                self.fail(f"the agent exited ({agent.returncode}) while waiting for {what}: {self.err_text()[-2000:]}")
            time.sleep(0.005)
        self.fail(f"timed out waiting for {what}: {self.err_text()[-2000:]}")

    def wait_for_lines(self, count, agent=None, name="out.txt", deadline_s=DEADLINE_S):
        self.wait_until(lambda: os.path.exists(self.path(name)) and self.read(name).count(b"\n") >= count,
                        f"{count} lines in {name}", deadline_s, agent)
        return self.read(name).split(b"\n")[:-1]

    def checkpoint_offset(self, state, input_id="tail.tail"):
        """The offset saved for the one file followed by the input `input_id`, 0 before its
        first save (`<dev> <ino> <fingerprint length> <fingerprint hex> <offset>` lines after
        the header, see docs/plugins/tail.md)."""
        path = os.path.join(state, input_id, "checkpoint")
        if not os.path.exists(path):
            return 0  # killed before its first save
        with open(path) as f:
            lines = f.read().split("\n")
        self.assertEqual(lines[0], "logagent-tail 1")
        entries = [l.split() for l in lines[1:] if l]
        self.assertEqual(len(entries), 1, lines)
        return int(entries[0][4])

    def wait_for_checkpoint(self, agent=None):
        """The input saves the positions of the files it found at once: then it has scanned."""
        def found():
            return any("checkpoint" in files for _, _, files in os.walk(self.path("state")))
        self.wait_until(found, "a checkpoint", agent=agent)

    def terminate(self, agent, timeout=30):
        agent.send_signal(signal.SIGTERM)
        return agent.wait(timeout=timeout)
