// signalfd: reading siginfo, the mask per descriptor, SFD_CLOEXEC and
// SFD_NONBLOCK, poll(), the sigqueue payload, and SIGKILL still killing.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "child_check.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

UniqueFd OpenSignalfd(int sig, int flags = SFD_CLOEXEC | SFD_NONBLOCK) {
  const sigset_t set = ScopedSignalMask::Only(sig);
  return UniqueFd(::signalfd(-1, &set, flags));
}

PROCSIG_TEST(SignalFd, ReadsSiginfo, "SIGNALFD.READ_SIGINFO",
             "XSH 2.4.1 Signal Generation and Delivery",
             "(Linux signalfd) reading a signalfd takes a pending blocked signal of its mask, with "
             "ssi_signo, "
             "ssi_code SI_USER, ssi_pid and ssi_uid; the signal is no longer pending") {
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR1));
  UniqueFd fd = OpenSignalfd(SIGUSR1);
  ASSERT_TRUE(fd) << DescribeErrno(errno);
  ASSERT_THAT(::kill(::getpid(), SIGUSR1), SyscallSucceeds());
  signalfd_siginfo info{};
  ASSERT_THAT(::read(fd.get(), &info, sizeof info),
              SyscallSucceedsWithValue(static_cast<ssize_t>(sizeof info)));
  EXPECT_EQ(info.ssi_signo, static_cast<uint32_t>(SIGUSR1));
  EXPECT_EQ(info.ssi_code, SI_USER);
  EXPECT_EQ(info.ssi_pid, static_cast<uint32_t>(::getpid()));
  EXPECT_EQ(info.ssi_uid, static_cast<uint32_t>(::getuid()));
  sigset_t pending;
  ASSERT_THAT(::sigpending(&pending), SyscallSucceeds());
  EXPECT_EQ(sigismember(&pending, SIGUSR1), 0);
}

PROCSIG_TEST(SignalFd, SigqueuePayload, "SIGNALFD.SIGQUEUE_PAYLOAD",
             "XSH 2.4.1 Signal Generation and Delivery",
             "(Linux signalfd) a sigqueue() signal read from a signalfd carries ssi_code SI_QUEUE "
             "and the value in ssi_int; queued real-time signals are read one by one in order") {
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGRTMIN));
  UniqueFd fd = OpenSignalfd(SIGRTMIN);
  ASSERT_TRUE(fd) << DescribeErrno(errno);
  for (int i = 0; i < 2; ++i) {
    union sigval value {};
    value.sival_int = 500 + i;
    ASSERT_THAT(::sigqueue(::getpid(), SIGRTMIN, value), SyscallSucceeds());
  }
  for (int i = 0; i < 2; ++i) {
    signalfd_siginfo info{};
    ASSERT_THAT(::read(fd.get(), &info, sizeof info),
                SyscallSucceedsWithValue(static_cast<ssize_t>(sizeof info)));
    EXPECT_EQ(info.ssi_code, SI_QUEUE);
    EXPECT_EQ(info.ssi_int, 500 + i);
  }
}

PROCSIG_TEST(SignalFd, MaskPerDescriptor, "SIGNALFD.MASK_PER_FD",
             "XSH 2.4.1 Signal Generation and Delivery",
             "(Linux signalfd) a signalfd reads only the signals of its own mask: another "
             "pending signal stays pending, until signalfd() on the same descriptor replaces the "
             "mask") {
  sigset_t both = ScopedSignalMask::Only(SIGUSR1);
  sigaddset(&both, SIGUSR2);
  ScopedSignalMask blocked(SIG_BLOCK, both);
  UniqueFd fd = OpenSignalfd(SIGUSR1);
  ASSERT_TRUE(fd) << DescribeErrno(errno);
  ASSERT_THAT(::kill(::getpid(), SIGUSR2), SyscallSucceeds());
  signalfd_siginfo info{};
  EXPECT_THAT(::read(fd.get(), &info, sizeof info), SyscallFailsWithErrno(EAGAIN));
  sigset_t pending;
  ASSERT_THAT(::sigpending(&pending), SyscallSucceeds());
  EXPECT_EQ(sigismember(&pending, SIGUSR2), 1);
  const sigset_t usr2 = ScopedSignalMask::Only(SIGUSR2);
  ASSERT_THAT(::signalfd(fd.get(), &usr2, 0), SyscallSucceedsWithValue(fd.get()));
  ASSERT_THAT(::read(fd.get(), &info, sizeof info),
              SyscallSucceedsWithValue(static_cast<ssize_t>(sizeof info)));
  EXPECT_EQ(info.ssi_signo, static_cast<uint32_t>(SIGUSR2));
}

