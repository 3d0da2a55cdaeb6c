"""What the Python implementation of the procsig programs shares.

Every line a program prints goes through out(): one os.write() per call and
no stdio buffer, so nothing is copied into a child by fork() (no duplicated
line, whether stdout is a terminal, a pipe or a file) and lines written by
several processes to one stdout never interleave inside each other.

Statuses and messages follow docs/contract.md: every failure is one line
`<program>: <what failed>: <reason>` on stderr and a status from the table.
"""

import os
import re
import select
import signal
import sys
import time

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_LISTEN = 3
EXIT_CONNECT = 4
EXIT_HOST = 5

TIME_SCALE_VAR = "PROCSIG_TIME_SCALE"
TIME_SCALE_MAX = 1000.0

# ASCII digits only: int() and float() would also take "1_0", " 5", "1e3",
# "inf" or other scripts' digits, none of which the contract allows.
DECIMAL = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")
DIGITS = re.compile(r"[0-9]+")

PROGRAM = "procsig"


class Fatal(Exception):
    """A failure that ends the process with one message and a status."""

    def __init__(self, what, reason, status=EXIT_FAILURE):
        super().__init__(what, reason, status)
        self.what = what
        self.reason = reason
        self.status = status


def reason_of(error):
    """The reason part of a message for an OSError, as strerror() words it."""
    return error.strerror or str(error)


def report(what, reason):
    line = f"{PROGRAM}: {what}: {reason}\n".encode(errors="backslashreplace")
    try:
        write_all(2, line)
    except OSError:
        pass  # stderr is gone: the status is all that is left to tell


def start(name, usage_args="", min_args=0, max_args=0, args=None):
    """Checks the argument count and PROCSIG_TIME_SCALE; returns (args, scale).

    args: the operands, when the program took its options off sys.argv.

    SIGINT gets back the action a C program would have: Python's own
    handler would turn Ctrl+C into an exception instead of ending the
    process by the signal. An ignored SIGINT (a background job of a
    script) stays ignored.
    """
    global PROGRAM
    PROGRAM = name
    name_process(name)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        scale = time_scale()
    except Fatal as error:
        report(error.what, error.reason)
        sys.exit(error.status)
    args = sys.argv[1:] if args is None else args
    if not min_args <= len(args) <= max_args:
        usage = f"Usage : {name} {usage_args}".rstrip()
        write_all(2, (usage + "\n").encode())
        sys.exit(EXIT_USAGE)
    return args, scale


def name_process(name):
    """Shows the program's name, not "python3", in ps, pgrep and top.

    The kernel names a process after the interpreter that runs the script;
    children inherit the name set here.
    """
    try:
        with open("/proc/self/comm", "w", encoding="ascii") as comm:
            comm.write(name)
    except OSError:
        pass  # not Linux, or /proc not mounted: only the display suffers


def time_scale():
    text = os.environ.get(TIME_SCALE_VAR)
    if text is None:
        return 1.0
    value = float(text) if DECIMAL.fullmatch(text) else 0.0
    if not 0.0 < value <= TIME_SCALE_MAX:
        raise Fatal(f"invalid {TIME_SCALE_VAR} '{text}'",
                    "must be a positive decimal number no greater than 1000",
                    EXIT_USAGE)
    return value


def parse_port(text):
    if DIGITS.fullmatch(text) and 1 <= int(text) <= 65535:
        return int(text)
    raise Fatal(f"invalid port '{text}'",
                "must be a decimal integer from 1 to 65535", EXIT_USAGE)


def run(main):
    """Runs a program's main() and exits with its status."""
    try:
        status = main() or EXIT_OK
    except Fatal as error:
        report(error.what, error.reason)
        status = error.status
    except OSError as error:
        report("unexpected failure", reason_of(error))
        status = EXIT_FAILURE
    sys.exit(status)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def out_bytes(data):
    try:
        write_all(1, data)
    except OSError as error:
        raise Fatal("cannot write to stdout", reason_of(error)) from None


def out(*lines):
    """Prints text lines with a single write(), so they arrive together."""
    out_bytes("".join(line + "\n" for line in lines).encode())


def fork():
    # out() leaves nothing buffered; flushing here keeps that true for
    # anything a library may have printed through sys.stdout.
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        return os.fork()
    except OSError as error:
        raise Fatal("cannot fork", reason_of(error)) from None


def in_child(body):
    """Runs body() in a just-forked child, then ends the child.

    os._exit() and never a return: the child must not fall back into the
    parent's code, nor run the interpreter's exit handlers a second time.
    """
    status = EXIT_FAILURE
    try:
        status = body() or EXIT_OK
    except Fatal as error:
        report(error.what, error.reason)
        status = error.status
    except BaseException as error:  # pylint: disable=broad-except
        report("unexpected failure", repr(error))
    finally:
        os._exit(status)


