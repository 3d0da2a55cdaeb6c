// procsig-process-probe: run by the exec, posix_spawn and parent-death tests
// after exec to report what the new process image started with. Prints one
// "key value" line each:
//   pid ppid pgrp sid uid euid gid egid   its identity
//   threads                               threads in the process (/proc/self/status)
//   altstack                              "on" if an alternate signal stack is set, else "off"
//   fds                                   the open descriptors below 256, comma-separated
//   cloexec                               those of them with FD_CLOEXEC set
//   blocked pending ignored caught        signal sets as hex masks, bit (sig - 1)
//   pdeathsig                             PR_GET_PDEATHSIG
//   itimer_ms                             milliseconds left on ITIMER_REAL
//   cwd                                   the working directory
//   env                                   $PROCSIG_PROBE, or "-" when unset
//   timer                                 with --timer=ID: errno of timer_gettime(ID) as a
//                                         number (0: the kernel timer still exists)
// With --wait-fd=N it first reads one byte from descriptor N (10 s limit) and
// exits 3 if none comes. Exit status 0, 1 if stdout cannot be written, 2 bad
// usage.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

namespace {

std::uint64_t Bit(int sig) { return std::uint64_t{1} << (sig - 1); }

std::uint64_t MaskOf(const sigset_t& set) {
  std::uint64_t mask = 0;
  for (int sig = 1; sig <= SIGRTMAX && sig <= 64; ++sig) {
    if (sigismember(&set, sig) == 1) {
      mask |= Bit(sig);
    }
  }
  return mask;
}

int Threads() {
  FILE* status = std::fopen("/proc/self/status", "r");
  if (status == nullptr) {
    return -1;
  }
  char line[256];
  int threads = -1;
  while (std::fgets(line, sizeof line, status) != nullptr) {
    if (std::sscanf(line, "Threads: %d", &threads) == 1) {
      break;
    }
  }
  std::fclose(status);
  return threads;
}

bool ParseInt(const char* text, long* value) {
  char* end = nullptr;
  errno = 0;
  *value = std::strtol(text, &end, 10);
  return *text != '\0' && *end == '\0' && errno == 0;
}

}  // namespace

int main(int argc, char** argv) {
  long timer_id = -1;
  for (int i = 1; i < argc; ++i) {
    long value = 0;
    if (std::strncmp(argv[i], "--timer=", 8) == 0 && ParseInt(argv[i] + 8, &value)) {
      timer_id = value;
    } else if (std::strncmp(argv[i], "--wait-fd=", 10) == 0 && ParseInt(argv[i] + 10, &value)) {
      struct pollfd pfd {};
      pfd.fd = static_cast<int>(value);
      pfd.events = POLLIN;
      char byte;
      if (poll(&pfd, 1, 10000) != 1 || read(pfd.fd, &byte, 1) != 1) {
        return 3;
      }
    } else {
      std::fprintf(stderr, "procsig-process-probe: unknown argument '%s'\n", argv[i]);
      return 2;
    }
  }

  std::string fds;
  std::string cloexec;
  for (int fd = 0; fd < 256; ++fd) {
    const int flags = fcntl(fd, F_GETFD);
    if (flags < 0) {
      continue;
    }
    fds += (fds.empty() ? "" : ",") + std::to_string(fd);
    if ((flags & FD_CLOEXEC) != 0) {
      cloexec += (cloexec.empty() ? "" : ",") + std::to_string(fd);
    }
  }

  sigset_t blocked;
  sigset_t pending;
  sigprocmask(SIG_BLOCK, nullptr, &blocked);
  sigpending(&pending);
  std::uint64_t ignored = 0;
  std::uint64_t caught = 0;
  for (int sig = 1; sig <= SIGRTMAX && sig <= 64; ++sig) {
    struct sigaction old {};
    if (sigaction(sig, nullptr, &old) != 0) {
      continue;
    }
    if ((old.sa_flags & SA_SIGINFO) == 0 && old.sa_handler == SIG_IGN) {
      ignored |= Bit(sig);
    } else if ((old.sa_flags & SA_SIGINFO) != 0 || old.sa_handler != SIG_DFL) {
      caught |= Bit(sig);
    }
  }

  stack_t stack{};
  sigaltstack(nullptr, &stack);
  int pdeathsig = -1;
  prctl(PR_GET_PDEATHSIG, &pdeathsig);
  struct itimerval itimer {};
  getitimer(ITIMER_REAL, &itimer);
  const long itimer_ms = itimer.it_value.tv_sec * 1000 + itimer.it_value.tv_usec / 1000;
  char cwd[4096] = "?";
  (void)!getcwd(cwd, sizeof cwd);
  const char* env = std::getenv("PROCSIG_PROBE");
  int timer_errno = -1;
  if (timer_id >= 0) {
    struct itimerspec value {};
    timer_errno = syscall(SYS_timer_gettime, timer_id, &value) == 0 ? 0 : errno;
  }

  std::printf("pid %d\nppid %d\npgrp %d\nsid %d\n", getpid(), getppid(), getpgrp(), getsid(0));
  std::printf("uid %u\neuid %u\ngid %u\negid %u\n", getuid(), geteuid(), getgid(), getegid());
  std::printf("threads %d\naltstack %s\n", Threads(), (stack.ss_flags & SS_DISABLE) ? "off" : "on");
  std::printf("fds %s\ncloexec %s\n", fds.empty() ? "-" : fds.c_str(),
              cloexec.empty() ? "-" : cloexec.c_str());
  std::printf("blocked %llx\npending %llx\nignored %llx\ncaught %llx\n",
              static_cast<unsigned long long>(MaskOf(blocked)),
              static_cast<unsigned long long>(MaskOf(pending)),
              static_cast<unsigned long long>(ignored), static_cast<unsigned long long>(caught));
  std::printf("pdeathsig %d\nitimer_ms %ld\ncwd %s\nenv %s\ntimer %d\n", pdeathsig, itimer_ms, cwd,
              env == nullptr ? "-" : env, timer_errno);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
