"""stdin -> stdout through the real binary: exact output for every kind of line."""
import hashlib
import json
import os
import unittest

from agent import AgentTestCase, FIXTURES, stdin_stdout


class StdinToStdoutJson(AgentTestCase):
    def test_two_lines_become_two_json_objects(self):
        rc, out, err = self.run_pipeline(stdin_stdout(), stdin=b"hello\nworld\n")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.json_bodies(out), [b'"message":"hello"', b'"message":"world"'])

    def test_internal_logs_go_to_stderr_only(self):
        rc, out, err = self.run_pipeline(stdin_stdout(), stdin=b"one\n")
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out.split(b"\n")), 2)
        self.assertIn("pipeline started", err)
        self.assertIn("delivered_events=1", err)

    def test_crlf_empty_lines_and_missing_final_newline(self):
        rc, out, err = self.run_pipeline(stdin_stdout(), stdin=b"a\r\n\r\n\nb\rc\nlast")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.json_bodies(out), [
            b'"message":"a"',
            b'"message":""',
            b'"message":""',
            b'"message":"b\\rc"',  # a lone CR inside a line is data
            b'"message":"last"',
        ])
        self.assertIn("emitted_events=5 lines=5 bytes=14 long_lines=0 discarded_bytes=0", err)

    def test_escaping_quotes_backslashes_and_control_characters(self):
        line = b'say "hi" \\ tab\there \x01\x1f\x7f'
        rc, out, err = self.run_pipeline(stdin_stdout(), stdin=line + b"\n")
        self.assertEqual(rc, 0, err)
        [body] = self.json_bodies(out)
        self.assertEqual(json.loads(b"{" + body + b"}")["message"], line.decode())
        self.assertEqual(body, b'"message":"say \\"hi\\" \\\\ tab\\there \\u0001\\u001f\\u007f"')

    def test_interned_and_batch_local_names_are_keys_with_their_own_text(self):
        # Keys of interned names are escaped once and kept by the encoder; names stored in a
        # batch are written each time. Both, with text that needs escaping, over many batches.
        filters = "".join(f"""
            [[filters]]
            type = "fixture_set_field"
            name = {json.dumps(name)}
            value = "{value}"
            local = {"true" if local else "false"}
            """ for name, value, local in [("lvl", "info", False), ('lo"cal', "1", True), ("b\\s", "2", True),
                                            ("host", "h", False)])
        config = "[service]\nbatch_max_events = 3\n" + stdin_stdout().replace("[[outputs]]", filters + "\n[[outputs]]")
        lines = b"".join(b"line %d\n" % i for i in range(10))
        rc, out, err = self.run_pipeline(config, stdin=lines, plugin_path=os.path.join(FIXTURES, "set_field"))
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.json_bodies(out), [
            b'"message":"line %d","lvl":"info","lo\\"cal":"1","b\\\\s":"2","host":"h"' % i for i in range(10)])

    def test_invalid_utf8_is_replaced_valid_utf8_is_kept(self):
        line = "é€😀".encode() + b" bad:\xff\xc3 end"
        rc, out, err = self.run_pipeline(stdin_stdout(), stdin=line + b"\n")
        self.assertEqual(rc, 0, err)
        [body] = self.json_bodies(out)
        self.assertEqual(json.loads(b"{" + body + b"}")["message"], "é€😀 bad:\ufffd\ufffd end")

    def test_fields_a_filter_adds_follow_message(self):
        rc, out, err = self.run_pipeline("""
            [[inputs]]
            type = "stdin"

            [[filters]]
            type = "fixture_set_field"
            name = "level"
            value = "info"

            [[outputs]]
            type = "stdout"
            """, stdin=b"hello\n", plugin_path=os.path.join(FIXTURES, "set_field"))
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.json_bodies(out), [b'"message":"hello","level":"info"'])

    def test_an_event_with_its_own_timestamp_field_keeps_it_and_gets_no_second(self):
        rc, out, err = self.run_pipeline("""
            [[inputs]]
            type = "stdin"

            [[filters]]
            type = "fixture_set_field"
            name = "@timestamp"
            value = "2026-01-01T00:00:00Z"

            [[outputs]]
            type = "stdout"
            """, stdin=b"hello\n", plugin_path=os.path.join(FIXTURES, "set_field"))
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, b'{"message":"hello","@timestamp":"2026-01-01T00:00:00Z"}\n')

    def test_every_output_line_is_valid_json(self):
        lines = [bytes([b]) * 3 for b in range(256) if b != 0x0A]
        rc, out, err = self.run_pipeline(stdin_stdout(), stdin=b"\n".join(lines) + b"\n")
        self.assertEqual(rc, 0, err)
        bodies = self.json_bodies(out)
        self.assertEqual(len(bodies), 255)
        for raw, body in zip(lines, bodies):
            message = json.loads(b"{" + body + b"}")["message"]
            self.assertEqual(message, raw.decode("utf-8", "replace") if raw[0] != 0x0D else "\r\r")


