#include "loopback.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "syscall_matchers.h"

namespace procsig::test::sockets {

struct sockaddr_in LoopbackAddress(std::uint16_t port) {
  struct sockaddr_in addr {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

std::uint16_t LocalPort(int fd) {
  struct sockaddr_in addr {};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<struct sockaddr*>(&addr), &len) != 0) {
    return 0;
  }
  return ntohs(addr.sin_port);
}

Listener ListenLoopback(int backlog, bool reuseaddr, int type_flags) {
  Listener listener;
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | type_flags, 0));
  if (!fd) {
    ADD_FAILURE() << "socket: " << DescribeErrno(errno);
    return listener;
  }
  const int one = 1;
  if (reuseaddr && ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) {
    ADD_FAILURE() << "SO_REUSEADDR: " << DescribeErrno(errno);
    return listener;
  }
  const struct sockaddr_in addr = LoopbackAddress(0);
  if (::bind(fd.get(), reinterpret_cast<const struct sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd.get(), backlog) != 0) {
    ADD_FAILURE() << "bind/listen on 127.0.0.1:0: " << DescribeErrno(errno);
    return listener;
  }
  listener.port = LocalPort(fd.get());
  listener.fd = std::move(fd);
  return listener;
}

int ConnectInChild(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  const struct sockaddr_in addr = LoopbackAddress(port);
  int rc;
  do {
    rc = ::connect(fd, reinterpret_cast<const struct sockaddr*>(&addr), sizeof addr);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

UniqueFd ConnectLoopback(std::uint16_t port) {
  UniqueFd fd(ConnectInChild(port));
  if (!fd) {
    ADD_FAILURE() << "connect to 127.0.0.1:" << port << ": " << DescribeErrno(errno);
  }
  return fd;
}

Connection ConnectPair() {
  Connection c;
  Listener listener = ListenLoopback(1);
  if (!listener.fd) {
    return c;
  }
  c.peer = ConnectLoopback(listener.port);
  if (!c.peer) {
    return c;
  }
  c.accepted.reset(::accept4(listener.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!c.accepted) {
    ADD_FAILURE() << "accept: " << DescribeErrno(errno);
  }
  return c;
}

std::string ReadWithDeadline(int fd, size_t want, bool* eof, Deadline deadline) {
  *eof = false;
  std::string got;
  while (got.size() < want) {
    struct pollfd pfd = {fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, MillisecondsLeft(deadline));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      break;
    }
    char buf[4096];
    const size_t room = want - got.size() < sizeof buf ? want - got.size() : sizeof buf;
    const ssize_t n = ::read(fd, buf, room);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n == 0) {
      *eof = true;
      break;
    }
    if (n < 0) {
      break;
    }
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

bool SendAll(int fd, const std::string& text) {
  size_t sent = 0;
  while (sent < text.size()) {
    const ssize_t n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool ReadableNow(int fd) {
  struct pollfd pfd = {fd, POLLIN, 0};
  return ::poll(&pfd, 1, 0) == 1;
}

}  // namespace procsig::test::sockets
