"""The tail input under rotation and file life-cycle events, on real files with real renames and
unlinks (and the real logrotate): rotation by rename + create under a steady writer, with the
rotated names matched by the glob or not; logrotate create and copytruncate; deleted files read
to their end and released; inotify and its polling fallback; 1,000 files followed at low idle
CPU; close_inactive, ignore_older and offset_field. What is expected is
docs/plugins/tail.md and the tail input's next-step specification."""
import bisect
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import unittest

from agent import BIN
from tail_support import (PacedWriter, TailTestCase, exactly_once_report, numbered, numbers_of,
                          order_report, sanitizer_runtime)

LOGROTATE = shutil.which("logrotate") or "/usr/sbin/logrotate"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def note(text):
    """Information for whoever reads the test log (not an assertion)."""
    print(text, file=sys.stderr, flush=True)


def stderr_tail(agent_err, lines=30):
    return "\nagent stderr (last lines):\n" + "\n".join(agent_err.splitlines()[-lines:])


class RenameRotation(TailTestCase):
    """A writer that rotates app.log itself: app.log.2 -> .3 (the oldest removed), .1 -> .2,
    app.log -> .1, a few more lines into the renamed file (the app has not reopened yet), then a
    new app.log. The agent must deliver every line exactly once, each file's lines in order."""

    TOTAL = 200_000
    EVERY = 20_000   # lines per file: a rotation about every 0.5 s
    RATE = 40_000    # lines per second
    BATCH = 5        # lines per write
    AFTER = 50       # lines written into the renamed file before the new one is created
    KEEP = 3

    def rotate_under_writer(self, paths, released_when_renamed, **options):
        log = self.path("app.log")
        open(log, "wb").close()
        agent = self.start(paths, read_from="beginning", refresh_interval="100ms", rotate_wait="500ms", **options)
        self.wait_for_checkpoint(agent)

        state = {"fd": os.open(log, os.O_WRONLY | os.O_APPEND), "reopen_at": None}
        starts = [0]  # the first line of each file, in write order

        def write(first, data):
            os.write(state["fd"], data)

        def hook(first):
            if first and first % self.EVERY == 0:
                oldest = f"{log}.{self.KEEP}"
                if os.path.exists(oldest):
                    os.unlink(oldest)
                for k in range(self.KEEP - 1, 0, -1):
                    if os.path.exists(f"{log}.{k}"):
                        os.rename(f"{log}.{k}", f"{log}.{k + 1}")
                os.rename(log, log + ".1")
                state["reopen_at"] = first + self.AFTER
            if first == state["reopen_at"]:
                os.close(state["fd"])
                state["fd"] = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o644)
                starts.append(first)

        writer = PacedWriter(self.TOTAL, self.RATE, self.BATCH, write, hook)
        writer.start()
        writer.join(120)
        os.close(state["fd"])
        self.assertIsNone(writer.error)
        self.assertEqual(len(starts), self.TOTAL // self.EVERY)

        agent.wait_lines(self.TOTAL)
        # Longer than rotate_wait and many refresh rounds: a rotated file released and then
        # found again by the glob, under its next name, would be read again by now.
        time.sleep(2)
        links = agent.fd_links()
        rc, lines, err = agent.stop()
        self.assertEqual(rc, 0, stderr_tail(err))
        arrived = numbers_of(lines)
        self.assertEqual(exactly_once_report(arrived, range(self.TOTAL)), "", stderr_tail(err))
        self.assertEqual(order_report(arrived, lambda n: bisect.bisect_right(starts, n)), "")
        # The files removed (the oldest rotated) are released; so are the rotated ones, rotate_wait
        # after their last growth, when their new names are not matched (a rotated file whose new
        # name matches the glob is followed on under it, as any matched file, until close_inactive).
        gone = [l for l in links if l.startswith(log) and l.endswith(" (deleted)")]
        self.assertEqual(gone, [], f"deleted files still open 2 s after their last line: {links}")
        if "close_inactive" in options:
            self.assertEqual([l for l in links if l.startswith(log)], [], f"idle files still open: {links}")
            return
        self.assertEqual(links.count(log), 1, links)
        if released_when_renamed:
            rotated = [l for l in links if l.startswith(log + ".")]
            self.assertEqual(rotated, [], f"rotated files still open 2 s after their last line: {links}")

    def test_rename_and_create_under_a_steady_writer_delivers_every_line_once(self):
        self.rotate_under_writer([self.path("app.log")], released_when_renamed=True)

    def test_rotated_names_matched_by_the_glob_are_not_read_again(self):
        self.rotate_under_writer([self.path("app.log*")], released_when_renamed=False)

    def test_rotated_files_closed_as_inactive_are_not_read_again_under_their_next_name(self):
        # Closed 300 ms after their last line, their positions kept: the scans that find them
        # as app.log.2, app.log.3 know them by device and inode (and first bytes).
        self.rotate_under_writer([self.path("app.log*")], released_when_renamed=False, close_inactive="300ms")


class Logrotate(TailTestCase):
    """The real logrotate, forced (-f) several times while a writer writes, with its own state file."""

    TOTAL = 150_000
    RATE = 30_000
    BATCH = 20
    ROTATIONS = 6
    PERIOD_S = 0.6

    def logrotate_config(self, mode):
        # rotate is more than the rotations: every rotated file is still there at the end.
        return self.write_config(f"""
            {self.path('app.log')} {{
                rotate 20
                {mode}
                nocompress
                missingok
            }}
            """, name="logrotate.conf")

    def force_rotations(self, conf, writer):
        """Runs logrotate -f every PERIOD_S while the writer writes; the (start, end) of each run."""
        runs = []
        while len(runs) < self.ROTATIONS and writer.is_alive():
            time.sleep(self.PERIOD_S)
            start = time.monotonic()
            proc = subprocess.run([LOGROTATE, "-f", "-s", self.path("logrotate.state"), conf],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
            runs.append((start, time.monotonic()))
            self.assertEqual(proc.returncode, 0, proc.stdout.decode("utf-8", "replace"))
        writer.join(120)
        self.assertIsNone(writer.error)
        self.assertEqual(len(runs), self.ROTATIONS, "the writer finished too early")
        return runs

    def files_after(self, rotations):
        """Line numbers in app.log.N (oldest first) and in app.log: one list per file."""
        log = self.path("app.log")
        files = []
        for k in range(rotations, 0, -1):
            with open(f"{log}.{k}", "rb") as f:
                files.append(numbers_of(f.read().split(b"\n")[:-1]))
        self.assertFalse(os.path.exists(f"{log}.{rotations + 1}"))
        with open(log, "rb") as f:
            files.append(numbers_of(f.read().split(b"\n")[:-1]))
        return files

    def test_logrotate_create_under_a_steady_writer_delivers_every_line_once(self):
        log = self.path("app.log")
        open(log, "wb").close()
        conf = self.logrotate_config("create")
        agent = self.start([log], read_from="beginning", refresh_interval="100ms", rotate_wait="500ms")
        self.wait_for_checkpoint(agent)

        def write(first, data):
            # The path is opened again for every batch, without O_CREAT: between logrotate's
            # rename and its create the name is missing for a moment.
            while True:
                try:
                    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
                    break
                except FileNotFoundError:
                    time.sleep(0.0005)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)

        writer = PacedWriter(self.TOTAL, self.RATE, self.BATCH, write)
        writer.start()
        self.force_rotations(conf, writer)
        files = self.files_after(self.ROTATIONS)
        # create mode itself loses nothing: every line is in one of the files.
        self.assertEqual(sorted(n for f in files for n in f), list(range(self.TOTAL)))

        agent.wait_lines(self.TOTAL)
        time.sleep(1)  # a line read twice would come by now
        rc, lines, err = agent.stop()
        self.assertEqual(rc, 0, stderr_tail(err))
        arrived = numbers_of(lines)
        self.assertEqual(exactly_once_report(arrived, range(self.TOTAL)), "", stderr_tail(err))
        file_of = {n: i for i, f in enumerate(files) for n in f}
        self.assertEqual(order_report(arrived, file_of.__getitem__), "")

    def test_logrotate_copytruncate_under_a_steady_writer_loses_only_the_truncation_windows(self):
        log = self.path("app.log")
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.addCleanup(os.close, fd)
        conf = self.logrotate_config("copytruncate")
        agent = self.start([log], read_from="beginning", refresh_interval="100ms")
        self.wait_for_checkpoint(agent)

        writer = PacedWriter(self.TOTAL, self.RATE, self.BATCH, lambda first, data: os.write(fd, data))
        writer.start()
        runs = self.force_rotations(conf, writer)
        files = self.files_after(self.ROTATIONS)  # the copies, oldest first, then app.log

        last = numbered(self.TOTAL - 1) + b"\n"
        self.assertTrue(self.wait_until(lambda: agent.out.endswith(last)),
                        f"the last line did not come: {agent.out.count()} lines" + stderr_tail(agent.stderr()))
        time.sleep(1)  # a line read twice would come by now
        rc, lines, err = agent.stop()
        self.assertEqual(rc, 0, stderr_tail(err))
        arrived = numbers_of(lines)
        got = set(arrived)
        present = set(n for f in files for n in f)
        neither = [n for n in arrived if n not in present]
        missing = sorted(present - got)
        note(f"\ncopytruncate: {len(arrived)} lines arrived, {len(present)} of {self.TOTAL} in the copies and "
             f"app.log; {len(neither)} arrived that are in neither (written between logrotate's copy and its "
             f"truncate); {len(missing)} of the copies not read before the truncation")

        # One file, read front to back: nothing twice, nothing out of order.
        self.assertEqual(exactly_once_report(arrived, got), "")
        self.assertEqual([n for a, n in zip(arrived, arrived[1:]) if n <= a][:10], [], "out of order")
        # Everything written after the last truncation arrives.
        self.assertEqual([n for n in files[-1] if n not in got][:10], [], stderr_tail(err))
        # Of each copy, the agent read a prefix: what it did not read before the truncation is
        # the copy's end, written shortly before logrotate ran (the file is polled every 100 ms
        # and watched by inotify; a second is ten rounds). Lines written between logrotate's
        # copy and its truncate are lost by copytruncate itself.
        for copy, (start, _) in zip(files[:-1], runs):
            unread = [i for i, n in enumerate(copy) if n not in got]
            if not unread:
                continue
            self.assertEqual(unread, list(range(unread[0], len(copy))), "a copy's unread lines are not its end")
            written = writer.written_at(copy[unread[0]])
            self.assertGreater(written, start - 1.0,
                               f"{len(unread)} lines of a copy never arrived, from line {copy[unread[0]]} written "
                               f"{start - written:.3f} s before logrotate ran" + stderr_tail(err))


def all_threads_stopped(pid):
    """Every thread of the process is in state T (stopped by a signal)."""
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        if state != "T":
            return False
    return True


class DeletedFiles(TailTestCase):
    def test_a_deleted_file_is_read_to_its_end_then_released(self):
        log = self.path("app.log")
        before = ["before %d" % i for i in range(100)]
        after = ["after deletion %d" % i for i in range(100)]
        self.write("app.log", before)
        # rotate_wait is long: a deleted file is released at once, not rotate_wait later.
        agent = self.start([log], read_from="beginning", refresh_interval="100ms", rotate_wait="1m")
        self.assertEqual(agent.wait_lines(len(before)), len(before), agent.stderr())
        fd = os.open(log, os.O_WRONLY | os.O_APPEND)
        fds_before = len(agent.fd_links())
        self.assertEqual(agent.fds_on(log), 1, agent.fd_links())
        # The agent is stopped while the file is deleted and the rest written through the
        # descriptor kept open: it then finds a deleted file with lines it has not read (were
        # it running, it could release the file between the unlink and the write, as it should).
        os.kill(agent.pid, signal.SIGSTOP)
        try:
            # SIGSTOP is delivered asynchronously: a thread running on the other core may
            # still see the unlink before the write unless every thread is seen stopped.
            self.assertTrue(self.wait_until(lambda: all_threads_stopped(agent.pid), timeout=5),
                            "the agent did not stop")
            os.unlink(log)
            os.write(fd, "".join(line + "\n" for line in after).encode())
            os.close(fd)
        finally:
            os.kill(agent.pid, signal.SIGCONT)
        self.assertEqual(agent.wait_lines(len(before) + len(after)), len(before) + len(after), agent.stderr())
        released = self.wait_until(lambda: agent.fds_on(log) == 0, timeout=5)
        links = agent.fd_links()
        time.sleep(0.3)  # nothing more comes
        rc, lines, err = agent.stop()
        self.assertEqual(rc, 0, err)
        self.assertEqual(lines, [line.encode() for line in before + after])
        self.assertTrue(released, f"the deleted file is still open 5 s after it was read to its end "
                                  f"({fds_before} descriptors before, {len(links)} after): {links}")
        self.assertEqual([l for l in links if l.endswith(" (deleted)")], [])


class Inotify(TailTestCase):
    def appended_and_created_arrive_within_3s(self, **options):
        os.mkdir(self.path("logs"))
        self.write("logs/a.log", ["there before"])
        agent = self.start([self.path("logs/*.log")], **options)
        self.wait_for_checkpoint(agent)
        time.sleep(0.3)  # past the first scan, whatever the order of its steps
        t = time.monotonic()
        self.write("logs/a.log", ["appended"])
        agent.wait_lines(1, timeout=3)
        self.assertEqual(agent.lines(), [b"appended"], f"after {time.monotonic() - t:.2f} s" + stderr_tail(agent.stderr()))
        t = time.monotonic()
        self.write("logs/b.log", ["in a new file"])
        agent.wait_lines(2, timeout=3)
        self.assertEqual(agent.lines(), [b"appended", b"in a new file"],
                         f"after {time.monotonic() - t:.2f} s" + stderr_tail(agent.stderr()))
        rc, lines, err = agent.stop()
        self.assertEqual(rc, 0, err)
        self.assertEqual(lines, [b"appended", b"in a new file"])

    def test_inotify_makes_appends_and_new_files_prompt_with_a_refresh_of_an_hour(self):
        self.appended_and_created_arrive_within_3s(refresh_interval="1h")

    def test_without_inotify_polling_finds_them(self):
        self.appended_and_created_arrive_within_3s(refresh_interval="100ms", inotify=False)


class ManyFiles(TailTestCase):
    def test_a_thousand_files_all_read_then_idle_at_low_cpu(self):
        count = 1000
        os.mkdir(self.path("dir"))
        names = [self.path("dir/%04d.log" % i) for i in range(count)]
        for name in names:
            open(name, "wb").close()
        # The default refresh_interval (1 s). An instrumented agent (ASan, TSan) expands the
        # glob and stats 1,000 files tens of times slower: it polls every 5 s instead, and
        # must still not be near a whole CPU.
        sanitizer = sanitizer_runtime(BIN)
        options = {"refresh_interval": "5s"} if sanitizer else {}
        agent = self.start([self.path("dir/*.log")], **options)
        self.wait_for_checkpoint(agent)
        time.sleep(0.3)
        for i, name in enumerate(names):
            with open(name, "ab") as f:
                f.write(b"file %04d\n" % i)
        agent.wait_lines(count)
        self.assertEqual(sorted(agent.lines()), [b"file %04d" % i for i in range(count)],
                         stderr_tail(agent.stderr()))
        # The lines are delivered; their acknowledgements and checkpoint saves may still be
        # under way (an instrumented agent takes seconds for 1,000 of them). Idle is when a
        # second passes with the CPU under the bound; a pinned CPU never gets there.
        bound = 0.5 if sanitizer else 0.10
        settle_deadline = time.monotonic() + (30 if sanitizer else 10)
        while time.monotonic() < settle_deadline:
            s0, sc0 = time.monotonic(), agent.cpu_ticks()
            time.sleep(1)
            if (agent.cpu_ticks() - sc0) / CLK_TCK / (time.monotonic() - s0) < bound:
                break
        t0, c0 = time.monotonic(), agent.cpu_ticks()
        time.sleep(3)
        t1, c1 = time.monotonic(), agent.cpu_ticks()
        share = (c1 - c0) / CLK_TCK / (t1 - t0)
        note(f"\n1,000 idle files: {c1 - c0} clock ticks of CPU in {t1 - t0:.2f} s ({share:.1%} of one CPU)")
        rc, lines, err = agent.stop()
        self.assertEqual(rc, 0, stderr_tail(err))
        self.assertEqual(len(lines), count)
        self.assertLess(share, bound, f"{c1 - c0} ticks in {t1 - t0:.2f} s ({sanitizer})")


class CloseInactive(TailTestCase):
    def test_an_idle_file_is_closed_and_reopened_when_it_grows(self):
        log = self.path("app.log")
        first = ["line %d" % i for i in range(10)]
        self.write("app.log", first)
        agent = self.start([log], read_from="beginning", refresh_interval="100ms", close_inactive="300ms")
        self.assertEqual(agent.wait_lines(len(first)), len(first), agent.stderr())
        self.assertTrue(self.wait_until(lambda: agent.fds_on(log) == 0, timeout=5),
                        f"still open after 5 s idle: {agent.fd_links()}" + stderr_tail(agent.stderr()))
        self.write("app.log", ["after it was closed"])
        agent.wait_lines(len(first) + 1)
        time.sleep(0.5)  # a doubled line would come by now
        self.assertEqual(agent.lines(), [l.encode() for l in first] + [b"after it was closed"],
                         stderr_tail(agent.stderr()))
        # Idle again: closed again.
        self.assertTrue(self.wait_until(lambda: agent.fds_on(log) == 0, timeout=5), agent.fd_links())
        rc, lines, err = agent.stop()
        self.assertEqual(rc, 0, err)
        self.assertEqual(lines, [l.encode() for l in first] + [b"after it was closed"])


class IgnoreOlder(TailTestCase):
    def test_an_old_file_is_not_read_until_it_is_modified_then_from_its_beginning(self):
        old, fresh = self.path("old.log"), self.path("fresh.log")
        self.write("old.log", ["old 1", "old 2"])
        two_hours_ago = time.time() - 7200
        os.utime(old, (two_hours_ago, two_hours_ago))
        self.write("fresh.log", ["fresh, before the start"])
        # read_from "end": the fresh file's line is skipped; the old one, once modified, is
        # read from its beginning all the same.
        agent = self.start([self.path("*.log")], refresh_interval="100ms", ignore_older="1h")
        self.wait_for_checkpoint(agent)
        time.sleep(0.3)
        self.write("fresh.log", ["fresh, after the start"])
        agent.wait_lines(1)
        time.sleep(0.5)  # several scans
        self.assertEqual(agent.lines(), [b"fresh, after the start"], stderr_tail(agent.stderr()))
        self.assertEqual(agent.fds_on(old), 0, "the old file was opened")
        self.assertEqual(agent.fds_on(fresh), 1)
        self.write("old.log", ["old 3"])
        agent.wait_lines(4)
        time.sleep(0.3)
        rc, lines, err = agent.stop()
        self.assertEqual(rc, 0, err)
        self.assertEqual(lines, [b"fresh, after the start", b"old 1", b"old 2", b"old 3"])


class OffsetField(TailTestCase):
    def events(self, lines):
        """Each JSON line without its @timestamp (checked by json_bodies), as a dict."""
        return [json.loads(b"{" + body + b"}") for body in self.json_bodies(b"".join(l + b"\n" for l in lines))]

    def test_every_event_carries_the_byte_offset_of_its_first_byte(self):
        content = "abc\n\nhéllo\nx\r\n" + "0123456789" * 3 + "\nlast, no newline"
        with open(self.path("app.log"), "wb") as f:
            f.write(content.encode())
        rc, out, err = self.run_agent(["run", "-c", self.pipeline([self.path("app.log")], fmt="json",
                                                                  read_from="beginning", exit_on_eof=True,
                                                                  offset_field="off")], timeout=60)
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.events(out.split(b"\n")[:-1]), [
            {"message": "abc", "off": 0},
            {"message": "", "off": 4},
            {"message": "héllo", "off": 5},  # 6 bytes
            {"message": "x", "off": 12},     # then "\r\n"
            {"message": "0123456789" * 3, "off": 15},
            {"message": "last, no newline", "off": 46, "partial": True},
        ])

    def test_pieces_of_a_split_line_carry_their_own_offsets(self):
        self.write("app.log", ["first", "0123456789abcdefghijKLM", "after"])
        rc, out, err = self.run_agent(["run", "-c", self.pipeline([self.path("app.log")], fmt="json",
                                                                  read_from="beginning", exit_on_eof=True,
                                                                  offset_field="off", max_line_bytes=10)],
                                      timeout=60)
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.events(out.split(b"\n")[:-1]), [
            {"message": "first", "off": 0},
            {"message": "0123456789", "off": 6, "partial": True},
            {"message": "abcdefghij", "off": 16, "partial": True},
            {"message": "KLM", "off": 26},
            {"message": "after", "off": 30},
        ])

    def test_offsets_count_from_the_start_of_the_file_not_of_the_reading(self):
        self.write("app.log", ["x" * 99])  # 100 bytes skipped (read_from "end")
        agent = self.start([self.path("app.log")], fmt="json", refresh_interval="100ms", offset_field="off")
        self.wait_for_checkpoint(agent)
        self.write("app.log", ["one", "two"])
        agent.wait_lines(2)
        rc, lines, err = agent.stop()
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.events(lines), [{"message": "one", "off": 100}, {"message": "two", "off": 104}])


if __name__ == "__main__":
    unittest.main()
