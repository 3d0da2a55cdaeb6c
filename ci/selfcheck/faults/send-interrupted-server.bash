# shellcheck shell=bash
# Fault: a fifth of echo_mpserv's send() calls fail with EINTR, as when a
# signal arrives before any byte is sent. libfiu has no short-count point
# for send(); a failure that sent nothing is the same lesson: the caller
# must look at the result and send the rest. Survives when: 1 MiB of
# random bytes comes back byte for byte (C.ECHO_MPSERV.ECHO). The variant
# short-writes-ignored runs under this same fault and is caught.

scenario() {
  serve srv "${FIU[@]}" 'enable_random name=posix/io/net/send,probability=0.2,failinfo=4' "$(prog echo_mpserv)" '{PORT}' ||
    { problem "echo_mpserv did not start"; return; }
  make_data "$WORK/in" 1048576
  echo_through client "$WORK/in"
  stop_server srv
}
