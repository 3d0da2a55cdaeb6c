# shellcheck shell=bash
# Fault: fork() fails (posix/proc/fork, EAGAIN) in every program that
# forks before its first output. Survives when: fork, zombie, wait,
# waitpid, remove_zombie and echo_mpclient each exit with status 1 and one
# line '<program>: fork: Resource temporarily unavailable' on stderr, with
# no hang and no child left (contract, "Exit statuses").

scenario() {
  local p
  for p in fork zombie wait waitpid remove_zombie; do
    PROCSIG_TIME_SCALE=0.01 run_for 10 "$p" "${FIU[@]}" 'enable name=posix/proc/fork,failinfo=11' "$(prog "$p")"
    expect_status "$p" 1
    one_line_like "$p" "$p" 'fork: Resource temporarily unavailable'
  done
  peer echo || { problem "socat did not start"; return; }
  run_for 10 echo_mpclient "${FIU[@]}" 'enable name=posix/proc/fork,failinfo=11' "$(prog echo_mpclient)" 127.0.0.1 "$PORT"
  expect_status echo_mpclient 1
  one_line_like echo_mpclient echo_mpclient 'fork: Resource temporarily unavailable'
  stop "$SERVER" TERM 5
}
