// Every standard signal, one instance per signal: its default action and
// wait status, SIG_IGN, catching with signal() and sigaction(), the
// previous-action round trip, and SIGKILL/SIGSTOP in sa_mask. The default
// actions are POSIX's table in XSH 2.4.3 (T, A, S, I, C), plus Linux's own
// SIGSTKFLT and SIGPWR (terminate), guarded by #ifdef.
//
// Default actions run in a forked child that sets SIG_DFL and raises the
// signal; the catching tests run in the test process with a handler
// installed, so the signal cannot end it.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "assertion.h"
#include "child.h"
#include "child_check.h"
#include "child_events.h"
#include "param_assertion.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

using signals::ChildEvents;
using signals::NoCoreDumps;
using signals::ResetToDefault;

// A child that outlives the signal it raised returns this.
constexpr int kSurvived = 100;

PROCSIG_PARAM_TEST(SignalDefault, Terminates, "XSH 2.4.3 Signal Actions",
                   "with SIG_DFL the signal terminates the process without a core dump; the wait "
                   "status has WIFSIGNALED and WTERMSIG equal to the signal",
                   int sig) {
  ChildReport report;
  auto child = ForkChild([sig, &report] {
    CHILD_CHECK(report, sig == SIGKILL || ResetToDefault(sig));
    CHILD_CHECK(report, NoCoreDumps());
    ::raise(sig);
    return kSurvived;
  });
  ASSERT_TRUE(child);
  const int status = WaitForExit(child);
  EXPECT_THAT(status, KilledBySignal(sig)) << report.Failures();
  EXPECT_FALSE(status != -1 && WCOREDUMP(status)) << DescribeWaitStatus(status);
}
PROCSIG_INSTANCE(SignalDefault, Terminates, SIGHUP, "SIGDEFAULT.TERMINATES.SIGHUP", SIGHUP)
PROCSIG_INSTANCE(SignalDefault, Terminates, SIGINT, "SIGDEFAULT.TERMINATES.SIGINT", SIGINT)
PROCSIG_INSTANCE(SignalDefault, Terminates, SIGKILL, "SIGDEFAULT.TERMINATES.SIGKILL", SIGKILL)
PROCSIG_INSTANCE(SignalDefault, Terminates, SIGUSR1, "SIGDEFAULT.TERMINATES.SIGUSR1", SIGUSR1)
PROCSIG_INSTANCE(SignalDefault, Terminates, SIGUSR2, "SIGDEFAULT.TERMINATES.SIGUSR2", SIGUSR2)
PROCSIG_INSTANCE(SignalDefault, Terminates, SIGPIPE, "SIGDEFAULT.TERMINATES.SIGPIPE", SIGPIPE)
PROCSIG_INSTANCE(SignalDefault, Terminates, SIGALRM, "SIGDEFAULT.TERMINATES.SIGALRM", SIGALRM)
PROCSIG_INSTANCE(SignalDefault, Terminates, SIGTERM, "SIGDEFAULT.TERMINATES.SIGTERM", SIGTERM)
#ifdef SIGSTKFLT
PROCSIG_INSTANCE(SignalDefault, Terminates, SIGSTKFLT, "SIGDEFAULT.TERMINATES.SIGSTKFLT", SIGSTKFLT)
#endif
PROCSIG_INSTANCE(SignalDefault, Terminates, SIGVTALRM, "SIGDEFAULT.TERMINATES.SIGVTALRM", SIGVTALRM)
PROCSIG_INSTANCE(SignalDefault, Terminates, SIGPROF, "SIGDEFAULT.TERMINATES.SIGPROF", SIGPROF)
PROCSIG_INSTANCE(SignalDefault, Terminates, SIGPOLL, "SIGDEFAULT.TERMINATES.SIGPOLL", SIGPOLL)
#ifdef SIGPWR
PROCSIG_INSTANCE(SignalDefault, Terminates, SIGPWR, "SIGDEFAULT.TERMINATES.SIGPWR", SIGPWR)
#endif

