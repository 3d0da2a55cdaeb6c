#pragma once

#include <string>

namespace procsig {

// Exit statuses of docs/contract.md ("Exit statuses").
enum ExitStatus : int {
  kExitOk = 0,
  kExitRuntime = 1,
  kExitUsage = 2,
  kExitCannotListen = 3,
  kExitCannotConnect = 4,
  kExitUnknownHost = 5,
};

// The name every stderr message starts with; set once at the top of main.
void set_program_name(const char* name);
const char* program_name();

// Prints `<program>: <what>: <reason>` on stderr as one write.
void report(const std::string& what, const std::string& reason);
// As report(), with strerror(err) as the reason.
void report_errno(const std::string& what, int err);

// report() then exit(status); exit() flushes stdout, which is why children
// that must not flush their parent's buffers call fflush before fork.
[[noreturn]] void die(int status, const std::string& what, const std::string& reason);
[[noreturn]] void die_errno(int status, const std::string& what, int err);

}  // namespace procsig
