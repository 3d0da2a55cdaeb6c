// The signal ABI as a program of this architecture sees it: the numbers of
// the standard signals, every real-time signal delivered under its own
// number, and the kernel's sigset of 64 bits. On an x86-64 kernel, the i386
// build reaches all of this through the compat system calls (which convert
// the 32-bit frame, siginfo and two-word sigsets); under qemu-user, through
// QEMU's translation of target signals to host ones.
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "assertion.h"
#include "child.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

// The kernel's sigset_t: _NSIG (64) bits on aarch64, riscv64, i386 and
// x86-64 (glibc's sigset_t is larger: 1024 bits).
constexpr size_t kKernelSigsetBytes = 8;

PROCSIG_TEST(ArchAbi, SignalNumbers, "ARCH.SIGNAL_NUMBERS", "XSH signal.h",
             "the standard signals have the numbers of Linux's common ABI (x86, arm64, "
             "riscv: SIGHUP 1 ... SIGSYS 31)") {
  const struct {
    int value;
    int number;
    const char* name;
  } kSignals[] = {
      {SIGHUP, 1, "SIGHUP"},        {SIGINT, 2, "SIGINT"},    {SIGQUIT, 3, "SIGQUIT"},
      {SIGILL, 4, "SIGILL"},        {SIGTRAP, 5, "SIGTRAP"},  {SIGABRT, 6, "SIGABRT"},
      {SIGBUS, 7, "SIGBUS"},        {SIGFPE, 8, "SIGFPE"},    {SIGKILL, 9, "SIGKILL"},
      {SIGUSR1, 10, "SIGUSR1"},     {SIGSEGV, 11, "SIGSEGV"}, {SIGUSR2, 12, "SIGUSR2"},
      {SIGPIPE, 13, "SIGPIPE"},     {SIGALRM, 14, "SIGALRM"}, {SIGTERM, 15, "SIGTERM"},
      {SIGCHLD, 17, "SIGCHLD"},     {SIGCONT, 18, "SIGCONT"}, {SIGSTOP, 19, "SIGSTOP"},
      {SIGTSTP, 20, "SIGTSTP"},     {SIGTTIN, 21, "SIGTTIN"}, {SIGTTOU, 22, "SIGTTOU"},
      {SIGURG, 23, "SIGURG"},       {SIGXCPU, 24, "SIGXCPU"}, {SIGXFSZ, 25, "SIGXFSZ"},
      {SIGVTALRM, 26, "SIGVTALRM"}, {SIGPROF, 27, "SIGPROF"}, {SIGWINCH, 28, "SIGWINCH"},
      {SIGIO, 29, "SIGIO"},         {SIGSYS, 31, "SIGSYS"},
  };
  for (const auto& s : kSignals) {
    EXPECT_EQ(s.value, s.number) << s.name;
  }
}

volatile sig_atomic_t g_signo = 0;
volatile sig_atomic_t g_info_signo = 0;

void Record(int sig, siginfo_t* info, void* /*context*/) {
  g_signo = sig;
  g_info_signo = info->si_signo;
}

// One real-time signal, in a forked child: queued to itself with a handler,
// delivered before sigqueue() returns. Exit 0, or kQueueFailed + errno's
// step, or kWrongHandler. A layer that delivers it late (valgrind queues it
// itself) then kills only this child with the default action, not the shard.
constexpr int kQueueFailed = 10;
constexpr int kWrongHandler = 11;
constexpr int kRefused = 12;
constexpr int kNotYet = 13;

int QueueToSelf(int sig) {
  struct sigaction action {};
  action.sa_sigaction = Record;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  if (::sigaction(sig, &action, nullptr) != 0) {
    return kRefused;
  }
  union sigval value {};
  if (::sigqueue(::getpid(), sig, value) != 0) {
    return errno == EINVAL ? kQueueFailed : kQueueFailed + 2;
  }
  // Unblocked and sent to this process: delivered before sigqueue returns.
  if (g_signo == 0) {
    return kNotYet;
  }
  return g_signo == sig && g_info_signo == sig ? 0 : kWrongHandler;
}

