// Generation and delivery of standard signals: pending while blocked,
// delivery on unblock, no queueing, discarding, kill() checks, and what a
// fork child inherits.
#include <grp.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "assertion.h"
#include "child.h"
#include "interrupt.h"
#include "proc.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"

namespace procsig::test {
namespace {

using signals::g_handler_log;

bool IsPending(int sig) {
  sigset_t pending;
  sigemptyset(&pending);
  sigpending(&pending);
  return sigismember(&pending, sig) == 1;
}

PROCSIG_TEST(SignalDelivery, BlockedStaysPending, "SIGDELIVERY.BLOCKED_STAYS_PENDING",
             "XSH 2.4.1 Signal Generation and Delivery",
             "a blocked signal is not delivered and sigpending() reports it") {
  signals::ResetHandlerLog();
  ScopedSigaction installed(SIGUSR1, signals::CountAndAck);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR1));
  ASSERT_THAT(::raise(SIGUSR1), SyscallSucceeds());
  EXPECT_EQ(g_handler_log.count, 0);
  EXPECT_TRUE(IsPending(SIGUSR1));
  // Leave nothing pending for the next test: SIG_IGN discards it.
  ScopedSigaction discard(SIGUSR1, SIG_IGN);
}

PROCSIG_TEST(SignalDelivery, PendingVisibleInProc, "SIGDELIVERY.PENDING_IN_PROC",
             "XSH 2.4.1 Signal Generation and Delivery",
             "a signal raised while blocked shows in /proc/self/status SigPnd and SigBlk") {
  ScopedSigaction installed(SIGUSR2, signals::CountAndAck);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR2));
  ASSERT_THAT(::raise(SIGUSR2), SyscallSucceeds());
  const auto status = ReadProcStatus(::getpid());
  ASSERT_TRUE(status.has_value());
  EXPECT_NE(status->pending & SignalBit(SIGUSR2), 0u) << std::hex << status->pending;
  EXPECT_NE(status->blocked & SignalBit(SIGUSR2), 0u) << std::hex << status->blocked;
  ScopedSigaction discard(SIGUSR2, SIG_IGN);
}

PROCSIG_TEST(SignalDelivery, DeliveredOnUnblock, "SIGDELIVERY.DELIVERED_ON_UNBLOCK",
             "XSH sigprocmask",
             "a pending signal is delivered once, before the sigprocmask() that unblocks it "
             "returns") {
  signals::ResetHandlerLog();
  ScopedSigaction installed(SIGUSR1, signals::CountAndAck);
  ASSERT_TRUE(installed.ok());
  sigset_t usr1 = ScopedSignalMask::Only(SIGUSR1);
  ScopedSignalMask restore(SIG_BLOCK, usr1);
  ASSERT_THAT(::raise(SIGUSR1), SyscallSucceeds());
  ASSERT_EQ(g_handler_log.count, 0);
  ASSERT_THAT(::sigprocmask(SIG_UNBLOCK, &usr1, nullptr), SyscallSucceeds());
  EXPECT_EQ(g_handler_log.count, 1);
  EXPECT_FALSE(IsPending(SIGUSR1));
}

PROCSIG_TEST(SignalDelivery, StandardNotQueued, "SIGDELIVERY.STANDARD_NOT_QUEUED",
             "XSH 2.4.1 Signal Generation and Delivery",
             "a standard signal raised 5 times while blocked is delivered once on unblock") {
  signals::ResetHandlerLog();
  ScopedSigaction installed(SIGUSR1, signals::CountAndAck);
  ASSERT_TRUE(installed.ok());
  sigset_t usr1 = ScopedSignalMask::Only(SIGUSR1);
  ScopedSignalMask restore(SIG_BLOCK, usr1);
  for (int i = 0; i < 5; ++i) {
    ASSERT_THAT(::raise(SIGUSR1), SyscallSucceeds());
  }
  ASSERT_THAT(::sigprocmask(SIG_UNBLOCK, &usr1, nullptr), SyscallSucceeds());
  EXPECT_EQ(g_handler_log.count, 1);
}

