// Breaks: sigaction() installs the action without SA_NODEFER, so a handler
//   always runs with its own signal blocked, as an emulator that rebuilds
//   the kernel's sigaction flags from a partial list would.
// Caught-by: SIGFAULT.NODEFER
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <signal.h>

extern "C" int sigaction(int sig, const struct sigaction* action, struct sigaction* old) {
  using SigactionFn = int (*)(int, const struct sigaction*, struct sigaction*);
  static const auto real = reinterpret_cast<SigactionFn>(::dlsym(RTLD_NEXT, "sigaction"));
  if (action == nullptr) {
    return real(sig, action, old);
  }
  struct sigaction changed = *action;
  changed.sa_flags &= ~SA_NODEFER;
  return real(sig, &changed, old);
}
