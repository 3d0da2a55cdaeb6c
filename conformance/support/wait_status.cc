#include "wait_status.h"

#include <string.h>

#include <cstring>

namespace procsig::test {

std::string DescribeWaitStatus(int status) {
  if (status == -1) {
    return "not a wait status (-1)";
  }
  if (WIFEXITED(status)) {
    return "exited with status " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    std::string text = "killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                       ::strsignal(WTERMSIG(status)) + ")";
#ifdef WCOREDUMP
    if (WCOREDUMP(status)) {
      text += ", core dumped";
    }
#endif
    return text;
  }
  if (WIFSTOPPED(status)) {
    return "stopped by signal " + std::to_string(WSTOPSIG(status)) + " (" +
           ::strsignal(WSTOPSIG(status)) + ")";
  }
  if (WIFCONTINUED(status)) {
    return "continued";
  }
  return "unknown wait status " + std::to_string(status);
}

}  // namespace procsig::test
