// RLIMIT_NPROC counts as Linux counts: the processes (threads) of the real
// user ID, the calling one included, so with a limit of N a process of a
// user with no other processes can fork N-1 children, and the next fork()
// fails with EAGAIN. A layer that runs helper threads of its own in every
// process (qemu-user's RCU thread) is counted with them and allows fewer.
//
// The user is one nobody else runs as (a uid made from the test child's own
// pid), so the count is known; that needs root, and a uid the user namespace
// maps. Everything runs in a forked child, whose children end when its pipe
// closes, however it ends.
//
// Each child checkpoints (a byte on a pipe of its own, or EOF if it ended
// first) before the next fork(), so the count each fork() sees holds
// whatever the child's side of fork() started: qemu-user starts its RCU
// thread in the child there, and without the checkpoint the number of forks
// that succeeded depended on whether the parent forked again first.
#include <grp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "assertion.h"
#include "child.h"
#include "child_check.h"
#include "process_helpers.h"
#include "syscall_matchers.h"
#include "unique_fd.h"
#include "wait_status.h"

namespace procsig::test {
namespace {

constexpr int kLimit = 4;
constexpr int kTries = kLimit + 2;  // bounded, whatever the layer allows

// The child's report: how many forks succeeded before the first failure,
// and that failure's errno (0: none failed within kTries).
struct NprocReport {
  int forked = 0;
  int ready = 0;  // children that ran after fork() and wrote their checkpoint
  int error = 0;
  int setup_errno = 0;  // setresuid's errno when the uid could not be taken
};

// Async-signal-safe: takes a uid of its own, sets RLIMIT_NPROC to kLimit,
// forks until fork() fails (each child checkpoints, then waits for EOF on
// `hold`), reports, then lets them go and reaps them.
int CountForks(int report_fd, const ChildReport& checks) {
  NprocReport report;
  Pipe hold;
  CHILD_CHECK(checks, hold.ok());
  const uid_t uid = static_cast<uid_t>(200000 + ::getpid());
  CHILD_CHECK(checks, ::setgroups(0, nullptr) == 0);
  CHILD_CHECK(checks, ::setresgid(kUnprivilegedId, kUnprivilegedId, kUnprivilegedId) == 0);
  const struct rlimit limit = {kLimit, kLimit};
  CHILD_CHECK(checks, ::setrlimit(RLIMIT_NPROC, &limit) == 0);
  if (::setresuid(uid, uid, uid) != 0) {
    report.setup_errno = errno;
    CHILD_CHECK(checks, ::write(report_fd, &report, sizeof report) == sizeof report);
    return 0;
  }
  pid_t children[kTries];
  for (; report.forked < kTries; ++report.forked) {
    Pipe ready;
    CHILD_CHECK(checks, ready.ok());
    const pid_t pid = ::fork();
    if (pid == 0) {
      hold.write_end.reset();
      ready.read_end.reset();
      char byte = 'r';
      (void)!::write(ready.write_end.get(), &byte, 1);
      ::_exit(static_cast<int>(::read(hold.read_end.get(), &byte, 1)));
    }
    if (pid < 0) {
      report.error = errno;
      break;
    }
    children[report.forked] = pid;
    ready.write_end.reset();
    char byte;
    report.ready += ReadExact(ready.read_end.get(), &byte, 1, DeadlineIn()) ? 1 : 0;
  }
  hold.write_end.reset();
  for (int i = 0; i < report.forked; ++i) {
    CHILD_CHECK(checks, ::waitpid(children[i], nullptr, 0) == children[i]);
  }
  CHILD_CHECK(checks, ::write(report_fd, &report, sizeof report) == sizeof report);
  return 0;
}

PROCSIG_TEST(ResourceLimit, NprocCountsProcesses, "RLIMIT.NPROC_FORK_LIMIT", "Linux getrlimit(2)",
             "with RLIMIT_NPROC set to 4 for a real user ID that has no other process, that "
             "user's process can fork 3 children and the 4th fork() fails with EAGAIN") {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root, to run as a user ID no other process has";
  }
  ChildReport checks;
  Pipe report;
  ASSERT_TRUE(checks.ok() && report.ok());
  const int fd = report.write_end.get();
  auto child = ForkChild([fd, &checks] { return CountForks(fd, checks); });
  ASSERT_TRUE(child);
  report.write_end.reset();
  NprocReport got;
  const bool read = ReadExact(report.read_end.get(), &got, sizeof got, DeadlineIn());
  ASSERT_TRUE(ChildSucceeded(child, checks));
  ASSERT_TRUE(read) << "the child reported nothing";
  if (got.setup_errno != 0) {
    GTEST_SKIP() << "setresuid() to a fresh user ID failed (" << DescribeErrno(got.setup_errno)
                 << "): the user namespace does not map it";
  }
  EXPECT_EQ(got.forked, kLimit - 1) << "forks that succeeded before the first failure ("
                                    << got.ready << " of those children ran after fork())";
  EXPECT_EQ(got.error, EAGAIN) << DescribeErrno(got.error);
}

}  // namespace
}  // namespace procsig::test
