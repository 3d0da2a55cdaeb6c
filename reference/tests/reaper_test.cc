#include "reaper.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <map>

#include "unique_fd.h"

namespace procsig {
namespace {

// Children that block reading a pipe until the test closes its write end,
// then exit with their index: they all end at about the same moment, when
// one SIGCHLD may stand for many.
class Brood {
 public:
  explicit Brood(int count) {
    int fds[2];
    if (pipe(fds) != 0) {
      ADD_FAILURE() << "pipe: " << errno;
      return;
    }
    UniqueFd read_end(fds[0]);
    write_end_.reset(fds[1]);
    for (int i = 0; i < count; i++) {
      const pid_t pid = fork();
      if (pid < 0) {
        ADD_FAILURE() << "fork: " << errno;
        return;
      }
      if (pid == 0) {
        close(fds[1]);
        char c;
        while (read(fds[0], &c, 1) < 0 && errno == EINTR) {
        }
        _exit(i);
      }
      expected_[pid] = i;
    }
  }
  ~Brood() {
    // Whatever a failing test left behind: end and reap it.
    for (const auto& entry : expected_) {
      kill(entry.first, SIGKILL);
      waitpid(entry.first, nullptr, 0);
    }
  }

  void release_all() { write_end_.reset(); }

  // Checks a record against what that child should have reported.
  void check(const Reaped& r) {
    const auto it = expected_.find(r.pid);
    ASSERT_NE(it, expected_.end()) << "unknown pid " << r.pid;
    ASSERT_TRUE(WIFEXITED(r.status));
    EXPECT_EQ(WEXITSTATUS(r.status), it->second);
    expected_.erase(it);
  }
  size_t left() const { return expected_.size(); }

 private:
  UniqueFd write_end_;
  std::map<pid_t, int> expected_;
};

class ReaperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old_mask_);
  }
  void TearDown() override { sigprocmask(SIG_SETMASK, &old_mask_, nullptr); }

  // Waits (at most `seconds`) for the next SIGCHLD; SIGCHLD is blocked, so
  // one that came before the call is not lost.
  static bool await_sigchld(int seconds) {
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    const timespec limit{seconds, 0};
    int sig = -1;
    while ((sig = sigtimedwait(&chld, nullptr, &limit)) < 0 && errno == EINTR) {
    }
    return sig == SIGCHLD;
  }

  sigset_t old_mask_{};
};

TEST_F(ReaperTest, ReapsManyChildrenThatEndTogether) {
  constexpr int kChildren = 60;
  Brood brood(kChildren);
  ASSERT_EQ(brood.left(), static_cast<size_t>(kChildren));
  brood.release_all();
  int signals = 0;
  while (brood.left() > 0) {
    ASSERT_TRUE(await_sigchld(10)) << brood.left() << " children never reported";
    ++signals;
    for (const Reaped& r : reap_all_ended()) {
      brood.check(r);
    }
  }
  // Fewer signals than children is the usual case; it is the loop that
  // reaps every child all the same.
  EXPECT_LE(signals, kChildren);
}

TEST_F(ReaperTest, StopsAtCapacityAndLeavesTheRestForTheNextCall) {
  Brood brood(5);
  brood.release_all();
  Reaped records[2];
  size_t total = 0;
  while (brood.left() > 0) {
    const size_t n = reap_ended(records, 2);
    ASSERT_LE(n, 2u);
    for (size_t i = 0; i < n; i++) {
      brood.check(records[i]);
    }
    total += n;
    if (n == 0) {
      ASSERT_TRUE(await_sigchld(10));
    }
  }
  EXPECT_EQ(total, 5u);
}

TEST_F(ReaperTest, ReturnsNothingWithoutChildrenAndKeepsErrno) {
  Reaped records[4];
  errno = EDOM;
  EXPECT_EQ(reap_ended(records, 4), 0u);
  EXPECT_EQ(errno, EDOM);  // waitpid's ECHILD must not leak into the caller
}

TEST_F(ReaperTest, ReturnsNothingWhileChildrenStillRun) {
  Brood brood(2);
  Reaped records[4];
  EXPECT_EQ(reap_ended(records, 4), 0u);
  EXPECT_EQ(brood.left(), 2u);
  brood.release_all();
  while (brood.left() > 0) {
    ASSERT_TRUE(await_sigchld(10));
    for (const Reaped& r : reap_all_ended()) {
      brood.check(r);
    }
  }
}

TEST(DescribeStatus, NamesExitAndSignal) {
  const pid_t exits = fork();
  ASSERT_GE(exits, 0);
  if (exits == 0) {
    _exit(3);
  }
  int status = 0;
  ASSERT_TRUE(wait_for_child(exits, &status));
  EXPECT_EQ(describe_status(status), "exit status 3");

  const pid_t killed = fork();
  ASSERT_GE(killed, 0);
  if (killed == 0) {
    (void)raise(SIGKILL);
    _exit(0);
  }
  ASSERT_TRUE(wait_for_child(killed, &status));
  EXPECT_EQ(describe_status(status), "killed by signal 9");
}

TEST(WaitForChild, FailsWithoutSuchChild) {
  int status = 0;
  EXPECT_FALSE(wait_for_child(getpid(), &status));
  EXPECT_EQ(errno, ECHILD);
}

}  // namespace
}  // namespace procsig
