#include "pty.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <ctime>

#include "syscall_matchers.h"

namespace procsig::test::terminal {

Pty OpenPty() {
  Pty pty;
  pty.master.reset(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!pty.master) {
    ADD_FAILURE() << "posix_openpt failed: " << DescribeErrno(errno);
    return pty;
  }
  char name[128];
  if (::grantpt(pty.master.get()) != 0 || ::unlockpt(pty.master.get()) != 0 ||
      ::ptsname_r(pty.master.get(), name, sizeof name) != 0) {
    ADD_FAILURE() << "grantpt/unlockpt/ptsname_r failed: " << DescribeErrno(errno);
    pty.master.reset();
    return pty;
  }
  pty.slave = name;
  return pty;
}

int BecomeSessionLeaderWithTty(int master_fd, const char* slave) {
  ::close(master_fd);
  if (::setsid() < 0) {
    return -1;
  }
  const int fd = ::open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    return -1;
  }
  if (::ioctl(fd, TIOCSCTTY, 0) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

int AwaitSignal(const sigset_t& set) {
  struct timespec limit {
    10, 0
  };
  for (;;) {
    const int sig = ::sigtimedwait(&set, nullptr, &limit);
    if (sig < 0 && errno == EINTR) {
      continue;
    }
    return sig;
  }
}

int AwaitSignal(int sig) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  return AwaitSignal(set);
}

bool Block(int sig) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  return ::sigprocmask(SIG_BLOCK, &set, nullptr) == 0;
}

bool SetDisposition(int sig, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  return ::sigaction(sig, &action, nullptr) == 0;
}

}  // namespace procsig::test::terminal
