#include "helper_path.h"

#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <utility>

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

namespace {

// The first executable `program` in PATH, or program itself when it holds a
// '/' or is not found (execv then fails and the test says so).
std::string InPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (program.find('/') != std::string::npos || path == nullptr) {
    return program;
  }
  std::istringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return program;
}

}  // namespace

std::vector<std::string> ExecWrapper() {
  std::vector<std::string> words;
  if (const char* wrapper = std::getenv("PROCSIG_EXEC_WRAPPER")) {
    std::istringstream in(wrapper);
    std::string word;
    while (in >> word) {
      words.push_back(words.empty() ? InPath(word) : word);
    }
  }
  return words;
}

HelperExec::HelperExec(std::string path, std::vector<std::string> args, std::string argv0)
    : path_(std::move(path)), words_(ExecWrapper()) {
  const bool wrapped = !words_.empty();
  program_ = wrapped ? words_.front() : path_;
  words_.push_back(wrapped || argv0.empty() ? path_ : argv0);
  for (auto& arg : args) {
    words_.push_back(std::move(arg));
  }
  for (auto& word : words_) {
    argv_.push_back(word.data());
  }
  argv_.push_back(nullptr);
}

void HelperExec::Exec() const { ::execv(program_.c_str(), argv_.data()); }

}  // namespace procsig::test
