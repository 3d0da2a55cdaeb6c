// A socket shared by fork(): the descriptors are copies, the socket is one.
// close() only drops a descriptor (the connection lives while any remains);
// shutdown() acts on the socket itself, whoever else holds it.
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "loopback.h"
#include "syscall_matchers.h"

namespace procsig::test {
namespace {

using sockets::Connection;
using sockets::ConnectPair;
using sockets::ReadWithDeadline;
using sockets::SendAll;

// The peer receives `text` first: no end of stream comes before it.
void ExpectPeerReceives(int peer, const std::string& text) {
  bool eof = false;
  EXPECT_EQ(ReadWithDeadline(peer, text.size(), &eof), text);
  EXPECT_FALSE(eof) << "the peer saw end of stream";
}

void ExpectPeerSeesEof(int peer) {
  bool eof = false;
  EXPECT_EQ(ReadWithDeadline(peer, 1, &eof), "");
  EXPECT_TRUE(eof) << "no end of stream reached the peer";
}

PROCSIG_TEST(Socket, ChildWritesInheritedSocket, "SOCKET.FORK_CHILD_WRITES", "XSH fork",
             "a child writes on the accepted socket it inherited and the peer receives it") {
  Connection c = ConnectPair();
  ASSERT_TRUE(c.ok());
  ScopedChild child = ForkChild([&] {
    const char text[] = "from child";
    return ::write(c.accepted.get(), text, sizeof text - 1) == static_cast<ssize_t>(sizeof text - 1)
               ? 0
               : 1;
  });
  ASSERT_TRUE(child);
  EXPECT_EQ(WaitForExit(child), 0);
  ExpectPeerReceives(c.peer.get(), "from child");
}

PROCSIG_TEST(Socket, CloseOneCopySendsNothing, "SOCKET.CLOSE_ONE_COPY", "XSH close",
             "close() of one descriptor of a shared socket sends the peer nothing: it still "
             "receives what the other process writes, with no end of stream before it") {
  Connection c = ConnectPair();
  ASSERT_TRUE(c.ok());
  Checkpoint step;
  ScopedChild child = ForkChild([&] {
    c.peer.reset();
    c.accepted.reset();  // close() while the parent still holds the socket
    if (!step.Wake()) {
      return 1;
    }
    return step.Wait() ? 0 : 2;  // stay alive: this is close(), not exit
  });
  ASSERT_TRUE(child);
  ASSERT_TRUE(step.Wait());
  ASSERT_TRUE(SendAll(c.accepted.get(), "ping"));
  ExpectPeerReceives(c.peer.get(), "ping");
  ASSERT_TRUE(step.Wake());
  EXPECT_EQ(WaitForExit(child), 0);
}

PROCSIG_TEST(Socket, ChildExitSendsNothing, "SOCKET.CHILD_EXIT_KEEPS_SOCKET", "XSH _Exit",
             "the exit of a child holding a copy of the socket sends the peer nothing while the "
             "parent holds another") {
  Connection c = ConnectPair();
  ASSERT_TRUE(c.ok());
  ScopedChild child = ForkChild([] { return 0; });
  ASSERT_TRUE(child);
  ASSERT_EQ(WaitForExit(child), 0);
  ASSERT_TRUE(SendAll(c.accepted.get(), "ping"));
  ExpectPeerReceives(c.peer.get(), "ping");
}

PROCSIG_TEST(Socket, LastCloseSendsEof, "SOCKET.LAST_CLOSE_EOF", "XSH close",
             "once the last descriptor of the socket is closed, the peer reads end of stream") {
  Connection c = ConnectPair();
  ASSERT_TRUE(c.ok());
  ScopedChild child = ForkChild([] { return 0; });
  ASSERT_TRUE(child);
  ASSERT_EQ(WaitForExit(child), 0);
  c.accepted.reset();
  ExpectPeerSeesEof(c.peer.get());
}

// Forks a child that shuts down its copy of `accepted` for writing (after
// sending `before` if not empty) and stays alive until told to exit.
ScopedChild ForkShutdownChild(Connection& c, Checkpoint& step, const char* before) {
  return ForkChild([&c, &step, before] {
    c.peer.reset();
    size_t len = 0;
    while (before[len] != '\0') {
      ++len;
    }
    if (len > 0 && ::write(c.accepted.get(), before, len) != static_cast<ssize_t>(len)) {
      return 1;
    }
    if (::shutdown(c.accepted.get(), SHUT_WR) != 0) {
      return 2;
    }
    if (!step.Wake()) {
      return 3;
    }
    return step.Wait() ? 0 : 4;
  });
}

// Runs check(c) while a child holds its copy of the accepted socket shut
// down for writing (after sending `before`); then lets the child exit,
// which must be with status 0. A fatal failure in `check` ends the test
// at once (the child is killed and reaped).
template <typename Check>
void WhileChildHasShutDown(const char* before, Check check) {
  Connection c = ConnectPair();
  ASSERT_TRUE(c.ok());
  Checkpoint step;
  ScopedChild child = ForkShutdownChild(c, step, before);
  ASSERT_TRUE(child);
  ASSERT_TRUE(step.Wait());
  check(c);
  if (::testing::Test::HasFatalFailure()) {
    return;
  }
  ASSERT_TRUE(step.Wake());
  EXPECT_EQ(WaitForExit(child), 0);
}

PROCSIG_TEST(Socket, ShutdownInChildSendsFin, "SOCKET.SHUTDOWN_SHARED_FIN", "XSH shutdown",
             "shutdown(SHUT_WR) in one process ends the peer's stream although another process "
             "still holds a descriptor") {
  WhileChildHasShutDown("", [](Connection& c) { ExpectPeerSeesEof(c.peer.get()); });
}

PROCSIG_TEST(Socket, ShutdownKeepsOtherDirection, "SOCKET.HALF_CLOSE", "XSH shutdown",
             "after shutdown(SHUT_WR) the other direction still carries data to the process "
             "that kept its descriptor") {
  WhileChildHasShutDown("", [](Connection& c) {
    ExpectPeerSeesEof(c.peer.get());
    ASSERT_TRUE(SendAll(c.peer.get(), "pong"));
    bool eof = false;
    EXPECT_EQ(ReadWithDeadline(c.accepted.get(), 4, &eof), "pong");
  });
}

PROCSIG_TEST(Socket, ShutdownDeliversDataFirst, "SOCKET.SHUTDOWN_DATA_FIRST", "XSH shutdown",
             "bytes written before shutdown(SHUT_WR) reach the peer before its end of stream") {
  WhileChildHasShutDown("last words", [](Connection& c) {
    bool eof = false;
    EXPECT_EQ(ReadWithDeadline(c.peer.get(), 64, &eof), "last words");
    EXPECT_TRUE(eof);
  });
}

PROCSIG_TEST(Socket, ShutdownAppliesToAllCopies, "SOCKET.SHUTDOWN_ALL_COPIES", "XSH shutdown",
             "after another process's shutdown(SHUT_WR), writing through this process's "
             "descriptor fails with EPIPE") {
  WhileChildHasShutDown("", [](Connection& c) {
    EXPECT_THAT(::send(c.accepted.get(), "x", 1, MSG_NOSIGNAL), SyscallFailsWithErrno(EPIPE));
  });
}

PROCSIG_TEST(Socket, ListenerCloseInChild, "SOCKET.LISTENER_COPY_CLOSED", "XSH close",
             "a child closing its copy of the listening socket does not stop the parent "
             "accepting") {
  sockets::Listener listener = sockets::ListenLoopback();
  ASSERT_TRUE(listener.fd);
  ScopedChild child = ForkChild([&] {
    listener.fd.reset();
    return 0;
  });
  ASSERT_TRUE(child);
  ASSERT_EQ(WaitForExit(child), 0);
  UniqueFd client = sockets::ConnectLoopback(listener.port);
  ASSERT_TRUE(client);
  UniqueFd accepted(::accept4(listener.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
  EXPECT_TRUE(accepted) << DescribeErrno(errno);
}

PROCSIG_TEST(Socket, ListenerLivesInChild, "SOCKET.LISTENER_HELD_BY_CHILD", "XSH close",
             "the port keeps listening while a child holds the listening socket after the "
             "parent closed it, and refuses connections once the child has exited") {
  sockets::Listener listener = sockets::ListenLoopback();
  ASSERT_TRUE(listener.fd);
  Checkpoint step;
  ScopedChild child = ForkChild([&] { return step.Wait() ? 0 : 1; });
  ASSERT_TRUE(child);
  listener.fd.reset();
  UniqueFd first = sockets::ConnectLoopback(listener.port);
  EXPECT_TRUE(first) << "connection refused while the child holds the listener";
  ASSERT_TRUE(step.Wake());
  ASSERT_EQ(WaitForExit(child), 0);
  UniqueFd second(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(second);
  const struct sockaddr_in addr = sockets::LoopbackAddress(listener.port);
  EXPECT_THAT(::connect(second.get(), reinterpret_cast<const struct sockaddr*>(&addr), sizeof addr),
              SyscallFailsWithErrno(ECONNREFUSED));
}

}  // namespace
}  // namespace procsig::test
