// clone() and clone3() as raw system calls: exit signals and the wait
// options that select "clone" children (__WCLONE, __WALL), CLONE_PARENT,
// CLONE_VFORK, CLONE_CLEAR_SIGHAND, and the flag combinations the kernel
// refuses. Linux only; clauses name the Linux man pages.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <set>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "child_check.h"
#include "process_helpers.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

namespace procsig::test {
namespace {

// struct clone_args as of Linux 5.3 (CLONE_ARGS_SIZE_VER0, 64 bytes).
struct CloneArgs {
  std::uint64_t flags;
  std::uint64_t pidfd;
  std::uint64_t child_tid;
  std::uint64_t parent_tid;
  std::uint64_t exit_signal;
  std::uint64_t stack;
  std::uint64_t stack_size;
  std::uint64_t tls;
};

// clone() without a new stack: the child continues on a copy of the
// caller's, as after fork() (so no CLONE_VM here).
long RawClone(unsigned long flags) {
  return ::syscall(SYS_clone, flags, nullptr, nullptr, nullptr, nullptr);
}

long RawClone3(CloneArgs* args, size_t size = sizeof(CloneArgs)) {
  return ::syscall(SYS_clone3, args, size);
}

// A child created by clone: killed and reaped (with __WALL, which also finds
// children whose exit signal is not SIGCHLD) unless the test reaped it.
class CloneChild {
 public:
  explicit CloneChild(pid_t pid) : pid_(pid) {}
  ~CloneChild() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, nullptr, __WALL) < 0 && errno == EINTR) {
      }
    }
  }
  CloneChild(const CloneChild&) = delete;
  CloneChild& operator=(const CloneChild&) = delete;
  pid_t pid() const { return pid_; }
  void MarkReaped() { pid_ = -1; }

 private:
  pid_t pid_;
};

// Waits for a clone child to become a zombie without reaping it.
bool AwaitZombie(pid_t pid) {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT | __WALL) == 0 &&
         info.si_pid == pid;
}

// The errno of a clone() the kernel must refuse; -1 if it succeeded (the
// child is then reaped at once), -2 (with a failure) if the probe did not
// report. The call is made in a forked child, so a layer that gives up on it
// (valgrind 3.19 ends the whole process on a clone() it does not support)
// fails the row that asked, not every test after it.
int CloneErrno(unsigned long flags) {
  constexpr int kSucceeded = 99;
  constexpr int kErrnoBase = 100;  // exit status kErrnoBase + errno
  auto probe = ForkChild([flags] {
    const long pid = RawClone(flags);
    if (pid == 0) {
      ::_exit(0);
    }
    if (pid > 0) {
      ::waitpid(static_cast<pid_t>(pid), nullptr, __WALL);
      return kSucceeded;
    }
    return errno < 255 - kErrnoBase ? kErrnoBase + errno : 255;
  });
  if (!probe) {
    return -2;
  }
  const int status = WaitForExit(probe);
  if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == kSucceeded) {
    return -1;
  }
  if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) >= kErrnoBase &&
      WEXITSTATUS(status) < 255) {
    return WEXITSTATUS(status) - kErrnoBase;
  }
  ADD_FAILURE() << "the clone() probe ended " << DescribeWaitStatus(status);
  return -2;
}

int Clone3Errno(CloneArgs args, size_t size = sizeof(CloneArgs)) {
  const long pid = RawClone3(&args, size);
  if (pid == 0) {
    ::_exit(0);
  }
  if (pid > 0) {
    ::waitpid(static_cast<pid_t>(pid), nullptr, __WALL);
    return -1;
  }
  return errno;
}

bool Clone3Supported() {
  CloneArgs args{};
  args.exit_signal = 65;  // refused with EINVAL by a kernel that has clone3
  return RawClone3(&args) < 0 && errno != ENOSYS;
}

#define SKIP_WITHOUT_CLONE3()                                                                     \
  if (!Clone3Supported()) {                                                                       \
    GTEST_SKIP() << "not supported: clone3() is ENOSYS (Linux < 5.3, or an emulator without it)"; \
  }

sigset_t Set(int sig) { return ScopedSignalMask::Only(sig); }

