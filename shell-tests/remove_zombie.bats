#!/usr/bin/env bats
# remove_zombie: two children (12 from main, exit(24)) reaped by a SIGCHLD
# handler while the parent prints 'wait...' five times.

load helpers/common

SCALE=0.04

setup_file() {
  shared_run remove_zombie pipe --scale "$SCALE"
  shared_run remove_zombie file --scale "$SCALE" --to file
}

setup() {
  common_setup
  require_program remove_zombie
}

# rz_lines RULE FILE: the lines of C.REMOVE_ZOMBIE.LINES; sets KID1 KID2
# (in 'Child proc id:' order) and STATUS_OF (pid -> reported status).
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
  [ "$(count_matching "$file" '^Removed proc id: ')" -eq 2 ] || bad+="not two 'Removed proc id:'; "
  [ "$(count_matching "$file" '^Child send: ')" -eq 2 ] || bad+="not two 'Child send:'; "
  KID1=${ids[0]:-} KID2=${ids[1]:-}
  [ -z "$KID1" ] || [ -n "${STATUS_OF[$KID1]:-}" ] || bad+="child $KID1 never reported removed; "
  [ -z "$KID2" ] || [ -n "${STATUS_OF[$KID2]:-}" ] || bad+="child $KID2 never reported removed; "
  [ "$(norm "$file" | wc -l)" -eq 13 ] || bad+="$(norm "$file" | wc -l) lines instead of 13; "
  [ -z "$bad" ] || fail "$rule: $bad
--- got ---
$(cat -A "$file")"
}

@test "C.REMOVE_ZOMBIE.ALL_REAPED: both children reaped when their two SIGCHLDs arrive as one" {
  # The parent is stopped while both children end, so their two SIGCHLDs
  # collapse into one pending signal: the handler must loop on WNOHANG.
  start_bg rz --scale 0.06 -- remove_zombie
  local parent=${BG_PID[rz]} kids
  # The children are those the parent names (see C.ZOMBIE.IS_ZOMBIE).
  wait_until 5 "C.REMOVE_ZOMBIE.LINES: remove_zombie ($parent) never printed two 'Child proc id:'" \
    log_has "$T/rz.out" '^Child proc id: [0-9]+' 2
  kill -STOP "$parent"
  kids=$(sed -n 's/^Child proc id: \([0-9]*\)[[:blank:]]*$/\1/p' "$T/rz.out")
  local kid
  for kid in $kids; do
    wait_until 5 "C.REMOVE_ZOMBIE.ALL_REAPED: child $kid never ended" \
      eval "is_zombie_child $kid $parent || gone_or_not_child $kid $parent"
  done
  kill -CONT "$parent"
  for kid in $kids; do
    wait_until 2 "C.REMOVE_ZOMBIE.ALL_REAPED: child $kid is still a zombie 2 s after both children ended: the implementation reaps one child per SIGCHLD?" \
      gone_or_not_child "$kid" "$parent"
  done
  # The handler prints after it has reaped; the rest of the run (its exit
  # status included) is judged on the shared runs.
  wait_until 2 "C.REMOVE_ZOMBIE.ALL_REAPED: not two 'Removed proc id:' lines once both children were reaped" \
    log_has "$T/rz.out" '^Removed proc id:' 2
}

@test "C.REMOVE_ZOMBIE.NO_ZOMBIE: as soon as 'Removed proc id: <pid>' appears, <pid> is no zombie" {
  start_bg rz --scale "$SCALE" -- remove_zombie
  local parent=${BG_PID[rz]} out=$T/rz.out seen=0 pid
  local -A checked=()
  now_us
  local end=$((REPLY + 10000000))
  while [ "$seen" -lt 2 ]; do
    for pid in $(sed -n 's/^Removed proc id: \([0-9]*\)[[:blank:]]*$/\1/p' "$out"); do
      [ -z "${checked[$pid]:-}" ] || continue
      ! is_zombie_child "$pid" "$parent" ||
        fail "C.REMOVE_ZOMBIE.NO_ZOMBIE: 'Removed proc id: $pid' is printed but $pid is still a zombie child of remove_zombie ($parent)"
      checked[$pid]=1 seen=$((seen + 1))
    done
    now_us
    [ "$REPLY" -lt "$end" ] || fail "C.REMOVE_ZOMBIE.LINES: only $seen 'Removed proc id:' lines after 10 s"
    [ -e "/proc/$parent" ] || [ "$seen" -ge 2 ] || break
    nap 0.005
  done
  finish_bg rz 10
  rz_lines C.REMOVE_ZOMBIE.LINES "$out"
}

@test "C.REMOVE_ZOMBIE.LINES: two children, two ids, five 'wait...', each removal followed by its status, in a pipe" {
  load_run pipe
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
  local tag
  for tag in pipe file; do
    load_run "$tag"
    rz_lines C.REMOVE_ZOMBIE.LINES "$OUT"
    [ "${STATUS_OF[$KID1]}" = 12 ] && [ "${STATUS_OF[$KID2]}" = 24 ] ||
      fail "C.REMOVE_ZOMBIE.STATUS: first child $KID1 sent '${STATUS_OF[$KID1]}', second $KID2 sent '${STATUS_OF[$KID2]}', expected 12 and 24 ($tag)"
  done
}

@test "C.REMOVE_ZOMBIE.EXIT: exits 0 with both children reaped" {
  load_run pipe
  expect_status C.REMOVE_ZOMBIE.EXIT 0
  expect_no_orphans C.ALL.NO_ORPHANS
  elapsed_at_least 0.4 ||
    fail "C.REMOVE_ZOMBIE.LINES: ended after $ELAPSED s, before its children's 10 s (0.4 s at scale $SCALE)"
}
