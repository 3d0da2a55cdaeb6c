// Half-close as poll() and epoll see it: POLLRDHUP when the peer stops
// sending, POLLHUP once both directions are shut, blocked pollers woken by
// a shutdown on either side, what recv() returns then; what a TCP peer is
// sent (FIN or RST) when unread data is left; shutdown() of a listening
// socket; and AF_UNIX SHUT_RD. Loopback TCP on kernel-chosen ports and
// socketpair() only.
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "assertion.h"
#include "child.h"
#include "loopback.h"
#include "proc.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

using sockets::Connection;
using sockets::ConnectPair;
using sockets::ReadWithDeadline;
using sockets::SendAll;

// poll() until one of `events` (or an error/hangup) is reported or the
// deadline; returns revents (0 at the deadline).
short PollFor(int fd, short events, Deadline deadline = DeadlineIn()) {
  for (;;) {
    struct pollfd pfd {};
    pfd.fd = fd;
    pfd.events = events;
    const int ready = ::poll(&pfd, 1, MillisecondsLeft(deadline));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    return ready > 0 ? pfd.revents : 0;
  }
}

short PollNow(int fd, short events) { return PollFor(fd, events, Clock::now()); }

// One epoll_wait for `events` on fd; returns the events reported (0 at the
// deadline or on error).
unsigned EpollFor(int fd, unsigned events) {
  UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll) {
    ADD_FAILURE() << "epoll_create1 failed";
    return 0;
  }
  struct epoll_event want {};
  want.events = events;
  want.data.fd = fd;
  if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, fd, &want) != 0) {
    ADD_FAILURE() << "epoll_ctl failed";
    return 0;
  }
  struct epoll_event got {};
  const int n = ::epoll_wait(epoll.get(), &got, 1, MillisecondsLeft(DeadlineIn()));
  return n == 1 ? got.events : 0;
}

struct UnixPair {
  UniqueFd a;
  UniqueFd b;
  bool ok() const { return a.valid() && b.valid(); }
};

UnixPair SocketPair() {
  int fds[2];
  UnixPair pair;
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0) {
    pair.a.reset(fds[0]);
    pair.b.reset(fds[1]);
  }
  return pair;
}

PROCSIG_TEST(Socket, PollRdhupOnPeerShutWr, "SOCKET.POLLRDHUP_PEER_SHUT_WR", "Linux poll(2)",
             "after the TCP peer's shutdown(SHUT_WR), poll() reports POLLRDHUP and POLLIN but "
             "not POLLHUP") {
  Connection c = ConnectPair();
  ASSERT_TRUE(c.ok());
  ASSERT_THAT(::shutdown(c.peer.get(), SHUT_WR), SyscallSucceeds());
  const short revents = PollFor(c.accepted.get(), POLLIN | POLLRDHUP);
  EXPECT_NE(revents & POLLRDHUP, 0) << std::hex << revents;
  EXPECT_NE(revents & POLLIN, 0) << std::hex << revents;
  EXPECT_EQ(revents & POLLHUP, 0) << std::hex << revents;
}

PROCSIG_TEST(Socket, EpollRdhupOnPeerShutWr, "SOCKET.EPOLLRDHUP_PEER_SHUT_WR", "Linux epoll_ctl(2)",
             "after the TCP peer's shutdown(SHUT_WR), epoll reports EPOLLRDHUP but not "
             "EPOLLHUP") {
  Connection c = ConnectPair();
  ASSERT_TRUE(c.ok());
  ASSERT_THAT(::shutdown(c.peer.get(), SHUT_WR), SyscallSucceeds());
  const unsigned events = EpollFor(c.accepted.get(), EPOLLIN | EPOLLRDHUP);
  EXPECT_NE(events & EPOLLRDHUP, 0u) << std::hex << events;
  EXPECT_EQ(events & EPOLLHUP, 0u) << std::hex << events;
}

