// Breaks: vfork() runs as a plain fork(): the child gets a copy of the
//   memory and the parent does not wait, as under qemu-user.
// Caught-by: VFORK.MEMORY_SHARED VFORK.RETURNS_CHILD_PID
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <unistd.h>

extern "C" pid_t vfork() { return ::fork(); }
