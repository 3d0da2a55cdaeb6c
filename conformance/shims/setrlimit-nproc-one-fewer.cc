// Breaks: setrlimit(RLIMIT_NPROC, n) allows one process fewer than asked,
//   as qemu-user does: its own helper thread counts against the limit.
// Caught-by: RLIMIT.NPROC_FORK_LIMIT
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <dlfcn.h>
#include <sys/resource.h>

extern "C" int setrlimit(__rlimit_resource_t resource, const struct rlimit* limit) {
  using SetrlimitFn = int (*)(__rlimit_resource_t, const struct rlimit*);
  static const auto real = reinterpret_cast<SetrlimitFn>(::dlsym(RTLD_NEXT, "setrlimit"));
  if (resource != RLIMIT_NPROC || limit->rlim_cur == RLIM_INFINITY || limit->rlim_cur == 0) {
    return real(resource, limit);
  }
  struct rlimit changed = *limit;
  --changed.rlim_cur;
  return real(resource, &changed);
}
