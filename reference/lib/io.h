#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

namespace procsig {

// Writes all `len` bytes, retrying after EINTR and short writes; on a
// non-blocking descriptor it waits in poll() for room instead of failing
// with EAGAIN. Returns 0, or the errno value of the failure.
int write_all(int fd, const void* data, size_t len);

// As write_all, with send(2) and `flags` (MSG_NOSIGNAL turns a closed peer
// into EPIPE instead of a SIGPIPE).
int send_all(int fd, const void* data, size_t len, int flags);

// read(2) retried after EINTR.
ssize_t read_retry(int fd, void* buf, size_t len);

// Reads until `len` bytes came or end of file. Returns the count read
// (less than `len` only at end of file), or -1 with errno set.
ssize_t read_full(int fd, void* buf, size_t len);

// Splits what a descriptor delivers into lines: everything up to and
// including '\n', or the bytes left before end of file. Any byte value,
// NUL included, is kept; a line may be of any length.
class LineReader {
 public:
  enum class Result { kLine, kEnd, kError };

  explicit LineReader(int fd) : fd_(fd) {}

  // kLine: `line` holds the next line. kEnd: end of file and nothing left.
  // kError: read failed; error() holds its errno value.
  Result next(std::string& line);
  int error() const { return error_; }

 private:
  int fd_;
  int error_ = 0;
  bool at_end_ = false;
  std::string buffer_;
  size_t start_ = 0;  // first byte of buffer_ not yet returned
};

// The quit line of the chapter's clients: exactly "q" or "Q", with or
// without its newline (a last line may lack one).
bool is_quit_line(const std::string& line);

// Makes stdout line-buffered whatever it is (terminal, pipe, file), so each
// printed line reaches the descriptor in one write(2): lines of processes
// sharing stdout then never interleave (C.ALL.ATOMIC_LINES).
void make_stdout_line_buffered();

}  // namespace procsig
