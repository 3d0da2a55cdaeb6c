// Running procsig-process-probe (process_probe.cc) and reading its report.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "child.h"
#include "process_helpers.h"
#include "unique_fd.h"

namespace procsig::test {

// key -> value, as the probe printed them.
using ProbeReport = std::map<std::string, std::string>;

std::string ProcessProbePath();

// Parses the probe's output; empty (after recording a failure) if a key is
// missing.
ProbeReport ParseProbeReport(const std::string& text);

// The probe's hex signal masks and descriptor lists.
std::uint64_t ProbeMask(const ProbeReport& report, const std::string& key);
std::set<int> ProbeFds(const ProbeReport& report, const std::string& key);
long ProbeNumber(const ProbeReport& report, const std::string& key);

// Reads the probe's stdout from `out` until EOF, waits for `child`, and
// parses. Records a failure (and returns empty) unless the child exited 0.
ProbeReport CollectProbe(ScopedChild& child, UniqueFd out);

// The probe's command line, built before fork() so the child only execs.
class ProbeCommand {
 public:
  explicit ProbeCommand(std::vector<std::string> args = {});
  ProbeCommand(const ProbeCommand&) = delete;
  ProbeCommand& operator=(const ProbeCommand&) = delete;
  // Child-safe. execve()s with envp, or execv()s with the current environ
  // when envp is null; returns only on failure.
  void Exec(char* const* envp = nullptr) const;
  // The argument strings, writable in a child before Exec (for values only
  // the child knows); argv points into them.
  std::vector<std::string>& args() { return args_; }

 private:
  std::string path_;
  std::vector<std::string> args_;
  std::vector<char*> argv_;
};

// Forks; the child runs setup() (async-signal-safe calls only; false means
// it failed), points stdout at a pipe and execs the probe. Returns the
// parsed report.
template <typename Setup>
ProbeReport RunProbeAfter(Setup setup, const ProbeCommand& command, char* const* envp = nullptr) {
  Pipe out;
  if (!out.ok()) {
    ADD_FAILURE() << "pipe2 failed";
    return {};
  }
  const int out_fd = out.write_end.get();
  ScopedChild child = ForkChild([&] {
    if (!setup() || ::dup2(out_fd, STDOUT_FILENO) < 0) {
      return 126;
    }
    command.Exec(envp);
    return 127;
  });
  if (!child) {
    return {};
  }
  out.write_end.reset();
  return CollectProbe(child, std::move(out.read_end));
}

template <typename Setup>
ProbeReport RunProbeAfter(Setup setup) {
  const ProbeCommand command;
  return RunProbeAfter(setup, command);
}

}  // namespace procsig::test
