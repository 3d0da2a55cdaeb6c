// Every real-time signal SIGRTMIN..SIGRTMAX, one instance per signal: kill()
// delivers it, sigqueue() delivers its value, several queued instances
// arrive in the order sent, and a lower-numbered pending real-time signal is
// delivered before a higher one.
//
// SIGRTMIN and SIGRTMAX are not constants (the C library reserves some for
// itself), so an instance names its signal as SIGRTMIN+k or SIGRTMAX-k;
// Linux with glibc has 31 (SIGRTMIN..SIGRTMIN+28, SIGRTMAX-1, SIGRTMAX). An
// instance past what the platform has, or overlapping the last two, skips
// with the reason.
#include <signal.h>
#include <unistd.h>

#include <string>

#include "assertion.h"
#include "param_assertion.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"

namespace procsig::test {
namespace {

constexpr bool kFromMin = true;
constexpr bool kFromMax = false;

// The signal an instance means, or 0 with *why set when it has none here.
int PickRealtimeSignal(bool from_min, int offset, std::string* why) {
  const int sig = from_min ? SIGRTMIN + offset : SIGRTMAX - offset;
  if (sig < SIGRTMIN || sig > SIGRTMAX) {
    *why = "this platform has " + std::to_string(SIGRTMAX - SIGRTMIN + 1) + " real-time signals";
    return 0;
  }
  if (from_min && sig >= SIGRTMAX - 1) {
    *why = "SIGRTMIN+" + std::to_string(offset) +
           " is one of the last two, checked by the "
           "SIGRTMAX instances";
    return 0;
  }
  return sig;
}

#define PROCSIG_RT_SIGNAL_OR_SKIP(var, from_min, offset)      \
  std::string why;                                            \
  const int var = PickRealtimeSignal(from_min, offset, &why); \
  if ((var) == 0) {                                           \
    GTEST_SKIP() << why;                                      \
  }

constexpr int kMaxRecords = 8;

struct RtLog {
  volatile sig_atomic_t count;
  int signo[kMaxRecords];
  int code[kMaxRecords];
  int value[kMaxRecords];
  pid_t pid[kMaxRecords];
};
RtLog g_log;

void Record(int sig, siginfo_t* info, void*) {
  const int i = g_log.count;
  if (i < kMaxRecords) {
    g_log.signo[i] = sig;
    g_log.code[i] = info->si_code;
    g_log.value[i] = info->si_value.sival_int;
    g_log.pid[i] = info->si_pid;
  }
  g_log.count = i + 1;
}

PROCSIG_PARAM_TEST(RealtimeSignal, Send, "XSH 2.4.2 Realtime Signal Generation and Delivery",
                   "kill() of the process itself delivers the real-time signal once to its "
                   "SA_SIGINFO handler, with si_signo, si_code SI_USER and the sender's pid",
                   bool from_min, int offset) {
  PROCSIG_RT_SIGNAL_OR_SKIP(sig, from_min, offset);
  g_log = RtLog{};
  ScopedSigaction installed(sig, Record);
  ASSERT_TRUE(installed.ok()) << DescribeErrno(installed.error());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(sig));
  ASSERT_THAT(::kill(::getpid(), sig), SyscallSucceeds());
  ASSERT_EQ(g_log.count, 1);
  EXPECT_EQ(g_log.signo[0], sig);
  EXPECT_EQ(g_log.code[0], SI_USER);
  EXPECT_EQ(g_log.pid[0], ::getpid());
}
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMin, "SIGRT.SEND.SIGRTMIN", kFromMin, 0)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus1, "SIGRT.SEND.SIGRTMIN_PLUS_1", kFromMin, 1)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus2, "SIGRT.SEND.SIGRTMIN_PLUS_2", kFromMin, 2)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus3, "SIGRT.SEND.SIGRTMIN_PLUS_3", kFromMin, 3)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus4, "SIGRT.SEND.SIGRTMIN_PLUS_4", kFromMin, 4)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus5, "SIGRT.SEND.SIGRTMIN_PLUS_5", kFromMin, 5)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus6, "SIGRT.SEND.SIGRTMIN_PLUS_6", kFromMin, 6)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus7, "SIGRT.SEND.SIGRTMIN_PLUS_7", kFromMin, 7)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus8, "SIGRT.SEND.SIGRTMIN_PLUS_8", kFromMin, 8)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus9, "SIGRT.SEND.SIGRTMIN_PLUS_9", kFromMin, 9)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus10, "SIGRT.SEND.SIGRTMIN_PLUS_10", kFromMin, 10)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus11, "SIGRT.SEND.SIGRTMIN_PLUS_11", kFromMin, 11)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus12, "SIGRT.SEND.SIGRTMIN_PLUS_12", kFromMin, 12)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus13, "SIGRT.SEND.SIGRTMIN_PLUS_13", kFromMin, 13)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus14, "SIGRT.SEND.SIGRTMIN_PLUS_14", kFromMin, 14)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus15, "SIGRT.SEND.SIGRTMIN_PLUS_15", kFromMin, 15)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus16, "SIGRT.SEND.SIGRTMIN_PLUS_16", kFromMin, 16)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus17, "SIGRT.SEND.SIGRTMIN_PLUS_17", kFromMin, 17)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus18, "SIGRT.SEND.SIGRTMIN_PLUS_18", kFromMin, 18)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus19, "SIGRT.SEND.SIGRTMIN_PLUS_19", kFromMin, 19)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus20, "SIGRT.SEND.SIGRTMIN_PLUS_20", kFromMin, 20)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus21, "SIGRT.SEND.SIGRTMIN_PLUS_21", kFromMin, 21)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus22, "SIGRT.SEND.SIGRTMIN_PLUS_22", kFromMin, 22)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus23, "SIGRT.SEND.SIGRTMIN_PLUS_23", kFromMin, 23)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus24, "SIGRT.SEND.SIGRTMIN_PLUS_24", kFromMin, 24)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus25, "SIGRT.SEND.SIGRTMIN_PLUS_25", kFromMin, 25)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus26, "SIGRT.SEND.SIGRTMIN_PLUS_26", kFromMin, 26)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus27, "SIGRT.SEND.SIGRTMIN_PLUS_27", kFromMin, 27)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMinPlus28, "SIGRT.SEND.SIGRTMIN_PLUS_28", kFromMin, 28)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMaxMinus1, "SIGRT.SEND.SIGRTMAX_MINUS_1", kFromMax, 1)
PROCSIG_INSTANCE(RealtimeSignal, Send, RtMax, "SIGRT.SEND.SIGRTMAX", kFromMax, 0)

