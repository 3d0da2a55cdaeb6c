/* iso_signal_probe: what signal() does when a program is compiled as strict
 * ISO C plus POSIX (-std=c11 -D_POSIX_C_SOURCE=200809L, no _GNU_SOURCE or
 * _DEFAULT_SOURCE). glibc then binds signal() to its System V variant, while
 * the C++ test binary (g++ always defines _GNU_SOURCE) gets the BSD one, so
 * this has to be a separate C program.
 *
 * It installs a SIGUSR1 handler with signal(), reads the action back with
 * sigaction(), raises the signal once and prints key=value lines:
 *   restart=0|1             SA_RESTART set by signal()
 *   resethand=0|1           SA_RESETHAND set by signal()
 *   nodefer=0|1             SA_NODEFER set by signal()
 *   handled=0|1             the handler ran
 *   blocked_in_handler=0|1  SIGUSR1 was in the mask while the handler ran
 *   reset_on_delivery=0|1   the disposition was SIG_DFL after delivery
 * Exit status 0, or 1 with a message on stderr if a call failed. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t handled;
static volatile sig_atomic_t blocked_in_handler;

static void on_usr1(int sig) {
  sigset_t now;
  handled = 1;
  if (sigprocmask(SIG_BLOCK, NULL, &now) == 0) {
    blocked_in_handler = sigismember(&now, sig) == 1;
  }
}

static int flag(const struct sigaction* sa, int bit) { return (sa->sa_flags & bit) != 0; }

int main(void) {
  struct sigaction installed;
  struct sigaction after;

  if (signal(SIGUSR1, on_usr1) == SIG_ERR) {
    perror("iso_signal_probe: signal");
    return 1;
  }
  if (sigaction(SIGUSR1, NULL, &installed) != 0) {
    perror("iso_signal_probe: sigaction");
    return 1;
  }
  /* The handler may reset itself; a second raise() would then kill us, so
   * raise exactly once. */
  raise(SIGUSR1);
  if (sigaction(SIGUSR1, NULL, &after) != 0) {
    perror("iso_signal_probe: sigaction");
    return 1;
  }
  printf(
      "restart=%d\nresethand=%d\nnodefer=%d\nhandled=%d\nblocked_in_handler=%d\n"
      "reset_on_delivery=%d\n",
      flag(&installed, SA_RESTART), flag(&installed, SA_RESETHAND), flag(&installed, SA_NODEFER),
      (int)handled, (int)blocked_in_handler, after.sa_handler == SIG_DFL);
  return fflush(stdout) == 0 ? 0 : 1;
}
