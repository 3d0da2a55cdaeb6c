// sigaction(): reading back actions, refusing uncatchable signals, and the
// mask and flags that apply while a handler runs.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "assertion.h"
#include "child.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"

namespace procsig::test {
namespace {

void Handler(int) {}

// What the handler saw, for the mask tests. A handler-written global of
// sig_atomic_t is the only state it may share safely.
volatile sig_atomic_t g_calls = 0;
volatile sig_atomic_t g_usr2_blocked_inside = -1;
volatile sig_atomic_t g_self_blocked_inside = -1;
volatile sig_atomic_t g_disposition_reset_inside = -1;

void RecordMaskInside(int sig) {
  g_calls = g_calls + 1;
  sigset_t now;
  sigprocmask(SIG_BLOCK, nullptr, &now);
  g_usr2_blocked_inside = sigismember(&now, SIGUSR2);
  g_self_blocked_inside = sigismember(&now, sig);
  struct sigaction current {};
  sigaction(sig, nullptr, &current);
  g_disposition_reset_inside = current.sa_handler == SIG_DFL;
}

void ResetObservations() {
  g_calls = 0;
  g_usr2_blocked_inside = -1;
  g_self_blocked_inside = -1;
  g_disposition_reset_inside = -1;
}

struct sigaction ActionWith(void (*handler)(int), int flags) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  return sa;
}

// Makes sure sig is deliverable during the test whatever the runner blocked.
sigset_t Unblocking(int sig) { return ScopedSignalMask::Only(sig); }

PROCSIG_TEST(Sigaction, ReturnsOldAction, "SIGACTION.RETURNS_OLD_ACTION", "XSH sigaction",
             "the old action read back holds the handler, flags and sa_mask installed before") {
  struct sigaction installed = ActionWith(Handler, SA_RESTART);
  sigaddset(&installed.sa_mask, SIGUSR2);
  sigaddset(&installed.sa_mask, SIGTERM);
  ScopedSigaction first(SIGUSR1, installed);
  ASSERT_TRUE(first.ok());

  struct sigaction replacement = ActionWith(SIG_IGN, 0);
  struct sigaction old {};
  ASSERT_THAT(::sigaction(SIGUSR1, &replacement, &old), SyscallSucceeds());
  EXPECT_EQ(old.sa_handler, &Handler);
  EXPECT_NE(old.sa_flags & SA_RESTART, 0);
  EXPECT_EQ(old.sa_flags & (SA_NODEFER | SA_RESETHAND | SA_SIGINFO), 0);
  EXPECT_EQ(sigismember(&old.sa_mask, SIGUSR2), 1);
  EXPECT_EQ(sigismember(&old.sa_mask, SIGTERM), 1);
  EXPECT_EQ(sigismember(&old.sa_mask, SIGINT), 0);
}

PROCSIG_TEST(Sigaction, NullActOnlyQueries, "SIGACTION.NULL_ACT_QUERIES", "XSH sigaction",
             "with a null act, sigaction() reports the action without changing it") {
  ScopedSigaction installed(SIGUSR1, Handler);
  ASSERT_TRUE(installed.ok());
  struct sigaction first {};
  struct sigaction second {};
  ASSERT_THAT(::sigaction(SIGUSR1, nullptr, &first), SyscallSucceeds());
  ASSERT_THAT(::sigaction(SIGUSR1, nullptr, &second), SyscallSucceeds());
  EXPECT_EQ(first.sa_handler, &Handler);
  EXPECT_EQ(second.sa_handler, &Handler);
}

PROCSIG_TEST(Sigaction, QueriesSigkill, "SIGACTION.QUERIES_SIGKILL", "XSH sigaction",
             "querying SIGKILL's action (null act) succeeds and reports SIG_DFL") {
  struct sigaction old {};
  ASSERT_THAT(::sigaction(SIGKILL, nullptr, &old), SyscallSucceeds());
  EXPECT_EQ(old.sa_handler, SIG_DFL);
}

void ExpectRefused(int sig, void (*handler)(int)) {
  const struct sigaction sa = ActionWith(handler, 0);
  EXPECT_THAT(::sigaction(sig, &sa, nullptr), SyscallFailsWithErrno(EINVAL)) << "signal " << sig;
}

PROCSIG_TEST(Sigaction, RejectsCatchingKill, "SIGACTION.REJECTS_CATCHING_SIGKILL", "XSH sigaction",
             "installing a handler for SIGKILL fails with EINVAL") {
  ExpectRefused(SIGKILL, Handler);
}

PROCSIG_TEST(Sigaction, RejectsIgnoringKill, "SIGACTION.REJECTS_IGNORING_SIGKILL", "XSH sigaction",
             "setting SIGKILL to SIG_IGN fails with EINVAL") {
  ExpectRefused(SIGKILL, SIG_IGN);
}

PROCSIG_TEST(Sigaction, RejectsCatchingStop, "SIGACTION.REJECTS_CATCHING_SIGSTOP", "XSH sigaction",
             "installing a handler for SIGSTOP fails with EINVAL") {
  ExpectRefused(SIGSTOP, Handler);
}

PROCSIG_TEST(Sigaction, RejectsIgnoringStop, "SIGACTION.REJECTS_IGNORING_SIGSTOP", "XSH sigaction",
             "setting SIGSTOP to SIG_IGN fails with EINVAL") {
  ExpectRefused(SIGSTOP, SIG_IGN);
}

PROCSIG_TEST(Sigaction, RejectsZero, "SIGACTION.REJECTS_ZERO", "XSH sigaction",
             "sigaction() on signal number 0 fails with EINVAL") {
  ExpectRefused(0, Handler);
}

PROCSIG_TEST(Sigaction, RejectsOutOfRange, "SIGACTION.REJECTS_OUT_OF_RANGE", "XSH sigaction",
             "sigaction() on the number after SIGRTMAX fails with EINVAL") {
  ExpectRefused(SIGRTMAX + 1, Handler);
}

PROCSIG_TEST(Sigaction, SaMaskAppliedInHandler, "SIGACTION.SA_MASK_APPLIED", "XSH sigaction",
             "the signals in sa_mask are blocked while the handler runs") {
  ResetObservations();
  struct sigaction sa = ActionWith(RecordMaskInside, 0);
  sigaddset(&sa.sa_mask, SIGUSR2);
  ScopedSigaction installed(SIGUSR1, sa);
  ASSERT_TRUE(installed.ok());
  sigset_t both = Unblocking(SIGUSR1);
  sigaddset(&both, SIGUSR2);
  ScopedSignalMask unblocked(SIG_UNBLOCK, both);
  ASSERT_THAT(::raise(SIGUSR1), SyscallSucceeds());
  ASSERT_EQ(g_calls, 1);
  EXPECT_EQ(g_usr2_blocked_inside, 1) << "SIGUSR2 from sa_mask was not blocked in the handler";
}

PROCSIG_TEST(Sigaction, MaskRestoredAfterHandler, "SIGACTION.MASK_RESTORED", "XSH sigaction",
             "when the handler returns, the mask is back to what it was before the delivery") {
  ResetObservations();
  struct sigaction sa = ActionWith(RecordMaskInside, 0);
  sigaddset(&sa.sa_mask, SIGUSR2);
  ScopedSigaction installed(SIGUSR1, sa);
  ASSERT_TRUE(installed.ok());
  sigset_t both = Unblocking(SIGUSR1);
  sigaddset(&both, SIGUSR2);
  ScopedSignalMask unblocked(SIG_UNBLOCK, both);
  sigset_t before;
  ASSERT_THAT(::sigprocmask(SIG_BLOCK, nullptr, &before), SyscallSucceeds());
  ASSERT_THAT(::raise(SIGUSR1), SyscallSucceeds());
  ASSERT_EQ(g_calls, 1);
  sigset_t after;
  ASSERT_THAT(::sigprocmask(SIG_BLOCK, nullptr, &after), SyscallSucceeds());
  for (int sig = 1; sig < SIGRTMIN; ++sig) {
    EXPECT_EQ(sigismember(&after, sig), sigismember(&before, sig)) << "signal " << sig;
  }
}

PROCSIG_TEST(Sigaction, SignalBlockedInOwnHandler, "SIGACTION.SELF_BLOCKED", "XSH sigaction",
             "without SA_NODEFER the delivered signal is blocked while its handler runs") {
  ResetObservations();
  ScopedSigaction installed(SIGUSR1, ActionWith(RecordMaskInside, 0));
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, Unblocking(SIGUSR1));
  ASSERT_THAT(::raise(SIGUSR1), SyscallSucceeds());
  ASSERT_EQ(g_calls, 1);
  EXPECT_EQ(g_self_blocked_inside, 1);
}

