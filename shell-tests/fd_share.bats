#!/usr/bin/env bats
# fd_share: two descriptors for one socket after fork, step by step.

load helpers/common

FD_LINES=(
  '1 fork: parent and child each hold a descriptor for the accepted socket'
  '2 child: close()'
  '3 peer: received "ping" sent by the parent after the child'"'"'s close(): the socket is still open'
  '4 child: shutdown(SHUT_WR) on its own copy'
  '5 peer: read end of stream although the parent still holds a descriptor: shutdown() acts on the socket'
  '6 parent: received "pong" from the peer: the other direction still works'
  '7 parent: close(): the last descriptor is gone'
)

setup() {
  common_setup
  require_program fd_share
}

@test "C.FD_SHARE.LINES: the seven steps in order, in a pipe" {
  run_prog fd_share
  expect_lines C.FD_SHARE.LINES "$OUT" "${FD_LINES[@]}"
  expect_status C.FD_SHARE.EXIT 0
}

@test "C.ALL.NO_DUP: fd_share into a regular file prints each step once" {
  run_prog --to file fd_share
  expect_lines C.ALL.NO_DUP "$OUT" "${FD_LINES[@]}"
}

@test "C.FD_SHARE.EXIT: exits 0 with the child reaped and nothing on stderr, three runs" {
  local i
  for i in 1 2 3; do
    run_prog --tag "run$i" fd_share
    expect_status C.FD_SHARE.EXIT 0
    expect_no_orphans C.FD_SHARE.EXIT
    rule_assert C.FD_SHARE.EXIT "a successful run wrote on stderr" assert_file_empty "$ERR"
  done
}

@test "C.ALL.ATOMIC_LINES: fd_share's processes write whole lines to one file" {
  run_prog --to file fd_share
  expect_whole_lines C.ALL.ATOMIC_LINES "$OUT" '[1-7] (fork|child|peer|parent): .*'
}
