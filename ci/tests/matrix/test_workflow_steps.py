"""The workflow's steps that no other test runs: ci/matrix/bootstrap,
ci/matrix/merge-artifacts, and ci/validate's refusal of bad input before it
sets anything up (ci/setup runs in ci/test; the matrices by hand)."""

import json
import os

from matrix_support import ROOT, TempDirTest, run

FIXTURES = os.path.join(ROOT, "ci", "tests", "report", "fixtures")
REPORT = os.path.join(ROOT, "ci", "report")
MERGE = os.path.join(ROOT, "ci", "matrix", "merge-artifacts")


class Bootstrap(TempDirTest):
    def test_nothing_to_do_when_bash_and_git_are_there(self):
        status, _, err = run(["sh", os.path.join(ROOT, "ci", "matrix", "bootstrap")])
        self.assertEqual(status, 0, err)
        self.assertEqual(err, "")


class MergeArtifacts(TempDirTest):
    def job_report(self, job):
        # Laid out as actions/download-artifact leaves a job's build/report.
        out = os.path.join(self.tmp, "artifacts", f"report-{job}")
        status, _, err = run([REPORT, "build", "--build-dir", os.path.join(FIXTURES, "meson-1.0"),
                              "--out", out, "--name", job,
                              "--catalogue", os.path.join(FIXTURES, "catalogue.json")])
        self.assertEqual(status, 0, err)

    def test_every_job_becomes_a_column(self):
        self.job_report("debian-12")
        self.job_report("alpine")
        out = os.path.join(self.tmp, "merged")
        status, _, err = run([MERGE, os.path.join(self.tmp, "artifacts"), out])
        self.assertEqual(status, 0, err)
        with open(os.path.join(out, "report.json"), encoding="utf-8") as f:
            merged = json.load(f)
        self.assertEqual(sorted(r["run"]["name"] for r in merged["runs"]), ["alpine", "debian-12"])
        self.assertTrue(os.path.exists(os.path.join(out, "index.html")))

    def test_no_report_is_bad_usage(self):
        os.makedirs(os.path.join(self.tmp, "empty"))
        status, _, err = run([MERGE, os.path.join(self.tmp, "empty"), os.path.join(self.tmp, "o")])
        self.assertEqual(status, 2)
        self.assertIn("no report.json", err)


class Validate(TempDirTest):
    def test_bad_input_is_refused_before_any_work(self):
        validate = os.path.join(ROOT, "ci", "validate")
        for args, words in ((["--bogus"], "unknown option '--bogus'"),
                            (["--target", "nosuch"], "unknown target 'nosuch'"),
                            (["--impl", os.path.join(self.tmp, "none")], "none")):
            status, _, err = run([validate, *args, "--build-dir", os.path.join(self.tmp, "b")])
            self.assertEqual(status, 2, (args, err))
            self.assertIn(words, err)
            self.assertFalse(os.path.exists(os.path.join(self.tmp, "b")), "a build was started")
