// fork(): what it returns, and what the child gets as a copy, shares, or
// does not inherit.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "helper_path.h"
#include "proc.h"
#include "process_helpers.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

// Exit codes children use to say which check failed (0 = all held).
constexpr int kOk = 0;
constexpr int kWrongValue = 1;
constexpr int kCallFailed = 2;
constexpr int kCheckpointFailed = 3;

// The chapter's example: a global and a local each changed before fork(),
// then differently in each process.
int g_chapter_gval = 10;

PROCSIG_TEST(Fork, ReturnsZeroInChild, "FORK.RETURNS_ZERO_IN_CHILD", "XSH fork",
             "fork() returns 0 in the child and the child's process ID in the parent") {
  Pipe pipe;
  ASSERT_TRUE(pipe.ok());
  const pid_t pid = ::fork();
  if (pid == 0) {
    const pid_t report[2] = {pid, ::getpid()};
    _exit(WriteAll(pipe.write_end.get(), report, sizeof report) ? kOk : kCallFailed);
  }
  ASSERT_THAT(pid, SyscallSucceeds());
  ScopedChild child(pid);
  pid_t report[2] = {-1, -1};
  ASSERT_TRUE(ReadExact(pipe.read_end.get(), report, sizeof report));
  EXPECT_EQ(report[0], 0) << "fork() returned non-zero in the child";
  EXPECT_EQ(report[1], pid) << "the parent's fork() result is not the child's getpid()";
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
}

PROCSIG_TEST(Fork, ChildHasNewPid, "FORK.CHILD_NEW_PID", "XSH fork",
             "the child's process ID differs from the parent's") {
  const pid_t parent = ::getpid();
  auto child = ForkChild([&] { return ::getpid() != parent ? kOk : kWrongValue; });
  ASSERT_TRUE(child);
  EXPECT_NE(child.pid(), parent);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
}

PROCSIG_TEST(Fork, ChildParentIsCaller, "FORK.CHILD_PPID", "XSH fork",
             "getppid() in the child returns the process ID of the process that forked it") {
  const pid_t parent = ::getpid();
  auto child = ForkChild([&] { return ::getppid() == parent ? kOk : kWrongValue; });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
}

PROCSIG_TEST(Fork, ChildInSameProcessGroup, "FORK.CHILD_SAME_PGRP", "XSH fork",
             "the child starts in the parent's process group and session") {
  const pid_t pgrp = ::getpgrp();
  const pid_t sid = ::getsid(0);
  auto child =
      ForkChild([&] { return ::getpgrp() == pgrp && ::getsid(0) == sid ? kOk : kWrongValue; });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
}

PROCSIG_TEST(Fork, FailsWithEagainAtProcessLimit, "FORK.EAGAIN_RLIMIT_NPROC", "XSH fork",
             "fork() fails with EAGAIN when the user's process limit (RLIMIT_NPROC) is reached") {
  // Root ignores RLIMIT_NPROC, so the check runs in a child that drops to an
  // unprivileged user first. That user has at least one process (the child
  // itself), so a limit of 1 is already reached.
  auto child = ForkChild([] {
    if (!DropRootPrivileges()) {
      return 10;
    }
    struct rlimit limit {};
    if (::getrlimit(RLIMIT_NPROC, &limit) != 0) {
      return 11;
    }
    limit.rlim_cur = 1;
    if (::setrlimit(RLIMIT_NPROC, &limit) != 0) {
      return 12;
    }
    errno = 0;
    const pid_t pid = ::fork();
    if (pid == 0) {
      _exit(0);
    }
    if (pid > 0) {
      ::waitpid(pid, nullptr, 0);
      return 13;  // the limit did not stop fork()
    }
    return errno == EAGAIN ? kOk : 14;
  });
  ASSERT_TRUE(child);
  const int status = WaitForExit(child);
  EXPECT_THAT(status, ExitedWithStatus(kOk))
      << "10 drop privileges failed, 11/12 get/setrlimit failed, 13 fork succeeded above the "
         "limit, 14 fork failed with another errno";
}

