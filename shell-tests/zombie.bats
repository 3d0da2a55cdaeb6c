#!/usr/bin/env bats
# zombie: a child left unreaped while the parent sleeps 30 s (scaled).

load helpers/common

SCALE=0.02

setup_file() {
  shared_run zombie pipe --scale "$SCALE"
  shared_run zombie file --scale "$SCALE" --to file
}

setup() {
  common_setup
  require_program zombie
}

# zombie_order RULE FILE: the four lines in an order C.ZOMBIE.LINES allows.
zombie_order() {
  local rule=$1 file=$2
  local -a l
  mapfile -t l < <(norm "$file")
  local hi=-1 endc=-1 id=-1 i
  for i in "${!l[@]}"; do
    case ${l[$i]} in
      # The slides' wording and the printed source's (docs/contract.md).
      'Hi, I am a child process' | "Hi I'am a child process") hi=$i ;;
      'End child process') endc=$i ;;
      'Child Process ID: '*) id=$i ;;
    esac
  done
  [ "${#l[@]}" -eq 4 ] && [ "$hi" -ge 0 ] && [ "$endc" -gt "$hi" ] && [ "$id" -ge 0 ] &&
    [ "${l[3]}" = 'End parent process' ] && [[ ${l[$id]} =~ ^Child\ Process\ ID:\ [0-9]+$ ]] ||
    fail "$rule: expected 'Hi, I am a child process' (or the printed source's 'Hi I'am a child process') before 'End child process', 'Child Process ID: <pid>', and 'End parent process' last, each once
--- got ---
$(cat -A "$file")"
}

# zombie_look PARENT: one look of expect_zombie_made's deadline loop, true
# once ps shows a child of PARENT (the kernel's, /proc) as <defunct>, state
# Z, parent PARENT (ZOMBIE_KID), or once PARENT has ended: no later look
# can see it asleep. Counts the looks (LOOKS) and keeps, from the last look
# that found any child: each child with its state and, from
# /proc/PID/schedstat, its time on a CPU and waiting for one (SEEN), when
# that was (SEEN_AT, seconds since LOOK_START_US), and whether every child
# then was runnable and had waited for a CPU longer than it had run
# (SEEN_STARVED=1: the machine, not the child, kept it from ending).
zombie_look() {
  local kid states='' starved=1
  LOOKS=$((LOOKS + 1)) ZOMBIE_KID=
  for kid in $(children_of "$1"); do
    proc_stat "$kid" || continue
    if [ "$STATE" = Z ] && [[ $(ps -o stat=,ppid=,args= -p "$kid") =~ ^Z.*\ $1\ .*\<defunct\> ]]; then
      ZOMBIE_KID=$kid
      return 0
    fi
    if proc_schedstat "$kid"; then
      states+="${states:+, }$kid ($STATE, $((RUN_NS / 1000000)) ms on a CPU, $((WAIT_NS / 1000000)) ms waiting for one)"
      [ "$STATE" = R ] && [ "$WAIT_NS" -gt "$RUN_NS" ] || starved=0
    else
      states+="${states:+, }$kid ($STATE)"
      starved=0
    fi
  done
  if [ -n "$states" ]; then
    SEEN=$states SEEN_STARVED=$starved
    secs_since "$LOOK_START_US"; SEEN_AT=$SECS
  fi
  ! alive "$1"
}

