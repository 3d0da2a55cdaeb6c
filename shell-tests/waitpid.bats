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
  # /proc/PID/schedstat and status, read by the runner while the ended
  # program is a zombie: its time on a CPU plus its time waiting for one
  # is about its whole run for a busy loop, and about nothing for a
  # program that sleeps on an idle machine. On a loaded machine even a
  # short start-up (an interpreter's) waits long for a CPU, so a runnable
  # fifth is a verdict only with fewer voluntary context switches (sleeps
  # and blocks) than polls: each sleep between two polls is one.
  run_prog --scale 0.1 waitpid
  expect_status C.WAITPID.EXIT 0
  [ "$SCHED" != - ] || skip "this kernel has no /proc/PID/schedstat"
  local run wait voluntary polls
  read -r run wait voluntary <<<"$SCHED"
  to_us "$run"; local r=$REPLY
  to_us "$wait"; local w=$REPLY
  to_us "$ELAPSED"
  local e=$REPLY
  polls=$(count_matching "$OUT" '^sleep 3sec\.$')
  [ $((r * 5)) -lt "$e" ] ||
    fail "C.WAITPID.SLEEPS: waitpid spent $run s on a CPU of its $ELAPSED s run: it polls without sleeping
$(describe_run)"
  [ $(((r + w) * 5)) -lt "$e" ] || [ "${voluntary:--}" = - ] || [ "$voluntary" -ge "$polls" ] ||
    fail "C.WAITPID.SLEEPS: waitpid was runnable $run s on a CPU and $wait s waiting for one, of its $ELAPSED s, and slept or blocked only $voluntary times for $polls polls: it polls without sleeping
$(describe_run)"
}
