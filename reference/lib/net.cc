#include "net.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "errors.h"

namespace procsig {
namespace {

std::string strip_brackets(const std::string& address) {
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') {
    return address.substr(1, address.size() - 2);
  }
  return address;
}

// connect() interrupted by a signal goes on in the background; wait for
// its outcome instead of starting over.
int finish_interrupted_connect(int fd) {
  pollfd p{fd, POLLOUT, 0};
  while (::poll(&p, 1, -1) < 0) {
    if (errno != EINTR) {
      return errno;
    }
  }
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
    return errno;
  }
  return err;
}

}  // namespace

std::string address_and_port(const std::string& address, uint16_t port) {
  const std::string bare = strip_brackets(address);
  if (bare.find(':') != std::string::npos) {
    return "[" + bare + "]:" + std::to_string(port);
  }
  return bare + ":" + std::to_string(port);
}

UniqueFd listen_tcp(const std::string& address, uint16_t port) {
  const std::string bare = strip_brackets(address);
  sockaddr_storage storage{};
  socklen_t length = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (::inet_pton(AF_INET, bare.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    length = sizeof *v4;
  } else if (::inet_pton(AF_INET6, bare.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    length = sizeof *v6;
  } else {
    die(kExitUsage, "invalid address '" + address + "'", "must be an IPv4 or IPv6 literal");
  }

  const std::string where = "cannot listen on " + address_and_port(bare, port);
  UniqueFd fd(::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) {
    die_errno(kExitCannotListen, where, errno);
  }
  const int on = 1;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
      ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&storage), length) != 0 ||
      ::listen(fd.get(), SOMAXCONN) != 0) {
    die_errno(kExitCannotListen, where, errno);
  }
  return fd;
}

uint16_t local_port(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
    die_errno(kExitRuntime, "getsockname", errno);
  }
  if (storage.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
}

UniqueFd connect_tcp(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0) {
    const std::string reason = rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc);
    die(kExitUnknownHost, "unknown host '" + host + "'", reason);
  }

  int last_error = ECONNREFUSED;
  UniqueFd connected;
  for (const addrinfo* ai = found; ai != nullptr && !connected; ai = ai->ai_next) {
    UniqueFd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
    if (!fd) {
      last_error = errno;
      continue;
    }
    int err = 0;
    if (::connect(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0) {
      err = errno == EINTR ? finish_interrupted_connect(fd.get()) : errno;
    }
    if (err == 0) {
      connected = std::move(fd);
    } else {
      last_error = err;
    }
  }
  ::freeaddrinfo(found);
  if (!connected) {
    die_errno(kExitCannotConnect, "cannot connect to " + address_and_port(host, port), last_error);
  }
  return connected;
}

}  // namespace procsig
