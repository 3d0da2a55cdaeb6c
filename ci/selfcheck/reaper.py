#!/usr/bin/env python3
"""Runs one command as a child subreaper and leaves nothing behind.

usage: reaper.py COMMAND [ARG...]

The selfcheck scripts start servers, clients and whole Bats runs against
defective programs; a defect may orphan a process, and PID 1 here does not
reap. Every process orphaned below this one comes back to it instead: when
the command ends, whatever is left is named on stderr, killed and reaped.
SIGTERM, SIGINT and SIGHUP are passed on to the command.

Exit status: the command's, 128+n if signal n ended it, 125 if it cannot
be started.
"""

import ctypes
import os
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36
PASSED_ON = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def become_subreaper():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.stderr.write("reaper.py: cannot become a subreaper; orphans may be left to PID 1\n")


def children():
    """PIDs whose parent is this process, from /proc."""
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == me:
            found.append(int(entry))
    return found


def describe(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


def reap_leftovers():
    """Kills and reaps every child left, including the ones reparented here
    while their own parents die; returns until none is left."""
    while True:
        left = children()
        if not left:
            return
        for pid in left:
            sys.stderr.write(f"reaper.py: killing leftover process {pid}: {describe(pid)}\n")
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for _ in left:
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                break


def main():
    if len(sys.argv) < 2:
        sys.stderr.write("usage: reaper.py COMMAND [ARG...]\n")
        return 125
    become_subreaper()
    try:
        child = os.fork()
    except OSError as e:
        sys.stderr.write(f"reaper.py: fork: {e.strerror}\n")
        return 125
    if child == 0:
        # Python ignores SIGPIPE and SIGXFSZ; the programs must not inherit that.
        for sig in (signal.SIGPIPE, signal.SIGXFSZ):
            signal.signal(sig, signal.SIG_DFL)
        try:
            os.execvp(sys.argv[1], sys.argv[1:])
        except OSError as e:
            sys.stderr.write(f"reaper.py: cannot run {sys.argv[1]}: {e.strerror}\n")
        os._exit(125)

    def pass_on(sig, _frame):
        try:
            os.kill(child, sig)
        except ProcessLookupError:
            pass

    for sig in PASSED_ON:
        signal.signal(sig, pass_on)
    status = None
    while status is None:
        try:
            pid, wstatus = os.waitpid(-1, 0)
        except InterruptedError:
            continue
        if pid == child:
            status = os.WEXITSTATUS(wstatus) if os.WIFEXITED(wstatus) \
                else 128 + os.WTERMSIG(wstatus)
    reap_leftovers()
    return status


if __name__ == "__main__":
    sys.exit(main())
