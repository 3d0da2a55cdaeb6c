#!/usr/bin/env bats
# echo_mpclient: the split-I/O client (one process sends, one prints).

load helpers/common

setup() {
  common_setup
  require_program echo_mpclient
}

# mp_run INPUT [PORT]: echo_mpclient to the server (or PORT), reading INPUT.
mp_run() {
  local port=${2:-$SERVER_PORT}
  resend_stop "$port" "$1"
  run_prog --deadline 10 --stdin "$1" "${STOP_ARGS[@]}" echo_mpclient 127.0.0.1 "$port"
  [ "$STATUS" != timeout ] ||
    fail "C.ECHO_MPCLIENT.EOF: cut off by the deadline: echo_mpclient still ran 10 s after its start, its input all available from the start
$(describe_run)"
  [ "$STATUS" != stopped ] ||
    fail "C.ECHO_MPCLIENT.EOF: stopped before its end, as it would not end: $STOP_WHY
$(describe_run)"
}

# make_text FILE SIZE: about SIZE bytes of text lines (no NUL, no q or Q).
make_text() { head -c $(($2 * 3 / 4)) /dev/urandom | base64 -w 76 | tr 'qQ' 'xX' >"$1"; }

# expect_unprefixed RULE SENT WHAT: with every 'Message from server: '
# removed (the chapter prints it once per read(), not per line), stdout
# equals SENT.
expect_unprefixed() {
  "${PY[@]}" -c 'import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().replace(b"Message from server: ", b""))' \
    <"$OUT" >"$T/back"
  expect_same "$1" "$2" "$T/back" "$3"
}

# expect_echo RULE SENT WHAT: stripped of its prefixes, stdout equals SENT.
expect_echo() {
  "${PY[@]}" "$HELPERS/echo_payload.py" mpclient <"$OUT" >"$T/back" 2>"$T/fmt" ||
    fail "$1: stdout is not 'Message from server: <line>' lines: $(cat "$T/fmt")"
  expect_same "$1" "$2" "$T/back" "$3"
}

@test "C.ECHO_MPCLIENT.ECHO: text lines ending with a 'q' line: with every 'Message from server: ' removed, stdout is what was sent" {
  require_program echo_mpserv
  start_server
  printf 'hello\n\nworld, a longer line of text\n' >"$T/text"
  { cat "$T/text"; printf 'q\n'; } >"$T/in"
  mp_run "$T/in"
  # The chapter prints the prefix once per read(), not per line.
  "${PY[@]}" -c 'import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().replace(b"Message from server: ", b""))' \
    <"$OUT" >"$T/back"
  expect_same C.ECHO_MPCLIENT.ECHO "$T/text" "$T/back" "three text lines, prefixes removed"
}

@test "C.ECHO_MPCLIENT.LINE_PREFIX: text lines come back as 'Message from server: <line>'" {
  require_program echo_mpserv
  start_server
  printf 'hello\n\nworld\nq\n' >"$T/in"
  mp_run "$T/in"
  expect_lines C.ECHO_MPCLIENT.LINE_PREFIX "$OUT" 'Message from server: hello' 'Message from server:' \
    'Message from server: world'
}

@test "C.ECHO_MPCLIENT.LINE_PREFIX: 64 KiB of binary lines with NULs come back exactly" {
  require_program echo_mpserv
  start_server
  make_data "$T/sent" 65536
  { cat "$T/sent"; printf '\nq\n'; } >"$T/in"
  printf '\n' >>"$T/sent"
  mp_run "$T/in"
  expect_echo C.ECHO_MPCLIENT.LINE_PREFIX "$T/sent" "64 KiB with NULs"
}

@test "C.ECHO_MPCLIENT.LINE_PREFIX: 1 MiB with a last line lacking its newline come back exactly" {
  require_program echo_mpserv
  start_server
  make_data "$T/in" 1048576
  printf 'tail' >>"$T/in"
  mp_run "$T/in"
  expect_status C.ECHO_MPCLIENT.EXIT 0
  expect_echo C.ECHO_MPCLIENT.LINE_PREFIX "$T/in" "1 MiB"
}

@test "C.ECHO_MPCLIENT.PIPE: all of a piped stdin is sent and echoed before the client exits" {
  require_program echo_mpserv
  start_server
  # The chapter's client ends its input with a 'q' line.
  make_text "$T/data" 300000
  mp_run <(cat "$T/data"; printf 'q\n')
  expect_unprefixed C.ECHO_MPCLIENT.PIPE "$T/data" "300000 bytes of text through a pipe"
}

# quit_case Q: Q mid-input stops the sending; echoes in flight still print.
quit_case() {
  start_peer peer PIPE -r "$T/received"
  make_text "$T/before" 262144
  { cat "$T/before"; printf '%s\nnot to be sent\n' "$1"; } >"$T/in"
  mp_run "$T/in" "$PEER_PORT"
  expect_status C.ECHO_MPCLIENT.QUIT 0
  expect_unprefixed C.ECHO_MPCLIENT.QUIT "$T/before" "the 256 KiB of text in flight before '$1'"
  finish_bg peer 15
  expect_same C.ECHO_MPCLIENT.QUIT "$T/before" "$T/received" "bytes the peer received (nothing from '$1' on may be sent)"
}