PROCSIG_TEST(Fork, ChapterGvalLval, "FORK.CHAPTER_GVAL_LVAL", "XSH fork",
             "the chapter's example: gval 10 and lval 20 become 13/27 in the child and 9/23 in "
             "the parent") {
  g_chapter_gval = 10;
  int lval = 20;
  g_chapter_gval++;
  lval += 5;
  Checkpoint child_done;
  Pipe pipe;
  ASSERT_TRUE(pipe.ok());
  auto child = ForkChild([&] {
    g_chapter_gval += 2;
    lval += 2;
    const int values[2] = {g_chapter_gval, lval};
    if (!WriteAll(pipe.write_end.get(), values, sizeof values)) {
      return kCallFailed;
    }
    return child_done.Wake() ? kOk : kCheckpointFailed;
  });
  ASSERT_TRUE(child);
  // The parent changes its copies only after the child changed its own.
  ASSERT_TRUE(child_done.Wait());
  g_chapter_gval -= 2;
  lval -= 2;
  int values[2] = {};
  ASSERT_TRUE(ReadExact(pipe.read_end.get(), values, sizeof values));
  EXPECT_EQ(values[0], 13) << "child gval";
  EXPECT_EQ(values[1], 27) << "child lval";
  EXPECT_EQ(g_chapter_gval, 9) << "parent gval";
  EXPECT_EQ(lval, 23) << "parent lval";
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
}

int g_global_value = 0;

PROCSIG_TEST(Fork, GlobalCopied, "FORK.GLOBAL_COPIED", "XSH fork",
             "the child gets a copy of global data: its writes are not seen by the parent") {
  g_global_value = 1;
  auto child = ForkChild([] {
    if (g_global_value != 1) {
      return kWrongValue;
    }
    g_global_value = 2;
    return kOk;
  });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
  EXPECT_EQ(g_global_value, 1);
}

