# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the .bats files
# Scheduling the programs: runs to their end (run_prog, run_quick), in the
# background (start_bg ... finish_bg), or shared by a file's tests
# (shared_run, load_run), each under helpers/run_bounded.py: a deadline, a
# session of its own, a subreaper that reports what they leave behind.
# shellcheck disable=SC2153 # SCALE is set by protocol.bash or the .bats file

# The programs started in the background, by tag (emptied by common_setup).
declare -gA BG_WRAPPER=() BG_PID=() BG_EVFD=() BG_HELD_STDIN=() BG_LAYER=()

# ------------------------------------------------------------ time scale

# How long each timed program's script takes at scale 1, the chapter's own
# durations (docs/contract.md), in whole seconds, rounded up: zombie's and
# wait's 30 s sleeps, waitpid's 15 s child polled every 3 s, three 2 s
# alarms, remove_zombie's five 5 s sleeps.
declare -gA CHAPTER_RUN=([zombie]=30 [wait]=30 [waitpid]=18 [signal]=6 [sigaction]=6
  [remove_zombie]=25)
# Added to every deadline computed from them: start-up on a loaded machine.
: "${DEADLINE_MARGIN:=8}"

# honours_scale NAME: NAME honours PROCSIG_TIME_SCALE. A program may ignore
# it (C.ALL.TIME_SCALE) and is then only slower. Two probes at once, each
# within 5 s, where the chapter's durations take 6 s at least: one that
# honours the scale rejects PROCSIG_TIME_SCALE=abc with status 2, or ends
# at 0.001. Asked once per file (the answer is kept in BATS_FILE_TMPDIR);
# costs 5 s for a program that ignores the scale.
honours_scale() {
  local f=$BATS_FILE_TMPDIR/honours-scale.$1 bad=0 tiny=0 exe
  if [ ! -s "$f" ]; then
    exe=$(prog "$1")
    # In subshells whose stderr is dropped: timeout kills itself with the
    # group, which bash would report ("Killed"). The bad value's 5 s is a
    # bound (times the multiplier); the 0.001 run's 5 s tells 4 s from the
    # chapter's 6 s and is not (a layer's start-up only adds to both).
    bound 5
    (timeout -s KILL "$BOUND" env PROCSIG_TIME_SCALE=abc "${WRAP[@]}" "$exe" </dev/null \
      >/dev/null 2>&1 3>&-) 2>/dev/null &
    local probe=$!
    (timeout -s KILL 5 env PROCSIG_TIME_SCALE=0.001 "${WRAP[@]}" "$exe" </dev/null \
      >/dev/null 2>&1 3>&-) 2>/dev/null || tiny=$?
    wait "$probe" || bad=$?
    if [ "$bad" = 2 ] || [ "$tiny" != 137 ]; then echo yes >"$f"; else echo no >"$f"; fi
  fi
  [ "$(<"$f")" = yes ]
}

# probe_scales NAME...: honours_scale for each present program, at the same
# time (in setup_file: a file that needs several answers waits 4 s once).
probe_scales() {
  local name
  for name in "$@"; do
    [ -x "$(prog "$name")" ] || continue
    honours_scale "$name" &
  done
  wait
}

# run_deadline NAME SCALE: in REPLY, whole seconds within which a run of
# NAME at SCALE ends: the chapter's durations, scaled if NAME honours the
# scale, plus DEADLINE_MARGIN; 10 for a program without durations.
run_deadline() {
  local run=${CHAPTER_RUN[$1]:-}
  [ -n "$run" ] || { REPLY=10; return 0; }
  if [ "$2" != 1 ] && honours_scale "$1"; then
    to_us "$2"
    run=$(((run * REPLY + 999999) / 1000000))
  fi
  REPLY=$((run + DEADLINE_MARGIN))
}

