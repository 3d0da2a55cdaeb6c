// Signals to process groups: kill(0), kill(-pgid), killpg() reach every
// member of the group and no one else; ESRCH for a group with no members;
// kill(-1) within processes the test owns; SIGCONT within a session.
//
// Every process involved keeps the signal (SIGUSR1) blocked and, once the
// sender is done, reports whether it is pending: generation is complete
// when kill() returns, so "pending" is the proof of reach, and "not
// pending" the proof of no reach, without waiting for anything to happen.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "child_check.h"
#include "param_assertion.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

// Exit statuses of a reporting child.
constexpr int kPending = 10;
constexpr int kNotPending = 11;

int ReportPending(const ChildReport& report, int sig) {
  sigset_t pending;
  CHILD_CHECK(report, ::sigpending(&pending) == 0);
  return sigismember(&pending, sig) == 1 ? kPending : kNotPending;
}

// Uids no account uses, so a process that takes one owns nothing else on
// the machine (kill(-1) from it reaches only the test's processes). Each
// test process (shard) has its own pair: `which` is 0 or 1.
uid_t UnusedUid(unsigned which) {
  return static_cast<uid_t>(0x7ffe0000U + ((static_cast<unsigned>(::getpid()) & 0xffffU) << 1U) +
                            which);
}

enum class Sender { kKillZero, kKillpgZero, kKillMinusPgid, kKillpg };

// Three members of a new group G (the first leads it, and is the sender for
// kill(0)/killpg(0)), one process in a group of its own, and the test
// process itself in a third: only the three members may see the signal.
PROCSIG_PARAM_TEST(SignalGroup, ReachesMembersOnly, "XSH kill",
                   "a signal sent to a process group reaches every member of the group and no "
                   "process outside it",
                   Sender sender) {
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR1));
  Checkpoint ready;  // each child: "in place"; the owner: "check now"
  Checkpoint send;   // the owner: "send now" (to the leader); the leader: "sent"
  ChildReport report;
  std::vector<ScopedChild> members;
  pid_t group = 0;
  for (int i = 0; i < 3; ++i) {
    const bool leader = i == 0;
    const pid_t join = group;
    members.push_back(ForkChild([&ready, &send, leader, join, sender, &report] {
      CHILD_CHECK(report, ::setpgid(0, join) == 0 || errno == EACCES);
      CHILD_CHECK(report, ready.Wake());
      if (leader && (sender == Sender::kKillZero || sender == Sender::kKillpgZero)) {
        CHILD_CHECK(report, send.Wait());
        CHILD_CHECK(report,
                    (sender == Sender::kKillZero ? ::kill(0, SIGUSR1) : ::killpg(0, SIGUSR1)) == 0);
        CHILD_CHECK(report, send.Wake());
      }
      CHILD_CHECK(report, ready.Wait());
      return ReportPending(report, SIGUSR1);
    }));
    ASSERT_TRUE(members.back());
    // The parent sets the group too, so it is in place whichever runs first.
    ASSERT_THAT(::setpgid(members.back().pid(), join), SyscallSucceeds());
    group = leader ? members.back().pid() : group;
  }
  auto outsider = ForkChild([&ready, &report] {
    CHILD_CHECK(report, ::setpgid(0, 0) == 0);
    CHILD_CHECK(report, ready.Wake());
    CHILD_CHECK(report, ready.Wait());
    return ReportPending(report, SIGUSR1);
  });
  ASSERT_TRUE(outsider);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(ready.Wait()) << report.Failures();
  }
  switch (sender) {
    case Sender::kKillZero:
    case Sender::kKillpgZero:
      ASSERT_TRUE(send.Wake());
      ASSERT_TRUE(send.Wait());
      break;
    case Sender::kKillMinusPgid:
      ASSERT_THAT(::kill(-group, SIGUSR1), SyscallSucceeds());
      break;
    case Sender::kKillpg:
      ASSERT_THAT(::killpg(group, SIGUSR1), SyscallSucceeds());
      break;
  }
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(ready.Wake());
  }
  for (auto& member : members) {
    EXPECT_THAT(WaitForExit(member), ExitedWithStatus(kPending)) << "a member of the group\n"
                                                                 << report.Failures();
  }
  EXPECT_THAT(WaitForExit(outsider), ExitedWithStatus(kNotPending)) << "a process outside it\n"
                                                                    << report.Failures();
  sigset_t pending;
  ASSERT_THAT(::sigpending(&pending), SyscallSucceeds());
  EXPECT_EQ(sigismember(&pending, SIGUSR1), 0) << "the test process, outside the group";
}
PROCSIG_INSTANCE(SignalGroup, ReachesMembersOnly, KillZero, "SIGPGRP.KILL_ZERO", Sender::kKillZero)
PROCSIG_INSTANCE(SignalGroup, ReachesMembersOnly, KillpgZero, "SIGPGRP.KILLPG_ZERO",
                 Sender::kKillpgZero)
