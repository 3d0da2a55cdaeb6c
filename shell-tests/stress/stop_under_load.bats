#!/usr/bin/env bats
# C.ECHO_MPSERV.STOP_UNDER_LOAD: SIGTERM while 50 clients hold their
# connections and a bulk transfer is under way, both directions moving.
# The 50 connect four at a time (--window), so that the chapter's listen
# backlog of 5 (C.ECHO_MPSERV.BACKLOG's business) cannot undo the set-up.

load ../helpers/common
load ../helpers/stress

# transferring PID: PID has spent 20 clock ticks (0.2 s at 100 Hz) on the
# CPU, which an idle child never does; copying data is what it does. Its
# rchar/wchar in /proc/PID/io would be exact, but send() and recv() do not
# count there.
transferring() {
  local line fields
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
  read -r -a fields <<<"${line##*) }"
  # utime and stime, fields 14 and 15 of stat(5), are 12 and 13 here.
  [ "$((fields[11] + fields[12]))" -ge 20 ]
}

# bulk_child_transferring: the one child not in $T/held moves data; its
# PID in BULK_CHILD.
bulk_child_transferring() {
  BULK_CHILD=$(live_children_of "$SERVER_PID" | LC_ALL=C sort | LC_ALL=C comm -23 - "$T/held" | head -n 1)
  [ -n "$BULK_CHILD" ] && transferring "$BULK_CHILD"
}

@test "C.ECHO_MPSERV.STOP_UNDER_LOAD: SIGTERM with 50 held clients and a bulk echo in progress: exit 0, every child reaped, nothing left" {
  start_server
  start_load held --hold 60 burst --clients 50 --bytes 64KiB --hold --window 4
  wait_load_line --premise C.ECHO_MPSERV.STOP_UNDER_LOAD held 60 "echoing 50 held connections"
  live_children_of "$SERVER_PID" | LC_ALL=C sort >"$T/held"
  [ "$(wc -l <"$T/held")" = 50 ] ||
    fail "C.ECHO_MPSERV.STOP_UNDER_LOAD: $(wc -l <"$T/held") live children for 50 connected clients"

  # Far more than can pass before the signal: the transfer is cut by it.
  start_load bulk 60 bulk --bytes 64GiB
  within 20 bulk_child_transferring ||
    fail "C.ECHO_MPSERV.STOP_UNDER_LOAD: no child of echo_mpserv ($SERVER_PID) was busy echoing the bulk transfer within 20 s"

  kill -TERM "$SERVER_PID"
  finish_bg srv 30 ||
    fail "C.ECHO_MPSERV.STOP_UNDER_LOAD: echo_mpserv still running 30 s after SIGTERM under load: $(children_of "$SERVER_PID" | wc -l) children of it remain"
  [ -z "$BG_ORPHANS" ] ||
    fail "C.ECHO_MPSERV.STOP_UNDER_LOAD: after SIGTERM these processes of the server were left (pid state args):
$BG_ORPHANS"
  [ "$BG_STATUS" = 0 ] ||
    fail "C.ECHO_MPSERV.STOP_UNDER_LOAD: exit status $BG_STATUS after SIGTERM under load, expected 0
$(head -c 1000 "$SERVER_ERR")"
  # With its server gone, the bulk client's transfer must break, not hang.
  finish_bg bulk 30 ||
    fail "C.ECHO_MPSERV.STOP_UNDER_LOAD: the bulk client still runs 30 s after the server ended: its connection was left open"
}
