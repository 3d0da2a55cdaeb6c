#include "child_check.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>

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

}  // namespace procsig::test
