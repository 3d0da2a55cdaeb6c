// exec_probe: run by the exec tests after execve() to report the signal state
// the new process image started with. It prints, one per line,
//   blocked <hex>   the signal mask
//   pending <hex>   the pending set
//   ignored <hex>   signals whose disposition is SIG_IGN
//   caught <hex>    signals with a handler (must be 0 after exec)
//   alarm <n>       seconds left on the inherited alarm
// where bit (sig - 1) stands for signal sig, as in /proc/PID/status.
// It only queries and never changes anything except cancelling the alarm it
// reports, and exits 0 (1 if stdout cannot be written).
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>

namespace {

std::uint64_t Bit(int sig) { return std::uint64_t{1} << (sig - 1); }

std::uint64_t MaskOf(const sigset_t& set) {
  std::uint64_t mask = 0;
  for (int sig = 1; sig <= SIGRTMAX && sig <= 64; ++sig) {
    if (sigismember(&set, sig) == 1) {
      mask |= Bit(sig);
    }
  }
  return mask;
}

}  // namespace

int main() {
  sigset_t blocked;
  sigset_t pending;
  sigprocmask(SIG_BLOCK, nullptr, &blocked);
  sigpending(&pending);

  std::uint64_t ignored = 0;
  std::uint64_t caught = 0;
  for (int sig = 1; sig <= SIGRTMAX && sig <= 64; ++sig) {
    struct sigaction old {};
    // The C library refuses the few numbers it reserves for itself; they are
    // not the caller's to report.
    if (sigaction(sig, nullptr, &old) != 0) {
      continue;
    }
    if ((old.sa_flags & SA_SIGINFO) == 0 && old.sa_handler == SIG_IGN) {
      ignored |= Bit(sig);
    } else if ((old.sa_flags & SA_SIGINFO) != 0 || old.sa_handler != SIG_DFL) {
      caught |= Bit(sig);
    }
  }
  const unsigned int alarm_left = alarm(0);

  const int written = std::printf(
      "blocked %llx\npending %llx\nignored %llx\ncaught %llx\nalarm %u\n",
      static_cast<unsigned long long>(MaskOf(blocked)),
      static_cast<unsigned long long>(MaskOf(pending)), static_cast<unsigned long long>(ignored),
      static_cast<unsigned long long>(caught), alarm_left);
  return (written < 0 || std::fflush(stdout) != 0) ? 1 : 0;
}
