// Breaks: sigprocmask(SIG_SETMASK) leaves the real-time signals out of the
//   mask it sets, as a layer that keeps real-time signals for itself would.
// Caught-by: PROCFS.STATUS_SIGBLK
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <signal.h>

extern "C" int sigprocmask(int how, const sigset_t* set, sigset_t* old) {
  using MaskFn = int (*)(int, const sigset_t*, sigset_t*);
  static const auto real = reinterpret_cast<MaskFn>(::dlsym(RTLD_NEXT, "sigprocmask"));
  if (how != SIG_SETMASK || set == nullptr) {
    return real(how, set, old);
  }
  sigset_t changed = *set;
  for (int sig = SIGRTMIN; sig <= SIGRTMAX; ++sig) {
    sigdelset(&changed, sig);
  }
  return real(how, &changed, old);
}