PROCSIG_TEST(Socket, UnixPollRdhupOnPeerShutWr, "SOCKET.UNIX_POLLRDHUP_PEER_SHUT_WR",
             "Linux poll(2)",
             "after an AF_UNIX stream peer's shutdown(SHUT_WR), poll() reports POLLRDHUP but not "
             "POLLHUP") {
  UnixPair pair = SocketPair();
  ASSERT_TRUE(pair.ok());
  ASSERT_THAT(::shutdown(pair.b.get(), SHUT_WR), SyscallSucceeds());
  const short revents = PollFor(pair.a.get(), POLLIN | POLLRDHUP);
  EXPECT_NE(revents & POLLRDHUP, 0) << std::hex << revents;
  EXPECT_EQ(revents & POLLHUP, 0) << std::hex << revents;
}

PROCSIG_TEST(Socket, UnixEpollRdhup, "SOCKET.UNIX_EPOLLRDHUP_PEER_SHUT_WR", "Linux epoll_ctl(2)",
             "after an AF_UNIX stream peer's shutdown(SHUT_WR), epoll reports EPOLLRDHUP") {
  UnixPair pair = SocketPair();
  ASSERT_TRUE(pair.ok());
  ASSERT_THAT(::shutdown(pair.b.get(), SHUT_WR), SyscallSucceeds());
  EXPECT_NE(EpollFor(pair.a.get(), EPOLLIN | EPOLLRDHUP) & EPOLLRDHUP, 0u);
}

PROCSIG_TEST(Socket, PollhupAfterBothDirections, "SOCKET.POLLHUP_BOTH_SHUT", "XSH poll",
             "once a TCP socket has shut its own sending side and received the peer's FIN, "
             "poll() reports POLLHUP") {
  Connection c = ConnectPair();
  ASSERT_TRUE(c.ok());
  ASSERT_THAT(::shutdown(c.accepted.get(), SHUT_WR), SyscallSucceeds());
  EXPECT_EQ(PollNow(c.accepted.get(), POLLIN) & POLLHUP, 0) << "POLLHUP with one side open";
  ASSERT_THAT(::shutdown(c.peer.get(), SHUT_WR), SyscallSucceeds());
  ASSERT_NE(PollFor(c.accepted.get(), POLLRDHUP) & POLLRDHUP, 0) << "the peer's FIN never came";
  EXPECT_NE(PollNow(c.accepted.get(), POLLIN) & POLLHUP, 0);
}

PROCSIG_TEST(Socket, EpollhupAfterBothDirections, "SOCKET.EPOLLHUP_BOTH_SHUT", "Linux epoll_ctl(2)",
             "once both directions of a TCP connection are shut, epoll reports EPOLLHUP") {
  Connection c = ConnectPair();
  ASSERT_TRUE(c.ok());
  ASSERT_THAT(::shutdown(c.accepted.get(), SHUT_WR), SyscallSucceeds());
  ASSERT_THAT(::shutdown(c.peer.get(), SHUT_WR), SyscallSucceeds());
  ASSERT_NE(PollFor(c.accepted.get(), POLLRDHUP) & POLLRDHUP, 0) << "the peer's FIN never came";
  EXPECT_NE(EpollFor(c.accepted.get(), EPOLLIN) & EPOLLHUP, 0u);
}

PROCSIG_TEST(Socket, UnixPollhupAfterPeerShutRdwr, "SOCKET.UNIX_POLLHUP_PEER_SHUT_RDWR", "XSH poll",
             "an AF_UNIX stream socket whose peer called shutdown(SHUT_RDWR) polls POLLHUP") {
  UnixPair pair = SocketPair();
  ASSERT_TRUE(pair.ok());
  ASSERT_THAT(::shutdown(pair.b.get(), SHUT_RDWR), SyscallSucceeds());
  EXPECT_NE(PollFor(pair.a.get(), POLLIN) & POLLHUP, 0);
}

// A child blocked in poll(fd, events); the test acts once it sleeps there,
// and the child's exit status says what woke it: 0 = `expect` was among
// the revents, 1 = something else, 2 = the poll timed out.
ScopedChild ForkBlockedPoller(int fd, short events, short expect) {
  auto child = ForkChild([=] {
    struct pollfd pfd {};
    pfd.fd = fd;
    pfd.events = events;
    const int ready = ::poll(&pfd, 1, 10000);
    if (ready <= 0) {
      return 2;
    }
    return (pfd.revents & expect) != 0 ? 0 : 1;
  });
  // Only to make the poll a blocked one before the event; the verdict is
  // the child's.
  if (child && !WaitForProcState(child.pid(), 'S')) {
    ADD_FAILURE() << "the poller never blocked";
  }
  return child;
}

