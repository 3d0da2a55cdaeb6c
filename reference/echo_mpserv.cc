// echo_mpserv [--max-children N] [--idle-timeout SECONDS] <port> [<address>]:
// the chapter's fork-per-connection echo server, corrected:
// - SIGCHLD, SIGINT and SIGTERM stay blocked except inside ppoll(), whose
//   mask unblocks them; handlers only set flags and main reaps in a WNOHANG
//   loop, so no ended child is missed even when many end together
//   (C.ECHO_MPSERV.NO_ZOMBIE) and no signal slips in between a check and
//   the wait.
// - The backlog is SOMAXCONN, not 5 (C.ECHO_MPSERV.CONCURRENT); the
//   listening socket is non-blocking so a connection that vanishes between
//   ppoll() and accept() cannot stall the server.
// - The parent closes every accepted socket and the child the listening
//   one (C.ECHO_MPSERV.FDS); the child echoes with full writes and ends on
//   end of stream, EPIPE or ECONNRESET.
// - SIGINT/SIGTERM stop accepting, SIGTERM every child and reap them all
//   (C.ECHO_MPSERV.STOP).
// - At --max-children the listener is left out of ppoll() until a child is
//   reaped: a flood waits in the backlog instead of forking without bound
//   (C.ECHO_MPSERV.MAX_CHILDREN). A failed fork or accept is logged and
//   survived (C.ECHO_MPSERV.FORK_FAILS, C.ECHO_MPSERV.OUT_OF_FDS).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "args.h"
#include "errors.h"
#include "io.h"
#include "net.h"
#include "reaper.h"
#include "signals.h"
#include "time_scale.h"
#include "unique_fd.h"

