// Checks inside a forked child that say why the child failed.
//
//   auto child = ForkChild([&] {
//     PROCSIG_CHILD_CHECK(::setpgid(0, 0) == 0);
//     ...
//     return 0;
//   });
//   EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
//
// A failed check writes one line to stderr, "child 1234: file.cc:12: check
// failed: ::setpgid(0, 0) == 0 (errno 1)", and returns kChildCheckFailed
// from the enclosing lambda (ForkChild's _exit status), so the test's output
// names the expression, not only a number. Everything it calls is
// async-signal-safe (getpid, write), so it is safe between fork() and
// _exit() and inside signal handlers (use PROCSIG_CHILD_CHECK_OR_EXIT there).
#pragma once

#include <unistd.h>

#include <cerrno>

namespace procsig::test {

// The exit status of a child whose PROCSIG_CHILD_CHECK failed.
inline constexpr int kChildCheckFailed = 120;

// Writes the line above and returns kChildCheckFailed. saved_errno is the
// errno when the check failed (0: not printed).
int ReportChildCheckFailure(const char* file, int line, const char* expression, int saved_errno);

}  // namespace procsig::test

#define PROCSIG_CHILD_CHECK(condition)                                                        \
  do {                                                                                        \
    if (!(condition)) {                                                                       \
      return ::procsig::test::ReportChildCheckFailure(__FILE__, __LINE__, #condition, errno); \
    }                                                                                         \
  } while (0)

// For code that cannot return (handlers, threads): _exits instead.
#define PROCSIG_CHILD_CHECK_OR_EXIT(condition)                                                  \
  do {                                                                                          \
    if (!(condition)) {                                                                         \
      ::_exit(::procsig::test::ReportChildCheckFailure(__FILE__, __LINE__, #condition, errno)); \
    }                                                                                           \
  } while (0)
