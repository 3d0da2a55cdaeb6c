// Resource usage of children: what wait4() and waitid() hand back, and what
// getrusage(RUSAGE_CHILDREN) counts (only children that were waited for).
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>

#include "assertion.h"
#include "child.h"
#include "child_check.h"
#include "syscall_matchers.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

// The child burns this much CPU time, measured on its own CPU clock; what
// the parent is told must be at least kSeenMs of it (rounding to ticks).
constexpr long kBurnMs = 20;
constexpr long kSeenMs = 15;

// Child-safe: spins until the process's CPU clock has advanced by ms.
int BurnCpu(long ms) {
  struct timespec start {};
  struct timespec now {};
  if (::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start) != 0) {
    return 1;
  }
  do {
    if (::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now) != 0) {
      return 1;
    }
  } while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < ms);
  return 0;
}

long Milliseconds(const struct rusage& usage) {
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000;
}

// A child that burned kBurnMs of CPU and has ended, not reaped yet. The
// wait is waitid(WNOWAIT), not /proc's state Z, which a process whose first
// thread ended before the others already shows.
ScopedChild ForkBurnedZombie() {
  auto child = ForkChild([] { return BurnCpu(kBurnMs); });
  siginfo_t info{};
  if (child && ::waitid(P_PID, static_cast<id_t>(child.pid()), &info, WEXITED | WNOWAIT) != 0) {
    ADD_FAILURE() << "waitid(WNOWAIT) for the CPU-burning child failed";
    child.KillAndReap();
  }
  return child;
}

PROCSIG_TEST(Rusage, Wait4ChildCpu, "RUSAGE.WAIT4_CHILD_CPU", "Linux wait4(2)",
             "the rusage wait4() returns for a child holds at least the CPU time the child "
             "measured for itself") {
  ScopedChild child = ForkBurnedZombie();
  ASSERT_TRUE(child);
  struct rusage usage {};
  int status = 0;
  ASSERT_THAT(::wait4(child.pid(), &status, WNOHANG, &usage),
              SyscallSucceedsWithValue(child.pid()));
  child.MarkReaped();
  EXPECT_THAT(status, ExitedWithStatus(0));
  EXPECT_GE(Milliseconds(usage), kSeenMs);
}

PROCSIG_TEST(Rusage, WaitidChildCpu, "RUSAGE.WAITID_CHILD_CPU", "Linux waitid(2)",
             "the rusage the waitid system call returns (its fifth argument) holds the child's "
             "CPU time") {
  ScopedChild child = ForkBurnedZombie();
  ASSERT_TRUE(child);
  struct rusage usage {};
  siginfo_t info{};
  ASSERT_THAT(::syscall(SYS_waitid, P_PID, child.pid(), &info, WEXITED | WNOHANG, &usage),
              SyscallSucceeds());
  const pid_t pid = child.MarkReaped();
  EXPECT_EQ(info.si_pid, pid);
  EXPECT_GE(Milliseconds(usage), kSeenMs);
}

PROCSIG_TEST(Rusage, ChildrenCountedOnceWaited, "RUSAGE.CHILDREN_AFTER_WAIT", "XSH getrusage",
             "getrusage(RUSAGE_CHILDREN) does not count a zombie not yet waited for, and counts "
             "its CPU time once it is") {
  ScopedChild child = ForkBurnedZombie();
  ASSERT_TRUE(child);
  struct rusage before {};
  struct rusage zombie {};
  struct rusage after {};
  ASSERT_THAT(::getrusage(RUSAGE_CHILDREN, &before), SyscallSucceeds());
  ASSERT_THAT(::getrusage(RUSAGE_CHILDREN, &zombie), SyscallSucceeds());
  EXPECT_EQ(Milliseconds(zombie), Milliseconds(before));
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
  ASSERT_THAT(::getrusage(RUSAGE_CHILDREN, &after), SyscallSucceeds());
  EXPECT_GE(Milliseconds(after) - Milliseconds(before), kSeenMs);
}

PROCSIG_TEST(Rusage, IgnoredSigchldNotCounted, "RUSAGE.IGNORED_SIGCHLD_NOT_COUNTED",
             "Linux getrusage(2)",
             "with SIGCHLD ignored, a child that ends is not added to RUSAGE_CHILDREN: wait() "
             "returns ECHILD once it is gone and the children's times stay zero") {
  ChildReport report;
  auto middle = ForkChild([&] {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    CHILD_CHECK(report, ::sigaction(SIGCHLD, &ignore, nullptr) == 0);
    const pid_t burner = ::fork();
    if (burner == 0) {
      ::_exit(BurnCpu(kBurnMs));
    }
    CHILD_CHECK(report, burner > 0);
    CHILD_CHECK(report, ::wait(nullptr) < 0 && errno == ECHILD);
    struct rusage usage {};
    CHILD_CHECK(report, ::getrusage(RUSAGE_CHILDREN, &usage) == 0);
    CHILD_CHECK(report, Milliseconds(usage) == 0);
    return 0;
  });
  ASSERT_TRUE(middle);
  EXPECT_TRUE(ChildSucceeded(middle, report));
}

}  // namespace
}  // namespace procsig::test
