#include "probe_run.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <sstream>

#include "helper_path.h"
#include "wait_status.h"

namespace procsig::test {

std::string ProcessProbePath() { return HelperPath("procsig-process-probe"); }

ProbeCommand::ProbeCommand(std::vector<std::string> args)
    : path_(ProcessProbePath()), args_(std::move(args)) {
  argv_.push_back(path_.data());
  for (auto& arg : args_) {
    argv_.push_back(arg.data());
  }
  argv_.push_back(nullptr);
}

void ProbeCommand::Exec(char* const* envp) const {
  if (envp != nullptr) {
    ::execve(path_.c_str(), argv_.data(), envp);
  } else {
    ::execv(path_.c_str(), argv_.data());
  }
}

ProbeReport ParseProbeReport(const std::string& text) {
  ProbeReport report;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const size_t space = line.find(' ');
    if (space != std::string::npos) {
      report[line.substr(0, space)] = line.substr(space + 1);
    }
  }
  for (const char* key :
       {"pid", "ppid", "pgrp", "sid", "euid", "egid", "threads", "altstack", "fds", "cloexec",
        "blocked", "ignored", "pdeathsig", "itimer_ms", "cwd", "env", "timer"}) {
    if (report.count(key) == 0) {
      ADD_FAILURE() << "the probe's report has no '" << key << "':\n" << text;
      return {};
    }
  }
  return report;
}

std::uint64_t ProbeMask(const ProbeReport& report, const std::string& key) {
  return std::stoull(report.at(key), nullptr, 16);
}

long ProbeNumber(const ProbeReport& report, const std::string& key) {
  return std::stol(report.at(key));
}

std::set<int> ProbeFds(const ProbeReport& report, const std::string& key) {
  std::set<int> fds;
  std::istringstream list(report.at(key));
  std::string item;
  while (std::getline(list, item, ',')) {
    if (item != "-") {
      fds.insert(std::stoi(item));
    }
  }
  return fds;
}

ProbeReport CollectProbe(ScopedChild& child, UniqueFd out) {
  bool complete = false;
  const std::string text = ReadUntilEof(out.get(), &complete);
  const int status = WaitForExit(child);
  if (!complete || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    ADD_FAILURE() << "the probe (" << ProcessProbePath() << ") ended with "
                  << DescribeWaitStatus(status)
                  << " (126: the child's setup failed, 127: exec failed)";
    return {};
  }
  return ParseProbeReport(text);
}

}  // namespace procsig::test
