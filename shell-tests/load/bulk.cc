// bulk mode: the echo rate of one long transfer, writer and reader at once.
#include <poll.h>
#include <sys/socket.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "exchange.h"
#include "modes.h"
#include "net.h"

namespace procsig::load {
namespace {

// The reader's buffer: large, so that one recv() takes what the kernel
// holds, and no larger than the slices the pattern hands out.
constexpr size_t kReadSize = Pattern::kMaxSlice;

// What the two threads report to the one that watches the deadline.
class Transfer {
 public:
  explicit Transfer(int fd) : fd_(fd) {}

  void writer_ended(std::string error) { end(writer_done_, writer_error_, std::move(error)); }
  void reader_ended(std::string error) {
    if (!error.empty()) {
      // Stops the writer, which may be blocked in send() on a peer that
      // no longer reads.
      ::shutdown(fd_, SHUT_RDWR);
    }
    end(reader_done_, reader_error_, std::move(error));
  }

  // False when the deadline came first: then both threads are made to end.
  bool wait_until(Clock::time_point end) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (ended_.wait_until(lock, end, [this] { return writer_done_ && reader_done_; })) {
      return true;
    }
    ::shutdown(fd_, SHUT_RDWR);  // wakes a blocked send() and recv()
    return false;
  }

  // The reader's error explains the writer's (a peer that closed early
  // makes both fail), so it comes first.
  std::string error() const { return reader_error_.empty() ? writer_error_ : reader_error_; }

 private:
  void end(bool& done, std::string& slot, std::string error) {
    const std::lock_guard<std::mutex> lock(mutex_);
    slot = std::move(error);
    done = true;
    ended_.notify_all();
  }

  int fd_;
  std::mutex mutex_;
  std::condition_variable ended_;
  bool writer_done_ = false;
  bool reader_done_ = false;
  std::string writer_error_;
  std::string reader_error_;
};

std::string write_all(int fd, const Stream& stream, uint64_t bytes) {
  uint64_t sent = 0;
  while (sent < bytes) {
    const uint64_t length = std::min(bytes - sent, Pattern::kMaxSlice);
    const ssize_t n = ::send(fd, stream.at(sent), length, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno_text("send", errno) + " (after " + std::to_string(sent) + " of " +
             std::to_string(bytes) + " bytes)";
    }
    sent += static_cast<uint64_t>(n);
  }
  if (::shutdown(fd, SHUT_WR) != 0) {
    return errno_text("shutdown", errno);
  }
  return {};
}

std::string read_all(int fd, const Stream& stream, uint64_t bytes) {
  std::vector<unsigned char> buffer(kReadSize);
  uint64_t received = 0;
  for (;;) {
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n == 0) {
      return received == bytes ? std::string() : early_end(received, bytes);
    }
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno_text("recv", errno) + " (after " + std::to_string(received) + " of " +
             std::to_string(bytes) + " bytes)";
    }
    const auto got = static_cast<uint64_t>(n);
    const uint64_t expected = std::min(got, bytes - received);
    if (const auto bad =
            stream.first_difference(received, buffer.data(), static_cast<size_t>(expected))) {
      return differs(*bad);
    }
    if (got > expected) {
      return "more than the " + std::to_string(bytes) + " bytes sent came back";
    }
    received += got;
  }
}

// A blocking socket connected to the endpoint, within the deadline.
UniqueFd connect_blocking(const Options& options, const Deadline& deadline, std::string& error,
                          bool& late) {
  UniqueFd fd = start_connect(options.endpoint, error);
  if (!fd) {
    return fd;
  }
  pollfd watch{fd.get(), POLLOUT, 0};
  int ready = 0;
  while ((ready = ::poll(&watch, 1, deadline.timeout_ms())) < 0 && errno == EINTR) {
  }
  if (ready == 0) {
    late = true;
    fd.reset();
  } else if (ready < 0) {
    error = errno_text("poll", errno);
    fd.reset();
  } else if (!finish_connect(fd.get(), error) || !set_blocking(fd.get(), error)) {
    fd.reset();
  }
  return fd;
}

}  // namespace

Outcome run_bulk(const Options& options, const Pattern& pattern, const Deadline& deadline) {
  std::string error;
  bool late = false;
  const UniqueFd fd = connect_blocking(options, deadline, error, late);
  if (late) {
    return deadline_passed(deadline.seconds(), 1, 1);
  }
  if (!fd) {
    return connection_failed(0, error);
  }
  const Stream stream(pattern, 0);
  Transfer transfer(fd.get());
  const auto start = Clock::now();
  bool in_time = false;
  {
    const std::jthread writer(
        [&] { transfer.writer_ended(write_all(fd.get(), stream, options.bytes)); });
    const std::jthread reader(
        [&] { transfer.reader_ended(read_all(fd.get(), stream, options.bytes)); });
    in_time = transfer.wait_until(deadline.end());
  }  // joined here
  const double seconds = seconds_since(start);
  if (!in_time) {
    return deadline_passed(deadline.seconds(), 1, 1);
  }
  if (const auto failure = transfer.error(); !failure.empty()) {
    return connection_failed(0, failure);
  }
  char json[192];
  (void)std::snprintf(json, sizeof json,
                      R"({"mode":"bulk","bytes":%llu,"seconds":%.6f,"mib_per_second":%.1f})",
                      static_cast<unsigned long long>(options.bytes), seconds,
                      static_cast<double>(options.bytes) / (1024.0 * 1024.0) / seconds);
  return print_result(json);
}

}  // namespace procsig::load