bool TakeSignal(int sig, siginfo_t* info) {
  const sigset_t set = Set(sig);
  struct timespec limit {
    10, 0
  };
  return ::sigtimedwait(&set, info, &limit) == sig;
}

PROCSIG_TEST(Clone, SigchldChildLikeFork, "CLONE.SIGCHLD_LIKE_FORK", "Linux clone(2)",
             "clone(SIGCHLD) returns the child's pid, 0 in the child, and the child is waited "
             "for like a fork() child") {
  const long pid = RawClone(SIGCHLD);
  if (pid == 0) {
    ::_exit(7);
  }
  ASSERT_THAT(pid, SyscallSucceeds());
  ScopedChild child(static_cast<pid_t>(pid));
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(7));
}

// A handler that does nothing: the signal is caught, not acted on.
void IgnoreCaught(int /*sig*/) {}

PROCSIG_TEST(Clone, OtherExitSignalSent, "CLONE.EXIT_SIGNAL_SENT", "Linux clone(2)",
             "a child cloned with exit signal SIGUSR1 sends SIGUSR1, not SIGCHLD, to its parent "
             "when it ends") {
  // Caught while blocked, so that a SIGUSR1 left pending when the wait
  // fails (a platform whose sigtimedwait returns early) is delivered to a
  // handler as the mask is restored, not to SIGUSR1's default action, which
  // would end the whole binary before it reports this test's ID.
  ScopedSigaction caught(SIGUSR1, IgnoreCaught);
  ASSERT_TRUE(caught.ok());
  ScopedSignalMask mask(SIG_BLOCK, Set(SIGUSR1));
  ASSERT_TRUE(mask.ok());
  const long pid = RawClone(SIGUSR1);
  if (pid == 0) {
    ::_exit(0);
  }
  ASSERT_THAT(pid, SyscallSucceeds());
  CloneChild child(static_cast<pid_t>(pid));
  siginfo_t info{};
  ASSERT_TRUE(TakeSignal(SIGUSR1, &info)) << "no SIGUSR1 from the child's exit";
  EXPECT_EQ(info.si_pid, pid);
  EXPECT_EQ(info.si_code, CLD_EXITED);
  sigset_t pending;
  ASSERT_THAT(::sigpending(&pending), SyscallSucceeds());
  EXPECT_EQ(sigismember(&pending, SIGCHLD), 0) << "SIGCHLD pending as well";
}

PROCSIG_TEST(Clone, NonSigchldNeedsWclone, "CLONE.NO_SIGCHLD_NEEDS_WCLONE", "Linux wait(2)",
             "a child whose exit signal is not SIGCHLD is invisible to waitpid() without "
             "__WCLONE (ECHILD) and is reaped with it") {
  const long pid = RawClone(0);
  if (pid == 0) {
    ::_exit(4);
  }
  ASSERT_THAT(pid, SyscallSucceeds());
  CloneChild child(static_cast<pid_t>(pid));
  ASSERT_TRUE(AwaitZombie(child.pid()));
  int status = 0;
  EXPECT_THAT(::waitpid(child.pid(), &status, WNOHANG), SyscallFailsWithErrno(ECHILD));
  ASSERT_THAT(::waitpid(child.pid(), &status, __WCLONE), SyscallSucceedsWithValue(child.pid()));
  child.MarkReaped();
  EXPECT_THAT(status, ExitedWithStatus(4));
}

PROCSIG_TEST(Clone, ZeroExitSignalSendsNothing, "CLONE.ZERO_EXIT_SIGNAL", "Linux clone(2)",
             "a child cloned with exit signal 0 sends no signal when it ends") {
  ScopedSignalMask mask(SIG_BLOCK, Set(SIGCHLD));
  ASSERT_TRUE(mask.ok());
  const long pid = RawClone(0);
  if (pid == 0) {
    ::_exit(0);
  }
  ASSERT_THAT(pid, SyscallSucceeds());
  CloneChild child(static_cast<pid_t>(pid));
  ASSERT_TRUE(AwaitZombie(child.pid()));
  sigset_t pending;
  ASSERT_THAT(::sigpending(&pending), SyscallSucceeds());
  EXPECT_EQ(sigismember(&pending, SIGCHLD), 0);
}

