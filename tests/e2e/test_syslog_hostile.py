"""The syslog input against malformed and hostile clients over real sockets: garbage lines,
messages at and past max_message_size, repeated structured data names, absurd and bad octet
counts, frames cut by a disconnect, a thousand connections, running out of descriptors,
silent connections, a UDP flood, a full pipeline and SIGTERM with a client connected.
Whatever comes in, the agent keeps running, delivers what arrived (marked when it is not a
message) and exits 0."""
import random
import select
import socket
import threading
import time
import unittest

from syslog_client_support import DEADLINE_S, SyslogClientCase, now_us, priority_fields, udp_socket_queue

MAX = 4096  # max_message_size = "4KiB" in these tests


def frame(message):
    """An RFC 6587 octet-counted frame."""
    return b"%d %s" % (len(message), message)


def rfc5424(message, hostname="host", app_name="app", **fields):
    """The fields of a "<13>1 - host app - - - MESSAGE" the input parsed."""
    return {"message": message, **priority_fields(13), "version": 1, "hostname": hostname, "app_name": app_name,
            **fields}


def without_time(event):
    return {k: v for k, v in event.items() if k != "@timestamp"}


def shortened(events):
    """Events with long strings cut, for a failure message one can read."""
    return [{k: (f"{v[:60]}... ({len(v)} characters)" if isinstance(v, str) and len(v) > 80 else v)
             for k, v in e.items()} for e in events]


def from_other(events):
    """The events sent by the client whose messages name the host "other"."""
    return [without_time(e) for e in events if e.get("hostname") == "other"]


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE_S)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def closed_by_peer(sock, timeout):
    """True when the agent closed `sock` (end of stream or reset) within `timeout` seconds."""
    poller = select.poll()  # not select(): a thousand sockets have descriptors past FD_SETSIZE
    poller.register(sock, select.POLLIN)
    if not poller.poll(timeout * 1000):
        return False
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


