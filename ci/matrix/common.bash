# Shared by ci/distro-matrix, ci/kernel-matrix and their helpers: the cache,
# the Debian mirror, the machine's name, and turning a finished run folder
# into a report. Sourced, never run; expects ci/lib/common.bash first.

# Everything downloaded or built once (root file systems, kernels) lives
# here, outside the source tree, so that a fresh clone reuses it.
: "${PROCSIG_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/procsig}"
export PROCSIG_CACHE

matrix_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$matrix_dir/../.." && pwd)

# The Debian archive the host's apt already uses (the only one reachable on
# some machines): PROCSIG_DEBIAN_MIRROR, else the first ".../debian" URI in
# the apt sources. No archive is named here: a host without one in its apt
# sources must say which with PROCSIG_DEBIAN_MIRROR.
debian_mirror() {
  if [ -n "${PROCSIG_DEBIAN_MIRROR:-}" ]; then
    echo "${PROCSIG_DEBIAN_MIRROR%/}"
    return
  fi
  local uri
  uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
          2>/dev/null |
        grep -v '^[[:space:]]*#' |
        grep -oE '(https?|file)://[^[:space:]]*/debian/?([[:space:]]|$)' |
        head -n 1 | tr -d '[:space:]')
  [ -n "$uri" ] ||
    die 2 "no Debian archive in the apt sources: set PROCSIG_DEBIAN_MIRROR to one (a URL ending in /debian)"
  echo "${uri%/}"
}

# "host name (CPU model, N cores, kernel)": names the machine in reports.
machine_name() {
  local cpu
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
  printf '%s (%s, %s cores, Linux %s)\n' "$(hostname 2>/dev/null || echo unknown)" \
    "${cpu:-unknown CPU}" "$(nproc)" "$(uname -r)"
}

# Writes RUN_DIR/run.json, the facts about one run that the tables and the
# report need: write_run_json DIR key=value...
write_run_json() {
  local dir=$1; shift
  python3 - "$dir/run.json" "$@" <<'EOF'
import json, sys
path, pairs = sys.argv[1], sys.argv[2:]
run = {}
for pair in pairs:
    key, _, value = pair.partition("=")
    run[key] = int(value) if value.isdigit() else value
with open(path, "w", encoding="utf-8") as f:
    json.dump(run, f, indent=1, sort_keys=True)
    f.write("\n")
EOF
}

# Merges the report.json of every run under OUT (distributions and kernels
# alike) into OUT/merged: the whole matrix in one table.
merge_everything() {
  local out=$1 reports=()
  [ -x "$repo_root/ci/report" ] || return 0
  mapfile -t reports < <(find "$out" -mindepth 3 -maxdepth 3 -path '*/report/report.json' \
    ! -path "$out/merged*" | sort)
  [ ${#reports[@]} -gt 0 ] || return 0
  "$repo_root/ci/report" merge "${reports[@]}" --out "$out/merged" >/dev/null ||
    info "matrix: ci/report merge of every run failed"
}
