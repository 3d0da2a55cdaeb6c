#!/usr/bin/env bats
# echo_client: the one-line-at-a-time client, against echo_mpserv and socat.

load helpers/common

setup() {
  common_setup
  require_program echo_client
}

# client_run INPUT: echo_client against the server or the peer.
client_run() {
  local port=${PEER_PORT:-$SERVER_PORT}
  resend_stop "$port" "$1"
  run_prog --deadline 10 --stdin "$1" "${STOP_ARGS[@]}" echo_client 127.0.0.1 "$port"
}

@test "C.ECHO_CLIENT.LINES: 'Connected...........', a prompt and the echo per line, then a last prompt" {
  require_program echo_mpserv
  start_server
  # The chapter's session ends with a 'q' line.
  printf 'hello\nworld\nq\n' >"$T/in"
  client_run "$T/in"
  expect_status C.ECHO_CLIENT.QUIT 0
  expect_lines C.ECHO_CLIENT.LINES "$OUT" 'Connected...........' \
    'Input message(Q to quit): Message from server: hello' \
    'Input message(Q to quit): Message from server: world' \
    'Input message(Q to quit):'
}

@test "C.ECHO_CLIENT.ECHO: 64 KiB of binary lines with NULs come back exactly" {
  require_program echo_mpserv
  start_server
  # Ended with a 'q' line: end of input is C.ECHO_CLIENT.EOF's.
  make_data "$T/sent" 65536
  printf '\n' >>"$T/sent"
  { cat "$T/sent"; printf 'q\n'; } >"$T/in"
  client_run "$T/in"
  expect_status C.ECHO_CLIENT.QUIT 0
  "${PY[@]}" "$HELPERS/echo_payload.py" client <"$OUT" >"$T/back" 2>"$T/fmt" ||
    fail "C.ECHO_CLIENT.LINES: $(cat "$T/fmt")"
  expect_same C.ECHO_CLIENT.ECHO "$T/sent" "$T/back" "64 KiB with NULs"
}

@test "C.ECHO_CLIENT.ECHO: one 100000-byte line with NULs and no newline at the end" {
  require_program echo_mpserv
  start_server
  { printf 'a\0b'; head -c 99997 /dev/zero | tr '\0' 'z'; } >"$T/in"
  client_run "$T/in"
  expect_status C.ECHO_CLIENT.EOF 0
  "${PY[@]}" "$HELPERS/echo_payload.py" client <"$OUT" >"$T/back" 2>"$T/fmt" ||
    fail "C.ECHO_CLIENT.LINES: $(cat "$T/fmt")"
  expect_same C.ECHO_CLIENT.ECHO "$T/in" "$T/back" "a 100000-byte line"
}

# quit_case Q: a line that is exactly Q ends the session; nothing after it is sent.
quit_case() {
  start_peer peer PIPE -r "$T/received"
  printf 'one\nquit\n%s\ntwo\n' "$1" >"$T/in"
  client_run "$T/in"
  expect_status C.ECHO_CLIENT.QUIT 0
  expect_lines C.ECHO_CLIENT.QUIT "$OUT" 'Connected...........' \
    'Input message(Q to quit): Message from server: one' \
    'Input message(Q to quit): Message from server: quit' \
    'Input message(Q to quit):'
  finish_bg peer 15
  printf 'one\nquit\n' >"$T/want"
  expect_same C.ECHO_CLIENT.QUIT "$T/want" "$T/received" "bytes the peer received (nothing after '$1' may be sent)"
}

@test "C.ECHO_CLIENT.QUIT: a line 'q' ends the session and nothing after it is sent" { quit_case q; }
@test "C.ECHO_CLIENT.QUIT: a line 'Q' ends the session and nothing after it is sent" { quit_case Q; }

