#!/usr/bin/env bats
# C.ECHO_MPSERV.LOAD: 1,000 clients connected at once, 64 KiB each, every
# byte checked by echo_load, then every child reaped.

load ../helpers/common
load ../helpers/stress

@test "C.ECHO_MPSERV.LOAD: 1,000 simultaneous clients x 64 KiB all come back byte for byte; every child is reaped" {
  need_descriptors 1100
  start_server
  run_load burst 120 burst --clients 1000 --bytes 64KiB
  expect_load_ok C.ECHO_MPSERV.LOAD "$LOAD_STATUS" "$LOAD_ERR" "1,000 clients at once, 64 KiB each"
  expect_load_json C.ECHO_MPSERV.LOAD "$LOAD_OUT" clients=1000 bytes=65536
  expect_all_reaped C.ECHO_MPSERV.LOAD 30 "its 1,000 clients left"
}
