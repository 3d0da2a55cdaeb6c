// The INTR, SUSP and QUIT characters typed on a pseudo-terminal (written to
// its master) signal the foreground process group only while ISIG is set;
// without it they are ordinary input. XBD 11.2.5 (Local Modes) and 11.1.9
// (Special Characters).
#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "child_check.h"
#include "pty.h"
#include "pty_child.h"
#include "syscall_matchers.h"

namespace procsig::test {
namespace {

using terminal::AsSessionLeader;
using terminal::AwaitSignal;
using terminal::Block;
using terminal::Pty;
using terminal::RunPtyChild;

constexpr char kIntr = 0x03;  // ^C
constexpr char kSusp = 0x1a;  // ^Z
constexpr char kQuit = 0x1c;  // ^backslash

// Child-safe: canonical mode with the three characters set and ISIG as asked.
bool SetMode(int tty, bool isig) {
  struct termios mode {};
  if (::tcgetattr(tty, &mode) != 0) {
    return false;
  }
  mode.c_lflag |= ICANON;
  mode.c_lflag = isig ? (mode.c_lflag | ISIG) : (mode.c_lflag & ~ISIG);
  mode.c_cc[VINTR] = kIntr;
  mode.c_cc[VSUSP] = kSusp;
  mode.c_cc[VQUIT] = kQuit;
  return ::tcsetattr(tty, TCSANOW, &mode) == 0;
}

// The session leader (the foreground group) blocks sig, sets ISIG, tells the
// test it is ready and waits for sig; the test types `c` on the master.
void ExpectCharacterSignals(char c, int sig) {
  Checkpoint ready;
  RunPtyChild(AsSessionLeader([&ready, sig](const ChildReport& report, int tty) {
                CHILD_CHECK(report, Block(sig));
                CHILD_CHECK(report, SetMode(tty, true));
                CHILD_CHECK(report, ready.Wake());
                CHILD_CHECK(report, AwaitSignal(sig) == sig);
                return 0;
              }),
              [&ready, c](Pty& pty) {
                ASSERT_TRUE(ready.Wait());
                ASSERT_THAT(::write(pty.master.get(), &c, 1), SyscallSucceedsWithValue(1));
              });
}

PROCSIG_TEST(Tty, IntrSendsSigint, "TTY.VINTR_SIGINT", "XBD 11.1.9",
             "with ISIG set, the INTR character (^C) sends SIGINT to the foreground process "
             "group") {
  ExpectCharacterSignals(kIntr, SIGINT);
}

PROCSIG_TEST(Tty, SuspSendsSigtstp, "TTY.VSUSP_SIGTSTP", "XBD 11.1.9",
             "with ISIG set, the SUSP character (^Z) sends SIGTSTP to the foreground process "
             "group") {
  ExpectCharacterSignals(kSusp, SIGTSTP);
}

PROCSIG_TEST(Tty, QuitSendsSigquit, "TTY.VQUIT_SIGQUIT", "XBD 11.1.9",
             "with ISIG set, the QUIT character (^\\) sends SIGQUIT to the foreground process "
             "group") {
  ExpectCharacterSignals(kQuit, SIGQUIT);
}

PROCSIG_TEST(Tty, NoIsigNoSignals, "TTY.NO_ISIG_NO_SIGNAL", "XBD 11.2.5",
             "with ISIG clear, INTR, SUSP and QUIT are read as data and send no signal") {
  Checkpoint ready;
  const auto leader = [&ready](const ChildReport& report, int tty) {
    CHILD_CHECK(report, Block(SIGINT) && Block(SIGTSTP) && Block(SIGQUIT));
    CHILD_CHECK(report, SetMode(tty, false));
    CHILD_CHECK(report, ready.Wake());
    // The line is queued only after the characters were looked at, so once
    // it can be read any signal they caused is pending already.
    struct pollfd pfd {};
    pfd.fd = tty;
    pfd.events = POLLIN;
    CHILD_CHECK(report, ::poll(&pfd, 1, 10000) == 1);
    char line[8] = {};
    CHILD_CHECK(report, ::read(tty, line, sizeof line) == 4);
    CHILD_CHECK(report, line[0] == kIntr && line[1] == kSusp && line[2] == kQuit);
    sigset_t pending;
    CHILD_CHECK(report, ::sigpending(&pending) == 0);
    CHILD_CHECK(report, sigismember(&pending, SIGINT) == 0);
    CHILD_CHECK(report, sigismember(&pending, SIGTSTP) == 0);
    CHILD_CHECK(report, sigismember(&pending, SIGQUIT) == 0);
    return 0;
  };
  RunPtyChild(AsSessionLeader(leader), [&ready](Pty& pty) {
    ASSERT_TRUE(ready.Wait());
    const char typed[] = {kIntr, kSusp, kQuit, '\n'};
    ASSERT_THAT(::write(pty.master.get(), typed, sizeof typed),
                SyscallSucceedsWithValue(sizeof typed));
  });
}

}  // namespace
}  // namespace procsig::test
