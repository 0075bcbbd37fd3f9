"""logagent-broker, the local Kafka-protocol broker, checked with a real client (kcat) in
other processes: the bootstrap address, topics and partitions, every message read back,
keys kept to one partition, high watermarks, brokers taken down and up by signals."""
import collections
import subprocess
import unittest

from kafka_support import BROKER, KafkaCase, kcat


class LocalBroker(KafkaCase):
    def start(self, *args):
        return self.start_broker(*args)

    def test_the_bootstrap_lists_every_broker_and_the_default_topic_has_three_partitions(self):
        broker = self.start("--brokers", "3")
        addresses = broker.bootstrap.split(",")
        self.assertEqual(len(addresses), 3, broker.bootstrap)
        for address in addresses:
            host, port = address.rsplit(":", 1)
            self.assertEqual(host, "127.0.0.1")
            self.assertGreater(int(port), 0)
        text = self.metadata(broker)
        self.assertIn(" 3 brokers:", text)
        self.assertIn('topic "logs" with 3 partitions:', text)
        self.assertEqual(broker.stop()[0], 0)

    def test_every_message_is_read_back_and_a_key_stays_in_one_partition(self):
        broker = self.start("--brokers", "2", "--partitions", "4", "--topic", "events", "--topic", "other")
        self.assertIn('topic "other" with 4 partitions:', self.metadata(broker))
        sent = [(b"key-%d" % (i % 13), b"message %05d" % i) for i in range(2000)]
        produced = self.kcat("-P", "-b", broker.bootstrap, "-t", "events", "-K", ":",
                             stdin=b"".join(k + b":" + v + b"\n" for k, v in sent))
        self.assertEqual(produced.returncode, 0, produced.stderr)
        consumed = self.kcat("-C", "-b", broker.bootstrap, "-t", "events", "-o", "beginning", "-e", "-q",
                             "-f", "%p\t%k\t%s\n")
        self.assertEqual(consumed.returncode, 0, consumed.stderr)
        rows = [line.split(b"\t") for line in consumed.stdout.split(b"\n")[:-1]]
        self.assertEqual(sorted((k, v) for _, k, v in rows), sorted(sent))
        partitions_of_key = collections.defaultdict(set)
        for p, k, _ in rows:
            partitions_of_key[k].add(int(p))
        self.assertTrue(all(len(ps) == 1 for ps in partitions_of_key.values()), dict(partitions_of_key))
        self.assertGreater(len({p for ps in partitions_of_key.values() for p in ps}), 1)  # spread over partitions
        # Messages of one key keep their order within its partition.
        for key in partitions_of_key:
            values = [v for _, k, v in rows if k == key]
            self.assertEqual(values, sorted(values))
        self.assertEqual(sum(self.high_watermarks(broker, "events", 4)), len(sent))
        self.assertEqual(broker.stop()[0], 0)

    def test_sigusr1_takes_every_broker_down_and_sigusr2_brings_them_back(self):
        broker = self.start("--brokers", "2")
        self.metadata(broker)
        broker.down()
        down = kcat("-L", "-b", broker.bootstrap, "-m", "2")
        self.assertNotEqual(down.returncode, 0, down.stdout)
        broker.up()
        produced = self.kcat("-P", "-b", broker.bootstrap, "-t", "logs", stdin=b"after\n")
        self.assertEqual(produced.returncode, 0, produced.stderr)
        consumed = self.kcat("-C", "-b", broker.bootstrap, "-t", "logs", "-o", "beginning", "-e", "-q", "-f", "%s\n")
        self.assertEqual(consumed.stdout, b"after\n")
        rc, err = broker.stop()
        self.assertEqual(rc, 0, err)
        self.assertIn("2 brokers down", err)
        self.assertIn("2 brokers up", err)

    def test_the_bootstrap_file_has_the_address_printed(self):
        path = self.path("bootstrap")
        broker = self.start("--bootstrap-file", path)
        with open(path) as f:
            self.assertEqual(f.read(), broker.bootstrap + "\n")
        self.assertEqual(broker.stop()[0], 0)

    def test_bad_options_exit_2_with_the_reason_and_help_exits_0(self):
        for args, message in [(["--brokers", "0"], '--brokers: expected a number from 1 to 64, got "0"'),
                              (["--partitions", "x"], '--partitions: expected a number from 1 to 1000, got "x"'),
                              (["--topic", ""], "--topic: a topic name cannot be empty"),
                              (["--nope", "1"], "unknown option --nope (see --help)"),
                              (["--brokers"], "--brokers: expected a value after it, or an unknown option")]:
            proc = subprocess.run([BROKER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
            self.assertEqual((proc.returncode, proc.stdout, proc.stderr.decode()), (2, b"", f"logagent-broker: {message}\n"))
        proc = subprocess.run([BROKER, "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(proc.returncode, 0)
        self.assertTrue(proc.stdout.startswith(b"usage: logagent-broker"), proc.stdout)


if __name__ == "__main__":
    unittest.main()
