"""The kafka output against logagent-broker in a process of its own, read back with kcat in
others: a million lines counted by high watermarks, values byte for byte (raw, and json as
the stdout output prints it), keys and partitions (the Java client's murmur2), topics from a
field, headers from fields, and `logagent check` judging librdkafka properties without ever
showing a password."""
import collections
import json
import os
import unittest

from agent import FIXTURES, JSON_LINE
from kafka_support import KafkaCase, joined, java_partition, murmur2, report_counters

SET_FIELD = os.path.join(FIXTURES, "set_field")
STDIN = {"type": "stdin"}


def sample_lines(count):
    """Lines of every kind of byte a line can hold: empty ones, control bytes and NUL,
    invalid UTF-8, quotes and backslashes, multi-byte characters, lengths up to 150."""
    lines = []
    for i in range(count):
        if i % 100 == 0:
            lines.append(b"")
        elif i % 7 == 0:
            lines.append(b"bytes %04d \x00\x01\x1b[31m\x1f\x7f \xff\xfe \xc3( \t\"q\" \\ end" % i)
        elif i % 11 == 0:
            lines.append("utf-8 %04d é€😀 ü".encode() % i)
        else:
            lines.append(b"line %04d " % i + b"x" * (i % 140))
    return lines


class Volume(KafkaCase):
    def test_a_million_lines_are_all_delivered(self):
        # Far past the broker's retention (5 MiB per partition): counted by watermarks.
        count, partitions = 1_000_000, 12
        broker = self.start_broker("--partitions", str(partitions), "--topic", "logs")
        lines = [b"%07d" % i for i in range(count)]
        config = self.write_pipeline([STDIN], [self.kafka(broker, topic="logs")])
        rc, _, err = self.run_config(config, stdin=joined(lines), timeout=300)
        self.assertEqual(rc, 0, err[-3000:])
        marks = self.high_watermarks(broker, "logs", partitions)
        self.assertEqual(sum(marks), count, marks)
        counters = report_counters(err)
        self.assertEqual({k: counters.get(k) for k in ("delivered_events", "failed_events", "messages", "failed",
                                                       "retried")},
                         {"delivered_events": count, "failed_events": 0, "messages": count, "failed": 0, "retried": 0},
                         err[-2000:])
        # The newest message of each partition is one of the lines, as the json format writes it.
        expected = set(lines)
        for p, mark in enumerate(marks):
            if mark == 0:
                continue
            [last] = self.consume(broker, "logs", offset=-1, partition=p)
            self.assertEqual((last.partition, last.offset, last.key), (p, mark - 1, None))
            self.assertRegex(last.payload, JSON_LINE)
            self.assertIn(json.loads(last.payload)["message"].encode(), expected)


class Values(KafkaCase):
    def test_raw_values_are_the_lines_and_json_values_the_stdout_lines_byte_for_byte(self):
        lines = sample_lines(2000)
        broker = self.start_broker("--partitions", "3", "--topic", "raw", "--topic", "json")
        config = self.write_pipeline([STDIN], [self.kafka(broker, topic="raw", format="raw"),
                                               self.kafka(broker, topic="json", format="json"),
                                               {"type": "stdout", "format": "json"}])
        rc, out, err = self.run_config(config, stdin=joined(lines))
        self.assertEqual(rc, 0, err)
        printed = out.split(b"\n")
        self.assertEqual(printed[-1], b"")
        printed = printed[:-1]
        self.assertEqual(len(printed), len(lines))

        raw = self.consume(broker, "raw")
        self.assertEqual(sorted(m.payload for m in raw), sorted(lines))
        self.assertEqual({m.key for m in raw}, {None})
        self.assertEqual(sum(self.high_watermarks(broker, "raw", 3)), len(lines))

        json_values = self.consume(broker, "json")
        self.assertEqual(sorted(m.payload for m in json_values), sorted(printed))
        self.assertEqual(sum(self.high_watermarks(broker, "json", 3)), len(lines))
        # The JSON envelope shows the headers: there are none, and no key.
        enveloped = self.consume_with_headers(broker, "json")
        self.assertEqual(collections.Counter((m.key, tuple(m.headers)) for m in enveloped), {(None, ()): len(lines)})
        for label in ('outputs[0] (type "kafka")', 'outputs[1] (type "kafka")'):
            counters = report_counters(err, label)
            self.assertEqual((counters.get("messages"), counters.get("failed")), (len(lines), 0), err)


