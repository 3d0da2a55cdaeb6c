// Stop and continue: STOP, CONT, TERM in a row always ends in death by
// SIGTERM; nanosleep restarts across a stop; SA_NOCLDSTOP also suppresses
// the CLD_CONTINUED SIGCHLD; a stop signal and SIGCONT discard each other
// when pending; a SIGCONT handler runs on continue.
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <optional>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "child_check.h"
#include "child_events.h"
#include "proc.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

PROCSIG_TEST(StopContinue, StopContTermDies, "SIGSTOPCONT.STOP_CONT_TERM",
             "XSH 2.4.3 Signal Actions",
             "SIGSTOP, SIGCONT and SIGTERM sent back to back always end the process by SIGTERM "
             "(the SIGCONT is never lost), 20 times over") {
  const Deadline deadline = DeadlineIn();
  for (int round = 0; round < 20; ++round) {
    Checkpoint ready;
    auto child = ForkChild([&ready] {
      PROCSIG_CHILD_CHECK(ready.Wake());
      for (;;) {
        ::pause();
      }
      return 0;
    });
    ASSERT_TRUE(child);
    ASSERT_TRUE(ready.Wait(deadline));
    ASSERT_THAT(::kill(child.pid(), SIGSTOP), SyscallSucceeds());
    ASSERT_THAT(::kill(child.pid(), SIGCONT), SyscallSucceeds());
    ASSERT_THAT(::kill(child.pid(), SIGTERM), SyscallSucceeds());
    ASSERT_THAT(WaitForExit(child, deadline), KilledBySignal(SIGTERM)) << "round " << round;
  }
}

PROCSIG_TEST(StopContinue, NanosleepRestarts, "SIGSTOPCONT.NANOSLEEP_RESTARTS", "XSH nanosleep",
             "a nanosleep() stopped by SIGSTOP and continued by SIGCONT, with no handler, goes on "
             "sleeping and returns 0, not EINTR") {
  signals::ChildEvents events;
  Checkpoint ready;
  auto child = ForkChild([&ready] {
    PROCSIG_CHILD_CHECK(ready.Wake());
    struct timespec nap = {0, 150000000};
    PROCSIG_CHILD_CHECK(::nanosleep(&nap, nullptr) == 0);
    return 0;
  });
  ASSERT_TRUE(child);
  ASSERT_TRUE(ready.Wait());
  // Observation only: stop it once it sleeps (if /proc is missing the stop
  // may come before the sleep, and the test proves less).
  (void)WaitForProcState(child.pid(), 'S');
  ASSERT_THAT(::kill(child.pid(), SIGSTOP), SyscallSucceeds());
  siginfo_t info;
  ASSERT_TRUE(events.Wait(child, WSTOPPED | WEXITED, &info));
  ASSERT_EQ(info.si_code, CLD_STOPPED);
  ASSERT_THAT(::kill(child.pid(), SIGCONT), SyscallSucceeds());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

void Ignore(int) {}

PROCSIG_TEST(StopContinue, NocldstopSuppressesContinued, "SIGSTOPCONT.NOCLDSTOP_NO_CONTINUED",
             "XSH sigaction",
             "with SA_NOCLDSTOP no SIGCHLD is generated when a stopped child is continued (nor "
             "when it stops); its exit still sends one") {
  ScopedSigaction handler(SIGCHLD, Ignore, SA_NOCLDSTOP);
  ASSERT_TRUE(handler.ok());
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGCHLD));
  Pipe running;
  Pipe finish;
  ASSERT_TRUE(running.ok() && finish.ok());
  const int running_fd = running.write_end.get();
  const int finish_fd = finish.read_end.get();
  auto child = ForkChild([running_fd, finish_fd] {
    PROCSIG_CHILD_CHECK(::raise(SIGSTOP) == 0);
    // Running again: the kernel sent any CLD_CONTINUED SIGCHLD before this.
    const char byte = 1;
    PROCSIG_CHILD_CHECK(::write(running_fd, &byte, 1) == 1);
    char got;
    PROCSIG_CHILD_CHECK(::read(finish_fd, &got, 1) == 1);
    return 0;
  });
  ASSERT_TRUE(child);
  running.write_end.reset();
  finish.read_end.reset();
  // The wait family's own report of the stop (SA_NOCLDSTOP leaves no
  // SIGCHLD to wait for); /proc's 'T' can come before it under a layer.
  std::optional<siginfo_t> stopped = AwaitChild(child.pid(), WSTOPPED);
  ASSERT_TRUE(stopped) << "no stop reported by waitid(WSTOPPED | WNOWAIT) before the deadline";
  ASSERT_EQ(stopped->si_code, CLD_STOPPED);
  siginfo_t info{};
  ASSERT_THAT(::kill(child.pid(), SIGCONT), SyscallSucceeds());
  char byte;
  ASSERT_THAT(::read(running.read_end.get(), &byte, 1), SyscallSucceedsWithValue(1));
  sigset_t pending;
  ASSERT_THAT(::sigpending(&pending), SyscallSucceeds());
  EXPECT_EQ(sigismember(&pending, SIGCHLD), 0) << "a SIGCHLD for the stop or the continue";
  ASSERT_THAT(::write(finish.write_end.get(), &byte, 1), SyscallSucceedsWithValue(1));
  const sigset_t chld = ScopedSignalMask::Only(SIGCHLD);
  const struct timespec wait = {10, 0};
  EXPECT_THAT(::sigtimedwait(&chld, &info, &wait), SyscallSucceedsWithValue(SIGCHLD));
  EXPECT_EQ(info.si_code, CLD_EXITED);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

