"""ci/matrix/chroot.bash: chroot_enter mounts what a build needs and
chroot_leave kills what runs inside and unmounts all of it (root only)."""

import os
import shutil
import signal
import subprocess
import tempfile
import unittest

from matrix_support import ROOT

SCRIPT = """
set -euo pipefail
source ci/lib/common.bash
source ci/matrix/common.bash
source ci/matrix/chroot.bash
chroot_enter "$1"
echo entered
read -r _
chroot_leave "$1"
echo left
"""


def mounts_below(path):
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        points = [line.split()[4] for line in f]
    return [p for p in points if p == path or p.startswith(path + "/")]


@unittest.skipUnless(os.geteuid() == 0, "needs root to mount and chroot")
class ChrootLifecycle(unittest.TestCase):
    def setUp(self):
        self.root = os.path.realpath(tempfile.mkdtemp(prefix="procsig-chroot-test."))
        for d in ("proc", "dev", "sys", "tmp", "etc"):
            os.makedirs(os.path.join(self.root, d))

    def tearDown(self):
        # Never delete through a bind mount of /dev: unmount first, and keep
        # the folder if that fails.
        for point in sorted(mounts_below(self.root), reverse=True):
            subprocess.run(["umount", "-l", point], check=False)
        if not mounts_below(self.root):
            shutil.rmtree(self.root, ignore_errors=True)

    def test_enter_then_leave_kills_and_unmounts(self):
        shell = subprocess.Popen(["bash", "-c", SCRIPT, "chroot-test", self.root], cwd=ROOT,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, universal_newlines=True)
        try:
            if shell.stdout.readline().strip() != "entered":
                self.fail(f"chroot_enter failed: {shell.stderr.read()}")
            mounted = mounts_below(self.root)
            for sub in ("proc", "dev", "dev/pts", "sys", "tmp"):
                self.assertIn(os.path.join(self.root, sub), mounted)

            # A process inside the chroot, blocked on a pipe, as a leaked
            # server would be.
            ready_r, ready_w = os.pipe()
            block_r, block_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(ready_r)
                os.chroot(self.root)
                os.write(ready_w, b"x")
                os.read(block_r, 1)
                os._exit(0)
            os.close(ready_w)
            self.assertEqual(os.read(ready_r, 1), b"x")

            shell.stdin.write("go\n")
            shell.stdin.flush()
            self.assertEqual(shell.stdout.readline().strip(), "left")
            self.assertEqual(shell.wait(timeout=30), 0)
            _, status = os.waitpid(pid, 0)
            self.assertTrue(os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL,
                            f"the chrooted process was not killed (status {status})")
            self.assertEqual(mounts_below(self.root), [])
            os.close(block_w)
        finally:
            if shell.poll() is None:
                shell.kill()
                shell.wait()
            shell.stdout.close()
            shell.stderr.close()
            shell.stdin.close()
