#!/usr/bin/env bats
# echo_mpserv: the fork-per-connection echo server, with socat, Python
# sockets and bash's /dev/tcp as its clients.

load helpers/common

setup_file() {
  local d=$BATS_FILE_TMPDIR size
  for size in 1023 1024 1025 4095 4096 4097 65535 65536 65537; do
    head -c "$size" /dev/urandom >"$d/data.$size"
  done
  head -c $((10 * 1024 * 1024)) /dev/urandom >"$d/data.10MiB"
}

setup() {
  common_setup
  require_program echo_mpserv
  D=$BATS_FILE_TMPDIR
}

LOG_LINES=('new client connected\.\.\.' 'client disconnected\.\.\.' 'removed proc id: [0-9]+')

# echo_file RULE FILE WHAT [SECONDS]: FILE through socat comes back byte
# for byte, and the server closes.
echo_file() {
  socat_echo "$2" "$T/back" "${4:-5}"
  [ "$SOCAT_STATUS" != 124 ] ||
    fail "C.ECHO_MPSERV.HALF_CLOSE: the connection was still open ${4:-5} s after the client's half-close ($3, $(stat -c %s "$T/back") of $(stat -c %s "$2") bytes back by then)"
  [ "$SOCAT_STATUS" = 0 ] || fail "$1: socat failed ($SOCAT_STATUS): $(cat "$T/socat.err")"
  expect_same "$1" "$2" "$T/back" "$3"
}

@test "C.ECHO_MPSERV.ECHO: one byte" {
  start_server
  printf x >"$T/in"
  echo_file C.ECHO_MPSERV.ECHO "$T/in" "one byte"
}

@test "C.ECHO_MPSERV.ECHO: one NUL byte" {
  start_server
  printf '\0' >"$T/in"
  echo_file C.ECHO_MPSERV.ECHO "$T/in" "one NUL byte"
}

@test "C.ECHO_MPSERV.ECHO: text lines, an empty line and a line without newline" {
  start_server
  printf 'hello\n\nworld  \nq\nlast' >"$T/in"
  echo_file C.ECHO_MPSERV.ECHO "$T/in" "text lines"
}

@test "C.ECHO_MPSERV.ECHO: binary with NULs, 40 bytes with a NUL at 30" {
  start_server
  printf '0123456789012345678901234567890\0abcdefgh\0' >"$T/in"
  echo_file C.ECHO_MPSERV.ECHO "$T/in" "40 bytes with NULs (truncated at a NUL or at 30 bytes?)"
}

@test "C.ECHO_MPSERV.ECHO: 1023, 1024 and 1025 bytes" {
  start_server
  local s
  for s in 1023 1024 1025; do echo_file C.ECHO_MPSERV.ECHO "$D/data.$s" "$s random bytes"; done
}

@test "C.ECHO_MPSERV.ECHO: 4095, 4096 and 4097 bytes" {
  start_server
  local s
  for s in 4095 4096 4097; do echo_file C.ECHO_MPSERV.ECHO "$D/data.$s" "$s random bytes"; done
}

@test "C.ECHO_MPSERV.ECHO: 65535, 65536 and 65537 bytes" {
  start_server
  local s
  for s in 65535 65536 65537; do echo_file C.ECHO_MPSERV.ECHO "$D/data.$s" "$s random bytes"; done
}

@test "C.ECHO_MPSERV.ECHO: 10 MiB (short writes handled)" {
  start_server
  echo_file C.ECHO_MPSERV.ECHO "$D/data.10MiB" "10 MiB of random bytes" 15
}

@test "C.ECHO_MPSERV.IPV6: 4097 bytes echoed over IPv6 on ::1" {
  grep -q '^0\{31\}1 ' /proc/net/if_inet6 2>/dev/null || skip "no IPv6 loopback on this machine"
  start_server ::1
  bound 10
  timeout -k 2 "$BOUND" socat -t 30 STDIO "TCP6:[::1]:$SERVER_PORT" <"$D/data.4097" >"$T/back" 3>&-
  expect_same C.ECHO_MPSERV.IPV6 "$D/data.4097" "$T/back" "4097 bytes over IPv6"
}

