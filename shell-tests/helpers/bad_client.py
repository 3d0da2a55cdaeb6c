#!/usr/bin/env python3
"""A misbehaving client of an echo server on 127.0.0.1 (C.ECHO_MPSERV.BAD_CLIENT).

usage: bad_client.py stall|reset PORT [--deadline SECONDS]

Both modes first send without reading until the server's child for this
connection is stuck in send(): this client's send would block, and the
server's end of the connection has a full send buffer and bytes the child
has not read yet (asked of the kernel through sock_diag). Every byte that comes back is checked.

stall  prints "stalled sent=<bytes>" (the checkpoint: the child is blocked
       writing to a client that stopped reading), then waits for end of
       file on stdin, then closes, and exits 0. Killed before that, it is a
       client that vanished mid-transfer.
reset  half-closes (shutdown(SHUT_WR)), reads just enough of the echo for
       the end of its stream to reach the server, and as soon as the
       server's side is in CLOSE_WAIT with bytes still unread by the child
       resets the connection (SO_LINGER 0, close). The child has more to
       send to a peer that reset after its half-close: its next send()
       fails with EPIPE (SIGPIPE unless it is ignored or MSG_NOSIGNAL is
       used). Prints "reset sent=<bytes> received=<bytes> unread=<bytes>
       attempt=<n>". A connection whose child read to the end first (buffer
       sizes and scheduling decide) is closed and a new one tried.

Exit status: 0 done; 1 a byte came back wrong or the connection failed;
2 bad usage; 3 the state awaited was not reached within the deadline
(default 10 s, for each connection), or in reset mode not in 8 connections
(the test's set-up failed, not the server). Errors are one line on stderr.
"""

import os
import select
import socket
import struct
import sys
import time

from run_bounded import multiplied

PIECE = 65536
# A period that is no power of two, so that a chunk moved, lost or
# repeated anywhere shows as a byte that differs.
PATTERN = os.urandom(65521)
ESTABLISHED, CLOSE_WAIT = 1, 8  # the kernel's TCP states
NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST, NLMSG_ERROR = 4, 20, 1, 2
INET_DIAG_SKMEMINFO = 7


class Failed(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def stream(offset, length):
    """The bytes of the endless pattern from offset on."""
    out = bytearray()
    while len(out) < length:
        start = (offset + len(out)) % len(PATTERN)
        out += PATTERN[start:start + length - len(out)]
    return bytes(out)


def server_side(server_port, client_port):
    """The server's end of this connection, asked of the kernel through
    sock_diag (an exact lookup; /proc/net/tcp is a slow and, on a busy
    machine, torn listing): its state, the bytes its child has not read,
    and whether the child's send() must wait (queued bytes at its send
    buffer's size)."""
    loopback = socket.inet_aton("127.0.0.1") + bytes(12)
    request = struct.pack("=BBBBI", socket.AF_INET, socket.IPPROTO_TCP,
                          1 << (INET_DIAG_SKMEMINFO - 1), 0, 0xFFFFFFFF)
    request += struct.pack("!HH", server_port, client_port) + loopback + loopback
    request += struct.pack("=III", 0, 0xFFFFFFFF, 0xFFFFFFFF)  # any interface, no cookie
    header = struct.pack("=IHHII", 16 + len(request), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST, 1, 0)
    with socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_SOCK_DIAG) as nl:
        nl.send(header + request)
        reply = nl.recv(65536)
    kind = struct.unpack_from("=H", reply, 4)[0]
    if kind == NLMSG_ERROR:
        code = -struct.unpack_from("=i", reply, 16)[0]
        raise Failed(1, f"the server's end of the connection: sock_diag: {os.strerror(code)}")
    # inet_diag_msg: family, state, timer, retrans, a 48-byte id, expires,
    # the receive and send queues, uid, inode; then attributes.
    state = reply[17]
    unread = struct.unpack_from("=I", reply, 16 + 56)[0]
    at, send_full = 16 + 72, False
    while at + 4 <= len(reply):
        length, kind = struct.unpack_from("=HH", reply, at)
        if length < 4:
            break
        if kind == INET_DIAG_SKMEMINFO:
            sndbuf, queued = struct.unpack_from("=I4xI", reply, at + 4 + 12)
            send_full = queued >= sndbuf
        at += (length + 3) & ~3
    return state, unread, send_full


