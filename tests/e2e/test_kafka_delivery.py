"""Delivery by the kafka output against logagent-broker in a process of its own, read back
with kcat: every acks setting, every broker down for 30 s in the middle of a run (with and
without messages timing out meanwhile), permanent failures (a topic the cluster does not
have, a message over message.max.bytes) and kill -9 of the agent with restarts."""
import collections
import os
import signal
import subprocess
import time
import unittest

from kafka_support import KafkaCase, joined, report_counters
from tail_support import Drain, exactly_once_report

STDIN = {"type": "stdin"}
OUTAGE_S = 30


class Acks(KafkaCase):
    def test_acks_0_1_and_all_each_deliver_every_message(self):
        lines = [b"acked %05d " % i + b"a" * (i % 30) for i in range(5000)]
        broker = self.start_broker("--brokers", "3", "--partitions", "3", "--topic", "a0", "--topic", "a1",
                                   "--topic", "aall")
        outputs = [self.kafka(broker, topic="a0", acks=0, format="raw"),
                   self.kafka(broker, topic="a1", acks=1, format="raw"),
                   self.kafka(broker, topic="aall", acks="all", format="raw")]
        rc, _, err = self.run_config(self.write_pipeline([STDIN], outputs), stdin=joined(lines))
        self.assertEqual(rc, 0, err)
        for i, topic in enumerate(("a0", "a1", "aall")):
            with self.subTest(topic=topic):
                self.assertEqual(sum(self.high_watermarks(broker, topic, 3)), len(lines))
                self.assertEqual(sorted(m.payload for m in self.consume(broker, topic)), lines)
                counters = report_counters(err, f'outputs[{i}] (type "kafka")')
                self.assertEqual((counters.get("messages"), counters.get("failed"), counters.get("delivered_events")),
                                 (len(lines), 0, len(lines)), err)


