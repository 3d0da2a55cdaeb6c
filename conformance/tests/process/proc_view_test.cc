// What Linux's /proc says about a process agrees with what the process
// itself set up or is told by the system calls: the SigCgt, SigIgn and SigBlk
// masks of /proc/PID/status, and the pid, state, ppid and pgrp fields of
// /proc/self/stat. Layers answer these from the host's view or fake them
// (qemu-user shows its own handlers for nearly every signal and writes 0 for
// most stat fields), and tools that read /proc to watch a process then see
// something else than the process is. Where /proc is not mounted the rows
// skip, saying so.
//
// The processes observed are forked children, so the parent's own handlers
// (gtest's, the watchdog's) play no part and a layer that crashes fails the
// row by ID.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>

#include "assertion.h"
#include "child.h"
#include "child_check.h"
#include "proc.h"
#include "process_helpers.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

void Handler(int) {}

// The child's signal dispositions: which signals it caught, ignored and
// blocked, and which of them it could set at all (sigaction() accepted
// SIG_DFL: the C library keeps some real-time signals for itself).
struct Dispositions {
  std::uint64_t settable = 0;
  std::uint64_t caught = 0;
  std::uint64_t ignored = 0;
  std::uint64_t blocked = 0;
};

// The signals of a mask, "1 17 35", for messages.
std::string Signals(std::uint64_t mask) {
  std::string text;
  for (int sig = 1; sig <= 64; ++sig) {
    if ((mask & SignalBit(sig)) != 0) {
      text += (text.empty() ? "" : " ") + std::to_string(sig);
    }
  }
  return text;
}

// The real-time signals are SIGRTMIN+k, all of which a handler can be
// installed for (valgrind keeps SIGRTMAX for itself: SIGNUM.* judges that).
Dispositions Intended() {
  Dispositions d;
  for (const int sig : {SIGUSR1, SIGTERM, SIGCHLD, SIGRTMIN + 1, SIGRTMIN + 4}) {
    d.caught |= SignalBit(sig);
  }
  for (const int sig : {SIGUSR2, SIGPIPE, SIGRTMIN + 2}) {
    d.ignored |= SignalBit(sig);
  }
  for (const int sig : {SIGINT, SIGHUP, SIGRTMIN + 3, SIGRTMIN + 5}) {
    d.blocked |= SignalBit(sig);
  }
  return d;
}

// In the child: every signal back to SIG_DFL, then the intended handlers,
// ignored signals and mask. Returns the settable set through *settable.
// Async-signal-safe only.
int SetUpDispositions(const Dispositions& want, std::uint64_t* settable,
                      const ChildReport& report) {
  *settable = 0;
  struct sigaction action {};
  sigemptyset(&action.sa_mask);
  for (int sig = 1; sig < NSIG && sig <= 64; ++sig) {
    action.sa_handler = SIG_DFL;
    if (sig == SIGKILL || sig == SIGSTOP || ::sigaction(sig, &action, nullptr) != 0) {
      continue;
    }
    *settable |= SignalBit(sig);
    const std::uint64_t bit = SignalBit(sig);
    if ((want.caught & bit) != 0) {
      action.sa_handler = Handler;
    } else if ((want.ignored & bit) != 0) {
      action.sa_handler = SIG_IGN;
    } else {
      continue;
    }
    CHILD_CHECK(report, ::sigaction(sig, &action, nullptr) == 0);
  }
  sigset_t mask;
  sigemptyset(&mask);
  for (int sig = 1; sig < NSIG && sig <= 64; ++sig) {
    if ((want.blocked & SignalBit(sig)) != 0) {
      sigaddset(&mask, sig);
    }
  }
  CHILD_CHECK(report, ::sigprocmask(SIG_SETMASK, &mask, nullptr) == 0);
  return 0;
}

