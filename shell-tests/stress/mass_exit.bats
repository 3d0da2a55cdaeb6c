#!/usr/bin/env bats
# C.ECHO_MPSERV.MASS_EXIT: 1,000 children alive at once, ended together by
# their clients closing in one loop; every one must be reaped, however
# many SIGCHLDs the kernel merged into one. The 1,000 connect four at a
# time (--window): what is judged is their end together, and a listen
# backlog too small for 1,000 connects at once (C.ECHO_MPSERV.BACKLOG,
# MANY_CLIENTS) must not keep the test from getting there.

load ../helpers/common
load ../helpers/stress

@test "C.ECHO_MPSERV.MASS_EXIT: 1,000 children ending at once are all reaped: 1,000 'removed proc id:' lines, no zombie" {
  need_descriptors 1100
  start_server
  start_load burst --hold 120 burst --clients 1000 --bytes 64 --hold --window 4
  wait_load_line --premise C.ECHO_MPSERV.MASS_EXIT burst 120 "echoing 1,000 held connections"
  expect_load_json C.ECHO_MPSERV.MASS_EXIT "$T/burst.out" clients=1000

  # Every connection has been echoed, so each has its child, still serving.
  live_children_of "$SERVER_PID" | LC_ALL=C sort >"$T/children"
  [ "$(wc -l <"$T/children")" = 1000 ] ||
    fail "C.ECHO_MPSERV.MASS_EXIT: echo_mpserv ($SERVER_PID) has $(wc -l <"$T/children") live children while 1,000 clients are connected and echoed, expected 1,000"
  [ "$(log_count "$SERVER_OUT" '^removed proc id:')" = 0 ] ||
    fail "C.ECHO_MPSERV.MASS_EXIT: 'removed proc id:' lines before any client left"

  release_stdin burst
  finish_bg burst 60 ||
    fail "C.ECHO_MPSERV.MASS_EXIT: echo_load did not end within 60 s of closing its 1,000 connections"
  expect_load_ok C.ECHO_MPSERV.MASS_EXIT "$BG_STATUS" "$T/burst.err" "closing 1,000 held connections"

  expect_all_reaped C.ECHO_MPSERV.MASS_EXIT 30 "its 1,000 clients closed together"
  within 10 log_has "$SERVER_OUT" '^removed proc id: [0-9]+' 1000 ||
    fail "C.ECHO_MPSERV.MASS_EXIT: $(log_count "$SERVER_OUT" '^removed proc id:') 'removed proc id:' lines 10 s after the children were reaped, expected 1,000"
  # One line for each child that served, none for another process.
  sed -n 's/^removed proc id: \([0-9]*\)[ \t]*$/\1/p' "$SERVER_OUT" | LC_ALL=C sort >"$T/removed"
  local diff
  diff=$(LC_ALL=C comm -3 "$T/children" "$T/removed" | head -n 5)
  [ -z "$diff" ] ||
    fail "C.ECHO_MPSERV.MASS_EXIT: the 'removed proc id:' lines do not name the 1,000 children once each (first differences; left: a child never reported, right: a PID reported that was no child or twice):
$diff"
}
