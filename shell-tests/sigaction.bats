#!/usr/bin/env bats
# sigaction: as signal, with only SIGALRM handled, through sigaction().

load helpers/common

SCALE=0.01
SIGNAL_LINES=('wait...' 'Time out!' 'wait...' 'Time out!' 'wait...' 'Time out!')

setup_file() {
  shared_run sigaction pipe --scale "$SCALE"
  shared_run sigaction file --scale "$SCALE" --to file
}

setup() {
  common_setup
  require_program sigaction
}

@test "C.SIGACTION.LINES: 'wait...' and 'Time out!' three times, in a pipe" {
  load_run pipe
  expect_status C.ALL.EXIT 0
  expect_lines C.SIGACTION.LINES "$OUT" "${SIGNAL_LINES[@]}"
}

@test "C.ALL.NO_DUP: sigaction into a regular file prints each line once" {
  load_run file
  expect_status C.ALL.EXIT 0
  expect_lines C.ALL.NO_DUP "$OUT" "${SIGNAL_LINES[@]}"
}

@test "C.SIGACTION.TIMING: ends after about 6 s (scaled), not after a 100 s sleep" {
  # At 0.05 an alarm is 0.1 s and a sleep 5 s: a run past 4 s means a
  # sleep was not cut short by an alarm. A program that ignores the scale
  # gets its unscaled 6 s and the margin.
  scaled_or_unscaled sigaction 0.05 4
  run_prog --scale 0.05 --deadline "$REPLY" sigaction
  [ "$STATUS" != timeout ] ||
    fail "C.SIGACTION.TIMING: cut off by the deadline, still running after $DEADLINE s at scale 0.05 (three alarms take 0.3 s at that scale, 6 s unscaled); $(count_matching "$OUT" '^Time out!$') 'Time out!' lines by then
$(describe_run)"
  expect_status C.SIGACTION.TIMING 0
  elapsed_at_least 0.3 || fail "C.SIGACTION.TIMING: ended after $ELAPSED s, before 3 alarms of 0.1 s"
  expect_lines C.SIGACTION.LINES "$OUT" "${SIGNAL_LINES[@]}"
}

@test "C.SIGACTION.SIGINT_DEFAULT: a real Ctrl+C terminates sigaction by SIGINT" {
  pty_command sigaction --deadline 20 --ctrl-c-after 'wait...'
  run --separate-stderr env PROCSIG_TIME_SCALE=0.25 "${PTY_CMD[@]}"
  [ "$status" -eq 130 ] ||
    fail "C.SIGACTION.SIGINT_DEFAULT: status $status after Ctrl+C, expected termination by SIGINT (130): SIGINT must not be handled
$output"
  [ "$(printf '%s\n' "$output" | grep -c 'CTRL+C')" -eq 0 ] ||
    fail "C.SIGACTION.SIGINT_DEFAULT: sigaction printed a SIGINT message: $output"
}

# start_sigaction [COMMAND...]: sigaction in the background (tag s) at
# scale 0.5, started through COMMAND if given (env --ignore-signal=INT),
# its stdout on a terminal ($T/s.tty: lines come at once); returns once it
# printed its first 'wait...', after setting its dispositions (the
# chapter's order). Not /proc's SigCgt: under qemu-user or valgrind it
# shows the layer's own handlers (nearly every signal), not the program's.
start_sigaction() {
  start_bg s --scale 0.5 --under-test sigaction -- "$@" "${PY[@]}" "$HELPERS/tty_out.py" "$T/s.tty" -- \
    "$(prog sigaction)"
  wait_until 5 "C.SIGACTION.LINES: sigaction (${BG_PID[s]}) printed no 'wait...' on its terminal" \
    log_has "$T/s.tty" '^wait\.\.\.' 1
}

@test "C.SIGACTION.SIGINT_DEFAULT: kill -INT while it sleeps ends it by SIGINT, and SIGALRM is caught" {
  start_sigaction
  local pid=${BG_PID[s]} caught
  # /proc/PID/status's SigCgt, an observation of the handlers: the
  # program's own, unless a layer runs it in its own process.
  if [[ ${BG_LAYER[s]:-} != *" same process" ]]; then
    caught=$(awk '/^SigCgt:/ { print $2 }' "/proc/$pid/status")
    (( (16#${caught:-0} >> 13) & 1 )) || fail "C.SIGACTION.LINES: sigaction ($pid) printed 'wait...' with no SIGALRM handler (SigCgt $caught)"
    (( !((16#$caught >> 1) & 1) )) || fail "C.SIGACTION.SIGINT_DEFAULT: sigaction catches SIGINT (SigCgt $caught)"
  fi
  stop_bg s INT 5
  [ "$BG_STATUS" = 130 ] || fail "C.SIGACTION.SIGINT_DEFAULT: status $BG_STATUS after SIGINT, expected 130 (killed by SIGINT)"
}

@test "C.SIGACTION.SIGINT_IGNORED: started with SIGINT ignored, kill -INT while it sleeps still ends it by SIGINT" {
  env --ignore-signal=INT true 2>/dev/null || skip "this env(1) has no --ignore-signal (coreutils 9 or later)"
  start_sigaction env --ignore-signal=INT
  stop_bg s INT 5
  [ "$BG_STATUS" = 130 ] || fail "C.SIGACTION.SIGINT_IGNORED: status $BG_STATUS after SIGINT, expected 130 (killed by SIGINT): the SIGINT sent while it slept did not end it"
}
