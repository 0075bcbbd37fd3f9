"""Helpers shared by the tail input's end-to-end modules: a pipeline from the tail input to
stdout, a running agent whose stdout and stderr are drained by threads (so a writer producing
hundreds of thousands of lines never blocks on a full pipe), paced writers, and looks into
/proc/<pid> (descriptors, CPU time)."""
import collections
import json
import os
import signal
import subprocess
import threading
import time

from agent import AgentTestCase

DEADLINE_S = 20


class Drain:
    """Reads a pipe to its end on a thread; counts the lines as they come."""

    def __init__(self, pipe):
        self._pipe = pipe
        self._data = bytearray()
        self._lines = 0
        self._cond = threading.Condition()
        self._eof = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        fd = self._pipe.fileno()
        while True:
            chunk = os.read(fd, 1 << 16)
            with self._cond:
                if not chunk:
                    self._eof = True
                    self._cond.notify_all()
                    return
                self._data += chunk
                self._lines += chunk.count(b"\n")
                self._cond.notify_all()

    def count(self):
        with self._cond:
            return self._lines

    def wait_lines(self, count, timeout=DEADLINE_S):
        """Waits until at least `count` lines came (or the pipe ended, or the timeout); the count."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._lines < count and not self._eof:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return self._lines

    def join(self, timeout=30):
        self._thread.join(timeout)

    def endswith(self, suffix):
        with self._cond:
            return self._data.endswith(suffix)

    def data(self):
        with self._cond:
            return bytes(self._data)

    def lines(self):
        return self.data().split(b"\n")[:-1]


class Agent:
    """A running `logagent run -c <config>`; stdout and stderr drained on threads."""

    def __init__(self, test, config):
        self.proc = test.start_agent(["run", "-c", config], stdin=subprocess.DEVNULL)
        self.pid = self.proc.pid
        self.out = Drain(self.proc.stdout)
        self.err = Drain(self.proc.stderr)
        test.addCleanup(self.kill)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdout, self.proc.stderr):
            if not pipe.closed:
                self.out.join(5) if pipe is self.proc.stdout else self.err.join(5)
                pipe.close()

    def alive(self):
        return self.proc.poll() is None

    def wait_lines(self, count, timeout=DEADLINE_S):
        return self.out.wait_lines(count, timeout)

    def lines(self):
        return self.out.lines()

    def stderr(self):
        return self.err.data().decode("utf-8", "replace")

    def stop(self):
        """SIGTERM, then waits: (exit status, stdout lines, stderr text)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.out.join()
        self.err.join()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return self.proc.returncode, self.lines(), self.stderr()

    def fd_links(self):
        """The targets of the agent's open descriptors (readlink of /proc/<pid>/fd/*)."""
        folder = f"/proc/{self.pid}/fd"
        links = []
        for name in os.listdir(folder):
            try:
                links.append(os.readlink(os.path.join(folder, name)))
            except FileNotFoundError:  # closed meanwhile
                pass
        return links

    def fds_on(self, path):
        """How many of the agent's descriptors are open on `path`, deleted or not."""
        return sum(1 for link in self.fd_links() if link in (path, path + " (deleted)"))

    def cpu_ticks(self):
        """utime + stime of the agent, in clock ticks (/proc/<pid>/stat fields 14 and 15)."""
        with open(f"/proc/{self.pid}/stat") as f:
            stat = f.read()
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) ": field 3 is fields[0]
        return int(fields[11]) + int(fields[12])


