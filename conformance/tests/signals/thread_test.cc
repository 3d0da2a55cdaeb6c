// Signals and threads: thread-directed signals (pthread_kill, tgkill),
// process-directed signals go to a thread that does not block them,
// per-thread masks, SIGSTOP stops the whole process, _exit and exit_group
// from any thread end it, and a fault goes to the faulting thread.
//
// The tests that change the whole process (stop, exit, fault) run in a
// forked child that creates threads. The test process's only other thread
// (the deadline watchdog, support/test_deadline.h) blocks every signal and
// holds no C library lock across fork, and glibc and musl reset their
// allocator in a fork child, so the child may call pthread_create.
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "assertion.h"
#include "child.h"
#include "child_check.h"
#include "child_events.h"
#include "deadline.h"
#include "param_assertion.h"
#include "proc.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

pid_t GetTid() { return static_cast<pid_t>(::syscall(SYS_gettid)); }

struct ThreadLog {
  volatile sig_atomic_t count;
  volatile pid_t tid;
  volatile sig_atomic_t code;
  volatile pid_t pid;
  volatile sig_atomic_t had_info;
};
ThreadLog g_thread_log;

void RecordThread(int, siginfo_t* info, void*) {
  g_thread_log.had_info = info != nullptr;
  if (info != nullptr) {
    g_thread_log.code = info->si_code;
    g_thread_log.pid = info->si_pid;
  }
  g_thread_log.tid = GetTid();
  g_thread_log.count = g_thread_log.count + 1;
}

// A thread that publishes its tid, then waits with an empty mask (ppoll's
// atomic mask swap, like sigsuspend) until one signal has been handled, the
// test cancels it (the send failed) or the deadline passes. The signal is
// blocked in every thread before it starts, so one sent early stays pending
// until then.
struct Waiter {
  pthread_t thread{};
  volatile pid_t tid = 0;
  Pipe started;
  Pipe cancel;

  static void* Run(void* arg) {
    auto* self = static_cast<Waiter*>(arg);
    self->tid = GetTid();
    const char byte = 1;
    (void)::write(self->started.write_end.get(), &byte, 1);
    sigset_t none;
    sigemptyset(&none);
    const Deadline deadline = DeadlineIn();
    struct pollfd pfd {};
    pfd.fd = self->cancel.read_end.get();
    pfd.events = POLLIN;
    while (g_thread_log.count == 0) {
      const int left = MillisecondsLeft(deadline);
      if (left == 0) {
        break;
      }
      const struct timespec timeout = {left / 1000, (left % 1000) * 1000000L};
      if (::ppoll(&pfd, 1, &timeout, &none) > 0) {
        break;  // cancelled
      }
    }
    return nullptr;
  }
  bool Start() {
    if (!started.ok() || !cancel.ok() || ::pthread_create(&thread, nullptr, Run, this) != 0) {
      return false;
    }
    char byte;
    return ::read(started.read_end.get(), &byte, 1) == 1;
  }
  void Cancel() {
    const char byte = 1;
    (void)::write(cancel.write_end.get(), &byte, 1);
  }
  void Join() { ::pthread_join(thread, nullptr); }
};

enum class Directed { kPthreadKill, kTgkill, kProcess };

PROCSIG_PARAM_TEST(SignalThread, ReachesThread, "XSH 2.4.1 Signal Generation and Delivery",
                   "a signal sent to one thread (pthread_kill, tgkill), or to the process while "
                   "only that thread leaves it unblocked, is handled in that thread, with a "
                   "siginfo naming the sender",
                   Directed how) {
  g_thread_log = ThreadLog{};
  ScopedSigaction installed(SIGUSR1, RecordThread);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR1));
  Waiter waiter;
  ASSERT_TRUE(waiter.Start());
  bool sent = false;
  switch (how) {
    case Directed::kPthreadKill:
      sent = ::pthread_kill(waiter.thread, SIGUSR1) == 0;
      break;
    case Directed::kTgkill:
      sent = ::syscall(SYS_tgkill, ::getpid(), waiter.tid, SIGUSR1) == 0;
      break;
    case Directed::kProcess:
      sent = ::kill(::getpid(), SIGUSR1) == 0;
      break;
  }
  EXPECT_TRUE(sent) << DescribeErrno(errno);
  if (!sent) {
    waiter.Cancel();
  }
  waiter.Join();
  EXPECT_EQ(g_thread_log.count, 1);
  EXPECT_EQ(g_thread_log.tid, waiter.tid) << "handled in thread " << g_thread_log.tid;
  EXPECT_TRUE(g_thread_log.had_info);
  EXPECT_EQ(g_thread_log.code, how == Directed::kProcess ? SI_USER : SI_TKILL);
  EXPECT_EQ(g_thread_log.pid, ::getpid());
}
PROCSIG_INSTANCE(SignalThread, ReachesThread, PthreadKill, "SIGTHREAD.PTHREAD_KILL",
                 Directed::kPthreadKill)
