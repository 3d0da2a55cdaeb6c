// Breaks: clone() ignores the exit signal it is given and always uses
//   SIGCHLD, as an emulator that maps every clone onto fork would.
// Caught-by: CLONE.NO_SIGCHLD_NEEDS_WCLONE CLONE.EXIT_SIGNAL_SENT
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail. The tests call
// clone through syscall(2), so that is what it wraps.
#include <dlfcn.h>
#include <sys/syscall.h>

#include <csignal>
#include <cstdarg>

extern "C" long syscall(long number, ...) {  // NOLINT(cert-dcl50-cpp): mirrors libc's
  va_list ap;
  va_start(ap, number);
  long args[6];
  for (long& arg : args) {
    arg = va_arg(ap, long);
  }
  va_end(ap);
  using Syscall = long (*)(long, ...);
  static const auto real = reinterpret_cast<Syscall>(::dlsym(RTLD_NEXT, "syscall"));
  if (number == SYS_clone) {
    args[0] = (args[0] & ~0xffL) | SIGCHLD;
  }
  return real(number, args[0], args[1], args[2], args[3], args[4], args[5]);
}
