// Breaks: sigtimedwait() treats every timeout as zero: with nothing pending
//   it fails with EAGAIN at once instead of waiting, as an emulator that
//   drops the timeout argument would.
// Caught-by: SIGWAIT.SIGCHLD_FROM_EXIT SIGWAIT.ITIMER_SIGALRM
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <signal.h>
#include <time.h>

extern "C" int sigtimedwait(const sigset_t* set, siginfo_t* info,
                            const struct timespec* /*timeout*/) {
  using WaitFn = int (*)(const sigset_t*, siginfo_t*, const struct timespec*);
  static const auto real = reinterpret_cast<WaitFn>(::dlsym(RTLD_NEXT, "sigtimedwait"));
  const struct timespec zero {};
  return real(set, info, &zero);
}