PROCSIG_TEST(ArchAbi, RealtimeSignalsDelivered, "ARCH.REALTIME_SIGNALS_DELIVERED",
             "XSH 2.4.2 Realtime Signal Generation and Delivery",
             "every signal from SIGRTMIN to SIGRTMAX queued to the process reaches its handler "
             "with its own number, as the argument and in si_signo") {
  EXPECT_GE(SIGRTMAX - SIGRTMIN + 1, 8) << "fewer than _POSIX_RTSIG_MAX real-time signals";
  std::string wrong;
  for (int sig = SIGRTMIN; sig <= SIGRTMAX; ++sig) {
    auto child = ForkChild([sig] { return QueueToSelf(sig); });
    ASSERT_TRUE(child);
    const int status = WaitForExit(child);
    if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      continue;
    }
    const int code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    wrong += " " + std::to_string(sig) + ":" +
             (code == kQueueFailed    ? std::string("sigqueue-errno-22")
              : code == kWrongHandler ? std::string("handler-saw-another-number")
              : code == kRefused      ? std::string("sigaction-refused")
              : code == kNotYet       ? std::string("not-delivered-before-sigqueue-returned")
                                      : DescribeWaitStatus(status));
  }
  EXPECT_EQ(wrong, "") << "signal:what went wrong (sigqueue's errno, the handler's number, or "
                          "how the child ended)";
}

PROCSIG_TEST(ArchAbi, KernelSigsetSize, "ARCH.KERNEL_SIGSET_SIZE", "XSH sigprocmask",
             "rt_sigprocmask takes a sigset of 8 bytes (_NSIG / 8) and fails with EINVAL for "
             "any other size") {
  unsigned char set[16] = {};
  EXPECT_THAT(::syscall(SYS_rt_sigprocmask, SIG_BLOCK, nullptr, set, kKernelSigsetBytes),
              SyscallSucceeds());
  EXPECT_THAT(::syscall(SYS_rt_sigprocmask, SIG_BLOCK, nullptr, set, 4),
              SyscallFailsWithErrno(EINVAL));
  EXPECT_THAT(::syscall(SYS_rt_sigprocmask, SIG_BLOCK, nullptr, set, 16),
              SyscallFailsWithErrno(EINVAL));
}

PROCSIG_TEST(ArchAbi, Signal64InKernelSigset, "ARCH.SIGNAL_64_IN_SIGSET", "XSH sigprocmask",
             "signal 64, the last bit of the kernel's sigset (the top bit of its second 32-bit "
             "word on i386), blocked through rt_sigprocmask reads back as blocked through "
             "sigprocmask") {
  ASSERT_EQ(SIGRTMAX, 64);
  sigset_t before;
  ASSERT_THAT(::sigprocmask(SIG_BLOCK, nullptr, &before), SyscallSucceeds());
  ASSERT_EQ(sigismember(&before, 64), 0) << "signal 64 is blocked already";
  unsigned char set[kKernelSigsetBytes] = {};
  set[7] = 0x80;  // bit 63: signal 64 (little endian on every architecture here)
  ASSERT_THAT(::syscall(SYS_rt_sigprocmask, SIG_BLOCK, set, nullptr, kKernelSigsetBytes),
              SyscallSucceeds());
  sigset_t now;
  const int read_back = ::sigprocmask(SIG_BLOCK, nullptr, &now);
  ASSERT_THAT(::sigprocmask(SIG_SETMASK, &before, nullptr), SyscallSucceeds());
  ASSERT_EQ(read_back, 0);
  EXPECT_EQ(sigismember(&now, 64), 1);
  EXPECT_EQ(sigismember(&now, 63), 0) << "signal 63 blocked too: the bit landed one off";
}

}  // namespace
}  // namespace procsig::test
