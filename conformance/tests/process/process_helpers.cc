#include "process_helpers.h"

#include <grp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "proc.h"

namespace procsig::test {

bool DropRootPrivileges() {
  if (::geteuid() != 0) {
    return true;
  }
  return ::setgroups(0, nullptr) == 0 && ::setgid(kUnprivilegedId) == 0 &&
         ::setuid(kUnprivilegedId) == 0;
}

bool WriteAll(int fd, const void* buf, size_t len) {
  const char* p = static_cast<const char*>(buf);
  while (len > 0) {
    const ssize_t n = ::write(fd, p, len);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    p += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

namespace {

// Waits for fd to be readable; false at the deadline.
bool WaitReadable(int fd, Deadline deadline) {
  for (;;) {
    struct pollfd pfd {};
    pfd.fd = fd;
    pfd.events = POLLIN;
    const int ready = ::poll(&pfd, 1, MillisecondsLeft(deadline));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    return ready > 0;
  }
}

}  // namespace

bool ReadExact(int fd, void* buf, size_t len, Deadline deadline) {
  char* p = static_cast<char*>(buf);
  while (len > 0) {
    if (!WaitReadable(fd, deadline)) {
      return false;
    }
    const ssize_t n = ::read(fd, p, len);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    p += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

std::string ReadUntilEof(int fd, bool* complete, Deadline deadline) {
  std::string text;
  *complete = false;
  char buf[4096];
  while (WaitReadable(fd, deadline)) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      *complete = n == 0;
      break;
    }
    text.append(buf, static_cast<size_t>(n));
  }
  return text;
}

ScopedChild ForkHeldChild(Checkpoint& release, int code) {
  return ForkChild([&release, code] { return release.Wait() ? code : 99; });
}

ScopedChild ForkZombie(int code) {
  auto child = ForkChild([code] { return code; });
  if (child && !AwaitChild(child.pid(), WEXITED)) {
    ADD_FAILURE() << "child " << child.pid() << " did not become a zombie before the deadline";
    child.KillAndReap();
  }
  return child;
}

ScopedChild ForkStoppingChild(Checkpoint& release) {
  return ForkChild([&release] {
    (void)::raise(SIGSTOP);
    return release.Wait() ? 0 : 99;
  });
}

}  // namespace procsig::test
