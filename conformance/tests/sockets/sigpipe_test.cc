// Writing to a connection whose peer has gone: EPIPE, and SIGPIPE unless it
// is ignored, blocked or suppressed with MSG_NOSIGNAL. The first write after
// the peer closed may still succeed (the peer answers it with a reset), so
// writers loop until the error, bounded by a deadline.
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "assertion.h"
#include "child.h"
#include "loopback.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"

namespace procsig::test {
namespace {

using sockets::Connection;
using sockets::ConnectPair;

// A connection whose peer end is closed, and whose end of stream already
// reached `accepted`. Check c.accepted, not c.ok(): the peer is gone.
Connection PeerClosed() {
  Connection c = ConnectPair();
  if (!c.ok()) {
    c.accepted.reset();
    return c;
  }
  c.peer.reset();
  bool eof = false;
  sockets::ReadWithDeadline(c.accepted.get(), 1, &eof);
  if (!eof) {
    ADD_FAILURE() << "the peer's close did not arrive";
  }
  return c;
}

// Child side: writes (flags as given) until a write fails; returns its errno,
// or 0 if the deadline passed first.
int WriteUntilError(int fd, int flags, Deadline deadline) {
  while (MillisecondsLeft(deadline) > 0) {
    if (::send(fd, "x", 1, flags) < 0 && errno != EINTR) {
      return errno;
    }
  }
  return 0;
}

// A child that unblocks every signal and puts SIGPIPE at its default action.
void DefaultSigpipe() {
  (void)::signal(SIGPIPE, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

PROCSIG_TEST(Socket, EpipeWhenSigpipeIgnored, "SOCKET.EPIPE_SIGPIPE_IGNORED", "XSH write",
             "with SIGPIPE ignored, writing to a connection closed by the peer fails with EPIPE "
             "(after at most a few accepted writes)") {
  ScopedSigaction ignored(SIGPIPE, SIG_IGN);
  ASSERT_TRUE(ignored.ok());
  Connection c = PeerClosed();
  ASSERT_TRUE(c.accepted);
  int error = 0;
  int resets = 0;
  const Deadline deadline = DeadlineIn();
  for (;;) {
    ASSERT_GT(MillisecondsLeft(deadline), 0) << "writes kept succeeding";
    if (::write(c.accepted.get(), "x", 1) < 0) {
      error = errno;
      // A reset may be reported once as ECONNRESET before EPIPE.
      if (error == ECONNRESET && resets++ == 0) {
        continue;
      }
      break;
    }
  }
  EXPECT_EQ(error, EPIPE) << DescribeErrno(error);
}

PROCSIG_TEST(Socket, SigpipeKillsByDefault, "SOCKET.SIGPIPE_DEFAULT_KILLS", "XSH write",
             "with SIGPIPE at its default action, writing to a connection closed by the peer "
             "terminates the writer by SIGPIPE") {
  Connection c = PeerClosed();
  ASSERT_TRUE(c.accepted);
  ScopedChild child = ForkChild([&] {
    DefaultSigpipe();
    int error;
    do {
      error = WriteUntilError(c.accepted.get(), 0, DeadlineIn());
    } while (error == ECONNRESET);
    return error == 0 ? 100 : 101;  // alive: no SIGPIPE arrived
  });
  ASSERT_TRUE(child);
  const int status = WaitForExit(child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the writer survived, wait status " << status
                                   << " (exit 100: no error before the deadline)";
  EXPECT_EQ(WTERMSIG(status), SIGPIPE);
}

PROCSIG_TEST(Socket, MsgNosignal, "SOCKET.MSG_NOSIGNAL", "XSH send",
             "send() with MSG_NOSIGNAL to a connection closed by the peer fails with EPIPE "
             "without raising SIGPIPE") {
  Connection c = PeerClosed();
  ASSERT_TRUE(c.accepted);
  ScopedChild child = ForkChild([&] {
    DefaultSigpipe();
    int error;
    do {
      error = WriteUntilError(c.accepted.get(), MSG_NOSIGNAL, DeadlineIn());
    } while (error == ECONNRESET);
    return error == EPIPE ? 0 : 1;
  });
  ASSERT_TRUE(child);
  const int status = WaitForExit(child);
  ASSERT_FALSE(WIFSIGNALED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0) << "send did not fail with EPIPE";
}

PROCSIG_TEST(Socket, SigpipePendingWhenBlocked, "SOCKET.SIGPIPE_BLOCKED_PENDING", "XSH write",
             "with SIGPIPE blocked, the failing write returns EPIPE and SIGPIPE is left "
             "pending") {
  Connection c = PeerClosed();
  ASSERT_TRUE(c.accepted);
  ScopedChild child = ForkChild([&] {
    DefaultSigpipe();
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigprocmask(SIG_BLOCK, &pipe_only, nullptr);
    int error;
    do {
      error = WriteUntilError(c.accepted.get(), 0, DeadlineIn());
    } while (error == ECONNRESET);
    if (error != EPIPE) {
      return 1;
    }
    sigset_t pending;
    sigpending(&pending);
    return sigismember(&pending, SIGPIPE) == 1 ? 0 : 2;
  });
  ASSERT_TRUE(child);
  const int status = WaitForExit(child);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: no EPIPE, 2: SIGPIPE not pending";
}

PROCSIG_TEST(Socket, UnixStreamEpipeAtOnce, "SOCKET.UNIX_EPIPE", "XSH write",
             "on a local stream socket pair, the first write after the other end was closed "
             "fails with EPIPE") {
  ScopedSigaction ignored(SIGPIPE, SIG_IGN);
  int fds[2];
  ASSERT_THAT(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), SyscallSucceeds());
  UniqueFd mine(fds[0]);
  ASSERT_THAT(::close(fds[1]), SyscallSucceeds());
  EXPECT_THAT(::write(mine.get(), "x", 1), SyscallFailsWithErrno(EPIPE));
}

PROCSIG_CHARACTERISE(Socket, FirstWriteAfterPeerClose, "SOCKET.FIRST_WRITE_AFTER_CLOSE",
                     "XSH write",
                     "whether the first write to a TCP connection, after the peer's close has "
                     "arrived, succeeds (the reset comes later) or fails at once") {
  ScopedSigaction ignored(SIGPIPE, SIG_IGN);
  Connection c = PeerClosed();
  ASSERT_TRUE(c.accepted);
  const ssize_t first = ::write(c.accepted.get(), "x", 1);
  const int error = errno;
  if (first == 1) {
    RecordObserved("first write succeeds");
  } else {
    EXPECT_TRUE(error == EPIPE || error == ECONNRESET) << DescribeErrno(error);
    RecordObserved("first write fails with " + ErrnoName(error));
  }
}

}  // namespace
}  // namespace procsig::test
