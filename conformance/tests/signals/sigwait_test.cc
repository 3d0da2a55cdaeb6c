// Waiting for signals: sigwaitinfo() and sigtimedwait() in full (siginfo,
// EINTR, EAGAIN, invalid timeouts, SIGCHLD, SIGKILL, real-time order).
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <string>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "child_check.h"
#include "child_events.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

// Generous: only turns a platform that never delivers into a failure.
constexpr struct timespec kLongWait = {10, 0};

volatile sig_atomic_t g_handled = 0;
void Handled(int) { g_handled = g_handled + 1; }

PROCSIG_TEST(SignalWait, InfoFromSigqueue, "SIGWAIT.INFO_FIELDS", "XSH sigwaitinfo",
             "sigwaitinfo() takes a blocked pending signal and fills si_signo, si_code SI_QUEUE, "
             "si_pid, si_uid and si_value of its sender; kill() gives SI_USER") {
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR1));
  const sigset_t set = ScopedSignalMask::Only(SIGUSR1);
  union sigval value {};
  value.sival_int = 77;
  ASSERT_THAT(::sigqueue(::getpid(), SIGUSR1, value), SyscallSucceeds());
  siginfo_t info{};
  ASSERT_THAT(::sigwaitinfo(&set, &info), SyscallSucceedsWithValue(SIGUSR1));
  EXPECT_EQ(info.si_signo, SIGUSR1);
  EXPECT_EQ(info.si_code, SI_QUEUE);
  EXPECT_EQ(info.si_pid, ::getpid());
  EXPECT_EQ(info.si_uid, ::getuid());
  EXPECT_EQ(info.si_value.sival_int, 77);
  ASSERT_THAT(::kill(::getpid(), SIGUSR1), SyscallSucceeds());
  ASSERT_THAT(::sigtimedwait(&set, &info, &kLongWait), SyscallSucceedsWithValue(SIGUSR1));
  EXPECT_EQ(info.si_code, SI_USER);
  sigset_t pending;
  ASSERT_THAT(::sigpending(&pending), SyscallSucceeds());
  EXPECT_EQ(sigismember(&pending, SIGUSR1), 0) << "the wait must consume the signal";
}

// The timer is the event under test here: it interrupts the wait.
PROCSIG_TEST(SignalWait, EintrOutsideSet, "SIGWAIT.EINTR_OUTSIDE_SET", "XSH sigtimedwait",
             "a handled signal outside the set interrupts sigwaitinfo() and sigtimedwait() with "
             "EINTR after its handler ran") {
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR1));
  ScopedSigaction handler(SIGALRM, Handled);
  ASSERT_TRUE(handler.ok());
  const sigset_t set = ScopedSignalMask::Only(SIGUSR1);
  for (const bool timed : {false, true}) {
    g_handled = 0;
    ScopedRealTimer timer(20000);
    ASSERT_TRUE(timer.ok());
    siginfo_t info{};
    if (timed) {
      EXPECT_THAT(::sigtimedwait(&set, &info, &kLongWait), SyscallFailsWithErrno(EINTR));
    } else {
      EXPECT_THAT(::sigwaitinfo(&set, &info), SyscallFailsWithErrno(EINTR));
    }
    EXPECT_EQ(g_handled, 1);
  }
}

PROCSIG_TEST(SignalWait, Eagain, "SIGWAIT.EAGAIN", "XSH sigtimedwait",
             "sigtimedwait() with nothing pending fails with EAGAIN at the end of a zero or a "
             "non-zero timeout") {
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR1));
  const sigset_t set = ScopedSignalMask::Only(SIGUSR1);
  const struct timespec zero {};
  const struct timespec short_wait = {0, 20000000};
  EXPECT_THAT(::sigtimedwait(&set, nullptr, &zero), SyscallFailsWithErrno(EAGAIN));
  EXPECT_THAT(::sigtimedwait(&set, nullptr, &short_wait), SyscallFailsWithErrno(EAGAIN));
}

PROCSIG_TEST(SignalWait, InvalidTimeout, "SIGWAIT.INVALID_TIMEOUT", "XSH sigtimedwait",
             "sigtimedwait() fails with EINVAL for tv_nsec of 1000000000 or more, a negative "
             "tv_nsec or a negative tv_sec, even with nothing pending") {
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR1));
  const sigset_t set = ScopedSignalMask::Only(SIGUSR1);
  for (const struct timespec bad : {timespec{0, 1000000000}, timespec{0, -1}, timespec{-1, 0}}) {
    EXPECT_THAT(::sigtimedwait(&set, nullptr, &bad), SyscallFailsWithErrno(EINVAL))
        << bad.tv_sec << " s " << bad.tv_nsec << " ns";
  }
}

PROCSIG_TEST(SignalWait, AlarmReturned, "SIGWAIT.ITIMER_SIGALRM", "XSH sigtimedwait",
             "a blocked SIGALRM from ITIMER_REAL is returned by sigtimedwait()") {
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGALRM));
  const sigset_t set = ScopedSignalMask::Only(SIGALRM);
  ScopedRealTimer timer(10000);
  ASSERT_TRUE(timer.ok());
  siginfo_t info{};
  ASSERT_THAT(::sigtimedwait(&set, &info, &kLongWait), SyscallSucceedsWithValue(SIGALRM));
  EXPECT_EQ(info.si_signo, SIGALRM);
}