class StdinToStdoutRaw(AgentTestCase):
    def test_binary_bytes_pass_unchanged(self):
        # Every byte value but newline, including NUL and invalid UTF-8.
        payload = bytes(b for b in range(256) if b != 0x0A)
        rc, out, err = self.run_pipeline(stdin_stdout("raw"), stdin=payload + b"\n" + payload[::-1] + b"\n")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, payload + b"\n" + payload[::-1] + b"\n")

    def test_one_mebibyte_line(self):
        line = bytes((i * 7 + 13) % 256 for i in range(1 << 20)).replace(b"\n", b"x")
        self.assertEqual(len(line), 1 << 20)
        rc, out, err = self.run_pipeline(stdin_stdout("raw"), stdin=b"before\n" + line + b"\nafter\n")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, b"before\n" + line + b"\nafter\n")

    def test_one_mebibyte_line_as_json(self):
        line = (b"0123456789abcdef" * 65536)
        rc, out, err = self.run_pipeline(stdin_stdout("json"), stdin=line + b"\n")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.json_bodies(out), [b'"message":"' + line + b'"'])

    def test_million_lines_nothing_lost_order_kept(self):
        lines = b"".join(b"line %07d %s\n" % (i, b"x" * (i % 97)) for i in range(1_000_000))
        rc, out, err = self.run_pipeline(stdin_stdout("raw"), stdin=lines, timeout=600)
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out), len(lines))
        self.assertEqual(hashlib.sha256(out).hexdigest(), hashlib.sha256(lines).hexdigest())
        self.assertIn(f"emitted_events=1000000 lines=1000000 bytes={len(lines)} long_lines=0 discarded_bytes=0", err)


class LongLines(AgentTestCase):
    def test_split_keeps_every_byte_and_marks_pieces(self):
        cfg = stdin_stdout("json", 'max_line_bytes = 10\non_long_line = "split"')
        rc, out, err = self.run_pipeline(cfg, stdin=b"0123456789abcdefghijKLM\nshort\n")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.json_bodies(out), [
            b'"message":"0123456789","partial":true',
            b'"message":"abcdefghij","partial":true',
            b'"message":"KLM"',
            b'"message":"short"',
        ])
        self.assertIn("emitted_events=4 lines=2 bytes=30 long_lines=1 discarded_bytes=0", err)

    def test_truncate_keeps_the_head_marks_it_and_counts_the_rest(self):
        cfg = stdin_stdout("json", 'max_line_bytes = 10\non_long_line = "truncate"')
        rc, out, err = self.run_pipeline(cfg, stdin=b"0123456789abcdefghijKLM\nshort\n")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.json_bodies(out), [
            b'"message":"0123456789","truncated":true',
            b'"message":"short"',
        ])
        self.assertIn("emitted_events=2 lines=2 bytes=30 long_lines=1 discarded_bytes=13", err)

    def test_crlf_is_not_counted_in_the_line_length(self):
        for mode in ("split", "truncate"):
            cfg = stdin_stdout("json", f'max_line_bytes = 10\non_long_line = "{mode}"')
            rc, out, err = self.run_pipeline(cfg, stdin=b"0123456789\r\nabcdefghij\r")
            self.assertEqual(rc, 0, err)
            self.assertEqual(self.json_bodies(out), [b'"message":"0123456789"', b'"message":"abcdefghij"'], mode)
            self.assertIn("emitted_events=2 lines=2 bytes=23 long_lines=0 discarded_bytes=0", err)

    def test_truncate_does_not_count_the_cr_as_discarded(self):
        cfg = stdin_stdout("json", 'max_line_bytes = 4\non_long_line = "truncate"')
        rc, out, err = self.run_pipeline(cfg, stdin=b"abcdefg\r\nxy\r\n")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.json_bodies(out), [b'"message":"abcd","truncated":true', b'"message":"xy"'])
        self.assertIn("emitted_events=2 lines=2 bytes=13 long_lines=1 discarded_bytes=3", err)

    def test_long_line_larger_than_a_read(self):
        line = b"z" * 300_000
        cfg = stdin_stdout("raw", 'max_line_bytes = "100KiB"')
        rc, out, err = self.run_pipeline(cfg, stdin=line + b"\nend\n")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, b"z" * 102400 + b"\n" + b"z" * 102400 + b"\n" + b"z" * (300_000 - 204800) + b"\nend\n")


