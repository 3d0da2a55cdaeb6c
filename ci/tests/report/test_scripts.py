"""Every ci/ script's command line: --help and -h print the usage on stdout
and exit 0 quickly, doing nothing else; --opt=value is accepted; bad
arguments are refused before anything is installed or built; a run with
--impl stores nothing in the build directory."""

import os
import resource
import stat
import subprocess
import tempfile
import unittest

from support import SOURCE_ROOT

CI = os.path.join(SOURCE_ROOT, "ci")
FOLDERS = ("", "bench", "install", "matrix", "selfcheck")
EXTRA = (os.path.join("lib", "reaper"),)
# CPU seconds a --help may take (wall time varies with the machine's load).
CPU_BUDGET = 1.0


def scripts():
    found = []
    for folder in FOLDERS:
        base = os.path.join(CI, folder)
        for name in sorted(os.listdir(base)):
            path = os.path.join(base, name)
            if os.path.isfile(path) and os.access(path, os.X_OK):
                found.append(os.path.relpath(path, SOURCE_ROOT))
    return found + [os.path.join("ci", e) for e in EXTRA]


def run(argv, env=None, cwd=None, timeout=30):
    """Runs argv; returns (status, stdout, stderr, CPU seconds of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=timeout,
                       env=env, cwd=cwd or SOURCE_ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return p.returncode, p.stdout, p.stderr, cpu


def tree_state():
    return subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=SOURCE_ROOT,
                          stdout=subprocess.PIPE, universal_newlines=True).stdout


class HelpTest(unittest.TestCase):
    def test_every_script_answers_help_and_h(self):
        listed = scripts()
        self.assertIn("ci/validate", listed)
        self.assertIn("ci/lib/reaper", listed)
        state = tree_state()
        for script in listed:
            for flag in ("--help", "-h"):
                with self.subTest(script=script, flag=flag):
                    status, out, err, cpu = run([os.path.join(SOURCE_ROOT, script), flag])
                    self.assertEqual(status, 0, err)
                    self.assertEqual(err, "")
                    self.assertRegex(out, r"(?i)usage|\n", out)
                    self.assertGreater(len(out.splitlines()), 1)
                    self.assertNotIn("shellcheck", out)
                    self.assertLess(cpu, CPU_BUDGET)
        self.assertEqual(tree_state(), state, "a --help changed the source tree")


class FakeMeson:
    """A `meson` on PATH that records its arguments: setup makes the
    folder Meson would, compile fails (so validate stops there)."""

    SCRIPT = """#!/bin/sh
printf '%s\\n' "$*" >>"$MESON_CALLS"
case $1 in
  setup) mkdir -p "$2/meson-private" ;;
  compile) echo '[1/1] nothing'; exit 1 ;;
esac
"""

    def __init__(self, tmp):
        self.bin = os.path.join(tmp, "bin")
        os.makedirs(self.bin)
        path = os.path.join(self.bin, "meson")
        with open(path, "w") as f:
            f.write(self.SCRIPT)
        os.chmod(path, stat.S_IRWXU)
        self.calls = os.path.join(tmp, "calls")
        self.env = dict(os.environ, PATH=self.bin + os.pathsep + os.environ["PATH"],
                        MESON_CALLS=self.calls)

    def recorded(self):
        if not os.path.exists(self.calls):
            return []
        with open(self.calls) as f:
            return f.read().splitlines()


class ValidateOptionsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.meson = FakeMeson(self.tmp.name)

    def validate(self, *args):
        return run([os.path.join(CI, "validate"), *args], env=self.meson.env)

    def test_opt_equals_value_and_bad_values_refused_before_any_build(self):
        status, _, err, _ = self.validate("--impl=/nonexistent/impl")
        self.assertEqual(status, 2)
        self.assertIn("no such implementation directory '/nonexistent/impl'", err)
        status, _, err, _ = self.validate("--target=no-such-target")
        self.assertEqual(status, 2)
        self.assertIn("unknown target 'no-such-target'", err)
        status, _, err, _ = self.validate("--list=yes")
        self.assertEqual((status, err.strip()),
                         (2, "validate: option '--list' takes no value (see ci/validate --help)"))
        status, _, err, _ = self.validate("--name=a/b")
        self.assertEqual(status, 2)
        self.assertEqual(self.meson.recorded(), [])

    def test_impl_is_not_stored_in_the_build_directory(self):
        build = os.path.join(self.tmp.name, "build")
        impl = os.path.join(SOURCE_ROOT, "docs", "examples", "python")
        status, _, err, _ = self.validate("--build-dir=" + build, "--impl", impl, "--name=x")
        self.assertEqual(status, 3, err)  # the fake compile fails
        self.assertIn("the build failed", err)
        calls = self.meson.recorded()
        self.assertEqual([c.split()[0] for c in calls], ["setup", "compile"])
        self.assertEqual(calls[0], f"setup {build}")
        for c in calls:
            self.assertNotIn("-D", c)

    def test_a_failed_meson_setup_shows_its_reason(self):
        with open(os.path.join(self.meson.bin, "meson"), "w") as f:
            f.write("#!/bin/sh\necho 'ERROR: Dependency \"gtest\" not found'\nexit 1\n")
        status, _, err, _ = self.validate("--build-dir", os.path.join(self.tmp.name, "b"))
        self.assertEqual(status, 3)
        self.assertIn('ERROR: Dependency "gtest" not found', err)


class OtherScriptsTest(unittest.TestCase):
    def test_matrix_scripts_check_arguments_first(self):
        for argv, words in ((["ci/kernel-matrix", "--jobs=0"], "--jobs must be a positive"),
                            (["ci/kernel-matrix", "--bogus"], "unknown argument '--bogus'"),
                            (["ci/lint", "--bogus"], "usage: ci/lint")):
            with self.subTest(argv=argv):
                status, _, err, cpu = run([os.path.join(SOURCE_ROOT, argv[0]), *argv[1:]])
                self.assertEqual(status, 2, err)
                self.assertIn(words, err)
                self.assertLess(cpu, CPU_BUDGET)


if __name__ == "__main__":
    unittest.main()
