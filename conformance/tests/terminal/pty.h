// Pseudo-terminals for the job-control tests. The test process opens the
// master (posix_openpt) and never makes any terminal its controlling one;
// a forked child becomes a session leader with the slave as its
// controlling terminal, and forks the process groups a test needs.
// Functions marked child-safe use only async-signal-safe calls.
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "unique_fd.h"

namespace procsig::test::terminal {

struct Pty {
  UniqueFd master;
  std::string slave;  // its path, /dev/pts/N
  bool ok() const { return master.valid() && !slave.empty(); }
};

// A new master (O_NOCTTY, close-on-exec) with its slave unlocked. Records a
// gtest failure and returns !ok() on error.
Pty OpenPty();

// Child-safe. Closes this process's copy of the master, starts a new
// session, opens the slave (O_NOCTTY) and makes it the controlling terminal
// with TIOCSCTTY. Returns the slave descriptor, or -1.
int BecomeSessionLeaderWithTty(int master_fd, const char* slave);

// Child-safe. Waits up to 10 s for one of `set`'s signals (blocked by the
// caller); returns it, or -1.
int AwaitSignal(const sigset_t& set);
int AwaitSignal(int sig);

// Child-safe. Blocks sig in the calling thread; false on error.
bool Block(int sig);
bool SetDisposition(int sig, void (*handler)(int));

// Child-safe. Forks a member of a new process group of this session (a
// background group while the caller's group is in the foreground), which
// runs fn(tty_fd) and _exits with its result. Returns its wait status as
// waitpid(WUNTRACED) first reports it; a stopped member is killed and
// reaped. -1 if the fork failed.
template <typename Fn>
int RunInBackgroundGroup(int tty_fd, Fn fn) {
  const pid_t member = ::fork();
  if (member == 0) {
    if (::setpgid(0, 0) != 0) {
      ::_exit(120);
    }
    ::_exit(fn(tty_fd));
  }
  if (member < 0) {
    return -1;
  }
  (void)::setpgid(member, member);  // either side may win; the child checks its own
  int status = 0;
  if (::waitpid(member, &status, WUNTRACED) != member) {
    return -1;
  }
  if (WIFSTOPPED(status)) {
    ::kill(member, SIGKILL);
    ::waitpid(member, nullptr, 0);
  }
  return status;
}

}  // namespace procsig::test::terminal
