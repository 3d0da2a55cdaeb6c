// Spin loops that hold known values in registers until a signal handler
// has run while they spin, then store the registers for comparison (the
// register-state tests in usermode_test.cc). x86-64 only; other
// architectures set kHaveRegisterSites false and the tests skip until the
// port adds its own.
#pragma once

#include <cstdint>

namespace procsig::test::signals {

// Shared with the handler. The loop stores armed = 1 once its registers
// hold the patterns; the handler sets done only when armed, so the loop
// ends only after a delivery inside that window. budget bounds the spin
// (decremented each turn; the loop gives up at zero).
struct SpinControl {
  volatile int32_t done;
  volatile int32_t armed;
  volatile int64_t budget;
};

#if defined(__x86_64__)
inline constexpr bool kHaveRegisterSites = true;
extern "C" {
// rax, rbx, rcx, rdx, rbp, r8..r15 (13 values) loaded with
// 0x0101010101010101 * (i + 1), stored to out[i] after the spin.
void procsig_spin_gpr(SpinControl* control, uint64_t* out);
// xmm0..xmm15 loaded from in (16 x 16 bytes), stored to out.
void procsig_spin_sse(SpinControl* control, const uint8_t* in, uint8_t* out);
// ymm0..ymm15 loaded from in (16 x 32 bytes), stored to out. Needs AVX.
void procsig_spin_avx(SpinControl* control, const uint8_t* in, uint8_t* out);
}
inline constexpr int kGprCount = 13;
#else
inline constexpr bool kHaveRegisterSites = false;
#endif

}  // namespace procsig::test::signals