// Cores land in a private directory, and only where the platform lets the
// test see them (signals::CoreDumpsObservable); elsewhere the core bit is
// recorded.
PROCSIG_PARAM_TEST(SignalDefault, Core, "XSH 2.4.3 Signal Actions",
                   "with SIG_DFL the signal terminates the process with WTERMSIG equal to the "
                   "signal, and WCOREDUMP set where RLIMIT_CORE and core_pattern let a core file "
                   "be written",
                   int sig) {
  const bool dump = signals::CoreDumpsObservable();
  signals::ScopedTempDir dir;
  ASSERT_TRUE(dir.ok());
  const char* where = dir.path().c_str();
  ChildReport report;
  auto child = ForkChild([sig, where, dump, &report] {
    CHILD_CHECK(report, signals::PrepareCoreDump(where, dump));
    CHILD_CHECK(report, ResetToDefault(sig));
    ::raise(sig);
    return kSurvived;
  });
  ASSERT_TRUE(child);
  const int status = WaitForExit(child);
  EXPECT_THAT(status, KilledBySignal(sig)) << report.Failures();
  if (dump) {
    EXPECT_TRUE(status != -1 && WCOREDUMP(status)) << DescribeWaitStatus(status);
    EXPECT_GE(dir.CountEntries(), 1) << "no core file in " << dir.path();
  } else {
    RecordObserved("core_pattern '" + signals::CorePattern() + "', dumps disabled, WCOREDUMP " +
                   (status != -1 && WCOREDUMP(status) ? "set" : "clear"));
  }
}
PROCSIG_INSTANCE(SignalDefault, Core, SIGQUIT, "SIGDEFAULT.CORE.SIGQUIT", SIGQUIT)
PROCSIG_INSTANCE(SignalDefault, Core, SIGILL, "SIGDEFAULT.CORE.SIGILL", SIGILL)
PROCSIG_INSTANCE(SignalDefault, Core, SIGTRAP, "SIGDEFAULT.CORE.SIGTRAP", SIGTRAP)
PROCSIG_INSTANCE(SignalDefault, Core, SIGABRT, "SIGDEFAULT.CORE.SIGABRT", SIGABRT)
PROCSIG_INSTANCE(SignalDefault, Core, SIGBUS, "SIGDEFAULT.CORE.SIGBUS", SIGBUS)
PROCSIG_INSTANCE(SignalDefault, Core, SIGFPE, "SIGDEFAULT.CORE.SIGFPE", SIGFPE)
PROCSIG_INSTANCE(SignalDefault, Core, SIGSEGV, "SIGDEFAULT.CORE.SIGSEGV", SIGSEGV)
PROCSIG_INSTANCE(SignalDefault, Core, SIGXCPU, "SIGDEFAULT.CORE.SIGXCPU", SIGXCPU)
PROCSIG_INSTANCE(SignalDefault, Core, SIGXFSZ, "SIGDEFAULT.CORE.SIGXFSZ", SIGXFSZ)
PROCSIG_INSTANCE(SignalDefault, Core, SIGSYS, "SIGDEFAULT.CORE.SIGSYS", SIGSYS)

// The child leads a process group of its own: its parent is in another
// group of the same session, so the group is not orphaned, where the kernel
// would discard SIGTSTP, SIGTTIN and SIGTTOU (XSH 2.4.3).
PROCSIG_PARAM_TEST(SignalDefault, Stops, "XSH 2.4.3 Signal Actions",
                   "with SIG_DFL the signal stops the process (CLD_STOPPED with the signal as "
                   "si_status) and SIGCONT lets it run on",
                   int sig) {
  ChildEvents events;
  // After the stop the child waits for the parent's byte, sent once it is
  // continued: a layer that lets a stopped child run on (proot) cannot make
  // it exit before the stop is reported (WAITPID.STOPPED_DOES_NOT_RUN
  // judges the running on).
  Pipe go;
  ASSERT_TRUE(go.ok());
  const int go_fd = go.read_end.get();
  ChildReport report;
  auto child = ForkChild([sig, go_fd, &report] {
    CHILD_CHECK(report, ::setpgid(0, 0) == 0);
    CHILD_CHECK(report, sig == SIGSTOP || ResetToDefault(sig));
    CHILD_CHECK(report, ::raise(sig) == 0);
    char byte;
    CHILD_CHECK(report, ::read(go_fd, &byte, 1) == 1);
    return 0;
  });
  ASSERT_TRUE(child);
  go.read_end.reset();
  siginfo_t info;
  ASSERT_TRUE(events.Wait(child, WSTOPPED | WEXITED, &info));
  EXPECT_EQ(info.si_code, CLD_STOPPED) << report.Failures();
  EXPECT_EQ(info.si_status, sig);
  ASSERT_THAT(::kill(child.pid(), SIGCONT), SyscallSucceeds());
  ASSERT_THAT(::write(go.write_end.get(), "x", 1), SyscallSucceedsWithValue(1));
  ASSERT_TRUE(events.Wait(child, WEXITED, &info));
  EXPECT_EQ(info.si_code, CLD_EXITED);
  EXPECT_EQ(info.si_status, 0) << report.Failures();
}
PROCSIG_INSTANCE(SignalDefault, Stops, SIGSTOP, "SIGDEFAULT.STOPS.SIGSTOP", SIGSTOP)
PROCSIG_INSTANCE(SignalDefault, Stops, SIGTSTP, "SIGDEFAULT.STOPS.SIGTSTP", SIGTSTP)
PROCSIG_INSTANCE(SignalDefault, Stops, SIGTTIN, "SIGDEFAULT.STOPS.SIGTTIN", SIGTTIN)
PROCSIG_INSTANCE(SignalDefault, Stops, SIGTTOU, "SIGDEFAULT.STOPS.SIGTTOU", SIGTTOU)

