# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the .bats files
# Loaded by the stress suite's .bats files after helpers/common: drives
# echo_mpserv with echo_load ($PROCSIG_ECHO_LOAD, shell-tests/load/) and
# reads the server's children and memory from /proc.
#
# echo_load runs under run_bounded.py like the programs under test, so a
# test's teardown stops it whatever happened. A load started with --hold
# reads its stdin from a FIFO this shell holds open; closing it (release_stdin)
# is the checkpoint that makes every held connection close at once.

# stress_setup: common_setup, and skips or fails when a part is missing.
stress_setup() {
  common_setup
  require_program echo_mpserv
  [ -x "${PROCSIG_ECHO_LOAD:-}" ] ||
    fail "PROCSIG_ECHO_LOAD ('${PROCSIG_ECHO_LOAD:-}') is not the echo_load executable: run the suite with meson test --suite stress"
  # The server outlives the file's longest wait; its runner's deadline is
  # only the last resort.
  SERVER_BG_OPTS=(--deadline 200)
}

stress_teardown() { common_teardown; }

setup() { stress_setup; }
teardown() { stress_teardown; }

# need_descriptors N: skips unless this process may raise its descriptor
# limit to N (echo_load raises its own soft limit to the hard one).
need_descriptors() {
  local hard
  hard=$(ulimit -Hn)
  [ "$hard" = unlimited ] || [ "$hard" -ge "$1" ] ||
    skip "the hard limit on open files is $hard, below the $1 this test needs"
}

# ------------------------------------------------------------ echo_load

# run_load TAG SECONDS MODE [ARG...]: runs echo_load MODE against the
# server to its end, with its own --deadline SECONDS (and a kill 15 s
# later should it overrun it), times the multiplier. Sets LOAD_STATUS, LOAD_OUT, LOAD_ERR.
run_load() {
  local tag=$1 secs
  bound "$2"
  secs=${BOUND%.*}
  shift 2
  LOAD_OUT=$T/$tag.out LOAD_ERR=$T/$tag.err LOAD_STATUS=0
  timeout -s KILL "$((secs + 15))" "$PROCSIG_ECHO_LOAD" "$@" --port "$SERVER_PORT" \
    --deadline "$secs" </dev/null >"$LOAD_OUT" 2>"$LOAD_ERR" 3>&- || LOAD_STATUS=$?
}

# start_load TAG [--hold] SECONDS MODE [ARG...]: starts echo_load MODE in
# the background (BG_PID[TAG], its stdout in $T/TAG.out), with its own
# --deadline SECONDS. With --hold its stdin is held open here until
# release_stdin TAG.
start_load() {
  local tag=$1 hold=()
  shift
  if [ "$1" = --hold ]; then hold=(--hold-stdin); shift; fi
  local secs=$1 load_secs
  shift
  # echo_load is no helper of ours: its deadline is multiplied here; the
  # runner's own (start_bg) is multiplied by the runner.
  bound "$secs"
  load_secs=${BOUND%.*}
  start_bg "$tag" --external --deadline "$((secs + 15))" "${hold[@]}" -- \
    "$PROCSIG_ECHO_LOAD" "$@" --port "$SERVER_PORT" --deadline "$load_secs"
}

# load_line_or_end TAG: the load printed its line, or has ended.
load_line_or_end() { [ -s "$T/$1.out" ] || ! proc_stat "${BG_PID[$1]}" || [ "$STATE" = Z ]; }

# wait_load_line [--premise] RULE TAG SECONDS WHAT: waits for the JSON
# line of a background load (with --hold, all its connections are then
# echoed and open); fails with its error if it ended without one. With
# --premise the load is only the test's set-up: its failure means the rule
# was not judged (skip, at once, with echo_load's reason).
wait_load_line() {
  local premise=0
  if [ "$1" = --premise ]; then premise=1; shift; fi
  local rule=$1 tag=$2
  wait_until "$3" "$rule: echo_load ($tag) did not finish $4 within $3 s: it had neither printed its summary nor ended" \
    load_line_or_end "$tag" || return 1
  [ -s "$T/$tag.out" ] && return 0
  finish_bg "$tag" 10 || return 1
  local why
  why="echo_load ($tag) ended with status $BG_STATUS after $WAITED s, before $4: $(head -c 500 "$T/$tag.err")"
  [ "$premise" = 0 ] || skip "set-up failed, $rule not judged: $why"
  fail "$rule: $why"
}

# expect_load_ok RULE STATUS ERRFILE WHAT: echo_load ended with status 0;
# otherwise its one-line reason (a byte that differs, a connection refused
# or cut, the deadline) becomes the test's message.
expect_load_ok() {
  local rule=$1 status=$2 err=$3 why
  [ "$status" = 0 ] && return 0
  case $status in
    1) why="a byte was lost, changed or a connection failed" ;;
    3 | 137 | timeout) why="the load did not complete in time" ;;
    *) why="echo_load could not run" ;;
  esac
  fail "$rule: $4: echo_load exit status $status ($why): $(head -c 500 "$err")"
}

# expect_load_json RULE FILE KEY=VALUE...: the load's JSON line says what
# was asked (so a changed default or a mode mix-up cannot pass unseen).
expect_load_json() {
  local rule=$1 file=$2 kv line
  shift 2
  line=$(head -n 1 "$file")
  line=${line// /}
  for kv in "$@"; do
    [[ $line == *"\"${kv%%=*}\":${kv#*=}"[,\}]* ]] ||
      fail "$rule: echo_load's summary lacks \"${kv%%=*}\":${kv#*=}: '$line'" || return 1
  done
}

# -------------------------------------------------- the server's processes

# live_children_of PID: its children that have not ended, one PID a line.
live_children_of() { ps -o pid=,stat= --ppid "$1" | awk '$2 !~ /^Z/ { print $1 }' || true; }

# rss_anon_kib PID: RssAnon of PID in KiB (kernel's 'kB'), from /proc/PID/status.
rss_anon_kib() { awk '$1 == "RssAnon:" { print $2; found = 1 } END { exit !found }' "/proc/$1/status"; }

# expect_all_ended RULE SECONDS WHAT: no child of the server still runs
# within SECONDS (zombies aside: reaping is MANY_EXITS's business).
expect_all_ended() {
  # shellcheck disable=SC2016 # expanded by eval, at every look
  within "$2" eval '[ -z "$(live_children_of "$SERVER_PID")" ]' && return 0
  fail "$1: echo_mpserv ($SERVER_PID) still has $(live_children_of "$SERVER_PID" | wc -l) running children $2 s after $3"
}

# expect_all_reaped RULE SECONDS WHAT: the server has no child left, live
# or zombie, within SECONDS.
expect_all_reaped() {
  within "$2" no_children_of "$SERVER_PID" && return 0
  fail "$1: echo_mpserv ($SERVER_PID) still has $(zombies_of "$SERVER_PID" | wc -l) zombie and $(live_children_of "$SERVER_PID" | wc -l) live children $2 s after $3"
}
