# shellcheck shell=bash
# Fault: half of echo_mpserv's read() calls return fewer bytes than asked
# (libfiu's posix/io/rw/read/reduce), as a socket may at any time.
# Survives when: 1 MiB of random bytes, NULs included, comes back byte for
# byte (C.ECHO_MPSERV.ECHO).

scenario() {
  serve srv "${FIU[@]}" 'enable_random name=posix/io/rw/read/reduce,probability=0.5' "$(prog echo_mpserv)" '{PORT}' ||
    { problem "echo_mpserv did not start"; return; }
  make_data "$WORK/in" 1048576
  echo_through client "$WORK/in"
  stop_server srv
}
