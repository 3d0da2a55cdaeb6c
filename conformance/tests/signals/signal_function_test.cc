// signal(): its return value, the numbers it refuses, and what this platform
// makes of the semantics POSIX leaves open (reset on delivery, restarting).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "assertion.h"
#include "child.h"
#include "helper_paths.h"
#include "interrupt.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"
#include "unique_fd.h"

namespace procsig::test {
namespace {

void FirstHandler(int) {}
void SecondHandler(int) {}

volatile sig_atomic_t g_blocked_in_handler = -1;

void RecordOwnBlocking(int sig) {
  sigset_t now;
  sigprocmask(SIG_BLOCK, nullptr, &now);
  g_blocked_in_handler = sigismember(&now, sig);
}

// signal() changes the disposition for good, so each test that calls it
// keeps a ScopedSigaction whose destructor puts the original back.
struct SignalGuard {
  explicit SignalGuard(int sig) : saved(sig, SIG_DFL) {}
  ScopedSigaction saved;
};

PROCSIG_TEST(Signal, ReturnsPreviousHandler, "SIGNAL.RETURNS_PREVIOUS", "XSH signal",
             "signal() returns the disposition it replaces") {
  SignalGuard guard(SIGUSR1);
  EXPECT_EQ(::signal(SIGUSR1, FirstHandler), SIG_DFL);
  EXPECT_EQ(::signal(SIGUSR1, SecondHandler), &FirstHandler);
  EXPECT_EQ(::signal(SIGUSR1, SIG_DFL), &SecondHandler);
}

PROCSIG_TEST(Signal, ReturnsPreviousIgnore, "SIGNAL.RETURNS_PREVIOUS_IGNORE", "XSH signal",
             "signal() returns SIG_IGN when the signal was ignored") {
  SignalGuard guard(SIGUSR2);
  ASSERT_NE(::signal(SIGUSR2, SIG_IGN), SIG_ERR);
  EXPECT_EQ(::signal(SIGUSR2, FirstHandler), SIG_IGN);
}

// Each refused request must return SIG_ERR with errno EINVAL and leave the
// disposition alone.
void ExpectRefused(int sig, void (*handler)(int)) {
  errno = 0;
  EXPECT_EQ(::signal(sig, handler), SIG_ERR) << "signal " << sig << " accepted";
  EXPECT_EQ(errno, EINVAL) << DescribeErrno(errno);
}

PROCSIG_TEST(Signal, RejectsZero, "SIGNAL.REJECTS_ZERO", "XSH signal",
             "signal(0, ...) fails with SIG_ERR and EINVAL") {
  ExpectRefused(0, FirstHandler);
}

PROCSIG_TEST(Signal, RejectsPastLast, "SIGNAL.REJECTS_PAST_LAST", "XSH signal",
             "signal() with the number after SIGRTMAX (65 on Linux) fails with EINVAL") {
  ExpectRefused(SIGRTMAX + 1, FirstHandler);
}

PROCSIG_TEST(Signal, RejectsNegative, "SIGNAL.REJECTS_NEGATIVE", "XSH signal",
             "signal(-1, ...) fails with SIG_ERR and EINVAL") {
  ExpectRefused(-1, FirstHandler);
}

PROCSIG_TEST(Signal, RejectsCatchingKill, "SIGNAL.REJECTS_CATCHING_SIGKILL", "XSH signal",
             "a handler for SIGKILL is refused with SIG_ERR and EINVAL") {
  ExpectRefused(SIGKILL, FirstHandler);
}

PROCSIG_TEST(Signal, RejectsIgnoringKill, "SIGNAL.REJECTS_IGNORING_SIGKILL", "XSH signal",
             "SIG_IGN for SIGKILL is refused with SIG_ERR and EINVAL") {
  ExpectRefused(SIGKILL, SIG_IGN);
}

PROCSIG_TEST(Signal, RejectsCatchingStop, "SIGNAL.REJECTS_CATCHING_SIGSTOP", "XSH signal",
             "a handler for SIGSTOP is refused with SIG_ERR and EINVAL") {
  ExpectRefused(SIGSTOP, FirstHandler);
}

PROCSIG_TEST(Signal, RejectsIgnoringStop, "SIGNAL.REJECTS_IGNORING_SIGSTOP", "XSH signal",
             "SIG_IGN for SIGSTOP is refused with SIG_ERR and EINVAL") {
  ExpectRefused(SIGSTOP, SIG_IGN);
}

std::string YesNo(bool value) { return value ? "yes" : "no"; }

PROCSIG_CHARACTERISE(Signal, ResetOnDelivery, "SIGNAL.RESET_ON_DELIVERY", "XSH signal",
                     "whether a handler installed with signal() is reset to SIG_DFL when it "
                     "runs; if not, the signal must be blocked while it runs") {
  SignalGuard guard(SIGUSR1);
  g_blocked_in_handler = -1;
  ASSERT_NE(::signal(SIGUSR1, RecordOwnBlocking), SIG_ERR);
  ASSERT_THAT(::raise(SIGUSR1), SyscallSucceeds());
  ASSERT_NE(g_blocked_in_handler, -1) << "the handler did not run";
  struct sigaction after {};
  ASSERT_THAT(::sigaction(SIGUSR1, nullptr, &after), SyscallSucceeds());
  const bool reset = after.sa_handler == SIG_DFL;
  RecordObserved("reset on delivery: " + YesNo(reset) +
                 "; signal blocked in handler: " + YesNo(g_blocked_in_handler == 1));
  // POSIX allows either resetting or blocking the signal during the handler,
  // not neither.
  EXPECT_TRUE(reset || g_blocked_in_handler == 1)
      << "the handler stayed installed and could be re-entered by its own signal";
}

PROCSIG_CHARACTERISE(Signal, InstalledFlags, "SIGNAL.INSTALLED_FLAGS", "XSH signal",
                     "the sigaction flags signal() installs (SA_RESTART, SA_RESETHAND, "
                     "SA_NODEFER), read back with sigaction()") {
  SignalGuard guard(SIGUSR1);
  ASSERT_NE(::signal(SIGUSR1, FirstHandler), SIG_ERR);
  struct sigaction installed {};
  ASSERT_THAT(::sigaction(SIGUSR1, nullptr, &installed), SyscallSucceeds());
  EXPECT_EQ(installed.sa_handler, &FirstHandler);
  RecordObserved("SA_RESTART " + YesNo((installed.sa_flags & SA_RESTART) != 0) + ", SA_RESETHAND " +
                 YesNo((installed.sa_flags & SA_RESETHAND) != 0) + ", SA_NODEFER " +
                 YesNo((installed.sa_flags & SA_NODEFER) != 0));
}

// Runs iso_signal_probe and returns its key=value output, or "" after
// recording a failure.
std::string RunIsoProbe() {
  Pipe out;
  if (!out.ok()) {
    ADD_FAILURE() << "pipe2 failed";
    return "";
  }
  const HelperExec probe(signals::IsoSignalProbePath(), {}, "iso_signal_probe");
  const char* path = probe.path().c_str();
  ScopedChild child = ForkChild([&] {
    if (::dup2(out.write_end.get(), STDOUT_FILENO) < 0) {
      return 126;
    }
    probe.Exec();
    return 127;
  });
  if (!child) {
    return "";
  }
  out.write_end.reset();
  std::string text;
  char buf[256];
  for (;;) {
    const ssize_t n = ::read(out.read_end.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    text.append(buf, static_cast<size_t>(n));
  }
  const int status = WaitForExit(child);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    ADD_FAILURE() << path << " failed, wait status " << status
                  << " (127: could not exec; see PROCSIG_HELPER_DIR)";
    return "";
  }
  return text;
}

bool ProbeSays(const std::string& text, const char* key_value) {
  return text.find(std::string(key_value) + "\n") != std::string::npos;
}

PROCSIG_CHARACTERISE(Signal, IsoCSemantics, "SIGNAL.ISO_C_SEMANTICS", "XSH signal",
                     "what signal() installs in a program built as strict ISO C with "
                     "_POSIX_C_SOURCE (no _DEFAULT_SOURCE)") {
  const std::string text = RunIsoProbe();
  ASSERT_FALSE(text.empty());
  ASSERT_TRUE(ProbeSays(text, "handled=1")) << text;
  std::string observed;
  for (char c : text) {
    observed += c == '\n' ? ' ' : c;
  }
  RecordObserved(observed.substr(0, observed.find_last_not_of(' ') + 1));
  EXPECT_TRUE(ProbeSays(text, "reset_on_delivery=1") || ProbeSays(text, "blocked_in_handler=1"))
      << "neither reset nor blocked during the handler:\n"
      << text;
}

PROCSIG_TEST(Signal, IsoCFlagsMatchBehaviour, "SIGNAL.ISO_C_FLAGS_MATCH", "XSH sigaction",
             "the flags sigaction() reports for a strict ISO C signal() match what delivery "
             "does: SA_RESETHAND resets, SA_NODEFER leaves the signal unblocked") {
  const std::string text = RunIsoProbe();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(ProbeSays(text, "resethand=1"), ProbeSays(text, "reset_on_delivery=1")) << text;
  if (ProbeSays(text, "nodefer=1")) {
    EXPECT_TRUE(ProbeSays(text, "blocked_in_handler=0")) << text;
  }
}

}  // namespace
}  // namespace procsig::test
