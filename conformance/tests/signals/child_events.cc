#include "child_events.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "wait_status.h"

namespace procsig::test::signals {

ChildEvents::ChildEvents() : blocked_(SIG_BLOCK, ScopedSignalMask::Only(SIGCHLD)) {}

bool ChildEvents::Wait(ScopedChild& child, int options, siginfo_t* info, Deadline deadline) {
  const sigset_t chld = ScopedSignalMask::Only(SIGCHLD);
  for (;;) {
    *info = siginfo_t{};
    if (::waitid(P_PID, static_cast<id_t>(child.pid()), info, options | WNOHANG) != 0) {
      ADD_FAILURE() << "waitid(" << child.pid() << ") failed: " << std::strerror(errno);
      return false;
    }
    if (info->si_pid == child.pid()) {
      const bool exited =
          info->si_code == CLD_EXITED || info->si_code == CLD_KILLED || info->si_code == CLD_DUMPED;
      if (exited && (options & WNOWAIT) == 0) {
        child.MarkReaped();
      }
      return true;
    }
    const int left = MillisecondsLeft(deadline);
    if (left == 0) {
      ADD_FAILURE() << "child " << child.pid() << ": no event (options " << options
                    << ") before the deadline";
      return false;
    }
    struct timespec timeout {};
    timeout.tv_sec = left / 1000;
    timeout.tv_nsec = static_cast<long>(left % 1000) * 1000000L;
    // EAGAIN (time out) and EINTR both just lead to the next waitid().
    ::sigtimedwait(&chld, nullptr, &timeout);
  }
}

ScopedTempDir::ScopedTempDir() {
  // /dev/shm first: the core files written here cost nothing on tmpfs and
  // tens of milliseconds each on a journalled disk.
  const char* base = std::getenv("TMPDIR");
  std::string parent = base != nullptr && *base != '\0' ? base : "/tmp";
  if (::access("/dev/shm", W_OK | X_OK) == 0) {
    parent = "/dev/shm";
  }
  std::string templ = parent + "/procsig-signals-XXXXXX";
  if (::mkdtemp(templ.data()) != nullptr) {
    path_ = templ;
  } else {
    ADD_FAILURE() << "mkdtemp(" << templ << ") failed: " << std::strerror(errno);
  }
}

ScopedTempDir::~ScopedTempDir() {
  if (path_.empty()) {
    return;
  }
  if (DIR* dir = ::opendir(path_.c_str())) {
    while (const dirent* entry = ::readdir(dir)) {
      if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) {
        ::unlink((path_ + "/" + entry->d_name).c_str());
      }
    }
    ::closedir(dir);
  }
  ::rmdir(path_.c_str());
}

int ScopedTempDir::CountEntries() const {
  int count = 0;
  if (DIR* dir = ::opendir(path_.c_str())) {
    while (const dirent* entry = ::readdir(dir)) {
      count += std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0;
    }
    ::closedir(dir);
  }
  return count;
}

namespace {
volatile sig_atomic_t g_self_kill_seen = 0;
void SeeSelfKill(int) { g_self_kill_seen = 1; }
// Like the test process's watchdog: a second thread blocking every signal
// (qemu-user behaves differently with one).
void* BlockedThread(void*) {
  for (;;) {
    ::pause();
  }
  return nullptr;
}
}  // namespace

