// Waiting and exiting where threads are involved: _exit from a thread other
// than the first, the status reported once the first thread has ended
// before the group, children forked by a sibling thread (__WNOTHREAD), and
// the clone flag that hands the new pid to the parent.
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "proc.h"
#include "process_helpers.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

void* ExitSeven(void* /*arg*/) { ::_exit(7); }

PROCSIG_TEST(Exit, ThreadExitEndsProcess, "EXIT.THREAD_EXIT_ENDS_PROCESS", "XSH _exit",
             "_exit() called by a second thread ends the whole process with its status, while "
             "the first thread is still blocked") {
  Pipe never;
  ASSERT_TRUE(never.ok());
  auto child = ForkChild([&] {
    pthread_t thread;
    if (::pthread_create(&thread, nullptr, ExitSeven, nullptr) != 0) {
      return 2;
    }
    char byte;
    (void)!::read(never.read_end.get(), &byte, 1);  // only the thread's _exit ends this
    return 3;
  });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(7));
}

struct LateExit {
  int release_fd;
};

void* ExitGroupWhenReleased(void* arg) {
  char byte;
  (void)!::read(static_cast<LateExit*>(arg)->release_fd, &byte, 1);
  ::syscall(SYS_exit_group, 5);
  return nullptr;
}

PROCSIG_TEST(Exit, GroupStatusAfterLeaderExit, "EXIT.GROUP_STATUS_AFTER_LEADER_EXIT",
             "Linux exit_group(2)",
             "when the first thread ends alone (exit(2) with 3) and another thread later ends "
             "the group with 5, waitid(WNOWAIT) and waitpid() report 5") {
  Pipe release;
  ASSERT_TRUE(release.ok());
  LateExit late{release.read_end.get()};
  auto child = ForkChild([&] {
    pthread_t thread;
    if (::pthread_create(&thread, nullptr, ExitGroupWhenReleased, &late) != 0) {
      return 2;
    }
    ::syscall(SYS_exit, 3);  // this thread only
    return 4;
  });
  ASSERT_TRUE(child);
  // The first thread is a zombie while the group lives on; only to order the
  // release after it, the verdict is the status.
  ASSERT_TRUE(WaitForProcState(child.pid(), 'Z'));
  ASSERT_THAT(::write(release.write_end.get(), "x", 1), SyscallSucceedsWithValue(1));
  const std::optional<siginfo_t> info = AwaitChild(child.pid(), WEXITED);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->si_code, CLD_EXITED);
  EXPECT_EQ(info->si_status, 5);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(5));
}

struct SiblingFork {
  pid_t child = -1;
  int hold_fd = -1;  // the thread lives until this pipe is written
  int ready_fd = -1;
};

void* ForkZombieAndHold(void* arg) {
  auto* job = static_cast<SiblingFork*>(arg);
  job->child = ::fork();
  if (job->child == 0) {
    ::_exit(4);
  }
  char byte = 'r';
  (void)!::write(job->ready_fd, &byte, 1);
  (void)!::read(job->hold_fd, &byte, 1);
  return nullptr;
}

PROCSIG_TEST(Clone, SiblingThreadChild, "CLONE.WNOTHREAD", "Linux wait(2)",
             "a child forked by a sibling thread is the process's child: another thread sees it "
             "with waitpid(), but not with __WNOTHREAD (ECHILD)") {
  Pipe hold;
  Pipe ready;
  ASSERT_TRUE(hold.ok() && ready.ok());
  SiblingFork job;
  job.hold_fd = hold.read_end.get();
  job.ready_fd = ready.write_end.get();
  pthread_t thread;
  ASSERT_EQ(::pthread_create(&thread, nullptr, ForkZombieAndHold, &job), 0);
  char byte;
  const bool started = ReadExact(ready.read_end.get(), &byte, 1);
  ScopedChild child(job.child > 0 ? job.child : -1);
  if (started && child) {
    siginfo_t info{};  // ended, not reaped (not /proc's Z: see RUSAGE's helper)
    EXPECT_THAT(::waitid(P_PID, static_cast<id_t>(child.pid()), &info, WEXITED | WNOWAIT),
                SyscallSucceeds());
    EXPECT_THAT(::waitpid(child.pid(), nullptr, WNOHANG | __WNOTHREAD),
                SyscallFailsWithErrno(ECHILD));
    int status = 0;
    EXPECT_THAT(::waitpid(child.pid(), &status, WNOHANG), SyscallSucceedsWithValue(child.pid()));
    child.MarkReaped();
    EXPECT_THAT(status, ExitedWithStatus(4));
  }
  (void)!::write(hold.write_end.get(), "x", 1);
  ::pthread_join(thread, nullptr);
  EXPECT_TRUE(started && job.child > 0) << "the thread did not fork";
}

PROCSIG_TEST(Clone, ParentSettid, "CLONE.PARENT_SETTID", "Linux clone(2)",
             "clone(CLONE_PARENT_SETTID) stores the child's thread ID, its pid, where the parent "
             "asked") {
  pid_t stored = 0;
  const long pid =
      ::syscall(SYS_clone, CLONE_PARENT_SETTID | SIGCHLD, nullptr, &stored, nullptr, nullptr);
  if (pid == 0) {
    ::_exit(0);
  }
  ASSERT_THAT(pid, SyscallSucceeds());
  ScopedChild child(static_cast<pid_t>(pid));
  EXPECT_EQ(stored, pid);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Waitid, PidNotChild, "WAITID.P_PID_NOT_CHILD", "XSH waitid",
             "waitid(P_PID) for a process that exists but is not a child (the parent) fails with "
             "ECHILD") {
  siginfo_t info{};
  EXPECT_THAT(::waitid(P_PID, static_cast<id_t>(::getppid()), &info, WEXITED | WNOHANG),
              SyscallFailsWithErrno(ECHILD));
}

PROCSIG_TEST(Waitpid, OwnGroupStopped, "WAITPID.ZERO_WUNTRACED", "XSH waitpid",
             "waitpid(0, WUNTRACED) reports a stopped child of the caller's process group") {
  Checkpoint release;
  ScopedChild child = ForkStoppingChild(release);
  ASSERT_TRUE(child);
  int status = 0;
  ASSERT_THAT(::waitpid(0, &status, WUNTRACED), SyscallSucceedsWithValue(child.pid()));
  EXPECT_THAT(status, StoppedBySignal(SIGSTOP));
  ASSERT_THAT(::kill(child.pid(), SIGCONT), SyscallSucceeds());
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Waitpid, OtherGroupStopped, "WAITPID.NEGATIVE_PGID_WUNTRACED", "XSH waitpid",
             "waitpid(-pgid, WUNTRACED) reports a stopped child of that process group") {
  Checkpoint release;
  Checkpoint grouped;
  auto child = ForkChild([&] {
    if (::setpgid(0, 0) != 0 || !grouped.Wake()) {
      return 2;
    }
    (void)::raise(SIGSTOP);
    return release.Wait() ? 0 : 99;
  });
  ASSERT_TRUE(child);
  ASSERT_TRUE(grouped.Wait());
  int status = 0;
  ASSERT_THAT(::waitpid(-child.pid(), &status, WUNTRACED), SyscallSucceedsWithValue(child.pid()));
  EXPECT_THAT(status, StoppedBySignal(SIGSTOP));
  ASSERT_THAT(::kill(child.pid(), SIGCONT), SyscallSucceeds());
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

}  // namespace
}  // namespace procsig::test
