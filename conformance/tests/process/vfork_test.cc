// vfork(): the child borrows the parent's memory and the parent waits, in
// vfork(), until the child calls exec or _exit. A layer that turns vfork
// into fork (qemu-user does) fails the memory tests.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "assertion.h"
#include "child.h"
#include "probe_run.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

// Written by vfork children; volatile so the parent rereads them.
volatile int g_vfork_mark = 0;
volatile pid_t g_vfork_child_pid = 0;
volatile pid_t g_vfork_child_ppid = 0;
volatile pid_t g_vfork_returned = -1;

PROCSIG_TEST(Vfork, ChildWritesSeenByParent, "VFORK.MEMORY_SHARED", "XSH vfork (POSIX.1-2001)",
             "until it execs or exits, a vfork() child runs in the parent's memory: what it "
             "stores is what the parent reads when vfork() returns") {
  g_vfork_mark = 0;
  const pid_t pid = ::vfork();
  if (pid == 0) {
    g_vfork_mark = 1;
    ::_exit(0);
  }
  ASSERT_THAT(pid, SyscallSucceeds());
  ScopedChild child(pid);
  EXPECT_EQ(g_vfork_mark, 1) << "the child's store is not in the parent's memory";
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Vfork, ParentWaitsForExit, "VFORK.PARENT_SUSPENDED", "XSH vfork (POSIX.1-2001)",
             "the parent does not run until the vfork() child has _exited: every step the child "
             "took is done when vfork() returns") {
  g_vfork_mark = 0;
  const pid_t pid = ::vfork();
  if (pid == 0) {
    // System calls between the steps give a concurrently running parent
    // every chance to see an unfinished count.
    for (int step = 1; step <= 100; ++step) {
      g_vfork_mark = step;
      (void)::getppid();
    }
    ::_exit(3);
  }
  ASSERT_THAT(pid, SyscallSucceeds());
  const int seen = g_vfork_mark;
  ScopedChild child(pid);
  EXPECT_EQ(seen, 100) << "the parent ran before the child finished";
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(3));
}

PROCSIG_TEST(Vfork, ParentResumesAtExec, "VFORK.RESUMES_AT_EXEC", "XSH vfork (POSIX.1-2001)",
             "the parent resumes once the vfork() child has exec'd, while the new image still "
             "runs: the image waits for a byte only the resumed parent sends") {
  Pipe token(0);  // not close-on-exec: the probe reads the byte from it
  ASSERT_TRUE(token.ok());
  const ProbeCommand command({"--wait-fd=" + std::to_string(token.read_end.get())});
  UniqueFd devnull(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  ASSERT_TRUE(devnull);
  const int null_fd = devnull.get();
  const pid_t pid = ::vfork();
  if (pid == 0) {
    if (::dup2(null_fd, STDOUT_FILENO) >= 0) {
      command.Exec();
    }
    ::_exit(127);
  }
  ASSERT_THAT(pid, SyscallSucceeds());
  ScopedChild child(pid);
  ASSERT_THAT(::write(token.write_end.get(), "go", 1), SyscallSucceedsWithValue(1));
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0))
      << "3: the exec'd image never got the parent's byte, 127: exec failed";
}

PROCSIG_TEST(Vfork, ReturnsChildPid, "VFORK.RETURNS_CHILD_PID", "XSH vfork (POSIX.1-2001)",
             "vfork() returns 0 in the child and the child's process ID in the parent; the "
             "child's parent is the caller") {
  g_vfork_child_pid = 0;
  g_vfork_child_ppid = 0;
  g_vfork_returned = -1;
  const pid_t pid = ::vfork();
  if (pid == 0) {
    g_vfork_returned = pid;
    g_vfork_child_pid = ::getpid();
    g_vfork_child_ppid = ::getppid();
    ::_exit(0);
  }
  ASSERT_THAT(pid, SyscallSucceeds());
  ScopedChild child(pid);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
  // Read only what a shared-memory child can have written.
  EXPECT_EQ(g_vfork_returned, 0);
  EXPECT_EQ(g_vfork_child_pid, pid);
  EXPECT_EQ(g_vfork_child_ppid, ::getpid());
}

PROCSIG_TEST(Vfork, ChildExitSignalsParent, "VFORK.SIGCHLD", "XSH vfork (POSIX.1-2001)",
             "a vfork() child's exit sends SIGCHLD to the parent and is reaped by waitpid() as "
             "a fork() child's is") {
  ScopedSignalMask mask(SIG_BLOCK, ScopedSignalMask::Only(SIGCHLD));
  ASSERT_TRUE(mask.ok());
  const pid_t pid = ::vfork();
  if (pid == 0) {
    ::_exit(5);
  }
  ASSERT_THAT(pid, SyscallSucceeds());
  ScopedChild child(pid);
  const sigset_t set = ScopedSignalMask::Only(SIGCHLD);
  struct timespec limit {
    10, 0
  };
  siginfo_t info{};
  ASSERT_THAT(::sigtimedwait(&set, &info, &limit), SyscallSucceedsWithValue(SIGCHLD));
  EXPECT_EQ(info.si_pid, pid);
  EXPECT_EQ(info.si_code, CLD_EXITED);
  EXPECT_EQ(info.si_status, 5);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(5));
}

}  // namespace
}  // namespace procsig::test
