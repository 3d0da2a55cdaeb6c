// Breaks: sigaction() installs SIGCHLD actions without SA_NOCLDSTOP, so the
//   parent is signalled for every stop and continue of its children.
// Caught-by: SIGSTOPCONT.NOCLDSTOP_NO_CONTINUED
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <signal.h>

extern "C" int sigaction(int sig, const struct sigaction* action, struct sigaction* old) {
  using SigactionFn = int (*)(int, const struct sigaction*, struct sigaction*);
  static const auto real = reinterpret_cast<SigactionFn>(::dlsym(RTLD_NEXT, "sigaction"));
  if (sig != SIGCHLD || action == nullptr) {
    return real(sig, action, old);
  }
  struct sigaction changed = *action;
  changed.sa_flags &= ~SA_NOCLDSTOP;
  return real(sig, &changed, old);
}