class SyslogHostile(SyslogClientCase):
    def test_garbage_lines_are_kept_whole_and_marked_and_a_valid_message_after_them_is_parsed(self):
        agent = self.start_syslog(max_message_size="4KiB")
        rng = random.Random(20261201)
        # Starts with a byte that is neither a digit (octet counting) nor "<" (a priority).
        binary = b"\x80" + bytes(b for b in rng.randbytes(1000) if b not in b"\r\n")
        nuls = b"\x00\x00 NUL \x00 bytes \x00"
        invalid_utf8 = b"caf\xc3\xa9 \xff \xe2\x82A \xed\xa0\x80 invalid UTF-8"
        huge = b"A" * (1 << 20)
        valid = (b'<165>1 2026-12-01T10:00:00.123456+02:00 host.example app 42 ID47 '
                 b'[exampleSDID@32473 iut="3" eventSource="App"] after the garbage')
        sent = [binary, nuls, invalid_utf8, b"<999> a priority out of range",
                b"<13>1 - host app - - - bad \xff UTF-8 in a parsed message", huge, valid]
        start = now_us()
        with connect(agent.ports["tcp"]) as s:
            s.sendall(b"".join(line + b"\n" for line in sent))
            events = agent.wait_events(len(sent))
        end = now_us()
        self.assertEqual(len(events), len(sent), events)
        expected = [
            {"message": binary.decode("utf-8", "replace"), "_error": "syslog: no priority"},
            {"message": "\x00\x00 NUL \x00 bytes \x00", "_error": "syslog: no priority"},
            {"message": "café \ufffd \ufffdA \ufffd\ufffd\ufffd invalid UTF-8", "_error": "syslog: no priority"},
            {"message": "<999> a priority out of range", "_error": "syslog: bad priority"},
            rfc5424("bad \ufffd UTF-8 in a parsed message"),
            {"message": "A" * MAX, "truncated": True, "_error": "syslog: no priority"},
            {"message": "after the garbage", **priority_fields(165), "version": 1, "hostname": "host.example",
             "app_name": "app", "procid": "42", "msgid": "ID47",
             "structured_data": {"exampleSDID@32473": {"iut": "3", "eventSource": "App"}}},
        ]
        for event, want in zip(events, expected):
            self.assert_fields(event, want)
        for event in events[:-1]:
            self.assert_received_between(event, start, end)
        self.assertEqual(events[-1]["@timestamp"], "2026-12-01T08:00:00.123456Z")

        events, counters, err = self.assert_stopped_cleanly(agent)
        self.assertEqual(len(events), len(sent))
        self.assertEqual({k: counters.get(k) for k in ("messages", "truncated", "parse_errors", "dropped",
                                                       "connections", "refused_connections", "idle_closed")},
                         {"messages": 7, "truncated": 1, "parse_errors": 5, "dropped": 0, "connections": 1,
                          "refused_connections": 0, "idle_closed": 0}, err[-2000:])

    def test_a_message_of_exactly_max_message_size_is_whole_and_one_byte_more_is_truncated(self):
        agent = self.start_syslog(max_message_size="4KiB")
        head = b"<13>1 - host app - - - "

        def sized(fill, size):
            return head + fill * (size - len(head))

        with connect(agent.ports["tcp"]) as lines:
            lines.sendall(sized(b"a", MAX) + b"\n" + sized(b"b", MAX + 1) + b"\n")
        with connect(agent.ports["tcp"]) as frames:
            frames.sendall(frame(sized(b"c", MAX)) + frame(sized(b"d", MAX + 1)) + frame(head + b"e after"))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            for message in (sized(b"f", MAX), sized(b"g", MAX + 1)):
                udp.sendto(message, ("127.0.0.1", agent.ports["udp"]))
        events = sorted(agent.wait_events(7), key=lambda e: e["message"])
        fill = MAX - len(head)
        self.assertEqual([without_time(e) for e in events], [
            rfc5424("a" * fill), {**rfc5424("b" * fill), "truncated": True},
            rfc5424("c" * fill), {**rfc5424("d" * fill), "truncated": True}, rfc5424("e after"),
            rfc5424("f" * fill), {**rfc5424("g" * fill), "truncated": True}])

        events, counters, err = self.assert_stopped_cleanly(agent)
        self.assertEqual(len(events), 7)
        self.assertEqual({k: counters.get(k) for k in ("messages", "truncated", "parse_errors")},
                         {"messages": 7, "truncated": 3, "parse_errors": 0}, err[-2000:])

    def test_repeated_structured_data_names_are_not_written_as_a_json_key_twice(self):
        # RFC 5424 lets a PARAM-NAME repeat inside an element (6.3.3) and forbids a repeated
        # SD-ID (6.3.2); either way `structured_data` is a map of maps, and JSON parsers
        # disagree on a key written twice (load_event fails on one).
        agent = self.start_syslog()
        with connect(agent.ports["tcp"]) as s:
            s.sendall(b'<13>1 - host app - - [a@1 x="1" x="2"] repeated name\n'
                      b'<13>1 - host app - - [a@1 x="1"][a@1 y="2"] repeated id\n')
            events = agent.wait_events(2)
        self.assertEqual(len(events), 2, events)
        self.assertEqual({k: v for k, v in without_time(events[0]).items() if k != "structured_data"},
                         rfc5424("repeated name"))
        self.assertEqual(list(events[0]["structured_data"]), ["a@1"])
        self.assertEqual(list(events[0]["structured_data"]["a@1"]), ["x"])
        # A repeated SD-ID may be read or refused as bad structured data; it is kept either way.
        self.assertIn(events[1]["message"], ["repeated id", '<13>1 - host app - - [a@1 x="1"][a@1 y="2"] repeated id'])
        rc, _, err, _ = agent.stop()
        self.assertEqual(rc, 0, err[-2000:])

    def test_an_octet_count_of_999999999_does_not_grow_memory_and_other_clients_are_served(self):
        agent = self.start_syslog(max_message_size="4KiB")
        vm_before = agent.status("VmSize")
        peak = [agent.status("VmRSS"), vm_before]
        sampling = threading.Event()

        def sample():
            while not sampling.is_set() and agent.alive():
                try:
                    peak[0] = max(peak[0], agent.status("VmRSS"))
                    peak[1] = max(peak[1], agent.status("VmSize"))
                except (OSError, AssertionError):
                    return
                time.sleep(0.01)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            head = b"<13>1 - host app - - - the start of a frame that never ends "
            huge = connect(agent.ports["tcp"])
            huge.sendall(b"999999999 " + head)
            time.sleep(0.3)
            # Another client is served while the frame is open.
            with connect(agent.ports["tcp"]) as other:
                other.sendall(b"<13>1 - other app - - - served while the frame is open\n")
                self.assertEqual(from_other(agent.wait_until(lambda events: len(from_other(events)) >= 1)),
                                 [rfc5424("served while the frame is open", hostname="other")])
                # 64 MiB more of the frame: far more than socket buffers hold, so the agent
                # read (and discarded) most of it when sendall returns.
                filler = b"x" * 65536
                for _ in range(1024):
                    huge.sendall(filler)
                other.sendall(b"<13>1 - other app - - - served after 64 MiB of one frame\n")
                self.assertEqual(from_other(agent.wait_until(lambda events: len(from_other(events)) >= 2)),
                                 [rfc5424("served while the frame is open", hostname="other"),
                                  rfc5424("served after 64 MiB of one frame", hostname="other")])
                huge.close()
                events = agent.wait_events(3)
        finally:
            sampling.set()
            sampler.join()
            huge.close()
        self.assertLess(peak[0], 100 * 1024, "VmRSS in kB")
        self.assertLess(peak[1] - vm_before, 512 * 1024, "VmSize growth in kB: 999999999 bytes were reserved")
        # The frame is delivered once its first max_message_size bytes are in, parsed and
        # marked truncated; the rest is skipped as it comes, and the close changes nothing.
        cut = [without_time(e) for e in events if e.get("hostname") != "other"]
        start = (head + b"x" * MAX)[:MAX].decode()
        self.assertEqual(cut, [rfc5424(start[len("<13>1 - host app - - - "):], truncated=True)], shortened(cut))

        events, counters, err = self.assert_stopped_cleanly(agent)
        self.assertEqual(len(events), 3)
        self.assertEqual({k: counters.get(k) for k in ("messages", "truncated", "connections")},
                         {"messages": 3, "truncated": 1, "connections": 2}, err[-2000:])

    def test_an_octet_count_of_999999999_then_a_few_bytes_and_a_close_delivers_them_marked(self):
        agent = self.start_syslog(max_message_size="4KiB")
        with connect(agent.ports["tcp"]) as s:
            s.sendall(b"999999999 <13>1 - host app - - - only this arrived")
        events = agent.wait_events(1)
        # Fewer bytes than max_message_size arrived: all of them are kept, none was cut off.
        self.assertEqual([without_time(e) for e in events],
                         [{"message": "<13>1 - host app - - - only this arrived",
                           "_error": "syslog: connection closed inside a frame"}])

        events, counters, err = self.assert_stopped_cleanly(agent)
        self.assertEqual(len(events), 1)
        self.assertEqual({k: counters.get(k) for k in ("messages", "truncated", "parse_errors", "connections")},
                         {"messages": 1, "truncated": 0, "parse_errors": 1, "connections": 1}, err[-2000:])

    def test_a_frame_without_a_valid_octet_count_is_read_to_the_newline_and_marked(self):
        agent = self.start_syslog(max_message_size="4KiB")
        with connect(agent.ports["tcp"]) as s:
            s.sendall(frame(b"<13>1 - host app - - - first")
                      + b"12x <13>1 - host app - - - bad count\n"
                      + frame(b"<13>1 - host app - - - after a bad count\nwith a newline inside")
                      + b"not a count at all\n")
            for byte in frame(b"<13>1 - host app - - - sent byte by byte"):
                s.sendall(bytes([byte]))
                time.sleep(0.002)
            events = agent.wait_events(5)
        self.assertEqual(len(events), 5, events)
        expected = [
            rfc5424("first"),
            {"message": "12x <13>1 - host app - - - bad count", "_error": "syslog: bad octet count"},
            rfc5424("after a bad count\nwith a newline inside"),
            {"message": "not a count at all", "_error": "syslog: bad octet count"},
            rfc5424("sent byte by byte"),
        ]
        for event, want in zip(events, expected):
            self.assert_fields(event, want)

        events, counters, err = self.assert_stopped_cleanly(agent)
        self.assertEqual(len(events), 5)
        self.assertEqual({k: counters.get(k) for k in ("messages", "truncated", "parse_errors", "connections")},
                         {"messages": 5, "truncated": 0, "parse_errors": 2, "connections": 1}, err[-2000:])

    def test_a_connection_closed_inside_a_frame_delivers_what_arrived_marked(self):
        agent = self.start_syslog(max_message_size="4KiB")
        with connect(agent.ports["tcp"]) as s:
            s.sendall(frame(b"<13>1 - host app - - - complete") + b"60 <13>1 - host app - - - cut")
        events = agent.wait_events(2)
        self.assertEqual(len(events), 2, events)
        self.assert_fields(events[0], rfc5424("complete"))
        self.assert_fields(events[1], {"message": "<13>1 - host app - - - cut",
                                       "_error": "syslog: connection closed inside a frame"})
        # A connection closed right after a whole frame has nothing more to deliver.
        with connect(agent.ports["tcp"]) as s:
            s.sendall(frame(b"<13>1 - host app - - - whole"))
        events = agent.wait_events(3)
        self.assertEqual(len(events), 3, events)
        self.assert_fields(events[2], rfc5424("whole"))

        events, counters, err = self.assert_stopped_cleanly(agent)
        self.assertEqual(len(events), 3, events)
        self.assertEqual({k: counters.get(k) for k in ("messages", "truncated", "parse_errors", "connections")},
                         {"messages": 3, "truncated": 0, "parse_errors": 1, "connections": 2}, err[-2000:])

    def test_connections_over_max_connections_are_refused_and_the_agent_keeps_serving(self):
        agent = self.start_syslog(max_connections=50)
        socks = [connect(agent.ports["tcp"]) for _ in range(1000)]
        try:
            poller = select.poll()
            for s in socks:
                poller.register(s, select.POLLIN)
            by_fd = {s.fileno(): s for s in socks}
            closed = set()
            deadline = time.monotonic() + DEADLINE_S
            while len(closed) < 950 and time.monotonic() < deadline:
                for fd, _ in poller.poll(100):
                    if fd not in closed and closed_by_peer(by_fd[fd], 0):
                        closed.add(fd)
                        poller.unregister(fd)
            # And no more than those: the 50 accepted stay open.
            for fd, _ in poller.poll(500):
                if closed_by_peer(by_fd[fd], 0):
                    closed.add(fd)
            self.assertEqual(len(closed), 950)
            self.assertTrue(agent.alive(), agent.err_text()[-2000:])
            served = [s for s in socks if s.fileno() not in closed]
            for i, s in enumerate(served):
                s.sendall(b"<13>1 - host app - - - served %d\n" % i)
            events = agent.wait_events(50)
            self.assertEqual(sorted(e["message"] for e in events), sorted(f"served {i}" for i in range(50)))
        finally:
            for s in socks:
                s.close()
        # Once they are gone (the agent saw them close), a new connection is served.
        time.sleep(0.5)
        with connect(agent.ports["tcp"]) as fresh:
            fresh.sendall(b"<13>1 - host app - - - fresh\n")
            events = agent.wait_events(51)
        self.assertEqual(len(events), 51, events[50:])
        self.assert_fields(events[50], rfc5424("fresh"))

        events, counters, err = self.assert_stopped_cleanly(agent)
        self.assertEqual(len(events), 51)
        self.assertEqual(counters.get("refused_connections"), 950, err[-2000:])
        self.assertEqual(counters.get("messages"), 51, err[-2000:])

    def test_out_of_file_descriptors_connections_are_closed_at_once_and_the_agent_keeps_serving(self):
        agent = self.start_syslog(open_files=64)
        # One message delivered (and acknowledged) before the descriptors run out: under
        # UndefinedBehaviorSanitizer, the first call through a plugin's vtable makes the
        # sanitizer check the type, with a pipe of its own, which it cannot open then.
        with connect(agent.ports["tcp"]) as first:
            first.sendall(b"<13>1 - host app - - - before\n")
            agent.wait_events(1)
        time.sleep(0.3)
        socks = [connect(agent.ports["tcp"]) for _ in range(200)]
        try:
            # Each connection is either taken or closed at once; wait until that settles.
            closed = set()
            settled_at = time.monotonic()
            deadline = settled_at + DEADLINE_S
            while time.monotonic() - settled_at < 1.0 and time.monotonic() < deadline:
                for s in socks:
                    if s.fileno() not in closed and closed_by_peer(s, 0):
                        closed.add(s.fileno())
                        settled_at = time.monotonic()
                time.sleep(0.05)
            self.assertTrue(agent.alive(), agent.err_text()[-2000:])
            self.assertGreater(len(closed), 0, "64 descriptors held 200 connections")
            served = [s for s in socks if s.fileno() not in closed]
            self.assertGreater(len(served), 0)
            for i, s in enumerate(served):
                s.sendall(b"<13>1 - host app - - - served %d\n" % i)
            events = agent.wait_events(1 + len(served))
            self.assertEqual(sorted(e["message"] for e in events),
                             sorted(["before"] + [f"served {i}" for i in range(len(served))]))
        finally:
            for s in socks:
                s.close()
        time.sleep(0.5)
        with connect(agent.ports["tcp"]) as fresh:
            fresh.sendall(b"<13>1 - host app - - - fresh\n")
            events = agent.wait_events(len(served) + 2)
        self.assertEqual(len(events), len(served) + 2, events[len(served) + 1:])
        self.assert_fields(events[-1], rfc5424("fresh"))

        events, counters, err = self.assert_stopped_cleanly(agent)
        self.assertEqual(len(events), len(served) + 2)
        self.assertEqual({k: counters.get(k) for k in ("refused_connections", "connections", "messages")},
                         {"refused_connections": len(closed), "connections": len(served) + 2,
                          "messages": len(served) + 2}, err[-2000:])

    def test_a_silent_connection_is_closed_after_idle_timeout_and_a_talking_one_is_not(self):
        agent = self.start_syslog(idle_timeout="300ms")
        silent = connect(agent.ports["tcp"])
        opened = time.monotonic()
        talking = connect(agent.ports["tcp"])
        closed_after = None
        try:
            # 1.2 s of messages 100 ms apart on one connection, never silent for 300 ms.
            for i in range(12):
                talking.sendall(b"<13>1 - host app - - - still here %d\n" % i)
                until = time.monotonic() + 0.1
                while (left := until - time.monotonic()) > 0:
                    if closed_after is None and closed_by_peer(silent, left):
                        closed_after = time.monotonic() - opened
                    elif closed_after is not None:
                        time.sleep(left)
            if closed_after is None and closed_by_peer(silent, max(0.0, opened + 2.0 - time.monotonic())):
                closed_after = time.monotonic() - opened
            self.assertIsNotNone(closed_after, "the silent connection was not closed within 2 s")
            self.assertGreaterEqual(closed_after, 0.29)
            self.assertLess(closed_after, 2.0)
            self.assertFalse(closed_by_peer(talking, 0), "a connection that talks was closed")
        finally:
            silent.close()
            talking.close()
        events = agent.wait_events(12)
        self.assertEqual([e["message"] for e in events], [f"still here {i}" for i in range(12)])

        events, counters, err = self.assert_stopped_cleanly(agent)
        self.assertEqual(len(events), 12)
        self.assertEqual({k: counters.get(k) for k in ("idle_closed", "connections")},
                         {"idle_closed": 1, "connections": 2}, err[-2000:])

    def test_a_udp_flood_with_oversized_datagrams_is_survived_and_a_steady_stream_arrives_whole(self):
        agent = self.start_syslog(max_message_size="4KiB")
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(udp.close)
        address = ("127.0.0.1", agent.ports["udp"])

        def datagram(kind, i):
            head = b"<134>1 2026-12-01T10:00:00.%06dZ host app - - - " % i
            text = b"%s %d" % (kind, i)
            return head, (text + b" " + b"y" * 8000 if i % 10 == 3 else text)

        def expected(head, text):
            kept = (head + text)[:MAX][len(head):]
            want = {"message": kept.decode(), **priority_fields(134), "version": 1, "hostname": "host",
                    "app_name": "app"}
            if len(head + text) > MAX:
                want["truncated"] = True
            return want

        # As fast as this process can send: the kernel or the agent may drop some.
        flood = [datagram(b"flood", i) for i in range(20000)]
        for head, text in flood:
            udp.sendto(head + text, address)
        events = agent.quiet_events()
        self.assertTrue(agent.alive(), agent.err_text()[-2000:])
        flooded = len(events)
        seen = set()
        for e in events:
            kind, number = e["message"].split(" ")[:2]
            self.assertEqual(kind, "flood", e)
            i = int(number)
            self.assertNotIn(i, seen, "delivered twice")
            seen.add(i)
            self.assert_fields(e, expected(*flood[i]))
            self.assertEqual(e["@timestamp"], "2026-12-01T10:00:00.%06dZ" % i)

        # Then in bursts the socket buffer holds, each waited for: every one arrives, in order.
        steady = [datagram(b"steady", i) for i in range(500)]
        for burst in range(0, len(steady), 25):
            for head, text in steady[burst:burst + 25]:
                udp.sendto(head + text, address)
            events = agent.wait_events(flooded + burst + 25)
        self.assertEqual(len(events), flooded + len(steady))
        for i, (e, (head, text)) in enumerate(zip(events[flooded:], steady)):
            self.assert_fields(e, expected(head, text))
            self.assertEqual(e["@timestamp"], "2026-12-01T10:00:00.%06dZ" % i)

        events, counters, err = self.assert_stopped_cleanly(agent)
        self.assertEqual(len(events), flooded + len(steady))
        truncated = sum(1 for e in events if e.get("truncated"))
        self.assertEqual(truncated, sum(1 for i in seen if i % 10 == 3) + len(steady) // 10)
        self.assertEqual(counters.get("messages"), len(events), err[-2000:])
        self.assertLessEqual(counters["messages"] + counters["dropped"], len(flood) + len(steady), err[-2000:])
        if counters["dropped"] == 0:
            self.assertEqual(counters.get("truncated"), truncated, err[-2000:])
        else:
            self.assertGreaterEqual(counters.get("truncated"), truncated, err[-2000:])

    def test_udp_datagrams_the_full_pipeline_cannot_take_are_counted_as_dropped(self):
        # A small queue and a reader of stdout that stops: the pipeline fills, and UDP, which
        # cannot push back, goes on reading and counts what it cannot hand on.
        agent = self.start_syslog(service={"queue_max_bytes": "64KiB"})
        port = agent.ports["udp"]
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(udp.close)
        sent = [b"<134>1 2026-12-01T10:00:00.%06dZ host app - - - while full %d" % (i, i) for i in range(3000)]
        agent.pause_reading()
        for burst in range(0, len(sent), 50):
            for datagram in sent[burst:burst + 50]:
                udp.sendto(datagram, ("127.0.0.1", port))
            time.sleep(0.01)
        deadline = time.monotonic() + DEADLINE_S
        while udp_socket_queue(port)[1] != 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        kernel_drops, waiting = udp_socket_queue(port)
        self.assertEqual(waiting, 0, "the agent stopped reading its socket")
        agent.resume_reading()
        events = agent.quiet_events()
        # Once the pipeline drains, every datagram arrives again.
        after = [b"<134>1 2026-12-01T10:00:01.%06dZ host app - - - after %d" % (i, i) for i in range(100)]
        for datagram in after:
            udp.sendto(datagram, ("127.0.0.1", port))
            time.sleep(0.001)
        events = agent.wait_events(len(events) + len(after))

        events, counters, err = self.assert_stopped_cleanly(agent)
        delivered = [int(e["message"].rsplit(" ", 1)[1]) for e in events if e["message"].startswith("while full ")]
        self.assertEqual(delivered, sorted(set(delivered)), "once each, in order")
        for e in events[:len(delivered)]:
            i = int(e["message"].rsplit(" ", 1)[1])
            self.assert_fields(e, {"message": f"while full {i}", **priority_fields(134), "version": 1,
                                   "hostname": "host", "app_name": "app"})
            self.assertEqual(e["@timestamp"], "2026-12-01T10:00:00.%06dZ" % i)
        self.assertEqual([e["message"] for e in events[len(delivered):]], [f"after {i}" for i in range(100)])
        self.assertGreater(counters.get("dropped"), 0, err[-2000:])
        self.assertEqual(counters.get("messages"), len(events), err[-2000:])
        # Every datagram that reached the socket was either delivered or counted as dropped.
        self.assertEqual(counters["messages"] + counters["dropped"], len(sent) + len(after) - kernel_drops,
                         (kernel_drops, err[-2000:]))

    def test_sigterm_delivers_everything_connected_clients_sent_and_exits_0(self):
        agent = self.start_syslog()
        lines = [b"<13>1 - lines app - - - before the signal %d" % i for i in range(2000)]
        frames = [b"<13>1 - frames app - - - before the signal %d" % i for i in range(2000)]
        with connect(agent.ports["tcp"]) as by_line, connect(agent.ports["tcp"]) as by_frame:
            by_line.sendall(b"".join(m + b"\n" for m in lines))
            by_frame.sendall(b"".join(frame(m) for m in frames))
            # The clients stay connected and silent: the agent reads what they sent, then goes.
            rc, events, err, took = agent.stop()
            self.assertTrue(closed_by_peer(by_line, 0))
            self.assertTrue(closed_by_peer(by_frame, 0))
        self.assertEqual(rc, 0, err[-2000:])
        for host in ("lines", "frames"):
            mine = [without_time(e) for e in events if e.get("hostname") == host]
            self.assertEqual(mine, [rfc5424(f"before the signal {i}", hostname=host) for i in range(2000)])
        self.assertEqual(len(events), 4000)
        self.assertLess(took, 10, "read until quiet (at most 3 s) after the signal, then drained")

    def test_sigterm_with_a_client_that_keeps_sending_reads_at_most_three_seconds_and_exits_0(self):
        agent = self.start_syslog()
        s = connect(agent.ports["tcp"])
        self.addCleanup(s.close)
        sent = []
        stop_sending = threading.Event()

        def keep_sending():
            try:
                while not stop_sending.is_set():
                    message = b"<13>1 - host app - - - ongoing %d" % len(sent)
                    s.sendall(message + b"\n")
                    sent.append(message)
                    time.sleep(0.02)
            except OSError:
                pass  # the agent closed the connection

        sender = threading.Thread(target=keep_sending)
        sender.start()
        try:
            agent.wait_events(20)
            before_signal = len(sent)
            rc, events, err, took = agent.stop()
        finally:
            stop_sending.set()
            sender.join()
        self.assertEqual(rc, 0, err[-2000:])
        self.assertLess(took, 10)
        messages = [e["message"] for e in events]
        # What was sent before the signal, and then a prefix of the rest, in order, once each.
        self.assertGreaterEqual(len(messages), before_signal)
        self.assertEqual(messages, [f"ongoing {i}" for i in range(len(messages))])
        # Not read for ever: at most 3 s of messages 20 ms apart came after the signal.
        self.assertLessEqual(len(messages) - before_signal, 3.0 / 0.02 + 5)


if __name__ == "__main__":
    unittest.main()