PROCSIG_INSTANCE(SignalGroup, ReachesMembersOnly, KillMinusPgid, "SIGPGRP.KILL_MINUS_PGID",
                 Sender::kKillMinusPgid)
PROCSIG_INSTANCE(SignalGroup, ReachesMembersOnly, Killpg, "SIGPGRP.KILLPG", Sender::kKillpg)

PROCSIG_TEST(SignalGroup, KillpgKillsGroup, "SIGPGRP.KILLPG_SIGKILL", "XSH killpg",
             "killpg(pgid, SIGKILL) kills every member of the group, each reported killed by "
             "SIGKILL") {
  Checkpoint ready;
  ChildReport report;
  std::vector<ScopedChild> members;
  pid_t group = 0;
  for (int i = 0; i < 3; ++i) {
    const pid_t join = group;
    members.push_back(ForkChild([&ready, join, &report] {
      CHILD_CHECK(report, ::setpgid(0, join) == 0 || errno == EACCES);
      CHILD_CHECK(report, ready.Wake());
      ::pause();
      return 0;
    }));
    ASSERT_TRUE(members.back());
    ASSERT_THAT(::setpgid(members.back().pid(), join), SyscallSucceeds());
    group = i == 0 ? members.back().pid() : group;
  }
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(ready.Wait()) << report.Failures();
  }
  ASSERT_THAT(::killpg(group, SIGKILL), SyscallSucceeds());
  const Deadline deadline = DeadlineIn();  // one limit for all three
  for (auto& member : members) {
    EXPECT_THAT(WaitForExit(member, deadline), KilledBySignal(SIGKILL));
  }
}

PROCSIG_TEST(SignalGroup, EmptyGroupEsrch, "SIGPGRP.EMPTY_GROUP_ESRCH", "XSH kill",
             "kill(-pgid) and killpg(pgid) fail with ESRCH once the group has no members") {
  ChildReport report;
  auto child = ForkChild([&report] {
    CHILD_CHECK(report, ::setpgid(0, 0) == 0);
    return 0;
  });
  ASSERT_TRUE(child);
  const pid_t group = child.pid();
  ::setpgid(group, group);  // may fail with ESRCH/EACCES if the child was quicker
  ASSERT_TRUE(ChildSucceeded(child, report));
  EXPECT_THAT(::kill(-group, SIGUSR1), SyscallFailsWithErrno(ESRCH));
  EXPECT_THAT(::killpg(group, SIGUSR1), SyscallFailsWithErrno(ESRCH));
}