PROCSIG_TEST(Sigaction, NodeferLeavesUnblocked, "SIGACTION.NODEFER", "XSH sigaction",
             "with SA_NODEFER the delivered signal is not blocked while its handler runs") {
  ResetObservations();
  ScopedSigaction installed(SIGUSR1, ActionWith(RecordMaskInside, SA_NODEFER));
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, Unblocking(SIGUSR1));
  ASSERT_THAT(::raise(SIGUSR1), SyscallSucceeds());
  ASSERT_EQ(g_calls, 1);
  EXPECT_EQ(g_self_blocked_inside, 0);
}

PROCSIG_TEST(Sigaction, NodeferKeepsSaMask, "SIGACTION.NODEFER_KEEPS_SA_MASK", "XSH sigaction",
             "SA_NODEFER still blocks the delivered signal when sa_mask lists it") {
  ResetObservations();
  struct sigaction sa = ActionWith(RecordMaskInside, SA_NODEFER);
  sigaddset(&sa.sa_mask, SIGUSR1);
  ScopedSigaction installed(SIGUSR1, sa);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, Unblocking(SIGUSR1));
  ASSERT_THAT(::raise(SIGUSR1), SyscallSucceeds());
  ASSERT_EQ(g_calls, 1);
  EXPECT_EQ(g_self_blocked_inside, 1);
}

