// Alternate signal stacks: a handler with SA_ONSTACK runs on the sigaltstack
// (SS_ONSTACK seen inside), one without it on the current stack; a stack
// overflow can be handled there; SS_DISABLE; EPERM while on it; ENOMEM and
// EINVAL; inherited by fork, reset by exec.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "assertion.h"
#include "child.h"
#include "child_check.h"
#include "child_events.h"
#include "scoped_signal.h"
#include "signal_helpers.h"
#include "syscall_matchers.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

constexpr size_t kAltSize = 256 * 1024;

// Installs an alternate stack for the calling thread; restores the previous
// one when it goes, so no thread is left with a stack that was freed.
class ScopedAltStack {
 public:
  explicit ScopedAltStack(size_t size = kAltSize) : memory_(size) {
    stack_t stack{};
    stack.ss_sp = memory_.data();
    stack.ss_size = memory_.size();
    error_ = ::sigaltstack(&stack, &old_) == 0 ? 0 : errno;
  }
  ~ScopedAltStack() {
    if (error_ == 0) {
      ::sigaltstack(&old_, nullptr);
    }
  }
  ScopedAltStack(const ScopedAltStack&) = delete;
  ScopedAltStack& operator=(const ScopedAltStack&) = delete;

  int error() const { return error_; }
  bool Contains(const void* address) const {
    const auto* p = static_cast<const char*>(address);
    return p >= memory_.data() && p < memory_.data() + memory_.size();
  }
  void* base() { return memory_.data(); }

 private:
  std::vector<char> memory_;
  stack_t old_{};
  int error_ = 0;
};

struct StackLog {
  volatile sig_atomic_t count;
  const void* volatile local;
  volatile sig_atomic_t onstack_flag;
  volatile sig_atomic_t change_result;
  volatile sig_atomic_t change_errno;
  volatile sig_atomic_t disable_errno;
};
StackLog g_stack;

void RecordStack(int) {
  volatile char here = 0;
  g_stack.local = const_cast<const char*>(&here);
  stack_t current{};
  sigaltstack(nullptr, &current);
  g_stack.onstack_flag = (current.ss_flags & SS_ONSTACK) != 0;
  // Changing or disabling the stack we run on must fail with EPERM.
  static char other[kAltSize];
  stack_t replacement{};
  replacement.ss_sp = other;
  replacement.ss_size = sizeof other;
  g_stack.change_result = sigaltstack(&replacement, nullptr);
  g_stack.change_errno = errno;
  stack_t disable{};
  disable.ss_flags = SS_DISABLE;
  g_stack.disable_errno = sigaltstack(&disable, nullptr) == 0 ? 0 : errno;
  g_stack.count = g_stack.count + 1;
}

PROCSIG_TEST(SignalAltStack, HandlerOnAltStack, "SIGALTSTACK.HANDLER_ON_ALTSTACK",
             "XSH sigaltstack",
             "a handler installed with SA_ONSTACK runs on the alternate stack, where "
             "sigaltstack() reports SS_ONSTACK; outside the handler it does not") {
  g_stack = StackLog{};
  ScopedAltStack alt;
  ASSERT_EQ(alt.error(), 0) << DescribeErrno(alt.error());
  ScopedSigaction installed(SIGUSR1, RecordStack, SA_ONSTACK);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGUSR1));
  ASSERT_THAT(::kill(::getpid(), SIGUSR1), SyscallSucceeds());
  ASSERT_EQ(g_stack.count, 1);
  EXPECT_TRUE(alt.Contains(g_stack.local)) << "handler's local at " << g_stack.local;
  EXPECT_EQ(g_stack.onstack_flag, 1);
  stack_t now{};
  ASSERT_THAT(::sigaltstack(nullptr, &now), SyscallSucceeds());
  EXPECT_EQ(now.ss_flags & SS_ONSTACK, 0);
  EXPECT_EQ(now.ss_sp, alt.base());
  EXPECT_EQ(now.ss_size, kAltSize);
}

