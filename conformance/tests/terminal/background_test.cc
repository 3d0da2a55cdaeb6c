// Terminal access control (XBD 11.1.4) on a real pseudo-terminal: what a
// background process group gets for reading, writing and tcsetpgrp(), and
// how ignoring or blocking SIGTTIN/SIGTTOU changes it. Each test runs in a
// session leader (the foreground group) that forks one background member.
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include "assertion.h"
#include "child.h"
#include "child_check.h"
#include "pty.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

using terminal::BecomeSessionLeaderWithTty;
using terminal::Block;
using terminal::OpenPty;
using terminal::Pty;
using terminal::RunInBackgroundGroup;
using terminal::SetDisposition;

// Exit codes of a background member whose call returned.
constexpr int kSucceeded = 0;
constexpr int kFailedEio = 5;
constexpr int kFailedOther = 6;

int Outcome(ssize_t result) {
  if (result >= 0) {
    return kSucceeded;
  }
  return errno == EIO ? kFailedEio : kFailedOther;
}

// Runs `member` in a background group of a new session on a fresh pty,
// after `setup(tty)` in the leader; returns the member's wait status (-1 and
// a failure recorded if the leader's setup failed).
template <typename Setup, typename Member>
int BackgroundStatus(Setup setup, Member member) {
  Pty pty = OpenPty();
  if (!pty.ok()) {
    return -1;
  }
  const int master = pty.master.get();
  const char* slave = pty.slave.c_str();
  Pipe out;
  if (!out.ok()) {
    ADD_FAILURE() << "pipe2 failed";
    return -1;
  }
  ChildReport report;
  auto leader = ForkChild([&] {
    const int tty = BecomeSessionLeaderWithTty(master, slave);
    CHILD_CHECK(report, tty >= 0);
    CHILD_CHECK(report, setup(tty));
    const int status = RunInBackgroundGroup(tty, member);
    CHILD_CHECK(report, status != -1);
    CHILD_CHECK(report, ::write(out.write_end.get(), &status, sizeof status) == sizeof status);
    return 0;
  });
  if (!leader) {
    return -1;
  }
  EXPECT_TRUE(ChildSucceeded(leader, report));
  int status = -1;
  if (::read(out.read_end.get(), &status, sizeof status) != sizeof status) {
    ADD_FAILURE() << "the session leader reported no status";
    return -1;
  }
  return status;
}

bool NoSetup(int /*tty*/) { return true; }

bool SetTostop(int tty) {
  struct termios mode {};
  if (::tcgetattr(tty, &mode) != 0) {
    return false;
  }
  mode.c_lflag |= TOSTOP;
  return ::tcsetattr(tty, TCSANOW, &mode) == 0;
}

int ReadOne(int tty) {
  char byte;
  return Outcome(::read(tty, &byte, 1));
}

int WriteOne(int tty) { return Outcome(::write(tty, "x", 1)); }

int SetSelfForeground(int tty) { return Outcome(::tcsetpgrp(tty, ::getpgrp())); }

PROCSIG_TEST(Tty, BackgroundReadStops, "TTY.BACKGROUND_READ_SIGTTIN", "XBD 11.1.4",
             "a read() of the controlling terminal from a background process group sends it "
             "SIGTTIN, which stops it") {
  EXPECT_THAT(BackgroundStatus(NoSetup, ReadOne), StoppedBySignal(SIGTTIN));
}

PROCSIG_TEST(Tty, BackgroundReadIgnored, "TTY.BACKGROUND_READ_IGNORED_EIO", "XBD 11.1.4",
             "a background read() with SIGTTIN ignored fails with EIO") {
  EXPECT_THAT(
      BackgroundStatus(NoSetup,
                       [](int tty) { return SetDisposition(SIGTTIN, SIG_IGN) ? ReadOne(tty) : 9; }),
      ExitedWithStatus(kFailedEio));
}

PROCSIG_TEST(Tty, BackgroundReadBlocked, "TTY.BACKGROUND_READ_BLOCKED_EIO", "XBD 11.1.4",
             "a background read() with SIGTTIN blocked fails with EIO") {
  EXPECT_THAT(BackgroundStatus(NoSetup, [](int tty) { return Block(SIGTTIN) ? ReadOne(tty) : 9; }),
              ExitedWithStatus(kFailedEio));
}

PROCSIG_TEST(Tty, BackgroundWriteAllowed, "TTY.BACKGROUND_WRITE_NO_TOSTOP", "XBD 11.1.4",
             "without TOSTOP a background process may write to the controlling terminal") {
  EXPECT_THAT(BackgroundStatus(NoSetup, WriteOne), ExitedWithStatus(kSucceeded));
}

PROCSIG_TEST(Tty, BackgroundWriteStops, "TTY.BACKGROUND_WRITE_TOSTOP_SIGTTOU", "XBD 11.1.4",
             "with TOSTOP a background write() sends the group SIGTTOU, which stops it") {
  EXPECT_THAT(BackgroundStatus(SetTostop, WriteOne), StoppedBySignal(SIGTTOU));
}

PROCSIG_TEST(Tty, BackgroundWriteBlocked, "TTY.BACKGROUND_WRITE_TOSTOP_BLOCKED", "XBD 11.1.4",
             "with TOSTOP but SIGTTOU blocked, a background write() goes through") {
  EXPECT_THAT(
      BackgroundStatus(SetTostop, [](int tty) { return Block(SIGTTOU) ? WriteOne(tty) : 9; }),
      ExitedWithStatus(kSucceeded));
}

PROCSIG_TEST(Tty, BackgroundWriteIgnored, "TTY.BACKGROUND_WRITE_TOSTOP_IGNORED", "XBD 11.1.4",
             "with TOSTOP but SIGTTOU ignored, a background write() goes through") {
  EXPECT_THAT(
      BackgroundStatus(
          SetTostop, [](int tty) { return SetDisposition(SIGTTOU, SIG_IGN) ? WriteOne(tty) : 9; }),
      ExitedWithStatus(kSucceeded));
}

PROCSIG_TEST(Tty, BackgroundTcsetpgrpStops, "TTY.TCSETPGRP_BACKGROUND_SIGTTOU", "XSH tcsetpgrp",
             "tcsetpgrp() from a background process group sends it SIGTTOU, which stops it") {
  EXPECT_THAT(BackgroundStatus(NoSetup, SetSelfForeground), StoppedBySignal(SIGTTOU));
}

PROCSIG_TEST(Tty, BackgroundTcsetpgrpBlocked, "TTY.TCSETPGRP_BACKGROUND_BLOCKED", "XSH tcsetpgrp",
             "tcsetpgrp() from a background group with SIGTTOU blocked succeeds") {
  EXPECT_THAT(BackgroundStatus(NoSetup,
                               [](int tty) {
                                 if (!Block(SIGTTOU) || SetSelfForeground(tty) != kSucceeded) {
                                   return 9;
                                 }
                                 return ::tcgetpgrp(tty) == ::getpgrp() ? kSucceeded : 8;
                               }),
              ExitedWithStatus(kSucceeded));
}

PROCSIG_TEST(Tty, BackgroundTcsetpgrpIgnored, "TTY.TCSETPGRP_BACKGROUND_IGNORED", "XSH tcsetpgrp",
             "tcsetpgrp() from a background group with SIGTTOU ignored succeeds") {
  EXPECT_THAT(
      BackgroundStatus(
          NoSetup,
          [](int tty) { return SetDisposition(SIGTTOU, SIG_IGN) ? SetSelfForeground(tty) : 9; }),
      ExitedWithStatus(kSucceeded));
}

}  // namespace
}  // namespace procsig::test