PROCSIG_TEST(Sigaction, ResethandResetsToDefault, "SIGACTION.RESETHAND", "XSH sigaction",
             "SA_RESETHAND resets the disposition to SIG_DFL on entry to the handler") {
  ResetObservations();
  ScopedSigaction installed(SIGUSR1, ActionWith(RecordMaskInside, SA_RESETHAND));
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, Unblocking(SIGUSR1));
  ASSERT_THAT(::raise(SIGUSR1), SyscallSucceeds());
  ASSERT_EQ(g_calls, 1);
  EXPECT_EQ(g_disposition_reset_inside, 1) << "still installed inside the handler";
  struct sigaction after {};
  ASSERT_THAT(::sigaction(SIGUSR1, nullptr, &after), SyscallSucceeds());
  EXPECT_EQ(after.sa_handler, SIG_DFL);
}

PROCSIG_CHARACTERISE(Sigaction, ResethandMask, "SIGACTION.RESETHAND_MASK", "XSH sigaction",
                     "whether SA_RESETHAND without SA_NODEFER leaves the signal unblocked in "
                     "its handler (the sigaction page says so, its SA_NODEFER entry says "
                     "the opposite)") {
  ResetObservations();
  ScopedSigaction installed(SIGUSR1, ActionWith(RecordMaskInside, SA_RESETHAND));
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, Unblocking(SIGUSR1));
  ASSERT_THAT(::raise(SIGUSR1), SyscallSucceeds());
  ASSERT_EQ(g_calls, 1);
  RecordObserved(g_self_blocked_inside == 1 ? "blocked in handler (as without SA_RESETHAND)"
                                            : "not blocked in handler (as with SA_NODEFER)");
}

void IgnoreInfo(int, siginfo_t*, void*) {}

PROCSIG_TEST(Sigaction, ResethandSiginfoDefault, "SIGACTION.RESETHAND_SIGINFO_DEFAULT",
             "XSH sigaction",
             "an SA_SIGINFO handler installed with SA_RESETHAND runs once; the next delivery "
             "takes the default action") {
  ScopedChild child = ForkChild([] {
    struct sigaction sa {};
    sa.sa_sigaction = IgnoreInfo;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigset_t none;
    sigemptyset(&none);
    if (sigaction(SIGUSR1, &sa, nullptr) != 0 || sigprocmask(SIG_SETMASK, &none, nullptr) != 0) {
      return 2;
    }
    (void)::raise(SIGUSR1);  // caught
    (void)::raise(SIGUSR1);  // default action: terminates
    return 1;
  });
  ASSERT_TRUE(child);
  const int status = WaitForExit(child);
  ASSERT_TRUE(WIFSIGNALED(status))
      << "wait status " << status << " (exit 1: survived the second delivery)";
  EXPECT_EQ(WTERMSIG(status), SIGUSR1);
}

PROCSIG_CHARACTERISE(Sigaction, ResethandSiginfoFlag, "SIGACTION.RESETHAND_SIGINFO_FLAG",
                     "XSH sigaction",
                     "whether sigaction() still reports SA_SIGINFO after an SA_RESETHAND "
                     "delivery reset the action (POSIX says the flag is cleared; the action "
                     "itself must be SIG_DFL)") {
  struct sigaction sa {};
  sa.sa_sigaction = IgnoreInfo;
  sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  ScopedSigaction installed(SIGUSR1, sa);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, Unblocking(SIGUSR1));
  ASSERT_THAT(::raise(SIGUSR1), SyscallSucceeds());
  struct sigaction after {};
  ASSERT_THAT(::sigaction(SIGUSR1, nullptr, &after), SyscallSucceeds());
  EXPECT_EQ(after.sa_handler, SIG_DFL);
  RecordObserved((after.sa_flags & SA_SIGINFO) != 0
                     ? "SA_SIGINFO still set after the reset (POSIX: cleared)"
                     : "SA_SIGINFO cleared");
}

}  // namespace
}  // namespace procsig::test