PROCSIG_TEST(SignalFd, Flags, "SIGNALFD.CLOEXEC_NONBLOCK",
             "XSH 2.4.1 Signal Generation and Delivery",
             "(Linux signalfd) SFD_CLOEXEC sets FD_CLOEXEC, SFD_NONBLOCK sets O_NONBLOCK and a "
             "read with nothing pending fails with EAGAIN; without them neither flag is set") {
  UniqueFd both = OpenSignalfd(SIGUSR1, SFD_CLOEXEC | SFD_NONBLOCK);
  ASSERT_TRUE(both) << DescribeErrno(errno);
  EXPECT_THAT(::fcntl(both.get(), F_GETFD), SyscallSucceedsWithValue(FD_CLOEXEC));
  EXPECT_THAT(::fcntl(both.get(), F_GETFL) & O_NONBLOCK, O_NONBLOCK);
  signalfd_siginfo info{};
  EXPECT_THAT(::read(both.get(), &info, sizeof info), SyscallFailsWithErrno(EAGAIN));
  UniqueFd plain = OpenSignalfd(SIGUSR1, 0);
  ASSERT_TRUE(plain) << DescribeErrno(errno);
  EXPECT_THAT(::fcntl(plain.get(), F_GETFD), SyscallSucceedsWithValue(0));
  EXPECT_EQ(::fcntl(plain.get(), F_GETFL) & O_NONBLOCK, 0);
  const sigset_t set = ScopedSignalMask::Only(SIGUSR1);
  EXPECT_THAT(::signalfd(-1, &set, 0x40000000), SyscallFailsWithErrno(EINVAL));
}

PROCSIG_TEST(SignalFd, Poll, "SIGNALFD.POLL", "XSH 2.4.1 Signal Generation and Delivery",
             "(Linux signalfd) poll() reports a signalfd readable exactly when a signal of its "
             "mask is pending") {
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR1));
  UniqueFd fd = OpenSignalfd(SIGUSR1);
  ASSERT_TRUE(fd) << DescribeErrno(errno);
  struct pollfd pfd {};
  pfd.fd = fd.get();
  pfd.events = POLLIN;
  EXPECT_THAT(::poll(&pfd, 1, 0), SyscallSucceedsWithValue(0));
  ASSERT_THAT(::kill(::getpid(), SIGUSR1), SyscallSucceeds());
  EXPECT_THAT(::poll(&pfd, 1, 10000), SyscallSucceedsWithValue(1));
  EXPECT_NE(pfd.revents & POLLIN, 0);
  signalfd_siginfo info{};
  ASSERT_THAT(::read(fd.get(), &info, sizeof info),
              SyscallSucceedsWithValue(static_cast<ssize_t>(sizeof info)));
  EXPECT_THAT(::poll(&pfd, 1, 0), SyscallSucceedsWithValue(0));
}

PROCSIG_TEST(SignalFd, SigkillStillKills, "SIGNALFD.SIGKILL_STILL_KILLS",
             "XSH 2.4.1 Signal Generation and Delivery",
             "(Linux signalfd) SIGKILL in a signalfd's mask is ignored: a process reading it is "
             "still killed by SIGKILL") {
  Checkpoint ready;
  ChildReport report;
  auto child = ForkChild([&ready, &report] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGKILL);
    sigaddset(&set, SIGUSR1);
    CHILD_CHECK(report, ::sigprocmask(SIG_BLOCK, &set, nullptr) == 0);
    const int fd = ::signalfd(-1, &set, 0);
    CHILD_CHECK(report, fd >= 0);
    CHILD_CHECK(report, ready.Wake());
    signalfd_siginfo info;
    (void)::read(fd, &info, sizeof info);
    return 0;
  });
  ASSERT_TRUE(child);
  ASSERT_TRUE(ready.Wait()) << report.Failures();
  ASSERT_THAT(::kill(child.pid(), SIGKILL), SyscallSucceeds());
  EXPECT_THAT(WaitForExit(child), KilledBySignal(SIGKILL));
}

}  // namespace
}  // namespace procsig::test