PROCSIG_TEST(SignalGroup, KillpgInvalidSignal, "SIGPGRP.KILLPG_EINVAL", "XSH killpg",
             "killpg() with an invalid signal number fails with EINVAL") {
  EXPECT_THAT(::killpg(::getpgrp(), -1), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(::killpg(::getpgrp(), NSIG + 1), SyscallFailsWithErrno(EINVAL));
}

// kill(-1) reaches every process the sender may signal: as root, every
// process on the machine. So the sender and its targets first take a uid
// nobody else has, where it reaches exactly them; that needs the privilege
// to change uid, else the test skips.
PROCSIG_TEST(SignalGroup, KillMinusOne, "SIGPGRP.KILL_MINUS_ONE", "XSH kill",
             "kill(-1, sig) from an unprivileged process reaches the processes of its user and "
             "not those it has no permission to signal") {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root to take an unused uid: kill(-1) as this user would reach every "
                    "process it owns";
  }
  const uid_t uid = UnusedUid(0);
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR1));
  Checkpoint ready;
  Checkpoint send;
  ChildReport report;
  std::vector<ScopedChild> targets;
  for (int i = 0; i < 2; ++i) {
    targets.push_back(ForkChild([&ready, uid, &report] {
      CHILD_CHECK(report, ::setresuid(uid, uid, uid) == 0);
      CHILD_CHECK(report, ready.Wake());
      CHILD_CHECK(report, ready.Wait());
      return ReportPending(report, SIGUSR1);
    }));
    ASSERT_TRUE(targets.back());
  }
  auto sender = ForkChild([&send, uid, &report] {
    CHILD_CHECK(report, ::setresuid(uid, uid, uid) == 0);
    CHILD_CHECK(report, send.Wait());
    CHILD_CHECK(report, ::kill(-1, SIGUSR1) == 0);
    CHILD_CHECK(report, send.Wake());
    return 0;
  });
  ASSERT_TRUE(sender);
  for (int i = 0; i < 2; ++i) {
    if (!ready.Wait()) {
      GTEST_SKIP() << "a child could not take uid " << uid << " (user namespace?)";
    }
  }
  ASSERT_TRUE(send.Wake());
  ASSERT_TRUE(send.Wait());
  ASSERT_TRUE(ready.Wake());
  ASSERT_TRUE(ready.Wake());
  EXPECT_TRUE(ChildSucceeded(sender, report));
  for (auto& target : targets) {
    EXPECT_THAT(WaitForExit(target), ExitedWithStatus(kPending)) << report.Failures();
  }
  sigset_t pending;
  ASSERT_THAT(::sigpending(&pending), SyscallSucceeds());
  EXPECT_EQ(sigismember(&pending, SIGUSR1), 0) << "the root test process was signalled";
}

PROCSIG_TEST(SignalGroup, SigcontSameSession, "SIGPGRP.SIGCONT_SAME_SESSION", "XSH kill",
             "a process without privilege may send SIGCONT, but not SIGKILL, to a process of "
             "another user in its own session") {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root to run the two processes as two other users";
  }
  const uid_t uid = UnusedUid(0);
  const uid_t other = UnusedUid(1);
  Checkpoint ready;
  ChildReport report;
  auto target = ForkChild([&ready, other, &report] {
    const sigset_t cont = ScopedSignalMask::Only(SIGCONT);
    CHILD_CHECK(report, ::sigprocmask(SIG_BLOCK, &cont, nullptr) == 0);
    CHILD_CHECK(report, ::setresuid(other, other, other) == 0);
    CHILD_CHECK(report, ready.Wake());
    CHILD_CHECK(report, ready.Wait());
    return ReportPending(report, SIGCONT);
  });
  ASSERT_TRUE(target);
  ASSERT_TRUE(ready.Wait()) << report.Failures();
  const pid_t target_pid = target.pid();
  auto sender = ForkChild([uid, target_pid, &report] {
    CHILD_CHECK(report, ::setresuid(uid, uid, uid) == 0);
    CHILD_CHECK(report, ::kill(target_pid, SIGKILL) == -1 && errno == EPERM);
    CHILD_CHECK(report, ::kill(target_pid, SIGCONT) == 0);
    return 0;
  });
  ASSERT_TRUE(sender);
  EXPECT_TRUE(ChildSucceeded(sender, report));
  ASSERT_TRUE(ready.Wake());
  EXPECT_THAT(WaitForExit(target), ExitedWithStatus(kPending)) << report.Failures();
}

}  // namespace
}  // namespace procsig::test
