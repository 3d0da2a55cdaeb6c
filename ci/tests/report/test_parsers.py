"""The readers of ci/report: Meson test logs, TAP, gtest XML, the contract
and expectations files."""

import contextlib
import io
import os
import shutil
import tempfile
import unittest

from support import SOURCE_ROOT, fixture

from reporting import catalogue, gtest_xml, meson_log, tap
from reporting import outcomes as O
from reporting.errors import InputError


class MesonLogTest(unittest.TestCase):
    def test_names_carry_the_suite(self):
        self.assertEqual(meson_log.split_name("procsig:e2e / fork.bats"), ("fork.bats", "e2e"))
        self.assertEqual(meson_log.split_name("procsig:slow+e2e / x"), ("x", "e2e"))
        self.assertEqual(meson_log.split_name("procsig:stress / stress-load"), ("stress-load", "stress"))
        self.assertEqual(meson_log.split_name("lonely"), ("lonely", ""))

    def test_a_suite_field_wins_over_the_name(self):
        self.assertEqual(meson_log.split_name("x", ["procsig:selfcheck"]), ("x", "selfcheck"))
        self.assertEqual(meson_log.split_name("procsig:e2e / x", "unit"), ("x", "unit"))

    def test_reads_meson_1_0(self):
        tests = meson_log.read(fixture("meson-1.0", "meson-logs", "testlog.json"))
        by_name = {t.name: t for t in tests}
        self.assertEqual(set(by_name), {"posix", "fork-no-flush", "lib", "fork.bats"})
        self.assertEqual(by_name["fork.bats"].suite, "e2e")
        self.assertEqual(by_name["fork.bats"].result, "ERROR")
        self.assertIn("ok 1 C.FORK.LINES", by_name["fork.bats"].stdout)
        self.assertIn("exited with status code 1", by_name["fork.bats"].stderr)
        self.assertTrue(by_name["posix"].bad)
        self.assertFalse(by_name["lib"].bad)

    def test_reads_meson_0_56(self):
        tests = meson_log.read(fixture("meson-0.56", "meson-logs", "testlog.json"))
        self.assertEqual([(t.name, t.suite, t.result) for t in tests],
                         [("posix", "conformance", "OK"), ("fork.bats", "e2e", "OK"),
                          ("variants", "selfcheck", "FAIL")])
        self.assertEqual(tests[2].stderr, "")

    def test_missing_log_is_an_input_error(self):
        with self.assertRaises(InputError) as e:
            meson_log.read("/nonexistent/testlog.json")
        self.assertIn("no such file", str(e.exception))

    def test_a_line_that_is_not_a_test_is_an_input_error(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            f.write('{"name": "a", "result": "OK"}\n{"truncated": \n')
            f.flush()
            with self.assertRaises(InputError) as e:
                meson_log.read(f.name)
        self.assertIn("line 2", str(e.exception))


class TapTest(unittest.TestCase):
    def test_outcomes_directives_and_diagnostics(self):
        tests = tap.parse("1..4\nok 1 C.A.B: one\nnot ok 2 C.A.C: two\n# why\n#  more\n"
                          "ok 3 C.A.D: three # skip no program 'x'\nok 4 - dashed # TODO later\n")
        self.assertEqual([(t.ok, t.description, t.directive) for t in tests],
                         [(True, "C.A.B: one", ""), (False, "C.A.C: two", ""),
                          (True, "C.A.D: three", "skip"), (True, "dashed", "todo")])
        self.assertEqual(tests[1].diagnostics, ["why", "more"])
        self.assertEqual(tests[2].reason, "no program 'x'")

    def test_text_without_tap_has_no_tests(self):
        self.assertEqual(tap.parse("Running main()\n[ OK ] x\n"), [])


class GtestXmlTest(unittest.TestCase):
    def cases(self, *path):
        return {c.id: c for c in gtest_xml.read(fixture(*path))}

    def test_gtest_1_12_properties_and_outcomes(self):
        c = self.cases("meson-1.0", "posix.xml")
        self.assertEqual({i: c[i].outcome for i in c}, {
            "FORK.RETURNS_ZERO_IN_CHILD": O.PASS, "WAIT.REAPS_ZOMBIE": O.FAIL,
            "SIGNAL.RESTART": O.OBSERVED, "ALARM.KNOWN": O.EXPECTED_FAIL,
            "ALARM.UNEXP": O.UNEXPECTED_PASS, "KILL.SKIPPED": O.SKIP})
        self.assertEqual(c["WAIT.REAPS_ZOMBIE"].clause, "XSH wait")
        self.assertNotIn("demo.cc:6", c["WAIT.REAPS_ZOMBIE"].message)
        self.assertIn("zombie still present", c["WAIT.REAPS_ZOMBIE"].message)
        self.assertEqual(c["SIGNAL.RESTART"].observed, "SA_RESTART set")
        self.assertEqual(c["SIGNAL.RESTART"].description, "signal() restarts & <syscalls>")
        self.assertEqual(c["ALARM.KNOWN"].message, "expected failure: qemu-user lacks it")
        self.assertEqual(c["KILL.SKIPPED"].message, "needs a pty")
        self.assertEqual(c["ALARM.UNEXP"].message,
                         "unexpected pass: listed in expectations but passed")

    def test_gtest_1_10_skip_without_element(self):
        c = self.cases("meson-0.56", "posix.xml")
        self.assertEqual(c["ALARM.KNOWN"].outcome, O.EXPECTED_FAIL)
        self.assertEqual(c["SIGNAL.RESTART"].outcome, O.OBSERVED)

    def write_xml(self, text):
        f = tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False)
        self.addCleanup(os.unlink, f.name)
        f.write(text)
        f.close()
        return f.name

    def test_properties_as_attributes_and_disabled_tests(self):
        path = self.write_xml(
            '<testsuites><testsuite name="F">'
            '<testcase name="A" status="run" classname="F" assertion="F.A" clause="XSH x"/>'
            '<testcase name="DISABLED_B" status="notrun" classname="F"/>'
            '</testsuite></testsuites>')
        cases = gtest_xml.read(path)
        self.assertEqual([(c.id, c.clause, c.outcome) for c in cases], [("F.A", "XSH x", O.PASS)])

    def test_a_failure_beats_a_claimed_pass(self):
        path = self.write_xml(
            '<testsuites><testsuite name="F"><testcase name="A" classname="F">'
            '<failure message="leaked a child"/><properties>'
            '<property name="assertion" value="F.A"/><property name="outcome" value="observed"/>'
            '</properties></testcase></testsuite></testsuites>')
        [case] = gtest_xml.read(path)
        self.assertEqual((case.outcome, case.message), (O.FAIL, "leaked a child"))

    def test_malformed_xml_is_an_input_error(self):
        path = self.write_xml("<testsuites><testsuite name='F'><testcase")
        with self.assertRaises(InputError) as e:
            gtest_xml.read(path)
        self.assertIn("malformed XML", str(e.exception))

    def test_other_xml_is_an_input_error(self):
        path = self.write_xml("<html><body/></html>")
        with self.assertRaises(InputError) as e:
            gtest_xml.read(path)
        self.assertIn("not gtest XML", str(e.exception))