PROCSIG_TEST(Socket, BlockedPollWokenByRemoteShutWr, "SOCKET.POLL_WOKEN_REMOTE_SHUT_WR",
             "Linux poll(2)",
             "a poll() blocked on a TCP socket for POLLRDHUP is woken when the peer calls "
             "shutdown(SHUT_WR)") {
  Connection c = ConnectPair();
  ASSERT_TRUE(c.ok());
  ScopedChild poller = ForkBlockedPoller(c.accepted.get(), POLLRDHUP, POLLRDHUP);
  ASSERT_TRUE(poller);
  ASSERT_THAT(::shutdown(c.peer.get(), SHUT_WR), SyscallSucceeds());
  EXPECT_THAT(WaitForExit(poller), ExitedWithStatus(0))
      << "1: woken without POLLRDHUP, 2: not woken";
}

PROCSIG_TEST(Socket, BlockedPollWokenByLocalShutRd, "SOCKET.POLL_WOKEN_LOCAL_SHUT_RD",
             "Linux poll(2)",
             "a poll() blocked on a TCP socket is woken with POLLRDHUP when the socket itself "
             "(another descriptor of it) is shut for reading") {
  Connection c = ConnectPair();
  ASSERT_TRUE(c.ok());
  ScopedChild poller = ForkBlockedPoller(c.accepted.get(), POLLIN | POLLRDHUP, POLLRDHUP);
  ASSERT_TRUE(poller);
  ASSERT_THAT(::shutdown(c.accepted.get(), SHUT_RD), SyscallSucceeds());
  EXPECT_THAT(WaitForExit(poller), ExitedWithStatus(0))
      << "1: woken without POLLRDHUP, 2: not woken";
}

PROCSIG_TEST(Socket, HangupOnlyPollerWoken, "SOCKET.POLL_HUP_ONLY_WOKEN", "XSH poll",
             "a poll() with no events requested (POLLHUP is always reported) is woken when the "
             "AF_UNIX peer shuts down both directions") {
  UnixPair pair = SocketPair();
  ASSERT_TRUE(pair.ok());
  ScopedChild poller = ForkBlockedPoller(pair.a.get(), 0, POLLHUP);
  ASSERT_TRUE(poller);
  ASSERT_THAT(::shutdown(pair.b.get(), SHUT_RDWR), SyscallSucceeds());
  EXPECT_THAT(WaitForExit(poller), ExitedWithStatus(0)) << "1: woken without POLLHUP, 2: not woken";
}

PROCSIG_TEST(Socket, ZeroRecvAfterPeerShutdown, "SOCKET.ZERO_RECV_AFTER_PEER_SHUT_WR", "XSH recv",
             "after the TCP peer's shutdown(SHUT_WR) recv() returns 0, and again on the next "
             "call") {
  Connection c = ConnectPair();
  ASSERT_TRUE(c.ok());
  ASSERT_THAT(::shutdown(c.peer.get(), SHUT_WR), SyscallSucceeds());
  ASSERT_NE(PollFor(c.accepted.get(), POLLIN), 0);
  char buf[8];
  EXPECT_THAT(::recv(c.accepted.get(), buf, sizeof buf, 0), SyscallSucceedsWithValue(0));
  EXPECT_THAT(::recv(c.accepted.get(), buf, sizeof buf, 0), SyscallSucceedsWithValue(0));
}

PROCSIG_TEST(Socket, UnixZeroRecvAfterPeerShutdown, "SOCKET.UNIX_ZERO_RECV_AFTER_PEER_SHUT_WR",
             "XSH recv", "after an AF_UNIX stream peer's shutdown(SHUT_WR) recv() returns 0") {
  UnixPair pair = SocketPair();
  ASSERT_TRUE(pair.ok());
  ASSERT_THAT(::shutdown(pair.b.get(), SHUT_WR), SyscallSucceeds());
  char buf[8];
  EXPECT_THAT(::recv(pair.a.get(), buf, sizeof buf, 0), SyscallSucceedsWithValue(0));
}

// Waits until fd has the peer's data queued, without reading it.
bool AwaitQueued(int fd) { return (PollFor(fd, POLLIN) & POLLIN) != 0; }

