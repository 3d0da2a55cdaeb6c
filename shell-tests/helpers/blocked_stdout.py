#!/usr/bin/env python3
"""Holds a program at a write to stdout, to see which of its children had
ended with which exit status before it could reap them.

usage: blocked_stdout.py [--deadline S] [--room N] --report FILE [--program PATH]
                         -- PROGRAM [ARG...]

The program's stdout is a one-page pipe filled up to N bytes short of the
brim (default 0). Linux appends a small write to the pipe's last page when
it fits and otherwise blocks the writer whole, so the program's writes go
through until one does not fit in what is left of the N bytes: that one
blocks. While it is blocked its children cannot be reaped; each is awaited
until it is a zombie, whose exit status /proc shows. FILE gets one line per
child, in PID order: "child <pid> <exit status>", "child <pid> signal <n>"
or "child <pid> running"; or "not-blocked" if the program never blocked on
stdout (it ended first). Then the pipe is drained: the program's output
goes to stdout.

Exit status: the program's (128+n for signal n); 124 on deadline; 125 on
bad usage; 122 when the set-up cannot be made: this kernel cannot show
where a process blocks, or the program went to sleep with no child left
before any write blocked (its lines held in its stdio buffer; it is then
killed at once).
Processes it leaves behind are killed and reaped.
"""

import argparse
import ctypes
import fcntl
import glob
import os
import signal
import sys
import time

from run_bounded import PR_SET_CHILD_SUBREAPER, follow, kill_and_reap_all, kill_session, multiplied, status_of

# Named in the fcntl module from Python 3.10 only (Debian 11 has 3.9).
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)


def parse_args():
    p = argparse.ArgumentParser(prog="blocked_stdout.py")
    p.add_argument("--deadline", type=float, default=20.0)
    p.add_argument("--room", type=int, default=0)
    p.add_argument("--report", required=True)
    p.add_argument("--program", help="the program's path, when COMMAND runs it under a layer")
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args()
    a.deadline = multiplied(a.deadline)  # times PROCSIG_TIMEOUT_MULTIPLIER
    if a.command and a.command[0] == "--":
        a.command = a.command[1:]
    if not a.command:
        p.error("no program given")
    if a.room < 0:
        p.error("--room must not be negative")
    return a


def pipe_with_room(room):
    """A pipe of one page (the smallest the kernel makes) holding all but
    room bytes, written at once so that they share that page."""
    r, w = os.pipe()
    size = fcntl.fcntl(w, F_SETPIPE_SZ, 1)
    if room >= size:
        raise SystemExit(f"blocked_stdout.py: --room {room} is not less than the pipe's {size} bytes")
    flags = fcntl.fcntl(w, fcntl.F_GETFL)
    fcntl.fcntl(w, fcntl.F_SETFL, flags | os.O_NONBLOCK)
    filled = os.write(w, b"\0" * (size - room))
    fcntl.fcntl(w, fcntl.F_SETFL, flags)
    if filled != size - room:
        raise SystemExit(f"blocked_stdout.py: the pipe took {filled} of {size - room} filler bytes")
    return r, w, filled


