// sigaction: as signal.cc, with only SIGALRM handled and installed by
// sigaction() (sa_mask empty, sa_flags 0). SIGINT keeps its default action
// and terminates the program (C.SIGACTION.SIGINT_DEFAULT).
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "alarm.h"
#include "args.h"
#include "errors.h"
#include "io.h"
#include "signals.h"
#include "time_scale.h"

namespace {

// Timeouts main has not printed yet; the handler only runs while main
// sleeps in pselect(), and main clears it with SIGALRM blocked.
volatile sig_atomic_t g_timeouts = 0;
const procsig::ScaledAlarm* g_alarm = nullptr;

void timeout(int sig) {
  procsig::ErrnoGuard keep_errno;
  if (sig == SIGALRM) {
    g_timeouts = g_timeouts + 1;
  }
  g_alarm->arm();
}

}  // namespace

int main(int argc, char* argv[]) {
  (void)argv;
  procsig::set_program_name("sigaction");
  const double scale = procsig::load_time_scale();
  procsig::check_operand_count(argc, 0, 0, "");
  procsig::make_stdout_line_buffered();

  // "Default" means default even when started from a shell script as a
  // background job, which inherits SIGINT ignored, or with SIGINT blocked.
  procsig::restore_default(SIGINT);
  const sigset_t sigint = procsig::make_sigset({SIGINT});
  sigprocmask(SIG_UNBLOCK, &sigint, nullptr);

  const procsig::ScaledAlarm alarm_2s(2, scale);
  g_alarm = &alarm_2s;
  const sigset_t sleep_mask = procsig::block_signals({SIGALRM});
  procsig::install_handler(SIGALRM, timeout, 0);
  alarm_2s.arm();

  const timespec nap = procsig::scaled(100, scale);
  for (int i = 0; i < 3; i++) {
    std::puts("wait...");
    procsig::sleep_unless_signalled(nap, sleep_mask);
    while (g_timeouts > 0) {
      g_timeouts = g_timeouts - 1;
      std::puts("Time out!");
    }
  }
  alarm_2s.cancel();
  return 0;
}
