#!/usr/bin/env bats
# Bad input: wrong argument counts, bad ports, nobody listening, unknown
# hosts. Each gives one line on stderr and its documented status.

load helpers/common

# expect_one_line RULE REGEX: stderr is exactly one line matching REGEX.
expect_one_line() {
  [ "$(wc -l <"$ERR")" -eq 1 ] && grep -qE -- "$2" "$ERR" ||
    fail "$1: expected exactly one stderr line matching '$2'
$(describe_run)"
}

# usage_case NAME ARG...: a wrong argument count (C.ALL.USAGE, or
# C.ALL.USAGE_NO_ARGS for a program that takes none).
usage_case() {
  local name=$1 rule=C.ALL.USAGE
  shift
  case $name in echo_mpserv | echo_client | echo_mpclient) ;; *) rule=C.ALL.USAGE_NO_ARGS ;; esac
  require_program "$name"
  run_quick --tag "usage$#" "$name" "$@"
  expect_status "$rule" 2 "wrong number of arguments ($#)"
  expect_one_line "$rule" "^Usage : $name( |\$)"
  rule_assert "$rule" "$name printed on stdout for a usage error" assert_file_empty "$OUT"
}

@test "C.ALL.USAGE_NO_ARGS: fork with an argument" { usage_case fork extra; }
@test "C.ALL.USAGE_NO_ARGS: zombie with an argument" { usage_case zombie extra; }
@test "C.ALL.USAGE_NO_ARGS: wait with an argument" { usage_case wait extra; }
@test "C.ALL.USAGE_NO_ARGS: waitpid with an argument" { usage_case waitpid extra; }
@test "C.ALL.USAGE_NO_ARGS: signal with an argument" { usage_case signal extra; }
@test "C.ALL.USAGE_NO_ARGS: sigaction with an argument" { usage_case sigaction extra; }
@test "C.ALL.USAGE_NO_ARGS: remove_zombie with an argument" { usage_case remove_zombie extra; }
@test "C.ALL.USAGE_NO_ARGS: fd_share with an argument" { usage_case fd_share extra; }

@test "C.ALL.USAGE: echo_mpserv with no argument and with three" {
  usage_case echo_mpserv
  usage_case echo_mpserv 9 127.0.0.1 extra
}

@test "C.ALL.USAGE: echo_client with 0, 1 and 3 arguments" {
  usage_case echo_client
  usage_case echo_client 127.0.0.1
  usage_case echo_client 127.0.0.1 9 extra
}

@test "C.ALL.USAGE: echo_mpclient with 0, 1 and 3 arguments" {
  usage_case echo_mpclient
  usage_case echo_mpclient 127.0.0.1
  usage_case echo_mpclient 127.0.0.1 9 extra
}

BAD_PORTS=(0 65536 99999999999999999999 -1 abc 80x '' 0x50)

@test "C.ECHO_MPSERV.BAD_PORT: each bad port gives 'invalid port' and status 2" {
  require_program echo_mpserv
  local p
  for p in "${BAD_PORTS[@]}"; do
    run_quick echo_mpserv "$p"
    expect_status C.ECHO_MPSERV.BAD_PORT 2 "port '$p'"
    expect_one_line C.ECHO_MPSERV.BAD_PORT "^echo_mpserv: invalid port '$p': "
  done
}

@test "C.ECHO_MPSERV.BAD_MAX_CHILDREN: a bad --max-children value gives 'invalid --max-children' and status 2; without its value, the usage line" {
  require_program echo_mpserv
  local v
  for v in 0 -3 abc 1000001 1.5 ''; do
    run_quick echo_mpserv --max-children "$v" 9
    expect_status C.ECHO_MPSERV.BAD_MAX_CHILDREN 2 "--max-children '$v'"
    expect_one_line C.ECHO_MPSERV.BAD_MAX_CHILDREN "^echo_mpserv: invalid --max-children '$v': "
  done
  run_quick echo_mpserv --max-children
  expect_status C.ECHO_MPSERV.BAD_MAX_CHILDREN 2 "'--max-children' without its value"
  expect_one_line C.ECHO_MPSERV.BAD_MAX_CHILDREN "^Usage : echo_mpserv "
}

@test "C.ECHO_MPSERV.BAD_IDLE_TIMEOUT: a bad --idle-timeout value gives 'invalid --idle-timeout' and status 2; without its value, the usage line" {
  require_program echo_mpserv
  local v
  for v in 0 0.0 -1 abc 1e3 inf ''; do
    run_quick echo_mpserv "--idle-timeout=$v" 9
    expect_status C.ECHO_MPSERV.BAD_IDLE_TIMEOUT 2 "--idle-timeout='$v'"
    expect_one_line C.ECHO_MPSERV.BAD_IDLE_TIMEOUT "^echo_mpserv: invalid --idle-timeout '$v': "
  done
  run_quick echo_mpserv --idle-timeout
  expect_status C.ECHO_MPSERV.BAD_IDLE_TIMEOUT 2 "'--idle-timeout' without its value"
  expect_one_line C.ECHO_MPSERV.BAD_IDLE_TIMEOUT "^Usage : echo_mpserv "
}