// Forks a child that sets up Intended(), reads its /proc/PID/status while
// the child waits, and returns what it saw (nullopt, with a failure, when
// the child did not get ready). *settable receives the child's settable set.
std::optional<ProcSignals> ObserveDispositions(std::uint64_t* settable) {
  ChildReport report;
  Pipe ready;
  Pipe release;
  if (!report.ok() || !ready.ok() || !release.ok()) {
    ADD_FAILURE() << "pipe: " << DescribeErrno(errno);
    return std::nullopt;
  }
  const Dispositions want = Intended();
  auto child = ForkChild([&] {
    std::uint64_t mine = 0;
    if (SetUpDispositions(want, &mine, report) != 0) {
      return 1;
    }
    CHILD_CHECK(report, ::write(ready.write_end.get(), &mine, sizeof mine) == sizeof mine);
    char byte;
    return ::read(release.read_end.get(), &byte, 1) == 1 ? 0 : 99;
  });
  if (!child) {
    return std::nullopt;
  }
  ready.write_end.reset();
  if (!ReadExact(ready.read_end.get(), settable, sizeof *settable, DeadlineIn())) {
    EXPECT_TRUE(ChildSucceeded(child, report)) << "the child did not set up its dispositions";
    return std::nullopt;
  }
  std::optional<ProcSignals> seen = ReadProcStatus(child.pid());
  if (!seen) {
    ADD_FAILURE() << "could not read /proc/" << child.pid() << "/status";
  }
  EXPECT_THAT(::write(release.write_end.get(), "x", 1), SyscallSucceedsWithValue(1));
  EXPECT_TRUE(ChildSucceeded(child, report));
  return seen;
}

constexpr const char* kNoProcStatus = "no /proc/self/status: /proc is not mounted here";

bool HasProcStatus() { return ::access("/proc/self/status", R_OK) == 0; }

PROCSIG_TEST(ProcView, SigCgtMatchesHandlers, "PROCFS.STATUS_SIGCGT", "Linux proc(5)",
             "/proc/PID/status SigCgt of a process that installed handlers for SIGUSR1, SIGTERM, "
             "SIGCHLD, SIGRTMIN+1 and SIGRTMIN+4 (every other signal SIG_DFL or SIG_IGN) has "
             "exactly those bits set") {
  if (!HasProcStatus()) {
    GTEST_SKIP() << kNoProcStatus;
  }
  std::uint64_t settable = 0;
  const auto seen = ObserveDispositions(&settable);
  ASSERT_TRUE(seen);
  EXPECT_EQ(Signals(seen->caught & settable), Signals(Intended().caught))
      << "signals in SigCgt (of those the process can set)";
}

PROCSIG_TEST(ProcView, SigIgnMatchesIgnored, "PROCFS.STATUS_SIGIGN", "Linux proc(5)",
             "/proc/PID/status SigIgn of a process that set SIGUSR2, SIGPIPE and SIGRTMIN+2 to "
             "SIG_IGN (every other signal SIG_DFL or caught) has exactly those bits set") {
  if (!HasProcStatus()) {
    GTEST_SKIP() << kNoProcStatus;
  }
  std::uint64_t settable = 0;
  const auto seen = ObserveDispositions(&settable);
  ASSERT_TRUE(seen);
  EXPECT_EQ(Signals(seen->ignored & settable), Signals(Intended().ignored))
      << "signals in SigIgn (of those the process can set)";
}

PROCSIG_TEST(ProcView, SigBlkMatchesMask, "PROCFS.STATUS_SIGBLK", "Linux proc(5)",
             "/proc/PID/status SigBlk of a single-threaded process whose mask was set to SIGINT, "
             "SIGHUP, SIGRTMIN+3 and SIGRTMIN+5 has exactly those bits set") {
  if (!HasProcStatus()) {
    GTEST_SKIP() << kNoProcStatus;
  }
  std::uint64_t settable = 0;
  const auto seen = ObserveDispositions(&settable);
  ASSERT_TRUE(seen);
  EXPECT_EQ(Signals(seen->blocked & settable), Signals(Intended().blocked))
      << "signals in SigBlk (of those the process can set)";
}

// /proc/self/stat as the process reads it, and what the calls say.
struct SelfStat {
  int error = 0;  // errno of open(), 0 when read
  long pid = -1, ppid = -1, pgrp = -1;
  char state = '?';
  long real_pid = -1, real_ppid = -1, real_pgrp = -1;
};

