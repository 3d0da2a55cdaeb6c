#pragma once

#include <signal.h>

#include <initializer_list>

namespace procsig {

// sigaction() with an empty sa_mask; exits with status 1 on failure.
void install_handler(int sig, void (*handler)(int), int flags = 0);
void restore_default(int sig);

sigset_t make_sigset(std::initializer_list<int> sigs);

// Blocks `sigs` and returns the mask to wait with (pselect, ppoll,
// sigsuspend): the previous mask with `sigs` unblocked, so that a mask
// inherited from the caller cannot keep them out.
sigset_t block_signals(std::initializer_list<int> sigs);

// Saves errno on construction and restores it on destruction: the first
// line of every handler, which must not disturb the code it interrupted.
class ErrnoGuard {
 public:
  ErrnoGuard() noexcept;
  ~ErrnoGuard();
  ErrnoGuard(const ErrnoGuard&) = delete;
  ErrnoGuard& operator=(const ErrnoGuard&) = delete;

 private:
  int saved_;
};

}  // namespace procsig
