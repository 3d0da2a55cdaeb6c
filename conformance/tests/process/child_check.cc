#include "child_check.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "syscall_matchers.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

// One failure as it travels through the pipe: small enough for one atomic
// write (PIPE_BUF), so records from several processes never interleave.
struct FailureRecord {
  int line;
  int error;
  char expr[200];
};

}  // namespace

ChildReport::ChildReport() : pipe_(O_CLOEXEC | O_NONBLOCK) {}

void ChildReport::Fail(int line, const char* expr) const {
  FailureRecord record{};
  record.line = line;
  record.error = errno;
  size_t i = 0;
  for (; expr[i] != '\0' && i + 1 < sizeof record.expr; ++i) {
    record.expr[i] = expr[i];
  }
  record.expr[i] = '\0';
  (void)!::write(pipe_.write_end.get(), &record, sizeof record);
}

std::string ChildReport::Failures() const {
  std::string text;
  FailureRecord record{};
  while (::read(pipe_.read_end.get(), &record, sizeof record) == sizeof record) {
    record.expr[sizeof record.expr - 1] = '\0';
    text += "  line " + std::to_string(record.line) + ": " + record.expr + " (errno " +
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
