#include "net.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace procsig::load {

std::optional<Endpoint> parse_endpoint(const std::string& host, uint16_t port) {
  Endpoint endpoint;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&endpoint.address);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&endpoint.address);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    endpoint.length = sizeof *v4;
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    endpoint.length = sizeof *v6;
  } else {
    return std::nullopt;
  }
  return endpoint;
}

std::string errno_text(const char* call, int err) {
  return std::string(call) + ": " + std::strerror(err);
}

UniqueFd start_connect(const Endpoint& endpoint, std::string& error) {
  UniqueFd fd(::socket(endpoint.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) {
    error = errno_text("socket", errno);
    return fd;
  }
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&endpoint.address), endpoint.length) !=
          0 &&
      errno != EINPROGRESS) {
    error = errno_text("connect", errno);
    fd.reset();
  }
  return fd;
}

bool finish_connect(int fd, std::string& error) {
  int err = 0;
  socklen_t length = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &length) != 0) {
    err = errno;
  }
  if (err != 0) {
    error = errno_text("connect", err);
    return false;
  }
  return true;
}

bool set_blocking(int fd, std::string& error) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    error = errno_text("fcntl", errno);
    return false;
  }
  return true;
}

std::optional<std::string> ensure_fd_limit(uint64_t needed) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return errno_text("getrlimit", errno);
  }
  if (limit.rlim_cur >= needed) {
    return std::nullopt;
  }
  if (limit.rlim_max < needed) {
    return std::to_string(needed) +
           " descriptors are needed, but the hard limit of RLIMIT_NOFILE is " +
           std::to_string(limit.rlim_max);
  }
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return errno_text("setrlimit", errno);
  }
  return std::nullopt;
}

}  // namespace procsig::load
