# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the .bats files
# The clock: microseconds, a pause that forks nothing, and the one deadline
# loop every wait of the suites goes through (within, and wait_until, which
# fails with a message when the deadline passes). Nothing sleeps to
# synchronise: a deadline loop polls a condition.

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

# within SECONDS COMMAND...: the deadline loop. Runs COMMAND until it
# succeeds; returns 1, quietly, after SECONDS (times the multiplier) (the caller words the failure
# from what it sees then). WAITED holds the seconds it took, either way.
within() {
  local start end
  bound "$1"
  now_us; start=$REPLY; to_us "$BOUND"; end=$((start + REPLY))
  shift
  until "$@"; do
    now_us
    if [ "$REPLY" -ge "$end" ]; then
      secs_since "$start"; WAITED=$SECS
      return 1
    fi
    nap 0.01
  done
  secs_since "$start"; WAITED=$SECS
}

# The one timeout multiplier: PROCSIG_TIMEOUT_MULTIPLIER (a whole number,
# 1 to 100; ci/validate sets 10 under a layer, as for the conformance suite
# and Meson's own test timeouts). Every bound the suites set (the deadline
# loop, the runners' deadlines, event waits, reads) is multiplied by it:
# under an emulator a bound must still only catch a hang. A time that
# discriminates (honours_scale's probe against the chapter's durations) is
# not a bound and stays as it is.
# shell-tests/run-bats refuses any other value.
TIMEOUT_MULTIPLIER=${PROCSIG_TIMEOUT_MULTIPLIER:-1}

# bound SECONDS: SECONDS times the multiplier, in BOUND (seconds, with up
# to 3 decimals: 0.5 at 10 is 5).
bound() {
  if [ "$TIMEOUT_MULTIPLIER" = 1 ]; then BOUND=$1; return 0; fi
  to_us "$1"
  local us=$((REPLY * TIMEOUT_MULTIPLIER)) ms
  printf -v ms '%03d' $((us % 1000000 / 1000))
  BOUND=$((us / 1000000)).$ms
  BOUND=${BOUND%.000}
}

# secs_since US: seconds (3 decimals) from US (microseconds) to now, in SECS.
secs_since() {
  now_us
  local d=$((REPLY - $1)) ms
  printf -v ms '%03d' $((d % 1000000 / 1000))
  SECS=$((d / 1000000)).$ms
}

# multiplied SECONDS: for a message that names a bound of SECONDS: empty
# without a multiplier, else ': a bound of SECONDS s times N'.
multiplied() {
  [ "$TIMEOUT_MULTIPLIER" = 1 ] || printf ': a bound of %s s times PROCSIG_TIMEOUT_MULTIPLIER %s' "$1" "$TIMEOUT_MULTIPLIER"
}

# wait_until SECONDS MESSAGE COMMAND...: within, failing with MESSAGE
# (which names the rule and what was awaited) when the deadline passes.
wait_until() {
  local secs=$1 message=$2
  shift 2
  within "$secs" "$@" && return 0
  fail "$message (waited $WAITED s$(multiplied "$secs"))"
}
