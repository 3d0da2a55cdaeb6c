#!/usr/bin/env python3
"""Runs one program on a new pseudo-terminal that is its controlling
terminal, and optionally types Ctrl+C into it: the terminal's line
discipline, not kill(), then sends SIGINT to the foreground process group.

usage: pty_run.py [--deadline S] [--ctrl-c-after TEXT [--times N]] [--program PATH]
                  -- PROGRAM [ARG...]

With --ctrl-c-after, the byte 0x03 is written to the terminal once TEXT
has been read from it and the program is blocked in a system call (its
sleep, as /proc/PID/stat shows; at most 2 s later; with --program PATH,
PROGRAM runs PATH under a layer and PATH's own process is the one watched,
see run_bounded.follow). After the program
ends, the terminal is read until nothing it left behind still runs. With
--times N, Ctrl+C is typed after each of the first N times TEXT appears. Everything the program writes is printed on
stdout once it has ended, with the terminal's CR LF turned back into LF
(echo is off, so the typed ^C is not part of it).

The deadline is S times PROCSIG_TIMEOUT_MULTIPLIER (run_bounded.multiplied).

Exit status: the program's, 128+n if a signal n ended it; 124 if the
deadline passed or TEXT never came (a message on stderr says which); 125 on
bad usage. Processes the program leaves behind are killed and reaped.
"""

import argparse
import ctypes
import glob
import os
import pty
import select
import signal
import sys
import termios
import time

from run_bounded import PR_SET_CHILD_SUBREAPER, follow, kill_and_reap_all, kill_session, multiplied, status_of


def parse_args():
    p = argparse.ArgumentParser(prog="pty_run.py")
    p.add_argument("--deadline", type=float, default=20.0)
    p.add_argument("--ctrl-c-after")
    p.add_argument("--times", type=int, default=1)
    p.add_argument("--program", help="the program's path, when COMMAND runs it under a layer")
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args()
    a.deadline = multiplied(a.deadline)
    if a.command and a.command[0] == "--":
        a.command = a.command[1:]
    if not a.command:
        p.error("no program given")
    return a


def child(command):
    try:
        attrs = termios.tcgetattr(0)
        attrs[3] &= ~(termios.ECHO | termios.ECHOCTL)
        termios.tcsetattr(0, termios.TCSANOW, attrs)
        for s in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGQUIT):
            signal.signal(s, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        os.execvp(command[0], command)
    except OSError as e:
        os.write(2, f"pty_run: cannot run {command[0]}: {e.strerror}\n".encode())
    os._exit(125)


def live_children():
    """Whether a child of this subreaper (the program, or what it left
    behind) has not ended yet: it may still write to the terminal."""
    for path in glob.glob(f"/proc/{os.getpid()}/task/*/children"):
        try:
            with open(path) as f:
                kids = f.read().split()
        except OSError:
            continue
        for kid in kids:
            try:
                with open(f"/proc/{kid}/stat") as f:
                    if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                        return True
            except (OSError, IndexError):
                continue
    return False


def asleep(pid, deadline):
    """Waits, until the deadline, for pid to be blocked in a system call
    (state S): back from writing what was read, in its sleep. An
    observation to know when to type, not a verdict."""
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] in ("S", "Z"):
                    return
        except (OSError, IndexError):
            return
        time.sleep(0.001)


def main():
    args = parse_args()
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    deadline = time.monotonic() + args.deadline
    pid, master = pty.fork()
    if pid == 0:
        child(args.command)
    trigger = args.ctrl_c_after.encode() if args.ctrl_c_after else None
    # Under a layer the program's own process is the one that sleeps.
    watched = follow(pid, args.program, deadline)[1] if args.program and trigger else pid
    typed, seen_upto = 0, 0
    output, wstatus, eof = b"", None, False
    while wstatus is None or not eof:
        if wstatus is None:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                wstatus = st
        left = deadline - time.monotonic()
        if left <= 0:
            kill_session(pid)
            if wstatus is None:
                os.waitpid(pid, 0)
            kill_and_reap_all()
            sys.stdout.buffer.write(output.replace(b"\r\n", b"\n"))
            waiting = f"'{args.ctrl_c_after}'" if trigger else "the program to end"
            sys.stderr.write(f"pty_run: still waiting for {waiting} after {args.deadline} s\n")
            return 124
        # A short wait lets the loop notice the program's end while an
        # orphan still holds the terminal open.
        ready, _, _ = select.select([] if eof else [master], [], [], min(left, 0.05))
        if not ready:
            # Ended, and nothing it left behind can still write.
            if wstatus is not None and not live_children():
                eof = True
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            eof = True
            continue
        output += chunk
        at = output.find(trigger, seen_upto) if trigger else -1
        if at >= 0:
            # Typed once the program sleeps, not while it is still in the
            # stdio call that wrote TEXT; the next one after TEXT again.
            asleep(watched, min(deadline, time.monotonic() + 2))
            os.write(master, b"\x03")
            typed, seen_upto = typed + 1, at + len(trigger)
            if typed == args.times:
                trigger = None
    kill_and_reap_all()
    sys.stdout.buffer.write(output.replace(b"\r\n", b"\n"))
    return status_of(wstatus)[1]


if __name__ == "__main__":
    sys.exit(main())
