// Process file descriptors: pidfd_open(), polling and waiting through one,
// and pidfd_send_signal(). Linux only, called as raw system calls (older C
// libraries have no wrappers). Each test first asks whether the running
// kernel has the call, and reports "not supported" (a skip with that
// reason) where it does not, so older kernels are characterised rather than
// failed.
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "child_check.h"
#include "process_helpers.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

namespace procsig::test {
namespace {

constexpr unsigned kPidfdNonblock = O_NONBLOCK;  // PIDFD_NONBLOCK

long PidfdOpen(pid_t pid, unsigned flags = 0) { return ::syscall(SYS_pidfd_open, pid, flags); }

long PidfdSendSignal(int fd, int sig, siginfo_t* info = nullptr, unsigned flags = 0) {
  return ::syscall(SYS_pidfd_send_signal, fd, sig, info, flags);
}

bool HasPidfdOpen() {
  const long fd = PidfdOpen(::getpid());
  if (fd >= 0) {
    ::close(static_cast<int>(fd));
    return true;
  }
  return errno != ENOSYS;
}

// A pidfd of the test process itself, closed again: tells whether the call
// exists without touching any child.
bool HasPidfdSendSignal() {
  UniqueFd self(static_cast<int>(PidfdOpen(::getpid())));
  return self && !(PidfdSendSignal(self.get(), 0) < 0 && errno == ENOSYS);
}

#define SKIP_WITHOUT_PIDFD_OPEN()                                                            \
  if (!HasPidfdOpen()) {                                                                     \
    GTEST_SKIP()                                                                             \
        << "not supported: pidfd_open() is ENOSYS (Linux < 5.3, or an emulator without it)"; \
  }
#define SKIP_WITHOUT_PIDFD_SEND_SIGNAL()                                                         \
  SKIP_WITHOUT_PIDFD_OPEN();                                                                     \
  if (!HasPidfdSendSignal()) {                                                                   \
    GTEST_SKIP() << "not supported: pidfd_send_signal() is ENOSYS (Linux < 5.1, or an emulator " \
                    "without it)";                                                               \
  }

UniqueFd OpenPidfd(pid_t pid, unsigned flags = 0) {
  const long fd = PidfdOpen(pid, flags);
  return UniqueFd(fd < 0 ? -1 : static_cast<int>(fd));
}

PROCSIG_TEST(Pidfd, OpenCloexec, "PIDFD.OPEN_CLOEXEC", "Linux pidfd_open(2)",
             "pidfd_open() returns a descriptor with FD_CLOEXEC set") {
  SKIP_WITHOUT_PIDFD_OPEN();
  Checkpoint release;
  ScopedChild child = ForkHeldChild(release, 0);
  ASSERT_TRUE(child);
  UniqueFd fd = OpenPidfd(child.pid());
  ASSERT_TRUE(fd) << DescribeErrno(errno);
  EXPECT_THAT(::fcntl(fd.get(), F_GETFD), SyscallSucceedsWithValue(FD_CLOEXEC));
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Pidfd, OpenReapedEsrch, "PIDFD.OPEN_ESRCH", "Linux pidfd_open(2)",
             "pidfd_open() of a process that has been reaped fails with ESRCH") {
  SKIP_WITHOUT_PIDFD_OPEN();
  ScopedChild child = ForkChild([] { return 0; });
  ASSERT_TRUE(child);
  const pid_t pid = child.pid();
  ASSERT_THAT(WaitForExit(child), ExitedWithStatus(0));
  EXPECT_THAT(PidfdOpen(pid), SyscallFailsWithErrno(ESRCH));
}

PROCSIG_TEST(Pidfd, OpenBadFlags, "PIDFD.OPEN_EINVAL_FLAGS", "Linux pidfd_open(2)",
             "pidfd_open() with an unknown flag fails with EINVAL") {
  SKIP_WITHOUT_PIDFD_OPEN();
  EXPECT_THAT(PidfdOpen(::getpid(), 1), SyscallFailsWithErrno(EINVAL));
}

PROCSIG_TEST(Pidfd, OpenBadPid, "PIDFD.OPEN_EINVAL_PID", "Linux pidfd_open(2)",
             "pidfd_open() of pid 0 or a negative pid fails with EINVAL") {
  SKIP_WITHOUT_PIDFD_OPEN();
  EXPECT_THAT(PidfdOpen(0), SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(PidfdOpen(-1), SyscallFailsWithErrno(EINVAL));
}

PROCSIG_TEST(Pidfd, PollinOnExit, "PIDFD.POLLIN_ON_EXIT", "Linux pidfd_open(2)",
             "a pidfd is not readable while its process runs and polls POLLIN once it has "
             "ended") {
  SKIP_WITHOUT_PIDFD_OPEN();
  Checkpoint release;
  ScopedChild child = ForkHeldChild(release, 0);
  ASSERT_TRUE(child);
  UniqueFd fd = OpenPidfd(child.pid());
  ASSERT_TRUE(fd);
  struct pollfd pfd {};
  pfd.fd = fd.get();
  pfd.events = POLLIN;
  EXPECT_THAT(::poll(&pfd, 1, 0), SyscallSucceedsWithValue(0)) << "readable while running";
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(::poll(&pfd, 1, MillisecondsLeft(DeadlineIn())), SyscallSucceedsWithValue(1));
  EXPECT_NE(pfd.revents & POLLIN, 0);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

// waitid(P_PIDFD) exists from Linux 5.4; EINVAL before.
bool HasWaitidPidfd(int fd) {
  siginfo_t info{};
  return !(::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(fd), &info,
                    WEXITED | WNOHANG | WNOWAIT) < 0 &&
           errno == EINVAL);
}

PROCSIG_TEST(Pidfd, WaitidByPidfd, "PIDFD.WAITID_P_PIDFD", "Linux waitid(2)",
             "waitid(P_PIDFD, fd) reaps the process the pidfd refers to, with its pid and "
             "status") {
  SKIP_WITHOUT_PIDFD_OPEN();
  Checkpoint release;
  ScopedChild child = ForkHeldChild(release, 6);
  ASSERT_TRUE(child);
  UniqueFd fd = OpenPidfd(child.pid());
  ASSERT_TRUE(fd);
  if (!HasWaitidPidfd(fd.get())) {
    GTEST_SKIP()
        << "not supported: waitid(P_PIDFD) is EINVAL (Linux < 5.4, or an emulator without it)";
  }
  ASSERT_TRUE(release.Wake());
  siginfo_t info{};
  ASSERT_THAT(::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(fd.get()), &info, WEXITED),
              SyscallSucceeds());
  const pid_t pid = child.MarkReaped();
  EXPECT_EQ(info.si_pid, pid);
  EXPECT_EQ(info.si_code, CLD_EXITED);
  EXPECT_EQ(info.si_status, 6);
}

PROCSIG_TEST(Pidfd, NonblockEagain, "PIDFD.NONBLOCK_EAGAIN", "Linux pidfd_open(2)",
             "waitid(P_PIDFD) on a PIDFD_NONBLOCK pidfd of a running child fails with EAGAIN "
             "instead of blocking") {
  SKIP_WITHOUT_PIDFD_OPEN();
  Checkpoint release;
  ScopedChild child = ForkHeldChild(release, 0);
  ASSERT_TRUE(child);
  UniqueFd fd = OpenPidfd(child.pid(), kPidfdNonblock);
  if (!fd && errno == EINVAL) {
    GTEST_SKIP()
        << "not supported: PIDFD_NONBLOCK is EINVAL (Linux < 5.10, or an emulator without it)";
  }
  ASSERT_TRUE(fd) << DescribeErrno(errno);
  if (!HasWaitidPidfd(fd.get())) {
    GTEST_SKIP()
        << "not supported: waitid(P_PIDFD) is EINVAL (Linux < 5.4, or an emulator without it)";
  }
  siginfo_t info{};
  EXPECT_THAT(::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(fd.get()), &info, WEXITED),
              SyscallFailsWithErrno(EAGAIN));
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Pidfd, WaitidNotChild, "PIDFD.WAITID_NOT_CHILD", "Linux waitid(2)",
             "waitid(P_PIDFD) with a pidfd of a process that is not a child (the caller "
             "itself) fails with ECHILD") {
  SKIP_WITHOUT_PIDFD_OPEN();
  UniqueFd fd = OpenPidfd(::getpid());
  ASSERT_TRUE(fd);
  if (!HasWaitidPidfd(fd.get())) {
    GTEST_SKIP()
        << "not supported: waitid(P_PIDFD) is EINVAL (Linux < 5.4, or an emulator without it)";
  }
  siginfo_t info{};
  EXPECT_THAT(::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(fd.get()), &info,
                       WEXITED | WNOHANG),
              SyscallFailsWithErrno(ECHILD));
}

