#!/usr/bin/env python3
"""Freezes a program at its first write to stdout, to see which of its
children had ended with which exit status before it could reap them.

usage: blocked_stdout.py [--deadline S] --report FILE -- PROGRAM [ARG...]

The program's stdout is a pipe filled to the brim, so its first write
blocks. While it is blocked its children cannot be reaped; each is awaited
until it is a zombie, whose exit status /proc shows. FILE gets one line
per child: "child <pid> <exit status>" (or "child <pid> running"), or
"not-blocked" if the program never blocked on stdout (it ended first).
Then the pipe is drained: the program's output goes to stdout.

Exit status: the program's (128+n for signal n); 124 on deadline; 125 on
bad usage. Processes it leaves behind are killed and reaped.
"""

import argparse
import ctypes
import fcntl
import os
import signal
import sys
import time

from run_bounded import PR_SET_CHILD_SUBREAPER, kill_and_reap_all, kill_session, status_of


def parse_args():
    p = argparse.ArgumentParser(prog="blocked_stdout.py")
    p.add_argument("--deadline", type=float, default=20.0)
    p.add_argument("--report", required=True)
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args()
    if a.command and a.command[0] == "--":
        a.command = a.command[1:]
    if not a.command:
        p.error("no program given")
    return a


def full_pipe():
    r, w = os.pipe()
    flags = fcntl.fcntl(w, fcntl.F_GETFL)
    fcntl.fcntl(w, fcntl.F_SETFL, flags | os.O_NONBLOCK)
    filled = 0
    try:
        while True:
            filled += os.write(w, b"\0" * 4096)
    except BlockingIOError:
        pass
    fcntl.fcntl(w, fcntl.F_SETFL, flags)
    return r, w, filled


def read_proc(pid, name):
    try:
        with open(f"/proc/{pid}/{name}") as f:
            return f.read()
    except OSError:
        return ""


def blocked_on_pipe(pid):
    return "pipe_write" in read_proc(pid, "wchan") or read_proc(pid, "syscall").startswith("1 0x1 ")


def stat_fields(pid):
    """The fields of /proc/PID/stat after the command name: [state, ppid, ...]."""
    stat = read_proc(pid, "stat")
    return stat[stat.rindex(")") + 2:].split() if stat else []


def children_of(pid):
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = stat_fields(entry)
            if len(fields) > 1 and fields[1] == str(pid):
                kids.append(int(entry))
    return sorted(kids)


def main():
    args = parse_args()
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    deadline = time.monotonic() + args.deadline
    r, w, filled = full_pipe()
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
    report = []
    # Poll the program's state until it blocks or ends, a few ms apart.
    while True:
        done, wstatus = os.waitpid(pid, os.WNOHANG)
        if done:
            report.append("not-blocked")
            break
        if blocked_on_pipe(pid):
            for kid in children_of(pid):
                while time.monotonic() < deadline and stat_fields(kid)[:1] not in ([], ["Z"]):
                    time.sleep(0.002)
                fields = stat_fields(kid)
                if fields[:1] == ["Z"]:
                    report.append(f"child {kid} {(int(fields[49]) >> 8) & 0xFF}")
                else:
                    report.append(f"child {kid} running")
            wstatus = None
            break
        if time.monotonic() > deadline:
            kill_session(pid)
            os.waitpid(pid, 0)
            kill_and_reap_all()
            sys.stderr.write("blocked_stdout: deadline passed before the program wrote\n")
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