PROCSIG_INSTANCE(SignalThread, ReachesThread, Tgkill, "SIGTHREAD.TGKILL", Directed::kTgkill)
PROCSIG_INSTANCE(SignalThread, ReachesThread, ProcessDirected, "SIGTHREAD.PROCESS_TO_UNBLOCKED",
                 Directed::kProcess)

struct MaskThread {
  sigset_t mask_after{};
  sigset_t pending_after{};
  int error = 0;
  Pipe go;       // the main thread: "pthread_kill sent"
  Pipe blocked;  // the thread: "SIGUSR2 blocked"

  static void* Run(void* arg) {
    auto* self = static_cast<MaskThread*>(arg);
    const sigset_t usr2 = ScopedSignalMask::Only(SIGUSR2);
    self->error = ::pthread_sigmask(SIG_BLOCK, &usr2, nullptr);
    const char byte = 1;
    (void)::write(self->blocked.write_end.get(), &byte, 1);
    char got;
    (void)::read(self->go.read_end.get(), &got, 1);
    ::pthread_sigmask(SIG_BLOCK, nullptr, &self->mask_after);
    ::sigpending(&self->pending_after);
    // Leave nothing pending: take the signal before the thread ends.
    int sig = 0;
    if (sigismember(&self->pending_after, SIGUSR2) == 1) {
      ::sigwait(&usr2, &sig);
    }
    return nullptr;
  }
};

PROCSIG_TEST(SignalThread, PerThreadMask, "SIGTHREAD.PER_THREAD_MASK", "XSH pthread_sigmask",
             "pthread_sigmask() changes the calling thread's mask only, and a signal sent to a "
             "thread that blocks it is pending for that thread, not for the others") {
  // A handler, so that a thread that failed to block SIGUSR2 counts it
  // instead of the default action ending the test process.
  g_thread_log = ThreadLog{};
  ScopedSigaction installed(SIGUSR2, RecordThread);
  ASSERT_TRUE(installed.ok());
  MaskThread state;
  ASSERT_TRUE(state.go.ok() && state.blocked.ok());
  pthread_t thread;
  ASSERT_EQ(::pthread_create(&thread, nullptr, MaskThread::Run, &state), 0);
  char byte;
  ASSERT_THAT(::read(state.blocked.read_end.get(), &byte, 1), SyscallSucceedsWithValue(1));
  sigset_t main_mask;
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, nullptr, &main_mask), 0);
  EXPECT_EQ(sigismember(&main_mask, SIGUSR2), 0) << "the other thread's block changed this one";
  EXPECT_EQ(::pthread_kill(thread, SIGUSR2), 0);
  sigset_t main_pending;
  ASSERT_THAT(::sigpending(&main_pending), SyscallSucceeds());
  EXPECT_EQ(sigismember(&main_pending, SIGUSR2), 0);
  ASSERT_THAT(::write(state.go.write_end.get(), &byte, 1), SyscallSucceedsWithValue(1));
  ASSERT_EQ(::pthread_join(thread, nullptr), 0);
  EXPECT_EQ(state.error, 0);
  EXPECT_EQ(sigismember(&state.mask_after, SIGUSR2), 1);
  EXPECT_EQ(sigismember(&state.pending_after, SIGUSR2), 1);
  EXPECT_EQ(g_thread_log.count, 0) << "SIGUSR2 was handled, not held pending";
}

// Child side: a thread that runs fn(arg) and, if fn returns, blocks.
void* BlockForever(void*) {
  for (;;) {
    ::pause();
  }
  return nullptr;
}

bool StartThread(void* (*fn)(void*), void* arg = nullptr) {
  pthread_t thread;
  return ::pthread_create(&thread, nullptr, fn, arg) == 0;
}

PROCSIG_TEST(SignalThread, StopStopsAllThreads, "SIGTHREAD.SIGSTOP_WHOLE_PROCESS",
             "XSH 2.4.3 Signal Actions",
             "SIGSTOP sent to a process with three threads stops it as a whole: the stop is "
             "reported once and every thread is stopped; SIGCONT resumes them all") {
  signals::ChildEvents events;
  Pipe done;
  ASSERT_TRUE(done.ok());
  const int done_fd = done.read_end.get();
  ChildReport report;
  auto child = ForkChild([done_fd, &report] {
    CHILD_CHECK(report, StartThread(BlockForever));
    CHILD_CHECK(report, StartThread(BlockForever));
    CHILD_CHECK(report, ::raise(SIGSTOP) == 0);
    char byte;
    CHILD_CHECK(report, ::read(done_fd, &byte, 1) == 1);
    return 0;
  });
  ASSERT_TRUE(child);
  siginfo_t info;
  ASSERT_TRUE(events.Wait(child, WSTOPPED | WEXITED, &info));
  ASSERT_EQ(info.si_code, CLD_STOPPED) << report.Failures();
  // The stop is reported only when the whole group has stopped; /proc adds
  // the kernel's view of each thread (an observation, where there is /proc).
  const std::string tasks = "/proc/" + std::to_string(child.pid()) + "/task";
  int threads = 0;
  int stopped = 0;
  if (DIR* dir = ::opendir(tasks.c_str())) {
    while (const dirent* entry = ::readdir(dir)) {
      if (entry->d_name[0] == '.') {
        continue;
      }
      ++threads;
      std::ifstream stat(tasks + "/" + entry->d_name + "/stat");
      std::string line;
      std::getline(stat, line);
      const auto paren = line.rfind(')');
      if (paren != std::string::npos && paren + 2 < line.size() &&
          (line[paren + 2] == 'T' || line[paren + 2] == 't')) {
        ++stopped;
      }
    }
    ::closedir(dir);
    EXPECT_EQ(threads, 3);
    EXPECT_EQ(stopped, threads);
  }
  ASSERT_THAT(::kill(child.pid(), SIGCONT), SyscallSucceeds());
  const char byte = 1;
  ASSERT_THAT(::write(done.write_end.get(), &byte, 1), SyscallSucceedsWithValue(1));
  ASSERT_TRUE(events.Wait(child, WEXITED, &info));
  EXPECT_EQ(info.si_code, CLD_EXITED);
  EXPECT_EQ(info.si_status, 0) << report.Failures();
}

