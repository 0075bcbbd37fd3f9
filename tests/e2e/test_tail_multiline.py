"""The tail input's multiline records (multiline, multiline_timeout) and offset_field, on real
files: Java stack traces and Python tracebacks become one event each, a record with no line
after it goes out after the timeout, a record is capped at max_line_bytes like a line, and
the offset is the one of the record's first byte."""
import json
import os
import time
import unittest

from tail_delivery_support import TailCase

STARTS_WITH_A_DATE = r"^\d{4}-\d{2}-\d{2}"

JAVA_RECORDS = [
    "2026-12-01 15:31:45,101 INFO  [main] com.example.shop.Application - Starting Application v2.4.1 on web-3",
    "2026-12-01 15:31:45,734 INFO  [main] o.s.b.w.embedded.tomcat.TomcatWebServer - Tomcat started on port(s): 8080",
    "2026-12-01 15:31:47,002 ERROR [http-nio-8080-exec-3] c.e.shop.web.OrderController - Order 4711 failed\n"
    "java.lang.IllegalStateException: stock for item 88 is negative\n"
    "\tat com.example.shop.stock.StockService.reserve(StockService.java:142)\n"
    "\tat com.example.shop.order.OrderService.place(OrderService.java:87)\n"
    "\tat com.example.shop.web.OrderController.create(OrderController.java:55)\n"
    "\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\n"
    "\tat java.base/java.lang.reflect.Method.invoke(Method.java:568)\n"
    "\tat org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:205)",
    "2026-12-01 15:31:47,010 WARN  [http-nio-8080-exec-3] c.e.shop.web.ErrorHandler - answering 500 to POST /orders",
    "2026-12-01 15:31:52,377 ERROR [scheduling-1] c.e.shop.sync.InventorySync - sync with the warehouse failed\n"
    "org.springframework.dao.DataAccessResourceFailureException: could not fetch rows; nested exception is "
    "java.sql.SQLTransientConnectionException\n"
    "\tat org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:276)\n"
    "\tat com.example.shop.sync.InventorySync.run(InventorySync.java:61)\n"
    "\tat java.base/java.util.concurrent.FutureTask.run(FutureTask.java:264)\n"
    "Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed "
    "out after 30000ms.\n"
    "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)\n"
    "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:197)\n"
    "\t... 12 more\n"
    "Caused by: java.net.SocketTimeoutException: connect timed out\n"
    "\tat java.base/java.net.PlainSocketImpl.socketConnect(Native Method)\n"
    "\t... 27 more",
    "2026-12-01 15:31:52,380 INFO  [scheduling-1] c.e.shop.sync.InventorySync - retrying in 30 s",
    "2026-12-01 15:32:22,381 ERROR [scheduling-1] c.e.shop.sync.InventorySync - sync with the warehouse failed again\n"
    "java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"sku\" is null\n"
    "\tat com.example.shop.sync.Sku.normalise(Sku.java:19)\n"
    "\t... 3 more",
    "2026-12-01 15:32:22,400 INFO  [main] com.example.shop.Application - café ünïcödé \"quoted\" \\ done",
]

PYTHON_RECORDS = [
    "2026-12-01 15:40:00,001 INFO worker: started with 4 processes",
    "2026-12-01 15:40:01,517 ERROR worker: job 17 failed\n"
    "Traceback (most recent call last):\n"
    '  File "/srv/app/worker.py", line 88, in run\n'
    "    result = job.execute()\n"
    '  File "/srv/app/jobs.py", line 41, in execute\n'
    "    return self.parse(self.payload)\n"
    '  File "/srv/app/jobs.py", line 57, in parse\n'
    '    raise ValueError(f"bad payload: {payload!r}")\n'
    "ValueError: bad payload: b'\\x00\\x01'",
    "2026-12-01 15:40:02,000 WARNING worker: 1 job failed in the last minute",
    "2026-12-01 15:40:09,250 ERROR worker: cleanup failed\n"
    "Traceback (most recent call last):\n"
    '  File "/srv/app/storage.py", line 12, in remove\n'
    "    os.unlink(path)\n"
    "FileNotFoundError: [Errno 2] No such file or directory: '/srv/app/tmp/17.part'\n"
    "\n"
    "During handling of the above exception, another exception occurred:\n"
    "\n"
    "Traceback (most recent call last):\n"
    '  File "/srv/app/worker.py", line 102, in cleanup\n'
    "    storage.remove(job.tmp_path)\n"
    '  File "/srv/app/storage.py", line 15, in remove\n'
    '    raise StorageError("cannot remove") from None\n'
    "app.storage.StorageError: cannot remove",
    "2026-12-01 15:40:10,000 INFO worker: stopping",
]