PROCSIG_PARAM_TEST(SignalDefault, Ignored, "XSH 2.4.3 Signal Actions",
                   "with SIG_DFL the signal is ignored: the process runs on and nothing is left "
                   "pending",
                   int sig) {
  ChildReport report;
  auto child = ForkChild([sig, &report] {
    CHILD_CHECK(report, ResetToDefault(sig));
    CHILD_CHECK(report, ::raise(sig) == 0);
    sigset_t pending;
    CHILD_CHECK(report, ::sigpending(&pending) == 0);
    CHILD_CHECK(report, sigismember(&pending, sig) == 0);
    return 0;
  });
  ASSERT_TRUE(child);
  EXPECT_TRUE(ChildSucceeded(child, report));
}
PROCSIG_INSTANCE(SignalDefault, Ignored, SIGCHLD, "SIGDEFAULT.IGNORED.SIGCHLD", SIGCHLD)
PROCSIG_INSTANCE(SignalDefault, Ignored, SIGURG, "SIGDEFAULT.IGNORED.SIGURG", SIGURG)
PROCSIG_INSTANCE(SignalDefault, Ignored, SIGWINCH, "SIGDEFAULT.IGNORED.SIGWINCH", SIGWINCH)

PROCSIG_TEST(SignalDefault, Continues, "SIGDEFAULT.CONTINUES.SIGCONT", "XSH 2.4.3 Signal Actions",
             "with SIG_DFL SIGCONT continues a stopped process (CLD_CONTINUED) and is otherwise "
             "ignored") {
  ChildEvents events;
  ChildReport report;
  // After the stop the child waits for the parent's byte, sent once it is
  // continued, as SIGDEFAULT.STOPS.* do: a layer that lets a stopped child
  // run on (proot) cannot make it exit before its stop is reported
  // (WAITPID.STOPPED_DOES_NOT_RUN judges the running on).
  Pipe go;
  ASSERT_TRUE(go.ok());
  const int go_fd = go.read_end.get();
  auto child = ForkChild([&report, go_fd] {
    CHILD_CHECK(report, ResetToDefault(SIGCONT));
    CHILD_CHECK(report, ::raise(SIGCONT) == 0);  // not stopped: no effect
    CHILD_CHECK(report, ::setpgid(0, 0) == 0);
    CHILD_CHECK(report, ::raise(SIGSTOP) == 0);
    char byte;
    CHILD_CHECK(report, ::read(go_fd, &byte, 1) == 1);
    return 0;
  });
  ASSERT_TRUE(child);
  go.read_end.reset();
  siginfo_t info;
  ASSERT_TRUE(events.Wait(child, WSTOPPED | WEXITED, &info));
  ASSERT_EQ(info.si_code, CLD_STOPPED) << report.Failures();
  ASSERT_THAT(::kill(child.pid(), SIGCONT), SyscallSucceeds());
  ASSERT_THAT(::write(go.write_end.get(), "x", 1), SyscallSucceedsWithValue(1));
  ASSERT_TRUE(events.Wait(child, WCONTINUED | WEXITED | WNOWAIT, &info));
  EXPECT_TRUE(info.si_code == CLD_CONTINUED || info.si_code == CLD_EXITED) << info.si_code;
  ASSERT_TRUE(events.Wait(child, WEXITED, &info));
  EXPECT_EQ(info.si_code, CLD_EXITED);
  EXPECT_EQ(info.si_status, 0) << report.Failures();
}

