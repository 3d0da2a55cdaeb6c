// inline_echo: the benchmark's ceiling. One process, no fork: every
// connection is echoed from one epoll loop over non-blocking sockets, so it
// measures what the loopback and the kernel allow on this machine without
// any per-connection process.
//
// It listens on an ephemeral port of 127.0.0.1 and prints that port on
// stdout as one line, so the driver never races another process for a port.
// SIGTERM or SIGINT ends it with status 0; any other failure is one stderr
// line and status 1 (2 for arguments: it takes none).
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace {

constexpr size_t kBufferSize = size_t{64} * 1024;
// Reads per readiness event: enough to keep one bulk connection moving
// without an epoll_wait per chunk, few enough that a burst stays fair.
constexpr int kReadsPerEvent = 8;

[[noreturn]] void die(const char* what) {
  (void)std::fprintf(stderr, "inline_echo: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

// Bytes read but not yet written back. While a connection has some, it is
// watched for writability only: a client that does not read is not read
// from either, as a forking echo child blocked in write() would behave.
struct Connection {
  std::vector<char> pending;
  size_t sent = 0;
};

class Server {
 public:
  Server(int listener, int signals) : listener_(listener), signals_(signals) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) {
      die("epoll_create1");
    }
    watch(listener_, EPOLLIN, EPOLL_CTL_ADD);
    watch(signals_, EPOLLIN, EPOLL_CTL_ADD);
  }

  void run() {
    std::vector<epoll_event> events(256);
    for (;;) {
      const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), -1);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        die("epoll_wait");
      }
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == signals_) {
          return;
        }
        if (fd == listener_) {
          accept_all();
        } else if (events[i].events & EPOLLOUT) {
          flush(fd);
        } else {
          echo(fd);
        }
      }
    }
  }

 private:
  void watch(int fd, uint32_t events, int op) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    if (epoll_ctl(epoll_, op, fd, &ev) < 0) {
      die("epoll_ctl");
    }
  }

  void accept_all() {
    for (;;) {
      const int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED) {
          return;
        }
        die("accept4");
      }
      connections_[fd];
      watch(fd, EPOLLIN, EPOLL_CTL_ADD);
    }
  }

  void close_connection(int fd) {
    connections_.erase(fd);
    close(fd);  // also removes it from the epoll set
  }

  void echo(int fd) {
    for (int i = 0; i < kReadsPerEvent; ++i) {
      const ssize_t n = read(fd, buffer_, sizeof buffer_);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return;
      }
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {  // end of stream, reset or another error: the client is done
        close_connection(fd);
        return;
      }
      const ssize_t w = send(fd, buffer_, static_cast<size_t>(n), MSG_NOSIGNAL);
      if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        close_connection(fd);
        return;
      }
      const size_t written = w < 0 ? 0 : static_cast<size_t>(w);
      if (written < static_cast<size_t>(n)) {
        Connection& c = connections_[fd];
        c.pending.assign(buffer_ + written, buffer_ + n);
        c.sent = 0;
        watch(fd, EPOLLOUT, EPOLL_CTL_MOD);
        return;
      }
    }
  }

  void flush(int fd) {
    Connection& c = connections_[fd];
    while (c.sent < c.pending.size()) {
      const ssize_t w =
          send(fd, c.pending.data() + c.sent, c.pending.size() - c.sent, MSG_NOSIGNAL);
      if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return;
      }
      if (w < 0 && errno == EINTR) {
        continue;
      }
      if (w < 0) {
        close_connection(fd);
        return;
      }
      c.sent += static_cast<size_t>(w);
    }
    c.pending.clear();
    watch(fd, EPOLLIN, EPOLL_CTL_MOD);
  }

  int listener_;
  int signals_;
  int epoll_ = -1;
  std::unordered_map<int, Connection> connections_;
  char buffer_[kBufferSize];
};

// A burst of 1,000 connections needs more than the usual 1,024 descriptors.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int listen_on_ephemeral_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    die("socket");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
    die("bind 127.0.0.1:0");
  }
  if (listen(fd, SOMAXCONN) < 0) {
    die("listen");
  }
  return fd;
}

int port_of(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) < 0) {
    die("getsockname");
  }
  return ntohs(addr.sin_port);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 1) {
    (void)std::fprintf(stderr, "Usage : %s (no arguments; prints the port it listens on)\n",
                       argv[0]);
    return 2;
  }
  // Blocked before anything else, so a SIGTERM that comes as soon as the
  // port is printed is read from the signalfd, not lost to the default action.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  if (sigprocmask(SIG_BLOCK, &stop, nullptr) < 0) {
    die("sigprocmask");
  }
  const int signals = signalfd(-1, &stop, SFD_CLOEXEC);
  if (signals < 0) {
    die("signalfd");
  }
  (void)signal(SIGPIPE, SIG_IGN);
  raise_descriptor_limit();

  const int listener = listen_on_ephemeral_port();
  if (std::printf("%d\n", port_of(listener)) < 0 || std::fflush(stdout) != 0) {
    die("writing the port to stdout");
  }
  static Server server(listener, signals);  // static: it holds a 64 KiB buffer
  server.run();
  return 0;
}
