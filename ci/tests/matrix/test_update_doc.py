"""ci/matrix/update-doc: the table, the differences between runs, and the
rewrite of one section of docs/matrix.md that leaves the other alone."""

import json
import os

from matrix_support import TempDirTest, run, tool

XML = """<?xml version="1.0"?>
<testsuites><testsuite name="Fork">
<testcase name="A" classname="Fork"><properties>
<property name="assertion" value="FORK.A"/></properties></testcase>
<testcase name="B" classname="Fork">{b}<properties>
<property name="assertion" value="FORK.B"/></properties></testcase>
</testsuite></testsuites>
"""


class UpdateDoc(TempDirTest):
    def make_run(self, name, b_fails, seconds):
        folder = os.path.join(self.tmp, name)
        os.makedirs(folder)
        with open(os.path.join(folder, "run.json"), "w", encoding="utf-8") as f:
            json.dump({"name": name, "label": name, "status": 1 if b_fails else 0,
                       "seconds": seconds, "compiler": "g++ 12"}, f)
        with open(os.path.join(folder, "conformance.xml"), "w", encoding="utf-8") as f:
            f.write(XML.format(b='<failure message="no"/>' if b_fails else ""))
        tap = "TAP version 13\nok 1 C.FORK.LINES: x\nnot ok 2 C.FORK.EXIT: y\n" if b_fails else \
            "ok 1 C.FORK.LINES: x\nok 2 C.FORK.EXIT: y # skip no program\n"
        with open(os.path.join(folder, "testlog.json"), "w", encoding="utf-8") as f:
            f.write(json.dumps({"name": "fork.bats", "suite": ["procsig:e2e"],
                                "result": "FAIL" if b_fails else "OK", "stdout": tap}) + "\n")
        return folder

    def test_table_differences_and_section(self):
        good = self.make_run("old-kernel", False, 65)
        bad = self.make_run("new-kernel", True, 5)
        doc = self.write("matrix.md", "# Matrix\n\n<!-- BEGIN distro matrix -->\nkept\n"
                                      "<!-- END distro matrix -->\n")
        status, out, err = run([tool("update-doc"), "--section", "kernel", "--out",
                                os.path.join(self.tmp, "out"), "--machine", "box", "--doc", doc,
                                good, bad])
        self.assertEqual(status, 0, err)
        lines = out.splitlines()
        self.assertEqual(lines[0].split(), ["run", "passed", "failed", "skipped", "time", "status"])
        self.assertEqual(lines[1].split(), ["old-kernel", "3", "0", "1", "1m05s", "ok"])
        self.assertEqual(lines[2].split(), ["new-kernel", "2", "2", "0", "0m05s", "FAILED"])
        with open(doc, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("<!-- BEGIN distro matrix -->\nkept\n<!-- END distro matrix -->", text)
        section = text.split("<!-- BEGIN kernel matrix -->")[1].split("<!-- END kernel matrix -->")[0]
        self.assertIn("on box.", section)
        diff = section.split("### Where the runs differ")[1].split("<details>")[0]
        self.assertIn("`FORK.B` | conformance | pass | **FAIL**", diff)
        self.assertIn("`C.FORK.EXIT` | e2e | skip | **FAIL**", diff)
        self.assertNotIn("`FORK.A`", diff)
        self.assertNotIn("`C.FORK.LINES`", diff)

        # A second run replaces the section rather than adding one.
        run([tool("update-doc"), "--section", "kernel", "--out", os.path.join(self.tmp, "out"),
             "--doc", doc, good])
        with open(doc, encoding="utf-8") as f:
            self.assertEqual(f.read().count("<!-- BEGIN kernel matrix -->"), 1)

    def test_report_json_wins_over_raw_files(self):
        folder = self.make_run("r", True, 1)
        os.makedirs(os.path.join(folder, "report"))
        with open(os.path.join(folder, "report", "report.json"), "w", encoding="utf-8") as f:
            json.dump({"run": {"name": "r"}, "results": [
                {"id": "FORK.B", "suite": "conformance", "outcome": "expected-fail"}]}, f)
        status, out, err = run([tool("update-doc"), "--section", "distro", "--no-doc",
                                "--out", os.path.join(self.tmp, "out"), folder])
        self.assertEqual(status, 0, err)
        self.assertEqual(out.splitlines()[1].split()[:4], ["r", "1", "0", "0"])

    def test_no_run_folder(self):
        status, _, err = run([tool("update-doc"), "--section", "distro", "--no-doc",
                              "--out", self.tmp, os.path.join(self.tmp, "nothing")])
        self.assertEqual(status, 2)
        self.assertIn("no run folder", err)
