// accept() blocked when SIGCHLD arrives, as in a fork-per-connection server
// whose child ends: EINTR without SA_RESTART; with SA_RESTART POSIX lets the
// call be restarted or fail, so that case is characterised.
//
// The SIGCHLD is real: a child of the test exits when an interrupter child,
// having seen the test asleep in accept(), releases it. The interrupter then
// waits for the handler's acknowledgement and connects, so a restarted
// accept() returns instead of hanging. Without SA_RESTART it first waits for
// the test to say that accept() returned: asleep just before the call (a
// lock in an emulator), the test may have taken that SIGCHLD too early, and
// the interrupter then sends SIGCHLD again with kill() until accept()
// returns (signals::ResendUntilReturned), where a connection would have
// passed for a restart.
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../signals/interrupt.h"
#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "loopback.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"
#include "unique_fd.h"

namespace procsig::test {
namespace {

struct AcceptOutcome {
  bool ok = false;
  int result = -1;
  int error = 0;
  int deliveries = 0;
};

AcceptOutcome AcceptDuringSigchld(int flags) {
  AcceptOutcome outcome;
  ScopedSigaction on_child(SIGCHLD, signals::CountAndAck, flags);
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGCHLD));
  sockets::Listener listener = sockets::ListenLoopback();
  Pipe release;
  Pipe ack;
  Pipe returned;
  Checkpoint ready;
  if (!on_child.ok() || !listener.fd || !release.ok() || !ack.ok() || !returned.ok() ||
      !ready.ok()) {
    ADD_FAILURE() << "setup failed";
    return outcome;
  }
  signals::ResetHandlerLog(ack.write_end.get());
  const pid_t parent = ::getpid();
  const std::uint16_t port = listener.port;

  // Ends when released: its exit is the SIGCHLD.
  ScopedChild ending = ForkChild([&] {
    release.write_end.reset();
    char byte;
    return static_cast<int>(::read(release.read_end.get(), &byte, 1));
  });
  ScopedChild interrupter = ForkChild([&] {
    const Deadline deadline = DeadlineIn();
    int code = 0;
    if (!ready.Wait(deadline) || !signals::WaitUntilSleeping(parent, deadline)) {
      code = 2;
    } else {
      release.write_end.reset();  // `ending` exits now
      code = signals::ReadByte(ack.read_end.get(), deadline) ? 0 : 3;
    }
    if (code == 0 && (flags & SA_RESTART) == 0 &&
        signals::ResendUntilReturned(parent, SIGCHLD, ack.read_end.get(), returned.read_end.get(),
                                     deadline) < 0) {
      code = 5;
    }
    // Connect whatever happened, so a restarted accept() returns.
    const int fd = sockets::ConnectInChild(port);
    return code != 0 ? code : (fd >= 0 ? 0 : 4);
  });
  if (!ending || !interrupter) {
    return outcome;
  }
  release.write_end.reset();
  if (!ready.Wake()) {
    return outcome;
  }
  UniqueFd accepted(::accept4(listener.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
  outcome.error = errno;
  outcome.result = accepted.valid() ? 0 : -1;
  signals::WriteByte(returned.write_end.get());
  const int status = WaitForExit(interrupter);
  WaitForExit(ending);
  outcome.deliveries = signals::g_handler_log.count;
  signals::ResetHandlerLog();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 5 && outcome.result == 0) {
    ADD_FAILURE() << "accept() slept through every SIGCHLD sent until the deadline (the first "
                     "from a child's exit, then with kill()) and returned the connection made "
                     "after them: restarted, as with SA_RESTART";
    return outcome;
  }
  if (status != 0) {
    ADD_FAILURE() << "interrupter failed, wait status " << status
                  << " (exit 2: parent never asleep, 3: no SIGCHLD handled, 4: connect, "
                     "5: accept() never returned, however often SIGCHLD was sent again)";
    return outcome;
  }
  outcome.ok = true;
  return outcome;
}

PROCSIG_TEST(Socket, AcceptEintrWithoutRestart, "SOCKET.ACCEPT_EINTR", "XSH accept",
             "without SA_RESTART, accept() blocked when a child's SIGCHLD is caught fails with "
             "EINTR") {
  const AcceptOutcome outcome = AcceptDuringSigchld(0);
  ASSERT_TRUE(outcome.ok);
  EXPECT_GE(outcome.deliveries, 1);
  EXPECT_EQ(outcome.result, -1) << "accept() was restarted and returned a connection";
  EXPECT_EQ(outcome.error, EINTR) << DescribeErrno(outcome.error);
}

PROCSIG_CHARACTERISE(Socket, AcceptWithRestart, "SOCKET.ACCEPT_SA_RESTART", "XSH accept",
                     "whether accept() interrupted by a SIGCHLD caught with SA_RESTART is "
                     "restarted or fails with EINTR") {
  const AcceptOutcome outcome = AcceptDuringSigchld(SA_RESTART);
  ASSERT_TRUE(outcome.ok);
  EXPECT_GE(outcome.deliveries, 1);
  if (outcome.result == 0) {
    RecordObserved("restarted");
  } else {
    EXPECT_EQ(outcome.error, EINTR) << DescribeErrno(outcome.error);
    RecordObserved("EINTR");
  }
}

PROCSIG_TEST(Socket, AcceptNonblockingEagain, "SOCKET.ACCEPT_NONBLOCK_EAGAIN", "XSH accept",
             "accept() on a non-blocking listener with no pending connection fails with "
             "EAGAIN or EWOULDBLOCK") {
  sockets::Listener listener = sockets::ListenLoopback(SOMAXCONN, false, SOCK_NONBLOCK);
  ASSERT_TRUE(listener.fd);
  const int fd = ::accept(listener.fd.get(), nullptr, nullptr);
  const int error = errno;
  UniqueFd guard(fd);
  ASSERT_EQ(fd, -1);
  EXPECT_TRUE(error == EAGAIN || error == EWOULDBLOCK) << DescribeErrno(error);
}

}  // namespace
}  // namespace procsig::test
