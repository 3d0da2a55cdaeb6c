"""Building a run from a build directory, and merging runs."""

import json
import os
import shutil
import tempfile
import unittest

from support import CATALOGUE, SOURCE_ROOT, fixture

from reporting import catalogue, merge, meson_log, run
from reporting import outcomes as O
from reporting.errors import InputError

META = {"name": "t", "machine": {"hostname": "h", "nproc": 2}, "kernel": "6.1", "distro": "D",
        "libc": "glibc 2.36", "impl": "", "target": "", "date": "2024-01-01T00:00:00Z"}


def build(build_dir, impl="", testlogs=None):
    return run.build(build_dir, testlogs or [os.path.join(build_dir, "meson-logs", "testlog.json")],
                     dict(META), SOURCE_ROOT, impl=impl,
                     conformance_catalogue=catalogue.conformance_assertions(CATALOGUE))


def outcomes(report):
    return {r["id"]: r["outcome"] for r in report["results"]}


class BuildTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)

    def copy(self, name):
        dest = os.path.join(self.tmp, name)
        shutil.copytree(fixture(name), dest)
        return dest

    def test_meson_1_0_run(self):
        report = build(fixture("meson-1.0"))
        got = outcomes(report)
        self.assertEqual(got["WAIT.REAPS_ZOMBIE"], O.FAIL)
        self.assertEqual(got["SIGNAL.RESTART"], O.OBSERVED)
        # One of the two C.FORK.LINES tests failed: the rule fails.
        self.assertEqual(got["C.FORK.LINES"], O.FAIL)
        self.assertEqual(got["C.FORK.EXIT"], O.PASS)
        self.assertEqual(got["C.FD_SHARE.LINES"], O.SKIP)
        self.assertEqual(got["selfcheck/fork-no-flush"], O.FAIL)
        self.assertEqual(got["unit/lib"], O.PASS)
        wait = next(r for r in report["results"] if r["id"] == "C.WAIT.LINES")
        self.assertIn("expected Child PID", wait["message"])
        self.assertTrue(wait["description"].startswith("stdout holds, in this order"))
        e2e = report["totals"]["e2e"]
        self.assertEqual((e2e[O.PASS], e2e[O.FAIL], e2e[O.SKIP]), (1, 2, 1))
        contract = catalogue.contract_rules(os.path.join(SOURCE_ROOT, "docs", "contract.md"))
        e2e_rules = [r for r in contract if r["suite"] == "e2e"]
        self.assertEqual(e2e[O.NOT_RUN], len(e2e_rules) - 4)
        # In the catalogue but not in the XML.
        self.assertEqual(report["totals"]["conformance"][O.NOT_RUN], 1)
        self.assertIn("FORK.CHILD_HAS_NEW_PID", [r["id"] for r in report["catalogue"]])

    def test_meson_0_56_run_with_tap_selfcheck(self):
        got = outcomes(build(fixture("meson-0.56")))
        self.assertEqual(got["WAIT.REAPS_ZOMBIE"], O.PASS)
        self.assertEqual(got["C.FD_SHARE.LINES"], O.PASS)
        self.assertEqual(got["SELFCHECK.VARIANT.fork-no-flush"], O.PASS)
        self.assertEqual(got["SELFCHECK.VARIANT.echo-no-reap"], O.FAIL)
        self.assertNotIn("selfcheck/variants", got)  # its TAP lines said why it failed

    def test_stress_rows_per_rule(self):
        report = build(fixture("stress"))
        rows = {r["id"]: r for r in report["results"]}
        mass_exit = rows["C.ECHO_MPSERV.MASS_EXIT"]
        self.assertEqual((mass_exit["suite"], mass_exit["outcome"]), ("stress", O.FAIL))
        self.assertIn("993 zombie", mass_exit["message"])
        self.assertTrue(mass_exit["description"].startswith("When 1,000 children end at once"))
        self.assertEqual(mass_exit["clause"], "contract: echo_mpserv")
        self.assertEqual((rows["C.ECHO_MPSERV.STEADY"]["suite"],
                          rows["C.ECHO_MPSERV.STEADY"]["outcome"]), ("stress", O.PASS))
        self.assertEqual(rows["C.FORK.LINES"]["suite"], "e2e")
        # The rule's failing TAP line says why: no row for the Meson test itself.
        self.assertNotIn("stress/stress-mass_exit", rows)
        stress = report["totals"]["stress"]
        stress_rules = [r for r in report["catalogue"] if r["suite"] == "stress"]
        self.assertGreaterEqual(len(stress_rules), 2)
        self.assertEqual((stress[O.PASS], stress[O.FAIL], stress[O.NOT_RUN]),
                         (1, 1, len(stress_rules) - 2))
        self.assertEqual(list(report["totals"])[:3], ["conformance", "e2e", "stress"])

    def test_impl_expectations_apply_to_stress_rows(self):
        impl = os.path.join(self.tmp, "impl")
        os.mkdir(impl)
        with open(os.path.join(impl, "expectations.txt"), "w") as f:
            f.write("C.ECHO_MPSERV.MASS_EXIT  reaps one child per SIGCHLD\n")
        rows = {r["id"]: r for r in build(fixture("stress"), impl=impl)["results"]}
        self.assertEqual(rows["C.ECHO_MPSERV.MASS_EXIT"]["outcome"], O.EXPECTED_FAIL)

    def test_impl_expectations_turn_into_expected_fail_and_unexpected_pass(self):
        impl = os.path.join(self.tmp, "impl")
        os.mkdir(impl)
        with open(os.path.join(impl, "expectations.txt"), "w") as f:
            f.write("C.WAIT.LINES  prints the PIDs late\nC.FORK.EXIT  exits 1\n")
        report = build(fixture("meson-1.0"), impl=impl)
        rows = {r["id"]: r for r in report["results"]}
        self.assertEqual(rows["C.WAIT.LINES"]["outcome"], O.EXPECTED_FAIL)
        self.assertEqual(rows["C.WAIT.LINES"]["message"], "prints the PIDs late")
        self.assertEqual(rows["C.FORK.EXIT"]["outcome"], O.UNEXPECTED_PASS)
        self.assertIn("exits 1", rows["C.FORK.EXIT"]["message"])
        self.assertEqual(rows["C.FORK.LINES"]["outcome"], O.FAIL)

    def test_target_expectations_apply_to_e2e_rows_beside_the_impls(self):
        # A source tree with the contract and shell-tests/expectations/t.txt.
        src = os.path.join(self.tmp, "src")
        os.makedirs(os.path.join(src, "shell-tests", "expectations"))
        os.symlink(os.path.join(SOURCE_ROOT, "docs"), os.path.join(src, "docs"))
        with open(os.path.join(src, "shell-tests", "expectations", "t.txt"), "w") as f:
            f.write("# a layer\nC.WAIT.LINES  the layer holds the lines\nC.FORK.EXIT  the layer exits 255\n")
        impl = os.path.join(self.tmp, "impl")
        os.mkdir(impl)
        with open(os.path.join(impl, "expectations.txt"), "w") as f:
            f.write("C.FORK.LINES  forks before flushing\n")
        build_dir = fixture("meson-1.0")
        report = run.build(build_dir, [os.path.join(build_dir, "meson-logs", "testlog.json")],
                           dict(META), src, impl=impl, target="t",
                           conformance_catalogue=catalogue.conformance_assertions(CATALOGUE))
        rows = {r["id"]: r for r in report["results"]}
        self.assertEqual(rows["C.WAIT.LINES"]["outcome"], O.EXPECTED_FAIL)
        self.assertIn("shell-tests/expectations/t.txt", rows["C.WAIT.LINES"]["cause"])
        self.assertEqual(rows["C.FORK.EXIT"]["outcome"], O.UNEXPECTED_PASS)
        self.assertEqual(rows["C.FORK.LINES"]["outcome"], O.EXPECTED_FAIL)
        # No file for the target: nothing changes.
        report = run.build(build_dir, [os.path.join(build_dir, "meson-logs", "testlog.json")],
                           dict(META), src, target="other",
                           conformance_catalogue=catalogue.conformance_assertions(CATALOGUE))
        self.assertEqual(outcomes(report)["C.WAIT.LINES"], O.FAIL)

    def test_mesons_junit_log_is_not_read(self):
        build_dir = self.copy("meson-1.0")
        junit = os.path.join(build_dir, "meson-logs", "validate-e2e.junit.xml")
        with open(junit, "w") as f:
            f.write('<testsuites><testsuite name="procsig.e2e"><testcase name="C.X.Y: a" '
                    'classname="procsig.e2e"><failure message="boom"/></testcase>'
                    '</testsuite></testsuites>')
        self.assertNotIn(junit, run.find_gtest_xml(build_dir, meson_log.read(
            os.path.join(build_dir, "meson-logs", "testlog.json"))))
        self.assertNotIn("procsig.e2e.C.X.Y: a", outcomes(build(build_dir)))

    def test_stale_gtest_xml_is_ignored(self):
        build_dir = self.copy("meson-1.0")
        os.utime(os.path.join(build_dir, "posix.xml"), (1000000000, 1000000000))
        got = outcomes(build(build_dir))
        self.assertNotIn("WAIT.REAPS_ZOMBIE", got)
        # Without its XML the failing binary still shows as a failure.
        self.assertEqual(got["conformance/posix"], O.FAIL)

    def test_a_crashed_or_timed_out_test_is_a_failure(self):
        build_dir = self.copy("meson-0.56")
        log = os.path.join(build_dir, "meson-logs", "testlog.json")
        with open(log) as f:
            entries = [json.loads(line) for line in f]
        entries[0].update(result="FAIL", returncode=-11, stdout="[ RUN      ] Fork.Returns\n")
        entries[1].update(result="TIMEOUT", returncode=-15)
        with open(log, "w") as f:
            f.writelines(json.dumps(e) + "\n" for e in entries)
        rows = {r["id"]: r for r in build(build_dir)["results"]}
        self.assertEqual(rows["conformance/posix"]["outcome"], O.FAIL)
        self.assertIn("exit status -11", rows["conformance/posix"]["message"])
        self.assertEqual(rows["e2e/fork.bats"]["outcome"], O.FAIL)
        self.assertIn("TIMEOUT", rows["e2e/fork.bats"]["message"])

    def test_several_logs_make_one_run(self):
        logs = [fixture("meson-1.0", "meson-logs", "testlog.json"),
                fixture("meson-0.56", "meson-logs", "testlog.json")]
        got = outcomes(build(fixture("meson-1.0"), testlogs=logs))
        # C.FD_SHARE.LINES: skipped in one, passed in the other.
        self.assertEqual(got["C.FD_SHARE.LINES"], O.PASS)
        self.assertEqual(got["C.FORK.LINES"], O.FAIL)
        self.assertEqual(got["SELFCHECK.VARIANT.echo-no-reap"], O.FAIL)


class MergeTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)

    def save(self, name, report):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            json.dump(report, f)
        return path

    def test_union_of_rows_and_not_run(self):
        a = build(fixture("meson-1.0"))
        a["run"]["name"] = "new"
        b = build(fixture("meson-0.56"))
        b["run"]["name"] = "old"
        m = merge.merge_files([self.save("a.json", a), self.save("b.json", b)])
        self.assertEqual([r["run"]["name"] for r in m["runs"]], ["new", "old"])
        ids = [r["id"] for r in m["catalogue"]]
        self.assertEqual(len(ids), len(set(ids)))
        for only_in_one in ("KILL.SKIPPED", "SELFCHECK.VARIANT.echo-no-reap", "unit/lib"):
            self.assertIn(only_in_one, ids)
        self.assertEqual(m["runs"][1]["totals"]["conformance"][O.NOT_RUN], 3)
        self.assertEqual(m["runs"][1]["totals"]["unit"][O.NOT_RUN], 1)
        suites = [r["suite"] for r in m["catalogue"]]
        self.assertEqual(suites.index("e2e"), suites.count("conformance"))

    def test_merged_files_merge_again(self):
        a = self.save("a.json", build(fixture("meson-1.0")))
        b = self.save("b.json", build(fixture("meson-0.56")))
        ab = self.save("ab.json", merge.merge_files([a, b]))
        m = merge.merge_files([ab, a])
        self.assertEqual(len(m["runs"]), 3)

    def test_a_file_that_is_not_a_report(self):
        for content in ("[1, 2]", '{"run": {}}', '{"runs": [{"run": {}, "results": [{}]}]}',
                        "{not json"):
            with self.subTest(content=content):
                path = os.path.join(self.tmp, "bad.json")
                with open(path, "w") as f:
                    f.write(content)
                with self.assertRaises(InputError):
                    merge.merge_files([path])


if __name__ == "__main__":
    unittest.main()
