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
# succeeds; returns 1, quietly, after SECONDS (the caller words the failure
# from what it sees then). WAITED holds the seconds it took, either way.
within() {
  local start end
  now_us; start=$REPLY; to_us "$1"; end=$((start + REPLY))
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

# secs_since US: seconds (3 decimals) from US (microseconds) to now, in SECS.
secs_since() {
  now_us
  local d=$((REPLY - $1)) ms
  printf -v ms '%03d' $((d % 1000000 / 1000))
  SECS=$((d / 1000000)).$ms
}

# wait_until SECONDS MESSAGE COMMAND...: within, failing with MESSAGE
# (which names the rule and what was awaited) when the deadline passes.
wait_until() {
  local secs=$1 message=$2
  shift 2
  within "$secs" "$@" && return 0
  fail "$message (waited ${secs} s)"
}
