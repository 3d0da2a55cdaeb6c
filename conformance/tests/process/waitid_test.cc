// waitid(): the siginfo it fills in, the state options, WNOHANG and
// WNOWAIT, and its errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "proc.h"
#include "process_helpers.h"
#include "syscall_matchers.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

// A siginfo_t filled with garbage, so fields the call must set are seen to
// be set.
siginfo_t Scribbled() {
  siginfo_t info;
  std::memset(&info, 0x5a, sizeof info);
  return info;
}

id_t Id(pid_t pid) { return static_cast<id_t>(pid); }

PROCSIG_TEST(Waitid, ExitedInfo, "WAITID.WEXITED_INFO", "XSH waitid",
             "waitid(WEXITED) fills si_signo SIGCHLD, si_code CLD_EXITED, si_pid, si_uid and the "
             "exit status in si_status") {
  auto child = ForkChild([] { return 42; });
  ASSERT_TRUE(child);
  const pid_t pid = child.pid();
  siginfo_t info = Scribbled();
  ASSERT_THAT(::waitid(P_PID, Id(pid), &info, WEXITED), SyscallSucceedsWithValue(0));
  child.MarkReaped();
  EXPECT_EQ(info.si_signo, SIGCHLD);
  EXPECT_EQ(info.si_code, CLD_EXITED);
  EXPECT_EQ(info.si_pid, pid);
  EXPECT_EQ(info.si_uid, ::getuid());
  EXPECT_EQ(info.si_status, 42);
}

PROCSIG_TEST(Waitid, ReportsChildPid, "WAITID.SI_PID", "XSH waitid",
             "waitid(P_ALL) reports in si_pid the process ID of the child that ended") {
  auto child = ForkZombie(0);
  ASSERT_TRUE(child);
  const pid_t pid = child.pid();
  siginfo_t info = Scribbled();
  ASSERT_THAT(::waitid(P_ALL, 0, &info, WEXITED), SyscallSucceedsWithValue(0));
  child.MarkReaped();
  EXPECT_EQ(info.si_pid, pid);
}

PROCSIG_TEST(Waitid, KilledInfo, "WAITID.CLD_KILLED", "XSH waitid",
             "for a child killed by a signal waitid() reports si_code CLD_KILLED (or CLD_DUMPED) "
             "and the signal in si_status") {
  Checkpoint release;
  auto child = ForkHeldChild(release, 0);
  ASSERT_TRUE(child);
  ASSERT_THAT(::kill(child.pid(), SIGKILL), SyscallSucceeds());
  siginfo_t info = Scribbled();
  ASSERT_THAT(::waitid(P_PID, Id(child.pid()), &info, WEXITED), SyscallSucceedsWithValue(0));
  child.MarkReaped();
  EXPECT_THAT(info.si_code, ::testing::AnyOf(CLD_KILLED, CLD_DUMPED));
  EXPECT_EQ(info.si_status, SIGKILL);
}

PROCSIG_TEST(Waitid, StoppedInfo, "WAITID.WSTOPPED", "XSH waitid",
             "waitid(WSTOPPED) reports a stopped child with si_code CLD_STOPPED and the stop "
             "signal in si_status") {
  Checkpoint release;
  auto child = ForkStoppingChild(release);
  ASSERT_TRUE(child);
  siginfo_t info = Scribbled();
  ASSERT_THAT(::waitid(P_PID, Id(child.pid()), &info, WSTOPPED), SyscallSucceedsWithValue(0));
  EXPECT_EQ(info.si_code, CLD_STOPPED);
  EXPECT_EQ(info.si_status, SIGSTOP);
  EXPECT_EQ(info.si_pid, child.pid());
}

