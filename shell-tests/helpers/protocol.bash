# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the .bats files
# The runner protocol: what every .bats file of the e2e and stress suites
# (and the selfcheck runs of them) shares: the Bats libraries, the set-up
# and teardown, the programs' folder, and which tests are judged (rule
# levels and claims, see docs/contract.md and docs/validating.md).

bats_require_minimum_version 1.7.0

# load_lib NAME: loads the helper library NAME (bats-support, bats-assert,
# bats-file). Bats loads a file's libraries again for every test, and their
# load.bash forks dirname once per source file; sourcing those files
# (src/*.bash, function definitions only) directly costs no process.
load_lib() {
  local f
  if [ -d "$PROCSIG_BATS_LIB/$1/src" ]; then
    for f in "$PROCSIG_BATS_LIB/$1"/src/*.bash; do
      # shellcheck disable=SC1090 # the library's own files
      source "$f"
    done
  else
    load "$PROCSIG_BATS_LIB/$1/load"
  fi
}
# bats-file (with bats-support, which it reports through) for file checks;
# a file that wants bats-assert loads it too.
load_lib bats-support
load_lib bats-file

HELPERS=${BASH_SOURCE[0]%/*}
# The system's python3 when there is one: a version manager's shim (pyenv)
# would cost a shell script's start on every helper run.
if [ -x /usr/bin/python3 ]; then PY=(/usr/bin/python3 -E -S); else PY=(python3 -E -S); fi

# PROCSIG_PROGRAM_WRAPPER ("cmd args"): every program under test is started
# as  cmd args <program> <args>  (an emulator, a sandbox, a tracer).
read -ra WRAP <<<"${PROCSIG_PROGRAM_WRAPPER:-}"

# The time scale most tests run the programs at; a file may change it.
: "${SCALE:=0.02}"

common_setup() {
  [ -n "${PROCSIG_IMPL:-}" ] || fail "PROCSIG_IMPL is not set: run the suite through shell-tests/run-bats"
  unset PROCSIG_TIME_SCALE
  declare -gA BG_WRAPPER=() BG_PID=() BG_EVFD=() BG_HELD_STDIN=() BG_LAYER=()
  SERVER_BG_OPTS=()
  T=$BATS_TEST_TMPDIR
  # bats-file's reports name temporary files from the run's folder on.
  BATSLIB_FILE_PATH_REM=${BATS_RUN_TMPDIR:-} BATSLIB_FILE_PATH_ADD='<tmp>'
  skip_unclaimed
}

# ------------------------------------------------------ levels and claims

CONTRACT=$HELPERS/../../docs/contract.md

# rule_level ID: the Level column of rule ID in docs/contract.md, in
# REPLY: chapter, robust or extension:<claim>; empty for a rule without
# one (judged like chapter) or not found.
rule_level() {
  local row cell
  REPLY=
  row=$(grep -m 1 -F -- "| \`$1\` |" "$CONTRACT" 2>/dev/null) || return 0
  row=${row#*"| \`$1\` |"}
  cell=${row%%|*}
  cell=${cell// /}
  case $cell in chapter | robust | extension:*) REPLY=$cell ;; esac
}

# claimed CLAIM: the implementation claims the extension CLAIM:
# PROCSIG_CLAIMS (comma-separated, or all), else the file claims in
# $PROCSIG_IMPL (one claim a line, '#' comments, the word all); no file,
# no claims.
claimed() {
  local claims line
  if [ -n "${PROCSIG_CLAIMS+set}" ]; then
    claims=,${PROCSIG_CLAIMS// /},
  else
    claims=,
    if [ -f "$PROCSIG_IMPL/claims" ]; then
      while IFS= read -r line || [ -n "$line" ]; do
        line=${line%%#*}
        line=${line//[[:space:]]/}
        [ -z "$line" ] || claims+=$line,
      done <"$PROCSIG_IMPL/claims"
    fi
  fi
  [[ $claims == *,all,* || $claims == *",$1,"* ]]
}

# skip_unclaimed: a test is named after its rule (its name starts
# '<ID>:'); a rule of level extension:<c> that the implementation does not
# claim is skipped with the reason 'not claimed: <c>', before anything runs.
skip_unclaimed() {
  local id=${BATS_TEST_DESCRIPTION%%:*}
  [[ $id == C.* ]] || return 0
  rule_level "$id"
  [[ $REPLY == extension:* ]] || return 0
  claimed "${REPLY#extension:}" || skip "not claimed: ${REPLY#extension:}"
}

common_teardown() {
  local tag
  for tag in "${!BG_HELD_STDIN[@]}"; do
    release_stdin "$tag"
  done
  for tag in "${!BG_WRAPPER[@]}"; do
    abort_bg "$tag"
  done
}

setup() { common_setup; }
teardown() { common_teardown; }

# require_program NAME: skips the test when the implementation lacks NAME.
require_program() {
  [ -x "$PROCSIG_IMPL/$1" ] || skip "no program '$1' in $PROCSIG_IMPL"
}

prog() { printf '%s/%s\n' "$PROCSIG_IMPL" "$1"; }
