#include "args.h"

#include <map>
#include <optional>
#include <string_view>

#include "size.h"

namespace procsig::load {
namespace {

using Values = std::map<std::string, std::string, std::less<>>;

constexpr std::string_view kValueOptions[] = {"--port",        "--host",  "--deadline", "--clients",
                                              "--connections", "--bytes", "--window"};

bool takes_value(std::string_view name) {
  for (const auto option : kValueOptions) {
    if (option == name) {
      return true;
    }
  }
  return false;
}

std::optional<Mode> parse_mode(std::string_view text) {
  if (text == "rate") {
    return Mode::kRate;
  }
  if (text == "bulk") {
    return Mode::kBulk;
  }
  if (text == "burst") {
    return Mode::kBurst;
  }
  return std::nullopt;
}

// Which options other than --port, --host and --deadline each mode takes.
bool belongs_to(std::string_view name, Mode mode) {
  if (name == "--port" || name == "--host" || name == "--deadline" || name == "--bytes") {
    return true;
  }
  switch (mode) {
    case Mode::kRate:
      return name == "--clients" || name == "--connections";
    case Mode::kBurst:
      return name == "--clients" || name == "--hold" || name == "--window";
    case Mode::kBulk:
      return false;
  }
  return false;
}

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::kRate:
      return "rate";
    case Mode::kBulk:
      return "bulk";
    case Mode::kBurst:
      return "burst";
  }
  return "?";
}

std::string invalid(std::string_view name, std::string_view value, std::string_view rule) {
  return "echo_load: invalid " + std::string(name) + " '" + std::string(value) +
         "': " + std::string(rule);
}

// Reads "--name value", "--name=value" and "--hold" into `values`.
std::optional<std::string> collect(int argc, const char* const* argv, Mode mode, Values& values) {
  for (int i = 2; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view name = arg;
    std::optional<std::string_view> value;
    if (const auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    if (!takes_value(name) && name != "--hold") {
      return "echo_load: unknown option '" + std::string(arg) + "'; " + kUsage;
    }
    if (!belongs_to(name, mode)) {
      return "echo_load: " + std::string(name) + " is not an option of " + mode_name(mode);
    }
    if (name == "--hold") {
      if (value) {
        return "echo_load: --hold takes no value";
      }
      values["--hold"] = "";
      continue;
    }
    if (!value) {
      if (i + 1 >= argc) {
        return "echo_load: " + std::string(name) + " needs a value";
      }
      value = argv[++i];
    }
    values[std::string(name)] = std::string(*value);
  }
  return std::nullopt;
}

}  // namespace

std::variant<Options, std::string> parse_args(int argc, const char* const* argv) {
  if (argc < 2) {
    return std::string(kUsage);
  }
  const auto mode = parse_mode(argv[1]);
  if (!mode) {
    return "echo_load: unknown mode '" + std::string(argv[1]) + "' (rate, bulk or burst); " +
           kUsage;
  }
  Values values;
  if (auto error = collect(argc, argv, *mode, values)) {
    return *error;
  }

  Options options;
  options.mode = *mode;
  options.hold = values.count("--hold") != 0;
  options.bytes = *mode == Mode::kBulk ? uint64_t{256} << 20 : 64;

  const auto port = values.find("--port");
  if (port == values.end()) {
    return std::string("echo_load: --port is missing; ") + kUsage;
  }
  if (const auto n = parse_count(port->second, 1, 65535)) {
    options.port = static_cast<uint16_t>(*n);
  } else {
    return invalid("--port", port->second, "must be a decimal integer from 1 to 65535");
  }
  if (const auto host = values.find("--host"); host != values.end()) {
    options.host = host->second;
  }
  if (const auto endpoint = parse_endpoint(options.host, options.port)) {
    options.endpoint = *endpoint;
  } else {
    return invalid("--host", options.host, "must be an IPv4 or IPv6 literal");
  }
  if (const auto deadline = values.find("--deadline"); deadline != values.end()) {
    const auto seconds = parse_seconds(deadline->second, kMaxDeadlineSeconds);
    if (!seconds) {
      return invalid("--deadline", deadline->second,
                     "must be a positive decimal number of seconds, at most 86400");
    }
    options.deadline_seconds = *seconds;
  }
  if (const auto bytes = values.find("--bytes"); bytes != values.end()) {
    const auto size = parse_size(bytes->second);
    if (!size) {
      return invalid("--bytes", bytes->second,
                     "must be a byte count such as 64, 64KiB, 16MiB or 1GiB, at most 1 TiB");
    }
    options.bytes = *size;
  }

  if (*mode != Mode::kBulk) {
    const auto clients = values.find("--clients");
    if (clients == values.end()) {
      return std::string("echo_load: ") + mode_name(*mode) + " needs --clients";
    }
    const uint64_t max = *mode == Mode::kRate ? kMaxRateClients : kMaxBurstClients;
    const auto n = parse_count(clients->second, 1, max);
    if (!n) {
      return invalid("--clients", clients->second,
                     "must be a decimal integer from 1 to " + std::to_string(max));
    }
    options.clients = *n;
  }
  if (const auto window = values.find("--window"); window != values.end()) {
    const auto n = parse_count(window->second, 1, kMaxBurstClients);
    if (!n) {
      return invalid("--window", window->second,
                     "must be a decimal integer from 1 to " + std::to_string(kMaxBurstClients));
    }
    options.window = *n;
  }
  if (*mode == Mode::kRate) {
    const auto connections = values.find("--connections");
    if (connections == values.end()) {
      return std::string("echo_load: rate needs --connections");
    }
    const auto n = parse_count(connections->second, 1, kMaxConnections);
    if (!n) {
      return invalid("--connections", connections->second,
                     "must be a decimal integer from 1 to " + std::to_string(kMaxConnections));
    }
    options.connections = *n;
  }
  return options;
}

}  // namespace procsig::load
