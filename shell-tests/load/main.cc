// echo_load: the load generator the stress suite and ci/bench drive echo
// servers with; every byte that comes back is checked.
//
// echo_load MODE --port P [--host ADDR] [--deadline SECONDS] [mode options]
//   --host      IPv4/IPv6 literal, default 127.0.0.1
//   --deadline  give up after this many seconds (default 60): exit 3
// Sizes are a byte count or one with a suffix: 64, 64KiB, 16MiB, 1GiB.
//
// rate  --clients C --connections N [--bytes B=64]
//   C threads; N connections in all, each: connect, send B bytes, read B
//   back, check, close.
//   {"mode":"rate","clients":C,"connections":N,"bytes":B,"seconds":S,"per_second":R}
// bulk  [--bytes B=256MiB]
//   One connection: a writer thread sends B bytes then shuts down its side,
//   a reader thread checks them at the same time, then expects end of stream.
//   {"mode":"bulk","bytes":B,"seconds":S,"mib_per_second":X}
// burst --clients N [--bytes B=64] [--hold] [--window W]
//   N connections opened at once (with --window, W at a time: each one
//   echoed opens the next), B bytes echoed on each; time runs from
//   the first connect to the last byte echoed. Without --hold each closes
//   once echoed; with --hold all stay open, the JSON line is printed (and
//   flushed), and they are closed together at end of file on stdin.
//   {"mode":"burst","clients":N,"bytes":B,"seconds":S}
//
// Connection k sends its own stream (pattern.h), so a lost, duplicated,
// reordered, corrupted or misdelivered byte is caught.
// Exit status: 0 every byte verified; 1 a data error or a connection
// failure, one line `echo_load: connection K: <what>`; 2 bad usage (or a
// hard descriptor limit below what the run needs), one line; 3 the
// deadline passed, `echo_load: deadline of S s passed with K of N
// connections incomplete`. Forks nothing; every thread is joined.
#include <csignal>
#include <cstdio>
#include <exception>
#include <variant>

#include "args.h"
#include "modes.h"
#include "net.h"
#include "outcome.h"
#include "pattern.h"

namespace procsig::load {
namespace {

// Descriptors beyond the connections: stdio, epoll, a margin.
constexpr uint64_t kSpareDescriptors = 16;

Outcome run(const Options& options) {
  const uint64_t connections_at_once = options.mode == Mode::kBulk ? 1 : options.clients;
  if (auto problem = ensure_fd_limit(connections_at_once + kSpareDescriptors)) {
    return {kBadUsage, *problem};
  }
  const Pattern pattern;
  const Deadline deadline(options.deadline_seconds);
  switch (options.mode) {
    case Mode::kRate:
      return run_rate(options, pattern, deadline);
    case Mode::kBulk:
      return run_bulk(options, pattern, deadline);
    case Mode::kBurst:
      return run_burst(options, pattern, deadline);
  }
  return {kBadUsage, "no such mode"};
}

}  // namespace
}  // namespace procsig::load

int main(int argc, char** argv) {
  using namespace procsig::load;
  // A closed stdout is reported by print_result(), not fatal.
  (void)std::signal(SIGPIPE, SIG_IGN);
  auto parsed = parse_args(argc, argv);
  if (const auto* usage = std::get_if<std::string>(&parsed)) {
    (void)std::fprintf(stderr, "%s\n", usage->c_str());
    return kBadUsage;
  }
  Outcome outcome;
  try {
    outcome = run(std::get<Options>(parsed));
  } catch (const std::exception& e) {  // std::bad_alloc, a thread that cannot start
    outcome = {kFailed, e.what()};
  }
  if (outcome.status != kVerified) {
    (void)std::fprintf(stderr, "echo_load: %s\n", outcome.message.c_str());
  }
  return outcome.status;
}
