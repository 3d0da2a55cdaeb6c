# Shared by the ci/ scripts: messages, the tools folder, and where bats and
# its helper libraries are found. Sourced, never run.

# Where ci/setup puts tools a distribution lacks (a recent bats-core from npm,
# Debian's bats-file).
# Outside the source tree so that a fresh clone reuses it.
: "${PROCSIG_TOOLS:=${XDG_CACHE_HOME:-$HOME/.cache}/procsig/tools}"
export PROCSIG_TOOLS

info() { printf '%s\n' "$*" >&2; }

# Prints a script's header comment from its '# Usage:' line to the end of
# the comment block: what --help and -h print.
usage_from_header() {
  sed -n '/^# Usage:/,/^[^#]/{/^[^#]/d;s/^# \{0,1\}//;s/^#$//;p}' "$1"
}
die() { local status=$1; shift; printf '%s: %s\n' "${0##*/}" "$*" >&2; exit "$status"; }

# The bats executable to use: the npm one when ci/setup brought it. Named
# by its place in the package: recent npm links no node_modules/.bin/bats
# (bats declares it through "directories", which npm 11 ignores).
bats_bin() {
  if [ -x "$PROCSIG_TOOLS/node_modules/bats/bin/bats" ]; then
    echo "$PROCSIG_TOOLS/node_modules/bats/bin/bats"
  else
    command -v bats
  fi
}

# The folder holding bats-support, bats-assert and bats-file. ci/setup's
# fallback links npm's two and Debian's bats-file into $PROCSIG_TOOLS/bats-lib.
bats_lib_dir() {
  local d
  for d in "$PROCSIG_TOOLS/bats-lib" "$PROCSIG_TOOLS/node_modules" /usr/lib/bats /usr/lib /usr/local/lib/bats /usr/share/bats; do
    if [ -f "$d/bats-support/load.bash" ] && [ -f "$d/bats-assert/load.bash" ] &&
       [ -f "$d/bats-file/load.bash" ]; then
      echo "$d"; return 0
    fi
  done
  return 1
}

# bats-core 1.7 or newer (run --separate-stderr, bats_require_minimum_version)
# with its three helper libraries.
bats_ok() {
  local b v
  b=$(bats_bin) || return 1
  v=$("$b" --version 2>/dev/null | awk '{print $2}')
  [ -n "$v" ] || return 1
  [ "$(printf '1.7.0\n%s\n' "$v" | sort -V | head -n 1)" = 1.7.0 ] || return 1
  bats_lib_dir >/dev/null
}

# Runs a command in a session of its own and fails if any process of that
# session outlives it: no suite may leave a process behind. Leftovers are
# named, killed and reaped by PID 1 or the caller's subreaper.
contained() {
  local sid status=0 left
  setsid --wait "$@" & local pid=$!
  sid=$pid
  wait "$pid" || status=$?
  left=$(ps -e -o sid=,pid=,stat=,args= | awk -v s="$sid" '$1 == s { $1 = ""; print }')
  if [ -n "$left" ]; then
    info "contained: processes left behind by '$*':"
    info "$left"
    pkill -KILL -s "$sid" 2>/dev/null || true
    [ "$status" -ne 0 ] || status=1
  fi
  return "$status"
}
