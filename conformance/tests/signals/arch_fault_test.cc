// si_addr of a memory fault: the address the faulting instruction touched,
// as each architecture's fault handler reports it (x86 CR2, aarch64
// FAR_EL1, riscv stval) and an emulator must reproduce. The fault happens
// in a child, whose SA_SIGINFO handler reports through its exit status.
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

#include "assertion.h"
#include "child.h"
#include "syscall_matchers.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

// The child's exit codes.
constexpr int kRightAddress = 0;
constexpr int kWrongAddress = 1;
constexpr int kWrongCode = 2;
constexpr int kNoFault = 3;
constexpr int kSetupFailed = 4;
constexpr const char* kLegend =
    "exit 1: si_addr is not the address touched; 2: si_code is not the one expected; 3: the "
    "access did not fault; 4: sigaction or munmap failed";

volatile std::uintptr_t g_expected_addr = 0;
volatile int g_expected_code = 0;

void OnSegv(int /*sig*/, siginfo_t* info, void* /*context*/) {
  const auto addr = reinterpret_cast<std::uintptr_t>(info->si_addr);
  _exit(addr != g_expected_addr            ? kWrongAddress
        : info->si_code != g_expected_code ? kWrongCode
                                           : kRightAddress);
}

// In a child: reads the byte at `target` (an offset into a page that must
// fault) with a handler that compares si_addr and si_code. With `unmap`,
// the page (`page` bytes at `map`) is unmapped first, here: the child has
// one thread, so nothing can map the hole again before the read.
int TouchAndReport(volatile char* target, int code, void* map = nullptr, size_t page = 0) {
  struct sigaction sa {};
  sa.sa_sigaction = OnSegv;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGSEGV, &sa, nullptr) != 0) {
    return kSetupFailed;
  }
  g_expected_addr = reinterpret_cast<std::uintptr_t>(target);
  g_expected_code = code;
  if (map != nullptr && munmap(map, page) != 0) {
    return kSetupFailed;
  }
  (void)*target;
  return kNoFault;
}

// An odd offset, so that an implementation reporting the page or an
// aligned word instead of the byte is caught.
constexpr long kOffset = 0x123;

PROCSIG_TEST(ArchFault, SiAddrAccerr, "ARCH.FAULT_SI_ADDR_ACCERR", "XSH 2.4.3 Signal Actions",
             "a read of a PROT_NONE page raises SIGSEGV with si_code SEGV_ACCERR and si_addr "
             "the byte read") {
  const long page = ::sysconf(_SC_PAGESIZE);
  void* map =
      ::mmap(nullptr, static_cast<size_t>(page), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(map, MAP_FAILED);
  auto* target = static_cast<volatile char*>(map) + kOffset;
  auto child = ForkChild([&] { return TouchAndReport(target, SEGV_ACCERR); });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kRightAddress)) << kLegend;
  EXPECT_THAT(::munmap(map, static_cast<size_t>(page)), SyscallSucceeds());
}

PROCSIG_TEST(ArchFault, SiAddrMaperr, "ARCH.FAULT_SI_ADDR_MAPERR", "XSH 2.4.3 Signal Actions",
             "a read of an unmapped page raises SIGSEGV with si_code SEGV_MAPERR and si_addr "
             "the byte read") {
  const long page = ::sysconf(_SC_PAGESIZE);
  void* map =
      ::mmap(nullptr, static_cast<size_t>(page), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(map, MAP_FAILED);
  auto* target = static_cast<volatile char*>(map) + kOffset;
  auto child = ForkChild(
      [&] { return TouchAndReport(target, SEGV_MAPERR, map, static_cast<size_t>(page)); });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(kRightAddress)) << kLegend;
  EXPECT_THAT(::munmap(map, static_cast<size_t>(page)), SyscallSucceeds());
}

}  // namespace
}  // namespace procsig::test
