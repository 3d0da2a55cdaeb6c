// Breaks: kill() with pid 0 or a negative pid other than -1 (a process
//   group) returns 0 and signals no one; kill() of one process still works.
// Caught-by: SIGPGRP.KILL_ZERO SIGPGRP.KILL_MINUS_PGID
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <signal.h>
#include <sys/types.h>

extern "C" int kill(pid_t pid, int sig) {
  if (pid == 0 || pid < -1) {
    return 0;
  }
  using KillFn = int (*)(pid_t, int);
  static const auto real = reinterpret_cast<KillFn>(::dlsym(RTLD_NEXT, "kill"));
  return real(pid, sig);
}
