// Breaks: killpg() returns 0 without signalling anyone, as a sandbox that
//   filters the process-group form of kill would.
// Caught-by: SIGPGRP.KILLPG SIGPGRP.KILLPG_SIGKILL
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <signal.h>

extern "C" int killpg(int /*pgrp*/, int /*sig*/) { return 0; }
