# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the scripts
# Shared by ci/selfcheck/variant and ci/selfcheck/fault. Sourced, never run.
#
# Each selfcheck test prints TAP with one test line, read by `meson test`
# (protocol tap), ci/report (one row per ID) and ci/selfcheck/summary:
#   ok 1 SELFCHECK.VARIANT.<name>: caught-by: <rule IDs>
#   not ok 1 SELFCHECK.VARIANT.<name>: survived
#   ok 1 SELFCHECK.FAULT.<name>: survived
#   not ok 1 SELFCHECK.FAULT.<name>: failed
# then the result line with its time, as a TAP comment,
#   # <name>  caught-by: <rule IDs> | survived | failed  <seconds>s
# then '#' lines saying what failed or why. The time stays out of the test
# line so that a report's description of an ID is the same on every run.

SELFCHECK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE_ROOT=$(cd "$SELFCHECK_DIR/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/common.bash
source "$SOURCE_ROOT/ci/lib/common.bash"

# run_reaped "$@": re-runs the calling script under ci/lib/reaper (once), so
# that nothing it starts can outlive it, whatever a defect orphans.
run_reaped() {
  [ -n "${SELFCHECK_REAPED:-}" ] && return 0
  SELFCHECK_REAPED=1 exec python3 "$SOURCE_ROOT/ci/lib/reaper" "$0" "$@"
}

# ------------------------------------------------------------------ results

# Seconds since the epoch with microseconds, in REPLY, without forking.
now() { REPLY=$EPOCHREALTIME; }

start_clock() { now; STARTED=$REPLY; }

# elapsed: seconds since start_clock, one decimal, in REPLY.
elapsed() {
  now
  local us=$(( (10#${REPLY/./} - 10#${STARTED/./}) / 100000 ))
  REPLY="$((us / 10)).$((us % 10))"
}

# Diagnostic lines gathered while the check runs, printed after its result.
NOTES=()
note() { NOTES+=("$*"); }

# report ID NAME OK OUTCOME: prints the TAP result and exits (0 when OK is 1).
# OUTCOME is "caught-by: <IDs>", "survived" or "failed".
report() {
  local id=$1 name=$2 ok=$3 outcome=$4 line
  elapsed
  printf '1..1\n'
  if [ "$ok" = 1 ]; then printf 'ok'; else printf 'not ok'; fi
  printf ' 1 %s: %s\n' "$id" "$outcome"
  printf '# %s  %s  %ss\n' "$name" "$outcome" "$REPLY"
  for line in "${NOTES[@]}"; do
    printf '%s\n' "$line" | sed 's/^/# /'
  done
  [ "$ok" = 1 ] && exit 0
  exit 1
}

# ------------------------------------------------------------ work folder

# make_work: a temporary folder in WORK, removed on exit (kept, for a look
# inside, when SELFCHECK_KEEP is set), with a FIFO for nap.
make_work() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/procsig-selfcheck.XXXXXX")
  trap cleanup EXIT
  trap 'exit 143' TERM INT HUP
  mkfifo "$WORK/.nap"
  exec {NAP_FD}<>"$WORK/.nap"
}

# Background processes to end on exit (see track).
TRACKED=()
track() { TRACKED+=("$1"); }

cleanup() {
  local pid
  for pid in "${TRACKED[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  [ -z "${WORK:-}" ] || [ -n "${SELFCHECK_KEEP:-}" ] || rm -rf "$WORK"
}

# nap SECONDS: the pause between two polls of a deadline loop.
nap() { read -r -t "$1" -u "$NAP_FD" _ || true; }

# until_deadline SECONDS COMMAND...: runs COMMAND until it succeeds; returns
# 1 after SECONDS.
until_deadline() {
  local end
  now; end=$(( 10#${REPLY/./} + ${1%.*} * 1000000 ))
  shift
  until "$@"; do
    now
    [ "$((10#${REPLY/./}))" -lt "$end" ] || return 1
    nap 0.01
  done
}

# --------------------------------------------------------------- network

# listening PORT: a TCP socket listens on 127.0.0.1 or any address, PORT.
listening() {
  local hex
  hex=$(printf '%04X' "$1")
  awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' \
    /proc/net/tcp
}

# port_taken PORT: some TCP socket is bound to PORT.
port_taken() { grep -q ":$(printf '%04X' "$1") " /proc/net/tcp /proc/net/tcp6 2>/dev/null; }

# pick_port: a free TCP port below the kernel's ephemeral range (so that no
# client's local port takes it between the pick and the bind), in PORT.
pick_port() {
  local low high
  read -r low high </proc/sys/net/ipv4/ip_local_port_range
  if [ "$low" -lt 12000 ]; then low=$((high + 1)) high=65536; else high=$low low=10000; fi
  while :; do
    PORT=$((low + ((RANDOM << 15) | RANDOM) % (high - low)))
    port_taken "$PORT" || return 0
  done
}

# serve TAG COMMAND...: starts COMMAND, with {PORT} in its arguments
# replaced by a free port, stdout and stderr into $WORK/TAG.out and
# $WORK/TAG.err, and waits until it listens on that port. Sets PORT and
# SERVER (its PID). Returns 1, with a note, if it never does.
serve() {
  local tag=$1
  shift
  for _ in 1 2 3 4 5; do
    pick_port
    "${@//\{PORT\}/$PORT}" >"$WORK/$tag.out" 2>"$WORK/$tag.err" </dev/null &
    SERVER=$!
    track "$SERVER"
    if until_deadline 10 server_ready; then
      ! ended "$SERVER" && listening "$PORT" && return 0
      wait "$SERVER" || true
      grep -q 'in use' "$WORK/$tag.err" && continue  # a port taken meanwhile: another one
    fi
    note "$tag: $* did not start listening on port $PORT: $(head -c 500 "$WORK/$tag.err")"
    return 1
  done
  note "$tag: every port tried was in use"
  return 1
}

# server_ready: the server listens, or has ended (for until_deadline).
server_ready() { listening "$PORT" || ended "$SERVER"; }

# ended PID: PID has ended (it may be a zombie, not reaped yet).
ended() {
  local line
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || return 0
  line=${line##*) }
  [ "${line%% *}" = Z ]
}

# stop PID SIGNAL SECONDS: sends SIGNAL to a child of this shell and waits
# up to SECONDS for its end; sets STOPPED_STATUS (128+n for signal n, or
# "hung": it did not end and was killed).
stop() {
  kill "-$2" "$1" 2>/dev/null || true
  if until_deadline "$3" ended "$1"; then
    STOPPED_STATUS=0
    wait "$1" || STOPPED_STATUS=$?
  else
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    STOPPED_STATUS=hung
  fi
}

# children_of PID: the PIDs of its children.
children_of() { ps -o pid= --ppid "$1" | tr -d ' ' || true; }