PROCSIG_TEST(Fork, ParentWritesNotSeenByChild, "FORK.PARENT_WRITES_PRIVATE", "XSH fork",
             "a write by the parent after fork() is not seen by the child") {
  int value = 1;
  Checkpoint parent_wrote;
  auto child = ForkChild([&] {
    if (!parent_wrote.Wait()) {
      return kCheckpointFailed;
    }
    return value == 1 ? kOk : kWrongValue;
  });
  ASSERT_TRUE(child);
  value = 2;
  ASSERT_TRUE(parent_wrote.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
  EXPECT_EQ(value, 2);
}

PROCSIG_TEST(Fork, StackCopied, "FORK.LOCAL_COPIED", "XSH fork",
             "the child gets a copy of the caller's automatic variables") {
  volatile int local = 5;
  auto child = ForkChild([&] {
    if (local != 5) {
      return kWrongValue;
    }
    local = 6;
    return kOk;
  });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
  EXPECT_EQ(local, 5);
}

PROCSIG_TEST(Fork, HeapCopied, "FORK.HEAP_COPIED", "XSH fork",
             "the child gets a copy of heap memory: its writes are not seen by the parent") {
  auto heap = std::make_unique<char[]>(1 << 16);
  heap[0] = 'p';
  heap[(1 << 16) - 1] = 'q';
  auto child = ForkChild([&] {
    if (heap[0] != 'p' || heap[(1 << 16) - 1] != 'q') {
      return kWrongValue;
    }
    heap[0] = 'c';
    heap[(1 << 16) - 1] = 'c';
    return kOk;
  });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
  EXPECT_EQ(heap[0], 'p');
  EXPECT_EQ(heap[(1 << 16) - 1], 'q');
}

PROCSIG_TEST(Fork, SharedMappingShared, "FORK.MAP_SHARED_SHARED", "XSH fork",
             "a MAP_SHARED mapping is inherited and stays shared: the child's write is seen by "
             "the parent") {
  void* map = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(map, MAP_FAILED);
  auto* word = static_cast<volatile int*>(map);
  *word = 1;
  auto child = ForkChild([&] {
    *word = 2;
    return kOk;
  });
  EXPECT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
  EXPECT_EQ(*word, 2);
  ::munmap(map, 4096);
}

PROCSIG_TEST(Fork, PrivateMappingCopied, "FORK.MAP_PRIVATE_COPIED", "XSH fork",
             "a MAP_PRIVATE mapping is copied: the child's write is not seen by the parent") {
  void* map = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(map, MAP_FAILED);
  auto* word = static_cast<volatile int*>(map);
  *word = 1;
  auto child = ForkChild([&] {
    *word = 2;
    return kOk;
  });
  EXPECT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
  EXPECT_EQ(*word, 1);
  ::munmap(map, 4096);
}

// An unlinked temporary file, for offset checks (a pipe has no offset).
UniqueFd TempFile() {
  char path[] = "/tmp/procsig-fork-XXXXXX";
  UniqueFd fd(::mkostemp(path, O_CLOEXEC));
  if (fd) {
    ::unlink(path);
  }
  return fd;
}

PROCSIG_TEST(Fork, OffsetSharedChildToParent, "FORK.FD_OFFSET_SHARED", "XSH fork",
             "the child's descriptors refer to the same open file descriptions: a write in the "
             "child moves the parent's file offset") {
  UniqueFd file = TempFile();
  ASSERT_TRUE(file) << "mkostemp in /tmp failed";
  auto child = ForkChild([&] { return WriteAll(file.get(), "hello", 5) ? kOk : kCallFailed; });
  ASSERT_TRUE(child);
  ASSERT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
  EXPECT_THAT(::lseek(file.get(), 0, SEEK_CUR), SyscallSucceedsWithValue(5));
}

PROCSIG_TEST(Fork, OffsetSharedParentToChild, "FORK.FD_OFFSET_SHARED_BACK", "XSH fork",
             "an lseek() in the parent after fork() moves the offset the child sees") {
  UniqueFd file = TempFile();
  ASSERT_TRUE(file) << "mkostemp in /tmp failed";
  ASSERT_TRUE(WriteAll(file.get(), "0123456789", 10));
  Checkpoint moved;
  auto child = ForkChild([&] {
    if (!moved.Wait()) {
      return kCheckpointFailed;
    }
    return ::lseek(file.get(), 0, SEEK_CUR) == 3 ? kOk : kWrongValue;
  });
  ASSERT_TRUE(child);
  ASSERT_THAT(::lseek(file.get(), 3, SEEK_SET), SyscallSucceedsWithValue(3));
  ASSERT_TRUE(moved.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
}

PROCSIG_TEST(Fork, StatusFlagsShared, "FORK.FD_STATUS_FLAGS_SHARED", "XSH fork",
             "file status flags belong to the shared open file description: O_APPEND set by the "
             "child is seen by the parent") {
  UniqueFd file = TempFile();
  ASSERT_TRUE(file) << "mkostemp in /tmp failed";
  ASSERT_EQ(::fcntl(file.get(), F_GETFL) & O_APPEND, 0);
  auto child = ForkChild([&] {
    const int flags = ::fcntl(file.get(), F_GETFL);
    return flags >= 0 && ::fcntl(file.get(), F_SETFL, flags | O_APPEND) == 0 ? kOk : kCallFailed;
  });
  ASSERT_TRUE(child);
  ASSERT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
  EXPECT_NE(::fcntl(file.get(), F_GETFL) & O_APPEND, 0);
}

PROCSIG_TEST(Fork, AppendWritesFromBoth, "FORK.FD_APPEND_BOTH", "XSH fork",
             "writes by parent and child through inherited descriptors share one offset, so "
             "neither overwrites the other") {
  UniqueFd file = TempFile();
  ASSERT_TRUE(file) << "mkostemp in /tmp failed";
  Checkpoint child_wrote;
  auto child = ForkChild([&] {
    if (!WriteAll(file.get(), "child.", 6)) {
      return kCallFailed;
    }
    return child_wrote.Wake() ? kOk : kCheckpointFailed;
  });
  ASSERT_TRUE(child);
  ASSERT_TRUE(child_wrote.Wait());
  ASSERT_TRUE(WriteAll(file.get(), "parent.", 7));
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
  char buf[32] = {};
  ASSERT_THAT(::pread(file.get(), buf, sizeof buf, 0), SyscallSucceedsWithValue(13));
  EXPECT_STREQ(buf, "child.parent.");
}

PROCSIG_TEST(Fork, CloexecInherited, "FORK.FD_CLOEXEC_INHERITED", "XSH fork",
             "each descriptor's FD_CLOEXEC flag is inherited as it was in the parent") {
  Pipe with(O_CLOEXEC);
  Pipe without(0);
  ASSERT_TRUE(with.ok() && without.ok());
  auto child = ForkChild([&] {
    const int a = ::fcntl(with.read_end.get(), F_GETFD);
    const int b = ::fcntl(without.read_end.get(), F_GETFD);
    if (a < 0 || b < 0) {
      return kCallFailed;
    }
    return (a & FD_CLOEXEC) != 0 && (b & FD_CLOEXEC) == 0 ? kOk : kWrongValue;
  });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
}

PROCSIG_TEST(Fork, DescriptorFlagsPerProcess, "FORK.FD_FLAGS_PER_PROCESS", "XSH fork",
             "descriptor flags are per process: clearing FD_CLOEXEC in the child leaves the "
             "parent's set") {
  Pipe pipe(O_CLOEXEC);
  ASSERT_TRUE(pipe.ok());
  auto child =
      ForkChild([&] { return ::fcntl(pipe.read_end.get(), F_SETFD, 0) == 0 ? kOk : kCallFailed; });
  ASSERT_TRUE(child);
  ASSERT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
  EXPECT_NE(::fcntl(pipe.read_end.get(), F_GETFD) & FD_CLOEXEC, 0);
}

PROCSIG_TEST(Fork, CloseInChildKeepsParentDescriptor, "FORK.FD_CLOSE_IN_CHILD", "XSH fork",
             "closing an inherited descriptor in the child does not close the parent's: the "
             "pipe stays usable and reaches end of file only when both are closed") {
  Pipe pipe;
  ASSERT_TRUE(pipe.ok());
  auto child = ForkChild([&] { return ::close(pipe.write_end.get()) == 0 ? kOk : kCallFailed; });
  ASSERT_TRUE(child);
  ASSERT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
  ASSERT_TRUE(WriteAll(pipe.write_end.get(), "x", 1));
  pipe.write_end.reset();
  bool eof = false;
  EXPECT_EQ(ReadUntilEof(pipe.read_end.get(), &eof), "x");
  EXPECT_TRUE(eof);
}

// Consumes a pending, blocked signal so the test leaves none behind.
void ConsumePending(int sig) {
  const sigset_t set = ScopedSignalMask::Only(sig);
  const struct timespec zero {};
  while (::sigtimedwait(&set, nullptr, &zero) == sig) {
  }
}

PROCSIG_TEST(Fork, PendingThreadSignalNotInherited, "FORK.PENDING_SIGNALS_CLEARED", "XSH fork",
             "the child's set of pending signals is empty: a blocked signal raised before fork() "
             "is pending in the parent only") {
  ScopedSignalMask mask(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR1));
  ASSERT_TRUE(mask.ok());
  ASSERT_EQ(::raise(SIGUSR1), 0);
  Checkpoint looked;
  auto child = ForkChild([&] { return looked.Wait() ? kOk : kCheckpointFailed; });
  ASSERT_TRUE(child);
  const auto in_child = ReadProcStatus(child.pid());
  const auto in_parent = ReadProcStatus(::getpid());
  ASSERT_TRUE(looked.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
  ConsumePending(SIGUSR1);
  ASSERT_TRUE(in_child && in_parent) << "cannot read /proc/PID/status";
  EXPECT_EQ(in_child->pending & SignalBit(SIGUSR1), 0u) << "SigPnd in the child";
  EXPECT_EQ(in_child->shared_pending & SignalBit(SIGUSR1), 0u) << "ShdPnd in the child";
  EXPECT_NE((in_parent->pending | in_parent->shared_pending) & SignalBit(SIGUSR1), 0u)
      << "the parent lost its pending signal";
}

PROCSIG_TEST(Fork, PendingProcessSignalNotInherited, "FORK.PENDING_PROCESS_SIGNALS_CLEARED",
             "XSH fork",
             "a signal sent to the whole process with kill() and pending at fork() is not "
             "pending in the child (sigpending() in the child)") {
  ScopedSignalMask mask(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR2));
  ASSERT_TRUE(mask.ok());
  ASSERT_THAT(::kill(::getpid(), SIGUSR2), SyscallSucceeds());
  auto child = ForkChild([] {
    sigset_t pending;
    if (::sigpending(&pending) != 0) {
      return kCallFailed;
    }
    return sigismember(&pending, SIGUSR2) == 0 ? kOk : kWrongValue;
  });
  ASSERT_TRUE(child);
  sigset_t pending;
  ASSERT_THAT(::sigpending(&pending), SyscallSucceeds());
  EXPECT_EQ(sigismember(&pending, SIGUSR2), 1) << "the parent lost its pending signal";
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
  ConsumePending(SIGUSR2);
}

PROCSIG_TEST(Fork, AlarmNotInherited, "FORK.ALARM_CLEARED", "XSH fork",
             "alarms are cleared in the child: alarm(0) there returns 0 while the parent's alarm "
             "is still set") {
  ScopedAlarm alarm(100);
  auto child = ForkChild([] { return ::alarm(0) == 0 ? kOk : kWrongValue; });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
  const unsigned int left = ::alarm(0);
  EXPECT_GT(left, 0u) << "the parent's alarm was lost";
}

PROCSIG_TEST(Fork, IntervalTimerNotInherited, "FORK.ITIMER_CLEARED", "XSH fork",
             "ITIMER_REAL is not inherited: getitimer() in the child reports it disarmed") {
  ScopedRealTimer timer(100L * 1000 * 1000);
  ASSERT_TRUE(timer.ok());
  auto child = ForkChild([] {
    struct itimerval it {};
    if (::getitimer(ITIMER_REAL, &it) != 0) {
      return kCallFailed;
    }
    return it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0 ? kOk : kWrongValue;
  });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
}

volatile sig_atomic_t g_usr1_caught = 0;
void CountUsr1(int) { g_usr1_caught = g_usr1_caught + 1; }

PROCSIG_TEST(Fork, HandlerInherited, "FORK.HANDLERS_INHERITED", "XSH fork",
             "signal handlers are inherited: the child's disposition is the parent's handler and "
             "a signal there runs it") {
  ScopedSigaction action(SIGUSR1, CountUsr1);
  ASSERT_TRUE(action.ok());
  g_usr1_caught = 0;
  Checkpoint looked;
  auto child = ForkChild([&] {
    struct sigaction now {};
    if (::sigaction(SIGUSR1, nullptr, &now) != 0) {
      return kCallFailed;
    }
    if (now.sa_handler != CountUsr1) {
      return kWrongValue;
    }
    if (!looked.Wait()) {
      return kCheckpointFailed;
    }
    (void)::raise(SIGUSR1);
    return g_usr1_caught == 1 ? kOk : kWrongValue;
  });
  ASSERT_TRUE(child);
  const auto status = ReadProcStatus(child.pid());
  ASSERT_TRUE(looked.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
  ASSERT_TRUE(status) << "cannot read /proc/PID/status";
  EXPECT_NE(status->caught & SignalBit(SIGUSR1), 0u) << "SigCgt in the child";
}

PROCSIG_TEST(Fork, MaskInherited, "FORK.MASK_INHERITED", "XSH fork",
             "the signal mask is inherited: a signal blocked in the parent is blocked in the "
             "child") {
  ScopedSignalMask mask(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR2));
  ASSERT_TRUE(mask.ok());
  Checkpoint looked;
  auto child = ForkChild([&] {
    sigset_t now;
    if (::sigprocmask(SIG_SETMASK, nullptr, &now) != 0) {
      return kCallFailed;
    }
    if (sigismember(&now, SIGUSR2) != 1) {
      return kWrongValue;
    }
    return looked.Wait() ? kOk : kCheckpointFailed;
  });
  ASSERT_TRUE(child);
  const auto status = ReadProcStatus(child.pid());
  ASSERT_TRUE(looked.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
  ASSERT_TRUE(status) << "cannot read /proc/PID/status";
  EXPECT_NE(status->blocked & SignalBit(SIGUSR2), 0u) << "SigBlk in the child";
}

PROCSIG_TEST(Fork, IgnoredInherited, "FORK.SIG_IGN_INHERITED", "XSH fork",
             "SIG_IGN is inherited: a signal ignored in the parent is ignored by the child") {
  ScopedSigaction ignore(SIGUSR1, SIG_IGN);
  ASSERT_TRUE(ignore.ok());
  Checkpoint looked;
  auto child = ForkChild([&] {
    if (!looked.Wait()) {
      return kCheckpointFailed;
    }
    // With the default action this would terminate the child.
    (void)::raise(SIGUSR1);
    return kOk;
  });
  ASSERT_TRUE(child);
  const auto status = ReadProcStatus(child.pid());
  ASSERT_TRUE(looked.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kOk));
  ASSERT_TRUE(status) << "cannot read /proc/PID/status";
  EXPECT_NE(status->ignored & SignalBit(SIGUSR1), 0u) << "SigIgn in the child";
}

PROCSIG_CHARACTERISE(Fork, StdioBufferDuplicated, "FORK.STDIO_BUFFER_DUPLICATED", "XSH fork",
                     "unflushed stdio output is copied into the child: when both processes "
                     "exit() the buffered line is written by each") {
  Pipe out;
  ASSERT_TRUE(out.ok());
  const ExecArgs probe(HelperPath("procsig-exit-probe"), {"fork-exit"});
  auto child = ForkChild([&] {
    if (::dup2(out.write_end.get(), STDOUT_FILENO) < 0) {
      return 126;
    }
    probe.Exec();
    return 127;
  });
  ASSERT_TRUE(child);
  out.write_end.reset();
  bool eof = false;
  const std::string text = ReadUntilEof(out.read_end.get(), &eof);
  ASSERT_THAT(WaitForExit(child), ExitedWithStatus(0)) << probe.path();
  ASSERT_TRUE(eof);
  int count = 0;
  for (size_t at = text.find("buffered\n"); at != std::string::npos;
       at = text.find("buffered\n", at + 1)) {
    ++count;
  }
  RecordObserved("line written " + std::to_string(count) + " times");
  // Once (someone flushed before fork) or twice (copied buffer) are both
  // readings of POSIX; anything else lost or invented output.
  EXPECT_TRUE(count == 1 || count == 2) << "output: " << text;
}

}  // namespace
}  // namespace procsig::test
