#!/usr/bin/env bats
# echo_load's verdicts: exit 0 against a faithful echo server (every mode),
# and the failure it must report against peers that corrupt, drop or cut
# the stream, refuse the connection or never answer. socat plays those
# peers on free loopback ports.

load ../../helpers/common
load ../../helpers/stress

setup() {
  common_setup
  [ -x "${PROCSIG_ECHO_LOAD:-}" ] ||
    fail "PROCSIG_ECHO_LOAD ('${PROCSIG_ECHO_LOAD:-}') is not the echo_load executable: run it with meson test"
}

teardown() { stress_teardown; }

# peer ADDRESS: a socat server on a free loopback port that serves each
# connection (fork) with ADDRESS; echo_load's runs go to it (SERVER_PORT).
peer() {
  for _ in 1 2 3 4 5; do
    pick_port
    start_bg peer --listen "$PORT" --external -- socat -t 5 \
      "TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr,fork" "$1" || return 1
    next_event peer 10 "socat to listen on port $PORT" || return 1
    if [ "$EVENT" = listening ]; then SERVER_PORT=$PORT; return 0; fi
    finish_bg peer 5 || return 1
  done
  fail "socat: could not listen on a free port"
}

# expect_failure STATUS REGEX: the last run_load ended with STATUS and its
# stderr is exactly one line matching REGEX (an ERE for the whole line).
expect_failure() {
  [ "$LOAD_STATUS" = "$1" ] ||
    fail "echo_load: exit status $LOAD_STATUS, expected $1; stdout: $(cat "$LOAD_OUT"); stderr: $(cat "$LOAD_ERR")"
  if [ "$(wc -l <"$LOAD_ERR")" != 1 ] || ! grep -qE -- "^$2\$" "$LOAD_ERR"; then
    fail "echo_load: stderr should be one line matching '$2', got: $(cat -A "$LOAD_ERR")"
  fi
  [ ! -s "$LOAD_OUT" ] || fail "echo_load: a failed run printed a result: $(cat "$LOAD_OUT")"
}

# expect_mode FILE MODE KEY=VALUE...: the JSON line of a run in MODE
# says what was asked.
expect_mode() {
  grep -qF "{\"mode\":\"$2\"," "$1" || fail "echo_load: not a $2 result: $(cat "$1")"
  expect_load_json echo_load "$1" "${@:3}"
}

@test "echo_load: every mode passes against echo_mpserv and says what it ran" {
  require_program echo_mpserv
  start_server
  run_load rate 30 rate --clients 4 --connections 200 --bytes 1KiB
  expect_load_ok echo_load "$LOAD_STATUS" "$LOAD_ERR" "rate"
  expect_mode "$LOAD_OUT" rate clients=4 connections=200 bytes=1024
  grep -qE '"per_second":[0-9.]+\}$' "$LOAD_OUT" || fail "rate: no per_second: $(cat "$LOAD_OUT")"
  run_load bulk 30 bulk --bytes 16MiB
  expect_load_ok echo_load "$LOAD_STATUS" "$LOAD_ERR" "bulk"
  expect_mode "$LOAD_OUT" bulk bytes=16777216
  grep -qE '"mib_per_second":[0-9.]+\}$' "$LOAD_OUT" || fail "bulk: no mib_per_second: $(cat "$LOAD_OUT")"
  run_load burst 30 burst --clients 50 --bytes 64KiB
  expect_load_ok echo_load "$LOAD_STATUS" "$LOAD_ERR" "burst"
  expect_mode "$LOAD_OUT" burst clients=50 bytes=65536
}

@test "echo_load: burst --hold keeps every connection open until end of file on stdin" {
  require_program echo_mpserv
  start_server
  start_load held --hold 30 burst --clients 20 --bytes 100 --hold
  wait_load_line echo_load held 20 "20 echoes"
  expect_mode "$T/held.out" burst clients=20 bytes=100
  [ "$(live_children_of "$SERVER_PID" | wc -l)" = 20 ] ||
    fail "echo_load: after its line, echo_mpserv serves $(live_children_of "$SERVER_PID" | wc -l) connections, not the 20 held"
  proc_stat "${BG_PID[held]}" && [ "$STATE" != Z ] || fail "echo_load ended before its stdin did"
  release_stdin held
  finish_bg held 10
  [ "$BG_STATUS" = 0 ] || fail "echo_load --hold: exit status $BG_STATUS: $(cat "$T/held.err")"
  expect_all_reaped echo_load 10 "echo_load closed its held connections"
}

@test "echo_load: a peer that changes bytes ('tr a b') fails with 'byte N differs'" {
  peer "SYSTEM:tr a b"
  run_load tr 20 rate --clients 1 --connections 1 --bytes 64KiB
  expect_failure 1 'echo_load: connection 0: byte [0-9]+ differs'
  run_load tr-burst 20 burst --clients 3 --bytes 64KiB
  expect_failure 1 'echo_load: connection [0-2]: byte [0-9]+ differs'
}

@test "echo_load: a peer that drops the first byte fails with 'byte N differs'" {
  peer "SYSTEM:dd bs=1 skip=1 status=none"
  run_load drop 20 rate --clients 1 --connections 1 --bytes 4KiB
  expect_failure 1 'echo_load: connection 0: byte [0-9]+ differs'
}

@test "echo_load: a peer that closes early fails with 'end of stream after R of B bytes'" {
  peer "SYSTEM:head -c 10"
  run_load short 20 rate --clients 1 --connections 1 --bytes 64
  expect_failure 1 'echo_load: connection 0: end of stream after 10 of 64 bytes'
  # bulk: the peer stops echoing after 1000 bytes but reads on to the end.
  abort_bg peer
  peer "SYSTEM:head -c 1000; exec cat >/dev/null"
  run_load short-bulk 20 bulk --bytes 4MiB
  expect_failure 1 'echo_load: connection 0: end of stream after 1000 of 4194304 bytes'
}

@test "echo_load: a refused connection fails with its reason" {
  pick_port
  SERVER_PORT=$PORT
  run_load refused 10 rate --clients 1 --connections 1
  expect_failure 1 "echo_load: connection 0: connect: $(ere_quote "$(strerror ECONNREFUSED)")"
}

@test "echo_load: a peer that never echoes runs into the deadline (exit 3)" {
  # It neither answers nor closes (the teardown ends it with its session).
  peer "SYSTEM:exec sleep 100"
  run_load silent 1 rate --clients 2 --connections 5
  expect_failure 3 'echo_load: deadline of 1 s passed with 5 of 5 connections incomplete'
  run_load silent-burst 1 burst --clients 4
  expect_failure 3 'echo_load: deadline of 1 s passed with 4 of 4 connections incomplete'
  run_load silent-bulk 1 bulk --bytes 1MiB
  expect_failure 3 'echo_load: deadline of 1 s passed with 1 of 1 connections incomplete'
}

@test "echo_load: bad usage is one line and exit status 2" {
  # shellcheck disable=SC2034 # run_load reads it
  SERVER_PORT=1
  run_load usage 10 flood
  expect_failure 2 "echo_load: unknown mode 'flood' .*"
  run_load usage 10 rate --clients 0 --connections 1
  expect_failure 2 "echo_load: invalid --clients '0': .*"
  run_load usage 10 bulk --bytes 12x
  expect_failure 2 "echo_load: invalid --bytes '12x': .*"
}
