// procsig-return-status N: returns N from main, so a test can compare
// "return from main" with exit(). Bad usage exits 2 with a message.
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  if (argc != 2) {
    (void)std::fputs("Usage : procsig-return-status <status>\n", stderr);
    return 2;
  }
  char* end = nullptr;
  const long status = std::strtol(argv[1], &end, 10);
  if (*argv[1] == '\0' || *end != '\0') {
    (void)std::fprintf(stderr, "procsig-return-status: invalid status '%s'\n", argv[1]);
    return 2;
  }
  return static_cast<int>(status);
}
