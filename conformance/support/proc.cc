#include "proc.h"

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace procsig::test {

void PollPause() {
  struct timespec ts {
    0, 2L * 1000 * 1000
  };
  ::nanosleep(&ts, nullptr);
}

namespace {

std::string ProcPath(pid_t pid, const char* leaf) {
  return "/proc/" + std::to_string(pid) + "/" + leaf;
}

std::uint64_t ParseHexMask(const std::string& text) {
  return std::strtoull(text.c_str(), nullptr, 16);
}

}  // namespace

std::optional<ProcStat> ReadProcStat(pid_t pid) {
  std::ifstream in(ProcPath(pid, "stat"));
  std::string line;
  if (!std::getline(in, line)) {
    return std::nullopt;
  }
  // The command name is in parentheses and may itself hold spaces or ')',
  // so the fields start after the LAST ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) {
    return std::nullopt;
  }
  std::istringstream rest(line.substr(close + 1));
  ProcStat stat;
  long ppid = 0;
  long pgrp = 0;
  if (!(rest >> stat.state >> ppid >> pgrp)) {
    return std::nullopt;
  }
  stat.ppid = static_cast<pid_t>(ppid);
  stat.pgrp = static_cast<pid_t>(pgrp);
  return stat;
}

std::optional<ProcSignals> ReadProcStatus(pid_t pid) {
  std::ifstream in(ProcPath(pid, "status"));
  if (!in) {
    return std::nullopt;
  }
  ProcSignals sigs;
  int found = 0;
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) {
      continue;
    }
    const std::string key = line.substr(0, colon);
    const std::string value = line.substr(colon + 1);
    std::uint64_t* field = nullptr;
    if (key == "SigPnd") {
      field = &sigs.pending;
    } else if (key == "ShdPnd") {
      field = &sigs.shared_pending;
    } else if (key == "SigBlk") {
      field = &sigs.blocked;
    } else if (key == "SigIgn") {
      field = &sigs.ignored;
    } else if (key == "SigCgt") {
      field = &sigs.caught;
    }
    if (field != nullptr) {
      *field = ParseHexMask(value);
      ++found;
    }
  }
  if (found != 5) {
    return std::nullopt;
  }
  return sigs;
}

bool WaitForProcState(pid_t pid, char state, Deadline deadline) {
  for (;;) {
    const auto stat = ReadProcStat(pid);
    if (!stat) {
      return false;
    }
    if (stat->state == state) {
      return true;
    }
    if (Clock::now() >= deadline) {
      return false;
    }
    PollPause();
  }
}

bool WaitForProcGone(pid_t pid, Deadline deadline) {
  while (ProcExists(pid)) {
    if (Clock::now() >= deadline) {
      return false;
    }
    PollPause();
  }
  return true;
}

bool HasProcStat() { return ReadProcStat(KernelPid()).has_value(); }

bool ProcExists(pid_t pid) {
  struct stat st {};
  return ::stat(("/proc/" + std::to_string(pid)).c_str(), &st) == 0;
}

std::set<pid_t> ProcChildren(pid_t pid) {
  std::set<pid_t> children;
  const std::string task_dir = ProcPath(pid, "task");
  DIR* dir = ::opendir(task_dir.c_str());
  if (dir == nullptr) {
    return children;
  }
  while (const struct dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') {
      continue;
    }
    std::ifstream in(task_dir + "/" + entry->d_name + "/children");
    long child = 0;
    while (in >> child) {
      children.insert(static_cast<pid_t>(child));
    }
  }
  ::closedir(dir);
  return children;
}

std::set<int> OpenDescriptors() {
  std::set<int> fds;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) {
    return fds;
  }
  const int own = ::dirfd(dir);
  while (const struct dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') {
      continue;
    }
    const int fd = std::atoi(entry->d_name);
    if (fd != own) {
      fds.insert(fd);
    }
  }
  ::closedir(dir);
  return fds;
}

}  // namespace procsig::test
