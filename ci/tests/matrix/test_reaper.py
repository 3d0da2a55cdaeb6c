"""ci/lib/reaper: the command's status comes back, and nothing it
started outlives it, not even a double-forked process."""

import os
import signal

from matrix_support import ROOT, TempDirTest, run

REAPER = os.path.join(ROOT, "ci", "lib", "reaper")


def alive(pid):
    """True while /proc/PID exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


class Reaper(TempDirTest):
    def test_exit_status_passes_through(self):
        status, _, _ = run([REAPER, "sh", "-c", "exit 7"])
        self.assertEqual(status, 7)

    def test_death_by_signal_becomes_128_plus_n(self):
        status, _, _ = run([REAPER, "sh", "-c", "kill -TERM $$"])
        self.assertEqual(status, 128 + signal.SIGTERM)

    def test_orphans_are_killed_and_reaped(self):
        pidfile = os.path.join(self.tmp, "pid")
        # The sleeper's parent (the inner sh) exits at once: it is orphaned,
        # comes to the reaper, and must be gone when the reaper returns.
        status, _, err = run([REAPER, "sh", "-c",
                              f"sh -c 'sleep 300 & echo $! > {pidfile}'; exit 3"])
        self.assertEqual(status, 3)
        with open(pidfile, encoding="utf-8") as f:
            pid = int(f.read())
        self.assertFalse(alive(pid), f"process {pid} outlived the reaper")
        self.assertFalse(os.path.exists(f"/proc/{pid}"), f"process {pid} left a zombie")
        self.assertIn("killing left-over process", err)

    def test_unknown_command(self):
        status, _, err = run([REAPER, "/nonexistent/program"])
        self.assertEqual(status, 127)
        self.assertIn("cannot run /nonexistent/program", err)

    def test_no_command_is_bad_usage(self):
        status, _, err = run([REAPER])
        self.assertEqual(status, 2)
        self.assertIn("usage", err)
