"""A third party's plugins, built from sdk/examples/ against an installed tree and nothing
else: the filter in plain C and the output in C++, each a CMake project of its own, loaded
through LOGAGENT_PLUGIN_PATH and through service.plugin_dirs; the C filter once more with
pkg-config and a bare compiler; and the whole tree moved elsewhere, still finding its
plugins and still building them."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from agent import AgentTestCase, SOURCE_DIR, BIN, TIMESTAMP

BUILD_DIR = os.path.dirname(BIN)
EXAMPLES = os.path.join(SOURCE_DIR, "sdk", "examples")
# (example folder, library it builds)
C_FILTER = ("truncate_filter", "filter_truncate.so")
CPP_OUTPUT = ("jsonl_file_output", "out_jsonl_file.so")

# What goes in, and what the file holds after truncate (max_bytes = 5) and jsonl_file: a
# value of 5 bytes or fewer is left alone; a longer one is cut, never inside a UTF-8
# character ("é" is 2 bytes, "€" 3), and flagged.
LINES = "hello world\nabc\nhello\nhéllo\nhél€o\n".encode()
EXPECTED = [
    {"message": "hello", "truncated": True},
    {"message": "abc"},
    {"message": "hello"},
    {"message": "héll", "truncated": True},
    {"message": "hél", "truncated": True},
]

PIPELINE = """
{service}
[[inputs]]
type = "stdin"
tag  = "app"

[[filters]]
type      = "truncate"
match     = "app"
max_bytes = 5

