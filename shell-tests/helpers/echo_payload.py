#!/usr/bin/env python3
"""Takes a client's stdout apart and prints the echoed bytes alone, so that
they can be compared with what was sent (C.ECHO_CLIENT.LINES and
C.ECHO_MPCLIENT.ECHO).

usage: echo_payload.py client|mpclient < STDOUT > PAYLOAD
  client    "Connected...........", then per line the prompt and
            "Message from server: <line>", then a last prompt
  mpclient  per line "Message from server: <line>"
Trailing blanks of the fixed text may be missing (C.ALL.LINES); the
echoed bytes are taken exactly. Exit status: 0, or 1 with a one-line
message naming the first byte offset where the format is broken.
"""

import sys

CONNECTED = b"Connected..........."
PROMPT = b"Input message(Q to quit): "
PREFIX = b"Message from server: "


def split_lines(data):
    lines, start = [], 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end + 1
        lines.append(data[start:end])
        start = end
    return lines


def mpclient(data):
    out, offset = [], 0
    for line in split_lines(data):
        if not line.startswith(PREFIX):
            raise ValueError(f"line at byte {offset} does not start with {PREFIX.decode()!r}: {line[:60]!r}")
        out.append(line[len(PREFIX):])
        offset += len(line)
    return b"".join(out)


def client(data):
    first, _, rest = data.partition(b"\n")
    if first.rstrip(b" \t") != CONNECTED:
        raise ValueError(f"first line is {first[:60]!r}, not {CONNECTED.decode()!r}")
    out, pos = [], len(first) + 1
    while True:
        tail = data[pos:]
        if tail.rstrip(b" \t") == PROMPT.rstrip():
            return b"".join(out)
        if not tail.startswith(PROMPT + PREFIX):
            raise ValueError(f"at byte {pos}: expected the prompt and {PREFIX.decode()!r}, "
                             f"found {tail[:60]!r}")
        pos += len(PROMPT + PREFIX)
        end = data.find(b"\n", pos)
        if end < 0:
            # A last line without newline runs into the last prompt.
            for last in (PROMPT, PROMPT.rstrip()):
                if data.endswith(last):
                    out.append(data[pos:len(data) - len(last)])
                    return b"".join(out)
            raise ValueError(f"output does not end with the last prompt: {data[-60:]!r}")
        out.append(data[pos:end + 1])
        pos = end + 1


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("client", "mpclient"):
        print("usage: echo_payload.py client|mpclient", file=sys.stderr)
        return 2
    data = sys.stdin.buffer.read()
    try:
        payload = client(data) if sys.argv[1] == "client" else mpclient(data)
    except ValueError as e:
        print(e, file=sys.stderr)
        return 1
    sys.stdout.buffer.write(payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
