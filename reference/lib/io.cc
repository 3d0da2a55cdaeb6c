#include "io.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace procsig {
namespace {

// Waits until `fd` can take more bytes; returns 0 or an errno value.
int wait_writable(int fd) {
  pollfd p{fd, POLLOUT, 0};
  for (;;) {
    const int n = ::poll(&p, 1, -1);
    if (n >= 0) {
      return 0;  // writable, or an error that the next write reports
    }
    if (errno != EINTR) {
      return errno;
    }
  }
}

template <typename WriteFn>
int write_loop(int fd, const void* data, size_t len, WriteFn write_some) {
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    const ssize_t n = write_some(p, len);
    if (n >= 0) {
      p += n;
      len -= static_cast<size_t>(n);
      continue;
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (const int err = wait_writable(fd); err != 0) {
        return err;
      }
      continue;
    }
    return errno;
  }
  return 0;
}

}  // namespace

int write_all(int fd, const void* data, size_t len) {
  return write_loop(fd, data, len, [fd](const char* p, size_t n) { return ::write(fd, p, n); });
}

int send_all(int fd, const void* data, size_t len, int flags) {
  return write_loop(fd, data, len,
                    [fd, flags](const char* p, size_t n) { return ::send(fd, p, n, flags); });
}

ssize_t read_retry(int fd, void* buf, size_t len) {
  for (;;) {
    const ssize_t n = ::read(fd, buf, len);
    if (n >= 0 || errno != EINTR) {
      return n;
    }
  }
}

ssize_t read_full(int fd, void* buf, size_t len) {
  char* p = static_cast<char*>(buf);
  size_t got = 0;
  while (got < len) {
    const ssize_t n = read_retry(fd, p + got, len - got);
    if (n < 0) {
      return -1;
    }
    if (n == 0) {
      break;
    }
    got += static_cast<size_t>(n);
  }
  return static_cast<ssize_t>(got);
}

LineReader::Result LineReader::next(std::string& line) {
  constexpr size_t kChunk = size_t{64} * 1024;
  size_t searched = start_;
  for (;;) {
    const size_t newline = buffer_.find('\n', searched);
    if (newline != std::string::npos) {
      line.assign(buffer_, start_, newline + 1 - start_);
      start_ = newline + 1;
      return Result::kLine;
    }
    if (at_end_) {
      if (start_ == buffer_.size()) {
        return Result::kEnd;
      }
      line.assign(buffer_, start_, std::string::npos);
      start_ = buffer_.size();
      return Result::kLine;
    }
    // Drop what was already returned before growing, so memory follows the
    // longest line rather than the whole input.
    buffer_.erase(0, start_);
    start_ = 0;
    searched = buffer_.size();
    buffer_.resize(searched + kChunk);
    const ssize_t n = read_retry(fd_, buffer_.data() + searched, kChunk);
    if (n < 0) {
      error_ = errno;
      buffer_.resize(searched);
      return Result::kError;
    }
    buffer_.resize(searched + static_cast<size_t>(n));
    if (n == 0) {
      at_end_ = true;
    }
  }
}

bool is_quit_line(const std::string& line) {
  return line == "q\n" || line == "Q\n" || line == "q" || line == "Q";
}

void make_stdout_line_buffered() { (void)std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ); }

}  // namespace procsig
