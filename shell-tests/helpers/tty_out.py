#!/usr/bin/env python3
"""Runs a command with its stdout on a pseudo-terminal, as the chapter runs
its server, and copies what it writes there to FILE as it comes: stdio
line-buffers a terminal, so each line is in FILE once written.

usage: tty_out.py FILE -- COMMAND [ARG...]

The command keeps this process (exec), so its PID and its children are the
caller's to watch. The copier is a grandchild left to the caller's
subreaper: it reads until the terminal's last writer is gone, then exits.
Output processing is off, so lines end in LF as in a pipe. Exit status:
the command's; 125 on bad usage or when it cannot be started.
"""

import os
import signal
import sys
import termios


def main(argv):
    if len(argv) < 3 or argv[1] != "--":
        sys.stderr.write("usage: tty_out.py FILE -- COMMAND [ARG...]\n")
        return 125
    path, command = argv[0], argv[2:]
    master, slave = os.openpty()
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.OPOST
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    if os.fork() == 0:
        if os.fork() == 0:
            os.close(slave)
            with open(path, "ab", buffering=0) as out:
                while True:
                    try:
                        chunk = os.read(master, 65536)
                    except OSError:  # EIO: no writer left
                        break
                    if not chunk:
                        break
                    out.write(chunk)
            os._exit(0)
        os._exit(0)
    os.wait()
    os.close(master)
    os.dup2(slave, 1)
    os.close(slave)
    # Python ignores SIGPIPE and SIGXFSZ, and an ignored signal stays
    # ignored across exec: the command gets the default actions it would
    # have had without this helper (a server child writing to a vanished
    # client must be able to die of SIGPIPE, C.ECHO_MPSERV.BAD_CLIENT).
    for s in (signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(s, signal.SIG_DFL)
    try:
        os.execvp(command[0], command)
    except OSError as e:
        sys.stderr.write(f"tty_out: cannot run {command[0]}: {e.strerror}\n")
    return 125


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
