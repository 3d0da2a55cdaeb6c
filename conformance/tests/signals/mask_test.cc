// The signal mask: SIG_BLOCK, SIG_UNBLOCK and SIG_SETMASK arithmetic, what
// cannot be blocked, and, for every catchable signal, delivery before
// sigprocmask(SIG_UNBLOCK) returns.
#include <signal.h>
#include <unistd.h>

#include <initializer_list>

#include "assertion.h"
#include "child_events.h"
#include "param_assertion.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"

namespace procsig::test {
namespace {

volatile sig_atomic_t g_count = 0;
volatile sig_atomic_t g_last = 0;

void Count(int sig) {
  g_count = g_count + 1;
  g_last = sig;
}

sigset_t Set(std::initializer_list<int> sigs) {
  sigset_t set;
  sigemptyset(&set);
  for (const int sig : sigs) {
    sigaddset(&set, sig);
  }
  return set;
}

sigset_t CurrentMask() {
  sigset_t mask;
  sigemptyset(&mask);
  ::sigprocmask(SIG_BLOCK, nullptr, &mask);
  return mask;
}

PROCSIG_PARAM_TEST(SignalMask, UnblockDelivers, "XSH sigprocmask",
                   "the signal sent while blocked by sigprocmask(SIG_BLOCK) stays pending and is "
                   "delivered once before sigprocmask(SIG_UNBLOCK) returns, which reports the "
                   "old mask holding it",
                   int sig) {
  if (!signals::SurvivesSelfKill(sig)) {
    return;
  }
  g_count = 0;
  g_last = 0;
  ScopedSigaction installed(sig, Count);
  ASSERT_TRUE(installed.ok()) << DescribeErrno(installed.error());
  ScopedSignalMask restore(SIG_UNBLOCK, ScopedSignalMask::Only(sig));
  const sigset_t only = ScopedSignalMask::Only(sig);
  ASSERT_THAT(::sigprocmask(SIG_BLOCK, &only, nullptr), SyscallSucceeds());
  ASSERT_THAT(::kill(::getpid(), sig), SyscallSucceeds());
  EXPECT_EQ(g_count, 0);
  sigset_t pending;
  ASSERT_THAT(::sigpending(&pending), SyscallSucceeds());
  EXPECT_EQ(sigismember(&pending, sig), 1);
  sigset_t old;
  ASSERT_THAT(::sigprocmask(SIG_UNBLOCK, &only, &old), SyscallSucceeds());
  EXPECT_EQ(g_count, 1);
  EXPECT_EQ(g_last, sig);
  EXPECT_EQ(sigismember(&old, sig), 1);
  const sigset_t now = CurrentMask();
  EXPECT_EQ(sigismember(&now, sig), 0);
}
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGHUP, "SIGMASK.UNBLOCK_DELIVERS.SIGHUP", SIGHUP)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGINT, "SIGMASK.UNBLOCK_DELIVERS.SIGINT", SIGINT)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGQUIT, "SIGMASK.UNBLOCK_DELIVERS.SIGQUIT", SIGQUIT)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGILL, "SIGMASK.UNBLOCK_DELIVERS.SIGILL", SIGILL)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGTRAP, "SIGMASK.UNBLOCK_DELIVERS.SIGTRAP", SIGTRAP)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGABRT, "SIGMASK.UNBLOCK_DELIVERS.SIGABRT", SIGABRT)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGBUS, "SIGMASK.UNBLOCK_DELIVERS.SIGBUS", SIGBUS)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGFPE, "SIGMASK.UNBLOCK_DELIVERS.SIGFPE", SIGFPE)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGUSR1, "SIGMASK.UNBLOCK_DELIVERS.SIGUSR1", SIGUSR1)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGSEGV, "SIGMASK.UNBLOCK_DELIVERS.SIGSEGV", SIGSEGV)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGUSR2, "SIGMASK.UNBLOCK_DELIVERS.SIGUSR2", SIGUSR2)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGPIPE, "SIGMASK.UNBLOCK_DELIVERS.SIGPIPE", SIGPIPE)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGALRM, "SIGMASK.UNBLOCK_DELIVERS.SIGALRM", SIGALRM)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGTERM, "SIGMASK.UNBLOCK_DELIVERS.SIGTERM", SIGTERM)
#ifdef SIGSTKFLT
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGSTKFLT, "SIGMASK.UNBLOCK_DELIVERS.SIGSTKFLT",
                 SIGSTKFLT)
