// SIGKILL and SIGSTOP can be neither caught, ignored nor blocked.
// (The refused signal()/sigaction() calls are in signal_function_test.cc and
// sigaction_test.cc.)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"

namespace procsig::test {
namespace {

PROCSIG_TEST(SignalDelivery, SigkillNotBlockable, "SIGDELIVERY.SIGKILL_NOT_BLOCKABLE",
             "XSH sigprocmask",
             "asking sigprocmask() to block SIGKILL succeeds but leaves SIGKILL unblocked") {
  ScopedSignalMask attempt(SIG_BLOCK, ScopedSignalMask::Only(SIGKILL));
  EXPECT_TRUE(attempt.ok()) << "sigprocmask reported an error instead of ignoring SIGKILL";
  sigset_t now;
  ASSERT_THAT(::sigprocmask(SIG_BLOCK, nullptr, &now), SyscallSucceeds());
  EXPECT_EQ(sigismember(&now, SIGKILL), 0);
}

PROCSIG_TEST(SignalDelivery, SigstopNotBlockable, "SIGDELIVERY.SIGSTOP_NOT_BLOCKABLE",
             "XSH sigprocmask",
             "asking sigprocmask() to block SIGSTOP succeeds but leaves SIGSTOP unblocked") {
  ScopedSignalMask attempt(SIG_BLOCK, ScopedSignalMask::Only(SIGSTOP));
  EXPECT_TRUE(attempt.ok());
  sigset_t now;
  ASSERT_THAT(::sigprocmask(SIG_BLOCK, nullptr, &now), SyscallSucceeds());
  EXPECT_EQ(sigismember(&now, SIGSTOP), 0);
}

// Blocks every signal it can and ignores every one it may, then tells the
// parent and waits: only SIGKILL or SIGSTOP can still act on it.
int ShieldedChild(Checkpoint& ready) {
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) {
    (void)::signal(sig, SIG_IGN);  // refused for SIGKILL, SIGSTOP and libc-reserved numbers
  }
  if (!ready.Wake()) {
    return 2;
  }
  for (;;) {
    ::pause();
  }
  return 0;
}

PROCSIG_TEST(SignalDelivery, SigkillAlwaysKills, "SIGDELIVERY.SIGKILL_ALWAYS_KILLS",
             "XSH 2.4.3 Signal Actions",
             "SIGKILL terminates a process that blocks and ignores every signal") {
  Checkpoint ready;
  ScopedChild child = ForkChild([&] { return ShieldedChild(ready); });
  ASSERT_TRUE(child);
  ASSERT_TRUE(ready.Wait());
  ASSERT_THAT(::kill(child.pid(), SIGKILL), SyscallSucceeds());
  const int status = WaitForExit(child);
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

PROCSIG_TEST(SignalDelivery, SigstopAlwaysStops, "SIGDELIVERY.SIGSTOP_ALWAYS_STOPS",
             "XSH 2.4.3 Signal Actions",
             "SIGSTOP stops a process that blocks and ignores every signal") {
  Checkpoint ready;
  ScopedChild child = ForkChild([&] { return ShieldedChild(ready); });
  ASSERT_TRUE(child);
  ASSERT_TRUE(ready.Wait());
  ASSERT_THAT(::kill(child.pid(), SIGSTOP), SyscallSucceeds());
  int status = 0;
  ASSERT_THAT(::waitpid(child.pid(), &status, WUNTRACED), SyscallSucceedsWithValue(child.pid()));
  EXPECT_TRUE(WIFSTOPPED(status)) << status;
  // ScopedChild's SIGKILL ends the stopped child.
}

PROCSIG_TEST(SignalDelivery, SigkillStaysDefault, "SIGDELIVERY.SIGKILL_STAYS_DEFAULT",
             "XSH sigaction",
             "after refused attempts to catch or ignore it, SIGKILL's action is still SIG_DFL") {
  struct sigaction sa {};
  sa.sa_handler = SIG_IGN;
  sigemptyset(&sa.sa_mask);
  ASSERT_THAT(::sigaction(SIGKILL, &sa, nullptr), SyscallFailsWithErrno(EINVAL));
  ASSERT_EQ(::signal(SIGKILL, SIG_IGN), SIG_ERR);
  struct sigaction now {};
  ASSERT_THAT(::sigaction(SIGKILL, nullptr, &now), SyscallSucceeds());
  EXPECT_EQ(now.sa_handler, SIG_DFL);
}

}  // namespace
}  // namespace procsig::test