// A child that blocks SIGUSR1 and waits for it, reporting what arrived:
// writes si_code, si_pid and si_value to `out`.
struct Received {
  int code;
  pid_t pid;
  int value;
};

ScopedChild ForkSignalReceiver(Checkpoint& ready, const Pipe& out) {
  return ForkChild([&] {
    const sigset_t set = ScopedSignalMask::Only(SIGUSR1);
    if (::sigprocmask(SIG_BLOCK, &set, nullptr) != 0 || !ready.Wake()) {
      return 2;
    }
    struct timespec limit {
      10, 0
    };
    siginfo_t info{};
    if (::sigtimedwait(&set, &info, &limit) != SIGUSR1) {
      return 3;
    }
    const Received got{info.si_code, info.si_pid, info.si_value.sival_int};
    return WriteAll(out.write_end.get(), &got, sizeof got) ? 0 : 4;
  });
}

// Forks a signal receiver, opens a pidfd for it, runs send(fd) once it
// waits, and stores in *got what it received; the receiver must then exit
// 0. Called through ASSERT_NO_FATAL_FAILURE.
template <typename Send>
void SendThroughPidfd(Send send, Received* got) {
  Checkpoint ready;
  Pipe out;
  ASSERT_TRUE(out.ok());
  ScopedChild child = ForkSignalReceiver(ready, out);
  ASSERT_TRUE(child);
  UniqueFd fd = OpenPidfd(child.pid());
  ASSERT_TRUE(fd);
  ASSERT_TRUE(ready.Wait());
  ASSERT_THAT(send(fd.get()), SyscallSucceeds());
  ASSERT_TRUE(ReadExact(out.read_end.get(), got, sizeof *got));
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Pidfd, SendSignalDelivers, "PIDFD.SEND_SIGNAL", "Linux pidfd_send_signal(2)",
             "pidfd_send_signal(fd, SIGUSR1, NULL) delivers SIGUSR1 as kill() would: si_code "
             "SI_USER and the sender's pid") {
  SKIP_WITHOUT_PIDFD_SEND_SIGNAL();
  Received got{};
  ASSERT_NO_FATAL_FAILURE(
      SendThroughPidfd([](int fd) { return PidfdSendSignal(fd, SIGUSR1); }, &got));
  EXPECT_EQ(got.code, SI_USER);
  EXPECT_EQ(got.pid, ::getpid());
}

