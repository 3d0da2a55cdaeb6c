// Zombies: a terminated child keeps its status until its parent waits for
// it; orphans go to a subreaper.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "proc.h"
#include "process_helpers.h"
#include "syscall_matchers.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

PROCSIG_TEST(Zombie, EndedChildIsZombie, "ZOMBIE.STATE_Z", "XSH _Exit",
             "a child that has terminated but has not been waited for remains as a zombie "
             "process (state Z)") {
  if (!HasProcStat()) {
    GTEST_SKIP() << kNoProcStat;
  }
  auto child = ForkZombie(0);
  ASSERT_TRUE(child);
  const auto stat = ReadProcStat(child.pid());
  ASSERT_TRUE(stat);
  EXPECT_EQ(stat->state, 'Z');
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Zombie, ZombieKeepsParent, "ZOMBIE.PPID_IS_PARENT", "XSH _Exit",
             "the zombie's parent is still the process that forked it") {
  if (!HasProcStat()) {
    GTEST_SKIP() << kNoProcStat;
  }
  auto child = ForkZombie(0);
  ASSERT_TRUE(child);
  const auto stat = ReadProcStat(child.pid());
  ASSERT_TRUE(stat);
  EXPECT_EQ(stat->ppid, ::getpid());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Zombie, ZombieHoldsStatus, "ZOMBIE.HOLDS_STATUS", "XSH _Exit",
             "the zombie holds its exit status until reaped: a later waitpid() still returns it") {
  auto child = ForkZombie(37);
  ASSERT_TRUE(child);
  int status = 0;
  ASSERT_THAT(::waitpid(child.pid(), &status, 0), SyscallSucceedsWithValue(child.pid()));
  child.MarkReaped();
  EXPECT_THAT(status, ExitedWithStatus(37));
}

PROCSIG_TEST(Zombie, KillZeroSucceeds, "ZOMBIE.KILL_ZERO", "XSH kill",
             "a zombie still exists as a process ID: kill(zombie, 0) succeeds") {
  auto child = ForkZombie(0);
  ASSERT_TRUE(child);
  EXPECT_THAT(::kill(child.pid(), 0), SyscallSucceeds());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Zombie, SignalDoesNotChangeStatus, "ZOMBIE.SIGKILL_NO_EFFECT", "XSH kill",
             "SIGKILL sent to a zombie is accepted and does not change the status it holds") {
  auto child = ForkZombie(5);
  ASSERT_TRUE(child);
  EXPECT_THAT(::kill(child.pid(), SIGKILL), SyscallSucceeds());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(5));
}

PROCSIG_TEST(Zombie, GoneAfterReaping, "ZOMBIE.GONE_AFTER_REAP", "XSH wait",
             "after waitpid() reaps the zombie its process ID no longer exists") {
  auto child = ForkZombie(0);
  ASSERT_TRUE(child);
  const pid_t pid = child.pid();
  ASSERT_THAT(WaitForExit(child), ExitedWithStatus(0));
  EXPECT_FALSE(ProcExists(pid)) << "/proc/" << pid << " still exists";
  EXPECT_THAT(::kill(pid, 0), SyscallFailsWithErrno(ESRCH));
}

PROCSIG_TEST(Zombie, WnohangReapsZombie, "ZOMBIE.WNOHANG_REAPS", "XSH waitpid",
             "waitpid() with WNOHANG reaps a zombie at once and returns its process ID") {
  auto child = ForkZombie(3);
  ASSERT_TRUE(child);
  int status = 0;
  ASSERT_THAT(::waitpid(child.pid(), &status, WNOHANG), SyscallSucceedsWithValue(child.pid()));
  child.MarkReaped();
  EXPECT_THAT(status, ExitedWithStatus(3));
}

// Results of the subreaper scenarios, reported by the subreaper's exit
// status.
constexpr int kSubreaperOk = 0;
constexpr int kSubreaperSetupFailed = 10;
constexpr int kMiddleNotReaped = 11;
constexpr int kGrandchildLost = 12;
constexpr int kWrongParent = 13;
constexpr int kGrandchildNotReaped = 14;
constexpr int kWrongStatus = 15;