PROCSIG_TEST(SignalAltStack, EpermWhileOnIt, "SIGALTSTACK.EPERM_ON_STACK", "XSH sigaltstack",
             "sigaltstack() called on the alternate stack to replace or disable it fails with "
             "EPERM") {
  g_stack = StackLog{};
  ScopedAltStack alt;
  ASSERT_EQ(alt.error(), 0) << DescribeErrno(alt.error());
  ScopedSigaction installed(SIGUSR1, RecordStack, SA_ONSTACK);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGUSR1));
  ASSERT_THAT(::kill(::getpid(), SIGUSR1), SyscallSucceeds());
  ASSERT_EQ(g_stack.count, 1);
  EXPECT_EQ(g_stack.change_result, -1);
  EXPECT_EQ(g_stack.change_errno, EPERM);
  EXPECT_EQ(g_stack.disable_errno, EPERM);
}

PROCSIG_TEST(SignalAltStack, WithoutOnStackFlag, "SIGALTSTACK.CURRENT_STACK_WITHOUT_SA_ONSTACK",
             "XSH sigaction",
             "a handler installed without SA_ONSTACK runs on the current stack though an "
             "alternate stack is set") {
  g_stack = StackLog{};
  ScopedAltStack alt;
  ASSERT_EQ(alt.error(), 0) << DescribeErrno(alt.error());
  ScopedSigaction installed(SIGUSR1, RecordStack, 0);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGUSR1));
  ASSERT_THAT(::kill(::getpid(), SIGUSR1), SyscallSucceeds());
  ASSERT_EQ(g_stack.count, 1);
  EXPECT_FALSE(alt.Contains(g_stack.local));
  EXPECT_EQ(g_stack.onstack_flag, 0);
}

PROCSIG_TEST(SignalAltStack, Disable, "SIGALTSTACK.SS_DISABLE", "XSH sigaltstack",
             "after sigaltstack() with SS_DISABLE it reports SS_DISABLE and an SA_ONSTACK "
             "handler runs on the current stack") {
  g_stack = StackLog{};
  ScopedAltStack alt;
  ASSERT_EQ(alt.error(), 0) << DescribeErrno(alt.error());
  stack_t disable{};
  disable.ss_flags = SS_DISABLE;
  ASSERT_THAT(::sigaltstack(&disable, nullptr), SyscallSucceeds());
  stack_t now{};
  ASSERT_THAT(::sigaltstack(nullptr, &now), SyscallSucceeds());
  EXPECT_NE(now.ss_flags & SS_DISABLE, 0);
  ScopedSigaction installed(SIGUSR1, RecordStack, SA_ONSTACK);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGUSR1));
  ASSERT_THAT(::kill(::getpid(), SIGUSR1), SyscallSucceeds());
  ASSERT_EQ(g_stack.count, 1);
  EXPECT_FALSE(alt.Contains(g_stack.local));
  EXPECT_EQ(g_stack.onstack_flag, 0);
}

PROCSIG_TEST(SignalAltStack, BadArguments, "SIGALTSTACK.ENOMEM_EINVAL", "XSH sigaltstack",
             "sigaltstack() fails with ENOMEM for a stack smaller than the minimum and EINVAL "
             "for unknown flags, and leaves the setting unchanged") {
  ScopedAltStack alt;
  ASSERT_EQ(alt.error(), 0) << DescribeErrno(alt.error());
  static char tiny[64];
  stack_t small{};
  small.ss_sp = tiny;
  small.ss_size = sizeof tiny;
  EXPECT_THAT(::sigaltstack(&small, nullptr), SyscallFailsWithErrno(ENOMEM));
  stack_t flags{};
  flags.ss_sp = alt.base();
  flags.ss_size = kAltSize;
  flags.ss_flags = 0x1234;
  EXPECT_THAT(::sigaltstack(&flags, nullptr), SyscallFailsWithErrno(EINVAL));
  stack_t now{};
  ASSERT_THAT(::sigaltstack(nullptr, &now), SyscallSucceeds());
  EXPECT_EQ(now.ss_sp, alt.base());
}

// Child side: recursion the compiler cannot turn into a loop; the depth it
// stops at is never reached.
volatile int g_never = -1;
__attribute__((noinline)) int Recurse(int depth) {
  if (depth == g_never) {
    return 0;
  }
  volatile char frame[512];
  frame[0] = static_cast<char>(depth);
  return Recurse(depth + 1) + frame[0];
}