PROCSIG_TEST(Clone, WcloneSkipsForkChildren, "CLONE.WCLONE_ONLY_CLONE_CHILDREN", "Linux wait(2)",
             "waitpid() with __WCLONE does not report a fork() child (exit signal SIGCHLD)") {
  ScopedChild zombie = ForkZombie(0);
  ASSERT_TRUE(zombie);
  EXPECT_THAT(::waitpid(zombie.pid(), nullptr, __WCLONE | WNOHANG), SyscallFailsWithErrno(ECHILD));
}

PROCSIG_TEST(Clone, WallReapsBoth, "CLONE.WALL", "Linux wait(2)",
             "waitpid(-1, __WALL) reaps both a fork() child and a child with no exit signal") {
  ScopedChild forked = ForkZombie(1);
  ASSERT_TRUE(forked);
  const long pid = RawClone(0);
  if (pid == 0) {
    ::_exit(2);
  }
  ASSERT_THAT(pid, SyscallSucceeds());
  CloneChild cloned(static_cast<pid_t>(pid));
  ASSERT_TRUE(AwaitZombie(cloned.pid()));
  const std::set<pid_t> expected{forked.pid(), cloned.pid()};
  std::set<pid_t> reaped;
  for (int i = 0; i < 2; ++i) {
    const pid_t got = ::waitpid(-1, nullptr, __WALL | WNOHANG);
    if (got == forked.pid()) {
      forked.MarkReaped();
    } else if (got == cloned.pid()) {
      cloned.MarkReaped();
    }
    reaped.insert(got);
  }
  EXPECT_EQ(reaped, expected);
}

struct HeldThread {
  Pipe release;
  Pipe started;  // the thread writes its tid here
};

void* HoldThread(void* arg) {
  auto* held = static_cast<HeldThread*>(arg);
  const auto tid = static_cast<pid_t>(::syscall(SYS_gettid));
  (void)WriteAll(held->started.write_end.get(), &tid, sizeof tid);
  char byte;
  (void)!::read(held->release.read_end.get(), &byte, 1);
  return nullptr;
}

PROCSIG_TEST(Clone, ThreadNotWaitable, "CLONE.THREAD_NOT_WAITABLE", "Linux wait(2)",
             "a thread of the calling process is not a child: waitpid(tid, __WALL) fails with "
             "ECHILD") {
  HeldThread held;
  ASSERT_TRUE(held.release.ok() && held.started.ok());
  pthread_t thread;
  ASSERT_EQ(::pthread_create(&thread, nullptr, HoldThread, &held), 0);
  // The thread is joined on every path, also when an expectation fails.
  struct Joiner {
    pthread_t thread;
    int fd;
    ~Joiner() {
      (void)!::write(fd, "x", 1);
      ::pthread_join(thread, nullptr);
    }
  } joiner{thread, held.release.write_end.get()};
  pid_t tid = 0;
  ASSERT_TRUE(ReadExact(held.started.read_end.get(), &tid, sizeof tid));
  EXPECT_THAT(::waitpid(tid, nullptr, __WALL | WNOHANG), SyscallFailsWithErrno(ECHILD));
}

PROCSIG_TEST(Clone, ParentFlagReparents, "CLONE.PARENT", "Linux clone(2)",
             "a CLONE_PARENT child is a child of the caller's parent: the caller's waitpid() "
             "fails with ECHILD and the grandparent reaps it") {
  Checkpoint release;
  Pipe pid_pipe;
  ASSERT_TRUE(pid_pipe.ok());
  ChildReport report;
  const pid_t test_pid = ::getpid();
  auto middle = ForkChild([&] {
    const long pid = RawClone(CLONE_PARENT | SIGCHLD);
    if (pid == 0) {
      if (!release.Wait()) {
        ::_exit(99);
      }
      ::_exit(::getppid() == test_pid ? 0 : 1);
    }
    CHILD_CHECK(report, pid > 0);
    const pid_t grandchild = static_cast<pid_t>(pid);
    CHILD_CHECK(report, WriteAll(pid_pipe.write_end.get(), &grandchild, sizeof grandchild));
    CHILD_CHECK(report, ::waitpid(grandchild, nullptr, WNOHANG | __WALL) < 0 && errno == ECHILD);
    return 0;
  });
  ASSERT_TRUE(middle);
  pid_pipe.write_end.reset();  // so a middle process that failed gives end of file
  pid_t grandchild = -1;
  const bool got_pid = ReadExact(pid_pipe.read_end.get(), &grandchild, sizeof grandchild);
  ScopedChild sibling(got_pid ? grandchild : -1);  // our child, reaped by us
  EXPECT_TRUE(ChildSucceeded(middle, report));
  ASSERT_TRUE(got_pid) << "the middle process reported no grandchild";
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(WaitForExit(sibling), ExitedWithStatus(0)) << "1: its getppid() is not the test";
}

