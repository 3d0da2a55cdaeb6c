#!/usr/bin/env python3
"""Opens N connections to an echo server at once, and only once every one
is connected sends each its own payload; each must get its payload back
while all the others are still open (the server serves them concurrently).

usage: many_clients.py HOST PORT N [--size BYTES] [--deadline S]
Exit status: 0 every echo was exact; 1 a connection failed, an echo
differed or the deadline passed (one line on stderr says which); 2 bad usage.
"""

import argparse
import selectors
import socket
import sys
import time

from run_bounded import multiplied


def payload(i, size):
    head = f"client {i}\n".encode()
    body = bytes((i + k) % 256 for k in range(size))  # NULs included
    return (head + body)[:size]


def main():
    p = argparse.ArgumentParser(prog="many_clients.py")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("n", type=int)
    p.add_argument("--size", type=int, default=2048)
    p.add_argument("--deadline", type=float, default=20.0)
    a = p.parse_args()
    a.deadline = multiplied(a.deadline)  # times PROCSIG_TIMEOUT_MULTIPLIER
    deadline = time.monotonic() + a.deadline
    family = socket.AF_INET6 if ":" in a.host else socket.AF_INET
    socks = []
    for i in range(a.n):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            s.connect((a.host, a.port))
        except OSError as e:
            print(f"connection {i} of {a.n} failed: {e}", file=sys.stderr)
            return 1
        s.setblocking(False)
        socks.append(s)
    sel = selectors.DefaultSelector()
    want, got, todo = {}, {}, {}
    for i, s in enumerate(socks):
        want[s] = payload(i, a.size)
        got[s] = b""
        todo[s] = want[s]
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE, i)
    pending = len(socks)
    while pending:
        left = deadline - time.monotonic()
        if left <= 0:
            short = sum(1 for s in socks if len(got[s]) < len(want[s]))
            print(f"{short} of {a.n} clients still waiting for their echo after "
                  f"{a.deadline} s while all stayed connected", file=sys.stderr)
            return 1
        for key, ev in sel.select(left):
            s, i = key.fileobj, key.data
            if ev & selectors.EVENT_WRITE and todo[s]:
                todo[s] = todo[s][s.send(todo[s]):]
                if not todo[s]:
                    sel.modify(s, selectors.EVENT_READ, i)
            if ev & selectors.EVENT_READ:
                chunk = s.recv(65536)
                if not chunk:
                    print(f"client {i}: server closed after {len(got[s])} of "
                          f"{len(want[s])} bytes", file=sys.stderr)
                    return 1
                got[s] += chunk
                if not want[s].startswith(got[s]):
                    print(f"client {i}: echo differs from what it sent at byte "
                          f"{next(k for k, (x, y) in enumerate(zip(got[s], want[s])) if x != y)}",
                          file=sys.stderr)
                    return 1
                if len(got[s]) == len(want[s]):
                    sel.unregister(s)
                    pending -= 1
    for s in socks:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