// Parses "pid (comm) state ppid pgrp ...", comm being anything up to the
// last ')'. Async-signal-safe. False when the text does not parse.
bool ParseStat(const char* text, long n, SelfStat* out) {
  long close = -1;
  for (long i = 0; i < n; ++i) {
    if (text[i] == ')') {
      close = i;
    }
  }
  auto number = [&](long* at, long* value) {
    bool negative = false;
    if (*at < n && text[*at] == '-') {
      negative = true;
      ++*at;
    }
    if (*at >= n || text[*at] < '0' || text[*at] > '9') {
      return false;
    }
    long v = 0;
    while (*at < n && text[*at] >= '0' && text[*at] <= '9') {
      v = v * 10 + (text[*at] - '0');
      ++*at;
    }
    *value = negative ? -v : v;
    return *at < n && text[(*at)++] == ' ';
  };
  long at = 0;
  if (close < 0 || !number(&at, &out->pid) || close + 4 >= n) {
    return false;
  }
  out->state = text[close + 2];
  at = close + 4;
  return number(&at, &out->ppid) && number(&at, &out->pgrp);
}

// Forks a child that reads its own /proc/self/stat and reports it with what
// getpid(), getppid() and getpgrp() return.
std::optional<SelfStat> ReadChildsSelfStat() {
  ChildReport checks;
  Pipe report;
  if (!checks.ok() || !report.ok()) {
    ADD_FAILURE() << "pipe: " << DescribeErrno(errno);
    return std::nullopt;
  }
  auto child = ForkChild([&] {
    SelfStat stat;
    stat.real_pid = ::getpid();
    stat.real_ppid = ::getppid();
    stat.real_pgrp = ::getpgrp();
    const int fd = ::open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      stat.error = errno;
    } else {
      char text[1024];
      const ssize_t n = ::read(fd, text, sizeof text);
      (void)::close(fd);
      CHILD_CHECK(checks, n > 0);
      CHILD_CHECK(checks, ParseStat(text, n, &stat));
    }
    CHILD_CHECK(checks, ::write(report.write_end.get(), &stat, sizeof stat) == sizeof stat);
    return 0;
  });
  if (!child) {
    return std::nullopt;
  }
  report.write_end.reset();
  SelfStat stat;
  const bool got = ReadExact(report.read_end.get(), &stat, sizeof stat, DeadlineIn());
  const bool succeeded = ChildSucceeded(child, checks);
  if (!got || !succeeded) {
    ADD_FAILURE() << "the child reported " << (got ? "" : "nothing, ") << checks.Failures();
    return std::nullopt;
  }
  return stat;
}

#define PROCSIG_SELF_STAT_OR_SKIP(var)                                    \
  const std::optional<SelfStat> var = ReadChildsSelfStat();               \
  ASSERT_TRUE(var);                                                       \
  if ((var)->error != 0) {                                                \
    GTEST_SKIP() << "no /proc/self/stat (" << DescribeErrno((var)->error) \
                 << "): /proc is not mounted here";                       \
  }

PROCSIG_TEST(ProcView, SelfStatPid, "PROCFS.SELF_STAT_PID", "Linux proc(5)",
             "the pid field of /proc/self/stat, as a process reads it, is what getpid() returns") {
  PROCSIG_SELF_STAT_OR_SKIP(stat);
  EXPECT_EQ(stat->pid, stat->real_pid);
}

PROCSIG_TEST(ProcView, SelfStatPpid, "PROCFS.SELF_STAT_PPID", "Linux proc(5)",
             "the ppid field of /proc/self/stat, as a process reads it, is what getppid() "
             "returns") {
  PROCSIG_SELF_STAT_OR_SKIP(stat);
  EXPECT_EQ(stat->ppid, stat->real_ppid);
}

PROCSIG_TEST(ProcView, SelfStatPgrp, "PROCFS.SELF_STAT_PGRP", "Linux proc(5)",
             "the pgrp field of /proc/self/stat, as a process reads it, is what getpgrp() "
             "returns") {
  PROCSIG_SELF_STAT_OR_SKIP(stat);
  EXPECT_EQ(stat->pgrp, stat->real_pgrp);
}

PROCSIG_TEST(ProcView, SelfStatState, "PROCFS.SELF_STAT_STATE", "Linux proc(5)",
             "the state field of /proc/self/stat, as a process reads it while it runs, is R") {
  PROCSIG_SELF_STAT_OR_SKIP(stat);
  EXPECT_EQ(stat->state, 'R');
}

}  // namespace
}  // namespace procsig::test
