#include "interrupt.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "proc.h"

namespace procsig::test::signals {

HandlerLog g_handler_log = {0, 0, -1};

void ResetHandlerLog(int ack_fd) {
  g_handler_log.count = 0;
  g_handler_log.last_signal = 0;
  g_handler_log.ack_fd = ack_fd;
}

void CountAndAck(int sig) {
  const int saved_errno = errno;
  g_handler_log.count = g_handler_log.count + 1;
  g_handler_log.last_signal = sig;
  if (g_handler_log.ack_fd >= 0) {
    const char token = 'a';
    // A full pipe only loses an acknowledgement nobody waits for.
    (void)!::write(g_handler_log.ack_fd, &token, 1);
  }
  errno = saved_errno;
}

namespace {

// "/proc/<pid>/stat" without snprintf, which is not async-signal-safe.
void StatPath(pid_t pid, char (&path)[32]) {
  char digits[16];
  int n = 0;
  for (unsigned long v = static_cast<unsigned long>(pid); n == 0 || v != 0; v /= 10) {
    digits[n++] = static_cast<char>('0' + v % 10);
  }
  const char prefix[] = "/proc/";
  int at = 0;
  for (const char* p = prefix; *p != '\0'; ++p) {
    path[at++] = *p;
  }
  while (n > 0) {
    path[at++] = digits[--n];
  }
  for (const char* p = "/stat"; *p != '\0'; ++p) {
    path[at++] = *p;
  }
  path[at] = '\0';
}

// The state letter of /proc/<pid>/stat, or '\0' if it cannot be read. The
// command name in parentheses may hold anything, so the state is the field
// after the last ')'.
char ReadState(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return '\0';
  }
  char buf[512];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  char state = '\0';
  for (ssize_t i = 0; i + 2 < n; ++i) {
    if (buf[i] == ')' && buf[i + 1] == ' ') {
      state = buf[i + 2];
    }
  }
  return state;
}

}  // namespace

bool WaitUntilSleeping(pid_t pid, Deadline deadline) {
  char path[32];
  StatPath(pid, path);
  for (;;) {
    const char state = ReadState(path);
    if (state == 'S') {
      return true;
    }
    if (state == '\0' || MillisecondsLeft(deadline) == 0) {
      return false;
    }
    PollPause();  // the deadline, not this, bounds the wait
  }
}

bool ReadByte(int fd, Deadline deadline) {
  for (;;) {
    struct pollfd pfd = {fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, MillisecondsLeft(deadline));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      return false;
    }
    char byte;
    const ssize_t n = ::read(fd, &byte, 1);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    return n == 1;
  }
}

bool WriteByte(int fd) {
  const char byte = 'x';
  ssize_t n;
  do {
    n = ::write(fd, &byte, 1);
  } while (n < 0 && errno == EINTR);
  return n == 1;
}

bool InterruptWhenBlocked(pid_t pid, int sig, int ack_fd, Deadline deadline) {
  return WaitUntilSleeping(pid, deadline) && ::kill(pid, sig) == 0 && ReadByte(ack_fd, deadline);
}

int ResendUntilReturned(pid_t pid, int sig, int ack_fd, int returned_fd, Deadline deadline) {
  for (int again = 0;; ++again) {
    // An interrupted call returns as soon as the handler has: a second
    // (scaled under a layer) is ample, and waiting too little only costs
    // one more signal.
    const Deadline moment = std::min(deadline, DeadlineIn(std::chrono::milliseconds(1000)));
    if (ReadByte(returned_fd, moment)) {
      return again;
    }
    if (!InterruptWhenBlocked(pid, sig, ack_fd, deadline)) {
      return -1;
    }
  }
}

int InterruptUntilReturned(pid_t pid, int sig, int ack_fd, int returned_fd, Deadline deadline) {
  if (!InterruptWhenBlocked(pid, sig, ack_fd, deadline)) {
    return 0;
  }
  const int again = ResendUntilReturned(pid, sig, ack_fd, returned_fd, deadline);
  return again < 0 ? 0 : 1 + again;
}

}  // namespace procsig::test::signals
