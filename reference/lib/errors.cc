#include "errors.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "io.h"

namespace procsig {
namespace {
const char* g_program_name = "procsig";
}  // namespace

void set_program_name(const char* name) { g_program_name = name; }

const char* program_name() { return g_program_name; }

void report(const std::string& what, const std::string& reason) {
  std::string line = g_program_name;
  line += ": ";
  line += what;
  line += ": ";
  line += reason;
  line += '\n';
  // One write(2) so the line stays whole when several processes share stderr.
  (void)std::fflush(stderr);
  (void)write_all(STDERR_FILENO, line.data(), line.size());
}

void report_errno(const std::string& what, int err) { report(what, std::strerror(err)); }

void die(int status, const std::string& what, const std::string& reason) {
  report(what, reason);
  std::exit(status);
}

void die_errno(int status, const std::string& what, int err) {
  die(status, what, std::strerror(err));
}

}  // namespace procsig