PROCSIG_TEST(Waitid, ContinuedInfo, "WAITID.WCONTINUED", "XSH waitid",
             "waitid(WCONTINUED) reports a continued child with si_code CLD_CONTINUED and "
             "si_status SIGCONT") {
  Checkpoint release;
  auto child = ForkStoppingChild(release);
  ASSERT_TRUE(child);
  siginfo_t info = Scribbled();
  ASSERT_THAT(::waitid(P_PID, Id(child.pid()), &info, WSTOPPED), SyscallSucceedsWithValue(0));
  ASSERT_EQ(info.si_code, CLD_STOPPED);
  ASSERT_THAT(::kill(child.pid(), SIGCONT), SyscallSucceeds());
  info = Scribbled();
  ASSERT_THAT(::waitid(P_PID, Id(child.pid()), &info, WCONTINUED), SyscallSucceedsWithValue(0));
  EXPECT_EQ(info.si_code, CLD_CONTINUED);
  EXPECT_EQ(info.si_status, SIGCONT);
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Waitid, WnohangNothingReady, "WAITID.WNOHANG_SI_PID_ZERO", "XSH waitid",
             "waitid(WNOHANG) with children but none ready returns 0 and sets si_pid and "
             "si_signo to 0") {
  Checkpoint release;
  auto child = ForkHeldChild(release, 0);
  ASSERT_TRUE(child);
  siginfo_t info = Scribbled();
  EXPECT_THAT(::waitid(P_ALL, 0, &info, WEXITED | WNOHANG), SyscallSucceedsWithValue(0));
  EXPECT_EQ(info.si_pid, 0);
  EXPECT_EQ(info.si_signo, 0);
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Waitid, WnowaitLeavesChildWaitable, "WAITID.WNOWAIT", "XSH waitid",
             "with WNOWAIT the child is reported but stays waitable: it is still a zombie and a "
             "second waitid() reaps it") {
  auto child = ForkZombie(9);
  ASSERT_TRUE(child);
  siginfo_t info = Scribbled();
  ASSERT_THAT(::waitid(P_PID, Id(child.pid()), &info, WEXITED | WNOWAIT),
              SyscallSucceedsWithValue(0));
  EXPECT_EQ(info.si_pid, child.pid());
  EXPECT_EQ(info.si_status, 9);
  EXPECT_TRUE(AwaitChild(child.pid(), WEXITED, DeadlineIn(std::chrono::milliseconds(0))))
      << "the child was reaped despite WNOWAIT";
  info = Scribbled();
  ASSERT_THAT(::waitid(P_PID, Id(child.pid()), &info, WEXITED), SyscallSucceedsWithValue(0));
  child.MarkReaped();
  EXPECT_EQ(info.si_status, 9);
  EXPECT_THAT(::waitid(P_PID, Id(info.si_pid), &info, WEXITED | WNOHANG),
              SyscallFailsWithErrno(ECHILD));
}

PROCSIG_TEST(Waitid, NoStateOption, "WAITID.EINVAL_NO_STATE", "XSH waitid",
             "waitid() fails with EINVAL when options names none of WEXITED, WSTOPPED, "
             "WCONTINUED") {
  Checkpoint release;
  auto child = ForkHeldChild(release, 0);
  ASSERT_TRUE(child);
  siginfo_t info = Scribbled();
  EXPECT_THAT(::waitid(P_ALL, 0, &info, WNOHANG), SyscallFailsWithErrno(EINVAL));
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Waitid, BadIdtype, "WAITID.EINVAL_IDTYPE", "XSH waitid",
             "waitid() fails with EINVAL for an idtype other than P_ALL, P_PGID and P_PID (and "
             "the implementation's extensions)") {
  // An idtype no system defines, built without a conversion the compiler
  // would reject for being outside the enumeration.
  idtype_t bad;
  const int raw = 1234;
  static_assert(sizeof bad == sizeof raw);
  std::memcpy(&bad, &raw, sizeof bad);
  siginfo_t info = Scribbled();
  EXPECT_THAT(::waitid(bad, 0, &info, WEXITED | WNOHANG), SyscallFailsWithErrno(EINVAL));
}

PROCSIG_TEST(Waitid, NoChildren, "WAITID.ECHILD", "XSH waitid",
             "waitid(P_ALL) fails with ECHILD when the caller has no children") {
  siginfo_t info = Scribbled();
  EXPECT_THAT(::waitid(P_ALL, 0, &info, WEXITED | WNOHANG), SyscallFailsWithErrno(ECHILD));
}

