// Breaks: sigprocmask(SIG_UNBLOCK) never unblocks SIGCHLD (other signals
//   are unblocked), as a layer that reserves SIGCHLD for itself would.
// Caught-by: SIGMASK.UNBLOCK_DELIVERS.SIGCHLD
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <signal.h>

extern "C" int sigprocmask(int how, const sigset_t* set, sigset_t* old) {
  using MaskFn = int (*)(int, const sigset_t*, sigset_t*);
  static const auto real = reinterpret_cast<MaskFn>(::dlsym(RTLD_NEXT, "sigprocmask"));
  if (how != SIG_UNBLOCK || set == nullptr) {
    return real(how, set, old);
  }
  sigset_t changed = *set;
  sigdelset(&changed, SIGCHLD);
  return real(how, &changed, old);
}
