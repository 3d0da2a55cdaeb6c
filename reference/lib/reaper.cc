#include "reaper.h"

#include <sys/wait.h>

#include <cerrno>

namespace procsig {

size_t reap_ended(Reaped* out, size_t capacity) noexcept {
  const int saved = errno;
  size_t count = 0;
  while (count < capacity) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      out[count++] = Reaped{pid, status};
    } else if (pid < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // 0: children left but none ended; -1/ECHILD: no child at all
    }
  }
  errno = saved;
  return count;
}

std::vector<Reaped> reap_all_ended() {
  constexpr size_t kBatch = 64;
  std::vector<Reaped> all;
  for (;;) {
    Reaped batch[kBatch];
    const size_t n = reap_ended(batch, kBatch);
    all.insert(all.end(), batch, batch + n);
    if (n < kBatch) {
      return all;
    }
  }
}

bool wait_for_child(pid_t pid, int* status) {
  for (;;) {
    if (::waitpid(pid, status, 0) == pid) {
      return true;
    }
    if (errno != EINTR) {
      return false;
    }
  }
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) {
    return "exit status " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    return "killed by signal " + std::to_string(WTERMSIG(status));
  }
  return "wait status " + std::to_string(status);
}

}  // namespace procsig
