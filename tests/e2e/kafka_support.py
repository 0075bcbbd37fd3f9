"""Helpers for the end-to-end tests that involve Kafka: logagent-broker in a process of its
own, kcat as the client in others (high watermarks, messages read back byte for byte with
their keys and headers), pipelines with kafka outputs, the counters of an output's report
line, and the partition the Java client's default partitioner gives a key (murmur2)."""
import collections
import json
import os
import re
import shutil
import signal
import subprocess
import unittest

from tail_delivery_support import TailCase, toml_value

BROKER = os.environ.get("LOGAGENT_BROKER_BIN", "logagent-broker")
KCAT = shutil.which("kcat") or shutil.which("kafkacat")

# Every kafka output of the tests reconnects quickly: the local brokers come back at once.
RDKAFKA_DEFAULTS = {"reconnect.backoff.max.ms": 100}

# A message read back: key and payload are bytes, or None when null; headers a list of
# (name, value) pairs in their order (str name, bytes value), or None when not read.
Message = collections.namedtuple("Message", "topic partition offset key payload headers")


class Broker:
    """A running logagent-broker; `bootstrap` is the address it printed."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([BROKER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.bootstrap = self.proc.stdout.readline().decode().strip()
        self._log = []  # the lines of its stderr read so far

    def signal(self, sig):
        self.proc.send_signal(sig)

    def _await(self, ending):
        """Reads its stderr up to a line ending with `ending` (it writes one per signal,
        once every broker is down or up)."""
        while True:
            line = self.proc.stderr.readline().decode()
            if not line:
                raise AssertionError(f"logagent-broker ended before it said {ending!r}: {''.join(self._log)}")
            self._log.append(line)
            if line.rstrip("\n").endswith(ending):
                return

    def down(self):
        """SIGUSR1, and returns once every broker is down."""
        self.signal(signal.SIGUSR1)
        self._await(" down")

    def up(self):
        """SIGUSR2, and returns once every broker is up."""
        self.signal(signal.SIGUSR2)
        self._await(" up")

    def stop(self):
        """SIGTERM; (exit status, what it wrote on stderr)."""
        self.proc.send_signal(signal.SIGTERM)
        _, err = self.proc.communicate(timeout=30)
        return self.proc.returncode, "".join(self._log) + err.decode()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def kcat(*args, stdin=b"", timeout=120):
    return subprocess.run([KCAT, *args], input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout)


def joined(lines):
    """The text of `lines` (bytes), each ended by a newline."""
    return b"".join(l + b"\n" for l in lines)


def murmur2(data):
    """Kafka's murmur2 of `data` (bytes) as the Java client computes it: a signed 32-bit int
    (org.apache.kafka.common.utils.Utils.murmur2)."""
    m, mask = 0x5BD1E995, 0xFFFFFFFF
    length = len(data)
    h = (0x9747B28C ^ length) & mask
    for i in range(0, length - length % 4, 4):
        k = int.from_bytes(data[i:i + 4], "little")
        k = (k * m) & mask
        k ^= k >> 24
        k = (k * m) & mask
        h = ((h * m) & mask) ^ k
    tail = length - length % 4
    rest = length % 4
    if rest >= 3:
        h ^= data[tail + 2] << 16
    if rest >= 2:
        h ^= data[tail + 1] << 8
    if rest >= 1:
        h ^= data[tail]
        h = (h * m) & mask
    h ^= h >> 13
    h = (h * m) & mask
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def java_partition(key, partitions):
    """The partition of `key` under Kafka's default partitioner (and librdkafka's murmur2)."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


def toml_inline(value):
    """A TOML right-hand side: dicts become inline tables (keys quoted), the rest as
    tail_delivery_support writes them."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_inline(v)}" for k, v in value.items()) + " }"
    return toml_value(value)


def report_counters(err, label='outputs[0] (type "kafka")'):
    """The counters (name -> int) of the last report line of the instance `label` in the
    agent's stderr, e.g. {"delivered_events": 10, ..., "messages": 10, "failed": 0}."""
    lines = [l for l in err.split("\n") if f" {label}: " in l and "=" in l]
    if not lines:
        return {}
    report = lines[-1].split(f" {label}: ", 1)[1]
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", report)}