# expect_zombie_made RULE [START-PREFIX...]: zombie, started at scale 1
# (under START-PREFIX, a command that execs it), makes a child that ps shows
# as <defunct>, state Z, parent = zombie, while the parent still sleeps.
# The parent sleeps 30 s: the child stays a zombie long after it has been
# looked at, however loaded the machine; the teardown stops the parent. Its
# exit status is C.ZOMBIE.LINES's to judge. The child is the kernel's (the
# parent's children in /proc), not the one the output names: stdout in a
# pipe may hold its lines until the parent exits. A launcher's helper (a
# pyenv shim's) may be a zombie for an instant before the program runs: a
# zombie counts once ps shows it too. Looking stops when the parent ends,
# even before the bound (10 s times the multiplier: beyond the 30 s sleep
# under a layer).
expect_zombie_made() {
  local rule=$1
  shift
  now_us; LOOK_START_US=$REPLY
  if [ $# -gt 0 ]; then
    start_bg z --scale 1 --under-test zombie -- "$@" "$(prog zombie)"
  else
    start_bg z --scale 1 -- zombie
  fi
  local parent=${BG_PID[z]} kid first
  secs_since "$LOOK_START_US"; first=$SECS
  LOOKS=0 SEEN='' SEEN_AT='' SEEN_STARVED=0
  local ok=0 seen
  within 10 zombie_look "$parent" || ok=$?
  seen="$LOOKS looks from $first s after its start; children at the last look that found any: ${SEEN:-none}${SEEN_AT:+, $SEEN_AT s after the start}"
  [ "$ok" = 0 ] ||
    fail "$rule: zombie ($parent) still sleeps $WAITED s after the first look and has no child that ps shows in state Z and <defunct> ($seen)"
  if [ -z "$ZOMBIE_KID" ]; then
    finish_bg z 10 || true
    local slept=${BG_ELAPSED%%.*}
    [ -n "$slept" ] && [ "$slept" -ge 30 ] ||
      fail "$rule: zombie ($parent) ended after ${BG_ELAPSED:-?} s (status ${BG_STATUS:-unknown}), before its 30 s sleep was over, and no child of it was seen in state Z ($seen)"
    # After its full sleep, the premise may have failed, not the program:
    # the looks came after the sleep (start_bg itself took 30 s), or the
    # child was still waiting for a CPU to end on (schedstat, a machine so
    # loaded that the parent's 30 s were not enough for it).
    [ "${first%%.*}" -lt 30 ] ||
      skip "set-up: the first look at zombie's children came $first s after its start, after its full 30 s sleep (it ran ${BG_ELAPSED} s): the machine was too slow to look while it slept"
    [ "$SEEN_STARVED" = 0 ] ||
      skip "set-up: zombie ($parent) slept its full 30 s (it ran ${BG_ELAPSED} s), but its child was still runnable, waiting for a CPU more than it had run, at the last look: the machine was too loaded for the child to end while the parent slept ($seen)"
    fail "$rule: zombie ($parent) slept its full 30 s (it ran ${BG_ELAPSED} s, status ${BG_STATUS:-unknown}), and no child of it was seen in state Z and <defunct> meanwhile ($seen)"
  fi
  kid=$ZOMBIE_KID
  # The observation counts only if the parent was still asleep.
  alive "$parent" && return 0
  secs_since "$LOOK_START_US"
  local looked=$SECS
  # It ended just after the look: after its full sleep, the look came late
  # (a machine so loaded that looking took its 30 s), which is the set-up's
  # failure; before it, the parent did not sleep.
  finish_bg z 10 || true
  local slept=${BG_ELAPSED%%.*}
  [ -z "$slept" ] || [ "$slept" -lt 30 ] ||
    skip "set-up: the look at zombie's child $kid came $looked s after the start, as zombie ($parent) ended after its full ${BG_ELAPSED} s: the machine was too slow to look while it slept"
  fail "$rule: zombie ($parent) had already ended (after ${BG_ELAPSED:-?} s, status ${BG_STATUS:-unknown}) when its child $kid was seen in state Z"
}

@test "C.ZOMBIE.IS_ZOMBIE: while the parent sleeps, ps shows the child as <defunct>, state Z, parent = zombie" {
  expect_zombie_made C.ZOMBIE.IS_ZOMBIE
}

@test "C.ZOMBIE.SIGCHLD_DEFAULT: started with SIGCHLD ignored, zombie still makes its zombie" {
  # env --ignore-signal (coreutils 9) sets SIG_IGN and execs the program.
  env --ignore-signal=CHLD true 2>/dev/null || skip "this env(1) has no --ignore-signal (coreutils 9 or later)"
  expect_zombie_made C.ZOMBIE.SIGCHLD_DEFAULT env --ignore-signal=CHLD
}

@test "C.ZOMBIE.LINES: the child's two lines in order, the parent's ID line, 'End parent process' last" {
  load_run pipe
  expect_status C.ALL.EXIT 0
  zombie_order C.ZOMBIE.LINES "$OUT"
}

@test "C.ALL.NO_DUP: zombie into a regular file prints each line once" {
  load_run file
  expect_status C.ALL.EXIT 0
  zombie_order C.ALL.NO_DUP "$OUT"
}

@test "C.ALL.ATOMIC_LINES: zombie's parent and child write whole lines to one file" {
  load_run file
  expect_whole_lines C.ALL.ATOMIC_LINES "$OUT" "(Hi, I am|Hi I'am) a child process" 'End child process' \
    'Child Process ID: [0-9]+' 'End parent process'
}

@test "C.ZOMBIE.TIMING: 'End parent process' comes after the full 30 s sleep (scaled)" {
  load_run pipe
  expect_status C.ALL.EXIT 0
  # 30 s at scale 0.02 is 0.6 s; the parent cannot end sooner.
  elapsed_at_least 0.6 ||
    fail "C.ZOMBIE.TIMING: zombie ended after $ELAPSED s, before its 0.6 s sleep (30 s at scale $SCALE) was over"
}

@test "C.ZOMBIE.GONE: once zombie has exited, the child no longer exists" {
  load_run pipe
  local kid
  kid=$(norm "$OUT" | sed -n 's/^Child Process ID: \([0-9]*\)$/\1/p')
  [ -n "$kid" ] || fail "C.ZOMBIE.LINES: no 'Child Process ID: <pid>' line"
  wait_until 2 "C.ZOMBIE.GONE: child $kid still exists after zombie exited" gone "$kid"
}

@test "C.ALL.NO_ORPHANS: zombie leaves nothing running; only its ended child may be left to the subreaper" {
  load_run pipe
  local running
  running=$(printf '%s' "$ORPHANS" | awk '$2 != "Z"')
  [ -z "$running" ] || fail "C.ALL.NO_ORPHANS: zombie exited leaving running processes: $running"
}
