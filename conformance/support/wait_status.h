// gMock matchers for wait statuses, printing the status decoded:
//
//   EXPECT_THAT(WaitForExit(child), ExitedWithStatus(7));
//   EXPECT_THAT(status, KilledBySignal(SIGKILL));
//   EXPECT_THAT(status, StoppedBySignal(SIGSTOP));
#pragma once

#include <gmock/gmock.h>
#include <sys/wait.h>

#include <string>

namespace procsig::test {

// "exited with status 7", "killed by signal 9 (Killed)", "stopped by signal
// 19 (Stopped (signal))", "continued", or "not a wait status (-1)".
std::string DescribeWaitStatus(int status);

MATCHER_P(ExitedWithStatus, code,
          std::string(negation ? "is not" : "is") + " an exit with status " +
              ::testing::PrintToString(code)) {
  *result_listener << DescribeWaitStatus(arg);
  return arg != -1 && WIFEXITED(arg) && WEXITSTATUS(arg) == code;
}

MATCHER_P(KilledBySignal, sig,
          std::string(negation ? "is not" : "is") + " a termination by signal " +
              ::testing::PrintToString(sig)) {
  *result_listener << DescribeWaitStatus(arg);
  return arg != -1 && WIFSIGNALED(arg) && WTERMSIG(arg) == sig;
}

MATCHER_P(StoppedBySignal, sig,
          std::string(negation ? "is not" : "is") + " a stop by signal " +
              ::testing::PrintToString(sig)) {
  *result_listener << DescribeWaitStatus(arg);
  return arg != -1 && WIFSTOPPED(arg) && WSTOPSIG(arg) == sig;
}

}  // namespace procsig::test
