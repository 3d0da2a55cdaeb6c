// Time limits for everything that waits on another process. They are
// generous on purpose: a limit only turns a broken peer into a failure
// instead of a hang, it never decides a pass, so load cannot make a test
// flaky.
#pragma once

#include <sys/types.h>

#include <chrono>

namespace procsig::test {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

// Default wait for anything another process must do promptly.
inline constexpr std::chrono::milliseconds kDefaultTimeout{10000};

// PROCSIG_TIMEOUT_MULTIPLIER=<n> (1 to 100; read once by main) multiplies every
// limit: under an emulator (qemu-user, a TCG guest) the same work takes a
// few times as long, and a limit must still only catch a hang.
int TimeoutScale();
void SetTimeoutScale(int scale);

inline Deadline DeadlineIn(std::chrono::milliseconds timeout = kDefaultTimeout) {
  return Clock::now() + timeout * TimeoutScale();
}

// Milliseconds left before the deadline, clamped to [0, INT_MAX] for poll().
// clock_gettime underneath is async-signal-safe, so children may use this.
int MillisecondsLeft(Deadline deadline);

// Child-safe. The calling process's ID as the kernel reports it (the raw
// getpid system call, not the C library's function). The harness tells
// parent from child with this, so a C library or preload whose getpid()
// lies fails the tests of getpid, not the checkpoints of every test.
pid_t KernelPid();

}  // namespace procsig::test
