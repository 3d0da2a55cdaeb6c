#!/usr/bin/env bats
# C.ECHO_MPSERV.IDLE_TIMEOUT: --idle-timeout ends the child of a silent
# client, never that of a client that keeps sending, and without the option
# a silent client stays served.

load ../helpers/common
load ../helpers/stress
load ../helpers/stress_faults

@test "C.ECHO_MPSERV.IDLE_TIMEOUT: --idle-timeout 0.5: a silent client is closed after 0.5 s, one 'idle' line, its child reaped" {
  start_server --options "--idle-timeout 0.5"
  local t0 t1
  connect_client
  now_us; t0=$REPLY
  closed_without_echo "$CLIENT_FD" 5 ||
    fail "C.ECHO_MPSERV.IDLE_TIMEOUT: a silent client was not closed with --idle-timeout 0.5: $CLOSED_HOW"
  now_us; t1=$REPLY
  [ $((t1 - t0)) -ge 450000 ] ||
    fail "C.ECHO_MPSERV.IDLE_TIMEOUT: the silent client was closed after $(((t1 - t0) / 1000)) ms, before its 0.5 s"
  wait_until 5 "C.ECHO_MPSERV.IDLE_TIMEOUT: no line containing 'idle' on stderr" log_has "$SERVER_ERR" idle 1
  [ "$(log_count "$SERVER_ERR" idle)" = 1 ] ||
    fail "C.ECHO_MPSERV.IDLE_TIMEOUT: expected one 'idle' line on stderr: $(head -c 1000 "$SERVER_ERR")"
  expect_all_reaped C.ECHO_MPSERV.IDLE_TIMEOUT 5 "its idle client was closed"
  expect_server_alive C.ECHO_MPSERV.IDLE_TIMEOUT "after closing an idle client"
}

@test "C.ECHO_MPSERV.IDLE_TIMEOUT: a client sending every 0.1 s for 2 s is not cut off at 0.5 s; without the option a silent client stays served" {
  # The three times scale together with the multiplier (under a layer at
  # load 370, a 0.1 s pace let 0.5 s of silence pass from the server's
  # side): the pace still keeps well inside the timeout, and the run still
  # outlasts it four times.
  local pace idle run
  bound 0.1; pace=$BOUND
  bound 0.5; idle=$BOUND
  bound 2; run=$BOUND
  start_server --tag plain
  local plain_pid=$SERVER_PID silent
  connect_client
  silent=$CLIENT_FD
  wait_until 5 "C.ECHO_MPSERV.IDLE_TIMEOUT: no child for a client of the server without --idle-timeout" \
    has_children "$plain_pid"

  start_server --options "--idle-timeout $idle"
  local i t0 t1
  connect_client
  now_us; t0=$REPLY
  for i in $(seq 1 20); do
    expect_echo C.ECHO_MPSERV.IDLE_TIMEOUT "$CLIENT_FD" "piece $i" 5 "piece $i of a client sending every $pace s (--idle-timeout $idle)"
    # The sender's own pace, the behaviour under test: a piece every
    # 0.1 s keeps it well inside the 0.5 s of silence allowed.
    nap "$pace"
  done
  now_us; t1=$REPLY
  to_us "$run"
  [ $((t1 - t0)) -ge "$REPLY" ] || fail "the paced client ran $(((t1 - t0) / 1000)) ms, not its $run s"
  ! log_has "$SERVER_ERR" idle 1 ||
    fail "C.ECHO_MPSERV.IDLE_TIMEOUT: an 'idle' line for a client that kept sending: $(head -c 500 "$SERVER_ERR")"

  # The first server's client has been silent all this while.
  SERVER_PID=$plain_pid
  expect_echo C.ECHO_MPSERV.IDLE_TIMEOUT "$silent" "late" 5 \
    "a client silent for $(((t1 - t0) / 1000)) ms, of a server without --idle-timeout,"
}
