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
#include <optional>
#include <string>

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
  ASSERT_NE(FindExpectation("FORK.A"), nullptr);
  EXPECT_EQ(FindExpectation("FORK.A")->reason, "known bug");
  EXPECT_FALSE(FindExpectation("FORK.A")->intermittent());
  EXPECT_EQ(FindExpectation("FORK.B"), nullptr);
  EXPECT_FALSE(LoadExpectations(dir, ""));  // back to no target
  EXPECT_EQ(std::remove(path.c_str()), 0);
  EXPECT_EQ(::rmdir(dir), 0);
}

// A scratch expectations directory holding t.txt.
class ScratchTarget {
 public:
  ScratchTarget() { ok_ = ::mkdtemp(dir_) != nullptr; }
  ~ScratchTarget() {
    (void)LoadExpectations(dir_, "");
    (void)std::remove(path().c_str());
    (void)::rmdir(dir_);
  }
  bool ok() const { return ok_; }
  std::string path() const { return std::string(dir_) + "/t.txt"; }
  std::optional<std::string> Load(const std::string& text) {
    std::ofstream(path()) << text;
    return LoadExpectations(dir_, "t");
  }

 private:
  char dir_[32] = "/tmp/procsig-expect-XXXXXX";
  bool ok_ = false;
};

TEST(Expectations, IntermittentRowsCarryTheirRate) {
  ScratchTarget target;
  ASSERT_TRUE(target.ok());
  ASSERT_FALSE(
      target.Load("FORK.A  intermittent (failed 7 of 20 runs): a late signal\n"
                  "FORK.B  intermittently slow, failing every run\n"));
  const Expectation* flaky = FindExpectation("FORK.A");
  ASSERT_NE(flaky, nullptr);
  EXPECT_TRUE(flaky->intermittent());
  EXPECT_EQ(flaky->rate, "failed 7 of 20 runs");
  EXPECT_EQ(flaky->reason, "a late signal");
  // Only the word itself starts the form: this is a plain row.
  const Expectation* plain = FindExpectation("FORK.B");
  ASSERT_NE(plain, nullptr);
  EXPECT_FALSE(plain->intermittent());
  EXPECT_EQ(plain->reason, "intermittently slow, failing every run");
}

TEST(Expectations, RejectIntermittentWithoutAMeasuredRate) {
  ScratchTarget target;
  ASSERT_TRUE(target.ok());
  const auto no_rate = target.Load("# header\nFORK.C  intermittent: sometimes\n");
  ASSERT_TRUE(no_rate);
  EXPECT_THAT(*no_rate, ::testing::HasSubstr("t.txt:2: 'FORK.C' has no measured rate"));
  const auto always = target.Load("FORK.C  intermittent (failed 3 of 3 runs): always\n");
  ASSERT_TRUE(always);
  EXPECT_THAT(*always, ::testing::HasSubstr("t.txt:1: 'FORK.C' is intermittent with 'failed 3 "
                                            "of 3 runs': it must have failed in some runs"));
  EXPECT_TRUE(target.Load("FORK.C  intermittent (failed 0 of 3 runs): never\n"));
}

// Runs a body through RunAssertion, as PROCSIG_TEST does, under an ID the
// scratch target lists. The callers intercept all threads, as RunAssertion
// does inside, so its own interception nests within theirs.
class ListedBody : public ConformanceTest {
 public:
  void TestBody() override {}
  static void Run(void (*body)()) {
    RunAssertion({"SUPPORT.LISTED", "none", "a row the scratch target lists", false}, body);
  }
};

// Runs `body` as SUPPORT.LISTED with what it reports (failures, skips)
// caught in *results instead of the running test's.
void RunListed(void (*body)(), ::testing::TestPartResultArray* results) {
  ::testing::ScopedFakeTestPartResultReporter intercept(
      ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ALL_THREADS, results);
  ListedBody::Run(body);
}

std::string CurrentProperty(const std::string& key) {
  const auto* result = ::testing::UnitTest::GetInstance()->current_test_info()->result();
  for (int i = 0; i < result->test_property_count(); ++i) {
    if (result->GetTestProperty(i).key() == key) {
      return result->GetTestProperty(i).value();
    }
  }
  return "";
}

TEST(Expectations, IntermittentFailureIsSkippedAndNamed) {
  ScratchTarget target;
  ASSERT_TRUE(target.ok());
  ASSERT_FALSE(target.Load("SUPPORT.LISTED  intermittent (failed 1 of 2 runs): a race\n"));
  ::testing::TestPartResultArray results;
  RunListed([] { ADD_FAILURE() << "lost the race"; }, &results);
  ASSERT_EQ(results.size(), 1);
  EXPECT_TRUE(results.GetTestPartResult(0).skipped());
  EXPECT_THAT(results.GetTestPartResult(0).message(),
              ::testing::HasSubstr("intermittent failure: a race (listed as failed 1 of 2 runs)"));
  EXPECT_THAT(results.GetTestPartResult(0).message(), ::testing::HasSubstr("lost the race"));
  EXPECT_EQ(CurrentProperty("outcome"), "intermittent");
  EXPECT_EQ(CurrentProperty("this_run"), "fail");
}

TEST(Expectations, IntermittentPassPassesAndIsNamed) {
  ScratchTarget target;
  ASSERT_TRUE(target.ok());
  ASSERT_FALSE(target.Load("SUPPORT.LISTED  intermittent (failed 1 of 2 runs): a race\n"));
  ::testing::TestPartResultArray results;
  RunListed([] {}, &results);
  EXPECT_EQ(results.size(), 0) << "neither a failure nor a skip";
  EXPECT_EQ(CurrentProperty("outcome"), "intermittent");
  EXPECT_EQ(CurrentProperty("this_run"), "pass");
}

TEST(Expectations, PlainRowThatPassesIsAnUnexpectedPass) {
  ScratchTarget target;
  ASSERT_TRUE(target.ok());
  ASSERT_FALSE(target.Load("SUPPORT.LISTED  always fails here\n"));
  ::testing::TestPartResultArray results;
  RunListed([] {}, &results);
  ASSERT_EQ(results.size(), 1);
  EXPECT_TRUE(results.GetTestPartResult(0).failed());
  EXPECT_THAT(results.GetTestPartResult(0).message(), ::testing::HasSubstr("unexpected pass"));
  EXPECT_EQ(CurrentProperty("outcome"), "unexpected-pass");
}

}  // namespace
}  // namespace procsig::test