class CatalogueTest(unittest.TestCase):
    def test_every_contract_rule_with_its_text(self):
        rules = catalogue.contract_rules(os.path.join(SOURCE_ROOT, "docs", "contract.md"))
        ids = [r["id"] for r in rules]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertIn("C.FORK.LINES", ids)
        self.assertIn("C.ECHO_MPCLIENT.UNKNOWN_HOST", ids)
        fd_lines = next(r for r in rules if r["id"] == "C.FD_SHARE.LINES")
        self.assertIn("7 parent: close()", fd_lines["description"])  # continuation rows
        self.assertEqual(fd_lines["clause"], "contract: fd_share")

    def test_a_section_hands_its_later_rules_to_another_suite(self):
        path = os.path.join(tempfile.mkdtemp(), "contract.md")
        self.addCleanup(shutil.rmtree, os.path.dirname(path))
        with open(path, "w") as f:
            f.write("## srv — `srv`\n\nThe rules from `C.SRV.B` on are checked by the\n`stress` suite.\n\n"
                    "| ID | Rule |\n|---|---|\n| `C.SRV.A` | a |\n| `C.SRV.B` | b |\n| `C.SRV.C` | c |\n\n"
                    "## cli — `cli`\n\n| ID | Rule |\n|---|---|\n| `C.CLI.A` | a |\n")
        suites = {r["id"]: r["suite"] for r in catalogue.contract_rules(path)}
        self.assertEqual(suites, {"C.SRV.A": "e2e", "C.SRV.B": "stress", "C.SRV.C": "stress",
                                  "C.CLI.A": "e2e"})

    def test_conformance_catalogue(self):
        rows = catalogue.conformance_assertions(fixture("catalogue.json"))
        self.assertEqual([r["id"] for r in rows][:2],
                         ["FORK.RETURNS_ZERO_IN_CHILD", "FORK.CHILD_HAS_NEW_PID"])
        self.assertTrue(all(r["suite"] == "conformance" for r in rows))

    def fake_generator(self, body):
        root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, root)
        os.makedirs(os.path.join(root, "conformance", "tools"))
        with open(os.path.join(root, "conformance", "tools", "gen_assertions.py"), "w") as f:
            f.write("import json, sys\nargs = sys.argv[1:]\n" + body)
        return root

    def test_runs_the_generator_with_a_json_file(self):
        root = self.fake_generator(
            "out = args[args.index('--json') + 1]\n"
            "json.dump([{'id': 'FORK.X', 'suite': 'conformance', 'clause': 'XSH fork',"
            " 'description': 'd', 'kind': 'test'}], open(out, 'w'))\n")
        rows = catalogue.generate_conformance(root)
        self.assertEqual([(r["id"], r["clause"]) for r in rows], [("FORK.X", "XSH fork")])

    def test_a_failing_generator_gives_a_warning_not_an_error(self):
        root = self.fake_generator("print('duplicate ID FORK.X', file=sys.stderr)\nsys.exit(1)\n")
        with contextlib.redirect_stderr(io.StringIO()) as err:
            self.assertEqual(catalogue.generate_conformance(root), [])
        self.assertIn("warning", err.getvalue())
        self.assertIn("duplicate ID FORK.X", err.getvalue())

    def test_expectations(self):
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
            f.write("# comment\n\nC.FORK.LINES   prints # twice\nC.WAIT.LINES\n")
            f.flush()
            self.assertEqual(catalogue.expectations(f.name),
                             {"C.FORK.LINES": catalogue.Listed("prints # twice"),
                              "C.WAIT.LINES": catalogue.Listed("listed in expectations")})
        self.assertEqual(catalogue.expectations("/nonexistent/expectations.txt"), {})


if __name__ == "__main__":
    unittest.main()