namespace {

volatile sig_atomic_t g_child_ended = 0;
volatile sig_atomic_t g_stop = 0;

void on_sigchld(int) { g_child_ended = 1; }
void on_stop(int) { g_stop = 1; }

// At most this many accepts per wakeup, so pending signals are looked at
// even while clients keep arriving.
constexpr int kAcceptBatch = 64;

constexpr const char* kSynopsis = "[--max-children N] [--idle-timeout SECONDS] <port> [<address>]";

struct Options {
  long max_children = 1024;
  std::optional<double> idle_timeout;  // seconds; none: wait forever
  std::string idle_timeout_text;       // as given, for the log line
  uint16_t port = 0;
  std::string address = "127.0.0.1";
};

// Long options only, before the operands: "-1" stays an operand, so that it
// is reported as an invalid port (C.ECHO_MPSERV.BAD_PORT).
Options parse_options(int argc, char* argv[]) {
  Options options;
  int i = 1;
  for (; i < argc && std::strncmp(argv[i], "--", 2) == 0; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      ++i;
      break;
    }
    const size_t equals = arg.find('=');
    const std::string name = arg.substr(0, equals);
    if (name != "--max-children" && name != "--idle-timeout") {
      procsig::die_usage(kSynopsis);
    }
    std::string value;
    if (equals != std::string::npos) {
      value = arg.substr(equals + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      procsig::die_usage(kSynopsis);
    }
    if (name == "--max-children") {
      const std::optional<long> n = procsig::parse_count(value.c_str(), 1, 1000000);
      if (!n) {
        procsig::die(procsig::kExitUsage, "invalid --max-children '" + value + "'",
                     "must be an integer from 1 to 1000000");
      }
      options.max_children = *n;
    } else {
      options.idle_timeout = procsig::parse_positive_decimal(value.c_str(), 1e6);
      options.idle_timeout_text = value;
      if (!options.idle_timeout) {
        procsig::die(procsig::kExitUsage, "invalid --idle-timeout '" + value + "'",
                     "must be a positive decimal number of seconds, at most 1000000");
      }
    }
  }
  procsig::check_operand_count(argc - i + 1, 1, 2, kSynopsis);
  options.port = procsig::port_or_die(argv[i]);
  if (i + 1 < argc) {
    options.address = argv[i + 1];
  }
  return options;
}

// SO_RCVTIMEO and SO_SNDTIMEO turn a client that neither sends nor takes
// data into EAGAIN from read() or send(); each call that moves a byte
// starts the wait anew, so a slow but live client is never cut off.
void set_idle_timeout(int client, double seconds) {
  double whole = 0;
  const double fraction = std::modf(seconds, &whole);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(whole);
  tv.tv_usec = static_cast<suseconds_t>(fraction * 1e6);
  if (tv.tv_sec == 0 && tv.tv_usec == 0) {
    tv.tv_usec = 1;  // zero would mean "no timeout"
  }
  if (setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
      setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0) {
    procsig::die_errno(procsig::kExitRuntime, "setsockopt(SO_RCVTIMEO/SO_SNDTIMEO)", errno);
  }
}

// Sends all of `data`; MSG_NOSIGNAL turns a vanished client into EPIPE
// instead of a SIGPIPE. Returns 0 or an errno value (EAGAIN: idle timeout).
int send_fully(int client, const char* data, size_t len) {
  while (len > 0) {
    const ssize_t n = send(client, data, len, MSG_NOSIGNAL);
    if (n > 0) {
      data += n;
      len -= static_cast<size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      return errno;
    }
  }
  return 0;
}

// The log lines go to stdout in one write(2) each, formatted on the
// stack: what a line-buffered stdout delivers (docs/contract.md), without
// the stdio buffer and FILE that the parent would write after every fork
// and a child would copy, a page each. Nothing else is written to stdout
// (there is nothing for stdio to flush or to duplicate at fork).
void log_line(const char* line, size_t len) { (void)procsig::write_all(STDOUT_FILENO, line, len); }
template <size_t N>
void log_line(const char (&line)[N]) {
  log_line(line, N - 1);
}

// A child ends with _exit(): exit() would also run the destructors of the
// C++ runtime and of every shared library, whose writes to pages shared
// with the parent each cost a page copy (about a tenth of the connection
// rate, docs/performance.md).
[[noreturn]] void end_child(int status) { _exit(status); }

// The child's whole life: echo until the client closes, then exit. The
// buffer is most of the private memory a child costs once it has echoed
// that much: aligned to a page it shares no page with other data, and
// 24 KiB keeps a child under socat's memory; one connection then echoes at
// 0.8 to 1.0 of the in-line ceiling's rate, as load varies
// (docs/performance.md).
[[noreturn]] void serve_client(int client, const Options& options) {
  // Linux does not pass O_NONBLOCK from the listening socket to accepted
  // ones, but POSIX leaves it open.
  const int flags = fcntl(client, F_GETFL);
  if (flags >= 0 && (flags & O_NONBLOCK) != 0) {
    fcntl(client, F_SETFL, flags & ~O_NONBLOCK);
  }
  if (options.idle_timeout) {
    set_idle_timeout(client, *options.idle_timeout);
  }
  alignas(4096) static char buffer[24 * 1024];
  bool client_left = false;
  int error = 0;
  for (;;) {
    const ssize_t n = procsig::read_retry(client, buffer, sizeof buffer);
    if (n == 0) {
      client_left = true;
      break;
    }
    error = n < 0 ? errno : send_fully(client, buffer, static_cast<size_t>(n));
    if (error != 0) {
      client_left = error == EPIPE || error == ECONNRESET;
      break;
    }
  }
  // No close(client): _exit() closes it right after the log line. Closed
  // here, it cost the child about 15 µs more per connection, measured
  // (ci/bench/cpu-cost, docs/performance.md), and the line now comes
  // before the client sees the end of the connection.
  if (client_left) {
    log_line("client disconnected...\n");
    end_child(procsig::kExitOk);
  }
  if (error == EAGAIN || error == EWOULDBLOCK) {
    procsig::report("closing a client", "idle for " + options.idle_timeout_text + " s");
    end_child(procsig::kExitOk);
  }
  procsig::report_errno("echoing to a client", error);
  end_child(procsig::kExitRuntime);
}

class Server {
 public:
  // `wait_mask` is the mask ppoll() waits with; children run with it too,
  // so that SIGTERM reaches them even if our caller had it blocked.
  Server(procsig::UniqueFd listener, const sigset_t& wait_mask, Options options)
      : listener_(std::move(listener)), wait_mask_(wait_mask), options_(std::move(options)) {
    children_.reserve(static_cast<size_t>(options_.max_children));
    default_action_.sa_handler = SIG_DFL;
    sigemptyset(&default_action_.sa_mask);
  }

  void run() {
    while (g_stop == 0) {
      // After a resource error (EMFILE, ENOBUFS...) the pending connection
      // keeps the socket readable; leave it out for a moment instead of
      // spinning on the same error. At the bound, leave it out until a
      // child ends (SIGCHLD interrupts ppoll).
      const bool full = at_bound();
      pollfd p{backoff_ || full ? -1 : listener_.get(), POLLIN, 0};
      const timespec backoff_time{0, 100L * 1000 * 1000};
      const int n = ppoll(&p, 1, backoff_ ? &backoff_time : nullptr, &wait_mask_);
      backoff_ = false;
      if (n < 0 && errno != EINTR) {
        procsig::die_errno(procsig::kExitRuntime, "ppoll", errno);
      }
      if (g_child_ended != 0) {
        g_child_ended = 0;
        reap_ended_children();
      }
      if (n > 0 && (p.revents & POLLIN) != 0 && g_stop == 0) {
        accept_batch();
      }
    }
    stop();
  }

