// waitpid(): choosing children by pid and process group, WNOHANG,
// WUNTRACED, WCONTINUED and its errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "proc.h"
#include "process_helpers.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

// A zombie in a process group of its own (it calls setpgid(0, 0) first and
// exits with `code` only if that worked, 98 otherwise).
ScopedChild ForkZombieInOwnGroup(int code) {
  auto child = ForkChild([code] { return ::setpgid(0, 0) == 0 ? code : 98; });
  if (child && !AwaitChild(child.pid(), WEXITED)) {
    ADD_FAILURE() << "child " << child.pid() << " did not become a zombie before the deadline";
    child.KillAndReap();
  }
  return child;
}

PROCSIG_TEST(Waitpid, WnohangZeroWhileRunning, "WAITPID.WNOHANG_RUNNING", "XSH waitpid",
             "waitpid(-1, WNOHANG) returns 0 while children exist and none has ended") {
  Checkpoint release;
  auto child = ForkHeldChild(release, 0);
  ASSERT_TRUE(child);
  int status = -12345;
  EXPECT_THAT(::waitpid(-1, &status, WNOHANG), SyscallSucceedsWithValue(0));
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Waitpid, WnohangReturnsEnded, "WAITPID.WNOHANG_ENDED", "XSH waitpid",
             "waitpid(-1, WNOHANG) returns the process ID and status of a child that has ended") {
  auto child = ForkZombie(8);
  ASSERT_TRUE(child);
  int status = 0;
  ASSERT_THAT(::waitpid(-1, &status, WNOHANG), SyscallSucceedsWithValue(child.pid()));
  child.MarkReaped();
  EXPECT_THAT(status, ExitedWithStatus(8));
}

PROCSIG_TEST(Waitpid, WnohangEchildWithoutChildren, "WAITPID.WNOHANG_ECHILD", "XSH waitpid",
             "waitpid(-1, WNOHANG) fails with ECHILD when there are no children at all") {
  EXPECT_THAT(::waitpid(-1, nullptr, WNOHANG), SyscallFailsWithErrno(ECHILD));
}

PROCSIG_TEST(Waitpid, PidSelectsOneChild, "WAITPID.PID_ONLY", "XSH waitpid",
             "waitpid(pid) waits for that child only: with it running it does not report another "
             "child that has ended") {
  auto ended = ForkZombie(1);
  ASSERT_TRUE(ended);
  Checkpoint release;
  auto running = ForkHeldChild(release, 2);
  ASSERT_TRUE(running);
  EXPECT_THAT(::waitpid(running.pid(), nullptr, WNOHANG), SyscallSucceedsWithValue(0));
  ASSERT_TRUE(release.Wake());
  int status = 0;
  ASSERT_THAT(::waitpid(running.pid(), &status, 0), SyscallSucceedsWithValue(running.pid()));
  running.MarkReaped();
  EXPECT_THAT(status, ExitedWithStatus(2));
  // The other child was left alone: still waitable.
  EXPECT_TRUE(AwaitChild(ended.pid(), WEXITED, DeadlineIn(std::chrono::milliseconds(0))))
      << "the ended child is no longer waitable";
  EXPECT_THAT(WaitForExit(ended), ExitedWithStatus(1));
}

PROCSIG_TEST(Waitpid, MinusOneAnyChild, "WAITPID.MINUS_ONE_ANY", "XSH waitpid",
             "waitpid(-1) reports any child: two ended children are both returned, then ECHILD") {
  auto first = ForkZombie(1);
  auto second = ForkZombie(2);
  ASSERT_TRUE(first && second);
  std::set<pid_t> seen;
  for (int i = 0; i < 2; ++i) {
    const pid_t pid = ::waitpid(-1, nullptr, 0);
    ASSERT_THAT(pid, SyscallSucceeds());
    seen.insert(pid);
  }
  first.MarkReaped();
  second.MarkReaped();
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_THAT(::waitpid(-1, nullptr, WNOHANG), SyscallFailsWithErrno(ECHILD));
}

PROCSIG_TEST(Waitpid, NullStatus, "WAITPID.NULL_STATUS", "XSH waitpid",
             "waitpid(pid, NULL, 0) reaps the child and returns its process ID") {
  auto child = ForkChild([] { return 3; });
  ASSERT_TRUE(child);
  ASSERT_THAT(::waitpid(child.pid(), nullptr, 0), SyscallSucceedsWithValue(child.pid()));
  child.MarkReaped();
}

PROCSIG_TEST(Waitpid, ZeroMeansOwnGroup, "WAITPID.ZERO_OWN_GROUP", "XSH waitpid",
             "waitpid(0) reports only children in the caller's process group") {
  auto in_group = ForkZombie(1);
  auto elsewhere = ForkZombieInOwnGroup(2);
  ASSERT_TRUE(in_group && elsewhere);
  ASSERT_EQ(::getpgid(elsewhere.pid()), elsewhere.pid()) << "setpgid failed in the child";
  int status = 0;
  ASSERT_THAT(::waitpid(0, &status, WNOHANG), SyscallSucceedsWithValue(in_group.pid()));
  in_group.MarkReaped();
  EXPECT_THAT(status, ExitedWithStatus(1));
  EXPECT_THAT(::waitpid(0, nullptr, WNOHANG), SyscallFailsWithErrno(ECHILD))
      << "a child of another process group was reported";
  EXPECT_THAT(WaitForExit(elsewhere), ExitedWithStatus(2));
}

