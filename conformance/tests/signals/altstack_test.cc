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
  g_stack.count = g_stack.count + 1;
}

// Also tries to replace and to disable the stack it runs on (EPERM).
void TryChangeOnStack(int sig) {
  RecordStack(sig);
  static char other[kAltSize];
  stack_t replacement{};
  replacement.ss_sp = other;
  replacement.ss_size = sizeof other;
  g_stack.change_result = sigaltstack(&replacement, nullptr);
  g_stack.change_errno = errno;
  stack_t disable{};
  disable.ss_flags = SS_DISABLE;
  g_stack.disable_errno = sigaltstack(&disable, nullptr) == 0 ? 0 : errno;
}

// The tests run in a forked child: a platform that mishandles an alternate
// stack crashes the child, not the test process.
char g_child_stack[kAltSize];

bool ChildAltStack() {
  if (!signals::NoCoreDumps()) {
    return false;
  }
  stack_t stack{};
  stack.ss_sp = g_child_stack;
  stack.ss_size = sizeof g_child_stack;
  return ::sigaltstack(&stack, nullptr) == 0;
}

bool OnChildStack(const void* address) {
  const auto* p = static_cast<const char*>(address);
  return p >= g_child_stack && p < g_child_stack + sizeof g_child_stack;
}

bool InstallAndRaise(void (*handler)(int), int flags) {
  struct sigaction action {};
  action.sa_handler = handler;
  action.sa_flags = flags;
  sigemptyset(&action.sa_mask);
  return ::sigaction(SIGUSR1, &action, nullptr) == 0 && ::raise(SIGUSR1) == 0 && g_stack.count == 1;
}

void ExpectChildPasses(ScopedChild& child, const ChildReport& report) {
  ASSERT_TRUE(child);
  EXPECT_TRUE(ChildSucceeded(child, report));
}

PROCSIG_TEST(SignalAltStack, HandlerOnAltStack, "SIGALTSTACK.HANDLER_ON_ALTSTACK",
             "XSH sigaltstack",
             "a handler installed with SA_ONSTACK runs on the alternate stack, where "
             "sigaltstack() reports SS_ONSTACK; outside the handler it does not") {
  ChildReport report;
  auto child = ForkChild([&report] {
    CHILD_CHECK(report, ChildAltStack());
    CHILD_CHECK(report, InstallAndRaise(RecordStack, SA_ONSTACK));
    CHILD_CHECK(report, OnChildStack(g_stack.local));
    CHILD_CHECK(report, g_stack.onstack_flag == 1);
    stack_t now{};
    CHILD_CHECK(report, ::sigaltstack(nullptr, &now) == 0);
    CHILD_CHECK(report, (now.ss_flags & SS_ONSTACK) == 0);
    CHILD_CHECK(report, now.ss_sp == g_child_stack);
    CHILD_CHECK(report, now.ss_size == kAltSize);
    return 0;
  });
  ExpectChildPasses(child, report);
}

PROCSIG_TEST(SignalAltStack, EpermWhileOnIt, "SIGALTSTACK.EPERM_ON_STACK", "XSH sigaltstack",
             "sigaltstack() called on the alternate stack to replace or disable it fails with "
             "EPERM") {
  ChildReport report;
  auto child = ForkChild([&report] {
    CHILD_CHECK(report, ChildAltStack());
    CHILD_CHECK(report, InstallAndRaise(TryChangeOnStack, SA_ONSTACK));
    CHILD_CHECK(report, g_stack.change_result == -1);
    CHILD_CHECK(report, g_stack.change_errno == EPERM);
    CHILD_CHECK(report, g_stack.disable_errno == EPERM);
    return 0;
  });
  ExpectChildPasses(child, report);
}

PROCSIG_TEST(SignalAltStack, WithoutOnStackFlag, "SIGALTSTACK.CURRENT_STACK_WITHOUT_SA_ONSTACK",
             "XSH sigaction",
             "a handler installed without SA_ONSTACK runs on the current stack though an "
             "alternate stack is set") {
  ChildReport report;
  auto child = ForkChild([&report] {
    CHILD_CHECK(report, ChildAltStack());
    CHILD_CHECK(report, InstallAndRaise(RecordStack, 0));
    CHILD_CHECK(report, !OnChildStack(g_stack.local));
    CHILD_CHECK(report, g_stack.onstack_flag == 0);
    return 0;
  });
  ExpectChildPasses(child, report);
}

PROCSIG_TEST(SignalAltStack, Disable, "SIGALTSTACK.SS_DISABLE", "XSH sigaltstack",
             "after sigaltstack() with SS_DISABLE it reports SS_DISABLE and an SA_ONSTACK "
             "handler runs on the current stack") {
  ChildReport report;
  auto child = ForkChild([&report] {
    CHILD_CHECK(report, ChildAltStack());
    stack_t disable{};
    disable.ss_flags = SS_DISABLE;
    CHILD_CHECK(report, ::sigaltstack(&disable, nullptr) == 0);
    stack_t now{};
    CHILD_CHECK(report, ::sigaltstack(nullptr, &now) == 0);
    CHILD_CHECK(report, (now.ss_flags & SS_DISABLE) != 0);
    CHILD_CHECK(report, InstallAndRaise(RecordStack, SA_ONSTACK));
    CHILD_CHECK(report, !OnChildStack(g_stack.local));
    CHILD_CHECK(report, g_stack.onstack_flag == 0);
    return 0;
  });
  ExpectChildPasses(child, report);
}

