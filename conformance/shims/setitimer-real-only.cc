// Breaks: setitimer() of ITIMER_VIRTUAL or ITIMER_PROF reports success but
//   arms nothing (ITIMER_REAL still works), as an emulator without CPU-time
//   timers would.
// Caught-by: ITIMER.DELIVERS.VIRTUAL ITIMER.DELIVERS.PROF ITIMER.READ_BACK.VIRTUAL
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <sys/time.h>

extern "C" int setitimer(__itimer_which_t which, const struct itimerval* value,
                         struct itimerval* old) {
  using SetFn = int (*)(__itimer_which_t, const struct itimerval*, struct itimerval*);
  static const auto real = reinterpret_cast<SetFn>(::dlsym(RTLD_NEXT, "setitimer"));
  if (which == ITIMER_VIRTUAL || which == ITIMER_PROF) {
    if (old != nullptr) {
      *old = itimerval{};
    }
    return 0;
  }
  return real(which, value, old);
}
