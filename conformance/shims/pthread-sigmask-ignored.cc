// Breaks: pthread_sigmask() in any thread but the main one reports success
//   and the old mask but changes nothing, as a threading layer that keeps
//   one mask for the whole process (the main thread's) would.
// Caught-by: SIGTHREAD.PER_THREAD_MASK
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail. (Breaking the
// main thread too would kill the whole run before any result is written.)
#include <dlfcn.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

extern "C" int pthread_sigmask(int how, const sigset_t* set, sigset_t* old) {
  using MaskFn = int (*)(int, const sigset_t*, sigset_t*);
  static const auto real = reinterpret_cast<MaskFn>(::dlsym(RTLD_NEXT, "pthread_sigmask"));
  const bool main_thread = ::syscall(SYS_gettid) == ::getpid();
  return real(how, main_thread ? set : nullptr, old);
}
