// Waiting for a child's stops, continues and exit with a deadline, without
// polling: SIGCHLD is blocked while a ChildEvents lives, and Wait() sleeps in
// sigtimedwait() for the next SIGCHLD between non-blocking waitid() calls.
//
//   ChildEvents events;                 // before the child can stop
//   auto child = ForkChild(...);
//   siginfo_t info;
//   ASSERT_TRUE(events.Wait(child, WSTOPPED, &info));   // CLD_STOPPED
//
// Also: ScopedTempDir (a private directory removed with its contents) and
// the child-side helpers several signal tests share.
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <string>

#include "child.h"
#include "deadline.h"
#include "scoped_signal.h"

namespace procsig::test::signals {

class ChildEvents {
 public:
  ChildEvents();
  ChildEvents(const ChildEvents&) = delete;
  ChildEvents& operator=(const ChildEvents&) = delete;

  // Waits for an event of the kinds in `options` (WSTOPPED, WCONTINUED,
  // WEXITED; WNOWAIT allowed) and fills *info. A reaped exit marks the child
  // reaped. False (and a gtest failure) at the deadline.
  bool Wait(ScopedChild& child, int options, siginfo_t* info, Deadline deadline = DeadlineIn());

 private:
  ScopedSignalMask blocked_;
};

// mkdtemp under /dev/shm where it is writable, else $TMPDIR or /tmp; the
// destructor removes what is in it, then the directory.
class ScopedTempDir {
 public:
  ScopedTempDir();
  ~ScopedTempDir();
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::string& path() const { return path_; }
  bool ok() const { return !path_.empty(); }
  // Names of the regular files now in the directory.
  int CountEntries() const;

 private:
  std::string path_;
};

// Child side: SIG_DFL for sig (not SIGKILL/SIGSTOP) and sig unblocked.
bool ResetToDefault(int sig);

// Child side: RLIMIT_CORE 0 (1 where core_pattern is a pipe, which ignores
// 0), so faulting children leave no core behind (core(5)).
bool NoCoreDumps();

// Whether a process with a handler for sig survives kill() of sig to
// itself, unblocked and blocked-then-unblocked, tried in a forked child first. For the synchronous
// signals (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP) and SIGSYS an emulator may take a sent signal
// for a fault of its own and die (qemu-user does; valgrind aborts on SIGSYS): the in-process tests
// then fail by this check instead of ending the whole test process. Records a gtest failure naming
// the signal and the child's status.
bool SurvivesSelfKill(int sig);

// Where the kernel sends core dumps: /proc/sys/kernel/core_pattern.
std::string CorePattern();

// Whether a child may dump core for a test to see: only when core_pattern is
// a plain relative name (the core lands in the child's working directory, a
// ScopedTempDir) and the hard RLIMIT_CORE allows a real core. An absolute or
// piped pattern (|systemd-coredump, |apport) hands the dump to the platform:
// then dumps stay disabled and the core bit is only recorded.
bool CoreDumpsObservable();

// Child side: works in `dir`; with `dump`, RLIMIT_CORE at its hard limit and
// a coredump_filter of 0 (a small core), else NoCoreDumps().
bool PrepareCoreDump(const char* dir, bool dump);

}  // namespace procsig::test::signals
