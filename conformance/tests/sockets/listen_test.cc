// listen() backlog, binding and SO_REUSEADDR on loopback TCP.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "assertion.h"
#include "loopback.h"
#include "proc.h"
#include "syscall_matchers.h"
#include "unique_fd.h"

namespace procsig::test {
namespace {

constexpr int kConnects = 200;

struct BacklogCount {
  int completed = 0;  // connects the client side saw succeed
  int accepted = 0;   // connections accept() then returned
};

// Starts kConnects non-blocking connects to a listener that never accepts
// while they run, and counts those that complete. Completion stops when all
// did, or when `quiet` passes without progress (the rest are waiting for a
// retransmitted SYN, which takes a second or more).
BacklogCount ConnectWithoutAccept(int backlog, std::chrono::milliseconds quiet) {
  BacklogCount count;
  sockets::Listener listener = sockets::ListenLoopback(backlog, false, SOCK_NONBLOCK);
  if (!listener.fd) {
    return count;
  }
  const struct sockaddr_in addr = sockets::LoopbackAddress(listener.port);
  std::vector<UniqueFd> clients;
  std::vector<struct pollfd> waiting;
  for (int i = 0; i < kConnects; ++i) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) {
      ADD_FAILURE() << "socket: " << DescribeErrno(errno);
      return count;
    }
    // Closing with a reset leaves no TIME_WAIT behind for 200 connections.
    const struct linger reset = {1, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    const int rc =
        ::connect(fd.get(), reinterpret_cast<const struct sockaddr*>(&addr), sizeof addr);
    if (rc == 0) {
      ++count.completed;
    } else if (errno == EINPROGRESS) {
      waiting.push_back({fd.get(), POLLOUT, 0});
    } else {
      ADD_FAILURE() << "connect " << i << ": " << DescribeErrno(errno);
      return count;
    }
    clients.push_back(std::move(fd));
  }
  const Deadline hard_stop = DeadlineIn();
  while (!waiting.empty() && MillisecondsLeft(hard_stop) > 0) {
    const int wait_ms = static_cast<int>(quiet.count());
    const int ready = ::poll(waiting.data(), waiting.size(), wait_ms);
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      break;  // no progress for `quiet`
    }
    std::vector<struct pollfd> still;
    for (const auto& pfd : waiting) {
      if (pfd.revents == 0) {
        still.push_back({pfd.fd, POLLOUT, 0});
        continue;
      }
      int error = 0;
      socklen_t len = sizeof error;
      ::getsockopt(pfd.fd, SOL_SOCKET, SO_ERROR, &error, &len);
      if (error == 0) {
        ++count.completed;
      }
    }
    waiting.swap(still);
  }
  for (;;) {
    UniqueFd accepted(::accept4(listener.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!accepted) {
      break;
    }
    const struct linger reset = {1, 0};
    ::setsockopt(accepted.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ++count.accepted;
  }
  return count;
}

int SystemMaxBacklog() {
  std::ifstream in("/proc/sys/net/core/somaxconn");
  int value = 0;
  return (in >> value) ? value : -1;
}

PROCSIG_TEST(Socket, LargeBacklogHoldsAll, "SOCKET.BACKLOG_LARGE", "XSH listen",
             "with a backlog of SOMAXCONN, 200 connects to a listener complete before any "
             "accept(), and accept() then returns all 200") {
  const int system_max = SystemMaxBacklog();
  if (system_max >= 0 && system_max < kConnects) {
    GTEST_SKIP() << "net.core.somaxconn is " << system_max << ", below " << kConnects;
  }
  // No progress for a full second means some connects are not going to
  // complete without a retransmission; the test then fails.
  const BacklogCount count = ConnectWithoutAccept(SOMAXCONN, std::chrono::milliseconds(1000));
  EXPECT_EQ(count.completed, kConnects);
  EXPECT_EQ(count.accepted, kConnects);
}

PROCSIG_CHARACTERISE(Socket, SmallBacklog, "SOCKET.BACKLOG_5", "XSH listen",
                     "how many of 200 quick connects complete, and are accepted, with the "
                     "chapter's backlog of 5") {
  const BacklogCount count = ConnectWithoutAccept(5, std::chrono::milliseconds(200));
  RecordObserved(std::to_string(count.completed) + " of " + std::to_string(kConnects) +
                 " connected, " + std::to_string(count.accepted) + " accepted");
  EXPECT_GE(count.completed, 1);
  EXPECT_LE(count.accepted, count.completed);
}

PROCSIG_TEST(Socket, EphemeralPort, "SOCKET.BIND_PORT_ZERO", "XSH bind",
             "binding to port 0 gives the socket a non-zero port that getsockname() reports") {
  sockets::Listener listener = sockets::ListenLoopback();
  ASSERT_TRUE(listener.fd);
  EXPECT_NE(listener.port, 0);
}

PROCSIG_TEST(Socket, BindInUse, "SOCKET.BIND_IN_USE", "XSH bind",
             "binding a second socket to the address of a listening socket fails with "
             "EADDRINUSE") {
  sockets::Listener listener = sockets::ListenLoopback();
  ASSERT_TRUE(listener.fd);
  UniqueFd second(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(second);
  const struct sockaddr_in addr = sockets::LoopbackAddress(listener.port);
  EXPECT_THAT(::bind(second.get(), reinterpret_cast<const struct sockaddr*>(&addr), sizeof addr),
              SyscallFailsWithErrno(EADDRINUSE));
}

PROCSIG_TEST(Socket, ConnectRefused, "SOCKET.CONNECT_REFUSED", "XSH connect",
             "connect() to a loopback port that is bound but not listening fails with "
             "ECONNREFUSED") {
  UniqueFd bound(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(bound);
  const struct sockaddr_in any = sockets::LoopbackAddress(0);
  ASSERT_THAT(::bind(bound.get(), reinterpret_cast<const struct sockaddr*>(&any), sizeof any),
              SyscallSucceeds());
  const struct sockaddr_in addr = sockets::LoopbackAddress(sockets::LocalPort(bound.get()));
  UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(client);
  EXPECT_THAT(::connect(client.get(), reinterpret_cast<const struct sockaddr*>(&addr), sizeof addr),
              SyscallFailsWithErrno(ECONNREFUSED));
}

// True while /proc/net/tcp lists a connection on local port `port` in
// TIME_WAIT (state 06).
bool InTimeWait(std::uint16_t port) {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  char local_port[8];
  (void)std::snprintf(local_port, sizeof local_port, ":%04X", port);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot;
    std::string local;
    std::string remote;
    std::string state;
    if (fields >> slot >> local >> remote >> state && local.size() > 5 &&
        local.compare(local.size() - 5, 5, local_port) == 0 && state == "06") {
      return true;
    }
  }
  return false;
}

// Leaves the listener's port in TIME_WAIT: the server end closes first, the
// client closes after reading the end of stream. Returns the port, or 0.
// Linux lets a port be rebound past a TIME_WAIT connection only when both the
// old and the new socket set SO_REUSEADDR, as a restarted server does.
std::uint16_t PortInTimeWait(bool reuseaddr) {
  std::uint16_t port = 0;
  {
    sockets::Listener listener = sockets::ListenLoopback(SOMAXCONN, reuseaddr);
    if (!listener.fd) {
      return 0;
    }
    port = listener.port;
    UniqueFd client = sockets::ConnectLoopback(port);
    UniqueFd server(::accept4(listener.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!client || !server) {
      ADD_FAILURE() << "no connection";
      return 0;
    }
    server.reset();  // the active close: this end goes to TIME_WAIT
    bool eof = false;
    sockets::ReadWithDeadline(client.get(), 1, &eof);
    if (!eof) {
      ADD_FAILURE() << "the server's close did not reach the client";
      return 0;
    }
  }
  const Deadline deadline = DeadlineIn();
  while (!InTimeWait(port)) {
    if (MillisecondsLeft(deadline) == 0) {
      ADD_FAILURE() << "port " << port << " never showed TIME_WAIT in /proc/net/tcp";
      return 0;
    }
    PollPause();
  }
  return port;
}

int BindTo(int fd, std::uint16_t port) {
  const struct sockaddr_in addr = sockets::LoopbackAddress(port);
  return ::bind(fd, reinterpret_cast<const struct sockaddr*>(&addr), sizeof addr);
}

// The outcome of binding, with or without SO_REUSEADDR, a port in TIME_WAIT.
std::string RebindOutcome(std::uint16_t port, bool reuseaddr) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const int one = 1;
  if (!fd || (reuseaddr && ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one))) {
    return "setup failed: " + DescribeErrno(errno);
  }
  if (BindTo(fd.get(), port) != 0) {
    return "bind fails with " + ErrnoName(errno);
  }
  return ::listen(fd.get(), SOMAXCONN) == 0 ? "bind succeeds" : "listen fails: " + ErrnoName(errno);
}

PROCSIG_TEST(Socket, ReuseaddrRebindsTimeWait, "SOCKET.REUSEADDR_TIME_WAIT", "XSH setsockopt",
             "a server that sets SO_REUSEADDR can listen again on its port while its previous "
             "connection is in TIME_WAIT") {
  const std::uint16_t port = PortInTimeWait(true);
  ASSERT_NE(port, 0);
  EXPECT_EQ(RebindOutcome(port, true), "bind succeeds");
}

PROCSIG_CHARACTERISE(Socket, TimeWaitWithoutReuseaddr, "SOCKET.TIME_WAIT_NO_REUSEADDR",
                     "XSH setsockopt",
                     "whether a port in TIME_WAIT can be bound again when the old and the new "
                     "socket did not set SO_REUSEADDR, or only the new one did") {
  const std::uint16_t port = PortInTimeWait(false);
  ASSERT_NE(port, 0);
  RecordObserved("neither: " + RebindOutcome(port, false) +
                 "; new only: " + RebindOutcome(port, true));
}

PROCSIG_CHARACTERISE(Socket, ReuseaddrWhileListening, "SOCKET.REUSEADDR_WHILE_LISTENING",
                     "XSH setsockopt",
                     "whether SO_REUSEADDR lets a second socket bind the address of an active "
                     "listener (it must not, for the server's IN_USE rule to hold)") {
  sockets::Listener listener = sockets::ListenLoopback(SOMAXCONN, true);
  ASSERT_TRUE(listener.fd);
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(fd);
  const int one = 1;
  ASSERT_THAT(::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one),
              SyscallSucceeds());
  if (BindTo(fd.get(), listener.port) == 0) {
    RecordObserved("bind succeeds");
  } else {
    RecordObserved("bind fails with " + ErrnoName(errno));
  }
}

}  // namespace
}  // namespace procsig::test
