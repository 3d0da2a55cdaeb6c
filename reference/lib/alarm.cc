#include "alarm.h"

#include <unistd.h>

#include <cerrno>

#include "time_scale.h"

namespace procsig {

ScaledAlarm::ScaledAlarm(double seconds, double scale) {
  const timespec duration = scaled(seconds, scale);
  if (duration.tv_nsec == 0 && duration.tv_sec > 0) {
    whole_seconds_ = static_cast<unsigned>(duration.tv_sec);
  }
  timer_.it_value.tv_sec = duration.tv_sec;
  timer_.it_value.tv_usec = static_cast<suseconds_t>(duration.tv_nsec / 1000);
  if (timer_.it_value.tv_sec == 0 && timer_.it_value.tv_usec == 0) {
    timer_.it_value.tv_usec = 1;
  }
}

void ScaledAlarm::arm() const noexcept {
  const int saved = errno;
  if (whole_seconds_ > 0) {
    ::alarm(whole_seconds_);
  } else {
    ::setitimer(ITIMER_REAL, &timer_, nullptr);
  }
  errno = saved;
}

void ScaledAlarm::cancel() const noexcept {
  const int saved = errno;
  const itimerval off{};
  ::setitimer(ITIMER_REAL, &off, nullptr);  // also cancels an alarm()
  errno = saved;
}

}  // namespace procsig