@test "C.ECHO_MPSERV.HALF_CLOSE: after the client's shutdown(SHUT_WR), 1 MiB still comes back, then the server closes" {
  start_server
  head -c 1048576 "$D/data.10MiB" >"$T/in"
  echo_file C.ECHO_MPSERV.HALF_CLOSE "$T/in" "1 MiB sent before the half-close"
}

@test "C.ECHO_MPSERV.BACKLOG: 100 clients connected at once each get their own echo" {
  start_server
  run --separate-stderr "${PY[@]}" "$HELPERS/many_clients.py" 127.0.0.1 "$SERVER_PORT" 100 --deadline 20
  [ "$status" -eq 0 ] || fail "C.ECHO_MPSERV.BACKLOG: $stderr"
}

@test "C.ECHO_MPSERV.CONCURRENT: a client that holds its connection does not delay another" {
  require_program echo_client
  start_server
  local held
  exec {held}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  printf 'hello\n' >"$T/in"
  socat_echo "$T/in" "$T/back" 5
  exec {held}<&-
  [ "$SOCAT_STATUS" = 0 ] ||
    fail "C.ECHO_MPSERV.CONCURRENT: a second client got no echo within 5 s while a first one stayed connected"
  expect_same C.ECHO_MPSERV.CONCURRENT "$T/in" "$T/back" "second client's echo"
}

@test "C.ECHO_MPSERV.LOG: five clients give five 'new client', 'client disconnected' and 'removed proc id' lines" {
  # The server's stdout on a terminal, as the chapter runs it (stdio
  # line-buffers it); in a file it is C.ALL.NO_DUP's (the next test).
  local -a tty=("${PY[@]}" "$HELPERS/tty_out.py" "$T/srv.tty" --)
  start_server --under tty
  local i log=$T/srv.tty
  printf 'ping\n' >"$T/in"
  for i in 1 2 3 4 5; do echo_file C.ECHO_MPSERV.ECHO "$T/in" "client $i"; done
  within 5 log_has "$log" '^removed proc id: [0-9]+' 5 ||
    fail "C.ECHO_MPSERV.LOG: $(log_count "$log" '^removed proc id: ') 'removed proc id:' lines on the server's terminal $WAITED s after 5 clients left, expected 5
--- log ---
$(cat -A "$log")"
  within 5 log_has "$log" '^client disconnected\.\.\.' 5 || true
  expect_count C.ECHO_MPSERV.LOG "$log" '^new client connected\.\.\.$' 5 'new client connected...'
  expect_count C.ECHO_MPSERV.LOG "$log" '^client disconnected\.\.\.$' 5 'client disconnected...'
  expect_count C.ECHO_MPSERV.LOG "$log" '^removed proc id: [0-9]+$' 5 'removed proc id: <pid>'
}

@test "C.ALL.NO_DUP: the server's log, a regular file, has each line once per client (stdio flushed before fork)" {
  start_server
  local i
  printf 'ping\n' >"$T/in"
  for i in 1 2 3; do echo_file C.ECHO_MPSERV.ECHO "$T/in" "client $i"; done
  wait_until 5 "C.ECHO_MPSERV.LOG: fewer than 3 'removed proc id:' lines" \
    log_has "$SERVER_OUT" '^removed proc id: [0-9]+' 3
  stop_bg srv TERM 5
  expect_count C.ALL.NO_DUP "$SERVER_OUT" '^new client connected\.\.\.$' 3 'new client connected...'
  expect_count C.ALL.NO_DUP "$SERVER_OUT" '^client disconnected\.\.\.$' 3 'client disconnected...'
}

