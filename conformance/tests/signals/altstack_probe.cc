// procsig-altstack-probe: exits 0 if the process starts with no alternate
// signal stack (SS_DISABLE), 1 if it has one, 2 if sigaltstack() fails.
// The altstack tests exec it from a child that had one.
#include <signal.h>

int main() {
  stack_t current{};
  if (sigaltstack(nullptr, &current) != 0) {
    return 2;
  }
  return (current.ss_flags & SS_DISABLE) != 0 ? 0 : 1;
}
