#include "size.h"

#include <gtest/gtest.h>

namespace procsig::load {
namespace {

TEST(ParseSize, TakesPlainCountsAndBinarySuffixes) {
  EXPECT_EQ(parse_size("0"), 0U);
  EXPECT_EQ(parse_size("64"), 64U);
  EXPECT_EQ(parse_size("064"), 64U);
  EXPECT_EQ(parse_size("64KiB"), 65536U);
  EXPECT_EQ(parse_size("16MiB"), 16U << 20);
  EXPECT_EQ(parse_size("1GiB"), uint64_t{1} << 30);
  EXPECT_EQ(parse_size("1024GiB"), kMaxSize);
}

TEST(ParseSize, RejectsEverythingElse) {
  for (const char* bad :
       {"", "KiB", "-1", "+64", " 64", "64 ", "64 KiB", "64k", "64K", "64KB", "64kib", "64MB",
        "1TiB", "1.5MiB", "0x40", "1025GiB", "1099511627777", "99999999999999999999999"}) {
    EXPECT_FALSE(parse_size(bad).has_value()) << "'" << bad << "'";
  }
}

TEST(ParseCount, KeepsToItsRange) {
  EXPECT_EQ(parse_count("1", 1, 10), 1U);
  EXPECT_EQ(parse_count("10", 1, 10), 10U);
  for (const char* bad : {"0", "11", "", "-1", "1e1", "5 ", "99999999999999999999999"}) {
    EXPECT_FALSE(parse_count(bad, 1, 10).has_value()) << "'" << bad << "'";
  }
}

TEST(ParseSeconds, TakesPositiveDecimals) {
  EXPECT_EQ(parse_seconds("60", 100), 60.0);
  EXPECT_EQ(parse_seconds("2.5", 100), 2.5);
  EXPECT_EQ(parse_seconds(".5", 100), 0.5);
  EXPECT_EQ(parse_seconds("100", 100), 100.0);
  for (const char* bad : {"0", "0.0", "", ".", "5.", "-1", "+1", "1e3", "inf", "nan", "0x10", " 1",
                          "1 ", "100.5", "1,5"}) {
    EXPECT_FALSE(parse_seconds(bad, 100).has_value()) << "'" << bad << "'";
  }
}

}  // namespace
}  // namespace procsig::load
