#!/usr/bin/env bats
# The suite itself: every rule of docs/contract.md has a test, and the
# implementation directory holds the programs the contract names.

load helpers/common
load_lib bats-assert

CONTRACT=$BATS_TEST_DIRNAME/../docs/contract.md
NAMES=(fork zombie wait waitpid signal sigaction remove_zombie echo_mpserv echo_mpclient echo_client fd_share)

contract_ids() { grep -oE '`C\.[A-Z0-9_]+\.[A-Z0-9_]+`' "$CONTRACT" | tr -d '`' | sort -u; }
# The e2e files and the stress suite's (shell-tests/stress/) together.
test_files() { compgen -G "$BATS_TEST_DIRNAME/*.bats"; compgen -G "$BATS_TEST_DIRNAME/stress/*.bats" || true; }
test_ids() {
  test_files | xargs sed -n 's/^@test "\(C\.[A-Z0-9_]*\.[A-Z0-9_]*\):.*/\1/p' | sort -u
}

@test "C.ALL.NAMES: every rule of docs/contract.md is checked by at least one test" {
  local missing
  [ "$(contract_ids | wc -l)" -ge 50 ] || fail "docs/contract.md: found only $(contract_ids | wc -l) rule IDs"
  missing=$(comm -23 <(contract_ids) <(test_ids))
  [ -z "$missing" ] || fail "rules of docs/contract.md without a test: $(echo $missing)"
}

@test "C.ALL.NAMES: every test name starts with a rule ID that docs/contract.md defines" {
  local unknown bad
  unknown=$(comm -13 <(contract_ids) <(test_ids))
  [ -z "$unknown" ] || fail "tests name rules the contract lacks: $(echo $unknown)"
  bad=$(test_files | xargs grep -h '^@test ' | grep -vE '^@test "C\.[A-Z0-9_]+\.[A-Z0-9_]+: ' || true)
  [ -z "$bad" ] || fail "test names that do not start with '<rule ID>: ':
$bad"
}

@test "C.ALL.NAMES: the implementation has the eleven programs (a missing one has its checks skipped)" {
  rule_assert C.ALL.NAMES "PROCSIG_IMPL '$PROCSIG_IMPL' is not a directory" assert_dir_exists "$PROCSIG_IMPL"
  local name present=() absent=()
  for name in "${NAMES[@]}"; do
    if [ -f "$PROCSIG_IMPL/$name" ] && [ -x "$PROCSIG_IMPL/$name" ]; then present+=("$name"); else absent+=("$name"); fi
  done
  [ "${#present[@]}" -gt 0 ] || fail "C.ALL.NAMES: none of the programs is in $PROCSIG_IMPL: ${NAMES[*]}"
  [ "${#absent[@]}" -eq 0 ] || skip "not in $PROCSIG_IMPL, their checks are skipped: ${absent[*]}"
}

@test "C.ALL.NAMES: require_program skips, not fails, for a program the directory lacks" {
  run bash -c 'PROCSIG_IMPL=$1; source "$2"; skip() { echo "SKIP $*"; exit 0; }; require_program no-such-program; echo RAN' \
    _ "$BATS_TEST_TMPDIR" <(sed -n '/^require_program()/,/^}/p' "$HELPERS/protocol.bash")
  assert_output "SKIP no program 'no-such-program' in $BATS_TEST_TMPDIR"
}

# unclaimed_verdict CLAIMS-FILE-LINES TEST-NAME: what skip_unclaimed does for
# TEST-NAME against a contract whose rule C.X.EXT has level extension:ext-a.
unclaimed_verdict() {
  local d=$BATS_TEST_TMPDIR
  printf '| Rule | Level | Requirement |\n|---|---|---|\n| `C.X.EXT` | extension:ext-a | a |\n| `C.X.BASE` | chapter | b |\n' >"$d/contract.md"
  printf '%s\n' "$1" >"$d/claims"
  run bash -c 'PROCSIG_IMPL=$1 CONTRACT=$2 BATS_TEST_DESCRIPTION=$3; unset PROCSIG_CLAIMS; source "$4"
    skip() { echo "SKIP $*"; exit 0; }; skip_unclaimed; echo RAN' \
    _ "$d" "$d/contract.md" "$2" <(sed -n '/^rule_level()/,/^}/p; /^claimed()/,/^}/p; /^skip_unclaimed()/,/^}/p' "$HELPERS/protocol.bash")
}

@test "C.ALL.NAMES: a test of an extension rule the implementation does not claim is skipped 'not claimed: <claim>'" {
  unclaimed_verdict '# nothing' 'C.X.EXT: something'
  assert_output 'SKIP not claimed: ext-a'
  unclaimed_verdict 'ext-a  # claimed' 'C.X.EXT: something'
  assert_output RAN
  unclaimed_verdict 'all' 'C.X.EXT: something'
  assert_output RAN
  unclaimed_verdict '' 'C.X.BASE: a chapter rule'
  assert_output RAN
}

@test "C.ALL.LINES: the suite compares lines with trailing spaces and tabs removed, nothing else" {
  printf 'a \t\n b\n\tc  \nd\r\n' >"$BATS_TEST_TMPDIR/raw"
  run norm "$BATS_TEST_TMPDIR/raw"
  assert_output "$(printf 'a\n b\n\tc\nd\r')"
}
