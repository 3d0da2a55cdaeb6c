// Interval timers: ITIMER_REAL, ITIMER_VIRTUAL and ITIMER_PROF deliver
// SIGALRM, SIGVTALRM and SIGPROF; getitimer() reads back what was set and
// the time remaining; an interval re-arms; the errors.
//
// Nothing here asserts how long anything took: a timer test only waits (with
// a generous deadline) for the signal its timer must send.
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "assertion.h"
#include "deadline.h"
#include "param_assertion.h"
#include "scoped_signal.h"
#include "syscall_matchers.h"

namespace procsig::test {
namespace {

// Disarms one timer when the test ends (ScopedRealTimer covers only REAL).
class ScopedTimer {
 public:
  ScopedTimer(int which, long value_usec, long interval_usec) : which_(which) {
    struct itimerval it {};
    it.it_value.tv_sec = value_usec / 1000000;
    it.it_value.tv_usec = value_usec % 1000000;
    it.it_interval.tv_sec = interval_usec / 1000000;
    it.it_interval.tv_usec = interval_usec % 1000000;
    error_ = ::setitimer(which, &it, nullptr) == 0 ? 0 : errno;
  }
  ~ScopedTimer() {
    const struct itimerval off {};
    ::setitimer(which_, &off, nullptr);
  }
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;
  int error() const { return error_; }

