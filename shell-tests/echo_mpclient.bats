#!/usr/bin/env bats
# echo_mpclient: the split-I/O client (one process sends, one prints).

load helpers/common

setup() {
  common_setup
  require_program echo_mpclient
}

# mp_run INPUT [PORT]: echo_mpclient to the server (or PORT), reading INPUT.
mp_run() {
  run_prog --deadline 10 --stdin "$1" echo_mpclient 127.0.0.1 "${2:-$SERVER_PORT}"
  [ "$STATUS" != timeout ] ||
    fail "C.ECHO_MPCLIENT.EOF: echo_mpclient still running 10 s after its input ended: end of stdin ignored, or close() instead of shutdown(SHUT_WR)?
$(describe_run)"
}

# expect_echo RULE SENT WHAT: stripped of its prefixes, stdout equals SENT.
expect_echo() {
  "${PY[@]}" "$HELPERS/echo_payload.py" mpclient <"$OUT" >"$T/back" 2>"$T/fmt" ||
    fail "$1: stdout is not 'Message from server: <line>' lines: $(cat "$T/fmt")"
  expect_same "$1" "$2" "$T/back" "$3"
}

@test "C.ECHO_MPCLIENT.ECHO: text lines come back as 'Message from server: <line>'" {
  require_program echo_mpserv
  start_server
  printf 'hello\n\nworld\n' >"$T/in"
  mp_run "$T/in"
  expect_status C.ECHO_MPCLIENT.EXIT 0
  expect_lines C.ECHO_MPCLIENT.ECHO "$OUT" 'Message from server: hello' 'Message from server:' \
    'Message from server: world'
}

@test "C.ECHO_MPCLIENT.ECHO: 64 KiB of binary lines with NULs come back exactly" {
  require_program echo_mpserv
  start_server
  make_data "$T/in" 65536
  mp_run "$T/in"
  expect_status C.ECHO_MPCLIENT.EXIT 0
  expect_echo C.ECHO_MPCLIENT.ECHO "$T/in" "64 KiB with NULs"
}

@test "C.ECHO_MPCLIENT.ECHO: 1 MiB with a last line lacking its newline come back exactly" {
  require_program echo_mpserv
  start_server
  make_data "$T/in" 1048576
  printf 'tail' >>"$T/in"
  mp_run "$T/in"
  expect_status C.ECHO_MPCLIENT.EXIT 0
  expect_echo C.ECHO_MPCLIENT.ECHO "$T/in" "1 MiB"
}

@test "C.ECHO_MPCLIENT.PIPE: all of a piped stdin is sent and echoed before the client exits" {
  require_program echo_mpserv
  start_server
  make_data "$T/data" 300000
  mp_run <(cat "$T/data")
  expect_status C.ECHO_MPCLIENT.EXIT 0
  expect_echo C.ECHO_MPCLIENT.PIPE "$T/data" "300000 bytes through a pipe"
}

# quit_case Q: Q mid-input stops the sending; echoes in flight still print.
quit_case() {
  start_peer peer PIPE -r "$T/received"
  make_data "$T/before" 262144
  printf '\n' >>"$T/before"
  { cat "$T/before"; printf '%s\nnot to be sent\n' "$1"; } >"$T/in"
  mp_run "$T/in" "$PEER_PORT"
  expect_status C.ECHO_MPCLIENT.QUIT 0
  expect_echo C.ECHO_MPCLIENT.QUIT "$T/before" "the 256 KiB in flight before '$1' (close() instead of shutdown() loses them)"
  finish_bg peer 15
  expect_same C.ECHO_MPCLIENT.QUIT "$T/before" "$T/received" "bytes the peer received (nothing from '$1' on may be sent)"
  expect_no_orphans C.ECHO_MPCLIENT.EXIT
}

@test "C.ECHO_MPCLIENT.QUIT: 'q' after 256 KiB: half-close, every echo printed, nothing after it sent" { quit_case q; }
@test "C.ECHO_MPCLIENT.QUIT: 'Q' after 256 KiB: half-close, every echo printed, nothing after it sent" { quit_case Q; }

@test "C.ECHO_MPCLIENT.EOF: end of stdin without q: every echo printed, exit 0 promptly, both processes reaped" {
  require_program echo_mpserv
  start_server
  make_data "$T/in" 100000
  mp_run "$T/in"
  expect_status C.ECHO_MPCLIENT.EOF 0
  elapsed_below 5 || fail "C.ECHO_MPCLIENT.EOF: took $ELAPSED s to exit after end of stdin"
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
