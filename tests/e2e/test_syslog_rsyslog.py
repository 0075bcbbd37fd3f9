"""A real rsyslogd forwarding to the syslog input over TCP: RFC 5424 with newline framing
and with octet counting, and rsyslog's legacy forwarding format. Messages go into rsyslog
from util-linux `logger` and as known text over a socket, and every field the agent writes
is compared with what was sent."""
import os
import shutil
import signal
import socket
import subprocess
import time
import unittest

from syslog_client_support import DEADLINE_S, SyslogClientCase, now_us, priority_fields, timestamp_us

RSYSLOGD = next((p for p in ("/usr/sbin/rsyslogd", shutil.which("rsyslogd")) if p and os.access(p, os.X_OK)), None)
LOGGER = shutil.which("logger")

# rsyslog reads and writes times in its zone; UTC makes what it forwards independent of the host.
ZONE = {"TZ": "UTC"}

# Known text written straight into rsyslog's input: times, nil fields, escapes, a BOM.
RAW = [
    b'<165>1 2026-12-01T10:00:00.123456+02:00 host.example app 42 ID47 [a@1 x="1\\"q"][b@2 y="z"] '
    b'\xef\xbb\xbfwith bom',
    b"<0>1 2026-12-01T10:00:01Z host kernel - - - kernel message",
    b"<191>1 2026-12-01T10:00:02.000001Z h app 1 m - debug local7",
    b"<38>2026-12-01T10:00:03+01:00 somehost sshd[123]: accepted",
]
RAW_TIMES = ["2026-12-01T08:00:00.123456Z", "2026-12-01T10:00:01.000000Z", "2026-12-01T10:00:02.000001Z",
             "2026-12-01T09:00:03.000000Z"]