 private:
  // Logs once each time the bound is reached, not once per wakeup.
  bool at_bound() {
    const bool full = static_cast<long>(children_.size()) >= options_.max_children;
    if (full && !bound_logged_) {
      procsig::report("not accepting",
                      std::to_string(children_.size()) + " children, the --max-children bound");
    }
    bound_logged_ = full;
    return full;
  }

  void accept_batch() {
    for (int i = 0; i < kAcceptBatch && static_cast<long>(children_.size()) < options_.max_children;
         i++) {
      procsig::UniqueFd client(accept(listener_.get(), nullptr, nullptr));
      if (!client) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          return;
        }
        if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) {
          continue;
        }
        procsig::report_errno("accept", errno);
        backoff_ = true;
        return;
      }
      log_line("new client connected...\n");
      const pid_t pid = fork();
      if (pid < 0) {
        procsig::report_errno("cannot fork for a new client", errno);
        continue;  // `client` closes here; keep serving the others
      }
      if (pid == 0) {
        sigaction(SIGCHLD, &default_action_, nullptr);
        sigaction(SIGINT, &default_action_, nullptr);
        sigaction(SIGTERM, &default_action_, nullptr);
        sigprocmask(SIG_SETMASK, &wait_mask_, nullptr);
        listener_.reset();
        serve_client(client.release(), options_);
      }
      children_.push_back(pid);
    }  // the parent's copy of `client` closes at the end of each iteration
  }

  // Reaps into an array on the stack: reap_all_ended()'s vector would
  // allocate and free, writing heap pages and malloc's state each time.
  void reap_ended_children() {
    procsig::Reaped ended[kAcceptBatch];
    size_t n = 0;
    do {
      n = procsig::reap_ended(ended, kAcceptBatch);
      for (size_t i = 0; i < n; i++) {
        forget(ended[i].pid);
      }
    } while (n == kAcceptBatch);
  }

  void forget(pid_t pid) {
    for (pid_t& child : children_) {
      if (child == pid) {
        child = children_.back();
        children_.pop_back();
        break;
      }
    }
    char line[48];
    const int len =
        std::snprintf(line, sizeof line, "removed proc id: %d\n", static_cast<int>(pid));
    log_line(line, static_cast<size_t>(len));
  }

  void stop() {
    listener_.reset();
    for (const pid_t pid : children_) {
      kill(pid, SIGTERM);
    }
    while (!children_.empty()) {
      int status = 0;
      const pid_t pid = waitpid(-1, &status, 0);
      if (pid > 0) {
        forget(pid);
      } else if (errno != EINTR) {
        break;  // ECHILD: nothing left to wait for
      }
    }
  }

  procsig::UniqueFd listener_;
  sigset_t wait_mask_;
  // SIG_DFL with an empty mask, built once before any fork: a child that
  // built its own would run sigemptyset(), whose code page the child must
  // fault in, one fault more per connection (perf record -e page-faults,
  // docs/performance.md).
  struct sigaction default_action_ {};
  Options options_;
  // The children's pids, in no order. A flat array, reserved once: a fork
  // and a reaping each write one slot, where a std::set would allocate or
  // free a node and rebalance, writing heap pages and malloc's own state
  // that the fork before has just shared with a child (a page copy each).
  std::vector<pid_t> children_;
  bool backoff_ = false;
  bool bound_logged_ = false;
};

}  // namespace

int main(int argc, char* argv[]) {
  procsig::set_program_name("echo_mpserv");
  (void)procsig::load_time_scale();
  Options options = parse_options(argc, argv);

  procsig::UniqueFd listener = procsig::listen_tcp(options.address, options.port);
  const int flags = fcntl(listener.get(), F_GETFL);
  if (flags < 0 || fcntl(listener.get(), F_SETFL, flags | O_NONBLOCK) != 0) {
    procsig::die_errno(procsig::kExitRuntime, "fcntl(O_NONBLOCK)", errno);
  }

  const sigset_t wait_mask = procsig::block_signals({SIGCHLD, SIGINT, SIGTERM});
  procsig::install_handler(SIGCHLD, on_sigchld, SA_NOCLDSTOP);
  procsig::install_handler(SIGINT, on_stop);
  procsig::install_handler(SIGTERM, on_stop);

  Server server(std::move(listener), wait_mask, std::move(options));
  server.run();
  return 0;
}
