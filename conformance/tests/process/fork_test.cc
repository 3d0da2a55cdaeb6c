// fork(): return values, what the child inherits and what it does not.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "syscall_matchers.h"

namespace procsig::test {
namespace {

PROCSIG_TEST(Fork, ReturnsZeroInChild, "FORK.RETURNS_ZERO_IN_CHILD", "XSH fork",
             "fork() returns 0 in the child and the child's process ID in the parent") {
  Pipe pipe;
  ASSERT_TRUE(pipe.ok());
  const pid_t pid = ::fork();
  if (pid == 0) {
    const pid_t self = ::getpid();
    // Report what fork() returned here and our own pid.
    const pid_t report[2] = {pid, self};
    _exit(::write(pipe.write_end.get(), report, sizeof report) == sizeof report ? 0 : 1);
  }
  ASSERT_THAT(pid, SyscallSucceeds());
  ScopedChild child(pid);
  pid_t report[2] = {-1, -1};
  ASSERT_THAT(::read(pipe.read_end.get(), report, sizeof report),
              SyscallSucceedsWithValue(static_cast<ssize_t>(sizeof report)));
  EXPECT_EQ(report[0], 0) << "fork() returned non-zero in the child";
  EXPECT_EQ(report[1], pid) << "the parent's fork() result is not the child's pid";
  const int status = WaitForExit(child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace procsig::test