volatile int g_clone_vfork_mark = 0;

int CloneVforkChild(void* /*arg*/) {
  for (int step = 1; step <= 100; ++step) {
    g_clone_vfork_mark = step;
    (void)::getppid();
  }
  return 6;
}

PROCSIG_TEST(Clone, VforkSuspendsCaller, "CLONE.VFORK", "Linux clone(2)",
             "clone(CLONE_VM | CLONE_VFORK) returns only after the child has ended, and the "
             "child's stores are in the caller's memory") {
  g_clone_vfork_mark = 0;
  alignas(16) static char stack[64 * 1024];
  const int pid =
      ::clone(CloneVforkChild, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, nullptr);
  ASSERT_THAT(pid, SyscallSucceeds());
  const int seen = g_clone_vfork_mark;
  ScopedChild child(pid);
  EXPECT_EQ(seen, 100);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(6));
}

PROCSIG_TEST(Clone, Clone3LikeFork, "CLONE.CLONE3_AS_FORK", "Linux clone(2)",
             "clone3() with exit_signal SIGCHLD and no flags behaves as fork(): 0 in the "
             "child, its pid in the parent, waited for as usual") {
  SKIP_WITHOUT_CLONE3();
  CloneArgs args{};
  args.exit_signal = SIGCHLD;
  const pid_t parent = ::getpid();
  const long pid = RawClone3(&args);
  if (pid == 0) {
    ::_exit(::getppid() == parent ? 9 : 1);
  }
  ASSERT_THAT(pid, SyscallSucceeds());
  ScopedChild child(static_cast<pid_t>(pid));
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(9));
}

PROCSIG_TEST(Clone, Clone3PidfdFlag, "CLONE.CLONE3_PIDFD", "Linux clone(2)",
             "clone3() with CLONE_PIDFD stores a close-on-exec pidfd that becomes readable "
             "when the child ends") {
  SKIP_WITHOUT_CLONE3();
  CloneArgs args{};
  int pidfd = -1;
  args.flags = CLONE_PIDFD;
  args.pidfd = reinterpret_cast<std::uintptr_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  const long pid = RawClone3(&args);
  if (pid == 0) {
    ::_exit(0);
  }
  ASSERT_THAT(pid, SyscallSucceeds());
  ScopedChild child(static_cast<pid_t>(pid));
  UniqueFd fd(pidfd);
  ASSERT_TRUE(fd) << "no pidfd stored";
  EXPECT_THAT(::fcntl(fd.get(), F_GETFD), SyscallSucceedsWithValue(FD_CLOEXEC));
  struct pollfd pfd {};
  pfd.fd = fd.get();
  pfd.events = POLLIN;
  EXPECT_THAT(::poll(&pfd, 1, 10000), SyscallSucceedsWithValue(1));
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Clone, ClearSighandKeepsIgnored, "CLONE.CLEAR_SIGHAND", "Linux clone(2)",
             "clone3(CLONE_CLEAR_SIGHAND) resets caught signals to SIG_DFL in the child but "
             "keeps SIG_IGN") {
  SKIP_WITHOUT_CLONE3();
  ScopedSigaction caught(SIGUSR1, IgnoreCaught);
  ScopedSigaction ignored(SIGUSR2, SIG_IGN);
  ASSERT_TRUE(caught.ok() && ignored.ok());
  CloneArgs args{};
  args.flags = CLONE_CLEAR_SIGHAND;
  args.exit_signal = SIGCHLD;
  ChildReport report;
  const long pid = RawClone3(&args);
  if (pid == 0) {
    struct sigaction usr1 {};
    struct sigaction usr2 {};
    const bool queried =
        ::sigaction(SIGUSR1, nullptr, &usr1) == 0 && ::sigaction(SIGUSR2, nullptr, &usr2) == 0;
    if (!queried) {
      report.Fail(__LINE__, "sigaction queries");
      ::_exit(1);
    }
    if (usr1.sa_handler != SIG_DFL) {
      report.Fail(__LINE__, "SIGUSR1 (caught in the parent) is SIG_DFL");
      ::_exit(1);
    }
    if (usr2.sa_handler != SIG_IGN) {
      report.Fail(__LINE__, "SIGUSR2 (ignored in the parent) is SIG_IGN");
      ::_exit(1);
    }
    ::_exit(0);
  }
  if (pid < 0 && errno == EINVAL) {
    GTEST_SKIP()
        << "not supported: CLONE_CLEAR_SIGHAND is EINVAL (Linux < 5.5, or an emulator without it)";
  }
  ASSERT_THAT(pid, SyscallSucceeds());
  ScopedChild child(static_cast<pid_t>(pid));
  EXPECT_TRUE(ChildSucceeded(child, report));
}

