# shellcheck shell=bash
# Fault: echo_mpserv's fork() for a new client fails once with EAGAIN (as
# at RLIMIT_NPROC). Survives when: that client's connection is closed, one
# line 'echo_mpserv: <what>: Resource temporarily unavailable' goes to
# stderr, later clients are echoed byte for byte, and SIGTERM still ends
# the server with status 0 (C.ECHO_MPSERV.ECHO, C.ECHO_MPSERV.STOP).

scenario() {
  serve srv "${FIU[@]}" 'enable name=posix/proc/fork,failinfo=11,onetime' "$(prog echo_mpserv)" '{PORT}' ||
    { problem "echo_mpserv did not start"; return; }
  printf 'hello\n' >"$WORK/hello"
  local status=0
  timeout -k 2 10 socat -t 30 -T 30 STDIO "TCP:127.0.0.1:$PORT" <"$WORK/hello" >"$WORK/first.out" \
    2>"$WORK/first.err" || status=$?
  [ "$status" != 124 ] || problem "the client whose fork failed was not disconnected within 10 s"
  [ ! -s "$WORK/first.out" ] || problem "the client whose fork failed got an echo: nothing should serve it"
  one_line_like srv echo_mpserv '.*: Resource temporarily unavailable'
  make_data "$WORK/in" 65536
  echo_through second "$WORK/in"
  echo_through third "$WORK/in"
  stop_server srv
}
