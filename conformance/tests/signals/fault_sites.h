// Instructions that fault, at addresses the tests know, so a handler can
// compare si_addr with the faulting instruction. x86-64 only for now: on
// other architectures kHaveFaultSites is false and the tests that need a
// site skip (integer division by zero does not trap on aarch64 or riscv64;
// their undefined-instruction and breakpoint sites are for the port to add).
#pragma once

namespace procsig::test::signals {

#if defined(__x86_64__)
inline constexpr bool kHaveFaultSites = true;
extern "C" {
// a / b with idiv; with b == 0 it raises SIGFPE at procsig_intdiv_site.
int procsig_intdiv(int a, int b);
void procsig_intdiv_site();
// Executes ud2 (SIGILL, ILL_ILLOPN) at its first byte.
void procsig_ud2_site();
// Executes int3 (SIGTRAP) and returns when the handler returns.
void procsig_int3_site();
}
#else
inline constexpr bool kHaveFaultSites = false;
#endif

}  // namespace procsig::test::signals
