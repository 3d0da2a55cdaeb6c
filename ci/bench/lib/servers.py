"""The servers the benchmark measures: started in sessions of their own,
ready once /proc shows their listening socket, stopped and reaped with
whatever they leave behind named.

Nothing here sleeps to synchronise: /proc is polled with a deadline only.
"""

import ctypes
import os
import select
import signal
import socket
import subprocess
import tempfile
import time

PR_SET_CHILD_SUBREAPER = 36
POLL_PAUSE = 0.01
START_DEADLINE = 10.0
STOP_DEADLINE = 10.0
PORT_ATTEMPTS = 5


class BenchError(Exception):
    """A failure that ends the run with the given exit status."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def become_subreaper():
    """Orphans of the servers come to us, not to PID 1 (which may not reap)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise BenchError(2, f"prctl(PR_SET_CHILD_SUBREAPER): {os.strerror(ctypes.get_errno())}")


def _stat_fields(pid):
    """Fields of /proc/<pid>/stat after the command name, or None if gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def command_name(pid):
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as f:
            return f.read().strip()
    except OSError:
        return "?"


def children(pid):
    """Children of pid, zombies included."""
    found = set()
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as f:
                found.update(int(c) for c in f.read().split())
        return sorted(found)
    except FileNotFoundError:
        pass  # a kernel without CONFIG_PROC_CHILDREN, or pid is gone: scan
    except OSError:
        return []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(entry)
            if fields and int(fields[1]) == pid:
                found.add(int(entry))
    return sorted(found)


def session_members(sid):
    """Processes of the session a server leads (it started one)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(entry)
            if fields and int(fields[3]) == sid:
                found.append(int(entry))
    return found


def zombies(pids):
    return [p for p in pids if (_stat_fields(p) or ["?"])[0] == "Z"]


def descriptor_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def private_dirty_kib(pid):
    """Private_Dirty of a whole process, from smaps_rollup (Linux 4.14+)."""
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
        for line in f:
            if line.startswith("Private_Dirty:"):
                return int(line.split()[1])
    raise BenchError(1, f"no Private_Dirty in /proc/{pid}/smaps_rollup")


def wait_until(predicate, deadline):
    """Polls predicate until it holds or the deadline (seconds) passes."""
    end = time.monotonic() + deadline
    while True:
        if predicate():
            return True
        if time.monotonic() > end:
            return False
        time.sleep(POLL_PAUSE)  # polling /proc with a deadline, not synchronising


def _listening_inodes(port):
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            # local_address is HEX_ADDR:HEX_PORT; state 0A is LISTEN.
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def _socket_inodes(pid):
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if link.startswith("socket:["):
                inodes.add(link[len("socket:["):-1])
    except OSError:
        pass
    return inodes


listening_inodes = _listening_inodes
socket_inodes = _socket_inodes


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_line(fd, deadline):
    """One line from a pipe, or what came before the deadline (seconds) or
    end of file. Unbuffered, so nothing after the line is read ahead."""
    line = b""
    end = time.monotonic() + deadline
    while not line.endswith(b"\n"):
        left = end - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        chunk = os.read(fd, 1)
        if not chunk:
            break
        line += chunk
    return line


class Server:
    """One server process in a session of its own.

    stdout goes to /dev/null unless the server reports its port there:
    echo_mpserv logs a line per connection and per reaped child, and a pipe
    would need a reader competing for the same two cores (a pipe nobody
    reads would stall the server once 64 KiB are waiting). stderr goes to a
    temporary file, which never blocks and is shown when something fails.
    """

    def __init__(self, name, forks):
        self.name = name
        self.forks = forks  # a process per connection, whose children are checked
        self.proc = None
        self.port = None
        self.fds_at_start = None
        self._stderr = tempfile.TemporaryFile()

    def _spawn(self, argv, stdout):
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=stdout,
                                     stderr=self._stderr, start_new_session=True)

    def start_on_free_port(self, argv_for_port):
        """For servers that take a port: probe a free one, retrying when
        another process takes it between the probe and the server's bind."""
        for _ in range(PORT_ATTEMPTS):
            port = _free_port()
            self._spawn(argv_for_port(port), subprocess.DEVNULL)
            if wait_until(lambda: self.proc.poll() is not None or
                          _listening_inodes(port) & _socket_inodes(self.proc.pid),
                          START_DEADLINE) and self.proc.poll() is None:
                self.port = port
                self.fds_at_start = descriptor_count(self.proc.pid)
                return
            self.stop()
        raise BenchError(1, f"{self.name} did not listen on a free port in "
                         f"{PORT_ATTEMPTS} attempts: {self.stderr_tail() or 'no message'}")

    def start_reporting_port(self, argv):
        """For a server that binds port 0 and prints the port it got."""
        self._spawn(argv, subprocess.PIPE)
        line = read_line(self.proc.stdout.fileno(), START_DEADLINE)
        if not line.strip().isdigit():
            self.stop()
            raise BenchError(1, f"{self.name} printed no port: {self.stderr_tail() or 'no message'}")
        self.port = int(line)
        self.fds_at_start = descriptor_count(self.proc.pid)

    def children(self):
        return children(self.proc.pid)

    def wait_children_gone(self, deadline=STOP_DEADLINE):
        """True once every child has ended and been reaped."""
        return wait_until(lambda: not self.children(), deadline)

    def stderr_tail(self, lines=3):
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        return " | ".join(text[-lines:])

    def stop(self, sig=signal.SIGTERM, whole_group=False):
        """Stops the server and returns (exit status, processes its session
        still held once it had exited). Whatever is left is then killed."""
        if self.proc is None:
            return None, []
        try:
            if whole_group:
                os.killpg(self.proc.pid, sig)
            else:
                self.proc.send_signal(sig)
        except ProcessLookupError:
            pass
        try:
            status = self.proc.wait(timeout=STOP_DEADLINE)
        except subprocess.TimeoutExpired:
            status = None
        left = [p for p in session_members(self.proc.pid) if p != self.proc.pid]
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if status is None:
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None
        return status, left


def reap_orphans():
    """Kills and reaps whatever was re-parented to us; returns what it found
    as 'pid (name)' strings. Call only once every Popen has been waited for,
    or its status could be taken here."""
    found = []
    for pid in children(os.getpid()):
        if not zombies([pid]):
            found.append(f"{pid} ({command_name(pid)})")
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    end = time.monotonic() + STOP_DEADLINE
    while time.monotonic() < end:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(POLL_PAUSE)  # killed orphans are still dying: polled with a deadline
    return found
