// Breaks: sigrelse() reports success but leaves the signal blocked, as a C
//   library that implements the XSI calls as stubs would.
// Caught-by: SIGXSI.SIGHOLD_SIGRELSE
//
// A platform mutant for ci/selfcheck/shim: preloaded into the conformance
// binary, it must make at least one Caught-by assertion fail.
#include <signal.h>

extern "C" int sigrelse(int /*sig*/) { return 0; }
