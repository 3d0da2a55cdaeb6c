// Synchronous faults raised for real (not with kill): SIGSEGV, SIGBUS,
// SIGFPE, SIGILL, SIGTRAP. Their siginfo, the mask while handled,
// SA_NODEFER and SA_RESETHAND, the default action with the core bit, and a
// blocked fault that still kills.
//
// Each runs in a forked child: a platform that mishandles a fault kills the
// child, not the test process. The handlers leave the faulting instruction
// with siglongjmp, which POSIX allows from a handler of a synchronous
// signal; the int3 breakpoint resumes after itself, so its handler returns.
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "assertion.h"
#include "child.h"
#include "child_check.h"
#include "child_events.h"
#include "fault_sites.h"
#include "param_assertion.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

using signals::kHaveFaultSites;

enum class Fault { kSegvMapErr, kSegvAccErr, kBus, kFpe, kIll, kTrap };

int SignalOf(Fault fault) {
  switch (fault) {
    case Fault::kSegvMapErr:
    case Fault::kSegvAccErr:
      return SIGSEGV;
    case Fault::kBus:
      return SIGBUS;
    case Fault::kFpe:
      return SIGFPE;
    case Fault::kIll:
      return SIGILL;
    case Fault::kTrap:
      return SIGTRAP;
  }
  return 0;
}

bool NeedsSite(Fault fault) {
  return fault == Fault::kFpe || fault == Fault::kIll || fault == Fault::kTrap;
}

// What the handler saw.
struct FaultLog {
  volatile sig_atomic_t count;
  volatile sig_atomic_t signo;
  volatile sig_atomic_t code;
  void* volatile addr;
  volatile sig_atomic_t self_blocked;
  volatile sig_atomic_t reset_inside;
  volatile sig_atomic_t nested_depth;
  volatile sig_atomic_t depth;
};
FaultLog g_fault;
sigjmp_buf g_escape;
// The address the next fault is expected at, and a second one for nesting.
void* volatile g_target;
void* volatile g_second_target;

void OnFault(int sig, siginfo_t* info, void*) {
  g_fault.depth = g_fault.depth + 1;
  if (g_fault.depth > g_fault.nested_depth) {
    g_fault.nested_depth = g_fault.depth;
  }
  g_fault.count = g_fault.count + 1;
  g_fault.signo = info->si_signo;
  g_fault.code = info->si_code;
  g_fault.addr = info->si_addr;
  sigset_t now;
  sigprocmask(SIG_BLOCK, nullptr, &now);
  g_fault.self_blocked = sigismember(&now, sig);
  struct sigaction current {};
  sigaction(sig, nullptr, &current);
  g_fault.reset_inside = current.sa_handler == SIG_DFL;
  if (g_second_target != nullptr && g_fault.depth == 1) {
    // SA_NODEFER: fault again inside the handler; the nested delivery
    // escapes for both.
    void* second = g_second_target;
    g_second_target = nullptr;
    *static_cast<volatile char*>(second) = 1;
  }
  if (sig == SIGTRAP) {
    g_fault.depth = g_fault.depth - 1;
    return;  // int3 resumes after itself
  }
  siglongjmp(g_escape, 1);
}

