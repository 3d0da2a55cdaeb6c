#pragma once

#include <sys/time.h>

namespace procsig {

// The chapter's alarm(seconds), scaled by PROCSIG_TIME_SCALE. A whole
// number of seconds uses alarm(); anything else (a scaled 2 s at 0.01 is
// 20 ms) uses setitimer(ITIMER_REAL), which also raises SIGALRM
// (C.ALL.TIME_SCALE). Everything is computed up front so that arm() can be
// called from a signal handler.
class ScaledAlarm {
 public:
  ScaledAlarm(double seconds, double scale);

  // Async-signal-safe: one alarm() or setitimer() call, errno preserved.
  void arm() const noexcept;
  void cancel() const noexcept;

  bool uses_itimer() const noexcept { return whole_seconds_ == 0; }
  const itimerval& timer() const noexcept { return timer_; }

 private:
  unsigned whole_seconds_ = 0;
  itimerval timer_{};
};

}  // namespace procsig
