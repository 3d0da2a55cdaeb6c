// Locating and exec'ing the small helper programs built next to the
// conformance binary (for example procsig-return-status, which returns its
// argument from main).
#pragma once

#include <string>
#include <vector>

namespace procsig::test {

// Path of helper `name`: $PROCSIG_HELPER_DIR/name if that variable is set,
// else the directory of the running binary if the helper is there (so a
// copied binary and helper work anywhere), else the build directory.
std::string HelperPath(const std::string& name);

// The words of PROCSIG_EXEC_WRAPPER (split at blanks, the first resolved
// through PATH), empty when unset. An emulator such as qemu-user runs only
// the image it was started with: an image the tests exec would run on the
// host, and the EXEC rows would judge the host. ci/validate --wrapper sets
// this variable so exec'd helpers run under the layer too.
std::vector<std::string> ExecWrapper();

// argv for exec'ing a helper, built before fork() so that the child only
// calls Exec(): ExecWrapper()'s words, then the helper's path, then args.
// Without a wrapper the helper's argv[0] is argv0 (default: its path).
class HelperExec {
 public:
  HelperExec(std::string path, std::vector<std::string> args, std::string argv0 = "");
  // argv_ points into the strings: no copies or moves.
  HelperExec(const HelperExec&) = delete;
  HelperExec& operator=(const HelperExec&) = delete;
  // Child-safe. execv()s; returns only on failure.
  void Exec() const;
  // The helper's own path (not the wrapper's).
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string program_;  // what execv runs: the wrapper or the helper
  std::vector<std::string> words_;
  std::vector<char*> argv_;
};

}  // namespace procsig::test
