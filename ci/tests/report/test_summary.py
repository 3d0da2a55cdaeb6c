"""The summary of a failing run (a chapter-style echo_mpserv, the other
programs absent: fixtures/student) and the causes it is made of."""

import os
import re
import tempfile
import unittest

from support import CATALOGUE, SOURCE_ROOT, fixture

from reporting import bats, catalogue, merge, run, summary
from reporting import outcomes as O

META = {"name": "student", "kernel": "6.1", "distro": "D", "libc": "glibc 2.36",
        "impl": "/home/student/ch10", "target": "", "wrapper": "", "date": "2024-01-01T00:00:00Z"}


def student_report():
    """The fixture's paths are those of a tree at /src/procsig."""
    build = fixture("student")
    return run.build(build, [os.path.join(build, "meson-logs", "testlog.json")], dict(META),
                     SOURCE_ROOT, conformance_catalogue=catalogue.conformance_assertions(CATALOGUE),
                     tests_root="/src/procsig")


class CauseTest(unittest.TestCase):
    def test_the_message_not_the_stack_trace(self):
        got = bats.failure([
            "(from function `expect_status' in file /src/p/shell-tests/helpers/common.bash, line 218,",
            "from function `usage_case' in file /src/p/shell-tests/bad_input.bats, line 20,",
            "in test file /src/p/shell-tests/bad_input.bats, line 35)",
            "`usage_case echo_mpserv' failed",
            "C.ALL.USAGE: exit status 1, expected 2: wrong number of arguments (0)",
            "status: 1, elapsed:  s",
            "--- stdout ---",
            "Usage : ./echo_mpserv <port>",
        ], "C.ALL.USAGE", "/src/p")
        self.assertEqual(got.cause, "exit status 1, expected 2: wrong number of arguments (0)")
        self.assertEqual(got.where, "shell-tests/bad_input.bats:35")

    def test_a_test_without_a_message_names_its_failed_command(self):
        got = bats.failure(["(in test file /t/x.bats, line 3)", "`[ 1 -eq 2 ]' failed"])
        self.assertEqual(got.cause, "`[ 1 -eq 2 ]' failed")
        self.assertEqual(got.where, "/t/x.bats:3")

    def test_bash_job_notes_are_not_the_cause(self):
        got = bats.failure([
            "`expect_status C.X.Y 2' failed",
            "/src/common.bash: line 168:  8252 Killed                  timeout -s KILL 5 ./x",
            "C.X.Y: still running at the deadline, expected exit status 2",
        ], "C.X.Y")
        self.assertEqual(got.cause, "still running at the deadline, expected exit status 2")

    def test_a_shell_error_is_the_cause_only_when_nothing_else_is(self):
        got = bats.failure(["/x/fork_fails.bats: line 79: read: read error: 17: Connection reset",
                            "C.X.Y: no line on stderr for the failed fork"], "C.X.Y")
        self.assertEqual(got.cause, "no line on stderr for the failed fork")
        got = bats.failure(["`run_it' failed", "/x/t.bats: line 3: frob: command not found"])
        self.assertEqual(got.cause, "/x/t.bats: line 3: frob: command not found")

    def test_absent_program(self):
        self.assertEqual(bats.absent_program("no program 'fork' in /a b"), ("fork", "/a b"))
        self.assertIsNone(bats.absent_program("bats-file is missing"))


class StudentSummaryTest(unittest.TestCase):
    def setUp(self):
        self.report = student_report()
        self.text = summary.render(merge.as_matrix(self.report))

    def test_every_failure_has_its_whole_cause_and_a_place(self):
        lines = self.text.splitlines()
        failures = [i for i, ln in enumerate(lines) if ln.startswith("    FAIL ")]
        bad = [r for r in self.report["results"] if r["outcome"] == O.FAIL]
        self.assertEqual(len(failures), len(bad))
        for i in failures:
            self.assertFalse(lines[i].endswith("..."), lines[i])
            self.assertRegex(lines[i + 1], r"^      at shell-tests/\S+\.bats:\d+$")
        self.assertIn("FAIL C.ALL.USAGE [e2e, robust]: exit status 1, expected 2: wrong number of "
                      "arguments (0)\n      at shell-tests/bad_input.bats:35", self.text)
        self.assertIn("C.ECHO_MPSERV.LOAD [stress, robust]: 1,000 clients at once, 64 KiB each: "
                      "echo_load exit status 1 (a byte was lost, changed or a connection "
                      "failed): echo_load: connection 409: recv: Connection reset by peer "
                      "(after 0 of 65536 bytes)", self.text)

    def test_no_stack_trace_and_no_output_dump(self):
        for word in ("from function", "in test file", "--- stdout", "' failed"):
            self.assertNotIn(word, self.text)

    def test_absent_programs_take_one_line(self):
        absent = [ln for ln in self.text.splitlines() if "absent programs" in ln]
        self.assertEqual(len(absent), 1)
        self.assertRegex(absent[0], r"^  47 row\(s\) skipped for absent programs: echo_client, "
                                    r"echo_mpclient, fd_share, fork, .* not in /home/student/ch10$")
        self.assertNotIn("no program", self.text)

    def test_failures_come_by_level_chapter_first(self):
        levels = {"C.ECHO_MPSERV.LOAD": "chapter", "C.ALL.USAGE": "robust"}
        for r in self.report["results"]:
            r["level"] = levels.get(r["id"], "extension:x" if r["outcome"] == O.FAIL else "")
        text = summary.render(merge.as_matrix(self.report))
        order = re.findall(r"^    FAIL (\S+)", text, re.MULTILINE)
        self.assertEqual(order[:2], ["C.ECHO_MPSERV.LOAD", "C.ALL.USAGE"])
        self.assertIn("(chapter: 1 failure, robust: 1 failure, extension: 10 failures)", text)

    def test_not_claimed_is_no_failure(self):
        report = student_report()
        row = next(r for r in report["results"] if r["id"] == "C.ECHO_MPSERV.LOAD")
        row.update(outcome=O.NOT_CLAIMED, level="extension:load", cause="not claimed: load")
        view = merge.as_matrix(report)
        text = summary.render(view)
        self.assertIn("1 row(s) not claimed (not failures): extension:load", text)
        self.assertNotIn("FAIL C.ECHO_MPSERV.LOAD", text)


class NotClaimedTest(unittest.TestCase):
    def test_a_not_claimed_skip_is_its_own_outcome(self):
        with tempfile.TemporaryDirectory() as tmp:
            os.makedirs(os.path.join(tmp, "meson-logs"))
            line = ('{"name": "procsig:e2e / e2e-x", "result": "OK", "returncode": 0, '
                    '"starttime": 1, "duration": 0.5, "stdout": "1..2\\nok 1 C.X.MAX: a # skip '
                    'not claimed: max-children\\nok 2 C.X.OTHER: b in 12ms\\n"}\n')
            log = os.path.join(tmp, "meson-logs", "testlog.json")
            with open(log, "w") as f:
                f.write(line)
            report = run.build(tmp, [log], dict(META), SOURCE_ROOT, conformance_catalogue=[])
        got = {r["id"]: r for r in report["results"]}
        self.assertEqual(got["C.X.MAX"]["outcome"], O.NOT_CLAIMED)
        self.assertEqual(got["C.X.OTHER"]["duration"], 0.012)
        self.assertEqual(report["totals"]["e2e"][O.NOT_CLAIMED], 1)
        self.assertFalse(summary.unexpected(merge.as_matrix(report)))


if __name__ == "__main__":
    unittest.main()