class KeysAndPartitions(KafkaCase):
    PARTITIONS = 7  # not a power of two: a wrong modulo shows

    def start_keyed_broker(self):
        return self.start_broker("--brokers", "3", "--partitions", str(self.PARTITIONS), "--topic", "keyed")

    def test_murmur2_gives_the_java_clients_values(self):
        # Kafka's own test vectors (UtilsTest.testMurmur2).
        vectors = {b"21": -973932308, b"foobar": -790332482, b"a-little-bit-long-string": -985981536,
                   b"a-little-bit-longer-string": -1486304829,
                   b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971, b"abc": 479470107}
        self.assertEqual({k: murmur2(k) for k in vectors}, vectors)

    def test_each_key_lands_in_the_partition_the_java_client_picks(self):
        broker = self.start_keyed_broker()
        keys = [b"user-%d" % (i * 7919 % 101) for i in range(3000)]
        config = self.write_pipeline([STDIN], [self.kafka(broker, topic="keyed", key_field="message",
                                                          partitioner="murmur2_random")])
        rc, _, err = self.run_config(config, stdin=joined(keys))
        self.assertEqual(rc, 0, err)
        messages = self.consume(broker, "keyed")
        self.assertEqual(sorted(json.loads(m.payload)["message"].encode() for m in messages), sorted(keys))
        wrong = [(m.key, m.partition, java_partition(m.key, self.PARTITIONS)) for m in messages
                 if m.key is None or m.partition != java_partition(m.key, self.PARTITIONS)
                 or json.loads(m.payload)["message"].encode() != m.key]
        self.assertEqual(wrong[:10], [], f"{len(wrong)} messages with a wrong key or partition (key, got, expected)")
        partitions_of_key = collections.defaultdict(set)
        for m in messages:
            partitions_of_key[m.key].add(m.partition)
        self.assertEqual(len(partitions_of_key), 101)
        self.assertEqual({k for k, ps in partitions_of_key.items() if len(ps) != 1}, set())
        self.assertEqual(self.high_watermarks(broker, "keyed", self.PARTITIONS),
                         [sum(1 for k in keys if java_partition(k, self.PARTITIONS) == p)
                          for p in range(self.PARTITIONS)])

    def test_an_integer_key_is_its_decimal_text(self):
        broker = self.start_keyed_broker()
        lines = [b"entry %04d" % i + b"." * (i % 13) for i in range(1000)]
        self.write_bytes("app.log", joined(lines), "wb")
        offsets, at = {}, 0
        for line in lines:
            offsets[line] = at
            at += len(line) + 1
        config = self.write_pipeline(
            [{"type": "tail", "paths": [self.path("app.log")], "read_from": "beginning", "exit_on_eof": True,
              "offset_field": "offset"}],
            [self.kafka(broker, topic="keyed", key_field="offset", format="raw")])
        rc, _, err = self.run_config(config)
        self.assertEqual(rc, 0, err)
        messages = self.consume(broker, "keyed")
        self.assertEqual(sorted(m.payload for m in messages), sorted(lines))
        wrong = [m for m in messages if m.key != b"%d" % offsets[m.payload]
                 or m.partition != java_partition(m.key, self.PARTITIONS)]
        self.assertEqual(wrong[:5], [], f"{len(wrong)} messages with a wrong key or partition")

    def test_messages_without_a_key_spread_over_every_partition(self):
        broker = self.start_keyed_broker()
        lines = [b"no key %04d" % i for i in range(2000)]
        # librdkafka's sticky partitioner keeps keyless messages on one partition for
        # sticky.partitioning.linger.ms (10 ms by default); 0 picks one per message.
        config = self.write_pipeline([STDIN], [self.kafka(broker, topic="keyed", format="raw",
                                                          rdkafka={"sticky.partitioning.linger.ms": 0})])
        rc, _, err = self.run_config(config, stdin=joined(lines))
        self.assertEqual(rc, 0, err)
        marks = self.high_watermarks(broker, "keyed", self.PARTITIONS)
        self.assertEqual(sum(marks), len(lines), marks)
        self.assertNotIn(0, marks)
        messages = self.consume(broker, "keyed")
        self.assertEqual(sorted(m.payload for m in messages), lines)
        self.assertEqual({m.key for m in messages}, {None})

    def test_a_fixed_partition_takes_every_message_keyed_or_not(self):
        broker = self.start_keyed_broker()
        lines = [b"fixed %04d" % i for i in range(2000)]
        config = self.write_pipeline([STDIN], [self.kafka(broker, topic="keyed", format="raw", partition=2,
                                                          key_field="message")])
        rc, _, err = self.run_config(config, stdin=joined(lines))
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.high_watermarks(broker, "keyed", self.PARTITIONS), [0, 0, len(lines), 0, 0, 0, 0])
        messages = self.consume(broker, "keyed")
        # One partition keeps the order they were produced in.
        self.assertEqual([(m.partition, m.offset, m.key, m.payload) for m in messages],
                         [(2, i, l, l) for i, l in enumerate(lines)])


