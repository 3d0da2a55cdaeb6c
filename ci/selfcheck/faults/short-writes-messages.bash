# shellcheck shell=bash
# Fault: nine in ten write() calls write fewer bytes than asked
# (posix/io/rw/write/reduce). The reference writes its stderr messages
# with write(2) (stdout goes through stdio, which libfiu cannot reach).
# Survives when: each message still arrives as one whole line with the
# contract's status: a bad port (2), a refused connection (4).

scenario() {
  local reduce='enable_random name=posix/io/rw/write/reduce,probability=0.9'
  run_for 10 badport "${FIU[@]}" "$reduce" "$(prog echo_mpserv)" 0
  expect_status badport 2
  one_line_like badport echo_mpserv "invalid port '0': .+"
  pick_port
  run_for 10 refused "${FIU[@]}" "$reduce" "$(prog echo_mpclient)" 127.0.0.1 "$PORT"
  expect_status refused 4
  one_line_like refused echo_mpclient "cannot connect to 127\.0\.0\.1:$PORT: Connection refused"
}
