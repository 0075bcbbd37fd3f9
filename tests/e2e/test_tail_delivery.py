"""The tail input's delivery on real files: kill -9 loses no line and repeats only what was
in flight, a clean stop repeats nothing, a slow output holds memory down (backpressure),
unreadable files and paths that are no files are warned about while the rest is read, and
bytes that are not UTF-8 (NULs, over-long lines) come out exactly."""
import bisect
import collections
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from agent import BIN, FIXTURES
from tail_delivery_support import TailCase, json_string
from tail_support import sanitizer_runtime

ACK_PLUGIN = os.path.join(FIXTURES, "ack")


def vm_hwm_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


class TailDelivery(TailCase):
    # A slow pipeline: batches of 10 lines and a queue smaller than one batch's 64 KiB read
    # region, so one batch at a time is in flight and 1,000,000 lines take seconds.
    SLOW = {"queue_max_bytes": "16KiB", "batch_max_events": 10}

    def test_ten_kill_9_lose_no_line_and_repeat_only_what_was_in_flight(self):
        count, kills = 1_000_000, 10
        sent = [b"line %07d" % i for i in range(count)]
        self.write_bytes("app.log", b"".join(l + b"\n" for l in sent), "wb")
        total = os.path.getsize(self.path("app.log"))
        paths = [self.path("app.log")]
        # The checkpoints go to a tmpfs when there is one: on a disk, a checkpoint's fsync
        # waits for the other dirty data of the file system (ext4's ordered mode: here the
        # output and the other tests' files), which took up to a second on a busy host and
        # would stand in for the agent's own lag. lag_s: see the bound below.
        if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
            state = tempfile.mkdtemp(prefix="logagent-e2e-state-", dir="/dev/shm")
            self.addCleanup(shutil.rmtree, state, True)
            lag_s = 0.25
        else:
            state, lag_s = self.path("state"), 1.0
        service = dict(self.SLOW, state_dir=state)
        running = self.pipeline(paths, name="running.toml", service=service, read_from="beginning",
                                refresh_interval="10ms")
        final = self.pipeline(paths, name="final.toml", service=service, read_from="beginning",
                              refresh_interval="10ms", exit_on_eof=True)
        out = self.path("out.txt")
        open(out, "wb").close()
        rng = random.Random(20261201)
        # Per killed run: where its output starts and ends, the checkpoint on disk after the
        # kill, and where the output was lag_s before the kill.
        runs, torn = [], 0
        for kill in range(kills):
            begin = os.path.getsize(out)
            agent = self.launch(running)
            # A random moment: when the output has grown by a random share of the file (from
            # at once, before anything was written, to 9 %), then a random few milliseconds.
            # Measured on the output rather than the clock, so a faster machine kills as
            # much mid-run as a slower one.
            target = begin + int(rng.uniform(0.0, 0.09) * total)
            samples = [(time.monotonic(), begin)]  # (time, output size) every few ms
            deadline = time.monotonic() + 60
            while samples[-1][1] < target:
                self.assertIsNone(agent.poll(), self.err_text())
                self.assertLess(time.monotonic(), deadline, f"kill {kill + 1}: output stuck at {samples[-1][1]}")
                time.sleep(0.002)
                samples.append((time.monotonic(), os.path.getsize(out)))
            time.sleep(rng.uniform(0, 0.02))
            agent.kill()
            killed_at = time.monotonic()
            self.assertEqual(agent.wait(timeout=30), -signal.SIGKILL, self.err_text())
            size = os.path.getsize(out)
            if size > begin:
                with open(out, "rb") as f:
                    f.seek(size - 1)
                    if f.read(1) != b"\n":
                        # The kill cut a write short (a fatal signal may): end the torn
                        # line; it was not acknowledged, so it comes again.
                        with open(out, "ab") as a:
                            a.write(b"\n")
                        torn += 1
                        size += 1
            recent = max([s for t, s in samples if t <= killed_at - lag_s] + [begin])
            runs.append({"begin": begin, "end": size, "checkpoint": self.checkpoint_offset(state), "recent": recent})
            extra = [b"extra %02d %03d" % (kill, i) for i in range(100)]
            self.write_bytes("app.log", b"".join(l + b"\n" for l in extra))
            sent += extra
        agent = self.launch(final)
        self.assertEqual(agent.wait(timeout=120), 0, self.err_text())
        self.assertNotIn("error", self.err_text())
        data = self.read("out.txt")
        log = self.read("app.log")

        # Nothing lost: every line of the file came out (at least once).
        seen = collections.Counter(data.split(b"\n")[:-1])
        expected = set(sent)
        missing = [l for l in sent if l not in seen]
        self.assertEqual(missing[:5], [], f"{len(missing)} lines lost")
        unknown = [l for l in seen if l not in expected]  # torn lines only
        self.assertLessEqual(len(unknown), torn, unknown[:5])
        for piece in unknown:  # a write cut short: the start of a line sent, any length of it ("lin")
            self.assertTrue(any(line.startswith(piece) for line in sent), piece)
        twice = sum(n - 1 for l, n in seen.items() if l in expected)

        # What a restart sends again is what the killed run wrote past the checkpoint on
        # disk when it died. That checkpoint is never ahead of what was written, and the
        # next run starts exactly there. What lies past it, per kill, is at most:
        #  - the batches in flight, emitted but not acknowledged: the queue holds at most
        #    queue_max_bytes (16 KiB: each line takes at least its 13 bytes there, so at
        #    most 1,260 lines), or one batch alone (10 lines) when that is bigger;
        #  - a batch being cut from the last 64 KiB read is not written before it is
        #    emitted: nothing more from there;
        #  - the lines acknowledged whose checkpoint was not written yet: it is written at
        #    most once per state_flush_interval (10 ms), atomically (fsync of the file and
        #    the folder), so those of one interval and one write. On a tmpfs that was at
        #    most 40 ms (9,500 lines) with builds running; lag_s = 0.25 s leaves room for
        #    a busy host's scheduling. (On a disk a write's fsyncs took up to a second:
        #    lag_s = 1 s there.) The output is not throttled, so this part is counted
        #    from the output's growth in the run's last lag_s, sampled every few ms: the
        #    lines sent again are those of the last moments, never older ones. (The
        #    batch limits alone, queue capacity plus one batch, would be 1,270 lines.)
        queue_lines = 16 * 1024 // 13 + 10
        log_lines = log.split(b"\n")[:-1]
        offsets = [0]
        for l in log_lines:
            offsets.append(offsets[-1] + len(l) + 1)
        offset_of = {l: o for l, o in zip(log_lines, offsets)}
        past, bounds, again = [], [], []
        for k, run in enumerate(runs):
            c = run["checkpoint"]
            i = bisect.bisect_left(offsets, c)
            self.assertEqual(offsets[i], c, f"kill {k + 1}: the checkpoint is not at a line's start")
            before = set(data[:run["end"]].split(b"\n"))
            if i > 0:  # the checkpoint is never ahead of what was written
                self.assertIn(log_lines[i - 1], before, f"kill {k + 1}: checkpoint {c}")
            following = data[run["end"]:runs[k + 1]["end"] if k + 1 < len(runs) else len(data)].split(b"\n")[:-1]
            if following:  # the next run resumes exactly there
                self.assertEqual(following[0], log_lines[i], f"kill {k + 1}")
            written = data[run["begin"]:run["end"]].split(b"\n")[:-1]
            past.append(sum(1 for l in written if offset_of.get(l, -1) >= c))
            bounds.append(queue_lines + data[run["recent"]:run["end"]].count(b"\n"))
            again.append(sum(1 for l in following if l in before))
        print(f"\n{kills} kill -9 ({torn} torn writes): {twice} of {len(sent)} lines sent twice; "
              f"per restart {again}; past the checkpoint per kill {past}, bounds {bounds}")
        for k, (n, bound) in enumerate(zip(past, bounds)):
            self.assertLessEqual(n, bound, f"kill {k + 1}")
        # A restart sends again the lines from its checkpoint to the furthest any run
        # wrote; checkpoints only move forward, so that is at most the largest `past` so
        # far (a run killed before it saved anything sends the same lines once more).
        for k, n in enumerate(again):
            self.assertLessEqual(n, max(past[:k + 1]), f"restart {k + 1}")
        self.assertEqual(twice, sum(again))
        # Checkpoints only move forward, and the kills landed in the middle of the file.
        checkpoints = [r["checkpoint"] for r in runs]
        self.assertEqual(checkpoints, sorted(checkpoints))
        self.assertLess(checkpoints[-1], count * 13)
        self.assertGreaterEqual(sum(1 for r in runs if r["end"] > r["begin"]), kills // 2)

    def test_a_clean_stop_and_a_restart_send_every_line_exactly_once(self):
        count = 200_000
        first = [b"first %06d" % i for i in range(count)]
        self.write_bytes("app.log", b"".join(l + b"\n" for l in first), "wb")
        paths = [self.path("app.log")]
        running = self.pipeline(paths, name="running.toml", service=self.SLOW, read_from="beginning",
                                refresh_interval="10ms")
        agent = self.launch(running)
        self.wait_for_lines(count // 10, agent)
        # A last line without its newline when the stop comes: it is left for the next run.
        self.write_bytes("app.log", b"half a line")
        self.assertEqual(self.terminate(agent), 0, self.err_text())
        delivered = self.read("out.txt").split(b"\n")[:-1]
        self.assertLess(len(delivered), count)  # it really stopped in the middle
        self.assertEqual(delivered, first[:len(delivered)])
        self.write_bytes("app.log", b", and its end\n" + b"".join(b"second %d\n" % i for i in range(1000)))
        final = self.pipeline(paths, name="final.toml", service=self.SLOW, read_from="beginning",
                              refresh_interval="10ms", exit_on_eof=True)
        agent = self.launch(final)
        self.assertEqual(agent.wait(timeout=60), 0, self.err_text())
        self.assertEqual(self.read("out.txt"), self.read("app.log"))

    def test_a_slow_output_holds_memory_down_and_a_stop_delivers_a_prefix(self):
        # 200 MB of numbered lines (80 bytes each), written in blocks.
        per_line, size = 80, 200 * 1000 * 1000
        lines = size // per_line
        with open(self.path("big.log"), "wb") as f:
            for start in range(0, lines, 100_000):
                f.write(b"".join(b"%010d %s\n" % (i, b"x" * (per_line - 12))
                                 for i in range(start, min(lines, start + 100_000))))
        record = self.path("record.tsv")
        config = self.pipeline([self.path("big.log")], service={"queue_max_bytes": "256KiB", "batch_max_events": 100},
                               output={"type": "fixture_ack", "record_path": record, "complete_delay": "20ms"},
                               read_from="beginning", refresh_interval="10ms")
        agent = self.launch(config, plugin_path=ACK_PLUGIN)
        peak = 0
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            self.assertIsNone(agent.poll(), self.err_text())
            peak = max(peak, vm_hwm_kib(agent.pid))
            time.sleep(0.1)
        # Far behind: the output took a small part of the file in 5 s.
        delivered_bytes = os.path.getsize(record) if os.path.exists(record) else 0
        self.assertLess(delivered_bytes, size // 10)
        # What the agent holds is bounded by the queue (256 KiB of unacknowledged batches),
        # the batches kept for reuse and the one being filled (a 64 KiB read region each),
        # on top of its code and heap at rest (under 16 MiB): 64 MiB leaves room for all of
        # that and is far below the file, of which it must not keep more than the queue.
        # (Reading with read(2) into batch memory, the page cache is not in its RSS.)
        print(f"\npeak RSS (VmHWM) {peak} KiB while {delivered_bytes} bytes of {size} were delivered")
        sanitizer = sanitizer_runtime(BIN)
        if sanitizer is None:
            self.assertLess(peak, 64 * 1024)
        else:
            # Shadow memory and the quarantine of freed blocks count in the RSS of an
            # instrumented agent; the bound is asserted by the uninstrumented builds.
            print(f"peak RSS not compared with the bound: the agent runs under {sanitizer}")
        self.assertEqual(self.terminate(agent), 0, self.err_text())
        self.assertNotIn("error", self.err_text())
        with open(record, "rb") as f:
            got = [l.split(b"\t", 3) for l in f.read().split(b"\n")[:-1]]
        self.assertGreater(len(got), 0)
        self.assertEqual({status for _, status, _, _ in got}, {b"ok"})
        messages = [m for _, _, _, m in got]
        with open(self.path("big.log"), "rb") as f:
            head = f.read(len(messages) * per_line).split(b"\n")[:-1]
        self.assertEqual(messages, head)  # each line once, in order, from the start

    def setpriv_prefix(self):
        """Runs the agent without the capabilities that let root read any file (chmod 000
        does not stop root otherwise): CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH leave its
        bounding set, so it is root that obeys file modes. Nothing else changes, so the
        binary, the plugins and the temporary folder stay reachable wherever they are."""
        if os.geteuid() != 0:
            return []  # chmod 000 stops the owner already
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            self.skipTest("running as root and util-linux setpriv is missing: cannot drop capabilities")
        prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]
        probe = subprocess.run(prefix + [BIN, "plugins", "tail"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=self.env())
        self.assertEqual(probe.returncode, 0, probe.stderr.decode(errors="replace")[-300:])
        return prefix

    def test_an_unreadable_file_is_warned_about_once_and_read_when_it_becomes_readable(self):
        prefix = self.setpriv_prefix()
        self.write("ok.log", ["readable %d" % i for i in range(100)])
        secret = ["secret %d" % i for i in range(50)]
        self.write("secret.log", secret)
        os.chmod(self.path("secret.log"), 0)
        config = self.pipeline([self.path("*.log")], read_from="beginning", refresh_interval="10ms")
        os.chmod(config, 0o644)
        agent = self.launch(config, prefix=prefix)
        lines = self.wait_for_lines(100, agent)
        self.assertEqual(lines, [b"readable %d" % i for i in range(100)])
        warning = f'cannot open "{self.path("secret.log")}": Permission denied'
        self.wait_until(lambda: warning in self.err_text(), "the warning", agent=agent)
        time.sleep(0.3)  # many refresh rounds
        self.assertIsNone(agent.poll(), self.err_text())
        self.write("ok.log", ["still read"])
        self.assertEqual(self.wait_for_lines(101, agent)[100:], [b"still read"])
        os.chmod(self.path("secret.log"), 0o644)
        # Found while running: read from its beginning.
        self.assertEqual(self.wait_for_lines(151, agent)[101:], [l.encode() for l in secret])
        self.assertEqual(self.terminate(agent), 0, self.err_text())
        err = self.err_text()
        self.assertEqual(err.count(warning), 1, err)
        self.assertEqual(err.count("secret.log"), 1, err)
        self.assertEqual(self.read("out.txt").count(b"\n"), 151)

    def test_paths_that_match_no_file_or_a_directory_are_looked_at_again(self):
        # test_tail covers the warnings and that other files are read; here: the agent keeps
        # looking, so a file that comes later under the pattern or in place of the
        # directory is read from its beginning.
        os.mkdir(self.path("dir.log"))
        self.write("ok.log", ["fine"])
        config = self.pipeline([self.path("*.log"), self.path("later-*.txt")], read_from="beginning",
                               refresh_interval="10ms")
        agent = self.launch(config)
        self.assertEqual(self.wait_for_lines(1, agent), [b"fine"])
        self.wait_until(lambda: "is a directory" in self.err_text() and "matches no file" in self.err_text(),
                        "the warnings", agent=agent)
        self.write("later-1.txt", ["later %d" % i for i in range(3)])
        self.assertEqual(self.wait_for_lines(4, agent)[1:], [b"later 0", b"later 1", b"later 2"])
        os.rmdir(self.path("dir.log"))
        self.write("dir.log", ["no longer a directory"])
        self.assertEqual(self.wait_for_lines(5, agent)[4:], [b"no longer a directory"])
        time.sleep(0.2)
        self.assertEqual(self.terminate(agent), 0, self.err_text())
        err = self.err_text()
        self.assertEqual(err.count('dir.log" is a directory'), 1, err)
        self.assertEqual(err.count('later-*.txt" matches no file'), 1, err)
        self.assertEqual(self.read("out.txt"), b"fine\nlater 0\nlater 1\nlater 2\nno longer a directory\n")

    def bytes_file(self):
        """Lines of bytes that are not all UTF-8 (with NULs), a 5 MiB line; the events they
        make with max_line_bytes = 1 MiB, as (message, partial)."""
        short = [
            b"caf\xc3\xa9 \xff \xe2\x82A \xed\xa0\x80 \xf0\x9f\x98\x80",
            b"nul\x00inside\x00",
            b"\x00",
            b"lone \x80 continuation, overlong \xc0\xaf, \xf4\x90\x80\x80 above U+10FFFF",
            b"",
            b"ctrl \x01\x1f\x7f tab\t quote\" backslash\\ slash/",
            b"cut at the end \xe2\x82",
            b"\xfe\xfe\xff",
        ]
        rng = random.Random(5)
        # Every byte value but the newline and the CR (a CR at a piece's end would read as
        # the CR of a CRLF), so pieces also cut UTF-8 sequences in two.
        alphabet = bytes(b for b in range(256) if b not in (10, 13))
        long = bytes(rng.choice(alphabet) for _ in range(4096)) * 1280 + b"the end"  # 5 MiB + 7
        mib = 1 << 20
        events = [(l, False) for l in short]
        events += [(long[i:i + mib], True) for i in range(0, 5 * mib, mib)] + [(long[5 * mib:], False)]
        events += [(b"crlf line", False), (b"after \xff the long line", False)]
        self.write_bytes("bytes.log", b"".join(l + b"\n" for l in short) + long + b"\ncrlf line\r\n"
                         b"after \xff the long line\n", "wb")
        return events

    def test_bytes_come_out_exactly_in_raw_and_repaired_in_json(self):
        events = self.bytes_file()
        paths = [self.path("bytes.log")]
        raw = self.pipeline(paths, name="raw.toml", service={"state_dir": self.path("state-raw")},
                            read_from="beginning", exit_on_eof=True, max_line_bytes="1MiB")
        rc, out, err = self.run_agent(["run", "-c", raw], timeout=60)
        self.assertEqual(rc, 0, err)
        expected = b"".join(m + b"\n" for m, _ in events)
        self.assertEqual(len(out), len(expected))
        self.assertEqual(out, expected)
        self.assertIn("long_lines=1", err)

        js = self.pipeline(paths, fmt="json", name="json.toml", service={"state_dir": self.path("state-json")},
                           read_from="beginning", exit_on_eof=True, max_line_bytes="1MiB")
        rc, out, err = self.run_agent(["run", "-c", js], timeout=60)
        self.assertEqual(rc, 0, err)
        bodies = self.json_bodies(out)
        self.assertEqual(len(bodies), len(events))
        for i, (body, (message, partial)) in enumerate(zip(bodies, events)):
            want = ('"message":' + json_string(message) + (',"partial":true' if partial else "")).encode()
            self.assertEqual(body, want, (i, body[:100], want[:100]))
            body.decode("utf-8")  # strictly valid UTF-8
        self.assertEqual([(len(m), p) for m, p in events[8:14]], [(1 << 20, True)] * 5 + [(7, False)])


if __name__ == "__main__":
    unittest.main()