PROCSIG_TEST(Zombie, OrphanReparented, "ZOMBIE.ORPHAN_REPARENTED", "XSH _Exit",
             "when a parent terminates, its running child is given another parent: its getppid() "
             "no longer names the ended parent") {
  // POSIX's own property, without the Linux subreaper: the new parent is
  // "an implementation-defined system process" (here the conformance
  // binary, a subreaper where prctl works, else PID 1 or a layer's).
  Pipe to_grandchild;
  Pipe from_grandchild;
  ASSERT_TRUE(to_grandchild.ok() && from_grandchild.ok());
  auto middle = ForkChild([&] {
    const pid_t grandchild = ::fork();
    if (grandchild == 0) {
      char go;
      if (!ReadExact(to_grandchild.read_end.get(), &go, 1)) {
        _exit(1);
      }
      const pid_t parent = ::getppid();
      _exit(WriteAll(from_grandchild.write_end.get(), &parent, sizeof parent) ? 0 : 1);
    }
    return grandchild > 0 &&
                   WriteAll(from_grandchild.write_end.get(), &grandchild, sizeof grandchild)
               ? 0
               : 1;
  });
  ASSERT_TRUE(middle);
  const pid_t middle_pid = middle.pid();
  pid_t grandchild = 0;
  ASSERT_TRUE(ReadExact(from_grandchild.read_end.get(), &grandchild, sizeof grandchild));
  ASSERT_THAT(WaitForExit(middle), ExitedWithStatus(0));
  // The middle process is gone: only now may the grandchild look.
  ASSERT_TRUE(WriteAll(to_grandchild.write_end.get(), "g", 1));
  pid_t seen = 0;
  ASSERT_TRUE(ReadExact(from_grandchild.read_end.get(), &seen, sizeof seen));
  EXPECT_NE(seen, middle_pid) << "the orphan still names its ended parent";
  EXPECT_GT(seen, 0);
  // Reparented to us (we are a subreaper), we reap it; else its new parent does.
  ScopedChild adopted(grandchild);
  if (seen == KernelPid()) {
    EXPECT_THAT(WaitForExit(adopted), ExitedWithStatus(0));
  } else {
    adopted.MarkReaped();
  }
}

PROCSIG_TEST(Zombie, OrphanGoesToSubreaper, "ZOMBIE.ORPHAN_TO_SUBREAPER",
             "Linux prctl(2) PR_SET_CHILD_SUBREAPER",
             "when a parent terminates, its running child gets a new parent (here the nearest "
             "subreaper), which can then reap it") {
  // subreaper S (forked child) -> middle M -> grandchild G. M exits; G asks
  // getppid() and S reaps G. A subreaper keeps the test off PID 1.
  Pipe to_grandchild;
  Pipe from_grandchild;
  ASSERT_TRUE(to_grandchild.ok() && from_grandchild.ok());
  auto subreaper = ForkChild([&] {
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
      return kSubreaperSetupFailed;
    }
    const pid_t middle = ::fork();
    if (middle == 0) {
      const pid_t grandchild = ::fork();
      if (grandchild == 0) {
        char go;
        if (!ReadExact(to_grandchild.read_end.get(), &go, 1)) {
          _exit(1);
        }
        const pid_t parent = ::getppid();
        _exit(WriteAll(from_grandchild.write_end.get(), &parent, sizeof parent) ? 77 : 1);
      }
      _exit(grandchild > 0 ? 0 : 1);
    }
    int status = 0;
    if (middle < 0 || ::waitpid(middle, &status, 0) != middle || status != 0) {
      return kMiddleNotReaped;
    }
    // M is gone: only now may G look at its parent.
    if (!WriteAll(to_grandchild.write_end.get(), "g", 1)) {
      return kGrandchildLost;
    }
    pid_t seen = 0;
    if (!ReadExact(from_grandchild.read_end.get(), &seen, sizeof seen)) {
      return kGrandchildLost;
    }
    if (seen != ::getpid()) {
      return kWrongParent;
    }
    const pid_t reaped = ::waitpid(-1, &status, 0);
    if (reaped <= 0) {
      return kGrandchildNotReaped;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 77 ? kSubreaperOk : kWrongStatus;
  });
  ASSERT_TRUE(subreaper);
  EXPECT_THAT(WaitForExit(subreaper), ExitedWithStatus(kSubreaperOk))
      << "10 prctl failed, 11 middle process failed, 12 grandchild lost, 13 grandchild's "
         "getppid() is not the subreaper, 14 subreaper could not reap it, 15 wrong status";
}

