#!/usr/bin/env bats
# remove_zombie: two children (12 from main, exit(24)) reaped by a SIGCHLD
# handler while the parent prints 'wait...' five times.

load helpers/common

SCALE=0.04

setup_file() {
  shared_run remove_zombie pipe --scale "$SCALE"
  shared_run remove_zombie file --scale "$SCALE" --to file
  shared_tty remove_zombie tty "$SCALE"
}

setup() {
  common_setup
  require_program remove_zombie
}

# rz_lines RULE FILE: the lines of C.REMOVE_ZOMBIE.LINES; sets KID1 KID2
# (in 'Child proc id:' order) and STATUS_OF (reported pid -> status).
rz_lines() {
  local rule=$1 file=$2
  local -a l ids=()
  mapfile -t l < <(norm "$file")
  declare -gA STATUS_OF=()
  local i bad=
  for i in "${!l[@]}"; do
    if [[ ${l[$i]} =~ ^Child\ proc\ id:\ ([0-9]+)$ ]]; then
      ids+=("${BASH_REMATCH[1]}")
    elif [[ ${l[$i]} =~ ^Removed\ proc\ id:\ ([0-9]+)$ ]]; then
      local pid=${BASH_REMATCH[1]}
      [[ ${l[$((i + 1))]:-} =~ ^Child\ send:\ ([0-9]+)$ ]] ||
        bad+="'Removed proc id: $pid' is not immediately followed by 'Child send: <status>'; "
      STATUS_OF[$pid]=${BASH_REMATCH[1]:-}
    fi
  done
  [ "$(count_matching "$file" "^Hi! I'm child process$")" -eq 2 ] || bad+="not two 'Hi! I'm child process'; "
  [ "$(count_matching "$file" '^wait\.\.\.$')" -eq 5 ] || bad+="not five 'wait...'; "
  [ "${#ids[@]}" -eq 2 ] || bad+="not two 'Child proc id:'; "
  # One pair at least: the chapter's handler reports one child when the
  # two SIGCHLDs arrive as one (that both are is C.REMOVE_ZOMBIE.ALL_REAPED).
  local pairs
  pairs=$(count_matching "$file" '^Removed proc id: ')
  [ "$pairs" -ge 1 ] && [ "$pairs" -le 2 ] || bad+="$pairs 'Removed proc id:' lines, expected 1 or 2; "
  [ "$(count_matching "$file" '^Child send: ')" -eq "$pairs" ] || bad+="not one 'Child send:' per 'Removed proc id:'; "
  KID1=${ids[0]:-} KID2=${ids[1]:-}
  local pid
  for pid in "${!STATUS_OF[@]}"; do
    [ "$pid" = "$KID1" ] || [ "$pid" = "$KID2" ] || bad+="'Removed proc id: $pid' names no child; "
  done
  [ "$(norm "$file" | wc -l)" -eq $((9 + 2 * pairs)) ] || bad+="$(norm "$file" | wc -l) lines instead of $((9 + 2 * pairs)); "
  [ -z "$bad" ] || fail "$rule: $bad
--- got ---
$(cat -A "$file")"
}

@test "C.REMOVE_ZOMBIE.ALL_REAPED: both children reaped when their two SIGCHLDs arrive as one" {
  # The parent is stopped while both children end, so their two SIGCHLDs
  # collapse into one pending signal: the handler must loop on WNOHANG.
  # The children are the kernel's (the parent's children in /proc): stdout
  # in a pipe may hold the lines naming them until the parent exits.
  window_scale 0.06
  local scale=$REPLY
  start_bg rz --scale "$scale" -- remove_zombie
  local parent=${BG_PID[rz]} kids kid
  within 10 has_n_children "$parent" 2 ||
    fail "C.REMOVE_ZOMBIE.ALL_REAPED: remove_zombie ($parent) had $(children_of "$parent" | wc -l) children $WAITED s after its start, expected 2 (it was $(alive "$parent" && echo running || echo gone))"
  kill -STOP "$parent"
  kids=$(children_of "$parent")
  run_deadline remove_zombie "$scale"
  local limit=$REPLY
  for kid in $kids; do
    within "$limit" eval "is_zombie_child $kid $parent || gone_or_not_child $kid $parent" ||
      fail "C.REMOVE_ZOMBIE.ALL_REAPED: child $kid of the stopped remove_zombie ($parent) had not ended after $WAITED s (its children sleep 10 s, scaled)"
  done
  kill -CONT "$parent"
  for kid in $kids; do
    wait_until 2 "C.REMOVE_ZOMBIE.ALL_REAPED: child $kid is still a zombie 2 s after both children ended while remove_zombie was stopped and it was continued" \
      gone_or_not_child "$kid" "$parent"
  done
  # Its lines (and its exit status) are judged on the shared runs.
}

@test "C.REMOVE_ZOMBIE.NO_ZOMBIE: as soon as 'Removed proc id: <pid>' appears, <pid> is no zombie" {
  start_bg rz --scale "$SCALE" -- remove_zombie
  local parent=${BG_PID[rz]} out=$T/rz.out seen=0 pid seen_alive=0
  local -A checked=()
  run_deadline remove_zombie "$SCALE"
  local limit=$REPLY
  now_us
  local end=$((REPLY + limit * 1000000))
  while [ "$seen" -lt 2 ]; do
    local running=0
    alive "$parent" && running=1
    for pid in $(sed -n 's/^Removed proc id: \([0-9]*\)[[:blank:]]*$/\1/p' "$out"); do
      [ -z "${checked[$pid]:-}" ] || continue
      ! is_zombie_child "$pid" "$parent" ||
        fail "C.REMOVE_ZOMBIE.NO_ZOMBIE: 'Removed proc id: $pid' is printed but $pid is still a zombie child of remove_zombie ($parent)"
      checked[$pid]=1 seen=$((seen + 1)) seen_alive=$((seen_alive + running))
    done
    now_us
    [ "$REPLY" -lt "$end" ] || fail "C.REMOVE_ZOMBIE.NO_ZOMBIE: only $seen 'Removed proc id:' lines, remove_zombie ($parent) $(alive "$parent" && echo 'still running' || echo ended), after the ${limit} s deadline"
    [ "$running" = 1 ] || [ "$seen" -ge 2 ] || break
    nap 0.005
  done
  finish_bg rz "$limit"
  # Lines that reach stdout only at the end (stdout in a pipe is fully
  # buffered, which the contract allows) leave nothing to look at.
  [ "$seen_alive" -gt 0 ] ||
    skip "set-up: remove_zombie's 'Removed proc id:' lines reached stdout only when it ended, when no child is left to look at"
}

@test "C.REMOVE_ZOMBIE.LINES: two children, two ids, five 'wait...', each removal followed by its status, on a terminal" {
  load_command tty
  rz_lines C.REMOVE_ZOMBIE.LINES "$OUT"
}

@test "C.ALL.NO_DUP: remove_zombie into a regular file prints each line once (stdio flushed before each fork)" {
  load_run file
  rz_lines C.ALL.NO_DUP "$OUT"
}

@test "C.ALL.ATOMIC_LINES: remove_zombie's three processes write whole lines to one file" {
  load_run file
  expect_whole_lines C.ALL.ATOMIC_LINES "$OUT" "Hi! I'm child process" 'Child proc id: [0-9]+' \
    'wait\.\.\.' 'Removed proc id: [0-9]+' 'Child send: [0-9]+'
}

@test "C.REMOVE_ZOMBIE.STATUS: the first child is reported with 12, the second with 24" {
  load_command tty
  rz_lines C.REMOVE_ZOMBIE.LINES "$OUT"
  # Each child reported, with its own status.
  [ "${STATUS_OF[$KID1]:-12}" = 12 ] && [ "${STATUS_OF[$KID2]:-24}" = 24 ] ||
    fail "C.REMOVE_ZOMBIE.STATUS: first child $KID1 reported with '${STATUS_OF[$KID1]:-}', second $KID2 with '${STATUS_OF[$KID2]:-}', expected 12 and 24 (on a terminal; an empty one was not reported)"
}

@test "C.REMOVE_ZOMBIE.EXIT: exits 0, after its children's 10 s (scaled)" {
  load_run pipe
  expect_status C.REMOVE_ZOMBIE.EXIT 0
  elapsed_at_least 0.4 ||
    fail "C.REMOVE_ZOMBIE.LINES: ended after $ELAPSED s, before its children's 10 s (0.4 s at scale $SCALE)"
}

@test "C.ALL.NO_ORPHANS: remove_zombie exits with both children ended and reaped" {
  load_run pipe
  expect_no_orphans C.ALL.NO_ORPHANS
}

@test "C.REMOVE_ZOMBIE.STOPPED_CHILD: a child stopped and continued is not reported then: no 'Removed proc id: 0', each report names a child once" {
  # stdout on a terminal, as the chapter runs it (in a pipe, lines repeated
  # by an unflushed fork are C.ALL.NO_DUP's).
  window_scale 0.2
  local scale=$REPLY
  start_bg rz --scale "$scale" --under-test remove_zombie -- "${PY[@]}" "$HELPERS/tty_out.py" "$T/rz.tty" -- \
    "$(prog remove_zombie)"
  local parent=${BG_PID[rz]} kid
  # Both children forked: a launcher's helpers (a pyenv shim's) come and go
  # one at a time before the program runs.
  within 10 has_n_children "$parent" 2 ||
    fail "C.REMOVE_ZOMBIE.STOPPED_CHILD: remove_zombie ($parent) had $(children_of "$parent" | wc -l) children $WAITED s after its start, expected 2"
  kid=$(children_of "$parent" | sort -n | head -n 1)
  kill -STOP "$kid"
  # T, or t (tracing stop) under a tracer such as strace -f.
  within 5 eval "proc_stat $kid && [[ \$STATE == [Tt] ]]" ||
    fail "C.REMOVE_ZOMBIE.STOPPED_CHILD: child $kid not seen stopped (state T or t) within $WAITED s of SIGSTOP"
  kill -CONT "$kid"
  within 5 eval "! proc_stat $kid || [[ \$STATE != [Tt] ]]" ||
    fail "C.REMOVE_ZOMBIE.STOPPED_CHILD: child $kid still stopped $WAITED s after SIGCONT"
  run_deadline remove_zombie "$scale"
  finish_bg rz "$REPLY"
  local out=$T/rz.tty
  [ "$(count_matching "$out" '^Removed proc id: 0$')" = 0 ] ||
    fail "C.REMOVE_ZOMBIE.STOPPED_CHILD: 'Removed proc id: 0' printed after child $kid was stopped and continued
$(cat -A "$out")"
  # Each report names one of the two children, once (that both are
  # reported is ALL_REAPED's business).
  local ids bad
  ids=$(norm "$out" | sed -n 's/^Child proc id: \([0-9]*\)$/\1/p' | sort -u | paste -sd '|')
  bad=$(norm "$out" | sed -n 's/^Removed proc id: \([0-9]*\)$/\1/p' | sort | uniq -c |
    awk -v ids="^($ids)\$" '$1 > 1 || $2 !~ ids')
  [ -z "$bad" ] ||
    fail "C.REMOVE_ZOMBIE.STOPPED_CHILD: 'Removed proc id:' lines that name no child, or one twice (count pid): $bad
$(cat -A "$out")"
}
