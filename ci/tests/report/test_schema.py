"""report.json against the schema shipped in ci/reporting, and the JUnit
file that carries each failure's cause."""

import json
import os
import shutil
import tempfile
import unittest
import xml.etree.ElementTree as ET

import jsonschema
from support import CATALOGUE, SOURCE_ROOT, fixture, run_report

from reporting import outcomes as O
from reporting import provenance

SCHEMA = os.path.join(SOURCE_ROOT, "ci", "reporting", "report.schema.json")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class SchemaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.schema = load(SCHEMA)
        jsonschema.Draft7Validator.check_schema(cls.schema)
        cls.tmp = tempfile.mkdtemp()
        cls.out = {}
        for name in ("meson-1.0", "meson-0.56", "stress", "student"):
            out = os.path.join(cls.tmp, name)
            status, _, err = run_report("build", "--build-dir", fixture(name), "--out", out,
                                        "--catalogue", CATALOGUE, "--wrapper", "valgrind -q")
            assert status == 0, err
            cls.out[name] = out
        merged = os.path.join(cls.tmp, "merged")
        status, _, err = run_report("merge", *(os.path.join(o, "report.json")
                                               for o in cls.out.values()), "--out", merged)
        assert status == 0, err
        cls.out["merged"] = merged

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_every_report_validates(self):
        for name, out in self.out.items():
            with self.subTest(name):
                jsonschema.validate(load(os.path.join(out, "report.json")), self.schema)

    def test_the_run_says_format_commit_wrapper_and_kernel(self):
        report = load(os.path.join(self.out["student"], "report.json"))
        self.assertEqual(report["format_version"], provenance.FORMAT_VERSION)
        run = report["run"]
        self.assertRegex(run["procsig"]["commit"], r"^([0-9a-f]{40}(-dirty)?|)$")
        self.assertEqual(run["wrapper"], "valgrind -q")
        self.assertTrue(run["kernel"])
        timed = [r for r in load(os.path.join(self.out["meson-1.0"], "report.json"))["results"]
                 if "duration" in r]
        self.assertTrue(timed, "no row has a duration")

    def test_the_schema_can_fail(self):
        report = load(os.path.join(self.out["meson-1.0"], "report.json"))
        broken = json.loads(json.dumps(report))
        broken["results"][0]["outcome"] = "passed-ish"
        with self.assertRaises(jsonschema.ValidationError):
            jsonschema.validate(broken, self.schema)
        del report["format_version"]
        with self.assertRaises(jsonschema.ValidationError):
            jsonschema.validate(report, self.schema)

    def test_junit_carries_every_failure_cause(self):
        report = load(os.path.join(self.out["student"], "report.json"))
        root = ET.parse(os.path.join(self.out["student"], "report.junit.xml")).getroot()
        failures = {c.get("name"): c.find("failure") for c in root.iter("testcase")
                    if c.find("failure") is not None}
        bad = [r for r in report["results"] if r["outcome"] in O.UNEXPECTED]
        self.assertEqual(sorted(failures), sorted(r["id"] for r in bad))
        for r in bad:
            self.assertEqual(failures[r["id"]].get("message"), r["cause"])
        e2e = next(s for s in root.iter("testsuite") if s.get("name").endswith(".e2e"))
        self.assertEqual(e2e.get("failures"), "10")


if __name__ == "__main__":
    unittest.main()