PROCSIG_TEST(SignalAltStack, BadArguments, "SIGALTSTACK.ENOMEM_EINVAL", "XSH sigaltstack",
             "sigaltstack() fails with ENOMEM for a stack smaller than the minimum and EINVAL "
             "for unknown flags, and leaves the setting unchanged") {
  ChildReport report;
  auto child = ForkChild([&report] {
    CHILD_CHECK(report, ChildAltStack());
    static char tiny[64];
    stack_t small{};
    small.ss_sp = tiny;
    small.ss_size = sizeof tiny;
    CHILD_CHECK(report, ::sigaltstack(&small, nullptr) == -1 && errno == ENOMEM);
    stack_t flags{};
    flags.ss_sp = g_child_stack;
    flags.ss_size = kAltSize;
    flags.ss_flags = 0x1234;
    CHILD_CHECK(report, ::sigaltstack(&flags, nullptr) == -1 && errno == EINVAL);
    stack_t now{};
    CHILD_CHECK(report, ::sigaltstack(nullptr, &now) == 0);
    CHILD_CHECK(report, now.ss_sp == g_child_stack);
    return 0;
  });
  ExpectChildPasses(child, report);
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
int OverflowChild(const ChildReport& report, bool with_altstack) {
  CHILD_CHECK(report, signals::NoCoreDumps());
  struct rlimit limit {};
  CHILD_CHECK(report, ::getrlimit(RLIMIT_STACK, &limit) == 0);
  limit.rlim_cur = 1024 * 1024;
  CHILD_CHECK(report, ::setrlimit(RLIMIT_STACK, &limit) == 0);
  if (with_altstack) {
    stack_t stack{};
    stack.ss_sp = g_overflow_stack;
    stack.ss_size = sizeof g_overflow_stack;
    CHILD_CHECK(report, ::sigaltstack(&stack, nullptr) == 0);
  }
  struct sigaction action {};
  action.sa_sigaction = OnOverflow;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  CHILD_CHECK(report, ::sigaction(SIGSEGV, &action, nullptr) == 0);
  return Recurse(0);
}

PROCSIG_TEST(SignalAltStack, StackOverflowHandled, "SIGALTSTACK.STACK_OVERFLOW_HANDLED",
             "XSH sigaltstack",
             "the SIGSEGV of a stack overflow is handled on the alternate stack; without one "
             "the handler cannot run and the process is killed by SIGSEGV") {
  ChildReport report;
  auto with = ForkChild([&report] { return OverflowChild(report, true); });
  ASSERT_TRUE(with);
  EXPECT_THAT(WaitForExit(with), ExitedWithStatus(42)) << "43: the handler ran elsewhere\n"
                                                       << report.Failures();
  auto without = ForkChild([&report] { return OverflowChild(report, false); });
  ASSERT_TRUE(without);
  EXPECT_THAT(WaitForExit(without), KilledBySignal(SIGSEGV)) << report.Failures();
}

PROCSIG_TEST(SignalAltStack, InheritedByFork, "SIGALTSTACK.INHERITED_BY_FORK", "XSH fork",
             "a fork child has the parent's alternate stack setting (same address and size, "
             "enabled)") {
  ChildReport report;
  auto child = ForkChild([&report] {
    CHILD_CHECK(report, ChildAltStack());
    const pid_t grandchild = ::fork();
    if (grandchild == 0) {
      stack_t now{};
      CHILD_CHECK_OR_EXIT(report, ::sigaltstack(nullptr, &now) == 0);
      CHILD_CHECK_OR_EXIT(report, now.ss_sp == g_child_stack);
      CHILD_CHECK_OR_EXIT(report, now.ss_size == kAltSize);
      CHILD_CHECK_OR_EXIT(report, (now.ss_flags & SS_DISABLE) == 0);
      ::_exit(0);
    }
    CHILD_CHECK(report, grandchild > 0);
    int status = 0;
    CHILD_CHECK(report, ::waitpid(grandchild, &status, 0) == grandchild);
    return WIFEXITED(status) ? WEXITSTATUS(status) : kChildCheckFailed;
  });
  ExpectChildPasses(child, report);
}

PROCSIG_TEST(SignalAltStack, ResetByExec, "SIGALTSTACK.RESET_BY_EXEC", "XSH exec",
             "a new process image starts without an alternate stack (SS_DISABLE) though the "
             "process had one before exec") {
  const std::string probe = signals::AltstackProbePath();
  const char* path = probe.c_str();
  ChildReport report;
  auto child = ForkChild([path, &report] {
    stack_t stack{};
    stack.ss_sp = g_overflow_stack;
    stack.ss_size = sizeof g_overflow_stack;
    CHILD_CHECK(report, ::sigaltstack(&stack, nullptr) == 0);
    char* const argv[] = {const_cast<char*>(path), nullptr};
    ::execv(path, argv);
    return 127;
  });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0))
      << probe << ": 1 means the new image still had an alternate stack, 127 no exec\n"
      << report.Failures();
}

}  // namespace
}  // namespace procsig::test