# window_scale SCALE: in REPLY, the time scale for a run whose durations
# are the window a test acts in (catching the children alive, stopping one
# before it ends): SCALE times the multiplier, at most 1. Under a slow
# layer the program's scaled sleeps do not slow down with the shell that
# watches them (under UML at load 300 remove_zombie's children at 0.06
# had ended before the shell saw them).
window_scale() {
  to_us "$1"
  local us=$((REPLY * TIMEOUT_MULTIPLIER)) ms
  [ "$us" -le 1000000 ] || us=1000000
  printf -v ms '%06d' $((us % 1000000))
  REPLY=$((us / 1000000)).$ms
}

# unscaled_deadline NAME: run_deadline at scale 1, without asking whether
# NAME honours the scale: a bound for any implementation, for runs whose
# deadline only matters when a program hangs.
unscaled_deadline() { run_deadline "$1" 1; }

# scaled_or_unscaled NAME SCALE SECONDS: in REPLY, SECONDS if NAME honours
# the scale (a bound the test chose for SCALE), else the unscaled deadline.
scaled_or_unscaled() {
  if honours_scale "$1"; then REPLY=$3; else unscaled_deadline "$1"; fi
}

# run_prog [options] NAME [ARG...]: runs a program to its end and records
#   STATUS   its exit status (128+n for signal n), "timeout", or "stopped"
#            (--stop-when: the test stopped it, STOP_WHY says on what)
#   OUT ERR  files holding its stdout and stderr; EV its events
#   PID      its process ID;  ELAPSED  seconds from start to end
#   LAYER    under a layer, "<the layer's pid> <how PID was found>"
#   SCHED    "<run> <wait>": seconds it spent on a CPU and runnable waiting
#            for one (/proc/PID/schedstat), or - where unknown
#   ORPHANS  "pid state args" lines of processes it left behind
# Options: --scale X (default $SCALE), --noscale (variable unset),
#   --scale-raw S (any string, for bad values), --deadline S (default: the
#   program's unscaled_deadline, which holds whether or not it honours the
#   scale; times the multiplier, see bound),
#   --stdin FILE (default /dev/null), --to pipe|file (default pipe),
#   --tag NAME (file names, default run), --under CMD... -- (a command that
#   execs the program: env LD_PRELOAD=..., prlimit),
#   --stop-when 'CMD' WHY: CMD (eval'd at every look of the deadline loop)
#   proves the verdict before the program's end (a client that has sent
#   more than its whole input: sent_over); once it holds the program is
#   stopped: STATUS stopped, STOP_WHY "WHY (seen after S s)".
run_prog() {
  local scale=$SCALE set_scale=1 deadline='' stdin=/dev/null to=pipe tag=run
  local stop_when='' stop_why=''
  local -a under=()
  STOPPED_ON=''
  while [ $# -gt 0 ]; do
    case $1 in
      --stop-when) stop_when=$2 stop_why=$3; shift 3 ;;
      --scale | --scale-raw) scale=$2; shift 2 ;;
      --noscale) set_scale=0; shift ;;
      --deadline) deadline=$2; shift 2 ;;
      --stdin) stdin=$2; shift 2 ;;
      --to) to=$2; shift 2 ;;
      --tag) tag=$2; shift 2 ;;
      --under)
        # --under CMD... --: a command that execs the program (env, prlimit).
        shift
        while [ "$1" != -- ]; do under+=("$1"); shift; done
        shift ;;
      *) break ;;
    esac
  done
  [ -n "$deadline" ] || { unscaled_deadline "$1"; deadline=$REPLY; }
  # run_bounded.py multiplies the deadline it is given; DEADLINE is what
  # it then is, for the tests' messages.
  bound "$deadline"
  DEADLINE=$BOUND
  local exe
  exe=$(prog "$1"); shift
  OUT=$T/$tag.out ERR=$T/$tag.err EV=$T/$tag.ev
  local -a envs=(env -u PROCSIG_TIME_SCALE)
  [ "$set_scale" = 1 ] && envs+=("PROCSIG_TIME_SCALE=$scale")
  local -a follow=()
  [ "${#WRAP[@]}" = 0 ] || follow=(--program "$exe")
  local -a cmd=("${envs[@]}" "${PY[@]}" "$HELPERS/run_bounded.py" --deadline "$deadline"
    --events "$EV" "${follow[@]}" -- "${under[@]}" "${WRAP[@]}" "$exe" "$@")
  if [ -n "$stop_when" ]; then
    run_stoppable "$to" "$stdin" "$deadline" "$stop_when" "$stop_why" "${cmd[@]}"
  elif [ "$to" = file ]; then
    "${cmd[@]}" <"$stdin" >"$OUT" 2>"$ERR" 3>&- || true
  else
    "${cmd[@]}" <"$stdin" 2>"$ERR" 3>&- | cat >"$OUT"
  fi
  read_events "$EV"
  if [ -n "$STOPPED_ON" ]; then STATUS=stopped STOP_WHY=$STOPPED_ON; fi
}

