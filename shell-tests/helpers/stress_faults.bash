# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the .bats files
# Loaded after helpers/common and helpers/stress by the stress files that
# put echo_mpserv in trouble (fork_fails, out_of_fds, bad_client,
# max_children, idle_timeout): a server started with options or under a
# wrapper (prlimit, setpriv, fiu-run), clients held open from this shell
# through bash's /dev/tcp, and the server's CPU time.

# server_alive: the server has neither exited nor been killed.
server_alive() { proc_stat "$SERVER_PID" && [ "$STATE" != Z ]; }

# expect_server_alive RULE WHY: fails naming how the server ended.
expect_server_alive() {
  server_alive && return 0
  finish_bg srv 5 || true  # for its status; the teardown stops it otherwise
  fail "$1: echo_mpserv is gone ($2): status ${BG_STATUS:-unknown}
--- stderr ---
$(head -c 1000 "$SERVER_ERR")"
}

# ------------------------------------------------------------ held clients

# connect_client: a connection to the server held by this shell, its
# descriptor in CLIENT_FD (closed with the test's process at the latest).
# The kernel completes the handshake from the listen backlog, accepted or not.
connect_client() {
  exec {CLIENT_FD}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
}

# echoes FD LINE SECONDS: sends LINE on FD and reads it back within SECONDS
# (times the multiplier).
# Returns 1 on no answer in time, 2 when the server closed, 3 on other bytes.
echoes() {
  local reply status=0
  # In a subshell that ignores SIGPIPE: a write to a connection the
  # server has reset must fail here, not kill the test's shell.
  (
    trap '' PIPE
    printf '%s\n' "$2" >&"$1"
  ) 2>/dev/null || return 2
  bound "$3"
  read -r -t "$BOUND" -u "$1" reply || status=$?
  if [ "$status" -gt 128 ]; then return 1; fi
  [ "$status" = 0 ] || return 2
  [ "$reply" = "$2" ] || return 3
}

# expect_echo RULE FD LINE SECONDS WHAT: LINE comes back on FD within SECONDS.
expect_echo() {
  local status=0
  echoes "$2" "$3" "$4" || status=$?
  case $status in
    0) return 0 ;;
    1) fail "$1: $5 got no echo within $4 s" ;;
    2) fail "$1: the server closed the connection of $5 instead of echoing" ;;
    *) fail "$1: $5 got other bytes back than it sent" ;;
  esac
}

# closed_without_echo FD SECONDS: the server closes FD (end of file or a
# reset) within SECONDS (times the multiplier), having sent nothing. Sets CLOSED_HOW.
closed_without_echo() {
  local data='' status=0
  bound "$2"
  read -r -t "$BOUND" -u "$1" data || status=$?
  if [ "$status" -gt 128 ]; then CLOSED_HOW="still open after $BOUND s"; return 1; fi
  if [ -n "$data" ] || [ "$status" = 0 ]; then CLOSED_HOW="it sent '$data' back"; return 1; fi
  CLOSED_HOW=closed
}

# ------------------------------------------------------------ CPU and users

# cpu_ticks PID: user plus system CPU time of PID in clock ticks, in REPLY
# (fields 14 and 15 of /proc/PID/stat, after the command name).
cpu_ticks() {
  local line
  local -a f
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
  read -ra f <<<"${line##*) }"
  REPLY=$((f[11] + f[12]))
}

# ctxt_switches PID: "<voluntary> <involuntary>" context switches of PID
# (/proc/PID/status), in REPLY. A process that blocks or sleeps adds a
# voluntary one each time; one that is preempted, an involuntary one.
ctxt_switches() {
  local key value vol='' invol=''
  while read -r key value _; do
    case $key in
      voluntary_ctxt_switches:) vol=$value ;;
      nonvoluntary_ctxt_switches:) invol=$value ;;
    esac
  done <"/proc/$1/status" 2>/dev/null || return 1
  [ -n "$vol" ] && [ -n "$invol" ] || return 1
  REPLY="$vol $invol"
}

# unused_uid: a user ID no process has, in REPLY. RLIMIT_NPROC counts every
# process of a user; a user of its own makes the count ours alone, where
# nobody's could grow under another test running at the same time.
unused_uid() {
  local used
  used=$(ps -e -o ruid= | tr -d ' ' | sort -u)
  while :; do
    REPLY=$((200000000 + ((RANDOM << 15) | RANDOM)))
    grep -qx "$REPLY" <<<"$used" || return 0
  done
}

# as_user UID: in AS_USER, a command prefix that runs what follows it as
# UID, group nogroup (its ID on Debian and most others; any group will do),
# no supplementary groups. PROCSIG_USER_TAG names that user to a layer's
# per-process log files (ci/validate's valgrind logs), which would collide
# with root's own when the kernel reuses a pid.
as_user() {
  AS_USER=(setpriv --reuid="$1" --regid=65534 --clear-groups -- env PROCSIG_USER_TAG="uid$1")
}

# ------------------------------------------------------------ bad clients

# start_stalled_client TAG: helpers/bad_client.py stall against the server,
# under run_bounded.py; returns once its child is stuck writing to it (the
# helper's checkpoint line). Its stdin is held here until release_stdin
# TAG, which makes it close its connection and exit.
start_stalled_client() {
  local tag=$1
  start_bg "$tag" --external --deadline 60 --hold-stdin -- \
    "${PY[@]}" "$HELPERS/bad_client.py" stall "$SERVER_PORT" --deadline 20 || return 1
  wait_until 25 "bad_client.py ($tag) did not report its child stuck in send: $(cat "$T/$tag.err")" \
    stalled_or_ended "$tag" || return 1
  grep -q '^stalled ' "$T/$tag.out" ||
    fail "bad_client.py ($tag) ended before its child was stuck: $(cat "$T/$tag.err")"
}

stalled_or_ended() { grep -q '^stalled ' "$T/$1.out" || ! proc_stat "${BG_PID[$1]}" || [ "$STATE" = Z ]; }
