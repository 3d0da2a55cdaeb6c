#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "net.h"

namespace procsig::load {

enum class Mode { kRate, kBulk, kBurst };

// A run, as the command line asked for it (see main.cc for the synopsis).
struct Options {
  Mode mode = Mode::kRate;
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  Endpoint endpoint;
  double deadline_seconds = 60;
  uint64_t clients = 0;      // rate: threads; burst: connections at once
  uint64_t connections = 0;  // rate only
  uint64_t bytes = 0;        // per connection
  bool hold = false;         // burst only
  uint64_t window = 0;       // burst only: connections in progress at once (0: all)
};

inline constexpr uint64_t kMaxRateClients = 1024;
inline constexpr uint64_t kMaxBurstClients = 1000000;
inline constexpr uint64_t kMaxConnections = 1000000000;
inline constexpr double kMaxDeadlineSeconds = 86400;

inline constexpr const char* kUsage =
    "Usage : echo_load rate|bulk|burst --port P [--host ADDR] [--deadline SECONDS] "
    "[--clients C] [--connections N] [--bytes B] [--hold] [--window W]";

// The options of argv, or the one line (without newline) that tells what
// is wrong with them.
std::variant<Options, std::string> parse_args(int argc, const char* const* argv);

}  // namespace procsig::load
