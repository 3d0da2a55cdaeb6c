// fd_share: the chapter's figure of two descriptors for one socket after
// fork(), made runnable (C.FD_SHARE.LINES). A peer socket and an accepted
// socket form a real loopback TCP connection inside this process; after
// fork the parent and the child each hold a descriptor for the accepted
// socket. The steps take turns through two pipes, never through timing;
// each line is printed by the process that saw what it says, and only
// after it saw it.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
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

// How long the peer or the parent waits for something that should already
// be on its way. Only a broken platform ever reaches it; it keeps a failure
// from hanging.
constexpr int kObservationDeadlineMs = 10000;

const char* const kLines[] = {
    "",
    "1 fork: parent and child each hold a descriptor for the accepted socket",
    "2 child: close()",
    "3 peer: received \"ping\" sent by the parent after the child's close(): the socket is still "
    "open",
    "4 child: shutdown(SHUT_WR) on its own copy",
    "5 peer: read end of stream although the parent still holds a descriptor: shutdown() acts "
    "on the socket",
    "6 parent: received \"pong\" from the peer: the other direction still works",
    "7 parent: close(): the last descriptor is gone",
};

void pass_turn(int fd) {
  const char token = '.';
  (void)procsig::write_all(fd, &token, 1);
}

bool take_turn(int fd) {
  char token = 0;
  return procsig::read_retry(fd, &token, 1) == 1;
}

// Reads from `fd` what is there within the deadline: the bytes, "" for end
// of stream, or a description of what happened instead.
struct Observation {
  bool ok;              // data or end of stream arrived
  std::string data;     // what arrived ("" is end of stream)
  std::string failure;  // otherwise: what was seen
};

Observation observe(int fd, size_t want) {
  Observation seen{false, {}, {}};
  pollfd p{fd, POLLIN, 0};
  int n = 0;
  while ((n = poll(&p, 1, kObservationDeadlineMs)) < 0 && errno == EINTR) {
  }
  if (n == 0) {
    seen.failure = "nothing arrived within " + std::to_string(kObservationDeadlineMs) + " ms";
    return seen;
  }
  std::string buffer(want, '\0');
  const ssize_t got = recv(fd, buffer.data(), want, MSG_DONTWAIT);
  if (got < 0) {
    seen.failure = std::string("recv failed: ") + std::strerror(errno);
    return seen;
  }
  buffer.resize(static_cast<size_t>(got));
  seen.ok = true;
  seen.data = buffer;
  return seen;
}

// Waits for an error on `fd` (the peer has read end of stream already, so
// it stays readable; only POLLERR/POLLHUP tell that more happened) and
// returns its description.
std::string await_error(int fd) {
  pollfd p{fd, 0, 0};
  int n = 0;
  while ((n = poll(&p, 1, kObservationDeadlineMs)) < 0 && errno == EINTR) {
  }
  if (n == 0) {
    return "no error within " + std::to_string(kObservationDeadlineMs) + " ms";
  }
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  return err != 0 ? std::strerror(err) : "a hang-up without an error";
}

std::string shown(const Observation& seen) {
  if (!seen.ok) {
    return seen.failure;
  }
  return seen.data.empty() ? "end of stream" : "\"" + seen.data + "\"";
}

[[noreturn]] void child_fail(int step, const std::string& what) {
  procsig::report("step " + std::to_string(step), what);
  _exit(procsig::kExitRuntime);
}

// The child: steps 2 and 4.
[[noreturn]] void run_child(int accepted, int turn_in, int turn_out) {
  // Step 4 needs a descriptor after step 2 closed the inherited one.
  const int copy = dup(accepted);
  if (copy < 0) {
    child_fail(1, std::string("dup() of the inherited descriptor failed: ") + std::strerror(errno));
  }
  pass_turn(turn_out);

  if (!take_turn(turn_in)) {
    _exit(procsig::kExitRuntime);  // the parent failed and reported it
  }
  if (close(accepted) != 0) {
    child_fail(2, std::string("close() failed: ") + std::strerror(errno));
  }
  std::puts(kLines[2]);
  pass_turn(turn_out);

  if (!take_turn(turn_in)) {
    _exit(procsig::kExitRuntime);
  }
  if (shutdown(copy, SHUT_WR) != 0) {
    child_fail(4, std::string("shutdown(SHUT_WR) failed: ") + std::strerror(errno));
  }
  std::puts(kLines[4]);
  close(copy);  // so that the parent's close() in step 7 is the last one
  pass_turn(turn_out);
  _exit(procsig::kExitOk);
}

class Parent {
 public:
  Parent(pid_t child, int turn_in, int turn_out)
      : child_(child), turn_in_(turn_in), turn_out_(turn_out) {}

  [[noreturn]] void fail(int step, const std::string& what) {
    procsig::report("step " + std::to_string(step), what);
    end_child(true);
    std::exit(procsig::kExitRuntime);
  }

