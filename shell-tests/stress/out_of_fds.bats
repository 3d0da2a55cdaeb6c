#!/usr/bin/env bats
# C.ECHO_MPSERV.OUT_OF_FDS: accept() fails with a real EMFILE. The parent
# closes every accepted socket, so its descriptor limit is lowered, while it
# runs, to the descriptors it already holds.

load ../helpers/common
load ../helpers/stress
load ../helpers/stress_faults

@test "C.ECHO_MPSERV.OUT_OF_FDS: at EMFILE the server logs, stays alive and under a fifth of a CPU, and serves the waiting client once descriptors are back" {
  start_server
  # The lowest free descriptor number is the one accept() would take.
  local lowest=0 soft
  while [ -L "/proc/$SERVER_PID/fd/$lowest" ]; do lowest=$((lowest + 1)); done
  soft=$(prlimit --pid "$SERVER_PID" --nofile --output SOFT --noheadings | tr -d ' ')
  prlimit --pid "$SERVER_PID" --nofile="$lowest:"

  # A server already blocked in accept() has reserved its descriptor
  # before the limit came down (Linux): its next connection is accepted
  # all the same, and only the one after it meets EMFILE. So a first client
  # that is answered is the set-up's, not a verdict, and a second one waits.
  local before after t0 t1 reply status attempt switches_before='' switches_after=''
  for attempt in 1 2; do
    connect_client
    printf 'waiting\n' >&"$CLIENT_FD"
    cpu_ticks "$SERVER_PID"; before=$REPLY
    ctxt_switches "$SERVER_PID" && switches_before=$REPLY
    now_us; t0=$REPLY
    # The measurement window, not a synchronisation: the client waits 1 s
    # for an echo that cannot come while the server has no descriptor to
    # accept it with, and the server's CPU time over that wait is the rule's
    # measure. Shorter, the 10 ms clock ticks would blur a fifth of a CPU.
    status=0 reply=''
    read -r -t 1 -u "$CLIENT_FD" reply || status=$?
    cpu_ticks "$SERVER_PID" || true
    after=$REPLY
    ctxt_switches "$SERVER_PID" && switches_after=$REPLY
    now_us; t1=$REPLY
    [ "$status" -le 128 ] || break
    expect_server_alive C.ECHO_MPSERV.OUT_OF_FDS "at EMFILE"
    [ "$attempt" = 1 ] && [ "$reply" = waiting ] && continue
    fail "C.ECHO_MPSERV.OUT_OF_FDS: client $attempt got '$reply' back (read status $status) while the server could open no descriptor (limit $lowest)$([ "$attempt" = 2 ] && echo '; the first client had been echoed, as a server blocked in accept() before the limit came down does')"
  done
  expect_server_alive C.ECHO_MPSERV.OUT_OF_FDS "at EMFILE"
  local hz percent
  hz=$(getconf CLK_TCK)
  percent=$(((after - before) * 100 * 1000000 / (hz * (t1 - t0))))
  [ "$percent" -lt 20 ] ||
    fail "C.ECHO_MPSERV.OUT_OF_FDS: the server used ${percent}% of a CPU while accept() failed with EMFILE ($((after - before)) ticks in $(((t1 - t0) / 1000)) ms): it spins instead of backing off"
  # On a loaded machine a spinning server gets little CPU, so its share
  # proves nothing; but it never blocks: over the whole window it was
  # preempted (it ran) yet never slept or blocked (no voluntary switch).
  # A server that backs off blocks at least once; one asleep in accept()
  # all along is neither preempted nor switched.
  if [ -n "$switches_before" ] && [ -n "$switches_after" ]; then
    local vol0 invol0 vol1 invol1
    read -r vol0 invol0 <<<"$switches_before"
    read -r vol1 invol1 <<<"$switches_after"
    [ "$vol1" != "$vol0" ] || [ "$invol1" = "$invol0" ] ||
      fail "C.ECHO_MPSERV.OUT_OF_FDS: while accept() failed with EMFILE for $(((t1 - t0) / 1000)) ms the server was preempted $((invol1 - invol0)) times and never blocked or slept (no voluntary context switch; ${percent}% of a CPU on this machine): it spins instead of backing off"
  fi
  local emfile
  emfile=$(strerror EMFILE)
  log_has "$SERVER_ERR" "$(ere_quote "$emfile")" 1 ||
    fail "C.ECHO_MPSERV.OUT_OF_FDS: no line on stderr with '$emfile' after 1 s at EMFILE: $(head -c 500 "$SERVER_ERR")"

  prlimit --pid "$SERVER_PID" --nofile="$soft:"
  status=0 reply=''
  bound 10
  read -r -t "$BOUND" -u "$CLIENT_FD" reply || status=$?
  [ "$status" = 0 ] && [ "$reply" = waiting ] ||
    fail "C.ECHO_MPSERV.OUT_OF_FDS: the waiting client was not echoed within 10 s of the limit's return (read status $status, '$reply')"
}
