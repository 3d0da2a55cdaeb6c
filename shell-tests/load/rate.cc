// rate mode: how many short connections per second.
#include <poll.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "exchange.h"
#include "modes.h"
#include "net.h"

namespace procsig::load {
namespace {

// A thread that waits in poll() looks at the shared stop flag this often.
constexpr int kStopCheckMs = 100;

enum class Ending { kEchoed, kFailed, kStopped };

struct Shared {
  std::atomic<uint64_t> next{0};
  std::atomic<uint64_t> echoed{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::optional<Outcome> failure;  // the first one

  void fail(Outcome outcome) {
    const std::lock_guard<std::mutex> lock(mutex);
    if (!failure) {
      failure = std::move(outcome);
    }
    stop = true;
  }
};

// One connection from connect to checked echo. The socket is closed on
// return.
Ending echo_once(const Options& options, Exchange& exchange, const Deadline& deadline,
                 const std::atomic<bool>& stop, std::vector<unsigned char>& scratch,
                 std::string& error) {
  const UniqueFd fd = start_connect(options.endpoint, error);
  if (!fd) {
    return Ending::kFailed;
  }
  bool connecting = true;
  pollfd watch{fd.get(), POLLOUT, 0};
  for (;;) {
    const int ready = ::poll(&watch, 1, deadline.timeout_ms(kStopCheckMs));
    if (ready < 0 && errno != EINTR) {
      error = errno_text("poll", errno);
      return Ending::kFailed;
    }
    if (ready <= 0) {
      if (stop || deadline.passed()) {
        return Ending::kStopped;
      }
      continue;
    }
    if (connecting) {
      if (!finish_connect(fd.get(), error)) {
        return Ending::kFailed;
      }
      connecting = false;
    }
    if (exchange.sending()) {
      exchange.send_some(fd.get());
    }
    if ((watch.revents & (POLLIN | POLLERR | POLLHUP)) != 0 &&
        !exchange.receive_some(fd.get(), scratch)) {
      error = exchange.error();
      return Ending::kFailed;
    }
    if (exchange.done()) {
      return Ending::kEchoed;
    }
    watch.events = static_cast<short>(POLLIN | (exchange.sending() ? POLLOUT : 0));
  }
}

void client(const Options& options, const Pattern& pattern, const Deadline& deadline,
            Shared& shared) {
  std::vector<unsigned char> scratch(kScratchSize);
  std::string error;
  while (!shared.stop) {
    const uint64_t connection = shared.next++;
    if (connection >= options.connections) {
      return;
    }
    Exchange exchange(pattern, connection, options.bytes);
    switch (echo_once(options, exchange, deadline, shared.stop, scratch, error)) {
      case Ending::kEchoed:
        ++shared.echoed;
        break;
      case Ending::kFailed:
        shared.fail(connection_failed(connection, error));
        return;
      case Ending::kStopped:
        shared.stop = true;
        return;
    }
  }
}

}  // namespace

Outcome run_rate(const Options& options, const Pattern& pattern, const Deadline& deadline) {
  Shared shared;
  const auto start = Clock::now();
  {
    std::vector<std::jthread> clients;
    for (uint64_t i = 0; i < std::min(options.clients, options.connections); ++i) {
      clients.emplace_back(
          [&options, &pattern, &deadline, &shared] { client(options, pattern, deadline, shared); });
    }
  }  // joined here
  const double seconds = seconds_since(start);
  if (shared.failure) {
    return *shared.failure;
  }
  if (shared.echoed < options.connections) {
    return deadline_passed(deadline.seconds(), options.connections - shared.echoed,
                           options.connections);
  }
  char json[256];
  (void)std::snprintf(json, sizeof json,
                      R"({"mode":"rate","clients":%llu,"connections":%llu,"bytes":%llu,)"
                      R"("seconds":%.6f,"per_second":%.1f})",
                      static_cast<unsigned long long>(options.clients),
                      static_cast<unsigned long long>(options.connections),
                      static_cast<unsigned long long>(options.bytes), seconds,
                      static_cast<double>(options.connections) / seconds);
  return print_result(json);
}

}  // namespace procsig::load