def reap_nohang():
    """Yields (pid, status) for every ended child without blocking.

    A loop, not one waitpid(): standard signals do not queue, so one SIGCHLD
    may stand for several children that ended together.
    """
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        yield pid, status


def describe(status):
    if os.WIFEXITED(status):
        return f"exit status {os.WEXITSTATUS(status)}"
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"wait status {status}"


class SignalWaker:
    """Caught signals as a readable pipe, so a wait can be ended by them.

    CPython runs a handler in the main thread between bytecodes and retries
    a call that a signal interrupted (PEP 475), so time.sleep() or a blocking
    accept() is not cut short by a caught signal. The C-level handler writes
    the signal number to the wakeup pipe; waits select() on that pipe. The
    Python-level handlers only record which signal came.
    """

    def __init__(self):
        self.caught = []
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)
        signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        self._installed = []

    def note(self, signum, _frame=None):
        """The handler: records the signal, nothing else."""
        self.caught.append(signum)

    def install(self, signum, handler=None):
        signal.signal(signum, handler or self.note)
        self._installed.append(signum)

    def take(self):
        """The signals caught since the last take(), in arrival order."""
        try:
            while os.read(self._read, 4096):
                pass
        except BlockingIOError:
            pass
        caught, self.caught = self.caught, []
        return caught

    def wait(self, readers=(), timeout=None):
        """Waits for a signal or for one of readers; returns the ready readers."""
        if self.caught:
            timeout = 0
        ready, _, _ = select.select([self._read, *readers], [], [], timeout)
        return [r for r in ready if r is not self._read]

    def sleep(self, seconds):
        """Sleeps until seconds have passed or a signal was caught.

        Returns the signals caught, as take() does.
        """
        deadline = time.monotonic() + seconds
        while not self.caught:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self.wait(timeout=left)
        return self.take()

    def close_in_child(self):
        """Gives a forked child the default actions and no wakeup pipe."""
        for signum in self._installed:
            signal.signal(signum, signal.SIG_DFL)
        signal.set_wakeup_fd(-1)
        os.close(self._read)
        os.close(self._write)
        self.caught = []


def endpoint(address, port):
    """address:port as messages show it, an IPv6 address in brackets."""
    bare = address[1:-1] if address.startswith("[") and address.endswith("]") else address
    return f"[{bare}]:{port}" if ":" in bare else f"{bare}:{port}"


def connect(host, port_text):
    """A connected TCP socket, or Fatal with status 2, 4 or 5."""
    import socket  # pylint: disable=import-outside-toplevel

    port = parse_port(port_text)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise Fatal(f"unknown host '{host}'", reason_of(error),
                    EXIT_HOST) from None
    last = None
    for family, kind, proto, _, address in infos:
        try:
            sock = socket.socket(family, kind, proto)
        except OSError as error:
            last = error
            continue
        try:
            sock.connect(address)
            return sock
        except OSError as error:
            last = error
            sock.close()
    raise Fatal(f"cannot connect to {endpoint(host, port)}", reason_of(last),
                EXIT_CONNECT)


class LineReader:
    """Reads lines of bytes from a descriptor: everything up to and
    including a newline, or the last bytes before end of input.

    Not sys.stdin: its buffer would be copied by fork(), and a line may hold
    any byte, NUL included, and have any length.
    """

    CHUNK = 65536

    def __init__(self, fd):
        self.fd = fd
        self.buffer = bytearray()
        self.eof = False
        self._scanned = 0

    def has_line(self):
        return self.eof or b"\n" in self.buffer[self._scanned:]

    def fill(self):
        """Reads once; returns False at end of input."""
        self._scanned = len(self.buffer)
        try:
            chunk = os.read(self.fd, self.CHUNK)
        except OSError as error:
            raise Fatal("cannot read stdin", reason_of(error)) from None
        if not chunk:
            self.eof = True
            return False
        self.buffer += chunk
        return True

    def readline(self, before_fill=None):
        """The next line, or b"" at end of input.

        before_fill, if given, is called before each read that may block.
        """
        while True:
            end = self.buffer.find(b"\n", self._scanned)
            if end >= 0:
                line = bytes(self.buffer[:end + 1])
                del self.buffer[:end + 1]
                self._scanned = 0
                return line
            if self.eof:
                line = bytes(self.buffer)
                self.buffer.clear()
                self._scanned = 0
                return line
            if before_fill:
                before_fill()
            self.fill()


def is_quit(line):
    """A line that is exactly q or Q ends the session."""
    return line in (b"q\n", b"Q\n", b"q", b"Q")