class Usage(AgentTestCase):
    def test_version(self):
        rc, out, err = self.run_agent(["--version"])
        self.assertEqual(rc, 0, err)
        self.assertRegex(out.decode(), r"^logagent \d+\.\d+\.\d+ \(plugin ABI 1\.0\)\n$")

    def test_plugins_lists_builtin_plugins(self):
        rc, out, err = self.run_agent(["plugins"])
        self.assertEqual(rc, 0, err)
        text = out.decode()
        self.assertRegex(text, r"(?m)^input\s+stdin\s")
        self.assertRegex(text, r"(?m)^output\s+stdout\s")
        self.assertRegex(text, r"(?m)^output\s+null\s")

    def test_plugins_name_prints_options(self):
        rc, out, err = self.run_agent(["plugins", "stdout"])
        self.assertEqual(rc, 0, err)
        text = out.decode()
        self.assertIn("format", text)
        self.assertIn("default: json", text)
        self.assertIn("match", text)

    def test_unknown_plugin_name(self):
        rc, out, err = self.run_agent(["plugins", "stdoot"])
        self.assertEqual(rc, 1)
        self.assertIn('no plugin named "stdoot"', err)

    def test_check_accepts_the_shipped_stdin_configs(self):
        # default.toml and kafka.toml, which need the kafka output, are checked in test_main_job.
        import os
        from agent import SOURCE_DIR
        for name in ("stdin-stdout.toml", "stdin-null.toml"):
            rc, out, err = self.run_agent(["check", "-c", os.path.join(SOURCE_DIR, "configs", name)])
            self.assertEqual(rc, 0, name + ": " + err)
            self.assertIn(b": OK (1 input, 0 filters, 1 output)", out)

    def test_check_reports_every_error_with_position(self):
        cfg = self.write_config("""\
            [[inputs]]
            type = "stdn"

            [[outputs]]
            type = "stdout"
            formt = "json"
            match = "app.[x"
            """)
        rc, out, err = self.run_agent(["check", "-c", cfg])
        self.assertEqual(rc, 1)
        self.assertEqual(out, b"")
        self.assertIn(cfg + ':2:8: inputs[0] (type "stdn"): unknown input type "stdn"; did you mean "stdin"?', err)
        self.assertIn(cfg + ':6:9: outputs[0] (type "stdout"): unknown option "formt"; did you mean "format"?', err)
        self.assertIn(cfg + ':7:9: outputs[0] (type "stdout"): option "match": invalid glob "app.[x"', err)
        self.assertIn(cfg + ": 3 errors", err)
        positions = [tuple(map(int, line[len(cfg) + 1:].split(":")[:2])) for line in err.splitlines()[:3]]
        self.assertEqual(positions, [(2, 8), (6, 9), (7, 9)])  # in file order

    def test_check_reports_a_value_outside_an_options_choices_at_the_value(self):
        cfg = self.write_config("""\
            [[inputs]]
            type = "stdin"

            [[outputs]]
            type = "stdout"
            format = "xml"
            """)
        rc, out, err = self.run_agent(["check", "-c", cfg])
        self.assertEqual(rc, 1)
        self.assertIn(cfg + ':6:10: outputs[0] (type "stdout"): option "format": expected one of "json", "raw", got "xml"',
                      err)

    def test_two_stdin_inputs_are_refused(self):
        config = self.write_config("""
            [[inputs]]
            type = "stdin"
            tag = "a"

            [[inputs]]
            type = "stdin"
            tag = "b"

            [[outputs]]
            type = "stdout"
            """)
        rc, out, err = self.run_agent(["check", "-c", config])
        self.assertEqual(rc, 1, err)
        self.assertEqual(err, f'{config}:6:1: inputs[1] (type "stdin"): cannot start: standard input is already read '
                              f'by another stdin input; use one\n{config}: 1 error\n')

    def test_closed_stdin_is_an_empty_input(self):
        import subprocess
        config = self.write_config(stdin_stdout())
        proc = subprocess.run([self.bin(), "run", "-c", config], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=self.env(), timeout=30,
                              preexec_fn=lambda: __import__("os").close(0))
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertEqual(proc.stdout, b"")
        self.assertIn("emitted_events=0 lines=0 bytes=0", proc.stderr.decode())

    def test_run_with_missing_file(self):
        rc, out, err = self.run_agent(["run", "-c", self.path("nope.toml")])
        self.assertEqual(rc, 1)
        self.assertIn("nope.toml: cannot read the pipeline file: No such file or directory", err)

    def test_no_subcommand_is_a_usage_error(self):
        rc, out, err = self.run_agent(["frobnicate"])
        self.assertEqual(rc, 1)


if __name__ == "__main__":
    unittest.main()
