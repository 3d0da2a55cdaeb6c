// procsig-exit-probe MODE: what exit(), _exit() and return from main do with
// stdio buffers and atexit handlers, observed by a test through stdout (a
// pipe). A separate program because these need stdio and a process that
// really ends through exit(), which a forked copy of the test binary must
// not use.
//
// Modes:
//   exit          buffer "buffered\n" in stdout (full buffering), exit(0)
//   _exit         the same, then _exit(0)
//   fork-exit     buffer "buffered\n", fork, child and parent both exit(0)
//                 (parent after reaping the child)
//   atexit-exit   register handlers writing "first\n" then "second\n" with
//                 write(2), exit(0)
//   atexit-_exit  the same, then _exit(0)
//   atexit-return the same, then return 0 from main
//
// Bad usage: a message on stderr and status 2. A failing call: status 1.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

void WriteLine(const char* text) {
  // write(2), not stdio: the handlers run while stdio is being torn down.
  const ssize_t n = write(STDOUT_FILENO, text, strlen(text));
  (void)n;
}

void First() { WriteLine("first\n"); }
void Second() { WriteLine("second\n"); }

int Buffer() {
  static char buffer[BUFSIZ];
  if (setvbuf(stdout, buffer, _IOFBF, sizeof buffer) != 0) {
    return 1;
  }
  return fputs("buffered\n", stdout) == EOF ? 1 : 0;
}

int RegisterHandlers() {
  // Registered first, runs last: atexit handlers run in reverse order.
  if (atexit(Second) != 0 || atexit(First) != 0) {
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    (void)fputs("Usage : procsig-exit-probe <mode>\n", stderr);
    return 2;
  }
  const char* mode = argv[1];
  if (strcmp(mode, "exit") == 0 || strcmp(mode, "_exit") == 0) {
    if (Buffer() != 0) {
      return 1;
    }
    if (mode[0] == '_') {
      _exit(0);
    }
    exit(0);
  }
  if (strcmp(mode, "fork-exit") == 0) {
    if (Buffer() != 0) {
      return 1;
    }
    const pid_t pid = fork();
    if (pid < 0) {
      return 1;
    }
    if (pid > 0 && waitpid(pid, nullptr, 0) != pid) {
      return 1;
    }
    exit(0);
  }
  if (strncmp(mode, "atexit-", 7) == 0) {
    const char* end = mode + 7;
    if (strcmp(end, "exit") != 0 && strcmp(end, "_exit") != 0 && strcmp(end, "return") != 0) {
      (void)fprintf(stderr, "procsig-exit-probe: unknown mode '%s'\n", mode);
      return 2;
    }
    if (RegisterHandlers() != 0) {
      return 1;
    }
    if (strcmp(end, "_exit") == 0) {
      _exit(0);
    }
    if (strcmp(end, "exit") == 0) {
      exit(0);
    }
    return 0;
  }
  (void)fprintf(stderr, "procsig-exit-probe: unknown mode '%s'\n", mode);
  return 2;
}
