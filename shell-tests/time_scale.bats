#!/usr/bin/env bats
# PROCSIG_TIME_SCALE (C.ALL.TIME_SCALE): its default, its limits, and bad values.

load helpers/common

SIGNAL_LINES=('wait...' 'Time out!' 'wait...' 'Time out!' 'wait...' 'Time out!')

# The unscaled run takes 6 s: it goes on while the other tests run, and the
# last test judges it.
setup_file() {
  shared_run sigaction unscaled --noscale --deadline 20
  probe_scales zombie wait waitpid signal sigaction remove_zombie
}

@test "C.ALL.TIME_SCALE: the bounds 0.001 and 1000 are accepted" {
  require_program sigaction
  honours_scale sigaction || skip "sigaction ignores PROCSIG_TIME_SCALE (allowed; it is only slower)"
  run_prog --scale 0.001 --deadline 5 sigaction
  expect_status C.ALL.TIME_SCALE 0 "PROCSIG_TIME_SCALE=0.001 is a valid scale"
  expect_lines C.SIGACTION.LINES "$OUT" "${SIGNAL_LINES[@]}"
  # At 1000 the first alarm is 2000 s away: still running is the pass.
  run_prog --scale 1000 --deadline 0.5 sigaction
  [ "$STATUS" = timeout ] ||
    fail "C.ALL.TIME_SCALE: PROCSIG_TIME_SCALE=1000 is valid, yet sigaction ended with status $STATUS
$(describe_run)"
}

# bad_scales NAME: every bad value gives status 2 and one stderr line naming
# the variable, unless the program ignores the variable altogether.
bad_scales() {
  local name=$1 value
  require_program "$name"
  # A program that ignores the variable ends no sooner at 0.001: nothing
  # to reject (and each bad value would cost a 2 s deadline).
  honours_scale "$name" || skip "$name ignores PROCSIG_TIME_SCALE (allowed; it is only slower)"
  for value in abc 0 -0.5 1001 12abc nan ''; do
    run_quick --scale-raw "$value" --deadline 2 --tag bad "$name"
    if [ "$STATUS" = 2 ]; then
      [ "$(wc -l <"$ERR")" -eq 1 ] && grep -q 'PROCSIG_TIME_SCALE' "$ERR" ||
        fail "C.ALL.TIME_SCALE: $name with PROCSIG_TIME_SCALE='$value': status 2 but not one stderr line naming the variable: $(cat "$ERR")"
      continue
    fi
    fail "C.ALL.TIME_SCALE: $name honours PROCSIG_TIME_SCALE (it ends within 4 s at 0.001) but with PROCSIG_TIME_SCALE='$value' it $([ "$STATUS" = timeout ] && echo 'still ran at the 2 s deadline' || echo "ended with status $STATUS"); expected status 2 and a message naming the variable
--- stderr ---
$(head -c 500 "$ERR")"
  done
}

@test "C.ALL.TIME_SCALE: zombie rejects bad scales with status 2" { bad_scales zombie; }
@test "C.ALL.TIME_SCALE: wait rejects bad scales with status 2" { bad_scales wait; }
@test "C.ALL.TIME_SCALE: waitpid rejects bad scales with status 2" { bad_scales waitpid; }
@test "C.ALL.TIME_SCALE: signal rejects bad scales with status 2" { bad_scales signal; }
@test "C.ALL.TIME_SCALE: sigaction rejects bad scales with status 2" { bad_scales sigaction; }
@test "C.ALL.TIME_SCALE: remove_zombie rejects bad scales with status 2" { bad_scales remove_zombie; }

@test "C.ALL.TIME_SCALE: sigaction without the variable runs at scale 1: the chapter's lines in about 6 s" {
  require_program sigaction
  load_run unscaled
  expect_status C.SIGACTION.TIMING 0
  expect_lines C.SIGACTION.LINES "$OUT" "${SIGNAL_LINES[@]}"
  elapsed_at_least 5.9 ||
    fail "C.ALL.TIME_SCALE: unscaled sigaction ended after $ELAPSED s; three 2 s alarms take 6 s (is the default scale not 1?)"
}
