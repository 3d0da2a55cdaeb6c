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
      'Hi, I am a child process') hi=$i ;;
      'End child process') endc=$i ;;
      'Child Process ID: '*) id=$i ;;
    esac
  done
  [ "${#l[@]}" -eq 4 ] && [ "$hi" -ge 0 ] && [ "$endc" -gt "$hi" ] && [ "$id" -ge 0 ] &&
    [ "${l[3]}" = 'End parent process' ] && [[ ${l[$id]} =~ ^Child\ Process\ ID:\ [0-9]+$ ]] ||
    fail "$rule: expected 'Hi, I am a child process' before 'End child process', 'Child Process ID: <pid>', and 'End parent process' last, each once
--- got ---
$(cat -A "$file")"
}

@test "C.ZOMBIE.IS_ZOMBIE: while the parent sleeps, ps shows the child as <defunct>, state Z, parent = zombie" {
  # At scale 1 the parent sleeps 30 s: the child stays a zombie long after
  # it has been looked at, however loaded the machine; the teardown stops
  # the parent. Its exit status is C.ZOMBIE.LINES's to judge.
  start_bg z --scale 1 -- zombie
  local parent=${BG_PID[z]} kid
  # The child is the one the parent names: the first process ps shows under
  # it may be another (a pyenv shim's helper, before the interpreter runs).
  wait_until 5 "C.ZOMBIE.LINES: zombie ($parent) printed no 'Child Process ID: <pid>'" \
    log_has "$T/z.out" '^Child Process ID: [0-9]+' 1
  kid=$(sed -n 's/^Child Process ID: \([0-9]*\)[[:blank:]]*$/\1/p' "$T/z.out")
  [ -n "$kid" ] || fail "C.ZOMBIE.LINES: 'Child Process ID:' line without a PID: $(cat -A "$T/z.out")"
  # The child ends right after its two lines; give it time to, not the parent.
  wait_until 5 "C.ZOMBIE.IS_ZOMBIE: child $kid of zombie ($parent) neither became a zombie nor went away" \
    eval "is_zombie_child $kid $parent || gone_or_not_child $kid $parent"
  if ! is_zombie_child "$kid" "$parent"; then
    fail "C.ZOMBIE.IS_ZOMBIE: child $kid vanished while zombie ($parent) was still sleeping: the parent reaped it (wait, SIGCHLD ignored or SA_NOCLDWAIT), so no zombie was made"
  fi
  local ps_line
  ps_line=$(ps -o stat=,ppid=,args= -p "$kid")
  [[ $ps_line =~ ^Z.*\ $parent\ .*\<defunct\> ]] ||
    fail "C.ZOMBIE.IS_ZOMBIE: ps shows child $kid as '$ps_line', expected state Z, parent $parent and <defunct>"
  # The observation counts only if the parent was still asleep.
  [ "$(log_count "$T/z.out" '^End parent process')" -eq 0 ] ||
    fail "C.ZOMBIE.IS_ZOMBIE: the parent had already ended its sleep"
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
  expect_whole_lines C.ALL.ATOMIC_LINES "$OUT" 'Hi, I am a child process' 'End child process' \
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
