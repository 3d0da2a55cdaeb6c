// waitpid: the parent polls with waitpid(-1, WNOHANG) and sleeps 3 s
// (scaled) after every poll that finds no ended child, so it never blocks
// in waitpid (C.WAITPID.POLLS); the child sleeps 15 s and returns 24.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "args.h"
#include "errors.h"
#include "io.h"
#include "reaper.h"
#include "signals.h"
#include "time_scale.h"

int main(int argc, char* argv[]) {
  (void)argv;
  procsig::set_program_name("waitpid");
  const double scale = procsig::load_time_scale();
  procsig::check_operand_count(argc, 0, 0, "");
  procsig::make_stdout_line_buffered();
  procsig::restore_default(SIGCHLD);

  (void)std::fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) {
    procsig::die_errno(procsig::kExitRuntime, "fork", errno);
  }
  if (pid == 0) {
    procsig::sleep_fully(procsig::scaled(15, scale));
    return 24;
  }

  const timespec poll_interval = procsig::scaled(3, scale);
  int status = 0;
  for (;;) {
    const pid_t ended = waitpid(-1, &status, WNOHANG);
    if (ended > 0) {
      break;
    }
    if (ended < 0 && errno != EINTR) {
      procsig::die_errno(procsig::kExitRuntime, "waitpid", errno);
    }
    if (ended == 0) {
      procsig::sleep_fully(poll_interval);
      std::puts("sleep 3sec.");
    }
  }
  if (!WIFEXITED(status)) {
    procsig::die(procsig::kExitRuntime, "child " + std::to_string(pid),
                 procsig::describe_status(status));
  }
  std::printf("Child send %d\n", WEXITSTATUS(status));
  return 0;
}
