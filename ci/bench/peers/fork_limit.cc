// fork_limit: the fastest a process can fork on this machine, the bound on
// any fork-per-connection server's connection rate. It forks N times, each
// child calls _exit(0) at once and the parent reaps it with waitpid before
// the next fork, then prints one JSON line:
//   {"mode":"fork-limit","forks":N,"seconds":S,"per_second":R}
// Usage: fork_limit [N]   (default 20000; 1 to 10000000)
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

long parse_count(const char* arg) {
  char* end = nullptr;
  errno = 0;
  const long n = std::strtol(arg, &end, 10);
  if (errno != 0 || end == arg || *end != '\0' || n < 1 || n > kMaxForks) {
    return -1;
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  long forks = kDefaultForks;
  if (argc > 2 || (argc == 2 && (forks = parse_count(argv[1])) < 0)) {
    std::fprintf(stderr, "Usage : fork_limit [N]  (N forks, 1 to %ld, default %ld)\n", kMaxForks,
                 kDefaultForks);
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < forks; ++i) {
    const pid_t pid = fork();
    if (pid < 0) {
      std::fprintf(stderr, "fork_limit: fork %ld: %s\n", i + 1, std::strerror(errno));
      return 1;
    }
    if (pid == 0) {
      _exit(0);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) {
        std::fprintf(stderr, "fork_limit: waitpid: %s\n", std::strerror(errno));
        return 1;
      }
    }
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  const double seconds = elapsed.count();
  if (std::printf("{\"mode\":\"fork-limit\",\"forks\":%ld,\"seconds\":%.6f,\"per_second\":%.1f}\n",
                  forks, seconds, static_cast<double>(forks) / seconds) < 0 ||
      std::fflush(stdout) != 0) {
    std::fprintf(stderr, "fork_limit: writing the result: %s\n", std::strerror(errno));
    return 1;
  }
  return 0;
}
