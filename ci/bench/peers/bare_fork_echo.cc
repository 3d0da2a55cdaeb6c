// bare_fork_echo: the least a fork-per-connection echo server can do, as the
// benchmark's bound for that model. The parent accepts and forks; the
// child echoes with a 64 KiB buffer and _exits. Nothing else: no log line,
// no SIGCHLD handler (SIG_IGN makes the kernel reap, POSIX XSH 2.4.3), no
// descriptor or signal housekeeping in the child. It is linked as the fork
// limit is (statically where the toolchain can).
//
// Whatever echo_mpserv does beyond this is the price of the contract (its
// log lines, explicit reaping, orderly stop) and of staying reachable by
// libfiu (dynamic linking); a connection rate this server cannot reach is
// one no fork-per-connection server reaches on the machine.
//
// It listens on an ephemeral port of 127.0.0.1 and prints the port on
// stdout. SIGTERM ends it with status 0 once it has ended its children
// (they are its session: the driver stops it with killpg, which ends them).
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

volatile sig_atomic_t g_stop = 0;

void on_term(int) { g_stop = 1; }

[[noreturn]] void die(const char* what) {
  (void)std::fprintf(stderr, "bare_fork_echo: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

[[noreturn]] void echo(int client) {
  static char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = read(client, buffer, sizeof buffer);
    if (n <= 0) {
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

int listen_on_ephemeral_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    die("socket");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(fd, SOMAXCONN) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    die("listen");
  }
  if (std::printf("%d\n", ntohs(addr.sin_port)) < 0 || std::fflush(stdout) != 0) {
    die("writing the port to stdout");
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 1) {
    (void)std::fprintf(stderr, "Usage : %s (no arguments; prints the port it listens on)\n",
                       argv[0]);
    return 2;
  }
  struct sigaction term {};
  term.sa_handler = on_term;  // no SA_RESTART: accept() returns EINTR
  if (sigaction(SIGTERM, &term, nullptr) != 0 || signal(SIGCHLD, SIG_IGN) == SIG_ERR) {
    die("sigaction");
  }
  const int listener = listen_on_ephemeral_port();
  while (g_stop == 0) {
    const int client = accept(listener, nullptr, nullptr);
    if (client < 0) {
      if (errno == EINTR || errno == ECONNABORTED) {
        continue;
      }
      die("accept");
    }
    const pid_t pid = fork();
    if (pid == 0) {
      echo(client);
    }
    close(client);  // a failed fork drops this client, as a bound would
  }
  return 0;
}
