// Placeholder until the load generator lands: refuses every invocation.
#include <cstdio>

int main() {
  std::fputs("echo_load: not built yet\n", stderr);
  return 2;
}