class Retry(Exception):
    """This connection missed the state the mode needs; a new one may not."""


ATTEMPTS = 8


class Client:
    def __init__(self, port, deadline):
        self.port = port
        self.deadline = time.monotonic() + deadline
        self.seconds = deadline
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # A small send buffer keeps what is not yet sent in the server's
        # receive queue, not in ours: then the end of our stream reaches
        # the server while its child still has bytes to read.
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
        self.sock.settimeout(deadline)
        self.sock.connect(("127.0.0.1", port))
        self.sock.setblocking(False)
        self.me = self.sock.getsockname()[1]
        self.sent = 0
        self.received = 0

    def left(self, what):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Failed(3, f"{what}: not reached within {self.seconds} s")
        return left

    def side(self):
        return server_side(self.port, self.me)

    def fill(self):
        """Sends until the child is stuck: our send would block, the
        child's send buffer is full and bytes wait for it to read them."""
        while True:
            try:
                self.sent += self.sock.send(stream(self.sent, PIECE))
                continue
            except BlockingIOError:
                pass
            _, unread, send_full = self.side()
            if send_full and unread > 0:
                return
            select.select([], [self.sock], [], min(0.05, self.left("the child blocked in send")))

    def take(self, limit):
        """Reads and checks what has come back, at most limit bytes."""
        try:
            data = self.sock.recv(limit)
        except BlockingIOError:
            return 0
        if not data:
            raise Failed(1, f"end of stream after {self.received} bytes, before the reset")
        want = stream(self.received, len(data))
        if data != want:
            at = next(i for i, (a, b) in enumerate(zip(data, want)) if a != b)
            raise Failed(1, f"byte {self.received + at} differs")
        self.received += len(data)
        return len(data)

    def reset(self):
        """Half-closes, then lets the child read to the end of our stream,
        16 KiB of echo at a time, and resets while it still has bytes to
        read (and so to send back)."""
        self.sock.shutdown(socket.SHUT_WR)
        while True:
            state, unread, _ = self.side()
            # In CLOSE_WAIT the receive queue counts our FIN as one byte.
            if state == CLOSE_WAIT and unread > 1:
                break
            if state != ESTABLISHED:
                raise Retry(f"the child had read the whole stream (server side in state {state}) "
                            "before the reset could come")
            select.select([self.sock], [], [], min(0.05, self.left("the server's CLOSE_WAIT")))
            # A little at a time: the child can read on only as far as we
            # take its echo, so between two looks it reads about this much.
            self.take(2048)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()
        return unread - 1


def main(argv):
    if len(argv) not in (2, 4) or argv[0] not in ("stall", "reset") or (
            len(argv) == 4 and argv[2] != "--deadline"):
        raise Failed(2, "usage: bad_client.py stall|reset PORT [--deadline SECONDS]")
    try:
        port = int(argv[1])
        # Times PROCSIG_TIMEOUT_MULTIPLIER, as every helper's deadline.
        deadline = multiplied(float(argv[3]) if len(argv) == 4 else 10.0)
    except ValueError:
        raise Failed(2, "PORT must be an integer and SECONDS a number") from None
    try:
        if argv[0] == "stall":
            client = Client(port, deadline)
            client.fill()
            print(f"stalled sent={client.sent}", flush=True)
            sys.stdin.buffer.read()
            client.sock.close()
            return 0
        # Whether the end of our stream reaches the server while its child
        # still has bytes to read depends on the kernel's buffer sizes and
        # on scheduling: a connection that misses it is closed (its child
        # sees a normal end) and a new one tried, each within the deadline.
        for attempt in range(1, ATTEMPTS + 1):
            client = Client(port, deadline)
            client.fill()
            try:
                unread = client.reset()
            except Retry as e:
                client.sock.close()
                if attempt == ATTEMPTS:
                    raise Failed(3, f"set-up: {ATTEMPTS} connections tried, each time {e}") from None
                continue
            print(f"reset sent={client.sent} received={client.received} unread={unread} "
                  f"attempt={attempt}")
            return 0
    except OSError as e:
        raise Failed(1, f"connection: {os.strerror(e.errno) if e.errno else e}") from None
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Failed as e:
        sys.stderr.write(f"bad_client: {e}\n")
        sys.exit(e.status)
