// Delivery while user code runs: a signal interrupts a loop that makes no
// system call, and the register state (general-purpose, SSE, AVX on
// x86-64) is what it was before the handler ran, though the handler
// overwrote those registers.
//
// The timer is the event under test: a repeating ITIMER_REAL sends SIGALRM
// into the running loop.
#include <signal.h>

#include <cstdint>
#include <cstring>

#include "assertion.h"
#include "deadline.h"
#include "register_sites.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"

namespace procsig::test {
namespace {

using signals::kHaveRegisterSites;
using signals::SpinControl;

SpinControl g_spin;
volatile sig_atomic_t g_ticks = 0;

void OnTick(int) {
  g_ticks = g_ticks + 1;
  if (g_spin.armed != 0) {
    g_spin.done = 1;
  }
#if defined(__x86_64__)
  // Overwrite what the loops hold; sigreturn must bring it all back.
  asm volatile(
      "xorl %%eax, %%eax\n\txorl %%ecx, %%ecx\n\txorl %%edx, %%edx\n\t"
      "xorl %%r8d, %%r8d\n\txorl %%r9d, %%r9d\n\txorl %%r10d, %%r10d\n\txorl %%r11d, %%r11d\n\t"
      "pxor %%xmm0, %%xmm0\n\tpxor %%xmm1, %%xmm1\n\tpxor %%xmm2, %%xmm2\n\t"
      "pxor %%xmm3, %%xmm3\n\tpxor %%xmm4, %%xmm4\n\tpxor %%xmm5, %%xmm5\n\t"
      "pxor %%xmm6, %%xmm6\n\tpxor %%xmm7, %%xmm7\n\tpxor %%xmm8, %%xmm8\n\t"
      "pxor %%xmm9, %%xmm9\n\tpxor %%xmm10, %%xmm10\n\tpxor %%xmm11, %%xmm11\n\t"
      "pxor %%xmm12, %%xmm12\n\tpxor %%xmm13, %%xmm13\n\tpxor %%xmm14, %%xmm14\n\t"
      "pxor %%xmm15, %%xmm15\n\t" ::
          : "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
            "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
            "xmm15");
  if (__builtin_cpu_supports("avx")) {
    asm volatile("vzeroall" ::
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
                       "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
  }
#endif
}

PROCSIG_TEST(SignalUserMode, BusyLoopInterrupted, "SIGUSERMODE.BUSY_LOOP_INTERRUPTED",
             "XSH 2.4.1 Signal Generation and Delivery",
             "a signal is delivered to a process spinning in user code that makes no system "
             "call: the handler runs and the loop sees its flag") {
  g_ticks = 0;
  ScopedSigaction installed(SIGALRM, OnTick);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGALRM));
  ScopedRealTimer timer(5000, 5000);
  ASSERT_TRUE(timer.ok());
  const Deadline deadline = DeadlineIn();
  volatile uint64_t spins = 0;
  // Between deadline checks the loop runs a million turns with no call.
  while (g_ticks == 0 && Clock::now() < deadline) {
    for (int i = 0; i < 1000000 && g_ticks == 0; ++i) {
      spins = spins + 1;
    }
  }
  EXPECT_GT(g_ticks, 0) << "no SIGALRM in " << spins << " turns of a loop without system calls";
}

// Runs one of the spin sites with the repeating timer on. False if the
// budget ran out before a delivery inside the window.
template <typename Fn>
bool SpinThroughSignal(Fn&& spin) {
  ScopedSigaction installed(SIGALRM, OnTick);
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGALRM));
  g_spin.done = 0;
  g_spin.armed = 0;
  g_spin.budget = 20000000000LL;  // far more turns than one timer period needs
  ScopedRealTimer timer(2000, 2000);
  if (!installed.ok() || !timer.ok()) {
    return false;
  }
  spin();
  g_spin.armed = 0;
  return g_spin.done != 0;
}

void Pattern(uint8_t* bytes, size_t size, uint8_t seed) {
  for (size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<uint8_t>(seed + 7 * i + (i >> 4));
  }
}

#define PROCSIG_SKIP_WITHOUT_REGISTER_SITES()                                       \
  if (!kHaveRegisterSites) {                                                        \
    GTEST_SKIP() << "no register spin loop written for this architecture yet (see " \
                    "register_sites.h)";                                            \
  }

PROCSIG_TEST(SignalUserMode, GeneralRegistersPreserved, "SIGUSERMODE.GPR_PRESERVED",
             "XSH 2.4.3 Signal Actions",
             "the general-purpose registers of interrupted user code (x86-64: rax, rbx, rcx, "
             "rdx, rbp, r8-r15, rcx and r11 included) are restored after a handler that "
             "overwrote them") {
  PROCSIG_SKIP_WITHOUT_REGISTER_SITES();
#if defined(__x86_64__)
  uint64_t out[signals::kGprCount] = {};
  ASSERT_TRUE(SpinThroughSignal([&] { signals::procsig_spin_gpr(&g_spin, out); }));
  for (int i = 0; i < signals::kGprCount; ++i) {
    EXPECT_EQ(out[i], 0x0101010101010101ULL * static_cast<uint64_t>(i + 1)) << "register " << i;
  }
#endif
}

PROCSIG_TEST(SignalUserMode, SseRegistersPreserved, "SIGUSERMODE.SSE_PRESERVED",
             "XSH 2.4.3 Signal Actions",
             "the SSE registers xmm0-xmm15 of interrupted user code are restored after a handler "
             "that zeroed them") {
  PROCSIG_SKIP_WITHOUT_REGISTER_SITES();
#if defined(__x86_64__)
  uint8_t in[16 * 16];
  uint8_t out[16 * 16] = {};
  Pattern(in, sizeof in, 0x31);
  ASSERT_TRUE(SpinThroughSignal([&] { signals::procsig_spin_sse(&g_spin, in, out); }));
  for (int reg = 0; reg < 16; ++reg) {
    EXPECT_EQ(std::memcmp(in + 16 * reg, out + 16 * reg, 16), 0) << "xmm" << reg;
  }
#endif
}

PROCSIG_TEST(SignalUserMode, AvxRegistersPreserved, "SIGUSERMODE.AVX_PRESERVED",
             "XSH 2.4.3 Signal Actions",
             "the AVX registers ymm0-ymm15 (upper halves included) of interrupted user code are "
             "restored after a handler that cleared them with vzeroall") {
  PROCSIG_SKIP_WITHOUT_REGISTER_SITES();
#if defined(__x86_64__)
  if (!__builtin_cpu_supports("avx")) {
    GTEST_SKIP() << "this CPU has no AVX";
  }
  uint8_t in[16 * 32];
  uint8_t out[16 * 32] = {};
  Pattern(in, sizeof in, 0x5a);
  ASSERT_TRUE(SpinThroughSignal([&] { signals::procsig_spin_avx(&g_spin, in, out); }));
  for (int reg = 0; reg < 16; ++reg) {
    EXPECT_EQ(std::memcmp(in + 32 * reg, out + 32 * reg, 32), 0) << "ymm" << reg;
  }
#endif
}

}  // namespace
}  // namespace procsig::test