@test "C.ECHO_MPCLIENT.QUIT: 'q' after 256 KiB: half-close, every echo printed, nothing after it sent" { quit_case q; }
@test "C.ECHO_MPCLIENT.QUIT: 'Q' after 256 KiB: half-close, every echo printed, nothing after it sent" { quit_case Q; }

@test "C.ECHO_MPCLIENT.EOF: end of stdin without q: every echo printed, exit 0 promptly, both processes reaped" {
  require_program echo_mpserv
  start_server
  make_data "$T/in" 100000
  mp_run "$T/in"
  expect_status C.ECHO_MPCLIENT.EOF 0
  elapsed_below 5 || fail "C.ECHO_MPCLIENT.EOF: took $ELAPSED s to exit after end of stdin$(multiplied 5)"
  expect_echo C.ECHO_MPCLIENT.EOF "$T/in" "100000 bytes"
  expect_no_orphans C.ECHO_MPCLIENT.EXIT
}

@test "C.ECHO_MPCLIENT.EXIT: the server closing while stdin stays open ends the client: exit 0, both processes reaped" {
  require_program echo_mpserv
  start_server
  local w
  mkfifo "$T/stdin"
  exec {w}<>"$T/stdin"
  start_bg cl --stdin "$T/stdin" -- echo_mpclient 127.0.0.1 "$SERVER_PORT"
  printf 'hello\n' >&"$w"
  wait_until 5 "C.ECHO_MPCLIENT.EXIT: echo_mpclient never connected" has_children "$SERVER_PID"
  stop_bg srv TERM 5
  finish_bg cl 5 ||
    fail "C.ECHO_MPCLIENT.EXIT: echo_mpclient still running 5 s after the server closed the connection"
  exec {w}>&-
  [ "$BG_STATUS" = 0 ] || fail "C.ECHO_MPCLIENT.EXIT: status $BG_STATUS after the server closed, expected 0"
  [ -z "$BG_ORPHANS" ] || fail "C.ECHO_MPCLIENT.EXIT: processes left behind: $BG_ORPHANS"
}

# mp_sent INPUT: echo_mpclient against a socat peer that echoes and
# records what it received in $T/received.
mp_sent() {
  start_peer peer PIPE -r "$T/received"
  mp_run "$1" "$PEER_PORT"
  finish_bg peer 10 || true
}

@test "C.ECHO_MPCLIENT.QUIT_AT_EOF: a final 'q' without a newline stops sending and is not sent" {
  printf 'hello\nq' >"$T/in"
  mp_sent "$T/in"
  expect_status C.ECHO_MPCLIENT.QUIT_AT_EOF 0
  printf 'hello\n' >"$T/want"
  expect_same C.ECHO_MPCLIENT.QUIT_AT_EOF "$T/want" "$T/received" "what the server received for 'hello\\nq'"
}

@test "C.ECHO_MPCLIENT.QUIT_WHOLE_LINE: lines of n bytes then 'q' are sent, for every n a read buffer may end at" {
  # n bytes of x, then 'q\n': a client that compares each read() chunk
  # with "q\n" ends the session at the chunk boundary.
  local n k
  : >"$T/in"
  for k in 5 6 7 8 9 10 11 12 13 14 15 16; do
    for n in $(((1 << k) - 2)) $(((1 << k) - 1)) $((1 << k)) $(((1 << k) + 1)); do
      { head -c "$n" /dev/zero | tr '\0' x; printf 'q\nafter\n'; } >>"$T/in"
    done
  done
  { head -c 29 /dev/zero | tr '\0' x; printf 'q\nafter\n'; } >>"$T/in"
  cp "$T/in" "$T/want"
  printf 'q\n' >>"$T/in"
  mp_sent "$T/in"
  expect_status C.ECHO_MPCLIENT.QUIT_WHOLE_LINE 0
  expect_same C.ECHO_MPCLIENT.QUIT_WHOLE_LINE "$T/want" "$T/received" "what the server received before the final 'q' line"
}

@test "C.ALL.SHORT_WRITES: echo_mpclient with every socket write capped at 1,000 bytes sends every byte of 5,000-byte lines" {
  [ -f "${PROCSIG_SHORT_WRITES_SO:-}" ] ||
    skip "PROCSIG_SHORT_WRITES_SO ('${PROCSIG_SHORT_WRITES_SO:-}') is not the short-writes shim: run the suite with meson test"
  local i
  : >"$T/in"
  for i in 1 2 3 4 5 6 7 8 9 10; do { head -c 5000 /dev/zero | tr '\0' "$i"; echo; } >>"$T/in"; done
  cp "$T/in" "$T/sent"
  printf 'q\n' >>"$T/in"
  start_peer peer PIPE -r "$T/received"
  resend_stop "$PEER_PORT" "$T/in"
  run_prog --deadline 20 --stdin "$T/in" "${STOP_ARGS[@]}" --under env "LD_PRELOAD=$PROCSIG_SHORT_WRITES_SO" -- echo_mpclient 127.0.0.1 "$PEER_PORT"
  finish_bg peer 10 || true
  expect_same C.ALL.SHORT_WRITES "$T/sent" "$T/received" "what the server received from echo_mpclient"
}
