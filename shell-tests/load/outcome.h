#pragma once

#include <cstdint>
#include <string>

namespace procsig::load {

// echo_load's exit statuses.
enum Status : int {
  kVerified = 0,  // every byte came back as sent
  kFailed = 1,    // a data error or a connection failure
  kBadUsage = 2,  // the command line (or the descriptor limit) does not allow the run
  kDeadlinePassed = 3,
};

// How a run ended: a status and, unless every byte was verified, the one
// line (without the "echo_load: " prefix) that says why.
struct Outcome {
  int status = kVerified;
  std::string message;
};

inline Outcome connection_failed(uint64_t connection, const std::string& what) {
  return {kFailed, "connection " + std::to_string(connection) + ": " + what};
}

Outcome deadline_passed(double seconds, uint64_t incomplete, uint64_t total);

// Writes one line of JSON on stdout and flushes it (a reader may be
// waiting for it). A failed write is an Outcome of its own.
Outcome print_result(const std::string& json);

}  // namespace procsig::load
