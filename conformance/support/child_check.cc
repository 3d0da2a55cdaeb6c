#include "child_check.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "syscall_matchers.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

// One failure as it travels through the pipe: small enough for one atomic
// write (PIPE_BUF), so records from several processes never interleave.
struct FailureRecord {
  pid_t pid;
  int line;
  int error;
  char file[56];
  char expr[200];
};

// Copies what fits, always terminated; async-signal-safe (no strlcpy).
template <std::size_t N>
void CopyText(char (&to)[N], const char* from) {
  std::size_t i = 0;
  for (; from[i] != '\0' && i + 1 < N; ++i) {
    to[i] = from[i];
  }
  to[i] = '\0';
}

const char* BaseName(const char* path) {
  const char* base = path;
  for (const char* p = path; *p != '\0'; ++p) {
    if (*p == '/') {
      base = p + 1;
    }
  }
  return base;
}

}  // namespace

ChildReport::ChildReport() : pipe_(O_CLOEXEC | O_NONBLOCK) {}

void ChildReport::Fail(const char* file, int line, const char* expr) const {
  FailureRecord record{};
  record.pid = ::getpid();
  record.line = line;
  record.error = errno;
  CopyText(record.file, BaseName(file));
  CopyText(record.expr, expr);
  (void)!::write(pipe_.write_end.get(), &record, sizeof record);
}

std::string ChildReport::Failures() const {
  std::string text;
  FailureRecord record{};
  while (::read(pipe_.read_end.get(), &record, sizeof record) == sizeof record) {
    record.file[sizeof record.file - 1] = '\0';
    record.expr[sizeof record.expr - 1] = '\0';
    text += "  " + std::string(record.file) + ":" + std::to_string(record.line) + " (pid " +
            std::to_string(record.pid) + "): " + record.expr + " (errno " +
            DescribeErrno(record.error) + ")\n";
  }
  return text;
}

bool AdoptsOrphans() {
  int value = 0;
  return ::prctl(PR_GET_CHILD_SUBREAPER, &value) == 0 && value != 0;
}

::testing::AssertionResult ChildSucceeded(ScopedChild& child, const ChildReport& report,
                                          Deadline deadline) {
  const int status = WaitForExit(child, deadline);
  const std::string failures = report.Failures();
  if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && failures.empty()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "child ended with " << DescribeWaitStatus(status) << "; it reported:\n"
         << (failures.empty() ? std::string("  (nothing)\n") : failures);
}

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