@test "C.ECHO_MPSERV.MANY_EXITS: 100 children ending together are all reaped; their log lines are whole (C.ALL.ATOMIC_LINES)" {
  start_server
  run --separate-stderr "${PY[@]}" "$HELPERS/many_clients.py" 127.0.0.1 "$SERVER_PORT" 100 --deadline 20
  [ "$status" -eq 0 ] || fail "C.ECHO_MPSERV.BACKLOG: $stderr"
  wait_until 5 "C.ECHO_MPSERV.MANY_EXITS: echo_mpserv ($SERVER_PID) still has zombie children 5 s after 100 clients left" \
    no_zombies_of "$SERVER_PID"
  wait_until 5 "C.ECHO_MPSERV.MANY_EXITS: echo_mpserv ($SERVER_PID) still has children 5 s after its clients left" \
    no_children_of "$SERVER_PID"
  wait_until 5 "C.ECHO_MPSERV.LOG: fewer than 100 'removed proc id:' lines" \
    log_has "$SERVER_OUT" '^removed proc id: [0-9]+' 100
  stop_bg srv TERM 5
  expect_whole_lines C.ALL.ATOMIC_LINES "$SERVER_OUT" "${LOG_LINES[@]}"
}

@test "C.ECHO_MPSERV.NO_ZOMBIE: one client's child is reaped promptly" {
  start_server
  printf 'ping\n' >"$T/in"
  echo_file C.ECHO_MPSERV.ECHO "$T/in" "one client"
  wait_until 5 "C.ECHO_MPSERV.NO_ZOMBIE: echo_mpserv ($SERVER_PID) still has a child (a zombie?) 5 s after its client left" \
    no_children_of "$SERVER_PID"
}

@test "C.ECHO_MPSERV.FDS: the parent's descriptor count returns to its start after clients leave" {
  start_server
  local before i
  before=$(fd_count "$SERVER_PID")
  printf 'ping\n' >"$T/in"
  for i in 1 2 3 4; do echo_file C.ECHO_MPSERV.ECHO "$T/in" "client $i"; done
  wait_until 5 "C.ECHO_MPSERV.FDS: echo_mpserv holds more than its $before descriptors after 4 clients left (now: $(fd_count "$SERVER_PID"))" \
    eval "[ \$(fd_count $SERVER_PID) -le $before ]"
}

# listen_inode PORT: the inode of the socket listening on PORT.
listen_inode() {
  awk -v p="$(printf '%04X' "$1")" '$4 == "0A" && $2 ~ (":" p "$") { print $10 }' /proc/net/tcp /proc/net/tcp6
}

@test "C.ECHO_MPSERV.FDS: a child serving a client does not hold the listening socket" {
  start_server
  local held kid inode
  exec {held}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  wait_until 5 "C.ECHO_MPSERV.CONCURRENT: no child for a connected client" has_children "$SERVER_PID"
  kid=$(children_of "$SERVER_PID" | head -n 1)
  inode=$(listen_inode "$SERVER_PORT" | head -n 1)
  [ -n "$inode" ] || fail "no listening socket on port $SERVER_PORT"
  local fds
  fds=$(ls -l "/proc/$kid/fd" 2>/dev/null || true)
  [[ $fds != *"socket:[$inode]"* ]] ||
    fail "C.ECHO_MPSERV.FDS: child $kid still holds the listening socket (inode $inode): it must close it after fork"
  exec {held}<&-
}

@test "C.ECHO_MPSERV.FDS: with the parent gone, a serving child does not keep the port" {
  SERVER_BG_OPTS=(--linger)
  start_server
  local held kid
  exec {held}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  wait_until 5 "C.ECHO_MPSERV.CONCURRENT: no child for a connected client" has_children "$SERVER_PID"
  kid=$(children_of "$SERVER_PID" | head -n 1)
  kill -KILL "$SERVER_PID"
  # The kernel's word, not the runner's: under a layer (strace -f) the
  # layer lives on while it traces the orphaned child.
  within 5 eval "! alive $SERVER_PID" || fail "C.ECHO_MPSERV.FDS: echo_mpserv ($SERVER_PID) still alive $WAITED s after SIGKILL"
  # The runner keeps the orphaned child alive (--linger) until the teardown.
  rule_assert C.ECHO_MPSERV.FDS "child $kid did not outlive its parent" assert_exists "/proc/$kid"
  [ -z "$(listen_inode "$SERVER_PORT")" ] ||
    fail "C.ECHO_MPSERV.FDS: port $SERVER_PORT is still listening after the parent died while child $kid serves: the child kept the listening socket"
  exec {held}<&-
}