class TailMultiline(TailCase):
    def events(self, out):
        """Each JSON event as a dict, without @timestamp (the order of the fields aside)."""
        return [json.loads(b"{" + body + b"}") for body in self.json_bodies(out)]

    def assertEvents(self, got, want):
        """Equal lists of events; on a difference, the first event that differs, shortened
        (unittest's diff of long messages takes minutes)."""
        def short(e):
            return {k: (v if not isinstance(v, str) or len(v) < 300 else f"{v[:120]!r}...{v[-120:]!r} ({len(v)} chars)")
                    for k, v in e.items()}
        for i, (g, w) in enumerate(zip(got, want)):
            if g != w:
                self.fail(f"event {i} of {len(got)} (expected {len(want)}):\n got  {short(g)}\n want {short(w)}")
        self.assertEqual(len(got), len(want), [short(e) for e in got[len(want):] + want[len(got):]][:3])

    def run_once(self, name, **options):
        config = self.pipeline([self.path(name)], fmt="json", read_from="beginning", exit_on_eof=True,
                               multiline=STARTS_WITH_A_DATE, **options)
        rc, out, err = self.run_agent(["run", "-c", config], timeout=60)
        self.assertEqual(rc, 0, err)
        return self.events(out)

    def test_java_stack_traces_are_one_event_each(self):
        self.write("app.log", JAVA_RECORDS)
        events = self.run_once("app.log")
        self.assertEqual(len(events), len(JAVA_RECORDS))
        self.assertEvents(events, [{"message": r} for r in JAVA_RECORDS])

    def test_python_tracebacks_with_blank_lines_are_one_event_each(self):
        self.write("worker.log", PYTHON_RECORDS)
        events = self.run_once("worker.log")
        self.assertEqual(len(events), len(PYTHON_RECORDS))
        self.assertEvents(events, [{"message": r} for r in PYTHON_RECORDS])

    def test_lines_before_the_first_start_make_a_record_and_a_final_cr_is_dropped(self):
        # A line not matching with no record before it starts one; a record's final "\r"
        # (of a CRLF) is dropped.
        self.write_bytes("app.log", b"\tat orphan.Frame(Frame.java:1)\n\t... 2 more\n"
                         b"2026-12-01 10:00:00 INFO first\n\tat x\r\n2026-12-01 10:00:01 INFO last\r\n", "wb")
        events = self.run_once("app.log")
        self.assertEvents(events, [{"message": "\tat orphan.Frame(Frame.java:1)\n\t... 2 more"},
                                  {"message": "2026-12-01 10:00:00 INFO first\n\tat x"},
                                  {"message": "2026-12-01 10:00:01 INFO last"}])

    def test_offset_field_is_the_offset_of_the_records_first_byte(self):
        records = JAVA_RECORDS + PYTHON_RECORDS
        self.write("app.log", records)
        offsets, at = [], 0
        for r in records:
            offsets.append(at)
            at += len(r.encode()) + 1
        events = self.run_once("app.log", offset_field="offset")
        self.assertEvents(events, [{"message": r, "offset": o} for r, o in zip(records, offsets)])

    def test_offset_field_without_multiline_is_the_offset_of_each_line(self):
        lines = ["short", "", "a longer line with ünïcödé", "last"]
        self.write("app.log", lines)
        config = self.pipeline([self.path("app.log")], fmt="json", read_from="beginning", exit_on_eof=True,
                               offset_field="offset")
        rc, out, err = self.run_agent(["run", "-c", config], timeout=60)
        self.assertEqual(rc, 0, err)
        offsets, at = [], 0
        for l in lines:
            offsets.append(at)
            at += len(l.encode()) + 1
        self.assertEvents(self.events(out), [{"message": l, "offset": o} for l, o in zip(lines, offsets)])

    def long_record(self):
        head = "2026-12-01 15:31:47,002 ERROR [main] c.e.App - a very deep stack"
        frames = ["\tat com.example.Recursion.step%04d(Recursion.java:%d)" % (i, i) for i in range(3000)]
        record = "\n".join([head] + frames)
        self.write("app.log", [record, "2026-12-01 15:31:48,000 INFO after"])
        return record

    def test_a_record_longer_than_max_line_bytes_is_truncated_like_a_line(self):
        record = self.long_record()  # about 160 KB
        events = self.run_once("app.log", max_line_bytes="64KiB", on_long_line="truncate")
        self.assertEvents(events, [{"message": record[:64 * 1024], "truncated": True},
                                  {"message": "2026-12-01 15:31:48,000 INFO after"}])

    def test_a_record_longer_than_max_line_bytes_is_split_like_a_line(self):
        record = self.long_record()
        events = self.run_once("app.log", max_line_bytes="64KiB")
        cap = 64 * 1024
        pieces = [record[i:i + cap] for i in range(0, len(record), cap)]
        self.assertEvents(events, [{"message": p, "partial": True} for p in pieces[:-1]] +
                         [{"message": pieces[-1]}, {"message": "2026-12-01 15:31:48,000 INFO after"}])

    def test_a_pattern_that_does_not_compile_is_an_error_at_its_place(self):
        self.write("app.log", [])
        config = self.pipeline([self.path("app.log")], read_from="beginning", multiline="^(\\d{4}-[")
        with open(config) as f:
            line = next(n for n, text in enumerate(f, 1) if text.startswith("multiline = "))
        rc, out, err = self.run_agent(["check", "-c", config], timeout=60)
        self.assertEqual(rc, 1, err)
        self.assertIn(f'{config}:{line}:13: inputs[0] (type "tail"): ', err)
        self.assertIn('option "multiline"', err)
        self.assertNotIn("unknown option", err)

    def test_a_record_with_no_line_after_it_goes_out_after_multiline_timeout(self):
        self.write("app.log", [])
        config = self.pipeline([self.path("app.log")], fmt="json", refresh_interval="20ms",
                               multiline=STARTS_WITH_A_DATE, multiline_timeout="300ms")
        agent = self.launch(config)
        self.wait_for_checkpoint(agent)
        record = JAVA_RECORDS[2].split("\n")
        self.write("app.log", record[:3])
        time.sleep(0.1)  # less than the timeout: the record is still open
        self.write("app.log", record[3:])
        last_written = time.monotonic()
        time.sleep(0.1)
        self.assertEqual(self.read("out.txt"), b"", "emitted before the timeout after its last line")
        lines = self.wait_for_lines(1, agent, deadline_s=5)
        arrived = time.monotonic()
        self.assertEvents(self.events(b"\n".join(lines) + b"\n"), [{"message": JAVA_RECORDS[2]}])
        self.assertGreaterEqual(arrived - last_written, 0.25)
        self.assertLess(arrived - last_written, 2.0)
        # The next record starts; it too goes out on its own after the timeout.
        self.write("app.log", [JAVA_RECORDS[3]])
        lines = self.wait_for_lines(2, agent, deadline_s=5)
        self.assertEvents(self.events(b"\n".join(lines) + b"\n"), [{"message": r} for r in JAVA_RECORDS[2:4]])
        self.assertEqual(self.terminate(agent), 0, self.err_text())


if __name__ == "__main__":
    unittest.main()
