#include "exchange.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "net.h"

namespace procsig::load {

std::string early_end(uint64_t received, uint64_t bytes) {
  return "end of stream after " + std::to_string(received) + " of " + std::to_string(bytes) +
         " bytes";
}

std::string differs(uint64_t offset) { return "byte " + std::to_string(offset) + " differs"; }

void Exchange::send_some(int fd) {
  while (sending()) {
    const uint64_t length = std::min(bytes_ - sent_, Pattern::kMaxSlice);
    const ssize_t n = ::send(fd, stream_.at(sent_), length, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      send_failed_ = errno != EAGAIN && errno != EWOULDBLOCK;
      return;
    }
    sent_ += static_cast<uint64_t>(n);
  }
}

bool Exchange::receive_some(int fd, std::vector<unsigned char>& scratch) {
  while (received_ < bytes_) {
    const uint64_t want =
        std::min({bytes_ - received_, uint64_t{scratch.size()}, Pattern::kMaxSlice});
    const ssize_t n = ::recv(fd, scratch.data(), want, MSG_DONTWAIT);
    if (n == 0) {
      error_ = early_end(received_, bytes_);
      return false;
    }
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return true;
      }
      error_ = errno_text("recv", errno) + " (after " + std::to_string(received_) + " of " +
               std::to_string(bytes_) + " bytes)";
      return false;
    }
    if (const auto bad =
            stream_.first_difference(received_, scratch.data(), static_cast<size_t>(n))) {
      error_ = differs(*bad);
      return false;
    }
    received_ += static_cast<uint64_t>(n);
  }
  return true;
}

}  // namespace procsig::load
