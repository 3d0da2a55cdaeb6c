"""ci/matrix/suite-targets: the targets the tests of some suites need, and
nothing that only other suites need."""

import os
import shutil
import tempfile
import textwrap
import unittest

from matrix_support import run, tool

# A project without a compiler: custom targets stand for the programs, one
# run directly by a test, one only depended on, one for another suite.
PROJECT = textwrap.dedent("""\
    project('fixture', meson_version : '>=0.56.0')
    py = find_program('python3')
    make = [py, '-c', 'import sys; open(sys.argv[1], "w").close()', '@OUTPUT@']
    runner = custom_target('runner', output : 'runner.py', command : make)
    helper = custom_target('helper', output : 'helper.txt', command : make)
    other = custom_target('other', output : 'other.txt', command : make)
    test('wanted', py, args : [runner], depends : [runner, helper], suite : 'mine')
    test('unwanted', py, args : [other], depends : [other], suite : 'theirs')
    """)


@unittest.skipUnless(shutil.which("meson") and shutil.which("ninja"), "needs meson and ninja")
class SuiteTargets(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="procsig-suite-targets.")
        src = os.path.join(cls.tmp, "src")
        os.makedirs(src)
        with open(os.path.join(src, "meson.build"), "w", encoding="utf-8") as f:
            f.write(PROJECT)
        cls.build = os.path.join(cls.tmp, "build")
        status, out, err = run(["meson", "setup", cls.build, src], timeout=120)
        if status != 0:
            raise RuntimeError(f"meson setup of the fixture failed: {out}{err}")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_only_the_suites_targets(self):
        status, out, err = run([tool("suite-targets"), self.build, "mine"])
        self.assertEqual(status, 0, err)
        self.assertEqual(out.split(), ["helper.txt", "runner.py"])

    def test_several_suites(self):
        status, out, err = run([tool("suite-targets"), self.build, "mine", "theirs"])
        self.assertEqual(status, 0, err)
        self.assertEqual(out.split(), ["helper.txt", "other.txt", "runner.py"])

    def test_unknown_suite_fails(self):
        status, out, err = run([tool("suite-targets"), self.build, "nosuch"])
        self.assertEqual(status, 1)
        self.assertIn("no test in suite(s) nosuch", err)

    def test_not_a_build_directory_fails(self):
        status, out, err = run([tool("suite-targets"), self.tmp, "mine"])
        self.assertEqual(status, 1)
        self.assertIn("cannot introspect", err)

    def test_no_suite_is_bad_usage(self):
        status, out, err = run([tool("suite-targets"), self.build])
        self.assertEqual(status, 2)
        self.assertIn("usage:", err)


if __name__ == "__main__":
    unittest.main()
