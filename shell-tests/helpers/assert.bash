# shellcheck shell=bash
# shellcheck disable=SC2153 # STATUS, OUT, ERR: set by the runs of sched.bash
# Assertions: each failure names its rule first (the line ci/report and
# ci/selfcheck take as the message), then what was observed.

# rule_assert RULE WHY ASSERTION [ARG...]: runs a bats-assert or bats-file
# assertion. On failure one line "RULE: WHY" comes first, the line ci/report
# and ci/selfcheck take as the test's message, then the assertion's report.
rule_assert() {
  local rule=$1 why=$2 report
  shift 2
  report=$("$@" 2>&1) && return 0
  fail "$rule: $why
${report#$'\n'}"
}

# describe_run: one paragraph on the last run, for failure messages.
describe_run() {
  printf 'status: %s%s, elapsed: %s s\n--- stdout ---\n%s\n--- stderr ---\n%s\n' \
    "$STATUS" "${STOP_WHY:+ (stopped by the test: $STOP_WHY)}" "$ELAPSED" \
    "$(head -c 2000 "$OUT" | cat -A | head -n 40)" "$(head -c 2000 "$ERR")"
  [ -z "$ORPHANS" ] || printf -- '--- left behind ---\n%s' "$ORPHANS"
  [ -z "${LAYER:-}" ] || printf -- '--- under %s ---\nthe program: pid %s; %s\n' \
    "${WRAP[*]}" "$PID" "$(layer_found "$LAYER")"
}

# layer_found "LAYER_PID HOW": the runner's 'layer' event (LAYER, or
# BG_LAYER[TAG]) in words: the layer's pid and how the program was found in it.
layer_found() { printf 'the layer: pid %s; found: %s' "${1%% *}" "${1#* }"; }

# expect_status RULE N [WHY]: the last run ended with status N.
expect_status() {
  local why=${3:-}
  if [ "$STATUS" = timeout ]; then
    fail "$1: still running at the deadline, expected exit status $2${why:+: $why}
$(describe_run)"
  elif [ "$STATUS" = stopped ]; then
    fail "$1: stopped before its end, as it would not end: ${STOP_WHY}; expected exit status $2${why:+: $why}
$(describe_run)"
  elif [ "$STATUS" != "$2" ]; then
    fail "$1: exit status $STATUS, expected $2${why:+: $why}
$(describe_run)"
  fi
}

# expect_no_orphans RULE: the last run left no process behind.
expect_no_orphans() {
  [ -z "$ORPHANS" ] || fail "$1: the program exited leaving these processes behind (pid state args); its children must have ended and been reaped:
$ORPHANS"
}

# strerror NAME: the platform's text for the errno NAME (EADDRINUSE is
# "Address already in use" with glibc, "Address in use" with musl). Python's
# os.strerror asks the C library the programs use.
strerror() {
  "${PY[@]}" -c 'import errno, os, sys; print(os.strerror(getattr(errno, sys.argv[1])))' "$1"
}

# ere_quote TEXT: an extended regular expression that matches TEXT only.
ere_quote() { printf '%s\n' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'; }

# norm FILE: the file's lines with trailing blanks removed (C.ALL.LINES).
norm() { sed 's/[ \t]*$//' "$1"; }

# expect_lines RULE FILE LINE...: the normalised file is exactly these lines.
expect_lines() {
  local rule=$1 file=$2 got want
  shift 2
  got=$(norm "$file")
  want=$(printf '%s\n' "$@")
  [ "$got" = "$want" ] || fail "$rule: output differs from the contract
--- expected ---
$want
--- got ---
$(printf '%s' "$got" | cat -A)"
}

# count_matching FILE REGEX: how many normalised lines match REGEX (ERE).
count_matching() { norm "$1" | grep -cE -- "$2" || true; }

# expect_count RULE FILE REGEX N WHAT: exactly N lines match.
expect_count() {
  local n
  n=$(count_matching "$2" "$3")
  [ "$n" = "$4" ] || fail "$1: $n lines '$5' ($3), expected $4
--- output ---
$(norm "$2")"
}

# expect_whole_lines RULE FILE REGEX...: every line matches one of the
# given whole-line patterns: none was cut or mixed with another.
expect_whole_lines() {
  local rule=$1 file=$2 pat alt='' bad status=0
  shift 2
  for pat in "$@"; do alt+="${alt:+|}($pat)"; done
  # One grep for the first line that matches none (a bash loop over a
  # server's hundreds of log lines took a tenth of a second).
  bad=$(norm "$file" | grep -n -v -E -- "^($alt)\$") || status=$?
  [ "$status" != 1 ] || return 0
  [ "$status" = 0 ] || { fail "expect_whole_lines: bad pattern among: $*"; return 1; }
  bad=${bad%%$'\n'*}
  fail "$rule: line ${bad%%:*} matches none of the lines the program may print: '${bad#*:}'
--- output ---
$(cat -A "$file")"
}

# expect_same RULE EXPECTED GOT WHAT: byte-identical files (bats-file's
# assert_files_equal, which compares with cmp), else the rule, the sizes and
# the first difference, then bats-file's report.
expect_same() {
  local report
  report=$(assert_files_equal "$2" "$3" 2>&1) && return 0
  local first
  first=$(cmp "$2" "$3" 2>&1 | sed -n '1{s/^.* differ: /first difference at /;s/^cmp: EOF on .* after /the shorter ends after /;p}')
  fail "$1: $4: $(stat -c %s "$3") bytes came back for $(stat -c %s "$2") sent; $first
${report#$'\n'}"
}

# expect_lines_any_order RULE FILE LINE...: the same lines, in any order.
expect_lines_any_order() {
  local rule=$1 file=$2 got want
  shift 2
  got=$(norm "$file" | LC_ALL=C sort)
  want=$(printf '%s\n' "$@" | LC_ALL=C sort)
  [ "$got" = "$want" ] || fail "$rule: output differs from the contract (order aside)
--- expected ---
$want
--- got ---
$(norm "$file" | cat -A)"
}

# elapsed_at_least SECONDS / elapsed_below SECONDS: compare ELAPSED. A
# lower bound is the chapter's time and stays; an upper bound ("promptly")
# is a bound like any other, times the multiplier (clock.bash).
elapsed_at_least() { local want; to_us "$1"; want=$REPLY; to_us "$ELAPSED"; [ "$REPLY" -ge "$want" ]; }
elapsed_below() { local want; bound "$1"; to_us "$BOUND"; want=$REPLY; to_us "$ELAPSED"; [ "$REPLY" -lt "$want" ]; }

# log_count FILE REGEX: lines of a growing log that match.
log_count() { grep -cE -- "$2" "$1" 2>/dev/null || true; }

# log_has FILE REGEX N: at least N matching lines (for wait_until).
log_has() { [ "$(log_count "$1" "$2")" -ge "$3" ]; }
