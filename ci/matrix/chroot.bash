# Mounting, entering and leaving a Debian chroot so that nothing is left
# behind: every mount made here is undone by chroot_leave (call it from an
# EXIT trap), and every process whose root is inside the chroot is killed
# first. Sourced by ci/matrix/distro-run; expects ci/lib/common.bash and
# ci/matrix/common.bash (for $matrix_dir).
# shellcheck shell=bash disable=SC2154

chroot_mounts=()

# Mounts one file system and remembers it for chroot_leave.
chroot_mount_one() {
  local target=$1; shift
  mkdir -p "$target"
  if ! mount "$@" "$target"; then
    info "chroot: cannot mount $* on $target"
    return 1
  fi
  chroot_mounts+=("$target")
}

# Mounts the pseudo file systems a build and the suites need. /dev is the
# host's (bind) so that ptys and /dev/null behave as on the host; /tmp is a
# fresh tmpfs so that nothing written there reaches the cache.
chroot_enter() {
  local root=$1
  chroot_unmount_below "$root"
  chroot_mount_one "$root/proc" -t proc proc || return 1
  chroot_mount_one "$root/dev" --bind /dev || return 1
  chroot_mount_one "$root/dev/pts" --bind /dev/pts || return 1
  chroot_mount_one "$root/dev/shm" -t tmpfs -o mode=1777 tmpfs || return 1
  chroot_mount_one "$root/sys" -t sysfs sysfs 2>/dev/null ||
    chroot_mount_one "$root/sys" --rbind /sys || return 1
  chroot_mount_one "$root/tmp" -t tmpfs -o mode=1777,size=4g tmpfs || return 1
  # Name resolution and the host's extra certificate authorities (a TLS
  # proxy in front of the npm registry needs its CA inside too).
  cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  if [ -d /usr/local/share/ca-certificates ]; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
  fi
}

# Processes whose root directory is ROOT or below it.
chroot_pids() {
  local root=$1 p r
  for p in /proc/[0-9]*; do
    r=$(readlink "$p/root" 2>/dev/null) || continue
    case "$r" in "$root" | "$root"/*) echo "${p#/proc/}" ;; esac
  done
}

# Kills everything running in the chroot, waits (with a deadline) until it
# has gone, then unmounts in reverse order. Safe to call twice.
chroot_leave() {
  local root=$1 pids deadline i
  pids=$(chroot_pids "$root")
  if [ -n "$pids" ]; then
    info "chroot: killing processes left in $root: $(echo "$pids" | tr '\n' ' ')"
    # shellcheck disable=SC2086 # one PID a word
    kill -KILL $pids 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while [ -n "$(chroot_pids "$root")" ] && [ "$SECONDS" -lt "$deadline" ]; do
      sleep 0.1  # polling /proc with a deadline: nothing to wait on instead
    done
  fi
  for ((i = ${#chroot_mounts[@]} - 1; i >= 0; i--)); do
    umount -R "${chroot_mounts[i]}" 2>/dev/null || umount -R -l "${chroot_mounts[i]}" ||
      info "chroot: cannot unmount ${chroot_mounts[i]}"
  done
  chroot_mounts=()
  chroot_unmount_below "$root"
}

# Unmounts whatever is still mounted below ROOT (an earlier run that was
# killed before its trap ran), deepest first.
chroot_unmount_below() {
  local root=$1 m
  awk -v r="$root" '$5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo |
    sort -r | while read -r m; do
      [ "$m" = "$root" ] && continue
      umount "$m" 2>/dev/null || umount -l "$m" || info "chroot: cannot unmount $m"
    done
}

# Runs a command inside ROOT with a clean environment, under the reaper so
# that nothing it starts outlives it: chroot_run ROOT [VAR=value...] -- CMD...
chroot_run() {
  local root=$1; shift
  local -a vars=(HOME=/root LANG=C.UTF-8 TERM=dumb
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    PROCSIG_TOOLS=/opt/procsig-tools DEBIAN_FRONTEND=noninteractive)
  # Node ignores the system store; the chroot's bundle holds the host's CAs.
  [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && vars+=(NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
  while [ $# -gt 0 ] && [ "$1" != -- ]; do vars+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  "$matrix_dir/../lib/reaper" chroot "$root" /usr/bin/env -i "${vars[@]}" "$@"
}
