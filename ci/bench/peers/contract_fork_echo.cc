// contract_fork_echo: the bare fork echo plus the work docs/contract.md
// makes every fork-per-connection echo_mpserv do for each connection, and
// nothing else: the benchmark's measure of what the contract itself costs
// on top of the model's bound (docs/performance.md).
// - the three log lines (C.ECHO_MPSERV.LOG), one write(2) each;
// - explicit reaping, so that each child can be named in its
//   `removed proc id:` line (C.ECHO_MPSERV.NO_ZOMBIE): SIGCHLD is caught
//   and waited for without a race, blocked except inside ppoll(), and
//   every ended child is reaped with waitpid(WNOHANG);
// - the children's pids kept, to stop them on SIGTERM (C.ECHO_MPSERV.STOP);
// - in the child, SIGCHLD and SIGTERM back to their defaults and the
//   signal mask restored (a SIGTERM must end it), and the listening socket
//   closed (C.ECHO_MPSERV.FDS).
// Left out, because they cost nothing per connection in the benchmark:
// options, the --max-children bound's log line, the back-off after a
// failed accept, idle timeouts, the portability checks. It is no reference
// program and is judged by no suite.
//
// Usage: contract_fork_echo PORT ADDRESS, as echo_mpserv is started by the
// benchmark, which sends its stdout (the log lines) to /dev/null alike.
// SIGTERM or SIGINT ends it with status 0 once it has ended and reaped its
// children.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

volatile sig_atomic_t g_child_ended = 0;
volatile sig_atomic_t g_stop = 0;

void on_sigchld(int) { g_child_ended = 1; }
void on_stop(int) { g_stop = 1; }

// Above this many children the listener is left out of ppoll() until one
// ends (the benchmark's rate runs hold at most 64).
constexpr int kMaxChildren = 1024;
pid_t g_children[kMaxChildren];
int g_child_count = 0;

[[noreturn]] void die(const char* what) {
  (void)std::fprintf(stderr, "contract_fork_echo: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

void log_line(const char* line, size_t len) {
  while (len > 0) {
    const ssize_t n = write(STDOUT_FILENO, line, len);
    if (n < 0 && errno != EINTR) {
      return;
    }
    if (n > 0) {
      line += n;
      len -= static_cast<size_t>(n);
    }
  }
}

void forget(pid_t pid) {
  for (int i = 0; i < g_child_count; i++) {
    if (g_children[i] == pid) {
      g_children[i] = g_children[--g_child_count];
      break;
    }
  }
  char line[48];
  const int len = std::snprintf(line, sizeof line, "removed proc id: %d\n", pid);
  log_line(line, static_cast<size_t>(len));
}

void reap_ended() {
  for (;;) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      return;
    }
    forget(pid);
  }
}

[[noreturn]] void echo(int client) {
  static char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = read(client, buffer, sizeof buffer);
    if (n <= 0) {
      static const char kLine[] = "client disconnected...\n";
      log_line(kLine, sizeof kLine - 1);
      _exit(0);
    }
    for (ssize_t sent = 0; sent < n;) {
      const ssize_t w = send(client, buffer + sent, static_cast<size_t>(n - sent), MSG_NOSIGNAL);
      if (w < 0) {
        _exit(0);
      }
      sent += w;
    }
  }
}

int listen_on(const char* port_text, const char* address) {
  // Non-blocking: a connection that vanishes between ppoll() and accept()
  // must not block the server with its signals masked. Accepted sockets
  // do not inherit it (Linux).
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    die("socket");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  char* end = nullptr;
  const long port = std::strtol(port_text, &end, 10);
  if (*port_text == '\0' || *end != '\0' || port < 1 || port > 65535 ||
      inet_pton(AF_INET, address, &addr.sin_addr) != 1) {
    (void)std::fprintf(stderr, "contract_fork_echo: invalid port '%s' or address '%s'\n", port_text,
                       address);
    std::exit(2);
  }
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(fd, SOMAXCONN) != 0) {
    die("listen");
  }
  return fd;
}

void catch_signal(int sig, void (*handler)(int), int flags) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sa.sa_flags = flags;
  if (sigaction(sig, &sa, nullptr) != 0) {
    die("sigaction");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    (void)std::fprintf(stderr, "Usage : %s <port> <IPv4 address>\n", argv[0]);
    return 2;
  }
  sigset_t blocked;
  sigset_t wait_mask;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGCHLD);
  sigaddset(&blocked, SIGINT);
  sigaddset(&blocked, SIGTERM);
  if (sigprocmask(SIG_BLOCK, &blocked, &wait_mask) != 0) {
    die("sigprocmask");
  }
  sigdelset(&wait_mask, SIGCHLD);
  sigdelset(&wait_mask, SIGINT);
  sigdelset(&wait_mask, SIGTERM);
  catch_signal(SIGCHLD, on_sigchld, SA_NOCLDSTOP);
  catch_signal(SIGINT, on_stop, 0);
  catch_signal(SIGTERM, on_stop, 0);
  const int listener = listen_on(argv[1], argv[2]);
  while (g_stop == 0) {
    pollfd p{g_child_count < kMaxChildren ? listener : -1, POLLIN, 0};
    const int n = ppoll(&p, 1, nullptr, &wait_mask);
    if (n < 0 && errno != EINTR) {
      die("ppoll");
    }
    if (g_child_ended != 0) {
      g_child_ended = 0;
      reap_ended();
    }
    if (n <= 0 || (p.revents & POLLIN) == 0 || g_stop != 0) {
      continue;
    }
    const int client = accept(listener, nullptr, nullptr);
    if (client < 0) {
      continue;  // EAGAIN (it vanished), ECONNABORTED...: back to ppoll()
    }
    static const char kLine[] = "new client connected...\n";
    log_line(kLine, sizeof kLine - 1);
    const pid_t pid = fork();
    if (pid == 0) {
      catch_signal(SIGCHLD, SIG_DFL, 0);
      catch_signal(SIGINT, SIG_DFL, 0);
      catch_signal(SIGTERM, SIG_DFL, 0);
      sigprocmask(SIG_SETMASK, &wait_mask, nullptr);
      close(listener);
      echo(client);
    }
    if (pid > 0) {
      g_children[g_child_count++] = pid;
    }
    close(client);  // a failed fork drops this client
  }
  close(listener);
  for (int i = 0; i < g_child_count; i++) {
    kill(g_children[i], SIGTERM);
  }
  while (g_child_count > 0) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid > 0) {
      forget(pid);
    } else if (errno != EINTR) {
      break;  // ECHILD: nothing left to wait for
    }
  }
  return 0;
}
