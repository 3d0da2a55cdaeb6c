// Child processes owned by a test. Every child a test forks is wrapped in a
// ScopedChild, so an ASSERT that returns early still kills and reaps it.
//
// The conformance binary may be multi-threaded (gtest, helpers), so between
// fork() and _exit() a child may call ONLY async-signal-safe functions
// (POSIX XSH 2.4.3): no gtest assertions, no malloc, no stdio, no iostreams,
// no std::string. Report through the exit status or a pipe.
#pragma once

#include <errno.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <optional>
#include <utility>

#include "deadline.h"

namespace procsig::test {

class ScopedChild {
 public:
  ScopedChild() = default;
  explicit ScopedChild(pid_t pid) : pid_(pid) {}
  // SIGKILLs and reaps the child unless it was already reaped.
  ~ScopedChild();

  ScopedChild(ScopedChild&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}
  ScopedChild& operator=(ScopedChild&& other) noexcept;
  ScopedChild(const ScopedChild&) = delete;
  ScopedChild& operator=(const ScopedChild&) = delete;

  pid_t pid() const { return pid_; }
  bool valid() const { return pid_ > 0; }
  explicit operator bool() const { return valid(); }

  // Call after the test reaped the child itself (waitpid, waitid without
  // WNOWAIT, ...), so the destructor does not signal a pid that may have been
  // reused. Returns the pid.
  pid_t MarkReaped() { return std::exchange(pid_, -1); }

  // Kills (SIGKILL) and reaps now; no-op when already reaped.
  void KillAndReap();

 private:
  pid_t pid_ = -1;
};

// Forks; the child runs fn() and _exits with its int result (so only the low
// 8 bits reach the parent). fn must be async-signal-safe (see above). On fork
// failure records a gtest failure and returns an invalid ScopedChild, so
// callers write:  auto child = ForkChild([&] { ...; return 0; });
//                 ASSERT_TRUE(child);
template <typename Fn>
ScopedChild ForkChild(Fn&& fn);

// Waits until the child terminates and returns its wait status, then marks
// it reaped. If it has not terminated by the deadline it is killed and
// reaped, a gtest failure is recorded and -1 is returned. Stops are not
// reported (use waitpid with WUNTRACED directly for those).
int WaitForExit(ScopedChild& child, Deadline deadline = DeadlineIn());

// Waits until the kernel reports `event` (WEXITED, WSTOPPED or WCONTINUED)
// for the child pid through waitid(P_PID, pid, event | WNOWAIT | WNOHANG),
// polled until the deadline: the child stays waitable, so the test's own
// wait call then sees the same report. This, not /proc's state letter, is
// how a test knows a child has ended, stopped or continued: a layer may show
// 'Z' or 'T' in /proc before the wait family can report it (qemu-user's
// extra thread), or 't' for a stop (ptrace). `event` may carry __WALL or
// __WCLONE too, for children that end without SIGCHLD (clone tests): it is
// passed to waitid as it is. Returns the report, or nullopt at the deadline
// or when waitid fails.
std::optional<siginfo_t> AwaitChild(pid_t pid, int event, Deadline deadline = DeadlineIn());

// Implementation detail of ForkChild, kept out of the template.
ScopedChild ReportForkFailure(int saved_errno);

template <typename Fn>
ScopedChild ForkChild(Fn&& fn) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::_exit(static_cast<int>(fn()));
  }
  if (pid < 0) {
    return ReportForkFailure(errno);
  }
  return ScopedChild(pid);
}

}  // namespace procsig::test