class Outage(KafkaCase):
    def outage_mid_run(self, rdkafka=None, retry_max_backoff=None):
        """Half the lines delivered, every broker down, the other half written, 30 s, the
        brokers up: (exit status, stderr, the lines, the broker). The first half comes from
        a file: the tail input saves its position only once the output acknowledged it, so
        its checkpoint says when every delivery report of that half came back (a broker's
        watermark would say only that the broker has it, and a report still on its way when
        the brokers go down times out and sends its batch again). The second half comes on
        stdin, closed during the outage: the run ends once all of it is delivered."""
        count = 20_000
        lines = [b"outage %06d " % i + b"o" * (i % 40) for i in range(count)]
        half = count // 2
        self.write_bytes("first.log", joined(lines[:half]), "wb")
        broker = self.start_broker("--brokers", "3", "--partitions", "4", "--topic", "logs")
        output = self.kafka(broker, topic="logs", format="raw", rdkafka=rdkafka)
        if retry_max_backoff:
            output["retry_max_backoff"] = retry_max_backoff
        first = {"type": "tail", "paths": [self.path("first.log")], "read_from": "beginning", "exit_on_eof": True}
        config = self.write_pipeline([first, STDIN], [output])
        proc = self.start_agent(["run", "-c", config], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        self.addCleanup(self.reap, proc)
        err = Drain(proc.stderr)
        size = os.path.getsize(self.path("first.log"))
        self.wait_until(lambda: self.checkpoint_offset(self.path("state")) == size, "the first half acknowledged",
                        deadline_s=120, agent=proc)
        self.assertEqual(sum(self.high_watermarks(broker, "logs", 4)), half)
        broker.down()
        proc.stdin.write(joined(lines[half:]))
        proc.stdin.close()
        time.sleep(OUTAGE_S)
        self.assertIsNone(proc.poll(), "the agent finished while every broker was down: " + err.data().decode())
        broker.up()
        try:
            rc = proc.wait(timeout=240)
        except subprocess.TimeoutExpired:
            self.fail("the agent did not finish after the brokers came back: " + err.data().decode()[-3000:])
        err.join()
        proc.stderr.close()
        return rc, err.data().decode("utf-8", "replace"), lines, broker

    def check_nothing_lost(self, rc, err, lines, broker):
        self.assertEqual(rc, 0, err[-3000:])
        self.assertEqual(sum(self.high_watermarks(broker, "logs", 4)), len(lines), err[-3000:])
        self.assertEqual(sorted(m.payload for m in self.consume(broker, "logs")), lines)
        counters = report_counters(err)
        self.assertEqual({k: counters.get(k) for k in ("delivered_events", "failed_events", "messages", "failed")},
                         {"delivered_events": len(lines), "failed_events": 0, "messages": len(lines), "failed": 0},
                         err[-3000:])
        return counters

    def test_every_broker_down_for_30_s_mid_run_loses_nothing(self):
        rc, err, lines, broker = self.outage_mid_run()
        counters = self.check_nothing_lost(rc, err, lines, broker)
        print(f"\nbrokers down {OUTAGE_S} s: retried={counters.get('retried')} retries={counters.get('retries')}")

    def test_messages_timing_out_in_the_outage_are_retried_and_none_is_lost(self):
        rc, err, lines, broker = self.outage_mid_run(rdkafka={"message.timeout.ms": 5000}, retry_max_backoff="1s")
        counters = self.check_nothing_lost(rc, err, lines, broker)
        self.assertGreater(counters.get("retried", 0), 0, err[-3000:])
        self.assertGreater(counters.get("retries", 0), 0, err[-3000:])
        print(f"\nbrokers down {OUTAGE_S} s, message.timeout.ms 5000: retried={counters['retried']} "
              f"retries={counters['retries']}")


class PermanentErrors(KafkaCase):
    def test_a_topic_the_cluster_does_not_have_fails_every_event_and_the_run_exits_4(self):
        # The local broker creates any topic a client asks for (its Metadata answers are
        # of a version without AllowAutoTopicCreation), so it is told which one is missing.
        broker = self.start_broker("--topic", "logs", "--missing-topic", "absent")
        lines = [b"lost %04d" % i for i in range(1000)]
        output = self.kafka(broker, topic="absent", format="raw",
                            rdkafka={"allow.auto.create.topics": False, "topic.metadata.propagation.max.ms": 3000})
        rc, _, err = self.run_config(self.write_pipeline([STDIN], [output]), stdin=joined(lines), timeout=120)
        self.assertEqual(rc, 4, err)
        counters = report_counters(err)
        self.assertEqual({k: counters.get(k) for k in ("delivered_events", "failed_events", "messages", "failed",
                                                       "retried")},
                         {"delivered_events": 0, "failed_events": len(lines), "messages": 0, "failed": len(lines),
                          "retried": 0}, err)
        logged = [l for l in err.split("\n") if "cannot be delivered" in l]
        self.assertTrue(logged and all('"absent"' in l for l in logged), err)
        # Logged the 1st, 2nd, 4th... time, not once per message.
        self.assertLessEqual(len(logged), len(lines).bit_length(), err)
        print(f"\nunknown topic: {len(logged)} lines logged for {len(lines)} failed messages: {logged[0]}")

    def test_a_message_over_message_max_bytes_fails_alone_and_the_run_exits_4(self):
        broker = self.start_broker("--partitions", "1", "--topic", "logs")
        small = [b"small %03d" % i for i in range(100)]
        lines = small[:50] + [b"L" * 20_000] + small[50:]
        output = self.kafka(broker, topic="logs", format="raw", rdkafka={"message.max.bytes": 10000})
        config = self.write_pipeline([dict(STDIN, max_line_bytes="64KiB")], [output])
        rc, _, err = self.run_config(config, stdin=joined(lines))
        self.assertEqual(rc, 4, err)
        self.assertEqual([m.payload for m in self.consume(broker, "logs")], small)
        counters = report_counters(err)
        self.assertEqual({k: counters.get(k) for k in ("messages", "failed", "retried", "failed_batches")},
                         {"messages": 100, "failed": 1, "retried": 0, "failed_batches": 1}, err)
        self.assertEqual(counters.get("delivered_events") + counters.get("failed_events"), len(lines), err)
        logged = [l for l in err.split("\n") if "cannot be delivered" in l]
        self.assertEqual(len(logged), 1, err)
        self.assertIn("20000 bytes", logged[0])
        self.assertIn("Broker: Message size too large", logged[0])


class KillAndRestart(KafkaCase):
    PARTITIONS = 12  # 300,000 short lines and their repeats stay within the broker's retention

    def test_kill_9_mid_run_and_restarts_leave_every_line_in_kafka(self):
        count = 300_000
        lines = [b"%06d" % i for i in range(count)]
        self.write_bytes("app.log", joined(lines), "wb")
        broker = self.start_broker("--brokers", "3", "--partitions", str(self.PARTITIONS), "--topic", "logs")
        # Small batches and a small queue: a few batches in flight, so kills land mid-run.
        config = self.write_pipeline(
            [{"type": "tail", "paths": [self.path("app.log")], "read_from": "beginning", "exit_on_eof": True}],
            [self.kafka(broker, topic="logs", format="raw")],
            service={"batch_max_events": 100, "queue_max_bytes": "64KiB"})
        step = count // 8  # a run is killed once this many more messages are in Kafka
        kills, runs = 0, 0
        while True:
            runs += 1
            self.assertLessEqual(runs, 40, f"{kills} kills and the file is still not delivered: {self.err_text()[-2000:]}")
            start = sum(self.high_watermarks(broker, "logs", self.PARTITIONS))
            agent = self.launch(config)
            deadline = time.monotonic() + 120
            while agent.poll() is None:
                if sum(self.high_watermarks(broker, "logs", self.PARTITIONS)) >= start + step:
                    agent.kill()
                    break
                self.assertLess(time.monotonic(), deadline, f"run {runs} is stuck: {self.err_text()[-2000:]}")
                time.sleep(0.01)
            rc = agent.wait(timeout=120)
            if rc == -signal.SIGKILL:
                kills += 1
                continue
            self.assertEqual(rc, 0, self.err_text()[-3000:])
            break
        total = sum(self.high_watermarks(broker, "logs", self.PARTITIONS))
        messages = self.consume(broker, "logs")
        self.assertEqual(len(messages), total, "the broker dropped messages: more partitions are needed")
        arrived = [int(m.payload) for m in messages]
        counts = collections.Counter(arrived)
        self.assertEqual(sorted(counts.keys() - set(range(count)))[:10], [], "lines never written arrived")
        self.assertEqual(sorted(set(range(count)) - counts.keys())[:10], [], "lines lost")
        duplicates = total - count
        print(f"\n{kills} kill -9 in {runs} runs: {total} messages for {count} lines, {duplicates} duplicates "
              f"({sum(1 for c in counts.values() if c > 1)} lines more than once, at most {max(counts.values())} times)"
              + (f"; {exactly_once_report(arrived, range(count))}" if duplicates else ""))
        self.assertGreaterEqual(kills, 2, "the runs ended before they could be killed")
        self.assertEqual(report_counters(self.err_text()).get("failed"), 0, self.err_text()[-2000:])


if __name__ == "__main__":
    unittest.main()