def free_tcp_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@unittest.skipIf(RSYSLOGD is None, "rsyslogd is not installed (apt-get install rsyslog)")
@unittest.skipIf(LOGGER is None, "logger is not installed (apt-get install util-linux)")
class RsyslogForwarding(SyslogClientCase):
    listeners = ("tcp://127.0.0.1:0",)

    def start_rsyslog(self, agent_port, action_options):
        """rsyslogd in the foreground with its own config, work folder and pid file: one imptcp
        input, whose messages go to one omfwd action to the agent. Returns its input port."""
        work = self.path("rsyslog-work")
        os.mkdir(work)
        port = free_tcp_port()
        options = " ".join(f'{k}="{v}"' for k, v in action_options.items())
        config = self.write_config(f"""
            global(workDirectory="{work}")
            module(load="imptcp")
            input(type="imptcp" address="127.0.0.1" port="{port}" ruleset="forward")
            ruleset(name="forward") {{
              action(type="omfwd" target="127.0.0.1" port="{agent_port}" protocol="tcp" {options})
            }}
            """, name="rsyslog.conf")
        log = open(self.path("rsyslog.log"), "wb")
        self.addCleanup(log.close)
        proc = subprocess.Popen([RSYSLOGD, "-n", "-f", config, "-i", self.path("rsyslog.pid")],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, **ZONE})
        self.addCleanup(self.stop_rsyslog, proc)
        self.rsyslogd = proc
        deadline = time.monotonic() + DEADLINE_S
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    self.fail("rsyslogd did not start listening:\n" + self.rsyslog_log())
                time.sleep(0.05)

    def rsyslog_log(self):
        with open(self.path("rsyslog.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop_rsyslog(self, proc):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=DEADLINE_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def logger(self, port, *args):
        subprocess.run([LOGGER, "--server", "127.0.0.1", "--port", str(port), "--tcp", *args], check=True,
                       env={**os.environ, **ZONE}, timeout=DEADLINE_S)

    def forward(self, **action_options):
        """Sends two messages with logger and RAW over a socket through rsyslog to the agent.
        Returns the agent's events by message, and the time bounds of each logger message."""
        agent = self.start_syslog()
        port = self.start_rsyslog(agent.ports["tcp"], action_options)
        bounds = []
        start = now_us()
        self.logger(port, "--rfc5424=notq", "-p", "local4.notice", "-t", "myapp", "--id=4242", "--msgid", "ID47",
                    "--sd-id", "exampleSDID@32473", "--sd-param", 'iut="3"', "--sd-param", 'eventSource="App"',
                    "hello from logger")
        bounds.append((start, now_us()))
        start = now_us()
        self.logger(port, "--rfc3164", "-p", "user.err", "-t", "bsd", "--id=77", "a bsd one")
        bounds.append((start, now_us()))
        with socket.create_connection(("127.0.0.1", port), timeout=DEADLINE_S) as s:
            s.sendall(b"".join(m + b"\n" for m in RAW))
        count = 2 + len(RAW)
        agent.wait_events(count)
        self.stop_rsyslog(self.rsyslogd)
        events, counters, err = self.assert_stopped_cleanly(agent)
        self.assertEqual(len(events), count, (events, self.rsyslog_log()))
        # rsyslog's action keeps one connection to the agent.
        self.assertEqual({k: counters.get(k) for k in ("messages", "parse_errors", "truncated", "connections")},
                         {"messages": count, "parse_errors": 0, "truncated": 0, "connections": 1}, err[-2000:])
        by_message = {e["message"]: e for e in events}
        self.assertEqual(len(by_message), count, events)
        return by_message, bounds

    def assert_logger_time(self, event, bounds, whole_seconds=False):
        start, end = bounds
        if whole_seconds:  # an RFC 3164 time has none below the second
            start -= start % 1_000_000
            self.assertEqual(timestamp_us(event["@timestamp"]) % 1_000_000, 0, event)
        self.assertTrue(start <= timestamp_us(event["@timestamp"]) <= end, (event, bounds))

    def assert_rfc5424_forwarded(self, **action_options):
        events, bounds = self.forward(template="RSYSLOG_SyslogProtocol23Format", **action_options)
        host = socket.gethostname()
        expected = {
            "hello from logger": {
                **priority_fields(165), "version": 1, "hostname": host, "app_name": "myapp", "procid": "4242",
                "msgid": "ID47", "structured_data": {"exampleSDID@32473": {"iut": "3", "eventSource": "App"}}},
            # rsyslog's MSG of a BSD message keeps the space after "TAG:".
            " a bsd one": {**priority_fields(11), "version": 1, "hostname": host.split(".")[0], "app_name": "bsd",
                           "procid": "77"},
            "with bom": {**priority_fields(165), "version": 1, "hostname": "host.example", "app_name": "app",
                         "procid": "42", "msgid": "ID47", "structured_data": {"a@1": {"x": '1"q'}, "b@2": {"y": "z"}}},
            "kernel message": {**priority_fields(0), "version": 1, "hostname": "host", "app_name": "kernel"},
            "debug local7": {**priority_fields(191), "version": 1, "hostname": "h", "app_name": "app", "procid": "1",
                             "msgid": "m"},
            " accepted": {**priority_fields(38), "version": 1, "hostname": "somehost", "app_name": "sshd",
                          "procid": "123"},
        }
        self.assertEqual(sorted(events), sorted(expected))
        for message, fields in expected.items():
            self.assert_fields(events[message], {"message": message, **fields})
        self.assert_logger_time(events["hello from logger"], bounds[0])
        self.assert_logger_time(events[" a bsd one"], bounds[1], whole_seconds=True)
        for message, time_text in zip(["with bom", "kernel message", "debug local7", " accepted"], RAW_TIMES):
            self.assertEqual(events[message]["@timestamp"], time_text)

    def test_rfc5424_with_newline_framing(self):
        self.assert_rfc5424_forwarded()

    def test_rfc5424_with_octet_counting(self):
        # rsyslog's frames end with the template's newline ("161 <165>1 ... logger\n"): the
        # event is the same as with newline framing.
        self.assert_rfc5424_forwarded(TCP_Framing="octet-counted")

    def test_legacy_forward_format(self):
        events, bounds = self.forward(template="RSYSLOG_ForwardFormat")
        host = socket.gethostname()
        # "<PRI>TIME HOST TAG MSG", TIME in RFC 3339, no version, msgid or structured data.
        expected = {
            "hello from logger": {**priority_fields(165), "hostname": host, "app_name": "myapp", "procid": "4242"},
            "a bsd one": {**priority_fields(11), "hostname": host.split(".")[0], "app_name": "bsd", "procid": "77"},
            # Only RFC 5424 drops a BOM at the start of MSG.
            "\ufeffwith bom": {**priority_fields(165), "hostname": "host.example", "app_name": "app",
                               "procid": "42"},
            "kernel message": {**priority_fields(0), "hostname": "host", "app_name": "kernel"},
            "debug local7": {**priority_fields(191), "hostname": "h", "app_name": "app", "procid": "1"},
            "accepted": {**priority_fields(38), "hostname": "somehost", "app_name": "sshd", "procid": "123"},
        }
        self.assertEqual(sorted(events), sorted(expected))
        for message, fields in expected.items():
            self.assert_fields(events[message], {"message": message, **fields})
        self.assert_logger_time(events["hello from logger"], bounds[0])
        self.assert_logger_time(events["a bsd one"], bounds[1], whole_seconds=True)
        for message, time_text in zip(["\ufeffwith bom", "kernel message", "debug local7", "accepted"], RAW_TIMES):
            self.assertEqual(events[message]["@timestamp"], time_text)


if __name__ == "__main__":
    unittest.main()
