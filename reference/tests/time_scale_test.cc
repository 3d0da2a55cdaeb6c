#include "time_scale.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>

#include "alarm.h"
#include "signals.h"

namespace procsig {
namespace {

TEST(ParseTimeScale, AcceptsPositiveDecimalsUpTo1000) {
  EXPECT_EQ(parse_time_scale("1"), 1.0);
  EXPECT_EQ(parse_time_scale("0.01"), 0.01);
  EXPECT_EQ(parse_time_scale("2.5"), 2.5);
  EXPECT_EQ(parse_time_scale(".5"), 0.5);
  EXPECT_EQ(parse_time_scale("5."), 5.0);
  EXPECT_EQ(parse_time_scale("007"), 7.0);
  EXPECT_EQ(parse_time_scale("1000"), 1000.0);
  EXPECT_EQ(parse_time_scale("1000.0"), 1000.0);
}

TEST(ParseTimeScale, RejectsEverythingElse) {
  for (const char* bad : {"", "0", "0.0", "000", "-1", "+1", "1e2", "1E-2", "abc", " 1", "1 ",
                          "1001", "1000.001", "inf", "nan", "1.2.3", "0x10", ".", "1,5"}) {
    EXPECT_FALSE(parse_time_scale(bad).has_value()) << "'" << bad << "'";
  }
  EXPECT_FALSE(parse_time_scale(nullptr).has_value());
}

TEST(LoadTimeScale, DefaultsToOneWhenUnset) {
  unsetenv("PROCSIG_TIME_SCALE");
  EXPECT_EQ(load_time_scale(), 1.0);
  setenv("PROCSIG_TIME_SCALE", "0.25", 1);
  EXPECT_EQ(load_time_scale(), 0.25);
  unsetenv("PROCSIG_TIME_SCALE");
}

TEST(LoadTimeScaleDeathTest, RejectsABadValueWithStatus2) {
  EXPECT_EXIT(
      {
        setenv("PROCSIG_TIME_SCALE", "fast", 1);
        load_time_scale();
      },
      ::testing::ExitedWithCode(2),
      "^procsig: invalid PROCSIG_TIME_SCALE 'fast': must be a positive decimal number no "
      "greater than 1000\n$");
}

TEST(Scaled, MultipliesAndSplitsIntoSecondsAndNanoseconds) {
  timespec t = scaled(2, 0.01);
  EXPECT_EQ(t.tv_sec, 0);
  EXPECT_EQ(t.tv_nsec, 20000000L);
  t = scaled(30, 1);
  EXPECT_EQ(t.tv_sec, 30);
  EXPECT_EQ(t.tv_nsec, 0);
  t = scaled(3, 2.5);
  EXPECT_EQ(t.tv_sec, 7);
  EXPECT_EQ(t.tv_nsec, 500000000L);
  t = scaled(100, 1000);
  EXPECT_EQ(t.tv_sec, 100000);
}

TEST(Scaled, NeverDropsBelowOneMicrosecond) {
  const timespec t = scaled(1e-9, 0.001);
  EXPECT_EQ(t.tv_sec, 0);
  EXPECT_EQ(t.tv_nsec, 1000);
}

double elapsed_since(const timespec& start) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec - start.tv_sec) +
         static_cast<double>(now.tv_nsec - start.tv_nsec) / 1e9;
}

volatile sig_atomic_t g_caught = 0;
void on_usr1(int) { g_caught = g_caught + 1; }

// Installs a SIGUSR1 handler and keeps SIGUSR1 blocked for one test.
class SignalledSleep : public ::testing::Test {
 protected:
  void SetUp() override {
    g_caught = 0;
    sigaction(SIGUSR1, nullptr, &old_action_);
    sigprocmask(SIG_SETMASK, nullptr, &old_mask_);
    install_handler(SIGUSR1, on_usr1);
    sleep_mask_ = block_signals({SIGUSR1});
  }
  void TearDown() override {
    sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
    sigaction(SIGUSR1, &old_action_, nullptr);
  }
  sigset_t sleep_mask_{};
  sigset_t old_mask_{};
  struct sigaction old_action_ {};
};

TEST_F(SignalledSleep, ASignalThatCameBeforeTheSleepStillEndsIt) {
  // The signal arrives between "decide to sleep" and "sleep": a
  // check-then-sleep would miss it and sleep the full 30 s.
  (void)raise(SIGUSR1);
  EXPECT_EQ(g_caught, 0);  // still blocked, pending
  timespec start{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  EXPECT_TRUE(sleep_unless_signalled(timespec{30, 0}, sleep_mask_));
  EXPECT_EQ(g_caught, 1);
  EXPECT_LT(elapsed_since(start), 10.0);
}

TEST_F(SignalledSleep, RunsTheFullDurationWithoutASignal) {
  timespec start{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  EXPECT_FALSE(sleep_unless_signalled(scaled(0.05, 1), sleep_mask_));
  EXPECT_GE(elapsed_since(start), 0.05);
  EXPECT_EQ(g_caught, 0);
}

TEST(SleepFully, LastsAtLeastTheDuration) {
  timespec start{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  sleep_fully(scaled(0.03, 1));
  EXPECT_GE(elapsed_since(start), 0.03);
}

// Waits for SIGALRM (blocked) for at most `seconds`; true if it came.
bool sigalrm_within(int seconds) {
  const sigset_t alrm = make_sigset({SIGALRM});
  const timespec limit{seconds, 0};
  int sig = -1;
  while ((sig = sigtimedwait(&alrm, nullptr, &limit)) < 0 && errno == EINTR) {
  }
  return sig == SIGALRM;
}

TEST(ScaledAlarm, UsesAnItimerBelowASecondAndStillRaisesSigalrm) {
  const ScaledAlarm alarm_20ms(2, 0.01);
  EXPECT_TRUE(alarm_20ms.uses_itimer());
  EXPECT_EQ(alarm_20ms.timer().it_value.tv_sec, 0);
  EXPECT_EQ(alarm_20ms.timer().it_value.tv_usec, 20000);
  EXPECT_EQ(alarm_20ms.timer().it_interval.tv_usec, 0);  // one shot, like alarm()

  sigset_t old_mask;
  const sigset_t alrm = make_sigset({SIGALRM});
  sigprocmask(SIG_BLOCK, &alrm, &old_mask);
  alarm_20ms.arm();
  EXPECT_TRUE(sigalrm_within(5));
  sigprocmask(SIG_SETMASK, &old_mask, nullptr);
}

TEST(ScaledAlarm, UsesAlarmForWholeSecondsAndCancels) {
  const ScaledAlarm alarm_2s(2, 1);
  EXPECT_FALSE(alarm_2s.uses_itimer());
  sigset_t old_mask;
  const sigset_t alrm = make_sigset({SIGALRM});
  sigprocmask(SIG_BLOCK, &alrm, &old_mask);
  alarm_2s.arm();
  EXPECT_GT(alarm(0), 0u);  // alarm() reports the pending 2 s (and clears it)
  alarm_2s.arm();
  alarm_2s.cancel();
  EXPECT_EQ(alarm(0), 0u);
  sigprocmask(SIG_SETMASK, &old_mask, nullptr);
}

}  // namespace
}  // namespace procsig