def tail_input(path, tag, **options):
    return {"type": "tail", "tag": tag, "paths": [path], "read_from": "beginning", "exit_on_eof": True, **options}


def set_field(match, name, value):
    return {"type": "fixture_set_field", "match": match, "name": name, "value": value}


class TopicsAndHeaders(KafkaCase):
    def test_topic_field_names_the_topic_and_a_missing_empty_or_non_string_one_falls_back(self):
        broker = self.start_broker("--partitions", "2", "--topic", "fallback", "--topic", "alpha", "--topic", "beta")
        names = ["alpha", "beta", "missing", "empty", "number"]
        lines = {n: [b"%s %04d" % (n.encode(), i) for i in range(300 + 50 * k)] for k, n in enumerate(names)}
        inputs = []
        for n in names:
            self.write_bytes(n + ".log", joined(lines[n]), "wb")
            inputs.append(tail_input(self.path(n + ".log"), "t." + n,
                                     **({"offset_field": "dest"} if n == "number" else {})))
        filters = [set_field("t.alpha", "dest", "alpha"), set_field("t.beta", "dest", "beta"),
                   set_field("t.empty", "dest", "")]
        config = self.write_pipeline(inputs, [self.kafka(broker, topic="fallback", topic_field="dest", format="raw")],
                                     filters=filters)
        rc, _, err = self.run_config(config, plugin_path=SET_FIELD)
        self.assertEqual(rc, 0, err)
        got = {t: sorted(m.payload for m in self.consume(broker, t)) for t in ("alpha", "beta", "fallback")}
        self.assertEqual(got, {"alpha": lines["alpha"], "beta": lines["beta"],
                               "fallback": sorted(lines["missing"] + lines["empty"] + lines["number"])})
        # No topic was made of a field's value ("", or the offsets).
        topics = sorted(l.split('"')[1] for l in self.metadata(broker).split("\n") if l.startswith('  topic "'))
        self.assertEqual(topics, ["alpha", "beta", "fallback"])
        self.assertEqual(report_counters(err).get("messages"), sum(len(v) for v in lines.values()), err)

    def test_headers_come_from_fields_and_a_missing_field_gives_no_header(self):
        broker = self.start_broker("--partitions", "3", "--topic", "logs")
        files = {"a": [b"a %04d" % i for i in range(500)], "b": [b"b %04d " % i + b"-" * (i % 9) for i in range(400)]}
        expected = {}
        for name, lines in files.items():
            path = self.path(name + ".log")
            self.write_bytes(name + ".log", joined(lines), "wb")
            at = 0
            for line in lines:
                headers = [("at", b"%d" % at)] + ([("level", b"info")] if name == "a" else []) + \
                          [("source", path.encode())]
                expected[line] = headers
                at += len(line) + 1
        inputs = [tail_input(self.path(n + ".log"), "h." + n, path_field="file", offset_field="offset") for n in files]
        # Header names in alphabetical order: the table's order and its sorted order agree.
        headers = {"at": "offset", "level": "level", "none": "no_such_field", "source": "file"}
        config = self.write_pipeline(inputs, [self.kafka(broker, topic="logs", format="raw", headers=headers)],
                                     filters=[set_field("h.a", "level", "info")])
        rc, _, err = self.run_config(config, plugin_path=SET_FIELD)
        self.assertEqual(rc, 0, err)
        messages = self.consume_with_headers(broker, "logs")
        self.assertEqual(sorted(m.payload for m in messages), sorted(expected))
        wrong = [(m.payload, m.headers, expected.get(m.payload)) for m in messages
                 if m.headers != expected.get(m.payload)]
        self.assertEqual(wrong[:5], [], f"{len(wrong)} messages with other headers (payload, got, expected)")


