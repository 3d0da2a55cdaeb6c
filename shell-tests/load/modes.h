#pragma once

#include "args.h"
#include "deadline.h"
#include "outcome.h"
#include "pattern.h"

namespace procsig::load {

// Each mode prints its JSON line on success and returns how the run ended.

// --clients threads share --connections connections, one at a time each:
// connect, send --bytes, read them back, check, close.
Outcome run_rate(const Options& options, const Pattern& pattern, const Deadline& deadline);

// One connection: a writer thread sends --bytes then shuts down its side
// while a reader thread checks the echo and the end of stream after it.
Outcome run_bulk(const Options& options, const Pattern& pattern, const Deadline& deadline);

// --clients connections at once in one epoll loop (see burst.cc for --hold).
Outcome run_burst(const Options& options, const Pattern& pattern, const Deadline& deadline);

}  // namespace procsig::load
