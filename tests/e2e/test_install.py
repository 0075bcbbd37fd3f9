"""The installed tree: the agent finds its plugins next to itself, the installed default
pipeline tells how to run it by its installed path and reads the installed sample logs, and
a third-party plugin builds against the installed SDK with find_package(logagent_sdk)."""
import glob
import os
import re
import shutil
import signal
import subprocess
import unittest

from agent import AgentTestCase, SOURCE_DIR, BIN

BUILD_DIR = os.path.dirname(BIN)
KCAT = shutil.which("kcat") or shutil.which("kafkacat")


class InstalledTree(AgentTestCase):
    def test_install_then_build_and_load_the_sdk_example(self):
        prefix = self.path("prefix")
        subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", prefix], check=True, stdout=subprocess.DEVNULL)
        agent = os.path.join(prefix, "bin", "logagent")
        self.assertTrue(os.path.exists(os.path.join(prefix, "include", "logagent", "plugin.h")))

        # The installed binary finds its built-in plugins relative to itself.
        out = subprocess.run([agent, "plugins"], check=True, stdout=subprocess.PIPE, env=self.env()).stdout.decode()
        self.assertRegex(out, r"(?m)^input\s+stdin\s")
        self.assertRegex(out, r"(?m)^output\s+stdout\s")

        # The installed default pipeline suggests a command with its installed path, and it works
        # from anywhere: it reads the installed sample logs, to the installed local broker.
        installed_default = os.path.join(prefix, "etc", "logagent", "default.toml")
        self.assertEqual(self.suggested_command(installed_default), installed_default)
        self.assertTrue(os.path.exists(os.path.join(prefix, "etc", "logagent", "stdin-null.toml")))
        samples = sorted(glob.glob(os.path.join(prefix, "share", "logagent", "sample", "*.access.log")))
        self.assertEqual([os.path.basename(p) for p in samples],
                         ["api.access.log", "shop.access.log", "static.access.log"])
        self.assertFalse(os.path.exists(os.path.join(prefix, "etc", "logagent", "sample")))
        with self.subTest("the installed default pipeline, to the installed local broker"):
            self.run_installed_default(prefix, installed_default, samples)

        # A third party's build: a separate CMake project that knows only the install prefix.
        example_build = self.path("example-build")
        subprocess.run(["cmake", "-S", os.path.join(SOURCE_DIR, "sdk", "examples", "upper_filter"), "-B", example_build,
                        "-DCMAKE_PREFIX_PATH=" + prefix], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["cmake", "--build", example_build], check=True, stdout=subprocess.DEVNULL)
        plugin_dir = self.path("third-party")
        os.mkdir(plugin_dir)
        shutil.copy(os.path.join(example_build, "filter_upper.so"), plugin_dir)
        exported = subprocess.run(["nm", "-D", "--defined-only", os.path.join(plugin_dir, "filter_upper.so")],
                                  check=True, stdout=subprocess.PIPE).stdout.decode().split()
        self.assertEqual([s for s in exported if not s in ("T",) and not all(c in "0123456789abcdef" for c in s)],
                         ["logagent_plugin_entry"])

        config = self.write_config("""
            [[inputs]]
            type = "stdin"
            tag = "app"

            [[filters]]
            type = "upper"
            match = "app"

            [[outputs]]
            type = "stdout"
            format = "raw"
            """)
        proc = subprocess.run([agent, "run", "-c", config], input=b"hello\nMixed Case 42\n", stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=self.env(plugin_dir), check=False)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertEqual(proc.stdout, b"HELLO\nMIXED CASE 42\n")
        self.assertIn('filters[0] (type "upper"): errors=0 changed=2', proc.stderr.decode())

        # Installed with the example's own install rule, it joins the agent's built-in plugins.
        subprocess.run(["cmake", "--install", example_build], check=True, stdout=subprocess.DEVNULL)
        proc = subprocess.run([agent, "run", "-c", config], input=b"again\n", stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=self.env(), check=False)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertEqual(proc.stdout, b"AGAIN\n")

    def run_installed_default(self, prefix, installed_default, samples):
        if KCAT is None:
            self.skipTest("kcat is not installed (apt-get install kcat): the local broker's client")
        bootstrap_file = self.path("bootstrap")
        broker = subprocess.Popen([os.path.join(prefix, "bin", "logagent-broker"), "--topic", "nginx",
                                   "--bootstrap-file", bootstrap_file], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: broker.poll() is not None or (broker.kill(), broker.wait()))
        bootstrap = broker.stdout.readline().decode().strip()
        self.assertTrue(bootstrap)
        env = self.env()
        for name in ("LOGAGENT_SAMPLE_LOGS", "LOGAGENT_STATE_DIR"):
            env.pop(name, None)  # the installed fallbacks are under test
        env["LOGAGENT_KAFKA_BROKERS"] = bootstrap
        env["LOGAGENT_STATE_DIR"] = self.path("state")
        # From a folder of its own: nothing may depend on the source tree or the working directory.
        proc = subprocess.run([os.path.join(prefix, "bin", "logagent"), "run", installed_default], cwd=self.dir,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=300, check=False)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        lines = 0
        for p in samples:
            with open(p, "rb") as f:
                lines += f.read().count(b"\n")
        bodies = self.json_bodies(proc.stdout)
        self.assertEqual(len(bodies), lines)
        files = {m.group(1).decode() for m in (re.search(rb'"file":"([^"]*)"', b) for b in bodies)}
        self.assertEqual(files, set(samples))
        marks = 0
        for p in range(3):
            q = subprocess.run([KCAT, "-Q", "-b", bootstrap, "-t", f"nginx:{p}:-1"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=60, check=False)
            self.assertEqual(q.returncode, 0, q.stderr.decode())
            marks += int(q.stdout.decode().split("offset")[1])
        self.assertEqual(marks, lines)
        broker.send_signal(signal.SIGTERM)
        self.assertEqual(broker.wait(timeout=30), 0)

    def suggested_command(self, config):
        """The file of the `logagent run FILE` command a pipeline's comment suggests."""
        with open(config) as f:
            m = re.search(r"logagent run (\S+)", f.read())
        self.assertIsNotNone(m, config)
        return m.group(1)

    def sample_paths(self, config):
        """The tail input's paths option (with its environment variable) of a pipeline."""
        with open(config) as f:
            m = re.search(r"(?m)^paths\s*=\s*(.*)$", f.read())
        self.assertIsNotNone(m, config)
        return m.group(1).split("#")[0].strip()

    def test_the_source_default_pipeline_names_its_source_paths(self):
        config = os.path.join(SOURCE_DIR, "configs", "default.toml")
        self.assertEqual(self.suggested_command(config), "configs/default.toml")
        self.assertEqual(self.sample_paths(config), '["${LOGAGENT_SAMPLE_LOGS:-configs/sample/*.access.log}"]')

    def test_staged_install_names_the_final_path_not_the_staging_folder(self):
        # A packager's `DESTDIR=... cmake --install`: the files land in the staging folder,
        # the comment names where they will be once the package is installed.
        staging = self.path("staging")
        subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", "/opt/logagent", "--component", "runtime"],
                       check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, DESTDIR=staging))
        staged = os.path.join(staging, "opt", "logagent", "etc", "logagent", "default.toml")
        self.assertEqual(self.suggested_command(staged), "/opt/logagent/etc/logagent/default.toml")
        self.assertEqual(self.sample_paths(staged),
                         '["${LOGAGENT_SAMPLE_LOGS:-/opt/logagent/share/logagent/sample/*.access.log}"]')
        self.assertTrue(os.path.exists(os.path.join(staging, "opt", "logagent", "share", "logagent", "sample",
                                                    "shop.access.log")))


if __name__ == "__main__":
    unittest.main()
