#include "test_deadline.h"

#include <pthread.h>
#include <setjmp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "deadline.h"

namespace procsig::test {

namespace {

// After the signal, how long the watchdog waits for the body to come back
// before it gives up on the jump and ends the process.
constexpr std::chrono::seconds kGrace{5};

// Shared with the signal handler: plain C types only.
sigjmp_buf g_jump;
volatile sig_atomic_t g_jump_ready = 0;
volatile pid_t g_body_tid = 0;

void OnWatchdogSignal(int /*sig*/) {
  // Only the thread running the body jumps, and only while its body runs:
  // a forked child inherits the handler but has another thread ID, and a
  // signal that arrives after the body returned is ignored.
  if (g_jump_ready != 0 && static_cast<pid_t>(::syscall(SYS_gettid)) == g_body_tid) {
    g_jump_ready = 0;
    siglongjmp(g_jump, 1);
  }
}

struct Watchdog {
  std::mutex mutex;
  std::condition_variable changed;
  bool armed = false;
  unsigned long generation = 0;
  Deadline deadline{};
  pthread_t target{};
  std::string name;
  long long timeout_seconds = 0;

  [[noreturn]] void Run() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      changed.wait(lock, [this] { return armed; });
      const unsigned long watched = generation;
      const auto done = [this, watched] { return !armed || generation != watched; };
      if (changed.wait_until(lock, deadline, done)) {
        continue;
      }
      ::pthread_kill(target, kWatchdogSignal);
      if (!changed.wait_for(lock, kGrace, done)) {
        (void)std::fprintf(stderr,
                           "conformance: %s passed its %lld s deadline and did not come back "
                           "when signalled (signal %d blocked?); ending the run\n",
                           name.c_str(), timeout_seconds, kWatchdogSignal);
        (void)std::fflush(stderr);
        std::_Exit(1);
      }
    }
  }
};

Watchdog* g_watchdog = nullptr;

}  // namespace

std::chrono::milliseconds BodyTimeout() {
  // PROCSIG_TIMEOUT_MULTIPLIER, read and checked once by main().
  return kBodyTimeout * TimeoutScale();
}

void StartWatchdog() {
  if (g_watchdog != nullptr) {
    return;
  }
  struct sigaction action {};
  action.sa_handler = OnWatchdogSignal;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  if (::sigaction(kWatchdogSignal, &action, nullptr) != 0) {
    std::perror("conformance: warning: no test deadlines: sigaction");
    return;
  }
  g_watchdog = new Watchdog;  // lives until the process ends
  // The thread blocks every signal, so process-directed signals the tests
  // send still reach the test thread only, as in a one-thread process.
  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  std::thread([] { g_watchdog->Run(); }).detach();
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

bool RunWithinDeadline(void (*body)(), std::chrono::milliseconds timeout, const std::string& name) {
  Watchdog* const watchdog = g_watchdog;
  if (watchdog == nullptr) {
    body();
    return true;
  }
  {
    const std::lock_guard<std::mutex> lock(watchdog->mutex);
    watchdog->armed = true;
    ++watchdog->generation;
    watchdog->deadline = Clock::now() + timeout;
    watchdog->target = ::pthread_self();
    watchdog->name = name;
    watchdog->timeout_seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
  }
  watchdog->changed.notify_one();
  const auto disarm = [watchdog] {
    {
      const std::lock_guard<std::mutex> lock(watchdog->mutex);
      watchdog->armed = false;
    }
    watchdog->changed.notify_one();
  };
  g_body_tid = static_cast<pid_t>(::syscall(SYS_gettid));
  // savemask 1: the jump also restores the signal mask of this point.
  if (sigsetjmp(g_jump, 1) == 0) {
    g_jump_ready = 1;
    body();
    g_jump_ready = 0;
    disarm();
    return true;
  }
  disarm();
  return false;
}

}  // namespace procsig::test
