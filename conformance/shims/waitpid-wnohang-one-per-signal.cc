// Breaks: waitpid(-1, WNOHANG) reports one ended child, then 0 ("none")
//   once, though more have ended, as an emulator that keeps a single
//   "child changed" slot refilled by each SIGCHLD would. A handler that
//   loops on waitpid(WNOHANG) then reaps one child per call, and since
//   standard signals do not queue, children ending together stay zombies.
// Caught-by: SIGCHLD.REAP_LOOP_10 SIGCHLD.REAP_LOOP_100 SIGCHLD.REAP_LOOP_1000
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <signal.h>
#include <sys/wait.h>

namespace {
// Set after a WNOHANG call reaped a child; the next such call answers 0.
volatile sig_atomic_t g_slot_emptied = 0;
}  // namespace

extern "C" pid_t waitpid(pid_t pid, int* status, int options) {
  using Waitpid = pid_t (*)(pid_t, int*, int);
  static const auto real = reinterpret_cast<Waitpid>(::dlsym(RTLD_NEXT, "waitpid"));
  if (pid == -1 && (options & WNOHANG) != 0) {
    if (g_slot_emptied != 0) {
      g_slot_emptied = 0;
      return 0;
    }
    const pid_t reaped = real(pid, status, options);
    g_slot_emptied = reaped > 0 ? 1 : 0;
    return reaped;
  }
  return real(pid, status, options);
}
