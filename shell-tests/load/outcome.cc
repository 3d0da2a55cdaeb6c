#include "outcome.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace procsig::load {

Outcome deadline_passed(double seconds, uint64_t incomplete, uint64_t total) {
  char text[160];
  (void)std::snprintf(
      text, sizeof text, "deadline of %g s passed with %llu of %llu connections incomplete",
      seconds, static_cast<unsigned long long>(incomplete), static_cast<unsigned long long>(total));
  return {kDeadlinePassed, text};
}

Outcome print_result(const std::string& json) {
  if (std::fputs(json.c_str(), stdout) < 0 || std::fputc('\n', stdout) < 0 ||
      std::fflush(stdout) != 0) {
    return {kFailed, std::string("stdout: ") + std::strerror(errno)};
  }
  return {};
}

}  // namespace procsig::load