PROCSIG_TEST(Pidfd, SendSignalInfo, "PIDFD.SEND_SIGNAL_INFO", "Linux pidfd_send_signal(2)",
             "pidfd_send_signal() with a siginfo (SI_QUEUE, a value) delivers that siginfo, "
             "as rt_sigqueueinfo() does") {
  SKIP_WITHOUT_PIDFD_SEND_SIGNAL();
  siginfo_t info{};
  info.si_signo = SIGUSR1;
  info.si_code = SI_QUEUE;
  info.si_pid = ::getpid();
  info.si_uid = ::getuid();
  info.si_value.sival_int = 1234;
  Received got{};
  ASSERT_NO_FATAL_FAILURE(
      SendThroughPidfd([&info](int fd) { return PidfdSendSignal(fd, SIGUSR1, &info); }, &got));
  EXPECT_EQ(got.code, SI_QUEUE);
  EXPECT_EQ(got.value, 1234);
  EXPECT_EQ(got.pid, ::getpid());
}

PROCSIG_TEST(Pidfd, SendSignalBadFlags, "PIDFD.SEND_SIGNAL_EINVAL_FLAGS",
             "Linux pidfd_send_signal(2)",
             "pidfd_send_signal() with unknown flags fails with EINVAL") {
  SKIP_WITHOUT_PIDFD_SEND_SIGNAL();
  UniqueFd fd = OpenPidfd(::getpid());
  ASSERT_TRUE(fd);
  EXPECT_THAT(PidfdSendSignal(fd.get(), 0, nullptr, 0x100), SyscallFailsWithErrno(EINVAL));
}