 private:
  int which_;
  int error_;
};

int SignalFor(int which) {
  return which == ITIMER_REAL ? SIGALRM : which == ITIMER_VIRTUAL ? SIGVTALRM : SIGPROF;
}

bool Pending(int sig) {
  sigset_t pending;
  sigemptyset(&pending);
  ::sigpending(&pending);
  return sigismember(&pending, sig) == 1;
}

// Spins in user mode (the CPU time VIRTUAL and PROF count) until sig is
// pending or the deadline passes. Checking the deadline and the pending set
// costs a little system time, which only PROF counts too.
bool SpinUntilPending(int sig, Deadline deadline) {
  volatile unsigned long work = 0;
  while (!Pending(sig)) {
    for (int i = 0; i < 100000; ++i) {
      work = work + 1;
    }
    if (Clock::now() > deadline) {
      return false;
    }
  }
  return true;
}

PROCSIG_PARAM_TEST(IntervalTimer, Delivers, "XSH getitimer",
                   "a one-shot interval timer of this kind sends its signal (SIGALRM for "
                   "ITIMER_REAL, SIGVTALRM for ITIMER_VIRTUAL, SIGPROF for ITIMER_PROF) once it "
                   "expires, and is then disarmed",
                   int which) {
  const int sig = SignalFor(which);
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(sig));
  ScopedTimer timer(which, 10000, 0);
  ASSERT_EQ(timer.error(), 0) << DescribeErrno(timer.error());
  if (which == ITIMER_REAL) {
    const sigset_t set = ScopedSignalMask::Only(sig);
    const struct timespec wait = {10, 0};
    ASSERT_THAT(::sigtimedwait(&set, nullptr, &wait), SyscallSucceedsWithValue(sig));
  } else {
    ASSERT_TRUE(SpinUntilPending(sig, DeadlineIn()));
    const sigset_t set = ScopedSignalMask::Only(sig);
    ASSERT_THAT(::sigwaitinfo(&set, nullptr), SyscallSucceedsWithValue(sig));
  }
  struct itimerval now {};
  ASSERT_THAT(::getitimer(which, &now), SyscallSucceeds());
  EXPECT_EQ(now.it_value.tv_sec, 0);
  EXPECT_EQ(now.it_value.tv_usec, 0);
}
PROCSIG_INSTANCE(IntervalTimer, Delivers, Real, "ITIMER.DELIVERS.REAL", ITIMER_REAL)
PROCSIG_INSTANCE(IntervalTimer, Delivers, Virtual, "ITIMER.DELIVERS.VIRTUAL", ITIMER_VIRTUAL)
PROCSIG_INSTANCE(IntervalTimer, Delivers, Prof, "ITIMER.DELIVERS.PROF", ITIMER_PROF)

PROCSIG_PARAM_TEST(IntervalTimer, ReadBack, "XSH getitimer",
                   "getitimer() returns the interval that was set and a remaining time that is "
                   "positive, no more than was set, and does not grow; setitimer() returns the "
                   "previous setting",
                   int which) {
  ScopedTimer timer(which, 100000000, 50000000);  // 100 s, then every 50 s
  ASSERT_EQ(timer.error(), 0) << DescribeErrno(timer.error());
  struct itimerval first {};
  ASSERT_THAT(::getitimer(which, &first), SyscallSucceeds());
  // Values may be rounded up to the timer's resolution (a clock tick for
  // VIRTUAL and PROF on Linux): allow 0.1 s above what was set.
  constexpr long long kResolutionSlack = 100000;
  const long long interval_usec = first.it_interval.tv_sec * 1000000LL + first.it_interval.tv_usec;
  EXPECT_GE(interval_usec, 50000000LL);
  EXPECT_LE(interval_usec, 50000000LL + kResolutionSlack);
  const long long first_usec = first.it_value.tv_sec * 1000000LL + first.it_value.tv_usec;
  EXPECT_GT(first_usec, 0);
  EXPECT_LE(first_usec, 100000000LL + kResolutionSlack);
  volatile unsigned long work = 0;
  for (int i = 0; i < 1000000; ++i) {
    work = work + 1;  // some CPU time, so VIRTUAL and PROF count down too
  }
  struct itimerval later {};
  struct itimerval replacement {};
  replacement.it_value.tv_sec = 200;
  ASSERT_THAT(::setitimer(which, &replacement, &later), SyscallSucceeds());
  const long long later_usec = later.it_value.tv_sec * 1000000LL + later.it_value.tv_usec;
  EXPECT_LE(later_usec, first_usec);
  EXPECT_GE(later.it_interval.tv_sec, 50);
  ASSERT_THAT(::getitimer(which, &first), SyscallSucceeds());
  EXPECT_EQ(first.it_interval.tv_sec, 0);
  EXPECT_GT(first.it_value.tv_sec, 100);
}
PROCSIG_INSTANCE(IntervalTimer, ReadBack, Real, "ITIMER.READ_BACK.REAL", ITIMER_REAL)
PROCSIG_INSTANCE(IntervalTimer, ReadBack, Virtual, "ITIMER.READ_BACK.VIRTUAL", ITIMER_VIRTUAL)
PROCSIG_INSTANCE(IntervalTimer, ReadBack, Prof, "ITIMER.READ_BACK.PROF", ITIMER_PROF)

PROCSIG_TEST(IntervalTimer, IntervalRearms, "ITIMER.INTERVAL_REARMS", "XSH getitimer",
             "an ITIMER_REAL with an interval re-arms after each expiry: its signal comes again "
             "after the first was taken, and the timer stays armed") {
  ScopedSignalMask blocked(SIG_BLOCK, ScopedSignalMask::Only(SIGALRM));
  ScopedTimer timer(ITIMER_REAL, 5000, 5000);
  ASSERT_EQ(timer.error(), 0) << DescribeErrno(timer.error());
  const sigset_t set = ScopedSignalMask::Only(SIGALRM);
  const struct timespec wait = {10, 0};
  for (int i = 0; i < 3; ++i) {
    ASSERT_THAT(::sigtimedwait(&set, nullptr, &wait), SyscallSucceedsWithValue(SIGALRM))
        << "expiry " << i;
  }
  struct itimerval now {};
  ASSERT_THAT(::getitimer(ITIMER_REAL, &now), SyscallSucceeds());
  EXPECT_EQ(now.it_interval.tv_usec, 5000);
  EXPECT_TRUE(now.it_value.tv_sec != 0 || now.it_value.tv_usec != 0) << "disarmed";
  const struct itimerval off {};
  ASSERT_THAT(::setitimer(ITIMER_REAL, &off, nullptr), SyscallSucceeds());
  // Take an expiry that may have come before the disarm.
  const struct timespec zero {};
  ::sigtimedwait(&set, nullptr, &zero);
}

PROCSIG_TEST(IntervalTimer, ZeroDisarms, "ITIMER.ZERO_DISARMS", "XSH getitimer",
             "setitimer() with a zero it_value disarms the timer, whatever the interval") {
  ScopedTimer timer(ITIMER_REAL, 100000000, 0);
  struct itimerval zero {};
  zero.it_interval.tv_sec = 5;
  ASSERT_THAT(::setitimer(ITIMER_REAL, &zero, nullptr), SyscallSucceeds());
  struct itimerval now {};
  ASSERT_THAT(::getitimer(ITIMER_REAL, &now), SyscallSucceeds());
  EXPECT_EQ(now.it_value.tv_sec, 0);
  EXPECT_EQ(now.it_value.tv_usec, 0);
}

PROCSIG_TEST(IntervalTimer, Errors, "ITIMER.EINVAL_EFAULT", "XSH getitimer",
             "setitimer() and getitimer() fail with EINVAL for an unknown timer or a tv_usec "
             "outside 0..999999, and the raw calls with EFAULT for an inaccessible pointer") {
  struct itimerval it {};
  for (const int which : {-1, 3, 42}) {
    EXPECT_THAT(::setitimer(static_cast<__itimer_which>(which), &it, nullptr),
                SyscallFailsWithErrno(EINVAL))
        << which;
    EXPECT_THAT(::getitimer(static_cast<__itimer_which>(which), &it), SyscallFailsWithErrno(EINVAL))
        << which;
  }
  for (const long usec : {1000000L, -1L}) {
    struct itimerval bad {};
    bad.it_value.tv_usec = usec;
    EXPECT_THAT(::setitimer(ITIMER_REAL, &bad, nullptr), SyscallFailsWithErrno(EINVAL)) << usec;
  }
  void* page = ::mmap(nullptr, static_cast<size_t>(::getpagesize()), PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(page, MAP_FAILED);
  EXPECT_THAT(::syscall(SYS_setitimer, ITIMER_REAL, page, nullptr), SyscallFailsWithErrno(EFAULT));
  EXPECT_THAT(::syscall(SYS_getitimer, ITIMER_REAL, page), SyscallFailsWithErrno(EFAULT));
  ::munmap(page, static_cast<size_t>(::getpagesize()));
}

}  // namespace
}  // namespace procsig::test