PROCSIG_PARAM_TEST(SignalIgnore, Discards, "XSH 2.4.3 Signal Actions",
                   "with SIG_IGN the signal, sent by kill() to the process itself, is discarded: "
                   "the process runs on and the signal is not pending",
                   int sig) {
  ChildReport report;
  auto child = ForkChild([sig, &report] {
    CHILD_CHECK(report, NoCoreDumps());
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    CHILD_CHECK(report, ::sigaction(sig, &ignore, nullptr) == 0);
    const sigset_t only = ScopedSignalMask::Only(sig);
    CHILD_CHECK(report, ::sigprocmask(SIG_UNBLOCK, &only, nullptr) == 0);
    CHILD_CHECK(report, ::kill(::getpid(), sig) == 0);
    sigset_t pending;
    CHILD_CHECK(report, ::sigpending(&pending) == 0);
    CHILD_CHECK(report, sigismember(&pending, sig) == 0);
    return 0;
  });
  ASSERT_TRUE(child);
  EXPECT_TRUE(ChildSucceeded(child, report));
}
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGHUP, "SIGIGN.DISCARDS.SIGHUP", SIGHUP)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGINT, "SIGIGN.DISCARDS.SIGINT", SIGINT)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGQUIT, "SIGIGN.DISCARDS.SIGQUIT", SIGQUIT)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGILL, "SIGIGN.DISCARDS.SIGILL", SIGILL)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGTRAP, "SIGIGN.DISCARDS.SIGTRAP", SIGTRAP)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGABRT, "SIGIGN.DISCARDS.SIGABRT", SIGABRT)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGBUS, "SIGIGN.DISCARDS.SIGBUS", SIGBUS)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGFPE, "SIGIGN.DISCARDS.SIGFPE", SIGFPE)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGUSR1, "SIGIGN.DISCARDS.SIGUSR1", SIGUSR1)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGSEGV, "SIGIGN.DISCARDS.SIGSEGV", SIGSEGV)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGUSR2, "SIGIGN.DISCARDS.SIGUSR2", SIGUSR2)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGPIPE, "SIGIGN.DISCARDS.SIGPIPE", SIGPIPE)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGALRM, "SIGIGN.DISCARDS.SIGALRM", SIGALRM)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGTERM, "SIGIGN.DISCARDS.SIGTERM", SIGTERM)
#ifdef SIGSTKFLT
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGSTKFLT, "SIGIGN.DISCARDS.SIGSTKFLT", SIGSTKFLT)
#endif
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGCHLD, "SIGIGN.DISCARDS.SIGCHLD", SIGCHLD)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGCONT, "SIGIGN.DISCARDS.SIGCONT", SIGCONT)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGTSTP, "SIGIGN.DISCARDS.SIGTSTP", SIGTSTP)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGTTIN, "SIGIGN.DISCARDS.SIGTTIN", SIGTTIN)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGTTOU, "SIGIGN.DISCARDS.SIGTTOU", SIGTTOU)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGURG, "SIGIGN.DISCARDS.SIGURG", SIGURG)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGXCPU, "SIGIGN.DISCARDS.SIGXCPU", SIGXCPU)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGXFSZ, "SIGIGN.DISCARDS.SIGXFSZ", SIGXFSZ)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGVTALRM, "SIGIGN.DISCARDS.SIGVTALRM", SIGVTALRM)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGPROF, "SIGIGN.DISCARDS.SIGPROF", SIGPROF)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGWINCH, "SIGIGN.DISCARDS.SIGWINCH", SIGWINCH)
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGPOLL, "SIGIGN.DISCARDS.SIGPOLL", SIGPOLL)
#ifdef SIGPWR
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGPWR, "SIGIGN.DISCARDS.SIGPWR", SIGPWR)
#endif
PROCSIG_INSTANCE(SignalIgnore, Discards, SIGSYS, "SIGIGN.DISCARDS.SIGSYS", SIGSYS)