bool IsPending(int sig) {
  sigset_t pending;
  return ::sigpending(&pending) == 0 && sigismember(&pending, sig) == 1;
}

PROCSIG_TEST(StopContinue, ContDiscardsPendingStop, "SIGSTOPCONT.CONT_DISCARDS_STOP",
             "XSH 2.4.1 Signal Generation and Delivery",
             "generating SIGCONT discards a pending stop signal (SIGTSTP blocked and pending)") {
  auto child = ForkChild([] {
    sigset_t set = ScopedSignalMask::Only(SIGTSTP);
    PROCSIG_CHILD_CHECK(::sigprocmask(SIG_BLOCK, &set, nullptr) == 0);
    PROCSIG_CHILD_CHECK(signals::ResetToDefault(SIGCONT));
    PROCSIG_CHILD_CHECK(::kill(::getpid(), SIGTSTP) == 0);
    PROCSIG_CHILD_CHECK(IsPending(SIGTSTP));
    PROCSIG_CHILD_CHECK(::kill(::getpid(), SIGCONT) == 0);
    PROCSIG_CHILD_CHECK(!IsPending(SIGTSTP));
    return 0;
  });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(StopContinue, StopDiscardsPendingCont, "SIGSTOPCONT.STOP_DISCARDS_CONT",
             "XSH 2.4.1 Signal Generation and Delivery",
             "generating a stop signal discards a pending SIGCONT (both blocked)") {
  auto child = ForkChild([] {
    sigset_t set = ScopedSignalMask::Only(SIGTSTP);
    sigaddset(&set, SIGCONT);
    PROCSIG_CHILD_CHECK(::sigprocmask(SIG_BLOCK, &set, nullptr) == 0);
    PROCSIG_CHILD_CHECK(::kill(::getpid(), SIGCONT) == 0);
    PROCSIG_CHILD_CHECK(IsPending(SIGCONT));
    PROCSIG_CHILD_CHECK(::kill(::getpid(), SIGTSTP) == 0);
    PROCSIG_CHILD_CHECK(!IsPending(SIGCONT));
    PROCSIG_CHILD_CHECK(IsPending(SIGTSTP));
    return 0;  // _exit with SIGTSTP still blocked: it never acts
  });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

int g_cont_fd = -1;
volatile sig_atomic_t g_cont_ran = 0;
void OnCont(int) {
  const char byte = 'c';
  (void)::write(g_cont_fd, &byte, 1);
  g_cont_ran = 1;
}

PROCSIG_TEST(StopContinue, ContHandlerRuns, "SIGSTOPCONT.CONT_HANDLER_RUNS",
             "XSH 2.4.3 Signal Actions",
             "a stopped process continued by SIGCONT runs its SIGCONT handler") {
  signals::ChildEvents events;
  Pipe report;
  ASSERT_TRUE(report.ok());
  const int fd = report.write_end.get();
  auto child = ForkChild([fd] {
    g_cont_fd = fd;
    struct sigaction action {};
    action.sa_handler = OnCont;
    sigemptyset(&action.sa_mask);
    PROCSIG_CHILD_CHECK(::sigaction(SIGCONT, &action, nullptr) == 0);
    // SIGCONT blocked across the stop, then waited for: the child does not
    // end before the parent's SIGCONT even where a layer lets a stopped
    // process run on (proot; WAITPID.STOPPED_DOES_NOT_RUN judges that).
    // Blocking it does not keep SIGCONT from continuing the process.
    sigset_t cont;
    sigemptyset(&cont);
    sigaddset(&cont, SIGCONT);
    sigset_t others;
    PROCSIG_CHILD_CHECK(::sigprocmask(SIG_BLOCK, &cont, &others) == 0);
    sigdelset(&others, SIGCONT);
    PROCSIG_CHILD_CHECK(::raise(SIGSTOP) == 0);
    while (g_cont_ran == 0) {
      (void)::sigsuspend(&others);
    }
    return 0;
  });
  ASSERT_TRUE(child);
  report.write_end.reset();
  siginfo_t info;
  ASSERT_TRUE(events.Wait(child, WSTOPPED | WEXITED, &info));
  ASSERT_EQ(info.si_code, CLD_STOPPED);
  ASSERT_THAT(::kill(child.pid(), SIGCONT), SyscallSucceeds());
  char byte = 0;
  EXPECT_THAT(::read(report.read_end.get(), &byte, 1), SyscallSucceedsWithValue(1));
  EXPECT_EQ(byte, 'c');
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

}  // namespace
}  // namespace procsig::test
