#include "expectations.h"

#include <fstream>
#include <map>
#include <regex>

namespace procsig::test {

namespace {

struct Loaded {
  std::string target;
  std::map<std::string, Expectation> rows;
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

// "intermittent (failed N of M runs): reason". The word alone starts the
// form, so a reason that merely begins with it is an error, not a plain row.
bool StartsIntermittent(const std::string& reason) {
  static const std::regex word(R"(^intermittent\b)");
  return std::regex_search(reason, word);
}

// Fills `row` from an intermittent reason, or returns what is wrong with it.
std::optional<std::string> ParseIntermittent(const std::string& reason, Expectation* row) {
  static const std::regex form(
      R"(^intermittent\s*\((failed\s+([0-9]{1,6})\s+of\s+([0-9]{1,6})\s+runs)\)\s*:\s*(\S.*)$)");
  std::smatch m;
  if (!std::regex_match(reason, m, form)) {
    return std::string(
        "has no measured rate (expected 'ID  intermittent (failed N of M runs): "
        "reason')");
  }
  const unsigned long failed = std::stoul(m[2].str());
  const unsigned long runs = std::stoul(m[3].str());
  if (failed == 0 || failed >= runs) {
    return "is intermittent with '" + m[1].str() +
           "': it must have failed in some runs and passed in others (0 < N < M)";
  }
  row->rate = m[1].str();
  row->reason = m[4].str();
  return std::nullopt;
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
    Expectation row{reason, ""};
    if (StartsIntermittent(reason)) {
      if (const auto error = ParseIntermittent(reason, &row)) {
        return std::string(where).append(": '").append(id).append("' ").append(*error);
      }
    }
    if (!loaded.rows.emplace(id, row).second) {
      return std::string(where).append(": '").append(id).append("' is listed twice");
    }
  }
  loaded.target = target;
  return std::nullopt;
}

const Expectation* FindExpectation(const std::string& id) {
  const auto& rows = State().rows;
  const auto it = rows.find(id);
  return it == rows.end() ? nullptr : &it->second;
}

const std::string& ExpectationsTarget() { return State().target; }

}  // namespace procsig::test
