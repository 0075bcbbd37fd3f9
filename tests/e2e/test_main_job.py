"""The main job, as the README's first command runs it: tests/support/run-default-pipeline
starts the local broker, runs configs/default.toml (the bundled sample logs parsed by the
nginx regex filter, to Kafka and to standard output), reads the topic back and stops the
broker. Every record is compared field by field with what Python's `re`, given the same
pattern, makes of the sample line. Also: the shipped Kafka pipelines pass `logagent check`."""
import collections
import datetime
import glob
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import tomllib
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


def shipped_filter(name):
    with open(os.path.join(SOURCE_DIR, "configs", name), "rb") as f:
        return tomllib.load(f)["filters"][0]


DEFAULT_FILTER = shipped_filter("default.toml")
# PCRE2's (?<name>...) is Python's (?P<name>...); the pattern has no lookbehind to confuse.
PYTHON_PATTERN = re.compile(DEFAULT_FILTER["pattern"].replace("(?<", "(?P<"))
INT_FIELDS = {name for name, kind in DEFAULT_FILTER["types"].items() if kind == "int"}


def expected_record(name, line):
    """The record default.toml makes of one sample line, as Python's `re` reads it: @timestamp
    (the request's time in UTC, as the stdout output prints it), the file, then the captures
    that took part, in the order of their names; the raw line is not kept."""
    m = PYTHON_PATTERN.search(line)
    assert m is not None, line
    when = datetime.datetime.strptime(m["time"], "%d/%b/%Y:%H:%M:%S %z").astimezone(datetime.timezone.utc)
    record = {"@timestamp": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "file": name}
    for field in sorted(k for k, v in m.groupdict().items() if v is not None):
        record[field] = int(m[field]) if field in INT_FIELDS else m[field]
    return record


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
        self.assertIn("== OK: every sample line parsed and arrived in Kafka", out)

        # The stdout output: each sample line as one JSON object of its parsed fields, with the
        # file it came from, in each file's order; keys in their order too.
        records = []
        for line in out.splitlines():
            if line.startswith("{"):
                self.assertIsNotNone(JSON_LINE.match(line.encode()), line)
                records.append(json.loads(line))
        wanted = [expected_record(name, line) for name, line in expected]
        self.assertEqual(len(records), len(wanted))
        by_file = collections.defaultdict(list)
        for record in records:
            by_file[record["file"]].append(record)
        for name in {name for name, _ in expected}:
            self.assertEqual([list(r.items()) for r in by_file[name]],
                             [list(r.items()) for r in wanted if r["file"] == name], name)

        # Every field of every line: no line left unparsed, no field missing or of another type.
        fields = collections.Counter(k for r in records for k in r)
        self.assertEqual(fields, collections.Counter({k: 300 for k in (
            "@timestamp", "file", "remote", "user", "time", "method", "path", "protocol", "status", "size",
            "referer", "agent")}))
        self.assertEqual(sum("_error" in r or "message" in r for r in records), 0)
        self.assertTrue(all(type(r["status"]) is int and type(r["size"]) is int for r in records))
        self.assertIn("== parsed: 300 of 300 records have their fields, 0 marked _error", out)

        # One line exactly as it leaves, written out by hand rather than computed.
        self.assertIn('{"@timestamp":"2026-11-25T06:35:06.000000Z","file":"configs/sample/api.access.log",'
                      '"agent":"curl/8.11.0","method":"POST","path":"/v1/orders","protocol":"HTTP/1.1",'
                      '"referer":"-","remote":"2001:db8:cb8::b655","size":519,"status":422,'
                      '"time":"25/Nov/2026:06:35:06 +0000","user":"-"}\n', out)

        # The messages shown: keyed by file, each key in one partition, each value the record
        # of the line at that offset (a file's lines in order, in its key's partition).
        shown = re.findall(r"^partition (\d+)  offset (\d+)  key (\S+)\n  (.*)$", out, re.M)
        self.assertEqual(len(shown), 6, out)
        partition_of = {}
        for partition, offset, key, value in shown:
            self.assertEqual(partition_of.setdefault(key, partition), partition, shown)
            self.assertLess(int(offset), counts[int(partition)])
            self.assertEqual(json.loads(value)["file"], key)
        files_in = collections.Counter(partition_of.values())
        for partition, offset, key, value in shown:
            self.assertIsNotNone(JSON_LINE.match(value.encode()), value)
            file_records = [list(r.items()) for r in wanted if r["file"] == key]
            if files_in[partition] == 1:  # the partition holds that file alone: offset = line
                self.assertEqual(list(json.loads(value).items()), file_records[int(offset)])
            else:
                self.assertIn(list(json.loads(value).items()), file_records)

        # The agent's report, and no broker left behind.
        self.assertIn("pipeline started: 1 input, 1 filter, 2 outputs", err)
        self.assertIn('filters[0] (type "regex"): errors=0 matched=300 mismatched=0 dropped=0 limit_hits=0 '
                      'conversion_errors=0 time_errors=0', err)
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
        self.assertEqual(out.decode(), config + ": OK (1 input, 1 filter, 2 outputs)\n")

    def test_the_default_pipeline_parses_as_the_nginx_pipeline_does(self):
        # One pattern, one set of types and times for nginx: default.toml copies nginx.toml's.
        self.assertEqual(DEFAULT_FILTER, shipped_filter("nginx.toml"))

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