PROCSIG_TEST(Pidfd, SendSignalBadSignal, "PIDFD.SEND_SIGNAL_EINVAL_SIG",
             "Linux pidfd_send_signal(2)",
             "pidfd_send_signal() with a signal number out of range, or a siginfo whose si_signo "
             "differs from sig, fails with EINVAL") {
  SKIP_WITHOUT_PIDFD_SEND_SIGNAL();
  UniqueFd fd = OpenPidfd(::getpid());
  ASSERT_TRUE(fd);
  EXPECT_THAT(PidfdSendSignal(fd.get(), 65), SyscallFailsWithErrno(EINVAL));
  siginfo_t info{};
  info.si_signo = SIGUSR2;
  info.si_code = SI_QUEUE;
  EXPECT_THAT(PidfdSendSignal(fd.get(), SIGUSR1, &info), SyscallFailsWithErrno(EINVAL));
}

PROCSIG_TEST(Pidfd, SendSignalClosedFd, "PIDFD.SEND_SIGNAL_EBADF", "Linux pidfd_send_signal(2)",
             "pidfd_send_signal() on a descriptor that is not open, or is not a pidfd (a pipe), "
             "fails with EBADF") {
  SKIP_WITHOUT_PIDFD_SEND_SIGNAL();
  int closed;
  {
    Pipe pipe;
    ASSERT_TRUE(pipe.ok());
    closed = pipe.read_end.get();
  }
  EXPECT_THAT(PidfdSendSignal(closed, 0), SyscallFailsWithErrno(EBADF));
  Pipe pipe;
  ASSERT_TRUE(pipe.ok());
  EXPECT_THAT(PidfdSendSignal(pipe.read_end.get(), 0), SyscallFailsWithErrno(EBADF));
}

PROCSIG_TEST(Pidfd, SendSignalForgedCode, "PIDFD.SEND_SIGNAL_EPERM_CODE",
             "Linux pidfd_send_signal(2)",
             "pidfd_send_signal() to another process with a siginfo claiming a kernel si_code "
             "(SI_USER or above) fails with EPERM, as rt_sigqueueinfo() does") {
  SKIP_WITHOUT_PIDFD_SEND_SIGNAL();
  Checkpoint release;
  ScopedChild child = ForkHeldChild(release, 0);
  ASSERT_TRUE(child);
  UniqueFd fd = OpenPidfd(child.pid());
  ASSERT_TRUE(fd);
  siginfo_t info{};
  info.si_signo = SIGUSR1;
  info.si_code = SI_USER;
  EXPECT_THAT(PidfdSendSignal(fd.get(), SIGUSR1, &info), SyscallFailsWithErrno(EPERM));
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Pidfd, SendSignalNoPermission, "PIDFD.SEND_SIGNAL_EPERM", "Linux pidfd_send_signal(2)",
             "an unprivileged process's pidfd_send_signal() to another user's process fails "
             "with EPERM") {
  SKIP_WITHOUT_PIDFD_SEND_SIGNAL();
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root: the target must belong to another user";
  }
  UniqueFd fd = OpenPidfd(::getpid());  // a root process
  ASSERT_TRUE(fd);
  ChildReport report;
  const int pidfd = fd.get();
  auto child = ForkChild([&] {
    CHILD_CHECK(report, DropRootPrivileges());
    CHILD_CHECK(report, PidfdSendSignal(pidfd, 0) < 0 && errno == EPERM);
    return 0;
  });
  ASSERT_TRUE(child);
  EXPECT_TRUE(ChildSucceeded(child, report));
}

