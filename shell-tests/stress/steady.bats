#!/usr/bin/env bats
# C.ECHO_MPSERV.STEADY: 10,000 sequential connections leave the server as
# they found it: the same descriptors, and no more anonymous memory than
# after a warm-up of 100 (stdio buffers, the allocator's first arenas).

load ../helpers/common
load ../helpers/stress

# The rule's margin on RssAnon, in KiB.
RSS_SLACK_KIB=64

@test "C.ECHO_MPSERV.STEADY: after 10,000 sequential connections the descriptor count is unchanged and RssAnon within 64 KiB of its value after the first 100" {
  start_server
  run_load warmup 60 rate --clients 1 --connections 100
  expect_load_ok C.ECHO_MPSERV.STEADY "$LOAD_STATUS" "$LOAD_ERR" "100 warm-up connections"
  expect_all_ended C.ECHO_MPSERV.STEADY 10 "100 sequential clients left"
  local fds_before rss_before
  fds_before=$(fd_count "$SERVER_PID")
  rss_before=$(rss_anon_kib "$SERVER_PID") || fail "no RssAnon in /proc/$SERVER_PID/status (Linux 4.5 or newer is needed)"

  run_load rate 150 rate --clients 1 --connections 10000
  expect_load_ok C.ECHO_MPSERV.STEADY "$LOAD_STATUS" "$LOAD_ERR" "10,000 sequential connections"
  expect_load_json C.ECHO_MPSERV.STEADY "$LOAD_OUT" connections=10000
  expect_all_ended C.ECHO_MPSERV.STEADY 10 "10,000 sequential clients left"

  local fds_after rss_after
  fds_after=$(fd_count "$SERVER_PID")
  rss_after=$(rss_anon_kib "$SERVER_PID")
  [ "$fds_after" = "$fds_before" ] ||
    fail "C.ECHO_MPSERV.STEADY: echo_mpserv ($SERVER_PID) holds $fds_after descriptors after 10,000 connections, $fds_before before them (a descriptor kept per connection?):
$(ls -l "/proc/$SERVER_PID/fd" | tail -n 5)"
  [ "$((rss_after - rss_before))" -le "$RSS_SLACK_KIB" ] ||
    fail "C.ECHO_MPSERV.STEADY: echo_mpserv's RssAnon grew from $rss_before KiB after 100 connections to $rss_after KiB after 10,000 more, more than $RSS_SLACK_KIB KiB (memory kept per connection?)"
}
