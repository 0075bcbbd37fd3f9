"""The main job, as the README's first command runs it: tests/support/run-default-pipeline
starts the local broker, runs configs/default.toml (the bundled sample logs to Kafka and to
standard output), reads the topic back and stops the broker. Also: the shipped Kafka
pipelines pass `logagent check`."""
import collections
import glob
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import unittest

from agent import AgentTestCase, BIN, JSON_LINE, SOURCE_DIR

BUILD_DIR = os.path.dirname(os.path.abspath(BIN))
KCAT = shutil.which("kcat") or shutil.which("kafkacat")
SAMPLES = sorted(glob.glob(os.path.join(SOURCE_DIR, "configs", "sample", "*.access.log")))


def readme_main_job():
    """The main-job part of the README's first command, as words: the command after the last `&&`."""
    with open(os.path.join(SOURCE_DIR, "README.md")) as f:
        block = re.search(r"```sh\n(.*?)```", f.read(), re.S).group(1)
    first = next(line for line in block.splitlines() if line.strip() and not line.startswith("#"))
    return shlex.split(first.split("&&")[-1])


def sample_lines():
    """(file as the glob names it from the top of the clone, line) of every sample line."""
    lines = []
    for path in SAMPLES:
        with open(path, "rb") as f:
            name = os.path.relpath(path, SOURCE_DIR)
            lines += [(name, line.decode()) for line in f.read().split(b"\n")[:-1]]
    return lines


@unittest.skipIf(KCAT is None, "kcat is not installed (apt-get install kcat): the main job reads the topic with it")
class MainJob(AgentTestCase):
    def run_main_job(self):
        words = readme_main_job()
        self.assertEqual(words, ["tests/support/run-default-pipeline", "build"])
        env = self.env()
        for name in ("LOGAGENT_KAFKA_BROKERS", "LOGAGENT_STATE_DIR", "LOGAGENT_SAMPLE_LOGS"):
            env.pop(name, None)
        proc = subprocess.run([words[0], BUILD_DIR], cwd=SOURCE_DIR, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=500)
        out, err = proc.stdout.decode(), proc.stderr.decode()
        m = re.search(r"^== local broker \(pid (\d+)\)", out, re.M)
        self.assertIsNotNone(m, out + err)
        pid = int(m.group(1))
        self.addCleanup(self.kill_if_broker, pid)
        return proc.returncode, out, err, pid

    def kill_if_broker(self, pid):
        if self.is_broker(pid):
            os.kill(pid, signal.SIGKILL)

    def is_broker(self, pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                return b"logagent-broker" in f.read()
        except (FileNotFoundError, ProcessLookupError):
            return False

    def test_every_sample_line_arrives_in_kafka_and_on_stdout(self):
        rc, out, err, pid = self.run_main_job()
        self.assertEqual(rc, 0, out[-3000:] + err)
        expected = sample_lines()
        self.assertEqual(len(expected), 300)

        # The count per partition, from the high watermarks: every line, once.
        counts = {int(p): int(n) for p, n in re.findall(r"^partition (\d+): (\d+) messages$", out, re.M)}
        self.assertEqual(sorted(counts), [0, 1, 2], out)
        self.assertEqual(sum(counts.values()), len(expected), out)
        self.assertIn(f"total: {len(expected)} messages, for {len(expected)} lines", out)
        self.assertIn("== OK: every sample line arrived in Kafka", out)

        # The stdout output: each sample line as one JSON object, with the file it came from.
        records = []
        for line in out.splitlines():
            if line.startswith("{"):
                self.assertIsNotNone(JSON_LINE.match(line.encode()), line)
                record = json.loads(line)
                records.append((record["file"], record["message"]))
        self.assertEqual(collections.Counter(records), collections.Counter(expected))
        for name in {name for name, _ in expected}:  # each file in its order
            self.assertEqual([m for f, m in records if f == name], [m for f, m in expected if f == name])

        # The messages shown: keyed by file, each key in one partition, each value a stdout line.
        shown = re.findall(r"^partition (\d+)  offset (\d+)  key (\S+)\n  (.*)$", out, re.M)
        self.assertTrue(shown, out)
        partition_of = {}
        for partition, offset, key, value in shown:
            self.assertEqual(partition_of.setdefault(key, partition), partition, shown)
            self.assertIn(key, {name for name, _ in expected})
            self.assertEqual(json.loads(value)["file"], key)
            self.assertLess(int(offset), counts[int(partition)])

        # The agent's report, and no broker left behind.
        self.assertIn("pipeline started: 1 input, 0 filters, 2 outputs", err)
        self.assertFalse(self.is_broker(pid), f"the broker (pid {pid}) is still running")
        self.assertRegex(out, rf"== local broker \(pid {pid}\) stopped, exit status 0")

    def test_a_second_run_reads_the_sample_again(self):
        # A fresh state folder per run: the second run is not a resumed first one.
        for _ in range(2):
            rc, out, err, pid = self.run_main_job()
            self.assertEqual(rc, 0, out[-3000:] + err)
            self.assertIn("total: 300 messages, for 300 lines", out)
            self.assertFalse(self.is_broker(pid))


class ShippedKafkaPipelines(AgentTestCase):
    def test_check_accepts_the_default_pipeline(self):
        config = os.path.join(SOURCE_DIR, "configs", "default.toml")
        rc, out, err = self.run_agent(["check", config])
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.decode(), config + ": OK (1 input, 0 filters, 2 outputs)\n")

    def test_check_accepts_the_cluster_pipeline_with_its_password_set(self):
        config = os.path.join(SOURCE_DIR, "configs", "kafka.toml")
        proc = subprocess.run([BIN, "check", config], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=dict(self.env(), KAFKA_PASSWORD="not-a-real-secret"), timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertEqual(proc.stdout.decode(), config + ": OK (1 input, 0 filters, 1 output)\n")
        self.assertNotIn("not-a-real-secret", proc.stderr.decode())

    def test_the_cluster_pipeline_is_refused_without_its_password(self):
        config = os.path.join(SOURCE_DIR, "configs", "kafka.toml")
        env = self.env()
        env.pop("KAFKA_PASSWORD", None)
        proc = subprocess.run([BIN, "check", config], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                              timeout=60)
        self.assertEqual(proc.returncode, 1)
        self.assertIn('option "rdkafka.sasl.password": environment variable "KAFKA_PASSWORD" is not set',
                      proc.stderr.decode())


if __name__ == "__main__":
    unittest.main()