PROCSIG_TEST(Waitpid, NegativePgid, "WAITPID.NEGATIVE_PGID", "XSH waitpid",
             "waitpid(-pgid) reports only children whose process group is pgid, then ECHILD when "
             "none is left there") {
  auto in_group = ForkZombie(1);
  auto elsewhere = ForkZombieInOwnGroup(2);
  ASSERT_TRUE(in_group && elsewhere);
  const pid_t pgid = elsewhere.pid();
  ASSERT_EQ(::getpgid(pgid), pgid) << "setpgid failed in the child";
  int status = 0;
  ASSERT_THAT(::waitpid(-pgid, &status, WNOHANG), SyscallSucceedsWithValue(pgid));
  elsewhere.MarkReaped();
  EXPECT_THAT(status, ExitedWithStatus(2));
  EXPECT_THAT(::waitpid(-pgid, nullptr, WNOHANG), SyscallFailsWithErrno(ECHILD));
  EXPECT_THAT(WaitForExit(in_group), ExitedWithStatus(1));
}

PROCSIG_TEST(Waitpid, NegativePgidSeveralMembers, "WAITPID.NEGATIVE_PGID_MEMBERS", "XSH waitpid",
             "waitpid(-pgid) reports every child in that group, including one that joined it") {
  Checkpoint leader_ready;
  Checkpoint release_leader;
  auto leader = ForkChild([&] {
    if (::setpgid(0, 0) != 0 || !leader_ready.Wake()) {
      return 98;
    }
    return release_leader.Wait() ? 1 : 99;
  });
  ASSERT_TRUE(leader);
  ASSERT_TRUE(leader_ready.Wait());
  const pid_t pgid = leader.pid();
  auto member = ForkChild([pgid] { return ::setpgid(0, pgid) == 0 ? 2 : 98; });
  ASSERT_TRUE(member);
  ASSERT_TRUE(AwaitChild(member.pid(), WEXITED));
  ASSERT_TRUE(release_leader.Wake());
  ASSERT_TRUE(AwaitChild(leader.pid(), WEXITED));
  std::set<int> statuses;
  for (int i = 0; i < 2; ++i) {
    int status = 0;
    ASSERT_THAT(::waitpid(-pgid, &status, 0), SyscallSucceeds());
    ASSERT_TRUE(WIFEXITED(status)) << DescribeWaitStatus(status);
    statuses.insert(WEXITSTATUS(status));
  }
  leader.MarkReaped();
  member.MarkReaped();
  EXPECT_EQ(statuses, (std::set<int>{1, 2}));
}

PROCSIG_TEST(Waitpid, NotOurChild, "WAITPID.ECHILD_NOT_CHILD", "XSH waitpid",
             "waitpid(pid) fails with ECHILD when pid is an existing process that is not a child "
             "of the caller") {
  EXPECT_THAT(::waitpid(::getppid(), nullptr, WNOHANG), SyscallFailsWithErrno(ECHILD));
}

PROCSIG_TEST(Waitpid, BadOptions, "WAITPID.EINVAL_OPTIONS", "XSH waitpid",
             "waitpid() fails with EINVAL when options holds bits that are not defined") {
  Checkpoint release;
  auto child = ForkHeldChild(release, 0);
  ASSERT_TRUE(child);
  EXPECT_THAT(::waitpid(child.pid(), nullptr, ~0), SyscallFailsWithErrno(EINVAL));
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Waitpid, UntracedReportsStop, "WAITPID.WUNTRACED", "XSH waitpid",
             "with WUNTRACED a stopped child is reported: WIFSTOPPED true, WSTOPSIG the stop "
             "signal") {
  Checkpoint release;
  auto child = ForkStoppingChild(release);
  ASSERT_TRUE(child);
  int status = 0;
  ASSERT_THAT(::waitpid(child.pid(), &status, WUNTRACED), SyscallSucceedsWithValue(child.pid()));
  EXPECT_TRUE(WIFSTOPPED(status)) << DescribeWaitStatus(status);
  EXPECT_EQ(WSTOPSIG(status), SIGSTOP);
  EXPECT_FALSE(WIFEXITED(status));
  EXPECT_FALSE(WIFSIGNALED(status));
}

