#pragma once

#include <signal.h>
#include <time.h>

#include <optional>

namespace procsig {

// PROCSIG_TIME_SCALE multiplies every duration of docs/contract.md
// (C.ALL.TIME_SCALE). A valid value is a positive decimal number (digits
// with an optional fraction, no sign, no exponent) no greater than 1000.
std::optional<double> parse_time_scale(const char* text);

// Reads PROCSIG_TIME_SCALE (unset means 1). A bad value prints
// `<program>: invalid PROCSIG_TIME_SCALE '<v>': ...` and exits with status 2.
double load_time_scale();

// `seconds * scale`, never below one microsecond so that a scaled timer is
// never zero (a zero itimer would disarm instead of firing).
timespec scaled(double seconds, double scale);

// Sleeps the whole duration: a caught signal does not shorten it.
void sleep_fully(const timespec& duration);

// Sleeps until `duration` passes or a caught signal's handler has run.
// The caller keeps the signals of interest blocked and passes the mask to
// sleep with (those signals unblocked): a signal that arrived before the
// call is still pending and ends the sleep at once, so none is missed.
// Returns true when a signal ended the sleep.
bool sleep_unless_signalled(const timespec& duration, const sigset_t& sleep_mask);

}  // namespace procsig
