// Helper programs of the issue-13 signal tests, found like the others (see
// helper_paths.h): HelperPath() first, else where the build put them
// (recorded by signal_helpers.cc.in).
#pragma once

#include <string>

#include "helper_paths.h"

namespace procsig::test::signals {

extern const char kAltstackProbeBuildPath[];

// procsig-altstack-probe: exit 0 when started without an alternate stack.
inline std::string AltstackProbePath() {
  return FindHelper("procsig-altstack-probe", kAltstackProbeBuildPath);
}

}  // namespace procsig::test::signals
