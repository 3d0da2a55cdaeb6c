"""--only, --list and --rerun-failed: ID globs, the suites' own filters,
and the failed IDs of a report."""

import os
import re
import shutil
import tempfile
import unittest

import json

from support import CATALOGUE, SOURCE_ROOT, fixture, run_report

from reporting import catalogue, select


class SelectTest(unittest.TestCase):
    def test_globs_pick_ids(self):
        globs = select.patterns(" C.FORK.*, WAIT.ECHILD ,")
        self.assertEqual(globs, ["C.FORK.*", "WAIT.ECHILD"])
        rows = [{"id": i} for i in ("C.FORK.LINES", "C.FORKED.X", "WAIT.ECHILD", "WAIT.EINTR")]
        self.assertEqual([r["id"] for r in select.chosen(rows, globs)],
                         ["C.FORK.LINES", "WAIT.ECHILD"])

    def test_gtest_filter_names_the_tests_of_the_ids(self):
        rows = catalogue.generate_conformance(SOURCE_ROOT)
        wanted = [r for r in rows if r["id"].startswith("WAIT.")]
        got = select.gtest_filter(rows, ["WAIT.*"]).split(":")
        self.assertEqual(len(got), 2 * len(wanted))
        self.assertIn(wanted[0]["test"], got)
        self.assertEqual(select.gtest_filter(rows, ["NOPE.*"]), "-*")

    def test_bats_filter_matches_test_names_by_their_rule(self):
        regex = re.compile(select.bats_filter(["C.FORK.*", "C.ALL.NO_DUP"]))
        self.assertTrue(regex.search("C.FORK.LINES: both lines once each"))
        self.assertTrue(regex.search("C.ALL.NO_DUP: fork prints once"))
        self.assertFalse(regex.search("C.ALL.NO_DUPES: other"))
        self.assertFalse(regex.search("C.FORKS.X: other"))
        self.assertFalse(regex.search("C.WAIT.LINES: mentions C.FORK.LINES"))


class CliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)

    def test_failed_lists_what_rerun_failed_runs(self):
        out = os.path.join(self.tmp, "r")
        self.assertEqual(run_report("build", "--build-dir", fixture("student"), "--out", out,
                                    "--catalogue", CATALOGUE)[0], 0)
        status, ids, _ = run_report("failed", os.path.join(out, "report.json"))
        self.assertEqual(status, 0)
        ids = ids.strip().split(",")
        self.assertIn("C.ALL.USAGE", ids)
        self.assertIn("C.ECHO_MPSERV.LOAD", ids)
        self.assertEqual(len(ids), 12)

    def test_list_gives_every_suite_with_level_and_title(self):
        status, out, _ = run_report("list")
        self.assertEqual(status, 0)
        lines = [ln.split("\t") for ln in out.splitlines()]
        self.assertTrue(all(len(ln) == 4 for ln in lines))
        self.assertEqual({ln[1] for ln in lines}, {"conformance", "e2e", "stress"})
        self.assertTrue(all(ln[2] != "-" for ln in lines), "a row without its level")
        status, out, _ = run_report("list", "--only", "C.ECHO_MPSERV.LOAD")
        self.assertEqual(out.split("\t")[:2], ["C.ECHO_MPSERV.LOAD", "stress"])
        self.assertEqual(run_report("list", "--only", "NO.SUCH.*")[0], 1)

    def test_only_keeps_the_chosen_rows_and_every_failure(self):
        out = os.path.join(self.tmp, "only")
        self.assertEqual(run_report("build", "--build-dir", fixture("student"), "--out", out,
                                    "--catalogue", CATALOGUE, "--only", "C.ECHO_MPSERV.*")[0], 0)
        with open(os.path.join(out, "report.json")) as f:
            report = json.load(f)
        self.assertTrue(all(r["id"].startswith("C.ECHO_MPSERV.") for r in report["catalogue"]
                            if r["suite"] in ("e2e", "stress", "conformance")
                            and "/" not in r["id"] and r["id"] != "C.ALL.USAGE"
                            and r["id"] != "C.ALL.NO_DUP"))
        got = {r["id"]: r["outcome"] for r in report["results"]}
        self.assertEqual(got["C.ALL.USAGE"], "fail")  # a failure outside the pattern stays
        self.assertNotIn("C.FORK.LINES", got)  # a skip outside it goes
        self.assertEqual(report["run"]["only"], "C.ECHO_MPSERV.*")


if __name__ == "__main__":
    unittest.main()
