"""Broken plugin libraries are clear errors naming the file, never a crash; run and check
load only the libraries the pipeline names, so a broken file elsewhere is at most a warning."""
import grp
import os
import pwd
import shutil
import stat
import unittest

from agent import AgentTestCase, FIXTURES

PIPELINE = """
[[inputs]]
type = "stdin"

[[outputs]]
type = "{output}"
"""

# Each case folder holds one library, refused for the reason given.
CASES = {
    "bad_major": "bad_major.so: incompatible ABI major version (plugin ABI 2.0, agent ABI 1.0)",
    "newer_minor": "newer_minor.so: plugin needs a newer agent (plugin ABI 1.1, agent ABI 1.0)",
    "no_entry": "no_entry.so: not a logagent plugin: no exported symbol logagent_plugin_entry",
    "null_entry": "null_entry.so: logagent_plugin_entry returned no descriptor",
    "short_descriptor": "short_descriptor.so: descriptor struct_size 8 is smaller than the minimum",
    "missing_callback": 'missing_callback.so: output plugin "missing_callback" lacks output_write',
    "not_a_library": "not_a_library.so: not a loadable library:",
    "bad_name": "bad_name.so: invalid plugin name",
    "old_option_size": 'old_option_size.so: plugin "old_option_size" has option_size 40, smaller than',
    "default_not_a_choice": 'default_not_a_choice.so: option "setting" of plugin "default_not_a_choice" has the '
                            'default "xml" that is not one of its choices "json", "raw"',
    "missing_dependency": "out_missing_dependency.so: not a loadable library: libfixture_missing_dependency.so: "
                          "cannot open shared object file: No such file or directory",
}

MISSING_DEPENDENCY = os.path.join(FIXTURES, "missing_dependency")


class BrokenLibraries(AgentTestCase):
    def test_plugins_lists_each_unusable_file_with_its_problem(self):
        for case, message in CASES.items():
            with self.subTest(case=case):
                folder = os.path.join(FIXTURES, case)
                rc, out, err = self.run_agent(["plugins"], plugin_path=folder)
                self.assertEqual(rc, 1, err)
                self.assertRegex(out.decode(), r"(?m)^output\s+stdout\s")  # the others still load
                self.assertIn("\nNot usable:\n  " + os.path.join(folder, message), out.decode())
                self.assertIn('1 problem in the plugin folders (listed under "Not usable")', err)

    def test_a_pipeline_not_using_a_broken_file_runs_without_a_word_about_it(self):
        # stdin and stdout are found by their file names (in_stdin.so, out_stdout.so): no
        # other file is opened at all.
        folders = ":".join(os.path.join(FIXTURES, case) for case in CASES)
        rc, out, err = self.run_pipeline(PIPELINE.format(output="stdout"), stdin=b"still runs\n",
                                         plugin_path=folders)
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.json_bodies(out), [b'"message":"still runs"'])
        self.assertNotIn("warning", err)
        self.assertNotIn(".so", err)

    def test_check_of_a_pipeline_naming_a_broken_plugin_fails_with_the_file_and_reason(self):
        for case, message in CASES.items():
            with self.subTest(case=case):
                folder = os.path.join(FIXTURES, case)
                config = self.write_config(PIPELINE.format(output=case))
                rc, out, err = self.run_agent(["check", "-c", config], plugin_path=folder)
                self.assertEqual(rc, 1, err)
                self.assertIn(os.path.join(folder, message), err)

    def test_needed_library_that_cannot_load_is_an_error_at_its_type(self):
        config = self.write_config(PIPELINE.format(output="missing_dependency"))
        rc, out, err = self.run_agent(["check", "-c", config], plugin_path=MISSING_DEPENDENCY)
        self.assertEqual(rc, 1, err)
        self.assertIn(config + ':6:8: outputs[0] (type "missing_dependency"): cannot load the output plugin '
                      '"missing_dependency": ' + os.path.join(MISSING_DEPENDENCY, CASES["missing_dependency"]), err)
        self.assertNotIn("warning", err)

    def test_broken_file_met_while_looking_for_a_plugin_is_a_warning(self):
        # fixture_ack.so is not named out_fixture_ack.so: the plugin folders are searched,
        # and the broken library in the first of them is reported, not fatal.
        broken = os.path.join(FIXTURES, "not_a_library")
        config = self.write_config("""
            [[inputs]]
            type = "stdin"

            [[outputs]]
            type = "fixture_ack"
            record_path = "%s"
            """ % self.path("r.tsv"))
        rc, out, err = self.run_agent(["run", "-c", config], stdin=b"found\n",
                                      plugin_path=broken + ":" + os.path.join(FIXTURES, "ack"))
        self.assertEqual(rc, 0, err)
        self.assertIn("warning: " + os.path.join(broken, "not_a_library.so") +
                      ": not a loadable library: not an ELF shared object (file too short)\n", err)
        with open(self.path("r.tsv"), "rb") as f:
            call, status, _, message = f.read().rstrip(b"\n").split(b"\t")
        self.assertEqual((call, status, message), (b"1", b"ok", b"found"))

    def test_two_plugins_with_one_name(self):
        folder = os.path.join(FIXTURES, "duplicate_name")
        rc, out, err = self.run_agent(["plugins"], plugin_path=folder)
        self.assertEqual(rc, 1)
        self.assertIn("  " + os.path.join(folder, "dup_b.so") + ': output plugin "twin" is already provided by ' +
                      os.path.join(folder, "dup_a.so") + "\n", out.decode())

    def test_create_that_throws_is_reported_with_the_section(self):
        folder = os.path.join(FIXTURES, "throws_in_create")
        config = self.write_config(PIPELINE.format(output="throws_in_create"))
        rc, out, err = self.run_agent(["check", "-c", config], plugin_path=folder)
        self.assertEqual(rc, 1)
        self.assertIn(config + ':5:1: outputs[0] (type "throws_in_create"): cannot start: '
                      "fixture refuses to start: missing credentials", err)

    def test_create_that_fails_silently_is_reported(self):
        folder = os.path.join(FIXTURES, "null_create_silent")
        config = self.write_config(PIPELINE.format(output="null_create_silent"))
        rc, out, err = self.run_agent(["run", "-c", config], plugin_path=folder)
        self.assertEqual(rc, 1)
        self.assertIn('outputs[0] (type "null_create_silent"): cannot start: the plugin\'s create failed without giving a reason', err)

    def test_plugin_dirs_in_the_service_section(self):
        config = self.write_config("""
            [service]
            plugin_dirs = ["%s"]

            [[inputs]]
            type = "stdin"

            [[outputs]]
            type = "fixture_ack"
            record_path = "%s"
            """ % (os.path.join(FIXTURES, "ack"), self.path("r.tsv")))
        rc, out, err = self.run_agent(["run", "-c", config], stdin=b"via plugin_dirs\n")
        self.assertEqual(rc, 0, err)
        with open(self.path("r.tsv"), "rb") as f:
            call, status, _, message = f.read().rstrip(b"\n").split(b"\t")
        self.assertEqual((call, status, message), (b"1", b"ok", b"via plugin_dirs"))


