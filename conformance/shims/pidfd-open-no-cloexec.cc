// Breaks: pidfd_open() returns a descriptor without FD_CLOEXEC, so it leaks
//   into every program the caller execs.
// Caught-by: PIDFD.OPEN_CLOEXEC
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail. pidfd_open is
// called through syscall(2) (older C libraries have no wrapper), so that is
// what it wraps.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/syscall.h>

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
  const long result = real(number, args[0], args[1], args[2], args[3], args[4], args[5]);
#ifdef SYS_pidfd_open
  if (number == SYS_pidfd_open && result >= 0) {
    ::fcntl(static_cast<int>(result), F_SETFD, 0);
  }
#endif
  return result;
}
