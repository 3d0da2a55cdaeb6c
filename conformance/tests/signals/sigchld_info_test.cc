// SIGCHLD as an SA_SIGINFO handler sees it (si_code, si_pid, si_status for
// exit, kill, stop, continue), SA_NOCLDSTOP, and the two ways of asking for
// no zombies: SA_NOCLDWAIT and SIGCHLD set to SIG_IGN.
//
// To look at a SIGCHLD without racing it, the tests keep SIGCHLD blocked and
// take it in sigsuspend() (waitid() may report a state change before the
// kernel has sent the signal, for CLD_CONTINUED on Linux), with an alarm as
// the deadline.
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "assertion.h"
#include "child.h"
#include "interrupt.h"
#include "proc.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"
#include "unique_fd.h"

namespace procsig::test {
namespace {

struct ChildInfo {
  volatile sig_atomic_t count;
  int signo;
  int code;
  pid_t pid;
  int status;
};
ChildInfo g_child_info;

void RecordChildInfo(int sig, siginfo_t* info, void*) {
  g_child_info.signo = sig;
  g_child_info.code = info->si_code;
  g_child_info.pid = info->si_pid;
  g_child_info.status = info->si_status;
  g_child_info.count = g_child_info.count + 1;
}

bool SigchldPending() {
  sigset_t pending;
  sigpending(&pending);
  return sigismember(&pending, SIGCHLD) == 1;
}

// Consumes a pending SIGCHLD so it is not delivered later.
void DiscardSigchld() {
  const sigset_t chld = ScopedSignalMask::Only(SIGCHLD);
  const struct timespec zero = {0, 0};
  while (::sigtimedwait(&chld, nullptr, &zero) == SIGCHLD) {
  }
}

// Waits (keeping the child waitable) until `pid` reports one of `which`
// (WEXITED, WSTOPPED, WCONTINUED).
void AwaitStateChange(pid_t pid, int which) {
  siginfo_t info{};
  ASSERT_THAT(::waitid(P_PID, static_cast<id_t>(pid), &info, which | WNOWAIT), SyscallSucceeds());
}

volatile sig_atomic_t g_sigchld_timeout = 0;

void OnSigchldTimeout(int) { g_sigchld_timeout = 1; }

// With SIGCHLD blocked, waits in sigsuspend() until RecordChildInfo ran.
void AwaitSigchld() {
  g_sigchld_timeout = 0;
  ScopedSigaction on_alarm(SIGALRM, OnSigchldTimeout);
  ASSERT_TRUE(on_alarm.ok());
  ScopedAlarm deadline(10);
  sigset_t during;
  ASSERT_THAT(::sigprocmask(SIG_BLOCK, nullptr, &during), SyscallSucceeds());
  sigdelset(&during, SIGCHLD);
  sigdelset(&during, SIGALRM);
  while (g_child_info.count == 0 && g_sigchld_timeout == 0) {
    ::sigsuspend(&during);
  }
  ASSERT_EQ(g_sigchld_timeout, 0) << "no SIGCHLD within 10 s";
}

class SigchldScope {
 public:
  explicit SigchldScope(int flags = SA_SIGINFO)
      : action_(SIGCHLD, RecordChildInfo, flags | SA_SIGINFO),
        blocked_(SIG_BLOCK, ScopedSignalMask::Only(SIGCHLD)) {
    g_child_info = ChildInfo{};
  }
  bool ok() const { return action_.ok() && blocked_.ok(); }

