"""ci/report as a command: its files, its summary, and its answers to bad
usage and bad input (one line on stderr, a documented exit status)."""

import contextlib
import io
import json
import os
import shutil
import tempfile
import unittest
from unittest import mock

from support import CATALOGUE, SOURCE_ROOT, fixture, run_report

from reporting import cli

USAGE, INPUT, UNEXPECTED = 2, 3, 1


class CliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)

    def build(self, name, *extra):
        out = os.path.join(self.tmp, name)
        status, _, err = run_report("build", "--build-dir", fixture(name), "--out", out,
                                    "--catalogue", CATALOGUE, *extra)
        self.assertEqual((status, err), (0, ""))
        return out

    def assert_one_line_error(self, status, err, expected_status, *words):
        self.assertEqual(status, expected_status, err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertTrue(err.startswith("report: "), err)
        for w in words:
            self.assertIn(w, err)

    def test_build_writes_three_files_and_the_run(self):
        out = self.build("meson-1.0", "--name", "deb12", "--target", "linux")
        self.assertEqual(sorted(os.listdir(out)), ["index.html", "report.json", "report.junit.xml", "report.md"])
        with open(os.path.join(out, "report.json")) as f:
            report = json.load(f)
        meta = report["run"]
        for key in ("name", "machine", "kernel", "distro", "libc", "impl", "target", "date"):
            self.assertIn(key, meta)
        self.assertEqual((meta["name"], meta["target"], meta["impl"]), ("deb12", "linux", ""))
        self.assertGreater(meta["machine"]["nproc"], 0)
        for r in report["results"]:
            self.assertEqual(set(r) - {"duration"},
                             {"id", "suite", "clause", "description", "outcome", "message",
                              "observed", "cause", "where", "level"})

    def test_summary_exit_status_follows_unexpected_results(self):
        failing = self.build("meson-1.0")
        status, out, _ = run_report("summary", os.path.join(failing, "report.json"))
        self.assertEqual(status, UNEXPECTED)
        self.assertIn("FAIL WAIT.REAPS_ZOMBIE [conformance, platform]: Expected equality", out)
        self.assertIn("UNEXPECTED PASS", out)
        # pass fail expected-fail unexpected-pass intermittent skip not-claimed observed not-run
        self.assertRegex(out, r"conformance +1 +1 +1 +1 +0 +1 +0 +1 +1")

        clean_build = os.path.join(self.tmp, "clean")
        shutil.copytree(fixture("meson-0.56"), clean_build)
        log = os.path.join(clean_build, "meson-logs", "testlog.json")
        with open(log) as f:
            kept = [line for line in f if "selfcheck" not in line]
        with open(log, "w") as f:
            f.writelines(kept)
        out_dir = os.path.join(self.tmp, "clean-report")
        self.assertEqual(run_report("build", "--build-dir", clean_build, "--out", out_dir,
                                    "--catalogue", CATALOGUE)[0], 0)
        status, out, _ = run_report("summary", os.path.join(out_dir, "report.json"))
        self.assertEqual(status, 0, out)
        self.assertIn("no unexpected result", out)

    def test_merge(self):
        a = self.build("meson-1.0", "--name", "new")
        b = self.build("meson-0.56", "--name", "old")
        out = os.path.join(self.tmp, "merged")
        status, _, err = run_report("merge", os.path.join(a, "report.json"),
                                    os.path.join(b, "report.json"), "--out", out)
        self.assertEqual((status, err), (0, ""))
        with open(os.path.join(out, "report.json")) as f:
            merged = json.load(f)
        self.assertEqual([r["run"]["name"] for r in merged["runs"]], ["new", "old"])
        with open(os.path.join(out, "report.md")) as f:
            md = f.read()
        self.assertIn("| ID | suite | clause | description | new | old |", md)

    def test_counts_apply_the_expectations_the_report_applies(self):
        # ci/validate's progress line per suite: the fixture's e2e rows are
        # C.FORK.EXIT pass, C.FORK.LINES and C.WAIT.LINES fail, one skip.
        testlog = fixture("meson-1.0", "meson-logs", "testlog.json")
        counts = ["counts", "--build-dir", fixture("meson-1.0"), "--suite", "e2e",
                  "--testlog", testlog]
        self.assertEqual(run_report(*counts), (0, "1 pass, 2 FAIL, 1 skip\n", ""))
        impl = os.path.join(self.tmp, "impl")
        os.mkdir(impl)
        with open(os.path.join(impl, "expectations.txt"), "w") as f:
            f.write("C.WAIT.LINES  prints the PIDs late\nC.FORK.EXIT  exits 1\n")
        status, line, err = run_report(*counts, "--impl", impl)
        self.assertEqual((status, err), (0, ""))
        self.assertEqual(line, "1 FAIL, 1 expected fail, 1 UNEXPECTED PASS, 1 skip\n")
        # The same numbers as the report's totals.
        totals = self.totals(self.build("meson-1.0", "--impl", impl))
        self.assertEqual([totals[o] for o in ("pass", "fail", "expected-fail", "unexpected-pass",
                                              "skip")], [0, 1, 1, 1, 1])

        # A target's shell-tests/expectations/TARGET.txt, in a source tree
        # of the test's own (the real one's files are the layers').
        src = os.path.join(self.tmp, "src")
        os.makedirs(os.path.join(src, "shell-tests", "expectations"))
        os.symlink(os.path.join(SOURCE_ROOT, "docs"), os.path.join(src, "docs"))
        with open(os.path.join(src, "shell-tests", "expectations", "t.txt"), "w") as f:
            f.write("# a layer\nC.FORK.LINES  the layer holds the lines\n")
        said = io.StringIO()
        with mock.patch.object(cli, "SOURCE_ROOT", src), contextlib.redirect_stdout(said):
            status = cli.main(counts + ["--target", "t", "--impl", impl])
        self.assertEqual((status, said.getvalue()),
                         (0, "2 expected fail, 1 UNEXPECTED PASS, 1 skip\n"))

    def totals(self, out):
        with open(os.path.join(out, "report.json")) as f:
            return json.load(f)["totals"]["e2e"]

    def test_missing_testlog(self):
        empty = os.path.join(self.tmp, "empty-build")
        os.mkdir(empty)
        status, _, err = run_report("build", "--build-dir", empty, "--out", self.tmp + "/o")
        self.assert_one_line_error(status, err, INPUT, "testlog.json", "no such file")
        self.assertFalse(os.path.exists(self.tmp + "/o"))

    def test_missing_build_dir(self):
        status, _, err = run_report("build", "--build-dir", "/nonexistent", "--out", self.tmp)
        self.assert_one_line_error(status, err, INPUT, "/nonexistent", "no such build directory")

    def test_malformed_xml(self):
        broken = os.path.join(self.tmp, "broken")
        shutil.copytree(fixture("meson-1.0"), broken)
        with open(os.path.join(broken, "posix.xml"), "w") as f:
            f.write("<?xml version='1.0'?><testsuites><testsuite name='x'><testcase name=")
        status, _, err = run_report("build", "--build-dir", broken, "--out", self.tmp + "/o")
        self.assert_one_line_error(status, err, INPUT, "posix.xml", "malformed XML")

    def test_malformed_report_for_merge(self):
        bad = os.path.join(self.tmp, "bad.json")
        with open(bad, "w") as f:
            f.write('{"results": ')
        status, _, err = run_report("merge", bad, "--out", self.tmp + "/o")
        self.assert_one_line_error(status, err, INPUT, "bad.json", "malformed JSON")

    def test_bad_usage(self):
        for args, word in ((["build", "--build-dir", "b", "--out", "o", "--colour"], "--colour"),
                           (["build", "--out", "o"], "--build-dir"),
                           (["merge", "--out", "o"], "reports"),
                           (["frobnicate"], "frobnicate"),
                           ([], "command")):
            with self.subTest(args=args):
                status, _, err = run_report(*args)
                self.assert_one_line_error(status, err, USAGE, word)


if __name__ == "__main__":
    unittest.main()