bool SurvivesSelfKill(int sig) {
  // SIGSYS too, in a single-threaded child (a second thread is what upsets
  // qemu for the others, and qemu survives this one): valgrind 3.19 aborts
  // ("m_signals.c:2545 (async_signalhandler): Assertion 'tst->status ==
  // VgTs_WaitSys' failed") on a kill() of SIGSYS to a process with a handler
  // for it, which took the whole shard down.
  const bool synchronous =
      sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL || sig == SIGTRAP;
  if (!synchronous && sig != SIGSYS) {
    return true;
  }
  auto child = ForkChild([sig, synchronous] {
    NoCoreDumps();
    sigset_t all;
    sigset_t old;
    sigfillset(&all);
    pthread_t thread;
    if (synchronous && (::pthread_sigmask(SIG_SETMASK, &all, &old) != 0 ||
                        ::pthread_create(&thread, nullptr, BlockedThread, nullptr) != 0 ||
                        ::pthread_sigmask(SIG_SETMASK, &old, nullptr) != 0)) {
      return 1;
    }
    struct sigaction action {};
    action.sa_handler = SeeSelfKill;
    sigemptyset(&action.sa_mask);
    const sigset_t only = ScopedSignalMask::Only(sig);
    if (::sigaction(sig, &action, nullptr) != 0 ||
        ::sigprocmask(SIG_UNBLOCK, &only, nullptr) != 0 || ::kill(::getpid(), sig) != 0 ||
        g_self_kill_seen != 1) {
      return 1;
    }
    // Again while blocked, delivered on unblock.
    g_self_kill_seen = 0;
    if (::sigprocmask(SIG_BLOCK, &only, nullptr) != 0 || ::kill(::getpid(), sig) != 0 ||
        ::sigprocmask(SIG_UNBLOCK, &only, nullptr) != 0) {
      return 1;
    }
    return g_self_kill_seen == 1 ? 0 : 1;
  });
  if (!child) {
    return false;
  }
  const int status = WaitForExit(child);
  if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    return true;
  }
  ADD_FAILURE() << "a process with a handler for signal " << sig
                << " did not survive kill() of it to itself (" << DescribeWaitStatus(status)
                << "); not repeated in the test process";
  return false;
}

bool ResetToDefault(int sig) {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  return ::sigaction(sig, &dfl, nullptr) == 0 && ::sigprocmask(SIG_UNBLOCK, &set, nullptr) == 0;
}

bool NoCoreDumps() {
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_CORE, &limit) != 0) {
    return false;
  }
  // 0 stops a core file; a piped core_pattern ignores 0 and needs 1, which
  // the kernel reads as "no dump" (core(5)). 0 also stops qemu-user, which
  // writes its own qemu_*.core into the working directory for any limit > 0.
  char first = '\0';
  const int fd = ::open("/proc/sys/kernel/core_pattern", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    if (::read(fd, &first, 1) != 1) {
      first = '\0';
    }
    ::close(fd);
  }
  limit.rlim_cur = first == '|' && limit.rlim_max != 0 ? 1 : 0;
  return ::setrlimit(RLIMIT_CORE, &limit) == 0;
}

std::string CorePattern() {
  std::ifstream in("/proc/sys/kernel/core_pattern");
  std::string pattern;
  std::getline(in, pattern);
  return pattern;
}

bool CoreDumpsObservable() {
  const std::string pattern = CorePattern();
  struct rlimit limit {};
  return !pattern.empty() && pattern[0] != '/' && pattern[0] != '|' &&
         ::getrlimit(RLIMIT_CORE, &limit) == 0 && limit.rlim_max >= (16U << 20);
}

bool PrepareCoreDump(const char* dir, bool dump) {
  if (::chdir(dir) != 0) {
    return false;
  }
  if (!dump) {
    return NoCoreDumps();
  }
  // Dump no memory mappings, only the ELF headers and notes: the core is
  // still written (and the core bit set) in a millisecond instead of copying
  // the whole test process. Best effort: without /proc the full core is made.
  const int filter = ::open("/proc/self/coredump_filter", O_WRONLY | O_CLOEXEC);
  if (filter >= 0) {
    (void)::write(filter, "0\n", 2);
    ::close(filter);
  }
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_CORE, &limit) != 0) {
    return false;
  }
  limit.rlim_cur = limit.rlim_max;
  return ::setrlimit(RLIMIT_CORE, &limit) == 0;
}

}  // namespace procsig::test::signals