PROCSIG_TEST(Socket, ShutWrWithUnreadDataSendsFin, "SOCKET.SHUT_WR_UNREAD_SENDS_FIN",
             "Linux tcp(7)",
             "shutdown(SHUT_WR) of a TCP socket with received data still unread sends a clean "
             "FIN: the peer reads end of stream, not a reset") {
  Connection c = ConnectPair();
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(SendAll(c.peer.get(), "unread"));
  ASSERT_TRUE(AwaitQueued(c.accepted.get()));
  ASSERT_THAT(::shutdown(c.accepted.get(), SHUT_WR), SyscallSucceeds());
  ASSERT_NE(PollFor(c.peer.get(), POLLIN), 0);
  char buf[8];
  EXPECT_THAT(::recv(c.peer.get(), buf, sizeof buf, 0), SyscallSucceedsWithValue(0));
}

PROCSIG_TEST(Socket, CloseWithUnreadDataSendsRst, "SOCKET.CLOSE_UNREAD_SENDS_RST", "Linux tcp(7)",
             "close() of a TCP socket with received data still unread resets the connection: "
             "the peer's recv() fails with ECONNRESET") {
  Connection c = ConnectPair();
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(SendAll(c.peer.get(), "unread"));
  ASSERT_TRUE(AwaitQueued(c.accepted.get()));
  c.accepted.reset();
  ASSERT_NE(PollFor(c.peer.get(), POLLIN), 0);
  char buf[8];
  EXPECT_THAT(::recv(c.peer.get(), buf, sizeof buf, 0), SyscallFailsWithErrno(ECONNRESET));
}

PROCSIG_CHARACTERISE(Socket, ShutRdKeepsQueuedData, "SOCKET.SHUT_RD_QUEUED_DATA", "XSH shutdown",
                     "whether data received before shutdown(SHUT_RD) can still be read (then "
                     "end of stream), or is dropped") {
  Connection c = ConnectPair();
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(SendAll(c.peer.get(), "queued"));
  ASSERT_TRUE(AwaitQueued(c.accepted.get()));
  ASSERT_THAT(::shutdown(c.accepted.get(), SHUT_RD), SyscallSucceeds());
  bool eof = false;
  const std::string got = ReadWithDeadline(c.accepted.get(), 64, &eof);
  ASSERT_TRUE(eof) << "no end of stream after SHUT_RD";
  ASSERT_TRUE(got.empty() || got == "queued") << got;
  RecordObserved(got.empty() ? "dropped" : "readable, then end of stream");
}

PROCSIG_CHARACTERISE(Socket, ListenShutdown, "SOCKET.LISTEN_SHUTDOWN", "XSH shutdown",
                     "what shutdown(SHUT_RDWR) of a listening TCP socket returns (POSIX allows "
                     "ENOTCONN; Linux stops listening)") {
  sockets::Listener listener = sockets::ListenLoopback();
  ASSERT_TRUE(listener.fd);
  const int result = ::shutdown(listener.fd.get(), SHUT_RDWR);
  const int error = errno;
  ASSERT_TRUE(result == 0 || error == ENOTCONN) << DescribeErrno(error);
  RecordObserved(result == 0 ? "succeeded" : ErrnoName(error));
}

#define SKIP_UNLESS_LISTEN_SHUTDOWN(fd)                                                    \
  if (::shutdown((fd), SHUT_RDWR) != 0) {                                                  \
    ASSERT_EQ(errno, ENOTCONN);                                                            \
    GTEST_SKIP() << "not supported: shutdown() of a listening socket fails with ENOTCONN"; \
  }

PROCSIG_TEST(Socket, ListenShutdownWakesAccept, "SOCKET.LISTEN_SHUTDOWN_WAKES_ACCEPT",
             "Linux tcp(7)",
             "where shutdown() of a listening socket succeeds, an accept() blocked on it "
             "returns with an error") {
  sockets::Listener listener = sockets::ListenLoopback();
  ASSERT_TRUE(listener.fd);
  const int fd = listener.fd.get();
  auto acceptor = ForkChild([fd] {
    const int conn = ::accept(fd, nullptr, nullptr);
    return conn < 0 ? 0 : 1;
  });
  ASSERT_TRUE(acceptor);
  ASSERT_TRUE(WaitForProcState(acceptor.pid(), 'S')) << "accept() never blocked";
  SKIP_UNLESS_LISTEN_SHUTDOWN(fd);
  EXPECT_THAT(WaitForExit(acceptor), ExitedWithStatus(0)) << "1: accept() returned a connection";
}

