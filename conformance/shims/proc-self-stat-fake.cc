// Breaks: opening /proc/self/stat gives a made-up text with only the pid and
//   the command filled in and every other field 0 (state '0', ppid 0,
//   pgrp 0), as qemu-user 7.2 writes for the guest.
// Caught-by: PROCFS.SELF_STAT_PPID PROCFS.SELF_STAT_PGRP PROCFS.SELF_STAT_STATE
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

namespace {

// A memfd holding "PID (procsig) 0 0 0 ...\n", or -1.
int FakeStat() {
  char text[256];
  char digits[16];
  int n = 0;
  for (pid_t pid = ::getpid(); pid > 0; pid /= 10) {
    digits[n++] = static_cast<char>('0' + pid % 10);
  }
  int len = 0;
  while (n > 0) {
    text[len++] = digits[--n];
  }
  const char rest[] = " (procsig) 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
  std::memcpy(text + len, rest, sizeof rest - 1);
  len += static_cast<int>(sizeof rest - 1);
  const int fd = ::memfd_create("fake-stat", MFD_CLOEXEC);
  if (fd < 0 || ::write(fd, text, static_cast<size_t>(len)) != len ||
      ::lseek(fd, 0, SEEK_SET) != 0) {
    return -1;
  }
  return fd;
}

using OpenFn = int (*)(const char*, int, ...);

int OpenOrFake(const char* name, const char* path, int flags, va_list args) {
  if (std::strcmp(path, "/proc/self/stat") == 0) {
    return FakeStat();
  }
  const auto real = reinterpret_cast<OpenFn>(::dlsym(RTLD_NEXT, name));
  const mode_t mode = (flags & (O_CREAT | O_TMPFILE)) != 0 ? va_arg(args, mode_t) : 0;
  return real(path, flags, mode);
}

}  // namespace

// With _FILE_OFFSET_BITS=64 (Meson's default) <fcntl.h> names this open64,
// which is what the tests' open() calls.
extern "C" int open(const char* path, int flags, ...) {
  va_list args;
  va_start(args, flags);
  const int fd = OpenOrFake(sizeof(off_t) == 8 ? "open64" : "open", path, flags, args);
  va_end(args);
  return fd;
}
