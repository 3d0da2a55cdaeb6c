// The conformance binary's main: gtest/gmock flags, then the target
// expectations, then the tests.
//
// Exit status: gtest's (0 all passed, 1 a test failed), or 2 when
// PROCSIG_TARGET names no expectations file or PROCSIG_TIMEOUT_MULTIPLIER is not
// a whole number from 1 to 100.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/utsname.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "assertion.h"
#include "deadline.h"
#include "expectations.h"
#include "test_deadline.h"

#ifndef PROCSIG_EXPECTATIONS_DIR
#error "the build must define PROCSIG_EXPECTATIONS_DIR"
#endif

namespace {

std::string EnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : fallback;
}

// Writes the kernel this binary runs on, as it sees it (under user-mode
// Linux, UML's; under qemu-user, what the emulator reports), and the layer
// (PROCSIG_LAYER) to PROCSIG_PLATFORM_FILE when set, for the report
// (ci/reporting/machine.py). The shards all write the same lines.
void RecordPlatform() {
  const char* path = std::getenv("PROCSIG_PLATFORM_FILE");
  struct utsname name {};
  if (path == nullptr || ::uname(&name) != 0) {
    return;
  }
  if (FILE* out = std::fopen(path, "w")) {
    (void)std::fprintf(out, "kernel %s %s\nlayer %s\n", name.release, name.version,
                       EnvOr("PROCSIG_LAYER", "").c_str());
    (void)std::fclose(out);
  }
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleMock(&argc, argv);

  const std::string dir = EnvOr("PROCSIG_EXPECTATIONS_DIR", PROCSIG_EXPECTATIONS_DIR);
  if (const auto error = procsig::test::LoadExpectations(dir, EnvOr("PROCSIG_TARGET", ""))) {
    (void)std::fprintf(stderr, "conformance: %s\n", error->c_str());
    return 2;
  }

  const std::string scale = EnvOr("PROCSIG_TIMEOUT_MULTIPLIER", "1");
  char* end = nullptr;
  const long n = std::strtol(scale.c_str(), &end, 10);
  if (end == scale.c_str() || *end != '\0' || n < 1 || n > 100) {
    (void)std::fprintf(stderr,
                       "conformance: PROCSIG_TIMEOUT_MULTIPLIER must be 1 to 100, not '%s'\n",
                       scale.c_str());
    return 2;
  }
  procsig::test::SetTimeoutScale(static_cast<int>(n));

  // Orphaned grandchildren of a broken test come back to us instead of
  // going to PID 1 (which may not reap), so the fixture's leak check sees,
  // kills and reaps them.
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
    const std::string what = std::string("no subreaper (prctl PR_SET_CHILD_SUBREAPER: ") +
                             std::strerror(errno) +
                             "): an orphan a broken test leaves goes elsewhere, unchecked";
    (void)std::fprintf(stderr, "conformance: warning: %s\n", what.c_str());
    procsig::test::NoteSafetyNetMissing(what);
  }
  RecordPlatform();
  // Every assertion's body runs under a deadline (test_deadline.h).
  procsig::test::StartWatchdog();
  return RUN_ALL_TESTS();
}
