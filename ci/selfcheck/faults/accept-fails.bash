# shellcheck shell=bash
# Fault: echo_mpserv's first accept() fails with EMFILE (out of
# descriptors), which leaves the connection pending. Survives when: one
# line 'echo_mpserv: accept: Too many open files' goes to stderr, the
# server does not spin or exit, and that client and the next are still
# echoed byte for byte (C.ECHO_MPSERV.ECHO).

scenario() {
  serve srv "${FIU[@]}" 'enable name=posix/io/net/accept,failinfo=24,onetime' "$(prog echo_mpserv)" '{PORT}' ||
    { problem "echo_mpserv did not start"; return; }
  make_data "$WORK/in" 65536
  echo_through first "$WORK/in"
  echo_through second "$WORK/in"
  one_line_like srv echo_mpserv 'accept: Too many open files'
  stop_server srv
}