# stop_due: true at most every 0.2 s (run_stoppable's pace for STOP).
stop_due() {
  now_us
  [ "$REPLY" -ge "$STOP_DUE" ] || return 1
  STOP_DUE=$((REPLY + 200000))
}

# run_stoppable TO STDIN DEADLINE STOP WHY RUNNER...: run_prog's run with
# --stop-when: the runner in the background (stdout through a FIFO when TO
# is pipe), watched by the deadline loop until it ends or STOP holds; then
# the runner is told to stop (it kills and reaps the program's session).
run_stoppable() {
  local to=$1 stdin=$2 deadline=$3 stop=$4 why=$5 runner copier='' out=$OUT
  shift 5
  if [ "$to" != file ]; then
    out=$T/stdout.fifo
    rm -f "$out"; mkfifo "$out"
    cat <"$out" >"$OUT" &
    copier=$!
  fi
  "$@" <"$stdin" >"$out" 2>"$ERR" 3>&- &
  runner=$!
  # The runner ends the program at its deadline: this bound is a last resort.
  # STOP may fork (ss): it is looked at every 0.2 s, the runner's end at
  # every turn of the loop.
  STOP_DUE=0
  if within "$((deadline + 30))" eval "! alive $runner || { stop_due && { $stop; }; }" && alive "$runner"; then
    STOPPED_ON="$why (seen after $WAITED s)"
    kill -TERM "$runner" 2>/dev/null || true
  elif alive "$runner"; then
    kill -KILL "$runner" 2>/dev/null || true
  fi
  wait "$runner" || true
  [ -z "$copier" ] || wait "$copier" || true
}

# run_quick [--scale-raw S] [--deadline S (10)] [--tag NAME] NAME [ARG...]: for
# runs that should end at once (bad input): no runner process, only
# timeout(1), which kills the program's process group at the deadline.
# Sets STATUS (timeout on deadline), OUT, ERR; ORPHANS and ELAPSED empty.
run_quick() {
  # 10 s: a Python program behind a pyenv shim took over 5 s to start at load 46.
  local deadline=10 tag=quick
  local -a envs=(env -u PROCSIG_TIME_SCALE)
  while [ $# -gt 0 ]; do
    case $1 in
      --scale-raw) envs+=("PROCSIG_TIME_SCALE=$2"); shift 2 ;;
      --deadline) deadline=$2; shift 2 ;;
      --tag) tag=$2; shift 2 ;;
      *) break ;;
    esac
  done
  local exe
  exe=$(prog "$1"); shift
  OUT=$T/$tag.out ERR=$T/$tag.err ORPHANS='' ELAPSED='' STOP_WHY=''
  STATUS=0
  bound "$deadline"
  timeout -s KILL "$BOUND" "${envs[@]}" "${WRAP[@]}" "$exe" "$@" </dev/null >"$OUT" 2>"$ERR" 3>&- || STATUS=$?
  [ "$STATUS" != 137 ] || STATUS=timeout
}