class Check(KafkaCase):
    SECTION = """\
[[inputs]]
type = "stdin"

[[outputs]]
type = "kafka"
brokers = "{brokers}"
"""

    def config(self, rdkafka_line, brokers="127.0.0.1:9", service=""):
        return self.write_config(service + self.SECTION.format(brokers=brokers) + rdkafka_line + "\n")

    def test_a_property_librdkafka_refuses_is_an_error_at_its_value(self):
        for item, value, text in [
                ('"linger.ms"', '"soon"', 'Invalid value for configuration property "queue.buffering.max.ms"'),
                ('"no.such.property"', '"1"', 'No such configuration property: "no.such.property"')]:
            with self.subTest(item=item):
                line = f'rdkafka = {{ "reconnect.backoff.max.ms" = 100, {item} = {value} }}'
                config = self.config(line)
                column = line.index(f"{item} = {value}") + len(f"{item} = ") + 1
                for command in ("check", "run"):
                    rc, out, err = self.run_agent([command, "-c", config])
                    self.assertEqual((rc, out), (1, b""), err)
                    first, rest = err.split("\n", 1)
                    # A plugin's create refusing an option: "cannot start: ", at the option's value.
                    self.assertTrue(first.startswith(f'{config}:7:{column}: outputs[0] (type "kafka"): cannot start: '
                                                     f'option "rdkafka.{item[1:-1]}": '), err)
                    self.assertIn(text, first)
                    self.assertEqual(rest, f"{config}: 1 error\n")

    def test_a_sasl_password_is_never_shown(self):
        secret = "hunter2"
        sasl = f'"sasl.mechanisms" = "PLAIN", "sasl.username" = "agent", "sasl.password" = "{secret}"'
        good = self.config(f'rdkafka = {{ "reconnect.backoff.max.ms" = 100, {sasl} }}')
        rc, out, err = self.run_agent(["check", "-c", good])
        self.assertEqual(rc, 0, err)
        self.assertNotIn(secret, out.decode() + err)
        bad = self.config(f'rdkafka = {{ "reconnect.backoff.max.ms" = 100, {sasl}, "linger.ms" = "soon" }}')
        rc, out, err = self.run_agent(["check", "-c", bad])
        self.assertEqual(rc, 1, err)
        self.assertIn('option "rdkafka.linger.ms"', err)
        self.assertNotIn(secret, out.decode() + err)
        rc, out, err = self.run_agent(["plugins", "kafka"])
        self.assertEqual(rc, 0, err)
        self.assertIn("rdkafka", out.decode())
        self.assertNotIn(secret, out.decode() + err)
        # A run with the agent's most detailed log, librdkafka's dump of its configuration
        # and its security log in it, delivers (the local broker speaks plaintext, so the
        # credentials are never used) and never writes the password.
        broker = self.start_broker("--topic", "logs")
        run = self.config(f'topic = "logs"\nrdkafka = {{ "reconnect.backoff.max.ms" = 100, {sasl}, '
                          '"debug" = "conf,security" }', brokers=broker.bootstrap,
                          service='[service]\nlog_level = "debug"\n\n')
        rc, out, err = self.run_agent(["run", "-c", run], stdin=b"one\ntwo\nthree\n")
        self.assertEqual(rc, 0, err)
        self.assertRegex(err, r'(?m) debug outputs\[0\] \(type "kafka"\): librdkafka CONF: .* sasl\.password = ')
        self.assertNotIn(secret, out.decode() + err)
        self.assertEqual(sum(self.high_watermarks(broker, "logs", 3)), 3)


if __name__ == "__main__":
    unittest.main()
