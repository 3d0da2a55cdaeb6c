// Breaks: exec does not close descriptors marked FD_CLOEXEC (it clears the
//   flag on every descriptor first), as a loader that execs by hand might.
// Caught-by: EXEC.CLOEXEC_CLOSED
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

namespace {

void ClearCloexec() {
  for (int fd = 0; fd < 256; ++fd) {
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0) {
      ::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
    }
  }
}

}  // namespace

extern "C" int execve(const char* path, char* const argv[], char* const envp[]) {
  using Execve = int (*)(const char*, char* const[], char* const[]);
  static const auto real = reinterpret_cast<Execve>(::dlsym(RTLD_NEXT, "execve"));
  ClearCloexec();
  return real(path, argv, envp);
}

extern "C" int execv(const char* path, char* const argv[]) { return execve(path, argv, environ); }
