#include "args.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace procsig::load {
namespace {

std::variant<Options, std::string> parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv = {"echo_load"};
  argv.insert(argv.end(), args);
  return parse_args(static_cast<int>(argv.size()), argv.data());
}

Options parsed(std::initializer_list<const char*> args) {
  auto result = parse(args);
  if (const auto* error = std::get_if<std::string>(&result)) {
    ADD_FAILURE() << *error;
    return {};
  }
  return std::get<Options>(result);
}

std::string error_of(std::initializer_list<const char*> args) {
  auto result = parse(args);
  const auto* error = std::get_if<std::string>(&result);
  return error != nullptr ? *error : "(accepted)";
}

TEST(ParseArgs, RateWithDefaults) {
  const Options o = parsed({"rate", "--port", "8080", "--clients", "4", "--connections", "1000"});
  EXPECT_EQ(o.mode, Mode::kRate);
  EXPECT_EQ(o.port, 8080);
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.clients, 4U);
  EXPECT_EQ(o.connections, 1000U);
  EXPECT_EQ(o.bytes, 64U);
  EXPECT_EQ(o.deadline_seconds, 60.0);
  EXPECT_FALSE(o.hold);
}

TEST(ParseArgs, BulkDefaultsTo256MiB) {
  const Options o = parsed({"bulk", "--port=9000", "--host", "::1", "--deadline", "2.5"});
  EXPECT_EQ(o.mode, Mode::kBulk);
  EXPECT_EQ(o.bytes, uint64_t{256} << 20);
  EXPECT_EQ(o.endpoint.address.ss_family, AF_INET6);
  EXPECT_EQ(o.deadline_seconds, 2.5);
}

TEST(ParseArgs, BurstWithHoldAndSize) {
  const Options o =
      parsed({"burst", "--clients", "1000", "--bytes", "64KiB", "--hold", "--port", "1"});
  EXPECT_EQ(o.mode, Mode::kBurst);
  EXPECT_EQ(o.clients, 1000U);
  EXPECT_EQ(o.bytes, 65536U);
  EXPECT_TRUE(o.hold);
  EXPECT_EQ(o.window, 0U);
}

TEST(ParseArgs, BurstWindow) {
  EXPECT_EQ(parsed({"burst", "--clients", "1000", "--window", "4", "--port", "1"}).window, 4U);
  EXPECT_EQ(error_of({"burst", "--clients", "2", "--window", "0", "--port", "1"}),
            "echo_load: invalid --window '0': must be a decimal integer from 1 to 1000000");
  EXPECT_EQ(
      error_of({"rate", "--port", "1", "--clients", "2", "--connections", "2", "--window", "2"}),
      "echo_load: --window is not an option of rate");
}

TEST(ParseArgs, NoModeOrAnUnknownOneGivesTheUsage) {
  EXPECT_EQ(error_of({}).rfind("Usage : echo_load rate|bulk|burst --port P", 0), 0U);
  EXPECT_EQ(error_of({"flood", "--port", "1"}).rfind("echo_load: unknown mode 'flood'", 0), 0U);
}

TEST(ParseArgs, NamesTheBadOption) {
  EXPECT_EQ(error_of({"bulk"}).rfind("echo_load: --port is missing", 0), 0U);
  EXPECT_EQ(error_of({"bulk", "--port", "0"}),
            "echo_load: invalid --port '0': must be a decimal integer from 1 to 65535");
  EXPECT_EQ(error_of({"bulk", "--port", "1", "--host", "localhost"}),
            "echo_load: invalid --host 'localhost': must be an IPv4 or IPv6 literal");
  EXPECT_EQ(error_of({"bulk", "--port", "1", "--bytes", "1MB"})
                .rfind("echo_load: invalid --bytes '1MB': ", 0),
            0U);
  EXPECT_EQ(error_of({"bulk", "--port", "1", "--deadline", "0"})
                .rfind("echo_load: invalid --deadline '0': ", 0),
            0U);
  EXPECT_EQ(error_of({"rate", "--port", "1", "--clients", "1025", "--connections", "1"}),
            "echo_load: invalid --clients '1025': must be a decimal integer from 1 to 1024");
  EXPECT_EQ(error_of({"rate", "--port", "1", "--clients", "1", "--connections", "0"})
                .rfind("echo_load: invalid --connections '0': ", 0),
            0U);
  EXPECT_EQ(error_of({"bulk", "--port"}), "echo_load: --port needs a value");
  EXPECT_EQ(error_of({"bulk", "--port", "1", "--verbose"})
                .rfind("echo_load: unknown option '--verbose'", 0),
            0U);
}

TEST(ParseArgs, RefusesOptionsOfAnotherMode) {
  EXPECT_EQ(error_of({"bulk", "--port", "1", "--clients", "2"}),
            "echo_load: --clients is not an option of bulk");
  EXPECT_EQ(error_of({"rate", "--port", "1", "--clients", "2", "--connections", "2", "--hold"}),
            "echo_load: --hold is not an option of rate");
  EXPECT_EQ(error_of({"burst", "--port", "1", "--clients", "2", "--connections", "2"}),
            "echo_load: --connections is not an option of burst");
  EXPECT_EQ(error_of({"burst", "--port", "1"}), "echo_load: burst needs --clients");
  EXPECT_EQ(error_of({"rate", "--port", "1", "--clients", "2"}),
            "echo_load: rate needs --connections");
  EXPECT_EQ(error_of({"burst", "--port", "1", "--clients", "2", "--hold=yes"}),
            "echo_load: --hold takes no value");
}

TEST(ParseArgs, EveryErrorIsOneLine) {
  for (const auto& error :
       {error_of({}), error_of({"x"}), error_of({"bulk", "--port", "1", "-v"})}) {
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace procsig::load
