// Breaks: tcsetattr() cannot clear ISIG (the flag is forced on), as a
//   terminal emulation layer that always generates job-control signals
//   would: ^C in raw input kills the reader.
// Caught-by: TTY.NO_ISIG_NO_SIGNAL
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <termios.h>

extern "C" int tcsetattr(int fd, int when, const struct termios* mode) {
  using Tcsetattr = int (*)(int, int, const struct termios*);
  static const auto real = reinterpret_cast<Tcsetattr>(::dlsym(RTLD_NEXT, "tcsetattr"));
  struct termios forced = *mode;
  forced.c_lflag |= ISIG;
  return real(fd, when, &forced);
}
