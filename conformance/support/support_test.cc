// Tests of the support library itself (suite 'harness'): the matchers judge
// and print errno correctly, checkpoints time out instead of hanging,
// ScopedChild cleans up, and the fixture's leak check fails a leaky test.
#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "expectations.h"
#include "proc.h"
#include "syscall_matchers.h"
#include "test_deadline.h"
#include "unique_fd.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

int FailWith(int error) {
  errno = error;
  return -1;
}

TEST(SyscallMatchers, JudgeTheErrnoTheCallLeft) {
  EXPECT_THAT(FailWith(ECHILD), SyscallFailsWithErrno(ECHILD));
  EXPECT_THAT(FailWith(ECHILD), ::testing::Not(SyscallFailsWithErrno(EINTR)));
  EXPECT_THAT(7, SyscallSucceedsWithValue(7));
  EXPECT_THAT(7, SyscallSucceeds());
  EXPECT_THAT(FailWith(EINVAL), ::testing::Not(SyscallSucceeds()));
}

TEST(SyscallMatchers, FailureNamesTheErrno) {
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(FailWith(EAGAIN), SyscallSucceeds()), "failed with EAGAIN (");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(FailWith(EPERM), SyscallFailsWithErrno(ECHILD)),
                          "failed with EPERM (Operation not permitted)");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(3, SyscallSucceedsWithValue(4)), "succeeded with 3");
}

TEST(SyscallMatchers, ExplanationKeepsTheCapturedErrno) {
  // The explanation is produced after gMock built strings; errno at that
  // point must not replace the one the call left.
  const auto matcher = ::testing::SafeMatcherCast<const int&>(SyscallSucceeds());
  errno = ECHILD;
  EXPECT_FALSE(matcher.Matches(-1));
  errno = ENOENT;
  ::testing::StringMatchResultListener listener;
  EXPECT_FALSE(matcher.MatchAndExplain(-1, &listener));
  EXPECT_THAT(listener.str(), ::testing::HasSubstr("ECHILD"));
}

TEST(WaitStatus, Describes) {
  EXPECT_EQ(DescribeWaitStatus(7 << 8), "exited with status 7");
  EXPECT_THAT(DescribeWaitStatus(SIGKILL), ::testing::StartsWith("killed by signal 9"));
}

TEST(Checkpoint, WorksBothWays) {
  Checkpoint c;
  auto child = ForkChild([&] { return c.Wait() && c.Wake() ? 0 : 1; });
  ASSERT_TRUE(child);
  ASSERT_TRUE(c.Wake());
  ASSERT_TRUE(c.Wait());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

TEST(Checkpoint, WaitFailsAtTheDeadline) {
  Checkpoint c;
  bool woke = true;
  EXPECT_NONFATAL_FAILURE(woke = c.Wait(DeadlineIn(std::chrono::milliseconds(50))),
                          "did not wake us before the deadline");
  EXPECT_FALSE(woke);
}

// main started the watchdog: a body blocked in pause() comes back at its
// deadline, with the mask of the call restored; one that returns in time is
// left alone.
TEST(TestDeadline, CutsOffABlockedBody) {
  sigset_t before;
  ASSERT_EQ(::sigprocmask(SIG_BLOCK, nullptr, &before), 0);
  const auto start = Clock::now();
  EXPECT_FALSE(RunWithinDeadline([] { ::pause(); }, std::chrono::milliseconds(200), "TEST.PAUSE"));
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(200));
  sigset_t after;
  ASSERT_EQ(::sigprocmask(SIG_BLOCK, nullptr, &after), 0);
  EXPECT_EQ(sigismember(&after, kWatchdogSignal), sigismember(&before, kWatchdogSignal));
  EXPECT_TRUE(RunWithinDeadline([] {}, std::chrono::milliseconds(200), "TEST.QUICK"));
}

TEST(ScopedChild, KillsAndReapsOnDestruction) {
  pid_t pid;
  {
    Checkpoint never;
    auto child = ForkChild([&] { return never.Wait() ? 0 : 1; });
    ASSERT_TRUE(child);
    pid = child.pid();
  }
  EXPECT_FALSE(ProcExists(pid));
}

TEST(Proc, SeesOwnState) {
  const auto stat = ReadProcStat(::getpid());
  ASSERT_TRUE(stat);
  EXPECT_EQ(stat->ppid, ::getppid());
  EXPECT_EQ(stat->pgrp, ::getpgrp());
  EXPECT_TRUE(ReadProcStatus(::getpid()));
}

// Runs the fixture's SetUp/TearDown around a leaky body.
class LeakCheck : public ConformanceTest {
 public:
  void TestBody() override {}
  void Start() { SetUp(); }
  void Finish() { TearDown(); }
};

TEST(LeakCheck, FailsOnLeftChild) {
  Checkpoint never;  // opened before Start(): its pipes are not the leak
  LeakCheck check;
  check.Start();
  auto child = ForkChild([&] { return never.Wait() ? 0 : 1; });
  ASSERT_TRUE(child);
  const pid_t pid = child.MarkReaped();  // pretend to forget it
  EXPECT_NONFATAL_FAILURE(check.Finish(), "left child processes");
  EXPECT_FALSE(ProcExists(pid)) << "the leak check did not reap the child";
}

TEST(LeakCheck, FailsOnLeftDescriptor) {
  LeakCheck check;
  check.Start();
  Pipe pipe;
  ASSERT_TRUE(pipe.ok());
  pipe.read_end.release();
  EXPECT_NONFATAL_FAILURE(check.Finish(), "left descriptors open");
}

TEST(LeakCheck, FailsOnChangedDisposition) {
  LeakCheck check;
  check.Start();
  ASSERT_NE(::signal(SIGUSR2, SIG_IGN), SIG_ERR);
  EXPECT_NONFATAL_FAILURE(check.Finish(), "changed signal dispositions");
  struct sigaction now {};
  ASSERT_EQ(::sigaction(SIGUSR2, nullptr, &now), 0);
  EXPECT_EQ(now.sa_handler, SIG_DFL) << "not restored";
}

TEST(Expectations, RejectUnknownTargetAndBadLines) {
  char dir[] = "/tmp/procsig-expect-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/t.txt";
  std::ofstream(path) << "# comment\n\nFORK.A  known bug\nFORK.B\n";
  const auto unknown = LoadExpectations(dir, "nosuch");
  ASSERT_TRUE(unknown);
  EXPECT_THAT(*unknown, ::testing::HasSubstr("unknown PROCSIG_TARGET 'nosuch'"));
  const auto bad = LoadExpectations(dir, "t");
  ASSERT_TRUE(bad);
  EXPECT_THAT(*bad, ::testing::HasSubstr("t.txt:4: 'FORK.B' has no reason"));
  std::ofstream(path) << "FORK.A  known bug\n";
  EXPECT_FALSE(LoadExpectations(dir, "t"));
  ASSERT_NE(ExpectedFailureReason("FORK.A"), nullptr);
  EXPECT_EQ(*ExpectedFailureReason("FORK.A"), "known bug");
  EXPECT_EQ(ExpectedFailureReason("FORK.B"), nullptr);
  EXPECT_FALSE(LoadExpectations(dir, ""));  // back to no target
  EXPECT_EQ(std::remove(path.c_str()), 0);
  EXPECT_EQ(::rmdir(dir), 0);
}

}  // namespace
}  // namespace procsig::test
