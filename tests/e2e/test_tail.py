"""The tail input on real files: globs, exclusions, read_from, path_field, checkpoints across
a restart, copytruncate, and warnings for paths it cannot follow (the agent keeps running)."""
import json
import os
import select
import signal
import time
import unittest

from tail_support import DEADLINE_S, TailTestCase


class Tail(TailTestCase):
    def run_config(self, config):
        return self.run_agent(["run", "-c", config], timeout=60)

    def read_lines(self, agent, count, buffer):
        """Reads the running agent's stdout until `count` lines came (or the deadline)."""
        deadline = time.monotonic() + DEADLINE_S
        while buffer[0].count(b"\n") < count and time.monotonic() < deadline:
            ready, _, _ = select.select([agent.stdout], [], [], 0.1)
            if ready:
                chunk = os.read(agent.stdout.fileno(), 65536)
                if not chunk:
                    break
                buffer[0] += chunk
        return buffer[0].split(b"\n")[:-1]

    def stop(self, agent, buffer):
        agent.send_signal(signal.SIGTERM)
        rest, err = agent.communicate(timeout=30)
        buffer[0] += rest
        return agent.returncode, buffer[0].split(b"\n")[:-1], err.decode("utf-8", "replace")

    def test_read_from_beginning_delivers_every_line_of_two_files_once_and_exits(self):
        a = ["a line %05d " % i + "x" * (i % 300) for i in range(20000)]
        b = ["b line %05d" % i for i in range(15000)]
        self.write("a.log", a)
        self.write("b.log", b)
        rc, out, err = self.run_config(self.pipeline([self.path("*.log")], read_from="beginning", exit_on_eof=True))
        self.assertEqual(rc, 0, err)
        # Files are read in glob order, each from start to end.
        self.assertEqual(out.decode().split("\n")[:-1], a + b)

    def test_path_field_is_on_every_event(self):
        self.write("one.log", ["first", "second"])
        self.write("two.log", ['with "quotes"'])
        rc, out, err = self.run_config(self.pipeline([self.path("one.log"), self.path("two.log")], fmt="json",
                                                     read_from="beginning", exit_on_eof=True, path_field="file"))
        self.assertEqual(rc, 0, err)
        one, two = json.dumps(self.path("one.log")), json.dumps(self.path("two.log"))
        self.assertEqual(self.json_bodies(out), [
            f'"message":"first","file":{one}'.encode(),
            f'"message":"second","file":{one}'.encode(),
            f'"message":"with \\"quotes\\"","file":{two}'.encode(),
        ])

    def test_exclude_by_name_and_by_path(self):
        os.mkdir(self.path("sub"))
        self.write("keep.log", ["kept"])
        self.write("skip.log.gz", ["by name"])
        self.write("sub/other.log", ["by path"])
        rc, out, err = self.run_config(self.pipeline([self.path("*.log*"), self.path("sub/*")], read_from="beginning",
                                                     exit_on_eof=True, exclude=["*.gz", self.path("sub/*.log")]))
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, b"kept\n")

    def test_read_from_end_skips_what_was_there_before_start(self):
        self.write("app.log", ["old %d" % i for i in range(100)])
        agent = self.start_agent(["run", "-c", self.pipeline([self.path("app.log")], refresh_interval="20ms")],
                                 stdin=None)
        buffer = [b""]
        self.wait_for_checkpoint()
        new = ["new %d" % i for i in range(50)]
        self.write("app.log", new)
        self.assertEqual(self.read_lines(agent, len(new), buffer), [l.encode() for l in new])
        rc, out, err = self.stop(agent, buffer)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, [l.encode() for l in new])

    def test_a_line_written_in_pieces_is_one_event_once_its_newline_comes(self):
        self.write("app.log", [])
        agent = self.start_agent(["run", "-c", self.pipeline([self.path("app.log")], refresh_interval="20ms")],
                                 stdin=None)
        buffer = [b""]
        self.wait_for_checkpoint()
        with open(self.path("app.log"), "a") as f:
            f.write("first half, ")
            f.flush()
            # Many polls and an inotify report later, nothing may have come out.
            ready, _, _ = select.select([agent.stdout], [], [], 0.5)
            self.assertEqual(ready, [], os.read(agent.stdout.fileno(), 65536) if ready else b"")
            f.write("second half\nnext\n")
        self.assertEqual(self.read_lines(agent, 2, buffer), [b"first half, second half", b"next"])
        rc, out, err = self.stop(agent, buffer)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, [b"first half, second half", b"next"])

    def test_a_restart_resumes_at_the_checkpoint_and_sends_nothing_twice(self):
        first = ["first %d" % i for i in range(3000)]
        self.write("app.log", first)
        config = self.pipeline([self.path("app.log")], read_from="beginning", exit_on_eof=True)
        rc, out, err = self.run_config(config)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.decode().split("\n")[:-1], first)
        second = ["second %d" % i for i in range(2000)]
        self.write("app.log", second)
        rc, out, err = self.run_config(config)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.decode().split("\n")[:-1], second)
        rc, out, err = self.run_config(config)  # nothing new: nothing sent
        self.assertEqual((rc, out), (0, b""), err)

    def test_a_new_file_in_a_reused_inode_is_read_from_its_start(self):
        self.write("app.log", ["x" * 100] * 10)
        config = self.pipeline([self.path("app.log")], read_from="beginning", exit_on_eof=True)
        rc, out, err = self.run_config(config)
        self.assertEqual(rc, 0, err)
        # Rewritten in place: same device and inode, other first bytes, longer than before.
        self.write("app.log", ["y%d " % i + "y" * 100 for i in range(20)], mode="r+")
        rc, out, err = self.run_config(config)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.decode().split("\n")[:-1], ["y%d " % i + "y" * 100 for i in range(20)])
        self.assertIn("reused inode", err)

    def test_copytruncate_is_read_again_from_the_start(self):
        before = ["before truncation, a long line %d" % i for i in range(200)]
        self.write("app.log", before)
        agent = self.start_agent(["run", "-c", self.pipeline([self.path("app.log")], read_from="beginning",
                                                             refresh_interval="20ms")], stdin=None)
        buffer = [b""]
        self.assertEqual(len(self.read_lines(agent, len(before), buffer)), len(before))
        after = ["after %d" % i for i in range(20)]  # fewer bytes than were read
        with open(self.path("app.log"), "r+") as f:
            f.truncate(0)
        self.write("app.log", after)
        lines = self.read_lines(agent, len(before) + len(after), buffer)
        rc, out, err = self.stop(agent, buffer)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, [l.encode() for l in before + after])
        self.assertIn("was truncated", err)

    def test_paths_it_cannot_follow_are_warned_about_once_and_the_agent_keeps_running(self):
        os.mkdir(self.path("dir.log"))
        self.write("ok.log", ["fine"])
        agent = self.start_agent(["run", "-c", self.pipeline(
            [self.path("*.log"), self.path("nothing-*.txt")], read_from="beginning", refresh_interval="10ms")],
            stdin=None)
        buffer = [b""]
        self.assertEqual(self.read_lines(agent, 1, buffer), [b"fine"])
        time.sleep(0.3)  # many refresh rounds
        self.assertIsNone(agent.poll())
        self.write("ok.log", ["still read"])
        self.assertEqual(self.read_lines(agent, 2, buffer), [b"fine", b"still read"])
        rc, out, err = self.stop(agent, buffer)
        self.assertEqual(rc, 0, err)
        self.assertEqual(err.count('dir.log" is a directory'), 1, err)
        self.assertEqual(err.count("nothing-*.txt\" matches no file"), 1, err)


if __name__ == "__main__":
    unittest.main()
