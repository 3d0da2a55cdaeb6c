// Blocking calls interrupted by a caught signal: read() with and without
// SA_RESTART, pause(), sleep(), sigsuspend().
#include "interrupt.h"

#include <signal.h>
#include <unistd.h>

#include <string>

#include "assertion.h"
#include "checkpoint.h"
#include "child.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"
#include "unique_fd.h"

namespace procsig::test {
namespace {

using signals::g_handler_log;

struct ReadOutcome {
  ssize_t result = 0;
  int error = 0;
};

// How a child interrupts the parent's read(): once, for a read that may be
// restarted; or again until the read has returned, for one that must fail.
enum class Sends { kOnce, kUntilReturned };

// Blocks in read() on an empty pipe while a child sends SIGUSR1 (handled by
// CountAndAck, installed by the caller with the flags under test) and then
// writes one byte. A restarted read returns that byte; an interrupted one
// fails with EINTR.
ReadOutcome ReadWhileInterrupted(bool* ok, Sends sends = Sends::kOnce) {
  *ok = false;
  Pipe data;
  Pipe ack;
  Pipe returned;
  Checkpoint ready;
  if (!data.ok() || !ack.ok() || !returned.ok() || !ready.ok()) {
    ADD_FAILURE() << "pipe2 failed";
    return {};
  }
  signals::ResetHandlerLog(ack.write_end.get());
  const pid_t parent = ::getpid();
  ScopedChild child = ForkChild([&] {
    if (!ready.Wait()) {
      return 2;
    }
    const bool interrupted =
        sends == Sends::kOnce
            ? signals::InterruptWhenBlocked(parent, SIGUSR1, ack.read_end.get(), DeadlineIn())
            : signals::InterruptUntilReturned(parent, SIGUSR1, ack.read_end.get(),
                                              returned.read_end.get(), DeadlineIn()) > 0;
    if (!interrupted) {
      return 3;
    }
    return signals::WriteByte(data.write_end.get()) ? 0 : 4;
  });
  if (!child) {
    return {};
  }
  // Only the child may hold the write end: if it dies, read() sees EOF
  // instead of blocking forever.
  data.write_end.reset();
  if (!ready.Wake()) {
    return {};
  }
  char byte;
  ReadOutcome outcome;
  outcome.result = ::read(data.read_end.get(), &byte, 1);
  outcome.error = errno;
  signals::WriteByte(returned.write_end.get());
  const int status = WaitForExit(child);
  signals::ResetHandlerLog();
  if (status != 0) {
    ADD_FAILURE() << "interrupting child failed, wait status " << status
                  << " (exit 2: no checkpoint, 3: parent never blocked or no acknowledgement)";
    return outcome;
  }
  *ok = true;
  return outcome;
}

PROCSIG_TEST(Sigaction, RestartResumesRead, "SIGACTION.SA_RESTART_READ", "XSH sigaction",
             "with SA_RESTART a read() interrupted by a caught signal resumes and returns the "
             "data that arrives later") {
  ScopedSigaction installed(SIGUSR1, signals::CountAndAck, SA_RESTART);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGUSR1));
  bool ok = false;
  const ReadOutcome outcome = ReadWhileInterrupted(&ok);
  ASSERT_TRUE(ok);
  EXPECT_EQ(outcome.result, 1) << "read failed with " << DescribeErrno(outcome.error);
}

PROCSIG_TEST(Sigaction, NoRestartReadFailsEintr, "SIGACTION.NO_RESTART_READ_EINTR",
             "XSH 2.4.3 Signal Actions",
             "without SA_RESTART a read() blocked on a pipe fails with EINTR when a caught "
             "signal arrives") {
  ScopedSigaction installed(SIGUSR1, signals::CountAndAck, 0);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGUSR1));
  bool ok = false;
  const ReadOutcome outcome = ReadWhileInterrupted(&ok, Sends::kUntilReturned);
  ASSERT_TRUE(ok);
  EXPECT_EQ(outcome.result, -1) << "the read was restarted";
  EXPECT_EQ(outcome.error, EINTR) << DescribeErrno(outcome.error);
}

