#include "expectations.h"

#include <cctype>
#include <cstring>
#include <fstream>
#include <map>

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

// A cursor over a row's reason. Hand-written rather than std::regex, whose
// libstdc++ code GCC 12 warns about (maybe-uninitialized) in the sanitizer
// build, where warnings are errors.
class Cursor {
 public:
  explicit Cursor(const std::string& text) : text_(text) {}

  bool Word(const char* word) {
    const size_t n = std::strlen(word);
    if (text_.compare(pos_, n, word) != 0) {
      return false;
    }
    pos_ += n;
    return true;
  }
  // Skips blanks; false if fewer than `least` were there.
  bool Blanks(size_t least = 0) {
    const size_t from = pos_;
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])) != 0) {
      ++pos_;
    }
    return pos_ - from >= least;
  }
  // One to six decimal digits.
  bool Number(unsigned long* value) {
    const size_t from = pos_;
    while (pos_ < text_.size() && pos_ - from < 6 &&
           std::isdigit(static_cast<unsigned char>(text_[pos_])) != 0) {
      ++pos_;
    }
    if (pos_ == from) {
      return false;
    }
    *value = std::stoul(text_.substr(from, pos_ - from));
    return true;
  }
  bool AtEnd() const { return pos_ >= text_.size(); }
  size_t pos() const { return pos_; }

 private:
  const std::string& text_;
  size_t pos_ = 0;
};

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// "intermittent (failed N of M runs): reason". The word alone starts the
// form, so a reason that merely begins with it is an error, not a plain row
// ("intermittently ..." is plain).
bool StartsIntermittent(const std::string& reason) {
  Cursor at(reason);
  return at.Word("intermittent") && (at.AtEnd() || !IsWordChar(reason[at.pos()]));
}

// Fills `row` from an intermittent reason, or returns what is wrong with it.
std::optional<std::string> ParseIntermittent(const std::string& reason, Expectation* row) {
  Cursor at(reason);
  unsigned long failed = 0;
  unsigned long runs = 0;
  (void)at.Word("intermittent");  // StartsIntermittent() has seen it
  at.Blanks();
  const bool open = at.Word("(");
  const size_t rate_from = at.pos();
  bool ok = open && at.Word("failed") && at.Blanks(1) && at.Number(&failed) && at.Blanks(1) &&
            at.Word("of") && at.Blanks(1) && at.Number(&runs) && at.Blanks(1) && at.Word("runs");
  const size_t rate_to = at.pos();
  ok = ok && at.Word(")");
  at.Blanks();
  ok = ok && at.Word(":");
  at.Blanks();
  if (!ok || at.AtEnd()) {
    return std::string(
        "has no measured rate (expected 'ID  intermittent (failed N of M runs): "
        "reason')");
  }
  const std::string written = reason.substr(rate_from, rate_to - rate_from);
  if (failed == 0 || failed >= runs) {
    return "is intermittent with '" + written +
           "': it must have failed in some runs and passed in others (0 < N < M)";
  }
  row->rate = written;
  row->reason = reason.substr(at.pos());
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
