// What a new process image inherits from the signal state of the image that
// called exec: caught signals go back to SIG_DFL, ignored ones stay ignored,
// the mask, pending signals and the alarm are kept. exec_probe reports the
// state after execv().
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <map>
#include <sstream>
#include <string>

#include "assertion.h"
#include "child.h"
#include "helper_paths.h"
#include "interrupt.h"
#include "proc.h"
#include "syscall_matchers.h"
#include "unique_fd.h"

namespace procsig::test {
namespace {

// exec_probe's report: "blocked", "pending", "ignored", "caught" as masks
// (bit sig - 1), "alarm" in seconds.
using ProbeReport = std::map<std::string, std::uint64_t>;

// Forks; the child runs setup() (async-signal-safe calls only), then execs
// exec_probe with stdout on a pipe. Returns the parsed report, empty after
// recording a failure.
template <typename Setup>
ProbeReport RunExecProbe(Setup setup) {
  Pipe out;
  if (!out.ok()) {
    ADD_FAILURE() << "pipe2 failed";
    return {};
  }
  const HelperExec probe(signals::ExecProbePath(), {}, "exec_probe");
  const char* path = probe.path().c_str();
  ScopedChild child = ForkChild([&] {
    if (!setup() || ::dup2(out.write_end.get(), STDOUT_FILENO) < 0) {
      return 126;
    }
    probe.Exec();
    return 127;
  });
  if (!child) {
    return {};
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
    ADD_FAILURE() << "exec_probe (" << path << ") failed, wait status " << status
                  << " (126: setup failed, 127: could not exec; see PROCSIG_HELPER_DIR)";
    return {};
  }
  ProbeReport report;
  std::istringstream lines(text);
  std::string key;
  std::string value;
  while (lines >> key >> value) {
    report[key] = std::stoull(value, nullptr, key == "alarm" ? 10 : 16);
  }
  if (report.size() != 5) {
    ADD_FAILURE() << "unexpected exec_probe output:\n" << text;
    return {};
  }
  return report;
}

bool Install(int sig, void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  return ::sigaction(sig, &sa, nullptr) == 0;
}

bool Block(int sig) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  return ::sigprocmask(SIG_BLOCK, &set, nullptr) == 0;
}

PROCSIG_TEST(Exec, CaughtResetToDefault, "EXEC.CAUGHT_RESET_TO_DEFAULT", "XSH exec",
             "signals caught by the calling image are set to SIG_DFL in the new image") {
  const ProbeReport report = RunExecProbe([] {
    return Install(SIGUSR1, signals::CountAndAck) && Install(SIGTERM, signals::CountAndAck);
  });
  ASSERT_FALSE(report.empty());
  // Only the signals this image caught are judged: the new image's own
  // runtime (a sanitizer, for one) may install handlers before main.
  const std::uint64_t ours = SignalBit(SIGUSR1) | SignalBit(SIGTERM);
  EXPECT_EQ(report.at("caught") & ours, 0u) << std::hex << report.at("caught");
  EXPECT_EQ(report.at("ignored") & ours, 0u);
}

PROCSIG_TEST(Exec, IgnoredStayIgnored, "EXEC.IGNORED_STAY_IGNORED", "XSH exec",
             "signals set to SIG_IGN by the calling image stay ignored in the new image") {
  const ProbeReport report =
      RunExecProbe([] { return Install(SIGUSR2, SIG_IGN) && Install(SIGHUP, SIG_IGN); });
  ASSERT_FALSE(report.empty());
  EXPECT_NE(report.at("ignored") & SignalBit(SIGUSR2), 0u);
  EXPECT_NE(report.at("ignored") & SignalBit(SIGHUP), 0u);
}

PROCSIG_TEST(Exec, MaskPreserved, "EXEC.MASK_PRESERVED", "XSH exec",
             "the new image starts with the signal mask of the thread that called exec") {
  const ProbeReport report = RunExecProbe([] { return Block(SIGUSR1) && Block(SIGINT); });
  ASSERT_FALSE(report.empty());
  EXPECT_NE(report.at("blocked") & SignalBit(SIGUSR1), 0u);
  EXPECT_NE(report.at("blocked") & SignalBit(SIGINT), 0u);
  EXPECT_EQ(report.at("blocked") & SignalBit(SIGUSR2), 0u);
}

PROCSIG_TEST(Exec, PendingPreserved, "EXEC.PENDING_PRESERVED", "XSH exec",
             "a signal pending and blocked at exec is still pending in the new image") {
  const ProbeReport report = RunExecProbe([] {
    return Install(SIGUSR1, signals::CountAndAck) && Block(SIGUSR1) && ::raise(SIGUSR1) == 0;
  });
  ASSERT_FALSE(report.empty());
  EXPECT_NE(report.at("pending") & SignalBit(SIGUSR1), 0u);
}

PROCSIG_TEST(Exec, AlarmPreserved, "EXEC.ALARM_PRESERVED", "XSH exec",
             "the time left on an alarm is inherited by the new image") {
  const ProbeReport report = RunExecProbe([] {
    ::alarm(100);
    return true;
  });
  ASSERT_FALSE(report.empty());
  EXPECT_GE(report.at("alarm"), 98u);
  EXPECT_LE(report.at("alarm"), 100u);
}

PROCSIG_CHARACTERISE(Exec, IgnoredSigchld, "EXEC.IGNORED_SIGCHLD", "XSH exec",
                     "whether SIGCHLD set to SIG_IGN before exec is still ignored after it") {
  const ProbeReport report = RunExecProbe([] { return Install(SIGCHLD, SIG_IGN); });
  ASSERT_FALSE(report.empty());
  RecordObserved((report.at("ignored") & SignalBit(SIGCHLD)) != 0 ? "SIG_IGN" : "SIG_DFL");
}

}  // namespace
}  // namespace procsig::test