 private:
  ScopedSigaction action_;
  ScopedSignalMask blocked_;
};

PROCSIG_TEST(Sigchld, InfoExited, "SIGCHLD.INFO_EXITED", "XSH 2.4.3 Signal Actions",
             "SIGCHLD for a child that exits carries si_code CLD_EXITED, its pid and exit "
             "status") {
  SigchldScope scope;
  ASSERT_TRUE(scope.ok());
  ScopedChild child = ForkChild([] { return 42; });
  ASSERT_TRUE(child);
  AwaitSigchld();
  ASSERT_EQ(g_child_info.count, 1);
  EXPECT_EQ(g_child_info.signo, SIGCHLD);
  EXPECT_EQ(g_child_info.code, CLD_EXITED);
  EXPECT_EQ(g_child_info.pid, child.pid());
  EXPECT_EQ(g_child_info.status, 42);
}

PROCSIG_TEST(Sigchld, InfoKilled, "SIGCHLD.INFO_KILLED", "XSH 2.4.3 Signal Actions",
             "SIGCHLD for a child killed by a signal carries CLD_KILLED and the signal number") {
  SigchldScope scope;
  ASSERT_TRUE(scope.ok());
  ScopedChild child = ForkChild([] {
    for (;;) {
      ::pause();
    }
    return 0;
  });
  ASSERT_TRUE(child);
  ASSERT_THAT(::kill(child.pid(), SIGKILL), SyscallSucceeds());
  AwaitSigchld();
  ASSERT_EQ(g_child_info.count, 1);
  EXPECT_EQ(g_child_info.code, CLD_KILLED);
  EXPECT_EQ(g_child_info.pid, child.pid());
  EXPECT_EQ(g_child_info.status, SIGKILL);
}

PROCSIG_TEST(Sigchld, InfoStopped, "SIGCHLD.INFO_STOPPED", "XSH 2.4.3 Signal Actions",
             "SIGCHLD for a stopped child carries CLD_STOPPED and the stop signal") {
  SigchldScope scope;
  ASSERT_TRUE(scope.ok());
  ScopedChild child = ForkChild([] {
    (void)::raise(SIGSTOP);
    return 0;
  });
  ASSERT_TRUE(child);
  AwaitSigchld();
  ASSERT_EQ(g_child_info.count, 1);
  EXPECT_EQ(g_child_info.code, CLD_STOPPED);
  EXPECT_EQ(g_child_info.pid, child.pid());
  EXPECT_EQ(g_child_info.status, SIGSTOP);
}

PROCSIG_TEST(Sigchld, InfoContinued, "SIGCHLD.INFO_CONTINUED", "XSH 2.4.3 Signal Actions",
             "SIGCHLD for a stopped child that is continued carries CLD_CONTINUED and SIGCONT") {
  SigchldScope scope;
  ASSERT_TRUE(scope.ok());
  ScopedChild child = ForkChild([] {
    (void)::raise(SIGSTOP);
    for (;;) {
      ::pause();  // an exit would replace the "continued" state
    }
    return 0;
  });
  ASSERT_TRUE(child);
  siginfo_t info{};
  ASSERT_THAT(::waitid(P_PID, static_cast<id_t>(child.pid()), &info, WSTOPPED), SyscallSucceeds());
  DiscardSigchld();  // the one for the stop
  ASSERT_THAT(::kill(child.pid(), SIGCONT), SyscallSucceeds());
  AwaitSigchld();
  ASSERT_EQ(g_child_info.count, 1);
  EXPECT_EQ(g_child_info.code, CLD_CONTINUED);
  EXPECT_EQ(g_child_info.pid, child.pid());
  EXPECT_EQ(g_child_info.status, SIGCONT);
}

PROCSIG_CHARACTERISE(Sigchld, InfoAbortNoCore, "SIGCHLD.INFO_DUMPED", "XSH 2.4.3 Signal Actions",
                     "the si_code of SIGCHLD for a child killed by SIGABRT when it may not dump "
                     "core (CLD_KILLED or CLD_DUMPED)") {
  SigchldScope scope;
  ASSERT_TRUE(scope.ok());
  ScopedChild child = ForkChild([] {
    // Never leave a core file behind: not dumpable, and a zero core limit.
    const struct rlimit no_core = {0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    (void)::signal(SIGABRT, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    (void)::raise(SIGABRT);
    return 0;
  });
  ASSERT_TRUE(child);
  AwaitSigchld();
  ASSERT_EQ(g_child_info.count, 1);
  EXPECT_EQ(g_child_info.status, SIGABRT);
  ASSERT_TRUE(g_child_info.code == CLD_KILLED || g_child_info.code == CLD_DUMPED)
      << "si_code " << g_child_info.code;
  RecordObserved(g_child_info.code == CLD_DUMPED ? "CLD_DUMPED" : "CLD_KILLED");
}

PROCSIG_TEST(Sigchld, NocldstopSuppressesStop, "SIGCHLD.NOCLDSTOP_NO_STOP_SIGNAL", "XSH sigaction",
             "with SA_NOCLDSTOP no SIGCHLD is generated when a child stops") {
  SigchldScope scope(SA_NOCLDSTOP);
  ASSERT_TRUE(scope.ok());
  // The child stays until killed: a layer that lets a stopped child run on
  // (proot) must not turn this into a test of that (WAITPID.STOPPED_DOES_NOT_RUN
  // is), nor let an exit's SIGCHLD stand in for the kill's.
  ScopedChild child = ForkChild([] {
    (void)::raise(SIGSTOP);
    for (;;) {
      (void)::pause();
    }
    return 0;
  });
  ASSERT_TRUE(child);
  AwaitStateChange(child.pid(), WSTOPPED);
  ASSERT_THAT(::kill(child.pid(), SIGKILL), SyscallSucceeds());
  // A SIGCHLD for the stop would still be pending, and the one for the kill
  // would merge into it: the first SIGCHLD handled must be the kill's.
  AwaitSigchld();
  EXPECT_EQ(g_child_info.code, CLD_KILLED) << "si_code " << g_child_info.code;
}

PROCSIG_TEST(Sigchld, NocldstopStillReportsExit, "SIGCHLD.NOCLDSTOP_KEEPS_EXIT", "XSH sigaction",
             "with SA_NOCLDSTOP a child's exit still generates SIGCHLD") {
  SigchldScope scope(SA_NOCLDSTOP);
  ASSERT_TRUE(scope.ok());
  ScopedChild child = ForkChild([] { return 0; });
  ASSERT_TRUE(child);
  AwaitSigchld();
  EXPECT_EQ(g_child_info.code, CLD_EXITED);
}

// Installs the SIGCHLD action under test, forks a child that exits once
// released, releases it and checks that wait() then fails with ECHILD and
// that no zombie is left.
void ExpectNoZombie(const struct sigaction& action) {
  ScopedSigaction installed(SIGCHLD, action);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGCHLD));
  Pipe release;
  ASSERT_TRUE(release.ok());
  ScopedChild child = ForkChild([&] {
    release.write_end.reset();
    char byte;
    return static_cast<int>(::read(release.read_end.get(), &byte, 1));
  });
  ASSERT_TRUE(child);
  const pid_t pid = child.pid();
  release.write_end.reset();
  // Blocks until the child has ended, then finds nothing to reap.
  EXPECT_THAT(::wait(nullptr), SyscallFailsWithErrno(ECHILD));
  EXPECT_FALSE(ProcExists(pid) && ReadProcStat(pid).value_or(ProcStat{}).state == 'Z')
      << "child " << pid << " was left as a zombie";
  DiscardSigchld();
}

PROCSIG_TEST(Sigchld, NocldwaitNoZombie, "SIGCHLD.NOCLDWAIT_NO_ZOMBIE", "XSH sigaction",
             "with SA_NOCLDWAIT an exiting child leaves no zombie and wait() fails with ECHILD") {
  struct sigaction sa {};
  sa.sa_handler = signals::CountAndAck;
  sa.sa_flags = SA_NOCLDWAIT;
  sigemptyset(&sa.sa_mask);
  ExpectNoZombie(sa);
}

PROCSIG_TEST(Sigchld, IgnoredNoZombie, "SIGCHLD.SIG_IGN_NO_ZOMBIE", "XSH 2.4.3 Signal Actions",
             "with SIGCHLD set to SIG_IGN an exiting child leaves no zombie and wait() fails "
             "with ECHILD") {
  struct sigaction sa {};
  sa.sa_handler = SIG_IGN;
  sigemptyset(&sa.sa_mask);
  ExpectNoZombie(sa);
}

PROCSIG_TEST(Sigchld, IgnoredWaitBlocksUntilAllEnd, "SIGCHLD.SIG_IGN_WAIT_BLOCKS", "XSH wait",
             "with SIGCHLD ignored, wait() blocks while a child is still running and fails with "
             "ECHILD only after it ended") {
  ScopedSigaction ignored(SIGCHLD, SIG_IGN);
  ASSERT_TRUE(ignored.ok());
  Pipe witness;
  ASSERT_TRUE(witness.ok());
  const pid_t parent = ::getpid();
  ScopedChild quick = ForkChild([] { return 0; });
  // Exits only after seeing the parent asleep (in wait()), and says so first.
  ScopedChild slow = ForkChild([&] {
    if (!signals::WaitUntilSleeping(parent, DeadlineIn())) {
      return 1;
    }
    return signals::WriteByte(witness.write_end.get()) ? 0 : 2;
  });
  ASSERT_TRUE(quick && slow);
  witness.write_end.reset();
  EXPECT_THAT(::wait(nullptr), SyscallFailsWithErrno(ECHILD));
  // Non-blocking look: if wait() returned early the child may still hold the
  // pipe open.
  struct pollfd pfd = {witness.read_end.get(), POLLIN, 0};
  EXPECT_EQ(::poll(&pfd, 1, 0), 1) << "wait() returned before the still-running child ended";
}

PROCSIG_CHARACTERISE(Sigchld, NocldwaitStillSignals, "SIGCHLD.NOCLDWAIT_SIGNAL", "XSH sigaction",
                     "whether a child's exit still generates SIGCHLD when SA_NOCLDWAIT is set") {
  SigchldScope scope(SA_NOCLDWAIT);
  ASSERT_TRUE(scope.ok());
  ScopedChild child = ForkChild([] { return 0; });
  ASSERT_TRUE(child);
  EXPECT_THAT(::wait(nullptr), SyscallFailsWithErrno(ECHILD));
  RecordObserved(SigchldPending() ? "SIGCHLD generated" : "no SIGCHLD");
  DiscardSigchld();
}

}  // namespace
}  // namespace procsig::test
