// fork() edge cases a porter meets: the environment, a child that closes
// every descriptor, record locks and timer_create timers (not inherited),
// only the calling thread in the child, the child's pid as a process-group
// ID, fork after many mappings; and pids no process can have, given to
// wait and kill.
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <vector>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "child_check.h"
#include "proc.h"
#include "process_helpers.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

// Child-safe getenv: walks environ.
const char* FindEnv(const char* name) {
  const size_t len = std::strlen(name);
  for (char** entry = ::environ; entry != nullptr && *entry != nullptr; ++entry) {
    if (std::strncmp(*entry, name, len) == 0 && (*entry)[len] == '=') {
      return *entry + len + 1;
    }
  }
  return nullptr;
}

bool Equal(const char* a, const char* b) { return a != nullptr && std::strcmp(a, b) == 0; }

class ScopedEnvVar {
 public:
  ScopedEnvVar(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnvVar() { ::unsetenv(name_); }
  ScopedEnvVar(const ScopedEnvVar&) = delete;
  ScopedEnvVar& operator=(const ScopedEnvVar&) = delete;

 private:
  const char* name_;
};

PROCSIG_TEST(Fork, EnvironCopied, "FORK.ENVIRON_COPIED", "XSH fork",
             "the child starts with a copy of the parent's environment, including a variable "
             "set just before fork()") {
  ScopedEnvVar var("PROCSIG_FORK_ENV", "parent");
  ChildReport report;
  auto child = ForkChild([&] {
    CHILD_CHECK(report, Equal(FindEnv("PROCSIG_FORK_ENV"), "parent"));
    return 0;
  });
  ASSERT_TRUE(child);
  EXPECT_TRUE(ChildSucceeded(child, report));
}

PROCSIG_TEST(Fork, EnvironNotShared, "FORK.ENVIRON_NOT_SHARED", "XSH fork",
             "after fork() the environments are separate: the child's change is not seen by the "
             "parent, nor the parent's later change by the child") {
  ScopedEnvVar var("PROCSIG_FORK_ENV", "before");
  static char child_value[] = "PROCSIG_FORK_ENV=child";
  Checkpoint changed;
  ChildReport report;
  auto child = ForkChild([&] {
    for (char** entry = ::environ; *entry != nullptr; ++entry) {
      if (std::strncmp(*entry, "PROCSIG_FORK_ENV=", 17) == 0) {
        *entry = child_value;
      }
    }
    CHILD_CHECK(report, changed.Wake());
    CHILD_CHECK(report, changed.Wait());  // the parent has changed its copy
    CHILD_CHECK(report, Equal(FindEnv("PROCSIG_FORK_ENV"), "child"));
    return 0;
  });
  ASSERT_TRUE(child);
  ASSERT_TRUE(changed.Wait());
  EXPECT_STREQ(std::getenv("PROCSIG_FORK_ENV"), "before");
  ::setenv("PROCSIG_FORK_ENV", "parent-later", 1);
  ASSERT_TRUE(changed.Wake());
  EXPECT_TRUE(ChildSucceeded(child, report));
}

PROCSIG_TEST(Fork, ChildClosesEveryDescriptor, "FORK.CHILD_CLOSES_ALL_FDS", "XSH fork",
             "the child can close every descriptor it inherited (here 100 more than usual), and "
             "the parent's stay open") {
  std::vector<UniqueFd> extra;
  for (int i = 0; i < 100; ++i) {
    extra.emplace_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(extra.back());
  }
  const std::set<int> open = OpenDescriptors();
  const std::vector<int> fds(open.begin(), open.end());
  auto child = ForkChild([&] {
    for (const int fd : fds) {
      if (::close(fd) != 0) {
        return 2;
      }
    }
    for (const int fd : fds) {
      if (::fcntl(fd, F_GETFD) >= 0) {
        return 3;
      }
    }
    return 0;
  });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0))
      << "2: a close() failed, 3: a descriptor was still open after close";
  for (const auto& fd : extra) {
    EXPECT_THAT(::fcntl(fd.get(), F_GETFD), SyscallSucceeds());
  }
}

// A scratch file, unlinked at once; the descriptor is kept.
UniqueFd ScratchFile() {
  char path[] = "/tmp/procsig-lock-XXXXXX";
  UniqueFd fd(::mkostemp(path, O_CLOEXEC));
  if (fd) {
    ::unlink(path);
  }
  return fd;
}