# stop_case SIGNAL: the server stops on SIGNAL with a client connected.
stop_case() {
  start_server
  local held line=
  exec {held}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  wait_until 5 "C.ECHO_MPSERV.CONCURRENT: no child for a connected client" has_children "$SERVER_PID"
  stop_bg srv "$1" 5 ||
    fail "C.ECHO_MPSERV.STOP: echo_mpserv still running 5 s after SIG$1"
  [ "$BG_STATUS" = 0 ] || fail "C.ECHO_MPSERV.STOP: status $BG_STATUS after SIG$1, expected 0"
  [ -z "$BG_ORPHANS" ] || fail "C.ECHO_MPSERV.STOP: after SIG$1 these processes of the server were left (pid state args):
$BG_ORPHANS"
  # The connection was closed by the server's side.
  bound 5
  read -r -t "$BOUND" -u "$held" line && fail "C.ECHO_MPSERV.STOP: the client's connection is still open after SIG$1"
  exec {held}<&-
}

@test "C.ECHO_MPSERV.STOP: SIGTERM with a client connected: exit 0, no process left" { stop_case TERM; }
@test "C.ECHO_MPSERV.STOP: SIGINT with a client connected: exit 0, no process left" { stop_case INT; }

@test "C.ECHO_MPSERV.IN_USE: a second server on the same port gives strerror(EADDRINUSE) ('Address already in use') and status 3" {
  start_server
  run_prog --deadline 5 echo_mpserv "$SERVER_PORT"
  expect_status C.ECHO_MPSERV.IN_USE 3
  local want
  want="echo_mpserv: cannot listen on 127.0.0.1:$SERVER_PORT: $(strerror EADDRINUSE)"
  [ "$(wc -l <"$ERR")" -eq 1 ] && grep -qxF -- "$want" "$ERR" ||
    fail "C.ECHO_MPSERV.IN_USE: expected one line '$want'
$(describe_run)"
}

@test "C.ECHO_MPSERV.REUSEADDR: right after a stop that closed a connection, the same port binds again" {
  start_server
  local port=$SERVER_PORT held
  exec {held}<>"/dev/tcp/127.0.0.1/$port"
  wait_until 5 "C.ECHO_MPSERV.CONCURRENT: no child for a connected client" has_children "$SERVER_PID"
  stop_bg srv TERM 5
  exec {held}<&-
  # The server's side closed first, so its end of the connection is in
  # TIME_WAIT on this port: only SO_REUSEADDR lets a new listener bind.
  start_bg srv --listen "$port" -- echo_mpserv "$port"
  next_event srv 10 "the restarted echo_mpserv to listen"
  [ "$EVENT" = listening ] ||
    fail "C.ECHO_MPSERV.REUSEADDR: restarting on port $port failed ($EVENT $EVENT_ARG): $(cat "$T/srv.err")"
}

@test "C.ECHO_MPSERV.LOOPBACK: without an address operand the server listens on 127.0.0.1 only: 127.0.0.2 is refused" {
  start_server
  local fd
  exec {fd}<>"/dev/tcp/127.0.0.1/$SERVER_PORT" ||
    fail "C.ECHO_MPSERV.LOOPBACK: no connection to 127.0.0.1:$SERVER_PORT, where the server listens"
  exec {fd}<&-
  if (exec 3<>"/dev/tcp/127.0.0.2/$SERVER_PORT") 2>/dev/null; then
    fail "C.ECHO_MPSERV.LOOPBACK: a connection to 127.0.0.2:$SERVER_PORT was accepted: the server listens beyond 127.0.0.1 ($(grep -i ":$(printf '%04X' "$SERVER_PORT") 00000000:0000 0A" /proc/net/tcp | awk '{ print $2 }' | head -n 1) in /proc/net/tcp)"
  fi
}

