#include "register_sites.h"

#if defined(__x86_64__)
// Hand-written: between loading the patterns and storing them back, the
// loop touches only memory (the control block), so any change to a register
// was made by the signal delivery and return.
asm(R"(
  .text
  .globl procsig_spin_gpr
  .type procsig_spin_gpr, @function
procsig_spin_gpr:
  pushq %rbx
  pushq %rbp
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movabsq $0x0101010101010101, %rax
  movabsq $0x0202020202020202, %rbx
  movabsq $0x0303030303030303, %rcx
  movabsq $0x0404040404040404, %rdx
  movabsq $0x0505050505050505, %rbp
  movabsq $0x0606060606060606, %r8
  movabsq $0x0707070707070707, %r9
  movabsq $0x0808080808080808, %r10
  movabsq $0x0909090909090909, %r11
  movabsq $0x0a0a0a0a0a0a0a0a, %r12
  movabsq $0x0b0b0b0b0b0b0b0b, %r13
  movabsq $0x0c0c0c0c0c0c0c0c, %r14
  movabsq $0x0d0d0d0d0d0d0d0d, %r15
  movl $1, 4(%rdi)
procsig_gpr_loop:
  cmpl $0, (%rdi)
  jne procsig_gpr_done
  decq 8(%rdi)
  jnz procsig_gpr_loop
procsig_gpr_done:
  movq %rax, 0(%rsi)
  movq %rbx, 8(%rsi)
  movq %rcx, 16(%rsi)
  movq %rdx, 24(%rsi)
  movq %rbp, 32(%rsi)
  movq %r8, 40(%rsi)
  movq %r9, 48(%rsi)
  movq %r10, 56(%rsi)
  movq %r11, 64(%rsi)
  movq %r12, 72(%rsi)
  movq %r13, 80(%rsi)
  movq %r14, 88(%rsi)
  movq %r15, 96(%rsi)
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbp
  popq %rbx
  ret
  .size procsig_spin_gpr, .-procsig_spin_gpr

  .globl procsig_spin_sse
  .type procsig_spin_sse, @function
procsig_spin_sse:
  movdqu 0(%rsi), %xmm0
  movdqu 16(%rsi), %xmm1
  movdqu 32(%rsi), %xmm2
  movdqu 48(%rsi), %xmm3
  movdqu 64(%rsi), %xmm4
  movdqu 80(%rsi), %xmm5
  movdqu 96(%rsi), %xmm6
  movdqu 112(%rsi), %xmm7
  movdqu 128(%rsi), %xmm8
  movdqu 144(%rsi), %xmm9
  movdqu 160(%rsi), %xmm10
  movdqu 176(%rsi), %xmm11
  movdqu 192(%rsi), %xmm12
  movdqu 208(%rsi), %xmm13
  movdqu 224(%rsi), %xmm14
  movdqu 240(%rsi), %xmm15
  movl $1, 4(%rdi)
procsig_sse_loop:
  cmpl $0, (%rdi)
  jne procsig_sse_done
  decq 8(%rdi)
  jnz procsig_sse_loop
procsig_sse_done:
  movdqu %xmm0, 0(%rdx)
  movdqu %xmm1, 16(%rdx)
  movdqu %xmm2, 32(%rdx)
  movdqu %xmm3, 48(%rdx)
  movdqu %xmm4, 64(%rdx)
  movdqu %xmm5, 80(%rdx)
  movdqu %xmm6, 96(%rdx)
  movdqu %xmm7, 112(%rdx)
  movdqu %xmm8, 128(%rdx)
  movdqu %xmm9, 144(%rdx)
  movdqu %xmm10, 160(%rdx)
  movdqu %xmm11, 176(%rdx)
  movdqu %xmm12, 192(%rdx)
  movdqu %xmm13, 208(%rdx)
  movdqu %xmm14, 224(%rdx)
  movdqu %xmm15, 240(%rdx)
  ret
  .size procsig_spin_sse, .-procsig_spin_sse

  .globl procsig_spin_avx
  .type procsig_spin_avx, @function
procsig_spin_avx:
  vmovdqu 0(%rsi), %ymm0
  vmovdqu 32(%rsi), %ymm1
  vmovdqu 64(%rsi), %ymm2
  vmovdqu 96(%rsi), %ymm3
  vmovdqu 128(%rsi), %ymm4
  vmovdqu 160(%rsi), %ymm5
  vmovdqu 192(%rsi), %ymm6
  vmovdqu 224(%rsi), %ymm7
  vmovdqu 256(%rsi), %ymm8
  vmovdqu 288(%rsi), %ymm9
  vmovdqu 320(%rsi), %ymm10
  vmovdqu 352(%rsi), %ymm11
  vmovdqu 384(%rsi), %ymm12
  vmovdqu 416(%rsi), %ymm13
  vmovdqu 448(%rsi), %ymm14
  vmovdqu 480(%rsi), %ymm15
  movl $1, 4(%rdi)
procsig_avx_loop:
  cmpl $0, (%rdi)
  jne procsig_avx_done
  decq 8(%rdi)
  jnz procsig_avx_loop
procsig_avx_done:
  vmovdqu %ymm0, 0(%rdx)
  vmovdqu %ymm1, 32(%rdx)
  vmovdqu %ymm2, 64(%rdx)
  vmovdqu %ymm3, 96(%rdx)
  vmovdqu %ymm4, 128(%rdx)
  vmovdqu %ymm5, 160(%rdx)
  vmovdqu %ymm6, 192(%rdx)
  vmovdqu %ymm7, 224(%rdx)
  vmovdqu %ymm8, 256(%rdx)
  vmovdqu %ymm9, 288(%rdx)
  vmovdqu %ymm10, 320(%rdx)
  vmovdqu %ymm11, 352(%rdx)
  vmovdqu %ymm12, 384(%rdx)
  vmovdqu %ymm13, 416(%rdx)
  vmovdqu %ymm14, 448(%rdx)
  vmovdqu %ymm15, 480(%rdx)
  vzeroupper
  ret
  .size procsig_spin_avx, .-procsig_spin_avx
)");
#endif
