# shellcheck shell=bash
# Fault: half of the wait() and waitpid() calls fail with EINTR, as when a
# signal handler runs. Survives when: fork, wait, waitpid and
# remove_zombie still print their lines and exit 0 (C.FORK.LINES,
# C.WAIT.LINES, C.WAITPID.LINES, C.REMOVE_ZOMBIE.LINES).

scenario() {
  local eintr='enable_random name=posix/proc/wait*,probability=0.5,failinfo=4'
  local p
  for p in fork wait waitpid remove_zombie; do
    PROCSIG_TIME_SCALE=0.02 run_for 10 "$p" "${FIU[@]}" "$eintr" "$(prog "$p")"
    expect_status "$p" 0
  done
  lines_are fork 'Child Proc: [13, 27]' 'Parent Proc: [9, 23]'
  # C.WAIT.LINES lets the two statuses come in either order.
  statuses_are wait 'Child send (one|two): ' '3 7'
  lines_are waitpid 'Child send 24'
  lines_are remove_zombie 'Child send: 12' 'Child send: 24'
}

# lines_are TAG LINE...: these lines, and no other line of their kind, are
# in $WORK/TAG.out (in any order).
lines_are() {
  local tag=$1 line
  shift
  for line in "$@"; do
    grep -qxF "$line" "$WORK/$tag.out" || problem "$tag: no line '$line' in: $(head -c 300 "$WORK/$tag.out")"
  done
}

# statuses_are TAG PREFIX_REGEX 'A B': the values after PREFIX_REGEX in
# $WORK/TAG.out are exactly A and B, in any order.
statuses_are() {
  local tag=$1 prefix=$2 want=$3 got
  got=$(sed -En "s/^${prefix}([0-9]+)$/\2/p" "$WORK/$tag.out" | sort -n | tr '\n' ' ')
  [ "${got% }" = "$want" ] || problem "$tag: statuses '${got% }', expected '$want' in: $(head -c 300 "$WORK/$tag.out")"
}
