// Breaks: waitpid(INT_MIN) negates the pid without a check, wraps to
//   INT_MIN again and is taken as "any child", as an emulator's unchecked
//   -pid would: it reaps a child it must not.
// Caught-by: PIDRANGE.WAITPID_INT_MIN
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <sys/wait.h>

#include <climits>

extern "C" pid_t waitpid(pid_t pid, int* status, int options) {
  using Waitpid = pid_t (*)(pid_t, int*, int);
  static const auto real = reinterpret_cast<Waitpid>(::dlsym(RTLD_NEXT, "waitpid"));
  return real(pid == INT_MIN ? -1 : pid, status, options);
}
