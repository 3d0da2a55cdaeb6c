#include "exchange.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "io.h"
#include "unique_fd.h"

namespace procsig {
namespace {

struct Pair {
  UniqueFd client;
  UniqueFd server;
};

Pair small_socket_pair() {
  int fds[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  const int small = 4096;
  for (const int fd : fds) {
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  }
  return Pair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// A blocking echo peer: reads a chunk, writes it back whole, so it stops
// reading whenever the client does not read its echo.
void echo_until_end(int fd) {
  char buf[4096];
  for (;;) {
    const ssize_t n = read_retry(fd, buf, sizeof buf);
    if (n <= 0 || write_all(fd, buf, static_cast<size_t>(n)) != 0) {
      return;
    }
  }
}

TEST(Exchange, EchoesALineFarLargerThanTheSocketBuffers) {
  Pair p = small_socket_pair();
  std::thread peer([&] { echo_until_end(p.server.get()); });
  std::string line(size_t{2} * 1024 * 1024, '\0');
  for (size_t i = 0; i < line.size(); i++) {
    line[i] = static_cast<char>(i % 253);
  }
  std::string echo;
  int error = 0;
  // Sending everything before reading would deadlock here.
  const ExchangeResult r = exchange(p.client.get(), line, echo, error);
  p.client.reset();
  peer.join();
  ASSERT_EQ(r, ExchangeResult::kOk) << error;
  EXPECT_TRUE(echo == line);
}

TEST(Exchange, ReportsAPeerThatClosesEarly) {
  Pair p = small_socket_pair();
  std::thread peer([&] {
    char buf[3];
    (void)read_full(p.server.get(), buf, 3);
    (void)write_all(p.server.get(), buf, 3);
    shutdown(p.server.get(), SHUT_WR);
  });
  std::string echo;
  int error = 0;
  const ExchangeResult r = exchange(p.client.get(), "abcdef", echo, error);
  peer.join();
  EXPECT_EQ(r, ExchangeResult::kClosed);
  EXPECT_EQ(echo, "abc");
}

}  // namespace
}  // namespace procsig
