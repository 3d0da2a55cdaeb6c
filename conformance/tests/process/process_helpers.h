// Helpers shared by the process tests. Functions marked "child-safe" use
// only async-signal-safe calls and may run between fork() and _exit().
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "checkpoint.h"
#include "child.h"
#include "deadline.h"
#include "helper_path.h"

namespace procsig::test {

// The unprivileged identity tests switch to when they run as root.
inline constexpr uid_t kUnprivilegedId = 65534;

// Child-safe. Drops root to uid/gid 65534 with no supplementary groups;
// does nothing when not root. Returns false if a call failed.
bool DropRootPrivileges();

// Child-safe. Writes all of buf; false on error.
bool WriteAll(int fd, const void* buf, size_t len);

// Child-safe. Reads exactly len bytes, waiting up to the deadline; false on
// end of file, error or deadline.
bool ReadExact(int fd, void* buf, size_t len, Deadline deadline = DeadlineIn());

// Reads until end of file or the deadline; sets *complete to whether end of
// file was reached.
std::string ReadUntilEof(int fd, bool* complete, Deadline deadline = DeadlineIn());

// A child that exits with `code` once released through `release` (99 if
// the release never comes).
ScopedChild ForkHeldChild(Checkpoint& release, int code);

// A child that exits with `code` at once; returns once waitid (WNOWAIT)
// reports it ended, so it is a zombie that is still waitable; or
// an invalid ScopedChild after recording a failure.
ScopedChild ForkZombie(int code);

// A child that stops itself with SIGSTOP, then exits 0 once released.
ScopedChild ForkStoppingChild(Checkpoint& release);

// argv for execv built before fork(): the child only calls Exec(). Runs
// the helper under PROCSIG_EXEC_WRAPPER when set (helper_path.h).
using ExecArgs = HelperExec;

}  // namespace procsig::test
