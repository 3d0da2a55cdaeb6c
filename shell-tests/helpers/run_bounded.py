#!/usr/bin/env python3
"""Runs one program in a session of its own, under a deadline, as a child
subreaper, so that every process the program leaves behind comes back here
to be reported, killed and reaped (PID 1 may not reap them).

usage: run_bounded.py [--deadline S] [--events PATH] [--listen PORT] [--linger]
                      [--program PATH] -- COMMAND [ARG...]

The deadline is S times PROCSIG_TIMEOUT_MULTIPLIER (default 1; see
multiplied()), as for every helper of the suites.

With --program, COMMAND runs PATH under a layer (PROCSIG_PROGRAM_WRAPPER);
the pid reported is the program's own (see follow()), then "layer <pid>
<how>": the layer's process and how the program was found in it (exec,
descendant, same process; or not found: the pid is then the layer's).

The program inherits stdin, stdout and stderr, with default dispositions
for the signals a shell or Python may have ignored. Events go to PATH (a
FIFO the caller reads, or a file), one per line:
    pid <pid>                  the program has been started
    listening                  (--listen) it listens on 127.0.0.1 or ::1, PORT
    sched <run> <wait> | sched -  seconds the ended program spent on a CPU and
                               waiting for one (/proc/PID/schedstat), and its
                               voluntary context switches, if known
    exit <status> | signal <n> | timeout | killed
    orphan <pid> <state> <args>  a process left behind when the program ended
    done <seconds>             from start to the program's end; nothing follows

With --linger, what the program left behind is reported when it ends but
killed only when this runner is told to stop or the deadline passes, so
that a test can look at it.

Exit status: the program's, 128+n if a signal n ended it, 124 if the
deadline passed (the program's session is then killed), 143 if this runner
was told to stop (SIGTERM, SIGINT, SIGHUP), 125 on bad usage or when the
program cannot be started.
"""

import ctypes
import glob
import os
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
WATCHED = STOP_SIGNALS | {signal.SIGCHLD}


class Usage(Exception):
    pass


def multiplied(seconds):
    """A bound of the suites times the one timeout multiplier,
    PROCSIG_TIMEOUT_MULTIPLIER (1 to 100, checked by shell-tests/run-bats;
    ci/validate sets 10 under a layer): under an emulator a bound must
    still only catch a hang. Every helper's --deadline goes through it."""
    try:
        factor = int(os.environ.get("PROCSIG_TIMEOUT_MULTIPLIER", "1"))
    except ValueError:
        factor = 1
    return seconds * max(1, factor)


class Args:
    deadline, events, listen, linger, program, command = 20.0, None, None, False, None, []


def parse_args(argv):
    """The options, by hand: importing argparse would cost a third of this
    runner's start, and the suite starts it for nearly every program run."""
    a = Args()
    i = 0
    while i < len(argv) and argv[i] != "--":
        flag = argv[i]
        if flag == "--linger":
            a.linger, i = True, i + 1
            continue
        if flag not in ("--deadline", "--events", "--listen", "--program") or i + 1 >= len(argv):
            raise Usage(f"unknown option or missing value: {flag}")
        value, i = argv[i + 1], i + 2
        try:
            if flag == "--deadline":
                a.deadline = multiplied(float(value))
            elif flag == "--listen":
                a.listen = int(value)
            elif flag == "--program":
                a.program = value
            else:
                a.events = value
        except ValueError:
            raise Usage(f"bad value for {flag}: {value!r}") from None
    a.command = argv[i + 1:]
    if not a.command:
        raise Usage("no program given")
    return a


class Events:
    def __init__(self, path):
        self.f = open(path, "w", buffering=1) if path else None

    def __call__(self, text):
        if self.f:
            self.f.write(text + "\n")


