#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <limits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <sstream>

#include "assertion.h"
#include "expectations.h"
#include "proc.h"
#include "test_deadline.h"

namespace procsig::test {

// Dispositions and mask as seen through the POSIX calls (not /proc), so the
// check also works where /proc is partial.
struct ConformanceTest::SignalState {
  std::array<struct sigaction, NSIG> actions{};
  std::array<bool, NSIG> valid{};
  sigset_t mask{};

  static std::shared_ptr<SignalState> Capture() {
    auto state = std::make_shared<SignalState>();
    for (int sig = 1; sig < NSIG; ++sig) {
      // glibc reserves some real-time signals; sigaction refuses those.
      state->valid[sig] = ::sigaction(sig, nullptr, &state->actions[sig]) == 0;
    }
    ::pthread_sigmask(SIG_SETMASK, nullptr, &state->mask);
    return state;
  }
};

namespace {

bool SameAction(const struct sigaction& a, const struct sigaction& b) {
  // Compare the handler and the flags the test chose; the kernel may add
  // SA_RESTORER, which is not the test's doing.
  constexpr int kFlags = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART |
                         SA_NODEFER | SA_RESETHAND;
  return a.sa_handler == b.sa_handler && (a.sa_flags & kFlags) == (b.sa_flags & kFlags);
}

std::string CurrentDirectory() {
  char buf[PATH_MAX];
  return ::getcwd(buf, sizeof buf) != nullptr ? buf : "";
}

std::string DescribeFd(int fd) {
  char target[PATH_MAX];
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
  return std::to_string(fd) + " -> " + (n > 0 ? std::string(target, static_cast<size_t>(n)) : "?");
}

}  // namespace

namespace {
std::string& SafetyNetNote() {
  static std::string note;
  return note;
}
}  // namespace

void NoteSafetyNetMissing(const std::string& what) {
  std::string& note = SafetyNetNote();
  note += (note.empty() ? "" : "; ") + what;
}

void ConformanceTest::SetUp() {
  fds_at_start_ = OpenDescriptors();
  cwd_at_start_ = CurrentDirectory();
  pgrp_at_start_ = ::getpgrp();
  euid_at_start_ = ::geteuid();
  egid_at_start_ = ::getegid();
  dumpable_at_start_ = ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
  signals_at_start_ = SignalState::Capture();
}

void ConformanceTest::TearDown() {
  CheckChildren();
  CheckDescriptors();
  CheckSignals();
  CheckProcessState();
}

void ConformanceTest::CheckChildren() {
  // Children, running or zombie, as the kernel lists them.
  const std::set<pid_t> listed = ProcChildren(KernelPid());
  std::ostringstream leaked;
  for (const pid_t pid : listed) {
    const auto stat = ReadProcStat(pid);
    leaked << ' ' << pid << '(' << (stat ? stat->state : '?') << ')';
    ::kill(pid, SIGKILL);
  }
  for (const pid_t pid : listed) {
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  // Without /proc/PID/task/*/children the list above is empty; waitpid
  // still finds zombies and tells whether running children remain.
  for (;;) {
    const pid_t pid = ::waitpid(-1, nullptr, WNOHANG);
    if (pid > 0) {
      leaked << ' ' << pid << "(Z)";
      continue;
    }
    if (pid == 0) {
      leaked << " (running children /proc did not list; not killed)";
    }
    break;
  }
  const std::string text = leaked.str();
  if (!text.empty()) {
    ADD_FAILURE() << "the test left child processes (killed and reaped now):" << text;
  }
}

void ConformanceTest::CheckDescriptors() {
  const std::set<int> now = OpenDescriptors();
  std::ostringstream opened;
  for (const int fd : now) {
    if (fds_at_start_.count(fd) == 0) {
      opened << "\n  " << DescribeFd(fd);
      ::close(fd);
    }
  }
  std::ostringstream closed;
  for (const int fd : fds_at_start_) {
    if (now.count(fd) == 0) {
      closed << ' ' << fd;
    }
  }
  if (!opened.str().empty()) {
    ADD_FAILURE() << "the test left descriptors open (closed now):" << opened.str();
  }
  if (!closed.str().empty()) {
    ADD_FAILURE() << "the test closed descriptors it did not open:" << closed.str();
  }
}

void ConformanceTest::CheckSignals() {
  const auto& before = *signals_at_start_;
  std::ostringstream changed;
  for (int sig = 1; sig < NSIG; ++sig) {
    struct sigaction now {};
    if (!before.valid[sig] || ::sigaction(sig, nullptr, &now) != 0) {
      continue;
    }
    if (!SameAction(before.actions[sig], now)) {
      changed << ' ' << sig;
      ::sigaction(sig, &before.actions[sig], nullptr);
    }
  }
  if (!changed.str().empty()) {
    ADD_FAILURE() << "the test changed signal dispositions (restored now):" << changed.str();
  }

  sigset_t mask;
  ::pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  std::ostringstream mask_changed;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sigismember(&mask, sig) != sigismember(&before.mask, sig)) {
      mask_changed << ' ' << sig;
    }
  }
  if (!mask_changed.str().empty()) {
    ::pthread_sigmask(SIG_SETMASK, &before.mask, nullptr);
    ADD_FAILURE() << "the test changed the signal mask (restored now):" << mask_changed.str();
  }

