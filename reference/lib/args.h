#pragma once

#include <cstdint>
#include <optional>

namespace procsig {

// A port is a decimal integer from 1 to 65535: digits only, no sign, no
// blanks (leading zeros are allowed: "080" is 80).
std::optional<uint16_t> parse_port(const char* text);

// parse_port(), or `<program>: invalid port '<text>': ...` and status 2.
uint16_t port_or_die(const char* text);

// A count is a decimal integer within [min, max]: digits only, as a port.
std::optional<long> parse_count(const char* text, long min, long max);

// A positive decimal number no greater than `max`: digits with an optional
// fraction, no sign, no exponent ("0.5", "2", "2.").
std::optional<double> parse_positive_decimal(const char* text, double max);

// Prints `Usage : <program> <synopsis>` on stderr and exits with status 2.
[[noreturn]] void die_usage(const char* synopsis);

// Exits as die_usage() unless
// the operand count (argc - 1) is within [min_operands, max_operands].
void check_operand_count(int argc, int min_operands, int max_operands, const char* synopsis);

}  // namespace procsig
