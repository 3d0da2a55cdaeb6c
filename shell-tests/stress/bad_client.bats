#!/usr/bin/env bats
# C.ECHO_MPSERV.BAD_CLIENT: clients that reset mid-transfer, vanish or stop
# reading (helpers/bad_client.py, each while its child is stuck in send())
# touch only their own child; echo_load's well-behaved clients are served
# meanwhile, and the server lives.

load ../helpers/common
load ../helpers/stress
load ../helpers/stress_faults

# others_served WHAT: 400 well-behaved connections, 4 at a time, all echoed.
others_served() {
  run_load others 60 rate --clients 4 --connections 400 --bytes 4KiB
  expect_load_ok C.ECHO_MPSERV.BAD_CLIENT "$LOAD_STATUS" "$LOAD_ERR" "other clients $1"
}

# log_server: echo_mpserv with its stdout on a terminal (tty_out.py), as
# the chapter runs it: stdio line-buffers it, so each line is in
# $SERVER_LOG once, as it is written, whatever the server does about
# buffers before fork() (a file is C.ALL.NO_DUP's).
log_server() {
  local -a tty=("${PY[@]}" "$HELPERS/tty_out.py" "$T/srv.tty" --)
  start_server --under tty
  SERVER_LOG=$T/srv.tty
}

# every_child_ended WHAT CONNECTIONS: no child still running (reaping is
# MANY_EXITS's and MASS_EXIT's business), and each of the CONNECTIONS the
# test made ended as a client's leaving: as many 'client disconnected...'
# lines. A child killed by SIGPIPE writes none. A log with more 'new
# client connected...' lines than connections repeats lines (C.ALL.NO_DUP's
# defect, not expected on a terminal): its counts say nothing then.
every_child_ended() {
  within 10 eval '[ -z "$(live_children_of "$SERVER_PID")" ]' ||
    fail "C.ECHO_MPSERV.BAD_CLIENT: echo_mpserv ($SERVER_PID) still has $(live_children_of "$SERVER_PID" | wc -l) running children $WAITED s after $1" || return 1
  local connected disconnected
  # The last lines may still be on their way from the terminal to the log.
  within 5 log_has "$SERVER_LOG" '^client disconnected\.\.\.$' "$2" || true
  connected=$(log_count "$SERVER_LOG" '^new client connected\.\.\.$')
  disconnected=$(log_count "$SERVER_LOG" '^client disconnected\.\.\.$')
  [ "$connected" -le "$2" ] || return 0
  [ "$disconnected" -ge "$connected" ] ||
    fail "C.ECHO_MPSERV.BAD_CLIENT: $2 connections, $connected 'new client connected...' but $disconnected 'client disconnected...' lines on the server's terminal after $1: a child ended without its line (a child killed by SIGPIPE writes none)
--- stderr ---
$(head -c 1000 "$SERVER_ERR")"
}

@test "C.ECHO_MPSERV.BAD_CLIENT: a client that half-closes then resets while its child is sending: the child ends on EPIPE, not killed by SIGPIPE, others are served" {
  log_server
  local status=0
  # The helper's own 20 s deadline and this bound both times the multiplier.
  bound 30
  timeout -k 2 "$BOUND" "${PY[@]}" "$HELPERS/bad_client.py" reset "$SERVER_PORT" --deadline 20 \
    >"$T/reset.out" 2>"$T/reset.err" || status=$?
  # Its own set-up failing (no connection reached the state) is no verdict.
  ! grep -q '^bad_client: set-up: ' "$T/reset.err" || skip "$(cat "$T/reset.err")"
  [ "$status" = 0 ] || fail "the resetting client failed (status $status): $(cat "$T/reset.err")"
  others_served "after a client reset mid-transfer"
  expect_server_alive C.ECHO_MPSERV.BAD_CLIENT "after a client reset mid-transfer"
  local attempts
  attempts=$(sed -n 's/.* attempt=\([0-9]*\).*/\1/p' "$T/reset.out")
  every_child_ended "a client reset mid-transfer and 400 others left" $((400 + ${attempts:-1}))
}

@test "C.ECHO_MPSERV.BAD_CLIENT: a client killed mid-transfer: its child ends as a disconnect, not killed by SIGPIPE, others are served" {
  log_server
  start_stalled_client bad
  kill -KILL "${BG_PID[bad]}"
  finish_bg bad 10 || fail "the killed client's runner did not end"
  others_served "after a client vanished mid-transfer"
  expect_server_alive C.ECHO_MPSERV.BAD_CLIENT "after a client vanished mid-transfer"
  every_child_ended "a client vanished mid-transfer and 400 others left" 401
}

@test "C.ECHO_MPSERV.BAD_CLIENT: a client that stops reading: only its own child blocks; others are served meanwhile" {
  log_server
  start_stalled_client bad
  local stuck
  stuck=$(live_children_of "$SERVER_PID")
  [ "$(wc -w <<<"$stuck")" = 1 ] || fail "expected one child for the stalled client, found: $stuck"
  others_served "while one client does not read"
  expect_server_alive C.ECHO_MPSERV.BAD_CLIENT "while one client does not read"
  proc_stat "$stuck" && [ "$STATE" != Z ] ||
    fail "C.ECHO_MPSERV.BAD_CLIENT: the child ($stuck) of the client that stopped reading ended while that client was still connected"
  release_stdin bad
  finish_bg bad 10 || fail "the stalled client did not end after its release"
  [ "$BG_STATUS" = 0 ] || fail "the stalled client ended with status $BG_STATUS: $(cat "$T/bad.err")"
  every_child_ended "the client that stopped reading and 400 others left" 401
}
