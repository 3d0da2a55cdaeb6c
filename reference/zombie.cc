// zombie: the child ends at once; the parent sleeps 30 s (scaled) without
// reaping it, so meanwhile `ps` shows the child as <defunct>
// (C.ZOMBIE.IS_ZOMBIE). Unlike the chapter, the parent then reaps it
// instead of leaving it to init, which here may never reap (C.ZOMBIE.GONE).
#include <signal.h>
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
  procsig::set_program_name("zombie");
  const double scale = procsig::load_time_scale();
  procsig::check_operand_count(argc, 0, 0, "");
  procsig::make_stdout_line_buffered();
  // An inherited SIG_IGN for SIGCHLD would make the kernel reap the child
  // at once: no zombie to see.
  procsig::restore_default(SIGCHLD);

  (void)std::fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) {
    procsig::die_errno(procsig::kExitRuntime, "fork", errno);
  }
  if (pid == 0) {
    std::puts("Hi, I am a child process");
    std::puts("End child process");
    return 0;
  }
  std::printf("Child Process ID: %d\n", static_cast<int>(pid));
  procsig::sleep_fully(procsig::scaled(30, scale));

  int status = 0;
  if (!procsig::wait_for_child(pid, &status)) {
    procsig::die_errno(procsig::kExitRuntime, "waitpid", errno);
  }
  std::puts("End parent process");
  return 0;
}
