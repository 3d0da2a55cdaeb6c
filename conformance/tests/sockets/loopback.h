// Loopback TCP for the socket tests: ports are always chosen by the kernel
// (bind to 127.0.0.1:0), never fixed. Functions that run in the test process
// record a gtest failure and return an invalid descriptor on error;
// ConnectInChild() is async-signal-safe for forked children.
#pragma once

#include <netinet/in.h>
#include <sys/types.h>

#include <cstdint>
#include <string>

#include "deadline.h"
#include "unique_fd.h"

namespace procsig::test::sockets {

struct Listener {
  UniqueFd fd;
  std::uint16_t port = 0;
};

// A TCP socket listening on 127.0.0.1 at a kernel-chosen port.
Listener ListenLoopback(int backlog = SOMAXCONN, bool reuseaddr = false, int type_flags = 0);

// The 127.0.0.1:port address.
struct sockaddr_in LoopbackAddress(std::uint16_t port);

// The local port a socket is bound to (0 on error).
std::uint16_t LocalPort(int fd);

// A blocking connect() to 127.0.0.1:port.
UniqueFd ConnectLoopback(std::uint16_t port);

// Child side: socket() + connect(); returns the descriptor or -1.
int ConnectInChild(std::uint16_t port);

// One established connection: `peer` is the connecting end, `accepted` the
// end accept() returned. The listener is closed again.
struct Connection {
  UniqueFd peer;
  UniqueFd accepted;
  bool ok() const { return peer.valid() && accepted.valid(); }
};
Connection ConnectPair();

// Reads until `want` bytes, EOF, an error or the deadline. Returns the bytes
// read; *eof tells whether the stream ended (read returned 0).
std::string ReadWithDeadline(int fd, size_t want, bool* eof, Deadline deadline = DeadlineIn());

// Writes all of text (MSG_NOSIGNAL). False on error.
bool SendAll(int fd, const std::string& text);

// True if fd has something to read (data or EOF) right now.
bool ReadableNow(int fd);

}  // namespace procsig::test::sockets
