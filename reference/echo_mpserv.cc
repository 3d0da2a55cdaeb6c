// echo_mpserv <port> [<address>]: the chapter's fork-per-connection echo
// server, corrected:
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
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <utility>

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

// The child's whole life: echo until the client closes, then exit.
[[noreturn]] void serve_client(int client) {
  // Linux does not pass O_NONBLOCK from the listening socket to accepted
  // ones, but POSIX leaves it open.
  const int flags = fcntl(client, F_GETFL);
  if (flags >= 0) {
    fcntl(client, F_SETFL, flags & ~O_NONBLOCK);
  }
  static char buffer[64 * 1024];
  int status = procsig::kExitOk;
  for (;;) {
    const ssize_t n = procsig::read_retry(client, buffer, sizeof buffer);
    if (n == 0 || (n < 0 && errno == ECONNRESET)) {
      break;
    }
    if (n < 0) {
      procsig::report_errno("reading from a client", errno);
      status = procsig::kExitRuntime;
      break;
    }
    const int err = procsig::send_all(client, buffer, static_cast<size_t>(n), MSG_NOSIGNAL);
    if (err == EPIPE || err == ECONNRESET) {
      break;
    }
    if (err != 0) {
      procsig::report_errno("writing to a client", err);
      status = procsig::kExitRuntime;
      break;
    }
  }
  close(client);
  if (status == procsig::kExitOk) {
    std::puts("client disconnected...");
  }
  std::exit(status);
}

class Server {
 public:
  // `wait_mask` is the mask ppoll() waits with; children run with it too,
  // so that SIGTERM reaches them even if our caller had it blocked.
  Server(procsig::UniqueFd listener, const sigset_t& wait_mask)
      : listener_(std::move(listener)), wait_mask_(wait_mask) {}

  void run() {
    while (g_stop == 0) {
      // After a resource error (EMFILE, ENOBUFS...) the pending connection
      // keeps the socket readable; leave it out for a moment instead of
      // spinning on the same error.
      pollfd p{backoff_ ? -1 : listener_.get(), POLLIN, 0};
      const timespec backoff_time{0, 100L * 1000 * 1000};
      const int n = ppoll(&p, 1, backoff_ ? &backoff_time : nullptr, &wait_mask_);
      backoff_ = false;
      if (n < 0 && errno != EINTR) {
        procsig::die_errno(procsig::kExitRuntime, "ppoll", errno);
      }
      if (g_child_ended != 0) {
        g_child_ended = 0;
        for (const procsig::Reaped& r : procsig::reap_all_ended()) {
          forget(r.pid);
        }
      }
      if (n > 0 && (p.revents & POLLIN) != 0 && g_stop == 0) {
        accept_batch();
      }
    }
    stop();
  }

 private:
  void accept_batch() {
    for (int i = 0; i < kAcceptBatch; i++) {
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
      std::puts("new client connected...");
      (void)std::fflush(stdout);
      const pid_t pid = fork();
      if (pid < 0) {
        procsig::report_errno("cannot fork for a new client", errno);
        continue;  // `client` closes here; keep serving the others
      }
      if (pid == 0) {
        procsig::restore_default(SIGCHLD);
        procsig::restore_default(SIGINT);
        procsig::restore_default(SIGTERM);
        sigprocmask(SIG_SETMASK, &wait_mask_, nullptr);
        listener_.reset();
        serve_client(client.release());
      }
      children_.insert(pid);
    }  // the parent's copy of `client` closes at the end of each iteration
  }

  void forget(pid_t pid) {
    children_.erase(pid);
    std::printf("removed proc id: %d\n", static_cast<int>(pid));
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
  std::set<pid_t> children_;
  bool backoff_ = false;
};

}  // namespace

int main(int argc, char* argv[]) {
  procsig::set_program_name("echo_mpserv");
  (void)procsig::load_time_scale();
  procsig::check_operand_count(argc, 1, 2, "<port> [<address>]");
  const uint16_t port = procsig::port_or_die(argv[1]);
  const std::string address = argc > 2 ? argv[2] : "127.0.0.1";
  procsig::make_stdout_line_buffered();

  procsig::UniqueFd listener = procsig::listen_tcp(address, port);
  const int flags = fcntl(listener.get(), F_GETFL);
  if (flags < 0 || fcntl(listener.get(), F_SETFL, flags | O_NONBLOCK) != 0) {
    procsig::die_errno(procsig::kExitRuntime, "fcntl(O_NONBLOCK)", errno);
  }

  const sigset_t wait_mask = procsig::block_signals({SIGCHLD, SIGINT, SIGTERM});
  procsig::install_handler(SIGCHLD, on_sigchld, SA_NOCLDSTOP);
  procsig::install_handler(SIGINT, on_stop);
  procsig::install_handler(SIGTERM, on_stop);

  Server server(std::move(listener), wait_mask);
  server.run();
  return 0;
}