char g_overflow_stack[kAltSize];

void OnOverflow(int, siginfo_t*, void*) {
  volatile char here = 0;
  const auto* p = const_cast<const char*>(&here);
  stack_t current{};
  sigaltstack(nullptr, &current);
  const bool on_alt = p >= g_overflow_stack && p < g_overflow_stack + sizeof g_overflow_stack &&
                      (current.ss_flags & SS_ONSTACK) != 0;
  _exit(on_alt ? 42 : 43);
}

// The child lowers RLIMIT_STACK so the overflow comes after a few hundred
// kilobytes, not the default 8 MiB.
int OverflowChild(bool with_altstack) {
  PROCSIG_CHILD_CHECK(signals::NoCoreDumps());
  struct rlimit limit {};
  PROCSIG_CHILD_CHECK(::getrlimit(RLIMIT_STACK, &limit) == 0);
  limit.rlim_cur = 1024 * 1024;
  PROCSIG_CHILD_CHECK(::setrlimit(RLIMIT_STACK, &limit) == 0);
  if (with_altstack) {
    stack_t stack{};
    stack.ss_sp = g_overflow_stack;
    stack.ss_size = sizeof g_overflow_stack;
    PROCSIG_CHILD_CHECK(::sigaltstack(&stack, nullptr) == 0);
  }
  struct sigaction action {};
  action.sa_sigaction = OnOverflow;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  PROCSIG_CHILD_CHECK(::sigaction(SIGSEGV, &action, nullptr) == 0);
  return Recurse(0);
}

PROCSIG_TEST(SignalAltStack, StackOverflowHandled, "SIGALTSTACK.STACK_OVERFLOW_HANDLED",
             "XSH sigaltstack",
             "the SIGSEGV of a stack overflow is handled on the alternate stack; without one "
             "the handler cannot run and the process is killed by SIGSEGV") {
  auto with = ForkChild([] { return OverflowChild(true); });
  ASSERT_TRUE(with);
  EXPECT_THAT(WaitForExit(with), ExitedWithStatus(42)) << "43: the handler ran elsewhere";
  auto without = ForkChild([] { return OverflowChild(false); });
  ASSERT_TRUE(without);
  EXPECT_THAT(WaitForExit(without), KilledBySignal(SIGSEGV));
}

PROCSIG_TEST(SignalAltStack, InheritedByFork, "SIGALTSTACK.INHERITED_BY_FORK", "XSH fork",
             "a fork child has the parent's alternate stack setting (same address and size, "
             "enabled)") {
  ScopedAltStack alt;
  ASSERT_EQ(alt.error(), 0) << DescribeErrno(alt.error());
  void* base = alt.base();
  auto child = ForkChild([base] {
    stack_t now{};
    PROCSIG_CHILD_CHECK(::sigaltstack(nullptr, &now) == 0);
    PROCSIG_CHILD_CHECK(now.ss_sp == base);
    PROCSIG_CHILD_CHECK(now.ss_size == kAltSize);
    PROCSIG_CHILD_CHECK((now.ss_flags & SS_DISABLE) == 0);
    return 0;
  });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(SignalAltStack, ResetByExec, "SIGALTSTACK.RESET_BY_EXEC", "XSH exec",
             "a new process image starts without an alternate stack (SS_DISABLE) though the "
             "process had one before exec") {
  const std::string probe = signals::AltstackProbePath();
  const char* path = probe.c_str();
  auto child = ForkChild([path] {
    stack_t stack{};
    stack.ss_sp = g_overflow_stack;
    stack.ss_size = sizeof g_overflow_stack;
    PROCSIG_CHILD_CHECK(::sigaltstack(&stack, nullptr) == 0);
    char* const argv[] = {const_cast<char*>(path), nullptr};
    ::execv(path, argv);
    return 127;
  });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0))
      << probe << ": 1 means the new image still had an alternate stack, 127 no exec";
}

}  // namespace
}  // namespace procsig::test