PROCSIG_TEST(Pidfd, SendSignalAfterReap, "PIDFD.SEND_SIGNAL_ESRCH", "Linux pidfd_send_signal(2)",
             "pidfd_send_signal() through a pidfd whose process has been reaped fails with "
             "ESRCH") {
  SKIP_WITHOUT_PIDFD_SEND_SIGNAL();
  ScopedChild child = ForkChild([] { return 0; });
  ASSERT_TRUE(child);
  UniqueFd fd = OpenPidfd(child.pid());
  ASSERT_TRUE(fd);
  ASSERT_THAT(WaitForExit(child), ExitedWithStatus(0));
  EXPECT_THAT(PidfdSendSignal(fd.get(), SIGKILL), SyscallFailsWithErrno(ESRCH));
}

// In a new pid namespace, whose init (pid 1) this child becomes: open a
// pidfd of pid 2, reap it, make the kernel hand out pid 2 again (write 1 to
// ns_last_pid) and check that the old pidfd does not reach the new process.
// Exit 77: the namespace or ns_last_pid could not be had.
constexpr int kNoNamespace = 77;

int RecycledPidInNamespace(const ChildReport& report) {
  const pid_t first = ::fork();
  if (first == 0) {
    ::_exit(0);
  }
  CHILD_CHECK(report, first > 0);
  const long fd = PidfdOpen(first);
  CHILD_CHECK(report, fd >= 0);
  CHILD_CHECK(report, ::waitpid(first, nullptr, 0) == first);
  const int last_pid = ::open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
  if (last_pid < 0) {
    return kNoNamespace;
  }
  char text[16];
  int len = 0;
  for (int n = first - 1; len == 0 || n > 0; n /= 10) {
    text[len++] = static_cast<char>('0' + n % 10);
  }
  for (int i = 0; i < len / 2; ++i) {
    const char c = text[i];
    text[i] = text[len - 1 - i];
    text[len - 1 - i] = c;
  }
  if (::write(last_pid, text, static_cast<size_t>(len)) != len) {
    return kNoNamespace;
  }
  ::close(last_pid);
  Pipe hold;
  CHILD_CHECK(report, hold.ok());
  const pid_t second = ::fork();
  if (second == 0) {
    hold.write_end.reset();
    char byte;
    ::_exit(::read(hold.read_end.get(), &byte, 1) == 0 ? 0 : 1);
  }
  CHILD_CHECK(report, second > 0);
  if (second != first) {
    ::kill(second, SIGKILL);
    ::waitpid(second, nullptr, 0);
    return kNoNamespace;
  }
  CHILD_CHECK(report, PidfdSendSignal(static_cast<int>(fd), SIGKILL) < 0 && errno == ESRCH);
  hold.write_end.reset();
  int status = 0;
  CHILD_CHECK(report, ::waitpid(second, &status, 0) == second);
  CHILD_CHECK(report, WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return 0;
}

PROCSIG_TEST(Pidfd, NeverSignalsRecycledPid, "PIDFD.NO_RECYCLED_PID", "Linux pidfd_send_signal(2)",
             "a pidfd of a reaped process does not signal a new process that got the same pid "
             "(ESRCH, and the new process lives on)") {
  SKIP_WITHOUT_PIDFD_SEND_SIGNAL();
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root, for a pid namespace of its own";
  }
  ChildReport report;
  auto child = ForkChild([&] {
    if (::unshare(CLONE_NEWPID) != 0) {
      return kNoNamespace;
    }
    const pid_t init = ::fork();  // pid 1 of the new namespace
    if (init == 0) {
      ::_exit(RecycledPidInNamespace(report));
    }
    int status = 0;
    if (init < 0 || ::waitpid(init, &status, 0) != init) {
      return 1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  });
  ASSERT_TRUE(child);
  const int status = WaitForExit(child);
  if (WIFEXITED(status) && WEXITSTATUS(status) == kNoNamespace) {
    GTEST_SKIP() << "could not reuse a pid in a new pid namespace (unshare or ns_last_pid refused)";
  }
  const std::string failures = report.Failures();
  EXPECT_THAT(status, ExitedWithStatus(0)) << failures;
}

}  // namespace
}  // namespace procsig::test
