"""For the tests that talk to the syslog input as clients (or through rsyslog): an agent with a
syslog input and a stdout json output, whose stdout a test can stop reading; its listening
ports, its events read strictly, its shutdown report, its memory and descriptor limit."""
import datetime
import json
import os
import re
import resource
import signal
import subprocess
import threading
import time

from agent import AgentTestCase

DEADLINE_S = 30
LABEL = 'inputs[0] (type "syslog")'
LISTENING = re.compile(r"listening on (tcp|udp)://127\.0\.0\.1:(\d+)")

FACILITIES = ["kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
              "ntp", "audit", "alert", "clock", "local0", "local1", "local2", "local3", "local4", "local5", "local6",
              "local7"]
SEVERITIES = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value)


def priority_fields(priority):
    """facility, facility_code, severity and severity_code of `priority`, as the input writes them."""
    return {"facility": FACILITIES[priority // 8], "facility_code": priority // 8,
            "severity": SEVERITIES[priority % 8], "severity_code": priority % 8}


def now_us():
    return time.time_ns() // 1000


def timestamp_us(text):
    """Microseconds since the epoch of an @timestamp ("2026-12-01T10:00:00.123456Z")."""
    t = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return (int(t.timestamp()) * 1_000_000) + t.microsecond


def load_event(line):
    """One JSON line as a dict; a key written twice in one object fails the test (JSON
    parsers disagree on which value such a key has)."""
    def unique(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise AssertionError(f"a key written twice: {sorted(k for k in keys if keys.count(k) > 1)} in {line[:300]}")
        return dict(pairs)

    return json.loads(line, object_pairs_hook=unique)


def report_counters(err, label=LABEL):
    """The counters (name -> int) of the last report line of `label` in the agent's stderr."""
    lines = [l for l in err.split("\n") if f" {label}: " in l and "=" in l]
    if not lines:
        return {}
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", lines[-1].split(f" {label}: ", 1)[1])}


class SyslogAgent:
    """One agent process: stdout and stderr read by threads as they come, so the agent never
    blocks on a full pipe and a test can wait for a number of events."""

    def __init__(self, case, config, open_files=None):
        self.case = case

        def limit():
            if open_files is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

        self.proc = subprocess.Popen([case.bin(), "run", "-c", config], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=case.env(),
                                     preexec_fn=limit)
        self._cond = threading.Condition()
        self._reading = threading.Event()
        self._reading.set()
        self._out = b""
        self._err = b""
        self._threads = [threading.Thread(target=self._read, args=(self.proc.stdout, "_out"), daemon=True),
                         threading.Thread(target=self._read, args=(self.proc.stderr, "_err"), daemon=True)]
        for t in self._threads:
            t.start()
        self.ports = self._wait_ports()

    def _read(self, pipe, name):
        while True:
            if name == "_out":
                self._reading.wait()
            chunk = os.read(pipe.fileno(), 1 << 20)
            if not chunk:
                pipe.close()
            with self._cond:
                if not chunk:
                    setattr(self, name + "_closed", True)
                    self._cond.notify_all()
                    return
                setattr(self, name, getattr(self, name) + chunk)
                self._cond.notify_all()

    def _wait(self, predicate, timeout=DEADLINE_S):
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0 or (getattr(self, "_err_closed", False) and getattr(self, "_out_closed", False)):
                    return predicate()
                self._cond.wait(min(left, 0.1))
            return True

    def pause_reading(self):
        """Stops reading the agent's stdout (after the read in progress): its output blocks."""
        self._reading.clear()

    def resume_reading(self):
        self._reading.set()

    def err_text(self):
        with self._cond:
            return self._err.decode("utf-8", "replace")

    def _wait_ports(self):
        found = {}

        def listening():
            found.update((kind, int(port)) for kind, port in LISTENING.findall(self._err.decode("utf-8", "replace")))
            return len(found) >= len(self.case.listeners)

        if not self._wait(listening):
            self.proc.kill()
            self.proc.wait()
            self.case.fail("the agent did not say where it listens:\n" + self.err_text())
        return found

    def lines(self):
        with self._cond:
            return self._out.split(b"\n")[:-1]

    def wait_events(self, count, timeout=DEADLINE_S):
        """The events written so far, once there are `count` of them (or at the deadline)."""
        self._wait(lambda: self._out.count(b"\n") >= count, timeout)
        return [load_event(l) for l in self.lines()]

    def wait_until(self, predicate, timeout=DEADLINE_S):
        """The events written so far, once predicate(events) holds (or at the deadline)."""
        self._wait(lambda: predicate([load_event(l) for l in self._out.split(b"\n")[:-1]]), timeout)
        return [load_event(l) for l in self.lines()]

    def quiet_events(self, quiet=0.5, timeout=DEADLINE_S):
        """The events written once nothing new came for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        seen = -1
        while time.monotonic() < deadline:
            with self._cond:
                now = len(self._out)
            if now == seen:
                break
            seen = now
            time.sleep(quiet)
        return [load_event(l) for l in self.lines()]

    def status(self, key):
        """A value in kB from /proc/PID/status (VmRSS, VmSize)."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        raise AssertionError(f"no {key} in /proc/{self.proc.pid}/status")

    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=DEADLINE_S):
        """SIGTERM, then (exit status, events, stderr text, seconds the exit took)."""
        start = time.monotonic()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        took = time.monotonic() - start
        for t in self._threads:
            t.join(timeout=10)
        return self.proc.returncode, [load_event(l) for l in self.lines()], self.err_text(), took

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def udp_socket_queue(port):
    """(datagrams the kernel dropped, bytes waiting) of the UDP socket bound to 127.0.0.1:port,
    from /proc/net/udp."""
    local = "0100007F:%04X" % port
    with open("/proc/net/udp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1] == local:
                return int(fields[-1]), int(fields[4].split(":")[1], 16)
    raise AssertionError(f"no UDP socket on 127.0.0.1:{port} in /proc/net/udp")


class SyslogClientCase(AgentTestCase):
    """A test whose agent runs a syslog input into a stdout json output."""

    listeners = ("tcp://127.0.0.1:0", "udp://127.0.0.1:0")

    def start_syslog(self, open_files=None, service=None, **options):
        """Starts the agent with these syslog input options (max_message_size = "4KiB" ...);
        `open_files`: its limit of open file descriptors; `service`: [service] options."""
        lines = ["[service]", f"state_dir = {json.dumps(self.path('state'))}"]
        lines += [f"{k} = {toml_value(v)}" for k, v in (service or {}).items()]
        lines += ["",
                 "[[inputs]]", 'type = "syslog"', 'tag = "syslog"', f"listen = {toml_value(list(self.listeners))}"]
        lines += [f"{k} = {toml_value(v)}" for k, v in options.items()]
        lines += ["", "[[outputs]]", 'type = "stdout"', 'match = "*"', ""]
        agent = SyslogAgent(self, self.write_config("\n".join(lines)), open_files)
        self.addCleanup(agent.kill)
        return agent

    def assert_stopped_cleanly(self, agent):
        """Stops the agent; asserts it exited 0; returns (events, counters, stderr)."""
        rc, events, err, _ = agent.stop()
        self.assertEqual(rc, 0, err[-3000:])
        counters = report_counters(err)
        self.assertTrue(counters, "no report line for the syslog input:\n" + err[-3000:])
        return events, counters, err

    def assert_received_between(self, event, start_us, end_us):
        """The event has no time of its own: its @timestamp is the time it was received."""
        t = timestamp_us(event["@timestamp"])
        self.assertTrue(start_us <= t <= end_us, (event, start_us, end_us))

    def assert_fields(self, event, expected):
        """Every field but @timestamp, exactly."""
        self.assertEqual({k: v for k, v in event.items() if k != "@timestamp"}, expected)
