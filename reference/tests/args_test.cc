#include "args.h"

#include <gtest/gtest.h>

#include "errors.h"

namespace procsig {
namespace {

TEST(ParsePort, AcceptsDecimalIntegersFrom1To65535) {
  EXPECT_EQ(parse_port("1"), 1);
  EXPECT_EQ(parse_port("8080"), 8080);
  EXPECT_EQ(parse_port("65535"), 65535);
  EXPECT_EQ(parse_port("080"), 80);
}

TEST(ParsePort, RejectsEverythingElse) {
  for (const char* bad : {"", "0", "00", "65536", "70000", "-1", "+80", " 80", "80 ", "80x", "0x50",
                          "8.0", "99999999999999999999999", "eighty"}) {
    EXPECT_FALSE(parse_port(bad).has_value()) << "'" << bad << "'";
  }
  EXPECT_FALSE(parse_port(nullptr).has_value());
}

TEST(PortOrDieDeathTest, NamesTheProgramAndTheArgument) {
  EXPECT_EXIT(
      {
        set_program_name("echo_mpserv");
        port_or_die("http");
      },
      ::testing::ExitedWithCode(2),
      "^echo_mpserv: invalid port 'http': must be a decimal integer from 1 to 65535\n$");
}

TEST(ParseCount, AcceptsDecimalIntegersInRange) {
  EXPECT_EQ(parse_count("1", 1, 1000000), 1);
  EXPECT_EQ(parse_count("1024", 1, 1000000), 1024);
  EXPECT_EQ(parse_count("1000000", 1, 1000000), 1000000);
  EXPECT_EQ(parse_count("007", 1, 10), 7);
}

TEST(ParseCount, RejectsEverythingElse) {
  for (const char* bad : {"", "0", "1000001", "-1", "+5", " 5", "5 ", "5x", "0x5", "1.5", "1e3",
                          "99999999999999999999999999"}) {
    EXPECT_FALSE(parse_count(bad, 1, 1000000).has_value()) << "'" << bad << "'";
  }
  EXPECT_FALSE(parse_count(nullptr, 1, 10).has_value());
}

TEST(ParsePositiveDecimal, AcceptsPlainDecimals) {
  EXPECT_EQ(parse_positive_decimal("0.5", 10), 0.5);
  EXPECT_EQ(parse_positive_decimal("2", 10), 2.0);
  EXPECT_EQ(parse_positive_decimal("2.", 10), 2.0);
  EXPECT_EQ(parse_positive_decimal(".25", 10), 0.25);
  EXPECT_EQ(parse_positive_decimal("10", 10), 10.0);
}

TEST(ParsePositiveDecimal, RejectsEverythingElse) {
  for (const char* bad :
       {"", ".", "0", "0.0", "10.5", "-1", "+1", "1e1", "inf", "nan", "0x1", "1..2", " 1", "1 "}) {
    EXPECT_FALSE(parse_positive_decimal(bad, 10).has_value()) << "'" << bad << "'";
  }
  EXPECT_FALSE(parse_positive_decimal(nullptr, 10).has_value());
}

TEST(CheckOperandCount, ReturnsWhenTheCountFits) {
  check_operand_count(2, 1, 2, "<port> [<address>]");
  check_operand_count(3, 1, 2, "<port> [<address>]");
  SUCCEED();
}

TEST(CheckOperandCountDeathTest, PrintsTheUsageLineWithStatus2) {
  EXPECT_EXIT(
      {
        set_program_name("echo_client");
        check_operand_count(2, 2, 2, "<host> <port>");
      },
      ::testing::ExitedWithCode(2), "^Usage : echo_client <host> <port>\n$");
  EXPECT_EXIT(
      {
        set_program_name("fork");
        check_operand_count(2, 0, 0, "");
      },
      ::testing::ExitedWithCode(2), "^Usage : fork\n$");
}

TEST(ReportDeathTest, FormatsProgramWhatAndReason) {
  EXPECT_EXIT(
      {
        set_program_name("echo_mpserv");
        die_errno(kExitCannotListen, "cannot listen on 127.0.0.1:8080", EADDRINUSE);
      },
      ::testing::ExitedWithCode(3),
      "^echo_mpserv: cannot listen on 127.0.0.1:8080: Address already in use\n$");
}

}  // namespace
}  // namespace procsig
