// Breaks: kill() and sigqueue() of the last two real-time signals (SIGRTMAX-1,
//   SIGRTMAX) fail with EINVAL although sigaction() accepts them, as
//   qemu-user 7.2 does (it keeps the host's last real-time signals).
// Caught-by: SIGNUM.EVERY_ACCEPTED_SENT SIGNUM.EVERY_ACCEPTED_QUEUED
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>

namespace {

bool Refused(int sig) { return sig >= SIGRTMAX - 1 && sig <= SIGRTMAX; }

}  // namespace

extern "C" int kill(pid_t pid, int sig) {
  using KillFn = int (*)(pid_t, int);
  static const auto real = reinterpret_cast<KillFn>(::dlsym(RTLD_NEXT, "kill"));
  if (Refused(sig)) {
    errno = EINVAL;
    return -1;
  }
  return real(pid, sig);
}

extern "C" int sigqueue(pid_t pid, int sig, const union sigval value) {
  using SigqueueFn = int (*)(pid_t, int, const union sigval);
  static const auto real = reinterpret_cast<SigqueueFn>(::dlsym(RTLD_NEXT, "sigqueue"));
  if (Refused(sig)) {
    errno = EINVAL;
    return -1;
  }
  return real(pid, sig, value);
}