# read_events FILE: sets STATUS, PID, ELAPSED, ORPHANS, LAYER ("<pid>
# <how the program was found>" under a layer) from an events file.
read_events() {
  local kind rest
  STATUS='' PID='' ELAPSED='' ORPHANS='' SCHED=- STOP_WHY='' LAYER=
  while read -r kind rest; do
    case $kind in
      pid) PID=$rest ;;
      layer) LAYER=$rest ;;
      exit) STATUS=$rest ;;
      signal) STATUS=$((128 + rest)) ;;
      timeout | killed) STATUS=$kind ;;
      orphan) ORPHANS+="$rest"$'\n' ;;
      sched) SCHED=$rest ;;
      done) ELAPSED=$rest ;;
    esac
  done <"$1"
}

# start_bg TAG [--listen PORT] [--linger] [--deadline S] [--scale X] [--stdin F]
#          [--hold-stdin] [--external] -- NAME [ARG...]
# (--external: NAME is a command such as socat, not a program under test;
# --under-test PROGRAM: NAME is a command, such as prlimit, that execs the
# program under test PROGRAM, given by its path.
# --hold-stdin: stdin is a FIFO this shell holds open until release_stdin
# TAG, a checkpoint the program sees as end of file.)
# Starts a program in the background under run_bounded.py, stdout and
# stderr into $T/TAG.out and $T/TAG.err, events into a FIFO; waits for its
# PID (BG_PID[TAG]). stop_bg or the teardown kills and reaps it.
start_bg() {
  local tag=$1 deadline=40 scale=$SCALE stdin=/dev/null external=0 tested='' held
  local -a opts=()
  shift
  while [ "$1" != -- ]; do
    case $1 in
      --listen) opts+=(--listen "$2"); shift 2 ;;
      --linger) opts+=(--linger); shift ;;
      --external) external=1; shift ;;
      --under-test) external=1 tested=$2; shift 2 ;;
      --deadline) deadline=$2; shift 2 ;;
      --scale) scale=$2; shift 2 ;;
      --stdin) stdin=$2; shift 2 ;;
      --hold-stdin)
        stdin=$T/$tag.stdin
        rm -f "$stdin"; mkfifo "$stdin"
        exec {held}<>"$stdin"
        BG_HELD_STDIN[$tag]=$held
        shift ;;
      *) fail "start_bg: unknown option $1"; return 1 ;;
    esac
  done
  shift
  local exe fifo=$T/$tag.ev fd
  local -a cmd=()
  exe=$1; shift
  if [ "$external" = 0 ]; then
    tested=$exe exe=$(prog "$exe")
    cmd=("${WRAP[@]}" "$exe")
  elif [ -n "$tested" ]; then
    # The program under test inside the command gets the layer too.
    local w
    for w in "$exe" "$@"; do
      if [ "$w" = "$(prog "$tested")" ]; then cmd+=("${WRAP[@]}"); fi
      cmd+=("$w")
    done
    set --
  else
    cmd=("$exe")
  fi
  [ -z "$tested" ] || [ "${#WRAP[@]}" = 0 ] || opts+=(--program "$(prog "$tested")")
  rm -f "$fifo"; mkfifo "$fifo"
  exec {fd}<>"$fifo"
  (
    # Only this shell may hold the write end of a held stdin, or closing it
    # would not end the program's input.
    for held in "${BG_HELD_STDIN[@]}"; do exec {held}>&-; done
    PROCSIG_TIME_SCALE=$scale exec "${PY[@]}" "$HELPERS/run_bounded.py" --deadline "$deadline" \
      --events "$fifo" "${opts[@]}" -- "${cmd[@]}" "$@" <"$stdin" >"$T/$tag.out" 2>"$T/$tag.err" 3>&-
  ) &
  BG_WRAPPER[$tag]=$!
  BG_EVFD[$tag]=$fd
  BG_PID[$tag]=
  # A bound, not a pace: on a loaded machine starting the runner alone can
  # take seconds.
  next_event "$tag" 30 "the start of $tag" || return 1
  [ "$EVENT" = pid ] || { fail "start_bg: unexpected first event '$EVENT $EVENT_ARG'"; return 1; }
  BG_PID[$tag]=$EVENT_ARG
  # Under a layer the runner says at once how it found the program (the
  # 'layer' event, BG_LAYER[TAG]: "<layer's pid> <how>").
  if [[ " ${opts[*]} " == *" --program "* ]]; then
    local line
    bound 30
    line=
    read -r -t "$BOUND" -u "$fd" line || true
    if [[ $line != "layer "* ]]; then
      fail "start_bg: no 'layer' event after the pid of $tag (got '$line')"
      return 1
    fi
    BG_LAYER[$tag]=${line#layer }
  fi
}

