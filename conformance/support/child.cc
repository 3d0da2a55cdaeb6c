#include "child.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

#include "proc.h"
#include "unique_fd.h"

namespace procsig::test {

namespace {
int g_timeout_scale = 1;  // set before any test runs, read-only afterwards (children too)
}  // namespace

int TimeoutScale() { return g_timeout_scale; }
void SetTimeoutScale(int scale) { g_timeout_scale = scale; }

int MillisecondsLeft(Deadline deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) {
    return 0;
  }
  constexpr long long kMax = 0x7fffffff;
  return static_cast<int>(left.count() > kMax ? kMax : left.count());
}

pid_t KernelPid() { return static_cast<pid_t>(::syscall(SYS_getpid)); }

ScopedChild& ScopedChild::operator=(ScopedChild&& other) noexcept {
  if (this != &other) {
    KillAndReap();
    pid_ = std::exchange(other.pid_, -1);
  }
  return *this;
}

ScopedChild::~ScopedChild() { KillAndReap(); }

void ScopedChild::KillAndReap() {
  if (pid_ <= 0) {
    return;
  }
  // If the test reaped the child without MarkReaped(), the pid is no longer
  // ours and may belong to someone else by now: check before signalling.
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WSTOPPED | WNOHANG | WNOWAIT) !=
          0 &&
      errno == ECHILD) {
    pid_ = -1;
    return;
  }
  ::kill(pid_, SIGKILL);  // SIGKILL also ends a stopped child.
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

std::optional<siginfo_t> AwaitChild(pid_t pid, int event, Deadline deadline) {
  for (;;) {
    siginfo_t info{};
    const int result = ::waitid(P_PID, static_cast<id_t>(pid), &info, event | WNOWAIT | WNOHANG);
    if (result == 0 && info.si_pid == pid) {
      return info;
    }
    if (result != 0 && errno != EINTR) {
      return std::nullopt;
    }
    if (Clock::now() >= deadline) {
      return std::nullopt;
    }
    PollPause();  // the deadline, not this pause, bounds the wait
  }
}

ScopedChild ReportForkFailure(int saved_errno) {
  ADD_FAILURE() << "fork() failed: " << std::strerror(saved_errno);
  return ScopedChild();
}

namespace {

// A pidfd becomes readable when the process terminates, which lets us wait
// with a deadline without polling. Returns an invalid fd where pidfd_open is
// unavailable (kernel < 5.3, some emulators).
UniqueFd OpenPidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  const long fd = ::syscall(SYS_pidfd_open, pid, 0);
  if (fd >= 0) {
    return UniqueFd(static_cast<int>(fd));
  }
#else
  (void)pid;
#endif
  return UniqueFd();
}

}  // namespace

int WaitForExit(ScopedChild& child, Deadline deadline) {
  if (!child) {
    ADD_FAILURE() << "WaitForExit: no child to wait for";
    return -1;
  }
  const pid_t pid = child.pid();
  if (UniqueFd pidfd = OpenPidfd(pid)) {
    struct pollfd pfd {};
    pfd.fd = pidfd.get();
    pfd.events = POLLIN;
    int ready;
    do {
      ready = ::poll(&pfd, 1, MillisecondsLeft(deadline));
    } while (ready < 0 && errno == EINTR);
    if (ready == 0) {
      child.KillAndReap();
      ADD_FAILURE() << "child " << pid << " did not exit before the deadline; killed it";
      return -1;
    }
  }
  // Without a pidfd this blocks; the Meson test timeout is the last resort.
  int status = 0;
  pid_t got;
  do {
    got = ::waitpid(pid, &status, 0);
  } while (got < 0 && errno == EINTR);
  if (got != pid) {
    const int saved = errno;
    child.KillAndReap();
    ADD_FAILURE() << "waitpid(" << pid << ") failed: " << std::strerror(saved);
    return -1;
  }
  child.MarkReaped();
  return status;
}

}  // namespace procsig::test
