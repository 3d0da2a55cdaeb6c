// Breaks: getpid() answers a stale cached ID, that of a process which has
//   since ended, in every process (the pid cache that went stale after
//   clone in old C libraries and some emulators). A child told to signal its
//   parent by the parent's getpid() signals no one, so a test waiting in
//   pause() or sigsuspend() for that signal would wait forever: its deadline
//   must end it and name it.
// Caught-by: SIGDELIVERY.PAUSE_EINTR SIGDELIVERY.SIGSUSPEND_EINTR FORK.CHILD_NEW_PID
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

// The ID of a child that has already been reaped: nobody has it now.
pid_t StalePid() {
  const pid_t child = static_cast<pid_t>(::syscall(SYS_fork));
  if (child == 0) {
    ::_exit(0);
  }
  if (child < 0) {
    return static_cast<pid_t>(::syscall(SYS_getpid));
  }
  while (::waitpid(child, nullptr, 0) < 0) {
  }
  return child;
}

}  // namespace

extern "C" pid_t getpid() {
  static const pid_t stale = StalePid();
  return stale;
}
