// Floating-point and SIMD register state across a signal handler, per
// architecture: the kernel (or an emulator) saves every FP/SIMD register in
// the signal frame and sigreturn restores it, so a handler that overwrites
// them all leaves the interrupted code's values in place. x86-64 SSE/AVX is
// in its own file (issue 13); here are aarch64 (V0-V31, FPCR) and riscv64
// (F0-F31, frm). On another architecture each test is skipped, naming it.
//
// The signal arrives synchronously, inside one asm block: the registers
// are loaded, tgkill() is issued by the same block's system call
// instruction (the handler runs as that call returns), and the registers
// are stored, so no compiler-generated code can touch them in between.
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

#include "assertion.h"
#include "scoped_signal.h"

namespace procsig::test {
namespace {

constexpr int kRegisters = 32;

volatile sig_atomic_t g_handled = 0;

#if defined(__aarch64__)
// 16 bytes a register: V0-V31 as q0-q31.
struct Bank {
  alignas(16) std::uint8_t bytes[kRegisters * 16];
};

// Overwrites every vector register and the rounding mode (FPCR.RMode).
// Only the caller-saved registers are named as clobbered: named, V8-V15
// would be saved and restored by this function itself, and the test would
// no longer see whether sigreturn restores them. Its caller is the signal
// trampoline, which restores everything from the frame, so nothing relies
// on them afterwards.
void ClobberFpsimd(int /*sig*/) {
  asm volatile(
      "movi v0.16b, #0xa5\n movi v1.16b, #0xa5\n movi v2.16b, #0xa5\n movi v3.16b, #0xa5\n"
      "movi v4.16b, #0xa5\n movi v5.16b, #0xa5\n movi v6.16b, #0xa5\n movi v7.16b, #0xa5\n"
      "movi v8.16b, #0xa5\n movi v9.16b, #0xa5\n movi v10.16b, #0xa5\n movi v11.16b, #0xa5\n"
      "movi v12.16b, #0xa5\n movi v13.16b, #0xa5\n movi v14.16b, #0xa5\n movi v15.16b, #0xa5\n"
      "movi v16.16b, #0xa5\n movi v17.16b, #0xa5\n movi v18.16b, #0xa5\n movi v19.16b, #0xa5\n"
      "movi v20.16b, #0xa5\n movi v21.16b, #0xa5\n movi v22.16b, #0xa5\n movi v23.16b, #0xa5\n"
      "movi v24.16b, #0xa5\n movi v25.16b, #0xa5\n movi v26.16b, #0xa5\n movi v27.16b, #0xa5\n"
      "movi v28.16b, #0xa5\n movi v29.16b, #0xa5\n movi v30.16b, #0xa5\n movi v31.16b, #0xa5\n"
      // RMode (bits 23:22) = 0b11, round towards zero.
      "mrs x9, fpcr\n orr x9, x9, #0xc00000\n msr fpcr, x9\n" ::
          : "x9", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v16", "v17", "v18", "v19", "v20",
            "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31", "memory");
  g_handled = 1;
}

// Loads `in` into V0-V31 and FPCR.RMode = 0b01 (towards +infinity), sends
// `sig` to this thread, stores V0-V31 into `out` and returns FPCR.
std::uint64_t RoundTrip(const Bank& in, Bank& out, int sig) {
  std::uint64_t fpcr = 0;
  register long x0 asm("x0") = ::getpid();
  register long x1 asm("x1") = ::gettid();
  register long x2 asm("x2") = sig;
  register long x8 asm("x8") = SYS_tgkill;
  asm volatile(
      "mrs x9, fpcr\n bic x9, x9, #0xc00000\n orr x9, x9, #0x400000\n msr fpcr, x9\n"
      "ldp q0, q1, [%[in], #0]\n ldp q2, q3, [%[in], #32]\n ldp q4, q5, [%[in], #64]\n"
      "ldp q6, q7, [%[in], #96]\n ldp q8, q9, [%[in], #128]\n ldp q10, q11, [%[in], #160]\n"
      "ldp q12, q13, [%[in], #192]\n ldp q14, q15, [%[in], #224]\n"
      "ldp q16, q17, [%[in], #256]\n ldp q18, q19, [%[in], #288]\n"
      "ldp q20, q21, [%[in], #320]\n ldp q22, q23, [%[in], #352]\n"
      "ldp q24, q25, [%[in], #384]\n ldp q26, q27, [%[in], #416]\n"
      "ldp q28, q29, [%[in], #448]\n ldp q30, q31, [%[in], #480]\n"
      "svc #0\n"
      "stp q0, q1, [%[out], #0]\n stp q2, q3, [%[out], #32]\n stp q4, q5, [%[out], #64]\n"
      "stp q6, q7, [%[out], #96]\n stp q8, q9, [%[out], #128]\n stp q10, q11, [%[out], #160]\n"
      "stp q12, q13, [%[out], #192]\n stp q14, q15, [%[out], #224]\n"
      "stp q16, q17, [%[out], #256]\n stp q18, q19, [%[out], #288]\n"
      "stp q20, q21, [%[out], #320]\n stp q22, q23, [%[out], #352]\n"
      "stp q24, q25, [%[out], #384]\n stp q26, q27, [%[out], #416]\n"
      "stp q28, q29, [%[out], #448]\n stp q30, q31, [%[out], #480]\n"
      "mrs %[fpcr], fpcr\n"
      // Back to round to nearest for the C++ code that follows.
      "mrs x9, fpcr\n bic x9, x9, #0xc00000\n msr fpcr, x9\n"
      : [fpcr] "=&r"(fpcr), "+r"(x0)
      : [in] "r"(in.bytes), [out] "r"(out.bytes), "r"(x1), "r"(x2), "r"(x8)
      : "x9", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12",
        "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25",
        "v26", "v27", "v28", "v29", "v30", "v31", "memory");
  return (fpcr >> 22) & 3;
}
constexpr std::uint64_t kRoundingSet = 1;  // towards +infinity
constexpr int kBytesPerRegister = 16;
#elif defined(__riscv) && __riscv_flen == 64
// 8 bytes a register: F0-F31 as doubles.
struct Bank {
  alignas(8) std::uint8_t bytes[kRegisters * 8];
};

#define PROCSIG_FREGS_(op, base)                                                                 \
  op " f0, 0(" base ")\n " op " f1, 8(" base ")\n " op " f2, 16(" base ")\n " op " f3, 24(" base \
     ")\n " op " f4, 32(" base ")\n " op " f5, 40(" base ")\n " op " f6, 48(" base ")\n " op     \
     " f7, 56(" base ")\n " op " f8, 64(" base ")\n " op " f9, 72(" base ")\n " op               \
     " f10, 80(" base ")\n " op " f11, 88(" base ")\n " op " f12, 96(" base ")\n " op            \
     " f13, 104(" base ")\n " op " f14, 112(" base ")\n " op " f15, 120(" base ")\n " op         \
     " f16, 128(" base ")\n " op " f17, 136(" base ")\n " op " f18, 144(" base ")\n " op         \
     " f19, 152(" base ")\n " op " f20, 160(" base ")\n " op " f21, 168(" base ")\n " op         \
     " f22, 176(" base ")\n " op " f23, 184(" base ")\n " op " f24, 192(" base ")\n " op         \
     " f25, 200(" base ")\n " op " f26, 208(" base ")\n " op " f27, 216(" base ")\n " op         \
     " f28, 224(" base ")\n " op " f29, 232(" base ")\n " op " f30, 240(" base ")\n " op         \
     " f31, 248(" base ")\n"

#define PROCSIG_FCLOBBERS_                                                                       \
  "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f13", "f14", \
      "f15", "f16", "f17", "f18", "f19", "f20", "f21", "f22", "f23", "f24", "f25", "f26", "f27", \
      "f28", "f29", "f30", "f31"

// Overwrites every F register and the rounding mode (frm = RTZ). As on
// aarch64, only the caller-saved registers are named as clobbered, so that
// fs0-fs11 are not saved and restored by this function itself.
void ClobberFd(int /*sig*/) {
  static const std::uint64_t kJunk[kRegisters] = {
      0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5,
      0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5,
      0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5,
      0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5,
      0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5,
      0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5,
      0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5,
      0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5};
  asm volatile(PROCSIG_FREGS_("fld", "%0") "fsrmi 1\n"  // frm = 1: round towards zero
               ::"r"(kJunk)
               : "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f10", "f11", "f12", "f13", "f14",
                 "f15", "f16", "f17", "f28", "f29", "f30", "f31", "memory");
  g_handled = 1;
}

// Loads `in` into F0-F31 and frm = 3 (towards +infinity), sends `sig` to
// this thread, stores F0-F31 into `out` and returns frm.
std::uint64_t RoundTrip(const Bank& in, Bank& out, int sig) {
  std::uint64_t frm = 0;
  register long a0 asm("a0") = ::getpid();
  register long a1 asm("a1") = ::gettid();
  register long a2 asm("a2") = sig;
  register long a7 asm("a7") = SYS_tgkill;
  asm volatile("fsrmi 3\n" PROCSIG_FREGS_("fld", "%[in]") "ecall\n" PROCSIG_FREGS_(
                   "fsd", "%[out]") "frrm %[frm]\n fsrmi 0\n"  // back to round to nearest
               : [frm] "=&r"(frm), "+r"(a0)
               : [in] "r"(in.bytes), [out] "r"(out.bytes), "r"(a1), "r"(a2), "r"(a7)
               : PROCSIG_FCLOBBERS_, "memory");
  return frm;
}
constexpr std::uint64_t kRoundingSet = 3;  // towards +infinity
constexpr int kBytesPerRegister = 8;
#endif

#if defined(__aarch64__) || (defined(__riscv) && __riscv_flen == 64)
// Every byte different, none 0xa5 (the handler's value).
void Fill(Bank& bank) {
  for (size_t i = 0; i < sizeof bank.bytes; ++i) {
    bank.bytes[i] = static_cast<std::uint8_t>(i * 7 + 1);
    if (bank.bytes[i] == 0xa5) {
      bank.bytes[i] = 0x5a;
    }
  }
}

void CheckRestored(void (*clobber)(int)) {
  g_handled = 0;
  ScopedSigaction action(SIGUSR1, clobber);
  ASSERT_TRUE(action.ok());
  Bank in{};
  Bank out{};
  Fill(in);
  const std::uint64_t rounding = RoundTrip(in, out, SIGUSR1);
  ASSERT_EQ(g_handled, 1) << "the handler did not run during the system call";
  for (int r = 0; r < kRegisters; ++r) {
    EXPECT_EQ(std::memcmp(in.bytes + r * kBytesPerRegister, out.bytes + r * kBytesPerRegister,
                          kBytesPerRegister),
              0)
        << "register " << r << " differs after the handler returned";
  }
  EXPECT_EQ(rounding, kRoundingSet) << "the rounding mode was not restored";
}
#endif

PROCSIG_TEST(ArchFp, Aarch64FpsimdRestored, "ARCH.AARCH64_FPSIMD_RESTORED",
             "XSH 2.4.3 Signal Actions",
             "aarch64: V0-V31 and FPCR's rounding mode are as they were before a handler that "
             "overwrote them all returned") {
#if defined(__aarch64__)
  CheckRestored(ClobberFpsimd);
#else
  GTEST_SKIP() << "aarch64 only";
#endif
}

PROCSIG_TEST(ArchFp, Riscv64FdRestored, "ARCH.RISCV64_FD_RESTORED", "XSH 2.4.3 Signal Actions",
             "riscv64: F0-F31 (D extension) and frm are as they were before a handler that "
             "overwrote them all returned") {
#if defined(__riscv) && __riscv_flen == 64
  CheckRestored(ClobberFd);
#else
  GTEST_SKIP() << "riscv64 with the D extension only";
#endif
}

}  // namespace
}  // namespace procsig::test
