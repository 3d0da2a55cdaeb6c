# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the .bats files
# /proc probes: observations of processes (state, parent, children,
# descriptors). An observation, never proof of an event: waits that need
# a child ended go through the runner's events or the wait family.

# proc_stat PID: sets STATE and PPID from /proc/PID/stat; fails if gone.
proc_stat() {
  local line rest
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
  rest=${line##*) }
  STATE=${rest%% *}
  rest=${rest#* }
  PPID_OF=${rest%% *}
}

# proc_schedstat PID: sets RUN_NS and WAIT_NS, the nanoseconds PID has run
# on a CPU and waited for one (/proc/PID/schedstat); fails if PID is gone
# or the kernel keeps no schedstat.
proc_schedstat() {
  RUN_NS='' WAIT_NS=''
  { read -r RUN_NS WAIT_NS _ <"/proc/$1/schedstat"; } 2>/dev/null && [ -n "$WAIT_NS" ]
}

# maps_file PID NAME: a file whose name ends in NAME is mapped into PID
# (/proc/PID/maps); fails if not, or if PID is gone.
maps_file() { grep -q -- "/$2\$" "/proc/$1/maps" 2>/dev/null; }

# is_zombie_child PID PARENT: PID exists as a zombie whose parent is PARENT.
is_zombie_child() { proc_stat "$1" && [ "$STATE" = Z ] && [ "$PPID_OF" = "$2" ]; }

# gone_or_not_child PID PARENT: PID is no longer a child of PARENT.
gone_or_not_child() { ! proc_stat "$1" || [ "$PPID_OF" != "$2" ]; }

# children_of PID: the PIDs of its children, one per line, as the kernel
# lists them (/proc/PID/task/*/children, every thread's), or ps where the
# kernel has no such file.
children_of() {
  local f kids=() k
  for f in "/proc/$1/task/"*/children; do
    [ -e "$f" ] || { ps -o pid= --ppid "$1" | tr -d ' ' || true; return 0; }
    # The file holds one line without a newline: read returns 1 at its end.
    k=()
    read -ra k <"$f" 2>/dev/null || true
    kids+=("${k[@]}")
  done
  [ "${#kids[@]}" -eq 0 ] || printf '%s\n' "${kids[@]}"
}

# has_n_children PID N: PID has N children or more.
has_n_children() { [ "$(children_of "$1" | wc -l)" -ge "$2" ]; }

# alive PID: PID exists and has not ended (no zombie).
alive() { proc_stat "$1" && [ "$STATE" != Z ]; }

# zombies_of PID: the PIDs of its children in state Z.
zombies_of() { ps -o pid=,stat= --ppid "$1" | awk '$2 ~ /^Z/ { print $1 }' || true; }

has_children() { [ -n "$(children_of "$1")" ]; }
has_children_or_gone() { has_children "$1" || ! alive "$1"; }
no_zombies_of() { [ -z "$(zombies_of "$1")" ]; }
no_children_of() { [ -z "$(children_of "$1")" ]; }
gone() { ! [ -e "/proc/$1" ]; }

# in_sleep_call PID: PID is blocked in nanosleep or clock_nanosleep, as
# /proc/PID/wchan names it (or, where wchan is hidden, the system call
# number of /proc/PID/syscall on x86_64). An observation: used to give up
# on a premise, never to fail a program.
in_sleep_call() {
  local where='' nr=''
  { read -r where <"/proc/$1/wchan"; } 2>/dev/null || true
  [[ $where == *nanosleep* ]] && return 0
  [ -n "${MACHINE:-}" ] || MACHINE=$(uname -m)
  { read -r nr _ <"/proc/$1/syscall"; } 2>/dev/null || return 1
  [ "$MACHINE" = x86_64 ] && { [ "$nr" = 35 ] || [ "$nr" = 230 ]; }
}

# holds_its_lines PID FILE REGEX: PID sleeps with no child left, and its
# stdout FILE has no line matching REGEX, the last line it prints before
# that sleep: its lines are held in its stdio buffer until it exits (which
# the contract allows), so none can be matched with its children while
# they exist. (A child may have written a copy of the parent's buffer at
# its exit: C.ALL.NO_DUP's business.)
holds_its_lines() { ! grep -qE -- "$3" "$2" && no_children_of "$1" && in_sleep_call "$1"; }

# fd_count PID: how many descriptors PID holds.
fd_count() {
  local -a fds=("/proc/$1/fd/"*)
  echo "${#fds[@]}"
}