// What the catching handlers saw; reset by each test.
struct Caught {
  volatile sig_atomic_t count;
  volatile sig_atomic_t signo;
  volatile sig_atomic_t code;
  volatile sig_atomic_t same_pid;
  volatile sig_atomic_t same_uid;
  volatile sig_atomic_t self_blocked;
  volatile sig_atomic_t kill_blocked;
  volatile sig_atomic_t stop_blocked;
};
Caught g_caught;

void CatchPlain(int sig) {
  g_caught.count = g_caught.count + 1;
  g_caught.signo = sig;
  sigset_t now;
  sigprocmask(SIG_BLOCK, nullptr, &now);
  g_caught.self_blocked = sigismember(&now, sig);
  g_caught.kill_blocked = sigismember(&now, SIGKILL);
  g_caught.stop_blocked = sigismember(&now, SIGSTOP);
}

void CatchInfo(int sig, siginfo_t* info, void*) {
  CatchPlain(sig);
  g_caught.code = info->si_code;
  g_caught.same_pid = info->si_pid == getpid();
  g_caught.same_uid = info->si_uid == getuid();
}

void OtherHandler(int) {}

// The action in force now, restored when the test ends.
struct sigaction CurrentAction(int sig) {
  struct sigaction now {};
  ::sigaction(sig, nullptr, &now);
  return now;
}

PROCSIG_PARAM_TEST(SignalCatch, WithSignal, "XSH signal",
                   "a handler installed with signal() runs once with the signal number when the "
                   "signal is sent, and signal() returns the previous handler",
                   int sig) {
  if (!signals::SurvivesSelfKill(sig)) {
    return;
  }
  g_caught = Caught{};
  const struct sigaction before = CurrentAction(sig);
  ScopedSigaction restore(sig, before);
  ASSERT_TRUE(restore.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(sig));
  const auto previous = ::signal(sig, CatchPlain);
  ASSERT_NE(previous, SIG_ERR) << DescribeErrno(errno);
  EXPECT_EQ(previous, before.sa_handler);
  ASSERT_THAT(::kill(::getpid(), sig), SyscallSucceeds());
  EXPECT_EQ(g_caught.count, 1);
  EXPECT_EQ(g_caught.signo, sig);
  EXPECT_EQ(::signal(sig, previous), &CatchPlain);
}
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGHUP, "SIGCATCH.SIGNAL.SIGHUP", SIGHUP)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGINT, "SIGCATCH.SIGNAL.SIGINT", SIGINT)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGQUIT, "SIGCATCH.SIGNAL.SIGQUIT", SIGQUIT)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGILL, "SIGCATCH.SIGNAL.SIGILL", SIGILL)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGTRAP, "SIGCATCH.SIGNAL.SIGTRAP", SIGTRAP)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGABRT, "SIGCATCH.SIGNAL.SIGABRT", SIGABRT)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGBUS, "SIGCATCH.SIGNAL.SIGBUS", SIGBUS)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGFPE, "SIGCATCH.SIGNAL.SIGFPE", SIGFPE)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGUSR1, "SIGCATCH.SIGNAL.SIGUSR1", SIGUSR1)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGSEGV, "SIGCATCH.SIGNAL.SIGSEGV", SIGSEGV)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGUSR2, "SIGCATCH.SIGNAL.SIGUSR2", SIGUSR2)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGPIPE, "SIGCATCH.SIGNAL.SIGPIPE", SIGPIPE)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGALRM, "SIGCATCH.SIGNAL.SIGALRM", SIGALRM)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGTERM, "SIGCATCH.SIGNAL.SIGTERM", SIGTERM)
#ifdef SIGSTKFLT
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGSTKFLT, "SIGCATCH.SIGNAL.SIGSTKFLT", SIGSTKFLT)
#endif
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGCHLD, "SIGCATCH.SIGNAL.SIGCHLD", SIGCHLD)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGCONT, "SIGCATCH.SIGNAL.SIGCONT", SIGCONT)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGTSTP, "SIGCATCH.SIGNAL.SIGTSTP", SIGTSTP)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGTTIN, "SIGCATCH.SIGNAL.SIGTTIN", SIGTTIN)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGTTOU, "SIGCATCH.SIGNAL.SIGTTOU", SIGTTOU)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGURG, "SIGCATCH.SIGNAL.SIGURG", SIGURG)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGXCPU, "SIGCATCH.SIGNAL.SIGXCPU", SIGXCPU)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGXFSZ, "SIGCATCH.SIGNAL.SIGXFSZ", SIGXFSZ)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGVTALRM, "SIGCATCH.SIGNAL.SIGVTALRM", SIGVTALRM)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGPROF, "SIGCATCH.SIGNAL.SIGPROF", SIGPROF)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGWINCH, "SIGCATCH.SIGNAL.SIGWINCH", SIGWINCH)
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGPOLL, "SIGCATCH.SIGNAL.SIGPOLL", SIGPOLL)
#ifdef SIGPWR
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGPWR, "SIGCATCH.SIGNAL.SIGPWR", SIGPWR)
#endif
PROCSIG_INSTANCE(SignalCatch, WithSignal, SIGSYS, "SIGCATCH.SIGNAL.SIGSYS", SIGSYS)

