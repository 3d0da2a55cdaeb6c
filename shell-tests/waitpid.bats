#!/usr/bin/env bats
# waitpid: polling with WNOHANG while the child sleeps 15 s (scaled).

load helpers/common

SCALE=0.05

setup_file() {
  shared_run waitpid pipe --scale "$SCALE"
  shared_run waitpid file --scale "$SCALE" --to file
  shared_tty waitpid tty "$SCALE"
}

setup() {
  common_setup
  require_program waitpid
}

# waitpid_lines RULE FILE: 'sleep 3sec.' lines, then 'Child send 24' last.
waitpid_lines() {
  local rule=$1 file=$2 polls
  polls=$(count_matching "$file" '^sleep 3sec\.$')
  [ "$(norm "$file" | tail -n 1)" = 'Child send 24' ] &&
    [ "$(count_matching "$file" '^Child send 24$')" -eq 1 ] &&
    [ "$polls" -ge 1 ] && [ "$(norm "$file" | wc -l)" -eq $((polls + 1)) ] ||
    fail "$rule: expected one or more 'sleep 3sec.' and exactly one 'Child send 24' as the last line
--- got ---
$(cat -A "$file")"
}

@test "C.WAITPID.LINES: 'sleep 3sec.' lines then one 'Child send 24', on a terminal" {
  load_command tty
  waitpid_lines C.WAITPID.LINES "$OUT"
}

@test "C.ALL.NO_DUP: waitpid into a regular file prints each line once" {
  load_run file
  waitpid_lines C.ALL.NO_DUP "$OUT"
}

@test "C.WAITPID.POLLS: 2 to 8 'sleep 3sec.' lines: the parent polled with WNOHANG instead of blocking" {
  local n
  load_command tty
  [ "$STATUS" != timeout ] || fail "C.WAITPID.POLLS: cut off by the deadline before the end of the run (on a terminal)
$(cat -A "$OUT")"
  n=$(count_matching "$OUT" '^sleep 3sec\.$')
  [ "$n" -ge 2 ] && [ "$n" -le 8 ] ||
    fail "C.WAITPID.POLLS: $n 'sleep 3sec.' lines (on a terminal, status $STATUS), expected 2 to 8 (15 s / 3 s)
$(cat -A "$OUT")"
}

@test "C.WAITPID.EXIT: exits 0 with no child left, after the child's 15 s (scaled)" {
  load_run pipe
  expect_status C.WAITPID.EXIT 0
  expect_no_orphans C.WAITPID.EXIT
  elapsed_at_least 0.75 ||
    fail "C.WAITPID.EXIT: waitpid ended after $ELAPSED s, before its child's 0.75 s (15 s at scale $SCALE)"
}

@test "C.WAITPID.SLEEPS: the parent sleeps between polls: runnable for under a fifth of its run" {
  # /proc/PID/schedstat: time on a CPU plus time waiting for one is about
  # the whole interval for a busy loop, however loaded the machine, and
  # about nothing for a program that sleeps. Measured from the fork of
  # its child (the kernel shows it) to its end (the runner reads it from
  # the zombie), so that start-up is left out: a layer's own (valgrind's
  # translation) is runnable time that is not the program polling. On a
  # loaded machine even a program that sleeps waits long for a CPU after
  # each wake-up, so a runnable fifth is a verdict only with fewer
  # voluntary context switches (sleeps and blocks) than polls: each sleep
  # between two polls is one.
  start_bg w --scale 0.1 -- waitpid
  local pid=${BG_PID[w]} t0 who
  # Ends as soon as the program has (a child it forked and reaped unseen
  # is no failure of this rule's own): under a layer the message says
  # which process the runner took for the program and how it found it.
  who="waitpid ($pid${BG_LAYER[w]:+; $(layer_found "${BG_LAYER[w]}")})"
  wait_until 10 "C.WAITPID.EXIT: $who forked no child" has_children_or_gone "$pid"
  has_children "$pid" ||
    skip "set-up: $who ended before a child of it was seen: its sleeps were not timed"
  proc_schedstat "$pid" || skip "this kernel has no /proc/PID/schedstat"
  local first=("$RUN_NS" "$WAIT_NS")
  now_us; t0=$REPLY
  finish_bg w 30
  now_us
  local span=$((REPLY - t0))
  [ "$BG_STATUS" = 0 ] || fail "C.WAITPID.EXIT: status $BG_STATUS, expected 0"
  [ "${BG_SCHED:--}" != - ] || skip "this kernel has no /proc/PID/schedstat for the ended program"
  local run wait voluntary polls
  read -r run wait voluntary <<<"$BG_SCHED"
  to_us "$run"; local r=$((REPLY - first[0] / 1000))
  to_us "$wait"; local w=$((REPLY - first[1] / 1000))
  polls=$(count_matching "$T/w.out" '^sleep 3sec\.$')
  [ $((r * 5)) -lt "$span" ] ||
    fail "C.WAITPID.SLEEPS: from its fork to its end ($((span / 1000)) ms) waitpid spent $((r / 1000)) ms on a CPU: it polls without sleeping"
  [ $(((r + w) * 5)) -lt "$span" ] || [ "${voluntary:--}" = - ] || [ "$voluntary" -ge "$polls" ] ||
    fail "C.WAITPID.SLEEPS: from its fork to its end ($((span / 1000)) ms) waitpid was runnable $((r / 1000)) ms on a CPU and $((w / 1000)) ms waiting for one, and slept or blocked only $voluntary times for $polls polls: it polls without sleeping"
}
