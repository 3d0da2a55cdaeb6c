// echo_client <host> <port>: the one-line-at-a-time echo client. Each
// stdin line (any length, any bytes, NUL included) is sent whole and read
// back whole before the next prompt (C.ECHO_CLIENT.ECHO); `q`/`Q` or end
// of input ends the session (C.ECHO_CLIENT.QUIT, C.ECHO_CLIENT.EOF).
#include <unistd.h>

#include <cstdio>
#include <string>

#include "args.h"
#include "errors.h"
#include "exchange.h"
#include "io.h"
#include "net.h"
#include "time_scale.h"
#include "unique_fd.h"

int main(int argc, char* argv[]) {
  procsig::set_program_name("echo_client");
  (void)procsig::load_time_scale();
  procsig::check_operand_count(argc, 2, 2, "<host> <port>");
  const uint16_t port = procsig::port_or_die(argv[2]);
  const procsig::UniqueFd sock = procsig::connect_tcp(argv[1], port);
  std::puts("Connected...........");

  procsig::LineReader input(STDIN_FILENO);
  std::string line;
  std::string echo;
  for (;;) {
    (void)std::fputs("Input message(Q to quit): ", stdout);
    (void)std::fflush(stdout);
    const procsig::LineReader::Result got = input.next(line);
    if (got == procsig::LineReader::Result::kError) {
      procsig::die_errno(procsig::kExitRuntime, "reading standard input", input.error());
    }
    if (got == procsig::LineReader::Result::kEnd || procsig::is_quit_line(line)) {
      break;
    }
    int error = 0;
    switch (procsig::exchange(sock.get(), line, echo, error)) {
      case procsig::ExchangeResult::kOk:
        break;
      case procsig::ExchangeResult::kClosed:
        procsig::die(procsig::kExitRuntime, "receiving the echo",
                     "the server closed the connection after " + std::to_string(echo.size()) +
                         " of " + std::to_string(line.size()) + " bytes");
      case procsig::ExchangeResult::kError:
        procsig::die_errno(procsig::kExitRuntime, "exchanging a line with the server", error);
    }
    (void)std::fputs("Message from server: ", stdout);
    (void)std::fwrite(echo.data(), 1, echo.size(), stdout);
  }
  return 0;
}