  // Waits for the child's turn; if it ended instead, it has reported why
  // (or ended abnormally, which is reported here).
  void take_turn_or_fail(int step) {
    if (take_turn(turn_in_)) {
      return;
    }
    const int status = end_child(false);
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == procsig::kExitRuntime)) {
      procsig::report("step " + std::to_string(step),
                      "the child ended early (" + procsig::describe_status(status) + ")");
    }
    std::exit(procsig::kExitRuntime);
  }

  void pass() { pass_turn(turn_out_); }

  // Reaps the child, killing it first if asked; returns its status.
  int end_child(bool kill_it) {
    int status = 0;
    if (child_ > 0) {
      if (kill_it) {
        kill(child_, SIGKILL);
      }
      procsig::wait_for_child(child_, &status);
      child_ = -1;
    }
    return status;
  }

 private:
  pid_t child_;
  int turn_in_;
  int turn_out_;
};

void run_parent(Parent& parent, procsig::UniqueFd accepted, int peer) {
  parent.take_turn_or_fail(1);
  if (fcntl(accepted.get(), F_GETFD) < 0) {
    parent.fail(1, "the parent's descriptor is not open after fork()");
  }
  std::puts(kLines[1]);
  parent.pass();

  parent.take_turn_or_fail(2);
  if (send(accepted.get(), "ping", 4, MSG_NOSIGNAL) != 4) {
    parent.fail(3, std::string("the parent cannot send \"ping\": ") + std::strerror(errno));
  }
  const Observation ping = observe(peer, 4);
  if (!ping.ok || ping.data != "ping") {
    parent.fail(3, "the peer saw " + shown(ping) + " instead of \"ping\"");
  }
  std::puts(kLines[3]);
  parent.pass();

  parent.take_turn_or_fail(4);
  const Observation end = observe(peer, 1);
  if (!end.ok || !end.data.empty()) {
    parent.fail(5, "the peer saw " + shown(end) + " instead of end of stream");
  }
  std::puts(kLines[5]);

  if (send(peer, "pong", 4, MSG_NOSIGNAL) != 4) {
    parent.fail(6, std::string("the peer cannot send \"pong\": ") + std::strerror(errno));
  }
  const Observation pong = observe(accepted.get(), 4);
  if (!pong.ok || pong.data != "pong") {
    parent.fail(6, "the parent saw " + shown(pong) + " instead of \"pong\"");
  }
  std::puts(kLines[6]);

  const int status = parent.end_child(false);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::exit(procsig::kExitRuntime);  // the child reported its failure
  }
  // With no descriptor left the socket is closed for good: bytes the peer
  // sends now are answered with a reset (RST). Were a descriptor still open
  // somewhere, they would just be queued.
  accepted.reset();
  if (send(peer, "x", 1, MSG_NOSIGNAL) != 1) {
    parent.fail(7, std::string("the peer cannot send: ") + std::strerror(errno));
  }
  const std::string reset = await_error(peer);
  // A reset reads as EPIPE on Linux here: the peer had already received
  // the FIN of step 4 (CLOSE_WAIT).
  if (reset != std::strerror(ECONNRESET) && reset != std::strerror(EPIPE)) {
    parent.fail(7, "after close() the peer saw " + reset + " instead of a reset");
  }
  std::puts(kLines[7]);
}

}  // namespace

int main(int argc, char* argv[]) {
  (void)argv;
  procsig::set_program_name("fd_share");
  (void)procsig::load_time_scale();
  procsig::check_operand_count(argc, 0, 0, "");
  procsig::make_stdout_line_buffered();
  procsig::restore_default(SIGCHLD);

  procsig::UniqueFd accepted;
  procsig::UniqueFd peer;
  {
    const procsig::UniqueFd listener = procsig::listen_tcp("127.0.0.1", 0);
    peer = procsig::connect_tcp("127.0.0.1", procsig::local_port(listener.get()));
    accepted.reset(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!accepted) {
      procsig::die_errno(procsig::kExitRuntime, "accept", errno);
    }
  }

  int to_child[2];
  int to_parent[2];
  if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(to_parent, O_CLOEXEC) != 0) {
    procsig::die_errno(procsig::kExitRuntime, "pipe", errno);
  }
  (void)std::fflush(stdout);
  const pid_t child = fork();
  if (child < 0) {
    procsig::die_errno(procsig::kExitRuntime, "fork", errno);
  }
  if (child == 0) {
    peer.reset();  // the peer belongs to the parent
    close(to_child[1]);
    close(to_parent[0]);
    run_child(accepted.release(), to_child[0], to_parent[1]);
  }
  close(to_child[0]);
  close(to_parent[1]);
  Parent parent(child, to_parent[0], to_child[1]);
  run_parent(parent, std::move(accepted), peer.get());
  return 0;
}