@test "C.ECHO_MPSERV.BAD_OPTION: an unknown option gives the usage line and status 2" {
  require_program echo_mpserv
  run_quick echo_mpserv --frobnicate 9
  expect_status C.ECHO_MPSERV.BAD_OPTION 2 "'--frobnicate 9'"
  expect_one_line C.ECHO_MPSERV.BAD_OPTION "^Usage : echo_mpserv "
}

@test "C.ECHO_MPSERV.BAD_ADDRESS: an address operand that is no IPv4 or IPv6 literal gives 'invalid address' and status 2" {
  require_program echo_mpserv
  local a
  for a in not-an-address 127.0.0 ::g 1.2.3.4.5; do
    run_quick echo_mpserv 9 "$a"
    expect_status C.ECHO_MPSERV.BAD_ADDRESS 2 "address '$a'"
    expect_one_line C.ECHO_MPSERV.BAD_ADDRESS "^echo_mpserv: invalid address '$(ere_quote "$a")': "
  done
}

@test "C.ECHO_CLIENT.BAD_PORT: each bad port gives 'invalid port' and status 2" {
  require_program echo_client
  local p
  for p in "${BAD_PORTS[@]}"; do
    run_quick echo_client 127.0.0.1 "$p"
    expect_status C.ECHO_CLIENT.BAD_PORT 2 "port '$p'"
    expect_one_line C.ECHO_CLIENT.BAD_PORT "^echo_client: invalid port '$p': "
  done
}

@test "C.ECHO_MPCLIENT.BAD_PORT: each bad port gives 'invalid port' and status 2" {
  require_program echo_mpclient
  local p
  for p in "${BAD_PORTS[@]}"; do
    run_quick echo_mpclient 127.0.0.1 "$p"
    expect_status C.ECHO_MPCLIENT.BAD_PORT 2 "port '$p'"
    expect_one_line C.ECHO_MPCLIENT.BAD_PORT "^echo_mpclient: invalid port '$p': "
  done
}

@test "C.ECHO_CLIENT.REFUSED: nobody listening gives strerror(ECONNREFUSED) ('Connection refused') and status 4" {
  require_program echo_client
  pick_port
  run_quick echo_client 127.0.0.1 "$PORT"
  expect_status C.ECHO_CLIENT.REFUSED 4
  expect_one_line C.ECHO_CLIENT.REFUSED "^echo_client: cannot connect to 127\.0\.0\.1:$PORT: $(ere_quote "$(strerror ECONNREFUSED)")\$"
}

@test "C.ECHO_MPCLIENT.REFUSED: nobody listening gives strerror(ECONNREFUSED) ('Connection refused') and status 4" {
  require_program echo_mpclient
  pick_port
  run_prog --deadline 5 echo_mpclient 127.0.0.1 "$PORT"
  expect_status C.ECHO_MPCLIENT.REFUSED 4
  expect_one_line C.ECHO_MPCLIENT.REFUSED "^echo_mpclient: cannot connect to 127\.0\.0\.1:$PORT: $(ere_quote "$(strerror ECONNREFUSED)")\$"
  expect_no_orphans C.ECHO_MPCLIENT.REFUSED
}

# .invalid never resolves (RFC 6761).
@test "C.ECHO_CLIENT.UNKNOWN_HOST: a name under .invalid gives 'unknown host' and status 5" {
  require_program echo_client
  run_quick --deadline 10 echo_client procsig-no-such-host.invalid 9
  expect_status C.ECHO_CLIENT.UNKNOWN_HOST 5
  expect_one_line C.ECHO_CLIENT.UNKNOWN_HOST "^echo_client: unknown host 'procsig-no-such-host\.invalid': .+"
}

@test "C.ECHO_MPCLIENT.UNKNOWN_HOST: a name under .invalid gives 'unknown host' and status 5" {
  require_program echo_mpclient
  run_prog --deadline 10 echo_mpclient procsig-no-such-host.invalid 9
  expect_status C.ECHO_MPCLIENT.UNKNOWN_HOST 5
  expect_one_line C.ECHO_MPCLIENT.UNKNOWN_HOST "^echo_mpclient: unknown host 'procsig-no-such-host\.invalid': .+"
}
