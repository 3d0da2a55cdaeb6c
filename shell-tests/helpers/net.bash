# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the .bats files
# The network: free loopback ports, echo_mpserv started on one (with
# options and under a wrapper), socat peers and transfers.

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

# start_server [--tag TAG] [--under ARRAY] [--options "WORDS"] [ADDRESS]:
# echo_mpserv on a free port (of ADDRESS, default its own default), started
# as  <ARRAY's words> echo_mpserv <WORDS> PORT [ADDRESS]. ARRAY names an
# array holding a command that execs what follows it (prlimit, setpriv,
# fiu-run), so that the server keeps the PID the runner started; WORDS are
# options before the port (--max-children 3). Sets SERVER_PORT,
# SERVER_PID, SERVER_OUT, SERVER_ERR (files of tag TAG, default srv).
# SERVER_BG_OPTS holds more start_bg options (--linger, --deadline).
# A port taken meanwhile (status 3) is retried with another.
start_server() {
  local tag=srv first
  local -a under=() options=()
  while [ $# -gt 0 ]; do
    case $1 in
      --tag) tag=$2; shift 2 ;;
      --under) local -n _under=$2; under=("${_under[@]}"); shift 2 ;;
      --options) read -ra options <<<"$2"; shift 2 ;;
      --*) fail "start_server: unknown option $1"; return 1 ;;
      *) break ;;
    esac
  done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    pick_port
    start_bg "$tag" --listen "$PORT" "${SERVER_BG_OPTS[@]}" --under-test echo_mpserv -- \
      "${under[@]}" "$(prog echo_mpserv)" "${options[@]}" "$PORT" "$@" || return 1
    next_event "$tag" 10 "echo_mpserv to listen on port $PORT" || return 1
    if [ "$EVENT" = listening ]; then
      SERVER_PORT=$PORT SERVER_PID=${BG_PID[$tag]}
      SERVER_OUT=$T/$tag.out SERVER_ERR=$T/$tag.err
      return 0
    fi
    first="$EVENT $EVENT_ARG"
    finish_bg "$tag" 5 || return 1
    [ "$first" = "exit 3" ] && grep -qF "$(strerror EADDRINUSE)" "$T/$tag.err" && continue
    fail "${under[*]}${under[*]:+ }echo_mpserv ${options[*]}${options[*]:+ }$PORT $* did not start listening: $first
$(cat "$T/$tag.err")"
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

# sent_over PORT BYTES: an open connection to 127.0.0.1:PORT (established,
# or closed by the peer only) has
# carried more than BYTES bytes towards PORT, as the kernel counts them
# (ss -i, Linux 4.19 on; without it this is never true): a client whose
# input is BYTES long has sent something twice. The count is bytes_sent
# less bytes_retrans: bytes_sent counts TCP's own retransmissions too (a
# tail-loss probe resends the last segment when the peer is slow to ack),
# which are no byte the client wrote twice. The programs' own side of a
# server (source port PORT) is not counted.
sent_over() {
  local most
  most=$(ss -tniH state established state close-wait "( dst 127.0.0.1:$1 )" 2>/dev/null |
    awk '{ sent = -1; again = 0
           for (i = 1; i <= NF; i++) {
             if ($i ~ /^bytes_sent:/) sent = substr($i, 12)
             if ($i ~ /^bytes_retrans:/) again = substr($i, 15)
           }
           if (sent >= 0) print sent - again }' | sort -n | tail -n 1)
  [ -n "$most" ] && [ "$most" -gt "$2" ]
}

# resend_stop PORT INPUT: in STOP_ARGS, the run_prog options that stop a
# client of PORT reading the regular file INPUT once it has sent more than
# INPUT holds (the chapter's clients send their last line again and again
# at end of input: that proves the verdict, no deadline need pass). None
# for an INPUT that is not a regular file.
resend_stop() {
  STOP_ARGS=()
  [ -f "$2" ] || return 0
  local size
  size=$(wc -c <"$2")
  STOP_ARGS=(--stop-when "sent_over $1 $size"
    "it had sent more than the $size bytes of its input on its connection (the kernel's count, ss -i bytes_sent less bytes_retrans): it sends again what it had sent")
}

# make_data FILE SIZE: SIZE random bytes (NULs and newlines included, no
# q or Q, so no line can be a client's quit command).
make_data() { head -c "$2" /dev/urandom | tr 'qQ' 'xX' >"$1"; }

# socat_echo IN OUT [SECONDS]: sends IN to the server through socat, which
# half-closes after IN and waits for the server to close; OUT gets the echo.
# Sets SOCAT_STATUS (124: the server did not close within SECONDS, default
# 5, times the multiplier). Once a server of this file failed to close, later calls wait 1 s
# only, so that a broken server fails every test quickly, not slowly.
socat_echo() {
  local secs=${3:-5} marker=$BATS_FILE_TMPDIR/server-did-not-close
  [ ! -e "$marker" ] || secs=1
  SOCAT_STATUS=0
  bound "$secs"
  timeout -k 2 "$BOUND" socat -t 30 -T 30 STDIO "TCP:127.0.0.1:$SERVER_PORT" \
    <"$1" >"$2" 2>"$T/socat.err" 3>&- || SOCAT_STATUS=$?
  [ "$SOCAT_STATUS" != 124 ] || touch "$marker"
}