PROCSIG_TEST(Fork, RecordLocksNotInherited, "FORK.FCNTL_LOCKS_NOT_INHERITED", "XSH fork",
             "record locks (fcntl F_SETLK) the parent holds are not inherited: the child sees "
             "them as the parent's and cannot take a conflicting lock") {
  UniqueFd file = ScratchFile();
  ASSERT_TRUE(file);
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  lock.l_len = 1;
  ASSERT_THAT(::fcntl(file.get(), F_SETLK, &lock), SyscallSucceeds());
  const pid_t parent = ::getpid();
  const int fd = file.get();
  ChildReport report;
  auto child = ForkChild([&] {
    struct flock query {};
    query.l_type = F_WRLCK;
    query.l_whence = SEEK_SET;
    query.l_len = 1;
    CHILD_CHECK(report, ::fcntl(fd, F_GETLK, &query) == 0);
    CHILD_CHECK(report, query.l_type == F_WRLCK && query.l_pid == parent);
    struct flock mine = query;
    mine.l_type = F_WRLCK;
    CHILD_CHECK(report, ::fcntl(fd, F_SETLK, &mine) < 0 && (errno == EAGAIN || errno == EACCES));
    return 0;
  });
  ASSERT_TRUE(child);
  EXPECT_TRUE(ChildSucceeded(child, report));
}

PROCSIG_TEST(Fork, TimersNotInherited, "FORK.TIMER_CREATE_NOT_INHERITED", "XSH fork",
             "a timer the parent made with timer_create() does not exist in the child") {
  struct sigevent event {};
  event.sigev_notify = SIGEV_NONE;
  int id = -1;
  ASSERT_THAT(::syscall(SYS_timer_create, CLOCK_MONOTONIC, &event, &id), SyscallSucceeds());
  struct itimerspec value {};
  value.it_value.tv_sec = 100;
  EXPECT_THAT(::syscall(SYS_timer_settime, id, 0, &value, nullptr), SyscallSucceeds());
  ChildReport report;
  auto child = ForkChild([&] {
    struct itimerspec now {};
    CHILD_CHECK(report, ::syscall(SYS_timer_gettime, id, &now) < 0 && errno == EINVAL);
    return 0;
  });
  const bool forked = static_cast<bool>(child);
  if (forked) {
    EXPECT_TRUE(ChildSucceeded(child, report));
  }
  EXPECT_THAT(::syscall(SYS_timer_delete, id), SyscallSucceeds());
  EXPECT_TRUE(forked);
}

// Child-safe: the Threads: count from /proc/self/status.
int ThreadCount() {
  const int fd = ::open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return -1;
  }
  char text[4096];
  const ssize_t n = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  if (n <= 0) {
    return -1;
  }
  text[n] = '\0';
  const char* line = std::strstr(text, "\nThreads:");
  if (line == nullptr) {
    return -1;
  }
  line += 9;
  while (*line == ' ' || *line == '\t') {
    ++line;
  }
  int count = 0;
  for (; *line >= '0' && *line <= '9'; ++line) {
    count = count * 10 + (*line - '0');
  }
  return count;
}

void* BlockOnPipe(void* arg) {
  char byte;
  (void)!::read(*static_cast<int*>(arg), &byte, 1);
  return nullptr;
}

PROCSIG_TEST(Fork, OnlyCallingThread, "FORK.ONLY_CALLING_THREAD", "XSH fork",
             "the child of a multithreaded process has one thread, the one that called fork()") {
  Pipe release;
  ASSERT_TRUE(release.ok());
  int read_fd = release.read_end.get();
  pthread_t threads[3];
  for (auto& thread : threads) {
    ASSERT_EQ(::pthread_create(&thread, nullptr, BlockOnPipe, &read_fd), 0);
  }
  const int before = ThreadCount();
  auto child = ForkChild([] { return ThreadCount() == 1 ? 0 : 1; });
  (void)!::write(release.write_end.get(), "xxx", 3);
  for (auto& thread : threads) {
    ::pthread_join(thread, nullptr);
  }
  ASSERT_TRUE(child);
  EXPECT_GE(before, 4) << "the parent's own count (precondition)";
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0)) << "1: the child has more than one thread";
}

PROCSIG_TEST(Fork, PidIsNoGroup, "FORK.PID_NOT_A_PGID", "XSH fork",
             "the child's pid is not the ID of any existing process group: kill(-pid, 0) fails "
             "with ESRCH while the child is in its parent's group") {
  Checkpoint release;
  ScopedChild child = ForkHeldChild(release, 0);
  ASSERT_TRUE(child);
  EXPECT_EQ(::getpgid(child.pid()), ::getpgrp());
  EXPECT_THAT(::kill(-child.pid(), 0), SyscallFailsWithErrno(ESRCH));
  ASSERT_TRUE(release.Wake());
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
}