PROCSIG_TEST(Waitpid, StopByParentSignal, "WAITPID.WUNTRACED_KILL_SIGSTOP", "XSH waitpid",
             "a child stopped by SIGSTOP from its parent is reported with WUNTRACED and "
             "WSTOPSIG SIGSTOP") {
  Checkpoint release;
  auto child = ForkHeldChild(release, 0);
  ASSERT_TRUE(child);
  ASSERT_THAT(::kill(child.pid(), SIGSTOP), SyscallSucceeds());
  int status = 0;
  ASSERT_THAT(::waitpid(child.pid(), &status, WUNTRACED), SyscallSucceedsWithValue(child.pid()));
  EXPECT_THAT(status, StoppedBySignal(SIGSTOP));
  ASSERT_THAT(::kill(child.pid(), SIGCONT), SyscallSucceeds());
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Waitpid, StopReportedOnce, "WAITPID.STOP_REPORTED_ONCE", "XSH waitpid",
             "a stop is reported once: a second waitpid(WUNTRACED | WNOHANG) returns 0") {
  Checkpoint release;
  auto child = ForkStoppingChild(release);
  ASSERT_TRUE(child);
  int status = 0;
  ASSERT_THAT(::waitpid(child.pid(), &status, WUNTRACED), SyscallSucceedsWithValue(child.pid()));
  ASSERT_THAT(status, StoppedBySignal(SIGSTOP));
  EXPECT_THAT(::waitpid(child.pid(), &status, WUNTRACED | WNOHANG), SyscallSucceedsWithValue(0));
}

PROCSIG_TEST(Waitpid, WnohangReportsStop, "WAITPID.WNOHANG_STOPPED", "XSH waitpid",
             "waitpid(WUNTRACED | WNOHANG) reports a child that is already stopped") {
  Checkpoint release;
  auto child = ForkStoppingChild(release);
  ASSERT_TRUE(child);
  ASSERT_TRUE(AwaitChild(child.pid(), WSTOPPED)) << "no stop reported";
  int status = 0;
  EXPECT_THAT(::waitpid(child.pid(), &status, WUNTRACED | WNOHANG),
              SyscallSucceedsWithValue(child.pid()));
  EXPECT_THAT(status, StoppedBySignal(SIGSTOP));
}

PROCSIG_TEST(Waitpid, ContinuedReported, "WAITPID.WCONTINUED", "XSH waitpid",
             "with WCONTINUED a stopped child continued by SIGCONT is reported: WIFCONTINUED "
             "true") {
  Checkpoint release;
  auto child = ForkStoppingChild(release);
  ASSERT_TRUE(child);
  int status = 0;
  ASSERT_THAT(::waitpid(child.pid(), &status, WUNTRACED), SyscallSucceedsWithValue(child.pid()));
  ASSERT_THAT(status, StoppedBySignal(SIGSTOP));
  ASSERT_THAT(::kill(child.pid(), SIGCONT), SyscallSucceeds());
  ASSERT_THAT(::waitpid(child.pid(), &status, WCONTINUED), SyscallSucceedsWithValue(child.pid()));
  EXPECT_TRUE(WIFCONTINUED(status)) << DescribeWaitStatus(status);
  EXPECT_FALSE(WIFSTOPPED(status));
  EXPECT_FALSE(WIFEXITED(status));
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Waitpid, ContinueNotReportedWithoutFlag, "WAITPID.NO_WCONTINUED", "XSH waitpid",
             "without WCONTINUED a continued child is not reported: waitpid(WNOHANG) returns 0") {
  Checkpoint release;
  auto child = ForkStoppingChild(release);
  ASSERT_TRUE(child);
  int status = 0;
  ASSERT_THAT(::waitpid(child.pid(), &status, WUNTRACED), SyscallSucceedsWithValue(child.pid()));
  ASSERT_THAT(::kill(child.pid(), SIGCONT), SyscallSucceeds());
  // The continue has happened once waitid(WCONTINUED | WNOWAIT) reports it.
  ASSERT_TRUE(AwaitChild(child.pid(), WCONTINUED)) << "no continue reported";
  EXPECT_THAT(::waitpid(child.pid(), &status, WNOHANG), SyscallSucceedsWithValue(0));
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Waitpid, StoppedChildDoesNotRun, "WAITPID.STOPPED_DOES_NOT_RUN",
             "XSH 2.4.3 Signal Actions",
             "a child reported stopped by SIGSTOP does not run until continued: what it does "
             "after raise(SIGSTOP) happens only after SIGCONT") {
  Pipe out;
  ASSERT_TRUE(out.ok());
  auto child = ForkChild([&] {
    (void)::raise(SIGSTOP);
    const char byte = 'r';
    return ::write(out.write_end.get(), &byte, 1) == 1 ? 0 : 1;
  });
  ASSERT_TRUE(child);
  out.write_end.reset();
  ASSERT_TRUE(AwaitChild(child.pid(), WSTOPPED)) << "no stop reported";
  // Stopped, the child cannot write. The wait only gives a layer that lets
  // a "stopped" process run (proot) time to show it; natively nothing can
  // arrive however long it lasts, so it cannot fail a correct platform.
  struct pollfd pfd {};
  pfd.fd = out.read_end.get();
  pfd.events = POLLIN;
  EXPECT_THAT(::poll(&pfd, 1, 100), SyscallSucceedsWithValue(0))
      << "the child ran on after it was reported stopped";
  ASSERT_THAT(::kill(child.pid(), SIGCONT), SyscallSucceeds());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

}  // namespace
}  // namespace procsig::test
