# shellcheck shell=bash
# Fault: half of echo_mpclient's read() calls, on stdin and on the socket,
# return fewer bytes than asked (posix/io/rw/read/reduce); socat echoes.
# Survives when: every line comes back as 'Message from server: <line>',
# the last one lacking its newline included, and the client exits 0
# (C.ECHO_MPCLIENT.ECHO, C.ECHO_MPCLIENT.EOF).

scenario() {
  client_under_fault 'enable_random name=posix/io/rw/read/reduce,probability=0.5'
}

# client_under_fault COMMAND: echo_mpclient under the libfiu COMMAND sends
# 4000 lines to a socat echo peer; the lines must all come back.
client_under_fault() {
  peer echo || { problem "socat did not start"; return; }
  make_lines "$WORK/client.in" 4000
  printf 'no newline at the end' >>"$WORK/client.in"
  run_for 20 client "${FIU[@]}" "$1" "$(prog echo_mpclient)" 127.0.0.1 "$PORT"
  expect_status client 0
  local prefix='Message from server: '
  if grep -qv "^$prefix" "$WORK/client.out"; then
    problem "a printed line lacks the prefix '$prefix': $(grep -v "^$prefix" "$WORK/client.out" | head -n 1)"
  fi
  sed "s/^$prefix//" "$WORK/client.out" >"$WORK/client.back"
  cmp -s "$WORK/client.in" "$WORK/client.back" ||
    problem "$(stat -c %s "$WORK/client.back") bytes came back for $(stat -c %s "$WORK/client.in") sent: $(cmp "$WORK/client.in" "$WORK/client.back" 2>&1 | head -n 1)"
  stop "$SERVER" TERM 5
}
