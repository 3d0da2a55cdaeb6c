#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>

#include "unique_fd.h"

namespace procsig::load {

// Where the connections go: an IPv4 or IPv6 literal and a port.
struct Endpoint {
  sockaddr_storage address{};
  socklen_t length = 0;
};

// The endpoint for `host` (an IPv4 or IPv6 literal, no name lookup) and
// `port`, or nothing when `host` is not a literal.
std::optional<Endpoint> parse_endpoint(const std::string& host, uint16_t port);

// "<call>: <strerror(err)>", the <what> of a connection's failure.
std::string errno_text(const char* call, int err);

// A non-blocking TCP socket whose connect() has started (or failed: then
// the socket is invalid and `error` says why).
UniqueFd start_connect(const Endpoint& endpoint, std::string& error);

// After a started connect reported writable: false, with `error`, when
// the connection failed.
bool finish_connect(int fd, std::string& error);

// Clears O_NONBLOCK.
bool set_blocking(int fd, std::string& error);

// Raises the soft RLIMIT_NOFILE to the hard limit when fewer than
// `needed` descriptors are allowed. Returns the message for a hard limit
// too low, or nothing.
std::optional<std::string> ensure_fd_limit(uint64_t needed);

}  // namespace procsig::load