PROCSIG_TEST(Fork, AfterManyMappings, "FORK.AFTER_MANY_MAPPINGS", "XSH fork",
             "fork() right after 1000 separate mappings gives a child that sees each one's "
             "content, and whose writes stay private") {
  constexpr int kMappings = 1000;
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<char*> maps;
  struct Unmap {
    std::vector<char*>* maps;
    size_t page;
    ~Unmap() {
      for (char* p : *maps) {
        ::munmap(p, page);
      }
    }
  } unmap{&maps, page};
  for (int i = 0; i < kMappings; ++i) {
    // Alternating flags keep the kernel from merging neighbours.
    void* p = ::mmap(nullptr, page, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | (i % 2 ? MAP_NORESERVE : 0), -1, 0);
    ASSERT_NE(p, MAP_FAILED) << "mapping " << i;
    maps.push_back(static_cast<char*>(p));
    maps.back()[0] = static_cast<char>(i);
  }
  auto child = ForkChild([&] {
    for (int i = 0; i < kMappings; ++i) {
      if (maps[static_cast<size_t>(i)][0] != static_cast<char>(i)) {
        return 1;
      }
      maps[static_cast<size_t>(i)][0] = 'c';
    }
    return 0;
  });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0)) << "1: a mapping's content differs";
  for (int i = 0; i < kMappings; ++i) {
    ASSERT_EQ(maps[static_cast<size_t>(i)][0], static_cast<char>(i)) << "mapping " << i;
  }
}

PROCSIG_TEST(Fork, TimesReset, "FORK.TIMES_RESET", "XSH fork",
             "the child's times() counts start at zero: tms_cutime and tms_cstime are 0 even "
             "when the parent's are not") {
  // A child that burns CPU and is waited for makes the parent's counts > 0.
  auto burner = ForkChild([] {
    struct tms now {};
    do {
      if (::times(&now) == static_cast<clock_t>(-1)) {
        return 2;
      }
    } while (now.tms_utime + now.tms_stime < 2);  // two clock ticks of CPU
    return 0;
  });
  ASSERT_TRUE(burner);
  ASSERT_THAT(WaitForExit(burner), ExitedWithStatus(0));
  struct tms parent {};
  ASSERT_NE(::times(&parent), static_cast<clock_t>(-1));
  auto child = ForkChild([] {
    struct tms mine {};
    if (::times(&mine) == static_cast<clock_t>(-1)) {
      return 2;
    }
    return mine.tms_cutime == 0 && mine.tms_cstime == 0 ? 0 : 1;
  });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0)) << "1: the children's times were inherited";
}

PROCSIG_TEST(Fork, CpuClockReset, "FORK.CPU_CLOCK_RESET", "XSH fork",
             "the child's CPU-time clock (CLOCK_PROCESS_CPUTIME_ID) starts from zero, below "
             "what the parent has used") {
  struct timespec parent {};
  ASSERT_THAT(::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &parent), SyscallSucceeds());
  Pipe out;
  ASSERT_TRUE(out.ok());
  auto child = ForkChild([&] {
    struct timespec mine {};
    return ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mine) == 0 &&
                   WriteAll(out.write_end.get(), &mine, sizeof mine)
               ? 0
               : 2;
  });
  ASSERT_TRUE(child);
  struct timespec mine {};
  ASSERT_TRUE(ReadExact(out.read_end.get(), &mine, sizeof mine));
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(0));
  const long long parent_ns = parent.tv_sec * 1000000000LL + parent.tv_nsec;
  const long long child_ns = mine.tv_sec * 1000000000LL + mine.tv_nsec;
  EXPECT_LT(child_ns, parent_ns);
}

