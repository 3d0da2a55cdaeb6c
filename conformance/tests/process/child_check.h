// Children that say which check failed. A test builds a ChildReport before
// fork(); the child (or a grandchild: the pipe is inherited) runs
// CHILD_CHECK(report, expr) for each step, which on failure writes the
// source line, errno and the expression text to the pipe and returns 1.
// ChildSucceeded() waits for the child and turns a non-zero exit into a
// gtest failure that quotes the failed expression.
//
//   ChildReport report;
//   auto child = ForkChild([&] {
//     CHILD_CHECK(report, ::setsid() > 0);
//     return 0;
//   });
//   ASSERT_TRUE(child);
//   EXPECT_TRUE(ChildSucceeded(child, report));
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "child.h"
#include "deadline.h"
#include "unique_fd.h"

namespace procsig::test {

class ChildReport {
 public:
  ChildReport();
  ChildReport(const ChildReport&) = delete;
  ChildReport& operator=(const ChildReport&) = delete;

  // Child-safe: records that `expr` at `line` was false (errno as it is now).
  void Fail(int line, const char* expr) const;
  // Test side: every failure recorded so far, one per line ("" if none).
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

#define CHILD_CHECK(report, expr)     \
  do {                                \
    if (!(expr)) {                    \
      (report).Fail(__LINE__, #expr); \
      return 1;                       \
    }                                 \
  } while (0)
