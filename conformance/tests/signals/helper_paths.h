// Paths of the helper programs built next to the signal tests: HelperPath()
// when it finds them (PROCSIG_HELPER_DIR, or beside a copied binary), else
// where the build put them (recorded by helper_paths.cc.in).
#pragma once

#include <unistd.h>

#include <string>

#include "helper_path.h"

namespace procsig::test::signals {

extern const char kExecProbeBuildPath[];
extern const char kIsoSignalProbeBuildPath[];

inline std::string FindHelper(const char* name, const char* build_path) {
  std::string path = HelperPath(name);
  return ::access(path.c_str(), X_OK) == 0 ? path : build_path;
}

// procsig-exec-probe: prints the signal state a new process image starts with.
inline std::string ExecProbePath() { return FindHelper("procsig-exec-probe", kExecProbeBuildPath); }

// procsig-iso-signal-probe: what signal() does in a strict ISO C program.
inline std::string IsoSignalProbePath() {
  return FindHelper("procsig-iso-signal-probe", kIsoSignalProbeBuildPath);
}

}  // namespace procsig::test::signals