PROCSIG_PARAM_TEST(SignalCatch, WithSigaction, "XSH sigaction",
                   "an SA_SIGINFO handler installed with sigaction() runs once for a kill() of the "
                   "process itself, with si_signo, si_code SI_USER and the sender's pid and uid",
                   int sig) {
  if (!signals::SurvivesSelfKill(sig)) {
    return;
  }
  g_caught = Caught{};
  ScopedSigaction installed(sig, CatchInfo);
  ASSERT_TRUE(installed.ok()) << DescribeErrno(installed.error());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(sig));
  ASSERT_THAT(::kill(::getpid(), sig), SyscallSucceeds());
  EXPECT_EQ(g_caught.count, 1);
  EXPECT_EQ(g_caught.signo, sig);
  EXPECT_EQ(g_caught.code, SI_USER);
  EXPECT_TRUE(g_caught.same_pid);
  EXPECT_TRUE(g_caught.same_uid);
  EXPECT_EQ(g_caught.self_blocked, 1) << "the signal is blocked while its handler runs";
}
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGHUP, "SIGCATCH.SIGACTION.SIGHUP", SIGHUP)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGINT, "SIGCATCH.SIGACTION.SIGINT", SIGINT)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGQUIT, "SIGCATCH.SIGACTION.SIGQUIT", SIGQUIT)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGILL, "SIGCATCH.SIGACTION.SIGILL", SIGILL)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGTRAP, "SIGCATCH.SIGACTION.SIGTRAP", SIGTRAP)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGABRT, "SIGCATCH.SIGACTION.SIGABRT", SIGABRT)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGBUS, "SIGCATCH.SIGACTION.SIGBUS", SIGBUS)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGFPE, "SIGCATCH.SIGACTION.SIGFPE", SIGFPE)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGUSR1, "SIGCATCH.SIGACTION.SIGUSR1", SIGUSR1)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGSEGV, "SIGCATCH.SIGACTION.SIGSEGV", SIGSEGV)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGUSR2, "SIGCATCH.SIGACTION.SIGUSR2", SIGUSR2)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGPIPE, "SIGCATCH.SIGACTION.SIGPIPE", SIGPIPE)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGALRM, "SIGCATCH.SIGACTION.SIGALRM", SIGALRM)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGTERM, "SIGCATCH.SIGACTION.SIGTERM", SIGTERM)
#ifdef SIGSTKFLT
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGSTKFLT, "SIGCATCH.SIGACTION.SIGSTKFLT", SIGSTKFLT)
#endif
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGCHLD, "SIGCATCH.SIGACTION.SIGCHLD", SIGCHLD)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGCONT, "SIGCATCH.SIGACTION.SIGCONT", SIGCONT)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGTSTP, "SIGCATCH.SIGACTION.SIGTSTP", SIGTSTP)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGTTIN, "SIGCATCH.SIGACTION.SIGTTIN", SIGTTIN)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGTTOU, "SIGCATCH.SIGACTION.SIGTTOU", SIGTTOU)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGURG, "SIGCATCH.SIGACTION.SIGURG", SIGURG)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGXCPU, "SIGCATCH.SIGACTION.SIGXCPU", SIGXCPU)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGXFSZ, "SIGCATCH.SIGACTION.SIGXFSZ", SIGXFSZ)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGVTALRM, "SIGCATCH.SIGACTION.SIGVTALRM", SIGVTALRM)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGPROF, "SIGCATCH.SIGACTION.SIGPROF", SIGPROF)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGWINCH, "SIGCATCH.SIGACTION.SIGWINCH", SIGWINCH)
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGPOLL, "SIGCATCH.SIGACTION.SIGPOLL", SIGPOLL)
#ifdef SIGPWR
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGPWR, "SIGCATCH.SIGACTION.SIGPWR", SIGPWR)
#endif
PROCSIG_INSTANCE(SignalCatch, WithSigaction, SIGSYS, "SIGCATCH.SIGACTION.SIGSYS", SIGSYS)

