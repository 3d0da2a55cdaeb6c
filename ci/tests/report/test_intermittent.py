"""Rows an expectations file lists as intermittent ("intermittent (failed N
of M runs): reason"): read the same way as conformance/support/expectations.cc
reads them, shown with this run's result, and counted neither as a pass nor
as a failure."""

import json
import os
import tempfile
import unittest
import xml.etree.ElementTree as ET

import jsonschema
from support import SOURCE_ROOT

from reporting import catalogue, gtest_xml, junit, merge, render_html, render_md, run, summary
from reporting import outcomes as O
from reporting.errors import InputError

LISTED = "intermittent (failed 7 of 20 runs): a self-queued signal arrives late"


def write(test, text, suffix=".txt"):
    f = tempfile.NamedTemporaryFile("w", suffix=suffix, delete=False)
    test.addCleanup(os.unlink, f.name)
    f.write(text)
    f.close()
    return f.name


class ReadTest(unittest.TestCase):
    def test_an_intermittent_row_carries_its_rate_and_a_plain_row_is_unchanged(self):
        path = write(self, f"# probe: ...\nC.A  {LISTED}\nC.B  intermittently slow, every run\n")
        got = catalogue.expectations(path)
        self.assertTrue(got["C.A"].intermittent)
        self.assertEqual((got["C.A"].rate, got["C.A"].reason),
                         ("failed 7 of 20 runs", "a self-queued signal arrives late"))
        # Only the word itself starts the form.
        self.assertEqual(got["C.B"], catalogue.Listed("intermittently slow, every run"))
        self.assertFalse(got["C.B"].intermittent)

    def test_a_malformed_rate_is_one_line_naming_file_and_line(self):
        for row, said in (("C.A  intermittent: sometimes", "'C.A' has no measured rate"),
                          ("C.A  intermittent (7 of 20): late", "'C.A' has no measured rate"),
                          ("C.A  intermittent (failed 3 of 3 runs): always",
                           "it must have failed in some runs and passed in others")):
            path = write(self, f"# header\n{row}\n")
            with self.assertRaises(InputError) as e:
                catalogue.expectations(path)
            message = str(e.exception)
            self.assertTrue(message.startswith(f"{path}:2: "), message)
            self.assertIn(said, message)
            self.assertNotIn("\n", message)


def _xml_case(outcome_props, body):
    props = "".join(f'<property name="{k}" value="{v}"/>' for k, v in outcome_props.items())
    return (f'<testcase name="A" classname="F">{body}<properties>'
            f'<property name="assertion" value="F.A"/>{props}</properties></testcase>')


class GtestXmlTest(unittest.TestCase):
    def case(self, props, body=""):
        path = write(self, f'<testsuites><testsuite name="F">{_xml_case(props, body)}'
                           '</testsuite></testsuites>', ".xml")
        [case] = gtest_xml.read(path)
        return case

    def test_intermittent_and_failed(self):
        c = self.case({"outcome": "intermittent", "this_run": "fail"},
                      '<skipped message="intermittent failure: late (listed as failed 7 of 20 '
                      'runs)"/>')
        self.assertEqual((c.outcome, c.this_run), (O.INTERMITTENT, "fail"))
        self.assertIn("intermittent failure: late", c.message)

    def test_intermittent_and_passed(self):
        c = self.case({"outcome": "intermittent", "this_run": "pass"})
        self.assertEqual((c.outcome, c.this_run), (O.INTERMITTENT, "pass"))

    def test_a_failure_after_an_intermittent_pass_is_a_failure(self):
        c = self.case({"outcome": "intermittent", "this_run": "pass"},
                      '<failure message="the test left child processes"/>')
        self.assertEqual((c.outcome, c.this_run), (O.FAIL, ""))


def _rows():
    return [run.result("C.A", "e2e", O.FAIL, "2 lines, expected 3"),
            run.result("C.B", "e2e", O.PASS),
            run.result("C.C", "e2e", O.FAIL, "exit 1"),
            run.result("C.D", "e2e", O.PASS)]


class ApplyTest(unittest.TestCase):
    def setUp(self):
        path = write(self, f"C.A  {LISTED}\nC.B  {LISTED}\nC.C  exits 1\nC.D  exits 1\n")
        rows = run.apply_expectations(_rows(), catalogue.expectations(path), "t.txt")
        self.rows = {r["id"]: r for r in rows}

    def test_intermittent_and_failed(self):
        r = self.rows["C.A"]
        self.assertEqual((r["outcome"], r["this_run"]), (O.INTERMITTENT, "fail"))
        self.assertIn("intermittent failure (t.txt, listed as failed 7 of 20 runs)", r["cause"])
        self.assertIn("2 lines, expected 3", r["message"])

    def test_intermittent_and_passed(self):
        r = self.rows["C.B"]
        self.assertEqual((r["outcome"], r["this_run"]), (O.INTERMITTENT, "pass"))
        self.assertIn("passed this run", r["cause"])

    def test_plain_rows_are_unchanged(self):
        self.assertEqual(self.rows["C.C"]["outcome"], O.EXPECTED_FAIL)
        self.assertEqual(self.rows["C.D"]["outcome"], O.UNEXPECTED_PASS)
        self.assertNotIn("this_run", self.rows["C.C"])


META = {"name": "t", "kernel": "6.1", "distro": "D", "libc": "glibc", "impl": "", "target": "t",
        "date": "2024-01-01T00:00:00Z"}


class ReportTest(unittest.TestCase):
    def setUp(self):
        results = [run.result("C.A", "e2e", O.INTERMITTENT, "intermittent failure: late",
                              cause="intermittent failure: late", this_run="fail"),
                   run.result("C.B", "e2e", O.INTERMITTENT, "passed this run", this_run="pass"),
                   run.result("C.C", "e2e", O.PASS)]
        catalogue_rows = [{"id": r["id"], "suite": "e2e", "clause": "", "description": ""}
                          for r in results]
        self.one = {"format_version": 2, "run": dict(META), "results": results,
                    "totals": run.totals(results, catalogue_rows), "catalogue": catalogue_rows}
        self.report = merge.as_matrix(self.one)

    def test_counted_neither_as_pass_nor_as_failure(self):
        e2e = self.one["totals"]["e2e"]
        self.assertEqual((e2e[O.INTERMITTENT], e2e[O.PASS], e2e[O.FAIL]), (2, 1, 0))
        self.assertFalse(summary.unexpected(self.report))
        said = summary.render(self.report)
        self.assertIn("no unexpected result", said)
        self.assertIn("2 intermittent row(s) (neither passes nor failures): 1 failed this run (C.A)",
                      said)

    def test_the_cell_says_this_runs_result(self):
        md = render_md.render(self.report)
        self.assertIn("| intermittent: failed |", md)
        self.assertIn("| intermittent: passed |", md)
        html = render_html.render(self.report)
        self.assertIn("intermittent: failed", html)
        self.assertIn("counted neither as a pass nor as a failure", html)

    def test_junit_skips_both(self):
        root = ET.fromstring(junit.render(self.report).split("\n", 1)[1])
        [suite] = root.iter("testsuite")
        self.assertEqual((suite.get("skipped"), suite.get("failures")), ("2", "0"))

    def test_the_schema_takes_it(self):
        with open(os.path.join(SOURCE_ROOT, "ci", "reporting", "report.schema.json")) as f:
            jsonschema.validate(self.one, json.load(f))


if __name__ == "__main__":
    unittest.main()
