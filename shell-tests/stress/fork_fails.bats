#!/usr/bin/env bats
# C.ECHO_MPSERV.FORK_FAILS: fork() for a new client fails, from a real
# RLIMIT_NPROC and from libfiu's injection; the server logs one line, closes
# that client unanswered and serves the next one.

load ../helpers/common
load ../helpers/stress
load ../helpers/stress_faults

teardown() {
  stress_teardown
  [ -z "${IMPL_COPY:-}" ] || rm -rf "$IMPL_COPY"
}

# readable_copy: PROCSIG_IMPL's files (a script's modules beside it
# included) copied to a folder every user may read, for an implementation
# kept where an unprivileged user cannot reach it (the selfcheck's private
# temporary folders). PROCSIG_IMPL then names the copy.
readable_copy() {
  local f
  IMPL_COPY=$(mktemp -d /tmp/procsig-impl.XXXXXX)
  chmod 755 "$IMPL_COPY"
  for f in "$PROCSIG_IMPL"/*; do
    [ ! -f "$f" ] || cp -L "$f" "$IMPL_COPY/"
  done
  chmod -R a+rX "$IMPL_COPY"
  PROCSIG_IMPL=$IMPL_COPY
}

# expect_fork_line: the server's stderr is one line
# 'echo_mpserv: <what>: <strerror(EAGAIN)>'.
expect_fork_line() {
  local reason
  reason=$(strerror EAGAIN)
  wait_until 5 "C.ECHO_MPSERV.FORK_FAILS: no line on stderr for the failed fork" \
    log_has "$SERVER_ERR" . 1 || return 1
  { [ "$(wc -l <"$SERVER_ERR")" = 1 ] && grep -qE "^echo_mpserv: .+: $(ere_quote "$reason")\$" "$SERVER_ERR"; } ||
    fail "C.ECHO_MPSERV.FORK_FAILS: stderr should be one line 'echo_mpserv: <what>: $reason', got:
$(head -c 1000 "$SERVER_ERR")"
}

# expect_refused FD WHAT: the client on FD, which has sent a line, is
# closed without a byte of echo.
expect_refused() {
  closed_without_echo "$1" 10 ||
    fail "C.ECHO_MPSERV.FORK_FAILS: $2, whose fork failed, was not closed unanswered: $CLOSED_HOW"
}

@test "C.ECHO_MPSERV.FORK_FAILS: at RLIMIT_NPROC as an unprivileged user: EAGAIN logged, that client closed unanswered, the next one served once a child ends" {
  local -a wrapper
  local uid='' cap=0 count
  if [ "$(id -u)" = 0 ]; then
    command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
    unused_uid
    uid=$REPLY
    as_user "$uid"
    wrapper=("${AS_USER[@]}")
    "${wrapper[@]}" test -r "$(prog echo_mpserv)" -a -x "$(prog echo_mpserv)" || readable_copy
    "${wrapper[@]}" test -r "$(prog echo_mpserv)" -a -x "$(prog echo_mpserv)" ||
      skip "$PROCSIG_IMPL/echo_mpserv cannot be read and run by an unprivileged user (uid $uid), even copied to $IMPL_COPY"
    # The user is ours alone: the server and two children, no third.
    # Under a layer its own processes (proot's or strace's tracer) and
    # threads (qemu-user's) count too: the limit is then set once the
    # server listens (below).
    if [ "${#WRAP[@]}" = 0 ]; then
      wrapper=(prlimit --nproc=3:3 "${wrapper[@]}")
    else
      wrapper=(prlimit --nproc=64:64 "${wrapper[@]}")
    fi
    cap=2
  else
    # Every process of this user counts: room for the server and a few
    # children beyond what runs now (how many the loop below finds).
    count=$(ps -e -L -o ruid= | tr -d ' ' | grep -cx "$(id -u)")
    wrapper=(prlimit --nproc=$((count + 4)) --)
  fi
  start_server --under wrapper
  if [ -n "$uid" ] && [ "${#WRAP[@]}" != 0 ]; then
    # The kernel's count of the user's tasks now (the layer's and the
    # server's), and room for two children with as many threads as the server.
    local tasks threads
    tasks=$(ps -e -L -o ruid= | tr -d ' ' | grep -cx "$uid")
    threads=$(awk '$1 == "Threads:" { print $2 }' "/proc/$SERVER_PID/status")
    # As the user itself: root may lack CAP_SYS_RESOURCE over another's process.
    "${AS_USER[@]}" prlimit --pid "$SERVER_PID" --nproc="$((tasks + 2 * threads)):$((tasks + 2 * threads))"
  fi

  # Clients connect one by one until a fork fails.
  local -a held=()
  local i reply status refused=''
  for i in 1 2 3 4 5 6 7 8; do
    connect_client
    printf 'client %s\n' "$i" >&"$CLIENT_FD"
    status=0 reply=''
    bound 10
    read -r -t "$BOUND" -u "$CLIENT_FD" reply || status=$?
    if [ "$status" = 0 ]; then
      [ "$reply" = "client $i" ] || fail "C.ECHO_MPSERV.FORK_FAILS: client $i got '$reply' back"
      held+=("$CLIENT_FD")
      continue
    fi
    [ "$status" -le 128 ] ||
      fail "C.ECHO_MPSERV.FORK_FAILS: client $i was neither echoed nor closed within 10 s"
    [ -z "$reply" ] || fail "C.ECHO_MPSERV.FORK_FAILS: client $i, whose fork failed, got '$reply' back"
    refused=$i
    break
  done
  [ -n "$refused" ] ||
    fail "C.ECHO_MPSERV.FORK_FAILS: 8 clients served and no fork failed: RLIMIT_NPROC ($(prlimit --pid "$SERVER_PID" --nproc -o SOFT --noheadings)) did not bind"
  [ "$cap" = 0 ] || [ "${#held[@]}" = "$cap" ] ||
    fail "C.ECHO_MPSERV.FORK_FAILS: ${#held[@]} clients served before a fork failed, expected $cap (RLIMIT_NPROC $(prlimit --pid "$SERVER_PID" --nproc -o SOFT --noheadings | tr -d ' '), a user of its own)"
  [ "${#held[@]}" -gt 0 ] || fail "C.ECHO_MPSERV.FORK_FAILS: the very first fork failed: this user has too many processes to test with"
  expect_fork_line
  expect_server_alive C.ECHO_MPSERV.FORK_FAILS "after a fork failed"

  # A held client leaves; once its child is reaped a process can be made.
  local first=${held[0]}
  exec {first}<&-
  wait_until 10 "C.ECHO_MPSERV.FORK_FAILS: the child of the client that left was not reaped" \
    log_has "$SERVER_OUT" '^removed proc id: [0-9]+$' 1
  connect_client
  expect_echo C.ECHO_MPSERV.FORK_FAILS "$CLIENT_FD" "after a slot freed" 10 "the client after a held one left"
  expect_echo C.ECHO_MPSERV.FORK_FAILS "${held[-1]}" "still here" 5 "a client held throughout"
  [ "$(count_matching "$SERVER_ERR" .)" = 1 ] ||
    fail "C.ECHO_MPSERV.FORK_FAILS: more lines on stderr than the one failed fork: $(head -c 1000 "$SERVER_ERR")"
}

@test "C.ECHO_MPSERV.FORK_FAILS: injected by libfiu (fork fails once with EAGAIN): logged, that client closed unanswered, the next ones served" {
  command -v fiu-run >/dev/null || skip "fiu-run (fiu-utils) is not installed"
  # libfiu is an LD_PRELOAD: under a layer it lands in the layer's own
  # process too (qemu-user's, whose fork it then fails as well as the
  # program's), so the one fault cannot be aimed at the server alone.
  [ "${#WRAP[@]}" = 0 ] || skip "set-up: under a layer (${WRAP[*]}) libfiu's LD_PRELOAD reaches the layer's own process too: the injected fault cannot be aimed at the server"
  # No remote control ('-f ""'): its thread would take the signals the
  # server keeps blocked outside ppoll(), so the first fork fails instead.
  # The fault applies to every process that loads libfiu: a launcher that
  # forks before the server runs (a pyenv shim does) takes it instead, and
  # the server does not start. The rule cannot be judged then.
  local -a fiu=(fiu-run -x -f '' -c 'enable name=posix/proc/fork,failinfo=11,onetime')
  # PROCSIG_FIU_IMPL: a dynamically linked build, which libfiu reaches
  # (shell-tests/run-bats; the reference's echo_mpserv is static).
  PROCSIG_IMPL=${PROCSIG_FIU_IMPL:-$PROCSIG_IMPL} start_server --under fiu 2>/dev/null ||
    skip "echo_mpserv did not start listening under fiu-run (does its launcher fork first?)"
  # LD_PRELOAD reaches only a dynamically linked program. A static one
  # (the reference's own echo_mpserv is) runs without libfiu, its fork
  # cannot be made to fail this way, and the first client is served.
  maps_file "$SERVER_PID" fiu_posix_preload.so ||
    skip "set-up: libfiu is not loaded in echo_mpserv (no fiu_posix_preload.so in /proc/$SERVER_PID/maps): a statically linked program, which LD_PRELOAD does not reach, so no fork can be made to fail"
  connect_client
  printf 'first\n' >&"$CLIENT_FD"
  expect_refused "$CLIENT_FD" "the first client"
  expect_fork_line
  expect_server_alive C.ECHO_MPSERV.FORK_FAILS "after a fork failed"
  local second
  connect_client
  second=$CLIENT_FD
  expect_echo C.ECHO_MPSERV.FORK_FAILS "$second" "second" 10 "the second client"
  connect_client
  expect_echo C.ECHO_MPSERV.FORK_FAILS "$CLIENT_FD" "third" 10 "the third client"
  expect_echo C.ECHO_MPSERV.FORK_FAILS "$second" "again" 5 "the second client, later"
}
