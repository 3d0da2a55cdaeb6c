// Sessions and controlling terminals on a real pseudo-terminal: setsid(),
// TIOCSCTTY and TIOCNOTTY, and who may change the foreground process group
// (tcsetpgrp).
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include "assertion.h"
#include "child.h"
#include "child_check.h"
#include "pty.h"
#include "pty_child.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

using terminal::AsSessionLeader;
using terminal::BecomeSessionLeaderWithTty;
using terminal::Block;
using terminal::OpenPty;
using terminal::Pty;
using terminal::PtyEnds;
using terminal::RunPtyChild;

bool HasControllingTty() {
  const int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd >= 0) {
    ::close(fd);
    return true;
  }
  return false;
}

PROCSIG_TEST(Tty, SetsidDropsTty, "TTY.SETSID_NO_CTTY", "XSH setsid",
             "a process that has just called setsid() has no controlling terminal: opening "
             "/dev/tty fails with ENXIO") {
  ChildReport report;
  auto child = ForkChild([&] {
    CHILD_CHECK(report, ::setsid() == ::getpid());
    CHILD_CHECK(report, ::getsid(0) == ::getpid() && ::getpgrp() == ::getpid());
    CHILD_CHECK(report, ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC) < 0 && errno == ENXIO);
    return 0;
  });
  ASSERT_TRUE(child);
  EXPECT_TRUE(ChildSucceeded(child, report));
}

PROCSIG_TEST(Tty, SetsidFailsForLeader, "TTY.SETSID_EPERM_GROUP_LEADER", "XSH setsid",
             "setsid() fails with EPERM in a process that already leads a process group") {
  ChildReport report;
  auto child = ForkChild([&] {
    CHILD_CHECK(report, ::setpgid(0, 0) == 0);
    CHILD_CHECK(report, ::setsid() < 0 && errno == EPERM);
    return 0;
  });
  ASSERT_TRUE(child);
  EXPECT_TRUE(ChildSucceeded(child, report));
}

PROCSIG_TEST(Tty, TiocscttyAcquires, "TTY.TIOCSCTTY_ACQUIRES", "Linux ioctl_tty(2)",
             "a session leader without a controlling terminal makes a terminal its controlling "
             "one with TIOCSCTTY: tcgetsid() names its session and /dev/tty opens") {
  RunPtyChild(AsSessionLeader([](const ChildReport& report, int tty) {
    CHILD_CHECK(report, ::tcgetsid(tty) == ::getpid());
    CHILD_CHECK(report, ::tcgetpgrp(tty) == ::getpgrp());
    CHILD_CHECK(report, HasControllingTty());
    return 0;
  }));
}

PROCSIG_CHARACTERISE(Tty, OpenAcquires, "TTY.OPEN_WITHOUT_NOCTTY", "XBD 11.1.3",
                     "whether a session leader without a controlling terminal acquires one by "
                     "opening a terminal without O_NOCTTY") {
  Pty pty = OpenPty();
  ASSERT_TRUE(pty.ok());
  const int master = pty.master.get();
  const char* slave = pty.slave.c_str();
  auto leader = ForkChild([&] {
    ::close(master);
    if (::setsid() < 0) {
      return 2;
    }
    const int fd = ::open(slave, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      return 3;
    }
    return HasControllingTty() ? 0 : 1;
  });
  ASSERT_TRUE(leader);
  const int status = WaitForExit(leader);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) <= 1) << "setup failed: " << status;
  RecordObserved(WEXITSTATUS(status) == 0 ? "acquired" : "not acquired");
}

