"""The installed tree: the agent finds its plugins next to itself, the installed default
pipeline tells how to run it by its installed path, and a third-party plugin builds against
the installed SDK with find_package(logagent_sdk)."""
import os
import re
import shutil
import subprocess
import unittest

from agent import AgentTestCase, SOURCE_DIR, BIN

BUILD_DIR = os.path.dirname(BIN)


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

        # The installed default pipeline suggests a command with its installed path, and it works.
        installed_default = os.path.join(prefix, "etc", "logagent", "default.toml")
        self.assertEqual(self.suggested_command(installed_default), ("hello\\nworld\\n", installed_default))
        self.assertTrue(os.path.exists(os.path.join(prefix, "etc", "logagent", "stdin-null.toml")))
        proc = subprocess.run([agent, "run", installed_default], input=b"hello\nworld\n", stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=self.env(), check=False)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertEqual(self.json_bodies(proc.stdout), [b'"message":"hello"', b'"message":"world"'])

        # A third party's build: a separate CMake project that knows only the install prefix.
        example_build = self.path("example-build")
        subprocess.run(["cmake", "-S", os.path.join(SOURCE_DIR, "sdk", "example"), "-B", example_build,
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

    def suggested_command(self, config):
        """(input, file) of the `Try: printf '...' | logagent run FILE` comment of a pipeline."""
        with open(config) as f:
            m = re.search(r"Try: printf '([^']*)' \| logagent run (\S+)", f.read())
        self.assertIsNotNone(m, config)
        return m.group(1), m.group(2)

    def test_the_source_default_pipeline_names_its_source_path(self):
        self.assertEqual(self.suggested_command(os.path.join(SOURCE_DIR, "configs", "default.toml")),
                         ("hello\\nworld\\n", "configs/default.toml"))

    def test_staged_install_names_the_final_path_not_the_staging_folder(self):
        # A packager's `DESTDIR=... cmake --install`: the files land in the staging folder,
        # the comment names where they will be once the package is installed.
        staging = self.path("staging")
        subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", "/opt/logagent", "--component", "runtime"],
                       check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, DESTDIR=staging))
        staged = os.path.join(staging, "opt", "logagent", "etc", "logagent", "default.toml")
        self.assertEqual(self.suggested_command(staged)[1], "/opt/logagent/etc/logagent/default.toml")


if __name__ == "__main__":
    unittest.main()
