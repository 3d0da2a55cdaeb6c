// Breaks: the return from a SIGALRM handler loses the interrupted code's
//   rcx (x86-64), as an emulator or kernel whose sigreturn path treats rcx
//   like a syscall-clobbered register would. To stay harmless elsewhere it
//   clobbers only when rcx holds the pattern SIGUSERMODE.GPR_PRESERVED loads.
// Caught-by: SIGUSERMODE.GPR_PRESERVED
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail. It puts a
// trampoline between the kernel and SIGALRM handlers that edits the saved
// context before sigreturn, and hides the trampoline from sigaction queries.
#include <dlfcn.h>
#include <signal.h>
#include <ucontext.h>

namespace {

using SigactionFn = int (*)(int, const struct sigaction*, struct sigaction*);

SigactionFn Real() {
  static const auto real = reinterpret_cast<SigactionFn>(::dlsym(RTLD_NEXT, "sigaction"));
  return real;
}

struct sigaction g_user;  // the SIGALRM action the program asked for

void Trampoline(int sig, siginfo_t* info, void* context) {
  if ((g_user.sa_flags & SA_SIGINFO) != 0) {
    g_user.sa_sigaction(sig, info, context);
  } else {
    g_user.sa_handler(sig);
  }
#if defined(__x86_64__)
  auto* uc = static_cast<ucontext_t*>(context);
  if (uc->uc_mcontext.gregs[REG_RCX] == static_cast<greg_t>(0x0303030303030303ULL)) {
    uc->uc_mcontext.gregs[REG_RCX] = 0;
  }
#endif
}

}  // namespace

extern "C" int sigaction(int sig, const struct sigaction* action, struct sigaction* old) {
  if (sig != SIGALRM) {
    return Real()(sig, action, old);
  }
  const struct sigaction previous_user = g_user;
  struct sigaction installed {};
  const struct sigaction* pass = action;
  const bool wrap =
      action != nullptr && action->sa_handler != SIG_DFL && action->sa_handler != SIG_IGN;
  if (wrap) {
    installed = *action;
    installed.sa_sigaction = Trampoline;
    installed.sa_flags |= SA_SIGINFO;
    pass = &installed;
  }
  const int result = Real()(sig, pass, old);
  if (result == 0) {
    if (old != nullptr && old->sa_sigaction == Trampoline) {
      // The kernel's record (its mask, its flags) with the program's handler.
      old->sa_sigaction = previous_user.sa_sigaction;
      old->sa_flags = (old->sa_flags & ~SA_SIGINFO) | (previous_user.sa_flags & SA_SIGINFO);
    }
    if (wrap) {
      g_user = *action;
    }
  }
  return result;
}
