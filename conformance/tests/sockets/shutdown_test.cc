// shutdown() on one socket: its errors, and the directions it closes.
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "assertion.h"
#include "loopback.h"
#include "syscall_matchers.h"
#include "unique_fd.h"

namespace procsig::test {
namespace {

PROCSIG_TEST(Socket, ShutdownNotConnected, "SOCKET.SHUTDOWN_ENOTCONN", "XSH shutdown",
             "shutdown() of a TCP socket that is not connected fails with ENOTCONN") {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(fd);
  EXPECT_THAT(::shutdown(fd.get(), SHUT_WR), SyscallFailsWithErrno(ENOTCONN));
}

PROCSIG_TEST(Socket, ShutdownBadHow, "SOCKET.SHUTDOWN_EINVAL", "XSH shutdown",
             "shutdown() with a `how` that is none of SHUT_RD, SHUT_WR, SHUT_RDWR fails with "
             "EINVAL") {
  sockets::Connection c = sockets::ConnectPair();
  ASSERT_TRUE(c.ok());
  EXPECT_THAT(::shutdown(c.peer.get(), 42), SyscallFailsWithErrno(EINVAL));
}

PROCSIG_TEST(Socket, ShutdownNotSocket, "SOCKET.SHUTDOWN_ENOTSOCK", "XSH shutdown",
             "shutdown() of a descriptor that is not a socket (a pipe) fails with ENOTSOCK") {
  Pipe pipe;
  ASSERT_TRUE(pipe.ok());
  EXPECT_THAT(::shutdown(pipe.write_end.get(), SHUT_WR), SyscallFailsWithErrno(ENOTSOCK));
}

PROCSIG_TEST(Socket, ShutdownBadDescriptor, "SOCKET.SHUTDOWN_EBADF", "XSH shutdown",
             "shutdown() of a descriptor that is not open fails with EBADF") {
  int fd;
  {
    Pipe pipe;
    ASSERT_TRUE(pipe.ok());
    fd = pipe.read_end.get();
  }
  EXPECT_THAT(::shutdown(fd, SHUT_RDWR), SyscallFailsWithErrno(EBADF));
}

PROCSIG_TEST(Socket, ShutdownReadThenRead, "SOCKET.SHUTDOWN_RD_EOF", "XSH shutdown",
             "after shutdown(SHUT_RD) with nothing received, read() returns end of stream at "
             "once") {
  sockets::Connection c = sockets::ConnectPair();
  ASSERT_TRUE(c.ok());
  ASSERT_THAT(::shutdown(c.accepted.get(), SHUT_RD), SyscallSucceeds());
  char byte;
  EXPECT_THAT(::read(c.accepted.get(), &byte, 1), SyscallSucceedsWithValue(0));
}

PROCSIG_TEST(Socket, ShutdownBothWays, "SOCKET.SHUTDOWN_RDWR", "XSH shutdown",
             "shutdown(SHUT_RDWR) ends the peer's stream and makes later sends fail with "
             "EPIPE") {
  sockets::Connection c = sockets::ConnectPair();
  ASSERT_TRUE(c.ok());
  ASSERT_THAT(::shutdown(c.accepted.get(), SHUT_RDWR), SyscallSucceeds());
  bool eof = false;
  EXPECT_EQ(sockets::ReadWithDeadline(c.peer.get(), 1, &eof), "");
  EXPECT_TRUE(eof);
  EXPECT_THAT(::send(c.accepted.get(), "x", 1, MSG_NOSIGNAL), SyscallFailsWithErrno(EPIPE));
}

PROCSIG_TEST(Socket, ShutdownKeepsDescriptor, "SOCKET.SHUTDOWN_KEEPS_FD", "XSH shutdown",
             "shutdown() leaves the descriptor open: it must still be closed") {
  sockets::Connection c = sockets::ConnectPair();
  ASSERT_TRUE(c.ok());
  ASSERT_THAT(::shutdown(c.accepted.get(), SHUT_RDWR), SyscallSucceeds());
  EXPECT_THAT(::fcntl(c.accepted.get(), F_GETFD), SyscallSucceeds());
  EXPECT_THAT(::close(c.accepted.release()), SyscallSucceeds());
}

PROCSIG_TEST(Socket, PeerDataAfterOwnShutdown, "SOCKET.SHUTDOWN_WR_STILL_READS", "XSH shutdown",
             "after its own shutdown(SHUT_WR) a socket still receives what the peer sends") {
  sockets::Connection c = sockets::ConnectPair();
  ASSERT_TRUE(c.ok());
  ASSERT_THAT(::shutdown(c.peer.get(), SHUT_WR), SyscallSucceeds());
  ASSERT_TRUE(sockets::SendAll(c.accepted.get(), "echo"));
  bool eof = false;
  EXPECT_EQ(sockets::ReadWithDeadline(c.peer.get(), 4, &eof), "echo");
  EXPECT_FALSE(eof);
}

}  // namespace
}  // namespace procsig::test