ACK = os.path.join(FIXTURES, "ack", "fixture_ack.so")
# A group other than the agent's own ("nogroup" on Debian).
OTHERS_GROUP = 65534


def own_private_group():
    """The agent's primary group when nobody else is in it (root's on Debian), or None."""
    user = pwd.getpwuid(os.geteuid())
    members = grp.getgrgid(user.pw_gid).gr_mem
    return user.pw_gid if all(m == user.pw_name for m in members) else None
ACK_PIPELINE = PIPELINE.format(output="fixture_ack") + 'record_path = "%s"\n'


def loose_file(path, by, mode, letters):
    return ("%s: refused: writable by %s (mode %s); a plugin must be writable only by its owner and root "
            "(chmod %s-w %s)" % (path, by, mode, letters, path))


def loose_folder(path, by, mode, letters):
    return ("%s: refused as a plugin folder: writable by %s (mode %s); a plugin folder must be writable only by its "
            "owner and root (chmod %s-w %s)" % (path, by, mode, letters, path))


def relative_entry(entry):
    return ('LOGAGENT_PLUGIN_PATH: "%s" is a relative path, so what it names depends on the current directory: '
            'ignored; give an absolute path, e.g. "$PWD/%s"' % (entry, entry))


class LoosePlugins(AgentTestCase):
    """A plugin file or folder others than root and the agent's user could change is refused
    before it is opened, and no plugin is looked for in the current directory unless its
    absolute path is given."""

    def plugin_folder(self, name, files, mode=0o755, group=OTHERS_GROUP):
        """A folder of copies of plugin files: `files` maps each name to (source, mode). What
        is group-writable gets `group`: by default one of others (which needs root), since the
        write bit of the owner's own private group is no risk and is accepted."""
        folder = self.path(name)
        os.makedirs(folder)
        for file_name, (source, file_mode) in files.items():
            shutil.copy(source, os.path.join(folder, file_name))
            self.set_mode(os.path.join(folder, file_name), file_mode, group)
        self.set_mode(folder, mode, group)
        return folder

    def set_mode(self, path, mode, group):
        os.chmod(path, mode)
        if mode & stat.S_IWGRP:
            if group == OTHERS_GROUP and os.geteuid() != 0:
                self.skipTest("a group of others needs chgrp, which needs root")
            os.chown(path, -1, group)

    def assert_not_delivered(self):
        self.assertFalse(os.path.exists(self.path("r.tsv")))

    def assert_delivered(self, message):
        with open(self.path("r.tsv"), "rb") as f:
            call, status, _, got = f.read().rstrip(b"\n").split(b"\t")
        self.assertEqual((call, status, got), (b"1", b"ok", message))

    def test_plugins_lists_a_group_writable_file_under_not_usable(self):
        folder = self.plugin_folder("plugins", {"fixture_ack.so": (ACK, 0o664)})
        rc, out, err = self.run_agent(["plugins"], plugin_path=folder)
        self.assertEqual(rc, 1, err)
        self.assertRegex(out.decode(), r"(?m)^output\s+stdout\s")  # the others still load
        self.assertNotIn("fixture_ack ", out.decode())
        self.assertIn("\nNot usable:\n  " + loose_file(os.path.join(folder, "fixture_ack.so"), "group", "0664", "g") +
                      "\n", out.decode())
        self.assertIn('1 problem in the plugin folders (listed under "Not usable")', err)

    def test_run_needing_a_plugin_from_a_group_writable_file_fails_naming_it(self):
        # Named by convention, the file is the plugin's: an error at the section's type.
        folder = self.plugin_folder("plugins", {"out_fixture_ack.so": (ACK, 0o664)})
        config = self.write_config(ACK_PIPELINE % self.path("r.tsv"))
        rc, out, err = self.run_agent(["run", "-c", config], stdin=b"never\n", plugin_path=folder)
        self.assertEqual(rc, 1, err)
        self.assertIn(config + ':6:8: outputs[0] (type "fixture_ack"): cannot load the output plugin "fixture_ack": ' +
                      loose_file(os.path.join(folder, "out_fixture_ack.so"), "group", "0664", "g") + "\n", err)
        self.assertNotIn("warning", err)
        self.assert_not_delivered()

    def test_run_meeting_a_writable_file_while_scanning_warns_and_cannot_find_the_plugin(self):
        folder = self.plugin_folder("plugins", {"fixture_ack.so": (ACK, 0o646)})
        config = self.write_config(ACK_PIPELINE % self.path("r.tsv"))
        rc, out, err = self.run_agent(["run", "-c", config], stdin=b"never\n", plugin_path=folder)
        self.assertEqual(rc, 1, err)
        refused = loose_file(os.path.join(folder, "fixture_ack.so"), "others", "0646", "o")
        self.assertIn("warning: " + refused + "\n", err)
        self.assertIn('unknown output type "fixture_ack"', err)
        self.assertIn("files that could not be loaded: " + os.path.join(folder, "fixture_ack.so"), err)
        self.assert_not_delivered()

    def test_a_group_writable_folder_in_the_plugin_path_is_refused_as_a_whole(self):
        folder = self.plugin_folder("plugins", {"fixture_ack.so": (ACK, 0o644)}, mode=0o775)
        refused = loose_folder(folder, "group", "0775", "g")
        rc, out, err = self.run_agent(["plugins"], plugin_path=folder)
        self.assertEqual(rc, 1, err)
        self.assertIn("\nNot usable:\n  " + refused + "\n", out.decode())
        self.assertNotIn("fixture_ack", out.decode())

        config = self.write_config(ACK_PIPELINE % self.path("r.tsv"))
        rc, out, err = self.run_agent(["run", "-c", config], stdin=b"never\n", plugin_path=folder)
        self.assertEqual(rc, 1, err)
        self.assertIn("warning: " + refused + "\n", err)
        self.assertIn('unknown output type "fixture_ack"', err)
        self.assert_not_delivered()

        # Its mode fixed as the message says, it is used.
        os.chmod(folder, 0o755)
        rc, out, err = self.run_agent(["run", "-c", config], stdin=b"now\n", plugin_path=folder)
        self.assertEqual(rc, 0, err)
        self.assert_delivered(b"now")

    def test_group_write_for_the_owners_own_private_group_is_accepted(self):
        # A tree built under umask 002 (Debian's and Ubuntu's user-private groups): its group
        # is its owner alone, so the group's write bit lets nobody else change the plugin.
        group = own_private_group()
        if group is None:
            self.skipTest("the agent's primary group has other members")
        folder = self.plugin_folder("plugins", {"out_fixture_ack.so": (ACK, 0o775)}, mode=0o775, group=group)
        config = self.write_config(ACK_PIPELINE % self.path("r.tsv"))
        rc, out, err = self.run_agent(["run", "-c", config], stdin=b"umask 002\n", plugin_path=folder)
        self.assertEqual(rc, 0, err)
        self.assertNotIn("refused", err)
        self.assert_delivered(b"umask 002")

    def test_a_relative_plugin_path_entry_is_ignored_even_with_the_plugin_in_the_current_directory(self):
        self.plugin_folder("plugins", {"out_fixture_ack.so": (ACK, 0o644)})
        config = self.write_config(ACK_PIPELINE % self.path("r.tsv"))
        rc, out, err = self.run_agent(["run", "-c", config], stdin=b"never\n", plugin_path="plugins", cwd=self.dir)
        self.assertEqual(rc, 1, err)
        self.assertIn("warning: " + relative_entry("plugins") + "\n", err)
        self.assertIn('unknown output type "fixture_ack"', err)
        self.assert_not_delivered()

        rc, out, err = self.run_agent(["plugins"], plugin_path="plugins", cwd=self.dir)
        self.assertEqual(rc, 1, err)
        self.assertIn("\nNot usable:\n  " + relative_entry("plugins") + "\n", out.decode())
        self.assertNotIn("fixture_ack", out.decode())

        # Told to by its absolute path, the agent uses it.
        rc, out, err = self.run_agent(["run", "-c", config], stdin=b"absolute\n", plugin_path=self.path("plugins"),
                                      cwd=self.dir)
        self.assertEqual(rc, 0, err)
        self.assertNotIn("warning", err)
        self.assert_delivered(b"absolute")

    def test_relative_plugin_dirs_are_taken_from_the_pipeline_files_folder(self):
        self.plugin_folder("conf/plugins", {"out_fixture_ack.so": (ACK, 0o644)})
        # The current directory has a "plugins" folder too, whose library would fail.
        self.plugin_folder("elsewhere/plugins",
                           {"out_fixture_ack.so": (os.path.join(FIXTURES, "not_a_library", "not_a_library.so"), 0o644)})
        config = self.write_config('[service]\nplugin_dirs = ["plugins"]\n' + ACK_PIPELINE % self.path("r.tsv"),
                                   name="conf/pipeline.toml")
        rc, out, err = self.run_agent(["run", "-c", config], stdin=b"next to the file\n", cwd=self.path("elsewhere"))
        self.assertEqual(rc, 0, err)
        self.assertNotIn("warning", err)
        self.assert_delivered(b"next to the file")

        # A relative name of the pipeline file itself is the current directory's.
        os.remove(self.path("r.tsv"))
        rc, out, err = self.run_agent(["run", "-c", "../conf/pipeline.toml"], stdin=b"relative file\n",
                                      cwd=self.path("elsewhere"))
        self.assertEqual(rc, 0, err)
        self.assert_delivered(b"relative file")