PROCSIG_PARAM_TEST(RealtimeSignal, Queue, "XSH sigqueue",
                   "sigqueue() delivers the real-time signal with si_code SI_QUEUE and the value "
                   "it was given",
                   bool from_min, int offset) {
  PROCSIG_RT_SIGNAL_OR_SKIP(sig, from_min, offset);
  g_log = RtLog{};
  ScopedSigaction installed(sig, Record);
  ASSERT_TRUE(installed.ok()) << DescribeErrno(installed.error());
  ScopedSignalMask unblocked(SIG_UNBLOCK, ScopedSignalMask::Only(sig));
  union sigval value {};
  value.sival_int = 1000 + sig;
  ASSERT_THAT(::sigqueue(::getpid(), sig, value), SyscallSucceeds());
  ASSERT_EQ(g_log.count, 1);
  EXPECT_EQ(g_log.code[0], SI_QUEUE);
  EXPECT_EQ(g_log.value[0], 1000 + sig);
}
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMin, "SIGRT.QUEUE.SIGRTMIN", kFromMin, 0)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus1, "SIGRT.QUEUE.SIGRTMIN_PLUS_1", kFromMin, 1)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus2, "SIGRT.QUEUE.SIGRTMIN_PLUS_2", kFromMin, 2)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus3, "SIGRT.QUEUE.SIGRTMIN_PLUS_3", kFromMin, 3)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus4, "SIGRT.QUEUE.SIGRTMIN_PLUS_4", kFromMin, 4)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus5, "SIGRT.QUEUE.SIGRTMIN_PLUS_5", kFromMin, 5)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus6, "SIGRT.QUEUE.SIGRTMIN_PLUS_6", kFromMin, 6)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus7, "SIGRT.QUEUE.SIGRTMIN_PLUS_7", kFromMin, 7)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus8, "SIGRT.QUEUE.SIGRTMIN_PLUS_8", kFromMin, 8)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus9, "SIGRT.QUEUE.SIGRTMIN_PLUS_9", kFromMin, 9)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus10, "SIGRT.QUEUE.SIGRTMIN_PLUS_10", kFromMin, 10)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus11, "SIGRT.QUEUE.SIGRTMIN_PLUS_11", kFromMin, 11)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus12, "SIGRT.QUEUE.SIGRTMIN_PLUS_12", kFromMin, 12)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus13, "SIGRT.QUEUE.SIGRTMIN_PLUS_13", kFromMin, 13)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus14, "SIGRT.QUEUE.SIGRTMIN_PLUS_14", kFromMin, 14)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus15, "SIGRT.QUEUE.SIGRTMIN_PLUS_15", kFromMin, 15)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus16, "SIGRT.QUEUE.SIGRTMIN_PLUS_16", kFromMin, 16)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus17, "SIGRT.QUEUE.SIGRTMIN_PLUS_17", kFromMin, 17)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus18, "SIGRT.QUEUE.SIGRTMIN_PLUS_18", kFromMin, 18)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus19, "SIGRT.QUEUE.SIGRTMIN_PLUS_19", kFromMin, 19)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus20, "SIGRT.QUEUE.SIGRTMIN_PLUS_20", kFromMin, 20)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus21, "SIGRT.QUEUE.SIGRTMIN_PLUS_21", kFromMin, 21)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus22, "SIGRT.QUEUE.SIGRTMIN_PLUS_22", kFromMin, 22)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus23, "SIGRT.QUEUE.SIGRTMIN_PLUS_23", kFromMin, 23)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus24, "SIGRT.QUEUE.SIGRTMIN_PLUS_24", kFromMin, 24)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus25, "SIGRT.QUEUE.SIGRTMIN_PLUS_25", kFromMin, 25)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus26, "SIGRT.QUEUE.SIGRTMIN_PLUS_26", kFromMin, 26)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus27, "SIGRT.QUEUE.SIGRTMIN_PLUS_27", kFromMin, 27)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMinPlus28, "SIGRT.QUEUE.SIGRTMIN_PLUS_28", kFromMin, 28)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMaxMinus1, "SIGRT.QUEUE.SIGRTMAX_MINUS_1", kFromMax, 1)
PROCSIG_INSTANCE(RealtimeSignal, Queue, RtMax, "SIGRT.QUEUE.SIGRTMAX", kFromMax, 0)