@test "C.ECHO_MPSERV.STOPPED_CHILD: a child stopped and continued is not reported then; once its client leaves, one 'removed proc id: <its pid>', no 'removed proc id: 0'" {
  start_server
  local fd kid
  exec {fd}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  within 5 has_children "$SERVER_PID" ||
    fail "C.ECHO_MPSERV.STOPPED_CHILD: echo_mpserv ($SERVER_PID) had no child $WAITED s after a client connected"
  kid=$(children_of "$SERVER_PID" | head -n 1)
  kill -STOP "$kid"
  # T, or t (tracing stop) under a tracer such as strace -f.
  within 5 eval "proc_stat $kid && [[ \$STATE == [Tt] ]]" ||
    fail "C.ECHO_MPSERV.STOPPED_CHILD: child $kid not seen stopped (state T or t) within $WAITED s of SIGSTOP"
  kill -CONT "$kid"
  within 5 eval "! proc_stat $kid || [[ \$STATE != [Tt] ]]" ||
    fail "C.ECHO_MPSERV.STOPPED_CHILD: child $kid still stopped $WAITED s after SIGCONT"
  expect_echo_on "$fd" "still served"
  exec {fd}<&-
  within 5 no_children_of "$SERVER_PID" ||
    fail "C.ECHO_MPSERV.STOPPED_CHILD: echo_mpserv ($SERVER_PID) still has a child $WAITED s after its client left: $(children_of "$SERVER_PID" | paste -sd ' ')"
  stop_bg srv TERM 5
  [ "$(count_matching "$SERVER_OUT" '^removed proc id: 0$')" = 0 ] ||
    fail "C.ECHO_MPSERV.STOPPED_CHILD: 'removed proc id: 0' in the log after child $kid was stopped and continued
$(cat -A "$SERVER_OUT")"
  expect_count C.ECHO_MPSERV.STOPPED_CHILD "$SERVER_OUT" "^removed proc id: $kid\$" 1 "removed proc id: $kid"
  expect_count C.ECHO_MPSERV.STOPPED_CHILD "$SERVER_OUT" '^removed proc id: ' 1 'removed proc id:'
}

# expect_echo_on FD LINE: LINE sent on FD comes back within 5 s (times the
# multiplier).
expect_echo_on() {
  local reply=''
  printf '%s\n' "$2" >&"$1"
  bound 5
  read -r -t "$BOUND" -u "$1" reply || true
  [ "$reply" = "$2" ] || fail "C.ECHO_MPSERV.STOPPED_CHILD: '$2' came back as '$reply' from the continued child"
}

# short_writes_shim: SHIM, the command that runs a program with every
# socket write capped at 1,000 bytes (helpers/shims/short_writes.cc).
short_writes_shim() {
  [ -f "${PROCSIG_SHORT_WRITES_SO:-}" ] ||
    skip "PROCSIG_SHORT_WRITES_SO ('${PROCSIG_SHORT_WRITES_SO:-}') is not the short-writes shim: run the suite with meson test"
  SHIM=(env "LD_PRELOAD=$PROCSIG_SHORT_WRITES_SO")
}

@test "C.ALL.SHORT_WRITES: with every socket write capped at 1,000 bytes, 1 MiB still comes back byte for byte" {
  short_writes_shim
  start_server --under SHIM
  head -c 1048576 "$D/data.10MiB" >"$T/in"
  echo_file C.ALL.SHORT_WRITES "$T/in" "1 MiB through a server whose writes are capped" 20
}
