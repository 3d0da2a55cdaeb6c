#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace procsig::load {

// The largest byte count accepted (1 TiB): far above any run, far below
// an overflow of the counters.
inline constexpr uint64_t kMaxSize = uint64_t{1} << 40;

// A byte count: decimal digits, optionally followed by KiB, MiB or GiB
// (powers of 1024): "64", "64KiB", "16MiB", "1GiB". At most kMaxSize.
std::optional<uint64_t> parse_size(std::string_view text);

// A decimal integer from `min` to `max`: digits only, no sign, no blanks.
std::optional<uint64_t> parse_count(std::string_view text, uint64_t min, uint64_t max);

// A positive decimal number of seconds ("60", "2.5", ".5"), at most `max`.
std::optional<double> parse_seconds(std::string_view text, double max);

}  // namespace procsig::load