# release_stdin TAG: closes the stdin held by start_bg --hold-stdin: the
# program reads end of file.
release_stdin() {
  local fd=${BG_HELD_STDIN[$1]:-}
  [ -n "$fd" ] || return 0
  exec {fd}>&-
  unset "BG_HELD_STDIN[$1]"
}

# next_event TAG SECONDS WHAT: reads the next event into EVENT, EVENT_ARG,
# within SECONDS times the multiplier; skipped:
# 'sched' (kept in BG_SCHED) and 'layer' (the layer's pid and how the program
# was found in it, in BG_LAYER[TAG]; start_bg reads it)
# are skipped.
next_event() {
  local line
  bound "$2"
  local secs=$BOUND
  while :; do
    if ! read -r -t "$secs" -u "${BG_EVFD[$1]}" line; then
      fail "no news from $1 after $secs s while waiting for $3$(multiplied "$2")"
      return 1
    fi
    EVENT=${line%% *}
    EVENT_ARG=${line#* }
    case $EVENT in
      sched) BG_SCHED=$EVENT_ARG ;;
      layer) BG_LAYER[$1]=$EVENT_ARG ;;
      *) return 0 ;;
    esac
  done
}

# finish_bg TAG SECONDS: reads events until 'done'; sets BG_STATUS (as
# STATUS of run_prog), BG_ORPHANS and BG_ELAPSED (seconds it ran), reaps
# the runner and forgets TAG.
# A program still running after SECONDS fails (next_event's message) and
# is left to the teardown, which kills it.
finish_bg() {
  local tag=$1 secs=$2 ended=0
  BG_STATUS='' BG_ORPHANS='' BG_ELAPSED=''
  # A while loop's status is its last body command's, not the condition's:
  # the end is recorded explicitly.
  while next_event "$tag" "$secs" "$tag to end"; do
    case $EVENT in
      exit) BG_STATUS=$EVENT_ARG ;;
      signal) BG_STATUS=$((128 + EVENT_ARG)) ;;
      timeout | killed) BG_STATUS=$EVENT ;;
      orphan) BG_ORPHANS+="$EVENT_ARG"$'\n' ;;
      done) BG_ELAPSED=$EVENT_ARG ended=1 && break ;;
    esac
  done
  [ "$ended" = 1 ] || return 1
  wait "${BG_WRAPPER[$tag]}" 2>/dev/null || true
  local fd=${BG_EVFD[$tag]}
  exec {fd}<&-
  unset "BG_WRAPPER[$tag]" "BG_EVFD[$tag]"
}

# stop_bg TAG SIGNAL SECONDS: sends SIGNAL to the program and waits for its
# end (BG_STATUS, BG_ORPHANS).
stop_bg() {
  kill "-$2" "${BG_PID[$1]}" 2>/dev/null || true
  finish_bg "$1" "$3"
}

# abort_bg TAG: stops the runner itself, which kills the program's session
# and reaps it; if the runner is stuck, kills it and the session outright.
abort_bg() {
  local tag=$1 w=${BG_WRAPPER[$1]:-}
  [ -n "$w" ] || return 0
  kill -TERM "$w" 2>/dev/null || true
  finish_bg "$tag" 5 2>/dev/null && return 0
  kill -KILL "$w" 2>/dev/null || true
  [ -z "${BG_PID[$tag]}" ] || kill -KILL -- "-${BG_PID[$tag]}" "${BG_PID[$tag]}" 2>/dev/null || true
  wait "$w" 2>/dev/null || true
  unset "BG_WRAPPER[$tag]" "BG_EVFD[$tag]"
}