PROCSIG_TEST(SignalWait, SigchldFromKill, "SIGWAIT.SIGCHLD_FROM_KILL", "XSH sigtimedwait",
             "a blocked SIGCHLD, whose default action is to ignore it, sent with kill() stays "
             "pending and is returned by sigtimedwait()") {
  ScopedSigaction dfl(SIGCHLD, SIG_DFL);
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGCHLD));
  const sigset_t set = ScopedSignalMask::Only(SIGCHLD);
  ASSERT_THAT(::kill(::getpid(), SIGCHLD), SyscallSucceeds());
  siginfo_t info{};
  const struct timespec zero {};
  ASSERT_THAT(::sigtimedwait(&set, &info, &zero), SyscallSucceedsWithValue(SIGCHLD));
  EXPECT_EQ(info.si_code, SI_USER);
}

void NoteChild(int) {}

PROCSIG_TEST(SignalWait, SigchldFromExit, "SIGWAIT.SIGCHLD_FROM_EXIT", "XSH sigtimedwait",
             "a blocked SIGCHLD from a child's exit is returned by sigtimedwait(), with or "
             "without a handler installed, with si_code CLD_EXITED, the child's pid and status") {
  for (const bool with_handler : {false, true}) {
    ScopedSigaction action(SIGCHLD, with_handler ? NoteChild : SIG_DFL);
    ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGCHLD));
    const sigset_t set = ScopedSignalMask::Only(SIGCHLD);
    auto child = ForkChild([] { return 5; });
    ASSERT_TRUE(child);
    siginfo_t info{};
    ASSERT_THAT(::sigtimedwait(&set, &info, &kLongWait), SyscallSucceedsWithValue(SIGCHLD))
        << (with_handler ? "with" : "without") << " a handler";
    EXPECT_EQ(info.si_code, CLD_EXITED);
    EXPECT_EQ(info.si_pid, child.pid());
    EXPECT_EQ(info.si_status, 5);
    EXPECT_THAT(WaitForExit(child), ExitedWithStatus(5));
  }
}

PROCSIG_TEST(SignalWait, SigkillNotDequeued, "SIGWAIT.SIGKILL_NOT_DEQUEUED", "XSH sigtimedwait",
             "a process in sigtimedwait() for a set holding SIGKILL is still killed by SIGKILL") {
  Checkpoint ready;
  ChildReport report;
  auto child = ForkChild([&ready, &report] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGKILL);
    sigaddset(&set, SIGUSR1);
    CHILD_CHECK(report, ::sigprocmask(SIG_BLOCK, &set, nullptr) == 0);
    CHILD_CHECK(report, ready.Wake());
    const struct timespec wait = {30, 0};
    ::sigtimedwait(&set, nullptr, &wait);
    return 0;
  });
  ASSERT_TRUE(child);
  ASSERT_TRUE(ready.Wait()) << report.Failures();
  ASSERT_THAT(::kill(child.pid(), SIGKILL), SyscallSucceeds());
  EXPECT_THAT(WaitForExit(child), KilledBySignal(SIGKILL));
}

PROCSIG_CHARACTERISE(SignalWait, IgnoredBlockedReturned, "SIGWAIT.IGNORED_BLOCKED_RETURNED",
                     "XSH 2.4.1 Signal Generation and Delivery",
                     "whether a blocked signal whose action is SIG_IGN is kept pending, and so "
                     "returned by sigtimedwait() (POSIX leaves the discard unspecified)") {
  ScopedSigaction ignore(SIGUSR2, SIG_IGN);
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR2));
  const sigset_t set = ScopedSignalMask::Only(SIGUSR2);
  ASSERT_THAT(::kill(::getpid(), SIGUSR2), SyscallSucceeds());
  const struct timespec zero {};
  const int got = ::sigtimedwait(&set, nullptr, &zero);
  EXPECT_TRUE(got == SIGUSR2 || (got == -1 && errno == EAGAIN)) << got;
  RecordObserved(got == SIGUSR2 ? "returned" : "discarded");
}

PROCSIG_TEST(SignalWait, RealtimeLowestFirst, "SIGWAIT.REALTIME_LOWEST_FIRST", "XSH sigwaitinfo",
             "of two pending real-time signals in the set, sigwaitinfo() takes the "
             "lower-numbered first") {
  sigset_t set = ScopedSignalMask::Only(SIGRTMIN);
  sigaddset(&set, SIGRTMIN + 1);
  ScopedSignalMask blocked(SIG_BLOCK, set);
  const union sigval value {};
  ASSERT_THAT(::sigqueue(::getpid(), SIGRTMIN + 1, value), SyscallSucceeds());
  ASSERT_THAT(::sigqueue(::getpid(), SIGRTMIN, value), SyscallSucceeds());
  EXPECT_THAT(::sigwaitinfo(&set, nullptr), SyscallSucceedsWithValue(SIGRTMIN));
  EXPECT_THAT(::sigwaitinfo(&set, nullptr), SyscallSucceedsWithValue(SIGRTMIN + 1));
}

}  // namespace
}  // namespace procsig::test