PROCSIG_TEST(Tty, TiocscttyNotLeader, "TTY.TIOCSCTTY_NOT_LEADER_EPERM", "Linux ioctl_tty(2)",
             "TIOCSCTTY by a process that is not a session leader fails with EPERM") {
  RunPtyChild([](const ChildReport& report, PtyEnds ends) {
    ::close(ends.master);
    CHILD_CHECK(report, ::getsid(0) != ::getpid());
    const int fd = ::open(ends.slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
    CHILD_CHECK(report, fd >= 0);
    CHILD_CHECK(report, ::ioctl(fd, TIOCSCTTY, 0) < 0 && errno == EPERM);
    return 0;
  });
}

PROCSIG_TEST(Tty, TiocscttyTaken, "TTY.TIOCSCTTY_TAKEN_EPERM", "Linux ioctl_tty(2)",
             "TIOCSCTTY (argument 0) of a terminal that is another session's controlling "
             "terminal fails with EPERM, even for root") {
  RunPtyChild([](const ChildReport& report, PtyEnds ends) {
    const int tty = BecomeSessionLeaderWithTty(ends.master, ends.slave);
    CHILD_CHECK(report, tty >= 0);
    const pid_t other = ::fork();
    if (other == 0) {
      if (::setsid() < 0) {
        ::_exit(2);
      }
      const int fd = ::open(ends.slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
      ::_exit(fd >= 0 && ::ioctl(fd, TIOCSCTTY, 0) < 0 && errno == EPERM ? 0 : 1);
    }
    CHILD_CHECK(report, other > 0);
    int status = 0;
    CHILD_CHECK(report, ::waitpid(other, &status, 0) == other);
    CHILD_CHECK(report, WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHILD_CHECK(report, ::tcgetsid(tty) == ::getpid());
    return 0;
  });
}

PROCSIG_TEST(Tty, TiocnottyReleases, "TTY.TIOCNOTTY_RELEASES", "Linux ioctl_tty(2)",
             "TIOCNOTTY gives up the controlling terminal: /dev/tty no longer opens") {
  // Blocked: TIOCNOTTY sends SIGHUP and SIGCONT to the foreground group,
  // this leader's own (TTY.TIOCNOTTY_LEADER_SIGHUP), and SIGHUP would end it.
  RunPtyChild(AsSessionLeader([](const ChildReport& report, int tty) {
    CHILD_CHECK(report, Block(SIGHUP) && Block(SIGCONT));
    CHILD_CHECK(report, ::ioctl(tty, TIOCNOTTY) == 0);
    CHILD_CHECK(report, !HasControllingTty());
    return 0;
  }));
}

PROCSIG_TEST(Tty, TiocnottyLeaderSignals, "TTY.TIOCNOTTY_LEADER_SIGHUP", "Linux ioctl_tty(2)",
             "TIOCNOTTY by the session leader sends SIGHUP and SIGCONT to the foreground "
             "process group") {
  RunPtyChild(AsSessionLeader([](const ChildReport& report, int tty) {
    CHILD_CHECK(report, Block(SIGHUP) && Block(SIGCONT));
    CHILD_CHECK(report, ::ioctl(tty, TIOCNOTTY) == 0);
    sigset_t pending;
    CHILD_CHECK(report, ::sigpending(&pending) == 0);
    CHILD_CHECK(report, sigismember(&pending, SIGHUP) == 1);
    CHILD_CHECK(report, sigismember(&pending, SIGCONT) == 1);
    return 0;
  }));
}

PROCSIG_TEST(Tty, TcsetpgrpForeground, "TTY.TCSETPGRP_SETS_FOREGROUND", "XSH tcsetpgrp",
             "the controlling process can make another process group of its session the "
             "foreground group; tcgetpgrp() then returns it") {
  RunPtyChild(AsSessionLeader([](const ChildReport& report, int tty) {
    // A second group of the session; its one member waits while it is the
    // foreground group.
    Pipe hold;
    CHILD_CHECK(report, hold.ok());
    const pid_t member = ::fork();
    if (member == 0) {
      hold.write_end.reset();
      char byte;
      ::_exit(::setpgid(0, 0) == 0 && ::read(hold.read_end.get(), &byte, 1) == 0 ? 0 : 1);
    }
    CHILD_CHECK(report, member > 0);
    (void)::setpgid(member, member);
    CHILD_CHECK(report, ::tcsetpgrp(tty, member) == 0);
    CHILD_CHECK(report, ::tcgetpgrp(tty) == member);
    hold.write_end.reset();
    int member_status = 0;
    CHILD_CHECK(report, ::waitpid(member, &member_status, 0) == member);
    return 0;
  }));
}

PROCSIG_TEST(Tty, TcsetpgrpOtherSession, "TTY.TCSETPGRP_OTHER_SESSION_EPERM", "XSH tcsetpgrp",
             "tcsetpgrp() with a process group of another session fails with EPERM") {
  // The other session's group is one of our own making: the test process's
  // group may be none at all (under ci/uml-run it is PID 1's, group 0, and
  // tcsetpgrp() then fails with ESRCH, not EPERM).
  Pipe hold;
  ASSERT_TRUE(hold.ok());
  const int hold_fd = hold.read_end.get();
  auto other = ForkChild([&hold, hold_fd] {
    hold.write_end.reset();
    char byte;
    return ::read(hold_fd, &byte, 1) == 0 ? 0 : 1;
  });
  ASSERT_TRUE(other);
  hold.read_end.reset();
  ASSERT_THAT(::setpgid(other.pid(), other.pid()), SyscallSucceeds());
  const pid_t outside = other.pid();
  RunPtyChild(AsSessionLeader([outside](const ChildReport& report, int tty) {
    CHILD_CHECK(report, ::tcsetpgrp(tty, outside) < 0 && errno == EPERM);
    CHILD_CHECK(report, ::tcgetpgrp(tty) == ::getpgrp());
    return 0;
  }));
  hold.write_end.reset();
  EXPECT_THAT(WaitForExit(other), ExitedWithStatus(0));
}

PROCSIG_TEST(Tty, TcsetpgrpNotControlling, "TTY.TCSETPGRP_NOT_CTTY_ENOTTY", "XSH tcsetpgrp",
             "tcsetpgrp() on a terminal that is not the caller's controlling terminal fails "
             "with ENOTTY") {
  RunPtyChild([](const ChildReport& report, PtyEnds ends) {
    ::close(ends.master);
    CHILD_CHECK(report, ::setsid() > 0);
    const int fd = ::open(ends.slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
    CHILD_CHECK(report, fd >= 0);
    CHILD_CHECK(report, ::tcsetpgrp(fd, ::getpgrp()) < 0 && errno == ENOTTY);
    return 0;
  });
}

PROCSIG_TEST(Tty, ReuseAfterLeaderExit, "TTY.REUSE_AFTER_LEADER_EXIT", "XSH _exit",
             "once the controlling process has exited its terminal is nobody's controlling "
             "terminal: a new session leader acquires it with TIOCSCTTY") {
  Pty pty = OpenPty();
  ASSERT_TRUE(pty.ok());
  const int master = pty.master.get();
  const char* slave = pty.slave.c_str();
  auto first = ForkChild([&] { return BecomeSessionLeaderWithTty(master, slave) >= 0 ? 0 : 1; });
  ASSERT_TRUE(first);
  ASSERT_THAT(WaitForExit(first), ExitedWithStatus(0)) << "the first leader could not acquire it";
  ChildReport report;
  auto second = ForkChild([&] {
    const int tty = BecomeSessionLeaderWithTty(master, slave);
    CHILD_CHECK(report, tty >= 0);
    CHILD_CHECK(report, ::tcgetsid(tty) == ::getpid());
    return 0;
  });
  ASSERT_TRUE(second);
  EXPECT_TRUE(ChildSucceeded(second, report));
}

}  // namespace
}  // namespace procsig::test
