// Breaks: wait4() reaps the child but hands back an all-zero rusage, as a
//   layer that emulates wait4 with waitpid would.
// Caught-by: RUSAGE.WAIT4_CHILD_CPU
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <sys/resource.h>
#include <sys/wait.h>

#include <cstring>

extern "C" pid_t wait4(pid_t pid, int* status, int options, struct rusage* usage) {
  const pid_t result = ::waitpid(pid, status, options);
  if (usage != nullptr) {
    std::memset(usage, 0, sizeof *usage);
  }
  return result;
}