def read_file(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def read_proc(pid, name):
    return read_file(f"/proc/{pid}/{name}")


def blocked_on_pipe(pid):
    return "pipe_write" in read_proc(pid, "wchan") or read_proc(pid, "syscall").startswith("1 0x1 ")


def stat_fields(pid):
    """The fields of /proc/PID/stat after the command name: [state, ppid, ...]."""
    stat = read_proc(pid, "stat")
    return stat[stat.rindex(")") + 2:].split() if stat else []


def children_of(pid):
    """The children of every thread of pid. Without CONFIG_PROC_CHILDREN
    (no task/*/children files), every process's parent is looked at."""
    lists = glob.glob(f"/proc/{pid}/task/*/children")
    if lists:
        return sorted({int(kid) for path in lists for kid in read_file(path).split()})
    return sorted(int(e) for e in os.listdir("/proc") if e.isdigit() and stat_fields(e)[1:2] == [str(pid)])


def ended_child(kid, deadline):
    """The report line of one child, once it is a zombie or at the deadline."""
    while time.monotonic() < deadline and stat_fields(kid)[:1] not in ([], ["Z"]):
        time.sleep(0.002)
    fields = stat_fields(kid)
    if fields[:1] != ["Z"]:
        return f"child {kid} running"
    # Field 52 of stat, exit_code: the status wait() would return.
    what, _ = status_of(int(fields[49]))
    return f"child {kid} {what.replace('exit ', '')}"


def in_sleep_call(pid):
    """Blocked in nanosleep or clock_nanosleep (wchan; or on x86_64 the
    system call number, where wchan is hidden)."""
    if "nanosleep" in read_proc(pid, "wchan"):
        return True
    return os.uname().machine == "x86_64" and read_proc(pid, "syscall").split(" ")[:1] in (["35"], ["230"])


def holds_its_lines(pid):
    """Asleep with no child left and nothing blocked on the pipe: its lines
    wait in its stdio buffer (stdout in a pipe is fully buffered), so no
    write will block while a child is there to look at."""
    return not children_of(pid) and in_sleep_call(pid) and not blocked_on_pipe(pid)


def can_see_blocking():
    """Whether this kernel shows a process blocked writing to a full pipe,
    asked of the kernel itself: a child writes one byte to a full pipe, and
    once it sleeps (state S: the write is all it does), /proc/PID/syscall
    or /proc/PID/wchan must say so within a moment. User-mode Linux has no
    /proc/PID/syscall and a wchan that names no pipe_write."""
    r, w = os.pipe()
    fcntl.fcntl(w, F_SETPIPE_SZ, 1)
    fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
    try:
        while True:
            os.write(w, b"\0" * 4096)
    except BlockingIOError:
        pass
    fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    kid = os.fork()
    if kid == 0:
        try:
            os.close(r)
            os.write(w, b"\0")
        finally:
            os._exit(0)
    os.close(w)
    seen, asleep_since = False, None
    until = time.monotonic() + multiplied(5)
    while time.monotonic() < until and not seen:
        seen = blocked_on_pipe(kid)
        if not seen and stat_fields(kid)[:1] == ["S"]:
            asleep_since = asleep_since or time.monotonic()
            if time.monotonic() - asleep_since > multiplied(0.2):
                break
        time.sleep(0.002)
    os.close(r)  # the write fails with EPIPE, or the child dies of SIGPIPE
    os.waitpid(kid, 0)
    return seen


def main():
    args = parse_args()
    if not can_see_blocking():
        sys.stderr.write("blocked_stdout: this kernel shows no process blocked writing to a full "
                         "pipe (neither /proc/PID/syscall nor /proc/PID/wchan says so)\n")
        return 122
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    deadline = time.monotonic() + args.deadline
    r, w, filled = pipe_with_room(args.room)
    pid = os.fork()
    if pid == 0:
        os.setsid()
        os.dup2(w, 1)
        for s in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGQUIT):
            signal.signal(s, signal.SIG_DFL)
        try:
            os.execvp(args.command[0], args.command)
        except OSError as e:
            os.write(2, f"blocked_stdout: cannot run {args.command[0]}: {e.strerror}\n".encode())
        os._exit(125)
    os.close(w)
    # Under a layer (--program), the program's own process is watched.
    watched = follow(pid, args.program, deadline)[1] if args.program else pid
    report = []
    # Poll the program's state until it blocks or ends, a few ms apart.
    while True:
        done, wstatus = os.waitpid(pid, os.WNOHANG)
        if done:
            report.append("not-blocked")
            break
        if blocked_on_pipe(watched):
            report += [ended_child(kid, deadline) for kid in children_of(watched)]
            wstatus = None
            break
        if holds_its_lines(watched):
            kill_session(pid)
            os.waitpid(pid, 0)
            kill_and_reap_all()
            sys.stderr.write("blocked_stdout: the program sleeps with no child left and no write to stdout "
                             "blocked: its lines are held in its stdio buffer until it ends (the set-up "
                             "needs them written while its children exist)\n")
            return 122

        if time.monotonic() > deadline:
            kill_session(pid)
            os.waitpid(pid, 0)
            kill_and_reap_all()
            sys.stderr.write(f"blocked_stdout: cut off at the {args.deadline} s deadline: the program "
                             "had neither ended nor been seen blocked writing to stdout\n")
            return 124
        time.sleep(0.002)
    with open(args.report, "w") as f:
        f.write("".join(line + "\n" for line in report))
    # Drain: the filler first, then the program's own bytes.
    data = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        data += chunk
    sys.stdout.buffer.write(data[filled:])
    sys.stdout.flush()
    if wstatus is None:
        _, wstatus = os.waitpid(pid, 0)
    kill_and_reap_all()
    return status_of(wstatus)[1]


if __name__ == "__main__":
    sys.exit(main())