def start(command):
    pid = os.fork()
    if pid:
        return pid
    try:
        os.setsid()
        for s in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGQUIT):
            signal.signal(s, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        os.execvp(command[0], command)
    except OSError as e:
        sys.stderr.write(f"run_bounded: cannot run {command[0]}: {e.strerror}\n")
    os._exit(125)


def children(pid):
    kids = []
    for path in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            with open(path) as f:
                kids += [int(k) for k in f.read().split()]
        except OSError:
            pass
    return kids


def names(pid, program):
    """Whether pid's command line runs program: as argv[0], or as argv[1]
    after an interpreter or a layer."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
    except OSError:
        return False
    return program.encode() in argv[:2]


def exe(pid):
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None


def maps_file(pid, path):
    """Whether pid has the file at path mapped (/proc/PID/maps): an
    emulator (qemu-user) or an instrumenting layer (valgrind) loads the
    program's image into its own process; a tracer or a sandbox does not."""
    try:
        with open(f"/proc/{pid}/maps") as f:
            return any(line.rstrip("\n").endswith(" " + path) for line in f)
    except OSError:
        return False


def follow(top, program, deadline):
    """The program's own process under a layer (PROCSIG_PROGRAM_WRAPPER),
    as the kernel shows it, with how it was found: ("exec" | "descendant" |
    "same process" | "not found", pid):
    - a process of top's tree (top itself, after the layer's exec, or a
      descendant: a tracer or a sandbox forks the program) whose image,
      /proc/PID/exe, is the program; or, for an interpreted program, one
      whose command line runs it and which is no copy of the layer;
    - else top itself, once it has the program's image mapped: an
      emulator (qemu-user) or valgrind runs the program in its own process;
    - else, after half a second times the multiplier, top, and the caller
      says that the program could not be found (signals then reach the
      layer only)."""
    real = os.path.realpath(program)
    until = min(deadline, time.monotonic() + multiplied(0.5))
    ours = exe(os.getpid())
    while True:
        layer = exe(top)  # ours until top has run execvp
        if layer not in (None, ours):
            if layer == real:
                return "exec", top
            level = [top]
            for _ in range(8):
                level = [k for p in level for k in children(p)]
                for k in level:
                    image = exe(k)
                    if image == real or (names(k, program) and image not in (None, layer)):
                        return "descendant", k
            if maps_file(top, real):
                return "same process", top
        if time.monotonic() >= until:
            return "not found", top
        time.sleep(0.002)


def status_of(wstatus):
    if os.WIFSIGNALED(wstatus):
        return f"signal {os.WTERMSIG(wstatus)}", 128 + os.WTERMSIG(wstatus)
    return f"exit {os.WEXITSTATUS(wstatus)}", os.WEXITSTATUS(wstatus)


def listen_inodes(port):
    """Inodes of the loopback TCP sockets listening on port."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                        inodes.add(fields[9])
        except OSError:
            pass
    return inodes


def listens(pid, port):
    wanted = {f"socket:[{i}]" for i in listen_inodes(port)}
    if not wanted:
        return False
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") in wanted:
                    return True
            except OSError:
                pass
    except OSError:
        pass
    return False


def my_children():
    me = str(os.getpid())
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[1] == me:
            kids.append((int(entry), fields[0]))
    return kids


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def kill_and_reap_all():
    """Kills every remaining child (each reparented orphan) and reaps it,
    until none is left. A killed child's own children come back here too."""
    while True:
        kids = my_children()
        if not kids:
            try:
                while os.waitpid(-1, os.WNOHANG)[0] > 0:
                    pass
            except ChildProcessError:
                pass
            return
        for pid, _ in kids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for _ in kids:
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                break


def kill_session(pid):
    for target in (-pid, pid):
        try:
            os.kill(target, signal.SIGKILL)
        except ProcessLookupError:
            pass


def schedstat(pid):
    """The program's time on a CPU and waiting for one, from
    /proc/PID/schedstat (nanoseconds), and how many times it blocked or
    slept (voluntary context switches, /proc/PID/status): "sched <run>
    <wait> <voluntary>" ("-" for a count the kernel does not show), or
    "sched -" where the kernel has no schedstat. Run plus wait is the time
    it was runnable: about its whole life for a busy loop, about nothing
    for a program that sleeps on an idle machine; on a loaded one a short
    burst of work can wait long for a CPU, but only a program that sleeps
    or blocks adds voluntary switches."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            run, wait = f.read().split()[:2]
    except (OSError, ValueError):
        return "sched -"
    voluntary = "-"
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("voluntary_ctxt_switches:"):
                    voluntary = line.split()[1]
    except OSError:
        pass
    return f"sched {int(run) / 1e9:.3f} {int(wait) / 1e9:.3f} {voluntary}"


def main():
    try:
        args = parse_args(sys.argv[1:])
    except Usage as e:
        sys.stderr.write(f"run_bounded.py: {e}\n{__doc__.split(chr(10) * 2)[1]}\n")
        return 125
    events = Events(args.events)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.stderr.write("run_bounded: cannot become a child subreaper\n")
        return 125
    signal.pthread_sigmask(signal.SIG_BLOCK, WATCHED)
    began = time.monotonic()
    deadline = began + args.deadline
    pid = start(args.command)
    # The process the caller signals and inspects: the program itself,
    # under a layer too. The layer's own process is what is reaped.
    how, watched = follow(pid, args.program, deadline) if args.program else ("", pid)
    events(f"pid {watched}")
    if args.program:
        events(f"layer {pid} {how}")

    outcome, code, ready = None, None, args.listen is None
    while outcome is None:
        # Peek first (WNOWAIT): the ended program's scheduler counts are
        # read while it is still a zombie.
        if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
            events(schedstat(pid))
            done, wstatus = os.waitpid(pid, 0)
            outcome, code = status_of(wstatus)
            break
        if not ready and listens(watched, args.listen):
            ready = True
            events("listening")
        left = deadline - time.monotonic()
        if left <= 0:
            outcome, code = "timeout", 124
            break
        # Until the program listens, look again every few milliseconds.
        info = signal.sigtimedwait(WATCHED, left if ready else min(left, 0.005))
        if info and info.si_signo in STOP_SIGNALS:
            outcome, code = "killed", 143
    ended = time.monotonic()
    if outcome in ("timeout", "killed"):
        kill_session(pid)
        os.waitpid(pid, 0)
    events(outcome)
    # Whatever is still our child now was left behind by the program.
    if outcome not in ("timeout", "killed"):
        for pid, state in my_children():
            events(f"orphan {pid} {state} {cmdline(pid) or '<defunct>'}")
        if args.linger:
            signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
            while (signal.sigtimedwait(STOP_SIGNALS, max(0.0, deadline - time.monotonic()))
                   is None and time.monotonic() < deadline):
                pass
    kill_and_reap_all()
    events(f"done {ended - began:.3f}")
    return code


if __name__ == "__main__":
    sys.exit(main())
