// Breaks: prctl(PR_SET_PDEATHSIG) succeeds but does nothing, as a sandbox
//   that filters the option to a no-op would.
// Caught-by: PDEATHSIG.GET_RETURNS_SET PDEATHSIG.ON_PARENT_EXIT
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <sys/prctl.h>

#include <cstdarg>

extern "C" int prctl(int option, ...) {  // NOLINT(cert-dcl50-cpp): mirrors libc's
  va_list ap;
  va_start(ap, option);
  unsigned long args[4];
  for (unsigned long& arg : args) {
    arg = va_arg(ap, unsigned long);
  }
  va_end(ap);
  if (option == PR_SET_PDEATHSIG) {
    return 0;
  }
  using Prctl = int (*)(int, ...);
  static const auto real = reinterpret_cast<Prctl>(::dlsym(RTLD_NEXT, "prctl"));
  return real(option, args[0], args[1], args[2], args[3]);
}
