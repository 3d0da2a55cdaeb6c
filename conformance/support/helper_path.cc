#include "helper_path.h"

#include <limits.h>
#include <unistd.h>

#include <cstdlib>

#ifndef PROCSIG_HELPER_DIR
#error "the build must define PROCSIG_HELPER_DIR"
#endif

namespace procsig::test {

std::string HelperPath(const std::string& name) {
  if (const char* dir = std::getenv("PROCSIG_HELPER_DIR")) {
    return std::string(dir) + "/" + name;
  }
  char exe[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    std::string path(exe, static_cast<size_t>(n));
    path = path.substr(0, path.rfind('/') + 1) + name;
    if (::access(path.c_str(), X_OK) == 0) {
      return path;
    }
  }
  return std::string(PROCSIG_HELPER_DIR) + "/" + name;
}

}  // namespace procsig::test
