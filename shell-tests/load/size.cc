#include "size.h"

#include <array>
#include <charconv>
#include <cstdlib>
#include <string>
#include <utility>

namespace procsig::load {
namespace {

bool all_digits(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

std::optional<uint64_t> parse_digits(std::string_view text) {
  if (!all_digits(text)) {
    return std::nullopt;
  }
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;  // out of range
  }
  return value;
}

}  // namespace

std::optional<uint64_t> parse_size(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, int>, 3> kSuffixes = {{
      {"KiB", 10},
      {"MiB", 20},
      {"GiB", 30},
  }};
  int shift = 0;
  for (const auto& [suffix, bits] : kSuffixes) {
    if (text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix) {
      text.remove_suffix(suffix.size());
      shift = bits;
      break;
    }
  }
  const auto count = parse_digits(text);
  if (!count || *count > (kMaxSize >> shift)) {
    return std::nullopt;
  }
  return *count << shift;
}

std::optional<uint64_t> parse_count(std::string_view text, uint64_t min, uint64_t max) {
  const auto value = parse_digits(text);
  if (!value || *value < min || *value > max) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> parse_seconds(std::string_view text, double max) {
  // digits, or digits '.' digits, or '.' digits: strtod alone would also
  // take blanks, signs, exponents, hexadecimal, "inf" and "nan".
  const auto dot = text.find('.');
  const auto whole = text.substr(0, dot);
  const auto fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  const bool well_formed = dot == std::string_view::npos
                               ? all_digits(whole)
                               : (whole.empty() || all_digits(whole)) && all_digits(fraction);
  if (!well_formed) {
    return std::nullopt;
  }
  const std::string copy(text);
  const double value = std::strtod(copy.c_str(), nullptr);
  if (!(value > 0) || value > max) {
    return std::nullopt;
  }
  return value;
}

}  // namespace procsig::load