PROCSIG_CHARACTERISE(Signal, InterruptedRead, "SIGNAL.INTERRUPTED_READ", "XSH signal",
                     "whether a read() interrupted by a handler installed with signal() is "
                     "restarted or fails with EINTR") {
  ScopedSigaction saved(SIGUSR1, SIG_DFL);
  ASSERT_NE(::signal(SIGUSR1, signals::CountAndAck), SIG_ERR);
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGUSR1));
  bool ok = false;
  const ReadOutcome outcome = ReadWhileInterrupted(&ok);
  ASSERT_TRUE(ok);
  if (outcome.result == 1) {
    RecordObserved("restarted");
  } else {
    EXPECT_EQ(outcome.error, EINTR) << DescribeErrno(outcome.error);
    RecordObserved("EINTR");
  }
}

// Runs `blocking`, a call that a caught signal ends, while a child
// interrupts it with SIGUSR1 until it has returned. Returns false (after
// recording a failure) if the child could not.
template <typename Fn>
bool RunInterrupted(Fn blocking) {
  Pipe ack;
  Pipe returned;
  Checkpoint ready;
  if (!ack.ok() || !returned.ok() || !ready.ok()) {
    ADD_FAILURE() << "pipe2 failed";
    return false;
  }
  signals::ResetHandlerLog(ack.write_end.get());
  const pid_t parent = ::getpid();
  ScopedChild child = ForkChild([&] {
    if (!ready.Wait()) {
      return 2;
    }
    return signals::InterruptUntilReturned(parent, SIGUSR1, ack.read_end.get(),
                                           returned.read_end.get(), DeadlineIn()) > 0
               ? 0
               : 3;
  });
  if (!child || !ready.Wake()) {
    return false;
  }
  blocking();
  signals::WriteByte(returned.write_end.get());
  const int status = WaitForExit(child);
  signals::ResetHandlerLog();
  EXPECT_EQ(status, 0) << "interrupting child failed";
  return status == 0;
}

PROCSIG_TEST(SignalDelivery, PauseReturnsEintr, "SIGDELIVERY.PAUSE_EINTR", "XSH pause",
             "pause() returns -1 with EINTR after a caught signal's handler returns") {
  ScopedSigaction installed(SIGUSR1, signals::CountAndAck, SA_RESTART);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGUSR1));
  int result = 0;
  int error = 0;
  ASSERT_TRUE(RunInterrupted([&] {
    result = ::pause();
    error = errno;
  }));
  EXPECT_EQ(result, -1);
  EXPECT_EQ(error, EINTR) << DescribeErrno(error);
}

PROCSIG_TEST(SignalDelivery, SleepReturnsUnslept, "SIGDELIVERY.SLEEP_INTERRUPTED", "XSH sleep",
             "sleep() ended early by a caught signal returns the seconds not slept") {
  ScopedSigaction installed(SIGUSR1, signals::CountAndAck, SA_RESTART);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGUSR1));
  unsigned int unslept = 0;
  ASSERT_TRUE(RunInterrupted([&] { unslept = ::sleep(100); }));
  EXPECT_GT(unslept, 0u);
  EXPECT_LE(unslept, 100u);
}

PROCSIG_TEST(SignalDelivery, SigsuspendReturnsEintr, "SIGDELIVERY.SIGSUSPEND_EINTR",
             "XSH sigsuspend",
             "sigsuspend() delivers a signal blocked outside it, returns -1 with EINTR and puts "
             "the old mask back") {
  ScopedSigaction installed(SIGUSR1, signals::CountAndAck);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGUSR1));
  signals::ResetHandlerLog();
  Checkpoint ready;
  const pid_t parent = ::getpid();
  // Blocked, the signal waits as pending for sigsuspend(): no race with the
  // child's kill().
  ScopedChild child =
      ForkChild([&] { return ready.Wait() && ::kill(parent, SIGUSR1) == 0 ? 0 : 1; });
  ASSERT_TRUE(child);
  ASSERT_TRUE(ready.Wake());
  sigset_t during;
  ASSERT_THAT(::sigprocmask(SIG_BLOCK, nullptr, &during), SyscallSucceeds());
  sigdelset(&during, SIGUSR1);
  EXPECT_THAT(::sigsuspend(&during), SyscallFailsWithErrno(EINTR));
  EXPECT_EQ(g_handler_log.count, 1);
  sigset_t after;
  ASSERT_THAT(::sigprocmask(SIG_BLOCK, nullptr, &after), SyscallSucceeds());
  EXPECT_EQ(sigismember(&after, SIGUSR1), 1) << "sigsuspend did not restore the mask";
  EXPECT_EQ(WaitForExit(child), 0);
}

}  // namespace
}  // namespace procsig::test
