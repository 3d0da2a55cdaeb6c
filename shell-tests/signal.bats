#!/usr/bin/env bats
# signal: SIGALRM and SIGINT handlers installed with signal(); three
# sleeps of 100 s, each ended by a 2 s alarm (scaled).

load helpers/common

SCALE=0.01
SIGNAL_LINES=('wait...' 'Time out!' 'wait...' 'Time out!' 'wait...' 'Time out!')

setup_file() {
  shared_run signal pipe --scale "$SCALE"
  shared_run signal file --scale "$SCALE" --to file
  # signal on a terminal at scale 0.25 (alarms of 0.5 s), Ctrl+C typed
  # after the first 'wait...', for C.SIGNAL.CTRL_C and C.SIGNAL.SAFE.
  [ ! -x "$(prog signal)" ] || {
    pty_command signal --deadline 20 --ctrl-c-after 'wait...'
    shared_command ctrl_c env PROCSIG_TIME_SCALE=0.25 "${PTY_CMD[@]}"
  }
}

setup() {
  common_setup
  require_program signal
}

@test "C.SIGNAL.LINES: 'wait...' and 'Time out!' three times, in a pipe" {
  load_run pipe
  expect_status C.ALL.EXIT 0
  expect_lines C.SIGNAL.LINES "$OUT" "${SIGNAL_LINES[@]}"
}

@test "C.ALL.NO_DUP: signal into a regular file prints each line once" {
  load_run file
  expect_status C.ALL.EXIT 0
  expect_lines C.ALL.NO_DUP "$OUT" "${SIGNAL_LINES[@]}"
}

@test "C.SIGNAL.TIMING: three 2 s alarms end it in about 6 s (scaled), far less than 3 sleeps of 100 s" {
  # At 0.05 an alarm is 0.1 s and a sleep 5 s: a run past 4 s means a
  # sleep was not cut short by an alarm. A program that ignores the scale
  # gets its unscaled 6 s and the margin.
  scaled_or_unscaled signal 0.05 4
  run_prog --scale 0.05 --deadline "$REPLY" signal
  [ "$STATUS" != timeout ] ||
    fail "C.SIGNAL.TIMING: cut off by the deadline, still running after $DEADLINE s at scale 0.05 (three alarms take 0.3 s at that scale, 6 s unscaled); $(count_matching "$OUT" '^Time out!$') 'Time out!' lines by then
$(describe_run)"
  expect_status C.SIGNAL.TIMING 0
  elapsed_at_least 0.3 || fail "C.SIGNAL.TIMING: ended after $ELAPSED s, before 3 alarms of 0.1 s"
  expect_lines C.SIGNAL.LINES "$OUT" "${SIGNAL_LINES[@]}"
}

# ctrl_c_run: the run with Ctrl+C (see setup_file); sets status and PTY_OUT.
ctrl_c_run() {
  load_command ctrl_c || return 1
  PTY_OUT=$OUT
}

@test "C.SIGNAL.CTRL_C: a real Ctrl+C prints 'CTRL+C pressed' and the program goes on to its next 'wait...'" {
  ctrl_c_run
  [ "$status" -ne 130 ] || fail "C.SIGNAL.CTRL_C: Ctrl+C terminated signal (status 130)
$(cat -A "$PTY_OUT")"
  [ "$status" -eq 0 ] || fail "C.SIGNAL.CTRL_C: status $status: $(cat "$ERR")"
  [ "$(count_matching "$PTY_OUT" '^CTRL\+C pressed$')" -eq 1 ] ||
    fail "C.SIGNAL.CTRL_C: expected one 'CTRL+C pressed' after Ctrl+C
$(cat -A "$PTY_OUT")"
  [ "$(count_matching "$PTY_OUT" '^wait\.\.\.$')" -eq 3 ] ||
    fail "C.SIGNAL.CTRL_C: expected three 'wait...' (the program goes on after Ctrl+C)
$(cat -A "$PTY_OUT")"
  norm "$PTY_OUT" | grep -A1 -x 'CTRL+C pressed' | tail -n +2 | grep -qx 'wait\.\.\.' ||
    [ "$(norm "$PTY_OUT" | tail -n 1)" = 'CTRL+C pressed' ] ||
    fail "C.SIGNAL.CTRL_C: the line after 'CTRL+C pressed' is not the next 'wait...'
$(cat -A "$PTY_OUT")"
}

@test "C.SIGNAL.SAFE: with Ctrl+C among the alarms, each 'wait...' is followed by exactly one handler line" {
  ctrl_c_run
  [ "$status" -eq 0 ] || fail "C.SIGNAL.SAFE: status $status"
  local text
  text=$(norm "$PTY_OUT" | tr '\n' '|')
  [[ $text =~ ^(wait\.\.\.\|(Time\ out!|CTRL\+C\ pressed)\|){3}$ ]] ||
    fail "C.SIGNAL.SAFE: a line was lost or duplicated: expected 'wait...' then 'Time out!' or 'CTRL+C pressed', three times
$(cat -A "$PTY_OUT")"
}

