# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the .bats files
# Loaded by every .bats file of the end-to-end suite. Runs the programs of
# $PROCSIG_IMPL under helpers/run_bounded.py (a deadline, a session of their
# own, a subreaper that reports what they leave behind), and gives the
# waits, /proc and ps probes and servers the tests share.
#
# Every wait has a deadline and fails with a message naming the rule and
# what it waited for. Nothing here sleeps to synchronise: waits read events
# from FIFOs or poll /proc and files against a deadline.

bats_require_minimum_version 1.7.0

# load_lib NAME: loads the helper library NAME (bats-support, bats-assert,
# bats-file). Bats loads a file's libraries again for every test, and their
# load.bash forks dirname once per source file; sourcing those files
# (src/*.bash, function definitions only) directly costs no process.
load_lib() {
  local f
  if [ -d "$PROCSIG_BATS_LIB/$1/src" ]; then
    for f in "$PROCSIG_BATS_LIB/$1"/src/*.bash; do
      # shellcheck disable=SC1090 # the library's own files
      source "$f"
    done
  else
    load "$PROCSIG_BATS_LIB/$1/load"
  fi
}
# bats-file (with bats-support, which it reports through) for file checks;
# a file that wants bats-assert loads it too.
load_lib bats-support
load_lib bats-file

HELPERS=${BASH_SOURCE[0]%/*}
# The system's python3 when there is one: a version manager's shim (pyenv)
# would cost a shell script's start on every helper run.
if [ -x /usr/bin/python3 ]; then PY=(/usr/bin/python3 -E -S); else PY=(python3 -E -S); fi

# The time scale most tests run the programs at; a file may change it.
: "${SCALE:=0.02}"

# ---------------------------------------------------------------- basics

common_setup() {
  [ -n "${PROCSIG_IMPL:-}" ] || fail "PROCSIG_IMPL is not set: run the suite through shell-tests/run-bats"
  unset PROCSIG_TIME_SCALE
  declare -gA BG_WRAPPER=() BG_PID=() BG_EVFD=() BG_HELD_STDIN=()
  SERVER_BG_OPTS=()
  T=$BATS_TEST_TMPDIR
  # bats-file's reports name temporary files from the run's folder on.
  BATSLIB_FILE_PATH_REM=${BATS_RUN_TMPDIR:-} BATSLIB_FILE_PATH_ADD='<tmp>'
}

common_teardown() {
  local tag
  for tag in "${!BG_HELD_STDIN[@]}"; do
    release_stdin "$tag"
  done
  for tag in "${!BG_WRAPPER[@]}"; do
    abort_bg "$tag"
  done
}

setup() { common_setup; }
teardown() { common_teardown; }

# rule_assert RULE WHY ASSERTION [ARG...]: runs a bats-assert or bats-file
# assertion. On failure one line "RULE: WHY" comes first, the line ci/report
# and ci/selfcheck take as the test's message, then the assertion's report.
rule_assert() {
  local rule=$1 why=$2 report
  shift 2
  report=$("$@" 2>&1) && return 0
  fail "$rule: $why
${report#$'\n'}"
}

# require_program NAME: skips the test when the implementation lacks NAME.
require_program() {
  [ -x "$PROCSIG_IMPL/$1" ] || skip "no program '$1' in $PROCSIG_IMPL"
}

# Microseconds since the epoch, in REPLY, without forking.
now_us() { REPLY=${EPOCHREALTIME/./}; REPLY=$((10#$REPLY)); }

# to_us SECONDS: a decimal number of seconds as microseconds, in REPLY.
to_us() {
  local int=${1%%.*} frac=
  [[ $1 == *.* ]] && frac=${1#*.}
  frac=${frac}000000
  REPLY=$((10#${int:-0} * 1000000 + 10#${frac:0:6}))
}

# nap SECONDS: the pause between two polls of a deadline loop (a read with
# a timeout on a FIFO nobody writes, so that no process is forked).
nap() {
  if [ "${NAP_OWNER:-}" != "$BASHPID" ]; then
    local fifo
    fifo=$(mktemp -u "${BATS_TEST_TMPDIR:-$BATS_FILE_TMPDIR}/nap.XXXXXX")
    mkfifo "$fifo"
    exec {NAP_FD}<>"$fifo"
    NAP_OWNER=$BASHPID
  fi
  read -r -t "$1" -u "$NAP_FD" _ || true
}

# wait_until SECONDS MESSAGE COMMAND...: runs COMMAND until it succeeds;
# after SECONDS fails with MESSAGE (which names the rule and what was awaited).
wait_until() {
  local secs=$1 message=$2 end
  shift 2
  now_us; end=$REPLY; to_us "$secs"; end=$((end + REPLY))
  until "$@"; do
    now_us
    if [ "$REPLY" -ge "$end" ]; then
      fail "$message (waited ${secs} s)"
      return 1
    fi
    nap 0.01
  done
}

# ------------------------------------------------------- running programs

prog() { printf '%s/%s\n' "$PROCSIG_IMPL" "$1"; }

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

# describe_run: one paragraph on the last run, for failure messages.
describe_run() {
  printf 'status: %s, elapsed: %s s\n--- stdout ---\n%s\n--- stderr ---\n%s\n' \
    "$STATUS" "$ELAPSED" "$(head -c 2000 "$OUT" | cat -A | head -n 40)" "$(head -c 2000 "$ERR")"
  [ -z "$ORPHANS" ] || printf -- '--- left behind ---\n%s' "$ORPHANS"
}

# expect_status RULE N [WHY]: the last run ended with status N.
expect_status() {
  local why=${3:-}
  if [ "$STATUS" = timeout ]; then
    fail "$1: still running at the deadline, expected exit status $2${why:+: $why}
$(describe_run)"
  elif [ "$STATUS" != "$2" ]; then
    fail "$1: exit status $STATUS, expected $2${why:+: $why}
$(describe_run)"
  fi
}

# expect_no_orphans RULE: the last run left no process behind.
expect_no_orphans() {
  [ -z "$ORPHANS" ] || fail "$1: the program exited leaving these processes behind (pid state args); its children must have ended and been reaped:
$ORPHANS"
}

# strerror NAME: the platform's text for the errno NAME (EADDRINUSE is
# "Address already in use" with glibc, "Address in use" with musl). Python's
# os.strerror asks the C library the programs use.
strerror() {
  "${PY[@]}" -c 'import errno, os, sys; print(os.strerror(getattr(errno, sys.argv[1])))' "$1"
}

# ere_quote TEXT: an extended regular expression that matches TEXT only.
ere_quote() { printf '%s\n' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'; }

# --------------------------------------------------------------- lines

# norm FILE: the file's lines with trailing blanks removed (C.ALL.LINES).
norm() { sed 's/[ \t]*$//' "$1"; }

# expect_lines RULE FILE LINE...: the normalised file is exactly these lines.
expect_lines() {
  local rule=$1 file=$2 got want
  shift 2
  got=$(norm "$file")
  want=$(printf '%s\n' "$@")
  [ "$got" = "$want" ] || fail "$rule: output differs from the contract
--- expected ---
$want
--- got ---
$(printf '%s' "$got" | cat -A)"
}

# count_matching FILE REGEX: how many normalised lines match REGEX (ERE).
count_matching() { norm "$1" | grep -cE -- "$2" || true; }

# expect_count RULE FILE REGEX N WHAT: exactly N lines match.
expect_count() {
  local n
  n=$(count_matching "$2" "$3")
  [ "$n" = "$4" ] || fail "$1: $n lines '$5' ($3), expected $4
--- output ---
$(norm "$2")"
}

# expect_whole_lines RULE FILE REGEX...: every line matches one of the
# given whole-line patterns: none was cut or mixed with another.
expect_whole_lines() {
  local rule=$1 file=$2 pat alt='' bad status=0
  shift 2
  for pat in "$@"; do alt+="${alt:+|}($pat)"; done
  # One grep for the first line that matches none (a bash loop over a
  # server's hundreds of log lines took a tenth of a second).
  bad=$(norm "$file" | grep -n -v -E -- "^($alt)\$") || status=$?
  [ "$status" != 1 ] || return 0
  [ "$status" = 0 ] || { fail "expect_whole_lines: bad pattern among: $*"; return 1; }
  bad=${bad%%$'\n'*}
  fail "$rule: line ${bad%%:*} is not one the program prints (lines cut or interleaved?): '${bad#*:}'
--- output ---
$(cat -A "$file")"
}

# ---------------------------------------------------------- /proc and ps

# proc_stat PID: sets STATE and PPID from /proc/PID/stat; fails if gone.
proc_stat() {
  local line rest
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
  rest=${line##*) }
  STATE=${rest%% *}
  rest=${rest#* }
  PPID_OF=${rest%% *}
}

# is_zombie_child PID PARENT: PID exists as a zombie whose parent is PARENT.
is_zombie_child() { proc_stat "$1" && [ "$STATE" = Z ] && [ "$PPID_OF" = "$2" ]; }

# gone_or_not_child PID PARENT: PID is no longer a child of PARENT.
gone_or_not_child() { ! proc_stat "$1" || [ "$PPID_OF" != "$2" ]; }

# children_of PID: the PIDs of its children, one per line.
children_of() { ps -o pid= --ppid "$1" | tr -d ' ' || true; }

# zombies_of PID: the PIDs of its children in state Z.
zombies_of() { ps -o pid=,stat= --ppid "$1" | awk '$2 ~ /^Z/ { print $1 }' || true; }

has_children() { [ -n "$(children_of "$1")" ]; }
no_zombies_of() { [ -z "$(zombies_of "$1")" ]; }
no_children_of() { [ -z "$(children_of "$1")" ]; }
gone() { ! [ -e "/proc/$1" ]; }

# fd_count PID: how many descriptors PID holds.
fd_count() {
  local -a fds=("/proc/$1/fd/"*)
  echo "${#fds[@]}"
}

# ---------------------------------------------------- background programs

# start_bg TAG [--listen PORT] [--linger] [--deadline S] [--scale X] [--stdin F]
#          [--hold-stdin] [--external] -- NAME [ARG...]
# (--external: NAME is a command such as socat, not a program under test.
# --hold-stdin: stdin is a FIFO this shell holds open until release_stdin
# TAG, a checkpoint the program sees as end of file.)
# Starts a program in the background under run_bounded.py, stdout and
# stderr into $T/TAG.out and $T/TAG.err, events into a FIFO; waits for its
# PID (BG_PID[TAG]). stop_bg or the teardown kills and reaps it.
start_bg() {
  local tag=$1 deadline=40 scale=$SCALE stdin=/dev/null external=0 held
  local -a opts=()
  shift
  while [ "$1" != -- ]; do
    case $1 in
      --listen) opts+=(--listen "$2"); shift 2 ;;
      --linger) opts+=(--linger); shift ;;
      --external) external=1; shift ;;
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

# --------------------------------------------------------------- network

# port_in_use PORT: some TCP socket (v4 or v6) is bound to PORT.
port_in_use() {
  local hex
  hex=$(printf ':%04X ' "$1")
  grep -q -- "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# pick_port: a TCP port nobody uses, in PORT. It is taken below the
# kernel's ephemeral range, so that no client's local port can take it
# between the pick and the bind.
pick_port() {
  local low high
  read -r low high </proc/sys/net/ipv4/ip_local_port_range
  if [ "$low" -lt 12000 ]; then low=$((high + 1)) high=65536; else high=$low low=10000; fi
  while :; do
    PORT=$((low + ((RANDOM << 15) | RANDOM) % (high - low)))
    port_in_use "$PORT" || return 0
  done
}

# start_server [ADDRESS]: echo_mpserv on a free port of ADDRESS (default
# its own default); sets SERVER_PORT, SERVER_PID, SERVER_OUT, SERVER_ERR.
# SERVER_BG_OPTS holds more start_bg options (--linger).
# A port taken meanwhile (status 3) is retried with another.
start_server() {
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    pick_port
    start_bg srv --listen "$PORT" "${SERVER_BG_OPTS[@]}" -- echo_mpserv "$PORT" "$@" || return 1
    next_event srv 10 "echo_mpserv to listen on port $PORT" || return 1
    if [ "$EVENT" = listening ]; then
      SERVER_PORT=$PORT SERVER_PID=${BG_PID[srv]}
      SERVER_OUT=$T/srv.out SERVER_ERR=$T/srv.err
      return 0
    fi
    local first="$EVENT $EVENT_ARG"
    finish_bg srv 5 || return 1
    [ "$first" = "exit 3" ] && grep -qF "$(strerror EADDRINUSE)" "$T/srv.err" && continue
    fail "echo_mpserv $PORT $* did not start listening: $first
$(cat "$T/srv.err")"
    return 1
  done
  fail "echo_mpserv: every port tried was in use"
}

# start_peer TAG ADDRESS [SOCAT-OPTION...]: socat listening on a free
# loopback port and serving one connection with ADDRESS (PIPE echoes,
# EXEC:true hangs up at once); -r FILE records what the client sent.
# Sets PEER_PORT.
start_peer() {
  local tag=$1 address=$2
  shift 2
  for _ in 1 2 3 4 5; do
    pick_port
    start_bg "$tag" --listen "$PORT" --external -- socat -t 10 "$@" \
      "TCP-LISTEN:$PORT,bind=127.0.0.1" "$address" || return 1
    next_event "$tag" 10 "socat to listen on port $PORT" || return 1
    if [ "$EVENT" = listening ]; then PEER_PORT=$PORT; return 0; fi
    finish_bg "$tag" 5 || return 1
  done
  fail "socat: could not listen on a free port"
}

# log_count FILE REGEX: lines of a growing log that match.
log_count() { grep -cE -- "$2" "$1" 2>/dev/null || true; }

# log_has FILE REGEX N: at least N matching lines (for wait_until).
log_has() { [ "$(log_count "$1" "$2")" -ge "$3" ]; }

# make_data FILE SIZE: SIZE random bytes (NULs and newlines included, no
# q or Q, so no line can be a client's quit command).
make_data() { head -c "$2" /dev/urandom | tr 'qQ' 'xX' >"$1"; }

# socat_echo IN OUT [SECONDS]: sends IN to the server through socat, which
# half-closes after IN and waits for the server to close; OUT gets the echo.
# Sets SOCAT_STATUS (124: the server did not close within SECONDS, default
# 5). Once a server of this file failed to close, later calls wait 1 s
# only, so that a broken server fails every test quickly, not slowly.
socat_echo() {
  local secs=${3:-5} marker=$BATS_FILE_TMPDIR/server-did-not-close
  [ ! -e "$marker" ] || secs=1
  SOCAT_STATUS=0
  timeout -k 2 "$secs" socat -t 30 -T 30 STDIO "TCP:127.0.0.1:$SERVER_PORT" \
    <"$1" >"$2" 2>"$T/socat.err" 3>&- || SOCAT_STATUS=$?
  [ "$SOCAT_STATUS" != 124 ] || touch "$marker"
}

# expect_same RULE EXPECTED GOT WHAT: byte-identical files (bats-file's
# assert_files_equal, which compares with cmp), else the rule, the sizes and
# the first difference, then bats-file's report.
expect_same() {
  local report
  report=$(assert_files_equal "$2" "$3" 2>&1) && return 0
  local first
  first=$(cmp "$2" "$3" 2>&1 | sed -n '1{s/^.* differ: /first difference at /;s/^cmp: EOF on .* after /the shorter ends after /;p}')
  fail "$1: $4: $(stat -c %s "$3") bytes came back for $(stat -c %s "$2") sent; $first
${report#$'\n'}"
}

# ------------------------------------------------------------ shared runs

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

# expect_lines_any_order RULE FILE LINE...: the same lines, in any order.
expect_lines_any_order() {
  local rule=$1 file=$2 got want
  shift 2
  got=$(norm "$file" | LC_ALL=C sort)
  want=$(printf '%s\n' "$@" | LC_ALL=C sort)
  [ "$got" = "$want" ] || fail "$rule: output differs from the contract (order aside)
--- expected ---
$want
--- got ---
$(norm "$file" | cat -A)"
}

# elapsed_at_least SECONDS / elapsed_below SECONDS: compare ELAPSED.
elapsed_at_least() { local want; to_us "$1"; want=$REPLY; to_us "$ELAPSED"; [ "$REPLY" -ge "$want" ]; }
elapsed_below() { local want; to_us "$1"; want=$REPLY; to_us "$ELAPSED"; [ "$REPLY" -lt "$want" ]; }