@unittest.skipIf(KCAT is None, "kcat is not installed (apt-get install kcat): it is the client these tests use")
class KafkaCase(TailCase):
    """A test with a local broker: start it, write pipelines with kafka outputs, read back."""

    def start_broker(self, *args):
        broker = Broker(*args)
        self.addCleanup(broker.kill)
        if not broker.bootstrap:
            broker.proc.wait(timeout=30)
            self.fail(f"logagent-broker {' '.join(args)} printed no address: " + broker.proc.stderr.read().decode())
        return broker

    def kcat(self, *args, stdin=b"", timeout=120):
        proc = kcat(*args, stdin=stdin, timeout=timeout)
        self.assertEqual(proc.returncode, 0, f"kcat {' '.join(args)}: {proc.stderr.decode('utf-8', 'replace')}")
        return proc

    def metadata(self, broker):
        return self.kcat("-L", "-b", broker.bootstrap, "-m", "5").stdout.decode()

    def high_watermarks(self, broker, topic, partitions):
        """The high watermark (offset of the next message) of each partition, in one query.
        Retention drops the oldest messages of a partition, never its high watermark: the
        sum is the number of messages ever appended to the topic."""
        args = ["-Q", "-J", "-b", broker.bootstrap]
        for p in range(partitions):
            args += ["-t", f"{topic}:{p}:-1"]
        answer = json.loads(self.kcat(*args).stdout)[topic]
        return [answer[str(p)]["offset"] for p in range(partitions)]

    def consume(self, broker, topic, offset="beginning", partition=None):
        """The messages of `topic` (from `offset` of each partition, or of `partition`, to the end), bytes as
        they are in the broker: partition, offset, key and payload lengths on a line of their
        own, then the key and payload bytes, then a newline. Headers are not read (None)."""
        where = [] if partition is None else ["-p", str(partition)]
        out = self.kcat("-C", "-b", broker.bootstrap, "-t", topic, *where, "-o", str(offset), "-e", "-q",
                        "-f", "%p %o %K %S\n%k%s\n").stdout
        messages, at = [], 0
        while at < len(out):
            eol = out.index(b"\n", at)
            partition, off, key_len, payload_len = (int(x) for x in out[at:eol].split(b" "))
            at = eol + 1
            key = None if key_len < 0 else out[at:at + key_len]
            at += max(key_len, 0)
            payload = None if payload_len < 0 else out[at:at + payload_len]
            at += max(payload_len, 0)
            self.assertEqual(out[at:at + 1], b"\n", f"kcat's output is not of the format asked at byte {at}")
            at += 1
            messages.append(Message(topic, partition, off, key, payload, None))
        return messages

    def consume_with_headers(self, broker, topic):
        """Every message of `topic` through kcat's JSON envelope (-J), which has the headers;
        keys, payloads and header values must be UTF-8 text there."""
        out = self.kcat("-C", "-b", broker.bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-J").stdout
        messages = []
        for line in out.split(b"\n"):
            if not line:
                continue
            m = json.loads(line)
            flat = m.get("headers") or []
            headers = [(flat[i], None if flat[i + 1] is None else flat[i + 1].encode()) for i in range(0, len(flat), 2)]
            messages.append(Message(m["topic"], m["partition"], m["offset"],
                                    None if m["key"] is None else m["key"].encode(),
                                    None if m["payload"] is None else m["payload"].encode(), headers))
        return messages

    def kafka(self, broker, rdkafka=None, **options):
        """A kafka output section (a dict for write_pipeline) towards `broker`."""
        return {"type": "kafka", "brokers": broker.bootstrap, **options,
                "rdkafka": {**RDKAFKA_DEFAULTS, **(rdkafka or {})}}

    def write_pipeline(self, inputs, outputs, filters=(), service=None, name="pipeline.toml"):
        """A pipeline file from sections given as dicts; `service` adds to the state folder."""
        lines = ["[service]"]
        for k, v in {"state_dir": self.path("state"), "state_flush_interval": "10ms", **(service or {})}.items():
            lines.append(f"{k} = {toml_inline(v)}")
        for kind, sections in (("inputs", inputs), ("filters", filters), ("outputs", outputs)):
            for section in sections:
                lines += ["", f"[[{kind}]]"] + [f"{k} = {toml_inline(v)}" for k, v in section.items()]
        p = self.path(name)
        with open(p, "w") as f:
            f.write("\n".join(lines) + "\n")
        return p

    def run_config(self, config, stdin=b"", plugin_path=None, timeout=300):
        """`logagent run -c config` to its end: (exit status, stdout bytes, stderr text)."""
        return self.run_agent(["run", "-c", config], stdin=stdin, plugin_path=plugin_path, timeout=timeout)
