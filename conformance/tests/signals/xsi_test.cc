// The XSI signal interfaces (sighold, sigrelse, sigignore, sigset,
// sigpause), marked obsolescent in POSIX.1-2008 and still in glibc and
// musl, and raise() with an invalid signal.
#include <signal.h>
#include <unistd.h>

#include "assertion.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"

// glibc marks these deprecated; calling them is the point here.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace procsig::test {
namespace {

volatile sig_atomic_t g_count = 0;
volatile sig_atomic_t g_blocked_inside = -1;

void Count(int sig) {
  g_count = g_count + 1;
  sigset_t now;
  sigprocmask(SIG_BLOCK, nullptr, &now);
  g_blocked_inside = sigismember(&now, sig);
}

bool Blocked(int sig) {
  sigset_t mask;
  ::sigprocmask(SIG_BLOCK, nullptr, &mask);
  return sigismember(&mask, sig) == 1;
}

bool Pending(int sig) {
  sigset_t pending;
  ::sigpending(&pending);
  return sigismember(&pending, sig) == 1;
}

// Saves the action and mask the XSI calls change, for the fixture's check.
// A signal a failed test left pending is discarded first (SIG_IGN), so that
// restoring the mask cannot deliver it to the default action.
struct XsiScope {
  explicit XsiScope(int sig) : sig_(sig), action(sig, Current(sig)), mask(SIG_BLOCK, Empty()) {
    g_count = 0;
    g_blocked_inside = -1;
  }
  ~XsiScope() {
    if (Pending(sig_)) {
      struct sigaction ignore {};
      ignore.sa_handler = SIG_IGN;
      ::sigaction(sig_, &ignore, nullptr);
    }
  }
  XsiScope(const XsiScope&) = delete;
  XsiScope& operator=(const XsiScope&) = delete;
  static struct sigaction Current(int sig) {
    struct sigaction now {};
    ::sigaction(sig, nullptr, &now);
    return now;
  }
  static sigset_t Empty() {
    sigset_t set;
    sigemptyset(&set);
    return set;
  }
  int sig_;
  ScopedSigaction action;
  ScopedSignalMask mask;
};

PROCSIG_TEST(SignalXsi, HoldRelse, "SIGXSI.SIGHOLD_SIGRELSE", "XSH sighold",
             "sighold() adds the signal to the mask, so it stays pending; sigrelse() removes it "
             "and the pending signal is delivered") {
  XsiScope scope(SIGUSR1);
  ScopedSigaction installed(SIGUSR1, Count);
  ASSERT_THAT(::sighold(SIGUSR1), SyscallSucceeds());
  EXPECT_TRUE(Blocked(SIGUSR1));
  ASSERT_THAT(::kill(::getpid(), SIGUSR1), SyscallSucceeds());
  EXPECT_EQ(g_count, 0);
  EXPECT_TRUE(Pending(SIGUSR1));
  ASSERT_THAT(::sigrelse(SIGUSR1), SyscallSucceeds());
  EXPECT_EQ(g_count, 1);
  EXPECT_FALSE(Blocked(SIGUSR1));
}

PROCSIG_TEST(SignalXsi, Ignore, "SIGXSI.SIGIGNORE", "XSH sighold",
             "sigignore() sets the disposition to SIG_IGN: the signal then has no effect") {
  XsiScope scope(SIGUSR2);
  ASSERT_THAT(::sigignore(SIGUSR2), SyscallSucceeds());
  EXPECT_EQ(XsiScope::Current(SIGUSR2).sa_handler, SIG_IGN);
  ASSERT_THAT(::kill(::getpid(), SIGUSR2), SyscallSucceeds());
  EXPECT_FALSE(Pending(SIGUSR2));
}

PROCSIG_TEST(SignalXsi, SigsetHandler, "SIGXSI.SIGSET_HANDLER", "XSH sighold",
             "sigset() installs a handler and returns the previous disposition; the signal is "
             "blocked while the handler runs and unblocked after") {
  XsiScope scope(SIGUSR1);
  const auto before = XsiScope::Current(SIGUSR1).sa_handler;
  EXPECT_EQ(::sigset(SIGUSR1, Count), before);
  ASSERT_THAT(::kill(::getpid(), SIGUSR1), SyscallSucceeds());
  EXPECT_EQ(g_count, 1);
  EXPECT_EQ(g_blocked_inside, 1);
  EXPECT_FALSE(Blocked(SIGUSR1));
  EXPECT_EQ(::sigset(SIGUSR1, SIG_DFL), &Count);
}

PROCSIG_TEST(SignalXsi, SigsetHold, "SIGXSI.SIGSET_HOLD", "XSH sighold",
             "sigset(sig, SIG_HOLD) adds the signal to the mask and returns the previous "
             "disposition, then SIG_HOLD while it is held; sigset() with a handler removes it "
             "from the mask again") {
  XsiScope scope(SIGUSR1);
  ASSERT_NE(::sigset(SIGUSR1, Count), SIG_ERR);
  EXPECT_EQ(::sigset(SIGUSR1, SIG_HOLD), &Count);
  EXPECT_TRUE(Blocked(SIGUSR1));
  ASSERT_THAT(::kill(::getpid(), SIGUSR1), SyscallSucceeds());
  EXPECT_EQ(g_count, 0);
  EXPECT_EQ(::sigset(SIGUSR1, SIG_HOLD), SIG_HOLD);
  EXPECT_EQ(::sigset(SIGUSR1, Count), SIG_HOLD);
  EXPECT_FALSE(Blocked(SIGUSR1));
  EXPECT_EQ(g_count, 1) << "the held signal is delivered once sigset() releases it";
}

// The timer is the event that ends the pause.
PROCSIG_TEST(SignalXsi, Pause, "SIGXSI.SIGPAUSE", "XSH sighold",
             "sigpause(sig) removes sig from the mask and waits; a caught sig makes it return -1 "
             "with EINTR, and the mask is as before (sig held again)") {
  XsiScope scope(SIGALRM);
  ScopedSigaction installed(SIGALRM, Count);
  ASSERT_THAT(::sighold(SIGALRM), SyscallSucceeds());
  ScopedRealTimer timer(10000);
  ASSERT_TRUE(timer.ok());
  EXPECT_THAT(::sigpause(SIGALRM), SyscallFailsWithErrno(EINTR));
  EXPECT_EQ(g_count, 1);
  EXPECT_TRUE(Blocked(SIGALRM));
}

PROCSIG_TEST(SignalXsi, Errors, "SIGXSI.EINVAL", "XSH sighold",
             "sighold(), sigrelse(), sigignore() and sigset() fail with EINVAL for an invalid "
             "signal, and sigignore()/sigset() for SIGKILL") {
  XsiScope scope(SIGKILL);
  EXPECT_THAT(::sighold(-1), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(::sigrelse(NSIG + 1), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(::sigignore(SIGKILL), SyscallFailsWithErrno(EINVAL));
  errno = 0;
  EXPECT_EQ(::sigset(SIGKILL, Count), SIG_ERR);
  EXPECT_EQ(errno, EINVAL);
}

PROCSIG_TEST(SignalXsi, RaiseInvalid, "SIGXSI.RAISE_INVALID", "XSH raise",
             "raise() with an invalid signal number returns non-zero and sets errno to EINVAL") {
  for (const int sig : {-1, NSIG + 1, 1000}) {
    errno = 0;
    EXPECT_NE(::raise(sig), 0) << sig;
    EXPECT_EQ(errno, EINVAL) << sig;
  }
}

}  // namespace
}  // namespace procsig::test