@test "C.ECHO_CLIENT.EOF: end of input without q: the last line is echoed and it exits 0 promptly" {
  require_program echo_mpserv
  start_server
  printf 'first\nlast line without newline' >"$T/in"
  client_run "$T/in"
  expect_status C.ECHO_CLIENT.EOF 0
  elapsed_below 5 || fail "C.ECHO_CLIENT.EOF: took $ELAPSED s to exit after end of input$(multiplied 5)"
  expect_lines C.ECHO_CLIENT.LINES "$OUT" 'Connected...........' \
    'Input message(Q to quit): Message from server: first' \
    'Input message(Q to quit): Message from server: last line without newlineInput message(Q to quit):'
}

@test "C.ECHO_CLIENT.SERVER_GONE: a server that hangs up at once: a message on stderr, status 1, no hang" {
  start_peer peer EXEC:true
  printf 'hello\nagain\nand again\n' >"$T/in"
  client_run "$T/in"
  [ "$STATUS" != timeout ] || fail "C.ECHO_CLIENT.SERVER_GONE: echo_client still running 10 s after the server hung up
$(describe_run)"
  [ "$STATUS" != stopped ] || fail "C.ECHO_CLIENT.SERVER_GONE: the server had hung up, and echo_client went on: $STOP_WHY
$(describe_run)"
  expect_status C.ECHO_CLIENT.SERVER_GONE 1
  [ "$(wc -l <"$ERR")" -eq 1 ] && grep -q '^echo_client: ' "$ERR" ||
    fail "C.ECHO_CLIENT.SERVER_GONE: expected one stderr line 'echo_client: ...'
$(describe_run)"
}

# sent_by_client INPUT: echo_client against a socat peer that echoes and
# records what it received in $T/received.
sent_by_client() {
  start_peer peer PIPE -r "$T/received"
  client_run "$1"
  finish_bg peer 10 || true
}

@test "C.ECHO_CLIENT.QUIT_AT_EOF: a final 'q' without a newline ends the session and is not sent" {
  printf 'hello\nq' >"$T/in"
  sent_by_client "$T/in"
  expect_status C.ECHO_CLIENT.QUIT_AT_EOF 0
  printf 'hello\n' >"$T/want"
  expect_same C.ECHO_CLIENT.QUIT_AT_EOF "$T/want" "$T/received" "what the server received for 'hello\\nq'"
}

@test "C.ECHO_CLIENT.QUIT_WHOLE_LINE: a 1,023-byte line ending in 'q' is sent, not taken for a 'q' line" {
  # 1,022 bytes then 'q\n': a 1,024-byte fgets buffer holds 'q\n' alone on
  # its second read.
  { head -c 1022 /dev/zero | tr '\0' x; printf 'q\nafter\n'; } >"$T/in"
  sent_by_client "$T/in"
  expect_status C.ECHO_CLIENT.QUIT_WHOLE_LINE 0
  expect_same C.ECHO_CLIENT.QUIT_WHOLE_LINE "$T/in" "$T/received" "what the server received"
}

@test "C.ALL.SHORT_WRITES: echo_client with every socket write capped at 1,000 bytes sends every byte of 5,000-byte lines" {
  [ -f "${PROCSIG_SHORT_WRITES_SO:-}" ] ||
    skip "PROCSIG_SHORT_WRITES_SO ('${PROCSIG_SHORT_WRITES_SO:-}') is not the short-writes shim: run the suite with meson test"
  local i
  : >"$T/in"
  for i in 1 2 3 4 5 6 7 8 9 10; do { head -c 5000 /dev/zero | tr '\0' "$i"; echo; } >>"$T/in"; done
  cp "$T/in" "$T/sent"
  printf 'q\n' >>"$T/in"
  start_peer peer PIPE -r "$T/received"
  resend_stop "$PEER_PORT" "$T/in"
  run_prog --deadline 20 --stdin "$T/in" "${STOP_ARGS[@]}" --under env "LD_PRELOAD=$PROCSIG_SHORT_WRITES_SO" -- echo_client 127.0.0.1 "$PEER_PORT"
  finish_bg peer 10 || true
  expect_same C.ALL.SHORT_WRITES "$T/sent" "$T/received" "what the server received from echo_client"
}
