"""Positions kept in service.state_dir: saved only after acknowledgement, atomically, and
resumed after a restart. The fixture_lines input keeps its checkpoint with the SDK's ack
tracker and the host's state store, as the file tail input does; kill -9 at random moments
loses no line, and a clean stop sends nothing twice."""
import collections
import os
import random
import signal
import time
import unittest

from agent import AgentTestCase, FIXTURES

FIXTURE_PATH = os.path.join(FIXTURES, "ack") + ":" + os.path.join(FIXTURES, "lines")
INTERVAL_NS = 50_000_000


def written_lines(path):
    """(monotonic ns, message) of every line fixture_ack was given, in write order."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path, "rb") as f:
        for line in f.read().split(b"\n")[:-1]:
            call, status, t, message = line.split(b"\t", 3)
            out.append((int(t), message.decode()))
    return out


class Checkpoints(AgentTestCase):
    def pipeline(self, run, count, delay="0s", queue="64KiB"):
        return self.write_config(f"""
            [service]
            state_dir = "{self.path('state')}"
            state_flush_interval = "50ms"
            queue_max_bytes = "{queue}"

            [[inputs]]
            type = "fixture_lines"
            count = {count}
            per_batch = 50
            resume = true

            [[outputs]]
            type = "fixture_ack"
            record_path = "{self.path(f'record-{run}.tsv')}"
            complete_delay = "{delay}"
            """, name=f"pipeline-{run}.toml")

    def test_kill_9_loses_nothing_and_repeats_only_the_last_moments(self):
        count = 400_000
        rng = random.Random(7)
        runs, kills = 0, 0
        while True:
            # A small queue and a slow output: about 100,000 lines/s, so kills land mid-run.
            config = self.pipeline(runs, count, delay="1ms", queue="8KiB")
            agent = self.start_agent(["run", "-c", config], plugin_path=FIXTURE_PATH)
            runs += 1
            if kills < 10:
                time.sleep(rng.uniform(0.2, 0.6))
                if agent.poll() is None:
                    agent.kill()
                    agent.communicate(timeout=60)
                    if agent.returncode == 0:
                        break  # it finished in the moment before the kill
                    self.assertEqual(agent.returncode, -signal.SIGKILL)
                    kills += 1
                    continue
            _, err = agent.communicate(timeout=300)
            self.assertEqual(agent.returncode, 0, err.decode())
            break
        self.assertGreaterEqual(kills, 5)
        sent = [written_lines(self.path(f"record-{run}.tsv")) for run in range(runs)]
        seen = collections.Counter(m for lines in sent for _, m in lines)
        self.assertEqual(set(seen), {"line-%d" % i for i in range(1, count + 1)})  # nothing lost
        twice = sum(n - 1 for n in seen.values())
        print(f"\n{kills} kill -9: {twice} of {count} lines sent twice")
        # What a restart sends again is what the killed run had not yet acknowledged and
        # checkpointed: at most the lines written in its last moments (a few state
        # intervals, plus what was in flight), never older ones.
        for run in range(runs - 1):
            if not sent[run]:
                continue
            again = {m for _, m in sent[run + 1]} & {m for _, m in sent[run]}
            last_ns = sent[run][-1][0]
            recent = {m for t, m in sent[run] if t >= last_ns - 10 * INTERVAL_NS - 500_000_000}
            self.assertLessEqual(again, recent | set(m for _, m in sent[run][-2000:]), run)

    def test_a_clean_stop_and_a_restart_send_nothing_twice(self):
        count = 100_000
        config = self.pipeline(0, count, delay="2ms", queue="8KiB")
        agent = self.start_agent(["run", "-c", config], plugin_path=FIXTURE_PATH)
        time.sleep(0.5)
        agent.send_signal(signal.SIGTERM)
        _, err = agent.communicate(timeout=60)
        self.assertEqual(agent.returncode, 0, err.decode())
        first = [m for _, m in written_lines(self.path("record-0.tsv"))]
        self.assertGreater(len(first), 0)
        self.assertLess(len(first), count)  # it really stopped in the middle
        state = os.path.join(self.path("state"), "fixture_lines.fixture_lines", "checkpoint")
        with open(state) as f:
            self.assertEqual(f.read(), first[-1].split("-")[1])  # the last line delivered
        self.assertEqual(os.stat(os.path.dirname(state)).st_mode & 0o777, 0o700)

        rc, out, err = self.run_agent(["run", "-c", self.pipeline(1, count)], plugin_path=FIXTURE_PATH)
        self.assertEqual(rc, 0, err)
        second = [m for _, m in written_lines(self.path("record-1.tsv"))]
        self.assertEqual(first + second, ["line-%d" % i for i in range(1, count + 1)])

    def test_an_unusable_state_folder_fails_create_with_the_reason(self):
        with open(self.path("state"), "w") as f:
            f.write("a file where the state folder should be")
        rc, out, err = self.run_agent(["run", "-c", self.pipeline(0, 10)], plugin_path=FIXTURE_PATH)
        self.assertEqual(rc, 1, err)
        self.assertIn('inputs[0] (type "fixture_lines"): cannot start: cannot create the state folder', err)

    def test_a_plugin_refusing_an_option_in_create_points_at_that_option(self):
        config = self.write_config(f"""
            [service]
            state_dir = "{self.path('state')}"

            [[inputs]]
            type = "fixture_lines"
            count = 10
            threads = 2
            resume = true

            [[outputs]]
            type = "null"
            """)
        rc, out, err = self.run_agent(["check", "-c", config], plugin_path=FIXTURE_PATH)
        self.assertEqual(rc, 1, err)
        self.assertIn(config + ':9:10: inputs[0] (type "fixture_lines"): cannot start: option "resume": '
                      'resume needs threads = 1', err)


if __name__ == "__main__":
    unittest.main()
