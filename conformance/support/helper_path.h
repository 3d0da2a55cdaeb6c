// Locating the small helper programs built next to the conformance binary
// (for example procsig-return-status, which returns its argument from main).
#pragma once

#include <string>

namespace procsig::test {

// Path of helper `name`: $PROCSIG_HELPER_DIR/name if that variable is set,
// else the directory of the running binary if the helper is there (so a
// copied binary and helper work anywhere), else the build directory.
std::string HelperPath(const std::string& name);

}  // namespace procsig::test