// Child side: a page with no access (PROT_NONE) or read-only, or a page of
// an empty file (SIGBUS); nullptr on failure.
void* MapPage(int prot) {
  void* page = ::mmap(nullptr, static_cast<size_t>(::getpagesize()), prot,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return page == MAP_FAILED ? nullptr : page;
}

void* UnmappedAddress() {
  void* page = MapPage(PROT_READ);
  if (page != nullptr) {
    ::munmap(page, static_cast<size_t>(::getpagesize()));
  }
  return page;
}

void* PageBeyondEndOfFile() {
  const long fd = ::syscall(SYS_memfd_create, "procsig-sigbus", 0U);
  if (fd < 0) {
    return nullptr;
  }
  void* page = ::mmap(nullptr, static_cast<size_t>(::getpagesize()), PROT_READ, MAP_SHARED,
                      static_cast<int>(fd), 0);
  ::close(static_cast<int>(fd));
  return page == MAP_FAILED ? nullptr : page;
}

// Child side: sets g_target and raises the fault. Returns false when it
// could not set one up.
bool PrepareTarget(Fault fault) {
  switch (fault) {
    case Fault::kSegvMapErr:
      g_target = UnmappedAddress();
      return g_target != nullptr;
    case Fault::kSegvAccErr:
      g_target = MapPage(PROT_READ);
      return g_target != nullptr;
    case Fault::kBus:
      g_target = PageBeyondEndOfFile();
      return g_target != nullptr;
#if defined(__x86_64__)
    case Fault::kFpe:
      g_target = reinterpret_cast<void*>(&signals::procsig_intdiv_site);
      return true;
    case Fault::kIll:
      g_target = reinterpret_cast<void*>(&signals::procsig_ud2_site);
      return true;
    case Fault::kTrap:
      g_target = nullptr;  // si_addr of int3 is not specified
      return true;
#endif
    default:
      return false;
  }
}

void RaiseFault(Fault fault) {
  switch (fault) {
    case Fault::kSegvMapErr:
    case Fault::kBus:
      (void)*static_cast<volatile char*>(g_target);
      break;
    case Fault::kSegvAccErr:
      *static_cast<volatile char*>(g_target) = 1;
      break;
#if defined(__x86_64__)
    case Fault::kFpe: {
      volatile int zero = 0;
      (void)signals::procsig_intdiv(1, zero);
      break;
    }
    case Fault::kIll:
      signals::procsig_ud2_site();
      break;
    case Fault::kTrap:
      signals::procsig_int3_site();
      break;
#endif
    default:
      break;
  }
}

int ExpectedCode(Fault fault) {
  switch (fault) {
    case Fault::kSegvMapErr:
      return SEGV_MAPERR;
    case Fault::kSegvAccErr:
      return SEGV_ACCERR;
    case Fault::kBus:
      return BUS_ADRERR;
    case Fault::kFpe:
      return FPE_INTDIV;
    case Fault::kIll:
      return ILL_ILLOPN;
    case Fault::kTrap:
      return TRAP_BRKPT;
  }
  return 0;
}

bool InstallFaultHandler(int sig, int flags) {
  struct sigaction action {};
  action.sa_sigaction = OnFault;
  action.sa_flags = SA_SIGINFO | flags;
  sigemptyset(&action.sa_mask);
  return ::sigaction(sig, &action, nullptr) == 0;
}

#define PROCSIG_SKIP_WITHOUT_SITE(fault)                                              \
  if (NeedsSite(fault) && !kHaveFaultSites) {                                         \
    GTEST_SKIP() << "no faulting instruction written for this architecture yet (see " \
                    "fault_sites.h)";                                                 \
  }

PROCSIG_PARAM_TEST(SignalFault, Info, "XSH 2.4.3 Signal Actions",
                   "a real fault is delivered once to its SA_SIGINFO handler with the fault's "
                   "si_signo and si_code, si_addr the faulting address (data faults) or "
                   "instruction (SIGFPE, SIGILL), and the signal blocked while the handler runs",
                   Fault fault) {
  PROCSIG_SKIP_WITHOUT_SITE(fault);
  const int sig = SignalOf(fault);
  ChildReport report;
  auto child = ForkChild([fault, sig, &report] {
    CHILD_CHECK(report, signals::NoCoreDumps());
    CHILD_CHECK(report, InstallFaultHandler(sig, 0));
    CHILD_CHECK(report, PrepareTarget(fault));
    if (sigsetjmp(g_escape, 1) == 0) {
      RaiseFault(fault);
    }
    CHILD_CHECK(report, g_fault.count == 1);
    CHILD_CHECK(report, g_fault.signo == sig);
    if (fault != Fault::kTrap) {  // int3 on x86-64 Linux gives SI_KERNEL (characterised)
      CHILD_CHECK(report, g_fault.code == ExpectedCode(fault));
      CHILD_CHECK(report, g_fault.addr == g_target);
    }
    CHILD_CHECK(report, g_fault.self_blocked == 1);
    return 0;
  });
  ASSERT_TRUE(child);
  EXPECT_TRUE(ChildSucceeded(child, report));
}
PROCSIG_INSTANCE(SignalFault, Info, SegvMapErr, "SIGFAULT.INFO.SEGV_MAPERR", Fault::kSegvMapErr)
PROCSIG_INSTANCE(SignalFault, Info, SegvAccErr, "SIGFAULT.INFO.SEGV_ACCERR", Fault::kSegvAccErr)
PROCSIG_INSTANCE(SignalFault, Info, BusAdrErr, "SIGFAULT.INFO.BUS_ADRERR", Fault::kBus)
PROCSIG_INSTANCE(SignalFault, Info, FpeIntDiv, "SIGFAULT.INFO.FPE_INTDIV", Fault::kFpe)
PROCSIG_INSTANCE(SignalFault, Info, IllIllOpn, "SIGFAULT.INFO.ILL_ILLOPN", Fault::kIll)
PROCSIG_INSTANCE(SignalFault, Info, Trap, "SIGFAULT.INFO.SIGTRAP", Fault::kTrap)

PROCSIG_CHARACTERISE(SignalFault, TrapCode, "SIGFAULT.TRAP_CODE", "XSH 2.4.3 Signal Actions",
                     "the si_code of a breakpoint instruction's SIGTRAP (POSIX names TRAP_BRKPT; "
                     "Linux on x86-64 reports SI_KERNEL for int3)") {
  if (!kHaveFaultSites) {
    GTEST_SKIP() << "no breakpoint instruction written for this architecture yet";
  }
  Pipe code_pipe;
  ASSERT_TRUE(code_pipe.ok());
  const int fd = code_pipe.write_end.get();
  ChildReport report;
  auto child = ForkChild([fd, &report] {
    CHILD_CHECK(report, InstallFaultHandler(SIGTRAP, 0));
    CHILD_CHECK(report, PrepareTarget(Fault::kTrap));
    RaiseFault(Fault::kTrap);
    const int code = g_fault.code;
    CHILD_CHECK(report, g_fault.count == 1);
    CHILD_CHECK(report, ::write(fd, &code, sizeof code) == sizeof code);
    return 0;
  });
  ASSERT_TRUE(child);
  code_pipe.write_end.reset();
  int code = 0;
  ASSERT_THAT(::read(code_pipe.read_end.get(), &code, sizeof code),
              SyscallSucceedsWithValue(static_cast<ssize_t>(sizeof code)))
      << report.Failures();
  EXPECT_TRUE(ChildSucceeded(child, report));
  RecordObserved(code == TRAP_BRKPT  ? "TRAP_BRKPT"
                 : code == SI_KERNEL ? "SI_KERNEL"
                                     : "si_code " + std::to_string(code));
}

PROCSIG_TEST(SignalFault, NoDefer, "SIGFAULT.NODEFER", "XSH sigaction",
             "with SA_NODEFER the SIGSEGV handler runs with SIGSEGV unblocked, and a second "
             "fault inside it is delivered at once (nested)") {
  ChildReport report;
  auto child = ForkChild([&report] {
    CHILD_CHECK(report, signals::NoCoreDumps());
    CHILD_CHECK(report, InstallFaultHandler(SIGSEGV, SA_NODEFER));
    CHILD_CHECK(report, PrepareTarget(Fault::kSegvAccErr));
    g_second_target = MapPage(PROT_READ);
    CHILD_CHECK(report, g_second_target != nullptr);
    void* second = g_second_target;
    if (sigsetjmp(g_escape, 1) == 0) {
      RaiseFault(Fault::kSegvAccErr);
    }
    CHILD_CHECK(report, g_fault.count == 2);
    CHILD_CHECK(report, g_fault.nested_depth == 2);
    CHILD_CHECK(report, g_fault.addr == second);
    CHILD_CHECK(report, g_fault.self_blocked == 0);
    return 0;
  });
  ASSERT_TRUE(child);
  EXPECT_TRUE(ChildSucceeded(child, report));
}

PROCSIG_TEST(SignalFault, ResetHand, "SIGFAULT.RESETHAND", "XSH sigaction",
             "with SA_RESETHAND the SIGSEGV handler runs once with the action already reset to "
             "SIG_DFL, and the next fault kills the process with SIGSEGV") {
  ChildReport report;
  auto child = ForkChild([&report] {
    CHILD_CHECK(report, signals::NoCoreDumps());
    CHILD_CHECK(report, InstallFaultHandler(SIGSEGV, SA_RESETHAND));
    CHILD_CHECK(report, PrepareTarget(Fault::kSegvAccErr));
    if (sigsetjmp(g_escape, 1) == 0) {
      RaiseFault(Fault::kSegvAccErr);
    }
    CHILD_CHECK(report, g_fault.count == 1);
    CHILD_CHECK(report, g_fault.reset_inside == 1);
    RaiseFault(Fault::kSegvAccErr);
    return 0;
  });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), KilledBySignal(SIGSEGV)) << report.Failures();
}