enum class ThreadExit { kUnderscoreExit, kExitGroup, kExit };

void* EndProcess(void* arg) {
  switch (*static_cast<ThreadExit*>(arg)) {
    case ThreadExit::kUnderscoreExit:
      ::_exit(7);
    case ThreadExit::kExitGroup:
      ::syscall(SYS_exit_group, 7);
      break;
    case ThreadExit::kExit:
      ::exit(7);
  }
  return nullptr;
}

PROCSIG_PARAM_TEST(SignalThread, ExitFromThread, "XSH _Exit",
                   "_exit(), exit_group or exit() called in a thread other than the main one ends "
                   "the whole process (all threads) with that status",
                   ThreadExit how) {
  ChildReport report;
  auto child = ForkChild([how, &report] {
    CHILD_CHECK(report, StartThread(BlockForever));
    ThreadExit kind = how;
    CHILD_CHECK(report, StartThread(EndProcess, &kind));
    for (;;) {
      ::pause();  // the main thread never returns by itself
    }
    return 0;
  });
  ASSERT_TRUE(child);
  EXPECT_THAT(WaitForExit(child), ExitedWithStatus(7)) << report.Failures();
}
PROCSIG_INSTANCE(SignalThread, ExitFromThread, UnderscoreExit, "SIGTHREAD.EXIT_FROM_THREAD._EXIT",
                 ThreadExit::kUnderscoreExit)
PROCSIG_INSTANCE(SignalThread, ExitFromThread, ExitGroup, "SIGTHREAD.EXIT_FROM_THREAD.EXIT_GROUP",
                 ThreadExit::kExitGroup)
PROCSIG_INSTANCE(SignalThread, ExitFromThread, Exit, "SIGTHREAD.EXIT_FROM_THREAD.EXIT",
                 ThreadExit::kExit)

thread_local sigjmp_buf t_escape;
volatile pid_t g_fault_tid = 0;

void OnThreadFault(int, siginfo_t*, void*) {
  g_fault_tid = GetTid();
  siglongjmp(t_escape, 1);
}

struct Faulter {
  void* page = nullptr;
  volatile pid_t tid = 0;
  static void* Run(void* arg) {
    auto* self = static_cast<Faulter*>(arg);
    self->tid = GetTid();
    if (sigsetjmp(t_escape, 1) == 0) {
      *static_cast<volatile char*>(self->page) = 1;
    }
    return nullptr;
  }
};

PROCSIG_TEST(SignalThread, FaultToFaultingThread, "SIGTHREAD.FAULT_TO_FAULTING_THREAD",
             "XSH 2.4.1 Signal Generation and Delivery",
             "the SIGSEGV of a fault in one thread is handled in that thread, though other "
             "threads leave SIGSEGV unblocked") {
  ChildReport report;
  auto child = ForkChild([&report] {
    CHILD_CHECK(report, signals::NoCoreDumps());
    struct sigaction action {};
    action.sa_sigaction = OnThreadFault;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    CHILD_CHECK(report, ::sigaction(SIGSEGV, &action, nullptr) == 0);
    CHILD_CHECK(report, StartThread(BlockForever));
    Faulter faulter;
    faulter.page = ::mmap(nullptr, static_cast<size_t>(::getpagesize()), PROT_READ,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHILD_CHECK(report, faulter.page != MAP_FAILED);
    pthread_t thread;
    CHILD_CHECK(report, ::pthread_create(&thread, nullptr, Faulter::Run, &faulter) == 0);
    CHILD_CHECK(report, ::pthread_join(thread, nullptr) == 0);
    CHILD_CHECK(report, g_fault_tid == faulter.tid);
    return 0;
  });
  ASSERT_TRUE(child);
  EXPECT_TRUE(ChildSucceeded(child, report));
}

}  // namespace
}  // namespace procsig::test