PROCSIG_PARAM_TEST(SignalCatch, PreviousRoundTrip, "XSH sigaction",
                   "sigaction() returns the action it replaces (handler, flags, mask) and that "
                   "action, installed again, is the one then in force",
                   int sig) {
  const struct sigaction before = CurrentAction(sig);
  ScopedSigaction restore(sig, before);
  ASSERT_TRUE(restore.ok());
  const int marker = sig == SIGUSR1 ? SIGUSR2 : SIGUSR1;
  struct sigaction first {};
  first.sa_handler = CatchPlain;
  first.sa_flags = SA_RESTART;
  sigemptyset(&first.sa_mask);
  sigaddset(&first.sa_mask, marker);
  struct sigaction old {};
  ASSERT_THAT(::sigaction(sig, &first, &old), SyscallSucceeds());
  EXPECT_EQ(old.sa_handler, before.sa_handler);
  struct sigaction second {};
  second.sa_handler = OtherHandler;
  sigemptyset(&second.sa_mask);
  ASSERT_THAT(::sigaction(sig, &second, &old), SyscallSucceeds());
  EXPECT_EQ(old.sa_handler, &CatchPlain);
  EXPECT_NE(old.sa_flags & SA_RESTART, 0);
  EXPECT_EQ(sigismember(&old.sa_mask, marker), 1);
  struct sigaction replaced {};
  ASSERT_THAT(::sigaction(sig, &old, &replaced), SyscallSucceeds());
  EXPECT_EQ(replaced.sa_handler, &OtherHandler);
  const struct sigaction now = CurrentAction(sig);
  EXPECT_EQ(now.sa_handler, &CatchPlain);
  EXPECT_NE(now.sa_flags & SA_RESTART, 0);
  EXPECT_EQ(sigismember(&now.sa_mask, marker), 1);
}
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGHUP, "SIGCATCH.PREVIOUS.SIGHUP", SIGHUP)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGINT, "SIGCATCH.PREVIOUS.SIGINT", SIGINT)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGQUIT, "SIGCATCH.PREVIOUS.SIGQUIT", SIGQUIT)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGILL, "SIGCATCH.PREVIOUS.SIGILL", SIGILL)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGTRAP, "SIGCATCH.PREVIOUS.SIGTRAP", SIGTRAP)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGABRT, "SIGCATCH.PREVIOUS.SIGABRT", SIGABRT)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGBUS, "SIGCATCH.PREVIOUS.SIGBUS", SIGBUS)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGFPE, "SIGCATCH.PREVIOUS.SIGFPE", SIGFPE)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGUSR1, "SIGCATCH.PREVIOUS.SIGUSR1", SIGUSR1)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGSEGV, "SIGCATCH.PREVIOUS.SIGSEGV", SIGSEGV)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGUSR2, "SIGCATCH.PREVIOUS.SIGUSR2", SIGUSR2)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGPIPE, "SIGCATCH.PREVIOUS.SIGPIPE", SIGPIPE)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGALRM, "SIGCATCH.PREVIOUS.SIGALRM", SIGALRM)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGTERM, "SIGCATCH.PREVIOUS.SIGTERM", SIGTERM)
#ifdef SIGSTKFLT
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGSTKFLT, "SIGCATCH.PREVIOUS.SIGSTKFLT",
                 SIGSTKFLT)
