// Real-time signals queue (one delivery per sigqueue(), values in order,
// lowest number first), and the siginfo a handler receives from kill() and
// sigqueue().
#include <signal.h>
#include <unistd.h>

#include "assertion.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"

namespace procsig::test {
namespace {

constexpr int kMaxRecords = 16;

// Filled by RecordInfo in delivery order.
struct InfoLog {
  volatile sig_atomic_t count;
  int signo[kMaxRecords];
  int code[kMaxRecords];
  int value[kMaxRecords];
  pid_t pid[kMaxRecords];
  uid_t uid[kMaxRecords];
};
InfoLog g_info;

void RecordInfo(int sig, siginfo_t* info, void*) {
  const int i = g_info.count;
  if (i < kMaxRecords) {
    g_info.signo[i] = sig;
    g_info.code[i] = info->si_code;
    g_info.value[i] = info->si_value.sival_int;
    g_info.pid[i] = info->si_pid;
    g_info.uid[i] = info->si_uid;
  }
  g_info.count = i + 1;
}

void ResetInfo() { g_info = InfoLog{}; }

PROCSIG_TEST(SignalDelivery, RealtimeQueued, "SIGDELIVERY.REALTIME_QUEUED",
             "XSH 2.4.2 Realtime Signal Generation and Delivery",
             "SIGRTMIN sent 5 times with sigqueue() while blocked is delivered 5 times, values "
             "in the order sent") {
  ResetInfo();
  ScopedSigaction installed(SIGRTMIN, RecordInfo);
  ASSERT_TRUE(installed.ok());
  sigset_t rt = ScopedSignalMask::Only(SIGRTMIN);
  ScopedSignalMask restore(SIG_BLOCK, rt);
  for (int i = 0; i < 5; ++i) {
    union sigval value {};
    value.sival_int = 100 + i;
    ASSERT_THAT(::sigqueue(::getpid(), SIGRTMIN, value), SyscallSucceeds());
  }
  ASSERT_EQ(g_info.count, 0);
  ASSERT_THAT(::sigprocmask(SIG_UNBLOCK, &rt, nullptr), SyscallSucceeds());
  ASSERT_EQ(g_info.count, 5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(g_info.value[i], 100 + i) << "delivery " << i;
  }
}

PROCSIG_TEST(SignalDelivery, RealtimeLowestFirst, "SIGDELIVERY.REALTIME_LOWEST_FIRST",
             "XSH 2.4.2 Realtime Signal Generation and Delivery",
             "of several pending real-time signals the lowest-numbered is delivered first") {
  ResetInfo();
  sigset_t both = ScopedSignalMask::Only(SIGRTMIN);
  sigaddset(&both, SIGRTMIN + 1);
  // Each handler blocks the other signal, so one handler runs at a time and
  // the recorded order is the delivery order (otherwise the kernel may stack
  // both frames and the later one runs first).
  struct sigaction sa {};
  sa.sa_sigaction = RecordInfo;
  sa.sa_flags = SA_SIGINFO;
  sa.sa_mask = both;
  ScopedSigaction low(SIGRTMIN, sa);
  ScopedSigaction high(SIGRTMIN + 1, sa);
  ASSERT_TRUE(low.ok() && high.ok());
  ScopedSignalMask restore(SIG_BLOCK, both);
  const union sigval value {};
  ASSERT_THAT(::sigqueue(::getpid(), SIGRTMIN + 1, value), SyscallSucceeds());
  ASSERT_THAT(::sigqueue(::getpid(), SIGRTMIN, value), SyscallSucceeds());
  ASSERT_THAT(::sigprocmask(SIG_UNBLOCK, &both, nullptr), SyscallSucceeds());
  ASSERT_EQ(g_info.count, 2);
  EXPECT_EQ(g_info.signo[0], SIGRTMIN);
  EXPECT_EQ(g_info.signo[1], SIGRTMIN + 1);
}

PROCSIG_TEST(SignalDelivery, SigqueueInfo, "SIGDELIVERY.SIGQUEUE_INFO", "XSH sigqueue",
             "a signal from sigqueue() reaches an SA_SIGINFO handler with si_code SI_QUEUE, "
             "the value, and the sender's pid") {
  ResetInfo();
  ScopedSigaction installed(SIGUSR1, RecordInfo);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGUSR1));
  union sigval value {};
  value.sival_int = 4242;
  ASSERT_THAT(::sigqueue(::getpid(), SIGUSR1, value), SyscallSucceeds());
  ASSERT_EQ(g_info.count, 1);
  EXPECT_EQ(g_info.signo[0], SIGUSR1);
  EXPECT_EQ(g_info.code[0], SI_QUEUE);
  EXPECT_EQ(g_info.value[0], 4242);
  EXPECT_EQ(g_info.pid[0], ::getpid());
}

PROCSIG_TEST(SignalDelivery, KillInfo, "SIGDELIVERY.KILL_INFO", "XSH 2.4.3 Signal Actions",
             "a signal from kill() reaches an SA_SIGINFO handler with si_code SI_USER and the "
             "sender's pid and real user ID") {
  ResetInfo();
  ScopedSigaction installed(SIGUSR2, RecordInfo);
  ASSERT_TRUE(installed.ok());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(SIGUSR2));
  ASSERT_THAT(::kill(::getpid(), SIGUSR2), SyscallSucceeds());
  ASSERT_EQ(g_info.count, 1);
  EXPECT_EQ(g_info.code[0], SI_USER);
  EXPECT_EQ(g_info.pid[0], ::getpid());
  EXPECT_EQ(g_info.uid[0], ::getuid());
}

PROCSIG_TEST(SignalDelivery, RealtimeSigqueueQueuedBeyondOne, "SIGDELIVERY.REALTIME_PENDING_COUNT",
             "XSH sigqueue",
             "sigqueue() of a blocked real-time signal queues another instance while one is "
             "already pending, where a standard signal would be merged") {
  ResetInfo();
  ScopedSigaction rt_handler(SIGRTMIN, RecordInfo);
  ScopedSigaction std_handler(SIGUSR1, RecordInfo);
  ASSERT_TRUE(rt_handler.ok() && std_handler.ok());
  sigset_t both = ScopedSignalMask::Only(SIGRTMIN);
  sigaddset(&both, SIGUSR1);
  ScopedSignalMask restore(SIG_BLOCK, both);
  const union sigval value {};
  for (int i = 0; i < 3; ++i) {
    ASSERT_THAT(::sigqueue(::getpid(), SIGRTMIN, value), SyscallSucceeds());
    ASSERT_THAT(::sigqueue(::getpid(), SIGUSR1, value), SyscallSucceeds());
  }
  ASSERT_THAT(::sigprocmask(SIG_UNBLOCK, &both, nullptr), SyscallSucceeds());
  int rt = 0;
  int standard = 0;
  for (int i = 0; i < g_info.count && i < kMaxRecords; ++i) {
    rt += g_info.signo[i] == SIGRTMIN ? 1 : 0;
    standard += g_info.signo[i] == SIGUSR1 ? 1 : 0;
  }
  EXPECT_EQ(rt, 3);
  EXPECT_EQ(standard, 1);
}

}  // namespace
}  // namespace procsig::test
