// wait: two children, the first returning 3 from main and the second
// calling exit(7); the parent reaps both with wait() and prints what each
// sent (C.WAIT.LINES), then sleeps 30 s (scaled).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "args.h"
#include "errors.h"
#include "io.h"
#include "reaper.h"
#include "signals.h"
#include "time_scale.h"

namespace {

pid_t fork_or_die() {
  if (std::fflush(stdout) == EOF) {  // a line left in the buffer would be printed twice
    procsig::die_errno(procsig::kExitRuntime, "writing to stdout", errno);
  }
  const pid_t pid = fork();
  if (pid < 0) {
    procsig::die_errno(procsig::kExitRuntime, "fork", errno);
  }
  return pid;
}

// wait() for any child, retrying after EINTR.
pid_t wait_any(int* status) {
  for (;;) {
    const pid_t pid = wait(status);
    if (pid > 0) {
      return pid;
    }
    if (errno != EINTR) {
      procsig::die_errno(procsig::kExitRuntime, "wait", errno);
    }
  }
}

}  // namespace

int main(int argc, char* argv[]) {
  (void)argv;
  procsig::set_program_name("wait");
  const double scale = procsig::load_time_scale();
  procsig::check_operand_count(argc, 0, 0, "");
  procsig::make_stdout_line_buffered();
  procsig::restore_default(SIGCHLD);  // SIG_IGN would make wait() see no child

  const pid_t first = fork_or_die();
  if (first == 0) {
    return 3;
  }
  std::printf("Child PID: %d\n", static_cast<int>(first));

  const pid_t second = fork_or_die();
  if (second == 0) {
    std::exit(7);
  }
  std::printf("Child PID: %d\n", static_cast<int>(second));

  bool all_exited = true;
  const char* const labels[] = {"one", "two"};
  for (const char* label : labels) {
    int status = 0;
    const pid_t pid = wait_any(&status);
    if (WIFEXITED(status)) {
      std::printf("Child send %s: %d\n", label, WEXITSTATUS(status));
    } else {
      procsig::report("child " + std::to_string(pid), procsig::describe_status(status));
      all_exited = false;
    }
  }
  if (!all_exited) {
    return procsig::kExitRuntime;
  }
  procsig::sleep_fully(procsig::scaled(30, scale));
  return 0;
}
