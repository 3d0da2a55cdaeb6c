#include "pattern.h"

#include <algorithm>
#include <cstring>

namespace procsig::load {
namespace {

constexpr bool is_prime(uint64_t n) {
  if (n < 2) {
    return false;
  }
  for (uint64_t d = 2; d * d <= n; ++d) {
    if (n % d == 0) {
      return false;
    }
  }
  return true;
}
static_assert(is_prime(Pattern::kPeriod), "distinct starts need a prime period");
static_assert(Pattern::kPeriod > Pattern::kMaxSlice);

// Near the golden section of the period (648,060), picked by a search
// for the stride whose first 10,000 multiples lie farthest apart: no two
// of them closer than 104 bytes (the even spacing would be 104.9).
constexpr uint64_t kStride = 647955;
static_assert(kStride > 0 && kStride < Pattern::kPeriod);

// SplitMix64 (Steele, Lea and Flood): a fast generator whose output has no
// short-range structure, so that a shifted stream differs from itself.
uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15U);
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9U;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBU;
  return z ^ (z >> 31U);
}

}  // namespace

Pattern::Pattern() : bytes_(kPeriod + kMaxSlice) {
  uint64_t state = 0x70726F6373696725U;  // any fixed seed: runs are reproducible
  for (size_t i = 0; i < kPeriod; i += sizeof(uint64_t)) {
    const uint64_t word = splitmix64(state);
    std::memcpy(bytes_.data() + i, &word, std::min<size_t>(sizeof word, kPeriod - i));
  }
  std::copy_n(bytes_.begin(), kMaxSlice, bytes_.begin() + kPeriod);
}

uint64_t Pattern::start_of(uint64_t connection) {
  return (connection % kPeriod) * kStride % kPeriod;  // both factors < 2^21: no overflow
}

std::optional<uint64_t> Stream::first_difference(uint64_t offset, const unsigned char* got,
                                                 size_t length) const {
  const unsigned char* want = at(offset);
  if (std::memcmp(want, got, length) == 0) {
    return std::nullopt;
  }
  const unsigned char* differs = std::mismatch(want, want + length, got).first;
  return offset + static_cast<uint64_t>(differs - want);
}

}  // namespace procsig::load
