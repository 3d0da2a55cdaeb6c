// Exchange over a socket pair whose far end plays a server that echoes
// faithfully or damages the stream in one of the ways echo_load must catch.
#include "exchange.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "unique_fd.h"

namespace procsig::load {
namespace {

const Pattern& pattern() {
  static const Pattern p;
  return p;
}

using Damage = std::function<void(std::vector<unsigned char>&)>;

// Runs an exchange of `bytes` for connection `k`; the server end reads
// everything sent, applies `damage`, writes it back and closes. Returns
// the exchange's error ("" when every byte checked out).
std::string echo_through(uint64_t k, uint64_t bytes, const Damage& damage) {
  int ends[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, ends), 0);
  UniqueFd client(ends[0]);
  UniqueFd server(ends[1]);
  Exchange exchange(pattern(), k, bytes);
  exchange.send_some(client.get());  // small enough for the socket buffer
  EXPECT_FALSE(exchange.sending());
  std::vector<unsigned char> data(bytes + 16);
  const ssize_t n = ::recv(server.get(), data.data(), data.size(), MSG_DONTWAIT);
  EXPECT_EQ(n, static_cast<ssize_t>(bytes));
  data.resize(static_cast<size_t>(n));
  damage(data);
  EXPECT_EQ(::send(server.get(), data.data(), data.size(), 0), static_cast<ssize_t>(data.size()));
  server.reset();
  std::vector<unsigned char> scratch(kScratchSize);
  if (exchange.receive_some(client.get(), scratch)) {
    EXPECT_TRUE(exchange.done());
  }
  return exchange.error();
}

// The offset in "byte N differs", or -1.
long long differing_byte(const std::string& error) {
  unsigned long long offset = 0;
  char tail = 0;
  if (std::sscanf(error.c_str(), "byte %llu differ%c", &offset, &tail) != 2 || tail != 's') {
    return -1;
  }
  return static_cast<long long>(offset);
}

TEST(Exchange, AFaithfulEchoChecksOut) {
  EXPECT_EQ(echo_through(0, 4096, [](auto&) {}), "");
  EXPECT_EQ(echo_through(999, 64, [](auto&) {}), "");
}

TEST(Exchange, CatchesACorruptedByte) {
  EXPECT_EQ(echo_through(5, 4096, [](auto& d) { d[1234] ^= 0x20; }), "byte 1234 differs");
}

TEST(Exchange, CatchesALostByte) {
  // From the lost byte on the echo is the stream shifted by one, which the
  // pattern tells from itself within a few bytes.
  const auto at = differing_byte(echo_through(5, 4096, [](auto& d) { d.erase(d.begin() + 100); }));
  EXPECT_GE(at, 100);
  EXPECT_LT(at, 110);
}

TEST(Exchange, CatchesADuplicatedByte) {
  const auto at =
      differing_byte(echo_through(5, 4096, [](auto& d) { d.insert(d.begin() + 100, d[100]); }));
  EXPECT_GE(at, 101);
  EXPECT_LT(at, 110);
}

TEST(Exchange, CatchesReorderedBytes) {
  EXPECT_EQ(echo_through(5, 4096, [](auto& d) { std::swap(d[10], d[11]); }), "byte 10 differs");
}

TEST(Exchange, CatchesAnotherConnectionsBytes) {
  const Stream other(pattern(), 6);
  const auto at = differing_byte(
      echo_through(5, 64, [&](auto& d) { d.assign(other.at(0), other.at(0) + 64); }));
  EXPECT_GE(at, 0);
  EXPECT_LT(at, 8);
}

TEST(Exchange, CatchesAnEarlyEndOfStream) {
  EXPECT_EQ(echo_through(5, 4096, [](auto& d) { d.resize(100); }),
            "end of stream after 100 of 4096 bytes");
}

}  // namespace
}  // namespace procsig::load
