"""The syslog input with util-linux `logger` as the client: every transport, both formats, every field."""
import calendar
import datetime
import os
import re
import signal
import socket
import subprocess
import time
import unittest

from agent import FIXTURES
from syslog_support import SyslogTestCase, counters

HOSTNAME = socket.gethostname()
ACK_FIXTURE = os.path.join(FIXTURES, "ack")


def epoch(timestamp):
    """Seconds since the epoch of an @timestamp ("2026-12-01T10:00:00.123456Z")."""
    return datetime.datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


class LoggerClient(SyslogTestCase):
    def logger(self, *args, stdin=None):
        subprocess.run(["logger"] + list(args), input=stdin, check=True, timeout=30)

    def remote(self, agent, scheme):
        host, port = agent.host_port(scheme)
        return ["-n", host, "-P", str(port), "-d" if scheme == "udp" else "-T"]

    def check_time(self, event, before, after, whole_seconds=False):
        """The event's time is the message's own: between the moments around the send."""
        t = epoch(event.pop("@timestamp"))
        if whole_seconds:
            self.assertEqual(t, int(t))
            before = int(before)
        self.assertGreaterEqual(t, before - 0.001)
        self.assertLessEqual(t, after + 0.001)

    def rfc5424_fields(self, message, **extra):
        fields = {"message": message, "facility": "local3", "facility_code": 19, "severity": "warning",
                  "severity_code": 4, "version": 1, "hostname": HOSTNAME, "app_name": "app", "procid": "4242"}
        fields.update(extra)
        return fields

    def test_rfc5424_over_udp_tcp_octet_counting_and_ipv6(self):
        agent = self.start(["udp://127.0.0.1:0", "tcp://127.0.0.1:0", "tcp://[::1]:0"])
        sends = [("udp", []), ("tcp", []), ("tcp", ["--octet-count"])]
        before = time.time()
        for i, (scheme, framing) in enumerate(sends):
            self.logger(*self.remote(agent, scheme), *framing, "--rfc5424=notq", "--id=4242", "-p", "local3.warning",
                        "-t", "app", "--msgid", f"ID{i}", f"message {i} over {scheme} {framing}")
        host, port = agent.host_port("tcp")
        v6_port = int(agent.urls[2].rsplit(":", 1)[1])
        self.logger("-n", "::1", "-P", str(v6_port), "-T", "--rfc5424=notq", "--id=4242", "-p", "local3.warning",
                    "-t", "app", "--msgid", "ID3", "message 3 over ipv6")
        agent.wait_for(4)
        after = time.time()
        rc, events, err = agent.stop()
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(events), 4, events)
        events.sort(key=lambda e: e["msgid"])
        for event in events:
            self.check_time(event, before, after)
        self.assertEqual(events, [
            self.rfc5424_fields("message 0 over udp []", msgid="ID0"),
            self.rfc5424_fields("message 1 over tcp []", msgid="ID1"),
            self.rfc5424_fields("message 2 over tcp ['--octet-count']", msgid="ID2"),
            self.rfc5424_fields("message 3 over ipv6", msgid="ID3"),
        ])
        c = counters(err)
        self.assertEqual((c["messages"], c["parse_errors"], c["dropped"], c["connections"]), (4, 0, 0, 3))

    def test_structured_data_becomes_a_map_of_maps(self):
        agent = self.start(["udp://127.0.0.1:0"])
        self.logger(*self.remote(agent, "udp"), "--rfc5424", "--id=4242", "-p", "local3.warning", "-t", "app",
                    "--msgid", "ID47", "--sd-id", "exampleSDID@32473", "--sd-param", 'iut="3"', "--sd-param",
                    'eventSource="Application"', "--sd-id", "quoted@1", "--sd-param", r'q="a \"b\" \]c \\ d"',
                    "with structured data")
        events = agent.wait_for(1)
        rc, events, err = agent.stop()
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(events), 1, events)
        event = events[0]
        del event["@timestamp"]
        sd = event["structured_data"]
        # logger adds its own element about the clock; its values depend on the machine.
        self.assertEqual(set(sd["timeQuality"]), {"tzKnown", "isSynced"} | ({"syncAccuracy"} & set(sd["timeQuality"])))
        self.assertEqual(sd["timeQuality"]["tzKnown"], "1")
        self.assertIn(sd["timeQuality"]["isSynced"], ("0", "1"))
        del sd["timeQuality"]
        self.assertEqual(event, self.rfc5424_fields("with structured data", msgid="ID47", structured_data={
            "exampleSDID@32473": {"iut": "3", "eventSource": "Application"},
            "quoted@1": {"q": 'a "b" ]c \\ d'},
        }))

    def test_rfc3164_over_udp_and_tcp(self):
        agent = self.start(["udp://127.0.0.1:0", "tcp://127.0.0.1:0"])
        before = time.time()
        self.logger(*self.remote(agent, "udp"), "--rfc3164", "--id=4242", "-p", "mail.err", "-t", "postfix/smtpd",
                    "bsd over udp")
        self.logger(*self.remote(agent, "tcp"), "--rfc3164", "--id=4242", "-p", "auth.info", "-t", "sshd",
                    "bsd over tcp")
        agent.wait_for(2)
        after = time.time()
        rc, events, err = agent.stop()
        self.assertEqual(rc, 0, err)
        events.sort(key=lambda e: e["message"])
        for event in events:
            self.check_time(event, before, after, whole_seconds=True)
        self.assertEqual(events, [
            {"message": "bsd over tcp", "facility": "auth", "facility_code": 4, "severity": "info",
             "severity_code": 6, "hostname": HOSTNAME, "app_name": "sshd", "procid": "4242"},
            {"message": "bsd over udp", "facility": "mail", "facility_code": 2, "severity": "err",
             "severity_code": 3, "hostname": HOSTNAME, "app_name": "postfix/smtpd", "procid": "4242"},
        ])

    def test_unix_datagram_and_stream_sockets(self):
        dgram, stream = self.path("log.sock"), self.path("stream.sock")
        agent = self.start([f"unix://{dgram}", f"unix-stream://{stream}"], options='source_field = "peer"')
        self.assertEqual(agent.urls, [f"unix://{dgram}", f"unix-stream://{stream}"])
        before = time.time()
        # What syslog(3) sends to /dev/log: RFC 3164 without a hostname.
        self.logger("--socket", dgram, "-d", "--id=7", "-p", "daemon.notice", "-t", "cron", "local datagram")
        self.logger("--socket", stream, "-T", "--rfc5424=notq", "--id=8", "-p", "daemon.notice", "-t", "cron",
                    "local stream")
        agent.wait_for(2)
        after = time.time()
        rc, events, err = agent.stop()
        self.assertEqual(rc, 0, err)
        events.sort(key=lambda e: e["message"])
        self.check_time(events[0], before, after, whole_seconds=True)
        self.check_time(events[1], before, after)
        self.assertEqual(events, [
            {"message": "local datagram", "peer": dgram, "facility": "daemon", "facility_code": 3,
             "severity": "notice", "severity_code": 5, "app_name": "cron", "procid": "7"},
            {"message": "local stream", "peer": stream, "facility": "daemon", "facility_code": 3,
             "severity": "notice", "severity_code": 5, "version": 1, "hostname": HOSTNAME, "app_name": "cron",
             "procid": "8"},
        ])
        # The socket files go with the agent.
        self.assertFalse(os.path.exists(dgram))
        self.assertFalse(os.path.exists(stream))

    def test_lines_of_one_connection_arrive_in_order(self):
        agent = self.start(["tcp://127.0.0.1:0"], options='source_field = "peer"')
        lines = [f"line {i:05d}" for i in range(20000)]
        # Two connections, one per framing, each with its own tag: their lines may interleave,
        # but each connection's come in the order sent.
        for tag, framing in (("lines", []), ("octets", ["--octet-count"])):
            self.logger(*self.remote(agent, "tcp"), *framing, "--rfc5424=notq", "-t", tag,
                        stdin="\n".join(lines).encode() + b"\n")
        agent.wait_for(40000, timeout=120)
        rc, events, err = agent.stop()
        self.assertEqual(rc, 0, err)
        for tag in ("lines", "octets"):
            self.assertEqual([e["message"] for e in events if e["app_name"] == tag], lines, tag)
        self.assertEqual(len(events), 40000)
        self.assertEqual({(e["peer"], e["severity"]) for e in events}, {("127.0.0.1", "notice")})
        c = counters(err)
        self.assertEqual((c["messages"], c["connections"], c["parse_errors"]), (40000, 2, 0))

    def test_parse_false_keeps_the_message_as_received(self):
        agent = self.start(["udp://127.0.0.1:0"], options="parse = false")
        self.logger(*self.remote(agent, "udp"), "--rfc3164", "--id=9", "-p", "user.info", "-t", "raw", "as sent")
        agent.wait_for(1)
        rc, events, err = agent.stop()
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(events), 1)
        message = events[0]["message"]
        self.assertRegex(message, r"^<14>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d " + HOSTNAME + r" raw\[9\]: as sent$")
        self.assertEqual(set(events[0]), {"@timestamp", "message"})

    def test_a_bom_and_what_senders_end_datagrams_with_are_not_message(self):
        agent = self.start(["udp://127.0.0.1:0"])
        host, port = agent.host_port("udp")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(b"<13>1 - h a - - - \xef\xbb\xbfwith a BOM\n", (host, port))
            s.sendto(b"<13>1 - h a - - - ends with a NUL\x00", (host, port))
            s.sendto(b"<13>1 - h a - - - ends with CR LF\r\n", (host, port))
            s.sendto(b"<13>1 - h a - - - \xff not UTF-8 \xfe", (host, port))
        agent.wait_for(4)
        rc, events, err = agent.stop()
        self.assertEqual(rc, 0, err)
        self.assertEqual(sorted(e["message"] for e in events),
                         ["ends with CR LF", "ends with a NUL", "with a BOM", "\ufffd not UTF-8 \ufffd"])

    def test_what_does_not_parse_is_kept_whole_and_marked(self):
        agent = self.start(["udp://127.0.0.1:0", "tcp://127.0.0.1:0"])
        host, port = agent.host_port("udp")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(b"no priority here\n", (host, port))
            s.sendto(b"<999>bad priority", (host, port))
            s.sendto(b"<13>1 2026-13-45T00:00:00Z h a - - - bad timestamp", (host, port))
        host, port = agent.host_port("tcp")
        with socket.create_connection((host, port)) as s:
            s.sendall(b"<13>1 - h a - - [unclosed sd\n<13>1 - h a - - - fine\n")
        agent.wait_for(5)
        rc, events, err = agent.stop()
        self.assertEqual(rc, 0, err)
        for e in events:
            e.pop("@timestamp")
        events.sort(key=lambda e: e["message"])
        self.assertEqual(events, [
            {"message": "<13>1 - h a - - [unclosed sd", "_error": "syslog: bad structured data"},
            {"message": "<13>1 2026-13-45T00:00:00Z h a - - - bad timestamp", "_error": "syslog: bad timestamp"},
            {"message": "<999>bad priority", "_error": "syslog: bad priority"},
            {"message": "fine", "facility": "user", "facility_code": 1, "severity": "notice", "severity_code": 5,
             "version": 1, "hostname": "h", "app_name": "a"},
            {"message": "no priority here", "_error": "syslog: no priority"},
        ])
        self.assertEqual(counters(err)["parse_errors"], 4)