class PluginOptions(AgentTestCase):
    def test_plugin_without_options_of_its_own_has_no_empty_heading(self):
        rc, out, err = self.run_agent(["plugins", "null"])
        self.assertEqual(rc, 0, err)
        text = out.decode()
        self.assertNotIn("Options:", text)
        self.assertIn("\nOptions of every output section:\n  type ", text)

    def test_choices_ranges_and_secrets_are_shown_and_secrets_not_echoed(self):
        rc, out, err = self.run_agent(["plugins", "wide_options"], plugin_path=os.path.join(FIXTURES, "wide_options"))
        self.assertEqual(rc, 0, err)
        text = out.decode()
        self.assertRegex(text, r"(?m)^  format +string +default: json\n +one of: json, raw\n")
        self.assertRegex(text, r"(?m)^  buffer +size +default: 64KiB\n +from 1KiB to 1MiB\n")
        self.assertRegex(text, r"(?m)^  timeout +duration +optional\n +at least 10ms\n")
        self.assertRegex(text, r"(?m)^  levels +list of strings +optional\n +each one of: debug, info, warn\n")
        self.assertRegex(text, r"(?m)^  password +string +has a default \(not shown\)\n +secret: its value is never "
                               r"printed\n")
        self.assertNotIn("guest-password", text)

    def test_check_says_what_the_choices_and_ranges_allow(self):
        config = self.write_config(PIPELINE.format(output="wide_options") +
                                   'format = "jsn"\nbuffer = "512B"\npin = 12\n')
        rc, out, err = self.run_agent(["check", "-c", config], plugin_path=os.path.join(FIXTURES, "wide_options"))
        self.assertEqual(rc, 1, err)
        section = config + ':%d:%d: outputs[0] (type "wide_options"): '
        self.assertIn(section % (7, 10) + 'option "format": expected one of "json", "raw", got "jsn"; did you mean '
                      '"json"?\n', err)
        self.assertIn(section % (8, 10) + 'option "buffer": must be at least 1KiB, got 512B\n', err)
        self.assertIn(section % (9, 7) + 'option "pin": must be at least 1000\n', err)


if __name__ == "__main__":
    unittest.main()
