// Breaks: posix_spawn() ignores POSIX_SPAWN_SETSID (the flag is accepted
//   and dropped), as a posix_spawn built on an older flag set would.
// Caught-by: SPAWN.SETSID
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <spawn.h>

#ifndef POSIX_SPAWN_SETSID
#define POSIX_SPAWN_SETSID 0x80
#endif

extern "C" int posix_spawnattr_setflags(posix_spawnattr_t* attr, short flags) {
  using SetFlags = int (*)(posix_spawnattr_t*, short);
  static const auto real =
      reinterpret_cast<SetFlags>(::dlsym(RTLD_NEXT, "posix_spawnattr_setflags"));
  return real(attr, static_cast<short>(flags & ~POSIX_SPAWN_SETSID));
}
