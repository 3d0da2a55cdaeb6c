#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace procsig::load {

// The bytes every connection sends, computed once. One pseudo-random
// period whose length is a prime a little over 1 MiB; connection k's
// stream is that period read cyclically from its own start. Sending and
// checking are then plain copies and comparisons of slices of one buffer,
// not bytes generated per call, so the generator keeps up with a server
// echoing hundreds of MiB/s.
class Pattern {
 public:
  static constexpr uint64_t kPeriod = 1048583;
  // The longest slice at() hands out: the buffer holds this much past one
  // period again, so that a slice never wraps.
  static constexpr uint64_t kMaxSlice = uint64_t{1} << 20;

  Pattern();

  // Where connection k's stream starts in the period: k steps of a fixed
  // stride. As the period is prime the first kPeriod connections all start
  // at different places, and the first 10,000 more than 64 bytes apart,
  // so that bytes delivered to the wrong connection differ from the ones
  // it expects.
  static uint64_t start_of(uint64_t connection);

  // The bytes from `position` (less than kPeriod) on, kMaxSlice of them.
  const unsigned char* at(uint64_t position) const { return bytes_.data() + position; }

 private:
  std::vector<unsigned char> bytes_;
};

// One connection's stream: byte i is the pattern's byte (start + i) mod
// kPeriod.
class Stream {
 public:
  Stream(const Pattern& pattern, uint64_t connection)
      : pattern_(&pattern), start_(Pattern::start_of(connection)) {}

  // The stream's bytes from `offset` on, Pattern::kMaxSlice of them.
  const unsigned char* at(uint64_t offset) const {
    return pattern_->at((start_ + offset) % Pattern::kPeriod);
  }

  // The offset of the first of `length` bytes (at most kMaxSlice) in
  // `got` that differs from the stream's bytes from `offset` on.
  std::optional<uint64_t> first_difference(uint64_t offset, const unsigned char* got,
                                           size_t length) const;

 private:
  const Pattern* pattern_;
  uint64_t start_;
};

}  // namespace procsig::load
