// fork_limit: the fastest a process can fork on this machine, the bound on
// any fork-per-connection server's connection rate. It forks N times; each
// child calls _exit(0) at once, and the parent keeps at most K children
// alive: with K = 1 (the default) it reaps each with waitpid before the next
// fork, with K > 1 it forks on while earlier children exit on other cores
// and reaps whichever has ended, as a server serving K clients at a time
// does. Then it prints one JSON line:
//   {"mode":"fork-limit","forks":N,"alive":K,"linked":"static","seconds":S,"per_second":R}
// ("linked" is "dynamic" where the build could not link it statically).
// Usage: fork_limit [N [K]]   (N: 1 to 10000000, default 20000; K: 1 to 1000, default 1)
// Exit status: 0 measured, 1 a fork or wait failed (one stderr line), 2 bad usage.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

constexpr long kDefaultForks = 20000;
constexpr long kMaxForks = 10000000;
constexpr long kMaxAlive = 1000;
#ifdef PROCSIG_STATIC_LINK
constexpr const char* kLinked = "static";
#else
constexpr const char* kLinked = "dynamic";
#endif

long parse_count(const char* arg, long max) {
  char* end = nullptr;
  errno = 0;
  const long n = std::strtol(arg, &end, 10);
  if (errno != 0 || end == arg || *end != '\0' || n < 1 || n > max) {
    return -1;
  }
  return n;
}

// Reaps one child, waiting for it if none has ended yet.
bool reap_one() {
  int status = 0;
  while (waitpid(-1, &status, 0) < 0) {
    if (errno != EINTR) {
      (void)std::fprintf(stderr, "fork_limit: waitpid: %s\n", std::strerror(errno));
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  long forks = kDefaultForks;
  long max_alive = 1;
  if (argc > 3 || (argc >= 2 && (forks = parse_count(argv[1], kMaxForks)) < 0) ||
      (argc == 3 && (max_alive = parse_count(argv[2], kMaxAlive)) < 0)) {
    (void)std::fprintf(stderr,
                       "Usage : fork_limit [N [K]]  (N forks, 1 to %ld, default %ld; "
                       "K children alive at most, 1 to %ld, default 1)\n",
                       kMaxForks, kDefaultForks, kMaxAlive);
    return 2;
  }
  long alive = 0;
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < forks; ++i) {
    if (alive == max_alive) {
      if (!reap_one()) {
        return 1;
      }
      --alive;
    }
    const pid_t pid = fork();
    if (pid < 0) {
      (void)std::fprintf(stderr, "fork_limit: fork %ld: %s\n", i + 1, std::strerror(errno));
      return 1;
    }
    if (pid == 0) {
      _exit(0);
    }
    ++alive;
  }
  for (; alive > 0; --alive) {
    if (!reap_one()) {
      return 1;
    }
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  const double seconds = elapsed.count();
  if (std::printf(
          "{\"mode\":\"fork-limit\",\"forks\":%ld,\"alive\":%ld,\"linked\":\"%s\",\"seconds\":%.6f,"
          "\"per_second\":%.1f}\n",
          forks, max_alive, kLinked, seconds, static_cast<double>(forks) / seconds) < 0 ||
      std::fflush(stdout) != 0) {
    (void)std::fprintf(stderr, "fork_limit: writing the result: %s\n", std::strerror(errno));
    return 1;
  }
  return 0;
}