PROCSIG_TEST(Clone, ClearSighandWithSighand, "CLONE.CLEAR_SIGHAND_EINVAL", "Linux clone(2)",
             "clone3() refuses CLONE_CLEAR_SIGHAND together with CLONE_SIGHAND (EINVAL)") {
  SKIP_WITHOUT_CLONE3();
  CloneArgs args{};
  args.flags = CLONE_CLEAR_SIGHAND | CLONE_SIGHAND | CLONE_VM;
  args.exit_signal = SIGCHLD;
  EXPECT_EQ(Clone3Errno(args), EINVAL);
}

PROCSIG_TEST(Clone, ThreadWithoutSighand, "CLONE.EINVAL_THREAD_WITHOUT_SIGHAND", "Linux clone(2)",
             "clone() refuses CLONE_THREAD without CLONE_SIGHAND (EINVAL)") {
  EXPECT_EQ(CloneErrno(CLONE_THREAD), EINVAL);
}

PROCSIG_TEST(Clone, SighandWithoutVm, "CLONE.EINVAL_SIGHAND_WITHOUT_VM", "Linux clone(2)",
             "clone() refuses CLONE_SIGHAND without CLONE_VM (EINVAL)") {
  EXPECT_EQ(CloneErrno(CLONE_SIGHAND | SIGCHLD), EINVAL);
}

PROCSIG_TEST(Clone, NewnsWithFs, "CLONE.EINVAL_NEWNS_WITH_FS", "Linux clone(2)",
             "clone() refuses CLONE_NEWNS together with CLONE_FS (EINVAL)") {
  EXPECT_EQ(CloneErrno(CLONE_NEWNS | CLONE_FS | SIGCHLD), EINVAL);
}

PROCSIG_TEST(Clone, Clone3ParentWithExitSignal, "CLONE.CLONE3_PARENT_EXIT_SIGNAL_EINVAL",
             "Linux clone(2)",
             "clone3() refuses an exit_signal together with CLONE_PARENT (EINVAL)") {
  SKIP_WITHOUT_CLONE3();
  CloneArgs args{};
  args.flags = CLONE_PARENT;
  args.exit_signal = SIGCHLD;
  EXPECT_EQ(Clone3Errno(args), EINVAL);
}

PROCSIG_TEST(Clone, Clone3SmallSize, "CLONE.CLONE3_SIZE_EINVAL", "Linux clone(2)",
             "clone3() refuses a size smaller than the first version of struct clone_args "
             "(EINVAL)") {
  SKIP_WITHOUT_CLONE3();
  CloneArgs args{};
  args.exit_signal = SIGCHLD;
  EXPECT_EQ(Clone3Errno(args, 8), EINVAL);
}

PROCSIG_TEST(Clone, Clone3BadExitSignal, "CLONE.CLONE3_EXIT_SIGNAL_EINVAL", "Linux clone(2)",
             "clone3() refuses an exit_signal that is not a signal number (EINVAL)") {
  SKIP_WITHOUT_CLONE3();
  CloneArgs args{};
  args.exit_signal = 65;
  EXPECT_EQ(Clone3Errno(args), EINVAL);
}

}  // namespace
}  // namespace procsig::test