class TailTestCase(AgentTestCase):
    """A pipeline from the tail input to stdout, and helpers to write files and wait."""

    def pipeline(self, paths, fmt="raw", name="pipeline.toml", **options):
        opts = "\n".join(f"{k} = {json.dumps(v)}" for k, v in options.items())
        return self.write_config(f"""
            [service]
            state_dir = "{self.path('state')}"
            state_flush_interval = "10ms"

            [[inputs]]
            type = "tail"
            paths = {json.dumps(paths)}
            {opts}

            [[outputs]]
            type = "stdout"
            format = "{fmt}"
            """, name=name)

    def start(self, paths, fmt="raw", **options):
        return Agent(self, self.pipeline(paths, fmt=fmt, **options))

    def write(self, name, lines, mode="a"):
        with open(self.path(name), mode) as f:
            f.write("".join(line + "\n" for line in lines))

    def wait_for_checkpoint(self, agent=None):
        """The input saves the positions of the files it found at once: then it has scanned."""
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            for root, _, files in os.walk(self.path("state")):
                if "checkpoint" in files:
                    return
            if agent is not None and not agent.alive():
                self.fail("the agent exited: " + agent.stderr())
            time.sleep(0.01)
        self.fail("no checkpoint written" + ("" if agent is None else ": " + agent.stderr()))

    def wait_until(self, predicate, timeout=DEADLINE_S, step=0.02):
        """Polls `predicate` until it is true (True) or the timeout (False)."""
        deadline = time.monotonic() + timeout
        while True:
            if predicate():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(step)


def sanitizer_runtime(binary):
    """The sanitizer runtime the binary was linked with ("libasan", "libtsan"), or None:
    its name is among the libraries the binary needs. An instrumented agent does the same
    work many times slower and with shadow memory, so CPU and memory bounds are its own."""
    with open(binary, "rb") as f:
        data = f.read()
    for runtime in (b"libasan.so", b"libtsan.so"):
        if runtime in data:
            return runtime.decode().split(".")[0]
    return None


def numbered(n, width=7):
    """Line n of a numbered stream: the number, then a filler of varying length."""
    return b"%0*d " % (width, n) + b"x" * (n % 61)


def numbers_of(lines, width=7):
    """The numbers of numbered lines (a line of another shape fails the int())."""
    return [int(line[:width]) for line in lines]


def exactly_once_report(arrived, expected):
    """'' when `arrived` (a list of numbers) holds each of `expected` exactly once and nothing
    else; otherwise counts and examples of what was lost, doubled and unexpected."""
    counts = collections.Counter(arrived)
    expected = set(expected)
    lost = sorted(expected - counts.keys())
    doubled = sorted(n for n, c in counts.items() if c > 1)
    extra = sorted(counts.keys() - expected)
    if not lost and not doubled and not extra:
        return ""
    return (f"{len(arrived)} lines arrived for {len(expected)} written: {len(lost)} lost {lost[:10]}, "
            f"{len(doubled)} doubled {doubled[:10]}, {len(extra)} never written {extra[:10]}")


def order_report(arrived, file_of):
    """'' when the lines of each file (file_of(n)) arrived in increasing order."""
    last = {}
    bad = []
    for n in arrived:
        f = file_of(n)
        if f in last and n <= last[f]:
            bad.append((f, last[f], n))
        last[f] = max(n, last.get(f, n))
    if not bad:
        return ""
    return f"{len(bad)} lines out of their file's order, e.g. (file, after, came) {bad[:5]}"


class PacedWriter(threading.Thread):
    """Writes the numbered lines 0..total-1 in batches of `batch`, about `rate` lines a second,
    through `write(first, data)`; `hook(next_line)` runs between batches (rotations)."""

    def __init__(self, total, rate, batch, write, hook=None):
        super().__init__(daemon=True)
        self.total, self.rate, self.batch = total, rate, batch
        self._write, self._hook = write, hook
        self.error = None
        self.times = []  # (first line of a batch, monotonic time after it was written)

    def run(self):
        try:
            start = time.monotonic()
            for first in range(0, self.total, self.batch):
                if self._hook:
                    self._hook(first)
                data = b"".join(numbered(n) + b"\n" for n in range(first, min(first + self.batch, self.total)))
                self._write(first, data)
                now = time.monotonic()
                self.times.append((first, now))
                ahead = start + (first + self.batch) / self.rate - now
                if ahead > 0.002:
                    time.sleep(ahead)
        except BaseException as e:  # reported by the test
            self.error = e

    def written_at(self, n):
        """When line n was written (the time of its batch)."""
        for first, t in self.times:
            if first <= n < first + self.batch:
                return t
        return None
