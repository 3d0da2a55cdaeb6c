// echo_mpclient <host> <port>: the split-I/O echo client. After connecting
// it forks: the child writes stdin to the socket, the parent prints what
// comes back, line by line. Corrected from the chapter: lines of any
// length and any bytes (fgets/strlen lose everything after a NUL and
// split long lines), full writes, and the parent reaps the writer, killing
// it when the server closed while it still waits on stdin
// (C.ECHO_MPCLIENT.EXIT).
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include "args.h"
#include "errors.h"
#include "io.h"
#include "net.h"
#include "reaper.h"
#include "time_scale.h"
#include "unique_fd.h"

namespace {

// Sends stdin until `q`/`Q` or end of input, then half-closes so the
// server still sends back everything in flight (C.ECHO_MPCLIENT.QUIT).
[[noreturn]] void write_routine(int sock) {
  procsig::LineReader input(STDIN_FILENO);
  std::string line;
  int status = procsig::kExitOk;
  for (;;) {
    const procsig::LineReader::Result got = input.next(line);
    if (got == procsig::LineReader::Result::kError) {
      procsig::report_errno("reading standard input", input.error());
      status = procsig::kExitRuntime;
      break;
    }
    if (got == procsig::LineReader::Result::kEnd || procsig::is_quit_line(line)) {
      break;
    }
    const int err = procsig::send_all(sock, line.data(), line.size(), MSG_NOSIGNAL);
    if (err == EPIPE || err == ECONNRESET) {
      break;  // the server is gone; the reader sees it and ends the client
    }
    if (err != 0) {
      procsig::report_errno("sending to the server", err);
      status = procsig::kExitRuntime;
      break;
    }
  }
  shutdown(sock, SHUT_WR);
  _exit(status);  // nothing of ours is buffered in stdio: the parent flushed before fork
}

// Prints every line the server sends back until it closes.
int read_routine(int sock) {
  procsig::LineReader from_server(sock);
  std::string line;
  for (;;) {
    const procsig::LineReader::Result got = from_server.next(line);
    if (got == procsig::LineReader::Result::kEnd) {
      return procsig::kExitOk;
    }
    if (got == procsig::LineReader::Result::kError) {
      procsig::report_errno("reading from the server", from_server.error());
      return procsig::kExitRuntime;
    }
    if (std::fputs("Message from server: ", stdout) == EOF ||
        std::fwrite(line.data(), 1, line.size(), stdout) != line.size()) {
      procsig::report_errno("writing to stdout", errno);
      return procsig::kExitRuntime;
    }
  }
}

}  // namespace

int main(int argc, char* argv[]) {
  procsig::set_program_name("echo_mpclient");
  (void)procsig::load_time_scale();
  procsig::check_operand_count(argc, 2, 2, "<host> <port>");
  const uint16_t port = procsig::port_or_die(argv[2]);
  const procsig::UniqueFd sock = procsig::connect_tcp(argv[1], port);

  (void)std::fflush(stdout);
  const pid_t writer = fork();
  if (writer < 0) {
    procsig::die_errno(procsig::kExitRuntime, "fork", errno);
  }
  if (writer == 0) {
    write_routine(sock.get());
  }

  const int status = read_routine(sock.get());
  (void)std::fflush(stdout);
  // The writer may still wait on stdin when the server closed first.
  int writer_status = 0;
  if (waitpid(writer, &writer_status, WNOHANG) == 0) {
    kill(writer, SIGKILL);
    procsig::wait_for_child(writer, &writer_status);
  }
  return status;
}
