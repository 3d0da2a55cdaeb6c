// fork: the chapter's gval/lval example. After fork() each process has its
// own copy of both variables, so the child's +2 and the parent's -2 do not
// see each other (C.FORK.LINES). Unlike the chapter, the parent reaps the
// child before exiting (C.FORK.EXIT, C.ALL.NO_ORPHANS).
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "args.h"
#include "errors.h"
#include "io.h"
#include "reaper.h"
#include "time_scale.h"

namespace {
int gval = 10;
}  // namespace

int main(int argc, char* argv[]) {
  (void)argv;
  procsig::set_program_name("fork");
  (void)procsig::load_time_scale();  // no durations here, but a bad value is still rejected
  procsig::check_operand_count(argc, 0, 0, "");
  procsig::make_stdout_line_buffered();

  int lval = 20;
  gval++;
  lval += 5;

  (void)std::fflush(stdout);  // nothing buffered may be copied into the child
  const pid_t pid = fork();
  if (pid < 0) {
    procsig::die_errno(procsig::kExitRuntime, "fork", errno);
  }
  if (pid == 0) {
    gval += 2;
    lval += 2;
    std::printf("Child Proc: [%d, %d]\n", gval, lval);
    return 0;
  }
  gval -= 2;
  lval -= 2;
  std::printf("Parent Proc: [%d, %d]\n", gval, lval);

  int status = 0;
  if (!procsig::wait_for_child(pid, &status)) {
    procsig::die_errno(procsig::kExitRuntime, "waitpid", errno);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    procsig::die(procsig::kExitRuntime, "child " + std::to_string(pid),
                 procsig::describe_status(status));
  }
  return 0;
}
