#pragma once

#include <string>

namespace procsig {

enum class ExchangeResult { kOk, kClosed, kError };

// Sends `out` and reads until exactly out.size() bytes came back into `in`,
// doing both at once: a line larger than the socket buffers would deadlock
// a send-everything-then-read client against an echo server that blocks
// sending back what the client does not yet read. kClosed: the peer closed
// before all came back. kError: `error` holds the errno value.
ExchangeResult exchange(int fd, const std::string& out, std::string& in, int& error);

}  // namespace procsig
