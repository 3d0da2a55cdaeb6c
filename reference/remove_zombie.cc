// remove_zombie: children are reaped by a SIGCHLD handler, so none stays a
// zombie. Corrected from the chapter: the handler reaps in a WNOHANG loop
// (one SIGCHLD may stand for both children, C.REMOVE_ZOMBIE.ALL_REAPED) and
// only stores pid and status; main prints them. SIGCHLD stays blocked
// except while main sleeps, so handler and main never touch the records at
// the same time. Before exiting, main waits for any child not yet reaped
// (C.ALL.NO_ORPHANS).
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

constexpr sig_atomic_t kMaxRecords = 8;
procsig::Reaped g_reaped[kMaxRecords];
volatile sig_atomic_t g_reaped_count = 0;

void read_childproc(int) {
  procsig::ErrnoGuard keep_errno;
  const sig_atomic_t count = g_reaped_count;
  const size_t added = procsig::reap_ended(g_reaped + count, kMaxRecords - count);
  g_reaped_count = count + static_cast<sig_atomic_t>(added);
}

// Prints the records the handler added since the last call; returns false
// if a child did not exit normally.
bool print_reaped(sig_atomic_t& printed) {
  bool all_exited = true;
  for (; printed < g_reaped_count; ++printed) {
    const procsig::Reaped& r = g_reaped[printed];
    std::printf("Removed proc id: %d\n", static_cast<int>(r.pid));
    if (WIFEXITED(r.status)) {
      std::printf("Child send: %d\n", WEXITSTATUS(r.status));
    } else {
      procsig::report("child " + std::to_string(r.pid), procsig::describe_status(r.status));
      all_exited = false;
    }
  }
  return all_exited;
}

}  // namespace

int main(int argc, char* argv[]) {
  (void)argv;
  procsig::set_program_name("remove_zombie");
  const double scale = procsig::load_time_scale();
  procsig::check_operand_count(argc, 0, 0, "");
  procsig::make_stdout_line_buffered();

  const sigset_t sleep_mask = procsig::block_signals({SIGCHLD});
  procsig::install_handler(SIGCHLD, read_childproc, 0);

  const int child_results[] = {12, 24};
  pid_t children[2] = {0, 0};
  for (int i = 0; i < 2; i++) {
    (void)std::fflush(stdout);
    children[i] = fork();
    if (children[i] < 0) {
      const int err = errno;
      if (i > 0) {
        kill(children[0], SIGKILL);
        int status = 0;
        procsig::wait_for_child(children[0], &status);
      }
      procsig::die_errno(procsig::kExitRuntime, "fork", err);
    }
    if (children[i] == 0) {
      procsig::restore_default(SIGCHLD);
      sigprocmask(SIG_SETMASK, &sleep_mask, nullptr);
      std::puts("Hi! I'm child process");
      procsig::sleep_fully(procsig::scaled(10, scale));
      if (i == 0) {
        return child_results[i];  // the chapter's first child returns from main
      }
      std::exit(child_results[i]);
    }
    std::printf("Child proc id: %d\n", static_cast<int>(children[i]));
  }

  const timespec nap = procsig::scaled(5, scale);
  sig_atomic_t printed = 0;
  bool all_exited = true;
  for (int i = 0; i < 5; i++) {
    std::puts("wait...");
    procsig::sleep_unless_signalled(nap, sleep_mask);
    all_exited = print_reaped(printed) && all_exited;
  }
  while (g_reaped_count < 2) {
    sigsuspend(&sleep_mask);  // returns once the handler has run
    all_exited = print_reaped(printed) && all_exited;
  }
  return all_exited ? 0 : procsig::kExitRuntime;
}
