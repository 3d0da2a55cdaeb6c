#include "pattern.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

namespace procsig::load {
namespace {

const Pattern& pattern() {
  static const Pattern p;
  return p;
}

TEST(Pattern, SlicesWrapAroundThePeriodWithoutSeams) {
  const Pattern& p = pattern();
  // The bytes past the period repeat its start, so a slice near the end
  // reads on as if the buffer were a ring.
  EXPECT_TRUE(
      std::equal(p.at(Pattern::kPeriod), p.at(Pattern::kPeriod) + Pattern::kMaxSlice, p.at(0)));
  const Stream stream(p, 7);
  const uint64_t before_wrap = Pattern::kPeriod - Pattern::start_of(7);
  EXPECT_EQ(stream.at(before_wrap)[0], p.at(0)[0]);
  EXPECT_EQ(stream.at(before_wrap - 1)[1], p.at(0)[0]);
}

TEST(Pattern, LooksRandomByteByByte) {
  // Every byte value occurs, none far more often than 1/256 of the time, and
  // a stream shifted by one byte agrees with itself only by chance: a lost
  // or duplicated byte is caught within a few bytes.
  const Pattern& p = pattern();
  std::vector<uint64_t> counts(256);
  uint64_t same_as_next = 0;
  for (uint64_t i = 0; i < Pattern::kPeriod; ++i) {
    ++counts[p.at(i)[0]];
    same_as_next += p.at(i)[0] == p.at(i)[1] ? 1 : 0;
  }
  const uint64_t expected = Pattern::kPeriod / 256;
  for (int value = 0; value < 256; ++value) {
    EXPECT_GT(counts[value], expected * 9 / 10) << value;
    EXPECT_LT(counts[value], expected * 11 / 10) << value;
  }
  EXPECT_LT(same_as_next, Pattern::kPeriod / 128);
}

TEST(Pattern, ConnectionsStartAtDistinctPlacesFarApart) {
  // 10,000 connections: no two start within 64 bytes of each other, so
  // a short echo delivered to the wrong connection cannot match.
  std::set<uint64_t> starts;
  for (uint64_t k = 0; k < 10000; ++k) {
    starts.insert(Pattern::start_of(k));
  }
  ASSERT_EQ(starts.size(), 10000U);
  uint64_t previous = *starts.rbegin();
  uint64_t closest = Pattern::kPeriod;
  for (const uint64_t start : starts) {
    closest = std::min(closest, (start + Pattern::kPeriod - previous) % Pattern::kPeriod);
    previous = start;
  }
  EXPECT_GT(closest, 64U);
}

TEST(Stream, FirstDifferenceNamesTheOffset) {
  const Stream stream(pattern(), 3);
  std::vector<unsigned char> got(stream.at(1000), stream.at(1000) + 4096);
  EXPECT_FALSE(stream.first_difference(1000, got.data(), got.size()).has_value());
  got[123] ^= 1;
  got[2000] ^= 1;
  EXPECT_EQ(stream.first_difference(1000, got.data(), got.size()), 1123U);
}

TEST(Stream, AnotherConnectionsBytesDiffer) {
  const Stream mine(pattern(), 1);
  const Stream other(pattern(), 2);
  EXPECT_TRUE(mine.first_difference(0, other.at(0), 64).has_value());
}

}  // namespace
}  // namespace procsig::load