PROCSIG_PARAM_TEST(SignalFault, DefaultKills, "XSH 2.4.3 Signal Actions",
                   "a real fault with SIG_DFL terminates the process with that signal, and with "
                   "the core bit where core_pattern and RLIMIT_CORE let a core be written",
                   Fault fault) {
  PROCSIG_SKIP_WITHOUT_SITE(fault);
  const int sig = SignalOf(fault);
  const bool dump = signals::CoreDumpsObservable();
  signals::ScopedTempDir dir;
  ASSERT_TRUE(dir.ok());
  const char* where = dir.path().c_str();
  ChildReport report;
  auto child = ForkChild([fault, where, dump, &report] {
    CHILD_CHECK(report, signals::PrepareCoreDump(where, dump));
    CHILD_CHECK(report, PrepareTarget(fault));
    RaiseFault(fault);
    return 0;
  });
  ASSERT_TRUE(child);
  const int status = WaitForExit(child);
  EXPECT_THAT(status, KilledBySignal(sig)) << report.Failures();
  if (dump) {
    EXPECT_TRUE(status != -1 && WCOREDUMP(status)) << DescribeWaitStatus(status);
  } else {
    RecordObserved(std::string("dumps disabled; WCOREDUMP ") +
                   (status != -1 && WCOREDUMP(status) ? "set" : "clear"));
  }
}
PROCSIG_INSTANCE(SignalFault, DefaultKills, Segv, "SIGFAULT.DEFAULT_KILLS.SIGSEGV",
                 Fault::kSegvAccErr)
