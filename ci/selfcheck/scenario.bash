# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the scenarios
# The helpers of the fault scenarios (ci/selfcheck/faults/*.bash), sourced by
# ci/selfcheck/fault after lib.bash. A scenario calls `problem` for every
# way the programs fall short of the contract; none means they survived.

PROBLEMS=0
# problem MESSAGE: the programs did not survive as the contract says.
problem() { PROBLEMS=$((PROBLEMS + 1)); note "$*"; }

prog() { printf '%s/%s\n' "$PROCSIG_REF_BIN" "$1"; }

# "${FIU[@]}" COMMAND PROGRAM [ARG...] runs PROGRAM under libfiu's POSIX
# wrappers with one fiu-run command ('enable name=...' or 'enable_random
# name=...'). fiu-run ends in exec: the program keeps the PID started.
FIU=(fiu-run -x -f '' -c)

# run_for SECONDS TAG COMMAND...: runs COMMAND to its end, stdin from
# $WORK/TAG.in if it exists, stdout and stderr into $WORK/TAG.out and
# $WORK/TAG.err; sets RAN (its status, 124 if still running at SECONDS).
run_for() {
  local secs=$1 tag=$2 input=/dev/null
  shift 2
  [ ! -f "$WORK/$tag.in" ] || input=$WORK/$tag.in
  RAN=0
  timeout -k 2 "$secs" "$@" <"$input" >"$WORK/$tag.out" 2>"$WORK/$tag.err" || RAN=$?
}

# make_data FILE SIZE: SIZE random bytes, NULs and newlines included, with
# no line that a client would take for 'q'.
make_data() { head -c "$2" /dev/urandom | tr 'qQ' 'xX' >"$1"; }

# make_lines FILE COUNT: COUNT (a multiple of 4) lines of 63 printable bytes.
make_lines() { head -c "$(($2 * 189 / 4))" /dev/urandom | base64 -w 63 >"$1"; }

# echo_through TAG IN: sends IN to echo_mpserv on $PORT through socat, which
# half-closes after it; $WORK/TAG.out gets what came back. Returns 1 (with
# a problem) unless every byte came back, in order.
echo_through() {
  local tag=$1 input=$2 status=0
  timeout -k 2 20 socat -t 30 -T 30 STDIO "TCP:127.0.0.1:$PORT" <"$input" >"$WORK/$tag.out" \
    2>"$WORK/$tag.err" || status=$?
  if [ "$status" = 124 ]; then
    problem "$tag: the server did not close the connection within 20 s of the client's half-close"
    return 1
  fi
  cmp -s "$input" "$WORK/$tag.out" && return 0
  problem "$tag: $(stat -c %s "$WORK/$tag.out") bytes came back for $(stat -c %s "$input") sent: $(cmp "$input" "$WORK/$tag.out" 2>&1 | head -n 1)"
  return 1
}

# one_line_like TAG PROGRAM REGEX: $WORK/TAG.err is exactly one line, of the
# contract's form '<program>: <what failed>: <reason>', matching REGEX.
one_line_like() {
  local tag=$1 program=$2 regex=$3 lines
  lines=$(wc -l <"$WORK/$tag.err")
  if [ "$lines" != 1 ] || ! grep -qE "^$program: $regex$" "$WORK/$tag.err"; then
    problem "$tag: stderr should be one line '$program: $regex', got: $(head -c 400 "$WORK/$tag.err")"
  fi
}

# expect_status TAG WANT: RAN is WANT.
expect_status() {
  [ "$RAN" = "$2" ] && return 0
  case $RAN in
    124) problem "$1: still running after its deadline, expected status $2" ;;
    *) problem "$1: exit status $RAN, expected $2; stderr: $(head -c 300 "$WORK/$1.err")" ;;
  esac
}

# stop_server TAG: SIGTERM to $SERVER, which must exit 0 within 5 s
# (C.ECHO_MPSERV.STOP) after its children are all reaped.
stop_server() {
  until_deadline 5 no_children "$SERVER" ||
    problem "$1: echo_mpserv ($SERVER) still has children 5 s after its clients left: $(children_of "$SERVER")"
  stop "$SERVER" TERM 5
  [ "$STOPPED_STATUS" = 0 ] || problem "$1: echo_mpserv ended with status $STOPPED_STATUS after SIGTERM, expected 0; stderr: $(head -c 300 "$WORK/$1.err")"
}

no_children() { [ -z "$(children_of "$1")" ]; }

# peer TAG: socat echoing one connection back, on a free port (PORT),
# for the clients to talk to.
peer() { serve "$1" socat -t 5 PIPE 'TCP-LISTEN:{PORT},bind=127.0.0.1'; }
