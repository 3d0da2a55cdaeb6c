#include "signals.h"

#include <cerrno>
#include <string>

#include "errors.h"

namespace procsig {

void install_handler(int sig, void (*handler)(int), int flags) {
  struct sigaction act {};
  act.sa_handler = handler;
  sigemptyset(&act.sa_mask);
  act.sa_flags = flags;
  if (::sigaction(sig, &act, nullptr) != 0) {
    die_errno(kExitRuntime, "sigaction(" + std::to_string(sig) + ")", errno);
  }
}

void restore_default(int sig) { install_handler(sig, SIG_DFL); }

sigset_t make_sigset(std::initializer_list<int> sigs) {
  sigset_t set;
  sigemptyset(&set);
  for (const int sig : sigs) {
    sigaddset(&set, sig);
  }
  return set;
}

sigset_t block_signals(std::initializer_list<int> sigs) {
  const sigset_t set = make_sigset(sigs);
  sigset_t previous;
  if (::sigprocmask(SIG_BLOCK, &set, &previous) != 0) {
    die_errno(kExitRuntime, "sigprocmask", errno);
  }
  for (const int sig : sigs) {
    sigdelset(&previous, sig);
  }
  return previous;
}

ErrnoGuard::ErrnoGuard() noexcept : saved_(errno) {}
ErrnoGuard::~ErrnoGuard() { errno = saved_; }

}  // namespace procsig
