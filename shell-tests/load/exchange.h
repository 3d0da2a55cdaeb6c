#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "pattern.h"

namespace procsig::load {

// The receive buffer one thread shares among its connections: a short
// echo fits in one recv(), a long one takes several.
inline constexpr size_t kScratchSize = size_t{64} << 10;

// One connection's echo of the first `bytes` bytes of its stream, on a
// non-blocking socket: what has been sent, and what has come back and been
// checked. Each call does what the socket allows now; the caller polls.
class Exchange {
 public:
  Exchange(const Pattern& pattern, uint64_t connection, uint64_t bytes)
      : stream_(pattern, connection), bytes_(bytes) {}

  // Still bytes to send (and sending has not failed).
  bool sending() const { return sent_ < bytes_ && !send_failed_; }
  // Every byte came back and was checked.
  bool done() const { return received_ == bytes_; }

  // Sends until the socket's buffer is full or all is sent. A failure stops
  // sending but is no verdict: the peer that refused the bytes has closed
  // or reset the connection, and receive_some() says what came back first.
  void send_some(int fd);

  // Receives and checks until nothing is waiting or all came back. False,
  // with error(), on a byte that differs, an early end of stream or a
  // failed recv(). `scratch` is the caller's buffer (one per thread).
  bool receive_some(int fd, std::vector<unsigned char>& scratch);

  const std::string& error() const { return error_; }

 private:
  Stream stream_;
  uint64_t bytes_;
  uint64_t sent_ = 0;
  uint64_t received_ = 0;
  bool send_failed_ = false;
  std::string error_;
};

// "end of stream after R of B bytes"
std::string early_end(uint64_t received, uint64_t bytes);
// "byte N differs"
std::string differs(uint64_t offset);

}  // namespace procsig::load
