// The deadline of every assertion's body. A test that blocks for good (a
// pause() whose signal never comes, a read() whose writer died) fails by its
// own name within seconds, and the rest of the suite still runs and reports.
//
// How: a watchdog thread, started once by main before the tests, waits out
// each body's deadline. When one passes, it sends kWatchdogSignal to the
// thread running the body; the handler jumps back (siglongjmp) to
// RunWithinDeadline, which reports the cut-off. The abandoned body's locals
// are not destroyed, so the fixture's TearDown is what cleans up: it kills
// and reaps the children, closes the descriptors and restores the signal
// state and timers the body left, as it does for any leaky test.
//
// If the body blocked kWatchdogSignal too, the jump cannot happen: after a
// grace period the watchdog prints the test's name and ID on stderr and ends
// the process with status 1 (the shard then fails by that message).
#pragma once

#include <signal.h>

#include <chrono>
#include <string>

namespace procsig::test {

// SIGSTKFLT is otherwise unused on Linux; tests that send every signal save
// and restore its action like any other.
#ifdef SIGSTKFLT
inline constexpr int kWatchdogSignal = SIGSTKFLT;
#else
inline constexpr int kWatchdogSignal = SIGXCPU;
#endif

// kBodyTimeout times PROCSIG_TIMEOUT_MULTIPLIER (ci/validate sets it under a
// wrapper): longer than any single wait a test makes (kDefaultTimeout), so a
// test's own deadline reports first.
inline constexpr std::chrono::milliseconds kBodyTimeout{12000};
std::chrono::milliseconds BodyTimeout();

// Installs the watchdog's handler and starts its thread. Called once by main
// before RUN_ALL_TESTS, so every test's SetUp sees the handler in place.
void StartWatchdog();

// Runs body on the calling thread under timeout. Returns true if it
// returned by itself, false if the deadline cut it off. `name` (the
// assertion's ID) goes into the last-resort message. Without StartWatchdog
// the body runs unbounded.
bool RunWithinDeadline(void (*body)(), std::chrono::milliseconds timeout, const std::string& name);

}  // namespace procsig::test
