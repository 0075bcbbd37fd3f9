"""The acknowledgement path: outputs answer OK, RETRY, ERROR or PENDING, and the agent
delivers each batch exactly as often as those answers say, acknowledges inputs once per
batch, pushes back on a slow output, and drains on SIGTERM."""
import collections
import re
import fcntl
import os
import select
import signal
import subprocess
import time
import unittest

from agent import AgentTestCase, FIXTURES

FIXTURE_PATH = os.path.join(FIXTURES, "ack") + ":" + os.path.join(FIXTURES, "lines")


def read_record(path):
    """fixture_ack's record: per write call, its status, time and messages."""
    calls = collections.OrderedDict()
    with open(path, "rb") as f:
        for line in f.read().split(b"\n")[:-1]:
            call, status, t, message = line.split(b"\t", 3)
            entry = calls.setdefault(int(call), {"status": status.decode(), "time_ns": int(t), "messages": []})
            entry["messages"].append(message.decode())
    return calls


class AcknowledgementPath(AgentTestCase):
    def stdin_to_fixture_ack(self, lines, output_options, service_options=("batch_max_events = 100",)):
        """Feeds `lines` on stdin to one fixture_ack output configured with the option lines
        given; returns (exit status, stderr, the output's record)."""
        record = self.path("record.tsv")
        indent = "\n" + " " * 12  # the template's own indentation, which dedent removes
        service_options, output_options = indent.join(service_options), indent.join(output_options)
        rc, out, err = self.run_pipeline(f"""
            [service]
            {service_options}

            [[inputs]]
            type = "stdin"

            [[outputs]]
            type = "fixture_ack"
            record_path = "{record}"
            {output_options}
            """, stdin=("\n".join(lines) + "\n").encode(), plugin_path=FIXTURE_PATH)
        return rc, err, read_record(record)

    def check_exactly_as_often_as_answered(self, calls, lines, backoff_ns):
        """Every line ends in exactly one OK or ERROR call; each RETRY call's batch is written
        again later, after at least the backoff, doubled for each further retry."""
        final = collections.Counter()
        for c in calls.values():
            if c["status"] in ("ok", "error"):
                final.update(c["messages"])
        self.assertEqual(set(final), set(lines))
        self.assertTrue(all(n == 1 for n in final.values()), [m for m, n in final.items() if n != 1][:5])

        attempts = collections.defaultdict(list)  # batch content -> [(call, status, time)]
        for number, c in calls.items():
            attempts[tuple(c["messages"])].append((number, c["status"], c["time_ns"]))
        retried = 0
        for batch, tries in attempts.items():
            statuses = [s for _, s, _ in tries]
            self.assertIn(statuses[-1], ("ok", "error"), batch[:3])
            self.assertTrue(all(s == "retry" for s in statuses[:-1]), statuses)
            for k in range(1, len(tries)):
                gap = tries[k][2] - tries[k - 1][2]
                self.assertGreaterEqual(gap, backoff_ns * (2 ** (k - 1)), (batch[:1], k, gap))
                retried += 1
        return retried

    def test_pending_retry_and_error_answers_from_stdin(self):
        record = self.path("record.tsv")
        lines = ["event %05d" % i for i in range(20000)]
        rc, out, err = self.run_pipeline(f"""
            [service]
            batch_max_events = 100

            [[inputs]]
            type = "stdin"

            [[outputs]]
            type = "fixture_ack"
            record_path = "{record}"
            retry_every = 3
            error_every = 5
            complete_delay = "2ms"
            retry_backoff = "20ms"
            """, stdin=("\n".join(lines) + "\n").encode(), plugin_path=FIXTURE_PATH)
        self.assertEqual(rc, 4, err)  # some batches were not delivered
        calls = read_record(record)
        retried = self.check_exactly_as_often_as_answered(calls, lines, backoff_ns=20_000_000)
        self.assertGreater(retried, 0)
        errors = [c for c in calls.values() if c["status"] == "error"]
        self.assertGreater(len(errors), 0)
        failed_events = sum(len(c["messages"]) for c in errors)
        ok_events = sum(len(c["messages"]) for c in calls.values() if c["status"] == "ok")
        self.assertEqual(ok_events + failed_events, len(lines))
        # Counted and logged.
        self.assertIn(f"delivered_events={ok_events} ", err)
        self.assertIn(f"failed_events={failed_events} failed_batches={len(errors)}", err)
        # Logged the 1st, 2nd, 4th, 8th... time: visible, without a line per batch.
        self.assertEqual(err.count("permanent error: a batch of"), len(errors).bit_length())
        self.assertEqual(err.count("retrying a batch of"), retried.bit_length())

    def test_synchronous_answers(self):
        record = self.path("record.tsv")
        lines = ["sync %d" % i for i in range(5000)]
        rc, out, err = self.run_pipeline(f"""
            [service]
            batch_max_events = 64

            [[inputs]]
            type = "stdin"

            [[outputs]]
            type = "fixture_ack"
            record_path = "{record}"
            retry_every = 2
            error_every = 7
            retry_backoff = "1ms"
            """, stdin=("\n".join(lines) + "\n").encode(), plugin_path=FIXTURE_PATH)
        self.assertEqual(rc, 4, err)
        self.check_exactly_as_often_as_answered(read_record(record), lines, backoff_ns=1_000_000)

    def test_retry_limit_turns_into_a_permanent_error(self):
        record = self.path("record.tsv")
        rc, out, err = self.run_pipeline(f"""
            [[inputs]]
            type = "stdin"

            [[outputs]]
            type = "fixture_ack"
            record_path = "{record}"
            retry_every = 1
            retry_backoff = "1ms"
            retry_limit = 3
            """, stdin=b"only line\n", plugin_path=FIXTURE_PATH)
        self.assertEqual(rc, 4, err)
        calls = read_record(record)
        self.assertEqual([c["status"] for c in calls.values()], ["retry"] * 4)
        self.assertIn("giving up on a batch of 1 events tagged \"stdin\" after 3 retries", err)
        self.assertIn("delivered_events=0 delivered_batches=0 retries=3 failed_events=1 failed_batches=1", err)

    def test_inputs_are_acknowledged_once_per_batch_with_the_merged_outcome(self):
        record = self.path("record.tsv")
        acks = self.path("acks.tsv")
        rc, out, err = self.run_pipeline(f"""
            [[inputs]]
            type = "fixture_lines"
            tag = "app"
            count = 1000
            per_batch = 10
            ack_path = "{acks}"

            [[outputs]]
            type = "fixture_ack"
            match = "app"
            record_path = "{record}"
            retry_every = 4
            error_every = 3
            complete_delay = "1ms"
            retry_backoff = "1ms"

            [[outputs]]
            type = "null"
            match = "a*"
            """, plugin_path=FIXTURE_PATH)
        self.assertEqual(rc, 4, err)
        calls = read_record(record)
        outcome = {}
        for c in calls.values():
            if c["status"] in ("ok", "error"):
                first = int(c["messages"][0].split("-")[1])
                outcome[(first - 1) // 10 + 1] = c["status"]
        with open(acks) as f:
            acked = [line.split("\t") for line in f.read().splitlines()]
        cookies = [int(c) for c, _ in acked]
        self.assertEqual(sorted(cookies), list(range(1, 101)))  # each batch once
        for cookie, status in acked:
            self.assertEqual(status, outcome[int(cookie)], cookie)
        self.assertIn("outputs[1] (type \"null\"): delivered_events=1000 ", err)

    def test_one_input_feeds_every_matching_output(self):
        a, b = self.path("a.tsv"), self.path("b.tsv")
        lines = ["fan %d" % i for i in range(3000)]
        rc, out, err = self.run_pipeline(f"""
            [[inputs]]
            type = "stdin"
            tag = "web.access"

            [[outputs]]
            type = "fixture_ack"
            match = "web.*"
            record_path = "{a}"

            [[outputs]]
            type = "fixture_ack"
            match = "*.access"
            record_path = "{b}"
            complete_delay = "1ms"

            [[outputs]]
            type = "fixture_ack"
            match = "db.*"
            record_path = "{self.path('never.tsv')}"
            """, stdin=("\n".join(lines) + "\n").encode(), plugin_path=FIXTURE_PATH)
        self.assertEqual(rc, 0, err)
        for path in (a, b):
            got = [m for c in read_record(path).values() for m in c["messages"]]
            self.assertEqual(got, lines)
        self.assertEqual(os.path.getsize(self.path("never.tsv")), 0)

    def test_retries_after_end_of_input_are_waited_for_past_the_grace_period(self):
        lines = ["late %d" % i for i in range(300)]
        rc, err, calls = self.stdin_to_fixture_ack(
            lines, ['retry_for = "8s"', 'retry_backoff = "100ms"', 'retry_max_backoff = "500ms"'],
            ["batch_max_events = 100", 'grace_period = "1s"'])
        self.assertEqual(rc, 0, err)
        delivered = [m for c in calls.values() if c["status"] == "ok" for m in c["messages"]]
        self.assertEqual(sorted(delivered), sorted(lines))
        retries = [c for c in calls.values() if c["status"] == "retry"]
        first, last_retry = min(c["time_ns"] for c in calls.values()), max(c["time_ns"] for c in retries)
        self.assertGreaterEqual(last_retry - first, 7_000_000_000)  # it really retried for longer than the grace period
        self.assertIn("delivered_events=300 ", err)

    def test_a_permanently_failed_output_stops_the_agent_with_one_line(self):
        lines = ["doomed %d" % i for i in range(20000)]
        rc, err, calls = self.stdin_to_fixture_ack(lines, ["fatal_at_call = 3"])
        self.assertEqual(rc, 4, err)
        self.assertEqual(err.count("fixture_ack was told to fail for good"), 1, err)
        self.assertNotIn("permanent error: a batch of", err)
        self.assertEqual([c["status"] for n, c in sorted(calls.items())][:3], ["ok", "ok", "error"])
        # The agent stopped reading: what it read ended as failed, and it said how much.
        failed = sum(len(c["messages"]) for c in calls.values() if c["status"] == "error")
        self.assertIn(f"failed_events={failed} ", err)
        self.assertIn("delivered_events=200 ", err)

    def test_an_output_that_buffers_is_flushed_when_the_input_ends(self):
        lines = ["held %d" % i for i in range(1000)]
        rc, err, calls = self.stdin_to_fixture_ack(lines, ["hold_until_flush = true"])
        self.assertEqual(rc, 0, err)
        self.assertIn(0, calls)  # the flush line: call 0
        self.assertEqual(calls[0]["status"], "flush")
        written = [m for n, c in calls.items() if n != 0 for m in c["messages"]]
        self.assertEqual(written, lines)
        self.assertIn("delivered_events=1000 delivered_batches=10 ", err)


class InputsAndTheAckPath(AgentTestCase):
    def run_lines(self, queue, count, per_batch, input_options, output_options=""):
        """fixture_lines -> fixture_ack; checks the run succeeded and every batch was
        acknowledged once. Returns (stderr, the messages written in order)."""
        acks, record = self.path("acks.tsv"), self.path("record.tsv")
        rc, out, err = self.run_pipeline(f"""
            [service]
            queue_max_bytes = "{queue}"

            [[inputs]]
            type = "fixture_lines"
            count = {count}
            per_batch = {per_batch}
            ack_path = "{acks}"
            {input_options}

            [[outputs]]
            type = "fixture_ack"
            record_path = "{record}"
            {output_options}
            """, plugin_path=FIXTURE_PATH, timeout=120)
        self.assertEqual(rc, 0, err)
        with open(acks) as f:
            cookies = sorted(int(line.split("\t")[0]) for line in f.read().splitlines())
        self.assertEqual(cookies, list(range(1, count // per_batch + 1)))
        return err, [m for c in read_record(record).values() for m in c["messages"]]

    def test_an_input_taking_one_lock_in_emit_and_ack_does_not_deadlock(self):
        err, messages = self.run_lines("16KiB", 20000, 100, "lock_in_emit_and_ack = true", 'complete_delay = "2ms"')
        self.assertIn("delivered_events=20000 ", err)
        self.assertEqual(messages, ["line-%d" % i for i in range(1, 20001)])

    def test_several_threads_of_one_input_emit_at_once(self):
        err, messages = self.run_lines("32KiB", 10000, 10, "threads = 4")
        self.assertEqual(sorted(messages), sorted("line-%d" % i for i in range(1, 10001)))

    def test_try_emit_leaves_the_batch_with_the_input_when_the_queue_is_full(self):
        err, messages = self.run_lines("4KiB", 3000, 50, "use_try_emit = true", 'complete_delay = "1ms"')
        m = re.search(r"queue_full=(\d+)", err)
        self.assertIsNotNone(m, err)
        self.assertGreater(int(m.group(1)), 0)
        self.assertEqual(messages, ["line-%d" % i for i in range(1, 3001)])


class Backpressure(AgentTestCase):
    def test_stdin_is_not_read_ahead_of_the_queue_limit(self):
        record = self.path("record.tsv")
        config = self.write_config(f"""
            [service]
            queue_max_bytes = "256KiB"
            batch_max_bytes = "64KiB"
            grace_period = "200ms"

            [[inputs]]
            type = "stdin"

            [[outputs]]
            type = "fixture_ack"
            record_path = "{record}"
            complete_delay = "1h"
            """)
        agent = self.start_agent(["run", "-c", config], plugin_path=FIXTURE_PATH)
        fd = agent.stdin.fileno()
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
        chunk = (b"x" * 199 + b"\n") * 512
        written = 0
        stalled_since = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                written += os.write(fd, chunk)
                stalled_since = None
            except BlockingIOError:
                now = time.monotonic()
                stalled_since = stalled_since or now
                if now - stalled_since > 1.5:
                    break
                select.select([], [fd], [], 0.05)
        self.assertIsNotNone(stalled_since, "the agent never stopped reading")
        # Asked now: the stdin input widens its pipe when it starts.
        pipe_capacity = fcntl.fcntl(fd, 1032)  # F_GETPIPE_SZ
        consumed = written - pipe_capacity
        # Held back: what is unacknowledged (the limit, plus the one batch that may pass it),
        # plus the batch being filled and one read.
        self.assertLessEqual(consumed, 256 * 1024 + 2 * 64 * 1024 + 64 * 1024 + 65536)
        self.assertGreater(consumed, 128 * 1024)  # it did read up to the limit
        agent.send_signal(signal.SIGTERM)
        _, err = agent.communicate(timeout=60)
        self.assertEqual(agent.returncode, 3, err.decode())
        self.assertIn("batches not acknowledged", err.decode())


class Batching(AgentTestCase):
    def test_batches_hold_at_most_batch_max_events(self):
        record = self.path("record.tsv")
        lines = [f"line {i}" for i in range(1000)]
        rc, out, err = self.run_pipeline(f"""
            [service]
            batch_max_events = 10

            [[inputs]]
            type = "stdin"

            [[outputs]]
            type = "fixture_ack"
            record_path = "{record}"
            """, stdin="".join(l + "\n" for l in lines).encode(), plugin_path=FIXTURE_PATH)
        self.assertEqual(rc, 0, err)
        calls = read_record(record)
        self.assertEqual([m for c in calls.values() for m in c["messages"]], lines)
        self.assertEqual({len(c["messages"]) for c in calls.values()}, {10})
        self.assertIn("delivered_events=1000 delivered_batches=100 ", err)


class Shutdown(AgentTestCase):
    def test_sigterm_drains_what_was_read_and_exits_zero(self):
        record = self.path("record.tsv")
        config = self.write_config(f"""
            [[inputs]]
            type = "stdin"

            [[outputs]]
            type = "fixture_ack"
            record_path = "{record}"
            complete_delay = "300ms"
            """)
        agent = self.start_agent(["run", "-c", config], plugin_path=FIXTURE_PATH)
        agent.stdin.write(b"first\nsecond\n")
        agent.stdin.flush()
        time.sleep(0.5)
        agent.stdin.write(b"third\n")
        agent.stdin.flush()
        time.sleep(0.2)
        agent.send_signal(signal.SIGTERM)  # stdin stays open: the agent must not wait for EOF
        _, err = agent.communicate(timeout=60)
        self.assertEqual(agent.returncode, 0, err.decode())
        messages = [m for c in read_record(record).values() for m in c["messages"]]
        self.assertEqual(messages, ["first", "second", "third"])
        self.assertIn("received SIGTERM", err.decode())

    def test_an_unfinished_line_at_stop_is_delivered_marked_partial(self):
        config = self.write_config("""
            [[inputs]]
            type = "stdin"

            [[outputs]]
            type = "stdout"
            """)
        agent = self.start_agent(["run", "-c", config])
        agent.stdin.write(b"whole\nhalf a li")
        agent.stdin.flush()
        time.sleep(0.5)
        agent.send_signal(signal.SIGTERM)
        agent.wait(timeout=30)  # stdin stays open: the line is unfinished, not ended by EOF
        out, err = agent.stdout.read(), agent.stderr.read().decode()
        for f in (agent.stdin, agent.stdout, agent.stderr):
            f.close()
        self.assertEqual(agent.returncode, 0, err)
        self.assertEqual(self.json_bodies(out), [b'"message":"whole"', b'"message":"half a li","partial":true'])

    def test_a_stdout_nobody_reads_does_not_hold_the_agent_past_the_grace_period(self):
        config = self.write_config("""
            [service]
            grace_period = "500ms"

            [[inputs]]
            type = "stdin"

            [[outputs]]
            type = "stdout"
            format = "raw"
            """)
        agent = self.start_agent(["run", "-c", config])  # its stdout pipe is never read
        agent.stdin.write(b"x" * 199 + b"\n" * 1)
        chunk = (b"y" * 199 + b"\n") * 5000  # 1 MB: more than the stdout pipe holds
        agent.stdin.write(chunk)
        agent.stdin.flush()
        time.sleep(1)
        agent.send_signal(signal.SIGTERM)
        started = time.monotonic()
        agent.wait(timeout=30)
        self.assertLess(time.monotonic() - started, 10)
        self.assertEqual(agent.returncode, 3)
        err = agent.stderr.read().decode()
        self.assertIn("batches not acknowledged", err)
        agent.stdout.close()
        agent.stdin.close()
        agent.stderr.close()

    def test_a_closed_stdout_is_one_error_and_stops_the_agent(self):
        """`logagent run ... | head -1`: the reader goes away; the agent says so once, stops
        reading its input and exits 4 (events were not delivered)."""
        config = self.write_config("""
            [[inputs]]
            type = "stdin"

            [[outputs]]
            type = "stdout"
            format = "raw"
            """)
        reader_fd, writer_fd = os.pipe()
        agent = subprocess.Popen([self.bin(), "run", "-c", config], stdin=subprocess.PIPE, stdout=writer_fd,
                                 stderr=subprocess.PIPE, env=self.env())
        os.close(writer_fd)
        agent.stdin.write(b"first line\n")
        agent.stdin.flush()
        with os.fdopen(reader_fd, "rb") as reader:
            self.assertEqual(reader.readline(), b"first line\n")
        # The reader is gone; every later write fails with EPIPE. Stdin stays open: the agent
        # must stop by itself, not wait for the end of its input.
        chunk = b"more\n" * 20000
        for _ in range(50):
            try:
                agent.stdin.write(chunk)
                agent.stdin.flush()
            except BrokenPipeError:
                break  # the agent stopped reading and closed its stdin
            if agent.poll() is not None:
                break
            time.sleep(0.02)
        try:
            agent.stdin.close()
        except BrokenPipeError:
            pass
        err = agent.stderr.read().decode()
        agent.wait(timeout=30)
        agent.stderr.close()
        self.assertEqual(agent.returncode, 4, err)
        self.assertEqual(err.count("cannot write to standard output: Broken pipe"), 1, err)
        self.assertNotIn("permanent error: a batch of", err)
        self.assertIn("stopping", err)

    def test_sigint_with_idle_input_exits_promptly(self):
        config = self.write_config("""
            [[inputs]]
            type = "stdin"

            [[outputs]]
            type = "stdout"
            """)
        agent = self.start_agent(["run", "-c", config])
        time.sleep(0.3)
        agent.send_signal(signal.SIGINT)
        out, err = agent.communicate(timeout=30)
        self.assertEqual(agent.returncode, 0, err.decode())
        self.assertEqual(out, b"")

    def test_an_input_that_ignores_stop_does_not_hang_the_agent(self):
        acks = self.path("acks.tsv")
        config = self.write_config(f"""
            [service]
            grace_period = "300ms"

            [[inputs]]
            type = "fixture_lines"
            count = 3
            per_batch = 2
            ack_path = "{acks}"
            ignore_stop = true

            [[outputs]]
            type = "stdout"
            format = "raw"
            """)
        agent = self.start_agent(["run", "-c", config], plugin_path=FIXTURE_PATH)
        time.sleep(0.5)
        agent.send_signal(signal.SIGTERM)
        out, err = agent.communicate(timeout=30)
        self.assertEqual(agent.returncode, 3, err.decode())
        self.assertEqual(out, b"line-1\nline-2\nline-3\n")
        with open(acks) as f:
            self.assertEqual(f.read(), "1\tok\n2\tok\n")
        self.assertIn('inputs[0] (type "fixture_lines"): did not return after being asked to stop; exiting without it',
                      err.decode())
        self.assertNotIn("batches not acknowledged", err.decode())


if __name__ == "__main__":
    unittest.main()
