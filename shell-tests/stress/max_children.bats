#!/usr/bin/env bats
# C.ECHO_MPSERV.MAX_CHILDREN: the bound on children. At the bound a client
# waits in the listen backlog (the kernel completes its handshake) until a
# child ends; without the option, 1,000 clients at once are all served.

load ../helpers/common
load ../helpers/stress
load ../helpers/stress_faults

@test "C.ECHO_MPSERV.MAX_CHILDREN: --max-children 3 with 3 clients held: a 4th waits unanswered, and is served when one leaves" {
  start_server --options "--max-children 3"
  local -a held=()
  local i fourth reply='' status=0
  for i in 1 2 3; do
    connect_client
    held+=("$CLIENT_FD")
    expect_echo C.ECHO_MPSERV.MAX_CHILDREN "$CLIENT_FD" "held $i" 10 "held client $i"
  done
  connect_client
  fourth=$CLIENT_FD
  printf 'fourth\n' >&"$fourth"
  # A window, not a synchronisation: a server past its bound would accept
  # and echo within it; one that keeps the bound leaves the client waiting.
  read -r -t 1 -u "$fourth" reply || status=$?
  case $status in
    0) fail "C.ECHO_MPSERV.MAX_CHILDREN: a 4th client was echoed with 3 children alive and --max-children 3" ;;
    1) fail "C.ECHO_MPSERV.MAX_CHILDREN: the 4th client was closed, not left waiting in the backlog" ;;
  esac
  expect_count C.ECHO_MPSERV.MAX_CHILDREN "$SERVER_OUT" '^new client connected\.\.\.$' 3 'new client connected...'
  [ "$(live_children_of "$SERVER_PID" | wc -l)" = 3 ] ||
    fail "C.ECHO_MPSERV.MAX_CHILDREN: $(live_children_of "$SERVER_PID" | wc -l) children alive, expected the bound, 3"
  expect_server_alive C.ECHO_MPSERV.MAX_CHILDREN "at its bound"

  local first=${held[0]}
  exec {first}<&-
  status=0 reply=''
  bound 10
  read -r -t "$BOUND" -u "$fourth" reply || status=$?
  [ "$status" = 0 ] && [ "$reply" = fourth ] ||
    fail "C.ECHO_MPSERV.MAX_CHILDREN: the waiting client was not echoed within 10 s of a held one leaving (read status $status, '$reply')"
  expect_count C.ECHO_MPSERV.MAX_CHILDREN "$SERVER_OUT" '^new client connected\.\.\.$' 4 'new client connected...'
  expect_echo C.ECHO_MPSERV.MAX_CHILDREN "${held[1]}" "still" 5 "held client 2"
}

# children_told: for a count of children that is off, what else tells of
# them: the kernel's list (and its zombies), the server's lines for
# accepted, ended and reaped children, and its stderr.
children_told() {
  local listed zombies line
  local -a told=()
  listed=$(children_of "$SERVER_PID" | wc -l)
  zombies=$(zombies_of "$SERVER_PID" | wc -l)
  for line in 'new client connected...' 'client disconnected...' 'removed proc id: '; do
    told+=("$(grep -c -F -- "$line" "$SERVER_OUT" || true) '$line'")
  done
  printf "the kernel lists %s children of echo_mpserv (%s), %s of them zombies; its lines: %s, %s, %s; its stderr: '%s'" \
    "$listed" "$SERVER_PID" "$zombies" "${told[@]}" "$(head -c 300 "$SERVER_ERR")"
}

# C.ECHO_MPSERV.LOAD serves 1,000 clients too, but closes each as soon as it
# is echoed; here all 1,000 stay open, so 1,000 children live at once.
@test "C.ECHO_MPSERV.MANY_CLIENTS: without the option, 1,000 clients held open at once are all served, one child each" {
  need_descriptors 1100
  start_server
  start_load held --hold 60 burst --clients 1000 --hold
  wait_load_line C.ECHO_MPSERV.MANY_CLIENTS held 60 "echoing 1,000 clients held open at once"
  local alive
  alive=$(live_children_of "$SERVER_PID" | wc -l)
  [ "$alive" = 1000 ] ||
    fail "C.ECHO_MPSERV.MANY_CLIENTS: $alive children alive with 1,000 clients held open, expected 1,000; $(children_told)"
  release_stdin held
  finish_bg held 30 || fail "C.ECHO_MPSERV.MANY_CLIENTS: echo_load did not end within 30 s of its release"
  expect_load_ok C.ECHO_MPSERV.MANY_CLIENTS "$BG_STATUS" "$T/held.err" "1,000 clients held open"
  expect_load_json C.ECHO_MPSERV.MANY_CLIENTS "$T/held.out" clients=1000
  expect_all_reaped C.ECHO_MPSERV.MANY_CLIENTS 30 "its 1,000 clients left"
}
