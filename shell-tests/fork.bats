#!/usr/bin/env bats
# fork: the gval/lval example (docs/contract.md, "fork").

load helpers/common

setup() {
  common_setup
  require_program fork
}

FORK_LINES=('Child Proc: [13, 27]' 'Parent Proc: [9, 23]')

@test "C.FORK.LINES: both lines once each, in a pipe" {
  run_prog fork
  expect_status C.FORK.EXIT 0
  expect_lines_any_order C.FORK.LINES "$OUT" "${FORK_LINES[@]}"
}

@test "C.ALL.NO_DUP: fork into a regular file prints each line once (stdio flushed before fork)" {
  run_prog --to file fork
  expect_status C.FORK.EXIT 0
  expect_lines_any_order C.ALL.NO_DUP "$OUT" "${FORK_LINES[@]}"
}

@test "C.ALL.NO_DUP: fork on a terminal prints each line once" {
  pty_command fork --deadline 10
  run "${PTY_CMD[@]}"
  [ "$status" -eq 0 ] || fail "C.FORK.EXIT: status $status on a terminal: $output"
  printf '%s\n' "$output" >"$T/pty.out"
  expect_lines_any_order C.ALL.NO_DUP "$T/pty.out" "${FORK_LINES[@]}"
}

@test "C.FORK.EXIT: exits 0, three runs in a row" {
  local i
  for i in 1 2 3; do
    run_prog --tag "run$i" fork
    expect_status C.FORK.EXIT 0
  done
}

@test "C.ALL.NO_ORPHANS: fork exits with its child ended and reaped, three runs in a row" {
  local i
  for i in 1 2 3; do
    run_prog --tag "run$i" fork
    expect_no_orphans C.ALL.NO_ORPHANS
  done
}

@test "C.ALL.ATOMIC_LINES: fork's two processes write whole lines to one file" {
  local i
  for i in 1 2; do
    run_prog --to file --tag "run$i" fork
    expect_whole_lines C.ALL.ATOMIC_LINES "$OUT" 'Child Proc: \[13, 27\]' 'Parent Proc: \[9, 23\]'
  done
}

@test "C.ALL.EXIT: fork completes with status 0 and nothing on stderr" {
  run_prog fork
  expect_status C.ALL.EXIT 0
  rule_assert C.ALL.EXIT "a successful run wrote on stderr" assert_file_empty "$ERR"
}

@test "C.ALL.LINES: fork's lines differ from the contract's at most by trailing blanks" {
  run_prog fork
  local line
  while IFS= read -r line; do
    [[ $line =~ ^(Child\ Proc:\ \[13,\ 27\]|Parent\ Proc:\ \[9,\ 23\])[\ $'\t']*$ ]] ||
      fail "C.ALL.LINES: line '$(printf '%s' "$line" | cat -A)' is not a contract line plus trailing blanks"
  done <"$OUT"
}
