# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the .bats files
# Scheduling the programs: runs to their end (run_prog, run_quick), in the
# background (start_bg ... finish_bg), or shared by a file's tests
# (shared_run, load_run), each under helpers/run_bounded.py: a deadline, a
# session of its own, a subreaper that reports what they leave behind.

# run_prog [options] NAME [ARG...]: runs a program to its end and records
#   STATUS   its exit status (128+n for signal n), or "timeout"
#   OUT ERR  files holding its stdout and stderr; EV its events
#   PID      its process ID;  ELAPSED  seconds from start to end
#   ORPHANS  "pid state args" lines of processes it left behind
# Options: --scale X (default $SCALE), --noscale (variable unset),
#   --scale-raw S (any string, for bad values), --deadline S (default 10),
#   --stdin FILE (default /dev/null), --to pipe|file (default pipe),
#   --tag NAME (file names, default run).
run_prog() {
  local scale=$SCALE set_scale=1 deadline=10 stdin=/dev/null to=pipe tag=run
  while [ $# -gt 0 ]; do
    case $1 in
      --scale | --scale-raw) scale=$2; shift 2 ;;
      --noscale) set_scale=0; shift ;;
      --deadline) deadline=$2; shift 2 ;;
      --stdin) stdin=$2; shift 2 ;;
      --to) to=$2; shift 2 ;;
      --tag) tag=$2; shift 2 ;;
      *) break ;;
    esac
  done
  local exe
  exe=$(prog "$1"); shift
  OUT=$T/$tag.out ERR=$T/$tag.err EV=$T/$tag.ev
  local -a envs=(env -u PROCSIG_TIME_SCALE)
  [ "$set_scale" = 1 ] && envs+=("PROCSIG_TIME_SCALE=$scale")
  local -a cmd=("${envs[@]}" "${PY[@]}" "$HELPERS/run_bounded.py" --deadline "$deadline"
    --events "$EV" -- "$exe" "$@")
  if [ "$to" = file ]; then
    "${cmd[@]}" <"$stdin" >"$OUT" 2>"$ERR" 3>&- || true
  else
    "${cmd[@]}" <"$stdin" 2>"$ERR" 3>&- | cat >"$OUT"
  fi
  read_events "$EV"
}

# run_quick [--scale-raw S] [--deadline S] [--tag NAME] NAME [ARG...]: for
# runs that should end at once (bad input): no runner process, only
# timeout(1), which kills the program's process group at the deadline.
# Sets STATUS (timeout on deadline), OUT, ERR; ORPHANS and ELAPSED empty.
run_quick() {
  local deadline=5 tag=quick
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
  OUT=$T/$tag.out ERR=$T/$tag.err ORPHANS='' ELAPSED=''
  STATUS=0
  timeout -s KILL "$deadline" "${envs[@]}" "$exe" "$@" </dev/null >"$OUT" 2>"$ERR" 3>&- || STATUS=$?
  [ "$STATUS" != 137 ] || STATUS=timeout
}

# read_events FILE: sets STATUS, PID, ELAPSED, ORPHANS from an events file.
read_events() {
  local kind rest
  STATUS='' PID='' ELAPSED='' ORPHANS=''
  while read -r kind rest; do
    case $kind in
      pid) PID=$rest ;;
      exit) STATUS=$rest ;;
      signal) STATUS=$((128 + rest)) ;;
      timeout | killed) STATUS=$kind ;;
      orphan) ORPHANS+="$rest"$'\n' ;;
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
  local tag=$1 deadline=40 scale=$SCALE stdin=/dev/null external=0 tested= held
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
  exe=$1; shift
  [ "$external" = 1 ] || exe=$(prog "$exe")
  rm -f "$fifo"; mkfifo "$fifo"
  exec {fd}<>"$fifo"
  (
    # Only this shell may hold the write end of a held stdin, or closing it
    # would not end the program's input.
    for held in "${BG_HELD_STDIN[@]}"; do exec {held}>&-; done
    PROCSIG_TIME_SCALE=$scale exec "${PY[@]}" "$HELPERS/run_bounded.py" --deadline "$deadline" \
      --events "$fifo" "${opts[@]}" -- "$exe" "$@" <"$stdin" >"$T/$tag.out" 2>"$T/$tag.err" 3>&-
  ) &
  BG_WRAPPER[$tag]=$!
  BG_EVFD[$tag]=$fd
  BG_PID[$tag]=
  next_event "$tag" 5 "the start of $tag" || return 1
  [ "$EVENT" = pid ] || { fail "start_bg: unexpected first event '$EVENT $EVENT_ARG'"; return 1; }
  BG_PID[$tag]=$EVENT_ARG
}

# release_stdin TAG: closes the stdin held by start_bg --hold-stdin: the
# program reads end of file.
release_stdin() {
  local fd=${BG_HELD_STDIN[$1]:-}
  [ -n "$fd" ] || return 0
  exec {fd}>&-
  unset "BG_HELD_STDIN[$1]"
}

# next_event TAG SECONDS WHAT: reads the next event into EVENT, EVENT_ARG.
next_event() {
  local line
  if ! read -r -t "$2" -u "${BG_EVFD[$1]}" line; then
    fail "no news from $1 after $2 s while waiting for $3"
    return 1
  fi
  EVENT=${line%% *}
  EVENT_ARG=${line#* }
}

# finish_bg TAG SECONDS: reads events until 'done'; sets BG_STATUS (as
# STATUS of run_prog) and BG_ORPHANS, reaps the runner and forgets TAG.
# A program still running after SECONDS fails (next_event's message) and
# is left to the teardown, which kills it.
finish_bg() {
  local tag=$1 secs=$2 ended=0
  BG_STATUS='' BG_ORPHANS=''
  # A while loop's status is its last body command's, not the condition's:
  # the end is recorded explicitly.
  while next_event "$tag" "$secs" "$tag to end"; do
    case $EVENT in
      exit) BG_STATUS=$EVENT_ARG ;;
      signal) BG_STATUS=$((128 + EVENT_ARG)) ;;
      timeout | killed) BG_STATUS=$EVENT ;;
      orphan) BG_ORPHANS+="$EVENT_ARG"$'\n' ;;
      done) ended=1 && break ;;
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
  (
    T=$BATS_FILE_TMPDIR run_prog --tag "$tag" "$@" "$name"
    : >"$BATS_FILE_TMPDIR/$tag.ended"
  ) </dev/null 3>&- &
}

# No shared run outlives its file.
teardown_file() { wait; }

# load_run TAG: the results of a shared_run, as run_prog sets them, once
# it has ended (run_prog's deadlines are 20 s at most).
load_run() {
  OUT=$BATS_FILE_TMPDIR/$1.out ERR=$BATS_FILE_TMPDIR/$1.err EV=$BATS_FILE_TMPDIR/$1.ev
  wait_until 30 "the shared run '$1' did not end (see setup_file)" \
    test -e "$BATS_FILE_TMPDIR/$1.ended" || return 1
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
  local d=$BATS_FILE_TMPDIR
  wait_until 30 "the shared command '$1' did not end (see setup_file)" test -e "$d/$1.ended" || return 1
  OUT=$d/$1.out ERR=$d/$1.err
  read -r status <"$d/$1.status"
}
