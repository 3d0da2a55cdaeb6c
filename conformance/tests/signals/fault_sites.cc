#include "fault_sites.h"

#if defined(__x86_64__)
// Hand-written so the faulting instruction is exactly at a known symbol.
asm(R"(
  .text
  .globl procsig_intdiv
  .type procsig_intdiv, @function
procsig_intdiv:
  movl %edi, %eax
  cltd
  .globl procsig_intdiv_site
procsig_intdiv_site:
  idivl %esi
  ret
  .size procsig_intdiv, .-procsig_intdiv

  .globl procsig_ud2_site
  .type procsig_ud2_site, @function
procsig_ud2_site:
  ud2
  ret
  .size procsig_ud2_site, .-procsig_ud2_site

  .globl procsig_int3_site
  .type procsig_int3_site, @function
procsig_int3_site:
  int3
  ret
  .size procsig_int3_site, .-procsig_int3_site
)");
#endif
