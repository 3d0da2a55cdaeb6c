// burst mode: every connection opened at once, one epoll loop for all.
//
// With --hold the connections stay open once echoed: the JSON line is the
// caller's checkpoint that every one is served (N children alive), and
// the end of file on stdin is its signal to close them all in one loop
// (N children ending at once). With --window W at most W connections are
// being opened or echoed at a time: N held at once, without N connects at
// once.
#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "exchange.h"
#include "modes.h"
#include "net.h"

namespace procsig::load {
namespace {

constexpr int kEventsPerWait = 256;

struct Connection {
  UniqueFd fd;
  Exchange exchange;
  bool connecting = true;
  uint32_t events = EPOLLOUT;  // what epoll watches for now
};

// Waits, within the deadline, for end of file (or an error) on stdin.
bool wait_for_stdin_eof(const Deadline& deadline) {
  char buffer[4096];
  for (;;) {
    pollfd watch{STDIN_FILENO, POLLIN, 0};
    const int ready = ::poll(&watch, 1, deadline.timeout_ms());
    if (ready == 0) {
      return false;
    }
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      return true;
    }
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
      return true;
    }
  }
}

class Burst {
 public:
  Burst(const Options& options, const Pattern& pattern) : options_(options), pattern_(pattern) {}

  Outcome run(const Deadline& deadline) {
    epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
    if (!epoll_) {
      return {kFailed, errno_text("epoll_create1", errno)};
    }
    const auto start = Clock::now();
    if (auto failure = open_all()) {
      return *failure;
    }
    if (auto failure = serve_all(deadline)) {
      return *failure;
    }
    const double seconds = seconds_since(start);
    char json[160];
    (void)std::snprintf(json, sizeof json,
                        R"({"mode":"burst","clients":%llu,"bytes":%llu,"seconds":%.6f})",
                        static_cast<unsigned long long>(options_.clients),
                        static_cast<unsigned long long>(options_.bytes), seconds);
    Outcome printed = print_result(json);
    if (printed.status != kVerified || !options_.hold) {
      return printed;
    }
    if (!wait_for_stdin_eof(deadline)) {
      return deadline_passed(deadline.seconds(), 0, options_.clients);
    }
    for (auto& connection : connections_) {
      connection.fd.reset();
    }
    return printed;
  }

 private:
  // Opens the first connections: all of them, or --window of them (then
  // each one echoed opens the next, so that no more than the window is in
  // progress at once and a small listen backlog is never overrun).
  std::optional<Outcome> open_all() {
    connections_.reserve(options_.clients);
    const uint64_t first = options_.window == 0 ? options_.clients : options_.window;
    while (connections_.size() < std::min(first, options_.clients)) {
      if (auto failure = open_next()) {
        return failure;
      }
    }
    return std::nullopt;
  }

  // Opens connection number connections_.size() (the vector never grows
  // past its reserve, so the addresses epoll keys on stay put).
  std::optional<Outcome> open_next() {
    const uint64_t i = connections_.size();
    std::string error;
    UniqueFd fd = start_connect(options_.endpoint, error);
    if (!fd) {
      return connection_failed(i, error);
    }
    epoll_event event{};
    event.events = EPOLLOUT;
    event.data.u64 = i;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd.get(), &event) != 0) {
      return connection_failed(i, errno_text("epoll_ctl", errno));
    }
    connections_.push_back({std::move(fd), Exchange(pattern_, i, options_.bytes)});
    return std::nullopt;
  }

  std::optional<Outcome> serve_all(const Deadline& deadline) {
    uint64_t incomplete = options_.clients;
    std::vector<unsigned char> scratch(kScratchSize);
    epoll_event events[kEventsPerWait];
    while (incomplete > 0) {
      const int ready = ::epoll_wait(epoll_.get(), events, kEventsPerWait, deadline.timeout_ms());
      if (ready < 0) {
        if (errno == EINTR) {
          continue;
        }
        return Outcome{kFailed, errno_text("epoll_wait", errno)};
      }
      if (ready == 0) {
        return deadline_passed(deadline.seconds(), incomplete, options_.clients);
      }
      for (int i = 0; i < ready; ++i) {
        const uint64_t index = events[i].data.u64;
        std::string error;
        if (!step(connections_[index], events[i].events, scratch, error)) {
          return connection_failed(index, error);
        }
        if (connections_[index].exchange.done()) {
          --incomplete;
          if (connections_.size() < options_.clients) {
            if (auto failure = open_next()) {
              return failure;
            }
          }
        }
      }
    }
    return std::nullopt;
  }

  // Advances one connection on the events epoll reported for it.
  bool step(Connection& connection, uint32_t ready, std::vector<unsigned char>& scratch,
            std::string& error) {
    const int fd = connection.fd.get();
    if (connection.connecting) {
      if (!finish_connect(fd, error)) {
        return false;
      }
      connection.connecting = false;
    }
    Exchange& exchange = connection.exchange;
    if (exchange.sending()) {
      exchange.send_some(fd);
    }
    if ((ready & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0 && !exchange.receive_some(fd, scratch)) {
      error = exchange.error();
      return false;
    }
    if (exchange.done()) {
      if (!options_.hold) {
        connection.fd.reset();  // which also takes it out of the epoll set
      } else if (::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr) != 0) {
        error = errno_text("epoll_ctl", errno);
        return false;
      }
      return true;
    }
    const uint32_t wanted = EPOLLIN | (exchange.sending() ? EPOLLOUT : 0U);
    if (wanted != connection.events) {
      epoll_event event{};
      event.events = wanted;
      event.data.u64 = static_cast<uint64_t>(&connection - connections_.data());
      if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &event) != 0) {
        error = errno_text("epoll_ctl", errno);
        return false;
      }
      connection.events = wanted;
    }
    return true;
  }

  const Options& options_;
  const Pattern& pattern_;
  UniqueFd epoll_;
  std::vector<Connection> connections_;
};

}  // namespace

Outcome run_burst(const Options& options, const Pattern& pattern, const Deadline& deadline) {
  return Burst(options, pattern).run(deadline);
}

}  // namespace procsig::load