PROCSIG_PARAM_TEST(RealtimeSignal, Fifo, "XSH 2.4.2 Realtime Signal Generation and Delivery",
                   "three instances of the real-time signal queued while it is blocked are all "
                   "delivered on unblock, their values in the order sent",
                   bool from_min, int offset) {
  PROCSIG_RT_SIGNAL_OR_SKIP(sig, from_min, offset);
  g_log = RtLog{};
  ScopedSigaction installed(sig, Record);
  ASSERT_TRUE(installed.ok()) << DescribeErrno(installed.error());
  const sigset_t only = ScopedSignalMask::Only(sig);
  ScopedSignalMask blocked(SIG_BLOCK, only);
  for (int i = 0; i < 3; ++i) {
    union sigval value {};
    value.sival_int = 10 * sig + i;
    ASSERT_THAT(::sigqueue(::getpid(), sig, value), SyscallSucceeds());
  }
  ASSERT_EQ(g_log.count, 0);
  ASSERT_THAT(::sigprocmask(SIG_UNBLOCK, &only, nullptr), SyscallSucceeds());
  ASSERT_EQ(g_log.count, 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(g_log.value[i], 10 * sig + i) << "delivery " << i;
  }
}
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMin, "SIGRT.FIFO.SIGRTMIN", kFromMin, 0)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus1, "SIGRT.FIFO.SIGRTMIN_PLUS_1", kFromMin, 1)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus2, "SIGRT.FIFO.SIGRTMIN_PLUS_2", kFromMin, 2)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus3, "SIGRT.FIFO.SIGRTMIN_PLUS_3", kFromMin, 3)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus4, "SIGRT.FIFO.SIGRTMIN_PLUS_4", kFromMin, 4)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus5, "SIGRT.FIFO.SIGRTMIN_PLUS_5", kFromMin, 5)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus6, "SIGRT.FIFO.SIGRTMIN_PLUS_6", kFromMin, 6)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus7, "SIGRT.FIFO.SIGRTMIN_PLUS_7", kFromMin, 7)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus8, "SIGRT.FIFO.SIGRTMIN_PLUS_8", kFromMin, 8)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus9, "SIGRT.FIFO.SIGRTMIN_PLUS_9", kFromMin, 9)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus10, "SIGRT.FIFO.SIGRTMIN_PLUS_10", kFromMin, 10)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus11, "SIGRT.FIFO.SIGRTMIN_PLUS_11", kFromMin, 11)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus12, "SIGRT.FIFO.SIGRTMIN_PLUS_12", kFromMin, 12)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus13, "SIGRT.FIFO.SIGRTMIN_PLUS_13", kFromMin, 13)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus14, "SIGRT.FIFO.SIGRTMIN_PLUS_14", kFromMin, 14)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus15, "SIGRT.FIFO.SIGRTMIN_PLUS_15", kFromMin, 15)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus16, "SIGRT.FIFO.SIGRTMIN_PLUS_16", kFromMin, 16)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus17, "SIGRT.FIFO.SIGRTMIN_PLUS_17", kFromMin, 17)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus18, "SIGRT.FIFO.SIGRTMIN_PLUS_18", kFromMin, 18)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus19, "SIGRT.FIFO.SIGRTMIN_PLUS_19", kFromMin, 19)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus20, "SIGRT.FIFO.SIGRTMIN_PLUS_20", kFromMin, 20)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus21, "SIGRT.FIFO.SIGRTMIN_PLUS_21", kFromMin, 21)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus22, "SIGRT.FIFO.SIGRTMIN_PLUS_22", kFromMin, 22)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus23, "SIGRT.FIFO.SIGRTMIN_PLUS_23", kFromMin, 23)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus24, "SIGRT.FIFO.SIGRTMIN_PLUS_24", kFromMin, 24)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus25, "SIGRT.FIFO.SIGRTMIN_PLUS_25", kFromMin, 25)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus26, "SIGRT.FIFO.SIGRTMIN_PLUS_26", kFromMin, 26)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus27, "SIGRT.FIFO.SIGRTMIN_PLUS_27", kFromMin, 27)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMinPlus28, "SIGRT.FIFO.SIGRTMIN_PLUS_28", kFromMin, 28)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMaxMinus1, "SIGRT.FIFO.SIGRTMAX_MINUS_1", kFromMax, 1)
PROCSIG_INSTANCE(RealtimeSignal, Fifo, RtMax, "SIGRT.FIFO.SIGRTMAX", kFromMax, 0)

