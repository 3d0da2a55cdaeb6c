// Scoped changes to process-wide signal state. Tests are shuffled and run in
// one process, so every disposition, mask or timer a test sets must be put
// back when it ends, even when an ASSERT returns early.
#pragma once

#include <signal.h>
#include <sys/time.h>

namespace procsig::test {

// Installs an action for one signal; the destructor restores the previous
// action. ok() is false when sigaction() refused (the errno is in error()).
class ScopedSigaction {
 public:
  ScopedSigaction(int sig, const struct sigaction& action);
  // Convenience: handler (or SIG_IGN / SIG_DFL) with flags and an empty
  // sa_mask.
  ScopedSigaction(int sig, void (*handler)(int), int flags = 0);
  // Convenience for SA_SIGINFO handlers.
  ScopedSigaction(int sig, void (*action)(int, siginfo_t*, void*), int flags = SA_SIGINFO);
  ~ScopedSigaction();

  ScopedSigaction(const ScopedSigaction&) = delete;
  ScopedSigaction& operator=(const ScopedSigaction&) = delete;

  bool ok() const { return error_ == 0; }
  int error() const { return error_; }
  const struct sigaction& previous() const { return old_; }

 private:
  int sig_;
  int error_ = 0;
  struct sigaction old_ {};
};

// Changes the calling thread's signal mask (pthread_sigmask) and restores the
// previous mask on destruction.
class ScopedSignalMask {
 public:
  ScopedSignalMask(int how, const sigset_t& set);
  ~ScopedSignalMask();

  ScopedSignalMask(const ScopedSignalMask&) = delete;
  ScopedSignalMask& operator=(const ScopedSignalMask&) = delete;

  // Blocks exactly one signal (in addition to those already blocked).
  static sigset_t Only(int sig);

  bool ok() const { return error_ == 0; }
  int error() const { return error_; }
  const sigset_t& previous() const { return old_; }

 private:
  int error_ = 0;
  sigset_t old_{};
};

// alarm(seconds) now, alarm(0) on destruction: a leftover alarm would kill a
// later test with SIGALRM.
class ScopedAlarm {
 public:
  explicit ScopedAlarm(unsigned int seconds);
  ~ScopedAlarm();

  ScopedAlarm(const ScopedAlarm&) = delete;
  ScopedAlarm& operator=(const ScopedAlarm&) = delete;

  // What alarm() returned when this was set: the seconds left on an earlier
  // alarm, normally 0.
  unsigned int previous() const { return previous_; }

 private:
  unsigned int previous_;
};

// A one-shot or repeating ITIMER_REAL, disarmed on destruction. Only for
// tests where the timer IS the event under test (for example something to
// interrupt a blocking call); never use a timer to wait for another process.
class ScopedRealTimer {
 public:
  explicit ScopedRealTimer(long first_usec, long interval_usec = 0);
  ~ScopedRealTimer();

  ScopedRealTimer(const ScopedRealTimer&) = delete;
  ScopedRealTimer& operator=(const ScopedRealTimer&) = delete;

  bool ok() const { return error_ == 0; }
  int error() const { return error_; }

 private:
  int error_ = 0;
};

}  // namespace procsig::test
