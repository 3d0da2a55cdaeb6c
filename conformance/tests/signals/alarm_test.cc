// alarm(): the seconds it returns, cancelling, and what SIGALRM does.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "assertion.h"
#include "child.h"
#include "interrupt.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"

namespace procsig::test {
namespace {

using ::testing::AllOf;
using ::testing::Ge;
using ::testing::Gt;
using ::testing::Le;

PROCSIG_TEST(Alarm, NoPreviousReturnsZero, "ALARM.NO_PREVIOUS_RETURNS_ZERO", "XSH alarm",
             "alarm() returns 0 when no alarm was pending") {
  ScopedAlarm none(0);  // clears any alarm and cancels ours at the end
  EXPECT_EQ(::alarm(100), 0u);
}

PROCSIG_TEST(Alarm, ReturnsPreviousRemaining, "ALARM.RETURNS_PREVIOUS_REMAINING", "XSH alarm",
             "a new alarm() returns the seconds left on the previous one") {
  ScopedAlarm first(100);
  // One second of rounding is allowed: the call may land just past a tick.
  EXPECT_THAT(::alarm(5), AllOf(Ge(99u), Le(100u)));
}

PROCSIG_TEST(Alarm, ReplacesPrevious, "ALARM.REPLACES_PREVIOUS", "XSH alarm",
             "a new alarm() replaces the pending one instead of adding a second") {
  ScopedAlarm first(100);
  ::alarm(200);
  EXPECT_THAT(::alarm(0), AllOf(Ge(199u), Le(200u)));
}

PROCSIG_TEST(Alarm, ZeroCancelsAndReturnsRemaining, "ALARM.ZERO_CANCELS", "XSH alarm",
             "alarm(0) cancels the pending alarm and returns the seconds it had left") {
  ScopedAlarm first(100);
  EXPECT_THAT(::alarm(0), AllOf(Ge(99u), Le(100u)));
  EXPECT_EQ(::alarm(0), 0u) << "the alarm is still pending after alarm(0)";
}

PROCSIG_TEST(Alarm, DefaultActionTerminates, "ALARM.DEFAULT_ACTION_TERMINATES",
             "XSH 2.4.3 Signal Actions",
             "an expired alarm with SIGALRM at SIG_DFL terminates the process by SIGALRM") {
  ScopedChild child = ForkChild([] {
    (void)::signal(SIGALRM, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    ::alarm(1);
    for (;;) {
      ::pause();  // only SIGALRM's default action ends this
    }
    return 0;
  });
  ASSERT_TRUE(child);
  const int status = WaitForExit(child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "wait status " << status;
  EXPECT_EQ(WTERMSIG(status), SIGALRM);
}

// Arms the next alarm(1) from the handler: a process kept off the CPU for
// a second between alarm(1) and sleep() (an emulator's lock, a loaded
// machine) takes its SIGALRM before sleep() is entered, and the next one
// then interrupts it, where sleep(100) would otherwise outlast the test's
// deadline. alarm() is async-signal-safe and leaves errno alone.
void CountAndRearm(int sig) {
  signals::CountAndAck(sig);
  ::alarm(1);
}

PROCSIG_TEST(Alarm, InterruptsSleep, "ALARM.INTERRUPTS_SLEEP", "XSH sleep",
             "sleep(100) cut short by a caught SIGALRM from alarm(1) returns the unslept seconds") {
  signals::ResetHandlerLog();
  ScopedSigaction on_alarm(SIGALRM, CountAndRearm);
  ASSERT_TRUE(on_alarm.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGALRM));
  ScopedAlarm alarm(1);  // cancels the re-armed alarm at the end
  const unsigned int unslept = ::sleep(100);
  EXPECT_THAT(unslept, AllOf(Gt(0u), Le(100u)));
  EXPECT_GE(signals::g_handler_log.count, 1);  // 1 unless one came before sleep()
  EXPECT_EQ(signals::g_handler_log.last_signal, SIGALRM);
}

PROCSIG_TEST(Alarm, ClearedInForkChild, "ALARM.CLEARED_IN_FORK_CHILD", "XSH fork",
             "the child of fork() starts with no alarm pending") {
  ScopedAlarm parent_alarm(100);
  ScopedChild child = ForkChild([] { return static_cast<int>(::alarm(0) == 0 ? 0 : 1); });
  ASSERT_TRUE(child);
  const int status = WaitForExit(child);
  ASSERT_TRUE(WIFEXITED(status)) << "wait status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the child inherited the parent's alarm";
  EXPECT_THAT(::alarm(0), AllOf(Ge(99u), Le(100u))) << "the parent lost its alarm";
}

}  // namespace
}  // namespace procsig::test