PROCSIG_INSTANCE(SignalFault, DefaultKills, Bus, "SIGFAULT.DEFAULT_KILLS.SIGBUS", Fault::kBus)
PROCSIG_INSTANCE(SignalFault, DefaultKills, Fpe, "SIGFAULT.DEFAULT_KILLS.SIGFPE", Fault::kFpe)
PROCSIG_INSTANCE(SignalFault, DefaultKills, Ill, "SIGFAULT.DEFAULT_KILLS.SIGILL", Fault::kIll)
PROCSIG_INSTANCE(SignalFault, DefaultKills, Trap, "SIGFAULT.DEFAULT_KILLS.SIGTRAP", Fault::kTrap)

// POSIX leaves a blocked SIGSEGV/SIGBUS/SIGFPE/SIGILL from a real fault
// undefined (XSH 2.4.1); Linux, and every platform procsig targets, forces
// the default action. A target that differs lists these in its expectations.
PROCSIG_PARAM_TEST(SignalFault, BlockedStillKills, "XSH 2.4.1 Signal Generation and Delivery",
                   "a real fault whose signal is blocked (with a handler installed) kills the "
                   "process with that signal rather than leaving it pending or running the "
                   "handler",
                   Fault fault) {
  PROCSIG_SKIP_WITHOUT_SITE(fault);
  const int sig = SignalOf(fault);
  ChildReport report;
  auto child = ForkChild([fault, sig, &report] {
    CHILD_CHECK(report, signals::NoCoreDumps());
    CHILD_CHECK(report, InstallFaultHandler(sig, 0));
    const sigset_t only = ScopedSignalMask::Only(sig);
    CHILD_CHECK(report, ::sigprocmask(SIG_BLOCK, &only, nullptr) == 0);
    CHILD_CHECK(report, PrepareTarget(fault));
    if (sigsetjmp(g_escape, 0) == 0) {
      RaiseFault(fault);
    }
    CHILD_CHECK(report, g_fault.count == 0);  // the handler must not have run
    report.Fail(__FILE__, __LINE__, "the process ran on after its blocked fault");
    return kChildCheckFailed;
  });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), KilledBySignal(sig)) << report.Failures();
}
PROCSIG_INSTANCE(SignalFault, BlockedStillKills, Segv, "SIGFAULT.BLOCKED_KILLS.SIGSEGV",
                 Fault::kSegvAccErr)
PROCSIG_INSTANCE(SignalFault, BlockedStillKills, Bus, "SIGFAULT.BLOCKED_KILLS.SIGBUS", Fault::kBus)
PROCSIG_INSTANCE(SignalFault, BlockedStillKills, Fpe, "SIGFAULT.BLOCKED_KILLS.SIGFPE", Fault::kFpe)
PROCSIG_INSTANCE(SignalFault, BlockedStillKills, Ill, "SIGFAULT.BLOCKED_KILLS.SIGILL", Fault::kIll)

}  // namespace
}  // namespace procsig::test