PROCSIG_TEST(Zombie, OrphanedZombieGoesToSubreaper, "ZOMBIE.ORPHANED_ZOMBIE_REAPED",
             "Linux prctl(2) PR_SET_CHILD_SUBREAPER",
             "a zombie whose parent terminates without reaping it passes to the new parent "
             "(the subreaper), which reaps it with its status") {
  Pipe grandchild_pid;
  ASSERT_TRUE(grandchild_pid.ok());
  auto subreaper = ForkChild([&] {
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
      return kSubreaperSetupFailed;
    }
    const pid_t middle = ::fork();
    if (middle == 0) {
      const pid_t grandchild = ::fork();
      if (grandchild == 0) {
        _exit(66);
      }
      // Leave G a zombie: wait for it to end without reaping it.
      siginfo_t info{};
      if (grandchild < 0 ||
          ::waitid(P_PID, static_cast<id_t>(grandchild), &info, WEXITED | WNOWAIT) != 0 ||
          !WriteAll(grandchild_pid.write_end.get(), &grandchild, sizeof grandchild)) {
        _exit(1);
      }
      _exit(0);
    }
    int status = 0;
    if (middle < 0 || ::waitpid(middle, &status, 0) != middle || status != 0) {
      return kMiddleNotReaped;
    }
    pid_t grandchild = 0;
    if (!ReadExact(grandchild_pid.read_end.get(), &grandchild, sizeof grandchild)) {
      return kGrandchildLost;
    }
    if (::waitpid(grandchild, &status, 0) != grandchild) {
      return kGrandchildNotReaped;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 66 ? kSubreaperOk : kWrongStatus;
  });
  ASSERT_TRUE(subreaper);
  EXPECT_THAT(WaitForExit(subreaper), ExitedWithStatus(kSubreaperOk))
      << "10 prctl failed, 11 middle process failed, 12 no grandchild pid, 14 the subreaper "
         "could not reap the orphaned zombie, 15 wrong status";
}

PROCSIG_TEST(Zombie, NotWaitableByGrandparentBeforeOrphaned, "ZOMBIE.NOT_GRANDPARENTS",
             "XSH waitpid",
             "a process cannot reap its grandchild while the grandchild's parent lives: "
             "waitpid(grandchild) fails with ECHILD") {
  Pipe grandchild_pid;
  ASSERT_TRUE(grandchild_pid.ok());
  Checkpoint done;
  auto child = ForkChild([&] {
    const pid_t grandchild = ::fork();
    if (grandchild == 0) {
      _exit(0);
    }
    if (grandchild < 0 ||
        !WriteAll(grandchild_pid.write_end.get(), &grandchild, sizeof grandchild)) {
      return 1;
    }
    if (!done.Wait()) {
      return 2;
    }
    return ::waitpid(grandchild, nullptr, 0) == grandchild ? 0 : 3;
  });
  ASSERT_TRUE(child);
  pid_t grandchild = 0;
  ASSERT_TRUE(ReadExact(grandchild_pid.read_end.get(), &grandchild, sizeof grandchild));
  EXPECT_THAT(::waitpid(grandchild, nullptr, WNOHANG), SyscallFailsWithErrno(ECHILD));
  ASSERT_TRUE(done.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

}  // namespace
}  // namespace procsig::test
