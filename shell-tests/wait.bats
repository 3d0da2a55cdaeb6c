#!/usr/bin/env bats
# wait: two children (3 from main, exit(7)) reaped with wait(), then 30 s
# of sleep (scaled).

load helpers/common

SCALE=0.02

setup_file() {
  shared_run wait pipe --scale "$SCALE"
  shared_run wait file --scale "$SCALE" --to file
  shared_tty wait tty "$SCALE"
}

setup() {
  common_setup
  require_program wait
}

# wait_lines RULE FILE: the four lines of C.WAIT.LINES; sets PID1 PID2 A B.
wait_lines() {
  local rule=$1 file=$2 text
  text=$(norm "$file")
  local re=$'^Child PID: ([0-9]+)\nChild PID: ([0-9]+)\nChild send one: ([0-9]+)\nChild send two: ([0-9]+)$'
  [[ $text =~ $re ]] || {
    fail "$rule: expected 'Child PID: <pid1>', 'Child PID: <pid2>', 'Child send one: <a>', 'Child send two: <b>'
--- got ---
$(cat -A "$file")"
    return 1
  }
  PID1=${BASH_REMATCH[1]} PID2=${BASH_REMATCH[2]} A=${BASH_REMATCH[3]} B=${BASH_REMATCH[4]}
  [ "$PID1" != "$PID2" ] || fail "$rule: both children have the PID $PID1"
}

@test "C.WAIT.STATUS: the first child ends with status 3, the second with 7 (seen in /proc while wait is held at its second line)" {
  local report=$T/children
  # 'Child PID: <pid>' and its newline take 13 to 25 bytes (a PID has at most
  # 7 digits; up to 6 trailing blanks): room for 25 bytes lets the first line
  # through and holds wait at its second, after both forks, before any wait().
  # The smallest scale: only wait's final sleep is scaled, and it is not judged here.
  # A program that ignores the scale sleeps its 30 s.
  unscaled_deadline wait
  local -a follow=()
  [ "${#WRAP[@]}" = 0 ] || follow=(--program "$(prog wait)")
  run --separate-stderr "${PY[@]}" "$HELPERS/blocked_stdout.py" --deadline "$REPLY" --room 25 \
    --report "$report" "${follow[@]}" -- env PROCSIG_TIME_SCALE=0.001 "${WRAP[@]}" "$(prog wait)"
  [ "$status" -ne 122 ] || skip "set-up: $stderr"
  [ "$status" -ne 124 ] || fail "C.WAIT.TIMING: wait still ran at the ${REPLY} s deadline (status 124, cut off); its output so far: $output"
  [ "$status" -eq 0 ] || fail "C.WAIT.TIMING: status $status: $stderr"
  printf '%s\n' "$output" >"$T/out"
  # The two children's PIDs, each once: a line repeated in a pipe is
  # C.ALL.NO_DUP's business, and the lines' form C.WAIT.LINES's.
  local -a pids
  mapfile -t pids < <(norm "$T/out" | sed -n 's/^Child PID: \([0-9]*\)$/\1/p' | awk '!seen[$0]++')
  [ "${#pids[@]}" = 2 ] || fail "C.WAIT.LINES: ${#pids[@]} distinct 'Child PID: <pid>' lines, expected 2
$(cat -A "$T/out")"
  PID1=${pids[0]} PID2=${pids[1]}
  local -A code=()
  local kid what
  while read -r _ kid what; do
    [ -n "$what" ] && code[$kid]=$what
  done <"$report"
  # Its lines may reach stdout only when it exits (stdout in a pipe is
  # fully buffered, which the contract allows): then wait blocks on its
  # first write only after it has reaped both children, and the test's
  # premise (held before any wait()) did not hold.
  if [ "${#code[@]}" -eq 0 ] && ! grep -q . "$report"; then
    skip "set-up: when wait first blocked writing to stdout it had no child left to look at (its lines came in one write at its end); the statuses are judged by C.WAIT.LINES"
  fi
  local held
  held="wait was held writing 'Child PID: $PID2'; /proc showed: $(paste -sd ';' "$report")"
  [ -n "${code[$PID1]:-}" ] && [ -n "${code[$PID2]:-}" ] ||
    fail "C.WAIT.STATUS: children $PID1 and $PID2 were not both unreaped children of wait while it printed their PIDs ($held)"
  [ "${code[$PID1]}" = 3 ] ||
    fail "C.WAIT.STATUS: the first child ($PID1) ended with status '${code[$PID1]}', expected 3 ($held)"
  [ "${code[$PID2]}" = 7 ] ||
    fail "C.WAIT.STATUS: the second child ($PID2) ended with status '${code[$PID2]}', expected 7 ($held)"
}

