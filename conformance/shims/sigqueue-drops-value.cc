// Breaks: sigqueue() delivers the signal but drops its value (si_value 0),
//   as a layer that turns rt_sigqueueinfo into a plain kill would.
// Caught-by: SIGDELIVERY.REALTIME_QUEUED
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <signal.h>
#include <unistd.h>

extern "C" int sigqueue(pid_t pid, int sig, const union sigval /*value*/) {
  return ::kill(pid, sig);
}
