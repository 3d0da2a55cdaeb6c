#include "io.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <thread>
#include <vector>

#include "unique_fd.h"

namespace procsig {
namespace {

struct Pair {
  UniqueFd a;
  UniqueFd b;
};

Pair socket_pair() {
  int fds[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  return Pair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

std::string pattern(size_t size) {
  std::string data(size, '\0');
  for (size_t i = 0; i < size; i++) {
    data[i] = static_cast<char>((i * 7919) % 251);  // NUL bytes included
  }
  return data;
}

// Reads everything until end of stream, a little at a time, so the writer
// keeps meeting a full buffer.
std::string drain(int fd) {
  std::string got;
  char buf[1000];
  for (;;) {
    const ssize_t n = read_retry(fd, buf, sizeof buf);
    if (n <= 0) {
      return got;
    }
    got.append(buf, static_cast<size_t>(n));
  }
}

TEST(WriteAll, DeliversEverythingThroughShortWritesOnANonBlockingSocket) {
  Pair p = socket_pair();
  const int small = 4096;
  ASSERT_EQ(setsockopt(p.a.get(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
  // Non-blocking: every write stops at the small buffer (a short write or
  // EAGAIN), which write_all must carry on from.
  ASSERT_EQ(fcntl(p.a.get(), F_SETFL, O_NONBLOCK), 0);
  const std::string data = pattern(size_t{4} * 1024 * 1024);

  // A write into a full buffer must come back short, or the test would not
  // exercise what it claims to.
  const ssize_t first = write(p.a.get(), data.data(), data.size());
  ASSERT_GT(first, 0);
  ASSERT_LT(static_cast<size_t>(first), data.size());

  std::string received;
  std::thread reader([&] { received = drain(p.b.get()); });
  const int err = write_all(p.a.get(), data.data() + first, data.size() - first);
  p.a.reset();  // end of stream for the reader
  reader.join();
  EXPECT_EQ(err, 0);
  ASSERT_EQ(received.size(), data.size());
  EXPECT_TRUE(received == data) << "bytes differ";
}

TEST(WriteAll, ReportsTheErrorOfAClosedDescriptor) { EXPECT_EQ(write_all(-1, "x", 1), EBADF); }

TEST(SendAll, TurnsAClosedPeerIntoEpipeWithoutSigpipe) {
  Pair p = socket_pair();
  p.b.reset();
  // MSG_NOSIGNAL: without it this test would die of SIGPIPE.
  EXPECT_EQ(send_all(p.a.get(), "ping", 4, MSG_NOSIGNAL), EPIPE);
}

TEST(SendAll, DeliversEverythingOnABlockingSocket) {
  Pair p = socket_pair();
  const std::string data = pattern(size_t{1024} * 1024);
  std::string received;
  std::thread reader([&] { received = drain(p.b.get()); });
  EXPECT_EQ(send_all(p.a.get(), data.data(), data.size(), MSG_NOSIGNAL), 0);
  p.a.reset();
  reader.join();
  EXPECT_TRUE(received == data);
}

TEST(ReadFull, ReadsUntilTheCountOrEndOfStream) {
  Pair p = socket_pair();
  ASSERT_EQ(write_all(p.a.get(), "abc", 3), 0);
  ASSERT_EQ(write_all(p.a.get(), "def", 3), 0);
  char buf[8] = {};
  EXPECT_EQ(read_full(p.b.get(), buf, 4), 4);
  EXPECT_EQ(std::string(buf, 4), "abcd");
  p.a.reset();
  EXPECT_EQ(read_full(p.b.get(), buf, 8), 2);
  EXPECT_EQ(std::string(buf, 2), "ef");
}

std::vector<std::string> all_lines(int fd) {
  LineReader reader(fd);
  std::vector<std::string> lines;
  std::string line;
  LineReader::Result r;
  while ((r = reader.next(line)) == LineReader::Result::kLine) {
    lines.push_back(line);
  }
  EXPECT_EQ(r, LineReader::Result::kEnd);
  return lines;
}

TEST(LineReader, SplitsAfterEachNewlineAndKeepsNulBytes) {
  Pair p = socket_pair();
  const std::string input("one\ntw\0o\n\nlast", 14);
  ASSERT_EQ(write_all(p.a.get(), input.data(), input.size()), 0);
  p.a.reset();
  const std::vector<std::string> lines = all_lines(p.b.get());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "one\n");
  EXPECT_EQ(lines[1], std::string("tw\0o\n", 5));
  EXPECT_EQ(lines[2], "\n");
  EXPECT_EQ(lines[3], "last");  // the last line may lack its newline
}

TEST(LineReader, ReturnsLinesLongerThanItsReadChunk) {
  Pair p = socket_pair();
  const std::string big = std::string(size_t{300} * 1024, 'x') + "\n";
  const std::string input = "a\n" + big + big + "z";
  std::thread writer([&] {
    // Small pieces, so lines also cross read boundaries.
    for (size_t at = 0; at < input.size(); at += 777) {
      const size_t n = std::min<size_t>(777, input.size() - at);
      ASSERT_EQ(write_all(p.a.get(), input.data() + at, n), 0);
    }
    p.a.reset();
  });
  const std::vector<std::string> lines = all_lines(p.b.get());
  writer.join();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "a\n");
  EXPECT_TRUE(lines[1] == big);
  EXPECT_TRUE(lines[2] == big);
  EXPECT_EQ(lines[3], "z");
}

TEST(LineReader, EmptyInputIsEndAtOnce) {
  Pair p = socket_pair();
  p.a.reset();
  EXPECT_TRUE(all_lines(p.b.get()).empty());
}

TEST(LineReader, ReportsReadErrors) {
  LineReader reader(-1);
  std::string line;
  EXPECT_EQ(reader.next(line), LineReader::Result::kError);
  EXPECT_EQ(reader.error(), EBADF);
}

TEST(IsQuitLine, AcceptsOnlyAQAlone) {
  EXPECT_TRUE(is_quit_line("q\n"));
  EXPECT_TRUE(is_quit_line("Q\n"));
  EXPECT_TRUE(is_quit_line("q"));
  EXPECT_FALSE(is_quit_line("qq\n"));
  EXPECT_FALSE(is_quit_line(" q\n"));
  EXPECT_FALSE(is_quit_line("quit\n"));
  EXPECT_FALSE(is_quit_line("\n"));
  EXPECT_FALSE(is_quit_line(std::string("q\0", 2)));
}

}  // namespace
}  // namespace procsig
