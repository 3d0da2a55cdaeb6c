#include "checkpoint.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace procsig::test {

Checkpoint::Checkpoint() : owner_(KernelPid()) {
  if (!ok()) {
    ADD_FAILURE() << "Checkpoint: pipe2() failed: " << std::strerror(errno);
  }
}

bool Checkpoint::IsOwner() const { return KernelPid() == owner_; }

bool Checkpoint::Wake() {
  const int fd = IsOwner() ? to_peer_.write_end.get() : to_owner_.write_end.get();
  const char token = 'k';
  ssize_t n;
  do {
    n = ::write(fd, &token, 1);
  } while (n < 0 && errno == EINTR);
  if (n == 1) {
    return true;
  }
  if (IsOwner()) {
    ADD_FAILURE() << "Checkpoint::Wake: write failed: " << std::strerror(errno);
  }
  return false;
}

bool Checkpoint::Wait(Deadline deadline) {
  const bool owner = IsOwner();
  const int fd = owner ? to_owner_.read_end.get() : to_peer_.read_end.get();
  for (;;) {
    struct pollfd pfd {};
    pfd.fd = fd;
    pfd.events = POLLIN;
    const int ready = ::poll(&pfd, 1, MillisecondsLeft(deadline));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready == 0) {
      if (owner) {
        ADD_FAILURE() << "Checkpoint::Wait: the other process did not wake us before the deadline";
      }
      return false;
    }
    char token;
    const ssize_t n = ::read(fd, &token, 1);
    if (n == 1) {
      return true;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (owner) {
      ADD_FAILURE() << "Checkpoint::Wait: " << (n == 0 ? "end of file" : std::strerror(errno));
    }
    return false;
  }
}

}  // namespace procsig::test