PROCSIG_TEST(SignalDelivery, RaiseDeliversBeforeReturn, "SIGDELIVERY.RAISE_BEFORE_RETURN",
             "XSH raise",
             "raise() of an unblocked caught signal runs the handler before it returns") {
  signals::ResetHandlerLog();
  ScopedSigaction installed(SIGUSR1, signals::CountAndAck);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGUSR1));
  ASSERT_THAT(::raise(SIGUSR1), SyscallSucceedsWithValue(0));
  EXPECT_EQ(g_handler_log.count, 1);
  EXPECT_EQ(g_handler_log.last_signal, SIGUSR1);
}

PROCSIG_TEST(SignalDelivery, KillSelfDeliversBeforeReturn, "SIGDELIVERY.KILL_SELF_BEFORE_RETURN",
             "XSH kill",
             "kill(getpid(), sig) delivers the unblocked caught signal before it returns") {
  signals::ResetHandlerLog();
  ScopedSigaction installed(SIGUSR2, signals::CountAndAck);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGUSR2));
  ASSERT_THAT(::kill(::getpid(), SIGUSR2), SyscallSucceedsWithValue(0));
  EXPECT_EQ(g_handler_log.count, 1);
}

PROCSIG_TEST(SignalDelivery, IgnoredSignalDiscarded, "SIGDELIVERY.IGNORED_DISCARDED",
             "XSH 2.4.3 Signal Actions",
             "an unblocked signal whose action is SIG_IGN has no effect and is not left "
             "pending") {
  ScopedSigaction ignored(SIGUSR1, SIG_IGN);
  ASSERT_TRUE(ignored.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGUSR1));
  ASSERT_THAT(::raise(SIGUSR1), SyscallSucceeds());
  EXPECT_FALSE(IsPending(SIGUSR1));
}

PROCSIG_CHARACTERISE(SignalDelivery, IgnoredBlockedSignal, "SIGDELIVERY.IGNORED_BLOCKED",
                     "XSH 2.4.1 Signal Generation and Delivery",
                     "whether a blocked signal whose action is SIG_IGN is discarded at "
                     "generation or stays pending") {
  ScopedSigaction ignored(SIGUSR1, SIG_IGN);
  ASSERT_TRUE(ignored.ok());
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR1));
  ASSERT_THAT(::raise(SIGUSR1), SyscallSucceeds());
  const bool pending = IsPending(SIGUSR1);
  RecordObserved(pending ? "stays pending" : "discarded");
  if (pending) {
    // Setting SIG_IGN again discards it (XSH 2.4.3), leaving nothing behind.
    ScopedSigaction discard(SIGUSR1, SIG_IGN);
    EXPECT_FALSE(IsPending(SIGUSR1));
  }
}

PROCSIG_TEST(SignalDelivery, IgnoreDiscardsPending, "SIGDELIVERY.SIG_IGN_DISCARDS_PENDING",
             "XSH 2.4.3 Signal Actions",
             "setting SIG_IGN for a pending blocked signal discards it") {
  signals::ResetHandlerLog();
  ScopedSigaction installed(SIGUSR1, signals::CountAndAck);
  ASSERT_TRUE(installed.ok());
  sigset_t usr1 = ScopedSignalMask::Only(SIGUSR1);
  ScopedSignalMask restore(SIG_BLOCK, usr1);
  ASSERT_THAT(::raise(SIGUSR1), SyscallSucceeds());
  ASSERT_TRUE(IsPending(SIGUSR1));
  {
    ScopedSigaction ignore(SIGUSR1, SIG_IGN);
    EXPECT_FALSE(IsPending(SIGUSR1));
  }
  ASSERT_THAT(::sigprocmask(SIG_UNBLOCK, &usr1, nullptr), SyscallSucceeds());
  EXPECT_EQ(g_handler_log.count, 0) << "the discarded signal was delivered";
}