[[outputs]]
type  = "jsonl_file"
path  = "{path}"
fsync = {fsync}
"""


def run(args, **kwargs):
    """Runs a build step; fails with its whole output when it fails."""
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False, **kwargs)
    if proc.returncode != 0:
        raise AssertionError("%s failed:\n%s" % (" ".join(args), proc.stdout.decode(errors="replace")))
    return proc.stdout.decode(errors="replace")


def install(prefix):
    run(["cmake", "--install", BUILD_DIR, "--prefix", prefix])


def build_example(example, prefix, work):
    """Configures and builds a copy of an example, away from the source tree, against
    `prefix` alone; returns (build folder, everything the build printed)."""
    source = os.path.join(work, example + "-src")
    build = os.path.join(work, example + "-build")
    shutil.copytree(os.path.join(EXAMPLES, example), source)
    out = run(["cmake", "-S", source, "-B", build, "-DCMAKE_PREFIX_PATH=" + prefix,
               "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"])
    out += run(["cmake", "--build", build])
    return build, out


class SdkExamples(AgentTestCase):
    @classmethod
    def setUpClass(cls):
        cls._work = tempfile.TemporaryDirectory(prefix="logagent-sdk-")
        cls.work = cls._work.name
        cls.prefix = os.path.join(cls.work, "prefix")
        install(cls.prefix)
        cls.builds = {}
        for example, _ in (C_FILTER, CPP_OUTPUT):
            cls.builds[example] = build_example(example, cls.prefix, cls.work)
        cls.plugins = os.path.join(cls.work, "third-party")
        os.mkdir(cls.plugins)
        for example, library in (C_FILTER, CPP_OUTPUT):
            shutil.copy(os.path.join(cls.builds[example][0], library), cls.plugins)

    @classmethod
    def tearDownClass(cls):
        cls._work.cleanup()

    def agent(self):
        return os.path.join(self.prefix, "bin", "logagent")

    def run_through_examples(self, agent, plugin_path=None, service="", fsync="false"):
        """stdin -> truncate -> jsonl_file; returns the agent's stderr and the file's events."""
        out_file = self.path("events.jsonl")
        config = self.write_config(PIPELINE.format(service=service, path=out_file, fsync=fsync))
        proc = subprocess.run([agent, "run", "-c", config], input=LINES, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=self.env(plugin_path), cwd=self.dir, check=False)
        err = proc.stderr.decode()
        self.assertEqual(proc.returncode, 0, err)
        self.assertEqual(proc.stdout, b"")
        with open(out_file, "rb") as f:
            text = f.read()
        events = []
        for line in text.split(b"\n")[:-1]:
            event = json.loads(line)
            self.assertRegex(event.pop("@timestamp"), "^" + TIMESTAMP + "$")
            events.append(event)
        self.assertTrue(text.endswith(b"\n"))
        return err, events

    def assert_counters(self, err):
        self.assertIn('filters[0] (type "truncate"): errors=0 truncated=3\n', err)
        self.assertRegex(err, r'outputs\[0\] \(type "jsonl_file"\): delivered_events=5 .* events=5 '
                              r'write_failures=0\n')

    def test_plugin_h_compiles_as_c99_with_pedantic_warnings_as_errors(self):
        include = os.path.join(self.prefix, "include")
        for standard in ("c99", "c11"):
            with self.subTest(standard=standard):
                run(["gcc", "-std=" + standard, "-pedantic", "-Wall", "-Wextra", "-Werror", "-fsyntax-only",
                     "-I" + include, "-x", "c", "-"], input=b"#include <logagent/plugin.h>\n")

    def test_each_example_builds_against_the_prefix_alone_without_a_warning(self):
        for example, library in (C_FILTER, CPP_OUTPUT):
            with self.subTest(example=example):
                build, out = self.builds[example]
                self.assertNotIn("warning", out.lower())
                with open(os.path.join(build, "compile_commands.json")) as f:
                    commands = json.load(f)
                self.assertEqual(len(commands), 1)
                command = commands[0]["command"]
                self.assertIn("-I" + os.path.join(self.prefix, "include"), command.replace("-isystem ", "-I"))
                self.assertNotIn(SOURCE_DIR.rstrip("/") + "/sdk", command)
                self.assertNotIn(os.path.realpath(SOURCE_DIR) + "/sdk", command)
                if example == C_FILTER[0]:
                    self.assertRegex(command, r"^\S*(cc|gcc)\S* ")  # compiled as C, not C++
                    self.assertIn("-std=c99", command)
                    self.assertIn("-pedantic", command)
                exported = subprocess.run(["nm", "-D", "--defined-only", os.path.join(build, library)],
                                          check=True, stdout=subprocess.PIPE).stdout.decode()
                self.assertEqual([line.split()[-1] for line in exported.splitlines()], ["logagent_plugin_entry"])

    def test_loaded_through_logagent_plugin_path(self):
        err, events = self.run_through_examples(self.agent(), plugin_path=self.plugins)
        self.assertEqual(events, EXPECTED)
        self.assert_counters(err)

    def test_loaded_through_service_plugin_dirs_with_fsync(self):
        service = '[service]\nplugin_dirs = ["%s"]\n' % self.plugins
        err, events = self.run_through_examples(self.agent(), service=service, fsync="true")
        self.assertEqual(events, EXPECTED)
        self.assert_counters(err)

    def test_the_output_appends_and_a_second_run_adds_its_lines_after_the_first(self):
        self.run_through_examples(self.agent(), plugin_path=self.plugins)
        _, events = self.run_through_examples(self.agent(), plugin_path=self.plugins)
        self.assertEqual(events, EXPECTED + EXPECTED)

    def test_plugins_lists_the_examples_with_their_schema(self):
        proc = subprocess.run([self.agent(), "plugins", "truncate"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=self.env(self.plugins), check=False)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        out = proc.stdout.decode()
        self.assertTrue(out.startswith("filter truncate 1.0.0 (ABI 1.0)\n"
                                       "  Cuts one string field to at most max_bytes (SDK example, in C)\n"
                                       "  " + os.path.join(self.plugins, "filter_truncate.so") + "\n"), out)
        self.assertRegex(out, r"(?m)^  max_bytes +size +default: 1KiB\n +at least 1\n")
        proc = subprocess.run([self.agent(), "plugins"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=self.env(self.plugins), check=False)
        self.assertRegex(proc.stdout.decode(), r"(?m)^filter\s+truncate\s")
        self.assertRegex(proc.stdout.decode(), r"(?m)^output\s+jsonl_file\s")

    def test_the_c_filter_passes_its_own_pipeline_tests(self):
        tests = os.path.join(EXAMPLES, C_FILTER[0], "truncate_test.toml")
        proc = subprocess.run([self.agent(), "test", tests], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=self.env(self.plugins), check=False)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertEqual(proc.stdout.decode(), 'test "a long message is cut and flagged": passed\n'
                                               'test "a cut never splits a character": passed\n'
                                               'test "a short message is left alone": passed\n'
                                               '%s: 3 tests, 3 passed, 0 failed\n' % tests)

    def test_an_unopenable_file_is_an_error_at_the_path_option(self):
        config = self.write_config(PIPELINE.format(service="", path="/nonexistent/events.jsonl", fsync="false"))
        proc = subprocess.run([self.agent(), "run", "-c", config], input=b"x\n", stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=self.env(self.plugins), check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn('%s:14:9: outputs[0] (type "jsonl_file"): cannot start: option "path": cannot open '
                      '/nonexistent/events.jsonl: No such file or directory\n' % config, proc.stderr.decode())

    def test_a_failing_write_is_retried_then_counted_as_not_delivered(self):
        # /dev/full fails every write with ENOSPC: the output answers RETRY each time, then
        # the agent gives up after retry_limit and exits with "events were not delivered".
        config = self.write_config(PIPELINE.format(service="", path="/dev/full", fsync="false") +
                                   'retry_limit = 2\nretry_backoff = "10ms"\n')
        proc = subprocess.run([self.agent(), "run", "-c", config], input=b"one\ntwo\n", stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=self.env(self.plugins), check=False)
        err = proc.stderr.decode()
        self.assertEqual(proc.returncode, 4, err)
        self.assertEqual(err.count('warning outputs[0] (type "jsonl_file"): cannot write /dev/full: '
                                   'No space left on device\n'), 3)
        self.assertNotIn("cut back", err)  # nothing was written, so nothing to cut
        self.assertRegex(err, r'outputs\[0\] \(type "jsonl_file"\): delivered_events=0 delivered_batches=0 '
                              r'retries=2 failed_events=2 failed_batches=1 events=0 write_failures=3\n')

    def test_built_with_only_target_link_libraries_logagent_sdk(self):
        # A project of its own that does not use logagent_add_plugin: the imported target
        # alone gives it the headers.
        source = self.path("plain-src")
        os.mkdir(source)
        shutil.copy(os.path.join(EXAMPLES, C_FILTER[0], "truncate_filter.c"), source)
        with open(os.path.join(source, "CMakeLists.txt"), "w") as f:
            f.write("cmake_minimum_required(VERSION 3.20)\n"
                    "project(plain LANGUAGES C)\n"
                    "find_package(logagent_sdk REQUIRED)\n"
                    "add_library(filter_truncate MODULE truncate_filter.c)\n"
                    "target_link_libraries(filter_truncate PRIVATE logagent::sdk)\n"
                    "set_target_properties(filter_truncate PROPERTIES PREFIX \"\" C_STANDARD 99 "
                    "C_VISIBILITY_PRESET hidden)\n")
        build = self.path("plain-build")
        run(["cmake", "-S", source, "-B", build, "-DCMAKE_PREFIX_PATH=" + self.prefix])
        run(["cmake", "--build", build])
        folder = self.path("plain-plugins")
        os.mkdir(folder)
        shutil.copy(os.path.join(build, C_FILTER[1]), folder)
        shutil.copy(os.path.join(self.plugins, CPP_OUTPUT[1]), folder)
        err, events = self.run_through_examples(self.agent(), plugin_path=folder)
        self.assertEqual(events, EXPECTED)
        self.assert_counters(err)

    def test_built_with_pkg_config_and_a_bare_compiler(self):
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(self.prefix, "lib", "pkgconfig"))
        cflags = run(["pkg-config", "--cflags", "logagent-sdk"], env=env).split()
        self.assertEqual([os.path.realpath(f[2:]) for f in cflags if f.startswith("-I")],
                         [os.path.realpath(os.path.join(self.prefix, "include"))])
        plugin_dir = run(["pkg-config", "--variable=plugindir", "logagent-sdk"], env=env).strip()
        self.assertEqual(os.path.realpath(plugin_dir),
                         os.path.realpath(os.path.join(self.prefix, "lib", "logagent", "plugins")))
        self.assertEqual(run(["pkg-config", "--modversion", "logagent-sdk"], env=env).strip(), "0.1.0")

        folder = self.path("by-hand")
        os.mkdir(folder)
        library = os.path.join(folder, "filter_truncate.so")
        out = run(["gcc", "-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", "-O2", "-shared", "-fPIC",
                   "-fvisibility=hidden", "-Wl,--no-undefined"] + cflags +
                  [os.path.join(EXAMPLES, C_FILTER[0], "truncate_filter.c"), "-o", library])
        self.assertEqual(out, "")
        shutil.copy(os.path.join(self.plugins, CPP_OUTPUT[1]), folder)
        err, events = self.run_through_examples(self.agent(), plugin_path=folder)
        self.assertEqual(events, EXPECTED)
        self.assert_counters(err)

    def test_a_moved_tree_finds_its_plugins_and_builds_plugins(self):
        # Installed once, then moved: nothing in the tree may name where it was installed.
        original = self.path("installed")
        install(original)
        moved = self.path("moved-elsewhere")
        os.rename(original, moved)
        agent = os.path.join(moved, "bin", "logagent")

        proc = subprocess.run([agent, "plugins"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env(),
                              check=False)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        out = proc.stdout.decode()
        for kind, name in (("input", "tail"), ("input", "syslog"), ("filter", "regex"), ("output", "kafka"),
                           ("output", "stdout")):
            self.assertRegex(out, r"(?m)^%s\s+%s\s" % (kind, name))
        proc = subprocess.run([agent, "plugins", "stdin"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=self.env(), check=False)
        self.assertIn("\n  " + os.path.join(moved, "lib", "logagent", "plugins", "in_stdin.so") + "\n",
                      proc.stdout.decode())

        # The CMake package and the pkg-config file of the moved tree name the moved tree.
        work = self.path("builds")
        os.mkdir(work)
        build, _ = build_example(C_FILTER[0], moved, work)
        with open(os.path.join(build, "compile_commands.json")) as f:
            self.assertIn(os.path.join(moved, "include"), f.read())
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(moved, "lib", "pkgconfig"))
        cflags = run(["pkg-config", "--cflags", "logagent-sdk"], env=env)
        self.assertEqual(os.path.realpath(cflags.strip()[2:]), os.path.realpath(os.path.join(moved, "include")))

        # Installed by the examples' own install rules, they join the moved agent's built-in
        # plugins: no flag, no variable.
        output_build, _ = build_example(CPP_OUTPUT[0], moved, work)
        for b in (build, output_build):
            run(["cmake", "--install", b])
        err, events = self.run_through_examples(agent)
        self.assertEqual(events, EXPECTED)
        self.assert_counters(err)
        self.assertTrue(os.path.exists(os.path.join(moved, "lib", "logagent", "plugins", "filter_truncate.so")))
        self.assertFalse(os.path.exists(original))


if __name__ == "__main__":
    unittest.main()
