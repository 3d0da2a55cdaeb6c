#pragma once

#include <algorithm>
#include <chrono>
#include <climits>

namespace procsig::load {

using Clock = std::chrono::steady_clock;

// The --deadline of a run, counted from its start.
class Deadline {
 public:
  explicit Deadline(double seconds)
      : seconds_(seconds),
        end_(Clock::now() +
             std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds))) {}

  double seconds() const { return seconds_; }
  Clock::time_point end() const { return end_; }
  bool passed() const { return Clock::now() >= end_; }

  // Milliseconds left, rounded up, for poll() and epoll_wait(); at most `cap`.
  int timeout_ms(int cap = INT_MAX) const {
    const auto left = end_ - Clock::now();
    if (left <= Clock::duration::zero()) {
      return 0;
    }
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return static_cast<int>(std::min<decltype(ms)>(ms, cap));
  }

 private:
  double seconds_;
  Clock::time_point end_;
};

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace procsig::load