PROCSIG_TEST(SignalDelivery, DefaultTerminates, "SIGDELIVERY.DEFAULT_TERMINATES",
             "XSH 2.4.3 Signal Actions",
             "SIGUSR1 with SIG_DFL terminates the process, reported by WTERMSIG") {
  ScopedChild child = ForkChild([] {
    (void)::signal(SIGUSR1, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    (void)::raise(SIGUSR1);
    return 0;
  });
  ASSERT_TRUE(child);
  const int status = WaitForExit(child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "wait status " << status;
  EXPECT_EQ(WTERMSIG(status), SIGUSR1);
}

PROCSIG_TEST(SignalDelivery, SigwaitTakesPending, "SIGDELIVERY.SIGWAIT_TAKES_PENDING",
             "XSH sigwait",
             "sigwait() returns a pending blocked signal and clears it without running the "
             "handler") {
  signals::ResetHandlerLog();
  ScopedSigaction installed(SIGUSR1, signals::CountAndAck);
  ASSERT_TRUE(installed.ok());
  const sigset_t usr1 = ScopedSignalMask::Only(SIGUSR1);
  ScopedSignalMask blocked(SIG_BLOCK, usr1);
  ASSERT_THAT(::raise(SIGUSR1), SyscallSucceeds());
  int got = 0;
  ASSERT_EQ(::sigwait(&usr1, &got), 0);
  EXPECT_EQ(got, SIGUSR1);
  EXPECT_FALSE(IsPending(SIGUSR1));
  EXPECT_EQ(g_handler_log.count, 0);
}

PROCSIG_TEST(SignalDelivery, SigtimedwaitTimesOut, "SIGDELIVERY.SIGTIMEDWAIT_EAGAIN",
             "XSH sigtimedwait",
             "sigtimedwait() with a zero timeout and nothing pending fails with EAGAIN") {
  const sigset_t usr1 = ScopedSignalMask::Only(SIGUSR1);
  ScopedSignalMask blocked(SIG_BLOCK, usr1);
  const struct timespec zero = {0, 0};
  EXPECT_THAT(::sigtimedwait(&usr1, nullptr, &zero), SyscallFailsWithErrno(EAGAIN));
}

PROCSIG_TEST(SignalDelivery, KillZeroChecksExistence, "SIGDELIVERY.KILL_ZERO", "XSH kill",
             "kill(pid, 0) succeeds for a live child and fails with ESRCH once it is reaped") {
  ScopedChild child = ForkChild([] {
    ::pause();
    return 0;
  });
  ASSERT_TRUE(child);
  const pid_t pid = child.pid();
  EXPECT_THAT(::kill(pid, 0), SyscallSucceeds());
  ASSERT_THAT(::kill(pid, SIGKILL), SyscallSucceeds());
  const int status = WaitForExit(child);
  ASSERT_TRUE(WIFSIGNALED(status));
  // The pid could in principle be reused at once; ESRCH is the answer
  // unless that happened.
  const int result = ::kill(pid, 0);
  if (result == 0) {
    GTEST_SKIP() << "pid " << pid << " was reused before the check";
  }
  EXPECT_EQ(errno, ESRCH) << DescribeErrno(errno);
}

PROCSIG_TEST(SignalDelivery, KillRejectsBadSignal, "SIGDELIVERY.KILL_EINVAL", "XSH kill",
             "kill() with a signal number that is not valid fails with EINVAL") {
  EXPECT_THAT(::kill(::getpid(), SIGRTMAX + 1), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(::kill(::getpid(), -1), SyscallFailsWithErrno(EINVAL));
}

PROCSIG_TEST(SignalDelivery, KillNeedsPermission, "SIGDELIVERY.KILL_EPERM", "XSH kill",
             "an unprivileged process cannot signal a process of another user (EPERM)") {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root to create a process of another user";
  }
  const pid_t target = ::getpid();
  ScopedChild child = ForkChild([target] {
    const gid_t nogroup = 65534;
    if (::setgroups(0, nullptr) != 0 || ::setgid(nogroup) != 0 || ::setuid(65534) != 0) {
      return 2;
    }
    if (::kill(target, 0) == 0) {
      return 1;
    }
    return errno == EPERM ? 0 : 3;
  });
  ASSERT_TRUE(child);
  const int status = WaitForExit(child);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0)
      << "exit 1: kill() succeeded; 2: could not drop privileges; 3: another errno";
}

PROCSIG_TEST(SignalDelivery, ForkChildHasNoPending, "SIGDELIVERY.FORK_CLEARS_PENDING", "XSH fork",
             "the child of fork() starts with no pending signals") {
  ScopedSigaction installed(SIGUSR1, signals::CountAndAck);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR1));
  ASSERT_THAT(::raise(SIGUSR1), SyscallSucceeds());
  ScopedChild child = ForkChild([] { return IsPending(SIGUSR1) ? 1 : 0; });
  ASSERT_TRUE(child);
  EXPECT_EQ(WaitForExit(child), 0) << "the child inherited the pending SIGUSR1";
  EXPECT_TRUE(IsPending(SIGUSR1)) << "the parent lost its pending SIGUSR1";
  ScopedSigaction discard(SIGUSR1, SIG_IGN);
}

