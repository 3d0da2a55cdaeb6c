# shellcheck shell=bash
# Fault: every sigaction() call fails (posix/proc/sigaction, errno picked
# by libfiu). Survives when: sigaction, remove_zombie and echo_mpserv each
# exit with status 1 and one line '<program>: sigaction(<signal>): <reason>'
# on stderr: no crash, no hang, no child left (contract, "Exit statuses").
# signal() cannot be failed this way: libfiu 1.1's preload library lists
# it but does not wrap it, and glibc's signal() calls sigaction internally.

scenario() {
  local p
  for p in sigaction remove_zombie; do
    run_for 10 "$p" "${FIU[@]}" 'enable name=posix/proc/sigaction' "$(prog "$p")"
    expect_status "$p" 1
    one_line_like "$p" "$p" 'sigaction\([0-9]+\): .+'
  done
  pick_port
  run_for 10 echo_mpserv "${FIU[@]}" 'enable name=posix/proc/sigaction' "$(prog echo_mpserv)" "$PORT"
  expect_status echo_mpserv 1
  one_line_like echo_mpserv echo_mpserv 'sigaction\([0-9]+\): .+'
}