# shared_run NAME TAG [run_prog options]: in setup_file, starts NAME in the
# background, one run for several tests of the file to judge (see
# load_run); the file's other tests go on meanwhile. Does nothing when the
# program is missing: each test then skips in its setup. run_prog's
# deadline bounds the run; teardown_file waits for it.
shared_run() {
  local name=$1 tag=$2
  shift 2
  [ -x "$(prog "$name")" ] || return 0
  unscaled_deadline "$name"
  echo "$REPLY" >"$BATS_FILE_TMPDIR/$tag.deadline"
  (
    T=$BATS_FILE_TMPDIR run_prog --tag "$tag" --deadline "$REPLY" "$@" "$name"
    : >"$BATS_FILE_TMPDIR/$tag.ended"
  ) </dev/null 3>&- &
}

# No shared run outlives its file.
teardown_file() { wait; }

# load_run TAG: the results of a shared_run, as run_prog sets them, once
# it has ended (its runner ends it at its deadline, DEADLINE).
load_run() {
  local d=$BATS_FILE_TMPDIR
  OUT=$d/$1.out ERR=$d/$1.err EV=$d/$1.ev DEADLINE=20
  [ ! -s "$d/$1.deadline" ] || DEADLINE=$(<"$d/$1.deadline")
  wait_until $((DEADLINE + 10)) "the shared run '$1' did not end, although its runner's deadline was $DEADLINE s (see setup_file)" \
    test -e "$d/$1.ended" || return 1
  read_events "$EV"
}

# shared_command TAG COMMAND...: as shared_run, for a run that is more than
# a program under run_prog (a terminal through pty_run.py, which bounds it
# itself). load_command judges it.
shared_command() {
  local tag=$1 d=$BATS_FILE_TMPDIR
  shift
  (
    status=0
    "$@" </dev/null >"$d/$tag.out" 2>"$d/$tag.err" || status=$?
    echo "$status" >"$d/$tag.status"
    : >"$d/$tag.ended"
  ) 3>&- &
}

# load_command TAG: once the shared command has ended, its status, stdout
# and stderr: status, OUT, ERR.
load_command() {
  local d=$BATS_FILE_TMPDIR limit=20
  [ ! -s "$d/$1.deadline" ] || limit=$(<"$d/$1.deadline")
  wait_until $((limit + 10)) "the shared command '$1' did not end (see setup_file)" test -e "$d/$1.ended" || return 1
  OUT=$d/$1.out ERR=$d/$1.err
  read -r status <"$d/$1.status"
  STATUS=$status ELAPSED='' ORPHANS=''
  [ "$STATUS" != 124 ] || STATUS=timeout
}

# pty_command NAME [pty_run.py option...]: in PTY_CMD, the command that
# runs program NAME on a terminal of its own (helpers/pty_run.py), under
# the layer when there is one (and pty_run.py then watches the program's
# own process).
pty_command() {
  local exe
  exe=$(prog "$1"); shift
  local -a follow=()
  [ "${#WRAP[@]}" = 0 ] || follow=(--program "$exe")
  PTY_CMD=("${PY[@]}" "$HELPERS/pty_run.py" "$@" "${follow[@]}" -- "${WRAP[@]}" "$exe")
}

# shared_tty NAME TAG SCALE: as shared_run, NAME on a terminal of its own
# (helpers/pty_run.py), as the chapter runs its programs: stdout is then
# line-buffered, and the chapter's rules about lines are judged there
# (docs/contract.md, "Terminal output"); a pipe or a file is C.ALL.NO_DUP's.
# load_command TAG gives STATUS and OUT.
shared_tty() {
  local name=$1 tag=$2
  [ -x "$(prog "$name")" ] || return 0
  unscaled_deadline "$name"
  echo "$REPLY" >"$BATS_FILE_TMPDIR/$tag.deadline"
  pty_command "$name" --deadline "$REPLY"
  shared_command "$tag" env PROCSIG_TIME_SCALE="$3" "${PTY_CMD[@]}"
}