PROCSIG_TEST(SignalDelivery, ForkChildKeepsMaskAndActions, "SIGDELIVERY.FORK_KEEPS_MASK_ACTIONS",
             "XSH fork", "the child of fork() inherits the signal mask and the signal actions") {
  ScopedSigaction caught(SIGUSR1, signals::CountAndAck);
  ScopedSigaction ignored(SIGUSR2, SIG_IGN);
  ASSERT_TRUE(caught.ok() && ignored.ok());
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGTERM));
  ScopedChild child = ForkChild([] {
    sigset_t mask;
    struct sigaction usr1 {};
    struct sigaction usr2 {};
    sigprocmask(SIG_BLOCK, nullptr, &mask);
    sigaction(SIGUSR1, nullptr, &usr1);
    sigaction(SIGUSR2, nullptr, &usr2);
    int wrong = 0;
    wrong |= sigismember(&mask, SIGTERM) == 1 ? 0 : 1;
    wrong |= usr1.sa_handler == &signals::CountAndAck ? 0 : 2;
    wrong |= usr2.sa_handler == SIG_IGN ? 0 : 4;
    return wrong;
  });
  ASSERT_TRUE(child);
  const int status = WaitForExit(child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "bits: 1 mask lost, 2 handler lost, 4 SIG_IGN lost";
}

PROCSIG_TEST(SignalDelivery, StopAndContinue, "SIGDELIVERY.STOP_CONTINUE",
             "XSH 2.4.3 Signal Actions",
             "SIGSTOP stops a process (WIFSTOPPED) and SIGCONT resumes it (WIFCONTINUED)") {
  ScopedChild child = ForkChild([] {
    for (;;) {
      ::pause();
    }
    return 0;
  });
  ASSERT_TRUE(child);
  const pid_t pid = child.pid();
  int status = 0;
  ASSERT_THAT(::kill(pid, SIGSTOP), SyscallSucceeds());
  ASSERT_THAT(::waitpid(pid, &status, WUNTRACED), SyscallSucceedsWithValue(pid));
  ASSERT_TRUE(WIFSTOPPED(status)) << status;
  EXPECT_EQ(WSTOPSIG(status), SIGSTOP);
  ASSERT_THAT(::kill(pid, SIGCONT), SyscallSucceeds());
  ASSERT_THAT(::waitpid(pid, &status, WCONTINUED), SyscallSucceedsWithValue(pid));
  EXPECT_TRUE(WIFCONTINUED(status)) << status;
}

}  // namespace
}  // namespace procsig::test