  sigset_t pending;
  sigemptyset(&pending);
  ::sigpending(&pending);
  std::ostringstream left_pending;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sigismember(&pending, sig) == 1) {
      left_pending << ' ' << sig;
      // Ignoring a signal discards it if pending; then restore the action.
      struct sigaction ignore {};
      ignore.sa_handler = SIG_IGN;
      struct sigaction old {};
      if (::sigaction(sig, &ignore, &old) == 0) {
        ::sigaction(sig, &old, nullptr);
      }
    }
  }
  if (!left_pending.str().empty()) {
    ADD_FAILURE() << "the test left signals pending (discarded now):" << left_pending.str();
  }

  struct itimerval timer {};
  ::getitimer(ITIMER_REAL, &timer);
  if (timer.it_value.tv_sec != 0 || timer.it_value.tv_usec != 0) {
    struct itimerval off {};
    ::setitimer(ITIMER_REAL, &off, nullptr);
    ADD_FAILURE() << "the test left an alarm or ITIMER_REAL armed (disarmed now)";
  }
}

void ConformanceTest::CheckProcessState() {
  if (CurrentDirectory() != cwd_at_start_) {
    const int restored = ::chdir(cwd_at_start_.c_str());
    ADD_FAILURE() << "the test changed the working directory"
                  << (restored == 0 ? " (restored now)" : "");
  }
  if (::getpgrp() != pgrp_at_start_) {
    ADD_FAILURE() << "the test moved the process to another process group";
  }
  if (::geteuid() != euid_at_start_ || ::getegid() != egid_at_start_) {
    const bool restored = ::setegid(egid_at_start_) == 0 && ::seteuid(euid_at_start_) == 0;
    ADD_FAILURE() << "the test left the process with other effective IDs"
                  << (restored ? " (restored now)" : "");
  }
  // A change of credentials, even one undone, clears the dumpable flag
  // (Linux prctl(2)), and with it every later child's core dump: a test
  // that changes IDs must restore the flag as well.
  if (dumpable_at_start_ >= 0 && ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != dumpable_at_start_) {
    const bool restored = ::prctl(PR_SET_DUMPABLE, dumpable_at_start_, 0, 0, 0) == 0;
    ADD_FAILURE() << "the test changed the process's dumpable flag (PR_SET_DUMPABLE)"
                  << (restored ? " (restored now)" : "");
  }
}

void ConformanceTest::RecordObserved(const std::string& value) {
  RecordProperty("observed", value);
}

void ConformanceTest::RunBounded(const AssertionInfo& info, void (*body)()) {
  const auto timeout = BodyTimeout();
  if (RunWithinDeadline(body, timeout, info.id)) {
    return;
  }
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
  RecordProperty("cut_off", "deadline " + std::to_string(seconds) + " s");
  ADD_FAILURE() << info.id << ": the test did not finish within its " << seconds
                << " s deadline and was cut off (what it left is cleaned up below)";
}

void ConformanceTest::RunAssertion(const AssertionInfo& info, void (*body)()) {
  RecordProperty("assertion", info.id);
  RecordProperty("clause", info.clause);
  RecordProperty("description", info.description);
  if (!SafetyNetNote().empty()) {
    RecordProperty("safety_net", SafetyNetNote());
  }
  if (info.characterisation) {
    RecordProperty("kind", "characterisation");
  }

  const Expectation* expected = FindExpectation(info.id);
  if (expected == nullptr) {
    RunBounded(info, body);
    return;
  }

  // Listed for this target: run the body with its results intercepted, then
  // report the verdict the expectation calls for.
  ::testing::TestPartResultArray results;
  {
    ::testing::ScopedFakeTestPartResultReporter intercept(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ALL_THREADS, &results);
    RunBounded(info, body);
  }
  const ::testing::TestPartResult* first_failure = nullptr;
  const ::testing::TestPartResult* skip = nullptr;
  for (int i = 0; i < results.size(); ++i) {
    const auto& result = results.GetTestPartResult(i);
    if (result.failed() && first_failure == nullptr) {
      first_failure = &result;
    } else if (result.skipped() && skip == nullptr) {
      skip = &result;
    }
  }
  if (first_failure != nullptr) {
    const char* file = first_failure->file_name();
    std::ostringstream where;
    where << "\n  first failure: " << (file != nullptr ? file : "?") << ":"
          << first_failure->line_number() << ": " << first_failure->summary();
    if (expected->intermittent()) {
      RecordProperty("outcome", "intermittent");
      RecordProperty("this_run", "fail");
      GTEST_SKIP() << "intermittent failure: " << expected->reason << " (listed as "
                   << expected->rate << ")" << where.str();
    }
    RecordProperty("outcome", "expected-fail");
    GTEST_SKIP() << "expected failure: " << expected->reason << where.str();
  }
  if (skip != nullptr) {
    GTEST_SKIP() << skip->message();
  }
  if (expected->intermittent()) {
    // Passed this time: the cell says so, and it is not counted as a pass.
    RecordProperty("outcome", "intermittent");
    RecordProperty("this_run", "pass");
    return;
  }
  RecordProperty("outcome", "unexpected-pass");
  ADD_FAILURE() << "unexpected pass: " << info.id << " is listed in expectations/"
                << ExpectationsTarget() << ".txt (" << expected->reason << ") but passed";
}

}  // namespace procsig::test
