#include "args.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "errors.h"
#include "io.h"

namespace procsig {

std::optional<uint16_t> parse_port(const char* text) {
  if (text == nullptr || *text == '\0') {
    return std::nullopt;
  }
  unsigned long value = 0;
  for (const char* p = text; *p != '\0'; ++p) {
    if (*p < '0' || *p > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<unsigned long>(*p - '0');
    if (value > 65535) {
      return std::nullopt;  // stop before a long digit string can overflow
    }
  }
  if (value == 0) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(value);
}

std::optional<long> parse_count(const char* text, long min, long max) {
  if (text == nullptr || *text == '\0') {
    return std::nullopt;
  }
  long value = 0;
  for (const char* p = text; *p != '\0'; ++p) {
    if (*p < '0' || *p > '9') {
      return std::nullopt;
    }
    value = value * 10 + (*p - '0');
    if (value > max) {
      return std::nullopt;  // stop before a long digit string can overflow
    }
  }
  if (value < min) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> parse_positive_decimal(const char* text, double max) {
  if (text == nullptr) {
    return std::nullopt;
  }
  bool seen_digit = false;
  bool seen_point = false;
  for (const char* p = text; *p != '\0'; ++p) {
    if (*p >= '0' && *p <= '9') {
      seen_digit = true;
    } else if (*p == '.' && !seen_point) {
      seen_point = true;
    } else {
      return std::nullopt;
    }
  }
  if (!seen_digit) {
    return std::nullopt;
  }
  // The text is plain decimal now, so strtod cannot meet "inf", hex or a sign.
  const double value = std::strtod(text, nullptr);
  if (!(value > 0.0) || value > max) {
    return std::nullopt;
  }
  return value;
}

uint16_t port_or_die(const char* text) {
  const std::optional<uint16_t> port = parse_port(text);
  if (!port) {
    die(kExitUsage, std::string("invalid port '") + text + "'",
        "must be a decimal integer from 1 to 65535");
  }
  return *port;
}

void check_operand_count(int argc, int min_operands, int max_operands, const char* synopsis) {
  const int operands = argc - 1;
  if (operands < min_operands || operands > max_operands) {
    die_usage(synopsis);
  }
}

void die_usage(const char* synopsis) {
  std::string line = std::string("Usage : ") + program_name();
  if (*synopsis != '\0') {
    line += ' ';
    line += synopsis;
  }
  line += '\n';
  (void)write_all(STDERR_FILENO, line.data(), line.size());
  std::exit(kExitUsage);
}

}  // namespace procsig
