"""ci/distro-matrix and ci/kernel-matrix refuse bad arguments with one
line and status 2, before they touch anything."""

import os

from matrix_support import ROOT, TempDirTest, run

DISTRO = os.path.join(ROOT, "ci", "distro-matrix")
KERNEL = os.path.join(ROOT, "ci", "kernel-matrix")


class Arguments(TempDirTest):
    def refused(self, args, message):
        status, out, err = run(args + ["--out", os.path.join(self.tmp, "out")])
        self.assertEqual(status, 2, out + err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn(message, err)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "out")), "created --out anyway")

    def test_unknown_distribution(self):
        self.refused([DISTRO, "--distros", "bookworm,jessie"], "unknown distribution 'jessie'")

    def test_bad_jobs(self):
        self.refused([DISTRO, "--jobs", "0"], "--jobs must be a positive number")

    def test_bad_source(self):
        self.refused([DISTRO, "--source", "tag"], "--source must be worktree or head")

    def test_unknown_option(self):
        self.refused([DISTRO, "--fast"], "unknown argument '--fast'")
        self.refused([KERNEL, "--fast"], "unknown argument '--fast'")

    def test_bad_kernel(self):
        self.refused([KERNEL, "--kernels", "6.1,latest!"], "invalid kernel 'latest!'")

    def test_bad_timeout(self):
        self.refused([KERNEL, "--timeout", "soon"], "--timeout must be a positive number")

    def test_help(self):
        for script in (DISTRO, KERNEL):
            status, out, _ = run([script, "--help"])
            self.assertEqual(status, 0)
            self.assertIn("Usage: ci/", out)
            self.assertIn("Exit status", out)
