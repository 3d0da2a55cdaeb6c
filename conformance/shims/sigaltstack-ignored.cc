// Breaks: sigaltstack() reports success for a new stack but installs
//   nothing (queries still work), as an emulator that runs every handler
//   on the thread's own stack would.
// Caught-by: SIGALTSTACK.HANDLER_ON_ALTSTACK SIGALTSTACK.STACK_OVERFLOW_HANDLED
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <signal.h>

extern "C" int sigaltstack(const stack_t* /*stack*/, stack_t* old) {
  using AltFn = int (*)(const stack_t*, stack_t*);
  static const auto real = reinterpret_cast<AltFn>(::dlsym(RTLD_NEXT, "sigaltstack"));
  return real(nullptr, old);
}