#endif
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGCHLD, "SIGCATCH.PREVIOUS.SIGCHLD", SIGCHLD)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGCONT, "SIGCATCH.PREVIOUS.SIGCONT", SIGCONT)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGTSTP, "SIGCATCH.PREVIOUS.SIGTSTP", SIGTSTP)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGTTIN, "SIGCATCH.PREVIOUS.SIGTTIN", SIGTTIN)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGTTOU, "SIGCATCH.PREVIOUS.SIGTTOU", SIGTTOU)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGURG, "SIGCATCH.PREVIOUS.SIGURG", SIGURG)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGXCPU, "SIGCATCH.PREVIOUS.SIGXCPU", SIGXCPU)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGXFSZ, "SIGCATCH.PREVIOUS.SIGXFSZ", SIGXFSZ)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGVTALRM, "SIGCATCH.PREVIOUS.SIGVTALRM",
                 SIGVTALRM)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGPROF, "SIGCATCH.PREVIOUS.SIGPROF", SIGPROF)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGWINCH, "SIGCATCH.PREVIOUS.SIGWINCH", SIGWINCH)
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGPOLL, "SIGCATCH.PREVIOUS.SIGPOLL", SIGPOLL)
#ifdef SIGPWR
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGPWR, "SIGCATCH.PREVIOUS.SIGPWR", SIGPWR)
#endif
PROCSIG_INSTANCE(SignalCatch, PreviousRoundTrip, SIGSYS, "SIGCATCH.PREVIOUS.SIGSYS", SIGSYS)

PROCSIG_PARAM_TEST(SignalCatch, MaskDropsKillStop, "XSH sigaction",
                   "SIGKILL and SIGSTOP in sa_mask are accepted without error and not blocked: "
                   "neither the stored action nor the mask inside the handler holds them",
                   int sig) {
  if (!signals::SurvivesSelfKill(sig)) {
    return;
  }
  g_caught = Caught{};
  struct sigaction action {};
  action.sa_handler = CatchPlain;
  sigemptyset(&action.sa_mask);
  sigaddset(&action.sa_mask, SIGKILL);
  sigaddset(&action.sa_mask, SIGSTOP);
  ScopedSigaction installed(sig, action);
  ASSERT_TRUE(installed.ok()) << DescribeErrno(installed.error());
  const struct sigaction stored = CurrentAction(sig);
  EXPECT_EQ(sigismember(&stored.sa_mask, SIGKILL), 0);
  EXPECT_EQ(sigismember(&stored.sa_mask, SIGSTOP), 0);
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(sig));
  ASSERT_THAT(::kill(::getpid(), sig), SyscallSucceeds());
  ASSERT_EQ(g_caught.count, 1);
  EXPECT_EQ(g_caught.kill_blocked, 0);
  EXPECT_EQ(g_caught.stop_blocked, 0);
}
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGHUP, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGHUP",
                 SIGHUP)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGINT, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGINT",
                 SIGINT)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGQUIT, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGQUIT",
                 SIGQUIT)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGILL, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGILL",
                 SIGILL)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGTRAP, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGTRAP",
                 SIGTRAP)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGABRT, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGABRT",
                 SIGABRT)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGBUS, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGBUS",
                 SIGBUS)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGFPE, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGFPE",
                 SIGFPE)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGUSR1, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGUSR1",
                 SIGUSR1)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGSEGV, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGSEGV",
                 SIGSEGV)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGUSR2, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGUSR2",
                 SIGUSR2)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGPIPE, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGPIPE",
                 SIGPIPE)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGALRM, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGALRM",
                 SIGALRM)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGTERM, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGTERM",
                 SIGTERM)
#ifdef SIGSTKFLT
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGSTKFLT,
                 "SIGCATCH.MASK_DROPS_KILL_STOP.SIGSTKFLT", SIGSTKFLT)
#endif
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGCHLD, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGCHLD",
                 SIGCHLD)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGCONT, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGCONT",
                 SIGCONT)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGTSTP, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGTSTP",
                 SIGTSTP)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGTTIN, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGTTIN",
                 SIGTTIN)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGTTOU, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGTTOU",
                 SIGTTOU)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGURG, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGURG",
                 SIGURG)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGXCPU, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGXCPU",
                 SIGXCPU)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGXFSZ, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGXFSZ",
                 SIGXFSZ)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGVTALRM,
                 "SIGCATCH.MASK_DROPS_KILL_STOP.SIGVTALRM", SIGVTALRM)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGPROF, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGPROF",
                 SIGPROF)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGWINCH, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGWINCH",
                 SIGWINCH)
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGPOLL, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGPOLL",
                 SIGPOLL)
#ifdef SIGPWR
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGPWR, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGPWR",
                 SIGPWR)
#endif
PROCSIG_INSTANCE(SignalCatch, MaskDropsKillStop, SIGSYS, "SIGCATCH.MASK_DROPS_KILL_STOP.SIGSYS",
                 SIGSYS)

}  // namespace
}  // namespace procsig::test
