#include "child_check.h"

#include <unistd.h>

#include <cstddef>

namespace procsig::test {

// Only async-signal-safe calls below (no snprintf, no strerror).
namespace {

class LineBuffer {
 public:
  void Add(const char* text) {
    while (*text != '\0' && used_ < sizeof buf_) {
      buf_[used_++] = *text++;
    }
  }
  void Add(long value) {
    char digits[24];
    std::size_t n = 0;
    const bool negative = value < 0;
    unsigned long magnitude =
        negative ? 0UL - static_cast<unsigned long>(value) : static_cast<unsigned long>(value);
    do {
      digits[n++] = static_cast<char>('0' + magnitude % 10);
      magnitude /= 10;
    } while (magnitude != 0 && n < sizeof digits);
    if (negative) {
      Add("-");
    }
    while (n > 0 && used_ < sizeof buf_) {
      buf_[used_++] = digits[--n];
    }
  }
  void Flush(int fd) {
    std::size_t done = 0;
    while (done < used_) {
      const ssize_t n = ::write(fd, buf_ + done, used_ - done);
      if (n <= 0) {
        return;
      }
      done += static_cast<std::size_t>(n);
    }
  }

 private:
  char buf_[512];
  std::size_t used_ = 0;
};

}  // namespace

int ReportChildCheckFailure(const char* file, int line, const char* expression, int saved_errno) {
  LineBuffer out;
  out.Add("child ");
  out.Add(static_cast<long>(::getpid()));
  out.Add(": ");
  out.Add(file);
  out.Add(":");
  out.Add(static_cast<long>(line));
  out.Add(": check failed: ");
  out.Add(expression);
  if (saved_errno != 0) {
    out.Add(" (errno ");
    out.Add(static_cast<long>(saved_errno));
    out.Add(")");
  }
  out.Add("\n");
  out.Flush(STDERR_FILENO);
  return kChildCheckFailed;
}

}  // namespace procsig::test
