// signal: the chapter's SIGALRM/SIGINT example with handlers installed by
// signal(). An alarm of 2 s re-arms itself; three times the program prints
// `wait...` and sleeps 100 s, and each caught signal ends the current sleep
// (C.SIGNAL.LINES, C.SIGNAL.CTRL_C).
//
// Corrected from the chapter: the handlers only record what happened and
// re-arm the alarm (C.SIGNAL.SAFE); main prints. Both signals stay blocked
// except while sleeping in pselect(), so a handler never interrupts a
// printf and a signal that arrives between two sleeps ends the next one
// instead of being lost.
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

enum Event : sig_atomic_t { kTimeout = 1, kCtrlC = 2 };

// The events since main last looked, in arrival order. Only handlers
// append, only while main sleeps; main reads and clears with both signals
// blocked.
constexpr sig_atomic_t kMaxEvents = 8;
volatile sig_atomic_t g_events[kMaxEvents];
volatile sig_atomic_t g_event_count = 0;

const procsig::ScaledAlarm* g_alarm = nullptr;

void record(Event event) {
  if (g_event_count < kMaxEvents) {
    g_events[g_event_count] = event;
    g_event_count = g_event_count + 1;
  }
}

void timeout(int sig) {
  procsig::ErrnoGuard keep_errno;
  if (sig == SIGALRM) {
    record(kTimeout);
  }
  g_alarm->arm();
  // glibc's signal() gives BSD semantics: the handler stays installed.
  // System V semantics reset it to SIG_DFL on delivery; re-installing keeps
  // the program portable (signal() is async-signal-safe).
  (void)signal(SIGALRM, timeout);
}

void keycontrol(int sig) {
  procsig::ErrnoGuard keep_errno;
  if (sig == SIGINT) {
    record(kCtrlC);
  }
  (void)signal(SIGINT, keycontrol);  // as in timeout()
}

void print_events() {
  for (sig_atomic_t i = 0; i < g_event_count; ++i) {
    std::puts(g_events[i] == kTimeout ? "Time out!" : "CTRL+C pressed");
  }
  g_event_count = 0;
}

}  // namespace

int main(int argc, char* argv[]) {
  (void)argv;
  procsig::set_program_name("signal");
  const double scale = procsig::load_time_scale();
  procsig::check_operand_count(argc, 0, 0, "");
  procsig::make_stdout_line_buffered();

  const procsig::ScaledAlarm alarm_2s(2, scale);
  g_alarm = &alarm_2s;
  const sigset_t sleep_mask = procsig::block_signals({SIGALRM, SIGINT});
  if (signal(SIGALRM, timeout) == SIG_ERR || signal(SIGINT, keycontrol) == SIG_ERR) {
    procsig::die_errno(procsig::kExitRuntime, "signal", errno);
  }
  alarm_2s.arm();

  const timespec nap = procsig::scaled(100, scale);
  for (int i = 0; i < 3; i++) {
    std::puts("wait...");
    procsig::sleep_unless_signalled(nap, sleep_mask);
    print_events();
  }
  alarm_2s.cancel();
  return 0;
}
