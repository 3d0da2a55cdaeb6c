// Process termination: exit(), _exit(), return from main, the status the
// parent sees, stdio flushing and atexit handlers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "assertion.h"
#include "child.h"
#include "helper_path.h"
#include "process_helpers.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

PROCSIG_TEST(Exit, StatusReachesParent, "EXIT.STATUS_REACHES_PARENT", "XSH _Exit",
             "the value passed to _exit() is the status the parent's waitpid() reports") {
  auto child = ForkChild([] { return 42; });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(42));
}

PROCSIG_TEST(Exit, StatusZero, "EXIT.STATUS_ZERO", "XSH _Exit",
             "a child that exits with 0 is reported as exited with status 0") {
  auto child = ForkChild([] { return 0; });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Exit, StatusKeepsLowEightBits, "EXIT.STATUS_LOW_8_BITS", "XSH _Exit",
             "only the low 8 bits of the status reach the parent: _exit(256 + 7) is seen as 7") {
  auto child = ForkChild([] { return 256 + 7; });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(7));
}

PROCSIG_TEST(Exit, MinusOneIs255, "EXIT.STATUS_MINUS_ONE", "XSH _Exit",
             "_exit(-1) is seen by the parent as status 255") {
  auto child = ForkChild([] { return -1; });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(255));
}

PROCSIG_TEST(Exit, Status255, "EXIT.STATUS_255", "XSH _Exit",
             "the largest status, 255, reaches the parent unchanged") {
  auto child = ForkChild([] { return 255; });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(255));
}

// Runs a helper program in a child with stdout on a pipe; returns its wait
// status and sets *out to what it wrote.
int RunHelper(const std::string& name, const std::string& arg, std::string* out) {
  Pipe pipe;
  if (!pipe.ok()) {
    ADD_FAILURE() << "pipe2 failed";
    return -1;
  }
  const ExecArgs args(HelperPath(name), {arg});
  auto child = ForkChild([&] {
    if (::dup2(pipe.write_end.get(), STDOUT_FILENO) < 0) {
      return 126;
    }
    args.Exec();
    return 127;
  });
  if (!child) {
    return -1;
  }
  pipe.write_end.reset();
  bool eof = false;
  *out = ReadUntilEof(pipe.read_end.get(), &eof);
  EXPECT_TRUE(eof) << args.path() << " did not close its output";
  const int status = WaitForExit(child);
  EXPECT_THAT(status, ::testing::Not(ExitedWithStatus(127))) << "cannot exec " << args.path();
  return status;
}

PROCSIG_TEST(Exit, ReturnFromMainIsExit, "EXIT.RETURN_FROM_MAIN", "XSH exit",
             "returning a value from main() ends the process as exit() with that value") {
  std::string out;
  EXPECT_THAT(RunHelper("procsig-return-status", "42", &out), ExitedWithStatus(42));
}

PROCSIG_TEST(Exit, ReturnFromMainKeepsLowEightBits, "EXIT.RETURN_FROM_MAIN_LOW_8_BITS", "XSH exit",
             "returning 263 from main() is seen by the parent as status 7") {
  std::string out;
  EXPECT_THAT(RunHelper("procsig-return-status", "263", &out), ExitedWithStatus(7));
}

PROCSIG_TEST(Exit, ReturnMinusOneFromMain, "EXIT.RETURN_FROM_MAIN_MINUS_ONE", "XSH exit",
             "returning -1 from main() is seen by the parent as status 255") {
  std::string out;
  EXPECT_THAT(RunHelper("procsig-return-status", "-1", &out), ExitedWithStatus(255));
}

PROCSIG_TEST(Exit, ExitFlushesStdio, "EXIT.EXIT_FLUSHES_STDIO", "XSH exit",
             "exit() flushes stdio streams: a fully buffered line is written") {
  std::string out;
  EXPECT_THAT(RunHelper("procsig-exit-probe", "exit", &out), ExitedWithStatus(0));
  EXPECT_EQ(out, "buffered\n");
}

PROCSIG_TEST(Exit, UnderscoreExitDoesNotFlush, "EXIT._EXIT_NO_FLUSH", "XSH _Exit",
             "_exit() does not flush stdio streams: a fully buffered line is lost") {
  std::string out;
  EXPECT_THAT(RunHelper("procsig-exit-probe", "_exit", &out), ExitedWithStatus(0));
  EXPECT_EQ(out, "");
}

PROCSIG_TEST(Exit, AtexitRunsOnExit, "EXIT.ATEXIT_ON_EXIT", "XSH exit",
             "exit() calls the functions registered with atexit(), in reverse order of "
             "registration") {
  std::string out;
  EXPECT_THAT(RunHelper("procsig-exit-probe", "atexit-exit", &out), ExitedWithStatus(0));
  EXPECT_EQ(out, "first\nsecond\n");
}

PROCSIG_TEST(Exit, AtexitRunsOnReturn, "EXIT.ATEXIT_ON_RETURN", "XSH exit",
             "returning from main() calls the atexit() functions, as exit() does") {
  std::string out;
  EXPECT_THAT(RunHelper("procsig-exit-probe", "atexit-return", &out), ExitedWithStatus(0));
  EXPECT_EQ(out, "first\nsecond\n");
}

PROCSIG_TEST(Exit, AtexitSkippedByUnderscoreExit, "EXIT._EXIT_NO_ATEXIT", "XSH _Exit",
             "_exit() does not call the functions registered with atexit()") {
  std::string out;
  EXPECT_THAT(RunHelper("procsig-exit-probe", "atexit-_exit", &out), ExitedWithStatus(0));
  EXPECT_EQ(out, "");
}

PROCSIG_TEST(Exit, ClosesDescriptors, "EXIT.CLOSES_DESCRIPTORS", "XSH _Exit",
             "termination closes the process's descriptors: a pipe the child held open reaches "
             "end of file") {
  Pipe pipe;
  ASSERT_TRUE(pipe.ok());
  auto child = ForkChild([&] { return WriteAll(pipe.write_end.get(), "bye", 3) ? 0 : 1; });
  ASSERT_TRUE(child);
  pipe.write_end.reset();
  bool eof = false;
  EXPECT_EQ(ReadUntilEof(pipe.read_end.get(), &eof), "bye");
  EXPECT_TRUE(eof) << "the exited child's write end stayed open";
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Exit, HelperRejectsBadUsage, "EXIT.HELPER_USAGE", "XSH exit",
             "the return-from-main helper itself reports bad usage with status 2, so the "
             "return-from-main checks cannot pass by accident") {
  std::string out;
  EXPECT_THAT(RunHelper("procsig-return-status", "not-a-number", &out), ExitedWithStatus(2));
}

}  // namespace
}  // namespace procsig::test
