// Breaks: the return from a SIGALRM or SIGUSR1 handler restores a wrong
//   FP/SIMD register: the signal frame's copy of vector register 14 (x86-64
//   xmm14; aarch64 V14, and Z14's low half when the frame has SVE registers;
//   riscv64 F14) has every byte inverted, and on x86-64 the upper half of
//   ymm15 too, as an emulator or kernel whose signal frame saves or restores
//   the vector state wrongly would.
// Caught-by: SIGUSERMODE.SSE_PRESERVED SIGUSERMODE.AVX_PRESERVED
// Caught-by: ARCH.AARCH64_FPSIMD_RESTORED ARCH.RISCV64_FD_RESTORED
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail (on x86-64,
// the SIGUSERMODE ones; the ARCH ones skip there). It puts a trampoline
// between the kernel and the program's handler that edits the saved
// context after the handler, before sigreturn, and hides the trampoline
// from sigaction queries (as sigreturn-clobbers-rcx does for rcx).
//
// A static build cannot preload it; there it is linked in instead, with
// -Wl,--wrap=sigaction and PROCSIG_SHIM_WRAP defined (the
// conformance-mutant-sigreturn-clobbers-simd program of a -Dstatic=true
// build, conformance/meson.build), which is how the aarch64 and riscv64
// tests are shown to catch it under qemu-user.
#include <signal.h>
#include <ucontext.h>

#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#if defined(PROCSIG_SHIM_WRAP)
extern "C" int __real_sigaction(int, const struct sigaction*, struct sigaction*);
#else
#include <dlfcn.h>
#endif

namespace {

using SigactionFn = int (*)(int, const struct sigaction*, struct sigaction*);

SigactionFn Real() {
#if defined(PROCSIG_SHIM_WRAP)
  return __real_sigaction;
#else
  static const auto real = reinterpret_cast<SigactionFn>(::dlsym(RTLD_NEXT, "sigaction"));
  return real;
#endif
}

void Invert(void* bytes, std::size_t size) {
  auto* p = static_cast<unsigned char*>(bytes);
  for (std::size_t i = 0; i < size; ++i) {
    p[i] = static_cast<unsigned char>(~p[i]);
  }
}

#if defined(__x86_64__)
// The frame's FP state is an XSAVE image: the 512-byte FXSAVE area (xmm0-15
// at 160), software-reserved bytes at 464 that say whether extended state
// follows, the XSAVE header (XSTATE_BV) at 512, and the AVX component
// (ymm0-15's upper halves) where CPUID leaf 0xd, sub-leaf 2 says.
constexpr std::size_t kSwBytes = 464;
constexpr std::uint32_t kFpXstateMagic1 = 0x46505853;
constexpr std::size_t kXstateBv = 512;
constexpr std::uint64_t kAvxBit = 1u << 2;

void Corrupt(ucontext_t* uc) {
  auto* fp = reinterpret_cast<unsigned char*>(uc->uc_mcontext.fpregs);
  if (fp == nullptr) {
    return;
  }
  Invert(fp + 160 + 14 * 16, 16);
  std::uint32_t magic = 0;
  std::uint32_t xstate_size = 0;
  std::memcpy(&magic, fp + kSwBytes, sizeof magic);
  std::memcpy(&xstate_size, fp + kSwBytes + 16, sizeof xstate_size);
  unsigned eax = 0;
  unsigned ebx = 0;
  unsigned ecx = 0;
  unsigned edx = 0;
  if (magic != kFpXstateMagic1 || __get_cpuid_count(0xd, 2, &eax, &ebx, &ecx, &edx) == 0 ||
      eax != 256 || ebx + eax > xstate_size) {
    return;  // no AVX state in this frame
  }
  std::uint64_t xstate_bv = 0;
  std::memcpy(&xstate_bv, fp + kXstateBv, sizeof xstate_bv);
  if ((xstate_bv & kAvxBit) != 0) {  // else the upper halves are restored as zero, not read
    Invert(fp + ebx + 15 * 16, 16);
  }
}
#elif defined(__aarch64__)
// uc_mcontext.__reserved holds records, each a magic and a size: the
// FPSIMD one (fpsr, fpcr, then V0-V31), and on a CPU with SVE an SVE one,
// whose Z registers (when present) are what sigreturn restores instead,
// V n being Z n's low 128 bits.
constexpr std::uint32_t kFpsimdMagic = 0x46508001;
constexpr std::uint32_t kSveMagic = 0x53564501;
constexpr std::size_t kSveRegs = 16;  // offset of Z0 in the SVE record

void Corrupt(ucontext_t* uc) {
  unsigned char* record = uc->uc_mcontext.__reserved;
  unsigned char* const end = record + sizeof uc->uc_mcontext.__reserved;
  while (record + 8 <= end) {
    std::uint32_t magic = 0;
    std::uint32_t size = 0;
    std::memcpy(&magic, record, 4);
    std::memcpy(&size, record + 4, 4);
    if (magic == 0 || size < 8 || size > static_cast<std::size_t>(end - record)) {
      return;
    }
    if (magic == kFpsimdMagic && size >= 16 + 32 * 16) {
      Invert(record + 16 + 14 * 16, 16);
    } else if (magic == kSveMagic) {
      std::uint16_t vl = 0;  // bytes per Z register
      std::memcpy(&vl, record + 8, 2);
      if (vl != 0 && size >= kSveRegs + 15u * vl) {
        Invert(record + kSveRegs + 14u * vl, 16);
      }
    }
    record += size;
  }
}
#elif defined(__riscv) && __riscv_flen == 64
void Corrupt(ucontext_t* uc) { Invert(&uc->uc_mcontext.__fpregs.__d.__f[14], 8); }
#else
void Corrupt(ucontext_t*) {}
#endif

bool Wrapped(int sig) { return sig == SIGALRM || sig == SIGUSR1; }

struct sigaction g_user[2];  // the program's actions: [0] SIGALRM, [1] SIGUSR1

struct sigaction& User(int sig) {
  return g_user[sig == SIGALRM ? 0 : 1];
}

void Trampoline(int sig, siginfo_t* info, void* context) {
  const struct sigaction& user = User(sig);
  if ((user.sa_flags & SA_SIGINFO) != 0) {
    user.sa_sigaction(sig, info, context);
  } else {
    user.sa_handler(sig);
  }
  Corrupt(static_cast<ucontext_t*>(context));
}

}  // namespace

#if defined(PROCSIG_SHIM_WRAP)
#define PROCSIG_SHIM_SIGACTION __wrap_sigaction
#else
#define PROCSIG_SHIM_SIGACTION sigaction
#endif

extern "C" int PROCSIG_SHIM_SIGACTION(int sig, const struct sigaction* action,
                                      struct sigaction* old) {
  if (!Wrapped(sig)) {
    return Real()(sig, action, old);
  }
  const struct sigaction previous_user = User(sig);
  struct sigaction installed {};
  const struct sigaction* pass = action;
  const bool wrap =
      action != nullptr && action->sa_handler != SIG_DFL && action->sa_handler != SIG_IGN;
  if (wrap) {
    installed = *action;
    installed.sa_sigaction = Trampoline;
    installed.sa_flags |= SA_SIGINFO;
    pass = &installed;
  }
  const int result = Real()(sig, pass, old);
  if (result == 0) {
    if (old != nullptr && old->sa_sigaction == Trampoline) {
      // The kernel's record (its mask, its flags) with the program's handler.
      old->sa_sigaction = previous_user.sa_sigaction;
      old->sa_flags = (old->sa_flags & ~SA_SIGINFO) | (previous_user.sa_flags & SA_SIGINFO);
    }
    if (wrap) {
      User(sig) = *action;
    }
  }
  return result;
}