class Backpressure(SyslogTestCase):
    def test_a_slow_output_holds_tcp_senders_back_and_loses_nothing(self):
        # Each batch takes 50 ms to be delivered and at most 64 KiB may wait, so the 30,000
        # lines take more than a second to deliver. Held back by TCP, the sender can only have
        # finished once most of them were delivered (the kernel's buffers of both sockets hold
        # a few thousand lines); without backpressure it would finish at once, with none.
        record = self.path("record.tsv")
        agent = self.start(["tcp://127.0.0.1:0"], service='queue_max_bytes = "64KiB"\nbatch_max_events = 200',
                           output=f'type = "fixture_ack"\nrecord_path = "{record}"\ncomplete_delay = "50ms"',
                           plugin_path=ACK_FIXTURE)
        host, port = agent.host_port("tcp")
        count = 30000
        stream = b"".join(b"<13>1 - h app - - - line %06d\n" % i for i in range(count))
        with socket.create_connection((host, port)) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
            s.sendall(stream)
        with open(record, "rb") as f:
            delivered_when_sent = f.read().count(b"\n")
        self.assertGreater(delivered_when_sent, count // 2)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with open(record, "rb") as f:
                if f.read().count(b"\n") >= count:
                    break
            time.sleep(0.1)
        rc, _, err = agent.stop()
        self.assertEqual(rc, 0, err)
        with open(record, "rb") as f:
            messages = [line.split(b"\t", 3)[3] for line in f.read().splitlines()]
        self.assertEqual(messages, [b"line %06d" % i for i in range(count)])
        self.assertEqual(counters(err)["dropped"], 0)

    def test_datagrams_that_find_the_pipeline_full_are_counted_as_dropped(self):
        record = self.path("record.tsv")
        agent = self.start(["udp://127.0.0.1:0"], service='queue_max_bytes = "16KiB"\nbatch_max_events = 100',
                           output=f'type = "fixture_ack"\nrecord_path = "{record}"\ncomplete_delay = "200ms"',
                           plugin_path=ACK_FIXTURE)
        host, port = agent.host_port("udp")
        count = 5000
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for i in range(count):
                s.sendto(b"<13>1 - h app - - - datagram %05d" % i, (host, port))
                if i % 50 == 0:
                    time.sleep(0.001)  # slow enough that the kernel's buffer does not overflow
        time.sleep(0.5)
        rc, _, err = agent.stop()
        self.assertEqual(rc, 0, err)
        c = counters(err)
        with open(record, "rb") as f:
            messages = [line.split(b"\t", 3)[3] for line in f.read().splitlines()]
        self.assertGreater(c["dropped"], 0, err)
        # Drops are logged as they happen (at most every 10 s), the count since the last line.
        logged = [int(n) for n in re.findall(r"the pipeline is full: dropped (\d+) datagrams", err)]
        self.assertEqual(sum(logged), c["dropped"], err)
        self.assertEqual(len(messages), c["messages"])
        # What was received and not dropped arrived, intact and in order.
        # Every datagram is accounted for: delivered, dropped by the input for want of room, or
        # dropped by the kernel before the input read it (its receive buffer full: a loaded
        # machine can starve the input's thread for a moment).
        self.assertEqual(c["messages"] + c["dropped"] + c["kernel_dropped"], count, err)
        numbers = [int(m.split(b" ")[1]) for m in messages]
        self.assertEqual(numbers, sorted(numbers))
        self.assertTrue(all(m == b"datagram %05d" % n for m, n in zip(messages, numbers)))


    def overflow_a_stopped_agent(self, count=20000):
        """Sends `count` datagrams to an agent stopped with SIGSTOP, so that its socket's receive
        buffer fills and the kernel drops the rest; returns (agent, host, port, count) once it
        runs again and has had time to read what was kept."""
        agent = self.start(["udp://127.0.0.1:0"], output='type = "null"')
        host, port = agent.host_port("udp")
        agent.proc.send_signal(signal.SIGSTOP)
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                for i in range(count):
                    s.sendto(b"<13>1 - h app - - - datagram %05d" % i, (host, port))
        finally:
            agent.proc.send_signal(signal.SIGCONT)
        time.sleep(0.5)
        return agent, host, port, count

    def test_datagrams_the_kernel_drops_are_counted(self):
        # A stopped agent reads nothing: the socket's receive buffer fills and the kernel drops
        # the rest. The count arrives with the next datagram queued after the drops.
        agent, host, port, count = self.overflow_a_stopped_agent()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(b"<13>1 - h app - - - after the drops", (host, port))
        time.sleep(0.5)
        rc, _, err = agent.stop()
        self.assertEqual(rc, 0, err)
        c = counters(err)
        self.assertGreater(c["kernel_dropped"], 0, err)
        self.assertEqual((c["messages"] + c["kernel_dropped"], c["dropped"]), (count + 1, 0), err)

    def test_kernel_drops_no_later_datagram_reported_are_counted_at_the_stop(self):
        agent, _, _, count = self.overflow_a_stopped_agent()
        rc, _, err = agent.stop()
        self.assertEqual(rc, 0, err)
        c = counters(err)
        self.assertGreater(c["kernel_dropped"], 0, err)
        self.assertEqual((c["messages"] + c["kernel_dropped"], c["dropped"]), (count, 0), err)
        logged = [int(n) for n in re.findall(r"the system dropped (\d+) datagrams before they were read", err)]
        self.assertEqual(sum(logged), c["kernel_dropped"], err)


class Configuration(SyslogTestCase):
    def test_listen_errors_point_at_the_option(self):
        config = self.write_config("""
            [[inputs]]
            type = "syslog"
            listen = ["udp://127.0.0.1:5514", "tcp://::1:601"]
            [[outputs]]
            type = "stdout"
            """)
        rc, out, err = self.run_agent(["check", "-c", config])
        self.assertEqual(rc, 1, err)
        self.assertIn(f"{config}:4:", err)
        self.assertIn('"tcp://::1:601": an IPv6 address is written in brackets: [::1]:PORT', err)

    def test_a_port_taken_fails_the_run_with_the_reason(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            rc, out, err = self.run_pipeline(f"""
                [[inputs]]
                type = "syslog"
                listen = ["tcp://127.0.0.1:{port}"]
                [[outputs]]
                type = "stdout"
                """, timeout=60)
        self.assertNotEqual(rc, 0, err)
        self.assertIn(f"cannot listen on tcp://127.0.0.1:{port}: bind: Address already in use", err)


if __name__ == "__main__":
    unittest.main()
