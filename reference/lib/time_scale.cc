#include "time_scale.h"

#include <sys/select.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "args.h"
#include "errors.h"

namespace procsig {

std::optional<double> parse_time_scale(const char* text) {
  return parse_positive_decimal(text, 1000.0);
}

double load_time_scale() {
  const char* text = std::getenv("PROCSIG_TIME_SCALE");
  if (text == nullptr) {
    return 1.0;
  }
  const std::optional<double> value = parse_time_scale(text);
  if (!value) {
    die(kExitUsage, std::string("invalid PROCSIG_TIME_SCALE '") + text + "'",
        "must be a positive decimal number no greater than 1000");
  }
  return *value;
}

timespec scaled(double seconds, double scale) {
  constexpr long kMinimumNs = 1000;
  const double total_ns = std::round(seconds * scale * 1e9);
  const double whole = std::floor(total_ns / 1e9);
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(whole);
  ts.tv_nsec = static_cast<long>(total_ns - whole * 1e9);
  if (ts.tv_sec == 0 && ts.tv_nsec < kMinimumNs) {
    ts.tv_nsec = kMinimumNs;
  }
  return ts;
}

void sleep_fully(const timespec& duration) {
  // An absolute deadline on the monotonic clock: resuming after EINTR
  // neither loses nor adds time.
  timespec deadline{};
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += duration.tv_sec;
  deadline.tv_nsec += duration.tv_nsec;
  if (deadline.tv_nsec >= 1000000000L) {
    deadline.tv_sec += 1;
    deadline.tv_nsec -= 1000000000L;
  }
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr) == EINTR) {
  }
}

bool sleep_unless_signalled(const timespec& duration, const sigset_t& sleep_mask) {
  // pselect swaps in sleep_mask atomically with going to sleep; it is never
  // restarted after a handler ran, whatever SA_RESTART says.
  const int n = ::pselect(0, nullptr, nullptr, nullptr, &duration, &sleep_mask);
  return n < 0 && errno == EINTR;
}

}  // namespace procsig