PROCSIG_TEST(Waitid, PidSelectsOne, "WAITID.P_PID", "XSH waitid",
             "waitid(P_PID, pid) reports only that child, not another one that has ended") {
  auto ended = ForkZombie(1);
  ASSERT_TRUE(ended);
  Checkpoint release;
  auto running = ForkHeldChild(release, 2);
  ASSERT_TRUE(running);
  siginfo_t info = Scribbled();
  EXPECT_THAT(::waitid(P_PID, Id(running.pid()), &info, WEXITED | WNOHANG),
              SyscallSucceedsWithValue(0));
  EXPECT_EQ(info.si_pid, 0);
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(WaitForExit(running), ExitedWithStatus(2));
  EXPECT_THAT(WaitForExit(ended), ExitedWithStatus(1));
}

PROCSIG_TEST(Waitid, PgidSelectsGroup, "WAITID.P_PGID", "XSH waitid",
             "waitid(P_PGID, pgid) reports only children in that process group") {
  auto in_group = ForkZombie(1);
  ASSERT_TRUE(in_group);
  auto elsewhere = ForkChild([] { return ::setpgid(0, 0) == 0 ? 2 : 98; });
  ASSERT_TRUE(elsewhere);
  ASSERT_TRUE(AwaitChild(elsewhere.pid(), WEXITED));
  const pid_t pgid = elsewhere.pid();
  siginfo_t info = Scribbled();
  ASSERT_THAT(::waitid(P_PGID, Id(pgid), &info, WEXITED), SyscallSucceedsWithValue(0));
  EXPECT_EQ(info.si_pid, pgid);
  EXPECT_EQ(info.si_status, 2);
  elsewhere.MarkReaped();
  EXPECT_THAT(::waitid(P_PGID, Id(pgid), &info, WEXITED | WNOHANG), SyscallFailsWithErrno(ECHILD));
  EXPECT_THAT(WaitForExit(in_group), ExitedWithStatus(1));
}

PROCSIG_CHARACTERISE(Waitid, StoppedOnlyIgnoresExited, "WAITID.WSTOPPED_NOT_EXITED", "XSH waitid",
                     "waitid(WSTOPPED | WNOHANG) does not report or reap a child that has exited; "
                     "whether it returns 0 or fails with ECHILD is recorded") {
  // POSIX reserves ECHILD for "no unwaited-for children", which suggests 0
  // here; Linux answers ECHILD when the only candidate is a zombie the
  // options cannot match. Either way the zombie must stay untouched.
  auto child = ForkZombie(0);
  ASSERT_TRUE(child);
  siginfo_t info = Scribbled();
  errno = 0;
  const int result = ::waitid(P_PID, Id(child.pid()), &info, WSTOPPED | WNOHANG);
  const int error = errno;
  if (result == 0) {
    RecordObserved("returns 0");
    EXPECT_EQ(info.si_pid, 0) << "an exited child was reported as stopped";
  } else {
    RecordObserved("fails with " + DescribeErrno(error));
    EXPECT_EQ(error, ECHILD);
  }
  EXPECT_TRUE(AwaitChild(child.pid(), WEXITED, DeadlineIn(std::chrono::milliseconds(0))))
      << "the exited child was reaped";
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Waitid, ExitedOnlyIgnoresStopped, "WAITID.WEXITED_NOT_STOPPED", "XSH waitid",
             "waitid(WEXITED | WNOHANG) does not report a child that is stopped") {
  Checkpoint release;
  auto child = ForkStoppingChild(release);
  ASSERT_TRUE(child);
  ASSERT_TRUE(AwaitChild(child.pid(), WSTOPPED)) << "no stop reported";
  siginfo_t info = Scribbled();
  EXPECT_THAT(::waitid(P_PID, Id(child.pid()), &info, WEXITED | WNOHANG),
              SyscallSucceedsWithValue(0));
  EXPECT_EQ(info.si_pid, 0);
}

}  // namespace
}  // namespace procsig::test