@test "C.WAIT.REAPED: once a status is printed, that child is no zombie; after 'Child send two:' neither is" {
  # At scale 0.2 wait sleeps 6 s after its last line (30 s if it ignores
  # the scale), so it surely still runs (and its children are still its
  # own) while they are looked at; the teardown stops it. Its exit status
  # is C.WAIT.TIMING's to judge. Under a slow layer the scale is
  # multiplied (window_scale): under UML at load 300 wait ended within
  # the checks.
  window_scale 0.2
  local scale=$REPLY
  start_bg w --scale "$scale" -- wait
  local parent=${BG_PID[w]} out=$T/w.out
  run_deadline wait "$scale"
  within "$REPLY" eval "log_has '$out' '^Child send two:' 1 || ! alive $parent || holds_its_lines $parent '$out' '^Child send two:'" ||
    fail "C.WAIT.REAPED: neither 'Child send two:' nor the end of wait ($parent) within $WAITED s"
  # The lines may come only at the end (stdout in a file is fully
  # buffered, which the contract allows): then there is nothing to see,
  # and that is known as soon as wait sleeps with no child and no line.
  ! holds_its_lines "$parent" "$out" '^Child send two:' ||
    skip "set-up: after $WAITED s wait ($parent) sleeps with no child left and without its 'Child send two:' line: its lines are held in its stdio buffer until it ends, when no child is left to look at; reaping is judged by C.ALL.NO_ORPHANS"
  alive "$parent" ||
    skip "set-up: wait's lines reached stdout only when it ended ($WAITED s), when no child is left to look at; reaping is judged by C.ALL.NO_ORPHANS"
  # The first status names its child: 3 is the first child's, 7 the second's.
  local first status
  status=$(sed -n 's/^Child send one: \([0-9]*\)[[:blank:]]*$/\1/p' "$out")
  case $status in
    3) first=$(sed -n '1s/^Child PID: \([0-9]*\)[[:blank:]]*$/\1/p' "$out") ;;
    7) first=$(sed -n '2s/^Child PID: \([0-9]*\)[[:blank:]]*$/\1/p' "$out") ;;
    *) fail "C.WAIT.LINES: 'Child send one: $status', expected 3 or 7" ;;
  esac
  # Both children are reaped: wait has no child left at all.
  no_children_of "$parent" ||
    fail "C.WAIT.REAPED: wait ($parent) still has children after 'Child send two:': $(ps -o pid=,stat=,args= --ppid "$parent")"
  [ -z "$first" ] || gone_or_not_child "$first" "$parent" ||
    fail "C.WAIT.REAPED: 'Child send one: $status' is printed but its child $first is still a child of wait ($parent)"
  alive "$parent" ||
    fail "C.WAIT.TIMING: wait ($parent) had ended before its sleep was over, so the child checks above proved nothing"
}

@test "C.WAIT.LINES: two 'Child PID:' lines, then the statuses 3 and 7, on a terminal" {
  load_command tty
  wait_lines C.WAIT.LINES "$OUT"
  [ "$A $B" = "3 7" ] || [ "$A $B" = "7 3" ] ||
    fail "C.WAIT.LINES: statuses '$A' and '$B', expected 3 and 7 (WEXITSTATUS)"
}

@test "C.ALL.NO_DUP: wait into a regular file prints each line once (stdio flushed before each fork)" {
  load_run file
  wait_lines C.ALL.NO_DUP "$OUT"
}

@test "C.WAIT.TIMING: exits 0 after sleeping the full 30 s (scaled) after the last line" {
  load_run pipe
  expect_status C.WAIT.TIMING 0
  elapsed_at_least 0.6 ||
    fail "C.WAIT.TIMING: wait ended after $ELAPSED s, before its 0.6 s sleep (30 s at scale $SCALE) was over"
  expect_no_orphans C.ALL.NO_ORPHANS
}

@test "C.ALL.ATOMIC_LINES: wait's lines are whole in a regular file" {
  load_run file
  expect_whole_lines C.ALL.ATOMIC_LINES "$OUT" 'Child PID: [0-9]+' 'Child send (one|two): [0-9]+'
}
