// Hangups: the controlling process's exit and the master's close send
// SIGHUP; a process group orphaned with a stopped member gets SIGHUP and
// SIGCONT; a window-size change sends SIGWINCH.
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "../process/process_helpers.h"
#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "child_check.h"
#include "pty.h"
#include "pty_child.h"
#include "syscall_matchers.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

using terminal::AsSessionLeader;
using terminal::AwaitSignal;
using terminal::BecomeSessionLeaderWithTty;
using terminal::Block;
using terminal::OpenPty;
using terminal::Pty;
using terminal::RunPtyChild;

PROCSIG_TEST(Tty, LeaderExitHangsUp, "TTY.LEADER_EXIT_SIGHUP", "XSH _exit",
             "when the controlling process exits, the foreground process group of its "
             "terminal gets SIGHUP") {
  SKIP_UNLESS_ADOPTS_ORPHANS();
  Pty pty = OpenPty();
  ASSERT_TRUE(pty.ok());
  const int master = pty.master.get();
  const char* slave = pty.slave.c_str();
  Pipe member_pid;
  ASSERT_TRUE(member_pid.ok());
  ChildReport report;
  auto leader = ForkChild([&] {
    const int tty = BecomeSessionLeaderWithTty(master, slave);
    CHILD_CHECK(report, tty >= 0);
    Pipe ready;
    CHILD_CHECK(report, ready.ok());
    const pid_t member = ::fork();
    if (member == 0) {
      if (!Block(SIGHUP) || ::setpgid(0, 0) != 0 || ::write(ready.write_end.get(), "r", 1) != 1) {
        ::_exit(2);
      }
      ::_exit(AwaitSignal(SIGHUP) == SIGHUP ? 0 : 3);
    }
    CHILD_CHECK(report, member > 0);
    char byte;
    CHILD_CHECK(report, ReadExact(ready.read_end.get(), &byte, 1));
    CHILD_CHECK(report, ::tcsetpgrp(tty, member) == 0);
    CHILD_CHECK(report, WriteAll(member_pid.write_end.get(), &member, sizeof member));
    return 0;  // the controlling process exits
  });
  ASSERT_TRUE(leader);
  pid_t pid = -1;
  ASSERT_TRUE(ReadExact(member_pid.read_end.get(), &pid, sizeof pid));
  ScopedChild member(pid);  // adopted by this subreaper when the leader exits
  EXPECT_TRUE(ChildSucceeded(leader, report));
  EXPECT_THAT(WaitForExit(member), ExitedWithStatus(0)) << "2: setup failed, 3: no SIGHUP";
}

PROCSIG_TEST(Tty, MasterCloseHangsUp, "TTY.MASTER_CLOSE_SIGHUP", "Linux pty(7)",
             "closing the last descriptor of a pseudo-terminal master sends SIGHUP to the "
             "controlling process of the slave") {
  Checkpoint ready;
  RunPtyChild(AsSessionLeader([&ready](const ChildReport& report, int /*tty*/) {
                CHILD_CHECK(report, Block(SIGHUP));
                CHILD_CHECK(report, ready.Wake());
                CHILD_CHECK(report, AwaitSignal(SIGHUP) == SIGHUP);
                return 0;
              }),
              [&ready](Pty& pty) {
                ASSERT_TRUE(ready.Wait());
                pty.master.reset();
              });
}

// Signal handlers of the stopped member: each writes its letter to the pipe.
int g_orphan_report_fd = -1;
void ReportHup(int /*sig*/) { (void)!::write(g_orphan_report_fd, "H", 1); }
void ReportCont(int /*sig*/) { (void)!::write(g_orphan_report_fd, "C", 1); }

PROCSIG_TEST(Tty, OrphanedStoppedGroup, "TTY.ORPHANED_PGRP_SIGHUP_SIGCONT", "XSH _exit",
             "when a process group becomes orphaned while a member is stopped, every member "
             "gets SIGHUP and SIGCONT") {
  SKIP_UNLESS_ADOPTS_ORPHANS();
  // A new session S; in it group G of two processes: P and its child Q.
  // Q stops itself; P exits. Q's new parent is this test process, in
  // another session, so G is orphaned with a stopped member.
  Pipe letters;
  Pipe q_pid;
  ASSERT_TRUE(letters.ok() && q_pid.ok());
  ChildReport report;
  auto session = ForkChild([&] {
    CHILD_CHECK(report, ::setsid() > 0);
    const pid_t p = ::fork();
    if (p == 0) {
      if (::setpgid(0, 0) != 0) {
        ::_exit(2);
      }
      const pid_t q = ::fork();
      if (q == 0) {
        g_orphan_report_fd = letters.write_end.get();
        if (!terminal::SetDisposition(SIGHUP, ReportHup) ||
            !terminal::SetDisposition(SIGCONT, ReportCont)) {
          ::_exit(2);
        }
        ::raise(SIGSTOP);
        ::_exit(0);
      }
      int status = 0;
      if (q < 0 || !WriteAll(q_pid.write_end.get(), &q, sizeof q) ||
          ::waitpid(q, &status, WUNTRACED) != q || !WIFSTOPPED(status)) {
        ::_exit(3);
      }
      ::_exit(0);  // orphans group G
    }
    CHILD_CHECK(report, p > 0);
    int status = 0;
    CHILD_CHECK(report, ::waitpid(p, &status, 0) == p);
    CHILD_CHECK(report, WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return 0;
  });
  ASSERT_TRUE(session);
  pid_t pid = -1;
  ASSERT_TRUE(ReadExact(q_pid.read_end.get(), &pid, sizeof pid));
  ScopedChild q(pid);
  EXPECT_TRUE(ChildSucceeded(session, report));
  char got[2] = {};
  ASSERT_TRUE(ReadExact(letters.read_end.get(), got, sizeof got))
      << "the stopped member did not get both signals";
  EXPECT_TRUE((got[0] == 'H' && got[1] == 'C') || (got[0] == 'C' && got[1] == 'H'))
      << got[0] << got[1];
  EXPECT_THAT(WaitForExit(q), ExitedWithStatus(0));
}

PROCSIG_TEST(Tty, ResizeSendsSigwinch, "TTY.SIGWINCH_ON_RESIZE", "XSH tcsetwinsize",
             "changing the window size (TIOCSWINSZ on the master) sends SIGWINCH to the "
             "foreground process group, which reads the new size") {
  Pty pty = OpenPty();
  ASSERT_TRUE(pty.ok());
  const int master = pty.master.get();
  const char* slave = pty.slave.c_str();
  Checkpoint ready;
  ChildReport report;
  auto leader = ForkChild([&] {
    CHILD_CHECK(report, Block(SIGWINCH));
    const int tty = BecomeSessionLeaderWithTty(master, slave);
    CHILD_CHECK(report, tty >= 0);
    CHILD_CHECK(report, ready.Wake());
    CHILD_CHECK(report, AwaitSignal(SIGWINCH) == SIGWINCH);
    struct winsize size {};
    CHILD_CHECK(report, ::ioctl(tty, TIOCGWINSZ, &size) == 0);
    CHILD_CHECK(report, size.ws_row == 33 && size.ws_col == 77);
    return 0;
  });
  ASSERT_TRUE(leader);
  ASSERT_TRUE(ready.Wait());
  struct winsize size {};
  size.ws_row = 33;
  size.ws_col = 77;
  ASSERT_THAT(::ioctl(master, TIOCSWINSZ, &size), SyscallSucceeds());
  EXPECT_TRUE(ChildSucceeded(leader, report));
}

}  // namespace
}  // namespace procsig::test
