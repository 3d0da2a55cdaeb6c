# shellcheck shell=bash
# Fault: half of echo_mpserv's accept() calls fail, each with an errno
# libfiu picks among those accept() may return (EAGAIN, EINTR,
# ECONNABORTED, EMFILE, ENOBUFS...). Survives when: eight clients in turn
# are each echoed byte for byte, and SIGTERM still ends the server with
# status 0 (C.ECHO_MPSERV.ECHO, C.ECHO_MPSERV.STOP).

scenario() {
  serve srv "${FIU[@]}" 'enable_random name=posix/io/net/accept,probability=0.5' "$(prog echo_mpserv)" '{PORT}' ||
    { problem "echo_mpserv did not start"; return; }
  make_data "$WORK/in" 4096
  local i
  for i in 1 2 3 4 5 6 7 8; do
    echo_through "client$i" "$WORK/in" || break
  done
  stop_server srv
}
