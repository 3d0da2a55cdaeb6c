#include "expectations.h"

#include <fstream>
#include <map>
#include <sstream>

namespace procsig::test {

namespace {

struct Loaded {
  std::string target;
  std::map<std::string, std::string> reasons;
};

Loaded& State() {
  static Loaded loaded;
  return loaded;
}

bool ValidTargetName(const std::string& target) {
  for (const char c : target) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) {
      return false;
    }
  }
  return !target.empty() && target[0] != '.';
}

std::string Trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) {
    return "";
  }
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

}  // namespace

std::optional<std::string> LoadExpectations(const std::string& directory,
                                            const std::string& target) {
  Loaded& loaded = State();
  loaded = Loaded{};
  if (target.empty()) {
    return std::nullopt;
  }
  if (!ValidTargetName(target)) {
    return "invalid PROCSIG_TARGET '" + target + "': use letters, digits, '-', '_' and '.'";
  }
  const std::string path = directory + "/" + target + ".txt";
  std::ifstream in(path);
  if (!in) {
    return "unknown PROCSIG_TARGET '" + target + "': no expectations file " + path;
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    line = Trim(line);
    if (line.empty() || line[0] == '#') {
      continue;
    }
    const auto gap = line.find_first_of(" \t");
    const std::string id = line.substr(0, gap);
    const std::string reason = gap == std::string::npos ? "" : Trim(line.substr(gap));
    const std::string where = path + ":" + std::to_string(number);
    if (reason.empty()) {
      return std::string(where).append(": '").append(id).append(
          "' has no reason (expected 'ID  reason')");
    }
    if (!loaded.reasons.emplace(id, reason).second) {
      return std::string(where).append(": '").append(id).append("' is listed twice");
    }
  }
  loaded.target = target;
  return std::nullopt;
}

const std::string* ExpectedFailureReason(const std::string& id) {
  const auto& reasons = State().reasons;
  const auto it = reasons.find(id);
  return it == reasons.end() ? nullptr : &it->second;
}

const std::string& ExpectationsTarget() { return State().target; }

}  // namespace procsig::test