PROCSIG_TEST(Socket, ListenShutdownResetsPending, "SOCKET.LISTEN_SHUTDOWN_RESETS_PENDING",
             "Linux tcp(7)",
             "where shutdown() of a listening socket succeeds, a connection waiting in its "
             "backlog is reset: the client's recv() fails with ECONNRESET") {
  sockets::Listener listener = sockets::ListenLoopback();
  ASSERT_TRUE(listener.fd);
  UniqueFd client = sockets::ConnectLoopback(listener.port);
  ASSERT_TRUE(client);
  ASSERT_NE(PollFor(listener.fd.get(), POLLIN) & POLLIN, 0) << "the connection never queued";
  SKIP_UNLESS_LISTEN_SHUTDOWN(listener.fd.get());
  ASSERT_NE(PollFor(client.get(), POLLIN), 0);
  char buf[8];
  EXPECT_THAT(::recv(client.get(), buf, sizeof buf, 0), SyscallFailsWithErrno(ECONNRESET));
}

PROCSIG_TEST(Socket, ListenAgainAfterShutdown, "SOCKET.LISTEN_AFTER_SHUTDOWN", "Linux tcp(7)",
             "where shutdown() of a listening socket succeeds, listen() works on it again and "
             "accepts a new connection") {
  sockets::Listener listener = sockets::ListenLoopback();
  ASSERT_TRUE(listener.fd);
  SKIP_UNLESS_LISTEN_SHUTDOWN(listener.fd.get());
  ASSERT_THAT(::listen(listener.fd.get(), 5), SyscallSucceeds());
  UniqueFd client = sockets::ConnectLoopback(sockets::LocalPort(listener.fd.get()));
  ASSERT_TRUE(client);
  UniqueFd accepted(::accept4(listener.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
  EXPECT_TRUE(accepted) << DescribeErrno(errno);
}

PROCSIG_TEST(Socket, UnixShutRdPeerEpipe, "SOCKET.UNIX_SHUT_RD_PEER_EPIPE", "Linux unix(7)",
             "after an AF_UNIX stream socket's shutdown(SHUT_RD), the peer's send() fails with "
             "EPIPE") {
  UnixPair pair = SocketPair();
  ASSERT_TRUE(pair.ok());
  ASSERT_THAT(::shutdown(pair.a.get(), SHUT_RD), SyscallSucceeds());
  EXPECT_THAT(::send(pair.b.get(), "x", 1, MSG_NOSIGNAL), SyscallFailsWithErrno(EPIPE));
}

PROCSIG_TEST(Socket, UnixShutRdOwnSendWorks, "SOCKET.UNIX_SHUT_RD_OWN_SEND", "XSH shutdown",
             "after an AF_UNIX socket's shutdown(SHUT_RD) it can still send, and the peer "
             "reads it") {
  UnixPair pair = SocketPair();
  ASSERT_TRUE(pair.ok());
  ASSERT_THAT(::shutdown(pair.a.get(), SHUT_RD), SyscallSucceeds());
  ASSERT_TRUE(SendAll(pair.a.get(), "still"));
  bool eof = false;
  EXPECT_EQ(ReadWithDeadline(pair.b.get(), 5, &eof), "still");
}

PROCSIG_TEST(Socket, UnixShutRdwrKeepsBuffered, "SOCKET.UNIX_SHUT_RDWR_KEEPS_SENT", "XSH shutdown",
             "data an AF_UNIX socket sent before its shutdown(SHUT_RDWR) is still read by the "
             "peer, followed by end of stream") {
  UnixPair pair = SocketPair();
  ASSERT_TRUE(pair.ok());
  ASSERT_TRUE(SendAll(pair.a.get(), "sent"));
  ASSERT_THAT(::shutdown(pair.a.get(), SHUT_RDWR), SyscallSucceeds());
  bool eof = false;
  EXPECT_EQ(ReadWithDeadline(pair.b.get(), 64, &eof), "sent");
  EXPECT_TRUE(eof);
}

}  // namespace
}  // namespace procsig::test