#endif
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGCHLD, "SIGMASK.UNBLOCK_DELIVERS.SIGCHLD", SIGCHLD)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGCONT, "SIGMASK.UNBLOCK_DELIVERS.SIGCONT", SIGCONT)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGTSTP, "SIGMASK.UNBLOCK_DELIVERS.SIGTSTP", SIGTSTP)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGTTIN, "SIGMASK.UNBLOCK_DELIVERS.SIGTTIN", SIGTTIN)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGTTOU, "SIGMASK.UNBLOCK_DELIVERS.SIGTTOU", SIGTTOU)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGURG, "SIGMASK.UNBLOCK_DELIVERS.SIGURG", SIGURG)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGXCPU, "SIGMASK.UNBLOCK_DELIVERS.SIGXCPU", SIGXCPU)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGXFSZ, "SIGMASK.UNBLOCK_DELIVERS.SIGXFSZ", SIGXFSZ)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGVTALRM, "SIGMASK.UNBLOCK_DELIVERS.SIGVTALRM",
                 SIGVTALRM)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGPROF, "SIGMASK.UNBLOCK_DELIVERS.SIGPROF", SIGPROF)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGWINCH, "SIGMASK.UNBLOCK_DELIVERS.SIGWINCH",
                 SIGWINCH)
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGPOLL, "SIGMASK.UNBLOCK_DELIVERS.SIGPOLL", SIGPOLL)
#ifdef SIGPWR
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGPWR, "SIGMASK.UNBLOCK_DELIVERS.SIGPWR", SIGPWR)
#endif
PROCSIG_INSTANCE(SignalMask, UnblockDelivers, SIGSYS, "SIGMASK.UNBLOCK_DELIVERS.SIGSYS", SIGSYS)

PROCSIG_TEST(SignalMask, SetmaskReadBack, "SIGMASK.SETMASK_READ_BACK", "XSH sigprocmask",
             "SIG_SETMASK with a full set blocks every signal but SIGKILL and SIGSTOP, and the "
             "previous mask comes back in oset") {
  const sigset_t before = CurrentMask();
  sigset_t full;
  sigfillset(&full);
  sigset_t old;
  ScopedSignalMask restore(SIG_BLOCK, Set({}));
  ASSERT_THAT(::sigprocmask(SIG_SETMASK, &full, &old), SyscallSucceeds());
  const sigset_t now = CurrentMask();
  for (int sig = 1; sig < NSIG; ++sig) {
    EXPECT_EQ(sigismember(&old, sig), sigismember(&before, sig)) << "old mask, signal " << sig;
    if (sig == SIGKILL || sig == SIGSTOP) {
      EXPECT_EQ(sigismember(&now, sig), 0) << "signal " << sig;
    } else {
      // glibc keeps its reserved real-time signals out of a set it fills.
      EXPECT_EQ(sigismember(&now, sig), sigismember(&full, sig)) << "signal " << sig;
    }
  }
}

PROCSIG_TEST(SignalMask, BlockIsUnion, "SIGMASK.BLOCK_UNION", "XSH sigprocmask",
             "SIG_BLOCK adds the set to the mask and SIG_UNBLOCK removes it, leaving the other "
             "signals as they were") {
  ScopedSignalMask restore(SIG_BLOCK, Set({}));
  const sigset_t usr1 = Set({SIGUSR1});
  const sigset_t usr2_hup = Set({SIGUSR2, SIGHUP});
  ASSERT_THAT(::sigprocmask(SIG_BLOCK, &usr1, nullptr), SyscallSucceeds());
  ASSERT_THAT(::sigprocmask(SIG_BLOCK, &usr2_hup, nullptr), SyscallSucceeds());
  sigset_t now = CurrentMask();
  EXPECT_EQ(sigismember(&now, SIGUSR1), 1);
  EXPECT_EQ(sigismember(&now, SIGUSR2), 1);
  EXPECT_EQ(sigismember(&now, SIGHUP), 1);
  ASSERT_THAT(::sigprocmask(SIG_UNBLOCK, &usr2_hup, nullptr), SyscallSucceeds());
  now = CurrentMask();
  EXPECT_EQ(sigismember(&now, SIGUSR1), 1);
  EXPECT_EQ(sigismember(&now, SIGUSR2), 0);
  EXPECT_EQ(sigismember(&now, SIGHUP), 0);
}

PROCSIG_TEST(SignalMask, NullSetQueries, "SIGMASK.NULL_SET_QUERIES", "XSH sigprocmask",
             "with a null set, sigprocmask() changes nothing whatever how is, and reports the "
             "mask in oset") {
  ScopedSignalMask blocked(SIG_BLOCK, Set({SIGUSR2}));
  for (const int how : {SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK}) {
    sigset_t old;
    sigemptyset(&old);
    ASSERT_THAT(::sigprocmask(how, nullptr, &old), SyscallSucceeds()) << "how " << how;
    EXPECT_EQ(sigismember(&old, SIGUSR2), 1) << "how " << how;
    const sigset_t now = CurrentMask();
    EXPECT_EQ(sigismember(&now, SIGUSR2), 1) << "how " << how;
  }
}

}  // namespace
}  // namespace procsig::test
