// Breaks: sigaction() with SIG_IGN installs a handler that does nothing
//   instead, as an emulator that catches every signal itself does: the
//   kernel (and /proc/PID/status) sees the signal caught, not ignored.
// Caught-by: PROCFS.STATUS_SIGCGT PROCFS.STATUS_SIGIGN
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <signal.h>

namespace {

void DoNothing(int) {}

}  // namespace

extern "C" int sigaction(int sig, const struct sigaction* action, struct sigaction* old) {
  using SigactionFn = int (*)(int, const struct sigaction*, struct sigaction*);
  static const auto real = reinterpret_cast<SigactionFn>(::dlsym(RTLD_NEXT, "sigaction"));
  if (action == nullptr || (action->sa_flags & SA_SIGINFO) != 0 || action->sa_handler != SIG_IGN) {
    return real(sig, action, old);
  }
  struct sigaction changed = *action;
  changed.sa_handler = DoNothing;
  return real(sig, &changed, old);
}
