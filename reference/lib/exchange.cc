#include "exchange.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

namespace procsig {
namespace {

bool transient(int err) { return err == EINTR || err == EAGAIN || err == EWOULDBLOCK; }

}  // namespace

ExchangeResult exchange(int fd, const std::string& out, std::string& in, int& error) {
  const size_t total = out.size();
  in.resize(total);
  size_t sent = 0;
  size_t received = 0;
  while (received < total) {
    pollfd p{fd, static_cast<short>(POLLIN | (sent < total ? POLLOUT : 0)), 0};
    if (poll(&p, 1, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      error = errno;
      return ExchangeResult::kError;
    }
    if (sent < total && (p.revents & (POLLOUT | POLLERR)) != 0) {
      const ssize_t n = send(fd, out.data() + sent, total - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n >= 0) {
        sent += static_cast<size_t>(n);
      } else if (!transient(errno)) {
        error = errno;
        return ExchangeResult::kError;
      }
    }
    if ((p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      const ssize_t n = recv(fd, in.data() + received, total - received, MSG_DONTWAIT);
      if (n > 0) {
        received += static_cast<size_t>(n);
      } else if (n == 0) {
        in.resize(received);
        return ExchangeResult::kClosed;
      } else if (!transient(errno)) {
        error = errno;
        return ExchangeResult::kError;
      }
    }
  }
  return ExchangeResult::kOk;
}

}  // namespace procsig
