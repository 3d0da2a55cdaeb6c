// LTP's fork05, i386 only: a segment the parent set up in its LDT
// (modify_ldt) and loaded into a segment register is still there in the
// child: fork copies the LDT and the segment registers. LTP loads %gs; here
// it is %fs, because i386 glibc keeps its thread pointer in %gs. The child
// also checks that %gs (glibc's TLS selector) came across unchanged. On an
// x86-64 kernel this runs through the compat modify_ldt and fork paths.
#include <unistd.h>

#if defined(__i386__)
#include <asm/ldt.h>
#include <sys/syscall.h>
#endif

#include <cstdint>

#include "assertion.h"
#include "child.h"
#include "syscall_matchers.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

#if defined(__i386__)
constexpr std::uint32_t kMagic = 0x12345678;
alignas(16) volatile std::uint32_t g_segment_word = kMagic;

// LDT entry 0 with RPL 3: index 0 << 3 | TI (LDT) 4 | RPL 3.
constexpr std::uint16_t kLdtSelector = 0x7;

std::uint16_t FsSelector() {
  std::uint16_t sel = 0;
  asm volatile("movw %%fs, %0" : "=r"(sel));
  return sel;
}
std::uint16_t GsSelector() {
  std::uint16_t sel = 0;
  asm volatile("movw %%gs, %0" : "=r"(sel));
  return sel;
}
std::uint32_t FsWord() {
  std::uint32_t word = 0;
  asm volatile("movl %%fs:0, %0" : "=r"(word));
  return word;
}
#endif

PROCSIG_TEST(ArchI386, LdtSegmentInherited, "ARCH.I386_LDT_INHERITED", "XSH fork",
             "i386: a child sees the parent's LDT segment through the same %fs selector, and "
             "the parent's %gs (LTP fork05)") {
#if defined(__i386__)
  user_desc desc{};
  desc.entry_number = 0;
  desc.base_addr = static_cast<unsigned>(reinterpret_cast<std::uintptr_t>(&g_segment_word));
  desc.limit = sizeof g_segment_word - 1;
  desc.seg_32bit = 1;
  desc.useable = 1;
  ASSERT_THAT(::syscall(SYS_modify_ldt, 1, &desc, sizeof desc), SyscallSucceeds());
  const std::uint16_t old_fs = FsSelector();
  asm volatile("movw %0, %%fs" ::"r"(kLdtSelector));
  const std::uint16_t gs = GsSelector();
  const std::uint32_t parent_word = FsWord();
  auto child = ForkChild([gs] {
    if (FsSelector() != kLdtSelector) {
      return 1;
    }
    if (FsWord() != kMagic) {
      return 2;
    }
    return GsSelector() == gs ? 0 : 3;
  });
  asm volatile("movw %0, %%fs" ::"r"(old_fs));
  ASSERT_EQ(parent_word, kMagic) << "the parent cannot read its own LDT segment";
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0))
      << "exit 1: %fs is not the LDT selector in the child; 2: %fs:0 does not read the "
         "parent's word; 3: %gs differs";
#else
  GTEST_SKIP() << "i386 only (LDT segments and %fs/%gs selectors)";
#endif
}

}  // namespace
}  // namespace procsig::test
