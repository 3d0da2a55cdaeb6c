// Checks inside a forked child that say, in the parent's gtest message,
// which expression failed. A test builds a ChildReport before fork(); the
// child (or a grandchild: the pipe is inherited) runs CHILD_CHECK(report,
// expr) for each step, which on failure writes the file, line, pid, errno
// and the expression text to the report's pipe and returns kChildCheckFailed
// from the enclosing function (ForkChild's _exit status). ChildSucceeded()
// waits for the child and turns anything but exit 0 into a gtest failure
// that quotes the failed expressions; a test that expects another status
// streams report.Failures() into its own assertion.
//
//   ChildReport report;
//   auto child = ForkChild([&] {
//     CHILD_CHECK(report, ::setsid() > 0);
//     return 0;
//   });
//   ASSERT_TRUE(child);
//   EXPECT_TRUE(ChildSucceeded(child, report));
//
// Fail() is async-signal-safe (one write(2), no allocation), so it is safe
// between fork() and _exit() and inside signal handlers and threads, where
// CHILD_CHECK_OR_EXIT _exits instead of returning.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "child.h"
#include "deadline.h"
#include "unique_fd.h"

namespace procsig::test {

// The exit status of a child whose CHILD_CHECK failed (apart from the small
// statuses tests give their own meaning).
inline constexpr int kChildCheckFailed = 120;

class ChildReport {
 public:
  ChildReport();
  ChildReport(const ChildReport&) = delete;
  ChildReport& operator=(const ChildReport&) = delete;

  // Child-safe: records that `expr` at `file`:`line` was false (errno as it
  // is now).
  void Fail(const char* file, int line, const char* expr) const;
  // Test side: every failure recorded so far, one per line ("" if none).
  // Reading drains them.
  std::string Failures() const;
  bool ok() const { return pipe_.ok(); }

 private:
  Pipe pipe_;
};

// Whether this process is a child subreaper (main.cc makes it one), so
// that grandchildren orphaned by a test come back to it. Tests that must reap
// such an orphan skip when it is not (an emulator may refuse the prctl).
bool AdoptsOrphans();

#define SKIP_UNLESS_ADOPTS_ORPHANS()                                         \
  if (!::procsig::test::AdoptsOrphans()) {                                   \
    GTEST_SKIP() << "needs the test process to be a child subreaper "        \
                    "(PR_SET_CHILD_SUBREAPER), which this platform refused"; \
  }

// Waits (to the deadline) for the child; success if it exited 0. Otherwise
// the message gives the wait status and what the child reported.
::testing::AssertionResult ChildSucceeded(ScopedChild& child, const ChildReport& report,
                                          Deadline deadline = DeadlineIn());

}  // namespace procsig::test

#define CHILD_CHECK(report, expr)                \
  do {                                           \
    if (!(expr)) {                               \
      (report).Fail(__FILE__, __LINE__, #expr);  \
      return ::procsig::test::kChildCheckFailed; \
    }                                            \
  } while (0)

// For code that cannot return (handlers, threads, nested lambdas): _exits.
#define CHILD_CHECK_OR_EXIT(report, expr)          \
  do {                                             \
    if (!(expr)) {                                 \
      (report).Fail(__FILE__, __LINE__, #expr);    \
      ::_exit(::procsig::test::kChildCheckFailed); \
    }                                              \
  } while (0)