// The pair is (sig, sig+1), or (SIGRTMAX-1, SIGRTMAX) for SIGRTMAX. The
// higher one is queued first; each handler blocks the other so the record
// order is the delivery order.
PROCSIG_PARAM_TEST(RealtimeSignal, LowestFirst, "XSH 2.4.2 Realtime Signal Generation and Delivery",
                   "of two pending real-time signals, the signal and its neighbour, the "
                   "lower-numbered is delivered first whatever the order they were sent in",
                   bool from_min, int offset) {
  PROCSIG_RT_SIGNAL_OR_SKIP(sig, from_min, offset);
  const int low = sig == SIGRTMAX ? sig - 1 : sig;
  const int high = low + 1;
  g_log = RtLog{};
  struct sigaction action {};
  action.sa_sigaction = Record;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  sigaddset(&action.sa_mask, low);
  sigaddset(&action.sa_mask, high);
  ScopedSigaction low_handler(low, action);
  ScopedSigaction high_handler(high, action);
  ASSERT_TRUE(low_handler.ok() && high_handler.ok());
  ScopedSignalMask blocked(SIG_BLOCK, action.sa_mask);
  const union sigval value {};
  ASSERT_THAT(::sigqueue(::getpid(), high, value), SyscallSucceeds());
  ASSERT_THAT(::sigqueue(::getpid(), low, value), SyscallSucceeds());
  ASSERT_THAT(::sigprocmask(SIG_UNBLOCK, &action.sa_mask, nullptr), SyscallSucceeds());
  ASSERT_EQ(g_log.count, 2);
  EXPECT_EQ(g_log.signo[0], low);
  EXPECT_EQ(g_log.signo[1], high);
}
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMin, "SIGRT.LOWEST_FIRST.SIGRTMIN", kFromMin, 0)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus1, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_1",
                 kFromMin, 1)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus2, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_2",
                 kFromMin, 2)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus3, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_3",
                 kFromMin, 3)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus4, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_4",
                 kFromMin, 4)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus5, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_5",
                 kFromMin, 5)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus6, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_6",
                 kFromMin, 6)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus7, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_7",
                 kFromMin, 7)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus8, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_8",
                 kFromMin, 8)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus9, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_9",
                 kFromMin, 9)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus10, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_10",
                 kFromMin, 10)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus11, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_11",
                 kFromMin, 11)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus12, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_12",
                 kFromMin, 12)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus13, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_13",
                 kFromMin, 13)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus14, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_14",
                 kFromMin, 14)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus15, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_15",
                 kFromMin, 15)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus16, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_16",
                 kFromMin, 16)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus17, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_17",
                 kFromMin, 17)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus18, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_18",
                 kFromMin, 18)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus19, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_19",
                 kFromMin, 19)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus20, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_20",
                 kFromMin, 20)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus21, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_21",
                 kFromMin, 21)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus22, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_22",
                 kFromMin, 22)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus23, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_23",
                 kFromMin, 23)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus24, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_24",
                 kFromMin, 24)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus25, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_25",
                 kFromMin, 25)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus26, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_26",
                 kFromMin, 26)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus27, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_27",
                 kFromMin, 27)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMinPlus28, "SIGRT.LOWEST_FIRST.SIGRTMIN_PLUS_28",
                 kFromMin, 28)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMaxMinus1, "SIGRT.LOWEST_FIRST.SIGRTMAX_MINUS_1",
                 kFromMax, 1)
PROCSIG_INSTANCE(RealtimeSignal, LowestFirst, RtMax, "SIGRT.LOWEST_FIRST.SIGRTMAX", kFromMax, 0)

}  // namespace
}  // namespace procsig::test