PROCSIG_TEST(Fork, SchedulingInherited, "FORK.SCHED_INHERITED", "XSH fork",
             "the child inherits the scheduling policy and nice value set before fork()") {
  ChildReport report;
  auto middle = ForkChild([&] {
    // A nice value above the current one: lowering it needs CAP_SYS_NICE,
    // which a suite run under `nice` as a user, or in a user namespace
    // (ci/cross/run-emulated), does not have.
    errno = 0;
    const int before = ::getpriority(PRIO_PROCESS, 0);
    CHILD_CHECK(report, errno == 0);
    const int set = before < 17 ? before + 3 : 19;
    CHILD_CHECK(report, ::setpriority(PRIO_PROCESS, 0, set) == 0);
    const int policy = ::sched_getscheduler(0);
    const pid_t child = ::fork();
    if (child == 0) {
      errno = 0;
      const int nice = ::getpriority(PRIO_PROCESS, 0);
      ::_exit(nice == set && errno == 0 && ::sched_getscheduler(0) == policy ? 0 : 1);
    }
    CHILD_CHECK(report, child > 0);
    int status = 0;
    CHILD_CHECK(report, ::waitpid(child, &status, 0) == child);
    CHILD_CHECK(report, WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return 0;
  });
  ASSERT_TRUE(middle);
  EXPECT_TRUE(ChildSucceeded(middle, report));
}

PROCSIG_TEST(Fork, AffinityInherited, "FORK.AFFINITY_INHERITED", "Linux sched_setaffinity(2)",
             "the child inherits the CPU affinity mask of the thread that forked") {
  cpu_set_t parent;
  CPU_ZERO(&parent);
  ASSERT_THAT(::sched_getaffinity(0, sizeof parent, &parent), SyscallSucceeds());
  ChildReport report;
  auto child = ForkChild([&] {
    cpu_set_t mine;
    CPU_ZERO(&mine);
    CHILD_CHECK(report, ::sched_getaffinity(0, sizeof mine, &mine) == 0);
    CHILD_CHECK(report, CPU_EQUAL(&mine, &parent));
    return 0;
  });
  ASSERT_TRUE(child);
  EXPECT_TRUE(ChildSucceeded(child, report));
}

long PidMax() {
  std::ifstream in("/proc/sys/kernel/pid_max");
  long value = 0;
  return (in >> value) ? value : 4194304;  // the kernel's upper bound
}

PROCSIG_CHARACTERISE(PidRange, WaitpidIntMin, "PIDRANGE.WAITPID_INT_MIN", "XSH waitpid",
                     "waitpid(INT_MIN) fails (-INT_MIN names no process group) and reaps "
                     "nothing, even with a zombie child waiting; which errno") {
  ScopedChild zombie = ForkZombie(0);
  ASSERT_TRUE(zombie);
  errno = 0;
  const pid_t got = ::waitpid(INT_MIN, nullptr, WNOHANG);
  const int error = errno;
  if (got == zombie.pid()) {
    zombie.MarkReaped();
  }
  ASSERT_EQ(got, -1) << "waitpid(INT_MIN) returned " << got;
  RecordObserved(ErrnoName(error));
  EXPECT_TRUE(error == ECHILD || error == ESRCH) << DescribeErrno(error);
  EXPECT_THAT(WaitForExit(zombie), ExitedWithStatus(0));
}

PROCSIG_TEST(PidRange, Wait4PastPidMax, "PIDRANGE.WAIT4_PID_MAX_PLUS_1", "XSH waitpid",
             "wait4() for pid_max + 1, which no process can have, fails with ECHILD") {
  ScopedChild zombie = ForkZombie(0);
  ASSERT_TRUE(zombie);
  EXPECT_THAT(::wait4(static_cast<pid_t>(PidMax() + 1), nullptr, WNOHANG, nullptr),
              SyscallFailsWithErrno(ECHILD));
  EXPECT_THAT(WaitForExit(zombie), ExitedWithStatus(0));
}

PROCSIG_TEST(PidRange, WaitpidNegativePastPidMax, "PIDRANGE.WAITPID_GROUP_PID_MAX_PLUS_1",
             "XSH waitpid",
             "waitpid(-(pid_max + 1)), a process group no process can lead, fails with ECHILD") {
  ScopedChild zombie = ForkZombie(0);
  ASSERT_TRUE(zombie);
  EXPECT_THAT(::waitpid(static_cast<pid_t>(-(PidMax() + 1)), nullptr, WNOHANG),
              SyscallFailsWithErrno(ECHILD));
  EXPECT_THAT(WaitForExit(zombie), ExitedWithStatus(0));
}

PROCSIG_TEST(PidRange, KillIntMin, "PIDRANGE.KILL_INT_MIN", "XSH kill",
             "kill(INT_MIN, 0) fails with ESRCH: there is no process group -INT_MIN") {
  EXPECT_THAT(::kill(INT_MIN, 0), SyscallFailsWithErrno(ESRCH));
}

PROCSIG_TEST(PidRange, KillPastPidMax, "PIDRANGE.KILL_PID_MAX_PLUS_1", "XSH kill",
             "kill(pid_max + 1, 0) and kill(-(pid_max + 1), 0) fail with ESRCH") {
  const auto pid = static_cast<pid_t>(PidMax() + 1);
  EXPECT_THAT(::kill(pid, 0), SyscallFailsWithErrno(ESRCH));
  EXPECT_THAT(::kill(-pid, 0), SyscallFailsWithErrno(ESRCH));
}

}  // namespace
}  // namespace procsig::test