# A handler that calls stdio (puts, printf) while main is inside stdio's
# own write(2) finds the stream's buffer mid-flush: glibc's stream lock is
# recursive, so nothing stops it, and the line main was writing goes out
# twice (or is lost). strace's fault injection delivers SIGINT exactly
# there, every run: on entry to the program's third write(2) to the
# terminal (-P: only writes to it are counted), which for the chapter's
# program is the second 'wait...', after one sleep and one alarm, with
# both handlers long installed.
@test "C.SIGNAL.SAFE: a SIGINT delivered inside the program's write(2) of a line (strace --inject) neither duplicates nor loses a line" {
  [ "${#WRAP[@]}" = 0 ] || skip "set-up: strace cannot trace a program already under the layer '${WRAP[*]}'"
  command -v strace >/dev/null || skip "set-up: strace is not installed (ci/setup installs it)"
  strace -qq -o /dev/null true 2>"$T/strace.err" ||
    skip "set-up: strace cannot trace here: $(head -c 300 "$T/strace.err")"
  run_deadline signal 0.25
  # LeakSanitizer will not run under ptrace and ends a program built with
  # it (ci/test's sanitizer run) with status 1 at exit: leaks are judged
  # by every other run of the program, not this one under strace.
  # shellcheck disable=SC2016 # $$ and $0 are the inner shell's
  run --separate-stderr env PROCSIG_TIME_SCALE=0.25 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "${PY[@]}" "$HELPERS/pty_run.py" --deadline "$REPLY" -- \
    sh -c 'exec strace -qq -o /dev/null -P "$(readlink "/proc/$$/fd/1")" -e trace=write \
      -e inject=write:signal=INT:when=3 "$0"' "$(prog signal)"
  printf '%s\n' "$output" >"$T/pty.out"
  [ "$status" -ne 124 ] || fail "C.SIGNAL.SAFE: cut off at the $REPLY s deadline: $stderr
$(cat -A "$T/pty.out")"
  [ "$status" -ne 130 ] || fail "C.SIGNAL.SAFE: terminated by SIGINT (status 130)
$(cat -A "$T/pty.out")"
  [ "$status" -eq 0 ] || fail "C.SIGNAL.SAFE: status $status: $stderr"
  local waits ctrl_c timeouts others
  waits=$(count_matching "$T/pty.out" '^wait\.\.\.$')
  ctrl_c=$(count_matching "$T/pty.out" '^CTRL\+C pressed$')
  timeouts=$(count_matching "$T/pty.out" '^Time out!$')
  others=$(count_matching "$T/pty.out" '^(wait\.\.\.|CTRL\+C pressed|Time out!)$')
  others=$(($(norm "$T/pty.out" | grep -c '') - others))
  # The SIGINT came during a write, not a sleep: an alarm may or may not
  # end the sleep after it, so two or three 'Time out!'.
  [ "$waits" = 3 ] && [ "$ctrl_c" = 1 ] && [ "$timeouts" -ge 2 ] && [ "$timeouts" -le 3 ] && [ "$others" = 0 ] ||
    fail "C.SIGNAL.SAFE: with SIGINT delivered inside a write(2) to the terminal, $waits 'wait...' (expected 3), $ctrl_c 'CTRL+C pressed' (1), $timeouts 'Time out!' (2 or 3) and $others other lines: a line was duplicated or lost
$(cat -A "$T/pty.out")"
}

@test "C.ALL.TIME_SCALE: scaled below 1 s, signal still catches SIGALRM (and SIGINT): alarms stay signals" {
  start_bg s --scale 0.5 -- signal
  local pid=${BG_PID[s]} caught
  wait_until 5 "C.ALL.TIME_SCALE: signal ($pid) never caught SIGALRM and SIGINT" \
    eval "caught=\$(awk '/^SigCgt:/ { print \$2 }' /proc/$pid/status 2>/dev/null) && (( (16#\${caught:-0} >> 13) & 1 && (16#\${caught:-0} >> 1) & 1 ))"
  abort_bg s
}

@test "C.SIGNAL.CTRL_C_AGAIN: a second and a third Ctrl+C are caught as the first: 'CTRL+C pressed' each time, exit 0" {
  # On a terminal, as the chapter runs it: Ctrl+C typed in each of the
  # three sleeps, each after its 'wait...' line.
  run_deadline signal 0.25
  pty_command signal --deadline "$REPLY" --ctrl-c-after 'wait...' --times 3
  run --separate-stderr env PROCSIG_TIME_SCALE=0.25 "${PTY_CMD[@]}"
  printf '%s\n' "$output" >"$T/pty.out"
  [ "$status" -ne 130 ] || fail "C.SIGNAL.CTRL_C_AGAIN: terminated by SIGINT (status 130) after $(count_matching "$T/pty.out" '^CTRL\+C pressed$') 'CTRL+C pressed' lines
$(cat -A "$T/pty.out")"
  [ "$status" -eq 0 ] || fail "C.SIGNAL.CTRL_C_AGAIN: status $status after three Ctrl+C: $stderr
$(cat -A "$T/pty.out")"
  expect_count C.SIGNAL.CTRL_C_AGAIN "$T/pty.out" '^CTRL\+C pressed$' 3 'CTRL+C pressed'
}
